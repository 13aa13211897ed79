// SPDX-License-Identifier: MIT
/*
 * Node memory for a space: slabs from meta_alloc, carved lazily with a bump
 * pointer, freed nodes kept on a LIFO list. Slabs double from 32 nodes up to
 * 8192 (about 1 MiB), so meta_alloc runs O(log n) times while a space grows
 * and is off the hot path after that. Slabs go back only at destroy: a space
 * keeps the high-water mark of its node memory. When a bound is freed, its
 * node memory passes to the parent space (vs_nodes_give_()), so a node that
 * was once a range stays metadata of the same tree until the top-level space
 * is destroyed: a stale range handle reads a dead node, never freed memory.
 * A bound that runs out of nodes borrows dead ones from its ancestors before
 * it asks meta_alloc (vs_node_borrow()): else each create/free cycle of a
 * bound would take a new slab and park it in the parent for good.
 */
#include "vspace_internal.h"

#define SLAB_MIN_NODES 32U
#define SLAB_MAX_NODES 8192U

/*
 * Nodes start after the header at a 128-byte boundary and lie 128 bytes
 * apart (VS_NODE_STRIDE; the struct itself is smaller): each node's two
 * halves are two cache lines (vspace_internal.h), and the pair is one
 * aligned 128-byte block, which the adjacent-line prefetchers of common
 * cores fetch together: a miss on either line brings the other (measured at
 * 1M ranges: free + reserve 5% faster than with nodes 112 bytes apart).
 * meta_alloc promises only pointer alignment, so a slab asks for one block
 * more and skips to it.
 */
#define SLAB_HDR   sizeof(struct vs_slab)
#define SLAB_SLACK ((size_t)VS_NODE_STRIDE)

/* The node after @n in its slab. */
static inline struct vcm_vs_range *slab_next(struct vcm_vs_range *n)
{
	return (struct vcm_vs_range *)(void *)((uint8_t *)n + VS_NODE_STRIDE);
}

/*
 * A dead node from the nearest ancestor of bound space @vs that has one, or
 * NULL. vs_nodes_give_() puts a freed bound's nodes on its parent's free list,
 * where only the parent's own reservations would find them; a later bound
 * takes them back from there, so create/free cycles of bounds run on the
 * same nodes. A node only moves down into a live bound and comes back up
 * (with the bound's slabs) when that bound is freed, so it stays metadata of
 * the same top-level space, and a destroy still frees every slab after the
 * last bound that can hold its nodes (a node of a space's subtree is always
 * in a slab of that space or of an ancestor). The caller serialises a space with its
 * bounds (vspace.h), so the ancestors' lists need no lock. O(depth), and only
 * once the bound's own nodes are used up.
 */
static struct vcm_vs_range *vs_node_borrow(struct vcm_vs *vs)
{
	while (vs->is_bound) {
		struct vcm_vs_range *n;

		vs = vs_parent(vs);
		n = vs->free_nodes;
		if (n != NULL) {
			vs->free_nodes = n->parent;
			return n;
		}
	}
	return NULL;
}

struct vcm_vs_range *vs_node_alloc_(struct vcm_vs *vs)
{
	struct vcm_vs_range *n = vs->free_nodes;

	if (n != NULL) {
		vs->free_nodes = n->parent;
		return n;
	}
	if (vs->bump == vs->bump_end) {
		size_t nodes = vs->next_slab_nodes;
		size_t bytes = SLAB_HDR + SLAB_SLACK + nodes * (size_t)VS_NODE_STRIDE;
		struct vs_slab *s;
		uintptr_t first;

		/* own slab used up: a bound's ancestors' dead nodes, else a new slab */
		n = vs_node_borrow(vs);
		if (n != NULL)
			return n;
		s = vs->plat->meta_alloc(vs->plat->ctx, bytes);
		if (s == NULL)
			return NULL;
		s->next = vs->slabs;
		s->bytes = bytes;
		vs->slabs = s;
		first = ((uintptr_t)s + SLAB_HDR + SLAB_SLACK - 1U) & ~(uintptr_t)(SLAB_SLACK - 1U);
		vs->bump = (struct vcm_vs_range *)(void *)((uint8_t *)s + (first - (uintptr_t)s));
		vs->bump_end = (struct vcm_vs_range *)(void *)((uint8_t *)vs->bump +
							      nodes * (size_t)VS_NODE_STRIDE);
		if (nodes < SLAB_MAX_NODES)
			vs->next_slab_nodes = nodes * 2U;
	}
	n = vs->bump;
	vs->bump = slab_next(n);
	return n;
}

void vs_node_free_(struct vcm_vs *vs, struct vcm_vs_range *n)
{
	n->magic = VS_MAGIC_FREE;
	n->space = NULL;
	n->owner = NULL;
	n->parent = vs->free_nodes;
	vs->free_nodes = n;
}

void vs_slabs_release_(struct vcm_vs *vs)
{
	struct vs_slab *s = vs->slabs;

	while (s != NULL) {
		struct vs_slab *next = s->next;

		vs->plat->meta_free(vs->plat->ctx, s, s->bytes);
		s = next;
	}
	vs->slabs = NULL;
	vs->free_nodes = NULL;
	vs->bump = vs->bump_end = NULL;
	vs->next_slab_nodes = SLAB_MIN_NODES;
}

/*
 * Hand every node of @from (an emptied bound's space) to @to, which shares its
 * platform: slabs join @to's list (freed at @to's destroy), dead and not yet
 * carved nodes join @to's free list. Linear in @from's slab size, which the
 * reservations that grew it have paid for.
 */
void vs_nodes_give_(struct vcm_vs *to, struct vcm_vs *from)
{
	struct vcm_vs_range *n = from->free_nodes;
	struct vs_slab *s = from->slabs;

	while (n != NULL) {
		struct vcm_vs_range *next = n->parent;

		vs_node_free_(to, n);
		n = next;
	}
	for (n = from->bump; n != NULL && n != from->bump_end; n = slab_next(n))
		vs_node_free_(to, n);
	while (s != NULL) {
		struct vs_slab *next = s->next;

		s->next = to->slabs;
		to->slabs = s;
		s = next;
	}
	from->slabs = NULL;
	from->free_nodes = NULL;
	from->bump = from->bump_end = NULL;
	from->next_slab_nodes = SLAB_MIN_NODES;
}
