// SPDX-License-Identifier: MIT
/*
 * Harvesting the hardware dirty state (VCM_PT_CFG_DIRTY): 1 GiB mapped in 4K
 * pages (armv8 stage 1 and x86-64, 4K granule, 48-bit), every other page
 * marked written as the hardware would (armv8: AP[2] cleared on a DBM leaf;
 * x86-64: D set), then, in ns per 4K page of the range:
 *
 *   walk         vcm_pt_walk() over the range, the baseline: one visit a leaf;
 *   read         vcm_pt_read_clear_dirty(VCM_DIRTY_NO_CLEAR): half reported;
 *   read+clear   the same with the clear (a compare-and-swap per marked
 *                leaf), the marks put back untimed before each round.
 *
 * Times are the thread's CPU time, best of ROUNDS after a round that faults
 * the memory in; the ratio is against the walk of the same table.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>
#include "common/bench.h"
#include "dirty.h"

#define GIB    (UINT64_C(1) << 30)
#define PAGE   UINT64_C(0x1000)
#define DA     UINT64_C(0x4000000000)
#define PA     UINT64_C(0x800000000)
#define ARENA  (UINT64_C(16) << 20)
#define ROUNDS 5U

struct fmt_row {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	bool arm; /* armv8: the mark clears AP[2]; else it sets D */
};

static int count_leaf(void *arg, const struct vcm_pt_leaf *leaf)
{
	(void)leaf;
	++*(uint64_t *)arg;
	return 0;
}

static int count_dirty(void *arg, vcm_da_t da, uint64_t len)
{
	(void)da;
	*(uint64_t *)arg += len / PAGE;
	return 0;
}

/* The 4K leaf of @da, found by a 4-level descent of the bench's own. */
static uint64_t *leaf_of(struct vcm_plat_arena *a, const struct vcm_hw_regs *hw, vcm_da_t da)
{
	vcm_pa_t table = hw->root_pa;

	for (int l = 3;; l--) {
		uint64_t *e = (uint64_t *)(void *)(a->cpu + (table - a->pa)) +
			      ((da >> (12 + 9 * l)) & 511U);

		if (l == 0)
			return e;
		table = *e & UINT64_C(0x000ffffffffff000);
	}
}

/* Mark every other page written, as the walker would. */
static void mark_half(struct vcm_plat_arena *a, const struct vcm_hw_regs *hw, bool arm)
{
	for (vcm_da_t da = DA; da < DA + GIB; da += 2U * PAGE) {
		uint64_t *e = leaf_of(a, hw, da);

		if (arm)
			*e &= ~(UINT64_C(1) << 7);
		else
			*e |= UINT64_C(1) << 6;
	}
}

static void die(const char *what, struct vcm_pt *pt)
{
	fprintf(stderr, "bench_pgtable: dirty: %s: %s\n", what,
		pt != NULL ? vcm_pt_last_error(pt) : "");
	exit(1);
}

static void one(const struct fmt_row *f)
{
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(ARENA, 0x40000000);
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = f->fmt, .ias = 48, .granule_lg2 = 12,
				  .page_sizes = PAGE,
				  .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_DIRTY };
	struct vcm_hw_regs hw;
	struct vcm_diag d;
	struct vcm_pt *pt;
	double best[3] = { 1e30, 1e30, 1e30 };
	uint64_t n = 0;

	if (a == NULL)
		die("no arena", NULL);
	vcm_plat_arena_ops(a, &ops);
	cfg.plat = &ops;
	if (vcm_pt_create(&cfg, &pt, &d) != 0) {
		fprintf(stderr, "bench_pgtable: dirty: %s\n", d.msg);
		exit(1);
	}
	if (vcm_pt_map(pt, DA, PA, GIB, VCM_PT_PROT_READ | VCM_PT_PROT_WRITE) != 0)
		die("map", pt);
	if (vcm_pt_hw(pt, &hw) != 0 || hw.levels != 4U)
		die("hw", pt);
	mark_half(a, &hw, f->arm);
	for (unsigned int r = 0; r <= ROUNDS; r++) {
		uint64_t t0, t1, t2, t3, leaves = 0, seen = 0, cleared = 0;

		t0 = bench_thread_cpu_ns();
		if (vcm_pt_walk(pt, DA, GIB, count_leaf, &leaves) != 0)
			die("walk", pt);
		t1 = bench_thread_cpu_ns();
		if (vcm_pt_read_clear_dirty(pt, DA, GIB, VCM_DIRTY_NO_CLEAR, count_dirty, &seen) != 0)
			die("read", pt);
		t2 = bench_thread_cpu_ns();
		if (vcm_pt_read_clear_dirty(pt, DA, GIB, 0, count_dirty, &cleared) != 0)
			die("read+clear", pt);
		t3 = bench_thread_cpu_ns();
		if (leaves != GIB / PAGE || seen != GIB / PAGE / 2U || cleared != seen)
			die("counts", pt);
		mark_half(a, &hw, f->arm);
		if (r == 0)
			continue; /* the round that faults memory in */
		n = leaves;
		{
			const double per[3] = { (double)(t1 - t0) / (double)n,
						(double)(t2 - t1) / (double)n,
						(double)(t3 - t2) / (double)n };

			for (unsigned int k = 0; k < 3U; k++)
				if (per[k] < best[k])
					best[k] = per[k];
		}
	}
	bench_row("%-7s | %8.2f %8.2f %10.2f | %8.2f %10.2f", f->name, best[0], best[1], best[2],
		  bench_ratio(best[1], best[0]), bench_ratio(best[2], best[0]));
	(void)vcm_pt_destroy(pt);
	vcm_plat_hosted_arena_delete(a);
}

void bench_dirty_run(void)
{
	static const struct fmt_row rows[] = {
		{ "armv8", &vcm_pt_fmt_armv8, true },
		{ "x86_64", &vcm_pt_fmt_x86_64, false },
	};
	char columns[128];

	snprintf(columns, sizeof(columns), "%-7s | %8s %8s %10s | %8s %10s", "fmt", "walk",
		 "read", "read+clear", "read/w", "clear/w");
	printf("\n");
	bench_head("Dirty harvest over 1 GiB of 4K pages, half written, ns per page",
		   "walk = vcm_pt_walk (baseline), read = vcm_pt_read_clear_dirty(NO_CLEAR), "
		   "read+clear = with the clear", columns);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		one(&rows[i]);
}
