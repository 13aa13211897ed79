// SPDX-License-Identifier: MIT
/*
 * The extent array of a backed reservation: the physically contiguous
 * extents of its memory (vcm_phys_mem_extents), each with its device address,
 * in one block with their pieces for a mapper's map call and the pa index
 * (ext_sort.c). Built for vcm_back and vcm_migrate, copied for vcm_clone,
 * freed with the backing.
 */
#include "graph_internal.h"

/*
 * One block per extent array: the extents, their pieces for map, by_pa.
 * One extent (contiguous memory, the usual case) keeps no pieces: its one
 * piece is made on the stack, and its block stays as small as the reverse
 * map's nodes were.
 */
static size_t ext_segs_bytes(uint64_t nr)
{
	return nr > 1U ? (size_t)nr * sizeof(struct vcm_seg) : 0U;
}

static size_t ext_bytes(uint64_t nr)
{
	return (size_t)nr * (sizeof(struct rmap_ext) + sizeof(uint32_t)) + ext_segs_bytes(nr);
}

const struct vcm_seg *ext_segs_(const struct rmap_ext *ext, uint64_t nr)
{
	return (const struct vcm_seg *)(const void *)(ext + nr);
}

static uint32_t *ext_by_pa(struct rmap_ext *ext, uint64_t nr)
{
	return (uint32_t *)(void *)((char *)(ext + nr) + ext_segs_bytes(nr));
}

int ext_build_(struct vcm_sys *sys, struct vcm_res *res, const struct vcm_physmem *pm,
	       struct rmap_ext **ext_out, uint32_t **by_pa_out, uint64_t *nr_out)
{
	uint64_t n, off = 0, got;
	struct vcm_seg one, *seg = &one;
	struct rmap_ext *ext;
	uint32_t *by_pa;
	int ret;

	/*
	 * A live allocation (freed only under the exclusive system lock) is
	 * read here without a lock: these queries write nothing when they
	 * succeed, and they cannot fail on it.
	 */
	n = vcm_phys_mem_extents(pm, NULL, 0);
	if (n == 0U || n > UINT32_MAX)
		return GERR(sys, -EINVAL, "mem has %llu extents", vcm_ull(n));
	ext = meta_alloc_(sys, ext_bytes(n));
	if (ext == NULL)
		return GERR(sys, -ENOMEM, "no metadata for %llu extents", vcm_ull(n));
	if (n > 1U)
		seg = (struct vcm_seg *)(void *)(ext + n);
	by_pa = ext_by_pa(ext, n);
	/* the pieces for map come straight from the memory, in one call */
	got = vcm_phys_mem_extents(pm, seg, n);
	VCM_ASSERT(got == n);
	(void)got;
	for (uint64_t i = 0; i < n; i++) {
		const vcm_pa_t pa = seg[i].pa;
		const uint64_t len = seg[i].len;

		ext[i] = (struct rmap_ext){ .tn = { .key = pa, .last = pa + len - 1U },
					    .da = res->da + off, .len = len, .res = res,
					    .handle = gobj_handle_(res) };
		by_pa[i] = (uint32_t)i;
		off += len;
	}
	ret = sort_by_pa_(sys, ext, by_pa, n);
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
		ext[i].handle = gobj_handle_(to);
		ext[i].da = to->da + (from->ext[i].da - from->da);
	}
	res_attach_(to, from->mem, ext, ext_by_pa(ext, from->nr_ext), from->nr_ext);
	return 0;
}
