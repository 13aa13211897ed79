// SPDX-License-Identifier: MIT
/*
 * The AMD-Vi backend against a fake register file: a small model of the
 * IOMMU that consumes the command buffer when the tail register is written
 * (recording every command and performing COMPLETION_WAIT stores) and lets a
 * test append event log entries. Memory comes from an arena whose physical
 * addresses the model resolves, as the IOMMU would.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/amdvi.h>
#include <vcm/pgtable.h>
#include <vcm/vcm.h>

#include "fake_amdvi.h"

static void test_init_registers(void **state)
{
	struct env *e = *state;
	struct vcm_diag d = { 0 };
	uint64_t free0 = vcm_plat_arena_free_bytes(&e->f.arena);
	uint64_t dt, cb, el;
	struct vcm_amdvi_stats st;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, &d), 0);
	dt = e->f.regs[R_DEVTAB / 8];
	cb = e->f.regs[R_CMDBUF / 8];
	el = e->f.regs[R_EVTLOG / 8];
	/* 256 DTEs of 32 bytes: two pages, Size = 1 */
	assert_true((dt & 0x1ffU) == 1U);
	assert_true((dt & ~UINT64_C(0xfff)) == vcm_amdvi_devtab_pa(e->m));
	assert_true(vcm_amdvi_devtab_pa(e->m) % 4096U == 0U);
	assert_true((cb >> 56) == 8U && (el >> 56) == 8U);
	assert_true((cb & 0xfffU) == 0U && (el & 0xfffU) == 0U && cb != el);
	assert_true(e->f.regs[R_CONTROL / 8] == CTRL_RUN);
	/* order: IOMMU off, the bases, the pointers, status, then the enables */
	assert_int_equal(e->f.wr_off[0], R_CONTROL);
	assert_int_equal(e->f.wr_off[1], R_DEVTAB);
	assert_int_equal(e->f.wr_off[2], R_CMDBUF);
	assert_int_equal(e->f.wr_off[3], R_EVTLOG);
	assert_int_equal(e->f.wr_off[8], R_STATUS);
	assert_int_equal(e->f.wr_off[9], R_CONTROL);
	assert_true(e->f.regs[R_CONTROL / 8] == CTRL_RUN);
	/* the completion wait that proves the command path */
	assert_int_equal(e->f.ncmd, 1);
	assert_true(e->f.cmd[0][0] >> 60 == 1U && (e->f.cmd[0][0] & 1U) == 1U);
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.waits == 1 && st.commands == 1);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
	assert_true(e->f.regs[R_CONTROL / 8] == 0U);
	assert_true(vcm_plat_arena_free_bytes(&e->f.arena) == free0);
}

static void test_init_refused(void **state)
{
	struct env *e = *state;
	struct vcm_diag d = { 0 };
	struct vcm_amdvi_cfg c = e->cfg;
	struct vcm_mmio_ops half = fake_ops;
	uint64_t free0 = vcm_plat_arena_free_bytes(&e->f.arena);

	assert_int_equal(vcm_amdvi_init(NULL, &e->m, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_amdvi_init: cfg is NULL");
	c.max_devid = 0x10000;
	assert_int_equal(vcm_amdvi_init(&c, &e->m, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_amdvi_init: cfg->max_devid 0x10000: DeviceIDs are 16 bits");
	c = e->cfg;
	c.cmd_len_lg2 = 16;
	assert_int_equal(vcm_amdvi_init(&c, &e->m, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_amdvi_init: cfg->cmd_len_lg2 16: ComLen takes 8..15");
	c = e->cfg;
	c.evt_len_lg2 = 7;
	assert_int_equal(vcm_amdvi_init(&c, &e->m, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_amdvi_init: cfg->evt_len_lg2 7: EventLen takes 8..15");
	c = e->cfg;
	half.write64 = NULL;
	c.mmio.ops = &half;
	assert_int_equal(vcm_amdvi_init(&c, &e->m, &d), -EINVAL);
	assert_string_equal(d.msg,
			    "vcm_amdvi_init: cfg->mmio.ops lacks a 32- or 64-bit accessor");
	/* an IOMMU that never runs commands: timed out, off again, nothing kept */
	e->f.stall = true;
	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, &d), -ETIMEDOUT);
	assert_non_null(strstr(d.msg, "completion wait never stored"));
	assert_true(e->f.regs[R_CONTROL / 8] == 0U);
	assert_true(e->f.relaxes >= 50U);
	assert_true(vcm_plat_arena_free_bytes(&e->f.arena) == free0);
}

static void make_pt(struct env *e, struct vcm_pt **pt)
{
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_amdv1, .plat = &e->plat };

	assert_int_equal(vcm_pt_create(&pc, pt, NULL), 0);
	assert_int_equal(vcm_pt_map(*pt, 0x100000, 0x40000000, 0x10000,
				    VCM_PT_PROT_READ | VCM_PT_PROT_WRITE), 0);
}

static uint64_t *dte_of(struct env *e, uint32_t devid)
{
	return cpu(&e->f, vcm_amdvi_devtab_pa(e->m) + devid * 32U);
}

/*
 * 48882 2.2.2: a DTE with V=0 passes the device's DMA untranslated. Every
 * entry of the table is blocked (V=1, TV=1, Mode 0, IR=IW=0) by the time
 * init returns, and a device's entry stays so from dev_create to program
 * and again after dev_destroy.
 */
static void test_devtab_blocked(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *dev;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	for (uint32_t id = 0; id <= 0xffU; id++) {
		uint64_t *q = dte_of(e, id);

		assert_true(q[0] == 3U && q[1] == 0U && q[2] == 0U && q[3] == 0U);
	}
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x20, 7, &dev), 0);
	assert_true(dte_of(e, 0x20)[0] == 3U);
	make_pt(e, &pt);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), 0);
	assert_true(dte_of(e, 0x20)[0] == hw.regs[0]);
	vcm_amdvi_dev_destroy(dev);
	assert_true(dte_of(e, 0x20)[0] == 3U);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x20, 8, &dev), 0);
	assert_true(dte_of(e, 0x20)[0] == 3U);
	vcm_amdvi_dev_destroy(dev);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

