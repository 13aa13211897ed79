// SPDX-License-Identifier: MIT
/*
 * Hosted physical memory: one memfd plays the machine's RAM at a chosen
 * physical base. The whole file is mapped MAP_SHARED into the process once;
 * that mapping is the CPU view behind pa_to_cpu (tables and buffers alike).
 * Its first table_bytes are a buddy arena (src/platform/arena.c) for page
 * tables, so a walker reading "physical memory" at a table's pa reads the very
 * bytes the page-table layer wrote. Metadata comes from the heap so that it
 * never takes table memory.
 *
 * The object also reserves two windows of process address space (kernel and
 * user view) for the CPU mapper (cpu_mapper.c), which maps the same memfd
 * pages there.
 *
 * Non-goals: hugepages, NUMA placement, growing the region after create.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "hosted_internal.h"
#include "../../util/bits.h"
#include "../../util/fail.h"

#define WIN_MIN   (UINT64_C(64) << 20)
#define WIN_ALIGN VCM_SZ_1G

/* An injected failure of @site (vcm_plat_inject_fail_()) with errno set as the call would. */
bool hosted_inject_(const char *site)
{
	if (!vcm_plat_inject_fail_(site))
		return false;
	errno = ENOMEM;
	return true;
}

void *hosted_reserve_(void *addr, size_t len)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;

	if (addr != NULL)
		flags |= MAP_FIXED;
	if (hosted_inject_("mmap"))
		return MAP_FAILED;
	return mmap(addr, len, PROT_NONE, flags, -1, 0);
}

/*
 * Reserve @len bytes of address space, 1 GiB aligned when the process has room
 * for the over-reservation (trimmed afterwards), else wherever mmap puts it.
 */
static void *reserve_window(uint64_t len)
{
	uint8_t *p = MAP_FAILED;
	uint64_t head;

	if (len <= SIZE_MAX - WIN_ALIGN)
		p = hosted_reserve_(NULL, (size_t)(len + WIN_ALIGN));
	if (p == MAP_FAILED) {
		p = hosted_reserve_(NULL, (size_t)len);
		return p == MAP_FAILED ? NULL : p;
	}
	head = (WIN_ALIGN - ((uintptr_t)p & (WIN_ALIGN - 1U))) & (WIN_ALIGN - 1U);
	if (head != 0U)
		munmap(p, (size_t)head);
	if (WIN_ALIGN - head != 0U)
		munmap(p + head + len, (size_t)(WIN_ALIGN - head));
	return p + head;
}

static void mem_lock(void *ctx)
{
	pthread_mutex_lock(ctx);
}

static void mem_unlock(void *ctx)
{
	pthread_mutex_unlock(ctx);
}

/* Without an arena: no table memory at all. */
static int no_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	(void)ctx;
	(void)size;
	(void)align;
	(void)pa;
	(void)cpu;
	return -ENOMEM;
}

static void no_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	(void)ctx;
	(void)pa;
	(void)cpu;
	(void)size;
}

static struct vcm_hosted_mem *mem_of(void *ctx)
{
	return (struct vcm_hosted_mem *)(void *)((char *)ctx -
						 offsetof(struct vcm_hosted_mem, fwd));
}

/* The whole region, not only the arena the table calls go to. */
static void *mem_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	return vcm_hosted_mem_cpu(mem_of(ctx), pa);
}

/* Undo whatever create got to; every field not yet set is its initial value. */
static void mem_release(struct vcm_hosted_mem *mem)
{
	for (unsigned int w = 0; w < 2U; w++)
		if (mem->win[w].base != NULL)
			munmap(mem->win[w].base, (size_t)mem->win[w].len);
	if (mem->cpu != NULL)
		munmap(mem->cpu, (size_t)mem->len);
	if (mem->fd >= 0)
		close(mem->fd);
	pthread_mutex_destroy(&mem->lock);
	free(mem);
	vcm_plat_inject_free_("calloc");
}

