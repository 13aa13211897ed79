// SPDX-License-Identifier: MIT
/*
 * An intrusive AVL tree of intervals [key, last], ordered by (key, node
 * address) so equal keys are allowed, with each node's subtree maximum of
 * last kept up to date (the augmentation of an interval tree). Its main user
 * is the system's reverse map by physical address (overlapping intervals: one
 * physical extent may be mapped by many reservations), searched with
 * gtree_overlap_next_() in O(log n) per answer; the one-to-one mapper keeps
 * its runs in one too (disjoint, found with gtree_floor_()). A VCM's
 * reservations by device address are not here: its vcm_vs is their record.
 *
 * Rebalancing always walks from the changed node to the root, fixing
 * heights and maxima on the way: simple, and O(log n).
 *
 * A batch of m nodes (a reservation's extents, in physical order) goes in or
 * out at once by split and join (Blelloch, Ferizovic and Sun, "Just join for
 * parallel ordered sets", 2016): O(m log(n / m + 1)) rather than m walks of
 * log n, so a batch into an empty tree is built in O(m), and a batch that is
 * the whole tree leaves in O(m).
 */
#include "graph_internal.h"

static int height(const struct gtree_node *n)
{
	return n != NULL ? n->height : 0;
}

static bool before(const struct gtree_node *a, const struct gtree_node *b)
{
	if (a->key != b->key)
		return a->key < b->key;
	return (uintptr_t)a < (uintptr_t)b;
}

static void update(struct gtree_node *n)
{
	int hl = height(n->left), hr = height(n->right);
	uint64_t m = n->last;

	n->height = 1 + (hl > hr ? hl : hr);
	if (n->left != NULL && n->left->max_last > m)
		m = n->left->max_last;
	if (n->right != NULL && n->right->max_last > m)
		m = n->right->max_last;
	n->max_last = m;
}

/* Put @v where @u hangs (v may be NULL). */
static void replace(struct gtree *t, struct gtree_node *u, struct gtree_node *v)
{
	if (u->parent == NULL)
		t->root = v;
	else if (u == u->parent->left)
		u->parent->left = v;
	else
		u->parent->right = v;
	if (v != NULL)
		v->parent = u->parent;
}

static struct gtree_node *rotate_left(struct gtree *t, struct gtree_node *x)
{
	struct gtree_node *y = x->right;

	x->right = y->left;
	if (y->left != NULL)
		y->left->parent = x;
	replace(t, x, y);
	y->left = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

static struct gtree_node *rotate_right(struct gtree *t, struct gtree_node *x)
{
	struct gtree_node *y = x->left;

	x->left = y->right;
	if (y->right != NULL)
		y->right->parent = x;
	replace(t, x, y);
	y->right = x;
	x->parent = y;
	update(x);
	update(y);
	return y;
}

static void rebalance(struct gtree *t, struct gtree_node *n)
{
	while (n != NULL) {
		int bf;

		update(n);
		bf = height(n->left) - height(n->right);
		if (bf > 1) {
			if (height(n->left->left) < height(n->left->right))
				rotate_left(t, n->left);
			n = rotate_right(t, n);
		} else if (bf < -1) {
			if (height(n->right->right) < height(n->right->left))
				rotate_right(t, n->right);
			n = rotate_left(t, n);
		}
		n = n->parent;
	}
}

void gtree_insert_(struct gtree *t, struct gtree_node *n)
{
	struct gtree_node **link = &t->root, *parent = NULL;

	VCM_ASSERT(n->last >= n->key);
	while (*link != NULL) {
		parent = *link;
		link = before(n, parent) ? &parent->left : &parent->right;
	}
	n->left = NULL;
	n->right = NULL;
	n->parent = parent;
	n->height = 1;
	n->max_last = n->last;
	*link = n;
	t->count++;
	rebalance(t, parent);
}

static struct gtree_node *leftmost(struct gtree_node *n)
{
	while (n != NULL && n->left != NULL)
		n = n->left;
	return n;
}

void gtree_remove_(struct gtree *t, struct gtree_node *z)
{
	struct gtree_node *start;

	if (z->left == NULL || z->right == NULL) {
		start = z->parent;
		replace(t, z, z->left != NULL ? z->left : z->right);
	} else {
		struct gtree_node *y = leftmost(z->right);

		if (y->parent != z) {
			start = y->parent;
			replace(t, y, y->right);
			y->right = z->right;
			y->right->parent = y;
		} else {
			start = y;
		}
		replace(t, z, y);
		y->left = z->left;
		y->left->parent = y;
	}
	z->left = z->right = z->parent = NULL;
	t->count--;
	rebalance(t, start);
}

struct gtree_node *gtree_first_(const struct gtree *t)
{
	return leftmost(t->root);
}

struct gtree_node *gtree_next_(const struct gtree_node *n)
{
	if (n->right != NULL)
		return leftmost(n->right);
	while (n->parent != NULL && n == n->parent->right)
		n = n->parent;
	return n->parent;
}

struct gtree_node *gtree_floor_(const struct gtree *t, uint64_t key)
{
	struct gtree_node *n = t->root, *best = NULL;

