set(VCM_HOSTED_SOURCES hosted_arena.c hosted_heap.c hosted_mem.c hosted_meta.c cpu_mapper.c hosted_lock.c
    hosted_locks.c)
set(VCM_HOSTED_DEPS platform dev)
