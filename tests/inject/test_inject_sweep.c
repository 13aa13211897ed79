// SPDX-License-Identifier: MIT
/*
 * The sweep (see inject.h): for every call of the lists, n = 1, 2, ...: build
 * the call's world, take a snapshot, fail the n-th allocation, run the call.
 * A failure must return the documented errno with a message that names what
 * ran out, and leave the snapshot as it was. A success whose n-th allocation
 * failed (a tolerated failure: a fallback, a cache given up) is checked as any
 * success is (the validators of what the world holds) and undone by tearing
 * its world down, and n goes on: the first n whose allocation never comes ends
 * the call. Every world torn down must give back everything it took. Prints a
 * table: call, sites its allocations went through, failures survived (and of
 * them tolerated).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include "inject.h"
#include "../../src/graph/graph_internal.h"

/* ---- the injector ------------------------------------------------------- */

static const char *const sites[] = {
	"table memory", "metadata", "physical memory", "mmap", "memfd_create",
	"ftruncate", "calloc", "realloc", "malloc", "aligned_alloc",
};
#define NR_SITES (sizeof(sites) / sizeof(sites[0]))

static struct {
	long seen;          /* allocations since armed */
	long fail_at;       /* 0: fail none */
	int failed_site;    /* -1 until the fail_at-th allocation */
	unsigned int mask;  /* sites seen since armed */
	long live[NR_SITES];
} inj;

static int site_index(const char *site)
{
	for (unsigned int i = 0; i < NR_SITES; i++)
		if (strcmp(site, sites[i]) == 0)
			return (int)i;
	fprintf(stderr, "unknown injection site '%s'\n", site);
	abort();
}

static bool counted(int site)
{
	return site <= 1 || strcmp(sites[site], "calloc") == 0 ||
	       strcmp(sites[site], "malloc") == 0 || strcmp(sites[site], "aligned_alloc") == 0;
}

static bool inj_alloc(void *ctx, const char *site)
{
	int i = site_index(site);

	(void)ctx;
	inj.seen++;
	inj.mask |= 1U << i;
	if (inj.fail_at != 0 && inj.seen == inj.fail_at) {
		inj.failed_site = i;
		return true;
	}
	/* blocks whose sites report their frees; the rest show in fds and maps */
	if (counted(i))
		inj.live[i]++;
	return false;
}

static void inj_free(void *ctx, const char *site)
{
	(void)ctx;
	inj.live[site_index(site)]--;
}

static void inj_arm(long n)
{
	inj.seen = 0;
	inj.fail_at = n;
	inj.failed_site = -1;
	inj.mask = 0;
}

long inj_allocs(void)
{
	return inj.seen;
}

/* ---- snapshots ---------------------------------------------------------- */

#define NR_ARENAS 3

struct shot {
	uint8_t *tables[NR_ARENAS]; /* the table arenas of the world's memories, a guest's */
	size_t tlen[NR_ARENAS];
	char *maps;          /* our memfd's lines of /proc/self/maps */
	char *graph;         /* walk of every VCM x device, reverse map, res list */
	char *phys;          /* each memtype's free bytes and free chunks per size */
	int fds;
	long live[NR_SITES];
	long slabs;          /* the graph's handle slabs (kept until the system goes) */
	bool zero_bad;       /* a block on a zero list is not zero */
};

static char *read_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char *buf = NULL, line[512];
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_non_null(out);
	while (fgets(line, sizeof(line), f) != NULL)
		if (strstr(line, "vcm-physmem") != NULL)
			fputs(line, out);
	fclose(f);
	fclose(out);
	return buf;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d) != NULL)
		n++;
	closedir(d);
	return n;
}

static int walk_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	fprintf(arg, " %llx>%llx+%llx/%x", (unsigned long long)da, (unsigned long long)pa,
		(unsigned long long)len, prot);
	return 0;
}

/* One system's VCMs, devices and memories, as the world holds them (host or guest). */
struct sys_view {
	struct vcm_sys *sys;
	struct vcm *const *v;
	unsigned int nv;
	struct vcm_dev *const *dev;
	unsigned int ndev;
	struct vcm_mem *const *m;
	unsigned int nm;
};

