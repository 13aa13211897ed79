// SPDX-License-Identifier: MIT
/*
 * The IOMMU model as a device: faults and the hook (unmapped, read-only
 * written, user access to a privileged mapping, repair and retry), stale
 * IOTLB entries when an invalidation is dropped, the IOTLB counters (streaming
 * 16 MiB through 32 entries with 4K-only against 1M/64K tables, exact counts),
 * replacement policies, bursts across pages, and the device ops' refusals.
 */
#include <errno.h>
#include <stdlib.h>
#include "sim_fixture.h"
#include "common/test_rand.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define SZ_4K  UINT64_C(0x1000)
#define SZ_64K UINT64_C(0x10000)
#define SZ_1M  UINT64_C(0x100000)

/* translate through bank @bank of the fixture's model */
static int tr(struct sim_fx *fx, unsigned int bank, vcm_da_t da, unsigned int access,
	      vcm_pa_t *pa)
{
	return vcm_sim_iommu_translate(fx->iommu, bank, da, access, pa);
}

static const char *const fault_configs[] = { "armv7s", "armv8-4k-s1", "armv8-64k-s1",
					     "armv8-4k-s2" };

static void test_faults(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fault_configs) / sizeof(fault_configs[0]); i++) {
		const struct sim_config *c = sim_config(fault_configs[i]);
		uint64_t g = UINT64_C(1) << c->granule_lg2;
		bool s2 = c->kind == VCM_SIM_IOMMU_SMMU_S2;
		struct vcm_sim_iommu_stats st;
		struct vcm_fault f;
		struct sim_fx fx;
		vcm_pa_t pa;

		sim_fx_init(&fx, c, NULL);
		assert_int_equal(vcm_sim_iommu_last_fault(fx.iommu, &f), -ENOENT);
		/* unmapped */
		assert_int_equal(tr(&fx, 0, 0x100000, VCM_ACCESS_READ, &pa),
				 -ENOENT);
		assert_int_equal(fx.faults_seen, 1);
		assert_int_equal(fx.last.da, 0x100000);
		assert_int_equal(fx.last.kind, VCM_FAULT_TRANSLATION);
		assert_int_equal(fx.last.access, VCM_ACCESS_READ);
		assert_int_equal(fx.last.base, 0);
		assert_int_equal(fx.last.ctx, 0);
		assert_int_equal(fx.last.stage, c->kind == VCM_SIM_IOMMU_MSM ? 0 : s2 ? 2 : 1);
		assert_int_equal(fx.last.level,
				 c->kind == VCM_SIM_IOMMU_MSM ? 1 : (int)fx.hw.start_level);
		assert_int_equal(fx.last.desc_pa,
				 c->kind == VCM_SIM_IOMMU_MSM ?
				 fx.hw.root_pa + (0x100000U >> 20) * 4U :
				 sim_fx_v8_desc(&fx, 0x100000, fx.hw.start_level));
		/* read-only mapping: reads pass, a write faults with -EACCES */
		assert_int_equal(vcm_pt_map(fx.pt, 0x100000, fx.free_pa, g,
					    VCM_PT_PROT_READ | (s2 ? 0U : VCM_PT_PROT_USER)), 0);
		assert_int_equal(tr(&fx, 0, 0x100010, VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(pa, fx.free_pa + 0x10);
		assert_int_equal(tr(&fx, 0, 0x100010, VCM_ACCESS_WRITE, &pa),
				 -EACCES);
		assert_int_equal(fx.faults_seen, 2);
		assert_int_equal(fx.last.kind, VCM_FAULT_PERMISSION);
		assert_int_equal(fx.last.access, VCM_ACCESS_WRITE);
		/* nothing is executable without EXEC */
		assert_int_equal(tr(&fx, 0, 0x100010, VCM_ACCESS_EXEC, &pa),
				 -EACCES);
		if (!s2) {
			/* user access to a privileged mapping */
			assert_int_equal(vcm_pt_map(fx.pt, 0x200000, fx.free_pa + g, g, RW), 0);
			assert_int_equal(tr(&fx, 0, 0x200000,
								 VCM_ACCESS_WRITE, &pa), 0);
			assert_int_equal(tr(&fx, 0, 0x200000,
								 VCM_ACCESS_READ | VCM_ACCESS_USER,
								 &pa), -EACCES);
			assert_int_equal(fx.last.access, VCM_ACCESS_READ | VCM_ACCESS_USER);
			/* the user mapping is readable by the user */
			assert_int_equal(tr(&fx, 0, 0x100000,
								 VCM_ACCESS_READ | VCM_ACCESS_USER,
								 &pa), 0);
		}
		assert_int_equal(vcm_sim_iommu_last_fault(fx.iommu, &f), 0);
		assert_int_equal(f.kind, fx.last.kind);
		vcm_sim_iommu_stats(fx.iommu, &st);
		assert_int_equal(st.faults, fx.faults_seen);
		assert_int_equal(st.retries, 0);
		sim_fx_fini(&fx);
	}
}

/* The record vcm_sim_iommu_last_fault() holds, and the hook was given. */
static void check_record(struct sim_fx *fx, vcm_da_t da, unsigned int access,
			 enum vcm_fault_kind kind, int level, vcm_pa_t desc_pa, unsigned int stage)
{
	struct vcm_fault rec[2];

	assert_int_equal(vcm_sim_iommu_last_fault(fx->iommu, &rec[0]), 0);
	rec[1] = fx->last;
	for (unsigned int i = 0; i < 2; i++) {
		const struct vcm_fault *f = &rec[i];

		assert_int_equal(f->da, da);
		assert_int_equal(f->access, access);
		assert_int_equal(f->kind, kind);
		assert_int_equal(f->level, level);
		assert_int_equal(f->desc_pa, desc_pa);
		assert_int_equal(f->stage, stage);
		assert_int_equal(f->base, 0);
		assert_int_equal(f->ctx, 0);
		assert_int_equal(f->stream, 0);
	}
}

/*
 * Permission faults carry the leaf's level and descriptor address, whether
 * the translation came from a walk or from the IOTLB (for an entry that
 * covers several descriptors, the one the da indexes); translation faults the
 * entry the walk stopped at.
 */
static void test_fault_records(void **state)
{
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 16, .flags = VCM_SIM_IOMMU_CONTIG };
	struct vcm_sim_iommu_stats st;
	struct sim_fx fx;
	uint32_t *l1;
	vcm_pa_t pa, d3;

	(void)state;
	sim_fx_init(&fx, sim_config("armv8-4k-s1-ias32"), &mcfg);
	assert_int_equal(tr(&fx, 0, 0x400000, VCM_ACCESS_READ, &pa), -ENOENT);
	check_record(&fx, 0x400000, VCM_ACCESS_READ, VCM_FAULT_TRANSLATION, 1,
		     fx.hw.root_pa, 1);
	/* 64 KiB read-only at 4 MiB: sixteen level 3 entries with the contiguous hint */
	assert_int_equal(vcm_pt_map(fx.pt, 0x400000, fx.free_pa, SZ_64K, VCM_PT_PROT_READ), 0);
	d3 = sim_fx_v8_desc(&fx, 0x400000, 3);
	assert_int_not_equal(*(uint64_t *)sim_fx_desc(&fx, d3) & (UINT64_C(1) << 52), 0);
	assert_int_equal(tr(&fx, 0, 0x403010, VCM_ACCESS_WRITE, &pa), -EACCES);
	check_record(&fx, 0x403010, VCM_ACCESS_WRITE, VCM_FAULT_PERMISSION, 3, d3 + 3U * 8U, 1);
	vcm_sim_iommu_reset_stats(fx.iommu);
	assert_int_equal(tr(&fx, 0, 0x40e000, VCM_ACCESS_WRITE, &pa), -EACCES);
	vcm_sim_iommu_stats(fx.iommu, &st);
	assert_int_equal(st.hits, 1); /* the group's one IOTLB entry */
	assert_int_equal(st.walks, 0);
	check_record(&fx, 0x40e000, VCM_ACCESS_WRITE, VCM_FAULT_PERMISSION, 3, d3 + 14U * 8U, 1);
	/* past the group: the next level 3 entry is invalid */
	assert_int_equal(tr(&fx, 0, 0x410000, VCM_ACCESS_READ, &pa), -ENOENT);
	check_record(&fx, 0x410000, VCM_ACCESS_READ, VCM_FAULT_TRANSLATION, 3, d3 + 16U * 8U, 1);
	sim_fx_fini(&fx);

	/* ARMv7: a read-only supersection (AP 101) of sixteen first-level entries */
	sim_fx_init(&fx, sim_config("armv7s"), &mcfg);
	l1 = sim_fx_desc(&fx, fx.hw.root_pa);
	for (unsigned int i = 0; i < 16; i++)
		l1[0x100 + i] = 0x05000000U | (1U << 18) | (1U << 15) | (1U << 10) | 2U;
	assert_int_equal(tr(&fx, 0, 0x10123456, VCM_ACCESS_READ, &pa), 0);
	assert_int_equal(pa, 0x05123456);
	assert_int_equal(tr(&fx, 0, 0x10123456, VCM_ACCESS_WRITE, &pa), -EACCES);
	check_record(&fx, 0x10123456, VCM_ACCESS_WRITE, VCM_FAULT_PERMISSION, 1,
		     fx.hw.root_pa + 0x101U * 4U, 0);
	assert_int_equal(tr(&fx, 0, 0x10f00010, VCM_ACCESS_WRITE, &pa), -EACCES);
	check_record(&fx, 0x10f00010, VCM_ACCESS_WRITE, VCM_FAULT_PERMISSION, 1,
		     fx.hw.root_pa + 0x10fU * 4U, 0);
	/* the entry after the supersection is a fault entry */
	assert_int_equal(tr(&fx, 0, 0x11000000, VCM_ACCESS_READ, &pa), -ENOENT);
	check_record(&fx, 0x11000000, VCM_ACCESS_READ, VCM_FAULT_TRANSLATION, 1,
		     fx.hw.root_pa + 0x110U * 4U, 0);
	for (unsigned int i = 0; i < 16; i++)
		l1[0x100 + i] = 0;
	sim_fx_fini(&fx);
}

