// SPDX-License-Identifier: MIT
/*
 * The reverse map: physical address -> every (VCM, reservation, device
 * address) that maps it. Each extent of each backed reservation is one
 * interval of a tree (tree.c), keyed by its physical start, so the answers
 * for one address are found in O(log n) each; the trees are the shards of
 * graph_internal.h, one per group of allocations. A reservation's own
 * extents are kept in device-address order (for da -> pa) with an index in
 * physical order (for pa -> da), both searched by bisection.
 *
 * Answers come shard by shard, in each in tree order (physical start of the
 * extent, then node address); vcm_get_next_phys_res() resumes after the
 * extent of @prev that holds @pa, so an iteration costs
 * O((RMAP_SHARDS + answers) log n).
 */
#include "graph_internal.h"

const struct rmap_ext *ext_at_da_(const struct vcm_res *res, vcm_da_t da)
{
	uint64_t lo = 0, hi = res->nr_ext;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2U;
		const struct rmap_ext *e = &res->ext[mid];

		if (da < e->da)
			hi = mid;
		else if (da - e->da >= e->len)
			lo = mid + 1U;
		else
			return e;
	}
	return NULL;
}

const struct rmap_ext *ext_at_pa_(const struct vcm_res *res, vcm_pa_t pa)
{
	uint64_t lo = 0, hi = res->nr_ext;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2U;
		const struct rmap_ext *e = &res->ext[res->by_pa[mid]];

		if (pa < e->tn.key)
			hi = mid;
		else if (pa > e->tn.last)
			lo = mid + 1U;
		else
			return e;
	}
	return NULL;
}

const struct rmap_ext *rmap_next_(const struct vcm_sys *sys, vcm_pa_t lo, vcm_pa_t hi,
				  const struct rmap_ext *after)
{
	unsigned int s = after != NULL ? after->res->mem->shard : 0U;
	const struct gtree_node *n = after != NULL ? &after->tn : NULL;

	for (; s < RMAP_SHARDS; s++, n = NULL) {
		n = gtree_overlap_next_(&sys->rmap[s].t, lo, hi, n);
		if (n != NULL)
			return GRAPH_CONTAINER(n, const struct rmap_ext, tn);
	}
	return NULL;
}

static const struct rmap_ext *rmap_next(const struct vcm_sys *sys, vcm_pa_t pa,
					const struct rmap_ext *after)
{
	return rmap_next_(sys, pa, pa, after);
}

uint64_t rmap_count_(const struct vcm_sys *sys)
{
	uint64_t n = 0;

	for (unsigned int s = 0; s < RMAP_SHARDS; s++)
		n += sys->rmap[s].t.count;
	return n;
}

int rmap_check_(const struct vcm_sys *sys)
{
	for (unsigned int s = 0; s < RMAP_SHARDS; s++)
		if (gtree_check_(&sys->rmap[s].t) != 0)
			return -EFAULT;
	return 0;
}

uint64_t vcm_get_phys_num_res(struct vcm_sys *sys, vcm_pa_t pa)
{
	const struct rmap_ext *e = NULL;
	uint64_t n = 0;

	if (!sys_live_(sys))
		return 0;
	sys_lock_(sys);
	while ((e = rmap_next(sys, pa, e)) != NULL)
		n++;
	sys_unlock_(sys);
	return n;
}

struct vcm_res *vcm_get_next_phys_res(struct vcm_sys *sys, vcm_pa_t pa,
				      const struct vcm_res *prev, vcm_da_t *da)
{
	const struct rmap_ext *e = NULL;
	struct vcm_res *res = NULL;

	if (!sys_live_(sys))
		return NULL;
	sys_enter_(sys, __func__);
	if (prev != NULL) {
		if (!gobj_take_(&prev, GK_RES, sys) || prev->mem == NULL ||
		    (e = ext_at_pa_(prev, pa)) == NULL) {
			GERR(sys, -EINVAL, "prev is not a live reservation that maps pa %#llx",
			     vcm_ull(pa));
			goto out;
		}
	}
	e = rmap_next(sys, pa, e);
	if (e != NULL) {
		res = e->handle;
		if (da != NULL)
			*da = e->da + (pa - e->tn.key);
	}
out:
	sys_unlock_(sys);
	return res;
}

