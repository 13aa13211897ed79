// SPDX-License-Identifier: MIT
/*
 * Hosted convenience: an arena on anonymous memory, for tests, tools and
 * benchmarks. The memory is its own mapping rather than a heap block: a large
 * arena then costs only the pages its tables touch, and a sanitizer's
 * allocator does not poison and quarantine megabytes on every new and delete
 * (which made short-lived arenas, one per command line, the whole cost).
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <vcm/hosted.h>
#include "hosted_internal.h"

struct vcm_plat_arena *vcm_plat_hosted_arena_new(uint64_t len, vcm_pa_t pa)
{
	struct vcm_plat_arena *a;
	void *mem;

	if (len < 2048U || (len & 1023U) != 0U || (pa & 1023U) != 0U || len > SIZE_MAX - 1024U)
		return NULL;
	a = vcm_plat_inject_fail_("malloc") ? NULL : malloc(sizeof(*a));
	if (a == NULL)
		return NULL;
	/* page aligned, so the arena's 1 KiB alignment holds; zero until written */
	mem = hosted_inject_("mmap") ? MAP_FAILED :
	      mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	/*
	 * Huge pages where the host allows them (a hint; failure is harmless):
	 * tables are scattered over the arena, and with 4 KiB pages nearly
	 * every cold table a walk reaches costs a TLB miss as well, where a
	 * kernel's tables sit in its direct map's large pages. Random maps over
	 * 256 GiB (bench_pgtable sparse): 370 -> 315 ns, with tables kept 95 -> 55.
	 */
	if (mem != MAP_FAILED && len >= (UINT64_C(2) << 20))
		(void)madvise(mem, (size_t)len, MADV_HUGEPAGE);
	if (mem == MAP_FAILED || vcm_plat_arena_init(a, mem, pa, len) != 0) {
		if (mem != MAP_FAILED)
			munmap(mem, (size_t)len);
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
	munmap(a->cpu, (size_t)a->len);
	free(a);
	vcm_plat_inject_free_("malloc");
}
