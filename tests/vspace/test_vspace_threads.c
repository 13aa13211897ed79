// SPDX-License-Identifier: MIT
/*
 * Range cache with one set of magazines per thread (vcm_vs_cache_set_local()).
 *  - one thread playing two callers: a range freed by caller 0 goes back to
 *    caller 0, caller 1 gets another; the depot serves both; argument errors;
 *    the validator refuses a foreign entry in a set and a set count that
 *    differs from the configuration (white box);
 *  - two threads churning one space under a mutex (the caller serialises,
 *    vspace.h), each its own set: no two live ranges overlap, every handle
 *    finds itself, the validator passes throughout, nothing leaks. Built with
 *    -fsanitize=thread it also shows the cache keeps no state of its own
 *    outside the space that the caller's lock does not cover.
 * Reads src/vspace/vspace_internal.h for the white-box part.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/vspace.h>
#include "../../src/vspace/vspace_internal.h"
#include "vs_helpers.h"

#define SZ_4K  UINT64_C(0x1000)
#define SZ_16K UINT64_C(0x4000)
#define SZ_64K UINT64_C(0x10000)

static const struct vcm_vs_cache_cfg on = { VCM_VS_CACHE_ON, 0, 0 };

/* The caller's number: set by each thread (or by the test, to play a caller). */
static _Thread_local uint32_t caller;

static uint32_t caller_of(void *ctx)
{
	(void)ctx;
	return caller;
}

static struct vcm_vs *make(struct counting_meta *meta, struct vcm_plat_ops *plat,
			   uint32_t nlocal)
{
	struct vcm_vs_cfg cfg = { .start = 0, .len = UINT64_C(1) << 32, .plat = plat };
	struct vcm_vs *vs;

	counting_ops(plat, meta);
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
	assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
	assert_int_equal(vcm_vs_cache_set_local(vs, nlocal, caller_of, NULL), 0);
	return vs;
}

static void finish(struct vcm_vs *vs, struct counting_meta *meta)
{
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_destroy(vs), 0);
	assert_int_equal(meta->live_blocks, 0);
	assert_int_equal(meta->live_bytes, 0);
}

static void test_sets_are_per_caller(void **state)
{
	struct counting_meta meta;
	struct vcm_vs_cache_stats st;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat, 2);
	struct vcm_vs_range *a, *b, *r, *many[2 * VS_MAG_SIZE + 1];
	vcm_da_t da;
	uint64_t n;

	(void)state;
	caller = 0;
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &a), 0);
	da = vcm_vs_range_start(a);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	/* caller 1's set is empty and so is the depot: a new range from the tree */
	caller = 1;
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &b), 0);
	assert_int_not_equal(vcm_vs_range_start(b), da);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* caller 0 gets its own range back, the same node */
	caller = 0;
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &r), 0);
	assert_ptr_equal(r, a);
	assert_int_equal(vcm_vs_range_start(r), da);
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_int_equal(st.hits, 1);
	/* caller 1 frees more than its two magazines hold: full ones reach the depot */
	caller = 1;
	for (unsigned int i = 0; i < 2U * VS_MAG_SIZE + 1U; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_16K, SZ_16K, &many[i]), 0);
	for (unsigned int i = 0; i < 2U * VS_MAG_SIZE + 1U; i++)
		assert_int_equal(vcm_vs_unreserve(vs, many[i]), 0);
	assert_non_null(vs->cache->depot[vcm_ctz64(SZ_16K) - VS_CACHE_MIN_LG2]);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* ... which caller 0 draws from */
	caller = 0;
	assert_int_equal(vcm_vs_reserve(vs, SZ_16K, SZ_16K, &many[0]), 0);
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_int_equal(st.hits, 2);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 2U * VS_MAG_SIZE);
	/* a number past the sets wraps */
	caller = 5;
	assert_int_equal(vcm_vs_reserve(vs, SZ_16K, SZ_16K, &many[1]), 0);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* changing the sets flushes: the cache is empty and exact first fit again */
	assert_int_equal(vcm_vs_cache_set_local(vs, 3, caller_of, NULL), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_null(vs->cache);
	assert_int_equal(vcm_vs_check_(vs), 0);
	finish(vs, &meta);
}

static void test_set_local_errors(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat, 1);
	const char *m;

	(void)state;
	assert_int_equal(vcm_vs_cache_set_local(NULL, 2, caller_of, NULL), -EINVAL);
	assert_int_equal(vcm_vs_cache_set_local(vs, VCM_VS_CACHE_MAX_LOCAL + 1U, caller_of, NULL),
			 -EINVAL);
	m = vcm_vs_last_error(vs);
	assert_true(strncmp(m, "vcm_vs_cache_set_local: nlocal", 30) == 0);
	assert_int_equal(vcm_vs_cache_set_local(vs, 2, NULL, NULL), -EINVAL);
	assert_non_null(strstr(vcm_vs_last_error(vs), "local is NULL"));
	assert_int_equal(vs->cache_nlocal, 1);
	assert_int_equal(vcm_vs_cache_set_local(vs, 0, NULL, NULL), 0);
	assert_int_equal(vs->cache_nlocal, 1);
	finish(vs, &meta);
}

