// SPDX-License-Identifier: MIT
/*
 * RISC-V Sv39, Sv48 and Sv57 page tables, as the MMU (satp) and the RISC-V
 * IOMMU's first stage walk them.
 *
 * Source: The RISC-V Instruction Set Manual, Volume II: Privileged
 * Architecture, document version 20211203 (Privileged Architecture 1.12):
 * 4.1.11 (satp), 4.3.1 (PTE fields and their rules, shared by every Sv mode),
 * 4.3.2 (the translation process), 4.4-4.6 (Sv39, Sv48, Sv57 layouts); and
 * its chapters "Svnapot" (version 1.0) and "Svpbmt" (version 1.0).
 *
 * Levels: the manual numbers levels from the 4 KiB level up (level i uses
 * VPN[i]), exactly as we do, so our level l is the manual's level l. Sv39 has
 * 3 levels, Sv48 4, Sv57 5; each table is one 4 KiB page of 512 entries and
 * every level may hold a leaf: 4K, 2M (mega), 1G (giga), 512G (tera, Sv48 and
 * up) and 256T (peta, Sv57) pages. With VCM_PT_CFG_RISCV_SVNAPOT, 16 aligned
 * 4 KiB entries may form a 64 KiB NAPOT leaf (the only size Svnapot 1.0
 * defines). Input size is fixed by the mode: cfg->ias is 39, 48 or 57
 * (0 = 39), because satp has no size field and the top table is always
 * walked whole. Output size 32..56 bits (0 = 56; PPN is 44 bits).
 *
 * Addresses: the hardware requires bits 63..ias of a virtual address to copy
 * bit ias-1. Our da is the low ias bits: a da with bit ias-1 set is the upper
 * half, the address the CPU issues being da sign-extended from bit ias-1.
 *
 * Attributes: every leaf has V, R and A set, D when writable (so a walker
 * that updates A/D in hardware never writes to our tables, and one that
 * faults on clear A/D, Svade, never faults); G unless NONGLOBAL. Table
 * entries carry V alone (4.3.1: D, A and U are reserved in non-leaf PTEs).
 * Memory types: without Svpbmt only the PMA's (WBWA, the default prot) can be
 * stated; with VCM_PT_CFG_RISCV_SVPBMT, PBMT NC (inner and outer NC) and IO
 * (VCM_PT_PROT_DEVICE) too. Write-through, write-back without write-allocate
 * and mixed inner/outer policies have no encoding and are refused, as is a
 * shareability other than 0 (coherence is a PMA, not a PTE bit).
 *
 * Left out: Sv32 (32-bit PTEs), the hypervisor G-stage (Sv39x4...), ASIDs in
 * satp (ASID 0; NONGLOBAL only clears G), execute-only and write-only
 * leaves (prot always has READ), Secure state (no such thing), the N and
 * PBMT bits in non-leaf entries (reserved).
 */
#include "fmt_common.h"

/* 4.3.1, the same low bits in the Sv39/48/57 PTEs of 4.4-4.6. */
#define RV_V     VCM_BIT(0)
#define RV_R     VCM_BIT(1)
#define RV_W     VCM_BIT(2)
#define RV_X     VCM_BIT(3)
#define RV_U     VCM_BIT(4)
#define RV_G     VCM_BIT(5)
#define RV_A     VCM_BIT(6)
#define RV_D     VCM_BIT(7)
#define RV_PPN   VCM_GENMASK(53, 10) /* PPN[*], 44 bits */
/* Svpbmt: PBMT bits 62:61; 0 PMA, 1 NC, 2 IO, 3 reserved. */
#define RV_PBMT  VCM_GENMASK(62, 61)
#define RV_PBMT_PMA 0U
#define RV_PBMT_NC  1U
#define RV_PBMT_IO  2U
/* Svnapot: N bit 63; with ppn[3:0] = 0b1000 a 64 KiB range at level 0. */
#define RV_N     VCM_BIT(63)
#define RV_NAPOT_PPN_LOW VCM_GENMASK(13, 10) /* ppn[3:0] in the entry */
#define RV_NAPOT_64K     VCM_BIT(13)          /* ppn[3:0] = 0b1000 */
#define RV_NAPOT_LG2     4U                   /* 16 entries */

/* 4.1.11: satp in RV64, MODE 63:60 (8 Sv39, 9 Sv48, 10 Sv57), ASID 59:44, PPN 43:0. */
#define SATP_MODE VCM_GENMASK(63, 60)
#define SATP_ASID VCM_GENMASK(59, 44)
#define SATP_PPN  VCM_GENMASK(43, 0)
#define SATP_MODE_SV39 8U

static bool napot(const struct vcm_pt *pt)
{
	return (pt->cfg.flags & VCM_PT_CFG_RISCV_SVNAPOT) != 0U;
}

