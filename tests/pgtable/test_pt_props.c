// SPDX-License-Identifier: MIT
/*
 * Property test of the page-table layer, run over every configuration in
 * pt_configs.h: random maps (every leaf size, random prot, aligned and
 * misaligned physical addresses), random unmaps that cut blocks and groups,
 * and table memory that runs out halfway. After every step the table must
 * equal the reference model (walk + lookups), the walker's view must hold
 * every write, and each TLB flush must come after its entries went invalid.
 * The seed is printed on failure; VCM_TEST_SEED overrides it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

#include "common/test_rand.h"

#define rnd test_rand

static unsigned int random_prot(uint64_t *s)
{
	unsigned int prot = VCM_PT_PROT_READ;
	uint64_t r = rnd(s);

	if (r & 1)
		prot |= VCM_PT_PROT_WRITE;
	if (r & 2)
		prot |= VCM_PT_PROT_EXEC;
	if (r & 4)
		prot |= VCM_PT_PROT_USER;
	if ((r & 0x18) == 0x18)
		prot |= VCM_PT_PROT_NONGLOBAL;
	if ((r & 0x60) == 0x60)
		prot |= VCM_PT_PROT_SECURE;
	if ((r & 0x380) == 0x380)
		return prot | VCM_PT_PROT_DEVICE;
	/* the same policy inside and out most of the time: every format has those */
	prot |= VCM_PT_PROT_INNER((r >> 10) & 3) |
		VCM_PT_PROT_OUTER((r & 0x30000) ? (r >> 10) & 3 : (r >> 12) & 3);
	prot |= VCM_PT_PROT_SH((r >> 14) % 3);
	return prot;
}

/* The sizes of this table, largest first. */
static unsigned int table_sizes(struct pt_fixture *f, uint64_t *out)
{
	uint64_t sizes = vcm_pt_page_sizes(f->pt);
	unsigned int n = 0;

	for (int b = 63; b >= 0; b--)
		if (sizes & (UINT64_C(1) << b))
			out[n++] = UINT64_C(1) << b;
	return n;
}

struct run {
	struct pt_fixture f;
	uint64_t seed, window, window_base, sizes[16];
	unsigned int nsizes;
	bool reduced; /* page_sizes reduced: a split may run out of table memory */
	unsigned long maps, unmaps, eexist, enomem, eopnotsupp, splits;
};

#define CHECK(r, cond, ...)                                                                 \
	do {                                                                                \
		if (!(cond)) {                                                              \
			print_error("%s seed %#llx: ", (r)->f.cfg->name,                     \
				    (unsigned long long)(r)->seed);                             \
			print_error(__VA_ARGS__);                                           \
			print_error("\n");                                                  \
			fail();                                                             \
		}                                                                           \
	} while (0)

/* A random range inside the window, aligned to a random leaf size. */
static void pick_range(struct run *r, uint64_t *s, uint64_t *da, uint64_t *len, uint64_t *align)
{
	uint64_t gran = UINT64_C(1) << r->f.cfg->granule_lg2;
	uint64_t a = r->sizes[rnd(s) % r->nsizes];

	if (a > r->window / 4)
		a = gran;
	*len = a * (1 + rnd(s) % 3);
	if (rnd(s) % 4 == 0)
		*len += gran * (1 + rnd(s) % 17); /* a ragged tail of small pages */
	if (*len > r->window / 2)
		*len = a;
	*da = r->window_base + (rnd(s) % (r->window - *len + 1) & ~(a - 1));
	if (rnd(s) % 3 == 0 && *len <= (UINT64_C(64) << 20)) /* ragged, but not millions of pages */
		*da = r->window_base + (rnd(s) % (r->window - *len + 1) & ~(gran - 1));
	*align = a;
}

