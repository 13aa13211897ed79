// SPDX-License-Identifier: MIT
/*
 * An intrusive AVL tree of intervals [key, last], ordered by (key, node
 * address) so equal keys are allowed, with each node's subtree maximum of
 * last kept up to date (the augmentation of an interval tree). Two users: a
 * VCM's reservations by device address (disjoint intervals, found with
 * gtree_floor_()), and the system's reverse map by physical address
 * (overlapping intervals: one physical extent may be mapped by many
 * reservations), searched with gtree_overlap_next_() in O(log n) per answer.
 *
 * Rebalancing always walks from the changed node to the root, fixing
 * heights and maxima on the way: simple, and O(log n).
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
