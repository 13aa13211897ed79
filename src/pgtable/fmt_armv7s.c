// SPDX-License-Identifier: MIT
/*
 * ARMv7 short-descriptor format, as walked by the ARMv7-A MMU and by System
 * MMUs of its generation (the Qualcomm MSM IOMMU among them).
 *
 * Source: ARM Architecture Reference Manual ARMv7-A and ARMv7-R edition,
 * DDI 0406C.d: B3.5 (short-descriptor format), B3.7.1 (access permissions,
 * SCTLR.AFE = 0), B3.8.2 (memory attributes with TEX remap off, SCTLR.TRE = 0),
 * B4.1.153 (TTBCR), B4.1.154 (TTBR0).
 *
 * Levels: our level 1 is the first-level table (4096 entries of 1 MiB, 16 KiB,
 * fewer when TTBCR.N shortens the input), our level 0 the second-level table
 * (256 entries of 4 KiB, 1 KiB). Leaves: 4 KiB small pages, 64 KiB large pages
 * (16 equal second-level entries), 1 MiB sections, 16 MiB supersections
 * (16 equal first-level entries): the last two and the large page are the
 * walker's "contiguous groups".
 *
 * Domains are all 0 (the walker sets DACR to client for domain 0). Output
 * addresses are 32-bit: supersection bits for 40-bit addresses are left out,
 * as are PXN (the LPAE-era extension) and the access-flag model (AFE = 1).
 * The S bit gives one shareability domain, outer shareable (B3.8.2 with
 * TRE = 0), so VCM_PT_SH_INNER is refused. NS on a small or large page is the
 * NS bit of the first-level entry that points to its table; tables walked in
 * the Secure state therefore point to Non-secure second-level tables, and a
 * Secure mapping must use sections.
 */
#include "fmt.h"

/* B3.5.1 first-level descriptor types, bits[1:0]. */
#define V7S_L1_TYPE      VCM_GENMASK(1, 0)
#define V7S_L1_TYPE_TABLE 0x1U
#define V7S_L1_SECTION   VCM_BIT(1)  /* 0b1x: section or supersection */
/* B3.5.1 page table descriptor. */
#define V7S_L1T_NS       VCM_BIT(3)
#define V7S_L1T_ADDR     VCM_GENMASK(31, 10)
/* B3.5.1 section and supersection descriptor. */
#define V7S_SEC_B        VCM_BIT(2)
#define V7S_SEC_C        VCM_BIT(3)
#define V7S_SEC_XN       VCM_BIT(4)
#define V7S_SEC_AP10     VCM_GENMASK(11, 10)
#define V7S_SEC_TEX      VCM_GENMASK(14, 12)
#define V7S_SEC_AP2      VCM_BIT(15)
#define V7S_SEC_S        VCM_BIT(16)
#define V7S_SEC_NG       VCM_BIT(17)
#define V7S_SEC_SUPER    VCM_BIT(18)
#define V7S_SEC_NS       VCM_BIT(19)
#define V7S_SEC_ADDR     VCM_GENMASK(31, 20)
#define V7S_SUPER_ADDR   VCM_GENMASK(31, 24)

/* B3.5.1 second-level descriptor types, bits[1:0]. */
#define V7S_L2_TYPE      VCM_GENMASK(1, 0)
#define V7S_L2_LARGE     0x1U        /* 0b01 */
#define V7S_L2_SMALL     VCM_BIT(1)  /* 0b1x, bit 0 is XN */
/* B3.5.1 small and large page descriptors (shared bits). */
#define V7S_PG_B         VCM_BIT(2)
#define V7S_PG_C         VCM_BIT(3)
#define V7S_PG_AP10      VCM_GENMASK(5, 4)
#define V7S_PG_AP2       VCM_BIT(9)
#define V7S_PG_S         VCM_BIT(10)
#define V7S_PG_NG        VCM_BIT(11)
#define V7S_SMALL_XN     VCM_BIT(0)
#define V7S_SMALL_TEX    VCM_GENMASK(8, 6)
#define V7S_SMALL_ADDR   VCM_GENMASK(31, 12)
#define V7S_LARGE_TEX    VCM_GENMASK(14, 12)
#define V7S_LARGE_XN     VCM_BIT(15)
#define V7S_LARGE_ADDR   VCM_GENMASK(31, 16)

/*
 * B3.7.1, AFE = 0: AP[2] set = read-only; AP[1:0] 0b01 = privileged only,
 * 0b11 = any privilege (0b10, privileged write with user read, is not used).
 */
#define V7S_AP10_PRIV 0x1U
#define V7S_AP10_ANY  0x3U

