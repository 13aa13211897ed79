// SPDX-License-Identifier: MIT
/*
 * Beyond the 2010 header: clone, migrate (contents, tables, reverse map,
 * all or nothing under injected failures), power queries, and the reverse
 * map against a brute-force answer on random graphs.
 */
#define _POSIX_C_SOURCE 200809L /* pthread barriers */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "common/test_rand.h"
#include "graph_fixture.h"
#include "../../src/graph/graph_internal.h" /* a clone's reservation's bound */

static void fill(struct vcm_mem *m, uint8_t seed)
{
	for (uint64_t off = 0; off < vcm_mem_len(m); off += 4 * KB)
		memset(gfx_cpu(gfx_pa_of(m, off)), (uint8_t)(seed + (off >> 12)), 4 * KB);
}

static void expect_fill(struct vcm_mem *m, uint8_t seed)
{
	for (uint64_t off = 0; off < vcm_mem_len(m); off += 4 * KB) {
		const uint8_t *p = gfx_cpu(gfx_pa_of(m, off));

		assert_int_equal(p[0], (uint8_t)(seed + (off >> 12)));
		assert_int_equal(p[4 * KB - 1], (uint8_t)(seed + (off >> 12)));
	}
}

/* ---- clone ---- */

static void test_clone(void **state)
{
	struct vcm *v, *c, *c2;
	struct vcm_avcm *a, *ca;
	struct vcm_bound *b;
	struct vcm_res *r1, *r2, *r3, *x;
	struct vcm_mem *m1, *m2;
	long meta0;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, 64 * MB, &v), 0);
	a = gfx_assoc(v, D_V7, 0, true);
	assert_int_equal(vcm_create_bound(v, 4 * MB, &b), 0);
	assert_int_equal(vcm_reserve_from_bound(b, MB, MB, RW, &r1), 0);
	assert_int_equal(vcm_reserve(v, 128 * KB, 64 * KB, VCM_PT_PROT_READ, &r2), 0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, RW, &r3), 0);
	assert_int_equal(vcm_alloc(g.sys, 0, MB, 0, &m1), 0);
	assert_int_equal(vcm_alloc(g.sys, 0, 128 * KB, 0, &m2), 0);
	assert_int_equal(vcm_back(r1, m1), 0);
	assert_int_equal(vcm_back(r2, m2), 0);
	assert_int_equal(vcm_clone(NULL, &c), -EINVAL);
	assert_int_equal(vcm_clone(v, NULL), -EINVAL);
	gfx_msg("vcm_clone: out is NULL");
	/* metadata failing anywhere: nothing is left behind */
	for (long n = 1;; n++) {
		meta0 = g.meta_live;
		gfx_fail_meta(n);
		int ret = vcm_clone(v, &c);
		gfx_fail_meta(0);
		if (ret == 0)
			break;
		assert_int_equal(ret, -ENOMEM);
		assert_int_equal(g.meta_live, meta0);
		assert_int_equal(vcm_sys_check_(g.sys), 0);
	}
	assert_int_equal(vcm_get_num_res(c), 3);
	assert_int_equal(vcm_get_start_addr(c), 0);
	assert_int_equal(vcm_get_len(c), 64 * MB);
	x = vcm_get_res(c, vcm_get_dev_addr(r1));
	assert_non_null(x);
	assert_ptr_not_equal(x, r1);
	assert_ptr_equal(vcm_get_physmem_from_res(x), m1);
	assert_null(vcm_get_physmem_from_res(vcm_get_res(c, vcm_get_dev_addr(r3))));
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m1, 0x5000)), 2);
	/* its own table once associated, filled from the record */
	ca = gfx_assoc(c, D_V8S1, 0, true);
	gfx_expect_pa(D_V8S1, 0, vcm_get_dev_addr(r1) + 0x5000, gfx_pa_of(m1, 0x5000));
	gfx_expect_pa(D_V8S1, 0, vcm_get_dev_addr(r2), gfx_pa_of(m2, 0));
	/* changes are not shared */
	assert_int_equal(vcm_unback(x), 0);
	assert_ptr_equal(vcm_get_physmem_from_res(r1), m1);
	gfx_expect_pa(D_V7, 0, vcm_get_dev_addr(r1), gfx_pa_of(m1, 0));
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	/* a clone of a clone, then everything goes */
	assert_int_equal(vcm_clone(c, &c2), 0);
	assert_int_equal(vcm_get_num_res(c2), 3);
	for (struct vcm *t = c2, *u = c; t != NULL; t = u, u = NULL) {
		while ((x = vcm_get_next_res(t, NULL)) != NULL) {
			if (vcm_get_physmem_from_res(x) != NULL)
				assert_int_equal(vcm_unback(x), 0);
			assert_int_equal(vcm_unreserve(x), 0);
		}
		if (t == c)
			gfx_drop(ca);
		assert_int_equal(vcm_free(t), 0);
	}
	assert_int_equal(vcm_unback(r1), 0);
	assert_int_equal(vcm_unback(r2), 0);
	assert_int_equal(vcm_unreserve(r1), 0);
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_unreserve(r3), 0);
	assert_int_equal(vcm_free_phys(g.sys, m1), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
}

