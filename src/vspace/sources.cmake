# The vspace layer: range allocation (see issue "Range and physical-memory allocators").
set(VCM_VSPACE_SOURCES)
set(VCM_VSPACE_DEPS util)
