// SPDX-License-Identifier: MIT
/*
 * bench_worst: the worst-case input shapes a cost review found, each at
 * n = 1,000, 10,000 and 100,000, printed as ns per call and as the growth
 * of that cost from the smallest n to the largest: a call that is O(log n)
 * in the shape stays near 1-2x, a linear one shows ~100x.
 *
 *  dma-disjoint     vcm_sim_dma_copy between two lists of n 64-byte
 *                   elements in disjoint ranges of memory;
 *  dma-interleaved  the same between two lists whose elements interleave
 *                   (the ranges meet, so the lists are sorted and compared);
 *  cont-fill        vcm_alloc_cont of one 4 KiB page at a time, filling a
 *                   memtype of n pages (the mean over the fill);
 *  cont-refused     an 8 KiB vcm_alloc_cont refused (-ENOMEM) on that
 *                   memtype with every other page taken;
 *  fanout-back      vcm_back + vcm_unback of one page in a VCM with n
 *                   devices associated (one shared table), one active;
 *  migrate-64k      vcm_migrate of 64 KiB mapped by a 64 KiB-granule table,
 *                   with n 4 KiB allocations live in the memtype;
 *  nest-init        vcm_nest_plat_init + vcm_nest_plat_fini with n live
 *                   allocations in the host;
 *  translate-fwd    vcm_translate from the first to the last of n
 *  translate-rev    one-to-one VCMs backing one page, and back;
 *  bounds-next      vcm_get_next_res from one reservation past n empty
 *                   bounds to the next;
 *  bounds-drain     one step of a drain loop (vcm_get_next_res(vcm, NULL)
 *                   + vcm_unreserve) over n bounds of one reservation each
 *                   (the mean over the whole drain);
 *  assoc-lookup     vcm_get_pgtbl_pa of the last pair of k devices x k VCMs,
 *                   every pair associated (n = k * k).
 *
 * Time is the process's CPU time (the machines these run on are shared):
 * each figure is the median of 3 runs of at least 20 ms. Every call's result
 * is checked (a failing call would be measured for nothing: the program
 * says which and exits 1); no time is asserted.
 *
 * Usage: bench_worst [--quick] [--only NAME]
 *   --quick      n = 1,000 and 10,000 only (a smoke test)
 *   --only NAME  run one row (the names above)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include <vcm/sim.h>
#include "../common/bench.h"
#define GRAPH_BENCH_NAME "bench_worst"
#include "../graph/graph_bench.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define PAGE (4 * KB)
#define MEM_PA UINT64_C(0x80000000)
#define PROT (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

#define NR_SIZES 3U
#define TARGET_NS UINT64_C(20000000) /* each run lasts at least this long */

static const uint64_t g_sizes[NR_SIZES] = { 1000, 10000, 100000 };

/*
 * CPU time of the process. bench.h's bench_thread_cpu_ns() reads the
 * thread's; this program runs on one thread, so the two agree.
 */
static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

static void *xcalloc(uint64_t n, size_t size)
{
	void *p = calloc((size_t)n, size);

	if (p == NULL)
		die("calloc", -ENOMEM, NULL);
	return p;
}

static uint64_t round_up(uint64_t x, uint64_t to)
{
	return (x + to - 1U) / to * to;
}

/* ---- a rig: hosted memory, a system on it --------------------------------- */

struct rig {
	struct vcm_hosted_mem *mem;
	struct vcm_sys *sys;
	vcm_pa_t base; /* the memtype's first byte */
};

/*
 * Hosted memory with a @table_bytes table arena and a memtype of @mt_len
 * bytes after it (both multiples of 2 MiB, except @mt_len: a multiple of 4 KiB).
 */
static void rig_init(struct rig *r, uint64_t table_bytes, uint64_t mt_len)
{
	struct vcm_diag diag = { 0 };
	struct vcm_phys_range range;
	struct vcm_phys_memtype_cfg mt = { .ranges = &range, .nr_ranges = 1 };
	struct vcm_sys_cfg cfg = { .memtypes = &mt, .nr_memtypes = 1 };

	memset(r, 0, sizeof(*r));
	if (vcm_hosted_mem_create(MEM_PA, table_bytes + round_up(mt_len, 2 * MB), table_bytes,
				  &r->mem, &diag) != 0) {
		fprintf(stderr, "bench_worst: hosted memory: %s\n", diag.msg);
		exit(1);
	}
	vcm_hosted_mem_free_range(r->mem, &range.pa, NULL);
	range.len = mt_len;
	r->base = range.pa;
	cfg.plat = vcm_hosted_mem_plat(r->mem);
	if (vcm_sys_create(&cfg, &r->sys, &diag) != 0) {
		fprintf(stderr, "bench_worst: system: %s\n", diag.msg);
		exit(1);
	}
}