/*
 * A clone of a VCM with several bounds, made in an order that is not their
 * address order (a freed bound's hole is filled by a later one), several
 * reservations in each: every reservation's twin is in the twin of its bound
 * (the clone's bound at the same address), with the same attributes.
 */
static void test_clone_bounds(void **state)
{
	enum { NB = 5, PER = 4 };
	struct vcm *v, *c;
	struct vcm_bound *b[NB], *gone;
	struct vcm_res *r[NB][PER], *x;
	struct vcm_avcm *a;
	struct vcm_mem *m;

	(void)state;
	assert_int_equal(vcm_create(g.sys, 0, 64 * MB, &v), 0);
	a = gfx_assoc(v, D_V7, 0, true); /* backing needs an active association */
	assert_int_equal(vcm_create_bound(v, MB, &gone), 0);
	for (unsigned int i = 0; i < NB - 1U; i++)
		assert_int_equal(vcm_create_bound(v, MB, &b[i]), 0);
	assert_int_equal(vcm_free_bound(gone), 0);
	/* lowest address, last in creation order */
	assert_int_equal(vcm_create_bound(v, MB, &b[NB - 1]), 0);
	assert_true(vcm_get_bound_start_addr(b[NB - 1]) < vcm_get_bound_start_addr(b[0]));
	assert_int_equal(vcm_alloc(g.sys, 0, 64 * KB, 0, &m), 0);
	for (unsigned int i = 0; i < NB; i++) {
		for (unsigned int k = 0; k < PER; k++) {
			unsigned int prot = k % 2U != 0U ? VCM_PT_PROT_READ : RW;

			assert_int_equal(vcm_reserve_from_bound(b[i], 64 * KB, k == 2U ? 64 * KB : 0,
								prot, &r[i][k]), 0);
			if (k == 1U)
				assert_int_equal(vcm_back(r[i][k], m), 0);
		}
	}
	/* plain ones around them */
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, RW, &x), 0);
	assert_int_equal(vcm_clone(v, &c), 0);
	assert_int_equal(vcm_get_num_res(c), NB * PER + 1);
	for (unsigned int i = 0; i < NB; i++) {
		for (unsigned int k = 0; k < PER; k++) {
			vcm_da_t da = vcm_get_dev_addr(r[i][k]);
			struct vcm_res *y = vcm_get_res(c, da), *in;
			unsigned int p0, p1;
			uint64_t a0, a1;

			assert_non_null(y);
			in = gobj_slot_(y);
			assert_non_null(in->bound);
			assert_ptr_equal(in->bound->vcm, gobj_slot_(c));
			assert_int_equal(in->bound->da, vcm_get_bound_start_addr(b[i]));
			assert_int_equal(in->bound->len, MB);
			assert_int_equal(vcm_get_dev_addr(y), da);
			assert_int_equal(vcm_get_res_len(y), 64 * KB);
			assert_int_equal(vcm_get_res_attr(r[i][k], &p0, &a0), 0);
			assert_int_equal(vcm_get_res_attr(y, &p1, &a1), 0);
			assert_int_equal(p1, p0);
			assert_int_equal(a1, a0);
			assert_ptr_equal(vcm_get_physmem_from_res(y), k == 1U ? m : NULL);
		}
	}
	assert_null(((struct vcm_res *)gobj_slot_(vcm_get_res(c, vcm_get_dev_addr(x))))->bound);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m, 0)), 2 * NB);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	for (struct vcm *t = c; t != NULL; t = t == c ? v : NULL) {
		while ((x = vcm_get_next_res(t, NULL)) != NULL) {
			if (vcm_get_physmem_from_res(x) != NULL)
				assert_int_equal(vcm_unback(x), 0);
			assert_int_equal(vcm_unreserve(x), 0);
		}
		if (t == v)
			gfx_drop(a);
		assert_int_equal(vcm_free(t), 0);
	}
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
}

/* ---- migrate ---- */

struct mig {
	struct vcm *v, *w;
	struct vcm_avcm *a[3];
	struct vcm_res *r1, *r2;
	struct vcm_mem *m;
};

static void mig_up(struct mig *t)
{
	assert_int_equal(vcm_create(g.sys, 0, 64 * MB, &t->v), 0);
	assert_int_equal(vcm_create(g.sys, 0x10000000, 64 * MB, &t->w), 0);
	t->a[0] = gfx_assoc(t->v, D_V7, 0, true);
	t->a[1] = gfx_assoc(t->v, D_V8S2, 0, true);
	t->a[2] = gfx_assoc(t->w, D_V8S1, 0, true);
	assert_int_equal(vcm_alloc(g.sys, 1, 2 * MB + 192 * KB, 0, &t->m), 0);
	assert_int_equal(vcm_reserve_at(t->v, 0x1f30000, 2 * MB + 192 * KB, RW, &t->r1), 0);
	assert_int_equal(vcm_reserve(t->w, 2 * MB + 192 * KB, MB, RW, &t->r2), 0);
	assert_int_equal(vcm_back(t->r1, t->m), 0);
	assert_int_equal(vcm_back(t->r2, t->m), 0);
	fill(t->m, 0x5a);
}

