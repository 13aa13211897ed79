/* SPDX-License-Identifier: MIT */
/*
 * A simulated SoC on hosted memory, built in one call: the machine's memory
 * (memfd, its first bytes a page-table arena), the mapping graph's system and
 * memtypes, IOMMU models (include/vcm/sim.h) in front of the devices that
 * have page tables, devices with no MMU (optionally with a DMA engine model)
 * and the CPU. The default system behind rfc.h and the SoC of `vcm run` are
 * both built here, from two descriptions.
 *
 * The builder stops at the devices: VCMs, associations and buffers are the
 * caller's, made with the graph's calls on vcm_soc_sys(), and the caller
 * removes them before vcm_soc_destroy().
 *
 * Hosted only (Linux user space). Words: see docs/glossary.md.
 */
#ifndef VCM_SOC_H
#define VCM_SOC_H

#include <vcm/types.h>
#include <vcm/vcm.h>
#include <vcm/mapper_pt.h>
#include <vcm/sim.h>
#include <vcm/hosted.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VCM_SOC_MAX_MEMTYPES 8U
#define VCM_SOC_MAX_IOMMUS   8U
#define VCM_SOC_MAX_DEVS     16U

/* What a device of the SoC is. */
enum vcm_soc_dev_kind {
	VCM_SOC_DEV_PT = 1,  /* a bus master behind an IOMMU model: a page table */
	VCM_SOC_DEV_DMA,     /* a bus master with no MMU: one-to-one VCMs */
	VCM_SOC_DEV_CPU,     /* the CPU: the hosted CPU mapper, prebuilt VCMs */
};

/**
 * struct vcm_soc_memtype - one memtype: [@pa, @pa + @len) in chunks of
 * @chunk_sizes (VCM_PHYS_* size bits), inside the memory after the table
 * arena (vcm_soc_create() refuses a range over the tables or outside the
 * memory). @len 0: all of the memory after the table arena.
 */
struct vcm_soc_memtype {
	vcm_pa_t pa;
	uint64_t len;
	uint64_t chunk_sizes;
};

/**
 * struct vcm_soc_dev_cfg - one device.
 * @name:       unique name (vcm_dev_find()), at most 31 bytes.
 * @kind:       VCM_SOC_DEV_*.
 * @pt:         PT: the page table's format and geometry (fmt, ias, oas,
 *              granule_lg2, flags, page_sizes, mair); plat, tlb and tlb_ctx
 *              are the graph's, leave them 0.
 * @iommu:      PT: index in vcm_soc_cfg.iommus of the model in front of it;
 *              the model's faults go to this device (vcm_dev_fault(); of
 *              several devices behind one model, the last in cfg->devs).
 *              Behind a VCM_SIM_IOMMU_SMMU_NESTED model the device programs
 *              the banks' stage 2 (vcm_sim_iommu_s2_ops): it is the host's;
 *              a guest system registers its own stage-1 device on the model.
 * @nr_bases:   base registers, 1 or 2; 0 = 1.
 * @engine:     DMA: also build a DMA engine model for it (vcm_soc_dma()).
 * @hw_version: DMA and CPU: what vcm_hw_ver() answers; 0 gives the device no
 *              ops at all. (A PT device answers its model's version.)
 */
struct vcm_soc_dev_cfg {
	const char *name;
	enum vcm_soc_dev_kind kind;
	struct vcm_pt_cfg pt;
	unsigned int iommu;
	unsigned int nr_bases;
	bool engine;
	uint32_t hw_version;
};

/**
 * struct vcm_soc_cfg - the SoC to build.
 * @mem_pa, @mem_len, @table_bytes: the memory (vcm_hosted_mem_create()).
 * @memtypes:    @nr_memtypes memtypes, at most VCM_SOC_MAX_MEMTYPES.
 * @iommus:      @nr_iommus IOMMU models, at most VCM_SOC_MAX_IOMMUS, built
 *               in this order; their plat, pa_to_cpu, mem_ctx, fault and
 *               fault_ctx are the builder's (leave them 0).
 * @devs:        @nr_devs devices, at most VCM_SOC_MAX_DEVS, registered in
 *               this order.
 * @lock:        optional: the system lock (struct vcm_sys_cfg.lock).
 * @diag_slot, @diag_ctx, @slots: optional: passed on to the system
 *               (struct vcm_sys_cfg): per-thread messages, a slot store.
 * @small_only:  every page table maps with its granule only (its page_sizes
 *               becomes 1 << granule_lg2; a granule_lg2 of 0 counts as 4 KiB).
 * @locks:       optional: finer locks (struct vcm_sys_cfg.locks).
 */
struct vcm_soc_cfg {
	vcm_pa_t mem_pa;
	uint64_t mem_len;
	uint64_t table_bytes;
	const struct vcm_soc_memtype *memtypes;
	unsigned int nr_memtypes;
	const struct vcm_sim_iommu_cfg *iommus;
	unsigned int nr_iommus;
	const struct vcm_soc_dev_cfg *devs;
	unsigned int nr_devs;
	const struct vcm_sys_lock *lock;
	struct vcm_diag *(*diag_slot)(void *ctx);
	void *diag_ctx;
	struct vcm_slots *slots;
	bool small_only;
	const struct vcm_lock_ops *locks;
};

struct vcm_soc;

/**
 * vcm_soc_create() - build the SoC of @cfg: memory, system, IOMMU models, DMA
 * engines, devices. All or nothing.
 * @diag: optional: receives the message of a refusal (naming the part).
 *
 * Return: 0 and *@out; -EINVAL a NULL argument, a count above its maximum, an
 * unknown kind or an IOMMU index out of range; otherwise what the library
 * call that built the part refused with (-ENOMEM, -EINVAL, ...).
 */
VCM_API int vcm_soc_create(const struct vcm_soc_cfg *cfg, struct vcm_soc **out,
			    struct vcm_diag *diag);

/**
 * vcm_soc_destroy() - unregister the devices (last first), destroy the
 * system, the models and the memory; NULL ignored. The caller has removed its
 * VCMs, associations and allocations.
 *
 * Return: 0; -EBUSY (nothing undone) while the system holds VCMs (so also
 * associations), physical allocations or devices the SoC did not register.
 * The message is in vcm_soc_last_error().
 */
VCM_API int vcm_soc_destroy(struct vcm_soc *soc);

/* The parts, NULL for an index out of range or a part the SoC lacks. */
VCM_API struct vcm_sys *vcm_soc_sys(const struct vcm_soc *soc);
VCM_API struct vcm_hosted_mem *vcm_soc_mem(const struct vcm_soc *soc);
/* Device @i of cfg->devs. */
VCM_API struct vcm_dev *vcm_soc_dev(const struct vcm_soc *soc, unsigned int i);
/* IOMMU model @i of cfg->iommus. */
VCM_API struct vcm_sim_iommu *vcm_soc_iommu(const struct vcm_soc *soc, unsigned int i);
/* The DMA engine model of device @i (a DMA device built with engine). */
VCM_API struct vcm_sim_dma *vcm_soc_dma(const struct vcm_soc *soc, unsigned int i);

/**
 * vcm_soc_table_bytes() - page-table memory in use now (@now) and at most so
 * far (@peak), counted at the system's platform ops; either may be NULL.
 */
VCM_API void vcm_soc_table_bytes(const struct vcm_soc *soc, uint64_t *now, uint64_t *peak);

/** vcm_soc_last_error() - "function: message" of the last refused call. */
VCM_API const char *vcm_soc_last_error(const struct vcm_soc *soc);

#ifdef __cplusplus
}
#endif

#endif /* VCM_SOC_H */
