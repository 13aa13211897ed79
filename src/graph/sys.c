// SPDX-License-Identifier: MIT
/*
 * The system: the root every other object hangs off. It owns the memtypes
 * (a struct vcm_phys), the handle pools, the lists of devices, VCMs and
 * physical allocations, and the reverse map. No global state: two systems
 * share nothing but, if the caller wants, their platform ops.
 */
#include "graph_internal.h"

int vcm_sys_create(const struct vcm_sys_cfg *cfg, struct vcm_sys **out, struct vcm_diag *diag)
{
	struct vcm_phys_cfg pcfg;
	struct vcm_diag pdiag = { 0 };
	struct vcm_sys *sys;
	int ret;

	vcm_diag_enter(diag, __func__);
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	if (cfg->plat == NULL || cfg->plat->meta_alloc == NULL || cfg->plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat or its meta_alloc/meta_free is NULL");
	if (cfg->lock != NULL && ((cfg->lock->lock == NULL) != (cfg->lock->unlock == NULL)))
		return VCM_ERR(diag, -EINVAL, "cfg->lock has only one of lock and unlock");
	sys = cfg->plat->meta_alloc(cfg->plat->ctx, sizeof(*sys));
	if (sys == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for the system");
	graph_zero(sys, sizeof(*sys));
	sys->plat = cfg->plat;
	if (cfg->lock != NULL)
		sys->lock = *cfg->lock;
	sys->diag_slot = cfg->diag_slot;
	sys->diag_ctx = cfg->diag_ctx;
	if (cfg->slots != NULL && gpool_adopt_(sys, cfg->slots) != 0) {
		cfg->plat->meta_free(cfg->plat->ctx, sys, sizeof(*sys));
		return VCM_ERR(diag, -EBUSY, "cfg->slots is in use by another system");
	}
	pcfg.memtypes = cfg->memtypes;
	pcfg.nr_memtypes = cfg->nr_memtypes;
	pcfg.plat = cfg->plat;
	ret = vcm_phys_create(&pcfg, &sys->phys, &pdiag);
	if (ret != 0) {
		/* keep the phys message, under our name */
		VCM_ERR(diag, ret, "memtypes: %s", graph_msg_(pdiag.msg));
		gpool_fini_(sys); /* gives adopted slabs back to cfg->slots */
		cfg->plat->meta_free(cfg->plat->ctx, sys, sizeof(*sys));
		return ret;
	}
	glist_init(&sys->devs);
	glist_init(&sys->vcms);
	glist_init(&sys->mems);
	sys->magic = GRAPH_MAGIC_SYS;
	*out = sys;
	return 0;
}

int vcm_sys_destroy(struct vcm_sys *sys)
{
	const struct vcm_plat_ops *plat;
	int ret;

	if (sys == NULL || sys->magic != GRAPH_MAGIC_SYS)
		return -EINVAL;
	sys_enter_(sys, __func__);
	if (sys->nr_vcm != 0U || sys->nr_dev != 0U || sys->nr_mem != 0U) {
		ret = GERR(sys, -EBUSY, "%llu VCMs, %llu devices and %llu allocations are live",
			   vcm_ull(sys->nr_vcm), vcm_ull(sys->nr_dev), vcm_ull(sys->nr_mem));
		sys_unlock_(sys);
		return ret;
	}
	ret = vcm_phys_destroy(sys->phys);
	if (ret != 0) {
		ret = GERR(sys, ret, "memtypes: %s", graph_msg_(vcm_phys_last_error(sys->phys)));
		sys_unlock_(sys);
		return ret;
	}
	gpool_fini_(sys);
	sys->magic = 0;
	sys_unlock_(sys);
	plat = sys->plat;
	plat->meta_free(plat->ctx, sys, sizeof(*sys));
	return 0;
}

const char *vcm_sys_last_error(const struct vcm_sys *sys)
{
	if (!sys_live(sys))
		return "vcm_sys_last_error: sys is not a live system";
	return sys_diag_(sys)->msg;
}

struct vcm_phys *vcm_sys_phys(struct vcm_sys *sys)
{
	if (!sys_live(sys))
		return NULL;
	return sys->phys;
}

uint64_t vcm_get_min_page_size(const struct vcm_sys *sys)
{
	(void)sys;
	return GRAPH_PAGE;
}
