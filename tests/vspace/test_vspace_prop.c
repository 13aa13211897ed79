// SPDX-License-Identifier: MIT
/*
 * vspace property tests: random reserve / reserve-at / unreserve / find
 * sequences run against the brute-force model (tests/model/vspace_model.c),
 * which answers every placement by scanning all gaps. After every operation:
 * same return code, same address (both are exact first fit, so -ENOSPC is
 * only accepted when no aligned fit exists anywhere), alignment honoured, no
 * overlap and every byte accounted for (the validator checks that ranges and
 * gaps tile the space; the walk must equal the model), counters equal. Each
 * range carries an owner tag set when it is made, which find and the walk
 * must give back, and which a range handed out again must not keep.
 * Freeing everything must leave one gap covering the whole space.
 *
 * Each space runs four times: as above, and with the range cache on (default
 * and tiny limits, and tiny with three magazine sets, a random caller per op). With the cache a reservation must lie inside the space,
 * aligned and overlapping nothing the model holds (the model accepts it as a
 * reserve-at) and never below the model's lowest fit; -ENOSPC only when the model,
 * which holds no cached ranges (the cache flushed), has no fit either.
 * Reserve-at, find, walks and counters must equal the model exactly. A last
 * test makes meta_alloc fail at random while the cache is on.
 *
 * The seed comes from VCM_TEST_SEED (decimal or 0x...) or the clock, and is
 * printed at the start and in every failure message: VCM_TEST_SEED=<n>
 * ./test_vspace_prop reproduces it (tests/common/test_rand.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>
#include <vcm/vspace.h>
#include "common/test_rand.h"
#include "model/vspace_model.h"
#include "vs_helpers.h"

#define PAGE UINT64_C(0x1000)

static unsigned long long seed;

#define CHECK(ctx, cond)                                                                   \
	do {                                                                               \
		if (!(cond))                                                               \
			fail_msg("%s (VCM_TEST_SEED=%#llx, %s%s, op %lu): last error \"%s\"", \
				 #cond, seed, (ctx)->name, (ctx)->cache ? " cached" : "",   \
				 (ctx)->op, vcm_vs_last_error((ctx)->vs));                   \
	} while (0)

struct params {
	const char *name;
	uint64_t start, len;       /* bytes */
	uint64_t max_pages;        /* largest request */
	unsigned int max_align_lg2;
	unsigned long ops;
	unsigned int walk_every;   /* compare the full walk every n ops */
};

/* The range cache's settings for one run; flags 0 runs without it. */
struct cache_mode {
	const char *name;
	struct vcm_vs_cache_cfg cc;
	uint32_t nlocal;           /* magazine sets (vcm_vs_cache_set_local()) */
};

static const struct cache_mode modes[] = {
	{ "no cache", { 0, 0, 0 }, 1 },
	{ "cache", { VCM_VS_CACHE_ON, 0, 0 }, 1 },
	{ "tiny cache", { VCM_VS_CACHE_ON, 40, 64 * 4096 }, 1 },
	{ "tiny cache, 3 sets", { VCM_VS_CACHE_ON, 40, 64 * 4096 }, 3 },
};

/*
 * With several magazine sets, each op is made by a random caller (0..sets,
 * one past the last to wrap), as if threads took turns under one lock.
 */
static uint32_t prop_sets = 1, prop_caller;

static uint32_t caller_of(void *ctx)
{
	(void)ctx;
	return prop_caller;
}

static void set_sets(struct vcm_vs *vs, uint32_t nlocal)
{
	prop_sets = nlocal;
	assert_int_equal(vcm_vs_cache_set_local(vs, nlocal, caller_of, NULL), 0);
}

struct run {
	const char *name;
	unsigned long op;
	struct vcm_vs *vs;
	struct vsm model;
	struct vcm_vs_range **h;   /* live handles, any order */
	size_t n, cap;
	uint64_t rng;
	const struct params *p;
	bool cache;
	bool meta_fails;           /* -ENOMEM is a fair answer to a reserve */
	uint64_t max_cached;       /* most ranges the cache held: it was exercised */
};

