// SPDX-License-Identifier: MIT
/*
 * The graph property driver (graph_driver.h), checked against the model in
 * graph_model.c. Calls: create (IOMMU, one-to-one, prebuilt CPU), assoc,
 * deassoc, activate, deactivate, switch, reserve, unreserve, alloc, free,
 * back, unback, migrate and clone over seven devices: ARMv7 short
 * descriptor, two ARMv8 4K stage 1 (one shared table), ARMv8 64K granule
 * stage 2, AMD v1, a one-to-one DMA engine, and the hosted CPU. The four Arm
 * devices sit behind IOMMU models of src/sim (one each, a small IOTLB), so
 * their tables are also walked by a decoder that is not the pgtable layer's.
 * Each call's result must be the one the model's rules give. After every step
 * (the checks are in graph_checks.c):
 *  - vcm_sys_check_() passes;
 *  - every table (every live mapper instance, seen through a spy mapper that
 *    wraps the real one) is looked up page by page over its whole range and
 *    equals the model: backed reservations map to their chunks, nothing else
 *    is mapped; every associated configuration of a VCM has exactly one table;
 *  - each active device answers vcm_dev_addr_to_phys_addr() as the model;
 *    each device behind an IOMMU model translates every mapped page of its
 *    active VCM there as the model (reads, and writes where writable; a
 *    fault where the model has a hole), and a device with nothing active is
 *    refused by its model;
 *  - the reverse map equals the model's, both ways, at chunk starts and at a
 *    random page of every backed allocation, and is empty at a free page;
 *  - bytes written through a CPU pointer read back at the physical address
 *    every other table gives for the same offset, and the other way round;
 *    vcm_translate() takes the CPU address to the other VCM's address.
 * Failure injection: some backs and migrates are first run with the Nth table
 * or metadata allocation failing, N = 1, 2, ... until the call succeeds; each
 * failed try must leave everything as before: every instance's translations
 * equal to a print taken before the call (gdi_print_tables()), no table or
 * metadata bytes leaked, and the same checks as after a step (under gd_quick,
 * when the call touched too much for g_dirty, at N = 1, 2, 4, 8, ... and
 * vcm_sys_check_() at the others; see check_unchanged()). A call may also succeed with its Nth allocation
 * failed, where it can do without it (a table's count hash that cannot
 * shrink keeps its size): that is a success, checked as one.
 * gd_quick (the fuzzer) runs these checks in full every GD_FULL_EVERY steps
 * and at teardown only; in between, after each step and each failed try,
 * the same comparisons restricted to what the step touched (g_dirty, which
 * each op fills before calling the graph); see graph_driver.h.
 * This file: the world (a counting failer around the platform ops, a spy
 * mapper, the devices), the operations and the steps; what it shares with
 * graph_checks.c is in graph_driver_internal.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include <vcm/sim.h>
#include "graph_driver_internal.h"

#define MEM_PA UINT64_C(0x80000000)
#define MEM_LEN (64 * MB)
#define TABLE_BYTES (8 * MB)
#define VCM_SPAN (8 * MB)      /* each IOMMU VCM: small, so a full walk is cheap */

static unsigned long g_step;
static const char *g_op = "setup";

/* How often each call succeeded and failed: printed, so coverage is visible. */
static struct tally {
	const char *op;
	unsigned long ok, err;
} g_tally[24];

static void tally(int ret)
{
	unsigned int i = 0;

	while (i < 23 && g_tally[i].op != NULL && g_tally[i].op != g_op)
		i++;
	g_tally[i].op = g_op;
	if (ret == 0)
		g_tally[i].ok++;
	else
		g_tally[i].err++;
}

bool gd_quick;
bool gd_keep_mem;
long gd_plant_try;
bool gd_planted;
static struct vcm_hosted_mem *g_kept_mem; /* gd_keep_mem: the memory between runs */

/* The calls' choices come from the runner; the checks' samples from crnd(). */
static uint64_t rnd(uint64_t n)
{
	return n != 0U ? gd_rand(n) % n : 0U;
}

struct dirty g_dirty;
static unsigned int g_since_full; /* steps since the last full check */

static void touch_vcm(int v)
{
	if (v >= 0)
		g_dirty.vcm |= UINT32_C(1) << v;
}

static void touch_da(int v, uint64_t da, uint64_t len)
{
	touch_vcm(v);
	if (g_dirty.nr_da == MAX_DIRTY)
		g_dirty.all = true;
	else
		g_dirty.da[g_dirty.nr_da++] = (struct dirty_da){ v, da, len };
}

static void touch_pa(uint64_t pa, uint64_t len)
{
	/* Past the list's room the periodic full check has them (at samples). */
	if (g_dirty.nr_pa < MAX_DIRTY)
		g_dirty.pa[g_dirty.nr_pa++] = (struct dirty_pa){ pa, len };
}

static void touch_dev(int d)
{
	if (d >= 0)
		g_dirty.dev |= UINT32_C(1) << d;
}

/* ---- a counting failer around the platform ops --------------------------- */

struct failer {
	const struct vcm_plat_ops *real;
	long countdown;          /* > 0: the countdown-th allocation from now fails */
	long table_live, meta_live;
	uint64_t table_bytes;
};

static struct failer g_fail;

static bool fail_now(void)
{
	return g_fail.countdown > 0 && --g_fail.countdown == 0;
}

static int f_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	int ret;

	(void)ctx;
	if (fail_now())
		return -ENOMEM;
	ret = g_fail.real->table_alloc(g_fail.real->ctx, size, align, pa, cpu);
	if (ret == 0) {
		g_fail.table_live++;
		g_fail.table_bytes += size;
	}
	return ret;
}

static void f_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	(void)ctx;
	g_fail.table_live--;
	g_fail.table_bytes -= size;
	g_fail.real->table_free(g_fail.real->ctx, pa, cpu, size);
}

/* An emptied table given back as zero: it must be, as the platform hands it out uncleared. */
static void f_table_free_zero(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	const uint8_t *b = cpu;
	uint64_t any = 0;

	(void)ctx;
	/* word by word (tables are 64-byte aligned), then the byte to name */
	for (uint64_t k = 0; k + 8U <= size; k += 8U)
		any |= *(const uint64_t *)(const void *)(b + k);
	for (uint64_t k = size & ~UINT64_C(7); k < size; k++)
		any |= b[k];
	for (uint64_t k = 0; any != 0U && k < size; k++)
		CHECK(b[k] == 0U, "table at pa %#llx given back as zero has %#x at byte %#llx",
		      (unsigned long long)pa, b[k], (unsigned long long)k);
	g_fail.table_live--;
	g_fail.table_bytes -= size;
	g_fail.real->table_free_zero(g_fail.real->ctx, pa, cpu, size);
}

static void *f_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	(void)ctx;
	return g_fail.real->pa_to_cpu(g_fail.real->ctx, pa);
}

static void *f_meta_alloc(void *ctx, size_t size)
{
	void *p;

	(void)ctx;
	if (fail_now())
		return NULL;
	p = g_fail.real->meta_alloc(g_fail.real->ctx, size);
	if (p != NULL)
		g_fail.meta_live++;
	return p;
}

static void f_meta_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	if (p != NULL)
		g_fail.meta_live--;
	g_fail.real->meta_free(g_fail.real->ctx, p, size);
}

