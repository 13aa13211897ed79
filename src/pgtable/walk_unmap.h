/* SPDX-License-Identifier: MIT */
/*
 * Part of the shared walker (walk_template.h): unmap. Before any write the
 * planner looks at the leaves holding the two ends of the range (one shared
 * descent each, NS(find)) and takes every table a split there can need; then
 * one walk clears what the range covers, splitting the leaves it cuts
 * (break-before-make) and freeing tables it leaves empty after the TLB flush.
 *
 * A split writes only sizes the table uses: cfg->page_sizes (all the format
 * has when 0) that can carry the leaf's attributes. A vcm_pt_map_sizes()
 * mask does not bind later splits: the table does not remember it. Where a
 * level has no allowed size, a split fills it with tables of the next level
 * instead (cutting a 1G block of a 4K|1G table takes 513 tables).
 */
#ifndef FMT_PREFIX
#error "walk_unmap.h is included by walk_template.h"
#endif

/* How a whole table at one level is filled with leaves of some sizes. */
enum fill {
	FILL_GROUP,  /* contiguous groups */
	FILL_SINGLE, /* single leaves */
	FILL_TABLE,  /* no size here: each entry points to a filled table */
};

static inline bool NS(single_ok)(const struct vcm_pt *pt, unsigned int lvl, uint64_t sizes)
{
	return pt->leaf_ok[lvl] && (sizes & NS(lvl_size)(pt, lvl)) != 0U;
}

static inline enum fill NS(fill_kind)(const struct vcm_pt *pt, unsigned int lvl, uint64_t sizes)
{
	const unsigned int glg2 = pt->contig_lg2[lvl];

	/* a table below the top is as aligned as its span, so a group always fits */
	if (glg2 != 0U && (sizes & (NS(lvl_size)(pt, lvl) << glg2)) != 0U)
		return FILL_GROUP;
	return NS(single_ok)(pt, lvl, sizes) ? FILL_SINGLE : FILL_TABLE;
}

/* Tables a whole table at @lvl takes when filled with @sizes, itself included. */
static uint64_t NS(fill_tables)(const struct vcm_pt *pt, unsigned int lvl, uint64_t sizes)
{
	if (lvl == 0U || NS(fill_kind)(pt, lvl, sizes) != FILL_TABLE)
		return 1;
	return 1U + NS(lvl_items)(pt, lvl) * NS(fill_tables)(pt, lvl - 1U, sizes);
}

/* ---- the split pool: tables taken before the first write ---------------- */

/*
 * Tables of every level below the top have one size, so one pool serves all.
 * The next table's pa links them through the first 64 bits (entries 0 and 1
 * of a 32-bit format: Sv32's tables may lie above 4 GiB, past one entry).
 */
#define POOL_LINK_ITEMS ((unsigned int)((8U + sizeof(FMT_ITEM) - 1U) / sizeof(FMT_ITEM)))
#define POOL_ITEM_BITS  (8U * (unsigned int)sizeof(FMT_ITEM))

static void NS(pool_put)(struct walk *w, const struct tbl *t)
{
	uint64_t link = w->npool != 0U ? w->pool.pa : 0U;

	for (unsigned int k = 0; k < POOL_LINK_ITEMS; k++)
		t->cpu[k] = (FMT_ITEM)(link >> (k * POOL_ITEM_BITS));
	NS(clean)(w->pt, t->cpu, 0, POOL_LINK_ITEMS);
	w->pool = *t;
	w->npool++;
}

static struct tbl NS(pool_take)(struct walk *w)
{
	struct tbl t = w->pool;

	VCM_ASSERT(w->npool > 0U);
	if (--w->npool != 0U) {
		uint64_t link = 0;

		for (unsigned int k = 0; k < POOL_LINK_ITEMS; k++)
			link |= (uint64_t)t.cpu[k] << (k * POOL_ITEM_BITS);
		w->pool.pa = (vcm_pa_t)link;
		w->pool.cpu = NS(tbl_cpu)(w->pt, w->pool.pa);
	}
	for (unsigned int k = 0; k < POOL_LINK_ITEMS; k++)
		t.cpu[k] = 0; /* the caller fills and cleans the whole table */
	return t;
}

