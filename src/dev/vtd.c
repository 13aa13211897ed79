// SPDX-License-Identifier: MIT
/*
 * Intel VT-d DMA remapping in legacy mode, as a vcm_dev_ops backend
 * (include/vcm/vtd.h): root and context tables, queued (or register-based)
 * invalidation with wait descriptors, the primary fault recording registers.
 *
 * Source: Intel Virtualization Technology for Directed I/O, Architecture
 * Specification (order number D51397), revision 4.0, June 2022:
 *  - 3.4.2 (legacy-mode translation: root table indexed by bus, context
 *    table by device/function), 9.1 root entry, 9.3 context entry;
 *  - 6.5 invalidation of translation caches: 6.5.1 the register-based
 *    interface (CCMD_REG, IOTLB_REG/IVA_REG), 6.5.2 queued invalidation with
 *    6.5.2.1 the context-cache, 6.5.2.3 the IOTLB and 6.5.2.8 the wait
 *    descriptor;
 *  - 7.2.1 primary fault logging, Appendix A the fault reason codes;
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
 */
#include <errno.h>
#include <vcm/vtd.h>
#include "../util/bits.h"
#include "../util/fail.h"

/* 10.4: register offsets. IOTLB_REG and IVA_REG sit at ECAP.IRO. */
#define R_VER    0x00U
#define R_CAP    0x08U
#define R_ECAP   0x10U
#define R_GCMD   0x18U
#define R_GSTS   0x1cU
#define R_RTADDR 0x20U
#define R_CCMD   0x28U
#define R_FSTS   0x34U
#define R_IQH    0x80U
#define R_IQT    0x88U
#define R_IQA    0x90U

/* 10.4.2 CAP_REG */
#define CAP_ND     VCM_GENMASK(2, 0)    /* 2^(4 + 2 * ND) domain ids */
#define CAP_RWBF   VCM_BIT(4)           /* flush the write buffer before invalidating */
#define CAP_CM     VCM_BIT(7)           /* caching mode */
#define CAP_SAGAW  VCM_GENMASK(12, 8)   /* bit n: AW n (n = levels - 2) */
#define CAP_FRO    VCM_GENMASK(33, 24)  /* fault recording offset / 16 */
#define CAP_PSI    VCM_BIT(39)
#define CAP_NFR    VCM_GENMASK(47, 40)  /* records - 1 */
#define CAP_MAMV   VCM_GENMASK(53, 48)  /* largest address mask of a PSI */
#define CAP_DWD    VCM_BIT(54)
#define CAP_DRD    VCM_BIT(55)

/* 10.4.3 ECAP_REG */
#define ECAP_C     VCM_BIT(0)           /* page walks snoop */
#define ECAP_QI    VCM_BIT(1)
#define ECAP_IRO   VCM_GENMASK(17, 8)   /* IOTLB register offset / 16 */

/* 10.4.4 GCMD_REG, 10.4.5 GSTS_REG (the status bit sits where its command does) */
#define GCMD_TE    (1U << 31)
#define GCMD_SRTP  (1U << 30)
#define GCMD_WBF   (1U << 27)
#define GCMD_QIE   (1U << 26)

/* 10.4.7 CCMD_REG */
#define CCMD_ICC   VCM_BIT(63)
#define CCMD_CIRG  VCM_GENMASK(62, 61)
#define CCMD_CAIG  VCM_GENMASK(60, 59)
#define CCMD_SID   VCM_GENMASK(31, 16)
#define CCMD_DID   VCM_GENMASK(15, 0)

/* 10.4.8.1 IOTLB_REG, 10.4.8.2 IVA_REG */
#define IOTLB_IVT  VCM_BIT(63)
#define IOTLB_IIRG VCM_GENMASK(61, 60)
#define IOTLB_IAIG VCM_GENMASK(58, 57)
#define IOTLB_DR   VCM_BIT(49)
#define IOTLB_DW   VCM_BIT(48)
#define IOTLB_DID  VCM_GENMASK(47, 32)
#define IVA_IH     VCM_BIT(6)
#define IVA_AM     VCM_GENMASK(5, 0)