static const struct vcm_plat_ops failer_ops = {
	.table_alloc = f_table_alloc,
	.table_free = f_table_free,
	.pa_to_cpu = f_pa_to_cpu,
	.meta_alloc = f_meta_alloc,
	.meta_free = f_meta_free,
	.table_free_zero = f_table_free_zero, /* the hosted memory's has one */
};

/* ---- a spy mapper: the real one, plus a list of live instances ----------- */

struct spy_inst g_inst[MAX_INST];
static int g_owner = -1;        /* set before every graph call that may make tables */
static unsigned int g_nr_dev;
static struct vcm_dev_cfg g_dev_cfg[GM_MAX_DEV];
static unsigned int g_cfg_id[GM_MAX_DEV];

static unsigned int cfg_id_of(const struct vcm_dev_cfg *cfg)
{
	for (unsigned int d = 0; d < g_nr_dev; d++)
		if (strcmp(cfg->name, g_dev_cfg[d].name) == 0)
			return g_cfg_id[d];
	return ~0U;
}

static int spy_create(void *ctx, const struct vcm_dev_cfg *dev_cfg,
		      const struct vcm_plat_ops *plat, vcm_da_t start, uint64_t len,
		      void **inst, struct vcm_diag *diag)
{
	const struct spy_kind *k = ctx;
	struct spy_inst *s = NULL;
	void *real = NULL;
	int ret;

	for (unsigned int i = 0; i < MAX_INST && s == NULL; i++)
		if (!g_inst[i].live)
			s = &g_inst[i];
	if (s == NULL)
		return -ENOMEM;
	ret = k->real->create(k->real_ctx, dev_cfg, plat, start, len, &real, diag);
	if (ret < 0)
		return ret;
	*s = (struct spy_inst){ true, k, real, g_owner, cfg_id_of(dev_cfg), start, len };
	*inst = s;
	return 0;
}

static void spy_destroy(void *inst)
{
	struct spy_inst *s = inst;

	s->kind->real->destroy(s->inst);
	s->live = false;
}

static bool spy_compatible(const struct vcm_dev_cfg *a, const struct vcm_dev_cfg *b)
{
	const struct spy_kind *k = a->mapper_ctx;

	return k->real->compatible(a, b);
}

static int spy_map(void *inst, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		   unsigned int prot, struct vcm_diag *diag)
{
	struct spy_inst *s = inst;

	return s->kind->real->map(s->inst, da, seg, nr, prot, diag);
}

static int spy_unmap(void *inst, vcm_da_t da, uint64_t len, struct vcm_diag *diag)
{
	struct spy_inst *s = inst;

	return s->kind->real->unmap(s->inst, da, len, diag);
}

int gdi_spy_lookup(void *inst, vcm_da_t da, vcm_pa_t *pa, unsigned int *prot)
{
	struct spy_inst *s = inst;

	return s->kind->real->lookup(s->inst, da, pa, prot);
}

static int spy_hw(void *inst, struct vcm_hw_regs *out)
{
	struct spy_inst *s = inst;

	return s->kind->real->hw(s->inst, out);
}

static uint64_t spy_page_sizes(void *inst)
{
	struct spy_inst *s = inst;

	return s->kind->real->page_sizes(s->inst);
}

int gdi_spy_walk(void *inst, vcm_da_t da, uint64_t len,
		 int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot),
		 void *arg)
{
	struct spy_inst *s = inst;

	return s->kind->real->walk(s->inst, da, len, fn, arg);
}

static int spy_range(void *ctx, bool user, vcm_da_t *start, uint64_t *len)
{
	const struct spy_kind *k = ctx;

	return k->real->range(k->real_ctx, user, start, len);
}

/*
 * One ops table per real mapper, so the graph tells the kinds apart by
 * pointer; an op the real mapper lacks stays NULL in its spy too.
 */
static struct vcm_mapper_ops spy_pt, spy_o2o, spy_cpu;

static void spy_make(struct vcm_mapper_ops *o, const struct vcm_mapper_ops *real)
{
	*o = (struct vcm_mapper_ops){
		.name = real->name, .cfg_size = real->cfg_size, .create = spy_create, .destroy = spy_destroy,
		.compatible = real->compatible ? spy_compatible : NULL, .map = spy_map,
		.unmap = spy_unmap,
		.lookup = gdi_spy_lookup, .hw = real->hw ? spy_hw : NULL,
		.page_sizes = real->page_sizes ? spy_page_sizes : NULL,
		.range = real->range ? spy_range : NULL, .walk = real->walk ? gdi_spy_walk : NULL,
		.identity = real->identity,
	};
}

struct spy_kind g_kind_pt = { &vcm_mapper_pt, NULL };
static struct spy_kind kind_o2o = { &vcm_mapper_one_to_one, NULL };
static struct spy_kind kind_cpu = { &vcm_hosted_cpu_mapper, NULL };

/* ---- the world ----------------------------------------------------------- */

struct gdi_world w;

void gdi_failed(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof(msg), "step %lu (%s): ", g_step, g_op);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - (size_t)n, fmt, ap);
	va_end(ap);
	n = (int)strlen(msg);
	snprintf(msg + n, sizeof(msg) - (size_t)n, "\n  last error: %s",
		 w.sys != NULL ? vcm_sys_last_error(w.sys) : "");
	gd_fail(msg);
	abort(); /* gd_fail() does not return */
}

/* An IOMMU model of @kind in front of device @d (its bank 0 is base 0). */
static void add_sim(unsigned int d, enum vcm_sim_iommu_kind kind, struct vcm_dev_cfg *cfg)
{
	struct vcm_sim_iommu_cfg mc = { .kind = kind, .tlb_entries = 16, .tlb_ways = 4,
					.plat = vcm_hosted_mem_plat(w.mem) };
	struct vcm_diag diag = { 0 };

	CHECK(vcm_sim_iommu_create(&mc, &w.sim[d], &diag) == 0, "sim model %u: %s", d, diag.msg);
	cfg->ops = &vcm_sim_iommu_ops;
	cfg->ctx = w.sim[d];
}

static void add_dev(unsigned int d, const char *name, enum gm_kind kind, unsigned int gran_lg2,
		    unsigned int cfg_id, struct vcm_dev_cfg cfg)
{
	struct gm_dev *gd = &w.m.dev[d];

	cfg.name = name;
	if (cfg.nr_bases == 0)
		cfg.nr_bases = 1;
	g_dev_cfg[d] = cfg;
	g_cfg_id[d] = cfg_id;
	g_nr_dev = d + 1;
	*gd = (struct gm_dev){ .name = name, .kind = kind, .gran_lg2 = gran_lg2,
			       .cfg_id = cfg_id, .active_vcm = -1 };
	CHECK(vcm_dev_register(w.sys, &g_dev_cfg[d], (struct vcm_dev **)&gd->h) == 0,
	      "register %s", name);
	w.m.nr_dev = d + 1;
}

