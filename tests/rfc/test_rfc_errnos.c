// SPDX-License-Identifier: MIT
/*
 * One case per errno include/vcm/rfc.h documents, call by call: each case
 * makes the call fail for that one cause and checks the RFC's form (the
 * negative errno returned, or NULL / 0) and vcm_rfc_errno(). The native graph
 * has errnos the 2010 design has not (-ENOSPC, -ERANGE, -EOVERFLOW, -EEXIST
 * for a taken place): these cases show the 2010 ones come out instead.
 * Every case leaves the shared objects as it found them; teardown proves it
 * by destroying the system.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "rfc_fixture.h"

/* What every case starts from: a VCM at 1 MiB with one unbacked 64 KiB
 * reservation at its start, an inactive "vcodec" association, 64 KiB of memory. */
struct env {
	struct vcm *v;
	struct vcm_res *r;
	struct vcm_avcm *a;
	struct vcm_mem *m;
};

static struct env E;

/* The call returned @ret, which is the errno it recorded. */
static int same(int ret)
{
	assert_int_equal(ret, vcm_rfc_errno());
	assert_true(strlen(vcm_rfc_last_error()) > 0);
	return ret;
}

/* A pointer or address call failed: NULL / 0, and its errno. */
#define NONE(call) (assert_int_equal((uint64_t)(uintptr_t)(call), 0), same(vcm_rfc_errno()))

static int sys_init_busy(void) { return same(vcm_sys_init()); }
static int sys_destroy_busy(void) { return same(vcm_sys_destroy()); }
static int create_misaligned(void) { return NONE(vcm_create(0x1001, SZ_1M)); }
static int create_len0(void) { return NONE(vcm_create(SZ_1M, 0)); }
static int create_wraps(void) { return NONE(vcm_create(0xffffffffff000000ULL, SZ_16M + SZ_16M)); }
static int one_to_one_misaligned(void) { return NONE(vcm_create_one_to_one(0x81000800, SZ_1M)); }
static int prebuilt_unknown(void) { return NONE(vcm_create_from_prebuilt(7)); }

static int prebuilt_twice(void)
{
	struct vcm *k = vcm_create_from_prebuilt(VCM_PREBUILT_KERNEL);
	int ret;

	assert_non_null(k);
	ret = NONE(vcm_create_from_prebuilt(VCM_PREBUILT_KERNEL));
	assert_int_equal(vcm_free(k), 0);
	return ret;
}

static int clone_null(void) { return NONE(vcm_clone(NULL)); }
static int free_null(void) { return same(vcm_free(NULL)); }
static int free_with_res(void) { return same(vcm_free(E.v)); }

static int free_with_assoc(void)
{
	struct vcm *w = vcm_create(SZ_1M, SZ_1M);
	struct vcm_avcm *a = vcm_assoc(w, "mdp", 0);
	int ret;

	assert_non_null(a);
	ret = same(vcm_free(w));
	assert_int_equal(vcm_deassoc(a), 0);
	assert_int_equal(vcm_free(w), 0);
	return ret;
}

static int reserve_bad_attr(void) { return NONE(vcm_reserve(E.v, SZ_4K, 1U << 31)); }
static int reserve_len0(void) { return NONE(vcm_reserve(E.v, 0, 0)); }
static int reserve_too_long(void) { return NONE(vcm_reserve(E.v, 2 * SZ_16M, 0)); }

static int reserve_no_room(void)
{
	struct vcm_res *rest = vcm_reserve(E.v, SZ_16M - SZ_64K, 0);
	int ret;

	assert_non_null(rest);
	ret = NONE(vcm_reserve(E.v, SZ_4K, 0));
	assert_int_equal(vcm_unreserve(rest), 0);
	return ret;
}

static int reserve_at_taken(void) { return NONE(vcm_reserve_at(VCM_START, E.v, SZ_4K, 0)); }
static int reserve_at_where(void) { return NONE(vcm_reserve_at(5, E.v, SZ_4K, 0)); }

/* Back E.r with E.m through the active association, run @f, undo. */
static int backed(int (*f)(void))
{
	int ret;

	assert_int_equal(vcm_activate(E.a), 0);
	assert_int_equal(vcm_back(E.r, E.m), 0);
	ret = f();
	assert_int_equal(vcm_unback(E.r), 0);
	assert_int_equal(vcm_deactivate(E.a), 0);
	return ret;
}

