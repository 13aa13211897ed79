// SPDX-License-Identifier: MIT
/*
 * Limits a table keeps whatever its platform or its caller does:
 *  - every table address fits what the format and the output size can encode:
 *    table memory above it is refused with -ERANGE naming the address, at
 *    create (top level) or at map (next level), and nothing changes;
 *  - an unmap that cuts a leaf writes only the table's leaf sizes
 *    (cfg->page_sizes), going through tables of smaller leaves where a level
 *    has no allowed size;
 *  - a refused cut or map gives the tables it took back where they came
 *    from (the pool, the platform); the tables a cut takes ahead are listed
 *    with their full addresses, above 4 GiB in a 32-bit format too.
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

static void check_msg(const char *msg, const char *fn, const char *text)
{
	size_t n = strlen(fn);

	if (strncmp(msg, fn, n) != 0 || msg[n] != ':' || strstr(msg, text) == NULL)
		fail_msg("message '%s' is not '%s: ...%s...'", msg, fn, text);
}

/* Table memory from @low for the first @nlow tables, then from @high. */
struct two {
	struct vcm_plat_ops low, high;
	vcm_pa_t high_pa;
	unsigned int nlow;
};

static int two_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct two *t = ctx;

	if (t->nlow > 0) {
		t->nlow--;
		return t->low.table_alloc(t->low.ctx, size, align, pa, cpu);
	}
	return t->high.table_alloc(t->high.ctx, size, align, pa, cpu);
}

static void two_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct two *t = ctx;
	const struct vcm_plat_ops *o = pa >= t->high_pa ? &t->high : &t->low;

	o->table_free(o->ctx, pa, cpu, size);
}

static void *two_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	struct two *t = ctx;

	if (pa >= t->high_pa)
		return t->high.pa_to_cpu(t->high.ctx, pa);
	return t->low.pa_to_cpu(t->low.ctx, pa);
}

static void *two_meta_alloc(void *ctx, size_t size)
{
	struct two *t = ctx;

	return t->low.meta_alloc(t->low.ctx, size);
}

static void two_meta_free(void *ctx, void *p, size_t size)
{
	struct two *t = ctx;

	t->low.meta_free(t->low.ctx, p, size);
}

/* The message names a table address at or above @high and the output size @bits. */
static void check_far(const char *msg, const char *fn, vcm_pa_t high, const char *bits)
{
	const char *at = strstr(msg, "table memory at pa 0x");

	check_msg(msg, fn, bits);
	if (at == NULL || strtoull(at + strlen("table memory at pa "), NULL, 16) < high)
		fail_msg("message '%s' does not name a table address from %#llx", msg,
			 (unsigned long long)high);
}

struct reach_case {
	const struct vcm_pt_fmt *fmt;
	unsigned int ias, oas;
	vcm_pa_t high; /* the first table address the table cannot point at */
	const char *bits;
	unsigned int levels;
};

static const struct reach_case reach_cases[] = {
	{ &vcm_pt_fmt_armv7s, 32, 32, UINT64_C(1) << 32, "32-bit", 2 },
	{ &vcm_pt_fmt_armv8, 48, 48, UINT64_C(1) << 48, "48-bit", 4 },
	{ &vcm_pt_fmt_armv8, 39, 32, UINT64_C(1) << 32, "32-bit", 3 },
	/* RISC-V */
	{ &vcm_pt_fmt_riscv, 39, 40, UINT64_C(1) << 40, "40-bit", 3 },
	{ &vcm_pt_fmt_riscv, 57, 56, UINT64_C(1) << 56, "56-bit", 5 },
	{ &vcm_pt_fmt_riscv32, 32, 32, UINT64_C(1) << 32, "32-bit", 2 },
	{ &vcm_pt_fmt_riscv32, 32, 34, UINT64_C(1) << 34, "34-bit", 2 },
};

/* Top-level table memory out of reach: create refuses, keeping nothing. */
static void test_root_out_of_reach(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reach_cases) / sizeof(reach_cases[0]); i++) {
		const struct reach_case *c = &reach_cases[i];
		struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(1 << 20, c->high);
		struct vcm_plat_ops ops;
		struct vcm_pt_cfg cfg = { .fmt = c->fmt, .ias = c->ias, .oas = c->oas,
					  .plat = &ops };
		struct vcm_diag d = { 0 };
		struct vcm_pt *pt = (void *)1;
		uint64_t free0;

		assert_non_null(a);
		vcm_plat_arena_ops(a, &ops);
		free0 = vcm_plat_arena_free_bytes(a);
		assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -ERANGE);
		assert_null(pt);
		check_far(d.msg, "vcm_pt_create", c->high, c->bits);
		assert_int_equal(vcm_plat_arena_free_bytes(a), free0);
		vcm_plat_hosted_arena_delete(a);
	}
}

