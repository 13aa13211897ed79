// SPDX-License-Identifier: MIT
/*
 * The range cache: an optional front end that keeps recently freed ranges of
 * popular sizes and hands them out again without a tree descent, the way the
 * Linux IOVA allocator's per-CPU caches do (magazines after Bonwick and
 * Adams, USENIX 2001). Off unless vcm_vs_cache_config() turns it on.
 *
 * What is cached: a range of 2^c bytes starting at a 2^c boundary, c = 12
 * (4K) .. 18 (256K). It stays in the tree as a node marked VS_MAGIC_CACHED,
 * so unreserve and a cache hit touch neither the tree nor the summaries: one
 * node and one magazine slot. To the user a cached range is free (find, walk,
 * count and free bytes skip it); a reserve of len 2^c with align <= 2^c may
 * get it back instead of the lowest fit. Everything else goes to the tree.
 *
 * Per class: a loaded and a previous magazine (struct vs_cache_local, what
 * one CPU would own) and a depot of full magazines shared by the space. Free
 * pushes onto loaded; when it is full and prev is empty they swap, else prev
 * goes to the depot and a spare magazine becomes loaded. Reserve pops from
 * loaded, swaps with a non-empty prev, or takes a full magazine from the
 * depot. The space's limits (ranges, bytes) hold over all of it: over them,
 * the oldest depot magazine goes back to the tree, and if that is not enough
 * the freed range goes to the tree directly.
 *
 * Failure: magazines and the cache header come from meta_alloc when first
 * needed; if it fails, the freed range goes to the tree, so unreserve still
 * succeeds and nothing is lost. Before a reserve or reserve-at would fail
 * (-ENOSPC, -EEXIST on a cached range, -ENOMEM for a node) the whole cache is
 * flushed into the tree and the call planned again (vspace.c).
 *
 * Per CPU or thread: with vcm_vs_cache_cfg.nlocal > 1 the cache has that many
 * loaded/prev sets and the caller's number (vcm_vs_cache_cfg.local) picks one
 * on each call, as Linux picks the CPU's; the depot and the limits are shared.
 *
 * Non-goals: rounding odd sizes up to a class (that changes the length the
 * user gets), locking (the caller serialises, see vspace.h).
 */
#include "vspace_internal.h"

#define DEFAULT_MAX_RANGES 2048U
#define DEFAULT_MAX_BYTES  (UINT64_C(64) << 20)

/*
 * The per-CPU hook: the magazines of the caller, picked by the number the
 * configured local() gives (vcm_vs_cache_cfg). Every call is serialised by
 * the caller, so a set needs no lock of its own today; with a lock-free hit
 * path one day, the set is what would stay unlocked, the depot and the
 * limits not.
 */
static inline struct vs_cache_local *cache_local(const struct vcm_vs *vs, struct vs_cache *c)
{
	if (c->nlocal <= 1U)
		return &c->local[0];
	return &c->local[vs->cache_local_fn(vs->cache_local_ctx) % c->nlocal];
}

static size_t cache_size(uint32_t nlocal)
{
	return sizeof(struct vs_cache) + nlocal * sizeof(struct vs_cache_local);
}

/* Class of a range of @len bytes at @da, or -1 if it is not cacheable. */
static inline int class_of(vcm_da_t da, uint64_t len)
{
	unsigned int lg2;

	if (len < (UINT64_C(1) << VS_CACHE_MIN_LG2) || len > (UINT64_C(1) << VS_CACHE_MAX_LG2) ||
	    !vcm_is_pow2(len) || !vcm_is_aligned(da, len))
		return -1;
	lg2 = vcm_ctz64(len);
	return (int)(lg2 - VS_CACHE_MIN_LG2);
}

static struct vs_mag *mag_get(struct vcm_vs *vs)
{
	struct vs_cache *c = vs->cache;
	struct vs_mag *m = c->spare;

	if (m != NULL) {
		c->spare = m->next;
	} else {
		m = vs->plat->meta_alloc(vs->plat->ctx, sizeof(*m));
		if (m == NULL)
			return NULL;
	}
	m->n = 0;
	m->next = m->newer = NULL;
	return m;
}