static void NS(pool_drain)(struct walk *w)
{
	while (w->npool != 0U) {
		struct tbl t = NS(pool_take)(w);

		/* the link is gone: a table given back is zero for the walker too */
		NS(clean)(w->pt, t.cpu, 0, POOL_LINK_ITEMS);
		NS(tbl_free)(w->pt, &t);
	}
}

/* ---- splits ------------------------------------------------------------- */

/* The attributes of the leaf @e at @lvl and the sizes a split of it may write. */
static uint64_t NS(leaf_attr)(struct walk *w, unsigned int lvl, FMT_ITEM e,
			      struct vcm_pt_attr *attr)
{
	int ret;

	attr->sizes_ok = ~UINT64_C(0);
	ret = w->pt->fmt->prot_to_attr(w->pt, fmt_leaf_prot(w->pt, lvl, e), attr);
	VCM_ASSERT(ret == 0); /* prot decoded from an entry we wrote; the planner checked */
	(void)ret;
	return w->pt->sizes & attr->sizes_ok;
}

/* Fill the fresh table @t at @lvl so it maps [pa, pa + span) as one leaf did. */
static void NS(fill)(struct walk *w, FMT_ITEM *t, unsigned int lvl, vcm_pa_t pa,
		     const struct vcm_pt_attr *attr, uint64_t sizes)
{
	const struct vcm_pt *pt = w->pt;
	const unsigned int n = NS(lvl_items)(pt, lvl);
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	const enum fill kind = NS(fill_kind)(pt, lvl, sizes);

	for (unsigned int i = 0; i < n; i++) {
		if (kind == FILL_TABLE) {
			struct tbl child = NS(pool_take)(w);

			VCM_ASSERT(lvl > 0U);
			NS(fill)(w, child.cpu, lvl - 1U, pa + i * isz, attr, sizes);
			t[i] = fmt_table_encode(pt, lvl, child.pa);
		} else {
			t[i] = fmt_leaf_encode(pt, lvl, kind == FILL_GROUP, pa + i * isz, attr);
		}
	}
	*vcm_pt_live_(pt, t) = n; /* a fresh table, now full */
	NS(clean)(pt, t, 0, n);
}

/*
 * Mark every leaf of the filled table @t at @lvl written (a split of a block
 * the walker marked after the split read it): re-encoded with @dirty, the
 * attributes of a written leaf.
 */
static void NS(hw_mark_tree)(struct walk *w, FMT_ITEM *t, unsigned int lvl,
			     const struct vcm_pt_attr *dirty)
{
	const struct vcm_pt *pt = w->pt;
	const unsigned int n = NS(lvl_items)(pt, lvl);

	for (unsigned int i = 0; i < n; i++) {
		if (fmt_kind(pt, lvl, t[i]) == FMT_TABLE)
			NS(hw_mark_tree)(w, NS(tbl_cpu)(pt, fmt_table_pa(pt, lvl, t[i])), lvl - 1U,
					 dirty);
		else
			t[i] = fmt_leaf_encode(pt, lvl, fmt_leaf_contig(pt, lvl, t[i]),
					       fmt_leaf_pa(pt, lvl, t[i]), dirty);
	}
	NS(clean)(pt, t, 0, n);
}

/*
 * A written mark seen only when the split swapped the old entries out: make
 * the @n replacements at @e (single leaves of @lvl when @singles, else tables
 * filled below them) written too, re-encoded with @attr made dirty.
 */
static void NS(mark_late)(struct walk *w, FMT_ITEM *e, unsigned int n, unsigned int lvl,
			  vcm_pa_t pa, bool singles, struct vcm_pt_attr *attr)
{
	struct vcm_pt *pt = w->pt;
	const uint64_t isz = NS(lvl_size)(pt, lvl);

	fmt_attr_dirty(pt, attr);
	for (unsigned int i = 0; i < n; i++) {
		if (singles)
			e[i] = fmt_leaf_encode(pt, lvl, false, pa + i * isz, attr);
		else
			NS(hw_mark_tree)(w, NS(tbl_cpu)(pt, fmt_table_pa(pt, lvl, e[i])), lvl - 1U,
					 attr);
	}
}

/*
 * The split without a break (pt->hitless: the manual allows it, or ARMv8 with
 * FEAT_BBM level 2): each of the @n entries at @t is swapped for its
 * replacement @next in one store, already cleaned below it, so a walker sees
 * the old leaf or the new table, both mapping the same memory with the same
 * attributes; never an invalid entry. The TLBs may keep the old leaf until
 * the caller's flush, which is harmless for the same reason. A walker's
 * write mark seen in the swap is carried into the new leaves.
 */
