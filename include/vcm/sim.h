/* SPDX-License-Identifier: MIT */
/*
 * The simulated SoC: hardware models that let the whole mapping graph run on
 * any machine.
 *
 *  - IOMMU models with context banks, an IOTLB and a table walker that reads
 *    the real page-table bytes from physical memory, decoding each format from
 *    its bit layout in code of its own (never through the pgtable layer, so the
 *    two can disagree and a test can see it). Two models: an MSM-like System
 *    MMU (ARMv7 short descriptor) and an SMMU-like one (ARMv8 long descriptor,
 *    stage 1, stage 2, or stage 1 nested over stage 2). The graph drives them
 *    through vcm_sim_iommu_ops (and a nested model's stage 2 through
 *    vcm_sim_iommu_s2_ops).
 *  - A DMA engine with no MMU that follows physical scatter lists.
 *
 * Words: see docs/glossary.md (da, pa, len, last, plat). How the models work
 * and what they leave out: docs/sim.md.
 *
 * Thread safety: a model is not locked; calls on one model (its device ops
 * included) must be serialised by the caller. Different models are independent.
 */
#ifndef VCM_SIM_H
#define VCM_SIM_H

#include <vcm/types.h>
#include <vcm/platform.h>
#include <vcm/dev.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Which hardware an IOMMU model is. */
enum vcm_sim_iommu_kind {
	VCM_SIM_IOMMU_MSM = 1,  /* MSM-like System MMU: ARMv7 short descriptor, TTBR0 */
	VCM_SIM_IOMMU_SMMU_S1,  /* SMMU-like, stage 1 banks: TCR_EL1 + TTBR0_EL1 */
	VCM_SIM_IOMMU_SMMU_S2,  /* SMMU-like, stage 2 banks: VTCR_EL2 + VTTBR_EL2 */
	/*
	 * SMMU-like, nested banks (SMMUv3 STE.Config 0b111): stage 1 (TCR_EL1 +
	 * TTBR0_EL1, through vcm_sim_iommu_ops) whose table addresses and output
	 * are IPAs, each translated by the bank's stage 2 (VTCR_EL2 + VTTBR_EL2,
	 * through vcm_sim_iommu_s2_ops). docs/sim.md, "Nested translation".
	 */
	VCM_SIM_IOMMU_SMMU_NESTED,
};

/* IOTLB replacement within a set. */
enum vcm_sim_tlb_policy {
	VCM_SIM_TLB_LRU = 0,    /* least recently used way */
	VCM_SIM_TLB_RR,         /* round robin per set */
};

/* Model flags (cfg->flags). */
#define VCM_SIM_IOMMU_CONTIG (1U << 0) /* SMMU: cache a contiguous-hint group as one entry */
#define VCM_SIM_IOMMU_ALL    0x1U

/**
 * struct vcm_sim_iommu_cfg - an IOMMU model to build.
 * @kind:        VCM_SIM_IOMMU_*.
 * @name:        short name for messages (copied, at most 31 bytes kept); may be NULL.
 * @banks:       context banks, 1 or 2 (VCM_MAX_BASES); 0 = 1. Bank b is the
 *               context behind base register b of vcm_dev_ops.program().
 * @tlb_entries: IOTLB entries, 0 (no IOTLB: every access walks) or a power of
 *               two up to 65536.
 * @tlb_ways:    ways per set: a power of two dividing @tlb_entries; 0 = fully
 *               associative (@tlb_entries ways).
 * @tlb_policy:  VCM_SIM_TLB_LRU or VCM_SIM_TLB_RR.
 * @burst_lg2:   bus burst for vcm_sim_iommu_read()/write(): each burst of
 *               2^@burst_lg2 bytes (aligned in da) is translated on its own;
 *               2..12, 0 = 6 (64 bytes).
 * @flags:       VCM_SIM_IOMMU_*.
 * @bus_access:  extra VCM_ACCESS_* bits of every read/write burst (e.g.
 *               VCM_ACCESS_USER for a master that issues unprivileged accesses).
 * @plat:        metadata for the model (meta_alloc/meta_free) and, when
 *               @pa_to_cpu is NULL, physical memory (plat->pa_to_cpu with
 *               plat->ctx); for hosted memory, vcm_hosted_mem_plat(mem).
 * @pa_to_cpu:   optional: CPU pointer to physical address @pa, valid up to the
 *               next 4 KiB boundary; NULL when nothing is there (the model sees
 *               an external abort). Called with @mem_ctx.
 * @mem_ctx:     first argument of @pa_to_cpu.
 * @fault:       optional: told of every translation fault with its full record
 *               (struct vcm_fault: kind, the lookup level and physical address
 *               of the entry that faulted, stage 0 for the MSM model and 1 or
 *               2 for the SMMU's, base and ctx the context bank, stream 0;
 *               for a nested bank also ipa and VCM_FAULT_S1PTW);
 *               returns VCM_FAULT_RETRY (the mapping was repaired: walk again,
 *               once) or VCM_FAULT_TERMINATE. NULL: every fault terminates.
 * @fault_ctx:   first argument of @fault.
 * @hw_version:  what vcm_dev_ops.hw_version() answers; 0 = the kind's default.
 */