static void mag_spare(struct vs_cache *c, struct vs_mag *m)
{
	m->next = c->spare;
	c->spare = m;
}

static void depot_push(struct vs_cache *c, struct vs_mag *m, unsigned int cls)
{
	m->cls = cls;
	m->age = c->pushes++;
	m->next = c->depot[cls];
	m->newer = NULL;
	if (m->next != NULL)
		m->next->newer = m;
	else
		c->oldest[cls] = m;
	c->depot[cls] = m;
}

/*
 * Take @m (in the depot) off its class list: O(1) wherever it is. A class
 * list can hold max_ranges / VS_MAG_SIZE magazines, and a free over the
 * limits takes the far end, so a walk from the head cost that much per call.
 */
static void depot_unlink(struct vs_cache *c, struct vs_mag *m)
{
	if (m->newer != NULL)
		m->newer->next = m->next;
	else
		c->depot[m->cls] = m->next;
	if (m->next != NULL)
		m->next->newer = m->newer;
	else
		c->oldest[m->cls] = m->newer;
	m->next = m->newer = NULL;
}

/*
 * The oldest magazine in the depot, or NULL: the oldest tail of the class
 * lists (each list is newest first, and ages only grow).
 */
static struct vs_mag *depot_oldest(const struct vs_cache *c)
{
	struct vs_mag *o = NULL;

	for (unsigned int k = 0; k < VS_CACHE_NCLASS; k++) {
		struct vs_mag *m = c->oldest[k];

		if (m != NULL && (o == NULL || m->age < o->age))
			o = m;
	}
	return o;
}

/* Give the ranges of @m back to the tree; @m is left empty. */
static void mag_drain(struct vcm_vs *vs, struct vs_mag *m)
{
	while (m->n > 0U) {
		struct vcm_vs_range *r = m->r[--m->n];

		vs->cache_ranges--;
		vs->cache_bytes -= r->len;
		vs->cache_stats.returned++;
		vs_unlink_(vs, r);
	}
}

/* The cache header, taken on first use; NULL if meta_alloc fails. */
static struct vs_cache *cache_get(struct vcm_vs *vs)
{
	struct vs_cache *c = vs->cache;

	if (c != NULL)
		return c;
	c = vs->plat->meta_alloc(vs->plat->ctx, cache_size(vs->cache_nlocal));
	if (c == NULL)
		return NULL;
	c->nlocal = vs->cache_nlocal;
	for (unsigned int k = 0; k < VS_CACHE_NCLASS; k++) {
		for (uint32_t i = 0; i < c->nlocal; i++)
			c->local[i].loaded[k] = c->local[i].prev[k] = NULL;
		c->depot[k] = c->oldest[k] = NULL;
	}
	c->pushes = 0;
	c->spare = NULL;
	vs->cache = c;
	return c;
}

/*
 * Keep live range @r (checked by the caller) in the cache instead of freeing
 * it: true if kept, false if the caller must free it into the tree.
 */
bool vs_cache_put_(struct vcm_vs *vs, struct vcm_vs_range *r)
{
	int cls = class_of(r->start, r->len);
	struct vs_cache_local *l;
	struct vs_cache *c;
	struct vs_mag *m;

	if (cls < 0)
		return false;
	/* room under the limits: the oldest full magazines go back first */
	while (vs->cache_ranges + 1U > vs->cache_max_ranges ||
	       vs->cache_bytes + r->len > vs->cache_max_bytes) {
		c = vs->cache;
		m = c != NULL ? depot_oldest(c) : NULL;
		if (m == NULL)
			return false;
		depot_unlink(c, m);
		mag_drain(vs, m);
		mag_spare(c, m);
	}
	c = cache_get(vs);
	if (c == NULL)
		return false;
	l = cache_local(vs, c);
	m = l->loaded[cls];
	if (m == NULL || m->n == VS_MAG_SIZE) {
		struct vs_mag *p = l->prev[cls];

		if (p != NULL && p->n < VS_MAG_SIZE) {
			l->prev[cls] = m;
			m = l->loaded[cls] = p;
		} else {
			/* loaded and prev are full (or missing): prev goes to the depot */
			struct vs_mag *fresh = mag_get(vs);

			if (fresh == NULL)
				return false;
			if (p != NULL)
				depot_push(c, p, (unsigned int)cls);
			l->prev[cls] = m;
			m = l->loaded[cls] = fresh;
		}
	}
	m->r[m->n++] = r;
	r->magic = VS_MAGIC_CACHED;
	/*
	 * It keeps VS_RANGE_HELD: clearing it would climb the tree (line 0 of
	 * the node and its parents) on a path that touches line 1 only.
	 * vs_next_held_() passes cached ranges as vcm_vs_next() does.
	 */
	vs_count_sub_(vs);
	vs->cache_ranges++;
	vs->cache_bytes += r->len;
	vs->cache_stats.kept++;
	return true;
}

