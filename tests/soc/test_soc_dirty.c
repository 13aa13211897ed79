// SPDX-License-Identifier: MIT
/*
 * vcm_res_read_clear_dirty() on a simulated SoC: two devices of one VCM, each
 * behind its own SMMU model with a table of its own (VCM_PT_CFG_DIRTY), write
 * through their models; the harvest is the union of the pages they wrote,
 * reported once, cleared, and seen again after the next write (the graph's
 * TLB invalidation reached the models). A device whose table records no
 * writes makes the harvest refuse instead of missing its pages.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/soc.h>

#define MEM_PA  UINT64_C(0x80000000)
#define MEM_LEN (UINT64_C(32) << 20)
#define TABLES  (UINT64_C(4) << 20)
#define RW      (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

static const struct vcm_soc_memtype mts[] = {
	{ .chunk_sizes = VCM_PHYS_4KB },
};

static const struct vcm_sim_iommu_cfg iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu0", .tlb_entries = 8 },
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu1", .tlb_entries = 8 },
	{ .kind = VCM_SIM_IOMMU_MSM, .name = "msm" },
};

enum { D_GPU, D_VID, D_OLD, NR_DEVS };

/*
 * gpu and vid differ in ias, so each gets a table of its own; 4 KiB leaves
 * only, so a write marks one page (a contiguous group would count whole)
 */
static const struct vcm_soc_dev_cfg devs[NR_DEVS] = {
	[D_GPU] = { .name = "gpu", .kind = VCM_SOC_DEV_PT, .iommu = 0,
		    .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .granule_lg2 = 12,
			    .page_sizes = 0x1000,
			    .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_DIRTY } },
	[D_VID] = { .name = "vid", .kind = VCM_SOC_DEV_PT, .iommu = 1,
		    .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 36, .granule_lg2 = 12,
			    .page_sizes = 0x1000,
			    .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_DIRTY } },
	[D_OLD] = { .name = "old", .kind = VCM_SOC_DEV_PT, .iommu = 2,
		    .pt = { .fmt = &vcm_pt_fmt_armv7s, .flags = VCM_PT_CFG_COHERENT } },
};

struct runs {
	vcm_da_t da[8];
	uint64_t len[8];
	unsigned int n;
};

static int record(void *arg, vcm_da_t da, uint64_t len)
{
	struct runs *r = arg;

	if (r->n < 8) {
		r->da[r->n] = da;
		r->len[r->n] = len;
	}
	r->n++;
	return 0;
}

static void dev_write(struct vcm_soc *soc, unsigned int iommu, vcm_da_t da)
{
	uint32_t v = 0xfeedU;

	assert_int_equal(vcm_sim_iommu_write(vcm_soc_iommu(soc, iommu), 0, da, &v, sizeof(v)), 0);
}

static struct runs harvest(struct vcm_res *res, unsigned int flags)
{
	struct runs r = { 0 };

	assert_int_equal(vcm_res_read_clear_dirty(res, flags, record, &r), 0);
	return r;
}

