// SPDX-License-Identifier: MIT
/*
 * AMD IOMMU v1 host page tables ("I/O page tables for host translations").
 *
 * Source: AMD I/O Virtualization Technology (IOMMU) Specification, document
 * 48882, Rev 3.00: section 2.2.2 "Device Table Entry Format" (DTE bits 63:0),
 * section 2.2.3 "I/O Page Tables for Host Translations" (the PDE and PTE
 * figures, the NextLevel rules, the table "Example Page Size Encodings").
 *
 * Levels: our level l is the manual's level l + 1 (the manual's level 1 table
 * holds 4 KiB pages). 3 to 6 levels: cfg->ias 39..64 (default 48) gives 3
 * levels up to 39 bits, 4 up to 48, 5 up to 57, 6 above; DTE.Mode = levels.
 * Every table, the top included, is a whole 4 KiB page of 512 entries: the
 * DTE's root pointer holds bits 51:12 only, so a top level that resolves fewer
 * bits (6 levels resolve 7 there) still takes a page and uses its low entries.
 * Output addresses 32..52 bits (cfg->oas, default 52).
 *
 * Leaves: at levels 0, 1, 2 (manual 1, 2, 3) a PTE with NextLevel 0 maps the
 * level's own size (4K, 2M, 1G). A PTE with NextLevel 7 maps a power of two
 * between that and the next level's size (8K..1M, 4M..512M, 2G..256G): the
 * size is the run of ones in the address field from bit 12 up (n ones: a
 * 2^(13 + n)-byte page), and the same PTE is written into every one of the
 * 2^k entries the page covers. The shared walker knows this as a contiguous
 * group of 2^contig_lg2 entries, one group size per level and table: cfg->
 * page_sizes picks at most one NextLevel-7 size per level (-EINVAL for two);
 * when it is 0 the table uses the natural sizes and 64K, 32M and 16G (16
 * entries, as the Arm contiguous hint). Several group sizes in one level of
 * one table would need the walker to read the group size from each entry.
 *
 * Permissions: IR and IW in every PDE and in the DTE are set, so the PTE alone
 * decides (the manual ANDs them along the walk). VCM_PT_PROT_READ sets IR
 * (READ is required in every mapping, so write-only and no-access PTEs are not
 * made); WRITE sets IW. Everything else is refused with -EOPNOTSUPP: AMD v1
 * has no execute, user/supervisor, global, secure, device or cache-policy bits
 * for host translations, so EXEC, USER, NONGLOBAL, SECURE, DEVICE and any
 * nonzero inner/outer/share field cannot be expressed.
 *
 * Left out: level skipping (a PDE whose NextLevel is less than its level - 1):
 * tables never skip levels, and such an entry does not decode; leaves at
 * level 3 and above (512 GiB pages and larger); the FC (force coherent) and U
 * (ATS untranslated-only) PTE bits, left 0; the accessed bit (DTE.HAD is
 * 0b11 only with VCM_PT_CFG_DIRTY, for the D bit); Mode 1 and 2 (1- and
 * 2-level tables); the guest (v2, x86-format) tables; everything in the DTE
 * beyond bits 63:0 (domain ID, interrupt remapping), which is the driver's.
 */
#include "fmt.h"

/* 2.2.3, PDE and PTE figures: bits shared by both. */
#define AMDV1_PR        VCM_BIT(0)            /* present */
#define AMDV1_NEXTLEVEL VCM_GENMASK(11, 9)    /* level of the next table; 0, 7: a page */
#define AMDV1_ADDR      VCM_GENMASK(51, 12)   /* next table, or page (with size encoding) */
#define AMDV1_IR        VCM_BIT(61)           /* read permission */
#define AMDV1_IW        VCM_BIT(62)           /* write permission */
#define AMDV1_D         VCM_BIT(6)            /* PTE: written (2.2.3.2, with DTE.HAD) */
/* 2.2.3: NextLevel 7 in a PTE: the page size is encoded in the address field. */
#define AMDV1_NL_SIZED  7U

/* 2.2.2 DTE bits 63:0. */
#define AMDV1_DTE_V     VCM_BIT(0)
#define AMDV1_DTE_TV    VCM_BIT(1)            /* translation information valid */
#define AMDV1_DTE_HAD   VCM_GENMASK(8, 7)     /* host access/dirty updates; 0b11: both */
#define AMDV1_DTE_MODE  VCM_GENMASK(11, 9)    /* levels; 0 = no translation */
#define AMDV1_DTE_PTRP  VCM_GENMASK(51, 12)   /* page table root pointer */
#define AMDV1_DTE_IR    VCM_BIT(61)
#define AMDV1_DTE_IW    VCM_BIT(62)

