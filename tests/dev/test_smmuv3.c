// SPDX-License-Identifier: MIT
/*
 * The SMMUv3 backend against a fake register file: a small model of the
 * registers and queues (IHI 0070) that consumes the command queue when PROD is
 * written (recording each command; CMD_SYNC completes by CONS reaching PROD),
 * can refuse a command with CMDQ_ERR or stop consuming, and lets a test push
 * event records.
 */
#include <errno.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/smmuv3.h>
#include <vcm/pgtable.h>

#include "fake_smmuv3.h"

static void test_init(void **state)
{
	struct vcm_smmuv3 *s;
	uint64_t *ste;

	(void)state;
	fake_reset(true);
	s = make(8);
	/* SMMUEN, EVENTQEN and CMDQEN on; GBPA aborts; tables inner shareable WB */
	assert_int_equal(fk.cr0, 0xdU);
	assert_int_equal(fk.gbpa & (1U << 20), 1U << 20);
	assert_int_equal(fk.cr1, 0xd75U);
	assert_int_equal(fk.cr2, 0x6U);
	/* linear stream table of 256 STEs, aligned to its 16 KiB */
	assert_int_equal(fk.strtab_cfg, 8U);
	assert_int_equal(fk.strtab_base & 0x3fffULL, 0);
	assert_true((fk.strtab_base & (1ULL << 62)) != 0U);
	ste = vcm_plat_arena_pa_to_cpu(&arena, fk.strtab_base & 0x000fffffffffffc0ULL);
	assert_non_null(ste);
	for (unsigned int i = 0; i < 256U; i++)
		assert_true(ste[i * 8U] == 1U); /* V, Config abort */
	/* queues: 256 commands, 128 events, aligned to their size */
	assert_int_equal(q_lg2(fk.cmdq_base), 8);
	assert_int_equal(q_lg2(fk.evtq_base), 7);
	assert_int_equal(fk.cmdq_base & 0xfe0ULL, 0);
	assert_int_equal(fk.evtq_base & 0xfe0ULL, 0);
	/* CFGI_ALL, TLBI_NSNH_ALL, CMD_SYNC, and nothing left */
	assert_int_equal(fk.ncmd, 3);
	assert_int_equal(fk.cmd[0][0] & 0xff, 0x04);
	assert_int_equal(fk.cmd[0][1] & 0x1f, 31);
	assert_int_equal(fk.cmd[1][0] & 0xff, 0x30);
	assert_int_equal(fk.cmd[2][0] & 0xff, 0x46);
	assert_int_equal(fk.cmdq_cons, fk.cmdq_prod);
	assert_int_equal(fk.unknown, 0);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	assert_int_equal(fk.cr0, 0);
	assert_true(vcm_plat_arena_free_bytes(&arena) > 0);
	assert_int_equal(vcm_plat_arena_check_(&arena), 0);
	/* without IDR0.COHACC tables and queues are read non-cacheable */
	fake_reset(true);
	fk.idr[0] &= ~(1U << 4);
	s = make(8);
	assert_int_equal(fk.cr1, 0);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
}

static void test_bad_args(void **state)
{
	struct vcm_smmuv3_cfg cfg = { .regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = 8 };
	struct vcm_smmuv3 *s = NULL;
	struct vcm_smmuv3_master *m, *m2;
	struct vcm_diag d = { 0 };
	uint64_t before;

	(void)state;
	fake_reset(true);
	before = vcm_plat_arena_free_bytes(&arena);
	assert_int_equal(vcm_smmuv3_init(NULL, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg is NULL"));
	assert_int_equal(vcm_smmuv3_init(&cfg, NULL, &d), -EINVAL);
	cfg.regs.ops = NULL;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->regs"));
	cfg.regs.ops = &fake_ops;
	cfg.plat = NULL;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->plat"));
	cfg.plat = &plat;
	cfg.cmdq_lg2 = 20;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cmdq_lg2 20"));
	cfg.cmdq_lg2 = 0;
	assert_int_equal(vcm_smmuv3_destroy(NULL), 0);
	assert_int_equal(vcm_smmuv3_take_error(NULL), -EINVAL);
	assert_string_equal(vcm_smmuv3_last_error(NULL), "");
	cfg.sid_bits = 0;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "sid_bits 0"));
	cfg.sid_bits = 17; /* IDR1.SIDSIZE is 16 */
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "SIDSIZE"));
	cfg.sid_bits = 8;
	fk.idr[0] &= ~(1U << 1); /* no stage 1 */
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "no stage 1"));
	assert_null(s);
	assert_true(vcm_plat_arena_free_bytes(&arena) == before);

	fake_reset(true);
	s = make(4);
	assert_int_equal(vcm_smmuv3_master(s, 16, 1, &m), -EINVAL);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "sid 0x10"));
	assert_int_equal(vcm_smmuv3_master(s, 3, 0x10000, &m), -EINVAL);
	assert_int_equal(vcm_smmuv3_master(s, 3, 7, &m), 0);
	assert_int_equal(vcm_smmuv3_master(s, 3, 8, &m2), -EEXIST);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "StreamID"));
	assert_int_equal(vcm_smmuv3_master(s, 4, 7, &m2), -EEXIST);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "ASID"));
	assert_int_equal(vcm_smmuv3_master_sid(m), 3);
	assert_int_equal(vcm_smmuv3_master_asid(m), 7);
	/* an event of no known master hands its hook NULL: the getters answer 0 */
	assert_int_equal(vcm_smmuv3_master_sid(NULL), 0);
	assert_int_equal(vcm_smmuv3_master_asid(NULL), 0);
	/* program refuses other formats, the high base, and no hw */
	{
		struct vcm_hw_regs hw = { .fmt = "vtd" };

		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -EINVAL);
		assert_non_null(strstr(vcm_smmuv3_last_error(s), "not an armv8 stage-1"));
		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, NULL), -EINVAL);
		hw.fmt = "armv8";
		hw.reg_names[0] = "VTCR_EL2";
		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -EINVAL);
		hw.reg_names[0] = "TCR_EL1";
		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_HIGH, &hw), -EOPNOTSUPP);
		hw.regs[0] = (2ULL << 14) | 16U; /* 16K granule, which IDR5 lacks */
		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -EOPNOTSUPP);
		assert_non_null(strstr(vcm_smmuv3_last_error(s), "TG0 2"));
		hw.regs[0] = 40U; /* T0SZ 40 */
		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -EOPNOTSUPP);
		assert_non_null(strstr(vcm_smmuv3_last_error(s), "T0SZ 40"));
	}
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	assert_true(vcm_plat_arena_free_bytes(&arena) == before);
}

