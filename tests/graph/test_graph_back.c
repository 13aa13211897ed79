// SPDX-License-Identifier: MIT
/*
 * Associations, backing and the queries: every call with its documented
 * errors, tables of several formats kept in step, all or nothing when a
 * table refuses or an allocation fails at any point (tables compared run by
 * run before and after), the reverse map and translation.
 */
#include "graph_fixture.h"

/* ---- associations ---- */

static void test_assoc_errors(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB), *w = gfx_vcm(0, MB);
	struct vcm_avcm *a;

	(void)state;
	assert_int_equal(vcm_assoc(NULL, g.dev[D_V7], 0, &a), -EINVAL);
	assert_int_equal(vcm_assoc(v, NULL, 0, &a), -EINVAL);
	gfx_msg("vcm_assoc: dev is not a live device of the VCM's system");
	assert_int_equal(vcm_assoc(v, g.dev[D_V7], 0, NULL), -EINVAL);
	gfx_msg("vcm_assoc: out is NULL");
	assert_int_equal(vcm_assoc(v, g.dev[D_V7], 0x4, &a), -EINVAL);
	gfx_msg("vcm_assoc: attr has unknown bits 0x4");
	assert_int_equal(vcm_assoc(v, g.dev[D_V8S1], VCM_USE_LOW_BASE | VCM_USE_HIGH_BASE, &a),
			 -EINVAL);
	gfx_msg("vcm_assoc: attr 0x3 names more than one of LOW_BASE, HIGH_BASE and SPLIT");
	assert_int_equal(vcm_assoc(v, g.dev[D_V8S1], VCM_SPLIT(2) | VCM_USE_LOW_BASE, &a), -EINVAL);
	assert_int_equal(vcm_assoc(v, g.dev[D_V8S1], VCM_SPLIT(64), &a), -EINVAL);
	gfx_msg("vcm_assoc: attr: VCM_SPLIT(64) is above 63 bits");
	/* v's last address has 24 bits: the high base would be less than a page */
	assert_int_equal(vcm_assoc(v, g.dev[D_V8S1], VCM_SPLIT(13), &a), -EINVAL);
	gfx_msg("vcm_assoc: attr: VCM_SPLIT(13) leaves one base less than a 4 KiB page of "
		"the VCM's 24 address bits (at most 12)");
	assert_int_equal(vcm_assoc(v, g.dev[D_V7], VCM_USE_HIGH_BASE, &a), -EINVAL);
	gfx_msg("vcm_assoc: attr 0x2 needs a high base; dev 'v7' has one base");
	assert_int_equal(vcm_assoc(v, g.dev[D_V7], VCM_SPLIT(1), &a), -EINVAL);
	a = gfx_assoc(v, D_V7, 0, false);
	{
		struct vcm_avcm *dup;

		assert_int_equal(vcm_assoc(v, g.dev[D_V7], 0, &dup), -EEXIST);
		gfx_msg("vcm_assoc: dev 'v7' is already associated with vcm");
	}
	/* a VCM past the table's input size */
	{
		struct vcm *big = gfx_vcm(0, 8ULL << 30);
		struct vcm_avcm *b;

		assert_int_equal(vcm_assoc(big, g.dev[D_V7], 0, &b), -ERANGE);
		gfx_msg("vcm_assoc: dev 'v7': the VCM ends at 0x1ffffffff, past its table's 32");
		assert_int_equal(vcm_free(big), 0);
	}
	{
		struct vcm_avcm *b;

		/* the handle slab has room: the instance's metadata fails */
		gfx_fail_meta(1);
		assert_int_equal(vcm_assoc(w, g.dev[D_V8S1], 0, &b), -ENOMEM);
		gfx_fail_meta(0);
		/* table memory for the new table fails */
		gfx_fail_table(1);
		assert_int_equal(vcm_assoc(w, g.dev[D_V8S1], 0, &b), -ENOMEM);
		gfx_fail_table(0);
	}
	gfx_drop(a);
	assert_int_equal(vcm_free(w), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
}

/*
 * What a format cannot express is refused when the format arrives: a stage 2
 * table has no USER bit, so adding it to a VCM that maps user memory fails,
 * naming the device, and changes nothing.
 */
static void test_assoc_format_refusal(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB);
	struct vcm_mem *m = gfx_alloc(0, 64 * KB, 0);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, 0, true), *b;
	struct vcm_res *r;

	(void)state;
	assert_int_equal(vcm_reserve(v, 64 * KB, 0, VCM_PT_PROT_READ | VCM_PT_PROT_USER, &r), 0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_assoc(v, g.dev[D_V8S2], 0, &b), -EOPNOTSUPP);
	gfx_msg("vcm_assoc: dev 'v8s2': table: prot 0x9: stage 2 has no USER, NONGLOBAL or SECURE");
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_assoc_shares_table(void **state)
{
	struct vcm_dev_cfg c = g.cfg[D_V7];
	struct vcm *v = gfx_vcm(0, 16 * MB);
	struct vcm_dev *twin, *pooled;
	struct vcm_avcm *a, *b, *x, *p;
	struct vcm_pt_cfg pc;
	vcm_pa_t pa_a, pa_b, pa_x, pa_p;
	uint64_t free0 = vcm_plat_arena_free_bytes(&g.arena);

	(void)state;
	c.name = "v7b";
	assert_int_equal(vcm_dev_register(g.sys, &c, &twin), 0);
	a = gfx_assoc(v, D_V7, 0, true);
	assert_int_equal(vcm_assoc(v, twin, 0, &b), 0);
	x = gfx_assoc(v, D_V8S1, 0, false);
	assert_int_equal(vcm_get_pgtbl_pa(v, g.dev[D_V7], &pa_a), 0);
	assert_int_equal(vcm_get_pgtbl_pa(v, twin, &pa_b), 0);
	assert_int_equal(vcm_get_pgtbl_pa(v, g.dev[D_V8S1], &pa_x), 0);
	assert_int_equal(pa_a, pa_b);
	assert_int_not_equal(pa_a, pa_x);
	assert_int_equal(g.fake[D_V7].last_hw.root_pa, pa_a);
	/* VCM_PT_CFG_POOL is dropped for graph tables, so it does not keep a device apart */
	pc = *(const struct vcm_pt_cfg *)c.mapper_cfg;
	pc.flags |= VCM_PT_CFG_POOL;
	c.name = "v7pool";
	c.mapper_cfg = &pc;
	assert_int_equal(vcm_dev_register(g.sys, &c, &pooled), 0);
	assert_int_equal(vcm_assoc(v, pooled, 0, &p), 0);
	assert_int_equal(vcm_get_pgtbl_pa(v, pooled, &pa_p), 0);
	assert_int_equal(pa_p, pa_a);
	assert_int_equal(vcm_deassoc(p), 0);
	assert_int_equal(vcm_dev_unregister(pooled), 0);
	gfx_drop(a);
	assert_int_equal(vcm_get_pgtbl_pa(v, twin, &pa_b), 0);
	assert_int_equal(pa_a, pa_b); /* still the shared table */
	assert_int_equal(vcm_deassoc(b), 0);
	assert_int_equal(vcm_deassoc(x), 0);
	assert_int_equal(vcm_plat_arena_free_bytes(&g.arena), free0); /* tables freed */
	assert_int_equal(vcm_dev_unregister(twin), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void test_deassoc(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true);

	(void)state;
	assert_int_equal(vcm_deassoc(a), -EBUSY);
	gfx_msg("vcm_deassoc: the association of dev 'v7' is active");
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_deassoc(a), -EINVAL);
	gfx_msg("vcm_deassoc: avcm is not a live association");
	assert_int_equal(vcm_deassoc(NULL), -EINVAL);
	assert_int_equal(vcm_free(v), 0);
}

