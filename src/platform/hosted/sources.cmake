set(VCM_HOSTED_SOURCES hosted_arena.c hosted_heap.c)
set(VCM_HOSTED_DEPS platform)
