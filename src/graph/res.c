// SPDX-License-Identifier: MIT
/*
 * Reservations and bounds. Ranges come from the VCM's vcm_vs (or a bound's
 * sub-space), which is the one record of them: each range's owner is its
 * struct vcm_res, or for a bound's range in the VCM's space its struct
 * vcm_bound, whose own space holds its reservations. Lookups and walks go
 * through the space, stepping into a bound's space where they meet one.
 * Also vcm_res_copy(), which moves bytes between two backed reservations
 * through the platform's pa_to_cpu.
 */
#include <vcm/pgtable.h>
#include "graph_internal.h"
#include "../vspace/vs_held.h"

#define ALIGN_MIN UINT64_C(0x1000)
#define ALIGN_MAX UINT64_C(0x40000000)

/* The bound whose range @r of a VCM's space is, or NULL (a reservation's). */
static struct vcm_bound *range_bound(const struct vcm_vs_range *r)
{
	void *o = vcm_vs_range_owner(r);

	return gobj_live(o, GK_BOUND) ? o : NULL;
}

/*
 * The VCM of live @res, which may be another VCM's, whose calls may free and
 * reuse its slot meanwhile: with finer locks read from the slot header.
 */
static const struct vcm *res_vcm(const struct vcm_res *res)
{
#if GRAPH_FINE
	return __atomic_load_n(&res->h.owner, __ATOMIC_RELAXED);
#else
	return res->vcm;
#endif
}

/* The space @res's range is in. */
static struct vcm_vs *res_space(const struct vcm_res *res)
{
	return res->bound != NULL ? vcm_vs_bound_space(res->bound->vb) : res->vcm->vs;
}

struct vcm_res *res_at_(const struct vcm *vcm, vcm_da_t da)
{
	struct vcm_vs_range *r = vcm_vs_find(vcm->vs, da);
	struct vcm_bound *b = range_bound(r);

	if (b != NULL)
		r = vcm_vs_find(vcm_vs_bound_space(b->vb), da);
	return vcm_vs_range_owner(r);
}

/*
 * The first reservation after range @r of @vcm's own space (NULL: from its
 * start), in address order: a later range's own, or the first of a bound's.
 * The space's walk (vs_next_held_()) passes empty bounds by the subtree, so
 * a step costs O(log n) however many lie between, and a drain loop of
 * vcm_get_next_res(vcm, NULL) stays linear.
 */
static struct vcm_res *res_after(const struct vcm *vcm, const struct vcm_vs_range *r)
{
	while ((r = vs_next_held_(vcm->vs, r)) != NULL) {
		struct vcm_bound *b = range_bound(r);
		struct vcm_vs_range *in;

		if (b == NULL)
			return vcm_vs_range_owner(r);
		in = vcm_vs_first(vcm_vs_bound_space(b->vb));
		if (in != NULL) /* held: it has one */
			return vcm_vs_range_owner(in);
	}
	return NULL;
}

struct vcm_res *res_first_(const struct vcm *vcm)
{
	return res_after(vcm, NULL);
}

struct vcm_res *res_next_(const struct vcm_res *res)
{
	const struct vcm *vcm = res->vcm;
	struct vcm_vs_range *r;

	if (res->bound == NULL)
		return res_after(vcm, res->range);
	r = vcm_vs_next(vcm_vs_bound_space(res->bound->vb), res->range);
	if (r != NULL)
		return vcm_vs_range_owner(r); /* a bound holds no bounds */
	/* the bound's last: on after the bound's range in the VCM's space */
	return res_after(vcm, vcm_vs_bound_range(res->bound->vb));
}

