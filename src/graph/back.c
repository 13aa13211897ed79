// SPDX-License-Identifier: MIT
/*
 * Backing: a reservation meets physical memory. The memory's physically
 * contiguous extents (vcm_phys_next_extent) become the reservation's extent
 * array, which is at once the plan for every mapper (each extent mapped on
 * its own terms, so a mapper can use leaves as large as the extent's
 * alignment allows) and the reservation's entries in the system's reverse
 * map.
 *
 * The extents lie one after another in device addresses; only their pa
 * differ. So a mapper with a map_segs op gets them all in one call (for a
 * page table: one walk, not one per extent) and the reservation's whole
 * range in one unmap call, and the reverse map takes them as one batch.
 * Scattered 4 KiB pages are as many extents as pages: per-extent costs are
 * what such memory pays for.
 *
 * All or nothing: every instance of the VCM is written in creation order; if
 * one refuses, what was written in it is unmapped in reverse, then the
 * instances before it, and the extent array is freed. TLBs are invalidated
 * once per call and per active (device, base), after every table is written.
 */
#include "graph_internal.h"

/*
 * One block per extent array: the extents, their pieces for map_segs, by_pa.
 * One extent (contiguous memory, the usual case) has no pieces: it goes
 * through map, and its block stays as small as the reverse map's nodes were.
 */
static size_t ext_segs_bytes(uint64_t nr)
{
	return nr > 1U ? (size_t)nr * sizeof(struct vcm_seg) : 0U;
}

static size_t ext_bytes(uint64_t nr)
{
	return (size_t)nr * (sizeof(struct rmap_ext) + sizeof(uint32_t)) + ext_segs_bytes(nr);
}

static const struct vcm_seg *ext_segs(const struct rmap_ext *ext, uint64_t nr)
{
	return (const struct vcm_seg *)(const void *)(ext + nr);
}

static uint32_t *ext_by_pa(struct rmap_ext *ext, uint64_t nr)
{
	return (uint32_t *)(void *)((char *)(ext + nr) + ext_segs_bytes(nr));
}

static inline uint64_t key_at(const struct rmap_ext *ext, const uint32_t *idx, uint64_t i)
{
	return ext[idx[i]].tn.key;
}

static void reverse(uint32_t *idx, uint64_t lo, uint64_t hi)
{
	while (lo + 1U < hi) {
		uint32_t t = idx[lo];

		idx[lo++] = idx[--hi];
		idx[hi] = t;
	}
}

/* The end of the rising run of @idx from @lo (keys are distinct: extents are disjoint). */
static uint64_t run_end(const struct rmap_ext *ext, const uint32_t *idx, uint64_t lo, uint64_t n)
{
	while (lo + 1U < n && key_at(ext, idx, lo) < key_at(ext, idx, lo + 1U))
		lo++;
	return lo + 1U;
}

/* Merge the rising runs [@lo, @mid) and [@mid, @hi) of @idx through @tmp. */
static void merge(const struct rmap_ext *ext, uint32_t *idx, uint32_t *tmp, uint64_t lo,
		  uint64_t mid, uint64_t hi)
{
	uint64_t a = lo, b = mid, o = lo;

	while (a < mid && b < hi)
		tmp[o++] = key_at(ext, idx, a) < key_at(ext, idx, b) ? idx[a++] : idx[b++];
	while (a < mid)
		tmp[o++] = idx[a++];
	while (b < hi)
		tmp[o++] = idx[b++];
	__builtin_memcpy(&idx[lo], &tmp[lo], (size_t)(hi - lo) * sizeof(*idx));
}

/*
 * Turn every falling run of @idx round: memory comes as a few runs, rising or
 * falling (a free list hands out pages in either order), so after this pass
 * memory in one run either way is sorted, and the rest is rising runs.
 */
static void turn_falling_runs(const struct rmap_ext *ext, uint32_t *idx, uint64_t n)
{
	uint64_t i = 0, j;

	while (i < n) {
		for (j = i + 1U; j < n && key_at(ext, idx, j) < key_at(ext, idx, j - 1U); j++)
			;
		reverse(idx, i, j);
		i = j;
	}
}

/* Merge the rising runs of @idx pairwise through @tmp until one is left: O(n log r). */
static void merge_runs(const struct rmap_ext *ext, uint32_t *idx, uint32_t *tmp, uint64_t n)
{
	uint64_t i, j;
	bool merged;

	do {
		merged = false;
		for (i = 0; i < n; i = j) {
			uint64_t mid = run_end(ext, idx, i, n);

			if (mid == n)
				break;
			j = run_end(ext, idx, mid, n);
			merge(ext, idx, tmp, i, mid, j);
			merged = true;
		}
	} while (merged);
}

