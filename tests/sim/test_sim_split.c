// SPDX-License-Identifier: MIT
/*
 * A block split by a partial unmap, watched by a device streaming through it.
 * One granule is cut out of the largest block of a table the model walks; at
 * every point where the walker can see a new table state (after each cache
 * clean of table memory, and at each TLB flush) the device reads every page
 * of the block through the model. The test holds:
 *  - no access ever reaches another address than the block maps;
 *  - an access to a page that stays mapped faults only while the table itself
 *    (vcm_pt_lookup(), the CPU's view) has it unmapped: inside the
 *    break-before-make window, between the store that clears the block and
 *    the store that links its replacement;
 *  - after the unmap the cut page faults and the rest translates.
 * It measures the window: how many of the device's accesses to the pages
 * that stay mapped fault, with the IOTLB and without (docs/sim.md). The
 * planted defect: the table's TLB flushes never reach the model, and the cut
 * page stays reachable after the unmap through the block's stale IOTLB entry.
 */
#include <errno.h>
#include <stdlib.h>
#include "sim_fixture.h"

struct stream {
	struct sim_fx *fx;
	vcm_da_t da;         /* the block */
	vcm_pa_t pa;
	uint64_t len;
	vcm_da_t cut;        /* the granule unmapped */
	uint64_t gran;
	bool drop;           /* planted: flushes do not reach the model */
	bool on;             /* stream at each point */
	unsigned long points, window_points, accesses, faults;
	char trace[160];     /* what each point saw: C clean or F flush, then faults */
	char why[200];
};

static struct stream st;

/* The device reads every page of the block; the checks of the header. */
static void stream_pass(char kind)
{
	const unsigned long before = st.faults;
	bool in_window = false;
	size_t n;

	if (!st.on)
		return;
	st.points++;
	for (uint64_t off = 0; off < st.len; off += st.gran) {
		const vcm_da_t da = st.da + off;
		struct vcm_pt_leaf l;
		vcm_pa_t pa = 0;
		int ret;

		if (da == st.cut)
			continue;
		ret = vcm_sim_iommu_translate(st.fx->iommu, 0, da, VCM_ACCESS_READ, &pa);
		st.accesses++;
		if (vcm_pt_lookup(st.fx->pt, da, &l) != 0)
			in_window = true;
		if (ret == 0 && pa != st.pa + off && st.why[0] == '\0')
			snprintf(st.why, sizeof(st.why), "da %#llx reached pa %#llx, not %#llx",
				 (unsigned long long)da, (unsigned long long)pa,
				 (unsigned long long)(st.pa + off));
		if (ret != 0) {
			st.faults++;
			if (vcm_pt_lookup(st.fx->pt, da, &l) == 0 && st.why[0] == '\0')
				snprintf(st.why, sizeof(st.why),
					 "da %#llx faulted (%d) while the table maps it",
					 (unsigned long long)da, ret);
		}
	}
	if (in_window)
		st.window_points++;
	n = strlen(st.trace);
	if (n + 16 < sizeof(st.trace))
		snprintf(st.trace + n, sizeof(st.trace) - n, " %c%lu", kind, st.faults - before);
}

static void split_clean(void *ctx, void *cpu, size_t len)
{
	(void)ctx;
	(void)cpu;
	(void)len;
	stream_pass('C');
}

static void split_flush(void *ctx, vcm_da_t da, uint64_t len, bool leaf)
{
	if (!st.drop)
		vcm_sim_iommu_ops.tlb_range(ctx, 0, da, len, leaf);
	stream_pass('F');
}

struct split_result {
	unsigned long points, window_points, accesses, faults;
	bool cut_reachable;
};

/*
 * Map the largest block of @c, cut one granule out of its middle with the
 * device streaming, and report; @tlb: IOTLB entries (0: none).
 */
