/* SPDX-License-Identifier: MIT */
/*
 * The shared range walker, compiled once per format: a format file defines the
 * hooks of fmt.h and includes this file last. It gives map, unmap (with block
 * and contiguous-group splitting), lookup, walk and free, and defines the
 * format's const struct vcm_pt_fmt. Algorithm and ordering rules: docs/pgtable.md.
 *
 * Every operation walks the table once, top-down, keeping its place between
 * leaves: a level's loop runs over the entries its part of the range covers and
 * descends only where a smaller leaf is needed.
 */
#ifndef FMT_OPS
#error "define the format hooks (fmt.h) before including walk_template.h"
#endif

/* At most this many unlinked tables wait for the TLB flush before being freed. */
#define DEFERRED_MAX 32U
/* Tables a split may need: a chain for each end of an unmapped range. */
#define POOL_MAX (2U * VCM_PT_MAX_LEVELS)

struct tbl {
	FMT_ITEM *cpu;
	vcm_pa_t pa;
	uint64_t size;
};

/* One operation's state: the cursor, the gathered TLB range and deferred frees. */
struct walk {
	struct vcm_pt *pt;
	const struct vcm_pt_attr *attr;
	uint64_t sizes;
	vcm_da_t va;   /* map: next address to map */
	vcm_pa_t pa;   /* map: its output address */
	vcm_da_t last; /* inclusive end of the range */
	uint64_t unmapped;

	bool gathered, gather_leaf;
	vcm_da_t gather_first, gather_last;
	unsigned int ndeferred, npool;
	struct tbl deferred[DEFERRED_MAX];
	struct tbl pool[POOL_MAX];
};

static void walk_init(struct walk *w, struct vcm_pt *pt)
{
	w->pt = pt;
	w->attr = NULL;
	w->sizes = pt->sizes;
	w->unmapped = 0;
	w->gathered = false;
	w->gather_leaf = true;
	w->ndeferred = 0;
	w->npool = 0;
}

static inline FMT_ITEM *tbl_cpu(struct vcm_pt *pt, vcm_pa_t pa)
{
	/*
	 * The walker never keeps CPU pointers in entries: it maps the entry's
	 * physical address back through the platform's view of table memory.
	 */
	return (FMT_ITEM *)pt->plat.pa_to_cpu(pt->plat.ctx, pa);
}

static int tbl_new(struct vcm_pt *pt, unsigned int lvl, struct tbl *t)
{
	void *cpu;
	uint64_t size = vcm_pt_table_size_(pt, lvl, FMT_ITEM_LG2);
	int ret = pt->plat.table_alloc(pt->plat.ctx, size, size, &t->pa, &cpu);

	if (ret != 0)
		return -ENOMEM;
	t->cpu = cpu;
	t->size = size;
	pt->table_bytes += size;
	return 0;
}

static void tbl_free(struct vcm_pt *pt, const struct tbl *t)
{
	pt->table_bytes -= t->size;
	pt->plat.table_free(pt->plat.ctx, t->pa, t->cpu, t->size);
}

static inline void clean(struct vcm_pt *pt, FMT_ITEM *table, unsigned int first, unsigned int last)
{
	if (pt->plat.cache_clean != NULL && first <= last &&
	    (pt->cfg.flags & VCM_PT_CFG_COHERENT) == 0U)
		pt->plat.cache_clean(pt->plat.ctx, &table[first],
				     (size_t)(last - first + 1U) << FMT_ITEM_LG2);
}

/*
 * Clean the pending run of changed entries [*first, *last] and start a new one.
 * Called before anything that may flush the TLB, so that the walker already
 * sees every change the flush is meant to cover.
 */
static inline void clean_run(struct vcm_pt *pt, FMT_ITEM *table, unsigned int *first,
			     unsigned int *last)
{
	if (*first <= *last)
		clean(pt, table, *first, *last);
	*first = ~0U;
	*last = 0;
}

static void flush_now(struct walk *w, vcm_da_t first, vcm_da_t last, bool leaf)
{
	struct vcm_pt *pt = w->pt;

	if (pt->cfg.tlb != NULL && pt->cfg.tlb->flush_range != NULL)
		pt->cfg.tlb->flush_range(pt->cfg.tlb_ctx, first, last - first + 1U, leaf);
}