static void rig_fini(struct rig *r)
{
	TRY(r->sys, vcm_sys_destroy(r->sys));
	TRY(NULL, vcm_hosted_mem_destroy(r->mem));
}

/* The table of most devices here: armv8 4 KiB, 48-bit (one configuration,
 * so the devices of one VCM share one table). */
static const struct vcm_pt_cfg g_armv8 = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .oas = 40 };

/* Device "<prefix><i>" of @mapper with @mapper_cfg. */
static struct vcm_dev *add_dev(struct rig *r, const char *prefix, uint64_t i,
			       const struct vcm_mapper_ops *mapper, const void *mapper_cfg)
{
	char name[32];
	struct vcm_dev_cfg cfg = { .name = name, .mapper = mapper, .mapper_cfg = mapper_cfg,
				   .nr_bases = 1 };
	struct vcm_dev *d;

	snprintf(name, sizeof(name), "%s%llu", prefix, (unsigned long long)i);
	TRY(r->sys, vcm_dev_register(r->sys, &cfg, &d));
	return d;
}

/* n 4 KiB allocations, held live. */
static struct vcm_mem **alloc_pages(struct rig *r, uint64_t n)
{
	struct vcm_mem **m = xcalloc(n, sizeof(*m));

	for (uint64_t i = 0; i < n; i++)
		TRY(r->sys, vcm_alloc(r->sys, 0, PAGE, VCM_PHYS_4KB, &m[i]));
	return m;
}

static void free_pages(struct rig *r, struct vcm_mem **m, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++)
		TRY(r->sys, vcm_free_phys(r->sys, m[i]));
	free(m);
}

/* ---- 1. DMA copy between two lists ---------------------------------------- */

struct dma_st {
	struct vcm_hosted_mem *mem;
	struct vcm_sim_dma *dma;
	struct vcm_sim_sg *src, *dst_far, *dst_mixed;
	uint64_t n;
};

static void *dma_setup(uint64_t n)
{
	struct dma_st *s = xcalloc(1, sizeof(*s));
	struct vcm_diag diag = { 0 };
	struct vcm_sim_dma_cfg cfg = { .name = "dma" };
	const uint64_t span = round_up(n * 128U, 2 * MB);
	vcm_pa_t base;

	s->n = n;
	if (vcm_hosted_mem_create(MEM_PA, 2 * span, 0, &s->mem, &diag) != 0) {
		fprintf(stderr, "bench_worst: hosted memory: %s\n", diag.msg);
		exit(1);
	}
	vcm_hosted_mem_free_range(s->mem, &base, NULL);
	cfg.plat = vcm_hosted_mem_plat(s->mem);
	if (vcm_sim_dma_create(&cfg, &s->dma, &diag) != 0) {
		fprintf(stderr, "bench_worst: vcm_sim_dma_create: %s\n", diag.msg);
		exit(1);
	}
	s->src = xcalloc(n, sizeof(*s->src));
	s->dst_far = xcalloc(n, sizeof(*s->dst_far));
	s->dst_mixed = xcalloc(n, sizeof(*s->dst_mixed));
	for (uint64_t i = 0; i < n; i++) {
		/* src: every other 64 bytes of the low half, in descending order */
		s->src[i] = (struct vcm_sim_sg){ base + (n - 1U - i) * 128U, 64 };
		/* disjoint: the high half; interleaved: the 64 bytes src skips */
		s->dst_far[i] = (struct vcm_sim_sg){ base + span + i * 128U, 64 };
		s->dst_mixed[i] = (struct vcm_sim_sg){ base + i * 128U + 64U, 64 };
	}
	return s;
}

static void dma_teardown(void *p)
{
	struct dma_st *s = p;

	vcm_sim_dma_destroy(s->dma);
	TRY(NULL, vcm_hosted_mem_destroy(s->mem));
	free(s->src);
	free(s->dst_far);
	free(s->dst_mixed);
	free(s);
}

static uint64_t dma_copy(struct dma_st *s, const struct vcm_sim_sg *dst, uint64_t reps)
{
	uint64_t t0 = cpu_ns();

	for (uint64_t k = 0; k < reps; k++) {
		int ret = vcm_sim_dma_copy(s->dma, dst, s->n, s->src, s->n, s->n * 64U);

		if (ret != 0) {
			fprintf(stderr, "bench_worst: vcm_sim_dma_copy: %d (%s)\n", ret,
				vcm_sim_dma_last_error(s->dma));
			exit(1);
		}
	}
	return cpu_ns() - t0;
}

static uint64_t dma_disjoint(void *p, uint64_t reps, uint64_t *calls)
{
	*calls = reps;
	return dma_copy(p, ((struct dma_st *)p)->dst_far, reps);
}

static uint64_t dma_interleaved(void *p, uint64_t reps, uint64_t *calls)
{
	*calls = reps;
	return dma_copy(p, ((struct dma_st *)p)->dst_mixed, reps);
}

