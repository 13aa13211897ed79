// SPDX-License-Identifier: MIT
/*
 * VCM_PT_CFG_FLUSH_MAP, for walkers that may cache not-present entries (VT-d
 * Caching Mode, AMD NpCache, RISC-V): with it, every map call of every
 * configuration asks for exactly one flush of exactly the range it made
 * valid, leaf-only unless it linked a table, through either TLB op, and the
 * flush is summed for vcm_pt_tlb_hint(); without it, a map makes none.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

/* Every flush asked for since the last reset. */
struct rec {
	unsigned long n;
	vcm_da_t da;
	uint64_t len;
	bool leaf;
	uint64_t sizes; /* hinted op only */
};

static void rec_flush(void *ctx, vcm_da_t da, uint64_t len, bool leaf)
{
	struct rec *r = ctx;

	r->n++;
	r->da = da;
	r->len = len;
	r->leaf = leaf;
	r->sizes = 0;
}

static void rec_hint(void *ctx, vcm_da_t da, uint64_t len, const struct vcm_tlb_hint *hint)
{
	struct rec *r = ctx;

	rec_flush(ctx, da, len, hint->leaf_only);
	r->sizes = hint->leaf_sizes;
}

struct env {
	const struct pt_config *cfg;
	struct vcm_plat_arena *arena;
	struct vcm_plat_ops plat;
	struct vcm_pt_tlb_ops tlb;
	struct rec rec;
	struct vcm_pt *pt;
	bool flag, hinted;
	uint64_t bytes; /* table bytes before the call: a table linked makes it grow */
};

static void env_init(struct env *e, const struct pt_config *cfg, bool flag, bool hinted)
{
	struct vcm_pt_cfg c = { 0 };
	struct vcm_diag d = { 0 };

	memset(e, 0, sizeof(*e));
	e->cfg = cfg;
	e->flag = flag;
	e->hinted = hinted;
	e->arena = vcm_plat_hosted_arena_new(UINT64_C(16) << 20, 0x40000000U);
	assert_non_null(e->arena);
	vcm_plat_arena_ops(e->arena, &e->plat);
	if (hinted)
		e->tlb.flush_range_hint = rec_hint;
	else
		e->tlb.flush_range = rec_flush;
	c.fmt = cfg->fmt;
	c.ias = cfg->ias;
	c.oas = cfg->oas;
	c.granule_lg2 = cfg->granule_lg2;
	c.flags = cfg->flags | (flag ? VCM_PT_CFG_FLUSH_MAP : 0U);
	c.plat = &e->plat;
	c.tlb = &e->tlb;
	c.tlb_ctx = &e->rec;
	if (vcm_pt_create(&c, &e->pt, &d) != 0)
		fail_msg("%s: create: %s", cfg->name, d.msg);
}

static void env_fini(struct env *e)
{
	vcm_pt_destroy(e->pt);
	vcm_plat_hosted_arena_delete(e->arena);
}

static void before(struct env *e)
{
	memset(&e->rec, 0, sizeof(e->rec));
	e->bytes = vcm_pt_table_bytes(e->pt);
}

/*
 * The call just made (@ret, for @what) flushed once, [@da, +@len), leaf-only
 * when no table was linked, hinting @entry (0: any one size dividing @len),
 * with the flag; not at all without it.
 */
static void after(struct env *e, int ret, const char *what, vcm_da_t da, uint64_t len,
		  uint64_t entry)
{
	const struct rec *r = &e->rec;
	const bool linked = vcm_pt_table_bytes(e->pt) != e->bytes;

	if (ret != 0)
		fail_msg("%s: %s: %d %s", e->cfg->name, what, ret, vcm_pt_last_error(e->pt));
	if (!e->flag) {
		if (r->n != 0)
			fail_msg("%s: %s without VCM_PT_CFG_FLUSH_MAP: %lu flushes, want none",
				 e->cfg->name, what, r->n);
		return;
	}
	if (r->n != 1 || r->da != da || r->len != len || r->leaf == linked)
		fail_msg("%s: %s: %lu flushes, the last [%#llx, +%#llx) leaf %d; want one, "
			 "[%#llx, +%#llx) leaf %d", e->cfg->name, what, r->n,
			 (unsigned long long)r->da, (unsigned long long)r->len, r->leaf,
			 (unsigned long long)da, (unsigned long long)len, !linked);
	if (!e->hinted)
		return;
	if (entry != 0 ? r->sizes != entry :
			 (r->sizes == 0 || (r->sizes & (r->sizes - 1U)) != 0 || len % r->sizes != 0))
		fail_msg("%s: %s: hint sizes %#llx, want %#llx", e->cfg->name, what,
			 (unsigned long long)r->sizes, (unsigned long long)entry);
}

