// SPDX-License-Identifier: MIT
/*
 * VCMs: device address spaces. Three kinds share one struct: a device VCM
 * (vcm_create), a one-to-one VCM whose device addresses are physical
 * addresses (vcm_create_one_to_one), and a prebuilt CPU VCM whose range comes
 * from its CPU device's mapper and which is associated and active from the
 * start (vcm_create_prebuilt). Each owns a vcm_vs for its ranges and a tree
 * of its reservations by address.
 */
#include "graph_internal.h"

static int check_range(struct vcm_sys *sys, vcm_da_t start, uint64_t len, const char *what)
{
	if (len == 0U || !vcm_is_aligned(len, GRAPH_PAGE))
		return GERR(sys, -EINVAL, "len %#llx is 0 or not a multiple of 4 KiB",
			    vcm_ull(len));
	if (!vcm_is_aligned(start, GRAPH_PAGE))
		return GERR(sys, -EINVAL, "%s %#llx is not 4 KiB aligned", what,
			    vcm_ull(start));
	if (start + len - 1U < start)
		return GERR(sys, -EOVERFLOW, "%s %#llx + len %#llx wraps", what,
			    vcm_ull(start), vcm_ull(len));
	return 0;
}

int vcm_new_locked_(struct vcm_sys *sys, enum vcm_kind kind, vcm_da_t start, uint64_t len,
		    struct vcm **out)
{
	struct vcm_vs_cfg vcfg;
	struct vcm_diag d = { 0 };
	struct vcm *vcm;
	int ret;

	ret = check_range(sys, start, len, kind == VK_ONE_TO_ONE ? "pa" : "start");
	if (ret != 0)
		return ret;
	vcm = gobj_alloc_(sys, GK_VCM);
	if (vcm == NULL)
		return GERR(sys, -ENOMEM, "no metadata for the VCM");
	vcfg.start = start;
	vcfg.len = len;
	vcfg.plat = sys->plat;
	ret = vcm_vs_create(&vcfg, &vcm->vs, &d);
	if (ret != 0) {
		gobj_free_(sys, GK_VCM, vcm);
		return GERR(sys, ret, "range: %s", graph_msg_(d.msg));
	}
	if (GRAPH_FINE && sys->fine) {
		vcm->lock = sys->locks.create(sys->locks.ctx, VCM_LOCK_VCM, "VCM", false);
		if (vcm->lock == NULL) {
			vcm_vs_destroy(vcm->vs);
			gobj_free_(sys, GK_VCM, vcm);
			return GERR(sys, -ENOMEM, "no lock for the VCM");
		}
		/* threads in one VCM: each reuses its own ranges first (a range
		 * cache, when one is set, keeps magazines per thread number) */
		if (sys->locks.self != NULL)
			(void)vcm_vs_cache_set_local(vcm->vs, GRAPH_CACHE_LOCAL, sys->locks.self,
						     sys->locks.ctx);
	}
	gobj_set_owner_(vcm, vcm);
	vcm->kind = kind;
	vcm->start = start;
	vcm->len = len;
	glist_init(&vcm->insts);
	glist_init(&vcm->assocs);
	glist_init(&vcm->bounds);
	glist_add_tail(&sys->vcms, &vcm->node);
	sys->nr_vcm++;
	*out = vcm;
	return 0;
}

/* Free an empty VCM (no reservations, no associations): bounds go with it. */
void vcm_delete_locked_(struct vcm *vcm)
{
	struct vcm_sys *sys = vcm->h.sys;

	VCM_ASSERT(vcm->nr_res == 0U && vcm->nr_assoc == 0U);
	while (!glist_empty(&vcm->bounds)) {
		struct vcm_bound *b = GRAPH_CONTAINER(vcm->bounds.next, struct vcm_bound, node);

		glist_del(&b->node);
		gobj_free_(sys, GK_BOUND, b);
	}
	vcm_vs_destroy(vcm->vs); /* bounds of the space too */
	if (GRAPH_FINE && vcm->lock != NULL)
		sys->locks.destroy(sys->locks.ctx, vcm->lock);
	glist_del(&vcm->node);
	sys->nr_vcm--;
	gobj_free_(sys, GK_VCM, vcm);
}

static int create(struct vcm_sys *sys, enum vcm_kind kind, vcm_da_t start, uint64_t len,
		  struct vcm **out, const char *fn)
{
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, fn);
	if (out == NULL)
		ret = GERR(sys, -EINVAL, "out is NULL");
	else
		ret = vcm_new_locked_(sys, kind, start, len, out);
	if (ret == 0)
		*out = gobj_handle_(*out);
	sys_unlock_(sys);
	return ret;
}