struct vcm_sim_iommu_cfg {
	enum vcm_sim_iommu_kind kind;
	const char *name;
	unsigned int banks;
	unsigned int tlb_entries;
	unsigned int tlb_ways;
	enum vcm_sim_tlb_policy tlb_policy;
	unsigned int burst_lg2;
	uint32_t flags;
	unsigned int bus_access;
	const struct vcm_plat_ops *plat;
	void *(*pa_to_cpu)(void *mem_ctx, vcm_pa_t pa);
	void *mem_ctx;
	int (*fault)(void *fault_ctx, const struct vcm_fault *f);
	void *fault_ctx;
	uint32_t hw_version;
};

struct vcm_sim_iommu;

/**
 * struct vcm_sim_xlate - one translation as the model's walker decoded it.
 * @pa:        output address of the da that was walked.
 * @page_da:   first da of the leaf (what the IOTLB caches).
 * @page_pa:   first pa of the leaf.
 * @size_lg2:  log2 of the leaf size (a contiguous group counts whole only
 *             with VCM_SIM_IOMMU_CONTIG).
 * @level:     manual's level number of the leaf (armv7s: 1 first, 2 second).
 * @desc_pa:   physical address of the leaf descriptor the walk used for this
 *             da (of a repeated or contiguous group, the one the da indexes).
 * @priv:      VCM_ACCESS_READ/WRITE/EXEC allowed to privileged accesses.
 * @user:      the same for unprivileged (VCM_ACCESS_USER) accesses; for
 *             stage 2 equal to @priv (stage 2 has no privilege levels).
 * @reads:     descriptors read by the walk.
 * @clean:     writable-clean (ARMv8 DBM with TCR.HD): a write first marks
 *             the descriptor.
 * @nested:    a nested bank's walk: @level, @desc_pa, @priv and @user are
 *             stage 1's (@desc_pa an IPA), @pa and @page_pa the output of
 *             stage 2, @size_lg2 the smaller of the two leaves; an access
 *             is allowed when stage 1 and @s2_perm both allow it.
 * @ipa:       nested: the output of stage 1 for the da.
 * @s2_perm:   nested: VCM_ACCESS_READ/WRITE/EXEC stage 2 allows.
 * @s2_level, @s2_desc_pa: nested: stage 2's leaf for @ipa.
 */
struct vcm_sim_xlate {
	vcm_pa_t pa;
	vcm_da_t page_da;
	vcm_pa_t page_pa;
	unsigned int size_lg2;
	unsigned int level;
	vcm_pa_t desc_pa;
	unsigned int priv;
	unsigned int user;
	unsigned int reads;
	bool clean;
	bool nested;
	vcm_pa_t ipa;
	unsigned int s2_perm;
	unsigned int s2_level;
	vcm_pa_t s2_desc_pa;
};

