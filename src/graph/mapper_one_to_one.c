// SPDX-License-Identifier: MIT
/*
 * The one-to-one mapper, for devices with no MMU: a device address is the
 * physical address. There is no table to write; an instance only records
 * which ranges are backed (so lookup can tell a mapped address from a fault)
 * and refuses a map whose pa differs from its da or that leaves the range
 * the instance was made for (the memory the device can reach).
 */
#include "graph_internal.h"

struct o2o {
	const struct vcm_plat_ops *plat;
	vcm_da_t start;
	uint64_t len;
	struct gtree runs;
};

struct o2o_run {
	struct gtree_node tn;
	unsigned int prot;
};

static int o2o_create(void *ctx, const struct vcm_dev_cfg *dev_cfg,
		      const struct vcm_plat_ops *plat, vcm_da_t start, uint64_t len, void **inst,
		      struct vcm_diag *diag)
{
	struct o2o *o = plat->meta_alloc(plat->ctx, sizeof(*o));

	(void)ctx;
	if (o == NULL)
		return VCM_ERR(diag, -ENOMEM, "dev '%s': no metadata for a one-to-one map",
			       dev_cfg->name);
	graph_zero(o, sizeof(*o));
	o->plat = plat;
	o->start = start;
	o->len = len;
	*inst = o;
	return 0;
}

static void o2o_destroy(void *inst)
{
	struct o2o *o = inst;
	struct gtree_node *n;

	while ((n = o->runs.root) != NULL) {
		gtree_remove_(&o->runs, n);
		o->plat->meta_free(o->plat->ctx, n, sizeof(struct o2o_run));
	}
	o->plat->meta_free(o->plat->ctx, o, sizeof(*o));
}

static bool o2o_compatible(const struct vcm_dev_cfg *a, const struct vcm_dev_cfg *b)
{
	(void)a;
	(void)b;
	return true;
}

/*
 * The pieces lie one after another in da, and each pa must equal its da: so
 * they are one run of physically contiguous memory, recorded as one.
 */
static int o2o_map(void *inst, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		   unsigned int prot, struct vcm_diag *diag)
{
	struct o2o *o = inst;
	struct o2o_run *r;
	struct gtree_node *n;
	uint64_t len = 0;

	for (uint64_t i = 0; i < nr; i++) {
		if (seg[i].pa != da + len)
			return VCM_ERR(diag, -EINVAL, "one-to-one: pa %#llx differs from da %#llx",
				       vcm_ull(seg[i].pa), vcm_ull(da + len));
		if (seg[i].len == 0U || seg[i].len > o->len - len)
			return VCM_ERR(diag, -ERANGE,
				       "one-to-one: pa %#llx len %#llx is outside the reachable %#llx..%#llx",
				       vcm_ull(seg[i].pa), vcm_ull(seg[i].len), vcm_ull(o->start),
				       vcm_ull(o->start + o->len - 1U));
		len += seg[i].len;
	}
	if (nr == 0U || da < o->start || da - o->start > o->len - 1U ||
	    len - 1U > o->start + o->len - 1U - da)
		return VCM_ERR(diag, -ERANGE,
			       "one-to-one: pa %#llx len %#llx is outside the reachable %#llx..%#llx",
			       vcm_ull(da), vcm_ull(len), vcm_ull(o->start),
			       vcm_ull(o->start + o->len - 1U));
	n = gtree_overlap_next_(&o->runs, da, da + len - 1U, NULL);
	if (n != NULL)
		return VCM_ERR(diag, -EEXIST, "one-to-one: pa %#llx is already mapped",
			       vcm_ull(n->key > da ? n->key : da));
	r = o->plat->meta_alloc(o->plat->ctx, sizeof(*r));
	if (r == NULL)
		return VCM_ERR(diag, -ENOMEM, "one-to-one: no metadata for a run");
	graph_zero(r, sizeof(*r));
	r->tn.key = da;
	r->tn.last = da + len - 1U;
	r->prot = prot;
	gtree_insert_(&o->runs, &r->tn);
	return 0;
}

static int o2o_unmap(void *inst, vcm_da_t da, uint64_t len, struct vcm_diag *diag)
{
	struct o2o *o = inst;
	struct gtree_node *n = gtree_floor_(&o->runs, da);

	if (n == NULL || n->key != da || n->last != da + len - 1U)
		return VCM_ERR(diag, -ENOENT, "one-to-one: da %#llx len %#llx was not mapped",
			       vcm_ull(da), vcm_ull(len));
	gtree_remove_(&o->runs, n);
	o->plat->meta_free(o->plat->ctx, n, sizeof(struct o2o_run));
	return 0;
}

static int o2o_lookup(void *inst, vcm_da_t da, vcm_pa_t *pa, unsigned int *prot)
{
	struct o2o *o = inst;
	struct gtree_node *n = gtree_floor_(&o->runs, da);

	if (n == NULL || n->last < da)
		return -ENOENT;
	*pa = da;
	*prot = GRAPH_CONTAINER(n, struct o2o_run, tn)->prot;
	return 0;
}

static uint64_t o2o_page_sizes(void *inst)
{
	(void)inst;
	return ~(GRAPH_PAGE - 1U);
}

static int o2o_walk(void *inst, vcm_da_t da, uint64_t len,
		    int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot),
		    void *arg)
{
	struct o2o *o = inst;
	struct gtree_node *n;

	for (n = gtree_first_(&o->runs); n != NULL; n = gtree_next_(n)) {
		int ret;

		if (n->last < da || n->key > da + len - 1U)
			continue;
		ret = fn(arg, n->key, n->key, n->last - n->key + 1U,
			 GRAPH_CONTAINER(n, struct o2o_run, tn)->prot);
		if (ret != 0)
			return ret;
	}
	return 0;
}

const struct vcm_mapper_ops vcm_mapper_one_to_one = {
	.name = "one-to-one",
	.create = o2o_create,
	.destroy = o2o_destroy,
	.compatible = o2o_compatible,
	.map = o2o_map,
	.unmap = o2o_unmap,
	.lookup = o2o_lookup,
	.page_sizes = o2o_page_sizes,
	.walk = o2o_walk,
	.identity = true,
};
