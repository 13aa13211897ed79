// SPDX-License-Identifier: MIT
/*
 * vspace API tests: every error case (with the code, the message naming the
 * argument and its value, and nothing changed), handles, bounds, the top of
 * the 64-bit space, and destroy giving every metadata byte back.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/vspace.h>
#include <vcm/hosted.h>
#include "vs_helpers.h"

#define SZ_4K  UINT64_C(0x1000)
#define SZ_64K UINT64_C(0x10000)
#define SZ_1M  UINT64_C(0x100000)
#define SZ_1G  UINT64_C(0x40000000)

struct fx {
	struct counting_meta meta;
	struct vcm_plat_ops plat;
	struct vcm_vs *vs;
};

static struct vcm_vs *make(struct fx *f, vcm_da_t start, uint64_t len)
{
	struct vcm_vs_cfg cfg = { .start = start, .len = len, .plat = &f->plat };
	struct vcm_diag d = { 0 };

	counting_ops(&f->plat, &f->meta);
	assert_int_equal(vcm_vs_create(&cfg, &f->vs, &d), 0);
	assert_int_equal(vcm_vs_check_(f->vs), 0);
	return f->vs;
}

static void done(struct fx *f)
{
	assert_int_equal(vcm_vs_check_(f->vs), 0);
	assert_int_equal(vcm_vs_destroy(f->vs), 0);
	assert_int_equal(f->meta.live_blocks, 0);
	assert_int_equal(f->meta.live_bytes, 0);
}

/* Does @msg start with "@fn: " (@fn ends at the first '(' of a call's text)? */
static bool has_prefix(const char *msg, const char *fn)
{
	size_t n = strcspn(fn, "(");

	return strncmp(msg, fn, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ';
}

/* The last message of @vs is "@fn: ..." and mentions @needle. */
static void msg_has(const struct vcm_vs *vs, const char *fn, const char *needle)
{
	const char *m = vcm_vs_last_error(vs);

	if (!has_prefix(m, fn) || strstr(m, needle) == NULL)
		fail_msg("message \"%s\" is not \"%s: ...%s...\"", m, fn, needle);
}

/* The create message in @d is "vcm_vs_create: ..." and mentions @needle. */
static void msg_in(const struct vcm_diag *d, const char *needle)
{
	if (!has_prefix(d->msg, "vcm_vs_create") || strstr(d->msg, needle) == NULL)
		fail_msg("message \"%s\" is not \"vcm_vs_create: ...%s...\"", d->msg, needle);
}

/*
 * @call failed with @err and recorded "<the public call>: ..." with @needle
 * in @vs (the space the call's message goes to).
 */
#define expect_err(vs, call, err, needle)                 \
	do {                                              \
		assert_int_equal((call), (err));          \
		msg_has((vs), #call, (needle));           \
	} while (0)

/* A snapshot of a space to check that a failed call changed nothing. */
struct snap {
	uint64_t free_bytes, count;
	uint64_t sig; /* hash of every (start, len) in order */
};

static struct snap take(struct vcm_vs *vs)
{
	struct snap s = { vcm_vs_free_bytes(vs), vcm_vs_count(vs), 14695981039346656037ULL };

	for (struct vcm_vs_range *r = vcm_vs_first(vs); r != NULL; r = vcm_vs_next(vs, r)) {
		s.sig = (s.sig ^ vcm_vs_range_start(r)) * 1099511628211ULL;
		s.sig = (s.sig ^ vcm_vs_range_len(r)) * 1099511628211ULL;
	}
	assert_int_equal(vcm_vs_check_(vs), 0);
	return s;
}

static void same(struct vcm_vs *vs, struct snap before)
{
	struct snap now = take(vs);

	assert_int_equal(now.free_bytes, before.free_bytes);
	assert_int_equal(now.count, before.count);
	assert_int_equal(now.sig, before.sig);
}

static void test_create_errors(void **state)
{
	struct counting_meta meta;
	struct vcm_plat_ops plat, bad_ops = { 0 };
	struct vcm_vs_cfg cfg;
	struct vcm_vs *vs = NULL;
	struct vcm_diag d = { 0 };

	(void)state;
	counting_ops(&plat, &meta);
	assert_int_equal(vcm_vs_create(NULL, &vs, &d), -EINVAL);
	msg_in(&d, "cfg is NULL");
	cfg = (struct vcm_vs_cfg){ .start = 0, .len = SZ_1M, .plat = &plat };
	assert_int_equal(vcm_vs_create(&cfg, NULL, &d), -EINVAL);
	msg_in(&d, "out is NULL");
	cfg.plat = NULL;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	msg_in(&d, "cfg->plat");
	cfg.plat = &bad_ops;
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), -EINVAL); /* NULL diag is fine */
	cfg.plat = &plat;
	cfg.start = 0x1800;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	msg_in(&d, "cfg->start 0x1800");
	cfg.start = 0;
	cfg.len = 0;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	msg_in(&d, "cfg->len is 0");
	cfg.len = 0x1234;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	msg_in(&d, "cfg->len 0x1234");
	cfg.start = UINT64_C(0xfffffffffffff000);
	cfg.len = 0x2000;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EOVERFLOW);
	msg_in(&d, "cfg->start 0xfffffffffffff000 + cfg->len 0x2000");
	cfg.len = 0x1000; /* ends exactly at 2^64: fine */
	meta.fail_after = 0;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -ENOMEM);
	msg_in(&d, "meta_alloc");
	assert_null(vs);
	meta.fail_after = -1;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), 0);
	assert_string_equal(vcm_vs_last_error(vs), "");
	assert_int_equal(vcm_vs_free_bytes(vs), 0x1000);
	assert_int_equal(vcm_vs_destroy(vs), 0);
	assert_int_equal(meta.live_blocks, 0);
	assert_int_equal(vcm_vs_destroy(NULL), 0);
}