int res_new_locked_(struct vcm *vcm, struct vcm_bound *bound, bool at, vcm_da_t da,
		    uint64_t len, uint64_t align, unsigned int prot, struct vcm_res **out)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct vcm_vs *vs = bound != NULL ? vcm_vs_bound_space(bound->vb) : vcm->vs;
	struct vcm_res *res;
	struct vcm_vs_range *r;
	int ret;

	if (out == NULL)
		return GERR(sys, -EINVAL, "out is NULL");
	if (len == 0U || !vcm_is_aligned(len, GRAPH_PAGE))
		return GERR(sys, -EINVAL, "len %#llx is 0 or not a multiple of 4 KiB",
			    vcm_ull(len));
	if (align == 0U)
		align = ALIGN_MIN;
	if (!vcm_is_pow2(align) || align < ALIGN_MIN || align > ALIGN_MAX)
		return GERR(sys, -EINVAL, "align %#llx is not a power of two in 4K..1G",
			    vcm_ull(align));
	ret = vcm_pt_prot_check(prot, sys_diag_(sys));
	if (ret != 0)
		return ret;
	res = gobj_alloc_(sys, GK_RES);
	if (res == NULL)
		return GERR(sys, -ENOMEM, "no metadata for the reservation");
	ret = at ? vcm_vs_reserve_at(vs, da, len, &r) : vcm_vs_reserve(vs, len, align, &r);
	if (ret != 0) {
		gobj_free_(sys, GK_RES, res);
		return GERR(sys, ret, "%s", graph_msg_(vcm_vs_last_error(vs)));
	}
	res->vcm = vcm;
	gobj_set_owner_(res, vcm);
	res->bound = bound;
	res->range = r;
	res->da = vcm_vs_range_start(r);
	res->len = len;
	res->align = at ? vcm_lowbit(res->da | ALIGN_MAX) : align;
	res->prot = prot;
	glist_init(&res->mem_node);
	vcm_vs_range_set_owner(r, res);
	vcm->nr_res++;
	if (bound != NULL)
		bound->nr_res++;
	*out = res;
	return 0;
}

void res_delete_locked_(struct vcm_res *res)
{
	struct vcm *vcm = res->vcm;
	int ret;

	VCM_ASSERT(res->mem == NULL);
	ret = vcm_vs_unreserve(res_space(res), res->range);
	VCM_ASSERT(ret == 0);
	(void)ret;
	vcm->nr_res--;
	if (res->bound != NULL)
		res->bound->nr_res--;
	gobj_free_(vcm->h.sys, GK_RES, res);
}

int vcm_reserve(struct vcm *vcm, uint64_t len, uint64_t align, unsigned int prot,
		struct vcm_res **out)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&vcm, GK_VCM, "vcm", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	ret = res_new_locked_(vcm, NULL, false, 0, len, align, prot, out);
	if (ret == 0)
		*out = gobj_handle_(*out);
	vcm_leave_(sys, lv);
	return ret;
}

int vcm_reserve_at(struct vcm *vcm, vcm_da_t da, uint64_t len, unsigned int prot,
		   struct vcm_res **out)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&vcm, GK_VCM, "vcm", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	ret = res_new_locked_(vcm, NULL, true, da, len, 0, prot, out);
	if (ret == 0)
		*out = gobj_handle_(*out);
	vcm_leave_(sys, lv);
	return ret;
}

int vcm_unreserve(struct vcm_res *res)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&res, GK_RES, "res", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	if (res->mem != NULL)
		ret = GERR(sys, -EBUSY, "res at da %#llx is backed (vcm_unback first)",
			   vcm_ull(res->da));
	else
		res_delete_locked_(res);
	vcm_leave_(sys, lv);
	return ret;
}

struct vcm *vcm_get_vcm_from_res(const struct vcm_res *res)
{
	if (!gobj_ok_(&res, GK_RES))
		return NULL;
	return gobj_handle_(res->vcm);
}

uint64_t vcm_get_res_len(const struct vcm_res *res)
{
	if (!gobj_ok_(&res, GK_RES))
		return 0;
	return res->len;
}

vcm_da_t vcm_get_dev_addr(const struct vcm_res *res)
{
	if (!gobj_ok_(&res, GK_RES))
		return 0;
	return res->da;
}

int vcm_get_res_attr(const struct vcm_res *res, unsigned int *prot, uint64_t *align)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&res, GK_RES, "res", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	if (prot == NULL && align == NULL) {
		ret = GERR(sys, -EINVAL, "prot and align are both NULL");
	} else {
		if (prot != NULL)
			*prot = res->prot;
		if (align != NULL)
			*align = res->align;
	}
	vcm_leave_(sys, lv);
	return ret;
}

int vcm_set_res_attr(struct vcm_res *res, unsigned int prot)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&res, GK_RES, "res", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (res->mem != NULL)
		ret = GERR(sys, -EBUSY, "res at da %#llx is backed", vcm_ull(res->da));
	else
		ret = vcm_pt_prot_check(prot, sys_diag_(sys));
	if (ret == 0)
		res->prot = prot;
	sys_unlock_(sys);
	return ret;
}

