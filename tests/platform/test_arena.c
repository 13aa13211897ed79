// SPDX-License-Identifier: MIT
/*
 * The arena platform: argument checks, natural alignment in physical terms
 * (whatever the base), zeroed blocks, buddies merging back, exhaustion, and
 * the physical-to-CPU view.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/platform.h>

#define LEN (UINT64_C(1) << 20)

static void *mem(void)
{
	void *p = aligned_alloc(1024, LEN);

	assert_non_null(p);
	memset(p, 0xa5, LEN); /* garbage: the arena must zero what it hands out */
	return p;
}

static void test_init_errors(void **state)
{
	struct vcm_plat_arena a;
	void *m = mem();

	(void)state;
	assert_int_equal(vcm_plat_arena_init(NULL, m, 0, LEN), -EINVAL);
	assert_int_equal(vcm_plat_arena_init(&a, NULL, 0, LEN), -EINVAL);
	assert_non_null(strstr(a.diag.msg, "cpu"));
	assert_int_equal(vcm_plat_arena_init(&a, (char *)m + 512, 0, LEN - 1024), -EINVAL);
	assert_int_equal(vcm_plat_arena_init(&a, m, 0x200, LEN), -EINVAL);
	assert_non_null(strstr(a.diag.msg, "pa 0x200"));
	assert_int_equal(vcm_plat_arena_init(&a, m, 0, 1024), -ERANGE);
	assert_int_equal(vcm_plat_arena_init(&a, m, ~UINT64_C(0) - 1023, LEN), -ERANGE);
	assert_non_null(strstr(a.diag.msg, "wraps"));
	/* refused before a byte is written: the memory need not be there */
	assert_int_equal(vcm_plat_arena_init(&a, m, 0, (UINT64_C(1) << 42) - 1024), -ERANGE);
	assert_string_equal(a.diag.msg,
			    "vcm_plat_arena_init: len 0x3fffffffc00 is 4 TiB - 1 KiB or more");
	free(m);
}

/* Blocks are aligned to their size as physical addresses, from any base. */
static void test_alignment_and_zero(void **state)
{
	static const vcm_pa_t bases[] = { 0x40000000, 0x40000400, 0x7fffc00 };
	struct vcm_plat_arena a;
	struct vcm_plat_ops ops;
	void *m = mem();

	(void)state;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		vcm_pa_t pa[8];
		void *cpu[8];
		uint64_t free0;

		assert_int_equal(vcm_plat_arena_init(&a, m, bases[b], LEN), 0);
		vcm_plat_arena_ops(&a, &ops);
		free0 = vcm_plat_arena_free_bytes(&a);
		for (int i = 0; i < 8; i++) {
			uint64_t size = UINT64_C(1024) << i;

			assert_int_equal(ops.table_alloc(ops.ctx, size, size, &pa[i], &cpu[i]), 0);
			assert_int_equal(pa[i] % size, 0);
			assert_ptr_equal(ops.pa_to_cpu(ops.ctx, pa[i]), cpu[i]);
			for (uint64_t k = 0; k < size; k++)
				assert_int_equal(((unsigned char *)cpu[i])[k], 0);
			memset(cpu[i], 0xff, (size_t)size);
			assert_int_equal(vcm_plat_arena_check_(&a), 0);
		}
		for (int i = 7; i >= 0; i--)
			ops.table_free(ops.ctx, pa[i], cpu[i], UINT64_C(1024) << i);
		/* everything merged back */
		assert_int_equal(vcm_plat_arena_free_bytes(&a), free0);
		assert_int_equal(vcm_plat_arena_check_(&a), 0);
		assert_null(vcm_plat_arena_pa_to_cpu(&a, bases[b] + LEN));
		assert_null(vcm_plat_arena_pa_to_cpu(&a, bases[b] - 1));
	}
	free(m);
}

/* Fill with the smallest blocks, free every other one, then the rest: all merges. */
static int frees;