/* The STE of master @sid in the stream table. */
static uint64_t *ste_at(uint32_t sid)
{
	uint64_t *ste = vcm_plat_arena_pa_to_cpu(&arena, fk.strtab_base & 0xffffffffffc0ULL);

	assert_non_null(ste);
	return ste + (size_t)sid * 8U;
}

/* The context descriptor an STE points at (S1ContextPtr). */
static uint64_t *cd_of(const uint64_t *ste)
{
	uint64_t *cd = vcm_plat_arena_pa_to_cpu(&arena, ste[0] & 0x000fffffffffffc0ULL);

	assert_non_null(cd);
	return cd;
}

/* A real armv8 table, programmed into master 5: every STE and CD field. */
static void test_program(void **state)
{
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 48, .plat = &plat,
				 .flags = VCM_PT_CFG_COHERENT };
	struct vcm_smmuv3_master *m;
	struct vcm_hw_regs hw;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	uint64_t *ste, *cd;
	unsigned int n0;

	(void)state;
	fake_reset(true);
	s = make(8);
	assert_int_equal(vcm_smmuv3_master(s, 5, 0x42, &m), 0);
	/* a table of 48 output bits on an SMMU of 44 (IDR5.OAS 4): refused, nothing written */
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	n0 = fk.ncmd;
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -EOPNOTSUPP);
	assert_string_equal(vcm_smmuv3_last_error(s),
			    "vcm_smmuv3_dev_ops.program: sid 0x5: TCR.IPS 5 above IDR5.OAS 4");
	assert_int_equal(fk.ncmd, n0);
	assert_true(ste_at(5)[0] == 1U); /* still abort */
	vcm_pt_destroy(pt);
	pc.oas = 44;
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	n0 = fk.ncmd;
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), 0);
	ste = ste_at(5);
	/* STE: V, Config 0b101, S1ContextPtr; CD fetches WB, inner shareable */
	assert_int_equal(ste[0] & 0xf, 0x1 | (5 << 1));
	assert_int_equal((ste[0] >> 59) & 0x1f, 0); /* S1CDMax: one CD */
	assert_int_equal((ste[1] >> 2) & 3, 1);
	assert_int_equal((ste[1] >> 4) & 3, 1);
	assert_int_equal((ste[1] >> 6) & 3, 3);
	cd = cd_of(ste);
	/* CD: T0SZ 24 (40 bits), TG0 4K, IR/OR WB, SH inner, EPD1, V, IPS 44 bits */
	assert_int_equal(cd[0] & 0x3f, 24);
	assert_int_equal((cd[0] >> 6) & 3, 0);
	assert_int_equal((cd[0] >> 8) & 3, 1);
	assert_int_equal((cd[0] >> 10) & 3, 1);
	assert_int_equal((cd[0] >> 12) & 3, 3);
	assert_true((cd[0] & (1ULL << 30)) != 0 && (cd[0] & (1ULL << 31)) != 0);
	assert_int_equal((cd[0] >> 32) & 7, 4);
	assert_true((cd[0] & (1ULL << 41)) != 0); /* AA64 */
	assert_true((cd[0] & (1ULL << 45)) != 0); /* R */
	assert_true((cd[0] & (1ULL << 46)) != 0); /* A */
	assert_int_equal(cd[0] >> 48, 0x42);
	assert_true(cd[1] == (hw.regs[2] & 0x000ffffffffffff0ULL));
	assert_true(cd[1] == hw.root_pa);
	assert_true(cd[3] == hw.regs[1]);
	/* CFGI_STE(5, leaf), CFGI_CD(5), TLBI_NH_ASID(0x42), CMD_SYNC */
	assert_int_equal(fk.ncmd - n0, 4);
	assert_int_equal(fk.cmd[n0][0], 0x03 | (5ULL << 32));
	assert_int_equal(fk.cmd[n0][1], 1);
	assert_int_equal(fk.cmd[n0 + 1][0], 0x05 | (5ULL << 32));
	assert_int_equal(fk.cmd[n0 + 2][0], 0x11 | (0x42ULL << 48));
	assert_int_equal(fk.cmd[n0 + 3][0] & 0xff, 0x46);

	/* the SMMU is not freed under a live stream */
	assert_int_equal(vcm_smmuv3_destroy(s), -EBUSY);
	assert_non_null(strstr(vcm_smmuv3_last_error(s),
			       "vcm_smmuv3_destroy: master sid 0x5 still has a table programmed"));

	/* programmed again: the live stream aborts first (CFGI_STE + SYNC) */
	n0 = fk.ncmd;
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), 0);
	assert_int_equal(fk.ncmd - n0, 6);
	assert_int_equal(fk.cmd[n0][0] & 0xff, 0x03);
	assert_int_equal(fk.cmd[n0 + 1][0] & 0xff, 0x46);

	/* clear: abort, CFGI_STE, TLBI_NH_ASID, SYNC; CD invalid */
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	assert_int_equal(ste[0] & 0xf, 1);
	assert_int_equal(cd[0], 0);
	assert_int_equal(fk.ncmd - n0, 3);
	assert_int_equal(fk.cmd[n0][0], 0x03 | (5ULL << 32));
	assert_int_equal(fk.cmd[n0 + 1][0], 0x11 | (0x42ULL << 48));
	assert_int_equal(fk.cmd[n0 + 2][0] & 0xff, 0x46);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(vcm_smmuv3_dev_ops.hw_version(m), 1);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
}

