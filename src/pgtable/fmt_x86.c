// SPDX-License-Identifier: MIT
/*
 * x86-64 paging, 4-level (48-bit) and 5-level (57-bit), as the CPU walks it.
 *
 * Source: Intel 64 and IA-32 Architectures Software Developer's Manual,
 * Volume 3A (order number 253668, revision 078, December 2022), chapter 4
 * "Paging": section "4-Level Paging and 5-Level Paging" (the tables giving the
 * formats of PML5E, PML4E, PDPTE, PDE and PTE), section "Access Rights"; the
 * memory types from chapter "Memory Cache Control", section "Page Attribute
 * Table (PAT)" (table "Selection of PAT Entries with PAT, PCD, and PWT Flags"
 * and the power-up value of IA32_PAT).
 *
 * Levels: our level 0 is the page table (PTE, 4 KiB pages), 1 the page
 * directory (PDE, 2 MiB pages with PS), 2 the page-directory-pointer table
 * (PDPTE, 1 GiB pages with PS; the CPU must report CPUID.80000001H:EDX.Page1GB,
 * otherwise leave 1G out of cfg->page_sizes), 3 the PML4 and 4 the PML5.
 * vcm_pt_hw() reports start_level 4 or 5, the manual's name of the top table.
 * Input: cfg->ias 48 (4 levels) or 57 (5 levels) only. A da is the address
 * with its sign-extension removed: da bit ias-1 set is the upper canonical half
 * (da | ~(2^ias - 1) is what the program issues). Output: cfg->oas 32..52, the
 * CPU's MAXPHYADDR (CPUID.80000008H:EAX[7:0]), default 52; entry bits at and
 * above it are reserved and fault.
 *
 * Attributes: READ is implied by P; WRITE sets R/W, USER sets U/S, a mapping
 * without EXEC sets XD (so EFER.NXE must be 1), a mapping without NONGLOBAL
 * sets G (effective with CR4.PGE). Cache policies are found by value in the
 * IA32_PAT MSR (cfg->mair carries it; 0 = the power-up value
 * 0x0007040600070406: WB, WT, UC-, UC twice): WBWA -> WB, WT -> WT, NC -> UC-
 * (or WC), DEVICE -> UC; the entry gets the PWT/PCD/PAT index of the first PAT
 * entry of that type. Table entries allow everything (P, R/W, U/S set, XD
 * clear, PWT/PCD 0), so the leaf alone decides. Leaves have A and D set, so
 * the walker never writes the tables.
 *
 * Refused (-EOPNOTSUPP): SECURE; a shareability other than NONE (x86 memory is
 * coherent and has no such field); inner and outer policies that differ (one
 * memory type per page); WBNWA (WB has no allocation hint); a policy the PAT
 * lacks. Refused at create (-EINVAL): STAGE2 and SECURE flags (the VT-d second
 * stage is its own format, fmt_vtd.c), a PAT byte that is not a memory type.
 *
 * Left out: 32-bit and PAE paging, protection keys (bits 62:59, left 0), the
 * ignored bits for software, HLAT, CR3.PCID (the driver puts a PCID in
 * CR3 bits 11:0 itself), the no-execute-less mode (EFER.NXE = 0).
 *
 * vcm_pt_hw() regs: CR3 (root pa; PWT/PCD 0: the walker's reads are
 * write-back), the CR4 bits the table needs (PAE, PGE, and LA57 for 5 levels)
 * and IA32_PAT. EFER must have LME and NXE set; CR0.WP makes read-only pages
 * read-only for the kernel too.
 */
#include "fmt_common.h"

/* SDM Vol. 3A ch. 4, formats of paging-structure entries (4-level/5-level). */
#define X86_P     VCM_BIT(0)
#define X86_RW    VCM_BIT(1)
#define X86_US    VCM_BIT(2)
#define X86_PWT   VCM_BIT(3)
#define X86_PCD   VCM_BIT(4)
#define X86_A     VCM_BIT(5)
#define X86_D     VCM_BIT(6)            /* leaves only */
#define X86_PS    VCM_BIT(7)            /* PDE/PDPTE: maps a page; PTE: the PAT bit */
#define X86_PTE_PAT VCM_BIT(7)
#define X86_G     VCM_BIT(8)            /* leaves only */
#define X86_LARGE_PAT VCM_BIT(12)       /* 2M/1G pages; address bits start above it */
#define X86_ADDR  VCM_GENMASK(51, 12)
#define X86_XD    VCM_BIT(63)

