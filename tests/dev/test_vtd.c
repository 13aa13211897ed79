// SPDX-License-Identifier: MIT
/*
 * The VT-d backend (src/dev/vtd.c) against a fake register file with a small
 * model of the unit: GSTS follows GCMD, a write to IQT consumes the queue
 * (logging each descriptor and doing the wait descriptors' status writes),
 * CCMD and IOTLB_REG complete at once, fault records are planted by the
 * test and cleared by writing 1 to F. Tables and the queue live in a hosted
 * arena that plays physical memory.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/vtd.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>

#include "fake_vtd.h"

static void expect_wait(struct fake *f, unsigned int i)
{
	assert_true(i < f->nr_desc);
	assert_true((f->desc[i][0] & 0xffffffffU) == (5U | 1U << 5)); /* wait, SW, no IF */
	assert_true(f->desc[i][1] % 4U == 0U);
	/* the last wait's sequence number is in the status word */
	if (i == f->nr_desc - 1U)
		assert_true(*(uint32_t *)cpu(f, f->desc[i][1]) == (uint32_t)(f->desc[i][0] >> 32));
	else
		assert_true(f->desc[i][1] == f->desc[f->nr_desc - 1U][1]);
}

static uint64_t iotlb_desc(unsigned int g, unsigned int did)
{
	return 2U | (uint64_t)g << 4 | (uint64_t)did << 16;
}

static void test_init_queued(void **state)
{
	struct fake f;
	struct vcm_vtd_cfg cfg;
	struct vcm_vtd *v;
	struct vcm_vtd_stats st;
	uint64_t root_pa;

	(void)state;
	fake_init(&f, CAP_BASE, ECAP_QI_IRO);
	cfg = cfg_of(&f, 0, 0);
	assert_int_equal(vcm_vtd_init(&cfg, &v, NULL), 0);
	/* root table, then queue, then translation; TE keeps QIE set */
	assert_int_equal(f.nr_gcmd, 3);
	assert_int_equal(f.gcmd[0], 1U << 30);
	assert_int_equal(f.gcmd[1], 1U << 26);
	assert_int_equal(f.gcmd[2], 1U << 31 | 1U << 26);
	assert_int_equal(get(&f, GSTS, 4), 1U << 31 | 1U << 30 | 1U << 26);
	root_pa = get(&f, 0x20, 8);
	assert_true(root_pa >= ARENA_PA && root_pa % 4096U == 0U);
	assert_true(get(&f, IQA, 8) % 4096U == 0U && get(&f, IQA, 8) != root_pa);
	/* context cache and IOTLB invalidated globally, then a wait */
	assert_int_equal(f.nr_desc, 3);
	assert_true(f.desc[0][0] == (1U | 1U << 4) && f.desc[0][1] == 0U);
	assert_true(f.desc[1][0] == iotlb_desc(1, 0) && f.desc[1][1] == 0U);
	expect_wait(&f, 2);
	vcm_vtd_get_stats(v, &st);
	assert_true(st.queued && st.descs == 2U && st.waits == 1U && st.ver == 0x10U);
	assert_true(st.cap == CAP_BASE);
	assert_int_equal(vcm_vtd_fini(v), 0);
	assert_int_equal(get(&f, GSTS, 4) & (1U << 31 | 1U << 26), 0);
	fake_fini(&f);
}

/* A table with a read-write 64 KiB run, a read-only page, and nothing else. */
static struct vcm_pt *make_pt(struct fake *f, struct vcm_hw_regs *hw)
{
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_vtd_ss, .ias = 39, .plat = &f->plat };
	struct vcm_pt *pt;

	assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
	assert_int_equal(vcm_pt_map(pt, 0x200000, 0x40000000, 0x10000,
				    VCM_PT_PROT_READ | VCM_PT_PROT_WRITE), 0);
	assert_int_equal(vcm_pt_map(pt, 0x300000, 0x40100000, 0x1000, VCM_PT_PROT_READ), 0);
	assert_int_equal(vcm_pt_hw(pt, hw), 0);
	return pt;
}