#define AMDV1_LEAF_LEVELS 3U  /* leaves at our levels 0..2 (4K, 2M, 1G and the sizes between) */
#define AMDV1_GROUP_MAX   8U  /* 2^9 entries would be the next level's own size */
#define AMDV1_GROUP_DEF   4U  /* 16 entries when cfg->page_sizes is 0 */

/* Leaf sizes NextLevel-7 PTEs at @lvl can have: bits shift+1 .. shift+8. */
static uint64_t group_sizes(const struct vcm_pt *pt, unsigned int lvl)
{
	return VCM_GENMASK(pt->shift[lvl] + AMDV1_GROUP_MAX, pt->shift[lvl] + 1U);
}

static int amdv1_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	uint64_t all = 0, def = 0;
	unsigned int levels;

	if (cfg->granule_lg2 != 0U && cfg->granule_lg2 != 12U)
		return VCM_ERR(diag, -EINVAL, "cfg->granule_lg2 %u: amdv1 takes 12",
			       cfg->granule_lg2);
	if ((cfg->flags & (VCM_PT_CFG_STAGE2 | VCM_PT_CFG_SECURE)) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->flags %#x: amdv1 has no stage 2 or Secure tables",
			       (unsigned int)cfg->flags);
	if (cfg->mair != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->mair: amdv1 tables have no MAIR");
	pt->ias = cfg->ias != 0U ? cfg->ias : 48U;
	pt->oas = cfg->oas != 0U ? cfg->oas : 52U;
	if (pt->ias < 39U || pt->ias > 64U)
		return VCM_ERR(diag, -EINVAL, "cfg->ias %u: amdv1 takes 39 to 64", pt->ias);
	if (pt->oas < 32U || pt->oas > 52U)
		return VCM_ERR(diag, -EINVAL, "cfg->oas %u: amdv1 takes 32 to 52", pt->oas);

	/* 2.2.3: 9 bits per level above the 4 KiB page; DTE.Mode 3..6. */
	levels = pt->ias <= 39U ? 3U : pt->ias <= 48U ? 4U : pt->ias <= 57U ? 5U : 6U;
	vcm_pt_geometry_(pt, levels, 12U, 9U);
	pt->items_lg2[levels - 1U] = 9U; /* the root is a whole page (DTE root pointer 51:12) */
	pt->item_lg2 = 3;
	pt->start_level = levels;
	for (unsigned int lvl = 0; lvl < AMDV1_LEAF_LEVELS; lvl++) {
		pt->leaf_ok[lvl] = true;
		all |= VCM_BIT(pt->shift[lvl]) | group_sizes(pt, lvl);
		def |= VCM_BIT(pt->shift[lvl]) | VCM_BIT(pt->shift[lvl] + AMDV1_GROUP_DEF);
	}
	if ((cfg->page_sizes & ~all) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->page_sizes %#llx: amdv1 has only %#llx",
			       vcm_ull(cfg->page_sizes), vcm_ull(all));
	pt->sizes = cfg->page_sizes != 0U ? cfg->page_sizes : def;
	if ((pt->sizes & VCM_SZ_4K) == 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->page_sizes %#llx lacks the granule",
			       vcm_ull(cfg->page_sizes));
	for (unsigned int lvl = 0; lvl < AMDV1_LEAF_LEVELS; lvl++) {
		uint64_t g = pt->sizes & group_sizes(pt, lvl);

		if (!vcm_is_pow2(g) && g != 0U)
			return VCM_ERR(diag, -EINVAL,
				       "cfg->page_sizes %#llx: at most one size from %#llx "
				       "(NextLevel 7 at manual level %u) per table",
				       vcm_ull(cfg->page_sizes), vcm_ull(group_sizes(pt, lvl)),
				       lvl + 1U);
		pt->contig_lg2[lvl] = g != 0U ? vcm_ctz64(g) - pt->shift[lvl] : 0U;
	}
	return 0;
}

/*
 * 2.2.3 "Example Page Size Encodings": a NextLevel-7 page of 2^@size_lg2
 * bytes has ones in address bits size_lg2 - 2 down to 12 and a zero in bit
 * size_lg2 - 1 (8K: no ones, bit 12 zero).
 */
static inline uint64_t amdv1_size_bits(unsigned int size_lg2)
{
	return size_lg2 > 13U ? VCM_GENMASK(size_lg2 - 2U, 12) : 0U;
}

static int amdv1_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
			      struct vcm_pt_attr *attr)
{
	const unsigned int bad = prot & ~(VCM_PT_PROT_READ | VCM_PT_PROT_WRITE);
	uint64_t a = AMDV1_PR | AMDV1_IR;

	if (bad != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: amdv1 has only read and write permissions "
			       "(no execute, user, global, secure, device or cache bits: %#x)",
			       prot, bad);
	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		a |= AMDV1_IW;
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		unsigned int glg2 = pt->contig_lg2[lvl];

