// SPDX-License-Identifier: MIT
/*
 * vcm_vs_check_(): the whole-structure validator that tests run after every
 * operation. It recomputes everything the tree caches and compares: parent
 * and grandparent links, AVL heights and balance, max_gap/loss[] and held
 * summaries, each node's held flag, and that the sentinel, ranges and gaps
 * tile [start, last] exactly, in address order. Also walks the space's
 * bounds. O(n) time, O(height) stack.
 */
#include "vspace_internal.h"


static int bad(struct vcm_vs *vs, const struct vcm_vs_range *n, const char *what)
{
	return VCM_ERR(&vs->diag, -EFAULT, "node %p at %#llx: %s",
		       (const void *)n, n != NULL ? vcm_ull(n->start) : 0ULL, what);
}

static int check_node(struct vcm_vs *vs, struct vcm_vs_range *n, uint64_t *nodes)
{
	struct vcm_vs_range copy;
	int ret;

	if (n == NULL)
		return 0;
	if (++*nodes > vs->count + vs->cache_ranges + 1U)
		return bad(vs, n, "more nodes than ranges (a cycle?)");
	if ((n->magic != VS_MAGIC_LIVE && n->magic != VS_MAGIC_CACHED) || n->space != vs)
		return bad(vs, n, "magic or space wrong");
	if (n->left != NULL && n->left->parent != n)
		return bad(vs, n, "left child's parent link wrong");
	if (n->right != NULL && n->right->parent != n)
		return bad(vs, n, "right child's parent link wrong");
	/* every node but the root is checked here, as a child */
	if (n->left != NULL && n->left->gparent != n->parent)
		return bad(vs, n, "left child's grandparent link wrong");
	if (n->right != NULL && n->right->gparent != n->parent)
		return bad(vs, n, "right child's grandparent link wrong");
	ret = check_node(vs, n->left, nodes);
	if (ret == 0)
		ret = check_node(vs, n->right, nodes);
	if (ret != 0)
		return ret;
	copy = *n;
	if (vs_tree_pull_(&copy))
		return bad(vs, n, "cached height or gap summary is stale");
	{
		int l = n->left != NULL ? (int)vs_height(n->left) : 0;
		int r = n->right != NULL ? (int)vs_height(n->right) : 0;

		if (l - r > 1 || r - l > 1)
			return bad(vs, n, "AVL balance broken");
	}
	return 0;
}

int vcm_vs_check_(struct vcm_vs *vs)
{
	const struct vcm_vs_range *n, *prev = NULL;
	uint64_t nodes = 0, ranges = 0, cached = 0, free_bytes = 0;
	vcm_da_t next_start = 0; /* where the next node must start; wraps at 2^64 */
	bool at_end = false;
	int ret;

	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	if (vs->root == NULL || vs->root->parent != NULL || vs->root->gparent != NULL)
		return bad(vs, vs->root, "root missing or has a parent");
	ret = check_node(vs, vs->root, &nodes);
	if (ret != 0)
		return ret;
	if (nodes != vs->count + vs->cache_ranges + 1U)
		return bad(vs, vs->root, "node count differs from range count");
	if (vs->head.left != NULL)
		return bad(vs, &vs->head, "sentinel is not the first node");
	for (n = &vs->head; n != NULL; prev = n, n = vs_tree_next_(n)) {
		if (at_end)
			return bad(vs, n, "node after the end of the space");
		if (prev == NULL) {
			if (n->start != vs->start || n->len != 0U || n->flags != VS_RANGE_SENTINEL)
				return bad(vs, n, "sentinel wrong");
		} else {
			if (n->start != next_start || n->len == 0U ||
			    !vcm_is_aligned(n->len, VS_PAGE))
				return bad(vs, n, "range does not start where the gap before ends");
			if (n->magic == VS_MAGIC_CACHED)
				cached++;
			else
				ranges++;
			/* a bound's flag follows its space: checked with the bounds below */
			if ((n->flags & (VS_RANGE_BOUND | VS_RANGE_HELD)) == 0U)
				return bad(vs, n, "a range that is not a bound lacks the held flag");
			if ((n->flags & VS_RANGE_BOUND) != 0U && n->magic != VS_MAGIC_LIVE)
				return bad(vs, n, "a bound's range is cached");
		}
		if (!vcm_is_aligned(n->gap, VS_PAGE))
			return bad(vs, n, "gap not a multiple of 4 KiB");
		free_bytes += n->gap;
		/* last byte of range + gap; the sentinel's may be start - 1 */
		if (n->len + n->gap == 0U) {
			next_start = n->start;
			continue;
		}
		if (n->start + (n->len + n->gap - 1U) > vs->last ||
		    n->start + (n->len + n->gap - 1U) < n->start)
			return bad(vs, n, "range or gap runs past the end of the space");
		if (n->start + (n->len + n->gap - 1U) == vs->last)
			at_end = true;
		next_start = n->start + n->len + n->gap;
	}
	if (!at_end)
		return bad(vs, prev, "ranges and gaps do not reach the end of the space");
	if (ranges != vs->count || free_bytes != vs->free_bytes || cached != vs->cache_ranges)
		return bad(vs, NULL, "count, cached count or free bytes differ from the tree");
	ret = vs_cache_check_(vs);
	if (ret != 0)
		return ret;
	for (struct vcm_vs_bound *b = vs->bounds; b != NULL; b = b->next) {
		if (b->magic != VS_MAGIC_BOUND || b->parent != vs || b->range->space != vs ||
		    (b->range->flags & VS_RANGE_BOUND) == 0U || b->space.start != b->range->start ||
		    b->space.last - b->space.start + 1U != b->range->len)
			return bad(vs, b->range, "bound inconsistent with its range");
		if (((b->range->flags & VS_RANGE_HELD) != 0U) != (b->space.count != 0U))
			return bad(vs, b->range, "bound's held flag differs from its space's count");
		ret = vcm_vs_check_(&b->space);
		if (ret != 0)
			return VCM_ERR(&vs->diag, ret, "bound %p: %s", (void *)b,
				       b->space.diag.msg);
	}
	return 0;
}
