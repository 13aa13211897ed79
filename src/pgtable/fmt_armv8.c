// SPDX-License-Identifier: MIT
/*
 * ARMv8-A long-descriptor format (VMSAv8-64), stage 1 and stage 2.
 *
 * Source: Arm Architecture Reference Manual for A-profile architecture,
 * DDI 0487F.c, chapter D5 "The AArch64 Virtual Memory System Architecture":
 * D5.2 (granules, levels, concatenation), D5.3 (descriptor formats),
 * D5.4 (access permissions), D5.5 (memory attributes); register layouts from
 * D13.2 (TCR_EL1, VTCR_EL2, MAIR_EL1).
 *
 * Levels: our level 0 is the manual's level 3; our level l is the manual's
 * level 3 - l. Granules 4K (page, 2M and 1G blocks), 16K (page, 32M block) and
 * 64K (page, 512M block). The contiguous hint gives 16 entries at every level
 * with 4K; 128 pages or 32 blocks with 16K; 32 entries with 64K.
 * Input 25..48 bits; output 32..48 bits. Stage 2 starts one level lower with
 * concatenated tables (2..16) when the top level would otherwise hold 16
 * entries or fewer.
 *
 * Left out: 52-bit addresses (FEAT_LPA/LPA2), TTBR1 (upper) ranges, hierarchical
 * permission bits in table descriptors (left 0), FEAT_XNX split stage 2 XN,
 * access-flag faults (AF is always set).
 *
 * Dirty state (VCM_PT_CFG_DIRTY, D5.4.11 "Hardware management of the dirty
 * state"): a writable leaf is written with DBM set and write permission
 * withheld (stage 1 AP[2] = 1, stage 2 S2AP[1] = 0); with TCR.HD/VTCR.HD the
 * walker grants it on the first write, which is the leaf's dirty mark. So
 * "writable" is DBM or the write permission, "dirty" is DBM with it.
 */
#include "fmt.h"

/* D5.3.1/D5.3.2: descriptor type, bits[1:0]. */
#define ARMV8_VALID      VCM_BIT(0)
#define ARMV8_TABLE      VCM_BIT(1)  /* levels 0-2: table; level 3: page */
#define ARMV8_OA         VCM_GENMASK(47, 12) /* masked further by granule */

/* D5.3.3: lower attributes of block and page descriptors, stage 1. */
#define ARMV8_S1_ATTRINDX VCM_GENMASK(4, 2)
#define ARMV8_S1_NS       VCM_BIT(5)
#define ARMV8_S1_AP1      VCM_BIT(6)  /* AP[1]: EL0 access */
#define ARMV8_S1_AP2      VCM_BIT(7)  /* AP[2]: read-only */
#define ARMV8_SH          VCM_GENMASK(9, 8)
#define ARMV8_AF          VCM_BIT(10)
#define ARMV8_S1_NG       VCM_BIT(11)
/* D5.3.3: upper attributes. */
#define ARMV8_DBM         VCM_BIT(51) /* D5.4.11: dirty bit modifier */
#define ARMV8_CONT        VCM_BIT(52)
#define ARMV8_S1_PXN      VCM_BIT(53)
#define ARMV8_S1_UXN      VCM_BIT(54)
/* D5.3.3: stage 2 lower and upper attributes. */
#define ARMV8_S2_MEMATTR  VCM_GENMASK(5, 2)
#define ARMV8_S2_S2AP_R   VCM_BIT(6)
#define ARMV8_S2_S2AP_W   VCM_BIT(7)
#define ARMV8_S2_XN       VCM_BIT(54) /* XN[1] (XN[0] is FEAT_XNX, left 0) */

/* D5.5.3 shareability field SH[1:0]. */
#define ARMV8_SH_NON   0U
#define ARMV8_SH_OUTER 2U
#define ARMV8_SH_INNER 3U

/* D5.5.5 stage 2 MemAttr[3:2] outer / [1:0] inner: 1 NC, 2 WT, 3 WB; 0b0001 Device-nGnRE. */
#define ARMV8_S2_DEVICE_NGNRE 0x1U

/* MAIR attribute nibbles (D13.2.97 MAIR_EL1): non-transient, with allocation hints. */
#define MAIR_NIB_WBWA  0xfU /* write-back, read- and write-allocate */
#define MAIR_NIB_NC    0x4U
#define MAIR_NIB_WBNWA 0xeU /* write-back, read-allocate only */
#define MAIR_NIB_WT    0xaU /* write-through, read-allocate */
#define MAIR_DEVICE_NGNRE  0x04U
#define MAIR_DEVICE_NGNRNE 0x00U

