set(VCM_HOSTED_SOURCES hosted_arena.c)
set(VCM_HOSTED_DEPS platform)
