// SPDX-License-Identifier: MIT
/*
 * The public vspace calls: create and destroy a space, reserve (first fit
 * with alignment), reserve at an address, unreserve, look up and walk.
 * Every argument is checked, and the only fallible step (taking a node) done,
 * before the tree is touched, so a failure changes nothing.
 *
 * The tree work is in vs_tree.c, node memory in slab.c, bounds in bound.c.
 */
#include "vspace_internal.h"
#include "vs_held.h"


void vs_space_init_(struct vcm_vs *vs, vcm_da_t start, vcm_da_t last,
		    const struct vcm_plat_ops *plat)
{
	struct vcm_vs_range *h = &vs->head;

	vs->magic = VS_MAGIC_SPACE;
	vs->is_bound = false;
	vs->start = start;
	vs->last = last;
	vs->plat = plat;
	vs->free_bytes = last - start + 1U;
	vs->count = 0;
	vs->slabs = NULL;
	vs_slabs_release_(vs);
	vs->bounds = NULL;
	vs->free_bounds = NULL;
	vs->cache_on = false;
	vs->cache = NULL;
	vs->cache_max_ranges = vs->cache_max_bytes = 0;
	vs->cache_nlocal = 1;
	vs->cache_local_fn = NULL;
	vs->cache_local_ctx = NULL;
	vs->cache_ranges = vs->cache_bytes = 0;
	vs->cache_stats = (struct vcm_vs_cache_stats){ 0, 0, 0 };
	vcm_diag_clear(&vs->diag);
	h->start = start;
	h->len = 0;
	h->gap = vs->free_bytes;
	h->space = vs;
	h->magic = VS_MAGIC_LIVE;
	h->flags = VS_RANGE_SENTINEL;
	h->owner = NULL;
	vs_tree_init_(vs);
}

/* Free the space's bounds (recursively) and node memory; not @vs itself. */
void vs_space_release_(struct vcm_vs *vs)
{
	struct vcm_vs_bound *b = vs->bounds;

	while (b != NULL) {
		struct vcm_vs_bound *next = b->next;

		vs_space_release_(&b->space);
		b->magic = 0;
		b->space.magic = 0;
		vs->plat->meta_free(vs->plat->ctx, b, sizeof(*b));
		b = next;
	}
	vs->bounds = NULL;
	for (b = vs->free_bounds; b != NULL;) {
		struct vcm_vs_bound *next = b->next;

		vs->plat->meta_free(vs->plat->ctx, b, sizeof(*b));
		b = next;
	}
	vs->free_bounds = NULL;
	vs_cache_release_(vs);
	vs_slabs_release_(vs);
	vs->magic = 0;
}

