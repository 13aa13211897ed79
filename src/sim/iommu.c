// SPDX-License-Identifier: MIT
/*
 * The IOMMU model: context banks programmed through struct vcm_dev_ops, the
 * translate path (IOTLB, walk, permission check, fault report and one retry)
 * and a bus master's bursts through it.
 *
 * The model follows the shape of a hardware SMMU: a transaction looks up the
 * IOTLB; a miss walks the tables of its bank in physical memory and fills the
 * IOTLB; the permissions cached with the entry are checked; a fault is
 * reported as a typed record (kind, level and address of the entry that
 * faulted, stage, bank), and the handler may repair the mapping and ask for
 * the transaction to be retried (stall and resume). TLB
 * invalidation comes only from the device ops. The format-specific decoding
 * lives in walk_v7s.c and walk_v8.c. A nested model's banks have a stage 2
 * as well (s2bank, programmed through vcm_sim_iommu_s2_ops); their entries
 * combine both stages. Non-goals: timing, stream tables and stream IDs (a
 * bank is chosen by the caller), fault queues.
 */
#include "sim_internal.h"

#define SIM_IOMMU_MAGIC 0x53494d49U /* "SIMI" */

int sim_read_desc_(struct vcm_sim_iommu *iommu, vcm_pa_t pa, unsigned int bytes, uint64_t *val)
{
	const uint8_t *p = iommu->pa_to_cpu(iommu->mem_ctx, pa);

	if (p == NULL)
		return -EFAULT;
	/* Arm tables are little-endian; the host stores them in its own order (x86, Arm LE). */
	if (bytes == 4U) {
		uint32_t v;

		sim_memcpy(&v, p, sizeof(v));
		*val = v;
	} else {
		sim_memcpy(val, p, sizeof(*val));
	}
	return 0;
}

static bool valid_iommu(const struct vcm_sim_iommu *iommu)
{
	return iommu != NULL && iommu->magic == SIM_IOMMU_MAGIC;
}

int vcm_sim_iommu_create(const struct vcm_sim_iommu_cfg *cfg, struct vcm_sim_iommu **out,
			 struct vcm_diag *diag)
{
	const struct vcm_plat_ops *plat;
	struct vcm_sim_iommu *iommu;
	unsigned int banks, ways, burst;
	int ret;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	*out = NULL;
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	plat = cfg->plat;
	ret = sim_check_mem_(plat, cfg->pa_to_cpu, diag);
	if (ret < 0)
		return ret;
	if (cfg->kind != VCM_SIM_IOMMU_MSM && cfg->kind != VCM_SIM_IOMMU_SMMU_S1 &&
	    cfg->kind != VCM_SIM_IOMMU_SMMU_S2 && cfg->kind != VCM_SIM_IOMMU_SMMU_NESTED)
		return VCM_ERR(diag, -EINVAL, "cfg->kind %d is unknown", (int)cfg->kind);
	banks = cfg->banks != 0U ? cfg->banks : 1U;
	if (banks > VCM_MAX_BASES)
		return VCM_ERR(diag, -EINVAL, "cfg->banks %u: at most %u", cfg->banks,
				VCM_MAX_BASES);
	if (cfg->tlb_entries != 0U &&
	    (!vcm_is_pow2(cfg->tlb_entries) || cfg->tlb_entries > 65536U))
		return VCM_ERR(diag, -EINVAL,
				"cfg->tlb_entries %u is not a power of two up to 65536",
				cfg->tlb_entries);
	ways = cfg->tlb_ways != 0U ? cfg->tlb_ways : cfg->tlb_entries;
	if (cfg->tlb_entries != 0U && (!vcm_is_pow2(ways) || ways > cfg->tlb_entries))
		return VCM_ERR(diag, -EINVAL,
				"cfg->tlb_ways %u is not a power of two dividing %u entries",
				cfg->tlb_ways, cfg->tlb_entries);
	if (cfg->tlb_policy != VCM_SIM_TLB_LRU && cfg->tlb_policy != VCM_SIM_TLB_RR)
		return VCM_ERR(diag, -EINVAL, "cfg->tlb_policy %d is unknown",
				(int)cfg->tlb_policy);
	burst = cfg->burst_lg2 != 0U ? cfg->burst_lg2 : 6U;
	if (burst < 2U || burst > 12U)
		return VCM_ERR(diag, -EINVAL, "cfg->burst_lg2 %u: 2 to 12", cfg->burst_lg2);
	if ((cfg->flags & ~VCM_SIM_IOMMU_ALL) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->flags bit %#x is unknown",
				(unsigned int)(cfg->flags & ~VCM_SIM_IOMMU_ALL));
	if ((cfg->bus_access & ~VCM_ACCESS_USER) != 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->bus_access %#x: only VCM_ACCESS_USER",
				cfg->bus_access);

