/* SPDX-License-Identifier: MIT */
/*
 * A backend for the Arm System MMU v3 (IHI 0070): the graph programs it
 * through struct vcm_dev_ops, one master (StreamID) at a time.
 *
 * What it does: a linear stream table, one stage-1 context descriptor per
 * master built from the armv8 table's TCR/MAIR/TTBR values (vcm_pt_hw()),
 * the command queue (CFGI_STE, CFGI_CD, TLBI_NH_VA with the range form when
 * SMMU_IDR3.RIL says so, TLBI_NH_ASID, CMD_SYNC polled to completion), and
 * the event queue read back into struct vcm_fault records.
 *
 * Not done: stage 2 and nesting, 2-level stream tables, substreams (PASID),
 * the stall fault model, interrupts (events and sync are polled), the PRI
 * queue, ATS. Every register access goes through struct vcm_mmio, so the
 * same code runs on hardware (vcm_mmio_direct) and against a fake register
 * file in unit tests.
 *
 * Walks by the SMMU of the stream table, context descriptors and queues are
 * assumed coherent with the CPU, or made so by the platform's cache_clean
 * (called after every CPU write the SMMU reads); event records are read
 * without cache maintenance, so a non-coherent SMMU needs a coherent
 * (uncached) table_alloc.
 */
#ifndef VCM_SMMUV3_H
#define VCM_SMMUV3_H

#include <vcm/types.h>
#include <vcm/platform.h>
#include <vcm/dev.h>
#include <vcm/mmio.h>

