/* SPDX-License-Identifier: MIT */
/*
 * vspace internals shared by vs_tree.c (the augmented AVL tree), slab.c (node
 * memory), vspace.c (the public calls), bound.c and vs_check.c. See docs/vspace.md.
 *
 * One tree holds everything: each node is a reserved range *and* the free gap
 * that follows it up to the next range. A sentinel node of length 0 at the
 * space's start owns the leading gap and is always the leftmost node, so every
 * free byte belongs to exactly one node's gap.
 */
#ifndef VCM_VSPACE_INTERNAL_H
#define VCM_VSPACE_INTERNAL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <errno.h>
#include <vcm/vspace.h>
#include <vcm/err.h>
#include "../util/bits.h"
#include "../util/assert.h"
#include "../util/fail.h"

#define VS_PAGE_LG2      12U
#define VS_PAGE          (UINT64_C(1) << VS_PAGE_LG2)
#define VS_ALIGN_MAX_LG2 30U
/* Alignment classes needing bookkeeping: 8K (0) .. 1G (17). 4K needs none. */
#define VS_NCLASS        (VS_ALIGN_MAX_LG2 - VS_PAGE_LG2)

#define VS_MAGIC_SPACE 0x76737370U /* "vssp" */
#define VS_MAGIC_LIVE  0x7673726cU /* "vsrl" */
#define VS_MAGIC_FREE  0x76736672U /* "vsfr" */
#define VS_MAGIC_BOUND 0x7673626eU /* "vsbn" */
#define VS_MAGIC_CACHED 0x76736361U /* "vsca": free to the user, still in the tree */

#define VS_RANGE_SENTINEL 0x01U
#define VS_RANGE_BOUND    0x02U
/*
 * The range may hold a reservation: every range that is not a bound (live or
 * cached: the range cache never touches the tree, so a cached range keeps
 * it), and a bound while its space has a live range (vs_count_add_() and
 * vs_count_sub_() set and clear it). The tree sums it per subtree
 * (VS_SUM_HELD) so that vs_tree_next_held_() steps over empty bounds in
 * O(log n), however many there are.
 */
#define VS_RANGE_HELD     0x04U

/*
 * A node: a range [start, start + len) and the gap [start + len, start + len +
 * gap) after it. The subtree fields let a descent find, for any alignment, the
 * lowest gap that fits: the largest gap length below, and for each alignment
 * class k (2^(13+k) bytes) how much less than that the best k-aligned fit in
 * the subtree gives. That loss is below 2^(k+1) pages (the gap holding the
 * maximum loses less than one alignment unit), so classes 8K..256M (k <= 15)
 * fit 16-bit lanes and 512M, 1G 32-bit ones.
 *
 * 128 bytes in two 64-byte lines (slabs align nodes to 128): line 0 is all a
 * descent reads of a child (links and summary), line 1 the range itself,
 * all that unreserve and the range cache touch, plus the parent and
 * grandparent links a climb follows. The grandparent link lets a climb ask
 * for the node two levels up while the parent's miss is still on its way
 * (fix_up() in vs_tree.c); vs_tree.c keeps gparent == parent->parent (NULL above
 * the root's children) on every relink, and the validator checks it.
 */
#define VS_NLOSS16 16U

struct vcm_vs_range {
	/* line 0: the subtree */
	struct vcm_vs_range *left, *right;
	uint64_t sum;                /* VS_SUM_*: largest gap here (pages), AVL height */
	uint16_t loss16[VS_NLOSS16]; /* pages: max gap - largest class-k fit here */
	uint32_t loss32[VS_NCLASS - VS_NLOSS16]; /* the same for k = 16, 17 */
	/* line 1: the range */
	vcm_da_t start;
	uint64_t len;                /* bytes; 0 only for the sentinel */
	uint64_t gap;                /* bytes free after the range */
	struct vcm_vs_range *parent;
	struct vcm_vs_range *gparent; /* parent->parent, or NULL */
	struct vcm_vs *space;        /* the space the node is in */
	uint32_t magic;
	uint8_t flags;               /* VS_RANGE_* */
	void *owner;                 /* the user's object (vcm_vs_range_set_owner()) */
};