static uint64_t *ctx_entry_of(struct fake *f, uint16_t sid)
{
	uint64_t *root = cpu(f, get(f, 0x20, 8));
	uint64_t re = root[2U * (sid >> 8)];

	assert_true((re & 1U) != 0U);
	return (uint64_t *)cpu(f, re & ~UINT64_C(0xfff)) + 2U * (sid & 0xffU);
}

static void test_program_clear(void **state)
{
	struct fake f;
	struct vcm_vtd *v = up(&f, CAP_BASE, ECAP_QI_IRO, 0);
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw, hw2;
	struct vcm_pt *pt = make_pt(&f, &hw), *pt2 = make_pt(&f, &hw2);
	uint16_t sid = VCM_VTD_SID(0, 3, 0);
	uint64_t cc = 1U | 3U << 4 | UINT64_C(5) << 16 | (uint64_t)sid << 32;
	uint64_t *e;

	(void)state;
	assert_int_equal(vcm_vtd_dev_create(v, sid, 5, &d), 0);
	assert_int_equal(vcm_vtd_dev_sid(d), sid);
	assert_int_equal(vcm_vtd_dev_did(d), 5);
	/* a fault of no known device hands its hook NULL: the getters answer 0 */
	assert_int_equal(vcm_vtd_dev_sid(NULL), 0);
	assert_int_equal(vcm_vtd_dev_did(NULL), 0);
	e = ctx_entry_of(&f, sid);
	assert_true(e[0] == 0U && e[1] == 0U); /* blocked until programmed */
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	/* the entry: P, TT 00, the table's root; AW 001 (3 levels), DID 5 */
	assert_true(e[0] == hw.regs[0]);
	assert_true(e[1] == (hw.regs[1] | 5U << 8));
	assert_true((e[0] & ~UINT64_C(0xfff)) == hw.root_pa && (e[0] & 0xfffU) == 1U);
	assert_true((e[1] & 7U) == 1U && hw.levels == 3U);
	/* device-selective context cache, the domain's IOTLB, a wait */
	assert_int_equal(f.nr_desc, 3);
	assert_true(f.desc[0][0] == cc && f.desc[0][1] == 0U);
	assert_true(f.desc[1][0] == iotlb_desc(2, 5) && f.desc[1][1] == 0U);
	expect_wait(&f, 2);
	/* another table: the entry goes not present and is invalidated first */
	f.nr_desc = 0;
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw2), 0);
	assert_true(e[0] == hw2.regs[0] && e[1] == (hw2.regs[1] | 5U << 8));
	assert_int_equal(f.nr_desc, 6);
	assert_true(f.desc[0][0] == cc && f.desc[1][0] == iotlb_desc(2, 5));
	expect_wait(&f, 2);
	assert_true(f.desc[3][0] == cc && f.desc[4][0] == iotlb_desc(2, 5));
	expect_wait(&f, 5);
	assert_true(vcm_vtd_dev_ops.hw_version(d) == 0x10U);
	/* clear */
	f.nr_desc = 0;
	vcm_vtd_dev_ops.clear(d, VCM_BASE_LOW);
	assert_true(e[0] == 0U && e[1] == 0U);
	assert_int_equal(f.nr_desc, 3);
	assert_true(f.desc[0][0] == cc && f.desc[1][0] == iotlb_desc(2, 5));
	/* tlb ops on a cleared device do nothing */
	vcm_vtd_dev_ops.tlb_all(d, VCM_BASE_LOW);
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x200000, 0x1000, true);
	assert_int_equal(f.nr_desc, 3);
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	vcm_pt_destroy(pt2);
	fake_fini(&f);
}

/*
 * A dirty-tracking table (VCM_PT_CFG_DIRTY: leaves written with D clear) needs
 * SSADE, which only a scalable-mode PASID entry has (3.10, 9.6); vcm_pt_hw
 * says so in regs[2], and this driver, which loads legacy context entries,
 * refuses the table, the entry left blocked, rather than report no write.
 */