static void dump_sys(const struct sys_view *s, FILE *out)
{
	for (unsigned int v = 0; v < s->nv; v++) {
		if (s->v[v] == NULL)
			continue;
		fprintf(out, "vcm %u:", v);
		for (const struct vcm_res *r = vcm_get_next_res(s->v[v], NULL); r != NULL;
		     r = vcm_get_next_res(s->v[v], r))
			fprintf(out, " res %llx+%llx", (unsigned long long)vcm_get_dev_addr(r),
				(unsigned long long)vcm_get_res_len(r));
		for (unsigned int d = 0; d < s->ndev; d++) {
			int ret;

			if (s->dev[d] == NULL)
				continue;
			fprintf(out, "\n dev %u:", d);
			ret = vcm_walk(s->v[v], s->dev[d], vcm_get_start_addr(s->v[v]),
				       vcm_get_len(s->v[v]), walk_run, out);
			fprintf(out, " = %d", ret);
		}
		fputc('\n', out);
	}
	/* the reverse map, chunk by chunk of every buffer */
	for (unsigned int m = 0; m < s->nm; m++) {
		uint64_t it = 0, len;
		vcm_pa_t pa;

		if (s->m[m] == NULL)
			continue;
		while (vcm_mem_next_chunk(s->m[m], &it, &pa, &len) == 0) {
			vcm_da_t da = 0;

			fprintf(out, "rmap %llx: %llu", (unsigned long long)pa,
				(unsigned long long)vcm_get_phys_num_res(s->sys, pa));
			for (struct vcm_res *r = vcm_get_next_phys_res(s->sys, pa, NULL, &da);
			     r != NULL; r = vcm_get_next_phys_res(s->sys, pa, r, &da))
				fprintf(out, " %p@%llx", (void *)r, (unsigned long long)da);
			fputc('\n', out);
		}
	}
	fprintf(out, "check %d\n", vcm_sys_check_(s->sys));
}

/* The world's system, then a guest's over it (calls_nest.c). */
static void dump_graph(const struct world *w, FILE *out)
{
	const struct sys_view host = { w->sys, w->v, 4, w->dev, WD_NR, w->m, 4 };
	const struct sys_view guest = { w->gsys, w->gv, 2, w->gdev, 2, w->gm, 4 };

	dump_sys(&host, out);
	if (w->gsys != NULL) {
		fputs("guest:\n", out);
		dump_sys(&guest, out);
	}
}

/*
 * A table arena's bytes as a failed call must leave them: the blocks handed
 * out, byte for byte, and which blocks those are. What is free is blanked,
 * bookkeeping included (src/platform/arena.c: one byte per 1 KiB block at the
 * arena's start, 0x80|order heading a free block, 0xc0|order a zero one):
 * a table the call made and gave back again waits on a zero list, where
 * before it was merged back, and the two are the same free memory. A zero
 * block must be zero but for its link, its first 4 bytes; false if not.
 */
static bool arena_blank_free(uint8_t *arena, size_t len)
{
	const size_t blocks = len >> VCM_PLAT_ARENA_MIN_LG2;
	bool zero_ok = true;

	for (size_t i = 0; i < blocks; i++) {
		uint8_t b = arena[i];
		size_t off = i << VCM_PLAT_ARENA_MIN_LG2, n;

		if ((b & 0x80U) == 0U)
			continue;
		n = (size_t)1 << (VCM_PLAT_ARENA_MIN_LG2 + (b & 0x3fU));
		if (off + n > len)
			n = len - off;
		for (size_t k = 4; (b & 0xc0U) == 0xc0U && k < n; k++)
			zero_ok &= arena[off + k] == 0U;
		memset(arena + off, 0, n);
		arena[i] = 0;
	}
	return zero_ok;
}

/*
 * The table arenas the snapshot copies: those of the world's memories, and
 * a guest's (its bytes live in the host memory behind the host reservation
 * vcm_nest_plat_init() took, its books at their start as in any arena).
 */
static void arenas(const struct world *w, uint8_t **cpu, uint64_t *len)
{
	struct vcm_hosted_mem *mem[2] = { w->mem, w->soc != NULL ? vcm_soc_mem(w->soc) : NULL };

	len[0] = W_TABLE_BYTES;
	len[1] = W_SOC_TABLE_BYTES;
	if (w->rfc)
		mem[1] = inj_rfc_mem(&len[1]);
	for (unsigned int i = 0; i < 2; i++) {
		cpu[i] = mem[i] != NULL ? vcm_hosted_mem_cpu(mem[i], W_PA) : NULL;
		if (mem[i] != NULL)
			assert_non_null(cpu[i]);
	}
	cpu[2] = w->nest != NULL ? w->nest->arena.cpu : NULL;
	len[2] = w->nest != NULL ? w->nest->arena.len : 0;
}