/*
 * sum: the largest gap below in pages (a space has fewer than 2^52 pages), one
 * bit set if any node below is VS_RANGE_HELD, and the AVL height (leaf = 1),
 * in one word so that a parent's pull reads its children's line 0 only (the
 * node is full: there is no room for a field of its own).
 */
#define VS_SUM_HEIGHT_SHIFT 56U
#define VS_SUM_HELD_SHIFT   55U
#define VS_SUM_HELD         (UINT64_C(1) << VS_SUM_HELD_SHIFT)
#define VS_SUM_PAGES        (VS_SUM_HELD - 1U)

static inline uint64_t vs_max_gap(const struct vcm_vs_range *n)
{
	return (n->sum & VS_SUM_PAGES) << VS_PAGE_LG2;
}

static inline unsigned int vs_height(const struct vcm_vs_range *n)
{
	return (unsigned int)(n->sum >> VS_SUM_HEIGHT_SHIFT);
}

/* Does the subtree of @n (NULL: empty) hold a VS_RANGE_HELD node? */
static inline bool vs_held_below(const struct vcm_vs_range *n)
{
	return n != NULL && (n->sum & VS_SUM_HELD) != 0U;
}

#define VS_NODE_LINE 64U
/* Slabs place nodes this far apart, so each stays one aligned block (slab.c). */
#define VS_NODE_STRIDE (2U * VS_NODE_LINE)
_Static_assert(sizeof(struct vcm_vs_range) <= VS_NODE_STRIDE, "a node fits its block");
#if UINTPTR_MAX == UINT64_MAX
/* the owner pointer fills line 1: one more field would spill into a third line */
_Static_assert(sizeof(struct vcm_vs_range) == VS_NODE_STRIDE, "a node is two lines on LP64");
#endif
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(offsetof(struct vcm_vs_range, start) == VS_NODE_LINE,
	       "a descent reads one line of a child");
#endif

/*
 * Start loading @p's line into the cache, if @p is not NULL: a hint that never
 * faults. At 1M ranges the tree is far larger than the caches; issuing the
 * next loads early overlaps their misses (docs/vspace.md, "Memory"). NULL is
 * skipped: a prefetch of an unmapped page costs a page walk on some cores.
 */
static inline void vs_prefetch(const void *p)
{
#if defined(__GNUC__)
	if (p != NULL)
		__builtin_prefetch(p);
#else
	(void)p;
#endif
}

/*
 * Below this many ranges the tree (128 bytes a node) stays in the caches and
 * the prefetches only cost: measured at 1k ranges they made a step 10% slower,
 * at 100k 10% faster.
 */
#define VS_PREFETCH_MIN_RANGES 16384U

/* The class-k loss of @n, in pages. */
static inline uint32_t vs_loss(const struct vcm_vs_range *n, unsigned int k)
{
	return k < VS_NLOSS16 ? n->loss16[k] : n->loss32[k - VS_NLOSS16];
}

/*
 * The range cache (cache.c): freed ranges of 2^c bytes at a 2^c boundary,
 * c = 12 (4K) .. 18 (256K), stay in the tree as nodes marked cached and are
 * handed out again by the next reserve of that class. Magazines of pointers
 * to them, as in the Linux IOVA cache (Bonwick's magazines): a loaded and a
 * previous magazine per class (what one CPU would own) and a depot of full
 * magazines shared by the space.
 */
#define VS_CACHE_MIN_LG2 12U
#define VS_CACHE_MAX_LG2 18U
#define VS_CACHE_NCLASS  (VS_CACHE_MAX_LG2 - VS_CACHE_MIN_LG2 + 1U)
#define VS_MAG_SIZE      28U  /* 28 pointers + header = 4 cache lines */

/*
 * In the depot a magazine is on its class's list, doubly linked so that both
 * ends come off in O(1): a reserve takes the newest, a free over the limits
 * evicts the oldest. Which class's oldest is the oldest overall, the age (a
 * count of depot pushes) says: a third and fourth link for an age list over
 * every class would make the header 40 bytes and the magazine 264.
 */
struct vs_mag {
	struct vs_mag *next;         /* depot: its class's list, to older; or spare list */
	struct vs_mag *newer;        /* depot: its class's list, to newer; NULL at the head */
	uint64_t age;                /* depot: vs_cache.pushes when it went in */
	uint32_t n;
	uint32_t cls;
	struct vcm_vs_range *r[VS_MAG_SIZE];
};
#if UINTPTR_MAX == UINT64_MAX
_Static_assert(sizeof(struct vs_mag) == 4U * VS_NODE_LINE, "a magazine is four lines on LP64");
#endif