static void test_program_dirty(void **state)
{
	struct fake f;
	struct vcm_vtd *v = up(&f, CAP_BASE, ECAP_QI_IRO, 0);
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_vtd_ss, .ias = 39, .plat = &f.plat,
				  .flags = VCM_PT_CFG_DIRTY };
	uint16_t sid = VCM_VTD_SID(0, 4, 0);
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	uint64_t *e;

	(void)state;
	assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_true(hw.regs[2] == UINT64_C(1) << 9); /* SSADE */
	assert_int_equal(vcm_vtd_dev_create(v, sid, 6, &d), 0);
	e = ctx_entry_of(&f, sid);
	f.nr_desc = 0;
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_vtd_last_error(v), "hw->regs[2] 0x200: the table needs a "
						     "scalable-mode PASID entry"));
	assert_true(e[0] == 0U && e[1] == 0U);
	assert_int_equal(f.nr_desc, 0);
	vcm_pt_destroy(pt);
	/* the same table without the flag: nothing needed beyond the entry */
	cfg.flags = 0;
	assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt, &hw), 0);
	assert_true(hw.regs[2] == 0U);
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	assert_true(e[0] == hw.regs[0]);
	vcm_vtd_dev_ops.clear(d, VCM_BASE_LOW);
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
}

/*
 * 9.3 DID: "context-entries programmed with the same domain identifier must
 * always reference same address translation"; the IOTLB is tagged by DID.
 */
static void test_shared_did(void **state)
{
	struct fake f;
	struct vcm_vtd *v = up(&f, CAP_BASE, ECAP_QI_IRO, 0);
	struct vcm_vtd_dev *a, *b;
	struct vcm_hw_regs ha, hb;
	struct vcm_pt *pa = make_pt(&f, &ha), *pb = make_pt(&f, &hb);
	char want[128];
	uint64_t *eb;

	(void)state;
	assert_true(ha.root_pa != hb.root_pa);
	assert_int_equal(vcm_vtd_dev_create(v, 0x08, 5, &a), 0);
	assert_int_equal(vcm_vtd_dev_create(v, 0x10, 5, &b), 0);
	assert_int_equal(vcm_vtd_dev_ops.program(a, VCM_BASE_LOW, &ha), 0);
	f.nr_desc = 0;
	assert_int_equal(vcm_vtd_dev_ops.program(b, VCM_BASE_LOW, &hb), -EEXIST);
	snprintf(want, sizeof(want), "vcm_vtd_dev_ops.program: did 5: sid 0x8 uses it with "
		 "table %#llx", (unsigned long long)ha.root_pa);
	assert_string_equal(vcm_vtd_last_error(v), want);
	/* refused before anything was written or queued */
	eb = ctx_entry_of(&f, 0x10);
	assert_true(eb[0] == 0U && eb[1] == 0U);
	assert_int_equal(f.nr_desc, 0);
	/* the same table is fine; another one once the first device is cleared */
	assert_int_equal(vcm_vtd_dev_ops.program(b, VCM_BASE_LOW, &ha), 0);
	assert_true(eb[0] == ha.regs[0]);
	vcm_vtd_dev_ops.clear(a, VCM_BASE_LOW);
	assert_int_equal(vcm_vtd_dev_ops.program(b, VCM_BASE_LOW, &hb), 0);
	assert_true(eb[0] == hb.regs[0]);
	assert_int_equal(vcm_vtd_dev_ops.program(a, VCM_BASE_LOW, &ha), -EEXIST);
	assert_int_equal(vcm_vtd_dev_destroy(a), 0);
	assert_int_equal(vcm_vtd_dev_destroy(b), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pa);
	vcm_pt_destroy(pb);
	fake_fini(&f);
}

static uint64_t psi_lo(unsigned int did, bool drain)
{
	return iotlb_desc(3, did) | (drain ? 3U << 6 : 0U);
}