static void test_program_clear(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *dev, *other;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	uint64_t *dte;
	unsigned int n0;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x20, 7, &dev), 0);
	make_pt(e, &pt);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	n0 = e->f.ncmd;
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), 0);
	dte = dte_of(e, 0x20);
	/* 2.2.2: V, TV, Mode 4 (48-bit default), the root, IR, IW; domain 7 */
	assert_true(dte[0] == (UINT64_C(3) | UINT64_C(4) << 9 | hw.root_pa |
			       UINT64_C(3) << 61));
	assert_true(dte[0] == hw.regs[0]);
	assert_true(dte[1] == 7U && dte[2] == 0U && dte[3] == 0U);
	/* INVALIDATE_DEVTAB_ENTRY, INVALIDATE_IOMMU_PAGES (all, PDE), COMPLETION_WAIT */
	assert_int_equal(e->f.ncmd - n0, 3);
	assert_true(e->f.cmd[n0][0] == (UINT64_C(2) << 60 | 0x20U) && e->f.cmd[n0][1] == 0U);
	assert_true(e->f.cmd[n0 + 1][0] == (UINT64_C(3) << 60 | UINT64_C(7) << 32));
	assert_true(e->f.cmd[n0 + 1][1] == (INV_ALL | 3U));
	assert_true(e->f.cmd[n0 + 2][0] >> 60 == 1U);
	/* no other entry written: still blocked as init left them */
	assert_true(dte_of(e, 0x21)[0] == 3U && dte_of(e, 0x1f)[0] == 3U);

	/* clear: V=1, TV=1, Mode 0, no permission */
	n0 = e->f.ncmd;
	vcm_amdvi_dev_ops.clear(dev, VCM_BASE_LOW);
	assert_true(dte[0] == 3U && dte[1] == 7U);
	assert_int_equal(e->f.ncmd - n0, 3);
	assert_true(e->f.cmd[n0 + 1][1] == (INV_ALL | 3U));

	/* refused: high base, other formats, a DTE value without translation */
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_HIGH, &hw), -EINVAL);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_dev_ops.program: base 1: a DTE has one table root");
	hw.fmt = "armv8";
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -EINVAL);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_dev_ops.program: hw format armv8: "
			    "the DTE takes amdv1 tables");
	hw.fmt = "amdv1";
	hw.regs[0] &= ~UINT64_C(0xe00);
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -EINVAL);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m), "needs V, TV and Mode 1..6"));
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, NULL), -EINVAL);
	assert_true(dte[0] == 3U);

	/* device arguments */
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x20, 8, &other), -EEXIST);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_dev_create: devid 0x20 has a device already");
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x100, 8, &other), -EINVAL);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_dev_create: devid 0x100: the device table ends at 0xff");
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x21, 0, &other), -EINVAL);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_dev_create: domid 0x0: takes 1..0xffff");
	assert_int_equal(vcm_amdvi_destroy(e->m), -EBUSY);
	assert_int_equal(vcm_amdvi_dev_ops.hw_version(dev), 0xa5);
	vcm_amdvi_dev_destroy(dev);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/*
 * A dirty-tracking table (VCM_PT_CFG_DIRTY: leaves written with D clear, DTE
 * HAD 11b from vcm_pt_hw) keeps HAD in the DTE, where the IOMMU has HDSup;
 * refused, the entry still blocked, where it has not (it would never set D).
 */