/*
 * What one CPU or thread owns: struct vs_cache has nlocal of them, and
 * cache_local() in cache.c picks the caller's (docs/vspace.md, "Range cache").
 */
struct vs_cache_local {
	struct vs_mag *loaded[VS_CACHE_NCLASS];
	struct vs_mag *prev[VS_CACHE_NCLASS];
};

struct vs_cache {
	struct vs_mag *depot[VS_CACHE_NCLASS]; /* full magazines, newest first */
	struct vs_mag *oldest[VS_CACHE_NCLASS]; /* the tail of each class list */
	uint64_t pushes;                       /* depot pushes so far: the next age */
	struct vs_mag *spare;                  /* empty magazines, linked through next */
	uint32_t nlocal;                       /* == the space's cache_nlocal */
	struct vs_cache_local local[];         /* one set per CPU or thread */
};

struct vs_slab {
	struct vs_slab *next;
	size_t bytes;                /* as given to meta_alloc */
};

struct vcm_vs {
	uint32_t magic;
	bool is_bound;               /* the space of a struct vcm_vs_bound */
	vcm_da_t start;
	vcm_da_t last;               /* inclusive */
	const struct vcm_plat_ops *plat;
	struct vcm_vs_range *root;
	struct vcm_vs_range head;    /* sentinel: [start, start), gap = leading free bytes */
	uint64_t free_bytes;         /* the tree's gaps; cached ranges are not in it */
	uint64_t count;              /* live ranges, bounds included; not cached nor sentinel */
	/* node memory (slab.c) */
	struct vs_slab *slabs;
	struct vcm_vs_range *free_nodes;  /* linked through ->parent */
	struct vcm_vs_range *bump, *bump_end;
	size_t next_slab_nodes;
	/* bounds taken from this space; freed ones are kept for reuse until destroy */
	struct vcm_vs_bound *bounds;
	struct vcm_vs_bound *free_bounds; /* linked through ->next */
	/* range cache (cache.c); off unless vcm_vs_cache_config() turned it on */
	bool cache_on;
	struct vs_cache *cache;      /* taken on the first cached unreserve */
	uint64_t cache_max_ranges, cache_max_bytes;
	uint32_t cache_nlocal;       /* sets of magazines: 1 .. VCM_VS_CACHE_MAX_LOCAL */
	uint32_t (*cache_local_fn)(void *ctx); /* the caller's number; NULL with one set */
	void *cache_local_ctx;
	uint64_t cache_ranges, cache_bytes; /* cached now: in count/free_bytes as free */
	struct vcm_vs_cache_stats cache_stats;
	struct vcm_diag diag;
};

struct vcm_vs_bound {
	uint32_t magic;
	struct vcm_vs *parent;
	struct vcm_vs_range *range;  /* in parent */
	struct vcm_vs_bound *next, *prev; /* parent->bounds list */
	struct vcm_vs space;
};


/* vs_tree.c */
void vs_tree_init_(struct vcm_vs *vs);
bool vs_tree_pull_(struct vcm_vs_range *n);
bool vs_tree_fits_(const struct vcm_vs *vs, uint64_t len, unsigned int align_lg2);
void vs_tree_insert_after_(struct vcm_vs *vs, struct vcm_vs_range *prev,
			   struct vcm_vs_range *n);
struct vcm_vs_range *vs_tree_erase_(struct vcm_vs *vs, struct vcm_vs_range *n);
struct vcm_vs_range *vs_tree_first_fit_(const struct vcm_vs *vs, uint64_t len,
					unsigned int align_lg2);
struct vcm_vs_range *vs_tree_floor_(const struct vcm_vs *vs, vcm_da_t da);
struct vcm_vs_range *vs_tree_next_(const struct vcm_vs_range *n);
struct vcm_vs_range *vs_tree_prev_(const struct vcm_vs_range *n);
void vs_tree_held_update_(struct vcm_vs_range *n);
struct vcm_vs_range *vs_tree_next_held_(const struct vcm_vs_range *n);

