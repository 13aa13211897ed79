// SPDX-License-Identifier: MIT
/*
 * The simulated SoC builder (include/vcm/soc.h): hosted memory, the system
 * on it, IOMMU models, DMA engine models and the devices, made in that order
 * and undone in reverse. The system's platform ops are the memory's, passed
 * through a forwarder that counts table bytes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <vcm/soc.h>
#include "../util/fail.h"

struct vcm_soc {
	struct vcm_hosted_mem *mem;
	struct vcm_plat_fwd fwd;          /* on to the memory's ops, counting tables */
	struct vcm_plat_ops plat;         /* what the system and the models use */
	uint64_t table_bytes, table_peak;
	struct vcm_sys *sys;
	unsigned int nr_iommus, nr_devs;
	struct vcm_sim_iommu *iommu[VCM_SOC_MAX_IOMMUS];
	struct vcm_dev *dev[VCM_SOC_MAX_DEVS];
	struct vcm_sim_dma *dma[VCM_SOC_MAX_DEVS];
	uint32_t hw_version[VCM_SOC_MAX_DEVS]; /* the ctx of ver_ops */
	struct vcm_diag diag;
};

static struct vcm_soc *soc_of(struct vcm_plat_fwd *f)
{
	return (struct vcm_soc *)(void *)((char *)f - offsetof(struct vcm_soc, fwd));
}

static int count_table_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
			     void **cpu)
{
	struct vcm_soc *soc = soc_of(f);
	int ret = vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);

	if (ret == 0) {
		soc->table_bytes += size;
		if (soc->table_bytes > soc->table_peak)
			soc->table_peak = soc->table_bytes;
	}
	return ret;
}

static void count_table_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct vcm_soc *soc = soc_of(f);

	vcm_plat_fwd_table_free(f, pa, cpu, size);
	soc->table_bytes -= size;
}

/* A model's faults go to the graph, which runs the device's hook. */
static int model_fault(void *ctx, const struct vcm_fault *f)
{
	struct vcm_dev *const *dev = ctx;

	if (*dev == NULL)
		return VCM_FAULT_TERMINATE;
	return vcm_dev_fault(*dev, f);
}

/* The ops of a device with no model that answers a version. */
static uint32_t ver_hw_version(void *ctx)
{
	return *(const uint32_t *)ctx;
}

static const struct vcm_dev_ops ver_ops = {
	.hw_version = ver_hw_version,
};

static int check_cfg(const struct vcm_soc_cfg *cfg, struct vcm_diag *diag)
{
	if (cfg->nr_memtypes > VCM_SOC_MAX_MEMTYPES || (cfg->nr_memtypes != 0U && cfg->memtypes == NULL))
		return VCM_ERR(diag, -EINVAL, "cfg->nr_memtypes %u: at most %u, with memtypes",
			       cfg->nr_memtypes, VCM_SOC_MAX_MEMTYPES);
	if (cfg->nr_iommus > VCM_SOC_MAX_IOMMUS || (cfg->nr_iommus != 0U && cfg->iommus == NULL))
		return VCM_ERR(diag, -EINVAL, "cfg->nr_iommus %u: at most %u, with iommus",
			       cfg->nr_iommus, VCM_SOC_MAX_IOMMUS);
	if (cfg->nr_devs > VCM_SOC_MAX_DEVS || (cfg->nr_devs != 0U && cfg->devs == NULL))
		return VCM_ERR(diag, -EINVAL, "cfg->nr_devs %u: at most %u, with devs",
			       cfg->nr_devs, VCM_SOC_MAX_DEVS);
	for (unsigned int i = 0; i < cfg->nr_devs; i++) {
		const struct vcm_soc_dev_cfg *d = &cfg->devs[i];

		if (d->kind != VCM_SOC_DEV_PT && d->kind != VCM_SOC_DEV_DMA &&
		    d->kind != VCM_SOC_DEV_CPU)
			return VCM_ERR(diag, -EINVAL, "cfg->devs[%u].kind %d is unknown", i,
				       (int)d->kind);
		if (d->kind == VCM_SOC_DEV_PT && d->iommu >= cfg->nr_iommus)
			return VCM_ERR(diag, -EINVAL, "cfg->devs[%u].iommu %u: the SoC has %u", i,
				       d->iommu, cfg->nr_iommus);
	}
	return 0;
}

