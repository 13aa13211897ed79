// SPDX-License-Identifier: MIT
/*
 * bench_graph_threads: what the finer locks buy (struct vcm_lock_ops).
 *
 * Each thread runs cycles of reserve + back (the page table is written) +
 * unback + unreserve of one buffer of its own (4 KiB or 64 KiB, allocated
 * once), for an armv8 4K device:
 *  (a) two VCMs: each thread its own VCM and device;
 *  (b) one VCM: both threads in one VCM with one device, at disjoint ranges.
 * Every VCM has its range cache on, and keeps one other page backed at its
 * start, as a driver's VCM holds other buffers: the tables the cycles use
 * stay, so a cycle costs the same whether one or two threads share them
 * (without it, in one VCM a second thread's page would keep the tables alive
 * and make each cycle cheaper than with one thread). Each case runs with 1
 * thread, then with 2,
 * under the system lock alone (cfg.lock: the baseline, one lock for every
 * call) and under the hosted finer locks (cfg.locks), in one process; a row
 * gives cycles per second (all threads together) and the 2-thread / 1-thread
 * ratio, the median of --reps runs of --cycles cycles per thread; and the
 * CPU time per cycle with 1 and with 2 threads (what sharing costs, apart
 * from what other processes take from the cores).
 *
 * Targets (printed, never asserted): (a) >= 1.8x, (b) >= 1.5x. A machine
 * with fewer than two free cores cannot show them.
 *
 * Usage: bench_graph_threads [--quick] [--cycles N] [--reps N] [--only two|one]
 * (--only: the two-VCM or the one-VCM rows alone)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include "../common/bench.h"
#define GRAPH_BENCH_NAME "bench_graph_threads"
#include "graph_bench.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define MEM_PA UINT64_C(0x80000000)
#define PROT (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define MAX_REPS 31

static unsigned long g_cycles = 20000;
static unsigned int g_reps = 5;
static int g_only = -1; /* -1: both cases; 0: two VCMs; 1: one VCM */

enum mode { M_ONE_LOCK, M_FINE };
static const char *const mode_name[] = { "one lock", "finer locks" };

struct rig {
	struct vcm_hosted_mem *mem;
	struct vcm_hosted_lock lock;
	struct vcm_hosted_locks locks;
	struct vcm_sys *sys;
	struct vcm_dev *dev[2];
	struct vcm *vcm[2];
	struct vcm_avcm *a[2];
	struct vcm_res *keep[2];  /* the neighbour page of each VCM */
	struct vcm_mem *keep_mem[2];
};

struct lane {
	struct vcm_sys *sys;
	struct vcm *vcm;
	struct vcm_mem *m;
	uint64_t len;
	unsigned long cycles;
	pthread_barrier_t *start;
	int err;
	uint64_t t0, t1; /* its own start and end */
	uint64_t cpu_ns;  /* its CPU time */
} __attribute__((aligned(128))); /* the two lanes on lines of their own (below) */

static void rig_init(struct rig *r, enum mode mode)
{
	static const struct vcm_pt_cfg pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40 };
	const struct vcm_vs_cache_cfg cc = { .flags = VCM_VS_CACHE_ON };
	struct vcm_diag diag = { 0 };
	struct vcm_phys_range range;
	struct vcm_phys_memtype_cfg mt = { .ranges = &range, .nr_ranges = 1 };
	struct vcm_sys_cfg cfg = { .memtypes = &mt, .nr_memtypes = 1,
				   .diag_slot = vcm_hosted_diag_slot };

	memset(r, 0, sizeof(*r));
	if (vcm_hosted_mem_create(MEM_PA, 64 * MB, 16 * MB, &r->mem, &diag) != 0)
		die("hosted memory", -1, NULL);
	cfg.plat = vcm_hosted_mem_plat(r->mem);
	vcm_hosted_mem_free_range(r->mem, &range.pa, &range.len);
	TRY(NULL, vcm_hosted_lock_init(&r->lock));
	vcm_hosted_locks_init(&r->locks);
	/* the hosted memory locks its table calls itself; metadata is malloc */
	r->locks.ops.flags = VCM_LOCKS_PLAT_SAFE;
	if (mode == M_ONE_LOCK)
		cfg.lock = &r->lock.lock;
	else
		cfg.locks = &r->locks.ops;
	if (vcm_sys_create(&cfg, &r->sys, &diag) != 0)
		die("system", -1, NULL);
	for (int i = 0; i < 2; i++) {
		struct vcm_dev_cfg dc = { .name = i == 0 ? "dev0" : "dev1",
					  .mapper = &vcm_mapper_pt, .mapper_cfg = &pt,
					  .nr_bases = 1 };

		TRY(r->sys, vcm_dev_register(r->sys, &dc, &r->dev[i]));
		TRY(r->sys, vcm_create(r->sys, 0x100000000ULL, 4096 * MB, &r->vcm[i]));
		TRY(r->sys, vcm_set_range_cache(r->vcm[i], &cc));
		TRY(r->sys, vcm_assoc(r->vcm[i], r->dev[i], 0, &r->a[i]));
		TRY(r->sys, vcm_activate(r->a[i]));
		TRY(r->sys, vcm_reserve_at(r->vcm[i], 0x100000000ULL, 4 * KB, PROT, &r->keep[i]));
		TRY(r->sys, vcm_alloc(r->sys, 0, 4 * KB, 0, &r->keep_mem[i]));
		TRY(r->sys, vcm_back(r->keep[i], r->keep_mem[i]));
	}
}