/* The C heap as table memory: its 47-bit host addresses are out of armv7s reach. */
static void test_heap_armv7s(void **state)
{
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv7s, .plat = &ops };
	struct vcm_diag d = { 0 };
	struct vcm_pt *pt;
	int ret;

	(void)state;
	/* garbage first: the heap ops set every op, the ones they lack to NULL */
	memset(&ops, 0xa5, sizeof(ops));
	vcm_plat_hosted_heap_ops(&ops);
	assert_null(ops.table_free_zero);
	assert_null(ops.cache_clean);
	assert_null(ops.ctx);
	ret = vcm_pt_create(&cfg, &pt, &d);
	if (ret == 0) {
		/* the heap happened to sit below 4 GiB: then every map must still be sound */
		for (uint64_t da = 0; da < (UINT64_C(64) << 20); da += 0x100000) {
			ret = vcm_pt_map(pt, da, da, 0x1000, VCM_PT_PROT_READ);
			if (ret != 0) {
				assert_int_equal(ret, -ERANGE);
				check_msg(vcm_pt_last_error(pt), "vcm_pt_map", "32-bit output");
			}
		}
		assert_int_equal(vcm_pt_check_(pt), 0);
		assert_int_equal(vcm_pt_destroy(pt), 0);
		return;
	}
	assert_int_equal(ret, -ERANGE);
	check_msg(d.msg, "vcm_pt_create", "32-bit output space");
}

/*
 * The top level fits, the next table does not: the map that needs it is
 * refused before linking it, and the table is as before.
 */
static void test_table_out_of_reach(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(reach_cases) / sizeof(reach_cases[0]); i++) {
		const struct reach_case *c = &reach_cases[i];
		struct vcm_plat_arena *lo = vcm_plat_hosted_arena_new(1 << 20, 0x40000000);
		struct vcm_plat_arena *hi = vcm_plat_hosted_arena_new(1 << 20, c->high);
		/* low memory for the top level and the tables of the first map */
		struct two two = { .high_pa = c->high, .nlow = c->levels };
		struct vcm_plat_ops ops;
		struct vcm_pt_cfg cfg = { .fmt = c->fmt, .ias = c->ias, .oas = c->oas,
					  .plat = &ops };
		struct vcm_pt_leaf l;
		struct vcm_pt *pt;
		uint64_t bytes, free_hi;
		vcm_da_t far = UINT64_C(1) << (c->ias - 1); /* under another top-level entry */

		assert_true(lo != NULL && hi != NULL);
		vcm_plat_arena_ops(lo, &two.low);
		vcm_plat_arena_ops(hi, &two.high);
		ops = two.low;
		ops.ctx = &two;
		ops.table_alloc = two_alloc;
		ops.table_free = two_free;
		ops.table_free_zero = NULL; /* not the low arena's own: two_free sorts them out */
		ops.pa_to_cpu = two_pa_to_cpu;
		ops.cache_clean = NULL;
		ops.meta_alloc = two_meta_alloc;
		ops.meta_free = two_meta_free;
		assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
		assert_int_equal(vcm_pt_map(pt, 0, 0x1000, 0x1000, VCM_PT_PROT_READ), 0);
		bytes = vcm_pt_table_bytes(pt);
		free_hi = vcm_plat_arena_free_bytes(hi);
		assert_int_equal(vcm_pt_map(pt, far, 0x2000, 0x1000, VCM_PT_PROT_READ), -ERANGE);
		check_far(vcm_pt_last_error(pt), "vcm_pt_map", c->high, c->bits);
		/* nothing changed: the old mapping alone, no table kept */
		assert_int_equal(vcm_pt_table_bytes(pt), bytes);
		assert_int_equal(vcm_plat_arena_free_bytes(hi), free_hi);
		assert_int_equal(vcm_pt_lookup(pt, far, &l), -ENOENT);
		assert_int_equal(vcm_pt_lookup(pt, 0, &l), 0);
		assert_int_equal(l.pa, 0x1000);
		assert_int_equal(vcm_pt_check_(pt), 0);
		/* a map_sizes call reports as itself */
		assert_int_equal(vcm_pt_map_sizes(pt, far, 0x2000, 0x1000, VCM_PT_PROT_READ,
						  ~UINT64_C(0)), -ERANGE);
		check_far(vcm_pt_last_error(pt), "vcm_pt_map_sizes", c->high, c->bits);
		assert_int_equal(vcm_pt_destroy(pt), 0);
		vcm_plat_hosted_arena_delete(lo);
		vcm_plat_hosted_arena_delete(hi);
	}
}