static int unreserve_backed_(void) { return same(vcm_unreserve(E.r)); }
static int unreserve_backed(void) { return backed(unreserve_backed_); }
static int set_attr_backed_(void) { return same(vcm_set_res_attr(E.r, VCM_READ)); }
static int set_attr_backed(void) { return backed(set_attr_backed_); }
static int set_attr_bad(void) { return same(vcm_set_res_attr(E.r, 1U << 31)); }
static int back_twice_(void) { return same(vcm_back(E.r, E.m)); }
static int back_twice(void) { return backed(back_twice_); }
static int phys_free_backed_(void) { return same(vcm_phys_free(E.m)); }
static int phys_free_backed(void) { return backed(phys_free_backed_); }
static int res_copy_unbacked(void) { return NONE(vcm_res_copy(E.r, 0, E.r, 0, SZ_4K)); }

static int free_bound_busy(void)
{
	struct vcm_bound *b = vcm_create_bound(E.v, SZ_1M);
	struct vcm_res *r = vcm_reserve_from_bound(b, SZ_4K, 0);
	int ret;

	assert_non_null(r);
	ret = same(vcm_free_bound(b));
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_bound(b), 0);
	return ret;
}

static int bound_no_room(void)
{
	struct vcm_bound *b = vcm_create_bound(E.v, SZ_64K);
	struct vcm_res *r = vcm_reserve_from_bound(b, SZ_64K, 0);
	int ret;

	assert_non_null(r);
	ret = NONE(vcm_reserve_from_bound(b, SZ_4K, 0));
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_bound(b), 0);
	return ret;
}

static int phys_alloc_memtype(void) { return NONE(vcm_phys_alloc(VCM_MEMTYPE_1, SZ_4K, 0)); }
static int phys_alloc_attr(void) { return NONE(vcm_phys_alloc(VCM_MEMTYPE_0, SZ_4K, VCM_READ)); }
static int phys_alloc_no_room(void) { return NONE(vcm_phys_alloc(VCM_MEMTYPE_0, 512 * SZ_1M, 0)); }
static int map_phys_misaligned(void) { return NONE(vcm_map_phys_addr(0x90000800, SZ_4K)); }

static int back_mismatch(void)
{
	struct vcm_res *small = vcm_reserve(E.v, SZ_4K, 0);
	int ret;

	assert_int_equal(vcm_activate(E.a), 0);
	ret = same(vcm_back(small, E.m));
	assert_int_equal(vcm_deactivate(E.a), 0);
	assert_int_equal(vcm_unreserve(small), 0);
	return ret;
}

static int back_null(void) { return same(vcm_back(NULL, E.m)); }
static int back_inactive(void) { return same(vcm_back(E.r, E.m)); }
static int unback_unbacked(void) { return same(vcm_unback(E.r)); }
static int memtype_null(void) { return same(vcm_get_memtype_of_physalloc(NULL)); }

static int next_phys_addr_nolen(void) { return NONE(vcm_get_next_phys_addr(E.m, 0, NULL)); }
static int assoc_nodev(void) { return NONE(vcm_assoc(E.v, "nope", 0)); }
static int assoc_attr(void) { return NONE(vcm_assoc(E.v, "mdp", 1U << 30)); }
static int assoc_null(void) { return NONE(vcm_assoc(NULL, "mdp", 0)); }
static int assoc_twice(void) { return NONE(vcm_assoc(E.v, "vcodec", 0)); }

/* With E.a active, run @f, deactivate. */
static int active(int (*f)(void))
{
	int ret;

	assert_int_equal(vcm_activate(E.a), 0);
	ret = f();
	assert_int_equal(vcm_deactivate(E.a), 0);
	return ret;
}

static int deassoc_active_(void) { return same(vcm_deassoc(E.a)); }
static int deassoc_active(void) { return active(deassoc_active_); }
static int set_assoc_active_(void) { return same(vcm_set_assoc_attr(E.a, 0)); }
static int set_assoc_active(void) { return active(set_assoc_active_); }
static int activate_twice_(void) { return same(vcm_activate(E.a)); }
static int activate_twice(void) { return active(activate_twice_); }
static int deactivate_inactive(void) { return same(vcm_deactivate(E.a)); }
static int is_active_null(void) { return same(vcm_is_active(NULL)); }
static int get_assoc_attr_null(void) { return NONE(vcm_get_assoc_attr(NULL)); }
static int dev_addr_null(void) { return NONE(vcm_get_dev_addr(NULL)); }
static int get_res_null(void) { return NONE(vcm_get_res(SZ_1M, NULL)); }
static int get_res_none(void) { return NONE(vcm_get_res(8 * SZ_1M, E.v)); }
static int translate_null(void) { return NONE(vcm_translate(SZ_1M, NULL, E.v)); }

