// SPDX-License-Identifier: MIT
/*
 * The DMA engine: random scatter lists (odd lengths and offsets, pieces that
 * cross pages, empty elements) in hosted memory; to_mem, from_mem and
 * list-to-list copies must be byte exact, and refused transfers change
 * nothing. Seed: VCM_TEST_SEED.
 */
#include <errno.h>
#include <stdlib.h>
#include "sim_fixture.h"
#include "common/test_rand.h"

struct dma_fx {
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	struct vcm_sim_dma *dma;
	vcm_pa_t free_pa;
	uint64_t free_len;
};

static void dma_init(struct dma_fx *fx)
{
	struct vcm_sim_dma_cfg cfg = { 0 };
	struct vcm_diag diag = { 0 };

	assert_int_equal(vcm_hosted_mem_create(SIM_MEM_PA, SIM_MEM_LEN, SIM_TABLE_LEN, &fx->mem,
					       &diag), 0);
	fx->plat = vcm_hosted_mem_plat(fx->mem);
	vcm_hosted_mem_free_range(fx->mem, &fx->free_pa, &fx->free_len);
	cfg.name = "dma0";
	cfg.plat = fx->plat;
	assert_int_equal(vcm_sim_dma_create(&cfg, &fx->dma, &diag), 0);
}

static void dma_fini(struct dma_fx *fx)
{
	assert_int_equal(vcm_sim_dma_destroy(fx->dma), 0);
	assert_int_equal(vcm_hosted_mem_destroy(fx->mem), 0);
}

/*
 * A random list of @n elements in [base, base + span), disjoint (each in its
 * own slot of span / n bytes); returns the total length.
 */
static uint64_t random_sg(uint64_t *s, struct vcm_sim_sg *sg, size_t n, vcm_pa_t base,
			  uint64_t span)
{
	uint64_t slot = span / n, total = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t len = (test_rand(s) & 7U) == 0U ? 0U : 1U + test_rand_below(s, slot / 2U);
		uint64_t off = test_rand_below(s, slot - len);

		sg[i].pa = base + i * slot + off;
		sg[i].len = len;
		total += len;
	}
	return total;
}

static void check_sg_bytes(struct dma_fx *fx, const struct vcm_sim_sg *sg, size_t n,
			   const uint8_t *want, uint64_t len)
{
	uint64_t done = 0;

	for (size_t i = 0; i < n && done < len; i++) {
		uint64_t m = sg[i].len < len - done ? sg[i].len : len - done;

		if (m != 0U)
			assert_memory_equal(vcm_hosted_mem_cpu(fx->mem, sg[i].pa), want + done, m);
		done += m;
	}
	assert_int_equal(done, len);
}

static void test_dma_copy(void **state)
{
	uint64_t s = test_seed("test_dma_copy", 0xd3a);
	struct dma_fx fx;

	(void)state;
	dma_init(&fx);
	for (unsigned int round = 0; round < 40; round++) {
		struct vcm_sim_sg a[64], b[64];
		size_t na = 1U + test_rand_below(&s, 64), nb = 1U + test_rand_below(&s, 64);
		uint64_t half = fx.free_len / 2U;
		uint64_t ta = random_sg(&s, a, na, fx.free_pa, half);
		uint64_t tb = random_sg(&s, b, nb, fx.free_pa + half, half);
		uint64_t len = ta < tb ? ta : tb;
		uint8_t *src = malloc(ta + 1U), *back = malloc(ta + 1U);
		struct vcm_sim_dma_stats st;

		assert_non_null(src);
		assert_non_null(back);
		for (uint64_t k = 0; k < ta; k++)
			src[k] = (uint8_t)test_rand(&s);
		assert_int_equal(vcm_sim_dma_to_mem(fx.dma, a, na, src, ta), 0);
		check_sg_bytes(&fx, a, na, src, ta);
		memset(back, 0, ta + 1U);
		assert_int_equal(vcm_sim_dma_from_mem(fx.dma, a, na, back, ta), 0);
		assert_memory_equal(back, src, ta);
		/* list to list: the first len bytes of a land in b */
		assert_int_equal(vcm_sim_dma_copy(fx.dma, b, nb, a, na, len), 0);
		check_sg_bytes(&fx, b, nb, src, len);
		vcm_sim_dma_stats(fx.dma, &st);
		assert_true(st.bytes > 0U);
		free(src);
		free(back);
	}
	dma_fini(&fx);
}

