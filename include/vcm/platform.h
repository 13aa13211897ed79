/* SPDX-License-Identifier: MIT */
/*
 * The platform layer: how the core layers reach memory. Page-table memory, the
 * physical-to-CPU view of it, cache maintenance for walkers that do not snoop,
 * and small metadata allocations all come through struct vcm_plat_ops, given at
 * create time. Nothing in the core calls malloc or touches a physical address
 * directly.
 *
 * Two implementations ship with vcmm:
 *  - the arena (freestanding): a buddy allocator over memory the caller gives,
 *    with a chosen physical base, for firmware and for building tables that
 *    another agent (QEMU, a device) will load at that address;
 *  - the hosted helpers (Linux user space, include/vcm/hosted.h): an arena on
 *    heap memory, malloc-backed ops, and memfd-backed physical memory whose
 *    ops give tables from an arena inside it and metadata from the heap.
 * And a forwarder (struct vcm_plat_fwd) for a layer that stands between a
 * platform's ops and their users.
 */
#ifndef VCM_PLATFORM_H
#define VCM_PLATFORM_H

#include <vcm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct vcm_plat_ops - what a platform provides to the core layers.
 * @ctx:         passed back as the first argument of every op.
 * @table_alloc: allocate @size bytes of page-table memory aligned to @align
 *               (both powers of two, @size >= 8), zero-filled and visible as
 *               zeros to the table walker. Store its physical address in *@pa
 *               and a CPU pointer in *@cpu. Return 0 or -ENOMEM (the
 *               arena's op: -EINVAL too, for a size of 0 or above 2^62).
 * @table_free:  give back a block from @table_alloc (same @pa, @cpu, @size).
 * @pa_to_cpu:   CPU pointer for a physical address inside a block that
 *               @table_alloc gave; the walker follows table entries with it.
 * @cache_clean: optional (NULL when walkers are coherent): make CPU writes to
 *               [@cpu, @cpu + @len) visible to a walker that does not snoop.
 * @meta_alloc:  allocate @size bytes of CPU-only metadata; NULL on failure.
 * @meta_free:   give back @p from @meta_alloc.
 * @table_free_zero: optional: @table_free for a block its user gives back all
 *               zero, as the walker sees it too (a table whose every entry was
 *               cleared one by one, and cleaned where walkers do not snoop).
 *               The platform may hand it out again without clearing it. NULL:
 *               such blocks go to @table_free like any other. A layer that
 *               wraps another's ops must pass this on through its own wrapper
 *               or leave it NULL, never copy the inner pointer: that would
 *               bypass its @table_free.
 *
 * Context: the ops may be called from any thread that calls into the object
 * that was given them; an implementation shared between objects that run on
 * several threads must lock itself. The arena below does not lock.
 */
struct vcm_plat_ops {
	void *ctx;
	int (*table_alloc)(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu);
	void (*table_free)(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size);
	void *(*pa_to_cpu)(void *ctx, vcm_pa_t pa);
	void (*cache_clean)(void *ctx, void *cpu, size_t len);
	void *(*meta_alloc)(void *ctx, size_t size);
	void (*meta_free)(void *ctx, void *p, size_t size);
	void (*table_free_zero)(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size);
};

/* The arena's smallest block: 1 KiB, the size of an ARMv7 second-level table. */
#define VCM_PLAT_ARENA_MIN_LG2 10U
#define VCM_PLAT_ARENA_MAX_ORDERS 40U

/*
 * struct vcm_plat_arena - a buddy allocator over caller memory. The fields are
 * private; the struct is public only so that firmware can place it without an
 * allocator.
 */
struct vcm_plat_arena {
	uint8_t *cpu;            /* CPU view of the arena */
	vcm_pa_t pa;             /* physical address of cpu[0] */
	uint64_t len;            /* bytes, a multiple of the smallest block */
	uint8_t *order_of;       /* per smallest block: order if a free block starts here */
	uint32_t free_head[VCM_PLAT_ARENA_MAX_ORDERS]; /* block index + 1, 0 = empty */
	uint32_t zero_head[VCM_PLAT_ARENA_MAX_ORDERS]; /* free and known zero, not merged */
	uint64_t free_bytes;
	uint64_t lowest_free_bytes;
	struct vcm_diag diag;
};

/**
 * vcm_plat_arena_init() - make an arena over [@cpu, @cpu + @len).
 * @a:   the arena to set up.
 * @cpu: CPU pointer to the memory; aligned to 1 KiB.
 * @pa:  physical address of @cpu[0] as table walkers see it; aligned to 1 KiB.
 * @len: bytes; at least 2 KiB. The first len/1024 bytes (rounded up to 1 KiB)
 *       hold the arena's bookkeeping and are not handed out.
 *
 * Blocks are aligned to their size in physical address terms, so a 16 KiB table
 * is at a 16 KiB-aligned physical address whatever @pa is.
 *
 * Return: 0; -EINVAL if @a or @cpu is NULL or @cpu/@pa is misaligned; -ERANGE
 * if @len is too small (below 2 KiB, or nothing left after the bookkeeping),
 * 4 TiB - 1 KiB or more, or @pa + @len wraps. The message is in @a->diag.
 */
VCM_API int vcm_plat_arena_init(struct vcm_plat_arena *a, void *cpu, vcm_pa_t pa, uint64_t len);

/**
 * vcm_plat_arena_ops() - fill @ops with the arena's operations: tables and
 * metadata both come from the arena; cache_clean is NULL (coherent).
 *
 * A block given back through table_free_zero is kept, unmerged, on a list of
 * zero blocks of its size, and the next table of that size is taken from
 * there without clearing it: an emptied table is already zero, and clearing
 * it again on the way back out would cost a write to every cache line of
 * memory that is usually cold by then. When no block is large enough, the
 * zero lists go back into the buddy system first. A freestanding build keeps
 * no zero lists (table_free_zero is NULL): firmware images have a size budget.
 */
VCM_API void vcm_plat_arena_ops(struct vcm_plat_arena *a, struct vcm_plat_ops *ops);

/** vcm_plat_arena_free_bytes() - bytes not handed out. */
VCM_API uint64_t vcm_plat_arena_free_bytes(const struct vcm_plat_arena *a);

/**
 * vcm_plat_arena_check_() - whole-structure validator for tests: every free
 * list is well formed, every block on a zero list is zero but for its link,
 * and the free bytes add up. Return: 0 or -EFAULT.
 */
VCM_API int vcm_plat_arena_check_(const struct vcm_plat_arena *a);

/**
 * vcm_plat_arena_pa_to_cpu() - CPU pointer for physical address @pa inside the
 * arena, or NULL when @pa is outside it.
 */
VCM_API void *vcm_plat_arena_pa_to_cpu(const struct vcm_plat_arena *a, vcm_pa_t pa);

/**
 * struct vcm_sys_lock - a lock as a pair of calls: how a platform serialises
 * the graph's public calls (struct vcm_sys_cfg).
 * @lock:   take it (not recursive: the graph never takes it twice).
 * @unlock: release it.
 * @ctx:    their argument.
 */
struct vcm_sys_lock {
	void (*lock)(void *ctx);
	void (*unlock)(void *ctx);
	void *ctx;
};

/*
 * The ranks of the graph's finer locks (struct vcm_lock_ops), in the order a
 * thread may take them: a lock is only taken while every lock the thread holds
 * has a lower rank (docs/graph.md "Locking").
 */
enum vcm_lock_rank {
	VCM_LOCK_SYS,   /* the system: shared by calls inside one VCM, else exclusive */
	VCM_LOCK_VCM,   /* one VCM: its ranges, instances and tables */
	VCM_LOCK_DEV,   /* device ops (TLB invalidation) of the system */
	VCM_LOCK_RMAP,  /* a shard of the reverse map and its allocations' user lists */
	VCM_LOCK_SLOT_CACHE, /* a thread's cache of reservation handles */
	VCM_LOCK_SLOTS, /* the handle pools */
	VCM_LOCK_PLAT,  /* the platform ops given to the system */
	VCM_LOCK_NR
};

/**
 * struct vcm_lock_ops - the graph's finer locks (struct vcm_sys_cfg.locks):
 * a reader-writer lock for the system, one lock per VCM and short leaf
 * locks, so that calls in different VCMs run at once.
 * @create:  a new unlocked lock of @rank (@name says which, for messages);
 *           @rw: it is taken shared as well as exclusive. NULL on failure.
 * @destroy: free an unlocked lock from @create.
 * @lock:    take @l, shared if @shared (only for an @rw lock).
 * @unlock:  release @l, taken with the same @shared.
 * @self:    optional: a small number for the calling thread (0, 1, ...),
 *           with which a VCM's range cache gives each thread its own
 *           magazines (vcm_vs_cache_set_local()).
 * @ctx:     their first argument.
 * @flags:   VCM_LOCKS_PLAT_SAFE: the system's platform ops may be called
 *           from several threads at once (they lock themselves, as the
 *           hosted memory's do), so no VCM_LOCK_PLAT lock is made.
 *
 * An implementation may check the order of the ranks (the hosted one does).
 */
struct vcm_lock_ops {
	void *(*create)(void *ctx, enum vcm_lock_rank rank, const char *name, bool rw);
	void (*destroy)(void *ctx, void *l);
	void (*lock)(void *ctx, void *l, bool shared);
	void (*unlock)(void *ctx, void *l, bool shared);
	uint32_t (*self)(void *ctx);
	void *ctx;
	unsigned int flags;
};

#define VCM_LOCKS_PLAT_SAFE 0x1U

/**
 * struct vcm_plat_fwd - platform ops that pass every call on to another set:
 * how a layer stands between a platform and its users to watch, divert or
 * serialise table memory and leave the rest alone (the graph's table stash
 * per mapper instance, hosted memory's arena behind its lock, a tool that
 * counts table bytes). vcm_plat_fwd_ops() makes the ops to hand out.
 * @to:          where the calls go.
 * @lock:        optional: held around each table_alloc / table_free passed
 *               on to @to (by the ops or by the pass-on calls below).
 * @table_alloc: optional: runs in place of passing table_alloc on; it may
 *               pass it on itself with vcm_plat_fwd_table_alloc(). The owner
 *               finds itself from @f (the struct is meant to be embedded).
 * @table_free:  optional: likewise for table_free (vcm_plat_fwd_table_free()),
 *               and for table_free_zero too when @table_free_zero is NULL:
 *               the block then goes on as an ordinary one.
 * @table_free_zero: optional: likewise for table_free_zero
 *               (vcm_plat_fwd_table_free_zero()). A freestanding build passes
 *               no table_free_zero on (its arena keeps no zero lists).
 */
struct vcm_plat_fwd {
	const struct vcm_plat_ops *to;
	const struct vcm_sys_lock *lock;
	int (*table_alloc)(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
			   void **cpu);
	void (*table_free)(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size);
	void (*table_free_zero)(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size);
};

/**
 * vcm_plat_fwd_ops() - fill @ops with calls that go through @f (@ops->ctx is
 * @f, which must outlive them). An op @f->to lacks stays NULL, so the layers
 * below see the same gaps; the caller may replace an op afterwards.
 */
VCM_API void vcm_plat_fwd_ops(struct vcm_plat_fwd *f, struct vcm_plat_ops *ops);

/* Pass a table call on to @f->to (under @f->lock), for @f's hooks. */
VCM_API int vcm_plat_fwd_table_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align,
				     vcm_pa_t *pa, void **cpu);
