// SPDX-License-Identifier: MIT
/*
 * bench_graph: the mapping graph against what a caller without it would do,
 * measured in one run and printed as ratios.
 *
 * 1. Back + unback 16 MB into 1, 2 and 4 associated tables of different
 *    formats (armv7s, armv8 4K stage 1, armv8 4K stage 2, armv8 48-bit), from
 *    scattered 4 KB-only chunks (every other page of the memtype taken first)
 *    and from mixed 1M/64K/4K chunks, against the same maps made by
 *    one vcm_pt_map() (and one vcm_pt_unmap()) per 4 KB page in tables of the
 *    same formats: the loop the 2010 thread described.
 * 2. A SoC with 100 IOMMU devices of those four formats: one 4 MB buffer
 *    backed for all of them through one VCM (devices of one format share a
 *    table: four tables) and through one VCM per device (a table each): time
 *    of the backs and unbacks, and table memory.
 * 3. Reverse map at 100k backed reservations: who maps this physical page,
 *    through vcm_get_next_phys_res(), against a linear scan of every
 *    reservation and its chunks.
 * 4. Migrate 16 MB backed in two tables (copy, remap, free) against a plain
 *    memcpy of 16 MB.
 *
 * Usage: bench_graph [--quick] (--quick: small sizes, one repeat; a smoke test)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include "../common/bench.h"
#define GRAPH_BENCH_NAME "bench_graph"
#include "graph_bench.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define PAGE (4 * KB)
#define MEM_PA UINT64_C(0x80000000)
#define PROT (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

static bool g_quick;

/* ---- a rig: hosted memory, a system on it, table bytes counted ----------- */

struct rig {
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *real;
	struct vcm_plat_ops plat;
	struct vcm_sys *sys;
	uint64_t table_bytes;
};

static int count_table_alloc(void *ctx, uint64_t size, uint64_t align, vcm_pa_t *pa, void **cpu)
{
	struct rig *r = ctx;
	int ret = r->real->table_alloc(r->real->ctx, size, align, pa, cpu);

	if (ret == 0)
		r->table_bytes += size;
	return ret;
}

static void count_table_free(void *ctx, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct rig *r = ctx;

	r->table_bytes -= size;
	r->real->table_free(r->real->ctx, pa, cpu, size);
}

static void *fwd_pa_to_cpu(void *ctx, vcm_pa_t pa)
{
	struct rig *r = ctx;

	return r->real->pa_to_cpu(r->real->ctx, pa);
}

static void *fwd_meta_alloc(void *ctx, size_t size)
{
	struct rig *r = ctx;

	return r->real->meta_alloc(r->real->ctx, size);
}

static void fwd_meta_free(void *ctx, void *p, size_t size)
{
	struct rig *r = ctx;

	r->real->meta_free(r->real->ctx, p, size);
}

static void rig_init(struct rig *r, uint64_t len, uint64_t table_bytes)
{
	struct vcm_diag diag = { 0 };
	struct vcm_phys_range range;
	struct vcm_phys_memtype_cfg mt = { .ranges = &range, .nr_ranges = 1 };
	struct vcm_sys_cfg cfg = { .plat = &r->plat, .memtypes = &mt, .nr_memtypes = 1 };

	memset(r, 0, sizeof(*r));
	if (vcm_hosted_mem_create(MEM_PA, len, table_bytes, &r->mem, &diag) != 0) {
		fprintf(stderr, "bench_graph: hosted memory: %s\n", diag.msg);
		exit(1);
	}
	r->real = vcm_hosted_mem_plat(r->mem);
	r->plat = (struct vcm_plat_ops){ .ctx = r, .table_alloc = count_table_alloc,
					 .table_free = count_table_free,
					 .pa_to_cpu = fwd_pa_to_cpu, .meta_alloc = fwd_meta_alloc,
					 .meta_free = fwd_meta_free };
	vcm_hosted_mem_free_range(r->mem, &range.pa, &range.len);
	if (vcm_sys_create(&cfg, &r->sys, &diag) != 0) {
		fprintf(stderr, "bench_graph: system: %s\n", diag.msg);
		exit(1);
	}
}