static void world_init(void)
{
	struct vcm_diag diag = { 0 };
	struct vcm_phys_range range;
	struct vcm_phys_memtype_cfg mt = { .ranges = &range, .nr_ranges = 1 };
	struct vcm_sys_cfg cfg = { .plat = &failer_ops, .memtypes = &mt, .nr_memtypes = 1 };
	struct vcm_pt_cfg v7s = { .fmt = &vcm_pt_fmt_armv7s };
	struct vcm_pt_cfg v8 = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40 };
	struct vcm_pt_cfg v8s2 = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40,
				   .granule_lg2 = 16, .flags = VCM_PT_CFG_STAGE2 };
	struct vcm_pt_cfg amd = { .fmt = &vcm_pt_fmt_amdv1 };
	struct vcm_dev_cfg dc[NR_PT] = { { 0 } };

	memset(&w, 0, sizeof(w));
	memset(g_inst, 0, sizeof(g_inst));
	if (g_kept_mem != NULL)
		w.mem = g_kept_mem; /* reset at the last teardown */
	else
		CHECK(vcm_hosted_mem_create(MEM_PA, MEM_LEN, TABLE_BYTES, &w.mem, &diag) == 0,
		      "vcm_hosted_mem_create: %s", diag.msg);
	g_fail = (struct failer){ .real = vcm_hosted_mem_plat(w.mem) };
	vcm_hosted_mem_free_range(w.mem, &range.pa, &range.len);
	w.mt_pa = range.pa;
	w.mt_len = range.len;
	CHECK(vcm_sys_create(&cfg, &w.sys, &diag) == 0, "vcm_sys_create: %s", diag.msg);
	kind_cpu.real_ctx = w.mem;
	spy_make(&spy_pt, &vcm_mapper_pt);
	spy_make(&spy_o2o, &vcm_mapper_one_to_one);
	spy_make(&spy_cpu, &vcm_hosted_cpu_mapper);

	add_sim(D_V7S, VCM_SIM_IOMMU_MSM, &dc[D_V7S]);
	add_sim(D_V8A, VCM_SIM_IOMMU_SMMU_S1, &dc[D_V8A]);
	add_sim(D_V8B, VCM_SIM_IOMMU_SMMU_S1, &dc[D_V8B]);
	add_sim(D_V8S2, VCM_SIM_IOMMU_SMMU_S2, &dc[D_V8S2]);
	dc[D_V7S].mapper_cfg = &v7s;
	dc[D_V8A].mapper_cfg = &v8;
	dc[D_V8B].mapper_cfg = &v8;
	dc[D_V8S2].mapper_cfg = &v8s2;
	dc[D_AMD].mapper_cfg = &amd;
	for (unsigned int d = 0; d < NR_PT; d++) {
		dc[d].mapper = &spy_pt;
		dc[d].mapper_ctx = &g_kind_pt;
	}
	add_dev(D_V7S, "v7s", GM_PT, 12, 0, dc[D_V7S]);
	add_dev(D_V8A, "v8a", GM_PT, 12, 1, dc[D_V8A]);
	add_dev(D_V8B, "v8b", GM_PT, 12, 1, dc[D_V8B]);
	add_dev(D_V8S2, "v8s2", GM_PT, 16, 2, dc[D_V8S2]);
	add_dev(D_AMD, "amdv1", GM_PT, 12, 3, dc[D_AMD]);
	add_dev(D_DMA, "dma", GM_ONE_TO_ONE, 12, 4,
		(struct vcm_dev_cfg){ .mapper = &spy_o2o, .mapper_ctx = &kind_o2o });
	add_dev(D_CPU, "cpu", GM_CPU, 12, 5,
		(struct vcm_dev_cfg){ .mapper = &spy_cpu, .mapper_ctx = &kind_cpu,
				      .nr_bases = 2 });
}

/* ---- operations ---------------------------------------------------------- */

static void touch_mem(int mi)
{
	if (mi >= 0)
		g_dirty.mem |= UINT64_C(1) << mi;
}

/* Reservation @r: its range in its VCM's tables, its allocation's reverse map. */
static void touch_res(int r)
{
	touch_da(w.m.res[r].vcm, w.m.res[r].da, w.m.res[r].len);
	touch_mem(w.m.res[r].mem);
}

/* VCM @v gets new tables or reservations at once: all of it, and what backs it. */
static void touch_vcm_whole(int v)
{
	touch_vcm(v);
	g_dirty.whole |= UINT32_C(1) << v;
	for (int r = 0; r < GM_MAX_RES; r++)
		if (w.m.res[r].live && w.m.res[r].vcm == v)
			touch_mem(w.m.res[r].mem);
}

/* Allocation @mi is freed or moves: its pages leave the reverse map (some of its chunks). */
static void touch_chunks(int mi)
{
	const struct gm_mem *pm = &w.m.mem[mi];
	unsigned int stride = 1 + pm->nr / MAX_DIRTY;

	touch_mem(mi);
	for (unsigned int c = 0; c < pm->nr; c += stride)
		touch_pa(pm->pa[c], pm->clen[c]);
}

static int pick_live_vcm(enum gm_kind kind)
{
	int v = (int)rnd(GM_MAX_VCM);

	for (int i = 0; i < GM_MAX_VCM; i++, v = (v + 1) % GM_MAX_VCM)
		if (w.m.vcm[v].live && w.m.vcm[v].kind == kind)
			return v;
	return -1;
}

static int pick_any_vcm(void)
{
	int v = (int)rnd(GM_MAX_VCM);

	for (int i = 0; i < GM_MAX_VCM; i++, v = (v + 1) % GM_MAX_VCM)
		if (w.m.vcm[v].live)
			return v;
	return -1;
}

static int pick_res(bool want_backed)
{
	int r = (int)rnd(GM_MAX_RES);

	for (int i = 0; i < GM_MAX_RES; i++, r = (r + 1) % GM_MAX_RES)
		if (w.m.res[r].live && (w.m.res[r].mem >= 0) == want_backed)
			return r;
	return -1;
}

static int pick_mem(void)
{
	int m = (int)rnd(GM_MAX_MEM);

	for (int i = 0; i < GM_MAX_MEM; i++, m = (m + 1) % GM_MAX_MEM)
		if (w.m.mem[m].live)
			return m;
	return -1;
}

static void read_chunks(int mi)
{
	struct gm_mem *pm = &w.m.mem[mi];
	uint64_t iter = 0;

	pm->nr = 0;
	pm->len = 0;
	while (pm->nr < GM_MAX_CHUNKS &&
	       vcm_mem_next_chunk(pm->h, &iter, &pm->pa[pm->nr], &pm->clen[pm->nr]) == 0) {
		pm->len += pm->clen[pm->nr];
		pm->nr++;
	}
}