static int build_memory(struct vcm_soc *soc, const struct vcm_soc_cfg *cfg, struct vcm_diag *diag)
{
	struct vcm_phys_range ranges[VCM_SOC_MAX_MEMTYPES];
	struct vcm_phys_memtype_cfg mts[VCM_SOC_MAX_MEMTYPES];
	struct vcm_sys_cfg scfg = { 0 };
	struct vcm_diag d = { 0 };
	int ret;

	ret = vcm_hosted_mem_create(cfg->mem_pa, cfg->mem_len, cfg->table_bytes, &soc->mem, &d);
	if (ret != 0)
		return VCM_ERR(diag, ret, "memory: %s", d.msg);
	soc->fwd = (struct vcm_plat_fwd){ .to = vcm_hosted_mem_plat(soc->mem),
					  .table_alloc = count_table_alloc,
					  .table_free = count_table_free };
	vcm_plat_fwd_ops(&soc->fwd, &soc->plat);
	for (unsigned int i = 0; i < cfg->nr_memtypes; i++) {
		const struct vcm_soc_memtype *m = &cfg->memtypes[i];
		vcm_pa_t fpa;
		uint64_t flen;

		/* memtypes hand out memory: only what is neither tables nor outside */
		vcm_hosted_mem_free_range(soc->mem, &fpa, &flen);
		ranges[i] = (struct vcm_phys_range){ m->pa, m->len };
		if (m->len == 0U)
			ranges[i] = (struct vcm_phys_range){ fpa, flen };
		else if (m->pa < fpa || m->len > flen || m->pa - fpa > flen - m->len)
			return VCM_ERR(diag, -EINVAL,
				       "cfg->memtypes[%u]: [%#llx, +%#llx) is not inside the memory "
				       "after the table arena, [%#llx, +%#llx)", i, vcm_ull(m->pa),
				       vcm_ull(m->len), vcm_ull(fpa), vcm_ull(flen));
		mts[i] = (struct vcm_phys_memtype_cfg){ &ranges[i], 1, m->chunk_sizes };
	}
	scfg.plat = &soc->plat;
	scfg.memtypes = mts;
	scfg.nr_memtypes = cfg->nr_memtypes;
	scfg.lock = cfg->lock;
	scfg.diag_slot = cfg->diag_slot;
	scfg.diag_ctx = cfg->diag_ctx;
	scfg.slots = cfg->slots;
	scfg.locks = cfg->locks;
	ret = vcm_sys_create(&scfg, &soc->sys, &d);
	if (ret != 0)
		return VCM_ERR(diag, ret, "system: %s", d.msg);
	return 0;
}

static int build_models(struct vcm_soc *soc, const struct vcm_soc_cfg *cfg, struct vcm_diag *diag)
{
	for (unsigned int i = 0; i < cfg->nr_iommus; i++) {
		struct vcm_sim_iommu_cfg mcfg = cfg->iommus[i];
		struct vcm_diag d = { 0 };
		int ret;

		mcfg.plat = &soc->plat;
		mcfg.pa_to_cpu = NULL;
		mcfg.mem_ctx = NULL;
		mcfg.fault = NULL;
		mcfg.fault_ctx = NULL;
		/* faults go to the (last) device behind the model */
		for (unsigned int j = 0; j < cfg->nr_devs; j++) {
			if (cfg->devs[j].kind == VCM_SOC_DEV_PT && cfg->devs[j].iommu == i) {
				mcfg.fault = model_fault;
				mcfg.fault_ctx = &soc->dev[j];
			}
		}
		ret = vcm_sim_iommu_create(&mcfg, &soc->iommu[i], &d);
		if (ret != 0)
			return VCM_ERR(diag, ret, "iommu %s: %s", mcfg.name != NULL ? mcfg.name : "",
				       d.msg);
	}
	for (unsigned int j = 0; j < cfg->nr_devs; j++) {
		struct vcm_sim_dma_cfg dcfg = { 0 };
		struct vcm_diag d = { 0 };
		int ret;

		if (cfg->devs[j].kind != VCM_SOC_DEV_DMA || !cfg->devs[j].engine)
			continue;
		dcfg.name = cfg->devs[j].name;
		dcfg.plat = &soc->plat;
		ret = vcm_sim_dma_create(&dcfg, &soc->dma[j], &d);
		if (ret != 0)
			return VCM_ERR(diag, ret, "dma %s: %s", dcfg.name != NULL ? dcfg.name : "",
				       d.msg);
	}
	return 0;
}

