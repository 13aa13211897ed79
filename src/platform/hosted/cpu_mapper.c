// SPDX-License-Identifier: MIT
/*
 * The hosted CPU mapper: the process's own MMU as an endpoint of the mapping
 * graph. Device addresses are process addresses inside one of the two windows
 * a struct vcm_hosted_mem reserved (kernel and user view; both plain process
 * memory on a host). Mapping puts the memfd pages of [pa, pa + len) at da with
 * MAP_SHARED | MAP_FIXED, so a pointer to da shows the bytes every other agent
 * sees at pa; unmapping puts the no-access reservation back, so a later access
 * faults as a device access to an unmapped address would. Unmapping, and the
 * undo of a map that failed part way, do not depend on an mmap succeeding
 * (no_access()): the graph's rollbacks rely on an unmap that cannot fail.
 *
 * The kernel keeps no record we can query cheaply, so each instance keeps its
 * own: a sorted array of (da, pa, len, prot) runs, one per piece mapped
 * (split when part of a run is unmapped), on the heap, with free slots on
 * both sides (open_runs()). lookup() and walk() answer from it.
 *
 * Context: an instance is used by one thread at a time (the graph holds its
 * lock); creating and destroying instances takes the memory object's lock.
 * Non-goals: hugepages, attributes beyond read/write/execute (cacheability and
 * the like are the host's business and are only recorded).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "hosted_internal.h"
#include "../../util/bits.h"
#include "../../util/fail.h"

/* One mapped piece's translation (or what is left of it after partial unmaps). */
struct cpu_run {
	vcm_da_t da;
	vcm_pa_t pa;
	uint64_t len;
	unsigned int prot;
};

struct cpu_inst {
	struct vcm_hosted_mem *mem;
	struct cpu_inst *next;     /* in mem->insts */
	vcm_da_t start;
	uint64_t len;
	struct cpu_run *buf;       /* cap slots: front free, then the nr runs, then free */
	struct cpu_run *runs;      /* buf + front; sorted by da, disjoint */
	size_t front, nr, cap;
};

static const char *win_name(unsigned int w)
{
	return w == HOSTED_WIN_USER ? "user" : "kernel";
}

static int cpu_range(void *ctx, bool user, vcm_da_t *start, uint64_t *len)
{
	struct vcm_hosted_mem *mem = ctx;
	unsigned int w = user ? HOSTED_WIN_USER : HOSTED_WIN_KERNEL;

	if (mem == NULL || start == NULL || len == NULL)
		return -EINVAL;
	*start = (vcm_da_t)(uintptr_t)mem->win[w].base;
	*len = mem->win[w].len;
	return 0;
}

/* Checks every caller-given range shares: nonzero, page aligned, no wrap. */
static int check_span(uint64_t page, const char *what, uint64_t a, uint64_t len,
		      struct vcm_diag *diag)
{
	if (len == 0U)
		return VCM_ERR(diag, -EINVAL, "len is 0");
	if (!vcm_is_aligned(a, page))
		return VCM_ERR(diag, -EINVAL, "%s %#llx is not aligned to the %#llx-byte page",
			       what, vcm_ull(a), vcm_ull(page));
	if (!vcm_is_aligned(len, page))
		return VCM_ERR(diag, -EINVAL,
			       "len %#llx is not a multiple of the %#llx-byte page", vcm_ull(len),
			       vcm_ull(page));
	if (len - 1U > ~a)
		return VCM_ERR(diag, -EOVERFLOW, "%s %#llx + len %#llx wraps", what,
			       vcm_ull(a), vcm_ull(len));
	return 0;
}

