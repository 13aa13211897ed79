// SPDX-License-Identifier: MIT
/*
 * Intel VT-d DMA remapping in legacy mode, as a vcm_dev_ops backend
 * (include/vcm/vtd.h): root and context tables, queued (or register-based)
 * invalidation with wait descriptors, the primary fault recording registers.
 *
 * Source: Intel Virtualization Technology for Directed I/O, Architecture
 * Specification (order number D51397), revision 4.0, June 2022:
 *  - chapter 3, legacy-mode translation (root table indexed by bus, context
 *    table by device/function), 9.1 root entry, 9.3 context entry;
 *  - 6.5 invalidation of translation caches: 6.5.1 the register-based
 *    interface (CCMD_REG, IOTLB_REG/IVA_REG), 6.5.2 queued invalidation with
 *    6.5.2.1 the context-cache, 6.5.2.3 the IOTLB and 6.5.2.8 the wait
 *    descriptor;
 *  - chapter 7, primary fault logging; Appendix A, the fault reason codes;
 *  - chapter 10 the registers: 10.4.1 VER, 10.4.2 CAP, 10.4.3 ECAP, 10.4.4
 *    GCMD, 10.4.5 GSTS, 10.4.6 RTADDR, 10.4.7 CCMD, 10.4.8 IOTLB and IVA,
 *    10.4.9 FSTS, 10.4.14 the fault recording registers, and the
 *    invalidation queue head, tail and address registers (IQH, IQT, IQA).
 *
 * Choices: one 4 KiB queue of 256 128-bit descriptors, each batch followed
 * by a wait descriptor whose status write is polled (no completion
 * interrupt: QEMU 7.2 aborts on a wait descriptor with both IF and SW); a
 * page-selective IOTLB invalidation per naturally aligned power-of-two block
 * of the range, domain-selective when that takes more than PSI_MAX
 * descriptors or the unit lacks PSI; a context entry is changed only while
 * not present (cleared, invalidated, then written hi word first).
 * The tables are stored in little-endian order as the unit reads them: the
 * targets (x86, Arm) are little-endian.
 *
 * Files: this one (the unit, its devices, the vcm_dev_ops), vtd_inv.c (the
 * invalidations), vtd_fault.c (the fault records), vtd_internal.h (the
 * definitions they share).
 */
#include "vtd_internal.h"

static int poll_gsts(struct vcm_vtd *v, uint32_t bit, bool set, const char *what)
{
	for (uint32_t i = 0; i < v->poll_limit; i++) {
		if (((rd32(v, R_GSTS) & bit) != 0U) == set)
			return 0;
		relax(v);
	}
	return VCM_ERR(&v->diag, -ETIMEDOUT, "%s: GSTS %#x still %s bit %#x after %u polls",
		       what, (unsigned int)rd32(v, R_GSTS), set ? "lacks" : "has",
		       (unsigned int)bit, (unsigned int)v->poll_limit);
}

/*
 * 10.4.4: write GCMD with the persistent bits kept and @bit set (@on) or
 * cleared, then wait for GSTS to agree. One-shot commands (SRTP, WBF) are
 * never kept; their status bit reads 1 when done (SRTP) or 0 (WBF).
 * v->gcmd follows the write, not the acknowledgement: a unit that answers
 * late still acts on the command, so a bit it never acknowledged must be
 * turned off all the same before the tables it points at are freed.
 */
int vtd_gcmd_(struct vcm_vtd *v, uint32_t bit, bool on, const char *what)
{
	uint32_t val = on ? v->gcmd | bit : v->gcmd & ~bit;

	wr32(v, R_GCMD, val);
	if (bit != GCMD_SRTP && bit != GCMD_WBF)
		v->gcmd = val;
	return poll_gsts(v, bit, bit == GCMD_WBF ? false : on, what);
}

/* ---- the unit -------------------------------------------------------------- */

