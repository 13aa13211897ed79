// SPDX-License-Identifier: MIT
/*
 * The VT-d backend's fault records (VT-d 4.0, chapter 7 primary fault
 * logging, 10.4.9 FSTS_REG, 10.4.14 the fault recording registers, Appendix A
 * the reasons): read, decode into struct vcm_fault, clear, report.
 */
#include "vtd_internal.h"

/*
 * Reasons 5 and 6 do not say whether the page was mapped: walk @d's table
 * (9.8) to the entry that refused @f->da and classify.
 */
static void walk_fault(const struct vcm_vtd *v, const struct vcm_vtd_dev *d,
		       struct vcm_fault *f)
{
	vcm_pa_t table = d->root_pa;

	for (unsigned int lvl = d->levels; lvl >= 1U; lvl--) {
		unsigned int shift = 12U + 9U * (lvl - 1U);
		vcm_pa_t pa = table + 8U * ((f->da >> shift) & 511U);
		const volatile uint64_t *p = v->plat->pa_to_cpu(v->plat->ctx, pa);
		uint64_t e;

		if (p == NULL)
			return; /* cannot read it: keep the kind the reason gave */
		e = *p;
		f->level = (int)lvl;
		f->desc_pa = pa;
		if ((e & (SS_R | SS_W)) == 0U) {
			f->kind = VCM_FAULT_TRANSLATION;
			return;
		}
		if (lvl == 1U || (e & SS_PS) != 0U) {
			/* a leaf: present, so the right was missing */
			f->kind = VCM_FAULT_PERMISSION;
			return;
		}
		table = e & SS_ADDR;
	}
}

static void decode(const struct vcm_vtd *v, uint64_t lo, uint64_t hi, struct vcm_fault *f,
		   const struct vcm_vtd_dev *d)
{
	unsigned int reason = (unsigned int)VCM_FIELD_GET(FRCD_HI_FR, hi);

	*f = (struct vcm_fault){
		.da = lo & FRCD_LO_FI,
		.access = (hi & FRCD_HI_T1) != 0U ? VCM_ACCESS_READ : VCM_ACCESS_WRITE,
		.level = VCM_FAULT_LEVEL_NONE,
		.desc_pa = VCM_FAULT_DESC_NONE,
		.stage = 0, /* legacy mode runs one stage */
		.base = VCM_BASE_LOW,
		.stream = (uint32_t)VCM_FIELD_GET(FRCD_HI_SID, hi),
		.ctx = d != NULL ? d->did : 0U,
	};
	if ((hi & FRCD_HI_EXE) != 0U)
		f->access |= VCM_ACCESS_EXEC;
	switch (reason) {
	case FR_ROOT_P:
		f->kind = VCM_FAULT_TRANSLATION;
		f->desc_pa = v->root_pa + 16U * (f->stream >> 8);
		break;
	case FR_CTX_P:
		f->kind = VCM_FAULT_TRANSLATION;
		if (v->ctx[f->stream >> 8] != NULL)
			f->desc_pa = v->ctx_pa[f->stream >> 8] + 16U * (f->stream & 0xffU);
		break;
	case FR_ADDR:
		f->kind = VCM_FAULT_ADDR_SIZE;
		break;
	case FR_WRITE:
	case FR_READ:
		f->kind = VCM_FAULT_PERMISSION;
		if (d != NULL && d->present)
			walk_fault(v, d, f);
		break;
	case FR_SS_READ:
	case FR_ROOT_READ:
	case FR_CTX_READ:
		f->kind = VCM_FAULT_EXTERNAL;
		break;
	case FR_CTX_INV:
	default:
		f->kind = VCM_FAULT_CONFIG;
		break;
	}
}

int vcm_vtd_poll_faults(struct vcm_vtd *vtd, vcm_vtd_fault_fn fn, void *arg)
{
	uint32_t fsts;
	unsigned int first, handled = 0;

	if (vtd == NULL)
		return -EINVAL;
	vcm_diag_enter(&vtd->diag, "vcm_vtd_poll_faults");
	fsts = rd32(vtd, R_FSTS);
	/* primary fault logging: records are taken in turn from FSTS.FRI on */
	first = ((fsts & FSTS_FRI) >> 8) % vtd->nr_frcd;
	for (unsigned int i = 0; i < vtd->nr_frcd; i++) {
		unsigned int idx = (first + i) % vtd->nr_frcd;
		uint64_t off = vtd->frcd_off + 16U * idx;
		uint64_t hi = rd64(vtd, off + 8U), lo;
		struct vcm_fault f;
		struct vcm_vtd_dev *d;

		if ((hi & FRCD_HI_F) == 0U)
			continue;
		lo = rd64(vtd, off);
		d = vtd_find_dev_(vtd, (uint16_t)VCM_FIELD_GET(FRCD_HI_SID, hi));
		decode(vtd, lo, hi, &f, d);
		wr32(vtd, off + 12U, 1U << 31); /* F is write-1-to-clear */
		vtd->stats.faults++;
		handled++;
		if (fn != NULL)
			fn(arg, d, &f, (unsigned int)VCM_FIELD_GET(FRCD_HI_FR, hi));
	}
	if ((rd32(vtd, R_FSTS) & FSTS_PFO) != 0U) {
		vtd->stats.lost++;
		wr32(vtd, R_FSTS, FSTS_PFO);
	}
	return (int)handled;
}