static void test_reserve_errors(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, SZ_1M, 16 * SZ_1M);
	struct vcm_vs_range *r = NULL, *keep;
	struct snap s;

	(void)state;
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &keep), 0);
	s = take(vs);
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, SZ_4K, NULL),
		   -EINVAL, "vcm_vs_reserve: out is NULL");
	expect_err(vs, vcm_vs_reserve(vs, 0, SZ_4K, &r),
		   -EINVAL, "vcm_vs_reserve: len is 0");
	expect_err(vs, vcm_vs_reserve(vs, UINT64_MAX, SZ_4K, &r),
		   -EOVERFLOW, "len 0xffffffffffffffff");
	expect_err(vs, vcm_vs_reserve(vs, 17 * SZ_1M, SZ_4K, &r),
		   -ERANGE, "len 0x1100000 is larger than the space");
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, 0, &r),
		   -EINVAL, "align 0x0 is not a power of two");
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, 0x3000, &r),
		   -EINVAL, "align 0x3000");
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, 0x800, &r),
		   -EINVAL, "align 0x800");
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, 2 * SZ_1G, &r),
		   -EINVAL, "align 0x80000000");
	/* space [1M, 17M): no 32 MiB boundary inside */
	expect_err(vs, vcm_vs_reserve(vs, SZ_1M, 32 * SZ_1M, &r),
		   -ENOSPC, "no free run of len 0x100000 aligned to 0x2000000");
	expect_err(vs, vcm_vs_reserve(vs, 16 * SZ_1M, SZ_4K, &r), -ENOSPC,
		   "no free run of len 0x1000000");
	f.meta.fail_after = 0;
	/* the first slab holds 32 nodes: exhaust it so the next reserve must allocate */
	for (int i = 0; i < 31; i++) {
		struct vcm_vs_range *t;

		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &t), 0);
	}
	s = take(vs);
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r),
		   -ENOMEM, "meta_alloc");
	same(vs, s);
	assert_null(r);
	f.meta.fail_after = -1;
	assert_int_equal(vcm_vs_reserve(vs, 1, SZ_4K, &r), 0); /* rounded up */
	assert_int_equal(vcm_vs_range_len(r), SZ_4K);
	assert_int_equal(vcm_vs_unreserve(vs, keep), 0);
	done(&f);
}

static void test_reserve_at_errors(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, SZ_1M, 16 * SZ_1M);
	struct vcm_vs_range *r = NULL, *a;
	struct snap s;

	(void)state;
	assert_int_equal(vcm_vs_reserve_at(vs, 4 * SZ_1M, SZ_1M, &a), 0);
	s = take(vs);
	expect_err(vs, vcm_vs_reserve_at(vs, 2 * SZ_1M, SZ_4K, NULL),
		   -EINVAL, "vcm_vs_reserve_at: out is NULL");
	expect_err(vs, vcm_vs_reserve_at(vs, 2 * SZ_1M + 0x10, SZ_4K, &r),
		   -EINVAL, "da 0x200010 is not a multiple of 4 KiB");
	expect_err(vs, vcm_vs_reserve_at(vs, 2 * SZ_1M, 0, &r),
		   -EINVAL, "len is 0");
	expect_err(vs, vcm_vs_reserve_at(vs, 2 * SZ_1M, UINT64_C(0xfffffffffff00000), &r),
		   -EOVERFLOW, "da 0x200000 + len 0xfffffffffff00000 passes 2^64");
	expect_err(vs, vcm_vs_reserve_at(vs, 0, SZ_4K, &r),
		   -ERANGE, "da 0x0 len 0x1000 is outside the space");
	expect_err(vs, vcm_vs_reserve_at(vs, 17 * SZ_1M - SZ_4K, 2 * SZ_4K, &r), -ERANGE,
		   "outside the space");
	expect_err(vs, vcm_vs_reserve_at(vs, 17 * SZ_1M, SZ_4K, &r), -ERANGE, "outside the space");
	/* overlaps: inside, over the start, over the end, covering */
	expect_err(vs, vcm_vs_reserve_at(vs, 4 * SZ_1M + SZ_4K, SZ_4K, &r),
		   -EEXIST, "overlaps the range at 0x400000 len 0x100000");
	expect_err(vs, vcm_vs_reserve_at(vs, 4 * SZ_1M - SZ_4K, 2 * SZ_4K, &r),
		   -EEXIST, "overlaps the range at 0x400000");
	expect_err(vs, vcm_vs_reserve_at(vs, 5 * SZ_1M - SZ_4K, 2 * SZ_4K, &r), -EEXIST,
		   "overlaps the range at 0x400000");
	expect_err(vs, vcm_vs_reserve_at(vs, 3 * SZ_1M, 3 * SZ_1M, &r), -EEXIST,
		   "overlaps the range at 0x400000");
	same(vs, s);
	assert_null(r);
	/* exactly adjacent on both sides is fine */
	assert_int_equal(vcm_vs_reserve_at(vs, 4 * SZ_1M - SZ_4K, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_reserve_at(vs, 5 * SZ_1M, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_reserve_at(vs, SZ_1M, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_reserve_at(vs, 17 * SZ_1M - SZ_4K, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_count(vs), 5);
	done(&f);
}

static void test_unreserve_errors(void **state)
{
	struct fx f, g;
	struct vcm_vs *vs = make(&f, 0, SZ_1G);
	struct vcm_vs *other = make(&g, 0, SZ_1G);
	struct vcm_vs_range *a, *b, *x;
	struct snap s;

	(void)state;
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M, SZ_1M, &a), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M, SZ_1M, &b), 0);
	assert_int_equal(vcm_vs_reserve(other, SZ_1M, SZ_1M, &x), 0);
	s = take(vs);
	expect_err(vs, vcm_vs_unreserve(vs, NULL),
		   -EINVAL, "vcm_vs_unreserve: range is NULL");
	expect_err(vs, vcm_vs_unreserve(vs, x),
		   -EINVAL, "belongs to space");
	same(vs, s);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	s = take(vs);
	expect_err(vs, vcm_vs_unreserve(vs, a),
		   -EINVAL, "is not live");
	assert_null(vcm_vs_next(vs, a));
	msg_has(vs, "vcm_vs_next", "range");
	same(vs, s);
	assert_int_equal(vcm_vs_unreserve(vs, b), 0);
	assert_int_equal(vcm_vs_free_bytes(vs), SZ_1G);
	assert_null(vcm_vs_first(vs));
	/* a bad space is refused without touching it */
	assert_int_equal(vcm_vs_unreserve(NULL, x), -EINVAL);
	assert_int_equal(vcm_vs_reserve(NULL, SZ_4K, SZ_4K, &x), -EINVAL);
	assert_null(vcm_vs_find(NULL, 0));
	assert_non_null(strstr(vcm_vs_last_error(NULL), "NULL"));
	done(&f);
	done(&g);
}