/* ---- 2. contiguous allocation, page by page and refused ------------------- */

struct cont_st {
	struct rig r;
	struct vcm_mem **m;
	uint64_t n;
	bool holes; /* every other page taken (odd ones), the rest free */
};

static void *cont_setup(uint64_t n)
{
	struct cont_st *s = xcalloc(1, sizeof(*s));

	s->n = n;
	rig_init(&s->r, 2 * MB, n * PAGE);
	s->m = xcalloc(n, sizeof(*s->m));
	return s;
}

static void cont_teardown(void *p)
{
	struct cont_st *s = p;

	for (uint64_t i = 1; s->holes && i < s->n; i += 2)
		TRY(s->r.sys, vcm_free_phys(s->r.sys, s->m[i]));
	rig_fini(&s->r);
	free(s->m);
	free(s);
}

/* Fill the memtype one page at a time; the CPU time it took. */
static uint64_t cont_fill_pages(struct cont_st *s)
{
	uint64_t t0 = cpu_ns(), t1;

	for (uint64_t i = 0; i < s->n; i++)
		TRY(s->r.sys, vcm_alloc_cont(s->r.sys, 0, PAGE, 0, &s->m[i]));
	t1 = cpu_ns();
	return t1 - t0;
}

static uint64_t cont_fill(void *p, uint64_t reps, uint64_t *calls)
{
	struct cont_st *s = p;
	uint64_t ns = 0;

	if (s->holes) { /* back to empty */
		for (uint64_t i = 1; i < s->n; i += 2)
			TRY(s->r.sys, vcm_free_phys(s->r.sys, s->m[i]));
		s->holes = false;
	}
	for (uint64_t k = 0; k < reps; k++) {
		struct vcm_mem *extra;

		ns += cont_fill_pages(s);
		/* full now: one more page is refused */
		if (vcm_alloc_cont(s->r.sys, 0, PAGE, 0, &extra) != -ENOMEM)
			die("vcm_alloc_cont past a full memtype", 0, s->r.sys);
		for (uint64_t i = 0; i < s->n; i++)
			TRY(s->r.sys, vcm_free_phys(s->r.sys, s->m[i]));
	}
	*calls = reps * s->n;
	return ns;
}

static uint64_t cont_refused(void *p, uint64_t reps, uint64_t *calls)
{
	struct cont_st *s = p;
	struct vcm_mem *m;
	uint64_t t0;

	if (!s->holes) {
		cont_fill_pages(s);
		for (uint64_t i = 0; i < s->n; i += 2)
			TRY(s->r.sys, vcm_free_phys(s->r.sys, s->m[i]));
		s->holes = true;
	}
	t0 = cpu_ns();
	for (uint64_t k = 0; k < reps; k++) {
		int ret = vcm_alloc_cont(s->r.sys, 0, 2 * PAGE, 0, &m);

		if (ret != -ENOMEM)
			die("vcm_alloc_cont(8 KiB) on every other page (expected -ENOMEM)", ret,
			    s->r.sys);
	}
	*calls = reps;
	return cpu_ns() - t0;
}

/* ---- 3. back + unback with n devices associated, one active --------------- */

struct fan_st {
	struct rig r;
	struct vcm_dev **d;
	struct vcm_avcm **a;
	struct vcm *v;
	struct vcm_res *res;
	struct vcm_mem *m;
	uint64_t n;
};

static void *fan_setup(uint64_t n)
{
	struct fan_st *s = xcalloc(1, sizeof(*s));

	s->n = n;
	rig_init(&s->r, 8 * MB, 8 * MB);
	s->d = xcalloc(n, sizeof(*s->d));
	s->a = xcalloc(n, sizeof(*s->a));
	TRY(s->r.sys, vcm_create(s->r.sys, 0, UINT64_C(1) << 32, &s->v));
	for (uint64_t i = 0; i < n; i++) {
		s->d[i] = add_dev(&s->r, "d", i, &vcm_mapper_pt, &g_armv8);
		TRY(s->r.sys, vcm_assoc(s->v, s->d[i], 0, &s->a[i]));
	}
	TRY(s->r.sys, vcm_activate(s->a[0]));
	TRY(s->r.sys, vcm_alloc(s->r.sys, 0, PAGE, VCM_PHYS_4KB, &s->m));
	TRY(s->r.sys, vcm_reserve(s->v, PAGE, 0, PROT, &s->res));
	return s;
}

static void fan_teardown(void *p)
{
	struct fan_st *s = p;
	struct vcm_sys *sys = s->r.sys;

	TRY(sys, vcm_unreserve(s->res));
	TRY(sys, vcm_free_phys(sys, s->m));
	TRY(sys, vcm_deactivate(s->a[0]));
	for (uint64_t i = s->n; i-- > 0;) {
		TRY(sys, vcm_deassoc(s->a[i]));
		TRY(sys, vcm_dev_unregister(s->d[i]));
	}
	TRY(sys, vcm_free(s->v));
	rig_fini(&s->r);
	free(s->d);
	free(s->a);
	free(s);
}

