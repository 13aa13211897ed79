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
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/rfc.h>
#include <vcm/soc.h>
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

/* A system of one device and no IOMMU, built beside the default one. */
static struct vcm_soc *other_soc(void)
{
	static const struct vcm_soc_memtype mt = { .chunk_sizes = VCM_PHYS_DEFAULT_SIZES };
	static const struct vcm_soc_dev_cfg dev = { .name = "cpu", .kind = VCM_SOC_DEV_CPU,
						    .nr_bases = 1 };
	const struct vcm_soc_cfg cfg = {
		.mem_pa = 0x80000000, .mem_len = UINT64_C(16) << 20,
		.table_bytes = UINT64_C(2) << 20, .memtypes = &mt, .nr_memtypes = 1,
		.devs = &dev, .nr_devs = 1,
	};
	struct vcm_soc *soc = NULL;

	assert_int_equal(vcm_soc_create(&cfg, &soc, NULL), 0);
	return soc;
}

static void foreign(const char *what)
{
	char want[96];

	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	snprintf(want, sizeof(want), "%s ", what);
	assert_non_null(strstr(vcm_rfc_last_error(), want));
	assert_non_null(strstr(vcm_rfc_last_error(), " is not a handle of the default system"));
}

/*
 * Handles of another live system are foreign (rfc.h): refused, and nothing
 * is made in or taken from that system, getters included.
 */
static void test_other_system(void **state)
{
	struct vcm_soc *soc = other_soc();
	struct vcm_sys *ns = vcm_soc_sys(soc);
	struct vcm *nv = NULL, *mine = vcm_rfc_create(0, SZ_16M);
	struct vcm_res *nr = NULL;
	struct vcm_mem *nm = NULL;
	struct vcm_bound *nb = NULL;
	struct vcm_sys_counts c;
	uint64_t len = 1;

	(void)state;
	assert_non_null(mine);
	assert_int_equal(vcm_create(ns, 0x10000000, SZ_16M, &nv), 0);
	assert_int_equal(vcm_reserve(nv, 0x10000, 0, VCM_PT_PROT_READ, &nr), 0);
	assert_int_equal(vcm_create_bound(nv, 0x100000, &nb), 0);
	assert_int_equal(vcm_alloc(ns, 0, 0x10000, 0, &nm), 0);

	assert_null(vcm_rfc_reserve(nv, 0x1000, 0));
	foreign("vcm");
	assert_int_equal(vcm_rfc_unreserve(nr), -EINVAL);
	foreign("res");
	assert_null(vcm_rfc_reserve_at(VCM_RFC_END, nv, 0x1000, 0));
	foreign("vcm");
	assert_null(vcm_rfc_reserve_at(VCM_RFC_START, nv, 0x1000, 0));
	foreign("vcm");
	assert_null(vcm_rfc_clone(nv));
	foreign("vcm");
	assert_int_equal(vcm_rfc_free(nv), -EINVAL);
	foreign("vcm");
	assert_null(vcm_rfc_create_bound(nv, 0x1000));
	foreign("vcm");
	assert_int_equal(vcm_rfc_free_bound(nb), -EINVAL);
	foreign("bound");
	assert_int_equal(vcm_rfc_back(nr, nm), -EINVAL);
	foreign("res");
	assert_int_equal(vcm_rfc_phys_free(nm), -EINVAL);
	foreign("physmem");
	assert_int_equal(vcm_rfc_get_start_addr(nv), 0);
	foreign("vcm");
	assert_int_equal(vcm_rfc_get_len(nv), 0);
	foreign("vcm");
	assert_int_equal(vcm_rfc_get_num_res(nv), 0);
	foreign("vcm");
	assert_null(vcm_rfc_get_next_res(nv, NULL));
	foreign("vcm");
	assert_int_equal(vcm_rfc_get_bound_start_addr(nb), 0);
	foreign("bound");
	assert_int_equal(vcm_rfc_get_bound_len(nb), 0);
	foreign("bound");
	assert_null(vcm_rfc_get_vcm_from_res(nr));
	foreign("res");
	assert_int_equal(vcm_rfc_get_res_len(nr), 0);
	foreign("res");
	assert_int_equal(vcm_rfc_get_memtype_of_physalloc(nm), -EINVAL);
	foreign("physmem");
	assert_int_equal(vcm_rfc_get_next_phys_addr(nm, 0, &len), 0);
	foreign("physmem");
	assert_int_equal(len, 0);
	/* one of each is mixed: the default system's handle passes, the other's does not */
	assert_int_equal(vcm_rfc_res_copy(nr, 0, nr, 0x1000, 0x1000), 0);
	foreign("to");

	/* the other system is as its owner left it */
	assert_int_equal(vcm_sys_counts(ns, &c), 0);
	assert_int_equal(c.vcms, 1);
	assert_int_equal(c.mems, 1);
	assert_int_equal(vcm_get_num_res(nv), 1);
	assert_int_equal(vcm_get_bound_len(nb), 0x100000);
	assert_int_equal(vcm_unreserve(nr), 0);
	assert_int_equal(vcm_free_bound(nb), 0);
	assert_int_equal(vcm_free(nv), 0);
	assert_int_equal(vcm_free_phys(ns, nm), 0);
	assert_int_equal(vcm_soc_destroy(soc), 0);
	assert_int_equal(vcm_rfc_free(mine), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_native_clone, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native_free, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_system, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
