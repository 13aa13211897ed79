/* SPDX-License-Identifier: MIT */
/*
 * The Intel VT-d backend (src/dev/vtd.c): a DMA-remapping unit in legacy
 * (non-scalable) mode driven through struct vcm_dev_ops, so the graph can
 * program its context entries, invalidate its caches and hear its faults.
 *
 * One struct vcm_vtd per remapping unit owns the root table, the context
 * tables and the invalidation queue; one struct vcm_vtd_dev per PCI function
 * (requester id and domain id) is the ctx of vcm_vtd_dev_ops in
 * struct vcm_dev_cfg. Devices register with the page-table mapper and a
 * struct vcm_pt_cfg of format vcm_pt_fmt_vtd_ss; the program op loads the
 * context entry from the table's struct vcm_hw_regs (vcm_pt_hw()).
 *
 * Registers go through struct vcm_mmio (include/vcm/mmio.h): vcm_mmio_direct
 * on hardware, a fake register file in unit tests. Memory the unit reads
 * (root and context tables, the queue, the wait status word) comes from
 * the platform ops.
 *
 * Not done: scalable mode (PASID tables), interrupt remapping, device-TLB
 * (ATS) invalidation, fault and invalidation-completion interrupts (faults
 * are polled with vcm_vtd_poll_faults()), advanced fault logging.
 *
 * Words: see docs/glossary.md (da, pa, len, plat).
 */
#ifndef VCM_VTD_H
#define VCM_VTD_H

#include <vcm/types.h>
#include <vcm/platform.h>
#include <vcm/dev.h>
#include <vcm/mmio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* struct vcm_vtd_cfg.flags */
/* Use the CCMD and IOTLB registers even when ECAP.QI offers queued invalidation. */
#define VCM_VTD_REGISTER_INV (1U << 0)

/* Polls of a status before a wait gives up with -ETIMEDOUT (cfg poll_limit 0). */
#define VCM_VTD_POLL_DEFAULT 1000000U

/* The PCI requester id (source id) of bus/device/function. */
#define VCM_VTD_SID(bus, dev, fn) \
	((uint16_t)(((unsigned int)(bus) << 8) | ((unsigned int)(dev) << 3) | (unsigned int)(fn)))

/**
 * struct vcm_vtd_cfg - one remapping unit.
 * @mmio:       its register block (the DRHD's base in the DMAR table; QEMU's
 *              intel-iommu sits at 0xfed90000).
 * @plat:       table_alloc/table_free for the root table, context tables,
 *              queue and status word; pa_to_cpu (also used to read the
 *              second-stage tables when a fault is decoded); meta_alloc and
 *              meta_free for the objects; cache_clean if the unit does not
 *              snoop. Kept: must outlive the unit.
 * @flags:      VCM_VTD_*.
 * @poll_limit: polls of a status register or word before -ETIMEDOUT; each
 *              poll calls @mmio's relax op. 0 = VCM_VTD_POLL_DEFAULT.
 */
struct vcm_vtd_cfg {
	struct vcm_mmio mmio;
	const struct vcm_plat_ops *plat;
	uint32_t flags;
	uint32_t poll_limit;
};

struct vcm_vtd;
struct vcm_vtd_dev;

/**
 * vcm_vtd_init() - take over a remapping unit and turn translation on.
 * @cfg:  the unit; copied.
 * @out:  receives the unit.
 * @diag: optional: receives the message on failure.
 *
 * Reads CAP and ECAP, installs an empty legacy root table (RTADDR, SRTP),
 * sets up queued invalidation (IQA, QIE) when ECAP.QI is set and
 * VCM_VTD_REGISTER_INV is not, invalidates the context cache and IOTLB
 * globally and sets TE. From then on DMA of every function without a
 * context entry is blocked (and recorded as a fault).
 *
 * Return: 0; -EINVAL NULL or incomplete @cfg or @out, unknown flags;
 * -ENODEV CAP reads 0 or all ones (no unit there); -EBUSY translation or
 * queued invalidation is already on; -ENOMEM no table memory or metadata;
 * -ETIMEDOUT the unit did not acknowledge a command; -EIO it refused an
 * invalidation. On failure the unit is as it was and nothing is kept: TE
 * and QIE, once written, are written off again (and waited for, within
 * the poll bound) even when the unit never acknowledged them.
 */
VCM_API int vcm_vtd_init(const struct vcm_vtd_cfg *cfg, struct vcm_vtd **out,
			  struct vcm_diag *diag);

/**
 * vcm_vtd_fini() - turn translation and queued invalidation off and free
 * everything.
 * @vtd: the unit, or NULL (ignored).
 *
 * Return: 0; -EBUSY while devices exist (vcm_vtd_dev_destroy() them first);
 * -ETIMEDOUT the unit did not acknowledge (the memory is freed all the same,
 * so do not call it with DMA running).
 */
VCM_API int vcm_vtd_fini(struct vcm_vtd *vtd);

/**
 * vcm_vtd_dev_create() - a PCI function behind @vtd, ready for vcm_vtd_dev_ops.
 * @vtd: the unit.
 * @sid: its requester id (VCM_VTD_SID()).
 * @did: its domain id, 1 .. the unit's number of domains - 1 (CAP.ND). Functions
 *       that share one table (one VCM) should share one domain id.
 * @out: receives the device; pass it as struct vcm_dev_cfg.ctx.
 *
 * Allocates the context table of @sid's bus if it has none. Its context entry
 * stays not present (DMA blocked) until the program op runs.
 *
 * Return: 0; -EINVAL NULL argument or @did 0 (reserved: the unit may use
 * domain 0 for caching mode, and vcm_fault.ctx 0 means unknown); -ERANGE
 * @did beyond CAP.ND; -EEXIST @sid already has a device; -ENOMEM.
 */