	iommu = plat->meta_alloc(plat->ctx, sizeof(*iommu));
	if (iommu == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the model");
	sim_memset(iommu, 0, sizeof(*iommu));
	iommu->cfg = *cfg;
	iommu->cfg.banks = banks;
	iommu->cfg.burst_lg2 = burst;
	iommu->cfg.name = iommu->name;
	sim_copy_name_(iommu->name, sizeof(iommu->name), cfg->name);
	sim_mem_init_(plat, cfg->pa_to_cpu, cfg->mem_ctx, &iommu->pa_to_cpu, &iommu->mem_ctx);
	iommu->walker = cfg->kind == VCM_SIM_IOMMU_MSM ? &sim_walker_v7s_ :
			cfg->kind == VCM_SIM_IOMMU_SMMU_S1 ? &sim_walker_v8s1_ :
			cfg->kind == VCM_SIM_IOMMU_SMMU_S2 ? &sim_walker_v8s2_ : &sim_walker_v8nest_;
	if (cfg->tlb_entries != 0U) {
		iommu->ways = ways;
		iommu->sets = cfg->tlb_entries / ways;
		iommu->tlb = plat->meta_alloc(plat->ctx, sizeof(*iommu->tlb) * cfg->tlb_entries);
		iommu->rr = plat->meta_alloc(plat->ctx, sizeof(*iommu->rr) * iommu->sets);
		if (iommu->tlb == NULL || iommu->rr == NULL) {
			vcm_sim_iommu_destroy(iommu);
			return VCM_ERR(diag, -ENOMEM, "no memory for %u IOTLB entries",
					cfg->tlb_entries);
		}
		sim_memset(iommu->tlb, 0, sizeof(*iommu->tlb) * cfg->tlb_entries);
		sim_memset(iommu->rr, 0, sizeof(*iommu->rr) * iommu->sets);
	}
	iommu->magic = SIM_IOMMU_MAGIC;
	*out = iommu;
	return 0;
}

int vcm_sim_iommu_destroy(struct vcm_sim_iommu *iommu)
{
	const struct vcm_plat_ops *plat;

	if (iommu == NULL)
		return 0;
	plat = iommu->cfg.plat;
	iommu->magic = 0;
	if (iommu->tlb != NULL)
		plat->meta_free(plat->ctx, iommu->tlb,
				sizeof(*iommu->tlb) * iommu->cfg.tlb_entries);
	if (iommu->rr != NULL)
		plat->meta_free(plat->ctx, iommu->rr, sizeof(*iommu->rr) * iommu->sets);
	plat->meta_free(plat->ctx, iommu, sizeof(*iommu));
	return 0;
}

/* ---- device ops ---- */

/* @nb: a fresh bank with @hw's registers, for a program op on @base. */
static int bank_from_regs(struct vcm_sim_iommu *iommu, unsigned int base,
			  const struct vcm_hw_regs *hw, struct sim_bank *nb)
{
	if (base >= iommu->cfg.banks)
		return VCM_ERR(&iommu->diag, -EINVAL, "base %u: the model has %u bank(s)",
				base, iommu->cfg.banks);
	if (hw == NULL)
		return VCM_ERR(&iommu->diag, -EINVAL, "hw is NULL: a table is needed");
	sim_memset(nb, 0, sizeof(*nb));
	sim_memcpy(nb->regs, hw->regs, sizeof(nb->regs));
	return 0;
}

static int op_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct vcm_sim_iommu *iommu = ctx;
	struct sim_bank nb;
	int ret;

