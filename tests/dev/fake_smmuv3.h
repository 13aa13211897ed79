/* SPDX-License-Identifier: MIT */
/*
 * The fake SMMUv3 register file (IHI 0070): the registers and queues, the
 * command queue consumed when PROD is written (each command recorded,
 * CMD_SYNC complete when CONS reaches PROD), a command refused with CMDQ_ERR
 * or none consumed at all on request, event records pushed by the test; the
 * tables and queues in an arena over a static buffer. As real SMMUs do, it
 * refuses a TLBI_NH_VA in the Reserved range encoding (4.4.1.1: TG != 0 with
 * NUM, SCALE and TTL 0) with CERROR_ILL, and ignores a GBPA write made while
 * an earlier update is still pending (6.3 SMMU_GBPA, Update).
 * Shared by tests/dev and the injection sweep (tests/inject): one model of
 * the registers, included by each program that drives the backend.
 */
#ifndef VCM_TEST_FAKE_SMMUV3_H
#define VCM_TEST_FAKE_SMMUV3_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/smmuv3.h>
#include <vcm/platform.h>

#define RAM_PA 0x80000000ULL
#define RAM_LEN (1U << 20)

#define MAX_CMDS 256

struct fake {
	struct vcm_plat_arena *arena;
	uint32_t idr[6], aidr;
	uint32_t cr0, cr1, cr2, gbpa, gerror, gerrorn, strtab_cfg;
	uint64_t strtab_base, cmdq_base, evtq_base;
	uint32_t cmdq_prod, cmdq_cons, evtq_prod, evtq_cons;
	bool hang;          /* consume nothing */
	bool ack_stuck;     /* CR0ACK stays 0 */
	unsigned int bad_op; /* refuse this opcode with CMDQ_ERR (0: none) */
	unsigned int gbpa_busy; /* GBPA.Update reads 1 for this many reads; writes ignored */
	unsigned int nillegal; /* commands refused as Reserved encodings */
	unsigned int ncmd;
	uint64_t cmd[MAX_CMDS][2];
	unsigned int relaxed;
	unsigned int unknown; /* accesses outside the model */
};

static unsigned char ram[RAM_LEN] __attribute__((aligned(65536)));
static struct vcm_plat_arena arena;
static struct vcm_plat_ops plat;
static struct fake fk;

static inline unsigned int q_lg2(uint64_t base)
{
	return (unsigned int)(base & 0x1fU);
}

static inline uint64_t *q_entry(uint64_t base, uint32_t idx, unsigned int bytes)
{
	uint64_t pa = (base & 0x000fffffffffffe0ULL) +
		      (uint64_t)(idx & ((1U << q_lg2(base)) - 1U)) * bytes;

	return vcm_plat_arena_pa_to_cpu(&arena, pa);
}

/* 4.4.1.1: TLBI_NH_VA with TG != 0 and NUM 0, SCALE 0, TTL 0 is Reserved. */
static inline bool reserved_tlbi(const uint64_t e[2])
{
	return (e[0] & 0xffU) == 0x12U && ((e[1] >> 10) & 3U) != 0U &&
	       ((e[0] >> 12) & 0x1fU) == 0U && ((e[0] >> 20) & 0x1fU) == 0U &&
	       ((e[1] >> 8) & 3U) == 0U;
}

static inline void consume(struct fake *f)
{
	uint32_t mask = (2U << q_lg2(f->cmdq_base)) - 1U;

	if (f->hang || (f->cr0 & 8U) == 0U)
		return;
	while ((f->cmdq_cons & mask) != (f->cmdq_prod & mask)) {
		uint64_t *e = q_entry(f->cmdq_base, f->cmdq_cons, 16);
		unsigned int op = (unsigned int)(e[0] & 0xffU);

		if (((f->gerror ^ f->gerrorn) & 1U) != 0U)
			return;
		if (op == f->bad_op || reserved_tlbi(e)) {
			f->nillegal += op != f->bad_op;
			f->cmdq_cons = (f->cmdq_cons & mask) | (1U << 24); /* ERR = CERROR_ILL */
			f->gerror ^= 1U;
			return;
		}
		if (f->ncmd < MAX_CMDS) {
			f->cmd[f->ncmd][0] = e[0];
			f->cmd[f->ncmd][1] = e[1];
			f->ncmd++;
		}
		f->cmdq_cons = (f->cmdq_cons + 1U) & mask;
	}
}

