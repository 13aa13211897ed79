/* SPDX-License-Identifier: MIT */
/*
 * The phys layer: memory targets ("memtypes" in the 2010 RFC) and their
 * allocators. A struct vcm_phys is a set of memtypes, each a list of physical
 * ranges [pa, pa + len) with its own list of chunk sizes. An allocation
 * (struct vcm_physmem) is a list of chunks:
 *  - chunked: naturally aligned power-of-two chunks, largest first (1 MiB,
 *    64 KiB, 4 KiB by default), restricted by size flags;
 *  - contiguous: one chunk of any multiple of the smallest chunk size, with an
 *    alignment (VCM_PHYS_CONT, vcm_phys_alloc_cont());
 *  - wrapped: an existing physical range the caller owns (vcm_phys_wrap()).
 * Iterate the chunks as (pa, len) pairs to program a DMA engine without an MMU,
 * or to back a device-virtual range.
 *
 * The allocator never reads or writes the memory it manages (it may not be
 * CPU-reachable): all bookkeeping lives in metadata from the platform's
 * meta_alloc. See docs/phys.md for the algorithm and its limits.
 *
 * Thread safety: a struct vcm_phys is not locked internally. Every call on one
 * set, and on the allocations taken from it, must be serialised by the caller
 * (one lock per struct vcm_phys); different sets are independent.
 *
 * Words (da, pa, len, last, end, memtype, chunk, extent) are those of
 * docs/glossary.md. Errors: 0 or a negative errno; a failing call records
 * "vcm_phys_<call>: what was wrong" in the set, read with
 * vcm_phys_last_error().
 *
 * Handles - what is checked and what is undefined:
 *  - NULL is accepted by every call: -EINVAL (0 for the length and count
 *    queries, a fixed string for vcm_phys_last_error(); vcm_phys_destroy(NULL)
 *    is a no-op returning 0).
 *  - Allocation handles are checked while their set lives: records stay owned
 *    by the set until vcm_phys_destroy(), so after vcm_phys_free() every call
 *    given the handle returns -EINVAL (0 for the queries) instead of reading
 *    freed memory, and vcm_phys_free() refuses a pointer that is not a record
 *    of that set. Records are reused oldest first: once a later allocation
 *    reuses the record, the old handle names the new allocation. Keep handles
 *    only while they are live.
 *  - After vcm_phys_destroy() the set handle and every allocation handle of
 *    the set are undefined, like a pointer after free(): the set's metadata
 *    went back through meta_free and is not read again. The set's magic is
 *    cleared before that, which catches some mistakes on platforms whose
 *    meta_free keeps the memory, but nothing is promised.
 */
#ifndef VCM_PHYS_H
#define VCM_PHYS_H

#include <vcm/types.h>
#include <vcm/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vcm_phys;
struct vcm_physmem;

/*
 * Allocation flags (a uint64_t). Chunk-size flags are the size itself: bit n
 * set allows 2^n-byte chunks, so VCM_PHYS_4KB == 0x1000. Any size between
 * 2^VCM_PHYS_CHUNK_LG2_MIN and 2^VCM_PHYS_CHUNK_LG2_MAX may be named if the
 * memtype has it. No size bits (or VCM_PHYS_ALL) = all of the memtype's sizes.
 */
#define VCM_PHYS_ALL   (UINT64_C(1) << 0)  /* every chunk size of the memtype */
#define VCM_PHYS_CONT  (UINT64_C(1) << 1)  /* one physically contiguous chunk */
#define VCM_PHYS_4KB   (UINT64_C(1) << 12)
#define VCM_PHYS_16KB  (UINT64_C(1) << 14)
#define VCM_PHYS_64KB  (UINT64_C(1) << 16)
#define VCM_PHYS_1MB   (UINT64_C(1) << 20)
#define VCM_PHYS_2MB   (UINT64_C(1) << 21)
#define VCM_PHYS_16MB  (UINT64_C(1) << 24)