/*
 * B3.8.2, TRE = 0: TEX = 0b1AA is normal memory with outer policy AA and inner
 * policy CB, each 0b00 NC, 0b01 WB-WA, 0b10 WT no-WA, 0b11 WB no-WA.
 * TEX = 0b000, C = 0, B = 1 is shareable Device memory.
 */
#define V7S_TEX_NORMAL 0x4U
static const uint8_t v7s_policy[4] = {
	[VCM_PT_CACHE_WBWA] = 1U,
	[VCM_PT_CACHE_NC] = 0U,
	[VCM_PT_CACHE_WBNWA] = 3U,
	[VCM_PT_CACHE_WT] = 2U,
};

/* TTBCR.N and TTBR0 walk attributes (B4.1.153, B4.1.154, with the MP extensions). */
#define TTBCR_N        VCM_GENMASK(2, 0)
#define TTBR0_S        VCM_BIT(1)
#define TTBR0_RGN      VCM_GENMASK(4, 3)
#define TTBR0_IRGN0    VCM_BIT(6)  /* IRGN[0]; inner WB-WA is IRGN = 0b01, IRGN[1] (bit 0) clear */

static bool secure_walker(const struct vcm_pt *pt)
{
	return (pt->cfg.flags & VCM_PT_CFG_SECURE) != 0U;
}

static int v7s_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	uint64_t all = VCM_SZ_4K | VCM_SZ_64K | VCM_SZ_1M | VCM_SZ_16M;

	if (cfg->granule_lg2 != 0U && cfg->granule_lg2 != 12U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->granule_lg2 %u: armv7s takes only 12",
			       cfg->granule_lg2);
	pt->ias = cfg->ias != 0U ? cfg->ias : 32U;
	pt->oas = cfg->oas != 0U ? cfg->oas : 32U;
	/* TTBCR.N = 32 - ias shortens the first-level table, down to 128 bytes. */
	if (pt->ias < 25U || pt->ias > 32U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->ias %u: armv7s takes 25 to 32", pt->ias);
	if (pt->oas != 32U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->oas %u: armv7s takes only 32", pt->oas);
	if ((cfg->flags & VCM_PT_CFG_STAGE2) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->flags: armv7s has no stage 2");
	if (cfg->mair != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->mair: armv7s has no MAIR (TEX remap is off)");
	vcm_pt_geometry_(pt, 2, 12, 8);
	pt->shift[1] = 20;
	pt->items_lg2[1] = pt->ias - 20U;
	pt->item_lg2 = 2;
	pt->start_level = 1; /* the manual's "first level" */
	pt->leaf_ok[0] = true;
	pt->leaf_ok[1] = true;
	pt->contig_lg2[0] = 4; /* large page: 16 small-page slots */
	pt->contig_lg2[1] = pt->items_lg2[1] >= 4U ? 4U : 0U; /* supersection */
	if (pt->contig_lg2[1] == 0U)
		all &= ~VCM_SZ_16M;
	if ((cfg->page_sizes & ~all) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->page_sizes %#llx: armv7s has only %#llx",
			       vcm_ull(cfg->page_sizes), vcm_ull(all));
	pt->sizes = cfg->page_sizes != 0U ? cfg->page_sizes : all;
	if ((pt->sizes & VCM_SZ_4K) == 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->page_sizes %#llx lacks 4 KiB",
			       vcm_ull(cfg->page_sizes));
	return 0;
}

/* Memory type as TEX[2:0], C, B (B3.8.2). */
static void tex_cb(unsigned int prot, unsigned int *tex, unsigned int *cb)
{
	if ((prot & VCM_PT_PROT_DEVICE) != 0U) {
		*tex = 0;
		*cb = 1; /* C = 0, B = 1: shareable Device */
		return;
	}
	*tex = V7S_TEX_NORMAL | v7s_policy[VCM_FIELD_GET(VCM_PT_PROT_OUTER_MASK, prot)];
	*cb = v7s_policy[VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot)];
}

static int v7s_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
			     struct vcm_pt_attr *attr)
{
	unsigned int tex, cb, sh = VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot);
	unsigned int ap10 = (prot & VCM_PT_PROT_USER) != 0U ? V7S_AP10_ANY : V7S_AP10_PRIV;
	bool ro = (prot & VCM_PT_PROT_WRITE) == 0U;
	bool xn = (prot & VCM_PT_PROT_EXEC) == 0U;
	bool ng = (prot & VCM_PT_PROT_NONGLOBAL) != 0U;
	bool s = sh == VCM_PT_SH_OUTER;
	uint64_t sec, pg;

	if (sh == VCM_PT_SH_INNER)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: armv7s has no inner-shareable-only memory (use OUTER)",
			       prot);
	if ((prot & VCM_PT_PROT_SECURE) != 0U && !secure_walker(pt))
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: SECURE needs a table walked in the Secure state", prot);
	tex_cb(prot, &tex, &cb);

	sec = (cb & 1U ? V7S_SEC_B : 0U) | (cb & 2U ? V7S_SEC_C : 0U) |
	      VCM_FIELD_PREP(V7S_SEC_TEX, tex) | VCM_FIELD_PREP(V7S_SEC_AP10, ap10) |
	      (ro ? V7S_SEC_AP2 : 0U) | (xn ? V7S_SEC_XN : 0U) | (s ? V7S_SEC_S : 0U) |
	      (ng ? V7S_SEC_NG : 0U) | V7S_L1_SECTION;
	if (secure_walker(pt) && (prot & VCM_PT_PROT_SECURE) == 0U)
		sec |= V7S_SEC_NS;
	pg = (cb & 1U ? V7S_PG_B : 0U) | (cb & 2U ? V7S_PG_C : 0U) |
	     VCM_FIELD_PREP(V7S_PG_AP10, ap10) | (ro ? V7S_PG_AP2 : 0U) |
	     (s ? V7S_PG_S : 0U) | (ng ? V7S_PG_NG : 0U);

	/* A Secure mapping cannot use pages: their NS comes from the shared table entry. */
	if ((prot & VCM_PT_PROT_SECURE) != 0U)
		attr->sizes_ok = VCM_SZ_1M | VCM_SZ_16M;
	attr->bits[1][0] = sec;
	attr->bits[1][1] = sec | V7S_SEC_SUPER;
	attr->bits[0][0] = pg | V7S_L2_SMALL | VCM_FIELD_PREP(V7S_SMALL_TEX, tex) |
			   (xn ? V7S_SMALL_XN : 0U);
	attr->bits[0][1] = pg | V7S_L2_LARGE | VCM_FIELD_PREP(V7S_LARGE_TEX, tex) |
			   (xn ? V7S_LARGE_XN : 0U);
	return 0;
}