static void NS(split_in_place)(struct walk *w, FMT_ITEM *t, unsigned int n, unsigned int lvl,
			       vcm_pa_t pa, const FMT_ITEM *next, bool singles, bool dirty,
			       struct vcm_pt_attr *attr)
{
	struct vcm_pt *pt = w->pt;
	bool late = false;

	for (unsigned int i = 0; i < n; i++)
		late |= fmt_hw_dirty(pt, lvl, __atomic_exchange_n(&t[i], next[i], __ATOMIC_RELAXED));
	if (late && !dirty)
		NS(mark_late)(w, t, n, lvl, pa, singles, attr);
	NS(clean)(pt, t, 0, n);
}

/*
 * Replace the cut leaf at @it by smaller leaves mapping the same memory: a
 * block by a filled table of the next level; a contiguous group by single
 * entries, or by filled tables where this level has no single size.
 * Break-before-make where the format asks for it (ARMv7, ARMv8 without
 * FEAT_BBM level 2): the old entries go, are cleaned and flushed from the
 * TLBs, and only then do the new ones appear; elsewhere split_in_place().
 * The position is left on the same entry for the caller to look at again.
 */
static void NS(split)(struct walk *w, const struct iter *it)
{
	struct vcm_pt *pt = w->pt;
	const unsigned int lvl = it->level, glg2 = pt->contig_lg2[lvl];
	const bool group = glg2 != 0U && fmt_leaf_contig(pt, lvl, it->entry);
	const unsigned int n = group ? 1U << glg2 : 1U;
	const unsigned int first = it->index & ~(n - 1U);
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	const vcm_da_t da = vcm_align_down(it->da, isz * n);
	const vcm_pa_t pa = vcm_align_down(fmt_leaf_pa(pt, lvl, it->entry), isz * n);
	FMT_ITEM *t = &it->table[first];
	FMT_ITEM next[1U << 8]; /* the largest group: 256 entries (AMD v1 NextLevel 7) */
	struct vcm_pt_attr attr;
	uint64_t sizes = NS(leaf_attr)(w, lvl, it->entry, &attr);
	bool singles = group && NS(single_ok)(pt, lvl, sizes);
	bool dirty = false, late = false;

	VCM_ASSERT(n <= sizeof(next) / sizeof(next[0]));
	/* A written block splits into written pieces (vcm_pt_read_clear_dirty()). */
	for (unsigned int i = 0; i < n; i++)
		dirty |= fmt_hw_dirty(pt, lvl, t[i]);
	if (dirty)
		fmt_attr_dirty(pt, &attr);
	for (unsigned int i = 0; i < n; i++) {
		if (singles) {
			next[i] = fmt_leaf_encode(pt, lvl, false, pa + i * isz, &attr);
		} else {
			struct tbl child = NS(pool_take)(w);

			NS(fill)(w, child.cpu, lvl - 1U, pa + i * isz, &attr, sizes);
			next[i] = fmt_table_encode(pt, lvl, child.pa);
		}
	}
	if (pt->hitless) {
		NS(split_in_place)(w, t, n, lvl, pa, next, singles, dirty, &attr);
		NS(flush_now)(w, da, da + isz * n - 1U, isz, true);
		return;
	}
	/* swapped out, so a mark the walker made since the read above is seen */
	for (unsigned int i = 0; i < n; i++)
		late |= fmt_hw_dirty(pt, lvl, __atomic_exchange_n(&t[i], 0, __ATOMIC_RELAXED));
	NS(clean)(pt, t, 0, n);
	NS(flush_now)(w, da, da + isz * n - 1U, isz, true);
	if (late && !dirty)
		NS(mark_late)(w, next, n, lvl, pa, singles, &attr);
	for (unsigned int i = 0; i < n; i++)
		t[i] = next[i];
	NS(clean)(pt, t, 0, n);
}

/*
 * Tables splitting the leaf at @it takes so that @cut (the first address
 * kept or dropped) becomes a leaf boundary, following what split() and the
 * walk after it do: each step replaces the leaf holding @cut by smaller ones.
 * @shared_above: a step splitting a leaf larger than this was counted with
 * the range's other cut already (UINT64_MAX: none), see unmap_walk().
 */
