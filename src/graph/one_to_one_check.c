// SPDX-License-Identifier: MIT
/*
 * A one-to-one VCM (a device with no MMU) may only be backed where each
 * extent's device address is its physical address: checked before any
 * mapper is called, so the refusal names the VCM rather than a mapper.
 */
#include "graph_internal.h"

int one_to_one_check_(struct vcm *vcm, const struct rmap_ext *ext, uint64_t nr)
{
	if (vcm->kind != VK_ONE_TO_ONE)
		return 0;
	for (uint64_t i = 0; i < nr; i++)
		if (ext[i].da != ext[i].tn.key)
			return GERR(vcm->h.sys, -EINVAL,
				     "one-to-one VCM: da %#llx would map pa %#llx (must be equal)",
				     vcm_ull(ext[i].da), vcm_ull(ext[i].tn.key));
	return 0;
}