/* 10.4.9 FSTS_REG */
#define FSTS_PFO   (1U << 0)
#define FSTS_IQE   (1U << 4)
#define FSTS_FRI   0xff00U

/* 10.4.14 fault recording register, as two 64-bit halves */
#define FRCD_LO_FI   VCM_GENMASK(63, 12)
#define FRCD_HI_SID  VCM_GENMASK(15, 0)
#define FRCD_HI_EXE  VCM_BIT(30)         /* bit 94: an execute request */
#define FRCD_HI_FR   VCM_GENMASK(39, 32) /* bits 103:96 */
#define FRCD_HI_T1   VCM_BIT(62)         /* bit 126: 0 write, 1 read */
#define FRCD_HI_F    VCM_BIT(63)

/* IQA_REG: base, descriptor width (0: 128 bits), queue size 2^QS pages */
#define IQA_ADDR   VCM_GENMASK(63, 12)
#define IQ_ENTRIES 256U                  /* QS = 0: one 4 KiB page of 16-byte descriptors */
#define IQ_QT_SHIFT 4U                   /* IQH/IQT bits 18:4 index 128-bit descriptors */

/* 6.5.2: descriptor types and fields (low quadword unless named hi) */
#define DESC_CC    1U
#define DESC_IOTLB 2U
#define DESC_WAIT  5U
#define DESC_G     VCM_GENMASK(5, 4)     /* granularity */
#define DESC_DID   VCM_GENMASK(31, 16)
#define CC_SID     VCM_GENMASK(47, 32)
#define IOTLB_DESC_DR VCM_BIT(7)
#define IOTLB_DESC_DW VCM_BIT(6)
#define WAIT_SW    VCM_BIT(5)
#define WAIT_DATA  VCM_GENMASK(63, 32)

/* 9.1 root entry, 9.3 context entry */
#define ROOT_P       VCM_BIT(0)
#define ROOT_CTP     VCM_GENMASK(63, 12)
#define CTX_P        VCM_BIT(0)
#define CTX_TT       VCM_GENMASK(3, 2)
#define CTX_SLPTPTR  VCM_GENMASK(63, 12)
#define CTX_HI_AW    VCM_GENMASK(2, 0)
#define CTX_HI_DID   VCM_GENMASK(23, 8)

/* 9.8 second-stage entries: what the fault decoder reads */
#define SS_R     VCM_BIT(0)
#define SS_W     VCM_BIT(1)
#define SS_PS    VCM_BIT(7)
#define SS_ADDR  VCM_GENMASK(51, 12)

/* Granularities of the descriptors and registers (the same codes in both). */
#define G_GLOBAL 1U
#define G_DOMAIN 2U
#define G_DEVICE 3U /* context cache: device-selective; IOTLB: page-selective */

/* Appendix A: legacy-mode fault reasons decoded into kinds */
#define FR_ROOT_P    0x1U
#define FR_CTX_P     0x2U
#define FR_CTX_INV   0x3U
#define FR_ADDR      0x4U
#define FR_WRITE     0x5U
#define FR_READ      0x6U
#define FR_SS_READ   0x7U
#define FR_ROOT_READ 0x8U
#define FR_CTX_READ  0x9U

/* Page-selective descriptors per tlb_range before one domain-selective does. */
#define PSI_MAX 4U
#define NR_BUSES 256U

struct vcm_vtd {
	struct vcm_mmio mmio;
	const struct vcm_plat_ops *plat;
	uint32_t poll_limit;
	bool queued;
	uint64_t cap, ecap;
	uint32_t ver;
	uint32_t gcmd;             /* persistent command bits set (TE, QIE) */
	uint64_t iotlb_off;        /* IVA_REG; IOTLB_REG follows at + 8 */
	uint64_t frcd_off;         /* first fault recording register */
	unsigned int nr_frcd;
	/* root table; context tables per bus (NULL: none yet) */
	vcm_pa_t root_pa;
	volatile uint64_t *root;
	volatile uint64_t *ctx[NR_BUSES];
	vcm_pa_t ctx_pa[NR_BUSES];
	/* queue: 256 descriptors, the next free slot; status word of the waits */
	vcm_pa_t iq_pa;
	volatile uint64_t *iq;
	unsigned int iq_tail;
	vcm_pa_t status_pa;
	volatile uint32_t *status;
	uint32_t seq;
	struct vcm_vtd_dev *devs;
	struct vcm_vtd_stats stats;
	struct vcm_diag diag;
};