static uint64_t fan_back(void *p, uint64_t reps, uint64_t *calls)
{
	struct fan_st *s = p;
	uint64_t t0 = cpu_ns();

	for (uint64_t k = 0; k < reps; k++) {
		TRY(s->r.sys, vcm_back(s->res, s->m));
		TRY(s->r.sys, vcm_unback(s->res));
	}
	*calls = reps;
	return cpu_ns() - t0;
}

/* ---- 4. migrate 64 KiB under a 64 KiB granule, n blocks used -------------- */

struct mig_st {
	struct rig r;
	struct vcm_dev *d;
	struct vcm_avcm *a;
	struct vcm *v;
	struct vcm_res *res;
	struct vcm_mem *m, **used;
	uint64_t n;
};

static void *mig_setup(uint64_t n)
{
	static const struct vcm_pt_cfg g64 = { .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40,
					       .granule_lg2 = 16 };
	struct mig_st *s = xcalloc(1, sizeof(*s));

	s->n = n;
	rig_init(&s->r, 16 * MB, round_up(n * PAGE, 2 * MB) + 16 * MB);
	s->d = add_dev(&s->r, "g64k", 0, &vcm_mapper_pt, &g64);
	TRY(s->r.sys, vcm_create(s->r.sys, 0, UINT64_C(1) << 32, &s->v));
	TRY(s->r.sys, vcm_assoc(s->v, s->d, 0, &s->a));
	TRY(s->r.sys, vcm_activate(s->a));
	s->used = alloc_pages(&s->r, n);
	TRY(s->r.sys, vcm_alloc(s->r.sys, 0, 64 * KB, VCM_PHYS_ALL, &s->m));
	TRY(s->r.sys, vcm_reserve(s->v, 64 * KB, 64 * KB, PROT, &s->res));
	TRY(s->r.sys, vcm_back(s->res, s->m));
	return s;
}

static void mig_teardown(void *p)
{
	struct mig_st *s = p;
	struct vcm_sys *sys = s->r.sys;

	TRY(sys, vcm_unback(s->res));
	TRY(sys, vcm_unreserve(s->res));
	TRY(sys, vcm_free_phys(sys, s->m));
	free_pages(&s->r, s->used, s->n);
	TRY(sys, vcm_deactivate(s->a));
	TRY(sys, vcm_deassoc(s->a));
	TRY(sys, vcm_free(s->v));
	TRY(sys, vcm_dev_unregister(s->d));
	rig_fini(&s->r);
	free(s);
}

static uint64_t mig_run(void *p, uint64_t reps, uint64_t *calls)
{
	struct mig_st *s = p;
	uint64_t t0 = cpu_ns();

	for (uint64_t k = 0; k < reps; k++)
		TRY(s->r.sys, vcm_migrate(s->r.sys, s->m));
	*calls = reps;
	return cpu_ns() - t0;
}

/* ---- 5. a guest's table arena over a host with n allocations -------------- */

struct nest_st {
	struct rig r;
	struct vcm_dev *d;
	struct vcm_avcm *a;
	struct vcm *host;
	struct vcm_res *res;
	struct vcm_mem *tables, **used;
	struct vcm_nest_plat np;
	uint64_t n;
};

static void *nest_setup(uint64_t n)
{
	struct nest_st *s = xcalloc(1, sizeof(*s));

	s->n = n;
	rig_init(&s->r, 8 * MB, round_up(n * PAGE, 2 * MB) + 8 * MB);
	s->d = add_dev(&s->r, "smmu", 0, &vcm_mapper_pt, &g_armv8);
	TRY(s->r.sys, vcm_create(s->r.sys, 0, UINT64_C(1) << 32, &s->host));
	TRY(s->r.sys, vcm_assoc(s->host, s->d, 0, &s->a));
	TRY(s->r.sys, vcm_activate(s->a));
	TRY(s->r.sys, vcm_reserve(s->host, 64 * KB, 0, PROT, &s->res));
	TRY(s->r.sys, vcm_alloc_cont(s->r.sys, 0, 64 * KB, 0, &s->tables));
	TRY(s->r.sys, vcm_back(s->res, s->tables));
	s->used = alloc_pages(&s->r, n);
	return s;
}

static void nest_teardown(void *p)
{
	struct nest_st *s = p;
	struct vcm_sys *sys = s->r.sys;

	free_pages(&s->r, s->used, s->n);
	TRY(sys, vcm_unback(s->res));
	TRY(sys, vcm_unreserve(s->res));
	TRY(sys, vcm_free_phys(sys, s->tables));
	TRY(sys, vcm_deactivate(s->a));
	TRY(sys, vcm_deassoc(s->a));
	TRY(sys, vcm_free(s->host));
	TRY(sys, vcm_dev_unregister(s->d));
	rig_fini(&s->r);
	free(s);
}