static bool cfg_ok(const struct vcm_vtd_cfg *cfg, struct vcm_diag *diag, int *err)
{
	const struct vcm_mmio_ops *m;
	const struct vcm_plat_ops *p;

	*err = -EINVAL;
	if (cfg == NULL) {
		VCM_ERR(diag, -EINVAL, "cfg is NULL");
		return false;
	}
	m = cfg->mmio.ops;
	p = cfg->plat;
	if (m == NULL || m->read32 == NULL || m->write32 == NULL || m->read64 == NULL ||
	    m->write64 == NULL) {
		VCM_ERR(diag, -EINVAL, "cfg->mmio.ops lacks a read or write op");
		return false;
	}
	if (p == NULL || p->table_alloc == NULL || p->table_free == NULL ||
	    p->pa_to_cpu == NULL || p->meta_alloc == NULL || p->meta_free == NULL) {
		VCM_ERR(diag, -EINVAL,
			"cfg->plat lacks table_alloc, table_free, pa_to_cpu, meta_alloc or meta_free");
		return false;
	}
	if ((cfg->flags & ~VCM_VTD_REGISTER_INV) != 0U) {
		VCM_ERR(diag, -EINVAL, "cfg->flags %#x: unknown bits %#x", (unsigned int)cfg->flags,
			(unsigned int)(cfg->flags & ~VCM_VTD_REGISTER_INV));
		return false;
	}
	return true;
}

static int alloc_page(struct vcm_vtd *v, uint64_t size, vcm_pa_t *pa, void **cpu,
		      const char *what)
{
	int ret = v->plat->table_alloc(v->plat->ctx, size, size, pa, cpu);

	if (ret != 0)
		return VCM_ERR(&v->diag, -ENOMEM, "no table memory for the %s", what);
	return 0;
}

static void free_memory(struct vcm_vtd *v)
{
	const struct vcm_plat_ops *p = v->plat;

	for (unsigned int b = 0; b < NR_BUSES; b++)
		if (v->ctx[b] != NULL)
			p->table_free(p->ctx, v->ctx_pa[b], (void *)(uintptr_t)v->ctx[b], 4096);
	if (v->status != NULL)
		p->table_free(p->ctx, v->status_pa, (void *)(uintptr_t)v->status, 64);
	if (v->iq != NULL)
		p->table_free(p->ctx, v->iq_pa, (void *)(uintptr_t)v->iq, 4096);
	if (v->root != NULL)
		p->table_free(p->ctx, v->root_pa, (void *)(uintptr_t)v->root, 4096);
}

/*
 * Turn off what init commanded on (acknowledged or not), each waited for
 * with the poll bound; the first error wins.
 */
static int unit_off(struct vcm_vtd *v)
{
	int ret = 0, r;

	if ((v->gcmd & GCMD_TE) != 0U)
		ret = vtd_gcmd_(v, GCMD_TE, false, "disabling translation");
	if ((v->gcmd & GCMD_QIE) != 0U) {
		r = vtd_gcmd_(v, GCMD_QIE, false, "disabling queued invalidation");
		if (ret == 0)
			ret = r;
	}
	return ret;
}

/* 10.4.6, 10.4.4: root table, queue, global invalidations, TE. */
static int unit_on(struct vcm_vtd *v, bool want_queue)
{
	static const struct inv global[2] = {
		{ .what = DESC_CC, .g = G_GLOBAL },
		{ .what = DESC_IOTLB, .g = G_GLOBAL },
	};
	void *cpu;
	int ret;

	ret = alloc_page(v, 4096, &v->root_pa, &cpu, "root table");
	if (ret != 0)
		return ret;
	v->root = cpu;
	if (want_queue) {
		ret = alloc_page(v, 4096, &v->iq_pa, &cpu, "invalidation queue");
		if (ret != 0)
			return ret;
		v->iq = cpu;
		ret = alloc_page(v, 64, &v->status_pa, &cpu, "wait status word");
		if (ret != 0)
			return ret;
		v->status = cpu;
	}
	/* RTADDR: TTM 00 (legacy root table) in bits 11:10 */
	wr64(v, R_RTADDR, v->root_pa);
	ret = vtd_gcmd_(v, GCMD_SRTP, true, "setting the root table pointer");
	if (ret != 0)
		return ret;
	if (want_queue) {
		/* the queue starts empty: the unit resets IQH when QIE is set */
		wr64(v, R_IQT, 0);
		wr64(v, R_IQA, v->iq_pa & IQA_ADDR); /* DW 0 (128-bit), QS 0 (4 KiB) */
		ret = vtd_gcmd_(v, GCMD_QIE, true, "enabling queued invalidation");
		if (ret != 0)
			return ret;
		v->queued = true;
	}
	/* after SRTP nothing cached may survive: context cache, then IOTLB */
	ret = vtd_invalidate_(v, global, 2);
	if (ret != 0)
		return ret;
	return vtd_gcmd_(v, GCMD_TE, true, "enabling translation");
}

