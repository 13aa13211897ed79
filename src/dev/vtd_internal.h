/* SPDX-License-Identifier: MIT */
/*
 * The VT-d backend's private definitions (vtd.c, vtd_inv.c, vtd_fault.c):
 * the registers and fields it uses, its objects and the calls between its
 * files. Spec: see vtd.c.
 */
#ifndef VCM_DEV_VTD_INTERNAL_H
#define VCM_DEV_VTD_INTERNAL_H

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
	uint32_t gcmd;             /* persistent bits last written (TE, QIE), acked or not */
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
	bool stale;                /* entry cleared, its invalidation not yet completed */
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

static inline uint32_t rd32(struct vcm_vtd *v, uint64_t off)
{
	return v->mmio.ops->read32(v->mmio.ctx, off);
}

static inline uint64_t rd64(struct vcm_vtd *v, uint64_t off)
{
	return v->mmio.ops->read64(v->mmio.ctx, off);
}

static inline void wr32(struct vcm_vtd *v, uint64_t off, uint32_t val)
{
	v->mmio.ops->write32(v->mmio.ctx, off, val);
}

static inline void wr64(struct vcm_vtd *v, uint64_t off, uint64_t val)
{
	v->mmio.ops->write64(v->mmio.ctx, off, val);
}

static inline void relax(struct vcm_vtd *v)
{
	if (v->mmio.ops->relax != NULL)
		v->mmio.ops->relax(v->mmio.ctx);
}

/* Make CPU writes to memory the unit reads visible to it. */
static inline void clean(struct vcm_vtd *v, volatile void *p, size_t len)
{
	if (v->plat->cache_clean != NULL)
		v->plat->cache_clean(v->plat->ctx, (void *)(uintptr_t)p, len);
}

/*
 * A 64-bit store the unit may read at any time, upper half first: the lower
 * half holds the present bit, so a 32-bit target never shows the unit a
 * present entry with half of its address.
 */
static inline void store_entry(volatile uint64_t *p, uint64_t val)
{
	volatile uint32_t *w = (volatile uint32_t *)p;

	w[1] = (uint32_t)(val >> 32);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	w[0] = (uint32_t)val;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static inline struct inv inv_cc_device(const struct vcm_vtd_dev *d)
{
	return (struct inv){ .what = DESC_CC, .g = G_DEVICE, .did = d->did, .sid = d->sid };
}

static inline struct inv inv_iotlb_domain(uint16_t did)
{
	return (struct inv){ .what = DESC_IOTLB, .g = G_DOMAIN, .did = did };
}

/* 10.4.4: set (@on) or clear the GCMD command @bit and wait for GSTS (vtd.c). */
int vtd_gcmd_(struct vcm_vtd *v, uint32_t bit, bool on, const char *what);
/* The device with requester id @sid, or NULL (vtd.c). */
struct vcm_vtd_dev *vtd_find_dev_(const struct vcm_vtd *v, uint16_t sid);
/* Carry out @n invalidations and wait for them (vtd_inv.c). */
int vtd_invalidate_(struct vcm_vtd *v, const struct inv *list, unsigned int n);
/* The page-selective invalidations for a range; 0: use domain-selective (vtd_inv.c). */
unsigned int vtd_psi_plan_(const struct vcm_vtd *v, uint16_t did, vcm_da_t da, uint64_t len,
			   bool leaf, struct inv out[PSI_MAX]);

#endif /* VCM_DEV_VTD_INTERNAL_H */