static bool never_fail(void *ctx, const char *site)
{
	(void)ctx;
	(void)site;
	return false;
}

static void count_free(void *ctx, const char *site)
{
	(void)ctx;
	(void)site;
	frees++;
}

static void test_exhaust_and_merge(void **state)
{
	struct vcm_plat_arena a;
	struct vcm_plat_ops ops;
	vcm_pa_t *pa = calloc(1024, sizeof(*pa));
	void **cpu = calloc(1024, sizeof(*cpu));
	void *m = mem(), *big;
	uint64_t free0;
	vcm_pa_t bigpa;
	int n = 0;

	(void)state;
	assert_int_equal(vcm_plat_arena_init(&a, m, 0x80000000, LEN), 0);
	vcm_plat_arena_ops(&a, &ops);
	free0 = vcm_plat_arena_free_bytes(&a);
	while (ops.table_alloc(ops.ctx, 1024, 1024, &pa[n], &cpu[n]) == 0)
		n++;
	assert_int_equal((uint64_t)n * 1024, free0);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), 0);
	assert_non_null(strstr(a.diag.msg, "no free block"));
	for (int i = 0; i < n; i += 2)
		ops.table_free(ops.ctx, pa[i], cpu[i], 1024);
	/* half free, but no two free blocks are buddies: 2 KiB is not there */
	assert_int_equal(ops.table_alloc(ops.ctx, 2048, 2048, &bigpa, &big), -ENOMEM);
	for (int i = 1; i < n; i += 2)
		ops.table_free(ops.ctx, pa[i], cpu[i], 1024);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), free0);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	assert_int_equal(ops.table_alloc(ops.ctx, 512 * 1024, 512 * 1024, &bigpa, &big), 0);
	/* a bad free is refused and recorded, not merged */
	ops.table_free(ops.ctx, bigpa + 1024, NULL, 1024);
	assert_non_null(strstr(a.diag.msg, "was not allocated"));
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	/* so is one inside the block's first 1 KiB, for tables and metadata alike */
	ops.table_free(ops.ctx, bigpa + 8, NULL, 1024);
	assert_non_null(strstr(a.diag.msg, "is not the start of a block"));
	{
		uint8_t *meta = ops.meta_alloc(ops.ctx, 100);
		vcm_pa_t again;
		void *next;

		assert_non_null(meta);
		ops.meta_free(ops.ctx, meta + 16, 100);
		assert_non_null(strstr(a.diag.msg, "is not the start of a block"));
		/* both still held: the next blocks are others */
		assert_int_equal(ops.table_alloc(ops.ctx, 1024, 1024, &again, &next), 0);
		assert_true(again != bigpa && next != (void *)meta);
		ops.table_free(ops.ctx, again, next, 1024);
		ops.meta_free(ops.ctx, meta, 100);
		/* a test counting live blocks through the hook: a refused free is no free */
		{
			const struct vcm_plat_inject inj = { .alloc = never_fail,
							     .free = count_free };

			frees = 0;
			vcm_plat_inject_set_(&inj);
			meta = ops.meta_alloc(ops.ctx, 100);
			assert_non_null(meta);
			ops.meta_free(ops.ctx, meta, 100);
			ops.meta_free(ops.ctx, meta, 100); /* twice */
			assert_non_null(strstr(a.diag.msg, "was not allocated"));
			vcm_plat_inject_set_(NULL);
			assert_int_equal(frees, 1);
		}
	}
	ops.table_free(ops.ctx, bigpa, big, 512 * 1024);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), free0);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	free(pa);
	free(cpu);
	free(m);
}

/*
 * Blocks given back zero: kept apart, handed out again last in first out and
 * uncleared (the rest of the block is not written: a byte planted there
 * shows), refused when not allocated, validated, and merged back when a
 * larger block is wanted.
 */