static void test_alignments(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, SZ_4K, UINT64_C(1) << 40);

	(void)state;
	for (unsigned int lg2 = 12; lg2 <= 30; lg2++) {
		struct vcm_vs_range *r, *pad;
		uint64_t align = UINT64_C(1) << lg2;

		/* a 4K range first so that the free space starts misaligned */
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &pad), 0);
		assert_int_equal(vcm_vs_reserve(vs, 3 * SZ_4K, align, &r), 0);
		assert_int_equal(vcm_vs_range_start(r) & (align - 1), 0);
		assert_int_equal(vcm_vs_check_(vs), 0);
	}
	done(&f);
}

static void test_find_and_walk(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, SZ_1M, SZ_1G);
	struct vcm_vs_range *r[8], *it;
	int i = 0;

	(void)state;
	for (int k = 0; k < 8; k++)
		assert_int_equal(vcm_vs_reserve_at(vs, SZ_1M + (uint64_t)(7 - k) * 2 * SZ_1M,
						   SZ_1M, &r[k]), 0);
	assert_ptr_equal(vcm_vs_find(vs, SZ_1M), r[7]);
	assert_ptr_equal(vcm_vs_find(vs, 2 * SZ_1M - 1), r[7]);
	assert_null(vcm_vs_find(vs, 2 * SZ_1M));
	assert_null(vcm_vs_find(vs, 0));
	assert_null(vcm_vs_find(vs, UINT64_MAX));
	assert_ptr_equal(vcm_vs_find(vs, 15 * SZ_1M + 5), r[0]);
	for (it = vcm_vs_first(vs); it != NULL; it = vcm_vs_next(vs, it), i++)
		assert_ptr_equal(it, r[7 - i]);
	assert_int_equal(i, 8);
	/* unreserve while walking: take the successor first */
	for (it = vcm_vs_first(vs); it != NULL;) {
		struct vcm_vs_range *next = vcm_vs_next(vs, it);

		assert_int_equal(vcm_vs_unreserve(vs, it), 0);
		assert_int_equal(vcm_vs_check_(vs), 0);
		it = next;
	}
	assert_int_equal(vcm_vs_count(vs), 0);
	assert_int_equal(vcm_vs_free_bytes(vs), SZ_1G);
	done(&f);
}

/*
 * Owners: a range starts with none; the owner set is what find and a walk
 * give back; a freed range, a range the cache hands out again, and a bound's
 * range reused after the bound is freed all start with none again; bounds
 * keep owners of their own, and a bound's ranges are found in its space.
 */
