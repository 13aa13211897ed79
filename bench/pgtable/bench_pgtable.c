// SPDX-License-Identifier: MIT
/*
 * Page-table mapping cost. For N pages (or blocks) of one size, in the same
 * process and on the same table:
 *   a: one batched vcm_pt_map() and one vcm_pt_unmap() of the N leaves,
 *   b: one call per page (the pattern the 2010 thread criticised),
 *   c: the floor: storing and then clearing N entries in a plain array.
 * Prints ns per page for each, and the ratios b/a (what batching saves) and
 * a/c (the distance from the floor).
 *
 * The fmt column names the format: every row for armv8 (stage 1, 4K granule,
 * 48-bit input), the 4K rows for every other format, then each format's
 * batched 4K map against armv8's. Setup: arena platform, coherent walker (no
 * cache maintenance), no TLB callbacks. One page stays mapped right
 * after the measured range, so the tables around it persist between rounds as
 * in a live address space; tables the range itself needs beyond those are
 * allocated and freed in every round and counted. The floor's array is
 * touched once before timing.
 *
 * The N = 1 rows are single-leaf calls, the per-I/O pattern of drivers: a
 * second table gives them per call, with CPU cycles and instructions from
 * the Linux perf counters where the kernel allows them (else "-"), and adds
 * single 4K calls scattered over 4096 leaf tables of armv8 (each call in a
 * table other than the last one's).
 *
 * Then the rows where tables come and go (sparse.c): random pages in 1 GiB
 * and 256 GiB with and without a neighbour keeping the tables, tables taken
 * in turn, streaming; `bench_pgtable sparse` runs those alone.
 */
#define _GNU_SOURCE /* syscall() for perf_event_open */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>
#include "common/bench.h"
#include "sparse.h"
#include "dirty.h"
#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define PROT      (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

/*
 * The formats measured, the baseline (armv8) first. A format adds its row:
 * where its ranges start (1G-aligned, room for 16 x 1G or 1 GiB of 4K pages
 * and the resident page after them, inside its input and output sizes).
 */
struct bench_fmt {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	unsigned int ias;
	uint32_t flags;
	vcm_da_t base_da;
	vcm_pa_t base_pa;
	uint64_t max_bytes; /* the most da (and pa) one row may span */
};

static const struct bench_fmt fmts[] = {
	{ "armv8", &vcm_pt_fmt_armv8, 48, VCM_PT_CFG_COHERENT, UINT64_C(0x4000000000),
	  UINT64_C(0x800000000), UINT64_C(1) << 37 },
	{ "armv7s", &vcm_pt_fmt_armv7s, 32, VCM_PT_CFG_COHERENT, UINT64_C(0x40000000),
	  UINT64_C(0x80000000), UINT64_C(1) << 30 },
	/* RISC-V Sv48 */
	{ "riscv", &vcm_pt_fmt_riscv, 48, VCM_PT_CFG_COHERENT, UINT64_C(0x4000000000),
	  UINT64_C(0x800000000), UINT64_C(1) << 37 },
	/* x86-64 4-level, VT-d second stage 4-level, AMD IOMMU v1 4-level */
	{ "x86_64", &vcm_pt_fmt_x86_64, 48, VCM_PT_CFG_COHERENT, UINT64_C(0x4000000000),
	  UINT64_C(0x800000000), UINT64_C(1) << 37 },
	{ "vtd_ss", &vcm_pt_fmt_vtd_ss, 48, VCM_PT_CFG_COHERENT, UINT64_C(0x4000000000),
	  UINT64_C(0x800000000), UINT64_C(1) << 37 },
	{ "amdv1", &vcm_pt_fmt_amdv1, 48, VCM_PT_CFG_COHERENT, UINT64_C(0x4000000000),
	  UINT64_C(0x800000000), UINT64_C(1) << 37 },
};

#define NFMTS (sizeof(fmts) / sizeof(fmts[0]))

/* One table under test and where its ranges start. */
struct bench_pt {
	const struct bench_fmt *f;
	struct vcm_pt *pt;
};

static void die(const char *what, struct vcm_pt *pt)
{
	fprintf(stderr, "bench_pgtable: %s: %s\n", what, vcm_pt_last_error(pt));
	exit(1);
}

struct result {
	double map, unmap; /* ns per page */
	double map_cyc, unmap_cyc, map_ins, unmap_ins; /* per page; < 0 when not counted */
};

/* ---- optional hardware counters (Linux perf) ---------------------------- */

struct counters {
	int cyc, ins; /* file descriptors, -1 when not available */
};

static struct counters ctr = { -1, -1 };