	if (!valid_iommu(iommu))
		return -EINVAL;
	/* a device op, called by the graph: the model's record names the op */
	vcm_diag_enter(&iommu->diag, "vcm_sim_iommu_ops.program");
	ret = bank_from_regs(iommu, base, hw, &nb);
	if (ret != 0)
		return ret;
	nb.da_first = hw->da_first;
	nb.da_last = hw->da_last;
	if (iommu->cfg.kind == VCM_SIM_IOMMU_SMMU_NESTED)
		nb.s2 = &iommu->s2bank[base];
	ret = iommu->walker->program(iommu, &nb, hw, &iommu->diag);
	if (ret != 0)
		return ret;
	/* a new context: what was cached for the bank's old tables must go */
	sim_tlb_flush_bank_(iommu, base);
	nb.enabled = true;
	iommu->bank[base] = nb;
	return 0;
}

static void op_clear(void *ctx, unsigned int base)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!valid_iommu(iommu) || base >= iommu->cfg.banks)
		return;
	sim_tlb_flush_bank_(iommu, base);
	iommu->bank[base].enabled = false;
}

/* The test switch: true when this invalidation is to be dropped. */
static bool drop_this(struct vcm_sim_iommu *iommu)
{
	if (!iommu->drop_next)
		return false;
	iommu->drop_next = false;
	iommu->st.dropped++;
	return true;
}

static void op_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	struct vcm_sim_iommu *iommu = ctx;

	(void)leaf; /* no walk caches: leaf and non-leaf invalidations do the same */
	if (!valid_iommu(iommu) || base >= iommu->cfg.banks || len == 0U || drop_this(iommu))
		return;
	iommu->st.invalidations++;
	sim_tlb_flush_range_(iommu, base, da, len, 0);
}

/*
 * The hinted form: only entries filled from leaf descriptors of the hinted
 * sizes go (a wrong hint leaves stale entries, as on hardware that takes the
 * hint). leaf_only changes nothing: the model has no walk cache.
 */
static void op_tlb_range_hint(void *ctx, unsigned int base, vcm_da_t da, uint64_t len,
			      const struct vcm_tlb_hint *hint)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!valid_iommu(iommu) || base >= iommu->cfg.banks || len == 0U || hint == NULL ||
	    drop_this(iommu))
		return;
	iommu->st.invalidations++;
	iommu->st.hinted++;
	sim_tlb_flush_range_(iommu, base, da, len, hint->leaf_sizes);
}

static void op_tlb_all(void *ctx, unsigned int base)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!valid_iommu(iommu) || base >= iommu->cfg.banks || drop_this(iommu))
		return;
	iommu->st.invalidations++;
	sim_tlb_flush_bank_(iommu, base);
}

static uint32_t op_hw_version(void *ctx)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!valid_iommu(iommu))
		return 0;
	return iommu->cfg.hw_version != 0U ? iommu->cfg.hw_version : iommu->walker->hw_version;
}

/* @ipa: the asker is a nested model's guest, whose physical addresses are IPAs. */
static int power_query(void *ctx, vcm_pa_t pa, uint64_t len, bool ipa)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!valid_iommu(iommu))
		return -EINVAL;
	if (len == 0U)
		return 0;
	return sim_tlb_maps_pa_(iommu, pa, len, ipa) ? -EBUSY : 0;
}

static int op_power_query(void *ctx, vcm_pa_t pa, uint64_t len)
{
	const struct vcm_sim_iommu *iommu = ctx;

	return power_query(ctx, pa, len,
			   valid_iommu(iommu) && iommu->cfg.kind == VCM_SIM_IOMMU_SMMU_NESTED);
}

static int op_s2_power_query(void *ctx, vcm_pa_t pa, uint64_t len)
{
	return power_query(ctx, pa, len, false);
}

const struct vcm_dev_ops vcm_sim_iommu_ops = {
	.program = op_program,
	.clear = op_clear,
	.tlb_range = op_tlb_range,
	.tlb_all = op_tlb_all,
	.hw_version = op_hw_version,
	.power_query = op_power_query,
	.tlb_range_hint = op_tlb_range_hint,
};

/* ---- a nested model's stage 2 ---- */