static void mig_down(struct mig *t)
{
	assert_int_equal(vcm_unback(t->r1), 0);
	assert_int_equal(vcm_unback(t->r2), 0);
	assert_int_equal(vcm_unreserve(t->r1), 0);
	assert_int_equal(vcm_unreserve(t->r2), 0);
	assert_int_equal(vcm_free_phys(g.sys, t->m), 0);
	for (int i = 0; i < 3; i++)
		gfx_drop(t->a[i]);
	assert_int_equal(vcm_free(t->v), 0);
	assert_int_equal(vcm_free(t->w), 0);
}

static void test_migrate(void **state)
{
	struct mig t;
	struct vcm_phys_stats st0, st1;
	vcm_pa_t old0, new0;
	vcm_da_t da;

	(void)state;
	mig_up(&t);
	old0 = gfx_pa_of(t.m, 0x10000);
	assert_int_equal(vcm_phys_stats(vcm_sys_phys(g.sys), 1, &st0), 0);
	for (int d = 0; d < 3; d++)
		g.fake[d].tlb_range = 0;
	assert_int_equal(vcm_migrate(g.sys, t.m), 0);
	assert_int_equal(vcm_phys_stats(vcm_sys_phys(g.sys), 1, &st1), 0);
	assert_int_equal(st0.free_bytes, st1.free_bytes); /* the old memory was freed */
	new0 = gfx_pa_of(t.m, 0x10000);
	assert_int_not_equal(old0, new0);
	assert_ptr_equal(vcm_get_physmem_from_res(t.r1), t.m);
	expect_fill(t.m, 0x5a);
	gfx_expect_pa(D_V7, 0, vcm_get_dev_addr(t.r1) + 0x10000, new0);
	gfx_expect_pa(D_V8S2, 0, vcm_get_dev_addr(t.r1) + 0x10000, new0);
	gfx_expect_pa(D_V8S1, 0, vcm_get_dev_addr(t.r2) + 0x10000, new0);
	for (int d = 0; d < 3; d++) {
		assert_int_equal(g.fake[d].tlb_range, 2); /* break, then make */
		assert_true(g.fake[d].tlb_leaf);
	}
	assert_int_equal(vcm_get_phys_num_res(g.sys, old0), 0);
	assert_int_equal(vcm_get_phys_num_res(g.sys, new0), 2);
	assert_int_equal(vcm_translate(t.v, vcm_get_dev_addr(t.r1) + 5, t.w, &da), 0);
	assert_int_equal(da, vcm_get_dev_addr(t.r2) + 5);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	mig_down(&t);
}

static void test_migrate_errors(void **state)
{
	struct vcm_mem *w, *m, *big;
	struct vcm *o;
	struct vcm_avcm *a;
	struct vcm_res *r;

	(void)state;
	assert_int_equal(vcm_migrate(NULL, NULL), -EINVAL);
	assert_int_equal(vcm_migrate(g.sys, NULL), -EINVAL);
	gfx_msg("vcm_migrate: mem is not a live allocation of this system");
	assert_int_equal(vcm_alloc_wrap(g.sys, 0x40000000, MB, &w), 0);
	assert_int_equal(vcm_migrate(g.sys, w), -EINVAL);
	gfx_msg("vcm_migrate: mem wraps memory the caller owns: it cannot move");
	assert_int_equal(vcm_free_phys(g.sys, w), 0);
	/* memory mapped one-to-one cannot move */
	assert_int_equal(vcm_alloc(g.sys, 0, 64 * KB, VCM_PHYS_CONT, &m), 0);
	assert_int_equal(vcm_create_one_to_one(g.sys, GFX_MT0_PA, GFX_MT0_LEN, &o), 0);
	a = gfx_assoc(o, D_DMA, 0, true);
	assert_int_equal(vcm_reserve_at(o, gfx_pa_of(m, 0), 64 * KB, RW, &r), 0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_migrate(g.sys, m), -EBUSY);
	gfx_msg("vcm_migrate: mem is mapped one-to-one at da 0x");
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(o), 0);
	/*
	 * nor memory a device without an MMU maps in an ordinary VCM (beside a
	 * page-table device): refused up front, nothing unmapped, with
	 * metadata to spare or not
	 */
	{
		struct vcm *v = gfx_vcm(GFX_MT0_PA, GFX_MT0_LEN);
		struct vcm_avcm *ad = gfx_assoc(v, D_DMA, 0, true);
		struct vcm_avcm *a7 = gfx_assoc(v, D_V7, 0, true);
		struct snap s0, s1;
		vcm_pa_t pa = gfx_pa_of(m, 0);

		assert_int_equal(vcm_reserve_at(v, pa, 64 * KB, RW, &r), 0);
		assert_int_equal(vcm_back(r, m), 0);
		snap_take(&s0, &v, 1);
		for (long n = 0; n < 8; n++) {
			gfx_fail_meta(n);
			assert_int_equal(vcm_migrate(g.sys, m), -EBUSY);
			gfx_fail_meta(0);
			gfx_msg("vcm_migrate: mem is mapped at da 0x");
			snap_take(&s1, &v, 1);
			snap_equal(&s0, &s1);
			assert_true(gfx_pa_of(m, 0) == pa);
		}
		assert_int_equal(vcm_unback(r), 0);
		assert_int_equal(vcm_unreserve(r), 0);
		gfx_drop(a7);
		gfx_drop(ad);
		assert_int_equal(vcm_free(v), 0);
	}
	/* no room for the copy */
	assert_int_equal(vcm_alloc(g.sys, 0, GFX_MT0_LEN - 64 * KB, 0, &big), 0);
	assert_int_equal(vcm_migrate(g.sys, big), -ENOMEM);
	gfx_msg("vcm_migrate: new memory: ");
	assert_int_equal(vcm_free_phys(g.sys, big), 0);
	assert_int_equal(vcm_migrate(g.sys, m), 0); /* no user: just moves */
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_migrate(g.sys, m), -EINVAL);
}

