// SPDX-License-Identifier: MIT
/*
 * Single 4K calls where the tables come and go (armv8 stage 1, 4K granule,
 * 48-bit, coherent walker, arena platform), per call in ns:
 *
 *   rand 1G / 256G    K distinct random pages of a 1 GiB / 256 GiB window:
 *                     a round maps them one call each, then unmaps them one
 *                     call each in another random order;
 *   +nbr              the same, with one resident page (never a measured
 *                     one) in every leaf table the K pages use, so no table
 *                     is made or freed while timed (Linux's io-pgtable never
 *                     frees one, so this is what its figures compare with);
 *   alt 2 / alt 16    one page in each of 2 or 16 leaf tables, mapped in
 *                     turn and then unmapped in turn, K pages a round: every
 *                     call is in another table than the one before, and
 *                     every table is made and freed each turn;
 *   stream N          N pages in one map call, then the same unmap call, the
 *                     next N pages after them (K calls, at most 1 GiB).
 *
 * The random rows time all the maps and all the unmaps of a round apart; the
 * others interleave them too finely for a clock read each, so they give the
 * time of a map and its unmap together ("pair"). Times are the thread's CPU
 * time (the machine these run on is shared: wall time counts the turns of
 * other processes), after one untimed round that faults the memory in.
 * "bytes" is vcm_pt_table_bytes() after the last unmap (the top level only
 * when emptied tables are freed), "pool" vcm_pt_pool_bytes() then. Each row
 * runs on a fresh table without and with VCM_PT_CFG_POOL. The Linux column
 * is io-pgtable-arm's per call in issue 20's harness (Linux 6.1 compiled in
 * user space), measured elsewhere on another day, not in this process: a
 * reference to read the ratio against, not a same-run baseline.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime in common/bench.h */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>
#include "common/bench.h"
#include "sparse.h"

#define PROT  (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define PAGE  UINT64_C(0x1000)
#define LEAF  UINT64_C(0x200000) /* what one leaf table maps */
#define BASE  UINT64_C(0x4000000000)
#define PA    UINT64_C(0x800000000)
#define K     16384U /* random pages per round */
#define ROUNDS 5U

struct sp_result {
	double map, unmap, pair; /* ns per call; map and unmap < 0 when not apart */
	uint64_t bytes, pool;
};

static void sp_die(const char *what, struct vcm_pt *pt)
{
	fprintf(stderr, "bench_pgtable: sparse: %s: %s\n", what, vcm_pt_last_error(pt));
	exit(1);
}

static uint64_t sp_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void sp_shuffle(uint64_t *a, size_t n, uint64_t *s)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)(sp_rnd(s) % i);
		uint64_t t = a[i - 1];

		a[i - 1] = a[j];
		a[j] = t;
	}
}

static struct vcm_pt *sp_new(const struct vcm_plat_ops *ops, uint32_t flags)
{
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .granule_lg2 = 12,
				  .flags = VCM_PT_CFG_COHERENT | flags, .plat = ops };
	struct vcm_diag d;
	struct vcm_pt *pt;

	if (vcm_pt_create(&cfg, &pt, &d) != 0) {
		fprintf(stderr, "bench_pgtable: sparse: %s\n", d.msg);
		exit(1);
	}
	return pt;
}

/* The pool rows need VCM_PT_CFG_POOL; built against code without it, they are left out. */
#ifdef VCM_PT_CFG_POOL
#define SP_POOL VCM_PT_CFG_POOL
#else
#define SP_POOL 0U
#endif

static uint64_t sp_pool_bytes(const struct vcm_pt *pt)
{
#ifdef VCM_PT_CFG_POOL
	return vcm_pt_pool_bytes(pt);
#else
	(void)pt;
	return 0;
#endif
}

/*
 * Rounds of: map the @n ranges @da[] one call each, @batch at a time, each
 * batch unmapped in the order @un[] before the next, @len bytes a call
 * (@batch divides @n). Every page of @nbr (@nnbr of them) stays mapped
 * throughout.
 */