static void rig_fini(struct rig *r)
{
	TRY(r->sys, vcm_sys_destroy(r->sys));
	TRY(NULL, vcm_hosted_mem_destroy(r->mem));
}

/* The four table configurations: distinct, so none shares with another. */
static struct vcm_pt_cfg fmt_cfg(unsigned int i)
{
	switch (i % 4U) {
	case 0:
		return (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv7s };
	case 1:
		return (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40 };
	case 2:
		return (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8, .ias = 40, .oas = 40,
					    .flags = VCM_PT_CFG_STAGE2 };
	default:
		return (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8, .ias = 48, .oas = 40 };
	}
}

static const char *const fmt_name[4] = { "armv7s", "armv8 s1", "armv8 s2", "armv8 48b" };

static struct vcm_dev *add_dev(struct rig *r, const char *name, unsigned int fmt)
{
	struct vcm_pt_cfg pt = fmt_cfg(fmt);
	struct vcm_dev_cfg cfg = { .name = name, .mapper = &vcm_mapper_pt, .mapper_cfg = &pt,
				   .nr_bases = 1 };
	struct vcm_dev *d;

	TRY(r->sys, vcm_dev_register(r->sys, &cfg, &d));
	return d;
}

static struct vcm_avcm *assoc_active(struct rig *r, struct vcm *v, struct vcm_dev *d)
{
	struct vcm_avcm *a;

	TRY(r->sys, vcm_assoc(v, d, 0, &a));
	TRY(r->sys, vcm_activate(a));
	return a;
}

static void unassoc(struct rig *r, struct vcm_avcm *a)
{
	TRY(r->sys, vcm_deactivate(a));
	TRY(r->sys, vcm_deassoc(a));
}

static uint64_t nr_chunks_extents(const struct vcm_mem *m, uint64_t *extents)
{
	uint64_t iter = 0, n = 0, len;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(m, &iter, &pa, &len) == 0)
		n++;
	iter = 0;
	*extents = 0;
	while (vcm_mem_next_extent(m, &iter, &pa, &len) == 0)
		(*extents)++;
	return n;
}

/* ---- 1. back + unback against a per-page loop ---------------------------- */

/* One vcm_pt_map() per 4 KB page of @m at @da, then one vcm_pt_unmap() per page. */
static void per_page(struct vcm_pt **pts, unsigned int n, vcm_da_t da, const struct vcm_mem *m)
{
	uint64_t iter = 0, len, off = 0;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(m, &iter, &pa, &len) == 0) {
		for (uint64_t o = 0; o < len; o += PAGE)
			for (unsigned int t = 0; t < n; t++)
				if (vcm_pt_map(pts[t], da + off + o, pa + o, PAGE, PROT) != 0)
					die("vcm_pt_map", -1, NULL);
		off += len;
	}
	for (uint64_t o = 0; o < off; o += PAGE)
		for (unsigned int t = 0; t < n; t++)
			if (vcm_pt_unmap(pts[t], da + o, PAGE, NULL) != 0)
				die("vcm_pt_unmap", -1, NULL);
}