struct mig_args {
	struct mig *t;
	vcm_pa_t old;
};

static int migrate(void *arg)
{
	return vcm_migrate(g.sys, ((struct mig_args *)arg)->t->m);
}

/* A failed migration leaves the memory where it was, with its bytes. */
static void not_moved(void *arg)
{
	struct mig_args *ma = arg;

	assert_int_equal(gfx_pa_of(ma->t->m, 0), ma->old);
	expect_fill(ma->t->m, 0x5a);
}

static void test_migrate_injected_failures(void **state)
{
	struct mig t;
	struct vcm *vs[2];

	(void)state;
	mig_up(&t);
	vs[0] = t.v;
	vs[1] = t.w;
	for (int kind = 0; kind < 2; kind++) {
		struct mig_args ma = { &t, gfx_pa_of(t.m, 0) };

		assert_true(gfx_fail_each(kind == 1, migrate, not_moved, &ma, vs, 2) > 2);
		expect_fill(t.m, 0x5a);
		assert_int_equal(vcm_sys_check_(g.sys), 0);
	}
	mig_down(&t);
}

/* ---- power ---- */

static void test_power_query(void **state)
{
	struct mig t;
	unsigned int n = 9;

	(void)state;
	mig_up(&t);
	assert_int_equal(vcm_power_query(g.sys, gfx_pa_of(t.m, 0), 4 * KB, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(g.fake[D_V7].power, 1);
	assert_int_equal(g.fake[D_V8S1].power, 1);
	assert_int_equal(vcm_power_query(g.sys, GFX_MT0_PA, 4 * KB, &n), 0);
	assert_int_equal(n, 0);
	g.fake[D_V8S2].power_ret = -EBUSY;
	assert_int_equal(vcm_power_query(g.sys, gfx_pa_of(t.m, 0), vcm_mem_len(t.m), NULL), -EBUSY);
	gfx_msg("vcm_power_query: dev 'v8s2' uses pa 0x");
	g.fake[D_V8S2].power_ret = 0;
	assert_int_equal(vcm_power_query(g.sys, 0, 0, &n), -EINVAL);
	gfx_msg("vcm_power_query: len is 0");
	assert_int_equal(vcm_power_query(g.sys, ~0ULL - 4095, 8192, &n), -EOVERFLOW);
	assert_int_equal(vcm_power_query(NULL, 0, 4096, &n), -EINVAL);
	mig_down(&t);
}

/* A device that maps two runs of the range is asked about both, not the first alone. */
static void test_power_query_every_run(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true);
	struct vcm_mem *m[2] = { gfx_alloc(0, 4 * KB, 0), gfx_alloc(0, 4 * KB, 0) };
	struct vcm_res *r[2];
	vcm_pa_t lo = gfx_pa_of(m[0], 0), hi = gfx_pa_of(m[1], 0), t;
	unsigned int n = 0;

	(void)state;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vcm_reserve(v, 4 * KB, 0, RW, &r[i]), 0);
		assert_int_equal(vcm_back(r[i], m[i]), 0);
	}
	if (hi < lo) {
		t = lo;
		lo = hi;
		hi = t;
	}
	/* the device still holds the higher page only */
	g.fake[D_V7].power_busy_pa = hi;
	g.fake[D_V7].power = 0;
	assert_int_equal(vcm_power_query(g.sys, hi, 4 * KB, &n), -EBUSY);
	assert_int_equal(vcm_power_query(g.sys, lo, hi - lo + 4 * KB, &n), -EBUSY);
	gfx_msg("vcm_power_query: dev 'v7' uses pa ");
	assert_int_equal(vcm_power_query(g.sys, lo, 4 * KB, &n), 0);
	g.fake[D_V7].power_busy_pa = 0;
	assert_int_equal(vcm_power_query(g.sys, lo, hi - lo + 4 * KB, &n), 0);
	assert_int_equal(n, 1); /* asked twice, counted once */
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vcm_unback(r[i]), 0);
		assert_int_equal(vcm_unreserve(r[i]), 0);
		assert_int_equal(vcm_free_phys(g.sys, m[i]), 0);
	}
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
}