int vcm_vs_create(const struct vcm_vs_cfg *cfg, struct vcm_vs **out, struct vcm_diag *diag)
{
	struct vcm_vs *vs;

	vcm_diag_enter(diag, __func__);
	if (cfg == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg is NULL");
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	if (cfg->plat == NULL || cfg->plat->meta_alloc == NULL || cfg->plat->meta_free == NULL)
		return VCM_ERR(diag, -EINVAL, "cfg->plat %p lacks meta_alloc/meta_free",
			       (const void *)cfg->plat);
	if (!vcm_is_aligned(cfg->start, VS_PAGE))
		return VCM_ERR(diag, -EINVAL,
			       "cfg->start %#llx is not a multiple of 4 KiB",
			       vcm_ull(cfg->start));
	if (cfg->len == 0U)
		return VCM_ERR(diag, -EINVAL, "cfg->len is 0");
	if (!vcm_is_aligned(cfg->len, VS_PAGE))
		return VCM_ERR(diag, -EINVAL,
			       "cfg->len %#llx is not a multiple of 4 KiB",
			       vcm_ull(cfg->len));
	if (cfg->start + (cfg->len - 1U) < cfg->start)
		return VCM_ERR(diag, -EOVERFLOW,
			       "cfg->start %#llx + cfg->len %#llx is above 2^64",
			       vcm_ull(cfg->start), vcm_ull(cfg->len));
	vs = cfg->plat->meta_alloc(cfg->plat->ctx, sizeof(*vs));
	if (vs == NULL)
		return VCM_ERR(diag, -ENOMEM, "meta_alloc of %zu bytes failed",
			       sizeof(*vs));
	vs_space_init_(vs, cfg->start, cfg->start + (cfg->len - 1U), cfg->plat);
	*out = vs;
	return 0;
}

int vcm_vs_destroy(struct vcm_vs *vs)
{
	const struct vcm_plat_ops *plat;

	if (vs == NULL)
		return 0;
	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	if (vs->is_bound)
		return VCM_ERR(&vs->diag, -EINVAL,
			       "vs %p is a bound's space; use vcm_vs_bound_free", (void *)vs);
	plat = vs->plat;
	vs_space_release_(vs);
	plat->meta_free(plat->ctx, vs, sizeof(*vs));
	return 0;
}

/* Round @len up to pages in *@out; checks shared by every reserving call. */
static int check_len(struct vcm_vs *vs, uint64_t len, uint64_t *out)
{
	if (len == 0U)
		return VCM_ERR(&vs->diag, -EINVAL, "len is 0");
	if (len > UINT64_MAX - (VS_PAGE - 1U))
		return VCM_ERR(&vs->diag, -EOVERFLOW,
			       "len %#llx rounded up to 4 KiB passes 2^64", vcm_ull(len));
	*out = (len + VS_PAGE - 1U) & ~(VS_PAGE - 1U);
	return 0;
}

/*
 * Bound space @vs got its first live range (@held) or lost its last: its
 * range in the parent's tree holds reservations now, or no longer. One short
 * climb there, on the transitions only (vs_count_add_(), vs_count_sub_()).
 */
void vs_bound_held_(struct vcm_vs *vs, bool held)
{
	struct vcm_vs_range *n = vs_bound_of(vs)->range;

	if (held)
		n->flags |= VS_RANGE_HELD;
	else
		n->flags &= (uint8_t)~VS_RANGE_HELD;
	vs_tree_held_update_(n);
}

/*
 * Carve the planned place out of its gap as node @n with @flags: VS_RANGE_HELD
 * for a reservation, VS_RANGE_BOUND for a new (empty) bound.
 */
void vs_carve_(struct vcm_vs *vs, const struct vs_place *pl, struct vcm_vs_range *n,
	       uint8_t flags)
{
	struct vcm_vs_range *prev = pl->prev;
	vcm_da_t gs = vs_gap_start(prev);
	/* inclusive ends: the gap may end at 2^64 - 1 */
	vcm_da_t gap_last = gs + (prev->gap - 1U);

	n->start = pl->da;
	n->len = pl->len;
	n->gap = gap_last - (pl->da + (pl->len - 1U));
	n->space = vs;
	n->magic = VS_MAGIC_LIVE;
	n->flags = flags;
	n->owner = NULL;
	prev->gap = pl->da - gs;
	vs->free_bytes -= pl->len;
	vs_count_add_(vs);
	vs_tree_insert_after_(vs, prev, n); /* sums the flags set above */
}

/*
 * The lowest @rq->align-aligned place for @rq->len bytes; checks everything,
 * changes nothing the user can see. With cached ranges in the tree and no fit
 * left in it, the cache is flushed first: the cache never makes a fit fail.
 */
static int place_any(struct vcm_vs *vs, const struct vs_req *rq,
		     struct vs_place *pl)
{
	uint64_t len = 0, align = rq->align;
	unsigned int align_lg2;
	int ret = check_len(vs, rq->len, &len);

	if (ret != 0)
		return ret;
	if (!vcm_is_pow2(align) || align < VCM_VS_ALIGN_4K || align > VCM_VS_ALIGN_1G)
		return VCM_ERR(&vs->diag, -EINVAL,
			       "align %#llx is not a power of two from 4 KiB to 1 GiB",
			       vcm_ull(align));
	if (len - 1U > vs->last - vs->start)
		return VCM_ERR(&vs->diag, -ERANGE,
			       "len %#llx is larger than the space (%#llx bytes)", vcm_ull(len),
			       vcm_ull(vs->last - vs->start + 1U));
	align_lg2 = vcm_ctz64(align);
	if (vs->cache_ranges != 0U && !vs_tree_fits_(vs, len, align_lg2))
		(void)vs_cache_flush_(vs);
	pl->prev = vs_tree_first_fit_(vs, len, align_lg2);
	if (pl->prev == NULL)
		return VCM_ERR(&vs->diag, -ENOSPC,
			       "no free run of len %#llx aligned to %#llx (%#llx bytes free)",
			       vcm_ull(len), vcm_ull(align), vcm_ull(vs->free_bytes));
	/* it fits, so rounding up cannot wrap */
	pl->da = (vs_gap_start(pl->prev) + (align - 1U)) & ~(align - 1U);
	pl->len = len;
	return 0;
}

/*
 * The place [@rq->da, @rq->da + @rq->len) if it is free; checks everything,
 * changes nothing the user can see. A cached range in the way is flushed
 * (with the rest of the cache): to the user it is free.
 */
static int place_at(struct vcm_vs *vs, const struct vs_req *rq,
		    struct vs_place *pl)
{
	struct vcm_vs_range *prev;
	vcm_da_t last, gs, da = rq->da;
	uint64_t len = 0;
	int ret;

	if (!vcm_is_aligned(da, VS_PAGE))
		return VCM_ERR(&vs->diag, -EINVAL, "da %#llx is not a multiple of 4 KiB",
			       vcm_ull(da));
	ret = check_len(vs, rq->len, &len);
	if (ret != 0)
		return ret;
	last = da + (len - 1U);
	if (last < da)
		return VCM_ERR(&vs->diag, -EOVERFLOW, "da %#llx + len %#llx passes 2^64",
			       vcm_ull(da), vcm_ull(len));
	if (da < vs->start || last > vs->last)
		return VCM_ERR(&vs->diag, -ERANGE,
			       "da %#llx len %#llx is outside the space [%#llx, %#llx]",
			       vcm_ull(da), vcm_ull(len), vcm_ull(vs->start), vcm_ull(vs->last));
	for (;;) {
		prev = vs_tree_floor_(vs, da);
		VCM_ASSERT(prev != NULL); /* the sentinel starts the space */
		gs = vs_gap_start(prev);
		if (da >= gs && prev->gap != 0U && last <= gs + (prev->gap - 1U))
			break;
		if (!vs_cache_flush_(vs)) {
			const struct vcm_vs_range *busy = da < gs ? prev : vs_tree_next_(prev);

			if (busy == NULL) /* cannot happen: the space check caught it */
				busy = prev;
			return VCM_ERR(&vs->diag, -EEXIST,
				       "da %#llx len %#llx overlaps the range at %#llx len %#llx",
				       vcm_ull(da), vcm_ull(len), vcm_ull(busy->start),
				       vcm_ull(busy->len));
		}
	}
	pl->prev = prev;
	pl->da = da;
	pl->len = len;
	return 0;
}

int vs_place_(struct vcm_vs *vs, const struct vs_req *rq, struct vs_place *pl)
{
	return rq->at ? place_at(vs, rq, pl) : place_any(vs, rq, pl);
}

/*
 * Empty a range cache that holds nodes @vs could use: its own, else the
 * nearest ancestor's that has ranges cached (a bound borrows its ancestors'
 * dead nodes, slab.c, and theirs sit in their caches). False if none had any.
 */
static bool vs_flush_for_nodes(struct vcm_vs *vs)
{
	if (vs_cache_flush_(vs))
		return true;
	while (vs->is_bound) {
		vs = vs_parent(vs);
		if (vs_cache_flush_(vs))
			return true;
	}
	return false;
}

/*
 * Plan @rq and take a node for it (the only step that can fail after the
 * plan). When meta_alloc fails and the cache holds ranges, flushing frees
 * nodes; the plan may name a flushed node, so plan again.
 */
int vs_take_(struct vcm_vs *vs, const struct vs_req *rq, struct vs_place *pl,
	     struct vcm_vs_range **node)
{
	for (;;) {
		int ret = vs_place_(vs, rq, pl);

		if (ret != 0)
			return ret;
		*node = vs_node_alloc_(vs);
		if (*node != NULL)
			return 0;
		if (!vs_flush_for_nodes(vs))
			return VCM_ERR(&vs->diag, -ENOMEM,
				       "meta_alloc for range metadata failed");
	}
}

int vs_reserve_(struct vcm_vs *vs, uint64_t len, uint64_t align,
		struct vcm_vs_range **out)
{
	struct vs_req rq = { .at = false, .len = len, .align = align };
	struct vs_place pl;
	struct vcm_vs_range *n;
	int ret;

	if (out == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "out is NULL");
	if (vs->cache_ranges != 0U) {
		n = vs_cache_get_(vs, len, align);
		if (n != NULL) {
			*out = n;
			return 0;
		}
	}
	ret = vs_take_(vs, &rq, &pl, &n);
	if (ret != 0)
		return ret;
	vs_carve_(vs, &pl, n, VS_RANGE_HELD);
	*out = n;
	return 0;
}

int vcm_vs_reserve(struct vcm_vs *vs, uint64_t len, uint64_t align, struct vcm_vs_range **out)
{
	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	return vs_reserve_(vs, len, align, out);
}

int vcm_vs_reserve_at(struct vcm_vs *vs, vcm_da_t da, uint64_t len, struct vcm_vs_range **out)
{
	struct vs_req rq = { .at = true, .da = da, .len = len };
	struct vs_place pl;
	struct vcm_vs_range *n;
	int ret;

	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	if (out == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "out is NULL");
	ret = vs_take_(vs, &rq, &pl, &n);
	if (ret != 0)
		return ret;
	vs_carve_(vs, &pl, n, VS_RANGE_HELD);
	*out = n;
	return 0;
}

/* Take @r (live or cached) out of the tree and give its bytes to the gap before it. */
void vs_unlink_(struct vcm_vs *vs, struct vcm_vs_range *r)
{
	vs->free_bytes += r->len;
	(void)vs_tree_erase_(vs, r);
	vs_node_free_(vs, r);
}

/* Take live range @r out of the tree. */
void vs_remove_(struct vcm_vs *vs, struct vcm_vs_range *r)
{
	vs_count_sub_(vs);
	vs_unlink_(vs, r); /* the erase takes its held flag out of the summaries */
}

/* Is @r a live, non-sentinel range of @vs? Records why not. */
static int check_range(struct vcm_vs *vs, const struct vcm_vs_range *r)
{
	if (r == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "range is NULL");
	if (r->magic != VS_MAGIC_LIVE)
		return VCM_ERR(&vs->diag, -EINVAL, "range %p is not live (freed already?)",
				(const void *)r);
	if (r->space != vs)
		return VCM_ERR(&vs->diag, -EINVAL, "range %p belongs to space %p, not %p",
				(const void *)r, (const void *)r->space, (void *)vs);
	if ((r->flags & VS_RANGE_SENTINEL) != 0U)
		return VCM_ERR(&vs->diag, -EINVAL, "range %p is not a reservation",
			       (const void *)r);
	return 0;
}

int vcm_vs_unreserve(struct vcm_vs *vs, struct vcm_vs_range *r)
{
	int ret;

	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	/*
	 * The checks read the range's second line, the tree work its first. With
	 * the range cache on, most frees never reach the tree: no prefetch then.
	 * Once line 1 is read, the parent and grandparent links give the first
	 * two levels of the climb (docs/vspace.md, "Memory"): ask for both.
	 */
	bool pf = !vs->cache_on && vs_deep(vs);

	if (pf)
		vs_prefetch(r);
	ret = check_range(vs, r);
	if (ret != 0)
		return ret;
	if (pf) {
		vs_prefetch(r->parent);
		vs_prefetch(r->gparent);
	}
	if ((r->flags & VS_RANGE_BOUND) != 0U)
		return VCM_ERR(&vs->diag, -EBUSY,
				"range %p at %#llx is a bound; use vcm_vs_bound_free",
				(void *)r, vcm_ull(r->start));
	/* a cached range handed out again starts with no owner, as a new one does */
	r->owner = NULL;
	if (vs->cache_on && vs_cache_put_(vs, r))
		return 0;
	vs_remove_(vs, r);
	return 0;
}

static bool range_live(const struct vcm_vs_range *r)
{
	return r != NULL && r->magic == VS_MAGIC_LIVE;
}

vcm_da_t vcm_vs_range_start(const struct vcm_vs_range *r)
{
	return range_live(r) ? r->start : 0U;
}

uint64_t vcm_vs_range_len(const struct vcm_vs_range *r)
{
	return range_live(r) ? r->len : 0U;
}

void vcm_vs_range_set_owner(struct vcm_vs_range *r, void *owner)
{
	if (range_live(r) && (r->flags & VS_RANGE_SENTINEL) == 0U)
		r->owner = owner;
}

void *vcm_vs_range_owner(const struct vcm_vs_range *r)
{
	return range_live(r) ? r->owner : NULL;
}

struct vcm_vs_range *vcm_vs_find(struct vcm_vs *vs, vcm_da_t da)
{
	struct vcm_vs_range *n;

	if (!vs_live(vs))
		return NULL;
	n = vs_tree_floor_(vs, da);
	if (n == NULL || da - n->start >= n->len) /* the sentinel has len 0 */
		return NULL;
	return n->magic == VS_MAGIC_LIVE ? n : NULL; /* a cached range is free */
}

/*
 * Cached ranges a walk steps over before it empties the cache. They stay in
 * the tree, free to every query, so a walk visits them one by one: a drain
 * loop (vcm_vs_first(), unreserve, ...) that caches every range it frees
 * would pass all of them again on each call, quadratic in the space. Past
 * this many in one step the walk flushes the cache (vs_cache_flush_(): they
 * become free space, nothing a user sees changes) and goes on. So one step
 * passes at most this many cached ranges, and a drain loop stays linear.
 */
#define WALK_SKIP_MAX 64U

/*
 * The live range after @n (the head, or a live range of @vs); cached ranges
 * are free to the user.
 */
static struct vcm_vs_range *next_live(struct vcm_vs *vs, const struct vcm_vs_range *n)
{
	struct vcm_vs_range *m = vs_tree_next_(n);
	unsigned int passed = 0;

	while (m != NULL && m->magic != VS_MAGIC_LIVE) {
		if (++passed == WALK_SKIP_MAX && vs_cache_flush_(vs)) {
			m = vs_tree_next_(n); /* the cached nodes are gone; @n is live */
			continue;
		}
		m = vs_tree_next_(m);
	}
	return m;
}

struct vcm_vs_range *vcm_vs_first(struct vcm_vs *vs)
{
	if (!vs_live(vs))
		return NULL;
	return next_live(vs, &vs->head);
}

struct vcm_vs_range *vcm_vs_next(struct vcm_vs *vs, const struct vcm_vs_range *r)
{
	if (!vs_live(vs))
		return NULL;
	vcm_diag_enter(&vs->diag, __func__);
	if (check_range(vs, r) != 0)
		return NULL;
	return next_live(vs, r);
}

/*
 * The first range after @r (NULL: from the start) that holds a reservation: a
 * live range that is not a bound, or a bound whose space has a live range.
 * For the graph's walk (vs_held.h): empty bounds are passed by the tree's
 * held summary, O(log n) however many lie between, where vcm_vs_next()
 * visits each. Cached ranges keep their held flag (cache.c), so they are
 * passed one by one, as next_live() does and with its limit: past
 * WALK_SKIP_MAX of them in one step the cache is emptied into the tree.
 */
struct vcm_vs_range *vs_next_held_(struct vcm_vs *vs, const struct vcm_vs_range *r)
{
	struct vcm_vs_range *m;
	unsigned int passed = 0;

	if (!vs_live(vs))
		return NULL;
	if (r == NULL) {
		r = &vs->head;
	} else {
		vcm_diag_enter(&vs->diag, __func__);
		if (check_range(vs, r) != 0)
			return NULL;
	}
	m = vs_tree_next_held_(r);
	while (m != NULL && m->magic != VS_MAGIC_LIVE) {
		if (++passed == WALK_SKIP_MAX && vs_cache_flush_(vs)) {
			m = vs_tree_next_held_(r); /* the cached nodes are gone; @r is live */
			continue;
		}
		m = vs_tree_next_held_(m);
	}
	return m;
}

uint64_t vcm_vs_free_bytes(const struct vcm_vs *vs)
{
	return vs_live(vs) ? vs->free_bytes + vs->cache_bytes : 0U;
}

uint64_t vcm_vs_count(const struct vcm_vs *vs)
{
	return vs_live(vs) ? vs->count : 0U;
}

const char *vcm_vs_last_error(const struct vcm_vs *vs)
{
	if (vs == NULL)
		return "vcm_vs_last_error: vs is NULL";
	if (!vs_live(vs))
		return "vcm_vs_last_error: vs is not a live space";
	return vs->diag.msg;
}