struct split_case {
	const char *config;
	uint64_t page_sizes;
	vcm_da_t da;
	uint64_t len; /* one leaf of the largest size */
};

static const struct split_case split_cases[] = {
	{ "armv8-s1-4k-48", 0x1000 | 0x40000000, 0x40000000, 0x40000000 },   /* 4K|1G */
	{ "armv8-s1-4k-48", 0x1000 | 0x2000000, 0x2000000, 0x2000000 },      /* 4K|32M hint */
	{ "armv8-s1-4k-48", 0x1000 | 0x10000 | 0x40000000, 0x40000000, 0x40000000 },
	{ "armv7s-32", 0x1000 | 0x1000000, 0x1000000, 0x1000000 },           /* 4K|16M */
	{ "armv8-s1-16k-48", 0x4000 | 0x40000000, 0x40000000, 0x40000000 },  /* 16K|1G hint */
	{ "armv8-s2-64k-44", 0x10000 | 0x400000000ULL, 0x400000000ULL, 0x400000000ULL },
	/* RISC-V: 4K|1G, and a NAPOT group cut out of a 2M megapage */
	{ "riscv-sv48", 0x1000 | 0x40000000, 0x40000000, 0x40000000 },
	{ "riscv-sv48-napot-40", 0x1000 | 0x10000 | 0x200000, 0x200000, 0x200000 },
};

struct sizes_seen {
	uint64_t sizes, bytes;
};

static int note_size(void *arg, const struct vcm_pt_leaf *l)
{
	struct sizes_seen *s = arg;

	s->sizes |= UINT64_C(1) << l->size_lg2;
	s->bytes += UINT64_C(1) << l->size_lg2;
	return 0;
}

/* Cut one granule out of the first, the middle and the last of a large leaf. */
static void test_split_sizes(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(split_cases) / sizeof(split_cases[0]); i++) {
		const struct split_case *c = &split_cases[i];
		const struct pt_config *cfg = ptf_config(c->config);
		uint64_t gran = UINT64_C(1) << cfg->granule_lg2;
		vcm_da_t cuts[3] = { c->da, c->da + c->len / 2 + gran, c->da + c->len - gran };

		for (int k = 0; k < 3; k++) {
			struct pt_fixture f;
			struct sizes_seen seen = { 0 };
			uint64_t unmapped;

			ptf_init(&f, cfg, c->page_sizes);
			assert_int_equal(vcm_pt_map(f.pt, c->da, 0, c->len, VCM_PT_PROT_READ), 0);
			model_map(&f.md, c->da, 0, c->len, VCM_PT_PROT_READ);
			assert_int_equal(vcm_pt_unmap(f.pt, cuts[k], gran, &unmapped), 0);
			assert_int_equal(unmapped, gran);
			model_unmap(&f.md, cuts[k], gran);
			assert_int_equal(vcm_pt_walk(f.pt, c->da, c->len, note_size, &seen), 0);
			if ((seen.sizes & ~c->page_sizes) != 0)
				fail_msg("%s sizes %#llx, cut at %#llx: leaves of %#llx written",
					 c->config, (unsigned long long)c->page_sizes,
					 (unsigned long long)cuts[k],
					 (unsigned long long)(seen.sizes & ~c->page_sizes));
			assert_int_equal(seen.bytes, c->len - gran);
			if (ptf_check(&f, 7) != 0)
				fail_msg("%s: %s", c->config, f.why);
			if (vcm_pt_check_(f.pt) != 0)
				fail_msg("%s: %s", c->config, vcm_pt_last_error(f.pt));
			/* unmapping the rest gives every table back */
			assert_int_equal(vcm_pt_unmap(f.pt, c->da, c->len, &unmapped), 0);
			assert_int_equal(unmapped, c->len - gran);
			assert_int_equal(f.nblocks, 1);
			ptf_fini(&f);
		}
	}
}