static struct vcm_smmuv3_master *programmed(struct vcm_smmuv3 *s, unsigned int granule_lg2,
					    struct vcm_pt **pt)
{
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 44, .plat = &plat,
				 .granule_lg2 = granule_lg2 };
	struct vcm_smmuv3_master *m;
	struct vcm_hw_regs hw;

	assert_int_equal(vcm_pt_create(&pc, pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(*pt, &hw), 0);
	assert_int_equal(vcm_smmuv3_master(s, 9, 3, &m), 0);
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), 0);
	return m;
}

static void test_tlb_range(void **state)
{
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	unsigned int n0;
	uint64_t pages = 0, addr;

	(void)state;
	/* range form: 0x23 pages from 0x10000: SCALE 0 NUM+1 3, then SCALE 5 NUM+1 1 */
	fake_reset(true);
	s = make(8);
	m = programmed(s, 12, &pt);
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x10000, 0x23 * 0x1000ULL, true);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	addr = 0x10000;
	for (unsigned int i = n0; i < fk.ncmd - 1U; i++) {
		uint64_t w0 = fk.cmd[i][0], w1 = fk.cmd[i][1];
		uint64_t num = ((w0 >> 12) & 0x1f) + 1, scale = (w0 >> 20) & 0x1f;

		assert_int_equal(w0 & 0xff, 0x12);
		assert_int_equal(w0 >> 48, 3);       /* ASID */
		assert_int_equal((w1 >> 10) & 3, 1); /* TG 4K */
		assert_int_equal(w1 & 1, 1);         /* leaf */
		assert_true((w1 & ~0xfffULL) == addr);
		addr += (num << scale) * 0x1000;
		pages += num << scale;
	}
	assert_true(pages == 0x23);
	assert_int_equal(fk.ncmd - n0, 3);
	assert_int_equal((fk.cmd[n0][0] >> 12) & 0x1f, 2);
	assert_int_equal((fk.cmd[n0 + 1][0] >> 20) & 0x1f, 5);
	assert_int_equal(fk.cmd[fk.ncmd - 1][0] & 0xff, 0x46);
	/* an unaligned start and length cover every page they touch; leaf false */
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x10800, 0x1000, false);
	assert_int_equal(fk.ncmd - n0, 2); /* pages 0x10 and 0x11: one command, SCALE 1 */
	assert_int_equal((fk.cmd[n0][0] >> 20) & 0x1f, 1);
	assert_true((fk.cmd[n0][1] & ~0xfffULL) == 0x10000);
	assert_true((fk.cmd[n0][1] & 1) == 0);
	/* tlb_all: TLBI_NH_ASID + SYNC */
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_all(m, VCM_BASE_LOW);
	assert_int_equal(fk.ncmd - n0, 2);
	assert_int_equal(fk.cmd[n0][0], 0x11 | (3ULL << 48));
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);

	/* without RIL: one command per 64K page, then SYNC; a huge range: by ASID */
	fake_reset(false);
	s = make(8);
	m = programmed(s, 16, &pt);
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x30000, 0x30000, true);
	assert_int_equal(fk.ncmd - n0, 4);
	for (unsigned int i = 0; i < 3U; i++) {
		assert_int_equal(fk.cmd[n0 + i][0], 0x12 | (3ULL << 48));
		assert_true(fk.cmd[n0 + i][1] == ((0x30000ULL + i * 0x10000ULL) | 1U));
	}
	assert_int_equal(fk.cmd[n0 + 3][0] & 0xff, 0x46);
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0, 1ULL << 30, true);
	assert_int_equal(fk.ncmd - n0, 2);
	assert_int_equal(fk.cmd[n0][0] & 0xff, 0x11);
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);
}

/* Issue @hint over [@da, +@len); returns the one TLBI's doubleword 1 (checks a SYNC follows). */
static uint64_t hinted_w1(struct vcm_smmuv3_master *m, vcm_da_t da, uint64_t len,
			  uint64_t sizes, bool leaf_only)
{
	const struct vcm_tlb_hint h = { .leaf_sizes = sizes, .leaf_only = leaf_only };
	unsigned int n0 = fk.ncmd;

	vcm_smmuv3_dev_ops.tlb_range_hint(m, VCM_BASE_LOW, da, len, &h);
	assert_int_equal(fk.ncmd - n0, 2);
	assert_int_equal(fk.cmd[n0][0] & 0xff, 0x12);
	assert_int_equal(fk.cmd[n0 + 1][0] & 0xff, 0x46);
	return fk.cmd[n0][1];
}

#define W1_TTL(w1) (((w1) >> 8) & 3U)
#define W1_TG(w1)  (((w1) >> 10) & 3U)

/*
 * 4.4.1.1: the hint's one leaf size becomes TTL (the level of the leaf
 * descriptors: 3 - ours), with TG, in the range form; several sizes, no
 * size, or a range not aligned to the size give TTL 0 (any level); the
 * leaf-only flag is the Leaf bit, and without it (tables unlinked: walk
 * caches of every level must go) TTL is 0 too. Without RIL there is no TG
 * and no TTL.
 */
