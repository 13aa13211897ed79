/* SPDX-License-Identifier: MIT */
/*
 * The vspace layer: range allocation inside a device-virtual address space.
 *
 * A space covers [start, start + len) and hands out ranges: anywhere with a
 * power-of-two alignment from 4 KiB to 1 GiB (vcm_vs_reserve), or at a given
 * address (vcm_vs_reserve_at). A bound is a sub-range taken from a space like
 * a reservation, which is itself a space that reservations can be drawn from.
 * Ranges can be looked up by address and walked in address order, and each
 * can carry a pointer to its owner (vcm_vs_range_set_owner()).
 *
 * Placement is exact first fit: the lowest address where an aligned range of
 * the asked length fits; -ENOSPC means no such address exists. Every call is
 * O(log n) in the number of ranges (docs/vspace.md gives the algorithm). An
 * optional range cache (vcm_vs_cache_config()) hands recently freed ranges of
 * 4 KiB..256 KiB out again in O(1); the only change it makes is said there.
 *
 * Metadata comes from the meta_alloc/meta_free ops given at create time, in
 * slabs; vcm_vs_destroy() gives all of it back. No other platform op is used.
 *
 * Thread safety: none inside. The caller serialises all calls on a space and
 * on the bounds taken from it (one lock per top-level space is enough). Calls
 * on unrelated spaces may run in parallel if their meta ops allow it.
 *
 * Words (da, len, last, end, space, bound) are those of docs/glossary.md.
 * Errors: 0 or a negative errno; a failing call records "vcm_vs_<call>: what
 * was wrong" in the space, read with vcm_vs_last_error().
 *
 * Handles - what is checked and what is undefined:
 *  - NULL is accepted by every call: -EINVAL, NULL or 0 (vcm_vs_destroy(NULL)
 *    is a no-op returning 0).
 *  - Node memory (ranges) and bound structs stay with the top-level space
 *    until vcm_vs_destroy(), also after vcm_vs_unreserve() and
 *    vcm_vs_bound_free() (a freed bound's node memory passes to its parent).
 *    So until then a freed range handle, a range handle of a freed bound, a
 *    freed bound handle and a freed bound's space are checked: calls return
 *    -EINVAL (NULL or 0 for the queries) instead of reading freed memory; a
 *    range of another space is refused by the calls that take a space.
 *  - Freed nodes and bound structs are reused by later reservations and bounds
 *    of the same top-level space: a stale handle whose memory was reused names
 *    the new range or bound. Keep handles only while they are live.
 *  - After vcm_vs_destroy() every handle into the space (its ranges, bounds
 *    and their spaces) is undefined, like a pointer after free(): the memory
 *    went back through meta_free.
 */
#ifndef VCM_VSPACE_H
#define VCM_VSPACE_H

#include <vcm/types.h>
#include <vcm/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Alignments accepted by vcm_vs_reserve() (the 2010 RFC's VCM_ALIGN_*). */
#define VCM_VS_ALIGN_4K   (UINT64_C(1) << 12)
#define VCM_VS_ALIGN_8K   (UINT64_C(1) << 13)
#define VCM_VS_ALIGN_16K  (UINT64_C(1) << 14)
#define VCM_VS_ALIGN_32K  (UINT64_C(1) << 15)
#define VCM_VS_ALIGN_64K  (UINT64_C(1) << 16)
#define VCM_VS_ALIGN_128K (UINT64_C(1) << 17)
#define VCM_VS_ALIGN_256K (UINT64_C(1) << 18)
#define VCM_VS_ALIGN_512K (UINT64_C(1) << 19)
#define VCM_VS_ALIGN_1M   (UINT64_C(1) << 20)
#define VCM_VS_ALIGN_2M   (UINT64_C(1) << 21)
#define VCM_VS_ALIGN_4M   (UINT64_C(1) << 22)
#define VCM_VS_ALIGN_8M   (UINT64_C(1) << 23)
#define VCM_VS_ALIGN_16M  (UINT64_C(1) << 24)
#define VCM_VS_ALIGN_32M  (UINT64_C(1) << 25)
#define VCM_VS_ALIGN_64M  (UINT64_C(1) << 26)
#define VCM_VS_ALIGN_128M (UINT64_C(1) << 27)
#define VCM_VS_ALIGN_256M (UINT64_C(1) << 28)
#define VCM_VS_ALIGN_512M (UINT64_C(1) << 29)
#define VCM_VS_ALIGN_1G   (UINT64_C(1) << 30)

