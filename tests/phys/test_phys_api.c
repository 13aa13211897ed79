// SPDX-License-Identifier: MIT
/*
 * The phys layer's calls one by one: the documented behaviour of each, and
 * every error case with its errno and message, checking that a failure
 * changes nothing (stats equal, validator clean). The memtypes sit at physical
 * addresses this process has not mapped: any access to them would crash.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/phys.h>
#include <vcm/hosted.h>

#define MB (1024ULL * 1024ULL)
#define KB 1024ULL

/* A metadata allocator that counts live blocks and can fail on the n-th call. */
struct meta_ctx {
	long calls;
	long fail_at; /* 0 = never */
	long live;
};

static void *meta_alloc(void *ctx, size_t size)
{
	struct meta_ctx *m = ctx;

	if (m->fail_at != 0 && ++m->calls == m->fail_at)
		return NULL;
	m->live++;
	return malloc(size);
}

static void meta_free(void *ctx, void *p, size_t size)
{
	struct meta_ctx *m = ctx;

	(void)size;
	m->live--;
	free(p);
}

static struct meta_ctx g_meta;
static struct vcm_plat_ops g_plat;

static const struct vcm_phys_range g_ranges0[] = {
	{ 0x80000000ULL, 32 * MB },
};
static const struct vcm_phys_range g_ranges1[] = {
	{ 0xc0100000ULL, 3 * MB },  /* touches the next one: joined */
	{ 0xc0000000ULL, 1 * MB },
	{ 0xd0001000ULL, 64 * KB }, /* not 64 KiB aligned */
};

static struct vcm_phys_memtype_cfg g_mts[2];
static struct vcm_phys_cfg g_cfg;

static void reset_cfg(void)
{
	memset(&g_meta, 0, sizeof(g_meta));
	g_plat.ctx = &g_meta;
	g_plat.meta_alloc = meta_alloc;
	g_plat.meta_free = meta_free;
	g_mts[0] = (struct vcm_phys_memtype_cfg){ g_ranges0, 1, 0 };
	g_mts[1] = (struct vcm_phys_memtype_cfg){ g_ranges1, 3, 0 };
	g_cfg = (struct vcm_phys_cfg){ g_mts, 2, &g_plat };
}

static struct vcm_phys *make(void)
{
	struct vcm_phys *p = NULL;
	struct vcm_diag d = { 0 };

	reset_cfg();
	assert_int_equal(vcm_phys_create(&g_cfg, &p, &d), 0);
	assert_non_null(p);
	return p;
}

static void done(struct vcm_phys *p)
{
	assert_int_equal(vcm_phys_check_(p), 0);
	assert_int_equal(vcm_phys_destroy(p), 0);
	assert_int_equal(g_meta.live, 0);
}

/* Does @msg start with "@fn: " (@fn ends at the first '(' of a call's text)? */
static bool has_prefix(const char *msg, const char *fn)
{
	size_t n = strcspn(fn, "(");

	return strncmp(msg, fn, n) == 0 && msg[n] == ':' && msg[n + 1] == ' ';
}

/*
 * @call failed with @err and recorded "<the public call>: ..." containing
 * @needle, and the set is still consistent.
 */
#define expect_err(p, call, err, needle) expect_err_(p, (call), err, #call, needle)

static void expect_err_(struct vcm_phys *p, int ret, int err, const char *call, const char *needle)
{
	const char *msg = vcm_phys_last_error(p);

	if (ret != err || strstr(msg, needle) == NULL || !has_prefix(msg, call))
		fail_msg("%s: got %d (want %d), message \"%s\" (want \"%s\" after the call's name)",
			 call, ret, err, msg, needle);
	assert_int_equal(vcm_phys_check_(p), 0);
}

static void same_stats(struct vcm_phys *p, unsigned int mt, const struct vcm_phys_stats *before)
{
	struct vcm_phys_stats now;

	assert_int_equal(vcm_phys_stats(p, mt, &now), 0);
	assert_memory_equal(&now, before, sizeof(now));
}

/* ---- create ------------------------------------------------------------- */

static void expect_create(int err, const char *needle)
{
	struct vcm_phys *p = (struct vcm_phys *)0x1;
	struct vcm_diag d = { 0 };
	int ret = vcm_phys_create(&g_cfg, &p, &d);

	if (ret != err || strstr(d.msg, needle) == NULL || !has_prefix(d.msg, "vcm_phys_create"))
		fail_msg("create: got %d (want %d), \"%s\" (want \"vcm_phys_create: ...%s\")", ret,
			 err, d.msg, needle);
	assert_ptr_equal(p, (struct vcm_phys *)0x1);
	assert_int_equal(g_meta.live, 0);
}

