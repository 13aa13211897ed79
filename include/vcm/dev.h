/* SPDX-License-Identifier: MIT */
/*
 * What a device backend implements, and what a mapper is.
 *
 * A device is an endpoint of the mapping graph: a bus master behind an IOMMU,
 * a device with no MMU, or a CPU. The graph reaches the hardware only through
 * the few calls of struct vcm_dev_ops (program or clear a table base,
 * invalidate TLB entries, tell its version, answer a power query); the
 * simulated SoC and real backends implement the same ops.
 *
 * A mapper writes a VCM's backed reservations out for one kind of endpoint.
 * The graph never switches on a page-table format: it holds a mapper and
 * calls it. Three ship with vcmm:
 *  - vcm_mapper_pt (include/vcm/mapper_pt.h): a page table in any vcm_pt
 *    format (one per VCM and distinct configuration, shared by every device
 *    of that configuration);
 *  - vcm_mapper_one_to_one (include/vcm/vcm.h): a device with no MMU sees
 *    physical addresses; backing only checks that the memory is reachable;
 *  - a CPU mapper from the platform (hosted: vcm_hosted_cpu_mapper()).
 * A driver adds a device kind by writing a struct vcm_mapper_ops. Each mapper
 * owns its configuration (struct vcm_dev_cfg.mapper_cfg): this header knows
 * no page-table format, so a device backend depends on platform.h only.
 *
 * Words: see docs/glossary.md (da, pa, len, last, plat).
 */
#ifndef VCM_DEV_H
#define VCM_DEV_H

#include <vcm/err.h>
#include <vcm/types.h>
#include <vcm/platform.h>
#include <vcm/prot.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The base registers of a device: most IOMMU contexts have one; an ARM MMU has
 * two (TTBR0 for the low part of the address space, TTBR1 for the high part).
 */
#define VCM_BASE_LOW  0U
#define VCM_BASE_HIGH 1U
#define VCM_MAX_BASES 2U

/**
 * struct vcm_mapper_ops - how one kind of endpoint turns backed reservations
 * into translations. Every op that can fail records its message in @diag
 * under the public call the graph entered there with vcm_diag_enter()
 * (vcm_diag_set(diag, err, diag->fn, ...)): ops never carry the call's name.
 * @name:       short name ("pt", "one-to-one", "cpu").
 * @cfg_size:   bytes of the configuration a device gives in
 *              struct vcm_dev_cfg.mapper_cfg (0: none). The graph keeps its
 *              own copy, so the caller's need not outlive the registration.
 * @create:     make an instance for a VCM covering [@start, @start + @len) for
 *              a device registered with @dev_cfg (its mapper_cfg points at
 *              the graph's copy); @plat gives table memory. *@inst receives
 *              the instance.
 * @destroy:    free an instance (nothing mapped in it any more).
 * @compatible: may devices registered with @a and @b share one instance?
 *              (page tables: same format and configuration).
 * @map:        translate @nr pieces of memory (@nr >= 1) at consecutive
 *              device addresses from @da: @seg[0] at @da, @seg[1] right after
 *              it, ..., each [@seg[i].pa, + @seg[i].len) with @prot
 *              (VCM_PT_PROT_*). One piece (memory that is physically
 *              contiguous, the usual case) is the fast path. All or nothing:
 *              on failure, unchanged.
 * @unmap:      remove the translations of [@da, @da + @len), the whole range
 *              of one @map call. Must not fail for such a range (the graph
 *              unmaps exactly what one call mapped).
 * @lookup:     translate one @da: *@pa and *@prot; -ENOENT if not mapped.
 * @hw:         optional: register values to program (page tables): the
 *              block vcm_dev_ops.program receives.
 * @page_sizes: optional: leaf sizes the instance can use (bit n = 2^n bytes).
 * @check:      optional: refuse @dev_cfg at vcm_dev_register() time (0 or a
 *              negative errno, the message naming the field), so that a
 *              configuration the mapper cannot create is not first refused by
 *              the first association.
 * @range:      optional: for an endpoint that owns its address space (a CPU),
 *              the range of its prebuilt VCM, user (@user) or kernel view.
 * @walk:       optional: call @fn for every mapped run of [@da, @da + @len) in
 *              address order (a run: contiguous da and pa, one prot); a
 *              nonzero return from @fn stops the walk and is returned. Used by
 *              vcm_sys_check_() to prove nothing else is mapped.
 * @read_clear_dirty: optional: call @fn for each piece of [@da, @da + @len)
 *              the hardware marked written (a leaf's whole span) and, unless
 *              @flags has VCM_DIRTY_NO_CLEAR, make it clean again; the graph
 *              invalidates the devices' TLBs afterwards. Return 0 or -errno
 *              with a message in @diag (an instance without dirty tracking:
 *              -EOPNOTSUPP).
 * @tlb_hint:   optional: what the instance's own changes since the last call
 *              need of the TLBs (struct vcm_tlb_hint: the leaf sizes removed,
 *              whether only leaves changed), then forget them; false when it
 *              changed nothing that needs a flush. The graph passes it to
 *              vcm_dev_ops.tlb_range_hint; NULL: no sizes known, and the
 *              graph's own leaf-only guess.
 * @identity:   the device sees memory at its physical address (no MMU): the
 *              graph refuses to migrate memory such an instance maps (-EBUSY)
 *              rather than let @map refuse the new address halfway.
 */