static int build_devs(struct vcm_soc *soc, const struct vcm_soc_cfg *cfg, struct vcm_diag *diag)
{
	for (unsigned int j = 0; j < cfg->nr_devs; j++) {
		const struct vcm_soc_dev_cfg *d = &cfg->devs[j];
		struct vcm_dev_cfg dcfg = { 0 };
		struct vcm_pt_cfg pt = d->pt;
		int ret;

		dcfg.name = d->name;
		dcfg.nr_bases = d->nr_bases != 0U ? d->nr_bases : 1U;
		switch (d->kind) {
		case VCM_SOC_DEV_PT:
			pt.plat = NULL;
			pt.tlb = NULL;
			pt.tlb_ctx = NULL;
			/*
			 * A granule no 64-bit mask can hold is left alone: the shift
			 * would be undefined, and vcm_pt_create() refuses the
			 * granule itself with the message that names it.
			 */
			if (cfg->small_only && pt.granule_lg2 < 64U)
				pt.page_sizes = UINT64_C(1) << (pt.granule_lg2 != 0U ?
								pt.granule_lg2 : 12U);
			dcfg.mapper = &vcm_mapper_pt;
			dcfg.mapper_cfg = &pt;
			/* behind a nested model the SoC's device is the host's: stage 2 */
			dcfg.ops = cfg->iommus[d->iommu].kind == VCM_SIM_IOMMU_SMMU_NESTED ?
				   &vcm_sim_iommu_s2_ops : &vcm_sim_iommu_ops;
			dcfg.ctx = soc->iommu[d->iommu];
			break;
		case VCM_SOC_DEV_DMA:
			dcfg.mapper = &vcm_mapper_one_to_one;
			break;
		case VCM_SOC_DEV_CPU:
			dcfg.mapper = &vcm_hosted_cpu_mapper;
			dcfg.mapper_ctx = soc->mem;
			break;
		}
		if (d->kind != VCM_SOC_DEV_PT && d->hw_version != 0U) {
			soc->hw_version[j] = d->hw_version;
			dcfg.ops = &ver_ops;
			dcfg.ctx = &soc->hw_version[j];
		}
		ret = vcm_dev_register(soc->sys, &dcfg, &soc->dev[j]);
		if (ret != 0) {
			soc->dev[j] = NULL;
			return VCM_ERR(diag, ret, "dev %s: %s", d->name != NULL ? d->name : "",
				       vcm_sys_last_error(soc->sys));
		}
	}
	return 0;
}