static int cpu_create(void *ctx, const struct vcm_dev_cfg *dev_cfg,
		      const struct vcm_plat_ops *plat, vcm_da_t start, uint64_t len,
		      void **inst, struct vcm_diag *diag)
{
	struct vcm_hosted_mem *mem = ctx;
	struct cpu_inst *ci, *other;
	vcm_da_t other_start = 0;
	uint64_t other_len = 0;
	unsigned int w;
	int ret;

	(void)dev_cfg;
	(void)plat; /* the record is CPU-only metadata: heap, never table memory */
	if (mem == NULL)
		return VCM_ERR(diag, -EINVAL,
			       "mapper ctx is NULL (want a struct vcm_hosted_mem)");
	if (inst == NULL)
		return VCM_ERR(diag, -EINVAL, "inst is NULL");
	*inst = NULL;
	ret = check_span(mem->page, "start", start, len, diag);
	if (ret != 0)
		return ret;
	for (w = 0; w < 2U; w++)
		if (hosted_inside_(start, len, (uintptr_t)mem->win[w].base, mem->win[w].len))
			break;
	if (w == 2U)
		return VCM_ERR(diag, -ERANGE,
			       "start %#llx len %#llx is in neither window (kernel %p, user %p)",
			       vcm_ull(start), vcm_ull(len), (void *)mem->win[0].base,
			       (void *)mem->win[1].base);
	ci = hosted_inject_("calloc") ? NULL : calloc(1, sizeof(*ci));
	if (ci == NULL)
		return VCM_ERR(diag, -ENOMEM, "no memory for the instance");
	ci->mem = mem;
	ci->start = start;
	ci->len = len;

	pthread_mutex_lock(&mem->lock);
	for (other = mem->insts; other != NULL; other = other->next)
		if (start - other->start < other->len || other->start - start < len)
			break;
	if (other != NULL) {
		other_start = other->start;
		other_len = other->len;
	} else {
		ci->next = mem->insts;
		mem->insts = ci;
	}
	pthread_mutex_unlock(&mem->lock);
	if (other != NULL) {
		free(ci);
		vcm_plat_inject_free_("calloc");
		return VCM_ERR(diag, -EBUSY,
			       "start %#llx len %#llx overlaps the instance at %#llx len %#llx in the %s window",
			       vcm_ull(start), vcm_ull(len), vcm_ull(other_start),
			       vcm_ull(other_len), win_name(w));
	}
	*inst = ci;
	return 0;
}

/*
 * Make [@da, @da + @len) fault again. The window's own kind of mapping (an
 * anonymous no-access one, hosted_reserve_()) comes first, as it drops the
 * memfd pages from the range. When that mmap fails (no memory, no address
 * space, or an injected failure), mprotect(PROT_NONE) over what is there
 * makes every access fault just the same and needs no new mapping, so an
 * unmap and the undo of a partial map still complete. The memfd pages then
 * stay in the process's maps with no access until the range is mapped again
 * or the instance goes. -errno only when both fail (mprotect splitting a
 * mapping the kernel merged, with the process at its mapping limit).
 */
static int no_access(vcm_da_t da, uint64_t len)
{
	void *p = (void *)(uintptr_t)da;

	if (hosted_reserve_(p, (size_t)len) != MAP_FAILED)
		return 0;
	if (mprotect(p, (size_t)len, PROT_NONE) == 0)
		return 0;
	return -errno;
}

static void cpu_destroy(void *inst)
{
	struct cpu_inst *ci = inst;
	struct cpu_inst **pp;

	if (ci == NULL)
		return;
	/*
	 * Whatever is still mapped goes back to no access, in one call; also with
	 * nothing recorded, as unmaps that fell back to mprotect() left their
	 * memfd pages in place (no_access()).
	 */
	(void)no_access(ci->start, ci->len);
	pthread_mutex_lock(&ci->mem->lock);
	for (pp = &ci->mem->insts; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == ci) {
			*pp = ci->next;
			break;
		}
	}
	pthread_mutex_unlock(&ci->mem->lock);
	free(ci->buf);
	free(ci);
	vcm_plat_inject_free_("calloc");
}

static bool cpu_compatible(const struct vcm_dev_cfg *a, const struct vcm_dev_cfg *b)
{
	(void)a;
	(void)b;
	return true; /* one process, one MMU */
}

/* Index of the first run that ends after @da (nr if none). */
static size_t first_after(const struct cpu_inst *ci, vcm_da_t da)
{
	size_t lo = 0, hi = ci->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2U;
		const struct cpu_run *r = &ci->runs[mid];

		if (r->da <= da && da - r->da >= r->len)
			lo = mid + 1U; /* wholly below da */
		else
			hi = mid;
	}
	return lo;
}