/*
 * Free bytes and free chunks of every size, memtype by memtype, of one set.
 * vcm_phys_stats() builds a memtype's run index (docs/phys.md), so every
 * swept call runs with it built; the build allocates nothing, so no failure
 * point of a first contiguous search goes unswept.
 */
static void dump_phys(struct vcm_phys *phys, const char *who, FILE *out)
{
	struct vcm_phys_stats st;

	if (phys == NULL)
		return;
	for (unsigned int mt = 0; mt < VCM_PHYS_MAX_MEMTYPES; mt++) {
		if (vcm_phys_stats(phys, mt, &st) != 0)
			break;
		fprintf(out, "%s memtype %u: free %llu of %llu, chunks", who, mt,
			(unsigned long long)st.free_bytes, (unsigned long long)st.total_bytes);
		for (unsigned int i = 0; i < st.nr_sizes && i < VCM_PHYS_MAX_SIZES; i++)
			fprintf(out, " %llux%llu", (unsigned long long)st.chunk_free[i],
				(unsigned long long)st.chunk_size[i]);
		fputc('\n', out);
	}
}

static void shot_take(struct shot *s, const struct world *w)
{
	uint8_t *cpu[NR_ARENAS];
	uint64_t len[NR_ARENAS];
	size_t glen = 0;
	FILE *out;

	memset(s, 0, sizeof(*s));
	arenas(w, cpu, len);
	for (unsigned int i = 0; i < NR_ARENAS; i++) {
		if (cpu[i] == NULL)
			continue;
		s->tlen[i] = (size_t)len[i];
		s->tables[i] = malloc(s->tlen[i]);
		assert_non_null(s->tables[i]);
		memcpy(s->tables[i], cpu[i], s->tlen[i]);
		s->zero_bad |= !arena_blank_free(s->tables[i], s->tlen[i]);
	}
	s->maps = read_maps();
	out = open_memstream(&s->graph, &glen);
	assert_non_null(out);
	if (w->sys != NULL) {
		dump_graph(w, out);
		s->slabs = (long)gobj_slabs_(w->sys);
	}
	/* a guest's handles come from the host platform's metadata */
	if (w->gsys != NULL)
		s->slabs += (long)gobj_slabs_(w->gsys);
	if (w->dev_state != NULL)
		w->dev_state(w, out);
	fclose(out);
	out = open_memstream(&s->phys, &glen);
	assert_non_null(out);
	dump_phys(w->phys, "phys", out);
	dump_phys(w->sys != NULL ? vcm_sys_phys(w->sys) : NULL, "sys", out);
	dump_phys(w->gsys != NULL ? vcm_sys_phys(w->gsys) : NULL, "guest", out);
	fclose(out);
	s->fds = count_fds();
	memcpy(s->live, inj.live, sizeof(s->live));
}

static void shot_free(struct shot *s)
{
	for (unsigned int i = 0; i < NR_ARENAS; i++)
		free(s->tables[i]);
	free(s->maps);
	free(s->graph);
	free(s->phys);
}

static const char *shot_diff(const struct shot *a, const struct shot *b)
{
	if (b->zero_bad)
		return "a table given back as zero is not zero";
	for (unsigned int i = 0; i < NR_ARENAS; i++)
		if (a->tlen[i] != b->tlen[i] ||
		    (a->tlen[i] != 0 && memcmp(a->tables[i], b->tables[i], a->tlen[i]) != 0))
			return i < 2 ? "table memory bytes changed" :
				       "table memory bytes changed (the guest's arena)";
	if (strcmp(a->maps, b->maps) != 0)
		return "CPU mappings of the memory changed";
	if (strcmp(a->graph, b->graph) != 0)
		return "walk, reservations or reverse map changed";
	if (strcmp(a->phys, b->phys) != 0)
		return "physical memory free bytes or chunks changed";
	if (a->fds != b->fds)
		return "file descriptors changed";
	for (unsigned int i = 0; i < NR_SITES; i++) {
		long d = b->live[i] - a->live[i];

		/* a handle slab carved for the call is the pool's, not a leak */
		if (i == 1)
			d -= b->slabs - a->slabs;
		if (d != 0)
			return sites[i];
	}
	return NULL;
}

/* ---- the sweep ---------------------------------------------------------- */