/**
 * struct vcm_sim_iommu_stats - counters since create or the last reset.
 * @lookups:      IOTLB lookups (one per translation and per retry).
 * @hits, @misses: IOTLB outcomes (without an IOTLB every lookup misses).
 * @evictions:    valid entries replaced to make room.
 * @walks:        table walks started (misses and retries; not vcm_sim_iommu_walk()).
 * @walk_reads:   descriptors read by those walks.
 * @faults:       translation faults reported (each retry's fault counts too).
 * @retries:      faults the handler answered with VCM_FAULT_RETRY.
 * @invalidations: tlb_range and tlb_all calls acted on.
 * @dropped:      invalidations dropped by vcm_sim_iommu_drop_next_invalidation().
 * @bursts, @bytes: bus bursts and bytes moved by read/write.
 * @dirty_marks:  writes that marked a writable-clean descriptor dirty (DBM).
 * @hinted:       of @invalidations, tlb_range_hint calls.
 * @hint_kept:    entries in a hinted range that the hint let stay (their
 *                descriptor size not in hint->leaf_sizes); a plain tlb_range
 *                would have dropped them.
 */
struct vcm_sim_iommu_stats {
	uint64_t lookups;
	uint64_t hits;
	uint64_t misses;
	uint64_t evictions;
	uint64_t walks;
	uint64_t walk_reads;
	uint64_t faults;
	uint64_t retries;
	uint64_t invalidations;
	uint64_t dropped;
	uint64_t bursts;
	uint64_t bytes;
	uint64_t dirty_marks; /* descriptors marked written (hardware dirty state) */
	uint64_t hinted;
	uint64_t hint_kept;
};

/*
 * The model's device ops, with the model (struct vcm_sim_iommu *) as ctx:
 * program:   @base selects the context bank; @hw gives root_pa, levels,
 *            start_level, concat and the registers (MSM: TTBCR, -, TTBR0;
 *            SMMU stage 1: TCR_EL1, MAIR_EL1, TTBR0_EL1; stage 2: VTCR_EL2,
 *            -, VTTBR_EL2). The model decodes the registers as hardware does
 *            and refuses (-EINVAL, message in vcm_sim_iommu_last_error()) a
 *            value the hardware would not take or a geometry that disagrees
 *            with root_pa/levels/start_level/concat. Enables the bank and
 *            drops its IOTLB entries.
 * clear:     disables the bank and drops its IOTLB entries.
 * tlb_range: drops the bank's entries that overlap [da, da + len).
 * tlb_range_hint: the same, but only entries filled from leaf descriptors of
 *            a size in hint->leaf_sizes (all when 0), as an SMMU given a TTL
 *            level: a wrong hint leaves a stale entry. leaf_only changes
 *            nothing (no walk cache is modelled).
 * tlb_all:   drops every entry of the bank.
 * hw_version: cfg->hw_version or the kind's default.
 * power_query: -EBUSY while an IOTLB entry of an enabled bank maps part of
 *            [pa, pa + len), else 0. On a nested model these are the guest's
 *            addresses: IPAs, compared with the entries' IPAs.
 */
VCM_API extern const struct vcm_dev_ops vcm_sim_iommu_ops;

/*
 * The stage-2 half of a VCM_SIM_IOMMU_SMMU_NESTED model's banks, with the
 * model as ctx (the host's device; vcm_sim_iommu_ops programs stage 1, the
 * guest's device). On another kind program refuses (-EINVAL).
 * program:   @base's stage 2: VTCR_EL2, -, VTTBR_EL2, checked as a stage 2
 *            bank's; drops the bank's IOTLB entries. The bank translates
 *            once both stages are programmed.
 * clear:     disables @base's stage 2 and drops its IOTLB entries.
 * tlb_range, tlb_range_hint, tlb_all: drop every entry of the bank. The
 *            model's entries combine both stages and carry no IPA tag, as
 *            SMMUv3 says of combined entries (CMD_TLBI_S2_IPA need not
 *            reach them; software follows it with CMD_TLBI_S12_VMALL):
 *            the op stands for that pair.
 * hw_version: as vcm_sim_iommu_ops. power_query: as vcm_sim_iommu_ops, with
 *            physical addresses.
 */
VCM_API extern const struct vcm_dev_ops vcm_sim_iommu_s2_ops;

/**
 * vcm_sim_iommu_create() - build an IOMMU model, every bank disabled.
 * @cfg:  what to build; copied.
 * @out:  receives the model.
 * @diag: optional: receives the message when @cfg is refused.
 *
 * Return: 0; -EINVAL a NULL argument, an unknown kind, flag or policy, or a
 * bank count, IOTLB geometry or burst size out of range (the message names the
 * field); -ENOMEM metadata ran out.
 */
