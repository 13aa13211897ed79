// SPDX-License-Identifier: MIT
/*
 * Many devices and associations: the device name index (dev_names.c) and the
 * association lookup through the shorter list, checked against a plain array
 * of what should be registered. Thousands of names in and out in random
 * order, duplicates refused, metadata failures at every allocation of a
 * registration (the index's own included, which must not fail the call),
 * the metadata back to where it started once every device is gone; one VCM
 * with many devices and one device in many VCMs, every pair asked.
 */
#include <stdio.h>
#include <stdlib.h>
#include "graph_fixture.h"

#define NAMES 3000

struct reg {
	char name[16];
	struct vcm_dev *dev; /* NULL: not registered now */
};

static struct reg regs[NAMES];

static unsigned long rnd_state = 12345;

static unsigned long rnd(void)
{
	rnd_state = rnd_state * 6364136223846793005UL + 1442695040888963407UL;
	return rnd_state >> 33;
}

static void check_all(void)
{
	for (int i = 0; i < NAMES; i++)
		assert_ptr_equal(vcm_dev_find(g.sys, regs[i].name), regs[i].dev);
}

static int reg_one(int i)
{
	struct vcm_dev_cfg c = g.cfg[D_DMA];

	c.name = regs[i].name;
	return vcm_dev_register(g.sys, &c, &regs[i].dev);
}

static void test_names(void **state)
{
	struct vcm_dev_cfg c = g.cfg[D_DMA];
	long live0 = g.meta_live;
	struct vcm_dev *d;

	(void)state;
	for (int i = 0; i < NAMES; i++) {
		snprintf(regs[i].name, sizeof(regs[i].name), "n%d", i);
		regs[i].dev = NULL;
	}
	/* every 97th registration fails at each of its allocations in turn */
	for (int i = 0; i < NAMES; i++) {
		if (i % 97 == 0) {
			for (long n = 1;; n++) {
				long live = g.meta_live;
				int ret;

				gfx_fail_meta(n);
				ret = reg_one(i);
				gfx_fail_meta(0);
				if (ret == 0)
					break;
				assert_int_equal(ret, -ENOMEM);
				assert_int_equal(g.meta_live, live);
				assert_null(vcm_dev_find(g.sys, regs[i].name));
				regs[i].dev = NULL;
				assert_true(n < 20);
			}
		} else {
			assert_int_equal(reg_one(i), 0);
		}
		if (i % 500 == 0)
			check_all();
	}
	check_all();
	/* the growths of the index under failure: the first device after them
	 * must find the others all the same */
	for (int i = 0; i < 40; i++) {
		int k = (int)(rnd() % NAMES);

		c.name = regs[k].name;
		assert_int_equal(vcm_dev_register(g.sys, &c, &d), -EEXIST);
		gfx_msg("vcm_dev_register: cfg->name 'n");
	}
	/* out in random order, half of them, then back in */
	for (int step = 0; step < 4 * NAMES; step++) {
		int k = (int)(rnd() % NAMES);

		if (regs[k].dev != NULL) {
			assert_int_equal(vcm_dev_unregister(regs[k].dev), 0);
			regs[k].dev = NULL;
		} else {
			if (step % 13 == 0)
				gfx_fail_meta(1 + (long)(rnd() % 3));
			if (reg_one(k) != 0) {
				assert_null(vcm_dev_find(g.sys, regs[k].name));
				regs[k].dev = NULL;
			}
			gfx_fail_meta(0);
		}
		if (step % 1000 == 0)
			check_all();
	}
	check_all();
	for (int i = 0; i < NAMES; i++) {
		if (regs[i].dev != NULL)
			assert_int_equal(vcm_dev_unregister(regs[i].dev), 0);
		regs[i].dev = NULL;
	}
	check_all();
	assert_ptr_equal(vcm_dev_find(g.sys, "v7"), g.dev[D_V7]);
	assert_ptr_equal(vcm_dev_find(g.sys, "dma"), g.dev[D_DMA]);
	/* a second round in and out holds no more metadata blocks than the
	 * first left (handle slabs stay; the index is one block at any size) */
	live0 = g.meta_live;
	for (int i = 0; i < NAMES; i++)
		assert_int_equal(reg_one(i), 0);
	check_all();
	for (int i = NAMES - 1; i >= 0; i--) {
		assert_int_equal(vcm_dev_unregister(regs[i].dev), 0);
		regs[i].dev = NULL;
	}
	check_all();
	assert_int_equal(g.meta_live, live0);
}

/* The index may be missing (no metadata when the first device came): every
 * device is still found, and the next registration that can build it does. */