static void test_program_dirty(void **state)
{
	struct env *e = *state;
	struct vcm_pt_cfg pc = { .fmt = &vcm_pt_fmt_amdv1, .plat = &e->plat,
				 .flags = VCM_PT_CFG_DIRTY };
	struct vcm_amdvi_dev *dev;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	uint64_t *dte;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x30, 5, &dev), 0);
	assert_int_equal(vcm_pt_create(&pc, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_true((hw.regs[0] >> 7 & 3U) == 3U);
	dte = dte_of(e, 0x30);
	/* EFR bit 52 (HDSup) clear */
	e->f.regs[R_EFR / 8] &= ~(UINT64_C(1) << 52);
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m), "DTE.HAD 11b needs EFR.HDSup"));
	assert_true(dte[0] == 3U);
	/* HAD 10b is reserved */
	hw.regs[0] ^= UINT64_C(1) << 7;
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -EINVAL);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m), "DTE.HAD 10b is reserved"));
	hw.regs[0] ^= UINT64_C(1) << 7;
	/* HAD 01b (access bits only) asks for HASup, bit 49, which this EFR lacks */
	hw.regs[0] ^= UINT64_C(1) << 8;
	assert_true((e->f.regs[R_EFR / 8] & UINT64_C(1) << 49) == 0U);
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m), "DTE.HAD 1b needs EFR.HASup"));
	assert_true(dte[0] == 3U);
	hw.regs[0] ^= UINT64_C(1) << 8;
	e->f.regs[R_EFR / 8] |= UINT64_C(1) << 52;
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), 0);
	assert_true(dte[0] == hw.regs[0]);
	assert_true((dte[0] >> 7 & 3U) == 3U);
	vcm_amdvi_dev_ops.clear(dev, VCM_BASE_LOW);
	assert_true(dte[0] == 3U);
	vcm_amdvi_dev_destroy(dev);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/* One tlb_range call: the INVALIDATE_IOMMU_PAGES it queued (then a wait). */
static uint64_t range_q1(struct env *e, struct vcm_amdvi_dev *dev, vcm_da_t da, uint64_t len,
			 bool leaf)
{
	unsigned int n0 = e->f.ncmd;

	vcm_amdvi_dev_ops.tlb_range(dev, VCM_BASE_LOW, da, len, leaf);
	assert_int_equal(e->f.ncmd - n0, 2);
	assert_true(e->f.cmd[n0][0] == (UINT64_C(3) << 60 | UINT64_C(9) << 32));
	assert_true(e->f.cmd[n0 + 1][0] >> 60 == 1U);
	return e->f.cmd[n0][1];
}

static void test_tlb_range(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *dev;
	struct vcm_amdvi_stats st;
	unsigned int n0;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x28, 9, &dev), 0);
	/* one page: S=0, the page's address */
	assert_true(range_q1(e, dev, 0x123000, 0x1000, true) == 0x123000U);
	assert_true(range_q1(e, dev, 0x123456, 8, true) == 0x123000U);
	/* 8 KiB aligned: S=1, bit 12 clear */
	assert_true(range_q1(e, dev, 0x124000, 0x2000, true) == (0x124000U | 1U));
	/* 16 KiB: bit 12 set, bit 13 clear; PDE for a non-leaf change */
	assert_true(range_q1(e, dev, 0x124000, 0x4000, false) == (0x125000U | 3U));
	/* 64 KiB: bits 14:12 set */
	assert_true(range_q1(e, dev, 0x120000, 0x10000, true) == (0x127000U | 1U));
	/* unaligned, crossing a 1 MiB boundary: the covering 2 MiB block */
	assert_true(range_q1(e, dev, 0xff000, 0x2000, true) == (0xff000U | 1U));
	/* 2 MiB at 2 MiB */
	assert_true(range_q1(e, dev, 0x200000, 0x200000, true) == (0x2ff000U | 1U));
	/* 2^52 and more, or a range that wraps: the whole domain */
	assert_true(range_q1(e, dev, 0, UINT64_C(1) << 52, true) == (INV_ALL | 1U));
	assert_true(range_q1(e, dev, UINT64_C(0xfffffffffffff000), 0x2000, true) ==
		    (INV_ALL | 1U));
	/* just below: 2^51 aligned */
	assert_true(range_q1(e, dev, UINT64_C(1) << 51, UINT64_C(1) << 51, true) ==
		    (((UINT64_C(1) << 51) | ((UINT64_C(1) << 50) - 0x1000U)) | 1U));
	/* tlb_all */
	n0 = e->f.ncmd;
	vcm_amdvi_dev_ops.tlb_all(dev, VCM_BASE_LOW);
	assert_int_equal(e->f.ncmd - n0, 2);
	assert_true(e->f.cmd[n0][1] == (INV_ALL | 3U));

	/* a wait that never completes: -ETIMEDOUT, counted, named */
	e->f.stall = true;
	vcm_amdvi_dev_ops.tlb_range(dev, VCM_BASE_LOW, 0x1000, 0x1000, true);
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.errors == 1U);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m),
			       "vcm_amdvi_dev_ops.tlb_range: completion wait"));
	vcm_amdvi_dev_destroy(dev);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

