// SPDX-License-Identifier: MIT
/*
 * The model's walkers against the pgtable layer: random tables in every
 * configuration of sim_fixture.h, built with vcm_pt_map/vcm_pt_unmap in hosted
 * memory; the model (its own decoding of the bytes) and vcm_pt_lookup must
 * agree on every mapped page (sampled inside blocks larger than 2 MiB) and on
 * unmapped addresses, before and after unmaps that split blocks.
 * Seed: VCM_TEST_SEED.
 */
#include <errno.h>
#include "sim_fixture.h"
#include "common/test_rand.h"

#define RW_USER (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE | VCM_PT_PROT_USER)

struct check {
	struct sim_fx *fx;
	struct vcm_sim_iommu *contig; /* a second model that caches hint groups whole */
	uint64_t seed;
	uint64_t pages;
	uint64_t rnd;
};

static bool is_v8(const struct sim_config *c)
{
	return c->kind != VCM_SIM_IOMMU_MSM;
}

/* The permissions the model decoded, against the prot the table recorded. */
static void check_perms(const struct sim_config *c, unsigned int prot,
			const struct vcm_sim_xlate *x, vcm_da_t da, uint64_t seed)
{
	unsigned int rw = VCM_ACCESS_READ |
			  ((prot & VCM_PT_PROT_WRITE) != 0U ? VCM_ACCESS_WRITE : 0U);
	unsigned int x_bit = (prot & VCM_PT_PROT_EXEC) != 0U ? VCM_ACCESS_EXEC : 0U;
	unsigned int want_priv, want_user;

	if (c->kind == VCM_SIM_IOMMU_SMMU_S2) {
		want_priv = rw | x_bit;
		want_user = want_priv;
	} else if ((prot & VCM_PT_PROT_USER) != 0U) {
		want_user = rw | x_bit;
		/* armv8: memory EL0 may use is PXN in our tables; armv7s has one XN */
		want_priv = is_v8(c) ? rw : rw | x_bit;
	} else {
		want_priv = rw | x_bit;
		want_user = 0;
	}
	if (x->priv != want_priv || x->user != want_user)
		fail_msg("%s seed %#llx da %#llx prot %#x: model priv %#x user %#x, want %#x %#x",
			 c->name, (unsigned long long)seed, (unsigned long long)da, prot, x->priv,
			 x->user, want_priv, want_user);
}

static void check_one(struct check *ck, vcm_da_t da)
{
	struct sim_fx *fx = ck->fx;
	struct vcm_pt_leaf leaf;
	struct vcm_sim_xlate x, xc;
	int lr = vcm_pt_lookup(fx->pt, da, &leaf);
	int sr = vcm_sim_iommu_walk(fx->iommu, 0, da, &x, NULL);
	int cr = ck->contig != NULL ? vcm_sim_iommu_walk(ck->contig, 0, da, &xc, NULL) : sr;

	if (lr != 0) {
		/* -ENOENT, or -ERANGE outside the input size: a translation fault for the model */
		if (sr != -ENOENT || cr != -ENOENT)
			fail_msg("%s seed %#llx da %#llx: lookup %d but model %d / %d (pa %#llx)",
				 fx->c->name, (unsigned long long)ck->seed,
				 (unsigned long long)da, lr, sr, cr, (unsigned long long)x.pa);
		return;
	}
	if (sr != 0 || cr != 0)
		fail_msg("%s seed %#llx da %#llx: mapped to %#llx but model %d / %d",
			 fx->c->name, (unsigned long long)ck->seed, (unsigned long long)da,
			 (unsigned long long)(leaf.pa + (da - leaf.da)), sr, cr);
	if (x.pa != leaf.pa + (da - leaf.da))
		fail_msg("%s seed %#llx da %#llx: pa %#llx, model %#llx", fx->c->name,
			 (unsigned long long)ck->seed, (unsigned long long)da,
			 (unsigned long long)(leaf.pa + (da - leaf.da)), (unsigned long long)x.pa);
	/* without the hint honoured a group is seen entry by entry */
	if (leaf.contig && is_v8(fx->c)) {
		assert_true(x.size_lg2 < leaf.size_lg2);
		/* one entry of the leaf's level: granule + (granule - 3) bits per level */
		assert_int_equal(x.size_lg2, fx->c->granule_lg2 +
				 (fx->c->granule_lg2 - 3U) * leaf.level);
	} else {
		assert_int_equal(x.size_lg2, leaf.size_lg2);
	}
	if (ck->contig != NULL) {
		assert_int_equal(xc.size_lg2, leaf.size_lg2);
		assert_int_equal(xc.page_pa, leaf.pa);
		assert_int_equal(xc.page_da, leaf.da);
	}
	check_perms(fx->c, leaf.prot, &x, da, ck->seed);
	ck->pages++;
}

