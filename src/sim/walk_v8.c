// SPDX-License-Identifier: MIT
/*
 * The SMMU-like model's walkers: the ARMv8 (VMSAv8-64) long-descriptor
 * format, stage 1 (TCR + TTBR0) and stage 2 (VTCR + VTTBR), with 4K, 16K and
 * 64K granules, read from table memory and decoded bit by bit.
 *
 * Source: Arm Architecture Reference Manual for A-profile architecture,
 * DDI 0487F.c: D5.2 (the translation process: input size from T0SZ, levels
 * per granule, the stage 2 start level from SL0 and concatenated first
 * tables), D5.3 (descriptor formats: invalid, table, block, page; next-level
 * and output addresses; upper and lower attributes), D5.4 (AP[2:1], UXN and
 * PXN, APTable/UXNTable/PXNTable, S2AP and XN at stage 2, the access flag),
 * and the TCR_EL1, VTCR_EL2, TTBR0_EL1 and VTTBR_EL2 register descriptions
 * (chapter D13). An SMMUv2 context bank (IHI 0062) uses the same layouts in
 * its CBn_TCR/TTBR0 registers, which is what the model stands for.
 *
 * Written without the pgtable layer, so a test can catch the two disagreeing.
 *
 * Left out: TTBR1 (upper) ranges (an address above T0SZ's range faults), 52-bit
 * addresses (FEAT_LPA/LPA2; PS/IPS values above 48 bits are treated as 48,
 * as the manual allows for unimplemented sizes), FEAT_XNX, PAN and WXN,
 * memory attributes and shareability (not decoded), ASID/VMID tags,
 * hardware access-flag updates (AF = 0 faults).
 *
 * Nested (D5.2, two-stage translation; SMMUv3 IHI 0070 5.2, STE.Config
 * 0b111): when a stage-1 bank has a stage 2 (b->s2), each
 * table address of the walk, TTBR0 included, is an IPA that stage 2
 * translates before the descriptor is read, with a stage-2 read permission;
 * a fault there is a stage-2 fault with VCM_FAULT_S1PTW at that IPA
 * (walk_nest.c translates the output).
 *
 * Dirty state (D5.4.11): with TCR.HA and HD (VTCR.HA and HD) a leaf with DBM
 * set is writable whatever its AP[2] (S2AP[1]) says; while AP[2] = 1
 * (S2AP[1] = 0) it is writable-clean, and the first write clears AP[2]
 * (sets S2AP[1]) in memory with an atomic update before it completes. The
 * IOTLB keeps the clean state with the entry, so a write through a clean
 * entry walks again and marks the descriptor.
 * The contiguous hint is honoured only with VCM_SIM_IOMMU_CONTIG; otherwise
 * each entry is cached on its own, which the manual permits.
 *
 * Faults (D5.2.4 and the ESR_ELx / FSR fault status codes of D13): an input
 * address beyond T0SZ's range and a walk disabled by EPD0 are translation
 * faults at level 0, as is a table base (TTBR) beyond the output size an
 * address size fault at level 0; past that, a fault names the level of the
 * lookup whose entry caused it: an invalid or reserved entry (translation),
 * a table or output address beyond TCR.IPS / VTCR.PS (address size, at the
 * level of the descriptor that holds the address), AF clear (access flag),
 * a descriptor read with no memory behind it (external).
 */
#include "sim_internal.h"

/* TCR_EL1 (TTBR0 half) and VTCR_EL2 fields. */
#define TCR_T0SZ     VCM_GENMASK(5, 0)
#define TCR_EPD0     VCM_BIT(7)        /* TCR_EL1 only */
#define VTCR_SL0     VCM_GENMASK(7, 6) /* VTCR_EL2 only */
#define TCR_TG0      VCM_GENMASK(15, 14)
#define TCR_IPS      VCM_GENMASK(34, 32)
#define TCR_HA       VCM_BIT(39)
#define TCR_HD       VCM_BIT(40)
#define VTCR_HA      VCM_BIT(21)
#define VTCR_HD      VCM_BIT(22)
#define VTCR_PS      VCM_GENMASK(18, 16)
/* TTBR0_EL1 / VTTBR_EL2: ASID or VMID in [63:48], BADDR in [47:1], CnP in [0]. */
#define TTBR_BADDR   VCM_GENMASK(47, 1)