static void test_program_timeout(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *dev;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x30, 3, &dev), 0);
	make_pt(e, &pt);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	e->f.stall = true;
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -ETIMEDOUT);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m), "after 50 polls"));
	/* a frozen IOMMU: the buffer fills, and queueing times out too */
	e->f.frozen = true;
	for (int i = 0; i < 150; i++)
		vcm_amdvi_dev_ops.tlb_all(dev, VCM_BASE_LOW);
	assert_non_null(strstr(vcm_amdvi_last_error(e->m), "command buffer full"));
	e->f.frozen = false;
	e->f.stall = false;
	/* the full buffer runs: more commands than the model records */
	e->f.ncmd = 0;
	consume(&e->f);
	e->f.ncmd = 0;
	vcm_amdvi_dev_destroy(dev);
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/*
 * A program whose completion wait times out: the graph clears no base whose
 * program failed, so the backend blocks the DTE itself (V=1, TV=1, no IR/IW,
 * no root) and invalidates it; the first error is the one reported. While
 * that invalidation has not completed, clear and destroy write and
 * invalidate the entry again.
 */
static void test_program_fail_blocks(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *dev;
	struct vcm_amdvi_stats st;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	uint64_t *dte;
	unsigned int n0;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x30, 3, &dev), 0);
	make_pt(e, &pt);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	dte = dte_of(e, 0x30);
	e->f.stall = true;
	n0 = e->f.ncmd;
	assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), -ETIMEDOUT);
	/* the table's wait (2), not the blocking one's (3) */
	assert_non_null(strstr(vcm_amdvi_last_error(e->m),
			       "vcm_amdvi_dev_ops.program: completion wait 2 not stored"));
	/* blocked: the table's root is gone from the entry */
	assert_true(dte[0] == 3U && dte[1] == 3U && dte[2] == 0U && dte[3] == 0U);
	/* the table's DTE and its invalidations, then the blocked DTE's */
	assert_int_equal(e->f.ncmd - n0, 6);
	for (unsigned int i = 0; i < 6U; i += 3U) {
		assert_true(e->f.cmd[n0 + i][0] == (UINT64_C(2) << 60 | 0x30U));
		assert_true(e->f.cmd[n0 + i + 1][0] == (UINT64_C(3) << 60 | UINT64_C(3) << 32));
		assert_true(e->f.cmd[n0 + i + 1][1] == (INV_ALL | 3U));
		assert_true(e->f.cmd[n0 + i + 2][0] >> 60 == 1U);
	}
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.errors == 1U); /* the blocking wait timed out too */

	/* the invalidation of the blocked DTE never completed: destroy does it again */
	e->f.stall = false;
	n0 = e->f.ncmd;
	vcm_amdvi_dev_destroy(dev);
	assert_true(dte[0] == 3U);
	assert_int_equal(e->f.ncmd - n0, 3);
	assert_true(e->f.cmd[n0][0] == (UINT64_C(2) << 60 | 0x30U));
	assert_true(e->f.cmd[n0 + 2][0] >> 60 == 1U);
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.errors == 1U);

	/* whatever the device went through, destroy leaves its entry blocked */
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x31, 4, &dev), 0);
	dte = dte_of(e, 0x31);
	assert_true(dte[0] == 3U && dte[1] == 0U); /* blocked since init */
	n0 = e->f.ncmd;
	vcm_amdvi_dev_destroy(dev);
	assert_true(dte[0] == 3U && dte[1] == 4U);
	assert_int_equal(e->f.ncmd - n0, 3);
	assert_true(e->f.cmd[n0][0] == (UINT64_C(2) << 60 | 0x31U));
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/*
 * clear whose wait times out: reported, and the device still counts as
 * programmed, so the next clear, or destroy, invalidates the entry again.
 */