/* The granule: addresses and lengths are multiples of it. */
#define VCM_VS_PAGE VCM_VS_ALIGN_4K

struct vcm_vs;       /* an address space (or a bound's sub-space) */
struct vcm_vs_range; /* a reserved range; also the handle */
struct vcm_vs_bound; /* a sub-range that reservations are drawn from */

/**
 * struct vcm_vs_cfg - what a space covers and where its metadata comes from.
 * @start: first address, a multiple of 4 KiB.
 * @len:   bytes, a non-zero multiple of 4 KiB; @start + @len may be exactly
 *         2^64 (a space may end at the top of the 64-bit range). The one space
 *         that cannot be described is [0, 2^64); start it at 4 KiB instead.
 * @plat:  platform ops; only @plat->meta_alloc and @plat->meta_free are used
 *         and both must be set. The space keeps the pointer: @plat must
 *         outlive it.
 */
struct vcm_vs_cfg {
	vcm_da_t start;
	uint64_t len;
	const struct vcm_plat_ops *plat;
};

/**
 * vcm_vs_create() - make an empty space.
 * @cfg:  the space's range and plat (copied, except @cfg->plat which is kept).
 * @out:  receives the space; untouched on failure.
 * @diag: receives the message on failure; may be NULL.
 *
 * Context: any; touches nothing shared.
 * Return: 0; -EINVAL if @cfg or @out is NULL, @cfg->plat or one of its meta ops
 * is NULL, @cfg->start or @cfg->len is not a multiple of 4 KiB, or @cfg->len is
 * 0; -EOVERFLOW if @cfg->start + @cfg->len is above 2^64; -ENOMEM if meta_alloc
 * fails.
 */
VCM_API int vcm_vs_create(const struct vcm_vs_cfg *cfg, struct vcm_vs **out, struct vcm_diag *diag);

/**
 * vcm_vs_destroy() - free a space, every range in it and every bound taken
 * from it (recursively), giving all metadata back through meta_free.
 * @vs: the space, or NULL (nothing happens).
 *
 * Every handle into the space, its ranges and its bounds is undefined after
 * success, like a pointer after free(); destroying a space twice is undefined.
 *
 * Context: caller serialises calls on @vs.
 * Return: 0; -EINVAL if @vs does not carry a space's magic (no message), or is
 * the space of a bound (free those with vcm_vs_bound_free()); nothing is
 * freed then.
 */
VCM_API int vcm_vs_destroy(struct vcm_vs *vs);

/**
 * vcm_vs_reserve() - reserve @len bytes at the lowest address aligned to @align.
 * @vs:    the space.
 * @len:   bytes, rounded up to a multiple of 4 KiB; not 0.
 * @align: bytes, a power of two from VCM_VS_ALIGN_4K to VCM_VS_ALIGN_1G.
 * @out:   receives the range; untouched on failure.
 *
 * On failure nothing changes and vcm_vs_last_error() says why.
 *
 * Context: caller serialises calls on @vs. O(log n); may call meta_alloc.
 * Return: 0; -EINVAL if @out is NULL, @len is 0 or @align is not a power of
 * two in 4K..1G; -EOVERFLOW if rounding @len up to 4 KiB passes 2^64; -ERANGE
 * if @len is larger than the whole space; -ENOSPC if no free @align-aligned
 * run of @len bytes exists; -ENOMEM if meta_alloc fails.
 */