#if defined(__linux__)
static int counter_open(uint64_t config)
{
	struct perf_event_attr a;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = config;
	a.exclude_kernel = 1;
	a.exclude_hv = 1;
	return (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
}

static void counters_open(void)
{
	ctr.cyc = counter_open(PERF_COUNT_HW_CPU_CYCLES);
	ctr.ins = counter_open(PERF_COUNT_HW_INSTRUCTIONS);
}

static uint64_t counter_read(int fd)
{
	uint64_t v = 0;

	if (fd < 0 || read(fd, &v, sizeof(v)) != (ssize_t)sizeof(v))
		return 0;
	return v;
}
#else
static void counters_open(void)
{
}

static uint64_t counter_read(int fd)
{
	(void)fd;
	return 0;
}
#endif

struct stamp {
	uint64_t ns, cyc, ins;
};

static struct stamp stamp_now(void)
{
	struct stamp t;

	t.cyc = counter_read(ctr.cyc);
	t.ins = counter_read(ctr.ins);
	t.ns = bench_now_ns();
	return t;
}

/*
 * Each round maps R ranges of N leaves, laid end to end, then unmaps them: R
 * is large for small N so that the clock is read once per thousands of calls,
 * but the ranges stay inside the format's span.
 */
static uint64_t ranges_for(const struct bench_fmt *f, uint64_t n, uint64_t size)
{
	uint64_t r = n >= 65536 ? 1 : 65536 / n;

	while (r > 1 && r * n * size > f->max_bytes)
		r >>= 1;
	return r;
}

static unsigned int rounds_for(uint64_t n)
{
	return n >= 65536 ? 20 : 10;
}

/* @per_call: leaves per call (N for a, 1 for b). */
static struct result measure(const struct bench_pt *bp, uint64_t n, uint64_t size,
			     uint64_t sizes, uint64_t per_call)
{
	struct vcm_pt *pt = bp->pt;
	const vcm_da_t base_da = bp->f->base_da;
	const vcm_pa_t base_pa = bp->f->base_pa;
	uint64_t total = ranges_for(bp->f, n, size) * n, calls = total / per_call;
	uint64_t len = per_call * size;
	unsigned int rounds = rounds_for(n);
	uint64_t t_map = 0, t_unmap = 0, c_map = 0, c_unmap = 0, i_map = 0, i_unmap = 0;
	struct result res;

	for (unsigned int r = 0; r < rounds; r++) {
		struct stamp t0 = stamp_now(), t1, t2;

		for (uint64_t c = 0; c < calls; c++)
			if (vcm_pt_map_sizes(pt, base_da + c * len, base_pa + c * len, len, PROT,
					     sizes) != 0)
				die("map", pt);
		t1 = stamp_now();
		for (uint64_t c = 0; c < calls; c++)
			if (vcm_pt_unmap(pt, base_da + c * len, len, NULL) != 0)
				die("unmap", pt);
		t2 = stamp_now();
		t_map += t1.ns - t0.ns;
		t_unmap += t2.ns - t1.ns;
		c_map += t1.cyc - t0.cyc;
		c_unmap += t2.cyc - t1.cyc;
		i_map += t1.ins - t0.ins;
		i_unmap += t2.ins - t1.ins;
	}
	res.map = bench_ns_per(0, t_map, rounds * total);
	res.unmap = bench_ns_per(0, t_unmap, rounds * total);
	res.map_cyc = ctr.cyc >= 0 ? bench_ns_per(0, c_map, rounds * total) : -1.0;
	res.unmap_cyc = ctr.cyc >= 0 ? bench_ns_per(0, c_unmap, rounds * total) : -1.0;
	res.map_ins = ctr.ins >= 0 ? bench_ns_per(0, i_map, rounds * total) : -1.0;
	res.unmap_ins = ctr.ins >= 0 ? bench_ns_per(0, i_unmap, rounds * total) : -1.0;
	return res;
}

/*
 * Single 4K calls each in another leaf table, as when a driver's addresses
 * are scattered: page 0 of @n 2M regions, while the last page of every region
 * stays mapped so the tables persist. Every call misses the walk cache.
 */
static struct result measure_scattered(const struct bench_pt *bp, uint64_t n)
{
	const uint64_t stride = 0x200000, page = 0x1000;
	struct vcm_pt *pt = bp->pt;
	const vcm_da_t base_da = bp->f->base_da;
	const vcm_pa_t base_pa = bp->f->base_pa;
	unsigned int rounds = rounds_for(1);
	uint64_t t_map = 0, t_unmap = 0;
	struct result res = { 0, 0, -1.0, -1.0, -1.0, -1.0 };

	for (uint64_t i = 0; i < n; i++)
		if (vcm_pt_map(pt, base_da + i * stride + stride - page, base_pa, page, PROT) != 0)
			die("resident map", pt);
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0 = bench_now_ns(), t1, t2;

		for (uint64_t i = 0; i < n; i++)
			if (vcm_pt_map(pt, base_da + i * stride, base_pa + i * page, page, PROT) != 0)
				die("map", pt);
		t1 = bench_now_ns();
		for (uint64_t i = 0; i < n; i++)
			if (vcm_pt_unmap(pt, base_da + i * stride, page, NULL) != 0)
				die("unmap", pt);
		t2 = bench_now_ns();
		t_map += t1 - t0;
		t_unmap += t2 - t1;
	}
	if (vcm_pt_unmap(pt, base_da, n * stride, NULL) != 0)
		die("resident unmap", pt);
	res.map = bench_ns_per(0, t_map, rounds * n);
	res.unmap = bench_ns_per(0, t_unmap, rounds * n);
	return res;
}

