/* SPDX-License-Identifier: MIT */
/*
 * Internals of the graph layer, shared by its files only.
 *
 * Every object a user holds (device, VCM, reservation, bound, association,
 * physical allocation) is a slot of a per-system pool (handle.c). Slots are
 * never given back to the platform before vcm_sys_destroy(): a freed handle
 * still points at memory of the system, and the handle carries the slot's
 * generation, so using it is -EINVAL rather than a use-after-free, even once
 * the slot holds a newer object. Dead slots are reused oldest first.
 *
 * Tables are derived state: a VCM's reservations (and the rmap extents of
 * the backed ones) are the record; each mapper instance of the VCM is kept
 * equal to it by back, unback, associate and migrate. The reservations are
 * kept once, as the ranges of the VCM's vcm_vs (each range's owner is its
 * reservation, or its bound, whose space holds the bound's reservations).
 *
 * Locking (docs/graph.md "Locking"): one lock per system (struct
 * vcm_sys_lock in the cfg), taken by every public call; or, with finer locks
 * (cfg->locks, sys->fine), the system lock as a reader-writer lock, taken
 * exclusive by calls that change the graph's shape and shared, with the VCM's
 * own lock, by calls inside one VCM (gobj_lock_vcm_), and leaf locks for what
 * those share (leaf_lock_). Helpers whose name ends in _locked expect the
 * system held exclusive, or shared with their VCM's lock.
 */
#ifndef VCM_GRAPH_INTERNAL_H
#define VCM_GRAPH_INTERNAL_H

#include <errno.h>
#include <vcm/vcm.h>
#include <vcm/vspace.h>
#include <vcm/err.h>
#include "../util/bits.h"
#include "../util/assert.h"
#include "../util/fail.h"

#define GRAPH_PAGE UINT64_C(0x1000)
/* With finer locks: range-cache magazine sets per VCM (threads share them
 * modulo this). */
#define GRAPH_CACHE_LOCAL 8U

/* Byte helpers: the compiler may turn these into memset/memcpy calls, which
 * every build (freestanding ones too) supplies. */
static inline void graph_zero(void *p, size_t n)
{
	__builtin_memset(p, 0, n);
}

/* ---- intrusive lists (circular, with a head node) ------------------------ */

struct glist {
	struct glist *prev;
	struct glist *next;
};

#define GRAPH_CONTAINER(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

static inline void glist_init(struct glist *h)
{
	h->prev = h;
	h->next = h;
}

static inline bool glist_empty(const struct glist *h)
{
	return h->next == h;
}

static inline void glist_add_tail(struct glist *h, struct glist *n)
{
	n->prev = h->prev;
	n->next = h;
	h->prev->next = n;
	h->prev = n;
}

static inline void glist_del(struct glist *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n;
	n->next = n;
}

#define glist_for_each(pos, head) for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

/* ---- interval tree (tree.c) ----------------------------------------------- */

/*
 * An AVL tree of intervals [key, last] ordered by (key, node address), each
 * node augmented with the largest last of its subtree, so that every interval
 * containing a point is found in O(log n) per answer.
 */
struct gtree_node {
	struct gtree_node *left;
	struct gtree_node *right;
	struct gtree_node *parent;
	uint64_t key;
	uint64_t last;
	uint64_t max_last;
	int height;
};

struct gtree {
	struct gtree_node *root;
	uint64_t count;
};

void gtree_insert_(struct gtree *t, struct gtree_node *n);
void gtree_remove_(struct gtree *t, struct gtree_node *n);
struct gtree_node *gtree_first_(const struct gtree *t);
struct gtree_node *gtree_next_(const struct gtree_node *n);
/*
 * A batch of @n nodes in tree order (each before the next): node i is at
 * @base + @order[i] * @stride. For the extents of one reservation.
 */
struct gtree_batch {
	char *base;
	size_t stride;
	const uint32_t *order;
	uint64_t n;
};