static void rig_fini(struct rig *r)
{
	for (int i = 0; i < 2; i++) {
		TRY(r->sys, vcm_unback(r->keep[i]));
		TRY(r->sys, vcm_unreserve(r->keep[i]));
		TRY(r->sys, vcm_free_phys(r->sys, r->keep_mem[i]));
		TRY(r->sys, vcm_deactivate(r->a[i]));
		TRY(r->sys, vcm_deassoc(r->a[i]));
		TRY(r->sys, vcm_free(r->vcm[i]));
		TRY(r->sys, vcm_dev_unregister(r->dev[i]));
	}
	TRY(r->sys, vcm_sys_destroy(r->sys));
	vcm_hosted_lock_fini(&r->lock);
	TRY(NULL, vcm_hosted_mem_destroy(r->mem));
}

/*
 * The loop keeps what it uses in locals and writes its lane only before and
 * after: the two lanes are on the main thread's stack, and a lane written on
 * every call shared a line with the other (as the stack's alignment fell in
 * a run), which made the two threads' rates vary from run to run by 2x.
 */
static void *lane_run(void *arg)
{
	struct lane *ln = arg;
	struct vcm *vcm = ln->vcm;
	struct vcm_mem *m = ln->m;
	const uint64_t len = ln->len;
	const unsigned long cycles = ln->cycles;
	uint64_t t0, c0;
	int err = 0;

	pthread_barrier_wait(ln->start);
	t0 = bench_now_ns();
	c0 = bench_thread_cpu_ns();
	for (unsigned long i = 0; i < cycles && err == 0; i++) {
		struct vcm_res *res;

		err = vcm_reserve(vcm, len, 0, PROT, &res);
		if (err != 0)
			break;
		err = vcm_back(res, m);
		if (err == 0)
			err = vcm_unback(res);
		if (vcm_unreserve(res) != 0 && err == 0)
			err = -1;
	}
	ln->t1 = bench_now_ns();
	ln->cpu_ns = bench_thread_cpu_ns() - c0;
	ln->t0 = t0;
	ln->err = err;
	return NULL;
}

/* Cycles per second of @n threads, thread t in VCM @vcm_of[t]; *@cpu: CPU
 * ns per cycle, over all threads. */
static double run(struct rig *r, unsigned int n, const int *vcm_of, uint64_t len, double *cpu)
{
	uint64_t cpu_ns = 0;
	struct lane ln[2];
	pthread_t th[2];
	pthread_barrier_t start;
	uint64_t t0, t1;

	pthread_barrier_init(&start, NULL, n + 1U);
	for (unsigned int t = 0; t < n; t++) {
		ln[t] = (struct lane){ .sys = r->sys, .vcm = r->vcm[vcm_of[t]], .len = len,
				       .cycles = g_cycles, .start = &start };
		TRY(r->sys, vcm_alloc(r->sys, 0, len, 0, &ln[t].m));
		if (pthread_create(&th[t], NULL, lane_run, &ln[t]) != 0)
			die("pthread_create", -1, NULL);
	}
	pthread_barrier_wait(&start);
	for (unsigned int t = 0; t < n; t++)
		pthread_join(th[t], NULL);
	pthread_barrier_destroy(&start);
	/* from the first thread's start to the last one's end */
	t0 = ln[0].t0;
	t1 = ln[0].t1;
	for (unsigned int t = 1; t < n; t++) {
		t0 = ln[t].t0 < t0 ? ln[t].t0 : t0;
		t1 = ln[t].t1 > t1 ? ln[t].t1 : t1;
	}
	for (unsigned int t = 0; t < n; t++) {
		if (ln[t].err != 0)
			die("a cycle", ln[t].err, r->sys);
		TRY(r->sys, vcm_free_phys(r->sys, ln[t].m));
		cpu_ns += ln[t].cpu_ns;
	}
	*cpu = (double)cpu_ns / ((double)g_cycles * n);
	return (double)g_cycles * n * 1e9 / (double)(t1 - t0);
}