/* The owner every live range carries in these runs: a tag made from its start. */
static void *owner_of(vcm_da_t start)
{
	return (void *)(uintptr_t)(start + 1U);
}

/* A new range (fresh, or handed out again by the cache) has no owner; give it one. */
static void push(struct run *t, struct vcm_vs_range *r)
{
	CHECK(t, vcm_vs_range_owner(r) == NULL);
	vcm_vs_range_set_owner(r, owner_of(vcm_vs_range_start(r)));
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->h = realloc(t->h, t->cap * sizeof(*t->h));
		assert_non_null(t->h);
	}
	t->h[t->n++] = r;
}

static void compare_all(struct run *t)
{
	size_t i = 0;

	uint64_t cached = 0;

	CHECK(t, vcm_vs_check_(t->vs) == 0);
	CHECK(t, vcm_vs_cache_usage(t->vs, &cached, NULL) == 0);
	if (cached > t->max_cached)
		t->max_cached = cached;
	CHECK(t, vcm_vs_count(t->vs) == t->model.n);
	CHECK(t, vcm_vs_free_bytes(t->vs) == vsm_free_bytes(&t->model));
	if (t->p->walk_every == 0 || t->op % t->p->walk_every != 0)
		return;
	for (struct vcm_vs_range *r = vcm_vs_first(t->vs); r != NULL;
	     r = vcm_vs_next(t->vs, r), i++) {
		CHECK(t, i < t->model.n);
		CHECK(t, vcm_vs_range_start(r) == t->model.r[i].start);
		CHECK(t, vcm_vs_range_len(r) == t->model.r[i].len);
		CHECK(t, vcm_vs_range_owner(r) == owner_of(t->model.r[i].start));
	}
	CHECK(t, i == t->model.n);
}

/* Request sizes skewed small (most 1-8 pages), some up to max_pages. */
static uint64_t rand_len(struct run *t)
{
	uint64_t pages;

	switch (test_rand_below(&t->rng, 4)) {
	case 0:
	case 1:
		pages = 1 + test_rand_below(&t->rng, 8);
		break;
	case 2:
		pages = 1 + test_rand_below(&t->rng, t->p->max_pages / 8 + 1);
		break;
	default:
		pages = 1 + test_rand_below(&t->rng, t->p->max_pages);
		break;
	}
	/* sometimes not a page multiple: must round up */
	if (test_rand_below(&t->rng, 8) == 0)
		return pages * PAGE - test_rand_below(&t->rng, PAGE - 1);
	return pages * PAGE;
}

static void op_reserve(struct run *t)
{
	uint64_t len = rand_len(t), rlen;
	uint64_t align = UINT64_C(1) << (12 + test_rand_below(&t->rng, t->p->max_align_lg2 - 11));
	struct vcm_vs_range *r = NULL;
	uint64_t da = 0, cached_before;
	int ours, want = -ERANGE;

	/* with the cache, half the requests are of its classes */
	if (t->cache && test_rand_below(&t->rng, 2) == 0) {
		unsigned int lg2 = (unsigned int)test_rand_below(&t->rng, 7);

		len = PAGE << lg2;
		align = PAGE << test_rand_below(&t->rng, lg2 + 1);
	}
	rlen = (len + PAGE - 1) & ~(PAGE - 1);
	assert_int_equal(vcm_vs_cache_usage(t->vs, &cached_before, NULL), 0);
	ours = vcm_vs_reserve(t->vs, len, align, &r);
	if (t->meta_fails && ours == -ENOMEM) {
		uint64_t cached = 1;

		/* only when no cached range was left to give its node */
		CHECK(t, vcm_vs_cache_usage(t->vs, &cached, NULL) == 0 && cached == 0);
		return;
	}
	if (rlen - 1 <= t->model.last - t->model.start)
		want = t->cache ? vsm_first_fit(&t->model, rlen, align, &da)
				: vsm_reserve(&t->model, rlen, align, &da);
	CHECK(t, ours == want);
	if (ours != 0)
		return;
	CHECK(t, vcm_vs_range_len(r) == rlen);
	if (t->cache) {
		uint64_t got = vcm_vs_range_start(r);

		/*
		 * Free to the model, never below its lowest fit; other than a cache
		 * hit it is the lowest fit with cached ranges counted as taken, which
		 * the model cannot see, so the check is >=.
		 */
		CHECK(t, got >= da);
		CHECK(t, got == da || cached_before != 0); /* an empty cache: exact */
		CHECK(t, vsm_reserve_at(&t->model, got, rlen) == 0);
		da = got;
	}
	CHECK(t, vcm_vs_range_start(r) == da);
	CHECK(t, (da & (align - 1)) == 0);
	push(t, r);
}

