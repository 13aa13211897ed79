// SPDX-License-Identifier: MIT
/*
 * Property tests of the phys layer against the brute-force page-map model in
 * tests/model/phys_model.c. Random sequences of chunked, contiguous and wrapped
 * allocations and frees; after each operation:
 *  - vcm_phys_check_() passes (free lists, buddies, counters, records);
 *  - every new chunk lies inside its memtype, is naturally aligned, overlaps no
 *    live chunk (the model refuses to claim a taken page);
 *  - the chunk sizes are exactly the model's largest-first greedy plan, and a
 *    request the plan cannot cover fails with -ENOMEM and changes nothing;
 *  - a contiguous allocation lands where the model's first fit says;
 *  - free bytes, chunks available per size, largest free block and longest free
 *    run equal the model's.
 * At the end everything is freed and the stats must equal the fresh ones.
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
#include "model/phys_model.h"

#define MB (1024ULL * 1024ULL)
#define KB 1024ULL
#define MAX_LIVE 256

static uint64_t g_seed;
static uint64_t g_rng;

static uint64_t rnd(void)
{
	return test_rand(&g_rng);
}

static uint64_t rnd_below(uint64_t n)
{
	return test_rand_below(&g_rng, n);
}

struct live {
	struct vcm_physmem *mem;
	unsigned int memtype; /* ~0u for a wrap */
	uint32_t id;
};

struct world {
	struct vcm_phys *phys;
	unsigned int nr_mt;
	uint64_t sizes[4];
	struct phys_model model[4];
	struct live live[MAX_LIVE];
	unsigned int nr_live;
	uint32_t next_id;
	struct vcm_phys_stats fresh[4];
	unsigned long ops, enomem;
};

#define CHECK(w, cond, ...)                                                                   \
	do {                                                                                  \
		if (!(cond)) {                                                                \
			print_error("VCM_TEST_SEED=%#llx op %lu: ",                   \
				    (unsigned long long)g_seed, (w)->ops);                    \
			fail_msg(__VA_ARGS__);                                                \
		}                                                                             \
	} while (0)

static void compare_stats(struct world *w, unsigned int mt)
{
	struct vcm_phys_stats st;
	const struct phys_model *pm = &w->model[mt];
	unsigned int top = 63 - __builtin_clzll(w->sizes[mt]);

	CHECK(w, vcm_phys_stats(w->phys, mt, &st) == 0, "stats failed");
	CHECK(w, st.free_bytes == pm_free_bytes(pm), "mt %u free %#llx model %#llx", mt,
	      (unsigned long long)st.free_bytes, (unsigned long long)pm_free_bytes(pm));
	CHECK(w, st.total_bytes == pm_total_bytes(pm), "total");
	for (unsigned int i = 0; i < st.nr_sizes; i++) {
		unsigned int lg2 = __builtin_ctzll(st.chunk_size[i]);
		uint64_t want = pm_count_aligned(pm, lg2);

		CHECK(w, st.chunk_free[i] == want, "mt %u size %#llx: %llu chunks free, model %llu",
		      mt, (unsigned long long)st.chunk_size[i],
		      (unsigned long long)st.chunk_free[i], (unsigned long long)want);
	}
	CHECK(w, st.largest_free_run == pm_longest_run(pm), "mt %u longest run %#llx model %#llx",
	      mt, (unsigned long long)st.largest_free_run,
	      (unsigned long long)pm_longest_run(pm));
	/* the model knows no block cap; our memtypes stay far below 2^(12 + 31) */
	CHECK(w, st.largest_free_block == pm_largest_aligned(pm, 40), "mt %u largest block", mt);
	{
		uint64_t whole = st.free_bytes >> top, got = st.chunk_free[0];
		unsigned int frag = whole ? (unsigned int)(1000 - got * 1000 / whole) : 0;

		CHECK(w, st.frag_permille == frag, "frag %u, want %u", st.frag_permille, frag);
	}
}

