// SPDX-License-Identifier: MIT
/*
 * Two lists the graph keeps to answer quickly, checked against a model:
 *
 * - the TLB fan-out walks a VCM's active associations only (tlb.c,
 *   assoc.c's list): after every assoc, deassoc, activate, deactivate and
 *   switch, in random orders and in every order of four activations and
 *   their undoing, a back and an unback invalidate exactly the devices active
 *   in that VCM, once per base and per call;
 * - vcm_translate() answers with the first reverse-map answer in the
 *   destination VCM (rmap.c): compared with that answer found through
 *   vcm_get_next_phys_res(), for every pair of many VCMs sharing memory
 *   (first, middle and last sharer, absent, partly backed, two reservations
 *   of one VCM over the same page, aliases of the same bytes in other shards).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include "hosted_sys.h"
#include "../common/test_rand.h"

#define KB (UINT64_C(1) << 10)
#define MB (UINT64_C(1) << 20)
#define PAGE (4 * KB)
#define MEM_PA UINT64_C(0x80000000)
#define PROT (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

static struct vcm_sys *sys;
static struct hosted_sys hs;
static vcm_pa_t alias_pa;

static int setup(void **state)
{
	(void)state;
	if (hosted_sys_up(&hs, MEM_PA, 64 * MB, 8 * MB, MB) != 0)
		return -1;
	sys = hs.sys;
	/* the last MiB stays out of the memtype: wrapped aliases go there */
	alias_pa = hs.out_pa;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	hosted_sys_down(&hs);
	return 0;
}

/* ---- TLB fan-out ------------------------------------------------------------ */

#define NDEV 5
#define NVCM 2

struct spy {
	int calls[2]; /* tlb_range(_hint) per base */
};

static struct spy spies[NDEV];

static int s_program(void *ctx, unsigned int base, const struct vcm_hw_regs *hw)
{
	(void)ctx;
	(void)base;
	(void)hw;
	return 0;
}

static void s_tlb(void *ctx, unsigned int base, vcm_da_t da, uint64_t len, bool leaf)
{
	(void)da;
	(void)len;
	(void)leaf;
	((struct spy *)ctx)->calls[base]++;
}

static void s_tlb_hint(void *ctx, unsigned int base, vcm_da_t da, uint64_t len,
		       const struct vcm_tlb_hint *h)
{
	s_tlb(ctx, base, da, len, h->leaf_only);
}

static const struct vcm_dev_ops ops_plain = { .program = s_program, .tlb_range = s_tlb };
static const struct vcm_dev_ops ops_hint = { .program = s_program, .tlb_range_hint = s_tlb_hint };

struct model {
	struct vcm_dev *dev[NDEV];
	unsigned int nr_bases[NDEV];
	struct vcm *vcm[NVCM];
	struct vcm_res *res[NVCM];
	struct vcm_mem *mem;
	struct vcm_avcm *a[NDEV][NVCM];
	unsigned int bases[NDEV][NVCM]; /* of a[d][v] */
	bool active[NDEV][NVCM];
};

static unsigned int attr_bases(unsigned int attr)
{
	if ((attr & VCM_SPLIT_MASK) != 0U)
		return 3U;
	return (attr & VCM_USE_HIGH_BASE) != 0U ? 2U : 1U;
}

static void model_make(struct model *m)
{
	static struct vcm_pt_cfg pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .oas = 40 };

	memset(m, 0, sizeof(*m));
	memset(spies, 0, sizeof(spies));
	for (int d = 0; d < NDEV; d++) {
		char name[16];
		struct vcm_dev_cfg c = { .mapper = &vcm_mapper_pt, .mapper_cfg = &pt };

		snprintf(name, sizeof(name), "spy%d", d);
		c.name = name;
		c.nr_bases = d % 2 == 0 ? 2U : 1U;
		c.ops = d == 3 ? &ops_hint : &ops_plain;
		c.ctx = &spies[d];
		m->nr_bases[d] = c.nr_bases;
		assert_int_equal(vcm_dev_register(sys, &c, &m->dev[d]), 0);
	}
	for (int v = 0; v < NVCM; v++)
		assert_int_equal(vcm_create(sys, 0, UINT64_C(1) << 32, &m->vcm[v]), 0);
	assert_int_equal(vcm_alloc(sys, 0, PAGE, VCM_PHYS_4KB, &m->mem), 0);
	for (int v = 0; v < NVCM; v++)
		assert_int_equal(vcm_reserve(m->vcm[v], PAGE, 0, PROT, &m->res[v]), 0);
}