/* ---- the control: what two threads get from the machine right now ---------- */

struct spin {
	pthread_barrier_t *start;
	unsigned long n;
	uint64_t t0, t1, sink;
	uint64_t cpu_ns; /* the pt control: its CPU time */
	int err;
} __attribute__((aligned(128)));

static void *spin_run(void *arg)
{
	struct spin *sp = arg;
	uint64_t x = 88172645463325252ULL;

	pthread_barrier_wait(sp->start);
	sp->t0 = bench_now_ns();
	for (unsigned long i = 0; i < sp->n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	sp->t1 = bench_now_ns();
	sp->sink = x;
	return NULL;
}

/*
 * The second control: each thread maps and unmaps one 4 KiB page, as a cycle
 * does, in a table of its own on an arena of its own (a neighbour page keeps
 * the tables), sharing nothing with the other thread. Where this row scales
 * less than the register loop, the machine does (two virtual CPUs on one
 * core's two hyperthreads, say), not the graph.
 */
static void *pt_spin_run(void *arg)
{
	struct spin *sp = arg;
	struct vcm_plat_arena *a = vcm_plat_hosted_arena_new(4 * MB, UINT64_C(0x40000000));
	struct vcm_plat_ops ops;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40,
				  .flags = VCM_PT_CFG_COHERENT, .plat = &ops };
	struct vcm_pt *pt = NULL;
	const unsigned long n = sp->n;
	uint64_t unmapped, c0, t0;
	int err = -ENOMEM;

	if (a != NULL) {
		vcm_plat_arena_ops(a, &ops);
		err = vcm_pt_create(&cfg, &pt, NULL);
		if (err == 0)
			err = vcm_pt_map(pt, 0x200000, MEM_PA, 4 * KB, PROT);
	}
	pthread_barrier_wait(sp->start);
	c0 = bench_thread_cpu_ns();
	t0 = bench_now_ns();
	for (unsigned long i = 0; i < n && err == 0; i++) {
		err = vcm_pt_map(pt, 0x201000, MEM_PA + 4 * KB, 4 * KB, PROT);
		if (err == 0)
			err = vcm_pt_unmap(pt, 0x201000, 4 * KB, &unmapped);
	}
	sp->t1 = bench_now_ns();
	sp->cpu_ns = bench_thread_cpu_ns() - c0;
	sp->t0 = t0;
	sp->err = err;
	if (pt != NULL)
		(void)vcm_pt_destroy(pt);
	vcm_plat_hosted_arena_delete(a);
	return NULL;
}

/*
 * Steps per second of @n threads running @fn, @steps each; *@cpu (if not
 * NULL): CPU ns per step.
 */