int vcm_vtd_init(const struct vcm_vtd_cfg *cfg, struct vcm_vtd **out, struct vcm_diag *diag)
{
	struct vcm_vtd *v;
	uint64_t cap;
	uint32_t gsts;
	int ret;

	vcm_diag_enter(diag, "vcm_vtd_init");
	if (!cfg_ok(cfg, diag, &ret))
		return ret;
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	cap = cfg->mmio.ops->read64(cfg->mmio.ctx, R_CAP);
	if (cap == 0U || cap == ~UINT64_C(0))
		return VCM_ERR(diag, -ENODEV, "CAP reads %#llx: no remapping unit at cfg->mmio",
			       vcm_ull(cap));
	gsts = cfg->mmio.ops->read32(cfg->mmio.ctx, R_GSTS);
	if ((gsts & (GCMD_TE | GCMD_QIE)) != 0U)
		return VCM_ERR(diag, -EBUSY,
			       "GSTS %#x: translation or queued invalidation is already on",
			       (unsigned int)gsts);
	v = cfg->plat->meta_alloc(cfg->plat->ctx, sizeof(*v));
	if (v == NULL)
		return VCM_ERR(diag, -ENOMEM, "no metadata for the unit");
	*v = (struct vcm_vtd){ .mmio = cfg->mmio, .plat = cfg->plat, .cap = cap };
	/*
	 * 10.4.4: a GCMD write sets every persistent enable at once: start from
	 * what is on already (interrupt remapping, CFI, AFL firmware may have
	 * set), without the status bits of one-shot commands (RTPS, WBFS, IRTPS).
	 */
	v->gcmd = gsts & UINT32_C(0x96ffffff);
	v->poll_limit = cfg->poll_limit != 0U ? cfg->poll_limit : VCM_VTD_POLL_DEFAULT;
	v->ecap = rd64(v, R_ECAP);
	v->ver = rd32(v, R_VER);
	v->iotlb_off = VCM_FIELD_GET(ECAP_IRO, v->ecap) * 16U;
	v->frcd_off = VCM_FIELD_GET(CAP_FRO, cap) * 16U;
	v->nr_frcd = (unsigned int)VCM_FIELD_GET(CAP_NFR, cap) + 1U;
	vcm_diag_enter(&v->diag, "vcm_vtd_init");
	ret = unit_on(v, (v->ecap & ECAP_QI) != 0U && (cfg->flags & VCM_VTD_REGISTER_INV) == 0U);
	if (ret != 0) {
		(void)unit_off(v);
		if (diag != NULL) {
			diag->err = v->diag.err;
			for (size_t i = 0; i < sizeof(diag->msg); i++)
				diag->msg[i] = v->diag.msg[i];
		}
		free_memory(v);
		cfg->plat->meta_free(cfg->plat->ctx, v, sizeof(*v));
		return ret;
	}
	v->stats.cap = v->cap;
	v->stats.ecap = v->ecap;
	v->stats.ver = v->ver;
	v->stats.queued = v->queued;
	*out = v;
	return 0;
}