VCM_API void vcm_plat_fwd_table_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size);
/* ... a zero block: to @f->to's table_free_zero, or its table_free if it has none. */
VCM_API void vcm_plat_fwd_table_free_zero(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu,
					  uint64_t size);

/**
 * struct vcm_plat_inject - fault injection for tests: one point that every
 * allocation of the library's own platforms goes through (table memory and
 * metadata of the arena and the hosted ops, physical memory handed out by a
 * memtype, and the hosted memory's memfd_create, ftruncate, mmap and heap
 * calls).
 * @alloc: asked before each allocation with a short name of what it is
 *         ("table memory", "metadata", "physical memory", "mmap", ...);
 *         true makes that allocation fail as if the resource were short.
 * @free:  optional: told when a block counted by @alloc goes back (table
 *         memory and metadata), so a test can count what is live.
 * @ctx:   their first argument.
 */
struct vcm_plat_inject {
	bool (*alloc)(void *ctx, const char *site);
	void (*free)(void *ctx, const char *site);
	void *ctx;
};

/**
 * vcm_plat_inject_set_() - install @inj for the whole process (NULL: none,
 * the default). The struct is copied. A test hook: call it while no other
 * thread is inside the library.
 */
VCM_API void vcm_plat_inject_set_(const struct vcm_plat_inject *inj);

/*
 * The sites' side: vcm_plat_inject_fail_() is true when the installed hook
 * wants this allocation of @site to fail; vcm_plat_inject_free_() reports a
 * block of @site given back. Both do nothing without a hook. A freestanding
 * build (firmware) has no hook at all: the sites compile to nothing and the
 * image keeps no mutable state (no .data, no .bss).
 */
#if __STDC_HOSTED__
VCM_API bool vcm_plat_inject_fail_(const char *site);
VCM_API void vcm_plat_inject_free_(const char *site);
#else
static inline bool vcm_plat_inject_fail_(const char *site)
{
	(void)site;
	return false;
}

static inline void vcm_plat_inject_free_(const char *site)
{
	(void)site;
}
#endif

#ifdef __cplusplus
}
#endif

#endif /* VCM_PLATFORM_H */