static uint64_t NS(split_tables)(const struct vcm_pt *pt, const struct iter *it, vcm_da_t cut,
				 uint64_t shared_above, uint64_t sizes)
{
	unsigned int lvl = it->level;
	bool group = pt->contig_lg2[lvl] != 0U && fmt_leaf_contig(pt, lvl, it->entry);
	uint64_t need = 0, span;

	while (!vcm_is_aligned(cut, span = NS(lvl_size)(pt, lvl) << (group ? pt->contig_lg2[lvl] : 0U))) {
		if (group && NS(single_ok)(pt, lvl, sizes)) {
			group = false; /* rewritten as single entries in place */
			continue;
		}
		VCM_ASSERT(lvl > 0U);
		if (span <= shared_above)
			need += (group ? UINT64_C(1) << pt->contig_lg2[lvl] : 1U) *
				NS(fill_tables)(pt, lvl - 1U, sizes);
		/* the leaf now holding @cut: the first level down that has leaves */
		for (lvl--; NS(fill_kind)(pt, lvl, sizes) == FILL_TABLE; lvl--)
			VCM_ASSERT(lvl > 0U);
		group = NS(fill_kind)(pt, lvl, sizes) == FILL_GROUP;
	}
	return need;
}

/*
 * Look at the leaf holding @da before an unmap changes anything. When the
 * range cuts it (at @da if @at_start, after @da otherwise), add to *@need the
 * tables the split takes, and check that leaves small enough for the cut can
 * carry its attributes. *@ext receives the leaf's extent, 0 if unmapped.
 * @shared_above: see split_tables().
 */
static int NS(plan_cut)(struct walk *w, vcm_da_t da, bool at_start, uint64_t shared_above,
			uint64_t *need, uint64_t *ext)
{
	struct vcm_pt *pt = w->pt;
	vcm_da_t cut = at_start ? da : da + 1U;
	struct vcm_pt_attr attr;
	struct iter it;
	uint64_t sizes;

	NS(find)(pt, da, &it);
	*ext = 0;
	if (it.kind == FMT_EMPTY)
		return 0;
	*ext = NS(lvl_size)(pt, it.level);
	if (pt->contig_lg2[it.level] != 0U && fmt_leaf_contig(pt, it.level, it.entry))
		*ext <<= pt->contig_lg2[it.level];
	if (vcm_is_aligned(cut, *ext))
		return 0;
	attr.sizes_ok = ~UINT64_C(0);
	if (pt->fmt->prot_to_attr(pt, fmt_leaf_prot(pt, it.level, it.entry), &attr) != 0)
		return VCM_ERR(&pt->diag, -EFAULT, "entry at da %#llx does not decode",
			       vcm_ull(da));
	sizes = pt->sizes & attr.sizes_ok;
	if (!vcm_is_aligned(cut, vcm_lowbit(sizes)))
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "the leaf at %#llx cannot be cut at %#llx: its attributes need leaves of %#llx",
			       vcm_ull(da), vcm_ull(cut), vcm_ull(vcm_lowbit(sizes)));
	*need += NS(split_tables)(pt, &it, cut, shared_above, sizes);
	return 0;
}

/* ---- the walk ----------------------------------------------------------- */

/*
 * The unmap decision at the loaded entry @it for the range [@da, @last].
 * Pure: reads, never writes.
 */
static inline enum act NS(unmap_plan)(const struct vcm_pt *pt, const struct iter *it,
				      vcm_da_t da, vcm_da_t last)
{
	uint64_t ext;
	vcm_da_t first;

	if (it->kind == FMT_EMPTY)
		return ACT_LEAVE;
	if (it->kind == FMT_TABLE)
		return ACT_DESCEND;
	ext = NS(lvl_size)(pt, it->level);
	if (pt->contig_lg2[it->level] != 0U && fmt_leaf_contig(pt, it->level, it->entry))
		ext <<= pt->contig_lg2[it->level];
	first = vcm_align_down(it->da, ext);
	/* a leaf sticking out of either end is cut, the part outside stays mapped */
	return first < da || first + ext - 1U > last ? ACT_SPLIT : ACT_LEAF;
}

/*
 * How many entries from the position on are single leaves (no contiguous
 * group) lying wholly inside the range ending at @last; the entry at the
 * position is one. The common answer, "all of them", comes from a loop
 * without exits that the compiler can vectorise; only a mixed run is looked
 * at entry by entry.
 */
