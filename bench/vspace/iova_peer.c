// SPDX-License-Identifier: MIT
/*
 * The Linux-style IOVA peer of bench_vspace: see iova_peer.h for what it
 * models. The red-black tree is the textbook one (Cormen et al., ch. 13) with
 * a shared black nil node and parent links; nodes come from chunks of 4096.
 */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include "iova_peer.h"

#define CHUNK_NODES   4096U
#define MAG_SIZE      128U  /* IOVA_MAG_SIZE in 6.1 (127 from 6.7) */
#define CACHE_CLASSES 6U    /* 1..32 pages: IOVA_RANGE_CACHE_MAX_SIZE = 6 */
#define DEPOT_MAX     32U   /* MAX_GLOBAL_MAGS */
#define FAIL          UINT64_MAX

/* Children by name, or by side (child[LEFT], child[RIGHT]) where the mirror cases are one. */
enum { LEFT, RIGHT };

struct node {
	union {
		struct {
			struct node *left, *right;
		};
		struct node *child[2];
	};
	struct node *parent;
	uint64_t lo, hi;     /* inclusive frames */
	int red;
};
_Static_assert(offsetof(struct node, right) == offsetof(struct node, child[RIGHT]),
	       "left/right alias child[]");

struct mag {
	uint32_t n;
	uint64_t pfn[MAG_SIZE];
};

/*
 * Linux's spinlocks, uncontended here (one thread): each get and put takes
 * the CPU's lock, the depot its own, the tree the domain's; so the peer pays
 * the atomic read-modify-write that Linux pays on every call.
 */
static void lock(atomic_flag *l)
{
	while (atomic_flag_test_and_set_explicit(l, memory_order_acquire))
		;
}

static void unlock(atomic_flag *l)
{
	atomic_flag_clear_explicit(l, memory_order_release);
}

struct rcache {
	atomic_flag cpu_lock;
	struct mag *loaded, *prev;  /* one CPU's, allocated with the domain */
	atomic_flag depot_lock;
	struct mag *depot[DEPOT_MAX];
	uint32_t depot_n;
};

struct chunk {
	struct chunk *next;
	struct node nodes[CHUNK_NODES];
};

struct iova_peer {
	struct node nil;
	struct node *root;
	struct node anchor;          /* above the space, always the last node */
	struct node *cached;         /* where the next top-down search starts */
	uint64_t start, end;         /* frames [start, end) */
	uint64_t max_alloc;          /* a size that failed; reset by a free */
	atomic_flag tree_lock;       /* iova_rbtree_lock */
	struct node *free_nodes;
	struct chunk *chunks;
	struct rcache rc[CACHE_CLASSES];
};

/* ---- nodes and the red-black tree ---- */

static void *(*chunk_alloc)(size_t) = malloc;
static void (*chunk_release)(void *) = free;

void iova_peer_chunk_ops(void *(*alloc)(size_t), void (*release)(void *))
{
	chunk_alloc = alloc;
	chunk_release = release;
}

static struct node *node_new(struct iova_peer *d)
{
	struct node *n = d->free_nodes;

	if (n == NULL) {
		struct chunk *c = chunk_alloc(sizeof(*c));

		if (c == NULL)
			return NULL;
		c->next = d->chunks;
		d->chunks = c;
		for (unsigned int i = 0; i < CHUNK_NODES; i++) {
			c->nodes[i].parent = d->free_nodes;
			d->free_nodes = &c->nodes[i];
		}
		n = d->free_nodes;
	}
	d->free_nodes = n->parent;
	return n;
}

static void node_put(struct iova_peer *d, struct node *n)
{
	n->parent = d->free_nodes;
	d->free_nodes = n;
}

/* Turn @x down to the @dir side: its child on the other side takes its place. */
static void rotate(struct iova_peer *d, struct node *x, int dir)
{
	struct node *y = x->child[!dir];

	x->child[!dir] = y->child[dir];
	if (y->child[dir] != &d->nil)
		y->child[dir]->parent = x;
	y->parent = x->parent;
	if (x->parent == &d->nil)
		d->root = y;
	else if (x == x->parent->child[dir])
		x->parent->child[dir] = y;
	else
		x->parent->child[!dir] = y;
	y->child[dir] = x;
	x->parent = y;
}

