// SPDX-License-Identifier: MIT
/*
 * Hosted physical memory: argument checks that name the argument and leave
 * nothing behind, table memory that really lies in the memfd (read back with
 * pread), pa_to_cpu over tables and buffers alike, metadata that takes no
 * table memory, the free range, the two reserved windows, and a reset that
 * makes the arena new again only when nothing is out.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <cmocka.h>
#include <vcm/hosted.h>

#define MiB (UINT64_C(1) << 20)
#define BASE UINT64_C(0x80000000)

static void expect_fail(vcm_pa_t pa, uint64_t len, uint64_t table_bytes, int err,
			const char *words)
{
	struct vcm_hosted_mem *mem = (struct vcm_hosted_mem *)(uintptr_t)1;
	struct vcm_diag d = { 0 };

	assert_int_equal(vcm_hosted_mem_create(pa, len, table_bytes, &mem, &d), err);
	assert_null(mem);
	assert_int_equal(d.err, err);
	assert_non_null(strstr(d.msg, "vcm_hosted_mem_create: "));
	if (strstr(d.msg, words) == NULL)
		fail_msg("message \"%s\" lacks \"%s\"", d.msg, words);
}

static void test_create_errors(void **state)
{
	struct vcm_diag d = { 0 };

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 4 * MiB, 2 * MiB, NULL, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "out is NULL"));
	expect_fail(BASE + 4096, 4 * MiB, 2 * MiB, -EINVAL, "pa 0x80001000");
	expect_fail(BASE, 0, 0, -EINVAL, "len is 0");
	expect_fail(BASE, 3 * MiB, 2 * MiB, -EINVAL, "len 0x300000");
	expect_fail(BASE, 4 * MiB, MiB, -EINVAL, "table_bytes 0x100000");
	expect_fail(BASE, 4 * MiB, 4 * MiB, -ERANGE, "table_bytes 0x400000");
	expect_fail(~UINT64_C(0) - 2 * MiB + 1, 4 * MiB, 2 * MiB, -EOVERFLOW, "wraps");
	expect_fail(0, ~UINT64_C(0) - 2 * MiB + 1, 2 * MiB, -ERANGE, "too large");
	/* a NULL diag is allowed */
	assert_int_equal(vcm_hosted_mem_create(BASE, 0, 0, NULL, NULL), -EINVAL);
	assert_int_equal(vcm_hosted_mem_destroy(NULL), 0);
	assert_null(vcm_hosted_mem_plat(NULL));
	assert_null(vcm_hosted_mem_cpu(NULL, BASE));
	assert_int_equal(vcm_hosted_mem_fd(NULL), -EINVAL);
}

/* A table's bytes, written through pa_to_cpu, are in the memfd at pa - base. */
static void test_tables_in_memfd(void **state)
{
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	vcm_pa_t pa[3];
	void *cpu[3];
	uint8_t buf[64];

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 8 * MiB, 2 * MiB, &mem, NULL), 0);
	plat = vcm_hosted_mem_plat(mem);
	assert_non_null(plat);
	assert_null(plat->cache_clean);
	assert_int_equal(plat->table_alloc(plat->ctx, 1024, 1024, &pa[0], &cpu[0]), 0);
	assert_int_equal(plat->table_alloc(plat->ctx, 16384, 16384, &pa[1], &cpu[1]), 0);
	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa[2], &cpu[2]), 0);
	for (int i = 0; i < 3; i++) {
		uint8_t *p = plat->pa_to_cpu(plat->ctx, pa[i]);

		assert_true(pa[i] >= BASE && pa[i] < BASE + 2 * MiB);
		assert_ptr_equal(p, cpu[i]);
		assert_ptr_equal(p, vcm_hosted_mem_cpu(mem, pa[i]));
		for (size_t k = 0; k < sizeof(buf); k++)
			assert_int_equal(p[k], 0); /* tables come zeroed */
		memset(p, 0x30 + i, sizeof(buf));
		assert_int_equal(pread(vcm_hosted_mem_fd(mem), buf, sizeof(buf),
				       (off_t)(pa[i] - BASE)), (ssize_t)sizeof(buf));
		for (size_t k = 0; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 0x30 + i);
	}
	assert_true((pa[1] & 16383U) == 0U);
	/* and the reverse: bytes written to the file show at the table's pointer */
	memset(buf, 0x5a, sizeof(buf));
	assert_int_equal(pwrite(vcm_hosted_mem_fd(mem), buf, sizeof(buf), (off_t)(pa[1] - BASE)),
			 (ssize_t)sizeof(buf));
	assert_int_equal(((uint8_t *)cpu[1])[63], 0x5a);
	for (int i = 0; i < 3; i++)
		plat->table_free(plat->ctx, pa[i], cpu[i], i == 1 ? 16384 : i == 0 ? 1024 : 4096);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