/*
 * The runs sit in the middle of their buffer, with free slots on both sides:
 * a run opened or closed at index i moves the shorter side, the i runs before
 * it or the nr - i after it. The orders a driver makes most, backing from the
 * top of a window down and unbacking the oldest first, then move nothing.
 */
#define RUN_SZ sizeof(struct cpu_run)

/*
 * Room for @extra more runs after the last, and free slots adding up to an
 * eighth of the runs at least (so that moving the runs to the middle, in
 * open_runs(), pays for itself); the buffer only grows, runs re-centred.
 */
static int reserve_runs(struct cpu_inst *ci, size_t extra)
{
	size_t cap, front;
	struct cpu_run *buf;

	if (ci->cap - ci->front - ci->nr >= extra && ci->cap - ci->nr >= extra + ci->nr / 8U)
		return 0;
	cap = ci->cap != 0U ? ci->cap * 2U : 8U;
	if (cap < ci->nr + 2U * extra + ci->nr / 8U)
		cap = ci->nr + 2U * extra + ci->nr / 8U;
	if (cap > SIZE_MAX / RUN_SZ)
		return -ENOMEM;
	buf = hosted_inject_("realloc") ? NULL : realloc(ci->buf, cap * RUN_SZ);
	if (buf == NULL)
		return -ENOMEM;
	front = (cap - ci->nr) / 2U; /* the tail keeps the other half: at least @extra */
	memmove(buf + front, buf + ci->front, ci->nr * RUN_SZ);
	ci->buf = buf;
	ci->front = front;
	ci->runs = buf + front;
	ci->cap = cap;
	return 0;
}

/* @k free slots at index @i (reserve_runs(@k) came first). */
static void open_runs(struct cpu_inst *ci, size_t i, size_t k)
{
	if (i < ci->nr - i && ci->front < k) {
		/* the front is used up: the runs to the middle of the free slots */
		size_t front = (ci->cap - ci->nr) / 2U;

		if (front >= k) {
			memmove(ci->buf + front, ci->runs, ci->nr * RUN_SZ);
			ci->front = front;
			ci->runs = ci->buf + front;
		}
	}
	if (i < ci->nr - i && ci->front >= k) {
		memmove(ci->runs - k, ci->runs, i * RUN_SZ);
		ci->front -= k;
		ci->runs -= k;
	} else {
		memmove(&ci->runs[i + k], &ci->runs[i], (ci->nr - i) * RUN_SZ);
	}
	ci->nr += k;
}

/* Drop the @k runs from index @i. */
static void close_runs(struct cpu_inst *ci, size_t i, size_t k)
{
	if (i < ci->nr - i - k) {
		memmove(ci->runs + k, ci->runs, i * RUN_SZ);
		ci->front += k;
		ci->runs += k;
	} else {
		memmove(&ci->runs[i], &ci->runs[i + k], (ci->nr - i - k) * RUN_SZ);
	}
	ci->nr -= k;
}

static int host_prot(unsigned int prot)
{
	int p = PROT_READ;

	if ((prot & VCM_PT_PROT_WRITE) != 0U)
		p |= PROT_WRITE;
	if ((prot & VCM_PT_PROT_EXEC) != 0U)
		p |= PROT_EXEC;
	return p;
}

/* The checks map and unmap share: handle, span, inside the instance. */
static int check_da(const struct cpu_inst *ci, vcm_da_t da, uint64_t len,
		    struct vcm_diag *diag)
{
	int ret;

	if (ci == NULL)
		return VCM_ERR(diag, -EINVAL, "inst is NULL");
	ret = check_span(ci->mem->page, "da", da, len, diag);
	if (ret != 0)
		return ret;
	if (!hosted_inside_(da, len, ci->start, ci->len))
		return VCM_ERR(diag, -ERANGE,
			       "da %#llx len %#llx is outside the CPU range %#llx len %#llx",
			       vcm_ull(da), vcm_ull(len), vcm_ull(ci->start), vcm_ull(ci->len));
	return 0;
}