#define VCM_PHYS_CHUNK_LG2_MIN 12U
#define VCM_PHYS_CHUNK_LG2_MAX 40U
/* Bits VCM_PHYS_CHUNK_LG2_MIN..VCM_PHYS_CHUNK_LG2_MAX: chunk sizes. */
#define VCM_PHYS_SIZE_MASK  (((UINT64_C(2) << VCM_PHYS_CHUNK_LG2_MAX) - 1U) & \
			     ~((UINT64_C(1) << VCM_PHYS_CHUNK_LG2_MIN) - 1U))
#define VCM_PHYS_FLAGS_ALL  (VCM_PHYS_ALL | VCM_PHYS_CONT | VCM_PHYS_SIZE_MASK)

/* The default chunk sizes (Linux's dma-buf system heap orders 8, 4, 0). */
#define VCM_PHYS_DEFAULT_SIZES (VCM_PHYS_1MB | VCM_PHYS_64KB | VCM_PHYS_4KB)

#define VCM_PHYS_MAX_MEMTYPES 32U
#define VCM_PHYS_MAX_SIZES    (VCM_PHYS_CHUNK_LG2_MAX - VCM_PHYS_CHUNK_LG2_MIN + 1U)

/** struct vcm_phys_range - physical bytes [@pa, @pa + @len). */
struct vcm_phys_range {
	vcm_pa_t pa;
	uint64_t len;
};

/**
 * struct vcm_phys_memtype_cfg - one memory target.
 * @ranges:      @nr_ranges ranges, in any order, none overlapping; ranges that
 *               touch are joined, so chunks may straddle the joint. Each pa and
 *               len a multiple of the smallest chunk size. A range may end at
 *               2^64 (its last byte at 2^64 - 1).
 * @nr_ranges:   at least 1.
 * @chunk_sizes: bitmap of chunk sizes (bit n = 2^n bytes, within
 *               VCM_PHYS_SIZE_MASK); 0 = VCM_PHYS_DEFAULT_SIZES. The smallest
 *               is the granule of every length and address in this memtype.
 */
struct vcm_phys_memtype_cfg {
	const struct vcm_phys_range *ranges;
	unsigned int nr_ranges;
	uint64_t chunk_sizes;
};

/**
 * struct vcm_phys_cfg - what vcm_phys_create() builds.
 * @memtypes:    @nr_memtypes memtype descriptions; memtype i is @memtypes[i].
 * @nr_memtypes: 1..VCM_PHYS_MAX_MEMTYPES.
 * @plat:        platform ops; only meta_alloc and meta_free are used.
 */
struct vcm_phys_cfg {
	const struct vcm_phys_memtype_cfg *memtypes;
	unsigned int nr_memtypes;
	const struct vcm_plat_ops *plat;
};

/**
 * struct vcm_phys_stats - the state of one memtype.
 * @total_bytes:        bytes in its ranges.
 * @free_bytes:         bytes not allocated.
 * @largest_free_block: largest naturally aligned free block (power of two;
 *                      blocks stop at 2^62 bytes, docs/phys.md "Limits").
 * @largest_free_run:   longest physically contiguous free run (what a
 *                      contiguous allocation could get at the smallest
 *                      alignment).
 * @nr_sizes:           number of chunk sizes of the memtype.
 * @frag_permille:      fragmentation in 1/1000: 1 - A / B, where A = bytes that
 *                      could be allocated now as chunks of the largest size and
 *                      B = free_bytes rounded down to that size; 0 when B is 0.
 *                      0 = every free byte that could form a largest chunk
 *                      does; 1000 = none does.
 * @chunk_size:         the sizes, largest first; unused entries 0.
 * @chunk_free:         for each size, how many chunks of that size alone
 *                      could be allocated now (not in addition to each other).
 *
 * The struct has no padding, so two snapshots compare with memcmp().
 */
struct vcm_phys_stats {
	uint64_t total_bytes;
	uint64_t free_bytes;
	uint64_t largest_free_block;
	uint64_t largest_free_run;
	unsigned int nr_sizes;
	unsigned int frag_permille;
	uint64_t chunk_size[VCM_PHYS_MAX_SIZES];
	uint64_t chunk_free[VCM_PHYS_MAX_SIZES];
};