static void test_repair_and_retry(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fault_configs) / sizeof(fault_configs[0]); i++) {
		const struct sim_config *c = sim_config(fault_configs[i]);
		uint64_t g = UINT64_C(1) << c->granule_lg2;
		struct vcm_sim_iommu_stats st;
		struct sim_fx fx;
		uint8_t buf[256], back[256];
		vcm_pa_t pa;

		sim_fx_init(&fx, c, NULL);
		/* the hook maps the page and asks for a retry: the access completes */
		fx.repair = true;
		fx.repair_pa = fx.free_pa + 5U * g;
		fx.repair_prot = RW;
		fx.answer = VCM_FAULT_RETRY;
		assert_int_equal(tr(&fx, 0, 7U * g + 0x40,
							 VCM_ACCESS_WRITE, &pa), 0);
		assert_int_equal(pa, fx.free_pa + 5U * g + 0x40);
		assert_int_equal(fx.faults_seen, 1);
		vcm_sim_iommu_stats(fx.iommu, &st);
		assert_int_equal(st.faults, 1);
		assert_int_equal(st.retries, 1);
		assert_int_equal(st.walks, 2);
		/* a burst write that faults mid-way is repaired and goes on */
		for (size_t k = 0; k < sizeof(buf); k++)
			buf[k] = (uint8_t)(k * 7U + 1U);
		fx.repair_pa = fx.free_pa + 9U * g;
		assert_int_equal(vcm_sim_iommu_write(fx.iommu, 0, 8U * g - 128U, buf, sizeof(buf)),
				 0);
		assert_int_equal(fx.faults_seen, 2);
		assert_int_equal(fx.last.da, 8U * g);
		assert_int_equal(fx.last.access, VCM_ACCESS_WRITE);
		assert_memory_equal(vcm_hosted_mem_cpu(fx.mem, fx.free_pa + 6U * g - 128U), buf,
				    128);
		assert_memory_equal(vcm_hosted_mem_cpu(fx.mem, fx.free_pa + 9U * g), buf + 128,
				    128);
		memset(back, 0, sizeof(back));
		assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, 8U * g - 128U, back, sizeof(back)),
				 0);
		assert_memory_equal(back, buf, sizeof(buf));
		sim_fx_fini(&fx);
	}
}