	while (n != NULL) {
		if (n->key <= key) {
			best = n;
			n = n->right;
		} else {
			n = n->left;
		}
	}
	return best;
}

static struct gtree_node *overlap(struct gtree_node *n, uint64_t lo, uint64_t hi,
				  const struct gtree_node *after)
{
	struct gtree_node *r;

	/* nothing below n reaches lo */
	if (n == NULL || n->max_last < lo)
		return NULL;
	if (after == NULL || before(after, n)) {
		r = overlap(n->left, lo, hi, after);
		if (r != NULL)
			return r;
		if (n->key <= hi && n->last >= lo)
			return n;
	}
	/* the right subtree starts at or after n->key */
	if (n->key > hi)
		return NULL;
	return overlap(n->right, lo, hi, after);
}

struct gtree_node *gtree_overlap_next_(const struct gtree *t, uint64_t lo, uint64_t hi,
				       const struct gtree_node *after)
{
	return overlap(t->root, lo, hi, after);
}

/* ---- batches: split and join ------------------------------------------- */

/* @k over @l and @r, the three detached; @k's own parent is set by its taker. */
static struct gtree_node *mk(struct gtree_node *l, struct gtree_node *k, struct gtree_node *r)
{
	k->left = l;
	k->right = r;
	if (l != NULL)
		l->parent = k;
	if (r != NULL)
		r->parent = k;
	update(k);
	return k;
}

/* Rotations of a detached subtree (rotate_left/right relink into the tree). */
static struct gtree_node *rot_l(struct gtree_node *x)
{
	struct gtree_node *y = x->right;

	mk(x->left, x, y->left);
	return mk(x, y, y->right);
}

static struct gtree_node *rot_r(struct gtree_node *x)
{
	struct gtree_node *y = x->left;

	mk(y->right, x, x->right);
	return mk(y->left, y, x);
}

/* join() when @l is more than one higher than @r: down @l's right spine. */
static struct gtree_node *join_right(struct gtree_node *l, struct gtree_node *k,
				     struct gtree_node *r)
{
	struct gtree_node *ll = l->left, *c = l->right, *t;

	if (height(c) <= height(r) + 1) {
		t = mk(c, k, r);
		if (height(t) <= height(ll) + 1)
			return mk(ll, l, t);
		return rot_l(mk(ll, l, rot_r(t)));
	}
	t = join_right(c, k, r);
	l = mk(ll, l, t);
	return height(t) <= height(ll) + 1 ? l : rot_l(l);
}

/* The mirror image: @r more than one higher than @l. */
static struct gtree_node *join_left(struct gtree_node *l, struct gtree_node *k,
				    struct gtree_node *r)
{
	struct gtree_node *rr = r->right, *c = r->left, *t;

	if (height(c) <= height(l) + 1) {
		t = mk(l, k, c);
		if (height(t) <= height(rr) + 1)
			return mk(t, r, rr);
		return rot_r(mk(rot_l(t), r, rr));
	}
	t = join_left(l, k, c);
	r = mk(t, r, rr);
	return height(t) <= height(rr) + 1 ? r : rot_r(r);
}

/* A balanced tree of @l, then @k, then @r (every node of @l before @k, ...). */
static struct gtree_node *join(struct gtree_node *l, struct gtree_node *k, struct gtree_node *r)
{
	if (height(l) > height(r) + 1)
		return join_right(l, k, r);
	if (height(r) > height(l) + 1)
		return join_left(l, k, r);
	return mk(l, k, r);
}

/*
 * Cut @t into the nodes before @k (*@lo) and after it (*@hi); @k itself,
 * if it is in @t, in neither.
 */
static void split(struct gtree_node *t, const struct gtree_node *k, struct gtree_node **lo,
		  struct gtree_node **hi)
{
	struct gtree_node *l, *r, *x;

	if (t == NULL) {
		*lo = NULL;
		*hi = NULL;
		return;
	}
	l = t->left;
	r = t->right;
	if (t == k) {
		*lo = l;
		*hi = r;
	} else if (before(k, t)) {
		split(l, k, lo, &x);
		*hi = join(x, t, r);
	} else {
		split(r, k, &x, hi);
		*lo = join(l, t, x);
	}
}

/* Take the last node out of @t (not empty): returned; the rest in *@rest. */
static struct gtree_node *split_last(struct gtree_node *t, struct gtree_node **rest)
{
	struct gtree_node *m, *x;

	if (t->right == NULL) {
		*rest = t->left;
		return t;
	}
	m = split_last(t->right, &x);
	*rest = join(t->left, t, x);
	return m;
}

/* @l then @r, without a middle node. */
static struct gtree_node *join2(struct gtree_node *l, struct gtree_node *r)
{
	struct gtree_node *rest, *m;