static void test_owners(void **state)
{
	static const struct vcm_vs_cache_cfg on = { VCM_VS_CACHE_ON, 0, 0 };
	struct fx f;
	struct vcm_vs *vs = make(&f, SZ_1M, SZ_1G);
	struct vcm_vs_range *r[4], *it, *in, *again;
	struct vcm_vs_bound *b;
	int tag[6], i = 0;

	(void)state;
	for (int k = 0; k < 4; k++) {
		assert_int_equal(vcm_vs_reserve_at(vs, SZ_1M + (uint64_t)(3 - k) * SZ_1M, SZ_1M,
						   &r[k]), 0);
		assert_null(vcm_vs_range_owner(r[k]));
		vcm_vs_range_set_owner(r[k], &tag[k]);
	}
	assert_ptr_equal(vcm_vs_range_owner(vcm_vs_find(vs, 2 * SZ_1M + 5)), &tag[2]);
	for (it = vcm_vs_first(vs); it != NULL; it = vcm_vs_next(vs, it), i++)
		assert_ptr_equal(vcm_vs_range_owner(it), &tag[3 - i]);
	assert_int_equal(i, 4);
	/* NULL and dead handles: nothing set, nothing read */
	vcm_vs_range_set_owner(NULL, &tag[0]);
	assert_null(vcm_vs_range_owner(NULL));
	assert_int_equal(vcm_vs_unreserve(vs, r[0]), 0);
	assert_null(vcm_vs_range_owner(r[0]));
	vcm_vs_range_set_owner(r[0], &tag[0]);
	assert_null(vcm_vs_range_owner(r[0]));
	assert_int_equal(vcm_vs_reserve_at(vs, 4 * SZ_1M, SZ_1M, &again), 0);
	assert_null(vcm_vs_range_owner(again));
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* a bound is one range of the space, with its owner; its ranges are in its space */
	assert_int_equal(vcm_vs_bound_create_at(vs, 16 * SZ_1M, 4 * SZ_1M, &b), 0);
	assert_null(vcm_vs_range_owner(vcm_vs_bound_range(b)));
	vcm_vs_range_set_owner(vcm_vs_bound_range(b), &tag[4]);
	assert_int_equal(vcm_vs_bound_reserve(b, SZ_1M, SZ_1M, &in), 0);
	vcm_vs_range_set_owner(in, &tag[5]);
	assert_ptr_equal(vcm_vs_range_owner(vcm_vs_find(vs, 16 * SZ_1M)), &tag[4]);
	assert_ptr_equal(vcm_vs_find(vcm_vs_bound_space(b), 16 * SZ_1M), in);
	assert_ptr_equal(vcm_vs_range_owner(vcm_vs_first(vcm_vs_bound_space(b))), &tag[5]);
	assert_int_equal(vcm_vs_unreserve(vcm_vs_bound_space(b), in), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b), 0);
	assert_int_equal(vcm_vs_reserve_at(vs, 16 * SZ_1M, SZ_1M, &it), 0);
	assert_null(vcm_vs_range_owner(it));

	/* the range cache hands a range out again with no owner */
	assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &it), 0);
	vcm_vs_range_set_owner(it, &tag[0]);
	assert_int_equal(vcm_vs_unreserve(vs, it), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &again), 0);
	assert_ptr_equal(again, it); /* the cached node itself */
	assert_null(vcm_vs_range_owner(again));
	assert_int_equal(vcm_vs_check_(vs), 0);
	done(&f);
}

static void test_top_of_64bit(void **state)
{
	struct fx f;
	vcm_da_t start = UINT64_C(0xffffffff00000000);
	struct vcm_vs *vs = make(&f, start, 0 - start);
	struct vcm_vs_range *r, *t;

	(void)state;
	assert_int_equal(vcm_vs_reserve_at(vs, UINT64_MAX - SZ_4K + 1, SZ_4K, &t), 0);
	assert_ptr_equal(vcm_vs_find(vs, UINT64_MAX), t);
	expect_err(vs, vcm_vs_reserve_at(vs, UINT64_MAX - SZ_4K + 1, SZ_4K, &r), -EEXIST,
		   "overlaps the range at 0xfffffffffffff000");
	expect_err(vs, vcm_vs_reserve_at(vs, UINT64_MAX - SZ_4K + 1, 2 * SZ_4K, &r), -EOVERFLOW,
		   "passes 2^64");
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_1G, &r), 0);
	assert_int_equal(vcm_vs_range_start(r), start);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_1G, &r), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_1G, &r), 0);
	/* the last GiB holds the top page: a 1G run is gone, smaller ones are not */
	expect_err(vs, vcm_vs_reserve(vs, SZ_1G, SZ_4K, &r), -ENOSPC, "no free run");
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G - SZ_1M, SZ_1M, &r), 0);
	assert_int_equal(vcm_vs_range_start(r), start + 3 * SZ_1G);
	expect_err(vs, vcm_vs_reserve(vs, SZ_1M, SZ_4K, &r), -ENOSPC, "no free run");
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M - SZ_4K, SZ_1M, &r), 0);
	assert_int_equal(vcm_vs_range_start(r), UINT64_MAX - SZ_1M + 1);
	assert_int_equal(vcm_vs_free_bytes(vs), 0);
	assert_int_equal(vcm_vs_unreserve(vs, t), 0);
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, SZ_1G, &r), -ENOSPC, "no free run");
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &t), 0);
	assert_int_equal(vcm_vs_range_start(t), UINT64_MAX - SZ_4K + 1);
	assert_int_equal(vcm_vs_free_bytes(vs), 0);
	assert_null(vcm_vs_next(vs, t));
	done(&f);
}