/* A split that needs more table memory than there is fails with nothing changed. */
static void test_split_enomem(void **state)
{
	struct pt_fixture f;
	struct vcm_pt_leaf l;
	uint64_t bytes, unmapped = 1;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s1-4k-48"), 0x1000 | 0x40000000);
	assert_int_equal(vcm_pt_map(f.pt, 0x40000000, 0, 0x40000000, VCM_PT_PROT_READ), 0);
	bytes = vcm_pt_table_bytes(f.pt);
	f.fail_after = 100; /* the cut needs 513 */
	assert_int_equal(vcm_pt_unmap(f.pt, 0x40001000, 0x1000, &unmapped), -ENOMEM);
	check_msg(vcm_pt_last_error(f.pt), "vcm_pt_unmap", "no table memory");
	assert_int_equal(unmapped, 0);
	f.fail_after = -1;
	assert_int_equal(vcm_pt_table_bytes(f.pt), bytes);
	assert_int_equal(vcm_pt_lookup(f.pt, 0x40001000, &l), 0);
	assert_int_equal(l.size_lg2, 30);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	ptf_fini(&f);
}

/*
 * The same refusal with a pool of emptied tables (VCM_PT_CFG_POOL) holding
 * two: the tables the cut took go back as they came, two to the pool and the
 * rest to the platform, so the pool and the platform's blocks are as before.
 */
static void test_split_enomem_pool(void **state)
{
	struct pt_config c = *ptf_config("armv8-s1-4k-48");
	struct pt_fixture f;
	uint64_t bytes, pool, unmapped = 1;
	size_t blocks;

	(void)state;
	c.flags |= VCM_PT_CFG_POOL;
	ptf_init(&f, &c, 0x1000 | 0x40000000);
	assert_int_equal(vcm_pt_map(f.pt, 0x40000000, 0, 0x40000000, VCM_PT_PROT_READ), 0);
	/* a page far away and its two tables, unmapped: the pool holds them */
	assert_int_equal(vcm_pt_map(f.pt, 0x80001000, 0, 0x1000, VCM_PT_PROT_READ), 0);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x80001000, 0x1000, NULL), 0);
	pool = vcm_pt_pool_bytes(f.pt);
	assert_int_equal(pool, 2 * 0x1000);
	bytes = vcm_pt_table_bytes(f.pt);
	blocks = f.nblocks;
	f.fail_after = 100; /* the cut needs 513: two from the pool, then the platform's */
	assert_int_equal(vcm_pt_unmap(f.pt, 0x40001000, 0x1000, &unmapped), -ENOMEM);
	f.fail_after = -1;
	assert_int_equal(unmapped, 0);
	assert_int_equal(vcm_pt_table_bytes(f.pt), bytes);
	assert_int_equal(vcm_pt_pool_bytes(f.pt), pool);
	assert_int_equal(f.nblocks, blocks);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	/* a refused map gives back the same way */
	f.fail_after = 0; /* a page at a new 512 GiB: three tables, the third from the platform */
	assert_int_equal(vcm_pt_map(f.pt, UINT64_C(0x8000000000), 0, 0x1000, VCM_PT_PROT_READ),
			 -ENOMEM);
	f.fail_after = -1;
	assert_int_equal(vcm_pt_pool_bytes(f.pt), pool);
	assert_int_equal(f.nblocks, blocks);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	ptf_fini(&f);
}

/*
 * Sv32 with 34 output bits, its tables above 4 GiB: an unmap that cuts two
 * megapages takes two tables before the first change and keeps them on a
 * list through their own first entries. A 32-bit entry cannot hold such an
 * address: the list must not lose its upper bits.
 */