/*
 * A cached range for a reserve of @len bytes (not yet rounded) at @align,
 * made live again; NULL if the request is not cacheable or its class is
 * empty. Invalid arguments give NULL too: the tree path reports them.
 */
struct vcm_vs_range *vs_cache_get_(struct vcm_vs *vs, uint64_t len, uint64_t align)
{
	struct vs_cache *c = vs->cache;
	struct vs_cache_local *l;
	struct vcm_vs_range *r;
	struct vs_mag *m;
	int cls;

	if (c == NULL || len - 1U >= (UINT64_C(1) << VS_CACHE_MAX_LG2) || !vcm_is_pow2(align) ||
	    align < VS_PAGE)
		return NULL;
	len = (len + VS_PAGE - 1U) & ~(VS_PAGE - 1U);
	if (align > len)
		return NULL; /* a cached 2^c range is only known to be 2^c-aligned */
	cls = class_of(0, len);
	if (cls < 0)
		return NULL;
	l = cache_local(vs, c);
	m = l->loaded[cls];
	if (m == NULL || m->n == 0U) {
		struct vs_mag *p = l->prev[cls];

		if (p != NULL && p->n > 0U) {
			l->prev[cls] = m;
			m = l->loaded[cls] = p;
		} else if (c->depot[cls] != NULL) {
			struct vs_mag *full = c->depot[cls];

			depot_unlink(c, full);
			if (m != NULL)
				mag_spare(c, m);
			m = l->loaded[cls] = full;
		} else {
			return NULL;
		}
	}
	r = m->r[--m->n];
	VCM_ASSERT(r->magic == VS_MAGIC_CACHED && r->space == vs && r->len == len);
	r->magic = VS_MAGIC_LIVE;
	vs_count_add_(vs);
	vs->cache_ranges--;
	vs->cache_bytes -= r->len;
	vs->cache_stats.hits++;
	return r;
}

/* Every cached range of @vs back into its tree; true if there was one. */
bool vs_cache_flush_(struct vcm_vs *vs)
{
	struct vs_cache *c = vs->cache;

	if (c == NULL || vs->cache_ranges == 0U)
		return false;
	for (uint32_t i = 0; i < c->nlocal; i++) {
		struct vs_cache_local *l = &c->local[i];

		for (unsigned int k = 0; k < VS_CACHE_NCLASS; k++) {
			if (l->loaded[k] != NULL)
				mag_drain(vs, l->loaded[k]);
			if (l->prev[k] != NULL)
				mag_drain(vs, l->prev[k]);
		}
	}
	for (struct vs_mag *m; (m = depot_oldest(c)) != NULL;) {
		depot_unlink(c, m);
		mag_drain(vs, m);
		mag_spare(c, m);
	}
	VCM_ASSERT(vs->cache_ranges == 0U && vs->cache_bytes == 0U);
	return true;
}

/* Flush, then give every magazine and the header back through meta_free. */
void vs_cache_release_(struct vcm_vs *vs)
{
	const struct vcm_plat_ops *plat = vs->plat;
	struct vs_cache *c = vs->cache;

	if (c == NULL)
		return;
	(void)vs_cache_flush_(vs);
	for (uint32_t i = 0; i < c->nlocal; i++) {
		struct vs_cache_local *l = &c->local[i];

		for (unsigned int k = 0; k < VS_CACHE_NCLASS; k++) {
			if (l->loaded[k] != NULL)
				mag_spare(c, l->loaded[k]);
			if (l->prev[k] != NULL)
				mag_spare(c, l->prev[k]);
		}
	}
	while (c->spare != NULL) {
		struct vs_mag *m = c->spare;

		c->spare = m->next;
		plat->meta_free(plat->ctx, m, sizeof(*m));
	}
	plat->meta_free(plat->ctx, c, cache_size(c->nlocal));
	vs->cache = NULL;
}

