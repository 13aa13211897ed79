// SPDX-License-Identifier: MIT
/*
 * Bounds: a sub-range taken from a space like a reservation (one range of the
 * parent, flagged so that vcm_vs_unreserve() refuses it) that is itself a
 * space, with its own tree and node slabs, sharing the parent's plat. The
 * parent keeps its bounds on a list so that destroy can free them.
 *
 * A freed bound's struct stays with the parent (reused by the next bound) and
 * its node memory passes to the parent (slab.c) until the top-level space is
 * destroyed, so a stale bound handle, or a stale range handle from a freed
 * bound, is caught by its magic instead of being a use after free.
 *
 * Non-goals: resizing a bound, freeing a bound that still holds ranges.
 */
#include "vspace_internal.h"

/*
 * A bound struct: a freed one of @vs or of its nearest ancestor that has one,
 * else new; *@fresh says which. Freeing a bound passes its freed inner bound
 * structs to its parent, so without the ancestors' lists every cycle of a
 * bound holding an inner bound would take a new struct (as slab.c borrows
 * nodes). The struct stays metadata of the same top-level space.
 */
static struct vcm_vs_bound *bound_get(struct vcm_vs *vs, bool *fresh)
{
	const struct vcm_plat_ops *plat = vs->plat;
	struct vcm_vs_bound *b;

	for (struct vcm_vs *a = vs;; a = vs_parent(a)) {
		b = a->free_bounds;
		if (b != NULL) {
			*fresh = false;
			a->free_bounds = b->next;
			return b;
		}
		if (!a->is_bound)
			break;
	}
	*fresh = true;
	b = plat->meta_alloc(plat->ctx, sizeof(*b));
	if (b == NULL)
		VCM_ERR(&vs->diag, -ENOMEM, "meta_alloc of %zu bytes failed", sizeof(*b));
	else
		b->magic = 0;
	return b;
}

/* Take @rq (every argument checked first) as a new bound of @vs. */
static int bound_take(struct vcm_vs *vs, const struct vs_req *rq,
		      struct vcm_vs_bound **out)
{
	struct vs_place pl;
	struct vcm_vs_range *r;
	struct vcm_vs_bound *b;
	bool fresh;
	int ret;

	if (out == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "out is NULL");
	/* check every argument before taking the bound struct, then plan again */
	ret = vs_place_(vs, rq, &pl);
	if (ret != 0)
		return ret;
	b = bound_get(vs, &fresh);
	if (b == NULL)
		return -ENOMEM;
	ret = vs_take_(vs, rq, &pl, &r);
	if (ret != 0) {
		if (fresh) {
			vs->plat->meta_free(vs->plat->ctx, b, sizeof(*b));
		} else {
			b->next = vs->free_bounds;
			vs->free_bounds = b;
		}
		return ret;
	}
	/* empty, so not held until its first reservation (vs_count_add_()) */
	vs_carve_(vs, &pl, r, VS_RANGE_BOUND);
	vs_space_init_(&b->space, r->start, r->start + (r->len - 1U), vs->plat);
	b->space.is_bound = true;
	/* a bound caches like its parent (its own magazines, taken when needed) */
	b->space.cache_on = vs->cache_on;
	b->space.cache_max_ranges = vs->cache_max_ranges;
	b->space.cache_max_bytes = vs->cache_max_bytes;
	b->space.cache_nlocal = vs->cache_nlocal;
	b->space.cache_local_fn = vs->cache_local_fn;
	b->space.cache_local_ctx = vs->cache_local_ctx;
	b->magic = VS_MAGIC_BOUND;
	b->parent = vs;
	b->range = r;
	b->prev = NULL;
	b->next = vs->bounds;
	if (b->next != NULL)
		b->next->prev = b;
	vs->bounds = b;
	*out = b;
	return 0;
}

int vcm_vs_bound_create(struct vcm_vs *vs, uint64_t len, uint64_t align,
			struct vcm_vs_bound **out)
{
	struct vs_req rq = { .at = false, .len = len, .align = align };

	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	return bound_take(vs, &rq, out);
}

int vcm_vs_bound_create_at(struct vcm_vs *vs, vcm_da_t da, uint64_t len,
			   struct vcm_vs_bound **out)
{
	struct vs_req rq = { .at = true, .da = da, .len = len };

	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	return bound_take(vs, &rq, out);
}

int vcm_vs_bound_free(struct vcm_vs *vs, struct vcm_vs_bound *b)
{
	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	if (b == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "bound is NULL");
	if (b->magic != VS_MAGIC_BOUND)
		return VCM_ERR(&vs->diag, -EINVAL,
			       "bound %p is not live (freed already?)", (void *)b);
	if (b->parent != vs)
		return VCM_ERR(&vs->diag, -EINVAL,
			       "bound %p belongs to space %p, not %p",
			       (void *)b, (void *)b->parent, (void *)vs);
	if (b->space.count != 0U)
		return VCM_ERR(&vs->diag, -EBUSY,
			       "bound %p at %#llx still holds %llu ranges", (void *)b,
			       vcm_ull(b->range->start), vcm_ull(b->space.count));
	/* its cached ranges go back to its tree, its magazines to meta_free */
	vs_cache_release_(&b->space);
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		vs->bounds = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	vs_remove_(vs, b->range);
	/* the bound is empty: no live bound inside, only freed ones and dead nodes */
	VCM_ASSERT(b->space.bounds == NULL);
	vs_nodes_give_(vs, &b->space);
	while (b->space.free_bounds != NULL) {
		struct vcm_vs_bound *fb = b->space.free_bounds;

		b->space.free_bounds = fb->next;
		fb->next = vs->free_bounds;
		vs->free_bounds = fb;
	}
	b->space.magic = 0;
	b->magic = VS_MAGIC_FREE;
	b->parent = NULL;
	b->next = vs->free_bounds;
	vs->free_bounds = b;
	return 0;
}

int vcm_vs_bound_reserve(struct vcm_vs_bound *b, uint64_t len, uint64_t align,
			 struct vcm_vs_range **out)
{
	if (b == NULL || b->magic != VS_MAGIC_BOUND)
		return -EINVAL;
	vcm_diag_enter(&b->space.diag, __func__);
	return vs_reserve_(&b->space, len, align, out);
}

struct vcm_vs *vcm_vs_bound_space(struct vcm_vs_bound *b)
{
	if (b == NULL || b->magic != VS_MAGIC_BOUND)
		return NULL;
	return &b->space;
}

struct vcm_vs_range *vcm_vs_bound_range(const struct vcm_vs_bound *b)
{
	if (b == NULL || b->magic != VS_MAGIC_BOUND)
		return NULL;
	return b->range;
}
