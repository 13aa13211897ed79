// SPDX-License-Identifier: MIT
/*
 * Backing: a reservation meets physical memory. The memory's physically
 * contiguous extents (vcm_phys_next_extent) become the reservation's extent
 * array, which is at once the plan for every mapper (one map call per extent,
 * so each mapper can use leaves as large as the extent's alignment allows)
 * and the reservation's entries in the system's reverse map.
 *
 * All or nothing: every instance of the VCM is written in creation order; if
 * one refuses, what was written in it is unmapped in reverse, then the
 * instances before it, and the extent array is freed. TLBs are invalidated
 * once per call and per active (device, base), after every table is written.
 */
#include "graph_internal.h"

static size_t ext_bytes(uint64_t nr)
{
	return (size_t)nr * (sizeof(struct rmap_ext) + sizeof(uint32_t));
}

/* Heap sort of @idx by the physical start of @ext[idx]: no recursion, no libc. */
static void sort_by_pa(const struct rmap_ext *ext, uint32_t *idx, uint64_t n)
{
	uint64_t start = n / 2U, end = n;

	while (end > 1U) {
		uint64_t root, child;

		if (start > 0U) {
			start--;
		} else {
			uint32_t t = idx[--end];

			idx[end] = idx[0];
			idx[0] = t;
		}
		root = start;
		while ((child = 2U * root + 1U) < end) {
			if (child + 1U < end && ext[idx[child]].tn.key < ext[idx[child + 1U]].tn.key)
				child++;
			if (ext[idx[root]].tn.key >= ext[idx[child]].tn.key)
				break;
			uint32_t t = idx[root];

			idx[root] = idx[child];
			idx[child] = t;
			root = child;
		}
	}
}

int ext_build_(struct vcm_sys *sys, struct vcm_res *res, const struct vcm_physmem *pm,
	       struct rmap_ext **ext_out, uint32_t **by_pa_out, uint64_t *nr_out, const char *fn)
{
	uint64_t iter = 0, n = 0, i = 0, off = 0, len;
	struct rmap_ext *ext;
	uint32_t *by_pa;
	vcm_pa_t pa;

	while (vcm_phys_next_extent(pm, &iter, &pa, &len) == 0)
		n++;
	if (n == 0U || n > UINT32_MAX)
		return GFAIL(sys, fn, -EINVAL, "mem has %llu extents", vcm_ull(n));
	ext = meta_alloc_(sys, ext_bytes(n));
	if (ext == NULL)
		return GFAIL(sys, fn, -ENOMEM, "no metadata for %llu extents", vcm_ull(n));
	by_pa = (uint32_t *)(void *)(ext + n);
	iter = 0;
	while (vcm_phys_next_extent(pm, &iter, &pa, &len) == 0) {
		graph_zero(&ext[i], sizeof(ext[i]));
		ext[i].tn.key = pa;
		ext[i].tn.last = pa + len - 1U;
		ext[i].da = res->da + off;
		ext[i].len = len;
		ext[i].res = res;
		by_pa[i] = (uint32_t)i;
		off += len;
		i++;
	}
	sort_by_pa(ext, by_pa, n);
	*ext_out = ext;
	*by_pa_out = by_pa;
	*nr_out = n;
	return 0;
}

void ext_free_(struct vcm_sys *sys, struct rmap_ext *ext, uint64_t nr)
{
	meta_free_(sys, ext, ext_bytes(nr));
}

void inst_unmap_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		     uint64_t nr, const char *fn)
{
	while (nr-- != 0U) {
		int ret = in->ops->unmap(in->mi, ext[nr].da, ext[nr].len, sys_diag_(sys), fn);

		/* a mapper must be able to unmap exactly what one map call made */
		VCM_ASSERT(ret == 0);
		(void)ret;
	}
}

int inst_map_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		  uint64_t nr, unsigned int prot, const char *fn)
{
	for (uint64_t i = 0; i < nr; i++) {
		int ret = in->ops->map(in->mi, ext[i].da, ext[i].tn.key, ext[i].len, prot,
				       sys_diag_(sys), fn);

		if (ret != 0) {
			inst_unmap_ext_(sys, in, ext, i, fn);
			return ret;
		}
	}
	return 0;
}

void tlb_fan_(struct vcm *vcm, vcm_da_t da, uint64_t len, bool leaf)
{
	struct glist *p;

	glist_for_each(p, &vcm->assocs) {
		struct vcm_avcm *a = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node);
		const struct vcm_dev_ops *ops = a->dev->cfg.ops;
		unsigned int bases = assoc_bases_(a);

		if (!a->active || ops == NULL || ops->tlb_range == NULL)
			continue;
		for (unsigned int b = 0; b < VCM_MAX_BASES; b++)
			if ((bases & (1U << b)) != 0U)
				ops->tlb_range(a->dev->cfg.ctx, b, da, len, leaf);
	}
}

void res_attach_(struct vcm_res *res, struct vcm_mem *mem, struct rmap_ext *ext,
		 uint32_t *by_pa, uint64_t nr)
{
	struct vcm_sys *sys = res->h.sys;

	res->mem = mem;
	res->ext = ext;
	res->by_pa = by_pa;
	res->nr_ext = nr;
	for (uint64_t i = 0; i < nr; i++)
		gtree_insert_(&sys->rmap, &ext[i].tn);
	glist_add_tail(&mem->users, &res->mem_node);
	mem->nr_users++;
}