/**
 * vcm_phys_create() - make a set of memtypes.
 * @cfg:  what to build; copied, so it may be freed after the call.
 * @out:  receives the set.
 * @diag: receives the message on failure (may be NULL).
 *
 * Every memtype starts fully free. Metadata: about 9 bytes per smallest chunk
 * of each memtype, plus small fixed parts, from @cfg->plat->meta_alloc.
 *
 * Every argument is checked before any metadata is taken, so -ENOMEM is only
 * returned for a configuration that is otherwise valid. Ranges are checked
 * pairwise for overlap: O(n^2) in a memtype's ranges.
 *
 * Context: no locks taken; @cfg->plat ops are called from this thread.
 * Return: 0 and *@out set; on failure nothing is allocated and *@out is left:
 * -EINVAL @out, @cfg or its ops NULL, no memtypes or too many, a memtype
 * without ranges, chunk sizes outside VCM_PHYS_SIZE_MASK, a range of length 0
 * or not aligned to the smallest chunk, two ranges overlapping;
 * -EOVERFLOW a range's pa + len wraps; -ERANGE a memtype above 2^32 - 2
 * smallest chunks, or whose ranges cover all of [0, 2^64) (its byte counts
 * would not fit); -ENOMEM metadata allocation failed.
 */
VCM_API int vcm_phys_create(const struct vcm_phys_cfg *cfg, struct vcm_phys **out,
			    struct vcm_diag *diag);

/**
 * vcm_phys_destroy() - free a set and all its metadata.
 * @phys: the set (NULL: nothing done, 0 returned).
 *
 * After success @phys and every allocation handle of it are undefined (see
 * Handles above); destroying a set twice is undefined too.
 *
 * Context: caller holds the set's lock; the set is gone afterwards.
 * Return: 0; -EBUSY (set untouched) while allocations, wrapped ones
 * included, are live; -EINVAL @phys does not carry a set's magic (a pointer
 * to something else; no message, there is no set to record it in).
 */
VCM_API int vcm_phys_destroy(struct vcm_phys *phys);

/**
 * vcm_phys_alloc() - allocate @len bytes from a memtype.
 * @phys:    the set.
 * @memtype: index into the set's memtypes.
 * @len:     bytes; a multiple of the smallest chunk size allowed by @flags.
 * @flags:   VCM_PHYS_* chunk sizes, VCM_PHYS_ALL or VCM_PHYS_CONT. With
 *           VCM_PHYS_CONT the result is one chunk aligned to the memtype's
 *           smallest chunk size (use vcm_phys_alloc_cont() for more) and no
 *           size bits may be given.
 * @out:     receives the allocation.
 *
 * Chunked policy: for each allowed size, largest first, take as many chunks of
 * that size as still fit in what is left of @len and are free. A smaller chunk
 * is therefore used only when the rest of @len is shorter than the larger size
 * or no naturally aligned free block of the larger size exists. All or
 * nothing: if the chunks cannot cover @len, nothing is taken.
 *
 * Context: caller holds the set's lock. Return: 0 and *@out set; on failure
 * nothing changes: -EINVAL bad handle, @out NULL, unknown memtype, @len 0 or not
 * a multiple of the granule, unknown flag bit (named), a size bit the memtype
 * lacks, size bits with VCM_PHYS_CONT; -ENOMEM not enough free memory in the
 * allowed sizes (or no contiguous run) or no metadata for the record.
 */
VCM_API int vcm_phys_alloc(struct vcm_phys *phys, unsigned int memtype, uint64_t len,
			   uint64_t flags, struct vcm_physmem **out);

/**
 * vcm_phys_alloc_cont() - allocate @len physically contiguous bytes.
 * @phys:    the set.
 * @memtype: index into the set's memtypes.
 * @len:     bytes; a multiple of the memtype's smallest chunk size.
 * @align:   alignment of the physical start, a power of two or 0 (= smallest
 *           chunk size); values below the smallest chunk size are rounded up.
 * @out:     receives the allocation (one chunk).
 *
 * Policy: first fit, the lowest suitable address over the memtype's ranges.
 *
 * Context: caller holds the set's lock. Return: 0 and *@out set; on failure
 * nothing changes: -EINVAL bad handle, @out NULL, unknown memtype, @len 0 or
 * not a multiple of the granule, @align not a power of two;
 * -ENOMEM no free run of @len bytes at that alignment, or no metadata.
 */
