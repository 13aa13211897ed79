// SPDX-License-Identifier: MIT
/*
 * Concurrency stress over one simulated SoC (include/vcm/soc.h), once with
 * the hosted system lock and once with the hosted finer locks (calls in
 * different VCMs at once, the lock order checked), meant for ThreadSanitizer
 * (scripts/test.sh) as much as for a plain run:
 *  - two threads share one VCM (one armv8 device) and reserve, back, check,
 *    unback and unreserve in it at the same time;
 *  - three threads each own a VCM and a device (armv7s, armv8 64K stage 2,
 *    armv8 4K) and also move data through their device's IOMMU model, which
 *    walks the table bytes the graph just wrote;
 *  - one thread backs the CPU's prebuilt VCM and writes through the pointer;
 *  - one thread runs the DMA engine model over its own buffers while
 *    allocating and freeing physical memory next to the others;
 *  - one thread maps, looks up and unmaps in a page table of its own whose
 *    table memory comes from the same locked arena as the graph's;
 *  - one thread changes the graph's shape over and over: a VCM made,
 *    associated with a device of its own, activated, a buffer backed and
 *    checked, and all of it taken down again.
 * Every step is checked: translations against the chunks behind them, the
 * reverse map, the bytes a device or the CPU wrote against the memory's own
 * view, and no translation left after unback. At the end the system's
 * validator runs and every object is gone.
 * STRESS_ROUNDS (environment) sets the rounds per thread (default 150).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <errno.h>
#include <pthread.h>
#include <cmocka.h>
#include <vcm/soc.h>
#include "common/test_rand.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

enum { D_SHARED, D_V7, D_S2, D_V8, D_DMA, D_CPU, D_SHAPE, D_NR };

static const struct vcm_sim_iommu_cfg iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "shared-smmu", .tlb_entries = 32 },
	{ .kind = VCM_SIM_IOMMU_MSM, .name = "msm", .tlb_entries = 32 },
	{ .kind = VCM_SIM_IOMMU_SMMU_S2, .name = "smmu-s2", .tlb_entries = 32 },
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu-s1", .tlb_entries = 32 },
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "shape-smmu", .tlb_entries = 32 },
};

static const struct vcm_soc_dev_cfg devs[D_NR] = {
	[D_SHARED] = { .name = "shared", .kind = VCM_SOC_DEV_PT,
		       .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 39, .oas = 40 }, .iommu = 0 },
	[D_V7] = { .name = "v7", .kind = VCM_SOC_DEV_PT, .pt = { .fmt = &vcm_pt_fmt_armv7s },
		   .iommu = 1 },
	[D_S2] = { .name = "s2", .kind = VCM_SOC_DEV_PT,
		   .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40, .granule_lg2 = 16,
			   .flags = VCM_PT_CFG_STAGE2 }, .iommu = 2 },
	[D_V8] = { .name = "v8", .kind = VCM_SOC_DEV_PT,
		   .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .oas = 40 }, .iommu = 3 },
	[D_DMA] = { .name = "dma", .kind = VCM_SOC_DEV_DMA, .engine = true, .hw_version = 1 },
	[D_CPU] = { .name = "cpu", .kind = VCM_SOC_DEV_CPU, .nr_bases = 2, .hw_version = 2 },
	[D_SHAPE] = { .name = "shape", .kind = VCM_SOC_DEV_PT,
		      .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 39, .oas = 40 }, .iommu = 4 },
};

/* memtype 0: every size; memtype 1: 1M and 64K (what the 64K granule can map) */
static const struct vcm_soc_memtype memtypes[] = {
	{ .pa = 0x80000000 + 8 * MB, .len = 88 * MB, .chunk_sizes = VCM_PHYS_DEFAULT_SIZES },
	{ .pa = 0x80000000 + 96 * MB, .len = 32 * MB, .chunk_sizes = VCM_PHYS_1MB | VCM_PHYS_64KB },
};

static struct vcm_soc *soc;
static struct vcm_sys *sys;
static struct vcm *shared_vcm;
static int rounds = 150;

