// SPDX-License-Identifier: MIT
/*
 * vcm_get_next_res() over many bounds, against a model: the walk steps over
 * empty bounds by a per-subtree summary in the VCM's space (res.c,
 * vs_next_held_()), so its answers are checked where that summary changes:
 * bounds made empty and non-empty, made and freed, reservations inside and
 * outside them, the range cache on and off (a cached range is free, never a
 * reservation). After every few steps the whole
 * sequence from NULL is compared with the model's, in address order, and the
 * system validator (which checks the summary) is run. Then drain loops:
 * vcm_get_next_res(vcm, NULL) and unreserve until NULL.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include "hosted_sys.h"
#include "../common/test_rand.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define PAGE (4 * KB)
#define MEM_PA UINT64_C(0x80000000)
#define PROT (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define VCM_START UINT64_C(0x10000000)
#define VCM_LEN (UINT64_C(1) << 32)

#define NBOUND 160
#define NRES 600
#define STEPS 6000

static struct vcm_sys *sys;
static struct hosted_sys hs;

static int setup(void **state)
{
	(void)state;
	if (hosted_sys_up(&hs, MEM_PA, 16 * MB, 4 * MB, 0) != 0)
		return -1;
	sys = hs.sys;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hosted_sys_down(&hs);
	return 0;
}

/* The model: live reservations (handle, address, bound slot or -1). */
struct mres {
	struct vcm_res *r;
	vcm_da_t da;
	int bound;
};

static struct mres model[NRES];
static size_t nmodel;
static struct vcm_bound *bounds[NBOUND];
static unsigned int bound_res[NBOUND];

static int by_da(const void *a, const void *b)
{
	const struct mres *x = a, *y = b;

	return x->da < y->da ? -1 : x->da > y->da;
}

/* The whole walk from NULL equals the model in address order. */
static void check_walk(struct vcm *v)
{
	static struct mres sorted[NRES];
	struct vcm_res *r = NULL;

	memcpy(sorted, model, nmodel * sizeof(model[0]));
	qsort(sorted, nmodel, sizeof(sorted[0]), by_da);
	for (size_t i = 0; i < nmodel; i++) {
		r = vcm_get_next_res(v, i == 0 ? NULL : r);
		assert_ptr_equal(r, sorted[i].r);
		assert_int_equal(vcm_get_dev_addr(r), sorted[i].da);
	}
	assert_null(vcm_get_next_res(v, nmodel == 0 ? NULL : r));
	/* and from the middle: the next of each one is its successor */
	if (nmodel > 1) {
		size_t i = nmodel / 2;

		assert_ptr_equal(vcm_get_next_res(v, sorted[i - 1].r), sorted[i].r);
	}
	assert_int_equal(vcm_get_num_res(v), nmodel);
	if (vcm_sys_check_(sys) != 0)
		fail_msg("%s", vcm_sys_last_error(sys));
}

static void set_cache(struct vcm *v, bool on)
{
	struct vcm_vs_cache_cfg cc;

	memset(&cc, 0, sizeof(cc));
	cc.flags = on ? VCM_VS_CACHE_ON : 0U;
	assert_int_equal(vcm_set_range_cache(v, &cc), 0);
}

/* 4K..64K, powers of two mostly (cacheable), sometimes not */
static uint64_t rand_len(uint64_t *s)
{
	if (test_rand_below(s, 4) == 0U)
		return (test_rand_below(s, 5) + 1U) * PAGE;
	return PAGE << test_rand_below(s, 5);
}

static void add(struct vcm_res *r, int bound)
{
	model[nmodel].r = r;
	model[nmodel].da = vcm_get_dev_addr(r);
	model[nmodel].bound = bound;
	nmodel++;
	if (bound >= 0)
		bound_res[bound]++;
}

static void del(size_t i)
{
	assert_int_equal(vcm_unreserve(model[i].r), 0);
	if (model[i].bound >= 0)
		bound_res[model[i].bound]--;
	model[i] = model[--nmodel];
}