/* The floor: the same number of 8-byte stores, then as many clears. */
static struct result floor_cost(const struct bench_fmt *f, uint64_t n, uint64_t size)
{
	unsigned int rounds = rounds_for(n) * 10;
	volatile uint64_t sink = 0;
	uint64_t *a;

	n *= ranges_for(f, n, size);
	a = calloc(n, sizeof(*a));
	uint64_t t_map = 0, t_unmap = 0;

	if (a == NULL)
		exit(1);
	memset(a, 1, n * sizeof(*a)); /* first-touch page faults are not the floor */
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0 = bench_now_ns(), t1, t2;

		for (uint64_t i = 0; i < n; i++)
			a[i] = (UINT64_C(0x800000000) + i * size) | 0x0060000000000403ULL;
		sink += a[n - 1];
		t1 = bench_now_ns();
		for (uint64_t i = 0; i < n; i++)
			a[i] = 0;
		sink += a[0];
		t2 = bench_now_ns();
		t_map += t1 - t0;
		t_unmap += t2 - t1;
	}
	free(a);
	(void)sink;
	return (struct result){ bench_ns_per(0, t_map, rounds * n),
				bench_ns_per(0, t_unmap, rounds * n), -1.0, -1.0, -1.0, -1.0 };
}

/* One row: the resident page sits just after the N leaves while they are measured. */
static void print_row(const char *fmt, const char *what, uint64_t n, struct result a,
		      struct result b, struct result c);

/* Single-leaf calls measured in the rows, printed per call after the table. */
static struct {
	const char *fmt, *what;
	struct result b;
} singles[16];
static unsigned int nsingles;

static void single_add(const char *fmt, const char *what, struct result b)
{
	if (nsingles < sizeof(singles) / sizeof(singles[0])) {
		singles[nsingles].fmt = fmt;
		singles[nsingles].what = what;
		singles[nsingles++].b = b;
	}
}

/* Returns the batched result (a). */
static struct result row(const struct bench_pt *bp, const char *what, uint64_t n, uint64_t size,
			 uint64_t sizes)
{
	vcm_da_t resident = bp->f->base_da + ranges_for(bp->f, n, size) * n * size;
	struct result a, b, c;

	if (vcm_pt_map(bp->pt, resident, 0, 0x1000, PROT) != 0)
		die("resident map", bp->pt);
	a = measure(bp, n, size, sizes, n);
	b = measure(bp, n, size, sizes, 1);
	c = floor_cost(bp->f, n, size);
	if (vcm_pt_unmap(bp->pt, resident, 0x1000, NULL) != 0)
		die("resident unmap", bp->pt);
	print_row(bp->f->name, what, n, a, b, c);
	if (n == 1)
		single_add(bp->f->name, what, b);
	return a;
}

static void print_row(const char *fmt, const char *what, uint64_t n, struct result a,
		      struct result b, struct result c)
{
	double ta = a.map + a.unmap, tb = b.map + b.unmap, tc = c.map + c.unmap;

	bench_row("%-7s %-9s %7llu | %7.2f %7.2f | %7.2f %7.2f | %6.2f %6.2f | %6.1f %5.2f", fmt,
		  what, (unsigned long long)n, a.map, a.unmap, b.map, b.unmap, c.map, c.unmap,
		  bench_ratio(tb, ta), bench_ratio(ta, tc));
}

static void print_count(char *buf, size_t len, double v)
{
	if (v < 0.0)
		snprintf(buf, len, "%7s", "-");
	else
		snprintf(buf, len, "%7.1f", v);
}