uint64_t vcm_get_num_res(const struct vcm *vcm)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&vcm, GK_VCM, "vcm", NULL, &ret, &lv);
	uint64_t n;

	if (sys == NULL)
		return 0;
	n = vcm->nr_res;
	vcm_leave_(sys, lv);
	return n;
}

struct vcm_res *vcm_get_next_res(const struct vcm *vcm, const struct vcm_res *prev)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&vcm, GK_VCM, "vcm", NULL, &ret, &lv);
	struct vcm_res *res = NULL;

	if (sys == NULL)
		return NULL;
	vcm_diag_enter(sys_diag_(sys), __func__);
	if (prev == NULL)
		res = res_first_(vcm);
	else if (gobj_take_(&prev, GK_RES, sys) && res_vcm(prev) == vcm)
		res = res_next_(prev);
	else
		GERR(sys, -EINVAL, "prev is not a live reservation of vcm");
	res = gobj_handle_(res);
	vcm_leave_(sys, lv);
	return res;
}

struct vcm_res *vcm_get_res(struct vcm *vcm, vcm_da_t da)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&vcm, GK_VCM, "vcm", NULL, &ret, &lv);
	struct vcm_res *res;

	if (sys == NULL)
		return NULL;
	res = gobj_handle_(res_at_(vcm, da));
	vcm_leave_(sys, lv);
	return res;
}

/* ---- copy ------------------------------------------------------------------ */

/*
 * Whether @pa is one of the first @len bytes of @s (@s does not move): which
 * side a pa copy_phys_() names is, for the message (the two sides share no
 * pa: refused before the copy).
 */
static bool side_has_pa(const struct copy_side *s, uint64_t len, vcm_pa_t pa)
{
	struct copy_side c = *s;
	vcm_pa_t at;
	uint64_t n;

	while (len != 0U && c.next(&c, &at, &n) == 0) {
		n = n < len ? n : len;
		if (at <= pa && pa - at < n)
			return true;
		len -= n;
	}
	return false;
}

int vcm_res_copy(struct vcm_res *to, uint64_t to_off, struct vcm_res *from, uint64_t from_off,
		 uint64_t len)
{
	const struct vcm_plat_ops *plat;
	struct copy_side cur_to, cur_from;
	vcm_pa_t bad;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&to, GK_RES, "to", __func__, &ret);

	if (sys == NULL)
		return ret;
	plat = sys->plat;
	if (!gobj_take_(&from, GK_RES, sys)) {
		ret = GERR(sys, -EINVAL, "from is not a live reservation of this system");
		goto out;
	}
	if (to->mem == NULL || from->mem == NULL) {
		ret = GERR(sys, -ENOENT, "%s at da %#llx is not backed",
			   to->mem == NULL ? "to" : "from",
			   vcm_ull(to->mem == NULL ? to->da : from->da));
		goto out;
	}
	if (to_off > to->len || len > to->len - to_off) {
		ret = GERR(sys, -ERANGE, "to_off %#llx + len %#llx is past to's %#llx bytes",
			   vcm_ull(to_off), vcm_ull(len), vcm_ull(to->len));
		goto out;
	}
	if (from_off > from->len || len > from->len - from_off) {
		ret = GERR(sys, -ERANGE,
			   "from_off %#llx + len %#llx is past from's %#llx bytes",
			   vcm_ull(from_off), vcm_ull(len), vcm_ull(from->len));
		goto out;
	}
	/* both start at offset 0 of their memory: same memory, same offsets */
	if (to->mem == from->mem && len != 0U && to_off < from_off + len && from_off < to_off + len) {
		ret = GERR(sys, -EINVAL, "the ranges overlap in the same memory");
		goto out;
	}
	if (plat->pa_to_cpu == NULL) {
		ret = GERR(sys, -EOPNOTSUPP, "the platform has no pa_to_cpu");
		goto out;
	}
	copy_side_res_(&cur_to, to, to_off);
	copy_side_res_(&cur_from, from, from_off);
	/*
	 * Memory wrapped twice (vcm_alloc_wrap) can alias, and a wrap can cover
	 * an allocation: refused like the case above. Two allocations from the
	 * memtypes never share a byte, so only a wrap is looked at (run by run).
	 */
	if ((to->mem->memtype < 0 || from->mem->memtype < 0) &&
	    copy_overlap_(&cur_to, &cur_from, len, &bad)) {
		ret = GERR(sys, -EINVAL, "to and from share the physical byte at pa %#llx",
			   vcm_ull(bad));
		goto out;
	}
	ret = copy_phys_(plat, &cur_to, &cur_from, len, &bad);
	if (ret == -EACCES)
		ret = GERR(sys, ret, "to: pa %#llx: the host maps it read-only", vcm_ull(bad));
	else if (ret == -EINVAL)
		ret = GERR(sys, ret, "to: pa %#llx is the same memory as a byte of from "
			   "(the host maps both IPAs to it)", vcm_ull(bad));
	else if (ret != 0)
		ret = GERR(sys, ret, "%s: pa %#llx has no CPU view",
			   side_has_pa(&cur_to, len, bad) ? "to" : "from", vcm_ull(bad));
