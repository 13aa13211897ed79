// SPDX-License-Identifier: MIT
/*
 * Hardware dirty tracking (VCM_PT_CFG_DIRTY, vcm_pt_read_clear_dirty()) on
 * every format that has it. The test plays the hardware walker itself: it
 * finds a leaf by walking the table as the manuals lay it out (4 KiB
 * granule, 512 entries a level, Sv32 1024; not through the library) and marks it the
 * way each manual says a write does:
 *   x86-64 (SDM 4.8), AMD v1 (2.2.3.2, DTE.HAD): D, bit 6;
 *   VT-d second stage (9.8, with SSADE): D, bit 9; RISC-V (Sv32..57, G-stage): D, bit 7;
 *   ARMv8 (D5.4.11): a DBM (bit 51) leaf loses AP[2] (bit 7) at stage 1,
 *   gains S2AP[1] (bit 7) at stage 2.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

struct seen {
	vcm_da_t da[64];
	uint64_t len[64];
	unsigned int n;
	uint64_t sum;  /* bytes reported, every report counted */
	int stop_at; /* return 1 from the n-th report (1-based); 0 never */
};

static int record(void *arg, vcm_da_t da, uint64_t len)
{
	struct seen *s = arg;

	if (s->n < 64) {
		s->da[s->n] = da;
		s->len[s->n] = len;
	}
	s->n++;
	s->sum += len;
	return s->stop_at != 0 && (int)s->n == s->stop_at ? 1 : 0;
}

/* The test's own walk: the entry of the leaf at @lvl holding @da (CPU and walker views). */
struct ent {
	uint8_t *cpu, *shadow;
	bool narrow; /* Sv32: 4-byte entries */
};

static uint64_t ent_get(const struct ent *e)
{
	uint64_t v = 0;

	memcpy(&v, e->cpu, e->narrow ? 4U : 8U); /* little-endian host */
	return v;
}

static void ent_set(const struct ent *e, uint64_t v)
{
	memcpy(e->cpu, &v, e->narrow ? 4U : 8U);
	memcpy(e->shadow, &v, e->narrow ? 4U : 8U); /* the walker wrote memory: both views */
}

static struct ent entry_of(struct pt_fixture *f, vcm_da_t da, unsigned int lvl)
{
	const char *fmt = vcm_pt_fmt_name(f->cfg->fmt);
	const bool rv = strncmp(fmt, "riscv", 5) == 0, narrow = strcmp(fmt, "riscv32") == 0;
	const unsigned int bits = narrow ? 10U : 9U, isz = narrow ? 4U : 8U;
	struct vcm_hw_regs hw;
	vcm_pa_t pa;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	pa = hw.root_pa;
	for (unsigned int l = hw.levels - 1U;; l--) {
		uint64_t mask = l == hw.levels - 1U ? hw.root_size / isz - 1U : (1U << bits) - 1U;
		uint64_t off = pa - PT_ARENA_PA + ((da >> (12U + bits * l)) & mask) * isz;
		struct ent e = { f->arena->cpu + off, f->shadow + off, narrow };

		if (l == lvl)
			return e;
		/* a table entry: RISC-V keeps the PPN at bit 10, the others the address in place */
		pa = rv ? ((ent_get(&e) >> 10) & ((UINT64_C(1) << 44) - 1U)) << 12
			: ent_get(&e) & UINT64_C(0x000ffffffffff000);
	}
}

/* A device write through @da, as the format's manual has the walker record it. */
static void hw_write(struct pt_fixture *f, vcm_da_t da)
{
	const char *fmt = vcm_pt_fmt_name(f->cfg->fmt);
	struct vcm_pt_leaf leaf;
	struct ent e;
	uint64_t v;

	assert_int_equal(vcm_pt_lookup(f->pt, da, &leaf), 0);
	assert_true((leaf.prot & VCM_PT_PROT_WRITE) != 0U);
	e = entry_of(f, da, leaf.level);
	v = ent_get(&e);
	if (strcmp(fmt, "armv8") == 0) {
		assert_true((v & (UINT64_C(1) << 51)) != 0U); /* DBM: writable-clean */
		if ((f->cfg->flags & VCM_PT_CFG_STAGE2) != 0U)
			v |= UINT64_C(1) << 7;
		else
			v &= ~(UINT64_C(1) << 7);
	} else {
		unsigned int bit = strcmp(fmt, "vtd_ss") == 0 ? 9U :
				   strncmp(fmt, "riscv", 5) == 0 ? 7U : 6U;

		assert_true((v & (UINT64_C(1) << bit)) == 0U); /* written clean */
		v |= UINT64_C(1) << bit;
	}
	ent_set(&e, v);
}

