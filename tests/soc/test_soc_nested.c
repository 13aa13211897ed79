// SPDX-License-Identifier: MIT
/*
 * Nested translation on a simulated SoC: a guest VCM (stage 1, in a guest
 * system over vcm_nest_plat) and a host VCM (stage 2, in the SoC's system)
 * on one nested SMMU model. A device's DMA reaches the physical bytes the two
 * tables compose; unmapping in the guest is a stage-1 fault, unmapping host
 * memory under guest data a stage-2 fault at that IPA, unmapping host memory
 * under a guest table a stage-2 fault on the stage-1 walk (S1PTW); an access
 * is allowed only if both stages allow it. Each invalidation is shown to
 * matter by dropping it once and seeing a stale translation.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/soc.h>
#include <vcm/hosted.h>

#define MEM_PA  UINT64_C(0x80000000)
#define MEM_LEN (UINT64_C(32) << 20)
#define TABLES  (UINT64_C(4) << 20)
#define RW      (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define RO      VCM_PT_PROT_READ

/* the guest's physical space: IPAs the host VCM maps */
#define HOST_IPA   UINT64_C(0x40000000)
#define HOST_LEN   UINT64_C(0x10000000)
#define TBL_IPA    UINT64_C(0x40000000) /* guest tables */
#define TBL_LEN    UINT64_C(0x40000)
#define DATA_IPA   UINT64_C(0x41000000) /* guest memtype 0: host maps it RW */
#define DATA_LEN   UINT64_C(0x10000)
#define RODATA_IPA UINT64_C(0x42000000) /* guest memtype 1: host maps it read-only */
#define RODATA_LEN UINT64_C(0x4000)

static const struct vcm_soc_memtype mts[] = {
	{ .chunk_sizes = VCM_PHYS_4KB },
};

static const struct vcm_sim_iommu_cfg iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_NESTED, .name = "smmu", .tlb_entries = 16 },
};

/* the host's device: the model's stage 2 (a SoC device behind a nested model) */
static const struct vcm_soc_dev_cfg devs[] = {
	{ .name = "vm0", .kind = VCM_SOC_DEV_PT, .iommu = 0,
	  .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .oas = 40, .granule_lg2 = 12,
		  .page_sizes = 0x1000, .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_STAGE2 } },
};

/* the guest's device on the same model: stage 1, output IPAs */
static const struct vcm_pt_cfg guest_pt = {
	.fmt = &vcm_pt_fmt_armv8, .ias = 32, .oas = 32, .granule_lg2 = 12,
	.page_sizes = 0x1000, .flags = VCM_PT_CFG_COHERENT,
};

struct world;

/*
 * The host system's lock (a single-threaded test needs no exclusion), with
 * a hook: the @left'th release from when it is armed runs @act once, in the
 * releasing thread with no lock held. A call that lets the host's lock go
 * in the middle of its work lets the host change under it there.
 */
struct host_lock {
	struct vcm_sys_lock ops;
	long left;
	bool fired;
	void (*act)(struct world *w);
	struct world *w;
};

static void hl_lock(void *ctx)
{
	(void)ctx;
}

static void hl_unlock(void *ctx)
{
	struct host_lock *hl = ctx;

	if (hl->left > 0 && --hl->left == 0) {
		hl->fired = true;
		hl->act(hl->w);
	}
}

struct world {
	struct host_lock hl;
	struct vcm_soc *soc;
	struct vcm_sys *hsys;
	struct vcm_sim_iommu *mmu;
	struct vcm_dev *hdev;
	struct vcm *host;
	struct vcm_avcm *hassoc;
	struct vcm_res *htbl, *hdata, *hro;
	struct vcm_mem *mtbl, *mdata, *mro;
	struct vcm_nest_plat np;
	struct vcm_sys *gsys;
	struct vcm_dev *gdev;
	struct vcm *guest;
	struct vcm_avcm *gassoc;
	struct vcm_res *gres;  /* 4 pages RW over DATA */
	struct vcm_mem *gmem;
	vcm_da_t da;
};

static void host_back(struct world *w, vcm_da_t ipa, uint64_t len, unsigned int prot,
		      bool cont, struct vcm_res **res, struct vcm_mem **mem)
{
	assert_int_equal(vcm_reserve_at(w->host, ipa, len, prot, res), 0);
	if (cont)
		assert_int_equal(vcm_alloc_cont(w->hsys, 0, len, 0x1000, mem), 0);
	else
		assert_int_equal(vcm_alloc(w->hsys, 0, len, VCM_PHYS_4KB, mem), 0);
	assert_int_equal(vcm_back(*res, *mem), 0);
}

static void setup(struct world *w)
{
	struct vcm_soc_cfg cfg = {
		.mem_pa = MEM_PA, .mem_len = MEM_LEN, .table_bytes = TABLES,
		.memtypes = mts, .nr_memtypes = 1, .iommus = iommus, .nr_iommus = 1,
		.devs = devs, .nr_devs = 1,
	};
	static const struct vcm_phys_range granges[] = {
		{ DATA_IPA, DATA_LEN }, { RODATA_IPA, RODATA_LEN },
	};
	const struct vcm_phys_memtype_cfg gmts[] = {
		{ &granges[0], 1, VCM_PHYS_4KB }, { &granges[1], 1, VCM_PHYS_4KB },
	};
	struct vcm_sys_cfg gcfg = { 0 };
	struct vcm_dev_cfg dcfg = { 0 };

	memset(w, 0, sizeof(*w));
	w->hl.ops = (struct vcm_sys_lock){ hl_lock, hl_unlock, &w->hl };
	w->hl.w = w;
	cfg.lock = &w->hl.ops;
	assert_int_equal(vcm_soc_create(&cfg, &w->soc, NULL), 0);
	w->hsys = vcm_soc_sys(w->soc);
	w->mmu = vcm_soc_iommu(w->soc, 0);
	w->hdev = vcm_soc_dev(w->soc, 0);
	/* the host: IPA space, stage 2 */
	assert_int_equal(vcm_create(w->hsys, HOST_IPA, HOST_LEN, &w->host), 0);
	assert_int_equal(vcm_assoc(w->host, w->hdev, VCM_USE_LOW_BASE, &w->hassoc), 0);
	assert_int_equal(vcm_activate(w->hassoc), 0);
	host_back(w, TBL_IPA, TBL_LEN, RW, true, &w->htbl, &w->mtbl);
	host_back(w, DATA_IPA, DATA_LEN, RW, false, &w->hdata, &w->mdata);
	host_back(w, RODATA_IPA, RODATA_LEN, RO, false, &w->hro, &w->mro);

	/* the guest: a system whose physical addresses are the host's IPAs */
	assert_int_equal(vcm_nest_plat_init(&w->np, w->htbl), 0);
	assert_int_equal(vcm_sys_check_(w->hsys), 0);
	gcfg.plat = &w->np.ops;
	gcfg.memtypes = gmts;
	gcfg.nr_memtypes = 2;
	/* finer locks in a guest would rank its calls into the host below its own */
	{
		struct vcm_hosted_locks hl;
		struct vcm_sys_cfg fcfg = gcfg;
		struct vcm_diag d = { 0 };
		struct vcm_sys *bad = NULL;

		vcm_hosted_locks_init(&hl);
		fcfg.locks = &hl.ops;
		fcfg.diag_slot = vcm_hosted_diag_slot;
		assert_int_equal(vcm_sys_create(&fcfg, &bad, &d), -EOPNOTSUPP);
		assert_non_null(strstr(d.msg, "a guest system (vcm_nest_plat) takes one lock"));
		assert_null(bad);
	}
	assert_int_equal(vcm_sys_create(&gcfg, &w->gsys, NULL), 0);
	dcfg.name = "vm0-dev";
	dcfg.mapper = &vcm_mapper_pt;
	dcfg.mapper_cfg = &guest_pt;
	dcfg.nr_bases = 1;
	dcfg.ops = &vcm_sim_iommu_ops;
	dcfg.ctx = w->mmu;
	assert_int_equal(vcm_dev_register(w->gsys, &dcfg, &w->gdev), 0);
	assert_int_equal(vcm_create(w->gsys, 0x100000, 0x1000000, &w->guest), 0);
	assert_int_equal(vcm_assoc(w->guest, w->gdev, VCM_USE_LOW_BASE, &w->gassoc), 0);
	assert_int_equal(vcm_activate(w->gassoc), 0);
	assert_int_equal(vcm_reserve(w->guest, 0x4000, 0, RW, &w->gres), 0);
	assert_int_equal(vcm_alloc(w->gsys, 0, 0x4000, VCM_PHYS_4KB, &w->gmem), 0);
	assert_int_equal(vcm_back(w->gres, w->gmem), 0);
	w->da = vcm_get_dev_addr(w->gres);
}