VCM_API int vcm_sim_iommu_create(const struct vcm_sim_iommu_cfg *cfg, struct vcm_sim_iommu **out,
				 struct vcm_diag *diag);

/** vcm_sim_iommu_destroy() - free the model; NULL ignored. Return: 0. */
VCM_API int vcm_sim_iommu_destroy(struct vcm_sim_iommu *iommu);

/**
 * vcm_sim_iommu_translate() - translate one access as the hardware would:
 * IOTLB lookup, on a miss a table walk that fills the IOTLB, then the
 * permission check. A fault goes to cfg->fault; on VCM_FAULT_RETRY the
 * translation runs once more, and a second fault is returned as it is.
 * @bank:   context bank.
 * @da:     the address.
 * @access: VCM_ACCESS_READ, _WRITE or _EXEC, optionally | VCM_ACCESS_USER.
 * @pa:     receives the output address.
 *
 * Return: 0; -EINVAL a NULL argument, bank out of range or bad @access;
 * -ENODEV the bank is disabled (no fault is reported: the bus refuses; a
 * nested bank is disabled until both stages are programmed);
 * vcm_fault_errno() of the fault's kind: -ENOENT translation fault, -EACCES
 * permission fault, -EFAULT access flag, address size or external fault (a
 * table outside memory). The record is in vcm_sim_iommu_last_fault().
 */
VCM_API int vcm_sim_iommu_translate(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
				    unsigned int access, vcm_pa_t *pa);

/**
 * vcm_sim_iommu_walk() - decode the tables for @da without the IOTLB, the
 * counters or the fault handler (for checks against another walker).
 * @fault: optional: on a fault, receives its record (access 0). No access
 *         is checked, so the one permission fault is a nested bank's: stage
 *         2 does not let a stage-1 table be read (stage 2, VCM_FAULT_S1PTW,
 *         the table's IPA), which the hardware's own walk would meet too.
 *
 * Return: 0 and *@out; -EINVAL/-ENODEV as translate; vcm_fault_errno() of
 * the fault's kind (-ENOENT, -EFAULT, and -EACCES for that one) as a fault
 * would.
 */
VCM_API int vcm_sim_iommu_walk(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
			       struct vcm_sim_xlate *out, struct vcm_fault *fault);

/**
 * vcm_sim_iommu_read() - a bus master reads [@da, @da + @len) through the
 * bank into @buf, one burst at a time, each translated on its own (pages
 * crossed freely).
 * vcm_sim_iommu_write() - the same, writing @buf to memory.
 *
 * Return: 0; -EINVAL NULL @iommu, NULL @buf with @len, bad bank; -EOVERFLOW @da + @len
 * wraps; -ENODEV disabled bank; a fault's error (bytes of the bursts before
 * the fault have moved); -EFAULT a pa with no memory behind it.
 */
VCM_API int vcm_sim_iommu_read(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
			       void *buf, size_t len);
VCM_API int vcm_sim_iommu_write(struct vcm_sim_iommu *iommu, unsigned int bank, vcm_da_t da,
				const void *buf, size_t len);

/** vcm_sim_iommu_stats() - copy the counters into @st (zeros for a NULL @iommu). */
VCM_API void vcm_sim_iommu_stats(const struct vcm_sim_iommu *iommu, struct vcm_sim_iommu_stats *st);

/** vcm_sim_iommu_reset_stats() - zero the counters (the IOTLB keeps its entries). */
VCM_API void vcm_sim_iommu_reset_stats(struct vcm_sim_iommu *iommu);

/** vcm_sim_iommu_tlb_valid() - valid IOTLB entries now (all banks). */
VCM_API unsigned int vcm_sim_iommu_tlb_valid(const struct vcm_sim_iommu *iommu);

/**
 * vcm_sim_iommu_drop_next_invalidation() - test only: the next tlb_range or
 * tlb_all call is ignored (counted in stats.dropped), so a test can show what
 * a missing invalidation does: a stale translation.
 */
VCM_API void vcm_sim_iommu_drop_next_invalidation(struct vcm_sim_iommu *iommu);