int vcm_vs_cache_config(struct vcm_vs *vs, const struct vcm_vs_cache_cfg *cc)
{
	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	if (cc == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "cc is NULL");
	if ((cc->flags & ~VCM_VS_CACHE_ON) != 0U)
		return VCM_ERR(&vs->diag, -EINVAL, "cc->flags has unknown bits %#x",
			       (unsigned int)(cc->flags & ~VCM_VS_CACHE_ON));
	if ((cc->flags & VCM_VS_CACHE_ON) == 0U) {
		vs_cache_release_(vs);
		vs->cache_on = false;
		return 0;
	}
	vs->cache_on = true;
	vs->cache_max_ranges = cc->max_ranges != 0U ? cc->max_ranges : DEFAULT_MAX_RANGES;
	vs->cache_max_bytes = cc->max_bytes != 0U ? cc->max_bytes : DEFAULT_MAX_BYTES;
	if (vs->cache_ranges > vs->cache_max_ranges || vs->cache_bytes > vs->cache_max_bytes)
		(void)vs_cache_flush_(vs);
	return 0;
}

int vcm_vs_cache_set_local(struct vcm_vs *vs, uint32_t nlocal, uint32_t (*local)(void *ctx),
			   void *ctx)
{
	if (!vs_live(vs))
		return -EINVAL;
	vcm_diag_enter(&vs->diag, __func__);
	if (nlocal > VCM_VS_CACHE_MAX_LOCAL)
		return VCM_ERR(&vs->diag, -EINVAL, "nlocal %u is above %u", (unsigned int)nlocal,
			       VCM_VS_CACHE_MAX_LOCAL);
	if (nlocal > 1U && local == NULL)
		return VCM_ERR(&vs->diag, -EINVAL, "nlocal is %u but local is NULL",
			       (unsigned int)nlocal);
	if (nlocal <= 1U) {
		nlocal = 1U;
		local = NULL;
		ctx = NULL;
	}
	if (nlocal == vs->cache_nlocal && local == vs->cache_local_fn && ctx == vs->cache_local_ctx)
		return 0;
	vs_cache_release_(vs); /* the header's size, or who picks a set, changes */
	vs->cache_nlocal = nlocal;
	vs->cache_local_fn = local;
	vs->cache_local_ctx = ctx;
	return 0;
}

int vcm_vs_cache_flush(struct vcm_vs *vs)
{
	if (!vs_live(vs))
		return -EINVAL;
	(void)vs_cache_flush_(vs);
	for (struct vcm_vs_bound *b = vs->bounds; b != NULL; b = b->next)
		(void)vcm_vs_cache_flush(&b->space);
	return 0;
}

int vcm_vs_cache_usage(const struct vcm_vs *vs, uint64_t *ranges, uint64_t *bytes)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (ranges != NULL)
		*ranges = vs->cache_ranges;
	if (bytes != NULL)
		*bytes = vs->cache_bytes;
	return 0;
}

int vcm_vs_cache_stats(const struct vcm_vs *vs, struct vcm_vs_cache_stats *out)
{
	if (!vs_live(vs))
		return -EINVAL;
	if (out == NULL) {
		/* const for the data; the message record is written as by any refused call */
		struct vcm_vs *w = (struct vcm_vs *)(uintptr_t)vs;

		vcm_diag_enter(&w->diag, __func__);
		return VCM_ERR(&w->diag, -EINVAL, "out is NULL");
	}
	*out = vs->cache_stats;
	return 0;
}

static int bad(struct vcm_vs *vs, const struct vcm_vs_range *n, const char *what)
{
	return VCM_ERR(&vs->diag, -EFAULT, "cache: range %p at %#llx: %s",
		       (const void *)n, n != NULL ? vcm_ull(n->start) : 0ULL, what);
}

