// SPDX-License-Identifier: MIT
/*
 * Range cache, white box: failures injected into the cache's metadata.
 *  - meta_alloc failing for the cache header or a magazine: the freed range
 *    goes back into the tree, nothing is lost or leaked;
 *  - meta_alloc failing when a bound needs a node its parent's cache holds:
 *    that cache is flushed, the reserve succeeds;
 *  - a walk past many cached ranges empties the cache (a drain loop stays
 *    linear) and still gives exactly the live ranges;
 *  - the cache's bookkeeping corrupted by hand (entry state, class, totals,
 *    counters, depot lists, limits): vcm_vs_check_() must refuse each with
 *    -EFAULT and a "vcm_vs_check_: cache: ..." message, and accept the
 *    repaired space.
 * Reads src/vspace/vspace_internal.h, so it runs against this layer only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/vspace.h>
#include "../../src/vspace/vspace_internal.h"
#include "vs_helpers.h"

#define SZ_4K  UINT64_C(0x1000)
#define SZ_64K UINT64_C(0x10000)

static const struct vcm_vs_cache_cfg on = { VCM_VS_CACHE_ON, 0, 0 };

static struct vcm_vs *make(struct counting_meta *meta, struct vcm_plat_ops *plat)
{
	struct vcm_vs_cfg cfg = { .start = 0, .len = UINT64_C(1) << 30, .plat = plat };
	struct vcm_vs *vs;

	counting_ops(plat, meta);
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
	assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
	return vs;
}

static void finish(struct vcm_vs *vs, struct counting_meta *meta)
{
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_destroy(vs), 0);
	assert_int_equal(meta->live_blocks, 0);
	assert_int_equal(meta->live_bytes, 0);
}

/* The check fails with a cache message naming @needle. */
static void check_refuses(struct vcm_vs *vs, const char *needle)
{
	const char *m;

	assert_int_equal(vcm_vs_check_(vs), -EFAULT);
	m = vcm_vs_last_error(vs);
	if (strncmp(m, "vcm_vs_check_: ", 15) != 0 || strstr(m, needle) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", m, needle);
}

static void test_meta_alloc_fails(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat);
	struct vcm_vs_range *r[VS_MAG_SIZE + 3];
	uint64_t n = 1;
	long blocks;

	(void)state;
	for (unsigned int i = 0; i < VS_MAG_SIZE + 3U; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &r[i]), 0);
	/* no header: the range is freed into the tree */
	blocks = meta.live_blocks;
	meta.fail_after = 0;
	assert_int_equal(vcm_vs_unreserve(vs, r[0]), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(meta.live_blocks, blocks);
	assert_null(vs->cache);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* the header, but no magazine */
	meta.fail_after = 1;
	assert_int_equal(vcm_vs_unreserve(vs, r[1]), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_non_null(vs->cache);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* one magazine fills up; the next free needs another and cannot have it */
	meta.fail_after = 1;
	for (unsigned int i = 2; i < VS_MAG_SIZE + 3U; i++)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, VS_MAG_SIZE);
	meta.fail_after = -1;
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_free_bytes(vs), UINT64_C(1) << 30);
	finish(vs, &meta);
}

/*
 * A bound out of nodes borrows its ancestors' dead ones before meta_alloc;
 * the parent's freed ranges are in the parent's cache, so with meta_alloc
 * failing the bound's reserve needs that cache flushed (its own is empty).
 */
static void test_bound_borrows_through_cache(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat);
	struct vcm_vs_range *r[31], *x;
	struct vcm_vs_bound *b;
	uint64_t n = 0;

	(void)state;
	assert_int_equal(vcm_vs_bound_create(vs, UINT64_C(0x100000), SZ_4K, &b), 0);
	for (unsigned int i = 0; i < 31U; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r[i]), 0);
	for (unsigned int i = 0; i < 31U; i++)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_true(n > 0U);
	meta.fail_after = 0;
	assert_int_equal(vcm_vs_bound_reserve(b, SZ_4K, SZ_4K, &x), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0); /* the parent's cache gave its nodes back */
	meta.fail_after = -1;
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_unreserve(vcm_vs_bound_space(b), x), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b), 0);
	finish(vs, &meta);
}