/* pa_to_cpu covers the whole region, buffers included, and nothing else. */
static void test_pa_to_cpu_and_free_range(void **state)
{
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	vcm_pa_t fpa;
	uint64_t flen;
	uint8_t *p;

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 8 * MiB, 2 * MiB, &mem, NULL), 0);
	plat = vcm_hosted_mem_plat(mem);
	vcm_hosted_mem_free_range(mem, &fpa, &flen);
	assert_int_equal(fpa, BASE + 2 * MiB);
	assert_int_equal(flen, 6 * MiB);
	vcm_hosted_mem_free_range(mem, NULL, &flen);
	vcm_hosted_mem_free_range(NULL, &fpa, &flen);
	assert_int_equal(fpa, 0);
	assert_int_equal(flen, 0);

	p = vcm_hosted_mem_cpu(mem, BASE);
	assert_non_null(p);
	assert_ptr_equal(plat->pa_to_cpu(plat->ctx, BASE + 5 * MiB + 3), p + 5 * MiB + 3);
	assert_ptr_equal(vcm_hosted_mem_cpu(mem, BASE + 8 * MiB - 1), p + 8 * MiB - 1);
	assert_null(plat->pa_to_cpu(plat->ctx, BASE - 1));
	assert_null(plat->pa_to_cpu(plat->ctx, BASE + 8 * MiB));
	assert_null(vcm_hosted_mem_cpu(mem, 0));
	/* a buffer page is zero, writable, and in the memfd */
	assert_int_equal(p[7 * MiB], 0);
	p[7 * MiB] = 0x77;
	{
		uint8_t b = 0;

		assert_int_equal(pread(vcm_hosted_mem_fd(mem), &b, 1, (off_t)(7 * MiB)), 1);
		assert_int_equal(b, 0x77);
	}
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

static unsigned int fill_tables(const struct vcm_plat_ops *plat, vcm_pa_t *pa, void **cpu,
				unsigned int max)
{
	unsigned int n = 0;

	while (n < max && plat->table_alloc(plat->ctx, 4096, 4096, &pa[n], &cpu[n]) == 0)
		n++;
	return n;
}

/* Metadata comes from the heap: it leaves the table arena's capacity alone. */
static void test_meta_takes_no_tables(void **state)
{
	enum { MAX = 1024, META = 200 };
	static vcm_pa_t pa[MAX];
	static void *cpu[MAX];
	void *meta[META];
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	unsigned int n1, n2;
	uintptr_t region;

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 4 * MiB, 2 * MiB, &mem, NULL), 0);
	plat = vcm_hosted_mem_plat(mem);
	region = (uintptr_t)vcm_hosted_mem_cpu(mem, BASE);
	n1 = fill_tables(plat, pa, cpu, MAX);
	assert_true(n1 > 400 && n1 < 512); /* 2 MiB of 4 KiB tables, less bookkeeping */
	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa[n1], &cpu[n1]), -ENOMEM);
	for (unsigned int i = 0; i < n1; i++)
		plat->table_free(plat->ctx, pa[i], cpu[i], 4096);

	for (unsigned int i = 0; i < META; i++) {
		meta[i] = plat->meta_alloc(plat->ctx, 4096);
		assert_non_null(meta[i]);
		assert_false((uintptr_t)meta[i] >= region && (uintptr_t)meta[i] < region + 4 * MiB);
	}
	n2 = fill_tables(plat, pa, cpu, MAX);
	assert_int_equal(n2, n1);
	for (unsigned int i = 0; i < n2; i++)
		plat->table_free(plat->ctx, pa[i], cpu[i], 4096);
	for (unsigned int i = 0; i < META; i++)
		plat->meta_free(plat->ctx, meta[i], 4096);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

/* table_bytes 0: no arena; table_alloc says -ENOMEM, the rest works. */
static void test_no_table_arena(void **state)
{
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	vcm_pa_t pa, fpa;
	uint64_t flen;
	void *cpu;

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(0, 2 * MiB, 0, &mem, NULL), 0);
	plat = vcm_hosted_mem_plat(mem);
	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa, &cpu), -ENOMEM);
	vcm_hosted_mem_free_range(mem, &fpa, &flen);
	assert_int_equal(fpa, 0);
	assert_int_equal(flen, 2 * MiB);
	assert_non_null(plat->pa_to_cpu(plat->ctx, 0));
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