static int check_mag(struct vcm_vs *vs, const struct vs_mag *m, unsigned int cls,
		     uint64_t *ranges, uint64_t *bytes)
{
	if (m == NULL)
		return 0;
	if (m->n > VS_MAG_SIZE)
		return bad(vs, NULL, "magazine count above its size");
	for (uint32_t i = 0; i < m->n; i++) {
		const struct vcm_vs_range *r = m->r[i];

		if (r == NULL || r->magic != VS_MAGIC_CACHED || r->space != vs)
			return bad(vs, r, "magazine entry is not a cached range of this space");
		/* a plain range: not a bound nor the sentinel, held (vs_cache_put_()) */
		if (class_of(r->start, r->len) != (int)cls || r->flags != VS_RANGE_HELD)
			return bad(vs, r, "magazine entry in the wrong class");
		++*ranges;
		*bytes += r->len;
	}
	return 0;
}

/* Every range the cache kept was handed out, given back, or is there now. */
static int check_stats(struct vcm_vs *vs)
{
	const struct vcm_vs_cache_stats *st = &vs->cache_stats;

	if (st->kept != st->hits + st->returned + vs->cache_ranges)
		return bad(vs, NULL, "cache counters do not add up");
	return 0;
}

/*
 * The cache half of vcm_vs_check_(): every magazine entry is a cached range
 * of its class, the depot's lists agree, the totals match and stay within the
 * limits, and @vs's tree holds exactly that many cached nodes (the caller
 * counted them: vs_check.c passes them through the totals it compares).
 */
int vs_cache_check_(struct vcm_vs *vs)
{
	const struct vs_cache *c = vs->cache;
	uint64_t ranges = 0, bytes = 0;
	int ret;

	if (!vs->cache_on && c != NULL)
		return bad(vs, NULL, "magazines on a space without a cache");
	if (vs->cache_nlocal < 1U || vs->cache_nlocal > VCM_VS_CACHE_MAX_LOCAL ||
	    (vs->cache_nlocal > 1U) != (vs->cache_local_fn != NULL))
		return bad(vs, NULL, "number of magazine sets out of range or without local()");
	if (c == NULL)
		return vs->cache_ranges == 0U && vs->cache_bytes == 0U ? check_stats(vs) :
		       bad(vs, NULL, "cached totals without magazines");
	if (c->nlocal != vs->cache_nlocal)
		return bad(vs, NULL, "magazine sets differ from the configuration");
	for (unsigned int k = 0; k < VS_CACHE_NCLASS; k++) {
		for (uint32_t i = 0; i < c->nlocal; i++) {
			const struct vs_cache_local *l = &c->local[i];

			ret = check_mag(vs, l->loaded[k], k, &ranges, &bytes);
			if (ret == 0)
				ret = check_mag(vs, l->prev[k], k, &ranges, &bytes);
			if (ret != 0)
				return ret;
		}
		const struct vs_mag *newer = NULL;

		for (const struct vs_mag *m = c->depot[k]; m != NULL; m = m->next) {
			if (m->cls != k || m->n != VS_MAG_SIZE)
				return bad(vs, NULL, "depot magazine not full or in the wrong class");
			/* the back link and the falling ages also end a walk round a loop */
			if (m->newer != newer)
				return bad(vs, NULL, "depot class list links disagree");
			if (m->age >= (newer != NULL ? newer->age : c->pushes))
				return bad(vs, NULL, "depot class list not newest first by age");
			ret = check_mag(vs, m, k, &ranges, &bytes);
			if (ret != 0)
				return ret;
			newer = m;
		}
		if (c->oldest[k] != newer)
			return bad(vs, NULL, "depot class list ends before its oldest");
	}
	if (ranges != vs->cache_ranges || bytes != vs->cache_bytes)
		return bad(vs, NULL, "cached totals differ from the magazines");
	if (ranges > vs->cache_max_ranges || bytes > vs->cache_max_bytes)
		return bad(vs, NULL, "cache above its limits");
	return check_stats(vs);
}