/* ---- the reverse map's shards ---- */

#define NW 11 /* allocations over one physical range: more than there are shards */

/*
 * The same 64 KiB wrapped NW times, each allocation backing a reservation of
 * one VCM: their extents land in different shards of the reverse map (dealt
 * round robin), and every answer for an address still comes exactly once, an
 * iteration resumes across shards, vcm_translate finds a VCM's mapping in
 * any shard, and unbacking some leaves exactly the rest.
 */
static void test_rmap_shards(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB), *v2 = gfx_vcm(0x40000000, 16 * MB);
	struct vcm_mem *w[NW];
	struct vcm_res *r[NW], *r2;
	const vcm_pa_t pa = 0x40000000 + 0x3000;
	unsigned int n;
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, 0, true), *a2 = gfx_assoc(v2, D_V7, 0, true);

	(void)state;
	for (unsigned int i = 0; i < NW; i++) {
		assert_int_equal(vcm_alloc_wrap(g.sys, 0x40000000, 64 * KB, &w[i]), 0);
		assert_int_equal(vcm_reserve(v, 64 * KB, 0, RW, &r[i]), 0);
		assert_int_equal(vcm_back(r[i], w[i]), 0);
	}
	assert_int_equal(vcm_reserve(v2, 64 * KB, 0, RW, &r2), 0);
	assert_int_equal(vcm_back(r2, w[NW - 2]), 0);
	for (unsigned int round = 0; round < 2; round++) {
		bool seen[NW] = { false };
		const struct vcm_res *x = NULL;
		vcm_da_t da;
		unsigned int want = 0;

		for (unsigned int i = 0; i < NW; i++)
			want += round == 0 || i % 2U == 1U;
		assert_int_equal(vcm_get_phys_num_res(g.sys, pa), want + 1U);
		n = 0;
		while ((x = vcm_get_next_phys_res(g.sys, pa, x, &da)) != NULL) {
			unsigned int i;

			assert_true(++n <= want + 1U);
			if (x == r2) {
				assert_int_equal(da, vcm_get_dev_addr(r2) + 0x3000);
				continue;
			}
			for (i = 0; i < NW && r[i] != x; i++)
				;
			assert_true(i < NW);
			assert_false(seen[i]);
			seen[i] = true;
			assert_int_equal(da, vcm_get_dev_addr(r[i]) + 0x3000);
		}
		assert_int_equal(n, want + 1U);
		/* from any reservation of v to the one mapping of v2 */
		for (unsigned int i = round; i < NW; i += 1U + round) {
			vcm_da_t tda = 0;

			assert_int_equal(vcm_translate(v, vcm_get_dev_addr(r[i]) + 0x3000, v2, &tda),
					 0);
			assert_int_equal(tda, vcm_get_dev_addr(r2) + 0x3000);
		}
		assert_int_equal(vcm_power_query(g.sys, pa, 4 * KB, &n), 0);
		assert_int_equal(n, 2); /* v's device and v2's, each counted once */
		assert_int_equal(vcm_sys_check_(g.sys), 0);
		for (unsigned int i = 0; round == 0 && i < NW; i += 2)
			assert_int_equal(vcm_unback(r[i]), 0);
	}
	assert_int_equal(vcm_unback(r2), 0);
	assert_int_equal(vcm_unreserve(r2), 0);
	for (unsigned int i = 0; i < NW; i++) {
		if (i % 2U == 1U)
			assert_int_equal(vcm_unback(r[i]), 0);
		assert_int_equal(vcm_unreserve(r[i]), 0);
		assert_int_equal(vcm_free_phys(g.sys, w[i]), 0);
	}
	assert_int_equal(vcm_get_phys_num_res(g.sys, pa), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	gfx_drop(a);
	gfx_drop(a2);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(v2), 0);
}

/* ---- the reverse map against brute force ---- */

#define NV 3
#define NM 6
#define NR 40