int vcm_vtd_fini(struct vcm_vtd *vtd)
{
	int ret;

	if (vtd == NULL)
		return 0;
	vcm_diag_enter(&vtd->diag, "vcm_vtd_fini");
	if (vtd->devs != NULL)
		return VCM_ERR(&vtd->diag, -EBUSY, "device %#x still exists",
			       (unsigned int)vtd->devs->sid);
	ret = unit_off(vtd);
	free_memory(vtd);
	vtd->plat->meta_free(vtd->plat->ctx, vtd, sizeof(*vtd));
	return ret;
}

void vcm_vtd_get_stats(const struct vcm_vtd *vtd, struct vcm_vtd_stats *out)
{
	*out = vtd->stats;
}

const char *vcm_vtd_last_error(const struct vcm_vtd *vtd)
{
	return vtd != NULL ? vtd->diag.msg : "vtd is NULL";
}

/* ---- devices --------------------------------------------------------------- */

struct vcm_vtd_dev *vtd_find_dev_(const struct vcm_vtd *v, uint16_t sid)
{
	for (struct vcm_vtd_dev *d = v->devs; d != NULL; d = d->next)
		if (d->sid == sid)
			return d;
	return NULL;
}

/* The context entry of @d (9.3): two quadwords in its bus's context table. */
static volatile uint64_t *ctx_entry(const struct vcm_vtd_dev *d)
{
	return &d->vtd->ctx[d->sid >> 8][2U * (d->sid & 0xffU)];
}

int vcm_vtd_dev_create(struct vcm_vtd *vtd, uint16_t sid, uint16_t did,
		       struct vcm_vtd_dev **out)
{
	unsigned int bus = sid >> 8;
	uint64_t nd;
	struct vcm_vtd_dev *d;

	if (vtd == NULL)
		return -EINVAL;
	vcm_diag_enter(&vtd->diag, "vcm_vtd_dev_create");
	nd = UINT64_C(1) << (4U + 2U * (unsigned int)VCM_FIELD_GET(CAP_ND, vtd->cap));
	if (out == NULL)
		return VCM_ERR(&vtd->diag, -EINVAL, "out is NULL");
	if (did == 0U)
		return VCM_ERR(&vtd->diag, -EINVAL, "did 0 is reserved");
	if (did >= nd)
		return VCM_ERR(&vtd->diag, -ERANGE, "did %u: the unit has %llu domain ids (CAP.ND)",
			       (unsigned int)did, vcm_ull(nd));
	if (vtd_find_dev_(vtd, sid) != NULL)
		return VCM_ERR(&vtd->diag, -EEXIST, "sid %#x already has a device",
			       (unsigned int)sid);
	d = vtd->plat->meta_alloc(vtd->plat->ctx, sizeof(*d));
	if (d == NULL)
		return VCM_ERR(&vtd->diag, -ENOMEM, "no metadata for device %#x",
			       (unsigned int)sid);
	if (vtd->ctx[bus] == NULL) {
		void *cpu;
		int ret = alloc_page(vtd, 4096, &vtd->ctx_pa[bus], &cpu, "context table");

		if (ret != 0) {
			vtd->plat->meta_free(vtd->plat->ctx, d, sizeof(*d));
			return ret;
		}
		vtd->ctx[bus] = cpu;
		/* 9.1: present, context-table pointer; the unit caches no absent root entry */
		store_entry(&vtd->root[2U * bus], ROOT_P | (vtd->ctx_pa[bus] & ROOT_CTP));
		clean(vtd, &vtd->root[2U * bus], 16);
	}
	*d = (struct vcm_vtd_dev){ .vtd = vtd, .next = vtd->devs, .sid = sid, .did = did };
	vtd->devs = d;
	*out = d;
	return 0;
}

/*
 * Make @d's context entry not present and drop what the unit cached of it.
 * The unit may go on using a cached copy until the invalidation completed:
 * until then @d is stale, and the next clear, program or
 * vcm_vtd_dev_destroy() writes and invalidates again.
 */
