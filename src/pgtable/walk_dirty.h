/* SPDX-License-Identifier: MIT */
/*
 * vcm_pt_read_clear_dirty(): the leaves a walker marked written, reported
 * once per leaf and, when asked, made clean again. Part of walk_template.h.
 *
 * The format says what "written" looks like (fmt_hw_dirty: a D bit, or
 * ARMv8's DBM leaf that lost its AP[2] / gained S2AP[1]) and how to undo it
 * (fmt_hw_clean). The hardware updates entries on its own, so the clean is a
 * compare-and-swap: a mark that lands between our read and our write is
 * either kept (the swap fails and we look again) or was already reported.
 * A contiguous group is one leaf to the caller, but the walker marks the
 * member it went through: the group is dirty when any member is, and is
 * cleaned member by member.
 */

/* Make the entry at @p clean, keeping any change the hardware makes meanwhile. */
static inline void NS(hw_clean_one)(const struct vcm_pt *pt, unsigned int lvl, FMT_ITEM *p)
{
	FMT_ITEM old = __atomic_load_n(p, __ATOMIC_RELAXED);

	while (fmt_hw_dirty(pt, lvl, old) &&
	       !__atomic_compare_exchange_n(p, &old, fmt_hw_clean(pt, lvl, old), false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static int NS(rcd_lvl)(struct walk *w, struct iter *it, vcm_da_t da, vcm_da_t last, bool clear,
		       int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg)
{
	struct vcm_pt *pt = w->pt;
	int ret = 0;

	for (; ret == 0 && it->index < it->end; NS(iter_next)(pt, it, 1)) {
		const unsigned int lvl = it->level;
		unsigned int first = it->index, n = 1;
		bool dirty = false;
		struct iter child;
		uint64_t span;
		vcm_da_t start;

		NS(iter_load)(pt, it);
		if (it->kind == FMT_EMPTY)
			continue;
		if (it->kind == FMT_TABLE) {
			NS(iter_descend)(pt, it, &child, da, last);
			ret = NS(rcd_lvl)(w, &child, da, last, clear, fn, arg);
			continue;
		}
		if (pt->contig_lg2[lvl] != 0U && fmt_leaf_contig(pt, lvl, it->entry)) {
			n = 1U << pt->contig_lg2[lvl];
			first = it->index & ~(n - 1U);
		}
		for (unsigned int i = 0; i < n && !dirty; i++)
			dirty = fmt_hw_dirty(pt, lvl, __atomic_load_n(&it->table[first + i],
								       __ATOMIC_RELAXED));
		span = (uint64_t)n << pt->shift[lvl];
		start = vcm_align_down(it->da, span);
		/* on to the group's last entry; the loop steps past it */
		NS(iter_next)(pt, it, first + n - 1U - it->index);
		if (!dirty)
			continue;
		if (clear) {
			for (unsigned int i = 0; i < n; i++)
				NS(hw_clean_one)(pt, lvl, &it->table[first + i]);
			NS(clean)(pt, it->table, first, n);
			NS(gather_add)(w, start, start + span - 1U, NS(lvl_size)(pt, lvl), true);
		}
		ret = fn(arg, start, span);
	}
	return ret;
}

static int NS(read_clear_dirty)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last, bool clear,
				int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg)
{
	struct walk w;
	struct iter it;
	int ret;

	NS(walk_init)(&w, pt);
	NS(iter_start)(pt, &it, pt->root, pt->levels - 1U, da, last);
	ret = NS(rcd_lvl)(&w, &it, da, last, clear, fn, arg);
	NS(gather_flush)(&w);
	return ret;
}
