// SPDX-License-Identifier: MIT
/*
 * Contiguous allocation against a brute-force first fit. The layer finds runs
 * through an index (src/phys/buddy.c); this test keeps its own block map per
 * memtype and, for every request, scans it for the lowest aligned start with
 * enough free blocks after it, inside one (joined) range. Random lengths and
 * alignments (up to far beyond the memory, so that rounding wraps at the top
 * of the address space), chunked allocations in between (buddy takes that the
 * index must see too) and random frees. After every operation:
 *  - the answer is the model's: the same pa, or -ENOMEM when it has none;
 *  - every fifth operation, vcm_phys_check_() passes (it checks the index
 *    against the blocks; not after every one, so that searches also meet an
 *    index with many changes pending);
 *  - every so often the longest free run equals the model's.
 *
 * The seed is printed; rerun with VCM_TEST_SEED=<n> to reproduce a failure
 * (tests/common/test_rand.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include <cmocka.h>
#include <vcm/phys.h>
#include <vcm/hosted.h>
#include "common/test_rand.h"

#define KB 1024ULL
#define MB (1024ULL * KB)
#define MAX_LIVE 384
#define NONE UINT64_MAX

static uint64_t g_seed;
static uint64_t g_rng;

static uint64_t rnd_below(uint64_t n)
{
	return test_rand_below(&g_rng, n);
}

/* The model: the memtype's ranges, sorted and joined as the layer does it. */
struct mrange {
	uint64_t pa, blocks;
	uint8_t *used;
};

struct model {
	unsigned int lg2;
	unsigned int nr;
	struct mrange r[8];
};

struct live {
	struct vcm_physmem *mem;
};

struct world {
	struct vcm_phys *phys;
	uint64_t sizes;
	struct model m;
	struct live live[MAX_LIVE];
	unsigned int nr_live;
	unsigned long ops, conts, enomem;
};

#define CHECK(w, cond, ...)                                                            \
	do {                                                                           \
		if (!(cond)) {                                                         \
			print_error("VCM_TEST_SEED=%#llx op %lu: ",                    \
				    (unsigned long long)g_seed, (w)->ops);             \
			fail_msg(__VA_ARGS__);                                         \
		}                                                                      \
	} while (0)

static void model_init(struct model *m, const struct vcm_phys_range *rg, unsigned int n,
		       unsigned int lg2)
{
	struct vcm_phys_range s[8];

	assert_true(n <= 8U);
	memcpy(s, rg, n * sizeof(*s));
	/* insertion sort by pa, then join touching neighbours */
	for (unsigned int i = 1; i < n; i++)
		for (unsigned int j = i; j > 0 && s[j - 1].pa > s[j].pa; j--) {
			struct vcm_phys_range t = s[j];

			s[j] = s[j - 1];
			s[j - 1] = t;
		}
	m->lg2 = lg2;
	m->nr = 0;
	for (unsigned int i = 0; i < n; i++) {
		if (m->nr > 0 && m->r[m->nr - 1].pa +
		    (m->r[m->nr - 1].blocks << lg2) == s[i].pa) {
			m->r[m->nr - 1].blocks += s[i].len >> lg2;
			continue;
		}
		m->r[m->nr].pa = s[i].pa;
		m->r[m->nr].blocks = s[i].len >> lg2;
		m->nr++;
	}
	for (unsigned int i = 0; i < m->nr; i++)
		m->r[i].used = calloc(m->r[i].blocks, 1);
}

static void model_fini(struct model *m)
{
	for (unsigned int i = 0; i < m->nr; i++)
		free(m->r[i].used);
}

/* Brute force: the lowest pa aligned to @align with @blocks free blocks from it. */
static uint64_t model_first_fit(const struct model *m, uint64_t blocks, uint64_t align)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		const struct mrange *r = &m->r[i];

		for (uint64_t b = 0; b + blocks <= r->blocks; b++) {
			uint64_t pa = r->pa + (b << m->lg2), k;

			if ((pa & (align - 1U)) != 0U)
				continue;
			for (k = 0; k < blocks && !r->used[b + k]; k++)
				;
			if (k == blocks)
				return pa;
		}
	}
	return NONE;
}