enum job { J_SHARED, J_OWN, J_CPU, J_DMA, J_PT, J_SHAPE };

struct worker {
	enum job job;
	int dev;                /* its device (J_SHARED: the shared one) */
	unsigned int base;      /* the device's base its VCM is active on */
	unsigned int memtype;
	uint64_t unit;          /* lengths are multiples of this */
	uint64_t seed;
	pthread_t th;
	/* results */
	long ops;               /* public calls made */
	int failures;
	char first[256];        /* the first failure */
};

static void failed(struct worker *w, const char *fmt, ...)
{
	va_list ap;

	if (w->failures++ != 0)
		return;
	va_start(ap, fmt);
	vsnprintf(w->first, sizeof(w->first), fmt, ap);
	va_end(ap);
}

/* Chunk by chunk, @da + off translates to the chunk's pa for @dev. */
static void check_translations(struct worker *w, struct vcm_dev *dev, vcm_da_t da,
			       struct vcm_mem *m)
{
	uint64_t it = 0, len, off = 0;
	vcm_pa_t pa, got;

	while (vcm_mem_next_chunk(m, &it, &pa, &len) == 0) {
		vcm_da_t probe = da + off + len / 2;
		int ret = vcm_dev_addr_to_phys_addr(dev, w->base, probe, &got);

		w->ops += 2;
		if (ret != 0 || got != pa + len / 2)
			failed(w, "da %#llx: %d pa %#llx, want %#llx", (unsigned long long)probe,
			       ret, (unsigned long long)got, (unsigned long long)(pa + len / 2));
		/* the reverse map names this reservation at this da */
		if (vcm_get_phys_num_res(sys, pa) != 1)
			failed(w, "pa %#llx: %llu reservations, want 1", (unsigned long long)pa,
			       (unsigned long long)vcm_get_phys_num_res(sys, pa));
		w->ops++;
		off += len;
	}
}

/* Bytes written through @dev's IOMMU model land at the pa the graph mapped. */
static void check_model(struct worker *w, vcm_da_t da, struct vcm_mem *m, uint8_t tag)
{
	struct vcm_sim_iommu *io = vcm_soc_iommu(soc, devs[w->dev].iommu);
	uint8_t buf[512], back[512];
	uint64_t it = 0, len;
	vcm_pa_t pa;
	uint8_t *cpu;
	int ret;

	memset(buf, tag, sizeof(buf));
	ret = vcm_sim_iommu_write(io, 0, da, buf, sizeof(buf));
	w->ops++;
	if (ret != 0) {
		failed(w, "write through the model at da %#llx: %d %s", (unsigned long long)da,
		       ret, vcm_sim_iommu_last_error(io));
		return;
	}
	(void)vcm_mem_next_chunk(m, &it, &pa, &len);
	cpu = vcm_hosted_mem_cpu(vcm_soc_mem(soc), pa);
	if (cpu == NULL || memcmp(cpu, buf, sizeof(buf)) != 0)
		failed(w, "bytes written at da %#llx are not at pa %#llx", (unsigned long long)da,
		       (unsigned long long)pa);
	ret = vcm_sim_iommu_read(io, 0, da, back, sizeof(back));
	w->ops++;
	if (ret != 0 || memcmp(back, buf, sizeof(buf)) != 0)
		failed(w, "read back through the model at da %#llx: %d", (unsigned long long)da, ret);
}