/* Add every node of @b (none in @t yet): O(m log(n / m + 1)) for m nodes. */
void gtree_insert_batch_(struct gtree *t, const struct gtree_batch *b);
/* Remove every node of @b (all in @t). */
void gtree_remove_batch_(struct gtree *t, const struct gtree_batch *b);
/* The last node with key <= @key (for trees of disjoint intervals). */
struct gtree_node *gtree_floor_(const struct gtree *t, uint64_t key);
/* The first node after @after (NULL: from the start), in tree order, whose
 * interval meets [@lo, @hi]. */
struct gtree_node *gtree_overlap_next_(const struct gtree *t, uint64_t lo, uint64_t hi,
				       const struct gtree_node *after);
/* Order, balance, parent links, augmentation, count. 0 or -EFAULT. */
int gtree_check_(const struct gtree *t);

/* ---- handles (handle.c) --------------------------------------------------- */

enum graph_kind { GK_DEV, GK_VCM, GK_RES, GK_BOUND, GK_AVCM, GK_MEM, GK_NR };

#define GRAPH_MAGIC_SYS  0x76637379U /* "vcsy" */
#define GRAPH_MAGIC_BASE 0x67720000U /* + kind + 1 while live */
#define GRAPH_MAGIC_DEAD 0x67726464U
#define GRAPH_MAGIC_RETIRED 0x67727274U /* dead for good: generations ran out */

/*
 * The first member of every handle struct. @sys never changes while the
 * system lives (a slot store moves the slot to the next system, handle.c).
 * @gen counts the slot's lives; the handle a user holds carries it (handle.c),
 * so a handle of an earlier life never names the slot's current object.
 */
struct gobj {
	uint32_t magic;
	uint32_t gen;
	struct vcm_sys *sys;
	struct gobj *free_next;
	/* the VCM of a VCM, reservation or bound (else NULL): with finer locks
	 * read before any VCM is locked, so it, @magic and @gen are written
	 * with atomic stores and read there with atomic loads (handle.c) */
	struct vcm *owner;
};

struct gslab;
struct vcm_slots;
struct gpool {
	size_t size;
	uint32_t next_n;
	/* lives a slot may have before it is retired; 0: as many as the handle
	 * can tell apart. Tests lower it to reach retirement quickly. */
	uint32_t gen_cap;
	struct gslab *slabs;
	struct gobj *free_head; /* dead slots, oldest first */
	struct gobj *free_tail;
	uint64_t live;          /* slots off the free list: in use or in a thread's cache */
	uint64_t retired;       /* slots whose generations ran out: never reused */
};

static inline uint32_t graph_magic(enum graph_kind k)
{
	return GRAPH_MAGIC_BASE + (uint32_t)k + 1U;
}

/*
 * Objects and handles. Inside the library every pointer is the object itself;
 * what a public call hands out is gobj_handle_(obj), and what it takes is
 * turned back into the object once, at its head (gobj_lock_, gobj_ok_,
 * gobj_take_), which also proves the handle current.
 */
void *gobj_alloc_(struct vcm_sys *sys, enum graph_kind k);
/* The slot's generation moves on: handles of @obj are stale from now on. */
void gobj_free_(struct vcm_sys *sys, enum graph_kind k, void *obj);
/* Slabs of every pool: metadata the handles keep until vcm_sys_destroy() (for tests). */
unsigned long gobj_slabs_(const struct vcm_sys *sys);
/*
 * The pools' slabs: given back to the platform, or, for a system made with
 * cfg->slots, handed to that store with their generations (gpool_adopt_()
 * takes them up again in the next system).
 */
void gpool_fini_(struct vcm_sys *sys);
/* Take the slabs @slots holds as @sys's pools (vcm_sys_create()); -EBUSY in use. */
int gpool_adopt_(struct vcm_sys *sys, struct vcm_slots *slots);
/* The handle of live @obj (NULL for NULL): what the user is given. */
void *gobj_handle_(const void *obj);
/* The slot a handle names (NULL for NULL), without any check. */
void *gobj_slot_(const void *handle);
/* Is internal pointer @obj a live object of kind @k? */
static inline bool gobj_live(const void *obj, enum graph_kind k)
{
	return obj != NULL && ((const struct gobj *)obj)->magic == graph_magic(k);
}
/*
 * The lock-free accessors' check (fields that never change): is the handle at
 * @handlep (a pointer to the caller's handle variable) a current handle of
 * kind @k in a live system? If so the variable is replaced by the object.
 */