static void test_assoc_attr(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, VCM_USE_HIGH_BASE, false);
	unsigned int attr;

	(void)state;
	assert_int_equal(vcm_get_assoc_attr(a, &attr), 0);
	assert_int_equal(attr, VCM_USE_HIGH_BASE);
	assert_int_equal(vcm_get_assoc_attr(a, NULL), -EINVAL);
	gfx_msg("vcm_get_assoc_attr: attr is NULL");
	assert_int_equal(vcm_set_assoc_attr(a, VCM_USE_LOW_BASE), 0);
	assert_int_equal(vcm_set_assoc_attr(a, 0x10), -EINVAL);
	gfx_msg("vcm_set_assoc_attr: attr has unknown bits 0x10");
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(g.fake[D_V8S1].last_base, VCM_BASE_LOW);
	assert_int_equal(vcm_set_assoc_attr(a, VCM_USE_HIGH_BASE), -EBUSY);
	gfx_msg("vcm_set_assoc_attr: the association of dev 'v8s1' is active");
	gfx_drop(a);
	assert_int_equal(vcm_get_assoc_attr(a, &attr), -EINVAL);
	assert_int_equal(vcm_set_assoc_attr(a, 0), -EINVAL);
	assert_int_equal(vcm_free(v), 0);
}

static void test_activate(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB), *w = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, 0, false), *b = gfx_assoc(w, D_V8S1, 0, false);
	struct vcm_avcm *h = gfx_assoc(v, D_V7, 0, false);
	struct vcm_hw_regs hw;

	(void)state;
	g.fake[D_V7].program_ret = -EIO;
	assert_int_equal(vcm_activate(h), -EIO);
	gfx_msg("vcm_activate: dev 'v7' refused the table on base 0");
	assert_int_equal(vcm_is_active(h), 0);
	g.fake[D_V7].program_ret = 0;
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(g.fake[D_V8S1].program, 1);
	assert_true(g.fake[D_V8S1].had_hw);
	assert_int_equal(vcm_get_hw(v, g.dev[D_V8S1], &hw), 0);
	assert_int_equal(memcmp(&hw, &g.fake[D_V8S1].last_hw, sizeof(hw)), 0);
	assert_int_equal(vcm_is_active(a), 1);
	assert_int_equal(vcm_activate(a), -EBUSY);
	gfx_msg("vcm_activate: the association of dev 'v8s1' is already active");
	assert_int_equal(vcm_activate(b), -EBUSY);
	gfx_msg("vcm_activate: dev 'v8s1' has another VCM active on base 0");
	assert_int_equal(vcm_activate(NULL), -EINVAL);
	assert_int_equal(vcm_is_active(NULL), -EINVAL);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(g.fake[D_V8S1].clear, 1);
	assert_int_equal(vcm_deactivate(a), -ENOENT);
	gfx_msg("vcm_deactivate: the association of dev 'v8s1' is not active");
	assert_int_equal(vcm_deactivate(NULL), -EINVAL);
	gfx_drop(a);
	gfx_drop(b);
	gfx_drop(h);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(w), 0);
}

static void test_switch(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB), *w = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true), *b = gfx_assoc(w, D_V7, 0, false);
	vcm_pa_t pb;

	(void)state;
	assert_int_equal(vcm_switch(b), 0);
	assert_int_equal(vcm_is_active(a), 0);
	assert_int_equal(vcm_is_active(b), 1);
	assert_int_equal(g.fake[D_V7].clear, 1);
	assert_int_equal(g.fake[D_V7].program, 2);
	assert_int_equal(vcm_get_pgtbl_pa(w, g.dev[D_V7], &pb), 0);
	assert_int_equal(g.fake[D_V7].last_hw.root_pa, pb);
	assert_int_equal(vcm_switch(b), 0); /* already active: nothing to do */
	assert_int_equal(g.fake[D_V7].program, 2);
	/* the device refuses the new table: the old one is put back */
	g.fake[D_V7].program_ret = -EIO;
	g.fake[D_V7].fail_once = true;
	assert_int_equal(vcm_switch(a), -EIO);
	gfx_msg("vcm_switch: dev 'v7' refused the table on base 0");
	assert_int_equal(vcm_is_active(b), 1);
	assert_int_equal(vcm_is_active(a), 0);
	/* and the old one too: the message says the device is left with none */
	g.fake[D_V7].program_ret = -ETIMEDOUT;
	g.fake[D_V7].fail_once = false;
	assert_int_equal(vcm_switch(a), -ETIMEDOUT);
	assert_non_null(strstr(vcm_sys_last_error(g.sys), "refused the table on base 0"));
	assert_non_null(strstr(vcm_sys_last_error(g.sys),
			       "what was active before could not be programmed again "
			       "(-110): nothing is active on base 0 now"));
	assert_int_equal(vcm_is_active(b), 0);
	assert_int_equal(vcm_is_active(a), 0);
	g.fake[D_V7].program_ret = 0;
	assert_int_equal(vcm_activate(b), 0);
	assert_int_equal(vcm_switch(NULL), -EINVAL);
	gfx_drop(a);
	gfx_drop(b);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(w), 0);
}