static void test_rmap_random(void **state)
{
	uint64_t seed = test_seed("test_rmap_random", 0x6772617068ULL);
	struct vcm *v[NV];
	struct vcm_avcm *a[NV];
	struct vcm_mem *m[NM];
	struct vcm_res *r[NR] = { NULL };
	int which[NR];

	(void)state;
	for (int i = 0; i < NV; i++) {
		assert_int_equal(vcm_create(g.sys, (vcm_da_t)i << 32, 256 * MB, &v[i]), 0);
		a[i] = gfx_assoc(v[i], i, 0, true);
	}
	for (int i = 0; i < NM; i++) {
		uint64_t len = (1 + test_rand_below(&seed, 24)) * 64 * KB;

		assert_int_equal(vcm_alloc(g.sys, 1, len, 0, &m[i]), 0);
	}
	for (int round = 0; round < 200; round++) {
		int k = (int)test_rand_below(&seed, NR);

		if (r[k] != NULL) {
			assert_int_equal(vcm_unback(r[k]), 0);
			assert_int_equal(vcm_unreserve(r[k]), 0);
			r[k] = NULL;
		} else {
			int vi = (int)test_rand_below(&seed, NV);

			which[k] = (int)test_rand_below(&seed, NM);
			assert_int_equal(vcm_reserve(v[vi], vcm_mem_len(m[which[k]]), 64 * KB, RW,
						     &r[k]), 0);
			assert_int_equal(vcm_back(r[k], m[which[k]]), 0);
		}
		for (int q = 0; q < 8; q++) {
			int mi = (int)test_rand_below(&seed, NM);
			uint64_t off = test_rand_below(&seed, vcm_mem_len(m[mi]));
			vcm_pa_t pa = gfx_pa_of(m[mi], off);
			uint64_t want = 0, got = 0;
			struct vcm_res *it;
			vcm_da_t da;

			for (int j = 0; j < NR; j++)
				if (r[j] != NULL && which[j] == mi)
					want++;
			assert_int_equal(vcm_get_phys_num_res(g.sys, pa), want);
			for (it = vcm_get_next_phys_res(g.sys, pa, NULL, &da); it != NULL;
			     it = vcm_get_next_phys_res(g.sys, pa, it, &da)) {
				assert_ptr_equal(vcm_get_physmem_from_res(it), m[mi]);
				assert_int_equal(da, vcm_get_dev_addr(it) + off);
				got++;
			}
			assert_int_equal(got, want);
		}
		if (round % 20 == 0)
			assert_int_equal(vcm_sys_check_(g.sys), 0);
	}
	for (int k = 0; k < NR; k++)
		if (r[k] != NULL) {
			assert_int_equal(vcm_unback(r[k]), 0);
			assert_int_equal(vcm_unreserve(r[k]), 0);
		}
	for (int i = 0; i < NM; i++)
		assert_int_equal(vcm_free_phys(g.sys, m[i]), 0);
	for (int i = 0; i < NV; i++) {
		gfx_drop(a[i]);
		assert_int_equal(vcm_free(v[i]), 0);
	}
}

/* ---- threads: one system lock, several callers ---- */

#define NT 4

struct worker {
	struct vcm_sys *sys;
	struct vcm_dev *dev;
	int failures;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	struct vcm *v;
	struct vcm_avcm *a;

	if (vcm_create(w->sys, 0, 64 * MB, &v) != 0 || vcm_assoc(v, w->dev, 0, &a) != 0 ||
	    vcm_activate(a) != 0) {
		w->failures++;
		return NULL;
	}
	for (int i = 0; i < 100; i++) {
		struct vcm_res *r;
		struct vcm_mem *m;
		vcm_pa_t pa, want;
		uint64_t it = 0, len;

		if (vcm_reserve(v, 68 * KB, 64 * KB, RW, &r) != 0 ||
		    vcm_alloc(w->sys, 0, 68 * KB, 0, &m) != 0 || vcm_back(r, m) != 0) {
			w->failures++;
			break;
		}
		if (vcm_mem_next_chunk(m, &it, &want, &len) != 0 ||
		    vcm_dev_addr_to_phys_addr(w->dev, 0, vcm_get_dev_addr(r), &pa) != 0 ||
		    pa != want || vcm_get_phys_num_res(w->sys, pa) != 1)
			w->failures++;
		if (vcm_unback(r) != 0 || vcm_unreserve(r) != 0 || vcm_free_phys(w->sys, m) != 0)
			w->failures++;
	}
	if (vcm_deactivate(a) != 0 || vcm_deassoc(a) != 0 || vcm_free(v) != 0)
		w->failures++;
	return NULL;
}

static void test_threads(void **state)
{
	static struct vcm_phys_range r = { GFX_MT0_PA, GFX_MT0_LEN };
	struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_hosted_lock lock;
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1, .lock = &lock.lock };
	struct worker w[NT];
	pthread_t th[NT];
	struct vcm_sys *sys;

	(void)state;
	assert_int_equal(vcm_hosted_lock_init(NULL), -EINVAL);
	assert_int_equal(vcm_hosted_lock_init(&lock), 0);
	assert_int_equal(vcm_sys_create(&cfg, &sys, NULL), 0);
	for (int i = 0; i < NT; i++) {
		struct vcm_dev_cfg c = g.cfg[i % 2]; /* 4K granules: v7, v8s1 */
		char name[8] = { 'w', (char)('0' + i), 0 };

		c.name = name;
		c.ops = NULL;
		w[i] = (struct worker){ sys, NULL, 0 };
		assert_int_equal(vcm_dev_register(sys, &c, &w[i].dev), 0);
	}
	for (int i = 0; i < NT; i++)
		assert_int_equal(pthread_create(&th[i], NULL, work, &w[i]), 0);
	for (int i = 0; i < NT; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(vcm_sys_check_(sys), 0);
	for (int i = 0; i < NT; i++)
		assert_int_equal(vcm_dev_unregister(w[i].dev), 0);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	vcm_hosted_lock_fini(&lock);
}

