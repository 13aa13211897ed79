/* SPDX-License-Identifier: MIT */
/*
 * The shared range walker, compiled once per format: a format file defines the
 * hooks of fmt.h and FMT_PREFIX, then includes this file last. It gives map,
 * unmap (with block and contiguous-group splitting), lookup, walk, the
 * whole-table check and free, and defines the format's const struct
 * vcm_pt_fmt. Algorithm and ordering rules: docs/pgtable.md.
 *
 * Every operation walks the table once, top-down, keeping its place between
 * leaves with the level iterator (walk_base.h): a level's loop runs over the
 * entries its part of the range covers, decodes each once, and descends only
 * where a smaller leaf is needed. The pieces:
 *   walk_base.h   names, table memory, cache cleaning, TLB gathering, iterator
 *   walk_map.h    the map decision and its writes
 *   walk_unmap.h  the unmap planner, splits and the unmap walk
 *   walk_check.h  the validator behind vcm_pt_check_()
 *   walk_dirty.h  vcm_pt_read_clear_dirty()
 */
#ifndef FMT_OPS
#error "define the format hooks (fmt.h) before including walk_template.h"
#endif

#ifndef VCM_PT_HOOK_TEST /* the hook tests include a format file for its hooks alone */

#include "walk_base.h"
#include "walk_map.h"
#include "walk_unmap.h"
#include "walk_check.h"
#include "walk_dirty.h"

/*
 * The map walk from the top over @nr pieces (@len bytes in all) at
 * consecutive addresses from @da, and its rollback.
 */
PT_NOINLINE
static int NS(map_walk)(struct vcm_pt *pt, vcm_da_t da,
			const struct vcm_seg *seg, uint64_t nr, uint64_t len,
			const struct vcm_pt_attr *attr, uint64_t sizes)
{
	struct walk w;
	int ret;

	NS(walk_init)(&w, pt);
	w.attr = attr;
	w.sizes = sizes;
	w.da = da;
	w.pa = seg->pa;
	w.last = da + len - 1U;
	w.seg = seg;
	w.seg_end = seg + nr;
	w.seg_last = da + seg->len - 1U;
	ret = NS(map_lvl)(&w, pt->root, pt->levels - 1U);
	if (ret != 0) {
		vcm_da_t stop = w.da;
		vcm_pa_t stop_pa = w.pa;
		uint64_t piece = (uint64_t)(w.seg - seg);

		/* Leave the table as it was: unmap exactly what was written. */
		NS(refused_frees)(&w, true);
		if (stop != da)
			NS(unmap_run)(&w, da, stop - 1U);
		NS(gather_flush)(&w);
		NS(refused_frees)(&w, false);
		if (ret == -EEXIST && nr > 1U)
			return VCM_ERR(&pt->diag, ret,
				       "piece %llu of %llu: da %#llx (pa %#llx) is already mapped",
				       vcm_ull(piece), vcm_ull(nr), vcm_ull(stop),
				       vcm_ull(stop_pa));
		if (ret == -EEXIST)
			return VCM_ERR(&pt->diag, ret, "da %#llx is already mapped",
				       vcm_ull(stop));
		return ret; /* tbl_new recorded why */
	}
	NS(gather_flush)(&w);
	return 0;
}

/* One range: the walk over one piece (out of line, so the fast path needs no frame). */
PT_NOINLINE
static int NS(map_range)(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa,
			 uint64_t len, const struct vcm_pt_attr *attr, uint64_t sizes)
{
	const struct vcm_seg one = { pa, len };

	return NS(map_walk)(pt, da, &one, 1, len, attr, sizes);
}

static int NS(map)(struct vcm_pt *pt, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		   const struct vcm_pt_attr *attr, uint64_t sizes)
{
	if (NS(map_one)(pt, da, pa, len, attr, sizes))
		return 0;
	return NS(map_range)(pt, da, pa, len, attr, sizes);
}

static int NS(map_segs)(struct vcm_pt *pt, vcm_da_t da,
			const struct vcm_seg *seg, uint64_t nr, uint64_t len,
			const struct vcm_pt_attr *attr, uint64_t sizes)
{
	return NS(map_walk)(pt, da, seg, nr, len, attr, sizes);
}

/* ---- lookup, walk, free ------------------------------------------------- */

static void NS(leaf_fill)(const struct vcm_pt *pt, const struct iter *it, vcm_da_t da,
			  struct vcm_pt_leaf *out)
{
	const unsigned int lvl = it->level;
	unsigned int lg2 = pt->shift[lvl];

