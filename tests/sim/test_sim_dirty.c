// SPDX-License-Identifier: MIT
/*
 * Hardware dirty state through the SMMU model (ARMv8 stage 1 and 2, every
 * granule): a table made with VCM_PT_CFG_DIRTY programs TCR.HA/HD (VTCR), the
 * model marks a DBM leaf on a device's first write (D5.4.11), and
 * vcm_pt_read_clear_dirty() reports exactly the pages the device wrote. The
 * clear's IOTLB invalidation is what makes the next write mark again: with it
 * dropped, a write through the stale (dirty) entry is never seen.
 */
#include <errno.h>
#include "sim_fixture.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

struct seen {
	vcm_da_t da[16];
	unsigned int n;
};

static int record(void *arg, vcm_da_t da, uint64_t len)
{
	struct seen *s = arg;

	(void)len;
	if (s->n < 16)
		s->da[s->n] = da;
	s->n++;
	return 0;
}

static struct seen harvest(struct sim_fx *fx, vcm_da_t da, uint64_t len, unsigned int flags)
{
	struct seen s = { 0 };

	assert_int_equal(vcm_pt_read_clear_dirty(fx->pt, da, len, flags, record, &s), 0);
	return s;
}

static void dev_write(struct sim_fx *fx, vcm_da_t da)
{
	uint8_t b = 0x5a;

	assert_int_equal(vcm_sim_iommu_write(fx->iommu, 0, da, &b, 1), 0);
}

static void dev_read(struct sim_fx *fx, vcm_da_t da)
{
	uint8_t b;

	assert_int_equal(vcm_sim_iommu_read(fx->iommu, 0, da, &b, 1), 0);
}

static void one(const struct sim_config *base)
{
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 32, .tlb_ways = 4 };
	struct sim_config c = *base;
	struct vcm_sim_iommu_stats st;
	uint64_t g = UINT64_C(1) << c.granule_lg2;
	const vcm_da_t da = 0x1000000;
	struct sim_fx fx;
	struct seen s;

	c.pt_flags |= VCM_PT_CFG_DIRTY;
	sim_fx_init(&fx, &c, &mcfg);
	assert_int_equal(vcm_pt_map(fx.pt, da, fx.free_pa, 8U * g, RW), 0);
	assert_int_equal(vcm_pt_map(fx.pt, da + 16U * g, fx.free_pa + 16U * g, g,
				    VCM_PT_PROT_READ), 0);

	/* reads mark nothing; a write to a read-only page still faults */
	dev_read(&fx, da + g);
	dev_read(&fx, da + 3U * g);
	s = harvest(&fx, da, 32U * g, 0);
	assert_int_equal(s.n, 0);
	{
		uint8_t b = 1;

		assert_int_not_equal(vcm_sim_iommu_write(fx.iommu, 0, da + 16U * g, &b, 1), 0);
		assert_int_equal(fx.last.kind, VCM_FAULT_PERMISSION);
	}

	/* two pages written (one of them read first, so its IOTLB entry was clean) */
	dev_write(&fx, da + g);
	dev_write(&fx, da + 5U * g + 7U);
	dev_write(&fx, da + 5U * g + 9U); /* through the now-dirty entry: no second mark */
	vcm_sim_iommu_stats(fx.iommu, &st);
	assert_int_equal(st.dirty_marks, 2);
	s = harvest(&fx, da, 32U * g, VCM_DIRTY_NO_CLEAR);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.da[0], da + g);
	assert_int_equal(s.da[1], da + 5U * g);
	s = harvest(&fx, da, 32U * g, 0);
	assert_int_equal(s.n, 2);
	s = harvest(&fx, da, 32U * g, 0);
	assert_int_equal(s.n, 0);

	/* after the clear (and its invalidation) the next write marks again */
	dev_write(&fx, da + g);
	s = harvest(&fx, da, 32U * g, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.da[0], da + g);

	/* planted: the clear's invalidation dropped, the write goes unseen */
	dev_write(&fx, da + 2U * g); /* cached dirty */
	vcm_sim_iommu_drop_next_invalidation(fx.iommu);
	s = harvest(&fx, da, 32U * g, 0);
	assert_int_equal(s.n, 1);
	dev_write(&fx, da + 2U * g);
	s = harvest(&fx, da, 32U * g, 0);
	assert_int_equal(s.n, 0); /* the page was written, the table never learnt it */
	sim_fx_fini(&fx);

	/* without HD in the registers the model grants nothing: a write faults */
	c.pt_flags = base->pt_flags | VCM_PT_CFG_DIRTY;
	sim_fx_init(&fx, &c, &mcfg);
	assert_int_equal(vcm_pt_map(fx.pt, da, fx.free_pa, g, RW), 0);
	fx.hw.regs[0] &= (c.pt_flags & VCM_PT_CFG_STAGE2) != 0U ? ~(UINT64_C(3) << 21) :
								 ~(UINT64_C(3) << 39);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &fx.hw), 0);
	{
		uint8_t b = 1;

		assert_int_not_equal(vcm_sim_iommu_write(fx.iommu, 0, da, &b, 1), 0);
		assert_int_equal(fx.last.kind, VCM_FAULT_PERMISSION);
	}
	sim_fx_fini(&fx);
}