static int ctx_clear(struct vcm_vtd_dev *d)
{
	volatile uint64_t *e = ctx_entry(d);
	struct inv list[2] = { inv_cc_device(d), inv_iotlb_domain(d->did) };
	int ret;

	if (!d->present && !d->stale)
		return 0;
	store_entry(&e[0], 0);
	store_entry(&e[1], 0);
	clean(d->vtd, e, 16);
	d->present = false;
	/* 6.5.3.3 (guidance for invalidations): context cache, then the IOTLB */
	ret = vtd_invalidate_(d->vtd, list, 2);
	d->stale = ret != 0;
	return ret;
}

int vcm_vtd_dev_destroy(struct vcm_vtd_dev *dev)
{
	struct vcm_vtd *v;
	struct vcm_vtd_dev **p;
	int ret;

	if (dev == NULL)
		return 0;
	v = dev->vtd;
	vcm_diag_enter(&v->diag, "vcm_vtd_dev_destroy");
	ret = ctx_clear(dev);
	for (p = &v->devs; *p != dev; p = &(*p)->next)
		;
	*p = dev->next;
	v->plat->meta_free(v->plat->ctx, dev, sizeof(*dev));
	return ret;
}

uint16_t vcm_vtd_dev_sid(const struct vcm_vtd_dev *dev)
{
	return dev != NULL ? dev->sid : 0U;
}

uint16_t vcm_vtd_dev_did(const struct vcm_vtd_dev *dev)
{
	return dev != NULL ? dev->did : 0U;
}

static bool is_vtd_ss(const char *fmt)
{
	static const char want[] = "vtd_ss";
	size_t i;

	if (fmt == NULL)
		return false;
	for (i = 0; want[i] != '\0'; i++)
		if (fmt[i] != want[i])
			return false;
	return fmt[i] == '\0';
}

/* Checks @hw before anything is written; 0 or -errno with the message. */
static int hw_check(struct vcm_vtd *v, unsigned int base, const struct vcm_hw_regs *hw)
{
	unsigned int aw;

	if (base != VCM_BASE_LOW)
		return VCM_ERR(&v->diag, -EINVAL, "base %u: a VT-d function has one table (base 0)",
			       base);
	if (hw == NULL)
		return VCM_ERR(&v->diag, -EINVAL, "hw is NULL: the mapper gave no table");
	if (!is_vtd_ss(hw->fmt))
		return VCM_ERR(&v->diag, -EINVAL, "hw->fmt '%s': the unit walks vtd_ss tables",
			       hw->fmt != NULL ? hw->fmt : "(null)");
	if ((hw->regs[0] & CTX_P) == 0U || VCM_FIELD_GET(CTX_TT, hw->regs[0]) != 0U ||
	    (hw->regs[0] & ~(CTX_P | CTX_TT | CTX_SLPTPTR)) != 0U)
		return VCM_ERR(&v->diag, -EINVAL,
			       "hw->regs[0] %#llx: not a present context entry of type 00",
			       vcm_ull(hw->regs[0]));
	if ((hw->regs[1] & ~CTX_HI_AW) != 0U)
		return VCM_ERR(&v->diag, -EINVAL,
			       "hw->regs[1] %#llx: bits beyond AW set (the domain id is the device's)",
			       vcm_ull(hw->regs[1]));
	/*
	 * regs[2]: what the table needs of a scalable-mode PASID entry (SSADE
	 * for a dirty-tracking table). This driver loads legacy context
	 * entries, which have no such bits: the unit would never mark a page.
	 */
	if (hw->regs[2] != 0U)
		return VCM_ERR(&v->diag, -EOPNOTSUPP,
			       "hw->regs[2] %#llx: the table needs a scalable-mode PASID entry "
			       "(SSADE, for its dirty bits); this driver loads legacy context entries",
			       vcm_ull(hw->regs[2]));
	aw = (unsigned int)VCM_FIELD_GET(CTX_HI_AW, hw->regs[1]);
	if ((VCM_FIELD_GET(CAP_SAGAW, v->cap) & (1U << aw)) == 0U)
		return VCM_ERR(&v->diag, -EOPNOTSUPP,
			       "hw->regs[1] AW %u (%u levels): CAP.SAGAW %#llx lacks it", aw,
			       aw + 2U,
			       vcm_ull(VCM_FIELD_GET(CAP_SAGAW, v->cap)));
	return 0;
}

