// SPDX-License-Identifier: MIT
/*
 * vcm_sys_check_(): the whole-graph validator tests run after each step.
 * The record (reservations and their extents) is compared with everything
 * derived from it: every mapper instance (walked where the mapper can walk,
 * otherwise probed at both ends of every extent), the reverse map, the
 * per-memory user lists, and the lower layers' own validators.
 */
#include "graph_internal.h"

struct walk_state {
	struct vcm *vcm;
	uint64_t bytes;
	vcm_da_t bad_da;
};

/* One mapped run of an instance: it must lie in one extent of a backed
 * reservation, at the extent's pa. */
static int check_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct walk_state *w = arg;
	struct vcm_res *res = res_at_(w->vcm, da);
	const struct rmap_ext *e = res != NULL && res->mem != NULL ? ext_at_da_(res, da) : NULL;

	(void)prot;
	w->bad_da = da;
	if (e == NULL || len == 0U || len - 1U > e->da + e->len - 1U - da ||
	    pa != e->tn.key + (da - e->da))
		return -EFAULT;
	w->bytes += len;
	return 0;
}

static int check_inst(struct vcm_sys *sys, struct vcm *vcm, struct vcm_inst *in,
		      uint64_t backed)
{
	struct walk_state w = { vcm, 0, 0 };
	struct vcm_res *res;
	int ret;

	if (in->ops->walk != NULL) {
		ret = in->ops->walk(in->mi, vcm->start, vcm->len, check_run, &w);
		if (ret != 0)
			return GERR(sys, -EFAULT,
				    "mapper '%s': da %#llx is mapped but not by the record",
				    in->ops->name, vcm_ull(w.bad_da));
		if (w.bytes != backed)
			return GERR(sys, -EFAULT,
				    "mapper '%s' maps %#llx bytes, the record backs %#llx",
				    in->ops->name, vcm_ull(w.bytes), vcm_ull(backed));
		return 0;
	}
	for (res = res_first_(vcm); res != NULL; res = res_next_(res)) {
		for (uint64_t i = 0; res->mem != NULL && i < res->nr_ext; i++) {
			const struct rmap_ext *e = &res->ext[i];
			vcm_da_t probe[2] = { e->da, e->da + e->len - GRAPH_PAGE };

			for (unsigned int k = 0; k < 2U; k++) {
				vcm_pa_t pa;
				unsigned int prot;

				if (in->ops->lookup(in->mi, probe[k], &pa, &prot) != 0 ||
				    pa != e->tn.key + (probe[k] - e->da))
					return GERR(sys, -EFAULT,
						    "mapper '%s': da %#llx is not mapped as recorded",
						    in->ops->name, vcm_ull(probe[k]));
			}
		}
	}
	return 0;
}

/* A backed reservation: its extents are its memory's, in order, and each is
 * in the reverse map. */
static int check_res(struct vcm_sys *sys, struct vcm_res *res)
{
	uint64_t iter = 0, i = 0, off = 0, len;
	vcm_pa_t pa;

	if (res->mem->h.sys != sys || !gobj_live(res->mem, GK_MEM))
		return GERR(sys, -EFAULT, "res at da %#llx: backing is not live",
			    vcm_ull(res->da));
	while (vcm_phys_next_extent(res->mem->pm, &iter, &pa, &len) == 0) {
		const struct rmap_ext *e = &res->ext[i], *f = NULL;
		const struct gtree *tree = &sys->rmap[res->mem->shard].t;
		const struct gtree_node *t = &e->tn;
		int depth = 1;

		if (i >= res->nr_ext || e->tn.key != pa || e->len != len ||
		    e->tn.last != pa + len - 1U || e->da != res->da + off || e->res != res ||
		    e->handle != gobj_handle_(res))
			return GERR(sys, -EFAULT, "res at da %#llx: extent %llu is stale",
				    vcm_ull(res->da), vcm_ull(i));
		/*
		 * In its shard's tree: up the parent links to that tree's root,
		 * O(log n), where asking the tree for pa would pass every other
		 * extent of the page first. rmap_check_() below proves the tree
		 * well formed, hence that a search for pa finds every node in it.
		 * The root's height bounds the climb, so a broken link (even a
		 * cycle) fails here rather than looping.
		 */
		while (t->parent != NULL && tree->root != NULL && depth < tree->root->height) {
			t = t->parent;
			depth++;
		}
		if (t != tree->root)
			return GERR(sys, -EFAULT, "res at da %#llx: pa %#llx not in the rmap",
				    vcm_ull(res->da), vcm_ull(pa));
		f = ext_at_pa_(res, pa);
		if (f != e)
			return GERR(sys, -EFAULT, "res at da %#llx: pa index is wrong",
				    vcm_ull(res->da));
		off += len;
		i++;
	}
	if (i != res->nr_ext || off != res->len)
		return GERR(sys, -EFAULT, "res at da %#llx: extents do not cover it",
			    vcm_ull(res->da));
	return 0;
}

/*
 * The record: every range of the VCM's space (and of its bounds' spaces) is
 * owned by a live reservation or bound of this VCM that points back at it,
 * in address order, as many as counted.
 */