/*
 * Lists that share bytes: dst ends up holding what src held before the copy,
 * whatever order the pieces run in (one element 16 bytes ahead of itself
 * across a page, and random lists drawn from one span, which mostly meet).
 */
static void test_dma_overlap(void **state)
{
	uint64_t s = test_seed("test_dma_overlap", 0x0ae1);
	struct dma_fx fx;
	struct vcm_sim_dma_stats st0, st1;

	(void)state;
	dma_init(&fx);
	{
		const struct vcm_sim_sg src = { fx.free_pa, 8192 }, dst = { fx.free_pa + 16, 8192 };
		uint8_t before[8192];

		for (unsigned int k = 0; k < sizeof(before); k++)
			before[k] = (uint8_t)(k * 7U + 1U);
		assert_int_equal(vcm_sim_dma_to_mem(fx.dma, &src, 1, before, sizeof(before)), 0);
		vcm_sim_dma_stats(fx.dma, &st0);
		assert_int_equal(vcm_sim_dma_copy(fx.dma, &dst, 1, &src, 1, sizeof(before)), 0);
		check_sg_bytes(&fx, &dst, 1, before, sizeof(before));
		vcm_sim_dma_stats(fx.dma, &st1);
		assert_int_equal(st1.bytes - st0.bytes, sizeof(before)); /* one transfer */
		/* and backwards: src 16 bytes ahead of dst */
		assert_int_equal(vcm_sim_dma_to_mem(fx.dma, &dst, 1, before, sizeof(before)), 0);
		assert_int_equal(vcm_sim_dma_copy(fx.dma, &src, 1, &dst, 1, sizeof(before)), 0);
		check_sg_bytes(&fx, &src, 1, before, sizeof(before));
	}
	for (unsigned int round = 0; round < 40; round++) {
		struct vcm_sim_sg a[16], b[16];
		size_t na = 1U + test_rand_below(&s, 16), nb = 1U + test_rand_below(&s, 16);
		uint64_t ta = random_sg(&s, a, na, fx.free_pa, 256 * 1024);
		uint64_t tb = random_sg(&s, b, nb, fx.free_pa, 256 * 1024);
		uint64_t len = ta < tb ? ta : tb;
		uint8_t *before = malloc(len + 1U);

		assert_non_null(before);
		/* fresh bytes in the whole span, then what a holds is the reference */
		{
			struct vcm_sim_sg span = { fx.free_pa, 256 * 1024 };
			uint8_t *fill = malloc(256 * 1024);

			assert_non_null(fill);
			for (unsigned int i = 0; i < 256 * 1024; i++)
				fill[i] = (uint8_t)test_rand(&s);
			assert_int_equal(vcm_sim_dma_to_mem(fx.dma, &span, 1, fill, 256 * 1024), 0);
			free(fill);
		}
		assert_int_equal(vcm_sim_dma_from_mem(fx.dma, a, na, before, len), 0);
		assert_int_equal(vcm_sim_dma_copy(fx.dma, b, nb, a, na, len), 0);
		check_sg_bytes(&fx, b, nb, before, len);
		free(before);
	}
	dma_fini(&fx);
}

