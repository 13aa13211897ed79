// SPDX-License-Identifier: MIT
/* The graph tests' platform and devices, the steps they share, and the
 * table snapshots (see graph_fixture.h). */
#include <stdlib.h>
#include <stdio.h>
#include "graph_fixture.h"

struct gfx g;

/*
 * The failures come from the platform layer's one injection point (struct
 * vcm_plat_inject), the one the sweep in tests/inject uses: the arena asks
 * it for "table memory", meta_alloc below for "metadata".
 */
static bool inject_alloc(void *ctx, const char *site)
{
	(void)ctx;
	if (strcmp(site, "metadata") == 0) {
		g.meta_calls++;
		return g.meta_fail_at != 0 && g.meta_calls == g.meta_fail_at;
	}
	if (strcmp(site, "table memory") == 0) {
		g.table_calls++;
		return (g.table_fail_at != 0 && g.table_calls == g.table_fail_at) ||
		       (g.table_fail_from != 0 && g.table_calls >= g.table_fail_from);
	}
	return false;
}

static void *meta_alloc(void *ctx, size_t size)
{
	(void)ctx;
	if (vcm_plat_inject_fail_("metadata"))
		return NULL;
	g.meta_live++;
	return malloc(size);
}

static void meta_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)size;
	g.meta_live--;
	free(p);
}

static int table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	(void)ctx;
	return g.arena_ops.table_alloc(g.arena_ops.ctx, size, align, pa, cpu);
}

static void table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	(void)ctx;
	g.arena_ops.table_free(g.arena_ops.ctx, pa, cpu, size);
}

void *gfx_cpu(vcm_pa_t pa)
{
	if (pa < GFX_PA || pa - GFX_PA >= GFX_BYTES)
		return NULL;
	return g.buf + (pa - GFX_PA);
}

static void *pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	(void)ctx;
	return gfx_cpu(pa);
}

void gfx_fail_meta(long n)
{
	g.meta_calls = 0;
	g.meta_fail_at = n;
}

void gfx_fail_table(long n)
{
	g.table_calls = 0;
	g.table_fail_at = n;
}

void gfx_fail_table_from(long n)
{
	g.table_calls = 0;
	g.table_fail_from = n;
}

void gfx_msg(const char *prefix)
{
	const char *m = vcm_sys_last_error(g.sys);

	if (strncmp(m, prefix, strlen(prefix)) != 0) {
		fprintf(stderr, "message '%s' does not start with '%s'\n", m, prefix);
		fail();
	}
}

/* ---- fake device ops ---- */

static int f_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	struct fake_dev *f = ctx;

	if (f->program_ret != 0) {
		int r = f->program_ret;

		if (f->fail_once)
			f->program_ret = 0;
		return r;
	}
	f->program++;
	f->last_base = base;
	f->had_hw = hw != NULL;
	if (hw != NULL)
		f->last_hw = *hw;
	return 0;
}

static void f_clear(void *ctx, unsigned int base)
{
	struct fake_dev *f = ctx;

	f->clear++;
	f->last_base = base;
}

static void f_tlb_range(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	struct fake_dev *f = ctx;

	f->tlb_range++;
	f->last_base = base;
	f->tlb_da = da;
	f->tlb_len = len;
	f->tlb_leaf = leaf;
}

/* The hinted form: counted as a tlb_range, and the hint kept. */
static void f_tlb_range_hint(void *ctx, unsigned int base, vcm_da_t da, uint64_t len,
			     const struct vcm_tlb_hint *hint)
{
	struct fake_dev *f = ctx;

	f_tlb_range(ctx, base, da, len, hint->leaf_only);
	f->tlb_hinted++;
	f->tlb_sizes = hint->leaf_sizes;
}

static void f_tlb_all(void *ctx, unsigned int base)
{
	struct fake_dev *f = ctx;

	(void)base;
	f->tlb_all++;
}

static uint32_t f_hw_version(void *ctx)
{
	return ((struct fake_dev *)ctx)->ver;
}

static int f_power(void *ctx, vcm_pa_t pa, uint64_t len)
{
	struct fake_dev *f = ctx;

	f->power++;
	if (f->power_busy_pa != 0 && f->power_busy_pa >= pa && f->power_busy_pa - pa < len)
		return -EBUSY;
	return f->power_ret;
}

