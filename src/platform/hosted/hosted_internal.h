/* SPDX-License-Identifier: MIT */
/*
 * What the hosted memory and its CPU mapper share: the memory object with its
 * memfd, the process mapping of the whole region, the table arena and the two
 * reserved windows of address space that CPU instances map into. Private to
 * src/platform/hosted/.
 */
#ifndef VCM_HOSTED_INTERNAL_H
#define VCM_HOSTED_INTERNAL_H

#include <pthread.h>
#include <vcm/hosted.h>

#define HOSTED_WIN_KERNEL 0U
#define HOSTED_WIN_USER   1U

struct cpu_inst;

/* The hosted platforms' meta_alloc and meta_free (hosted_meta.c); @ctx unused. */
void *hosted_meta_alloc_(void *ctx, size_t size);
void hosted_meta_free_(void *ctx, void *p, size_t size);

/* A window of process address space reserved with no access (PROT_NONE). */
struct hosted_window {
	uint8_t *base;
	uint64_t len;
};

struct vcm_hosted_mem {
	int fd;                        /* the memfd: offset = pa - this->pa */
	vcm_pa_t pa;                   /* physical base of the region */
	uint64_t len;                  /* bytes of the region */
	uint64_t table_bytes;          /* [pa, pa + table_bytes) is the table arena */
	uint64_t page;                 /* host page size */
	uint8_t *cpu;                  /* MAP_SHARED view of the whole region */
	struct vcm_plat_arena arena;   /* over cpu[0, table_bytes) */
	uint64_t arena_free;           /* its free bytes at create: nothing allocated */
	struct vcm_plat_ops arena_ops; /* the arena's own ops, delegated to */
	struct vcm_plat_fwd fwd;       /* table calls on to the arena, under lock */
	struct vcm_sys_lock lock_ops;  /* @lock as a pair of calls, for @fwd */
	struct vcm_plat_ops plat;      /* what vcm_hosted_mem_plat() hands out */
	struct hosted_window win[2];   /* HOSTED_WIN_KERNEL, HOSTED_WIN_USER */
	pthread_mutex_t lock;          /* the arena and the instance list */
	struct cpu_inst *insts;        /* live CPU mapper instances */
};

/*
 * Put a no-access, no-reserve anonymous mapping over [@addr, @addr + @len):
 * how windows are reserved (@addr NULL: anywhere) and how unmapped ranges go
 * back to faulting. Return the address or MAP_FAILED.
 */
void *hosted_reserve_(void *addr, size_t len);

/* True when the injection hook fails this call of @site; errno is then ENOMEM. */
bool hosted_inject_(const char *site);

/* Is [@da, @da + @len) inside [@start, @start + @span)? Needs @len != 0; no overflow. */
static inline bool hosted_inside_(uint64_t da, uint64_t len, uint64_t start, uint64_t span)
{
	return da >= start && da - start < span && len <= span - (da - start);
}

#endif /* VCM_HOSTED_INTERNAL_H */