static void gather_flush(struct walk *w)
{
	if (w->gathered)
		flush_now(w, w->gather_first, w->gather_last, w->gather_leaf);
	w->gathered = false;
	w->gather_leaf = true;
	/* Only now can no walker still be reading the unlinked tables. */
	for (unsigned int i = 0; i < w->ndeferred; i++)
		tbl_free(w->pt, &w->deferred[i]);
	w->ndeferred = 0;
}

static void gather_add(struct walk *w, vcm_da_t first, vcm_da_t last, bool leaf)
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
}

/* Unlink-and-free happens after the flush that covers [first, last]. */
static void defer_free(struct walk *w, FMT_ITEM *cpu, vcm_pa_t pa, unsigned int lvl,
		       vcm_da_t first, vcm_da_t last)
{
	struct tbl *t;

	if (w->ndeferred == DEFERRED_MAX)
		gather_flush(w);
	gather_add(w, first, last, false);
	t = &w->deferred[w->ndeferred++];
	t->cpu = cpu;
	t->pa = pa;
	t->size = vcm_pt_table_size_(w->pt, lvl, FMT_ITEM_LG2);
}

/* Clear @n entries (a plain loop the compiler turns into wide stores). */
static inline void tbl_zero(FMT_ITEM *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		t[i] = 0;
}

/* True when every entry is 0. */
static bool tbl_all_zero(const FMT_ITEM *table, unsigned int nitems)
{
	FMT_ITEM used = 0;

	for (unsigned int i = 0; i < nitems; i++)
		used |= table[i];
	return used == 0U;
}

/*
 * True when every entry is 0, given that the range just unmapped covered the
 * entries [@lo, @hi]: all of those but the two ends (which the range may only
 * partly cover) are 0 already. Looks outward from the ends, so the cost is the
 * distance to the nearest live entry: one or two loads in a table in use.
 */
static bool tbl_empty_around(const FMT_ITEM *table, unsigned int nitems, unsigned int lo,
			     unsigned int hi)
{
	unsigned int up = hi, down = lo + 1U;

	while (up < nitems || down > 0U) {
		if (up < nitems && table[up++] != 0U)
			return false;
		if (down > 0U && table[--down] != 0U)
			return false;
	}
	return true;
}

static inline uint64_t lvl_size(const struct vcm_pt *pt, unsigned int lvl)
{
	return UINT64_C(1) << pt->shift[lvl];
}

static inline unsigned int lvl_index(const struct vcm_pt *pt, unsigned int lvl, vcm_da_t va)
{
	return (unsigned int)((va >> pt->shift[lvl]) & vcm_low_mask(pt->items_lg2[lvl]));
}

/* ---- map ---------------------------------------------------------------- */

/*
 * Write @n single leaves from @pa up, stopping before the first entry in use;
 * returns how many were written. The emptiness test and the stores are two
 * plain loops over a local copy of the attributes, so the compiler can
 * vectorise both: this loop is the whole cost of a large map.
 */
static inline unsigned int run_write(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM *t,
				     unsigned int n, vcm_pa_t pa, uint64_t isz,
				     const struct vcm_pt_attr *attr)
{
	const struct vcm_pt_attr a = *attr;
	FMT_ITEM used = 0;
	size_t i, count = n;

	for (i = 0; i < count; i++)
		used |= t[i];
	if (used != 0U)
		for (count = 0; t[count] == 0U; count++)
			;
	for (i = 0; i < count; i++)
		t[i] = fmt_leaf_encode(pt, lvl, false, pa + i * isz, &a);
	return (unsigned int)count;
}