#ifdef __cplusplus
extern "C" {
#endif

struct vcm_smmuv3;
struct vcm_smmuv3_master;

/**
 * struct vcm_smmuv3_cfg - one SMMU to bring up.
 * @regs:       its register block (page 0 at offset 0, page 1 at 0x10000).
 * @plat:       memory for the stream table, descriptors and queues
 *              (table_alloc) and for the objects (meta_alloc). Kept.
 * @sid_bits:   the stream table covers StreamIDs 0 .. 2^@sid_bits - 1;
 *              1..20 and at most SMMU_IDR1.SIDSIZE.
 * @cmdq_lg2:   log2 of command queue entries; 0 = 8, at most IDR1.CMDQS.
 * @evtq_lg2:   log2 of event queue entries; 0 = 7, at most IDR1.EVENTQS.
 * @poll_limit: iterations of a polling loop (each calls regs.ops->relax)
 *              before giving up with -ETIMEDOUT; 0 = 1000000.
 */
struct vcm_smmuv3_cfg {
	struct vcm_mmio regs;
	const struct vcm_plat_ops *plat;
	unsigned int sid_bits;
	unsigned int cmdq_lg2;
	unsigned int evtq_lg2;
	uint32_t poll_limit;
};

/**
 * vcm_smmuv3_init() - read the ID registers, build the stream table (every
 * stream aborts) and the queues, and turn the SMMU on.
 * @cfg:  what to bring up.
 * @out:  receives the SMMU.
 * @diag: optional: the message when it fails.
 *
 * Order (IHI 0070 6.3, SMMU_GBPA, SMMU_CR0): GBPA to abort, SMMUEN off,
 * queues and stream table bases, CR1/CR2, queues on, CFGI_ALL +
 * TLBI_NSNH_ALL + CMD_SYNC, then SMMUEN, each CR0 change waited for in
 * CR0ACK.
 *
 * Return: 0; -EINVAL a NULL or out-of-range argument; -EOPNOTSUPP the SMMU
 * lacks stage 1 or AArch64 tables, has fixed bases (IDR1.TABLES_PRESET or
 * QUEUES_PRESET), or @sid_bits is above its SIDSIZE; -ENOMEM no memory;
 * -ERANGE the stream table or a queue lies beyond IDR5.OAS; -ETIMEDOUT
 * CR0ACK or a CMD_SYNC never caught up; -EIO the SMMU reported a command
 * error. On failure nothing is left allocated.
 */
VCM_API int vcm_smmuv3_init(const struct vcm_smmuv3_cfg *cfg, struct vcm_smmuv3 **out,
			    struct vcm_diag *diag);

/**
 * vcm_smmuv3_destroy() - turn the SMMU off (SMMUEN, queues) and free it and
 * its masters. @smmu may be NULL. The masters are the ctx of graph devices:
 * deactivate and unregister those first.
 * Return: 0; -EBUSY a master still has a table programmed (an active
 * association: nothing is changed); -ETIMEDOUT when CR0ACK did not follow
 * (everything is freed all the same).
 */
VCM_API int vcm_smmuv3_destroy(struct vcm_smmuv3 *smmu);

/** vcm_smmuv3_last_error() - the last failure's message ("" if none). */
VCM_API const char *vcm_smmuv3_last_error(const struct vcm_smmuv3 *smmu);

/**
 * vcm_smmuv3_take_error() - the first error an op without a return value
 * (clear, tlb_range, tlb_all) met since the last call, then forget it.
 * Return: 0 or that negative errno (its message: vcm_smmuv3_last_error()).
 */
VCM_API int vcm_smmuv3_take_error(struct vcm_smmuv3 *smmu);

/**
 * vcm_smmuv3_master() - a master (one StreamID) the graph can program.
 * @smmu: the SMMU.
 * @sid:  its StreamID (PCI: the requester ID), below 2^sid_bits.
 * @asid: the ASID of its context descriptor; must be unique per master
 *        (TLB entries are tagged by ASID only), below 2^16 with IDR0.ASID16,
 *        else below 2^8.
 * @out:  receives the master: the ctx of vcm_smmuv3_dev_ops.
 *
 * Its stream aborts until the graph activates a VCM on it.
 * Return: 0; -EINVAL NULL argument, @sid or @asid out of range; -EEXIST
 * another master has that StreamID or ASID; -ENOMEM; -ERANGE its context
 * descriptor lies beyond IDR5.OAS.
 */
VCM_API int vcm_smmuv3_master(struct vcm_smmuv3 *smmu, uint32_t sid, uint32_t asid,
			      struct vcm_smmuv3_master **out);

/* The master's StreamID and ASID; 0 for NULL (an event of no known master). */
VCM_API uint32_t vcm_smmuv3_master_sid(const struct vcm_smmuv3_master *m);
VCM_API uint32_t vcm_smmuv3_master_asid(const struct vcm_smmuv3_master *m);

/*
 * The device ops of a master (ctx = struct vcm_smmuv3_master *), for
 * struct vcm_dev_cfg.ops:
 *  program:   base VCM_BASE_LOW only; hw must be an armv8 stage-1 block
 *             (TCR_EL1, MAIR_EL1, TTBR0_EL1). Writes the context descriptor
 *             (TCR.HA, HD as CD.HA, HD: a dirty-tracking table's) and a
 *             stage-1 STE, CFGI_STE + CFGI_CD + TLBI_NH_ASID + CMD_SYNC.
 *             -EINVAL bad hw; -EOPNOTSUPP a granule, T0SZ or IPS the SMMU
 *             does not take, or TCR.HA/HD beyond IDR0.HTTU (an IPS above IDR5.OAS is refused, not clamped:
 *             the table could map what the SMMU cannot reach); -ETIMEDOUT
 *             / -EIO from the queue (the new table's, or the abort of the
 *             table programmed before): the STE is then back to abort and the
 *             CD invalid, with CFGI_STE, TLBI_NH_ASID, CMD_SYNC (best
 *             effort; the first error is returned; should that fail too,
 *             the master counts as programmed until a clear completes).
 *  clear:     STE back to abort, CFGI_STE, TLBI_NH_ASID, CMD_SYNC; the CD
 *             invalid. A failure is kept for vcm_smmuv3_take_error() and
 *             the master counts as programmed (destroy refuses) until a
 *             clear completes.
 *  tlb_range: TLBI_NH_VA (range form when IDR3.RIL; a lone page with no
 *             level hint in the plain form, as NUM 0, SCALE 0, TTL 0 is
 *             Reserved) + CMD_SYNC; past 512 single-page commands,
 *             TLBI_NH_ASID instead.
 *  tlb_all:   TLBI_NH_ASID + CMD_SYNC.
 *  hw_version: SMMU_AIDR (0: SMMUv3.0, 1: v3.1, ...).
 */
VCM_API extern const struct vcm_dev_ops vcm_smmuv3_dev_ops;

/* SMMUv3 event numbers (IHI 0070 7.3), passed to the event callback. */
#define VCM_SMMUV3_EVT_F_UUT            0x01U
#define VCM_SMMUV3_EVT_C_BAD_STREAMID   0x02U
#define VCM_SMMUV3_EVT_F_STE_FETCH      0x03U
#define VCM_SMMUV3_EVT_C_BAD_STE        0x04U
#define VCM_SMMUV3_EVT_F_STREAM_DISABLED 0x06U
#define VCM_SMMUV3_EVT_F_TRANSL_FORBIDDEN 0x07U
#define VCM_SMMUV3_EVT_C_BAD_SUBSTREAMID 0x08U
#define VCM_SMMUV3_EVT_F_CD_FETCH       0x09U
#define VCM_SMMUV3_EVT_C_BAD_CD         0x0aU
#define VCM_SMMUV3_EVT_F_WALK_EABT      0x0bU
#define VCM_SMMUV3_EVT_F_TRANSLATION    0x10U
#define VCM_SMMUV3_EVT_F_ADDR_SIZE      0x11U
#define VCM_SMMUV3_EVT_F_ACCESS         0x12U
#define VCM_SMMUV3_EVT_F_PERMISSION     0x13U
#define VCM_SMMUV3_EVT_F_TLB_CONFLICT   0x20U
#define VCM_SMMUV3_EVT_F_CFG_CONFLICT   0x21U

/**
 * typedef vcm_smmuv3_event_fn - what vcm_smmuv3_poll_events() calls per event.
 * @arg:   its argument.
 * @m:     the master with the event's StreamID, or NULL if none.
 * @type:  the event number (VCM_SMMUV3_EVT_*).
 * @fault: the record decoded: kind, da (InputAddr), access (RnW, InD, PnU),
 *         stream, ctx (the master's ASID, 0 without a master), stage (S2 bit:
 *         2, else 1), desc_pa (fetch address of an external abort), level
 *         VCM_FAULT_LEVEL_NONE (SMMUv3 records do not carry it).
 */
typedef void (*vcm_smmuv3_event_fn)(void *arg, struct vcm_smmuv3_master *m, unsigned int type,
				    const struct vcm_fault *fault);

/**
 * vcm_smmuv3_poll_events() - drain the event queue, calling @fn per record.
 * @smmu: the SMMU.
 * @fn:   the callback (NULL: records are dropped).
 * @arg:  its argument.
 *
 * Also reports, as -EIO with a message, a global error (SMMU_GERROR: event
 * queue abort, command queue error) or an event queue overflow, after the
 * records have been handed over; such errors are acknowledged.
 * Return: the number of records (>= 0), or -EIO as above, or -EINVAL.
 */
VCM_API int vcm_smmuv3_poll_events(struct vcm_smmuv3 *smmu, vcm_smmuv3_event_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* VCM_SMMUV3_H */
