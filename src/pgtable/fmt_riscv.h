/* SPDX-License-Identifier: MIT */
/*
 * What the two RISC-V format files share: fmt_riscv.c (64-bit PTEs: Sv39,
 * Sv48, Sv57 and the G-stage Sv39x4, Sv48x4, Sv57x4) and fmt_riscv32.c
 * (32-bit PTEs: Sv32 and the G-stage Sv32x4). The low ten bits of a PTE mean
 * the same in every mode (Privileged ISA 20211203, 4.3.1), and so do the
 * rules of 4.3.2; only the PPN field's width, the N and PBMT bits (64-bit
 * PTEs only) and the root register differ. Entries are handled here as
 * uint64_t; a 32-bit PTE widens to one with bits 63:32 clear.
 *
 * The G-stage (Privileged ISA 20211203, 8.5.1, Guest Physical Address
 * Translation): the same walk with hgatp for satp, an input two bits wider
 * than its Sv mode, a root table four times larger (16 KiB, aligned to
 * 16 KiB), every access checked as a U-mode access (so a leaf without U
 * faults) and the G bit unused (software clears it). VCM_PT_CFG_STAGE2 asks
 * for it.
 */
#ifndef VCM_PT_FMT_RISCV_H
#define VCM_PT_FMT_RISCV_H

#include "fmt_common.h"

/* 4.3.1: the low bits, the same in Sv32, Sv39, Sv48 and Sv57 PTEs. */
#define RV_V     VCM_BIT(0)
#define RV_R     VCM_BIT(1)
#define RV_W     VCM_BIT(2)
#define RV_X     VCM_BIT(3)
#define RV_U     VCM_BIT(4)
#define RV_G     VCM_BIT(5)
#define RV_A     VCM_BIT(6)
#define RV_D     VCM_BIT(7)
#define RV_PPN_SHIFT 10U /* PPN starts at bit 10 and names a 4 KiB page */
/* Svpbmt: PBMT bits 62:61; 0 PMA, 1 NC, 2 IO, 3 reserved (64-bit PTEs only). */
#define RV_PBMT  VCM_GENMASK(62, 61)
#define RV_PBMT_PMA 0U
#define RV_PBMT_NC  1U
#define RV_PBMT_IO  2U
/* Svnapot: N bit 63 (64-bit PTEs only). */
#define RV_N     VCM_BIT(63)

/* The table is a G-stage table (hgatp), not a VS/S-stage one (satp). */
static inline bool rv_gstage(const struct vcm_pt *pt)
{
	return (pt->cfg.flags & VCM_PT_CFG_STAGE2) != 0U;
}

/*
 * The checks of fmt_init() that do not depend on the PTE size: the granule,
 * SECURE, MAIR. @name is the format as the messages spell it.
 */
static inline int rv_check_cfg(struct vcm_pt *pt, struct vcm_diag *diag, const char *name)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	unsigned int g = cfg->granule_lg2 != 0U ? cfg->granule_lg2 : 12U;

	if (g != 12U)
		return VCM_ERR(diag, -EINVAL, "cfg->granule_lg2 %u: %s takes only 12", g, name);
	if ((cfg->flags & VCM_PT_CFG_SECURE) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags: %s has no Secure state", name);
	if (cfg->mair != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->mair: %s tables have no MAIR", name);
	return 0;
}

/* The PBMT value for @prot's memory type, or -1 when the table cannot state it. */
static inline int rv_pbmt_of(const struct vcm_pt *pt, unsigned int prot)
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

/*
 * The bits every leaf of @prot carries (no PPN, no N), or -EOPNOTSUPP with a
 * message naming what @name cannot state.
 */
static inline int rv_leaf_bits(struct vcm_pt *pt, unsigned int prot, const char *name,
			       uint64_t *out)
{
	/* A always; D with W (4.3.1: A/D either set by software or by the walker). */
	uint64_t a = RV_V | RV_R | RV_A;
	bool svpbmt = (pt->cfg.flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U;
	int pbmt = rv_pbmt_of(pt, prot);

	if ((prot & VCM_PT_PROT_SECURE) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP, "prot %#x: %s has no Secure state", prot,
			       name);
	if ((prot & VCM_PT_PROT_SH_MASK) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: %s PTEs carry no shareability (coherence is a PMA)",
			       prot, name);
	/* 8.5.1: G-stage accesses are all user-level and the G bit is unused */
	if (rv_gstage(pt) && (prot & (VCM_PT_PROT_USER | VCM_PT_PROT_NONGLOBAL)) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: a %s G-stage has no USER or NONGLOBAL (every access "
			       "is a user access)", prot, name);
	if (pbmt < 0)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP, "prot %#x: %s%s states only %s", prot,
			       name, svpbmt ? " with Svpbmt" : "",
			       svpbmt ? "WBWA (PMA), NC and DEVICE (IO)" :
			       "the PMA's memory type (WBWA); Svpbmt is off");
	a |= VCM_FIELD_PREP(RV_PBMT, (unsigned int)pbmt);
	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		a |= RV_W;
	/* D preset, unless the walker is to record writes (Svadu, or the IOMMU's ADE) */
	if ((prot & VCM_PT_PROT_WRITE) != 0U && (pt->cfg.flags & VCM_PT_CFG_DIRTY) == 0U)
		a |= RV_D;
	if ((prot & VCM_PT_PROT_EXEC) != 0U)
		a |= RV_X;
	/* 8.5.1: a G-stage leaf without U faults every access */
	if ((prot & VCM_PT_PROT_USER) != 0U || rv_gstage(pt))
		a |= RV_U;
	if ((prot & VCM_PT_PROT_NONGLOBAL) == 0U && !rv_gstage(pt))
		a |= RV_G;
	*out = a;
	return 0;
}

/*
 * FMT_EMPTY, FMT_TABLE or FMT_LEAF from the bits 4.3.2 looks at (N and the
 * NAPOT encoding are the caller's).
 */
static inline unsigned int rv_kind(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	if ((e & RV_V) == 0U)
		return FMT_EMPTY;
	/* 4.3.2 step 4: R = W = X = 0 points to the next level; none below level 0. */
	if ((e & (RV_R | RV_W | RV_X)) == 0U)
		return lvl != 0U ? FMT_TABLE : FMT_EMPTY;
	/*
	 * W without R is reserved (4.3.1, 4.3.2 step 3). Execute-only leaves are valid but never
	 * ours (prot has READ) and decode to no prot: treated as foreign. So is a G-stage
	 * leaf without U, which every access faults on (8.5.1).
	 */
	if ((e & RV_R) == 0U || (rv_gstage(pt) && (e & RV_U) == 0U))
		return FMT_EMPTY;
	return FMT_LEAF;
}

/* The prot a leaf was encoded from by rv_leaf_bits(). */
static inline unsigned int rv_leaf_prot(const struct vcm_pt *pt, uint64_t e)
{
	unsigned int prot = VCM_PT_PROT_READ;

	if ((e & RV_W) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((e & RV_X) != 0U)
		prot |= VCM_PT_PROT_EXEC;
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
	if (rv_gstage(pt))
		return prot; /* U always set, G always clear */
	if ((e & RV_U) != 0U)
		prot |= VCM_PT_PROT_USER;
	if ((e & RV_G) == 0U)
		prot |= VCM_PT_PROT_NONGLOBAL;
	return prot;
}

#endif /* VCM_PT_FMT_RISCV_H */