/* @z is linked as a red leaf; restore the colour rules. */
static void insert_fixup(struct iova_peer *d, struct node *z)
{
	while (z->parent->red) {
		struct node *g = z->parent->parent;
		int dir = z->parent == g->left ? LEFT : RIGHT; /* the parent's side of g */
		struct node *u = g->child[!dir];

		if (u->red) {
			z->parent->red = 0;
			u->red = 0;
			g->red = 1;
			z = g;
			continue;
		}
		if (z == z->parent->child[!dir]) {
			z = z->parent;
			rotate(d, z, dir);
		}
		z->parent->red = 0;
		z->parent->parent->red = 1;
		rotate(d, z->parent->parent, !dir);
	}
	d->root->red = 0;
}

/* Link @z as the in-order predecessor of @succ (which is in the tree). */
static void insert_before(struct iova_peer *d, struct node *succ, struct node *z)
{
	struct node *p = succ;

	z->left = z->right = &d->nil;
	z->red = 1;
	if (p->left == &d->nil) {
		p->left = z;
	} else {
		for (p = p->left; p->right != &d->nil; p = p->right)
			;
		p->right = z;
	}
	z->parent = p;
	insert_fixup(d, z);
}

/* Link @z by its key (layout copies). */
static void insert_key(struct iova_peer *d, struct node *z)
{
	struct node *p = &d->nil, *x = d->root;

	while (x != &d->nil) {
		p = x;
		x = z->lo < x->lo ? x->left : x->right;
	}
	z->parent = p;
	z->left = z->right = &d->nil;
	z->red = 1;
	if (p == &d->nil)
		d->root = z;
	else if (z->lo < p->lo)
		p->left = z;
	else
		p->right = z;
	insert_fixup(d, z);
}

static void transplant(struct iova_peer *d, struct node *u, struct node *v)
{
	if (u->parent == &d->nil)
		d->root = v;
	else if (u == u->parent->left)
		u->parent->left = v;
	else
		u->parent->right = v;
	v->parent = u->parent;
}

static void erase_fixup(struct iova_peer *d, struct node *x)
{
	while (x != d->root && !x->red) {
		int dir = x == x->parent->left ? LEFT : RIGHT; /* x's side of its parent */
		struct node *w = x->parent->child[!dir];

		if (w->red) {
			w->red = 0;
			x->parent->red = 1;
			rotate(d, x->parent, dir);
			w = x->parent->child[!dir];
		}
		if (!w->child[dir]->red && !w->child[!dir]->red) {
			w->red = 1;
			x = x->parent;
			continue;
		}
		if (!w->child[!dir]->red) {
			w->child[dir]->red = 0;
			w->red = 1;
			rotate(d, w, !dir);
			w = x->parent->child[!dir];
		}
		w->red = x->parent->red;
		x->parent->red = 0;
		w->child[!dir]->red = 0;
		rotate(d, x->parent, dir);
		x = d->root;
	}
	x->red = 0;
}

static void erase(struct iova_peer *d, struct node *z)
{
	struct node *y = z, *x;
	int y_red = y->red;

	if (z->left == &d->nil) {
		x = z->right;
		transplant(d, z, z->right);
	} else if (z->right == &d->nil) {
		x = z->left;
		transplant(d, z, z->left);
	} else {
		for (y = z->right; y->left != &d->nil; y = y->left)
			;
		y_red = y->red;
		x = y->right;
		if (y->parent == z) {
			x->parent = y; /* x may be nil: the fixup climbs from it */
		} else {
			transplant(d, y, y->right);
			y->right = z->right;
			y->right->parent = y;
		}
		transplant(d, z, y);
		y->left = z->left;
		y->left->parent = y;
		y->red = z->red;
	}
	if (!y_red)
		erase_fixup(d, x);
}

/* The in-order neighbour of @n on the @dir side, or NULL. */
static struct node *tree_step(struct iova_peer *d, struct node *n, int dir)
{
	if (n->child[dir] != &d->nil) {
		for (n = n->child[dir]; n->child[!dir] != &d->nil; n = n->child[!dir])
			;
		return n;
	}
	while (n->parent != &d->nil && n == n->parent->child[dir])
		n = n->parent;
	return n->parent != &d->nil ? n->parent : NULL;
}

static struct node *find(struct iova_peer *d, uint64_t pfn)
{
	struct node *n = d->root;

	while (n != &d->nil) {
		if (pfn < n->lo)
			n = n->left;
		else if (pfn > n->hi)
			n = n->right;
		else
			return n;
	}
	return NULL;
}

/* ---- the tree allocator: top-down from the cached node ---- */