/* D5.3: descriptor bits. */
#define D_VALID      VCM_BIT(0)
#define D_TABLE      VCM_BIT(1)        /* levels 0-2: table (1) or block (0); level 3: page (1) */
#define D_ADDR       VCM_GENMASK(47, 0) /* masked down to the level's alignment */
#define D_AF         VCM_BIT(10)
#define D_S1_AP_EL0  VCM_BIT(6)        /* AP[1] */
#define D_S1_AP_RO   VCM_BIT(7)        /* AP[2] */
#define D_S2_AP_R    VCM_BIT(6)        /* S2AP[0] */
#define D_S2_AP_W    VCM_BIT(7)        /* S2AP[1] */
#define D_DBM        VCM_BIT(51)       /* dirty bit modifier */
#define D_CONT       VCM_BIT(52)
#define D_S1_PXN     VCM_BIT(53)
#define D_S1_UXN     VCM_BIT(54)
#define D_S2_XN      VCM_BIT(54)       /* XN[1]; XN[0] (bit 53) is FEAT_XNX */
/* D5.3: stage 1 table descriptor hierarchical controls. */
#define T_PXNTABLE   VCM_BIT(59)
#define T_UXNTABLE   VCM_BIT(60)
#define T_AP_NOEL0   VCM_BIT(61)       /* APTable[0] */
#define T_AP_RO      VCM_BIT(62)       /* APTable[1] */

/* TG0 encodings: 0b00 4K, 0b01 64K, 0b10 16K. */
static unsigned int tg0_lg2(uint64_t tcr)
{
	static const unsigned int lg2[4] = { 12, 16, 14, 0 };

	return lg2[VCM_FIELD_GET(TCR_TG0, tcr)];
}

/* IPS/PS encodings; unimplemented larger values act as the largest (48). */
static unsigned int ps_bits(uint64_t enc)
{
	static const unsigned int bits[8] = { 32, 36, 40, 42, 44, 48, 48, 48 };

	return bits[enc & 7U];
}

static unsigned int level_shift(const struct sim_bank *b, unsigned int level)
{
	return b->granule_lg2 + (b->granule_lg2 - 3U) * (3U - level);
}

static int check_hw(struct sim_bank *b, const struct vcm_hw_regs *hw, struct vcm_diag *diag, const char *ttbr)
{
	unsigned int stride = b->granule_lg2 - 3U;
	unsigned int concat = b->top_bits > stride ? 1U << (b->top_bits - stride) : 1U;
	unsigned int levels = 4U - b->start_level;

	/* BADDR's bits below the first table's size are RES0: the model ignores them */
	b->table_pa &= ~vcm_low_mask(b->top_bits + 3U < 6U ? 6U : b->top_bits + 3U);
	if (hw->root_pa != b->table_pa)
		return VCM_ERR(diag, -EINVAL, "hw->root_pa %#llx but %s gives %#llx",
				vcm_ull(hw->root_pa), ttbr, vcm_ull(b->table_pa));
	if (hw->levels != levels || hw->start_level != b->start_level ||
	    (hw->concat > 1U ? hw->concat : 1U) != concat)
		return VCM_ERR(diag, -EINVAL,
				"hw gives %u levels from level %u, %u concatenated; the "
				"registers give %u from level %u, %u concatenated",
				hw->levels, hw->start_level, hw->concat, levels,
				b->start_level, concat);
	return 0;
}