static int op_s2_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct vcm_sim_iommu *iommu = ctx;
	struct sim_bank nb;
	int ret;

	if (!valid_iommu(iommu))
		return -EINVAL;
	vcm_diag_enter(&iommu->diag, "vcm_sim_iommu_s2_ops.program");
	if (iommu->cfg.kind != VCM_SIM_IOMMU_SMMU_NESTED)
		return VCM_ERR(&iommu->diag, -EINVAL,
				"model '%s' is not VCM_SIM_IOMMU_SMMU_NESTED: no stage 2 contexts",
				iommu->name);
	ret = bank_from_regs(iommu, base, hw, &nb);
	if (ret != 0)
		return ret;
	ret = sim_walker_v8s2_.program(iommu, &nb, hw, &iommu->diag);
	if (ret != 0)
		return ret;
	nb.hd = false; /* no dirty state across two stages (walk_v8.c, nest_program) */
	sim_tlb_flush_bank_(iommu, base);
	nb.enabled = true;
	iommu->s2bank[base] = nb;
	return 0;
}

static bool s2_op_ok(struct vcm_sim_iommu *iommu, unsigned int base)
{
	return valid_iommu(iommu) && iommu->cfg.kind == VCM_SIM_IOMMU_SMMU_NESTED &&
	       base < iommu->cfg.banks;
}

static void op_s2_clear(void *ctx, unsigned int base)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!s2_op_ok(iommu, base))
		return;
	sim_tlb_flush_bank_(iommu, base);
	iommu->s2bank[base].enabled = false;
}

/*
 * Any stage-2 invalidation drops the bank's combined entries: they carry no
 * IPA tag, and one stage-2 entry may lie under many of them (and under the
 * stage-1 tables their walks read).
 */
static void op_s2_tlb_all(void *ctx, unsigned int base)
{
	struct vcm_sim_iommu *iommu = ctx;

	if (!s2_op_ok(iommu, base) || drop_this(iommu))
		return;
	iommu->st.invalidations++;
	sim_tlb_flush_bank_(iommu, base);
}

static void op_s2_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	(void)da;
	(void)leaf;
	if (len != 0U)
		op_s2_tlb_all(ctx, base);
}

static void op_s2_tlb_range_hint(void *ctx, unsigned int base, vcm_da_t da, uint64_t len,
				 const struct vcm_tlb_hint *hint)
{
	(void)da;
	if (len != 0U && hint != NULL)
		op_s2_tlb_all(ctx, base);
}

const struct vcm_dev_ops vcm_sim_iommu_s2_ops = {
	.program = op_s2_program,
	.clear = op_s2_clear,
	.tlb_range = op_s2_tlb_range,
	.tlb_all = op_s2_tlb_all,
	.hw_version = op_hw_version,
	.power_query = op_s2_power_query,
	.tlb_range_hint = op_s2_tlb_range_hint,
};

/* ---- translation ---- */

static int check_call(struct vcm_sim_iommu *iommu, unsigned int bank)
{
	if (bank >= iommu->cfg.banks)
		return VCM_ERR(&iommu->diag, -EINVAL, "bank %u: the model has %u bank(s)",
				bank, iommu->cfg.banks);
	if (!iommu->bank[bank].enabled)
		return VCM_ERR(&iommu->diag, -ENODEV, "bank %u is not enabled", bank);
	if (iommu->cfg.kind == VCM_SIM_IOMMU_SMMU_NESTED && !iommu->s2bank[bank].enabled)
		return VCM_ERR(&iommu->diag, -ENODEV, "bank %u: stage 2 is not programmed", bank);
	return 0;
}

/* Complete @f, whose kind, level and desc_pa the lookup gave, for @bank. */
static void fault_fill(unsigned int bank, vcm_da_t da, unsigned int access, struct vcm_fault *f)
{
	f->da = da;
	f->access = access;
	f->base = bank;
	f->stream = 0;
	f->ctx = bank; /* the context bank */
}

/* Before a lookup: the stage a fault has unless the walk says otherwise. */
static void fault_init(const struct vcm_sim_iommu *iommu, struct vcm_fault *f)
{
	sim_memset(f, 0, sizeof(*f));
	f->stage = iommu->walker->stage;
	f->ipa = VCM_FAULT_DESC_NONE;
}

/*
 * The permission check of a nested translation after stage 1's: stage 2 must
 * allow the access too (D5.4: the more restrictive of the two applies), else
 * a stage-2 permission fault at @ipa.
 */