static void test_tlb_range_hint(void **state)
{
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	uint64_t w1;

	(void)state;
	fake_reset(true);
	s = make(8);
	m = programmed(s, 12, &pt);
	w1 = hinted_w1(m, 0x200000, 0x400000, 0x200000, true);
	assert_int_equal(W1_TTL(w1), 2);
	assert_int_equal(W1_TG(w1), 1);
	assert_int_equal(w1 & 1, 1);
	assert_true((w1 & ~0xfffULL) == 0x200000);
	w1 = hinted_w1(m, 0x5000, 0x1000, 0x1000, false);
	assert_int_equal(W1_TTL(w1), 0);
	assert_int_equal(w1 & 1, 0);
	w1 = hinted_w1(m, 0x200000, 0x400000, 0x200000, false);
	assert_int_equal(W1_TTL(w1), 0);
	assert_int_equal(W1_TG(w1), 1);
	w1 = hinted_w1(m, 1ULL << 30, 1ULL << 30, 1ULL << 30, true);
	assert_int_equal(W1_TTL(w1), 1);
	w1 = hinted_w1(m, 0x200000, 0x200000, 0x201000, true); /* two sizes */
	assert_int_equal(W1_TTL(w1), 0);
	assert_int_equal(W1_TG(w1), 1);
	w1 = hinted_w1(m, 0x200000, 0x200000, 0, true); /* unknown */
	assert_int_equal(W1_TTL(w1), 0);
	w1 = hinted_w1(m, 0x210000, 0x200000, 0x200000, true); /* not 2M aligned */
	assert_int_equal(W1_TTL(w1), 0);
	w1 = hinted_w1(m, 0x10000, 0x10000, 0x10000, true); /* 64K is no 4K-granule level */
	assert_int_equal(W1_TTL(w1), 0);
	/* a range of several commands: each has the TTL */
	{
		const struct vcm_tlb_hint h = { .leaf_sizes = 0x200000, .leaf_only = true };
		unsigned int n0 = fk.ncmd;

		vcm_smmuv3_dev_ops.tlb_range_hint(m, VCM_BASE_LOW, 0x200000, 3 * 0x200000ULL, &h);
		assert_true(fk.ncmd - n0 >= 2);
		for (unsigned int i = n0; i < fk.ncmd - 1U; i++) {
			assert_int_equal(W1_TTL(fk.cmd[i][1]), 2);
			assert_true((fk.cmd[i][1] & 0x1ff000ULL) == 0); /* each start 2M aligned */
		}
	}
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);

	/* 64K granule: 64K leaves at level 3, 512M at level 2 */
	fake_reset(true);
	s = make(8);
	m = programmed(s, 16, &pt);
	w1 = hinted_w1(m, 0x30000, 0x10000, 0x10000, true);
	assert_int_equal(W1_TTL(w1), 3);
	assert_int_equal(W1_TG(w1), 3);
	w1 = hinted_w1(m, 1ULL << 29, 1ULL << 29, 1ULL << 29, true);
	assert_int_equal(W1_TTL(w1), 2);
	assert_int_equal(w1 & 1, 1);
	w1 = hinted_w1(m, 1ULL << 29, 1ULL << 29, 1ULL << 29, false);
	assert_int_equal(W1_TTL(w1), 0);
	assert_int_equal(w1 & 1, 0);
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);

	/* without RIL: TG and TTL are RES0 */
	fake_reset(false);
	s = make(8);
	m = programmed(s, 16, &pt);
	w1 = hinted_w1(m, 0x30000, 0x10000, 0x10000, true);
	assert_int_equal(w1 & 0xfffULL, 1);
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);
}

/*
 * 4.4.1.1: with TG != 0, NUM 0 and SCALE 0 (a single page) with TTL 0 is
 * Reserved, and the fake refuses it with CERROR_ILL as an SMMU does. A lone
 * page without a level takes the non-range form (TG 0); with a level it
 * keeps TG and TTL.
 */
static void test_tlbi_single_page(void **state)
{
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	unsigned int n0;
	uint64_t w1;

	(void)state;
	fake_reset(true);
	s = make(8);
	m = programmed(s, 12, &pt);
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x5000, 0x1000, true);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(fk.ncmd - n0, 2);
	assert_true(fk.cmd[n0][0] == (0x12 | 3ULL << 48));
	assert_true(fk.cmd[n0][1] == (0x5000 | 1U));
	/* 33 pages: the odd one alone (TG 0), then 32 as SCALE 5 with TG 4K */
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x5000, 33 * 0x1000ULL, false);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(fk.ncmd - n0, 3);
	assert_true(fk.cmd[n0][1] == 0x5000);
	assert_int_equal((fk.cmd[n0 + 1][0] >> 20) & 0x1f, 5);
	assert_true(fk.cmd[n0 + 1][1] == (0x6000 | 1U << 10));
	/* the hinted form: no single leaf size, so no level: TG 0 as well */
	w1 = hinted_w1(m, 0x5000, 0x1000, 0x201000, true);
	assert_true(w1 == (0x5000 | 1U));
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	/* a 4K leaf is a level-3 hint: the range form with TTL 3 is valid */
	w1 = hinted_w1(m, 0x5000, 0x1000, 0x1000, true);
	assert_true(w1 == (0x5000 | 1U << 10 | 3U << 8 | 1U));
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(fk.nillegal, 0);
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
}

static void test_sync_timeout_and_error(void **state)
{
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;

	(void)state;
	fake_reset(true);
	s = make(8);
	m = programmed(s, 12, &pt);
	/* the model stops consuming: the sync times out after poll_limit relaxes */
	fk.hang = true;
	fk.relaxed = 0;
	vcm_smmuv3_dev_ops.tlb_all(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), -ETIMEDOUT);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(fk.relaxed, 100);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "never reached PROD"));
	/* it comes back: the next sync finds everything done */
	fk.hang = false;
	vcm_smmuv3_dev_ops.tlb_all(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	/* a command the SMMU refuses: CMDQ_ERR reported, acknowledged, queue goes on */
	fk.bad_op = 0x11;
	vcm_smmuv3_dev_ops.tlb_all(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), -EIO);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "command 0x11"));
	assert_int_equal(fk.gerror, fk.gerrorn);
	assert_int_equal(fk.cmdq_cons, fk.cmdq_prod);
	fk.bad_op = 0;
	/* program reports the timeout and leaves the stream aborting */
	{
		struct vcm_hw_regs hw;

		assert_int_equal(vcm_pt_hw(pt, &hw), 0);
		fk.hang = true;
		assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -ETIMEDOUT);
		fk.hang = false;
	}
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);
}