int vcm_create(struct vcm_sys *sys, vcm_da_t start, uint64_t len, struct vcm **out)
{
	return create(sys, VK_DEV, start, len, out, __func__);
}

int vcm_create_one_to_one(struct vcm_sys *sys, vcm_pa_t start, uint64_t len, struct vcm **out)
{
	return create(sys, VK_ONE_TO_ONE, start, len, out, __func__);
}

int vcm_create_prebuilt(struct vcm_sys *sys, struct vcm_dev *cpu, bool user, struct vcm **out)
{
	const struct vcm_mapper_ops *m;
	struct vcm_avcm *a;
	struct vcm *vcm;
	vcm_da_t start;
	uint64_t len;
	unsigned int attr;
	int ret;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (out == NULL) {
		ret = GERR(sys, -EINVAL, "out is NULL");
		goto out;
	}
	if (!gobj_take_(&cpu, GK_DEV, sys)) {
		ret = GERR(sys, -EINVAL, "cpu is not a live device of this system");
		goto out;
	}
	m = cpu->cfg.mapper;
	if (m->range == NULL) {
		ret = GERR(sys, -EOPNOTSUPP, "cpu '%s': mapper '%s' has no range op", cpu->name,
			   m->name != NULL ? m->name : "?");
		goto out;
	}
	ret = m->range(cpu->cfg.mapper_ctx, user, &start, &len);
	if (ret != 0) {
		ret = GERR(sys, ret, "cpu '%s': mapper '%s' gave no %s range", cpu->name,
			   m->name != NULL ? m->name : "?", user ? "user" : "kernel");
		goto out;
	}
	ret = vcm_new_locked_(sys, VK_PREBUILT, start, len, &vcm);
	if (ret != 0)
		goto out;
	/* the kernel view sits on the high base where the CPU has two */
	attr = (!user && cpu->cfg.nr_bases == 2U) ? VCM_USE_HIGH_BASE : VCM_USE_LOW_BASE;
	ret = assoc_new_locked_(vcm, cpu, attr, &a);
	if (ret != 0) {
		vcm_delete_locked_(vcm);
		goto out;
	}
	ret = activate_locked_(a);
	if (ret != 0) {
		assoc_remove_locked_(a);
		vcm_delete_locked_(vcm);
		goto out;
	}
	vcm->own = a;
	*out = gobj_handle_(vcm);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_free(struct vcm *vcm)
{
	struct vcm_sys *sys;
	int ret;

	sys = gobj_lock_(&vcm, GK_VCM, "vcm", __func__, &ret);
	if (sys == NULL)
		return ret;
	if (vcm->nr_res != 0U) {
		ret = GERR(sys, -EBUSY, "vcm has %llu reservations", vcm_ull(vcm->nr_res));
		goto out;
	}
	if (vcm->nr_assoc > (vcm->own != NULL ? 1U : 0U)) {
		ret = GERR(sys, -EBUSY, "vcm has %llu associations", vcm_ull(vcm->nr_assoc));
		goto out;
	}
	if (vcm->own != NULL) {
		if (vcm->own->active)
			deactivate_locked_(vcm->own);
		assoc_remove_locked_(vcm->own);
		vcm->own = NULL;
	}
	vcm_delete_locked_(vcm);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_set_range_cache(struct vcm *vcm, const struct vcm_vs_cache_cfg *cc)
{
	struct vcm_sys *sys;
	int ret;

	sys = gobj_lock_(&vcm, GK_VCM, "vcm", __func__, &ret);
	if (sys == NULL)
		return ret;
	if (cc == NULL) {
		ret = GERR(sys, -EINVAL, "cc is NULL");
	} else {
		ret = vcm_vs_cache_config(vcm->vs, cc);
		if (ret != 0)
			ret = GERR(sys, ret, "%s", graph_msg_(vcm_vs_last_error(vcm->vs)));
	}
	sys_unlock_(sys);
	return ret;
}

int vcm_get_range_cache_stats(struct vcm *vcm, struct vcm_vs_cache_stats *out)
{
	struct vcm_sys *sys;
	int ret;

	sys = gobj_lock_(&vcm, GK_VCM, "vcm", __func__, &ret);
	if (sys == NULL)
		return ret;
	if (out == NULL)
		ret = GERR(sys, -EINVAL, "out is NULL");
	else
		ret = vcm_vs_cache_stats(vcm->vs, out);
	sys_unlock_(sys);
	return ret;
}

vcm_da_t vcm_get_start_addr(const struct vcm *vcm)
{
	if (!gobj_ok_(&vcm, GK_VCM))
		return 0;
	return vcm->start;
}

uint64_t vcm_get_len(const struct vcm *vcm)
{
	if (!gobj_ok_(&vcm, GK_VCM))
		return 0;
	return vcm->len;
}
