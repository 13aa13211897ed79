// SPDX-License-Identifier: MIT
/*
 * The hosted CPU mapper: bytes written through a CPU mapping are the bytes at
 * the physical address and the reverse; an unmapped or read-only page faults
 * (checked in a child process that must die of SIGSEGV); bad arguments are
 * refused with a message under the caller's name and change nothing; partial
 * unmaps split the record; a map of several pieces is all or nothing; a
 * walk reports the runs of its window, cut to it; a random sequence agrees
 * with a page-array model, through lookups and walks.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>
#include <vcm/err.h>
#include <vcm/hosted.h>
#include "common/test_rand.h"

#define MiB (UINT64_C(1) << 20)
#define BASE UINT64_C(0x40000000)
#define LEN (16 * MiB)
#define TBL (2 * MiB)
#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define FN "test_call"

static const struct vcm_mapper_ops *const M = &vcm_hosted_cpu_mapper;

struct fix {
	struct vcm_hosted_mem *mem;
	void *inst;
	vcm_da_t start;   /* the kernel window */
	uint64_t len;
	uint64_t page;
	struct vcm_diag d;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->page = (uint64_t)sysconf(_SC_PAGESIZE);
	assert_int_equal(vcm_hosted_mem_create(BASE, LEN, TBL, &f->mem, &f->d), 0);
	/* the ops record under the call the diag record was entered with */
	vcm_diag_enter(&f->d, FN);
	assert_int_equal(M->range(f->mem, false, &f->start, &f->len), 0);
	assert_int_equal(M->create(f->mem, NULL, NULL, f->start, f->len, &f->inst, &f->d), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	M->destroy(f->inst);
	assert_int_equal(vcm_hosted_mem_destroy(f->mem), 0);
	free(f);
	return 0;
}

static uint8_t *ptr(vcm_da_t da)
{
	return (uint8_t *)(uintptr_t)da;
}

/*
 * Does touching @p (a write when @write) kill a process with SIGSEGV? Checked
 * in a child so that the test process never faults.
 */
static bool faults(vcm_da_t da, bool write)
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		volatile uint8_t *p = ptr(da);

		signal(SIGSEGV, SIG_DFL); /* not a sanitizer's handler */
		if (write)
			*p = *p; /* the page may be shared: leave its byte as it was */
		else
			(void)*p;
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return false;
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSEGV);
	return true;
}

/* A map of one piece. */
static int map1(void *inst, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot,
		struct vcm_diag *d)
{
	const struct vcm_seg seg = { .pa = pa, .len = len };

	return M->map(inst, da, &seg, 1, prot, d);
}