static uint64_t tree_alloc(struct iova_peer *d, uint64_t size, uint64_t align)
{
	uint64_t mask = ~(align - 1U), limit = d->end, high = limit, low = d->start;
	uint64_t new_pfn = 0, retry_pfn;
	struct node *curr, *prev, *n;

	if (size >= d->max_alloc)
		return FAIL;
	curr = d->cached;
	retry_pfn = curr->hi;
retry:
	do {
		high = high < curr->lo ? high : curr->lo;
		new_pfn = (high - size) & mask;
		prev = curr;
		curr = tree_step(d, curr, LEFT);
	} while (curr != NULL && new_pfn <= curr->hi && new_pfn >= low);
	if (high < size || new_pfn < low) {
		if (low == d->start && retry_pfn < limit) {
			/* nothing below the cached node: search above it once */
			high = limit;
			low = retry_pfn + 1U;
			curr = &d->anchor;
			goto retry;
		}
		d->max_alloc = size;
		return FAIL;
	}
	n = node_new(d);
	if (n == NULL)
		return FAIL;
	n->lo = new_pfn;
	n->hi = new_pfn + size - 1U;
	insert_before(d, prev, n);
	d->cached = n;
	return new_pfn;
}

static void tree_free(struct iova_peer *d, struct node *n)
{
	if (n->lo >= d->cached->lo)
		d->cached = tree_step(d, n, RIGHT);
	d->max_alloc = d->end;
	erase(d, n);
	node_put(d, n);
}

static void tree_free_pfn(struct iova_peer *d, uint64_t pfn)
{
	struct node *n = find(d, pfn);

	if (n != NULL)
		tree_free(d, n);
}

/* ---- the range caches ---- */

static int class_of(uint64_t pages)
{
	int c = 0;

	if (pages > (UINT64_C(1) << (CACHE_CLASSES - 1U)))
		return -1;
	while ((UINT64_C(1) << c) < pages)
		c++;
	return c;
}

static struct mag *mag_new(void)
{
	struct mag *m = malloc(sizeof(*m));

	if (m != NULL)
		m->n = 0;
	return m;
}

/* Give @m's frames back to the tree, under one hold of its lock as Linux does. */
static void mag_drain(struct iova_peer *d, struct mag *m)
{
	lock(&d->tree_lock);
	while (m->n > 0U)
		tree_free_pfn(d, m->pfn[--m->n]);
	unlock(&d->tree_lock);
}

/*
 * Keep @pfn in class @c's cache; false if it must go to the tree. Linux 6.1's
 * order: push onto loaded; if loaded is full, swap with prev unless prev is
 * full too; else loaded goes to the depot (or, the depot being full, its
 * frames go back to the tree) and a new magazine is loaded. All of it under
 * the CPU's lock, the depot under its own.
 */
static bool rcache_put(struct iova_peer *d, int c, uint64_t pfn)
{
	struct rcache *rc = &d->rc[c];
	struct mag *to_free = NULL;
	bool ok = true;

	lock(&rc->cpu_lock);
	if (rc->loaded->n == MAG_SIZE) {
		if (rc->prev->n < MAG_SIZE) {
			struct mag *t = rc->prev;

			rc->prev = rc->loaded;
			rc->loaded = t;
		} else {
			struct mag *fresh = mag_new();

			if (fresh != NULL) {
				lock(&rc->depot_lock);
				if (rc->depot_n < DEPOT_MAX)
					rc->depot[rc->depot_n++] = rc->loaded;
				else
					to_free = rc->loaded;
				unlock(&rc->depot_lock);
				rc->loaded = fresh;
			} else {
				ok = false;
			}
		}
	}
	if (ok)
		rc->loaded->pfn[rc->loaded->n++] = pfn;
	unlock(&rc->cpu_lock);
	if (to_free != NULL) {
		mag_drain(d, to_free); /* depot full: a magazine's frames back to the tree */
		free(to_free);
	}
	return ok;
}

/* A frame of class @c from the cache, or FAIL: loaded, prev, then the depot. */
static uint64_t rcache_get(struct iova_peer *d, int c)
{
	struct rcache *rc = &d->rc[c];
	uint64_t pfn = FAIL;
	bool has = true;

	lock(&rc->cpu_lock);
	if (rc->loaded->n == 0U) {
		if (rc->prev->n != 0U) {
			struct mag *t = rc->prev;

			rc->prev = rc->loaded;
			rc->loaded = t;
		} else {
			lock(&rc->depot_lock);
			if (rc->depot_n > 0U) {
				free(rc->loaded);
				rc->loaded = rc->depot[--rc->depot_n];
			} else {
				has = false;
			}
			unlock(&rc->depot_lock);
		}
	}
	if (has)
		pfn = rc->loaded->pfn[--rc->loaded->n];
	unlock(&rc->cpu_lock);
	return pfn;
}