static void teardown(struct world *w)
{
	assert_int_equal(vcm_unback(w->gres), 0);
	assert_int_equal(vcm_unreserve(w->gres), 0);
	assert_int_equal(vcm_free_phys(w->gsys, w->gmem), 0);
	assert_int_equal(vcm_deactivate(w->gassoc), 0);
	assert_int_equal(vcm_deassoc(w->gassoc), 0);
	assert_int_equal(vcm_free(w->guest), 0);
	assert_int_equal(vcm_dev_unregister(w->gdev), 0);
	assert_int_equal(vcm_sys_destroy(w->gsys), 0);
	assert_int_equal(vcm_nest_plat_fini(&w->np), 0);
	assert_int_equal(vcm_nest_plat_fini(&w->np), -EINVAL);
	assert_int_equal(vcm_sys_check_(w->hsys), 0);
	assert_int_equal(vcm_unback(w->htbl), 0);
	assert_int_equal(vcm_unback(w->hdata), 0);
	assert_int_equal(vcm_unback(w->hro), 0);
	assert_int_equal(vcm_unreserve(w->htbl), 0);
	assert_int_equal(vcm_unreserve(w->hdata), 0);
	assert_int_equal(vcm_unreserve(w->hro), 0);
	assert_int_equal(vcm_free_phys(w->hsys, w->mtbl), 0);
	assert_int_equal(vcm_free_phys(w->hsys, w->mdata), 0);
	assert_int_equal(vcm_free_phys(w->hsys, w->mro), 0);
	assert_int_equal(vcm_deactivate(w->hassoc), 0);
	assert_int_equal(vcm_deassoc(w->hassoc), 0);
	assert_int_equal(vcm_free(w->host), 0);
	assert_int_equal(vcm_soc_destroy(w->soc), 0);
}

/* The host physical byte behind guest @da, composed by the graph's own tables. */
static uint8_t *host_byte(struct world *w, vcm_da_t da, vcm_pa_t *ipa_out, vcm_pa_t *pa_out)
{
	const struct vcm_plat_ops *plat = vcm_hosted_mem_plat(vcm_soc_mem(w->soc));
	vcm_pa_t ipa = 0, pa = 0;

	assert_int_equal(vcm_dev_addr_to_phys_addr(w->gdev, 0, da, &ipa), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr(w->hdev, 0, ipa, &pa), 0);
	if (ipa_out != NULL)
		*ipa_out = ipa;
	if (pa_out != NULL)
		*pa_out = pa;
	return plat->pa_to_cpu(plat->ctx, pa);
}

static struct vcm_fault last_fault(struct world *w)
{
	struct vcm_fault f;

	assert_int_equal(vcm_sim_iommu_last_fault(w->mmu, &f), 0);
	return f;
}

static int dev_read(struct world *w, vcm_da_t da, uint32_t *v)
{
	return vcm_sim_iommu_read(w->mmu, 0, da, v, sizeof(*v));
}

static int dev_write(struct world *w, vcm_da_t da, uint32_t v)
{
	return vcm_sim_iommu_write(w->mmu, 0, da, &v, sizeof(v));
}

/*
 * Unback @res with its invalidation dropped (planted): the device still reads
 * @want at @da through the stale entry. Backs @res with @mem again.
 */
static void planted_stale(struct world *w, struct vcm_res *res, struct vcm_mem *mem, vcm_da_t da,
			  uint32_t want)
{
	struct vcm_sim_iommu_stats st;
	uint32_t v = 0;

	vcm_sim_iommu_drop_next_invalidation(w->mmu);
	assert_int_equal(vcm_unback(res), 0);
	vcm_sim_iommu_stats(w->mmu, &st);
	assert_int_equal(st.dropped, 1);
	assert_int_equal(dev_read(w, da, &v), 0);
	assert_int_equal(v, want);
	assert_int_equal(vcm_back(res, mem), 0);
}

/* DMA lands on the composed physical bytes; the tables hold what each stage should. */
static void test_dma(void **state)
{
	struct world w;
	struct vcm_hw_regs hw;
	struct vcm_sim_xlate x;
	vcm_pa_t ipa, pa;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	/* the guest's table and its leaves are IPAs inside the host's reservations */
	assert_int_equal(vcm_get_hw(w.guest, w.gdev, &hw), 0);
	assert_true(hw.root_pa >= TBL_IPA && hw.root_pa < TBL_IPA + TBL_LEN);
	for (unsigned int i = 0; i < 4; i++) {
		vcm_da_t da = w.da + i * 0x1000 + 0x10 * i;
		uint8_t *p = host_byte(&w, da, &ipa, &pa);

		assert_true(ipa >= DATA_IPA && ipa < DATA_IPA + DATA_LEN);
		assert_true(pa >= MEM_PA && pa < MEM_PA + MEM_LEN);
		assert_int_equal(dev_write(&w, da, 0xa5a50000U + i), 0);
		assert_memory_equal(p, &(uint32_t){ 0xa5a50000U + i }, 4);
		assert_int_equal(dev_read(&w, da, &v), 0);
		assert_int_equal(v, 0xa5a50000U + i);
		/* the model's own walk agrees: stage 1 gives the IPA, stage 2 the pa */
		assert_int_equal(vcm_sim_iommu_walk(w.mmu, 0, da, &x, NULL), 0);
		assert_true(x.nested);
		assert_int_equal(x.ipa, ipa);
		assert_int_equal(x.pa, pa);
		assert_int_equal(x.size_lg2, 12);
		/* stage 1's three lookups (levels 1-3), each fetched through stage 2
		 * (ias 32: two lookups from 4 concatenated level-2 tables), then
		 * stage 2 for the output: 3 + 3 * 2 + 2 */
		assert_int_equal(x.reads, 11);
	}
	/* power queries: the guest asks by IPA, the host by pa, of the cached entry */
	assert_int_equal(dev_read(&w, w.da + 0x3000, &v), 0);
	host_byte(&w, w.da + 0x3000, &ipa, &pa);
	assert_int_equal(vcm_sim_iommu_ops.power_query(w.mmu, ipa & ~0xfffULL, 0x1000), -EBUSY);
	assert_int_equal(vcm_sim_iommu_s2_ops.power_query(w.mmu, pa & ~0xfffULL, 0x1000), -EBUSY);
	assert_int_equal(vcm_sim_iommu_s2_ops.power_query(w.mmu, ipa & ~0xfffULL, 0x1000), 0);
	assert_int_equal(vcm_sim_iommu_ops.power_query(w.mmu, pa & ~0xfffULL, 0x1000), 0);
	/* the guest's pa_to_cpu reaches host memory: a copy in the guest works */
	assert_int_equal(vcm_res_copy(w.gres, 0x3000, w.gres, 0x1010, 4), 0);
	assert_memory_equal(host_byte(&w, w.da + 0x3000, NULL, NULL),
			    &(uint32_t){ 0xa5a50001U }, 4);
	/* only stage 1 programmed: the bank does not translate */
	assert_int_equal(vcm_deactivate(w.hassoc), 0);
	assert_int_equal(dev_read(&w, w.da, &v), -ENODEV);
	assert_non_null(strstr(vcm_sim_iommu_last_error(w.mmu), "stage 2 is not programmed"));
	assert_int_equal(vcm_activate(w.hassoc), 0);
	assert_int_equal(dev_read(&w, w.da, &v), 0);
	teardown(&w);
}

