// SPDX-License-Identifier: MIT
/*
 * Hardware dirty state through the SMMU model (ARMv8 stage 1 and 2, every
 * granule): a table made with VCM_PT_CFG_DIRTY programs TCR.HA/HD (VTCR), the
 * model marks a DBM leaf on a device's first write (D5.4.11), and
 * vcm_pt_read_clear_dirty() reports exactly the pages the device wrote. The
 * clear's IOTLB invalidation is what makes the next write mark again: with it
 * dropped, a write through the stale (dirty) entry is never seen.
 */
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