bool gobj_ok_(void *handlep, enum graph_kind k);
/*
 * A second handle of a call that holds @sys locked: if the handle at
 * @handlep is a current handle of kind @k of @sys, the variable is replaced
 * by the object and true returned; else it is left as it was (the caller
 * records the message).
 */
bool gobj_take_(void *handlep, enum graph_kind k, const struct vcm_sys *sys);
/*
 * The head of a public call on the handle at @handlep (a pointer to the
 * caller's handle variable) of kind @k: its system, locked, with the variable
 * replaced by the object; or NULL with *@ret = -EINVAL and the variable left
 * as it was. @fn, the public call, is entered in the system's record
 * (sys_diag_()), so everything GERR() records until the call returns carries
 * it. A stale handle of a live system also records "@fn: @what is not a live
 * <kind>". With @fn NULL (calls that record nothing) neither happens.
 */
struct vcm_sys *gobj_lock_(void *handlep, enum graph_kind k, const char *what, const char *fn,
			   int *ret);

void *meta_alloc_(struct vcm_sys *sys, size_t size);
void meta_free_(struct vcm_sys *sys, void *p, size_t size);

/* dev_names.c */
struct vcm_dev *dev_names_find_(struct vcm_sys *sys, const char *name);
void dev_names_add_(struct vcm_sys *sys, struct vcm_dev *dev);
void dev_names_del_(struct vcm_sys *sys, struct vcm_dev *dev);
/* The system, exclusive (a call that may change the graph's shape). */
void sys_lock_(struct vcm_sys *sys);
void sys_unlock_(struct vcm_sys *sys);
/*
 * Finer locks (cfg->locks) are for hosted builds: a freestanding one (the
 * firmware images, with a size budget) refuses them and keeps none of their
 * code.
 */
#if __STDC_HOSTED__
#define GRAPH_FINE 1
#else
#define GRAPH_FINE 0
#endif
/*
 * The head of a public call inside one VCM, on the handle at @handlep of kind
 * @k (GK_VCM, GK_RES or GK_BOUND), as gobj_lock_(); with finer locks the
 * system is held shared and *@vcm (the object's VCM) locked, else the system
 * is held exclusive and *@vcm is NULL. vcm_leave_() undoes either.
 */
#if GRAPH_FINE
/* Record @vcm as the VCM of new @obj (gobj.owner), before its handle is given out. */
static inline void gobj_set_owner_(void *obj, struct vcm *vcm)
{
	__atomic_store_n(&((struct gobj *)obj)->owner, vcm, __ATOMIC_RELAXED);
}

struct vcm_sys *gobj_lock_vcm_(void *handlep, enum graph_kind k, const char *what, const char *fn,
			       int *ret, struct vcm **vcm);
void vcm_leave_(struct vcm_sys *sys, struct vcm *vcm);
/* A leaf lock of the system (NULL without finer locks: nothing to take). */
void leaf_lock_(struct vcm_sys *sys, void *l);
void leaf_unlock_(struct vcm_sys *sys, void *l);
#else
static inline void gobj_set_owner_(void *obj, struct vcm *vcm)
{
	(void)obj;
	(void)vcm;
}

static inline struct vcm_sys *gobj_lock_vcm_(void *handlep, enum graph_kind k, const char *what,
					     const char *fn, int *ret, struct vcm **vcm)
{
	*vcm = NULL;
	return gobj_lock_(handlep, k, what, fn, ret);
}

static inline void vcm_leave_(struct vcm_sys *sys, struct vcm *vcm)
{
	(void)vcm;
	sys_unlock_(sys);
}

