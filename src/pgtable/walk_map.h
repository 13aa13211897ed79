/* SPDX-License-Identifier: MIT */
/*
 * Part of the shared walker (walk_template.h): map. One descent from the top;
 * at each entry a pure function, map_plan(), says what to do (the shape of
 * TF-A's xlat_tables_map_region_action()) and map_lvl() carries it out:
 * write a contiguous group or a run of single leaves, make the next table, or
 * descend into the one there. A failure leaves the rollback to the caller
 * (walk_template.h), which unmaps exactly what was written.
 */
#ifndef FMT_PREFIX
#error "walk_map.h is included by walk_template.h"
#endif

/* What to do at one entry; the map and unmap planners share the words. */
enum act {
	ACT_LEAVE,     /* nothing to do at this entry */
	ACT_BUSY,      /* map: a leaf is in the way (-EEXIST) */
	ACT_LEAF,      /* write (map) or clear (unmap) leaves */
	ACT_NEW_TABLE, /* map: smaller leaves are needed under an empty entry */
	ACT_DESCEND,   /* work inside the table the entry points to */
	ACT_SPLIT,     /* unmap: the range cuts this leaf */
};

struct map_plan {
	enum act act;
	unsigned int n; /* ACT_LEAF: entries to write */
	bool contig;    /* ACT_LEAF: whole contiguous groups */
};

/*
 * The map decision at the loaded entry @it, for what is left of the piece
 * being mapped (w->da to w->seg_last at w->pa). Pure: reads, never writes.
 */
static inline struct map_plan NS(map_plan)(const struct vcm_pt *pt, const struct walk *w,
					   const struct iter *it)
{
	const unsigned int lvl = it->level, shift = pt->shift[lvl], glg2 = pt->contig_lg2[lvl];
	const uint64_t isz = UINT64_C(1) << shift, gsz = isz << glg2;
	const uint64_t left = w->seg_last - w->da + 1U, align = w->da | w->pa;
	const bool group_ok = glg2 != 0U && (w->sizes & gsz) != 0U;

	/*
	 * The largest leaf first: contiguous groups where da, pa and the length
	 * allow one, as many in a row as the table and the range hold.
	 */
	if (group_ok && vcm_is_aligned(align, gsz) && left >= gsz) {
		uint64_t groups = left >> (shift + glg2);
		unsigned int room = (it->end - it->index) >> glg2;
		unsigned int n = (groups < room ? (unsigned int)groups : room) << glg2;

		return (struct map_plan){ ACT_LEAF, n, true };
	}
	if (pt->leaf_ok[lvl] && (w->sizes & isz) != 0U && vcm_is_aligned(align, isz) &&
	    left >= isz) {
		/*
		 * A run of single leaves: up to the end of the table, the range,
		 * or the next address where a group could start.
		 */
		unsigned int n = it->end - it->index;

		if (left >> shift < n)
			n = (unsigned int)(left >> shift);
		if (group_ok && vcm_is_aligned(w->da ^ w->pa, gsz)) {
			uint64_t to_group = (gsz - (w->da & (gsz - 1U))) >> shift;

			if (to_group < n)
				n = (unsigned int)to_group;
		}
		return (struct map_plan){ ACT_LEAF, n, false };
	}
	/* Smaller leaves are needed here: go down, through a new table if there is none. */
	if (it->kind == FMT_EMPTY)
		return (struct map_plan){ ACT_NEW_TABLE, 0, false };
	if (it->kind == FMT_TABLE)
		return (struct map_plan){ ACT_DESCEND, 0, false };
	return (struct map_plan){ ACT_BUSY, 0, false };
}

/*
 * Write @n single leaves from @pa up, stopping before the first entry in use;
 * returns how many were written. The emptiness test and the stores are two
 * plain loops over a local copy of the attributes, so the compiler can
 * vectorise both: this loop is the whole cost of a large map. @empty: the
 * entries are known to be empty (struct walk's fresh), so not tested.
 */
static inline unsigned int NS(run_write)(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM *t,
					 unsigned int n, vcm_pa_t pa, uint64_t isz,
					 const struct vcm_pt_attr *attr, bool empty)
{
	const struct vcm_pt_attr a = *attr;
	FMT_ITEM used = 0;
	size_t i, count = n;

	for (i = 0; i < count && !empty; i++)
		used |= t[i];
	if (used != 0U)
		for (count = 0; t[count] == 0U; count++)
			;
	for (i = 0; i < count; i++)
		t[i] = fmt_leaf_encode(pt, lvl, false, pa + i * isz, &a);
	return (unsigned int)count;
}