static void test_bounds(void **state)
{
	struct fx f, g;
	struct vcm_vs *vs = make(&f, 0, SZ_1G);
	struct vcm_vs *other = make(&g, 0, SZ_1G);
	struct vcm_vs_bound *b, *b2, *inner, *ob;
	struct vcm_vs_range *r, *r2, *in;
	struct vcm_vs *bs;
	struct snap s;

	(void)state;
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_bound_create(vs, 16 * SZ_1M, 16 * SZ_1M, &b), 0);
	bs = vcm_vs_bound_space(b);
	assert_non_null(bs);
	assert_int_equal(vcm_vs_range_start(vcm_vs_bound_range(b)), 16 * SZ_1M);
	assert_ptr_equal(vcm_vs_find(vs, 20 * SZ_1M), vcm_vs_bound_range(b));
	assert_int_equal(vcm_vs_count(vs), 2);
	/* reservations drawn from the bound stay inside it */
	assert_int_equal(vcm_vs_bound_reserve(b, SZ_1M, SZ_4K, &in), 0);
	assert_int_equal(vcm_vs_range_start(in), 16 * SZ_1M);
	expect_err(bs, vcm_vs_bound_reserve(b, 16 * SZ_1M, SZ_4K, &r2), -ENOSPC, "no free run");
	expect_err(bs, vcm_vs_reserve_at(bs, 15 * SZ_1M, SZ_4K, &r2), -ERANGE, "outside the space");
	assert_null(vcm_vs_find(bs, 15 * SZ_1M));
	/* the parent cannot reserve over it or unreserve it */
	s = take(vs);
	expect_err(vs, vcm_vs_reserve_at(vs, 17 * SZ_1M, SZ_4K, &r2), -EEXIST, "overlaps");
	expect_err(vs, vcm_vs_unreserve(vs, vcm_vs_bound_range(b)),
		   -EBUSY, "is a bound; use vcm_vs_bound_free");
	/* the bound's range, not ours */
	expect_err(vs, vcm_vs_unreserve(vs, in), -EINVAL, "belongs to space");
	expect_err(vs, vcm_vs_bound_free(vs, b),
		   -EBUSY, "still holds 1 ranges");
	expect_err(bs, vcm_vs_destroy(bs), -EINVAL, "is a bound's space");
	expect_err(vs, vcm_vs_bound_create(vs, 0, SZ_4K, &b2),
		   -EINVAL, "vcm_vs_bound_create: len is 0");
	expect_err(vs, vcm_vs_bound_create(vs, SZ_4K, SZ_4K, NULL), -EINVAL, "out is NULL");
	expect_err(vs, vcm_vs_bound_create_at(vs, 17 * SZ_1M, SZ_1M, &b2),
		   -EEXIST, "vcm_vs_bound_create_at: da 0x1100000");
	assert_int_equal(vcm_vs_bound_create(other, SZ_1M, SZ_1M, &ob), 0);
	expect_err(vs, vcm_vs_bound_free(vs, ob),
		   -EINVAL, "belongs to space");
	expect_err(vs, vcm_vs_bound_free(vs, NULL), -EINVAL, "bound is NULL");
	same(vs, s);
	/* a bound inside a bound, and ranges in both, are freed by destroy */
	assert_int_equal(vcm_vs_bound_create_at(bs, 24 * SZ_1M, 4 * SZ_1M, &inner), 0);
	assert_int_equal(vcm_vs_bound_reserve(inner, SZ_64K, SZ_64K, &r2), 0);
	assert_int_equal(vcm_vs_range_start(r2), 24 * SZ_1M);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* empty the bound and free it; its range goes back to the parent */
	assert_int_equal(vcm_vs_bound_create_at(vs, 64 * SZ_1M, SZ_1M, &b2), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b2), 0);
	expect_err(vs, vcm_vs_bound_free(vs, b2),
		   -EINVAL, "is not live");
	assert_null(vcm_vs_bound_space(b2));
	assert_int_equal(vcm_vs_bound_reserve(b2, SZ_4K, SZ_4K, &r2), -EINVAL);
	assert_null(vcm_vs_find(vs, 64 * SZ_1M));
	assert_int_equal(vcm_vs_check_(vs), 0);
	done(&f);
	done(&g);
}

static void test_free_everything_restores_one_gap(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, SZ_4K, 64 * SZ_1M);
	struct vcm_vs_range *r[64], *all;
	int n = 0;

	(void)state;
	while (n < 64 && vcm_vs_reserve(vs, (uint64_t)(n % 7 + 1) * SZ_4K * 37,
					UINT64_C(1) << (12 + n % 9), &r[n]) == 0)
		n++;
	for (int i = 0; i < n; i += 2)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	for (int i = 1; i < n; i += 2) {
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
		assert_int_equal(vcm_vs_check_(vs), 0);
	}
	assert_int_equal(vcm_vs_free_bytes(vs), 64 * SZ_1M);
	assert_int_equal(vcm_vs_reserve(vs, 64 * SZ_1M, SZ_4K, &all), 0);
	assert_int_equal(vcm_vs_range_start(all), SZ_4K);
	done(&f);
}

/*
 * One bound cycle in @vs: a bound (at @da if not 0), @k ranges in it (each
 * with an inner bound holding one range when @inner), everything freed again.
 */
static void bound_cycle(struct vcm_vs *vs, vcm_da_t da, int k, bool inner)
{
	struct vcm_vs_range *r[64], *in;
	struct vcm_vs_bound *b, *ib;
	struct vcm_vs *bs;

	if (da != 0)
		assert_int_equal(vcm_vs_bound_create_at(vs, da, 16 * SZ_1M, &b), 0);
	else
		assert_int_equal(vcm_vs_bound_create(vs, 16 * SZ_1M, SZ_4K, &b), 0);
	bs = vcm_vs_bound_space(b);
	for (int i = 0; i < k; i++)
		assert_int_equal(vcm_vs_bound_reserve(b, SZ_4K, SZ_4K, &r[i]), 0);
	if (inner) {
		assert_int_equal(vcm_vs_bound_create(bs, SZ_1M, SZ_4K, &ib), 0);
		assert_int_equal(vcm_vs_bound_reserve(ib, SZ_4K, SZ_4K, &in), 0);
		assert_int_equal(vcm_vs_unreserve(vcm_vs_bound_space(ib), in), 0);
		assert_int_equal(vcm_vs_bound_free(bs, ib), 0);
	}
	for (int i = k - 1; i >= 0; i -= 2) /* every other range, then the rest */
		assert_int_equal(vcm_vs_unreserve(bs, r[i]), 0);
	for (int i = k - 2; i >= 0; i -= 2)
		assert_int_equal(vcm_vs_unreserve(bs, r[i]), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b), 0);
}

/*
 * Creating and freeing bounds over and over takes no more metadata once the
 * largest cycle has run: a bound takes the nodes that earlier bounds gave to
 * its ancestors (meta_alloc only "as a space grows", docs/vspace.md). Bounds
 * at the top level and inside a long-lived bound, with the range cache off
 * and on (a bound's magazines go back through meta_free when it is freed).
 */