static void test_clear_fail_retries(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *dev;
	struct vcm_amdvi_stats st;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	uint64_t *dte;
	unsigned int n0;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x22, 5, &dev), 0);
	make_pt(e, &pt);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	dte = dte_of(e, 0x22);
	for (int round = 0; round < 2; round++) {
		assert_int_equal(vcm_amdvi_dev_ops.program(dev, VCM_BASE_LOW, &hw), 0);
		e->f.stall = true;
		vcm_amdvi_dev_ops.clear(dev, VCM_BASE_LOW);
		assert_true(dte[0] == 3U && dte[1] == 5U);
		vcm_amdvi_stats(e->m, &st);
		assert_true(st.errors == 1U + (unsigned int)round);
		assert_non_null(strstr(vcm_amdvi_last_error(e->m),
				       "vcm_amdvi_dev_ops.clear: completion wait"));
		e->f.stall = false;
		/* the retry: the blocked entry written and invalidated again, to completion */
		n0 = e->f.ncmd;
		if (round == 0)
			vcm_amdvi_dev_ops.clear(dev, VCM_BASE_LOW);
		else
			vcm_amdvi_dev_destroy(dev);
		assert_true(dte[0] == 3U && dte[1] == 5U);
		assert_int_equal(e->f.ncmd - n0, 3);
		assert_true(e->f.cmd[n0][0] == (UINT64_C(2) << 60 | 0x22U));
		assert_true(e->f.cmd[n0 + 1][0] == (UINT64_C(3) << 60 | UINT64_C(5) << 32));
		assert_true(e->f.cmd[n0 + 2][0] >> 60 == 1U);
		vcm_amdvi_stats(e->m, &st);
		assert_true(st.errors == 1U + (unsigned int)round);
	}
	vcm_pt_destroy(pt);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/* 2.2.2 DomainID: two devices of one domain take the same table, not two. */
static void test_shared_domid(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_dev *a, *b;
	struct vcm_hw_regs ha, hb;
	struct vcm_pt *pa, *pb;
	char want[160];
	unsigned int n0;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x08, 5, &a), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x10, 5, &b), 0);
	make_pt(e, &pa);
	make_pt(e, &pb);
	assert_int_equal(vcm_pt_hw(pa, &ha), 0);
	assert_int_equal(vcm_pt_hw(pb, &hb), 0);
	assert_true(ha.root_pa != hb.root_pa);
	assert_int_equal(vcm_amdvi_dev_ops.program(a, VCM_BASE_LOW, &ha), 0);
	n0 = e->f.ncmd;
	assert_int_equal(vcm_amdvi_dev_ops.program(b, VCM_BASE_LOW, &hb), -EEXIST);
	snprintf(want, sizeof(want), "vcm_amdvi_dev_ops.program: domid 0x5: device 0x8 uses it "
		 "with table %#llx, not %#llx", (unsigned long long)ha.root_pa,
		 (unsigned long long)hb.root_pa);
	assert_string_equal(vcm_amdvi_last_error(e->m), want);
	/* nothing written (still blocked), nothing queued */
	assert_true(dte_of(e, 0x10)[0] == 3U);
	assert_int_equal(e->f.ncmd, n0);
	/* the same table is fine; so is the other once the first device is cleared */
	assert_int_equal(vcm_amdvi_dev_ops.program(b, VCM_BASE_LOW, &ha), 0);
	assert_true(dte_of(e, 0x10)[0] == ha.regs[0]);
	vcm_amdvi_dev_ops.clear(a, VCM_BASE_LOW);
	assert_int_equal(vcm_amdvi_dev_ops.program(b, VCM_BASE_LOW, &hb), 0);
	assert_true(dte_of(e, 0x10)[0] == hb.regs[0]);
	assert_int_equal(vcm_amdvi_dev_ops.program(a, VCM_BASE_LOW, &ha), -EEXIST);
	vcm_amdvi_dev_destroy(a);
	vcm_amdvi_dev_destroy(b);
	vcm_pt_destroy(pa);
	vcm_pt_destroy(pb);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