/*
 * The rollback of a migration needs no table memory: with every table
 * allocation from the n-th on refused, the new mappings fail and the old ones
 * must come back anyway (they used to need tables the break had freed).
 */
static void test_migrate_rollback_without_table_memory(void **state)
{
	struct mig t;
	struct vcm *vs[2];
	struct snap *before = malloc(sizeof(*before)), *after = malloc(sizeof(*after));
	vcm_pa_t old;
	long n;
	int ret = -ENOMEM;

	(void)state;
	assert_non_null(before);
	assert_non_null(after);
	mig_up(&t);
	vs[0] = t.v;
	vs[1] = t.w;
	old = gfx_pa_of(t.m, 0);
	snap_take(before, vs, 2);
	for (n = 1; n < 200 && ret != 0; n++) {
		gfx_fail_table_from(n);
		ret = vcm_migrate(g.sys, t.m);
		gfx_fail_table_from(0);
		if (ret == 0)
			break;
		assert_int_equal(ret, -ENOMEM);
		gfx_msg("vcm_migrate: ");
		assert_int_equal(gfx_pa_of(t.m, 0), old);
		expect_fill(t.m, 0x5a);
		snap_take(after, vs, 2);
		snap_equal(before, after);
		assert_int_equal(vcm_sys_check_(g.sys), 0);
	}
	assert_int_equal(ret, 0);
	assert_true(n > 1); /* at least one rollback ran */
	expect_fill(t.m, 0x5a);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	mig_down(&t);
	free(before);
	free(after);
}

/* Back @m at @r in a VCM with a 64K-granule table, put a 4K spacer after @m's
 * memory, migrate, and check the new memory suits the table. */
static void migrate_into_64k(struct vcm_mem *m, bool expect_cont, uint64_t align)
{
	struct vcm *v = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S2, 0, true);
	struct vcm_mem *spacer;
	struct vcm_res *r;
	uint64_t iter = 0, len, n = 0;
	vcm_pa_t pa, old = gfx_pa_of(m, 0);

	assert_int_equal(old & (64 * KB - 1), 0); /* it fits the 64K table now */
	assert_int_equal(vcm_reserve(v, vcm_mem_len(m), 64 * KB, RW, &r), 0);
	assert_int_equal(vcm_back(r, m), 0);
	fill(m, 0x33);
	/* the next free 4K chunks are no longer 64K-aligned */
	spacer = gfx_alloc(0, 4 * KB, VCM_PHYS_4KB);
	assert_int_equal(vcm_migrate(g.sys, m), 0);
	assert_int_not_equal(gfx_pa_of(m, 0), old);
	expect_fill(m, 0x33);
	while (vcm_mem_next_chunk(m, &iter, &pa, &len) == 0) {
		assert_int_equal((pa | len) & (64 * KB - 1), 0);
		n++;
	}
	if (expect_cont) {
		assert_int_equal(n, 1);
		assert_int_equal(gfx_pa_of(m, 0) & (align - 1), 0);
	}
	gfx_expect_pa(D_V8S2, 0, vcm_get_dev_addr(r) + 0x1000, gfx_pa_of(m, 0x1000));
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, spacer), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
}

/*
 * Memory a 64K-granule table maps can always move: 4K chunks that happened
 * to form an aligned run, contiguous memory aligned to 4K only by its flags,
 * and vcm_alloc_cont() memory (which keeps its own, larger alignment).
 */
static void test_migrate_keeps_granule(void **state)
{
	struct vcm_mem *m;

	(void)state;
	m = gfx_alloc(0, 128 * KB, VCM_PHYS_4KB);
	migrate_into_64k(m, true, 64 * KB);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	m = gfx_alloc(0, 192 * KB, VCM_PHYS_64KB | VCM_PHYS_4KB);
	migrate_into_64k(m, false, 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	m = gfx_alloc(0, 128 * KB, VCM_PHYS_CONT);
	migrate_into_64k(m, true, 64 * KB);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_alloc_cont(g.sys, 0, 128 * KB, MB, &m), 0);
	migrate_into_64k(m, true, MB);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
}