/* One round in @v: reserve, allocate, back, check, unback, check, undo. */
static void round_in(struct worker *w, struct vcm *v, struct vcm_dev *dev, uint64_t *rng,
		     uint8_t tag)
{
	uint64_t len = w->unit * (1U + test_rand_below(rng, 48));
	struct vcm_res *r = NULL;
	struct vcm_mem *m = NULL;
	vcm_pa_t pa;
	vcm_da_t da;
	int ret;

	ret = vcm_reserve(v, len, 0, RW, &r);
	w->ops++;
	if (ret != 0) {
		failed(w, "vcm_reserve %#llx: %d %s", (unsigned long long)len, ret,
		       vcm_sys_last_error(sys));
		return;
	}
	ret = vcm_alloc(sys, w->memtype, len, 0, &m);
	w->ops++;
	if (ret != 0) {
		failed(w, "vcm_alloc %#llx: %d %s", (unsigned long long)len, ret,
		       vcm_sys_last_error(sys));
		goto unreserve;
	}
	ret = vcm_back(r, m);
	w->ops++;
	if (ret != 0) {
		failed(w, "vcm_back: %d %s", ret, vcm_sys_last_error(sys));
		goto free;
	}
	da = vcm_get_dev_addr(r);
	w->ops++;
	if (vcm_get_physmem_from_res(r) != m)
		failed(w, "vcm_get_physmem_from_res is not the memory backing it");
	check_translations(w, dev, da, m);
	if (w->job == J_OWN)
		check_model(w, da, m, tag);
	if (w->job == J_CPU) {
		/* the pointer is the device address: the bytes are the memory's own */
		uint64_t it = 0, clen;

		memset((void *)(uintptr_t)da, tag, (size_t)w->unit);
		(void)vcm_mem_next_chunk(m, &it, &pa, &clen);
		if (memcmp(vcm_hosted_mem_cpu(vcm_soc_mem(soc), pa), (void *)(uintptr_t)da,
			   (size_t)w->unit) != 0)
			failed(w, "the CPU pointer %#llx does not show pa %#llx",
			       (unsigned long long)da, (unsigned long long)pa);
	}
	ret = vcm_unback(r);
	w->ops++;
	if (ret != 0)
		failed(w, "vcm_unback: %d %s", ret, vcm_sys_last_error(sys));
	/* nothing translates any more, and the reverse map forgot it */
	ret = vcm_dev_addr_to_phys_addr(dev, w->base, da, &pa);
	w->ops++;
	if (ret != -ENOENT)
		failed(w, "da %#llx still translates after unback: %d", (unsigned long long)da, ret);
free:
	ret = vcm_free_phys(sys, m);
	w->ops++;
	if (ret != 0)
		failed(w, "vcm_free_phys: %d %s", ret, vcm_sys_last_error(sys));
unreserve:
	ret = vcm_unreserve(r);
	w->ops++;
	if (ret != 0)
		failed(w, "vcm_unreserve: %d %s", ret, vcm_sys_last_error(sys));
}

static void run_vcm(struct worker *w, struct vcm *v, struct vcm_dev *dev)
{
	uint64_t rng = w->seed;

	for (int i = 0; i < rounds && w->failures == 0; i++)
		round_in(w, v, dev, &rng, (uint8_t)(i + 1));
}

/* Its own VCM and device, associated and active while it runs. */
static void job_own(struct worker *w)
{
	struct vcm_dev *dev = vcm_soc_dev(soc, (unsigned int)w->dev);
	struct vcm_avcm *a;
	struct vcm *v;

	if (vcm_create(sys, 0x10000000, 512 * MB, &v) != 0 || vcm_assoc(v, dev, 0, &a) != 0 ||
	    vcm_activate(a) != 0) {
		failed(w, "own VCM: %s", vcm_sys_last_error(sys));
		return;
	}
	w->ops += 3;
	run_vcm(w, v, dev);
	if (vcm_deactivate(a) != 0 || vcm_deassoc(a) != 0 || vcm_free(v) != 0)
		failed(w, "own VCM teardown: %s", vcm_sys_last_error(sys));
	w->ops += 3;
}

static void job_cpu(struct worker *w)
{
	struct vcm_dev *dev = vcm_soc_dev(soc, D_CPU);
	struct vcm *v;

	if (vcm_create_prebuilt(sys, dev, false, &v) != 0) {
		failed(w, "prebuilt: %s", vcm_sys_last_error(sys));
		return;
	}
	w->ops++;
	run_vcm(w, v, dev);
	if (vcm_free(v) != 0)
		failed(w, "prebuilt teardown: %s", vcm_sys_last_error(sys));
	w->ops++;
}

