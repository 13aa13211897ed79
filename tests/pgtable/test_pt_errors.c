// SPDX-License-Identifier: MIT
/*
 * Every way a caller can get the page-table interface wrong: each gives the
 * documented errno, a message that starts with the public call made and names
 * the argument, and changes nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/err.h>
#include "pt_fixture.h"

/* @msg is "@fn: ..." and contains @text. */
static void check_msg(const char *msg, const char *fn, const char *text, int line)
{
	size_t n = strlen(fn);

	if (strncmp(msg, fn, n) != 0 || msg[n] != ':' || msg[n + 1] != ' ')
		fail_msg("line %d: message '%s' does not start with '%s: '", line, msg, fn);
	if (strstr(msg, text) == NULL)
		fail_msg("line %d: message '%s' does not name '%s'", line, msg, text);
}

/* @call returns @err and records "@fn: ...@text..." on @pt. */
#define EXPECT(pt, call, err, fn, text)                                      \
	do {                                                                   \
		assert_int_equal((call), (err));                               \
		check_msg(vcm_pt_last_error(pt), (fn), (text), __LINE__);      \
	} while (0)
#define EXPECT_MAP(pt, call, err, text)   EXPECT(pt, call, err, "vcm_pt_map", text)
#define EXPECT_UNMAP(pt, call, err, text) EXPECT(pt, call, err, "vcm_pt_unmap", text)

