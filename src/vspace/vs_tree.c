// SPDX-License-Identifier: MIT
/*
 * The vspace tree: an AVL tree of ranges in address order with parent links,
 * augmented so that one descent finds the lowest gap holding an aligned fit.
 *
 * Each node carries the gap after its range; max_gap and loss[] summarise the
 * subtree (vspace_internal.h), and one bit whether any node below is
 * VS_RANGE_HELD (vs_tree_next_held_(), the graph's walk past empty bounds).
 * After a change, vs_tree_pull_() recomputes a node from its children and
 * fix_up() walks towards the root, rebalancing, and stops at the first node
 * whose height and summary did not change: its ancestors were computed from
 * the same values. Positions are structural
 * (insert after a given node), never by comparing keys, so the zero-length
 * sentinel at the space's start needs no special case.
 *
 * Non-goals: keys other than address, duplicate addresses, locking.
 */
#include "vspace_internal.h"

/* vs_tree_pull_()'s 16-bit lanes in vector registers (below) */
#if defined(__GNUC__) && (defined(__SSE2__) || defined(__ARM_NEON))
#define VS_PULL_SIMD 1
#else
#define VS_PULL_SIMD 0
#endif
#if VS_PULL_SIMD && defined(__ARM_NEON)
#include <arm_neon.h>
#endif

_Static_assert((uint64_t)VS_RANGE_HELD << (VS_SUM_HELD_SHIFT - 2U) == VS_SUM_HELD,
	       "vs_tree_pull_() shifts the held flag into its summary bit");

/* Large enough that no real loss (< 2^18 pages) is ever as big. */
#define LOSS_CAP (UINT32_C(1) << 30)

/* Stands in for a missing child: no gap, so it fits nothing. */
static const struct vcm_vs_range nil;

static inline unsigned int height(const struct vcm_vs_range *n)
{
	return n != NULL ? vs_height(n) : 0U;
}

static inline uint32_t pages_capped(uint64_t bytes)
{
	uint64_t p = bytes >> VS_PAGE_LG2;

	return p < LOSS_CAP ? (uint32_t)p : LOSS_CAP;
}

/* min(pages_capped(bytes), 0xffff), straight from the bytes: one step less */
static inline uint16_t pages_capped16(uint64_t bytes)
{
	uint64_t p = bytes >> VS_PAGE_LG2;

	return p < 0xffffU ? (uint16_t)p : 0xffffU;
}

/* Pages-minus-one of each class's alignment: 8K is 1 page, 1G is 2^18 pages. */
static const uint32_t class_mask[VS_NCLASS] = {
	0x1, 0x3, 0x7, 0xf, 0x1f, 0x3f, 0x7f, 0xff, 0x1ff, 0x3ff, 0x7ff, 0xfff,
	0x1fff, 0x3fff, 0x7fff, 0xffff, 0x1ffff, 0x3ffff,
};

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

#if VS_PULL_SIMD
/*
 * Where the target has 128-bit SIMD (SSE2, NEON), vs_tree_pull_() holds the
 * 16 lanes in two vectors of eight, GCC and Clang's vector types. Left to the
 * auto-vectoriser, the loop went through a copy on the stack and reduced the
 * comparison at 32 bits. Without SIMD, GCC lowers vector code lane by lane to
 * several times the loop's size, so there, and for other compilers, the
 * scalar loop computes the same.
 */
typedef uint16_t vs_u16x8 __attribute__((vector_size(16)));
typedef int16_t vs_i16x8 __attribute__((vector_size(16)));
typedef uint64_t vs_u64x2 __attribute__((vector_size(16)));

/* class_mask[0..15], eight lanes at a time */
static const vs_u16x8 class_mask16_lo = {
	0x1, 0x3, 0x7, 0xf, 0x1f, 0x3f, 0x7f, 0xff,
};
static const vs_u16x8 class_mask16_hi = {
	0x1ff, 0x3ff, 0x7ff, 0xfff, 0x1fff, 0x3fff, 0x7fff, 0xffff,
};