/*
 * The default MAIR: index 0 WBWA, 1 NC, 2 WB no-WA, 3 WT, 4 Device-nGnRE,
 * 5 inner WBWA/outer NC, 6 inner NC/outer WBWA, 7 Device-nGnRnE.
 */
#define ARMV8_MAIR_DEFAULT UINT64_C(0x00f44f04aaee44ff)

/* TCR_EL1 / VTCR_EL2 fields (D13.2.120, D13.2.138). */
#define TCR_T0SZ   VCM_GENMASK(5, 0)
#define TCR_SL0    VCM_GENMASK(7, 6) /* VTCR only */
#define TCR_IRGN0  VCM_GENMASK(9, 8)
#define TCR_ORGN0  VCM_GENMASK(11, 10)
#define TCR_SH0    VCM_GENMASK(13, 12)
#define TCR_TG0    VCM_GENMASK(15, 14)
#define TCR_EPD1   VCM_BIT(23)
#define TCR_TG1    VCM_GENMASK(31, 30)
#define TCR_IPS    VCM_GENMASK(34, 32)
#define TCR_HA     VCM_BIT(39) /* hardware access flag update */
#define TCR_HD     VCM_BIT(40) /* hardware dirty state update (needs HA) */
#define VTCR_HA    VCM_BIT(21)
#define VTCR_HD    VCM_BIT(22)
#define VTCR_PS    VCM_GENMASK(18, 16)
#define VTCR_RES1  VCM_BIT(31)

static const uint8_t cache_nibble[4] = {
	[VCM_PT_CACHE_WBWA] = MAIR_NIB_WBWA,
	[VCM_PT_CACHE_NC] = MAIR_NIB_NC,
	[VCM_PT_CACHE_WBNWA] = MAIR_NIB_WBNWA,
	[VCM_PT_CACHE_WT] = MAIR_NIB_WT,
};

static bool stage2(const struct vcm_pt *pt)
{
	return (pt->cfg.flags & VCM_PT_CFG_STAGE2) != 0U;
}

static uint64_t oa_mask(const struct vcm_pt *pt)
{
	return ARMV8_OA & ~vcm_low_mask(pt->granule_lg2);
}