static void test_create_errors(void **state)
{
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(1 << 20, 0x40000000);
	struct vcm_plat_ops ops, broken;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8 };
	struct vcm_diag d = { 0 };
	struct vcm_pt *pt = (void *)1;
	uint64_t free0;

	(void)state;
	vcm_plat_arena_ops(a, &ops);
	free0 = vcm_plat_arena_free_bytes(a);
	assert_int_equal(vcm_pt_create(&cfg, NULL, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_create", "out", __LINE__);
	assert_int_equal(vcm_pt_create(NULL, &pt, &d), -EINVAL);
	assert_null(pt);
	check_msg(d.msg, "vcm_pt_create", "cfg", __LINE__);
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_create", "cfg->plat", __LINE__);
	/* the same checks without a platform, allocating nothing */
	assert_int_equal(vcm_pt_cfg_check(&cfg, &d), 0);
	assert_int_equal(vcm_pt_cfg_check(NULL, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_cfg_check", "cfg is NULL", __LINE__);
	assert_int_equal(vcm_pt_cfg_check(&(struct vcm_pt_cfg){ 0 }, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_cfg_check", "cfg->fmt is NULL", __LINE__);
	assert_int_equal(vcm_pt_cfg_check(&(struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8,
								 .ias = 99 }, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_cfg_check", "cfg->ias 99", __LINE__);
	assert_int_equal(vcm_plat_arena_free_bytes(a), free0);
	broken = ops;
	broken.pa_to_cpu = NULL;
	cfg.plat = &broken;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_create", "pa_to_cpu", __LINE__);
	cfg.fmt = NULL;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	check_msg(d.msg, "vcm_pt_create", "cfg->fmt", __LINE__);
	cfg.plat = &ops;

	struct {
		uint32_t flags;
		unsigned int ias, oas, g;
		uint64_t sizes, mair;
		const struct vcm_pt_fmt *fmt;
		const char *field;
	} bad[] = {
		{ 0x80000000U, 0, 0, 0, 0, 0, &vcm_pt_fmt_armv8, "cfg->flags" },
		{ 0, 0, 0, 13, 0, 0, &vcm_pt_fmt_armv8, "cfg->granule_lg2 13" },
		{ 0, 24, 0, 0, 0, 0, &vcm_pt_fmt_armv8, "cfg->ias 24" },
		{ 0, 49, 0, 0, 0, 0, &vcm_pt_fmt_armv8, "cfg->ias 49" },
		{ 0, 0, 38, 0, 0, 0, &vcm_pt_fmt_armv8, "cfg->oas 38" },
		{ 0, 0, 0, 0, 0x3000, 0, &vcm_pt_fmt_armv8, "cfg->page_sizes" },
		{ 0, 0, 0, 0, 0x200000, 0, &vcm_pt_fmt_armv8, "lacks the granule" },
		{ VCM_PT_CFG_STAGE2, 0, 0, 0, 0, 0xff, &vcm_pt_fmt_armv8, "cfg->mair" },
		{ VCM_PT_CFG_STAGE2 | VCM_PT_CFG_SECURE, 0, 0, 0, 0, 0, &vcm_pt_fmt_armv8, "Secure stage 2" },
		{ 0, 0, 0, 14, 0, 0, &vcm_pt_fmt_armv7s, "cfg->granule_lg2 14" },
		{ 0, 33, 0, 0, 0, 0, &vcm_pt_fmt_armv7s, "cfg->ias 33" },
		{ 0, 0, 40, 0, 0, 0, &vcm_pt_fmt_armv7s, "cfg->oas 40" },
		{ VCM_PT_CFG_STAGE2, 0, 0, 0, 0, 0, &vcm_pt_fmt_armv7s, "no stage 2" },
		{ 0, 0, 0, 0, 0, 0xff, &vcm_pt_fmt_armv7s, "cfg->mair" },
		{ 0, 0, 0, 0, 0x200000, 0, &vcm_pt_fmt_armv7s, "cfg->page_sizes" },
		/* RISC-V */
		{ VCM_PT_CFG_RISCV_SVNAPOT, 0, 0, 0, 0, 0, &vcm_pt_fmt_armv8, "RISC-V extensions" },
		{ VCM_PT_CFG_RISCV_SVPBMT, 0, 0, 0, 0, 0, &vcm_pt_fmt_armv7s, "RISC-V extensions" },
		{ VCM_PT_CFG_RISCV_SVNAPOT, 0, 0, 0, 0, 0, &vcm_pt_fmt_x86_64, "RISC-V extensions on x86_64" },
		{ VCM_PT_CFG_RISCV_SVPBMT, 0, 0, 0, 0, 0, &vcm_pt_fmt_vtd_ss, "RISC-V extensions on vtd_ss" },
		{ VCM_PT_CFG_RISCV_SVNAPOT, 0, 0, 0, 0, 0, &vcm_pt_fmt_amdv1, "RISC-V extensions on amdv1" },
		{ 0, 0, 0, 16, 0, 0, &vcm_pt_fmt_riscv, "cfg->granule_lg2 16" },
		{ 0, 40, 0, 0, 0, 0, &vcm_pt_fmt_riscv, "cfg->ias 40" },
		{ 0, 0, 57, 0, 0, 0, &vcm_pt_fmt_riscv, "cfg->oas 57" },
		/* the G-stage takes the x4 widths, Sv32 32 and Sv32x4 34 */
		{ VCM_PT_CFG_STAGE2, 39, 0, 0, 0, 0, &vcm_pt_fmt_riscv, "cfg->ias 39: the riscv G-stage" },
		{ 0, 41, 0, 0, 0, 0, &vcm_pt_fmt_riscv, "cfg->ias 41" },
		{ 0, 34, 0, 0, 0, 0, &vcm_pt_fmt_riscv32, "cfg->ias 34: riscv32 takes 32 (Sv32)" },
		{ VCM_PT_CFG_STAGE2, 32, 0, 0, 0, 0, &vcm_pt_fmt_riscv32, "riscv32 takes 34 (Sv32x4)" },
		{ 0, 0, 35, 0, 0, 0, &vcm_pt_fmt_riscv32, "cfg->oas 35" },
		{ 0, 0, 0, 0, 0x200000, 0, &vcm_pt_fmt_riscv32, "cfg->page_sizes" },
		{ VCM_PT_CFG_RISCV_SVNAPOT, 0, 0, 0, 0, 0, &vcm_pt_fmt_riscv32,
		  "RISC-V extensions on riscv32" },
		{ VCM_PT_CFG_RISCV_SVPBMT, 0, 0, 0, 0, 0, &vcm_pt_fmt_riscv32,
		  "RISC-V extensions on riscv32" },
		{ VCM_PT_CFG_SECURE, 0, 0, 0, 0, 0, &vcm_pt_fmt_riscv32, "no Secure state" },
		{ VCM_PT_CFG_SECURE, 0, 0, 0, 0, 0, &vcm_pt_fmt_riscv, "no Secure state" },
		{ 0, 0, 0, 0, 0, 0xff, &vcm_pt_fmt_riscv, "cfg->mair" },
		{ 0, 0, 0, 0, 0x10000, 0, &vcm_pt_fmt_riscv, "cfg->page_sizes" }, /* 64K without Svnapot */
		{ 0, 0, 0, 0, 0x200000, 0, &vcm_pt_fmt_riscv, "lacks the granule" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg.fmt = bad[i].fmt;
		cfg.flags = bad[i].flags;
		cfg.ias = bad[i].ias;
		cfg.oas = bad[i].oas;
		cfg.granule_lg2 = bad[i].g;
		cfg.page_sizes = bad[i].sizes;
		cfg.mair = bad[i].mair;
		assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
		check_msg(d.msg, "vcm_pt_create", bad[i].field, (int)i);
		assert_null(pt);
		assert_int_equal(vcm_plat_arena_free_bytes(a), free0);
	}
	vcm_plat_hosted_arena_delete(a);
}

/* No room for the top-level table: -ENOMEM and the metadata is given back. */
static void test_create_enomem(void **state)
{
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(16 << 10, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv7s, .plat = &ops };
	struct vcm_diag d = { 0 };
	struct vcm_pt *pt;
	uint64_t free0;

	(void)state;
	vcm_plat_arena_ops(a, &ops);
	free0 = vcm_plat_arena_free_bytes(a);
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -ENOMEM); /* 16 KiB L1 does not fit */
	check_msg(d.msg, "vcm_pt_create", "top level", __LINE__);
	assert_int_equal(vcm_plat_arena_free_bytes(a), free0);
	vcm_plat_hosted_arena_delete(a);
}

static int check_nothing(void *arg, const struct vcm_pt_leaf *leaf)
{
	(void)arg;
	(void)leaf;
	return 1;
}

static void test_map_errors(void **state)
{
	struct pt_fixture f;
	struct vcm_pt_leaf l;
	uint64_t top = UINT64_C(1) << 48, unmapped;
	const unsigned int r = VCM_PT_PROT_READ;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s1-4k-48"), 0);
	/* prot 0 on a fresh table: the memo of the last prot must not let it through */
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, 0), -EINVAL, "READ");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0x1000, 0x2000, 0, r), -EINVAL, "len is 0");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0x1800, 0x2000, 0x1000, r), -EINVAL, "da 0x1800");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0x1000, 0x2800, 0x1000, r), -EINVAL, "pa 0x2800");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0x1000, 0x2000, 0x1800, r), -EINVAL, "len 0x1800");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, ~UINT64_C(0xfff), 0, 0x2000, r), -EOVERFLOW, "wraps");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, top - 0x1000, 0, 0x2000, r), -ERANGE, "48-bit input");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, top - 0x1000, 0x2000, r), -ERANGE, "48-bit output");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, ~UINT64_C(0xfff), 0x2000, r), -EOVERFLOW,
		   "pa 0xfffffffffffff000");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | 0x80), -EINVAL, "unknown bit 0x80");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, VCM_PT_PROT_WRITE), -EINVAL, "READ");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_DEVICE |
					   VCM_PT_PROT_INNER(VCM_PT_CACHE_NC)), -EINVAL, "device");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_SH(3)), -EINVAL,
		   "reserved share");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_SECURE), -EOPNOTSUPP,
		   "Secure state");
	/* one range has no piece index; the same checks name piece i of a list */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x2800, 0x1000, r), -EINVAL);
	assert_string_equal(vcm_pt_last_error(f.pt), "vcm_pt_map: pa 0x2800 is not 0x1000-aligned");
	assert_int_equal(vcm_pt_map_segs(f.pt, 0x1000, &(struct vcm_seg){ 0x2800, 0x1000 }, 1, r),
			 -EINVAL);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map_segs: seg[0]: pa 0x2800 is not 0x1000-aligned");
	/* map_sizes reports as itself, whichever check refuses */
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0, 0, 0x1000, r, 0x400), -EINVAL, "vcm_pt_map_sizes",
	       "sizes 0x400 lacks the granule 0x1000");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0, 0, 0x200000, r, 0x200000), -EINVAL,
	       "vcm_pt_map_sizes", "sizes 0x200000 lacks the granule");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0x1000, 0, 0x200000, r, 0x200000), -EINVAL,
	       "vcm_pt_map_sizes", "sizes 0x200000 lacks the granule");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0x1800, 0, 0x1000, r, 0x1000), -EINVAL,
	       "vcm_pt_map_sizes", "da 0x1800");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_SECURE, 0x1000),
	       -EOPNOTSUPP, "vcm_pt_map_sizes", "Secure state");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0, 0, 0x1000, 0, 0x1000), -EINVAL,
	       "vcm_pt_map_sizes", "READ");
	/* nothing of the above left a trace */
	EXPECT(f.pt, vcm_pt_walk(f.pt, 0, top, NULL, NULL), -EINVAL, "vcm_pt_walk", "fn is NULL");
	EXPECT(f.pt, vcm_pt_walk(f.pt, 0, 0, NULL, NULL), -EINVAL, "vcm_pt_walk", "fn is NULL");
	assert_int_equal(f.nblocks, 1);
	assert_int_equal(vcm_pt_check_(f.pt), 0);

	/* overlap on either side: -EEXIST, and the part written first is undone */
	assert_int_equal(vcm_pt_map(f.pt, 0x200000, 0x40000000, 0x200000, r), 0);
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0x100000, 0, 0x200000, r), -EEXIST,
		   "0x200000 is already mapped");
	assert_int_equal(vcm_pt_lookup(f.pt, 0x100000, &l), -ENOENT);
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0x3ff000, 0, 0x2000, r), -EEXIST, "already mapped");
	assert_int_equal(vcm_pt_lookup(f.pt, 0x400000, &l), -ENOENT);
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0x3ff000, 0, 0x2000, r, 0x1000), -EEXIST,
	       "vcm_pt_map_sizes", "already mapped");
	model_map(&f.md, 0x200000, 0x40000000, 0x200000, r);
	assert_int_equal(ptf_check(&f, 1), 0);

	EXPECT_UNMAP(f.pt, vcm_pt_unmap(f.pt, 0x1000, 0, &unmapped), -EINVAL, "len is 0");
	EXPECT_UNMAP(f.pt, vcm_pt_unmap(f.pt, 0x1800, 0x1000, &unmapped), -EINVAL, "da 0x1800");
	EXPECT_UNMAP(f.pt, vcm_pt_unmap(f.pt, top - 0x1000, 0x2000, &unmapped), -ERANGE,
		     "48-bit input");
	EXPECT_UNMAP(f.pt, vcm_pt_unmap(f.pt, 0x1000, 0x1000, &unmapped), -ENOENT,
		     "nothing mapped");
	assert_int_equal(unmapped, 0);
	EXPECT(f.pt, vcm_pt_lookup(f.pt, top, &l), -ERANGE, "vcm_pt_lookup", "48-bit input");
	EXPECT(f.pt, vcm_pt_lookup(f.pt, 0, NULL), -EINVAL, "vcm_pt_lookup", "out is NULL");
	EXPECT(f.pt, vcm_pt_hw(f.pt, NULL), -EINVAL, "vcm_pt_hw", "out is NULL");
	EXPECT(f.pt, vcm_pt_walk(f.pt, top - 0x1000, 0x2000, check_nothing, NULL), -ERANGE,
	       "vcm_pt_walk", "48-bit input");

	/* a NULL handle is refused by every call that takes one */
	assert_int_equal(vcm_pt_map(NULL, 0, 0, 0x1000, r), -EINVAL);
	assert_int_equal(vcm_pt_map_sizes(NULL, 0, 0, 0x1000, r, 0x1000), -EINVAL);
	assert_int_equal(vcm_pt_unmap(NULL, 0, 0x1000, &unmapped), -EINVAL);
	assert_int_equal(vcm_pt_lookup(NULL, 0, &l), -EINVAL);
	assert_int_equal(vcm_pt_walk(NULL, 0, 0x1000, check_nothing, NULL), -EINVAL);
	assert_int_equal(vcm_pt_hw(NULL, &(struct vcm_hw_regs){ 0 }), -EINVAL);
	assert_int_equal(vcm_pt_check_(NULL), -EINVAL);
	assert_int_equal(vcm_pt_page_sizes(NULL), 0);
	assert_int_equal(vcm_pt_ias(NULL), 0);
	assert_int_equal(vcm_pt_table_bytes(NULL), 0);
	assert_string_equal(vcm_pt_last_error(NULL), "not a live page table");
	assert_int_equal(vcm_pt_destroy(NULL), 0);
	ptf_fini(&f);
}