static void test_split_pool_above_4g(void **state)
{
	const vcm_pa_t base = UINT64_C(0x100000000);
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(4 << 20, base);
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_riscv32, .oas = 34 };
	struct vcm_plat_ops ops;
	struct vcm_pt_leaf l;
	struct vcm_pt *pt;
	uint64_t unmapped = 0;

	(void)state;
	assert_non_null(a);
	vcm_plat_arena_ops(a, &ops);
	cfg.plat = &ops;
	assert_int_equal(vcm_pt_create(&cfg, &pt, NULL), 0);
	assert_int_equal(vcm_pt_map(pt, 0, 0x40000000, 8 << 20,
				    VCM_PT_PROT_READ | VCM_PT_PROT_WRITE), 0);
	assert_int_equal(vcm_pt_unmap(pt, 0x1000, (8 << 20) - 0x2000, &unmapped), 0);
	assert_int_equal(unmapped, (8 << 20) - 0x2000);
	assert_int_equal(vcm_pt_lookup(pt, 0, &l), 0);
	assert_int_equal(l.pa, 0x40000000);
	assert_int_equal(vcm_pt_lookup(pt, (8 << 20) - 0x1000, &l), 0);
	assert_int_equal(l.pa, 0x40000000 + (8 << 20) - 0x1000);
	assert_int_equal(vcm_pt_lookup(pt, 0x1000, &l), -ENOENT);
	assert_int_equal(vcm_pt_lookup(pt, 4 << 20, &l), -ENOENT);
	assert_int_equal(vcm_pt_check_(pt), 0);
	vcm_pt_destroy(pt);
	vcm_plat_hosted_arena_delete(a);
}

/*
 * Unmapping [@da, +@len) takes exactly @n new tables: with @n - 1 allowed it
 * is refused with the table unchanged, with @n it is done.
 */
static void cut_takes(const char *config, uint64_t sizes, vcm_da_t da, uint64_t len, long n)
{
	struct pt_fixture f;
	uint64_t bytes, unmapped;

	ptf_init(&f, ptf_config(config), sizes);
	assert_int_equal(vcm_pt_map(f.pt, 0, 0, UINT64_C(2) << 30, VCM_PT_PROT_READ), 0);
	bytes = vcm_pt_table_bytes(f.pt);
	f.fail_after = n - 1;
	assert_int_equal(vcm_pt_unmap(f.pt, da, len, NULL), -ENOMEM);
	f.fail_after = -1;
	assert_int_equal(vcm_pt_table_bytes(f.pt), bytes);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	f.fail_after = n;
	assert_int_equal(vcm_pt_unmap(f.pt, da, len, &unmapped), 0);
	f.fail_after = -1;
	assert_int_equal(unmapped, len);
	assert_int_equal(vcm_pt_table_bytes(f.pt), bytes + (uint64_t)n * 0x1000);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	ptf_fini(&f);
}

/*
 * Both ends of the range in one leaf: the splits they share are counted once
 * (the memory taken before the first change is what the split keeps).
 */
static void test_split_both_ends(void **state)
{
	const uint64_t k4 = 0x1000, m2 = 0x200000, g1 = 0x40000000;

	(void)state;
	/* 4K|1G: one page out of a 1G block, 513 tables, not twice that */
	cut_takes("armv8-s1-4k-48", k4 | g1, 0x5000, k4, 513);
	/* ends in two 1G blocks: each split on its own */
	cut_takes("armv8-s1-4k-48", k4 | g1, g1 - k4, 2 * k4, 2 * 513);
	/* 4K|2M|1G: both ends in one 2M leaf of the 1G block: 1G -> 2M -> 4K, 2 tables */
	cut_takes("armv8-s1-4k-48", k4 | m2 | g1, 0x5000, k4, 2);
	/* the ends in two 2M leaves of it: the 1G split shared, the 2M splits not */
	cut_takes("armv8-s1-4k-48", k4 | m2 | g1, m2 - k4, 2 * k4, 3);
	/* the start on a 2M boundary: it cuts the 1G leaf, only the end cuts the 2M one */
	cut_takes("armv8-s1-4k-48", k4 | m2 | g1, m2, k4, 2);
	/* the start at 0 cuts nothing: the end's chain alone */
	cut_takes("armv8-s1-4k-48", k4 | m2 | g1, 0, k4, 2);
	cut_takes("armv8-s1-4k-48", k4 | g1, 0, k4, 513);
	/* both ends in the second 1G leaf, its start on the boundary */
	cut_takes("armv8-s1-4k-48", k4 | g1, g1, 3 * k4, 513);
	cut_takes("armv8-s1-4k-48", k4 | g1, g1 + k4, 3 * k4, 513);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_out_of_reach),
		cmocka_unit_test(test_heap_armv7s),
		cmocka_unit_test(test_table_out_of_reach),
		cmocka_unit_test(test_split_sizes),
		cmocka_unit_test(test_split_enomem),
		cmocka_unit_test(test_split_enomem_pool),
		cmocka_unit_test(test_split_pool_above_4g),
		cmocka_unit_test(test_split_both_ends),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
