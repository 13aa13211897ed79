// SPDX-License-Identifier: MIT
/*
 * A guest system and its host are two lock domains (vcm_nest_plat): a
 * guest's vcm_res_copy() runs while another thread changes the host. The
 * host migrates the memory under the guest's destination, or unbacks it,
 * and a copy must land whole in what the host maps when it returns (or be
 * refused with nothing moved); vcm_nest_plat_fini() may run beside a guest
 * that has no tables. Run under ThreadSanitizer too (scripts/test.sh).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/soc.h>
#include <vcm/hosted.h>

#define MEM_PA   UINT64_C(0x80000000)
#define MEM_LEN  (UINT64_C(32) << 20)
#define RW       (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define HOST_IPA UINT64_C(0x40000000)
#define TBL_IPA  UINT64_C(0x40000000)
#define TBL_LEN  UINT64_C(0x40000)
#define SRC_IPA  UINT64_C(0x41000000) /* guest memtype 0: two sources and a check buffer */
#define DST_IPA  UINT64_C(0x42000000) /* guest memtype 1: the destination */
#define BUF      UINT64_C(0x10000)
#define ROUNDS   400

static const struct vcm_soc_memtype mts[] = {
	{ .chunk_sizes = VCM_PHYS_4KB },
};

static const struct vcm_sim_iommu_cfg iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_NESTED, .name = "smmu", .tlb_entries = 16 },
};

static const struct vcm_soc_dev_cfg devs[] = {
	{ .name = "vm0", .kind = VCM_SOC_DEV_PT, .iommu = 0,
	  .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .oas = 40, .granule_lg2 = 12,
		  .page_sizes = 0x1000, .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_STAGE2 } },
};

struct world {
	struct vcm_hosted_lock hlock, glock;
	struct vcm_soc *soc;
	struct vcm_sys *hsys, *gsys;
	struct vcm *host, *guest;
	struct vcm_res *htbl, *hsrc, *hdst;
	struct vcm_mem *mtbl, *msrc, *mdst;
	struct vcm_nest_plat np;
	struct vcm_dev *gdev;
	struct vcm_avcm *gassoc, *hassoc;
	struct vcm_res *s0, *s1, *chk, *dst; /* guest reservations, one-to-one */
	struct vcm_mem *g[4];
	uint8_t *chk_bytes;  /* the check buffer, which the host leaves where it is */
	int stop;
};

static void host_back(struct world *w, vcm_da_t ipa, uint64_t len, struct vcm_res **res,
		      struct vcm_mem **mem)
{
	assert_int_equal(vcm_reserve_at(w->host, ipa, len, RW, res), 0);
	assert_int_equal(vcm_alloc(w->hsys, 0, len, VCM_PHYS_4KB, mem), 0);
	assert_int_equal(vcm_back(*res, *mem), 0);
}

static struct vcm_res *guest_buf(struct world *w, unsigned int memtype, struct vcm_mem **mem)
{
	struct vcm_res *res;
	uint64_t it = 0, n;
	vcm_pa_t ipa;

	assert_int_equal(vcm_alloc_cont(w->gsys, memtype, BUF, 0x1000, mem), 0);
	assert_int_equal(vcm_mem_next_chunk(*mem, &it, &ipa, &n), 0);
	assert_int_equal(vcm_reserve_at(w->guest, ipa, BUF, RW, &res), 0);
	assert_int_equal(vcm_back(res, *mem), 0);
	return res;
}

/* The host's CPU view of guest IPA @ipa (its host memory stays put). */
static uint8_t *host_cpu(struct world *w, vcm_pa_t ipa)
{
	const struct vcm_plat_ops *plat = vcm_hosted_mem_plat(vcm_soc_mem(w->soc));
	vcm_pa_t pa = 0;

	assert_int_equal(vcm_dev_addr_to_phys_addr(vcm_soc_dev(w->soc, 0), 0, ipa, &pa), 0);
	return plat->pa_to_cpu(plat->ctx, pa);
}

