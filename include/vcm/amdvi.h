/* SPDX-License-Identifier: MIT */
/*
 * AMD-Vi (the AMD I/O Virtualization Technology IOMMU, specification 48882):
 * a backend behind struct vcm_dev_ops for host (v1) page tables.
 *
 * One struct vcm_amdvi per IOMMU: it owns the device table, the command
 * buffer and the event log (memory from the platform ops), and reaches the
 * registers through a struct vcm_mmio, so the same code drives the hardware
 * (or QEMU's amd-iommu) in firmware and a fake register file in unit tests.
 * One struct vcm_amdvi_dev per device (DeviceID = PCI requester ID) and
 * domain: its pointer is the ctx of vcm_amdvi_dev_ops, given to
 * vcm_dev_register() next to .mapper = &vcm_mapper_pt with a vcm_pt_cfg of
 * format vcm_pt_fmt_amdv1.
 *
 * Not covered: interrupt remapping (the DTE's interrupt fields stay 0, so
 * interrupts pass untranslated), guest (v2) tables and PASIDs, ATS and device
 * IOTLBs, the PPR log, MSI for the logs (the event log is polled).
 * Not thread-safe: the graph calls the ops under its lock; a caller that also
 * polls events from another thread must serialise that itself.
 */
#ifndef VCM_AMDVI_H
#define VCM_AMDVI_H

#include <vcm/types.h>
#include <vcm/platform.h>
#include <vcm/dev.h>
#include <vcm/mmio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vcm_amdvi;
struct vcm_amdvi_dev;

/* Event codes (48882 Rev 3.00, 2.5 "Event Logging", EventCode field). */
#define VCM_AMDVI_EV_ILLEGAL_DEV_TABLE_ENTRY 0x1U
#define VCM_AMDVI_EV_IO_PAGE_FAULT           0x2U
#define VCM_AMDVI_EV_DEV_TAB_HARDWARE_ERROR  0x3U
#define VCM_AMDVI_EV_PAGE_TAB_HARDWARE_ERROR 0x4U
#define VCM_AMDVI_EV_ILLEGAL_COMMAND_ERROR   0x5U
#define VCM_AMDVI_EV_COMMAND_HARDWARE_ERROR  0x6U
#define VCM_AMDVI_EV_IOTLB_INV_TIMEOUT       0x7U
#define VCM_AMDVI_EV_INVALID_DEVICE_REQUEST  0x8U

/* Default bound of every polling loop (command space, completion waits). */
#define VCM_AMDVI_POLL_DEFAULT 1000000U

/**
 * struct vcm_amdvi_cfg - one IOMMU.
 * @mmio:        its register block (the MMIO base from the IOMMU's PCI
 *               capability or the firmware's tables).
 * @plat:        memory for the device table, command buffer, event log and
 *               completion-wait slot (table_alloc, zeroed, physically
 *               contiguous) and for the driver's objects (meta_alloc). Kept:
 *               it must outlive the IOMMU.
 * @max_devid:   the highest DeviceID the device table covers (0..0xffff);
 *               the table has room for max_devid + 1 entries, at least a page.
 * @cmd_len_lg2: command buffer entries, log2: 8..15 (0: 8, 256 entries).
 * @evt_len_lg2: event log entries, log2: 8..15 (0: 8).
 * @poll_max:    iterations of every polling loop before -ETIMEDOUT (0:
 *               VCM_AMDVI_POLL_DEFAULT); each iteration calls mmio relax.
 */
struct vcm_amdvi_cfg {
	struct vcm_mmio mmio;
	const struct vcm_plat_ops *plat;
	uint32_t max_devid;
	unsigned int cmd_len_lg2;
	unsigned int evt_len_lg2;
	uint32_t poll_max;
};

/**
 * vcm_amdvi_init() - set an IOMMU up and turn it on.
 * @cfg:  what to drive; copied.
 * @out:  receives the IOMMU.
 * @diag: optional: the message when it fails.
 *
 * Allocates the device table (every entry blocked: V=1, TV=1, Mode 0,
 * IR=IW=0, so no device's DMA passes until its DTE is programmed; a zeroed
 * entry, V=0, would pass it untranslated), the command buffer and the
 * event log; programs their base and size registers, zeroes the
 * head and tail pointers, then sets IommuEn, CmdBufEn and EventLogEn in the
 * control register; and checks the whole chain with a completion wait.
 *
 * Return: 0; -EINVAL a NULL argument, mmio ops without the 32/64-bit
 * accessors, @max_devid above 0xffff, a length out of 8..15; -ENOMEM no
 * memory (nothing is left allocated); -ERANGE a block the platform gave
 * lies beyond 52 bits; -ETIMEDOUT the first completion wait never completed
 * (the IOMMU is turned off again and everything freed).
 */
VCM_API int vcm_amdvi_init(const struct vcm_amdvi_cfg *cfg, struct vcm_amdvi **out,
			   struct vcm_diag *diag);

/**
 * vcm_amdvi_destroy() - turn the IOMMU off and free its memory. Every device
 * of it must have been destroyed. NULL is ignored. Return: 0, or -EBUSY
 * while devices remain.
 */
VCM_API int vcm_amdvi_destroy(struct vcm_amdvi *iommu);

/* The IOMMU's last failure, "call: message" (ops that return void record here). */
VCM_API const char *vcm_amdvi_last_error(const struct vcm_amdvi *iommu);

