// SPDX-License-Identifier: MIT
/*
 * VCMs whose range ends exactly at the top: at 2^64 for an AMD v1 device of
 * 64-bit input, at 2^ias for the armv7s, armv8 stage 1 and 64K stage 2
 * devices. A reservation takes the last bytes, is backed, translated at its
 * last page, walked, unbacked and given back, with vcm_sys_check_() after
 * every step; a device whose input space ends below the VCM's is refused.
 */
#include <stdlib.h>
#include <stdio.h>
#include "graph_fixture.h"

static struct vcm_dev *amd64;

static int top_setup(void **state)
{
	static struct vcm_pt_cfg pt = { .fmt = &vcm_pt_fmt_amdv1, .ias = 64, .oas = 52 };
	static struct fake_dev fake;
	struct vcm_dev_cfg cfg = { .name = "amd64", .mapper = &vcm_mapper_pt, .mapper_cfg = &pt,
				   .nr_bases = 1, .ops = &fake_ops, .ctx = &fake };

	if (gfx_setup(state) != 0)
		return -1;
	if (vcm_dev_register(g.sys, &cfg, &amd64) != 0) {
		fprintf(stderr, "%s\n", vcm_sys_last_error(g.sys));
		return -1;
	}
	return 0;
}

static int top_teardown(void **state)
{
	if (vcm_dev_unregister(amd64) != 0)
		return -1;
	return gfx_teardown(state);
}

struct sum {
	uint64_t bytes;
	vcm_da_t last;
};

static int add_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct sum *s = arg;

	(void)pa;
	(void)prot;
	s->bytes += len;
	s->last = da + len - 1;
	return 0;
}

/* The last @rlen bytes of a VCM of @len bytes ending at @last, seen by @dev. */
static void top_case(struct vcm_dev *dev, unsigned int mt, vcm_da_t last, uint64_t len,
		     uint64_t rlen)
{
	struct vcm *v = gfx_vcm(last - len + 1, len);
	const vcm_da_t rda = last - rlen + 1, page = last & ~(vcm_da_t)0xffff;
	struct vcm_avcm *a;
	struct vcm_res *r;
	struct vcm_mem *m = gfx_alloc(mt, rlen, 0);
	struct sum s = { 0 };
	vcm_pa_t pa;

	assert_int_equal(vcm_assoc(v, dev, 0, &a), 0);
	assert_int_equal(vcm_activate(a), 0);
	assert_int_equal(vcm_reserve_at(v, rda, rlen, RW, &r), 0);
	assert_int_equal(vcm_get_dev_addr(r), rda);
	assert_int_equal(vcm_back(r, m), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	/* the last page of the space translates to the last page of the memory */
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, page, &pa), 0);
	assert_int_equal(pa, gfx_pa_of(m, page - rda));
	/* past the device's input size nothing is mapped: -ENOENT, as for a hole */
	if (last != UINT64_MAX) {
		assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, last + 1, &pa), -ENOENT);
		gfx_msg("vcm_dev_addr_to_phys_addr: dev '");
		assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, UINT64_MAX, &pa), -ENOENT);
	}
	assert_int_equal(vcm_walk(v, dev, last - len + 1, len, add_run, &s), 0);
	assert_int_equal(s.bytes, rlen);
	assert_int_equal(s.last, last);
	/* nothing more fits at the top */
	assert_int_equal(vcm_reserve_at(v, last - 0xffff, 0x10000, RW, &(struct vcm_res *){ 0 }),
			 -EEXIST);
	assert_int_equal(vcm_unback(r), 0);
	assert_int_equal(vcm_dev_addr_to_phys_addr(dev, 0, page, &pa), -ENOENT);
	s.bytes = 0;
	assert_int_equal(vcm_walk(v, dev, last - len + 1, len, add_run, &s), 0);
	assert_int_equal(s.bytes, 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
}

static void test_top_of_64(void **state)
{
	(void)state;
	top_case(amd64, 0, UINT64_MAX, 64 * MB, 2 * MB + 64 * KB);
}

static void test_top_of_ias(void **state)
{
	(void)state;
	top_case(g.dev[D_V7], 0, (UINT64_C(1) << 32) - 1, 64 * MB, 2 * MB + 64 * KB);
	top_case(g.dev[D_V8S1], 0, (UINT64_C(1) << 39) - 1, 64 * MB, 2 * MB + 64 * KB);
	top_case(g.dev[D_V8S2], 1, (UINT64_C(1) << 44) - 1, 64 * MB, 2 * MB + 64 * KB);
}

/* A device whose space ends below the VCM's last address cannot take it. */
static void test_top_too_high(void **state)
{
	struct vcm *v = gfx_vcm(UINT64_MAX - 64 * MB + 1, 64 * MB);
	struct vcm_avcm *a = NULL;

	(void)state;
	assert_int_not_equal(vcm_assoc(v, g.dev[D_V8S1], 0, &a), 0);
	assert_null(a);
	assert_int_equal(vcm_free(v), 0);
	assert_int_equal(vcm_sys_check_(g.sys), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_top_of_64, top_setup, top_teardown),
		cmocka_unit_test_setup_teardown(test_top_of_ias, top_setup, top_teardown),
		cmocka_unit_test_setup_teardown(test_top_too_high, top_setup, top_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