/* A split switched in over two associations, one per base, all refused:
 * the message names both bases, each left with nothing active. */
static void test_switch_both_lost(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB), *w = gfx_vcm(0, 16 * MB), *x = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *lo = gfx_assoc(v, D_V8S1, VCM_USE_LOW_BASE, true);
	struct vcm_avcm *hi = gfx_assoc(w, D_V8S1, VCM_USE_HIGH_BASE, true);
	struct vcm_avcm *sp = gfx_assoc(x, D_V8S1, VCM_SPLIT(1), false);

	(void)state;
	g.fake[D_V8S1].program_ret = -ETIMEDOUT;
	assert_int_equal(vcm_switch(sp), -ETIMEDOUT);
	assert_non_null(strstr(vcm_sys_last_error(g.sys),
			       "nothing is active on bases 0 and 1 now"));
	assert_int_equal(vcm_is_active(lo), 0);
	assert_int_equal(vcm_is_active(hi), 0);
	assert_int_equal(vcm_is_active(sp), 0);
	g.fake[D_V8S1].program_ret = 0;
	gfx_drop(sp);
	gfx_drop(hi);
	gfx_drop(lo);
	assert_int_equal(vcm_free(x), 0);
	assert_int_equal(vcm_free(w), 0);
	assert_int_equal(vcm_free(v), 0);
}

/* ---- backing ---- */

struct three {
	struct vcm *v;
	struct vcm_avcm *a[3];
};

static void three_up(struct three *t, bool active)
{
	t->v = gfx_vcm(0, 256 * MB);
	t->a[0] = gfx_assoc(t->v, D_V7, 0, active);
	t->a[1] = gfx_assoc(t->v, D_V8S1, 0, active);
	t->a[2] = gfx_assoc(t->v, D_V8S2, 0, active);
}

static void three_down(struct three *t)
{
	for (int i = 0; i < 3; i++)
		gfx_drop(t->a[i]);
	assert_int_equal(vcm_free(t->v), 0);
}

/*
 * Unback hands each device what its table cleared (struct vcm_tlb_hint): the
 * size of the leaf entries (4K pages or 4K members of a 64K group; 64K with
 * the 64K granule) and leaf-only while a neighbour keeps the table, not
 * once the last reservation in it goes and the table is freed.
 */
static void test_unback_hint(void **state)
{
	static const uint64_t want[3] = { 4 * KB, 4 * KB, 64 * KB }; /* v7, v8s1, v8s2 */
	struct three t;
	struct vcm_res *r[2];
	struct vcm_mem *m[2];

	(void)state;
	three_up(&t, true);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vcm_reserve(t.v, 64 * KB, 64 * KB, RW, &r[i]), 0);
		m[i] = gfx_alloc(1, 64 * KB, 0);
		assert_int_equal(vcm_back(r[i], m[i]), 0);
	}
	for (int i = 1; i >= 0; i--) {
		for (int d = 0; d < 3; d++)
			g.fake[d].tlb_hinted = 0;
		assert_int_equal(vcm_unback(r[i]), 0);
		for (int d = 0; d < 3; d++) {
			assert_int_equal(g.fake[d].tlb_hinted, 1);
			assert_int_equal(g.fake[d].tlb_sizes, want[d]);
			/* r[1] leaves r[0] in the same last-level table; r[0] empties it */
			assert_int_equal(g.fake[d].tlb_leaf, i == 1);
		}
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(vcm_unreserve(r[i]), 0);
		assert_int_equal(vcm_free_phys(g.sys, m[i]), 0);
	}
	three_down(&t);
}

static void test_back(void **state)
{
	struct three t;
	struct vcm_res *r;
	struct vcm_mem *m;
	unsigned int prot = RW;

	(void)state;
	three_up(&t, true);
	assert_int_equal(vcm_reserve(t.v, 2 * MB + 128 * KB, MB, prot, &r), 0);
	m = gfx_alloc(1, 2 * MB + 128 * KB, 0);
	for (int d = 0; d < 3; d++)
		g.fake[d].tlb_range = 0;
	assert_int_equal(vcm_back(r, m), 0);
	assert_ptr_equal(vcm_get_physmem_from_res(r), m);
	for (int d = 0; d < 3; d++) {
		vcm_da_t da = vcm_get_dev_addr(r);

		assert_int_equal(g.fake[d].tlb_range, 1); /* once per call */
		assert_int_equal(g.fake[d].tlb_da, da);
		assert_int_equal(g.fake[d].tlb_len, 2 * MB + 128 * KB);
		assert_true(g.fake[d].tlb_leaf);
		for (uint64_t off = 0; off < 2 * MB + 128 * KB; off += 64 * KB)
			gfx_expect_pa(d, 0, da + off + 0x123, gfx_pa_of(m, off) + 0x123);
	}
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), -EBUSY);
	gfx_msg("vcm_free_phys: mem backs 1 reservations");
	assert_int_equal(vcm_unreserve(r), -EBUSY);
	gfx_msg("vcm_unreserve: res at da 0x0 is backed (vcm_unback first)");
	assert_int_equal(vcm_set_res_attr(r, VCM_PT_PROT_READ), -EBUSY);
	gfx_msg("vcm_set_res_attr: res at da 0x0 is backed");
	assert_int_equal(vcm_back(r, m), -EBUSY);
	gfx_msg("vcm_back: res at da 0x0 is already backed");
	assert_int_equal(vcm_unback(r), 0);
	assert_null(vcm_get_physmem_from_res(r));
	for (int d = 0; d < 3; d++) {
		vcm_pa_t pa;

		assert_int_equal(g.fake[d].tlb_range, 2);
		assert_false(g.fake[d].tlb_leaf);
		assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[d], 0, vcm_get_dev_addr(r), &pa),
				 -ENOENT);
	}
	assert_int_equal(vcm_unback(r), -ENOENT);
	gfx_msg("vcm_unback: res at da 0x0 is not backed");
	assert_int_equal(vcm_unback(NULL), -EINVAL);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	three_down(&t);
}

struct runs {
	int n;
	uint64_t len[8];
	vcm_da_t da[8];
	vcm_pa_t pa[8];
};

