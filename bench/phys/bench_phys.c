// SPDX-License-Identifier: MIT
/*
 * bench_phys: the phys layer's chunk allocator against a page-at-a-time
 * baseline, in one process.
 *
 * 1. Allocate and free 16 MB (plus 3 x 64 KB and 5 x 4 KB: mixed chunks) from a
 *    64 MB memtype, many times: ns per allocate+free pair and per chunk, for
 *    (a) vcmm mixed 1M/64K/4K chunks, (b) vcmm with VCM_PHYS_4KB only, and
 *    (c) a naive next-fit bitmap allocator that hands out one 4 KB page at a
 *    time (the genalloc pattern the 2010 RFC used).
 * 2. A long random churn (mixed sizes, 50-90 % full), then chunks per MB and
 *    physically contiguous extents per MB of a fresh 16 MB allocation, and the
 *    fragmentation figure of vcm_phys_stats().
 *
 * Usage: bench_phys [--iters N] [--churn N] [--seed N]
 * Clock and table printer: bench/common/bench.h.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <vcm/phys.h>
#include <vcm/hosted.h>
#include "../common/bench.h"

#define MB (1024ULL * 1024ULL)
#define KB 1024ULL
#define BASE 0x80000000ULL
#define SPAN (64 * MB)
#define JOB (16 * MB + 3 * 64 * KB + 5 * 4 * KB)

static uint64_t g_rng;

static uint64_t rnd(void)
{
	g_rng ^= g_rng >> 12;
	g_rng ^= g_rng << 25;
	g_rng ^= g_rng >> 27;
	return g_rng * 0x2545f4914f6cdd1dULL;
}

/* ---- the baseline: one 4 KB page at a time from a bitmap, next fit ---- */

struct naive {
	uint64_t bits[SPAN / (4 * KB) / 64];
	size_t rover;
};

static int naive_alloc(struct naive *n, uint64_t len, uint64_t *pages)
{
	size_t want = (size_t)(len / (4 * KB)), got = 0, npages = SPAN / (4 * KB);

	for (size_t scanned = 0; got < want && scanned < npages; scanned++) {
		size_t i = n->rover;

		n->rover = (n->rover + 1) % npages;
		if (n->bits[i / 64] & (1ULL << (i % 64)))
			continue;
		n->bits[i / 64] |= 1ULL << (i % 64);
		pages[got++] = BASE + i * 4 * KB;
	}
	if (got < want) {
		for (size_t k = 0; k < got; k++) {
			size_t i = (size_t)((pages[k] - BASE) / (4 * KB));

			n->bits[i / 64] &= ~(1ULL << (i % 64));
		}
		return -1;
	}
	return 0;
}

static void naive_free(struct naive *n, const uint64_t *pages, size_t count)
{
	for (size_t k = 0; k < count; k++) {
		size_t i = (size_t)((pages[k] - BASE) / (4 * KB));

		n->bits[i / 64] &= ~(1ULL << (i % 64));
	}
}

static struct vcm_phys *make_phys(void)
{
	static struct vcm_plat_ops plat;
	static const struct vcm_phys_range r = { BASE, SPAN };
	static const struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	struct vcm_phys_cfg cfg = { &mt, 1, &plat };
	struct vcm_phys *p;
	struct vcm_diag d = { 0 };

	vcm_plat_hosted_heap_ops(&plat);
	if (vcm_phys_create(&cfg, &p, &d) != 0) {
		fprintf(stderr, "create: %s\n", d.msg);
		exit(1);
	}
	return p;
}

static uint64_t extents(const struct vcm_physmem *m)
{
	uint64_t it = 0, len, n = 0;
	vcm_pa_t pa;

	while (vcm_phys_next_extent(m, &it, &pa, &len) == 0)
		n++;
	return n;
}

static double bench_vcm(struct vcm_phys *p, uint64_t flags, unsigned long iters, uint64_t *chunks)
{
	struct vcm_physmem *m;
	uint64_t t0 = bench_now_ns();

	for (unsigned long i = 0; i < iters; i++) {
		if (vcm_phys_alloc(p, 0, JOB, flags, &m) != 0) {
			fprintf(stderr, "alloc: %s\n", vcm_phys_last_error(p));
			exit(1);
		}
		*chunks = vcm_phys_mem_chunks(m);
		vcm_phys_free(p, m);
	}
	return bench_ns_per(t0, bench_now_ns(), iters);
}