static void test_tlb_range(void **state)
{
	struct fake f;
	struct vcm_vtd *v = up(&f, CAP_BASE | CAP_DRAIN, ECAP_QI_IRO, 0);
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt = make_pt(&f, &hw);
	struct vcm_vtd_stats st;

	(void)state;
	assert_int_equal(vcm_vtd_dev_create(v, VCM_VTD_SID(1, 2, 3), 7, &d), 0);
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	/* an aligned 64 KiB block: one descriptor, mask 4, leaf hint */
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x210000, 0x10000, true);
	assert_int_equal(f.nr_desc, 2);
	assert_true(f.desc[0][0] == psi_lo(7, true));
	assert_true(f.desc[0][1] == (0x210000U | 1U << 6 | 4U));
	expect_wait(&f, 1);
	/* 0x1000..0x3fff: a page (mask 0), then an aligned pair (mask 1), no hint */
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x1000, 0x3000, false);
	assert_int_equal(f.nr_desc, 3);
	assert_true(f.desc[0][0] == psi_lo(7, true) && f.desc[0][1] == 0x1000U);
	assert_true(f.desc[1][0] == psi_lo(7, true) && f.desc[1][1] == (0x2000U | 1U));
	expect_wait(&f, 2);
	/* 1 GiB aligned: mask 18, CAP.MAMV */
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x40000000, 0x40000000, true);
	assert_int_equal(f.nr_desc, 2);
	assert_true(f.desc[0][1] == (0x40000000U | 1U << 6 | 18U));
	/* 2 GiB: two blocks of the largest mask */
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x80000000U, 0x80000000U, true);
	assert_int_equal(f.nr_desc, 3);
	assert_true(f.desc[0][1] == (0x80000000U | 1U << 6 | 18U));
	assert_true(f.desc[1][1] == (0xc0000000U | 1U << 6 | 18U));
	/* a ragged range needing more than four blocks: the whole domain */
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x1000, 0x7e000, false);
	assert_int_equal(f.nr_desc, 2);
	assert_true(f.desc[0][0] == (iotlb_desc(2, 7) | 3U << 6) && f.desc[0][1] == 0U);
	expect_wait(&f, 1);
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_all(d, VCM_BASE_LOW);
	assert_int_equal(f.nr_desc, 2);
	assert_true(f.desc[0][0] == (iotlb_desc(2, 7) | 3U << 6));
	/* another base register does not exist: nothing queued */
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_HIGH, 0x1000, 0x1000, true);
	assert_int_equal(f.nr_desc, 2);
	vcm_vtd_get_stats(v, &st);
	assert_true(st.psi == 6U && st.errors == 0U);
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
}

static void test_register_based(void **state)
{
	struct fake f;
	struct vcm_vtd_cfg cfg;
	struct vcm_vtd *v;
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	struct vcm_vtd_stats st;
	uint64_t ivt = UINT64_C(1) << 63;

	(void)state;
	fake_init(&f, CAP_BASE, ECAP_NO_QI);
	cfg = cfg_of(&f, 0, 0);
	assert_int_equal(vcm_vtd_init(&cfg, &v, NULL), 0);
	assert_int_equal(f.nr_gcmd, 2); /* SRTP, TE: no queue */
	assert_int_equal(f.gcmd[1], 1U << 31);
	assert_int_equal(f.nr_cmd, 2);
	assert_true(f.cmd[0][0] == CCMD && f.cmd[0][1] == (ivt | UINT64_C(1) << 61));
	assert_true(f.cmd[1][0] == IOTLB && f.cmd[1][1] == (ivt | UINT64_C(1) << 60));
	vcm_vtd_get_stats(v, &st);
	assert_false(st.queued);
	pt = make_pt(&f, &hw);
	assert_int_equal(vcm_vtd_dev_create(v, 0x0010, 2, &d), 0);
	f.nr_cmd = 0;
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	assert_int_equal(f.nr_cmd, 2);
	assert_true(f.cmd[0][1] == (ivt | UINT64_C(3) << 61 | 0x10U << 16 | 2U));
	assert_true(f.cmd[1][1] == (ivt | UINT64_C(2) << 60 | UINT64_C(2) << 32));
	f.nr_cmd = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x200000, 0x2000, true);
	assert_int_equal(f.nr_cmd, 1);
	assert_true(f.cmd[0][1] == (ivt | UINT64_C(3) << 60 | UINT64_C(2) << 32));
	assert_true(get(&f, IVA, 8) == (0x200000U | 1U << 6 | 1U));
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
	/* ECAP.QI present but register-based invalidation asked for */
	fake_init(&f, CAP_BASE, ECAP_QI_IRO);
	cfg = cfg_of(&f, VCM_VTD_REGISTER_INV, 0);
	assert_int_equal(vcm_vtd_init(&cfg, &v, NULL), 0);
	assert_int_equal(f.nr_cmd, 2);
	assert_int_equal(f.nr_desc, 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	fake_fini(&f);
}