struct vcm_dev_cfg;
struct vcm_mapper_ops {
	const char *name;
	size_t cfg_size;
	int (*create)(void *ctx, const struct vcm_dev_cfg *dev_cfg,
		      const struct vcm_plat_ops *plat, vcm_da_t start, uint64_t len,
		      void **inst, struct vcm_diag *diag);
	void (*destroy)(void *inst);
	bool (*compatible)(const struct vcm_dev_cfg *a, const struct vcm_dev_cfg *b);
	int (*map)(void *inst, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		   unsigned int prot, struct vcm_diag *diag);
	int (*unmap)(void *inst, vcm_da_t da, uint64_t len, struct vcm_diag *diag);
	int (*lookup)(void *inst, vcm_da_t da, vcm_pa_t *pa, unsigned int *prot);
	int (*hw)(void *inst, struct vcm_hw_regs *out);
	uint64_t (*page_sizes)(void *inst);
	int (*range)(void *ctx, bool user, vcm_da_t *start, uint64_t *len);
	int (*walk)(void *inst, vcm_da_t da, uint64_t len,
		    int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot),
		    void *arg);
	int (*check)(const struct vcm_dev_cfg *dev_cfg, struct vcm_diag *diag);
	int (*read_clear_dirty)(void *inst, vcm_da_t da, uint64_t len, unsigned int flags,
				int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg,
				struct vcm_diag *diag);
	bool (*tlb_hint)(void *inst, struct vcm_tlb_hint *hint);
	bool identity;
};

/**
 * struct vcm_dev_ops - the hardware-specific calls behind a device. Every op
 * is optional (NULL: nothing to do); all take @ctx from struct vcm_dev_cfg.
 * @program:    activation: load the table base @base (VCM_BASE_LOW/HIGH) with
 *              the values in @hw (NULL for endpoints without a table) and
 *              enable translation. A context switch. Return 0 or -errno.
 * @clear:      deactivation: disable translation through @base.
 * @tlb_range:  invalidate cached translations of [@da, @da + @len) in @base's
 *              context; @leaf false when tables were unlinked or replaced, so
 *              walk caches must go too.
 * @tlb_all:    invalidate every cached translation of @base's context.
 * @tlb_range_hint: optional; @tlb_range with what changed in the range
 *              (struct vcm_tlb_hint: the leaf sizes removed, leaf-only), so
 *              the hardware may keep cached entries of other sizes and walk
 *              caches. NULL: callers use @tlb_range(hint->leaf_only).
 * @hw_version: the hardware's version number.
 * @power_query: is anything of [@pa, @pa + @len) in use by this device? Return
 *              0 (may power down / move) or -EBUSY (refuses).
 */
struct vcm_dev_ops {
	int (*program)(void *ctx, unsigned int base, const struct vcm_hw_regs *hw);
	void (*clear)(void *ctx, unsigned int base);
	void (*tlb_range)(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf);
	void (*tlb_all)(void *ctx, unsigned int base);
	uint32_t (*hw_version)(void *ctx);
	int (*power_query)(void *ctx, vcm_pa_t pa, uint64_t len);
	void (*tlb_range_hint)(void *ctx, unsigned int base, vcm_da_t da, uint64_t len,
			       const struct vcm_tlb_hint *hint);
};

