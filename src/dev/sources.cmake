# The device layer: what every device backend shares (include/vcm/dev.h,
# mmio.h), and the backends for real IOMMUs, one file each.
set(VCM_DEV_SOURCES fault.c mmio.c)
set(VCM_DEV_DEPS util platform)
list(APPEND VCM_DEV_SOURCES smmuv3.c smmuv3_evtq.c)
list(APPEND VCM_DEV_SOURCES vtd.c vtd_inv.c vtd_fault.c)
list(APPEND VCM_DEV_SOURCES amdvi.c)