static int check_leaf(void *arg, const struct vcm_pt_leaf *leaf)
{
	struct check *ck = arg;
	uint64_t g = UINT64_C(1) << ck->fx->c->granule_lg2;
	uint64_t size = UINT64_C(1) << leaf->size_lg2;
	uint64_t pages = size / g;

	if (size <= (UINT64_C(2) << 20)) {
		for (uint64_t i = 0; i < pages; i++)
			check_one(ck, leaf->da + i * g);
	} else {
		for (uint64_t i = 0; i < 64; i++)
			check_one(ck, leaf->da + test_rand_below(&ck->rnd, pages) * g);
		check_one(ck, leaf->da + size - g);
	}
	check_one(ck, leaf->da + size - 1U);
	/* the neighbours: unmapped or another leaf, either way they must agree */
	if (leaf->da != 0U)
		check_one(ck, leaf->da - 1U);
	check_one(ck, leaf->da + size);
	return 0;
}

static unsigned int random_prot(const struct sim_config *c, uint64_t *s)
{
	unsigned int prot = VCM_PT_PROT_READ;
	uint64_t r = test_rand(s);

	if ((r & 1U) != 0U)
		prot |= VCM_PT_PROT_WRITE;
	if ((r & 2U) != 0U)
		prot |= VCM_PT_PROT_EXEC;
	if (c->kind != VCM_SIM_IOMMU_SMMU_S2) {
		if ((r & 4U) != 0U)
			prot |= VCM_PT_PROT_USER;
		if ((r & 8U) != 0U)
			prot |= VCM_PT_PROT_NONGLOBAL;
	}
	return prot;
}

static void check_all(struct check *ck)
{
	struct sim_fx *fx = ck->fx;
	uint64_t space = UINT64_C(1) << fx->c->ias;

	ck->pages = 0;
	assert_int_equal(vcm_pt_walk(fx->pt, 0, space, check_leaf, ck), 0);
	/* random addresses, mostly unmapped, and some beyond the input size */
	for (unsigned int i = 0; i < 2000; i++)
		check_one(ck, test_rand_below(&ck->rnd, space));
	for (unsigned int i = 0; i < 20; i++)
		check_one(ck, space + test_rand_below(&ck->rnd, space));
}