static int s1_program(struct vcm_sim_iommu *iommu, struct sim_bank *b,
		      const struct vcm_hw_regs *hw, struct vcm_diag *diag)
{
	uint64_t tcr = hw->regs[0];
	unsigned int t0sz = (unsigned int)VCM_FIELD_GET(TCR_T0SZ, tcr);
	unsigned int stride, levels;

	(void)iommu;
	b->granule_lg2 = tg0_lg2(tcr);
	if (b->granule_lg2 == 0U)
		return VCM_ERR(diag, -EINVAL, "TCR %#llx: TG0 0b11 is reserved",
				vcm_ull(tcr));
	if (t0sz < 16U || t0sz > 39U)
		return VCM_ERR(diag, -EINVAL, "TCR %#llx: T0SZ %u outside 16..39",
				vcm_ull(tcr), t0sz);
	stride = b->granule_lg2 - 3U;
	b->ias = 64U - t0sz;
	b->oas = ps_bits(VCM_FIELD_GET(TCR_IPS, tcr));
	/* D5.2: as many levels as it takes to resolve ias - granule bits, ending at level 3 */
	levels = (b->ias - b->granule_lg2 + stride - 1U) / stride;
	b->start_level = 4U - levels;
	b->top_bits = b->ias - level_shift(b, b->start_level);
	b->table_pa = hw->regs[2] & TTBR_BADDR;
	b->walk_off = (tcr & TCR_EPD0) != 0U;
	/* HD without HA is treated as 0 (D13: TCR_EL1.HD) */
	b->hd = (tcr & TCR_HA) != 0U && (tcr & TCR_HD) != 0U;
	return check_hw(b, hw, diag, "TTBR0");
}

static int s2_program(struct vcm_sim_iommu *iommu, struct sim_bank *b,
		      const struct vcm_hw_regs *hw, struct vcm_diag *diag)
{
	uint64_t vtcr = hw->regs[0];
	unsigned int t0sz = (unsigned int)VCM_FIELD_GET(TCR_T0SZ, vtcr);
	unsigned int sl0 = (unsigned int)VCM_FIELD_GET(VTCR_SL0, vtcr);
	unsigned int stride, shift;

	(void)iommu;
	b->granule_lg2 = tg0_lg2(vtcr);
	if (b->granule_lg2 == 0U)
		return VCM_ERR(diag, -EINVAL, "VTCR %#llx: TG0 0b11 is reserved",
				vcm_ull(vtcr));
	if (t0sz < 16U || t0sz > 39U)
		return VCM_ERR(diag, -EINVAL, "VTCR %#llx: T0SZ %u outside 16..39",
				vcm_ull(vtcr), t0sz);
	if (sl0 == 3U)
		return VCM_ERR(diag, -EINVAL, "VTCR %#llx: SL0 0b11 is reserved",
				vcm_ull(vtcr));
	stride = b->granule_lg2 - 3U;
	b->ias = 64U - t0sz;
	b->oas = ps_bits(VCM_FIELD_GET(VTCR_PS, vtcr));
	/* SL0 counts down from level 2 with 4K, from level 3 with 16K and 64K */
	b->start_level = (b->granule_lg2 == 12U ? 2U : 3U) - sl0;
	shift = level_shift(b, b->start_level);
	/* the first lookup may resolve up to 4 bits more: 2..16 concatenated tables */
	if (b->ias <= shift || b->ias - shift > stride + 4U)
		return VCM_ERR(diag, -EINVAL,
				"VTCR %#llx: T0SZ %u and SL0 %u do not fit (level %u resolves "
				"bits from %u)", vcm_ull(vtcr), t0sz, sl0, b->start_level, shift);
	b->top_bits = b->ias - shift;
	b->table_pa = hw->regs[2] & TTBR_BADDR;
	b->walk_off = false;
	b->hd = (vtcr & VTCR_HA) != 0U && (vtcr & VTCR_HD) != 0U;
	return check_hw(b, hw, diag, "VTTBR");
}

static unsigned int contig_entries_lg2(unsigned int granule_lg2, unsigned int level)
{
	/* D5.3: 16 entries with 4K; 128 pages or 32 blocks with 16K; 32 with 64K */
	if (granule_lg2 == 12U)
		return 4;
	if (granule_lg2 == 14U)
		return level == 3U ? 7U : 5U;
	return 5;
}