static int s2_check(unsigned int access, unsigned int s2_perm, unsigned int level,
		    vcm_pa_t desc_pa, vcm_pa_t ipa, struct vcm_fault *f)
{
	if ((access & ~VCM_ACCESS_USER & ~s2_perm) == 0U)
		return 0;
	return sim_s2_fault_(f, ipa, 0,
			     sim_walk_fault_(f, VCM_FAULT_PERMISSION, (int)level, desc_pa));
}

/*
 * An address of the other bank's part of a split space (vcm_hw_regs.da_first
 * and da_last; both 0: the whole space). Hardware never walks for it, as with
 * TCR.EPDn, so translate and vcm_sim_iommu_walk() both refuse it here.
 */
static bool outside_part(const struct sim_bank *b, vcm_da_t da)
{
	return (b->da_first != 0U || b->da_last != 0U) && (da < b->da_first || da > b->da_last);
}

/*
 * Walks a write may take when software keeps rewriting the writable-clean
 * descriptor between the walk and the dirty update: enough for a table
 * writer that changes an entry once or twice, and bounded so one that never
 * stops cannot hold the transaction; past it the write is a translation fault.
 */
#define SIM_DIRTY_WALKS 5U

/*
 * One lookup: IOTLB, else a walk that fills it; then the permission check.
 * On a fault, @f gets its kind, level and descriptor address.
 */
static int lookup_once(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
		       unsigned int access, vcm_pa_t *pa, struct vcm_fault *f)
{
	const struct sim_bank *b = &iommu->bank[bank];
	struct sim_tlb_entry *e = NULL;
	unsigned int allowed;
	vcm_pa_t page_pa;
	unsigned int lg2;
	bool hit;

	fault_init(iommu, f);
	iommu->st.lookups++;
	/* an address of the other bank's part: no walk, as with TCR.EPDn */
	if (outside_part(b, da))
		return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, iommu->walker->off_level,
				       VCM_FAULT_DESC_NONE);
	hit = iommu->tlb != NULL && sim_tlb_lookup_(iommu, bank, da, &e);
	/* a write through a writable-clean entry drops it and walks again to mark the leaf */
	if (hit && e->clean != 0U && (access & VCM_ACCESS_WRITE) != 0U) {
		e->valid = 0;
		hit = false;
	}
	if (hit) {
		iommu->st.hits++;
		allowed = (access & VCM_ACCESS_USER) != 0U ? e->user : e->priv;
		if ((access & ~VCM_ACCESS_USER & ~allowed) != 0U)
			return sim_walk_fault_(f, VCM_FAULT_PERMISSION, e->level,
					       sim_tlb_desc_pa_(iommu, e, da));
		if (e->nested != 0U &&
		    s2_check(access, e->s2_perm, e->s2_level, e->s2_desc_pa,
			     e->ipa + (da & (VCM_BIT(e->size_lg2) - 1U)), f) != 0)
			return vcm_fault_errno(VCM_FAULT_PERMISSION);
		page_pa = e->pa;
		lg2 = e->size_lg2;
	} else {
		struct vcm_sim_xlate x;
		unsigned int walks = 0;
		int ret;

		iommu->st.misses++;
		if (b->walk_off) /* TTBCR.PD0 / TCR.EPD0: a miss is a translation fault */
			return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, iommu->walker->off_level,
					       VCM_FAULT_DESC_NONE);