static double spin_rate(unsigned int n, void *(*fn)(void *), unsigned long steps, double *cpu)
{
	struct spin sp[2];
	pthread_t th[2];
	pthread_barrier_t start;
	uint64_t t0, t1, cpu_ns = 0;

	pthread_barrier_init(&start, NULL, n);
	for (unsigned int t = 0; t < n; t++) {
		sp[t] = (struct spin){ .start = &start, .n = steps };
		if (pthread_create(&th[t], NULL, fn, &sp[t]) != 0)
			die("pthread_create", -1, NULL);
	}
	for (unsigned int t = 0; t < n; t++) {
		pthread_join(th[t], NULL);
		if (sp[t].err != 0)
			die("the page-table control", sp[t].err, NULL);
		cpu_ns += sp[t].cpu_ns;
	}
	pthread_barrier_destroy(&start);
	if (cpu != NULL)
		*cpu = (double)cpu_ns / (double)(steps * n);
	t0 = sp[0].t0;
	t1 = sp[0].t1;
	for (unsigned int t = 1; t < n; t++) {
		t0 = sp[t].t0 < t0 ? sp[t].t0 : t0;
		t1 = sp[t].t1 > t1 ? sp[t].t1 : t1;
	}
	return (double)sp[0].n * n * 1e9 / (double)(t1 - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2U != 0U ? v[n / 2U] : (v[n / 2U - 1U] + v[n / 2U]) / 2.0;
}

int main(int argc, char **argv)
{
	static const int two_vcms[2] = { 0, 1 }, one_vcm[2] = { 0, 0 };
	static const uint64_t sizes[2] = { 4 * KB, 64 * KB };
	struct rig rig;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			g_cycles = 200;
			g_reps = 1;
		} else if (strcmp(argv[i], "--cycles") == 0 && i + 1 < argc) {
			g_cycles = strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
			g_reps = (unsigned int)strtoul(argv[++i], NULL, 0);
		} else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc &&
			   (strcmp(argv[i + 1], "two") == 0 || strcmp(argv[i + 1], "one") == 0)) {
			g_only = strcmp(argv[++i], "two") == 0 ? 0 : 1;
		} else {
			fprintf(stderr, "usage: bench_graph_threads [--quick] [--cycles N] [--reps N] "
					"[--only two|one]\n");
			return 2;
		}
	}
	if (g_reps == 0U || g_reps > MAX_REPS)
		g_reps = MAX_REPS;
	bench_head("reserve + back + unback + unreserve, 1 and 2 threads (armv8 4K tables)",
		   "cycles/s of all threads together, median of the runs; CPU ns per cycle with "
		   "1 and 2 threads;\ntargets: two VCMs >= 1.8x, one VCM >= 1.5x; the control "
		   "row is a register-only loop, the pt control a map and unmap in a table of each "
		   "thread's own: what 2 threads get from the machine now",
		   "case      size  locks          1 thread/s   2 threads/s   2t/1t  cpu1t  cpu2t  target");
	{
		double one[MAX_REPS], two[MAX_REPS], c1[MAX_REPS], c2[MAX_REPS], r1, r2;

		for (unsigned int k = 0; k < g_reps; k++) {
			one[k] = spin_rate(1, spin_run, g_cycles * 1000UL, NULL);
			two[k] = spin_rate(2, spin_run, g_cycles * 1000UL, NULL);
		}
		r1 = median(one, g_reps);
		r2 = median(two, g_reps);
		bench_row("%-8s %5s  %-12s %12.0f  %12.0f  %5.2fx", "control", "-", "none", r1 / 1000.0,
			  r2 / 1000.0, bench_ratio(r2, r1));
		/*
		 * A step is about 10 ns: at 4 steps a cycle the row lasted 4 ms,
		 * and a thread woken a millisecond late halved its ratio while
		 * its CPU time per step did not move. 40 steps a cycle.
		 */
		for (unsigned int k = 0; k < g_reps; k++) {
			one[k] = spin_rate(1, pt_spin_run, g_cycles * 40UL, &c1[k]);
			two[k] = spin_rate(2, pt_spin_run, g_cycles * 40UL, &c2[k]);
		}
		r1 = median(one, g_reps);
		r2 = median(two, g_reps);
		bench_row("%-8s %5s  %-12s %12.0f  %12.0f  %5.2fx  %5.0f  %5.0f", "pt ctl", "4K",
			  "none", r1, r2, bench_ratio(r2, r1), median(c1, g_reps),
			  median(c2, g_reps));
	}
	for (int c = 0; c < 2; c++) {
		const int *vcm_of = c == 0 ? two_vcms : one_vcm;

		if (g_only >= 0 && c != g_only)
			continue;

		for (int s = 0; s < 2; s++) {
			for (int m = 0; m < 2; m++) {
				double one[MAX_REPS], two[MAX_REPS], c1[MAX_REPS], c2[MAX_REPS];
				double r1, r2;
				double target = c == 0 ? 1.8 : 1.5;

				rig_init(&rig, (enum mode)m);
				for (unsigned int k = 0; k < g_reps; k++) {
					one[k] = run(&rig, 1, vcm_of, sizes[s], &c1[k]);
					two[k] = run(&rig, 2, vcm_of, sizes[s], &c2[k]);
				}
				rig_fini(&rig);
				r1 = median(one, g_reps);
				r2 = median(two, g_reps);
				bench_row("%-8s %4lluK  %-12s %12.0f  %12.0f  %5.2fx  %6.0f %6.0f  %s",
					  c == 0 ? "2 VCMs" : "1 VCM",
					  (unsigned long long)(sizes[s] / KB), mode_name[m], r1, r2,
					  bench_ratio(r2, r1), median(c1, g_reps), median(c2, g_reps),
					  m == M_ONE_LOCK ? "(baseline)"
					  : bench_ratio(r2, r1) >= target ? "met" : "not met");
			}
		}
	}
	return 0;
}