/* Unmapping in the guest: a stage-1 fault; without the invalidation, a stale hit. */
static void test_guest_unmap(void **state)
{
	struct world w;
	struct vcm_fault f, hf;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	assert_int_equal(dev_write(&w, w.da + 0x1000, 0x1234), 0);
	assert_int_equal(vcm_unback(w.gres), 0);
	assert_int_equal(dev_read(&w, w.da + 0x1000, &v), -ENOENT);
	f = last_fault(&w);
	assert_int_equal(f.kind, VCM_FAULT_TRANSLATION);
	assert_int_equal(f.stage, 1);
	assert_int_equal(f.flags, 0);
	assert_int_equal(f.level, 1); /* the guest's emptied tables were freed */
	assert_int_equal(f.da, w.da + 0x1000);
	/* the host's device hears of it, stage included */
	assert_int_equal(vcm_dev_last_fault(w.hdev, &hf, NULL), 0);
	assert_int_equal(hf.stage, 1);
	assert_int_equal(vcm_back(w.gres, w.gmem), 0);

	/* planted: the guest's invalidation dropped, the old translation stays */
	assert_int_equal(dev_read(&w, w.da + 0x1000, &v), 0);
	planted_stale(&w, w.gres, w.gmem, w.da + 0x1000, 0x1234);
	teardown(&w);
}

/* Unmapping host memory under guest data: a stage-2 fault at the IPA. */
static void test_host_unmap_data(void **state)
{
	struct world w;
	struct vcm_fault f;
	vcm_pa_t ipa;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	host_byte(&w, w.da + 0x2008, &ipa, NULL);
	assert_int_equal(dev_write(&w, w.da + 0x2008, 0x77), 0);
	assert_int_equal(vcm_unback(w.hdata), 0);
	assert_int_equal(dev_read(&w, w.da + 0x2008, &v), -ENOENT);
	f = last_fault(&w);
	assert_int_equal(f.kind, VCM_FAULT_TRANSLATION);
	assert_int_equal(f.stage, 2);
	assert_int_equal(f.flags, 0);
	assert_int_equal(f.ipa, ipa);
	assert_int_equal(f.da, w.da + 0x2008);
	assert_int_equal(f.level, 2); /* the host's emptied level-3 table was freed */
	assert_int_equal(vcm_back(w.hdata, w.mdata), 0);
	assert_int_equal(dev_read(&w, w.da + 0x2008, &v), 0);
	assert_int_equal(v, 0x77);

	/* planted: the host's invalidation dropped, the combined entry stays */
	planted_stale(&w, w.hdata, w.mdata, w.da + 0x2008, 0x77);
	teardown(&w);
}

/* Unmapping host memory under a guest table: a stage-2 fault on the stage-1 walk. */
static void test_host_unmap_table(void **state)
{
	struct world w;
	struct vcm_hw_regs hw;
	struct vcm_fault f;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_get_hw(w.guest, w.gdev, &hw), 0);
	assert_int_equal(dev_write(&w, w.da, 0x55), 0);
	assert_int_equal(vcm_unback(w.htbl), 0);
	assert_int_equal(dev_read(&w, w.da, &v), -ENOENT);
	f = last_fault(&w);
	assert_int_equal(f.kind, VCM_FAULT_TRANSLATION);
	assert_int_equal(f.stage, 2);
	assert_int_equal(f.flags, VCM_FAULT_S1PTW);
	/* the first fetch: the root table's entry for da (ias 32, 4K: level 1, 4 entries) */
	assert_int_equal(f.ipa, hw.root_pa + ((w.da >> 30) & 3U) * 8U);
	assert_int_equal(f.level, 2); /* stage 2's lookup that found nothing */
	assert_int_equal(f.da, w.da);
	/* the memory kept the tables: backed again, the walk works */
	assert_int_equal(vcm_back(w.htbl, w.mtbl), 0);
	assert_int_equal(dev_read(&w, w.da, &v), 0);
	assert_int_equal(v, 0x55);
	teardown(&w);
}

/* An access is allowed only if both stages allow it; a denial names its stage. */
static void test_perms(void **state)
{
	struct world w;
	struct vcm_res *r_ro, *r_s2ro;
	struct vcm_mem *m_ro, *m_s2ro;
	struct vcm_fault f;
	vcm_pa_t ipa;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	/* guest read-only over host read-write */
	assert_int_equal(vcm_reserve(w.guest, 0x1000, 0, RO, &r_ro), 0);
	assert_int_equal(vcm_alloc(w.gsys, 0, 0x1000, VCM_PHYS_4KB, &m_ro), 0);
	assert_int_equal(vcm_back(r_ro, m_ro), 0);
	/* guest read-write over host read-only (memtype 1 lies in the host's RO part) */
	assert_int_equal(vcm_reserve(w.guest, 0x1000, 0, RW, &r_s2ro), 0);
	assert_int_equal(vcm_alloc(w.gsys, 1, 0x1000, VCM_PHYS_4KB, &m_s2ro), 0);
	assert_int_equal(vcm_back(r_s2ro, m_s2ro), 0);

	assert_int_equal(dev_read(&w, vcm_get_dev_addr(r_ro), &v), 0);
	assert_int_equal(dev_write(&w, vcm_get_dev_addr(r_ro), 1), -EACCES);
	f = last_fault(&w);
	assert_int_equal(f.kind, VCM_FAULT_PERMISSION);
	assert_int_equal(f.stage, 1);

	/* stage 1's permission fault comes before stage 2's translation of its output */
	assert_int_equal(vcm_unback(w.hdata), 0);
	assert_int_equal(dev_write(&w, vcm_get_dev_addr(r_ro), 1), -EACCES);
	f = last_fault(&w);
	assert_int_equal(f.kind, VCM_FAULT_PERMISSION);
	assert_int_equal(f.stage, 1);
	assert_int_equal(dev_read(&w, vcm_get_dev_addr(r_ro), &v), -ENOENT);
	f = last_fault(&w);
	assert_int_equal(f.kind, VCM_FAULT_TRANSLATION);
	assert_int_equal(f.stage, 2);
	assert_int_equal(vcm_back(w.hdata, w.mdata), 0);

	host_byte(&w, vcm_get_dev_addr(r_s2ro) + 0x40, &ipa, NULL);
	assert_true(ipa >= RODATA_IPA && ipa < RODATA_IPA + RODATA_LEN);
	assert_int_equal(dev_read(&w, vcm_get_dev_addr(r_s2ro) + 0x40, &v), 0);
	/* from the IOTLB's combined entry, then from a fresh walk */
	for (unsigned int pass = 0; pass < 2; pass++) {
		struct vcm_sim_iommu_stats st;

		vcm_sim_iommu_reset_stats(w.mmu);
		assert_int_equal(dev_write(&w, vcm_get_dev_addr(r_s2ro) + 0x40, 1), -EACCES);
		f = last_fault(&w);
		assert_int_equal(f.kind, VCM_FAULT_PERMISSION);
		assert_int_equal(f.stage, 2);
		assert_int_equal(f.flags, 0);
		assert_int_equal(f.ipa, ipa);
		assert_int_equal(f.level, 3);
		vcm_sim_iommu_stats(w.mmu, &st);
		assert_int_equal(st.hits, pass == 0 ? 1 : 0);
		assert_int_equal(st.walks, pass == 0 ? 0 : 1);
		vcm_sim_iommu_ops.tlb_all(w.mmu, 0);
	}

	assert_int_equal(vcm_unback(r_ro), 0);
	assert_int_equal(vcm_unback(r_s2ro), 0);
	assert_int_equal(vcm_unreserve(r_ro), 0);
	assert_int_equal(vcm_unreserve(r_s2ro), 0);
	assert_int_equal(vcm_free_phys(w.gsys, m_ro), 0);
	assert_int_equal(vcm_free_phys(w.gsys, m_s2ro), 0);
	teardown(&w);
}