/**
 * vcm_amdvi_dev_create() - a device behind @iommu, for vcm_amdvi_dev_ops.
 * @iommu: the IOMMU.
 * @devid: its DeviceID (PCI requester ID: bus << 8 | devfn), <= max_devid.
 * @domid: the domain ID its translations are cached under (1..0xffff; 0 is
 *         refused, so a cleared entry never aliases a live domain). Devices
 *         that share one table may share one domain; program refuses a
 *         different table in a domain a programmed device uses.
 * @out:   receives the device; its DTE stays blocked (as init or an
 *         earlier dev_destroy left it: every DMA refused) until program.
 *
 * Return: 0; -EINVAL NULL, @devid above max_devid, @domid 0 or above 0xffff;
 * -EEXIST another device of @iommu has @devid; -ENOMEM.
 */
VCM_API int vcm_amdvi_dev_create(struct vcm_amdvi *iommu, uint32_t devid, uint32_t domid,
				 struct vcm_amdvi_dev **out);
/*
 * Free @dev, its DTE blocked first (V=1, TV=1, no IR/IW) and invalidated,
 * whatever the device went through (a failure is counted in
 * vcm_amdvi_stats()). NULL is ignored.
 */
VCM_API void vcm_amdvi_dev_destroy(struct vcm_amdvi_dev *dev);

/*
 * The ops for struct vcm_dev_cfg.ops, with the struct vcm_amdvi_dev as ctx:
 *  program:   @hw of format "amdv1" (vcm_pt_hw()): writes the DTE (V, TV,
 *             HAD, Mode, root pointer, IR, IW from hw->regs[0], the domain
 *             ID; HAD 11b, a dirty-tracking table's, only with EFR.HDSup,
 *             else -EOPNOTSUPP: the IOMMU would never set D),
 *             then INVALIDATE_DEVTAB_ENTRY, INVALIDATE_IOMMU_PAGES for the
 *             whole domain and COMPLETION_WAIT. -EINVAL wrong base or format,
 *             -EEXIST another programmed device has the domain ID with
 *             another table (2.2.2: the IOMMU caches by domain), -ETIMEDOUT
 *             the wait never completed: the DTE is then blocked as by clear
 *             (best effort; the first error is returned).
 *  clear:     DTE V=1, TV=1, Mode 0, IR=IW=0 (every DMA refused), the same
 *             invalidations. Should they not complete, the failure is
 *             counted and the next clear or dev_destroy invalidates again.
 *  tlb_range: INVALIDATE_IOMMU_PAGES of the smallest aligned power of two
 *             covering the range (the whole domain when that is 2^52 bytes
 *             or more), then COMPLETION_WAIT.
 *  tlb_all:   the whole domain, then COMPLETION_WAIT.
 *  hw_version: the Extended Feature Register's low 32 bits.
 * The void ops record failures in vcm_amdvi_last_error() and count them
 * (vcm_amdvi_stats()).
 */
VCM_API extern const struct vcm_dev_ops vcm_amdvi_dev_ops;

/**
 * struct vcm_amdvi_event - one event log entry, decoded.
 * @code:  VCM_AMDVI_EV_*.
 * @raw:   the entry as read (two little-endian quadwords).
 * @fault: for IO_PAGE_FAULT, ILLEGAL_DEV_TABLE_ENTRY and the table hardware
 *         errors, the fault as the graph records it (stream = DeviceID, ctx =
 *         domain ID where the event carries one, base VCM_BASE_LOW); kind:
 *         translation (IO_PAGE_FAULT, page not present), permission
 *         (IO_PAGE_FAULT on a present page), configuration (ILLEGAL_DEV_TABLE_
 *         ENTRY, or a reserved bit set on the walk), external (the device or
 *         page table could not be read; desc_pa is the entry's address).
 * @is_fault: whether @fault is filled; false for command and other events.
 */
struct vcm_amdvi_event {
	unsigned int code;
	uint64_t raw[2];
	struct vcm_fault fault;
	bool is_fault;
};

typedef void (*vcm_amdvi_event_fn)(void *arg, const struct vcm_amdvi_event *ev);

/**
 * vcm_amdvi_poll_events() - consume the event log: decode each entry between
 * head and tail, call @fn (may be NULL) for each, advance the head register.
 * After an overflow (status EventOverflow: the IOMMU logs nothing more while
 * it is set) the log is drained, then restarted: EventLogEn 0, EventLogRun
 * waited for, EventOverflow cleared, EventLogEn 1; counted in
 * vcm_amdvi_stats(). Events lost to the overflow are not recovered.
 * Return: the number of entries consumed; -EINVAL @iommu NULL; -EIO the
 * tail register points outside the log (nothing consumed, the overflow
 * left for the next call); -ETIMEDOUT EventLogRun never cleared (the
 * entries were consumed, logging stays off until a later call restarts it).
 */
VCM_API int vcm_amdvi_poll_events(struct vcm_amdvi *iommu, vcm_amdvi_event_fn fn, void *arg);

/**
 * vcm_amdvi_decode_event() - decode one raw entry (as vcm_amdvi_poll_events
 * does) into @ev.
 */
VCM_API void vcm_amdvi_decode_event(const uint64_t raw[2], struct vcm_amdvi_event *ev);

/**
 * struct vcm_amdvi_stats - counters for tests and bring-up.
 * @commands:  command buffer entries written.
 * @waits:     completion waits that completed.
 * @events:    event log entries consumed.
 * @overflows: event log overflows seen and restarted from.
 * @errors:    failures of the void ops (clear, tlb_range, tlb_all).
 */
struct vcm_amdvi_stats {
	uint64_t commands;
	uint64_t waits;
	uint64_t events;
	uint64_t overflows;
	uint64_t errors;
};
VCM_API void vcm_amdvi_stats(const struct vcm_amdvi *iommu, struct vcm_amdvi_stats *out);

/* Where the IOMMU's structures sit: for tests and firmware that hand them on. */
VCM_API vcm_pa_t vcm_amdvi_devtab_pa(const struct vcm_amdvi *iommu);

#ifdef __cplusplus
}
#endif

#endif /* VCM_AMDVI_H */