static inline void leaf_lock_(struct vcm_sys *sys, void *l)
{
	(void)sys;
	(void)l;
}

static inline void leaf_unlock_(struct vcm_sys *sys, void *l)
{
	(void)sys;
	(void)l;
}
#endif
/* The message of a lower layer ("vcm_vs_reserve: len 0 ...") without its
 * prefix, to be recorded under the public call's name. */
const char *graph_msg_(const char *msg);
struct vcm_sys;
/* The system's message now, without its prefix, into @to (VCM_DIAG_MSG_LEN
 * bytes): kept while a new message that quotes it is made. */
void graph_keep_msg_(struct vcm_sys *sys, char *to);

/* ---- objects --------------------------------------------------------------- */

/*
 * The reverse map is split in shards, each an interval tree with its own leaf
 * lock (with finer locks), and every extent backed by one allocation goes to
 * that allocation's shard (vcm_mem.shard, dealt round robin): backs and
 * unbacks of different allocations in different VCMs then share neither a
 * lock nor a tree. A lookup by address visits every shard. The stride keeps
 * two shards' words off one cache line whatever the system's alignment.
 */
#if GRAPH_FINE
#define RMAP_SHARDS 8U
#else
#define RMAP_SHARDS 1U
#endif

struct rmap_shard {
	struct gtree t;
	void *lock;  /* finer locks: VCM_LOCK_RMAP; else NULL */
	char pad[128 - sizeof(struct gtree) - sizeof(void *)];
};

#if GRAPH_FINE
/*
 * A thread's cache of dead reservation slots (handle.c), with finer locks
 * whose ops number the threads: reservations are made and freed inside one
 * VCM under the shared system lock, and without it every reserve and
 * unreserve in every VCM would take the pool's lock and write its free list.
 * Thread n uses cache n % SLOT_CACHES. A ring, oldest slot out first, as the
 * pool's own list; the pad keeps a neighbour's words off its lines.
 */
#define SLOT_CACHES    8U
#define SLOT_CACHE_MAX 32U

struct slot_cache {
	void *lock;  /* VCM_LOCK_SLOT_CACHE; NULL: caches are off */
	uint32_t head;
	uint32_t n;
	struct gobj *ring[SLOT_CACHE_MAX];
	char pad[64];
};
#endif

struct vcm_sys {
	uint32_t magic;
	const struct vcm_plat_ops *plat; /* with finer locks: &locked_plat */
	struct vcm_sys_lock lock;
	/* finer locks (cfg->locks): the system's rwlock and its leaf locks */
	bool fine;
	struct vcm_lock_ops locks;
	void *l_sys;
	void *l_dev;
	void *l_slots;
	void *l_plat;
	const struct vcm_plat_ops *user_plat; /* cfg->plat */
	struct vcm_plat_ops locked_plat;      /* its calls under l_plat */
	struct vcm_phys *phys;
	struct gpool pools[GK_NR];
#if GRAPH_FINE
	struct slot_cache slot_cache[SLOT_CACHES];
#endif
	struct glist devs;
	struct glist vcms;
	struct glist mems;
	struct glist pinned; /* the mems under a guest's table arena: few, so init need not scan mems */
	uint64_t nr_dev;
	/* devices by name, while any is registered (dev_names.c); may be NULL */
	struct vcm_dev **names;
	uint64_t nr_names; /* buckets, a power of two */
	uint64_t nr_vcm;
	uint64_t nr_mem;
	/* struct rmap_ext by physical extent, in shards (rmap.c) */
	struct rmap_shard rmap[RMAP_SHARDS];
	unsigned int next_shard; /* the shard of the next allocation */
	uint64_t epoch;     /* power queries: marks devices already asked */
	struct vcm_diag diag;
	struct vcm_diag *(*diag_slot)(void *ctx); /* from the cfg, or NULL */
	void *diag_ctx;
	struct vcm_slots *slots; /* from the cfg, or NULL: slabs are the system's */
};

/*
 * A system is a plain pointer, not a handle; a handle of another kind passed
 * in its place has its tag bits set (bit 0 at least, when it carries the wide
 * generation), so the alignment is checked before anything is read there.
 */
