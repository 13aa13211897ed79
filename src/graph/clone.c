// SPDX-License-Identifier: MIT
/*
 * vcm_clone(): a deep copy of a VCM's record. The copy has the same range,
 * the same bounds and reservations at the same addresses with the same
 * attributes, and each backed reservation is backed by the same memory (it
 * appears in the reverse map once more). It has no associations, hence no
 * tables: the first association builds them from the record. A clone of a
 * prebuilt VCM is a plain device VCM (its CPU association is not copied).
 */
#include "graph_internal.h"

/*
 * @b's twin in @dst: the bound at the same address. Bounds are ranges of the
 * VCM's own space, so the clone's space finds it in O(log n); the bounds
 * list, in creation order, would need a walk from its head for each.
 */
static struct vcm_bound *bound_twin(struct vcm *dst, struct vcm_bound *b)
{
	struct vcm_bound *nb;

	if (b == NULL)
		return NULL;
	nb = vcm_vs_range_owner(vcm_vs_find(dst->vs, b->da));
	VCM_ASSERT(gobj_live(nb, GK_BOUND) && nb->da == b->da && nb->len == b->len);
	return nb;
}

static void teardown(struct vcm *c)
{
	struct vcm_res *res;

	while ((res = res_first_(c)) != NULL) {
		if (res->mem != NULL)
			res_detach_(res);
		res_delete_locked_(res);
	}
	vcm_delete_locked_(c);
}

int vcm_clone(struct vcm *src, struct vcm **out)
{
	struct vcm_res *res;
	struct glist *p;
	struct vcm *c;
	int ret;
	struct vcm_sys *sys = gobj_lock_(&src, GK_VCM, "src", __func__, &ret);

	if (sys == NULL)
		return ret;
	if (out == NULL) {
		ret = GERR(sys, -EINVAL, "out is NULL");
		goto out;
	}
	ret = vcm_new_locked_(sys, src->kind == VK_PREBUILT ? VK_DEV : src->kind, src->start,
			      src->len, &c);
	if (ret != 0)
		goto out;
	glist_for_each(p, &src->bounds) {
		struct vcm_bound *b = GRAPH_CONTAINER(p, struct vcm_bound, node), *nb;

		ret = bound_new_locked_(c, true, b->da, b->len, &nb);
		if (ret != 0)
			goto fail;
	}
	for (res = res_first_(src); res != NULL; res = res_next_(res)) {
		struct vcm_res *nr;

		ret = res_new_locked_(c, bound_twin(c, res->bound), true, res->da, res->len, 0,
				      res->prot, &nr);
		if (ret != 0)
			goto fail;
		nr->align = res->align;
		if (res->mem != NULL) {
			ret = ext_copy_attach_(nr, res);
			if (ret != 0)
				goto fail;
		}
	}
	*out = gobj_handle_(c);
	goto out;
fail:
	teardown(c);
out:
	sys_unlock_(sys);
	return ret;
}