#define EXPECT_SEGS(pt, call, err, text) EXPECT(pt, call, err, "vcm_pt_map_segs", text)

/*
 * vcm_pt_map_segs(): every piece is checked before a write and a bad one is
 * named by its index; a piece over a mapping or table memory running out
 * halfway leaves the table as it was; edge values (one piece, the top of the
 * spaces, a length sum that wraps).
 */
static void test_map_segs_errors(void **state)
{
	struct pt_fixture f;
	struct vcm_pt_leaf l;
	const uint64_t top = UINT64_C(1) << 48, pg = 0x1000, omax = top - pg;
	const unsigned int r = VCM_PT_PROT_READ;
	struct vcm_seg seg[4] = { { 0x10000, pg }, { 0x30000, pg }, { 0x50000, pg },
				  { 0x70000, pg } };
	struct vcm_seg bad[4];
	uint64_t free0;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s1-4k-48"), 0);
	free0 = vcm_plat_arena_free_bytes(f.arena);
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, NULL, 1, r), -EINVAL, "seg is NULL");
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, seg, 0, r), -EINVAL, "nr is 0");
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, seg, 4, 0), -EINVAL, "READ");
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, seg, 4, r | 0x80), -EINVAL, "unknown bit");
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, seg, 4, r | VCM_PT_PROT_SECURE), -EOPNOTSUPP,
		    "Secure state");
	memcpy(bad, seg, sizeof(bad));
	bad[2].len = 0;
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, bad, 4, r), -EINVAL, "seg[2]: len is 0");
	bad[2].len = 0x1800;
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, bad, 4, r), -EINVAL,
		    "seg[2]: len 0x1800 is not a multiple of 0x1000");
	memcpy(bad, seg, sizeof(bad));
	bad[3].pa = 0x70800;
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, bad, 4, r), -EINVAL,
		    "seg[3]: pa 0x70800 is not 0x1000-aligned");
	bad[3].pa = ~(pg - 1U);
	bad[3].len = 2 * pg;
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, bad, 4, r), -EOVERFLOW, "seg[3]: pa");
	bad[3].pa = omax;
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, bad, 4, r), -ERANGE,
		    "seg[3]: pa 0xfffffffff000 + len 0x2000 is beyond the 48-bit output space");
	memcpy(bad, seg, sizeof(bad));
	bad[1].len = ~(pg - 1U);
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, bad, 4, r), -EOVERFLOW, "seg[1]: pa 0x30000");
	{
		/* 2^16 pieces of the whole output space: the last brings the sum to 2^64 */
		const uint64_t n = UINT64_C(1) << 16;
		struct vcm_seg *all = calloc((size_t)n, sizeof(*all));

		assert_non_null(all);
		for (uint64_t i = 0; i < n; i++)
			all[i] = (struct vcm_seg){ 0, top };
		EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, all, n, r), -EOVERFLOW,
			    "seg[65535]: the lengths add up past 2^64");
		/* two of them: no wrap, but past the input space */
		EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0, all, 2, r), -ERANGE, "48-bit input");
		free(all);
	}
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0x1800, seg, 4, r), -EINVAL, "da 0x1800");
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, top - 3 * pg, seg, 4, r), -ERANGE,
		    "48-bit input");
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, ~(2 * pg - 1U), seg, 4, r), -EOVERFLOW, "wraps");
	assert_int_equal(vcm_pt_map_segs(NULL, 0, seg, 4, r), -EINVAL);
	/* nothing of the above left a trace */
	assert_int_equal(f.nblocks, 1);
	assert_int_equal(vcm_plat_arena_free_bytes(f.arena), free0);

	/* a piece lands on a mapping: the pieces before it are undone */
	assert_int_equal(vcm_pt_map(f.pt, 0x203000, 0x40000000, pg, r), 0);
	/* named by the piece, its da and pa, not only the da */
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0x200000, seg, 4, r), -EEXIST,
		    "piece 3 of 4: da 0x203000 (pa 0x70000) is already mapped");
	for (unsigned int i = 0; i < 3; i++)
		assert_int_equal(vcm_pt_lookup(f.pt, 0x200000 + i * pg, &l), -ENOENT);
	model_map(&f.md, 0x203000, 0x40000000, pg, r);
	assert_int_equal(ptf_check(&f, 1), 0);

	/* table memory gives out after the first table: nothing is kept */
	f.fail_after = 1;
	EXPECT_SEGS(f.pt, vcm_pt_map_segs(f.pt, 0x7fffe000, seg, 4, r), -ENOMEM, "no table memory");
	f.fail_after = -1;
	assert_int_equal(ptf_check(&f, 2), 0);
	assert_int_equal(vcm_pt_lookup(f.pt, 0x7fffe000, &l), -ENOENT);

	/* edge values: one piece is vcm_pt_map(); the last page of both spaces */
	assert_int_equal(vcm_pt_map_segs(f.pt, top - pg, &(struct vcm_seg){ omax, pg }, 1, r), 0);
	model_map(&f.md, top - pg, omax, pg, r);
	/* pieces of differing sizes, a 2M block among them, across a table's end */
	{
		const struct vcm_seg mix[3] = { { 0x600000, 0x1ff000 }, { 0x800000, 0x200000 },
						{ 0x1000, pg } };
		const vcm_da_t da = 0x40001000;

		assert_int_equal(vcm_pt_map_segs(f.pt, da, mix, 3, r), 0);
		model_map(&f.md, da, mix[0].pa, mix[0].len, r);
		model_map(&f.md, da + mix[0].len, mix[1].pa, mix[1].len, r);
		model_map(&f.md, da + mix[0].len + mix[1].len, mix[2].pa, mix[2].len, r);
		assert_int_equal(ptf_check_greedy(&f, da + mix[0].len, mix[1].pa, mix[1].len,
						  ~UINT64_C(0)), 0);
		assert_int_equal(vcm_pt_lookup(f.pt, da + mix[0].len, &l), 0);
		assert_int_equal(l.size_lg2, 21);
	}
	assert_int_equal(ptf_check(&f, 3), 0);
	ptf_fini(&f);
}