bool sys_live_(const struct vcm_sys *sys);

#define GRAPH_NAME_MAX 32U

struct vcm_dev {
	struct gobj h;
	struct glist node;  /* sys->devs */
	struct vcm_dev *name_next; /* its bucket of sys->names */
	uint32_t name_hash;
	char name[GRAPH_NAME_MAX];
	struct vcm_dev_cfg cfg; /* cfg.name points at name */
	struct glist assocs; /* struct vcm_avcm.dev_node */
	uint64_t nr_assoc;
	struct vcm_avcm *active[VCM_MAX_BASES];
	vcm_fault_fn hook;
	void *hook_data;
	struct vcm_fault last_fault;
	uint64_t nr_faults;
	uint64_t epoch;
};

/* What happens to table memory an instance frees or asks for (inst_plat.c):
 * forwarded, nothing held (PASS); frees stashed for reuse (KEEP);
 * allocations served from the stash first (REUSE); allocations forwarded
 * with the stash kept aside (HOLD); in DEFER, HOLD and REUSE, frees held
 * back, never reused, until the drain. */
enum inst_stash_mode { INST_PASS, INST_HOLD, INST_KEEP, INST_REUSE, INST_DEFER };

struct stash_node;

/* One mapper instance of a VCM, shared by the associations of compatible
 * devices. Not a handle: created and freed by assoc.c. */
struct vcm_inst {
	struct glist node;  /* vcm->insts, in creation order */
	const struct vcm_mapper_ops *ops;
	struct vcm_dev_cfg cfg; /* of the device that made it; name not kept */
	void *mi;
	uint64_t users;
	struct vcm_sys *sys;
	struct vcm_plat_ops plat;   /* given to ops->create: the system's, forwarded */
	struct vcm_plat_fwd fwd;    /* how plat forwards (table calls through the stash) */
	enum inst_stash_mode stash_mode;
	struct stash_node *stash;   /* tables held back during a migration, oldest first */
	struct stash_node **stash_end; /* the last node's next (&stash when empty) */
	struct stash_node *late;    /* INST_DEFER's blocks: freed at the drain, never reused */
	uint32_t stash_batch;       /* the batch blocks stashed now join (inst_stash_batch_) */
	struct vcm_tlb_hint hint;   /* tlb.c: this call's, for every device sharing it */
};

enum vcm_kind { VK_DEV, VK_ONE_TO_ONE, VK_PREBUILT };

struct vcm {
	struct gobj h;
	struct glist node;  /* sys->vcms */
	enum vcm_kind kind;
	vcm_da_t start;
	uint64_t len;
	struct vcm_vs *vs;     /* the record of reservations and bounds (range owners) */
	uint64_t nr_res;
	struct glist insts;
	struct glist assocs;   /* struct vcm_avcm.vcm_node */
	struct glist bounds;   /* struct vcm_bound.node */
	uint64_t nr_assoc;
	uint64_t nr_active;
	/* the active associations, in activation order (assoc.c), so that the
	 * TLB fan-out of every back and unback costs the devices it reaches,
	 * not every device ever associated; NULL-ended, so the zeroed VCM is
	 * an empty list. Written under the exclusive system lock, read under
	 * the VCM's. */
	struct vcm_avcm *act_first;
	struct vcm_avcm *act_last;
	struct vcm_avcm *own;  /* a prebuilt VCM's association */
	void *lock;            /* with finer locks: the VCM's own */
};

struct vcm_bound {
	struct gobj h;
	struct glist node;
	struct vcm *vcm;
	struct vcm_vs_bound *vb; /* its range's owner: this */
	vcm_da_t da;
	uint64_t len;
	uint64_t nr_res;
};

/* One physically contiguous extent of a backed reservation: an interval of
 * the system's reverse map, keyed by physical address. */
