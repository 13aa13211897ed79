/* SPDX-License-Identifier: MIT */
/*
 * The fake VT-d register file: GSTS follows GCMD, a write to IQT consumes
 * the invalidation queue (each descriptor logged, wait descriptors' status
 * written), CCMD and IOTLB_REG complete at once, fault records planted by
 * the test and cleared by writing 1 to F; tables and the queue in a hosted
 * arena that plays physical memory.
 * Shared by tests/dev and the injection sweep (tests/inject): one model of
 * the registers, included by each program that drives the backend.
 */
#ifndef VCM_TEST_FAKE_VTD_H
#define VCM_TEST_FAKE_VTD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/vtd.h>
#include <vcm/hosted.h>

#define ARENA_PA  UINT64_C(0x10000000)
#define ARENA_LEN (1024U * 1024U)

/* QEMU 7.2's values: FRO 0x220, 2 records here (QEMU has 1), SAGAW 39 and 48
 * bits, MGAW 48, ND 16-bit ids, PSI with MAMV 18; ECAP QI, IRO 0xf0. */
#define CAP_BASE (UINT64_C(0x22) << 24 | UINT64_C(1) << 40 | UINT64_C(6) << 8 | \
		  UINT64_C(47) << 16 | 6U | UINT64_C(1) << 39 | UINT64_C(18) << 48)
#define CAP_DRAIN (UINT64_C(3) << 54)
#define ECAP_QI_IRO (UINT64_C(0xf) << 8 | 2U)
#define ECAP_NO_QI (UINT64_C(0xf) << 8)

#define GCMD 0x18U
#define GSTS 0x1cU
#define CCMD 0x28U
#define FSTS 0x34U
#define IQH 0x80U
#define IQT 0x88U
#define IQA 0x90U
#define IVA 0xf0U
#define IOTLB 0xf8U
#define FRCD 0x220U

struct fake {
	uint8_t regs[0x300];
	struct vcm_plat_arena *arena;
	struct vcm_plat_ops plat;
	uint64_t free0;            /* arena bytes free at the start */
	uint64_t desc[64][2];      /* descriptors consumed from the queue */
	unsigned int nr_desc;
	uint32_t gcmd[16];         /* values written to GCMD */
	unsigned int nr_gcmd;
	uint64_t cmd[32][2];       /* register invalidations: offset, value */
	unsigned int nr_cmd;
	bool stall_wait;           /* the queue is never consumed */
	bool stall_gsts;           /* GSTS never follows GCMD */
	uint32_t no_ack;           /* TE/QIE: GSTS never shows these set (GCMD still acts) */
	bool refuse;               /* the next descriptor is refused: FSTS.IQE */
	unsigned int relaxed;
};

static inline uint64_t get(struct fake *f, uint64_t off, unsigned int size)
{
	uint64_t v = 0;

	memcpy(&v, &f->regs[off], size);
	return v;
}

static inline void put(struct fake *f, uint64_t off, uint64_t v, unsigned int size)
{
	memcpy(&f->regs[off], &v, size);
}

static inline void *cpu(struct fake *f, uint64_t pa)
{
	void *p = vcm_plat_arena_pa_to_cpu(f->arena, pa);

	assert_non_null(p);
	return p;
}

/* IQT moved: consume descriptors up to it, as the unit would. */
static inline void run_queue(struct fake *f)
{
	uint64_t base = get(f, IQA, 8) & ~UINT64_C(0xfff);
	unsigned int head = (unsigned int)(get(f, IQH, 8) >> 4);
	unsigned int tail = (unsigned int)(get(f, IQT, 8) >> 4);

	if ((get(f, GSTS, 4) & (1U << 26)) == 0U || f->stall_wait)
		return;
	if (f->refuse) { /* the unit stops at the head and says so */
		put(f, FSTS, get(f, FSTS, 4) | 1U << 4, 4);
		f->refuse = false;
		return;
	}
	while (head != tail) {
		uint64_t *d = cpu(f, base + 16U * head);

		assert_true(f->nr_desc < 64U);
		f->desc[f->nr_desc][0] = d[0];
		f->desc[f->nr_desc][1] = d[1];
		f->nr_desc++;
		if ((d[0] & 0xfU) == 5U && (d[0] & (1U << 5)) != 0U) {
			uint32_t data = (uint32_t)(d[0] >> 32);

			memcpy(cpu(f, d[1]), &data, 4);
		}
		head = (head + 1U) % 256U;
	}
	put(f, IQH, (uint64_t)head << 4, 8);
}