/* A retry that was not repaired faults again and ends the transaction. */
static void test_retry_once(void **state)
{
	struct vcm_sim_iommu_stats st;
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	sim_fx_init(&fx, sim_config("armv7s"), NULL);
	fx.answer = VCM_FAULT_RETRY;
	assert_int_equal(tr(&fx, 0, 0x5000, VCM_ACCESS_READ, &pa),
			 -ENOENT);
	assert_int_equal(fx.faults_seen, 1); /* the hook is asked once */
	vcm_sim_iommu_stats(fx.iommu, &st);
	assert_int_equal(st.faults, 2);
	assert_int_equal(st.retries, 1);
	sim_fx_fini(&fx);
}

/* Writes and reads through the model cross pages; bytes land at the mapped pa. */
static void test_bursts(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fault_configs) / sizeof(fault_configs[0]); i++) {
		const struct sim_config *c = sim_config(fault_configs[i]);
		uint64_t g = UINT64_C(1) << c->granule_lg2;
		uint64_t s = 0x77U + i;
		size_t len = (size_t)(3U * g + 100U);
		uint8_t *buf = malloc(len), *back = malloc(len);
		struct sim_fx fx;
		vcm_da_t da = 0x400000;

		assert_non_null(buf);
		assert_non_null(back);
		sim_fx_init(&fx, c, NULL);
		/* four pages in reverse physical order */
		for (unsigned int p = 0; p < 4; p++)
			assert_int_equal(vcm_pt_map(fx.pt, da + p * g, fx.free_pa + (3U - p) * g,
						    g, RW), 0);
		for (size_t k = 0; k < len; k++)
			buf[k] = (uint8_t)test_rand(&s);
		assert_int_equal(vcm_sim_iommu_write(fx.iommu, 0, da + 50U, buf, len), 0);
		for (size_t k = 0; k < len; k++) {
			vcm_da_t a = da + 50U + k;
			uint64_t p = (a - da) / g;
			uint8_t *cpu = vcm_hosted_mem_cpu(fx.mem, fx.free_pa + (3U - p) * g +
							  (a & (g - 1U)));

			if (*cpu != buf[k])
				fail_msg("%s: byte %zu differs", c->name, k);
		}
		memset(back, 0, len);
		assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, da + 50U, back, len), 0);
		assert_memory_equal(back, buf, len);
		/* past the mapped pages the read faults */
		assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, da + 4U * g - 10U, back, 20),
				 -ENOENT);
		sim_fx_fini(&fx);
		free(buf);
		free(back);
	}
}