struct repair {
	struct world *w;
	unsigned int calls;
	struct vcm_fault last;
};

/* The host's fault hook: a stage-2 fault is repaired by backing the data again. */
static int repair_hook(struct vcm_dev *dev, void *data, const struct vcm_fault *f)
{
	struct repair *rp = data;

	(void)dev;
	rp->calls++;
	rp->last = *f;
	if (f->stage != 2U || vcm_back(rp->w->hdata, rp->w->mdata) != 0)
		return VCM_FAULT_TERMINATE;
	return VCM_FAULT_RETRY;
}

/*
 * A host that pages guest memory in on demand: the model's stage-2 fault
 * reaches the host device's hook with its stage and IPA, the hook backs the
 * page and the transaction is retried; a stage-1 fault is left to the guest.
 */
static void test_host_fault_repair(void **state)
{
	struct world w;
	struct repair rp = { 0 };
	vcm_pa_t ipa;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	rp.w = &w;
	host_byte(&w, w.da + 0x1100, &ipa, NULL);
	assert_int_equal(dev_write(&w, w.da + 0x1100, 0xbeef), 0);
	assert_int_equal(vcm_hook(w.hdev, repair_hook, &rp), 0);
	assert_int_equal(vcm_unback(w.hdata), 0);
	assert_int_equal(dev_read(&w, w.da + 0x1100, &v), 0);
	assert_int_equal(v, 0xbeef);
	assert_int_equal(rp.calls, 1);
	assert_int_equal(rp.last.stage, 2);
	assert_int_equal(rp.last.ipa, ipa);
	assert_int_equal(rp.last.kind, VCM_FAULT_TRANSLATION);
	/* stage 1: not the host's to repair */
	assert_int_equal(vcm_unback(w.gres), 0);
	assert_int_equal(dev_read(&w, w.da + 0x1100, &v), -ENOENT);
	assert_int_equal(rp.calls, 2);
	assert_int_equal(rp.last.stage, 1);
	assert_int_equal(vcm_back(w.gres, w.gmem), 0);
	assert_int_equal(vcm_hook(w.hdev, NULL, NULL), 0);
	teardown(&w);
}

/* The stage-2 ops refuse a model without stage 2 contexts, and a bad base. */
static void test_s2_ops_refusals(void **state)
{
	struct world w;
	struct vcm_sim_iommu_cfg mc = { .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "flat" };
	struct vcm_sim_iommu *flat;
	struct vcm_hw_regs hw;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_get_hw(w.host, w.hdev, &hw), 0);
	mc.plat = vcm_hosted_mem_plat(vcm_soc_mem(w.soc));
	assert_int_equal(vcm_sim_iommu_create(&mc, &flat, NULL), 0);
	assert_int_equal(vcm_sim_iommu_s2_ops.program(flat, 0, &hw), -EINVAL);
	assert_string_equal(vcm_sim_iommu_last_error(flat),
			    "vcm_sim_iommu_s2_ops.program: model 'flat' is not "
			    "VCM_SIM_IOMMU_SMMU_NESTED: no stage 2 contexts");
	assert_int_equal(vcm_sim_iommu_destroy(flat), 0);
	assert_int_equal(vcm_sim_iommu_s2_ops.program(w.mmu, 1, &hw), -EINVAL);
	assert_non_null(strstr(vcm_sim_iommu_last_error(w.mmu), "base 1: the model has 1 bank(s)"));
	assert_int_equal(vcm_sim_iommu_s2_ops.program(w.mmu, 0, NULL), -EINVAL);
	/* the host's own table programmed as a stage 1: refused by its registers */
	assert_int_equal(vcm_sim_iommu_ops.program(w.mmu, 0, &hw), -EINVAL);
	teardown(&w);
}

/* vcm_nest_plat_init() refusals, each named. */
static void test_plat_errors(void **state)
{
	struct world w;
	struct vcm_nest_plat np;
	struct vcm_res *bare, *two;
	struct vcm_mem *ma, *mb, *mc, *split;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_reserve(w.host, 0x10000, 0, RW, &bare), 0);
	assert_int_equal(vcm_nest_plat_init(&np, bare), -ENOENT);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "vcm_nest_plat_init: tables at IPA"));
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "is not backed"));
	assert_int_equal(vcm_nest_plat_init(NULL, w.htbl), -EINVAL);
	assert_string_equal(vcm_sys_last_error(w.hsys), "vcm_nest_plat_init: np is NULL");
	/* memory in two physical extents: a hole left by a freed page between them */
	assert_int_equal(vcm_alloc(w.hsys, 0, 0x1000, VCM_PHYS_4KB, &ma), 0);
	assert_int_equal(vcm_alloc(w.hsys, 0, 0x1000, VCM_PHYS_4KB, &mb), 0);
	assert_int_equal(vcm_alloc(w.hsys, 0, 0x1000, VCM_PHYS_4KB, &mc), 0);
	assert_int_equal(vcm_free_phys(w.hsys, mb), 0);
	assert_int_equal(vcm_alloc(w.hsys, 0, 0x2000, VCM_PHYS_4KB, &split), 0);
	assert_int_equal(vcm_reserve(w.host, 0x2000, 0, RW, &two), 0);
	assert_int_equal(vcm_back(two, split), 0);
	assert_int_equal(vcm_nest_plat_init(&np, two), -EINVAL);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "2 physical extents, one is needed"));
	assert_int_equal(vcm_unback(two), 0);
	assert_int_equal(vcm_unreserve(two), 0);
	assert_int_equal(vcm_free_phys(w.hsys, split), 0);
	assert_int_equal(vcm_free_phys(w.hsys, ma), 0);
	assert_int_equal(vcm_free_phys(w.hsys, mc), 0);
	/* a stale handle */
	assert_int_equal(vcm_unreserve(bare), 0);
	assert_int_equal(vcm_nest_plat_init(&np, bare), -EINVAL);
	/* a guest memtype over its own table arena: a buffer there would hold its tables */
	{
		static const struct vcm_phys_range over = { TBL_IPA + TBL_LEN - 0x1000, 0x2000 };
		const struct vcm_phys_memtype_cfg mt = { &over, 1, VCM_PHYS_4KB };
		struct vcm_sys_cfg gcfg = { .plat = &w.np.ops, .memtypes = &mt, .nr_memtypes = 1 };
		struct vcm_diag d = { 0 };
		struct vcm_sys *bad = NULL;

		assert_int_equal(vcm_sys_create(&gcfg, &bad, &d), -EINVAL);
		assert_null(bad);
		assert_string_equal(d.msg, "vcm_sys_create: cfg->memtypes[0].ranges[0] "
				    "[0x4003f000, +0x2000) covers the guest's table arena at IPA "
				    "0x40000000: a buffer there would hold its own tables");
	}
	teardown(&w);
}

/*
 * A guest's tables keep CPU pointers into the host memory under their arena:
 * from vcm_nest_plat_init() to vcm_nest_plat_fini() the host may neither
 * move nor free that memory, backed or not (unbacked and backed again, a
 * migrate moved the live tables away), nor give it a second arena through
 * any reservation. Other host memory still moves.
 */