static void setup(struct world *w)
{
	struct vcm_soc_cfg cfg = {
		.mem_pa = MEM_PA, .mem_len = MEM_LEN, .table_bytes = UINT64_C(4) << 20,
		.memtypes = mts, .nr_memtypes = 1, .iommus = iommus, .nr_iommus = 1,
		.devs = devs, .nr_devs = 1,
	};
	static const struct vcm_phys_range granges[] = {
		{ SRC_IPA, 4 * BUF }, { DST_IPA, BUF },
	};
	const struct vcm_phys_memtype_cfg gmts[] = {
		{ &granges[0], 1, VCM_PHYS_4KB }, { &granges[1], 1, VCM_PHYS_4KB },
	};
	struct vcm_sys_cfg gcfg = { 0 };
	struct vcm_dev_cfg dcfg = { 0 };

	memset(w, 0, sizeof(*w));
	assert_int_equal(vcm_hosted_lock_init(&w->hlock), 0);
	assert_int_equal(vcm_hosted_lock_init(&w->glock), 0);
	cfg.lock = &w->hlock.lock;
	assert_int_equal(vcm_soc_create(&cfg, &w->soc, NULL), 0);
	w->hsys = vcm_soc_sys(w->soc);
	assert_int_equal(vcm_create(w->hsys, HOST_IPA, 0x10000000, &w->host), 0);
	assert_int_equal(vcm_assoc(w->host, vcm_soc_dev(w->soc, 0), VCM_USE_LOW_BASE, &w->hassoc), 0);
	assert_int_equal(vcm_activate(w->hassoc), 0);
	host_back(w, TBL_IPA, TBL_LEN, &w->htbl, &w->mtbl);
	host_back(w, SRC_IPA, 4 * BUF, &w->hsrc, &w->msrc);
	host_back(w, DST_IPA, BUF, &w->hdst, &w->mdst);

	assert_int_equal(vcm_nest_plat_init(&w->np, w->htbl), 0);
	gcfg.plat = &w->np.ops;
	gcfg.memtypes = gmts;
	gcfg.nr_memtypes = 2;
	gcfg.lock = &w->glock.lock;
	assert_int_equal(vcm_sys_create(&gcfg, &w->gsys, NULL), 0);
	/* a guest device without an MMU: the guest needs no tables (fini may run) */
	dcfg.name = "dma";
	dcfg.mapper = &vcm_mapper_one_to_one;
	dcfg.nr_bases = 1;
	assert_int_equal(vcm_dev_register(w->gsys, &dcfg, &w->gdev), 0);
	assert_int_equal(vcm_create_one_to_one(w->gsys, SRC_IPA, DST_IPA + BUF - SRC_IPA,
					       &w->guest), 0);
	assert_int_equal(vcm_assoc(w->guest, w->gdev, VCM_USE_LOW_BASE, &w->gassoc), 0);
	assert_int_equal(vcm_activate(w->gassoc), 0);
	w->s0 = guest_buf(w, 0, &w->g[0]);
	w->s1 = guest_buf(w, 0, &w->g[1]);
	w->chk = guest_buf(w, 0, &w->g[2]);
	w->dst = guest_buf(w, 1, &w->g[3]);
	/* s1's bytes count 1, 2, ... in each page; s0's are zero */
	for (uint64_t off = 0; off < BUF; off += 0x1000) {
		uint8_t *p = host_cpu(w, vcm_get_dev_addr(w->s1) + off);

		for (unsigned int i = 0; i < 0x1000; i++)
			p[i] = (uint8_t)(i + 1);
		memset(host_cpu(w, vcm_get_dev_addr(w->s0) + off), 0, 0x1000);
	}
	/* one page of the check buffer is enough to read */
	w->chk_bytes = host_cpu(w, vcm_get_dev_addr(w->chk));
}