static void test_zero_lists(void **state)
{
	struct vcm_plat_arena a;
	struct vcm_plat_ops ops;
	vcm_pa_t *pa = calloc(1024, sizeof(*pa));
	void **cpu = calloc(1024, sizeof(*cpu));
	void *m = mem(), *p, *big;
	vcm_pa_t ppa, bigpa;
	uint64_t free0, rest;
	int n = 0;

	(void)state;
	assert_int_equal(vcm_plat_arena_init(&a, m, 0x80000000, LEN), 0);
	vcm_plat_arena_ops(&a, &ops);
	assert_non_null(ops.table_free_zero);
	free0 = vcm_plat_arena_free_bytes(&a);
	while (ops.table_alloc(ops.ctx, 4096, 4096, &pa[n], &cpu[n]) == 0)
		n++;
	assert_true(n > 8);
	rest = vcm_plat_arena_free_bytes(&a); /* below 4 KiB */
	/* given back zero, in order: they come back newest first, still zero */
	for (int i = 0; i < 4; i++)
		ops.table_free_zero(ops.ctx, pa[i], cpu[i], 4096);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), rest + 4 * 4096);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	assert_int_equal(ops.table_alloc(ops.ctx, 4096, 4096, &ppa, &p), 0);
	assert_int_equal(ppa, pa[3]);
	for (size_t k = 0; k < 4096; k++)
		assert_int_equal(((uint8_t *)p)[k], 0);
	/* the arena trusts the caller: it does not clear a zero block again */
	((uint8_t *)cpu[2])[100] = 0x5a;
	assert_int_equal(vcm_plat_arena_check_(&a), -EFAULT);
	assert_int_equal(ops.table_alloc(ops.ctx, 4096, 4096, &ppa, &p), 0);
	assert_int_equal(ppa, pa[2]);
	assert_int_equal(((uint8_t *)p)[100], 0x5a);
	((uint8_t *)p)[100] = 0;
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	/* a zero block is free: giving it back again is refused, not listed twice */
	ops.table_free_zero(ops.ctx, pa[1], cpu[1], 4096);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	ops.table_free_zero(ops.ctx, pa[1], cpu[1], 4096);
	assert_non_null(strstr(a.diag.msg, "was not allocated"));
	ops.table_free(ops.ctx, pa[1], cpu[1], 4096);
	assert_non_null(strstr(a.diag.msg, "was not allocated"));
	ops.table_free_zero(ops.ctx, 0x1000, NULL, 4096);
	assert_non_null(strstr(a.diag.msg, "outside the arena"));
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	/* everything back zero: a block larger than any of them merges them back */
	for (int i = 2; i < n; i++)
		ops.table_free_zero(ops.ctx, pa[i], cpu[i], 4096);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), free0);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	assert_int_equal(ops.table_alloc(ops.ctx, 512 * 1024, 512 * 1024, &bigpa, &big), 0);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	for (size_t k = 0; k < 512 * 1024; k++)
		assert_int_equal(((uint8_t *)big)[k], 0);
	ops.table_free(ops.ctx, bigpa, big, 512 * 1024);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), free0);
	/* metadata blocks take zero ones too, and come back to the buddy lists */
	assert_int_equal(ops.table_alloc(ops.ctx, 1024, 1024, &ppa, &p), 0);
	ops.table_free_zero(ops.ctx, ppa, p, 1024);
	big = ops.meta_alloc(ops.ctx, 1000);
	assert_ptr_equal(big, p);
	ops.meta_free(ops.ctx, big, 1000);
	assert_int_equal(vcm_plat_arena_free_bytes(&a), free0);
	assert_int_equal(vcm_plat_arena_check_(&a), 0);
	free(pa);
	free(cpu);
	free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_errors),
		cmocka_unit_test(test_alignment_and_zero),
		cmocka_unit_test(test_exhaust_and_merge),
		cmocka_unit_test(test_zero_lists),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
