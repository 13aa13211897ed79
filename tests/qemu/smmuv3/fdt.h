/* SPDX-License-Identifier: MIT */
/*
 * The few facts the image needs from the device tree QEMU's virt machine
 * hands a bare-metal guest at the start of RAM: where the SMMUv3 and the PCIe
 * ECAM are, the 32-bit memory window of the PCIe host, and how requester IDs
 * become StreamIDs (its iommu-map). A small read-only walk of the flattened
 * tree (Devicetree Specification v0.4, chapter 5), not a general parser: it
 * reads nodes directly under the root only, as virt places these two.
 */
#ifndef VCM_TESTS_QEMU_SMMUV3_FDT_H
#define VCM_TESTS_QEMU_SMMUV3_FDT_H

#include <stdint.h>

struct virt_hw {
	uint64_t smmu;       /* reg of the "arm,smmu-v3" node */
	uint64_t ecam;       /* reg of the "pci-host-ecam-generic" node */
	uint64_t mmio32;     /* its 32-bit non-prefetchable memory window (ranges) */
	uint64_t mmio32_len;
	uint32_t rid_base;   /* iommu-map: requester IDs rid_base .. + map_len - 1 */
	uint32_t sid_base;   /* become StreamIDs sid_base .. */
	uint32_t map_len;
};

/*
 * Fill @hw from the tree at @blob. Return 0, or a negative number naming what
 * was missing: -1 no tree (bad magic or version), -2 no SMMUv3 node, -3 no
 * ECAM node, -4 no 32-bit window, -5 no iommu-map pointing at the SMMUv3.
 */
int fdt_virt_hw(const void *blob, struct virt_hw *hw);

#endif