/* The two windows: disjoint, page aligned, at least 64 MiB and the region. */
static void test_windows(void **state)
{
	struct vcm_hosted_mem *mem;
	vcm_da_t ks, us;
	uint64_t kl, ul, page = (uint64_t)sysconf(_SC_PAGESIZE);

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 128 * MiB, 2 * MiB, &mem, NULL), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.range(mem, false, &ks, &kl), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.range(mem, true, &us, &ul), 0);
	assert_int_equal(kl, 128 * MiB);
	assert_int_equal(ul, 128 * MiB);
	assert_true(ks % page == 0 && us % page == 0);
	assert_true(ks + kl <= us || us + ul <= ks);
	assert_int_equal(vcm_hosted_cpu_mapper.range(NULL, true, &us, &ul), -EINVAL);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);

	assert_int_equal(vcm_hosted_mem_create(BASE, 2 * MiB, 0, &mem, NULL), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.range(mem, false, &ks, &kl), 0);
	assert_int_equal(kl, 64 * MiB);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

/* Is any byte of [@a, @a + @len) mapped in this process? From /proc/self/maps. */
static bool mapped(uintptr_t a, uint64_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	char line[512];
	bool hit = false;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo < a + len && a < hi)
			hit = true;
	fclose(f);
	return hit;
}

/* Destroy gives back the memfd, the region's mapping and both windows. */
static void test_destroy_releases(void **state)
{
	struct vcm_hosted_mem *mem;
	const struct vcm_plat_ops *plat;
	vcm_da_t ks, us;
	uint64_t kl, ul;
	uintptr_t region;
	vcm_pa_t pa;
	void *cpu, *inst;
	int fd;

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 8 * MiB, 2 * MiB, &mem, NULL), 0);
	plat = vcm_hosted_mem_plat(mem);
	fd = vcm_hosted_mem_fd(mem);
	assert_true(fd >= 0);
	assert_true((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	region = (uintptr_t)vcm_hosted_mem_cpu(mem, BASE);
	assert_int_equal(vcm_hosted_cpu_mapper.range(mem, false, &ks, &kl), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.range(mem, true, &us, &ul), 0);
	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa, &cpu), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.create(mem, NULL, NULL, us, ul, &inst, NULL), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.map(inst, us, &(struct vcm_seg){ BASE + 4 * MiB,
									 2 * MiB },
						   1, VCM_PT_PROT_READ, NULL), 0);
	assert_true(mapped(region, 8 * MiB) && mapped(ks, kl) && mapped(us, ul));
	vcm_hosted_cpu_mapper.destroy(inst);
	/* a table still out is the caller's leak in the arena, not the process's */
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_false(mapped(region, 8 * MiB));
	assert_false(mapped(ks, kl));
	assert_false(mapped(us, ul));
}

/*
 * Reset: refused while a table block or a CPU mapper instance is out, with
 * nothing changed; then the arena hands out what a fresh one would, from the
 * same first block, cleared although the bytes there were not.
 */