/*
 * Sort @idx by physical start (a natural merge sort). Sorted after the
 * falling runs are turned round, it needs no memory; otherwise the runs are
 * merged through scratch metadata, and when there is none the call fails like
 * any other that runs out of metadata (a silent fallback would hide the
 * shortage from the caller and from the failure-injection tests).
 */
static int sort_by_pa(struct vcm_sys *sys, const struct rmap_ext *ext, uint32_t *idx,
		      uint64_t n)
{
	uint32_t *tmp;

	turn_falling_runs(ext, idx, n);
	if (run_end(ext, idx, 0, n) == n)
		return 0;
	tmp = meta_alloc_(sys, (size_t)n * sizeof(*tmp));
	if (tmp == NULL)
		return GERR(sys, -ENOMEM, "no metadata to sort %llu extents", vcm_ull(n));
	merge_runs(ext, idx, tmp, n);
	meta_free_(sys, tmp, (size_t)n * sizeof(*tmp));
	return 0;
}

int ext_build_(struct vcm_sys *sys, struct vcm_res *res, const struct vcm_physmem *pm,
	       struct rmap_ext **ext_out, uint32_t **by_pa_out, uint64_t *nr_out)
{
	uint64_t n = vcm_phys_mem_extents(pm, NULL, 0), off = 0, got;
	struct vcm_seg one, *seg = &one;
	struct rmap_ext *ext;
	uint32_t *by_pa;
	int ret;

	if (n == 0U || n > UINT32_MAX)
		return GERR(sys, -EINVAL, "mem has %llu extents", vcm_ull(n));
	ext = meta_alloc_(sys, ext_bytes(n));
	if (ext == NULL)
		return GERR(sys, -ENOMEM, "no metadata for %llu extents", vcm_ull(n));
	if (n > 1U)
		seg = (struct vcm_seg *)(void *)(ext + n);
	by_pa = ext_by_pa(ext, n);
	/* the pieces for map_segs come straight from the memory, in one call */
	got = vcm_phys_mem_extents(pm, seg, n);
	VCM_ASSERT(got == n);
	(void)got;
	for (uint64_t i = 0; i < n; i++) {
		const vcm_pa_t pa = seg[i].pa;
		const uint64_t len = seg[i].len;

		ext[i] = (struct rmap_ext){ .tn = { .key = pa, .last = pa + len - 1U },
					    .da = res->da + off, .len = len, .res = res };
		by_pa[i] = (uint32_t)i;
		off += len;
	}
	ret = sort_by_pa(sys, ext, by_pa, n);
	if (ret != 0) {
		ext_free_(sys, ext, n);
		return ret;
	}
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
		     uint64_t nr)
{
	if (in->ops->map_segs != NULL && nr > 1U) {
		/* the whole range of the one map_segs call that made it */
		struct vcm_diag *d = sys_diag_(sys);
		int ret = in->ops->unmap(in->mi, ext[0].da, ext[nr - 1U].da + ext[nr - 1U].len -
					 ext[0].da, d, d->fn);

		VCM_ASSERT(ret == 0);
		(void)ret;
		return;
	}
	while (nr-- != 0U) {
		struct vcm_diag *d = sys_diag_(sys);
		int ret = in->ops->unmap(in->mi, ext[nr].da, ext[nr].len, d, d->fn);

		/* a mapper must be able to unmap exactly what one map call made */
		VCM_ASSERT(ret == 0);
		(void)ret;
	}
}

/* One map call per extent, for a mapper without map_segs; all or nothing. */
static int inst_map_each(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
			 uint64_t nr, unsigned int prot)
{
	for (uint64_t i = 0; i < nr; i++) {
		struct vcm_diag *d = sys_diag_(sys);
		int ret = in->ops->map(in->mi, ext[i].da, ext[i].tn.key, ext[i].len, prot, d,
				       d->fn);

		if (ret != 0) {
			inst_unmap_ext_(sys, in, ext, i);
			return ret;
		}
	}
	return 0;
}