VCM_API int vcm_vtd_dev_create(struct vcm_vtd *vtd, uint16_t sid, uint16_t did,
			       struct vcm_vtd_dev **out);

/**
 * vcm_vtd_dev_destroy() - clear the device's context entry (invalidating
 * what it cached, also when an earlier clear's invalidation failed) and
 * free it. @dev NULL is ignored. Return: 0, or the invalidation's error
 * (the device is freed all the same).
 */
VCM_API int vcm_vtd_dev_destroy(struct vcm_vtd_dev *dev);

/*
 * The ops to put in struct vcm_dev_cfg.ops with .ctx = a struct vcm_vtd_dev:
 *  - program: base 0 only; @hw must be a vtd_ss table's (vcm_pt_hw(): a
 *    present context entry of type 00 and an AW that CAP.SAGAW lists; a
 *    table that needs a scalable-mode PASID entry, a dirty-tracking one,
 *    with hw->regs[2] nonzero, is refused with -EOPNOTSUPP). A
 *    present entry is first cleared and invalidated; then the entry is
 *    written (DID = the device's) and the context cache (device-selective)
 *    and the domain's IOTLB invalidated. Errors: -EINVAL, -EOPNOTSUPP,
 *    -EEXIST another present device has the domain id with another table
 *    (9.3: one domain id, one table), -ETIMEDOUT, -EIO, with the message in
 *    vcm_vtd_last_error(); on an
 *    invalidation error the entry is left not present (DMA blocked).
 *  - clear: the entry not present, the same invalidations. Until they
 *    complete the unit may still use a cached entry: after a failure the
 *    next clear, program or vcm_vtd_dev_destroy() invalidates again.
 *  - tlb_range: page-selective IOTLB invalidation of the domain (address
 *    mask per aligned power-of-two block, invalidation hint = @leaf), or
 *    domain-selective when more than 4 blocks are needed; tlb_all: domain-
 *    selective. Both wait for completion; a failure is counted in
 *    vcm_vtd_stats.errors with its message.
 *  - hw_version: VER_REG.
 * Context: none of the calls of this header lock; the caller serialises the
 * calls on one unit and its devices (the graph calls the ops under its lock).
 */
VCM_API extern const struct vcm_dev_ops vcm_vtd_dev_ops;

/* The device's source-id and domain-id; 0 for NULL (a fault of no known device). */
VCM_API uint16_t vcm_vtd_dev_sid(const struct vcm_vtd_dev *dev);
VCM_API uint16_t vcm_vtd_dev_did(const struct vcm_vtd_dev *dev);

/**
 * vcm_vtd_fault_fn - what vcm_vtd_poll_faults() calls per fault record.
 * @arg:    its argument.
 * @dev:    the device with the record's requester id, NULL if none.
 * @fault:  the decoded record.
 * @reason: the fault reason code of the record (VT-d Appendix A), for messages.
 */
typedef void (*vcm_vtd_fault_fn)(void *arg, struct vcm_vtd_dev *dev,
				 const struct vcm_fault *fault, unsigned int reason);

/**
 * vcm_vtd_poll_faults() - read and clear the primary fault records.
 * @vtd: the unit.
 * @fn:  called once per record, after the record is cleared (so a fault the
 *       callback provokes can be recorded); may be NULL.
 * @arg: its first argument.
 *
 * Decoding: reasons 1 and 2 (no root or context entry) are translation
 * faults; 5 and 6 (write or read not allowed) are decided by reading the
 * device's second-stage table at the faulting address: an entry without R
 * and W on the walk is a translation fault at that level, a leaf without
 * the right is a permission fault (permission when the table cannot be
 * read); 4 is address size; 7, 8 and 9 (the unit could not read an entry)
 * external; the rest configuration. A lost fault (FSTS.PFO) is counted in
 * the stats and cleared.
 *
 * Return: the number of records handled (>= 0); -EINVAL @vtd NULL.
 */
VCM_API int vcm_vtd_poll_faults(struct vcm_vtd *vtd, vcm_vtd_fault_fn fn, void *arg);

/**
 * struct vcm_vtd_stats - what a unit has done.
 * @cap, @ecap:  its capability registers.
 * @ver:         VER_REG.
 * @queued:      true when invalidations go through the queue.
 * @descs:       invalidation descriptors (or register commands) issued.
 * @waits:       wait descriptors completed.
 * @psi, @dsi:   page-selective and domain-selective IOTLB invalidations.
 * @faults:      fault records handled; @lost: overflows seen (FSTS.PFO).
 * @errors:      failures of ops that cannot return one (tlb_range, tlb_all,
 *               clear); the last message is in vcm_vtd_last_error().
 */
struct vcm_vtd_stats {
	uint64_t cap;
	uint64_t ecap;
	uint32_t ver;
	bool queued;
	uint64_t descs;
	uint64_t waits;
	uint64_t psi;
	uint64_t dsi;
	uint64_t faults;
	uint64_t lost;
	uint64_t errors;
};

/* Fill @out (both non-NULL). */
VCM_API void vcm_vtd_get_stats(const struct vcm_vtd *vtd, struct vcm_vtd_stats *out);

/* The last message recorded by @vtd or its devices ("" if none). */
VCM_API const char *vcm_vtd_last_error(const struct vcm_vtd *vtd);

#ifdef __cplusplus
}
#endif

#endif /* VCM_VTD_H */