/* One piece: [@pa, @pa + @len) at @da, all or nothing. */
static int map_one(struct cpu_inst *ci, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		   unsigned int prot, struct vcm_diag *diag)
{
	struct vcm_hosted_mem *mem;
	size_t i;
	void *p;
	int ret = check_da(ci, da, len, diag);

	if (ret != 0)
		return ret;
	mem = ci->mem;
	ret = check_span(mem->page, "pa", pa, len, diag);
	if (ret != 0)
		return ret;
	if (!hosted_inside_(pa, len, mem->pa, mem->len))
		return VCM_ERR(diag, -ERANGE,
			       "pa %#llx len %#llx is outside the memory %#llx len %#llx",
			       vcm_ull(pa), vcm_ull(len), vcm_ull(mem->pa), vcm_ull(mem->len));
	if ((prot & ~VCM_PT_PROT_ALL) != 0U)
		return VCM_ERR(diag, -EINVAL, "prot has unknown bits %#x",
			       prot & ~VCM_PT_PROT_ALL);
	if ((prot & VCM_PT_PROT_SECURE) != 0U)
		return VCM_ERR(diag, -EOPNOTSUPP,
			       "prot %#x asks for the Secure space, which hosted memory lacks",
			       prot);
	if ((prot & VCM_PT_PROT_READ) == 0U)
		return VCM_ERR(diag, -EOPNOTSUPP,
			       "prot %#x lacks VCM_PT_PROT_READ: host mappings are always readable",
			       prot);
	i = first_after(ci, da);
	if (i < ci->nr && (ci->runs[i].da < da || ci->runs[i].da - da < len))
		return VCM_ERR(diag, -EEXIST,
			       "da %#llx len %#llx overlaps the mapping at %#llx len %#llx",
			       vcm_ull(da), vcm_ull(len), vcm_ull(ci->runs[i].da),
			       vcm_ull(ci->runs[i].len));
	if (reserve_runs(ci, 1) != 0)
		return VCM_ERR(diag, -ENOMEM, "no memory to record the mapping");

	p = hosted_inject_("mmap") ? MAP_FAILED :
		mmap((void *)(uintptr_t)da, (size_t)len, host_prot(prot), MAP_SHARED | MAP_FIXED,
		     mem->fd, (off_t)(pa - mem->pa));
	if (p == MAP_FAILED) {
		int e = errno;

		/* the range was no-access before; make sure it still is */
		(void)no_access(da, len);
		return VCM_ERR(diag, e == EPERM || e == EACCES ? -EOPNOTSUPP : -ENOMEM,
			       "mmap of da %#llx len %#llx prot %#x failed: %s", vcm_ull(da),
			       vcm_ull(len), prot, strerror(e));
	}
	open_runs(ci, i, 1);
	ci->runs[i] = (struct cpu_run){ .da = da, .pa = pa, .len = len, .prot = prot };
	return 0;
}

static int cpu_unmap(void *inst, vcm_da_t da, uint64_t len, struct vcm_diag *diag)
{
	struct cpu_inst *ci = inst;
	struct cpu_run head, tail;
	bool has_head, has_tail;
	uint64_t done = 0;
	size_t i, j, keep;
	int ret = check_da(ci, da, len, diag);

	if (ret != 0)
		return ret;
	/* Every byte must be mapped: runs i..j-1 cover [da, da + len) without a hole. */
	i = first_after(ci, da);
	for (j = i; done < len; j++) {
		if (j == ci->nr || ci->runs[j].da > da + done)
			return VCM_ERR(diag, -ENOENT, "da %#llx is not mapped",
				       vcm_ull(da + done));
		done = ci->runs[j].da + ci->runs[j].len - da; /* windows never reach 2^64 */
	}
	has_head = ci->runs[i].da < da;
	has_tail = done > len;
	if (has_head && has_tail && j - i == 1U && reserve_runs(ci, 1) != 0)
		return VCM_ERR(diag, -ENOMEM, "no memory to split the mapping at %#llx",
			       vcm_ull(ci->runs[i].da));
	ret = no_access(da, len);
	if (ret != 0)
		return VCM_ERR(diag, -ENOMEM,
			       "no access over da %#llx len %#llx: mmap and mprotect failed: %s",
			       vcm_ull(da), vcm_ull(len), strerror(-ret));

	head = ci->runs[i];
	head.len = da - head.da;
	tail = ci->runs[j - 1U];
	tail.pa += da + len - tail.da;
	tail.len = done - len;
	tail.da = da + len;
	/* runs i..j-1 become head (if any) and tail (if any) */
	keep = (has_head ? 1U : 0U) + (has_tail ? 1U : 0U);
	if (j - i > keep)
		close_runs(ci, i + keep, j - i - keep);
	else if (keep > j - i)
		open_runs(ci, j, keep - (j - i));
	if (has_head)
		ci->runs[i++] = head;
	if (has_tail)
		ci->runs[i] = tail;
	return 0;
}

