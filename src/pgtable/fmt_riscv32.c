// SPDX-License-Identifier: MIT
/*
 * RISC-V Sv32 page tables (32-bit PTEs), as an RV32 hart's MMU (satp) and the
 * RISC-V IOMMU's first stage for 32-bit devices walk them, and the G-stage
 * format Sv32x4 (an RV32 hart's hgatp; the IOMMU's iohgatp when its G-stage
 * is 32-bit). The 64-bit modes are fmt_riscv.c; what both share is
 * fmt_riscv.h.
 *
 * Source: The RISC-V Instruction Set Manual, Volume II: Privileged
 * Architecture, document version 20211203: 4.1.11 (satp, RV32 layout), 4.3
 * (Sv32: 4.3.1 the PTE, 4.3.2 the translation process), 8.2.10 (hgatp, RV32
 * layout) and 8.5.1 (Sv32x4).
 *
 * Levels: two, the manual's level 1 (VPN[1], 10 bits, 4 MiB megapages) and
 * level 0 (VPN[0], 10 bits, 4 KiB pages); each table one 4 KiB page of 1024
 * 4-byte entries. cfg->ias is 32 (Sv32; the default) or, with
 * VCM_PT_CFG_STAGE2, 34 (Sv32x4: the top table resolves two more bits, 4096
 * entries, 16 KiB, 16 KiB-aligned). Output addresses are 34 bits (PPN 22
 * bits): cfg->oas 32 to 34 (0 = 34). Virtual addresses are not sign-extended
 * in Sv32.
 *
 * Attributes as in fmt_riscv.c (fmt_riscv.h): V, R, A on every leaf, W and D
 * together, U, G unless NONGLOBAL; at the G-stage U always and G never. Sv32
 * PTEs have no N or PBMT bits: Svnapot and Svpbmt apply to RV64 only
 * (VCM_PT_CFG_RISCV_* are refused), so the one memory type is the PMA's.
 *
 * Left out: ASIDs and VMIDs (0), execute-only leaves, RV64 harts running Sv32
 * (an RV64 satp has no Sv32 mode; an RV64 hgatp has no Sv32x4).
 */
#include "fmt_riscv.h"

#define RV32_PPN VCM_GENMASK(31, 10) /* PPN[1] 31:20, PPN[0] 19:10: 22 bits */

/*
 * 4.1.11: satp in RV32, MODE bit 31 (1 = Sv32), ASID 30:22, PPN 21:0.
 * 8.2.10: hgatp in RV32, MODE bit 31 (1 = Sv32x4), VMID 28:22, PPN 21:0.
 */
#define SATP32_MODE_SV32 VCM_BIT(31)
#define SATP32_PPN       VCM_GENMASK(21, 0)

static int riscv32_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	const unsigned int ias = rv_gstage(pt) ? 34U : 32U;
	int ret;

	ret = rv_check_cfg(pt, diag, "riscv32");
	if (ret != 0)
		return ret;
	pt->ias = cfg->ias != 0U ? cfg->ias : ias;
	pt->oas = cfg->oas != 0U ? cfg->oas : 34U;
	if (pt->ias != ias)
		return VCM_ERR(diag, -EINVAL, "cfg->ias %u: riscv32 takes %u (%s)", pt->ias, ias,
			       rv_gstage(pt) ? "Sv32x4" : "Sv32");
	if (pt->oas < 32U || pt->oas > 34U)
		return VCM_ERR(diag, -EINVAL, "cfg->oas %u: riscv32 takes 32 to 34", pt->oas);

	/* 4.3.1: 10 bits of VPN per level above the 12-bit page offset */
	vcm_pt_geometry_(pt, 2U, 12U, 10U);
	pt->item_lg2 = 2;
	pt->start_level = 1;
	pt->leaf_ok[0] = true; /* 4.3.2 steps 4-5: a leaf at either level */
	pt->leaf_ok[1] = true;
	return fmt_pick_sizes_(pt, diag, VCM_SZ_4K | (UINT64_C(1) << 22));
}