static struct sp_result sp_run(struct vcm_pt *pt, const uint64_t *da, const uint64_t *un,
			       size_t n, size_t batch, uint64_t len, const uint64_t *nbr,
			       size_t nnbr)
{
	uint64_t t_map = 0, t_unmap = 0;
	struct sp_result r;

	if (batch != n) {
		uint64_t t0 = 0;

		for (unsigned int round = 0; round <= ROUNDS; round++) {
			if (round == 1)
				t0 = bench_thread_cpu_ns(); /* round 0 faults the memory in */
			for (size_t b = 0; b < n; b += batch) {
				for (size_t i = b; i < b + batch; i++)
					if (vcm_pt_map(pt, da[i], PA + (da[i] & UINT64_C(0xfffffff000)),
						       len, PROT) != 0)
						sp_die("map", pt);
				for (size_t i = b; i < b + batch; i++)
					if (vcm_pt_unmap(pt, un[i], len, NULL) != 0)
						sp_die("unmap", pt);
			}
		}
		r.map = r.unmap = -1.0;
		r.pair = bench_ns_per(t0, bench_thread_cpu_ns(), (uint64_t)ROUNDS * n);
		r.bytes = vcm_pt_table_bytes(pt);
		r.pool = sp_pool_bytes(pt);
		return r;
	}

	for (size_t i = 0; i < nnbr; i++)
		if (vcm_pt_map(pt, nbr[i], PA, PAGE, PROT) != 0)
			sp_die("resident map", pt);
	for (unsigned int round = 0; round <= ROUNDS; round++) {
		uint64_t t0 = bench_thread_cpu_ns(), t1, t2;

		for (size_t i = 0; i < n; i++)
			if (vcm_pt_map(pt, da[i], PA + (da[i] & UINT64_C(0xfffffff000)), len, PROT) !=
			    0)
				sp_die("map", pt);
		t1 = bench_thread_cpu_ns();
		for (size_t i = 0; i < n; i++)
			if (vcm_pt_unmap(pt, un[i], len, NULL) != 0)
				sp_die("unmap", pt);
		t2 = bench_thread_cpu_ns();
		if (round != 0) { /* round 0 faults the memory in */
			t_map += t1 - t0;
			t_unmap += t2 - t1;
		}
	}
	for (size_t i = 0; i < nnbr; i++)
		if (vcm_pt_unmap(pt, nbr[i], PAGE, NULL) != 0)
			sp_die("resident unmap", pt);
	r.map = bench_ns_per(0, t_map, (uint64_t)ROUNDS * n);
	r.unmap = bench_ns_per(0, t_unmap, (uint64_t)ROUNDS * n);
	r.pair = r.map + r.unmap;
	r.bytes = vcm_pt_table_bytes(pt);
	r.pool = sp_pool_bytes(pt);
	return r;
}

/*
 * K distinct random pages of a window of @window bytes from BASE, never the
 * last page of a leaf table (kept for the neighbours); with @nbr, one
 * resident page per leaf table used into @nbr, their number returned.
 */
static size_t sp_random(uint64_t window, uint64_t *da, uint64_t *un, uint64_t *nbr, bool want_nbr)
{
	const uint64_t pages = window / PAGE;
	uint64_t s = UINT64_C(0x2545f4914f6cdd1d) ^ window;
	uint8_t *used = calloc((size_t)(pages / 8U), 1);
	uint8_t *tbl = calloc((size_t)(window / LEAF / 8U) + 1U, 1);
	size_t nn = 0;

	if (used == NULL || tbl == NULL)
		exit(1);
	for (size_t i = 0; i < K;) {
		uint64_t p = sp_rnd(&s) % pages, t = p / (LEAF / PAGE);

		if ((p + 1U) % (LEAF / PAGE) == 0U || (used[p / 8U] & (1U << (p % 8U))) != 0U)
			continue;
		used[p / 8U] |= (uint8_t)(1U << (p % 8U));
		da[i] = BASE + p * PAGE;
		un[i++] = BASE + p * PAGE;
		if (want_nbr && (tbl[t / 8U] & (1U << (t % 8U))) == 0U) {
			tbl[t / 8U] |= (uint8_t)(1U << (t % 8U));
			nbr[nn++] = BASE + (t + 1U) * LEAF - PAGE;
		}
	}
	sp_shuffle(un, K, &s);
	free(used);
	free(tbl);
	return nn;
}

/* One page in each of @tables leaf tables, 2M apart, taking turns; K calls a round. */
static void sp_alternate(unsigned int tables, uint64_t *da, uint64_t *un)
{
	for (size_t i = 0; i < K; i++) {
		/* a turn of @tables pages: one each, so each table is emptied each time */
		uint64_t slot = (i / tables) % (LEAF / PAGE - 1U);

		da[i] = BASE + (i % tables) * LEAF + slot * PAGE;
		un[i] = da[i];
	}
}