/**
 * struct vcm_dev_cfg - a device to register.
 * @name:     unique name in the system ("vcodec", "mdp"), at most 31 bytes.
 * @mapper:   its mapper: &vcm_mapper_pt, &vcm_mapper_one_to_one, a CPU mapper,
 *            or a driver's own.
 * @mapper_ctx: first argument of @mapper->create.
 * @mapper_cfg: the mapper's configuration, @mapper->cfg_size bytes (copied
 *            at registration); for &vcm_mapper_pt a struct vcm_pt_cfg
 *            (include/vcm/mapper_pt.h). NULL for a mapper without one.
 * @nr_bases: 1, or 2 for a device with low and high base registers.
 * @ops:      hardware calls (may be NULL: a device with nothing to program).
 * @ctx:      first argument of every op.
 */
struct vcm_dev_cfg {
	const char *name;
	const struct vcm_mapper_ops *mapper;
	void *mapper_ctx;
	const void *mapper_cfg;
	unsigned int nr_bases;
	const struct vcm_dev_ops *ops;
	void *ctx;
};

/* Kinds of access, in struct vcm_fault. */
#define VCM_ACCESS_READ  (1U << 0)
#define VCM_ACCESS_WRITE (1U << 1)
#define VCM_ACCESS_EXEC  (1U << 2)
#define VCM_ACCESS_USER  (1U << 3)

/*
 * Why a translation failed, as page-table walkers and IOMMU event records
 * classify it (Arm's fault status codes, SMMUv3's F_TRANSLATION ... events,
 * VT-d's fault reasons and AMD-Vi's event types all map onto these).
 */
enum vcm_fault_kind {
	VCM_FAULT_TRANSLATION = 1, /* no valid entry on the walk */
	VCM_FAULT_PERMISSION,      /* mapped, but not for this access */
	VCM_FAULT_ADDR_SIZE,       /* an address wider than the table or output allows */
	VCM_FAULT_ACCESS_FLAG,     /* a leaf with its access flag clear */
	VCM_FAULT_EXTERNAL,        /* reading a descriptor failed (no memory there) */
	VCM_FAULT_CONFIG,          /* the device's context or table base is bad */
};

/* struct vcm_fault.level and .desc_pa when the reporter does not know them. */
#define VCM_FAULT_LEVEL_NONE (-1)
#define VCM_FAULT_DESC_NONE  (~(vcm_pa_t)0)

/**
 * struct vcm_fault - a translation fault, as a device model or a backend's
 * event queue reports it.
 * @da:      the address that faulted.
 * @access:  VCM_ACCESS_* of the transaction.
 * @kind:    why (enum vcm_fault_kind).
 * @level:   the lookup level (the manual's numbering) whose entry faulted,
 *           or VCM_FAULT_LEVEL_NONE.
 * @desc_pa: physical address of that entry, or VCM_FAULT_DESC_NONE.
 * @stage:   1 or 2 for a two-stage walker, 0 for a single stage.
 * @base:    base register whose context faulted.
 * @stream:  the transaction's stream (SMMU StreamID, PCI requester ID), 0
 *           when the device has one.
 * @ctx:     the hardware context (ASID, domain, context bank), 0 unknown.
 * @ipa:     nested (stage 1 over stage 2) translation, @stage 2: the
 *           intermediate physical address stage 2 could not translate (the
 *           output of stage 1, or with VCM_FAULT_S1PTW the address of a
 *           stage-1 table descriptor); otherwise not meaningful.
 * @flags:   VCM_FAULT_S1PTW or 0.
 */
struct vcm_fault {
	vcm_da_t da;
	unsigned int access;
	enum vcm_fault_kind kind;
	int level;
	vcm_pa_t desc_pa;
	unsigned int stage;
	unsigned int base;
	uint32_t stream;
	uint32_t ctx;
	vcm_pa_t ipa;
	unsigned int flags;
};

/*
 * struct vcm_fault.flags: a stage-2 fault met while fetching a stage-1 table
 * descriptor (Arm's S1PTW syndrome bit; SMMUv3 events with S2 = 1, CLASS = TT).
 */
#define VCM_FAULT_S1PTW (1U << 0)

/* A short name for @kind ("translation", "permission", ...); "?" if unknown. */
VCM_API const char *vcm_fault_kind_name(enum vcm_fault_kind kind);
/* The errno a call that met the fault returns: -ENOENT translation,
 * -EACCES permission, -EFAULT the rest. */
VCM_API int vcm_fault_errno(enum vcm_fault_kind kind);

/* What a fault handler (and vcm_dev_fault()) returns. */
#define VCM_FAULT_TERMINATE 0
#define VCM_FAULT_RETRY     1

#ifdef __cplusplus
}
#endif

#endif /* VCM_DEV_H */
