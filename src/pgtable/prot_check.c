// SPDX-License-Identifier: MIT
/*
 * vcm_pt_prot_check(): the rules of VCM_PT_PROT_* that hold in every format
 * (include/vcm/prot.h). One place, so that a reservation is refused for the
 * same reasons, in the same words, as a map would be.
 */
#include <errno.h>
#include <vcm/pgtable.h>
#include "../util/fail.h"
#include "../util/bits.h"

int vcm_pt_prot_check(unsigned int prot, struct vcm_diag *diag)
{
	const unsigned int unknown = prot & ~VCM_PT_PROT_ALL;
	const unsigned int fields = VCM_PT_PROT_INNER_MASK | VCM_PT_PROT_OUTER_MASK |
				    VCM_PT_PROT_SH_MASK;

	if (unknown != 0U)
		return VCM_ERR(diag, -EINVAL, "prot %#x has unknown bit %#x", prot,
			       (unsigned int)vcm_lowbit(unknown));
	if ((prot & VCM_PT_PROT_READ) == 0U)
		return VCM_ERR(diag, -EINVAL, "prot %#x lacks VCM_PT_PROT_READ", prot);
	if ((prot & VCM_PT_PROT_DEVICE) != 0U && (prot & fields) != 0U)
		return VCM_ERR(diag, -EINVAL,
			       "prot %#x: device memory takes no cache or share field", prot);
	if (VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot) > VCM_PT_SH_OUTER)
		return VCM_ERR(diag, -EINVAL, "prot %#x has a reserved share value", prot);
	return 0;
}
