// SPDX-License-Identifier: MIT
/*
 * The pa index of an extent array (struct vcm_res.by_pa): the extents'
 * indices sorted by physical start, for pa -> da and for the reverse map's
 * batch insert. A natural merge sort: memory comes as a few runs, rising or
 * falling, so one pass usually sorts it and the merges are few.
 */
#include "graph_internal.h"

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
 * Sorted after the falling runs are turned round, @idx needs no memory;
 * otherwise the runs are merged through scratch metadata, and when there is
 * none the call fails like any other that runs out of metadata (a silent
 * fallback would hide the shortage from the caller and from the
 * failure-injection tests).
 */
int sort_by_pa_(struct vcm_sys *sys, const struct rmap_ext *ext, uint32_t *idx,
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