static void check_all(struct world *w)
{
	int ret = vcm_phys_check_(w->phys);

	CHECK(w, ret == 0, "check_: %s", vcm_phys_last_error(w->phys));
	for (unsigned int mt = 0; mt < w->nr_mt; mt++)
		compare_stats(w, mt);
}

static void add_live(struct world *w, struct vcm_physmem *m, unsigned int mt, uint32_t id)
{
	w->live[w->nr_live++] = (struct live){ m, mt, id };
}

static uint64_t random_len(struct world *w, unsigned int mt, uint64_t gran)
{
	uint64_t total = pm_total_bytes(&w->model[mt]);
	uint64_t max;

	/* mostly small, sometimes up to a quarter of the memtype, rarely beyond it */
	switch (rnd_below(8)) {
	case 0: max = total / 4; break;
	case 1: max = total + total / 8; break;
	case 2: case 3: max = 2 * MB; break;
	default: max = 256 * KB; break;
	}
	return (1 + rnd_below(max / gran)) * gran;
}

static void op_alloc(struct world *w)
{
	unsigned int mt = (unsigned int)rnd_below(w->nr_mt);
	uint64_t sizes = w->sizes[mt], flags = 0, allowed, counts[64], left, gran, len;
	struct vcm_phys_stats before, after;
	struct vcm_physmem *m = NULL;
	unsigned int k = 0;
	int ret;

	if (w->nr_live == MAX_LIVE)
		return;
	/* random subset of the memtype's sizes, or all of them */
	if (rnd_below(3) == 0) {
		flags = sizes & rnd();
		if (rnd_below(4) == 0)
			flags |= VCM_PHYS_ALL;
	}
	allowed = (flags & VCM_PHYS_SIZE_MASK) && !(flags & VCM_PHYS_ALL) ? flags & sizes : sizes;
	gran = allowed & -allowed;
	len = random_len(w, mt, gran);
	left = pm_plan(&w->model[mt], len, allowed, counts);
	vcm_phys_stats(w->phys, mt, &before);
	ret = vcm_phys_alloc(w->phys, mt, len, flags, &m);
	if (left != 0) {
		CHECK(w, ret == -ENOMEM, "alloc mt %u len %#llx flags %#llx: %d, model short %#llx",
		      mt, (unsigned long long)len, (unsigned long long)flags, ret,
		      (unsigned long long)left);
		vcm_phys_stats(w->phys, mt, &after);
		CHECK(w, memcmp(&before, &after, sizeof(after)) == 0, "failed alloc changed stats");
		w->enomem++;
		return;
	}
	CHECK(w, ret == 0, "alloc mt %u len %#llx flags %#llx: %d (%s)", mt,
	      (unsigned long long)len, (unsigned long long)flags, ret,
	      vcm_phys_last_error(w->phys));
	CHECK(w, vcm_phys_memtype_of(m) == (int)mt, "memtype_of");
	CHECK(w, vcm_phys_mem_len(m) == len, "mem_len");
	/* walk the chunks: sizes non-increasing, each size's count as planned */
	{
		uint64_t it = 0, clen, prev = ~0ULL, got[64] = { 0 }, sum = 0;
		vcm_pa_t pa;
		uint32_t id = ++w->next_id;

		while (vcm_phys_next_chunk(m, &it, &pa, &clen) == 0) {
			CHECK(w, clen <= prev, "chunk %#llx after a smaller one",
			      (unsigned long long)clen);
			CHECK(w, (clen & allowed) && !(clen & (clen - 1)),
			      "chunk size %#llx not allowed",
			      (unsigned long long)clen);
			CHECK(w, (pa & (clen - 1)) == 0, "chunk %#llx+%#llx misaligned",
			      (unsigned long long)pa, (unsigned long long)clen);
			CHECK(w, pm_claim(&w->model[mt], pa, clen, id),
			      "chunk %#llx+%#llx outside the memtype or overlapping",
			      (unsigned long long)pa, (unsigned long long)clen);
			k = 0;
			for (int lg2 = 63; lg2 >= 0; lg2--)
				if (allowed & (1ULL << lg2)) {
					if ((1ULL << lg2) == clen)
						got[k]++;
					k++;
				}
			prev = clen;
			sum += clen;
		}
		CHECK(w, sum == len, "chunks sum %#llx", (unsigned long long)sum);
		for (unsigned int i = 0; i < k; i++)
			CHECK(w, got[i] == counts[i],
			      "size #%u: %llu chunks, largest-first plan %llu", i,
			      (unsigned long long)got[i], (unsigned long long)counts[i]);
		add_live(w, m, mt, id);
	}
}