static void op_reserve_at(struct run *t)
{
	uint64_t len = rand_len(t), rlen = (len + PAGE - 1) & ~(PAGE - 1);
	/* mostly inside, sometimes just outside either end */
	uint64_t span = t->p->len / PAGE + 4;
	uint64_t da = t->p->start + (test_rand_below(&t->rng, span) - 2) * PAGE;
	struct vcm_vs_range *r = NULL;
	int ours = vcm_vs_reserve_at(t->vs, da, len, &r), want;

	if (t->meta_fails && ours == -ENOMEM)
		return;
	if (da + (rlen - 1) < da)
		want = -EOVERFLOW;
	else
		want = vsm_reserve_at(&t->model, da, rlen);
	CHECK(t, ours == want);
	if (ours != 0)
		return;
	CHECK(t, vcm_vs_range_start(r) == da && vcm_vs_range_len(r) == rlen);
	push(t, r);
}

static void op_unreserve(struct run *t)
{
	size_t i;
	vcm_da_t start;

	if (t->n == 0)
		return;
	i = (size_t)test_rand_below(&t->rng, t->n);
	start = vcm_vs_range_start(t->h[i]);
	CHECK(t, vcm_vs_unreserve(t->vs, t->h[i]) == 0);
	CHECK(t, vsm_unreserve(&t->model, start) == 0);
	t->h[i] = t->h[--t->n];
}

static void op_find(struct run *t)
{
	uint64_t da = t->p->start + test_rand_below(&t->rng, t->p->len) -
		      (test_rand_below(&t->rng, 9) == 0);
	struct vcm_vs_range *r = vcm_vs_find(t->vs, da);
	long i = vsm_find(&t->model, da);

	if (i < 0) {
		CHECK(t, r == NULL);
	} else {
		CHECK(t, r != NULL);
		CHECK(t, vcm_vs_range_start(r) == t->model.r[i].start);
		CHECK(t, vcm_vs_range_owner(r) == owner_of(t->model.r[i].start));
	}
}