static int count_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct runs *r = arg;

	(void)prot;
	if (r->n < 8) {
		r->len[r->n] = len;
		r->da[r->n] = da;
		r->pa[r->n] = pa;
	}
	r->n++;
	return 0;
}

/* A physically contiguous extent is mapped whole: the largest leaves each
 * format has for it (armv8 4K: one 2 MiB block; armv7s: two 1 MiB sections). */
static void test_back_large_leaves(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true), *b = gfx_assoc(v, D_V8S1, 0, true);
	struct vcm_mem *m = gfx_alloc(1, 2 * MB, 0);
	struct vcm_res *r;
	struct runs r7 = { 0 }, r8 = { 0 };
	uint64_t it = 0, len;
	vcm_pa_t pa;

	(void)state;
	/* the first 2 MiB of a fresh memtype: two 1 MiB chunks, one extent */
	assert_int_equal(vcm_mem_next_extent(m, &it, &pa, &len), 0);
	assert_int_equal(len, 2 * MB);
	/* the end of the list is quiet; a bad argument is named under the graph call */
	assert_int_equal(vcm_mem_next_extent(m, &it, &pa, &len), -ENOENT);
	assert_int_equal(vcm_mem_next_chunk(m, NULL, &pa, &len), -EINVAL);
	gfx_msg("vcm_mem_next_chunk: ");
	it = 0;
	assert_int_equal(pa & (2 * MB - 1), 0);
	assert_int_equal(vcm_reserve(v, 2 * MB, 2 * MB, RW, &r), 0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_walk(v, g.dev[D_V8S1], 0, 64 * MB, count_run, &r8), 0);
	assert_int_equal(r8.n, 1);
	assert_int_equal(r8.len[0], 2 * MB);
	assert_int_equal(vcm_walk(v, g.dev[D_V7], 0, 64 * MB, count_run, &r7), 0);
	assert_int_equal(r7.n, 2);
	assert_int_equal(r7.len[0], MB);
	/* a walk of part of a block gets that part: the leaf cut to the range */
	memset(&r8, 0, sizeof(r8));
	assert_int_equal(vcm_walk(v, g.dev[D_V8S1], vcm_get_dev_addr(r) + 0x3000, 0x1000,
				  count_run, &r8), 0);
	assert_int_equal(r8.n, 1);
	assert_int_equal(r8.da[0], vcm_get_dev_addr(r) + 0x3000);
	assert_int_equal(r8.pa[0], pa + 0x3000);
	assert_int_equal(r8.len[0], 0x1000);
	/* and across two sections, a piece of each */
	memset(&r7, 0, sizeof(r7));
	assert_int_equal(vcm_walk(v, g.dev[D_V7], vcm_get_dev_addr(r) + MB - 0x2000, 0x5000,
				  count_run, &r7), 0);
	assert_int_equal(r7.n, 2);
	assert_int_equal(r7.da[0], vcm_get_dev_addr(r) + MB - 0x2000);
	assert_int_equal(r7.pa[0], pa + MB - 0x2000);
	assert_int_equal(r7.len[0], 0x2000);
	assert_int_equal(r7.da[1], vcm_get_dev_addr(r) + MB);
	assert_int_equal(r7.pa[1], pa + MB);
	assert_int_equal(r7.len[1], 0x3000);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	gfx_drop(a);
	gfx_drop(b);
	assert_int_equal(vcm_free(v), 0);
}

static void test_back_errors(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB), *w = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, false);
	struct vcm_res *r, *rw;
	struct vcm_mem *m = gfx_alloc(0, 64 * KB, 0), *m2 = gfx_alloc(0, 128 * KB, 0);
	struct vcm_sys *other;
	struct vcm_sys_cfg cfg = { .plat = &g.plat };
	struct vcm_phys_range rr = { 0x10000000, MB };
	struct vcm_phys_memtype_cfg mt = { &rr, 1, 0 };
	struct vcm_mem *foreign;

	(void)state;
	cfg.memtypes = &mt;
	cfg.nr_memtypes = 1;
	assert_int_equal(vcm_sys_create(&cfg, &other, NULL), 0);
	assert_int_equal(vcm_alloc(other, 0, 64 * KB, 0, &foreign), 0);
	assert_int_equal(vcm_reserve(v, 64 * KB, 0, RW, &r), 0);
	assert_int_equal(vcm_reserve(w, 64 * KB, 0, RW, &rw), 0);
	assert_int_equal(vcm_back(r, m), -EAGAIN);
	gfx_msg("vcm_back: the VCM of res at da 0x0 has no active association");
	assert_int_equal(vcm_back(rw, m), -EAGAIN); /* no association at all */
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_back(r, m2), -EINVAL);
	gfx_msg("vcm_back: mem is 0x20000 bytes, res at da 0x0 is 0x10000");
	assert_int_equal(vcm_back(r, foreign), -EINVAL);
	gfx_msg("vcm_back: mem is not a live allocation of this system");
	assert_int_equal(vcm_back(r, NULL), -EINVAL);
	assert_int_equal(vcm_back(NULL, m), -EINVAL);
	gfx_fail_meta(1);
	assert_int_equal(vcm_back(r, m), -ENOMEM);
	gfx_msg("vcm_back: no metadata for 1 extents");
	gfx_fail_meta(0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_unreserve(rw), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	assert_int_equal(vcm_free_phys(other, foreign), 0);
	assert_int_equal(vcm_sys_destroy(other), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(w), 0);
}

/* The third table (64K granule) cannot map a 4K chunk: the first two are left
 * exactly as before, and the message names the device of the third. */