static void bench_back(unsigned int reps)
{
	const uint64_t buf_len = g_quick ? 2 * MB : 16 * MB;
	static const char *const dev_name[4] = { "t0", "t1", "t2", "t3" };
	struct rig r;
	struct vcm_dev *devs[4];
	char note[160];

	rig_init(&r, 128 * MB, 32 * MB);
	for (unsigned int i = 0; i < 4; i++)
		devs[i] = add_dev(&r, dev_name[i], i);
	/*
	 * Fresh memory hands out 4 KB pages that follow each other, which the
	 * graph maps as one extent. Punch holes first (every other page of a
	 * region free), so 4 KB-only means scattered pages, as on a busy system.
	 */
	const uint64_t nr_holes = 2 * buf_len / PAGE;
	struct vcm_mem **holes = calloc((size_t)nr_holes, sizeof(*holes));

	if (holes == NULL)
		die("calloc", -ENOMEM, NULL);
	for (uint64_t i = 0; i < nr_holes; i++)
		TRY(r.sys, vcm_alloc(r.sys, 0, PAGE, VCM_PHYS_4KB, &holes[i]));
	for (uint64_t i = 0; i < nr_holes; i += 2)
		TRY(r.sys, vcm_free_phys(r.sys, holes[i]));
	snprintf(note, sizeof(note),
		 "%llu MB buffer; graph: vcm_back + vcm_unback (extents whole); baseline: "
		 "vcm_pt_map + vcm_pt_unmap per 4 KB page; best of %u",
		 (unsigned long long)(buf_len / MB), reps);
	bench_head("1. back + unback into N tables", note,
		   "tables  chunks   chunks  extents   graph ms   per-page ms   per-page / graph");
	for (unsigned int n = 1; n <= 4; n *= 2) {
		for (unsigned int mixed = 0; mixed < 2; mixed++) {
			struct vcm *v;
			struct vcm_avcm *as[4];
			struct vcm_res *res;
			struct vcm_mem *m;
			struct vcm_pt *pts[4];
			uint64_t best_g = UINT64_MAX, best_p = UINT64_MAX, extents, chunks;

			TRY(r.sys, vcm_create(r.sys, 64 * MB, 64 * MB, &v));
			for (unsigned int t = 0; t < n; t++)
				as[t] = assoc_active(&r, v, devs[t]);
			TRY(r.sys, vcm_reserve(v, buf_len, 16 * MB, PROT, &res));
			TRY(r.sys, vcm_alloc(r.sys, 0, buf_len, mixed ? 0 : VCM_PHYS_4KB, &m));
			chunks = nr_chunks_extents(m, &extents);
			for (unsigned int t = 0; t < n; t++) {
				struct vcm_pt_cfg cfg = fmt_cfg(t);

				cfg.plat = &r.plat;
				TRY(r.sys, vcm_pt_create(&cfg, &pts[t], NULL));
			}
			for (unsigned int k = 0; k < reps; k++) {
				uint64_t t0 = bench_now_ns(), t1, t2;

				TRY(r.sys, vcm_back(res, m));
				TRY(r.sys, vcm_unback(res));
				t1 = bench_now_ns();
				per_page(pts, n, vcm_get_dev_addr(res), m);
				t2 = bench_now_ns();
				if (t1 - t0 < best_g)
					best_g = t1 - t0;
				if (t2 - t1 < best_p)
					best_p = t2 - t1;
			}
			bench_row("%6u  %-6s %7llu  %7llu  %9.3f  %12.3f  %17.1f", n,
				  mixed ? "mixed" : "4K sc", (unsigned long long)chunks,
				  (unsigned long long)extents, best_g / 1e6, best_p / 1e6,
				  bench_ratio((double)best_p, (double)best_g));
			for (unsigned int t = 0; t < n; t++) {
				vcm_pt_destroy(pts[t]);
				unassoc(&r, as[t]);
			}
			TRY(r.sys, vcm_unreserve(res));
			TRY(r.sys, vcm_free_phys(r.sys, m));
			TRY(r.sys, vcm_free(v));
		}
	}
	for (uint64_t i = 1; i < nr_holes; i += 2)
		TRY(r.sys, vcm_free_phys(r.sys, holes[i]));
	free(holes);
	for (unsigned int i = 0; i < 4; i++)
		TRY(r.sys, vcm_dev_unregister(devs[i]));
	rig_fini(&r);
	putchar('\n');
}

/* ---- 2. 100 devices: shared tables or one each --------------------------- */

