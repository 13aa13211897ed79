// SPDX-License-Identifier: MIT
/*
 * The sweep's calls of the layers below the graph: page tables (every
 * configuration of the shared page-table suite), ranges, physical memory, the
 * simulator's models and the hosted platform, each on one hosted memory.
 */
#include "inject.h"
#include "pgtable/pt_configs.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

static const char *pt_name(unsigned int v)
{
	return pt_configs[v].name;
}

static void pt_cfg(struct world *w, struct vcm_pt_cfg *cfg)
{
	const struct pt_config *c = &pt_configs[w->variant];

	*cfg = (struct vcm_pt_cfg){ .fmt = c->fmt, .ias = c->ias, .oas = c->oas,
				    .granule_lg2 = c->granule_lg2, .flags = c->flags,
				    .page_sizes = pt_config_page_sizes(c), .plat = w->plat };
}

static void s_pt(struct world *w)
{
	struct vcm_pt_cfg cfg;

	w_mem(w);
	pt_cfg(w, &cfg);
	if (vcm_pt_create(&cfg, &w->pt, &w->diag) != 0)
		fail_msg("%s", w->diag.msg);
}

/* The configuration's smallest page. */
static uint64_t gran(const struct world *w)
{
	return UINT64_C(1) << pt_configs[w->variant].granule_lg2;
}

/* A 2 MiB aligned block's worth mapped at da 2 MiB. */
static void s_pt_mapped(struct world *w)
{
	s_pt(w);
	if (vcm_pt_map(w->pt, 2 * MB, W_BUF_PA + 2 * MB, 2 * MB, RW) != 0)
		fail_msg("%s", vcm_pt_last_error(w->pt));
}

static int o_pt_create(struct world *w)
{
	struct vcm_pt_cfg cfg;
	int ret;

	pt_cfg(w, &cfg);
	ret = vcm_pt_create(&cfg, &w->pt, &w->diag);
	w->msg = w->diag.msg;
	return ret;
}

/* Across a 2 MiB boundary: pages, a block where the format has one, pages. */
static int o_pt_map(struct world *w)
{
	uint64_t g = gran(w);
	int ret = vcm_pt_map(w->pt, 2 * MB - g, W_BUF_PA + 2 * MB - g, 2 * MB + 2 * g, RW);

	w->msg = vcm_pt_last_error(w->pt);
	return ret;
}

static int o_pt_map_sizes(struct world *w)
{
	uint64_t sizes = vcm_pt_page_sizes(w->pt), g = gran(w);
	int ret = vcm_pt_map_sizes(w->pt, 2 * MB - g, W_BUF_PA + 2 * MB - g, 4 * g, RW,
				   sizes & -sizes);

	w->msg = vcm_pt_last_error(w->pt);
	return ret;
}

static int o_pt_map_segs(struct world *w)
{
	uint64_t g = gran(w);
	const struct vcm_seg seg[] = {
		{ W_BUF_PA + 8 * MB - g, g },
		{ W_BUF_PA + 2 * MB, 2 * MB },
		{ W_BUF_PA + 4 * MB, g },
	};
	int ret = vcm_pt_map_segs(w->pt, 2 * MB - g, seg, 3, RW);

	w->msg = vcm_pt_last_error(w->pt);
	return ret;
}

/* One page out of the middle of a block: the block splits into a table. */
static int o_pt_unmap(struct world *w)
{
	uint64_t done = 0;
	int ret = vcm_pt_unmap(w->pt, 3 * MB, gran(w), &done);

	w->msg = vcm_pt_last_error(w->pt);
	return ret;
}

/*
 * 12 MiB of the smallest pages from da 0: a table for every 2 MiB (armv8 4K)
 * or 1 MiB (armv7s), past the 8 the live-count hash starts with room for
 * (pgtable/pt_mem.c), so the hash doubles on the way.
 */
static int o_pt_map_wide(struct world *w)
{
	uint64_t sizes = vcm_pt_page_sizes(w->pt);
	int ret = vcm_pt_map_sizes(w->pt, 0, W_BUF_PA, 12 * MB, RW, sizes & -sizes);

	w->msg = vcm_pt_last_error(w->pt);
	return ret;
}