/* A dropped invalidation leaves a stale translation in the IOTLB. */
static void test_stale_iotlb(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(fault_configs) / sizeof(fault_configs[0]); i++) {
		const struct sim_config *c = sim_config(fault_configs[i]);
		uint64_t g = UINT64_C(1) << c->granule_lg2;
		struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 32, .tlb_ways = 4 };
		struct vcm_sim_iommu_stats st;
		struct vcm_pt_leaf leaf;
		struct sim_fx fx;
		vcm_da_t da = 0x3000000;
		vcm_pa_t pa, pa1 = 0, pa2 = 0, pa3 = 0;

		sim_fx_init(&fx, c, &mcfg);
		pa1 = fx.free_pa;
		pa2 = fx.free_pa + 16U * g;
		pa3 = fx.free_pa + 32U * g;
		assert_int_equal(vcm_pt_map(fx.pt, da, pa1, g, RW), 0);
		assert_int_equal(tr(&fx, 0, da, VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(pa, pa1);
		/* with the invalidation: the new mapping is seen */
		assert_int_equal(vcm_pt_unmap(fx.pt, da, g, NULL), 0);
		assert_int_equal(vcm_pt_map(fx.pt, da, pa2, g, RW), 0);
		assert_int_equal(tr(&fx, 0, da, VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(pa, pa2);
		/* drop the unmap's invalidation: the IOTLB still gives pa2 */
		vcm_sim_iommu_drop_next_invalidation(fx.iommu);
		assert_int_equal(vcm_pt_unmap(fx.pt, da, g, NULL), 0);
		assert_int_equal(vcm_pt_map(fx.pt, da, pa3, g, RW), 0);
		assert_int_equal(vcm_pt_lookup(fx.pt, da, &leaf), 0);
		assert_int_equal(leaf.pa, pa3);
		assert_int_equal(tr(&fx, 0, da, VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(pa, pa2); /* stale: the table says pa3 */
		vcm_sim_iommu_stats(fx.iommu, &st);
		assert_int_equal(st.dropped, 1);
		/* the walk itself sees the truth; tlb_all repairs the IOTLB */
		{
			struct vcm_sim_xlate x;

			assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, da, &x, NULL), 0);
			assert_int_equal(x.pa, pa3);
		}
		vcm_sim_iommu_ops.tlb_all(fx.iommu, 0);
		assert_int_equal(tr(&fx, 0, da, VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(pa, pa3);
		/* an unmap whose invalidation is dropped still translates instead of faulting */
		vcm_sim_iommu_drop_next_invalidation(fx.iommu);
		assert_int_equal(vcm_pt_unmap(fx.pt, da, g, NULL), 0);
		assert_int_equal(tr(&fx, 0, da, VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(pa, pa3);
		vcm_sim_iommu_ops.tlb_range(fx.iommu, 0, da, g, true);
		assert_int_equal(tr(&fx, 0, da, VCM_ACCESS_READ, &pa),
				 -ENOENT);
		sim_fx_fini(&fx);
	}
}

/* Stream @len bytes from @da through the model; return the stats. */
static void stream(struct sim_fx *fx, vcm_da_t da, uint64_t len, struct vcm_sim_iommu_stats *st)
{
	static uint8_t buf[64 * 1024];

	vcm_sim_iommu_reset_stats(fx->iommu);
	for (uint64_t off = 0; off < len; off += sizeof(buf))
		assert_int_equal(vcm_sim_iommu_read(fx->iommu, 0, da + off, buf, sizeof(buf)), 0);
	vcm_sim_iommu_stats(fx->iommu, st);
}

/*
 * 16 MiB streamed through a 32-entry, 4-way IOTLB: one miss per leaf. 4K-only
 * needs 4096; 15 sections + 15 large pages + 16 small pages need 46.
 */
static void test_iotlb_counts(void **state)
{
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 32, .tlb_ways = 4 };
	struct vcm_sim_iommu_stats small, mixed;
	const uint64_t len = UINT64_C(16) << 20;
	struct sim_fx fx;
	vcm_da_t da = 0x10000000;

	(void)state;
	sim_fx_init(&fx, sim_config("armv7s"), &mcfg);
	assert_true(fx.free_len >= len);
	assert_int_equal(vcm_pt_map_sizes(fx.pt, da, fx.free_pa, len, RW, SZ_4K), 0);
	stream(&fx, da, len, &small);
	assert_int_equal(vcm_pt_unmap(fx.pt, da, len, NULL), 0);

	/* 15 MiB of sections, 960 KiB of large pages, 64 KiB of small pages */
	assert_int_equal(vcm_pt_map_sizes(fx.pt, da, fx.free_pa, 15U * SZ_1M, RW,
					  SZ_1M | SZ_4K), 0);
	assert_int_equal(vcm_pt_map_sizes(fx.pt, da + 15U * SZ_1M, fx.free_pa + 15U * SZ_1M,
					  SZ_1M - SZ_64K, RW, SZ_64K | SZ_4K), 0);
	assert_int_equal(vcm_pt_map_sizes(fx.pt, da + len - SZ_64K,
					  fx.free_pa + len - SZ_64K, SZ_64K, RW, SZ_4K),
			 0);
	stream(&fx, da, len, &mixed);
	printf("16 MiB through 32 entries: 4K-only %llu misses %llu evictions %llu walk reads; "
	       "1M/64K/4K %llu misses %llu evictions %llu walk reads (%llu lookups each)\n",
	       (unsigned long long)small.misses, (unsigned long long)small.evictions,
	       (unsigned long long)small.walk_reads, (unsigned long long)mixed.misses,
	       (unsigned long long)mixed.evictions, (unsigned long long)mixed.walk_reads,
	       (unsigned long long)small.lookups);
	assert_int_equal(small.misses, 4096);
	assert_int_equal(small.evictions, 4096 - 32);
	assert_int_equal(small.walk_reads, 2 * 4096);
	assert_int_equal(mixed.misses, 46);
	assert_int_equal(mixed.evictions, 46 - 32);
	assert_int_equal(mixed.walk_reads, 15 + 2 * 31);
	assert_int_equal(small.lookups, len / 64U);
	assert_int_equal(small.hits + small.misses, small.lookups);
	assert_true(small.misses >= 10U * mixed.misses);
	assert_int_equal(small.bytes, len);
	sim_fx_fini(&fx);
}

/* LRU keeps the page used last; round robin evicts in fill order. */
static void test_replacement(void **state)
{
	(void)state;
	for (int policy = 0; policy < 2; policy++) {
		struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 4, .tlb_ways = 4,
						  .tlb_policy = policy == 0 ? VCM_SIM_TLB_LRU :
									      VCM_SIM_TLB_RR };
		static const unsigned int order[] = { 0, 1, 2, 3, 0, 4 };
		struct vcm_sim_iommu_stats st;
		struct sim_fx fx;
		vcm_pa_t pa;

		sim_fx_init(&fx, sim_config("armv7s"), &mcfg);
		assert_int_equal(vcm_pt_map(fx.pt, 0, fx.free_pa, 8U * SZ_4K, RW), 0);
		for (size_t k = 0; k < 6; k++)
			assert_int_equal(tr(&fx, 0, order[k] * SZ_4K,
								 VCM_ACCESS_READ, &pa), 0);
		assert_int_equal(vcm_sim_iommu_tlb_valid(fx.iommu), 4);
		vcm_sim_iommu_reset_stats(fx.iommu);
		/* page 0: LRU kept it (page 1 went); round robin replaced it */
		assert_int_equal(tr(&fx, 0, 0, VCM_ACCESS_READ, &pa), 0);
		vcm_sim_iommu_stats(fx.iommu, &st);
		assert_int_equal(st.hits, policy == 0 ? 1 : 0);
		sim_fx_fini(&fx);
	}
}

static void test_ops(void **state)
{
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 8, .banks = 2 };
	struct vcm_hw_regs hw;
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	sim_fx_init(&fx, sim_config("armv8-4k-s1"), &mcfg);
	assert_int_equal(vcm_sim_iommu_ops.hw_version(fx.iommu), 0x0200U);
	/* bank 1 is not programmed yet */
	assert_int_equal(tr(&fx, 1, 0, VCM_ACCESS_READ, &pa), -ENODEV);
	assert_int_equal(tr(&fx, 2, 0, VCM_ACCESS_READ, &pa), -EINVAL);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 2, &fx.hw), -EINVAL);
	assert_non_null(strstr(vcm_sim_iommu_last_error(fx.iommu), "base 2"));
	/* registers and hw must tell the same story */
	hw = fx.hw;
	hw.root_pa += 0x1000;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 1, &hw), -EINVAL);
	assert_non_null(strstr(vcm_sim_iommu_last_error(fx.iommu), "root_pa"));
	hw = fx.hw;
	hw.regs[0] |= UINT64_C(3) << 14; /* TG0 reserved */
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 1, &hw), -EINVAL);
	hw = fx.hw;
	hw.levels = 3;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 1, &hw), -EINVAL);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 1, &fx.hw), 0);
	/* both banks share the table here; each caches on its own */
	assert_int_equal(vcm_pt_map(fx.pt, 0x1000, fx.free_pa, 0x1000, RW), 0);
	assert_int_equal(tr(&fx, 1, 0x1000, VCM_ACCESS_READ, &pa), 0);
	assert_int_equal(vcm_sim_iommu_tlb_valid(fx.iommu), 1);
	assert_int_equal(vcm_sim_iommu_ops.power_query(fx.iommu, fx.free_pa, 0x1000), -EBUSY);
	assert_int_equal(vcm_sim_iommu_ops.power_query(fx.iommu, fx.free_pa + 0x1000, 0x1000), 0);
	vcm_sim_iommu_ops.clear(fx.iommu, 1);
	assert_int_equal(vcm_sim_iommu_tlb_valid(fx.iommu), 0);
	assert_int_equal(vcm_sim_iommu_ops.power_query(fx.iommu, fx.free_pa, 0x1000), 0);
	assert_int_equal(tr(&fx, 1, 0x1000, VCM_ACCESS_READ, &pa), -ENODEV);
	assert_int_equal(tr(&fx, 0, 0x1000, 0, &pa), -EINVAL);
	/* EPD0: a miss faults without a walk */
	hw = fx.hw;
	hw.regs[0] |= UINT64_C(1) << 7;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 1, &hw), 0);
	assert_int_equal(tr(&fx, 1, 0x1000, VCM_ACCESS_READ, &pa), -ENOENT);
	sim_fx_fini(&fx);
}