/*
 * Walks pass cached ranges one by one; a drain loop that caches every range
 * it frees would pass them all again at each vcm_vs_first(). Past 64 in one
 * step the walk empties the cache: the loop still frees every range, the
 * walks between still give exactly the live ranges in order, and the cache
 * ends with fewer than 64 ranges, not with all of them.
 */
static void test_walk_past_cached(void **state)
{
	enum { N = 1000 };
	static struct vcm_vs_range *r[N];
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat);
	const struct vcm_vs_cache_cfg big = { VCM_VS_CACHE_ON, 100000, 0 };
	struct vcm_vs_range *x;
	uint64_t n = 0;
	unsigned int freed = 0, seen;

	(void)state;
	assert_int_equal(vcm_vs_cache_config(vs, &big), 0);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r[i]), 0);
	/* every other range cached: a walk gives the others, in order */
	for (unsigned int i = 0; i < N; i += 2)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	seen = 0;
	for (x = vcm_vs_first(vs); x != NULL; x = vcm_vs_next(vs, x), seen++)
		assert_ptr_equal(x, r[2 * seen + 1]);
	assert_int_equal(seen, N / 2);
	/* the drain loop */
	while ((x = vcm_vs_first(vs)) != NULL) {
		assert_int_equal(vcm_vs_unreserve(vs, x), 0);
		freed++;
	}
	assert_int_equal(freed, N / 2);
	assert_int_equal(vcm_vs_count(vs), 0);
	assert_int_equal(vcm_vs_free_bytes(vs), UINT64_C(1) << 30);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_true(n < 64U);
	finish(vs, &meta);
}

static void test_corrupt_bookkeeping(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs = make(&meta, &plat);
	enum { N = 3 * VS_MAG_SIZE + 4 };
	struct vcm_vs_range *r[N];
	struct vs_cache *c;
	struct vs_mag *m, *d;
	struct vcm_vs_range *e;

	(void)state;
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r[i]), 0);
	for (unsigned int i = 0; i < N; i++)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	assert_int_equal(vcm_vs_check_(vs), 0);
	c = vs->cache;
	m = c->local[0].loaded[0];
	d = c->depot[0];
	assert_non_null(m);
	assert_true(m->n > 0);
	assert_non_null(d); /* 3 full magazines: loaded, prev and one in the depot */

	/* an entry that is live again */
	e = m->r[0];
	e->magic = VS_MAGIC_LIVE; /* the tree walk sees one live range too many */
	check_refuses(vs, "differ");
	e->magic = VS_MAGIC_CACHED;
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* an entry in the wrong class */
	m->r[0] = NULL;
	check_refuses(vs, "not a cached range");
	m->r[0] = e;
	e->len = SZ_64K / 2; /* the tiling check catches it before the class check */
	check_refuses(vs, "");
	e->len = SZ_4K;
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* totals */
	vs->cache_bytes += SZ_4K;
	check_refuses(vs, "totals");
	vs->cache_bytes -= SZ_4K;
	m->n--;
	check_refuses(vs, "differ");
	m->n++;
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* the depot (two magazines of class 0): tail, back link, ages */
	m = d->next;
	assert_non_null(m);
	assert_ptr_equal(c->oldest[0], m);
	c->oldest[0] = d;
	check_refuses(vs, "ends before its oldest");
	c->oldest[0] = m;
	m->newer = NULL;
	check_refuses(vs, "links disagree");
	m->newer = d;
	m->age = d->age;
	check_refuses(vs, "newest first by age");
	m->age = d->age - 1U;
	d->age = c->pushes;
	check_refuses(vs, "newest first by age");
	d->age = m->age + 1U;
	assert_int_equal(vcm_vs_check_(vs), 0);
	d->n--;
	check_refuses(vs, "depot magazine not full");
	d->n++;
	d->cls = 1;
	check_refuses(vs, "wrong class");
	d->cls = 0;
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* limits */
	vs->cache_max_ranges = vs->cache_ranges - 1U;
	check_refuses(vs, "limits");
	assert_int_equal(vcm_vs_cache_config(vs, &on), 0); /* back to the default */
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* counters: a hit that was never counted */
	vs->cache_stats.hits++;
	check_refuses(vs, "counters do not add up");
	vs->cache_stats.hits--;
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* a cache on a space that says it has none */
	vs->cache_on = false;
	check_refuses(vs, "without a cache");
	vs->cache_on = true;
	finish(vs, &meta);
}

