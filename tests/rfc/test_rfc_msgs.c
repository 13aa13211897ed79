// SPDX-License-Identifier: MIT
/*
 * The 2010 calls report under their own 2010 names, whatever native call
 * found the problem: vcm_phys_alloc() runs vcm_alloc(), vcm_map_phys_addr()
 * runs vcm_alloc_wrap(), vcm_phys_free() runs vcm_free_phys(), and so on,
 * but no native name reaches the message, nor a native argument's name
 * (pa, prev, src_da: phys, res, src_dev_addr). Each message is compared whole.
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
	expect(-EINVAL, "vcm_map_phys_addr: phys 0x90000123 is not 4 KiB aligned");
	assert_null(vcm_map_phys_addr(UINT64_C(0xfffffffffffff000), 2 * SZ_4K));
	expect(-EINVAL, "vcm_map_phys_addr: phys 0xfffffffffffff000 + len 0x2000 wraps");
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
	/* vcm_free_phys() underneath; the argument by its 2010 name */
	assert_int_equal(vcm_phys_free(NULL), -EINVAL);
	expect(-EINVAL, "vcm_phys_free: physmem is NULL");
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

/* A NULL handle is named by every call that takes one, as the getters name it. */
static void test_null_handles(void **state)
{
	struct vcm *v = vcm_create(SZ_1M, 16 * SZ_1M);
	struct vcm_res *r;
	struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_4K, VCM_4KB);

	(void)state;
	assert_non_null(v);
	assert_non_null(m);
	r = vcm_reserve(v, SZ_4K, VCM_READ);
	assert_non_null(r);
	assert_null(vcm_clone(NULL));
	expect(-EINVAL, "vcm_clone: vcm is NULL");
	assert_int_equal(vcm_free(NULL), -EINVAL);
	expect(-EINVAL, "vcm_free: vcm is NULL");
	assert_null(vcm_reserve(NULL, SZ_4K, VCM_READ));
	expect(-EINVAL, "vcm_reserve: vcm is NULL");
	assert_int_equal(vcm_unreserve(NULL), -EINVAL);
	expect(-EINVAL, "vcm_unreserve: res is NULL");
	assert_int_equal(vcm_set_res_attr(NULL, VCM_READ), -EINVAL);
	expect(-EINVAL, "vcm_set_res_attr: res is NULL");
	assert_int_equal(vcm_get_res_attr(NULL), 0);
	expect(-EINVAL, "vcm_get_res_attr: res is NULL");
	assert_int_equal(vcm_res_copy(NULL, 0, r, 0, 1), 0);
	expect(-EINVAL, "vcm_res_copy: to is NULL");
	assert_int_equal(vcm_res_copy(r, 0, NULL, 0, 1), 0);
	expect(-EINVAL, "vcm_res_copy: from is NULL");
	assert_null(vcm_create_bound(NULL, SZ_1M));
	expect(-EINVAL, "vcm_create_bound: vcm is NULL");
	assert_int_equal(vcm_free_bound(NULL), -EINVAL);
	expect(-EINVAL, "vcm_free_bound: bound is NULL");
	assert_null(vcm_reserve_from_bound(NULL, SZ_4K, VCM_READ));
	expect(-EINVAL, "vcm_reserve_from_bound: bound is NULL");
	assert_int_equal(vcm_back(NULL, m), -EINVAL);
	expect(-EINVAL, "vcm_back: res is NULL");
	assert_int_equal(vcm_back(r, NULL), -EINVAL);
	expect(-EINVAL, "vcm_back: physmem is NULL");
	assert_int_equal(vcm_unback(NULL), -EINVAL);
	expect(-EINVAL, "vcm_unback: res is NULL");
	assert_null(vcm_assoc(NULL, "mdp", 0));
	expect(-EINVAL, "vcm_assoc: vcm is NULL");
	assert_int_equal(vcm_deassoc(NULL), -EINVAL);
	expect(-EINVAL, "vcm_deassoc: avcm is NULL");
	assert_int_equal(vcm_set_assoc_attr(NULL, 0), -EINVAL);
	expect(-EINVAL, "vcm_set_assoc_attr: avcm is NULL");
	assert_int_equal(vcm_get_assoc_attr(NULL), 0);
	expect(-EINVAL, "vcm_get_assoc_attr: avcm is NULL");
	assert_int_equal(vcm_activate(NULL), -EINVAL);
	expect(-EINVAL, "vcm_activate: avcm is NULL");
	assert_int_equal(vcm_deactivate(NULL), -EINVAL);
	expect(-EINVAL, "vcm_deactivate: avcm is NULL");
	assert_int_equal(vcm_is_active(NULL), -EINVAL);
	expect(-EINVAL, "vcm_is_active: avcm is NULL");
	assert_int_equal(vcm_translate(SZ_1M, NULL, v), 0);
	expect(-EINVAL, "vcm_translate: src_vcm is NULL");
	assert_int_equal(vcm_translate(SZ_1M, v, NULL), 0);
	expect(-EINVAL, "vcm_translate: dst_vcm is NULL");
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_phys_free(m), 0);
	assert_int_equal(vcm_free(v), 0);
}