		attr->bits[lvl][0] = a; /* NextLevel 0: the level's own size */
		attr->bits[lvl][1] = glg2 == 0U ? 0U :
			a | VCM_FIELD_PREP(AMDV1_NEXTLEVEL, AMDV1_NL_SIZED) |
			amdv1_size_bits(pt->shift[lvl] + glg2);
	}
	return 0;
}

static inline unsigned int amdv1_kind(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	unsigned int nl = (unsigned int)VCM_FIELD_GET(AMDV1_NEXTLEVEL, e);

	(void)pt;
	if ((e & AMDV1_PR) == 0U)
		return FMT_EMPTY;
	if (nl == 0U || nl == AMDV1_NL_SIZED)
		return lvl < AMDV1_LEAF_LEVELS ? FMT_LEAF : FMT_EMPTY;
	/* the next table is one level down; a skip (nl < lvl) is not made or decoded */
	return nl == lvl ? FMT_TABLE : FMT_EMPTY;
}

static inline bool amdv1_leaf_contig(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	return VCM_FIELD_GET(AMDV1_NEXTLEVEL, e) == AMDV1_NL_SIZED;
}

static inline void amdv1_single_leaf_mask(const struct vcm_pt *pt, unsigned int lvl,
					  uint64_t *mask, uint64_t *value)
{
	/* present with NextLevel 0 is a page of the level's own size at every leaf level */
	(void)pt;
	(void)lvl;
	*mask = AMDV1_PR | AMDV1_NEXTLEVEL;
	*value = AMDV1_PR;
}

static inline vcm_pa_t amdv1_leaf_pa(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	uint64_t addr = e & AMDV1_ADDR;

	(void)pt;
	(void)lvl;
	if (VCM_FIELD_GET(AMDV1_NEXTLEVEL, e) == AMDV1_NL_SIZED) {
		/* ones from bit 12 up, then the zero: the page's size; the rest is its base */
		unsigned int ones = vcm_ctz64(~(addr >> 12));

		addr &= ~vcm_low_mask(12U + ones + 1U);
	}
	return addr;
}

static inline vcm_pa_t amdv1_table_pa(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	return e & AMDV1_ADDR;
}

static inline uint64_t amdv1_leaf_encode(const struct vcm_pt *pt, unsigned int lvl, bool contig,
					 vcm_pa_t pa, const struct vcm_pt_attr *a)
{
	/* every entry of a NextLevel-7 page holds the same PTE: the page's base */
	if (contig)
		pa &= ~vcm_low_mask(pt->shift[lvl] + pt->contig_lg2[lvl]);
	return pa | a->bits[lvl][contig];
}

static inline uint64_t amdv1_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)pt;
	return pa | AMDV1_PR | VCM_FIELD_PREP(AMDV1_NEXTLEVEL, lvl) | AMDV1_IR | AMDV1_IW;
}

static inline unsigned int amdv1_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	return VCM_PT_PROT_READ | ((e & AMDV1_IW) != 0U ? VCM_PT_PROT_WRITE : 0U);
}

static void amdv1_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	/* 2.2.2: the DTE's low quadword; PPR and the guest fields stay 0, HAD with DIRTY */
	out->regs[0] = AMDV1_DTE_V | AMDV1_DTE_TV | VCM_FIELD_PREP(AMDV1_DTE_MODE, pt->levels) |
		       (pt->root_pa & AMDV1_DTE_PTRP) | AMDV1_DTE_IR | AMDV1_DTE_IW;
	if ((pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U)
		out->regs[0] |= VCM_FIELD_PREP(AMDV1_DTE_HAD, 3U);
	out->regs[1] = 0;
	out->regs[2] = 0;
	out->reg_names[0] = "DTE[63:0]";
	out->reg_names[1] = "";
	out->reg_names[2] = "";
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init amdv1_init
#define fmt_prot_to_attr amdv1_prot_to_attr
#define fmt_hw amdv1_hw
#define fmt_kind amdv1_kind
#define fmt_leaf_contig amdv1_leaf_contig
#define fmt_single_leaf_mask amdv1_single_leaf_mask
#define fmt_leaf_pa amdv1_leaf_pa
#define fmt_table_pa amdv1_table_pa
#define fmt_leaf_encode amdv1_leaf_encode
#define fmt_table_encode amdv1_table_encode
#define fmt_leaf_prot amdv1_leaf_prot
#define FMT_ITEM     uint64_t
#define FMT_ITEM_LG2 3U
#define FMT_PREFIX   amdv1
#define FMT_OPS      vcm_pt_fmt_amdv1
#define FMT_NAME     "amdv1"
#define FMT_HW_DIRTY_BIT(pt) AMDV1_D
#define FMT_CFG_EXT  VCM_PT_CFG_DIRTY
#include "fmt_defaults.h"
#include "walk_template.h"