again:
		walks++;
		iommu->st.walks++;
		ret = iommu->walker->walk(iommu, b, da, &x, f);
		iommu->st.walk_reads += x.reads;
		allowed = (access & VCM_ACCESS_USER) != 0U ? x.user : x.priv;
		/*
		 * nested, stage 2 could not translate stage 1's output: a stage-1
		 * permission fault comes first (stage 1 completes, permissions
		 * included, before its output goes to stage 2)
		 */
		if (ret != 0 && x.nested && f->stage == 2U &&
		    (access & ~VCM_ACCESS_USER & ~allowed) != 0U) {
			fault_init(iommu, f);
			return sim_walk_fault_(f, VCM_FAULT_PERMISSION, (int)x.level, x.desc_pa);
		}
		if (ret != 0)
			return ret;
		if ((access & ~VCM_ACCESS_USER & ~allowed) == 0U &&
		    (access & VCM_ACCESS_WRITE) != 0U && x.clean) {
			/* D5.4.11: the descriptor is marked before the write is done */
			ret = iommu->walker->mark_dirty(iommu, b, x.desc_pa);
			if (ret == -EFAULT)
				return sim_walk_fault_(f, VCM_FAULT_EXTERNAL, (int)x.level,
						       x.desc_pa);
			/*
			 * changed under us: what this walk decoded is gone, and a
			 * fresh walk decides (the entry may now be plainly writable,
			 * read-only or invalid); nothing was cached from this one
			 */
			if (ret != 0 && walks < SIM_DIRTY_WALKS)
				goto again;
			if (ret != 0)
				return sim_walk_fault_(f, VCM_FAULT_TRANSLATION, (int)x.level,
						       x.desc_pa);
			iommu->st.dirty_marks++;
			x.clean = false;
		}
		sim_tlb_insert_(iommu, bank, &x);
		if ((access & ~VCM_ACCESS_USER & ~allowed) != 0U)
			return sim_walk_fault_(f, VCM_FAULT_PERMISSION, (int)x.level, x.desc_pa);
		if (x.nested && s2_check(access, x.s2_perm, x.s2_level, x.s2_desc_pa, x.ipa, f) != 0)
			return vcm_fault_errno(VCM_FAULT_PERMISSION);
		page_pa = x.page_pa;
		lg2 = x.size_lg2;
	}
	*pa = page_pa + (da & (VCM_BIT(lg2) - 1U));
	return 0;
}

static int report(struct vcm_sim_iommu *iommu, const struct vcm_fault *f)
{
	iommu->st.faults++;
	iommu->have_fault = true;
	iommu->last_fault = *f;
	if (iommu->cfg.fault == NULL)
		return VCM_FAULT_TERMINATE;
	return iommu->cfg.fault(iommu->cfg.fault_ctx, &iommu->last_fault);
}

static int translate(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
		     unsigned int access, vcm_pa_t *pa)
{
	struct vcm_fault f;
	int ret = lookup_once(iommu, bank, da, access, pa, &f);

	if (ret == 0)
		return 0;
	fault_fill(bank, da, access, &f);
	if (report(iommu, &f) != VCM_FAULT_RETRY)
		return ret;
	iommu->st.retries++;
	ret = lookup_once(iommu, bank, da, access, pa, &f);
	if (ret != 0) {
		/* the second fault is recorded and ends the transaction */
		fault_fill(bank, da, access, &f);
		iommu->st.faults++;
		iommu->last_fault = f;
	}
	return ret;
}

int vcm_sim_iommu_translate(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
			    unsigned int access, vcm_pa_t *pa)
{
	unsigned int kind = access & ~VCM_ACCESS_USER;
	int ret;

	if (!valid_iommu(iommu))
		return -EINVAL;
	vcm_diag_enter(&iommu->diag, __func__);
	if (pa == NULL)
		return VCM_ERR(&iommu->diag, -EINVAL, "pa is NULL");
	if (kind != VCM_ACCESS_READ && kind != VCM_ACCESS_WRITE && kind != VCM_ACCESS_EXEC)
		return VCM_ERR(&iommu->diag, -EINVAL,
				"access %#x: one of READ, WRITE, EXEC (| USER)", access);
	ret = check_call(iommu, bank);
	if (ret != 0)
		return ret;
	return translate(iommu, bank, da, access, pa);
}

int vcm_sim_iommu_walk(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
		       struct vcm_sim_xlate *out, struct vcm_fault *fault)
{
	struct vcm_fault f;
	int ret;

	if (!valid_iommu(iommu))
		return -EINVAL;
	vcm_diag_enter(&iommu->diag, __func__);
	if (out == NULL)
		return VCM_ERR(&iommu->diag, -EINVAL, "out is NULL");
	ret = check_call(iommu, bank);
	if (ret != 0)
		return ret;
	fault_init(iommu, &f);
	/* the bank's part of a split space bounds the walk as it bounds translate */
	if (outside_part(&iommu->bank[bank], da) || iommu->bank[bank].walk_off) {
		sim_memset(out, 0, sizeof(*out));
		ret = sim_walk_fault_(&f, VCM_FAULT_TRANSLATION, iommu->walker->off_level,
				      VCM_FAULT_DESC_NONE);
	} else {
		ret = iommu->walker->walk(iommu, &iommu->bank[bank], da, out, &f);
	}
	if (ret != 0 && fault != NULL) {
		fault_fill(bank, da, 0, &f);
		*fault = f;
	}
	return ret;
}

