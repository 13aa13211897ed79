// SPDX-License-Identifier: MIT
/*
 * The top of every address space, in every configuration of pt_configs.h
 * (AMD v1 with a 64-bit input among them: six levels, ranges ending at 2^64):
 * maps, partial unmaps of the largest blocks, single pages and map_segs whose
 * ranges end exactly at 2^ias, with output addresses at the top of oas. After
 * every step the fixture compares the table with the model, and the table
 * memory the platform handed out with what the table counts and links. The
 * split and the map_segs run first with a table allocation refused (the
 * first eight in turn, then every power of two), and each refusal must leave
 * the table as it was.
 *
 * Then the checks themselves, each shown to fire on a planted defect: a table
 * linked twice (bytes linked != bytes counted), a linked table left empty, a
 * table the platform handed out that the table does not count, and a leaf
 * nobody asked for (how the old ias-64 map_segs grew its table to 255 MiB).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

/* One more row: a 64-bit input space with a small output space. */
static const struct pt_config top_extra[] = {
	{ "amdv1-6lvl-64-oas40", &vcm_pt_fmt_amdv1, 64, 40, 12, 0 },
};
#define NEXTRA (sizeof(top_extra) / sizeof(top_extra[0]))

static const struct pt_config *config_at(size_t i)
{
	return i < PT_NCONFIGS ? &pt_configs[i] : &top_extra[i - PT_NCONFIGS];
}

#define CHECKED(f, what)                                                                 \
	do {                                                                             \
		if (ptf_check((f), 7) != 0)                                              \
			fail_msg("%s: %s: %s", (f)->cfg->name, (what), (f)->why);       \
	} while (0)

static void map_ok(struct pt_fixture *f, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		   unsigned int prot)
{
	int ret = vcm_pt_map(f->pt, da, pa, len, prot);

	if (ret != 0)
		fail_msg("%s: map [%#llx,+%#llx) pa %#llx: %d %s", f->cfg->name,
			 (unsigned long long)da, (unsigned long long)len, (unsigned long long)pa,
			 ret, vcm_pt_last_error(f->pt));
	assert_true(model_map(&f->md, da, pa, len, prot));
}

static void unmap_ok(struct pt_fixture *f, vcm_da_t da, uint64_t len, uint64_t want)
{
	uint64_t got = 0;
	int ret = vcm_pt_unmap(f->pt, da, len, &got);

	if (ret != 0 || got != want)
		fail_msg("%s: unmap [%#llx,+%#llx): %d, %#llx bytes (want %#llx) %s",
			 f->cfg->name, (unsigned long long)da, (unsigned long long)len, ret,
			 (unsigned long long)got, (unsigned long long)want,
			 vcm_pt_last_error(f->pt));
	model_unmap(&f->md, da, len);
}

/* The largest leaf size the table uses with two of it fitting in a quarter of both spaces. */
static uint64_t big_leaf(struct pt_fixture *f)
{
	unsigned int lim = f->cfg->ias < f->cfg->oas ? f->cfg->ias : f->cfg->oas;
	uint64_t sizes = vcm_pt_page_sizes(f->pt), best = 0;

	lim = lim - 3U < 30U ? lim - 3U : 30U;
	for (unsigned int b = 0; b <= lim; b++)
		if (sizes & (UINT64_C(1) << b))
			best = UINT64_C(1) << b;
	assert_true(best != 0);
	return best;
}

/* Table allocations let through before the refusal: each of the first few, then doubling. */
static long next_n(long n)
{
	return n < 8 ? n + 1 : 2 * n;
}