/* slab.c */
struct vcm_vs_range *vs_node_alloc_(struct vcm_vs *vs);
void vs_node_free_(struct vcm_vs *vs, struct vcm_vs_range *n);
void vs_slabs_release_(struct vcm_vs *vs);
void vs_nodes_give_(struct vcm_vs *to, struct vcm_vs *from);

/*
 * Where a reservation goes, found before anything is written: [da, da + len)
 * inside the gap of @prev. The reserving calls plan a place (every argument
 * checked, nothing changed), then take what can still fail, then carve.
 */
struct vs_place {
	struct vcm_vs_range *prev;
	vcm_da_t da;
	uint64_t len;                /* rounded up to pages */
};

/* cache.c */
bool vs_cache_put_(struct vcm_vs *vs, struct vcm_vs_range *r);
struct vcm_vs_range *vs_cache_get_(struct vcm_vs *vs, uint64_t len, uint64_t align);
bool vs_cache_flush_(struct vcm_vs *vs);
void vs_cache_release_(struct vcm_vs *vs);
int vs_cache_check_(struct vcm_vs *vs);

/* vspace.c: shared by bound.c */
void vs_space_init_(struct vcm_vs *vs, vcm_da_t start, vcm_da_t last,
		    const struct vcm_plat_ops *plat);
void vs_space_release_(struct vcm_vs *vs);
/* A request: anywhere (@at false, aligned to @align) or at @da. */
struct vs_req {
	bool at;
	vcm_da_t da;
	uint64_t len;
	uint64_t align;
};

int vs_place_(struct vcm_vs *vs, const struct vs_req *rq, struct vs_place *pl);
int vs_take_(struct vcm_vs *vs, const struct vs_req *rq, struct vs_place *pl,
	     struct vcm_vs_range **node);
void vs_carve_(struct vcm_vs *vs, const struct vs_place *pl, struct vcm_vs_range *n,
	       uint8_t flags);
void vs_bound_held_(struct vcm_vs *vs, bool held);
int vs_reserve_(struct vcm_vs *vs, uint64_t len, uint64_t align,
		struct vcm_vs_range **out);
void vs_remove_(struct vcm_vs *vs, struct vcm_vs_range *r);
void vs_unlink_(struct vcm_vs *vs, struct vcm_vs_range *r);

/* Is the tree of @vs large enough for the prefetches to pay? */
static inline bool vs_deep(const struct vcm_vs *vs)
{
	return vs->count + vs->cache_ranges >= VS_PREFETCH_MIN_RANGES;
}

/* The space that bound space @vs (is_bound, live) was taken from. */
static inline struct vcm_vs *vs_parent(struct vcm_vs *vs)
{
	struct vcm_vs_bound *b = (struct vcm_vs_bound *)(void *)
		((uint8_t *)vs - offsetof(struct vcm_vs_bound, space));

	VCM_ASSERT(vs->is_bound && b->magic == VS_MAGIC_BOUND);
	return b->parent;
}

/* The bound whose space @vs (is_bound, live) is. */
static inline struct vcm_vs_bound *vs_bound_of(struct vcm_vs *vs)
{
	struct vcm_vs_bound *b = (struct vcm_vs_bound *)(void *)
		((uint8_t *)vs - offsetof(struct vcm_vs_bound, space));

	VCM_ASSERT(vs->is_bound && b->magic == VS_MAGIC_BOUND);
	return b;
}

/*
 * One live range more (or less) in @vs. Inline: the range cache's O(1) path
 * counts too, and only a bound's first and last range cost more.
 */
static inline void vs_count_add_(struct vcm_vs *vs)
{
	if (vs->count++ == 0U && vs->is_bound)
		vs_bound_held_(vs, true);
}

static inline void vs_count_sub_(struct vcm_vs *vs)
{
	VCM_ASSERT(vs->count != 0U);
	if (--vs->count == 0U && vs->is_bound)
		vs_bound_held_(vs, false);
}

static inline bool vs_live(const struct vcm_vs *vs)
{
	return vs != NULL && vs->magic == VS_MAGIC_SPACE;
}

/* First byte of @n's gap; wraps to 0 only when the gap is empty at 2^64. */
static inline vcm_da_t vs_gap_start(const struct vcm_vs_range *n)
{
	return n->start + n->len;
}

#endif /* VCM_VSPACE_INTERNAL_H */