static double bench_naive(unsigned long iters, uint64_t *chunks)
{
	struct naive *n = calloc(1, sizeof(*n));
	uint64_t *pages = malloc(JOB / (4 * KB) * sizeof(*pages));
	uint64_t t0 = bench_now_ns(), t1;

	for (unsigned long i = 0; i < iters; i++) {
		if (naive_alloc(n, JOB, pages) != 0)
			exit(1);
		naive_free(n, pages, JOB / (4 * KB));
	}
	t1 = bench_now_ns();
	*chunks = JOB / (4 * KB);
	free(pages);
	free(n);
	return bench_ns_per(t0, t1, iters);
}

/* ---- churn ---- */

#define CHURN_LIVE 4096

static uint64_t churn_len(void)
{
	switch (rnd() % 4) {
	case 0: return (1 + rnd() % 16) * 4 * KB;
	case 1: return (1 + rnd() % 16) * 64 * KB;
	case 2: return (1 + rnd() % 64) * 4 * KB + (rnd() % 4) * MB;
	default: return (1 + rnd() % 64) * 4 * KB;
	}
}

/* Free live naive allocation @k, moving the last one into its slot. */
static void naive_drop(struct naive *n, uint64_t **nlive, size_t *nlen, unsigned int *nnr,
		       unsigned int k, uint64_t *nfree)
{
	naive_free(n, nlive[k], nlen[k]);
	*nfree += nlen[k] * 4 * KB;
	free(nlive[k]);
	--*nnr;
	nlive[k] = nlive[*nnr];
	nlen[k] = nlen[*nnr];
}

static void churn(unsigned long ops, uint64_t seed)
{
	struct vcm_phys *p = make_phys();
	struct naive *n = calloc(1, sizeof(*n));
	static struct vcm_physmem *live[CHURN_LIVE];
	static uint64_t *nlive[CHURN_LIVE];
	static size_t nlen[CHURN_LIVE];
	unsigned int nr = 0, nnr = 0;
	struct vcm_phys_stats st;
	struct vcm_physmem *m;
	uint64_t *pages = malloc(JOB / (4 * KB) * sizeof(*pages));
	uint64_t ext_n = 0, nfree = SPAN;
	char title[160], note[200], columns[80];

	g_rng = seed * 2654435761ULL + 7;
	for (unsigned long i = 0; i < ops; i++) {
		uint64_t len = churn_len();
		bool grow = nr < CHURN_LIVE / 4 || (nr < CHURN_LIVE && rnd() % 2 == 0);

		/* the same sequence drives both allocators; each keeps 10 % free */
		if (grow) {
			vcm_phys_stats(p, 0, &st);
			if (len + SPAN / 10 < st.free_bytes && vcm_phys_alloc(p, 0, len, 0, &m) == 0)
				live[nr++] = m;
			if (nnr < CHURN_LIVE && len + SPAN / 10 < nfree) {
				uint64_t *pg = malloc(len / (4 * KB) * sizeof(*pg));

				if (naive_alloc(n, len, pg) == 0) {
					nlive[nnr] = pg;
					nlen[nnr++] = (size_t)(len / (4 * KB));
					nfree -= len;
				} else {
					free(pg);
				}
			}
		} else {
			unsigned int k = (unsigned int)(rnd() % CHURN_LIVE);

			if (nr) {
				vcm_phys_free(p, live[k % nr]);
				live[k % nr] = live[nr - 1];
				nr--;
			}
			if (nnr)
				naive_drop(n, nlive, nlen, &nnr, k % nnr, &nfree);
		}
	}
	vcm_phys_stats(p, 0, &st);
	printf("\n");
	snprintf(title, sizeof(title), "churn: %lu random ops, sizes 4 KB .. 4 MB, up to 90 %% "
		 "full; at the end %.1f MB free, fragmentation %u/1000", ops,
		 (double)st.free_bytes / MB, st.frag_permille);
	/* free random victims until a 16 MB buffer plus 1/8 of the span fits */
	while (st.free_bytes < 16 * MB + SPAN / 8 && nr) {
		unsigned int k = (unsigned int)(rnd() % nr);

		vcm_phys_free(p, live[k]);
		live[k] = live[--nr];
		vcm_phys_stats(p, 0, &st);
	}
	while (nfree < 16 * MB + SPAN / 8 && nnr) {
		unsigned int k = (unsigned int)(rnd() % nnr);

		naive_drop(n, nlive, nlen, &nnr, k, &nfree);
	}
	vcm_phys_stats(p, 0, &st);
	snprintf(note, sizeof(note), "then random frees: %u live allocations, %.1f MB free of "
		 "%llu MB, fragmentation %u/1000, largest free block %llu KB", nr,
		 (double)st.free_bytes / MB, (unsigned long long)(SPAN / MB), st.frag_permille,
		 (unsigned long long)(st.largest_free_block / KB));
	snprintf(columns, sizeof(columns), "%-34s %12s %12s", "16 MB buffer", "chunks/MB",
		 "extents/MB");
	bench_head(title, note, columns);
	{
		struct vcm_phys *f = make_phys();

		if (vcm_phys_alloc(f, 0, 16 * MB, 0, &m) == 0) {
			bench_row("%-34s %12.2f %12.2f", "fresh vcmm (1M/64K/4K)",
				  (double)vcm_phys_mem_chunks(m) / 16.0, (double)extents(m) / 16.0);
			vcm_phys_free(f, m);
		}
		vcm_phys_destroy(f);
	}
	if (vcm_phys_alloc(p, 0, 16 * MB, 0, &m) == 0) {
		ext_n = extents(m);
		bench_row("%-34s %12.2f %12.2f", "vcmm after churn (1M/64K/4K)",
			  (double)vcm_phys_mem_chunks(m) / 16.0, (double)ext_n / 16.0);
		vcm_phys_free(p, m);
	} else {
		bench_row("%-34s %s", "vcmm after churn", "(no room)");
	}
	if (naive_alloc(n, 16 * MB, pages) == 0) {
		uint64_t ext = 1;

		for (size_t k = 1; k < 16 * MB / (4 * KB); k++)
			ext += pages[k] != pages[k - 1] + 4 * KB;
		bench_row("%-34s %12.2f %12.2f", "naive 4 KB pages after churn", 256.0,
			  (double)ext / 16.0);
		naive_free(n, pages, 16 * MB / (4 * KB));
	}
	while (nr)
		vcm_phys_free(p, live[--nr]);
	while (nnr) {
		nnr--;
		naive_free(n, nlive[nnr], nlen[nnr]);
		free(nlive[nnr]);
	}
	vcm_phys_destroy(p);
	free(pages);
	free(n);
}