static void run_config(const struct sim_config *c, uint64_t seed)
{
	struct sim_fx fx;
	struct check ck = { .fx = &fx, .seed = seed, .rnd = seed ^ 0x5a5aU };
	struct vcm_sim_iommu_cfg ccfg = { 0 };
	uint64_t s = seed;
	uint64_t g = UINT64_C(1) << c->granule_lg2;
	uint64_t space = UINT64_C(1) << c->ias;
	uint64_t sizes, oa_space = is_v8(c) ? UINT64_C(1) << 40 : UINT64_C(1) << 32;
	unsigned int nsizes = 0, size_lg2[64];
	unsigned int mapped = 0;

	sim_fx_init(&fx, c, NULL);
	ccfg.kind = c->kind;
	ccfg.plat = fx.plat;
	ccfg.flags = is_v8(c) ? VCM_SIM_IOMMU_CONTIG : 0U;
	assert_int_equal(vcm_sim_iommu_create(&ccfg, &ck.contig, NULL), 0);
	assert_int_equal(vcm_sim_iommu_ops.program(ck.contig, 0, &fx.hw), 0);

	sizes = vcm_pt_page_sizes(fx.pt);
	for (unsigned int b = 0; b < 64; b++)
		if ((sizes & (UINT64_C(1) << b)) != 0U && b <= 30U)
			size_lg2[nsizes++] = b;

	/* random maps: a random leaf size, 1-40 of them, at aligned da and pa */
	for (unsigned int i = 0; i < 60; i++) {
		unsigned int lg2 = size_lg2[test_rand_below(&s, nsizes)];
		uint64_t unit = UINT64_C(1) << lg2;
		uint64_t n = 1U + test_rand_below(&s, unit >= (UINT64_C(1) << 24) ? 2U : 40U);
		vcm_da_t da = test_rand_below(&s, space / unit) * unit;
		vcm_pa_t pa = test_rand_below(&s, oa_space / unit) * unit;
		unsigned int prot = random_prot(c, &s);
		int ret;

		/* sometimes misalign pa so smaller leaves are used */
		if ((test_rand(&s) & 3U) == 0U && lg2 > c->granule_lg2 &&
		    unit <= (UINT64_C(32) << 20)) {
			pa += g * (1U + test_rand_below(&s, 15));
			n = 1; /* all in single pages: keep the table memory bounded */
		}
		if (da + n * unit > space || da + n * unit < da)
			n = 1;
		if (da + n * unit > space || pa + n * unit > oa_space)
			continue;
		ret = vcm_pt_map(fx.pt, da, pa, n * unit, prot);
		if (ret == -EEXIST)
			continue;
		if (ret != 0)
			fail_msg("%s seed %#llx: map da %#llx pa %#llx len %#llx prot %#x: %d %s",
				 c->name, (unsigned long long)seed, (unsigned long long)da,
				 (unsigned long long)pa, (unsigned long long)(n * unit), prot, ret,
				 vcm_pt_last_error(fx.pt));
		mapped++;
	}
	assert_true(mapped > 10U);
	check_all(&ck);
	assert_true(ck.pages > 0U);

	/* unmaps at granule boundaries cut blocks and groups into smaller leaves */
	for (unsigned int i = 0; i < 30; i++) {
		vcm_da_t da = test_rand_below(&s, space / g) * g;
		uint64_t len = g * (1U + test_rand_below(&s, 600));
		int ret;

		if (da + len > space)
			continue;
		ret = vcm_pt_unmap(fx.pt, da, len, NULL);
		if (ret != 0 && ret != -ENOENT)
			fail_msg("%s seed %#llx: unmap da %#llx len %#llx: %d %s", c->name,
				 (unsigned long long)seed, (unsigned long long)da,
				 (unsigned long long)len, ret, vcm_pt_last_error(fx.pt));
	}
	check_all(&ck);
	printf("%s: %llu page checks\n", c->name, (unsigned long long)ck.pages);

	vcm_sim_iommu_destroy(ck.contig);
	sim_fx_fini(&fx);
}

static void test_walkers_agree(void **state)
{
	uint64_t seed = test_seed("test_walkers_agree", 0x51a1);

	(void)state;
	for (size_t i = 0; i < SIM_NR_CONFIGS; i++)
		for (uint64_t k = 0; k < 3; k++)
			run_config(&sim_configs[i], seed + k * 0x1000U + i);
}

/*
 * Walk @da expecting a fault of @kind at @level on the entry at @desc_pa;
 * the record names the bank and the walker's stage.
 */