/* What each format cannot express is refused, not approximated. */
static void test_format_refusals(void **state)
{
	struct pt_fixture f;
	const unsigned int r = VCM_PT_PROT_READ;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s2-4k-40"), 0);
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_USER), -EOPNOTSUPP,
		   "stage 2");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_NONGLOBAL), -EOPNOTSUPP,
		   "stage 2");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0, 0, 0x1000,
				      r | VCM_PT_PROT_INNER(VCM_PT_CACHE_WBNWA) |
					      VCM_PT_PROT_OUTER(VCM_PT_CACHE_WBNWA), 0x1000),
	       -EOPNOTSUPP, "vcm_pt_map_sizes", "write-allocate");
	ptf_fini(&f);

	ptf_init(&f, ptf_config("armv7s-32"), 0);
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_SH(VCM_PT_SH_INNER)),
		   -EOPNOTSUPP, "inner-shareable");
	EXPECT(f.pt, vcm_pt_map_sizes(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_SH(VCM_PT_SH_INNER),
				      0x1000), -EOPNOTSUPP, "vcm_pt_map_sizes", "inner-shareable");
	EXPECT_MAP(f.pt, vcm_pt_map(f.pt, 0, 0, 0x1000, r | VCM_PT_PROT_SECURE), -EOPNOTSUPP,
		   "Secure state");
	ptf_fini(&f);

	/* A Secure-state armv7s table maps Secure memory with sections only... */
	ptf_init(&f, ptf_config("armv7s-32-secure"), 0);
	/* the sizes listed one by one (1M|16M, not the bitmap 0x1100000 read as one size) */
	assert_int_equal(vcm_pt_map(f.pt, 0x100000, 0, 0x1000, r | VCM_PT_PROT_SECURE),
			 -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map: prot 0x11 can use only leaves of 1M|16M here, and the "
			    "range is not 0x100000-aligned");
	/* the same refusal for a piece of a list, and for its da */
	assert_int_equal(vcm_pt_map_segs(f.pt, 0x100000, (const struct vcm_seg[2]){
						 { 0x100000, 0x100000 }, { 0x300000, 0x1000 } },
					 2, r | VCM_PT_PROT_SECURE), -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map_segs: seg[1]: prot 0x11 can use only leaves of 1M|16M "
			    "here, and the piece is not 0x100000-aligned");
	assert_int_equal(vcm_pt_map_segs(f.pt, 0x1000, &(struct vcm_seg){ 0, 0x100000 }, 1,
					 r | VCM_PT_PROT_SECURE), -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map_segs: prot 0x11 can use only leaves of 1M|16M here, and "
			    "da 0x1000 is not 0x100000-aligned");
	/* an aligned range whose call excludes every size the prot can use: said so */
	assert_int_equal(vcm_pt_map_sizes(f.pt, 0x1000000, 0x1000000, 0x100000,
					  r | VCM_PT_PROT_SECURE, 0x11000), -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map_sizes: prot 0x11 can use leaves of 1M|16M in this table, "
			    "and sizes 0x11000 (4K|64K) has none of them");
	/* the sizes the call keeps are the ones named */
	assert_int_equal(vcm_pt_map_sizes(f.pt, 0x1100000, 0x1100000, 0x100000,
					  r | VCM_PT_PROT_SECURE, 0x1001000), -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map_sizes: prot 0x11 can use only leaves of 16M here, and the "
			    "range is not 0x1000000-aligned");
	assert_int_equal(vcm_pt_map(f.pt, 0x100000, 0, 0x100000, r | VCM_PT_PROT_SECURE), 0);
	/* ... and will not cut such a section into pages. */
	EXPECT_UNMAP(f.pt, vcm_pt_unmap(f.pt, 0x100000, 0x1000, NULL), -EOPNOTSUPP,
		     "cannot be cut");
	model_map(&f.md, 0x100000, 0, 0x100000, r | VCM_PT_PROT_SECURE);
	assert_int_equal(ptf_check(&f, 2), 0);
	ptf_fini(&f);

	/* A table of 4K|16M: the Secure prot keeps 16M only; a call of 4K has none. */
	ptf_init(&f, ptf_config("armv7s-32-secure"), 0x1001000);
	assert_int_equal(vcm_pt_map_sizes(f.pt, 0x1000000, 0x1000000, 0x1000000,
					  r | VCM_PT_PROT_SECURE, 0x1000), -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map_sizes: prot 0x11 can use leaves of 16M in this table, and "
			    "sizes 0x1000 (4K) has none of them");
	ptf_fini(&f);
	/* A table of 4K|64K has no size at all for it. */
	ptf_init(&f, ptf_config("armv7s-32-secure"), 0x11000);
	assert_int_equal(vcm_pt_map(f.pt, 0x1000000, 0x1000000, 0x1000000,
				    r | VCM_PT_PROT_SECURE), -EOPNOTSUPP);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_map: prot 0x11 needs leaves of 1M|16M, and this table uses "
			    "only 4K|64K");
	assert_int_equal(f.nblocks, 1);
	ptf_fini(&f);
}