static int riscv_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	unsigned int g = cfg->granule_lg2 != 0U ? cfg->granule_lg2 : 12U;
	uint64_t all = 0;
	unsigned int levels;

	if (g != 12U)
		return VCM_ERR(diag, -EINVAL, "cfg->granule_lg2 %u: riscv takes only 12", g);
	pt->ias = cfg->ias != 0U ? cfg->ias : 39U;
	pt->oas = cfg->oas != 0U ? cfg->oas : 56U;
	if (pt->ias != 39U && pt->ias != 48U && pt->ias != 57U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->ias %u: riscv takes 39 (Sv39), 48 (Sv48) or 57 (Sv57)",
			       pt->ias);
	if (pt->oas < 32U || pt->oas > 56U)
		return VCM_ERR(diag, -EINVAL, "cfg->oas %u: riscv takes 32 to 56", pt->oas);
	if ((cfg->flags & VCM_PT_CFG_STAGE2) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->flags: riscv has no stage 2 here (the G-stage is left out)");
	if ((cfg->flags & VCM_PT_CFG_SECURE) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags: riscv has no Secure state");
	if (cfg->mair != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->mair: riscv tables have no MAIR");

	/* 4.4-4.6: 9 bits of VPN per level above the 12-bit page offset. */
	levels = (pt->ias - 12U) / 9U;
	vcm_pt_geometry_(pt, levels, 12U, 9U);
	pt->item_lg2 = 3;
	pt->start_level = levels - 1U;
	for (unsigned int lvl = 0; lvl < levels; lvl++) {
		pt->leaf_ok[lvl] = true; /* 4.3.2 steps 4-5: a leaf may sit at any level */
		all |= UINT64_C(1) << pt->shift[lvl];
	}
	if (napot(pt)) {
		pt->contig_lg2[0] = RV_NAPOT_LG2;
		all |= UINT64_C(1) << (12U + RV_NAPOT_LG2);
	}
	return fmt_pick_sizes_(pt, diag, all);
}

/* The PBMT value for @prot's memory type, or -1 when RISC-V cannot state it. */
static int pbmt_of(const struct vcm_pt *pt, unsigned int prot)
{
	unsigned int inner = VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot);
	unsigned int outer = VCM_FIELD_GET(VCM_PT_PROT_OUTER_MASK, prot);
	bool svpbmt = (pt->cfg.flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U;

	if ((prot & VCM_PT_PROT_DEVICE) != 0U)
		return svpbmt ? (int)RV_PBMT_IO : -1;
	if (inner != outer)
		return -1; /* one memory type per page */
	if (inner == VCM_PT_CACHE_WBWA)
		return (int)RV_PBMT_PMA;
	if (inner == VCM_PT_CACHE_NC && svpbmt)
		return (int)RV_PBMT_NC;
	return -1;
}

static int riscv_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
			      struct vcm_pt_attr *attr)
{
	/* A always; D with W (4.3.1: A/D either set by software or by the walker). */
	uint64_t a = RV_V | RV_R | RV_A;
	int pbmt = pbmt_of(pt, prot);

	if ((prot & VCM_PT_PROT_SECURE) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: riscv has no Secure state", prot);
	if ((prot & VCM_PT_PROT_SH_MASK) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: riscv PTEs carry no shareability (coherence is a PMA)",
			       prot);
	if (pbmt < 0)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: riscv%s states only %s", prot,
			       (pt->cfg.flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U ? " with Svpbmt" : "",
			       (pt->cfg.flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U ?
			       "WBWA (PMA), NC and DEVICE (IO)" :
			       "the PMA's memory type (WBWA); Svpbmt is off");
	a |= VCM_FIELD_PREP(RV_PBMT, (unsigned int)pbmt);
	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		a |= RV_W;
	/* D preset, unless the walker is to record writes (Svadu, or the IOMMU's ADE) */
	if ((prot & VCM_PT_PROT_WRITE) != 0U && (pt->cfg.flags & VCM_PT_CFG_DIRTY) == 0U)
		a |= RV_D;
	if ((prot & VCM_PT_PROT_EXEC) != 0U)
		a |= RV_X;
	if ((prot & VCM_PT_PROT_USER) != 0U)
		a |= RV_U;
	if ((prot & VCM_PT_PROT_NONGLOBAL) == 0U)
		a |= RV_G;
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		attr->bits[lvl][0] = a;
		attr->bits[lvl][1] = a | RV_N; /* used at level 0 only (contig_lg2) */
	}
	return 0;
}

static inline unsigned int riscv_kind(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	if ((e & RV_V) == 0U)
		return FMT_EMPTY;
	/* 4.3.2 step 4: R = W = X = 0 points to the next level; none below level 0. */
	if ((e & (RV_R | RV_W | RV_X)) == 0U)
		return lvl != 0U ? FMT_TABLE : FMT_EMPTY;
	/*
	 * W without R is reserved (4.3.1, 4.3.2 step 3). Execute-only leaves are valid but never
	 * ours (prot has READ) and decode to no prot: treated as foreign.
	 */
	if ((e & RV_R) == 0U)
		return FMT_EMPTY;
	/* Svnapot: N only at level 0 with ppn[3:0] = 0b1000; other encodings reserved. */
	if ((e & RV_N) != 0U && (lvl != 0U || (e & RV_NAPOT_PPN_LOW) != RV_NAPOT_64K))
		return FMT_EMPTY;
	return FMT_LEAF;
}

static inline bool riscv_leaf_contig(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	return (e & RV_N) != 0U;
}

static inline void riscv_single_leaf_mask(const struct vcm_pt *pt, unsigned int lvl,
					  uint64_t *mask, uint64_t *value)
{
	/* our leaves always have R; a lone one has N clear */
	(void)pt;
	(void)lvl;
	*mask = RV_V | RV_R | RV_N;
	*value = RV_V | RV_R;
}

static inline vcm_pa_t riscv_entry_pa(uint64_t e)
{
	return VCM_FIELD_GET(RV_PPN, e) << 12;
}

static inline vcm_pa_t riscv_leaf_pa(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	/* a NAPOT member names its group: ppn[3:0] is the size, not the address */
	if ((e & RV_N) != 0U)
		e &= ~RV_NAPOT_PPN_LOW;
	return riscv_entry_pa(e);
}

static inline vcm_pa_t riscv_table_pa(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	return riscv_entry_pa(e);
}

static inline uint64_t riscv_leaf_encode(const struct vcm_pt *pt, unsigned int lvl, bool contig,
					 vcm_pa_t pa, const struct vcm_pt_attr *a)
{
	uint64_t ppn = VCM_FIELD_PREP(RV_PPN, pa >> 12);

	(void)pt;
	if (contig)
		ppn = (ppn & ~RV_NAPOT_PPN_LOW) | RV_NAPOT_64K;
	return ppn | a->bits[lvl][contig];
}

static inline uint64_t riscv_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)pt;
	(void)lvl;
	return VCM_FIELD_PREP(RV_PPN, pa >> 12) | RV_V;
}