	out->contig = pt->contig_lg2[lvl] != 0U && fmt_leaf_contig(pt, lvl, it->entry);
	if (out->contig)
		lg2 += pt->contig_lg2[lvl];
	out->size_lg2 = lg2;
	out->level = lvl;
	out->da = vcm_align_down(da, UINT64_C(1) << lg2);
	out->pa = vcm_align_down(fmt_leaf_pa(pt, lvl, it->entry), UINT64_C(1) << lg2);
	out->prot = fmt_leaf_prot(pt, lvl, it->entry);
}

static int NS(lookup)(struct vcm_pt *pt, vcm_da_t da, struct vcm_pt_leaf *out)
{
	struct iter it;

	NS(find)(pt, da, &it);
	if (it.kind == FMT_EMPTY)
		return -ENOENT;
	/* the walker faults there: no translation to report (vcm_pt_check_() names it too) */
	if (NS(leaf_oa_check)(pt, it.level, it.da, it.entry) != 0)
		return -EFAULT;
	NS(leaf_fill)(pt, &it, da, out);
	return 0;
}

static int NS(walk_lvl)(const struct vcm_pt *pt, struct iter *it, vcm_da_t da, vcm_da_t last,
			int (*fn)(void *arg, const struct vcm_pt_leaf *leaf), void *arg)
{
	int ret = 0;

	for (; ret == 0 && it->index < it->end; NS(iter_next)(pt, it, 1)) {
		struct vcm_pt_leaf leaf;
		struct iter child;

		NS(iter_load)(pt, it);
		if (it->kind == FMT_EMPTY)
			continue;
		if (it->kind == FMT_TABLE) {
			NS(iter_descend)(pt, it, &child, da, last);
			ret = NS(walk_lvl)(pt, &child, da, last, fn, arg);
			continue;
		}
		NS(leaf_fill)(pt, it, it->da, &leaf);
		ret = fn(arg, &leaf);
		if (leaf.contig) {
			/* on to the group's last entry; the loop steps past it */
			unsigned int gend = it->index | ((1U << pt->contig_lg2[it->level]) - 1U);

			NS(iter_next)(pt, it, gend - it->index);
		}
	}
	return ret;
}

static int NS(walk)(struct vcm_pt *pt, vcm_da_t da, vcm_da_t last,
		    int (*fn)(void *arg, const struct vcm_pt_leaf *leaf), void *arg)
{
	struct iter it;

	NS(iter_start)(pt, &it, pt->root, pt->levels - 1U, da, last);
	return NS(walk_lvl)(pt, &it, da, last, fn, arg);
}

static void NS(free_lvl)(struct vcm_pt *pt, FMT_ITEM *table, unsigned int lvl)
{
	const unsigned int n = NS(lvl_items)(pt, lvl);

	for (unsigned int i = 0; i < n; i++) {
		FMT_ITEM e = table[i];
		struct tbl t;

		if (e == 0U || fmt_kind(pt, lvl, e) != FMT_TABLE)
			continue;
		t.pa = fmt_table_pa(pt, lvl, e);
		t.cpu = NS(tbl_cpu)(pt, t.pa);
		t.size = vcm_pt_table_size_(pt, lvl - 1U, FMT_ITEM_LG2);
		NS(free_lvl)(pt, t.cpu, lvl - 1U);
		/* straight back to the platform: the counts go as a whole (pt_mem.c) */
		pt->plat.table_free(pt->plat.ctx, t.pa, t.cpu, t.size);
	}
}

static void NS(free_all)(struct vcm_pt *pt)
{
	NS(free_lvl)(pt, pt->root, pt->levels - 1U);
}

/* The VCM_PT_CFG_* extension flags a format takes (FMT_CFG_EXT; none by default). */
#ifndef FMT_CFG_EXT
#define FMT_CFG_EXT 0U
#endif
/* Does its manual ask for break-before-make when a block becomes a table? (FMT_BBM) */
#ifndef FMT_BBM
#define FMT_BBM false
#endif

const struct vcm_pt_fmt FMT_OPS = {
	.name = FMT_NAME,
	.cfg_ext = FMT_CFG_EXT,
	.bbm = FMT_BBM,
	.init = fmt_init,
	.prot_to_attr = fmt_prot_to_attr,
	.hw = fmt_hw,
	.map = NS(map),
	.map_segs = NS(map_segs),
	.unmap = NS(unmap),
	.lookup = NS(lookup),
	.walk = NS(walk),
	.read_clear_dirty = NS(read_clear_dirty),
	.check = NS(check),
	.free_all = NS(free_all),
};

#endif /* VCM_PT_HOOK_TEST */