static void one_step(uint64_t *s, struct vcm *v)
{
	unsigned int op = (unsigned int)test_rand_below(s, 100);
	int k = (int)test_rand_below(s, NBOUND);
	struct vcm_res *r;

	if (op < 25 && nmodel < NRES) {
		/* top level, between and around the bounds */
		if (vcm_reserve(v, rand_len(s), 0, PROT, &r) == 0)
			add(r, -1);
	} else if (op < 50 && nmodel < NRES) {
		if (bounds[k] != NULL &&
		    vcm_reserve_from_bound(bounds[k], rand_len(s), 0, PROT, &r) == 0)
			add(r, k);
	} else if (op < 88) {
		if (nmodel != 0U)
			del((size_t)test_rand_below(s, nmodel));
	} else if (op < 94) {
		if (bounds[k] == NULL)
			assert_int_equal(vcm_create_bound(v, (test_rand_below(s, 8) + 1U) *
							  64 * KB, &bounds[k]), 0);
	} else if (op < 99) {
		/* free a bound once empty: its slot is made again later, elsewhere */
		if (bounds[k] != NULL && bound_res[k] == 0U) {
			assert_int_equal(vcm_free_bound(bounds[k]), 0);
			bounds[k] = NULL;
		}
	} else {
		set_cache(v, test_rand_below(s, 2) != 0U);
	}
}

static void free_all(struct vcm *v)
{
	while (nmodel != 0U)
		del(nmodel - 1U);
	for (int k = 0; k < NBOUND; k++) {
		if (bounds[k] != NULL)
			assert_int_equal(vcm_free_bound(bounds[k]), 0);
		bounds[k] = NULL;
	}
	assert_int_equal(vcm_free(v), 0);
}

static void test_walk_model(void **state)
{
	uint64_t s = test_seed("test_graph_walk", 0x77616c6bU);
	struct vcm *v;

	(void)state;
	for (unsigned int round = 0; round < 2; round++) {
		assert_int_equal(vcm_create(sys, VCM_START, VCM_LEN, &v), 0);
		/* round 1: cached from the start, so every bound inherits it */
		set_cache(v, round == 1U);
		for (int k = 0; k < NBOUND; k++)
			assert_int_equal(vcm_create_bound(v, (test_rand_below(&s, 4) + 1U) *
							  64 * KB, &bounds[k]), 0);
		for (unsigned int i = 0; i < STEPS; i++) {
			one_step(&s, v);
			if (i % 7U == 0U)
				check_walk(v);
		}
		check_walk(v);
		free_all(v);
	}
}

/*
 * The usual drain loop: take the first reservation and unreserve it until
 * the VCM has none; each one taken is the lowest left. Over many bounds, most
 * empty, with reservations in every third and between them.
 */
static void drain(bool cache)
{
	static struct mres sorted[NRES];
	uint64_t s = test_seed("test_graph_walk_drain", 0x6472616eU);
	struct vcm *v;
	struct vcm_res *r;
	size_t n = 0;

	assert_int_equal(vcm_create(sys, VCM_START, VCM_LEN, &v), 0);
	set_cache(v, cache);
	for (int k = 0; k < NBOUND; k++) {
		assert_int_equal(vcm_create_bound(v, 64 * KB, &bounds[k]), 0);
		if (k % 3 == 0) {
			assert_int_equal(vcm_reserve_from_bound(bounds[k],
								PAGE << test_rand_below(&s, 3),
								0, PROT, &r), 0);
			add(r, k);
		}
		if (k % 5 == 0) {
			assert_int_equal(vcm_reserve(v, rand_len(&s), 0, PROT, &r), 0);
			add(r, -1);
		}
	}
	memcpy(sorted, model, nmodel * sizeof(model[0]));
	qsort(sorted, nmodel, sizeof(sorted[0]), by_da);
	while ((r = vcm_get_next_res(v, NULL)) != NULL) {
		assert_true(n < nmodel);
		assert_ptr_equal(r, sorted[n].r);
		assert_int_equal(vcm_unreserve(r), 0);
		n++;
		if (n % 16U == 0U)
			assert_int_equal(vcm_sys_check_(sys), 0);
	}
	assert_int_equal(n, nmodel);
	assert_int_equal(vcm_get_num_res(v), 0);
	for (size_t i = 0; i < nmodel; i++)
		if (sorted[i].bound >= 0)
			bound_res[sorted[i].bound]--;
	nmodel = 0;
	free_all(v);
}

static void test_walk_drain(void **state)
{
	(void)state;
	drain(false);
	drain(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_model),
		cmocka_unit_test(test_walk_drain),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