static void do_map(struct run *r, uint64_t *s)
{
	struct pt_fixture *f = &r->f;
	uint64_t da, len, a, pa, omask = (UINT64_C(1) << f->cfg->oas) - 1;
	unsigned int prot = random_prot(s);
	bool overlap;
	int ret;

	pick_range(r, s, &da, &len, &a);
	/* pa keeps the alignment most of the time, so large leaves get used */
	pa = (rnd(s) & omask & ~(a - 1)) % ((omask - len + 1) & ~(a - 1));
	if (rnd(s) % 4 == 0 && len <= (UINT64_C(64) << 20))
		pa &= ~((UINT64_C(1) << f->cfg->granule_lg2) - 1) & ~(a >> 1);
	overlap = model_any(&f->md, da, len);
	ret = vcm_pt_map(f->pt, da, pa, len, prot);
	if (ret == -EOPNOTSUPP) {
		r->eopnotsupp++;
		prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;
		ret = vcm_pt_map(f->pt, da, pa, len, prot);
	}
	if (ret == -ENOMEM && r->reduced) {
		r->enomem++; /* the arena is full of split tables; the check sees no change */
		return;
	}
	if (overlap) {
		CHECK(r, ret == -EEXIST, "map [%#llx,+%#llx) over a mapping gave %d (%s)",
		      (unsigned long long)da, (unsigned long long)len, ret,
		      vcm_pt_last_error(f->pt));
		r->eexist++;
		return;
	}
	CHECK(r, ret == 0, "map [%#llx,+%#llx) pa %#llx prot %#x gave %d (%s)",
	      (unsigned long long)da, (unsigned long long)len, (unsigned long long)pa, prot, ret,
	      vcm_pt_last_error(f->pt));
	model_map(&f->md, da, pa, len, prot);
	CHECK(r, ptf_check_greedy(f, da, pa, len, ~UINT64_C(0)) == 0, "%s", f->why);
	r->maps++;
}

static void do_unmap(struct run *r, uint64_t *s)
{
	struct pt_fixture *f = &r->f;
	uint64_t da, len, a, unmapped, expect;
	unsigned long flushes = f->flushes;
	int ret;

	pick_range(r, s, &da, &len, &a);
	ret = vcm_pt_unmap(f->pt, da, len, &unmapped);
	if (ret == -EOPNOTSUPP || (ret == -ENOMEM && r->reduced)) {
		/* the table must be unchanged: the next check sees to it */
		if (ret == -ENOMEM)
			r->enomem++;
		else
			r->eopnotsupp++;
		return;
	}
	expect = model_unmap(&f->md, da, len);
	if (expect == 0) {
		CHECK(r, ret == -ENOENT && unmapped == 0, "unmap of nothing gave %d", ret);
		return;
	}
	CHECK(r, ret == 0 && unmapped == expect,
	      "unmap [%#llx,+%#llx) gave %d, %#llx bytes; model %#llx (%s)",
	      (unsigned long long)da, (unsigned long long)len, ret,
	      (unsigned long long)unmapped, (unsigned long long)expect, vcm_pt_last_error(f->pt));
	CHECK(r, f->flushes > flushes, "unmap made no TLB flush");
	if (f->flushes > flushes + 1)
		r->splits++;
	r->unmaps++;
}

