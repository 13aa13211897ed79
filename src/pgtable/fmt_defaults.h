/* SPDX-License-Identifier: MIT */
/*
 * Default bodies for the hooks of fmt.h that several formats would otherwise
 * write out identically (the idea of generic_pt's pt_fmt_defaults.h). A
 * format file includes this after its FMT_* definitions and its own hooks,
 * right before walk_template.h; every hook it mapped onto an fmt_* name
 * stays its own, and each hook it left out is filled in here when the format
 * said what the default needs:
 *
 *   fmt_leaf_contig       no contiguous hint: never a group member
 *   fmt_leaf_encode       pa | a->bits[lvl][contig] (the output address sits
 *                         in place in the entry; a format with groups whose
 *                         members hold the group's base writes its own)
 *   fmt_kind,             with FMT_PS_PRESENT and FMT_PS_LEAF: the x86-64
 *   fmt_single_leaf_mask  layout (fmt_common.h): present bit, and above
 *                         level 0 a page-size bit that makes a leaf
 *   fmt_table_pa          with FMT_OA_MASK(pt): e & FMT_OA_MASK(pt)
 *   fmt_leaf_pa           with FMT_OA_MASK(pt): the same, less the bits below
 *                         the leaf's own size (where x86 keeps PAT in a large
 *                         page, and reserved bits sit)
 *   fmt_hw_dirty,         with FMT_HW_DIRTY_BIT(pt): a D bit; without it, no
 *   fmt_hw_clean,         dirty state at all (see the end of this file)
 *   fmt_attr_dirty
 *
 * A hook with neither a body of the format's nor a default here is a compile
 * error in walk_template.h, as before.
 */
#ifndef VCM_PT_FMT_DEFAULTS_H
#define VCM_PT_FMT_DEFAULTS_H

#if !defined(FMT_PREFIX) || !defined(FMT_ITEM)
#error "define FMT_PREFIX and FMT_ITEM before including fmt_defaults.h"
#endif

#define FMT_DEF_PASTE_(a, b) a##_##b
#define FMT_DEF_PASTE(a, b)  FMT_DEF_PASTE_(a, b)
/* The defaults carry the format's prefix too: x86_64_default_kind. */
#define FMT_DEF(name)        FMT_DEF_PASTE(FMT_PREFIX, name)

#ifndef fmt_leaf_contig
static inline bool FMT_DEF(default_leaf_contig)(const struct vcm_pt *pt, unsigned int lvl,
						 FMT_ITEM e)
{
	(void)pt;
	(void)lvl;
	(void)e;
	return false;
}
#define fmt_leaf_contig FMT_DEF(default_leaf_contig)
#endif

#ifndef fmt_leaf_encode
static inline FMT_ITEM FMT_DEF(default_leaf_encode)(const struct vcm_pt *pt, unsigned int lvl,
						     bool contig, vcm_pa_t pa,
						     const struct vcm_pt_attr *a)
{
	(void)pt;
	return (FMT_ITEM)(pa | a->bits[lvl][contig]);
}
#define fmt_leaf_encode FMT_DEF(default_leaf_encode)
#endif

#if defined(FMT_PS_PRESENT) && defined(FMT_PS_LEAF)
#ifndef fmt_kind
static inline unsigned int FMT_DEF(default_kind)(const struct vcm_pt *pt, unsigned int lvl,
						 FMT_ITEM e)
{
	return fmt_ps_kind_(pt, lvl, e, FMT_PS_PRESENT, FMT_PS_LEAF);
}
#define fmt_kind FMT_DEF(default_kind)
#endif

#ifndef fmt_single_leaf_mask
static inline void FMT_DEF(default_single_leaf_mask)(const struct vcm_pt *pt, unsigned int lvl,
						      FMT_ITEM *mask, FMT_ITEM *value)
{
	(void)pt;
	fmt_ps_single_leaf_mask_(lvl, FMT_PS_PRESENT, FMT_PS_LEAF, mask, value);
}
#define fmt_single_leaf_mask FMT_DEF(default_single_leaf_mask)
#endif
#endif /* FMT_PS_PRESENT && FMT_PS_LEAF */

#ifdef FMT_OA_MASK
#ifndef fmt_table_pa
static inline vcm_pa_t FMT_DEF(default_table_pa)(const struct vcm_pt *pt, unsigned int lvl,
						 FMT_ITEM e)
{
	(void)lvl;
	return e & FMT_OA_MASK(pt);
}
#define fmt_table_pa FMT_DEF(default_table_pa)
#endif

#ifndef fmt_leaf_pa
static inline vcm_pa_t FMT_DEF(default_leaf_pa)(const struct vcm_pt *pt, unsigned int lvl,
						FMT_ITEM e)
{
	return e & FMT_OA_MASK(pt) & ~vcm_low_mask(pt->shift[lvl]);
}
#define fmt_leaf_pa FMT_DEF(default_leaf_pa)
#endif
#endif /* FMT_OA_MASK */

/*
 * Hardware dirty state (VCM_PT_CFG_DIRTY, walk_dirty.h). With
 * FMT_HW_DIRTY_BIT(pt): a D bit the walker sets in the leaf it writes
 * through (x86-64, VT-d second stage, AMD v1, RISC-V). A format with neither
 * that nor hooks of its own has no dirty state: never dirty.
 *
 *   fmt_hw_dirty(pt, lvl, e)    the leaf e was written since it was cleaned
 *   fmt_hw_clean(pt, lvl, e)    e made clean
 *   fmt_attr_dirty(pt, attr)    attributes that encode leaves already written
 */
#ifndef fmt_hw_dirty
#ifndef FMT_HW_DIRTY_BIT
#define FMT_HW_DIRTY_BIT(pt) 0U /* no dirty state: never dirty, clean as it is */
#endif
static inline bool FMT_DEF(default_hw_dirty)(const struct vcm_pt *pt, unsigned int lvl,
					      FMT_ITEM e)
{
	(void)pt;
	(void)lvl;
	return (e & FMT_HW_DIRTY_BIT(pt)) != 0U;
}

static inline FMT_ITEM FMT_DEF(default_hw_clean)(const struct vcm_pt *pt, unsigned int lvl,
						  FMT_ITEM e)
{
	(void)pt;
	(void)lvl;
	return e & (FMT_ITEM)~FMT_HW_DIRTY_BIT(pt);
}

static inline void FMT_DEF(default_attr_dirty)(const struct vcm_pt *pt, struct vcm_pt_attr *a)
{
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++)
		for (unsigned int c = 0; c < 2U; c++)
			a->bits[lvl][c] |= FMT_HW_DIRTY_BIT(pt);
}
#define fmt_hw_dirty FMT_DEF(default_hw_dirty)
#define fmt_hw_clean FMT_DEF(default_hw_clean)
#define fmt_attr_dirty FMT_DEF(default_attr_dirty)
#endif /* fmt_hw_dirty */

#endif /* VCM_PT_FMT_DEFAULTS_H */