static uint64_t model_longest(const struct model *m)
{
	uint64_t best = 0;

	for (unsigned int i = 0; i < m->nr; i++) {
		uint64_t run = 0;

		for (uint64_t b = 0; b < m->r[i].blocks; b++) {
			run = m->r[i].used[b] ? 0 : run + 1;
			if (run > best)
				best = run;
		}
	}
	return best << m->lg2;
}

/* Mark [pa, pa + len) used (@used) or free; false if a block already was. */
static bool model_mark(struct model *m, uint64_t pa, uint64_t len, bool used)
{
	for (unsigned int i = 0; i < m->nr; i++) {
		struct mrange *r = &m->r[i];

		if (pa < r->pa || pa - r->pa >= r->blocks << m->lg2)
			continue;
		for (uint64_t b = (pa - r->pa) >> m->lg2; len != 0; b++, len -= 1ULL << m->lg2) {
			if (b >= r->blocks || r->used[b] == used)
				return false;
			r->used[b] = used;
		}
		return true;
	}
	return false;
}

static void mark_mem(struct world *w, struct vcm_physmem *mem, bool used)
{
	uint64_t it = 0, len;
	vcm_pa_t pa;

	while (vcm_phys_next_chunk(mem, &it, &pa, &len) == 0)
		CHECK(w, model_mark(&w->m, pa, len, used), "chunk %#llx+%#llx %s twice",
		      (unsigned long long)pa, (unsigned long long)len, used ? "taken" : "freed");
}

static void check_all(struct world *w)
{
	if (w->ops % 5U == 0U) {
		int ret = vcm_phys_check_(w->phys);

		CHECK(w, ret == 0, "vcm_phys_check_ = %d: %s", ret,
		      vcm_phys_last_error(w->phys));
	}
	if (w->ops % 16U == 7U) {
		struct vcm_phys_stats st;

		assert_int_equal(vcm_phys_stats(w->phys, 0, &st), 0);
		CHECK(w, st.largest_free_run == model_longest(&w->m),
		      "longest run %#llx, model %#llx", (unsigned long long)st.largest_free_run,
		      (unsigned long long)model_longest(&w->m));
	}
}

static void add_live(struct world *w, struct vcm_physmem *mem)
{
	w->live[w->nr_live++].mem = mem;
}

/* Mostly short runs, some long ones; aligns from none to far past the memory. */
static void op_cont(struct world *w, uint64_t max_blocks)
{
	uint64_t gran = 1ULL << w->m.lg2, blocks, align, want;
	struct vcm_physmem *mem = NULL;
	bool via_flags = rnd_below(8) == 0;
	int ret;

	blocks = 1 + rnd_below(rnd_below(4) == 0 ? max_blocks : 8);
	switch (rnd_below(6)) {
	case 0:
		align = 0;
		break;
	case 1:
		align = 1ULL << rnd_below(64); /* may be below the granule, or 2^63 */
		break;
	default:
		align = gran << rnd_below(7);
		break;
	}
	if (via_flags)
		align = 0;
	want = model_first_fit(&w->m, blocks, align > gran ? align : gran);
	if (via_flags)
		ret = vcm_phys_alloc(w->phys, 0, blocks * gran, VCM_PHYS_CONT, &mem);
	else
		ret = vcm_phys_alloc_cont(w->phys, 0, blocks * gran, align, &mem);
	w->conts++;
	if (want == NONE) {
		CHECK(w, ret == -ENOMEM, "%llu blocks at align %#llx: %d, model has no fit",
		      (unsigned long long)blocks, (unsigned long long)align, ret);
		w->enomem++;
		return;
	}
	CHECK(w, ret == 0, "%llu blocks at align %#llx: %d (%s), model fits at %#llx",
	      (unsigned long long)blocks, (unsigned long long)align, ret,
	      vcm_phys_last_error(w->phys), (unsigned long long)want);
	{
		uint64_t it = 0, len;
		vcm_pa_t pa;

		assert_int_equal(vcm_phys_next_chunk(mem, &it, &pa, &len), 0);
		CHECK(w, pa == want && len == blocks * gran,
		      "%llu blocks at align %#llx: got %#llx, model %#llx",
		      (unsigned long long)blocks, (unsigned long long)align,
		      (unsigned long long)pa, (unsigned long long)want);
	}
	mark_mem(w, mem, true);
	add_live(w, mem);
}