/*
 * Each piece is its own mmap (the pieces' offsets in the memfd differ); a
 * piece that fails puts the ones before it back to no access, which needs no
 * mmap (no_access()). Should even that fail, the pieces stay recorded as
 * mapped (the records match the process's maps, so vcm_sys_check_() sees
 * them) and the message says so.
 */
static int cpu_map(void *inst, vcm_da_t da, const struct vcm_seg *seg, uint64_t nr,
		   unsigned int prot, struct vcm_diag *diag)
{
	uint64_t off = 0;

	for (uint64_t i = 0; i < nr; i++) {
		int ret = map_one(inst, da + off, seg[i].pa, seg[i].len, prot, diag);

		if (ret != 0) {
			if (off != 0U && cpu_unmap(inst, da, off, NULL) != 0)
				return VCM_ERR(diag, ret,
					       "piece %llu at da %#llx failed, and da %#llx len %#llx "
					       "mapped before it stays mapped: no access could not "
					       "be restored", vcm_ull(i), vcm_ull(da + off),
					       vcm_ull(da), vcm_ull(off));
			return ret;
		}
		off += seg[i].len;
	}
	return 0;
}

static int cpu_lookup(void *inst, vcm_da_t da, vcm_pa_t *pa, unsigned int *prot)
{
	const struct cpu_inst *ci = inst;
	size_t i;

	if (ci == NULL)
		return -EINVAL;
	i = first_after(ci, da);
	if (i == ci->nr || ci->runs[i].da > da)
		return -ENOENT;
	if (pa != NULL)
		*pa = ci->runs[i].pa + (da - ci->runs[i].da);
	if (prot != NULL)
		*prot = ci->runs[i].prot;
	return 0;
}

/* The runs over [@da, @da + @len), each cut to that window. */
static int cpu_walk(void *inst, vcm_da_t da, uint64_t len,
		    int (*fn)(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot),
		    void *arg)
{
	const struct cpu_inst *ci = inst;
	vcm_da_t last;

	if (ci == NULL || fn == NULL)
		return -EINVAL;
	if (len == 0U)
		return 0;
	last = len - 1U > UINT64_MAX - da ? UINT64_MAX : da + len - 1U;
	for (size_t i = first_after(ci, da); i < ci->nr && ci->runs[i].da <= last; i++) {
		const struct cpu_run *r = &ci->runs[i];
		vcm_da_t lo = r->da > da ? r->da : da;
		vcm_da_t hi = r->da + r->len - 1U < last ? r->da + r->len - 1U : last;
		int ret = fn(arg, lo, r->pa + (lo - r->da), hi - lo + 1U, r->prot);

		if (ret != 0)
			return ret;
	}
	return 0;
}

static uint64_t cpu_page_sizes(void *inst)
{
	const struct cpu_inst *ci = inst;

	return ci == NULL ? 0U : ci->mem->page;
}

const struct vcm_mapper_ops vcm_hosted_cpu_mapper = {
	.name = "cpu",
	.create = cpu_create,
	.destroy = cpu_destroy,
	.compatible = cpu_compatible,
	.map = cpu_map,
	.unmap = cpu_unmap,
	.lookup = cpu_lookup,
	.hw = NULL,
	.page_sizes = cpu_page_sizes,
	.range = cpu_range,
	.walk = cpu_walk,
};
