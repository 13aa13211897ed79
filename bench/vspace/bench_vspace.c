// SPDX-License-Identifier: MIT
/*
 * bench_vspace: reserve + unreserve cost of the vspace allocator against a
 * first-fit page bitmap (what the 2010 RFC's genalloc did), in one process.
 *
 * Workload: N live ranges; each step frees a random live range and reserves
 * a new one in its slot. Sizes are log-uniform from 4 KiB to 16 MiB (most
 * buffers are small), alignments a random power of two from 4 KiB up to the
 * size rounded up to a power of two. The space is sized so that the live
 * ranges fill 50% (or 90%) of it on average.
 *
 * Both allocators are exact lowest-address first fit, so started from the
 * same layout and fed the same steps they place every range at the same
 * address; the bench checks that and prints it. The bitmap starts from a copy
 * of our layout after the fill. Each step is timed with clock_gettime; the
 * bitmap gets a time budget per row (it is slow), so it runs fewer steps.
 * Nothing is asserted on time. Clock and table printer: bench/common/bench.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/vspace.h>
#include <vcm/hosted.h>
#include "../common/bench.h"

#define PAGE_LG2 12U
#define PAGE     (UINT64_C(1) << PAGE_LG2)
#define MAX_PAGES_LG2 12U /* 16 MiB */

static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* One request: pages and alignment (log2 pages). */
struct req {
	uint32_t pages;
	uint8_t align_lg2;
};

static struct req rand_req(uint64_t *s)
{
	uint64_t r = rng_next(s);
	unsigned int lg2 = (unsigned int)(r % MAX_PAGES_LG2);  /* octave */
	uint32_t lo = UINT32_C(1) << lg2, pages;
	unsigned int ceil_lg2;
	struct req q;

	pages = lo + (uint32_t)((r >> 8) % (lo + 1U)); /* within [lo, 2lo] */
	ceil_lg2 = pages == lo ? lg2 : lg2 + 1U;
	q.pages = pages;
	q.align_lg2 = (uint8_t)((r >> 40) % (ceil_lg2 + 1U));
	return q;
}

/* Mean pages of rand_req(), computed once by sampling. */
static double mean_pages(void)
{
	uint64_t s = 12345, sum = 0;
	const unsigned int n = 1U << 20;

	for (unsigned int i = 0; i < n; i++)
		sum += rand_req(&s).pages;
	return (double)sum / n;
}

/* ---- the baseline: first-fit page bitmap, genalloc style ---- */

struct bitmap {
	uint64_t *w;
	uint64_t bits;
};

static void bm_set(struct bitmap *b, uint64_t i, uint64_t n, bool v)
{
	while (n > 0) {
		uint64_t off = i & 63, k = 64 - off < n ? 64 - off : n;
		uint64_t mask = (k == 64 ? ~UINT64_C(0) : ((UINT64_C(1) << k) - 1)) << off;

		if (v)
			b->w[i >> 6] |= mask;
		else
			b->w[i >> 6] &= ~mask;
		i += k;
		n -= k;
	}
}

/* First clear bit at or after @i, or b->bits. */
static uint64_t bm_next_zero(const struct bitmap *b, uint64_t i)
{
	while (i < b->bits) {
		uint64_t w = ~b->w[i >> 6] >> (i & 63);

		if (w != 0) {
			i += (uint64_t)__builtin_ctzll(w);
			return i < b->bits ? i : b->bits;
		}
		i = (i | 63) + 1;
	}
	return b->bits;
}

/* First set bit in [i, end), or end. */
static uint64_t bm_next_set(const struct bitmap *b, uint64_t i, uint64_t end)
{
	while (i < end) {
		uint64_t w = b->w[i >> 6] >> (i & 63);

		if (w != 0) {
			i += (uint64_t)__builtin_ctzll(w);
			return i < end ? i : end;
		}
		i = (i | 63) + 1;
	}
	return end;
}

/* Lowest page index aligned to 2^align_lg2 pages with @n clear pages; -1 if none. */
static int64_t bm_alloc(struct bitmap *b, uint64_t n, unsigned int align_lg2)
{
	uint64_t mask = (UINT64_C(1) << align_lg2) - 1, i = 0;

	for (;;) {
		uint64_t set;

		i = bm_next_zero(b, i);
		i = (i + mask) & ~mask;
		if (i + n > b->bits)
			return -1;
		set = bm_next_set(b, i, i + n);
		if (set == i + n) {
			bm_set(b, i, n, true);
			return (int64_t)i;
		}
		i = set + 1;
	}
}

/* ---- one row ---- */

struct row {
	const char *label;
	uint64_t live;
	double occupancy;
};

struct result {
	double occ_real;
	uint64_t ours_ops, ours_fail, bm_ops, bm_fail, mismatch;
	uint64_t ours_p50, ours_p99, res_p50, unres_p50, bm_p50, bm_p99;
};

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t pct(uint64_t *v, uint64_t n, double p)
{
	if (n == 0)
		return 0;
	return v[(uint64_t)(p * (double)(n - 1))];
}