/*
 * Move @len bytes between @buf and the bank's da space, burst by burst: the
 * body of vcm_sim_iommu_read() and _write(), @fn naming the public call.
 */
static int move(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da, uint8_t *rbuf,
		const uint8_t *wbuf, size_t len, const char *fn)
{
	unsigned int access;
	uint64_t burst;
	size_t done = 0;
	int ret;

	if (!valid_iommu(iommu))
		return -EINVAL;
	access = (rbuf != NULL ? VCM_ACCESS_READ : VCM_ACCESS_WRITE) | iommu->cfg.bus_access;
	burst = VCM_BIT(iommu->cfg.burst_lg2);
	vcm_diag_enter(&iommu->diag, fn);
	/* the bank first: an empty transfer on a bank that cannot take one is refused too */
	ret = check_call(iommu, bank);
	if (ret != 0 || len == 0U)
		return ret;
	if ((rbuf == NULL && wbuf == NULL))
		return VCM_ERR(&iommu->diag, -EINVAL, "buf is NULL");
	if ((uint64_t)len - 1U > ~da)
		return VCM_ERR(&iommu->diag, -EOVERFLOW, "da %#llx + len %#llx wraps",
				vcm_ull(da), vcm_ull(len));
	while (done < len) {
		vcm_da_t cur = da + done;
		size_t n = (size_t)(burst - (cur & (burst - 1U)));
		vcm_pa_t pa = 0;
		uint8_t *p;

		if (n > len - done)
			n = len - done;
		ret = translate(iommu, bank, cur, access, &pa);
		if (ret != 0)
			return ret;
		p = iommu->pa_to_cpu(iommu->mem_ctx, pa);
		if (p == NULL)
			return VCM_ERR(&iommu->diag, -EFAULT,
					"da %#llx: pa %#llx has no memory behind it",
					vcm_ull(cur), vcm_ull(pa));
		if (rbuf != NULL)
			sim_memcpy(rbuf + done, p, n);
		else
			sim_memcpy(p, wbuf + done, n);
		iommu->st.bursts++;
		iommu->st.bytes += n;
		done += n;
	}
	return 0;
}

int vcm_sim_iommu_read(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
		       void *buf, size_t len)
{
	return move(iommu, bank, da, buf, NULL, len, __func__);
}

int vcm_sim_iommu_write(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
			const void *buf, size_t len)
{
	return move(iommu, bank, da, NULL, buf, len, __func__);
}

/* ---- counters and state ---- */

void vcm_sim_iommu_stats(const struct vcm_sim_iommu *iommu, struct vcm_sim_iommu_stats *st)
{
	if (st == NULL)
		return;
	if (!valid_iommu(iommu)) {
		sim_memset(st, 0, sizeof(*st));
		return;
	}
	*st = iommu->st;
}

void vcm_sim_iommu_reset_stats(struct vcm_sim_iommu *iommu)
{
	if (valid_iommu(iommu))
		sim_memset(&iommu->st, 0, sizeof(iommu->st));
}

unsigned int vcm_sim_iommu_tlb_valid(const struct vcm_sim_iommu *iommu)
{
	unsigned int n = 0;

	if (!valid_iommu(iommu) || iommu->tlb == NULL)
		return 0;
	for (unsigned int i = 0; i < iommu->sets * iommu->ways; i++)
		n += iommu->tlb[i].valid;
	return n;
}

void vcm_sim_iommu_drop_next_invalidation(struct vcm_sim_iommu *iommu)
{
	if (valid_iommu(iommu))
		iommu->drop_next = true;
}

int vcm_sim_iommu_last_fault(const struct vcm_sim_iommu *iommu, struct vcm_fault *f)
{
	if (!valid_iommu(iommu) || f == NULL)
		return -EINVAL;
	if (!iommu->have_fault)
		return -ENOENT;
	*f = iommu->last_fault;
	return 0;
}

const char *vcm_sim_iommu_last_error(const struct vcm_sim_iommu *iommu)
{
	if (!valid_iommu(iommu))
		return "vcm_sim_iommu_last_error: iommu is NULL or not a model";
	return iommu->diag.msg;
}