static void op_create(void)
{
	int v = gm_new_vcm(&w.m);
	struct gm_vcm *gv;
	unsigned int kind = (unsigned int)rnd(8);
	int ret;

	if (v < 0)
		return;
	gv = &w.m.vcm[v];
	g_owner = v;
	touch_vcm_whole(v);
	if (kind < 5) {
		gv->kind = GM_PT;
		gv->start = (uint64_t)(1 + v) * 4 * VCM_SPAN;
		gv->len = VCM_SPAN;
		g_op = "create";
		ret = vcm_create(w.sys, gv->start, gv->len, (struct vcm **)&gv->h);
		/* some have a bound at their start that reservations are drawn from too */
		if (ret == 0 && rnd(2) == 0) {
			g_op = "create_bound";
			ret = vcm_create_bound(gv->h, (1 + rnd(8)) * MB / 2, &w.bound[v]);
		}
	} else if (kind < 6) {
		gv->kind = GM_ONE_TO_ONE;
		gv->start = w.mt_pa;
		gv->len = w.mt_len;
		g_op = "create_one_to_one";
		ret = vcm_create_one_to_one(w.sys, gv->start, gv->len, (struct vcm **)&gv->h);
	} else {
		bool user = kind == 7;

		/* One prebuilt VCM per view: the hosted window is one per view. */
		for (int i = 0; i < GM_MAX_VCM; i++)
			if (w.m.vcm[i].live && w.m.vcm[i].kind == GM_CPU && w.m.vcm[i].user == user)
				return;
		gv->kind = GM_CPU;
		gv->user = user;
		g_op = "create_prebuilt";
		ret = vcm_create_prebuilt(w.sys, w.m.dev[D_CPU].h, user, (struct vcm **)&gv->h);
		if (ret == 0) {
			gv->start = vcm_get_start_addr(gv->h);
			gv->len = vcm_get_len(gv->h);
		}
	}
	tally(ret);
	CHECK(ret == 0, "%s: %d", g_op, ret);
	gv->live = true;
	memset(gv->as, 0, sizeof(gv->as));
}

static void op_free(void)
{
	int v = pick_any_vcm();
	bool busy;
	int ret;

	if (v < 0)
		return;
	g_op = "free";
	g_owner = v;
	touch_vcm(v);
	busy = gm_vcm_nr_res(&w.m, v) != 0 ||
	       (w.m.vcm[v].kind != GM_CPU && gm_vcm_nr_assoc(&w.m, v) != 0);
	ret = vcm_free(w.m.vcm[v].h);
	tally(ret);
	CHECK(ret == (busy ? -EBUSY : 0), "vcm_free(VCM %d): %d, want %d", v, ret,
	      busy ? -EBUSY : 0);
	if (ret == 0) {
		w.m.vcm[v].live = false;
		w.bound[v] = NULL; /* went with the VCM */
	}
}

/* The device to associate with VCM @v, or -1: the right kind, not yet associated. */
static int pick_dev_for(int v)
{
	const struct gm_vcm *gv = &w.m.vcm[v];

	if (gv->kind == GM_CPU)
		return -1;
	if (gv->kind == GM_ONE_TO_ONE)
		return gv->as[D_DMA].h == NULL ? D_DMA : -1;
	for (unsigned int k = 0, d = (unsigned int)rnd(NR_PT); k < NR_PT; k++, d = (d + 1) % NR_PT)
		if (gv->as[d].h == NULL)
			return (int)d;
	return -1;
}

static void op_assoc(void)
{
	int v = pick_any_vcm(), d;
	bool fits = true;
	int ret;

	if (v < 0 || (d = pick_dev_for(v)) < 0)
		return;
	g_op = "assoc";
	g_owner = v;
	touch_vcm_whole(v);
	/* A new table gets the VCM's backed reservations: they must fit its granule. */
	for (int r = 0; r < GM_MAX_RES; r++)
		if (w.m.res[r].live && w.m.res[r].vcm == v && w.m.res[r].mem >= 0)
			fits &= gm_fits(&w.m, d, v, w.m.res[r].da, w.m.res[r].mem);
	ret = vcm_assoc(w.m.vcm[v].h, w.m.dev[d].h, 0, (struct vcm_avcm **)&w.m.vcm[v].as[d].h);
	tally(ret);
	CHECK(fits ? ret == 0 : ret < 0, "assoc(VCM %d, %s): %d, model %s", v, w.m.dev[d].name,
	      ret, fits ? "fits" : "must fail");
	if (ret != 0)
		w.m.vcm[v].as[d].h = NULL;
	w.m.vcm[v].as[d].active = false;
}

/* An association (v, d) the test made, or false. */
static bool pick_assoc(int *vo, int *dout)
{
	int v = (int)rnd(GM_MAX_VCM);

	for (int i = 0; i < GM_MAX_VCM; i++, v = (v + 1) % GM_MAX_VCM) {
		unsigned int d0 = (unsigned int)rnd(w.m.nr_dev);

		if (!w.m.vcm[v].live || w.m.vcm[v].kind == GM_CPU)
			continue;
		for (unsigned int k = 0; k < w.m.nr_dev; k++) {
			unsigned int d = (d0 + k) % w.m.nr_dev;

			if (w.m.vcm[v].as[d].h != NULL) {
				*vo = v;
				*dout = (int)d;
				return true;
			}
		}
	}
	return false;
}

static void op_deassoc(void)
{
	int v, d, ret;

	if (!pick_assoc(&v, &d))
		return;
	g_op = "deassoc";
	g_owner = v;
	touch_vcm(v);
	ret = vcm_deassoc(w.m.vcm[v].as[d].h);
	tally(ret);
	CHECK(ret == (w.m.vcm[v].as[d].active ? -EBUSY : 0), "deassoc(VCM %d, %s): %d", v,
	      w.m.dev[d].name, ret);
	if (ret == 0)
		w.m.vcm[v].as[d].h = NULL;
}

static void op_activate(bool use_switch)
{
	int v, d, ret, want;
	struct gm_dev *gd;

	if (!pick_assoc(&v, &d))
		return;
	gd = &w.m.dev[d];
	g_owner = v;
	touch_dev(d);
	touch_vcm(v);
	touch_vcm(gd->active_vcm);
	if (use_switch) {
		if (w.m.vcm[v].as[d].active)
			return;
		g_op = "switch";
		ret = vcm_switch(w.m.vcm[v].as[d].h);
		tally(ret);
		CHECK(ret == 0, "switch(VCM %d, %s): %d", v, gd->name, ret);
		if (gd->active_vcm >= 0)
			w.m.vcm[gd->active_vcm].as[d].active = false;
	} else if (w.m.vcm[v].as[d].active) {
		g_op = "deactivate";
		ret = vcm_deactivate(w.m.vcm[v].as[d].h);
		tally(ret);
		CHECK(ret == 0, "deactivate(VCM %d, %s): %d", v, gd->name, ret);
		w.m.vcm[v].as[d].active = false;
		gd->active_vcm = -1;
		return;
	} else {
		g_op = "activate";
		want = gd->active_vcm >= 0 ? -EBUSY : 0;
		ret = vcm_activate(w.m.vcm[v].as[d].h);
		tally(ret);
		CHECK(ret == want, "activate(VCM %d, %s): %d, want %d", v, gd->name, ret, want);
		if (ret != 0)
			return;
	}
	w.m.vcm[v].as[d].active = true;
	gd->active_vcm = v;
	/* Deactivating what is not active: -ENOENT. */
	for (int o = 0; o < GM_MAX_VCM; o++)
		if (o != v && w.m.vcm[o].live && w.m.vcm[o].as[d].h != NULL) {
			CHECK(vcm_deactivate(w.m.vcm[o].as[d].h) == -ENOENT,
			      "deactivate of an inactive association");
			break;
		}
}

static bool vcm_has_64k(int v)
{
	return w.m.vcm[v].as[D_V8S2].h != NULL;
}