static int map_lvl(struct walk *w, FMT_ITEM *table, unsigned int lvl)
{
	struct vcm_pt *pt = w->pt;
	const unsigned int shift = pt->shift[lvl];
	const uint64_t isz = UINT64_C(1) << shift;
	const unsigned int nitems = 1U << pt->items_lg2[lvl];
	const unsigned int glg2 = pt->contig_lg2[lvl];
	const uint64_t gsz = isz << glg2;
	const bool group_ok = glg2 != 0U && (w->sizes & gsz) != 0U;
	const bool single_ok = pt->leaf_ok[lvl] && (w->sizes & isz) != 0U;
	unsigned int idx = lvl_index(pt, lvl, w->va);
	unsigned int dirty_first = ~0U, dirty_last = 0;
	int ret = 0;

	while (idx < nitems && w->va <= w->last) {
		const uint64_t left = w->last - w->va + 1U;
		const uint64_t align = w->va | w->pa;

		if (group_ok && vcm_is_aligned(align, gsz) && left >= gsz) {
			const unsigned int n = 1U << glg2;

			for (unsigned int i = 0; i < n; i++)
				if (table[idx + i] != 0U) {
					ret = -EEXIST;
					goto out;
				}
			for (unsigned int i = 0; i < n; i++)
				table[idx + i] = fmt_leaf_encode(pt, lvl, true, w->pa + i * isz, w->attr);
			if (idx < dirty_first)
				dirty_first = idx;
			dirty_last = idx + n - 1U;
			idx += n;
			w->va += gsz;
			w->pa += gsz;
			continue;
		}
		if (single_ok && vcm_is_aligned(align, isz) && left >= isz) {
			/*
			 * A run of single leaves: up to the end of the table, the range,
			 * or the next address where a contiguous group could start.
			 */
			unsigned int n = nitems - idx;
			unsigned int i;

			if (left >> shift < n)
				n = (unsigned int)(left >> shift);
			if (group_ok && vcm_is_aligned(w->va ^ w->pa, gsz)) {
				uint64_t to_group = (gsz - (w->va & (gsz - 1U))) >> shift;

				if (to_group < n)
					n = (unsigned int)to_group;
			}
			i = run_write(pt, lvl, &table[idx], n, w->pa, isz, w->attr);
			w->pa += (uint64_t)i << shift;
			if (i != 0U) {
				if (idx < dirty_first)
					dirty_first = idx;
				dirty_last = idx + i - 1U;
			}
			w->va += (uint64_t)i << shift;
			idx += i;
			if (i != n) {
				ret = -EEXIST;
				goto out;
			}
			continue;
		}

		/* Needs smaller leaves: descend, making the next table if there is none. */
		{
			FMT_ITEM e = table[idx];
			struct tbl child;
			bool created = false;
			vcm_da_t first = vcm_align_down(w->va, isz);

			VCM_ASSERT(lvl > 0U);
			if (e == 0U) {
				ret = tbl_new(pt, lvl - 1U, &child);
				if (ret != 0)
					goto out;
				table[idx] = fmt_table_encode(pt, lvl, child.pa);
				if (idx < dirty_first)
					dirty_first = idx;
				dirty_last = idx;
				created = true;
			} else if (fmt_kind(pt, lvl, e) != FMT_TABLE) {
				ret = -EEXIST;
				goto out;
			} else {
				child.cpu = tbl_cpu(pt, fmt_table_pa(pt, lvl, e));
			}
			ret = map_lvl(w, child.cpu, lvl - 1U);
			if (ret != 0) {
				if (created && tbl_all_zero(child.cpu, 1U << pt->items_lg2[lvl - 1U])) {
					table[idx] = 0;
					clean_run(pt, table, &dirty_first, &dirty_last);
					clean(pt, table, idx, idx);
					defer_free(w, child.cpu, child.pa, lvl - 1U, first,
						   first + isz - 1U);
				}
				goto out;
			}
			idx++;
		}
	}
out:
	clean_run(pt, table, &dirty_first, &dirty_last);
	return ret;
}

/* ---- unmap -------------------------------------------------------------- */