static uint64_t nest_run(void *p, uint64_t reps, uint64_t *calls)
{
	struct nest_st *s = p;
	uint64_t t0 = cpu_ns();

	for (uint64_t k = 0; k < reps; k++) {
		TRY(s->r.sys, vcm_nest_plat_init(&s->np, s->res));
		TRY(s->r.sys, vcm_nest_plat_fini(&s->np));
	}
	*calls = reps;
	return cpu_ns() - t0;
}

/* ---- 6. translate between two of n VCMs sharing one page ------------------ */

struct share_st {
	struct rig r;
	struct vcm_dev **d;
	struct vcm_avcm **a;
	struct vcm **v;
	struct vcm_res **res;
	struct vcm_mem *m;
	vcm_pa_t pa;
	uint64_t n;
};

static void *share_setup(uint64_t n)
{
	struct share_st *s = xcalloc(1, sizeof(*s));
	uint64_t iter = 0, len;

	s->n = n;
	rig_init(&s->r, 2 * MB, 2 * MB);
	s->d = xcalloc(n, sizeof(*s->d));
	s->a = xcalloc(n, sizeof(*s->a));
	s->v = xcalloc(n, sizeof(*s->v));
	s->res = xcalloc(n, sizeof(*s->res));
	TRY(s->r.sys, vcm_alloc(s->r.sys, 0, PAGE, VCM_PHYS_4KB, &s->m));
	TRY(s->r.sys, vcm_mem_next_chunk(s->m, &iter, &s->pa, &len));
	for (uint64_t i = 0; i < n; i++) {
		/* devices with no MMU: one each, so each VCM has one active */
		s->d[i] = add_dev(&s->r, "o", i, &vcm_mapper_one_to_one, NULL);
		TRY(s->r.sys, vcm_create_one_to_one(s->r.sys, s->r.base, 2 * MB, &s->v[i]));
		TRY(s->r.sys, vcm_assoc(s->v[i], s->d[i], 0, &s->a[i]));
		TRY(s->r.sys, vcm_activate(s->a[i]));
		TRY(s->r.sys, vcm_reserve_at(s->v[i], s->pa, PAGE, PROT, &s->res[i]));
		TRY(s->r.sys, vcm_back(s->res[i], s->m));
	}
	return s;
}

static void share_teardown(void *p)
{
	struct share_st *s = p;
	struct vcm_sys *sys = s->r.sys;

	for (uint64_t i = s->n; i-- > 0;) {
		TRY(sys, vcm_unback(s->res[i]));
		TRY(sys, vcm_unreserve(s->res[i]));
		TRY(sys, vcm_deactivate(s->a[i]));
		TRY(sys, vcm_deassoc(s->a[i]));
		TRY(sys, vcm_free(s->v[i]));
		TRY(sys, vcm_dev_unregister(s->d[i]));
	}
	TRY(sys, vcm_free_phys(sys, s->m));
	rig_fini(&s->r);
	free(s->d);
	free(s->a);
	free(s->v);
	free(s->res);
	free(s);
}

static uint64_t share_translate(struct share_st *s, struct vcm *from, struct vcm *to,
				uint64_t reps)
{
	uint64_t t0 = cpu_ns(), t1;
	vcm_da_t da = 0;

	for (uint64_t k = 0; k < reps; k++)
		TRY(s->r.sys, vcm_translate(from, s->pa + 64U, to, &da));
	t1 = cpu_ns();
	if (da != s->pa + 64U)
		die("vcm_translate: a one-to-one VCM answered another address", -1, s->r.sys);
	return t1 - t0;
}

static uint64_t share_fwd(void *p, uint64_t reps, uint64_t *calls)
{
	struct share_st *s = p;

	*calls = reps;
	return share_translate(s, s->v[0], s->v[s->n - 1U], reps);
}

static uint64_t share_rev(void *p, uint64_t reps, uint64_t *calls)
{
	struct share_st *s = p;

	*calls = reps;
	return share_translate(s, s->v[s->n - 1U], s->v[0], reps);
}

/* ---- 7. walking past bounds ----------------------------------------------- */

struct bounds_st {
	struct rig r;
	struct vcm *v_next, *v_drain;
	struct vcm_res *first, *last; /* in v_next, around n empty bounds */
	struct vcm_bound **empty, **full; /* full: one reservation each, in v_drain */
	uint64_t n;
};

