/* SPDX-License-Identifier: MIT */
/*
 * The page-table mapper: a device whose IOMMU walks tables in one of the
 * vcm_pt formats registers with .mapper = &vcm_mapper_pt and .mapper_cfg
 * pointing at a struct vcm_pt_cfg (fmt, ias, oas, granule_lg2, flags,
 * page_sizes, mair; plat, tlb and tlb_ctx are ignored: the graph gives table
 * memory and invalidates TLBs itself; so is VCM_PT_CFG_POOL in flags: the
 * graph keeps emptied tables until the invalidation that covers them).
 * Devices whose configurations are equal field by field (that flag aside)
 * share one table per VCM. Its hw op fills struct vcm_hw_regs
 * through vcm_pt_hw().
 */
#ifndef VCM_MAPPER_PT_H
#define VCM_MAPPER_PT_H

#include <vcm/dev.h>
#include <vcm/pgtable.h>

#ifdef __cplusplus
extern "C" {
#endif

VCM_API extern const struct vcm_mapper_ops vcm_mapper_pt;

#ifdef __cplusplus
}
#endif

#endif /* VCM_MAPPER_PT_H */