static void model_free(struct model *m)
{
	for (int d = 0; d < NDEV; d++)
		for (int v = 0; v < NVCM; v++) {
			if (m->active[d][v])
				assert_int_equal(vcm_deactivate(m->a[d][v]), 0);
			if (m->a[d][v] != NULL)
				assert_int_equal(vcm_deassoc(m->a[d][v]), 0);
		}
	for (int v = 0; v < NVCM; v++) {
		assert_int_equal(vcm_unreserve(m->res[v]), 0);
		assert_int_equal(vcm_free(m->vcm[v]), 0);
	}
	assert_int_equal(vcm_free_phys(sys, m->mem), 0);
	for (int d = 0; d < NDEV; d++)
		assert_int_equal(vcm_dev_unregister(m->dev[d]), 0);
}

/* The bases of @d some VCM's association holds now. */
static unsigned int busy(const struct model *m, int d)
{
	unsigned int b = 0;

	for (int v = 0; v < NVCM; v++)
		if (m->active[d][v])
			b |= m->bases[d][v];
	return b;
}

/* A back and an unback in every VCM reach exactly its active devices, on
 * each of their bases, once per call; the system's own check agrees. */
static void check_fan(const struct model *m)
{
	assert_int_equal(vcm_sys_check_(sys), 0);
	for (int v = 0; v < NVCM; v++) {
		bool any = false;

		memset(spies, 0, sizeof(spies));
		for (int d = 0; d < NDEV; d++)
			any |= m->active[d][v];
		if (!any) {
			assert_int_equal(vcm_back(m->res[v], m->mem), -EAGAIN);
			continue;
		}
		assert_int_equal(vcm_back(m->res[v], m->mem), 0);
		assert_int_equal(vcm_unback(m->res[v]), 0);
		for (int d = 0; d < NDEV; d++)
			for (unsigned int b = 0; b < 2U; b++) {
				bool on = m->active[d][v] && (m->bases[d][v] & (1U << b)) != 0U;

				assert_int_equal(spies[d].calls[b], on ? 2 : 0);
			}
	}
}

static void do_assoc(struct model *m, int d, int v, unsigned int attr)
{
	if (m->a[d][v] != NULL)
		return;
	assert_int_equal(vcm_assoc(m->vcm[v], m->dev[d], attr, &m->a[d][v]), 0);
	m->bases[d][v] = attr_bases(attr);
}

static void do_activate(struct model *m, int d, int v)
{
	int want;

	if (m->a[d][v] == NULL)
		return;
	want = m->active[d][v] || (busy(m, d) & m->bases[d][v]) != 0U ? -EBUSY : 0;
	assert_int_equal(vcm_activate(m->a[d][v]), want);
	if (want == 0)
		m->active[d][v] = true;
}

static void do_deactivate(struct model *m, int d, int v)
{
	if (m->a[d][v] == NULL)
		return;
	assert_int_equal(vcm_deactivate(m->a[d][v]), m->active[d][v] ? 0 : -ENOENT);
	m->active[d][v] = false;
}

static void do_switch(struct model *m, int d, int v)
{
	if (m->a[d][v] == NULL)
		return;
	assert_int_equal(vcm_switch(m->a[d][v]), 0);
	if (!m->active[d][v])
		for (int u = 0; u < NVCM; u++)
			if (u != v && m->active[d][u] && (m->bases[d][u] & m->bases[d][v]) != 0U)
				m->active[d][u] = false;
	m->active[d][v] = true;
}

static void do_deassoc(struct model *m, int d, int v)
{
	if (m->a[d][v] == NULL)
		return;
	if (m->active[d][v]) {
		assert_int_equal(vcm_deassoc(m->a[d][v]), -EBUSY);
		return;
	}
	assert_int_equal(vcm_deassoc(m->a[d][v]), 0);
	m->a[d][v] = NULL;
}

static void test_fan_random(void **state)
{
	static const unsigned int attrs2[] = { VCM_USE_LOW_BASE, VCM_USE_HIGH_BASE, VCM_SPLIT(1),
					       0 };
	uint64_t seed = test_seed("test_fan_random", UINT64_C(0x9e3779b97f4a7c15));
	struct model m;

	(void)state;
	model_make(&m);
	check_fan(&m);
	for (int step = 0; step < 4000; step++) {
		int d = (int)test_rand_below(&seed, NDEV), v = (int)test_rand_below(&seed, NVCM);

		switch (test_rand_below(&seed, 6)) {
		case 0:
		case 1:
			do_assoc(&m, d, v, m.nr_bases[d] == 2U ? attrs2[test_rand_below(&seed, 4)] : 0U);
			break;
		case 2:
			do_activate(&m, d, v);
			break;
		case 3:
			do_deactivate(&m, d, v);
			break;
		case 4:
			do_switch(&m, d, v);
			break;
		default:
			do_deassoc(&m, d, v);
			break;
		}
		check_fan(&m);
	}
	model_free(&m);
	assert_int_equal(vcm_sys_check_(sys), 0);
}