static inline vs_u16x8 splat16(uint16_t x)
{
	return (vs_u16x8){ x, x, x, x, x, x, x, x };
}

/*
 * Lane-wise sat_add16() and min. GCC turns neither generic idiom into the
 * saturating add or the min instruction (Clang does on x86), so it is given
 * them; SSE2 has no unsigned 16-bit min, but a - (a -sat b) is one.
 */
static inline vs_u16x8 sat_add16x8(vs_u16x8 a, vs_u16x8 b)
{
#if defined(__ARM_NEON)
	return (vs_u16x8)vqaddq_u16((uint16x8_t)a, (uint16x8_t)b);
#elif !defined(__clang__)
	return (vs_u16x8)__builtin_ia32_paddusw128((vs_i16x8)a, (vs_i16x8)b);
#else
	vs_u16x8 s = a + b;

	return s | (vs_u16x8)(s < a);
#endif
}

static inline vs_u16x8 min16x8(vs_u16x8 a, vs_u16x8 b)
{
#if defined(__ARM_NEON)
	return (vs_u16x8)vminq_u16((uint16x8_t)a, (uint16x8_t)b);
#elif !defined(__clang__)
	return a - (vs_u16x8)__builtin_ia32_psubusw128((vs_i16x8)a, (vs_i16x8)b);
#else
	return b ^ ((a ^ b) & (vs_u16x8)(a < b));
#endif
}
#else
/* a + b, or 0xffff if that does not fit 16 bits */
static inline uint16_t sat_add16(uint16_t a, uint16_t b)
{
	uint16_t s = (uint16_t)(a + b);

	return (uint16_t)(s | (uint16_t)-(uint16_t)(s < a));
}
#endif /* VS_PULL_SIMD */

/*
 * Recompute @n's height, max_gap and loss[] from its children; true if any
 * changed. The hot spot of every update: the new values are computed in
 * registers, compared with the old ones by one OR-reduction, then stored.
 */
