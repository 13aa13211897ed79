set(VCM_PLATFORM_SOURCES arena.c fwd.c)
set(VCM_PLATFORM_DEPS util)