const struct vcm_dev_ops fake_ops = {
	.program = f_program,
	.clear = f_clear,
	.tlb_range = f_tlb_range,
	.tlb_all = f_tlb_all,
	.tlb_range_hint = f_tlb_range_hint,
	.hw_version = f_hw_version,
	.power_query = f_power,
};

static const char *const names[D_NR] = { "v7", "v8s1", "v8s2", "dma" };

int gfx_setup(void **state)
{
	static struct vcm_phys_range r0 = { GFX_MT0_PA, GFX_MT0_LEN };
	static struct vcm_phys_range r1 = { GFX_MT1_PA, GFX_MT1_LEN };
	static struct vcm_phys_memtype_cfg mts[2];
	struct vcm_sys_cfg cfg;
	struct vcm_diag d = { 0 };

	static const struct vcm_plat_inject hook = { .alloc = inject_alloc };

	(void)state;
	memset(&g, 0, sizeof(g));
	vcm_plat_inject_set_(&hook);
	g.buf = aligned_alloc(MB, GFX_BYTES);
	if (g.buf == NULL)
		return -1;
	memset(g.buf, 0, GFX_BYTES);
	if (vcm_plat_arena_init(&g.arena, g.buf, GFX_PA, GFX_TABLE_BYTES) != 0)
		return -1;
	vcm_plat_arena_ops(&g.arena, &g.arena_ops);
	g.arena_free0 = vcm_plat_arena_free_bytes(&g.arena);
	g.plat.table_alloc = table_alloc;
	g.plat.table_free = table_free;
	g.plat.pa_to_cpu = pa_to_cpu;
	g.plat.meta_alloc = meta_alloc;
	g.plat.meta_free = meta_free;
	mts[0] = (struct vcm_phys_memtype_cfg){ &r0, 1, 0 };
	mts[1] = (struct vcm_phys_memtype_cfg){ &r1, 1, VCM_PHYS_1MB | VCM_PHYS_64KB };
	cfg = (struct vcm_sys_cfg){ .plat = &g.plat, .memtypes = mts, .nr_memtypes = 2 };
	if (vcm_sys_create(&cfg, &g.sys, &d) != 0) {
		fprintf(stderr, "%s\n", d.msg);
		return -1;
	}
	for (int i = 0; i < D_NR; i++) {
		struct vcm_dev_cfg *c = &g.cfg[i];

		c->name = names[i];
		c->mapper = &vcm_mapper_pt;
		c->mapper_cfg = &g.pt[i];
		c->nr_bases = 1;
		c->ops = &fake_ops;
		c->ctx = &g.fake[i];
	}
	g.pt[D_V7].fmt = &vcm_pt_fmt_armv7s;
	g.pt[D_V8S1].fmt = &vcm_pt_fmt_armv8;
	g.pt[D_V8S1].ias = 39;
	g.pt[D_V8S1].oas = 40;
	g.cfg[D_V8S1].nr_bases = 2;
	g.pt[D_V8S2].fmt = &vcm_pt_fmt_armv8;
	g.pt[D_V8S2].ias = 44;
	g.pt[D_V8S2].oas = 44;
	g.pt[D_V8S2].granule_lg2 = 16;
	g.pt[D_V8S2].flags = VCM_PT_CFG_STAGE2;
	g.cfg[D_DMA].mapper = &vcm_mapper_one_to_one;
	g.cfg[D_DMA].mapper_cfg = NULL;
	for (int i = 0; i < D_NR; i++)
		if (vcm_dev_register(g.sys, &g.cfg[i], &g.dev[i]) != 0) {
			fprintf(stderr, "%s\n", vcm_sys_last_error(g.sys));
			return -1;
		}
	return 0;
}

int gfx_teardown(void **state)
{
	int ret = 0;

	(void)state;
	g.meta_fail_at = 0;
	g.table_fail_at = 0;
	g.table_fail_from = 0;
	for (int i = 0; i < D_NR; i++)
		if (g.dev[i] != NULL && vcm_dev_unregister(g.dev[i]) != 0)
			ret = -1;
	if (vcm_sys_destroy(g.sys) != 0) {
		fprintf(stderr, "teardown: %s\n", vcm_sys_last_error(g.sys));
		ret = -1;
	}
	if (g.meta_live != 0) {
		fprintf(stderr, "teardown: %ld metadata blocks leaked\n", g.meta_live);
		ret = -1;
	}
	if (ret == 0 && vcm_plat_arena_free_bytes(&g.arena) != g.arena_free0) {
		fprintf(stderr, "teardown: table memory leaked\n");
		ret = -1;
	}
	free(g.buf);
	vcm_plat_inject_set_(NULL);
	return ret;
}