VCM_API int vcm_vs_reserve(struct vcm_vs *vs, uint64_t len, uint64_t align,
			   struct vcm_vs_range **out);

/**
 * vcm_vs_reserve_at() - reserve [@da, @da + @len).
 * @vs:  the space.
 * @da:  first address, a multiple of 4 KiB.
 * @len: bytes, rounded up to a multiple of 4 KiB; not 0.
 * @out: receives the range; untouched on failure.
 *
 * On failure nothing changes and vcm_vs_last_error() says why.
 *
 * Context: caller serialises calls on @vs. O(log n); may call meta_alloc.
 * Return: 0; -EINVAL if @out is NULL, @len is 0 or @da is not a multiple of
 * 4 KiB; -EOVERFLOW if @len rounded up, or @da + @len, passes 2^64; -ERANGE
 * if the range is not inside the space; -EEXIST if it overlaps a range (or a
 * bound); -ENOMEM if meta_alloc fails.
 */
VCM_API int vcm_vs_reserve_at(struct vcm_vs *vs, vcm_da_t da, uint64_t len,
			      struct vcm_vs_range **out);

/**
 * vcm_vs_unreserve() - give a range back to its space.
 * @vs: the space the range was reserved from.
 * @r:  the range; invalid after success.
 *
 * On failure nothing changes and vcm_vs_last_error() says why.
 *
 * Context: caller serialises calls on @vs. O(log n); never calls meta_free,
 * nor meta_alloc unless the range cache is on (struct vcm_vs_cache_cfg).
 * Return: 0; -EINVAL if @r is NULL, not live (freed twice) or of another space;
 * -EBUSY if @r is the range of a bound (use vcm_vs_bound_free()).
 */
VCM_API int vcm_vs_unreserve(struct vcm_vs *vs, struct vcm_vs_range *r);

/**
 * vcm_vs_range_start() - first address of live range @r; 0 if @r is NULL or
 * not live (vcm_vs_range_len() then gives 0 too). Context: any.
 */
VCM_API vcm_da_t vcm_vs_range_start(const struct vcm_vs_range *r);

/**
 * vcm_vs_range_len() - length of live range @r in bytes (a multiple of
 * 4 KiB); 0 if @r is NULL or not live. Context: any.
 */
VCM_API uint64_t vcm_vs_range_len(const struct vcm_vs_range *r);

/**
 * vcm_vs_range_set_owner() - attach the caller's object to live range @r, so
 * that the space is the one record of who holds what (the graph: the
 * reservation, or the bound, that the range is). A range starts with no
 * owner, also one the range cache hands out again; nothing happens if @r is
 * NULL or not live. Context: caller serialises calls on the space. O(1).
 */
VCM_API void vcm_vs_range_set_owner(struct vcm_vs_range *r, void *owner);

/**
 * vcm_vs_range_owner() - what vcm_vs_range_set_owner() attached to live range
 * @r; NULL if nothing, or if @r is NULL or not live. Context: as above. O(1).
 * With vcm_vs_find() it answers "who holds @da"; with vcm_vs_first() and
 * vcm_vs_next(), "every holder, in address order". A bound's ranges are in
 * its own space (vcm_vs_bound_space()): look there after finding the bound.
 */
VCM_API void *vcm_vs_range_owner(const struct vcm_vs_range *r);

/**
 * vcm_vs_find() - the range that holds @da.
 * @vs: the space (a bound's range counts as one range of its parent).
 * @da: any address.
 *
 * Context: caller serialises calls on @vs. O(log n).
 * Return: the range, or NULL if @da is free, outside the space, or @vs is not
 * a live space.
 */
VCM_API struct vcm_vs_range *vcm_vs_find(struct vcm_vs *vs, vcm_da_t da);