/*
 * A program the SMMU half carries out (CFGI_STE done, CFGI_CD refused): the
 * graph clears no base whose program failed, so the backend aborts the
 * stream and has the SMMU forget the STE it loaded (chapter 4, CMD_CFGI_STE:
 * only a completed CFGI_STE + CMD_SYNC makes the abort count), with the CD
 * invalid; the refusal is the error reported.
 */
static void test_program_fail_unloads(void **state)
{
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 44, .plat = &plat };
	struct vcm_smmuv3_master *m;
	struct vcm_hw_regs hw;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	uint64_t *ste, *cd;
	unsigned int n0;

	(void)state;
	fake_reset(true);
	s = make(8);
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_int_equal(vcm_smmuv3_master(s, 5, 0x42, &m), 0);
	ste = ste_at(5);
	n0 = fk.ncmd;
	fk.bad_op = 0x05; /* CMD_CFGI_CD */
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -EIO);
	assert_string_equal(vcm_smmuv3_last_error(s),
			    "vcm_smmuv3_dev_ops.program: command queue: command 0x5 at index 4 "
			    "refused: CMDQ_CONS.ERR 1");
	fk.bad_op = 0;
	/* CFGI_STE, (CFGI_CD made a SYNC), TLBI, SYNC; then CFGI_STE, TLBI, SYNC again */
	assert_int_equal(fk.ncmd - n0, 7);
	assert_true(fk.cmd[n0][0] == (0x03 | 5ULL << 32));
	assert_true(fk.cmd[n0 + 1][0] == 0x46);
	assert_true(fk.cmd[n0 + 2][0] == (0x11 | 0x42ULL << 48));
	assert_true(fk.cmd[n0 + 3][0] == 0x46);
	assert_true(fk.cmd[n0 + 4][0] == (0x03 | 5ULL << 32) && fk.cmd[n0 + 4][1] == 1U);
	assert_true(fk.cmd[n0 + 5][0] == (0x11 | 0x42ULL << 48));
	assert_true(fk.cmd[n0 + 6][0] == 0x46);
	assert_int_equal(fk.cmdq_cons, fk.cmdq_prod);
	/* the STE aborts, the CD it pointed at is invalid */
	assert_true(ste[0] == 1U);
	for (uint64_t pa = RAM_PA; pa < RAM_PA + RAM_LEN; pa += 64U) {
		cd = vcm_plat_arena_pa_to_cpu(&arena, pa);
		if (cd != NULL && cd[1] == hw.root_pa && cd[3] == hw.regs[1])
			break;
		cd = NULL;
	}
	assert_non_null(cd);
	assert_true(cd[0] == 0U);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	vcm_pt_destroy(pt);

	/* the sync times out, and the abort's too: the master stays programmed */
	fake_reset(true);
	s = make(8);
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_int_equal(vcm_smmuv3_master(s, 5, 0x42, &m), 0);
	ste = ste_at(5);
	fk.hang = true;
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -ETIMEDOUT);
	/* the program's sync (init left 3; CFGI_STE, CFGI_CD, TLBI, SYNC), not the abort's */
	assert_string_equal(vcm_smmuv3_last_error(s),
			    "vcm_smmuv3_dev_ops.program: command queue: CMDQ_CONS 0x3 never "
			    "reached PROD 0x7 (100 polls)");
	assert_true(ste[0] == 1U);
	assert_int_equal(vcm_smmuv3_destroy(s), -EBUSY);
	/* the SMMU comes back: clear aborts again, and then it may go */
	fk.hang = false;
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_true(fk.cmd[fk.ncmd - 3][0] == (0x03 | 5ULL << 32));
	assert_true(fk.cmd[fk.ncmd - 1][0] == 0x46);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	vcm_pt_destroy(pt);
}

/*
 * A dirty-tracking table (TCR.HA, HD from vcm_pt_hw: clean writable leaves are
 * read-only with DBM until the walker marks them) gets CD.HA, HD where
 * IDR0.HTTU is 2, and is refused, nothing written, where it is less.
 */
static void test_program_dirty(void **state)
{
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 44, .plat = &plat,
				 .flags = VCM_PT_CFG_DIRTY };
	struct vcm_smmuv3_master *m;
	struct vcm_hw_regs hw;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	uint64_t *cd;
	unsigned int n0;

	(void)state;
	for (unsigned int httu = 0; httu < 3U; httu++) {
		fake_reset(true);
		fk.idr[0] |= httu << 6;
		s = make(8);
		assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
		assert_int_equal(vcm_pt_hw(pt, &hw), 0);
		assert_true((hw.regs[0] >> 39 & 3U) == 3U);
		assert_int_equal(vcm_smmuv3_master(s, 5, 0x42, &m), 0);
		n0 = fk.ncmd;
		if (httu < 2U) {
			assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw),
					 -EOPNOTSUPP);
			assert_non_null(strstr(vcm_smmuv3_last_error(s),
					       "sid 0x5: TCR.HD set (a table tracking dirty state)"));
			assert_int_equal(fk.ncmd, n0);
			assert_true(ste_at(5)[0] == 1U);
		} else {
			assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), 0);
			cd = cd_of(ste_at(5));
			assert_true((cd[0] >> 42 & 3U) == 3U); /* HD (42), HA (43) */
			vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
		}
		vcm_pt_destroy(pt);
		assert_int_equal(vcm_smmuv3_destroy(s), 0);
	}
	/* without the flag: neither bit, on an SMMU that has them */
	fake_reset(true);
	fk.idr[0] |= 2U << 6;
	s = make(8);
	pc.flags = 0;
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_int_equal(vcm_smmuv3_master(s, 5, 0x42, &m), 0);
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), 0);
	cd = cd_of(ste_at(5));
	assert_true((cd[0] >> 42 & 3U) == 0U);
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
}

