/* SPDX-License-Identifier: MIT */
/*
 * Hosted (Linux user space) helpers: an arena platform on heap memory for
 * tests, tools and benchmarks. Not part of the freestanding core.
 */
#ifndef VCM_HOSTED_H
#define VCM_HOSTED_H

#include <vcm/platform.h>
#include <vcm/dev.h>

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

/*
 * Hosted physical memory: one memfd-backed region that plays the machine's
 * RAM at a chosen physical base. Page tables and buffers both live in it, so a
 * walker that reads physical memory at a table's address sees the real table
 * bytes, and the CPU mapper maps the very same pages into the process.
 */
struct vcm_hosted_mem;

/**
 * vcm_hosted_mem_create() - make [@pa, @pa + @len) of hosted physical memory.
 * @pa:          physical base, aligned to 2 MiB.
 * @len:         bytes, a multiple of 2 MiB.
 * @table_bytes: the first @table_bytes of the region (a multiple of 2 MiB,
 *               less than @len) are the page-table arena; the rest is left for
 *               memtypes (vcm_hosted_mem_free_range()).
 * @out:         receives the memory.
 * Return: 0; -EINVAL bad argument (named in @diag); -ENOMEM memfd or mmap failed.
 */
int vcm_hosted_mem_create(vcm_pa_t pa, uint64_t len, uint64_t table_bytes,
			  struct vcm_hosted_mem **out, struct vcm_diag *diag);
/** vcm_hosted_mem_destroy() - unmap and close everything; NULL ignored. */
int vcm_hosted_mem_destroy(struct vcm_hosted_mem *mem);
/**
 * vcm_hosted_mem_plat() - platform ops over the memory: tables from its arena,
 * metadata from the heap, pa_to_cpu for every address of the region (tables
 * and buffers alike; NULL outside it), no cache_clean (coherent).
 */
const struct vcm_plat_ops *vcm_hosted_mem_plat(struct vcm_hosted_mem *mem);
/** vcm_hosted_mem_cpu() - CPU pointer to physical address @pa, NULL outside. */
void *vcm_hosted_mem_cpu(struct vcm_hosted_mem *mem, vcm_pa_t pa);
/** vcm_hosted_mem_free_range() - the part of the region after the table arena. */
void vcm_hosted_mem_free_range(const struct vcm_hosted_mem *mem, vcm_pa_t *pa, uint64_t *len);

/*
 * The hosted CPU mapper (struct vcm_mapper_ops, include/vcm/dev.h), with a
 * struct vcm_hosted_mem as its ctx. Its prebuilt VCMs are windows of process
 * address space reserved with no access; backing maps the memfd at the
 * chunks' offsets there (MAP_FIXED | MAP_SHARED), so vcm_get_dev_addr() of a
 * CPU reservation is a pointer to the bytes the devices see; unbacking puts
 * the no-access mapping back, and a later access faults.
 */
extern const struct vcm_mapper_ops vcm_hosted_cpu_mapper;

#ifdef __cplusplus
}
#endif

#endif /* VCM_HOSTED_H */
