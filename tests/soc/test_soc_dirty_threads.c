// SPDX-License-Identifier: MIT
/*
 * A device marks leaves dirty while another thread reads the same table.
 * On a simulated SoC with the finer locks, the device's owner thread writes
 * through its IOMMU model (the model sets the leaf's hardware dirty state,
 * as a walker does, with an atomic update) and harvests; a second thread
 * meanwhile looks the pages up, walks the reservation and runs the system's
 * check. Every answer must be right, and under ThreadSanitizer (scripts/
 * test.sh runs this test there) no read of a leaf may race with the model's
 * update: the page-table walker reads entries with atomic loads.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <cmocka.h>
#include <vcm/soc.h>
#include <vcm/hosted.h>

#define KB    (UINT64_C(1) << 10)
#define MB    (UINT64_C(1) << 20)
#define RW    (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define LEN   (64 * KB)
#define PAGES (LEN / (4 * KB))
#define ROUNDS 3000

static const struct vcm_sim_iommu_cfg iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu0", .tlb_entries = 8 },
};

/* 4 KiB leaves only: a write marks one page */
static const struct vcm_soc_dev_cfg devs[] = {
	{ .name = "gpu", .kind = VCM_SOC_DEV_PT, .iommu = 0,
	  .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .granule_lg2 = 12, .page_sizes = 0x1000,
		  .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_DIRTY } },
};

static const struct vcm_soc_memtype mts[] = { { .chunk_sizes = VCM_PHYS_4KB } };

struct world {
	struct vcm_soc *soc;
	struct vcm_sys *sys;
	struct vcm *v;
	struct vcm_res *r;
	vcm_pa_t pa[PAGES]; /* each page's pa, from before the threads start */
	atomic_int stop;
	int bad_harvest, bad_lookup, bad_walk, bad_check;
};

struct runs {
	vcm_da_t da;
	uint64_t len;
	unsigned int n;
};

static int record(void *arg, vcm_da_t da, uint64_t len)
{
	struct runs *r = arg;

	r->da = da;
	r->len = len;
	r->n++;
	return 0;
}

static int add_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	(void)da;
	(void)pa;
	(void)prot;
	*(uint64_t *)arg += len;
	return 0;
}

/* The device's owner: a write to one page, then a harvest that must report exactly it. */
static void *device(void *arg)
{
	struct world *w = arg;
	struct vcm_sim_iommu *io = vcm_soc_iommu(w->soc, 0);
	vcm_da_t da = vcm_get_dev_addr(w->r);

	for (unsigned int i = 0; i < ROUNDS; i++) {
		vcm_da_t at = da + (uint64_t)(i % PAGES) * 4 * KB;
		struct runs runs = { 0, 0, 0 };
		uint32_t x = i;

		if (vcm_sim_iommu_write(io, 0, at + 8, &x, sizeof(x)) != 0 ||
		    vcm_res_read_clear_dirty(w->r, 0, record, &runs) != 0 || runs.n != 1 ||
		    runs.da != at || runs.len != 4 * KB)
			w->bad_harvest++;
	}
	atomic_store(&w->stop, 1);
	return NULL;
}

/* Another thread: lookups, a walk and the system's check of the same table. */
static void *asker(void *arg)
{
	struct world *w = arg;
	struct vcm_dev *d = vcm_soc_dev(w->soc, 0);
	vcm_da_t da = vcm_get_dev_addr(w->r);

	for (unsigned int i = 0; !atomic_load(&w->stop); i++) {
		vcm_pa_t pa = 0;
		uint64_t mapped = 0;

		if (vcm_dev_addr_to_phys_addr(d, 0, da + (uint64_t)(i % PAGES) * 4 * KB + 4, &pa) != 0 ||
		    pa != w->pa[i % PAGES] + 4)
			w->bad_lookup++;
		/* mostly lookups, the shortest reads, so that some fall between a write and its harvest */
		if (i % 8U == 0U && (vcm_walk(w->v, d, da, LEN, add_run, &mapped) != 0 || mapped != LEN))
			w->bad_walk++;
		if (i % 256U == 0U && vcm_sys_check_(w->sys) != 0)
			w->bad_check++;
	}
	return NULL;
}

static void test_dirty_while_read(void **state)
{
	struct vcm_hosted_locks locks;
	struct vcm_soc_cfg cfg = {
		.mem_pa = 0x80000000, .mem_len = 32 * MB, .table_bytes = 4 * MB,
		.memtypes = mts, .nr_memtypes = 1, .iommus = iommus, .nr_iommus = 1,
		.devs = devs, .nr_devs = 1, .diag_slot = vcm_hosted_diag_slot,
	};
	struct world w = { 0 };
	struct vcm_avcm *a;
	struct vcm_mem *m;
	pthread_t t1, t2;

	(void)state;
	vcm_hosted_locks_init(&locks);
	cfg.locks = &locks.ops;
	assert_int_equal(vcm_soc_create(&cfg, &w.soc, NULL), 0);
	w.sys = vcm_soc_sys(w.soc);
	assert_int_equal(vcm_create(w.sys, 0x10000000, 16 * MB, &w.v), 0);
	assert_int_equal(vcm_assoc(w.v, vcm_soc_dev(w.soc, 0), VCM_USE_LOW_BASE, &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_reserve(w.v, LEN, 0, RW, &w.r), 0);
	assert_int_equal(vcm_alloc(w.sys, 0, LEN, VCM_PHYS_4KB, &m), 0);
	assert_int_equal(vcm_back(w.r, m), 0);
	for (unsigned int p = 0; p < PAGES; p++)
		assert_int_equal(vcm_dev_addr_to_phys_addr(vcm_soc_dev(w.soc, 0), 0,
							   vcm_get_dev_addr(w.r) + p * 4 * KB,
							   &w.pa[p]), 0);

	assert_int_equal(pthread_create(&t1, NULL, device, &w), 0);
	assert_int_equal(pthread_create(&t2, NULL, asker, &w), 0);
	assert_int_equal(pthread_join(t1, NULL), 0);
	assert_int_equal(pthread_join(t2, NULL), 0);
	assert_int_equal(w.bad_harvest, 0);
	assert_int_equal(w.bad_lookup, 0);
	assert_int_equal(w.bad_walk, 0);
	assert_int_equal(w.bad_check, 0);

	assert_int_equal(vcm_unback(w.r), 0);
	assert_int_equal(vcm_free_phys(w.sys, m), 0);
	assert_int_equal(vcm_unreserve(w.r), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(w.v), 0);
	assert_int_equal(vcm_soc_destroy(w.soc), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirty_while_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