static void push_event(struct env *e, uint64_t q0, uint64_t q1)
{
	uint64_t base = e->f.regs[R_EVTLOG / 8] & UINT64_C(0x000ffffffffff000);
	uint32_t tail = (uint32_t)e->f.regs[R_EVT_TAIL / 8];
	uint64_t *slot = cpu(&e->f, base + tail);

	slot[0] = q0;
	slot[1] = q1;
	e->f.regs[R_EVT_TAIL / 8] = (tail + 16U) % 4096U;
}

struct seen {
	struct vcm_amdvi_event ev[8];
	unsigned int n;
};

static void collect(void *arg, const struct vcm_amdvi_event *ev)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->ev[s->n++] = *ev;
}

static void test_events(void **state)
{
	struct env *e = *state;
	struct seen s = { 0 };
	struct vcm_amdvi_stats st;
	const struct vcm_fault *f;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_poll_events(e->m, collect, &s), 0);
	/* IO_PAGE_FAULT, page not present, read, device 00:04.0, domain 5 */
	push_event(e, UINT64_C(2) << 60 | UINT64_C(5) << 32 | 0x20U, 0x345000);
	/* IO_PAGE_FAULT, present (PR) and a write (RW): permission */
	push_event(e, UINT64_C(2) << 60 | UINT64_C(1) << 53 | UINT64_C(1) << 52 |
		      UINT64_C(5) << 32 | 0x28U, 0x346008);
	/* ILLEGAL_DEV_TABLE_ENTRY */
	push_event(e, UINT64_C(1) << 60 | 0x30U, 0x1000);
	/* PAGE_TAB_HARDWARE_ERROR at a table entry's address */
	push_event(e, UINT64_C(4) << 60 | UINT64_C(6) << 32 | 0x20U, 0x7654328);
	/* ILLEGAL_COMMAND_ERROR: not a device fault */
	push_event(e, UINT64_C(5) << 60, 0x1230);
	/* IO_PAGE_FAULT with RZ: a reserved bit on the walk */
	push_event(e, UINT64_C(2) << 60 | UINT64_C(1) << 55 | 0x20U, 0x9000);
	e->f.regs[R_STATUS / 8] = 1; /* an overflow happened too */
	assert_int_equal(vcm_amdvi_poll_events(e->m, collect, &s), 6);
	assert_int_equal(s.n, 6);
	f = &s.ev[0].fault;
	assert_true(s.ev[0].is_fault && s.ev[0].code == VCM_AMDVI_EV_IO_PAGE_FAULT);
	assert_int_equal(f->kind, VCM_FAULT_TRANSLATION);
	assert_true(f->da == 0x345000U && f->stream == 0x20U && f->ctx == 5U);
	assert_int_equal(f->access, VCM_ACCESS_READ);
	assert_int_equal(f->level, VCM_FAULT_LEVEL_NONE);
	f = &s.ev[1].fault;
	assert_int_equal(f->kind, VCM_FAULT_PERMISSION);
	assert_int_equal(f->access, VCM_ACCESS_WRITE);
	assert_true(f->da == 0x346008U && f->stream == 0x28U);
	assert_true(s.ev[2].is_fault && s.ev[2].fault.kind == VCM_FAULT_CONFIG);
	assert_true(s.ev[2].fault.stream == 0x30U && s.ev[2].fault.da == 0x1000U);
	assert_true(s.ev[3].fault.kind == VCM_FAULT_EXTERNAL);
	assert_true(s.ev[3].fault.desc_pa == 0x7654328U && s.ev[3].fault.ctx == 6U);
	assert_false(s.ev[4].is_fault);
	assert_int_equal(s.ev[4].code, VCM_AMDVI_EV_ILLEGAL_COMMAND_ERROR);
	assert_true(s.ev[4].raw[1] == 0x1230U);
	assert_int_equal(s.ev[5].fault.kind, VCM_FAULT_CONFIG);
	/* the head followed the tail; the overflow was cleared and counted */
	assert_true(e->f.regs[R_EVT_HEAD / 8] == 6U * 16U);
	assert_true((e->f.regs[R_STATUS / 8] & 1U) == 0U);
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.events == 6U && st.overflows == 1U);
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), 0);
	/* the log wraps: 256 entries of 16 bytes */
	for (int i = 0; i < 255; i++)
		push_event(e, UINT64_C(2) << 60 | 0x20U, (uint64_t)i << 12);
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), 255);
	assert_true(e->f.regs[R_EVT_HEAD / 8] == (6U + 255U) * 16U % 4096U);
	/* a tail outside the log */
	e->f.regs[R_EVT_TAIL / 8] = 0x10000;
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), -EIO);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_poll_events: event log head 0x50 or tail 0x10000 beyond "
			    "the 0x1000-byte log");
	assert_int_equal(vcm_amdvi_poll_events(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/*
 * 48882 3.4 IOMMU Status, EventOverflow: the IOMMU logs nothing more until
 * it is cleared and EventLogEn written 1. The poll drains the log, then
 * restarts it (EventLogEn 0, EventLogRun waited for, the flag cleared,
 * EventLogEn 1); an EventLogRun that stays set is reported and the restart
 * left to the next poll.
 */
static void test_event_overflow(void **state)
{
	struct env *e = *state;
	struct vcm_amdvi_stats st;
	unsigned int r0;

	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	r0 = e->f.evt_restarts;
	push_event(e, UINT64_C(2) << 60 | 0x20U, 0x5000);
	e->f.regs[R_STATUS / 8] |= 1U;
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), 1);
	assert_int_equal(e->f.evt_restarts, r0 + 1U);
	assert_true((e->f.regs[R_STATUS / 8] & 1U) == 0U);
	assert_true((e->f.regs[R_STATUS / 8] & 8U) != 0U); /* EventLogRun */
	assert_true(e->f.regs[R_CONTROL / 8] == CTRL_RUN);
	assert_true(e->f.regs[R_EVT_HEAD / 8] == 16U && e->f.regs[R_EVT_TAIL / 8] == 16U);
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.overflows == 1U && st.events == 1U);
	/* no overflow: the log is left alone */
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), 0);
	assert_int_equal(e->f.evt_restarts, r0 + 1U);
	/* EventLogRun never clears: -ETIMEDOUT, the flag kept for the next poll */
	e->f.evt_stuck = true;
	e->f.relaxes = 0;
	e->f.regs[R_STATUS / 8] |= 1U;
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), -ETIMEDOUT);
	assert_string_equal(vcm_amdvi_last_error(e->m),
			    "vcm_amdvi_poll_events: event log overflow: EventLogRun still set 50 "
			    "polls after EventLogEn 0; logging not restarted");
	assert_true(e->f.relaxes >= 50U);
	assert_true((e->f.regs[R_STATUS / 8] & 1U) != 0U);
	e->f.evt_stuck = false;
	assert_int_equal(vcm_amdvi_poll_events(e->m, NULL, NULL), 0);
	assert_int_equal(e->f.evt_restarts, r0 + 2U);
	assert_true(e->f.regs[R_CONTROL / 8] == CTRL_RUN);
	vcm_amdvi_stats(e->m, &st);
	assert_true(st.overflows == 2U);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
}