static int check_create(vcm_pa_t pa, uint64_t len, uint64_t table_bytes,
			struct vcm_diag *diag)
{
	if (!vcm_is_aligned(pa, VCM_SZ_2M))
		return VCM_ERR(diag, -EINVAL, "pa %#llx is not 2 MiB aligned", vcm_ull(pa));
	if (len == 0U)
		return VCM_ERR(diag, -EINVAL, "len is 0");
	if (!vcm_is_aligned(len, VCM_SZ_2M))
		return VCM_ERR(diag, -EINVAL, "len %#llx is not a multiple of 2 MiB",
			       vcm_ull(len));
	if (!vcm_is_aligned(table_bytes, VCM_SZ_2M))
		return VCM_ERR(diag, -EINVAL, "table_bytes %#llx is not a multiple of 2 MiB",
			       vcm_ull(table_bytes));
	if (table_bytes >= len)
		return VCM_ERR(diag, -ERANGE,
			       "table_bytes %#llx leaves nothing of len %#llx for buffers",
			       vcm_ull(table_bytes), vcm_ull(len));
	if (len - 1U > ~pa)
		return VCM_ERR(diag, -EOVERFLOW, "pa %#llx + len %#llx wraps",
			       vcm_ull(pa), vcm_ull(len));
	/* off_t offsets and two windows of at least len must fit the process */
	if (len > (uint64_t)INT64_MAX || len > SIZE_MAX / 4U)
		return VCM_ERR(diag, -ERANGE, "len %#llx is too large for this process",
			       vcm_ull(len));
	return 0;
}

int vcm_hosted_mem_create(vcm_pa_t pa, uint64_t len, uint64_t table_bytes,
			  struct vcm_hosted_mem **out, struct vcm_diag *diag)
{
	struct vcm_hosted_mem *mem;
	long page = sysconf(_SC_PAGESIZE);
	void *p;
	int ret;

	vcm_diag_enter(diag, __func__);
	if (out == NULL)
		return VCM_ERR(diag, -EINVAL, "out is NULL");
	*out = NULL;
	ret = check_create(pa, len, table_bytes, diag);
	if (ret != 0)
		return ret;
	if (page <= 0 || !vcm_is_pow2((uint64_t)page) || !vcm_is_aligned(VCM_SZ_2M, (uint64_t)page))
		return VCM_ERR(diag, -EOPNOTSUPP, "host page size %ld is not supported", page);