static void expect_fault(struct sim_fx *fx, vcm_da_t da, enum vcm_fault_kind kind, int level,
			 vcm_pa_t desc_pa)
{
	unsigned int stage = fx->c->kind == VCM_SIM_IOMMU_MSM ? 0U :
			     fx->c->kind == VCM_SIM_IOMMU_SMMU_S1 ? 1U : 2U;
	struct vcm_sim_xlate x;
	struct vcm_fault f;

	memset(&f, 0xa5, sizeof(f));
	assert_int_equal(vcm_sim_iommu_walk(fx->iommu, 0, da, &x, &f), vcm_fault_errno(kind));
	if (f.kind != kind || f.level != level || f.desc_pa != desc_pa)
		fail_msg("%s da %#llx: %s fault at level %d, desc %#llx; expected %s at %d, %#llx",
			 fx->c->name, (unsigned long long)da, vcm_fault_kind_name(f.kind), f.level,
			 (unsigned long long)f.desc_pa, vcm_fault_kind_name(kind), level,
			 (unsigned long long)desc_pa);
	assert_int_equal(f.da, da);
	assert_int_equal(f.access, 0);
	assert_int_equal(f.stage, stage);
	assert_int_equal(f.base, 0);
	assert_int_equal(f.ctx, 0);
	assert_int_equal(f.stream, 0);
}

/* armv8 stage 1, 4K granule, 32-bit input: three levels from level 1. */
static void test_v8_fault_records(void **state)
{
	const uint64_t addr = UINT64_C(0xfffffffff000);
	struct vcm_sim_xlate x;
	struct vcm_hw_regs hw;
	struct sim_fx fx;
	uint64_t *l2e, *l3e, keep2, keep3;
	vcm_pa_t l1_pa, l2_pa, l3_pa;

	(void)state;
	sim_fx_init(&fx, sim_config("armv8-4k-s1-ias32"), NULL);
	assert_int_equal(fx.hw.start_level, 1);
	/* an empty table: the level 1 entry (da[31:30] = 1) is invalid */
	l1_pa = fx.hw.root_pa + 1U * 8U;
	assert_int_equal(sim_fx_v8_desc(&fx, 0x40000000, 1), l1_pa);
	expect_fault(&fx, 0x40000000, VCM_FAULT_TRANSLATION, 1, l1_pa);
	/* outside T0SZ's range: a translation fault at level 0 before any read */
	expect_fault(&fx, UINT64_C(1) << 32, VCM_FAULT_TRANSLATION, 0, VCM_FAULT_DESC_NONE);

	/* one page at 2 MiB: level 1 -> level 2 -> level 3 */
	assert_int_equal(vcm_pt_map(fx.pt, 0x200000, fx.free_pa, 0x1000, RW_USER), 0);
	l2_pa = (*(uint64_t *)sim_fx_desc(&fx, fx.hw.root_pa) & addr) + 1U * 8U;
	l3_pa = (*(uint64_t *)sim_fx_desc(&fx, l2_pa) & addr) + 1U * 8U;
	assert_int_equal(sim_fx_v8_desc(&fx, 0x201000, 3), l3_pa);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
	assert_int_equal(x.level, 3);
	assert_int_equal(x.desc_pa, l3_pa - 8U);
	/* the next page: its level 3 entry is invalid */
	expect_fault(&fx, 0x201000, VCM_FAULT_TRANSLATION, 3, l3_pa);
	/* 4 MiB: the level 2 entry is invalid */
	expect_fault(&fx, 0x400000, VCM_FAULT_TRANSLATION, 2, l2_pa + 8U);

	/* AF clear on the leaf */
	l3e = sim_fx_desc(&fx, l3_pa - 8U);
	keep3 = *l3e;
	*l3e &= ~(UINT64_C(1) << 10);
	expect_fault(&fx, 0x200000, VCM_FAULT_ACCESS_FLAG, 3, l3_pa - 8U);
	*l3e = keep3;

	/* a level 3 table outside memory: the read of its entry is an external abort */
	l2e = sim_fx_desc(&fx, l2_pa);
	keep2 = *l2e;
	*l2e = (keep2 & ~addr) | UINT64_C(0x10000000);
	expect_fault(&fx, 0x203000, VCM_FAULT_EXTERNAL, 3, UINT64_C(0x10000000) + 3U * 8U);
	*l2e = keep2;

	/* TCR.IPS = 32 bits: addresses at or above 4 GiB are address size faults */
	hw = fx.hw;
	hw.regs[0] &= ~(UINT64_C(7) << 32);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &hw), 0);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
	*l3e = keep3 | (UINT64_C(1) << 32); /* output address */
	expect_fault(&fx, 0x200000, VCM_FAULT_ADDR_SIZE, 3, l3_pa - 8U);
	*l3e = keep3;
	*l2e = keep2 | (UINT64_C(1) << 32); /* next-level table address: the level 2 entry's */
	expect_fault(&fx, 0x200000, VCM_FAULT_ADDR_SIZE, 2, l2_pa);
	*l2e = keep2;

	/* TCR.EPD0: no walk, a translation fault at level 0 */
	hw.regs[0] |= UINT64_C(1) << 7;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &hw), 0);
	expect_fault(&fx, 0x200000, VCM_FAULT_TRANSLATION, 0, VCM_FAULT_DESC_NONE);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &fx.hw), 0);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
	sim_fx_fini(&fx);

	/* stage 2: the first lookup's entry at the start level, stage 2 in the record */
	sim_fx_init(&fx, sim_config("armv8-4k-s2-ias32"), NULL);
	expect_fault(&fx, 0x5000, VCM_FAULT_TRANSLATION, (int)fx.hw.start_level,
		     sim_fx_v8_desc(&fx, 0x5000, fx.hw.start_level));
	sim_fx_fini(&fx);
}