static void teardown(struct world *w)
{
	struct vcm_res *r[] = { w->s0, w->s1, w->chk, w->dst };

	for (unsigned int i = 0; i < 4; i++) {
		assert_int_equal(vcm_unback(r[i]), 0);
		assert_int_equal(vcm_unreserve(r[i]), 0);
		assert_int_equal(vcm_free_phys(w->gsys, w->g[i]), 0);
	}
	assert_int_equal(vcm_deactivate(w->gassoc), 0);
	assert_int_equal(vcm_deassoc(w->gassoc), 0);
	assert_int_equal(vcm_free(w->guest), 0);
	assert_int_equal(vcm_dev_unregister(w->gdev), 0);
	assert_int_equal(vcm_sys_destroy(w->gsys), 0);
	(void)vcm_nest_plat_fini(&w->np);
	{
		struct vcm_res *hr[] = { w->htbl, w->hsrc, w->hdst };
		struct vcm_mem *hm[] = { w->mtbl, w->msrc, w->mdst };

		for (unsigned int i = 0; i < 3; i++) {
			assert_int_equal(vcm_unback(hr[i]), 0);
			assert_int_equal(vcm_unreserve(hr[i]), 0);
			assert_int_equal(vcm_free_phys(w->hsys, hm[i]), 0);
		}
	}
	assert_int_equal(vcm_deactivate(w->hassoc), 0);
	assert_int_equal(vcm_deassoc(w->hassoc), 0);
	assert_int_equal(vcm_free(w->host), 0);
	assert_int_equal(vcm_soc_destroy(w->soc), 0);
	vcm_hosted_lock_fini(&w->hlock);
	vcm_hosted_lock_fini(&w->glock);
}

static bool stopped(struct world *w)
{
	return __atomic_load_n(&w->stop, __ATOMIC_ACQUIRE) != 0;
}

/* The host: migrate the memory under the guest's destination, or take it away and back. */
static void *host_thread(void *arg)
{
	struct world *w = arg;

	for (int i = 0; i < ROUNDS; i++) {
		if ((i & 3) == 3) {
			assert_int_equal(vcm_unback(w->hdst), 0);
			assert_int_equal(vcm_back(w->hdst, w->mdst), 0);
		} else {
			assert_int_equal(vcm_migrate(w->hsys, w->mdst), 0);
		}
	}
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * One side of the guest: copy a source into the destination, then the
 * destination into the check buffer (which the host leaves alone): a copy
 * that returned 0 must be found whole there, and a refused one (the host had
 * the destination away) must have moved nothing. Returns the copies done.
 */
static long guest_rounds(struct world *w)
{
	long done = 0;

	/* some whole rounds even if the host is done before the first */
	for (unsigned int i = 0; !stopped(w) || done < 64; i++) {
		struct vcm_res *src = (i & 1) != 0 ? w->s1 : w->s0;
		int ret;

		/* the check buffer shows what dst held before: the other source */
		ret = vcm_res_copy(w->dst, 0, src, 0, BUF);
		if (ret == -EFAULT)
			continue;
		assert_int_equal(ret, 0);
		ret = vcm_res_copy(w->chk, 0, w->dst, 0, BUF);
		if (ret == -EFAULT)
			continue;
		assert_int_equal(ret, 0);
		for (unsigned int k = 0; k < 0x1000; k++)
			assert_int_equal(w->chk_bytes[k], (i & 1) != 0 ? (uint8_t)(k + 1) : 0);
		done++;
	}
	return done;
}

static void test_copy_while_host_changes(void **state)
{
	struct world w;
	pthread_t t;

	(void)state;
	setup(&w);
	assert_int_equal(pthread_create(&t, NULL, host_thread, &w), 0);
	assert_true(guest_rounds(&w) >= 64);
	assert_int_equal(pthread_join(t, NULL), 0);
	teardown(&w);
}

static void *fini_thread(void *arg)
{
	struct world *w = arg;

	assert_int_equal(vcm_nest_plat_fini(&w->np), 0);
	__atomic_store_n(&w->stop, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * vcm_nest_plat_fini() of a guest without tables while the guest copies:
 * the copies look at whether the arena is live, which fini changes.
 */
static void test_copy_while_fini(void **state)
{
	struct world w;
	pthread_t t;

	(void)state;
	setup(&w);
	assert_int_equal(pthread_create(&t, NULL, fini_thread, &w), 0);
	for (int i = 0; i < 8 || !stopped(&w); i++)
		assert_int_equal(vcm_res_copy(w.dst, 0, w.s1, 0, BUF), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(vcm_res_copy(w.chk, 0, w.dst, 0, BUF), 0);
	for (unsigned int k = 0; k < 0x1000; k++)
		assert_int_equal(w.chk_bytes[k], (uint8_t)(k + 1));
	teardown(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_while_host_changes),
		cmocka_unit_test(test_copy_while_fini),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