static void expect_start(int err, const char *want)
{
	const char *got = vcm_rfc_last_error();

	assert_int_equal(vcm_rfc_errno(), err);
	if (strncmp(got, want, strlen(want)) != 0)
		fail_msg("message '%s', want it to start '%s'", got, want);
}

/*
 * A freed handle is refused by the graph, whose message names its own
 * argument; the 2010 call's message names the 2010 argument instead.
 */
static void test_freed_handles(void **state)
{
	struct vcm *v = vcm_create(SZ_1M, 16 * SZ_1M), *dead = vcm_create(32 * SZ_1M, SZ_1M);
	struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_4K, VCM_4KB);
	struct vcm_res *r;

	(void)state;
	assert_non_null(v);
	assert_non_null(dead);
	assert_non_null(m);
	r = vcm_reserve(v, SZ_4K, VCM_READ);
	assert_non_null(r);
	assert_int_equal(vcm_phys_free(NULL), -EINVAL);
	expect(-EINVAL, "vcm_phys_free: physmem is NULL");
	assert_int_equal(vcm_phys_free(m), 0);
	assert_int_equal(vcm_phys_free(m), -EINVAL);
	expect_start(-EINVAL, "vcm_phys_free: physmem ");
	assert_int_equal(vcm_back(r, m), -EINVAL);
	expect_start(-EINVAL, "vcm_back: physmem ");
	assert_int_equal(vcm_free(dead), 0);
	assert_null(vcm_clone(dead));
	expect_start(-EINVAL, "vcm_clone: vcm ");
	assert_int_equal(vcm_translate(SZ_1M, dead, v), 0);
	expect_start(-EINVAL, "vcm_translate: src_vcm ");
	assert_int_equal(vcm_translate(SZ_1M, v, dead), 0);
	expect_start(-EINVAL, "vcm_translate: dst_vcm ");
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
}

/*
 * The native text of a refusal keeps its words, with the native argument
 * names where they stand replaced by the 2010 call's.
 */
static void test_renamed_words(void **state)
{
	struct vcm *v = vcm_create(SZ_1M, 16 * SZ_1M);
	struct vcm *cpu = vcm_create_from_prebuilt(VCM_PREBUILT_KERNEL), *user;
	struct vcm_avcm *a;
	vcm_da_t ustart;
	struct vcm_mem *m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_4K, VCM_4KB);
	struct vcm_res *r, *other;
	uint64_t len = 0;
	vcm_pa_t pa;
	char want[128];

	(void)state;
	assert_non_null(v);
	assert_non_null(cpu);
	assert_non_null(m);
	r = vcm_reserve(v, SZ_4K, VCM_READ);
	assert_non_null(r);
	assert_int_equal(vcm_translate(vcm_get_dev_addr(r), v, v), 0);
	expect(-ENOENT, "vcm_translate: src_dev_addr 0x100000 is not in a backed reservation "
			"of src_vcm");
	assert_int_equal(vcm_unreserve(r), 0);
	r = vcm_reserve(cpu, SZ_4K, VCM_READ);
	other = vcm_reserve(cpu, SZ_4K, VCM_READ);
	assert_non_null(r);
	assert_non_null(other);
	assert_int_equal(vcm_back(r, m), 0);
	pa = vcm_get_next_phys_addr(m, 0, &len);
	assert_null(vcm_get_next_phys_res(pa, other, &len));
	snprintf(want, sizeof(want), "vcm_get_next_phys_res: res is not a live reservation "
		 "that maps phys %#llx", (unsigned long long)pa);
	expect(-EINVAL, want);
	/* the native text says what holds the view; the 2010 argument comes first */
	assert_null(vcm_create_from_prebuilt(VCM_PREBUILT_KERNEL));
	snprintf(want, sizeof(want), "vcm_create_from_prebuilt: ext_vcm_id %u (the kernel view): ",
		 VCM_PREBUILT_KERNEL);
	expect_start(-EBUSY, want);
	assert_non_null(strstr(vcm_rfc_last_error(), "overlaps"));
	/* the user view held by a VCM of the caller's own, active on the cpu */
	user = vcm_create_from_prebuilt(VCM_PREBUILT_USER);
	assert_non_null(user);
	ustart = vcm_get_start_addr(user);
	assert_int_equal(vcm_free(user), 0);
	user = vcm_create(ustart, SZ_1M);
	assert_non_null(user);
	a = vcm_assoc(user, "cpu", 0);
	assert_non_null(a);
	assert_int_equal(vcm_activate(a), 0);
	assert_null(vcm_create_from_prebuilt(VCM_PREBUILT_USER));
	snprintf(want, sizeof(want), "vcm_create_from_prebuilt: ext_vcm_id %u (the user view): ",
		 VCM_PREBUILT_USER);
	expect_start(-EBUSY, want);
	assert_int_equal(vcm_deactivate(a), 0);
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(user), 0);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_unreserve(other), 0);
	assert_int_equal(vcm_free(cpu), 0);
	assert_int_equal(vcm_phys_free(m), 0);
	assert_int_equal(vcm_free(v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_freed_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_phys_alloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_phys_addr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_calls, setup, teardown),
		cmocka_unit_test_setup_teardown(test_null_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renamed_words, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