VCM_API int vcm_phys_alloc_cont(struct vcm_phys *phys, unsigned int memtype, uint64_t len,
				uint64_t align, struct vcm_physmem **out);

/**
 * vcm_phys_wrap() - describe an existing contiguous physical range as an
 * allocation (the RFC's vcm_map_phys_addr()).
 * @phys: the set that records the handle.
 * @pa:   physical start, 4 KiB aligned.
 * @len:  bytes, a non-zero multiple of 4 KiB.
 * @out:  receives the allocation (one chunk, no memtype).
 *
 * The range is not taken from any memtype and is not checked against them:
 * the caller owns it. vcm_phys_free() just forgets it.
 *
 * Context: caller holds the set's lock. Return: 0 and *@out set; on failure
 * nothing changes: -EINVAL bad handle, @out NULL, @len 0, @pa or @len not
 * 4 KiB aligned; -EOVERFLOW @pa + @len wraps; -ENOMEM no metadata.
 */
VCM_API int vcm_phys_wrap(struct vcm_phys *phys, vcm_pa_t pa, uint64_t len,
			  struct vcm_physmem **out);

/**
 * vcm_phys_free() - give an allocation back.
 * @phys: the set it came from.
 * @mem:  the allocation.
 *
 * Chunks return to their memtype and merge with free neighbours (buddy
 * coalescing), so large chunks come back. A wrapped range is just forgotten.
 *
 * Context: caller holds the set's lock. Return: 0; -EINVAL (nothing changes)
 * @phys not a live set, @mem NULL, not a record of @phys, or already freed.
 */
VCM_API int vcm_phys_free(struct vcm_phys *phys, struct vcm_physmem *mem);

/**
 * vcm_phys_next_chunk() - iterate an allocation's chunks in order.
 * @mem:  the allocation.
 * @iter: cursor, 0 before the first call; advanced by each call.
 * @pa:   receives the chunk's physical start.
 * @len:  receives its length in bytes.
 *
 * Chunks come in allocation order: larger sizes first (so backing a range
 * aligned to the largest size keeps every chunk naturally aligned in device
 * addresses too), one per chunk, never merged.
 *
 * Context: caller holds the set's lock. Return: 0 and *@pa, *@len set;
 * -ENOENT no more chunks; -EINVAL @mem not live, or @iter, @pa or @len NULL.
 */
VCM_API int vcm_phys_next_chunk(const struct vcm_physmem *mem, uint64_t *iter, vcm_pa_t *pa,
				uint64_t *len);

/**
 * vcm_phys_next_extent() - like vcm_phys_next_chunk(), but chunks that follow
 * each other physically (the next starts where the previous ends) are merged
 * into one (pa, len): fewer descriptors for a DMA engine. Same order, same
 * bytes, same returns; @iter counts chunks consumed.
 */
VCM_API int vcm_phys_next_extent(const struct vcm_physmem *mem, uint64_t *iter, vcm_pa_t *pa,
				 uint64_t *len);

/**
 * vcm_phys_mem_extents() - every extent of @mem at once: the (pa, len) pairs
 * vcm_phys_next_extent() yields, in the same order, the first @max of them
 * into @seg. One call where a caller would otherwise make one per extent
 * (memory of scattered pages has as many extents as pages).
 * @seg: receives min(@max, extents) pieces; may be NULL when @max is 0 (then
 *       the call only counts).
 *
 * Context: caller holds the set's lock; or, for a live @mem and a right
 * @seg, only keeps @mem from being freed (a successful call reads and writes
 * nothing else of the set, so such calls may run at once). Return: the
 * number of extents of @mem, which may exceed @max (call again with a larger
 * array); 0 if @mem is not live or @seg is NULL with @max nonzero (an
 * allocation has at least one extent; the set's last error says which).
 */
