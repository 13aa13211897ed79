// SPDX-License-Identifier: MIT
/*
 * Isolation through the IOMMU models: the graph drives two simulated IOMMUs
 * (an MSM-like one walking armv7s tables, an SMMU-like one walking armv8
 * stage 1), each with an IOTLB, and after every step a checker sends every
 * device's reads and writes through its model at every page of every VCM the
 * test made, whichever VCM is active. It fails when a device reaches a page
 * its active VCM does not map for that access, reaches any other address than
 * the one the VCM maps, cannot reach what it maps, or reaches memory that two
 * live allocations hold. The properties:
 *  - after vcm_unback() no device access reaches the memory (DMA faults);
 *  - a read-only reservation refuses writes (and memory is untouched);
 *  - a device reaches only its active VCM, across vcm_switch();
 *  - memory is never handed out again while mapped: vcm_free_phys() refuses
 *    while backed, and once unbacked and reused elsewhere the old device
 *    cannot reach it.
 * Each scenario also runs with one defect planted in a test-only wrapper of
 * the model's device ops or in the table bytes (an IOTLB invalidation
 * dropped, a read-only bit lost, a bank left on the old table, one address
 * handed out twice), and the checker must catch it.
 */
#include <stdlib.h>
#include <stdio.h>
#include <vcm/sim.h>
#include "graph_fixture.h"

enum { I7, I8, NI };

/* A model behind a device, and the defects the wrapper can plant (test only). */
struct iso {
	struct vcm_sim_iommu *iommu;
	struct vcm_dev *dev;
	bool drop_tlb; /* tlb_range and tlb_all do nothing: "forgot to invalidate" */
	bool stuck;    /* program and clear of an enabled bank do nothing: the old table stays */
	bool enabled;
};

static struct iso iso[NI];
static const char *const iso_names[NI] = { "iso7", "iso8" };

static int w_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct iso *d = ctx;
	int ret;

	if (d->stuck && d->enabled)
		return 0;
	ret = vcm_sim_iommu_ops.program(d->iommu, base, hw);
	if (ret == 0)
		d->enabled = true;
	return ret;
}

static void w_clear(void *ctx, unsigned int base)
{
	struct iso *d = ctx;

	if (d->stuck)
		return;
	vcm_sim_iommu_ops.clear(d->iommu, base);
	d->enabled = false;
}

static void w_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	struct iso *d = ctx;

	if (!d->drop_tlb)
		vcm_sim_iommu_ops.tlb_range(d->iommu, base, da, len, leaf);
}

static void w_tlb_all(void *ctx, unsigned int base)
{
	struct iso *d = ctx;

	if (!d->drop_tlb)
		vcm_sim_iommu_ops.tlb_all(d->iommu, base);
}

static uint32_t w_hw_version(void *ctx)
{
	return vcm_sim_iommu_ops.hw_version(((struct iso *)ctx)->iommu);
}

static int w_power(void *ctx, vcm_pa_t pa, uint64_t len)
{
	return vcm_sim_iommu_ops.power_query(((struct iso *)ctx)->iommu, pa, len);
}

static const struct vcm_dev_ops wrap_ops = {
	.program = w_program, .clear = w_clear, .tlb_range = w_tlb_range,
	.tlb_all = w_tlb_all, .hw_version = w_hw_version, .power_query = w_power,
};

static void *iso_cpu(void *ctx, vcm_pa_t pa)
{
	(void)ctx;
	return gfx_cpu(pa);
}

static int iso_setup(void **state)
{
	static struct vcm_pt_cfg pt[NI];
	static const enum vcm_sim_iommu_kind kinds[NI] = { VCM_SIM_IOMMU_MSM,
							   VCM_SIM_IOMMU_SMMU_S1 };

	if (gfx_setup(state) != 0)
		return -1;
	pt[I7] = (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv7s };
	pt[I8] = (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8, .ias = 39, .oas = 40 };
	for (int i = 0; i < NI; i++) {
		struct vcm_sim_iommu_cfg mc = {
			.kind = kinds[i], .name = iso_names[i], .tlb_entries = 64,
			.plat = &g.plat, .pa_to_cpu = iso_cpu,
		};
		struct vcm_dev_cfg dc = {
			.name = iso_names[i], .mapper = &vcm_mapper_pt, .mapper_cfg = &pt[i],
			.nr_bases = 1, .ops = &wrap_ops, .ctx = &iso[i],
		};
		struct vcm_diag d = { 0 };

		memset(&iso[i], 0, sizeof(iso[i]));
		if (vcm_sim_iommu_create(&mc, &iso[i].iommu, &d) != 0) {
			fprintf(stderr, "%s\n", d.msg);
			return -1;
		}
		if (vcm_dev_register(g.sys, &dc, &iso[i].dev) != 0) {
			fprintf(stderr, "%s\n", vcm_sys_last_error(g.sys));
			return -1;
		}
	}
	return 0;
}

