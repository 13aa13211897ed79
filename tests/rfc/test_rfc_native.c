// SPDX-License-Identifier: MIT
/*
 * rfc.h's prefixed calls mixed with vcm.h's on the same handles (rfc.h: "mix
 * with vcm.h freely"): vcm_rfc_sys_destroy() counts what the graph holds,
 * whichever header made or freed it, and refuses with nothing changed while
 * anything is left.
 */
#define VCM_RFC_NO_2010_NAMES
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/rfc.h>
#include <vcm/vcm.h>

#define SZ_16M 0x1000000ULL

static int setup(void **state)
{
	(void)state;
	return vcm_rfc_sys_init();
}

static int teardown(void **state)
{
	(void)state;
	return vcm_rfc_sys_destroy();
}

static void busy_msg(const char *counts)
{
	assert_int_equal(vcm_rfc_errno(), -EBUSY);
	assert_non_null(strstr(vcm_rfc_last_error(), "vcm_sys_destroy: "));
	assert_non_null(strstr(vcm_rfc_last_error(), counts));
}

/* A VCM made by vcm_clone() on an rfc VCM keeps the system, whole, until it goes. */
static void test_native_clone(void **state)
{
	struct vcm *v = vcm_rfc_create(0, SZ_16M), *c = NULL, *p;

	(void)state;
	assert_non_null(v);
	assert_int_equal(vcm_clone(v, &c), 0);
	assert_int_equal(vcm_rfc_free(v), 0);
	assert_int_equal(vcm_rfc_sys_destroy(), -EBUSY);
	busy_msg("1 VCMs, 0 physical allocations and 4 devices (the SoC's are 4)");
	/* nothing was taken down: devices answer, the CPU VCM can still be made */
	assert_int_equal(vcm_rfc_hw_ver("mdp"), 0x20000U);
	assert_int_equal(vcm_rfc_errno(), 0);
	p = vcm_rfc_create_from_prebuilt(VCM_RFC_PREBUILT_KERNEL);
	assert_non_null(p);
	assert_int_equal(vcm_rfc_free(p), 0);
	assert_int_equal(vcm_free(c), 0);
	assert_int_equal(vcm_rfc_sys_destroy(), 0);
	assert_int_equal(vcm_rfc_sys_init(), 0); /* for the teardown */
}

/* A VCM freed with vcm.h's call is gone for vcm_rfc_sys_destroy() too. */
static void test_native_free(void **state)
{
	struct vcm *v = vcm_rfc_create(0, SZ_16M);
	struct vcm_mem *m = vcm_rfc_phys_alloc(0, 0x10000, 0);

	(void)state;
	assert_non_null(v);
	assert_non_null(m);
	assert_int_equal(vcm_rfc_sys_destroy(), -EBUSY);
	busy_msg("1 VCMs, 1 physical allocations");
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_rfc_sys_destroy(), -EBUSY);
	busy_msg("0 VCMs, 1 physical allocations");
	assert_int_equal(vcm_rfc_phys_free(m), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_native_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native_free, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
