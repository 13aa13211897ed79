/* SPDX-License-Identifier: MIT */
/*
 * Hosted (Linux user space) helpers: an arena platform on anonymous memory and
 * heap-backed ops for tests, tools and benchmarks; memfd-backed physical
 * memory shared by page tables, buffers and the CPU; and the CPU mapper that
 * maps that memory into the process; a pthread mutex as a system lock. Not
 * part of the freestanding core.
 */
#ifndef VCM_HOSTED_H
#define VCM_HOSTED_H

#include <pthread.h>
#include <vcm/platform.h>
#include <vcm/dev.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * vcm_plat_hosted_arena_new() - map @len bytes of anonymous memory and make an
 * arena over it that pretends to live at physical address @pa. Only the pages
 * tables touch take memory.
 * @len: bytes, a multiple of 1 KiB, at least 2 KiB.
 * @pa:  physical base, aligned to 1 KiB.
 *
 * Return: the arena, or NULL on bad arguments or when memory is short.
 */
VCM_API struct vcm_plat_arena *vcm_plat_hosted_arena_new(uint64_t len, vcm_pa_t pa);

/** vcm_plat_hosted_arena_delete() - free an arena from vcm_plat_hosted_arena_new(). */
VCM_API void vcm_plat_hosted_arena_delete(struct vcm_plat_arena *a);

/**
 * vcm_plat_hosted_heap_ops() - platform ops on the C heap: malloc'd metadata,
 * and table memory whose physical address is its host address (pa_to_cpu is
 * the identity). Stateless; @ops->ctx is NULL.
 */
VCM_API void vcm_plat_hosted_heap_ops(struct vcm_plat_ops *ops);

/*
 * Hosted physical memory: one memfd-backed region that plays the machine's
 * RAM at a chosen physical base. Page tables and buffers both live in it, so a
 * walker that reads physical memory at a table's address sees the real table
 * bytes, and the CPU mapper maps the very same pages into the process.
 * Linux only (memfd_create). See docs/platform.md.
 */
struct vcm_hosted_mem;

/**
 * vcm_hosted_mem_create() - make [@pa, @pa + @len) of hosted physical memory.
 * @pa:          physical base, aligned to 2 MiB.
 * @len:         bytes, a nonzero multiple of 2 MiB.
 * @table_bytes: the first @table_bytes of the region (a multiple of 2 MiB,
 *               less than @len; 0 for no table arena) are the page-table
 *               arena; the rest is left for memtypes (vcm_hosted_mem_free_range()).
 *               The arena keeps 1/1024 of it for its own bookkeeping.
 * @out:         receives the memory; NULL on failure.
 * @diag:        receives the message on failure (may be NULL).
 *
 * The memory is zero-filled. Two windows of process address space, each as
 * large as the region and at least 64 MiB, are reserved with no access for the
 * CPU mapper (vcm_hosted_cpu_mapper's range op); 1 GiB aligned when there is
 * room.
 *
 * Return: 0; -EINVAL @out NULL, misaligned @pa, @len or @table_bytes, @len 0;
 * -ERANGE @table_bytes >= @len, or sizes the process or the arena cannot
 * hold; -EOVERFLOW @pa + @len wraps; -EOPNOTSUPP a host page size that does
 * not divide 2 MiB; -ENOMEM memfd, mmap or malloc failed. Nothing is left
 * behind on failure.
 */
VCM_API int vcm_hosted_mem_create(vcm_pa_t pa, uint64_t len, uint64_t table_bytes,
				  struct vcm_hosted_mem **out, struct vcm_diag *diag);
/**
 * vcm_hosted_mem_destroy() - unmap and close everything; NULL ignored.
 * Return: 0; -EBUSY while CPU mapper instances over the memory are live (the
 * memory is left as it was).
 */
VCM_API int vcm_hosted_mem_destroy(struct vcm_hosted_mem *mem);
/**
 * vcm_hosted_mem_reset() - make the table arena as create left it, for a new
 * system over the same memory: one memory for a long run of short systems
 * (a fuzzer, a test loop) pays for faulting its pages in once, not per
 * system. Buffer bytes and table bytes are left as they are (a table block
 * is cleared when handed out, as always), so the memory is no longer
 * zero-filled.
 * Return: 0; -EINVAL @mem NULL; -EBUSY while a table block is allocated or a
 * CPU mapper instance over the memory is live (nothing changed).
 */
VCM_API int vcm_hosted_mem_reset(struct vcm_hosted_mem *mem);
/**
 * vcm_hosted_mem_plat() - platform ops over the memory: tables from its arena
 * (locked, so objects on several threads may share it), metadata from the
 * heap, pa_to_cpu for every address of the region (tables and buffers alike;
 * NULL outside it), no cache_clean (coherent). Valid until destroy.
 * Return: the ops; NULL if @mem is NULL.
 */