static void test_timeout(void **state)
{
	struct fake f;
	struct vcm_vtd_cfg cfg;
	struct vcm_vtd *v;
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt;
	struct vcm_vtd_stats st;
	struct vcm_diag diag = { 0 };

	(void)state;
	/* GSTS never answers: init gives up and keeps nothing */
	fake_init(&f, CAP_BASE, ECAP_QI_IRO);
	f.stall_gsts = true;
	cfg = cfg_of(&f, 0, 40);
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -ETIMEDOUT);
	assert_non_null(strstr(diag.msg, "vcm_vtd_init: setting the root table pointer"));
	assert_non_null(strstr(diag.msg, "after 40 polls"));
	assert_true(f.relaxed >= 40U);
	fake_fini(&f);
	/* the unit stops consuming the queue: the wait times out */
	v = up(&f, CAP_BASE, ECAP_QI_IRO, 0);
	pt = make_pt(&f, &hw);
	assert_int_equal(vcm_vtd_dev_create(v, 0x0008, 3, &d), 0);
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	f.stall_wait = true;
	f.relaxed = 0;
	vcm_vtd_dev_ops.tlb_range(d, VCM_BASE_LOW, 0x200000, 0x1000, true);
	assert_true(f.relaxed >= 100U);
	vcm_vtd_get_stats(v, &st);
	assert_true(st.errors == 1U);
	assert_non_null(strstr(vcm_vtd_last_error(v), "vcm_vtd_dev_ops.tlb_range: wait descriptor"));
	assert_non_null(strstr(vcm_vtd_last_error(v), "no status write after 100 polls"));
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), -ETIMEDOUT);
	/* the unit comes back: the next wait completes */
	f.stall_wait = false;
	f.nr_desc = 0;
	vcm_vtd_dev_ops.tlb_all(d, VCM_BASE_LOW);
	vcm_vtd_get_stats(v, &st);
	assert_true(st.errors == 1U);
	/* a refused descriptor: -EIO, FSTS.IQE cleared */
	f.refuse = true;
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), -EIO);
	assert_non_null(strstr(vcm_vtd_last_error(v), "refused an invalidation descriptor"));
	assert_int_equal(get(&f, FSTS, 4) & (1U << 4), 0);
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
}

/*
 * 10.4.4: a unit that never acknowledges TE (or QIE) may still act on the
 * GCMD write. Init fails and writes the bit off again before it frees the
 * root table and the queue (vtd.h: the unit as it was, nothing kept).
 */
static void test_init_no_ack(void **state)
{
	static const struct { uint32_t bit, flags; const char *what; } c[3] = {
		{ 1U << 31, 0, "enabling translation" },
		{ 1U << 26, 0, "enabling queued invalidation" },
		{ 1U << 31, VCM_VTD_REGISTER_INV, "enabling translation" },
	};

	(void)state;
	for (unsigned int i = 0; i < 3U; i++) {
		struct fake f;
		struct vcm_vtd_cfg cfg;
		struct vcm_vtd *v = NULL;
		struct vcm_diag diag = { 0 };
		bool written = false;

		fake_init(&f, CAP_BASE, ECAP_QI_IRO);
		f.no_ack = c[i].bit;
		cfg = cfg_of(&f, c[i].flags, 40);
		assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -ETIMEDOUT);
		assert_null(v);
		assert_non_null(strstr(diag.msg, c[i].what));
		/* the bit was written, then written off: the last GCMD has no TE or QIE */
		for (unsigned int j = 0; j < f.nr_gcmd; j++)
			written |= (f.gcmd[j] & c[i].bit) != 0U;
		assert_true(written);
		assert_int_equal(f.gcmd[f.nr_gcmd - 1U] & (1U << 31 | 1U << 26), 0);
		fake_fini(&f);
	}
}

/*
 * A clear whose invalidation never completed leaves the unit free to use
 * the cached context entry: the next clear writes and invalidates again,
 * and so does dev_destroy, which returns the error when it fails too.
 */