/* The validator refuses what a broken set would look like. */
static void test_check_sets(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat, 2);
	struct vcm_vs_range *a, *b;
	struct vs_mag *m;

	(void)state;
	caller = 1;
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &a), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &b), 0);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	m = vs->cache->local[1].loaded[0];
	assert_non_null(m);
	assert_ptr_equal(m->r[0], a);
	/* a live range in caller 1's magazine */
	m->r[0] = b;
	assert_int_equal(vcm_vs_check_(vs), -EFAULT);
	assert_non_null(strstr(vcm_vs_last_error(vs), "not a cached range"));
	m->r[0] = a;
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* the header's set count against the configuration */
	vs->cache->nlocal = 1;
	assert_int_equal(vcm_vs_check_(vs), -EFAULT);
	assert_non_null(strstr(vcm_vs_last_error(vs), "magazine sets differ"));
	vs->cache->nlocal = 2;
	/* sets without a way to pick one */
	vs->cache_local_fn = NULL;
	assert_int_equal(vcm_vs_check_(vs), -EFAULT);
	assert_non_null(strstr(vcm_vs_last_error(vs), "without local()"));
	vs->cache_local_fn = caller_of;
	assert_int_equal(vcm_vs_check_(vs), 0);
	finish(vs, &meta);
}

/* ---- two threads ---- */

#define HELD  64U
#define STEPS 20000U

struct shared {
	pthread_mutex_t mu;
	struct vcm_vs *vs;
	uint64_t live;           /* ranges held by both threads */
};

struct worker {
	struct shared *sh;
	uint32_t id;
	uint64_t seed;
	struct vcm_vs_range *held[HELD];
	unsigned int failed;     /* broken invariants seen (asserted after the join) */
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* @r is live, names itself at both ends, and is where it says it is. */
static bool sane(struct vcm_vs *vs, struct vcm_vs_range *r)
{
	vcm_da_t da = vcm_vs_range_start(r);
	uint64_t len = vcm_vs_range_len(r);

	return len != 0U && vcm_vs_find(vs, da) == r && vcm_vs_find(vs, da + len - 1U) == r;
}

static void *work(void *arg)
{
	struct worker *w = arg;
	struct shared *sh = w->sh;

	caller = w->id;
	for (unsigned int i = 0; i < STEPS; i++) {
		unsigned int k = (unsigned int)(rnd(&w->seed) % HELD);
		uint64_t len = SZ_4K << (rnd(&w->seed) % 7U); /* 4K .. 256K, all cacheable */

		pthread_mutex_lock(&sh->mu);
		if (w->held[k] != NULL) {
			if (!sane(sh->vs, w->held[k]) || vcm_vs_unreserve(sh->vs, w->held[k]) != 0)
				w->failed++;
			w->held[k] = NULL;
			sh->live--;
		} else {
			if (vcm_vs_reserve(sh->vs, len, len, &w->held[k]) != 0 ||
			    !sane(sh->vs, w->held[k]) || vcm_vs_range_len(w->held[k]) != len)
				w->failed++;
			else
				sh->live++;
		}
		if (vcm_vs_count(sh->vs) != sh->live)
			w->failed++;
		if (i % 1024U == 0U && vcm_vs_check_(sh->vs) != 0)
			w->failed++;
		pthread_mutex_unlock(&sh->mu);
	}
	return NULL;
}

static void test_two_threads(void **state)
{
	struct counting_meta meta;
	struct vcm_vs_cache_stats st;
	struct vcm_plat_ops plat;
	struct shared sh = { .live = 0 };
	struct worker w[2];
	pthread_t t[2];

	(void)state;
	sh.vs = make(&meta, &plat, 2);
	assert_int_equal(pthread_mutex_init(&sh.mu, NULL), 0);
	for (uint32_t i = 0; i < 2U; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].sh = &sh;
		w[i].id = i;
		w[i].seed = 0x9e3779b97f4a7c15ULL * (i + 1U);
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	}
	for (unsigned int i = 0; i < 2U; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(w[0].failed, 0);
	assert_int_equal(w[1].failed, 0);
	assert_int_equal(vcm_vs_check_(sh.vs), 0);
	/* the cache served both threads */
	assert_int_equal(vcm_vs_cache_stats(sh.vs, &st), 0);
	assert_true(st.hits > STEPS / 4U);
	/* no range is held twice across the threads */
	for (unsigned int i = 0; i < HELD; i++) {
		for (unsigned int j = 0; j < HELD; j++)
			assert_true(w[0].held[i] == NULL || w[0].held[i] != w[1].held[j]);
	}
	for (unsigned int i = 0; i < 2U; i++) {
		for (unsigned int k = 0; k < HELD; k++) {
			if (w[i].held[k] != NULL)
				assert_int_equal(vcm_vs_unreserve(sh.vs, w[i].held[k]), 0);
		}
	}
	assert_int_equal(vcm_vs_count(sh.vs), 0);
	pthread_mutex_destroy(&sh.mu);
	finish(sh.vs, &meta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sets_are_per_caller),
		cmocka_unit_test(test_set_local_errors),
		cmocka_unit_test(test_check_sets),
		cmocka_unit_test(test_two_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
