// SPDX-License-Identifier: MIT
/*
 * The MSM-like System MMU's walker: the ARMv7 short-descriptor format, read
 * from table memory and decoded bit by bit, the way the hardware walks it.
 *
 * Source: ARM Architecture Reference Manual ARMv7-A and ARMv7-R edition,
 * DDI 0406C.d: B3.5.1 (short-descriptor formats: first-level fault, page
 * table, section, supersection; second-level fault, large page, small page),
 * B3.5.4-B3.5.5 (selecting TTBR0 with TTBCR.N, the first-level index), B3.7.1
 * (AP[2:0] with SCTLR.AFE = 0), B4.1.153 (TTBCR), B4.1.154 (TTBR0).
 *
 * This file does not use the pgtable layer: it is a second reading of the
 * manual, so that a test can catch the two disagreeing.
 *
 * The bank has one base register, TTBR0; with TTBCR.N > 0 an address above
 * the TTBR0 region would use TTBR1, which is not modelled (translation fault).
 * Left out: domains and the DACR (every domain is a client, so AP is always
 * checked), the access flag model (AFE = 1) and TEX remap (memory attributes
 * are not decoded: the model moves bytes, it does not cache them), PXN (the
 * 0b11 first-level encoding is therefore a fault, as on implementations
 * without PXN), the Secure/Non-secure split (NS bits are ignored).
 *
 * Faults (B3.12.3, the short-descriptor fault status encodings): a fault
 * entry or the reserved encoding in the first-level table is a section
 * translation fault (level 1), in the second-level table a page translation
 * fault (level 2); a walk disabled by TTBCR.PD0 and an address in the
 * unmodelled TTBR1 region are section translation faults with no entry read;
 * a descriptor read with no memory behind it is an external abort on the
 * walk at the level that read it. There is no access flag (AFE = 0) and no
 * address size fault in this format.
 */
#include "sim_internal.h"

/* B4.1.153 TTBCR. */
#define TTBCR_N      VCM_GENMASK(2, 0)
#define TTBCR_PD0    VCM_BIT(4)
#define TTBCR_EAE    VCM_BIT(31)   /* long descriptors: not this model */

/* B3.5.1 first level, bits[1:0]. */
#define L1_KIND       VCM_GENMASK(1, 0)
#define L1_KIND_PT    1U
#define L1_KIND_SECT  2U
#define L1_PT_BASE    VCM_GENMASK(31, 10)  /* second-level table, 1 KiB aligned */
#define L1_SUPER      VCM_BIT(18)          /* section with bit 18 set: supersection */
#define L1_XN         VCM_BIT(4)
#define L1_AP_LO      VCM_GENMASK(11, 10)  /* AP[1:0] */
#define L1_AP_HI      VCM_BIT(15)          /* AP[2] */
#define L1_SECT_BASE  VCM_GENMASK(31, 20)
#define L1_SUPER_BASE VCM_GENMASK(31, 24)
#define L1_SUPER_PA35 VCM_GENMASK(23, 20)  /* PA[35:32] of a supersection */
#define L1_SUPER_PA39 VCM_GENMASK(8, 5)    /* PA[39:36] of a supersection */

/* B3.5.1 second level, bits[1:0]: 0b00 fault, 0b01 large page, 0b1x small page. */
#define L2_KIND       VCM_GENMASK(1, 0)
#define L2_KIND_LARGE 1U
#define L2_SMALL      VCM_BIT(1)
#define L2_SMALL_XN   VCM_BIT(0)
#define L2_LARGE_XN   VCM_BIT(15)
#define L2_AP_LO      VCM_GENMASK(5, 4)
#define L2_AP_HI      VCM_BIT(9)
#define L2_SMALL_BASE VCM_GENMASK(31, 12)
#define L2_LARGE_BASE VCM_GENMASK(31, 16)

#define RW (VCM_ACCESS_READ | VCM_ACCESS_WRITE)
#define RO VCM_ACCESS_READ

/*
 * B3.7.1, Table B3-8 (AFE = 0): AP[2:0] -> privileged / unprivileged access.
 * 0b100 is reserved; the model grants nothing for it.
 */
static const uint8_t ap_priv[8] = { 0, RW, RW, RW, 0, RO, RO, RO };
static const uint8_t ap_user[8] = { 0, 0, RO, RW, 0, 0, RO, RO };

static void set_perms(struct vcm_sim_xlate *x, unsigned int ap, bool xn)
{
	unsigned int exec = xn ? 0U : VCM_ACCESS_EXEC;

	/* instruction fetches also need read permission at that privilege */
	x->priv = ap_priv[ap] | (ap_priv[ap] != 0U ? exec : 0U);
	x->user = ap_user[ap] | (ap_user[ap] != 0U ? exec : 0U);
}

/* AP[2:0] of a descriptor whose AP[1:0] field is @lo and AP[2] bit is @hi. */
static unsigned int ap_bits(uint64_t d, uint64_t lo, uint64_t hi)
{
	return (unsigned int)VCM_FIELD_GET(lo, d) | ((d & hi) != 0U ? 4U : 0U);
}