static bool block_allowed(unsigned int granule_lg2, unsigned int level)
{
	/* without 52-bit addresses: 4K blocks at levels 1 and 2, 16K/64K at level 2 */
	return level == 2U || (level == 1U && granule_lg2 == 12U);
}

static int walk(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		struct vcm_sim_xlate *x, struct vcm_fault *f, bool stage2);

/*
 * Read the descriptor at @desc_pa for the lookup at level @lv; through the
 * bank's stage 2 when it has one (@desc_pa is then an IPA). Stage-2 reads
 * are added to *@reads.
 */
static int fetch(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_pa_t desc_pa, int lv,
		 uint64_t *d, struct vcm_fault *f, unsigned int *reads)
{
	vcm_pa_t pa = desc_pa;

	if (b->s2 != NULL) {
		struct vcm_sim_xlate x2;
		int ret = walk(iommu, b->s2, desc_pa, &x2, f, true);

		*reads += x2.reads;
		if (ret != 0)
			return sim_s2_fault_(f, desc_pa, VCM_FAULT_S1PTW, ret);
		/* the walker reads the table: stage 2 must allow a read (D5.4) */
		if ((x2.priv & VCM_ACCESS_READ) == 0U)
			return sim_s2_fault_(f, desc_pa, VCM_FAULT_S1PTW,
					     sim_walk_fault_(f, VCM_FAULT_PERMISSION,
							     (int)x2.level, x2.desc_pa));
		pa = x2.pa;
	}
	if (sim_read_desc_(iommu, pa, 8, d) != 0)
		return sim_walk_fault_(f, VCM_FAULT_EXTERNAL, lv, desc_pa);
	return 0;
}

