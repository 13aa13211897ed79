/* SPDX-License-Identifier: MIT */
/*
 * Private to the page-table layer: the table object and the format ops table.
 * A format fills the geometry at create time; the shared walker
 * (walk_template.h) reads only the geometry and the format's inline hooks
 * (documented in fmt.h).
 */
#ifndef VCM_PT_INTERNAL_H
#define VCM_PT_INTERNAL_H

#include <errno.h>
#include <vcm/pgtable.h>
#include <vcm/err.h>
#include "../util/bits.h"
#include "../util/assert.h"
#include "../util/fail.h"

/* Keeps a rarely taken path out of its caller, whose fast path then needs no big frame. */
#if defined(__GNUC__)
#define PT_NOINLINE __attribute__((noinline))
#else
#define PT_NOINLINE
#endif

#define VCM_PT_MAX_LEVELS 6U /* AMD v1 Mode 6 */
#define VCM_PT_MAGIC 0x76637074U /* "vcpt" */
/* memo_prot before any map: has unknown bits, so no prot the caller gives matches it */
#define VCM_PT_MEMO_NONE (~0U)

/*
 * struct vcm_pt_attr - a mapping's attribute bits, computed once per map call:
 * bits[level][contig] is ORed into every leaf written at that level, with or
 * without the contiguous hint. The format decides what goes in.
 */
struct vcm_pt_attr {
	uint64_t bits[VCM_PT_MAX_LEVELS][2];
	uint64_t sizes_ok; /* leaf sizes that can carry these attributes; preset to all */
};

/*
 * struct vcm_pt_wcache - the walk cache: the last table a map or unmap wrote
 * single leaves in. A call for exactly one leaf of that table's level inside
 * its span goes to it without a descent (walk_template.h). Every table above
 * it is then a table entry, so the descent would have ended there too. The
 * walker empties the cache whenever it unlinks a table (defer_free), the one
 * way a linked table stops being one; leaf_size 0 never matches a call.
 */
struct vcm_pt_wcache {
	void *table;          /* the table's CPU pointer */
	vcm_da_t base;        /* first address the table covers */
	uint64_t span_mask;   /* its span - 1 */
	uint64_t leaf_size;   /* size of one entry at its level; 0: empty */
	unsigned int level;
	uint32_t *live;       /* its live-entry count; NULL: look it up (vcm_pt_live_) */
};

/*
 * struct vcm_pt_cnt - one slot of the live-entry counts (pt_mem.c): a table
 * of this vcm_pt, the top level and pooled tables included, by CPU pointer,
 * and how many of its entries are nonzero. An open-addressed hash with
 * linear probing; key 0 is a free slot.
 */
struct vcm_pt_cnt {
	uintptr_t key;
	uint32_t live;
};

/* A table in the pool (VCM_PT_CFG_POOL): all zero, still in the counts with live 0. */
struct vcm_pt_pooled {
	void *cpu;
	vcm_pa_t pa;
};

struct vcm_pt {
	uint32_t magic;
	const struct vcm_pt_fmt *fmt;
	struct vcm_pt_cfg cfg;      /* copy of what the caller asked for */
	struct vcm_plat_ops plat;   /* copy, so the caller's struct may go away */
	struct vcm_diag diag;

	/* geometry, filled by the format's init */
	unsigned int levels;                        /* lookup levels */
	unsigned int start_level;                   /* the manual's number of the top level */
	unsigned int ias, oas, granule_lg2;
	unsigned int item_lg2;                      /* log2 of the entry size in bytes */
	unsigned int shift[VCM_PT_MAX_LEVELS];      /* log2 of the span of one entry */
	unsigned int items_lg2[VCM_PT_MAX_LEVELS];  /* log2 of entries per table */
	unsigned int contig_lg2[VCM_PT_MAX_LEVELS]; /* log2 of entries per contiguous group, 0 = none */
	bool leaf_ok[VCM_PT_MAX_LEVELS];            /* a single entry at this level may be a leaf */
	uint64_t sizes;                             /* leaf sizes in use */
	uint64_t single_sizes;                      /* entry sizes of the levels with leaf_ok */
	uint64_t fmt_data;                          /* format private (armv8: the MAIR) */
	bool hitless;  /* split blocks without a break: !fmt->bbm or VCM_PT_CFG_BBML2 */

