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

/* The last message mentions @needle. */
static void msg_has(const struct vcm_vs *vs, const char *needle)
{
	const char *m = vcm_vs_last_error(vs);

	if (strstr(m, needle) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", m, needle);
}

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
	assert_non_null(strstr(d.msg, "cfg is NULL"));
	cfg = (struct vcm_vs_cfg){ .start = 0, .len = SZ_1M, .plat = &plat };
	assert_int_equal(vcm_vs_create(&cfg, NULL, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "out is NULL"));
	cfg.plat = NULL;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->plat"));
	cfg.plat = &bad_ops;
	assert_int_equal(vcm_vs_create(&cfg, &vs, NULL), -EINVAL); /* NULL diag is fine */
	cfg.plat = &plat;
	cfg.start = 0x1800;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->start 0x1800"));
	cfg.start = 0;
	cfg.len = 0;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->len is 0"));
	cfg.len = 0x1234;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->len 0x1234"));
	cfg.start = UINT64_C(0xfffffffffffff000);
	cfg.len = 0x2000;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -EOVERFLOW);
	assert_non_null(strstr(d.msg, "cfg->start 0xfffffffffffff000 + cfg->len 0x2000"));
	cfg.len = 0x1000; /* ends exactly at 2^64: fine */
	meta.fail_after = 0;
	assert_int_equal(vcm_vs_create(&cfg, &vs, &d), -ENOMEM);
	assert_non_null(strstr(d.msg, "meta_alloc"));
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
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, NULL), -EINVAL);
	msg_has(vs, "vcm_vs_reserve: out is NULL");
	assert_int_equal(vcm_vs_reserve(vs, 0, SZ_4K, &r), -EINVAL);
	msg_has(vs, "vcm_vs_reserve: len is 0");
	assert_int_equal(vcm_vs_reserve(vs, UINT64_MAX, SZ_4K, &r), -EOVERFLOW);
	msg_has(vs, "len 0xffffffffffffffff");
	assert_int_equal(vcm_vs_reserve(vs, 17 * SZ_1M, SZ_4K, &r), -ERANGE);
	msg_has(vs, "len 0x1100000 is larger than the space");
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, 0, &r), -EINVAL);
	msg_has(vs, "align 0x0 is not a power of two");
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, 0x3000, &r), -EINVAL);
	msg_has(vs, "align 0x3000");
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, 0x800, &r), -EINVAL);
	msg_has(vs, "align 0x800");
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, 2 * SZ_1G, &r), -EINVAL);
	msg_has(vs, "align 0x80000000");
	/* space [1M, 17M): no 32 MiB boundary inside */
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M, 32 * SZ_1M, &r), -ENOSPC);
	msg_has(vs, "no free run of len 0x100000 aligned to 0x2000000");
	assert_int_equal(vcm_vs_reserve(vs, 16 * SZ_1M, SZ_4K, &r), -ENOSPC);
	f.meta.fail_after = 0;
	/* the first slab holds 32 nodes: exhaust it so the next reserve must allocate */
	for (int i = 0; i < 31; i++) {
		struct vcm_vs_range *t;

		assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &t), 0);
	}
	s = take(vs);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_4K, &r), -ENOMEM);
	msg_has(vs, "meta_alloc");
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
	assert_int_equal(vcm_vs_reserve_at(vs, 2 * SZ_1M, SZ_4K, NULL), -EINVAL);
	msg_has(vs, "vcm_vs_reserve_at: out is NULL");
	assert_int_equal(vcm_vs_reserve_at(vs, 2 * SZ_1M + 0x10, SZ_4K, &r), -EINVAL);
	msg_has(vs, "da 0x200010 is not a multiple of 4 KiB");
	assert_int_equal(vcm_vs_reserve_at(vs, 2 * SZ_1M, 0, &r), -EINVAL);
	msg_has(vs, "len is 0");
	assert_int_equal(vcm_vs_reserve_at(vs, 2 * SZ_1M, UINT64_C(0xfffffffffff00000), &r),
			 -EOVERFLOW);
	msg_has(vs, "da 0x200000 + len 0xfffffffffff00000 passes 2^64");
	assert_int_equal(vcm_vs_reserve_at(vs, 0, SZ_4K, &r), -ERANGE);
	msg_has(vs, "da 0x0 len 0x1000 is outside the space");
	assert_int_equal(vcm_vs_reserve_at(vs, 17 * SZ_1M - SZ_4K, 2 * SZ_4K, &r), -ERANGE);
	assert_int_equal(vcm_vs_reserve_at(vs, 17 * SZ_1M, SZ_4K, &r), -ERANGE);
	/* overlaps: inside, over the start, over the end, covering */
	assert_int_equal(vcm_vs_reserve_at(vs, 4 * SZ_1M + SZ_4K, SZ_4K, &r), -EEXIST);
	msg_has(vs, "overlaps the range at 0x400000 len 0x100000");
	assert_int_equal(vcm_vs_reserve_at(vs, 4 * SZ_1M - SZ_4K, 2 * SZ_4K, &r), -EEXIST);
	msg_has(vs, "overlaps the range at 0x400000");
	assert_int_equal(vcm_vs_reserve_at(vs, 5 * SZ_1M - SZ_4K, 2 * SZ_4K, &r), -EEXIST);
	assert_int_equal(vcm_vs_reserve_at(vs, 3 * SZ_1M, 3 * SZ_1M, &r), -EEXIST);
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
	assert_int_equal(vcm_vs_unreserve(vs, NULL), -EINVAL);
	msg_has(vs, "vcm_vs_unreserve: range is NULL");
	assert_int_equal(vcm_vs_unreserve(vs, x), -EINVAL);
	msg_has(vs, "belongs to space");
	same(vs, s);
	assert_int_equal(vcm_vs_unreserve(vs, a), 0);
	s = take(vs);
	assert_int_equal(vcm_vs_unreserve(vs, a), -EINVAL);
	msg_has(vs, "is not live");
	assert_null(vcm_vs_next(vs, a));
	msg_has(vs, "vcm_vs_next: range");
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