static void test_bound_cycles_reuse_memory(void **state)
{
	static const struct vcm_vs_cache_cfg on = { VCM_VS_CACHE_ON, 0, 0 };
	struct fx f;
	struct vcm_vs *vs = make(&f, 0, 4 * SZ_1G);
	struct vcm_vs_range *keep;
	struct vcm_vs_bound *outer;
	long blocks;
	long long bytes;

	(void)state;
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &keep), 0);
	assert_int_equal(vcm_vs_bound_create(vs, SZ_1G, SZ_1G, &outer), 0);
	for (int pass = 0; pass < 2; pass++) {
		struct vcm_vs *os = vcm_vs_bound_space(outer);

		if (pass == 1) {
			assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
			assert_int_equal(vcm_vs_cache_config(os, &on), 0);
		}
		/*
		 * warm-up: the largest cycle of each kind, twice, as an outer
		 * bound's cycles keep what they borrowed from the top level
		 */
		for (int w = 0; w < 2; w++) {
			bound_cycle(vs, 0, 64, true);
			bound_cycle(vs, 2 * SZ_1G, 64, true);
			bound_cycle(os, 0, 64, true);
		}
		blocks = f.meta.live_blocks;
		bytes = f.meta.live_bytes;
		for (int i = 0; i < 10000; i++) {
			int k = 1 + i % 64;

			bound_cycle(vs, (i & 1) != 0 ? 2 * SZ_1G + (vcm_da_t)(i % 7) * 16 * SZ_1M : 0,
				    k, i % 5 == 0);
			if (i % 4 == 0)
				bound_cycle(os, 0, k, i % 3 == 0);
			if (f.meta.live_blocks != blocks || f.meta.live_bytes != bytes)
				fail_msg("pass %d cycle %d: %ld blocks, %lld bytes held, %ld, %lld after "
					 "the warm-up", pass, i, f.meta.live_blocks, f.meta.live_bytes,
					 blocks, bytes);
		}
		assert_int_equal(vcm_vs_check_(vs), 0);
	}
	assert_int_equal(vcm_vs_count(vs), 2);
	done(&f);
}

/* A bad call takes no metadata: arguments are checked before anything is allocated. */
static void test_bound_checks_first(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, 0, SZ_1G);
	struct vcm_vs_bound *b = NULL;
	long blocks = f.meta.live_blocks;
	struct snap s = take(vs);

	(void)state;
	expect_err(vs, vcm_vs_bound_create(vs, 0, SZ_4K, &b), -EINVAL, "len is 0");
	expect_err(vs, vcm_vs_bound_create(vs, SZ_4K, 0x3000, &b), -EINVAL, "align 0x3000");
	expect_err(vs, vcm_vs_bound_create(vs, 2 * SZ_1G, SZ_4K, &b), -ERANGE, "larger than");
	expect_err(vs, vcm_vs_bound_create_at(vs, 0x800, SZ_4K, &b), -EINVAL, "da 0x800");
	expect_err(vs, vcm_vs_bound_create_at(vs, SZ_1G, SZ_4K, &b), -ERANGE, "outside the space");
	assert_int_equal(f.meta.live_blocks, blocks);
	/* with meta_alloc failing, a bad call still names the bad argument */
	f.meta.fail_after = 0;
	expect_err(vs, vcm_vs_bound_create(vs, 0, SZ_4K, &b), -EINVAL, "len is 0");
	expect_err(vs, vcm_vs_bound_create_at(vs, SZ_4K, 0, &b), -EINVAL, "len is 0");
	expect_err(vs, vcm_vs_bound_create(vs, SZ_1M, SZ_1M, &b), -ENOMEM, "meta_alloc");
	expect_err(vs, vcm_vs_bound_create_at(vs, 0, SZ_1M, &b), -ENOMEM, "meta_alloc");
	assert_null(b);
	assert_int_equal(f.meta.live_blocks, blocks);
	same(vs, s);
	/* the bound struct is taken, the range node is not: nothing is kept */
	f.meta.fail_after = 1;
	expect_err(vs, vcm_vs_bound_create(vs, SZ_1M, SZ_1M, &b), -ENOMEM, "meta_alloc");
	assert_int_equal(f.meta.live_blocks, blocks);
	f.meta.fail_after = -1;
	same(vs, s);
	assert_int_equal(vcm_vs_bound_create(vs, SZ_1M, SZ_1M, &b), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b), 0);
	done(&f);
}

/*
 * Handles of a freed bound and of the ranges it held stay checked until the
 * top-level space is destroyed: the counting meta_free poisons what it frees,
 * so reading freed metadata would show here (and under ASan or valgrind).
 */