static void test_clear_retried(void **state)
{
	struct fake f;
	struct vcm_vtd *v = up(&f, CAP_BASE, ECAP_QI_IRO, 0);
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt = make_pt(&f, &hw);
	uint16_t sid = VCM_VTD_SID(0, 3, 0);
	uint64_t cc = 1U | 3U << 4 | UINT64_C(5) << 16 | (uint64_t)sid << 32;
	struct vcm_vtd_stats st;
	uint64_t *e;

	(void)state;
	assert_int_equal(vcm_vtd_dev_create(v, sid, 5, &d), 0);
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	e = ctx_entry_of(&f, sid);
	f.stall_wait = true;
	f.nr_desc = 0;
	vcm_vtd_dev_ops.clear(d, VCM_BASE_LOW);
	assert_true(e[0] == 0U && e[1] == 0U);
	vcm_vtd_get_stats(v, &st);
	assert_true(st.errors == 1U);
	/* the unit is back: the next clear invalidates again (after the stalled batch) */
	f.stall_wait = false;
	vcm_vtd_dev_ops.clear(d, VCM_BASE_LOW);
	vcm_vtd_get_stats(v, &st);
	assert_true(st.errors == 1U);
	assert_int_equal(f.nr_desc, 6);
	assert_true(f.desc[3][0] == cc && f.desc[4][0] == iotlb_desc(2, 5));
	expect_wait(&f, 5);
	/* that one completed: a third clear has nothing to do */
	vcm_vtd_dev_ops.clear(d, VCM_BASE_LOW);
	assert_int_equal(f.nr_desc, 6);
	/* a failed clear, then dev_destroy: it waits again and reports the failure */
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	f.stall_wait = true;
	vcm_vtd_dev_ops.clear(d, VCM_BASE_LOW);
	f.relaxed = 0;
	assert_int_equal(vcm_vtd_dev_destroy(d), -ETIMEDOUT);
	assert_true(f.relaxed >= 100U);
	assert_non_null(strstr(vcm_vtd_last_error(v), "vcm_vtd_dev_destroy: wait descriptor"));
	f.stall_wait = false;
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
}

struct seen {
	struct vcm_fault f[8];
	struct vcm_vtd_dev *dev[8];
	unsigned int reason[8];
	unsigned int n;
	unsigned int planted;      /* records set before the poll */
	struct fake *fake;
};

static void on_fault(void *arg, struct vcm_vtd_dev *dev, const struct vcm_fault *fault,
		     unsigned int reason)
{
	struct seen *s = arg;

	unsigned int set = 0;

	assert_true(s->n < 8U);
	/* each record is clear before its callback runs */
	for (unsigned int i = 0; i < 2U; i++)
		set += (unsigned int)(get(s->fake, FRCD + 16U * i + 12U, 4) >> 31);
	assert_int_equal(set, s->planted - s->n - 1U);
	s->f[s->n] = *fault;
	s->dev[s->n] = dev;
	s->reason[s->n] = reason;
	s->n++;
}

static void plant(struct fake *f, unsigned int i, uint64_t da, unsigned int reason, bool read,
		  uint16_t sid)
{
	put(f, FRCD + 16U * i, da, 8);
	put(f, FRCD + 16U * i + 8U, UINT64_C(1) << 63 | (read ? UINT64_C(1) << 62 : 0U) |
	    (uint64_t)reason << 32 | sid, 8);
}