static void test_dma_errors(void **state)
{
	struct vcm_sim_sg sg[2];
	uint8_t buf[64] = { 1, 2, 3 };
	struct vcm_sim_dma_stats st;
	struct dma_fx fx;
	uint8_t *cpu;

	(void)state;
	dma_init(&fx);
	sg[0] = (struct vcm_sim_sg){ fx.free_pa, 32 };
	sg[1] = (struct vcm_sim_sg){ fx.free_pa + 0x2000, 16 };
	cpu = vcm_hosted_mem_cpu(fx.mem, fx.free_pa);
	/* longer than the list */
	assert_int_equal(vcm_sim_dma_to_mem(fx.dma, sg, 2, buf, 49), -ERANGE);
	assert_non_null(strstr(vcm_sim_dma_last_error(fx.dma), "longer"));
	assert_int_equal(cpu[0], 0);
	/* memory missing behind the second element: nothing moves */
	sg[1].pa = SIM_MEM_PA + SIM_MEM_LEN - 8U;
	assert_int_equal(vcm_sim_dma_to_mem(fx.dma, sg, 2, buf, 48), -EFAULT);
	assert_int_equal(cpu[0], 0);
	sg[1].pa = ~UINT64_C(0) - 4U;
	assert_int_equal(vcm_sim_dma_to_mem(fx.dma, sg, 2, buf, 48), -EOVERFLOW);
	assert_int_equal(vcm_sim_dma_to_mem(fx.dma, NULL, 2, buf, 48), -EINVAL);
	assert_int_equal(vcm_sim_dma_from_mem(fx.dma, sg, 2, NULL, 48), -EINVAL);
	vcm_sim_dma_stats(fx.dma, &st);
	assert_int_equal(st.bytes, 0);
	/* an element the transfer reaches wraps even where the part it uses would not */
	{
		const struct vcm_sim_sg top = { ~UINT64_C(0) - 0xfffU, 0x2000 };

		assert_int_equal(vcm_sim_dma_to_mem(fx.dma, &top, 1, buf, 16), -EOVERFLOW);
		assert_non_null(strstr(vcm_sim_dma_last_error(fx.dma), "wraps"));
	}
	/* but only the bytes asked for are checked */
	assert_int_equal(vcm_sim_dma_to_mem(fx.dma, sg, 2, buf, 32), 0);
	assert_int_equal(cpu[2], 3);
	assert_int_equal(vcm_sim_dma_destroy(NULL), 0);
	dma_fini(&fx);
}

/*
 * Whether a copy's lists share a byte, seen from outside: an engine whose
 * platform refuses every allocation of exactly the copy's length (or every
 * allocation at all, which also takes the engine's sorting memory away) fails
 * a copy with -ENOMEM exactly when it wanted a buffer, that is when the lists
 * meet, and moves the bytes otherwise.
 */
struct meet_fx {
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *inner;
	struct vcm_plat_ops ops;        /* the hosted ops, meta_alloc wrapped */
	struct vcm_sim_dma *dma;
	vcm_pa_t free_pa;
	uint64_t fail_len;              /* refuse allocations of this size; 0: none */
	bool fail_all;
};

static void *meet_alloc(void *ctx, size_t size)
{
	struct meet_fx *fx = ctx;

	if (fx->fail_all || (fx->fail_len != 0U && size == fx->fail_len))
		return NULL;
	return fx->inner->meta_alloc(fx->inner->ctx, size);
}

static void meet_free(void *ctx, void *p, size_t size)
{
	struct meet_fx *fx = ctx;

	fx->inner->meta_free(fx->inner->ctx, p, size);
}

static void *meet_cpu(void *ctx, vcm_pa_t pa)
{
	return vcm_hosted_mem_cpu(ctx, pa);
}

static void meet_init(struct meet_fx *fx)
{
	struct vcm_sim_dma_cfg cfg = { 0 };
	struct vcm_diag diag = { 0 };
	uint64_t free_len;

	memset(fx, 0, sizeof(*fx));
	assert_int_equal(vcm_hosted_mem_create(SIM_MEM_PA, SIM_MEM_LEN, SIM_TABLE_LEN, &fx->mem,
					       &diag), 0);
	fx->inner = vcm_hosted_mem_plat(fx->mem);
	vcm_hosted_mem_free_range(fx->mem, &fx->free_pa, &free_len);
	assert_true(free_len >= (UINT64_C(32) << 20));
	fx->ops = *fx->inner;
	fx->ops.ctx = fx;
	fx->ops.meta_alloc = meet_alloc;
	fx->ops.meta_free = meet_free;
	cfg.name = "meet";
	cfg.plat = &fx->ops;
	cfg.pa_to_cpu = meet_cpu;
	cfg.mem_ctx = fx->mem;
	assert_int_equal(vcm_sim_dma_create(&cfg, &fx->dma, &diag), 0);
}

static void meet_fini(struct meet_fx *fx)
{
	fx->fail_len = 0;
	fx->fail_all = false;
	assert_int_equal(vcm_sim_dma_destroy(fx->dma), 0);
	assert_int_equal(vcm_hosted_mem_destroy(fx->mem), 0);
}