/* Table memory gives out after a few tables: the failed call changes nothing. */
static void do_enomem(struct run *r, uint64_t *s)
{
	struct pt_fixture *f = &r->f;
	uint64_t da, len, a, free_before = vcm_plat_arena_free_bytes(f->arena);
	uint64_t bytes_before = vcm_pt_table_bytes(f->pt), unmapped;
	uint64_t pool_before = vcm_pt_pool_bytes(f->pt);
	int ret;

	pick_range(r, s, &da, &len, &a);
	f->fail_after = (long)(rnd(s) % 3);
	if (rnd(s) & 1) {
		ret = vcm_pt_map(f->pt, da, da & ((UINT64_C(1) << f->cfg->oas) - 1) & ~(a - 1) & ~((UINT64_C(1) << f->cfg->granule_lg2) - 1), len,
				 VCM_PT_PROT_READ);
		if (ret == 0)
			model_map(&f->md, da, da & ((UINT64_C(1) << f->cfg->oas) - 1) & ~(a - 1) & ~((UINT64_C(1) << f->cfg->granule_lg2) - 1), len,
				  vcm_pt_lookup(f->pt, da, &(struct vcm_pt_leaf){ 0 }) == 0 ?
					  VCM_PT_PROT_READ : VCM_PT_PROT_READ);
	} else {
		ret = vcm_pt_unmap(f->pt, da, len, &unmapped);
		if (ret == 0)
			model_unmap(&f->md, da, len);
	}
	f->fail_after = -1;
	if (ret == -ENOMEM) {
		r->enomem++;
		/* with the pool, tables the call took may wait there: held, not lost */
		CHECK(r, vcm_plat_arena_free_bytes(f->arena) + vcm_pt_pool_bytes(f->pt) ==
				 free_before + pool_before &&
				 vcm_pt_table_bytes(f->pt) == bytes_before,
		      "failed call kept table memory: arena %#llx -> %#llx, pool %#llx -> %#llx",
		      (unsigned long long)free_before,
		      (unsigned long long)vcm_plat_arena_free_bytes(f->arena),
		      (unsigned long long)pool_before, (unsigned long long)vcm_pt_pool_bytes(f->pt));
	} else {
		CHECK(r, ret == 0 || ret == -EEXIST || ret == -ENOENT || ret == -EOPNOTSUPP,
		      "got %d (%s)", ret,
		      vcm_pt_last_error(f->pt));
	}
}

#define SEGS_MAX 24U

/*
 * Cut [da, +len) into pieces for vcm_pt_map_segs(): runs of equal pieces of
 * the granule or of one leaf size @a (the scattered pages of a buffer, which
 * the walk writes in one loop), or random lengths; each piece's pa is random,
 * keeping the piece's own alignment most of the time. Returns the count.
 */
static unsigned int cut_segs(struct run *r, uint64_t *s, uint64_t len, uint64_t a,
			     struct vcm_seg *seg)
{
	const uint64_t gran = UINT64_C(1) << r->f.cfg->granule_lg2;
	const uint64_t omask = (UINT64_C(1) << r->f.cfg->oas) - 1;
	const uint64_t style = rnd(s) % 3;
	unsigned int n = 0;

	while (len != 0U) {
		uint64_t plen, align;

		if (n == SEGS_MAX - 1U) {
			plen = len;
		} else if (style == 0) {
			plen = gran;
		} else if (style == 1 && len >= a && rnd(s) % 8 != 0) {
			plen = a;
		} else {
			plen = gran * (1 + rnd(s) % (len / gran < 40 ? len / gran : 40));
		}
		if (plen > len)
			plen = len;
		align = UINT64_C(1) << __builtin_ctzll(plen);
		if (align > a || rnd(s) % 4 == 0)
			align = gran;
		seg[n].pa = (rnd(s) & omask) % ((omask - plen + 1) & ~(align - 1)) & ~(align - 1);
		seg[n].len = plen;
		len -= plen;
		n++;
	}
	return n;
}

/*
 * vcm_pt_map_segs(): pieces at consecutive addresses, each mapped as
 * vcm_pt_map() would map it alone (the greedy leaves of each piece), all or
 * nothing when a piece lands on a mapping or table memory runs out.
 */