static void bench_many(void)
{
	const unsigned int nr = g_quick ? 12 : 100;
	const uint64_t buf_len = g_quick ? 1 * MB : 4 * MB;
	struct vcm_dev **devs = calloc(nr, sizeof(*devs));
	struct vcm_avcm **as = calloc(nr, sizeof(*as));
	struct vcm **vs = calloc(nr, sizeof(*vs));
	struct vcm_res **res = calloc(nr, sizeof(*res));
	uint64_t base, t0, t1, t2, shared_back, shared_unback, shared_bytes;
	uint64_t own_back, own_unback, own_bytes;
	struct vcm_mem *m;
	struct rig r;
	char name[32], note[200];

	if (devs == NULL || as == NULL || vs == NULL || res == NULL)
		die("calloc", -ENOMEM, NULL);
	rig_init(&r, 128 * MB, 64 * MB);
	for (unsigned int i = 0; i < nr; i++) {
		snprintf(name, sizeof(name), "iommu%03u", i);
		devs[i] = add_dev(&r, name, i);
	}
	TRY(r.sys, vcm_alloc(r.sys, 0, buf_len, 0, &m));

	/* Shared: one VCM, every device associated; one table per format. */
	base = r.table_bytes;
	TRY(r.sys, vcm_create(r.sys, 64 * MB, 64 * MB, &vs[0]));
	for (unsigned int i = 0; i < nr; i++)
		as[i] = assoc_active(&r, vs[0], devs[i]);
	TRY(r.sys, vcm_reserve(vs[0], buf_len, 1 * MB, PROT, &res[0]));
	t0 = bench_now_ns();
	TRY(r.sys, vcm_back(res[0], m));
	t1 = bench_now_ns();
	shared_bytes = r.table_bytes - base;
	TRY(r.sys, vcm_unback(res[0]));
	t2 = bench_now_ns();
	shared_back = t1 - t0;
	shared_unback = t2 - t1;
	TRY(r.sys, vcm_unreserve(res[0]));
	for (unsigned int i = 0; i < nr; i++)
		unassoc(&r, as[i]);
	TRY(r.sys, vcm_free(vs[0]));

	/* One VCM (so one table) per device: the buffer backed nr times. */
	base = r.table_bytes;
	for (unsigned int i = 0; i < nr; i++) {
		TRY(r.sys, vcm_create(r.sys, 64 * MB, 64 * MB, &vs[i]));
		as[i] = assoc_active(&r, vs[i], devs[i]);
		TRY(r.sys, vcm_reserve(vs[i], buf_len, 1 * MB, PROT, &res[i]));
	}
	t0 = bench_now_ns();
	for (unsigned int i = 0; i < nr; i++)
		TRY(r.sys, vcm_back(res[i], m));
	t1 = bench_now_ns();
	own_bytes = r.table_bytes - base;
	for (unsigned int i = 0; i < nr; i++)
		TRY(r.sys, vcm_unback(res[i]));
	t2 = bench_now_ns();
	own_back = t1 - t0;
	own_unback = t2 - t1;
	for (unsigned int i = 0; i < nr; i++) {
		TRY(r.sys, vcm_unreserve(res[i]));
		unassoc(&r, as[i]);
		TRY(r.sys, vcm_free(vs[i]));
	}

	snprintf(note, sizeof(note),
		 "%u devices, formats %s / %s / %s / %s in turn; one %llu MB buffer (mixed chunks)",
		 nr, fmt_name[0], fmt_name[1], fmt_name[2], fmt_name[3],
		 (unsigned long long)(buf_len / MB));
	bench_head("2. one buffer for a SoC of IOMMUs", note,
		   "tables                 back ms   unback ms   table KB");
	bench_row("shared (4 formats)  %10.3f  %10.3f  %9.1f", shared_back / 1e6,
		  shared_unback / 1e6, shared_bytes / 1024.0);
	bench_row("one per device      %10.3f  %10.3f  %9.1f", own_back / 1e6, own_unback / 1e6,
		  own_bytes / 1024.0);
	bench_row("one each / shared   %10.1f  %10.1f  %9.1f",
		  bench_ratio((double)own_back, (double)shared_back),
		  bench_ratio((double)own_unback, (double)shared_unback),
		  bench_ratio((double)own_bytes, (double)shared_bytes));
	putchar('\n');
	TRY(r.sys, vcm_free_phys(r.sys, m));
	for (unsigned int i = 0; i < nr; i++)
		TRY(r.sys, vcm_dev_unregister(devs[i]));
	rig_fini(&r);
	free(devs);
	free(as);
	free(vs);
	free(res);
}

