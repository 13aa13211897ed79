/* SPDX-License-Identifier: MIT */
/*
 * Part of the shared walker (walk_template.h), compiled once per format: the
 * per-format names, table memory, cache cleaning, TLB gathering, and the level
 * iterator every walk uses. No page-table bit is known here; entries are read
 * through the format's hooks (fmt.h).
 *
 * Words: addresses are ranges with an inclusive `last` (as in the public
 * calls); an iterator's `index`/`end` are entry numbers in one table, `end`
 * exclusive. A function works in one of the two, never compares across.
 */
#ifndef FMT_PREFIX
#error "walk_base.h is included by walk_template.h"
#endif

/*
 * Every function of the template gets the format's prefix (armv8_map_lvl,
 * armv7s_map_lvl), so backtraces and the symbol table say which format ran.
 */
#define PT_PASTE_(a, b) a##_##b
#define PT_PASTE(a, b)  PT_PASTE_(a, b)
#define NS(name)        PT_PASTE(FMT_PREFIX, name)

/* At most this many unlinked tables wait for the TLB flush before being freed. */
#define DEFERRED_MAX 32U

struct tbl {
	FMT_ITEM *cpu;
	vcm_pa_t pa;
	uint64_t size;
	vcm_da_t da;       /* deferred frees: the first address the table mapped */
	unsigned int lvl;  /* and its level */
};

/*
 * One visit of a table: the entries written but not cleaned to the walker
 * yet, [first, end), and how many entries became nonzero (less those that
 * became zero), added to the table's live-entry count when the visit ends.
 */
struct dirty {
	unsigned int first, end;
	int live;
};

#define DIRTY_NONE ((struct dirty){ ~0U, 0U, 0 })

/*
 * One operation's state: the public call served (the prefix of every message),
 * the map cursor, the gathered TLB range, deferred frees and the split pool.
 */
struct walk {
	struct vcm_pt *pt;
	const struct vcm_pt_attr *attr;
	uint64_t sizes;
	vcm_da_t da;   /* map: next address to map */
	vcm_pa_t pa;   /* map: its output address */
	vcm_da_t last; /* map: last address of the range */
	/* map: the piece being mapped (pa contiguous up to seg_last) and the end of the pieces */
	const struct vcm_seg *seg, *seg_end;
	vcm_da_t seg_last;
	/* map: the range ended at 2^64 and is all written (w->da wrapped to 0) */
	bool at_top;
	/*
	 * map: the table this walk made last. It was zero when made, and a
	 * walk writes a table only at and behind its position, which moves
	 * forward, so every entry it is about to read there is still zero:
	 * reading it would only wait for a cold line (the store that follows
	 * does not wait).
	 */
	const void *fresh;
	uint64_t unmapped;

	bool gathered, gather_leaf;
	vcm_da_t gather_first, gather_last;
	/* the sizes of the leaf entries cleared in the gathered range (vcm_tlb_hint) */
	uint64_t gather_sizes;
	unsigned int ndeferred;
	unsigned int pool0;        /* the table's pool when the call began */
	struct tbl deferred[DEFERRED_MAX];
	/* tables taken before an unmap's first write, linked through their first 64 bits */
	uint64_t npool;
	struct tbl pool;
};

/*
 * A position in one table, after generic_pt's pt_state: the table, its level,
 * the entry number and the end of the part the walk covers, the first address
 * of the entry, and the entry itself, read and decoded once by iter_load().
 */
struct iter {
	FMT_ITEM *table;
	unsigned int level;
	unsigned int index, end;
	vcm_da_t da;
	FMT_ITEM entry;
	unsigned int kind;
};

static void NS(walk_init)(struct walk *w, struct vcm_pt *pt)
{
	w->pt = pt;
	w->attr = NULL;
	w->sizes = pt->sizes;
	w->at_top = false;
	w->fresh = NULL;
	w->unmapped = 0;
	w->gathered = false;
	w->gather_leaf = true;
	w->gather_sizes = 0;
	w->ndeferred = 0;
	w->npool = 0;
	w->pool0 = pt->npool;
}

/*
 * A refused call gives back the tables it took: the table's pool takes back
 * only as many as it held when the call began, the rest go to the platform,
 * so the pool and the platform are as before (VCM_PT_CFG_POOL).
 */