static int walk(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		struct vcm_sim_xlate *x, struct vcm_fault *f, bool stage2)
{
	int ret;

	vcm_pa_t table = b->table_pa, desc_pa = 0;
	uint64_t d = 0, tbl_bits = 0;
	unsigned int level, shift = 0;

	sim_memset(x, 0, sizeof(*x));
	if ((da >> b->ias) != 0U) /* outside the TTBR0 / IPA range */
		return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, 0, VCM_FAULT_DESC_NONE);
	if ((table >> b->oas) != 0U)
		return sim_walk_fault_(f, VCM_FAULT_ADDR_SIZE, 0, VCM_FAULT_DESC_NONE);
	for (level = b->start_level; level <= 3U; level++) {
		unsigned int bits = level == b->start_level ? b->top_bits : b->granule_lg2 - 3U;
		int lv = (int)level;

		shift = level_shift(b, level);
		desc_pa = table + ((da >> shift) & vcm_low_mask(bits)) * 8U;
		ret = fetch(iommu, b, desc_pa, lv, &d, f, &x->reads);
		if (ret != 0)
			return ret;
		x->reads++;
		if ((d & D_VALID) == 0U)
			return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, lv, desc_pa);
		if (level == 3U) {
			if ((d & D_TABLE) == 0U) /* 0b01 at level 3 is reserved */
				return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, lv, desc_pa);
			break;
		}
		if ((d & D_TABLE) == 0U) {
			if (!block_allowed(b->granule_lg2, level))
				return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, lv, desc_pa);
			break;
		}
		/* a table: next-level address in [47:granule] */
		table = d & D_ADDR & ~vcm_low_mask(b->granule_lg2);
		if ((table >> b->oas) != 0U)
			return sim_walk_fault_(f, VCM_FAULT_ADDR_SIZE, lv, desc_pa);
		if (!stage2)
			tbl_bits |= d & (T_PXNTABLE | T_UXNTABLE | T_AP_NOEL0 | T_AP_RO);
	}
	x->level = level;
	x->desc_pa = desc_pa;
	x->size_lg2 = shift;
	x->page_pa = d & D_ADDR & ~vcm_low_mask(shift);
	if ((x->page_pa >> b->oas) != 0U)
		return sim_walk_fault_(f, VCM_FAULT_ADDR_SIZE, (int)level, desc_pa);
	if ((d & D_AF) == 0U) /* the model does not set AF: a fault, as without FEAT_HAFDBS */
		return sim_walk_fault_(f, VCM_FAULT_ACCESS_FLAG, (int)level, desc_pa);

	/* DBM under HD: writable; clean until the first write marks it */
	x->clean = b->hd && (d & D_DBM) != 0U &&
		   (stage2 ? (d & D_S2_AP_W) == 0U : (d & D_S1_AP_RO) != 0U);
	if (stage2) {
		unsigned int p = ((d & D_S2_AP_R) != 0U ? VCM_ACCESS_READ : 0U) |
				 ((d & D_S2_AP_W) != 0U || x->clean ? VCM_ACCESS_WRITE : 0U) |
				 ((d & D_S2_XN) == 0U ? VCM_ACCESS_EXEC : 0U);

		x->priv = p;
		x->user = p;
	} else {
		/*
		 * AP[2:1] as the tables above leave them: APTable[1] sets AP[2],
		 * APTable[0] clears AP[1]
		 */
		bool ro = ((d & D_S1_AP_RO) != 0U && !x->clean) || (tbl_bits & T_AP_RO) != 0U;
		bool el0 = (d & D_S1_AP_EL0) != 0U && (tbl_bits & T_AP_NOEL0) == 0U;
		bool uxn = (d & D_S1_UXN) != 0U || (tbl_bits & T_UXNTABLE) != 0U;
		/*
		 * Memory EL0 may write is never executable at EL1 (D5.4): EL0's
		 * write right after the hierarchy, not the leaf's own AP[1], so a
		 * table that takes EL0's access or write away lifts it.
		 */
		bool pxn = (d & D_S1_PXN) != 0U || (tbl_bits & T_PXNTABLE) != 0U ||
			   (el0 && !ro);
		unsigned int rw = VCM_ACCESS_READ | (ro ? 0U : VCM_ACCESS_WRITE);

		x->priv = rw | (pxn ? 0U : VCM_ACCESS_EXEC);
		/*
		 * AP[1] gives EL0 its data accesses only; an EL0 fetch is UXN's
		 * alone (D5.4, the instruction-execution table): AP[2:1] = 0b00
		 * with UXN clear is EL0 execute-only memory.
		 */
		x->user = (el0 ? rw : 0U) | (uxn ? 0U : VCM_ACCESS_EXEC);
	}

	if ((d & D_CONT) != 0U && (iommu->cfg.flags & VCM_SIM_IOMMU_CONTIG) != 0U) {
		/* one entry for the group; every entry of it must agree (D5.3) */
		unsigned int glg2 = shift + contig_entries_lg2(b->granule_lg2, level);
		vcm_da_t group_da = da & ~vcm_low_mask(glg2);

		x->page_pa -= (da & ~vcm_low_mask(shift)) - group_da;
		x->size_lg2 = glg2;
	}
	x->page_da = da & ~vcm_low_mask(x->size_lg2);
	x->pa = x->page_pa + (da - x->page_da);
	return 0;
}

static int s1_walk(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		   struct vcm_sim_xlate *x, struct vcm_fault *f)
{
	return walk(iommu, b, da, x, f, false);
}

static int s2_walk(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		   struct vcm_sim_xlate *x, struct vcm_fault *f)
{
	return walk(iommu, b, da, x, f, true);
}

/* The write of a writable-clean leaf: AP[2] cleared (S2AP[1] set), atomically. */
static int mark_dirty(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_pa_t desc_pa,
		      bool stage2)
{
	uint64_t *p = (uint64_t *)iommu->pa_to_cpu(iommu->mem_ctx, desc_pa);
	uint64_t old, new;

	(void)b;
	if (p == NULL)
		return -EFAULT;
	old = __atomic_load_n(p, __ATOMIC_RELAXED);
	do {
		/* software changed it since the walk: the caller walks again */
		if ((old & D_VALID) == 0U || (old & D_DBM) == 0U)
			return -EAGAIN;
		new = stage2 ? old | D_S2_AP_W : old & ~D_S1_AP_RO;
	} while (!__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_RELAXED,
					      __ATOMIC_RELAXED));
	return 0;
}