static void test_dirty(void **state)
{
	unsigned int n = 0;

	(void)state;
	for (size_t i = 0; i < SIM_NR_CONFIGS; i++) {
		if (sim_configs[i].fmt != &vcm_pt_fmt_armv8)
			continue;
		print_message("%s\n", sim_configs[i].name);
		one(&sim_configs[i]);
		n++;
	}
	assert_true(n >= 6);
}

/*
 * Software rewriting a writable-clean leaf between the model's walk and its
 * dirty update. The model reaches the leaf twice per walk-and-mark: the
 * walk's read, then mark_dirty's compare-and-swap; the hook below makes the
 * table writer's store land just before the second.
 */
struct race {
	struct sim_fx *fx;
	vcm_pa_t leaf;          /* the watched descriptor */
	uint64_t clean;         /* its writable-clean value (DBM, not yet written) */
	uint64_t plain;         /* writable without DBM: nothing left to mark */
	unsigned int touches;
	bool forever;           /* every walk sees it clean, every update changed */
};

static void *race_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	struct race *r = ctx;
	uint64_t *d = vcm_hosted_mem_cpu(r->fx->mem, pa);

	if (pa != r->leaf || d == NULL)
		return d;
	r->touches++;
	if (r->touches % 2U == 0U && (r->forever || r->touches == 2U))
		*d = r->plain; /* the update's turn: software got there first */
	else if (r->forever)
		*d = r->clean; /* the walk's turn: clean again */
	return d;
}

/*
 * The leaf changes under the dirty update: the model walks again and the
 * write goes through the descriptor as it now is (plainly writable: no mark),
 * as the update's "changed under us" path says; software that never stops
 * rewriting it gets a bounded number of walks and then a translation fault
 * on the leaf. Stage 1 and stage 2, 4K.
 */
static void race_one(const struct sim_config *base, bool forever)
{
	struct sim_config c = *base;
	struct race r = { .forever = forever };
	struct vcm_sim_iommu_cfg mcfg = { .pa_to_cpu = race_pa_to_cpu, .mem_ctx = &r };
	bool s2 = (c.pt_flags & VCM_PT_CFG_STAGE2) != 0U;
	const uint64_t dbm = UINT64_C(1) << 51, ap_w = UINT64_C(1) << 7;
	struct vcm_sim_iommu_stats st;
	const vcm_da_t da = 0x1000000;
	struct sim_fx fx;
	uint64_t *d;
	vcm_pa_t pa;
	int ret;

	c.pt_flags |= VCM_PT_CFG_DIRTY;
	r.fx = &fx;
	sim_fx_init(&fx, &c, &mcfg);
	assert_int_equal(vcm_pt_map(fx.pt, da, fx.free_pa, 0x1000, RW), 0);
	r.leaf = sim_fx_v8_desc(&fx, da, 3);
	d = sim_fx_desc(&fx, r.leaf);
	r.clean = *d;
	/* clean: DBM with AP[2] set (stage 2: S2AP[1] clear) */
	assert_true((r.clean & dbm) != 0U);
	assert_int_equal((r.clean & ap_w) != 0U, !s2);
	/* plainly writable: AP[2] clear (S2AP[1] set), DBM clear */
	r.plain = (r.clean & ~dbm & ~ap_w) | (s2 ? ap_w : 0U);
	vcm_sim_iommu_reset_stats(fx.iommu);

	ret = vcm_sim_iommu_translate(fx.iommu, 0, da + 0x10, VCM_ACCESS_WRITE, &pa);
	vcm_sim_iommu_stats(fx.iommu, &st);
	if (!forever) {
		if (ret != 0)
			fail_msg("%s: the write faulted (%d, %s at level %d) on a valid, "
				 "writable descriptor", c.name, ret,
				 vcm_fault_kind_name(fx.last.kind), fx.last.level);
		assert_int_equal(pa, fx.free_pa + 0x10);
		assert_int_equal(st.walks, 2);
		assert_int_equal(st.dirty_marks, 0);
		assert_int_equal(st.faults, 0);
		assert_int_equal(*d, r.plain);
	} else {
		assert_int_equal(ret, -ENOENT);
		assert_int_equal(fx.faults_seen, 1);
		assert_int_equal(fx.last.kind, VCM_FAULT_TRANSLATION);
		assert_int_equal(fx.last.level, 3);
		assert_int_equal(fx.last.desc_pa, r.leaf);
		/* the first walk and four more, then the model gives up */
		assert_int_equal(st.walks, 5);
		assert_int_equal(r.touches, 10);
		assert_int_equal(st.dirty_marks, 0);
		*d = r.clean;
	}
	sim_fx_fini(&fx);
}

static void test_dirty_changed_under_update(void **state)
{
	(void)state;
	race_one(sim_config("armv8-4k-s1"), false);
	race_one(sim_config("armv8-4k-s2"), false);
}

static void test_dirty_changed_forever(void **state)
{
	(void)state;
	race_one(sim_config("armv8-4k-s1"), true);
	race_one(sim_config("armv8-4k-s2"), true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirty),
		cmocka_unit_test(test_dirty_changed_under_update),
		cmocka_unit_test(test_dirty_changed_forever),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