static void *bounds_setup(uint64_t n)
{
	struct bounds_st *s = xcalloc(1, sizeof(*s));
	struct vcm_sys *sys;
	struct vcm_res *res;

	s->n = n;
	rig_init(&s->r, 2 * MB, 2 * MB);
	sys = s->r.sys;
	s->empty = xcalloc(n, sizeof(*s->empty));
	s->full = xcalloc(n, sizeof(*s->full));
	TRY(sys, vcm_create(sys, 0, UINT64_C(1) << 40, &s->v_next));
	TRY(sys, vcm_reserve(s->v_next, PAGE, 0, PROT, &s->first));
	for (uint64_t i = 0; i < n; i++)
		TRY(sys, vcm_create_bound(s->v_next, PAGE, &s->empty[i]));
	TRY(sys, vcm_reserve(s->v_next, PAGE, 0, PROT, &s->last));
	TRY(sys, vcm_create(sys, 0, UINT64_C(1) << 40, &s->v_drain));
	for (uint64_t i = 0; i < n; i++)
		TRY(sys, vcm_create_bound(s->v_drain, PAGE, &s->full[i]));
	for (uint64_t i = 0; i < n; i++)
		TRY(sys, vcm_reserve_from_bound(s->full[i], PAGE, 0, PROT, &res));
	return s;
}

static void bounds_teardown(void *p)
{
	struct bounds_st *s = p;
	struct vcm_sys *sys = s->r.sys;
	struct vcm_res *res;

	while ((res = vcm_get_next_res(s->v_drain, NULL)) != NULL)
		TRY(sys, vcm_unreserve(res));
	for (uint64_t i = 0; i < s->n; i++) {
		TRY(sys, vcm_free_bound(s->empty[i]));
		TRY(sys, vcm_free_bound(s->full[i]));
	}
	TRY(sys, vcm_unreserve(s->first));
	TRY(sys, vcm_unreserve(s->last));
	TRY(sys, vcm_free(s->v_next));
	TRY(sys, vcm_free(s->v_drain));
	rig_fini(&s->r);
	free(s->empty);
	free(s->full);
	free(s);
}

static uint64_t bounds_next(void *p, uint64_t reps, uint64_t *calls)
{
	struct bounds_st *s = p;
	uint64_t t0 = cpu_ns();

	for (uint64_t k = 0; k < reps; k++)
		if (vcm_get_next_res(s->v_next, s->first) != s->last)
			die("vcm_get_next_res past the empty bounds", -1, s->r.sys);
	*calls = reps;
	return cpu_ns() - t0;
}

static uint64_t bounds_drain(void *p, uint64_t reps, uint64_t *calls)
{
	struct bounds_st *s = p;
	struct vcm_sys *sys = s->r.sys;
	uint64_t ns = 0;

	for (uint64_t k = 0; k < reps; k++) {
		uint64_t t0 = cpu_ns(), t1, steps = 0;
		struct vcm_res *res;

		while ((res = vcm_get_next_res(s->v_drain, NULL)) != NULL) {
			TRY(sys, vcm_unreserve(res));
			steps++;
		}
		t1 = cpu_ns();
		if (steps != s->n)
			die("the drain loop met another number of reservations", -1, sys);
		ns += t1 - t0;
		for (uint64_t i = 0; i < s->n; i++)
			TRY(sys, vcm_reserve_from_bound(s->full[i], PAGE, 0, PROT, &res));
	}
	*calls = reps * s->n;
	return ns;
}

/* ---- 8. the association lookup in a k x k grid ---------------------------- */

struct grid_st {
	struct rig r;
	struct vcm_dev **d;
	struct vcm **v;
	struct vcm_avcm **a;
	uint64_t k;
};

static uint64_t grid_k(uint64_t n)
{
	uint64_t k = 1;

	while ((k + 1U) * (k + 1U) <= n)
		k++;
	return (k + 1U) * (k + 1U) - n < n - k * k ? k + 1U : k; /* the nearest */
}

static void *grid_setup(uint64_t n)
{
	struct grid_st *s = xcalloc(1, sizeof(*s));
	const uint64_t k = grid_k(n);

	s->k = k;
	/* one table per VCM (the k devices share its configuration) */
	rig_init(&s->r, 16 * MB, 2 * MB);
	s->d = xcalloc(k, sizeof(*s->d));
	s->v = xcalloc(k, sizeof(*s->v));
	s->a = xcalloc(k * k, sizeof(*s->a));
	for (uint64_t i = 0; i < k; i++)
		s->d[i] = add_dev(&s->r, "d", i, &vcm_mapper_pt, &g_armv8);
	for (uint64_t i = 0; i < k; i++)
		TRY(s->r.sys, vcm_create(s->r.sys, 0, UINT64_C(1) << 32, &s->v[i]));
	for (uint64_t i = 0; i < k; i++)
		for (uint64_t j = 0; j < k; j++)
			TRY(s->r.sys, vcm_assoc(s->v[i], s->d[j], 0, &s->a[i * k + j]));
	return s;
}