static int v7s_program(struct vcm_sim_iommu *iommu, struct sim_bank *b,
		       const struct vcm_hw_regs *hw, struct vcm_diag *diag)
{
	uint64_t ttbcr = hw->regs[0], ttbr0 = hw->regs[2];
	unsigned int n;

	(void)iommu;
	if ((ttbcr & TTBCR_EAE) != 0U)
		return VCM_ERR(diag, -EINVAL,
				"TTBCR %#llx: EAE set, the MSM model walks short descriptors",
				vcm_ull(ttbcr));
	if (ttbr0 > UINT32_MAX)
		return VCM_ERR(diag, -EINVAL, "TTBR0 %#llx is wider than 32 bits",
				vcm_ull(ttbr0));
	n = (unsigned int)VCM_FIELD_GET(TTBCR_N, ttbcr);
	b->ias = 32U - n;
	b->oas = 40U; /* supersections reach 40 bits */
	b->granule_lg2 = 12;
	b->start_level = 1;
	b->top_bits = 12U - n;
	/* B4.1.154: the table base is TTBR0[31:14-N]; the bits below are walk attributes */
	b->table_pa = ttbr0 & VCM_GENMASK(31, 14U - n);
	b->walk_off = (ttbcr & TTBCR_PD0) != 0U;
	if (hw->root_pa != b->table_pa)
		return VCM_ERR(diag, -EINVAL, "hw->root_pa %#llx but TTBR0 gives %#llx",
				vcm_ull(hw->root_pa), vcm_ull(b->table_pa));
	if (hw->levels != 2U || hw->start_level != 1U || hw->concat > 1U)
		return VCM_ERR(diag, -EINVAL,
				"hw gives %u levels from level %u, %u concatenated; short "
				"descriptors have 2 from level 1", hw->levels, hw->start_level,
				hw->concat);
	return 0;
}

static int v7s_walk(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		    struct vcm_sim_xlate *x, struct vcm_fault *f)
{
	vcm_pa_t desc_pa;
	uint64_t d;
	unsigned int ap;

	sim_memset(x, 0, sizeof(*x));
	/* 32-bit input; above TTBR0's part of it (TTBCR.N) is TTBR1's, not modelled */
	if ((da >> b->ias) != 0U)
		return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, 1, VCM_FAULT_DESC_NONE);
	/* B3.5.5: first-level index is VA[31-N:20], 4-byte entries */
	desc_pa = b->table_pa + ((da >> 20) << 2);
	if (sim_read_desc_(iommu, desc_pa, 4, &d) != 0)
		return sim_walk_fault_(f, VCM_FAULT_EXTERNAL, 1, desc_pa);
	x->reads = 1;
	switch ((unsigned int)(d & L1_KIND)) {
	case L1_KIND_SECT:
		x->level = 1;
		if ((d & L1_SUPER) != 0U) {
			x->size_lg2 = 24;
			x->page_pa = (d & L1_SUPER_BASE) |
				     (VCM_FIELD_GET(L1_SUPER_PA35, d) << 32) |
				     (VCM_FIELD_GET(L1_SUPER_PA39, d) << 36);
		} else {
			x->size_lg2 = 20;
			x->page_pa = d & L1_SECT_BASE;
		}
		ap = ap_bits(d, L1_AP_LO, L1_AP_HI);
		set_perms(x, ap, (d & L1_XN) != 0U);
		break;
	case L1_KIND_PT:
		/* B3.5.1: second-level index VA[19:12], 256 entries of 4 bytes */
		desc_pa = (d & L1_PT_BASE) + (((da >> 12) & 0xffU) << 2);
		if (sim_read_desc_(iommu, desc_pa, 4, &d) != 0)
			return sim_walk_fault_(f, VCM_FAULT_EXTERNAL, 2, desc_pa);
		x->reads = 2;
		x->level = 2;
		if ((d & L2_SMALL) != 0U) {
			x->size_lg2 = 12;
			x->page_pa = d & L2_SMALL_BASE;
			ap = ap_bits(d, L2_AP_LO, L2_AP_HI);
			set_perms(x, ap, (d & L2_SMALL_XN) != 0U);
		} else if ((d & L2_KIND) == L2_KIND_LARGE) {
			x->size_lg2 = 16;
			x->page_pa = d & L2_LARGE_BASE;
			ap = ap_bits(d, L2_AP_LO, L2_AP_HI);
			set_perms(x, ap, (d & L2_LARGE_XN) != 0U);
		} else {
			return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, 2, desc_pa);
		}
		break;
	default:
		/* 0b00 fault; 0b11 reserved without PXN */
		return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, 1, desc_pa);
	}
	x->desc_pa = desc_pa;
	x->page_da = da & ~(VCM_BIT(x->size_lg2) - 1U);
	x->pa = x->page_pa + (da - x->page_da);
	return 0;
}

/* A first-level entry covers 1 MiB (a supersection repeats it 16 times), a
 * second-level one 4 KiB (a large page repeats it 16 times). */
static unsigned int v7s_desc_lg2(const struct sim_bank *b, unsigned int level)
{
	(void)b;
	return level == 1U ? 20U : 12U;
}

const struct sim_walker sim_walker_v7s_ = {
	.program = v7s_program,
	.walk = v7s_walk,
	.desc_lg2 = v7s_desc_lg2,
	.desc_bytes = 4,
	.stage = 0,
	.off_level = 1, /* PD0: a section translation fault */
	.hw_version = 0x0100U, /* MSM IOMMU v1 in spirit: v1.0 */
};