bool vs_tree_pull_(struct vcm_vs_range *n)
{
	const struct vcm_vs_range *l = n->left != NULL ? n->left : &nil;
	const struct vcm_vs_range *r = n->right != NULL ? n->right : &nil;
	unsigned int hl = vs_height(l), hr = vs_height(r);
	uint64_t h = (uint64_t)((hl > hr ? hl : hr) + 1U);
	uint64_t lm = vs_max_gap(l), rm = vs_max_gap(r), sum, diff;
	uint64_t m = n->gap;
	uint32_t own_g, off_own, off_l, off_r, loss32[VS_NCLASS - VS_NLOSS16];
	/* pages from the gap's start to the next 2^32-page boundary, mod 2^32 */
	uint32_t misalign = (uint32_t)((0U - vs_gap_start(n)) >> VS_PAGE_LG2);

	if (lm > m)
		m = lm;
	if (rm > m)
		m = rm;
	own_g = pages_capped(n->gap);
	off_own = pages_capped(m - n->gap);
	off_l = pages_capped(m - lm);
	off_r = pages_capped(m - rm);
	sum = (h << VS_SUM_HEIGHT_SHIFT) | (m >> VS_PAGE_LG2) |
	      ((l->sum | r->sum) & VS_SUM_HELD) |
	      ((uint64_t)(n->flags & VS_RANGE_HELD) << (VS_SUM_HELD_SHIFT - 2U));
	diff = sum ^ n->sum;
	/*
	 * Own gap: a class-k fit loses the padding up to the next boundary. The
	 * minimum is the true loss, below 2^(k+1) pages, so for k <= 15 it fits
	 * 16 bits and the lanes are computed in 16 bits, saturating at 0xffff: a
	 * saturated candidate is never below the true minimum, so the minimum
	 * stays exact (16 lanes = two SSE2 registers). The 32-bit lanes go
	 * first: the compiler cannot tell the children's loss32 from @n's loss16,
	 * so their loads would otherwise wait for the loss16 stores.
	 */
	for (unsigned int k = VS_NLOSS16; k < VS_NCLASS; k++) {
		uint32_t own = min_u32(misalign & class_mask[k], own_g) + off_own;
		unsigned int j = k - VS_NLOSS16;

		loss32[j] = min_u32(own, min_u32(l->loss32[j] + off_l, r->loss32[j] + off_r));
		diff |= loss32[j] ^ n->loss32[j];
	}
	{
		uint16_t own_g16 = pages_capped16(n->gap);
		uint16_t off_own16 = pages_capped16(m - n->gap);
		uint16_t off_l16 = pages_capped16(m - lm);
		uint16_t off_r16 = pages_capped16(m - rm);
#if VS_PULL_SIMD
		vs_u16x8 mis = splat16((uint16_t)misalign), g = splat16(own_g16);
		vs_u16x8 oo = splat16(off_own16), ol = splat16(off_l16), orr = splat16(off_r16);
		vs_u16x8 l0, l1, r0, r1, o0, o1, n0, n1;
		vs_u64x2 d;

		/* loss16 sits 24 bytes into the line: unaligned loads and stores */
		__builtin_memcpy(&l0, &l->loss16[0], sizeof(l0));
		__builtin_memcpy(&l1, &l->loss16[8], sizeof(l1));
		__builtin_memcpy(&r0, &r->loss16[0], sizeof(r0));
		__builtin_memcpy(&r1, &r->loss16[8], sizeof(r1));
		__builtin_memcpy(&o0, &n->loss16[0], sizeof(o0));
		__builtin_memcpy(&o1, &n->loss16[8], sizeof(o1));
		n0 = min16x8(sat_add16x8(min16x8(mis & class_mask16_lo, g), oo),
			     min16x8(sat_add16x8(l0, ol), sat_add16x8(r0, orr)));
		n1 = min16x8(sat_add16x8(min16x8(mis & class_mask16_hi, g), oo),
			     min16x8(sat_add16x8(l1, ol), sat_add16x8(r1, orr)));
		d = (vs_u64x2)((n0 ^ o0) | (n1 ^ o1));
		diff |= d[0] | d[1];
		__builtin_memcpy(&n->loss16[0], &n0, sizeof(n0));
		__builtin_memcpy(&n->loss16[8], &n1, sizeof(n1));
#else
		for (unsigned int k = 0; k < VS_NLOSS16; k++) {
			uint16_t pad = (uint16_t)(misalign & class_mask[k]);
			uint16_t own = sat_add16(pad < own_g16 ? pad : own_g16, off_own16);
			uint16_t cl = sat_add16(l->loss16[k], off_l16);
			uint16_t cr = sat_add16(r->loss16[k], off_r16);
			uint16_t m2 = cl < cr ? cl : cr;
			uint16_t v = own < m2 ? own : m2;

			diff |= (uint16_t)(v ^ n->loss16[k]);
			n->loss16[k] = v;
		}
#endif
	}
	for (unsigned int j = 0; j < VS_NCLASS - VS_NLOSS16; j++)
		n->loss32[j] = loss32[j];
	n->sum = sum;
	return diff != 0U;
}

void vs_tree_init_(struct vcm_vs *vs)
{
	struct vcm_vs_range *h = &vs->head;

	h->left = h->right = h->parent = h->gparent = NULL;
	h->sum = 0;
	(void)vs_tree_pull_(h);
	vs->root = h;
}

static void replace_child(struct vcm_vs *vs, struct vcm_vs_range *parent,
			  struct vcm_vs_range *old, struct vcm_vs_range *new)
{
	if (parent == NULL)
		vs->root = new;
	else if (parent->left == old)
		parent->left = new;
	else
		parent->right = new;
}

/*
 * @n's parent link is final; @gp is its parent's parent. Set @n's grandparent
 * link and its children's (their grandparent is @n's parent).
 */
static inline void relink_gp(struct vcm_vs_range *n, struct vcm_vs_range *gp)
{
	n->gparent = gp;
	if (n->left != NULL)
		n->left->gparent = n->parent;
	if (n->right != NULL)
		n->right->gparent = n->parent;
}