/* map / unmap, kept in the fixture's model so ptf_check() compares them */
static void map(struct pt_fixture *f, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	assert_int_equal(vcm_pt_map(f->pt, da, pa, len, prot), 0);
	model_map(&f->md, da, pa, len, prot);
}

static void unmap(struct pt_fixture *f, vcm_da_t da, uint64_t len)
{
	assert_int_equal(vcm_pt_unmap(f->pt, da, len, NULL), 0);
	model_unmap(&f->md, da, len);
}

static void open_dirty(struct pt_fixture *f, struct pt_config *c, const struct pt_config *row)
{
	*c = *row;
	c->flags |= VCM_PT_CFG_DIRTY;
	ptf_init(f, c, 0);
	f->flush_live_ok = true;
}

static uint64_t leaf_span(struct pt_fixture *f, vcm_da_t da, vcm_da_t *start)
{
	struct vcm_pt_leaf leaf;

	assert_int_equal(vcm_pt_lookup(f->pt, da, &leaf), 0);
	*start = leaf.da;
	return UINT64_C(1) << leaf.size_lg2;
}

static int check_ok(struct pt_fixture *f)
{
	int r = ptf_check(f, 1);

	if (r != 0)
		fprintf(stderr, "%s: %s\n", f->cfg->name, f->why);
	return r;
}

static void one_row(const struct pt_config *row)
{
	/* lone pages, so each is a leaf of its own in every format */
	const vcm_da_t blk = 0x200000, p0 = 0x1000, p1 = 0x5000, p2 = 0x9000, ro = 0x10000,
		       grp = 0x800000;
	struct pt_fixture f;
	struct pt_config c;
	struct seen s = { 0 };
	vcm_da_t start;
	uint64_t span, sum = 0;
	unsigned long flushes;

	print_message("%s\n", row->name);
	open_dirty(&f, &c, row);
	map(&f, blk, 0x400000, 0x200000, RW);
	map(&f, p0, 0x1000, 0x1000, RW);
	map(&f, p1, 0x5000, 0x1000, RW);
	map(&f, p2, 0x9000, 0x1000, RW);
	map(&f, ro, 0x10000, 0x1000, VCM_PT_PROT_READ);
	map(&f, grp, 0x800000, 0x10000, RW);
	assert_int_equal(check_ok(&f), 0);

	/* nothing written yet */
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000000, 0, record, &s), 0);
	assert_int_equal(s.n, 0);

	/* one page: reported once, then clean; NO_CLEAR reports it every time */
	span = leaf_span(&f, p1, &start);
	assert_int_equal(span, 0x1000);
	hw_write(&f, p1);
	for (int i = 0; i < 2; i++) {
		s = (struct seen){ 0 };
		assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000000, VCM_DIRTY_NO_CLEAR,
							 record, &s), 0);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.da[0], start);
		assert_int_equal(s.len[0], span);
	}
	flushes = f.flushes;
	s = (struct seen){ 0 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000000, 0, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_true(f.flushes > flushes); /* cleared: the TLBs must forget the written state */
	s = (struct seen){ 0 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000000, 0, record, &s), 0);
	assert_int_equal(s.n, 0);
	/* the page is writable-clean again: the walker can mark it anew */
	hw_write(&f, p1);

	/* a write into the block (or whatever leaf holds it) reports the whole leaf */
	span = leaf_span(&f, blk + 0x123000, &start);
	hw_write(&f, blk + 0x123000);
	s = (struct seen){ 0 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, blk + 0x123000, 0x1000,
						 VCM_DIRTY_NO_CLEAR, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.da[0], start);
	assert_int_equal(s.len[0], span);

	/* a group member written: the group's whole span */
	span = leaf_span(&f, grp + 0x5000, &start);
	hw_write(&f, grp + 0x5000);
	s = (struct seen){ 0 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, grp + 0x5000, 0x1000,
						 VCM_DIRTY_NO_CLEAR, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.da[0], start);
	assert_int_equal(s.len[0], span);
	assert_int_equal(check_ok(&f), 0); /* written leaves are valid leaves */

	/* a split of the written block keeps every remaining piece written */
	span = leaf_span(&f, blk + 0x123000, &start);
	unmap(&f, blk + 0x10000, 0x1000);
	assert_int_equal(check_ok(&f), 0);
	s = (struct seen){ 0 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, blk, 0x200000, 0, record, &s), 0);
	sum = s.sum;
	if (span == 0x200000)
		assert_int_equal(sum, 0x200000 - 0x1000);
	else
		assert_int_equal(sum, span); /* no block: only the leaf written */

	/* everything reported above was cleared; the stop of @fn is returned */
	hw_write(&f, p0);
	hw_write(&f, p2);
	s = (struct seen){ .stop_at = 1 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000000, 0, record, &s), 1);
	assert_int_equal(s.n, 1);
	s = (struct seen){ 0 };
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000000, 0, record, &s), 0);
	/* p1 from before, p2, and the group only ever looked at */
	assert_int_equal(s.n, 3);
	assert_int_equal(s.da[0], p1);
	assert_int_equal(s.da[1], p2);
	span = leaf_span(&f, grp + 0x5000, &start);
	assert_int_equal(s.da[2], start);
	assert_int_equal(s.len[2], span);
	assert_int_equal(check_ok(&f), 0);
	ptf_fini(&f);
}