/* Physical address size encoding shared by TCR_EL1.IPS and VTCR_EL2.PS. */
static int ps_encoding(unsigned int oas)
{
	static const unsigned int bits[] = { 32, 36, 40, 42, 44, 48 };

	for (unsigned int i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if (bits[i] == oas)
			return (int)i;
	return -1;
}

static int armv8_init(struct vcm_pt *pt, struct vcm_diag *diag)
{
	const struct vcm_pt_cfg *cfg = &pt->cfg;
	unsigned int g = cfg->granule_lg2 != 0U ? cfg->granule_lg2 : 12U;
	unsigned int bits, levels, rest;
	uint64_t all = 0;

	if (g != 12U && g != 14U && g != 16U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->granule_lg2 %u: armv8 takes 12, 14 or 16", g);
	pt->ias = cfg->ias != 0U ? cfg->ias : 48U;
	pt->oas = cfg->oas != 0U ? cfg->oas : 48U;
	if (pt->ias < 25U || pt->ias > 48U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->ias %u: armv8 takes 25 to 48", pt->ias);
	if (ps_encoding(pt->oas) < 0)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->oas %u: armv8 takes 32, 36, 40, 42, 44 or 48",
			       pt->oas);
	if (stage2(pt) && (cfg->flags & VCM_PT_CFG_SECURE) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->flags: a Secure stage 2 is not supported");

	/* D5.2.6: each level resolves granule_lg2 - 3 bits. */
	bits = g - 3U;
	levels = (pt->ias - g + bits - 1U) / bits;
	rest = pt->ias - g - (levels - 1U) * bits; /* bits resolved by the top level */
	/*
	 * D5.2.8: stage 2 may start one level lower with up to 16 concatenated
	 * tables; do so when the top level would hold 16 entries or fewer. With 4K
	 * the lowest start level is 2 (manual numbering), so two levels remain.
	 */
	if (stage2(pt) && rest <= 4U && levels >= 2U && !(g == 12U && levels == 2U))
		levels--;
	vcm_pt_geometry_(pt, levels, g, bits);
	pt->item_lg2 = 3;
	pt->start_level = 4U - levels;

	/* D5.2.3 blocks: 4K at levels 1-2, 16K and 64K at level 2 (ours 2,1 / 1). */
	pt->leaf_ok[0] = true;
	pt->leaf_ok[1] = levels > 1U;
	pt->leaf_ok[2] = g == 12U && levels > 2U;
	/* D5.3.3 contiguous bit: entries per group. */
	pt->contig_lg2[0] = g == 12U ? 4U : g == 14U ? 7U : 5U;
	pt->contig_lg2[1] = g == 12U ? 4U : 5U;
	pt->contig_lg2[2] = g == 12U ? 4U : 0U;
	for (unsigned int lvl = 0; lvl < levels; lvl++) {
		if (!pt->leaf_ok[lvl] || pt->contig_lg2[lvl] > pt->items_lg2[lvl])
			pt->contig_lg2[lvl] = 0;
		if (pt->leaf_ok[lvl])
			all |= UINT64_C(1) << pt->shift[lvl];
		if (pt->contig_lg2[lvl] != 0U)
			all |= UINT64_C(1) << (pt->shift[lvl] + pt->contig_lg2[lvl]);
	}
	if ((cfg->page_sizes & ~all) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->page_sizes %#llx: this table has only %#llx",
			       vcm_ull(cfg->page_sizes), vcm_ull(all));
	pt->sizes = cfg->page_sizes != 0U ? cfg->page_sizes : all;
	if ((pt->sizes & (UINT64_C(1) << g)) == 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->page_sizes %#llx lacks the granule",
			       vcm_ull(cfg->page_sizes));
	pt->fmt_data = cfg->mair != 0U ? cfg->mair : ARMV8_MAIR_DEFAULT;
	if (stage2(pt) && cfg->mair != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "cfg->mair: stage 2 tables have no MAIR");
	return 0;
}

/* The MAIR index holding @byte, or -1. */
static int mair_find(uint64_t mair, unsigned int byte)
{
	for (int i = 0; i < 8; i++)
		if (((mair >> (8 * i)) & 0xffU) == byte)
			return i;
	return -1;
}

static unsigned int nibble_to_cache(unsigned int nib)
{
	for (unsigned int c = 0; c < 4U; c++)
		if (cache_nibble[c] == nib)
			return c;
	return VCM_PT_CACHE_NC; /* not reached for entries we wrote */
}

static uint64_t sh_bits(unsigned int prot)
{
	static const unsigned int sh[3] = {
		[VCM_PT_SH_NONE] = ARMV8_SH_NON,
		[VCM_PT_SH_INNER] = ARMV8_SH_INNER,
		[VCM_PT_SH_OUTER] = ARMV8_SH_OUTER,
	};

	return VCM_FIELD_PREP(ARMV8_SH, sh[VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot)]);
}

static unsigned int sh_prot(uint64_t e)
{
	switch (VCM_FIELD_GET(ARMV8_SH, e)) {
	case ARMV8_SH_INNER:
		return VCM_PT_PROT_SH(VCM_PT_SH_INNER);
	case ARMV8_SH_OUTER:
		return VCM_PT_PROT_SH(VCM_PT_SH_OUTER);
	default:
		return 0;
	}
}

static int s1_attr(struct vcm_pt *pt, unsigned int prot, uint64_t *out)
{
	uint64_t a = ARMV8_AF;
	unsigned int byte;
	int idx;

	if ((prot & VCM_PT_PROT_DEVICE) != 0U) {
		idx = mair_find(pt->fmt_data, MAIR_DEVICE_NGNRE);
		if (idx < 0)
			idx = mair_find(pt->fmt_data, MAIR_DEVICE_NGNRNE);
		byte = MAIR_DEVICE_NGNRE;
	} else {
		byte = (unsigned int)cache_nibble[VCM_FIELD_GET(VCM_PT_PROT_OUTER_MASK, prot)] << 4 |
		       cache_nibble[VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot)];
		idx = mair_find(pt->fmt_data, byte);
		a |= sh_bits(prot);
	}
	if (idx < 0)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: MAIR %#llx has no attribute %#x",
			       prot, vcm_ull(pt->fmt_data), byte);
	a |= VCM_FIELD_PREP(ARMV8_S1_ATTRINDX, (unsigned int)idx);
	/* D5.4.4: AP[2] makes it read-only, AP[1] opens it to EL0. */
	if ((prot & VCM_PT_PROT_WRITE) == 0U)
		a |= ARMV8_S1_AP2;
	else if ((pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U)
		a |= ARMV8_S1_AP2 | ARMV8_DBM; /* writable-clean */
	if ((prot & VCM_PT_PROT_USER) != 0U)
		a |= ARMV8_S1_AP1;
	/* User-executable memory is never privileged-executable, as Linux does. */
	if ((prot & VCM_PT_PROT_EXEC) == 0U)
		a |= ARMV8_S1_UXN | ARMV8_S1_PXN;
	else if ((prot & VCM_PT_PROT_USER) != 0U)
		a |= ARMV8_S1_PXN;
	else
		a |= ARMV8_S1_UXN;
	if ((prot & VCM_PT_PROT_NONGLOBAL) != 0U)
		a |= ARMV8_S1_NG;
	if ((pt->cfg.flags & VCM_PT_CFG_SECURE) != 0U) {
		if ((prot & VCM_PT_PROT_SECURE) == 0U)
			a |= ARMV8_S1_NS;
	} else if ((prot & VCM_PT_PROT_SECURE) != 0U) {
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: SECURE needs a table walked in the Secure state", prot);
	}
	*out = a;
	return 0;
}

static int s2_attr(struct vcm_pt *pt, unsigned int prot, uint64_t *out)
{
	static const unsigned int s2_cache[4] = {
		[VCM_PT_CACHE_WBWA] = 3U, [VCM_PT_CACHE_NC] = 1U, [VCM_PT_CACHE_WT] = 2U,
	};
	unsigned int bad = prot & (VCM_PT_PROT_USER | VCM_PT_PROT_NONGLOBAL | VCM_PT_PROT_SECURE);
	unsigned int inner = VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot);
	unsigned int outer = VCM_FIELD_GET(VCM_PT_PROT_OUTER_MASK, prot);
	uint64_t a = ARMV8_AF | ARMV8_S2_S2AP_R;

	if (bad != 0U)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: stage 2 has no USER, NONGLOBAL or SECURE", prot);
	/* D5.5.5: stage 2 gives no allocation hints, so WB no-WA has no encoding. */
	if (inner == VCM_PT_CACHE_WBNWA || outer == VCM_PT_CACHE_WBNWA)
		return VCM_ERR(&pt->diag, -EOPNOTSUPP,
			       "prot %#x: stage 2 cannot say write-back without write-allocate",
			       prot);
	if ((prot & VCM_PT_PROT_DEVICE) != 0U) {
		a |= VCM_FIELD_PREP(ARMV8_S2_MEMATTR, ARMV8_S2_DEVICE_NGNRE);
	} else {
		a |= VCM_FIELD_PREP(ARMV8_S2_MEMATTR, s2_cache[outer] << 2 | s2_cache[inner]);
		a |= sh_bits(prot);
	}
	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		a |= (pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U ? ARMV8_DBM : ARMV8_S2_S2AP_W;
	if ((prot & VCM_PT_PROT_EXEC) == 0U)
		a |= ARMV8_S2_XN;
	*out = a;
	return 0;
}

static int armv8_prot_to_attr(struct vcm_pt *pt, unsigned int prot,
			     struct vcm_pt_attr *attr)
{
	uint64_t a = 0;
	int ret = stage2(pt) ? s2_attr(pt, prot, &a) : s1_attr(pt, prot, &a);

	if (ret != 0)
		return ret;
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		/* level 3 (ours 0) pages have bits[1:0] = 0b11, blocks 0b01 */
		uint64_t type = lvl == 0U ? ARMV8_VALID | ARMV8_TABLE : ARMV8_VALID;

		attr->bits[lvl][0] = a | type;
		attr->bits[lvl][1] = a | type | ARMV8_CONT;
	}
	return 0;
}