static void do_segs(struct run *r, uint64_t *s)
{
	struct pt_fixture *f = &r->f;
	uint64_t da, len, a, off = 0, free_before = vcm_plat_arena_free_bytes(f->arena);
	uint64_t pool_before = vcm_pt_pool_bytes(f->pt);
	unsigned int prot = random_prot(s), n;
	struct vcm_seg seg[SEGS_MAX];
	bool overlap, starve = rnd(s) % 4 == 0;
	int ret;

	pick_range(r, s, &da, &len, &a);
	if (len / (UINT64_C(1) << f->cfg->granule_lg2) > 4096U)
		return; /* pieces of one page: keep a step to a few thousand */
	n = cut_segs(r, s, len, a, seg);
	overlap = model_any(&f->md, da, len);
	if (starve)
		f->fail_after = (long)(rnd(s) % 3);
	ret = vcm_pt_map_segs(f->pt, da, seg, n, prot);
	if (ret == -EOPNOTSUPP) {
		r->eopnotsupp++;
		prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;
		ret = vcm_pt_map_segs(f->pt, da, seg, n, prot);
	}
	f->fail_after = -1;
	if (ret == -ENOMEM && (starve || r->reduced)) {
		r->enomem++;
		/* with the pool, tables the call took may wait there: held, not lost */
		CHECK(r, vcm_plat_arena_free_bytes(f->arena) + vcm_pt_pool_bytes(f->pt) ==
				 free_before + pool_before,
		      "failed map_segs kept table memory");
		return;
	}
	if (overlap) {
		CHECK(r, ret == -EEXIST, "map_segs [%#llx,+%#llx) over a mapping gave %d (%s)",
		      (unsigned long long)da, (unsigned long long)len, ret,
		      vcm_pt_last_error(f->pt));
		r->eexist++;
		return;
	}
	CHECK(r, ret == 0, "map_segs [%#llx,+%#llx) in %u pieces prot %#x gave %d (%s)",
	      (unsigned long long)da, (unsigned long long)len, n, prot, ret,
	      vcm_pt_last_error(f->pt));
	for (unsigned int i = 0; i < n; i++) {
		model_map(&f->md, da + off, seg[i].pa, seg[i].len, prot);
		CHECK(r, ptf_check_greedy(f, da + off, seg[i].pa, seg[i].len, ~UINT64_C(0)) == 0,
		      "piece %u of %u: %s", i, n, f->why);
		off += seg[i].len;
	}
	r->maps++;
}

/*
 * Single-leaf calls in a row, the walk cache's case: one leaf of one size per
 * call at neighbouring addresses (the same table: hits), now and then a jump
 * elsewhere (a miss) or a wider unmap around the place (tables emptied and
 * freed between single calls), each checked like any other step.
 */
static void do_singles(struct run *r, uint64_t *s)
{
	struct pt_fixture *f = &r->f;
	uint64_t gran = UINT64_C(1) << f->cfg->granule_lg2, omask = (UINT64_C(1) << f->cfg->oas) - 1;
	uint64_t a = r->sizes[rnd(s) % r->nsizes], base, unmapped, expect;
	unsigned int prot = random_prot(s), n = 4 + (unsigned int)(rnd(s) % 12);

	if (a > r->window / 16)
		a = gran;
	base = r->window_base + (rnd(s) % (r->window / a - 8)) * a;
	for (unsigned int k = 0; k < n; k++) {
		uint64_t op = rnd(s) % 16, da = base + (rnd(s) % 8) * a, pa;
		int ret;

		if (op == 0) {
			/* a miss: somewhere else in the window */
			base = r->window_base + (rnd(s) % (r->window / a - 8)) * a;
			continue;
		}
		if (op == 1) {
			/* clear the neighbourhood: its tables may go */
			ret = vcm_pt_unmap(f->pt, base, 8 * a, &unmapped);
			if (ret == -EOPNOTSUPP || (ret == -ENOMEM && r->reduced))
				goto check;
			expect = model_unmap(&f->md, base, 8 * a);
			CHECK(r, ret == (expect != 0 ? 0 : -ENOENT) && unmapped == expect,
			      "singles: unmap [%#llx,+%#llx) gave %d, %#llx; model %#llx (%s)",
			      (unsigned long long)base, (unsigned long long)(8 * a), ret,
			      (unsigned long long)unmapped, (unsigned long long)expect,
			      vcm_pt_last_error(f->pt));
		} else if (model_any(&f->md, da, a)) {
			ret = vcm_pt_unmap(f->pt, da, a, &unmapped);
			if (ret == -EOPNOTSUPP || (ret == -ENOMEM && r->reduced))
				goto check; /* a cut the leaf's attributes or memory forbid */
			expect = model_unmap(&f->md, da, a);
			CHECK(r, ret == 0 && unmapped == expect,
			      "singles: unmap [%#llx,+%#llx) gave %d, %#llx; model %#llx (%s)",
			      (unsigned long long)da, (unsigned long long)a, ret,
			      (unsigned long long)unmapped, (unsigned long long)expect,
			      vcm_pt_last_error(f->pt));
			r->unmaps++;
		} else {
			/* pa keeps the leaf's alignment but now and then (the walk's smaller leaves) */
			pa = (rnd(s) & omask) % (omask - a + 1) & ~(a - 1);
			if (op == 2)
				pa |= gran; /* still below omask - a + 1: pa is a multiple of a */
			ret = vcm_pt_map(f->pt, da, pa, a, prot);
			if (ret == -EOPNOTSUPP) {
				r->eopnotsupp++;
				prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;
				ret = vcm_pt_map(f->pt, da, pa, a, prot);
			}
			if (ret == -ENOMEM && r->reduced)
				goto check;
			CHECK(r, ret == 0, "singles: map [%#llx,+%#llx) pa %#llx prot %#x gave %d (%s)",
			      (unsigned long long)da, (unsigned long long)a, (unsigned long long)pa,
			      prot, ret, vcm_pt_last_error(f->pt));
			model_map(&f->md, da, pa, a, prot);
			r->maps++;
		}
check:
		CHECK(r, ptf_check(f, *s) == 0, "singles step %u at %#llx: %s", k,
		      (unsigned long long)da, f->why);
	}
}