static inline void model(struct fake *f, uint64_t off)
{
	uint64_t v;

	switch (off) {
	case GCMD: {
		uint32_t c = (uint32_t)get(f, GCMD, 4);
		/* TE and QIE follow the command; RTPS stays set once set */
		uint32_t s = (c & (1U << 31 | 1U << 26) & ~f->no_ack) |
			     (get(f, GSTS, 4) & (1U << 30));

		assert_true(f->nr_gcmd < 16U);
		f->gcmd[f->nr_gcmd++] = c;
		if (f->stall_gsts)
			return;
		if ((c & (1U << 30)) != 0U)
			s |= 1U << 30; /* RTPS */
		if ((c & (1U << 26)) != 0U && (get(f, GSTS, 4) & (1U << 26)) == 0U)
			put(f, IQH, 0, 8);
		put(f, GSTS, s, 4);
		break;
	}
	case IQT:
		run_queue(f);
		break;
	case CCMD:
	case IOTLB:
		v = get(f, off, 8);
		assert_true(f->nr_cmd < 32U);
		f->cmd[f->nr_cmd][0] = off;
		f->cmd[f->nr_cmd][1] = v;
		f->nr_cmd++;
		/* done: busy bit clear, actual granularity = the requested one */
		if (off == CCMD)
			v = (v & ~(UINT64_C(1) << 63)) | ((v >> 61) & 3U) << 59;
		else
			v = (v & ~(UINT64_C(1) << 63)) | ((v >> 60) & 3U) << 57;
		put(f, off, v, 8);
		break;
	default:
		break;
	}
}

static inline uint32_t f_read32(void *ctx, uint64_t off)
{
	return (uint32_t)get(ctx, off, 4);
}

static inline uint64_t f_read64(void *ctx, uint64_t off)
{
	return get(ctx, off, 8);
}

static inline void f_write32(void *ctx, uint64_t off, uint32_t val)
{
	struct fake *f = ctx;

	if (off == FSTS) { /* PFO, IQE: write 1 to clear */
		put(f, FSTS, get(f, FSTS, 4) & ~(val & 0x11U), 4);
		return;
	}
	if (off >= FRCD && (off - FRCD) % 16U == 12U) { /* F: write 1 to clear */
		put(f, off, get(f, off, 4) & ~(val & (1U << 31)), 4);
		return;
	}
	put(f, off, val, 4);
	model(f, off);
}

static inline void f_write64(void *ctx, uint64_t off, uint64_t val)
{
	put(ctx, off, val, 8);
	model(ctx, off);
}

static inline void f_relax(void *ctx)
{
	((struct fake *)ctx)->relaxed++;
}

static const struct vcm_mmio_ops fake_ops = {
	.read32 = f_read32, .write32 = f_write32, .read64 = f_read64, .write64 = f_write64,
	.relax = f_relax,
};

static inline void fake_init(struct fake *f, uint64_t cap, uint64_t ecap)
{
	memset(f, 0, sizeof(*f));
	put(f, 0x00, 0x10, 4); /* VER 1.0 */
	put(f, 0x08, cap, 8);
	put(f, 0x10, ecap, 8);
	f->arena = vcm_plat_hosted_arena_new(ARENA_LEN, ARENA_PA);
	assert_non_null(f->arena);
	vcm_plat_arena_ops(f->arena, &f->plat);
	f->free0 = vcm_plat_arena_free_bytes(f->arena);
}

static inline void fake_fini(struct fake *f)
{
	assert_true(vcm_plat_arena_free_bytes(f->arena) == f->free0); /* nothing leaked */
	assert_int_equal(vcm_plat_arena_check_(f->arena), 0);
	vcm_plat_hosted_arena_delete(f->arena);
}

static inline struct vcm_vtd_cfg cfg_of(struct fake *f, uint32_t flags, uint32_t polls)
{
	return (struct vcm_vtd_cfg){ .mmio = { &fake_ops, f }, .plat = &f->plat, .flags = flags,
				     .poll_limit = polls };
}

static inline struct vcm_vtd *up(struct fake *f, uint64_t cap, uint64_t ecap, uint32_t flags)
{
	struct vcm_vtd_cfg cfg;
	struct vcm_vtd *v = NULL;
	struct vcm_diag d = { 0 };

	fake_init(f, cap, ecap);
	cfg = cfg_of(f, flags, 100);
	assert_int_equal(vcm_vtd_init(&cfg, &v, &d), 0);
	f->nr_desc = 0;
	f->nr_cmd = 0;
	return v;
}

#endif /* VCM_TEST_FAKE_VTD_H */