/*
 * The rotations move three parent links (x, y and the subtree b that changes
 * sides), so seven grandparent links can change: x, y, b, the children of x
 * and y, and b's children. The old x->gparent is y's new one; p is not read.
 */
static struct vcm_vs_range *rotate_left(struct vcm_vs *vs, struct vcm_vs_range *x)
{
	struct vcm_vs_range *y = x->right, *p = x->parent, *b = y->left;

	x->right = b;
	if (b != NULL)
		b->parent = x;
	y->left = x;
	x->parent = y;
	y->parent = p;
	replace_child(vs, p, x, y);
	relink_gp(y, x->gparent); /* y, x and y's right child */
	relink_gp(x, p);          /* x, x's left child and b */
	if (b != NULL)
		relink_gp(b, y);  /* b's children */
	(void)vs_tree_pull_(x);
	(void)vs_tree_pull_(y);
	return y;
}

static struct vcm_vs_range *rotate_right(struct vcm_vs *vs, struct vcm_vs_range *x)
{
	struct vcm_vs_range *y = x->left, *p = x->parent, *b = y->right;

	x->left = b;
	if (b != NULL)
		b->parent = x;
	y->right = x;
	x->parent = y;
	y->parent = p;
	replace_child(vs, p, x, y);
	relink_gp(y, x->gparent);
	relink_gp(x, p);
	if (b != NULL)
		relink_gp(b, y);
	(void)vs_tree_pull_(x);
	(void)vs_tree_pull_(y);
	return y;
}

/* @n is off balance by 2; return the new root of its subtree. */
static struct vcm_vs_range *rebalance(struct vcm_vs *vs, struct vcm_vs_range *n)
{
	if (height(n->left) > height(n->right)) {
		if (height(n->left->left) < height(n->left->right))
			rotate_left(vs, n->left);
		return rotate_right(vs, n);
	}
	if (height(n->right->right) < height(n->right->left))
		rotate_right(vs, n->right);
	return rotate_left(vs, n);
}

/*
 * Bring @n and its ancestors up to date: climb while a node changes. @must,
 * if not NULL, is an ancestor of @n whose own value is stale (its gap
 * changed, or it took another node's place): it is recomputed even if the
 * climb stopped below it, and the climb goes on above it. Nodes between
 * are recomputed only while they change, so two updates on one path (a
 * new leaf and the gap it came from; an erased node and the predecessor
 * taking its bytes) cost one climb.
 */
static void fix_up(struct vcm_vs *vs, struct vcm_vs_range *n, struct vcm_vs_range *must)
{
	bool deep = vs_deep(vs);

	while (n != NULL) {
		const struct vcm_vs_range *p = n->parent;
		bool changed;

		/*
		 * Each parent's address is read from the node below, so the climb's
		 * misses would come one after another. Ask for the grandparent and,
		 * through the parent's own gparent link (its block is read here
		 * anyway), the level above it: from the second step on, the parent
		 * and grandparent were asked for by the steps below, so up to three
		 * levels are on their way at once. The parent's pull will read n's
		 * sibling: start that miss too.
		 */
		if (deep && p != NULL) {
			vs_prefetch(n->gparent);
			vs_prefetch(p->gparent);
			vs_prefetch(p->left == n ? p->right : p->left);
		}
		changed = vs_tree_pull_(n);
		int bal = (int)height(n->left) - (int)height(n->right);

		if (n == must) {
			must = NULL;
			changed = true;
		}
		if (bal > 1 || bal < -1) {
			n = rebalance(vs, n);
			changed = true;
		}
		if (changed)
			n = n->parent;
		else if (must != NULL)
			n = must; /* the nodes in between were computed from unchanged values */
		else
			return;
	}
}

/*
 * Recompute @n and its ancestors while they change, stopping below @stop:
 * for a gap that changed where the shape of the tree did not, so no height
 * changes and nothing needs rebalancing.
 */
static void refresh_below(struct vcm_vs_range *n, const struct vcm_vs_range *stop)
{
	while (n != stop && vs_tree_pull_(n))
		n = n->parent;
}