/*
 * A live stream programmed again while the SMMU stops consuming commands:
 * the abort's sync fails, and the CD that still points at the old table
 * must not stay valid (smmuv3.h: the STE back to abort, the CD invalid).
 */
static void test_reprogram_fail_unloads(void **state)
{
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 44, .plat = &plat };
	struct vcm_smmuv3_master *m;
	struct vcm_hw_regs hw;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	uint64_t *ste, *cd;
	unsigned int n0;

	(void)state;
	fake_reset(true);
	s = make(8);
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_int_equal(vcm_smmuv3_master(s, 5, 0x42, &m), 0);
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), 0);
	ste = ste_at(5);
	cd = cd_of(ste);
	assert_true((cd[0] & (1ULL << 31)) != 0U && cd[1] == hw.root_pa);
	fk.hang = true;
	n0 = fk.ncmd;
	assert_int_equal(vcm_smmuv3_dev_ops.program(m, VCM_BASE_LOW, &hw), -ETIMEDOUT);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "never reached PROD"));
	assert_true(ste[0] == 1U);
	assert_true(cd[0] == 0U);
	assert_int_equal(vcm_smmuv3_destroy(s), -EBUSY);
	/*
	 * The SMMU comes back and consumes what was queued: the abort's
	 * CFGI_STE and SYNC, then the unload's CFGI_STE, TLBI_NH_ASID and
	 * SYNC; then clear's own three. Two TLBI_NH_ASID in all.
	 */
	fk.hang = false;
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(fk.ncmd - n0, 8);
	assert_true(fk.cmd[n0 + 3][0] == (0x11 | 0x42ULL << 48));
	assert_true(fk.cmd[n0 + 6][0] == (0x11 | 0x42ULL << 48));
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	vcm_pt_destroy(pt);
}

/* clear with CFGI_STE refused: reported; programmed (destroy refuses) until a clear completes. */
static void test_clear_refused(void **state)
{
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	uint64_t *ste, *cd;
	unsigned int n0;

	(void)state;
	fake_reset(true);
	s = make(8);
	m = programmed(s, 12, &pt);
	ste = ste_at(9);
	cd = cd_of(ste);
	fk.bad_op = 0x03; /* CMD_CFGI_STE */
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), -EIO);
	assert_non_null(strstr(vcm_smmuv3_last_error(s),
			       "vcm_smmuv3_dev_ops.clear: command queue: command 0x3"));
	assert_true(ste[0] == 1U && cd[0] == 0U);
	assert_int_equal(vcm_smmuv3_destroy(s), -EBUSY);
	assert_non_null(strstr(vcm_smmuv3_last_error(s), "master sid 0x9 still has a table"));
	/* the retry: CFGI_STE, TLBI_NH_ASID, SYNC all done */
	fk.bad_op = 0;
	n0 = fk.ncmd;
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	assert_int_equal(vcm_smmuv3_take_error(s), 0);
	assert_int_equal(fk.ncmd - n0, 3);
	assert_true(fk.cmd[n0][0] == (0x03 | 9ULL << 32));
	assert_true(fk.cmd[n0 + 1][0] == (0x11 | 3ULL << 48));
	assert_true(fk.cmd[n0 + 2][0] == 0x46);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	vcm_pt_destroy(pt);
}

/* GBPA and SMMUEN as seen at each CR0 write of an init over an SMMU left enabled. */
static uint32_t gbpa_at_cr0[8];
static unsigned int nr_cr0;

static void w32_gbpa_order(void *ctx, uint64_t off, uint32_t v)
{
	struct fake *f = ctx;

	if (off == 0x20 && nr_cr0 < 8U)
		gbpa_at_cr0[nr_cr0++] = (v & 1U) == 0U && (f->cr0 & 1U) != 0U ? f->gbpa : ~0U;
	f_write32(ctx, off, v);
}

/* 6.3 SMMU_GBPA: ABORT set before SMMUEN goes off, or DMA bypasses in between. */
static void test_gbpa_before_disable(void **state)
{
	static struct vcm_mmio_ops ops;
	struct vcm_smmuv3_cfg cfg = { .regs = { &ops, &fk }, .plat = &plat, .sid_bits = 8,
				      .poll_limit = 100 };
	struct vcm_smmuv3 *s = NULL;
	struct vcm_diag d = { 0 };

	(void)state;
	ops = fake_ops;
	ops.write32 = w32_gbpa_order;
	fake_reset(true);
	fk.cr0 = 0xd;  /* firmware left SMMUEN, EVENTQEN, CMDQEN on */
	fk.gbpa = 0;   /* reset value: bypass */
	nr_cr0 = 0;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), 0);
	/* the first CR0 write turns SMMUEN off: GBPA aborted by then */
	assert_true(nr_cr0 >= 1U);
	assert_true(gbpa_at_cr0[0] != ~0U);
	assert_true((gbpa_at_cr0[0] & (1U << 20)) != 0U);
	assert_int_equal(fk.cr0, 0xd);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
}

/*
 * 6.3 SMMU_GBPA: a write while Update reads 1 (an update firmware started)
 * is ignored, so init waits for Update 0 first; one that never clears is
 * reported, the SMMU left off.
 */
static void test_gbpa_update_pending(void **state)
{
	struct vcm_smmuv3_cfg cfg = { .regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = 8,
				      .poll_limit = 100 };
	struct vcm_smmuv3 *s = NULL;
	struct vcm_diag d = { 0 };

	(void)state;
	fake_reset(true);
	fk.cr0 = 0xd;
	fk.gbpa_busy = 3;
	s = make(8);
	assert_true((fk.gbpa & (1U << 20)) != 0U);
	assert_int_equal(fk.cr0, 0xd);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
	assert_true((fk.gbpa & (1U << 20)) != 0U); /* off, and aborting */

	fake_reset(true);
	fk.gbpa_busy = 1000;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -ETIMEDOUT);
	assert_null(s);
	assert_string_equal(d.msg, "vcm_smmuv3_init: GBPA.Update never cleared");
	assert_int_equal(fk.cr0, 0);
	assert_int_equal(vcm_plat_arena_check_(&arena), 0);
}