static inline unsigned int riscv_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	unsigned int prot = VCM_PT_PROT_READ;

	(void)pt;
	(void)lvl;
	if ((e & RV_W) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((e & RV_X) != 0U)
		prot |= VCM_PT_PROT_EXEC;
	if ((e & RV_U) != 0U)
		prot |= VCM_PT_PROT_USER;
	if ((e & RV_G) == 0U)
		prot |= VCM_PT_PROT_NONGLOBAL;
	switch (VCM_FIELD_GET(RV_PBMT, e)) {
	case RV_PBMT_NC:
		prot |= VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) | VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC);
		break;
	case RV_PBMT_IO:
		prot |= VCM_PT_PROT_DEVICE;
		break;
	default:
		break;
	}
	return prot;
}

static void riscv_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	/* MODE 8, 9, 10 for 3, 4, 5 levels; ASID 0 */
	out->regs[0] = VCM_FIELD_PREP(SATP_MODE, SATP_MODE_SV39 + pt->levels - 3U) |
		       VCM_FIELD_PREP(SATP_ASID, 0U) |
		       VCM_FIELD_PREP(SATP_PPN, pt->root_pa >> 12);
	out->regs[1] = 0;
	out->regs[2] = 0;
	out->reg_names[0] = "satp";
	out->reg_names[1] = "";
	out->reg_names[2] = "";
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init riscv_init
#define fmt_prot_to_attr riscv_prot_to_attr
#define fmt_hw riscv_hw
#define fmt_kind riscv_kind
#define fmt_leaf_contig riscv_leaf_contig
#define fmt_single_leaf_mask riscv_single_leaf_mask
#define fmt_leaf_pa riscv_leaf_pa
#define fmt_table_pa riscv_table_pa
#define fmt_leaf_encode riscv_leaf_encode
#define fmt_table_encode riscv_table_encode
#define fmt_leaf_prot riscv_leaf_prot
#define FMT_ITEM     uint64_t
#define FMT_ITEM_LG2 3U
#define FMT_PREFIX   riscv
#define FMT_OPS      vcm_pt_fmt_riscv
#define FMT_NAME     "riscv"
#define FMT_CFG_EXT  (VCM_PT_CFG_RISCV_ALL | VCM_PT_CFG_DIRTY)
#define FMT_HW_DIRTY_BIT(pt) RV_D
#include "fmt_defaults.h"
#include "walk_template.h"