/* ARMv7 short descriptors: section faults at level 1, page faults at level 2. */
static void test_v7s_fault_records(void **state)
{
	struct vcm_sim_xlate x;
	struct vcm_hw_regs hw;
	struct sim_fx fx;
	const uint32_t *l1;
	vcm_pa_t l2;

	(void)state;
	sim_fx_init(&fx, sim_config("armv7s"), NULL);
	/* first-level index da[31:20], four bytes an entry */
	expect_fault(&fx, 0x100000, VCM_FAULT_TRANSLATION, 1, fx.hw.root_pa + 1U * 4U);
	assert_int_equal(vcm_pt_map(fx.pt, 0x200000, fx.free_pa, 0x1000, RW_USER), 0);
	l1 = sim_fx_desc(&fx, fx.hw.root_pa);
	assert_int_equal(l1[2] & 3U, 1U); /* a page table */
	l2 = l1[2] & ~UINT32_C(0x3ff);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
	assert_int_equal(x.level, 2);
	assert_int_equal(x.desc_pa, l2);
	/* second-level index da[19:12] */
	expect_fault(&fx, 0x205000, VCM_FAULT_TRANSLATION, 2, l2 + 5U * 4U);
	/* TTBCR.PD0: a section translation fault without a walk */
	hw = fx.hw;
	hw.regs[0] |= 1U << 4;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &hw), 0);
	expect_fault(&fx, 0x200000, VCM_FAULT_TRANSLATION, 1, VCM_FAULT_DESC_NONE);
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &fx.hw), 0);
	sim_fx_fini(&fx);
}