out:
	sys_unlock_(sys);
	return ret;
}

/* ---- bounds ------------------------------------------------------------------- */

int bound_new_locked_(struct vcm *vcm, bool at, vcm_da_t da, uint64_t len,
		      struct vcm_bound **out)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct vcm_bound *b;
	int ret;

	if (out == NULL)
		return GERR(sys, -EINVAL, "out is NULL");
	if (len == 0U || !vcm_is_aligned(len, GRAPH_PAGE))
		return GERR(sys, -EINVAL, "len %#llx is 0 or not a multiple of 4 KiB",
			    vcm_ull(len));
	b = gobj_alloc_(sys, GK_BOUND);
	if (b == NULL)
		return GERR(sys, -ENOMEM, "no metadata for the bound");
	ret = at ? vcm_vs_bound_create_at(vcm->vs, da, len, &b->vb) :
		   vcm_vs_bound_create(vcm->vs, len, ALIGN_MIN, &b->vb);
	if (ret != 0) {
		gobj_free_(sys, GK_BOUND, b);
		return GERR(sys, ret, "%s", graph_msg_(vcm_vs_last_error(vcm->vs)));
	}
	vcm_vs_range_set_owner(vcm_vs_bound_range(b->vb), b);
	b->vcm = vcm;
	gobj_set_owner_(b, vcm);
	b->da = vcm_vs_range_start(vcm_vs_bound_range(b->vb));
	b->len = len;
	glist_add_tail(&vcm->bounds, &b->node);
	*out = b;
	return 0;
}

int vcm_create_bound(struct vcm *vcm, uint64_t len, struct vcm_bound **out)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&vcm, GK_VCM, "vcm", __func__, &ret);

	if (sys == NULL)
		return ret;
	ret = bound_new_locked_(vcm, false, 0, len, out);
	if (ret == 0)
		*out = gobj_handle_(*out);
	sys_unlock_(sys);
	return ret;
}

int vcm_free_bound(struct vcm_bound *bound)
{
	int ret;
	struct vcm_sys *sys = gobj_lock_(&bound, GK_BOUND, "bound", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (bound->nr_res != 0U) {
		ret = GERR(sys, -EBUSY, "bound at da %#llx holds %llu reservations",
			   vcm_ull(bound->da), vcm_ull(bound->nr_res));
	} else {
		ret = vcm_vs_bound_free(bound->vcm->vs, bound->vb);
		VCM_ASSERT(ret == 0);
		glist_del(&bound->node);
		gobj_free_(sys, GK_BOUND, bound);
	}
	sys_unlock_(sys);
	return ret;
}

int vcm_reserve_from_bound(struct vcm_bound *bound, uint64_t len, uint64_t align,
			   unsigned int prot, struct vcm_res **out)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&bound, GK_BOUND, "bound", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	ret = res_new_locked_(bound->vcm, bound, false, 0, len, align, prot, out);
	if (ret == 0)
		*out = gobj_handle_(*out);
	vcm_leave_(sys, lv);
	return ret;
}

vcm_da_t vcm_get_bound_start_addr(const struct vcm_bound *bound)
{
	if (!gobj_ok_(&bound, GK_BOUND))
		return 0;
	return bound->da;
}

uint64_t vcm_get_bound_len(const struct vcm_bound *bound)
{
	if (!gobj_ok_(&bound, GK_BOUND))
		return 0;
	return bound->len;
}