static inline unsigned int armv8_kind(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	if ((e & ARMV8_VALID) == 0U)
		return FMT_EMPTY;
	if (lvl == 0U)
		return (e & ARMV8_TABLE) != 0U ? FMT_LEAF : FMT_EMPTY; /* 0b01 is reserved */
	return (e & ARMV8_TABLE) != 0U ? FMT_TABLE : FMT_LEAF;
}

static inline bool armv8_leaf_contig(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)pt;
	(void)lvl;
	return (e & ARMV8_CONT) != 0U;
}

static inline void armv8_single_leaf_mask(const struct vcm_pt *pt, unsigned int lvl,
					uint64_t *mask, uint64_t *value)
{
	/* pages are 0b11 at level 3, blocks 0b01 above; no contiguous hint */
	(void)pt;
	*mask = ARMV8_VALID | ARMV8_TABLE | ARMV8_CONT;
	*value = lvl == 0U ? ARMV8_VALID | ARMV8_TABLE : ARMV8_VALID;
}

static inline vcm_pa_t armv8_leaf_pa(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)lvl;
	return e & oa_mask(pt);
}

static inline uint64_t armv8_table_encode(const struct vcm_pt *pt, unsigned int lvl, vcm_pa_t pa)
{
	(void)pt;
	(void)lvl;
	return pa | ARMV8_VALID | ARMV8_TABLE;
}