struct vcm_vtd_dev {
	struct vcm_vtd *vtd;
	struct vcm_vtd_dev *next;
	uint16_t sid;
	uint16_t did;
	bool present;              /* context entry programmed */
	vcm_pa_t root_pa;          /* its second-stage table, for the fault decoder */
	unsigned int levels;
};

/* One invalidation, before it is encoded as a descriptor or a register write. */
struct inv {
	unsigned int what;         /* DESC_CC or DESC_IOTLB */
	unsigned int g;            /* G_* */
	uint16_t did;
	uint16_t sid;              /* context cache, device-selective */
	uint64_t addr;             /* IOTLB, page-selective: address, mask, hint */
	unsigned int am;
	bool ih;
};

/* ---- registers and memory ------------------------------------------------ */

static uint32_t rd32(struct vcm_vtd *v, uint64_t off)
{
	return v->mmio.ops->read32(v->mmio.ctx, off);
}

static uint64_t rd64(struct vcm_vtd *v, uint64_t off)
{
	return v->mmio.ops->read64(v->mmio.ctx, off);
}

static void wr32(struct vcm_vtd *v, uint64_t off, uint32_t val)
{
	v->mmio.ops->write32(v->mmio.ctx, off, val);
}

static void wr64(struct vcm_vtd *v, uint64_t off, uint64_t val)
{
	v->mmio.ops->write64(v->mmio.ctx, off, val);
}

static void relax(struct vcm_vtd *v)
{
	if (v->mmio.ops->relax != NULL)
		v->mmio.ops->relax(v->mmio.ctx);
}

/* Make CPU writes to memory the unit reads visible to it. */
static void clean(struct vcm_vtd *v, volatile void *p, size_t len)
{
	if (v->plat->cache_clean != NULL)
		v->plat->cache_clean(v->plat->ctx, (void *)(uintptr_t)p, len);
}

/*
 * A 64-bit store the unit may read at any time, upper half first: the lower
 * half holds the present bit, so a 32-bit target never shows the unit a
 * present entry with half of its address.
 */