/* A block mapped by hand-written bytes the pgtable layer would not write. */
static void test_hand_entries(void **state)
{
	struct sim_fx fx;
	struct vcm_sim_xlate x;
	uint32_t *l1;

	(void)state;
	sim_fx_init(&fx, sim_config("armv7s"), NULL);
	l1 = vcm_hosted_mem_cpu(fx.mem, fx.hw.root_pa);
	assert_non_null(l1);
	/* supersection with PA[39:32] = 0x12 (bits[23:20] = 2, bits[8:5] = 1), AP 011 */
	for (unsigned int i = 0; i < 16; i++)
		l1[0x100 + i] = 0x05000000U | (2U << 20) | (1U << 5) | (1U << 18) | (3U << 10) | 2U;
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x10123456U, &x, NULL), 0);
	assert_int_equal(x.pa, UINT64_C(0x1205123456));
	assert_int_equal(x.size_lg2, 24);
	/* 0b11: reserved without PXN: a section translation fault on that entry */
	l1[0x200] = 0x20000000U | 3U;
	expect_fault(&fx, 0x20000000U, VCM_FAULT_TRANSLATION, 1, fx.hw.root_pa + 0x200U * 4U);
	/* AP 000: mapped, no access at all */
	l1[0x300] = 0x30000000U | 2U;
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x30000000U, &x, NULL), 0);
	assert_int_equal(x.priv, 0);
	assert_int_equal(x.user, 0);
	for (unsigned int i = 0; i < 16; i++)
		l1[0x100 + i] = 0;
	l1[0x200] = 0;
	l1[0x300] = 0;
	sim_fx_fini(&fx);

	/* armv8 stage 1: AF clear is an access flag fault; APTable limits the leaf */
	sim_fx_init(&fx, sim_config("armv8-4k-s1"), NULL);
	assert_int_equal(vcm_pt_map(fx.pt, 0x200000, fx.free_pa, 0x200000,
				    VCM_PT_PROT_READ | VCM_PT_PROT_WRITE | VCM_PT_PROT_USER), 0);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
	assert_int_equal(x.user, VCM_ACCESS_READ | VCM_ACCESS_WRITE);
	{
		uint64_t *l0 = vcm_hosted_mem_cpu(fx.mem, fx.hw.root_pa);
		uint64_t *l1e = vcm_hosted_mem_cpu(fx.mem, l0[0] & UINT64_C(0xfffffffff000));
		uint64_t *l2 = vcm_hosted_mem_cpu(fx.mem, l1e[0] & UINT64_C(0xfffffffff000));

		l0[0] |= UINT64_C(1) << 61; /* APTable[0]: nothing below for EL0 */
		assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
		assert_int_equal(x.user, 0);
		assert_int_equal(x.priv, VCM_ACCESS_READ | VCM_ACCESS_WRITE);
		l1e[0] |= UINT64_C(1) << 62; /* APTable[1]: read-only below */
		assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x200000, &x, NULL), 0);
		assert_int_equal(x.priv, VCM_ACCESS_READ);
		l2[1] &= ~(UINT64_C(1) << 10); /* AF */
		expect_fault(&fx, 0x200000, VCM_FAULT_ACCESS_FLAG, 2,
			     (l1e[0] & UINT64_C(0xfffffffff000)) + 8U);
		l2[1] |= UINT64_C(1) << 10;
		l1e[0] &= ~(UINT64_C(1) << 62);
		l0[0] &= ~(UINT64_C(1) << 61);
	}
	sim_fx_fini(&fx);
}

/* Stage 1 descriptor bits the permission tests write by hand (D5.3). */
#define S1_AP_EL0    (UINT64_C(1) << 6)  /* AP[1] */
#define S1_AP_RO     (UINT64_C(1) << 7)  /* AP[2] */
#define S1_PXN       (UINT64_C(1) << 53)
#define S1_UXN       (UINT64_C(1) << 54)
#define S1_UXNTABLE  (UINT64_C(1) << 60)
#define S1_AP_NOEL0  (UINT64_C(1) << 61) /* APTable[0] */
#define S1_APT_RO    (UINT64_C(1) << 62) /* APTable[1] */
#define R_           VCM_ACCESS_READ
#define W_           VCM_ACCESS_WRITE
#define X_           VCM_ACCESS_EXEC

/*
 * One 4K page at @da of the armv8-4k-s1-ias32 fixture (its own level 2
 * entry, so table bits set on it touch nothing else), then its leaf's
 * AP[2:1], PXN and UXN replaced by @leaf and its level 2 table entry given
 * @table of the hierarchical bits. Every page maps the same granule of memory.
 */