static int riscv32_prot_to_attr(struct vcm_pt *pt, unsigned int prot, struct vcm_pt_attr *attr)
{
	uint64_t a = 0;
	int ret = rv_leaf_bits(pt, prot, "riscv32", &a);

	if (ret != 0)
		return ret;
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		attr->bits[lvl][0] = a;
		attr->bits[lvl][1] = a; /* no groups in Sv32 */
	}
	return 0;
}

static inline unsigned int riscv32_kind(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	return rv_kind(pt, lvl, e);
}

static inline bool riscv32_leaf_contig(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	(void)pt;
	(void)lvl;
	(void)e;
	return false;
}

static inline void riscv32_single_leaf_mask(const struct vcm_pt *pt, unsigned int lvl,
					    uint32_t *mask, uint32_t *value)
{
	/* our leaves always have R (and U at the G-stage) */
	const uint32_t u = rv_gstage(pt) ? (uint32_t)RV_U : 0U;

	(void)lvl;
	*mask = (uint32_t)(RV_V | RV_R) | u;
	*value = *mask;
}

static inline vcm_pa_t riscv32_entry_pa(uint32_t e)
{
	return (vcm_pa_t)VCM_FIELD_GET(RV32_PPN, e) << 12;
}

static inline vcm_pa_t riscv32_leaf_pa(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	(void)pt;
	(void)lvl;
	return riscv32_entry_pa(e);
}

static inline vcm_pa_t riscv32_table_pa(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	(void)pt;
	(void)lvl;
	return riscv32_entry_pa(e);
}

static inline uint32_t riscv32_leaf_encode(const struct vcm_pt *pt, unsigned int lvl, bool contig,
					   vcm_pa_t pa, const struct vcm_pt_attr *a)
{
	(void)pt;
	return (uint32_t)(VCM_FIELD_PREP(RV32_PPN, pa >> 12) | a->bits[lvl][contig]);
}

static inline uint32_t riscv32_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)pt;
	(void)lvl;
	return (uint32_t)(VCM_FIELD_PREP(RV32_PPN, pa >> 12) | RV_V);
}

static inline unsigned int riscv32_leaf_prot(const struct vcm_pt *pt, unsigned int lvl,
					     uint32_t e)
{
	(void)lvl;
	return rv_leaf_prot(pt, e);
}

static void riscv32_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	/* satp and hgatp: MODE bit 31 and the PPN at the same place; ASID or VMID 0 */
	out->regs[0] = SATP32_MODE_SV32 | VCM_FIELD_PREP(SATP32_PPN, pt->root_pa >> 12);
	out->regs[1] = 0;
	out->regs[2] = 0;
	out->reg_names[0] = rv_gstage(pt) ? "hgatp" : "satp";
	out->reg_names[1] = "";
	out->reg_names[2] = "";
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init riscv32_init
#define fmt_prot_to_attr riscv32_prot_to_attr
#define fmt_hw riscv32_hw
#define fmt_kind riscv32_kind
#define fmt_leaf_contig riscv32_leaf_contig
#define fmt_single_leaf_mask riscv32_single_leaf_mask
#define fmt_leaf_pa riscv32_leaf_pa
#define fmt_table_pa riscv32_table_pa
#define fmt_leaf_encode riscv32_leaf_encode
#define fmt_table_encode riscv32_table_encode
#define fmt_leaf_prot riscv32_leaf_prot
#define FMT_ITEM     uint32_t
#define FMT_ITEM_LG2 2U
#define FMT_PREFIX   riscv32
#define FMT_OPS      vcm_pt_fmt_riscv32
#define FMT_NAME     "riscv32"
#define FMT_HW_DIRTY_BIT(pt) RV_D
#define FMT_CFG_EXT  VCM_PT_CFG_DIRTY
#include "fmt_defaults.h"
#include "walk_template.h"
