// SPDX-License-Identifier: MIT
/*
 * rfc.h's promise that a freed handle is an error, never undefined
 * behaviour, across the default system's life cycle: handles of one system,
 * kept past vcm_sys_destroy() and used in the next system (whose objects may
 * sit in the same memory), are -EINVAL. Before the slot store, the graph read
 * the freed slab (AddressSanitizer: heap-use-after-free in gobj_sys_).
 * Also: every getter reports -EINVAL for a NULL or freed handle rather than a
 * plain 0 or NULL, and NULL with errno 0 means only "after the last".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <string.h>
#include <cmocka.h>
#include "rfc_fixture.h"

struct kept {
	struct vcm *vcm;
	struct vcm_res *res;
	struct vcm_bound *bound;
	struct vcm_avcm *avcm;
	struct vcm_mem *mem;
};

/* Make one object of each kind, then free them all: the handles stay in @k. */
static void make_and_free(struct kept *k)
{
	k->vcm = vcm_create(SZ_1M, SZ_16M);
	assert_non_null(k->vcm);
	k->res = vcm_reserve(k->vcm, SZ_64K, 0);
	k->bound = vcm_create_bound(k->vcm, SZ_1M);
	k->avcm = vcm_assoc(k->vcm, "mdp", 0);
	k->mem = vcm_phys_alloc(VCM_MEMTYPE_0, SZ_64K, 0);
	assert_non_null(k->res);
	assert_non_null(k->bound);
	assert_non_null(k->avcm);
	assert_non_null(k->mem);
	assert_int_equal(vcm_deassoc(k->avcm), 0);
	assert_int_equal(vcm_free_bound(k->bound), 0);
	assert_int_equal(vcm_unreserve(k->res), 0);
	assert_int_equal(vcm_phys_free(k->mem), 0);
	assert_int_equal(vcm_free(k->vcm), 0);
}

/* Every use of a stale handle in @k is -EINVAL. */
static void refused(const struct kept *k)
{
	assert_int_equal(vcm_free(k->vcm), -EINVAL);
	assert_null(vcm_reserve(k->vcm, SZ_4K, 0));
	assert_int_equal(vcm_rfc_errno(), -EINVAL);
	assert_int_equal(vcm_unreserve(k->res), -EINVAL);
	assert_int_equal(vcm_set_res_attr(k->res, 0), -EINVAL);
	assert_int_equal(vcm_free_bound(k->bound), -EINVAL);
	assert_int_equal(vcm_deassoc(k->avcm), -EINVAL);
	assert_int_equal(vcm_is_active(k->avcm), -EINVAL);
	assert_int_equal(vcm_phys_free(k->mem), -EINVAL);
	assert_int_equal(vcm_get_memtype_of_physalloc(k->mem), -EINVAL);
}

static void test_across_systems(void **state)
{
	struct kept old[4];

	(void)state;
	for (unsigned int cycle = 0; cycle < 4; cycle++) {
		assert_int_equal(vcm_sys_init(), 0);
		/* live objects of this system, in the slots earlier systems used */
		make_and_free(&old[cycle]);
		for (unsigned int i = 0; i <= cycle; i++)
			refused(&old[i]);
		{
			struct vcm *v = vcm_create(SZ_1M, SZ_16M);
			struct vcm_res *r = vcm_reserve(v, SZ_64K, 0);

			assert_non_null(r);
			for (unsigned int i = 0; i <= cycle; i++) {
				assert_ptr_not_equal(v, old[i].vcm);
				refused(&old[i]);
			}
			assert_int_equal(vcm_get_res_len(r), SZ_64K);
			assert_int_equal(vcm_unreserve(r), 0);
			assert_int_equal(vcm_free(v), 0);
		}
		assert_int_equal(vcm_sys_destroy(), 0);
	}
}

/* The getters: NULL and freed handles are -EINVAL, 0 or NULL returned. */
static void test_getters(void **state)
{
	struct vcm *v = vcm_create(SZ_1M, SZ_16M);
	struct vcm *dead = vcm_create(SZ_1M, SZ_16M);
	struct vcm_res *r = vcm_reserve(v, SZ_64K, 0);
	struct vcm_res *gone = vcm_reserve(v, SZ_64K, 0);
	struct vcm_bound *b = vcm_create_bound(v, SZ_1M);
	uint64_t len = 1;

	(void)state;
	assert_non_null(r);
	assert_non_null(b);
	assert_int_equal(vcm_free(dead), 0);
	assert_int_equal(vcm_unreserve(gone), 0);
#define EINVAL_AFTER(call) do { \
		assert_int_equal((uint64_t)(uintptr_t)(call), 0); \
		assert_int_equal(vcm_rfc_errno(), -EINVAL); \
		assert_true(strlen(vcm_rfc_last_error()) > 0); \
	} while (0)
	EINVAL_AFTER(vcm_get_start_addr(NULL));
	EINVAL_AFTER(vcm_get_start_addr(dead));
	EINVAL_AFTER(vcm_get_len(NULL));
	EINVAL_AFTER(vcm_get_len(dead));
	EINVAL_AFTER(vcm_get_num_res(NULL));
	EINVAL_AFTER(vcm_get_num_res(dead));
	EINVAL_AFTER(vcm_get_next_res(NULL, NULL));
	EINVAL_AFTER(vcm_get_next_res(dead, NULL));
	EINVAL_AFTER(vcm_get_next_res(v, gone));
	EINVAL_AFTER(vcm_get_vcm_from_res(NULL));
	EINVAL_AFTER(vcm_get_vcm_from_res(gone));
	EINVAL_AFTER(vcm_get_res_len(gone));
	EINVAL_AFTER(vcm_get_res_attr(gone));
	EINVAL_AFTER(vcm_get_dev_addr(gone));
	EINVAL_AFTER(vcm_get_physmem_from_res(NULL));
	EINVAL_AFTER(vcm_get_physmem_from_res(gone));
	EINVAL_AFTER(vcm_get_bound_start_addr(NULL));
	EINVAL_AFTER(vcm_get_bound_len(NULL));
	EINVAL_AFTER(vcm_get_res(SZ_1M, NULL));
	EINVAL_AFTER(vcm_get_res(SZ_1M, dead));
	EINVAL_AFTER(vcm_get_pgtbl_pa(NULL));
	EINVAL_AFTER(vcm_get_pgtbl_pa(dead));
	EINVAL_AFTER(vcm_get_next_phys_res(0x81000000, gone, &len));
	EINVAL_AFTER(vcm_get_next_phys_addr(NULL, 0, &len));
	EINVAL_AFTER(vcm_get_assoc_attr(NULL));
	EINVAL_AFTER(vcm_translate(SZ_1M, dead, v));
	/* the ends of lists are not errors */
	assert_ptr_equal(vcm_get_next_res(v, NULL), r);
	assert_null(vcm_get_next_res(v, r));
	assert_int_equal(vcm_rfc_errno(), 0);
	assert_null(vcm_get_next_phys_res(0x81000000, NULL, &len));
	assert_int_equal(vcm_rfc_errno(), 0);
	/* an unbacked reservation has no memory: said so */
	assert_null(vcm_get_physmem_from_res(r));
	assert_int_equal(vcm_rfc_errno(), -ENOENT);
	assert_int_equal(vcm_free_bound(b), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_across_systems),
		cmocka_unit_test_setup_teardown(test_getters, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