static void test_back_third_table_refuses(void **state)
{
	struct three t;
	struct vcm_res *r, *ok;
	struct vcm_mem *m = gfx_alloc(0, MB + 4 * KB, 0), *m2 = gfx_alloc(1, MB, 0);
	struct snap before, after;

	(void)state;
	three_up(&t, true);
	assert_int_equal(vcm_reserve(t.v, MB, MB, RW, &ok), 0);
	assert_int_equal(vcm_back(ok, m2), 0);
	assert_int_equal(vcm_reserve(t.v, MB + 4 * KB, MB, RW, &r), 0);
	snap_take(&before, &t.v, 1);
	assert_int_equal(vcm_back(r, m), -EINVAL);
	/* the device whose table refused is named */
	gfx_msg("vcm_back: dev 'v8s2' (pt): table: ");
	snap_take(&after, &t.v, 1);
	snap_equal(&before, &after);
	assert_int_equal(vcm_unback(ok), 0);
	assert_int_equal(vcm_unreserve(ok), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	three_down(&t);
}

struct back_args {
	struct vcm_res *r;
	struct vcm_mem *m;
};

static int back(void *arg)
{
	struct back_args *ba = arg;

	return vcm_back(ba->r, ba->m);
}

/* Table memory or metadata failing at the n-th allocation: state as before. */
static void test_back_injected_failures(void **state)
{
	struct three t;
	struct vcm_res *r, *ok;
	struct vcm_mem *m, *m2 = gfx_alloc(1, MB, 0);
	int kinds;

	(void)state;
	three_up(&t, true);
	assert_int_equal(vcm_reserve(t.v, MB, MB, RW, &ok), 0);
	assert_int_equal(vcm_back(ok, m2), 0);
	/* 64K-aligned, not 1M-aligned: many tables in every format */
	assert_int_equal(vcm_reserve_at(t.v, 0x3f30000, 3 * MB + 192 * KB, RW, &r), 0);
	m = gfx_alloc(1, 3 * MB + 192 * KB, 0);
	for (kinds = 0; kinds < 2; kinds++) {
		struct back_args ba = { r, m };
		long n = gfx_fail_each(kinds == 1, back, NULL, &ba, &t.v, 1);

		/* several failures were exercised */
		assert_true(n > (kinds == 0 ? 3 : 1));
		assert_int_equal(vcm_sys_check_(g.sys), 0);
		assert_int_equal(vcm_unback(r), 0);
	}
	assert_int_equal(vcm_unback(ok), 0);
	assert_int_equal(vcm_unreserve(ok), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	three_down(&t);
}

/* ---- scattered pages: one map call of many pieces, one rmap batch ---- */

#define SC_PAGES 64U

/*
 * Single 4K pages in no physical order: every other page of a run taken,
 * the others freed in a shuffled order, then allocations of 4K chunks only
 * take them back. Holes are kept in @holes (freed by sc_down).
 */
static void sc_up(struct vcm_mem **holes)
{
	uint64_t rng = 0x2545f4914f6cdd1dULL;
	unsigned int order[SC_PAGES / 2U];

	for (unsigned int i = 0; i < SC_PAGES; i++)
		holes[i] = gfx_alloc(0, 4 * KB, VCM_PHYS_4KB);
	for (unsigned int i = 0; i < SC_PAGES / 2U; i++)
		order[i] = 2U * i;
	for (unsigned int i = SC_PAGES / 2U - 1U; i > 0; i--) {
		unsigned int j, t;

		rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (unsigned int)((rng >> 33) % (i + 1U));
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	for (unsigned int i = 0; i < SC_PAGES / 2U; i++) {
		assert_int_equal(vcm_free_phys(g.sys, holes[order[i]]), 0);
		holes[order[i]] = NULL;
	}
}

static void sc_down(struct vcm_mem **holes)
{
	for (unsigned int i = 0; i < SC_PAGES; i++)
		if (holes[i] != NULL)
			assert_int_equal(vcm_free_phys(g.sys, holes[i]), 0);
}

/* Rises and falls between @m's extents: the memory needs a real sort. */
static unsigned int sc_turns(const struct vcm_mem *m, uint64_t *extents)
{
	uint64_t iter = 0, len;
	vcm_pa_t pa, prev = 0;
	unsigned int turns = 0, n = 0;
	int dir = 0;

	while (vcm_mem_next_extent(m, &iter, &pa, &len) == 0) {
		if (n != 0U) {
			int d = pa > prev ? 1 : -1;

			turns += dir != 0 && d != dir;
			dir = d;
		}
		prev = pa;
		n++;
	}
	*extents = n;
	return turns;
}

/* Every page of @r translates to @m's page, in the table and in the rmap. */
static void sc_expect(struct vcm_res *r, struct vcm_mem *m)
{
	uint64_t iter = 0, len, off = 0;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(m, &iter, &pa, &len) == 0) {
		const struct vcm_res *x = NULL;
		vcm_da_t da;
		bool found = false;

		gfx_expect_pa(D_V8S1, 0, vcm_get_dev_addr(r) + off, pa);
		while ((x = vcm_get_next_phys_res(g.sys, pa, x, &da)) != NULL)
			found = found || (x == r && da == vcm_get_dev_addr(r) + off);
		assert_true(found);
		off += len;
	}
}

/*
 * Memory of scattered pages in no order, two allocations interleaved in
 * physical addresses, one of them backing two reservations (equal keys in the
 * reverse map): every table, translation and the reverse map stay exact as
 * they are backed and unbacked in any order, and a metadata failure at any
 * point (the sort's scratch included) changes nothing.
 */
static void test_back_scattered(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, 0, true), *b = gfx_assoc(v, D_V7, 0, false);
	struct vcm_mem *holes[SC_PAGES], *m1, *m2;
	struct vcm_res *r1, *r2, *r3;
	uint64_t ext1, ext2;

	(void)state;
	sc_up(holes);
	m1 = gfx_alloc(0, 16 * 4 * KB, VCM_PHYS_4KB);
	m2 = gfx_alloc(0, 16 * 4 * KB, VCM_PHYS_4KB);
	/* the premise: several runs each, so the merge sort runs */
	assert_true(sc_turns(m1, &ext1) >= 2U);
	assert_true(sc_turns(m2, &ext2) >= 2U);
	assert_int_equal(ext1, 16);
	assert_int_equal(ext2, 16);
	assert_int_equal(vcm_reserve(v, 16 * 4 * KB, 0, RW, &r1), 0);
	assert_int_equal(vcm_reserve(v, 16 * 4 * KB, 0, RW, &r2), 0);
	assert_int_equal(vcm_reserve(v, 16 * 4 * KB, 0, RW, &r3), 0);
	{
		struct back_args ba = { r1, m1 };

		/* the extent array, then the sort's scratch: both fail cleanly */
		assert_true(gfx_fail_each(true, back, NULL, &ba, &v, 1) >= 3);
		assert_int_equal(vcm_unback(r1), 0);
		gfx_fail_meta(2);
		assert_int_equal(vcm_back(r1, m1), -ENOMEM);
		gfx_msg("vcm_back: no metadata to sort 16 extents");
		gfx_fail_meta(0);
	}
	assert_int_equal(vcm_back(r1, m1), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_back(r2, m2), 0); /* into a reverse map that holds r1 */
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_back(r3, m1), 0); /* the same pages twice */
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	sc_expect(r1, m1);
	sc_expect(r2, m2);
	sc_expect(r3, m1);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m1, 5 * 4 * KB)), 2);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m2, 5 * 4 * KB)), 1);
	/* out of the middle of the reverse map, then the rest */
	assert_int_equal(vcm_unback(r1), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	sc_expect(r2, m2);
	sc_expect(r3, m1);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m1, 5 * 4 * KB)), 1);
	assert_int_equal(vcm_unback(r3), 0);
	assert_int_equal(vcm_unback(r2), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m2, 5 * 4 * KB)), 0);
	assert_int_equal(vcm_unreserve(r1), 0);
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_unreserve(r3), 0);
	assert_int_equal(vcm_free_phys(g.sys, m1), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	sc_down(holes);
	gfx_drop(a);
	gfx_drop(b);
	assert_int_equal(vcm_free(v), 0);
}