static void test_tables_pinned(void **state)
{
	struct world w;
	struct vcm_nest_plat np;
	struct vcm_res *alias, *spare;
	struct vcm_mem *mspare;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_migrate(w.hsys, w.mtbl), -EBUSY);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys),
			       "vcm_migrate: mem holds a guest's tables (IPA 0x40000000)"));
	/* unbacked and backed again, the live guest's tables are still there */
	assert_int_equal(vcm_unback(w.htbl), 0);
	assert_int_equal(vcm_migrate(w.hsys, w.mtbl), -EBUSY);
	assert_int_equal(vcm_free_phys(w.hsys, w.mtbl), -EBUSY);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys),
			       "vcm_free_phys: mem holds a guest's tables (IPA 0x40000000): "
			       "vcm_nest_plat_fini() that guest's plat first"));
	assert_int_equal(vcm_back(w.htbl, w.mtbl), 0);
	assert_int_equal(vcm_migrate(w.hsys, w.mtbl), -EBUSY);
	/* the same memory at another IPA: no second arena on those bytes */
	assert_int_equal(vcm_reserve(w.host, TBL_LEN, 0, RW, &alias), 0);
	assert_int_equal(vcm_back(alias, w.mtbl), 0);
	assert_int_equal(vcm_nest_plat_init(&np, alias), -EBUSY);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "holds a guest's tables already"));
	assert_int_equal(vcm_unback(alias), 0);
	assert_int_equal(vcm_unreserve(alias), 0);
	/* the guest's data memory is not pinned */
	assert_int_equal(vcm_migrate(w.hsys, w.mdata), 0);
	/* an arena pins its memory until its plat is finished */
	host_back(&w, HOST_IPA + HOST_LEN - TBL_LEN, TBL_LEN, RW, true, &spare, &mspare);
	assert_int_equal(vcm_migrate(w.hsys, mspare), 0);
	assert_int_equal(vcm_nest_plat_init(&np, spare), 0);
	/* again through the same reservation: it would reset the live arena's books */
	assert_int_equal(vcm_nest_plat_init(&np, spare), -EBUSY);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "vcm_nest_plat_fini() that one first"));
	assert_int_equal(vcm_nest_plat_init(&np, w.htbl), -EBUSY);
	assert_int_equal(vcm_migrate(w.hsys, mspare), -EBUSY);
	assert_int_equal(vcm_unback(spare), 0);
	assert_int_equal(vcm_migrate(w.hsys, mspare), -EBUSY);
	assert_int_equal(vcm_nest_plat_fini(&np), 0);
	assert_int_equal(vcm_migrate(w.hsys, mspare), 0);
	/* finished: a new arena may be made over it */
	assert_int_equal(vcm_back(spare, mspare), 0);
	assert_int_equal(vcm_nest_plat_init(&np, spare), 0);
	assert_int_equal(vcm_nest_plat_fini(&np), 0);
	assert_int_equal(vcm_nest_plat_fini(NULL), -EINVAL);
	assert_int_equal(vcm_unback(spare), 0);
	assert_int_equal(vcm_free_phys(w.hsys, mspare), 0);
	assert_int_equal(vcm_unreserve(spare), 0);
	teardown(&w);
}

/* Fill guest @res with words @seed, @seed + 1, ... through the host CPU view. */
static void guest_fill(struct world *w, struct vcm_res *res, uint32_t seed)
{
	for (uint64_t off = 0; off < vcm_get_res_len(res); off += 4) {
		uint32_t v = seed + (uint32_t)(off / 4U);

		memcpy(host_byte(w, vcm_get_dev_addr(res) + off, NULL, NULL), &v, 4);
	}
}

static void guest_expect(struct world *w, struct vcm_res *res, uint32_t seed)
{
	for (uint64_t off = 0; off < vcm_get_res_len(res); off += 4) {
		uint32_t v;

		memcpy(&v, host_byte(w, vcm_get_dev_addr(res) + off, NULL, NULL), 4);
		assert_int_equal(v, seed + (uint32_t)(off / 4U));
	}
}

/*
 * A guest's copy and migrate go through the host's CPU view IPA page by IPA
 * page: the host's pages behind a guest's contiguous IPAs are anywhere (one
 * memcpy per IPA run wrote past the host page into a host buffer the guest
 * does not own). And they write only what the host maps writable, as a
 * device would (-EACCES, nothing copied).
 */
static void test_guest_copy(void **state)
{
	enum { PAGES = DATA_LEN / 0x1000 };
	const struct vcm_plat_ops *hplat;
	struct vcm_mem *single[2 * PAGES], *frag, *ma, *mb, *mro;
	struct vcm_res *ra, *rb, *rro;
	struct world w;
	uint8_t *spacer;
	vcm_pa_t pa;
	uint64_t it = 0, len, n = 0;

	(void)state;
	setup(&w);
	hplat = vcm_hosted_mem_plat(vcm_soc_mem(w.soc));
	/* the host's data memory again, one page in two: no two pages adjacent */
	assert_int_equal(vcm_unback(w.gres), 0);
	assert_int_equal(vcm_unback(w.hdata), 0);
	assert_int_equal(vcm_free_phys(w.hsys, w.mdata), 0);
	for (int i = 0; i < 2 * PAGES; i++)
		assert_int_equal(vcm_alloc(w.hsys, 0, 0x1000, VCM_PHYS_4KB, &single[i]), 0);
	for (int i = 0; i < 2 * PAGES; i += 2)
		assert_int_equal(vcm_free_phys(w.hsys, single[i]), 0);
	assert_int_equal(vcm_alloc(w.hsys, 0, DATA_LEN, VCM_PHYS_4KB, &frag), 0);
	while (vcm_mem_next_extent(frag, &it, &pa, &len) == 0)
		n++;
	assert_true(n > 1);
	w.mdata = frag;
	assert_int_equal(vcm_back(w.hdata, w.mdata), 0);
	assert_int_equal(vcm_back(w.gres, w.gmem), 0);
	/* the host pages between: a pattern the guest must not touch */
	for (int i = 1; i < 2 * PAGES; i += 2) {
		it = 0;
		assert_int_equal(vcm_mem_next_chunk(single[i], &it, &pa, &len), 0);
		memset(hplat->pa_to_cpu(hplat->ctx, pa), 0x5a, 0x1000);
	}

	assert_int_equal(vcm_reserve(w.guest, 0x2000, 0, RW, &ra), 0);
	assert_int_equal(vcm_reserve(w.guest, 0x2000, 0, RW, &rb), 0);
	assert_int_equal(vcm_alloc_cont(w.gsys, 0, 0x2000, 0x1000, &ma), 0);
	assert_int_equal(vcm_alloc_cont(w.gsys, 0, 0x2000, 0x1000, &mb), 0);
	assert_int_equal(vcm_back(ra, ma), 0);
	assert_int_equal(vcm_back(rb, mb), 0);
	guest_fill(&w, ra, 0xa0000000U);
	guest_fill(&w, rb, 0xb0000000U);
	assert_int_equal(vcm_res_copy(rb, 0, ra, 0, 0x2000), 0);
	guest_expect(&w, rb, 0xa0000000U);
	assert_int_equal(vcm_migrate(w.gsys, ma), 0);
	guest_expect(&w, ra, 0xa0000000U);
	for (int i = 1; i < 2 * PAGES; i += 2) {
		it = 0;
		assert_int_equal(vcm_mem_next_chunk(single[i], &it, &pa, &len), 0);
		spacer = hplat->pa_to_cpu(hplat->ctx, pa);
		for (unsigned int k = 0; k < 0x1000; k++)
			assert_int_equal(spacer[k], 0x5a);
	}

	/* into what the host maps read-only: refused, nothing copied */
	assert_int_equal(vcm_reserve(w.guest, 0x2000, 0, RW, &rro), 0);
	assert_int_equal(vcm_alloc(w.gsys, 1, 0x2000, VCM_PHYS_4KB, &mro), 0);
	assert_int_equal(vcm_back(rro, mro), 0);
	guest_fill(&w, rro, 0xc0000000U);
	assert_int_equal(vcm_res_copy(rro, 0, ra, 0, 0x2000), -EACCES);
	assert_non_null(strstr(vcm_sys_last_error(w.gsys),
			       "vcm_res_copy: to: pa 0x42"));
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), ": the host maps it read-only"));
	guest_expect(&w, rro, 0xc0000000U);
	/* a copy out of it is fine */
	assert_int_equal(vcm_res_copy(rb, 0, rro, 0, 0x2000), 0);
	guest_expect(&w, rb, 0xc0000000U);
	/* and a migrate inside it is refused too, changing nothing */
	assert_int_equal(vcm_migrate(w.gsys, mro), -EACCES);
	guest_expect(&w, rro, 0xc0000000U);

	assert_int_equal(vcm_unback(rro), 0);
	assert_int_equal(vcm_unback(ra), 0);
	assert_int_equal(vcm_unback(rb), 0);
	assert_int_equal(vcm_unreserve(rro), 0);
	assert_int_equal(vcm_unreserve(ra), 0);
	assert_int_equal(vcm_unreserve(rb), 0);
	assert_int_equal(vcm_free_phys(w.gsys, mro), 0);
	assert_int_equal(vcm_free_phys(w.gsys, ma), 0);
	assert_int_equal(vcm_free_phys(w.gsys, mb), 0);
	for (int i = 1; i < 2 * PAGES; i += 2)
		assert_int_equal(vcm_free_phys(w.hsys, single[i]), 0);
	teardown(&w);
}

