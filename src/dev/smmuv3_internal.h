/* SPDX-License-Identifier: MIT */
/*
 * What the SMMUv3 backend's files share (smmuv3.c: bring-up, command queue,
 * masters and device ops; smmuv3_evtq.c: the event queue): the register
 * offsets, the objects, and the register and queue index helpers.
 * IHI 0070; see smmuv3.c for how citations are made.
 */
#ifndef VCM_DEV_SMMUV3_INTERNAL_H
#define VCM_DEV_SMMUV3_INTERNAL_H

#include <vcm/smmuv3.h>
#include "../util/bits.h"

/* 6.2, 6.3: register offsets in page 0, and the event queue's in page 1. */
#define SMMU_IDR0            0x0000U
#define SMMU_IDR1            0x0004U
#define SMMU_IDR3            0x000cU
#define SMMU_IDR5            0x0014U
#define SMMU_AIDR            0x001cU
#define SMMU_CR0             0x0020U
#define SMMU_CR0ACK          0x0024U
#define SMMU_CR1             0x0028U
#define SMMU_CR2             0x002cU
#define SMMU_GBPA            0x0044U
#define SMMU_GERROR          0x0060U
#define SMMU_GERRORN         0x0064U
#define SMMU_STRTAB_BASE     0x0080U
#define SMMU_STRTAB_BASE_CFG 0x0088U
#define SMMU_CMDQ_BASE       0x0090U
#define SMMU_CMDQ_PROD       0x0098U
#define SMMU_CMDQ_CONS       0x009cU
#define SMMU_EVENTQ_BASE     0x00a0U
#define SMMU_EVENTQ_PROD     0x100a8U
#define SMMU_EVENTQ_CONS     0x100acU

/* 6.3 SMMU_GERROR: an error is active while GERROR and GERRORN differ */
#define GERROR_CMDQ_ERR VCM_BIT(0)
#define GERROR_ALL      UINT32_C(0x1fd)
/* 6.3 SMMU_EVENTQ_PROD.OVFLG; SMMU_EVENTQ_CONS.OVACKFLG acknowledges it */
#define EVTQ_OVFLG      VCM_BIT(31)

struct smmu_queue {
	uint64_t *cpu;
	vcm_pa_t pa;
	uint64_t bytes;
	unsigned int lg2;    /* log2 of the entries */
	unsigned int dwords; /* per entry: 2 commands, 4 events */
	uint32_t prod;       /* index and wrap bit (bit lg2) */
	uint32_t cons;
};

struct vcm_smmuv3_master {
	struct vcm_smmuv3 *smmu;
	struct vcm_smmuv3_master *next;
	uint32_t sid;
	uint32_t asid;
	uint64_t *cd;
	vcm_pa_t cd_pa;
	unsigned int granule_lg2; /* of the table programmed; 0: stream aborts */
};

struct vcm_smmuv3 {
	struct vcm_mmio regs;
	const struct vcm_plat_ops *plat;
	uint32_t poll_limit;
	uint32_t idr0, idr1, idr3, idr5, aidr;
	unsigned int sid_bits;
	uint64_t *strtab;
	vcm_pa_t strtab_pa;
	uint64_t strtab_bytes;
	struct smmu_queue cmdq;
	struct smmu_queue evtq;
	uint32_t evtq_ovack;
	struct vcm_smmuv3_master *masters;
	int pending;
	struct vcm_diag diag;
};

static inline uint32_t rd32(struct vcm_smmuv3 *s, uint64_t off)
{
	return s->regs.ops->read32(s->regs.ctx, off);
}

static inline void wr32(struct vcm_smmuv3 *s, uint64_t off, uint32_t v)
{
	s->regs.ops->write32(s->regs.ctx, off, v);
}

static inline uint32_t q_mask(const struct smmu_queue *q)
{
	return (UINT32_C(2) << q->lg2) - 1U; /* index and wrap bit */
}

static inline uint32_t q_idx(const struct smmu_queue *q, uint32_t v)
{
	return v & ((UINT32_C(1) << q->lg2) - 1U);
}

/* The master with StreamID @sid, or NULL. */
struct vcm_smmuv3_master *smmuv3_find_sid_(struct vcm_smmuv3 *s, uint32_t sid);

#endif /* VCM_DEV_SMMUV3_INTERNAL_H */