/**
 * vcm_vs_first() - the range with the lowest address.
 * @vs: the space.
 *
 * Context: caller serialises calls on @vs; no reserve or unreserve may happen
 * between the calls of one walk except unreserving the range just visited
 * after taking its successor. O(log n), plus the cached ranges it passes:
 * past 64 in one call it empties the range cache (they become free space;
 * nothing else changes), so a loop of vcm_vs_first() and unreserve stays
 * linear.
 * Return: the range, or NULL if the space is empty or @vs is not live.
 */
VCM_API struct vcm_vs_range *vcm_vs_first(struct vcm_vs *vs);

/**
 * vcm_vs_next() - the range after @r in address order.
 * @vs: the space.
 * @r:  a live range of @vs.
 *
 * Context: as vcm_vs_first(). O(1) amortised over a walk, O(log n) worst case
 * (and the cached ranges it passes, as vcm_vs_first()).
 * Return: the next range; NULL at the end, or if @r is not a live range of @vs
 * (then vcm_vs_last_error() says so).
 */
VCM_API struct vcm_vs_range *vcm_vs_next(struct vcm_vs *vs, const struct vcm_vs_range *r);

/**
 * vcm_vs_free_bytes() - bytes of @vs not covered by a range or bound; 0 if
 * @vs is not live. O(1).
 */
VCM_API uint64_t vcm_vs_free_bytes(const struct vcm_vs *vs);

/**
 * vcm_vs_count() - number of ranges (bounds included) in @vs; 0 if @vs is not
 * live. O(1).
 */
VCM_API uint64_t vcm_vs_count(const struct vcm_vs *vs);

/**
 * vcm_vs_last_error() - the last failure recorded in @vs.
 * @vs: the space (or a bound's space).
 *
 * Successful calls do not clear it.
 *
 * Return: "function: what was wrong with which argument", "" if nothing failed
 * yet, or a fixed string if @vs is NULL or not a live space.
 */
VCM_API const char *vcm_vs_last_error(const struct vcm_vs *vs);

/**
 * vcm_vs_bound_create() - take a sub-range of @vs that later reservations can
 * be drawn from, placed like vcm_vs_reserve().
 * @vs:    the parent space.
 * @len:   bytes, rounded up to a multiple of 4 KiB; not 0.
 * @align: bytes, a power of two from VCM_VS_ALIGN_4K to VCM_VS_ALIGN_1G.
 * @out:   receives the bound; untouched on failure.
 *
 * In @vs the bound is one range (found by vcm_vs_find(), walked, counted) that
 * vcm_vs_unreserve() refuses. Its own space is vcm_vs_bound_space(), where
 * every vcm_vs_* call works; its errors are recorded there.
 *
 * Every argument is checked, and the place found, before any metadata is
 * taken.
 *
 * Context: caller serialises calls on @vs and its bounds. O(log n).
 * Return: as vcm_vs_reserve(), with @out NULL giving -EINVAL; nothing changes
 * on failure.
 */
VCM_API int vcm_vs_bound_create(struct vcm_vs *vs, uint64_t len, uint64_t align,
				struct vcm_vs_bound **out);

/**
 * vcm_vs_bound_create_at() - as vcm_vs_bound_create(), at [@da, @da + @len).
 * Return: as vcm_vs_reserve_at().
 */
VCM_API int vcm_vs_bound_create_at(struct vcm_vs *vs, vcm_da_t da, uint64_t len,
				   struct vcm_vs_bound **out);

/**
 * vcm_vs_bound_free() - give a bound's range back to @vs.
 * @vs: the parent space the bound was created in.
 * @b:  the bound; it must be empty. After success @b, its space and the
 *      handles of ranges it held are dead but still checked (see Handles).
 *
 * Context: caller serialises calls on @vs and its bounds. O(log n).
 * Return: 0; -EINVAL if @b is NULL, not live or of another space; -EBUSY if
 * the bound still holds ranges. Nothing changes on failure.
 */
VCM_API int vcm_vs_bound_free(struct vcm_vs *vs, struct vcm_vs_bound *b);

