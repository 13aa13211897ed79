// SPDX-License-Identifier: MIT
/*
 * The 2010 calls report under their own 2010 names, whatever native call
 * found the problem: vcm_phys_alloc() runs vcm_alloc(), vcm_map_phys_addr()
 * runs vcm_alloc_wrap(), vcm_phys_free() runs vcm_free_phys(), and so on,
 * but no native name reaches the message. Each message is compared whole.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "rfc_fixture.h"

/* The last call failed with @err and exactly the message @want. */
static void expect(int err, const char *want)
{
	const char *got = vcm_rfc_last_error();

	assert_int_equal(vcm_rfc_errno(), err);
	if (strcmp(got, want) != 0)
		fail_msg("message '%s', want '%s'", got, want);
}

static void test_phys_alloc(void **state)
{
	(void)state;
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_0, 0, VCM_4KB));
	expect(-EINVAL, "vcm_phys_alloc: len is 0");
	/* contiguous: vcm_alloc_cont() underneath, the same name outside */
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_0, 0, VCM_PHYS_CONT));
	expect(-EINVAL, "vcm_phys_alloc: len is 0");
	/* the rfc layer's own check, under the same name */
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_1, SZ_4K, 0));
	expect(-EINVAL, "vcm_phys_alloc: memtype 1 does not exist on this SoC (only 0)");
}

static void test_map_phys_addr(void **state)
{
	(void)state;
	assert_null(vcm_map_phys_addr(0x90000000, 0));
	expect(-EINVAL, "vcm_map_phys_addr: len is 0");
	assert_null(vcm_map_phys_addr(0x90000123, SZ_4K));
	expect(-EINVAL, "vcm_map_phys_addr: pa 0x90000123 is not 4 KiB aligned");
	assert_null(vcm_map_phys_addr(0x90000000, SZ_4K + 1));
	expect(-EINVAL, "vcm_map_phys_addr: len 0x1001 is not a multiple of 4 KiB");
}

static void test_other_calls(void **state)
{
	struct vcm *v = vcm_create(SZ_1M, 16 * SZ_1M);
	struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_4K, VCM_4KB);
	struct vcm_res *r;

	(void)state;
	assert_non_null(v);
	assert_non_null(m);
	/* vcm_free_phys() underneath */
	assert_int_equal(vcm_phys_free(NULL), -EINVAL);
	expect(-EINVAL, "vcm_phys_free: mem is not a live allocation of this system");
	/* vcm_create_bound() is also a native name: the message is the 2010 call's */
	assert_null(vcm_create_bound(v, 0));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_int_equal(strncmp(vcm_rfc_last_error(), "vcm_create_bound: ", 18), 0);
	/* a native check found by vcm_back() under the 2010 vcm_back() */
	r = vcm_reserve(v, 2 * SZ_4K, VCM_READ);
	assert_non_null(r);
	assert_int_equal(vcm_back(r, m), -EINVAL);
	assert_int_equal(strncmp(vcm_rfc_last_error(), "vcm_back: ", 10), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_phys_free(m), 0);
	assert_int_equal(vcm_free(v), 0);
	/* no native name leaks into any of them */
	assert_int_equal(vcm_phys_free(m), -EINVAL);
	assert_null(strstr(vcm_rfc_last_error(), "vcm_free_phys"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_phys_alloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_phys_addr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_calls, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