VCM_API const struct vcm_plat_ops *vcm_hosted_mem_plat(struct vcm_hosted_mem *mem);
/** vcm_hosted_mem_cpu() - CPU pointer to physical address @pa, NULL outside. */
VCM_API void *vcm_hosted_mem_cpu(struct vcm_hosted_mem *mem, vcm_pa_t pa);
/**
 * vcm_hosted_mem_free_range() - the part of the region after the table arena,
 * [pa + table_bytes, pa + len): what memtypes may hand out. Either pointer may
 * be NULL; a NULL @mem gives 0 and 0.
 */
VCM_API void vcm_hosted_mem_free_range(const struct vcm_hosted_mem *mem, vcm_pa_t *pa,
				       uint64_t *len);
/**
 * vcm_hosted_mem_fd() - the memfd (offset = pa - base), for handing the memory
 * to another process or an emulator. Still owned by @mem: do not close it.
 * Return: the descriptor; -EINVAL if @mem is NULL.
 */
VCM_API int vcm_hosted_mem_fd(const struct vcm_hosted_mem *mem);

/*
 * The hosted CPU mapper (struct vcm_mapper_ops, include/vcm/dev.h), with a
 * struct vcm_hosted_mem as its ctx. Its prebuilt VCMs are the memory's two
 * windows of process address space (range op: kernel or user view), reserved
 * with no access; backing maps the memfd at the chunks' offsets there
 * (MAP_FIXED | MAP_SHARED), so vcm_get_dev_addr() of a CPU reservation is a
 * pointer to the bytes the devices see; unbacking puts the no-access mapping
 * back, and a later access faults (SIGSEGV).
 *
 * create: [start, start + len) page aligned, inside one window, not overlapping
 *         another live instance (-EBUSY); dev_cfg and plat are not used.
 * map:    da, pa, len page aligned (host page size), len != 0; da range inside
 *         the instance and pa range inside the memory (-ERANGE), neither
 *         wrapping (-EOVERFLOW); prot must have VCM_PT_PROT_READ and not
 *         VCM_PT_PROT_SECURE (-EOPNOTSUPP); READ/WRITE/EXEC become PROT_*, the
 *         other attributes are only recorded; -EEXIST over a mapped page.
 *         All or nothing.
 * unmap:  every page of the range must be mapped (-ENOENT naming the first
 *         hole, nothing changed); may cover several maps or part of one.
 * lookup: from the mapper's own record: pa and the prot given to map.
 * page_sizes: the host page size only. hw: none. compatible: always.
 * Context: one thread per instance at a time; create and destroy lock the
 * memory object.
 */
VCM_API extern const struct vcm_mapper_ops vcm_hosted_cpu_mapper;

/**
 * struct vcm_hosted_lock - a system lock (struct vcm_sys_lock) on a pthread
 * mutex, for hosted programs that share one system between threads.
 * @mutex: the mutex (default attributes: not recursive, as the graph needs).
 * @lock:  the pair of calls to give vcm_sys_create() (cfg.lock = &l->lock);
 *         its ctx points at @mutex.
 *
 * The system copies @lock, but the mutex stays here: keep the struct alive,
 * and in place, until vcm_sys_destroy() has returned.
 */
struct vcm_hosted_lock {
	pthread_mutex_t mutex;
	struct vcm_sys_lock lock;
};

/**
 * vcm_hosted_lock_init() - initialise @l's mutex and fill @l->lock.
 * Return: 0; -EINVAL @l is NULL; otherwise the negated error of
 * pthread_mutex_init() (-ENOMEM, -EAGAIN), with @l left unusable.
 */
VCM_API int vcm_hosted_lock_init(struct vcm_hosted_lock *l);
/**
 * vcm_hosted_lock_fini() - destroy the mutex of an unlocked @l after the
 * system that used it is gone; NULL ignored.
 */
VCM_API void vcm_hosted_lock_fini(struct vcm_hosted_lock *l);

/**
 * struct vcm_hosted_locks - the graph's finer locks (cfg.locks = &set->ops):
 * lock words that spin briefly, then yield (the system lock one word per
 * reader slot), and every take checked against the order of the ranks (enum
 * vcm_lock_rank) the calling thread already holds.
 * @ops:       what to give vcm_sys_create(); its ctx is this struct, which
 *             must outlive the systems using it.
 * @violation: optional: told of an out-of-order take ("lock order: taking
 *             <lock> (rank r) while holding <lock> (rank r)"), after which
 *             the lock is taken anyway. NULL (the default): the message goes
 *             to stderr and the process aborts.
 * @arg:       @violation's first argument.
 */
struct vcm_hosted_locks {
	struct vcm_lock_ops ops;
	void (*violation)(void *arg, const char *msg);
	void *arg;
};

/** vcm_hosted_locks_init() - fill @set (NULL ignored): ops, no hook. */
VCM_API void vcm_hosted_locks_init(struct vcm_hosted_locks *set);

/**
 * vcm_hosted_diag_slot() - a thread-local record for vcm_sys_cfg.diag_slot
 * (one per thread, shared by every system the thread calls); @ctx unused.
 * Finer locks need one.
 */
VCM_API struct vcm_diag *vcm_hosted_diag_slot(void *ctx);

#ifdef __cplusplus
}
#endif

#endif /* VCM_HOSTED_H */
