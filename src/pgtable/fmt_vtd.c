// SPDX-License-Identifier: MIT
/*
 * Intel VT-d second-stage translation tables (DMA remapping, legacy mode or a
 * scalable-mode PASID entry with PGTT = second stage), 3, 4 and 5 levels.
 *
 * Source: Intel Virtualization Technology for Directed I/O, Architecture
 * Specification (order number D51397), revision 4.0, June 2022: section 3.7
 * "Second-Stage Translation" (levels, adjusted guest address widths, super
 * pages), section 9.3 "Context Entry" (AW, SLPTPTR, TT), section 9.8
 * "Second-Stage Paging Entries" (SS-PML5E, SS-PML4E, SS-PDPE, SS-PDE, SS-PTE),
 * and the memory-type encodings it shares with the IA32_PAT MSR (Intel SDM
 * Vol. 3A, "Page Attribute Table (PAT)").
 *
 * Levels: our level 0 holds SS-PTEs (4 KiB pages), 1 SS-PDEs (2 MiB super
 * pages with PS), 2 SS-PDPEs (1 GiB super pages with PS), 3 the SS-PML4 and
 * 4 the SS-PML5. vcm_pt_hw() reports start_level 3, 4 or 5, the manual's
 * name of the top table. Input: cfg->ias 39, 48 or 57 (the adjusted guest
 * address widths of 3, 4 and 5 levels; CAP.SAGAW says which the unit takes).
 * Output: cfg->oas 32..52, the host address width (DMAR table's HAW),
 * default 48. Super pages: 2M and 1G; CAP.SLLPS says which the unit has,
 * restrict cfg->page_sizes to those.
 *
 * Attributes: READ sets R, WRITE W, EXEC X (only enforced where execute
 * requests are enabled). Leaves carry a memory type in EMT with IPAT set, so
 * the type is exactly the one asked for whatever a first stage or the PAT
 * says: WBWA -> WB, WT -> WT, NC -> WC, DEVICE -> UC. Table entries have R, W
 * and X set, so the leaf alone decides (rights are ANDed over the walk).
 *
 * Refused (-EOPNOTSUPP): USER, NONGLOBAL and SECURE (a second stage has no
 * privilege, global or security state); a shareability other than NONE (the
 * SNP bit, "force snoop", depends on ECAP.SC and is left out); inner and outer
 * policies that differ; WBNWA (no allocation hints). Refused at create
 * (-EINVAL): the STAGE2 and SECURE flags, cfg->mair.
 *
 * Left out: first-stage and nested tables (x86-64 paging is fmt_x86.c), SNP,
 * the accessed/dirty flags (second-stage A/D tracking; left 0), the ignored
 * bits, 512G/1T super pages (reserved in SLLPS).
 *
 * vcm_pt_hw() regs: the context entry (9.3) bits 63:0 (P, TT = 00 untranslated
 * requests only, SLPTPTR = root pa) and bits 127:64 (AW; DID 0, the driver ORs
 * its domain id into bits 23:8). The same pointer and AW go into a
 * scalable-mode PASID entry's SLPTPTR and AW fields.
 */
#include "fmt_common.h"

/* VT-d 4.0 section 9.8: second-stage paging entries. */
#define VTD_R     VCM_BIT(0)
#define VTD_W     VCM_BIT(1)
#define VTD_X     VCM_BIT(2)
#define VTD_EMT   VCM_GENMASK(5, 3)      /* leaves only */
#define VTD_IPAT  VCM_BIT(6)             /* leaves only */
#define VTD_PS    VCM_BIT(7)             /* SS-PDE/SS-PDPE: maps a super page */
#define VTD_D     VCM_BIT(9)             /* leaves: written (SSADE in the PASID entry) */
#define PASID_SSADE VCM_BIT(9)           /* 9.6 scalable-mode PASID entry: second-stage A/D */
#define VTD_ADDR  VCM_GENMASK(51, 12)

/* Memory types (EMT uses the PAT encodings). */
#define EMT_UC 0U
#define EMT_WC 1U
#define EMT_WT 4U
#define EMT_WP 5U
#define EMT_WB 6U

/* VT-d 4.0 section 9.3: context entry. */
#define CTX_P       VCM_BIT(0)
#define CTX_SLPTPTR VCM_GENMASK(63, 12)
#define CTX_HI_AW   VCM_GENMASK(2, 0)    /* bits 66:64: 1 = 39-bit, 2 = 48-bit, 3 = 57-bit */

static uint64_t oa_mask(const struct vcm_pt *pt)
{
	return VTD_ADDR & vcm_low_mask(pt->oas);
}