/*
 * Is @a before @b in the order the reverse map answers in: shard, then the
 * tree's order within one (physical start, then node address: tree.c)?
 */
static bool rmap_before(const struct rmap_ext *a, const struct rmap_ext *b)
{
	unsigned int sa = a->res->mem->shard, sb = b->res->mem->shard;

	if (sa != sb)
		return sa < sb;
	if (a->tn.key != b->tn.key)
		return a->tn.key < b->tn.key;
	return (uintptr_t)&a->tn < (uintptr_t)&b->tn;
}

/*
 * The first answer of the reverse map for @pa that lies in @dst, or NULL.
 * Two searches run in step: the reverse map's answers in order (the first
 * in @dst ends it), and @dst's own reservations, each looked up by @pa in
 * its extents, the earliest in the reverse map's order kept. Whichever ends
 * first gives the answer, so a page shared by n VCMs costs O(log n) a step
 * for as few steps as @dst has reservations or as the reverse map has
 * answers before @dst's, not every sharer's answer.
 */
static const struct rmap_ext *translate_find(const struct vcm_sys *sys, vcm_pa_t pa,
					     const struct vcm *dst)
{
	const struct rmap_ext *e = NULL, *best = NULL, *c;
	const struct vcm_res *r = res_first_(dst);

	while (r != NULL) {
		e = rmap_next(sys, pa, e);
		if (e == NULL || e->res->vcm == dst)
			return e;
		if (r->mem != NULL && (c = ext_at_pa_(r, pa)) != NULL &&
		    (best == NULL || rmap_before(c, best)))
			best = c;
		r = res_next_(r);
	}
	return best;
}

int vcm_translate(struct vcm *src, vcm_da_t src_da, struct vcm *dst, vcm_da_t *dst_da)
{
	const struct rmap_ext *e, *se;
	struct vcm_res *res;
	vcm_pa_t pa;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&src, GK_VCM, "src", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (!gobj_take_(&dst, GK_VCM, sys)) {
		ret = GERR(sys, -EINVAL, "dst is not a live VCM of src's system");
		goto out;
	}
	if (dst_da == NULL) {
		ret = GERR(sys, -EINVAL, "dst_da is NULL");
		goto out;
	}
	res = res_at_(src, src_da);
	if (res == NULL || res->mem == NULL) {
		ret = GERR(sys, -ENOENT, "src_da %#llx is not in a backed reservation of src",
			   vcm_ull(src_da));
		goto out;
	}
	se = ext_at_da_(res, src_da);
	VCM_ASSERT(se != NULL);
	pa = se->tn.key + (src_da - se->da);
	e = translate_find(sys, pa, dst);
	if (e != NULL) {
		*dst_da = e->da + (pa - e->tn.key);
		goto out;
	}
	ret = GERR(sys, -ENOENT, "dst maps nothing at pa %#llx (src_da %#llx)", vcm_ull(pa),
		   vcm_ull(src_da));
out:
	sys_unlock_(sys);
	return ret;
}

/* ---- writes ------------------------------------------------------------------ */

/* The extents of @res as a batch of the reverse map, in its order (by pa). */
static struct gtree_batch rmap_batch(const struct vcm_res *res)
{
	return (struct gtree_batch){ (char *)&res->ext[0].tn, sizeof(struct rmap_ext),
				     res->by_pa, res->nr_ext };
}

void rmap_add_(struct vcm_res *res)
{
	struct gtree_batch b = rmap_batch(res);

	gtree_insert_batch_(&res->h.sys->rmap[res->mem->shard].t, &b);
}

void rmap_del_(struct vcm_res *res)
{
	struct gtree_batch b = rmap_batch(res);

	gtree_remove_batch_(&res->h.sys->rmap[res->mem->shard].t, &b);
}