/* The engine's answer for copying @len bytes from @src to @dst. */
static bool engine_meets(struct meet_fx *fx, const struct vcm_sim_sg *dst, size_t nd,
			 const struct vcm_sim_sg *src, size_t ns, uint64_t len, bool fail_all)
{
	int ret;

	fx->fail_len = len;
	fx->fail_all = fail_all;
	ret = vcm_sim_dma_copy(fx->dma, dst, nd, src, ns, len);
	fx->fail_len = 0;
	fx->fail_all = false;
	if (ret != 0 && ret != -ENOMEM)
		fail_msg("copy: %d %s", ret, vcm_sim_dma_last_error(fx->dma));
	return ret == -ENOMEM;
}

/* Both ways of the engine (sorted, and pairwise when it has no memory) against @want. */
static void expect_meet(struct meet_fx *fx, const struct vcm_sim_sg *dst, size_t nd,
			const struct vcm_sim_sg *src, size_t ns, uint64_t len, bool want)
{
	assert_int_equal(engine_meets(fx, dst, nd, src, ns, len, false), want);
	assert_int_equal(engine_meets(fx, dst, nd, src, ns, len, true), want);
	/* the question is symmetric */
	assert_int_equal(engine_meets(fx, src, ns, dst, nd, len, false), want);
}

/*
 * The reference: mark every byte the first @len bytes of @a reach in a map of
 * [@base, @base + @span), then look for one of @b's.
 */
static bool ref_meets(const struct vcm_sim_sg *a, size_t na, const struct vcm_sim_sg *b,
		      size_t nb, uint64_t len, vcm_pa_t base, uint8_t *map, uint64_t span)
{
	uint64_t left = len;

	memset(map, 0, span);
	for (size_t i = 0; i < na && left != 0U; i++)
		for (uint64_t k = 0; k < a[i].len && left != 0U; k++, left--)
			map[a[i].pa + k - base] = 1;
	left = len;
	for (size_t j = 0; j < nb && left != 0U; j++)
		for (uint64_t k = 0; k < b[j].len && left != 0U; k++, left--)
			if (map[b[j].pa + k - base] != 0U)
				return true;
	return false;
}

/*
 * Lists that share a byte, lists that only touch (one ends where the other
 * starts), lists interleaved inside each other's hull, lists cut short by the
 * length; then random lists drawn from one small span on coarse and fine
 * grids (so that touching and overlapping are both common), each held
 * against the byte map.
 */