static void grid_teardown(void *p)
{
	struct grid_st *s = p;
	struct vcm_sys *sys = s->r.sys;

	for (uint64_t i = s->k * s->k; i-- > 0;)
		TRY(sys, vcm_deassoc(s->a[i]));
	for (uint64_t i = 0; i < s->k; i++) {
		TRY(sys, vcm_free(s->v[i]));
		TRY(sys, vcm_dev_unregister(s->d[i]));
	}
	rig_fini(&s->r);
	free(s->d);
	free(s->v);
	free(s->a);
	free(s);
}

static uint64_t grid_lookup(void *p, uint64_t reps, uint64_t *calls)
{
	struct grid_st *s = p;
	uint64_t t0 = cpu_ns(), t1;
	vcm_pa_t pa = 0;

	for (uint64_t k = 0; k < reps; k++)
		TRY(s->r.sys, vcm_get_pgtbl_pa(s->v[s->k - 1U], s->d[s->k - 1U], &pa));
	t1 = cpu_ns();
	if (pa == 0)
		die("vcm_get_pgtbl_pa: no table address", -1, s->r.sys);
	*calls = reps;
	return t1 - t0;
}

/* ---- the table ------------------------------------------------------------ */

struct row {
	const char *name;
	const char *call;
	/* Time @reps repeats; *@calls receives how many calls that was. */
	uint64_t (*run)(void *st, uint64_t reps, uint64_t *calls);
};

struct shape {
	void *(*setup)(uint64_t n);
	void (*teardown)(void *st);
	uint64_t n_max; /* 0: every n */
	const char *why; /* why n stops at n_max */
	struct row rows[2];
};

static const struct shape g_shapes[] = {
	{ dma_setup, dma_teardown, 0, NULL,
	  { { "dma-disjoint", "vcm_sim_dma_copy (n x 64 B, disjoint)", dma_disjoint },
	    { "dma-interleaved", "vcm_sim_dma_copy (n x 64 B, interleaved)",
	      dma_interleaved } } },
	{ cont_setup, cont_teardown, 0, NULL,
	  { { "cont-fill", "vcm_alloc_cont 4 KiB, filling n pages", cont_fill },
	    { "cont-refused", "vcm_alloc_cont 8 KiB, every other page", cont_refused } } },
	{ fan_setup, fan_teardown, 0, NULL,
	  { { "fanout-back", "vcm_back + vcm_unback, n assoc, 1 active", fan_back } } },
	{ mig_setup, mig_teardown, 0, NULL,
	  { { "migrate-64k", "vcm_migrate 64 KiB, 64K granule, n used", mig_run } } },
	{ nest_setup, nest_teardown, 0, NULL,
	  { { "nest-init", "vcm_nest_plat_init + _fini, n allocs", nest_run } } },
	{ share_setup, share_teardown, 0, NULL,
	  { { "translate-fwd", "vcm_translate first -> last of n VCMs", share_fwd },
	    { "translate-rev", "vcm_translate last -> first of n VCMs", share_rev } } },
	{ bounds_setup, bounds_teardown, 0, NULL,
	  { { "bounds-next", "vcm_get_next_res past n empty bounds", bounds_next },
	    { "bounds-drain", "get_next_res(NULL) + unreserve, n bounds", bounds_drain } } },
	{ grid_setup, grid_teardown, 0, NULL,
	  { { "assoc-lookup", "vcm_get_pgtbl_pa, last of k x k assoc", grid_lookup } } },
};

#define NR_SHAPES (sizeof(g_shapes) / sizeof(g_shapes[0]))
#define ROW_FMT "%-16s  %-41s"

/* ns per call of @row: the median of 3 runs of at least TARGET_NS each. */
static double measure(const struct row *row, void *st)
{
	double per[3], t;
	uint64_t reps = 1;

	for (unsigned int i = 0; i < 3; i++) {
		uint64_t ns, calls;

		for (;;) {
			ns = row->run(st, reps, &calls);
			if (ns >= TARGET_NS)
				break;
			/* aim 25% past the target, at most 100x more at once */
			if (ns == 0 || ns < TARGET_NS / 100U)
				reps *= 100U;
			else
				reps = reps * (TARGET_NS + TARGET_NS / 4U) / ns + 1U;
		}
		per[i] = bench_ns_per(0, ns, calls);
	}
	/* median of three */
	if (per[0] > per[1]) {
		t = per[0];
		per[0] = per[1];
		per[1] = t;
	}
	if (per[1] > per[2])
		per[1] = per[2];
	return per[0] > per[1] ? per[0] : per[1];
}

static void print_ns(char *buf, size_t size, double ns)
{
	if (ns < 10.0)
		snprintf(buf, size, "%.2f", ns);
	else if (ns < 1000.0)
		snprintf(buf, size, "%.1f", ns);
	else
		snprintf(buf, size, "%.0f", ns);
}