int inst_map_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		  uint64_t nr, unsigned int prot)
{
	struct vcm_diag *d;

	/* one extent: map is map_segs of one piece, and has its own fast path */
	if (in->ops->map_segs == NULL || nr == 1U)
		return inst_map_each(sys, in, ext, nr, prot);
	/* the extents follow each other in da: one call, all or nothing */
	d = sys_diag_(sys);
	return in->ops->map_segs(in->mi, ext[0].da, ext_segs(ext, nr), nr, prot, d, d->fn);
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

/* The extents of @res as a batch of the reverse map, in its order (by pa). */
static struct gtree_batch rmap_batch(const struct vcm_res *res)
{
	return (struct gtree_batch){ (char *)&res->ext[0].tn, sizeof(struct rmap_ext),
				     res->by_pa, res->nr_ext };
}

void rmap_add_(struct vcm_res *res)
{
	struct gtree_batch b = rmap_batch(res);

	gtree_insert_batch_(&res->h.sys->rmap, &b);
}

void rmap_del_(struct vcm_res *res)
{
	struct gtree_batch b = rmap_batch(res);

	gtree_remove_batch_(&res->h.sys->rmap, &b);
}

void res_attach_(struct vcm_res *res, struct vcm_mem *mem, struct rmap_ext *ext,
		 uint32_t *by_pa, uint64_t nr)
{
	res->mem = mem;
	res->ext = ext;
	res->by_pa = by_pa;
	res->nr_ext = nr;
	rmap_add_(res);
	glist_add_tail(&mem->users, &res->mem_node);
	mem->nr_users++;
}

void res_detach_(struct vcm_res *res)
{
	struct vcm_sys *sys = res->h.sys;

	rmap_del_(res);
	ext_free_(sys, res->ext, res->nr_ext);
	glist_del(&res->mem_node);
	res->mem->nr_users--;
	res->mem = NULL;
	res->ext = NULL;
	res->by_pa = NULL;
	res->nr_ext = 0;
}

int one_to_one_check_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr)
{
	if (vcm->kind != VK_ONE_TO_ONE)
		return 0;
	for (uint64_t i = 0; i < nr; i++)
		if (ext[i].da != ext[i].tn.key)
			return GERR(vcm->h.sys, -EINVAL,
				    "one-to-one VCM: da %#llx would map pa %#llx (must be equal)",
				    vcm_ull(ext[i].da), vcm_ull(ext[i].tn.key));
	return 0;
}

int insts_map_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, unsigned int prot)
{
	struct vcm_sys *sys = vcm->h.sys;
	struct glist *p;

	glist_for_each(p, &vcm->insts) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);
		int ret = inst_map_ext_(sys, in, ext, nr, prot);

		if (ret != 0) {
			for (p = p->prev; p != &vcm->insts; p = p->prev)
				inst_unmap_ext_(sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext,
						nr);
			return ret;
		}
	}
	return 0;
}

void insts_unmap_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr)
{
	struct glist *p;

	for (p = vcm->insts.prev; p != &vcm->insts; p = p->prev)
		inst_unmap_ext_(vcm->h.sys, GRAPH_CONTAINER(p, struct vcm_inst, node), ext, nr);
}

int vcm_back(struct vcm_res *res, struct vcm_mem *mem)
{
	struct rmap_ext *ext;
	uint32_t *by_pa;
	uint64_t nr;
	struct vcm *vcm;
	int ret;
	struct vcm_sys *sys = gobj_lock_(res, GK_RES, "res", __func__, &ret);

	if (sys == NULL)
		return ret;
	vcm = res->vcm;
	if (!gobj_live(mem, GK_MEM) || mem->h.sys != sys) {
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
	if (ret == 0)
		ret = insts_map_ext_(vcm, ext, nr, res->prot);
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
	int ret;
	struct vcm_sys *sys = gobj_lock_(res, GK_RES, "res", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (res->mem == NULL) {
		ret = GERR(sys, -ENOENT, "res at da %#llx is not backed", vcm_ull(res->da));
		goto out;
	}
	insts_unmap_ext_(res->vcm, res->ext, res->nr_ext);
	/* tables may have been freed: walk caches go too */
	tlb_fan_(res->vcm, res->da, res->len, false);
	res_detach_(res);
out:
	sys_unlock_(sys);
	return ret;
}

int ext_copy_attach_(struct vcm_res *to, const struct vcm_res *from)
{
	struct vcm_sys *sys = to->h.sys;
	struct rmap_ext *ext = meta_alloc_(sys, ext_bytes(from->nr_ext));

	if (ext == NULL)
		return GERR(sys, -ENOMEM, "no metadata for %llu extents",
			    vcm_ull(from->nr_ext));
	__builtin_memcpy(ext, from->ext, ext_bytes(from->nr_ext));
	for (uint64_t i = 0; i < from->nr_ext; i++) {
		ext[i].res = to;
		ext[i].da = to->da + (from->ext[i].da - from->da);
	}
	res_attach_(to, from->mem, ext, ext_by_pa(ext, from->nr_ext), from->nr_ext);
	return 0;
}