static void top_config(const struct pt_config *cfg)
{
	struct pt_fixture f;
	uint64_t gran = UINT64_C(1) << cfg->granule_lg2, big, root;
	vcm_da_t last = ptf_top_last(cfg), da;
	vcm_pa_t oas_last = (UINT64_C(1) << cfg->oas) - 1U, pa;
	struct vcm_seg segs[3];

	ptf_init(&f, cfg, 0);
	big = big_leaf(&f);
	root = vcm_pt_table_bytes(f.pt);

	/* two of the largest leaves, ending at 2^ias, output ending at 2^oas */
	da = last - 2U * big + 1U;
	pa = oas_last - 2U * big + 1U;
	map_ok(&f, da, pa, 2U * big, RW);
	if (ptf_check_greedy(&f, da, pa, 2U * big, ~UINT64_C(0)) != 0)
		fail_msg("%s: %s", cfg->name, f.why);
	CHECKED(&f, "two blocks at the top");

	/* a granule out of the middle of the top block (first with a table
	 * allocation refused, next_n(): nothing may change), then the last granule */
	for (long n = 0;; n = next_n(n)) {
		int ret;

		f.fail_after = n;
		ret = vcm_pt_unmap(f.pt, last - big / 2U + 1U, gran, NULL);
		f.fail_after = -1;
		if (ret == 0)
			break;
		if (ret != -ENOMEM || n >= 4096)
			fail_msg("%s: split at the top, %ld tables: %d %s", cfg->name, n, ret,
				 vcm_pt_last_error(f.pt));
		CHECKED(&f, "a split at the top refused");
	}
	model_unmap(&f.md, last - big / 2U + 1U, gran);
	CHECKED(&f, "a hole in the top block");
	unmap_ok(&f, last - gran + 1U, gran, gran);
	CHECKED(&f, "the last granule cut off");
	/* the rest, in one call ending at 2^ias: back to the top level alone */
	unmap_ok(&f, da, 2U * big, 2U * big - 2U * gran);
	CHECKED(&f, "the top unmapped");
	assert_int_equal(vcm_pt_table_bytes(f.pt), root);

	/* one page, the last one of both spaces */
	map_ok(&f, last - gran + 1U, oas_last - gran + 1U, gran, VCM_PT_PROT_READ);
	CHECKED(&f, "the last page");
	unmap_ok(&f, last - gran + 1U, gran, gran);
	CHECKED(&f, "the last page unmapped");

	/* three pieces in one map_segs call ending at 2^ias: a largest leaf, the
	 * last page of the output space, then the rest in leaves growing upward */
	segs[0] = (struct vcm_seg){ .pa = oas_last - 2U * big + 1U, .len = big };
	segs[1] = (struct vcm_seg){ .pa = oas_last - gran + 1U, .len = gran };
	segs[2] = (struct vcm_seg){ .pa = big + gran, .len = big - gran };
	da = last - 2U * big + 1U;
	for (long n = 0;; n = next_n(n)) {
		int ret;

		f.fail_after = n;
		ret = vcm_pt_map_segs(f.pt, da, segs, 3, RW);
		f.fail_after = -1;
		if (ret == 0)
			break;
		if (ret != -ENOMEM || n >= 4096)
			fail_msg("%s: map_segs at the top, %ld tables: %d %s", cfg->name, n, ret,
				 vcm_pt_last_error(f.pt));
		/* the table is as before: the model has nothing there */
		CHECKED(&f, "map_segs at the top refused");
		assert_int_equal(vcm_pt_table_bytes(f.pt), root);
	}
	assert_true(model_map(&f.md, da, segs[0].pa, big, RW));
	assert_true(model_map(&f.md, da + big, segs[1].pa, gran, RW));
	assert_true(model_map(&f.md, da + big + gran, segs[2].pa, big - gran, RW));
	CHECKED(&f, "map_segs at the top");
	unmap_ok(&f, da, 2U * big, 2U * big);
	CHECKED(&f, "map_segs unmapped");
	assert_int_equal(vcm_pt_table_bytes(f.pt), root);
	assert_int_equal(f.nblocks, 1);
	ptf_fini(&f);
}

static void test_top(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS + NEXTRA; i++)
		top_config(config_at(i));
}

/* Whether one of the fixture's last flushes covers @da. */
static bool flushed(const struct pt_fixture *f, vcm_da_t da)
{
	for (unsigned long i = 0; i < f->flushes && i < 8; i++)
		if (da >= f->flog[i].da && da - f->flog[i].da < f->flog[i].len)
			return true;
	return false;
}

/*
 * A 64-bit input space unmapped from 0 to its last pages: the range to flush
 * is the whole of 2^64, which no length can say. It reaches the TLB as two
 * halves (the fixture refuses a flush of length 0), covering both pages.
 */
static void test_whole_space(void **state)
{
	unsigned int rows = 0;

	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS + NEXTRA; i++) {
		const struct pt_config *cfg = config_at(i);
		const uint64_t gran = UINT64_C(1) << cfg->granule_lg2;
		struct pt_fixture f;
		uint64_t root;

		if (cfg->ias != 64U)
			continue;
		rows++;
		ptf_init(&f, cfg, 0);
		root = vcm_pt_table_bytes(f.pt);
		map_ok(&f, 0, 0x100000, gran, RW);
		map_ok(&f, UINT64_MAX - 2U * gran + 1U, 0x200000, gran, RW);
		f.flushes = 0;
		unmap_ok(&f, 0, UINT64_MAX - gran + 1U, 2U * gran);
		CHECKED(&f, "the whole space unmapped");
		assert_true(f.flushes >= 1 && f.flushes <= 8);
		assert_true(flushed(&f, 0));
		assert_true(flushed(&f, UINT64_MAX - 2U * gran + 1U));
		assert_true(flushed(&f, UINT64_MAX));
		assert_int_equal(vcm_pt_table_bytes(f.pt), root);
		ptf_fini(&f);
	}
	assert_true(rows >= 2);
}