static void s1_page(struct sim_fx *fx, vcm_da_t da, uint64_t leaf, uint64_t table)
{
	const uint64_t mask = S1_AP_EL0 | S1_AP_RO | S1_PXN | S1_UXN;
	uint64_t *l3e, *l2e;

	assert_int_equal(vcm_pt_map(fx->pt, da, fx->free_pa, 0x1000,
				    VCM_PT_PROT_READ | VCM_PT_PROT_WRITE), 0);
	l3e = sim_fx_desc(fx, sim_fx_v8_desc(fx, da, 3));
	l2e = sim_fx_desc(fx, sim_fx_v8_desc(fx, da, 2));
	*l3e = (*l3e & ~mask) | leaf;
	*l2e |= table;
}

/* The rights the model decodes for the page at @da, privileged and EL0. */
static void expect_s1_perms(struct sim_fx *fx, const char *what, vcm_da_t da,
			    unsigned int priv, unsigned int user)
{
	struct vcm_sim_xlate x;

	assert_int_equal(vcm_sim_iommu_walk(fx->iommu, 0, da, &x, NULL), 0);
	if (x.priv != priv || x.user != user)
		fail_msg("%s: model priv %#x user %#x, the manual %#x %#x", what, x.priv, x.user,
			 priv, user);
}

/*
 * ARMv8 stage 1, EL0 instruction fetches (D5.4, the instruction-execution
 * permissions of the EL1&0 regime): UXN (and UXNTable above it) alone decide
 * them; AP[1] gives EL0 its reads and writes and nothing else. AP[2:1] = 0b00
 * or 0b10 with UXN clear is execute-only memory for EL0.
 */
static void test_v8_el0_execute_only(void **state)
{
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	sim_fx_init(&fx, sim_config("armv8-4k-s1-ias32"), NULL);
	/* AP 0b00 (EL1 RW, EL0 none), UXN 0, PXN 1: EL0 may only execute */
	s1_page(&fx, 0x200000, S1_PXN, 0);
	expect_s1_perms(&fx, "AP 00 UXN 0 PXN 1", 0x200000, R_ | W_, X_);
	assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, 0x200000,
						 VCM_ACCESS_EXEC | VCM_ACCESS_USER, &pa), 0);
	assert_int_equal(pa, fx.free_pa);
	assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, 0x200000,
						 VCM_ACCESS_READ | VCM_ACCESS_USER, &pa), -EACCES);
	assert_int_equal(fx.last.kind, VCM_FAULT_PERMISSION);
	/* AP 0b00, UXN 0, PXN 0: both levels execute; EL0 still has no data access */
	s1_page(&fx, 0x400000, 0, 0);
	expect_s1_perms(&fx, "AP 00 UXN 0 PXN 0", 0x400000, R_ | W_ | X_, X_);
	/* AP 0b10 (EL1 RO, EL0 none), UXN 0, PXN 1 */
	s1_page(&fx, 0x600000, S1_AP_RO | S1_PXN, 0);
	expect_s1_perms(&fx, "AP 10 UXN 0 PXN 1", 0x600000, R_, X_);
	/* APTable[0] takes EL0's data access away, not its fetches */
	s1_page(&fx, 0x800000, S1_AP_EL0 | S1_AP_RO | S1_PXN, S1_AP_NOEL0);
	expect_s1_perms(&fx, "AP 11 UXN 0 under APTable[0]", 0x800000, R_, X_);
	/* UXN, or UXNTable above the leaf, takes them away */
	s1_page(&fx, 0xa00000, S1_PXN | S1_UXN, 0);
	expect_s1_perms(&fx, "AP 00 UXN 1 PXN 1", 0xa00000, R_ | W_, 0);
	s1_page(&fx, 0xc00000, S1_PXN, S1_UXNTABLE);
	expect_s1_perms(&fx, "AP 00 UXN 0 under UXNTable", 0xc00000, R_ | W_, 0);
	assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, 0xc00000,
						 VCM_ACCESS_EXEC | VCM_ACCESS_USER, &pa), -EACCES);
	sim_fx_fini(&fx);
}

/*
 * ARMv8 stage 1, the implicit PXN (D5.4: memory EL0 can write is never
 * executable at EL1) follows EL0's write right as the table hierarchy leaves
 * it: APTable[0] (no EL0 access below) and APTable[1] (read-only below) both
 * take the write away, so a leaf with AP[1] set under them is executable at
 * EL1 when its PXN is clear.
 */