static bool rcache_flush_all(struct iova_peer *d)
{
	bool any = false;

	for (unsigned int c = 0; c < CACHE_CLASSES; c++) {
		struct rcache *rc = &d->rc[c];

		any |= rc->loaded->n != 0U || rc->prev->n != 0U;
		mag_drain(d, rc->loaded);
		mag_drain(d, rc->prev);
		while (rc->depot_n > 0U) {
			struct mag *m = rc->depot[--rc->depot_n];

			any = true;
			mag_drain(d, m);
			free(m);
		}
	}
	return any;
}

/* ---- the interface ---- */

struct iova_peer *iova_peer_create(uint64_t start_pfn, uint64_t end_pfn)
{
	struct iova_peer *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->nil.left = d->nil.right = d->nil.parent = &d->nil;
	d->nil.red = 0;
	d->start = start_pfn;
	d->end = end_pfn;
	d->max_alloc = end_pfn;
	d->anchor.lo = d->anchor.hi = UINT64_MAX; /* IOVA_ANCHOR */
	d->anchor.left = d->anchor.right = d->anchor.parent = &d->nil;
	d->anchor.red = 0;
	d->root = &d->anchor;
	d->cached = &d->anchor;
	atomic_flag_clear(&d->tree_lock);
	for (unsigned int c = 0; c < CACHE_CLASSES; c++) {
		atomic_flag_clear(&d->rc[c].cpu_lock);
		atomic_flag_clear(&d->rc[c].depot_lock);
		d->rc[c].loaded = mag_new();
		d->rc[c].prev = mag_new();
		if (d->rc[c].loaded == NULL || d->rc[c].prev == NULL) {
			iova_peer_destroy(d);
			return NULL;
		}
	}
	return d;
}

void iova_peer_destroy(struct iova_peer *d)
{
	if (d == NULL)
		return;
	for (unsigned int c = 0; c < CACHE_CLASSES; c++) {
		free(d->rc[c].loaded);
		free(d->rc[c].prev);
		for (uint32_t i = 0; i < d->rc[c].depot_n; i++)
			free(d->rc[c].depot[i]);
	}
	while (d->chunks != NULL) {
		struct chunk *c = d->chunks;

		d->chunks = c->next;
		chunk_release(c);
	}
	free(d);
}

uint64_t iova_peer_alloc(struct iova_peer *d, uint64_t pages, uint64_t align_pages,
			 uint64_t *got_pages)
{
	int c = class_of(pages);
	uint64_t pfn;

	if (c >= 0) {
		/* cached sizes: a power of two, aligned to itself (alloc_iova_fast) */
		pages = UINT64_C(1) << c;
		if (align_pages < pages)
			align_pages = pages;
		if (align_pages == pages) {
			pfn = rcache_get(d, c);
			if (pfn != FAIL) {
				*got_pages = pages;
				return pfn;
			}
		}
	}
	*got_pages = pages;
	lock(&d->tree_lock);
	pfn = tree_alloc(d, pages, align_pages);
	unlock(&d->tree_lock);
	if (pfn == FAIL && rcache_flush_all(d)) {
		lock(&d->tree_lock);
		d->max_alloc = d->end;
		pfn = tree_alloc(d, pages, align_pages);
		unlock(&d->tree_lock);
	}
	return pfn;
}

bool iova_peer_insert(struct iova_peer *d, uint64_t pfn, uint64_t pages)
{
	struct node *n = node_new(d);

	if (n == NULL)
		return false;
	n->lo = pfn;
	n->hi = pfn + pages - 1U;
	insert_key(d, n);
	return true;
}

void iova_peer_free(struct iova_peer *d, uint64_t pfn, uint64_t pages)
{
	int c = class_of(pages);

	if (c >= 0 && (UINT64_C(1) << c) == pages && (pfn & (pages - 1U)) == 0U &&
	    rcache_put(d, c, pfn))
		return;
	lock(&d->tree_lock);
	tree_free_pfn(d, pfn);
	unlock(&d->tree_lock);
}