/* ---- 3. the reverse map against a linear scan ---------------------------- */

/* Who maps @pa, the way a caller without a reverse map finds out. */
static uint64_t scan_for(const struct vcm *v, vcm_pa_t pa)
{
	const struct vcm_res *res = NULL;
	uint64_t found = 0;

	while ((res = vcm_get_next_res(v, res)) != NULL) {
		const struct vcm_mem *m = vcm_get_physmem_from_res(res);
		uint64_t iter = 0, len;
		vcm_pa_t cpa;

		while (m != NULL && vcm_mem_next_chunk(m, &iter, &cpa, &len) == 0)
			if (pa >= cpa && pa - cpa < len)
				found++;
	}
	return found;
}

static void bench_rmap(void)
{
	const uint64_t nr = g_quick ? 2000 : 100000;
	const unsigned int queries = g_quick ? 200 : 20000, scans = g_quick ? 5 : 20;
	struct vcm_res **res = calloc(nr, sizeof(*res));
	struct vcm_mem **mem = calloc(nr, sizeof(*mem));
	vcm_pa_t *pas = calloc(nr, sizeof(*pas));
	uint64_t rng = 0x9e3779b97f4a7c15ULL, hits = 0, t0, t1, t2;
	struct vcm_dev *d;
	struct vcm_avcm *a;
	struct vcm *v;
	struct rig r;
	char note[160];

	if (res == NULL || mem == NULL || pas == NULL)
		die("calloc", -ENOMEM, NULL);
	rig_init(&r, (g_quick ? 64 : 576) * MB, (g_quick ? 16 : 64) * MB);
	d = add_dev(&r, "iommu", 1);
	TRY(r.sys, vcm_create(r.sys, 1ULL << 32, nr * PAGE * 2, &v));
	a = assoc_active(&r, v, d);
	for (uint64_t i = 0; i < nr; i++) {
		uint64_t iter = 0, len;

		TRY(r.sys, vcm_reserve(v, PAGE, PAGE, PROT, &res[i]));
		TRY(r.sys, vcm_alloc(r.sys, 0, PAGE, VCM_PHYS_4KB, &mem[i]));
		TRY(r.sys, vcm_back(res[i], mem[i]));
		TRY(r.sys, vcm_mem_next_chunk(mem[i], &iter, &pas[i], &len));
	}
	t0 = bench_now_ns();
	for (unsigned int q = 0; q < queries; q++) {
		const struct vcm_res *x = NULL;
		vcm_pa_t pa;
		vcm_da_t da;

		rng = rng * 6364136223846793005ULL + 1;
		pa = pas[(rng >> 17) % nr];
		hits += vcm_get_phys_num_res(r.sys, pa);
		while ((x = vcm_get_next_phys_res(r.sys, pa, x, &da)) != NULL)
			hits++;
	}
	t1 = bench_now_ns();
	for (unsigned int q = 0; q < scans; q++) {
		rng = rng * 6364136223846793005ULL + 1;
		hits += scan_for(v, pas[(rng >> 17) % nr]);
	}
	t2 = bench_now_ns();
	snprintf(note, sizeof(note), "%llu reservations, each backed by its own 4 KB page; "
		 "answers found: %llu", (unsigned long long)nr, (unsigned long long)hits);
	bench_head("3. who maps this page", note,
		   "method                      ns per query   scan / rmap");
	bench_row("vcm_get_next_phys_res  %17.0f  %12s", bench_ns_per(t0, t1, queries), "1");
	bench_row("linear scan            %17.0f  %12.0f", bench_ns_per(t1, t2, scans),
		  bench_ratio(bench_ns_per(t1, t2, scans), bench_ns_per(t0, t1, queries)));
	putchar('\n');
	for (uint64_t i = 0; i < nr; i++) {
		TRY(r.sys, vcm_unback(res[i]));
		TRY(r.sys, vcm_unreserve(res[i]));
		TRY(r.sys, vcm_free_phys(r.sys, mem[i]));
	}
	unassoc(&r, a);
	TRY(r.sys, vcm_free(v));
	TRY(r.sys, vcm_dev_unregister(d));
	rig_fini(&r);
	free(res);
	free(mem);
	free(pas);
}