static void test_create_errors(void **state)
{
	struct vcm_phys_range r[2];
	struct vcm_diag d = { 0 };
	struct vcm_plat_ops bad;
	struct vcm_phys *dummy = NULL;

	(void)state;
	reset_cfg();
	assert_int_equal(vcm_phys_create(&g_cfg, NULL, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_phys_create: out is NULL");
	assert_int_equal(vcm_phys_create(NULL, &dummy, &d), -EINVAL);
	assert_string_equal(d.msg, "vcm_phys_create: cfg is NULL");
	assert_int_equal(vcm_phys_create(NULL, &dummy, NULL), -EINVAL);

	bad = g_plat;
	bad.meta_free = NULL;
	g_cfg.plat = &bad;
	expect_create(-EINVAL, "meta_alloc or meta_free");
	g_cfg.plat = NULL;
	expect_create(-EINVAL, "meta_alloc or meta_free");

	reset_cfg();
	g_cfg.nr_memtypes = 0;
	expect_create(-EINVAL, "nr_memtypes 0");
	g_cfg.nr_memtypes = VCM_PHYS_MAX_MEMTYPES + 1;
	expect_create(-EINVAL, "nr_memtypes 33");
	reset_cfg();
	g_cfg.memtypes = NULL;
	expect_create(-EINVAL, "memtypes NULL");

	reset_cfg();
	g_mts[1].nr_ranges = 0;
	expect_create(-EINVAL, "memtypes[1] has no ranges");
	reset_cfg();
	g_mts[0].ranges = NULL;
	expect_create(-EINVAL, "memtypes[0] has no ranges");

	reset_cfg();
	g_mts[0].chunk_sizes = VCM_PHYS_64KB | 0x800; /* 2 KiB */
	expect_create(-EINVAL, "chunk_sizes 0x10800 has bit 0x800");
	g_mts[0].chunk_sizes = VCM_PHYS_4KB | (1ULL << 41);
	expect_create(-EINVAL, "bit 0x20000000000");

	reset_cfg();
	r[0] = (struct vcm_phys_range){ 0x100000, 0 };
	g_mts[0].ranges = r;
	expect_create(-EINVAL, "memtypes[0].ranges[0].len is 0");
	r[0] = (struct vcm_phys_range){ 0x100800, 0x10000 };
	expect_create(-EINVAL,
		      "pa 0x100800 len 0x10000 is not a multiple of the smallest chunk 0x1000");
	r[0] = (struct vcm_phys_range){ 0x100000, 0x10800 };
	expect_create(-EINVAL, "is not a multiple of the smallest chunk");
	g_mts[0].chunk_sizes = VCM_PHYS_64KB;
	r[0] = (struct vcm_phys_range){ 0x101000, 0x10000 };
	expect_create(-EINVAL, "smallest chunk 0x10000");
	g_mts[0].chunk_sizes = 0;
	r[0] = (struct vcm_phys_range){ 0xfffffffffff00000ULL, 0x200000 };
	expect_create(-EOVERFLOW, "pa 0xfffffffffff00000 + len 0x200000 wraps");

	/* overlap: the message names both ranges in the caller's numbering */
	r[0] = (struct vcm_phys_range){ 0x200000, 0x100000 };
	r[1] = (struct vcm_phys_range){ 0x100000, 0x101000 };
	g_mts[0].nr_ranges = 2;
	expect_create(-EINVAL,
		      "ranges[1] [0x100000, 0x200fff] overlaps ranges[0] [0x200000, 0x2fffff]");
	r[1] = (struct vcm_phys_range){ 0x200000, 0x1000 };
	expect_create(-EINVAL, "overlaps");

	/* more than 2^32 - 2 smallest chunks */
	g_mts[0].nr_ranges = 1;
	r[0] = (struct vcm_phys_range){ 0, 1ULL << 44 };
	expect_create(-ERANGE, "more than 2^32 - 2 chunks of 0x1000");
}

static void test_create_nomem(void **state)
{
	(void)state;
	/* Fail each metadata allocation in turn: -ENOMEM, nothing leaked, out untouched. */
	for (long n = 1;; n++) {
		struct vcm_phys *p = NULL;
		struct vcm_diag d = { 0 };
		int ret;

		reset_cfg();
		g_meta.fail_at = n;
		ret = vcm_phys_create(&g_cfg, &p, &d);
		if (ret == 0) {
			assert_true(n > 3);
			done(p);
			break;
		}
		assert_int_equal(ret, -ENOMEM);
		assert_null(p);
		assert_true(has_prefix(d.msg, "vcm_phys_create"));
		assert_non_null(strstr(d.msg, "no metadata"));
		assert_int_equal(g_meta.live, 0);
	}
}

static void test_create_ok(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_phys_stats st;
	vcm_pa_t pa;
	uint64_t len;

	(void)state;
	/* RFC vcm_get_cont_memtype_pa/len: the first (lowest) region; touching ranges joined */
	assert_int_equal(vcm_phys_memtype_range(p, 1, 0, &pa, &len), 0);
	assert_int_equal(pa, 0xc0000000ULL);
	assert_int_equal(len, 4 * MB);
	assert_int_equal(vcm_phys_memtype_range(p, 1, 1, &pa, &len), 0);
	assert_int_equal(pa, 0xd0001000ULL);
	assert_int_equal(len, 64 * KB);
	assert_int_equal(vcm_phys_memtype_range(p, 1, 2, &pa, &len), -ENOENT);
	expect_err(p, vcm_phys_memtype_range(p, 2, 0, &pa, &len), -EINVAL,
		   "memtype 2 is not below");
	expect_err(p, vcm_phys_memtype_range(p, 0, 0, NULL, &len), -EINVAL, "pa or len is NULL");

	assert_int_equal(vcm_phys_stats(p, 1, &st), 0);
	assert_int_equal(st.total_bytes, 4 * MB + 64 * KB);
	assert_int_equal(st.free_bytes, st.total_bytes);
	assert_int_equal(st.largest_free_block, 4 * MB);
	assert_int_equal(st.largest_free_run, 4 * MB);
	assert_int_equal(st.nr_sizes, 3);
	assert_int_equal(st.chunk_size[0], 1 * MB);
	assert_int_equal(st.chunk_size[2], 4 * KB);
	assert_int_equal(st.chunk_free[0], 4);
	assert_int_equal(st.chunk_free[1], 64);  /* the unaligned 64 KiB range has none */
	assert_int_equal(st.chunk_free[2], 1040);
	assert_int_equal(st.frag_permille, 0);
	expect_err(p, vcm_phys_stats(p, 2, &st), -EINVAL, "memtype 2");
	expect_err(p, vcm_phys_stats(p, 0, NULL), -EINVAL, "st is NULL");
	assert_int_equal(vcm_phys_stats(NULL, 0, &st), -EINVAL);
	assert_string_equal(vcm_phys_last_error(NULL), "vcm_phys_last_error: phys is NULL");
	done(p);
}

/* ---- chunked allocation ------------------------------------------------- */

static void expect_chunks(const struct vcm_physmem *m, const uint64_t *lens, size_t n)
{
	uint64_t it = 0, len, total = 0;
	vcm_pa_t pa;
	size_t i = 0;

	while (vcm_phys_next_chunk(m, &it, &pa, &len) == 0) {
		assert_true(i < n);
		assert_int_equal(len, lens[i]);
		if (pa & (len - 1))
			fail_msg("chunk %zu pa %#llx len %#llx misaligned", i,
				 (unsigned long long)pa, (unsigned long long)len);
		total += len;
		i++;
	}
	assert_int_equal(i, n);
	assert_int_equal(vcm_phys_mem_chunks(m), n);
	assert_int_equal(vcm_phys_mem_len(m), total);
}

static void test_alloc_largest_first(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_physmem *m, *c;
	uint64_t lens[32], it = 0, len, n = 0, sum = 0;
	vcm_pa_t pa;

	(void)state;
	/* The RFC's 16 MB frame buffer plus odd bits: 16 x 1M, 1 x 64K, 3 x 4K, in that order. */
	assert_int_equal(vcm_phys_alloc(p, 0, 16 * MB + 64 * KB + 12 * KB, 0, &m), 0);
	for (int i = 0; i < 16; i++)
		lens[i] = MB;
	lens[16] = 64 * KB;
	lens[17] = lens[18] = lens[19] = 4 * KB;
	expect_chunks(m, lens, 20);
	assert_int_equal(vcm_phys_memtype_of(m), 0);
	/* extents: same bytes, fewer entries (all fresh chunks are adjacent here) */
	while (vcm_phys_next_extent(m, &it, &pa, &len) == 0) {
		n++;
		sum += len;
	}
	assert_int_equal(sum, 16 * MB + 76 * KB);
	assert_true(n >= 1 && n <= 20);
	assert_int_equal(it, 20);
	assert_int_equal(vcm_phys_next_extent(m, &it, &pa, &len), -ENOENT);
	assert_int_equal(vcm_phys_check_(p), 0);

	/* 64 KB-contiguous buffers (RFC example step 4): VCM_PHYS_CONT aligns to 4 KiB only. */
	assert_int_equal(vcm_phys_alloc(p, 0, 64 * KB, VCM_PHYS_CONT, &c), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(c, &it, &pa, &len), 0);
	assert_int_equal(len, 64 * KB);
	assert_int_equal(pa, 0x81013000ULL); /* first fit, right after m */
	assert_int_equal(vcm_phys_free(p, c), 0);
	assert_int_equal(vcm_phys_alloc_cont(p, 0, 64 * KB, 64 * KB, &c), 0);
	expect_chunks(c, (uint64_t[]){ 64 * KB }, 1);
	assert_int_equal(vcm_phys_free(p, c), 0);

	/* Size flags restrict: 4 KiB only. */
	assert_int_equal(vcm_phys_alloc(p, 0, 64 * KB, VCM_PHYS_4KB, &c), 0);
	expect_chunks(c, (uint64_t[]){ 4 * KB, 4 * KB, 4 * KB, 4 * KB, 4 * KB, 4 * KB, 4 * KB,
				       4 * KB, 4 * KB, 4 * KB, 4 * KB, 4 * KB, 4 * KB, 4 * KB,
				       4 * KB, 4 * KB }, 16);
	assert_int_equal(vcm_phys_free(p, c), 0);
	/* 64K|4K: no 1 MB chunk even when it would fit */
	assert_int_equal(vcm_phys_alloc(p, 0, MB + 4 * KB, VCM_PHYS_64KB | VCM_PHYS_4KB, &c), 0);
	assert_int_equal(vcm_phys_mem_chunks(c), 17);
	assert_int_equal(vcm_phys_free(p, c), 0);
	/* VCM_PHYS_ALL wins over size bits */
	assert_int_equal(vcm_phys_alloc(p, 0, MB, VCM_PHYS_ALL | VCM_PHYS_4KB, &c), 0);
	assert_int_equal(vcm_phys_mem_chunks(c), 1);
	assert_int_equal(vcm_phys_free(p, c), 0);
	assert_int_equal(vcm_phys_free(p, m), 0);
	done(p);
}

static void test_alloc_errors(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_phys_stats before;
	struct vcm_physmem *m = (struct vcm_physmem *)0x1;

	(void)state;
	assert_int_equal(vcm_phys_stats(p, 0, &before), 0);
	assert_int_equal(vcm_phys_alloc(NULL, 0, 4096, 0, &m), -EINVAL);
	expect_err(p, vcm_phys_alloc(p, 0, 4096, 0, NULL), -EINVAL, "vcm_phys_alloc: out is NULL");
	expect_err(p, vcm_phys_alloc(p, 2, 4096, 0, &m), -EINVAL,
		   "memtype 2 is not below the set's 2 memtypes");
	expect_err(p, vcm_phys_alloc(p, 0, 0, 0, &m), -EINVAL, "len is 0");
	expect_err(p, vcm_phys_alloc(p, 0, 0x1800, 0, &m), -EINVAL,
		   "len 0x1800 is not a multiple of the smallest allowed chunk 0x1000");
	expect_err(p, vcm_phys_alloc(p, 0, 0x11000, VCM_PHYS_64KB, &m), -EINVAL,
		   "smallest allowed chunk 0x10000");
	expect_err(p, vcm_phys_alloc(p, 0, 4096, 0x4, &m), -EINVAL,
		   "flags 0x4 has unknown bit 0x4");
	expect_err(p, vcm_phys_alloc(p, 0, 4096, VCM_PHYS_4KB | (1ULL << 63), &m), -EINVAL,
		   "unknown bit 0x8000000000000000");
	expect_err(p, vcm_phys_alloc(p, 0, 4096, 0x800, &m), -EINVAL, "unknown bit 0x800");
	expect_err(p, vcm_phys_alloc(p, 0, 16 * KB, VCM_PHYS_16KB, &m), -EINVAL,
		   "size bit 0x4000 is not a chunk size of memtype 0 (sizes 0x111000)");
	expect_err(p, vcm_phys_alloc(p, 0, 64 * KB, VCM_PHYS_CONT | VCM_PHYS_64KB, &m), -EINVAL,
		   "mixes VCM_PHYS_CONT with chunk-size bits 0x10000");
	expect_err(p, vcm_phys_alloc(p, 0, 33 * MB, 0, &m), -ENOMEM,
		   "memtype 0 cannot give len 0x2100000 in sizes 0x111000: 0x100000 bytes short");
	expect_err(p, vcm_phys_alloc(p, 0, 33 * MB, VCM_PHYS_CONT, &m), -ENOMEM,
		   "no free run of len 0x2100000");
	assert_ptr_equal(m, (struct vcm_physmem *)0x1);
	same_stats(p, 0, &before);

	/* alloc_cont */
	assert_int_equal(vcm_phys_alloc_cont(NULL, 0, 4096, 0, &m), -EINVAL);
	expect_err(p, vcm_phys_alloc_cont(p, 0, 4096, 0x3000, &m), -EINVAL,
		   "vcm_phys_alloc_cont: align 0x3000 is not a power of two");
	expect_err(p, vcm_phys_alloc_cont(p, 0, 0x1800, 0, &m), -EINVAL,
		   "len 0x1800 is not a multiple of memtype 0's smallest chunk 0x1000");
	expect_err(p, vcm_phys_alloc_cont(p, 0, 0, 0, &m), -EINVAL, "len is 0");
	expect_err(p, vcm_phys_alloc_cont(p, 5, 4096, 0, &m), -EINVAL, "memtype 5");
	expect_err(p, vcm_phys_alloc_cont(p, 0, 4096, 0, NULL), -EINVAL, "out is NULL");
	expect_err(p, vcm_phys_alloc_cont(p, 0, 4096, 1ULL << 40, &m), -ENOMEM,
		   "aligned to 0x10000000000");
	assert_ptr_equal(m, (struct vcm_physmem *)0x1);
	same_stats(p, 0, &before);
	done(p);
}

static void test_alloc_nomem_meta(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_phys_stats before;
	struct vcm_physmem *m = NULL;

	(void)state;
	assert_int_equal(vcm_phys_stats(p, 0, &before), 0);
	/* the chunk list, then the record slab */
	g_meta.calls = 0;
	g_meta.fail_at = 1;
	expect_err(p, vcm_phys_alloc(p, 0, 2 * MB, 0, &m), -ENOMEM,
		   "no metadata for a record of 2");
	g_meta.calls = 0;
	g_meta.fail_at = 2;
	expect_err(p, vcm_phys_alloc(p, 0, 2 * MB, 0, &m), -ENOMEM, "no metadata");
	g_meta.calls = 0;
	g_meta.fail_at = 1;
	expect_err(p, vcm_phys_alloc(p, 0, MB, VCM_PHYS_CONT, &m), -ENOMEM,
		   "no metadata for the record");
	g_meta.calls = 0;
	expect_err(p, vcm_phys_wrap(p, 0, 4096, &m), -ENOMEM, "no metadata for the record");
	assert_null(m);
	same_stats(p, 0, &before);
	g_meta.fail_at = 0;
	done(p);
}

static void test_all_or_nothing(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_phys_stats before;
	struct vcm_physmem *a, *b, *m = NULL;

	(void)state;
	/* Fill all but 3 MB, then ask for 4 MB: refused, the 3 MB stay free. */
	assert_int_equal(vcm_phys_alloc(p, 0, 29 * MB, 0, &a), 0);
	assert_int_equal(vcm_phys_stats(p, 0, &before), 0);
	assert_int_equal(before.free_bytes, 3 * MB);
	expect_err(p, vcm_phys_alloc(p, 0, 4 * MB, 0, &m), -ENOMEM, "0x100000 bytes short");
	assert_null(m);
	same_stats(p, 0, &before);
	assert_int_equal(vcm_phys_alloc(p, 0, 3 * MB, 0, &b), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	assert_int_equal(vcm_phys_free(p, b), 0);
	done(p);
}

static void test_cont(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_physmem *a, *b, *c;
	uint64_t it = 0, len;
	vcm_pa_t pa;

	(void)state;
	/* 3 MB + 4 KB contiguous, 1 MB aligned: first fit at the bottom. */
	assert_int_equal(vcm_phys_alloc_cont(p, 0, 3 * MB + 4 * KB, MB, &a), 0);
	assert_int_equal(vcm_phys_next_chunk(a, &it, &pa, &len), 0);
	assert_int_equal(pa, 0x80000000ULL);
	assert_int_equal(len, 3 * MB + 4 * KB);
	assert_int_equal(vcm_phys_next_chunk(a, &it, &pa, &len), -ENOENT);
	/* next 1 MB-aligned run starts at +4 MB */
	assert_int_equal(vcm_phys_alloc_cont(p, 0, 4 * KB, MB, &b), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(b, &it, &pa, &len), 0);
	assert_int_equal(pa, 0x80400000ULL);
	/* small alignment (rounded up to 4 KiB) fills the hole right after a */
	assert_int_equal(vcm_phys_alloc_cont(p, 0, 8 * KB, 16, &c), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(c, &it, &pa, &len), 0);
	assert_int_equal(pa, 0x80301000ULL);
	assert_int_equal(vcm_phys_check_(p), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	assert_int_equal(vcm_phys_free(p, c), 0);
	assert_int_equal(vcm_phys_free(p, b), 0);
	/* the memtype of memtype 1 with a 64 KiB range at an odd address */
	expect_err(p, vcm_phys_alloc_cont(p, 1, 4 * MB + 4 * KB, 0, &a), -ENOMEM,
		   "memtype 1 has no free run of len 0x401000");
	assert_int_equal(vcm_phys_alloc_cont(p, 1, 4 * MB, 0, &a), 0);
	assert_int_equal(vcm_phys_alloc_cont(p, 1, 64 * KB, 0, &b), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(b, &it, &pa, &len), 0);
	assert_int_equal(pa, 0xd0001000ULL);
	assert_int_equal(vcm_phys_memtype_of(b), 1);
	assert_int_equal(vcm_phys_free(p, b), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	done(p);
}

/* ---- wrap, free, handles ------------------------------------------------ */

static void test_wrap(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_physmem *w = (struct vcm_physmem *)0x1;
	struct vcm_phys_stats before;
	uint64_t it = 0, len;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_phys_stats(p, 0, &before), 0);
	assert_int_equal(vcm_phys_wrap(NULL, 0, 4096, &w), -EINVAL);
	expect_err(p, vcm_phys_wrap(p, 0, 4096, NULL), -EINVAL, "vcm_phys_wrap: out is NULL");
	expect_err(p, vcm_phys_wrap(p, 0, 0, &w), -EINVAL, "len is 0");
	expect_err(p, vcm_phys_wrap(p, 0x1800, 4096, &w), -EINVAL,
		   "pa 0x1800 is not 4 KiB aligned");
	expect_err(p, vcm_phys_wrap(p, 0x1000, 0x1800, &w), -EINVAL,
		   "len 0x1800 is not a multiple of 4 KiB");
	expect_err(p, vcm_phys_wrap(p, 0xfffffffffffff000ULL, 0x2000, &w), -EOVERFLOW,
		   "pa 0xfffffffffffff000 + len 0x2000 wraps");
	assert_ptr_equal(w, (struct vcm_physmem *)0x1);
	/* a range inside memtype 0: not taken from it */
	assert_int_equal(vcm_phys_wrap(p, 0x80000000ULL, 8 * MB, &w), 0);
	same_stats(p, 0, &before);
	assert_int_equal(vcm_phys_memtype_of(w), -ENOENT);
	assert_int_equal(vcm_phys_next_chunk(w, &it, &pa, &len), 0);
	assert_int_equal(pa, 0x80000000ULL);
	assert_int_equal(len, 8 * MB);
	assert_int_equal(vcm_phys_next_chunk(w, &it, &pa, &len), -ENOENT);
	assert_int_equal(vcm_phys_destroy(p), -EBUSY);
	assert_string_equal(vcm_phys_last_error(p),
			    "vcm_phys_destroy: 1 allocations are still live");
	assert_int_equal(vcm_phys_free(p, w), 0);
	same_stats(p, 0, &before);
	expect_err(p, vcm_phys_free(p, w), -EINVAL, "was already freed");
	done(p);
}

static void test_handles(void **state)
{
	struct vcm_phys *p = make(), *q;
	struct vcm_physmem *m, *foreign;
	static uint64_t stack_mem[128]; /* zeroed: larger than a set, carries no magic */
	struct vcm_phys_stats before;
	struct vcm_diag d = { 0 };
	uint64_t it = 0, len;
	vcm_pa_t pa;

	(void)state;
	assert_int_equal(vcm_phys_create(&g_cfg, &q, &d), 0);
	assert_int_equal(vcm_phys_alloc(q, 0, MB, 0, &foreign), 0);
	assert_int_equal(vcm_phys_alloc(p, 0, MB, 0, &m), 0);
	assert_int_equal(vcm_phys_stats(p, 0, &before), 0);

	assert_int_equal(vcm_phys_free(NULL, m), -EINVAL);
	expect_err(p, vcm_phys_free(p, NULL), -EINVAL, "vcm_phys_free: mem is NULL");
	expect_err(p, vcm_phys_free(p, foreign), -EINVAL, "is not an allocation of this set");
	expect_err(p, vcm_phys_free(p, (struct vcm_physmem *)stack_mem), -EINVAL,
		   "is not an allocation of this set");
	expect_err(p, vcm_phys_free(p, (struct vcm_physmem *)((char *)m + 8)), -EINVAL,
		   "is not an allocation of this set");
	same_stats(p, 0, &before);

	/* iterator argument errors */
	expect_err(p, vcm_phys_next_chunk(m, NULL, &pa, &len), -EINVAL, "iter, pa or len is NULL");
	expect_err(p, vcm_phys_next_extent(m, &it, NULL, &len), -EINVAL, "iter, pa or len is NULL");
	assert_int_equal(vcm_phys_next_chunk(NULL, &it, &pa, &len), -EINVAL);

	assert_int_equal(vcm_phys_free(p, m), 0);
	/* freed: every use is an error, not a crash */
	expect_err(p, vcm_phys_free(p, m), -EINVAL, "was already freed");
	expect_err(p, vcm_phys_next_chunk(m, &it, &pa, &len), -EINVAL,
		   "vcm_phys_next_chunk: mem");
	expect_err(p, vcm_phys_memtype_of(m), -EINVAL, "vcm_phys_memtype_of: mem");
	assert_non_null(strstr(vcm_phys_last_error(p), "was freed"));
	assert_int_equal(vcm_phys_memtype_of(NULL), -EINVAL);
	assert_int_equal(vcm_phys_mem_len(m), 0);
	assert_int_equal(vcm_phys_mem_chunks(m), 0);

	assert_int_equal(vcm_phys_free(q, foreign), 0);
	assert_int_equal(vcm_phys_destroy(q), 0);
	assert_int_equal(vcm_phys_destroy(NULL), 0);
	/* memory that is not a set (magic wrong): refused without a message */
	assert_int_equal(vcm_phys_destroy((struct vcm_phys *)stack_mem), -EINVAL);
	assert_int_equal(vcm_phys_alloc((struct vcm_phys *)stack_mem, 0, 4096, 0, &m), -EINVAL);
	assert_string_equal(vcm_phys_last_error((struct vcm_phys *)stack_mem),
			    "vcm_phys_last_error: phys is not a live set");
	done(p);
}

static void test_no_record_leak(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_physmem *m[100];
	long meta_live;

	(void)state;
	/* records are reused: many alloc/free rounds do not grow the metadata */
	for (int i = 0; i < 100; i++)
		assert_int_equal(vcm_phys_alloc(p, 0, 12 * KB, 0, &m[i]), 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(vcm_phys_free(p, m[i]), 0);
	meta_live = g_meta.live;
	for (int round = 0; round < 50; round++) {
		for (int i = 0; i < 100; i++)
			assert_int_equal(vcm_phys_alloc(p, 0, 12 * KB, 0, &m[i]), 0);
		for (int i = 0; i < 100; i++)
			assert_int_equal(vcm_phys_free(p, m[i]), 0);
	}
	assert_int_equal(g_meta.live, meta_live);
	done(p);
}

/*
 * A memtype of many ranges, given out of order and not touching: every page
 * is found in its own range on the way back (buddies merge up to the range
 * size, never across a gap), including the first and the last range; a
 * contiguous run of a whole range is carved and given back in each.
 */
static void test_many_ranges(void **state)
{
	enum { NR = 41, PAGES = 4 };
	struct vcm_phys_range r[NR];
	struct vcm_physmem *m[NR * PAGES], *x;
	struct vcm_phys_stats st;
	struct vcm_phys *p;
	struct vcm_diag d = { 0 };
	uint64_t it, len;
	vcm_pa_t pa;

	(void)state;
	reset_cfg();
	for (unsigned int i = 0; i < NR; i++) /* 17 is prime to NR: a permutation */
		r[i] = (struct vcm_phys_range){ 0x100000000ULL + (i * 17U % NR) * 64 * KB,
						PAGES * 4 * KB };
	g_mts[0] = (struct vcm_phys_memtype_cfg){ r, NR, 4 * KB };
	g_cfg.nr_memtypes = 1;
	assert_int_equal(vcm_phys_create(&g_cfg, &p, &d), 0);
	for (unsigned int i = 0; i < NR; i++) {
		assert_int_equal(vcm_phys_memtype_range(p, 0, i, &pa, &len), 0);
		assert_int_equal(pa, 0x100000000ULL + i * 64 * KB);
		assert_int_equal(len, PAGES * 4 * KB);
	}
	for (unsigned int i = 0; i < NR * PAGES; i++) {
		assert_int_equal(vcm_phys_alloc(p, 0, 4 * KB, 0, &m[i]), 0);
		it = 0;
		assert_int_equal(vcm_phys_next_chunk(m[i], &it, &pa, &len), 0);
		assert_true(pa >= 0x100000000ULL && (pa - 0x100000000ULL) % (64 * KB) <
							     PAGES * 4 * KB);
	}
	expect_err(p, vcm_phys_alloc(p, 0, 4 * KB, 0, &x), -ENOMEM, "short");
	assert_int_equal(vcm_phys_check_(p), 0);
	/* odd ones first: no buddy is free yet, then every one is */
	for (unsigned int pass = 0; pass < 2U; pass++)
		for (unsigned int i = 1U - pass; i < NR * PAGES; i += 2U)
			assert_int_equal(vcm_phys_free(p, m[i]), 0);
	assert_int_equal(vcm_phys_check_(p), 0);
	assert_int_equal(vcm_phys_stats(p, 0, &st), 0);
	assert_int_equal(st.free_bytes, st.total_bytes);
	assert_int_equal(st.total_bytes, NR * PAGES * 4 * KB);
	assert_int_equal(st.largest_free_block, PAGES * 4 * KB);
	for (unsigned int i = 0; i < NR; i++) {
		assert_int_equal(vcm_phys_alloc_cont(p, 0, PAGES * 4 * KB, 0, &m[i]), 0);
		it = 0;
		assert_int_equal(vcm_phys_next_chunk(m[i], &it, &pa, &len), 0);
		assert_int_equal(pa, 0x100000000ULL + i * 64 * KB);
	}
	for (unsigned int i = NR; i-- > 0;)
		assert_int_equal(vcm_phys_free(p, m[i]), 0);
	assert_int_equal(vcm_phys_stats(p, 0, &st), 0);
	assert_int_equal(st.free_bytes, st.total_bytes);
	done(p);
}

/*
 * Records of many slabs (their index of slabs by address grows past its
 * first size): each is freed once, then refused as freed; a pointer inside
 * one, or a record of another set, or memory of no set is refused; the
 * index failing to grow fails the call and leaves nothing behind.
 */
static void test_many_records(void **state)
{
	enum { N = 20000 };
	struct vcm_physmem **m = calloc(N, sizeof(*m)), *foreign, *x = NULL;
	struct vcm_phys *p = make(), *q;
	struct vcm_diag d = { 0 };
	uint64_t *heap = calloc(64, sizeof(uint64_t));
	long live;
	unsigned int i;

	(void)state;
	assert_non_null(m);
	assert_non_null(heap);
	assert_int_equal(vcm_phys_create(&g_cfg, &q, &d), 0);
	assert_int_equal(vcm_phys_wrap(q, 0x1000, 4096, &foreign), 0);
	/* slabs of 32, 64, ... 4096 records: the 8161st needs a ninth slab */
	for (i = 0; i < 8160U; i++)
		assert_int_equal(vcm_phys_wrap(p, 0x1000ULL * (i + 1U), 4096, &m[i]), 0);
	live = g_meta.live;
	for (long n = 1; n <= 2; n++) {
		g_meta.calls = 0;
		g_meta.fail_at = n; /* the slab, then the index's growth */
		expect_err(p, vcm_phys_wrap(p, 0x1000ULL * (i + 1U), 4096, &x), -ENOMEM,
			   "no metadata for the record");
		assert_int_equal(g_meta.live, live);
	}
	g_meta.fail_at = 0;
	for (; i < N; i++)
		assert_int_equal(vcm_phys_wrap(p, 0x1000ULL * (i + 1U), 4096, &m[i]), 0);
	expect_err(p, vcm_phys_free(p, foreign), -EINVAL, "is not an allocation of this set");
	expect_err(p, vcm_phys_free(p, (struct vcm_physmem *)heap), -EINVAL,
		   "is not an allocation of this set");
	for (i = 0; i < N; i += 997U)
		expect_err(p, vcm_phys_free(p, (struct vcm_physmem *)((char *)m[i] + 8)),
			   -EINVAL, "is not an allocation of this set");
	/* every other one, then the rest: each freed once */
	for (unsigned int pass = 0; pass < 2U; pass++)
		for (i = pass; i < N; i += 2U)
			assert_int_equal(vcm_phys_free(p, m[i]), 0);
	for (i = 0; i < N; i += 499U)
		expect_err(p, vcm_phys_free(p, m[i]), -EINVAL, "was already freed");
	expect_err(p, vcm_phys_free(p, foreign), -EINVAL, "is not an allocation of this set");
	assert_int_equal(vcm_phys_free(q, foreign), 0);
	assert_int_equal(vcm_phys_destroy(q), 0);
	free(heap);
	free(m);
	done(p);
}

static void test_other_granule(void **state)
{
	/* A 16 KiB-page system: 2M, 64K, 16K chunks. */
	static const struct vcm_phys_range r = { 0x40000000ULL, 8 * MB };
	struct vcm_phys_memtype_cfg mt = { &r, 1, VCM_PHYS_2MB | VCM_PHYS_64KB | VCM_PHYS_16KB };
	struct vcm_phys_cfg cfg;
	struct vcm_phys *p;
	struct vcm_physmem *m;
	struct vcm_diag d = { 0 };

	(void)state;
	reset_cfg();
	cfg = (struct vcm_phys_cfg){ &mt, 1, &g_plat };
	assert_int_equal(vcm_phys_create(&cfg, &p, &d), 0);
	expect_err(p, vcm_phys_alloc(p, 0, 4 * KB, 0, &m), -EINVAL,
		   "len 0x1000 is not a multiple of the smallest allowed chunk 0x4000");
	expect_err(p, vcm_phys_alloc(p, 0, MB, VCM_PHYS_1MB, &m), -EINVAL,
		   "size bit 0x100000 is not a chunk size");
	assert_int_equal(vcm_phys_alloc(p, 0, 2 * MB + 64 * KB + 16 * KB, 0, &m), 0);
	expect_chunks(m, (uint64_t[]){ 2 * MB, 64 * KB, 16 * KB }, 3);
	assert_int_equal(vcm_phys_free(p, m), 0);
	done(p);
}

/* ---- ranges that end at 2^64 --------------------------------------------- */

/* vcm_phys_mem_extents() of @m gives what vcm_phys_next_extent() does, whole or cut at @max. */
static uint64_t same_extents(const struct vcm_physmem *m)
{
	struct vcm_seg seg[64], cut[3];
	uint64_t it = 0, len, i = 0, n = vcm_phys_mem_extents(m, NULL, 0);
	vcm_pa_t pa;

	assert_true(n >= 1 && n <= 64);
	assert_int_equal(vcm_phys_mem_extents(m, seg, 64), n);
	memset(cut, 0xa5, sizeof(cut));
	assert_int_equal(vcm_phys_mem_extents(m, cut, 2), n);
	assert_int_equal(cut[2].pa, 0xa5a5a5a5a5a5a5a5ULL); /* nothing past @max */
	while (vcm_phys_next_extent(m, &it, &pa, &len) == 0) {
		assert_int_equal(seg[i].pa, pa);
		assert_int_equal(seg[i].len, len);
		if (i < 2)
			assert_memory_equal(&cut[i], &seg[i], sizeof(seg[i]));
		i++;
	}
	assert_int_equal(i, n);
	return n;
}

/* The bulk form of vcm_phys_next_extent(): same pieces, counting, errors. */
static void test_mem_extents(void **state)
{
	struct vcm_phys *p = make();
	struct vcm_physmem *pages[16], *m;
	struct vcm_seg seg;

	(void)state;
	/* fresh memory: adjacent chunks merge */
	assert_int_equal(vcm_phys_alloc(p, 0, 16 * MB + 64 * KB + 12 * KB, 0, &m), 0);
	assert_true(same_extents(m) < vcm_phys_mem_chunks(m));
	assert_int_equal(vcm_phys_free(p, m), 0);
	/* every other page taken: one extent per page */
	for (int i = 0; i < 16; i++)
		assert_int_equal(vcm_phys_alloc(p, 0, 4 * KB, VCM_PHYS_4KB, &pages[i]), 0);
	for (int i = 0; i < 16; i += 2)
		assert_int_equal(vcm_phys_free(p, pages[i]), 0);
	assert_int_equal(vcm_phys_alloc(p, 0, 8 * 4 * KB, VCM_PHYS_4KB, &m), 0);
	assert_int_equal(same_extents(m), vcm_phys_mem_chunks(m));
	/* errors: 0 extents, and a message where there is a set to hold one */
	assert_int_equal(vcm_phys_mem_extents(NULL, &seg, 1), 0);
	assert_int_equal(vcm_phys_mem_extents(m, NULL, 1), 0);
	assert_true(has_prefix(vcm_phys_last_error(p), "vcm_phys_mem_extents"));
	assert_non_null(strstr(vcm_phys_last_error(p), "seg is NULL and max is 1"));
	assert_int_equal(vcm_phys_free(p, m), 0);
	assert_int_equal(vcm_phys_mem_extents(m, &seg, 1), 0);
	assert_true(has_prefix(vcm_phys_last_error(p), "vcm_phys_mem_extents"));
	assert_non_null(strstr(vcm_phys_last_error(p), "was freed"));
	for (int i = 1; i < 16; i += 2)
		assert_int_equal(vcm_phys_free(p, pages[i]), 0);
	done(p);
}

#define TOP(n) (0ULL - (n)) /* the address n bytes below 2^64 */

static void test_top_overlap(void **state)
{
	struct vcm_phys_range r[2];

	(void)state;
	/* Two ranges ending at 2^64 overlap: pa + len wraps to 0 for both. */
	reset_cfg();
	r[0] = (struct vcm_phys_range){ TOP(8 * KB), 8 * KB };
	r[1] = (struct vcm_phys_range){ TOP(4 * KB), 4 * KB };
	g_mts[0] = (struct vcm_phys_memtype_cfg){ r, 2, 0 };
	expect_create(-EINVAL, "memtypes[0].ranges[0] [0xffffffffffffe000, 0xffffffffffffffff] "
		      "overlaps ranges[1] [0xfffffffffffff000, 0xffffffffffffffff]");
	r[0] = (struct vcm_phys_range){ TOP(4 * KB), 4 * KB };
	r[1] = (struct vcm_phys_range){ TOP(8 * KB), 8 * KB };
	expect_create(-EINVAL,
		      "ranges[1] [0xffffffffffffe000, 0xffffffffffffffff] overlaps ranges[0]");
}

static void test_top_ranges(void **state)
{
	static const struct vcm_phys_range touching[] = {
		{ TOP(4 * KB), 4 * KB },
		{ TOP(8 * KB), 4 * KB },
	};
	static const struct vcm_phys_range top = { TOP(2 * MB), 2 * MB };
	struct vcm_phys_memtype_cfg mts[2] = { { &top, 1, 0 }, { touching, 2, 0 } };
	struct vcm_phys_cfg cfg;
	struct vcm_phys_stats st;
	struct vcm_physmem *a, *b, *c;
	struct vcm_phys *p;
	struct vcm_diag d = { 0 };
	uint64_t it = 0, len;
	vcm_pa_t pa;

	(void)state;
	reset_cfg();
	cfg = (struct vcm_phys_cfg){ mts, 2, &g_plat };
	assert_int_equal(vcm_phys_create(&cfg, &p, &d), 0);
	/* touching ranges at the top are joined into one region */
	assert_int_equal(vcm_phys_memtype_range(p, 1, 0, &pa, &len), 0);
	assert_int_equal(pa, TOP(8 * KB));
	assert_int_equal(len, 8 * KB);
	assert_int_equal(vcm_phys_memtype_range(p, 1, 1, &pa, &len), -ENOENT);
	assert_int_equal(vcm_phys_stats(p, 0, &st), 0);
	assert_int_equal(st.largest_free_run, 2 * MB);
	assert_int_equal(st.largest_free_block, 2 * MB);

	/* a fully free memtype up to 2^64 serves a contiguous allocation of all of it */
	assert_int_equal(vcm_phys_alloc_cont(p, 0, 2 * MB, 0, &a), 0);
	assert_int_equal(vcm_phys_next_chunk(a, &it, &pa, &len), 0);
	assert_int_equal(pa, TOP(2 * MB));
	assert_int_equal(len, 2 * MB);
	assert_int_equal(vcm_phys_check_(p), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	assert_int_equal(vcm_phys_check_(p), 0);

	/* a run that ends at 2^64 behind a used page */
	assert_int_equal(vcm_phys_alloc(p, 0, 4 * KB, 0, &a), 0);
	assert_int_equal(vcm_phys_alloc_cont(p, 0, 2 * MB - 4 * KB, 0, &b), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(b, &it, &pa, &len), 0);
	assert_int_equal(pa + (len - 1), UINT64_MAX);
	assert_int_equal(vcm_phys_check_(p), 0);
	expect_err(p, vcm_phys_alloc_cont(p, 0, 4 * KB, 0, &c), -ENOMEM, "no free run");
	assert_int_equal(vcm_phys_free(p, b), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	assert_int_equal(vcm_phys_check_(p), 0);

	/* aligned halves, the upper one ending at 2^64 */
	assert_int_equal(vcm_phys_alloc_cont(p, 0, MB, MB, &a), 0);
	assert_int_equal(vcm_phys_alloc_cont(p, 0, MB, MB, &b), 0);
	it = 0;
	assert_int_equal(vcm_phys_next_chunk(b, &it, &pa, &len), 0);
	assert_int_equal(pa, TOP(MB));
	assert_int_equal(vcm_phys_free(p, a), 0);
	assert_int_equal(vcm_phys_free(p, b), 0);

	/* chunks up to the top: one extent, not merged past 2^64 */
	assert_int_equal(vcm_phys_alloc(p, 0, 2 * MB, 0, &a), 0);
	assert_int_equal(vcm_phys_mem_chunks(a), 2);
	it = 0;
	assert_int_equal(vcm_phys_next_extent(a, &it, &pa, &len), 0);
	assert_int_equal(pa, TOP(2 * MB));
	assert_int_equal(len, 2 * MB);
	assert_int_equal(vcm_phys_next_extent(a, &it, &pa, &len), -ENOENT);
	assert_int_equal(same_extents(a), 1);
	assert_int_equal(vcm_phys_free(p, a), 0);

	/* the joined region at the top: each page once, then no more */
	assert_int_equal(vcm_phys_alloc(p, 1, 4 * KB, 0, &a), 0);
	assert_int_equal(vcm_phys_alloc(p, 1, 4 * KB, 0, &b), 0);
	expect_err(p, vcm_phys_alloc(p, 1, 4 * KB, 0, &c), -ENOMEM, "0x1000 bytes short");
	assert_int_equal(vcm_phys_free(p, a), 0);
	assert_int_equal(vcm_phys_free(p, b), 0);
	assert_int_equal(vcm_phys_alloc_cont(p, 1, 8 * KB, 8 * KB, &a), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	done(p);
}

/*
 * Ranges that make all of [0, 2^64): no byte count of the memtype could hold
 * 2^64, so it is refused (the two halves were joined into a length that
 * wrapped to 0: a memtype with no memory at all). One page short is fine.
 * 1 TiB chunks keep the count of blocks small.
 */
static void test_whole_space(void **state)
{
	struct vcm_phys_range halves[2] = {
		{ UINT64_C(1) << 63, UINT64_C(1) << 63 },
		{ 0, UINT64_C(1) << 63 },
	};
	struct vcm_phys_memtype_cfg mt = { halves, 2, UINT64_C(1) << 40 };
	struct vcm_phys_cfg cfg = { &mt, 1, &g_plat };
	struct vcm_phys_stats st;
	struct vcm_physmem *a;
	struct vcm_phys *p = (struct vcm_phys *)(uintptr_t)1;
	struct vcm_diag d = { 0 };

	(void)state;
	reset_cfg();
	assert_int_equal(vcm_phys_create(&cfg, &p, &d), -ERANGE);
	assert_string_equal(d.msg, "vcm_phys_create: memtypes[0] covers all of 2^64 bytes: "
				   "its sizes and free bytes would not fit 64 bits");
	halves[0].len -= UINT64_C(1) << 40;
	assert_int_equal(vcm_phys_create(&cfg, &p, &d), 0);
	assert_int_equal(vcm_phys_stats(p, 0, &st), 0);
	assert_int_equal(st.total_bytes, 0 - (UINT64_C(1) << 40));
	assert_int_equal(st.free_bytes, st.total_bytes);
	assert_int_equal(vcm_phys_alloc_cont(p, 0, UINT64_C(1) << 62, 0, &a), 0);
	assert_int_equal(vcm_phys_check_(p), 0);
	assert_int_equal(vcm_phys_free(p, a), 0);
	done(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole_space),
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_create_nomem),
		cmocka_unit_test(test_create_ok),
		cmocka_unit_test(test_alloc_largest_first),
		cmocka_unit_test(test_mem_extents),
		cmocka_unit_test(test_alloc_errors),
		cmocka_unit_test(test_alloc_nomem_meta),
		cmocka_unit_test(test_all_or_nothing),
		cmocka_unit_test(test_cont),
		cmocka_unit_test(test_wrap),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_no_record_leak),
		cmocka_unit_test(test_many_ranges),
		cmocka_unit_test(test_many_records),
		cmocka_unit_test(test_other_granule),
		cmocka_unit_test(test_top_overlap),
		cmocka_unit_test(test_top_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