struct rmap_ext {
	struct gtree_node tn; /* key = pa, last = pa + len - 1 */
	vcm_da_t da;
	uint64_t len;
	struct vcm_res *res;
	/* gobj_handle_(res), kept so that a reverse-map answer does not touch
	 * the reservation's own line (it never changes while res lives) */
	struct vcm_res *handle;
};

struct vcm_res {
	struct gobj h;
	struct vcm *vcm;
	struct vcm_bound *bound;
	struct vcm_vs_range *range; /* in the VCM's space or the bound's; owner: this */
	vcm_da_t da;
	uint64_t len;
	uint64_t align;
	unsigned int prot;
	uint32_t nr_ext;       /* extents (ext_build_ refuses more than UINT32_MAX) */
	struct vcm_mem *mem;   /* backing, or NULL */
	struct glist mem_node; /* mem->users */
	struct rmap_ext *ext;  /* nr_ext extents in device-address order; then, if
				* more than one, their pieces (struct vcm_seg);
				* then by_pa: one block */
	uint32_t *by_pa;       /* indices into ext, sorted by pa */
};

struct vcm_mem {
	struct gobj h;
	struct glist node;     /* sys->mems */
	struct vcm_physmem *pm;
	struct glist users;    /* struct vcm_res.mem_node; under its shard's lock */
	uint64_t nr_users;
	unsigned int shard;    /* of the reverse map: where its users' extents go */
	uint64_t len;
	uint64_t flags;
	uint64_t align;        /* vcm_alloc_cont(): the physical alignment; else 0 */
	int memtype;           /* -1: wrapped */
	/* a guest's table arena is over this memory (vcm_nest_plat_init(), at
	 * IPA guest_ipa): its tables hold CPU pointers into it, so it neither
	 * moves nor goes back to the memtype, backed or not, until
	 * vcm_nest_plat_fini(). Under the exclusive system lock. */
	bool guest_pinned;
	vcm_da_t guest_ipa;
	struct glist pinned_node; /* in the system's pinned list while guest_pinned */
};

struct vcm_avcm {
	struct gobj h;
	struct glist vcm_node;
	struct glist dev_node;
	struct vcm *vcm;
	struct vcm_dev *dev;
	struct vcm_inst *inst;
	unsigned int attr;
	bool active;
	/* in vcm->act_first's list while active */
	struct vcm_avcm *act_prev;
	struct vcm_avcm *act_next;
};

/* ---- helpers across files ---------------------------------------------------- */

/* res.c: the reservations of a VCM, from its space (bounds' spaces included) */
/* The reservation holding @da, or NULL. */
struct vcm_res *res_at_(const struct vcm *vcm, vcm_da_t da);
/* The reservations in device-address order: the first, and the one after @res. */
struct vcm_res *res_first_(const struct vcm *vcm);
struct vcm_res *res_next_(const struct vcm_res *res);

/* assoc.c: the bases an association uses (bit b = base b). */
unsigned int assoc_bases_(const struct vcm_avcm *a);
void assoc_remove_locked_(struct vcm_avcm *a);
int deactivate_locked_(struct vcm_avcm *a);

/* ext.c: extent arrays */
int ext_build_(struct vcm_sys *sys, struct vcm_res *res, const struct vcm_physmem *pm,
	       struct rmap_ext **ext, uint32_t **by_pa, uint64_t *nr);
void ext_free_(struct vcm_sys *sys, struct rmap_ext *ext, uint64_t nr);
/* The pieces for map of an array of @nr > 1 extents, kept after them. */
const struct vcm_seg *ext_segs_(const struct rmap_ext *ext, uint64_t nr);
/* Back @to like @from (same memory, same extents at @to's address). */
int ext_copy_attach_(struct vcm_res *to, const struct vcm_res *from);

/* ext_sort.c: sort @idx, @n indices into @ext, by physical start. */
int sort_by_pa_(struct vcm_sys *sys, const struct rmap_ext *ext, uint32_t *idx, uint64_t n);

/* inst_map.c */
/* Map @ext (built by ext_build_) into @in with one map call (one piece per
 * extent); inst_unmap_ext_ undoes it with one unmap call of the whole range. */