static void NS(refused_frees)(struct walk *w, bool on)
{
	w->pt->pool_max = on ? w->pool0 : VCM_PT_POOL_MAX;
}

static inline uint64_t NS(lvl_size)(const struct vcm_pt *pt, unsigned int lvl)
{
	return UINT64_C(1) << pt->shift[lvl];
}

static inline unsigned int NS(lvl_items)(const struct vcm_pt *pt, unsigned int lvl)
{
	return 1U << pt->items_lg2[lvl];
}

static inline unsigned int NS(lvl_index)(const struct vcm_pt *pt, unsigned int lvl, vcm_da_t da)
{
	return (unsigned int)((da >> pt->shift[lvl]) & vcm_low_mask(pt->items_lg2[lvl]));
}

static inline FMT_ITEM *NS(tbl_cpu)(const struct vcm_pt *pt, vcm_pa_t pa)
{
	/*
	 * The walker never keeps CPU pointers in entries: it maps the entry's
	 * physical address back through the platform's view of table memory.
	 */
	return (FMT_ITEM *)pt->plat.pa_to_cpu(pt->plat.ctx, pa);
}

/*
 * A zeroed table for @lvl. A table the format cannot point at (above the
 * output address size) is given back and refused: linking it would store a
 * truncated address that the walker then follows. @da names the place in
 * the message.
 */
static int NS(tbl_new)(struct walk *w, unsigned int lvl, vcm_da_t da, struct tbl *t)
{
	struct vcm_pt *pt = w->pt;
	uint64_t size = vcm_pt_table_size_(pt, lvl, FMT_ITEM_LG2);
	void *cpu;
	int ret = vcm_pt_tbl_alloc_(pt, size, &t->pa, &cpu);

	if (ret == -ERANGE)
		return VCM_ERR(&pt->diag, -ERANGE,
			       "table memory at pa %#llx (for da %#llx) is beyond the %u-bit output space",
			       vcm_ull(t->pa), vcm_ull(da), pt->oas);
	if (ret == -ENOSPC)
		return VCM_ERR(&pt->diag, -ENOMEM,
			       "no metadata memory (meta_alloc) to count a new table at da %#llx",
			       vcm_ull(da));
	if (ret != 0)
		return VCM_ERR(&pt->diag, -ENOMEM, "no table memory at da %#llx",
			       vcm_ull(da));
	t->cpu = cpu;
	t->size = size;
	return 0;
}

/* Give back a table whose entries are all 0 (pt_mem.c: to the pool if kept). */
static void NS(tbl_free)(struct vcm_pt *pt, const struct tbl *t)
{
	vcm_pt_tbl_free_(pt, t->pa, t->cpu, t->size);
}

/*
 * One entry as a walker reads it. A hardware walker may set a leaf's dirty
 * or access bit while this thread reads the table (the harvest and the
 * split read those leaves with atomic exchanges already): hosted builds read
 * with a relaxed atomic load, the same instruction as a plain one on the
 * hosts we run on, so the read is defined and ThreadSanitizer sees it as
 * such. Freestanding builds keep the plain load: on i386 a 64-bit atomic
 * load is a longer sequence, and the firmware images have a size budget.
 */
static inline FMT_ITEM NS(entry_read)(const FMT_ITEM *p)
{
#if __STDC_HOSTED__
	return __atomic_load_n(p, __ATOMIC_RELAXED);
#else
	return *p;
#endif
}

/* Make @n entries from @first visible to a walker that does not snoop. */
static inline void NS(clean)(const struct vcm_pt *pt, FMT_ITEM *table, unsigned int first,
			     unsigned int n)
{
	if (pt->plat.cache_clean != NULL && n != 0U && (pt->cfg.flags & VCM_PT_CFG_COHERENT) == 0U)
		pt->plat.cache_clean(pt->plat.ctx, &table[first], (size_t)n << FMT_ITEM_LG2);
}

/* Record that @n entries from @first were written. */
static inline void NS(dirty_add)(struct dirty *d, unsigned int first, unsigned int n)
{
	if (first < d->first)
		d->first = first;
	if (first + n > d->end)
		d->end = first + n;
}

/*
 * Clean the pending run of written entries and start a new one. Called before
 * anything that may flush the TLB, so that the walker already sees every
 * change the flush is meant to cover.
 */