/* The scatter list of @m. */
static size_t sg_of(struct vcm_mem *m, struct vcm_sim_sg *sg, size_t max)
{
	uint64_t it = 0, len;
	vcm_pa_t pa;
	size_t n = 0;

	while (n < max && vcm_mem_next_chunk(m, &it, &pa, &len) == 0)
		sg[n++] = (struct vcm_sim_sg){ pa, len };
	return n;
}

/* The DMA engine copies between two buffers of its own while memory churns. */
static void job_dma(struct worker *w)
{
	struct vcm_sim_dma *dma = vcm_soc_dma(soc, D_DMA);
	struct vcm_sim_sg src[64], dst[64];
	struct vcm_mem *a, *b;
	uint64_t rng = w->seed, len = 2 * MB + 68 * KB;
	size_t ns, nd;
	uint8_t *pat;

	if (vcm_alloc(sys, 0, len, 0, &a) != 0 || vcm_alloc(sys, 0, len, 0, &b) != 0) {
		failed(w, "dma buffers: %s", vcm_sys_last_error(sys));
		return;
	}
	w->ops += 2;
	ns = sg_of(a, src, 64);
	nd = sg_of(b, dst, 64);
	pat = malloc((size_t)len);
	assert_non_null(pat);
	for (int i = 0; i < rounds && w->failures == 0; i++) {
		struct vcm_mem *churn;
		uint64_t clen = 4 * KB * (1U + test_rand_below(&rng, 64));
		int ret;

		for (uint64_t k = 0; k < len; k++)
			pat[k] = (uint8_t)(k * 7U + (uint64_t)i);
		ret = vcm_sim_dma_to_mem(dma, src, ns, pat, len);
		if (ret == 0)
			ret = vcm_sim_dma_copy(dma, dst, nd, src, ns, len);
		memset(pat, 0, (size_t)len);
		if (ret == 0)
			ret = vcm_sim_dma_from_mem(dma, dst, nd, pat, len);
		w->ops += 3;
		if (ret != 0)
			failed(w, "dma: %d %s", ret, vcm_sim_dma_last_error(dma));
		for (uint64_t k = 0; k < len && w->failures == 0; k++)
			if (pat[k] != (uint8_t)(k * 7U + (uint64_t)i))
				failed(w, "dma round %d: byte %llu differs", i, (unsigned long long)k);
		if (vcm_alloc(sys, 0, clen, 0, &churn) != 0 || vcm_free_phys(sys, churn) != 0)
			failed(w, "churn: %s", vcm_sys_last_error(sys));
		w->ops += 2;
	}
	free(pat);
	if (vcm_free_phys(sys, a) != 0 || vcm_free_phys(sys, b) != 0)
		failed(w, "dma buffers: %s", vcm_sys_last_error(sys));
	w->ops += 2;
}

/*
 * A page table of its own on the SoC's memory, next to the graph's: its
 * table memory comes from the same locked arena. Maps and unmaps pieces of a
 * buffer of its own, every page looked up after each map.
 */