/* Metadata that cannot grow (meta_alloc NULL) while a table must be counted. */
static bool meta_refuse;
static struct vcm_plat_ops meta_inner;

static void *meta_alloc_maybe(void *ctx, size_t size)
{
	return meta_refuse ? NULL : meta_inner.meta_alloc(ctx, size);
}

static void test_meta_enomem(void **state)
{
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(UINT64_C(4) << 20, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg c = { .fmt = &vcm_pt_fmt_armv8, .plat = &ops };
	struct vcm_pt_leaf l;
	struct vcm_pt *pt;
	char want[128];
	uint64_t k, bytes = 0;
	int ret = 0;

	(void)state;
	vcm_plat_arena_ops(a, &meta_inner);
	ops = meta_inner;
	ops.meta_alloc = meta_alloc_maybe;
	meta_refuse = false;
	assert_int_equal(vcm_pt_create(&c, &pt, NULL), 0);
	/* each 1 GiB step needs two new tables; the counts grow after a few */
	for (k = 0; k < 64 && ret == 0; k++) {
		bytes = vcm_pt_table_bytes(pt);
		meta_refuse = true;
		ret = vcm_pt_map(pt, k << 30, 0x1000, 0x1000, VCM_PT_PROT_READ);
		meta_refuse = false;
	}
	assert_int_equal(ret, -ENOMEM);
	k--;
	snprintf(want, sizeof(want),
		 "vcm_pt_map: no metadata memory (meta_alloc) to count a new table at da %#llx",
		 (unsigned long long)(k << 30));
	assert_string_equal(vcm_pt_last_error(pt), want);
	/* nothing changed, and the next try with metadata succeeds */
	assert_int_equal(vcm_pt_table_bytes(pt), bytes);
	assert_int_equal(vcm_pt_lookup(pt, k << 30, &l), -ENOENT);
	assert_int_equal(vcm_pt_check_(pt), 0);
	assert_int_equal(vcm_pt_map(pt, k << 30, 0x1000, 0x1000, VCM_PT_PROT_READ), 0);
	vcm_pt_destroy(pt);
	vcm_plat_hosted_arena_delete(a);
}

/* A caller MAIR without the asked-for policy: refused, naming the attribute. */
static void test_custom_mair(void **state)
{
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(1 << 20, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8, .plat = &ops, .ias = 39,
				  .mair = 0x04ff }; /* idx 0 WBWA, idx 1 device nGnRE */
	struct vcm_pt_leaf l;
	struct vcm_pt *pt;

	(void)state;
	vcm_plat_arena_ops(a, &ops);
	assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
	EXPECT_MAP(pt, vcm_pt_map(pt, 0, 0, 0x1000, VCM_PT_PROT_READ |
				  VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) |
				  VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC)),
		   -EOPNOTSUPP, "no attribute 0x44");
	assert_int_equal(vcm_pt_map(pt, 0, 0, 0x1000, VCM_PT_PROT_READ | VCM_PT_PROT_DEVICE), 0);
	assert_int_equal(vcm_pt_lookup(pt, 0, &l), 0);
	assert_int_equal(l.prot, VCM_PT_PROT_READ | VCM_PT_PROT_DEVICE);
	assert_int_equal(vcm_pt_destroy(pt), 0);
	vcm_plat_hosted_arena_delete(a);
}

