/* SPDX-License-Identifier: MIT */
/*
 * Hosted (Linux user space) helpers: an arena platform on heap memory for
 * tests, tools and benchmarks. Not part of the freestanding core.
 */
#ifndef VCM_HOSTED_H
#define VCM_HOSTED_H

#include <vcm/platform.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * vcm_plat_hosted_arena_new() - allocate @len bytes of heap memory and make an
 * arena over it that pretends to live at physical address @pa.
 * @len: bytes, a multiple of 1 KiB, at least 2 KiB.
 * @pa:  physical base, aligned to 1 KiB.
 *
 * Return: the arena, or NULL on bad arguments or when memory is short.
 */
struct vcm_plat_arena *vcm_plat_hosted_arena_new(uint64_t len, vcm_pa_t pa);

/** vcm_plat_hosted_arena_delete() - free an arena from vcm_plat_hosted_arena_new(). */
void vcm_plat_hosted_arena_delete(struct vcm_plat_arena *a);

/**
 * vcm_plat_hosted_heap_ops() - platform ops on the C heap: malloc'd metadata,
 * and table memory whose physical address is its host address (pa_to_cpu is
 * the identity). Stateless; @ops->ctx is NULL.
 */
void vcm_plat_hosted_heap_ops(struct vcm_plat_ops *ops);

#ifdef __cplusplus
}
#endif

#endif /* VCM_HOSTED_H */