/* Two banks with their own tables: the same da, two pa; flushes stay in their bank. */
static void test_banks(void **state)
{
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 16, .tlb_ways = 2, .banks = 2 };
	struct vcm_pt_cfg pcfg = { 0 };
	struct vcm_hw_regs hw1;
	struct vcm_pt *pt1;
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	/* no model: refused before anything of it is read */
	assert_int_equal(vcm_sim_iommu_read(NULL, 0, 0, &pa, sizeof(pa)), -EINVAL);
	assert_int_equal(vcm_sim_iommu_write(NULL, 0, 0, &pa, sizeof(pa)), -EINVAL);
	sim_fx_init(&fx, sim_config("armv7s"), &mcfg);
	pcfg.fmt = &vcm_pt_fmt_armv7s;
	pcfg.flags = VCM_PT_CFG_COHERENT;
	pcfg.plat = fx.plat;
	assert_int_equal(vcm_pt_create(&pcfg, &pt1, NULL), 0);
	assert_int_equal(vcm_pt_hw(pt1, &hw1), 0);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 1, &hw1), 0);
	assert_int_equal(vcm_pt_map(fx.pt, 0x8000, fx.free_pa, SZ_4K, RW), 0);
	assert_int_equal(vcm_pt_map(pt1, 0x8000, fx.free_pa + SZ_64K, SZ_4K, VCM_PT_PROT_READ), 0);
	assert_int_equal(tr(&fx, 0, 0x8004, VCM_ACCESS_WRITE, &pa), 0);
	assert_int_equal(pa, fx.free_pa + 4U);
	assert_int_equal(tr(&fx, 1, 0x8004, VCM_ACCESS_READ, &pa), 0);
	assert_int_equal(pa, fx.free_pa + SZ_64K + 4U);
	assert_int_equal(tr(&fx, 1, 0x8004, VCM_ACCESS_WRITE, &pa), -EACCES);
	assert_int_equal(fx.last.base, 1);
	assert_int_equal(fx.last.ctx, 1);
	assert_int_equal(fx.last.kind, VCM_FAULT_PERMISSION);
	assert_int_equal(fx.last.level, 2);
	assert_int_equal(vcm_sim_iommu_tlb_valid(fx.iommu), 2);
	vcm_sim_iommu_ops.tlb_range(fx.iommu, 0, 0, UINT64_C(1) << 32, true);
	assert_int_equal(vcm_sim_iommu_tlb_valid(fx.iommu), 1);
	vcm_sim_iommu_ops.tlb_all(fx.iommu, 1);
	assert_int_equal(vcm_sim_iommu_tlb_valid(fx.iommu), 0);
	vcm_sim_iommu_ops.clear(fx.iommu, 1);
	/* an empty transfer is refused by a bank that could not take a full one */
	assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, 0x8000, NULL, 0), 0);
	assert_int_equal(vcm_sim_iommu_read(fx.iommu, 1, 0x8000, NULL, 0), -ENODEV);
	assert_string_equal(vcm_sim_iommu_last_error(fx.iommu),
			    "vcm_sim_iommu_read: bank 1 is not enabled");
	assert_int_equal(vcm_sim_iommu_write(fx.iommu, 2, 0x8000, NULL, 0), -EINVAL);
	assert_string_equal(vcm_sim_iommu_last_error(fx.iommu),
			    "vcm_sim_iommu_write: bank 2: the model has 2 bank(s)");
	vcm_pt_destroy(pt1);
	sim_fx_fini(&fx);
}