static int next_phys_res_nolen(void)
{
	return NONE(vcm_get_next_phys_res(0x81000000, NULL, NULL));
}

static int pgtbl_none(void)
{
	struct vcm *w = vcm_create(SZ_1M, SZ_1M);
	int ret = NONE(vcm_get_pgtbl_pa(w));

	assert_int_equal(vcm_free(w), 0);
	return ret;
}

static int lookup_nodev(void) { return NONE(vcm_dev_addr_to_phys_addr("nope", SZ_1M)); }
/* nothing is active on "vcodec": nothing maps the address */
static int lookup_inactive(void) { return NONE(vcm_dev_addr_to_phys_addr("vcodec", SZ_1M)); }
static int lookup_unmapped_(void) { return NONE(vcm_dev_addr_to_phys_addr("vcodec", SZ_1M)); }
static int lookup_unmapped(void) { return active(lookup_unmapped_); }
static int hook_nodev(void) { return same(vcm_hook("nope", NULL, NULL)); }
static int hw_ver_nodev(void) { return NONE(vcm_hw_ver("nope")); }

struct errno_case {
	const char *what;
	int (*run)(void);
	int want;
};

static const struct errno_case cases[] = {
	{ "vcm_sys_init: system exists", sys_init_busy, -EBUSY },
	{ "vcm_sys_destroy: VCMs live", sys_destroy_busy, -EBUSY },
	{ "vcm_create: misaligned", create_misaligned, -EINVAL },
	{ "vcm_create: len 0", create_len0, -EINVAL },
	{ "vcm_create: wrapping range", create_wraps, -EINVAL },
	{ "vcm_create_one_to_one: misaligned", one_to_one_misaligned, -EINVAL },
	{ "vcm_create_from_prebuilt: unknown id", prebuilt_unknown, -EINVAL },
	{ "vcm_create_from_prebuilt: view exists", prebuilt_twice, -EBUSY },
	{ "vcm_clone: NULL", clone_null, -EINVAL },
	{ "vcm_free: NULL", free_null, -EINVAL },
	{ "vcm_free: reservations", free_with_res, -EBUSY },
	{ "vcm_free: associations", free_with_assoc, -EBUSY },
	{ "vcm_reserve: bad attr", reserve_bad_attr, -EINVAL },
	{ "vcm_reserve: len 0", reserve_len0, -EINVAL },
	{ "vcm_reserve: len past the VCM", reserve_too_long, -EINVAL },
	{ "vcm_reserve: no room", reserve_no_room, -ENOMEM },
	{ "vcm_reserve_at: place taken", reserve_at_taken, -ENOMEM },
	{ "vcm_reserve_at: bad memtarget", reserve_at_where, -EINVAL },
	{ "vcm_unreserve: backed", unreserve_backed, -EBUSY },
	{ "vcm_set_res_attr: backed", set_attr_backed, -EBUSY },
	{ "vcm_set_res_attr: bad attr", set_attr_bad, -EINVAL },
	{ "vcm_res_copy: not backed", res_copy_unbacked, -ENOENT },
	{ "vcm_free_bound: holds reservations", free_bound_busy, -EBUSY },
	{ "vcm_reserve_from_bound: no room", bound_no_room, -ENOMEM },
	{ "vcm_phys_alloc: memtype", phys_alloc_memtype, -EINVAL },
	{ "vcm_phys_alloc: attr", phys_alloc_attr, -EINVAL },
	{ "vcm_phys_alloc: no memory", phys_alloc_no_room, -ENOMEM },
	{ "vcm_phys_free: backed", phys_free_backed, -EBUSY },
	{ "vcm_map_phys_addr: misaligned", map_phys_misaligned, -EINVAL },
	{ "vcm_back: length mismatch", back_mismatch, -EINVAL },
	{ "vcm_back: bad handle", back_null, -EINVAL },
	{ "vcm_back: already backed", back_twice, -EBUSY },
	{ "vcm_back: nothing active", back_inactive, -EAGAIN },
	{ "vcm_unback: not backed", unback_unbacked, -ENOENT },
	{ "vcm_get_memtype_of_physalloc: NULL", memtype_null, -EINVAL },
	{ "vcm_get_next_phys_addr: len NULL", next_phys_addr_nolen, -EINVAL },
	{ "vcm_assoc: no such device", assoc_nodev, -ENODEV },
	{ "vcm_assoc: bad attr", assoc_attr, -EINVAL },
	{ "vcm_assoc: NULL vcm", assoc_null, -EINVAL },
	{ "vcm_assoc: already associated", assoc_twice, -EEXIST },
	{ "vcm_deassoc: active", deassoc_active, -EBUSY },
	{ "vcm_set_assoc_attr: active", set_assoc_active, -EBUSY },
	{ "vcm_get_assoc_attr: NULL", get_assoc_attr_null, -EINVAL },
	{ "vcm_activate: already active", activate_twice, -EBUSY },
	{ "vcm_deactivate: not active", deactivate_inactive, -ENOENT },
	{ "vcm_is_active: NULL", is_active_null, -EINVAL },
	{ "vcm_get_dev_addr: NULL", dev_addr_null, -EINVAL },
	{ "vcm_get_res: NULL vcm", get_res_null, -EINVAL },
	{ "vcm_get_res: no reservation there", get_res_none, -ENOENT },
	{ "vcm_translate: NULL", translate_null, -EINVAL },
	{ "vcm_get_next_phys_res: len NULL", next_phys_res_nolen, -EINVAL },
	{ "vcm_get_pgtbl_pa: no IOMMU device", pgtbl_none, -ENOENT },
	{ "vcm_dev_addr_to_phys_addr: no device", lookup_nodev, -ENODEV },
	{ "vcm_dev_addr_to_phys_addr: nothing active", lookup_inactive, -ENOENT },
	{ "vcm_dev_addr_to_phys_addr: not mapped", lookup_unmapped, -ENOENT },
	{ "vcm_hook: no device", hook_nodev, -ENODEV },
	{ "vcm_hw_ver: no device", hw_ver_nodev, -ENODEV },
};