static inline uint32_t f_read32(void *ctx, uint64_t off)
{
	struct fake *f = ctx;

	switch (off) {
	case 0x00: case 0x04: case 0x08: case 0x0c: case 0x10: case 0x14:
		return f->idr[off / 4U];
	case 0x1c: return f->aidr;
	case 0x20: return f->cr0;
	case 0x24: return f->ack_stuck ? 0U : f->cr0; /* CR0ACK follows at once */
	case 0x28: return f->cr1;
	case 0x2c: return f->cr2;
	case 0x44:
		if (f->gbpa_busy != 0U) {
			f->gbpa_busy--;
			return f->gbpa | 0x80000000U;
		}
		return f->gbpa & ~0x80000000U;
	case 0x60: return f->gerror;
	case 0x64: return f->gerrorn;
	case 0x88: return f->strtab_cfg;
	case 0x98: return f->cmdq_prod;
	case 0x9c: return f->cmdq_cons;
	case 0x100a8: return f->evtq_prod;
	case 0x100ac: return f->evtq_cons;
	}
	f->unknown++;
	return 0;
}

static inline void f_write32(void *ctx, uint64_t off, uint32_t v)
{
	struct fake *f = ctx;

	switch (off) {
	case 0x20: f->cr0 = v; consume(f); return;
	case 0x28: f->cr1 = v; return;
	case 0x2c: f->cr2 = v; return;
	case 0x44:
		if (f->gbpa_busy == 0U) /* a write while Update is 1 is ignored */
			f->gbpa = v;
		return;
	case 0x64: f->gerrorn = v; consume(f); return;
	case 0x88: f->strtab_cfg = v; return;
	case 0x98: f->cmdq_prod = v; consume(f); return;
	case 0x9c: f->cmdq_cons = v; return;
	case 0x100a8: f->evtq_prod = v; return;
	case 0x100ac: f->evtq_cons = v; return;
	}
	f->unknown++;
}

static inline uint64_t f_read64(void *ctx, uint64_t off)
{
	return f_read32(ctx, off) | (uint64_t)f_read32(ctx, off + 4U) << 32;
}

static inline void f_write64(void *ctx, uint64_t off, uint64_t v)
{
	struct fake *f = ctx;

	switch (off) {
	case 0x80: f->strtab_base = v; return;
	case 0x90: f->cmdq_base = v; return;
	case 0xa0: f->evtq_base = v; return;
	}
	f->unknown++;
}

static inline void f_relax(void *ctx)
{
	((struct fake *)ctx)->relaxed++;
}

static const struct vcm_mmio_ops fake_ops = {
	.read32 = f_read32, .write32 = f_write32, .read64 = f_read64, .write64 = f_write64,
	.relax = f_relax,
};

/* The model of an SMMU like QEMU 7.2's: S1P, AArch64 tables, ASID16, RIL, 4K and 64K. */
static inline void fake_reset(bool ril)
{
	memset(&fk, 0, sizeof(fk));
	fk.idr[0] = (1U << 1) | (2U << 2) | (1U << 4) | (1U << 12);
	fk.idr[1] = 16U | (19U << 16) | (19U << 21);
	fk.idr[3] = ril ? 1U << 10 : 0U;
	fk.idr[5] = 4U | (1U << 4) | (1U << 6);
	fk.aidr = 1;
	assert_int_equal(vcm_plat_arena_init(&arena, ram, RAM_PA, sizeof(ram)), 0);
	vcm_plat_arena_ops(&arena, &plat);
}

/* Push one event record the way the SMMU would. */
static inline void push_event(const uint64_t rec[4])
{
	uint32_t mask = (2U << q_lg2(fk.evtq_base)) - 1U;
	uint64_t *e = q_entry(fk.evtq_base, fk.evtq_prod, 32);

	memcpy(e, rec, 32);
	fk.evtq_prod = (fk.evtq_prod + 1U) & mask;
}

static inline struct vcm_smmuv3 *make(unsigned int sid_bits)
{
	struct vcm_smmuv3_cfg cfg = {
		.regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = sid_bits,
		.poll_limit = 100,
	};
	struct vcm_smmuv3 *s = NULL;
	struct vcm_diag d = { 0 };

	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), 0);
	return s;
}

#endif /* VCM_TEST_FAKE_SMMUV3_H */