static unsigned int s1_prot(const struct vcm_pt *pt, uint64_t e)
{
	unsigned int prot = VCM_PT_PROT_READ;
	unsigned int idx = (unsigned int)VCM_FIELD_GET(ARMV8_S1_ATTRINDX, e);
	unsigned int byte = (unsigned int)(pt->fmt_data >> (8U * idx)) & 0xffU;

	if ((e & ARMV8_S1_AP2) == 0U || (e & ARMV8_DBM) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((e & ARMV8_S1_AP1) != 0U)
		prot |= VCM_PT_PROT_USER;
	if ((e & ((prot & VCM_PT_PROT_USER) != 0U ? ARMV8_S1_UXN : ARMV8_S1_PXN)) == 0U)
		prot |= VCM_PT_PROT_EXEC;
	if ((e & ARMV8_S1_NG) != 0U)
		prot |= VCM_PT_PROT_NONGLOBAL;
	if ((pt->cfg.flags & VCM_PT_CFG_SECURE) != 0U && (e & ARMV8_S1_NS) == 0U)
		prot |= VCM_PT_PROT_SECURE;
	if ((byte & 0xf0U) == 0U) {
		prot |= VCM_PT_PROT_DEVICE;
	} else {
		prot |= VCM_PT_PROT_OUTER(nibble_to_cache(byte >> 4));
		prot |= VCM_PT_PROT_INNER(nibble_to_cache(byte & 0xfU));
		prot |= sh_prot(e);
	}
	return prot;
}

static unsigned int s2_prot(uint64_t e)
{
	static const unsigned int cache[4] = { 0, VCM_PT_CACHE_NC, VCM_PT_CACHE_WT,
					       VCM_PT_CACHE_WBWA };
	unsigned int prot = VCM_PT_PROT_READ;
	unsigned int memattr = (unsigned int)VCM_FIELD_GET(ARMV8_S2_MEMATTR, e);

	if ((e & (ARMV8_S2_S2AP_W | ARMV8_DBM)) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((e & ARMV8_S2_XN) == 0U)
		prot |= VCM_PT_PROT_EXEC;
	if ((memattr >> 2) == 0U) {
		prot |= VCM_PT_PROT_DEVICE;
	} else {
		prot |= VCM_PT_PROT_OUTER(cache[memattr >> 2]);
		prot |= VCM_PT_PROT_INNER(cache[memattr & 3U]);
		prot |= sh_prot(e);
	}
	return prot;
}

static inline unsigned int armv8_leaf_prot(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)lvl;
	return stage2(pt) ? s2_prot(e) : s1_prot(pt, e);
}

/* The write permission the walker grants a DBM leaf on its first write. */
static inline uint64_t armv8_write_ok(const struct vcm_pt *pt)
{
	return stage2(pt) ? ARMV8_S2_S2AP_W : ARMV8_S1_AP2;
}

static inline bool armv8_hw_dirty(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)lvl;
	if ((e & ARMV8_DBM) == 0U)
		return false;
	/* stage 1 grants by clearing AP[2], stage 2 by setting S2AP[1] */
	return stage2(pt) ? (e & ARMV8_S2_S2AP_W) != 0U : (e & ARMV8_S1_AP2) == 0U;
}

static inline uint64_t armv8_hw_clean(const struct vcm_pt *pt, unsigned int lvl, uint64_t e)
{
	(void)lvl;
	if ((e & ARMV8_DBM) == 0U)
		return e;
	return stage2(pt) ? e & ~ARMV8_S2_S2AP_W : e | ARMV8_S1_AP2;
}

static inline void armv8_attr_dirty(const struct vcm_pt *pt, struct vcm_pt_attr *a)
{
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++) {
		for (unsigned int c = 0; c < 2U; c++) {
			if ((a->bits[lvl][c] & ARMV8_DBM) == 0U)
				continue;
			if (stage2(pt))
				a->bits[lvl][c] |= armv8_write_ok(pt);
			else
				a->bits[lvl][c] &= ~armv8_write_ok(pt);
		}
	}
}