int main(int argc, char **argv)
{
	unsigned long iters = 20000, churn_ops = 200000;
	uint64_t seed = 1, c_mix = 0, c_4k = 0, c_naive = 0;
	struct vcm_phys *p;
	double t_mix, t_4k, t_naive;
	char title[160], columns[100];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--iters") == 0)
			iters = strtoul(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--churn") == 0)
			churn_ops = strtoul(argv[i + 1], NULL, 0);
		else if (strcmp(argv[i], "--seed") == 0)
			seed = strtoull(argv[i + 1], NULL, 0);
	}
	snprintf(title, sizeof(title), "bench_phys: allocate + free %.2f MB (16 MB + 3 x 64 KB + "
		 "5 x 4 KB) from a 64 MB memtype, %lu times", (double)JOB / MB, iters);
	p = make_phys();
	/* warm the record slabs and caches once */
	bench_vcm(p, 0, 10, &c_mix);
	t_mix = bench_vcm(p, 0, iters, &c_mix);
	t_4k = bench_vcm(p, VCM_PHYS_4KB, iters / 10 + 1, &c_4k);
	vcm_phys_destroy(p);
	t_naive = bench_naive(iters / 10 + 1, &c_naive);

	snprintf(columns, sizeof(columns), "%-34s %8s %14s %12s %10s", "allocator", "chunks",
		 "ns/alloc+free", "ns/chunk", "speedup");
	bench_head(title, NULL, columns);
	bench_row("%-34s %8llu %14.0f %12.1f %9.1fx", "naive 4 KB page-at-a-time (base)",
		  (unsigned long long)c_naive, t_naive, t_naive / (double)c_naive, 1.0);
	bench_row("%-34s %8llu %14.0f %12.1f %9.1fx", "vcmm VCM_PHYS_4KB only",
		  (unsigned long long)c_4k, t_4k, t_4k / (double)c_4k, bench_ratio(t_naive, t_4k));
	bench_row("%-34s %8llu %14.0f %12.1f %9.1fx", "vcmm mixed 1M/64K/4K (default)",
		  (unsigned long long)c_mix, t_mix, t_mix / (double)c_mix,
		  bench_ratio(t_naive, t_mix));
	churn(churn_ops, seed);
	printf("\nreproduce: %s --iters %lu --churn %lu --seed %llu\n", argv[0], iters, churn_ops,
	       (unsigned long long)seed);
	return 0;
}