int vcm_soc_create(const struct vcm_soc_cfg *cfg, struct vcm_soc **out, struct vcm_diag *diag)
{
	struct vcm_soc *soc;
	int ret;

	vcm_diag_enter(diag, "vcm_soc_create");
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	*out = NULL;
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	ret = check_cfg(cfg, diag);
	if (ret != 0)
		return ret;
	soc = calloc(1, sizeof(*soc));
	if (soc == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the SoC");
	soc->nr_iommus = cfg->nr_iommus;
	soc->nr_devs = cfg->nr_devs;
	ret = build_memory(soc, cfg, diag);
	if (ret == 0)
		ret = build_models(soc, cfg, diag);
	if (ret == 0)
		ret = build_devs(soc, cfg, diag);
	if (ret != 0) {
		/* nothing the caller made uses it yet: this cannot be refused */
		(void)vcm_soc_destroy(soc);
		return ret;
	}
	*out = soc;
	return 0;
}

int vcm_soc_destroy(struct vcm_soc *soc)
{
	struct vcm_diag *d;
	int ret;

	if (soc == NULL)
		return 0;
	d = &soc->diag;
	vcm_diag_enter(d, "vcm_soc_destroy");
	/* all or nothing: refuse before the first device goes if the system would stay */
	if (soc->sys != NULL) {
		struct vcm_sys_counts c = { 0 };
		uint64_t ours = 0;

		for (unsigned int j = 0; j < soc->nr_devs; j++) {
			/* a device of ours the caller unregistered is gone already */
			if (soc->dev[j] != NULL && vcm_dev_name(soc->dev[j]) == NULL)
				soc->dev[j] = NULL;
			ours += soc->dev[j] != NULL;
		}
		ret = vcm_sys_counts(soc->sys, &c);
		if (ret != 0)
			return VCM_ERR(d, ret, "%s", vcm_sys_last_error(soc->sys));
		/* every device of ours is live and counted: c.devs >= ours */
		if (c.vcms != 0U || c.mems != 0U || c.devs != ours)
			return VCM_ERR(d, -EBUSY,
				       "the system holds %llu VCMs, %llu allocations and %llu "
				       "devices of other callers: nothing was undone",
				       vcm_ull(c.vcms), vcm_ull(c.mems), vcm_ull(c.devs - ours));
	}
	for (unsigned int j = soc->nr_devs; j-- > 0;) {
		if (soc->dev[j] == NULL)
			continue;
		ret = vcm_dev_unregister(soc->dev[j]);
		if (ret != 0)
			return VCM_ERR(d, ret, "%s", vcm_sys_last_error(soc->sys));
		soc->dev[j] = NULL;
	}
	if (soc->sys != NULL) {
		ret = vcm_sys_destroy(soc->sys);
		if (ret != 0)
			return VCM_ERR(d, ret, "the system still holds VCMs or allocations");
		soc->sys = NULL;
	}
	for (unsigned int i = 0; i < soc->nr_iommus; i++)
		vcm_sim_iommu_destroy(soc->iommu[i]);
	for (unsigned int j = 0; j < soc->nr_devs; j++)
		vcm_sim_dma_destroy(soc->dma[j]);
	/* with the system gone, no CPU mapper instance holds the memory */
	(void)vcm_hosted_mem_destroy(soc->mem);
	free(soc);
	return 0;
}

struct vcm_sys *vcm_soc_sys(const struct vcm_soc *soc)
{
	return soc != NULL ? soc->sys : NULL;
}

struct vcm_hosted_mem *vcm_soc_mem(const struct vcm_soc *soc)
{
	return soc != NULL ? soc->mem : NULL;
}

struct vcm_dev *vcm_soc_dev(const struct vcm_soc *soc, unsigned int i)
{
	return soc != NULL && i < soc->nr_devs ? soc->dev[i] : NULL;
}

struct vcm_sim_iommu *vcm_soc_iommu(const struct vcm_soc *soc, unsigned int i)
{
	return soc != NULL && i < soc->nr_iommus ? soc->iommu[i] : NULL;
}

struct vcm_sim_dma *vcm_soc_dma(const struct vcm_soc *soc, unsigned int i)
{
	return soc != NULL && i < soc->nr_devs ? soc->dma[i] : NULL;
}

void vcm_soc_table_bytes(const struct vcm_soc *soc, uint64_t *now, uint64_t *peak)
{
	if (now != NULL)
		*now = soc != NULL ? soc->table_bytes : 0U;
	if (peak != NULL)
		*peak = soc != NULL ? soc->table_peak : 0U;
}

const char *vcm_soc_last_error(const struct vcm_soc *soc)
{
	if (soc == NULL)
		return "vcm_soc_last_error: soc is NULL";
	return soc->diag.msg;
}