/*
 * Write whole groups of 2^@glg2 entries from @pa up, stopping before the
 * first group with an entry in use; returns how many entries were written.
 */
PT_NOINLINE /* keeps the single-leaf path of map_lvl() lean */
static unsigned int NS(group_write)(const struct vcm_pt *pt, unsigned int lvl,
					   FMT_ITEM *t, unsigned int n, vcm_pa_t pa, uint64_t isz,
					   const struct vcm_pt_attr *attr)
{
	const unsigned int g = 1U << pt->contig_lg2[lvl];
	unsigned int done;

	for (done = 0; done < n; done += g) {
		FMT_ITEM used = 0;

		for (unsigned int i = 0; i < g; i++)
			used |= t[done + i];
		if (used != 0U)
			break;
		for (unsigned int i = 0; i < g; i++)
			t[done + i] = fmt_leaf_encode(pt, lvl, true,
						      pa + (uint64_t)(done + i) * isz, attr);
	}
	return done;
}

/*
 * After a run of single leaves that ended its piece: the pieces that follow,
 * as long as each is exactly one entry of this level, go to the next entries
 * of @t (@room of them left in the table). map_plan() would send each there
 * too: no group fits in one entry, no larger leaf either, and a single leaf
 * of this level does (it just did). Stops at a piece of another length or
 * alignment, or at an entry in use, for the planner to look at. Returns how
 * many were written; w->seg moves past them.
 */
static unsigned int NS(seg_run)(struct walk *w, FMT_ITEM *t, unsigned int room,
				unsigned int lvl, uint64_t isz)
{
	const struct vcm_pt_attr a = *w->attr;
	const struct vcm_seg *s = w->seg + 1;
	unsigned int n;

	if ((uint64_t)(w->seg_end - s) < room)
		room = (unsigned int)(w->seg_end - s);
	for (n = 0; n < room && s[n].len == isz && (s[n].pa & (isz - 1U)) == 0U && t[n] == 0U; n++)
		t[n] = fmt_leaf_encode(w->pt, lvl, false, s[n].pa, &a);
	w->seg += n;
	return n;
}

/* On to the next piece once the current one is mapped, if one is left. */
static inline void NS(seg_next)(struct walk *w)
{
	if (!w->at_top && w->da > w->seg_last && w->da <= w->last) {
		w->seg++;
		w->pa = w->seg->pa;
		w->seg_last = w->da + w->seg->len - 1U;
	}
}

/* Carry out ACT_LEAF: the groups or run of @p at the position; -EEXIST at a used entry. */
static int NS(map_write)(struct walk *w, struct iter *it, struct dirty *d, struct map_plan p)
{
	const struct vcm_pt *pt = w->pt;
	const unsigned int lvl = it->level;
	const uint64_t isz = NS(lvl_size)(pt, lvl);
	FMT_ITEM *t = &it->table[it->index];
	unsigned int done, more = 0;

	if (p.contig) {
		done = NS(group_write)(pt, lvl, t, p.n, w->pa, isz, w->attr);
	} else {
		done = NS(run_write)(pt, lvl, t, p.n, w->pa, isz, w->attr, it->table == w->fresh);
	}
	w->da += (uint64_t)done * isz;
	w->pa += (uint64_t)done * isz;
	if (!p.contig && done == p.n && w->da > w->seg_last && w->da <= w->last)
		more = NS(seg_run)(w, t + done, it->end - it->index - done, lvl, isz);
	w->da += (uint64_t)more * isz;
	/* Only a range that ends at 2^64 (ias 64) brings da round to 0. */
	if (w->da == 0U && done + more != 0U)
		w->at_top = true;
	if (done + more != 0U) {
		NS(dirty_add)(d, it->index, done + more);
		d->live += (int)(done + more);
		NS(wc_set)(w->pt, it->table, lvl, it->da);
		/* walkers that may cache the empty entries are told (VCM_PT_CFG_FLUSH_MAP) */
		if ((pt->cfg.flags & VCM_PT_CFG_FLUSH_MAP) != 0U)
			NS(gather_add)(w, it->da, it->da + (uint64_t)(done + more) * isz - 1U,
				       isz, true);
	}
	NS(seg_next)(w);
	NS(iter_next)(pt, it, done + more);
	return done == p.n ? 0 : -EEXIST;
}