static void test_stale_bound_handles(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, 0, SZ_1G);
	struct vcm_vs_bound *b, *inner, *b2;
	struct vcm_vs_range *r, *in, *keep;
	struct vcm_vs *bs;
	struct snap s;

	(void)state;
	assert_int_equal(vcm_vs_bound_create(vs, 64 * SZ_1M, SZ_1M, &b), 0);
	bs = vcm_vs_bound_space(b);
	/* enough ranges that the bound needs a second slab */
	for (int i = 0; i < 40; i++)
		assert_int_equal(vcm_vs_bound_reserve(b, SZ_64K, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_bound_create(bs, SZ_1M, SZ_1M, &inner), 0);
	assert_int_equal(vcm_vs_bound_reserve(inner, SZ_4K, SZ_4K, &in), 0);
	assert_int_equal(vcm_vs_unreserve(vcm_vs_bound_space(inner), in), 0);
	assert_int_equal(vcm_vs_bound_free(bs, inner), 0);
	while ((keep = vcm_vs_first(bs)) != NULL)
		assert_int_equal(vcm_vs_unreserve(bs, keep), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b), 0);
	assert_int_equal(vcm_vs_check_(vs), 0);

	s = take(vs);
	/* the last range of the bound, and one of its inner bound */
	expect_err(vs, vcm_vs_unreserve(vs, r), -EINVAL, "is not live");
	expect_err(vs, vcm_vs_unreserve(vs, in), -EINVAL, "is not live");
	assert_null(vcm_vs_next(vs, r));
	msg_has(vs, "vcm_vs_next", "is not live");
	assert_int_equal(vcm_vs_range_start(r), 0);
	assert_int_equal(vcm_vs_range_len(r), 0);
	assert_int_equal(vcm_vs_range_len(in), 0);
	/* the freed bounds and their spaces */
	assert_null(vcm_vs_bound_space(b));
	assert_null(vcm_vs_bound_range(inner));
	assert_int_equal(vcm_vs_unreserve(bs, r), -EINVAL);
	assert_int_equal(vcm_vs_reserve(bs, SZ_4K, SZ_4K, &keep), -EINVAL);
	assert_int_equal(vcm_vs_free_bytes(bs), 0);
	assert_string_equal(vcm_vs_last_error(bs), "vcm_vs_last_error: vs is not a live space");
	expect_err(vs, vcm_vs_bound_free(vs, inner), -EINVAL, "is not live");
	same(vs, s);

	/* the parent reuses the bound's node memory; its handles stay consistent */
	for (int i = 0; i < 100; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &keep), 0);
	assert_int_equal(vcm_vs_bound_create(vs, SZ_1M, SZ_1M, &b2), 0);
	assert_int_equal(vcm_vs_check_(vs), 0);
	done(&f);
}

/* Accessors given NULL or a dead handle return 0 / NULL instead of reading it. */
static void test_accessor_handles(void **state)
{
	struct fx f;
	struct vcm_vs *vs = make(&f, 0, SZ_1G);
	struct vcm_vs_range *r;

	(void)state;
	assert_int_equal(vcm_vs_range_start(NULL), 0);
	assert_int_equal(vcm_vs_range_len(NULL), 0);
	assert_int_equal(vcm_vs_free_bytes(NULL), 0);
	assert_int_equal(vcm_vs_count(NULL), 0);
	assert_null(vcm_vs_first(NULL));
	assert_null(vcm_vs_next(NULL, NULL));
	assert_null(vcm_vs_next(vs, NULL));
	msg_has(vs, "vcm_vs_next", "range is NULL");
	assert_null(vcm_vs_bound_space(NULL));
	assert_null(vcm_vs_bound_range(NULL));
	assert_int_equal(vcm_vs_bound_reserve(NULL, SZ_4K, SZ_4K, &r), -EINVAL);
	assert_int_equal(vcm_vs_bound_create(NULL, SZ_4K, SZ_4K, NULL), -EINVAL);
	assert_int_equal(vcm_vs_bound_free(NULL, NULL), -EINVAL);
	assert_int_equal(vcm_vs_check_(NULL), -EINVAL);
	assert_string_equal(vcm_vs_last_error(NULL), "vcm_vs_last_error: vs is NULL");
	/* memory that is not a space (magic wrong): refused without a message */
	{
		static uint64_t junk[256]; /* zeroed, larger than a space */

		assert_int_equal(vcm_vs_destroy((struct vcm_vs *)junk), -EINVAL);
		assert_int_equal(vcm_vs_reserve((struct vcm_vs *)junk, SZ_4K, SZ_4K, &r), -EINVAL);
	}
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M, SZ_4K, &r), 0);
	assert_int_equal(vcm_vs_range_len(r), SZ_1M);
	assert_int_equal(vcm_vs_unreserve(vs, r), 0);
	assert_int_equal(vcm_vs_range_start(r), 0);
	assert_int_equal(vcm_vs_range_len(r), 0);
	done(&f);
}