/* The configurations with 4 KiB leaves and a 12 MiB reach from 0: armv7s, armv8. */
static const unsigned int wide_cfg[] = { 0, 4 };

static const char *wide_name(unsigned int v)
{
	return pt_configs[wide_cfg[v]].name;
}

static void s_pt_wide(struct world *w)
{
	w->variant = wide_cfg[w->variant];
	s_pt(w);
}

static int o_pt_destroy(struct world *w)
{
	int ret = vcm_pt_destroy(w->pt);

	if (ret == 0)
		w->pt = NULL;
	return ret;
}

static int o_pt_lookup(struct world *w)
{
	struct vcm_pt_leaf leaf;
	int ret = vcm_pt_lookup(w->pt, 3 * MB, &leaf);

	w->msg = vcm_pt_last_error(w->pt);
	return ret;
}

static int count_leaf(void *arg, const struct vcm_pt_leaf *leaf)
{
	(void)leaf;
	++*(int *)arg;
	return 0;
}

static int o_pt_walk(struct world *w)
{
	int n = 0;
	int ret = vcm_pt_walk(w->pt, 2 * MB, 2 * MB, count_leaf, &n);

	w->msg = vcm_pt_last_error(w->pt);
	return ret == 0 && n == 0 ? -EFAULT : ret;
}

/* ---- ranges ---- */

static void s_vs(struct world *w)
{
	const struct vcm_vs_cfg cfg = { .start = 16 * MB, .len = 1024 * MB, .plat = NULL };
	struct vcm_vs_cfg c = cfg;

	w_mem(w);
	c.plat = w->plat;
	if (vcm_vs_create(&c, &w->vs, &w->diag) != 0)
		fail_msg("%s", w->diag.msg);
}

static void s_vs_full(struct world *w)
{
	s_vs(w);
	assert_int_equal(vcm_vs_reserve(w->vs, 1 * MB, 4 * KB, &w->vr[0]), 0);
	assert_int_equal(vcm_vs_bound_create(w->vs, 64 * MB, 1 * MB, &w->vb[0]), 0);
}

static void s_vs_cached(struct world *w)
{
	const struct vcm_vs_cache_cfg cc = { .flags = VCM_VS_CACHE_ON, .max_ranges = 8 };

	s_vs_full(w);
	assert_int_equal(vcm_vs_cache_config(w->vs, &cc), 0);
	assert_int_equal(vcm_vs_reserve(w->vs, 64 * KB, 64 * KB, &w->vr[1]), 0);
}

/*
 * The range cache holding ranges and the node slab full: a range the cache
 * cannot give takes a new slab, and when that fails the cache is flushed for
 * its nodes and the plan made again (vspace.c vs_take_). How many 12 KiB
 * ranges fill the slab is learnt once, by a space that takes one more.
 */
static unsigned int vs_fill(struct vcm_vs *vs, unsigned int count)
{
	const struct vcm_vs_cache_cfg cc = { .flags = VCM_VS_CACHE_ON, .max_ranges = 64 };
	struct vcm_vs_range *r[24], *x;
	unsigned int k;

	assert_int_equal(vcm_vs_cache_config(vs, &cc), 0);
	for (unsigned int i = 0; i < 24; i++)
		assert_int_equal(vcm_vs_reserve(vs, 4 * KB, 4 * KB, &r[i]), 0);
	for (unsigned int i = 0; i < 20; i++)
		assert_int_equal(vcm_vs_unreserve(vs, r[i]), 0);
	for (k = 0; k < count; k++) {
		long before = inj_allocs();

		assert_int_equal(vcm_vs_reserve(vs, 12 * KB, 4 * KB, &x), 0);
		if (inj_allocs() != before)
			break;
		if (k > 100000)
			fail_msg("setup: no node slab taken after 100000 ranges");
	}
	return k;
}

static void s_vs_slab_full(struct world *w)
{
	static unsigned int fill;

	s_vs(w);
	if (fill == 0U) {
		struct vcm_vs *probe;
		const struct vcm_vs_cfg cfg = { .start = 16 * MB, .len = 1024 * MB,
						.plat = w->plat };

		assert_int_equal(vcm_vs_create(&cfg, &probe, NULL), 0);
		fill = vs_fill(probe, ~0U);
		assert_int_equal(vcm_vs_destroy(probe), 0);
	}
	/* the space's ranges go with it (vcm_vs_destroy) */
	assert_int_equal(vs_fill(w->vs, fill), fill);
}

