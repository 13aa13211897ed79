# SPDX-License-Identifier: MIT
# QEMU's virt machine with an SMMUv3 dumps its device tree; vcm graph --dtb
# must find the SMMUv3 (armv8) with the PCIe host's requester IDs behind it
# and the virtio-mmio masters without an IOMMU.   VCM QEMU OUT
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
execute_process(COMMAND ${QEMU} -machine virt,iommu=smmuv3,dumpdtb=${OUT}/virt.dtb
  -cpu cortex-a57 -nographic -nic none RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET TIMEOUT 60)
if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/virt.dtb)
  message(FATAL_ERROR "qemu did not dump its device tree (exit ${rc})")
endif()
execute_process(COMMAND ${VCM} graph --dtb ${OUT}/virt.dtb --out ${OUT}
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
foreach(want "iommu /smmuv3@9050000 (arm,smmu-v3): armv8, 1 master"
             "master /pcie@10000000, RIDs 0..0xffff -> IDs 0..0xffff"
             "master /virtio_mmio@a000000")
  string(FIND "${out}" "${want}" at)
  if(NOT rc EQUAL 0 OR at EQUAL -1)
    message(FATAL_ERROR "vcm graph --dtb on QEMU's virt tree: exit ${rc}, lacks \"${want}\"")
  endif()
endforeach()
# The picture: the 32 virtio-mmio transports folded into one node of the
# one-to-one cluster, and memory outside that cluster (an edge written inside
# a cluster would pull the memory node into it).
file(READ ${OUT}/graph.dot dot)
string(FIND "${dot}" "label=\"virtio,mmio x32\\n/virtio_mmio@a000000 ..\\n/virtio_mmio@a003e00\"" fold)
string(FIND "${dot}" "subgraph cluster_direct" cl)
string(FIND "${dot}" "  m1 -> mem;" edge)
string(FIND "${dot}" "    m1 -> mem;" inside)
if(fold EQUAL -1 OR cl EQUAL -1 OR edge EQUAL -1 OR NOT inside EQUAL -1)
  message(FATAL_ERROR "graph.dot of QEMU's virt tree: virtio-mmio not folded into one node "
    "outside-edged in the one-to-one cluster:\n${dot}")
endif()