static void op_cont(struct world *w)
{
	static const uint64_t aligns[] = { 0, 16, 4 * KB, 64 * KB, MB, 4 * MB };
	unsigned int mt = (unsigned int)rnd_below(w->nr_mt);
	uint64_t gran = w->sizes[mt] & -w->sizes[mt];
	uint64_t align = aligns[rnd_below(6)], eff = align < gran ? gran : align;
	uint64_t len = random_len(w, mt, gran), it = 0, clen;
	struct vcm_physmem *m = NULL;
	vcm_pa_t want = 0, pa;
	bool fits = pm_first_fit(&w->model[mt], len, eff, &want);
	int ret;

	if (w->nr_live == MAX_LIVE)
		return;
	ret = vcm_phys_alloc_cont(w->phys, mt, len, align, &m);
	if (!fits) {
		CHECK(w, ret == -ENOMEM, "cont len %#llx align %#llx: %d, model has no fit",
		      (unsigned long long)len, (unsigned long long)align, ret);
		w->enomem++;
		return;
	}
	CHECK(w, ret == 0, "cont len %#llx align %#llx: %d (%s)", (unsigned long long)len,
	      (unsigned long long)align, ret, vcm_phys_last_error(w->phys));
	CHECK(w, vcm_phys_next_chunk(m, &it, &pa, &clen) == 0 && clen == len, "cont chunk");
	CHECK(w, pa == want, "cont at %#llx, first fit is %#llx", (unsigned long long)pa,
	      (unsigned long long)want);
	CHECK(w, vcm_phys_next_chunk(m, &it, &pa, &clen) == -ENOENT, "cont: one chunk");
	CHECK(w, pm_claim(&w->model[mt], want, len, ++w->next_id), "cont overlaps");
	add_live(w, m, mt, w->next_id);
}

static void op_wrap(struct world *w)
{
	struct vcm_physmem *m;

	if (w->nr_live == MAX_LIVE)
		return;
	CHECK(w, vcm_phys_wrap(w->phys, rnd_below(1ULL << 40) << 12, (1 + rnd_below(64)) << 12,
			       &m) == 0, "wrap");
	add_live(w, m, ~0u, 0);
}

static void op_free(struct world *w)
{
	unsigned int i;
	struct live l;
	uint64_t it = 0, len;
	vcm_pa_t pa;

	if (w->nr_live == 0)
		return;
	i = (unsigned int)rnd_below(w->nr_live);
	l = w->live[i];
	if (l.memtype != ~0u)
		while (vcm_phys_next_chunk(l.mem, &it, &pa, &len) == 0)
			CHECK(w, pm_release(&w->model[l.memtype], pa, len, l.id), "model release");
	CHECK(w, vcm_phys_free(w->phys, l.mem) == 0, "free: %s", vcm_phys_last_error(w->phys));
	CHECK(w, vcm_phys_free(w->phys, l.mem) == -EINVAL, "double free accepted");
	w->live[i] = w->live[--w->nr_live];
}