static inline unsigned int NS(whole_leaf_run)(const struct vcm_pt *pt, const struct iter *it,
					      vcm_da_t last)
{
	const uint64_t isz = NS(lvl_size)(pt, it->level);
	/* pointer and size_t index, bitwise tests only: a form the vectoriser takes */
	const FMT_ITEM *run = &it->table[it->index + 1U];
	unsigned int stop = it->end;
	FMT_ITEM mask, value, diff = 0;
	size_t k, count;

	/* only the last entry covered can stick out of the range */
	if (it->da + (uint64_t)(stop - it->index) * isz - 1U > last)
		stop--;
	count = stop - it->index - 1U;
	fmt_single_leaf_mask(pt, it->level, &mask, &value);
	for (k = 0; k < count; k++)
		diff |= (run[k] & mask) ^ value;
	if (diff != 0U)
		for (k = 0; k < count && (run[k] & mask) == value; k++)
			;
	return (unsigned int)k + 1U;
}

/* Carry out ACT_LEAF: clear the group or the run of whole leaves at the position. */
static void NS(unmap_clear)(struct walk *w, struct iter *it, struct dirty *d, vcm_da_t last)
{
	const struct vcm_pt *pt = w->pt;
	const unsigned int lvl = it->level, glg2 = pt->contig_lg2[lvl];
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	unsigned int first = it->index, n;

	if (glg2 != 0U && fmt_leaf_contig(pt, lvl, it->entry)) {
		const unsigned int g = 1U << glg2;

		/* this group and the whole groups after it: one clear, one TLB range */
		first &= ~(g - 1U);
		for (n = g; first + n + g <= it->end; n += g) {
			FMT_ITEM e = it->table[first + n];

			if (e == 0U || fmt_kind(pt, lvl, e) != FMT_LEAF ||
			    !fmt_leaf_contig(pt, lvl, e) ||
			    it->da + (uint64_t)(first + n + g - it->index) * isz - 1U > last)
				break;
		}
	} else {
		n = NS(whole_leaf_run)(pt, it, last);
	}
	NS(tbl_zero)(&it->table[first], n);
	NS(dirty_add)(d, first, n);
	d->live -= (int)n;
	NS(wc_set)(w->pt, it->table, lvl, it->da); /* dropped again if the table goes */
	w->unmapped += (uint64_t)n * isz;
	it->da -= (uint64_t)(it->index - first) * isz;
	NS(gather_add)(w, it->da, it->da + (uint64_t)n * isz - 1U, isz, true);
	it->index = first;
	NS(iter_next)(pt, it, n);
}

static uint32_t NS(unmap_lvl)(struct walk *w, struct iter *it, vcm_da_t da, vcm_da_t last);

/*
 * Carry out ACT_DESCEND: unmap inside the table, then free it if nothing is
 * left (its live-entry count says so: no scan).
 */
static void NS(unmap_descend)(struct walk *w, struct iter *it, struct dirty *d, vcm_da_t da,
			      vcm_da_t last)
{
	struct vcm_pt *pt = w->pt;
	struct iter child;

	NS(iter_descend)(pt, it, &child, da, last);
	if (NS(unmap_lvl)(w, &child, da, last) == 0U) {
		it->table[it->index] = 0;
		d->live--;
		NS(clean)(pt, it->table, it->index, 1);
		NS(defer_free)(w, child.table, fmt_table_pa(pt, it->level, it->entry),
			       child.level, it->da, NS(iter_last)(pt, it));
	}
	NS(iter_next)(pt, it, 1);
}

/*
 * Unmap [@da, @last] over the entries @it covers. Returns the table's live
 * entries after, or UINT32_MAX when none were cleared (a linked table is never
 * empty, so it is not now either).
 */
static uint32_t NS(unmap_lvl)(struct walk *w, struct iter *it, vcm_da_t da, vcm_da_t last)
{
	const struct vcm_pt *pt = w->pt;
	struct dirty d = DIRTY_NONE;

	while (it->index < it->end) {
		NS(iter_load)(pt, it);
		switch (NS(unmap_plan)(pt, it, da, last)) {
		case ACT_LEAVE:
			NS(iter_next)(pt, it, 1);
			break;
		case ACT_LEAF:
			NS(unmap_clear)(w, it, &d, last);
			break;
		case ACT_SPLIT:
			NS(dirty_clean)(pt, it->table, &d);
			NS(split)(w, it); /* the same entry is looked at again */
			break;
		default:
			NS(dirty_clean)(pt, it->table, &d);
			NS(unmap_descend)(w, it, &d, da, last);
			break;
		}
	}
	NS(dirty_clean)(pt, it->table, &d);
	return d.live != 0 ? NS(live_add)(w->pt, it->table, d.live) : UINT32_MAX;
}

