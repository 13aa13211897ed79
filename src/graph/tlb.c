// SPDX-License-Identifier: MIT
/*
 * TLB fan-out: a VCM's tables changed, so every device with an active
 * association to it invalidates the range in each base register it uses.
 * Called once per public call, after every table is written (and, when
 * tables may have been freed, with @leaf false so walk caches go too).
 *
 * An instance that says what its changes were (vcm_mapper_ops.tlb_hint: a
 * page table knows the leaf sizes it cleared and whether a table went)
 * gives every device sharing it that hint, its leaf-only flag replacing the
 * graph's guess; the others get { any size, @leaf }. A device with
 * tlb_range_hint receives the hint, one with tlb_range its leaf-only flag.
 *
 * Only the VCM's active associations are walked (vcm->act_first, kept by
 * assoc.c, in activation order): an inactive one has no base to clean, and
 * a VCM may have many more devices associated than active.
 */
#include "graph_internal.h"

void tlb_fan_(struct vcm *vcm, vcm_da_t da, uint64_t len, bool leaf)
{
	struct glist *p;
	struct vcm_avcm *a;
	bool locked = false;

	/* taken once per instance: a hint is forgotten when read */
	glist_for_each(p, &vcm->insts) {
		struct vcm_inst *in = GRAPH_CONTAINER(p, struct vcm_inst, node);
		struct vcm_tlb_hint h;

		in->hint.leaf_sizes = 0;
		in->hint.leaf_only = leaf;
		if (in->ops->tlb_hint != NULL && in->ops->tlb_hint(in->mi, &h))
			in->hint = h;
	}
	for (a = vcm->act_first; a != NULL; a = a->act_next) {
		const struct vcm_dev_ops *ops = a->dev->cfg.ops;
		const struct vcm_tlb_hint *h = &a->inst->hint;
		unsigned int bases = assoc_bases_(a);

		VCM_ASSERT(a->active);
		if (ops == NULL || (ops->tlb_range == NULL && ops->tlb_range_hint == NULL))
			continue;
		/* device ops of a system never run at once (a device may be in
		 * several VCMs, devices may share an IOMMU model) */
		if (!locked) {
			leaf_lock_(vcm->h.sys, vcm->h.sys->l_dev);
			locked = true;
		}
		for (unsigned int b = 0; b < VCM_MAX_BASES; b++) {
			if ((bases & (1U << b)) == 0U)
				continue;
			if (ops->tlb_range_hint != NULL)
				ops->tlb_range_hint(a->dev->cfg.ctx, b, da, len, h);
			else
				ops->tlb_range(a->dev->cfg.ctx, b, da, len, h->leaf_only);
		}
	}
	if (locked)
		leaf_unlock_(vcm->h.sys, vcm->h.sys->l_dev);
}