/*
 * The debugging aid of pgtable.h: while a destroyed object's memory is intact,
 * its cleared magic makes every call refuse it instead of walking freed tables.
 */
static void *first_meta; /* the table object: vcm_pt_create's first metadata */

static void keep_meta(void *ctx, void *p, size_t size)
{
	/* the object's memory stays readable so the test can hand it back in */
	(void)ctx;
	(void)size;
	if (p != first_meta)
		free(p);
}

static void *heap_meta(void *ctx, size_t size)
{
	void *p = calloc(1, size);

	(void)ctx;
	if (first_meta == NULL)
		first_meta = p;
	return p;
}

static void test_stale_handle(void **state)
{
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(1 << 20, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv7s, .plat = &ops };
	struct vcm_pt_leaf l;
	struct vcm_pt *pt;
	uint64_t free0;

	(void)state;
	vcm_plat_arena_ops(a, &ops);
	ops.meta_alloc = heap_meta;
	ops.meta_free = keep_meta;
	first_meta = NULL;
	free0 = vcm_plat_arena_free_bytes(a);
	assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
	assert_int_equal(vcm_pt_map(pt, 0, 0, 0x1000, VCM_PT_PROT_READ), 0);
	assert_int_equal(vcm_pt_destroy(pt), 0);
	assert_int_equal(vcm_plat_arena_free_bytes(a), free0); /* every table came back */
	assert_int_equal(vcm_pt_map(pt, 0, 0, 0x1000, VCM_PT_PROT_READ), -EINVAL);
	assert_int_equal(vcm_pt_lookup(pt, 0, &l), -EINVAL);
	assert_int_equal(vcm_pt_unmap(pt, 0, 0x1000, NULL), -EINVAL);
	assert_string_equal(vcm_pt_last_error(pt), "not a live page table");
	assert_int_equal(vcm_pt_destroy(pt), 0); /* refused by the magic while memory lasts */
	free(pt);
	vcm_plat_hosted_arena_delete(a);
}