/* Rewrite a contiguous group at @gidx as single entries (break-before-make). */
static void split_group(struct walk *w, FMT_ITEM *table, unsigned int lvl, unsigned int gidx,
			vcm_da_t gfirst)
{
	struct vcm_pt *pt = w->pt;
	const unsigned int n = 1U << pt->contig_lg2[lvl];
	const uint64_t isz = lvl_size(pt, lvl);
	const uint64_t gsz = isz << pt->contig_lg2[lvl];
	FMT_ITEM e = table[gidx];
	vcm_pa_t pa = vcm_align_down(fmt_leaf_pa(pt, lvl, e), gsz);
	struct vcm_pt_attr attr;
	int ret = pt->fmt->prot_to_attr(pt, fmt_leaf_prot(pt, lvl, e), &attr);

	VCM_ASSERT(ret == 0); /* prot decoded from an entry we wrote */
	(void)ret;
	/* The group must be invalid and flushed before entries without the hint appear. */
	for (unsigned int i = 0; i < n; i++)
		table[gidx + i] = 0;
	clean(pt, table, gidx, gidx + n - 1U);
	flush_now(w, gfirst, gfirst + gsz - 1U, true);
	for (unsigned int i = 0; i < n; i++)
		table[gidx + i] = fmt_leaf_encode(pt, lvl, false, pa + i * isz, &attr);
	clean(pt, table, gidx, gidx + n - 1U);
}

/* Replace the block at @idx by a table of the next level mapping the same memory. */
static void split_block(struct walk *w, FMT_ITEM *table, unsigned int lvl, unsigned int idx,
			vcm_da_t first)
{
	struct vcm_pt *pt = w->pt;
	const unsigned int clvl = lvl - 1U;
	const unsigned int cn = 1U << pt->items_lg2[clvl];
	const uint64_t csz = lvl_size(pt, clvl);
	const bool group = pt->contig_lg2[clvl] != 0U &&
			   (pt->sizes & (csz << pt->contig_lg2[clvl])) != 0U;
	FMT_ITEM e = table[idx];
	vcm_pa_t pa = vcm_align_down(fmt_leaf_pa(pt, lvl, e), lvl_size(pt, lvl));
	struct vcm_pt_attr attr;
	struct tbl child;
	int ret = pt->fmt->prot_to_attr(pt, fmt_leaf_prot(pt, lvl, e), &attr);

	VCM_ASSERT(ret == 0 && w->npool > 0U && pt->leaf_ok[clvl]);
	(void)ret;
	child = w->pool[--w->npool];
	for (unsigned int i = 0; i < cn; i++)
		child.cpu[i] = fmt_leaf_encode(pt, clvl, group, pa + i * csz, &attr);
	clean(pt, child.cpu, 0, cn - 1U);
	/* Break-before-make: the block goes, its TLB entries go, then the table. */
	table[idx] = 0;
	clean(pt, table, idx, idx);
	flush_now(w, first, first + lvl_size(pt, lvl) - 1U, true);
	table[idx] = fmt_table_encode(pt, lvl, child.pa);
	clean(pt, table, idx, idx);
}

/*
 * How many entries from @idx on are single leaves (no contiguous group) lying
 * wholly inside the range ending at @last; the entry at @idx is one. The
 * common answer, "all of them", comes from a loop without exits that the
 * compiler can vectorise; only a mixed run is looked at entry by entry.
 */
static inline unsigned int whole_leaf_run(const struct vcm_pt *pt, const FMT_ITEM *table,
					  unsigned int lvl, unsigned int idx,
					  unsigned int idx_last, vcm_da_t last)
{
	const uint64_t isz = lvl_size(pt, lvl);
	/* pointer and size_t index, bitwise tests only: a form the vectoriser takes */
	const FMT_ITEM *run = &table[idx + 1U];
	unsigned int end = idx_last;
	FMT_ITEM mask, value, diff = 0;
	size_t k, count;

	/* only the entry holding @last can stick out of the range */
	if (vcm_align_down(last, isz) + isz - 1U != last)
		end--;
	count = end - idx;
	fmt_single_leaf_mask(pt, lvl, &mask, &value);
	for (k = 0; k < count; k++)
		diff |= (run[k] & mask) ^ value;
	if (diff != 0U)
		for (k = 0; k < count && (run[k] & mask) == value; k++)
			;
	return (unsigned int)k + 1U;
}

