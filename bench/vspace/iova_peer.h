/* SPDX-License-Identifier: MIT */
/*
 * A Linux-style IOVA allocator, the peer bench_vspace measures vcmm against.
 * Written here from the published algorithm of drivers/iommu/iova.c (Linux
 * 5.x/6.x): a red-black tree of allocated ranges in page frames with an
 * anchor node above the space; allocation walks down from a cached node (the
 * last one allocated) looking for the highest aligned hole below it, and
 * retries once from the top; a size that failed is remembered until the next
 * free. In front of the tree, per-size range caches for 1..32 pages (4 KiB to
 * 128 KiB; sizes are rounded up to a power of two and aligned to it), as in
 * Linux 6.1: a loaded and a previous magazine of 128 frames per class (one
 * CPU's share, allocated with the domain) and a depot of up to 32 full
 * magazines per class. A free pushes onto loaded, swaps with prev when loaded
 * is full and prev is not, else sends loaded to the depot and loads a new
 * magazine; when the depot is full too, loaded's frames go back to the tree.
 * A get pops loaded, swaps with a non-empty prev, or loads a depot magazine.
 * As in Linux, a cached range stays in the tree; a miss that finds no hole
 * flushes every cache and tries once more. Linux's locks are taken where it
 * takes them (the CPU's, the depot's, the tree's), uncontended spin locks.
 *
 * Frees take the frame number and size, as Linux's free_iova_fast(): a
 * cache hit needs no lookup, anything else searches the tree.
 *
 * Bench code: hosted (malloc), no error messages, one CPU.
 */
#ifndef VCM_BENCH_IOVA_PEER_H
#define VCM_BENCH_IOVA_PEER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct iova_peer;

/*
 * Where the tree's node chunks come from: malloc/free unless set (bench_vspace
 * --huge gives both allocators the same huge-page arena). Set before creating.
 */
void iova_peer_chunk_ops(void *(*alloc)(size_t), void (*release)(void *));

/* A domain over frames [start_pfn, end_pfn); NULL if out of memory. */
struct iova_peer *iova_peer_create(uint64_t start_pfn, uint64_t end_pfn);
void iova_peer_destroy(struct iova_peer *d);

/*
 * Allocate @pages frames aligned to @align_pages (a power of two), taking
 * the range cache when @pages <= 32 (then the range is rounded up to a power
 * of two and aligned to it: *@got_pages says how many were taken).
 * Return: the first frame, or UINT64_MAX if no hole fits.
 */
uint64_t iova_peer_alloc(struct iova_peer *d, uint64_t pages, uint64_t align_pages,
			 uint64_t *got_pages);

/* Insert [pfn, pfn + pages) as allocated (to copy a layout); false if out of memory. */
bool iova_peer_insert(struct iova_peer *d, uint64_t pfn, uint64_t pages);

/* Free what iova_peer_alloc() or _insert() returned: its first frame and size. */
void iova_peer_free(struct iova_peer *d, uint64_t pfn, uint64_t pages);

#endif /* VCM_BENCH_IOVA_PEER_H */