	mem = vcm_plat_inject_fail_("calloc") ? NULL : calloc(1, sizeof(*mem));
	if (mem == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the object");
	mem->fd = -1;
	mem->pa = pa;
	mem->len = len;
	mem->table_bytes = table_bytes;
	mem->page = (uint64_t)page;
	if (pthread_mutex_init(&mem->lock, NULL) != 0) {
		free(mem);
		vcm_plat_inject_free_("calloc");
		return VCM_ERR(diag, -ENOMEM, "pthread_mutex_init failed");
	}

	if (!hosted_inject_("memfd_create"))
		mem->fd = memfd_create("vcm-physmem", MFD_CLOEXEC);
	if (mem->fd < 0) {
		ret = VCM_ERR(diag, -ENOMEM, "memfd_create failed: %s", strerror(errno));
		goto fail;
	}
	if (hosted_inject_("ftruncate") || ftruncate(mem->fd, (off_t)len) != 0) {
		ret = VCM_ERR(diag, -ENOMEM, "ftruncate of the memfd to len %#llx failed: %s",
			      vcm_ull(len), strerror(errno));
		goto fail;
	}
	p = hosted_inject_("mmap") ? MAP_FAILED :
		mmap(NULL, (size_t)len, PROT_READ | PROT_WRITE, MAP_SHARED, mem->fd, 0);
	if (p == MAP_FAILED) {
		ret = VCM_ERR(diag, -ENOMEM, "mmap of len %#llx failed: %s", vcm_ull(len),
			      strerror(errno));
		goto fail;
	}
	mem->cpu = p;

	for (unsigned int w = 0; w < 2U; w++) {
		uint64_t wlen = len > WIN_MIN ? len : WIN_MIN;

		mem->win[w].base = reserve_window(wlen);
		if (mem->win[w].base == NULL) {
			ret = VCM_ERR(diag, -ENOMEM,
				      "no room for a %s window of %#llx bytes of address space",
				      w == HOSTED_WIN_USER ? "user" : "kernel", vcm_ull(wlen));
			goto fail;
		}
		mem->win[w].len = wlen;
	}

	if (table_bytes != 0U) {
		ret = vcm_plat_arena_init(&mem->arena, mem->cpu, pa, table_bytes);
		if (ret != 0) {
			ret = VCM_ERR(diag, ret, "table_bytes %#llx: %s", vcm_ull(table_bytes),
				      mem->arena.diag.msg);
			goto fail;
		}
		vcm_plat_arena_ops(&mem->arena, &mem->arena_ops);
		mem->arena_free = vcm_plat_arena_free_bytes(&mem->arena);
	}
	/* table calls go on to the arena under the lock; the rest is the region's own */
	mem->lock_ops = (struct vcm_sys_lock){ mem_lock, mem_unlock, &mem->lock };
	mem->fwd = (struct vcm_plat_fwd){ .to = &mem->arena_ops, .lock = &mem->lock_ops };
	vcm_plat_fwd_ops(&mem->fwd, &mem->plat);
	if (table_bytes == 0U) {
		mem->plat.table_alloc = no_table_alloc;
		mem->plat.table_free = no_table_free;
		mem->plat.table_free_zero = NULL;
	}
	mem->plat.pa_to_cpu = mem_pa_to_cpu;
	mem->plat.cache_clean = NULL;
	mem->plat.meta_alloc = hosted_meta_alloc_;
	mem->plat.meta_free = hosted_meta_free_;
	*out = mem;
	return 0;
fail:
	mem_release(mem);
	return ret;
}

int vcm_hosted_mem_destroy(struct vcm_hosted_mem *mem)
{
	bool busy;

	if (mem == NULL)
		return 0;
	pthread_mutex_lock(&mem->lock);
	busy = mem->insts != NULL;
	pthread_mutex_unlock(&mem->lock);
	if (busy)
		return -EBUSY;
	mem_release(mem);
	return 0;
}

int vcm_hosted_mem_reset(struct vcm_hosted_mem *mem)
{
	int ret = 0;

	if (mem == NULL)
		return -EINVAL;
	pthread_mutex_lock(&mem->lock);
	if (mem->insts != NULL ||
	    (mem->table_bytes != 0U && vcm_plat_arena_free_bytes(&mem->arena) != mem->arena_free))
		ret = -EBUSY;
	else if (mem->table_bytes != 0U)
		/* drops the zero lists and the low-water mark; cannot fail: create's own arguments */
		ret = vcm_plat_arena_init(&mem->arena, mem->cpu, mem->pa, mem->table_bytes);
	pthread_mutex_unlock(&mem->lock);
	return ret;
}

const struct vcm_plat_ops *vcm_hosted_mem_plat(struct vcm_hosted_mem *mem)
{
	return mem == NULL ? NULL : &mem->plat;
}

void *vcm_hosted_mem_cpu(struct vcm_hosted_mem *mem, vcm_pa_t pa)
{
	if (mem == NULL || pa < mem->pa || pa - mem->pa >= mem->len)
		return NULL;
	return mem->cpu + (pa - mem->pa);
}

void vcm_hosted_mem_free_range(const struct vcm_hosted_mem *mem, vcm_pa_t *pa, uint64_t *len)
{
	vcm_pa_t start = mem == NULL ? 0U : mem->pa + mem->table_bytes;
	uint64_t n = mem == NULL ? 0U : mem->len - mem->table_bytes;

	if (pa != NULL)
		*pa = start;
	if (len != NULL)
		*len = n;
}

int vcm_hosted_mem_fd(const struct vcm_hosted_mem *mem)
{
	return mem == NULL ? -EINVAL : mem->fd;
}