/*
 * Eviction at a large limit: 100k ranges of two classes (4K and 8K, freed
 * interleaved) fill the cache, 20k more frees each send the oldest depot
 * magazine back to the tree. Per class the cache must hold a suffix of the
 * frees (oldest out first, over both classes' depot lists) and hand it back
 * newest first; the totals stay at the limit and the counters add up.
 */
static void test_evict_at_large_limit(void **state)
{
	enum { LIMIT = 100000, N = LIMIT + 20000 };
	static const struct vcm_vs_cache_cfg big = { VCM_VS_CACHE_ON, LIMIT, UINT64_C(1) << 40 };
	struct vcm_vs_cfg cfg = { .start = 0, .len = UINT64_C(1) << 32 };
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs_cache_stats st;
	struct vcm_vs_range **r = calloc(N, sizeof(*r)), *got;
	struct vcm_vs *vs;
	uint64_t ranges, kept[2] = { 0, 0 };
	unsigned int i;

	(void)state;
	assert_non_null(r);
	counting_ops(&plat, &meta);
	cfg.plat = &plat;
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), 0);
	assert_int_equal(vcm_vs_cache_config(vs, &big), 0);
	/* even i: 4K (class 0), odd i: 8K (class 1) */
	for (i = 0; i < N; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K << (i & 1U), SZ_4K << (i & 1U), &r[i]), 0);
	for (i = 0; i < N; i++) {
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
		assert_int_equal(vcm_vs_cache_usage(vs, &ranges, NULL), 0);
		assert_true(ranges == i + 1U || (ranges <= LIMIT && ranges + VS_MAG_SIZE > LIMIT));
	}
	assert_int_equal(vcm_vs_check_(vs), 0);
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_int_equal(st.kept, N);
	assert_int_equal(st.returned, N - ranges);
	assert_true(st.returned >= N - LIMIT);
	/* per class, a suffix of the frees is cached (evicted nodes are dead) */
	for (unsigned int k = 0; k < 2U; k++) {
		bool in = false;

		for (i = k; i < N; i += 2U) {
			bool cached = r[i]->magic == VS_MAGIC_CACHED;

			if (in)
				assert_true(cached);
			in = cached;
			kept[k] += cached;
		}
		assert_true(in);
	}
	assert_int_equal(kept[0] + kept[1], ranges);
	/* both classes lost magazines: the age order spans the class lists */
	assert_true(kept[0] < N / 2U && kept[1] < N / 2U);
	/* handed back newest first, each class from its own end */
	for (unsigned int k = 0; k < 2U; k++) {
		i = N - 2U + k;
		for (uint64_t j = 0; j < kept[k]; j++, i -= 2U) {
			assert_int_equal(vcm_vs_reserve(vs, SZ_4K << k, SZ_4K << k, &got), 0);
			assert_ptr_equal(got, r[i]);
			r[i] = got;
		}
	}
	assert_int_equal(vcm_vs_cache_usage(vs, &ranges, NULL), 0);
	assert_int_equal(ranges, 0);
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_int_equal(st.hits, kept[0] + kept[1]);
	assert_int_equal(vcm_vs_count(vs), kept[0] + kept[1]);
	assert_int_equal(vcm_vs_check_(vs), 0);
	free(r);
	finish(vs, &meta);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_alloc_fails),
		cmocka_unit_test(test_bound_borrows_through_cache),
		cmocka_unit_test(test_walk_past_cached),
		cmocka_unit_test(test_corrupt_bookkeeping),
		cmocka_unit_test(test_evict_at_large_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
