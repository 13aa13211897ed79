// SPDX-License-Identifier: MIT
/*
 * The SoC builder: the parts of a description come out where it put them, a
 * model's faults reach the device behind it with the whole record, devices
 * with no model answer their version, small_only narrows the tables to their
 * granule, a bad description is refused naming the field, and destroy waits
 * for the caller's objects (then carries on).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/soc.h>

#define MEM_PA  UINT64_C(0x80000000)
#define MEM_LEN (UINT64_C(32) << 20)
#define TABLES  (UINT64_C(4) << 20)

static const struct vcm_soc_memtype mts[] = {
	{ .chunk_sizes = VCM_PHYS_DEFAULT_SIZES },                          /* the rest */
	{ .pa = MEM_PA + TABLES, .len = UINT64_C(4) << 20, .chunk_sizes = VCM_PHYS_4KB },
};

static const struct vcm_sim_iommu_cfg iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu", .tlb_entries = 8 },
	{ .kind = VCM_SIM_IOMMU_MSM, .name = "msm", .hw_version = 0x77 },
};

enum { D_GPU, D_VID, D_DMA, D_CPU, NR_DEVS };

static const struct vcm_soc_dev_cfg devs[NR_DEVS] = {
	[D_GPU] = { .name = "gpu", .kind = VCM_SOC_DEV_PT, .iommu = 0,
		    .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .granule_lg2 = 12,
			    .flags = VCM_PT_CFG_COHERENT } },
	[D_VID] = { .name = "vid", .kind = VCM_SOC_DEV_PT, .iommu = 1,
		    .pt = { .fmt = &vcm_pt_fmt_armv7s, .flags = VCM_PT_CFG_COHERENT } },
	[D_DMA] = { .name = "dma", .kind = VCM_SOC_DEV_DMA, .engine = true, .hw_version = 3 },
	[D_CPU] = { .name = "cpu", .kind = VCM_SOC_DEV_CPU, .nr_bases = 2 },
};

static struct vcm_soc_cfg base_cfg(void)
{
	return (struct vcm_soc_cfg){
		.mem_pa = MEM_PA, .mem_len = MEM_LEN, .table_bytes = TABLES,
		.memtypes = mts, .nr_memtypes = 2,
		.iommus = iommus, .nr_iommus = 2,
		.devs = devs, .nr_devs = NR_DEVS,
	};
}

struct hook_state {
	unsigned int calls;
	struct vcm_fault last;
};

static int hook(struct vcm_dev *dev, void *data, const struct vcm_fault *f)
{
	struct hook_state *h = data;

	(void)dev;
	h->calls++;
	h->last = *f;
	return VCM_FAULT_TERMINATE;
}