static int s1_mark_dirty(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_pa_t desc_pa)
{
	return mark_dirty(iommu, b, desc_pa, false);
}

static int s2_mark_dirty(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_pa_t desc_pa)
{
	return mark_dirty(iommu, b, desc_pa, true);
}

static unsigned int v8_desc_lg2(const struct sim_bank *b, unsigned int level)
{
	return level_shift(b, level);
}

/*
 * A nested bank's stage 1: as a stage 1 bank's, but without hardware dirty
 * state (not modelled across two stages: a DBM leaf with AP[2] = 1 stays
 * read-only).
 */
static int nest_program(struct vcm_sim_iommu *iommu, struct sim_bank *b,
			const struct vcm_hw_regs *hw, struct vcm_diag *diag)
{
	int ret = s1_program(iommu, b, hw, diag);

	b->hd = false;
	return ret;
}

/*
 * The nested walk: stage 1 with its table fetches through stage 2 (fetch()),
 * then stage 2 for the IPA stage 1 gave. The result is cached as one entry
 * of the smaller leaf (D5.2 allows a TLB to combine both stages).
 */
static int nest_walk(struct vcm_sim_iommu *iommu, const struct sim_bank *b, vcm_da_t da,
		     struct vcm_sim_xlate *x, struct vcm_fault *f)
{
	struct vcm_sim_xlate x2;
	unsigned int lg2, lg2_s2;
	int ret = walk(iommu, b, da, x, f, false);

	if (ret != 0)
		return ret;
	/* from here on *x is stage 1's: a caller that meets a stage-2 fault checks
	 * stage 1's permissions first (they take priority, D5.4) */
	x->nested = true;
	x->ipa = x->pa;
	ret = walk(iommu, b->s2, x->pa, &x2, f, true);
	x->reads += x2.reads;
	if (ret != 0)
		return sim_s2_fault_(f, x->pa, 0, ret);
	lg2 = level_shift(b, x->level);
	lg2_s2 = level_shift(b->s2, x2.level);
	if (lg2_s2 < lg2)
		lg2 = lg2_s2;
	/* a writable-clean stage-2 leaf is not marked here: read-only (see nest_program) */
	x->s2_perm = x2.priv & (x2.clean ? ~VCM_ACCESS_WRITE : ~0U);
	x->s2_level = x2.level;
	x->s2_desc_pa = x2.desc_pa;
	x->size_lg2 = lg2;
	x->page_da = da & ~vcm_low_mask(lg2);
	x->pa = x2.pa;
	x->page_pa = x2.pa - (da - x->page_da);
	x->clean = false;
	return 0;
}

const struct sim_walker sim_walker_v8s1_ = {
	.program = s1_program,
	.walk = s1_walk,
	.mark_dirty = s1_mark_dirty,
	.desc_lg2 = v8_desc_lg2,
	.desc_bytes = 8,
	.stage = 1,
	.off_level = 0, /* EPD0: a translation fault at level 0 */
	.hw_version = 0x0200U, /* SMMUv2-like */
};

const struct sim_walker sim_walker_v8s2_ = {
	.program = s2_program,
	.walk = s2_walk,
	.mark_dirty = s2_mark_dirty,
	.desc_lg2 = v8_desc_lg2,
	.desc_bytes = 8,
	.stage = 2,
	.off_level = 0,
	.hw_version = 0x0200U,
};

const struct sim_walker sim_walker_v8nest_ = {
	.program = nest_program,
	.walk = nest_walk,
	.mark_dirty = NULL,
	.desc_lg2 = v8_desc_lg2,
	.desc_bytes = 8,
	.stage = 1, /* a stage-2 fault says so itself (sim_s2_fault_) */
	.off_level = 0,
	.hw_version = 0x0300U, /* SMMUv3-like: nesting is an SMMUv3 feature */
};
