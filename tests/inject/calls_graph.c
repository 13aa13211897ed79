// SPDX-License-Identifier: MIT
/*
 * The sweep's calls of the graph, the simulated SoC and the models behind it:
 * one SoC with armv7s, armv8 4K stage 1 and armv8 64K stage 2 devices behind
 * IOMMU models, a DMA engine and the CPU (the hosted CPU mapper).
 */
#include <stdio.h>
#include "inject.h"
#include "pgtable/pt_configs.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

extern const struct vcm_soc_cfg w_soc_cfg;

static void ok(struct world *w, int ret)
{
	if (ret != 0)
		fail_msg("setup: %d %s", ret, vcm_sys_last_error(w->sys));
}

/* An op on the system: its message is the system's. */
#define G_OP(fn, call)                                     \
	static int fn(struct world *w)                     \
	{                                                  \
		int ret = call;                            \
		w->msg = vcm_sys_last_error(w->sys);       \
		return ret;                                \
	}

static int o_dev_register(struct world *w);

/* ---- setups beyond world.c's ---- */

/* Backed, plus the CPU's VCM backed with the same memory. */
static void s_cpu_backed(struct world *w)
{
	w_backed(w);
	w_cpu(w);
	ok(w, vcm_reserve(w->v[1], 4 * MB, 0, RW, &w->r[1]));
	ok(w, vcm_back(w->r[1], w->m[0]));
}

static void s_cpu_res(struct world *w)
{
	w_backed(w);
	w_cpu(w);
	ok(w, vcm_reserve(w->v[1], 4 * MB, 0, RW, &w->r[1]));
}

/* A second reservation and memory, not yet backed. */
static void s_two(struct world *w)
{
	w_backed(w);
	ok(w, vcm_alloc(w->sys, 1, 3 * MB + 192 * KB, 0, &w->m[1]));
	ok(w, vcm_reserve(w->v[0], 3 * MB + 192 * KB, 0, RW, &w->r[1]));
}

/* Two reservations, the extra device associated (not active): back writes its table too. */
static void s_two_extra(struct world *w)
{
	s_two(w);
	if (o_dev_register(w) != 0)
		fail_msg("%s", w->msg);
	ok(w, vcm_assoc(w->v[0], w->extra_dev, 0, &w->a[5]));
}

static void s_two_backed(struct world *w)
{
	s_two(w);
	ok(w, vcm_back(w->r[1], w->m[1]));
}

/* A second VCM, v8's high base active in it, with a backed reservation. */
static void s_second_vcm(struct world *w)
{
	w_backed(w);
	ok(w, vcm_create(w->sys, 0x40000000, 64 * MB, &w->v[2]));
	ok(w, vcm_assoc(w->v[2], w->dev[WD_V8], VCM_USE_HIGH_BASE, &w->a[4]));
	ok(w, vcm_activate(w->a[4]));
	ok(w, vcm_alloc(w->sys, 1, 2 * MB + 64 * KB, 0, &w->m[1]));
	ok(w, vcm_reserve(w->v[2], 2 * MB + 64 * KB, 0, RW, &w->r[1]));
	ok(w, vcm_back(w->r[1], w->m[1]));
}

/* Of the above, v7 associated (not active) with the second VCM too. */
static void s_second_assoc(struct world *w)
{
	s_second_vcm(w);
	ok(w, vcm_assoc(w->v[2], w->dev[WD_V7], 0, &w->a[5]));
}

/* And v7 no longer active in the first. */
static void s_second_idle(struct world *w)
{
	s_second_assoc(w);
	ok(w, vcm_deactivate(w->a[0]));
}

static void s_one_to_one(struct world *w)
{
	w_soc(w);
	ok(w, vcm_alloc(w->sys, 0, 1 * MB, 0, &w->m[0]));
}

/* The same worlds on finer locks (cfg->locks). */
static void s_fine_backed(struct world *w)
{
	w->fine = true;
	w_backed(w);
}

static void s_fine_one_to_one(struct world *w)
{
	w->fine = true;
	s_one_to_one(w);
}

static void s_fine_two(struct world *w)
{
	w->fine = true;
	s_two(w);
}

/*
 * A VCM over [0x10000000, 0x40000000) (30 address bits) with a backed
 * reservation either side of 0x30000000, v7 active in it: VCM_SPLIT(2) puts
 * the top quarter on v8's high base, the rest on its low base.
 */