static inline unsigned int v7s_kind(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	(void)pt;
	if (lvl == 0U)
		return (e & V7S_L2_TYPE) == 0U ? FMT_EMPTY : FMT_LEAF;
	if ((e & V7S_L1_SECTION) != 0U)
		return FMT_LEAF;
	return (e & V7S_L1_TYPE) == V7S_L1_TYPE_TABLE ? FMT_TABLE : FMT_EMPTY;
}

static inline bool v7s_leaf_contig(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	(void)pt;
	if (lvl == 0U)
		return (e & V7S_L2_TYPE) == V7S_L2_LARGE;
	return (e & V7S_SEC_SUPER) != 0U;
}

static inline void v7s_single_leaf_mask(const struct vcm_pt *pt, unsigned int lvl,
					uint32_t *mask, uint32_t *value)
{
	(void)pt;
	if (lvl == 0U) {
		*mask = V7S_L2_SMALL; /* small page 0b1x; large pages are 0b01 */
		*value = V7S_L2_SMALL;
	} else {
		*mask = V7S_L1_SECTION | V7S_SEC_SUPER;
		*value = V7S_L1_SECTION;
	}
}

static inline vcm_pa_t v7s_leaf_pa(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	if (lvl == 0U)
		return e & (v7s_leaf_contig(pt, lvl, e) ? V7S_LARGE_ADDR : V7S_SMALL_ADDR);
	return e & (v7s_leaf_contig(pt, lvl, e) ? V7S_SUPER_ADDR : V7S_SEC_ADDR);
}

static inline vcm_pa_t v7s_table_pa(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	(void)pt;
	(void)lvl;
	return e & V7S_L1T_ADDR;
}

static inline uint32_t v7s_leaf_encode(const struct vcm_pt *pt, unsigned int lvl, bool contig,
				       vcm_pa_t pa, const struct vcm_pt_attr *a)
{
	/* Every entry of a large page or supersection holds the group's base. */
	uint64_t mask = lvl == 0U ? (contig ? V7S_LARGE_ADDR : V7S_SMALL_ADDR) :
				    (contig ? V7S_SUPER_ADDR : V7S_SEC_ADDR);

	(void)pt;
	return (uint32_t)((pa & mask) | a->bits[lvl][contig]);
}

