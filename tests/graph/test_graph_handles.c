// SPDX-License-Identifier: MIT
/*
 * Handle generations (src/graph/handle.c): a handle whose slot now holds a
 * newer object is -EINVAL on every call while the new one works; a slot
 * whose generations run out is retired, so the handles of each of its lives
 * stay -EINVAL; and the values handed out (outputs, iterators, lookups, the
 * fault hook's device) are the handles the user holds.
 * The slot behind a handle comes from the graph's internals (gobj_slot_),
 * only to prove that a slot was in fact reused.
 */
#include <stdio.h>
#include <stdlib.h>
#include "graph_fixture.h"
#include "../../src/graph/graph_internal.h"

#define LEN (64 * KB)
#define MAX_TRY 4096

/* Reserve in @v until a reservation lands in @old's slot; the others made on
 * the way are kept in @keep (*@nk of them) for the caller to free. */
static struct vcm_res *reserve_in_slot_of(struct vcm *v, struct vcm_res *old,
					  struct vcm_res **keep, unsigned int *nk)
{
	for (unsigned int i = 0; i < MAX_TRY; i++) {
		struct vcm_res *r;

		assert_int_equal(vcm_reserve(v, LEN, 0, RW, &r), 0);
		if (gobj_slot_(r) == gobj_slot_(old))
			return r;
		keep[(*nk)++] = r;
	}
	fail_msg("the freed slot was never reused");
	return NULL;
}

static void test_stale_res_after_reuse(void **state)
{
	struct vcm_res *keep[MAX_TRY], *old, *res, *it;
	struct vcm *v = gfx_vcm(0x10000000, 256 * MB);
	struct vcm_avcm *a = gfx_assoc(v, D_V8S1, VCM_USE_LOW_BASE, true);
	struct vcm_mem *m = gfx_alloc(0, LEN, 0), *m2 = gfx_alloc(0, LEN, 0);
	unsigned int nk = 0, prot = 0;
	vcm_da_t da;

	(void)state;
	assert_int_equal(vcm_reserve(v, LEN, 0, RW, &old), 0);
	assert_int_equal(vcm_unreserve(old), 0);
	res = reserve_in_slot_of(v, old, keep, &nk);
	assert_ptr_not_equal(res, old); /* same slot, another generation */

	/* the old handle is dead on every call ... */
	assert_int_equal(vcm_unreserve(old), -EINVAL);
	gfx_msg("vcm_unreserve: res is not a live reservation");
	assert_int_equal(vcm_back(old, m), -EINVAL);
	gfx_msg("vcm_back: res is not a live reservation");
	assert_int_equal(vcm_unback(old), -EINVAL);
	assert_int_equal(vcm_get_res_attr(old, &prot, NULL), -EINVAL);
	assert_int_equal(vcm_set_res_attr(old, RW), -EINVAL);
	assert_int_equal(vcm_res_copy(old, 0, res, 0, 4 * KB), -EINVAL);
	assert_int_equal(vcm_res_copy(res, 0, old, 0, 4 * KB), -EINVAL);
	gfx_msg("vcm_res_copy: from is not a live reservation");
	assert_int_equal(vcm_get_res_len(old), 0);
	assert_int_equal(vcm_get_dev_addr(old), 0);
	assert_null(vcm_get_vcm_from_res(old));
	assert_null(vcm_get_physmem_from_res(old));
	assert_null(vcm_get_next_res(v, old));
	/* ... a handle with other tag bits is no handle at all ... */
	assert_int_equal(vcm_get_res_len((struct vcm_res *)((uintptr_t)res ^ 2U)), 0);
	assert_int_equal(vcm_unreserve((struct vcm_res *)((uintptr_t)res ^ 2U)), -EINVAL);

	/* ... and the new one works, and is what every lookup hands back */
	assert_int_equal(vcm_get_res_len(res), LEN);
	assert_ptr_equal(vcm_get_vcm_from_res(res), v);
	da = vcm_get_dev_addr(res);
	assert_int_equal(vcm_back(res, m), 0);
	assert_ptr_equal(vcm_get_physmem_from_res(res), m);
	assert_ptr_equal(vcm_get_res(v, da), res);
	assert_ptr_equal(vcm_get_next_phys_res(g.sys, gfx_pa_of(m, 0), NULL, NULL), res);
	gfx_expect_pa(D_V8S1, 0, da, gfx_pa_of(m, 0));
	/* the old handle still cannot unback or free what the new one holds */
	assert_int_equal(vcm_unback(old), -EINVAL);
	assert_int_equal(vcm_get_res_len(res), LEN);
	it = NULL;
	for (unsigned int n = 0; n <= nk; n++) {
		it = vcm_get_next_res(v, it);
		assert_non_null(it);
		assert_int_equal(vcm_get_res_len(it), LEN); /* a handle, not a slot */
	}
	assert_null(vcm_get_next_res(v, it));
	assert_int_equal(vcm_unback(res), 0);
	assert_int_equal(vcm_unreserve(res), 0);
	for (unsigned int i = 0; i < nk; i++)
		assert_int_equal(vcm_unreserve(keep[i]), 0);
	assert_int_equal(vcm_free_phys(g.sys, m), 0);
	assert_int_equal(vcm_free_phys(g.sys, m2), 0);
	gfx_drop(a);
	assert_int_equal(vcm_free(v), 0);
}