static void expect_map(struct fix *f, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot,
		       int err, const char *words)
{
	vcm_diag_clear(&f->d);
	assert_int_equal(map1(f->inst, da, pa, len, prot, &f->d), err);
	if (err == 0)
		return;
	assert_int_equal(f->d.err, err);
	assert_non_null(strstr(f->d.msg, FN ": "));
	if (strstr(f->d.msg, words) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", f->d.msg, words);
}

static void expect_unmap(struct fix *f, vcm_da_t da, uint64_t len, int err, const char *words)
{
	vcm_diag_clear(&f->d);
	assert_int_equal(M->unmap(f->inst, da, len, &f->d), err);
	if (err == 0)
		return;
	assert_int_equal(f->d.err, err);
	if (strstr(f->d.msg, words) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", f->d.msg, words);
}

static void expect_mapped(struct fix *f, vcm_da_t da, vcm_pa_t pa, unsigned int prot)
{
	vcm_pa_t got = 0;
	unsigned int gprot = 0;

	assert_int_equal(M->lookup(f->inst, da, &got, &gprot), 0);
	assert_int_equal(got, pa);
	assert_int_equal(gprot, prot);
}

static void expect_unmapped(struct fix *f, vcm_da_t da)
{
	vcm_pa_t got;
	unsigned int gprot;

	assert_int_equal(M->lookup(f->inst, da, &got, &gprot), -ENOENT);
}

static void test_ops_table(void **state)
{
	struct fix *f = *state;

	assert_string_equal(M->name, "cpu");
	assert_null(M->hw);
	assert_int_equal(M->page_sizes(f->inst), f->page);
	assert_true(M->compatible(NULL, NULL));
	assert_int_equal(f->len, 64 * MiB);
	assert_true(faults(f->start, false)); /* the window starts out with no access */
}

/* Writes through the CPU mapping are the physical bytes, both ways. */
static void test_shared_bytes(void **state)
{
	struct fix *f = *state;
	vcm_pa_t pa = BASE + TBL + 3 * f->page;
	vcm_da_t da = f->start + 5 * f->page;
	uint8_t *phys = vcm_hosted_mem_cpu(f->mem, pa);

	expect_map(f, da, pa, 2 * f->page, RW, 0, NULL);
	memset(ptr(da), 0xc3, 2 * f->page);
	assert_int_equal(phys[0], 0xc3);
	assert_int_equal(phys[2 * f->page - 1], 0xc3);
	phys[f->page + 7] = 0x11;
	assert_int_equal(ptr(da)[f->page + 7], 0x11);
	expect_mapped(f, da, pa, RW);
	expect_mapped(f, da + f->page + 100, pa + f->page + 100, RW);
	expect_unmapped(f, da - 1);
	expect_unmapped(f, da + 2 * f->page);
	assert_false(faults(da, true));

	expect_unmap(f, da, 2 * f->page, 0, NULL);
	expect_unmapped(f, da);
	assert_true(faults(da, false));
	assert_true(faults(da + f->page, true));
	/* the bytes stay in physical memory */
	assert_int_equal(phys[0], 0xc3);
	assert_int_equal(phys[f->page + 7], 0x11);
}

/* Table memory mapped into the CPU window: the same bytes a walker reads. */
static void test_table_through_cpu(void **state)
{
	struct fix *f = *state;
	const struct vcm_plat_ops *plat = vcm_hosted_mem_plat(f->mem);
	vcm_pa_t pa;
	void *cpu;
	vcm_da_t da = f->start + 32 * MiB;

	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa, &cpu), 0);
	((uint64_t *)plat->pa_to_cpu(plat->ctx, pa))[3] = UINT64_C(0x123456789abcdef0);
	expect_map(f, da, pa & ~(f->page - 1U), f->page, VCM_PT_PROT_READ, 0, NULL);
	assert_int_equal(((uint64_t *)(void *)ptr(da + (pa % f->page)))[3],
			 UINT64_C(0x123456789abcdef0));
	assert_true(faults(da, true)); /* read-only */
	expect_unmap(f, da, f->page, 0, NULL);
	plat->table_free(plat->ctx, pa, cpu, 4096);
}