/* The single-leaf calls of the rows: ns, cycles and instructions per call. */
static void print_singles(void)
{
	char columns[128];

	snprintf(columns, sizeof(columns), "%-7s %-12s | %7s %7s | %7s %7s | %7s %7s", "fmt",
		 "one call", "ns map", "unmap", "cyc map", "unmap", "ins map", "unmap");
	printf("\n");
	bench_head("Single-leaf calls, per call", NULL, columns);
	for (unsigned int i = 0; i < nsingles; i++) {
		const struct result *b = &singles[i].b;
		char cm[16], cu[16], im[16], iu[16];

		print_count(cm, sizeof(cm), b->map_cyc);
		print_count(cu, sizeof(cu), b->unmap_cyc);
		print_count(im, sizeof(im), b->map_ins);
		print_count(iu, sizeof(iu), b->unmap_ins);
		bench_row("%-7s %-12s | %7.2f %7.2f | %s %s | %s %s", singles[i].fmt,
			  singles[i].what, b->map, b->unmap, cm, cu, im, iu);
	}
}

static int pt_new(const struct bench_fmt *f, const struct vcm_plat_ops *ops, struct bench_pt *bp)
{
	struct vcm_pt_cfg cfg = { .fmt = f->fmt, .ias = f->ias, .granule_lg2 = 12,
				  .flags = f->flags, .plat = ops };
	struct vcm_diag d;

	bp->f = f;
	if (vcm_pt_create(&cfg, &bp->pt, &d) != 0) {
		fprintf(stderr, "bench_pgtable: %s: %s\n", f->name, d.msg);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct vcm_plat_arena *arena = vcm_plat_hosted_arena_new(UINT64_C(64) << 20, 0x40000000);
	struct vcm_plat_ops ops;
	static const uint64_t ns[] = { 1, 16, 256, 262144 };
	struct result big[NFMTS]; /* batched 4K, N = 262144, per format */
	struct bench_pt bp;
	char columns[128];

	if (arena == NULL)
		return 1;
	if (argc > 1 && strcmp(argv[1], "sparse") == 0) {
		bench_sparse_run();
		vcm_plat_hosted_arena_delete(arena);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "dirty") == 0) {
		bench_dirty_run();
		vcm_plat_hosted_arena_delete(arena);
		return 0;
	}
	vcm_plat_arena_ops(arena, &ops);
	counters_open();

	snprintf(columns, sizeof(columns),
		 "%-7s %-9s %7s | %7s %7s | %7s %7s | %6s %6s | %6s %5s", "fmt", "leaf", "N",
		 "a map", "a unmap", "b map", "b unmap", "c set", "c clr", "b/a", "a/c");
	bench_head("vcmm page-table mapping cost, ns per page (4K granule; armv8 stage 1 48-bit, "
		   "armv7s 32-bit, riscv Sv48, x86_64, vtd_ss and amdv1 4-level)",
		   "a = one batched call, b = one call per page, c = floor (plain array stores)",
		   columns);
	for (size_t f = 0; f < NFMTS; f++) {
		if (pt_new(&fmts[f], &ops, &bp) != 0)
			return 1;
		for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
			struct result a = row(&bp, "4K", ns[i], 0x1000, 0x1000);

			if (ns[i] == 262144)
				big[f] = a;
		}
		if (f == 0) { /* the larger leaves: armv8 only */
			row(&bp, "2M", 1, 0x200000, 0x201000);
			row(&bp, "2M", 512, 0x200000, 0x201000);
			row(&bp, "1G", 16, 0x40000000, 0x40001000);
			row(&bp, "4K+hint", 262144, 0x1000, 0x11000);
			single_add(bp.f->name, "4K scattered", measure_scattered(&bp, 4096));
		}
		if (f == 1) /* armv7s sections */
			row(&bp, "1M", 1, 0x100000, 0x101000);
		(void)vcm_pt_destroy(bp.pt);
	}

	snprintf(columns, sizeof(columns), "%-7s | %7s %7s | %9s %11s", "fmt", "a map", "a unmap",
		 "map/armv8", "unmap/armv8");
	printf("\n");
	bench_head("Batched 4K map and unmap per format, N = 262144, ns per page", NULL, columns);
	for (size_t f = 0; f < NFMTS; f++)
		bench_row("%-7s | %7.2f %7.2f | %9.2f %11.2f", fmts[f].name, big[f].map,
			  big[f].unmap, bench_ratio(big[f].map, big[0].map),
			  bench_ratio(big[f].unmap, big[0].unmap));
	print_singles();
	printf("\nTargets (not asserted): a/c <= 2 at N = 262144; one 4K map and unmap (armv8, "
	       "one call) <= 12 / 10 ns, one 2M map and unmap <= 11 / 9 ns; every format's "
	       "batched 4K map within 2x of armv8's.\n");
	bench_sparse_run();
	bench_dirty_run();
	printf("\nTargets (not asserted): each rand row at or under 1.0x of Linux's figure "
	       "(map/L, unm/L), with bytes after unmap at the top level only.\n");
	vcm_plat_hosted_arena_delete(arena);
	return 0;
}
