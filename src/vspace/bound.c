// SPDX-License-Identifier: MIT
/*
 * Bounds: a sub-range taken from a space like a reservation (one range of the
 * parent, flagged so that vcm_vs_unreserve() refuses it) that is itself a
 * space, with its own tree and node slabs, sharing the parent's plat. The
 * parent keeps its bounds on a list so that destroy can free them. A freed
 * bound's memory stays with the parent (reused by the next bound) until
 * destroy, so a stale bound handle is caught by its magic, not a use after free.
 *
 * Non-goals: resizing a bound, freeing a bound that still holds ranges.
 */
#include "vspace_internal.h"

static int bound_create(struct vcm_vs *vs, const char *fn, bool at, vcm_da_t da,
			uint64_t len, uint64_t align, struct vcm_vs_bound **out)
{
	const struct vcm_plat_ops *plat = vs->plat;
	struct vcm_vs_range *r = NULL;
	struct vcm_vs_bound *b;
	int ret;

	if (out == NULL)
		return VCM_FAIL(&vs->diag, fn, -EINVAL, "out is NULL");
	b = vs->free_bounds;
	if (b == NULL) {
		b = plat->meta_alloc(plat->ctx, sizeof(*b));
		if (b == NULL)
			return VCM_FAIL(&vs->diag, fn, -ENOMEM, "meta_alloc of %zu bytes failed",
				       sizeof(*b));
		b->magic = 0;
		b->next = vs->free_bounds;
		vs->free_bounds = b;
	}
	ret = at ? vs_reserve_at_(vs, fn, da, len, &r) : vs_reserve_(vs, fn, len, align, &r);
	if (ret != 0)
		return ret; /* b stays on the free list */
	vs->free_bounds = b->next;
	r->flags |= VS_RANGE_BOUND;
	vs_space_init_(&b->space, r->start, r->start + (r->len - 1U), plat);
	b->space.is_bound = true;
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
	if (!vs_live(vs))
		return -EINVAL;
	return bound_create(vs, __func__, false, 0, len, align, out);
}

int vcm_vs_bound_create_at(struct vcm_vs *vs, vcm_da_t da, uint64_t len,
			   struct vcm_vs_bound **out)
{
	if (!vs_live(vs))
		return -EINVAL;
	return bound_create(vs, __func__, true, da, len, VCM_VS_ALIGN_4K, out);
}

int vcm_vs_bound_free(struct vcm_vs *vs, struct vcm_vs_bound *b)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (b == NULL)
		return VCM_FAIL(&vs->diag, __func__, -EINVAL, "bound is NULL");
	if (b->magic != VS_MAGIC_BOUND)
		return VCM_FAIL(&vs->diag, __func__, -EINVAL, "bound %p is not live (freed already?)",
			       (void *)b);
	if (b->parent != vs)
		return VCM_FAIL(&vs->diag, __func__, -EINVAL, "bound %p belongs to space %p, not %p",
			       (void *)b, (void *)b->parent, (void *)vs);
	if (b->space.count != 0U)
		return VCM_FAIL(&vs->diag, __func__, -EBUSY, "bound %p at %#llx still holds %llu ranges",
			       (void *)b, vcm_ull(b->range->start),
			       vcm_ull(b->space.count));
	if (b->prev != NULL)
		b->prev->next = b->next;
	else
		vs->bounds = b->next;
	if (b->next != NULL)
		b->next->prev = b->prev;
	vs_remove_(vs, b->range);
	vs_space_release_(&b->space);
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
	return vs_reserve_(&b->space, __func__, len, align, out);
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