/* Every bad argument is refused, named, and leaves the mappings as they were. */
static void test_bad_args(void **state)
{
	struct fix *f = *state;
	uint64_t pg = f->page;
	vcm_pa_t pa = BASE + TBL;
	vcm_da_t da = f->start + 16 * pg;
	vcm_da_t end_da = f->start + f->len;

	expect_map(f, da, pa, 4 * pg, RW, 0, NULL);
	ptr(da)[0] = 0x42;

	expect_map(f, da + 8 * pg + 1, pa, pg, RW, -EINVAL, "da 0x");
	expect_map(f, da + 8 * pg, pa + 512, pg, RW, -EINVAL, "pa 0x");
	expect_map(f, da + 8 * pg, pa, pg + 1, RW, -EINVAL, "len 0x");
	expect_map(f, da + 8 * pg, pa, 0, RW, -EINVAL, "len is 0");
	expect_map(f, da + 8 * pg, pa, ~pg + 1, RW, -EOVERFLOW, "wraps");
	expect_map(f, f->start - pg, pa, pg, RW, -ERANGE, "outside the CPU range");
	expect_map(f, end_da - pg, pa, 2 * pg, RW, -ERANGE, "outside the CPU range");
	expect_map(f, end_da, pa, pg, RW, -ERANGE, "outside the CPU range");
	expect_map(f, da + 8 * pg, BASE - pg, pg, RW, -ERANGE, "outside the memory");
	expect_map(f, da + 8 * pg, BASE + LEN - pg, 2 * pg, RW, -ERANGE, "outside the memory");
	expect_map(f, da + 8 * pg, BASE + LEN, pg, RW, -ERANGE, "outside the memory");
	expect_map(f, da + 8 * pg, pa, pg, VCM_PT_PROT_WRITE, -EOPNOTSUPP, "VCM_PT_PROT_READ");
	expect_map(f, da + 8 * pg, pa, pg, RW | (1U << 20), -EINVAL, "unknown bits 0x100000");
	expect_map(f, da + 8 * pg, pa, pg, RW | VCM_PT_PROT_SECURE, -EOPNOTSUPP, "Secure");
	/* overlaps: same, front, back, inside, around */
	expect_map(f, da, pa, 4 * pg, RW, -EEXIST, "overlaps");
	expect_map(f, da - pg, pa, 2 * pg, RW, -EEXIST, "overlaps");
	expect_map(f, da + 3 * pg, pa, 2 * pg, RW, -EEXIST, "overlaps");
	expect_map(f, da + pg, pa, pg, RW, -EEXIST, "overlaps");
	expect_map(f, da - pg, pa, 6 * pg, RW, -EEXIST, "overlaps");
	assert_int_equal(map1(NULL, da, pa, pg, RW, &f->d), -EINVAL);
	assert_non_null(strstr(f->d.msg, "inst is NULL"));

	/* unmap: a hole, misaligned, outside */
	expect_unmap(f, da, 5 * pg, -ENOENT, "not mapped");
	expect_unmap(f, da - pg, 2 * pg, -ENOENT, "not mapped");
	expect_unmap(f, da + 8 * pg, pg, -ENOENT, "not mapped");
	expect_unmap(f, da + 1, pg, -EINVAL, "da 0x");
	expect_unmap(f, da, 0, -EINVAL, "len is 0");
	expect_unmap(f, da, ~pg + 1, -EOVERFLOW, "wraps");
	expect_unmap(f, end_da, pg, -ERANGE, "outside");

	/* nothing changed: still mapped, same bytes, neighbours still fault */
	for (uint64_t i = 0; i < 4; i++)
		expect_mapped(f, da + i * pg, pa + i * pg, RW);
	expect_unmapped(f, da - pg);
	expect_unmapped(f, da + 4 * pg);
	expect_unmapped(f, da + 8 * pg);
	assert_int_equal(ptr(da)[0], 0x42);
	assert_false(faults(da + 3 * pg, true));
	assert_true(faults(da - pg, false));
	assert_true(faults(da + 4 * pg, false));
	assert_true(faults(da + 8 * pg, false));
	expect_unmap(f, da, 4 * pg, 0, NULL);
}

/* Part of a map can go: the record splits and the rest keeps its pa. */
static void test_partial_unmap(void **state)
{
	struct fix *f = *state;
	uint64_t pg = f->page;
	vcm_pa_t pa = BASE + TBL + 64 * pg;
	vcm_da_t da = f->start + 128 * pg;

	expect_map(f, da, pa, 8 * pg, RW | VCM_PT_PROT_EXEC, 0, NULL);
	expect_map(f, da + 8 * pg, pa - 8 * pg, 4 * pg, VCM_PT_PROT_READ, 0, NULL);
	expect_unmap(f, da + 2 * pg, 3 * pg, 0, NULL);        /* middle of the first */
	expect_mapped(f, da + pg, pa + pg, RW | VCM_PT_PROT_EXEC);
	expect_unmapped(f, da + 2 * pg);
	expect_unmapped(f, da + 4 * pg);
	expect_mapped(f, da + 5 * pg, pa + 5 * pg, RW | VCM_PT_PROT_EXEC);
	assert_true(faults(da + 3 * pg, false));
	assert_false(faults(da + 5 * pg, true));
	expect_unmap(f, da + 6 * pg, 4 * pg, 0, NULL);        /* across two maps */
	expect_mapped(f, da + 5 * pg, pa + 5 * pg, RW | VCM_PT_PROT_EXEC);
	expect_unmapped(f, da + 6 * pg);
	expect_unmapped(f, da + 9 * pg);
	expect_mapped(f, da + 10 * pg, pa - 6 * pg, VCM_PT_PROT_READ);
	expect_unmap(f, da, 2 * pg, 0, NULL);
	expect_unmap(f, da + 5 * pg, pg, 0, NULL);
	expect_unmap(f, da + 10 * pg, 2 * pg, 0, NULL);
	for (uint64_t i = 0; i < 12; i++)
		expect_unmapped(f, da + i * pg);
}