static void test_faults(void **state)
{
	struct fake f;
	struct vcm_vtd *v = up(&f, CAP_BASE, ECAP_QI_IRO, 0);
	struct vcm_vtd_dev *d;
	struct vcm_hw_regs hw;
	struct vcm_pt *pt = make_pt(&f, &hw);
	struct vcm_vtd_stats st;
	struct seen s = { .fake = &f, .planted = 2 };
	uint64_t pd_pa;

	(void)state;
	assert_int_equal(vcm_vtd_dev_create(v, 0x0018, 5, &d), 0);
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &hw), 0);
	assert_int_equal(vcm_vtd_poll_faults(v, on_fault, &s), 0);
	/* a write to the read-only page, a read of an unmapped 2M region; FRI 1 first */
	plant(&f, 0, 0x300000, 5, false, 0x0018);
	plant(&f, 1, 0x400000, 6, true, 0x0018);
	put(&f, FSTS, 1U << 8 | 1U << 1 | 1U, 4); /* FRI 1, PPF, PFO */
	assert_int_equal(vcm_vtd_poll_faults(v, on_fault, &s), 2);
	assert_int_equal(s.n, 2);
	assert_true(s.f[0].da == 0x400000U && s.f[0].access == VCM_ACCESS_READ);
	assert_int_equal(s.f[0].kind, VCM_FAULT_TRANSLATION);
	assert_int_equal(s.f[0].level, 2); /* the SS-PDE for 0x400000 is empty */
	pd_pa = *(uint64_t *)cpu(&f, hw.root_pa) & UINT64_C(0xffffffffff000);
	assert_true(s.f[0].desc_pa == pd_pa + 8U * 2U);
	assert_true(((uint64_t *)cpu(&f, pd_pa))[2] == 0U);
	assert_true(s.f[1].da == 0x300000U && s.f[1].access == VCM_ACCESS_WRITE);
	assert_int_equal(s.f[1].kind, VCM_FAULT_PERMISSION);
	assert_int_equal(s.f[1].level, 1);
	assert_true(s.f[1].stream == 0x18U && s.f[1].ctx == 5U && s.dev[1] == d);
	assert_int_equal(s.reason[0], 6);
	assert_int_equal(s.reason[1], 5);
	assert_int_equal(get(&f, FSTS, 4) & 1U, 0); /* PFO cleared */
	vcm_vtd_get_stats(v, &st);
	assert_true(st.faults == 2U && st.lost == 1U);
	/* reasons decoded without a walk: no context, address size, external, type */
	s.n = 0;
	put(&f, FSTS, 0, 4); /* FRI 0 */
	plant(&f, 0, 0x5000, 2, true, 0x0020);
	plant(&f, 1, UINT64_C(1) << 40, 4, false, 0x0018);
	assert_int_equal(vcm_vtd_poll_faults(v, on_fault, &s), 2);
	assert_int_equal(s.f[0].kind, VCM_FAULT_TRANSLATION);
	assert_true(s.dev[0] == NULL && s.f[0].ctx == 0U && s.f[0].stream == 0x20U);
	assert_true(s.f[0].desc_pa != VCM_FAULT_DESC_NONE);
	assert_int_equal(s.f[1].kind, VCM_FAULT_ADDR_SIZE);
	s.n = 0;
	plant(&f, 0, 0x5000, 7, true, 0x0018);
	plant(&f, 1, 0x5000, 0xd, true, 0x0018);
	assert_int_equal(vcm_vtd_poll_faults(v, NULL, NULL), 2);
	plant(&f, 0, 0x5000, 7, true, 0x0018);
	plant(&f, 1, 0x5000, 0xd, true, 0x0018);
	assert_int_equal(vcm_vtd_poll_faults(v, on_fault, &s), 2);
	assert_int_equal(s.f[0].kind, VCM_FAULT_EXTERNAL);
	assert_int_equal(s.f[1].kind, VCM_FAULT_CONFIG);
	assert_int_equal(s.f[1].level, VCM_FAULT_LEVEL_NONE);
	assert_int_equal(vcm_vtd_poll_faults(v, on_fault, &s), 0);
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
}

