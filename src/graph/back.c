// SPDX-License-Identifier: MIT
/*
 * Backing: a reservation meets physical memory. The memory's physically
 * contiguous extents become the reservation's extent array (ext.c), which is
 * at once the plan for every mapper (each extent mapped on its own terms, so
 * a mapper can use leaves as large as the extent's alignment allows) and the
 * reservation's entries in the system's reverse map. Scattered 4 KiB pages
 * are as many extents as pages: per-extent costs are what such memory pays
 * for.
 *
 * All or nothing: every instance of the VCM is written (inst_map.c); if one
 * refuses, what was written is undone and the extent array is freed. TLBs
 * are invalidated once per call and per active (device, base), after every
 * table is written (tlb.c), a refused back included: a device may have
 * cached what was briefly there. Tables a call empties are held until
 * then (insts_stash_()).
 */
#include "graph_internal.h"

int vcm_back(struct vcm_res *res, struct vcm_mem *mem)
{
	struct rmap_ext *ext;
	uint32_t *by_pa;
	uint64_t nr;
	struct vcm *vcm;
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&res, GK_RES, "res", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	vcm = res->vcm;
	if (!gobj_take_(&mem, GK_MEM, sys)) {
		ret = GERR(sys, -EINVAL, "mem is not a live allocation of this system");
		goto out;
	}
	if (res->mem != NULL) {
		ret = GERR(sys, -EBUSY, "res at da %#llx is already backed", vcm_ull(res->da));
		goto out;
	}
	if (mem->len != res->len) {
		ret = GERR(sys, -EINVAL, "mem is %#llx bytes, res at da %#llx is %#llx",
			   vcm_ull(mem->len), vcm_ull(res->da), vcm_ull(res->len));
		goto out;
	}
	if (vcm->nr_active == 0U) {
		ret = GERR(sys, -EAGAIN, "the VCM of res at da %#llx has no active association",
			   vcm_ull(res->da));
		goto out;
	}
	ret = ext_build_(sys, res, mem->pm, &ext, &by_pa, &nr);
	if (ret != 0)
		goto out;
	ret = one_to_one_check_(vcm, ext, nr);
	if (ret != 0) {
		ext_free_(sys, ext, nr);
		goto out;
	}
	insts_stash_(vcm, INST_KEEP);
	ret = insts_map_ext_(vcm, ext, nr, res->prot);
	if (ret != 0) {
		/* the rollback's leaves and tables, which a walk may have seen */
		tlb_fan_(vcm, res->da, res->len, false);
		insts_stash_(vcm, INST_PASS);
		ext_free_(sys, ext, nr);
		goto out;
	}
	res_attach_(res, mem, ext, by_pa, nr);
	tlb_fan_(vcm, res->da, res->len, true);
	insts_stash_(vcm, INST_PASS);
out:
	vcm_leave_(sys, lv);
	return ret;
}

int vcm_unback(struct vcm_res *res)
{
	int ret;
	struct vcm *lv;
	struct vcm_sys *sys = gobj_lock_vcm_(&res, GK_RES, "res", __func__, &ret, &lv);

	if (sys == NULL)
		return ret;
	if (res->mem == NULL) {
		ret = GERR(sys, -ENOENT, "res at da %#llx is not backed", vcm_ull(res->da));
		goto out;
	}
	insts_stash_(res->vcm, INST_KEEP);
	ret = insts_unmap_ext_(res->vcm, res->ext, res->nr_ext, res->prot);
	if (ret != 0) {
		insts_stash_(res->vcm, INST_PASS);
		goto out;
	}
	/* tables may have been emptied: walk caches go too, then the tables */
	tlb_fan_(res->vcm, res->da, res->len, false);
	insts_stash_(res->vcm, INST_PASS);
	res_detach_(res);
out:
	vcm_leave_(sys, lv);
	return ret;
}