/* SDM Vol. 3A, "Page Attribute Table (PAT)": memory type encodings. */
#define PAT_UC  0x00U
#define PAT_WC  0x01U
#define PAT_WT  0x04U
#define PAT_WP  0x05U
#define PAT_WB  0x06U
#define PAT_UCM 0x07U /* UC- */
#define X86_PAT_DEFAULT UINT64_C(0x0007040600070406) /* value after power-up or reset */

/* CR4 bits (SDM Vol. 3A, "Control Registers"). */
#define CR4_PAE  VCM_BIT(5)
#define CR4_PGE  VCM_BIT(7)
#define CR4_LA57 VCM_BIT(12)

static uint64_t oa_mask(const struct vcm_pt *pt)
{
	return X86_ADDR & vcm_low_mask(pt->oas);
}

static bool pat_type_ok(unsigned int t)
{
	return t == PAT_UC || t == PAT_WC || t == PAT_WT || t == PAT_WP || t == PAT_WB ||
	       t == PAT_UCM;
}

static int x86_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	uint64_t all = 0;

	if (cfg->granule_lg2 != 0U && cfg->granule_lg2 != 12U)
		return VCM_ERR(diag, -EINVAL, "cfg->granule_lg2 %u: x86_64 takes 12",
			       cfg->granule_lg2);
	if ((cfg->flags & (VCM_PT_CFG_STAGE2 | VCM_PT_CFG_SECURE)) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->flags %#x: x86_64 has no stage 2 or Secure state (VT-d second "
			       "stage is vcm_pt_fmt_vtd_ss)", (unsigned int)cfg->flags);
	pt->ias = cfg->ias != 0U ? cfg->ias : 48U;
	pt->oas = cfg->oas != 0U ? cfg->oas : 52U;
	if (pt->ias != 48U && pt->ias != 57U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->ias %u: x86_64 takes 48 (4 levels) or 57 (5 levels)", pt->ias);
	if (pt->oas < 32U || pt->oas > 52U)
		return VCM_ERR(diag, -EINVAL, "cfg->oas %u: x86_64 takes 32 to 52", pt->oas);
	pt->fmt_data = cfg->mair != 0U ? cfg->mair : X86_PAT_DEFAULT;
	for (unsigned int i = 0; i < 8U; i++)
		if (!pat_type_ok((unsigned int)(pt->fmt_data >> (8U * i)) & 0xffU))
			return VCM_ERR(diag, -EINVAL,
				       "cfg->mair (IA32_PAT) %#llx: PAT%u is not a memory type",
				       vcm_ull(cfg->mair), i);

	/* Each level resolves 9 bits above the 4 KiB page. */
	vcm_pt_geometry_(pt, pt->ias == 57U ? 5U : 4U, 12U, 9U);
	pt->item_lg2 = 3;
	pt->start_level = pt->levels; /* PML4 or PML5 */
	pt->leaf_ok[0] = true;
	pt->leaf_ok[1] = true;  /* PDE with PS: 2 MiB */
	pt->leaf_ok[2] = true;  /* PDPTE with PS: 1 GiB */
	for (unsigned int lvl = 0; lvl < 3U; lvl++)
		all |= UINT64_C(1) << pt->shift[lvl];
	return fmt_pick_sizes_(pt, diag, all);
}

/* The first PAT index holding @type, or -1. */
static int pat_find(uint64_t pat, unsigned int type)
{
	for (int i = 0; i < 8; i++)
		if (((pat >> (8 * i)) & 0xffU) == type)
			return i;
	return -1;
}