static void world_init(struct world *w, const struct vcm_phys_memtype_cfg *mts, unsigned int n)
{
	static struct vcm_plat_ops plat;
	struct vcm_phys_cfg cfg = { mts, n, &plat };
	struct vcm_diag d = { 0 };

	memset(w, 0, sizeof(*w));
	vcm_plat_hosted_heap_ops(&plat);
	assert_int_equal(vcm_phys_create(&cfg, &w->phys, &d), 0);
	w->nr_mt = n;
	for (unsigned int i = 0; i < n; i++) {
		uint64_t (*r)[2] = calloc(mts[i].nr_ranges, sizeof(*r));

		w->sizes[i] = mts[i].chunk_sizes ? mts[i].chunk_sizes : VCM_PHYS_DEFAULT_SIZES;
		for (unsigned int j = 0; j < mts[i].nr_ranges; j++) {
			r[j][0] = mts[i].ranges[j].pa;
			r[j][1] = mts[i].ranges[j].len;
		}
		pm_init(&w->model[i], (const uint64_t (*)[2])r, mts[i].nr_ranges,
			(unsigned int)__builtin_ctzll(w->sizes[i]));
		free(r);
		assert_int_equal(vcm_phys_stats(w->phys, i, &w->fresh[i]), 0);
	}
	check_all(w);
}

static void world_fini(struct world *w)
{
	while (w->nr_live > 0)
		op_free(w);
	check_all(w);
	for (unsigned int i = 0; i < w->nr_mt; i++) {
		struct vcm_phys_stats st;
		struct vcm_physmem *m;

		/* freeing everything gives back full capacity and the largest chunks */
		assert_int_equal(vcm_phys_stats(w->phys, i, &st), 0);
		assert_memory_equal(&st, &w->fresh[i], sizeof(st));
		assert_int_equal(st.free_bytes, st.total_bytes);
		assert_int_equal(vcm_phys_alloc(w->phys, i, st.total_bytes, 0, &m), 0);
		assert_int_equal(vcm_phys_stats(w->phys, i, &st), 0);
		assert_int_equal(st.free_bytes, 0);
		assert_int_equal(vcm_phys_free(w->phys, m), 0);
		pm_fini(&w->model[i]);
	}
	assert_int_equal(vcm_phys_destroy(w->phys), 0);
}

static void run(const struct vcm_phys_memtype_cfg *mts, unsigned int n, unsigned long nr_ops)
{
	struct world *w = malloc(sizeof(*w));

	world_init(w, mts, n);
	for (w->ops = 0; w->ops < nr_ops; w->ops++) {
		uint64_t r = rnd_below(100);

		/* keep the memtypes busy: free a bit less often than allocate */
		if (r < 40)
			op_alloc(w);
		else if (r < 50)
			op_cont(w);
		else if (r < 52)
			op_wrap(w);
		else
			op_free(w);
		check_all(w);
	}
	print_message("    %lu ops, %lu refused with -ENOMEM, %u live at the end\n", w->ops,
		      w->enomem, w->nr_live);
	world_fini(w);
	free(w);
}

static void test_prop_default_sizes(void **state)
{
	/* One aligned range, one range at an odd 4 KiB address, and two touching ranges. */
	static const struct vcm_phys_range r0[] = {
		{ 0x80000000ULL, 8 * MB },
		{ 0x90003000ULL, 3 * MB + 20 * KB },
	};
	static const struct vcm_phys_range r1[] = {
		{ 0xa0200000ULL, 2 * MB + 64 * KB },
		{ 0xa0000000ULL, 2 * MB },
	};
	const struct vcm_phys_memtype_cfg mts[] = { { r0, 2, 0 }, { r1, 2, 0 } };

	(void)state;
	run(mts, 2, 3000);
}

static void test_prop_other_sizes(void **state)
{
	/* A 16 KiB-granule system with 2M/64K/16K chunks, and a memtype of 4K + 2M chunks. */
	static const struct vcm_phys_range r0[] = {
		{ 0x100000000ULL, 6 * MB + 16 * KB },
		{ 0x100604000ULL, 1 * MB }, /* touching; the joint is only 16K aligned */
	};
	static const struct vcm_phys_range r1[] = { { 0x7fe00000ULL, 6 * MB + 4 * KB } };
	const struct vcm_phys_memtype_cfg mts[] = {
		{ r0, 2, VCM_PHYS_2MB | VCM_PHYS_64KB | VCM_PHYS_16KB },
		{ r1, 1, VCM_PHYS_2MB | VCM_PHYS_4KB },
	};

	(void)state;
	run(mts, 2, 3000);
}

