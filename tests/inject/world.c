// SPDX-License-Identifier: MIT
/* The worlds the sweep's calls run in, and the one teardown for all. */
#include <stdio.h>
#include "inject.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

void w_mem(struct world *w)
{
	struct vcm_diag d = { 0 };

	if (vcm_hosted_mem_create(W_PA, W_LEN, W_TABLE_BYTES, &w->mem, &d) != 0)
		fail_msg("%s", d.msg);
	w->plat = vcm_hosted_mem_plat(w->mem);
}

static const struct vcm_sim_iommu_cfg w_iommus[] = {
	{ .kind = VCM_SIM_IOMMU_MSM, .name = "msm" },
	{ .kind = VCM_SIM_IOMMU_SMMU_S1, .name = "smmu-s1", .banks = 2 },
	{ .kind = VCM_SIM_IOMMU_SMMU_S2, .name = "smmu-s2" },
};

static const struct vcm_soc_dev_cfg w_devs[WD_NR] = {
	[WD_V7] = { .name = "v7", .kind = VCM_SOC_DEV_PT, .pt = { .fmt = &vcm_pt_fmt_armv7s },
		    .iommu = 0 },
	[WD_V8] = { .name = "v8", .kind = VCM_SOC_DEV_PT,
		    .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 39, .oas = 40 }, .iommu = 1,
		    .nr_bases = 2 },
	[WD_S2] = { .name = "s2", .kind = VCM_SOC_DEV_PT,
		    .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40, .granule_lg2 = 16,
			    .flags = VCM_PT_CFG_STAGE2 }, .iommu = 2 },
	[WD_DMA] = { .name = "dma", .kind = VCM_SOC_DEV_DMA, .engine = true, .hw_version = 1 },
	[WD_CPU] = { .name = "cpu", .kind = VCM_SOC_DEV_CPU, .nr_bases = 2, .hw_version = 2 },
};

static const struct vcm_soc_memtype w_memtypes[] = {
	{ .pa = W_PA + 2 * MB, .len = 20 * MB, .chunk_sizes = VCM_PHYS_DEFAULT_SIZES },
	{ .pa = W_PA + 22 * MB, .len = 10 * MB, .chunk_sizes = VCM_PHYS_1MB | VCM_PHYS_64KB },
};

const struct vcm_soc_cfg w_soc_cfg = {
	.mem_pa = W_PA, .mem_len = 32 * MB, .table_bytes = W_SOC_TABLE_BYTES,
	.memtypes = w_memtypes, .nr_memtypes = 2,
	.iommus = w_iommus, .nr_iommus = 3,
	.devs = w_devs, .nr_devs = WD_NR,
};

void w_soc(struct world *w)
{
	struct vcm_diag d = { 0 };
	struct vcm_soc_cfg cfg = w_soc_cfg;

	if (w->fine) {
		vcm_hosted_locks_init(&w->locks);
		cfg.locks = &w->locks.ops;
		cfg.diag_slot = vcm_hosted_diag_slot;
	}
	if (vcm_soc_create(&cfg, &w->soc, &d) != 0)
		fail_msg("%s", d.msg);
	w->sys = vcm_soc_sys(w->soc);
	for (unsigned int i = 0; i < WD_NR; i++)
		w->dev[i] = vcm_soc_dev(w->soc, i);
}

static void ok(struct world *w, int ret)
{
	if (ret != 0)
		fail_msg("setup: %d %s", ret, vcm_sys_last_error(w->sys));
}

void w_graph(struct world *w)
{
	static const int devs[] = { WD_V7, WD_V8, WD_S2 };

	w_soc(w);
	ok(w, vcm_create(w->sys, 0x10000000, 256 * MB, &w->v[0]));
	for (unsigned int i = 0; i < 3; i++) {
		ok(w, vcm_assoc(w->v[0], w->dev[devs[i]], 0, &w->a[i]));
		ok(w, vcm_activate(w->a[i]));
	}
}

void w_backed(struct world *w)
{
	w_graph(w);
	ok(w, vcm_alloc(w->sys, 1, 4 * MB, 0, &w->m[0]));
	ok(w, vcm_reserve(w->v[0], 4 * MB, 0, RW, &w->r[0]));
	ok(w, vcm_back(w->r[0], w->m[0]));
}

void w_cpu(struct world *w)
{
	/* associated with the CPU and active from the start */
	ok(w, vcm_create_prebuilt(w->sys, w->dev[WD_CPU], false, &w->v[1]));
}

static void must(int ret, const char *what)
{
	if (ret != 0)
		fail_msg("teardown: %s: %d", what, ret);
}