/*
 * Link @n as the in-order successor of @prev, whose gap the caller has
 * already shrunk. @n lands in @prev's right subtree, so one climb from @n
 * that must pass @prev brings both up to date.
 */
void vs_tree_insert_after_(struct vcm_vs *vs, struct vcm_vs_range *prev, struct vcm_vs_range *n)
{
	struct vcm_vs_range *at;

	n->left = n->right = NULL;
	n->sum = 0;
	if (prev->right == NULL) {
		prev->right = n;
		n->parent = prev;
	} else {
		for (at = prev->right; at->left != NULL; at = at->left)
			;
		at->left = n;
		n->parent = at;
	}
	n->gparent = n->parent->parent;
	fix_up(vs, n, prev);
}

/*
 * Take @n out of the tree and give its range and gap to its in-order
 * predecessor, which is returned (the sentinel is always there). Where the
 * predecessor lies decides the one climb (fix_up()):
 *  - @n has no left child: the predecessor is an ancestor; the climb runs
 *    from @n's parent and must pass it;
 *  - @n has only a left child: the predecessor is in it; the climb runs
 *    from there and must pass @n's parent, which lost a child;
 *  - two children: @n's successor s takes its place; the predecessor's
 *    ancestors below s are refreshed (their shape did not change), then
 *    the climb runs from s's old parent and must pass s.
 */
struct vcm_vs_range *vs_tree_erase_(struct vcm_vs *vs, struct vcm_vs_range *n)
{
	struct vcm_vs_range *prev, *from, *must;

	prev = vs_tree_prev_(n);

	VCM_ASSERT(n != &vs->head && prev != NULL);
	prev->gap += n->len + n->gap;
	if (n->left != NULL && n->right != NULL) {
		struct vcm_vs_range *s = n->right;

		while (s->left != NULL)
			s = s->left;
		struct vcm_vs_range *sr = s->right;

		if (s->parent != n) {
			from = s->parent;
			from->left = sr;
			if (sr != NULL)
				sr->parent = from;
			s->right = n->right;
			n->right->parent = s;
		} else {
			from = s;
		}
		s->left = n->left;
		n->left->parent = s;
		s->parent = n->parent;
		replace_child(vs, n->parent, n, s);
		/*
		 * Parent links moved: s, n's children (now s's), and if s came
		 * from deeper, its right child (now from's). Each such node's
		 * grandparent link and its children's follow.
		 */
		relink_gp(s, n->gparent);
		relink_gp(s->left, n->parent);
		if (from != s) {
			relink_gp(s->right, n->parent);
			if (sr != NULL)
				relink_gp(sr, from->parent);
		}
		refresh_below(prev, s);
		must = s;
	} else {
		struct vcm_vs_range *child = n->left != NULL ? n->left : n->right;

		from = n->parent;
		if (child != NULL) {
			child->parent = from;
			relink_gp(child, n->gparent);
		}
		replace_child(vs, from, n, child);
		if (n->left != NULL) {
			must = from;
			from = prev;
		} else {
			must = prev;
		}
	}
	n->left = n->right = n->parent = n->gparent = NULL;
	fix_up(vs, from, must);
	return prev;
}

/* Does the subtree of @n hold a gap with @len bytes at a 2^align_lg2 boundary? */
static inline bool subtree_fits(const struct vcm_vs_range *n, uint64_t len, unsigned int align_lg2)
{
	uint64_t m;

	if (n == NULL)
		return false;
	m = vs_max_gap(n);
	if (m < len)
		return false;
	if (align_lg2 == VS_PAGE_LG2)
		return true;
	return m - len >= (uint64_t)vs_loss(n, align_lg2 - VS_PAGE_LG2 - 1U) << VS_PAGE_LG2;
}

static inline bool own_fits(const struct vcm_vs_range *n, uint64_t len, unsigned int align_lg2)
{
	uint64_t pad = (0U - vs_gap_start(n)) & vcm_low_mask(align_lg2);

	return n->gap >= len && n->gap - len >= pad;
}