static inline uint32_t v7s_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)lvl;
	/* Second-level tables of a Secure-state walker hold Non-secure pages. */
	return (uint32_t)(pa | V7S_L1_TYPE_TABLE | (secure_walker(pt) ? V7S_L1T_NS : 0U));
}

static unsigned int policy_to_cache(unsigned int bits)
{
	for (unsigned int c = 0; c < 4U; c++)
		if (v7s_policy[c] == bits)
			return c;
	return VCM_PT_CACHE_NC; /* not reached: every 2-bit value is a policy */
}

static inline unsigned int v7s_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, uint32_t e)
{
	unsigned int prot = VCM_PT_PROT_READ, tex, cb, ap10;
	bool ro, xn, s, ng;

	if (lvl == 1U) {
		tex = (unsigned int)VCM_FIELD_GET(V7S_SEC_TEX, e);
		cb = (e & V7S_SEC_B ? 1U : 0U) | (e & V7S_SEC_C ? 2U : 0U);
		ap10 = (unsigned int)VCM_FIELD_GET(V7S_SEC_AP10, e);
		ro = (e & V7S_SEC_AP2) != 0U;
		xn = (e & V7S_SEC_XN) != 0U;
		s = (e & V7S_SEC_S) != 0U;
		ng = (e & V7S_SEC_NG) != 0U;
		if (secure_walker(pt) && (e & V7S_SEC_NS) == 0U)
			prot |= VCM_PT_PROT_SECURE;
	} else {
		bool large = v7s_leaf_contig(pt, lvl, e);

		tex = (unsigned int)(large ? VCM_FIELD_GET(V7S_LARGE_TEX, e) :
					     VCM_FIELD_GET(V7S_SMALL_TEX, e));
		cb = (e & V7S_PG_B ? 1U : 0U) | (e & V7S_PG_C ? 2U : 0U);
		ap10 = (unsigned int)VCM_FIELD_GET(V7S_PG_AP10, e);
		ro = (e & V7S_PG_AP2) != 0U;
		xn = (e & (large ? V7S_LARGE_XN : V7S_SMALL_XN)) != 0U;
		s = (e & V7S_PG_S) != 0U;
		ng = (e & V7S_PG_NG) != 0U;
	}
	if (!ro)
		prot |= VCM_PT_PROT_WRITE;
	if (ap10 == V7S_AP10_ANY)
		prot |= VCM_PT_PROT_USER;
	if (!xn)
		prot |= VCM_PT_PROT_EXEC;
	if (ng)
		prot |= VCM_PT_PROT_NONGLOBAL;
	if ((tex & V7S_TEX_NORMAL) == 0U) {
		prot |= VCM_PT_PROT_DEVICE;
	} else {
		prot |= VCM_PT_PROT_OUTER(policy_to_cache(tex & 3U));
		prot |= VCM_PT_PROT_INNER(policy_to_cache(cb));
		if (s)
			prot |= VCM_PT_PROT_SH(VCM_PT_SH_OUTER);
	}
	return prot;
}

static void v7s_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	bool coherent = (pt->cfg.flags & VCM_PT_CFG_COHERENT) != 0U;

	out->regs[0] = VCM_FIELD_PREP(TTBCR_N, 32U - pt->ias);
	out->regs[1] = 0;
	/* Walks are inner/outer WB-WA and shareable only when they snoop. */
	out->regs[2] = pt->root_pa |
		       (coherent ? (TTBR0_IRGN0 | TTBR0_S | VCM_FIELD_PREP(TTBR0_RGN, 1U)) : 0U);
	out->reg_names[0] = "TTBCR";
	out->reg_names[1] = "";
	out->reg_names[2] = "TTBR0";
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init v7s_init
#define fmt_prot_to_attr v7s_prot_to_attr
#define fmt_hw v7s_hw
#define fmt_kind v7s_kind
#define fmt_leaf_contig v7s_leaf_contig
#define fmt_single_leaf_mask v7s_single_leaf_mask
#define fmt_leaf_pa v7s_leaf_pa
#define fmt_table_pa v7s_table_pa
#define fmt_leaf_encode v7s_leaf_encode
#define fmt_table_encode v7s_table_encode
#define fmt_leaf_prot v7s_leaf_prot
#define FMT_ITEM     uint32_t
#define FMT_ITEM_LG2 2U
#define FMT_PREFIX   armv7s
#define FMT_OPS      vcm_pt_fmt_armv7s
#define FMT_NAME     "armv7s"
/* B3.10.1: a change of block size goes through an invalid entry and a TLB invalidate */
#define FMT_BBM      true
#include "fmt_defaults.h" /* no dirty state: the never-dirty hooks */
#include "walk_template.h"
