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
 * Setup: ARMv8 stage 1, 4K granule, 48-bit input, arena platform, coherent
 * walker (no cache maintenance), no TLB callbacks; then the same for ARMv7
 * short descriptors (32-bit input). One page stays mapped right after the
 * measured range, so the tables around it persist between rounds as in a live
 * address space; tables the range itself needs beyond those are allocated and
 * freed in every round and counted. The floor's array is touched once before
 * timing.
 *
 * The N = 1 rows are single-leaf calls, the per-I/O pattern of drivers: a
 * second table gives them per call, with CPU cycles and instructions from
 * the Linux perf counters where the kernel allows them (else "-"), and adds
 * single 4K calls scattered over 4096 leaf tables (each call in a table
 * other than the last one's).
 */
#define _GNU_SOURCE /* syscall() for perf_event_open */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>
#include "common/bench.h"
#if defined(__linux__)
#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#define PROT      (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

/* Where a table's measured ranges start, and how many ranges fit there. */
struct setup {
	vcm_da_t base_da;
	vcm_pa_t base_pa;
	uint64_t max_bytes; /* the most da (and pa) one row may span */
};

static struct setup cur;

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
 * but the ranges stay inside the setup's span.
 */
static uint64_t ranges_for(uint64_t n, uint64_t size)
{
	uint64_t r = n >= 65536 ? 1 : 65536 / n;

	while (r > 1 && r * n * size > cur.max_bytes)
		r >>= 1;
	return r;
}

static unsigned int rounds_for(uint64_t n)
{
	return n >= 65536 ? 20 : 10;
}

/* @per_call: leaves per call (N for a, 1 for b). */
static struct result measure(struct vcm_pt *pt, uint64_t n, uint64_t size, uint64_t sizes,
			     uint64_t per_call)
{
	uint64_t total = ranges_for(n, size) * n, calls = total / per_call, len = per_call * size;
	unsigned int rounds = rounds_for(n);
	uint64_t t_map = 0, t_unmap = 0, c_map = 0, c_unmap = 0, i_map = 0, i_unmap = 0;
	struct result res;

	for (unsigned int r = 0; r < rounds; r++) {
		struct stamp t0 = stamp_now(), t1, t2;

		for (uint64_t c = 0; c < calls; c++)
			if (vcm_pt_map_sizes(pt, cur.base_da + c * len, cur.base_pa + c * len, len,
					     PROT, sizes) != 0)
				die("map", pt);
		t1 = stamp_now();
		for (uint64_t c = 0; c < calls; c++)
			if (vcm_pt_unmap(pt, cur.base_da + c * len, len, NULL) != 0)
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
static struct result measure_scattered(struct vcm_pt *pt, uint64_t n)
{
	const uint64_t stride = 0x200000, page = 0x1000;
	unsigned int rounds = rounds_for(1);
	uint64_t t_map = 0, t_unmap = 0;
	struct result res = { 0, 0, -1.0, -1.0, -1.0, -1.0 };

	for (uint64_t i = 0; i < n; i++)
		if (vcm_pt_map(pt, cur.base_da + i * stride + stride - page, cur.base_pa, page,
			       PROT) != 0)
			die("resident map", pt);
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0 = bench_now_ns(), t1, t2;

		for (uint64_t i = 0; i < n; i++)
			if (vcm_pt_map(pt, cur.base_da + i * stride, cur.base_pa + i * page, page,
				       PROT) != 0)
				die("map", pt);
		t1 = bench_now_ns();
		for (uint64_t i = 0; i < n; i++)
			if (vcm_pt_unmap(pt, cur.base_da + i * stride, page, NULL) != 0)
				die("unmap", pt);
		t2 = bench_now_ns();
		t_map += t1 - t0;
		t_unmap += t2 - t1;
	}
	if (vcm_pt_unmap(pt, cur.base_da, n * stride, NULL) != 0)
		die("resident unmap", pt);
	res.map = bench_ns_per(0, t_map, rounds * n);
	res.unmap = bench_ns_per(0, t_unmap, rounds * n);
	return res;
}

/* The floor: the same number of 8-byte stores, then as many clears. */
static struct result floor_cost(uint64_t n, uint64_t size)
{
	unsigned int rounds = rounds_for(n) * 10;
	volatile uint64_t sink = 0;
	uint64_t *a;

	n *= ranges_for(n, size);
	a = calloc(n, sizeof(*a));
	uint64_t t_map = 0, t_unmap = 0;

	if (a == NULL)
		exit(1);
	memset(a, 1, n * sizeof(*a)); /* first-touch page faults are not the floor */
	for (unsigned int r = 0; r < rounds; r++) {
		uint64_t t0 = bench_now_ns(), t1, t2;

		for (uint64_t i = 0; i < n; i++)
			a[i] = (cur.base_pa + i * size) | 0x0060000000000403ULL;
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
static void print_row(const char *what, uint64_t n, struct result a, struct result b,
		      struct result c);

/* Single-leaf calls measured in the rows, printed per call after the table. */
static struct {
	const char *what;
	struct result b;
} singles[8];
static unsigned int nsingles;

static void row(struct vcm_pt *pt, const char *what, uint64_t n, uint64_t size, uint64_t sizes)
{
	vcm_da_t resident = cur.base_da + ranges_for(n, size) * n * size;
	struct result a, b, c;

	if (vcm_pt_map(pt, resident, 0, 0x1000, PROT) != 0)
		die("resident map", pt);
	a = measure(pt, n, size, sizes, n);
	b = measure(pt, n, size, sizes, 1);
	c = floor_cost(n, size);
	if (vcm_pt_unmap(pt, resident, 0x1000, NULL) != 0)
		die("resident unmap", pt);
	print_row(what, n, a, b, c);
	if (n == 1 && nsingles < sizeof(singles) / sizeof(singles[0])) {
		singles[nsingles].what = what;
		singles[nsingles++].b = b;
	}
}

static void print_row(const char *what, uint64_t n, struct result a, struct result b,
		      struct result c)
{
	double ta = a.map + a.unmap, tb = b.map + b.unmap, tc = c.map + c.unmap;

	bench_row("%-9s %7llu | %7.2f %7.2f | %7.2f %7.2f | %6.2f %6.2f | %6.1f %5.2f", what,
		  (unsigned long long)n, a.map, a.unmap, b.map, b.unmap, c.map, c.unmap,
		  bench_ratio(tb, ta), bench_ratio(ta, tc));
}

static void print_count(char *buf, size_t len, double v)
{
	if (v < 0.0)
		snprintf(buf, len, "%7s", "-");
	else
		snprintf(buf, len, "%7.1f", v);
}

/* The single-leaf calls of the table just printed: ns, cycles and instructions per call. */
static void print_singles(void)
{
	char columns[128];

	snprintf(columns, sizeof(columns), "%-12s | %7s %7s | %7s %7s | %7s %7s", "one call",
		 "ns map", "unmap", "cyc map", "unmap", "ins map", "unmap");
	printf("\n%s\n", columns);
	for (size_t i = 0; columns[i] != '\0'; i++)
		putchar('-');
	putchar('\n');
	for (unsigned int i = 0; i < nsingles; i++) {
		const struct result *b = &singles[i].b;
		char cm[16], cu[16], im[16], iu[16];

		print_count(cm, sizeof(cm), b->map_cyc);
		print_count(cu, sizeof(cu), b->unmap_cyc);
		print_count(im, sizeof(im), b->map_ins);
		print_count(iu, sizeof(iu), b->unmap_ins);
		bench_row("%-12s | %7.2f %7.2f | %s %s | %s %s", singles[i].what, b->map, b->unmap,
			  cm, cu, im, iu);
	}
	nsingles = 0;
}

static struct vcm_pt *table_new(struct vcm_pt_cfg *cfg, const char *title)
{
	struct vcm_pt *pt;
	struct vcm_diag d;
	char columns[128];

	if (vcm_pt_create(cfg, &pt, &d) != 0) {
		fprintf(stderr, "bench_pgtable: %s\n", d.msg);
		exit(1);
	}
	snprintf(columns, sizeof(columns), "%-9s %7s | %7s %7s | %7s %7s | %6s %6s | %6s %5s",
		 "leaf", "N", "a map", "a unmap", "b map", "b unmap", "c set", "c clr", "b/a",
		 "a/c");
	bench_head(title,
		   "a = one batched call, b = one call per page, c = floor (plain array stores)",
		   columns);
	return pt;
}

int main(void)
{
	struct vcm_plat_arena *arena = vcm_plat_hosted_arena_new(UINT64_C(64) << 20, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .granule_lg2 = 12,
				  .flags = VCM_PT_CFG_COHERENT, .plat = &ops };
	static const uint64_t ns[] = { 1, 16, 256, 262144 };
	struct vcm_pt *pt;

	if (arena == NULL)
		return 1;
	vcm_plat_arena_ops(arena, &ops);
	counters_open();

	/* 256 GiB: 1G-aligned, room for 128 GiB of 2M single calls and 16 x 1G */
	cur = (struct setup){ UINT64_C(0x4000000000), UINT64_C(0x800000000), UINT64_C(1) << 37 };
	pt = table_new(&cfg, "vcmm page-table mapping cost, ns per page "
			     "(armv8 stage 1, 4K granule, 48-bit)");
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		row(pt, "4K", ns[i], 0x1000, 0x1000);
	row(pt, "2M", 1, 0x200000, 0x201000);
	row(pt, "2M", 512, 0x200000, 0x201000);
	row(pt, "1G", 16, 0x40000000, 0x40001000);
	row(pt, "4K+hint", 262144, 0x1000, 0x11000);
	singles[nsingles].what = "4K scattered";
	singles[nsingles++].b = measure_scattered(pt, 4096);
	print_singles();
	(void)vcm_pt_destroy(pt);

	/* 1 GiB up, 1 GiB of room: below the 4 GiB of both spaces */
	cur = (struct setup){ UINT64_C(0x40000000), UINT64_C(0x80000000), UINT64_C(1) << 30 };
	cfg = (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv7s, .ias = 32, .oas = 32,
				   .granule_lg2 = 12, .flags = VCM_PT_CFG_COHERENT, .plat = &ops };
	printf("\n");
	pt = table_new(&cfg, "the same, armv7s (short descriptors, 32-bit)");
	row(pt, "4K", 1, 0x1000, 0x1000);
	row(pt, "4K", 256, 0x1000, 0x1000);
	row(pt, "1M", 1, 0x100000, 0x101000);
	row(pt, "1M", 256, 0x100000, 0x101000);
	row(pt, "4K+hint", 65536, 0x1000, 0x11000);
	print_singles();
	(void)vcm_pt_destroy(pt);

	printf("\nTargets (not asserted): a/c <= 2 and b/a >= 20 at N = 262144; one 4K map and "
	       "unmap (armv8, one call) <= 12 / 10 ns, one 2M map and unmap <= 11 / 9 ns.\n");
	vcm_plat_hosted_arena_delete(arena);
	return 0;
}