static int check_record(struct vcm_sys *sys, struct vcm *vcm)
{
	uint64_t nr = 0;
	vcm_da_t last = 0;
	struct vcm_res *res;
	struct glist *p;

	for (res = res_first_(vcm); res != NULL; res = res_next_(res)) {
		if (!gobj_live(res, GK_RES) || res->vcm != vcm ||
		    vcm_vs_range_owner(res->range) != res ||
		    vcm_vs_range_start(res->range) != res->da ||
		    vcm_vs_range_len(res->range) != res->len || (nr != 0U && res->da <= last))
			return GERR(sys, -EFAULT,
				     "vcm at %#llx: reservation at da %#llx differs from its range",
				     vcm_ull(vcm->start), vcm_ull(res->da));
		last = res->da + (res->len - 1U);
		nr++;
	}
	if (nr != vcm->nr_res)
		return GERR(sys, -EFAULT,
			     "vcm at %#llx: its space holds %llu reservations, the count is %llu",
			     vcm_ull(vcm->start), vcm_ull(nr), vcm_ull(vcm->nr_res));
	glist_for_each(p, &vcm->bounds) {
		struct vcm_bound *b = GRAPH_CONTAINER(p, struct vcm_bound, node);

		if (!gobj_live(b, GK_BOUND) || b->vcm != vcm ||
		    vcm_vs_range_owner(vcm_vs_bound_range(b->vb)) != b ||
		    vcm_vs_count(vcm_vs_bound_space(b->vb)) != b->nr_res)
			return GERR(sys, -EFAULT,
				     "vcm at %#llx: bound at da %#llx differs from its range",
				     vcm_ull(vcm->start), vcm_ull(b->da));
	}
	return 0;
}

/*
 * The list the TLB fan-out walks (vcm->act_first) is the VCM's active
 * associations: linked both ways, each live, of this VCM and active, as
 * many as vcm->nr_active (which check_vcm() counts), so none is missing.
 */
static int check_act(struct vcm_sys *sys, const struct vcm *vcm)
{
	const struct vcm_avcm *a, *prev = NULL;
	uint64_t n = 0;

	for (a = vcm->act_first; a != NULL; prev = a, a = a->act_next) {
		/* the bound stops a cycle */
		if (++n > vcm->nr_active || !gobj_live(a, GK_AVCM) || a->vcm != vcm ||
		    !a->active || a->act_prev != prev)
			break;
	}
	if (a != NULL || n != vcm->nr_active || vcm->act_last != prev)
		return GERR(sys, -EFAULT, "vcm at %#llx: the list of active associations "
			    "differs from the associations", vcm_ull(vcm->start));
	return 0;
}

static int check_vcm(struct vcm_sys *sys, struct vcm *vcm, uint64_t *nr_ext)
{
	uint64_t backed = 0, active = 0, assocs = 0;
	struct vcm_res *res;
	struct glist *p;
	int ret;

	if (vcm_vs_check_(vcm->vs) != 0)
		return GERR(sys, -EFAULT, "vcm at %#llx: %s", vcm_ull(vcm->start),
			     graph_msg_(vcm_vs_last_error(vcm->vs)));
	ret = check_record(sys, vcm);
	if (ret != 0)
		return ret;
	for (res = res_first_(vcm); res != NULL; res = res_next_(res)) {
		if (res->mem == NULL)
			continue;
		ret = check_res(sys, res);
		if (ret != 0)
			return ret;
		backed += res->len;
		*nr_ext += res->nr_ext;
	}
	glist_for_each(p, &vcm->assocs) {
		struct vcm_avcm *a = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node);

		assocs++;
		if (a->active)
			active++;
	}
	if (assocs != vcm->nr_assoc || active != vcm->nr_active)
		return GERR(sys, -EFAULT, "vcm at %#llx: association counts are wrong",
			    vcm_ull(vcm->start));
	ret = check_act(sys, vcm);
	if (ret != 0)
		return ret;
	glist_for_each(p, &vcm->insts) {
		ret = check_inst(sys, vcm, GRAPH_CONTAINER(p, struct vcm_inst, node), backed);
		if (ret != 0)
			return ret;
	}
	return 0;
}

int vcm_sys_check_(struct vcm_sys *sys)
{
	uint64_t nr_ext = 0, users;
	struct glist *p, *q;
	int ret = 0;

	if (!sys_live_(sys))
		return -EINVAL;
	sys_enter_(sys, __func__);
	glist_for_each(p, &sys->vcms) {
		ret = check_vcm(sys, GRAPH_CONTAINER(p, struct vcm, node), &nr_ext);
		if (ret != 0)
			goto out;
	}
	if (rmap_check_(sys) != 0 || rmap_count_(sys) != nr_ext) {
		ret = GERR(sys, -EFAULT, "rmap holds %llu extents, the record %llu, or is broken",
			   vcm_ull(rmap_count_(sys)), vcm_ull(nr_ext));
		goto out;
	}
	glist_for_each(p, &sys->pinned)
		if (!GRAPH_CONTAINER(p, struct vcm_mem, pinned_node)->guest_pinned) {
			ret = GERR(sys, -EFAULT, "the pinned list holds a mem no arena pins");
			goto out;
		}
	glist_for_each(p, &sys->mems) {
		struct vcm_mem *mem = GRAPH_CONTAINER(p, struct vcm_mem, node);
		bool listed = false;

		glist_for_each(q, &sys->pinned)
			listed |= q == &mem->pinned_node;
		if (listed != mem->guest_pinned) {
			ret = GERR(sys, -EFAULT, "mem of %#llx bytes: pinned %d, in the pinned list %d",
				   vcm_ull(mem->len), mem->guest_pinned, listed);
			goto out;
		}
		users = 0;
		glist_for_each(q, &mem->users) {
			if (GRAPH_CONTAINER(q, struct vcm_res, mem_node)->mem != mem)
				break;
			users++;
		}
		if (users != mem->nr_users) {
			ret = GERR(sys, -EFAULT, "mem of %#llx bytes: user list is wrong",
				   vcm_ull(mem->len));
			goto out;
		}
	}
	if (vcm_phys_check_(sys->phys) != 0)
		ret = GERR(sys, -EFAULT, "memtypes: %s",
			   graph_msg_(vcm_phys_last_error(sys->phys)));
out:
	sys_unlock_(sys);
	return ret;
}
