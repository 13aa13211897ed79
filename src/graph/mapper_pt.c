// SPDX-License-Identifier: MIT
/*
 * The page-table mapper: an instance is one struct vcm_pt of the device's
 * format and configuration (dev_cfg->mapper_cfg, a struct vcm_pt_cfg), with table memory from the
 * system's platform through the instance's forwarding ops (inst_plat.c). Two devices share an instance when their table
 * configurations are equal field by field. The table makes no TLB callbacks:
 * the graph unmaps exactly the extents it mapped (no leaf is ever cut, so no
 * break-before-make happens inside the table) and invalidates the TLBs of
 * every active device once per call, after all its tables are written and
 * before any table memory freed by the call can be handed out again. What
 * the table would have flushed is summed by it (vcm_pt_tlb_hint()) and
 * becomes the hint of that invalidation (pt_tlb_hint, tlb.c).
 */
#include "graph_internal.h"

static int pt_create(void *ctx, const struct vcm_dev_cfg *dev_cfg,
		     const struct vcm_plat_ops *plat, vcm_da_t start, uint64_t len, void **inst,
		     struct vcm_diag *diag)
{
	struct vcm_pt_cfg cfg = *(const struct vcm_pt_cfg *)dev_cfg->mapper_cfg;
	struct vcm_diag d = { 0 };
	struct vcm_pt *pt;
	unsigned int ias;
	int ret;

	(void)ctx;
	cfg.plat = plat;
	cfg.tlb = NULL;
	cfg.tlb_ctx = NULL;
	cfg.flags |= VCM_PT_CFG_TLB_SUM; /* what it would flush: the fan-out's hint */
	/*
	 * No pool of the table's own: it would hand an emptied table to the next
	 * map at once, under another address, before the walk invalidation (the
	 * table makes no TLB calls here). The instance's stash keeps emptied
	 * tables for reuse in the right order (inst_plat.c).
	 */
	cfg.flags &= ~VCM_PT_CFG_POOL;
	ret = vcm_pt_create(&cfg, &pt, &d);
	if (ret != 0)
		return VCM_ERR(diag, ret, "dev '%s' table: %s", dev_cfg->name,
			       graph_msg_(d.msg));
	ias = vcm_pt_ias(pt);
	if (ias < 64U && (start + len - 1U) >> ias != 0U) {
		vcm_pt_destroy(pt);
		return VCM_ERR(diag, -ERANGE,
			       "dev '%s': the VCM ends at %#llx, past its table's %u input bits",
			       dev_cfg->name, vcm_ull(start + len - 1U), ias);
	}
	*inst = pt;
	return 0;
}

/* At registration: the table configuration vcm_pt_create() will be given. */
static int pt_check(const struct vcm_dev_cfg *dev_cfg, struct vcm_diag *diag)
{
	struct vcm_diag d = { 0 };
	int ret = vcm_pt_cfg_check(dev_cfg->mapper_cfg, &d);

	if (ret != 0)
		return VCM_ERR(diag, ret, "%s", graph_msg_(d.msg));
	return 0;
}

static void pt_destroy(void *inst)
{
	vcm_pt_destroy(inst);
}

static bool pt_compatible(const struct vcm_dev_cfg *a, const struct vcm_dev_cfg *b)
{
	const struct vcm_pt_cfg *x = a->mapper_cfg, *y = b->mapper_cfg;

	return x->fmt == y->fmt && x->ias == y->ias && x->oas == y->oas &&
	       x->granule_lg2 == y->granule_lg2 &&
	       ((x->flags ^ y->flags) & ~VCM_PT_CFG_POOL) == 0U && /* dropped at create */
	       x->page_sizes == y->page_sizes && x->mair == y->mair;
}

/*
 * One piece goes to vcm_pt_map() and its single-leaf fast path; more to
 * vcm_pt_map_segs(), one walk for all of them.
 */
static int pt_map(void *inst, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		  unsigned int prot, struct vcm_diag *diag)
{
	int ret = nr == 1U ? vcm_pt_map(inst, da, seg->pa, seg->len, prot) :
			     vcm_pt_map_segs(inst, da, seg, nr, prot);

	if (ret != 0)
		return VCM_ERR(diag, ret, "table: %s", graph_msg_(vcm_pt_last_error(inst)));
	return 0;
}

static int pt_unmap(void *inst, vcm_da_t da, uint64_t len, struct vcm_diag *diag)
{
	int ret = vcm_pt_unmap(inst, da, len, NULL);

	if (ret != 0)
		return VCM_ERR(diag, ret, "table: %s", graph_msg_(vcm_pt_last_error(inst)));
	return 0;
}

static int pt_lookup(void *inst, vcm_da_t da, vcm_pa_t *pa, unsigned int *prot)
{
	struct vcm_pt_leaf leaf;
	int ret = vcm_pt_lookup(inst, da, &leaf);

	/* past the table's input size is unmapped too: a device access there faults */
	if (ret == -ERANGE)
		return -ENOENT;
	if (ret != 0)
		return ret;
	*pa = leaf.pa + (da - leaf.da);
	*prot = leaf.prot;
	return 0;
}

static int pt_hw(void *inst, struct vcm_hw_regs *out)
{
	return vcm_pt_hw(inst, out);
}

static uint64_t pt_page_sizes(void *inst)
{
	return vcm_pt_page_sizes(inst);
}

struct walk_arg {
	int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot);
	void *arg;
};

static int walk_leaf(void *arg, const struct vcm_pt_leaf *leaf)
{
	struct walk_arg *w = arg;

	return w->fn(w->arg, leaf->da, leaf->pa, UINT64_C(1) << leaf->size_lg2, leaf->prot);
}

static int pt_walk(void *inst, vcm_da_t da, uint64_t len,
		   int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot),
		   void *arg)
{
	struct walk_arg w = { fn, arg };

	return vcm_pt_walk(inst, da, len, walk_leaf, &w);
}

static int pt_read_clear_dirty(void *inst, vcm_da_t da, uint64_t len, unsigned int flags,
			       int (*fn)(void *arg, vcm_da_t da, uint64_t len), void *arg,
			       struct vcm_diag *diag)
{
	int ret = vcm_pt_read_clear_dirty(inst, da, len, flags, fn, arg);

	/* EINVAL here is a table made without VCM_PT_CFG_DIRTY: the graph's own args are sound */
	if (ret == -EINVAL)
		return VCM_ERR(diag, -EOPNOTSUPP, "table: %s",
			       graph_msg_(vcm_pt_last_error(inst)));
	if (ret < 0)
		return VCM_ERR(diag, ret, "table: %s", graph_msg_(vcm_pt_last_error(inst)));
	return ret;
}

static bool pt_tlb_hint(void *inst, struct vcm_tlb_hint *hint)
{
	return vcm_pt_tlb_hint(inst, hint);
}

const struct vcm_mapper_ops vcm_mapper_pt = {
	.name = "pt",
	.cfg_size = sizeof(struct vcm_pt_cfg),
	.create = pt_create,
	.check = pt_check,
	.destroy = pt_destroy,
	.compatible = pt_compatible,
	.map = pt_map,
	.unmap = pt_unmap,
	.lookup = pt_lookup,
	.hw = pt_hw,
	.page_sizes = pt_page_sizes,
	.walk = pt_walk,
	.read_clear_dirty = pt_read_clear_dirty,
	.tlb_hint = pt_tlb_hint,
};