/* Instances: inside a window, not overlapping; the memory waits for them. */
static void test_instances(void **state)
{
	struct fix *f = *state;
	vcm_da_t us;
	uint64_t ul;
	void *u = NULL, *v = NULL;

	assert_int_equal(M->range(f->mem, true, &us, &ul), 0);
	assert_int_equal(M->create(f->mem, NULL, NULL, us + f->page, 4 * f->page, &u, &f->d),
			 0);
	assert_int_equal(M->create(f->mem, NULL, NULL, us, 2 * f->page, &v, &f->d), -EBUSY);
	assert_null(v);
	assert_non_null(strstr(f->d.msg, FN ": start 0x"));
	assert_non_null(strstr(f->d.msg, "user window"));
	assert_int_equal(M->create(f->mem, NULL, NULL, us + ul - f->page, 2 * f->page, &v, &f->d),
			 -ERANGE);
	assert_non_null(strstr(f->d.msg, "neither window (kernel 0x"));
	assert_int_equal(M->create(f->mem, NULL, NULL, us + 1, f->page, &v, &f->d), -EINVAL);
	assert_int_equal(M->create(f->mem, NULL, NULL, us, 0, &v, &f->d), -EINVAL);
	assert_int_equal(M->create(NULL, NULL, NULL, us, f->page, &v, &f->d), -EINVAL);
	assert_non_null(strstr(f->d.msg, "ctx is NULL"));
	assert_int_equal(M->create(f->mem, NULL, NULL, us, f->page, NULL, &f->d), -EINVAL);

	/* a map outside its instance but inside the window is refused */
	assert_int_equal(map1(u, us, BASE + TBL, f->page, RW, &f->d), -ERANGE);
	assert_int_equal(map1(u, us + f->page, BASE + TBL, f->page, RW, &f->d), 0);
	assert_int_equal(vcm_hosted_mem_destroy(f->mem), -EBUSY);
	/* destroying an instance unmaps what is left */
	M->destroy(u);
	assert_true(faults(us + f->page, false));
	M->destroy(NULL);
	assert_int_equal(M->create(f->mem, NULL, NULL, us, ul, &u, &f->d), 0);
	M->destroy(u);
}

/*
 * Several pieces in one call: each lands after the one before in da, with
 * its own bytes; one unmap takes the whole range. A bad last piece refuses
 * the call, names what is wrong, and leaves the pieces before it unmapped.
 */