static int vtd_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	uint64_t all = 0;

	if (cfg->granule_lg2 != 0U && cfg->granule_lg2 != 12U)
		return VCM_ERR(diag, -EINVAL, "cfg->granule_lg2 %u: vtd_ss takes 12",
			       cfg->granule_lg2);
	if ((cfg->flags & (VCM_PT_CFG_STAGE2 | VCM_PT_CFG_SECURE)) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->flags %#x: vtd_ss is a second stage already and has no "
			       "Secure state", (unsigned int)cfg->flags);
	if (cfg->mair != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->mair: vtd_ss has no attribute register");
	pt->ias = cfg->ias != 0U ? cfg->ias : 48U;
	pt->oas = cfg->oas != 0U ? cfg->oas : 48U;
	if (pt->ias != 39U && pt->ias != 48U && pt->ias != 57U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->ias %u: vtd_ss takes 39, 48 or 57 (3, 4 or 5 levels)", pt->ias);
	if (pt->oas < 32U || pt->oas > 52U)
		return VCM_ERR(diag, -EINVAL, "cfg->oas %u: vtd_ss takes 32 to 52", pt->oas);

	/* 3.7: each level resolves 9 bits above the 4 KiB page. */
	vcm_pt_geometry_(pt, (pt->ias - 12U) / 9U, 12U, 9U);
	pt->item_lg2 = 3;
	pt->start_level = pt->levels;
	pt->leaf_ok[0] = true;
	pt->leaf_ok[1] = true; /* 2 MiB super page */
	pt->leaf_ok[2] = true; /* 1 GiB super page */
	for (unsigned int lvl = 0; lvl < 3U; lvl++)
		all |= UINT64_C(1) << pt->shift[lvl];
	return fmt_pick_sizes_(pt, diag, all);
}

static int vtd_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
			    struct vcm_pt_attr *attr)
{
	static const unsigned int emt[4] = {
		[VCM_PT_CACHE_WBWA] = EMT_WB, [VCM_PT_CACHE_NC] = EMT_WC,
		[VCM_PT_CACHE_WT] = EMT_WT,
	};
	unsigned int bad = prot & (VCM_PT_PROT_USER | VCM_PT_PROT_NONGLOBAL | VCM_PT_PROT_SECURE);
	unsigned int inner = VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot);
	uint64_t a = VTD_R | VTD_IPAT;
	int ret;

	if (bad != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: a VT-d second stage has no USER, NONGLOBAL or SECURE",
			       prot);
	if ((prot & VCM_PT_PROT_SH_MASK) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: vtd_ss has no shareability field", prot);
	ret = fmt_one_memtype_(pt, prot, "vtd_ss");
	if (ret < 0)
		return ret;
	a |= VCM_FIELD_PREP(VTD_EMT, (prot & VCM_PT_PROT_DEVICE) != 0U ? EMT_UC : emt[inner]);
	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		a |= VTD_W;
	if ((prot & VCM_PT_PROT_EXEC) != 0U)
		a |= VTD_X;
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		attr->bits[lvl][0] = lvl != 0U ? a | VTD_PS : a;
		attr->bits[lvl][1] = attr->bits[lvl][0];
	}
	return 0;
}

/* Every entry we write has R set: R clear is "not present" for us. */
static inline uint64_t vtd_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)pt;
	(void)lvl;
	return pa | VTD_R | VTD_W | VTD_X;
}

static inline unsigned int vtd_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	unsigned int prot = VCM_PT_PROT_READ;
	unsigned int c;

	(void)pt;
	(void)lvl;
	if ((e & VTD_W) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((e & VTD_X) != 0U)
		prot |= VCM_PT_PROT_EXEC;
	switch (VCM_FIELD_GET(VTD_EMT, e)) {
	case EMT_UC:
		return prot | VCM_PT_PROT_DEVICE;
	case EMT_WB:
		return prot;
	case EMT_WT:
	case EMT_WP: /* not written by us */
		c = VCM_PT_CACHE_WT;
		break;
	default:
		c = VCM_PT_CACHE_NC;
		break;
	}
	return prot | VCM_PT_PROT_INNER(c) | VCM_PT_PROT_OUTER(c);
}

static void vtd_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	/* AW: 3 levels 001b, 4 levels 010b, 5 levels 011b */
	out->regs[0] = CTX_P | (pt->root_pa & CTX_SLPTPTR);
	out->regs[1] = VCM_FIELD_PREP(CTX_HI_AW, pt->levels - 2U);
	/*
	 * A legacy context entry cannot turn on the D updates a dirty-tracking
	 * table relies on; only SSADE in a scalable-mode PASID entry can. Say
	 * so here, so that a unit driven with context entries refuses the
	 * table instead of reporting no page ever written.
	 */
	out->regs[2] = (pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U ? PASID_SSADE : 0U;
	out->reg_names[0] = "CONTEXT[63:0]";
	out->reg_names[1] = "CONTEXT[127:64]";
	out->reg_names[2] = out->regs[2] != 0U ? "PASID[63:0]" : ""; /* SSADE alone */
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init vtd_init
#define fmt_prot_to_attr vtd_prot_to_attr
#define fmt_hw vtd_hw
#define fmt_table_encode vtd_table_encode
#define fmt_leaf_prot vtd_leaf_prot
#define FMT_ITEM     uint64_t
#define FMT_ITEM_LG2 3U
#define FMT_PREFIX   vtd_ss
#define FMT_OPS      vcm_pt_fmt_vtd_ss
#define FMT_NAME     "vtd_ss"
/* The rest from the defaults: the x86-64 entry layout (fmt_defaults.h). */
#define FMT_PS_PRESENT VTD_R
#define FMT_PS_LEAF    VTD_PS
#define FMT_OA_MASK(pt) oa_mask(pt)
/* 3.10 / 9.8: with SSADE set in a scalable-mode PASID entry the unit sets D on a write */
#define FMT_HW_DIRTY_BIT(pt) VTD_D
#define FMT_CFG_EXT  VCM_PT_CFG_DIRTY
#include "fmt_defaults.h"
#include "walk_template.h"