/* IDR1.TABLES_PRESET / QUEUES_PRESET: fixed bases are refused, by name. */
static void test_idr1_preset(void **state)
{
	struct vcm_smmuv3_cfg cfg = { .regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = 8,
				      .poll_limit = 100 };
	struct vcm_smmuv3 *s = NULL;
	struct vcm_diag d = { 0 };
	uint64_t before;

	(void)state;
	fake_reset(true);
	before = vcm_plat_arena_free_bytes(&arena);
	fk.idr[1] |= 1U << 30;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EOPNOTSUPP);
	assert_string_equal(d.msg, "vcm_smmuv3_init: IDR1 0x42730010: TABLES_PRESET "
			    "(fixed bases) not supported");
	fk.idr[1] ^= 1U << 30 | 1U << 29;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EOPNOTSUPP);
	assert_string_equal(d.msg, "vcm_smmuv3_init: IDR1 0x22730010: QUEUES_PRESET "
			    "(fixed bases) not supported");
	assert_null(s);
	assert_int_equal(fk.cr0, 0);
	assert_true(vcm_plat_arena_free_bytes(&arena) == before);
}

/* 6.3 SMMU_IDR5.OAS: a stream table the SMMU cannot reach is refused, not truncated. */
static void test_high_pa(void **state)
{
	struct vcm_smmuv3_cfg cfg = { .regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = 8,
				      .poll_limit = 100 };
	struct vcm_smmuv3 *s = NULL;
	struct vcm_diag d = { 0 };
	uint64_t before;

	(void)state;
	fake_reset(true); /* OAS 4: 44 bits */
	assert_int_equal(vcm_plat_arena_init(&arena, ram, UINT64_C(1) << 44, sizeof(ram)), 0);
	vcm_plat_arena_ops(&arena, &plat);
	before = vcm_plat_arena_free_bytes(&arena);
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -ERANGE);
	assert_string_equal(d.msg, "vcm_smmuv3_init: the stream table at pa 0x100000004000 "
			    "is beyond IDR5.OAS (44 bits)");
	assert_null(s);
	assert_int_equal(fk.strtab_base, 0);
	assert_true(vcm_plat_arena_free_bytes(&arena) == before);
	/* OAS 6: 52 bits reach it */
	fk.idr[5] = (fk.idr[5] & ~7U) | 6U;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), 0);
	assert_true((fk.strtab_base & 0x000fffffffffffc0ULL) >= UINT64_C(1) << 44);
	assert_int_equal(vcm_smmuv3_destroy(s), 0);
}

/* A 4-entry command queue: 10 single-page TLBIs + SYNC wrap it several times. */
static void test_queue_wrap(void **state)
{
	struct vcm_smmuv3_cfg cfg = { .regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = 8,
				      .cmdq_lg2 = 2, .poll_limit = 100 };
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct vcm_pt *pt;
	unsigned int n0;

	(void)state;
	fake_reset(false);
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, NULL), 0);
	assert_int_equal(q_lg2(fk.cmdq_base), 2);
	m = programmed(s, 12, &pt);
	for (unsigned int round = 0; round < 3U; round++) {
		n0 = fk.ncmd;
		vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x100000, 10 * 0x1000ULL, true);
		assert_int_equal(vcm_smmuv3_take_error(s), 0);
		assert_int_equal(fk.ncmd - n0, 11);
		for (unsigned int i = 0; i < 10U; i++)
			assert_true((fk.cmd[n0 + i][1] & ~0xfffULL) == 0x100000ULL + i * 0x1000ULL);
		assert_int_equal(fk.cmd[n0 + 10][0] & 0xff, 0x46);
		assert_int_equal(fk.cmdq_cons, fk.cmdq_prod);
	}
	/* a full queue that never drains: -ETIMEDOUT while waiting for room */
	fk.hang = true;
	vcm_smmuv3_dev_ops.tlb_range(m, VCM_BASE_LOW, 0x100000, 10 * 0x1000ULL, true);
	assert_int_equal(vcm_smmuv3_take_error(s), -ETIMEDOUT);
	vcm_smmuv3_dev_ops.clear(m, VCM_BASE_LOW);
	vcm_pt_destroy(pt);
	vcm_smmuv3_destroy(s);
}

/* CR0ACK never follows: init fails with -ETIMEDOUT and frees everything. */
static void test_init_timeout(void **state)
{
	struct vcm_smmuv3_cfg cfg = { .regs = { &fake_ops, &fk }, .plat = &plat, .sid_bits = 8,
				      .poll_limit = 10 };
	struct vcm_smmuv3 *s = NULL;
	struct vcm_diag d = { 0 };
	uint64_t before;

	(void)state;
	fake_reset(true);
	before = vcm_plat_arena_free_bytes(&arena);
	fk.ack_stuck = true;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -ETIMEDOUT);
	assert_null(s);
	assert_non_null(strstr(d.msg, "CR0ACK"));
	assert_true(vcm_plat_arena_free_bytes(&arena) == before);
	/* a queue larger than IDR1 allows */
	fk.ack_stuck = false;
	fk.idr[1] = 16U | (5U << 16) | (19U << 21);
	cfg.evtq_lg2 = 6;
	assert_int_equal(vcm_smmuv3_init(&cfg, &s, &d), -EOPNOTSUPP);
	assert_non_null(strstr(d.msg, "EVENTQS 5"));
	assert_true(vcm_plat_arena_free_bytes(&arena) == before);
}

