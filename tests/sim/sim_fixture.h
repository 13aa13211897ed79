/* SPDX-License-Identifier: MIT */
/*
 * What the sim tests share: hosted physical memory, a page table built in it
 * by the pgtable layer, an IOMMU model whose bank 0 is programmed with that
 * table, and the table's TLB callbacks wired to the model's device ops (so an
 * unmap invalidates the IOTLB the way the graph will).
 */
#ifndef VCM_TEST_SIM_FIXTURE_H
#define VCM_TEST_SIM_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/sim.h>
#include <vcm/hosted.h>
#include <vcm/pgtable.h>

#define SIM_MEM_PA    UINT64_C(0x40000000)
#define SIM_MEM_LEN   (UINT64_C(64) << 20)
#define SIM_TABLE_LEN (UINT64_C(16) << 20)

/* One table configuration and the model that walks it. */
struct sim_config {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	unsigned int ias;
	unsigned int granule_lg2;
	uint32_t pt_flags;
	enum vcm_sim_iommu_kind kind;
};

static const struct sim_config sim_configs[] = {
	{ "armv7s", &vcm_pt_fmt_armv7s, 32, 12, 0, VCM_SIM_IOMMU_MSM },
	{ "armv7s-ias30", &vcm_pt_fmt_armv7s, 30, 12, 0, VCM_SIM_IOMMU_MSM },
	{ "armv8-4k-s1", &vcm_pt_fmt_armv8, 48, 12, 0, VCM_SIM_IOMMU_SMMU_S1 },
	{ "armv8-4k-s1-ias32", &vcm_pt_fmt_armv8, 32, 12, 0, VCM_SIM_IOMMU_SMMU_S1 },
	{ "armv8-64k-s1", &vcm_pt_fmt_armv8, 48, 16, 0, VCM_SIM_IOMMU_SMMU_S1 },
	{ "armv8-16k-s1", &vcm_pt_fmt_armv8, 47, 14, 0, VCM_SIM_IOMMU_SMMU_S1 },
	{ "armv8-4k-s2", &vcm_pt_fmt_armv8, 40, 12, VCM_PT_CFG_STAGE2, VCM_SIM_IOMMU_SMMU_S2 },
	{ "armv8-4k-s2-ias32", &vcm_pt_fmt_armv8, 32, 12, VCM_PT_CFG_STAGE2,
	  VCM_SIM_IOMMU_SMMU_S2 },
	{ "armv8-64k-s2", &vcm_pt_fmt_armv8, 42, 16, VCM_PT_CFG_STAGE2, VCM_SIM_IOMMU_SMMU_S2 },
};
#define SIM_NR_CONFIGS (sizeof(sim_configs) / sizeof(sim_configs[0]))

struct sim_fx {
	const struct sim_config *c;
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	struct vcm_sim_iommu *iommu;
	struct vcm_pt_tlb_ops tlb;
	struct vcm_pt *pt;
	struct vcm_hw_regs hw;
	vcm_pa_t free_pa;       /* memory for buffers, after the table arena */
	uint64_t free_len;
	/* fault hook state */
	unsigned int faults_seen;
	struct vcm_fault last;
	int answer;             /* what the hook returns */
	bool repair;            /* map the faulting page before answering */
	vcm_pa_t repair_pa;
	unsigned int repair_prot;
};

static inline void sim_fx_flush(void *ctx, vcm_da_t da, uint64_t len, bool leaf)
{
	vcm_sim_iommu_ops.tlb_range(ctx, 0, da, len, leaf);
}

static inline int sim_fx_fault(void *ctx, const struct vcm_fault *f)
{
	struct sim_fx *fx = ctx;

	fx->faults_seen++;
	fx->last = *f;
	if (fx->repair) {
		uint64_t g = UINT64_C(1) << fx->c->granule_lg2;
		vcm_da_t da = f->da & ~(g - 1U);

		if (vcm_pt_map(fx->pt, da, fx->repair_pa, g, fx->repair_prot) != 0)
			return VCM_FAULT_TERMINATE;
	}
	return fx->answer;
}