/* 9.3: load the context entry, then drop what was cached (6.5.3.3). */
static int op_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct vcm_vtd_dev *d = ctx;
	struct vcm_vtd *v = d->vtd;
	volatile uint64_t *e = ctx_entry(d);
	struct inv list[2] = { inv_cc_device(d), inv_iotlb_domain(d->did) };
	int ret;

	vcm_diag_enter(&v->diag, "vcm_vtd_dev_ops.program");
	ret = hw_check(v, base, hw);
	if (ret != 0)
		return ret;
	/* 9.3 DID: entries of one domain id must reference the same table */
	for (const struct vcm_vtd_dev *o = v->devs; o != NULL; o = o->next)
		if (o != d && o->present && o->did == d->did &&
		    o->root_pa != (hw->regs[0] & CTX_SLPTPTR))
			return VCM_ERR(&v->diag, -EEXIST, "did %u: sid %#x uses it with table %#llx",
				       (unsigned int)d->did, (unsigned int)o->sid,
				       vcm_ull(o->root_pa));
	/* a present entry is never rewritten in place: the unit may read it half-done */
	ret = ctx_clear(d);
	if (ret != 0)
		return ret;
	store_entry(&e[1], hw->regs[1] | VCM_FIELD_PREP(CTX_HI_DID, d->did));
	store_entry(&e[0], hw->regs[0]);
	clean(v, e, 16);
	d->present = true;
	d->root_pa = hw->regs[0] & CTX_SLPTPTR;
	d->levels = (unsigned int)VCM_FIELD_GET(CTX_HI_AW, hw->regs[1]) + 2U;
	ret = vtd_invalidate_(v, list, 2);
	if (ret != 0)
		(void)ctx_clear(d); /* leave DMA blocked rather than half set up */
	return ret;
}

static void note_failure(struct vcm_vtd *v, int ret)
{
	if (ret != 0)
		v->stats.errors++;
}

static void op_clear(void *ctx, unsigned int base)
{
	struct vcm_vtd_dev *d = ctx;

	vcm_diag_enter(&d->vtd->diag, "vcm_vtd_dev_ops.clear");
	if (base != VCM_BASE_LOW)
		return;
	note_failure(d->vtd, ctx_clear(d));
}

static void op_tlb_all(void *ctx, unsigned int base)
{
	struct vcm_vtd_dev *d = ctx;
	struct inv dsi = inv_iotlb_domain(d->did);

	vcm_diag_enter(&d->vtd->diag, "vcm_vtd_dev_ops.tlb_all");
	if (base != VCM_BASE_LOW || !d->present)
		return;
	note_failure(d->vtd, vtd_invalidate_(d->vtd, &dsi, 1));
}

/* 6.5.2.3: page-selective within the domain, IH = @leaf (no table was freed). */
static void op_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	struct vcm_vtd_dev *d = ctx;
	struct inv list[PSI_MAX];
	unsigned int n;

	vcm_diag_enter(&d->vtd->diag, "vcm_vtd_dev_ops.tlb_range");
	if (base != VCM_BASE_LOW || !d->present)
		return;
	n = vtd_psi_plan_(d->vtd, d->did, da, len, leaf, list);
	if (n == 0U) {
		list[0] = inv_iotlb_domain(d->did);
		n = 1;
	}
	note_failure(d->vtd, vtd_invalidate_(d->vtd, list, n));
}

static uint32_t op_hw_version(void *ctx)
{
	struct vcm_vtd_dev *d = ctx;

	return d->vtd->ver;
}

const struct vcm_dev_ops vcm_vtd_dev_ops = {
	.program = op_program,
	.clear = op_clear,
	.tlb_range = op_tlb_range,
	.tlb_all = op_tlb_all,
	.hw_version = op_hw_version,
	.power_query = NULL,
};