static void job_pt(struct worker *w)
{
	const struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .oas = 40,
					.plat = vcm_hosted_mem_plat(vcm_soc_mem(soc)) };
	struct vcm_diag d = { 0 };
	uint64_t rng = w->seed, len = 4 * MB;
	struct vcm_mem *m;
	struct vcm_pt *pt;
	uint64_t it = 0, clen;
	vcm_pa_t pa;

	if (vcm_alloc_cont(sys, 0, len, 2 * MB, &m) != 0) {
		failed(w, "pt buffer: %s", vcm_sys_last_error(sys));
		return;
	}
	(void)vcm_mem_next_chunk(m, &it, &pa, &clen);
	if (vcm_pt_create(&cfg, &pt, &d) != 0) {
		failed(w, "vcm_pt_create: %s", d.msg);
		vcm_free_phys(sys, m);
		return;
	}
	w->ops += 2;
	for (int i = 0; i < rounds && w->failures == 0; i++) {
		/* a piece of the buffer at a random place of a 1 GiB range */
		uint64_t off = 4 * KB * test_rand_below(&rng, 512);
		uint64_t n = 4 * KB * (1U + test_rand_below(&rng, (len - off) / (4 * KB)));
		vcm_da_t da = (test_rand_below(&rng, 256) << 22) + off;
		struct vcm_pt_leaf leaf;
		uint64_t done = 0;
		int ret = vcm_pt_map(pt, da, pa + off, n, RW);

		w->ops++;
		if (ret != 0) {
			failed(w, "vcm_pt_map da %#llx: %d %s", (unsigned long long)da, ret,
			       vcm_pt_last_error(pt));
			break;
		}
		for (uint64_t k = 0; k < n; k += 64 * KB) {
			ret = vcm_pt_lookup(pt, da + k, &leaf);
			w->ops++;
			if (ret != 0 || leaf.pa + (da + k - leaf.da) != pa + off + k)
				failed(w, "lookup of da %#llx: %d", (unsigned long long)(da + k), ret);
		}
		ret = vcm_pt_unmap(pt, da, n, &done);
		w->ops++;
		if (ret != 0 || done != n)
			failed(w, "vcm_pt_unmap da %#llx: %d, %#llx of %#llx", (unsigned long long)da,
			       ret, (unsigned long long)done, (unsigned long long)n);
		if (vcm_pt_lookup(pt, da, &leaf) != -ENOENT)
			failed(w, "da %#llx still mapped after unmap", (unsigned long long)da);
		w->ops++;
	}
	if (vcm_pt_destroy(pt) != 0 || vcm_free_phys(sys, m) != 0)
		failed(w, "pt teardown");
	w->ops += 2;
}

/* The graph's shape changes while the others map: every round a VCM of its
 * own is made, associated, activated, used once and taken down. */
static void job_shape(struct worker *w)
{
	struct vcm_dev *dev = vcm_soc_dev(soc, D_SHAPE);
	uint64_t rng = w->seed;

	for (int i = 0; i < rounds / 4 && w->failures == 0; i++) {
		struct vcm_avcm *a;
		struct vcm *v;

		if (vcm_create(sys, 0x20000000, 64 * MB, &v) != 0) {
			failed(w, "shape: vcm_create: %s", vcm_sys_last_error(sys));
			return;
		}
		if (vcm_assoc(v, dev, 0, &a) != 0 || vcm_activate(a) != 0) {
			failed(w, "shape: assoc/activate: %s", vcm_sys_last_error(sys));
			(void)vcm_free(v);
			return;
		}
		w->ops += 3;
		round_in(w, v, dev, &rng, (uint8_t)i);
		if (vcm_deactivate(a) != 0 || vcm_deassoc(a) != 0 || vcm_free(v) != 0)
			failed(w, "shape: teardown: %s", vcm_sys_last_error(sys));
		w->ops += 3;
	}
}

static void *work(void *arg)
{
	struct worker *w = arg;

	switch (w->job) {
	case J_SHARED:
		run_vcm(w, shared_vcm, vcm_soc_dev(soc, D_SHARED));
		break;
	case J_OWN:
		job_own(w);
		break;
	case J_CPU:
		job_cpu(w);
		break;
	case J_DMA:
		job_dma(w);
		break;
	case J_PT:
		job_pt(w);
		break;
	case J_SHAPE:
		job_shape(w);
		break;
	}
	return NULL;
}