/* The guest system of calls_nest.c, then its platform: before the host goes. */
static void w_guest_teardown(struct world *w)
{
	for (int i = 3; i >= 0; i--) {
		if (w->gr[i] == NULL)
			continue;
		if (vcm_get_physmem_from_res(w->gr[i]) != NULL)
			must(vcm_unback(w->gr[i]), "vcm_unback (guest)");
		must(vcm_unreserve(w->gr[i]), "vcm_unreserve (guest)");
	}
	for (int i = 1; i >= 0; i--) {
		if (w->ga[i] == NULL)
			continue;
		if (vcm_is_active(w->ga[i]) == 1)
			must(vcm_deactivate(w->ga[i]), "vcm_deactivate (guest)");
		must(vcm_deassoc(w->ga[i]), "vcm_deassoc (guest)");
	}
	for (int i = 1; i >= 0; i--)
		if (w->gv[i] != NULL)
			must(vcm_free(w->gv[i]), "vcm_free (guest)");
	for (int i = 3; i >= 0; i--)
		if (w->gm[i] != NULL)
			must(vcm_free_phys(w->gsys, w->gm[i]), "vcm_free_phys (guest)");
	for (int i = 1; i >= 0; i--)
		if (w->gdev[i] != NULL)
			must(vcm_dev_unregister(w->gdev[i]), "vcm_dev_unregister (guest)");
	if (w->gsys != NULL)
		must(vcm_sys_destroy(w->gsys), "vcm_sys_destroy (guest)");
	if (w->nest != NULL)
		must(vcm_nest_plat_fini(w->nest), "vcm_nest_plat_fini");
}

void w_teardown(struct world *w)
{
	if (w->rfc_teardown != NULL)
		w->rfc_teardown(w);
	if (w->dev_teardown != NULL)
		w->dev_teardown(w);
	w_guest_teardown(w);
	for (int i = 5; i >= 0; i--) {
		if (w->r[i] == NULL)
			continue;
		if (vcm_get_physmem_from_res(w->r[i]) != NULL)
			must(vcm_unback(w->r[i]), "vcm_unback");
		must(vcm_unreserve(w->r[i]), "vcm_unreserve");
	}
	/* what a call made inside a VCM without handing it out (a clone's copies) */
	for (int i = 3; i >= 0; i--) {
		struct vcm_res *r;

		while (w->v[i] != NULL && (r = vcm_get_next_res(w->v[i], NULL)) != NULL) {
			if (vcm_get_physmem_from_res(r) != NULL)
				must(vcm_unback(r), "vcm_unback");
			must(vcm_unreserve(r), "vcm_unreserve");
		}
	}
	for (int i = 1; i >= 0; i--)
		if (w->b[i] != NULL)
			must(vcm_free_bound(w->b[i]), "vcm_free_bound");
	for (int i = 7; i >= 0; i--) {
		if (w->a[i] == NULL)
			continue;
		if (vcm_is_active(w->a[i]) == 1)
			must(vcm_deactivate(w->a[i]), "vcm_deactivate");
		must(vcm_deassoc(w->a[i]), "vcm_deassoc");
	}
	for (int i = 3; i >= 0; i--)
		if (w->v[i] != NULL)
			must(vcm_free(w->v[i]), "vcm_free");
	for (int i = 3; i >= 0; i--)
		if (w->m[i] != NULL)
			must(vcm_free_phys(w->sys, w->m[i]), "vcm_free_phys");
	if (w->extra_dev != NULL)
		must(vcm_dev_unregister(w->extra_dev), "vcm_dev_unregister");
	if (w->soc != NULL)
		must(vcm_soc_destroy(w->soc), "vcm_soc_destroy");
	else if (w->sys != NULL)
		must(vcm_sys_destroy(w->sys), "vcm_sys_destroy");
	if (w->slots != NULL)
		must(vcm_slots_destroy(w->slots), "vcm_slots_destroy");
	if (w->dma != NULL)
		must(vcm_sim_dma_destroy(w->dma), "vcm_sim_dma_destroy");
	if (w->iommu != NULL)
		must(vcm_sim_iommu_destroy(w->iommu), "vcm_sim_iommu_destroy");
	if (w->pt != NULL)
		vcm_pt_destroy(w->pt);
	/* vr[3] is a range of bound vb[0] */
	if (w->vr[3] != NULL)
		must(vcm_vs_unreserve(vcm_vs_bound_space(w->vb[0]), w->vr[3]), "vcm_vs_unreserve");
	for (int i = 2; i >= 0; i--)
		if (w->vr[i] != NULL)
			must(vcm_vs_unreserve(w->vs, w->vr[i]), "vcm_vs_unreserve");
	for (int i = 1; i >= 0; i--)
		if (w->vb[i] != NULL)
			must(vcm_vs_bound_free(w->vs, w->vb[i]), "vcm_vs_bound_free");
	if (w->vs != NULL)
		must(vcm_vs_destroy(w->vs), "vcm_vs_destroy");
	for (int i = 3; i >= 0; i--)
		if (w->pm[i] != NULL)
			must(vcm_phys_free(w->phys, w->pm[i]), "vcm_phys_free");
	if (w->phys != NULL)
		must(vcm_phys_destroy(w->phys), "vcm_phys_destroy");
	if (w->arena != NULL)
		vcm_plat_hosted_arena_delete(w->arena);
	if (w->mem != NULL)
		must(vcm_hosted_mem_destroy(w->mem), "vcm_hosted_mem_destroy");
}