static void unmap_lvl(struct walk *w, FMT_ITEM *table, unsigned int lvl, vcm_da_t va,
		      vcm_da_t last)
{
	struct vcm_pt *pt = w->pt;
	const uint64_t isz = lvl_size(pt, lvl);
	const unsigned int glg2 = pt->contig_lg2[lvl];
	const uint64_t gsz = isz << glg2;
	unsigned int idx = lvl_index(pt, lvl, va);
	const unsigned int idx_last = lvl_index(pt, lvl, last);
	unsigned int dirty_first = ~0U, dirty_last = 0;
	vcm_da_t first = vcm_align_down(va, isz);

	for (; idx <= idx_last; idx++, first += isz) {
		FMT_ITEM e = table[idx];
		vcm_da_t item_last = first + isz - 1U;

		if (e == 0U)
			continue;
		if (fmt_kind(pt, lvl, e) == FMT_LEAF) {
			if (glg2 != 0U && fmt_leaf_contig(pt, lvl, e)) {
				vcm_da_t gfirst = vcm_align_down(first, gsz);
				unsigned int gidx = idx & ~((1U << glg2) - 1U);
				unsigned int n = 1U << glg2;

				if (gfirst < va || gfirst + gsz - 1U > last) {
					clean_run(pt, table, &dirty_first, &dirty_last);
					split_group(w, table, lvl, gidx, gfirst);
					idx--; /* look at this entry again, now single */
					first -= isz;
					continue;
				}
				tbl_zero(&table[gidx], n);
				if (gidx < dirty_first)
					dirty_first = gidx;
				dirty_last = gidx + n - 1U;
				w->unmapped += gsz;
				gather_add(w, gfirst, gfirst + gsz - 1U, true);
				first = gfirst + gsz - isz;
				idx = gidx + n - 1U;
				continue;
			}
			if (first < va || item_last > last) {
				clean_run(pt, table, &dirty_first, &dirty_last);
				split_block(w, table, lvl, idx, first);
				e = table[idx];
			} else {
				unsigned int n = whole_leaf_run(pt, table, lvl, idx, idx_last, last);

				tbl_zero(&table[idx], n);
				if (idx < dirty_first)
					dirty_first = idx;
				dirty_last = idx + n - 1U;
				w->unmapped += (uint64_t)n * isz;
				gather_add(w, first, first + (uint64_t)n * isz - 1U, true);
				idx += n - 1U;
				first += (uint64_t)(n - 1U) * isz;
				continue;
			}
		}
		/* A table: unmap inside it, then free it if nothing is left. */
		{
			const unsigned int clvl = lvl - 1U;
			vcm_pa_t child_pa = fmt_table_pa(pt, lvl, e);
			FMT_ITEM *child = tbl_cpu(pt, child_pa);
			vcm_da_t cfirst = first < va ? va : first;
			vcm_da_t clast = item_last > last ? last : item_last;

			clean_run(pt, table, &dirty_first, &dirty_last);
			unmap_lvl(w, child, clvl, cfirst, clast);
			if (tbl_empty_around(child, 1U << pt->items_lg2[clvl], lvl_index(pt, clvl, cfirst),
					     lvl_index(pt, clvl, clast))) {
				table[idx] = 0;
				clean(pt, table, idx, idx);
				defer_free(w, child, child_pa, clvl, first, item_last);
			}
		}
	}
	clean_run(pt, table, &dirty_first, &dirty_last);
}

/*
 * Look at the leaf that holds @va before an unmap changes anything. When the
 * range cuts it (at @va if @at_start, after @va otherwise), add to *@need the
 * tables the split may take (one per level below a block; a contiguous group
 * splits in place) and check that its attributes can be carried by leaves
 * small enough for the cut. *@ext receives the leaf's extent, 0 if unmapped.
 */