static void test_pieces(void **state)
{
	struct fix *f = *state;
	const uint64_t pg = f->page;
	const vcm_pa_t pa = BASE + TBL;
	const vcm_da_t da = f->start + 40 * pg;
	struct vcm_seg seg[3] = { { pa + 7 * pg, pg }, { pa + 2 * pg, 2 * pg }, { pa, pg } };
	uint64_t off = 0;

	assert_int_equal(M->map(f->inst, da, seg, 3, RW, &f->d), 0);
	for (unsigned int i = 0; i < 3; i++) {
		uint8_t *phys = vcm_hosted_mem_cpu(f->mem, seg[i].pa);

		expect_mapped(f, da + off, seg[i].pa, RW);
		expect_mapped(f, da + off + seg[i].len - 1U, seg[i].pa + seg[i].len - 1U, RW);
		ptr(da + off)[5] = (uint8_t)(0x60 + i);
		assert_int_equal(phys[5], 0x60 + i);
		off += seg[i].len;
	}
	expect_unmapped(f, da + off);
	expect_unmap(f, da, off, 0, NULL);
	for (uint64_t o = 0; o < off; o += pg)
		expect_unmapped(f, da + o);
	assert_true(faults(da, false));

	seg[2].pa = BASE + LEN; /* past the memory */
	vcm_diag_clear(&f->d);
	assert_int_equal(M->map(f->inst, da, seg, 3, RW, &f->d), -ERANGE);
	assert_non_null(strstr(f->d.msg, FN ": pa 0x"));
	assert_non_null(strstr(f->d.msg, "outside the memory"));
	for (uint64_t o = 0; o < off; o += pg)
		expect_unmapped(f, da + o);
	assert_true(faults(da, false));
	assert_true(faults(da + pg, false));
}

/* Random maps and unmaps against a page-array model. */
/* What a walk reported, page by page from @da0 (0: nothing), checked for order as it comes. */
struct walk_seen {
	vcm_da_t da0, next;
	uint64_t pg;
	unsigned int calls, stop_after;
	vcm_pa_t page[64];
	unsigned int prot[64];
};

static int walk_pages(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct walk_seen *ws = arg;

	assert_true(da >= ws->next); /* address order, no run twice */
	assert_true(len != 0U && len % ws->pg == 0U && da % ws->pg == 0U);
	assert_true(da >= ws->da0 && (da - ws->da0) / ws->pg + len / ws->pg <= 64U);
	for (uint64_t k = 0; k < len / ws->pg; k++) {
		ws->page[(da - ws->da0) / ws->pg + k] = pa + k * ws->pg;
		ws->prot[(da - ws->da0) / ws->pg + k] = prot;
	}
	ws->next = da + len;
	return ++ws->calls == ws->stop_after ? 7 : 0;
}

/* A walk reports the runs of its window only, cut to it; the callback can stop it. */
static void test_walk(void **state)
{
	struct fix *f = *state;
	uint64_t pg = f->page;
	vcm_da_t da = f->start + 64 * pg;
	vcm_pa_t pa = BASE + TBL;
	struct walk_seen ws = { .da0 = da, .pg = pg };

	assert_int_equal(M->walk(NULL, da, pg, walk_pages, &ws), -EINVAL);
	assert_int_equal(M->walk(f->inst, da, pg, NULL, &ws), -EINVAL);
	expect_map(f, da + 2 * pg, pa, 6 * pg, RW, 0, NULL);
	expect_map(f, da + 8 * pg, pa + 32 * pg, 2 * pg, VCM_PT_PROT_READ, 0, NULL);
	assert_int_equal(M->walk(f->inst, da, 0, walk_pages, &ws), 0);
	assert_int_equal(ws.calls, 0);
	/* from the middle of the first run to the middle of the second */
	assert_int_equal(M->walk(f->inst, da + 4 * pg, 5 * pg, walk_pages, &ws), 0);
	assert_int_equal(ws.calls, 2);
	for (uint64_t i = 0; i < 12; i++) {
		assert_int_equal(ws.page[i], i >= 4 && i < 8 ? pa + (i - 2) * pg :
					     i == 8 ? pa + 32 * pg : 0);
		assert_int_equal(ws.prot[i], i >= 4 && i < 8 ? RW : i == 8 ? VCM_PT_PROT_READ : 0U);
	}
	/* a window to the top of the address space does not wrap */
	ws = (struct walk_seen){ .da0 = da, .pg = pg };
	assert_int_equal(M->walk(f->inst, da + 9 * pg, UINT64_MAX, walk_pages, &ws), 0);
	assert_int_equal(ws.calls, 1);
	assert_int_equal(ws.page[9], pa + 33 * pg);
	ws = (struct walk_seen){ .da0 = da, .pg = pg };
	assert_int_equal(M->walk(f->inst, UINT64_MAX - pg + 1U, pg, walk_pages, &ws), 0);
	assert_int_equal(ws.calls, 0);
	/* a nonzero return stops the walk and is its result */
	ws = (struct walk_seen){ .da0 = da, .pg = pg, .stop_after = 1 };
	assert_int_equal(M->walk(f->inst, f->start, f->len, walk_pages, &ws), 7);
	assert_int_equal(ws.calls, 1);
	assert_int_equal(ws.page[9], 0);
	expect_unmap(f, da + 2 * pg, 8 * pg, 0, NULL);
}