/* Every order of activating four devices in VCM 0, then every order of
 * taking them off again, each by deactivate, a switch to VCM 1, or deassoc
 * after a deactivate. */
static void test_fan_orders(void **state)
{
	int perm[24][4], np = 0;

	(void)state;
	for (int a = 0; a < 4; a++)
		for (int b = 0; b < 4; b++)
			for (int c = 0; c < 4; c++)
				for (int d = 0; d < 4; d++)
					if (a != b && a != c && a != d && b != c && b != d &&
					    c != d) {
						perm[np][0] = a;
						perm[np][1] = b;
						perm[np][2] = c;
						perm[np][3] = d;
						np++;
					}
	assert_int_equal(np, 24);
	for (int on = 0; on < np; on++)
		for (int off = 0; off < np; off += 5) {
			struct model m;

			model_make(&m);
			for (int i = 0; i < 4; i++) {
				do_assoc(&m, perm[on][i], 0, 0U);
				do_assoc(&m, perm[on][i], 1, 0U);
			}
			for (int i = 0; i < 4; i++) {
				do_activate(&m, perm[on][i], 0);
				check_fan(&m);
			}
			for (int i = 0; i < 4; i++) {
				int d = perm[off][i];

				switch ((on + i) % 3) {
				case 0:
					do_deactivate(&m, d, 0);
					break;
				case 1:
					do_switch(&m, d, 1);
					break;
				default:
					do_deactivate(&m, d, 0);
					do_deassoc(&m, d, 0);
					break;
				}
				check_fan(&m);
			}
			model_free(&m);
		}
	assert_int_equal(vcm_sys_check_(sys), 0);
}

/* ---- translate across many sharers ---------------------------------------------- */

#define NSH 48

/* What vcm_translate() must answer: the first reverse-map answer for @pa
 * whose reservation is @dst's (vcm_get_res(dst, da) is that reservation). */
static int translate_ref(struct vcm *dst, vcm_pa_t pa, vcm_da_t *out)
{
	struct vcm_res *r = NULL;
	vcm_da_t da;

	while ((r = vcm_get_next_phys_res(sys, pa, r, &da)) != NULL)
		if (vcm_get_res(dst, da) == r) {
			*out = da;
			return 0;
		}
	return -ENOENT;
}