/*
 * Nothing mapped: the table holds only its top level, and the platform's
 * blocks beyond it are exactly the pool (VCM_PT_CFG_POOL; none without).
 */
static bool top_and_pool_only(struct pt_fixture *f)
{
	struct vcm_hw_regs hw;
	uint64_t other = 0;

	if (vcm_pt_hw(f->pt, &hw) != 0)
		return false;
	for (size_t i = 0; i < f->nblocks; i++)
		if (f->blocks[i].pa != hw.root_pa)
			other += f->blocks[i].size;
	return vcm_pt_table_bytes(f->pt) == hw.root_size && other == vcm_pt_pool_bytes(f->pt) &&
	       ((f->cfg->flags & VCM_PT_CFG_POOL) != 0U || f->nblocks == 1);
}

static void run_config(const struct pt_config *cfg, uint64_t seed, unsigned int steps,
		       uint64_t page_sizes)
{
	struct run r = { .seed = seed, .reduced = page_sizes != 0 };
	/* last, not 2^ias: a 64-bit space does not fit in a uint64_t */
	uint64_t s = seed, last = ptf_top_last(cfg), half = last / 2U + 1U, unmapped;
	struct pt_fixture *f = &r.f;

	ptf_init(f, cfg, page_sizes);
	r.nsizes = table_sizes(f, r.sizes);
	/* A window a few of the largest usable leaves wide, somewhere in the space,
	 * often at its very top so the last page gets mapped. */
	r.window = r.sizes[0] * 8;
	while (r.window - 1U > last || r.window > (UINT64_C(1) << 36))
		r.window >>= 1;
	r.window_base = (rnd(&s) % 2) ? last - r.window + 1U :
			(rnd(&s) % (last / r.window + 1U)) * r.window;

	for (unsigned int i = 0; i < steps; i++) {
		uint64_t op = rnd(&s) % 100;

		if (op < 43)
			do_map(&r, &s);
		else if (op < 53)
			do_segs(&r, &s);
		else if (op < 88)
			do_unmap(&r, &s);
		else if (op < 92)
			do_singles(&r, &s);
		else
			do_enomem(&r, &s);
		CHECK(&r, ptf_check(f, s) == 0, "step %u: %s", i, f->why);
	}
	/* Unmapping everything gives back every table but the top level. */
	vcm_pt_unmap(f->pt, 0, half, &unmapped);
	vcm_pt_unmap(f->pt, half, half, &unmapped);
	model_unmap(&f->md, 0, half);
	model_unmap(&f->md, half, half);
	CHECK(&r, ptf_check(f, s) == 0, "after clearing: %s", f->why);
	CHECK(&r, top_and_pool_only(f), "%zu tables left after unmapping everything (%llu pooled bytes)",
	      f->nblocks, (unsigned long long)vcm_pt_pool_bytes(f->pt));
	print_message("%-18s %-8s seed %#llx: %lu maps, %lu unmaps (%lu with splits), "
		      "%lu EEXIST, %lu ENOMEM, %lu EOPNOTSUPP\n",
		      cfg->name, r.reduced ? "reduced" : "", (unsigned long long)seed, r.maps,
		      r.unmaps, r.splits, r.eexist, r.enomem, r.eopnotsupp);
	CHECK(&r, r.maps > steps / 5 && r.unmaps > steps / 20, "too few successful operations");
	/* emptied tables went back through table_free_zero, each checked zero there */
	CHECK(&r, (cfg->flags & VCM_PT_CFG_POOL) != 0U || f->zero_frees > 0,
	      "no table was given back as zero");
	ptf_fini(f);
}

