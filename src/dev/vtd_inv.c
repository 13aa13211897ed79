// SPDX-License-Identifier: MIT
/*
 * The VT-d backend's invalidations (VT-d 4.0, 6.5): the queued interface
 * (6.5.2: descriptors in a 4 KiB ring, IQT moved, a wait descriptor's status
 * write polled) or, without ECAP.QI, the register-based one (6.5.1: CCMD_REG,
 * IVA_REG and IOTLB_REG, each polled until the unit clears its busy bit);
 * and the plan that turns a range into page-selective IOTLB invalidations.
 */
#include "vtd_internal.h"

/* 6.5.2.1 and 6.5.2.3: the descriptor of @in. */
static void encode(const struct vcm_vtd *v, const struct inv *in, uint64_t d[2])
{
	d[0] = in->what | VCM_FIELD_PREP(DESC_G, in->g) | VCM_FIELD_PREP(DESC_DID, in->did);
	d[1] = 0;
	if (in->what == DESC_CC) {
		d[0] |= VCM_FIELD_PREP(CC_SID, in->sid); /* FM 0: the function alone */
		return;
	}
	/* drain reads and writes before completing, where the unit can */
	if ((v->cap & CAP_DRD) != 0U)
		d[0] |= IOTLB_DESC_DR;
	if ((v->cap & CAP_DWD) != 0U)
		d[0] |= IOTLB_DESC_DW;
	if (in->g == G_DEVICE)
		d[1] = in->addr | (in->ih ? IVA_IH : 0U) | in->am;
}

/* Wait until IQH shows @need free slots behind the tail. */
static int iq_room(struct vcm_vtd *v, unsigned int need)
{
	for (uint32_t i = 0; i < v->poll_limit; i++) {
		unsigned int head = (unsigned int)(rd64(v, R_IQH) >> IQ_QT_SHIFT) % IQ_ENTRIES;
		unsigned int used = (v->iq_tail + IQ_ENTRIES - head) % IQ_ENTRIES;

		if (IQ_ENTRIES - 1U - used >= need)
			return 0;
		relax(v);
	}
	return VCM_ERR(&v->diag, -ETIMEDOUT, "the invalidation queue stayed full for %u polls",
		       (unsigned int)v->poll_limit);
}

static void iq_put(struct vcm_vtd *v, const uint64_t d[2])
{
	volatile uint64_t *slot = &v->iq[2U * v->iq_tail];

	slot[0] = d[0];
	slot[1] = d[1];
	clean(v, slot, 16);
	v->iq_tail = (v->iq_tail + 1U) % IQ_ENTRIES;
}

/*
 * 6.5.2: @n descriptors and a wait descriptor (6.5.2.8) that writes a new
 * sequence number to the status word; moving IQT hands them to the unit.
 */
static int queue_run(struct vcm_vtd *v, const struct inv *list, unsigned int n)
{
	uint32_t seq = ++v->seq;
	uint64_t d[2];
	int ret;

	ret = iq_room(v, n + 1U);
	if (ret != 0)
		return ret;
	for (unsigned int i = 0; i < n; i++) {
		encode(v, &list[i], d);
		iq_put(v, d);
	}
	d[0] = DESC_WAIT | WAIT_SW | VCM_FIELD_PREP(WAIT_DATA, seq);
	d[1] = v->status_pa; /* bits 1:0 reserved: the word is 4-byte aligned */
	iq_put(v, d);
	v->stats.descs += n;
	wr64(v, R_IQT, (uint64_t)v->iq_tail << IQ_QT_SHIFT);
	for (uint32_t i = 0; i < v->poll_limit; i++) {
		if (*v->status == seq) {
			v->stats.waits++;
			return 0;
		}
		if ((rd32(v, R_FSTS) & FSTS_IQE) != 0U) {
			uint64_t iqh = rd64(v, R_IQH);
			volatile uint64_t *bad =
				&v->iq[2U * ((unsigned int)(iqh >> IQ_QT_SHIFT) % IQ_ENTRIES)];

			/*
			 * The unit stops at the refused descriptor and fetches it
			 * again once IQE is cleared: the wait descriptor takes its
			 * place, so the queue moves on instead of stalling for good.
			 */
			bad[0] = d[0];
			bad[1] = d[1];
			clean(v, bad, 16);
			wr32(v, R_FSTS, FSTS_IQE); /* write 1 to clear */
			return VCM_ERR(&v->diag, -EIO,
				       "the unit refused an invalidation descriptor (FSTS.IQE, IQH %#llx)",
				       vcm_ull(iqh));
		}
		relax(v);
	}
	return VCM_ERR(&v->diag, -ETIMEDOUT,
		       "wait descriptor %u: no status write after %u polls (IQH %#llx, IQT %#x)",
		       (unsigned int)seq, (unsigned int)v->poll_limit, vcm_ull(rd64(v, R_IQH)),
		       v->iq_tail << IQ_QT_SHIFT);
}