static void test_names_without_index(void **state)
{
	struct vcm_dev *dev[4] = { 0 };
	struct vcm_dev_cfg c = g.cfg[D_DMA];
	const char *names[4] = { "a0", "a1", "a2", "a3" };
	int i;

	(void)state;
	/* the fixture's devices: unregister them so that the next is the first */
	for (i = 0; i < D_NR; i++) {
		assert_int_equal(vcm_dev_unregister(g.dev[i]), 0);
		g.dev[i] = NULL;
	}
	/* a registration's allocations: the handle slab is there already, so
	 * the first metadata call is the index's; it fails, the call does not */
	c.name = names[0];
	gfx_fail_meta(1);
	assert_int_equal(vcm_dev_register(g.sys, &c, &dev[0]), 0);
	gfx_fail_meta(0);
	assert_ptr_equal(vcm_dev_find(g.sys, "a0"), dev[0]);
	c.name = names[1];
	assert_int_equal(vcm_dev_register(g.sys, &c, &dev[1]), 0);
	c.name = "a0";
	assert_int_equal(vcm_dev_register(g.sys, &c, &dev[2]), -EEXIST);
	c.name = names[2];
	assert_int_equal(vcm_dev_register(g.sys, &c, &dev[2]), 0);
	for (i = 0; i < 3; i++)
		assert_ptr_equal(vcm_dev_find(g.sys, names[i]), dev[i]);
	assert_null(vcm_dev_find(g.sys, names[3]));
	for (i = 0; i < 3; i++)
		assert_int_equal(vcm_dev_unregister(dev[i]), 0);
	for (i = 0; i < 3; i++)
		assert_null(vcm_dev_find(g.sys, names[i]));
	/* put the fixture's back so that its teardown finds them */
	for (i = 0; i < D_NR; i++)
		assert_int_equal(vcm_dev_register(g.sys, &g.cfg[i], &g.dev[i]), 0);
}

#define MANY_DEVS 300
#define MANY_VCMS 60

/* One VCM with many devices, one device in many VCMs: every pair is found
 * or refused as it should be, whichever list is the shorter. */
static void test_assoc_lookup(void **state)
{
	static struct vcm_dev *devs[MANY_DEVS];
	static struct vcm_avcm *da[MANY_DEVS];
	static struct vcm *vcms[MANY_VCMS];
	static struct vcm_avcm *va[MANY_VCMS];
	struct vcm_dev_cfg c = g.cfg[D_V7];
	struct vcm_avcm *a;
	struct vcm *big;
	vcm_pa_t pa, pa_big;
	char name[16];
	int i;

	(void)state;
	big = gfx_vcm(0, 16 * MB);
	for (i = 0; i < MANY_DEVS; i++) {
		snprintf(name, sizeof(name), "m%d", i);
		c.name = name;
		assert_int_equal(vcm_dev_register(g.sys, &c, &devs[i]), 0);
		assert_int_equal(vcm_assoc(big, devs[i], 0, &da[i]), 0);
	}
	/* all share the one armv7s table of the big VCM */
	assert_int_equal(vcm_get_pgtbl_pa(big, devs[0], &pa_big), 0);
	for (i = 0; i < MANY_DEVS; i++) {
		assert_int_equal(vcm_get_pgtbl_pa(big, devs[i], &pa), 0);
		assert_true(pa == pa_big);
		assert_int_equal(vcm_assoc(big, devs[i], 0, &a), -EEXIST);
	}
	/* devs[0] in many VCMs: now its list is the longer one */
	for (i = 0; i < MANY_VCMS; i++) {
		vcms[i] = gfx_vcm((vcm_da_t)(i + 1) * 16 * MB, MB);
		assert_int_equal(vcm_assoc(vcms[i], devs[0], 0, &va[i]), 0);
	}
	for (i = 0; i < MANY_VCMS; i++) {
		assert_int_equal(vcm_get_pgtbl_pa(vcms[i], devs[0], &pa), 0);
		assert_true(pa != pa_big);
		assert_int_equal(vcm_assoc(vcms[i], devs[0], 0, &a), -EEXIST);
		/* another of the big VCM's devices is not associated here */
		assert_int_equal(vcm_get_pgtbl_pa(vcms[i], devs[1 + i], &pa), -ENOENT);
		gfx_msg("vcm_get_pgtbl_pa: dev 'm");
	}
	assert_int_equal(vcm_get_pgtbl_pa(big, devs[0], &pa), 0);
	assert_true(pa == pa_big);
	assert_int_equal(vcm_get_pgtbl_pa(big, g.dev[D_V7], &pa), -ENOENT);
	for (i = 0; i < MANY_VCMS; i++) {
		assert_int_equal(vcm_deassoc(va[i]), 0);
		assert_int_equal(vcm_get_pgtbl_pa(vcms[i], devs[0], &pa), -ENOENT);
		assert_int_equal(vcm_free(vcms[i]), 0);
	}
	for (i = 0; i < MANY_DEVS; i++) {
		assert_int_equal(vcm_deassoc(da[i]), 0);
		assert_int_equal(vcm_get_pgtbl_pa(big, devs[i], &pa), -ENOENT);
		assert_int_equal(vcm_dev_unregister(devs[i]), 0);
	}
	assert_int_equal(vcm_free(big), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_names),
		T(test_names_without_index),
		T(test_assoc_lookup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