static void op_reserve(void)
{
	int v = pick_any_vcm(), r = gm_new_res(&w.m);
	struct gm_res *gr;
	uint64_t len, align;
	int ret;

	if (v < 0 || r < 0 || w.m.vcm[v].kind == GM_ONE_TO_ONE)
		return;
	gr = &w.m.res[r];
	g_op = "reserve";
	g_owner = v;
	touch_vcm(v);
	/* Mostly what a 64K-granule table can take when one is there; sometimes not. */
	if (vcm_has_64k(v) && rnd(4) != 0) {
		len = (1 + rnd(16)) * 64 * KB;
		align = 64 * KB << rnd(3);
	} else {
		len = rnd(4) == 0 ? (1 + rnd(2)) * MB : (1 + rnd(40)) * PAGE;
		align = PAGE << (rnd(3) * 4); /* 4K, 64K, 1M */
	}
	gr->prot = VCM_PT_PROT_READ | (rnd(4) != 0 ? VCM_PT_PROT_WRITE : 0);
	if (w.bound[v] != NULL && rnd(3) == 0) {
		g_op = "reserve_from_bound";
		ret = vcm_reserve_from_bound(w.bound[v], len, align, gr->prot,
					     (struct vcm_res **)&gr->h);
		if (ret == -ERANGE) /* longer than the bound */
			ret = -ENOSPC;
	} else {
		ret = vcm_reserve(w.m.vcm[v].h, len, align, gr->prot, (struct vcm_res **)&gr->h);
	}
	tally(ret);
	CHECK(ret == 0 || ret == -ENOMEM || ret == -ENOSPC,
	      "reserve(VCM %d, %#llx, align %#llx): %d", v,
	      (unsigned long long)len, (unsigned long long)align, ret);
	if (ret != 0)
		return;
	gr->da = vcm_get_dev_addr(gr->h);
	gr->len = len;
	gr->vcm = v;
	gr->mem = -1;
	CHECK((gr->da & (align - 1)) == 0 && gr->da >= w.m.vcm[v].start &&
	      gr->da - w.m.vcm[v].start + len <= w.m.vcm[v].len,
	      "reserve: da %#llx misaligned or outside the VCM", (unsigned long long)gr->da);
	touch_da(v, gr->da, len);
	for (int o = 0; o < GM_MAX_RES; o++)
		CHECK(!w.m.res[o].live || w.m.res[o].vcm != v ||
		      gr->da + len <= w.m.res[o].da || w.m.res[o].da + w.m.res[o].len <= gr->da,
		      "reserve: da %#llx overlaps res %d", (unsigned long long)gr->da, o);
	gr->live = true;
}

static void op_unreserve(void)
{
	int r = pick_res(rnd(4) == 0);
	bool backed;
	int ret;

	if (r < 0)
		return;
	g_op = "unreserve";
	g_owner = w.m.res[r].vcm;
	touch_res(r);
	backed = w.m.res[r].mem >= 0;
	ret = vcm_unreserve(w.m.res[r].h);
	tally(ret);
	CHECK(ret == (backed ? -EBUSY : 0), "unreserve(res %d): %d", r, ret);
	if (ret == 0)
		w.m.res[r].live = false;
}

/* Allocate @len (0: a random length) into a free model slot; the slot or -1. */
static int alloc_mem(uint64_t len, int kind)
{
	int mi = gm_new_mem(&w.m);
	struct gm_mem *pm;
	uint64_t flags;
	int ret;

	if (mi < 0)
		return -1;
	pm = &w.m.mem[mi];
	g_op = "alloc";
	if (kind == 1 && len % (64 * KB) != 0)
		kind = 0;
	switch (kind) {
	case 0: /* 4K-only */
		len = len ? len : (1 + rnd(64)) * PAGE;
		flags = VCM_PHYS_4KB;
		break;
	case 1: /* what a 64K-granule table takes */
		len = len ? len : (1 + rnd(24)) * 64 * KB;
		flags = VCM_PHYS_1MB | VCM_PHYS_64KB;
		break;
	case 2: /* one contiguous block (one-to-one VCMs need it) */
		len = len ? len : (1 + rnd(32)) * PAGE;
		flags = VCM_PHYS_CONT;
		break;
	default: /* mixed, largest first */
		len = len ? len : rnd(3) == 0 ? (1 + rnd(2)) * MB + (1 + rnd(16)) * PAGE
					      : (1 + rnd(40)) * PAGE;
		flags = 0;
		break;
	}
	ret = vcm_alloc(w.sys, 0, len, flags, (struct vcm_mem **)&pm->h);
	tally(ret);
	CHECK(ret == 0 || ret == -ENOMEM, "alloc(%#llx, %#llx): %d", (unsigned long long)len,
	      (unsigned long long)flags, ret);
	if (ret != 0)
		return -1;
	read_chunks(mi);
	touch_mem(mi);
	pm->cont = flags == VCM_PHYS_CONT;
	/* the memtype's sizes (1M, 64K, 4K) when the flags name none */
	pm->sizes = pm->cont ? 0 : flags != 0 ? flags : VCM_PHYS_1MB | VCM_PHYS_64KB | VCM_PHYS_4KB;
	CHECK(pm->len == len, "alloc: chunks cover %#llx of %#llx", (unsigned long long)pm->len,
	      (unsigned long long)len);
	pm->live = true;
	return mi;
}

static void op_alloc(void)
{
	(void)alloc_mem(0, (int)rnd(4));
}

static void op_free_phys(void)
{
	int mi = pick_mem(), ret;
	bool busy;

	if (mi < 0)
		return;
	g_op = "free_phys";
	touch_chunks(mi);
	busy = gm_mem_nr_backs(&w.m, mi) != 0;
	ret = vcm_free_phys(w.sys, w.m.mem[mi].h);
	tally(ret);
	CHECK(ret == (busy ? -EBUSY : 0), "free_phys(mem %d): %d", mi, ret);
	if (ret == 0)
		w.m.mem[mi].live = false;
}

/* The footprint a failed call must leave as it was. */
struct snapshot {
	long table_live, meta_live;
	uint64_t table_bytes, phys_free;
	uint64_t tables[MAX_INST];  /* gdi_print_tables() */
};

static void snap(struct snapshot *s)
{
	struct vcm_phys_stats st;

	CHECK(vcm_phys_stats(vcm_sys_phys(w.sys), 0, &st) == 0, "phys stats");
	*s = (struct snapshot){ g_fail.table_live, g_fail.meta_live, g_fail.table_bytes,
				st.free_bytes, { 0 } };
	gdi_print_tables(s->tables);
}

static int plant_first_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	(void)pa;
	(void)len;
	(void)prot;
	*(vcm_da_t *)arg = da;
	return 1;
}

/* gd_plant_try: one page of the first live table that maps any, unmapped. */
static void plant(void)
{
	for (unsigned int i = 0; i < MAX_INST && !gd_planted; i++) {
		struct spy_inst *s = &g_inst[i];
		struct vcm_diag d = { 0 };
		vcm_da_t da = 0;

		if (s->live && s->kind == &g_kind_pt &&
		    s->kind->real->walk(s->inst, s->start, s->len, plant_first_run, &da) == 1)
			gd_planted = s->kind->real->unmap(s->inst, da, PAGE, &d) == 0;
	}
}