	if (l == NULL)
		return r;
	if (r == NULL)
		return l;
	m = split_last(l, &rest);
	return join(rest, m, r);
}

static struct gtree_node *batch_at(const struct gtree_batch *b, uint64_t i)
{
	return (struct gtree_node *)(void *)(b->base + (size_t)b->order[i] * b->stride);
}

/* Nodes [@lo, @hi) of @b as a tree of their own: each middle over its halves. */
static struct gtree_node *build_batch(const struct gtree_batch *b, uint64_t lo, uint64_t hi)
{
	struct gtree_node *k, *l, *r;
	uint64_t mid;

	if (lo == hi)
		return NULL;
	mid = lo + (hi - lo) / 2U;
	k = batch_at(b, mid);
	VCM_ASSERT(k->last >= k->key);
	VCM_ASSERT(mid == lo || before(batch_at(b, mid - 1U), k));
	l = build_batch(b, lo, mid);
	r = build_batch(b, mid + 1U, hi);
	/* halves differ by at most one node, so their heights by at most one */
	return mk(l, k, r);
}

/* @t with nodes [@lo, @hi) of @b added: the middle one splits @t, each half takes its side. */
static struct gtree_node *union_batch(struct gtree_node *t, const struct gtree_batch *b,
				      uint64_t lo, uint64_t hi)
{
	struct gtree_node *k, *l, *r;
	uint64_t mid;

	if (t == NULL)
		return build_batch(b, lo, hi);
	if (lo == hi)
		return t;
	mid = lo + (hi - lo) / 2U;
	k = batch_at(b, mid);
	VCM_ASSERT(k->last >= k->key);
	VCM_ASSERT(mid == lo || before(batch_at(b, mid - 1U), k));
	split(t, k, &l, &r);
	l = union_batch(l, b, lo, mid);
	r = union_batch(r, b, mid + 1U, hi);
	return join(l, k, r);
}

/* @t without nodes [@lo, @hi) of @b, every one of which is in it. */
static struct gtree_node *minus_batch(struct gtree_node *t, const struct gtree_batch *b,
				      uint64_t lo, uint64_t hi)
{
	struct gtree_node *k, *l, *r;
	uint64_t mid;

	if (lo == hi)
		return t;
	mid = lo + (hi - lo) / 2U;
	k = batch_at(b, mid);
	if (t == k) {
		/* a tree the batch built: its middle is at the top */
		l = t->left;
		r = t->right;
	} else {
		split(t, k, &l, &r);
	}
	l = minus_batch(l, b, lo, mid);
	r = minus_batch(r, b, mid + 1U, hi);
	return join2(l, r);
}

static void set_root(struct gtree *t, struct gtree_node *root)
{
	t->root = root;
	if (root != NULL)
		root->parent = NULL;
}

void gtree_insert_batch_(struct gtree *t, const struct gtree_batch *b)
{
	/* one node (contiguous memory): a plain insert, not a split of its whole path */
	if (b->n == 1U) {
		gtree_insert_(t, batch_at(b, 0));
		return;
	}
	set_root(t, union_batch(t->root, b, 0, b->n));
	t->count += b->n;
}

void gtree_remove_batch_(struct gtree *t, const struct gtree_batch *b)
{
	if (b->n == 1U) {
		gtree_remove_(t, batch_at(b, 0));
		return;
	}
	VCM_ASSERT(t->count >= b->n);
	set_root(t, minus_batch(t->root, b, 0, b->n));
	t->count -= b->n;
}

static int check_node(const struct gtree_node *n, const struct gtree_node *parent,
		      uint64_t *count)
{
	int hl, hr;
	uint64_t m = n->last;

	if (n->parent != parent || n->last < n->key)
		return -EFAULT;
	if (n->left != NULL && (!before(n->left, n) || check_node(n->left, n, count) != 0))
		return -EFAULT;
	if (n->right != NULL && (!before(n, n->right) || check_node(n->right, n, count) != 0))
		return -EFAULT;
	hl = height(n->left);
	hr = height(n->right);
	if (n->height != 1 + (hl > hr ? hl : hr) || hl - hr > 1 || hr - hl > 1)
		return -EFAULT;
	if (n->left != NULL && n->left->max_last > m)
		m = n->left->max_last;
	if (n->right != NULL && n->right->max_last > m)
		m = n->right->max_last;
	if (n->max_last != m)
		return -EFAULT;
	(*count)++;
	return 0;
}

int gtree_check_(const struct gtree *t)
{
	uint64_t count = 0;
	const struct gtree_node *n, *prev = NULL;

	if (t->root != NULL && check_node(t->root, NULL, &count) != 0)
		return -EFAULT;
	if (count != t->count)
		return -EFAULT;
	/* in-order walk agrees with the order (catches a wrong subtree bound) */
	for (n = gtree_first_(t); n != NULL; n = gtree_next_(n)) {
		if (prev != NULL && !before(prev, n))
			return -EFAULT;
		prev = n;
	}
	return 0;
}