static void test_top_of_64bit(void **state)
{
	struct fx f;
	vcm_da_t start = UINT64_C(0xffffffff00000000);
	struct vcm_vs *vs = make(&f, start, 0 - start);
	struct vcm_vs_range *r, *t;

	(void)state;
	assert_int_equal(vcm_vs_reserve_at(vs, UINT64_MAX - SZ_4K + 1, SZ_4K, &t), 0);
	assert_ptr_equal(vcm_vs_find(vs, UINT64_MAX), t);
	assert_int_equal(vcm_vs_reserve_at(vs, UINT64_MAX - SZ_4K + 1, SZ_4K, &r), -EEXIST);
	assert_int_equal(vcm_vs_reserve_at(vs, UINT64_MAX - SZ_4K + 1, 2 * SZ_4K, &r), -EOVERFLOW);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_1G, &r), 0);
	assert_int_equal(vcm_vs_range_start(r), start);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_1G, &r), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_1G, &r), 0);
	/* the last GiB holds the top page: a 1G run is gone, smaller ones are not */
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G, SZ_4K, &r), -ENOSPC);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1G - SZ_1M, SZ_1M, &r), 0);
	assert_int_equal(vcm_vs_range_start(r), start + 3 * SZ_1G);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M, SZ_4K, &r), -ENOSPC);
	assert_int_equal(vcm_vs_reserve(vs, SZ_1M - SZ_4K, SZ_1M, &r), 0);
	assert_int_equal(vcm_vs_range_start(r), UINT64_MAX - SZ_1M + 1);
	assert_int_equal(vcm_vs_free_bytes(vs), 0);
	assert_int_equal(vcm_vs_unreserve(vs, t), 0);
	assert_int_equal(vcm_vs_reserve(vs, SZ_4K, SZ_1G, &r), -ENOSPC);
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
	assert_int_equal(vcm_vs_bound_reserve(b, 16 * SZ_1M, SZ_4K, &r2), -ENOSPC);
	assert_non_null(strstr(vcm_vs_last_error(bs), "vcm_vs_bound_reserve: no free run"));
	assert_int_equal(vcm_vs_reserve_at(bs, 15 * SZ_1M, SZ_4K, &r2), -ERANGE);
	assert_null(vcm_vs_find(bs, 15 * SZ_1M));
	/* the parent cannot reserve over it or unreserve it */
	s = take(vs);
	assert_int_equal(vcm_vs_reserve_at(vs, 17 * SZ_1M, SZ_4K, &r2), -EEXIST);
	assert_int_equal(vcm_vs_unreserve(vs, vcm_vs_bound_range(b)), -EBUSY);
	msg_has(vs, "is a bound; use vcm_vs_bound_free");
	assert_int_equal(vcm_vs_unreserve(vs, in), -EINVAL); /* the bound's, not ours */
	assert_int_equal(vcm_vs_bound_free(vs, b), -EBUSY);
	msg_has(vs, "still holds 1 ranges");
	assert_int_equal(vcm_vs_destroy(bs), -EINVAL);
	assert_int_equal(vcm_vs_bound_create(vs, 0, SZ_4K, &b2), -EINVAL);
	msg_has(vs, "vcm_vs_bound_create: len is 0");
	assert_int_equal(vcm_vs_bound_create(vs, SZ_4K, SZ_4K, NULL), -EINVAL);
	assert_int_equal(vcm_vs_bound_create_at(vs, 17 * SZ_1M, SZ_1M, &b2), -EEXIST);
	msg_has(vs, "vcm_vs_bound_create_at: da 0x1100000");
	assert_int_equal(vcm_vs_bound_create(other, SZ_1M, SZ_1M, &ob), 0);
	assert_int_equal(vcm_vs_bound_free(vs, ob), -EINVAL);
	msg_has(vs, "belongs to space");
	assert_int_equal(vcm_vs_bound_free(vs, NULL), -EINVAL);
	same(vs, s);
	/* a bound inside a bound, and ranges in both, are freed by destroy */
	assert_int_equal(vcm_vs_bound_create_at(bs, 24 * SZ_1M, 4 * SZ_1M, &inner), 0);
	assert_int_equal(vcm_vs_bound_reserve(inner, SZ_64K, SZ_64K, &r2), 0);
	assert_int_equal(vcm_vs_range_start(r2), 24 * SZ_1M);
	assert_int_equal(vcm_vs_check_(vs), 0);
	/* empty the bound and free it; its range goes back to the parent */
	assert_int_equal(vcm_vs_bound_create_at(vs, 64 * SZ_1M, SZ_1M, &b2), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b2), 0);
	assert_int_equal(vcm_vs_bound_free(vs, b2), -EINVAL);
	msg_has(vs, "is not live");
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_reserve_errors),
		cmocka_unit_test(test_reserve_at_errors),
		cmocka_unit_test(test_unreserve_errors),
		cmocka_unit_test(test_alignments),
		cmocka_unit_test(test_find_and_walk),
		cmocka_unit_test(test_top_of_64bit),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_free_everything_restores_one_gap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