	/* limits of the arguments, for the one-test check of the usual call (pgtable.c) */
	uint64_t gran_mask;         /* granule - 1 */
	vcm_da_t da_max;            /* last address of the input space */
	vcm_pa_t pa_max;            /* last address of the output space */

	/* the attributes of the last prot mapped: most callers map with few prots */
	unsigned int memo_prot;     /* VCM_PT_MEMO_NONE until a prot has been accepted */
	struct vcm_pt_attr memo_attr;
	uint64_t memo_sizes;        /* sizes & memo_attr.sizes_ok */

	struct vcm_pt_wcache wc;

	/* every TLB flush asked for since vcm_pt_tlb_hint(), summed (walk_base.h) */
	struct vcm_tlb_hint tlb_sum;
	bool tlb_summed;

	void *root;
	vcm_pa_t root_pa;
	uint64_t root_size;
	uint64_t table_bytes;

	/* live-entry counts of every table held (pt_mem.c); cnt_mask + 1 slots */
	struct vcm_pt_cnt *cnt;
	uint32_t cnt_mask, cnt_used;
	/* emptied tables kept for the next map (VCM_PT_CFG_POOL), all of size tbl_size */
	uint64_t tbl_size;
	unsigned int npool;
	/* frees fill the pool up to this: VCM_PT_POOL_MAX, or while a refused
	 * call gives back what it took, what the pool held before the call */
	unsigned int pool_max;
	struct vcm_pt_pooled pool[VCM_PT_POOL_MAX];
};

/*
 * struct vcm_pt_fmt - a format as the rest of the layer sees it. The walk
 * entries (map, map_segs, unmap, lookup, walk, check, free_all) come from
 * walk_template.h; the others are the format's own. Arguments reaching these
 * have been checked. Every message recorded on the way carries the name the
 * public call entered in pt->diag (or the create diag) when it started.
 */
struct vcm_pt_fmt {
	const char *name;
	unsigned int cfg_ext;  /* the extension flags it takes (VCM_PT_CFG_RISCV_*) */
	bool bbm;              /* its manual asks for break-before-make to split a block */
	int (*init)(struct vcm_pt *pt, struct vcm_diag *diag);
	int (*prot_to_attr)(struct vcm_pt *pt, unsigned int prot,
			    struct vcm_pt_attr *attr);
	void (*hw)(const struct vcm_pt *pt, struct vcm_hw_regs *out);
	int (*map)(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		   const struct vcm_pt_attr *attr, uint64_t sizes);
	/* @nr pieces at consecutive addresses from @da, @len bytes in all */
	int (*map_segs)(struct vcm_pt *pt, vcm_da_t da, const struct vcm_seg *seg,
			uint64_t nr, uint64_t len, const struct vcm_pt_attr *attr,
			uint64_t sizes);
	int (*unmap)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last,
		     uint64_t *unmapped);
	int (*lookup)(struct vcm_pt *pt, vcm_da_t da, struct vcm_pt_leaf *out);
	int (*walk)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last,
		    int (*fn)(void *arg, const struct vcm_pt_leaf *leaf), void *arg);
	/* report (and with @clear, clean) the dirty leaves of [@da, @last] */
	int (*read_clear_dirty)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last, bool clear,
				int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg);
	int (*check)(struct vcm_pt *pt);
	void (*free_all)(struct vcm_pt *pt);
};

/* Size in bytes of one table at @lvl for entries of 2^@item_lg2 bytes. */
static inline uint64_t vcm_pt_table_size_(const struct vcm_pt *pt, unsigned int lvl,
					  unsigned int item_lg2)
{
	uint64_t size = UINT64_C(1) << (pt->items_lg2[lvl] + item_lg2);

	return size < 64U ? 64U : size; /* a reduced top level is still 64-byte aligned */
}