static int mmap_fails; /* the next @mmap_fails "mmap" sites fail */

static bool fail_mmap(void *ctx, const char *site)
{
	(void)ctx;
	if (mmap_fails > 0 && strcmp(site, "mmap") == 0) {
		mmap_fails--;
		return true;
	}
	return false;
}

/* Does a memfd mapping of this process overlap [@da, @da + @len)? */
static bool memfd_in(vcm_da_t da, uint64_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	bool found = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < da + len && hi > da &&
		    strstr(line, "memfd:") != NULL)
			found = true;
	}
	fclose(f);
	return found;
}

/*
 * An unmap whose mmap fails falls back to mprotect(): the memfd pages stay,
 * with no access, and the record is empty. Destroying the instance must
 * still put the window's own no-access mapping back over them.
 */
static void test_destroy_after_fallback(void **state)
{
	struct fix *f = *state;
	const struct vcm_plat_inject inj = { .alloc = fail_mmap };
	vcm_da_t da = f->start + 32 * f->page;

	expect_map(f, da, BASE + TBL, 4 * f->page, RW, 0, NULL);
	vcm_plat_inject_set_(&inj);
	mmap_fails = 1;
	expect_unmap(f, da, 4 * f->page, 0, NULL);
	vcm_plat_inject_set_(NULL);
	assert_int_equal(mmap_fails, 0); /* the fallback was taken */
	assert_true(faults(da, false));
	assert_true(memfd_in(da, 4 * f->page));
	M->destroy(f->inst);
	f->inst = NULL; /* teardown's destroy of NULL does nothing */
	assert_false(memfd_in(da, 4 * f->page));
	assert_int_equal(M->create(f->mem, NULL, NULL, f->start, f->len, &f->inst, &f->d), 0);
}

static int count_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	uint64_t *n = arg;

	(void)da;
	(void)pa;
	(void)prot;
	n[0]++;
	n[1] += len;
	return 0;
}

/*
 * The orders a driver makes most (maps from the top down, unmaps of the
 * oldest first, and both at once), over many runs: every page translates as
 * mapped, a walk counts exactly the runs left, nothing stays at the end.
 */
static void test_orders(void **state)
{
	enum { N = 2000 };
	struct fix *f = *state;
	uint64_t pg = f->page, n[2];
	vcm_da_t da0 = f->start + 16 * MiB;
	vcm_pa_t pa0 = BASE + TBL;

	for (uint64_t i = N; i-- > 0;)
		expect_map(f, da0 + 2 * i * pg, pa0 + (i % 512) * pg, pg, RW, 0, NULL);
	for (uint64_t i = 0; i < N; i++)
		expect_mapped(f, da0 + 2 * i * pg, pa0 + (i % 512) * pg, RW);
	/* the oldest first, and one new run below the rest for every two gone */
	for (uint64_t i = 0; i < N; i++) {
		expect_unmap(f, da0 + 2 * i * pg, pg, 0, NULL);
		if (i % 2 == 0)
			expect_map(f, da0 + (2 * i + 1) * pg, pa0, pg, RW, 0, NULL);
	}
	n[0] = n[1] = 0;
	assert_int_equal(M->walk(f->inst, f->start, f->len, count_run, n), 0);
	assert_int_equal(n[0], N / 2);
	assert_int_equal(n[1], N / 2 * pg);
	for (uint64_t i = 0; i < N; i += 2) {
		expect_mapped(f, da0 + (2 * i + 1) * pg, pa0, RW);
		expect_unmap(f, da0 + (2 * i + 1) * pg, pg, 0, NULL);
	}
	n[0] = n[1] = 0;
	assert_int_equal(M->walk(f->inst, f->start, f->len, count_run, n), 0);
	assert_int_equal(n[0], 0);
}