/* The range cache: errors, what it keeps, what the user sees, limits, flushes. */
static void test_cache(void **state)
{
	static const struct vcm_vs_cache_cfg on = { VCM_VS_CACHE_ON, 0, 0 };
	static const struct vcm_vs_cache_cfg one = { VCM_VS_CACHE_ON, 1, 0 };
	static const struct vcm_vs_cache_cfg off = { 0, 0, 0 };
	struct vcm_vs_cache_cfg bad = { VCM_VS_CACHE_ON | 0x10, 0, 0 };
	struct fx f;
	struct vcm_vs *vs = make(&f, 0, SZ_1M);
	struct vcm_vs_range *a, *b, *c, *r[256];
	uint64_t n = 9, bytes = 9;
	struct vcm_vs_cache_stats st;
	long blocks;

	(void)state;
	expect_err(vs, vcm_vs_cache_config(vs, NULL), -EINVAL, "cc is NULL");
	expect_err(vs, vcm_vs_cache_config(vs, &bad), -EINVAL, "cc->flags has unknown bits 0x10");
	assert_int_equal(vcm_vs_cache_config(NULL, &on), -EINVAL);
	assert_int_equal(vcm_vs_cache_flush(NULL), -EINVAL);
	assert_int_equal(vcm_vs_cache_usage(NULL, &n, &bytes), -EINVAL);
	assert_int_equal(vcm_vs_cache_stats(NULL, &st), -EINVAL);
	expect_err(vs, vcm_vs_cache_stats(vs, NULL), -EINVAL, "out is NULL");
	assert_string_equal(vcm_vs_last_error(vs), "vcm_vs_cache_stats: out is NULL");
	/* off: an unreserve gives the range back at once, as always */
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &a), 0);
	blocks = f.meta.live_blocks;
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, &bytes), 0);
	assert_true(n == 0 && bytes == 0);
	assert_int_equal(f.meta.live_blocks, blocks);
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_true(st.hits == 0 && st.kept == 0 && st.returned == 0);

	assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &c), 0); /* at 0 */
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, SZ_64K, &a), 0);
	assert_int_equal(vcm_vs_range_start(a), SZ_64K);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, &bytes), 0);
	assert_true(n == 1 && bytes == SZ_64K);
	/* to the user it is free: find, walk, counters; its handle is dead */
	assert_null(vcm_vs_find(vs, SZ_64K));
	assert_ptr_equal(vcm_vs_first(vs), c);
	assert_null(vcm_vs_next(vs, c));
	assert_int_equal(vcm_vs_count(vs), 1);
	assert_int_equal(vcm_vs_free_bytes(vs), SZ_1M - SZ_4K);
	assert_int_equal(vcm_vs_range_start(a), 0);
	expect_err(vs, vcm_vs_unreserve(vs, a), -EINVAL, "not live");
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* an odd size is not cached; a 64K request at 4K alignment gets the 64K back */
	assert_int_equal(vcm_vs_reserve(vs, 3 * SZ_4K, SZ_4K, &b), 0);
	assert_int_equal(vcm_vs_range_start(b), SZ_4K);
	assert_int_equal(vcm_vs_unreserve(vs, b), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K - 100, SZ_4K, &b), 0);
	assert_int_equal(vcm_vs_range_start(b), SZ_64K);
	assert_int_equal(vcm_vs_unreserve(vs, b), 0);
	/* a bad alignment is refused even when the cache holds a fit */
	expect_err(vs, vcm_vs_reserve(vs, SZ_64K, 0x800, &b), -EINVAL, "align 0x800");
	expect_err(vs, vcm_vs_reserve(vs, SZ_64K, 0x3000, &b), -EINVAL, "align 0x3000");
	expect_err(vs, vcm_vs_reserve(vs, 0, SZ_4K, &b), -EINVAL, "len is 0");
	/* a larger alignment than the size goes to the tree (lowest fit) */
	assert_int_equal(vcm_vs_reserve(vs, SZ_64K, 2 * SZ_64K, &b), 0);
	assert_int_equal(vcm_vs_range_start(b), 2 * SZ_64K);
	assert_int_equal(vcm_vs_unreserve(vs, b), 0);
	/* kept: 64K at 64K twice, 64K at 128K; one hit; two cached now */
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_true(st.hits == 1 && st.kept == 3 && st.returned == 0);
	/* reserve-at over a cached range: flushed, succeeds */
	assert_int_equal(vcm_vs_reserve_at(vs, SZ_64K + SZ_4K, SZ_4K, &b), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vcm_vs_cache_stats(vs, &st), 0);
	assert_true(st.hits == 1 && st.kept == 3 && st.returned == 2);
	assert_int_equal(vcm_vs_unreserve(vs, b), 0);
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* fill the space with 4K ranges, free them all (cached up to the limit) */
	assert_int_equal(vcm_vs_unreserve(vs, c), 0);
	for (int i = 0; i < 256; i++)
		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r[i]), 0);
	expect_err(vs, vcm_vs_reserve(vs, SZ_4K, SZ_4K, &a), -ENOSPC, "no free run");
	for (int i = 0; i < 256; i++)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 256);
	assert_int_equal(vcm_vs_free_bytes(vs), SZ_1M);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* the whole space: the cache is flushed rather than failing */
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M, SZ_4K, &a), 0);
	assert_int_equal(vcm_vs_range_start(a), 0);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);

	/* limits: one range */
	assert_int_equal(vcm_vs_cache_config(vs, &one), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &a), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &b), 0);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	assert_int_equal(vcm_vs_unreserve(vs, b), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 1);
	assert_int_equal(vcm_vs_cache_flush(vs), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vcm_vs_check_(vs), 0);

	/* a bound inherits the cache; freeing it with cached ranges works */
	{
		struct vcm_vs_bound *bd;
		struct vcm_vs *bs;

		assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
		assert_int_equal(vcm_vs_bound_create(vs, 8 * SZ_64K, SZ_64K, &bd), 0);
		bs = vcm_vs_bound_space(bd);
		assert_int_equal(vcm_vs_reserve(bs, SZ_64K, SZ_64K, &a), 0);
		assert_int_equal(vcm_vs_unreserve(bs, a), 0);
		assert_int_equal(vcm_vs_cache_usage(bs, &n, NULL), 0);
		assert_int_equal(n, 1);
		assert_int_equal(vcm_vs_check_(vs), 0);
		assert_int_equal(vcm_vs_bound_free(vs, bd), 0);
		assert_int_equal(vcm_vs_check_(vs), 0);
	}

	/* off again: flushed, and its metadata given back */
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &a), 0);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	assert_int_equal(vcm_vs_cache_config(vs, &off), 0);
	assert_int_equal(vcm_vs_cache_usage(vs, &n, NULL), 0);
	assert_int_equal(n, 0);
	assert_int_equal(vcm_vs_free_bytes(vs), SZ_1M);
	/* destroy with ranges cached gives every byte back */
	assert_int_equal(vcm_vs_cache_config(vs, &on), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &a), 0);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	done(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_reserve_errors),
		cmocka_unit_test(test_reserve_at_errors),
		cmocka_unit_test(test_unreserve_errors),
		cmocka_unit_test(test_alignments),
		cmocka_unit_test(test_find_and_walk),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_top_of_64bit),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_free_everything_restores_one_gap),
		cmocka_unit_test(test_bound_cycles_reuse_memory),
		cmocka_unit_test(test_bound_checks_first),
		cmocka_unit_test(test_stale_bound_handles),
		cmocka_unit_test(test_accessor_handles),
		cmocka_unit_test(test_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