static void test_dma_meet(void **state)
{
	uint64_t s = test_seed("test_dma_meet", 0x3ee7);
	struct meet_fx fx;
	vcm_pa_t p;

	(void)state;
	meet_init(&fx);
	p = fx.free_pa + 0x10000;
	{
		const struct vcm_sim_sg a = { p, 10 }, in = { p + 9, 10 }, after = { p + 10, 10 };
		const struct vcm_sim_sg before = { p - 10, 10 }, under = { p - 9, 10 };

		expect_meet(&fx, &in, 1, &a, 1, 10, true);
		expect_meet(&fx, &after, 1, &a, 1, 10, false);
		expect_meet(&fx, &before, 1, &a, 1, 10, false);
		expect_meet(&fx, &under, 1, &a, 1, 10, true);
		expect_meet(&fx, &a, 1, &a, 1, 10, true);
	}
	{
		/* even and odd slots of 64 bytes: hulls meet, elements only touch */
		struct vcm_sim_sg a[32], b[32];

		for (unsigned int i = 0; i < 32; i++) {
			a[i] = (struct vcm_sim_sg){ p + (uint64_t)(31U - i) * 128U, 64 };
			b[i] = (struct vcm_sim_sg){ p + (uint64_t)i * 128U + 64U, 64 };
		}
		expect_meet(&fx, b, 32, a, 32, 32 * 64, false);
		b[7].pa--; /* one byte into a's element below it */
		expect_meet(&fx, b, 32, a, 32, 32 * 64, true);
		/*
		 * a runs downwards: its element under b[7] is a[24], whose
		 * last byte (the one b[7] shares) is the transfer's 25 * 64th
		 */
		expect_meet(&fx, b, 32, a, 32, 25 * 64 - 1, false);
		expect_meet(&fx, b, 32, a, 32, 25 * 64, true);
	}
	{
		/* the element past the length does not count, even where it overlaps */
		const struct vcm_sim_sg a[2] = { { p, 10 }, { p + 1000, 10 } };
		const struct vcm_sim_sg b[2] = { { p + 1004, 10 }, { p + 2000, 10 } };

		expect_meet(&fx, b, 2, a, 2, 10, false);
		expect_meet(&fx, b, 2, a, 2, 14, false);
		expect_meet(&fx, b, 2, a, 2, 15, true);
		expect_meet(&fx, b, 2, a, 2, 20, true);
	}
	{
		/* empty elements reach nothing, wherever they point */
		const struct vcm_sim_sg a[2] = { { p + 50, 0 }, { p, 10 } };
		const struct vcm_sim_sg b[2] = { { p + 50, 0 }, { p + 10, 10 } };

		expect_meet(&fx, b, 2, a, 2, 10, false);
	}
	{
		const uint64_t span = 8192;
		uint8_t *map = malloc(span);
		unsigned int met = 0, apart = 0;

		assert_non_null(map);
		for (unsigned int round = 0; round < 600; round++) {
			static const uint64_t grid[] = { 1, 16, 64 };
			uint64_t unit = grid[round % 3U], ta = 0, tb = 0, len;
			struct vcm_sim_sg a[24], b[24];
			size_t na = 1U + test_rand_below(&s, 24), nb = 1U + test_rand_below(&s, 24);
			bool want;

			for (size_t i = 0; i < na; i++) {
				a[i].pa = p + test_rand_below(&s, 64) * unit;
				a[i].len = test_rand_below(&s, 5) * unit;
				ta += a[i].len;
			}
			for (size_t j = 0; j < nb; j++) {
				b[j].pa = p + test_rand_below(&s, 64) * unit;
				b[j].len = test_rand_below(&s, 5) * unit;
				tb += b[j].len;
			}
			len = ta < tb ? ta : tb;
			if (len == 0U)
				continue;
			len = 1U + test_rand_below(&s, len);
			want = ref_meets(a, na, b, nb, len, p, map, span);
			expect_meet(&fx, b, nb, a, na, len, want);
			if (want)
				met++;
			else
				apart++;
		}
		/* both answers were asked for often enough to mean something */
		assert_true(met >= 50U && apart >= 50U);
		free(map);
	}
	meet_fini(&fx);
}

/*
 * 50,000 elements a side: lists far apart, lists interleaved that only touch,
 * and the same with one byte shared by the last pair the sweep reaches. The
 * answers are known by construction; the case is here to show that lists
 * this long get one (comparing every pair would take billions of steps).
 */
static void test_dma_meet_large(void **state)
{
	const size_t n = 50000;
	struct vcm_sim_sg *a = malloc(n * sizeof(*a)), *b = malloc(n * sizeof(*b));
	struct meet_fx fx;
	vcm_pa_t p;

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	meet_init(&fx);
	p = fx.free_pa;
	for (size_t i = 0; i < n; i++) {
		a[i] = (struct vcm_sim_sg){ p + (uint64_t)(n - 1U - i) * 128U, 64 };
		b[i] = (struct vcm_sim_sg){ p + (UINT64_C(16) << 20) + (uint64_t)i * 128U, 64 };
	}
	assert_false(engine_meets(&fx, b, n, a, n, (uint64_t)n * 64U, false));
	assert_false(engine_meets(&fx, a, n, b, n, (uint64_t)n * 64U, false));
	for (size_t i = 0; i < n; i++)
		b[i].pa = p + (uint64_t)i * 128U + 64U;
	assert_false(engine_meets(&fx, b, n, a, n, (uint64_t)n * 64U, false));
	b[n - 1U].pa--;
	assert_true(engine_meets(&fx, b, n, a, n, (uint64_t)n * 64U, false));
	assert_true(engine_meets(&fx, a, n, b, n, (uint64_t)n * 64U, false));
	meet_fini(&fx);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_copy),
		cmocka_unit_test(test_dma_overlap),
		cmocka_unit_test(test_dma_errors),
		cmocka_unit_test(test_dma_meet),
		cmocka_unit_test(test_dma_meet_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