/* Words a message about @site must contain one of. */
static bool names_site(const char *msg, int site)
{
	static const char *const words[][3] = {
		{ "table", "memory", NULL },       /* table memory */
		{ "metadata", "memory", "meta_alloc" }, /* metadata */
		{ "memtype", "memory", NULL },     /* physical memory */
		{ "mmap", "address space", NULL }, /* mmap */
		{ "memfd", NULL, NULL },
		{ "ftruncate", NULL, NULL },
		{ "memory", NULL, NULL },          /* calloc */
		{ "memory", NULL, NULL },          /* realloc */
		{ "memory", NULL, NULL },          /* malloc */
		{ "memory", NULL, NULL },          /* aligned_alloc */
	};

	for (unsigned int i = 0; i < 3 && words[site][i] != NULL; i++)
		if (strstr(msg, words[site][i]) != NULL)
			return true;
	return false;
}

struct row {
	char name[64];
	unsigned int mask;
	long survived;
	long tolerated;      /* of survived: the call succeeded all the same */
	long runs;
};

static long base_live[NR_SITES];
static int problems;

static void problem(const struct inj_call *c, unsigned int var, long n, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s", c->name);
	if (c->vname != NULL)
		fprintf(stderr, " [%s]", c->vname(var));
	fprintf(stderr, " n=%ld: ", n);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	problems++;
}

/* Everything taken since the start is back. */
static bool all_back(void)
{
	return memcmp(inj.live, base_live, sizeof(base_live)) == 0;
}

/*
 * After a success, tolerated failure or not: the validators of whatever the
 * world holds (those the snapshot prints too: a system's, a backend's
 * arena's), and a table given back to a zero list is zero.
 */
static void success_check(const struct inj_call *c, unsigned int var, long n,
			  const struct world *w)
{
	const char *what = inj.failed_site >= 0 ? "success with a tolerated failure" : "success";
	struct shot s;
	int ret;

	if (w->sys != NULL && (ret = vcm_sys_check_(w->sys)) != 0)
		problem(c, var, n, "%s: vcm_sys_check_ %d: %s", what, ret,
			vcm_sys_last_error(w->sys));
	if (w->gsys != NULL && (ret = vcm_sys_check_(w->gsys)) != 0)
		problem(c, var, n, "%s: vcm_sys_check_ (guest) %d: %s", what, ret,
			vcm_sys_last_error(w->gsys));
	if (w->phys != NULL && (ret = vcm_phys_check_(w->phys)) != 0)
		problem(c, var, n, "%s: vcm_phys_check_ %d: %s", what, ret,
			vcm_phys_last_error(w->phys));
	if (w->vs != NULL && (ret = vcm_vs_check_(w->vs)) != 0)
		problem(c, var, n, "%s: vcm_vs_check_ %d: %s", what, ret,
			vcm_vs_last_error(w->vs));
	if (w->pt != NULL && (ret = vcm_pt_check_(w->pt)) != 0)
		problem(c, var, n, "%s: vcm_pt_check_ %d: %s", what, ret,
			vcm_pt_last_error(w->pt));
	if (w->arena != NULL && (ret = vcm_plat_arena_check_(w->arena)) != 0)
		problem(c, var, n, "%s: vcm_plat_arena_check_ %d", what, ret);
	shot_take(&s, w);
	if (s.zero_bad)
		problem(c, var, n, "%s: a table given back as zero is not zero", what);
	/* the graph's check, the backends' arenas' (a device world's dev_state) */
	if (strstr(s.graph, "check -") != NULL)
		problem(c, var, n, "%s: a check in the snapshot fails:\n%s", what, s.graph);
	shot_free(&s);
}

