// SPDX-License-Identifier: MIT
/*
 * vs_tree_pull_(), white box: the node summary it computes, and whether it
 * reports a change, against a plain scalar reference of the same math, on
 * random nodes. vs_tree_pull_() takes a vector path on GCC and Clang, so the
 * reference is what keeps it honest; the inputs lean on the edges where the
 * lanes saturate or wrap: 0xffff losses, gaps near 2^52 pages, gap starts
 * near 2^64, missing children. Seed from VCM_TEST_SEED.
 * Reads src/vspace/vspace_internal.h, so it runs against this layer only.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "../../src/vspace/vspace_internal.h"
#include "../common/test_rand.h"

#ifndef ITERS
#define ITERS 500000U
#endif

/* The reference: one lane at a time, saturating by comparison in 32 bits. */
#define REF_LOSS_CAP (UINT32_C(1) << 30)

static const struct vcm_vs_range ref_nil;

static const uint32_t ref_class_mask[VS_NCLASS] = {
	0x1, 0x3, 0x7, 0xf, 0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff,
	0x1fff, 0x3fff, 0x7fff, 0xffff, 0x1ffff, 0x3ffff,
};

static uint32_t ref_pages_capped(uint64_t bytes)
{
	uint64_t p = bytes >> VS_PAGE_LG2;

	return p < REF_LOSS_CAP ? (uint32_t)p : REF_LOSS_CAP;
}

static uint32_t ref_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static uint32_t ref_sat16(uint32_t a, uint32_t b)
{
	return a + b > 0xffffU ? 0xffffU : a + b;
}

static bool ref_pull(struct vcm_vs_range *n)
{
	const struct vcm_vs_range *l = n->left != NULL ? n->left : &ref_nil;
	const struct vcm_vs_range *r = n->right != NULL ? n->right : &ref_nil;
	unsigned int hl = vs_height(l), hr = vs_height(r);
	uint64_t h = (uint64_t)((hl > hr ? hl : hr) + 1U);
	uint64_t lm = vs_max_gap(l), rm = vs_max_gap(r), m = n->gap, sum;
	uint32_t misalign = (uint32_t)((0U - vs_gap_start(n)) >> VS_PAGE_LG2);
	uint32_t own_g, off_own, off_l, off_r, loss[VS_NCLASS];
	bool changed = false;

	if (lm > m)
		m = lm;
	if (rm > m)
		m = rm;
	own_g = ref_pages_capped(n->gap);
	off_own = ref_pages_capped(m - n->gap);
	off_l = ref_pages_capped(m - lm);
	off_r = ref_pages_capped(m - rm);
	for (unsigned int k = 0; k < VS_NLOSS16; k++) {
		uint32_t own = ref_sat16(ref_min(misalign & ref_class_mask[k],
						 ref_min(own_g, 0xffffU)),
					 ref_min(off_own, 0xffffU));
		uint32_t cl = ref_sat16(l->loss16[k], ref_min(off_l, 0xffffU));
		uint32_t cr = ref_sat16(r->loss16[k], ref_min(off_r, 0xffffU));

		loss[k] = ref_min(own, ref_min(cl, cr));
	}
	for (unsigned int k = VS_NLOSS16; k < VS_NCLASS; k++) {
		unsigned int j = k - VS_NLOSS16;
		uint32_t own = ref_min(misalign & ref_class_mask[k], own_g) + off_own;

		loss[k] = ref_min(own, ref_min(l->loss32[j] + off_l, r->loss32[j] + off_r));
	}
	sum = (h << VS_SUM_HEIGHT_SHIFT) | (m >> VS_PAGE_LG2);
	/* held: the node's own flag or either child's summary bit */
	if ((n->flags & VS_RANGE_HELD) != 0U || (l->sum & VS_SUM_HELD) != 0U ||
	    (r->sum & VS_SUM_HELD) != 0U)
		sum |= VS_SUM_HELD;
	changed = sum != n->sum;
	n->sum = sum;
	for (unsigned int k = 0; k < VS_NLOSS16; k++) {
		changed |= n->loss16[k] != loss[k];
		n->loss16[k] = (uint16_t)loss[k];
	}
	for (unsigned int j = 0; j < VS_NCLASS - VS_NLOSS16; j++) {
		changed |= n->loss32[j] != loss[VS_NLOSS16 + j];
		n->loss32[j] = loss[VS_NLOSS16 + j];
	}
	return changed;
}

