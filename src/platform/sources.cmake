set(VCM_PLATFORM_SOURCES arena.c fwd.c inject.c)
set(VCM_PLATFORM_DEPS util)
