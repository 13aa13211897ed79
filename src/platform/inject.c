// SPDX-License-Identifier: MIT
/*
 * The fault-injection point (struct vcm_plat_inject): one hook for the whole
 * process, asked by every allocation site of the library's own platforms and
 * of the physical memory allocator. Without a hook installed a site costs one
 * load and a branch. Tests only: the hook is process-wide state, installed
 * while nothing else runs, which is why it is not part of any object.
 */
#include <vcm/platform.h>

#if __STDC_HOSTED__ /* freestanding: the inline no-ops of platform.h */
static struct vcm_plat_inject hook;

void vcm_plat_inject_set_(const struct vcm_plat_inject *inj)
{
	if (inj == NULL)
		hook = (struct vcm_plat_inject){ 0 };
	else
		hook = *inj;
}

bool vcm_plat_inject_fail_(const char *site)
{
	return hook.alloc != NULL && hook.alloc(hook.ctx, site);
}

void vcm_plat_inject_free_(const char *site)
{
	if (hook.free != NULL)
		hook.free(hook.ctx, site);
}
#endif /* __STDC_HOSTED__ */