static int o_vs_create(struct world *w)
{
	struct vcm_vs_cfg c = { .start = 16 * MB, .len = 1024 * MB, .plat = w->plat };
	int ret = vcm_vs_create(&c, &w->vs, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

#define VS_OP(fn, call)                                   \
	static int fn(struct world *w)                    \
	{                                                 \
		int ret = call;                           \
		w->msg = vcm_vs_last_error(w->vs);        \
		return ret;                               \
	}
VS_OP(o_vs_reserve, vcm_vs_reserve(w->vs, 3 * MB, 1 * MB, &w->vr[1]))
VS_OP(o_vs_reserve_at, vcm_vs_reserve_at(w->vs, 512 * MB, 2 * MB, &w->vr[1]))
VS_OP(o_vs_bound_create, vcm_vs_bound_create(w->vs, 32 * MB, 16 * MB, &w->vb[1]))
VS_OP(o_vs_bound_create_at, vcm_vs_bound_create_at(w->vs, 768 * MB, 32 * MB, &w->vb[1]))
VS_OP(o_vs_cache_flush, vcm_vs_cache_flush(w->vs))
VS_OP(o_vs_reserve_slab, vcm_vs_reserve(w->vs, 12 * KB, 4 * KB, &w->vr[1]))

/* Its message is in the bound's own space; so is the range. */
static int o_vs_bound_reserve(struct world *w)
{
	int ret = vcm_vs_bound_reserve(w->vb[0], 1 * MB, 4 * KB, &w->vr[3]);

	w->msg = vcm_vs_last_error(vcm_vs_bound_space(w->vb[0]));
	return ret;
}

static int o_vs_unreserve(struct world *w)
{
	int ret = vcm_vs_unreserve(w->vs, w->vr[1]);

	w->msg = vcm_vs_last_error(w->vs);
	if (ret == 0)
		w->vr[1] = NULL;
	return ret;
}

static int o_vs_destroy(struct world *w)
{
	int ret = vcm_vs_destroy(w->vs);

	w->msg = ret != 0 ? vcm_vs_last_error(w->vs) : NULL;
	if (ret == 0)
		w->vs = NULL;
	return ret;
}

static int o_vs_cache_config(struct world *w)
{
	const struct vcm_vs_cache_cfg cc = { .flags = VCM_VS_CACHE_ON, .max_ranges = 16 };
	int ret = vcm_vs_cache_config(w->vs, &cc);

	w->msg = vcm_vs_last_error(w->vs);
	return ret;
}

/* ---- physical memory ---- */

static const struct vcm_phys_range ph_r0 = { W_BUF_PA, 8 * MB };
static const struct vcm_phys_range ph_r1[] = { { W_BUF_PA + 8 * MB, 2 * MB },
					       { W_BUF_PA + 11 * MB, 2 * MB } };

static int ph_create(struct world *w)
{
	const struct vcm_phys_memtype_cfg mts[] = {
		{ &ph_r0, 1, 0 },
		{ ph_r1, 2, VCM_PHYS_64KB | VCM_PHYS_4KB },
	};
	const struct vcm_phys_cfg cfg = { mts, 2, w->plat };
	int ret = vcm_phys_create(&cfg, &w->phys, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

static void s_phys(struct world *w)
{
	w_mem(w);
	if (ph_create(w) != 0)
		fail_msg("%s", w->diag.msg);
}

static void s_phys_used(struct world *w)
{
	s_phys(w);
	assert_int_equal(vcm_phys_alloc(w->phys, 0, 1 * MB + 64 * KB, 0, &w->pm[0]), 0);
}

#define PH_OP(fn, call)                                   \
	static int fn(struct world *w)                    \
	{                                                 \
		int ret = call;                           \
		w->msg = vcm_phys_last_error(w->phys);    \
		return ret;                               \
	}
PH_OP(o_phys_alloc, vcm_phys_alloc(w->phys, 0, 3 * MB + 68 * KB, 0, &w->pm[1]))
PH_OP(o_phys_alloc_mt1, vcm_phys_alloc(w->phys, 1, 2 * MB + 4 * KB, 0, &w->pm[1]))
PH_OP(o_phys_alloc_cont, vcm_phys_alloc_cont(w->phys, 0, 2 * MB, 2 * MB, &w->pm[1]))
PH_OP(o_phys_wrap, vcm_phys_wrap(w->phys, W_BUF_PA + 14 * MB, 64 * KB, &w->pm[1]))

static int o_phys_free(struct world *w)
{
	int ret = vcm_phys_free(w->phys, w->pm[0]);

	w->msg = vcm_phys_last_error(w->phys);
	if (ret == 0)
		w->pm[0] = NULL;
	return ret;
}

static int o_phys_destroy(struct world *w)
{
	int ret = vcm_phys_destroy(w->phys);

	w->msg = ret != 0 ? vcm_phys_last_error(w->phys) : NULL;
	if (ret == 0)
		w->phys = NULL;
	return ret;
}

/* ---- simulator models ---- */

static void *w_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	return vcm_hosted_mem_cpu(ctx, pa);
}

static int o_sim_iommu_create(struct world *w)
{
	const struct vcm_sim_iommu_cfg cfg = {
		.kind = w->variant == 0 ? VCM_SIM_IOMMU_MSM : VCM_SIM_IOMMU_SMMU_S1,
		.name = "iommu", .banks = 2, .tlb_entries = 64, .tlb_ways = 4,
		.plat = w->plat, .pa_to_cpu = w_pa_to_cpu, .mem_ctx = w->mem,
	};
	int ret = vcm_sim_iommu_create(&cfg, &w->iommu, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

static int o_sim_dma_create(struct world *w)
{
	const struct vcm_sim_dma_cfg cfg = {
		.name = "dma", .plat = w->plat, .pa_to_cpu = w_pa_to_cpu, .mem_ctx = w->mem,
	};
	int ret = vcm_sim_dma_create(&cfg, &w->dma, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

/* ---- hosted platform ---- */

static int o_hosted_mem_create(struct world *w)
{
	int ret = vcm_hosted_mem_create(W_PA, W_LEN, W_TABLE_BYTES, &w->mem, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

static int o_hosted_mem_destroy(struct world *w)
{
	int ret = vcm_hosted_mem_destroy(w->mem);

	if (ret == 0)
		w->mem = NULL;
	return ret;
}

/* A table block taken and given back (on a zero list where there are
 * some): the arena is not as create left it, which reset puts right. */
static void s_mem_used(struct world *w)
{
	vcm_pa_t pa;
	void *cpu;

	w_mem(w);
	if (w->plat->table_alloc(w->plat->ctx, 4 * KB, 4 * KB, &pa, &cpu) != 0)
		fail_msg("setup: no table block");
	if (w->plat->table_free_zero != NULL)
		w->plat->table_free_zero(w->plat->ctx, pa, cpu, 4 * KB);
	else
		w->plat->table_free(w->plat->ctx, pa, cpu, 4 * KB);
}

static int o_hosted_mem_reset(struct world *w)
{
	/* no message: -EINVAL and -EBUSY are its refusals, and it allocates nothing */
	w->msg = "";
	return vcm_hosted_mem_reset(w->mem);
}

static int o_hosted_arena_new(struct world *w)
{
	w->arena = vcm_plat_hosted_arena_new(64 * KB, W_PA);
	/*
	 * No message by design: NULL is documented as "memory is short", which
	 * covers the struct (heap) and the arena's own mapping (address space).
	 */
	w->msg = "vcm_plat_hosted_arena_new: no memory or address space";
	return w->arena == NULL ? -ENOMEM : 0;
}

static const char *iommu_kind(unsigned int v)
{
	return v == 0 ? "msm" : "smmu-s1";
}

const struct inj_call inj_calls_low[] = {
	{ "pgtable", "vcm_pt_create", PT_NCONFIGS, pt_name, w_mem, o_pt_create, 0 },
	{ "pgtable", "vcm_pt_map", PT_NCONFIGS, pt_name, s_pt, o_pt_map, 0 },
	{ "pgtable", "vcm_pt_map_sizes", PT_NCONFIGS, pt_name, s_pt, o_pt_map_sizes, 0 },
	{ "pgtable", "vcm_pt_map_segs", PT_NCONFIGS, pt_name, s_pt, o_pt_map_segs, 0 },
	{ "pgtable", "vcm_pt_unmap", PT_NCONFIGS, pt_name, s_pt_mapped, o_pt_unmap, 0 },
	{ "pgtable", "vcm_pt_lookup", PT_NCONFIGS, pt_name, s_pt_mapped, o_pt_lookup, 0 },
	{ "pgtable", "vcm_pt_walk", PT_NCONFIGS, pt_name, s_pt_mapped, o_pt_walk, 0 },
	{ "pgtable", "vcm_pt_map_sizes (12 MiB)", 2, wide_name, s_pt_wide, o_pt_map_wide, 0 },
	{ "pgtable", "vcm_pt_destroy", PT_NCONFIGS, pt_name, s_pt_mapped, o_pt_destroy, 0 },
	{ "vspace", "vcm_vs_create", 0, NULL, w_mem, o_vs_create, 0 },
	{ "vspace", "vcm_vs_reserve", 0, NULL, s_vs, o_vs_reserve, 0 },
	{ "vspace", "vcm_vs_reserve_at", 0, NULL, s_vs, o_vs_reserve_at, 0 },
	{ "vspace", "vcm_vs_bound_create", 0, NULL, s_vs_full, o_vs_bound_create, 0 },
	{ "vspace", "vcm_vs_bound_create_at", 0, NULL, s_vs_full, o_vs_bound_create_at, 0 },
	{ "vspace", "vcm_vs_bound_reserve", 0, NULL, s_vs_full, o_vs_bound_reserve, 0 },
	{ "vspace", "vcm_vs_cache_config", 0, NULL, s_vs_full, o_vs_cache_config, 0 },
	{ "vspace", "vcm_vs_unreserve (cached)", 0, NULL, s_vs_cached, o_vs_unreserve, 0 },
	{ "vspace", "vcm_vs_cache_flush", 0, NULL, s_vs_cached, o_vs_cache_flush, 0 },
	{ "vspace", "vcm_vs_reserve (cache on, slab full)", 0, NULL, s_vs_slab_full,
	  o_vs_reserve_slab, 0 },
	{ "vspace", "vcm_vs_destroy", 0, NULL, s_vs, o_vs_destroy, 0 },
	{ "phys", "vcm_phys_create", 0, NULL, w_mem, ph_create, 0 },
	{ "phys", "vcm_phys_alloc", 0, NULL, s_phys_used, o_phys_alloc, 0 },
	{ "phys", "vcm_phys_alloc (two ranges)", 0, NULL, s_phys_used, o_phys_alloc_mt1, 0 },
	{ "phys", "vcm_phys_alloc_cont", 0, NULL, s_phys_used, o_phys_alloc_cont, 0 },
	{ "phys", "vcm_phys_wrap", 0, NULL, s_phys_used, o_phys_wrap, 0 },
	{ "phys", "vcm_phys_free", 0, NULL, s_phys_used, o_phys_free, 0 },
	{ "phys", "vcm_phys_destroy", 0, NULL, s_phys, o_phys_destroy, 0 },
	{ "sim", "vcm_sim_iommu_create", 2, iommu_kind, w_mem, o_sim_iommu_create, 0 },
	{ "sim", "vcm_sim_dma_create", 0, NULL, w_mem, o_sim_dma_create, 0 },
	{ "hosted", "vcm_hosted_mem_create", 0, NULL, NULL, o_hosted_mem_create, 0 },
	{ "hosted", "vcm_hosted_mem_destroy", 0, NULL, w_mem, o_hosted_mem_destroy, 0 },
	{ "hosted", "vcm_hosted_mem_reset", 0, NULL, s_mem_used, o_hosted_mem_reset, 0 },
	{ "hosted", "vcm_plat_hosted_arena_new", 0, NULL, NULL, o_hosted_arena_new, 0 },
	{ NULL, NULL, 0, NULL, NULL, NULL, 0 },
};