struct assoc_args {
	struct vcm *v;
	int d;
	struct vcm_avcm *a;
};

static int assoc(void *arg)
{
	struct assoc_args *aa = arg;

	return vcm_assoc(aa->v, g.dev[aa->d], 0, &aa->a);
}

/* Inactive associations' tables are kept in step; a new association is
 * filled with what is already backed, all or nothing. */
static void test_back_inactive_and_late_assoc(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true), *b = gfx_assoc(v, D_V8S1, 0, false);
	struct assoc_args late = { v, D_V8S2, NULL };
	struct vcm_avcm *c;
	struct vcm_res *r;
	struct vcm_mem *m = gfx_alloc(1, 2 * MB, 0);

	(void)state;
	assert_int_equal(vcm_reserve(v, 2 * MB, MB, RW, &r), 0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(g.fake[D_V8S1].tlb_range, 0); /* inactive: no TLB to clean */
	assert_int_equal(vcm_switch(b), 0);
	gfx_expect_pa(D_V8S1, 0, vcm_get_dev_addr(r) + 0x1000, gfx_pa_of(m, 0x1000));
	assert_true(gfx_fail_each(false, assoc, NULL, &late, &v, 1) > 2);
	c = late.a;
	assert_int_equal(vcm_activate(c), 0);
	gfx_expect_pa(D_V8S2, 0, vcm_get_dev_addr(r) + 0x10000, gfx_pa_of(m, 0x10000));
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	gfx_drop(a);
	gfx_drop(b);
	gfx_drop(c);
	assert_int_equal(vcm_free(v), 0);
}

static void test_split(void **state)
{
	struct vcm *v = gfx_vcm(0, 4ULL << 30);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, VCM_SPLIT(1), true);
	struct vcm_res *lo, *hi;
	struct vcm_mem *m = gfx_alloc(0, 64 * KB, 0), *m2 = gfx_alloc(0, 64 * KB, 0);
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(g.fake[D_V8S1].program, 2); /* both bases, one table */
	assert_int_equal(vcm_reserve_at(v, 0x10000, 64 * KB, RW, &lo), 0);
	assert_int_equal(vcm_reserve_at(v, 0xc0000000, 64 * KB, RW, &hi), 0);
	assert_int_equal(vcm_back(lo, m), 0);
	assert_int_equal(vcm_back(hi, m2), 0);
	gfx_expect_pa(D_V8S1, VCM_BASE_LOW, 0x10000, gfx_pa_of(m, 0));
	gfx_expect_pa(D_V8S1, VCM_BASE_HIGH, 0xc0000000, gfx_pa_of(m2, 0));
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V8S1], VCM_BASE_HIGH, 0x10000, &pa),
			 -ENOENT);
	gfx_msg("vcm_dev_addr_to_phys_addr: dev 'v8s1': da 0x10000 is not translated by base 1");
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V8S1], VCM_BASE_LOW, 0xc0000000, &pa),
			 -ENOENT);
	assert_int_equal(vcm_unback(lo), 0);
	assert_int_equal(vcm_unback(hi), 0);
	assert_int_equal(vcm_unreserve(lo), 0);
	assert_int_equal(vcm_unreserve(hi), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	gfx_drop(a);
	assert_int_equal(g.fake[D_V8S1].clear, 2);
	assert_int_equal(vcm_free(v), 0);
}

static void test_one_to_one(void **state)
{
	struct vcm *v, *plain = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a, *p;
	struct vcm_res *r, *bad, *pr;
	struct vcm_mem *m = gfx_alloc(0, 64 * KB, VCM_PHYS_CONT), *m2 = gfx_alloc(0, 64 * KB, 0);
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_create_one_to_one(g.sys, GFX_MT0_PA, GFX_MT0_LEN, &v), 0);
	a = gfx_assoc(v, D_DMA, 0, true);
	assert_int_equal(vcm_reserve_at(v, gfx_pa_of(m, 0), 64 * KB, RW, &r), 0);
	assert_int_equal(vcm_back(r, m), 0);
	gfx_expect_pa(D_DMA, 0, gfx_pa_of(m, 0x2345), gfx_pa_of(m, 0x2345));
	assert_int_equal(vcm_get_pgtbl_pa(v, g.dev[D_DMA], &pa), -EOPNOTSUPP);
	gfx_msg("vcm_get_pgtbl_pa: dev 'dma': mapper 'one-to-one' has no table");
	/* a reservation elsewhere cannot take this memory */
	assert_int_equal(vcm_reserve_at(v, GFX_MT0_PA + 8 * MB, 64 * KB, RW, &bad), 0);
	assert_int_equal(vcm_back(bad, m2), -EINVAL);
	gfx_msg("vcm_back: one-to-one VCM: da 0x81000000 would map pa");
	/* a device without MMU on an ordinary VCM: the mapper refuses */
	p = gfx_assoc(plain, D_DMA, 0, false);
	assert_int_equal(vcm_reserve(plain, 64 * KB, 0, RW, &pr), 0);
	{
		struct vcm_avcm *q = gfx_assoc(plain, D_V7, 0, true);

		assert_int_equal(vcm_back(pr, m2), -EINVAL);
		gfx_msg("vcm_back: dev 'dma' (one-to-one): one-to-one: pa ");
		gfx_drop(q);
	}
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_unreserve(pr), 0);
	gfx_drop(p);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_unreserve(bad), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(plain), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
}

