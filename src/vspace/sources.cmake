# The vspace layer: range allocation inside an address space (docs/vspace.md).
set(VCM_VSPACE_SOURCES vspace.c tree.c slab.c bound.c check.c cache.c)
set(VCM_VSPACE_DEPS util platform)