static int iso_teardown(void **state)
{
	int ret = 0;

	for (int i = 0; i < NI; i++) {
		if (vcm_dev_unregister(iso[i].dev) != 0)
			ret = -1;
		vcm_sim_iommu_destroy(iso[i].iommu);
	}
	return gfx_teardown(state) != 0 ? -1 : ret;
}

/* ---- what the test made, and what each device may reach ---- */

#define MAXR 16
struct exp {
	struct vcm *vcm;
	struct vcm_res *res;
	vcm_da_t da;
	uint64_t len;
	unsigned int prot;
	struct vcm_mem *mem; /* NULL while unbacked */
};

static struct exp ex[MAXR];
static unsigned int nex;
static struct vcm *active[NI];
static struct vcm_mem *live[MAXR];
static unsigned int nlive;
static char why[256];

static void reset_model(void)
{
	memset(ex, 0, sizeof(ex));
	nex = 0;
	memset(active, 0, sizeof(active));
	nlive = 0;
}

static struct exp *res_at(struct vcm *v, vcm_da_t da, uint64_t len, unsigned int prot)
{
	struct exp *e = &ex[nex++];

	assert_true(nex <= MAXR);
	*e = (struct exp){ .vcm = v, .da = da, .len = len, .prot = prot };
	assert_int_equal(vcm_reserve_at(v, da, len, prot, &e->res), 0);
	return e;
}

static struct vcm_mem *mem_new(uint64_t len)
{
	struct vcm_mem *m = gfx_alloc(0, len, 0);

	live[nlive++] = m;
	return m;
}

static void mem_gone(struct vcm_mem *m)
{
	for (unsigned int i = 0; i < nlive; i++)
		if (live[i] == m) {
			live[i] = live[--nlive];
			assert_int_equal(vcm_free_phys(g.sys, m), 0);
			return;
		}
	fail();
}

static void back(struct exp *e, struct vcm_mem *m)
{
	assert_int_equal(vcm_back(e->res, m), 0);
	e->mem = m;
}

static void unback(struct exp *e)
{
	assert_int_equal(vcm_unback(e->res), 0);
	e->mem = NULL;
}

/* The live allocations that hold @pa. */
static unsigned int owners(vcm_pa_t pa)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < nlive; i++) {
		uint64_t it = 0, len;
		vcm_pa_t p;

		while (vcm_mem_next_chunk(live[i], &it, &p, &len) == 0)
			if (pa >= p && pa - p < len)
				n++;
	}
	return n;
}

/* What device @d's active VCM maps at @da, or NULL. */
static const struct exp *mapped(int d, vcm_da_t da)
{
	for (unsigned int i = 0; i < nex; i++)
		if (ex[i].vcm == active[d] && ex[i].mem != NULL && da >= ex[i].da &&
		    da - ex[i].da < ex[i].len)
			return &ex[i];
	return NULL;
}

/* Device @d's access @acc at @da: 0 when it reaches just what its active VCM maps, else 1. */
static int access_broken(int d, vcm_da_t da, unsigned int acc)
{
	const struct exp *m = mapped(d, da);
	const unsigned int need = acc == VCM_ACCESS_READ ? VCM_PT_PROT_READ : VCM_PT_PROT_WRITE;
	const bool may = m != NULL && (m->prot & need) != 0U;
	const char *what = acc == VCM_ACCESS_READ ? "read" : "write";
	vcm_pa_t pa = 0, want;
	int ret = vcm_sim_iommu_translate(iso[d].iommu, 0, da, acc, &pa);

	if (ret != 0 && !may)
		return 0;
	if (ret != 0) {
		snprintf(why, sizeof(why), "%s cannot %s its own da %#llx: %d", iso_names[d],
			 what, (unsigned long long)da, ret);
		return 1;
	}
	if (!may) {
		snprintf(why, sizeof(why),
			 "%s %s at da %#llx reaches pa %#llx, which its active VCM does not map "
			 "for that", iso_names[d], what, (unsigned long long)da,
			 (unsigned long long)pa);
		return 1;
	}
	want = gfx_pa_of(m->mem, da - m->da);
	if (pa != want || owners(pa) != 1) {
		snprintf(why, sizeof(why),
			 "%s da %#llx reaches pa %#llx (want %#llx), held by %u live allocations",
			 iso_names[d], (unsigned long long)da, (unsigned long long)pa,
			 (unsigned long long)want, owners(pa));
		return 1;
	}
	return 0;
}