static void s_split(struct world *w)
{
	w_soc(w);
	ok(w, vcm_create(w->sys, 0x10000000, 0x30000000, &w->v[2]));
	/* backing needs an active association: v7's */
	ok(w, vcm_assoc(w->v[2], w->dev[WD_V7], 0, &w->a[4]));
	ok(w, vcm_activate(w->a[4]));
	ok(w, vcm_alloc(w->sys, 1, 2 * MB, 0, &w->m[1]));
	ok(w, vcm_reserve_at(w->v[2], 0x18000000, 2 * MB, RW, &w->r[1]));
	ok(w, vcm_reserve_at(w->v[2], 0x30000000, 2 * MB, RW, &w->r[2]));
	ok(w, vcm_back(w->r[1], w->m[1]));
	ok(w, vcm_back(w->r[2], w->m[1]));
}

/* A VCM whose one device's table records writes, a backed reservation in it. */
static void s_dirty(struct world *w)
{
	static const struct vcm_pt_cfg pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 39, .oas = 40,
					      .flags = VCM_PT_CFG_DIRTY };
	const struct vcm_dev_cfg cfg = { .name = "dirty", .mapper = &vcm_mapper_pt,
					 .mapper_cfg = &pt, .nr_bases = 1 };

	w_soc(w);
	ok(w, vcm_dev_register(w->sys, &cfg, &w->extra_dev));
	ok(w, vcm_create(w->sys, 0x10000000, 64 * MB, &w->v[2]));
	ok(w, vcm_assoc(w->v[2], w->extra_dev, 0, &w->a[5]));
	ok(w, vcm_activate(w->a[5]));
	ok(w, vcm_alloc(w->sys, 1, 3 * MB, 0, &w->m[1]));
	ok(w, vcm_reserve(w->v[2], 3 * MB, 0, RW, &w->r[1]));
	ok(w, vcm_back(w->r[1], w->m[1]));
}

/* The range cache on, with ranges in it. */
static void s_range_cached(struct world *w)
{
	const struct vcm_vs_cache_cfg cc = { .flags = VCM_VS_CACHE_ON, .max_ranges = 8 };
	struct vcm_res *r[6];

	w_backed(w);
	ok(w, vcm_set_range_cache(w->v[0], &cc));
	for (unsigned int i = 0; i < 6; i++)
		ok(w, vcm_reserve(w->v[0], 64 * KB, 0, RW, &r[i]));
	for (unsigned int i = 0; i < 6; i++)
		ok(w, vcm_unreserve(r[i]));
}

static void s_bound(struct world *w)
{
	w_graph(w);
	ok(w, vcm_create_bound(w->v[0], 32 * MB, &w->b[0]));
}

/* ---- ops ---- */