static inline void NS(dirty_clean)(const struct vcm_pt *pt, FMT_ITEM *table, struct dirty *d)
{
	if (d->first < d->end)
		NS(clean)(pt, table, d->first, d->end - d->first);
	d->first = ~0U;
	d->end = 0;
}

/*
 * The same for every format: vcm_pt_tlb_flush_() (pgtable.c), one copy; a
 * table nobody flushes or sums for does not pay for the call.
 */
static inline void NS(tlb_flush)(struct vcm_pt *pt, vcm_da_t first, vcm_da_t last,
				 uint64_t sizes, bool leaf)
{
	if (pt->cfg.tlb != NULL || (pt->cfg.flags & VCM_PT_CFG_TLB_SUM) != 0U)
		vcm_pt_tlb_flush_(pt, first, last, sizes, leaf);
}

static void NS(flush_now)(struct walk *w, vcm_da_t first, vcm_da_t last, uint64_t sizes,
			  bool leaf)
{
	NS(tlb_flush)(w->pt, first, last, sizes, leaf);
}

static void NS(gather_flush)(struct walk *w)
{
	if (w->gathered)
		NS(flush_now)(w, w->gather_first, w->gather_last, w->gather_sizes,
			      w->gather_leaf);
	w->gathered = false;
	w->gather_leaf = true;
	w->gather_sizes = 0;
	/*
	 * Only now can no walker still be reading the unlinked tables. They
	 * were unlinked children first (each empties before its parent); they
	 * go back parents first, in address order, the order a map of the same
	 * range asks for tables again: a caller that keeps freed blocks to
	 * rebuild what it unmapped (the graph's migrate, src/graph/inst_plat.c)
	 * then hands each table its own block back.
	 */
	for (unsigned int i = 1; i < w->ndeferred; i++) {
		struct tbl t = w->deferred[i];
		unsigned int j = i;

		for (; j > 0U && (w->deferred[j - 1U].da > t.da ||
				  (w->deferred[j - 1U].da == t.da && w->deferred[j - 1U].lvl < t.lvl));
		     j--)
			w->deferred[j] = w->deferred[j - 1U];
		w->deferred[j] = t;
	}
	for (unsigned int i = 0; i < w->ndeferred; i++)
		NS(tbl_free)(w->pt, &w->deferred[i]);
	w->ndeferred = 0;
}

/*
 * Add [@first, @last] to the range the next flush covers: leaf entries of
 * @size bytes each were cleared there (@leaf) or, with VCM_PT_CFG_FLUSH_MAP,
 * written into empty entries; or a table was unlinked (@size 0: the leaves
 * under it were added when they were cleared).
 */
static void NS(gather_add)(struct walk *w, vcm_da_t first, vcm_da_t last, uint64_t size,
			   bool leaf)
{
	if (!w->gathered) {
		w->gather_first = first;
		w->gather_last = last;
		w->gathered = true;
	} else {
		if (first < w->gather_first)
			w->gather_first = first;
		if (last > w->gather_last)
			w->gather_last = last;
	}
	w->gather_leaf = w->gather_leaf && leaf;
	w->gather_sizes |= size;
}

/* ---- the walk cache (struct vcm_pt_wcache) ------------------------------ */

/*
 * Remember @table (level @lvl, holding @da) after single leaves were written
 * or cleared in it. Only levels whose single entries may be leaves: those
 * are the calls the cache serves.
 */
static inline void NS(wc_set)(struct vcm_pt *pt, FMT_ITEM *table, unsigned int lvl, vcm_da_t da)
{
	const uint64_t span_mask = vcm_low_mask(pt->shift[lvl] + pt->items_lg2[lvl]);

	if (!pt->leaf_ok[lvl])
		return;
	if (table != pt->wc.table)
		pt->wc.live = NULL;
	pt->wc.table = table;
	pt->wc.base = da & ~span_mask;
	pt->wc.span_mask = span_mask;
	pt->wc.leaf_size = NS(lvl_size)(pt, lvl);
	pt->wc.level = lvl;
}

static inline void NS(wc_drop)(struct vcm_pt *pt)
{
	pt->wc.table = NULL;
	pt->wc.leaf_size = 0;
	pt->wc.live = NULL;
}