int inst_map_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		  uint64_t nr, unsigned int prot);
void inst_unmap_ext_(struct vcm_sys *sys, struct vcm_inst *in, const struct rmap_ext *ext,
		     uint64_t nr);
/* inst_map_ext_ into every instance of @vcm, in creation order; a failure
 * unmaps what was written, last instance first. */
/*
 * Prefix the system's message with the first device using @in, as
 * "dev '<name>' (<mapper>): <message>" (error @ret): a mapper's message names
 * its table's problem, not the device, and a VCM has one table per format.
 */
void inst_name_dev_(struct vcm *vcm, const struct vcm_inst *in, int ret);
int insts_map_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, unsigned int prot);
/*
 * Unmap @ext (mapped by insts_map_ext_ with @prot) from every instance, last
 * first. An instance that refuses (a CPU mapper short of memory) ends it: the
 * instances unmapped before it get @ext back and its error is returned, with
 * every instance as before.
 */
int insts_unmap_ext_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr, unsigned int prot);
/*
 * Every instance of @vcm to stash mode @m (INST_PASS drains the stashes).
 * A call that can free tables a device may have walked holds them (KEEP)
 * until its TLB fan-out has run, then drains: a block must not go back to
 * the platform, to be handed out again, while a walk cache may point at it.
 */
void insts_stash_(struct vcm *vcm, enum inst_stash_mode m);

/* tlb.c */
void tlb_fan_(struct vcm *vcm, vcm_da_t da, uint64_t len, bool leaf);

/* attach.c: record @res as backed by @mem with @ext (rmap, user list), or forget it. */
void res_attach_(struct vcm_res *res, struct vcm_mem *mem, struct rmap_ext *ext,
		 uint32_t *by_pa, uint64_t nr);
void res_detach_(struct vcm_res *res);
/* nest.c: whether @ops are a vcm_nest_plat's (a guest system's platform). */
bool nest_plat_ops_(const struct vcm_plat_ops *ops);
/* nest.c: a guest system's memtypes (cfg->plat a vcm_nest_plat's) must stay off its table
 * arena, and the vcm_nest_plat must be live (made, not finished). */
int nest_check_memtypes_(const struct vcm_sys_cfg *cfg, struct vcm_diag *diag);
/*
 * nest.c, for a copy in a guest (@ops a vcm_nest_plat's): hold the host's
 * lock (NULL when its host is gone), so that what the host maps cannot
 * change between the checks and the move; then, without locking again, an
 * IPA's CPU view (NULL where the host maps nothing) and whether the guest
 * may write it. Guest before host is the lock order.
 */
struct vcm_sys *nest_hold_(const struct vcm_plat_ops *ops);
void *nest_cpu_held_(const struct vcm_plat_ops *ops, vcm_pa_t ipa);
bool nest_writable_held_(const struct vcm_plat_ops *ops, vcm_pa_t ipa);
/* dirty.c: 1 and *@at the first page a device wrote in @res since the last
 * harvest (instances that record writes), 0 none, or -errno (recorded). */
int res_dirty_at_(struct vcm_sys *sys, struct vcm_res *res, vcm_da_t *at);

/* one_to_one_check.c */
int one_to_one_check_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr);

/* inst_plat.c: @in->plat forwards to the system's ops (with the stash). */
void inst_plat_init_(struct vcm_inst *in, struct vcm_sys *sys);
/* Back to INST_PASS; stashed and deferred tables go to the platform. */
void inst_stash_drain_(struct vcm_inst *in);
/* Blocks stashed from now on form a new batch (one per unmap call of a break). */
void inst_stash_batch_(struct vcm_inst *in);

/*
 * copy.c: one side of a physical copy, a cursor over its contiguous runs:
 * copy_side_mem_() the extents of @mem in order, copy_side_res_() the bytes
 * of backed @res from offset @off.
 */
