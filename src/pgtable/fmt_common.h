/* SPDX-License-Identifier: MIT */
/*
 * Checks and decoders that several format files share word for word. Each
 * format keeps its own bit definitions and passes the bits in; what is here
 * is only the rule they have in common, so a message stays the one its format
 * gave before (the format's name comes in as @name where the text holds it).
 * Not here: anything that depends on one manual's encoding.
 */
#ifndef VCM_PT_FMT_COMMON_H
#define VCM_PT_FMT_COMMON_H

#include "fmt.h"

/*
 * The end of fmt_init(): cfg->page_sizes must lie within @all, the leaf sizes
 * this geometry has (0 asks for all of them), and keep the 4 KiB granule.
 */
static inline int fmt_pick_sizes_(struct vcm_pt *pt, struct vcm_diag *diag,
				  uint64_t all)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;

	if ((cfg->page_sizes & ~all) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->page_sizes %#llx: this table has only %#llx",
			       vcm_ull(cfg->page_sizes), vcm_ull(all));
	pt->sizes = cfg->page_sizes != 0U ? cfg->page_sizes : all;
	if ((pt->sizes & VCM_SZ_4K) == 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->page_sizes %#llx lacks the granule",
			       vcm_ull(cfg->page_sizes));
	return 0;
}

/*
 * Formats with one memory type per page (x86-64 paging, VT-d second stage):
 * inner and outer policies must agree, and there is no write-back without
 * write-allocate. @name is the format as the messages spell it.
 */
static inline int fmt_one_memtype_(struct vcm_pt *pt, unsigned int prot,
				   const char *name)
{
	unsigned int inner = VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot);
	unsigned int outer = VCM_FIELD_GET(VCM_PT_PROT_OUTER_MASK, prot);

	if (inner != outer)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: %s has one memory type per page, not inner and outer",
			       prot, name);
	if (inner == VCM_PT_CACHE_WBNWA)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: %s cannot say write-back without write-allocate", prot,
			       name);
	return 0;
}

/*
 * Entries laid out as x86-64 paging lays them out, which VT-d's second stage
 * copies: @present marks a valid entry, and above level 0 @ps makes it a leaf
 * instead of a pointer to the next table. At a level with no leaf size (a
 * PML4E or PML5E, SDM Vol. 3A 4.5; an SS-PML4E or SS-PML5E, VT-d 9.8) that
 * bit is reserved and the walk faults on it: no translation there, so the
 * entry is not a leaf of ours either.
 */
static inline unsigned int fmt_ps_kind_(const struct vcm_pt *pt, unsigned int lvl, uint64_t e,
					uint64_t present, uint64_t ps)
{
	if ((e & present) == 0U)
		return FMT_EMPTY;
	if (lvl == 0U)
		return FMT_LEAF;
	if ((e & ps) == 0U)
		return FMT_TABLE;
	return pt->leaf_ok[lvl] ? FMT_LEAF : FMT_EMPTY;
}

static inline void fmt_ps_single_leaf_mask_(unsigned int lvl, uint64_t present, uint64_t ps,
					    uint64_t *mask, uint64_t *value)
{
	*mask = lvl == 0U ? present : present | ps;
	*value = *mask;
}

#endif /* VCM_PT_FMT_COMMON_H */
