// SPDX-License-Identifier: MIT
/*
 * Compatible string -> vcmm page-table format. Each fact is the page-table
 * format the named Linux driver hands io-pgtable (or writes itself): a format
 * vcmm speaks gives the name vcm_pt_fmt_name() uses; one it does not is kept
 * with fmt NULL, so the graph shows the IOMMU and a run that needs it stops
 * with a message, never with a guess.
 */
#include <string.h>
#include "topo.h"

const struct dt_compat dt_compat_table[] = {
	/* drivers/iommu/arm/arm-smmu-v3: stage 1 ARM_64_LPAE_S1 (4K/16K/64K) */
	{ "arm,smmu-v3", "armv8", "arm-smmu-v3", NULL },
	/* drivers/iommu/arm/arm-smmu: ARM_64_LPAE_S1/S2 for AArch64 contexts */
	{ "arm,mmu-500", "armv8", "arm-smmu", NULL },
	{ "arm,smmu-v2", "armv8", "arm-smmu", NULL },
	{ "arm,mmu-401", "armv8", "arm-smmu", "AArch32-only contexts use ARM_32_LPAE (same entries)" },
	{ "arm,mmu-400", "armv8", "arm-smmu", "AArch32-only contexts use ARM_32_LPAE (same entries)" },
	{ "arm,smmu-v1", "armv8", "arm-smmu", "AArch32-only contexts use ARM_32_LPAE (same entries)" },
	{ "qcom,smmu-v2", "armv8", "arm-smmu (qcom)", NULL },
	{ "qcom,smmu-500", "armv8", "arm-smmu (qcom)", NULL },
	{ "nvidia,smmu-500", "armv8", "arm-smmu (nvidia)", NULL },
	{ "cavium,smmu-v2", "armv8", "arm-smmu", NULL },
	/* drivers/iommu/msm_iommu.c: ARM_V7S, the MSM System MMU of the 2010 design */
	{ "qcom,apq8064-iommu", "armv7s", "msm_iommu", NULL },
	/* drivers/iommu/mtk_iommu.c: ARM_V7S with MediaTek's extensions */
	{ "mediatek,mt2712-m4u", "armv7s", "mtk_iommu", "MTK_EXT (34-bit output) not modelled" },
	{ "mediatek,mt8167-m4u", "armv7s", "mtk_iommu", "MTK_EXT (34-bit output) not modelled" },
	{ "mediatek,mt8173-m4u", "armv7s", "mtk_iommu", "MTK_EXT (34-bit output) not modelled" },
	{ "mediatek,mt8183-m4u", "armv7s", "mtk_iommu", "MTK_EXT (34-bit output) not modelled" },
	{ "mediatek,mt8192-m4u", "armv7s", "mtk_iommu", "MTK_EXT and TTBR_EXT not modelled" },
	{ "mediatek,mt8195-iommu-infra", "armv7s", "mtk_iommu", "MTK_EXT and TTBR_EXT not modelled" },
	/* drivers/iommu/riscv: Sv39/Sv48/Sv57 first-stage tables */
	{ "riscv,iommu", "riscv", "riscv-iommu", NULL },
	/* the same IOMMU as a PCI function (riscv,iommu.yaml; iommu-pci.c binds it by PCI ID) */
	{ "riscv,pci-iommu", "riscv", "riscv-iommu (pci)", NULL },
	/* formats of their own, which vcmm does not write */
	{ "mediatek,mt2701-m4u", NULL, "mtk_iommu_v1", "a flat table of its own, not ARMv7s" },
	{ "samsung,exynos-sysmmu", NULL, "exynos-iommu", "the Exynos SYSMMU's own two-level format" },
	{ "rockchip,iommu", NULL, "rockchip-iommu", "Rockchip's own two-level format" },
	{ "rockchip,rk3568-iommu", NULL, "rockchip-iommu", "Rockchip's own two-level format" },
	{ "apple,t8103-dart", NULL, "apple-dart", "io-pgtable-dart, Apple's own format" },
	{ "apple,t6000-dart", NULL, "apple-dart", "io-pgtable-dart, Apple's own format" },
	{ "nvidia,tegra30-smmu", NULL, "tegra-smmu", "Tegra's own two-level format" },
	{ "nvidia,tegra124-smmu", NULL, "tegra-smmu", "Tegra's own two-level format" },
	{ "nvidia,tegra210-smmu", NULL, "tegra-smmu", "Tegra's own two-level format" },
	{ "renesas,ipmmu-vmsa", NULL, "ipmmu-vmsa", "ARM_32_LPAE_S1 with 32-bit input: not offered" },
	{ "allwinner,sun50i-h6-iommu", NULL, "sun50i-iommu", "Allwinner's own format" },
	{ "sprd,iommu-v1", NULL, "sprd-iommu", "a flat table of its own" },
	{ "qcom,msm-iommu-v1", NULL, "qcom_iommu", "ARM_32_LPAE_S1 contexts: not offered" },
};

const size_t dt_compat_count = sizeof(dt_compat_table) / sizeof(dt_compat_table[0]);

const struct dt_compat *dt_compat_find(const char *compatible)
{
	for (size_t i = 0; i < dt_compat_count; i++)
		if (strcmp(dt_compat_table[i].compatible, compatible) == 0)
			return &dt_compat_table[i];
	return NULL;
}