/* The live-entry count of the cached table, looked up once per table. */
static inline uint32_t *NS(wc_live)(struct vcm_pt *pt)
{
	if (pt->wc.live == NULL)
		pt->wc.live = vcm_pt_live_(pt, pt->wc.table);
	return pt->wc.live;
}

/*
 * Add @delta to the live-entry count of @table (a visit's struct dirty) and
 * return the count; the cached table's count needs no lookup.
 */
static inline uint32_t NS(live_add)(struct vcm_pt *pt, const FMT_ITEM *table, int delta)
{
	uint32_t *live = table == pt->wc.table ? NS(wc_live)(pt) : vcm_pt_live_(pt, table);

	*live = (uint32_t)((int64_t)*live + delta);
	return *live;
}

/*
 * The cached table when [@da, +@len) is exactly one entry of it (@len a
 * power of two, @da aligned to it); NULL otherwise. *@index receives the
 * entry number.
 */
static inline FMT_ITEM *NS(wc_hit)(const struct vcm_pt *pt, vcm_da_t da, uint64_t len,
				   unsigned int *index)
{
	const struct vcm_pt_wcache *wc = &pt->wc;

	if (len != wc->leaf_size || (da & ~wc->span_mask) != wc->base || (da & (len - 1U)) != 0U)
		return NULL;
	*index = (unsigned int)((da & wc->span_mask) >> pt->shift[wc->level]);
	return wc->table;
}

/*
 * A miss of the cache: descend from the top through table entries to the
 * table whose entries are @len bytes and that holds @da, and remember it.
 * NULL, the cache unchanged, when the way there is not all tables (an empty
 * entry or a leaf above: the walk makes the table or reports what is there)
 * or no level has single leaves of @len. Out of line: the cache usually hits.
 */
PT_NOINLINE
static FMT_ITEM *NS(wc_miss)(struct vcm_pt *pt, vcm_da_t da, uint64_t len, unsigned int *index)
{
	FMT_ITEM *table = pt->root;
	unsigned int lvl = pt->levels - 1U;

	/* one entry's size exactly (a power of two), da aligned to it */
	if (!vcm_is_pow2(len) || (len & pt->single_sizes) == 0U || (da & (len - 1U)) != 0U)
		return NULL;
	while (NS(lvl_size)(pt, lvl) > len) {
		FMT_ITEM e;

		if (lvl == 0U)
			return NULL;
		e = NS(entry_read)(&table[NS(lvl_index)(pt, lvl, da)]);
		if (e == 0U || fmt_kind(pt, lvl, e) != FMT_TABLE)
			return NULL;
		table = NS(tbl_cpu)(pt, fmt_table_pa(pt, lvl, e));
		lvl--;
	}
	if (NS(lvl_size)(pt, lvl) != len || !pt->leaf_ok[lvl])
		return NULL;
	NS(wc_set)(pt, table, lvl, da);
	*index = NS(lvl_index)(pt, lvl, da);
	return table;
}

/* The table of single @len-byte entries holding @da: the cached one or a descent's. */
static inline FMT_ITEM *NS(wc_get)(struct vcm_pt *pt, vcm_da_t da, uint64_t len,
				   unsigned int *index)
{
	FMT_ITEM *table = NS(wc_hit)(pt, da, len, index);

	return table != NULL ? table : NS(wc_miss)(pt, da, len, index);
}

/* Unlink-and-free happens after the flush that covers [first, last]. */
static void NS(defer_free)(struct walk *w, FMT_ITEM *cpu, vcm_pa_t pa, unsigned int lvl,
			   vcm_da_t first, vcm_da_t last)
{
	struct tbl *t;

	/* the one place a linked table stops being one: the cache may hold it */
	NS(wc_drop)(w->pt);

	if (w->ndeferred == DEFERRED_MAX)
		NS(gather_flush)(w);
	NS(gather_add)(w, first, last, 0, false);
	t = &w->deferred[w->ndeferred++];
	t->cpu = cpu;
	t->pa = pa;
	t->size = vcm_pt_table_size_(w->pt, lvl, FMT_ITEM_LG2);
	t->da = first;
	t->lvl = lvl;
}

/* Clear @n entries (a plain loop the compiler turns into wide stores). */
static inline void NS(tbl_zero)(FMT_ITEM *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i] = 0;
}