static bool grain_4k(const struct pt_config *row)
{
	return row->granule_lg2 == 12U && row->fmt != &vcm_pt_fmt_armv7s;
}

static void test_every_format(void **state)
{
	unsigned int rows = 0;

	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		if (!grain_4k(&pt_configs[i]))
			continue;
		one_row(&pt_configs[i]);
		rows++;
	}
	assert_true(rows >= 10);
}

/* 16K and 64K ARMv8 granules: writable leaves start clean and the check holds. */
static void test_armv8_granules(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		const struct pt_config *row = &pt_configs[i];
		struct pt_fixture f;
		struct pt_config c;
		struct seen s = { 0 };
		struct vcm_pt_leaf leaf;

		if (row->fmt != &vcm_pt_fmt_armv8 || row->granule_lg2 == 12U)
			continue;
		open_dirty(&f, &c, row);
		map(&f, 0x40000000, 0x40000000, 0x40000000, RW);
		assert_int_equal(vcm_pt_lookup(f.pt, 0x40001000, &leaf), 0);
		assert_true((leaf.prot & VCM_PT_PROT_WRITE) != 0U);
		assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, UINT64_C(1) << 32, 0, record, &s), 0);
		assert_int_equal(s.n, 0);
		assert_int_equal(check_ok(&f), 0);
		ptf_fini(&f);
	}
}

/* The registers turn the walker's updates on. */
static void test_regs(void **state)
{
	struct pt_fixture f;
	struct pt_config c;
	struct vcm_hw_regs hw;

	(void)state;
	open_dirty(&f, &c, ptf_config("armv8-s1-4k-48"));
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	assert_true((hw.regs[0] >> 39 & 3U) == 3U); /* TCR_EL1.HA, HD */
	ptf_fini(&f);
	open_dirty(&f, &c, ptf_config("armv8-s2-4k-40"));
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	assert_true((hw.regs[0] >> 21 & 3U) == 3U); /* VTCR_EL2.HA, HD */
	ptf_fini(&f);
	open_dirty(&f, &c, ptf_config("amdv1-4lvl-8k"));
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	assert_true((hw.regs[0] >> 7 & 3U) == 3U); /* DTE.HAD: access and dirty */
	ptf_fini(&f);
	/* and without the flag they stay off */
	ptf_init(&f, ptf_config("armv8-s1-4k-48"), 0);
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	assert_true((hw.regs[0] >> 39 & 3U) == 0U);
	ptf_fini(&f);
}

/*
 * A 64-bit input space harvested from 0 to its last block: the cleared range
 * is the whole of 2^64 and reaches the TLB in two halves, never as a length
 * of 0 (the fixture refuses that), so the next writes there are recorded.
 */