struct seen {
	unsigned int n;
	unsigned int type[8];
	struct vcm_fault f[8];
	struct vcm_smmuv3_master *m[8];
};

static void on_event(void *arg, struct vcm_smmuv3_master *m, unsigned int type,
		     const struct vcm_fault *f)
{
	struct seen *sn = arg;

	if (sn->n < 8U) {
		sn->type[sn->n] = type;
		sn->f[sn->n] = *f;
		sn->m[sn->n] = m;
	}
	sn->n++;
}

static void test_events(void **state)
{
	struct vcm_smmuv3_master *m;
	struct vcm_smmuv3 *s;
	struct seen sn = { 0 };
	/* F_TRANSLATION, sid 9, write (RnW 0), privileged */
	const uint64_t ev_tr[4] = { 0x10 | (9ULL << 32), 1ULL << 33, 0x12345000, 0 };
	/* F_PERMISSION, sid 9, read (RnW 1), unprivileged instruction fetch */
	const uint64_t ev_perm[4] = { 0x13 | (9ULL << 32), (1ULL << 35) | (1ULL << 34), 0x7000, 0 };
	/* C_BAD_STE for a stream without a master */
	const uint64_t ev_bad[4] = { 0x04 | (77ULL << 32), 0, 0, 0 };
	/* F_WALK_EABT with the descriptor's fetch address */
	const uint64_t ev_eabt[4] = { 0x0b | (9ULL << 32), 1ULL << 33, 0x9000, 0xabcdef8ULL };
	/* F_TRANSLATION at stage 2 (S2) fetching a stage-1 table (CLASS TT), its IPA */
	const uint64_t ev_s2tt[4] = { 0x10 | (9ULL << 32), (1ULL << 35) | (1ULL << 39) | (1ULL << 40),
				      0x5000, 0x8765400fffULL };
	/* the same on the input address (CLASS IN) */
	const uint64_t ev_s2in[4] = { 0x10 | (9ULL << 32), (1ULL << 35) | (1ULL << 39) | (2ULL << 40),
				      0x6000, 0x1234000ULL };

	(void)state;
	fake_reset(true);
	s = make(8);
	assert_int_equal(vcm_smmuv3_master(s, 9, 3, &m), 0);
	assert_int_equal(vcm_smmuv3_poll_events(s, on_event, &sn), 0);
	push_event(ev_tr);
	push_event(ev_perm);
	push_event(ev_bad);
	push_event(ev_eabt);
	push_event(ev_s2tt);
	push_event(ev_s2in);
	assert_int_equal(vcm_smmuv3_poll_events(s, on_event, &sn), 6);
	assert_int_equal(fk.evtq_cons, fk.evtq_prod);
	assert_int_equal(sn.n, 6);
	assert_int_equal(sn.type[0], VCM_SMMUV3_EVT_F_TRANSLATION);
	assert_int_equal(sn.f[0].kind, VCM_FAULT_TRANSLATION);
	assert_true(sn.f[0].da == 0x12345000);
	assert_int_equal(sn.f[0].access, VCM_ACCESS_WRITE);
	assert_int_equal(sn.f[0].stream, 9);
	assert_int_equal(sn.f[0].ctx, 3);
	assert_int_equal(sn.f[0].stage, 1);
	assert_int_equal(sn.f[0].level, VCM_FAULT_LEVEL_NONE);
	assert_ptr_equal(sn.m[0], m);
	assert_int_equal(sn.f[1].kind, VCM_FAULT_PERMISSION);
	assert_int_equal(sn.f[1].access, VCM_ACCESS_READ | VCM_ACCESS_EXEC | VCM_ACCESS_USER);
	assert_int_equal(sn.f[2].kind, VCM_FAULT_CONFIG);
	assert_int_equal(sn.f[2].stream, 77);
	assert_null(sn.m[2]);
	assert_int_equal(sn.f[3].kind, VCM_FAULT_EXTERNAL);
	assert_true(sn.f[3].desc_pa == 0xabcdef8ULL);
	assert_int_equal(sn.f[3].flags, 0);
	assert_int_equal(sn.f[4].stage, 2);
	assert_int_equal(sn.f[4].flags, VCM_FAULT_S1PTW);
	assert_true(sn.f[4].ipa == 0x8765400000ULL);
	assert_int_equal(sn.f[5].stage, 2);
	assert_int_equal(sn.f[5].flags, 0);
	assert_true(sn.f[5].ipa == 0x1234000ULL);
	assert_int_equal(sn.f[0].flags, 0);
	/* an overflow and an event queue abort are reported and acknowledged */
	fk.evtq_prod |= 1U << 31;
	fk.gerror ^= 1U << 2;
	assert_int_equal(vcm_smmuv3_poll_events(s, NULL, NULL), -EIO);
	assert_int_equal(fk.evtq_cons >> 31, 1);
	assert_int_equal(fk.gerror, fk.gerrorn);
	assert_int_equal(vcm_smmuv3_poll_events(s, NULL, NULL), 0);
	assert_int_equal(vcm_smmuv3_poll_events(NULL, NULL, NULL), -EINVAL);
	vcm_smmuv3_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_bad_args),
		cmocka_unit_test(test_program),
		cmocka_unit_test(test_tlb_range),
		cmocka_unit_test(test_tlb_range_hint),
		cmocka_unit_test(test_sync_timeout_and_error),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_program_fail_unloads),
		cmocka_unit_test(test_program_dirty),
		cmocka_unit_test(test_reprogram_fail_unloads),
		cmocka_unit_test(test_clear_refused),
		cmocka_unit_test(test_gbpa_before_disable),
		cmocka_unit_test(test_gbpa_update_pending),
		cmocka_unit_test(test_tlbi_single_page),
		cmocka_unit_test(test_idr1_preset),
		cmocka_unit_test(test_high_pa),
		cmocka_unit_test(test_queue_wrap),
		cmocka_unit_test(test_init_timeout),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