static void test_v8_implicit_pxn(void **state)
{
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	sim_fx_init(&fx, sim_config("armv8-4k-s1-ias32"), NULL);
	/* AP 0b01 (EL0 RW), PXN 0: EL0 writes it, so EL1 must not execute it */
	s1_page(&fx, 0x200000, S1_AP_EL0 | S1_UXN, 0);
	expect_s1_perms(&fx, "AP 01 PXN 0", 0x200000, R_ | W_, R_ | W_);
	/* AP 0b11 (EL0 RO), PXN 0: EL0 cannot write, EL1 may execute */
	s1_page(&fx, 0x400000, S1_AP_EL0 | S1_AP_RO | S1_UXN, 0);
	expect_s1_perms(&fx, "AP 11 PXN 0", 0x400000, R_ | X_, R_);
	/* AP 0b01 under APTable[0]: EL0 has no access at all, EL1 executes */
	s1_page(&fx, 0x600000, S1_AP_EL0 | S1_UXN, S1_AP_NOEL0);
	expect_s1_perms(&fx, "AP 01 PXN 0 under APTable[0]", 0x600000, R_ | W_ | X_, 0);
	assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, 0x600000, VCM_ACCESS_EXEC, &pa),
			 0);
	assert_int_equal(pa, fx.free_pa);
	/* AP 0b01 under APTable[1]: EL0 reads only, EL1 executes */
	s1_page(&fx, 0x800000, S1_AP_EL0 | S1_UXN, S1_APT_RO);
	expect_s1_perms(&fx, "AP 01 PXN 0 under APTable[1]", 0x800000, R_ | X_, R_);
	sim_fx_fini(&fx);
}

/*
 * A bank given part of a split space (vcm_hw_regs.da_first/da_last) walks
 * only that part: vcm_sim_iommu_walk() refuses an address of the other part
 * with the translation fault translate gives it (level 0, nothing read),
 * even though the shared table maps it.
 */
static void test_v8_walk_split_part(void **state)
{
	struct vcm_sim_xlate x;
	struct vcm_hw_regs hw;
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	sim_fx_init(&fx, sim_config("armv8-4k-s1-ias32"), NULL);
	assert_int_equal(vcm_pt_map(fx.pt, 0x1000, fx.free_pa, 0x1000, VCM_PT_PROT_READ), 0);
	assert_int_equal(vcm_pt_map(fx.pt, 0x100000, fx.free_pa + 0x1000, 0x1000,
				    VCM_PT_PROT_READ), 0);
	/* the low megabyte only */
	hw = fx.hw;
	hw.da_first = 0;
	hw.da_last = 0xfffff;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &hw), 0);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x1000, &x, NULL), 0);
	assert_int_equal(x.pa, fx.free_pa);
	assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, 0x100000, VCM_ACCESS_READ, &pa),
			 -ENOENT);
	expect_fault(&fx, 0x100000, VCM_FAULT_TRANSLATION, 0, VCM_FAULT_DESC_NONE);
	/* from the megabyte up: the page below it is the other part's */
	hw.da_first = 0x100000;
	hw.da_last = 0xffffffff;
	assert_int_equal(vcm_sim_iommu_ops.program(fx.iommu, 0, &hw), 0);
	assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, 0x100000, &x, NULL), 0);
	assert_int_equal(x.pa, fx.free_pa + 0x1000);
	expect_fault(&fx, 0x1000, VCM_FAULT_TRANSLATION, 0, VCM_FAULT_DESC_NONE);
	sim_fx_fini(&fx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walkers_agree),
		cmocka_unit_test(test_hand_entries),
		cmocka_unit_test(test_v8_fault_records),
		cmocka_unit_test(test_v7s_fault_records),
		cmocka_unit_test(test_v8_el0_execute_only),
		cmocka_unit_test(test_v8_implicit_pxn),
		cmocka_unit_test(test_v8_walk_split_part),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