static void sweep_one(const struct inj_call *c, unsigned int var, struct row *row)
{
	int want = c->err != 0 ? c->err : -ENOMEM;

	for (long n = 1;; n++) {
		struct world w;
		struct shot before, after;
		char msg[VCM_DIAG_MSG_LEN];
		const char *diff;
		int ret;

		memset(&w, 0, sizeof(w));
		w.variant = var;
		if (c->setup != NULL)
			c->setup(&w);
		shot_take(&before, &w);
		inj_arm(n);
		ret = c->op(&w);
		inj.fail_at = 0;
		/* the message lives in the object: keep it before the snapshot calls in */
		snprintf(msg, sizeof(msg), "%s", w.msg != NULL ? w.msg : "");
		w.msg = msg;
		row->mask |= inj.mask;
		row->runs++;
		if (ret == 0 || inj.failed_site < 0) {
			bool tolerated = ret == 0 && inj.failed_site >= 0;

			if (ret != 0)
				problem(c, var, n, "fails with %d without an injected failure: %s",
					ret, w.msg != NULL ? w.msg : "");
			else
				success_check(c, var, n, &w);
			shot_free(&before);
			/* a success is undone the one way every call's is: its world goes */
			w_teardown(&w);
			if (!all_back())
				problem(c, var, n, "teardown after success leaves blocks live");
			if (!tolerated)
				return;
			/* the n-th allocation failed and the call got by: fail the next */
			row->survived++;
			row->tolerated++;
			if (getenv("INJ_VERBOSE") != NULL)
				printf("  n=%ld %s: tolerated\n", n, sites[inj.failed_site]);
			if (n > 500) {
				problem(c, var, n, "allocations still come after 500 failures");
				return;
			}
			continue;
		}
		row->survived++;
		if (getenv("INJ_VERBOSE") != NULL)
			printf("  n=%ld %s: %d %s\n", n, sites[inj.failed_site], ret, w.msg);
		shot_take(&after, &w);
		if (ret != want)
			problem(c, var, n, "%s failed: returned %d, want %d", sites[inj.failed_site],
				ret, want);
		if (w.msg == NULL || strncmp(w.msg, "vcm_", 4) != 0 ||
		    !names_site(w.msg, inj.failed_site))
			problem(c, var, n, "%s failed: message '%s' does not name it",
				sites[inj.failed_site], w.msg != NULL ? w.msg : "(none)");
		diff = shot_diff(&before, &after);
		if (diff != NULL)
			problem(c, var, n, "%s failed: %s", sites[inj.failed_site], diff);
		shot_free(&before);
		shot_free(&after);
		w_teardown(&w);
		if (!all_back())
			problem(c, var, n, "teardown after a failure leaves blocks live");
		if (n > 500) {
			problem(c, var, n, "no success after 500 failures");
			return;
		}
	}
}

static void print_row(const struct row *r)
{
	char list[160] = "";

	for (unsigned int i = 0; i < NR_SITES; i++) {
		if ((r->mask & (1U << i)) == 0)
			continue;
		if (list[0] != '\0')
			strcat(list, ", ");
		strcat(list, sites[i]);
	}
	printf("| %-40s | %-58s | %8ld | %9ld |\n", r->name, list[0] != '\0' ? list : "-",
	       r->survived, r->tolerated);
}

static void sweep_list(const struct inj_call *list, long *calls, long *failures,
		       long *tolerated)
{
	for (const struct inj_call *c = list; c->name != NULL; c++) {
		unsigned int nv = c->variants != 0 ? c->variants : 1;
		struct row row = { .mask = 0 };

		snprintf(row.name, sizeof(row.name), "%s: %s%s", c->layer, c->name,
			 nv > 1 ? " (each config)" : "");
		for (unsigned int v = 0; v < nv; v++)
			sweep_one(c, v, &row);
		print_row(&row);
		fflush(stdout);
		(*calls)++;
		*failures += row.survived;
		*tolerated += row.tolerated;
	}
}

static void sweep(void **state)
{
	const struct vcm_plat_inject hook = { inj_alloc, inj_free, NULL };
	long calls = 0, failures = 0, tolerated = 0;

	(void)state;
	vcm_plat_inject_set_(&hook);
	memcpy(base_live, inj.live, sizeof(base_live));
	printf("| %-40s | %-58s | %8s | %9s |\n", "call", "injection sites hit", "survived",
	       "tolerated");
	sweep_list(inj_calls_low, &calls, &failures, &tolerated);
	sweep_list(inj_calls_graph, &calls, &failures, &tolerated);
	sweep_list(inj_calls_rfc, &calls, &failures, &tolerated);
	sweep_list(inj_calls_smmuv3, &calls, &failures, &tolerated);
	sweep_list(inj_calls_vtd, &calls, &failures, &tolerated);
	sweep_list(inj_calls_amdvi, &calls, &failures, &tolerated);
	sweep_list(inj_calls_nest, &calls, &failures, &tolerated);
	printf("%ld calls, %ld injected failures survived (%ld of them tolerated), %d problems\n",
	       calls, failures, tolerated, problems);
	vcm_plat_inject_set_(NULL);
	assert_int_equal(problems, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
