/* SPDX-License-Identifier: MIT */
/*
 * Internals of the phys layer, shared by its files only.
 *
 * A memtype is a binary buddy allocator over its (sorted, joined) ranges, with
 * the smallest chunk size as its block. Blocks are naturally aligned in
 * physical address terms and never cross a range. Every block index has one
 * state byte; the first block of a free or used buddy block holds
 * FREE_HEAD/USED_HEAD | order, the others 0. Free lists are doubly linked by
 * block index (+1, 0 = none) in two metadata arrays: the managed memory itself
 * is never touched.
 *
 * Contiguous allocations search a run index: one bit per block (1 = free) in
 * "run positions", where block idx of range k sits at idx + k so that one
 * always-used position separates neighbouring ranges (a run never crosses
 * one), and a segment tree over the bitmap's 64-bit words whose nodes hold
 * the longest free prefix, suffix and run of their span. Padding past the last
 * position is used.
 */
#ifndef VCM_PHYS_INTERNAL_H
#define VCM_PHYS_INTERNAL_H

#include <errno.h>
#include <vcm/phys.h>
#include <vcm/err.h>
#include "../util/bits.h"
#include "../util/assert.h"
#include "../util/fail.h"

#define PHYS_MAGIC      0x76637068U /* "vcph" */
#define PHYSMEM_LIVE    0x76636d6dU /* "vcmm" */
#define PHYSMEM_DEAD    0x64656164U /* "dead" */

#define PHYS_MAX_ORDERS 32U         /* largest block: 2^(min_lg2 + 31) bytes */
#define BLK_FREE        0x80U
#define BLK_USED        0x40U
#define BLK_ORDER       0x3fU
#define PHYS_WRAP_LG2   12U         /* wrapped ranges: 4 KiB granule */

struct mt_range {
	vcm_pa_t pa;
	uint64_t len;
	uint32_t base; /* index of the range's first block in the memtype */
};

/* One node of the run index: lengths in blocks (a run fits one range, < 2^32). */
struct run_node {
	uint32_t pre;
	uint32_t suf;
	uint32_t best;
};

struct phys_mt {
	unsigned int min_lg2;
	unsigned int max_order;  /* orders 0 .. max_order - 1 */
	uint64_t sizes;          /* chunk-size bitmap, bit n = 2^n bytes */
	unsigned int nr_ranges;
	unsigned int ranges_cap; /* entries allocated (before joining) */
	struct mt_range *ranges; /* sorted, joined where they touch */
	uint32_t nr_blocks;
	uint8_t *state;          /* nr_blocks bytes */
	uint32_t *next;          /* free-list links, block index + 1 */
	uint32_t *prev;
	uint32_t head[PHYS_MAX_ORDERS];
	uint64_t nr_free[PHYS_MAX_ORDERS];
	uint64_t total_bytes;
	uint64_t free_bytes;
	uint32_t nr_leaves;      /* run index: a power of two, words of fmap */
	uint64_t *fmap;          /* nr_leaves words, bit set = free position */
	struct run_node *runs;   /* 2 * nr_leaves nodes, heap order from 1 */
	uint32_t *stale;         /* leaves changed since the last search (buddy.c) */
	uint32_t nr_stale;
	bool runs_live;          /* the index is built (buddy.c: at the first search) */
};

enum { MEM_CHUNKED = 1, MEM_CONT, MEM_WRAP };

struct phys_chunk {
	vcm_pa_t pa;
	uint64_t len;
};

struct vcm_physmem {
	uint32_t magic;
	uint8_t kind;
	unsigned int memtype;
	struct vcm_phys *owner;
	uint64_t len;
	uint64_t nr_chunks;
	struct phys_chunk *chunks; /* &one when nr_chunks == 1 */
	struct phys_chunk one;
	struct vcm_physmem *next_dead;
};

/* Records are carved from slabs that live until the set is destroyed. */
struct rec_slab {
	size_t bytes;
	uint32_t n;
	struct vcm_physmem rec[];
};

struct vcm_phys {
	uint32_t magic;
	struct vcm_plat_ops plat;
	unsigned int nr_mt;
	struct phys_mt *mt;
	uint32_t next_slab_n;
	/* The record slabs, sorted by address, so that rec_ours_() bisects. */
	struct rec_slab **by_addr;
	uint32_t nr_slabs;
	uint32_t by_addr_cap;
	struct vcm_physmem *dead_head; /* FIFO of reusable records */
	struct vcm_physmem *dead_tail;
	uint64_t live;
	struct vcm_diag diag;
};

/* phys.c: the liveness checks every public call starts with. */
static inline bool phys_live_(const struct vcm_phys *phys)
{
	return phys != NULL && phys->magic == PHYS_MAGIC;
}

static inline bool physmem_live_(const struct vcm_physmem *mem)
{
	return mem != NULL && mem->magic == PHYSMEM_LIVE;
}

/* record.c: allocation records, owned by the set until it is destroyed. */
struct vcm_physmem *rec_new_(struct vcm_phys *phys, uint64_t nr_chunks);
void rec_release_(struct vcm_phys *phys, struct vcm_physmem *m);
bool rec_ours_(const struct vcm_phys *phys, const struct vcm_physmem *m);
void rec_free_slabs_(struct vcm_phys *phys);

/* buddy.c: one memtype's block allocator. */
int mt_init_(struct phys_mt *mt, const struct vcm_plat_ops *plat);
void mt_fini_(struct phys_mt *mt, const struct vcm_plat_ops *plat);
uint64_t mt_avail_(const struct phys_mt *mt, unsigned int order);
vcm_pa_t mt_take_(struct phys_mt *mt, unsigned int order);
void mt_release_(struct phys_mt *mt, vcm_pa_t pa, unsigned int order);
bool mt_find_run_(const struct phys_mt *mt, uint64_t len, uint64_t align, vcm_pa_t *pa);
void mt_take_run_(struct phys_mt *mt, vcm_pa_t pa, uint64_t len);
void mt_release_run_(struct phys_mt *mt, vcm_pa_t pa, uint64_t len);
const struct mt_range *mt_range_of_(const struct phys_mt *mt, uint32_t idx);
vcm_pa_t mt_pa_of_(const struct phys_mt *mt, uint32_t idx);
/* The range holding @pa, with *@idx its block index; NULL if none does. */
const struct mt_range *mt_range_at_(const struct phys_mt *mt, vcm_pa_t pa, uint32_t *idx);
unsigned int mt_piece_order_(const struct phys_mt *mt, vcm_pa_t pa, uint64_t left);
uint64_t mt_longest_run_(const struct phys_mt *mt);
/* The validator's view of the run index: NULL, or what disagrees (the kind of *@where). */
const char *mt_check_runs_(const struct phys_mt *mt, uint64_t *where);

#endif /* VCM_PHYS_INTERNAL_H */