/* With the world's slot store and finer locks, where a setup made them. */
static int o_sys_create(struct world *w)
{
	static const struct vcm_phys_range r = { W_PA + W_TABLE_BYTES, 8 * MB };
	const struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_sys_cfg cfg = { .plat = w->plat, .memtypes = &mt, .nr_memtypes = 1,
				   .slots = w->slots };
	int ret;

	if (w->fine) {
		vcm_hosted_locks_init(&w->locks);
		cfg.locks = &w->locks.ops;
		cfg.diag_slot = vcm_hosted_diag_slot;
	}
	ret = vcm_sys_create(&cfg, &w->sys, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

static int o_slots_create(struct world *w)
{
	int ret = vcm_slots_create(w->plat, &w->slots, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

static void s_slots(struct world *w)
{
	w_mem(w);
	if (o_slots_create(w) != 0)
		fail_msg("%s", w->diag.msg);
}

/* A store that a system already used and gave its slots back to. */
static void s_slots_used(struct world *w)
{
	s_slots(w);
	if (o_sys_create(w) != 0)
		fail_msg("%s", w->diag.msg);
	if (vcm_sys_destroy(w->sys) != 0)
		fail_msg("setup: vcm_sys_destroy");
	w->sys = NULL;
}

static void s_fine_mem(struct world *w)
{
	w->fine = true;
	w_mem(w);
}

static void s_sys(struct world *w)
{
	w_mem(w);
	if (o_sys_create(w) != 0)
		fail_msg("%s", w->diag.msg);
}

static const char *extra_name(unsigned int v)
{
	return pt_configs[v].name;
}

static int o_dev_register(struct world *w)
{
	static struct vcm_pt_cfg pt;
	const struct pt_config *c;
	struct vcm_dev_cfg cfg = { .name = "extra", .mapper = &vcm_mapper_pt, .mapper_cfg = &pt,
				   .nr_bases = 1 };
	int ret;

	/*
	 * Every configuration of the shared page-table suite; one whose input
	 * size does not reach the world's VCMs (0x10000000 and up) runs as the
	 * first row (armv7s, 32 bits) instead.
	 */
	c = &pt_configs[w->variant];
	if (c->ias < 32)
		c = &pt_configs[0];
	pt = (struct vcm_pt_cfg){ .fmt = c->fmt, .ias = c->ias, .oas = c->oas,
				  .granule_lg2 = c->granule_lg2, .flags = c->flags,
				  .page_sizes = pt_config_page_sizes(c) };
	ret = vcm_dev_register(w->sys, &cfg, &w->extra_dev);
	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

/* A device registered on a system with a VCM: associating builds its table. */
static void s_extra_dev(struct world *w)
{
	w_backed(w);
	if (o_dev_register(w) != 0)
		fail_msg("%s", w->msg);
}

static int o_soc_create(struct world *w)
{
	int ret = vcm_soc_create(&w_soc_cfg, &w->soc, &w->diag);

	w->msg = w->diag.msg;
	if (ret == 0) {
		w->sys = vcm_soc_sys(w->soc);
		for (unsigned int i = 0; i < WD_NR; i++)
			w->dev[i] = vcm_soc_dev(w->soc, i);
	}
	return ret;
}

G_OP(o_create, vcm_create(w->sys, 0x80000000, 1024 * MB, &w->v[2]))
G_OP(o_create_one_to_one, vcm_create_one_to_one(w->sys, W_PA + 4 * MB, 8 * MB, &w->v[2]))
G_OP(o_create_prebuilt, vcm_create_prebuilt(w->sys, w->dev[WD_CPU], true, &w->v[2]))
G_OP(o_clone, vcm_clone(w->v[0], &w->v[2]))
G_OP(o_reserve, vcm_reserve(w->v[0], 2 * MB, 1 * MB, RW, &w->r[2]))
G_OP(o_reserve_at, vcm_reserve_at(w->v[0], 0x18000000, 1 * MB, RW, &w->r[2]))
G_OP(o_create_bound, vcm_create_bound(w->v[0], 16 * MB, &w->b[1]))
G_OP(o_reserve_from_bound, vcm_reserve_from_bound(w->b[0], 1 * MB, 0, RW, &w->r[2]))
G_OP(o_alloc, vcm_alloc(w->sys, 0, 5 * MB + 68 * KB, 0, &w->m[2]))
G_OP(o_alloc_cont, vcm_alloc_cont(w->sys, 0, 2 * MB, 1 * MB, &w->m[2]))
G_OP(o_alloc_wrap, vcm_alloc_wrap(w->sys, W_PA + 30 * MB, 1 * MB, &w->m[2]))
G_OP(o_back, vcm_back(w->r[1], w->m[1]))
G_OP(o_back_cpu, vcm_back(w->r[1], w->m[0]))
G_OP(o_assoc, vcm_assoc(w->v[0], w->extra_dev, 0, &w->a[5]))
G_OP(o_assoc_second, vcm_assoc(w->v[2], w->dev[WD_V7], 0, &w->a[5]))
G_OP(o_activate, vcm_activate(w->a[5]))
G_OP(o_set_res_attr, vcm_set_res_attr(w->r[1], VCM_PT_PROT_READ))
G_OP(o_res_copy, vcm_res_copy(w->r[1], 0, w->r[0], 0, 1 * MB))
G_OP(o_migrate, vcm_migrate(w->sys, w->m[0]))
G_OP(o_assoc_split, vcm_assoc(w->v[2], w->dev[WD_V8], VCM_SPLIT(2), &w->a[5]))

static int count_dirty(void *arg, vcm_da_t da, uint64_t len)
{
	(void)da;
	(void)len;
	++*(int *)arg;
	return 0;
}

static int o_switch(struct world *w)
{
	int ret = vcm_switch(w->a[5]);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

static int o_unback(struct world *w)
{
	int ret = vcm_unback(w->r[0]);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

static int o_unback_cpu(struct world *w)
{
	int ret = vcm_unback(w->r[1]);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

static int o_deassoc(struct world *w)
{
	int ret = vcm_deactivate(w->a[1]);

	if (ret == 0)
		ret = vcm_deassoc(w->a[1]);
	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->a[1] = NULL;
	return ret;
}

static void s_unreserved(struct world *w)
{
	s_two(w);
}

static int o_unreserve(struct world *w)
{
	int ret = vcm_unreserve(w->r[1]);

	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->r[1] = NULL;
	return ret;
}

static int o_free_phys(struct world *w)
{
	int ret = vcm_free_phys(w->sys, w->m[1]);

	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->m[1] = NULL;
	return ret;
}

/* Turning it off, or shrinking it below what it holds. */
static int o_range_cache_change(struct world *w)
{
	const struct vcm_vs_cache_cfg off = { .flags = 0 };
	const struct vcm_vs_cache_cfg small = { .flags = VCM_VS_CACHE_ON, .max_ranges = 2 };
	int ret = vcm_set_range_cache(w->v[0], w->variant == 0 ? &off : &small);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

static const char *cache_change_name(unsigned int v)
{
	return v == 0 ? "off" : "shrink to 2";
}

static int o_read_clear_dirty(struct world *w)
{
	int n = 0;
	int ret = vcm_res_read_clear_dirty(w->r[1], 0, count_dirty, &n);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

static int o_set_range_cache(struct world *w)
{
	const struct vcm_vs_cache_cfg cc = { .flags = VCM_VS_CACHE_ON, .max_ranges = 8 };
	int ret = vcm_set_range_cache(w->v[0], &cc);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

/* Through the models: reads and writes that walk the tables, and a DMA copy. */
static int o_sim_rw(struct world *w)
{
	uint8_t buf[256] = { 1, 2, 3 };
	struct vcm_sim_iommu *io = vcm_soc_iommu(w->soc, 1);
	vcm_da_t da = vcm_get_dev_addr(w->r[0]) + 1 * MB - 128;
	int ret = vcm_sim_iommu_write(io, 0, da, buf, sizeof(buf));

	if (ret == 0)
		ret = vcm_sim_iommu_read(io, 0, da, buf, sizeof(buf));
	w->msg = vcm_sim_iommu_last_error(io);
	return ret;
}

static int o_sim_dma(struct world *w)
{
	struct vcm_sim_dma *dma = vcm_soc_dma(w->soc, WD_DMA);
	vcm_pa_t pa = 0;
	uint64_t it = 0, len = 0;
	int ret;

	assert_int_equal(vcm_mem_next_chunk(w->m[0], &it, &pa, &len), 0);
	{
		const struct vcm_sim_sg dst = { pa + len / 2, len / 2 }, src = { pa, len / 2 };

		ret = vcm_sim_dma_copy(dma, &dst, 1, &src, 1, len / 2);
	}
	w->msg = vcm_sim_dma_last_error(dma);
	return ret;
}

/*
 * Lists that overlap (a move up by one page inside one chunk): the sorted
 * overlap check's copies of the lists (a failure there only makes it slower),
 * then the bounce buffer the bytes go through.
 */
static int o_sim_dma_overlap(struct world *w)
{
	struct vcm_sim_dma *dma = vcm_soc_dma(w->soc, WD_DMA);
	vcm_pa_t pa = 0;
	uint64_t it = 0, len = 0;
	int ret;

	assert_int_equal(vcm_mem_next_chunk(w->m[0], &it, &pa, &len), 0);
	{
		const struct vcm_sim_sg dst[] = { { pa + 4 * KB, 32 * KB }, { pa + 40 * KB, 32 * KB } };
		const struct vcm_sim_sg src[] = { { pa, 16 * KB }, { pa + 16 * KB, 48 * KB } };

		ret = vcm_sim_dma_copy(dma, dst, 2, src, 2, 64 * KB);
	}
	w->msg = vcm_sim_dma_last_error(dma);
	return ret;
}

static int o_translate(struct world *w)
{
	vcm_pa_t pa = 0;
	int ret = vcm_dev_addr_to_phys_addr(w->dev[WD_S2], 0, vcm_get_dev_addr(w->r[0]), &pa);

	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

static int o_soc_destroy(struct world *w)
{
	int ret = vcm_soc_destroy(w->soc);

	/* the SoC is gone after a success: its message with it */
	w->msg = ret != 0 ? vcm_soc_last_error(w->soc) : NULL;
	if (ret == 0) {
		w->soc = NULL;
		w->sys = NULL;
		memset(w->dev, 0, sizeof(w->dev));
	}
	return ret;
}

/* ---- calls that allocate nothing: listed so the table shows they were tried ---- */

static int o_translate_cpu(struct world *w)
{
	vcm_da_t da = 0;
	int ret = vcm_translate(w->v[0], vcm_get_dev_addr(w->r[0]) + 4 * KB, w->v[1], &da);

	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0 && da != vcm_get_dev_addr(w->r[1]) + 4 * KB)
		ret = -EFAULT;
	return ret;
}

static int count_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	(void)da;
	(void)pa;
	(void)len;
	(void)prot;
	++*(int *)arg;
	return 0;
}

static int o_walk(struct world *w)
{
	int n = 0;
	int ret = vcm_walk(w->v[0], w->dev[WD_S2], vcm_get_dev_addr(w->r[0]), 4 * MB, count_run,
			   &n);

	w->msg = vcm_sys_last_error(w->sys);
	return ret == 0 && n == 0 ? -EFAULT : ret;
}

static int o_power_query(struct world *w)
{
	unsigned int mappers = 0;
	vcm_pa_t pa = 0;
	uint64_t it = 0, len = 0;
	int ret;

	assert_int_equal(vcm_mem_next_chunk(w->m[0], &it, &pa, &len), 0);
	ret = vcm_power_query(w->sys, pa, len, &mappers);
	w->msg = vcm_sys_last_error(w->sys);
	return ret;
}

G_OP(o_set_assoc_attr, vcm_set_assoc_attr(w->a[5], VCM_USE_LOW_BASE))
G_OP(o_hook, vcm_hook(w->dev[WD_V7], NULL, NULL))

static int o_free_bound(struct world *w)
{
	int ret = vcm_free_bound(w->b[0]);

	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->b[0] = NULL;
	return ret;
}

static void s_empty_vcm(struct world *w)
{
	w_soc(w);
	ok(w, vcm_create(w->sys, 0x10000000, 64 * MB, &w->v[0]));
	ok(w, vcm_assoc(w->v[0], w->dev[WD_V8], 0, &w->a[0]));
}

static int o_free(struct world *w)
{
	int ret = vcm_deassoc(w->a[0]);

	if (ret == 0) {
		w->a[0] = NULL;
		ret = vcm_free(w->v[0]);
	}
	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->v[0] = NULL;
	return ret;
}

static int o_sys_destroy(struct world *w)
{
	int ret = vcm_sys_destroy(w->sys);

	w->msg = w->sys != NULL ? "" : NULL;
	if (ret == 0)
		w->sys = NULL;
	return ret;
}

static int o_dev_unregister(struct world *w)
{
	int ret = vcm_dev_unregister(w->extra_dev);

	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->extra_dev = NULL;
	return ret;
}

static void s_sys_dev(struct world *w)
{
	s_sys(w);
	if (o_dev_register(w) != 0)
		fail_msg("%s", w->msg);
}

const struct inj_call inj_calls_graph[] = {
	{ "graph", "vcm_sys_create", 0, NULL, w_mem, o_sys_create, 0 },
	{ "graph", "vcm_slots_create", 0, NULL, w_mem, o_slots_create, 0 },
	{ "graph", "vcm_sys_create (cfg->slots)", 0, NULL, s_slots, o_sys_create, 0 },
	{ "graph", "vcm_sys_create (cfg->slots, used)", 0, NULL, s_slots_used, o_sys_create, 0 },
	{ "graph", "vcm_sys_create (cfg->locks)", 0, NULL, s_fine_mem, o_sys_create, 0 },
	{ "graph", "vcm_dev_register", 0, NULL, s_sys, o_dev_register, 0 },
	{ "soc", "vcm_soc_create", 0, NULL, NULL, o_soc_create, 0 },
	{ "graph", "vcm_create", 0, NULL, w_backed, o_create, 0 },
	{ "graph", "vcm_create_one_to_one", 0, NULL, s_one_to_one, o_create_one_to_one, 0 },
	{ "graph", "vcm_create_prebuilt", 0, NULL, w_backed, o_create_prebuilt, 0 },
	{ "graph", "vcm_clone", 0, NULL, s_two, o_clone, 0 },
	{ "graph", "vcm_create (cfg->locks)", 0, NULL, s_fine_backed, o_create, 0 },
	{ "graph", "vcm_create_one_to_one (locks)", 0, NULL, s_fine_one_to_one,
	  o_create_one_to_one, 0 },
	{ "graph", "vcm_clone (cfg->locks)", 0, NULL, s_fine_two, o_clone, 0 },
	{ "graph", "vcm_reserve (cfg->locks)", 0, NULL, s_fine_backed, o_reserve, 0 },
	{ "graph", "vcm_reserve", 0, NULL, w_backed, o_reserve, 0 },
	{ "graph", "vcm_reserve_at", 0, NULL, w_backed, o_reserve_at, 0 },
	{ "graph", "vcm_create_bound", 0, NULL, s_bound, o_create_bound, 0 },
	{ "graph", "vcm_reserve_from_bound", 0, NULL, s_bound, o_reserve_from_bound, 0 },
	{ "graph", "vcm_alloc", 0, NULL, w_backed, o_alloc, 0 },
	{ "graph", "vcm_alloc_cont", 0, NULL, w_backed, o_alloc_cont, 0 },
	{ "graph", "vcm_alloc_wrap", 0, NULL, w_backed, o_alloc_wrap, 0 },
	{ "graph", "vcm_assoc (over backed ranges)", PT_NCONFIGS, extra_name, s_extra_dev, o_assoc, 0 },
	{ "graph", "vcm_assoc (armv7s, second VCM)", 0, NULL, s_second_vcm, o_assoc_second, 0 },
	{ "graph", "vcm_assoc (VCM_SPLIT)", 0, NULL, s_split, o_assoc_split, 0 },
	{ "graph", "vcm_activate", 0, NULL, s_second_idle, o_activate, 0 },
	{ "graph", "vcm_switch", 0, NULL, s_second_assoc, o_switch, 0 },
	{ "graph", "vcm_back (three formats)", 0, NULL, s_two, o_back, 0 },
	{ "graph", "vcm_back (+1 format)", PT_NCONFIGS, extra_name, s_two_extra, o_back, 0 },
	{ "graph", "vcm_back (CPU)", 0, NULL, s_cpu_res, o_back_cpu, 0 },
	{ "graph", "vcm_unback", 0, NULL, w_backed, o_unback, 0 },
	{ "graph", "vcm_unback (CPU)", 0, NULL, s_cpu_backed, o_unback_cpu, 0 },
	{ "graph", "vcm_set_res_attr", 0, NULL, s_two, o_set_res_attr, 0 },
	{ "graph", "vcm_res_copy", 0, NULL, s_two_backed, o_res_copy, 0 },
	{ "graph", "vcm_migrate", 0, NULL, s_cpu_backed, o_migrate, 0 },
	{ "graph", "vcm_set_range_cache", 0, NULL, w_backed, o_set_range_cache, 0 },
	{ "graph", "vcm_set_range_cache (off, shrink)", 2, cache_change_name, s_range_cached,
	  o_range_cache_change, 0 },
	{ "graph", "vcm_res_read_clear_dirty", 0, NULL, s_dirty, o_read_clear_dirty, 0 },
	{ "graph", "vcm_deactivate + vcm_deassoc", 0, NULL, w_backed, o_deassoc, 0 },
	{ "graph", "vcm_unreserve", 0, NULL, s_unreserved, o_unreserve, 0 },
	{ "graph", "vcm_free_phys", 0, NULL, s_unreserved, o_free_phys, 0 },
	{ "graph", "vcm_dev_addr_to_phys_addr", 0, NULL, w_backed, o_translate, 0 },
	{ "graph", "vcm_translate (to the CPU)", 0, NULL, s_cpu_backed, o_translate_cpu, 0 },
	{ "graph", "vcm_walk", 0, NULL, w_backed, o_walk, 0 },
	{ "graph", "vcm_power_query", 0, NULL, w_backed, o_power_query, 0 },
	{ "graph", "vcm_set_assoc_attr", 0, NULL, s_second_assoc, o_set_assoc_attr, 0 },
	{ "graph", "vcm_hook", 0, NULL, w_soc, o_hook, 0 },
	{ "graph", "vcm_free_bound", 0, NULL, s_bound, o_free_bound, 0 },
	{ "graph", "vcm_deassoc + vcm_free", 0, NULL, s_empty_vcm, o_free, 0 },
	{ "graph", "vcm_dev_unregister", 0, NULL, s_sys_dev, o_dev_unregister, 0 },
	{ "graph", "vcm_sys_destroy", 0, NULL, s_sys, o_sys_destroy, 0 },
	{ "sim", "vcm_sim_iommu_write + read", 0, NULL, w_backed, o_sim_rw, 0 },
	{ "sim", "vcm_sim_dma_copy", 0, NULL, w_backed, o_sim_dma, 0 },
	{ "sim", "vcm_sim_dma_copy (lists overlap)", 0, NULL, w_backed, o_sim_dma_overlap, 0 },
	{ "soc", "vcm_soc_destroy", 0, NULL, w_soc, o_soc_destroy, 0 },
	{ NULL, NULL, 0, NULL, NULL, NULL, 0 },
};
