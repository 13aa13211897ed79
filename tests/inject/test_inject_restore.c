// SPDX-License-Identifier: MIT
/*
 * A failure while undoing a failure. The sweep (test_inject_sweep.c) fails
 * one allocation per run; here every mmap from the n-th on fails, so when a
 * call's first mmap failure starts a rollback, the rollback's own mmaps fail
 * too. n = 1, 2, ... until the call succeeds.
 *
 *  - The hosted CPU mapper mapping two pieces: the second piece's mmap
 *    fails, and putting the first back to no access must not need an mmap.
 *    Afterwards nothing is recorded, nothing of the range is accessible
 *    (/proc/self/maps), and the same map succeeds once mmap works again.
 *  - vcm_back() of memory in two separate pieces into the CPU's VCM: the
 *    same through the graph; after a failure the reservation is unbacked,
 *    vcm_sys_check_() passes (no mapping the record lacks), the range is not
 *    accessible, and backing it again works (no -EEXIST from a leftover).
 *  - vcm_migrate() of memory a page-table VCM and the CPU's VCM share: the
 *    CPU's new mapping fails, and writing its old one back fails as well.
 *    The call fails with a message naming the reservation it could not map
 *    again, that reservation is left unbacked (mapped nowhere, out of the
 *    reverse map), the other keeps its old memory, vcm_sys_check_() passes,
 *    the reservation can be backed again, and teardown gives back every
 *    block.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include "inject.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

/* ---- the injector: every mmap from the fail_from-th on fails ------------- */

static struct {
	long mmaps;      /* mmap calls since armed */
	long fail_from;  /* 0: none fail */
	long failed;     /* mmaps failed */
	long live;       /* blocks of the sites that report their frees */
} inj;

static bool counted(const char *site)
{
	return strcmp(site, "table memory") == 0 || strcmp(site, "metadata") == 0 ||
	       strcmp(site, "calloc") == 0 || strcmp(site, "malloc") == 0 ||
	       strcmp(site, "aligned_alloc") == 0;
}

static bool inj_alloc(void *ctx, const char *site)
{
	(void)ctx;
	if (strcmp(site, "mmap") == 0) {
		inj.mmaps++;
		if (inj.fail_from != 0 && inj.mmaps >= inj.fail_from) {
			inj.failed++;
			return true;
		}
	}
	if (counted(site))
		inj.live++;
	return false;
}

static void inj_free(void *ctx, const char *site)
{
	(void)ctx;
	if (counted(site))
		inj.live--;
}

static void inj_arm(long n)
{
	inj.mmaps = 0;
	inj.failed = 0;
	inj.fail_from = n;
}

static int setup(void **state)
{
	static const struct vcm_plat_inject hook = { inj_alloc, inj_free, NULL };

	(void)state;
	inj.live = 0;
	vcm_plat_inject_set_(&hook);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	vcm_plat_inject_set_(NULL);
	return 0;
}

/* ---- the process's view of a CPU address ------------------------------- */

/* The permissions of the mapping that holds @addr ("---p", "rw-s", ...). */
static void perms_at(uintptr_t addr, char perms[5])
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];

	assert_non_null(f);
	strcpy(perms, "none");
	while (fgets(line, sizeof(line), f) != NULL) {
		unsigned long lo, hi;
		char p[5];

		if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && addr >= lo && addr < hi) {
			memcpy(perms, p, 5);
			break;
		}
	}
	fclose(f);
}

static void no_access_at(uintptr_t addr)
{
	char perms[5];

	perms_at(addr, perms);
	if (strncmp(perms, "---", 3) != 0)
		fail_msg("%#lx is %s after the failed call, want no access",
			 (unsigned long)addr, perms);
}

/* ---- the hosted CPU mapper ---------------------------------------------- */

static void test_cpu_map_undo(void **state)
{
	const struct vcm_mapper_ops *m = &vcm_hosted_cpu_mapper;
	long n, undone = 0;

	(void)state;
	for (n = 1;; n++) {
		struct vcm_hosted_mem *mem;
		struct vcm_diag d = { 0 };
		struct vcm_seg seg[2] = {
			{ .pa = W_BUF_PA, .len = 64 * KB },
			{ .pa = W_BUF_PA + 1 * MB, .len = 128 * KB },
		};
		vcm_da_t start, da;
		uint64_t len;
		void *inst;
		int ret;

		assert_int_equal(vcm_hosted_mem_create(W_PA, W_LEN, W_TABLE_BYTES, &mem, &d), 0);
		assert_int_equal(m->range(mem, false, &start, &len), 0);
		assert_int_equal(m->create(mem, NULL, vcm_hosted_mem_plat(mem), start, len, &inst,
					   &d), 0);
		da = start + 1 * MB;
		inj_arm(n);
		ret = m->map(inst, da, seg, 2, RW, &d);
		inj_arm(0);
		if (ret == 0) {
			assert_int_equal(m->unmap(inst, da, 192 * KB, &d), 0);
		} else {
			assert_int_equal(ret, -ENOMEM);
			assert_non_null(strstr(d.msg, "mmap"));
			/* nothing recorded, nothing accessible */
			assert_int_equal(m->lookup(inst, da, NULL, NULL), -ENOENT);
			assert_int_equal(m->lookup(inst, da + 64 * KB, NULL, NULL), -ENOENT);
			no_access_at((uintptr_t)da);
			no_access_at((uintptr_t)(da + 64 * KB));
			/* and the range is free to map */
			assert_int_equal(m->map(inst, da, seg, 2, RW, &d), 0);
			assert_int_equal(m->unmap(inst, da, 192 * KB, &d), 0);
			if (n >= 2)
				undone++; /* the first piece was in, and had to go */
		}
		m->destroy(inst);
		assert_int_equal(vcm_hosted_mem_destroy(mem), 0);
		if (ret == 0)
			break;
		assert_true(n < 20);
	}
	assert_true(undone >= 1);
	assert_int_equal(inj.live, 0);
}