static int x86_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
			    struct vcm_pt_attr *attr)
{
	static const unsigned int cache_type[4] = {
		[VCM_PT_CACHE_WBWA] = PAT_WB, [VCM_PT_CACHE_NC] = PAT_UCM,
		[VCM_PT_CACHE_WT] = PAT_WT,
	};
	unsigned int inner = VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot);
	/* D preset unless the walker is to record writes (VCM_PT_CFG_DIRTY) */
	uint64_t a = X86_P | X86_A |
		     ((pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U ? 0U : X86_D);
	unsigned int type;
	int idx, ret;

	if ((prot & VCM_PT_PROT_SECURE) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP, "prot %#x: x86_64 has no Secure state",
			       prot);
	if ((prot & VCM_PT_PROT_SH_MASK) != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: x86_64 has no shareability field (memory is coherent)",
			       prot);
	ret = fmt_one_memtype_(pt, prot, "x86_64");
	if (ret < 0)
		return ret;
	type = (prot & VCM_PT_PROT_DEVICE) != 0U ? PAT_UC : cache_type[inner];
	idx = pat_find(pt->fmt_data, type);
	if (idx < 0 && type == PAT_UCM)
		idx = pat_find(pt->fmt_data, PAT_WC); /* the other uncached normal type */
	if (idx < 0)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP, "prot %#x: IA32_PAT %#llx has no type %#x",
			       prot, vcm_ull(pt->fmt_data), type);
	/* SDM "Access Rights": R/W, U/S, XD; G for global translations. */
	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		a |= X86_RW;
	if ((prot & VCM_PT_PROT_USER) != 0U)
		a |= X86_US;
	if ((prot & VCM_PT_PROT_EXEC) == 0U)
		a |= X86_XD;
	if ((prot & VCM_PT_PROT_NONGLOBAL) == 0U)
		a |= X86_G;
	/* PAT index = PAT:PCD:PWT; the PAT bit is bit 7 in a PTE, bit 12 above. */
	if ((idx & 1) != 0)
		a |= X86_PWT;
	if ((idx & 2) != 0)
		a |= X86_PCD;
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		uint64_t b = a;

		if (lvl != 0U)
			b |= X86_PS;
		if ((idx & 4) != 0)
			b |= lvl == 0U ? X86_PTE_PAT : X86_LARGE_PAT;
		attr->bits[lvl][0] = b;
		attr->bits[lvl][1] = b;
	}
	return 0;
}

static inline uint64_t x86_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)pt;
	(void)lvl;
	return pa | X86_P | X86_RW | X86_US | X86_A;
}

static inline unsigned int x86_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	unsigned int prot = VCM_PT_PROT_READ;
	unsigned int idx = ((e & X86_PWT) != 0U ? 1U : 0U) | ((e & X86_PCD) != 0U ? 2U : 0U) |
			   ((e & (lvl == 0U ? X86_PTE_PAT : X86_LARGE_PAT)) != 0U ? 4U : 0U);
	unsigned int type = (unsigned int)(pt->fmt_data >> (8U * idx)) & 0xffU;

	if ((e & X86_RW) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((e & X86_US) != 0U)
		prot |= VCM_PT_PROT_USER;
	if ((e & X86_XD) == 0U)
		prot |= VCM_PT_PROT_EXEC;
	if ((e & X86_G) == 0U)
		prot |= VCM_PT_PROT_NONGLOBAL;
	switch (type) {
	case PAT_UC:
		return prot | VCM_PT_PROT_DEVICE;
	case PAT_WB:
		return prot;
	case PAT_WT:
	case PAT_WP: /* not written by us */
		return prot | VCM_PT_PROT_INNER(VCM_PT_CACHE_WT) | VCM_PT_PROT_OUTER(VCM_PT_CACHE_WT);
	default: /* UC-, WC */
		return prot | VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) | VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC);
	}
}

static void x86_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	out->regs[0] = pt->root_pa;
	out->regs[1] = CR4_PAE | CR4_PGE | (pt->levels == 5U ? CR4_LA57 : 0U);
	out->regs[2] = pt->fmt_data;
	out->reg_names[0] = "CR3";
	out->reg_names[1] = "CR4";
	out->reg_names[2] = "IA32_PAT";
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init x86_init
#define fmt_prot_to_attr x86_prot_to_attr
#define fmt_hw x86_hw
#define fmt_table_encode x86_table_encode
#define fmt_leaf_prot x86_leaf_prot
#define FMT_ITEM     uint64_t
#define FMT_ITEM_LG2 3U
#define FMT_PREFIX   x86_64
#define FMT_OPS      vcm_pt_fmt_x86_64
#define FMT_NAME     "x86_64"
/* The rest from the defaults: the x86-64 entry layout (fmt_defaults.h). */
#define FMT_PS_PRESENT X86_P
#define FMT_PS_LEAF    X86_PS
#define FMT_OA_MASK(pt) oa_mask(pt)
/* 4.8 "Accessed and Dirty Flags": the processor sets D in the leaf it writes through */
#define FMT_HW_DIRTY_BIT(pt) X86_D
#define FMT_CFG_EXT  VCM_PT_CFG_DIRTY
#include "fmt_defaults.h"
#include "walk_template.h"