static void stress(bool fine)
{
	static const char *const names[] = { "shared", "own", "cpu", "dma", "pt", "shape" };
	struct worker w[] = {
		{ .job = J_SHARED, .dev = D_SHARED, .memtype = 0, .unit = 4 * KB, .seed = 1 },
		{ .job = J_SHARED, .dev = D_SHARED, .memtype = 0, .unit = 68 * KB, .seed = 2 },
		{ .job = J_OWN, .dev = D_V7, .memtype = 0, .unit = 4 * KB, .seed = 3 },
		{ .job = J_OWN, .dev = D_S2, .memtype = 1, .unit = 64 * KB, .seed = 4 },
		{ .job = J_OWN, .dev = D_V8, .memtype = 0, .unit = 36 * KB, .seed = 5 },
		/* the kernel view sits on the CPU's high base */
		{ .job = J_CPU, .dev = D_CPU, .base = 1, .memtype = 0, .unit = 4 * KB, .seed = 6 },
		{ .job = J_DMA, .dev = D_DMA, .memtype = 0, .unit = 4 * KB, .seed = 7 },
		/* no device: a bare page table */
		{ .job = J_PT, .dev = -1, .memtype = 0, .unit = 4 * KB, .seed = 8 },
		{ .job = J_SHAPE, .dev = D_SHAPE, .memtype = 0, .unit = 4 * KB, .seed = 9 },
	};
	const unsigned int nw = sizeof(w) / sizeof(w[0]);
	struct vcm_hosted_lock lock;
	struct vcm_hosted_locks locks;
	struct vcm_soc_cfg cfg = {
		.mem_pa = 0x80000000, .mem_len = 128 * MB, .table_bytes = 8 * MB,
		.memtypes = memtypes, .nr_memtypes = 2, .iommus = iommus, .nr_iommus = 5,
		.devs = devs, .nr_devs = D_NR, .lock = &lock.lock,
	};
	struct vcm_diag d = { 0 };
	struct vcm_avcm *a;
	long total = 0;

	if (getenv("STRESS_ROUNDS") != NULL)
		rounds = atoi(getenv("STRESS_ROUNDS"));
	assert_int_equal(vcm_hosted_lock_init(&lock), 0);
	if (fine) {
		/* the order is checked on every take: a violation aborts */
		vcm_hosted_locks_init(&locks);
		cfg.locks = &locks.ops;
		cfg.diag_slot = vcm_hosted_diag_slot;
	}
	if (vcm_soc_create(&cfg, &soc, &d) != 0)
		fail_msg("%s", d.msg);
	sys = vcm_soc_sys(soc);
	assert_int_equal(vcm_create(sys, 0x40000000, 1024 * MB, &shared_vcm), 0);
	assert_int_equal(vcm_assoc(shared_vcm, vcm_soc_dev(soc, D_SHARED), 0, &a), 0);
	assert_int_equal(vcm_activate(a), 0);

	for (unsigned int i = 0; i < nw; i++)
		assert_int_equal(pthread_create(&w[i].th, NULL, work, &w[i]), 0);
	for (unsigned int i = 0; i < nw; i++)
		assert_int_equal(pthread_join(w[i].th, NULL), 0);
	printf("%-8s %-8s %8s\n", "device", "job", "ops");
	for (unsigned int i = 0; i < nw; i++) {
		const char *dev = w[i].dev >= 0 ? devs[w[i].dev].name : "-";

		printf("%-8s %-8s %8ld\n", dev, names[w[i].job], w[i].ops);
		total += w[i].ops;
		if (w[i].failures != 0)
			fprintf(stderr, "thread %u (%s): %d failures, first: %s\n", i, dev,
				w[i].failures, w[i].first);
	}
	printf("%u threads, %ld checked operations, %d rounds each\n", nw, total, rounds);
	for (unsigned int i = 0; i < nw; i++)
		assert_int_equal(w[i].failures, 0);

	assert_int_equal(vcm_sys_check_(sys), 0);
	assert_int_equal(vcm_get_num_res(shared_vcm), 0);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(shared_vcm), 0);
	assert_int_equal(vcm_soc_destroy(soc), 0);
	vcm_hosted_lock_fini(&lock);
}

static void stress_one_lock(void **state)
{
	(void)state;
	stress(false);
}

static void stress_finer_locks(void **state)
{
	(void)state;
	stress(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(stress_one_lock),
		cmocka_unit_test(stress_finer_locks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