/* The range an INVALIDATE_IOMMU_PAGES address field names (48882 2.4.3). */
static void inv_range(uint64_t q1, uint64_t *base, uint64_t *size)
{
	uint64_t addr = q1 & ~UINT64_C(0xfff);
	unsigned int bit = 12;

	if ((q1 & 1U) == 0U) {
		*base = addr;
		*size = 4096;
		return;
	}
	while (bit < 63 && (addr >> bit & 1U) != 0U)
		bit++;
	*size = UINT64_C(1) << (bit + 1);
	*base = addr & ~(*size - 1U);
}

static unsigned int graph_hooks;

static int graph_hook(struct vcm_dev *dev, void *data, const struct vcm_fault *f)
{
	(void)dev;
	(void)data;
	(void)f;
	graph_hooks++;
	return VCM_FAULT_TERMINATE;
}

static void to_graph(void *arg, const struct vcm_amdvi_event *ev)
{
	if (ev->is_fault)
		vcm_dev_fault(arg, &ev->fault);
}

/* The graph drives the backend: every change ends in the commands it needs. */
static void test_graph(void **state)
{
	static const struct vcm_phys_range far = { UINT64_C(0x100000000), 16U << 20 };
	static const struct vcm_phys_memtype_cfg mt = { .ranges = &far, .nr_ranges = 1 };
	static const struct vcm_pt_cfg ptcfg = { .fmt = &vcm_pt_fmt_amdv1 };
	struct env *e = *state;
	struct vcm_sys_cfg sc = { .plat = &e->plat, .memtypes = &mt, .nr_memtypes = 1 };
	struct vcm_amdvi_dev *adev;
	struct vcm_dev_cfg dc;
	struct vcm_hw_regs hw;
	struct vcm_fault last;
	struct vcm_sys *sys;
	struct vcm_dev *dev;
	struct vcm_avcm *av;
	struct vcm_res *res;
	struct vcm_mem *mem;
	struct vcm *vcm;
	uint64_t base, size, count, *dte;
	vcm_da_t da;
	unsigned int n0;

	assert_int_equal(vcm_sys_create(&sc, &sys, NULL), 0);
	assert_int_equal(vcm_amdvi_init(&e->cfg, &e->m, NULL), 0);
	assert_int_equal(vcm_amdvi_dev_create(e->m, 0x20, 1, &adev), 0);
	dc = (struct vcm_dev_cfg){ .name = "edu", .mapper = &vcm_mapper_pt, .mapper_cfg = &ptcfg,
				   .nr_bases = 1, .ops = &vcm_amdvi_dev_ops, .ctx = adev };
	assert_int_equal(vcm_dev_register(sys, &dc, &dev), 0);
	assert_int_equal(vcm_hook(dev, graph_hook, NULL), 0);
	assert_int_equal(vcm_create(sys, 0x40000000, 0x10000000, &vcm), 0);
	assert_int_equal(vcm_assoc(vcm, dev, VCM_USE_LOW_BASE, &av), 0);

	/* activation writes the DTE the table describes */
	n0 = e->f.ncmd;
	assert_int_equal(vcm_activate(av), 0);
	assert_int_equal(vcm_get_hw(vcm, dev, &hw), 0);
	dte = dte_of(e, 0x20);
	assert_true(dte[0] == hw.regs[0] && dte[1] == 1U);
	assert_int_equal(e->f.ncmd - n0, 3);

	/* backing and unbacking: one range invalidation covering it, then a wait */
	assert_int_equal(vcm_alloc(sys, 0, 0x11000, VCM_PHYS_ALL, &mem), 0);
	assert_int_equal(vcm_reserve(vcm, 0x11000, 0, VCM_PT_PROT_READ | VCM_PT_PROT_WRITE,
				     &res), 0);
	da = vcm_get_dev_addr(res);
	for (int round = 0; round < 2; round++) {
		n0 = e->f.ncmd;
		if (round == 0)
			assert_int_equal(vcm_back(res, mem), 0);
		else
			assert_int_equal(vcm_unback(res), 0);
		assert_int_equal(e->f.ncmd - n0, 2);
		assert_true(e->f.cmd[n0][0] == (UINT64_C(3) << 60 | UINT64_C(1) << 32));
		inv_range(e->f.cmd[n0][1], &base, &size);
		assert_true(base <= da && da + 0x11000U <= base + size);
		assert_true(size <= 0x40000U); /* the smallest aligned cover: 256K here at most */
		assert_true(e->f.cmd[n0 + 1][0] >> 60 == 1U);
	}

	/* a logged fault reaches the graph: recorded, and the hook runs */
	push_event(e, UINT64_C(2) << 60 | UINT64_C(1) << 32 | 0x20U, da + 0x2000U);
	assert_int_equal(vcm_amdvi_poll_events(e->m, to_graph, dev), 1);
	assert_int_equal(graph_hooks, 1);
	assert_int_equal(vcm_dev_last_fault(dev, &last, &count), 0);
	assert_true(count == 1U && last.da == da + 0x2000U && last.stream == 0x20U);
	assert_int_equal(last.kind, VCM_FAULT_TRANSLATION);

	/* deactivation blocks the device */
	assert_int_equal(vcm_deactivate(av), 0);
	assert_true(dte[0] == 3U);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_free_phys(sys, mem), 0);
	assert_int_equal(vcm_deassoc(av), 0);
	assert_int_equal(vcm_free(vcm), 0);
	assert_int_equal(vcm_dev_unregister(dev), 0);
	vcm_amdvi_dev_destroy(adev);
	assert_int_equal(vcm_amdvi_destroy(e->m), 0);
	assert_int_equal(vcm_sys_destroy(sys), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_init_registers, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_init_refused, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_program_clear, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_program_dirty, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_tlb_range, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_program_timeout, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_program_fail_blocks, amdvi_env_setup,
						amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_clear_fail_retries, amdvi_env_setup,
						amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_shared_domid, amdvi_env_setup,
						amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_events, amdvi_env_setup, amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_devtab_blocked, amdvi_env_setup,
						amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_event_overflow, amdvi_env_setup,
						amdvi_env_teardown),
		cmocka_unit_test_setup_teardown(test_graph, amdvi_env_setup, amdvi_env_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