/* The one nonzero entry of the table block @b (entries of 2^@lg2 bytes), or -1. */
static long only_entry(struct pt_fixture *f, const struct pt_block *b, unsigned int lg2)
{
	const uint8_t *p = f->arena->cpu + (b->pa - f->arena->pa);
	long found = -1;

	for (uint64_t off = 0; off < b->size; off += UINT64_C(1) << lg2) {
		static const uint8_t zero[8];

		if (memcmp(p + off, zero, (size_t)1 << lg2) != 0) {
			if (found >= 0)
				return -1;
			found = (long)(off >> lg2);
		}
	}
	return found;
}

/*
 * The validator refuses the table with -EFAULT and @msg, or with the live-entry
 * count check, which sees most planted tables first (a count kept per table
 * no longer matches the entries found in it).
 */
static void expect_check_fails(struct pt_fixture *f, const char *what, const char *msg)
{
	int ret = vcm_pt_check_(f->pt);
	const char *got = vcm_pt_last_error(f->pt);

	if (ret != -EFAULT || (strstr(got, msg) == NULL && strstr(got, "its count says") == NULL))
		fail_msg("%s: %s: vcm_pt_check_ gave %d '%s', want -EFAULT '%s'", f->cfg->name,
			 what, ret, vcm_pt_last_error(f->pt), msg);
}

static void planted_config(const struct pt_config *cfg)
{
	const unsigned int lg2 = cfg->fmt == &vcm_pt_fmt_armv7s ? 2U : 3U;
	const uint64_t gran = UINT64_C(1) << cfg->granule_lg2;
	const vcm_da_t da = ptf_top_last(cfg) - gran + 1U;
	struct pt_fixture f;
	struct pt_block leaf, parent;
	uint8_t *pp, *lp, *saved;
	long idx;
	vcm_pa_t pa;
	void *cpu;

	ptf_init(&f, cfg, 0);
	map_ok(&f, da, 0x1000U * gran, gran, RW);
	CHECKED(&f, "one page");
	/* the page's path: tables allocated root first, the leaf's table last */
	assert_true(f.nblocks >= 2);
	leaf = f.blocks[f.nblocks - 1];
	parent = f.blocks[f.nblocks - 2];
	pp = f.arena->cpu + (parent.pa - f.arena->pa);
	lp = f.arena->cpu + (leaf.pa - f.arena->pa);
	idx = only_entry(&f, &parent, lg2);
	assert_true(idx >= 0);

	/* 1. the leaf table linked from a second entry: more bytes linked than counted */
	memcpy(pp + (((uint64_t)idx ^ 1U) << lg2), pp + ((uint64_t)idx << lg2), (size_t)1 << lg2);
	expect_check_fails(&f, "a table linked twice", "linked tables hold");
	memset(pp + (((uint64_t)idx ^ 1U) << lg2), 0, (size_t)1 << lg2);
	assert_int_equal(vcm_pt_check_(f.pt), 0);

	/* 2. the leaf table emptied while still linked */
	saved = malloc((size_t)leaf.size);
	assert_non_null(saved);
	memcpy(saved, lp, (size_t)leaf.size);
	memset(lp, 0, (size_t)leaf.size);
	expect_check_fails(&f, "a linked table left empty", "points to an empty table");
	memcpy(lp, saved, (size_t)leaf.size);
	free(saved);
	assert_int_equal(vcm_pt_check_(f.pt), 0);

	/* 3. table memory out of the platform that the table does not count */
	assert_int_equal(f.plat.table_alloc(f.plat.ctx, gran, gran, &pa, &cpu), 0);
	assert_int_not_equal(ptf_check(&f, 7), 0);
	assert_non_null(strstr(f.why, "the platform handed out"));
	f.plat.table_free(f.plat.ctx, pa, cpu, gran);
	CHECKED(&f, "the stray table given back");

	/* 4. a leaf outside what was asked for: the model sees it */
	assert_int_equal(vcm_pt_map(f.pt, da - gran, 0x2000U * gran, gran, RW), 0);
	assert_int_not_equal(ptf_check(&f, 7), 0);
	assert_non_null(strstr(f.why, "not in the model"));
	assert_true(model_map(&f.md, da - gran, 0x2000U * gran, gran, RW));
	CHECKED(&f, "the extra leaf in the model");
	ptf_fini(&f);
}

static void test_checks_fire(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS + NEXTRA; i++)
		planted_config(config_at(i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_top),
		cmocka_unit_test(test_whole_space),
		cmocka_unit_test(test_checks_fire),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