/* True when every entry of @table (@n of them) is 0. */
static bool NS(tbl_all_zero)(const FMT_ITEM *table, unsigned int n)
{
	FMT_ITEM used = 0;

	for (unsigned int i = 0; i < n; i++)
		used |= table[i];
	return used == 0U;
}

/* ---- the iterator ------------------------------------------------------- */

/*
 * Start at the entry of @table (level @lvl) holding @da; the walk covers the
 * entries up to the one holding @last, which lies in the same table (da <=
 * last: callers clip the range to the table; no assert on this hot path).
 */
static inline void NS(iter_start)(const struct vcm_pt *pt, struct iter *it, FMT_ITEM *table,
				  unsigned int lvl, vcm_da_t da, vcm_da_t last)
{
	const unsigned int shift = pt->shift[lvl];

	it->table = table;
	it->level = lvl;
	it->index = NS(lvl_index)(pt, lvl, da);
	it->end = it->index + 1U + (unsigned int)((last >> shift) - (da >> shift));
	it->da = vcm_align_down(da, UINT64_C(1) << shift);
}

/* Read the entry at the position and decode its kind, once. */
static inline void NS(iter_load)(const struct vcm_pt *pt, struct iter *it)
{
	it->entry = NS(entry_read)(&it->table[it->index]);
	it->kind = it->entry == 0U ? FMT_EMPTY : fmt_kind(pt, it->level, it->entry);
}

/* Move @n entries on. */
static inline void NS(iter_next)(const struct vcm_pt *pt, struct iter *it, unsigned int n)
{
	it->index += n;
	it->da += (uint64_t)n << pt->shift[it->level];
}

/* Last address of the entry at the position. */
static inline vcm_da_t NS(iter_last)(const struct vcm_pt *pt, const struct iter *it)
{
	return it->da + NS(lvl_size)(pt, it->level) - 1U;
}

/*
 * Step into the table the loaded entry (a table entry, so level > 0) points
 * to, covering what of [@da, @last] lies under that entry.
 */
static inline void NS(iter_descend)(const struct vcm_pt *pt, const struct iter *it,
				    struct iter *child, vcm_da_t da, vcm_da_t last)
{
	vcm_da_t entry_last = NS(iter_last)(pt, it);
	FMT_ITEM *table = NS(tbl_cpu)(pt, fmt_table_pa(pt, it->level, it->entry));

	NS(iter_start)(pt, child, table, it->level - 1U, da > it->da ? da : it->da,
		       last < entry_last ? last : entry_last);
}

/*
 * Start at the entry of @table (level @lvl) holding @da, with the rest of the
 * table ahead: for a walk whose caller tracks the end of its range itself.
 */
static inline void NS(iter_at)(const struct vcm_pt *pt, struct iter *it, FMT_ITEM *table,
			       unsigned int lvl, vcm_da_t da)
{
	it->table = table;
	it->level = lvl;
	it->index = NS(lvl_index)(pt, lvl, da);
	it->end = NS(lvl_items)(pt, lvl);
	it->da = vcm_align_down(da, NS(lvl_size)(pt, lvl));
}

/*
 * The one descent from the top that lookup and the unmap planner share: @it
 * ends loaded on the entry that translates @da, the first that is not a table
 * (its end is the next entry: a position of one entry).
 */
static inline void NS(find)(const struct vcm_pt *pt, vcm_da_t da, struct iter *it)
{
	/* locals, not *it: the platform's pa_to_cpu call would force them to memory */
	FMT_ITEM *table = pt->root;
	unsigned int lvl = pt->levels - 1U, index, kind;
	FMT_ITEM e;

	for (;;) {
		index = NS(lvl_index)(pt, lvl, da);
		e = NS(entry_read)(&table[index]);
		kind = e == 0U ? FMT_EMPTY : fmt_kind(pt, lvl, e);
		if (kind != FMT_TABLE)
			break;
		table = NS(tbl_cpu)(pt, fmt_table_pa(pt, lvl, e));
		lvl--;
	}
	it->table = table;
	it->level = lvl;
	it->index = index;
	it->end = index + 1U;
	it->da = vcm_align_down(da, NS(lvl_size)(pt, lvl));
	it->entry = e;
	it->kind = kind;
}