struct sp_row {
	const char *name;
	double linux_map, linux_unmap; /* issue 20's figures; 0 = none */
};

static void sp_print(const struct sp_row *row, bool pool, struct sp_result r)
{
	if (row->linux_map > 0.0)
		bench_row("%-14s %-4s | %7.1f %7.1f %7.1f | %6.0f %6.0f | %6.2f %6.2f | %9llu %8llu",
			  row->name, pool ? "yes" : "no", r.map, r.unmap, r.pair,
			  row->linux_map, row->linux_unmap, bench_ratio(r.map, row->linux_map),
			  bench_ratio(r.unmap, row->linux_unmap), (unsigned long long)r.bytes,
			  (unsigned long long)r.pool);
	else
		bench_row("%-14s %-4s | %7s %7s %7.1f | %6s %6s | %6s %6s | %9llu %8llu",
			  row->name, pool ? "yes" : "no", "-", "-", r.pair, "-", "-", "-", "-",
			  (unsigned long long)r.bytes, (unsigned long long)r.pool);
}

void bench_sparse_run(void)
{
	static const struct sp_row rows[] = {
		{ "rand 1G", 52, 41 },     { "rand 1G +nbr", 38, 33 },
		{ "rand 256G", 128, 131 }, { "rand 256G +nbr", 151, 143 },
		{ "alt 2", 0, 0 },         { "alt 16", 0, 0 },
		{ "stream 1", 0, 0 },      { "stream 8", 0, 0 },
		{ "stream 64", 0, 0 },
	};
	/* 256 GiB at K pages: up to K leaf tables of 4 KiB and their parents */
	struct vcm_plat_arena *arena = vcm_plat_hosted_arena_new(UINT64_C(192) << 20, 0x40000000);
	uint64_t *da = malloc(K * sizeof(*da)), *un = malloc(K * sizeof(*un));
	uint64_t *nbr = malloc(K * sizeof(*nbr));
	struct vcm_plat_ops ops;
	char columns[160];
	unsigned int npool = 1;

	if (arena == NULL || da == NULL || un == NULL || nbr == NULL)
		exit(1);
	/*
	 * Fault every page of the arena in now: a kernel's tables live in memory
	 * that is always resident, and the first fault of a page the buddy hands
	 * out late (clearing it included) is the host's cost, not the table's.
	 */
	for (uint64_t off = 0; off < arena->len; off += PAGE)
		((volatile uint8_t *)arena->cpu)[off] = ((volatile uint8_t *)arena->cpu)[off];
	vcm_plat_arena_ops(arena, &ops);
#ifdef VCM_PT_CFG_POOL
	npool = 2;
#endif
	snprintf(columns, sizeof(columns), "%-14s %-4s | %7s %7s %7s | %6s %6s | %6s %6s | %9s %8s",
		 "pattern", "pool", "map", "unmap", "pair", "Linux", "Linux", "map/L", "unm/L", "bytes",
		 "pool B");
	printf("\n");
	bench_head("Single 4K calls where tables come and go (armv8 4K 48-bit), CPU ns per call",
		   "Linux = io-pgtable-arm map/unmap from issue 20, measured elsewhere (not this "
		   "process); bytes/pool B = table/pool bytes after the last unmap",
		   columns);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (unsigned int p = 0; p < npool; p++) {
			struct vcm_pt *pt = sp_new(&ops, p != 0 ? SP_POOL : 0U);
			struct sp_result r;
			size_t nn = 0, n = K, batch = K;
			uint64_t len = PAGE;

			if (i < 4) {
				nn = sp_random(i < 2 ? UINT64_C(1) << 30 : UINT64_C(1) << 38, da, un,
					       nbr, (i & 1U) != 0U);
				if ((i & 1U) == 0U)
					nn = 0;
			} else if (i < 6) {
				batch = i == 4 ? 2U : 16U;
				sp_alternate((unsigned int)batch, da, un);
			} else {
				len = PAGE * (i == 6 ? 1U : i == 7 ? 8U : 64U);
				n = (size_t)((UINT64_C(1) << 30) / len);
				n = n < K ? n : K;
				batch = 1;
				for (size_t k = 0; k < n; k++)
					da[k] = un[k] = BASE + k * len;
			}
			r = sp_run(pt, da, un, n, batch, len, nbr, nn);
			sp_print(&rows[i], p != 0, r);
			(void)vcm_pt_destroy(pt);
		}
	}
	free(da);
	free(un);
	free(nbr);
	vcm_plat_hosted_arena_delete(arena);
}