static void test_whole_space(void **state)
{
	const vcm_da_t top = UINT64_MAX - 0x1fffff;
	struct pt_fixture f;
	struct pt_config c;
	struct seen s = { 0 };
	bool lo = false, hi = false;

	(void)state;
	open_dirty(&f, &c, ptf_config("amdv1-6lvl-64"));
	map(&f, 0, 0x100000, 0x1000, RW);
	map(&f, top, 0x200000, 0x200000, RW);
	hw_write(&f, 0);
	hw_write(&f, top + 0x1000);
	f.flushes = 0;
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, UINT64_MAX - 0xfff, 0, record, &s), 0);
	assert_int_equal(s.n, 2);
	assert_true(s.da[0] == 0 && s.len[0] == 0x1000);
	assert_true(s.da[1] == top && s.len[1] == 0x200000);
	assert_true(f.flushes >= 1 && f.flushes <= 8);
	for (unsigned long i = 0; i < f.flushes; i++) {
		lo |= f.flog[i].len != 0 && f.flog[i].da == 0;
		hi |= f.flog[i].len != 0 && top >= f.flog[i].da && top - f.flog[i].da < f.flog[i].len;
	}
	assert_true(lo && hi);
	assert_int_equal(check_ok(&f), 0);
	/* cleared: written again, reported again */
	hw_write(&f, top);
	s.n = 0;
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, UINT64_MAX - 0xfff, 0, record, &s), 0);
	assert_int_equal(s.n, 1);
	unmap(&f, 0, 0x1000);
	unmap(&f, top, 0x200000);
	assert_int_equal(check_ok(&f), 0);
	ptf_fini(&f);
}

static void test_refusals(void **state)
{
	struct pt_fixture f;
	struct seen s = { 0 };
	struct vcm_pt_cfg cfg = { 0 };
	struct vcm_plat_arena *arena = vcm_plat_hosted_arena_new(UINT64_C(1) << 20, 0x100000);
	struct vcm_plat_ops ops;
	struct vcm_diag d = { 0 };
	struct vcm_pt *pt = NULL;
	struct pt_config c;

	(void)state;
	/* armv7s has no dirty state */
	vcm_plat_arena_ops(arena, &ops);
	cfg.fmt = &vcm_pt_fmt_armv7s;
	cfg.flags = VCM_PT_CFG_DIRTY;
	cfg.plat = &ops;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	assert_null(pt);
	assert_string_equal(d.msg, "vcm_pt_create: cfg->flags: armv7s has no hardware dirty state "
			    "(VCM_PT_CFG_DIRTY)");
	vcm_plat_hosted_arena_delete(arena);

	/* a table made without the flag */
	ptf_init(&f, ptf_config("x86_64-4l"), 0);
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000, 0, record, &s), -EINVAL);
	assert_non_null(strstr(vcm_pt_last_error(f.pt), "created without VCM_PT_CFG_DIRTY"));
	ptf_fini(&f);

	open_dirty(&f, &c, ptf_config("x86_64-4l"));
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000, 0, NULL, &s), -EINVAL);
	assert_string_equal(vcm_pt_last_error(f.pt), "vcm_pt_read_clear_dirty: fn is NULL");
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0x1000, 0x10, record, &s), -EINVAL);
	assert_string_equal(vcm_pt_last_error(f.pt),
			    "vcm_pt_read_clear_dirty: flags has unknown bits 0x10");
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, 0, 0, record, &s), -EINVAL);
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, UINT64_C(0xfffffffff000), 0x2000, 0, record,
						 &s), -ERANGE);
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, UINT64_MAX - 0xfff, 0x2000, 0, record, &s),
			 -EOVERFLOW);
	/* the last page of the input space: looked at, nothing written */
	map(&f, UINT64_C(0xfffffffff000), 0x5000, 0x1000, RW);
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, UINT64_C(0xfffffffff000), 0x1000, 0, record,
						 &s), 0);
	assert_int_equal(s.n, 0);
	hw_write(&f, UINT64_C(0xfffffffff000));
	assert_int_equal(vcm_pt_read_clear_dirty(f.pt, 0, UINT64_C(1) << 48, 0, record, &s), 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.da[0], UINT64_C(0xfffffffff000));
	ptf_fini(&f);
	assert_int_equal(vcm_pt_read_clear_dirty(NULL, 0, 0x1000, 0, record, &s), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_format),
		cmocka_unit_test(test_armv8_granules),
		cmocka_unit_test(test_regs),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_whole_space),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