static void test_union(void **state)
{
	struct vcm_soc_cfg cfg = {
		.mem_pa = MEM_PA, .mem_len = MEM_LEN, .table_bytes = TABLES,
		.memtypes = mts, .nr_memtypes = 1, .iommus = iommus, .nr_iommus = 3,
		.devs = devs, .nr_devs = NR_DEVS,
	};
	struct vcm_soc *soc;
	struct vcm_sys *sys;
	struct vcm *v;
	struct vcm_avcm *ag, *av, *ao;
	struct vcm_res *res, *bare;
	struct vcm_mem *mem;
	struct runs r;
	vcm_da_t da;
	uint32_t word;

	(void)state;
	assert_int_equal(vcm_soc_create(&cfg, &soc, NULL), 0);
	sys = vcm_soc_sys(soc);
	assert_int_equal(vcm_create(sys, 0x100000, 0x1000000, &v), 0);
	assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_GPU), VCM_USE_LOW_BASE, &ag), 0);
	assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_VID), VCM_USE_LOW_BASE, &av), 0);
	assert_int_equal(vcm_activate(ag), 0);
	assert_int_equal(vcm_activate(av), 0);
	assert_int_equal(vcm_reserve(v, 0x10000, 0, RW, &res), 0);
	assert_int_equal(vcm_alloc(sys, 0, 0x10000, VCM_PHYS_4KB, &mem), 0);
	assert_int_equal(vcm_back(res, mem), 0);
	da = vcm_get_dev_addr(res);

	r = harvest(res, 0);
	assert_int_equal(r.n, 0);
	/* gpu writes page 1 and reads page 6; vid writes pages 3 and 4 */
	dev_write(soc, 0, da + 0x1000);
	assert_int_equal(vcm_sim_iommu_read(vcm_soc_iommu(soc, 0), 0, da + 0x6000, &word,
					    sizeof(word)), 0);
	dev_write(soc, 1, da + 0x3000);
	dev_write(soc, 1, da + 0x4ffc);
	dev_write(soc, 0, da + 0x3010); /* page 3 by both: reported once */
	r = harvest(res, VCM_DIRTY_NO_CLEAR);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.da[0], da + 0x1000);
	assert_int_equal(r.len[0], 0x1000);
	assert_int_equal(r.da[1], da + 0x3000);
	assert_int_equal(r.len[1], 0x2000);
	r = harvest(res, 0);
	assert_int_equal(r.n, 2);
	r = harvest(res, 0);
	assert_int_equal(r.n, 0);
	/* the clear reached the models' IOTLBs: the next write is seen */
	dev_write(soc, 0, da + 0x1000);
	dev_write(soc, 1, da + 0xf000);
	r = harvest(res, 0);
	assert_int_equal(r.n, 2);
	assert_int_equal(r.da[0], da + 0x1000);
	assert_int_equal(r.da[1], da + 0xf000);

	/*
	 * vcm_migrate() maps the new memory with clean leaves: with a write not
	 * yet harvested it refuses, changing nothing; once harvested it moves,
	 * and writes after the move are seen.
	 */
	{
		vcm_pa_t before, after;
		char want[96];

		assert_int_equal(vcm_dev_addr_to_phys_addr(vcm_soc_dev(soc, D_GPU), 0, da, &before),
				 0);
		dev_write(soc, 1, da + 0x2000);
		assert_int_equal(vcm_migrate(sys, mem), -EBUSY);
		snprintf(want, sizeof(want), "vcm_migrate: da %#llx was written since the last harvest",
			 (unsigned long long)(da + 0x2000));
		assert_non_null(strstr(vcm_sys_last_error(sys), want));
		assert_int_equal(vcm_dev_addr_to_phys_addr(vcm_soc_dev(soc, D_GPU), 0, da, &after),
				 0);
		assert_int_equal(after, before);
		r = harvest(res, 0);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.da[0], da + 0x2000);
		/* a table that records no writes beside them does not block the move */
		assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_OLD), VCM_USE_LOW_BASE, &ao), 0);
		assert_int_equal(vcm_migrate(sys, mem), 0);
		/* and leaves no message of its own behind */
		assert_null(strstr(vcm_sys_last_error(sys), "VCM_PT_CFG_DIRTY"));
		assert_int_equal(vcm_deassoc(ao), 0);
		assert_int_equal(vcm_dev_addr_to_phys_addr(vcm_soc_dev(soc, D_GPU), 0, da, &after),
				 0);
		assert_int_not_equal(after, before);
		assert_int_equal(harvest(res, VCM_DIRTY_NO_CLEAR).n, 0);
		dev_write(soc, 0, da + 0x5000);
		r = harvest(res, 0);
		assert_int_equal(r.n, 1);
		assert_int_equal(r.da[0], da + 0x5000);
	}

	/* refusals, each naming its argument */
	assert_int_equal(vcm_res_read_clear_dirty(res, 0, NULL, NULL), -EINVAL);
	assert_string_equal(vcm_sys_last_error(sys), "vcm_res_read_clear_dirty: fn is NULL");
	assert_int_equal(vcm_res_read_clear_dirty(res, 0x8, record, &r), -EINVAL);
	assert_string_equal(vcm_sys_last_error(sys),
			    "vcm_res_read_clear_dirty: flags has unknown bits 0x8");
	assert_int_equal(vcm_reserve(v, 0x1000, 0, RW, &bare), 0);
	assert_int_equal(vcm_res_read_clear_dirty(bare, 0, record, &r), -ENOENT);
	assert_non_null(strstr(vcm_sys_last_error(sys), "is not backed"));
	assert_int_equal(vcm_unreserve(bare), 0);
	assert_int_equal(vcm_res_read_clear_dirty(bare, 0, record, &r), -EINVAL);
	/*
	 * a device whose table records no writes: refused, not silently
	 * skipped, and before the tables that do record them are cleared (its
	 * table comes after theirs: a refusal there must not lose their writes)
	 */
	dev_write(soc, 0, da + 0x7000);
	assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_OLD), VCM_USE_LOW_BASE, &ao), 0);
	assert_int_equal(vcm_res_read_clear_dirty(res, 0, record, &r), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_sys_last_error(sys), "created without VCM_PT_CFG_DIRTY"));
	assert_non_null(strstr(vcm_sys_last_error(sys), "dev 'old' (pt): "));
	assert_int_equal(vcm_migrate(sys, mem), -EBUSY);
	assert_int_equal(vcm_deassoc(ao), 0);
	r = harvest(res, 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.da[0], da + 0x7000);

	assert_int_equal(vcm_unback(res), 0);
	assert_int_equal(vcm_free_phys(sys, mem), 0);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_deactivate(ag), 0);
	assert_int_equal(vcm_deactivate(av), 0);
	assert_int_equal(vcm_deassoc(ag), 0);
	assert_int_equal(vcm_deassoc(av), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_soc_destroy(soc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_union),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