/*
 * After the Nth allocation failed a call: the footprint and every instance's
 * translations as before, and the graph consistent. Then the model checks of
 * a step: always, except that the fuzzer (gd_quick), when the call touched
 * too much for the dirty list (a check of everything), runs them at N = 1,
 * 2, 4, 8, ... only: a migration can fail at hundreds of allocations, and a
 * check of everything after each was over half the fuzzer's time. The
 * translations, compared every time, cover what those checks would see in
 * the tables. What the others look at a failed try reaches only through
 * them: nothing translates through the simulated IOMMUs during a call, so a
 * try can only drop IOTLB entries, and those filled before it match tables
 * the print finds unchanged; the record and the reverse map are compared
 * with the tables by vcm_sys_check_(); and a migrate writes only its new
 * memory, while which memory each table reaches is in the print.
 */
static void check_unchanged(const struct snapshot *before, long n)
{
	struct snapshot now;
	unsigned int i;
	int ret;

	if (n == gd_plant_try)
		plant();
	snap(&now);
	for (i = 0; i < MAX_INST && now.tables[i] == before->tables[i]; i++)
		;
	CHECK(i == MAX_INST, "failing allocation %ld: instance %u (cfg %u of VCM %d) "
	      "translates otherwise than before the call", n, i, i < MAX_INST ? g_inst[i].cfg_id : 0U,
	      i < MAX_INST ? g_inst[i].owner : -1);
	/*
	 * Metadata may grow: the phys and graph layers keep record slabs until
	 * destroy. A block lost for good shows at teardown (meta_live != 0).
	 */
	now.meta_live = before->meta_live;
	CHECK(memcmp(before, &now, sizeof(now)) == 0,
	      "failing allocation %ld: tables %ld/%ld (%#llx/%#llx bytes), metadata %ld/%ld, "
	      "free memory %#llx/%#llx before/after", n, before->table_live, now.table_live,
	      (unsigned long long)before->table_bytes, (unsigned long long)now.table_bytes,
	      before->meta_live, now.meta_live, (unsigned long long)before->phys_free,
	      (unsigned long long)now.phys_free);
	if (!gd_quick || !g_dirty.all || (n & (n - 1)) == 0) {
		gdi_check_step();
		return;
	}
	ret = vcm_sys_check_(w.sys);
	CHECK(ret == 0, "failing allocation %ld: vcm_sys_check_: %d", n, ret);
}

/*
 * Run @call with the Nth allocation failing, N = 1, 2, ... until it succeeds
 * (or fails for its own reason); every injected failure that fails the call
 * must change nothing. A call that succeeds although its Nth allocation
 * failed did without it (a count hash left larger when it could not shrink):
 * its result is checked like any success, by the step's checks.
 */
static int with_failures(int (*call)(void *), void *arg, bool inject)
{
	struct snapshot before;
	int ret;

	if (inject) {
		snap(&before);
		for (long n = 1; n < 4096; n++) {
			g_fail.countdown = n;
			ret = call(arg);
			/* the Nth allocation never came, or the call did without it */
			if (g_fail.countdown != 0 || ret == 0) {
				g_fail.countdown = 0;
				return ret;
			}
			CHECK(ret < 0, "a call whose allocation %ld failed returned %d", n, ret);
			check_unchanged(&before, n);
			w.calls[0]++;
		}
	}
	g_fail.countdown = 0;
	return call(arg);
}

struct back_args {
	int r, mi;
};

static int call_back(void *arg)
{
	struct back_args *a = arg;

	return vcm_back(w.m.res[a->r].h, w.m.mem[a->mi].h);
}

static void op_back(void)
{
	struct back_args a = { pick_res(rnd(8) == 0), -1 };
	unsigned int want;
	int ret;

	/* Mostly a reservation that something would see. */
	for (int k = 0; k < 8 && a.r >= 0 && !gm_vcm_any_active(&w.m, w.m.res[a.r].vcm); k++)
		a.r = pick_res(rnd(8) == 0);
	if (a.r < 0)
		return;
	g_op = "back";
	g_owner = w.m.res[a.r].vcm;
	/* Mostly an allocation of the right length: found, or made for it. */
	for (int k = 0; k < GM_MAX_MEM && rnd(8) != 0; k++) {
		int mi = (int)rnd(GM_MAX_MEM);

		if (w.m.mem[mi].live && w.m.mem[mi].len == w.m.res[a.r].len) {
			a.mi = mi;
			break;
		}
	}
	if (a.mi < 0 && rnd(6) != 0) {
		uint64_t len = w.m.res[a.r].len;

		/* Make room in the model's slots: drop allocations nothing uses. */
		for (int mi = 0; mi < GM_MAX_MEM && gm_new_mem(&w.m) < 0; mi++)
			if (w.m.mem[mi].live && gm_mem_nr_backs(&w.m, mi) == 0) {
				touch_chunks(mi);
				CHECK(vcm_free_phys(w.sys, w.m.mem[mi].h) == 0, "free_phys");
				w.m.mem[mi].live = false;
			}

		a.mi = alloc_mem(len, vcm_has_64k(w.m.res[a.r].vcm) && (len & (64 * KB - 1)) == 0 &&
					      rnd(5) != 0 ? 1 : (int)rnd(4));
		g_op = "back";
	}
	if (a.mi < 0)
		a.mi = pick_mem();
	if (a.mi < 0)
		return;
	touch_res(a.r);
	touch_mem(a.mi);
	want = gm_expect_back(&w.m, a.r, a.mi);
	ret = with_failures(call_back, &a, want == GM_OK && rnd(3) == 0);
	tally(ret);
	CHECK(gm_accepts(want, ret), "back(res %d len %#llx, mem %d len %#llx): %d, model %#x",
	      a.r, (unsigned long long)w.m.res[a.r].len, a.mi,
	      (unsigned long long)w.m.mem[a.mi].len, ret, want);
	if (ret == 0) {
		w.m.res[a.r].mem = a.mi;
		if (vcm_has_64k(w.m.res[a.r].vcm)) {
			g_op = "back into a 64K table too";
			tally(0);
		}
		if (w.m.vcm[w.m.res[a.r].vcm].kind == GM_CPU) {
			g_op = "back into the CPU";
			tally(0);
		}
	}
}