struct slot {
	struct vcm_vs_range *r;  /* NULL when the last reserve failed */
	uint64_t bm_page;        /* bitmap copy: first page, pages; pages 0 when empty */
	uint32_t bm_pages;
};

static void run_row(const struct row *row, double mean, uint64_t seed, uint64_t ours_steps,
		    double bm_seconds, struct result *res)
{
	uint64_t pages = (uint64_t)((double)row->live * mean / row->occupancy) + 1;
	struct vcm_plat_ops plat;
	struct vcm_vs_cfg cfg;
	struct vcm_vs *vs;
	struct slot *slot = calloc(row->live, sizeof(*slot));
	uint64_t *t_pair = malloc(ours_steps * sizeof(uint64_t));
	uint64_t *t_res = malloc(ours_steps * sizeof(uint64_t));
	uint64_t *t_unres = malloc(ours_steps * sizeof(uint64_t));
	uint64_t fill_seed = seed, step_seed, s, live_pages = 0;
	struct bitmap bm;
	uint64_t *t_bm;
	uint64_t max_bm_steps;

	pages = (pages + 0xfff) & ~UINT64_C(0xfff); /* whole 16 MiB */
	vcm_plat_hosted_heap_ops(&plat);
	cfg = (struct vcm_vs_cfg){ .start = 0, .len = pages << PAGE_LG2, .plat = &plat };
	if (slot == NULL || t_pair == NULL || t_res == NULL || t_unres == NULL ||
	    vcm_vs_create(&cfg, &vs, NULL) != 0) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	memset(res, 0, sizeof(*res));
	/* fill */
	for (uint64_t i = 0; i < row->live; i++) {
		struct req q = rand_req(&fill_seed);

		if (vcm_vs_reserve(vs, (uint64_t)q.pages << PAGE_LG2,
				   UINT64_C(1) << (q.align_lg2 + PAGE_LG2), &slot[i].r) != 0)
			slot[i].r = NULL;
		else
			live_pages += q.pages;
	}
	res->occ_real = (double)live_pages / (double)pages;

	/* bitmap: a copy of the filled layout */
	bm.bits = pages;
	bm.w = calloc((pages + 63) / 64, sizeof(uint64_t));
	if (bm.w == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (uint64_t i = 0; i < row->live; i++) {
		if (slot[i].r == NULL)
			continue;
		slot[i].bm_page = vcm_vs_range_start(slot[i].r) >> PAGE_LG2;
		slot[i].bm_pages = (uint32_t)(vcm_vs_range_len(slot[i].r) >> PAGE_LG2);
		bm_set(&bm, slot[i].bm_page, slot[i].bm_pages, true);
	}

	/* bitmap steps first, on a copy of the slots' bitmap view, under a time budget */
	step_seed = seed ^ UINT64_C(0x5eed);
	s = step_seed;
	max_bm_steps = ours_steps;
	t_bm = malloc(max_bm_steps * sizeof(uint64_t));
	{
		uint64_t deadline = bench_now_ns() + (uint64_t)(bm_seconds * 1e9);
		uint64_t *addr_bm = malloc(max_bm_steps * sizeof(uint64_t));
		struct slot *bslot = malloc(row->live * sizeof(*bslot));

		memcpy(bslot, slot, row->live * sizeof(*bslot));
		for (; res->bm_ops < max_bm_steps && bench_now_ns() < deadline; res->bm_ops++) {
			uint64_t i = rng_next(&s) % row->live, t0, t1;
			struct req q = rand_req(&s);
			int64_t p;

			t0 = bench_now_ns();
			if (bslot[i].bm_pages != 0)
				bm_set(&bm, bslot[i].bm_page, bslot[i].bm_pages, false);
			p = bm_alloc(&bm, q.pages, q.align_lg2);
			t1 = bench_now_ns();
			t_bm[res->bm_ops] = t1 - t0;
			addr_bm[res->bm_ops] = (uint64_t)p;
			if (p < 0) {
				bslot[i].bm_pages = 0;
				res->bm_fail++;
			} else {
				bslot[i].bm_page = (uint64_t)p;
				bslot[i].bm_pages = q.pages;
			}
		}
		/* ours: the same steps from the same layout, compared address by address */
		s = step_seed;
		for (; res->ours_ops < ours_steps; res->ours_ops++) {
			uint64_t i = rng_next(&s) % row->live, t0, t1, t2;
			struct req q = rand_req(&s);
			int ret = 0;

			t0 = bench_now_ns();
			if (slot[i].r != NULL)
				ret = vcm_vs_unreserve(vs, slot[i].r);
			t1 = bench_now_ns();
			if (ret == 0)
				ret = vcm_vs_reserve(vs, (uint64_t)q.pages << PAGE_LG2,
						     UINT64_C(1) << (q.align_lg2 + PAGE_LG2), &slot[i].r);
			t2 = bench_now_ns();
			if (ret != 0) {
				slot[i].r = NULL;
				res->ours_fail++;
			}
			t_unres[res->ours_ops] = t1 - t0;
			t_res[res->ours_ops] = t2 - t1;
			t_pair[res->ours_ops] = t2 - t0;
			if (res->ours_ops < res->bm_ops &&
			    (ret != 0 ? addr_bm[res->ours_ops] != UINT64_MAX
				      : vcm_vs_range_start(slot[i].r) >> PAGE_LG2 !=
						addr_bm[res->ours_ops]))
				res->mismatch++;
		}
		free(addr_bm);
		free(bslot);
	}
	qsort(t_pair, res->ours_ops, sizeof(uint64_t), cmp_u64);
	qsort(t_res, res->ours_ops, sizeof(uint64_t), cmp_u64);
	qsort(t_unres, res->ours_ops, sizeof(uint64_t), cmp_u64);
	qsort(t_bm, res->bm_ops, sizeof(uint64_t), cmp_u64);
	res->ours_p50 = pct(t_pair, res->ours_ops, 0.50);
	res->ours_p99 = pct(t_pair, res->ours_ops, 0.99);
	res->res_p50 = pct(t_res, res->ours_ops, 0.50);
	res->unres_p50 = pct(t_unres, res->ours_ops, 0.50);
	res->bm_p50 = pct(t_bm, res->bm_ops, 0.50);
	res->bm_p99 = pct(t_bm, res->bm_ops, 0.99);
	vcm_vs_destroy(vs);
	free(bm.w);
	free(t_bm);
	free(t_pair);
	free(t_res);
	free(t_unres);
	free(slot);
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--seed N] [--quick] [--bitmap-seconds S]\n", argv0);
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct row full[] = {
		{ "1k", 1000, 0.5 }, { "100k", 100000, 0.5 }, { "1M", 1000000, 0.5 },
		{ "1k", 1000, 0.9 }, { "100k", 100000, 0.9 }, { "1M", 1000000, 0.9 },
	};
	uint64_t seed = 1;
	bool quick = false;
	double bm_seconds = 3.0, mean;
	uint64_t timer[1001];
	char title[160], note[256], columns[160];
	size_t rows = sizeof(full) / sizeof(full[0]);

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 0);
		else if (strcmp(argv[i], "--quick") == 0)
			quick = true;
		else if (strcmp(argv[i], "--bitmap-seconds") == 0 && i + 1 < argc)
			bm_seconds = strtod(argv[++i], NULL);
		else
			usage(argv[0]);
	}
	if (quick) {
		rows = 2;
		bm_seconds = 0.2;
	}
	mean = mean_pages();
	for (int i = 0; i < 1001; i++) {
		uint64_t t0 = bench_now_ns();

		timer[i] = bench_now_ns() - t0;
	}
	qsort(timer, 1001, sizeof(uint64_t), cmp_u64);

	snprintf(title, sizeof(title), "bench_vspace: reserve+unreserve, sizes 4K..16M "
		 "log-uniform (mean %.0f KiB), align 4K..size, seed %" PRIu64, mean * 4.0, seed);
	snprintf(note, sizeof(note), "reproduce: cmake -S . -B build/vs-rel "
		 "-DCMAKE_BUILD_TYPE=Release -DVCM_DEBUG=0 && cmake --build build/vs-rel "
		 "--target bench_vspace && build/vs-rel/bench/vspace/bench_vspace --seed %" PRIu64
		 "%s", seed, quick ? " --quick" : "");
	snprintf(columns, sizeof(columns), "%-6s %5s | %9s %5s %7s %7s %7s %7s | %7s %5s %9s %9s | "
		 "%8s %5s", "live", "occ", "ours ops", "fail", "res p50", "unr p50", "p50 ns",
		 "p99 ns", "bm ops", "fail", "p50 ns", "p99 ns", "bm/ours", "same");
	bench_head(title, note, columns);
	for (size_t k = 0; k < rows; k++) {
		struct result r;

		run_row(&full[k], mean, seed + k, quick ? 20000 : 200000, bm_seconds, &r);
		bench_row("%-6s %4.0f%% | %9" PRIu64 " %5" PRIu64 " %7" PRIu64 " %7" PRIu64
			  " %7" PRIu64 " %7" PRIu64 " | %7" PRIu64 " %5" PRIu64 " %9" PRIu64
			  " %9" PRIu64 " | %7.1fx %5s",
			  full[k].label, r.occ_real * 100.0, r.ours_ops, r.ours_fail, r.res_p50,
			  r.unres_p50, r.ours_p50, r.ours_p99, r.bm_ops, r.bm_fail, r.bm_p50,
			  r.bm_p99, bench_ratio((double)r.bm_p50, (double)r.ours_p50),
			  r.mismatch == 0 ? "yes" : "NO");
		fflush(stdout);
	}
	printf("occ: live bytes / space after the fill. p50/p99: one free + one reserve, "
	       "clock_gettime per step (its own cost: p50 %" PRIu64 " ns, included).\n"
	       "same: the bitmap placed its steps at the same addresses as ours "
	       "(both are exact first fit).\n", timer[500]);
	return 0;
}
