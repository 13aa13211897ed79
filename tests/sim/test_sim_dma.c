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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma_copy),
		cmocka_unit_test(test_dma_overlap),
		cmocka_unit_test(test_dma_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