/* The host physical address of @mem's first byte (one chunk is enough here). */
static vcm_pa_t mem_pa(const struct vcm_mem *mem)
{
	uint64_t it = 0, len;
	vcm_pa_t pa = 0;

	assert_int_equal(vcm_mem_next_chunk(mem, &it, &pa, &len), 0);
	return pa;
}

/*
 * The live arena's bytes reached through another host allocation, a wrap of
 * their physical range, at another IPA: no second arena there, whether the
 * wrap covers all of the arena or only its last page. The live arena's
 * books stay as they were and the guest keeps working.
 */
static void test_arena_wrap_refused(void **state)
{
	struct vcm_nest_plat np;
	struct vcm_res *alias, *r;
	struct vcm_mem *wrap, *m;
	struct world w;
	uint64_t free_before;
	vcm_pa_t tpa;

	(void)state;
	setup(&w);
	tpa = mem_pa(w.mtbl);
	free_before = vcm_plat_arena_free_bytes(&w.np.arena);

	assert_int_equal(vcm_alloc_wrap(w.hsys, tpa, TBL_LEN, &wrap), 0);
	assert_int_equal(vcm_reserve(w.host, TBL_LEN, 0, RW, &alias), 0);
	assert_int_equal(vcm_back(alias, wrap), 0);
	assert_int_equal(vcm_nest_plat_init(&np, alias), -EBUSY);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "vcm_nest_plat_init: tables at IPA 0x"));
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), ": its memory holds a guest's tables "
			       "already (the arena at IPA 0x40000000; vcm_nest_plat_fini() that "
			       "one first)"));
	assert_int_equal(vcm_unback(alias), 0);
	assert_int_equal(vcm_unreserve(alias), 0);
	assert_int_equal(vcm_free_phys(w.hsys, wrap), 0);

	/* one shared page is enough */
	assert_int_equal(vcm_alloc_wrap(w.hsys, tpa + TBL_LEN - 0x1000, 0x1000, &wrap), 0);
	assert_int_equal(vcm_reserve(w.host, 0x1000, 0, RW, &alias), 0);
	assert_int_equal(vcm_back(alias, wrap), 0);
	assert_int_equal(vcm_nest_plat_init(&np, alias), -EBUSY);
	assert_int_equal(vcm_unback(alias), 0);
	assert_int_equal(vcm_unreserve(alias), 0);
	assert_int_equal(vcm_free_phys(w.hsys, wrap), 0);

	assert_int_equal(vcm_plat_arena_check_(&w.np.arena), 0);
	assert_int_equal(vcm_plat_arena_free_bytes(&w.np.arena), free_before);
	/* the live arena still hands out tables: a mapping far from the others needs new ones */
	assert_int_equal(vcm_reserve_at(w.guest, 0x800000, 0x1000, RW, &r), 0);
	assert_int_equal(vcm_alloc(w.gsys, 0, 0x1000, VCM_PHYS_4KB, &m), 0);
	assert_int_equal(vcm_back(r, m), 0);
	assert_true(vcm_plat_arena_free_bytes(&w.np.arena) < free_before);
	assert_int_equal(dev_write(&w, 0x800000, 0x600dU), 0);
	assert_int_equal(vcm_plat_arena_check_(&w.np.arena), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(w.gsys, m), 0);
	teardown(&w);
}

/*
 * vcm_nest_plat_fini() under a live guest's tables is refused, named, and
 * changes nothing: the memory stays pinned and the guest keeps mapping.
 */
static void test_fini_busy(void **state)
{
	struct world w;
	uint32_t v = 0;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_nest_plat_fini(&w.np), -EBUSY);
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), "vcm_nest_plat_fini: np: a live "
			       "guest system has 0x"));
	assert_non_null(strstr(vcm_sys_last_error(w.hsys), " bytes of tables in the arena at IPA "
			       "0x40000000: vcm_sys_destroy() it first"));
	assert_int_equal(vcm_free_phys(w.hsys, w.mtbl), -EBUSY);
	assert_int_equal(vcm_migrate(w.hsys, w.mtbl), -EBUSY);
	/* the guest is untouched: its device still reaches its memory */
	assert_int_equal(vcm_unback(w.gres), 0);
	assert_int_equal(vcm_back(w.gres, w.gmem), 0);
	assert_int_equal(dev_write(&w, w.da, 0x5eedU), 0);
	assert_int_equal(dev_read(&w, w.da, &v), 0);
	assert_int_equal(v, 0x5eedU);
	teardown(&w);
}

/*
 * A guest system over a finished plat: vcm_sys_create() refuses it, naming
 * cfg->plat, before any platform call. A guest with no tables when its plat
 * is finished gets no table memory afterwards.
 */
static void test_create_after_fini(void **state)
{
	static const struct vcm_phys_range range = { DATA_IPA, DATA_LEN };
	const struct vcm_phys_memtype_cfg mt = { &range, 1, VCM_PHYS_4KB };
	struct vcm_sys_cfg gcfg = { .memtypes = &mt, .nr_memtypes = 1 };
	struct vcm_dev_cfg dcfg = { 0 };
	struct vcm_nest_plat np;
	struct vcm_sys *gs = NULL;
	struct vcm_res *spare;
	struct vcm_mem *mspare;
	struct vcm_diag d = { 0 };
	struct vcm_avcm *a = NULL;
	struct vcm_dev *dev;
	struct vcm *v;
	struct world w;

	(void)state;
	setup(&w);
	host_back(&w, HOST_IPA + HOST_LEN - TBL_LEN, TBL_LEN, RW, true, &spare, &mspare);
	assert_int_equal(vcm_nest_plat_init(&np, spare), 0);
	assert_int_equal(vcm_nest_plat_fini(&np), 0);
	gcfg.plat = &np.ops;
	assert_int_equal(vcm_sys_create(&gcfg, &gs, &d), -EINVAL);
	assert_null(gs);
	assert_string_equal(d.msg, "vcm_sys_create: cfg->plat: its vcm_nest_plat is finished "
			    "or was never made: no host memory is pinned for the guest's tables");
	/* its memory is the host's again */
	assert_int_equal(vcm_migrate(w.hsys, mspare), 0);

	/* made again, a guest over it, finished while that guest has no tables */
	assert_int_equal(vcm_nest_plat_init(&np, spare), 0);
	assert_int_equal(vcm_sys_create(&gcfg, &gs, NULL), 0);
	assert_int_equal(vcm_nest_plat_fini(&np), 0);
	dcfg.name = "late";
	dcfg.mapper = &vcm_mapper_pt;
	dcfg.mapper_cfg = &guest_pt;
	dcfg.nr_bases = 1;
	assert_int_equal(vcm_dev_register(gs, &dcfg, &dev), 0);
	assert_int_equal(vcm_create(gs, 0x100000, 0x100000, &v), 0);
	assert_int_equal(vcm_assoc(v, dev, VCM_USE_LOW_BASE, &a), -ENOMEM);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_dev_unregister(dev), 0);
	assert_int_equal(vcm_sys_destroy(gs), 0);

	assert_int_equal(vcm_unback(spare), 0);
	assert_int_equal(vcm_unreserve(spare), 0);
	assert_int_equal(vcm_free_phys(w.hsys, mspare), 0);
	teardown(&w);
}