static void test_bad_args(void **state)
{
	struct fake f;
	struct vcm_vtd_cfg cfg;
	struct vcm_vtd *v;
	struct vcm_vtd_dev *d, *d2;
	struct vcm_hw_regs hw, bad;
	struct vcm_pt *pt;
	struct vcm_diag diag = { 0 };
	struct vcm_mmio_ops no_write = fake_ops;
	struct vcm_plat_ops no_pa = { 0 };

	(void)state;
	fake_init(&f, CAP_BASE & ~UINT64_C(7), ECAP_QI_IRO); /* ND 0: 16 domain ids */
	assert_int_equal(vcm_vtd_init(NULL, &v, &diag), -EINVAL);
	assert_string_equal(diag.msg, "vcm_vtd_init: cfg is NULL");
	cfg = cfg_of(&f, 0, 0);
	assert_int_equal(vcm_vtd_init(&cfg, NULL, &diag), -EINVAL);
	assert_string_equal(diag.msg, "vcm_vtd_init: out is NULL");
	no_write.write64 = NULL;
	cfg.mmio.ops = &no_write;
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "cfg->mmio.ops"));
	cfg = cfg_of(&f, 0, 0);
	cfg.plat = &no_pa;
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "cfg->plat lacks"));
	cfg = cfg_of(&f, 0x6, 0);
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -EINVAL);
	assert_string_equal(diag.msg, "vcm_vtd_init: cfg->flags 0x6: unknown bits 0x6");
	cfg = cfg_of(&f, 0, 0);
	put(&f, 0x08, ~UINT64_C(0), 8);
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -ENODEV);
	assert_non_null(strstr(diag.msg, "no remapping unit"));
	put(&f, 0x08, CAP_BASE & ~UINT64_C(7), 8);
	put(&f, GSTS, 1U << 31, 4);
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), -EBUSY);
	assert_non_null(strstr(diag.msg, "already on"));
	put(&f, GSTS, 0, 4);
	assert_int_equal(vcm_vtd_init(&cfg, &v, &diag), 0);
	pt = make_pt(&f, &hw);

	assert_int_equal(vcm_vtd_dev_create(NULL, 1, 1, &d), -EINVAL);
	assert_int_equal(vcm_vtd_dev_create(v, 1, 1, NULL), -EINVAL);
	assert_string_equal(vcm_vtd_last_error(v), "vcm_vtd_dev_create: out is NULL");
	assert_int_equal(vcm_vtd_dev_create(v, 1, 0, &d), -EINVAL);
	assert_string_equal(vcm_vtd_last_error(v), "vcm_vtd_dev_create: did 0 is reserved");
	assert_int_equal(vcm_vtd_dev_create(v, 1, 16, &d), -ERANGE);
	assert_string_equal(vcm_vtd_last_error(v),
			    "vcm_vtd_dev_create: did 16: the unit has 16 domain ids (CAP.ND)");
	assert_int_equal(vcm_vtd_dev_create(v, 1, 9, &d), 0);
	assert_int_equal(vcm_vtd_dev_create(v, 1, 9, &d2), -EEXIST);
	assert_string_equal(vcm_vtd_last_error(v), "vcm_vtd_dev_create: sid 0x1 already has a device");

	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_HIGH, &hw), -EINVAL);
	assert_non_null(strstr(vcm_vtd_last_error(v), "vcm_vtd_dev_ops.program: base 1"));
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, NULL), -EINVAL);
	bad = hw;
	bad.fmt = "armv8";
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &bad), -EINVAL);
	assert_non_null(strstr(vcm_vtd_last_error(v), "hw->fmt 'armv8'"));
	bad = hw;
	bad.regs[0] |= 2U << 2; /* TT 10: pass-through */
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &bad), -EINVAL);
	assert_non_null(strstr(vcm_vtd_last_error(v), "hw->regs[0]"));
	bad = hw;
	bad.regs[1] |= 4U << 8;
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &bad), -EINVAL);
	assert_non_null(strstr(vcm_vtd_last_error(v), "the domain id is the device's"));
	bad = hw;
	bad.regs[1] = 3; /* 5 levels: SAGAW has 39 and 48 bits only */
	assert_int_equal(vcm_vtd_dev_ops.program(d, VCM_BASE_LOW, &bad), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_vtd_last_error(v), "AW 3 (5 levels)"));
	/* nothing was written by the refusals */
	assert_true(ctx_entry_of(&f, 1)[0] == 0U);
	assert_int_equal(vcm_vtd_fini(v), -EBUSY);
	assert_non_null(strstr(vcm_vtd_last_error(v), "vcm_vtd_fini: device 0x1 still exists"));
	assert_int_equal(vcm_vtd_poll_faults(NULL, NULL, NULL), -EINVAL);
	assert_int_equal(vcm_vtd_dev_destroy(d), 0);
	assert_int_equal(vcm_vtd_dev_destroy(NULL), 0);
	assert_int_equal(vcm_vtd_fini(v), 0);
	assert_int_equal(vcm_vtd_fini(NULL), 0);
	vcm_pt_destroy(pt);
	fake_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_queued),
		cmocka_unit_test(test_program_clear),
		cmocka_unit_test(test_program_dirty),
		cmocka_unit_test(test_shared_did),
		cmocka_unit_test(test_tlb_range),
		cmocka_unit_test(test_register_based),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_init_no_ack),
		cmocka_unit_test(test_clear_retried),
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_bad_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