/* A chunked allocation: buddy takes the index must follow. */
static void op_chunked(struct world *w)
{
	uint64_t gran = 1ULL << w->m.lg2;
	struct vcm_physmem *mem = NULL;

	if (vcm_phys_alloc(w->phys, 0, (1 + rnd_below(24)) * gran, 0, &mem) != 0)
		return;
	mark_mem(w, mem, true);
	add_live(w, mem);
}

static void op_free(struct world *w)
{
	unsigned int i;

	if (w->nr_live == 0)
		return;
	i = (unsigned int)rnd_below(w->nr_live);
	mark_mem(w, w->live[i].mem, false);
	assert_int_equal(vcm_phys_free(w->phys, w->live[i].mem), 0);
	w->live[i] = w->live[--w->nr_live];
}

static void run(const struct vcm_phys_range *rg, unsigned int n, uint64_t sizes,
		unsigned long nr_ops, uint64_t max_blocks)
{
	static struct vcm_plat_ops plat;
	struct vcm_phys_memtype_cfg mt = { rg, n, sizes };
	struct vcm_phys_cfg cfg = { &mt, 1, &plat };
	struct vcm_diag d = { 0 };
	struct world *w = calloc(1, sizeof(*w));

	vcm_plat_hosted_heap_ops(&plat);
	assert_int_equal(vcm_phys_create(&cfg, &w->phys, &d), 0);
	model_init(&w->m, rg, n, (unsigned int)__builtin_ctzll(sizes));
	assert_int_equal(vcm_phys_check_(w->phys), 0);
	for (w->ops = 1; w->ops <= nr_ops; w->ops++) {
		uint64_t r = rnd_below(100);

		/* fill up, then churn: frees win once the live table is full */
		if (w->nr_live >= MAX_LIVE || r < 35)
			op_free(w);
		else if (r < 90)
			op_cont(w, max_blocks);
		else
			op_chunked(w);
		check_all(w);
	}
	print_message("    %lu ops, %lu contiguous (%lu refused), %u live at the end\n",
		      nr_ops, w->conts, w->enomem, w->nr_live);
	while (w->nr_live > 0)
		op_free(w);
	w->ops = 0;
	check_all(w);
	assert_int_equal(vcm_phys_destroy(w->phys), 0);
	model_fini(&w->m);
	free(w);
}

static void test_cont_several_ranges(void **state)
{
	/* odd starts and lengths, a touching pair the layer joins, a one-page range */
	static const struct vcm_phys_range rg[] = {
		{ 0x80003000ULL, 37 * 4 * KB },
		{ 0x80100000ULL, 300 * 4 * KB },
		{ 0x90001000ULL, 64 * 4 * KB },
		{ 0x90000000ULL, 4 * KB },
		{ 0x100007000ULL, 201 * 4 * KB },
		{ 0x200000000ULL, 2 * MB },
	};

	(void)state;
	run(rg, 6, VCM_PHYS_4KB | VCM_PHYS_64KB | VCM_PHYS_1MB, 20000, 96);
}

static void test_cont_top_of_64bit(void **state)
{
	/* a range ending at 2^64, one just below it and a low one */
	static const struct vcm_phys_range rg[] = {
		{ 0x40000000ULL, 128 * 4 * KB },
		{ 0ULL - 2 * MB - 12 * KB, 2 * MB + 12 * KB },
		{ 0ULL - 4 * MB, 1 * MB + 20 * KB },
	};

	(void)state;
	run(rg, 3, VCM_PHYS_DEFAULT_SIZES, 15000, 160);
}