static void run_params(struct vcm_vs *vs, const struct params *p, uint64_t s, bool cache)
{
	struct run t = { .name = p->name, .vs = vs, .rng = s, .p = p, .cache = cache };
	struct vcm_vs_range *all;
	/* the cached modes run half as long: three of them, each as thorough per op */
	const unsigned long ops = cache ? p->ops / 2 : p->ops;

	vsm_init(&t.model, p->start, p->start + (p->len - 1));
	for (t.op = 0; t.op < ops; t.op++) {
		/* phases: grow, churn, shrink, so that both full and empty spaces are seen */
		unsigned long phase = t.op * 3 / ops;
		uint64_t dice = test_rand_below(&t.rng, 100);

		if (prop_sets > 1U)
			prop_caller = (uint32_t)test_rand_below(&t.rng, prop_sets + 1U);
		if (dice < (phase == 0 ? 50 : phase == 1 ? 30 : 10))
			op_reserve(&t);
		else if (dice < (phase == 0 ? 65 : phase == 1 ? 45 : 15))
			op_reserve_at(&t);
		else if (dice < (phase == 0 ? 80 : phase == 1 ? 80 : 85))
			op_unreserve(&t);
		else if (dice < 98 || !cache)
			op_find(&t);
		else
			CHECK(&t, vcm_vs_cache_flush(vs) == 0);
		compare_all(&t);
	}
	while (t.n > 0) {
		op_unreserve(&t);
		compare_all(&t);
	}
	CHECK(&t, t.max_cached > 0 || !cache);
	/* one gap covering the whole space, cached ranges flushed by the reserve */
	CHECK(&t, vcm_vs_first(vs) == NULL);
	CHECK(&t, vcm_vs_free_bytes(vs) == p->len);
	CHECK(&t, vcm_vs_reserve(vs, p->len, PAGE, &all) == 0);
	CHECK(&t, vcm_vs_range_start(all) == p->start);
	CHECK(&t, vcm_vs_unreserve(vs, all) == 0);
	vsm_fini(&t.model);
	free(t.h);
}

static void run_space(const struct params *p)
{
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct counting_meta meta;
		struct vcm_plat_ops plat;
		struct vcm_vs_cfg cfg = { .start = p->start, .len = p->len, .plat = &plat };
		struct vcm_vs *vs;

		counting_ops(&plat, &meta);
		assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
		assert_int_equal(vcm_vs_cache_config(vs, &modes[m].cc), 0);
		set_sets(vs, modes[m].nlocal);
		run_params(vs, p, seed ^ (uint64_t)(uintptr_t)p->name[0] * 0x100000001b3ULL ^ m,
			   modes[m].cc.flags != 0);
		assert_int_equal(vcm_vs_destroy(vs), 0);
		assert_int_equal(meta.live_blocks, 0);
	}
}

static void test_tiny_crowded(void **state)
{
	static const struct params p = { "tiny", 0x10000, 256 * PAGE, 16, 16, 20000, 1 };

	(void)state;
	run_space(&p);
}

static void test_large_alignments(void **state)
{
	static const struct params p = { "large-align", PAGE, UINT64_C(1) << 32, 4096, 30,
					 20000, 7 };

	(void)state;
	run_space(&p);
}

static void test_top_of_64bit(void **state)
{
	static const struct params p = { "top", UINT64_C(0xfffffffc00000000),
					 UINT64_C(0x400000000), 8192, 30, 10000, 5 };

	(void)state;
	run_space(&p);
}

static void test_inside_bound(void **state)
{
	static const struct params p = { "bound", UINT64_C(0x40000000), UINT64_C(0x4000000),
					 64, 20, 10000, 3 };

	(void)state;
	for (size_t m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		struct counting_meta meta;
		struct vcm_plat_ops plat;
		struct vcm_vs_cfg cfg = { .start = 0, .len = UINT64_C(1) << 34, .plat = &plat };
		struct vcm_vs *vs;
		struct vcm_vs_bound *b;
		struct vcm_vs_range *r;

		counting_ops(&plat, &meta);
		assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
		/* the bound inherits the parent's cache settings */
		assert_int_equal(vcm_vs_cache_config(vs, &modes[m].cc), 0);
		set_sets(vs, modes[m].nlocal);
		assert_int_equal(vcm_vs_reserve(vs, PAGE, PAGE, &r), 0);
		assert_int_equal(vcm_vs_bound_create_at(vs, p.start, p.len, &b), 0);
		run_params(vcm_vs_bound_space(b), &p, seed + 7 + m, modes[m].cc.flags != 0);
		assert_int_equal(vcm_vs_check_(vs), 0);
		assert_int_equal(vcm_vs_bound_free(vs, b), 0);
		assert_int_equal(vcm_vs_unreserve(vs, r), 0);
		assert_int_equal(vcm_vs_check_(vs), 0);
		assert_int_equal(vcm_vs_destroy(vs), 0);
		assert_int_equal(meta.live_blocks, 0);
	}
}

