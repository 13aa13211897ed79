// SPDX-License-Identifier: MIT
/*
 * Hosted convenience: an arena on heap memory, for tests, tools and benchmarks.
 * The heap block also holds the arena struct, so one free() undoes it.
 */
#include <stdlib.h>
#include <vcm/hosted.h>

struct vcm_plat_arena *vcm_plat_hosted_arena_new(uint64_t len, vcm_pa_t pa)
{
	struct vcm_plat_arena *a;
	void *mem;

	if (len < 2048U || (len & 1023U) != 0U || (pa & 1023U) != 0U || len > SIZE_MAX - 1024U)
		return NULL;
	a = vcm_plat_inject_fail_("malloc") ? NULL : malloc(sizeof(*a));
	if (a == NULL)
		return NULL;
	mem = vcm_plat_inject_fail_("aligned_alloc") ? NULL : aligned_alloc(1024, (size_t)len);
	if (mem == NULL || vcm_plat_arena_init(a, mem, pa, len) != 0) {
		if (mem != NULL) {
			free(mem);
			vcm_plat_inject_free_("aligned_alloc");
		}
		free(a);
		vcm_plat_inject_free_("malloc");
		return NULL;
	}
	return a;
}

void vcm_plat_hosted_arena_delete(struct vcm_plat_arena *a)
{
	if (a == NULL)
		return;
	free(a->cpu);
	free(a);
	vcm_plat_inject_free_("aligned_alloc");
	vcm_plat_inject_free_("malloc");
}