struct copy_side {
	int (*next)(struct copy_side *s, vcm_pa_t *pa, uint64_t *len);
	const struct vcm_physmem *mem;
	const struct vcm_res *res;
	uint64_t pos;
};
void copy_side_mem_(struct copy_side *s, const struct vcm_physmem *mem);
void copy_side_res_(struct copy_side *s, const struct vcm_res *res, uint64_t off);
/* Whether the first @len bytes of @to and of @from share a physical byte (two
 * wraps of one range): *@at the first shared pa found. */
bool copy_overlap_(const struct copy_side *to, const struct copy_side *from, uint64_t len,
		   vcm_pa_t *at);
/* Copy @len bytes (UINT64_MAX: until a side ends) from @from's runs to @to's
 * through plat->pa_to_cpu, all or nothing: 0; -EFAULT with *@bad_pa the pa
 * it lacks a view of; -EACCES with *@bad_pa a guest's destination page that
 * the host maps read-only (nest_writable_held_()); -EINVAL with *@bad_pa a byte of
 * @to that is one of @from's through the host (a guest's aliased IPAs). @to
 * and @from do not move. */
int copy_phys_(const struct vcm_plat_ops *plat, struct copy_side *to, struct copy_side *from,
	       uint64_t len, vcm_pa_t *bad_pa);

/* rmap.c */
/* The extents of @res into, or out of, the system's reverse map (one batch). */
void rmap_add_(struct vcm_res *res);
void rmap_del_(struct vcm_res *res);
/* The first extent after @after (NULL: from the start) whose interval meets
 * [@lo, @hi]: shard by shard, in each in tree order. Needs the system
 * exclusive. */
const struct rmap_ext *rmap_next_(const struct vcm_sys *sys, vcm_pa_t lo, vcm_pa_t hi,
				  const struct rmap_ext *after);
/* Extents in the reverse map, and 0 or -EFAULT from each shard's own check. */
uint64_t rmap_count_(const struct vcm_sys *sys);
int rmap_check_(const struct vcm_sys *sys);
/* The extent of @res holding device address @da, or NULL. */
const struct rmap_ext *ext_at_da_(const struct vcm_res *res, vcm_da_t da);
/* The extent of @res holding physical address @pa, or NULL. */
const struct rmap_ext *ext_at_pa_(const struct vcm_res *res, vcm_pa_t pa);

/* vcm.c */
int vcm_new_locked_(struct vcm_sys *sys, enum vcm_kind kind, vcm_da_t start, uint64_t len,
		    struct vcm **out);
void vcm_delete_locked_(struct vcm *vcm);

/* res.c */
int res_new_locked_(struct vcm *vcm, struct vcm_bound *bound, bool at, vcm_da_t da,
		    uint64_t len, uint64_t align, unsigned int prot, struct vcm_res **out);
void res_delete_locked_(struct vcm_res *res);
int bound_new_locked_(struct vcm *vcm, bool at, vcm_da_t da, uint64_t len,
		      struct vcm_bound **out);

/* assoc.c */
struct vcm_avcm *assoc_find_(struct vcm *vcm, struct vcm_dev *dev);
int assoc_new_locked_(struct vcm *vcm, struct vcm_dev *dev, unsigned int attr,
		      struct vcm_avcm **out);
int activate_locked_(struct vcm_avcm *a);

/* Where this call's message goes: the cfg's diag_slot, else sys->diag. */
static inline struct vcm_diag *sys_diag_(const struct vcm_sys *sys)
{
	return sys->diag_slot != NULL ? sys->diag_slot(sys->diag_ctx) :
					(struct vcm_diag *)&sys->diag;
}

/*
 * The head of a public call on a live system (not through a handle): lock it
 * and name the call in the record its messages go to.
 */
static inline void sys_enter_(struct vcm_sys *sys, const char *fn)
{
	sys_lock_(sys);
	vcm_diag_enter(sys_diag_(sys), fn);
}

/* Record a failure under the public call that entered the system's record. */
#define GERR(sys, err, ...) VCM_ERR(sys_diag_(sys), (err), __VA_ARGS__)

#endif /* VCM_GRAPH_INTERNAL_H */