/* Does the tree hold an aligned fit at all? O(1): the root's summary. */
bool vs_tree_fits_(const struct vcm_vs *vs, uint64_t len, unsigned int align_lg2)
{
	return subtree_fits(vs->root, len, align_lg2);
}

struct vcm_vs_range *vs_tree_first_fit_(const struct vcm_vs *vs, uint64_t len,
					unsigned int align_lg2)
{
	const struct vcm_vs_range *n = vs->root;
	bool deep = vs_deep(vs);

	if (!subtree_fits(n, len, align_lg2))
		return NULL;
	for (;;) {
		/* whichever way we go, these are next: load them beside the left child */
		if (deep) {
			vs_prefetch(n->right);
			vs_prefetch((const uint8_t *)n + VS_NODE_LINE);
		}
		if (subtree_fits(n->left, len, align_lg2))
			n = n->left;
		else if (own_fits(n, len, align_lg2))
			return (struct vcm_vs_range *)n;
		else
			n = n->right; /* the summary promised a fit, so it is here */
		VCM_ASSERT(n != NULL);
	}
}

/* The node with the highest start <= @da (the sentinel if none other). */
struct vcm_vs_range *vs_tree_floor_(const struct vcm_vs *vs, vcm_da_t da)
{
	struct vcm_vs_range *n = vs->root, *best = NULL;

	while (n != NULL) {
		if (da < n->start) {
			n = n->left;
		} else {
			best = n;
			n = n->right;
		}
	}
	return best;
}

struct vcm_vs_range *vs_tree_next_(const struct vcm_vs_range *n)
{
	if (n->right != NULL) {
		n = n->right;
		while (n->left != NULL)
			n = n->left;
		return (struct vcm_vs_range *)n;
	}
	while (n->parent != NULL && n->parent->right == n)
		n = n->parent;
	return n->parent;
}

struct vcm_vs_range *vs_tree_prev_(const struct vcm_vs_range *n)
{
	if (n->left != NULL) {
		n = n->left;
		while (n->right != NULL)
			n = n->right;
		return (struct vcm_vs_range *)n;
	}
	while (n->parent != NULL && n->parent->left == n)
		n = n->parent;
	return n->parent;
}

/*
 * @n's VS_RANGE_HELD flag changed, nothing else: bring the held bit of it
 * and its ancestors up to date. Only that bit can change, so the climb skips
 * the full pull and stops at the first node whose bit stays as it was: most
 * often @n itself or its parent, which hold something else.
 */
void vs_tree_held_update_(struct vcm_vs_range *n)
{
	for (; n != NULL; n = n->parent) {
		bool held = (n->flags & VS_RANGE_HELD) != 0U || vs_held_below(n->left) ||
			    vs_held_below(n->right);

		if (held == ((n->sum & VS_SUM_HELD) != 0U))
			return;
		n->sum ^= VS_SUM_HELD;
	}
}

/* The first VS_RANGE_HELD node in subtree @n, which holds one. */
static struct vcm_vs_range *first_held(const struct vcm_vs_range *n)
{
	for (;;) {
		VCM_ASSERT(vs_held_below(n));
		if (vs_held_below(n->left))
			n = n->left;
		else if ((n->flags & VS_RANGE_HELD) != 0U)
			return (struct vcm_vs_range *)n;
		else
			n = n->right;
	}
}

/*
 * The first VS_RANGE_HELD node after @n in address order, or NULL. One climb
 * and one descent, O(height): the subtrees that hold nothing (empty bounds)
 * are passed by their summary bit, not node by node.
 */
struct vcm_vs_range *vs_tree_next_held_(const struct vcm_vs_range *n)
{
	for (;;) {
		const struct vcm_vs_range *c;

		if (vs_held_below(n->right))
			return first_held(n->right);
		/* up to the first ancestor with @n on its left: the next in order */
		do {
			c = n;
			n = n->parent;
			if (n == NULL)
				return NULL;
		} while (n->right == c);
		if ((n->flags & VS_RANGE_HELD) != 0U)
			return (struct vcm_vs_range *)n;
	}
}
