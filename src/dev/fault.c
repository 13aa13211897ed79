// SPDX-License-Identifier: MIT
/*
 * The typed fault record every device reports (include/vcm/dev.h): names for
 * messages and the errno a faulting call returns.
 */
#include <errno.h>
#include <vcm/dev.h>

const char *vcm_fault_kind_name(enum vcm_fault_kind kind)
{
	switch (kind) {
	case VCM_FAULT_TRANSLATION: return "translation";
	case VCM_FAULT_PERMISSION:  return "permission";
	case VCM_FAULT_ADDR_SIZE:   return "address size";
	case VCM_FAULT_ACCESS_FLAG: return "access flag";
	case VCM_FAULT_EXTERNAL:    return "external";
	case VCM_FAULT_CONFIG:      return "configuration";
	}
	return "?";
}

int vcm_fault_errno(enum vcm_fault_kind kind)
{
	switch (kind) {
	case VCM_FAULT_TRANSLATION: return -ENOENT;
	case VCM_FAULT_PERMISSION:  return -EACCES;
	default:                    return -EFAULT;
	}
}