static void test_parts(void **state)
{
	struct vcm_soc_cfg cfg = base_cfg();
	struct hook_state h = { 0 };
	struct vcm_soc *soc;
	struct vcm_sys *sys;
	struct vcm *v;
	struct vcm_avcm *a;
	struct vcm_res *res;
	struct vcm_mem *mem;
	uint64_t now, peak;
	uint32_t ver;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_soc_create(&cfg, &soc, NULL), 0);
	sys = vcm_soc_sys(soc);
	assert_non_null(sys);
	assert_non_null(vcm_soc_mem(soc));
	assert_ptr_equal(vcm_dev_find(sys, "gpu"), vcm_soc_dev(soc, D_GPU));
	assert_ptr_equal(vcm_dev_find(sys, "cpu"), vcm_soc_dev(soc, D_CPU));
	assert_null(vcm_soc_dev(soc, NR_DEVS));
	assert_non_null(vcm_soc_dma(soc, D_DMA));
	assert_null(vcm_soc_dma(soc, D_GPU));
	assert_null(vcm_soc_iommu(soc, 2));
	/* versions: the model's default, the configured one, a device without a model */
	assert_int_equal(vcm_hw_ver(vcm_soc_dev(soc, D_GPU), &ver), 0);
	assert_int_equal(ver, 0x0200);
	assert_int_equal(vcm_hw_ver(vcm_soc_dev(soc, D_VID), &ver), 0);
	assert_int_equal(ver, 0x77);
	assert_int_equal(vcm_hw_ver(vcm_soc_dev(soc, D_DMA), &ver), 0);
	assert_int_equal(ver, 3);
	assert_int_equal(vcm_hw_ver(vcm_soc_dev(soc, D_CPU), &ver), 0);
	assert_int_equal(ver, 0);

	/* a table for gpu: counted; its model's faults reach gpu's hook */
	vcm_soc_table_bytes(soc, &now, &peak);
	assert_int_equal(now, 0);
	assert_int_equal(vcm_create(sys, 0x100000, 0x1000000, &v), 0);
	assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_GPU), VCM_USE_LOW_BASE, &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_hook(vcm_soc_dev(soc, D_GPU), hook, &h), 0);
	assert_int_equal(vcm_reserve(v, 0x10000, 0, VCM_PT_PROT_READ, &res), 0);
	assert_int_equal(vcm_alloc(sys, 1, 0x10000, VCM_PHYS_4KB, &mem), 0);
	assert_int_equal(vcm_back(res, mem), 0);
	vcm_soc_table_bytes(soc, &now, &peak);
	assert_true(now > 0);
	assert_true(peak >= now);
	assert_int_equal(vcm_sim_iommu_translate(vcm_soc_iommu(soc, 0), 0,
						 vcm_get_dev_addr(res), VCM_ACCESS_READ, &pa), 0);
	assert_int_equal(vcm_sim_iommu_translate(vcm_soc_iommu(soc, 0), 0,
						 vcm_get_dev_addr(res) + 0x10, VCM_ACCESS_WRITE, &pa),
			 -EACCES);
	assert_int_equal(h.calls, 1);
	assert_int_equal(h.last.kind, VCM_FAULT_PERMISSION);
	assert_int_equal(h.last.level, 3);
	assert_int_equal(h.last.stage, 1);
	assert_int_equal(h.last.da, vcm_get_dev_addr(res) + 0x10);

	/* destroy waits for the caller's objects and undoes nothing meanwhile */
	assert_int_equal(vcm_soc_destroy(soc), -EBUSY);
	assert_non_null(strstr(vcm_soc_last_error(soc),
			       "vcm_soc_destroy: the system holds 1 VCMs, 1 allocations and 0 "
			       "devices of other callers"));
	assert_int_equal(vcm_unback(res), 0);
	assert_int_equal(vcm_unreserve(res), 0);
	assert_int_equal(vcm_free_phys(sys, mem), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	/* an unassociated VCM alone: still refused, every device still there */
	assert_int_equal(vcm_soc_destroy(soc), -EBUSY);
	assert_non_null(strstr(vcm_soc_last_error(soc), "holds 1 VCMs, 0 allocations"));
	assert_ptr_equal(vcm_dev_find(sys, "gpu"), vcm_soc_dev(soc, D_GPU));
	assert_int_equal(vcm_hw_ver(vcm_soc_dev(soc, D_CPU), &ver), 0);
	assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_GPU), VCM_USE_LOW_BASE, &a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
	/* a device of the SoC the caller unregistered and replaced by its own: refused */
	{
		struct vcm_dev_cfg dc = { .name = "mine", .mapper = &vcm_mapper_one_to_one,
					  .nr_bases = 1 };
		struct vcm_dev *mine;

		assert_int_equal(vcm_dev_unregister(vcm_soc_dev(soc, D_DMA)), 0);
		assert_int_equal(vcm_dev_register(sys, &dc, &mine), 0);
		assert_int_equal(vcm_soc_destroy(soc), -EBUSY);
		assert_non_null(strstr(vcm_soc_last_error(soc), "0 VCMs, 0 allocations and 1 "
							     "devices of other callers"));
		assert_ptr_equal(vcm_dev_find(sys, "gpu"), vcm_soc_dev(soc, D_GPU));
		assert_int_equal(vcm_dev_unregister(mine), 0);
	}
	/* the one it only unregistered is skipped */
	assert_int_equal(vcm_soc_destroy(soc), 0);
	assert_int_equal(vcm_soc_destroy(NULL), 0);
}

/* small_only: a 2 MiB-aligned 2 MiB buffer is still mapped in 4 KiB pages. */
static void test_small_only(void **state)
{
	for (int small = 0; small < 2; small++) {
		struct vcm_soc_cfg cfg = base_cfg();
		struct vcm_sim_xlate x;
		struct vcm_soc *soc;
		struct vcm_sys *sys;
		struct vcm *v;
		struct vcm_avcm *a;
		struct vcm_res *res;
		struct vcm_mem *mem;

		(void)state;
		cfg.small_only = small != 0;
		assert_int_equal(vcm_soc_create(&cfg, &soc, NULL), 0);
		sys = vcm_soc_sys(soc);
		assert_int_equal(vcm_create(sys, 0, 0x10000000, &v), 0);
		assert_int_equal(vcm_assoc(v, vcm_soc_dev(soc, D_VID), VCM_USE_LOW_BASE, &a), 0);
		assert_int_equal(vcm_activate(a), 0);
		assert_int_equal(vcm_reserve(v, 0x100000, 0x100000,
					     VCM_PT_PROT_READ | VCM_PT_PROT_WRITE, &res), 0);
		assert_int_equal(vcm_alloc(sys, 0, 0x100000, VCM_PHYS_1MB, &mem), 0);
		assert_int_equal(vcm_back(res, mem), 0);
		assert_int_equal(vcm_sim_iommu_walk(vcm_soc_iommu(soc, 1), 0,
						    vcm_get_dev_addr(res), &x, NULL), 0);
		assert_int_equal(x.size_lg2, small ? 12 : 20);
		assert_int_equal(vcm_unback(res), 0);
		assert_int_equal(vcm_unreserve(res), 0);
		assert_int_equal(vcm_free_phys(sys, mem), 0);
		assert_int_equal(vcm_deactivate(a), 0);
		assert_int_equal(vcm_deassoc(a), 0);
		assert_int_equal(vcm_free(v), 0);
		assert_int_equal(vcm_soc_destroy(soc), 0);
	}
}

