# The phys layer: memory targets and chunk allocation.
set(VCM_PHYS_SOURCES)
set(VCM_PHYS_DEPS util)