/* ---- vcm_back() of two-piece memory into the CPU's VCM ------------------ */

/* Memory in two pieces that are not next to each other: 64K, hole, 64K. */
static void two_pieces(struct world *w)
{
	uint64_t it = 0, len, pieces = 0;
	vcm_pa_t pa, end = 0;

	assert_int_equal(vcm_alloc(w->sys, 1, 64 * KB, 0, &w->m[0]), 0);
	assert_int_equal(vcm_alloc(w->sys, 1, 64 * KB, 0, &w->m[1]), 0);
	assert_int_equal(vcm_alloc(w->sys, 1, 64 * KB, 0, &w->m[2]), 0);
	assert_int_equal(vcm_free_phys(w->sys, w->m[1]), 0);
	w->m[1] = NULL;
	assert_int_equal(vcm_alloc(w->sys, 1, 128 * KB, 0, &w->m[3]), 0);
	while (vcm_mem_next_chunk(w->m[3], &it, &pa, &len) == 0) {
		if (pieces == 0 || pa != end)
			pieces++;
		end = pa + len;
	}
	assert_int_equal(pieces, 2);
}

static void test_back_cpu_undo(void **state)
{
	long n, undone = 0;

	(void)state;
	for (n = 1;; n++) {
		struct world w;
		vcm_da_t da;
		int ret;

		memset(&w, 0, sizeof(w));
		w_soc(&w);
		w_cpu(&w);
		two_pieces(&w);
		assert_int_equal(vcm_reserve(w.v[1], 128 * KB, 0, RW, &w.r[0]), 0);
		da = vcm_get_dev_addr(w.r[0]);
		inj_arm(n);
		ret = vcm_back(w.r[0], w.m[3]);
		inj_arm(0);
		if (ret != 0) {
			assert_int_equal(ret, -ENOMEM);
			assert_non_null(strstr(vcm_sys_last_error(w.sys), "mmap"));
			assert_null(vcm_get_physmem_from_res(w.r[0]));
			assert_int_equal(vcm_sys_check_(w.sys), 0);
			no_access_at((uintptr_t)da);
			no_access_at((uintptr_t)(da + 64 * KB));
			assert_int_equal(vcm_back(w.r[0], w.m[3]), 0);
			if (n >= 2)
				undone++;
		}
		assert_int_equal(vcm_sys_check_(w.sys), 0);
		w_teardown(&w);
		assert_int_equal(inj.live, 0);
		if (ret == 0)
			break;
		assert_true(n < 20);
	}
	assert_true(undone >= 1);
}

/* ---- vcm_migrate() with the CPU's VCM among the users ------------------- */

static void test_migrate_undo(void **state)
{
	long n, lost = 0;

	(void)state;
	for (n = 1;; n++) {
		struct world w;
		struct vcm_mem *pm_before;
		vcm_pa_t pa_before = 0, pa;
		int ret;

		memset(&w, 0, sizeof(w));
		w_backed(&w);
		w_cpu(&w);
		assert_int_equal(vcm_reserve(w.v[1], 4 * MB, 0, RW, &w.r[1]), 0);
		assert_int_equal(vcm_back(w.r[1], w.m[0]), 0);
		pm_before = vcm_get_physmem_from_res(w.r[0]);
		assert_int_equal(vcm_dev_addr_to_phys_addr(w.dev[WD_V8], 0,
							   vcm_get_dev_addr(w.r[0]), &pa_before),
				 0);

		inj_arm(n);
		ret = vcm_migrate(w.sys, w.m[0]);
		inj_arm(0);
		if (ret != 0) {
			const char *msg = vcm_sys_last_error(w.sys);

			assert_int_equal(ret, -ENOMEM);
			assert_non_null(strstr(msg, "vcm_migrate"));
			assert_non_null(strstr(msg, "mmap"));
			/* the page-table user keeps its old memory */
			assert_ptr_equal(vcm_get_physmem_from_res(w.r[0]), pm_before);
			assert_int_equal(vcm_dev_addr_to_phys_addr(w.dev[WD_V8], 0,
								   vcm_get_dev_addr(w.r[0]), &pa),
					 0);
			assert_true(pa == pa_before);
			if (vcm_get_physmem_from_res(w.r[1]) == NULL) {
				char at[40];

				/* the CPU's could not be mapped again: unbacked, named */
				snprintf(at, sizeof(at), "res at da %#llx",
					 (unsigned long long)vcm_get_dev_addr(w.r[1]));
				if (strstr(msg, "left unbacked") == NULL) fail_msg("%s", msg);
				assert_non_null(strstr(msg, at));
				assert_non_null(strstr(msg, "left unbacked"));
				no_access_at((uintptr_t)vcm_get_dev_addr(w.r[1]));
				assert_int_equal(vcm_sys_check_(w.sys), 0);
				assert_int_equal(vcm_back(w.r[1], w.m[0]), 0);
				lost++;
			}
		}
		assert_int_equal(vcm_sys_check_(w.sys), 0);
		w_teardown(&w);
		assert_int_equal(inj.live, 0);
		if (ret == 0)
			break;
		assert_true(n < 50);
	}
	/* the case this is about happened at least once */
	assert_true(lost >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cpu_map_undo),
		cmocka_unit_test(test_back_cpu_undo),
		cmocka_unit_test(test_migrate_undo),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