void res_detach_(struct vcm_res *res)
{
	struct vcm_sys *sys = res->h.sys;

	for (uint64_t i = 0; i < res->nr_ext; i++)
		gtree_remove_(&sys->rmap, &res->ext[i].tn);
	ext_free_(sys, res->ext, res->nr_ext);
	glist_del(&res->mem_node);
	res->mem->nr_users--;
	res->mem = NULL;
	res->ext = NULL;
	res->by_pa = NULL;
	res->nr_ext = 0;
}

int one_to_one_check_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, const char *fn)
{
	if (vcm->kind != VK_ONE_TO_ONE)
		return 0;
	for (uint64_t i = 0; i < nr; i++)
		if (ext[i].da != ext[i].tn.key)
			return GFAIL(vcm->h.sys, fn, -EINVAL,
				     "one-to-one VCM: da 0x%llx would map pa 0x%llx (must be equal)",
				     vcm_ull(ext[i].da), vcm_ull(ext[i].tn.key));
	return 0;
}

int insts_map_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, unsigned int prot,
		   const char *fn)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct glist *p;

	glist_for_each(p, &vcm->insts) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);
		int ret = inst_map_ext_(sys, in, ext, nr, prot, fn);

		if (ret != 0) {
			for (p = p->prev; p != &vcm->insts; p = p->prev)
				inst_unmap_ext_(sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext,
						nr, fn);
			return ret;
		}
	}
	return 0;
}

void insts_unmap_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, const char *fn)
{
	struct glist *p;

	for (p = vcm->insts.prev; p != &vcm->insts; p = p->prev)
		inst_unmap_ext_(vcm->h.sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext, nr, fn);
}

int vcm_back(struct vcm_res *res, struct vcm_mem *mem)
{
	static const char fn[] = "vcm_back";
	struct rmap_ext *ext;
	uint32_t *by_pa;
	uint64_t nr;
	struct vcm *vcm;
	int ret;
	struct vcm_sys *sys = gobj_lock_(res, GK_RES, "res", fn, &ret);

	if (sys == NULL)
		return ret;
	vcm = res->vcm;
	if (!gobj_live(mem, GK_MEM) || mem->h.sys != sys) {
		ret = GFAIL(sys, fn, -EINVAL, "mem is not a live allocation of this system");
		goto out;
	}
	if (res->mem != NULL) {
		ret = GFAIL(sys, fn, -EBUSY, "res at da 0x%llx is already backed", vcm_ull(res->da));
		goto out;
	}
	if (mem->len != res->len) {
		ret = GFAIL(sys, fn, -EINVAL, "mem is 0x%llx bytes, res at da 0x%llx is 0x%llx",
			    vcm_ull(mem->len), vcm_ull(res->da), vcm_ull(res->len));
		goto out;
	}
	if (vcm->nr_active == 0U) {
		ret = GFAIL(sys, fn, -EAGAIN, "the VCM of res at da 0x%llx has no active association",
			    vcm_ull(res->da));
		goto out;
	}
	ret = ext_build_(sys, res, mem->pm, &ext, &by_pa, &nr, fn);
	if (ret != 0)
		goto out;
	ret = one_to_one_check_(vcm, ext, nr, fn);
	if (ret == 0)
		ret = insts_map_ext_(vcm, ext, nr, res->prot, fn);
	if (ret != 0) {
		ext_free_(sys, ext, nr);
		goto out;
	}
	res_attach_(res, mem, ext, by_pa, nr);
	tlb_fan_(vcm, res->da, res->len, true);
out:
	sys_unlock_(sys);
	return ret;
}

int vcm_unback(struct vcm_res *res)
{
	static const char fn[] = "vcm_unback";
	int ret;
	struct vcm_sys *sys = gobj_lock_(res, GK_RES, "res", fn, &ret);

	if (sys == NULL)
		return ret;
	if (res->mem == NULL) {
		ret = GFAIL(sys, fn, -ENOENT, "res at da 0x%llx is not backed", vcm_ull(res->da));
		goto out;
	}
	insts_unmap_ext_(res->vcm, res->ext, res->nr_ext, fn);
	/* tables may have been freed: walk caches go too */
	tlb_fan_(res->vcm, res->da, res->len, false);
	res_detach_(res);
out:
	sys_unlock_(sys);
	return ret;
}

int ext_copy_attach_(struct vcm_res *to, const struct vcm_res *from, const char *fn)
{
	struct vcm_sys *sys = to->h.sys;
	struct rmap_ext *ext = meta_alloc_(sys, ext_bytes(from->nr_ext));

	if (ext == NULL)
		return GFAIL(sys, fn, -ENOMEM, "no metadata for %llu extents",
			     vcm_ull(from->nr_ext));
	__builtin_memcpy(ext, from->ext, ext_bytes(from->nr_ext));
	for (uint64_t i = 0; i < from->nr_ext; i++) {
		ext[i].res = to;
		ext[i].da = to->da + (from->ext[i].da - from->da);
	}
	res_attach_(to, from->mem, ext, (uint32_t *)(void *)(ext + from->nr_ext), from->nr_ext);
	return 0;
}