/*
 * A guest's memtypes the phys layer refuses get its plain message, as for
 * any system: the arena check reads no range before they are known good
 * (a NULL ranges array, more memtypes than the array holds).
 */
static void test_guest_bad_memtypes(void **state)
{
	static const struct vcm_phys_range over = { TBL_IPA, 0x1000 };
	const struct vcm_phys_memtype_cfg no_ranges[] = { { NULL, 1, VCM_PHYS_4KB } };
	const struct vcm_phys_memtype_cfg one[] = { { &over, 1, VCM_PHYS_4KB } };
	const struct vcm_phys_memtype_cfg mixed[] = {
		{ &over, 1, VCM_PHYS_4KB }, { NULL, 1, VCM_PHYS_4KB },
	};
	struct vcm_sys_cfg gcfg = { 0 };
	struct vcm_sys *gs = NULL;
	struct vcm_diag d = { 0 };
	struct world w;

	(void)state;
	setup(&w);
	gcfg.plat = &w.np.ops;
	gcfg.memtypes = no_ranges;
	gcfg.nr_memtypes = 1;
	assert_int_equal(vcm_sys_create(&gcfg, &gs, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_sys_create: memtypes: memtypes[0] has no ranges "
			    "(nr_ranges 1)");
	gcfg.memtypes = one;
	gcfg.nr_memtypes = 1000;
	assert_int_equal(vcm_sys_create(&gcfg, &gs, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_sys_create: memtypes: cfg->nr_memtypes 1000 is not "
			    "1..32 (or memtypes NULL)");
	/* a bad memtype after one over the arena: the phys layer's message */
	gcfg.memtypes = mixed;
	gcfg.nr_memtypes = 2;
	assert_int_equal(vcm_sys_create(&gcfg, &gs, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_sys_create: memtypes: memtypes[1] has no ranges "
			    "(nr_ranges 1)");
	/* well formed, over the arena: the arena check still speaks */
	gcfg.nr_memtypes = 1;
	assert_int_equal(vcm_sys_create(&gcfg, &gs, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "covers the guest's table arena at IPA 0x40000000"));
	assert_null(gs);
	teardown(&w);
}

/* Fill @len bytes at @p with @seed, @seed + 1, ... */
static void fill_bytes(uint8_t *p, uint64_t len, uint8_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		p[i] = (uint8_t)(seed + i);
}

static void expect_bytes(const uint8_t *p, uint64_t len, uint8_t seed)
{
	for (uint64_t i = 0; i < len; i++)
		assert_int_equal(p[i], (uint8_t)(seed + i));
}

/*
 * Two guest IPA ranges the host maps to the same memory share their bytes:
 * vcm_res_copy() and vcm_migrate() between them are refused before any byte
 * moves (a memcpy over them is undefined; piece by piece, a write through
 * one side changes what the other has still to read).
 */
static void test_copy_aliased_ipas(void **state)
{
	struct vcm_res *rro, *h1, *h2;
	struct vcm_mem *mro, *cont, *wrap, *wrap2;
	struct world w;
	vcm_pa_t pa;
	uint8_t *host;

	(void)state;
	setup(&w);
	/* the guest's data in one host run */
	assert_int_equal(vcm_unback(w.gres), 0);
	assert_int_equal(vcm_unback(w.hdata), 0);
	assert_int_equal(vcm_free_phys(w.hsys, w.mdata), 0);
	assert_int_equal(vcm_alloc_cont(w.hsys, 0, DATA_LEN, 0x1000, &cont), 0);
	w.mdata = cont;
	assert_int_equal(vcm_back(w.hdata, w.mdata), 0);
	assert_int_equal(vcm_back(w.gres, w.gmem), 0);
	/* the host puts the same bytes behind RODATA: a wrap of gres's host memory */
	host = host_byte(&w, w.da, NULL, &pa);
	assert_int_equal(vcm_unback(w.hro), 0);
	assert_int_equal(vcm_alloc_wrap(w.hsys, pa, RODATA_LEN, &wrap), 0);
	assert_int_equal(vcm_back(w.hro, wrap), 0);
	assert_int_equal(vcm_reserve(w.guest, RODATA_LEN, 0, RW, &rro), 0);
	assert_int_equal(vcm_alloc(w.gsys, 1, RODATA_LEN, VCM_PHYS_4KB, &mro), 0);
	assert_int_equal(vcm_back(rro, mro), 0);
	assert_ptr_equal(host_byte(&w, vcm_get_dev_addr(rro), NULL, NULL), host);

	fill_bytes(host, RODATA_LEN, 7);
	/* overlapping views inside one page */
	assert_int_equal(vcm_res_copy(w.gres, 0x10, rro, 0, 0x800), -EINVAL);
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), "vcm_res_copy: to: pa 0x"));
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), "is the same memory as a byte of "
			       "from (the host maps both IPAs to it)"));
	expect_bytes(host, RODATA_LEN, 7);
	/* a page apart: each piece is disjoint, the two ranges are not */
	assert_int_equal(vcm_res_copy(w.gres, 0x1000, rro, 0, 0x2000), -EINVAL);
	expect_bytes(host, RODATA_LEN, 7);
	assert_int_equal(vcm_res_copy(w.gres, 0, rro, 0x1000, 0x2000), -EINVAL);
	expect_bytes(host, RODATA_LEN, 7);
	/* bytes that share nothing still copy: gres's last page from rro's first */
	assert_int_equal(vcm_res_copy(w.gres, 0x3000, rro, 0, 0x1000), 0);
	expect_bytes(host, 0x3000, 7);
	expect_bytes(host + 0x3000, 0x1000, 7);

	/*
	 * vcm_migrate() of mro: its new memory is the other half of RODATA,
	 * which the host now maps one page behind the old half's bytes.
	 */
	assert_int_equal(vcm_unback(rro), 0);
	assert_int_equal(vcm_unreserve(rro), 0);
	assert_int_equal(vcm_free_phys(w.gsys, mro), 0);
	assert_int_equal(vcm_unback(w.hro), 0);
	assert_int_equal(vcm_unreserve(w.hro), 0);
	assert_int_equal(vcm_reserve_at(w.host, RODATA_IPA, 0x2000, RW, &h1), 0);
	assert_int_equal(vcm_reserve_at(w.host, RODATA_IPA + 0x2000, 0x2000, RW, &h2), 0);
	assert_int_equal(vcm_alloc_wrap(w.hsys, pa + 0x1000, 0x2000, &wrap2), 0);
	assert_int_equal(vcm_free_phys(w.hsys, wrap), 0);
	assert_int_equal(vcm_alloc_wrap(w.hsys, pa, 0x2000, &wrap), 0);
	assert_int_equal(vcm_back(h1, wrap), 0);
	assert_int_equal(vcm_back(h2, wrap2), 0);
	assert_int_equal(vcm_reserve(w.guest, 0x2000, 0, RW, &rro), 0);
	assert_int_equal(vcm_alloc_cont(w.gsys, 1, 0x2000, 0x1000, &mro), 0);
	assert_int_equal(vcm_back(rro, mro), 0);
	assert_ptr_equal(host_byte(&w, vcm_get_dev_addr(rro), NULL, NULL), host);
	fill_bytes(host, 0x3000, 9);
	assert_int_equal(vcm_migrate(w.gsys, mro), -EINVAL);
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), "is the same memory as a byte of the "
							     "old (the host maps both IPAs to it)"));
	expect_bytes(host, 0x3000, 9);
	assert_ptr_equal(host_byte(&w, vcm_get_dev_addr(rro), NULL, NULL), host);
	assert_int_equal(vcm_sys_check_(w.gsys), 0);

	assert_int_equal(vcm_unback(rro), 0);
	assert_int_equal(vcm_unreserve(rro), 0);
	assert_int_equal(vcm_free_phys(w.gsys, mro), 0);
	assert_int_equal(vcm_unback(h1), 0);
	assert_int_equal(vcm_unback(h2), 0);
	assert_int_equal(vcm_unreserve(h1), 0);
	assert_int_equal(vcm_unreserve(h2), 0);
	assert_int_equal(vcm_free_phys(w.hsys, wrap), 0);
	assert_int_equal(vcm_free_phys(w.hsys, wrap2), 0);
	/* teardown's RODATA reservation, over the original memory */
	assert_int_equal(vcm_reserve_at(w.host, RODATA_IPA, RODATA_LEN, RO, &w.hro), 0);
	assert_int_equal(vcm_back(w.hro, w.mro), 0);
	teardown(&w);
}