/* ---- snapshots ---- */

static int snap_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct snap *s = arg;

	if (s->n >= SNAP_MAX)
		return -ENOSPC;
	s->run[s->n++] = (struct snap_run){ da, pa, len, prot };
	return 0;
}

void snap_take(struct snap *s, struct vcm **vcms, unsigned int nr_vcms)
{
	memset(s, 0, sizeof(*s));
	for (unsigned int v = 0; v < nr_vcms; v++) {
		for (int d = 0; d < D_NR; d++) {
			int ret = vcm_walk(vcms[v], g.dev[d], vcm_get_start_addr(vcms[v]),
					   vcm_get_len(vcms[v]), snap_run, s);

			/* a separator between tables */
			assert_true(ret == 0 || ret == -ENOENT);
			assert_int_not_equal(snap_run(s, ~0ULL, (vcm_pa_t)d, v, 0), -ENOSPC);
		}
	}
	s->meta_live = g.meta_live;
	s->arena_free = vcm_plat_arena_free_bytes(&g.arena);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
}

void snap_equal(const struct snap *a, const struct snap *b)
{
	assert_int_equal(a->n, b->n);
	for (unsigned int i = 0; i < a->n; i++) {
		assert_int_equal(a->run[i].da, b->run[i].da);
		assert_int_equal(a->run[i].pa, b->run[i].pa);
		assert_int_equal(a->run[i].len, b->run[i].len);
		assert_int_equal(a->run[i].prot, b->run[i].prot);
	}
	assert_int_equal(a->meta_live, b->meta_live);
	assert_int_equal(a->arena_free, b->arena_free);
}

long gfx_fail_each(bool meta, int (*op)(void *arg), void (*same)(void *arg), void *arg,
		   struct vcm **vcms, unsigned int nr_vcms)
{
	struct snap before, after;

	for (long n = 1;; n++) {
		int ret;

		snap_take(&before, vcms, nr_vcms);
		if (meta)
			gfx_fail_meta(n);
		else
			gfx_fail_table(n);
		ret = op(arg);
		gfx_fail_table(0);
		gfx_fail_meta(0);
		if (ret == 0)
			return n;
		assert_int_equal(ret, -ENOMEM);
		snap_take(&after, vcms, nr_vcms);
		snap_equal(&before, &after);
		if (same != NULL)
			same(arg);
		assert_true(n < 200);
	}
}

struct vcm *gfx_vcm(vcm_da_t start, uint64_t len)
{
	struct vcm *v;

	assert_int_equal(vcm_create(g.sys, start, len, &v), 0);
	return v;
}

struct vcm_avcm *gfx_assoc(struct vcm *v, int d, unsigned int attr, bool on)
{
	struct vcm_avcm *a;

	assert_int_equal(vcm_assoc(v, g.dev[d], attr, &a), 0);
	if (on)
		assert_int_equal(vcm_activate(a), 0);
	return a;
}

void gfx_drop(struct vcm_avcm *a)
{
	if (vcm_is_active(a) == 1)
		assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
}

struct vcm_mem *gfx_alloc(unsigned int mt, uint64_t len, uint64_t flags)
{
	struct vcm_mem *m;

	assert_int_equal(vcm_alloc(g.sys, mt, len, flags, &m), 0);
	return m;
}

vcm_pa_t gfx_pa_of(struct vcm_mem *m, uint64_t off)
{
	uint64_t it = 0, len;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(m, &it, &pa, &len) == 0) {
		if (off < len)
			return pa + off;
		off -= len;
	}
	fail();
	return 0;
}

void gfx_expect_pa(int d, unsigned int base, vcm_da_t da, vcm_pa_t want)
{
	vcm_pa_t pa = 0;

	assert_int_equal(vcm_dev_addr_to_phys_addr(g.dev[d], base, da, &pa), 0);
	assert_int_equal(pa, want);
}
