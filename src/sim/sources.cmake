set(VCM_SIM_SOURCES iommu.c iotlb.c walk_v7s.c walk_v8.c dma.c sim_mem.c)
set(VCM_SIM_DEPS util platform dev)