static struct split_result split_run(const char *name, unsigned int tlb, bool plant,
				     uint32_t flags)
{
	const struct sim_config *c = sim_config(name);
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = tlb };
	struct vcm_plat_ops plat;
	struct vcm_pt_cfg pcfg = { 0 };
	struct vcm_diag diag = { 0 };
	struct split_result r = { 0 };
	struct sim_fx fx;
	uint64_t sizes;
	vcm_pa_t pa;

	sim_fx_init(&fx, c, tlb != 0U ? &mcfg : NULL);
	/* the fixture's table is coherent; this one cleans, so every store is seen */
	vcm_pt_destroy(fx.pt);
	plat = *fx.plat;
	plat.cache_clean = split_clean;
	fx.tlb.flush_range = split_flush;
	pcfg.fmt = c->fmt;
	pcfg.ias = c->ias;
	pcfg.granule_lg2 = c->granule_lg2;
	pcfg.flags = c->pt_flags | flags;
	pcfg.plat = &plat;
	pcfg.tlb = &fx.tlb;
	pcfg.tlb_ctx = fx.iommu;
	if (vcm_pt_create(&pcfg, &fx.pt, &diag) != 0)
		fail_msg("%s: %s", name, diag.msg);
	assert_int_equal(vcm_pt_hw(fx.pt, &fx.hw), 0);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &fx.hw), 0);

	memset(&st, 0, sizeof(st));
	st.fx = &fx;
	st.gran = UINT64_C(1) << c->granule_lg2;
	sizes = vcm_pt_page_sizes(fx.pt) & ((UINT64_C(1) << 30) - 1U);
	st.len = UINT64_C(1) << (63 - __builtin_clzll(sizes));
	st.da = st.len * 2U;
	st.pa = st.len;
	st.cut = st.da + st.len / 2U + st.gran;
	assert_int_equal(vcm_pt_map(fx.pt, st.da, st.pa, st.len, VCM_PT_PROT_READ), 0);
	/* warm the IOTLB with the block */
	assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, st.cut, VCM_ACCESS_READ, &pa), 0);
	st.drop = plant;
	st.on = true;
	assert_int_equal(vcm_pt_unmap(fx.pt, st.cut, st.gran, NULL), 0);
	st.on = false;
	if (st.why[0] != '\0')
		fail_msg("%s: %s", name, st.why);
	r.cut_reachable = vcm_sim_iommu_translate(fx.iommu, 0, st.cut, VCM_ACCESS_READ, &pa) == 0;
	for (uint64_t off = 0; off < st.len; off += st.gran)
		if (st.da + off != st.cut) {
			assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, st.da + off,
								 VCM_ACCESS_READ, &pa), 0);
			assert_int_equal(pa, st.pa + off);
		}
	r.points = st.points;
	r.window_points = st.window_points;
	r.accesses = st.accesses;
	r.faults = st.faults;
	print_message("%-14s block %#llx cut %#llx, IOTLB %3u%s: %lu points (%lu in the window), "
		      "%lu of %lu accesses to pages left mapped faulted;%s\n",
		      name, (unsigned long long)st.len, (unsigned long long)st.gran, tlb,
		      plant ? " (invalidations dropped)" :
		      (flags & VCM_PT_CFG_BBML2) != 0U ? " (BBM level 2)" : "", r.points,
		      r.window_points,
		      r.faults, r.accesses, st.trace);
	vcm_sim_iommu_ops.clear(fx.iommu, 0);
	sim_fx_fini(&fx);
	return r;
}

static const char *const split_configs[] = { "armv7s", "armv8-4k-s1", "armv8-4k-s2",
					     "armv8-64k-s1" };

static void test_split_window(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(split_configs) / sizeof(split_configs[0]); i++) {
		struct split_result none = split_run(split_configs[i], 0, false, 0);
		struct split_result tlb = split_run(split_configs[i], 64, false, 0);

		/* the window exists (break-before-make) and the IOTLB narrows it */
		assert_false(none.cut_reachable);
		assert_false(tlb.cut_reachable);
		assert_true(none.window_points >= 1 && none.faults > 0);
		assert_true(tlb.faults <= none.faults);
	}
}

/* Planted: the flushes never reach the model, and the cut page stays reachable. */
static void test_split_planted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(split_configs) / sizeof(split_configs[0]); i++) {
		struct split_result r = split_run(split_configs[i], 64, true, 0);

		assert_true(r.cut_reachable);
		assert_int_equal(r.faults, 0); /* the stale block entry hid the window */
	}
}

/*
 * ARMv8 with FEAT_BBM level 2 (VCM_PT_CFG_BBML2): the block becomes a table in
 * one store, so the device never sees a hole: no access to a page left mapped
 * faults, with or without an IOTLB, and the cut page still goes.
 */
static void test_split_bbml2(void **state)
{
	(void)state;
	for (size_t i = 1; i < sizeof(split_configs) / sizeof(split_configs[0]); i++) {
		struct split_result none = split_run(split_configs[i], 0, false, VCM_PT_CFG_BBML2);
		struct split_result tlb = split_run(split_configs[i], 64, false, VCM_PT_CFG_BBML2);

		assert_false(none.cut_reachable);
		assert_false(tlb.cut_reachable);
		assert_int_equal(none.window_points, 0);
		assert_int_equal(none.faults, 0);
		assert_int_equal(tlb.faults, 0);
		assert_true(none.points > 0); /* the device did stream through the split */
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_window),
		cmocka_unit_test(test_split_planted),
		cmocka_unit_test(test_split_bbml2),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