/*
 * Fragmentation: thousands of gaps each long enough for the length (len + a -
 * 8K, 4K short of a guaranteed aligned fit) but holding no a-aligned fit, then
 * one real fit opened at a random place. A search that looks only at gap
 * lengths, or gives up after a few candidates, fails here.
 *
 * Layout, period 2a: gap m = [2ma + 4K, (2m+1)a + len - 4K) - its only
 * boundary (2m+1)a leaves len - 4K - then used up to 2(m+1)a + 4K.
 */
static void test_fragmentation(void **state)
{
	const uint64_t a = UINT64_C(1) << 20, len = 64 * PAGE;
	const unsigned int holes = 4000;
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs_cfg cfg = { .start = 0, .len = 2 * (uint64_t)holes * a + PAGE,
				  .plat = &plat };
	struct vcm_vs *vs;
	struct vcm_vs_range *r, *fit;
	uint64_t s = seed;
	unsigned int m;

	(void)state;
	counting_ops(&plat, &meta);
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
	assert_int_equal(vcm_vs_reserve_at(vs, 0, PAGE, &r), 0);
	for (m = 0; m < holes; m++) {
		uint64_t used = (2 * (uint64_t)m + 1) * a + len - PAGE;

		assert_int_equal(vcm_vs_reserve_at(vs, used, 2 * (m + 1) * a + PAGE - used, &r), 0);
	}
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_free_bytes(vs), (uint64_t)holes * (a + len - 2 * PAGE));
	assert_int_equal(vcm_vs_reserve(vs, len, a, &r), -ENOSPC);
	assert_int_equal(vcm_vs_reserve(vs, len - PAGE, a, &fit), 0);
	assert_int_equal(vcm_vs_range_start(fit), a);
	assert_int_equal(vcm_vs_unreserve(vs, fit), 0);
	assert_int_equal(vcm_vs_reserve(vs, len, PAGE, &fit), 0);
	assert_int_equal(vcm_vs_range_start(fit), PAGE);
	assert_int_equal(vcm_vs_unreserve(vs, fit), 0);

	/* free the used run after gap m: gaps m and m+1 merge */
	m = (unsigned int)test_rand_below(&s, holes - 1);
	r = vcm_vs_find(vs, (2 * (uint64_t)m + 1) * a + len);
	assert_non_null(r);
	assert_int_equal(vcm_vs_unreserve(vs, r), 0);
	assert_int_equal(vcm_vs_reserve(vs, len, a, &fit), 0);
	if (vcm_vs_range_start(fit) != (2 * (uint64_t)m + 1) * a)
		fail_msg("fit at %#llx, want %#llx (VCM_TEST_SEED=%#llx)",
			 (unsigned long long)vcm_vs_range_start(fit),
			 (unsigned long long)(2 * (uint64_t)m + 1) * a, seed);
	assert_int_equal(vcm_vs_reserve(vs, len, a, &fit), 0);
	assert_int_equal(vcm_vs_range_start(fit), (2 * (uint64_t)m + 2) * a);
	assert_int_equal(vcm_vs_reserve(vs, len, a, &r), -ENOSPC);
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_destroy(vs), 0);
	assert_int_equal(meta.live_blocks, 0);
}