/* 6.5.1: the same invalidations through CCMD_REG and IOTLB_REG, one at a time. */
static int register_run(struct vcm_vtd *v, const struct inv *list, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		const struct inv *in = &list[i];
		uint64_t off, busy, done;
		uint64_t val = 0;
		uint32_t p;

		if (in->what == DESC_CC) {
			off = R_CCMD;
			busy = CCMD_ICC;
			done = CCMD_CAIG;
			val = CCMD_ICC | VCM_FIELD_PREP(CCMD_CIRG, in->g) |
			      VCM_FIELD_PREP(CCMD_SID, in->sid) | VCM_FIELD_PREP(CCMD_DID, in->did);
		} else {
			off = v->iotlb_off + 8U;
			busy = IOTLB_IVT;
			done = IOTLB_IAIG;
			val = IOTLB_IVT | VCM_FIELD_PREP(IOTLB_IIRG, in->g) |
			      VCM_FIELD_PREP(IOTLB_DID, in->did);
			if ((v->cap & CAP_DRD) != 0U)
				val |= IOTLB_DR;
			if ((v->cap & CAP_DWD) != 0U)
				val |= IOTLB_DW;
			if (in->g == G_DEVICE)
				wr64(v, v->iotlb_off, in->addr | (in->ih ? IVA_IH : 0U) | in->am);
		}
		wr64(v, off, val);
		for (p = 0; p < v->poll_limit && (rd64(v, off) & busy) != 0U; p++)
			relax(v);
		if (p == v->poll_limit)
			return VCM_ERR(&v->diag, -ETIMEDOUT,
				       "register %#llx: invalidation still busy after %u polls",
				       vcm_ull(off), (unsigned int)v->poll_limit);
		/* the actual granularity reads 0 when the unit dropped the request */
		if ((rd64(v, off) & done) == 0U)
			return VCM_ERR(&v->diag, -EIO, "register %#llx: invalidation %#llx refused",
				       vcm_ull(off), vcm_ull(val));
		v->stats.descs++;
	}
	return 0;
}

int vtd_invalidate_(struct vcm_vtd *v, const struct inv *list, unsigned int n)
{
	int ret;

	/* 6.8, write buffer flushing: a unit with CAP.RWBF needs it first */
	if ((v->cap & CAP_RWBF) != 0U) {
		ret = vtd_gcmd_(v, GCMD_WBF, true, "write-buffer flush");
		if (ret != 0)
			return ret;
	}
	for (unsigned int i = 0; i < n; i++) {
		if (list[i].what != DESC_IOTLB)
			continue;
		if (list[i].g == G_DEVICE)
			v->stats.psi++;
		else if (list[i].g == G_DOMAIN)
			v->stats.dsi++;
	}
	return v->queued ? queue_run(v, list, n) : register_run(v, list, n);
}


/*
 * The page-selective invalidations covering [@da, @da + @len): naturally
 * aligned power-of-two blocks of pages, each within CAP.MAMV. Returns how
 * many, or 0 when a domain-selective one should be used instead.
 */
unsigned int vtd_psi_plan_(const struct vcm_vtd *v, uint16_t did, vcm_da_t da, uint64_t len,
			     bool leaf, struct inv out[PSI_MAX])
{
	unsigned int mamv = (unsigned int)VCM_FIELD_GET(CAP_MAMV, v->cap), n = 0;
	uint64_t first, last;

	if ((v->cap & CAP_PSI) == 0U || len == 0U || da + len - 1U < da)
		return 0;
	first = da >> 12;
	last = (da + len - 1U) >> 12;
	while (first <= last) {
		uint64_t left = last - first + 1U;
		unsigned int am = vcm_ctz64(vcm_pow2_floor(left));

		if (first != 0U && vcm_ctz64(first) < am)
			am = vcm_ctz64(first);
		if (am > mamv)
			am = mamv;
		if (n == PSI_MAX)
			return 0;
		out[n++] = (struct inv){ .what = DESC_IOTLB, .g = G_DEVICE, .did = did,
					 .addr = first << 12, .am = am, .ih = leaf };
		if (last - first < (UINT64_C(1) << am))
			break; /* covers the rest; also stops before first wraps */
		first += UINT64_C(1) << am;
	}
	return n;
}