/* The unmap walk over [@da, @last] from the top (also the map's rollback). */
static void NS(unmap_run)(struct walk *w, vcm_da_t da, vcm_da_t last)
{
	struct iter it;

	NS(iter_start)(w->pt, &it, w->pt->root, w->pt->levels - 1U, da, last);
	(void)NS(unmap_lvl)(w, &it, da, last);
}

/* The planned unmap: look at the cuts, take the split tables, walk from the top. */
PT_NOINLINE
static int NS(unmap_walk)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last,
			  uint64_t *unmapped)
{
	struct walk w;
	uint64_t need = 0, ext;
	int ret;

	NS(walk_init)(&w, pt);
	ret = NS(plan_cut)(&w, da, true, UINT64_MAX, &need, &ext);
	/*
	 * A range that is exactly one leaf needs no look at its end. Otherwise
	 * the end's splits are counted, but not those the start's split already
	 * took: while both cuts lie in one leaf, the two chains of splits step
	 * alike, and a leaf of span S (a power of two) holds both, its split
	 * counted once, when S is above da ^ (last + 1) and da is not on its
	 * boundary: S above twice da's lowest set bit, less one. ((da - 1) & ~da)
	 * is that bit less one, all ones for da 0, which is on every boundary.
	 */
	if (ret == 0 && !(ext != 0U && vcm_is_aligned(da, ext) && last - da + 1U == ext))
		ret = NS(plan_cut)(&w, last, false,
				   (da ^ (last + 1U)) | (((da - 1U) & ~da) << 1) | 1U, &need, &ext);
	/* Everything a split can need is taken before the first change. */
	while (ret == 0 && w.npool < need) {
		struct tbl t;

		ret = NS(tbl_new)(&w, pt->levels - 2U, da, &t);
		if (ret == 0)
			NS(pool_put)(&w, &t);
	}
	if (ret == 0) {
		struct iter it;

		NS(iter_start)(pt, &it, pt->root, pt->levels - 1U, da, last);
		(void)NS(unmap_lvl)(&w, &it, da, last);
		NS(gather_flush)(&w);
		if (w.unmapped == 0U)
			ret = VCM_ERR(&pt->diag, -ENOENT, "nothing mapped in [%#llx, %#llx]",
				      vcm_ull(da), vcm_ull(last));
	}
	NS(refused_frees)(&w, ret != 0);
	NS(pool_drain)(&w);
	NS(refused_frees)(&w, false);
	if (unmapped != NULL)
		*unmapped = w.unmapped;
	return ret;
}

/*
 * The fast path of an unmap of exactly one single leaf of the cached table
 * (struct vcm_pt_wcache) that is not the table's last live entry: the range
 * cuts no leaf, so the planner would find nothing to split, and the table
 * stays, so nothing is freed. The same writes and the same one TLB flush as
 * the walk. Anything else (a group member, a table, an empty entry, the last
 * entry, whose table the walk frees) is left to the walk.
 */
static inline bool NS(unmap_one)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last,
				 uint64_t *unmapped)
{
	const uint64_t len = last - da + 1U;
	unsigned int index, lvl;
	FMT_ITEM *table = NS(wc_get)(pt, da, len, &index);
	FMT_ITEM mask, value;
	uint32_t *live;

	if (table == NULL)
		return false;
	lvl = pt->wc.level;
	fmt_single_leaf_mask(pt, lvl, &mask, &value);
	live = NS(wc_live)(pt);
	if ((table[index] & mask) != value || *live <= 1U)
		return false;
	(*live)--;
	table[index] = 0;
	NS(clean)(pt, table, index, 1);
	NS(tlb_flush)(pt, da, last, len, true);
	if (unmapped != NULL)
		*unmapped = len;
	return true;
}

static int NS(unmap)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last,
		     uint64_t *unmapped)
{
	if (NS(unmap_one)(pt, da, last, unmapped))
		return 0;
	return NS(unmap_walk)(pt, da, last, unmapped);
}
