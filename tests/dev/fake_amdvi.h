/* SPDX-License-Identifier: MIT */
/*
 * The fake AMD-Vi register file: the command buffer consumed when the tail
 * register is written (every command recorded, COMPLETION_WAIT stores
 * done), event log entries appended by the test, EventLogRun following
 * EventLogEn (and counting restarts); memory from an arena whose
 * physical addresses the model resolves, as the IOMMU would. setup() and
 * teardown() make and free one (struct env).
 * Shared by tests/dev and the injection sweep (tests/inject): one model of
 * the registers, included by each program that drives the backend.
 */
#ifndef VCM_TEST_FAKE_AMDVI_H
#define VCM_TEST_FAKE_AMDVI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/amdvi.h>

#define ARENA_PA  UINT64_C(0x80000000)
#define ARENA_LEN (1U << 20)

/* 48882 3.4 register offsets, as the model sees them. */
#define R_DEVTAB   0x0000U
#define R_CMDBUF   0x0008U
#define R_EVTLOG   0x0010U
#define R_CONTROL  0x0018U
#define R_EFR      0x0030U
#define R_CMD_HEAD 0x2000U
#define R_CMD_TAIL 0x2008U
#define R_EVT_HEAD 0x2010U
#define R_EVT_TAIL 0x2018U
#define R_STATUS   0x2020U

#define CTRL_RUN   (UINT64_C(1) | UINT64_C(1) << 2 | UINT64_C(1) << 12)
#define INV_ALL    UINT64_C(0x7ffffffffffff000)

struct fake {
	uint64_t regs[0x3000 / 8];
	struct vcm_plat_arena arena;
	bool stall;            /* COMPLETION_WAIT stores nothing */
	bool frozen;           /* commands are not consumed at all */
	bool evt_stuck;        /* EventLogRun stays set when EventLogEn goes to 0 */
	unsigned int evt_restarts; /* EventLogEn 0 -> 1 with EventOverflow clear */
	uint64_t cmd[256][2];  /* every command consumed, in order */
	unsigned int ncmd;
	uint32_t wr_off[64];   /* the first register writes, in order */
	unsigned int nwr;
	unsigned int relaxes;
};

static unsigned char *ram;

static inline void *cpu(struct fake *f, uint64_t pa)
{
	void *p = vcm_plat_arena_pa_to_cpu(&f->arena, pa);

	assert_non_null(p);
	return p;
}

static inline void consume(struct fake *f)
{
	uint64_t base = f->regs[R_CMDBUF / 8] & UINT64_C(0x000ffffffffff000);
	uint32_t len = 16U << ((f->regs[R_CMDBUF / 8] >> 56) & 0xfU);
	uint32_t head = (uint32_t)f->regs[R_CMD_HEAD / 8];
	uint32_t tail = (uint32_t)f->regs[R_CMD_TAIL / 8];

	if ((f->regs[R_CONTROL / 8] & CTRL_RUN) != CTRL_RUN || f->frozen)
		return;
	while (head != tail) {
		uint64_t *e = cpu(f, base + head);

		assert_true(f->ncmd < 256);
		f->cmd[f->ncmd][0] = e[0];
		f->cmd[f->ncmd][1] = e[1];
		f->ncmd++;
		if (e[0] >> 60 == 1U && (e[0] & 1U) != 0U && !f->stall)
			*(uint64_t *)cpu(f, e[0] & UINT64_C(0x000ffffffffffff8)) = e[1];
		head = (head + 16U) % len;
	}
	f->regs[R_CMD_HEAD / 8] = head;
}

static inline void note(struct fake *f, uint64_t off)
{
	if (f->nwr < 64)
		f->wr_off[f->nwr++] = (uint32_t)off;
}

static inline uint32_t f_read32(void *ctx, uint64_t off)
{
	struct fake *f = ctx;

	return (uint32_t)(f->regs[off / 8] >> (off % 8 * 8));
}

static inline uint64_t f_read64(void *ctx, uint64_t off)
{
	return ((struct fake *)ctx)->regs[off / 8];
}

static inline void f_write64(void *ctx, uint64_t off, uint64_t val)
{
	struct fake *f = ctx;

	note(f, off);
	if (off == R_CONTROL) { /* 3.4 IOMMU Status, EventLogRun follows EventLogEn */
		uint64_t *st = &f->regs[R_STATUS / 8];

		if ((val & 4U) != 0U && (f->regs[off / 8] & 4U) == 0U && (*st & 1U) == 0U)
			f->evt_restarts++;
		if ((val & 5U) == 5U)
			*st |= 8U;
		else if (!f->evt_stuck)
			*st &= ~UINT64_C(8);
	}
	f->regs[off / 8] = val;
	if (off == R_CMD_TAIL || off == R_CONTROL)
		consume(f);
}

static inline void f_write32(void *ctx, uint64_t off, uint32_t val)
{
	struct fake *f = ctx;

	note(f, off);
	if (off == R_STATUS) { /* write 1 to clear */
		f->regs[off / 8] &= ~(uint64_t)val;
		return;
	}
	f->regs[off / 8] = val;
}

static inline void f_relax(void *ctx)
{
	((struct fake *)ctx)->relaxes++;
}

static const struct vcm_mmio_ops fake_ops = {
	.read32 = f_read32, .write32 = f_write32, .read64 = f_read64,
	.write64 = f_write64, .relax = f_relax,
};

struct env {
	struct fake f;
	struct vcm_plat_ops plat;
	struct vcm_amdvi_cfg cfg;
	struct vcm_amdvi *m;
};

static inline int amdvi_env_setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	ram = aligned_alloc(1U << 16, ARENA_LEN);
	assert_non_null(e);
	assert_non_null(ram);
	assert_int_equal(vcm_plat_arena_init(&e->f.arena, ram, ARENA_PA, ARENA_LEN), 0);
	vcm_plat_arena_ops(&e->f.arena, &e->plat);
	e->f.regs[R_EFR / 8] = UINT64_C(0x12345678000000a5);
	e->cfg = (struct vcm_amdvi_cfg){
		.mmio = { .ops = &fake_ops, .ctx = &e->f },
		.plat = &e->plat,
		.max_devid = 0xff,
		.poll_max = 50,
	};
	*state = e;
	return 0;
}

static inline int amdvi_env_teardown(void **state)
{
	struct env *e = *state;

	free(ram);
	free(e);
	return 0;
}

#endif /* VCM_TEST_FAKE_AMDVI_H */