/**
 * vcm_sim_iommu_last_fault() - the last fault the model reported, the whole
 * record (as @cfg->fault received it; for a retry that faulted again, the
 * second fault).
 * Return: 0 and *@f; -ENOENT no fault yet; -EINVAL NULL argument.
 */
VCM_API int vcm_sim_iommu_last_fault(const struct vcm_sim_iommu *iommu, struct vcm_fault *f);

/** vcm_sim_iommu_last_error() - "function: message" of the last refused call. */
VCM_API const char *vcm_sim_iommu_last_error(const struct vcm_sim_iommu *iommu);

/*
 * The DMA engine: a bus master with no MMU. It moves bytes between a host
 * buffer and physical memory described by a scatter list, or between two
 * scatter lists, reaching memory through pa_to_cpu one piece at a time (no
 * piece crosses a 4 KiB boundary of pa).
 */

/** struct vcm_sim_sg - one element of a physical scatter list. */
struct vcm_sim_sg {
	vcm_pa_t pa;
	uint64_t len;
};

/**
 * struct vcm_sim_dma_cfg - a DMA engine to build.
 * @name, @plat, @pa_to_cpu, @mem_ctx: as in struct vcm_sim_iommu_cfg.
 */
struct vcm_sim_dma_cfg {
	const char *name;
	const struct vcm_plat_ops *plat;
	void *(*pa_to_cpu)(void *mem_ctx, vcm_pa_t pa);
	void *mem_ctx;
};

struct vcm_sim_dma;

/** struct vcm_sim_dma_stats - @pieces moved (at most 4 KiB each) and @bytes. */
struct vcm_sim_dma_stats {
	uint64_t pieces;
	uint64_t bytes;
};

/**
 * vcm_sim_dma_create() - build a DMA engine.
 * Return: 0; -EINVAL NULL argument or no way to reach memory; -ENOMEM.
 */
VCM_API int vcm_sim_dma_create(const struct vcm_sim_dma_cfg *cfg, struct vcm_sim_dma **out,
			       struct vcm_diag *diag);

/** vcm_sim_dma_destroy() - free the engine; NULL ignored. Return: 0. */
VCM_API int vcm_sim_dma_destroy(struct vcm_sim_dma *dma);

/**
 * vcm_sim_dma_to_mem() - copy @len bytes of @buf into the memory of @sg, in
 * list order. vcm_sim_dma_from_mem() - copy @len bytes from the memory of
 * @sg into @buf. vcm_sim_dma_copy() - copy @len bytes from the memory of @src
 * to the memory of @dst.
 * @sg, @nsg: the list; an element of length 0 is skipped.
 * @len:      bytes; at most the total length of every list.
 *
 * Every element the first @len bytes reach is checked (no wrap, memory
 * behind every page) before the first byte moves; elements past them are
 * not read, as an engine does not fetch descriptors it does not need. Lists of one copy that share bytes behave as if the
 * source went through a buffer first (the engine takes one of @len bytes
 * from the platform's meta_alloc for that).
 *
 * Return: 0; -EINVAL NULL argument; -EOVERFLOW an element wraps; -ERANGE
 * @len is longer than a list; -EFAULT part of a list has no memory behind it;
 * -ENOMEM the lists overlap and there is no buffer for them.
 */
VCM_API int vcm_sim_dma_to_mem(struct vcm_sim_dma *dma, const struct vcm_sim_sg *sg, size_t nsg,
			       const void *buf, uint64_t len);
VCM_API int vcm_sim_dma_from_mem(struct vcm_sim_dma *dma, const struct vcm_sim_sg *sg, size_t nsg,
				 void *buf, uint64_t len);
VCM_API int vcm_sim_dma_copy(struct vcm_sim_dma *dma, const struct vcm_sim_sg *dst, size_t ndst,
			     const struct vcm_sim_sg *src, size_t nsrc, uint64_t len);

/** vcm_sim_dma_stats() - copy the counters (zeros for NULL). */
VCM_API void vcm_sim_dma_stats(const struct vcm_sim_dma *dma, struct vcm_sim_dma_stats *st);

/** vcm_sim_dma_last_error() - "function: message" of the last refused call. */
VCM_API const char *vcm_sim_dma_last_error(const struct vcm_sim_dma *dma);

#ifdef __cplusplus
}
#endif

#endif /* VCM_SIM_H */
