# The vspace layer: range allocation inside an address space (docs/vspace.md).
set(VCM_VSPACE_SOURCES vspace.c vs_tree.c slab.c bound.c vs_check.c cache.c)
set(VCM_VSPACE_DEPS util platform)
