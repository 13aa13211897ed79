# The device layer: what every device backend shares (include/vcm/dev.h).
set(VCM_DEV_SOURCES fault.c)
set(VCM_DEV_DEPS util platform)