static void test_prop_top_of_64bit(void **state)
{
	/* Memtypes that end at 2^64: one aligned, one touching pair starting at an odd page. */
	static const struct vcm_phys_range r0[] = { { 0ULL - 8 * MB, 8 * MB } };
	static const struct vcm_phys_range r1[] = {
		{ 0ULL - 4 * MB - 12 * KB, 2 * MB },
		{ 0ULL - 2 * MB - 12 * KB, 2 * MB + 12 * KB },
	};
	const struct vcm_phys_memtype_cfg mts[] = { { r0, 1, 0 }, { r1, 2, 0 } };

	(void)state;
	run(mts, 2, 3000);
}

static void test_fragmentation(void **state)
{
	static const struct vcm_phys_range r = { 0x80000000ULL, 16 * MB };
	const struct vcm_phys_memtype_cfg mt = { &r, 1, 0 };
	static struct vcm_physmem *pages[4096];
	struct vcm_phys_stats st;
	struct world *w = malloc(sizeof(*w));

	(void)state;
	world_init(w, &mt, 1);
	assert_int_equal(w->fresh[0].frag_permille, 0);
	assert_int_equal(w->fresh[0].chunk_free[0], 16);
	/* fill with 4 KiB pages, then free every other one: half free, no 64K or 1M chunk */
	for (int i = 0; i < 4096; i++)
		assert_int_equal(vcm_phys_alloc(w->phys, 0, 4 * KB, 0, &pages[i]), 0);
	for (int i = 0; i < 4096; i += 2)
		assert_int_equal(vcm_phys_free(w->phys, pages[i]), 0);
	assert_int_equal(vcm_phys_check_(w->phys), 0);
	assert_int_equal(vcm_phys_stats(w->phys, 0, &st), 0);
	assert_int_equal(st.free_bytes, 8 * MB);
	assert_int_equal(st.chunk_free[0], 0);
	assert_int_equal(st.chunk_free[1], 0);
	assert_int_equal(st.chunk_free[2], 2048);
	assert_int_equal(st.largest_free_run, 4 * KB);
	assert_int_equal(st.frag_permille, 1000);
	/* an 8 MB request still succeeds, as 2048 pages */
	{
		struct vcm_physmem *m;

		assert_int_equal(vcm_phys_alloc(w->phys, 0, 8 * MB, 0, &m), 0);
		assert_int_equal(vcm_phys_mem_chunks(m), 2048);
		assert_int_equal(vcm_phys_free(w->phys, m), 0);
	}
	/* free the odd pages of the first half: 8 x 1 MB come back, frag halves */
	for (int i = 1; i < 2048; i += 2)
		assert_int_equal(vcm_phys_free(w->phys, pages[i]), 0);
	assert_int_equal(vcm_phys_stats(w->phys, 0, &st), 0);
	assert_int_equal(st.chunk_free[0], 8);
	assert_int_equal(st.free_bytes, 12 * MB);
	assert_int_equal(st.frag_permille, 1000 - 8 * 1000 / 12);
	assert_int_equal(st.largest_free_block, 8 * MB);
	for (int i = 2049; i < 4096; i += 2)
		assert_int_equal(vcm_phys_free(w->phys, pages[i]), 0);
	assert_int_equal(vcm_phys_stats(w->phys, 0, &st), 0);
	assert_memory_equal(&st, &w->fresh[0], sizeof(st));
	assert_int_equal(st.largest_free_block, 16 * MB);
	world_fini(w);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prop_default_sizes),
		cmocka_unit_test(test_prop_other_sizes),
		cmocka_unit_test(test_prop_top_of_64bit),
		cmocka_unit_test(test_fragmentation),
	};
	g_seed = test_seed("test_phys_prop", (uint64_t)time(NULL));
	g_rng = g_seed;
	fflush(stdout);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