/* A 64-bit value biased towards the edges: 0, all ones, near a power of two. */
static uint64_t edgy64(uint64_t *s)
{
	uint64_t r = test_rand(s);
	unsigned int b = (unsigned int)test_rand_below(s, 65);
	uint64_t p = b < 64U ? UINT64_C(1) << b : 0U;

	switch (test_rand_below(s, 6)) {
	case 0:
		return 0;
	case 1:
		return ~UINT64_C(0) - (r & 0xffffU);
	case 2:
		return p + (r & 0x7fffU) - 0x4000U;
	case 3:
		return p - 1U;
	case 4:
		return r & ((p != 0U ? p : 1U) - 1U);
	default:
		return r;
	}
}

/* Bytes: whole pages mostly, sometimes not, to check the truncation. */
static uint64_t bytes(uint64_t *s)
{
	uint64_t v = edgy64(s);

	return test_rand_below(s, 4) != 0U ? v & ~(VS_PAGE - 1U) : v;
}

static uint16_t loss16(uint64_t *s)
{
	switch (test_rand_below(s, 4)) {
	case 0:
		return 0xffffU;
	case 1:
		return (uint16_t)(0xffffU - test_rand_below(s, 64));
	default:
		return (uint16_t)edgy64(s);
	}
}

static void random_child(uint64_t *s, struct vcm_vs_range *c)
{
	uint64_t pages = edgy64(s);

	/* Mostly below 2^52 pages, as in a space; sometimes any 55 bits. */
	if (test_rand_below(s, 4) != 0U)
		pages &= (UINT64_C(1) << 52) - 1U;
	c->sum = (test_rand(s) & ~VS_SUM_PAGES) | (pages & VS_SUM_PAGES);
	if (test_rand_below(s, 2) != 0U)
		c->sum &= (UINT64_C(0x3f) << VS_SUM_HEIGHT_SHIFT) | VS_SUM_PAGES;
	for (unsigned int k = 0; k < VS_NLOSS16; k++)
		c->loss16[k] = loss16(s);
	for (unsigned int j = 0; j < VS_NCLASS - VS_NLOSS16; j++)
		c->loss32[j] = test_rand_below(s, 2) != 0U ? (uint32_t)edgy64(s)
				: REF_LOSS_CAP + (uint32_t)test_rand_below(s, 8) - 4U;
}

static void random_node(uint64_t *s, struct vcm_vs_range *n,
			struct vcm_vs_range *l, struct vcm_vs_range *r)
{
	memset(n, 0, sizeof(*n));
	random_child(s, l);
	random_child(s, r);
	n->left = test_rand_below(s, 5) != 0U ? l : NULL;
	n->right = test_rand_below(s, 5) != 0U ? r : NULL;
	n->start = edgy64(s);
	n->len = test_rand_below(s, 2) != 0U ? bytes(s) : 0U - n->start - bytes(s);
	n->gap = bytes(s);
	n->flags = (uint8_t)test_rand_below(s, 8);
	/* The gap near 2^51 pages, or near 2^52 (2^64 bytes). */
	if (test_rand_below(s, 8) == 0U)
		n->gap = (test_rand_below(s, 2) != 0U ? UINT64_C(1) << 63 : 0U) -
			 ((test_rand_below(s, 4) + 1U) << VS_PAGE_LG2);
	/* The old summary: random; test_pull_random() also tries it up to date. */
	random_child(s, n);
}

/* Run both on copies of @n; the whole node and the answer must agree. */
static void check_one(const struct vcm_vs_range *n, uint64_t iter)
{
	struct vcm_vs_range a = *n, b = *n;
	bool ra = vs_tree_pull_(&a), rb = ref_pull(&b);

	if (ra != rb || memcmp(&a, &b, sizeof(a)) != 0)
		fail_msg("iteration %llu: vs_tree_pull_() differs from the reference",
			 (unsigned long long)iter);
}

static void test_pull_random(void **state)
{
	uint64_t s = test_seed("test_vspace_pull", 0x70756c6cU);
	struct vcm_vs_range n, l, r, up;

	(void)state;
	for (uint64_t i = 0; i < ITERS; i++) {
		random_node(&s, &n, &l, &r);
		check_one(&n, i);
		/* Up to date: pulling again changes nothing and says so. */
		up = n;
		(void)ref_pull(&up);
		check_one(&up, i);
		assert_false(vs_tree_pull_(&up));
		/* One lane, or the sum, off by one bit: a change, in that field. */
		switch (test_rand_below(&s, 3)) {
		case 0:
			up.loss16[test_rand_below(&s, VS_NLOSS16)] ^=
				(uint16_t)(1U << test_rand_below(&s, 16));
			break;
		case 1:
			up.loss32[test_rand_below(&s, VS_NCLASS - VS_NLOSS16)] ^=
				UINT32_C(1) << test_rand_below(&s, 32);
			break;
		default:
			up.sum ^= UINT64_C(1) << test_rand_below(&s, 64);
			break;
		}
		check_one(&up, i);
		assert_true(vs_tree_pull_(&up));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pull_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