static int plan_cut(struct vcm_pt *pt, vcm_da_t va, bool at_start, unsigned int *need,
		    uint64_t *ext)
{
	FMT_ITEM *table = pt->root;
	vcm_da_t cut = at_start ? va : va + 1U;

	*ext = 0;
	for (unsigned int lvl = pt->levels - 1U;; lvl--) {
		FMT_ITEM e = table[lvl_index(pt, lvl, va)];
		unsigned int kind = e == 0U ? FMT_EMPTY : fmt_kind(pt, lvl, e);
		struct vcm_pt_attr attr;
		uint64_t sizes;

		if (kind == FMT_EMPTY)
			return 0;
		if (kind == FMT_TABLE) {
			table = tbl_cpu(pt, fmt_table_pa(pt, lvl, e));
			continue;
		}
		*ext = lvl_size(pt, lvl);
		if (pt->contig_lg2[lvl] != 0U && fmt_leaf_contig(pt, lvl, e))
			*ext <<= pt->contig_lg2[lvl];
		if (vcm_is_aligned(cut, *ext))
			return 0;
		attr.sizes_ok = ~UINT64_C(0);
		if (pt->fmt->prot_to_attr(pt, fmt_leaf_prot(pt, lvl, e), &attr) != 0)
			return VCM_FAIL(&pt->diag, "vcm_pt_unmap", -EFAULT,
					    "entry at %#llx does not decode", vcm_ull(va));
		sizes = pt->sizes & attr.sizes_ok;
		if (!vcm_is_aligned(cut, vcm_lowbit(sizes)))
			return VCM_FAIL(&pt->diag, "vcm_pt_unmap", -EOPNOTSUPP,
					    "the leaf at %#llx cannot be cut at %#llx: its attributes need leaves of %#llx",
					vcm_ull(va), vcm_ull(cut),
					vcm_ull(vcm_lowbit(sizes)));
		*need += lvl;
		return 0;
	}
}

static void unmap_run(struct walk *w, vcm_da_t va, vcm_da_t last)
{
	unmap_lvl(w, w->pt->root, w->pt->levels - 1U, va, last);
}

static int fmt_unmap_(struct vcm_pt *pt, vcm_da_t va, vcm_da_t last, uint64_t *unmapped)
{
	struct walk w;
	unsigned int need = 0;
	uint64_t ext;
	int ret;

	walk_init(&w, pt);
	ret = plan_cut(pt, va, true, &need, &ext);
	/* A range that is exactly one leaf needs no look at its end. */
	if (ret == 0 && !(ext != 0U && vcm_is_aligned(va, ext) && last - va + 1U == ext))
		ret = plan_cut(pt, last, false, &need, &ext);
	if (ret != 0)
		return ret;
	/* Everything a split can need is taken before the first change. */
	for (; w.npool < need; w.npool++) {
		ret = tbl_new(pt, pt->levels - 2U, &w.pool[w.npool]);
		if (ret != 0) {
			ret = VCM_FAIL(&pt->diag, "vcm_pt_unmap", -ENOMEM,
					   "no table memory to split a block at %#llx",
					   vcm_ull(va));
			break;
		}
	}
	if (ret == 0) {
		unmap_run(&w, va, last);
		gather_flush(&w);
		if (w.unmapped == 0U)
			ret = VCM_FAIL(&pt->diag, "vcm_pt_unmap", -ENOENT,
					   "nothing mapped in [%#llx, %#llx]",
					   vcm_ull(va), vcm_ull(last));
	}
	while (w.npool > 0U)
		tbl_free(pt, &w.pool[--w.npool]);
	if (unmapped != NULL)
		*unmapped = w.unmapped;
	return ret;
}

static int fmt_map_(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		    const struct vcm_pt_attr *attr, uint64_t sizes)
{
	struct walk w;
	int ret;

	walk_init(&w, pt);
	w.attr = attr;
	w.sizes = sizes;
	w.va = da;
	w.pa = pa;
	w.last = da + len - 1U;
	ret = map_lvl(&w, pt->root, pt->levels - 1U);
	if (ret != 0) {
		/* Leave the table as it was: unmap exactly what was written. */
		if (w.va != da)
			unmap_run(&w, da, w.va - 1U);
		gather_flush(&w);
		if (ret == -EEXIST)
			return VCM_FAIL(&pt->diag, "vcm_pt_map", ret, "da %#llx is already mapped",
					    vcm_ull(w.va));
		return VCM_FAIL(&pt->diag, "vcm_pt_map", ret, "no table memory at da %#llx",
				    vcm_ull(w.va));
	}
	gather_flush(&w);
	return 0;
}

/* ---- lookup, walk, free ------------------------------------------------- */

static void leaf_fill(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM e, vcm_da_t va,
		      struct vcm_pt_leaf *out)
{
	unsigned int lg2 = pt->shift[lvl];