/* Many ranges, random churn: the validator every 997 ops (it is O(n)). */
static void test_many_ranges(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs_cfg cfg = { .start = PAGE, .len = UINT64_C(1) << 36, .plat = &plat };
	struct vcm_vs *vs;
	struct vcm_vs_range **h = calloc(50000, sizeof(*h));
	uint64_t s = seed + 99;
	size_t n = 0;

	(void)state;
	assert_non_null(h);
	counting_ops(&plat, &meta);
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
	for (unsigned long op = 0; op < 200000; op++) {
		if (n < 50000 && (n < 40000 || test_rand_below(&s, 2) == 0)) {
			uint64_t len = (1 + test_rand_below(&s, 256)) * PAGE;
			uint64_t align = UINT64_C(1) << (12 + test_rand_below(&s, 19));

			if (vcm_vs_reserve(vs, len, align, &h[n]) == 0) {
				if (vcm_vs_range_start(h[n]) & (align - 1))
					fail_msg("misaligned (VCM_TEST_SEED=%#llx)", seed);
				n++;
			}
		} else {
			size_t i = (size_t)test_rand_below(&s, n);

			assert_int_equal(vcm_vs_unreserve(vs, h[i]), 0);
			h[i] = h[--n];
		}
		if (op % 997 == 0 && vcm_vs_check_(vs) != 0)
			fail_msg("%s (VCM_TEST_SEED=%#llx, op %lu)", vcm_vs_last_error(vs), seed,
				 op);
	}
	assert_int_equal(vcm_vs_count(vs), n);
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_destroy(vs), 0);
	assert_int_equal(meta.live_blocks, 0);
	free(h);
}

/*
 * Failure injection: meta_alloc (which the cache needs for its header and
 * magazines, and the tree for node slabs) fails at random points while the
 * cache churns. An unreserve must still succeed (the range goes to the tree),
 * a reserve may only fail with -ENOMEM when the cache had nothing left to
 * flush, and otherwise everything agrees with the model as in the runs above.
 */
static void test_cache_meta_failures(void **state)
{
	static const struct params p = { "meta-fail", 0x100000, 1024 * PAGE, 64, 18, 20000, 11 };
	static const struct vcm_vs_cache_cfg cc = { VCM_VS_CACHE_ON, 100, 0 };
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs_cfg cfg = { .start = p.start, .len = p.len, .plat = &plat };
	struct vcm_vs *vs;
	struct run t = { .name = p.name, .rng = seed + 3, .p = &p, .cache = true,
			 .meta_fails = true };

	(void)state;
	counting_ops(&plat, &meta);
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
	assert_int_equal(vcm_vs_cache_config(vs, &cc), 0);
	set_sets(vs, 2);
	t.vs = vs;
	vsm_init(&t.model, p.start, p.start + (p.len - 1));
	for (t.op = 0; t.op < p.ops; t.op++) {
		uint64_t dice = test_rand_below(&t.rng, 100);

		/* most of the time meta_alloc fails at once or after one or two calls */
		meta.fail_after = test_rand_below(&t.rng, 4) == 0 ? -1 :
				  (long)test_rand_below(&t.rng, 3);
		prop_caller = (uint32_t)test_rand_below(&t.rng, 2);
		if (dice < 45)
			op_reserve(&t);
		else if (dice < 55)
			op_reserve_at(&t);
		else if (dice < 97)
			op_unreserve(&t);
		else
			CHECK(&t, vcm_vs_cache_flush(vs) == 0);
		meta.fail_after = -1;
		compare_all(&t);
	}
	while (t.n > 0) {
		op_unreserve(&t);
		compare_all(&t);
	}
	CHECK(&t, vcm_vs_free_bytes(vs) == p.len);
	vsm_fini(&t.model);
	free(t.h);
	assert_int_equal(vcm_vs_destroy(vs), 0);
	assert_int_equal(meta.live_blocks, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_crowded),
		cmocka_unit_test(test_large_alignments),
		cmocka_unit_test(test_top_of_64bit),
		cmocka_unit_test(test_inside_bound),
		cmocka_unit_test(test_fragmentation),
		cmocka_unit_test(test_many_ranges),
		cmocka_unit_test(test_cache_meta_failures),
	};
	seed = test_seed("test_vspace_prop", (uint64_t)time(NULL));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