/* Each other kind: free, make again until the slot comes back, the old handle
 * is refused, the new one accepted. */
static void test_stale_each_kind(void **state)
{
	struct vcm *v = gfx_vcm(0x10000000, 256 * MB), *v2, *vo, *vkeep[MAX_TRY];
	struct vcm_bound *bo, *b, *bkeep[MAX_TRY];
	struct vcm_mem *mo, *m, *mkeep[MAX_TRY];
	struct vcm_avcm *ao, *a;
	struct vcm_dev *dold, *dnew;
	struct vcm_res *r;
	unsigned int n, attr;
	uint32_t ver;

	(void)state;
	/* VCM */
	vo = gfx_vcm(0x20000000, 16 * MB);
	assert_int_equal(vcm_free(vo), 0);
	for (n = 0;; n++) {
		assert_true(n < MAX_TRY);
		vkeep[n] = gfx_vcm(0x20000000, 16 * MB);
		if (gobj_slot_(vkeep[n]) == gobj_slot_(vo))
			break;
	}
	v2 = vkeep[n];
	assert_int_equal(vcm_reserve(vo, LEN, 0, RW, &r), -EINVAL);
	gfx_msg("vcm_reserve: vcm is not a live VCM");
	assert_int_equal(vcm_get_len(vo), 0);
	assert_int_equal(vcm_free(vo), -EINVAL);
	assert_int_equal(vcm_get_len(v2), 16 * MB);
	for (unsigned int i = 0; i <= n; i++)
		assert_int_equal(vcm_free(vkeep[i]), 0);

	/* bound */
	assert_int_equal(vcm_create_bound(v, MB, &bo), 0);
	assert_int_equal(vcm_free_bound(bo), 0);
	for (n = 0;; n++) {
		assert_true(n < MAX_TRY);
		assert_int_equal(vcm_create_bound(v, MB, &bkeep[n]), 0);
		if (gobj_slot_(bkeep[n]) == gobj_slot_(bo))
			break;
	}
	b = bkeep[n];
	assert_int_equal(vcm_reserve_from_bound(bo, LEN, 0, RW, &r), -EINVAL);
	assert_int_equal(vcm_get_bound_len(bo), 0);
	assert_int_equal(vcm_free_bound(bo), -EINVAL);
	assert_int_equal(vcm_get_bound_len(b), MB);
	for (unsigned int i = 0; i <= n; i++)
		assert_int_equal(vcm_free_bound(bkeep[i]), 0);

	/* physical allocation */
	mo = gfx_alloc(0, LEN, 0);
	assert_int_equal(vcm_free_phys(g.sys, mo), 0);
	for (n = 0;; n++) {
		assert_true(n < MAX_TRY);
		mkeep[n] = gfx_alloc(0, LEN, 0);
		if (gobj_slot_(mkeep[n]) == gobj_slot_(mo))
			break;
	}
	m = mkeep[n];
	assert_int_equal(vcm_free_phys(g.sys, mo), -EINVAL);
	gfx_msg("vcm_free_phys: mem is not a live allocation");
	assert_int_equal(vcm_mem_len(mo), 0);
	assert_int_equal(vcm_migrate(g.sys, mo), -EINVAL);
	assert_int_equal(vcm_mem_len(m), LEN);
	for (unsigned int i = 0; i <= n; i++)
		assert_int_equal(vcm_free_phys(g.sys, mkeep[i]), 0);

	/* association: a pool of its own, so deassoc + assoc reuses at once or soon */
	ao = gfx_assoc(v, D_V7, 0, false);
	gfx_drop(ao);
	a = NULL;
	for (n = 0; n < MAX_TRY && a == NULL; n++) {
		struct vcm_avcm *x = gfx_assoc(v, D_V7, 0, false);

		if (gobj_slot_(x) == gobj_slot_(ao))
			a = x;
		else
			gfx_drop(x);
	}
	assert_non_null(a);
	assert_int_equal(vcm_activate(ao), -EINVAL);
	assert_int_equal(vcm_get_assoc_attr(ao, &attr), -EINVAL);
	assert_int_equal(vcm_deassoc(ao), -EINVAL);
	assert_int_equal(vcm_is_active(a), 0);
	gfx_drop(a);

	/* device */
	dold = g.dev[D_DMA];
	assert_int_equal(vcm_dev_unregister(dold), 0);
	g.dev[D_DMA] = NULL;
	for (n = 0; n < MAX_TRY; n++) {
		assert_int_equal(vcm_dev_register(g.sys, &g.cfg[D_DMA], &dnew), 0);
		if (gobj_slot_(dnew) == gobj_slot_(dold))
			break;
		assert_int_equal(vcm_dev_unregister(dnew), 0);
	}
	assert_true(n < MAX_TRY);
	g.dev[D_DMA] = dnew;
	assert_int_equal(vcm_hw_ver(dold, &ver), -EINVAL);
	assert_null(vcm_dev_name(dold));
	assert_int_equal(vcm_assoc(v, dold, 0, &a), -EINVAL);
	gfx_msg("vcm_assoc: dev is not a live device");
	assert_int_equal(vcm_dev_unregister(dold), -EINVAL);
	assert_ptr_equal(vcm_dev_find(g.sys, g.cfg[D_DMA].name), dnew);
	assert_string_equal(vcm_dev_name(dnew), g.cfg[D_DMA].name);
	assert_int_equal(vcm_free(v), 0);
}

