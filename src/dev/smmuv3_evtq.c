// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 event queue (IHI 0070 3.5, 7.3): records read back into
 * struct vcm_fault, overflow and global errors reported. See smmuv3.c.
 */
#include <errno.h>
#include "smmuv3_internal.h"
#include "../util/fail.h"

/* 7.3 event records (4 doublewords). */
#define EVT_TYPE         VCM_GENMASK(7, 0)
#define EVT_SID          VCM_GENMASK(63, 32)
#define EVT_PNU          VCM_BIT(33)        /* doubleword 1 */
#define EVT_IND          VCM_BIT(34)
#define EVT_RNW          VCM_BIT(35)
#define EVT_S2           VCM_BIT(39)
#define EVT_CLASS        VCM_GENMASK(41, 40) /* what the access was for: 0b01 a table descriptor */
#define EVT_CLASS_TT     1U
#define EVT_IPA          VCM_GENMASK(51, 12) /* doubleword 3, stage 2 faults */
#define EVT_FETCH_ADDR   VCM_GENMASK(51, 3) /* doubleword 3 */

static enum vcm_fault_kind evt_kind(unsigned int type)
{
	switch (type) {
	case VCM_SMMUV3_EVT_F_TRANSLATION: return VCM_FAULT_TRANSLATION;
	case VCM_SMMUV3_EVT_F_PERMISSION:  return VCM_FAULT_PERMISSION;
	case VCM_SMMUV3_EVT_F_ADDR_SIZE:   return VCM_FAULT_ADDR_SIZE;
	case VCM_SMMUV3_EVT_F_ACCESS:      return VCM_FAULT_ACCESS_FLAG;
	case VCM_SMMUV3_EVT_F_WALK_EABT:
	case VCM_SMMUV3_EVT_F_STE_FETCH:
	case VCM_SMMUV3_EVT_F_CD_FETCH:    return VCM_FAULT_EXTERNAL;
	default:                           return VCM_FAULT_CONFIG; /* C_BAD_*, the rest */
	}
}

/* 7.3: decode one record (F_TRANSLATION .. F_PERMISSION share one layout). */
static void evt_decode(struct vcm_smmuv3 *s, const uint64_t *e, struct vcm_fault *f,
		       struct vcm_smmuv3_master **mp, unsigned int *typep)
{
	unsigned int type = (unsigned int)VCM_FIELD_GET(EVT_TYPE, e[0]);
	struct vcm_smmuv3_master *m = smmuv3_find_sid_(s, (uint32_t)VCM_FIELD_GET(EVT_SID, e[0]));
	bool walk = type == VCM_SMMUV3_EVT_F_TRANSLATION || type == VCM_SMMUV3_EVT_F_ADDR_SIZE ||
		    type == VCM_SMMUV3_EVT_F_ACCESS || type == VCM_SMMUV3_EVT_F_PERMISSION ||
		    type == VCM_SMMUV3_EVT_F_WALK_EABT;

	__builtin_memset(f, 0, sizeof(*f));
	f->kind = evt_kind(type);
	f->stream = (uint32_t)VCM_FIELD_GET(EVT_SID, e[0]);
	f->ctx = m != NULL ? m->asid : 0U;
	f->level = VCM_FAULT_LEVEL_NONE;
	f->desc_pa = VCM_FAULT_DESC_NONE;
	f->base = VCM_BASE_LOW;
	if (walk || type == VCM_SMMUV3_EVT_F_TRANSL_FORBIDDEN || type == VCM_SMMUV3_EVT_F_UUT) {
		f->da = e[2];
		f->access = (e[1] & EVT_RNW) != 0U ? VCM_ACCESS_READ : VCM_ACCESS_WRITE;
		if ((e[1] & EVT_IND) != 0U)
			f->access |= VCM_ACCESS_EXEC;
		if ((e[1] & EVT_PNU) == 0U)
			f->access |= VCM_ACCESS_USER;
	}
	if (walk)
		f->stage = (e[1] & EVT_S2) != 0U ? 2U : 1U;
	/*
	 * a stage-2 fault of a nested stream: the IPA stage 2 failed on, and
	 * CLASS TT when it was a stage-1 table descriptor's (S1PTW)
	 */
	if (walk && f->stage == 2U && type != VCM_SMMUV3_EVT_F_WALK_EABT) {
		f->ipa = e[3] & EVT_IPA;
		if (VCM_FIELD_GET(EVT_CLASS, e[1]) == EVT_CLASS_TT)
			f->flags = VCM_FAULT_S1PTW;
	}
	if (type == VCM_SMMUV3_EVT_F_WALK_EABT)
		f->desc_pa = e[3] & EVT_FETCH_ADDR;
	else if (type == VCM_SMMUV3_EVT_F_STE_FETCH || type == VCM_SMMUV3_EVT_F_CD_FETCH)
		f->desc_pa = e[3] & EVT_FETCH_ADDR;
	*mp = m;
	*typep = type;
}

int vcm_smmuv3_poll_events(struct vcm_smmuv3 *smmu, vcm_smmuv3_event_fn fn, void *arg)
{
	struct smmu_queue *q;
	uint32_t prod, g, gn;
	int n = 0, err = 0;

	if (smmu == NULL)
		return -EINVAL;
	vcm_diag_enter(&smmu->diag, __func__);
	q = &smmu->evtq;
	prod = rd32(smmu, SMMU_EVENTQ_PROD);
	while (q->cons != (prod & q_mask(q))) {
		const uint64_t *e = q->cpu + (size_t)q_idx(q, q->cons) * 4U;
		struct vcm_smmuv3_master *m;
		struct vcm_fault f;
		unsigned int type;
		uint64_t rec[4];

		for (unsigned int i = 0; i < 4U; i++)
			rec[i] = ((const volatile uint64_t *)e)[i];
		q->cons = (q->cons + 1U) & q_mask(q);
		/* free the slot before the callback: it may take long */
		wr32(smmu, SMMU_EVENTQ_CONS, q->cons | smmu->evtq_ovack);
		evt_decode(smmu, rec, &f, &m, &type);
		if (fn != NULL)
			fn(arg, m, type, &f);
		n++;
	}
	/* 3.5, 6.3 SMMU_EVENTQ_CONS: an overflow is acknowledged by copying OVFLG into OVACKFLG */
	if ((prod & EVTQ_OVFLG) != smmu->evtq_ovack) {
		smmu->evtq_ovack = prod & EVTQ_OVFLG;
		wr32(smmu, SMMU_EVENTQ_CONS, q->cons | smmu->evtq_ovack);
		err = VCM_ERR(&smmu->diag, -EIO,
			       "the event queue overflowed: events lost");
	}
	/* 6.3 SMMU_GERROR: global errors other than CMDQ_ERR (the command path handles it) */
	g = rd32(smmu, SMMU_GERROR);
	gn = rd32(smmu, SMMU_GERRORN);
	if (((g ^ gn) & GERROR_ALL & ~(uint32_t)GERROR_CMDQ_ERR) != 0U) {
		uint32_t act = (g ^ gn) & GERROR_ALL & ~(uint32_t)GERROR_CMDQ_ERR;

		wr32(smmu, SMMU_GERRORN, gn ^ act);
		err = VCM_ERR(&smmu->diag, -EIO, "SMMU_GERROR active bits 0x%x",
			       (unsigned int)act);
	}
	return err != 0 ? err : n;
}