/* The sequence of map calls every configuration goes through. */
static void maps(const struct pt_config *cfg, bool flag, bool hinted)
{
	const uint64_t g = UINT64_C(1) << cfg->granule_lg2;
	const vcm_da_t da = 0x1000000U; /* inside every input space, 16M-aligned */
	struct env e;
	uint64_t sizes, big;
	vcm_da_t bda;
	struct vcm_seg seg[2];

	env_init(&e, cfg, flag, hinted);
	/* into an empty table: tables are linked on the way down */
	before(&e);
	after(&e, vcm_pt_map(e.pt, da, 0x2000000U, g, RW), "map, new tables", da, g, g);
	/* the next page: the walk cache's fast path */
	before(&e);
	after(&e, vcm_pt_map(e.pt, da + g, 0x2000000U + g, g, RW), "map, one page", da + g, g, g);
	/* a run of single pages through the walk, sizes restricted */
	before(&e);
	after(&e, vcm_pt_map_sizes(e.pt, da + 2U * g, 0x2100000U, 2U * g, RW, g), "map_sizes",
	      da + 2U * g, 2U * g, g);
	/* two scattered pieces, one walk, one flush over both */
	seg[0] = (struct vcm_seg){ 0x2200000U, g };
	seg[1] = (struct vcm_seg){ 0x2400000U, g };
	before(&e);
	after(&e, vcm_pt_map_segs(e.pt, da + 4U * g, seg, 2, RW), "map_segs", da + 4U * g, 2U * g,
	      g);
	/* the next leaf size up, aligned: a block or a contiguous group */
	sizes = vcm_pt_page_sizes(e.pt) & ~g;
	big = sizes & (~sizes + 1U);
	bda = 2U * da > 2U * big ? 2U * da : 2U * big;
	if (big != 0 && bda + big - 1U <= ptf_top_last(cfg)) {
		before(&e);
		after(&e, vcm_pt_map(e.pt, bda, bda, big, RW), "map, a large leaf", bda, big, 0);
	}
	/*
	 * A map that fails halfway: what it wrote is cleared again, with one
	 * flush as before (it covers the table the rollback unlinks, if any).
	 */
	before(&e);
	assert_int_equal(vcm_pt_map(e.pt, da - g, 0x3000000U, 2U * g, RW), -EEXIST);
	if (e.rec.n != 1 || e.rec.da > da - g || e.rec.da + e.rec.len < da)
		fail_msg("%s: the failed map flushed %lu times, the last [%#llx, +%#llx)",
			 cfg->name, e.rec.n, (unsigned long long)e.rec.da,
			 (unsigned long long)e.rec.len);
	assert_int_equal(vcm_pt_check_(e.pt), 0);
	env_fini(&e);
}

static void test_flush_map(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		maps(&pt_configs[i], true, false);
		maps(&pt_configs[i], true, true);
	}
}

static void test_no_flag(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		maps(&pt_configs[i], false, false);
		maps(&pt_configs[i], false, true);
	}
}

/* With VCM_PT_CFG_TLB_SUM (no TLB ops, as the graph has it) the map flush is summed. */
static void test_sum(void **state)
{
	const struct pt_config *cfg = ptf_config("x86_64-4l");
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(UINT64_C(4) << 20, 0x40000000U);
	struct vcm_plat_ops plat;
	struct vcm_pt_cfg c = { .fmt = cfg->fmt, .ias = cfg->ias, .plat = &plat };
	struct vcm_tlb_hint hint;
	struct vcm_pt *pt;

	(void)state;
	vcm_plat_arena_ops(a, &plat);
	for (int flag = 0; flag < 2; flag++) {
		c.flags = VCM_PT_CFG_TLB_SUM | (flag ? VCM_PT_CFG_FLUSH_MAP : 0U);
		assert_int_equal(vcm_pt_create(&c, &pt, NULL), 0);
		assert_int_equal(vcm_pt_map(pt, 0x200000, 0x200000, 0x200000, RW), 0);
		if (!flag) {
			assert_false(vcm_pt_tlb_hint(pt, &hint));
		} else {
			assert_true(vcm_pt_tlb_hint(pt, &hint));
			assert_int_equal(hint.leaf_sizes, 0x200000);
			assert_false(hint.leaf_only); /* the map linked tables */
		}
		assert_int_equal(vcm_pt_map(pt, 0x400000, 0x400000, 0x1000, RW), 0);
		assert_int_equal(vcm_pt_map(pt, 0x401000, 0x401000, 0x1000, RW), 0);
		if (!flag) {
			assert_false(vcm_pt_tlb_hint(pt, &hint));
		} else {
			assert_true(vcm_pt_tlb_hint(pt, &hint));
			assert_int_equal(hint.leaf_sizes, 0x1000);
			assert_false(hint.leaf_only); /* the first linked a level-0 table */
		}
		assert_int_equal(vcm_pt_map(pt, 0x402000, 0x402000, 0x1000, RW), 0);
		assert_int_equal(vcm_pt_tlb_hint(pt, &hint), flag != 0);
		if (flag)
			assert_true(hint.leaf_only);
		vcm_pt_destroy(pt);
	}
	vcm_plat_hosted_arena_delete(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_map),
		cmocka_unit_test(test_no_flag),
		cmocka_unit_test(test_sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