	out->contig = pt->contig_lg2[lvl] != 0U && fmt_leaf_contig(pt, lvl, e);
	if (out->contig)
		lg2 += pt->contig_lg2[lvl];
	out->size_lg2 = lg2;
	out->level = lvl;
	out->da = vcm_align_down(va, UINT64_C(1) << lg2);
	out->pa = vcm_align_down(fmt_leaf_pa(pt, lvl, e), UINT64_C(1) << lg2);
	out->prot = fmt_leaf_prot(pt, lvl, e);
}

static int fmt_lookup_(struct vcm_pt *pt, vcm_da_t va, struct vcm_pt_leaf *out)
{
	FMT_ITEM *table = pt->root;

	for (unsigned int lvl = pt->levels - 1U;; lvl--) {
		FMT_ITEM e = table[lvl_index(pt, lvl, va)];
		unsigned int kind = e == 0U ? FMT_EMPTY : fmt_kind(pt, lvl, e);

		if (kind == FMT_EMPTY)
			return -ENOENT;
		if (kind == FMT_LEAF) {
			leaf_fill(pt, lvl, e, va, out);
			return 0;
		}
		table = tbl_cpu(pt, fmt_table_pa(pt, lvl, e));
	}
}

static int walk_lvl(struct vcm_pt *pt, FMT_ITEM *table, unsigned int lvl, vcm_da_t va,
		    vcm_da_t last, int (*fn)(void *arg, const struct vcm_pt_leaf *leaf), void *arg)
{
	const uint64_t isz = lvl_size(pt, lvl);
	unsigned int idx = lvl_index(pt, lvl, va);
	const unsigned int idx_last = lvl_index(pt, lvl, last);
	vcm_da_t first = vcm_align_down(va, isz);

	for (; idx <= idx_last; idx++, first += isz) {
		FMT_ITEM e = table[idx];
		int ret;

		if (e == 0U)
			continue;
		if (fmt_kind(pt, lvl, e) == FMT_LEAF) {
			struct vcm_pt_leaf leaf;

			leaf_fill(pt, lvl, e, first, &leaf);
			ret = fn(arg, &leaf);
			if (ret != 0)
				return ret;
			if (leaf.contig) {
				/* skip the rest of the group */
				unsigned int gend = (idx | ((1U << pt->contig_lg2[lvl]) - 1U));

				first += (uint64_t)(gend - idx) * isz;
				idx = gend;
			}
			continue;
		}
		ret = walk_lvl(pt, tbl_cpu(pt, fmt_table_pa(pt, lvl, e)), lvl - 1U,
			       first < va ? va : first, first + isz - 1U > last ? last : first + isz - 1U,
			       fn, arg);
		if (ret != 0)
			return ret;
	}
	return 0;
}

static int fmt_walk_(struct vcm_pt *pt, vcm_da_t va, vcm_da_t last,
		     int (*fn)(void *arg, const struct vcm_pt_leaf *leaf), void *arg)
{
	return walk_lvl(pt, pt->root, pt->levels - 1U, va, last, fn, arg);
}

static void free_lvl(struct vcm_pt *pt, FMT_ITEM *table, unsigned int lvl)
{
	const unsigned int n = 1U << pt->items_lg2[lvl];

	for (unsigned int i = 0; i < n; i++) {
		FMT_ITEM e = table[i];
		struct tbl t;

		if (e == 0U || fmt_kind(pt, lvl, e) != FMT_TABLE)
			continue;
		t.pa = fmt_table_pa(pt, lvl, e);
		t.cpu = tbl_cpu(pt, t.pa);
		t.size = vcm_pt_table_size_(pt, lvl - 1U, FMT_ITEM_LG2);
		free_lvl(pt, t.cpu, lvl - 1U);
		tbl_free(pt, &t);
	}
}

static void fmt_free_all_(struct vcm_pt *pt)
{
	free_lvl(pt, pt->root, pt->levels - 1U);
}

const struct vcm_pt_fmt FMT_OPS = {
	.name = FMT_NAME,
	.init = fmt_init,
	.prot_to_attr = fmt_prot_to_attr,
	.hw = fmt_hw,
	.map = fmt_map_,
	.unmap = fmt_unmap_,
	.lookup = fmt_lookup_,
	.walk = fmt_walk_,
	.free_all = fmt_free_all_,
};