static void test_random_model(void **state)
{
	enum { PAGES = 64, STEPS = 600 };
	struct fix *f = *state;
	uint64_t pg = f->page, seed = test_seed("test_random_model", 0x5eed0c9u);
	vcm_pa_t model[PAGES]; /* 0: unmapped */
	vcm_da_t da0 = f->start + 8 * MiB;
	vcm_pa_t pa0 = BASE + TBL;

	memset(model, 0, sizeof(model));
	for (int step = 0; step < STEPS; step++) {
		uint64_t first = test_rand_below(&seed, PAGES);
		uint64_t n = 1 + test_rand_below(&seed, PAGES - first < 6 ? PAGES - first : 6);
		bool any = false, all = true;
		int ret;

		for (uint64_t i = first; i < first + n; i++) {
			any |= model[i] != 0;
			all &= model[i] != 0;
		}
		if (test_rand_below(&seed, 2) == 0) {
			vcm_pa_t pa = pa0 + test_rand_below(&seed, 256) * pg;

			ret = map1(f->inst, da0 + first * pg, pa, n * pg, RW, &f->d);
			assert_int_equal(ret, any ? -EEXIST : 0);
			if (ret == 0) {
				for (uint64_t i = 0; i < n; i++)
					model[first + i] = pa + i * pg;
				ptr(da0 + first * pg)[0] = (uint8_t)step;
				assert_int_equal(*(uint8_t *)vcm_hosted_mem_cpu(f->mem, pa),
						 (uint8_t)step);
			}
		} else {
			ret = M->unmap(f->inst, da0 + first * pg, n * pg, &f->d);
			assert_int_equal(ret, all ? 0 : -ENOENT);
			if (ret == 0)
				for (uint64_t i = first; i < first + n; i++)
					model[i] = 0;
		}
		for (uint64_t i = 0; i < PAGES; i++) {
			vcm_pa_t pa = 0;

			ret = M->lookup(f->inst, da0 + i * pg + 8, &pa, NULL);
			if (model[i] == 0) {
				assert_int_equal(ret, -ENOENT);
			} else {
				assert_int_equal(ret, 0);
				assert_int_equal(pa, model[i] + 8);
			}
		}
		/* a walk over a random window reports exactly the model's pages there */
		{
			uint64_t wf = test_rand_below(&seed, PAGES);
			uint64_t wn = 1 + test_rand_below(&seed, PAGES - wf);
			struct walk_seen ws = { .da0 = da0, .pg = pg };

			assert_int_equal(M->walk(f->inst, da0 + wf * pg, wn * pg, walk_pages, &ws), 0);
			for (uint64_t i = 0; i < PAGES; i++) {
				assert_int_equal(ws.page[i], i >= wf && i < wf + wn ? model[i] : 0);
				assert_int_equal(ws.prot[i], ws.page[i] != 0U ? RW : 0U);
			}
		}
	}
	/* spot-check the kernel's view of a few pages against the model */
	for (uint64_t i = 0; i < PAGES; i += 9) {
		assert_int_equal(faults(da0 + i * pg, false), model[i] == 0);
		if (model[i] != 0)
			assert_int_equal(ptr(da0 + i * pg)[1],
					 ((uint8_t *)vcm_hosted_mem_cpu(f->mem, model[i]))[1]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ops_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_bytes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_table_through_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_instances, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pieces, setup, teardown),
		cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_destroy_after_fallback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_orders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_model, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