/* The format-neutral rules alone: the words a map and a reservation share. */
static void test_prot_check(void **state)
{
	static const struct {
		unsigned int prot;
		const char *msg;
	} bad[] = {
		{ 0x341, "t: prot 0x341: device memory takes no cache or share field" },
		{ VCM_PT_PROT_READ | VCM_PT_PROT_DEVICE | VCM_PT_PROT_SH(VCM_PT_SH_OUTER),
		  "t: prot 0x2041: device memory takes no cache or share field" },
		{ VCM_PT_PROT_WRITE, "t: prot 0x2 lacks VCM_PT_PROT_READ" },
		{ VCM_PT_PROT_READ | 0x80, "t: prot 0x81 has unknown bit 0x80" },
		{ VCM_PT_PROT_READ | VCM_PT_PROT_SH(3), "t: prot 0x3001 has a reserved share value" },
	};
	struct vcm_diag d = { 0 };

	(void)state;
	vcm_diag_enter(&d, "t");
	assert_int_equal(vcm_pt_prot_check(VCM_PT_PROT_READ | VCM_PT_PROT_DEVICE, &d), 0);
	assert_int_equal(vcm_pt_prot_check(VCM_PT_PROT_READ | VCM_PT_PROT_INNER(VCM_PT_CACHE_WT) |
					   VCM_PT_PROT_SH(VCM_PT_SH_INNER), &d), 0);
	assert_int_equal(d.err, 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vcm_pt_prot_check(bad[i].prot, &d), -EINVAL);
		assert_string_equal(d.msg, bad[i].msg);
		assert_int_equal(vcm_pt_prot_check(bad[i].prot, NULL), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_create_enomem),
		cmocka_unit_test(test_map_errors),
		cmocka_unit_test(test_map_segs_errors),
		cmocka_unit_test(test_format_refusals),
		cmocka_unit_test(test_custom_mair),
		cmocka_unit_test(test_meta_enomem),
		cmocka_unit_test(test_stale_handle),
		cmocka_unit_test(test_prot_check),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