/* The granule and the largest size up to 1 GiB: a cut of the latter builds tables. */
static uint64_t reduced_sizes(const struct pt_config *cfg)
{
	struct pt_fixture f;
	uint64_t sizes, big;

	ptf_init(&f, cfg, 0);
	sizes = vcm_pt_page_sizes(f.pt) & ((UINT64_C(2) << 30) - 1);
	ptf_fini(&f);
	big = UINT64_C(1) << (63 - __builtin_clzll(sizes));
	return (UINT64_C(1) << cfg->granule_lg2) | big;
}

static void test_props(void **state)
{
	uint64_t seed = test_seed("test_pt_props", UINT64_C(0x9e3779b97f4a7c15));

	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		for (int round = 0; round < 4; round++)
			run_config(&pt_configs[i], seed + i * 1000 + (uint64_t)round, 400, 0);
		run_config(&pt_configs[i], seed + i * 1000 + 4, 250, reduced_sizes(&pt_configs[i]));
	}
}

/*
 * The same with the pool of emptied tables (VCM_PT_CFG_POOL) in a few
 * configurations, small and large tables: a table taken from the pool must be
 * as zero as a fresh one, and the validator checks every pooled table.
 */
static void test_props_pool(void **state)
{
	static const char *const names[] = { "armv7s-32", "armv8-s1-4k-48", "armv8-s1-64k-42",
					      "amdv1-4lvl-8k", "riscv-sv39-napot-pbmt" };
	uint64_t seed = test_seed("test_pt_props", UINT64_C(0x9e3779b97f4a7c15));

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pt_config cfg = *ptf_config(names[i]);

		cfg.flags |= VCM_PT_CFG_POOL;
		run_config(&cfg, seed + i * 77 + 1, 400, 0);
		run_config(&cfg, seed + i * 77 + 2, 250, reduced_sizes(&cfg));
	}
}

/*
 * The validator compares every table's live-entry count with its entries:
 * an entry cleared behind the walker's back is reported, and the table is
 * valid again once it is back.
 */
static void test_count_checked(void **state)
{
	const uint64_t addr_mask = UINT64_C(0x0000fffffffff000);
	struct pt_fixture f;
	struct vcm_hw_regs hw;
	uint64_t *t, saved;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s1-4k-48"), 0);
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x5000, 0x2000, VCM_PT_PROT_READ), 0);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	/* da 0x1000 and 0x2000: entry 0 of levels 3, 2 and 1, entries 1 and 2 of level 0 */
	t = vcm_plat_arena_pa_to_cpu(f.arena, hw.root_pa);
	for (int lvl = 3; lvl > 0; lvl--)
		t = vcm_plat_arena_pa_to_cpu(f.arena, t[0] & addr_mask);
	assert_int_equal(t[2] & addr_mask, 0x6000);
	saved = t[2];
	t[2] = 0;
	assert_int_equal(vcm_pt_check_(f.pt), -EFAULT);
	assert_non_null(strstr(vcm_pt_last_error(f.pt), "1 entries in use, its count says 2"));
	t[2] = saved;
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	/* and the walker's own unmaps keep the count: the last one frees the table */
	assert_int_equal(vcm_pt_unmap(f.pt, 0x2000, 0x1000, NULL), 0);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x1000, 0x1000, NULL), 0);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	assert_true(top_and_pool_only(&f));
	ptf_fini(&f);
}

