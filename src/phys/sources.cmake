# The phys layer: memory targets and chunk allocation.
set(VCM_PHYS_SOURCES phys.c record.c alloc.c query.c buddy.c stats.c)
set(VCM_PHYS_DEPS util platform)