static void test_alloc_cont(void **state)
{
	struct vcm_mem *m, *s;
	uint64_t iter = 0, len;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_alloc_cont(NULL, 0, 64 * KB, 0, &m), -EINVAL);
	assert_int_equal(vcm_alloc_cont(g.sys, 0, 64 * KB, 0, NULL), -EINVAL);
	gfx_msg("vcm_alloc_cont: out is NULL");
	assert_int_equal(vcm_alloc_cont(g.sys, 0, 64 * KB, 3 * 4 * KB, &m), -EINVAL);
	gfx_msg("vcm_alloc_cont: ");
	assert_int_equal(vcm_alloc_cont(g.sys, 0, 0, 0, &m), -EINVAL);
	assert_int_equal(vcm_alloc_cont(g.sys, 9, 64 * KB, 0, &m), -EINVAL);
	assert_int_equal(vcm_alloc_cont(g.sys, 0, GFX_MT0_LEN + 64 * KB, 0, &m), -ENOMEM);
	gfx_msg("vcm_alloc_cont: ");
	/* a 4K chunk first, so the next 2M-aligned start is not the lowest free byte */
	s = gfx_alloc(0, 4 * KB, VCM_PHYS_4KB);
	assert_int_equal(vcm_alloc_cont(g.sys, 0, 68 * KB, 2 * MB, &m), 0);
	assert_int_equal(vcm_mem_len(m), 68 * KB);
	assert_int_equal(vcm_mem_memtype(m), 0);
	assert_int_equal(vcm_mem_next_chunk(m, &iter, &pa, &len), 0);
	assert_int_equal(pa & (2 * MB - 1), 0);
	assert_int_equal(len, 68 * KB);
	assert_int_equal(vcm_mem_next_chunk(m, &iter, &pa, &len), -ENOENT);
	/* moved, it stays one chunk with the same alignment */
	assert_int_equal(vcm_migrate(g.sys, m), 0);
	iter = 0;
	assert_int_equal(vcm_mem_next_chunk(m, &iter, &pa, &len), 0);
	assert_int_equal(pa & (2 * MB - 1), 0);
	assert_int_equal(len, 68 * KB);
	assert_int_equal(vcm_mem_next_chunk(m, &iter, &pa, &len), -ENOENT);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, s), 0);
}

/* ---- per-thread messages ---- */

static _Thread_local struct vcm_diag tl_diag;

static struct vcm_diag *tl_slot(void *ctx)
{
	(void)ctx;
	return &tl_diag;
}

struct diag_worker {
	struct vcm_sys *sys;
	pthread_barrier_t *bar;
	uint64_t len; /* each thread's bad length */
	char msg[128];
};

static void *diag_work(void *arg)
{
	struct diag_worker *d = arg;
	struct vcm *v;

	/* each fails differently, and reads only after both have failed */
	if (vcm_create(d->sys, 0, d->len, &v) != -EINVAL)
		return NULL;
	pthread_barrier_wait(d->bar);
	snprintf(d->msg, sizeof(d->msg), "%s", vcm_sys_last_error(d->sys));
	pthread_barrier_wait(d->bar);
	return NULL;
}

static void test_diag_slot(void **state)
{
	static struct vcm_phys_range r = { GFX_MT0_PA, GFX_MT0_LEN };
	struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_hosted_lock lock;
	struct vcm_sys_cfg cfg = { .plat = &g.plat, .memtypes = &mt, .nr_memtypes = 1,
				   .lock = &lock.lock, .diag_slot = tl_slot };
	struct diag_worker w[2];
	pthread_barrier_t bar;
	pthread_t th[2];
	struct vcm_sys *sys;
	struct vcm *v;

	(void)state;
	assert_int_equal(vcm_hosted_lock_init(&lock), 0);
	assert_int_equal(vcm_sys_create(&cfg, &sys, NULL), 0);
	assert_int_equal(pthread_barrier_init(&bar, NULL, 2), 0);
	for (int i = 0; i < 2; i++) {
		w[i] = (struct diag_worker){ sys, &bar, 0x1001 + (uint64_t)i * 0x1000, { 0 } };
		assert_int_equal(pthread_create(&th[i], NULL, diag_work, &w[i]), 0);
	}
	for (int i = 0; i < 2; i++)
		assert_int_equal(pthread_join(th[i], NULL), 0);
	assert_string_equal(w[0].msg, "vcm_create: len 0x1001 is 0 or not a multiple of 4 KiB");
	assert_string_equal(w[1].msg, "vcm_create: len 0x2001 is 0 or not a multiple of 4 KiB");
	/* this thread failed nothing: its record is empty, the system's unused */
	assert_string_equal(vcm_sys_last_error(sys), "");
	assert_int_equal(vcm_create(sys, 0, 0x3001, &v), -EINVAL);
	assert_string_equal(vcm_sys_last_error(sys),
			    "vcm_create: len 0x3001 is 0 or not a multiple of 4 KiB");
	assert_int_equal(tl_diag.err, -EINVAL);
	pthread_barrier_destroy(&bar);
	assert_int_equal(vcm_sys_destroy(sys), 0);
	vcm_hosted_lock_fini(&lock);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_clone), T(test_clone_bounds), T(test_migrate), T(test_migrate_errors),
		T(test_migrate_injected_failures), T(test_power_query),
		T(test_power_query_every_run), T(test_rmap_shards), T(test_rmap_random),
		T(test_threads), T(test_migrate_rollback_without_table_memory),
		T(test_migrate_keeps_granule), T(test_alloc_cont), T(test_diag_slot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