static void armv8_hw(const struct vcm_pt *pt, struct vcm_hw_regs *out)
{
	/* TG0 encodings: 4K 0b00, 64K 0b01, 16K 0b10 */
	unsigned int tg0 = pt->granule_lg2 == 12U ? 0U : pt->granule_lg2 == 16U ? 1U : 2U;
	unsigned int top = pt->levels - 1U;
	bool coherent = (pt->cfg.flags & VCM_PT_CFG_COHERENT) != 0U;
	/* Walks are write-back cacheable inner shareable only when they snoop. */
	uint64_t walk = VCM_FIELD_PREP(TCR_IRGN0, coherent ? 1U : 0U) |
			VCM_FIELD_PREP(TCR_ORGN0, coherent ? 1U : 0U) |
			VCM_FIELD_PREP(TCR_SH0, coherent ? ARMV8_SH_INNER : ARMV8_SH_NON);

	if (pt->items_lg2[top] > pt->granule_lg2 - 3U)
		out->concat = 1U << (pt->items_lg2[top] - (pt->granule_lg2 - 3U));
	if (stage2(pt)) {
		/* SL0: 4K 0b00 = level 2, 0b01 = 1, 0b10 = 0; 16K/64K 0b00 = level 3 ... */
		unsigned int sl0 = (pt->granule_lg2 == 12U ? 2U : 3U) - pt->start_level;

		out->regs[0] = VCM_FIELD_PREP(TCR_T0SZ, 64U - pt->ias) |
			       VCM_FIELD_PREP(TCR_SL0, sl0) | walk |
			       VCM_FIELD_PREP(TCR_TG0, tg0) |
			       VCM_FIELD_PREP(VTCR_PS, (unsigned int)ps_encoding(pt->oas)) |
			       VTCR_RES1;
		if ((pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U)
			out->regs[0] |= VTCR_HA | VTCR_HD;
		out->regs[1] = 0;
		out->regs[2] = pt->root_pa;
		out->reg_names[0] = "VTCR_EL2";
		out->reg_names[1] = "";
		out->reg_names[2] = "VTTBR_EL2";
	} else {
		out->regs[0] = VCM_FIELD_PREP(TCR_T0SZ, 64U - pt->ias) | walk |
			       VCM_FIELD_PREP(TCR_TG0, tg0) | TCR_EPD1 |
			       VCM_FIELD_PREP(TCR_TG1, 2U) | /* 4K, a valid value for the unused half */
			       VCM_FIELD_PREP(TCR_IPS, (unsigned int)ps_encoding(pt->oas));
		if ((pt->cfg.flags & VCM_PT_CFG_DIRTY) != 0U)
			out->regs[0] |= TCR_HA | TCR_HD;
		out->regs[1] = pt->fmt_data;
		out->regs[2] = pt->root_pa;
		out->reg_names[0] = "TCR_EL1";
		out->reg_names[1] = "MAIR_EL1";
		out->reg_names[2] = "TTBR0_EL1";
	}
}

/* The hooks under the names of fmt.h, then the shared walker for this format. */
#define fmt_init armv8_init
#define fmt_prot_to_attr armv8_prot_to_attr
#define fmt_hw armv8_hw
#define fmt_kind armv8_kind
#define fmt_leaf_contig armv8_leaf_contig
#define fmt_single_leaf_mask armv8_single_leaf_mask
#define fmt_leaf_pa armv8_leaf_pa
#define fmt_table_encode armv8_table_encode
#define fmt_leaf_prot armv8_leaf_prot
#define fmt_hw_dirty armv8_hw_dirty
#define fmt_hw_clean armv8_hw_clean
#define fmt_attr_dirty armv8_attr_dirty
#define FMT_CFG_EXT  (VCM_PT_CFG_DIRTY | VCM_PT_CFG_BBML2)
/* D8.16.1 (F.c D5.10.1) break-before-make, unless FEAT_BBM level 2 (VCM_PT_CFG_BBML2) */
#define FMT_BBM      true
#define FMT_ITEM     uint64_t
#define FMT_ITEM_LG2 3U
#define FMT_PREFIX   armv8
#define FMT_OPS      vcm_pt_fmt_armv8
#define FMT_NAME     "armv8"
/* table_pa and leaf_encode from the defaults (fmt_defaults.h) */
#define FMT_OA_MASK(pt) oa_mask(pt)
#include "fmt_defaults.h"
#include "walk_template.h"