static void test_translate_sharers(void **state)
{
	struct vcm *v[NSH];
	struct vcm_dev *dev[NSH];
	struct vcm_res *res[NSH][3] = { { NULL } };
	struct vcm_mem *mem, *other, *alias[3];
	vcm_pa_t mpa, opa, apa = alias_pa;
	uint64_t it = 0, l;
	static struct vcm_pt_cfg pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 48, .oas = 40 };

	(void)state;
	assert_int_equal(vcm_alloc(sys, 0, 4 * PAGE, VCM_PHYS_4KB, &mem), 0);
	assert_int_equal(vcm_alloc(sys, 0, 4 * PAGE, VCM_PHYS_4KB, &other), 0);
	/* wraps of one run of bytes: each its own allocation, dealt to its own shard */
	for (int i = 0; i < 3; i++)
		assert_int_equal(vcm_alloc_wrap(sys, apa, 4 * PAGE, &alias[i]), 0);
	assert_int_equal(vcm_mem_next_chunk(mem, &it, &mpa, &l), 0);
	it = 0;
	assert_int_equal(vcm_mem_next_chunk(other, &it, &opa, &l), 0);
	for (int i = 0; i < NSH; i++) {
		char name[16];
		struct vcm_dev_cfg c = { .mapper = &vcm_mapper_pt, .mapper_cfg = &pt,
					 .nr_bases = 1 };
		struct vcm_avcm *a;

		snprintf(name, sizeof(name), "sh%d", i);
		c.name = name;
		assert_int_equal(vcm_dev_register(sys, &c, &dev[i]), 0);
		assert_int_equal(vcm_create(sys, 0, UINT64_C(1) << 32, &v[i]), 0);
		assert_int_equal(vcm_assoc(v[i], dev[i], 0, &a), 0);
		assert_int_equal(vcm_activate(a), 0);
		/* every third VCM: a first reservation left unbacked, or backed by
		 * other memory (the VCM maps something, not this) */
		for (int k = 0; k < 3; k++)
			assert_int_equal(vcm_reserve(v[i], 4 * PAGE, 0, PROT, &res[i][k]), 0);
		switch (i % 6) {
		case 0: /* backed by mem */
			assert_int_equal(vcm_back(res[i][1], mem), 0);
			break;
		case 1: /* unbacked reservations only */
			break;
		case 2: /* other memory, then mem */
			assert_int_equal(vcm_back(res[i][0], other), 0);
			assert_int_equal(vcm_back(res[i][2], mem), 0);
			break;
		case 3: /* mem twice: the higher address backed first */
			assert_int_equal(vcm_back(res[i][2], mem), 0);
			assert_int_equal(vcm_back(res[i][0], mem), 0);
			break;
		case 4: /* two aliases of the same bytes, in other shards */
			assert_int_equal(vcm_back(res[i][2], alias[i % 3]), 0);
			assert_int_equal(vcm_back(res[i][1], alias[(i + 1) % 3]), 0);
			break;
		default: /* other memory only */
			assert_int_equal(vcm_back(res[i][1], other), 0);
			break;
		}
	}
	assert_int_equal(vcm_sys_check_(sys), 0);
	for (int s = 0; s < NSH; s++)
		for (int k = 0; k < 3; k++) {
			vcm_da_t sda = vcm_get_dev_addr(res[s][k]);

			if (vcm_get_res_len(res[s][k]) == 0U)
				continue;
			for (int d = 0; d < NSH; d++)
				for (uint64_t off = 0; off < 4 * PAGE; off += PAGE + 0x123U) {
					vcm_da_t want = 0, got = 0;
					int r = vcm_translate(v[s], sda + off, v[d], &got);
					vcm_pa_t pa = 0;
					struct vcm_res *x = NULL;
					bool backed = false;

					/* the source's pa: through the reverse map of each candidate */
					for (int c = 0; c < 3 && !backed; c++) {
						vcm_pa_t base = c == 0 ? mpa : c == 1 ? apa : opa;

						x = NULL;
						while ((x = vcm_get_next_phys_res(sys, base + off, x,
										  &want)) != NULL)
							if (x == res[s][k] && want == sda + off) {
								pa = base + off;
								backed = true;
								break;
							}
					}
					if (!backed) {
						assert_int_equal(r, -ENOENT);
						assert_non_null(strstr(vcm_sys_last_error(sys),
								       "is not in a backed"));
						continue;
					}
					if (translate_ref(v[d], pa, &want) != 0) {
						assert_int_equal(r, -ENOENT);
						assert_non_null(strstr(vcm_sys_last_error(sys),
								       "dst maps nothing at pa"));
						continue;
					}
					assert_int_equal(r, 0);
					assert_true(got == want);
				}
		}
	/* the first sharer, a middle one, the last, both ways, by hand */
	{
		vcm_da_t got;

		assert_int_equal(vcm_translate(v[0], vcm_get_dev_addr(res[0][1]), v[NSH - 6],
					       &got), 0);
		assert_true(got == vcm_get_dev_addr(res[NSH - 6][1]));
		assert_int_equal(vcm_translate(v[NSH - 6], vcm_get_dev_addr(res[NSH - 6][1]) + 8,
					       v[0], &got), 0);
		assert_true(got == vcm_get_dev_addr(res[0][1]) + 8);
		assert_int_equal(vcm_translate(v[NSH - 4], vcm_get_dev_addr(res[NSH - 4][2]) + 8,
					       v[24], &got), 0);
		assert_true(got == vcm_get_dev_addr(res[24][1]) + 8);
		/* absent: a VCM with nothing backed, one with other memory */
		assert_int_equal(vcm_translate(v[24], vcm_get_dev_addr(res[24][1]), v[1], &got),
				 -ENOENT);
		assert_int_equal(vcm_translate(v[24], vcm_get_dev_addr(res[24][1]), v[5], &got),
				 -ENOENT);
		/* the source unbacked */
		assert_int_equal(vcm_translate(v[24], vcm_get_dev_addr(res[24][0]), v[0], &got),
				 -ENOENT);
	}
	for (int i = 0; i < NSH; i++)
		for (int k = 0; k < 3; k++) {
			(void)vcm_unback(res[i][k]);
			assert_int_equal(vcm_unreserve(res[i][k]), 0);
		}
	assert_int_equal(vcm_sys_check_(sys), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_fan_random, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fan_orders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_sharers, setup, teardown),
	};

	return cmocka_run_group_tests_name("graph_active", tests, NULL, NULL);
}