static void op_back_one_to_one(void)
{
	int v = pick_live_vcm(GM_ONE_TO_ONE), r = gm_new_res(&w.m), mi = pick_mem();
	struct gm_res *gr;
	unsigned int want;
	int ret;

	if (v < 0 || r < 0 || mi < 0 || w.m.mem[mi].nr != 1 || gm_mem_nr_backs(&w.m, mi) != 0)
		return;
	gr = &w.m.res[r];
	g_owner = v;
	touch_vcm_whole(v);
	touch_dev(D_DMA);
	/* Mostly with the DMA engine attached and on, so the back can succeed. */
	if (w.m.vcm[v].as[D_DMA].h == NULL && rnd(4) != 0) {
		g_op = "assoc";
		ret = vcm_assoc(w.m.vcm[v].h, w.m.dev[D_DMA].h, 0,
				(struct vcm_avcm **)&w.m.vcm[v].as[D_DMA].h);
		tally(ret);
		CHECK(ret == 0, "assoc(one-to-one VCM %d, dma): %d", v, ret);
	}
	if (w.m.vcm[v].as[D_DMA].h != NULL && !w.m.vcm[v].as[D_DMA].active &&
	    w.m.dev[D_DMA].active_vcm < 0 && rnd(4) != 0) {
		g_op = "activate";
		ret = vcm_activate(w.m.vcm[v].as[D_DMA].h);
		tally(ret);
		CHECK(ret == 0, "activate(one-to-one VCM %d, dma): %d", v, ret);
		w.m.vcm[v].as[D_DMA].active = true;
		w.m.dev[D_DMA].active_vcm = v;
	}
	g_op = "reserve_at+back (one-to-one)";
	gr->prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;
	ret = vcm_reserve_at(w.m.vcm[v].h, w.m.mem[mi].pa[0], w.m.mem[mi].len, gr->prot,
			     (struct vcm_res **)&gr->h);
	if (ret == -ENOMEM || ret == -EEXIST || ret == -EBUSY)
		return; /* that physical range is reserved already (an earlier migrate) */
	CHECK(ret == 0, "reserve_at(one-to-one, %#llx): %d", (unsigned long long)w.m.mem[mi].pa[0],
	      ret);
	*gr = (struct gm_res){ true, gr->h, v, w.m.mem[mi].pa[0], w.m.mem[mi].len, gr->prot, -1 };
	touch_res(r);
	touch_mem(mi);
	want = gm_expect_back(&w.m, r, mi);
	ret = vcm_back(gr->h, w.m.mem[mi].h);
	tally(ret);
	CHECK(gm_accepts(want, ret), "back(one-to-one res %d, mem %d): %d, model %#x", r, mi, ret,
	      want);
	if (ret == 0)
		gr->mem = mi;
}

static void op_unback(void)
{
	int r = pick_res(rnd(6) != 0), ret;
	bool backed;

	if (r < 0)
		return;
	g_op = "unback";
	g_owner = w.m.res[r].vcm;
	touch_res(r);
	backed = w.m.res[r].mem >= 0;
	ret = vcm_unback(w.m.res[r].h);
	tally(ret);
	CHECK(ret == (backed ? 0 : -ENOENT), "unback(res %d): %d", r, ret);
	if (ret == 0)
		w.m.res[r].mem = -1;
}

/*
 * Share: back a new reservation in another VCM (the CPU's, or another IOMMU
 * VCM) with memory that already backs one, so the byte, translate and
 * reverse-map checks see one buffer through several tables.
 */
static void op_share(void)
{
	int src = pick_res(true), v, r = gm_new_res(&w.m);
	struct gm_res *gr;
	unsigned int want;
	int ret;

	if (src < 0 || r < 0)
		return;
	v = rnd(2) == 0 ? pick_live_vcm(GM_CPU) : pick_live_vcm(GM_PT);
	if (v < 0 || v == w.m.res[src].vcm || !gm_vcm_any_active(&w.m, v))
		return;
	gr = &w.m.res[r];
	g_op = "share: reserve";
	g_owner = v;
	touch_vcm(v);
	gr->prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;
	ret = vcm_reserve(w.m.vcm[v].h, w.m.res[src].len, 64 * KB, gr->prot,
			  (struct vcm_res **)&gr->h);
	tally(ret);
	CHECK(ret == 0 || ret == -ENOMEM || ret == -ENOSPC, "share: reserve: %d", ret);
	if (ret != 0)
		return;
	*gr = (struct gm_res){ true, gr->h, v, vcm_get_dev_addr(gr->h), w.m.res[src].len,
			       gr->prot, -1 };
	touch_res(r);
	touch_mem(w.m.res[src].mem);
	g_op = "share: back";
	want = gm_expect_back(&w.m, r, w.m.res[src].mem);
	ret = vcm_back(gr->h, w.m.mem[w.m.res[src].mem].h);
	tally(ret);
	CHECK(gm_accepts(want, ret), "share: back(res %d, mem %d): %d, model %#x", r,
	      w.m.res[src].mem, ret, want);
	if (ret == 0)
		gr->mem = w.m.res[src].mem;
}

static int call_migrate(void *arg)
{
	int *mi = arg;

	return vcm_migrate(w.sys, w.m.mem[*mi].h);
}

/*
 * A hash of allocation @mi's bytes at every 61st offset of the allocation
 * (not of each chunk: migrate may cut the memory into other chunks).
 */
static uint64_t mem_sum(int mi)
{
	const struct gm_mem *pm = &w.m.mem[mi];
	uint64_t h = 1469598103934665603ULL, start = 0;

	for (unsigned int c = 0; c < pm->nr; start += pm->clen[c], c++) {
		const uint8_t *p = vcm_hosted_mem_cpu(w.mem, pm->pa[c]);

		/* the chunk's first offset that is a multiple of 61 */
		for (uint64_t i = (61U - start % 61U) % 61U; i < pm->clen[c]; i += 61)
			h = (h ^ p[i]) * 1099511628211ULL;
	}
	return h;
}

static void op_migrate(void)
{
	int mi = pick_mem(), ret;
	struct gm_mem old;
	bool o2o = false, big = false;
	uint64_t sum;

	if (mi < 0)
		return;
	g_op = "migrate";
	old = w.m.mem[mi];
	touch_chunks(mi);
	for (int r = 0; r < GM_MAX_RES; r++)
		if (w.m.res[r].live && w.m.res[r].mem == mi) {
			touch_res(r);
			o2o |= w.m.vcm[w.m.res[r].vcm].kind == GM_ONE_TO_ONE;
			big |= vcm_has_64k(w.m.res[r].vcm);
		}
	/*
	 * A 64K table maps the memory: the new memory must suit it (no 4K chunk,
	 * every chunk 64K-aligned), so the chunk sizes may change; otherwise the
	 * memory is asked for as it was (the same flags: a cut into chunks of
	 * the sizes it allowed, not necessarily the same cut, as the free memory
	 * has changed since). Either way migrate may fail only for lack of memory.
	 */
	/* Give the memory a recognisable content first. */
	for (unsigned int c = 0; c < old.nr; c++)
		memset(vcm_hosted_mem_cpu(w.mem, old.pa[c]), (int)rnd(256), (size_t)old.clen[c]);
	sum = mem_sum(mi);
	ret = with_failures(call_migrate, &mi, !o2o && rnd(4) == 0);
	tally(ret);
	if (o2o) {
		/* da == pa cannot hold at a new place. */
		CHECK(ret < 0, "migrate of memory a one-to-one VCM maps: %d", ret);
		return;
	}
	CHECK(ret == 0 || ret == -ENOMEM, "migrate(mem %d): %d", mi, ret);
	if (ret != 0)
		return;
	read_chunks(mi);
	CHECK(w.m.mem[mi].len == old.len, "migrate: %#llx bytes, was %#llx",
	      (unsigned long long)w.m.mem[mi].len, (unsigned long long)old.len);
	if (big) {
		for (unsigned int c = 0; c < w.m.mem[mi].nr; c++)
			CHECK(((w.m.mem[mi].pa[c] | w.m.mem[mi].clen[c]) & (64 * KB - 1)) == 0,
			      "migrate: chunk %u (pa %#llx, %#llx bytes) does not suit a 64K table",
			      c, (unsigned long long)w.m.mem[mi].pa[c],
			      (unsigned long long)w.m.mem[mi].clen[c]);
	} else if (old.cont) {
		CHECK(w.m.mem[mi].nr == 1, "migrate: contiguous memory in %u chunks",
		      w.m.mem[mi].nr);
	} else {
		for (unsigned int c = 0; c < w.m.mem[mi].nr; c++)
			CHECK((w.m.mem[mi].clen[c] & old.sizes) == w.m.mem[mi].clen[c] &&
			      (w.m.mem[mi].clen[c] & (w.m.mem[mi].clen[c] - 1U)) == 0 &&
			      (w.m.mem[mi].pa[c] & (w.m.mem[mi].clen[c] - 1U)) == 0,
			      "migrate: chunk %u (pa %#llx, %#llx bytes) is not one of sizes %#llx, "
			      "aligned", c, (unsigned long long)w.m.mem[mi].pa[c],
			      (unsigned long long)w.m.mem[mi].clen[c],
			      (unsigned long long)old.sizes);
	}
	CHECK(mem_sum(mi) == sum, "migrate: contents not copied");
}