/*
 * True when a table at [@pa, @pa + @size) can be pointed at: every format
 * here holds a table address in its output-address field, and a walker
 * configured for oas bits faults on (or, with 32-bit entries, cannot even
 * store) anything above 2^oas.
 */
static inline bool vcm_pt_table_reachable_(const struct vcm_pt *pt, vcm_pa_t pa, uint64_t size)
{
	return pa + size - 1U >= pa && pa + size - 1U <= vcm_low_mask(pt->oas);
}

/* ---- table memory and live-entry counts (pt_mem.c) ----------------------- */

static inline uint32_t vcm_pt_cnt_hash_(uintptr_t key)
{
	/* tables are at least 64-byte aligned: the low bits carry nothing */
	return (uint32_t)(((uint64_t)key >> 6) * UINT64_C(0x9e3779b97f4a7c15) >> 32);
}

/*
 * The live-entry count of @table, a table this vcm_pt holds. The pointer
 * stays valid until a table is allocated from or given back to the platform
 * (the slots move then; pt->wc.live is reset at that point).
 */
static inline uint32_t *vcm_pt_live_(const struct vcm_pt *pt, const void *table)
{
	const uintptr_t key = (uintptr_t)table;
	uint32_t i = vcm_pt_cnt_hash_(key) & pt->cnt_mask;

	while (pt->cnt[i].key != key) {
		VCM_ASSERT(pt->cnt[i].key != 0U);
		i = (i + 1U) & pt->cnt_mask;
	}
	return &pt->cnt[i].live;
}

/* The count of @table, or NULL when the counts do not hold it (for the validator). */
const uint32_t *vcm_pt_live_find_(const struct vcm_pt *pt, const void *table);

/* Set up the counts and enter the top level; -ENOMEM. */
/*
 * Flush [@first, @last] from the walkers' TLBs. @sizes: the sizes of the leaf
 * entries changed in it (bit n = 2^n bytes, a group's members counted one by
 * one), 0 when not known; @leaf: no table was linked or unlinked. A table
 * given the hinted op passes both on; the plain op gets @leaf only. With
 * VCM_PT_CFG_TLB_SUM both are also summed for vcm_pt_tlb_hint(). Out of
 * line, one copy for every format: firmware images have a size budget.
 */
void vcm_pt_tlb_flush_(struct vcm_pt *pt, vcm_da_t first, vcm_da_t last, uint64_t sizes,
		       bool leaf);

int vcm_pt_mem_init_(struct vcm_pt *pt);

/* Give back the pool and the counts (vcm_pt_destroy, after every table went back). */
void vcm_pt_mem_fini_(struct vcm_pt *pt);

/*
 * A zeroed table of @size bytes, from the pool or the platform, entered in
 * the counts with live 0 and added to table_bytes. 0; -ENOMEM the platform
 * has no table memory; -ENOSPC the counts had to grow and meta_alloc failed
 * (table_alloc was not called; the caller reports -ENOMEM, naming the
 * metadata); -ERANGE the platform's memory is beyond the output space (*@pa
 * says where; the memory went back).
 */
int vcm_pt_tbl_alloc_(struct vcm_pt *pt, uint64_t size, vcm_pa_t *pa, void **cpu);

/* Give back a table whose entries are all 0: to the pool when there is room. */
void vcm_pt_tbl_free_(struct vcm_pt *pt, vcm_pa_t pa, void *cpu, uint64_t size);

/*
 * The validator's part: @linked tables (the top level included) were found
 * linked, each with a matching count; the counts hold exactly those and the
 * pool, and every pooled table is zero. 0 or -EFAULT with a message.
 */
int vcm_pt_mem_check_(struct vcm_pt *pt, uint64_t linked);

/*
 * Fill shift/items_lg2 for a radix table: @levels levels of 2^@bits entries each
 * above a 2^@granule_lg2 page, the top one reduced to what @ias needs.
 */
void vcm_pt_geometry_(struct vcm_pt *pt, unsigned int levels, unsigned int granule_lg2,
		      unsigned int bits);

#endif /* VCM_PT_INTERNAL_H */