/**
 * vcm_vs_bound_reserve() - vcm_vs_reserve() inside bound @b.
 * Return: as vcm_vs_reserve() on vcm_vs_bound_space(@b), where the message is
 * recorded; -EINVAL if @b is not a live bound.
 */
VCM_API int vcm_vs_bound_reserve(struct vcm_vs_bound *b, uint64_t len, uint64_t align,
				 struct vcm_vs_range **out);

/** vcm_vs_bound_space() - the space of bound @b; NULL if @b is not live. */
VCM_API struct vcm_vs *vcm_vs_bound_space(struct vcm_vs_bound *b);

/** vcm_vs_bound_range() - the range bound @b occupies in its parent; NULL if not live. */
VCM_API struct vcm_vs_range *vcm_vs_bound_range(const struct vcm_vs_bound *b);

/* vcm_vs_cache_cfg.flags: keep freed ranges in the range cache. */
#define VCM_VS_CACHE_ON 0x1U

/* Most sets of magazines a range cache can have (vcm_vs_cache_cfg.nlocal). */
#define VCM_VS_CACHE_MAX_LOCAL 256U

/**
 * struct vcm_vs_cache_cfg - the range cache of one space (docs/vspace.md).
 * @flags:      VCM_VS_CACHE_ON, or 0 to turn the cache off; other bits are
 *              refused.
 * @max_ranges: most ranges held at once; 0 gives the default, 2048.
 * @max_bytes:  most bytes held at once; 0 gives the default, 64 MiB.
 *
 * With the cache on, a range of 2^c bytes (4 KiB to 256 KiB) that starts at a
 * multiple of 2^c is not merged back into the space when it is unreserved but
 * kept, up to the limits, and the next vcm_vs_reserve() of that length (after
 * rounding up to 4 KiB) with an alignment up to 2^c gets it back, in O(1).
 * What changes, and only for such requests: the range returned is the most
 * recently freed one of its class, not the lowest fit. What stays: every
 * other request is exact lowest first fit over the space with cached ranges
 * counted as taken; cached ranges count as free in vcm_vs_free_bytes(),
 * vcm_vs_count(), vcm_vs_find() and walks; a cached range's old handle is
 * dead as after any unreserve (checked, see Handles); and before any reserve,
 * reserve-at or bound create would fail with -ENOSPC, -EEXIST or -ENOMEM the
 * whole cache is flushed (a bound short of metadata: its own, else its
 * nearest ancestor's that holds ranges) and the call tried again, so the
 * cache never turns a success into a failure. vcm_vs_unreserve() may then call meta_alloc
 * (never meta_free) for the cache's own metadata, and if that fails frees the
 * range into the space as without the cache. Bounds created later inherit
 * the configuration and keep a cache of their own.
 */
struct vcm_vs_cache_cfg {
	uint32_t flags;
	uint32_t max_ranges;
	uint64_t max_bytes;
};

/**
 * vcm_vs_cache_config() - turn the range cache of @vs on or off, or change
 * its limits.
 * @vs: the space (a bound's space works too, and keeps its own cache).
 * @cc: the configuration; copied.
 *
 * Turning the cache off flushes it and gives its metadata back; lowering the
 * limits below what is held flushes it. A separate call rather than a field
 * of struct vcm_vs_cfg, so that callers filling that struct field by field
 * keep today's behaviour.
 *
 * Context: caller serialises calls on @vs. O(cached ranges x log n).
 * Return: 0; -EINVAL if @vs is not live, @cc is NULL or @cc->flags has an
 * unknown bit. Nothing changes on failure.
 */
VCM_API int vcm_vs_cache_config(struct vcm_vs *vs, const struct vcm_vs_cache_cfg *cc);