static void test_create_errors(void **state)
{
	struct vcm_sim_iommu_cfg cfg = { 0 };
	struct vcm_sim_iommu *iommu = (void *)1;
	struct vcm_plat_ops plat;
	struct vcm_diag diag = { 0 };

	(void)state;
	vcm_plat_hosted_heap_ops(&plat);
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	assert_null(iommu);
	cfg.plat = &plat;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "cfg->kind"));
	cfg.kind = VCM_SIM_IOMMU_MSM;
	cfg.tlb_entries = 24;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "tlb_entries 24"));
	cfg.tlb_entries = 32;
	cfg.tlb_ways = 64;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	cfg.tlb_ways = 8;
	cfg.banks = 3;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	cfg.banks = 2;
	cfg.burst_lg2 = 13;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	cfg.burst_lg2 = 0;
	cfg.flags = 0x80;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), -EINVAL);
	assert_non_null(strstr(diag.msg, "0x80"));
	cfg.flags = 0;
	assert_int_equal(vcm_sim_iommu_create(&cfg, &iommu, &diag), 0);
	assert_int_equal(vcm_sim_iommu_ops.hw_version(iommu), 0x0100U);
	assert_int_equal(vcm_sim_iommu_destroy(iommu), 0);
	assert_int_equal(vcm_sim_iommu_destroy(NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_faults),
		cmocka_unit_test(test_fault_records),
		cmocka_unit_test(test_repair_and_retry),
		cmocka_unit_test(test_retry_once),
		cmocka_unit_test(test_bursts),
		cmocka_unit_test(test_stale_iotlb),
		cmocka_unit_test(test_iotlb_counts),
		cmocka_unit_test(test_replacement),
		cmocka_unit_test(test_ops),
		cmocka_unit_test(test_banks),
		cmocka_unit_test(test_create_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