/* A copy with a side the host does not map names that side. */
static void test_copy_fault_side(void **state)
{
	struct vcm_res *rro;
	struct vcm_mem *mro;
	struct world w;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_reserve(w.guest, 0x2000, 0, RW, &rro), 0);
	assert_int_equal(vcm_alloc(w.gsys, 1, 0x2000, VCM_PHYS_4KB, &mro), 0);
	assert_int_equal(vcm_back(rro, mro), 0);
	/* the host takes its memory from under the guest's data (gres) */
	assert_int_equal(vcm_unback(w.hdata), 0);
	assert_int_equal(vcm_res_copy(rro, 0, w.gres, 0, 0x2000), -EFAULT);
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), "vcm_res_copy: from: pa 0x41"));
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), " has no CPU view"));
	assert_int_equal(vcm_res_copy(w.gres, 0, rro, 0, 0x2000), -EFAULT);
	assert_non_null(strstr(vcm_sys_last_error(w.gsys), "vcm_res_copy: to: pa 0x41"));
	assert_int_equal(vcm_back(w.hdata, w.mdata), 0);
	assert_int_equal(vcm_unback(rro), 0);
	assert_int_equal(vcm_unreserve(rro), 0);
	assert_int_equal(vcm_free_phys(w.gsys, mro), 0);
	teardown(&w);
}

/* What the host does in the middle of a guest's copy (test_copy_host_changes). */
static void act_migrate(struct world *w)
{
	assert_int_equal(vcm_migrate(w->hsys, w->mdata), 0);
}

static void act_unback(struct world *w)
{
	assert_int_equal(vcm_unback(w->hdata), 0);
}

/* Words @seed, @seed + 1, ... in @len bytes of host memory @mem from @off. */
static bool mem_holds(struct world *w, struct vcm_mem *mem, uint64_t off, uint64_t len,
		      uint32_t seed)
{
	const struct vcm_plat_ops *plat = vcm_hosted_mem_plat(vcm_soc_mem(w->soc));
	uint64_t it = 0, n, at = 0;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(mem, &it, &pa, &n) == 0)
		for (uint64_t i = 0; i < n; i += 4, at += 4)
			if (at >= off && at < off + len) {
				uint32_t v;

				memcpy(&v, (uint8_t *)plat->pa_to_cpu(plat->ctx, pa) + i, 4);
				if (v != seed + (uint32_t)((at - off) / 4U))
					return false;
			}
	return true;
}

/*
 * The host is another lock domain: it may migrate or unback the memory
 * under a guest's data while a guest copies (vcm.h). A guest's copy takes
 * each IPA's CPU view from the host; if it let the host's lock go between
 * its checks and its memcpy, the host's change landed in between: a copy
 * that returned 0 had written into the memory the host just left (gone from
 * the guest's data, into whatever the host gives that memory to next), or a
 * copy refused halfway had moved half its bytes. The host's change is run
 * at its lock's 1st, 2nd, ... release inside the copy, until one comes
 * after the copy: every one must find the copy whole, or nothing moved.
 */
static void test_copy_host_changes(void **state)
{
	void (*const acts[])(struct world *w) = { act_migrate, act_unback };
	struct vcm_res *ra, *rb;
	struct vcm_mem *ma, *mb;
	struct world w;
	uint64_t off_b = 0, it = 0, n;
	vcm_pa_t ipa_b;

	(void)state;
	setup(&w);
	assert_int_equal(vcm_reserve(w.guest, 0x3000, 0, RW, &ra), 0);
	assert_int_equal(vcm_reserve(w.guest, 0x3000, 0, RW, &rb), 0);
	assert_int_equal(vcm_alloc_cont(w.gsys, 0, 0x3000, 0x1000, &ma), 0);
	assert_int_equal(vcm_alloc_cont(w.gsys, 0, 0x3000, 0x1000, &mb), 0);
	assert_int_equal(vcm_back(ra, ma), 0);
	assert_int_equal(vcm_back(rb, mb), 0);
	/* rb's offset in the host's data memory */
	assert_int_equal(vcm_mem_next_chunk(mb, &it, &ipa_b, &n), 0);
	off_b = ipa_b - DATA_IPA;
	for (unsigned int a = 0; a < 2; a++) {
		bool fired = true;

		for (long k = 1; fired; k++) {
			int ret;

			guest_fill(&w, ra, 0xa0000000U);
			guest_fill(&w, rb, 0xb0000000U);
			w.hl.act = acts[a];
			w.hl.fired = false;
			w.hl.left = k;
			ret = vcm_res_copy(rb, 0, ra, 0, 0x3000);
			fired = w.hl.fired;
			w.hl.left = 0;
			/* the host's data memory now, wherever the host's change left it */
			if (ret == 0)
				assert_true(mem_holds(&w, w.mdata, off_b, 0x3000, 0xa0000000U));
			else
				assert_true(mem_holds(&w, w.mdata, off_b, 0x3000, 0xb0000000U));
			if (fired && acts[a] == act_unback)
				assert_int_equal(vcm_back(w.hdata, w.mdata), 0);
			/* the old memory kept no copied byte the new one lacks */
			guest_expect(&w, rb, ret == 0 ? 0xa0000000U : 0xb0000000U);
		}
	}
	assert_int_equal(vcm_unback(ra), 0);
	assert_int_equal(vcm_unback(rb), 0);
	assert_int_equal(vcm_unreserve(ra), 0);
	assert_int_equal(vcm_unreserve(rb), 0);
	assert_int_equal(vcm_free_phys(w.gsys, ma), 0);
	assert_int_equal(vcm_free_phys(w.gsys, mb), 0);
	teardown(&w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dma),
		cmocka_unit_test(test_guest_unmap),
		cmocka_unit_test(test_host_unmap_data),
		cmocka_unit_test(test_host_unmap_table),
		cmocka_unit_test(test_perms),
		cmocka_unit_test(test_plat_errors),
		cmocka_unit_test(test_tables_pinned),
		cmocka_unit_test(test_guest_copy),
		cmocka_unit_test(test_host_fault_repair),
		cmocka_unit_test(test_s2_ops_refusals),
		cmocka_unit_test(test_arena_wrap_refused),
		cmocka_unit_test(test_fini_busy),
		cmocka_unit_test(test_create_after_fini),
		cmocka_unit_test(test_guest_bad_memtypes),
		cmocka_unit_test(test_copy_aliased_ipas),
		cmocka_unit_test(test_copy_fault_side),
		cmocka_unit_test(test_copy_host_changes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