static void test_cont_big_granule(void **state)
{
	static const struct vcm_phys_range rg[] = {
		{ 0x10000ULL, 40 * 64 * KB },
		{ 0x3000000ULL, 8 * MB },
	};

	(void)state;
	run(rg, 2, VCM_PHYS_64KB | VCM_PHYS_1MB | VCM_PHYS_2MB, 10000, 48);
}

static void test_cont_many_blocks(void **state)
{
	/* thousands of blocks: a tree of several levels, runs across many words */
	static const struct vcm_phys_range rg[] = {
		{ 0x80001000ULL, (4096 + 13) * 4 * KB },
		{ 0xc0000000ULL, 1000 * 4 * KB },
	};

	(void)state;
	run(rg, 2, VCM_PHYS_4KB | VCM_PHYS_64KB, 4000, 700);
}

/*
 * Every other page used, then aligned requests: every free run is one page at
 * an odd or even page, so the search must skip the runs that cannot hold an
 * aligned start, and fail when none can.
 */
static void test_cont_aligned_holes(void **state)
{
	static const struct vcm_phys_range rg[] = { { 0x80000000ULL, 512 * 4 * KB } };
	struct vcm_plat_ops plat;
	struct vcm_phys_memtype_cfg mt = { rg, 1, VCM_PHYS_4KB };
	struct vcm_phys_cfg cfg = { &mt, 1, &plat };
	struct vcm_diag d = { 0 };
	struct vcm_physmem *page[512], *x;
	struct vcm_phys *phys;
	uint64_t it = 0, len;
	vcm_pa_t pa;

	(void)state;
	vcm_plat_hosted_heap_ops(&plat);
	assert_int_equal(vcm_phys_create(&cfg, &phys, &d), 0);
	for (unsigned int i = 0; i < 512; i++)
		assert_int_equal(vcm_phys_alloc_cont(phys, 0, 4 * KB, 0, &page[i]), 0);
	/* free the odd pages: no 8 KiB-aligned free page */
	for (unsigned int i = 1; i < 512; i += 2)
		assert_int_equal(vcm_phys_free(phys, page[i]), 0);
	assert_int_equal(vcm_phys_check_(phys), 0);
	assert_int_equal(vcm_phys_alloc_cont(phys, 0, 4 * KB, 8 * KB, &x), -ENOMEM);
	assert_int_equal(vcm_phys_alloc_cont(phys, 0, 8 * KB, 0, &x), -ENOMEM);
	/* one even page near the top becomes free: the only aligned fit */
	assert_int_equal(vcm_phys_free(phys, page[500]), 0);
	assert_int_equal(vcm_phys_alloc_cont(phys, 0, 4 * KB, 8 * KB, &x), 0);
	assert_int_equal(vcm_phys_next_chunk(x, &it, &pa, &len), 0);
	assert_true(pa == 0x80000000ULL + 500 * 4 * KB);
	/* 12 KiB now fits only at 499..501, which is not 8 KiB aligned: at 500 it is */
	assert_int_equal(vcm_phys_free(phys, x), 0);
	assert_int_equal(vcm_phys_alloc_cont(phys, 0, 12 * KB, 8 * KB, &x), -ENOMEM);
	assert_int_equal(vcm_phys_alloc_cont(phys, 0, 12 * KB, 4 * KB, &x), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(x, &it, &pa, &len), 0);
	assert_true(pa == 0x80000000ULL + 499 * 4 * KB);
	assert_int_equal(vcm_phys_check_(phys), 0);
	assert_int_equal(vcm_phys_free(phys, x), 0);
	for (unsigned int i = 0; i < 512; i += 2)
		if (i != 500)
			assert_int_equal(vcm_phys_free(phys, page[i]), 0);
	assert_int_equal(vcm_phys_check_(phys), 0);
	assert_int_equal(vcm_phys_destroy(phys), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cont_several_ranges),
		cmocka_unit_test(test_cont_top_of_64bit),
		cmocka_unit_test(test_cont_big_granule),
		cmocka_unit_test(test_cont_many_blocks),
		cmocka_unit_test(test_cont_aligned_holes),
	};

	g_seed = test_seed("test_phys_cont", (uint64_t)time(NULL));
	g_rng = g_seed;
	fflush(stdout);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
