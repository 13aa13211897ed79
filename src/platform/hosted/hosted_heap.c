// SPDX-License-Identifier: MIT
/*
 * Hosted convenience: platform ops on the C heap. Metadata is malloc'd (large
 * blocks on lines of their own, hosted_meta.c); table memory is
 * aligned_alloc'd and its "physical" address is its host address, so
 * pa_to_cpu is the identity. For tests and benchmarks of the layers that only
 * need metadata, and for tables nobody but vcmm walks.
 */
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <vcm/hosted.h>
#include "hosted_internal.h"

static int heap_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	void *p;

	(void)ctx;
	if (vcm_plat_inject_fail_("table memory"))
		return -ENOMEM;
	if (align < sizeof(void *))
		align = sizeof(void *);
	if (size > SIZE_MAX || align > SIZE_MAX)
		return -ENOMEM;
	/* aligned_alloc wants a size that is a multiple of the alignment */
	p = aligned_alloc((size_t)align, (size_t)((size + align - 1U) & ~(align - 1U)));
	if (p == NULL)
		return -ENOMEM;
	memset(p, 0, (size_t)size);
	*pa = (vcm_pa_t)(uintptr_t)p;
	*cpu = p;
	return 0;
}

static void heap_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	(void)ctx;
	(void)pa;
	(void)size;
	free(cpu);
	vcm_plat_inject_free_("table memory");
}

static void *heap_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

void vcm_plat_hosted_heap_ops(struct vcm_plat_ops *ops)
{
	/* whole: an op left unset is NULL (table_free_zero among them), not what was there */
	*ops = (struct vcm_plat_ops){
		.table_alloc = heap_table_alloc,
		.table_free = heap_table_free,
		.pa_to_cpu = heap_pa_to_cpu,
		.meta_alloc = hosted_meta_alloc_,
		.meta_free = hosted_meta_free_,
	};
}