/* ---- 4. migrate against memcpy ------------------------------------------- */

static void bench_migrate(unsigned int reps)
{
	const uint64_t len = g_quick ? 2 * MB : 16 * MB;
	uint8_t *a = malloc((size_t)len), *b = malloc((size_t)len);
	uint64_t best_m = UINT64_MAX, best_c = UINT64_MAX;
	struct vcm_dev *d0, *d1;
	struct vcm_avcm *a0, *a1;
	struct vcm_res *res;
	struct vcm_mem *m;
	struct vcm *v;
	struct rig r;
	char note[160];

	if (a == NULL || b == NULL)
		die("malloc", -ENOMEM, NULL);
	memset(a, 1, (size_t)len);
	memset(b, 2, (size_t)len);
	rig_init(&r, 128 * MB, 16 * MB);
	d0 = add_dev(&r, "vcodec", 0);
	d1 = add_dev(&r, "mdp", 1);
	TRY(r.sys, vcm_create(r.sys, 64 * MB, 64 * MB, &v));
	a0 = assoc_active(&r, v, d0);
	a1 = assoc_active(&r, v, d1);
	TRY(r.sys, vcm_reserve(v, len, 16 * MB, PROT, &res));
	TRY(r.sys, vcm_alloc(r.sys, 0, len, 0, &m));
	TRY(r.sys, vcm_back(res, m));
	for (unsigned int k = 0; k < reps; k++) {
		uint64_t t0 = bench_now_ns(), t1, t2;

		TRY(r.sys, vcm_migrate(r.sys, m));
		t1 = bench_now_ns();
		memcpy(k & 1U ? a : b, k & 1U ? b : a, (size_t)len);
		t2 = bench_now_ns();
		if (t1 - t0 < best_m)
			best_m = t1 - t0;
		if (t2 - t1 < best_c)
			best_c = t2 - t1;
	}
	snprintf(note, sizeof(note),
		 "%llu MB, mixed chunks, backed in an armv7s and an armv8 table; best of %u",
		 (unsigned long long)(len / MB), reps);
	bench_head("4. migrate", note, "operation                 ms   / memcpy");
	bench_row("vcm_migrate       %10.3f  %8.2f", best_m / 1e6,
		  bench_ratio((double)best_m, (double)best_c));
	bench_row("memcpy            %10.3f  %8.2f", best_c / 1e6, 1.0);
	putchar('\n');
	TRY(r.sys, vcm_unback(res));
	TRY(r.sys, vcm_unreserve(res));
	TRY(r.sys, vcm_free_phys(r.sys, m));
	unassoc(&r, a0);
	unassoc(&r, a1);
	TRY(r.sys, vcm_free(v));
	TRY(r.sys, vcm_dev_unregister(d0));
	TRY(r.sys, vcm_dev_unregister(d1));
	rig_fini(&r);
	free(a);
	free(b);
}

int main(int argc, char **argv)
{
	unsigned int reps;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0) {
			g_quick = true;
		} else {
			fprintf(stderr, "usage: %s [--quick]\n", argv[0]);
			return 2;
		}
	}
	reps = g_quick ? 1 : 5;
	printf("bench_graph%s\n\n", g_quick ? " --quick (smoke sizes: figures mean little)" : "");
	bench_back(reps);
	bench_many();
	bench_rmap();
	bench_migrate(reps);
	return 0;
}