static int env_up(void **state)
{
	(void)state;
	if (vcm_sys_init() != 0)
		return -1;
	E.v = vcm_create(SZ_1M, SZ_16M);
	E.r = vcm_reserve(E.v, SZ_64K, 0);
	E.a = vcm_assoc(E.v, "vcodec", 0);
	E.m = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K, 0);
	if (E.r == NULL || E.a == NULL || E.m == NULL || vcm_get_dev_addr(E.r) != SZ_1M)
		return -1;
	return 0;
}

static int env_down(void **state)
{
	(void)state;
	if (vcm_deassoc(E.a) != 0 || vcm_unreserve(E.r) != 0 || vcm_phys_free(E.m) != 0 ||
	    vcm_free(E.v) != 0)
		return -1;
	return vcm_sys_destroy();
}

static void test_case(void **state)
{
	const struct errno_case *c = *state;
	int got = c->run();

	if (got != c->want)
		fail_msg("%s: errno %d (%s), want %d", c->what, got, vcm_rfc_last_error(),
			 c->want);
}

/* With no system, every call is -ENODEV and touches no handle. */
static void test_no_system(void **state)
{
	uint64_t len;

	(void)state;
	assert_int_equal(vcm_sys_destroy(), -ENODEV);
	assert_null(vcm_create(SZ_1M, SZ_1M));
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_int_equal(vcm_get_len((struct vcm *)(uintptr_t)0x40), 0);
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_int_equal(vcm_back((struct vcm_res *)(uintptr_t)0x40, NULL), -ENODEV);
	assert_null(vcm_phys_alloc(VCM_MEMTYPE_0, SZ_4K, 0));
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_int_equal(vcm_get_next_phys_addr(NULL, 0, &len), 0);
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
	assert_int_equal(vcm_hw_ver("mdp"), 0);
	assert_int_equal(vcm_rfc_errno(), -ENODEV);
}

int main(void)
{
	struct CMUnitTest tests[sizeof(cases) / sizeof(cases[0]) + 1];
	size_t n = sizeof(cases) / sizeof(cases[0]);

	for (size_t i = 0; i < n; i++)
		tests[i] = (struct CMUnitTest){ cases[i].what, test_case, env_up, env_down,
						(void *)&cases[i] };
	tests[n] = (struct CMUnitTest){ "no system", test_no_system, NULL, NULL, NULL };
	return _cmocka_run_group_tests("rfc_errnos", tests, n + 1, NULL, NULL);
}