/* The fault hook gets the handle the user holds. */
static struct vcm_dev *hook_saw;

static int hook(struct vcm_dev *dev, void *data, const struct vcm_fault *f)
{
	(void)data;
	(void)f;
	hook_saw = dev;
	return VCM_FAULT_TERMINATE;
}

static void test_hook_gets_handle(void **state)
{
	struct vcm_fault f = { 0 };

	(void)state;
	assert_int_equal(vcm_hook(g.dev[D_V7], hook, NULL), 0);
	assert_int_equal(vcm_dev_fault(g.dev[D_V7], &f), VCM_FAULT_TERMINATE);
	assert_ptr_equal(hook_saw, g.dev[D_V7]);
	assert_non_null(vcm_dev_name(hook_saw));
}

/*
 * One slot churned through every generation its handles can carry (the real
 * limit: 2^21 lives on 64-bit hosts for a slot below 2^48, else 32; 64 on
 * 32-bit hosts), with the pool's internals: then it is retired, never handed
 * out again, and the handle of every one of its lives is refused.
 */
static void test_retire_at_limit(void **state)
{
	struct gpool *p = &g.sys->pools[GK_BOUND];
	struct gobj *hold[1024], *x, *o;
	unsigned int nh = 0;
	uint32_t limit, lives = 0;
	void **h;

	(void)state;
	/* take every free slot, so the last one freed is the only one */
	do {
		assert_true(nh < 1024);
		hold[nh] = gobj_alloc_(g.sys, GK_BOUND);
		assert_non_null(hold[nh]);
		nh++;
	} while (p->free_head != NULL);
	x = hold[--nh];
	if (sizeof(void *) == 8U)
		limit = ((uint64_t)(uintptr_t)x >> 48) == 0U ? UINT32_C(1) << 21 : 32U;
	else
		limit = 64U;
	h = malloc(sizeof(*h) * limit);
	assert_non_null(h);
	h[lives++] = gobj_handle_(x); /* its first life */
	gobj_free_(g.sys, GK_BOUND, x);
	while (p->retired == 0U) {
		assert_true(lives < limit);
		o = gobj_alloc_(g.sys, GK_BOUND);
		assert_ptr_equal(o, x);
		h[lives] = gobj_handle_(o);
		assert_ptr_equal(gobj_slot_(h[lives]), x);
		assert_ptr_not_equal(h[lives], h[lives - 1U]);
		lives++;
		gobj_free_(g.sys, GK_BOUND, o);
	}
	assert_int_equal(lives, limit);
	assert_null(p->free_head);
	for (uint32_t i = 0; i < lives; i++) {
		void *v = h[i];

		assert_false(gobj_ok_(&v, GK_BOUND));
		assert_false(gobj_take_(&v, GK_BOUND, g.sys));
		assert_ptr_equal(v, h[i]); /* a refused handle is left alone */
	}
	/* public calls too, for the first, a middle and the last life */
	assert_int_equal(vcm_free_bound(h[0]), -EINVAL);
	assert_int_equal(vcm_get_bound_len(h[lives / 2U]), 0);
	assert_int_equal(vcm_free_bound(h[lives - 1U]), -EINVAL);
	/* never handed out again: the next slot is another one */
	o = gobj_alloc_(g.sys, GK_BOUND);
	assert_non_null(o);
	assert_ptr_not_equal(o, x);
	gobj_free_(g.sys, GK_BOUND, o);
	for (unsigned int i = 0; i < nh; i++)
		gobj_free_(g.sys, GK_BOUND, hold[i]);
	free(h);
}

