// SPDX-License-Identifier: MIT
/*
 * TLB fan-out: a VCM's tables changed, so every device with an active
 * association to it invalidates the range in each base register it uses.
 * Called once per public call, after every table is written (and, when
 * tables may have been freed, with @leaf false so walk caches go too).
 */
#include "graph_internal.h"

void tlb_fan_(struct vcm *vcm, vcm_da_t da, uint64_t len, bool leaf)
{
	struct glist *p;

	glist_for_each(p, &vcm->assocs) {
		struct vcm_avcm *a = GRAPH_CONTAINER(p, struct vcm_avcm, vcm_node);
		const struct vcm_dev_ops *ops = a->dev->cfg.ops;
		unsigned int bases = assoc_bases_(a);

		if (!a->active || ops == NULL || ops->tlb_range == NULL)
			continue;
		for (unsigned int b = 0; b < VCM_MAX_BASES; b++)
			if ((bases & (1U << b)) != 0U)
				ops->tlb_range(a->dev->cfg.ctx, b, da, len, leaf);
	}
}