/* ---- queries ---- */

static void test_queries(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB), *w = gfx_vcm(0x40000000, 64 * MB), *x = gfx_vcm(0, MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true), *b = gfx_assoc(w, D_V8S1, 0, true);
	struct vcm_res *r1, *r2, *r3, *it;
	struct vcm_mem *m = gfx_alloc(0, MB + 64 * KB, 0);
	vcm_da_t da, seen[3];
	vcm_pa_t pa;
	int n = 0;

	(void)state;
	assert_int_equal(vcm_reserve_at(v, 0x100000, MB + 64 * KB, RW, &r1), 0);
	assert_int_equal(vcm_reserve_at(w, 0x40400000, MB + 64 * KB, RW, &r2), 0);
	assert_int_equal(vcm_reserve_at(v, 0x800000, MB + 64 * KB, RW, &r3), 0);
	assert_int_equal(vcm_back(r1, m), 0);
	assert_int_equal(vcm_back(r2, m), 0);
	assert_int_equal(vcm_back(r3, m), 0);
	/* translate */
	assert_int_equal(vcm_translate(v, 0x100000 + 0x101234, w, &da), 0);
	assert_int_equal(da, 0x40400000 + 0x101234);
	assert_int_equal(vcm_translate(w, 0x40400010, v, &da), 0);
	assert_true(da == 0x100010 || da == 0x800010);
	assert_int_equal(vcm_translate(v, 0x100000, x, &da), -ENOENT);
	gfx_msg("vcm_translate: dst maps nothing at pa ");
	assert_int_equal(vcm_translate(v, 0x3000000, w, &da), -ENOENT);
	gfx_msg("vcm_translate: src_da 0x3000000 is not in a backed reservation of src");
	assert_int_equal(vcm_translate(v, 0x100000, NULL, &da), -EINVAL);
	assert_int_equal(vcm_translate(v, 0x100000, w, NULL), -EINVAL);
	assert_int_equal(vcm_translate(NULL, 0x100000, w, &da), -EINVAL);
	/* reverse map */
	pa = gfx_pa_of(m, MB + 0x1234);
	assert_int_equal(vcm_get_phys_num_res(g.sys, pa), 3);
	assert_int_equal(vcm_get_phys_num_res(g.sys, 0x1000), 0);
	assert_int_equal(vcm_get_phys_num_res(NULL, pa), 0);
	for (it = vcm_get_next_phys_res(g.sys, pa, NULL, &da); it != NULL;
	     it = vcm_get_next_phys_res(g.sys, pa, it, &da)) {
		assert_true(n < 3);
		assert_int_equal(da, vcm_get_dev_addr(it) + MB + 0x1234);
		seen[n++] = vcm_get_dev_addr(it);
	}
	assert_int_equal(n, 3);
	assert_int_equal(seen[0] + seen[1] + seen[2], 0x100000 + 0x40400000 + 0x800000);
	assert_null(vcm_get_next_phys_res(g.sys, 0x1000, r1, &da));
	gfx_msg("vcm_get_next_phys_res: prev is not a live reservation that maps pa 0x1000");
	assert_null(vcm_get_next_phys_res(NULL, pa, NULL, &da));
	/* the table base and registers */
	assert_int_equal(vcm_get_pgtbl_pa(v, g.dev[D_V8S1], &pa), -ENOENT);
	gfx_msg("vcm_get_pgtbl_pa: dev 'v8s1' is not associated with vcm");
	assert_int_equal(vcm_get_pgtbl_pa(v, g.dev[D_V7], NULL), -EINVAL);
	assert_int_equal(vcm_get_pgtbl_pa(NULL, g.dev[D_V7], &pa), -EINVAL);
	assert_int_equal(vcm_get_pgtbl_pa(v, NULL, &pa), -EINVAL);
	assert_int_equal(vcm_get_hw(v, g.dev[D_V7], NULL), -EINVAL);
	/* device lookups */
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V7], 1, 0x100000, &pa), -EINVAL);
	gfx_msg("vcm_dev_addr_to_phys_addr: base 1: dev 'v7' has 1");
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V8S2], 0, 0x100000, &pa), -ENODEV);
	gfx_msg("vcm_dev_addr_to_phys_addr: dev 'v8s2' has no VCM active on base 0");
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V7], 0, 0x300000, &pa), -ENOENT);
	gfx_msg("vcm_dev_addr_to_phys_addr: dev 'v7': da 0x300000 is not mapped");
	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[D_V7], 0, 0x100000, NULL), -EINVAL);
	assert_int_equal(vcm_dev_addr_to_phys_addr(NULL, 0, 0x100000, &pa), -EINVAL);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), -EBUSY);
	gfx_msg("vcm_free_phys: mem backs 3 reservations");
	assert_int_equal(vcm_unback(r1), 0);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m, 0)), 2);
	assert_int_equal(vcm_unback(r2), 0);
	assert_int_equal(vcm_unback(r3), 0);
	assert_int_equal(vcm_get_phys_num_res(g.sys, gfx_pa_of(m, 0)), 0);
	assert_int_equal(vcm_unreserve(r1), 0);
	assert_int_equal(vcm_unreserve(r2), 0);
	assert_int_equal(vcm_unreserve(r3), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	gfx_drop(a);
	gfx_drop(b);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_free(w), 0);
	assert_int_equal(vcm_free(x), 0);
}