/*
 * Retirement through the public calls: with the pool's cap lowered to 3 lives,
 * reserve and unreserve many times. No slot is handed out more than 3 times,
 * every old handle stays -EINVAL, and reserving keeps working on new slots.
 */
#define CHURN 200

static void test_retire_public(void **state)
{
	struct vcm *v = gfx_vcm(0x10000000, 256 * MB);
	struct vcm_res *h[CHURN], *r;
	uint64_t full = 0;

	(void)state;
	g.sys->pools[GK_RES].gen_cap = 3;
	for (unsigned int i = 0; i < CHURN; i++) {
		unsigned int same = 0;

		assert_int_equal(vcm_reserve(v, LEN, 0, RW, &h[i]), 0);
		for (unsigned int j = 0; j < i; j++) {
			assert_ptr_not_equal(h[j], h[i]);
			if (gobj_slot_(h[j]) == gobj_slot_(h[i]))
				same++;
		}
		assert_true(same < 3U);
		if (same == 2U)
			full++; /* its third life: retired when freed */
		assert_int_equal(vcm_get_res_len(h[i]), LEN);
		assert_int_equal(vcm_unreserve(h[i]), 0);
	}
	assert_true(full > 0U);
	assert_int_equal(g.sys->pools[GK_RES].retired, full);
	for (unsigned int i = 0; i < CHURN; i++) {
		assert_int_equal(vcm_unreserve(h[i]), -EINVAL);
		assert_int_equal(vcm_get_res_len(h[i]), 0);
	}
	assert_int_equal(vcm_reserve(v, LEN, 0, RW, &r), 0);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
}

/*
 * A system is a plain pointer; a handle of another kind in its place (a
 * caller's cast) is refused by every call that takes a system, without a
 * read through it (UBSan: a misaligned access, before the check).
 */
static void test_handle_as_sys(void **state)
{
	struct vcm *v = gfx_vcm(0x10000000, 16 * MB);
	struct vcm_res *r;
	struct vcm *out = NULL;
	struct vcm_mem *m = NULL;
	struct vcm_sys_counts c;
	unsigned int mappers;
	vcm_pa_t pa;
	uint64_t len;

	(void)state;
	assert_int_equal(vcm_reserve(v, LEN, 0, RW, &r), 0);
	for (int k = 0; k < 2; k++) {
		struct vcm_sys *bad = k == 0 ? (struct vcm_sys *)(void *)v :
					      (struct vcm_sys *)(void *)r;

		assert_int_equal(vcm_sys_destroy(bad), -EINVAL);
		assert_int_equal(vcm_sys_counts(bad, &c), -EINVAL);
		assert_null(vcm_sys_phys(bad));
		assert_int_equal(vcm_sys_check_(bad), -EINVAL);
		assert_null(vcm_dev_find(bad, "d0"));
		assert_int_equal(vcm_create(bad, 0x40000000, MB, &out), -EINVAL);
		assert_null(out);
		assert_int_equal(vcm_alloc(bad, 0, 64 * KB, 0, &m), -EINVAL);
		assert_null(m);
		assert_int_equal(vcm_alloc_wrap(bad, 0x80000000, 64 * KB, &m), -EINVAL);
		assert_int_equal(vcm_free_phys(bad, m), -EINVAL);
		assert_int_equal(vcm_get_phys_num_res(bad, 0x80000000), 0);
		assert_null(vcm_get_next_phys_res(bad, 0x80000000, NULL, &pa));
		assert_int_equal(vcm_get_cont_memtype(bad, 0, &pa, &len), -EINVAL);
		assert_int_equal(vcm_power_query(bad, 0x80000000, 4 * KB, &mappers), -EINVAL);
		assert_non_null(vcm_sys_last_error(bad));
	}
	assert_int_equal(vcm_get_len(v), 16 * MB);
	assert_int_equal(vcm_unreserve(r), 0);
	assert_int_equal(vcm_free(v), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_stale_res_after_reuse),
		T(test_stale_each_kind),
		T(test_hook_gets_handle),
		T(test_retire_at_limit),
		T(test_retire_public),
		T(test_handle_as_sys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