/* Build memory, model (with @mcfg's IOTLB fields) and table; program bank 0. */
static inline void sim_fx_init(struct sim_fx *fx, const struct sim_config *c,
			       const struct vcm_sim_iommu_cfg *mcfg)
{
	struct vcm_sim_iommu_cfg cfg = { 0 };
	struct vcm_pt_cfg pcfg = { 0 };
	struct vcm_diag diag = { 0 };
	int ret;

	memset(fx, 0, sizeof(*fx));
	fx->c = c;
	fx->answer = VCM_FAULT_TERMINATE;
	ret = vcm_hosted_mem_create(SIM_MEM_PA, SIM_MEM_LEN, SIM_TABLE_LEN, &fx->mem, &diag);
	if (ret != 0)
		fail_msg("vcm_hosted_mem_create: %d %s", ret, diag.msg);
	fx->plat = vcm_hosted_mem_plat(fx->mem);
	vcm_hosted_mem_free_range(fx->mem, &fx->free_pa, &fx->free_len);
	if (mcfg != NULL)
		cfg = *mcfg;
	cfg.kind = c->kind;
	cfg.name = c->name;
	cfg.plat = fx->plat;
	cfg.fault = sim_fx_fault;
	cfg.fault_ctx = fx;
	ret = vcm_sim_iommu_create(&cfg, &fx->iommu, &diag);
	if (ret != 0)
		fail_msg("vcm_sim_iommu_create: %d %s", ret, diag.msg);
	fx->tlb.flush_range = sim_fx_flush;
	pcfg.fmt = c->fmt;
	pcfg.ias = c->ias;
	pcfg.granule_lg2 = c->granule_lg2;
	pcfg.flags = c->pt_flags | VCM_PT_CFG_COHERENT;
	pcfg.plat = fx->plat;
	pcfg.tlb = &fx->tlb;
	pcfg.tlb_ctx = fx->iommu;
	ret = vcm_pt_create(&pcfg, &fx->pt, &diag);
	if (ret != 0)
		fail_msg("vcm_pt_create %s: %d %s", c->name, ret, diag.msg);
	assert_int_equal(vcm_pt_hw(fx->pt, &fx->hw), 0);
	ret = vcm_sim_iommu_ops.program(fx->iommu, 0, &fx->hw);
	if (ret != 0)
		fail_msg("program %s: %d %s", c->name, ret, vcm_sim_iommu_last_error(fx->iommu));
}

static inline void sim_fx_fini(struct sim_fx *fx)
{
	vcm_sim_iommu_ops.clear(fx->iommu, 0);
	vcm_pt_destroy(fx->pt);
	assert_int_equal(vcm_sim_iommu_destroy(fx->iommu), 0);
	assert_int_equal(vcm_hosted_mem_destroy(fx->mem), 0);
}

/*
 * The physical address of the descriptor for @da at @level of the fixture's
 * armv8 table, found by reading the table entries from the root by hand (not
 * through either walker): the index of a level is da[shift + bits - 1:shift],
 * with the first level resolving what is left of the input size.
 */
static inline vcm_pa_t sim_fx_v8_desc(struct sim_fx *fx, vcm_da_t da, unsigned int level)
{
	unsigned int g = fx->c->granule_lg2, stride = g - 3U, start = fx->hw.start_level;
	vcm_pa_t table = fx->hw.root_pa;

	for (unsigned int l = start;; l++) {
		unsigned int shift = g + stride * (3U - l);
		unsigned int bits = l == start ? fx->c->ias - shift : stride;
		vcm_pa_t d = table + ((da >> shift) & ((UINT64_C(1) << bits) - 1U)) * 8U;
		const uint64_t *e;

		if (l == level)
			return d;
		e = vcm_hosted_mem_cpu(fx->mem, d);
		assert_non_null(e);
		table = *e & UINT64_C(0xffffffffffff) & ~((UINT64_C(1) << g) - 1U);
	}
}

/* A pointer to the descriptor at @pa. */
static inline void *sim_fx_desc(struct sim_fx *fx, vcm_pa_t pa)
{
	void *p = vcm_hosted_mem_cpu(fx->mem, pa);

	assert_non_null(p);
	return p;
}

static inline const struct sim_config *sim_config(const char *name)
{
	for (size_t i = 0; i < SIM_NR_CONFIGS; i++)
		if (strcmp(sim_configs[i].name, name) == 0)
			return &sim_configs[i];
	fail_msg("no sim config %s", name);
	return NULL;
}

#endif /* VCM_TEST_SIM_FIXTURE_H */