static void test_reset(void **state)
{
	struct vcm_hosted_mem *mem, *fresh;
	const struct vcm_plat_ops *plat;
	vcm_da_t us;
	uint64_t ul;
	vcm_pa_t pa[3], fpa;
	void *cpu[3], *inst;

	(void)state;
	assert_int_equal(vcm_hosted_mem_reset(NULL), -EINVAL);
	assert_int_equal(vcm_hosted_mem_create(BASE, 8 * MiB, 2 * MiB, &fresh, NULL), 0);
	plat = vcm_hosted_mem_plat(fresh);
	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &fpa, &cpu[0]), 0);
	assert_int_equal(vcm_hosted_mem_destroy(fresh), 0);

	assert_int_equal(vcm_hosted_mem_create(BASE, 8 * MiB, 2 * MiB, &mem, NULL), 0);
	plat = vcm_hosted_mem_plat(mem);
	for (int i = 0; i < 3; i++)
		assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa[i], &cpu[i]), 0);
	assert_int_equal(pa[0], fpa);
	memset(cpu[0], 0xa5, 4096);
	memset(cpu[1], 0x5a, 4096);
	assert_int_equal(vcm_hosted_mem_reset(mem), -EBUSY);
	plat->table_free(plat->ctx, pa[0], cpu[0], 4096);
	assert_int_equal(vcm_hosted_mem_reset(mem), -EBUSY);
	/* the tables still out are unharmed by the refusals */
	assert_int_equal(((uint8_t *)cpu[1])[4095], 0x5a);
	/* a block on a zero list (free_zero) counts as free */
	plat->table_free_zero(plat->ctx, pa[2], cpu[2], 4096);
	plat->table_free(plat->ctx, pa[1], cpu[1], 4096);

	assert_int_equal(vcm_hosted_cpu_mapper.range(mem, true, &us, &ul), 0);
	assert_int_equal(vcm_hosted_cpu_mapper.create(mem, NULL, NULL, us, ul, &inst, NULL), 0);
	assert_int_equal(vcm_hosted_mem_reset(mem), -EBUSY);
	vcm_hosted_cpu_mapper.destroy(inst);

	assert_int_equal(vcm_hosted_mem_reset(mem), 0);
	assert_int_equal(vcm_hosted_mem_reset(mem), 0);
	/* as a fresh arena: the first block, not the zero-listed pa[2]; cleared */
	assert_int_equal(plat->table_alloc(plat->ctx, 4096, 4096, &pa[0], &cpu[0]), 0);
	assert_int_equal(pa[0], fpa);
	for (size_t k = 0; k < 4096; k++)
		assert_int_equal(((uint8_t *)cpu[0])[k], 0);
	/* the buffer bytes stay as they were */
	*(uint8_t *)vcm_hosted_mem_cpu(mem, BASE + 4 * MiB) = 0x77;
	plat->table_free(plat->ctx, pa[0], cpu[0], 4096);
	assert_int_equal(vcm_hosted_mem_reset(mem), 0);
	assert_int_equal(*(uint8_t *)vcm_hosted_mem_cpu(mem, BASE + 4 * MiB), 0x77);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);

	/* no arena: nothing to reset but the check */
	assert_int_equal(vcm_hosted_mem_create(BASE, 2 * MiB, 0, &mem, NULL), 0);
	assert_int_equal(vcm_hosted_mem_reset(mem), 0);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

struct churn {
	const struct vcm_plat_ops *plat;
	int failures;
};

static void *churn_tables(void *arg)
{
	struct churn *c = arg;
	vcm_pa_t pa[16];
	void *cpu[16];

	for (int round = 0; round < 300; round++) {
		for (int i = 0; i < 16; i++)
			if (c->plat->table_alloc(c->plat->ctx, 1024U << (i % 3), 1024U << (i % 3),
						 &pa[i], &cpu[i]) != 0)
				c->failures++;
		for (int i = 0; i < 16; i++)
			c->plat->table_free(c->plat->ctx, pa[i], cpu[i], 1024U << (i % 3));
	}
	return NULL;
}

/* Table ops lock the arena: two threads churning leave it whole. */
static void test_tables_threads(void **state)
{
	enum { MAX = 1024 };
	static vcm_pa_t pa[MAX];
	static void *cpu[MAX];
	struct vcm_hosted_mem *mem;
	struct churn c[2];
	pthread_t t[2];
	unsigned int n1, n2;

	(void)state;
	assert_int_equal(vcm_hosted_mem_create(BASE, 4 * MiB, 2 * MiB, &mem, NULL), 0);
	n1 = fill_tables(vcm_hosted_mem_plat(mem), pa, cpu, MAX);
	for (unsigned int i = 0; i < n1; i++)
		vcm_hosted_mem_plat(mem)->table_free(vcm_hosted_mem_plat(mem)->ctx, pa[i], cpu[i],
						     4096);
	for (int i = 0; i < 2; i++) {
		c[i].plat = vcm_hosted_mem_plat(mem);
		c[i].failures = 0;
		assert_int_equal(pthread_create(&t[i], NULL, churn_tables, &c[i]), 0);
	}
	for (int i = 0; i < 2; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(c[i].failures, 0);
	}
	n2 = fill_tables(vcm_hosted_mem_plat(mem), pa, cpu, MAX);
	assert_int_equal(n2, n1);
	for (unsigned int i = 0; i < n2; i++)
		vcm_hosted_mem_plat(mem)->table_free(vcm_hosted_mem_plat(mem)->ctx, pa[i], cpu[i],
						     4096);
	assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_errors),
		cmocka_unit_test(test_tables_in_memfd),
		cmocka_unit_test(test_pa_to_cpu_and_free_range),
		cmocka_unit_test(test_meta_takes_no_tables),
		cmocka_unit_test(test_no_table_arena),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_destroy_releases),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_tables_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