/**
 * vcm_vs_cache_set_local() - give the range cache of @vs one set of
 * magazines per CPU or thread, as the Linux IOVA cache has per CPU.
 * @vs:     the space (bounds created later inherit the setting).
 * @nlocal: sets: 0 or 1 gives one set (the default; @local is then not
 *          used), at most VCM_VS_CACHE_MAX_LOCAL.
 * @local:  with @nlocal > 1: returns the calling CPU's or thread's number;
 *          called with @ctx on each reserve and unreserve that the cache may
 *          serve, and the set used is that number modulo @nlocal.
 * @ctx:    @local's argument.
 *
 * A range one caller frees is handed out again to that caller first (from
 * its own magazines), so a thread reuses the ranges, and the handle memory,
 * it touched last; full magazines go to a depot that every caller draws
 * from, and the limits hold over all sets. The caller still serialises every
 * call (see "Thread safety"). A separate call rather than fields of struct
 * vcm_vs_cache_cfg, so that initialisers of that struct stay complete.
 * Changing the setting flushes the cache and gives its magazines back.
 *
 * Context: caller serialises calls on @vs. O(cached ranges x log n).
 * Return: 0; -EINVAL if @vs is not live, @nlocal is above
 * VCM_VS_CACHE_MAX_LOCAL, or @nlocal is above 1 with @local NULL. Nothing
 * changes on failure.
 */
VCM_API int vcm_vs_cache_set_local(struct vcm_vs *vs, uint32_t nlocal,
				   uint32_t (*local)(void *ctx), void *ctx);

/**
 * vcm_vs_cache_flush() - give every cached range of @vs and of the bounds
 * taken from it back to their spaces, where they merge with their neighbours.
 * @vs: the space.
 *
 * Magazines are kept for reuse. A reserve that would fail flushes by itself;
 * this call is for a caller that wants exact first fit again now.
 *
 * Context: caller serialises calls on @vs and its bounds. O(cached x log n).
 * Return: 0; -EINVAL if @vs is not live.
 */
VCM_API int vcm_vs_cache_flush(struct vcm_vs *vs);

/**
 * vcm_vs_cache_usage() - what the range cache of @vs holds now.
 * @vs:     the space (its bounds are not included).
 * @ranges: receives the number of cached ranges; may be NULL.
 * @bytes:  receives their bytes; may be NULL.
 *
 * Return: 0; -EINVAL if @vs is not live.
 */
VCM_API int vcm_vs_cache_usage(const struct vcm_vs *vs, uint64_t *ranges, uint64_t *bytes);

/**
 * struct vcm_vs_cache_stats - what the range cache of one space has done
 * since the space was created (counted whether the cache is on or not).
 * @hits:     reserves served from the cache.
 * @kept:     unreserves whose range the cache kept.
 * @returned: cached ranges given back to the space: by a flush (asked for,
 *            or before a call would fail), to stay under the limits, or when
 *            the cache was turned off.
 *
 * kept == hits + returned + the ranges cached now (vcm_vs_cache_usage()).
 */
struct vcm_vs_cache_stats {
	uint64_t hits;
	uint64_t kept;
	uint64_t returned;
};

/**
 * vcm_vs_cache_stats() - the counters of the range cache of @vs (its bounds
 * are not included).
 * @vs:  the space.
 * @out: receives the counters.
 *
 * Return: 0; -EINVAL if @vs is not live or @out is NULL.
 */
VCM_API int vcm_vs_cache_stats(const struct vcm_vs *vs, struct vcm_vs_cache_stats *out);

/**
 * vcm_vs_check_() - whole-structure validator (VCM_DEBUG=2 style, for tests):
 * tree order, parent links, balance, augmented values, ranges and gaps tiling
 * the space exactly, counters, and the range cache's magazines and limits. O(n).
 * Return: 0, or -EFAULT with the first broken invariant in vcm_vs_last_error().
 */
VCM_API int vcm_vs_check_(struct vcm_vs *vs);

#ifdef __cplusplus
}
#endif

#endif /* VCM_VSPACE_H */