static void test_refusals(void **state)
{
	struct vcm_soc_dev_cfg bad[NR_DEVS];
	struct vcm_sim_iommu_cfg bad_iommu[2];
	struct vcm_soc_cfg cfg = base_cfg();
	struct vcm_diag diag = { 0 };
	struct vcm_soc *soc = (void *)1;

	(void)state;
	assert_int_equal(vcm_soc_create(NULL, &soc, &diag), -EINVAL);
	assert_null(soc);
	assert_int_equal(vcm_soc_create(&cfg, NULL, &diag), -EINVAL);
	memcpy(bad, devs, sizeof(bad));
	bad[D_VID].iommu = 2;
	cfg.devs = bad;
	assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "vcm_soc_create: cfg->devs[1].iommu 2"));
	cfg = base_cfg();
	cfg.nr_devs = VCM_SOC_MAX_DEVS + 1;
	assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EINVAL);
	/* a part the library refuses: everything built before it is undone */
	cfg = base_cfg();
	memcpy(bad_iommu, iommus, sizeof(bad_iommu));
	bad_iommu[1].tlb_entries = 24;
	cfg.iommus = bad_iommu;
	assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "iommu msm"));
	assert_non_null(strstr(diag.msg, "tlb_entries 24"));
	cfg = base_cfg();
	memcpy(bad, devs, sizeof(bad));
	bad[D_CPU].name = "gpu"; /* a second device of that name */
	cfg.devs = bad;
	assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EEXIST);
	assert_non_null(strstr(diag.msg, "dev gpu"));
	cfg = base_cfg();
	cfg.mem_len = 3; /* not a multiple of 2 MiB */
	assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "memory: "));
	assert_null(soc);
	/* a memtype over the table arena, outside the memory, or running past it */
	{
		static const struct vcm_soc_memtype over[][1] = {
			{ { MEM_PA, 2 << 20, VCM_PHYS_4KB } },
			{ { MEM_PA + TABLES - 0x1000, 0x2000, VCM_PHYS_4KB } },
			{ { 0x1000, 0x1000, VCM_PHYS_4KB } },
			{ { MEM_PA + MEM_LEN - 0x1000, 0x2000, VCM_PHYS_4KB } },
			{ { MEM_PA + TABLES, UINT64_MAX - 0xfff, VCM_PHYS_4KB } },
		};

		for (unsigned int i = 0; i < sizeof(over) / sizeof(over[0]); i++) {
			cfg = base_cfg();
			cfg.memtypes = over[i];
			cfg.nr_memtypes = 1;
			assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EINVAL);
			assert_non_null(strstr(diag.msg, "cfg->memtypes[0]: "));
			assert_non_null(strstr(diag.msg, "is not inside the memory after the "
							 "table arena"));
			assert_null(soc);
		}
		/* the last page of the memory is a memtype's */
		cfg = base_cfg();
		cfg.memtypes = (const struct vcm_soc_memtype[]){
			{ MEM_PA + MEM_LEN - 0x1000, 0x1000, VCM_PHYS_4KB } };
		cfg.nr_memtypes = 1;
		assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), 0);
		assert_int_equal(vcm_soc_destroy(soc), 0);
	}
}

/*
 * small_only with a granule no table takes (64 and up, where the granule's
 * size does not fit the 64-bit page-size mask): refused as any bad table
 * description is, -EINVAL naming the device and the table layer's own
 * complaint about the granule, with nothing left built.
 */