static bool row_selected(const struct row *row, const char *only)
{
	return row->name != NULL && (only == NULL || strcmp(only, row->name) == 0);
}

static void usage(const char *prog)
{
	fprintf(stderr, "usage: %s [--quick] [--only NAME]\nNAME:", prog);
	for (size_t s = 0; s < NR_SHAPES; s++)
		for (unsigned int i = 0; i < 2; i++)
			if (g_shapes[s].rows[i].name != NULL)
				fprintf(stderr, " %s", g_shapes[s].rows[i].name);
	fputc('\n', stderr);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	unsigned int nr_sizes = NR_SIZES;
	bool known = false, capped = false;
	char cols[200], note[400];
	uint64_t t_start = bench_now_ns();

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			nr_sizes = 2;
		else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
			only = argv[++i];
		else
			usage(argv[0]);
	}
	for (size_t s = 0; s < NR_SHAPES; s++)
		for (unsigned int i = 0; i < 2; i++)
			known |= row_selected(&g_shapes[s].rows[i], only);
	if (!known)
		usage(argv[0]);

	printf("bench_worst%s\n\n", nr_sizes < NR_SIZES ? " --quick (n = 1,000 and 10,000 only)" : "");
	snprintf(note, sizeof(note),
		 "ns per call: process CPU time, median of 3 runs of >= %llu ms each.\n"
		 "growth: ns per call at the largest n / at n = 1,000 (per call: an O(log n) call "
		 "stays near 1-2x,\na linear one shows ~n_max/1,000x); * = a smaller largest n "
		 "(notes below).",
		 (unsigned long long)(TARGET_NS / 1000000U));
	snprintf(cols, sizeof(cols), ROW_FMT, "shape", "call");
	for (unsigned int j = 0; j < nr_sizes; j++)
		snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "  %11s",
			 j == 0 ? "n=1,000" : j == 1 ? "n=10,000" : "n=100,000");
	snprintf(cols + strlen(cols), sizeof(cols) - strlen(cols), "  %8s", "growth");
	bench_head("Worst-case input shapes of the cost review", note, cols);

	for (size_t s = 0; s < NR_SHAPES; s++) {
		const struct shape *sh = &g_shapes[s];
		double per[2][NR_SIZES] = { { 0 } };
		unsigned int last = 0;

		if (!row_selected(&sh->rows[0], only) && !row_selected(&sh->rows[1], only))
			continue;
		for (unsigned int j = 0; j < nr_sizes; j++) {
			void *st;

			if (sh->n_max != 0U && g_sizes[j] > sh->n_max)
				break;
			st = sh->setup(g_sizes[j]);
			for (unsigned int i = 0; i < 2; i++)
				if (row_selected(&sh->rows[i], only))
					per[i][j] = measure(&sh->rows[i], st);
			sh->teardown(st);
			last = j;
		}
		for (unsigned int i = 0; i < 2; i++) {
			char line[300], num[32];
			bool star = last + 1U < nr_sizes;

			if (!row_selected(&sh->rows[i], only))
				continue;
			snprintf(line, sizeof(line), ROW_FMT, sh->rows[i].name, sh->rows[i].call);
			for (unsigned int j = 0; j < nr_sizes; j++) {
				if (j <= last)
					print_ns(num, sizeof(num), per[i][j]);
				else
					snprintf(num, sizeof(num), "-");
				snprintf(line + strlen(line), sizeof(line) - strlen(line), "  %11s",
					 num);
			}
			snprintf(line + strlen(line), sizeof(line) - strlen(line), "  %7.1fx%s",
				 bench_ratio(per[i][last], per[i][0]), star ? "*" : "");
			capped |= star;
			bench_row("%s", line);
		}
		fflush(stdout);
	}

	printf("\nnotes:\n");
	printf("  dma-*: a call moves n x 64 bytes, so ~n_max/1,000x growth is its floor;\n"
	       "    per element = ns per call / n.\n");
	printf("  cont-fill, bounds-drain: the mean call over a fill (or a drain) of all n;\n"
	       "    what is set up again between runs is not timed.\n");
	printf("  assoc-lookup: n = k x k with k = %llu, %llu, %llu.\n",
	       (unsigned long long)grid_k(g_sizes[0]), (unsigned long long)grid_k(g_sizes[1]),
	       (unsigned long long)grid_k(g_sizes[2]));
	if (capped)
		for (size_t s = 0; s < NR_SHAPES; s++)
			if (g_shapes[s].n_max != 0U && g_shapes[s].n_max < g_sizes[nr_sizes - 1U])
				printf("  %s: n up to %llu only: %s\n", g_shapes[s].rows[0].name,
				       (unsigned long long)g_shapes[s].n_max, g_shapes[s].why);
	printf("  wall time: %.1f s\n", (double)(bench_now_ns() - t_start) / 1e9);
	return 0;
}