VCM_API uint64_t vcm_phys_mem_extents(const struct vcm_physmem *mem, struct vcm_seg *seg,
				      uint64_t max);

/**
 * vcm_phys_mem_len() - bytes in an allocation; 0 if @mem is not live.
 * Context: caller holds the set's lock.
 */
VCM_API uint64_t vcm_phys_mem_len(const struct vcm_physmem *mem);

/**
 * vcm_phys_mem_chunks() - number of chunks in an allocation; 0 if not live.
 * Context: caller holds the set's lock.
 */
VCM_API uint64_t vcm_phys_mem_chunks(const struct vcm_physmem *mem);

/**
 * vcm_phys_memtype_of() - memtype an allocation came from (RFC
 * vcm_get_memtype_of_physalloc()).
 * @mem: the allocation.
 *
 * Context: caller holds the set's lock. Return: the memtype index (>= 0);
 * -ENOENT a wrapped range (no memtype); -EINVAL @mem not live.
 */
VCM_API int vcm_phys_memtype_of(const struct vcm_physmem *mem);

/**
 * vcm_phys_memtype_range() - one contiguous region of a memtype. Index 0 is
 * the first (lowest) region: the RFC's vcm_get_cont_memtype_pa() and _len().
 * @phys:    the set.
 * @memtype: index into the set's memtypes.
 * @index:   region number, regions sorted by address, touching ranges joined.
 * @pa:      receives the region's start.
 * @len:     receives its length in bytes.
 *
 * Context: caller holds the set's lock. Return: 0; -ENOENT no such region;
 * -EINVAL bad handle, unknown memtype, @pa or @len NULL.
 */
VCM_API int vcm_phys_memtype_range(struct vcm_phys *phys, unsigned int memtype, unsigned int index,
				   vcm_pa_t *pa, uint64_t *len);

/**
 * vcm_phys_stats() - statistics of one memtype (see struct vcm_phys_stats).
 * @phys:    the set.
 * @memtype: index into the set's memtypes.
 * @st:      receives the figures.
 *
 * Cost: O(changes since the last query); the first stats or contiguous
 * search of a memtype builds its run index (for @largest_free_run), a walk
 * over its blocks, which its takes and frees keep up to date from then on.
 * Context: caller holds the set's lock. Return: 0; -EINVAL bad handle, unknown
 * memtype, @st NULL.
 */
VCM_API int vcm_phys_stats(struct vcm_phys *phys, unsigned int memtype, struct vcm_phys_stats *st);

/**
 * vcm_phys_last_error() - the last failure recorded by @phys, as
 * "vcm_phys_<call>: message", or "" if none; a fixed string
 * "vcm_phys_last_error: ..." if @phys is NULL or not a live set.
 * Context: caller holds the set's lock.
 */
VCM_API const char *vcm_phys_last_error(const struct vcm_phys *phys);

/**
 * vcm_phys_memtype_sizes_() - the chunk sizes of a memtype as a bitmap (bit n
 * = 2^n bytes): what its chunk_sizes in the cfg gave, VCM_PHYS_DEFAULT_SIZES
 * for 0; the same sizes as vcm_phys_stats() lists in @chunk_size. For the
 * layers above phys (the graph's migrate), which need the sizes but not the
 * run index vcm_phys_stats() builds; not meant for users.
 * Cost: O(1); reads nothing else and records no error.
 * Context: caller holds the set's lock. Return: the bitmap; 0 bad handle or
 * unknown memtype.
 */
VCM_API uint64_t vcm_phys_memtype_sizes_(const struct vcm_phys *phys, unsigned int memtype);

/**
 * vcm_phys_check_() - whole-structure validator for tests: free lists well
 * formed, every block naturally aligned inside its range, no two free buddies
 * left unmerged, counters and every live record consistent with the blocks.
 * Cost: linear in blocks and records. Return: 0, or -EFAULT with the reason in
 * the set's last error.
 */
VCM_API int vcm_phys_check_(struct vcm_phys *phys);

#ifdef __cplusplus
}
#endif

#endif /* VCM_PHYS_H */