static void op_clone(void)
{
	int v = pick_live_vcm(GM_PT), c = gm_new_vcm(&w.m);
	struct vcm *h = NULL;
	const struct vcm_res *cr = NULL;
	unsigned int free_slots = 0;
	int ret;

	for (int r = 0; r < GM_MAX_RES; r++)
		free_slots += !w.m.res[r].live;
	if (v < 0 || c < 0 || gm_vcm_nr_res(&w.m, v) > free_slots)
		return; /* the model has no room for the copies */
	g_op = "clone";
	g_owner = c;
	ret = vcm_clone(w.m.vcm[v].h, &h);
	tally(ret);
	CHECK(ret == 0, "clone(VCM %d): %d", v, ret);
	w.m.vcm[c] = (struct gm_vcm){ .live = true, .h = h, .kind = GM_PT,
				      .start = w.m.vcm[v].start, .len = w.m.vcm[v].len };
	CHECK(vcm_get_num_res(h) == gm_vcm_nr_res(&w.m, v), "clone: %llu reservations, want %u",
	      (unsigned long long)vcm_get_num_res(h), gm_vcm_nr_res(&w.m, v));
	while ((cr = vcm_get_next_res(h, cr)) != NULL) {
		vcm_da_t da = vcm_get_dev_addr(cr);
		int src = gm_res_at(&w.m, v, da), r = gm_new_res(&w.m);

		CHECK(src >= 0 && w.m.res[src].da == da && vcm_get_res_len(cr) == w.m.res[src].len,
		      "clone: reservation at %#llx is not in the source", (unsigned long long)da);
		CHECK(r >= 0, "model out of reservation slots");
		w.m.res[r] = w.m.res[src];
		w.m.res[r].h = (void *)cr;
		w.m.res[r].vcm = c;
	}
	touch_vcm_whole(c);
}

/* ---- steps --------------------------------------------------------------- */

void gd_init(void)
{
	g_check_rng = 0x243f6a8885a308d3ULL;
	g_step = 0;
	g_op = "setup";
	static bool checked;

	g_dirty = (struct dirty){ 0 };
	g_since_full = 0;
	world_init();
	/* The world starts the same every time: gd_quick checks it once. */
	if (!gd_quick || !checked)
		gdi_check_all();
	checked = true;
}

void gd_step(void)
{
	unsigned int op = (unsigned int)rnd(100);

	g_step++;
	g_owner = -1;
	g_dirty = (struct dirty){ 0 };
	if (op < 6)
		op_create();
	else if (op < 9)
		op_free();
	else if (op < 19)
		op_assoc();
	else if (op < 22)
		op_deassoc();
	else if (op < 32)
		op_activate(false);
	else if (op < 35)
		op_activate(true);
	else if (op < 47)
		op_reserve();
	else if (op < 51)
		op_unreserve();
	else if (op < 58)
		op_alloc();
	else if (op < 64)
		op_free_phys();
	else if (op < 80)
		op_back();
	else if (op < 83)
		op_back_one_to_one();
	else if (op < 91)
		op_unback();
	else if (op < 94)
		op_migrate();
	else if (op < 98)
		op_share();
	else
		op_clone();
	if (gd_quick && !g_dirty.all && ++g_since_full < GD_FULL_EVERY) {
		gdi_check_dirty();
		return;
	}
	gdi_check_all();
	g_since_full = 0;
}

void gd_report(void)
{
	printf("graph_prop: %lu steps, %lu injected failures checked, %lu translations, "
	       "%lu pages through the IOMMU models\n", g_step, w.calls[0], w.calls[1],
	       w.calls[2]);
	for (unsigned int i = 0; i < 24 && g_tally[i].op != NULL; i++)
		printf("  %-30s %5lu ok %5lu refused\n", g_tally[i].op, g_tally[i].ok,
		       g_tally[i].err);
	memset(g_tally, 0, sizeof(g_tally));
}

void gd_teardown(void)
{
	/* gd_quick: the state after the last step is checked whole too. */
	if (gd_quick && g_since_full != 0)
		gdi_check_all();
	g_op = "teardown";
	for (int r = 0; r < GM_MAX_RES; r++)
		if (w.m.res[r].live) {
			if (w.m.res[r].mem >= 0)
				CHECK(vcm_unback(w.m.res[r].h) == 0, "teardown unback");
			CHECK(vcm_unreserve(w.m.res[r].h) == 0, "teardown unreserve");
		}
	for (int v = 0; v < GM_MAX_VCM; v++) {
		if (!w.m.vcm[v].live)
			continue;
		for (unsigned int d = 0; d < w.m.nr_dev; d++) {
			if (w.m.vcm[v].as[d].h == NULL)
				continue;
			if (w.m.vcm[v].as[d].active)
				CHECK(vcm_deactivate(w.m.vcm[v].as[d].h) == 0,
				      "teardown deactivate");
			CHECK(vcm_deassoc(w.m.vcm[v].as[d].h) == 0, "teardown deassoc");
		}
		CHECK(vcm_free(w.m.vcm[v].h) == 0, "teardown free");
	}
	for (int mi = 0; mi < GM_MAX_MEM; mi++)
		if (w.m.mem[mi].live)
			CHECK(vcm_free_phys(w.sys, w.m.mem[mi].h) == 0, "teardown free_phys");
	for (unsigned int i = 0; i < MAX_INST; i++)
		CHECK(!g_inst[i].live, "teardown: instance %u still live", i);
	for (unsigned int d = 0; d < w.m.nr_dev; d++)
		CHECK(vcm_dev_unregister(w.m.dev[d].h) == 0, "teardown unregister %s",
		      w.m.dev[d].name);
	CHECK(vcm_sys_destroy(w.sys) == 0, "teardown sys_destroy");
	w.sys = NULL;
	for (unsigned int d = 0; d < NR_DEV; d++)
		CHECK(vcm_sim_iommu_destroy(w.sim[d]) == 0, "teardown sim model %u", d);
	CHECK(g_fail.table_live == 0 && g_fail.meta_live == 0,
	      "teardown: %ld tables and %ld metadata blocks leaked", g_fail.table_live,
	      g_fail.meta_live);
	if (gd_keep_mem) {
		CHECK(vcm_hosted_mem_reset(w.mem) == 0, "teardown: hosted mem reset");
		g_kept_mem = w.mem;
		return;
	}
	CHECK(vcm_hosted_mem_destroy(w.mem) == 0, "teardown hosted mem");
	g_kept_mem = NULL;
}