static void test_small_only_bad_granule(void **state)
{
	static const unsigned int granules[] = { 64, 65, 200 };

	(void)state;
	for (unsigned int i = 0; i < sizeof(granules) / sizeof(granules[0]); i++) {
		struct vcm_soc_dev_cfg bad[NR_DEVS];
		struct vcm_soc_cfg cfg = base_cfg();
		struct vcm_diag diag = { 0 };
		struct vcm_soc *soc = (void *)1;
		char want[48];

		memcpy(bad, devs, sizeof(bad));
		bad[D_GPU].pt.granule_lg2 = granules[i];
		cfg.devs = bad;
		cfg.small_only = true;
		assert_int_equal(vcm_soc_create(&cfg, &soc, &diag), -EINVAL);
		assert_null(soc);
		assert_non_null(strstr(diag.msg, "dev gpu"));
		snprintf(want, sizeof(want), "granule_lg2 %u", granules[i]);
		if (strstr(diag.msg, want) == NULL)
			fail_msg("granule %u: \"%s\" does not name the granule", granules[i],
				 diag.msg);
	}
}

/*
 * A split association (VCM_SPLIT) gives both banks of a two-bank ARMv8 model
 * the one table; each bank must translate only its part, as TTBR0 and TTBR1
 * do: bank 0 faults on a high-half address the graph says base 0 does not
 * translate, bank 1 on a low one.
 */
static void test_split_banks(void **state)
{
	static const struct vcm_sim_iommu_cfg two_banks[] = {
		{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu", .banks = 2 },
	};
	static const struct vcm_soc_dev_cfg gpu2[] = {
		{ .name = "gpu", .kind = VCM_SOC_DEV_PT, .iommu = 0, .nr_bases = 2,
		  .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .granule_lg2 = 12 } },
	};
	struct vcm_soc_cfg cfg = base_cfg();
	const vcm_da_t lo = 0x1000000, hi = 0x80000000;
	struct vcm_sim_iommu *mmu;
	struct vcm_res *rlo, *rhi;
	struct vcm_mem *mlo, *mhi;
	struct vcm_soc *soc;
	struct vcm_sys *sys;
	struct vcm_avcm *a;
	struct vcm_dev *dev;
	struct vcm *v;
	vcm_pa_t pa;

	(void)state;
	cfg.iommus = two_banks;
	cfg.nr_iommus = 1;
	cfg.devs = gpu2;
	cfg.nr_devs = 1;
	assert_int_equal(vcm_soc_create(&cfg, &soc, NULL), 0);
	sys = vcm_soc_sys(soc);
	dev = vcm_soc_dev(soc, 0);
	mmu = vcm_soc_iommu(soc, 0);
	assert_int_equal(vcm_create(sys, 0, UINT64_C(1) << 32, &v), 0);
	assert_int_equal(vcm_assoc(v, dev, VCM_SPLIT(1), &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_reserve_at(v, lo, 0x10000, VCM_PT_PROT_READ, &rlo), 0);
	assert_int_equal(vcm_reserve_at(v, hi, 0x10000, VCM_PT_PROT_READ, &rhi), 0);
	assert_int_equal(vcm_alloc(sys, 1, 0x10000, VCM_PHYS_4KB, &mlo), 0);
	assert_int_equal(vcm_alloc(sys, 1, 0x10000, VCM_PHYS_4KB, &mhi), 0);
	assert_int_equal(vcm_back(rlo, mlo), 0);
	assert_int_equal(vcm_back(rhi, mhi), 0);
	/* what the graph says each base translates ... */
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, lo, &pa), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, hi, &pa), -ENOENT);
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 1, hi, &pa), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 1, lo, &pa), -ENOENT);
	/* ... is what the model's banks do */
	assert_int_equal(vcm_sim_iommu_translate(mmu, 0, lo, VCM_ACCESS_READ, &pa), 0);
	assert_int_equal(vcm_sim_iommu_translate(mmu, 1, hi, VCM_ACCESS_READ, &pa), 0);
	assert_int_equal(vcm_sim_iommu_translate(mmu, 0, hi, VCM_ACCESS_READ, &pa), -ENOENT);
	assert_int_equal(vcm_sim_iommu_translate(mmu, 1, lo, VCM_ACCESS_READ, &pa), -ENOENT);
	assert_int_equal(vcm_unback(rlo), 0);
	assert_int_equal(vcm_unback(rhi), 0);
	assert_int_equal(vcm_unreserve(rlo), 0);
	assert_int_equal(vcm_unreserve(rhi), 0);
	assert_int_equal(vcm_free_phys(sys, mlo), 0);
	assert_int_equal(vcm_free_phys(sys, mhi), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_soc_destroy(soc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parts),
		cmocka_unit_test(test_small_only),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_small_only_bad_granule),
		cmocka_unit_test(test_split_banks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