static void test_res_copy(void **state)
{
	struct vcm *v = gfx_vcm(0, 64 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true);
	struct vcm_res *from, *to, *un, *same;
	struct vcm_mem *mf = gfx_alloc(0, MB + 12 * KB, 0), *mt = gfx_alloc(0, MB + 12 * KB, 0);

	(void)state;
	assert_int_equal(vcm_reserve(v, MB + 12 * KB, 0, RW, &from), 0);
	assert_int_equal(vcm_reserve(v, MB + 12 * KB, 0, RW, &to), 0);
	assert_int_equal(vcm_reserve(v, MB + 12 * KB, 0, RW, &same), 0);
	assert_int_equal(vcm_reserve(v, 4 * KB, 0, RW, &un), 0);
	assert_int_equal(vcm_back(from, mf), 0);
	assert_int_equal(vcm_back(to, mt), 0);
	assert_int_equal(vcm_back(same, mf), 0);
	for (uint64_t off = 0; off < MB + 12 * KB; off += 4 * KB)
		memset(gfx_cpu(gfx_pa_of(mf, off)), (int)(off >> 12) & 0xff, 4 * KB);
	assert_int_equal(vcm_res_copy(to, 100, from, MB - 5000, 9000), 0);
	for (uint64_t i = 0; i < 9000; i++) {
		uint64_t src = MB - 5000 + i;

		assert_int_equal(*(uint8_t *)gfx_cpu(gfx_pa_of(mt, 100 + i)), (src >> 12) & 0xff);
	}
	assert_int_equal(vcm_res_copy(to, 0, un, 0, 1), -ENOENT);
	gfx_msg("vcm_res_copy: from at da ");
	assert_int_equal(vcm_res_copy(to, MB, from, 0, 13 * KB), -ERANGE);
	gfx_msg("vcm_res_copy: to_off 0x100000 + len 0x3400 is past to's 0x103000 bytes");
	assert_int_equal(vcm_res_copy(to, 0, from, MB + 12 * KB, 1), -ERANGE);
	assert_int_equal(vcm_res_copy(same, 0, from, 100, 200), -EINVAL);
	gfx_msg("vcm_res_copy: the ranges overlap in the same memory");
	assert_int_equal(vcm_res_copy(same, 400, from, 100, 200), 0);
	assert_int_equal(vcm_res_copy(to, 0, NULL, 0, 1), -EINVAL);
	/* two wraps of one allocation alias it: a shared byte is refused, as in one allocation */
	{
		struct vcm_res *w1, *w2;
		struct vcm_mem *m1, *m2, *mc;
		vcm_pa_t pa;

		assert_int_equal(vcm_alloc_cont(g.sys, 0, 64 * KB, 64 * KB, &mc), 0);
		pa = gfx_pa_of(mc, 0);
		assert_int_equal(vcm_alloc_wrap(g.sys, pa, 64 * KB, &m1), 0);
		assert_int_equal(vcm_alloc_wrap(g.sys, pa, 64 * KB, &m2), 0);
		assert_int_equal(vcm_reserve(v, 64 * KB, 0, RW, &w1), 0);
		assert_int_equal(vcm_reserve(v, 64 * KB, 0, RW, &w2), 0);
		assert_int_equal(vcm_back(w1, m1), 0);
		assert_int_equal(vcm_back(w2, m2), 0);
		memset(gfx_cpu(pa), 0x5a, 4 * KB);
		memset(gfx_cpu(pa + 4 * KB), 0xa5, 4 * KB);
		assert_int_equal(vcm_res_copy(w1, 0, w2, 4 * KB, 16 * KB), -EINVAL);
		gfx_msg("vcm_res_copy: to and from share the physical byte at pa ");
		assert_int_equal(*(uint8_t *)gfx_cpu(pa), 0x5a); /* nothing copied */
		/* the first byte of one is the last of the other; one byte less, none */
		assert_int_equal(vcm_res_copy(w1, 4 * KB, w2, 0, 4 * KB + 1), -EINVAL);
		assert_int_equal(vcm_res_copy(w1, 4 * KB, w2, 0, 4 * KB), 0);
		assert_int_equal(*(uint8_t *)gfx_cpu(pa + 4 * KB), 0x5a);
		memset(gfx_cpu(pa + 4 * KB), 0xa5, 4 * KB);
		/* an alias against another allocation: no shared byte, copied */
		assert_int_equal(vcm_res_copy(w1, 0, from, 0, 4 * KB), 0);
		assert_int_equal(*(uint8_t *)gfx_cpu(pa), *(uint8_t *)gfx_cpu(gfx_pa_of(mf, 0)));
		/* and between the aliases where they do not meet */
		assert_int_equal(vcm_res_copy(w1, 8 * KB, w2, 4 * KB, 4 * KB), 0);
		assert_int_equal(*(uint8_t *)gfx_cpu(pa + 8 * KB), 0xa5);
		assert_int_equal(vcm_unback(w1), 0);
		assert_int_equal(vcm_unback(w2), 0);
		assert_int_equal(vcm_unreserve(w1), 0);
		assert_int_equal(vcm_unreserve(w2), 0);
		assert_int_equal(vcm_free_phys(g.sys, m1), 0);
		assert_int_equal(vcm_free_phys(g.sys, m2), 0);
		assert_int_equal(vcm_free_phys(g.sys, mc), 0);
	}
	assert_int_equal(vcm_res_copy(NULL, 0, from, 0, 1), -EINVAL);
	assert_int_equal(vcm_unback(from), 0);
	assert_int_equal(vcm_unback(to), 0);
	assert_int_equal(vcm_unback(same), 0);
	assert_int_equal(vcm_unreserve(from), 0);
	assert_int_equal(vcm_unreserve(to), 0);
	assert_int_equal(vcm_unreserve(same), 0);
	assert_int_equal(vcm_unreserve(un), 0);
	assert_int_equal(vcm_free_phys(g.sys, mf), 0);
	assert_int_equal(vcm_free_phys(g.sys, mt), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
}

static void test_walk(void **state)
{
	struct vcm *v = gfx_vcm(0, 16 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V7, 0, true);
	struct snap s;

	(void)state;
	snap_take(&s, &v, 1);
	assert_int_equal(vcm_walk(v, g.dev[D_V7], 0, 0, NULL, NULL), -EINVAL);
	gfx_msg("vcm_walk: fn is NULL");
	assert_int_equal(vcm_walk(v, g.dev[D_V7], 16 * MB, 4096,
				  (vcm_walk_fn)(void (*)(void))test_walk, NULL), -ERANGE);
	gfx_msg("vcm_walk: da 0x1000000 len 0x1000 is not inside the VCM");
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_assoc_errors),
		T(test_assoc_format_refusal), T(test_assoc_shares_table), T(test_deassoc),
		T(test_assoc_attr), T(test_activate), T(test_switch), T(test_switch_both_lost), T(test_back), T(test_unback_hint), T(test_back_large_leaves),
		T(test_back_errors), T(test_back_third_table_refuses),
		T(test_back_injected_failures), T(test_back_scattered),
		T(test_back_inactive_and_late_assoc),
		T(test_split), T(test_one_to_one), T(test_queries), T(test_res_copy),
		T(test_walk),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