/*
 * Every device, every page of every reservation of every VCM, a read and a
 * write through the model (IOTLB included): 0 when each reaches exactly what
 * its active VCM maps for that access, else 1 with the first difference in why.
 */
static int isolation_broken(void)
{
	for (int d = 0; d < NI; d++)
		for (unsigned int i = 0; i < nex; i++)
			for (uint64_t off = 0; off < ex[i].len; off += 4 * KB)
				if (access_broken(d, ex[i].da + off, VCM_ACCESS_READ) ||
				    access_broken(d, ex[i].da + off, VCM_ACCESS_WRITE))
					return 1;
	return 0;
}

#define HOLDS() \
	do { \
		if (isolation_broken()) \
			fail_msg("%s", why); \
	} while (0)

/* Drop every cached translation (what a planted defect left stale). */
static void flush_models(void)
{
	for (int d = 0; d < NI; d++)
		vcm_sim_iommu_ops.tlb_all(iso[d].iommu, 0);
}

#define VA UINT64_C(0x10000000)
#define X  (VA + MB)
#define Y  (VA + 4 * MB)

/* ---- the scenarios: each returns whether isolation broke at its decisive step ---- */

/* After unback, DMA through the model faults; @plant: the unback's invalidation is lost. */
static bool unback_scenario(bool plant)
{
	struct vcm *v = gfx_vcm(VA, 16 * MB);
	struct vcm_avcm *a;
	uint8_t out[256], in[256];
	struct exp *e;
	bool broken;
	int ret;

	assert_int_equal(vcm_assoc(v, iso[I8].dev, 0, &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	active[I8] = v;
	e = res_at(v, X, 64 * KB, RW);
	back(e, mem_new(64 * KB));
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(vcm_sim_iommu_write(iso[I8].iommu, 0, X + 8 * KB, out, sizeof(out)), 0);
	assert_memory_equal(gfx_cpu(gfx_pa_of(e->mem, 8 * KB)), out, sizeof(out));
	HOLDS();

	iso[I8].drop_tlb = plant;
	{
		struct vcm_mem *m = e->mem;

		unback(e);
		iso[I8].drop_tlb = false;
		broken = isolation_broken();
		ret = vcm_sim_iommu_read(iso[I8].iommu, 0, X + 8 * KB, in, sizeof(in));
		if (ret == 0 && !broken)
			snprintf(why, sizeof(why), "a DMA read after unback moved data");
		broken = broken || ret == 0;
		if (!plant)
			assert_int_equal(ret, -ENOENT);
		flush_models();
		HOLDS();
		mem_gone(m);
	}
	assert_int_equal(vcm_unreserve(e->res), 0);
	nex = 0;
	gfx_drop(a);
	active[I8] = NULL;
	assert_int_equal(vcm_free(v), 0);
	return broken;
}

/* The leaf descriptor of @da in @d's bank 0, as the model walks it. */
static void *desc_of(int d, vcm_da_t da)
{
	struct vcm_sim_xlate x;

	assert_int_equal(vcm_sim_iommu_walk(iso[d].iommu, 0, da, &x, NULL), 0);
	return gfx_cpu(x.desc_pa);
}

/*
 * A read-only reservation refuses the device's writes on both models;
 * @plant: the descriptors lose their read-only bit (armv8 AP[2], bit 7 of a
 * stage 1 page; armv7s APX, bit 9 of a small page), as an encoder that
 * ignored the prot would write them.
 */
static bool readonly_scenario(bool plant)
{
	struct vcm *v[NI];
	struct vcm_avcm *a[NI];
	struct exp *e[NI];
	bool broken = false;

	for (int d = 0; d < NI; d++) {
		v[d] = gfx_vcm(VA, 16 * MB);
		assert_int_equal(vcm_assoc(v[d], iso[d].dev, 0, &a[d]), 0);
		assert_int_equal(vcm_activate(a[d]), 0);
		active[d] = v[d];
		e[d] = res_at(v[d], X, 16 * KB, VCM_PT_PROT_READ);
		back(e[d], mem_new(16 * KB));
		memset(gfx_cpu(gfx_pa_of(e[d]->mem, 0)), 0xaa, 4 * KB);
	}
	HOLDS();
	if (plant) {
		*(uint32_t *)desc_of(I7, X) &= ~(UINT32_C(1) << 9);
		*(uint64_t *)desc_of(I8, X) &= ~(UINT64_C(1) << 7);
		flush_models();
	}
	broken = isolation_broken();
	for (int d = 0; d < NI; d++) {
		uint8_t out[64];
		const uint8_t *mem = gfx_cpu(gfx_pa_of(e[d]->mem, 0));
		int ret;

		memset(out, 0x11, sizeof(out));
		ret = vcm_sim_iommu_write(iso[d].iommu, 0, X, out, sizeof(out));
		if (ret == 0 || mem[0] != 0xaa) {
			if (!broken)
				snprintf(why, sizeof(why), "%s wrote a read-only page",
					 iso_names[d]);
			broken = true;
		} else {
			assert_int_equal(ret, -EACCES);
		}
	}
	if (plant) {
		*(uint32_t *)desc_of(I7, X) |= UINT32_C(1) << 9;
		*(uint64_t *)desc_of(I8, X) |= UINT64_C(1) << 7;
		flush_models();
	}
	HOLDS();
	for (int d = 0; d < NI; d++) {
		struct vcm_mem *m = e[d]->mem;

		unback(e[d]);
		mem_gone(m);
		assert_int_equal(vcm_unreserve(e[d]->res), 0);
		gfx_drop(a[d]);
		active[d] = NULL;
		assert_int_equal(vcm_free(v[d]), 0);
	}
	nex = 0;
	return broken;
}

/*
 * Two VCMs on the armv8 device map the same da X to different memory; A also
 * maps Y. The armv7s device's own VCM maps X too. Switching the armv8 device
 * from A to B must leave A's memory unreachable from it; @plant: the bank is
 * not reprogrammed (it keeps walking A's table).
 */
static bool switch_scenario(bool plant)
{
	struct vcm *va = gfx_vcm(VA, 16 * MB), *vb = gfx_vcm(VA, 16 * MB);
	struct vcm *vc = gfx_vcm(VA, 16 * MB);
	struct vcm_avcm *aa, *ab, *ac;
	struct exp *ea, *ea2, *eb, *ec;
	uint8_t buf[64];
	bool broken;

	assert_int_equal(vcm_assoc(va, iso[I8].dev, 0, &aa), 0);
	assert_int_equal(vcm_assoc(vb, iso[I8].dev, 0, &ab), 0);
	assert_int_equal(vcm_assoc(vc, iso[I7].dev, 0, &ac), 0);
	assert_int_equal(vcm_activate(ac), 0);
	active[I7] = vc;
	ea = res_at(va, X, 64 * KB, RW);
	ea2 = res_at(va, Y, 64 * KB, RW);
	eb = res_at(vb, X, 64 * KB, RW);
	ec = res_at(vc, X, 64 * KB, RW);
	back(ec, mem_new(64 * KB));
	/* a VCM is backed while it is active (-EAGAIN otherwise): B first, then A */
	assert_int_equal(vcm_activate(ab), 0);
	active[I8] = vb;
	back(eb, mem_new(64 * KB));
	HOLDS();
	assert_int_equal(vcm_switch(aa), 0);
	active[I8] = va;
	back(ea, mem_new(64 * KB));
	back(ea2, mem_new(64 * KB));
	HOLDS();
	/* the device has A's pages in its IOTLB when it switches */
	assert_int_equal(vcm_sim_iommu_read(iso[I8].iommu, 0, X, buf, sizeof(buf)), 0);
	assert_int_equal(vcm_sim_iommu_read(iso[I8].iommu, 0, Y, buf, sizeof(buf)), 0);
	iso[I8].stuck = plant;
	assert_int_equal(vcm_switch(ab), 0);
	active[I8] = vb;
	broken = isolation_broken();
	iso[I8].stuck = false;
	if (plant) { /* put the bank on B's table, as the switch should have */
		assert_int_equal(vcm_deactivate(ab), 0);
		assert_int_equal(vcm_activate(ab), 0);
	}
	HOLDS();
	/* with nothing active, the device reaches nothing at all */
	assert_int_equal(vcm_deactivate(ab), 0);
	active[I8] = NULL;
	HOLDS();
	for (unsigned int i = 0; i < nex; i++) {
		struct vcm_mem *m = ex[i].mem;

		unback(&ex[i]);
		mem_gone(m);
		assert_int_equal(vcm_unreserve(ex[i].res), 0);
	}
	nex = 0;
	gfx_drop(aa);
	gfx_drop(ab);
	gfx_drop(ac);
	memset(active, 0, sizeof(active));
	assert_int_equal(vcm_free(va), 0);
	assert_int_equal(vcm_free(vb), 0);
	assert_int_equal(vcm_free(vc), 0);
	return broken;
}

/*
 * Memory mapped for the armv8 device cannot be freed; once unbacked and
 * freed it is allocated again (the allocator hands back the same pages) and
 * backs the armv7s device's VCM: the armv8 device must not reach it.
 * @plant: the pages are handed out again while still mapped (a second
 * allocation wrapping them), as an allocator that ignored the mapping would.
 */
static bool reuse_scenario(bool plant)
{
	struct vcm *v8 = gfx_vcm(VA, 16 * MB), *v7 = gfx_vcm(VA, 16 * MB);
	struct vcm_avcm *a8, *a7;
	struct exp *e8, *e7;
	struct vcm_mem *m8, *m7;
	vcm_pa_t pa;
	uint8_t buf[64];
	bool broken;

	assert_int_equal(vcm_assoc(v8, iso[I8].dev, 0, &a8), 0);
	assert_int_equal(vcm_assoc(v7, iso[I7].dev, 0, &a7), 0);
	assert_int_equal(vcm_activate(a8), 0);
	assert_int_equal(vcm_activate(a7), 0);
	active[I8] = v8;
	active[I7] = v7;
	e8 = res_at(v8, X, 64 * KB, RW);
	e7 = res_at(v7, Y, 64 * KB, RW);
	m8 = mem_new(64 * KB);
	back(e8, m8);
	pa = gfx_pa_of(m8, 0);
	assert_int_equal(vcm_free_phys(g.sys, m8), -EBUSY);
	assert_int_equal(vcm_sim_iommu_read(iso[I8].iommu, 0, X, buf, sizeof(buf)), 0);
	HOLDS();
	if (plant) {
		assert_int_equal(vcm_alloc_wrap(g.sys, pa, 64 * KB, &m7), 0);
		live[nlive++] = m7;
	} else {
		unback(e8);
		mem_gone(m8);
		m7 = mem_new(64 * KB);
		assert_int_equal(gfx_pa_of(m7, 0), pa); /* the same pages came back */
	}
	back(e7, m7);
	broken = isolation_broken();
	for (unsigned int i = 0; i < nex; i++)
		if (ex[i].mem != NULL) {
			struct vcm_mem *m = ex[i].mem;

			unback(&ex[i]);
			mem_gone(m);
		}
	assert_int_equal(vcm_unreserve(e8->res), 0);
	assert_int_equal(vcm_unreserve(e7->res), 0);
	nex = 0;
	gfx_drop(a8);
	gfx_drop(a7);
	memset(active, 0, sizeof(active));
	assert_int_equal(vcm_free(v8), 0);
	assert_int_equal(vcm_free(v7), 0);
	return broken;
}

static void run(bool (*scenario)(bool plant))
{
	reset_model();
	if (scenario(false))
		fail_msg("isolation broken: %s", why);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	reset_model();
	why[0] = '\0';
	if (!scenario(true))
		fail_msg("the planted defect went unnoticed");
	print_message("planted defect caught: %s\n", why[0] ? why : "the DMA moved data");
	assert_int_equal(vcm_sys_check_(g.sys), 0);
}

static void test_unback(void **state)
{
	(void)state;
	run(unback_scenario);
}

static void test_readonly(void **state)
{
	(void)state;
	run(readonly_scenario);
}

static void test_active_only(void **state)
{
	(void)state;
	run(switch_scenario);
}

static void test_no_reuse_while_mapped(void **state)
{
	(void)state;
	run(reuse_scenario);
}

#define TI(f) cmocka_unit_test_setup_teardown(f, iso_setup, iso_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		TI(test_unback),
		TI(test_readonly),
		TI(test_active_only),
		TI(test_no_reuse_while_mapped),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