static void store_entry(volatile uint64_t *p, uint64_t val)
{
	volatile uint32_t *w = (volatile uint32_t *)p;

	w[1] = (uint32_t)(val >> 32);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w[0] = (uint32_t)val;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

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
 */
static int gcmd(struct vcm_vtd *v, uint32_t bit, bool on, const char *what)
{
	bool oneshot = bit == GCMD_SRTP || bit == GCMD_WBF;
	uint32_t val = on ? v->gcmd | bit : v->gcmd & ~bit;
	int ret;

	wr32(v, R_GCMD, val);
	ret = poll_gsts(v, bit, bit == GCMD_WBF ? false : on, what);
	if (ret == 0 && !oneshot)
		v->gcmd = val;
	return ret;
}

/* ---- invalidation ---------------------------------------------------------- */

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
			wr32(v, R_FSTS, FSTS_IQE); /* write 1 to clear */
			return VCM_ERR(&v->diag, -EIO,
				       "the unit refused an invalidation descriptor (FSTS.IQE, IQH %#llx)",
				       vcm_ull(rd64(v, R_IQH)));
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

static int invalidate(struct vcm_vtd *v, const struct inv *list, unsigned int n)
{
	int ret;

	/* 6.1: a unit with CAP.RWBF needs its write buffer flushed first */
	if ((v->cap & CAP_RWBF) != 0U) {
		ret = gcmd(v, GCMD_WBF, true, "write-buffer flush");
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

static struct inv inv_cc_device(const struct vcm_vtd_dev *d)
{
	return (struct inv){ .what = DESC_CC, .g = G_DEVICE, .did = d->did, .sid = d->sid };
}

static struct inv inv_iotlb_domain(uint16_t did)
{
	return (struct inv){ .what = DESC_IOTLB, .g = G_DOMAIN, .did = did };
}

/*
 * The page-selective invalidations covering [@da, @da + @len): naturally
 * aligned power-of-two blocks of pages, each within CAP.MAMV. Returns how
 * many, or 0 when a domain-selective one should be used instead.
 */
static unsigned int psi_plan(const struct vcm_vtd *v, uint16_t did, vcm_da_t da, uint64_t len,
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

/* Turn off what init turned on; the first error wins. */
static int unit_off(struct vcm_vtd *v)
{
	int ret = 0, r;

	if ((v->gcmd & GCMD_TE) != 0U)
		ret = gcmd(v, GCMD_TE, false, "disabling translation");
	if ((v->gcmd & GCMD_QIE) != 0U) {
		r = gcmd(v, GCMD_QIE, false, "disabling queued invalidation");
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
	ret = gcmd(v, GCMD_SRTP, true, "setting the root table pointer");
	if (ret != 0)
		return ret;
	if (want_queue) {
		/* the queue starts empty: the unit resets IQH when QIE is set */
		wr64(v, R_IQT, 0);
		wr64(v, R_IQA, v->iq_pa & IQA_ADDR); /* DW 0 (128-bit), QS 0 (4 KiB) */
		ret = gcmd(v, GCMD_QIE, true, "enabling queued invalidation");
		if (ret != 0)
			return ret;
		v->queued = true;
	}
	/* after SRTP nothing cached may survive: context cache, then IOTLB */
	ret = invalidate(v, global, 2);
	if (ret != 0)
		return ret;
	return gcmd(v, GCMD_TE, true, "enabling translation");
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

static struct vcm_vtd_dev *find_dev(const struct vcm_vtd *v, uint16_t sid)
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
	if (find_dev(vtd, sid) != NULL)
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

/* Make @d's context entry not present and drop what the unit cached of it. */
static int ctx_clear(struct vcm_vtd_dev *d)
{
	volatile uint64_t *e = ctx_entry(d);
	struct inv list[2] = { inv_cc_device(d), inv_iotlb_domain(d->did) };

	if (!d->present)
		return 0;
	store_entry(&e[0], 0);
	store_entry(&e[1], 0);
	clean(d->vtd, e, 16);
	d->present = false;
	/* 6.5.3: context cache (device-selective), then the domain's IOTLB */
	return invalidate(d->vtd, list, 2);
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
	return dev->sid;
}

uint16_t vcm_vtd_dev_did(const struct vcm_vtd_dev *dev)
{
	return dev->did;
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
	aw = (unsigned int)VCM_FIELD_GET(CTX_HI_AW, hw->regs[1]);
	if ((VCM_FIELD_GET(CAP_SAGAW, v->cap) & (1U << aw)) == 0U)
		return VCM_ERR(&v->diag, -EOPNOTSUPP,
			       "hw->regs[1] AW %u (%u levels): CAP.SAGAW %#llx lacks it", aw, aw + 2U,
			       vcm_ull(VCM_FIELD_GET(CAP_SAGAW, v->cap)));
	return 0;
}

/* 9.3: load the context entry, then drop the cached old one (6.5.3). */
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
	ret = invalidate(v, list, 2);
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
	note_failure(d->vtd, invalidate(d->vtd, &dsi, 1));
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
	n = psi_plan(d->vtd, d->did, da, len, leaf, list);
	if (n == 0U) {
		list[0] = inv_iotlb_domain(d->did);
		n = 1;
	}
	note_failure(d->vtd, invalidate(d->vtd, list, n));
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

/* ---- faults ---------------------------------------------------------------- */

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
	/* 7.2.1: records are taken in turn from FSTS.FRI round the ring */
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
		d = find_dev(vtd, (uint16_t)VCM_FIELD_GET(FRCD_HI_SID, hi));
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