/*
 * The walk cache across a table's end, in every configuration and at every
 * level with single leaves: a single leaf is mapped and unmapped again (its
 * table is freed), then single leaves go next to where it was, before and
 * after a leaf elsewhere takes new table memory (likely the freed table's).
 * Had the cache kept the freed table, they would land in freed memory or in
 * the other table.
 */
static void test_singles_reuse(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		const struct pt_config *cfg = &pt_configs[i];
		struct run r = { .seed = 0 };
		struct pt_fixture *f = &r.f;
		const uint64_t half = ptf_top_last(cfg) / 2U + 1U; /* 2^(ias - 1) */
		uint64_t unmapped;

		ptf_init(f, cfg, 0);
		r.nsizes = table_sizes(f, r.sizes);
		for (unsigned int k = 0; k < r.nsizes; k++) {
			const uint64_t a = r.sizes[k];
			const unsigned int prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;
			const uint64_t here = (half / 2) & ~(a - 1), there = (half + half / 4) & ~(a - 1);
			const uint64_t pas[] = { 0, a, 2 * a, 3 * a };
			int ret;

			if (4 * a > half / 4 || 4 * a > (UINT64_C(1) << cfg->oas))
				continue; /* four leaves fit below 2^(ias - 2) and in the output space */
			CHECK(&r, vcm_pt_map(f->pt, here, pas[0], a, prot) == 0, "map %#llx: %s",
			      (unsigned long long)a, vcm_pt_last_error(f->pt));
			model_map(&f->md, here, pas[0], a, prot);
			CHECK(&r, vcm_pt_unmap(f->pt, here, a, &unmapped) == 0 && unmapped == a,
			      "unmap %#llx: %s", (unsigned long long)a, vcm_pt_last_error(f->pt));
			model_unmap(&f->md, here, a);
			CHECK(&r, ptf_check(f, a) == 0, "size %#llx after the free: %s",
			      (unsigned long long)a, f->why);
			for (unsigned int j = 1; j < 3; j++) {
				if (j == 2) {
					ret = vcm_pt_map(f->pt, there, pas[1], a, prot);
					CHECK(&r, ret == 0, "map elsewhere: %s",
					      vcm_pt_last_error(f->pt));
					model_map(&f->md, there, pas[1], a, prot);
				}
				ret = vcm_pt_map(f->pt, here + j * a, pas[j + 1], a, prot);
				CHECK(&r, ret == 0, "map back: %s", vcm_pt_last_error(f->pt));
				model_map(&f->md, here + j * a, pas[j + 1], a, prot);
				CHECK(&r, ptf_check(f, a + j) == 0, "size %#llx, page %u back: %s",
				      (unsigned long long)a, j, f->why);
			}
			/* and away again, one leaf at a time: the last one frees the tables */
			for (unsigned int j = 1; j < 3; j++) {
				CHECK(&r, vcm_pt_unmap(f->pt, here + j * a, a, &unmapped) == 0 &&
						  unmapped == a,
				      "unmap back: %s", vcm_pt_last_error(f->pt));
				model_unmap(&f->md, here + j * a, a);
				CHECK(&r, ptf_check(f, a + 8 + j) == 0, "size %#llx, page %u gone: %s",
				      (unsigned long long)a, j, f->why);
			}
			CHECK(&r, vcm_pt_unmap(f->pt, there, a, &unmapped) == 0, "unmap elsewhere: %s",
			      vcm_pt_last_error(f->pt));
			model_unmap(&f->md, there, a);
			CHECK(&r, top_and_pool_only(f), "size %#llx: %zu tables left",
			      (unsigned long long)a, f->nblocks);
		}
		ptf_fini(f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_props),
		cmocka_unit_test(test_singles_reuse),
		cmocka_unit_test(test_props_pool),
		cmocka_unit_test(test_count_checked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