static int NS(map_lvl)(struct walk *w, FMT_ITEM *table, unsigned int lvl);

/*
 * Carry out ACT_NEW_TABLE (@create) or ACT_DESCEND: map inside the next
 * table (level > 0: map_plan() gives these only where a smaller leaf exists).
 * A table made here and left empty by a failure is unlinked again.
 */
static int NS(map_descend)(struct walk *w, struct iter *it, struct dirty *d, bool create)
{
	struct vcm_pt *pt = w->pt;
	const unsigned int lvl = it->level;
	struct tbl child;
	int ret;

	if (create) {
		ret = NS(tbl_new)(w, lvl - 1U, w->da, &child);
		if (ret != 0)
			return ret;
		it->table[it->index] = fmt_table_encode(pt, lvl, child.pa);
		NS(dirty_add)(d, it->index, 1);
		d->live++;
		w->fresh = child.cpu;
		/*
		 * An empty entry above the leaves became a table: a walk cache
		 * that kept it empty must drop it too, so the map's flush (made
		 * over the leaves written below) is not leaf-only.
		 */
		if ((pt->cfg.flags & VCM_PT_CFG_FLUSH_MAP) != 0U)
			w->gather_leaf = false;
	} else {
		child.pa = fmt_table_pa(pt, lvl, it->entry);
		child.cpu = NS(tbl_cpu)(pt, child.pa);
	}
	ret = NS(map_lvl)(w, child.cpu, lvl - 1U);
	if (ret == 0) {
		NS(iter_next)(pt, it, 1);
		return 0;
	}
	if (create && *vcm_pt_live_(pt, child.cpu) == 0U) {
		it->table[it->index] = 0;
		d->live--;
		NS(dirty_clean)(pt, it->table, d);
		NS(clean)(pt, it->table, it->index, 1);
		NS(defer_free)(w, child.cpu, child.pa, lvl - 1U, it->da, NS(iter_last)(pt, it));
	}
	return ret;
}

/* Map what is left of the range (w->da on) inside @table at @lvl. */
static int NS(map_lvl)(struct walk *w, FMT_ITEM *table, unsigned int lvl)
{
	const struct vcm_pt *pt = w->pt;
	struct dirty d = DIRTY_NONE;
	struct iter it;
	int ret = 0;

	NS(iter_at)(pt, &it, table, lvl, w->da);
	while (ret == 0 && it.index < it.end && !w->at_top && w->da <= w->last) {
		struct map_plan p;

		if (table == w->fresh) {
			it.entry = 0;
			it.kind = FMT_EMPTY;
		} else {
			NS(iter_load)(pt, &it);
		}
		p = NS(map_plan)(pt, w, &it);
		switch (p.act) {
		case ACT_LEAF:
			ret = NS(map_write)(w, &it, &d, p);
			break;
		case ACT_NEW_TABLE:
		case ACT_DESCEND:
			ret = NS(map_descend)(w, &it, &d, p.act == ACT_NEW_TABLE);
			break;
		default:
			ret = -EEXIST;
			break;
		}
	}
	NS(dirty_clean)(pt, table, &d);
	if (d.live != 0)
		NS(live_add)(w->pt, table, d.live);
	return ret;
}

/*
 * The fast path of a map of exactly one leaf at the level of the cached table
 * (struct vcm_pt_wcache), into an empty entry: the walk from the top would
 * descend through table entries to that table and write the same single leaf
 * there (a group is larger than the range, a larger leaf does not fit, and a
 * smaller one is not chosen while this one fits). Anything else, a used
 * entry included, is left to the walk, which says what is in the way.
 */
static inline bool NS(map_one)(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
			       const struct vcm_pt_attr *attr, uint64_t sizes)
{
	unsigned int index;
	FMT_ITEM *table = NS(wc_get)(pt, da, len, &index);

	if (table == NULL || (sizes & len) == 0U || (pa & (len - 1U)) != 0U || table[index] != 0U)
		return false;
	table[index] = fmt_leaf_encode(pt, pt->wc.level, false, pa, attr);
	(*NS(wc_live)(pt))++;
	NS(clean)(pt, table, index, 1);
	/* the walk's flush for this map: none, or the one leaf (VCM_PT_CFG_FLUSH_MAP) */
	if ((pt->cfg.flags & VCM_PT_CFG_FLUSH_MAP) != 0U)
		NS(tlb_flush)(pt, da, da + len - 1U, len, true);
	return true;
}
