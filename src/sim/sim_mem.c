// SPDX-License-Identifier: MIT
/*
 * The part of create that the IOMMU model and the DMA engine share: check the
 * platform and memory-access fields of their cfg, pick how physical memory is
 * reached, keep a copy of the name. Non-goals: anything after create.
 */
#include "sim_internal.h"

static void *plat_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	const struct vcm_plat_ops *plat = ctx;

	return plat->pa_to_cpu(plat->ctx, pa);
}

int sim_check_mem_(const struct vcm_plat_ops *plat, sim_pa_to_cpu_fn *pa_to_cpu, struct vcm_diag *diag)
{
	if (plat == NULL || plat->meta_alloc == NULL || plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL,
				"cfg->plat is NULL or has no meta_alloc/meta_free");
	if (pa_to_cpu == NULL && plat->pa_to_cpu == NULL)
		return VCM_ERR(diag, -EINVAL,
				"cfg->pa_to_cpu and cfg->plat->pa_to_cpu are NULL");
	return 0;
}

void sim_mem_init_(const struct vcm_plat_ops *plat, sim_pa_to_cpu_fn *cfg_pa_to_cpu,
		   void *cfg_ctx, sim_pa_to_cpu_fn **pa_to_cpu, void **mem_ctx)
{
	if (cfg_pa_to_cpu != NULL) {
		*pa_to_cpu = cfg_pa_to_cpu;
		*mem_ctx = cfg_ctx;
	} else {
		*pa_to_cpu = plat_pa_to_cpu;
		*mem_ctx = (void *)(uintptr_t)plat; /* read only through its ops */
	}
}

void sim_copy_name_(char *dst, size_t size, const char *src)
{
	for (size_t i = 0; src != NULL && src[i] != '\0' && i < size - 1U; i++)
		dst[i] = src[i];
}
