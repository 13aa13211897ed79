// SPDX-License-Identifier: MIT
/*
 * Invalidations that say what changed (struct vcm_tlb_hint): the table's
 * flushes carry the sizes of the leaves they clear and whether a table went,
 * and the IOMMU model honours the size (an entry of another size stays, as
 * an SMMU given a TTL level may keep it). The tests hold:
 *  - unmap, split and dirty harvest report the sizes and leaf-only flag of
 *    what they changed, range by range;
 *  - planted: a hint naming the wrong size leaves the unmapped block
 *    reachable through its IOTLB entry, while the tables say unmapped;
 *  - random maps, unmaps (cutting blocks) and accesses, with the table's own
 *    hints, never leave a translation the tables do not have (checked page by
 *    page against a walk without the IOTLB after every step);
 *  - a dirty harvest over pages and blocks keeps the blocks' IOTLB entries
 *    with hints and loses them without (printed: entries kept, hits after).
 */
#include <errno.h>
#include "sim_fixture.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)
#define MAXH 16

static struct {
	struct vcm_tlb_hint h[MAXH];
	vcm_da_t da[MAXH];
	uint64_t len[MAXH];
	unsigned int n;
	uint64_t wrong;  /* planted: nonzero replaces every hint's sizes */
	uint64_t block;  /* count the flushes naming this leaf size */
	unsigned long blocks;
	bool plain;      /* the model gets the plain tlb_range (no hint) */
} rec;

static void hint_flush(void *ctx, vcm_da_t da, uint64_t len, const struct vcm_tlb_hint *hint)
{
	struct vcm_tlb_hint h = *hint;

	if (rec.n < MAXH) {
		rec.h[rec.n] = h;
		rec.da[rec.n] = da;
		rec.len[rec.n] = len;
	}
	rec.n++;
	if (rec.block != 0U && (h.leaf_sizes & rec.block) != 0U)
		rec.blocks++;
	if (rec.wrong != 0U)
		h.leaf_sizes = rec.wrong;
	if (rec.plain)
		vcm_sim_iommu_ops.tlb_range(ctx, 0, da, len, h.leaf_only);
	else
		vcm_sim_iommu_ops.tlb_range_hint(ctx, 0, da, len, &h);
}

static void fx_up(struct sim_fx *fx, const struct sim_config *c)
{
	struct vcm_sim_iommu_cfg mcfg = { .tlb_entries = 64, .tlb_ways = 4 };

	memset(&rec, 0, sizeof(rec));
	sim_fx_init(fx, c, &mcfg);
	fx->tlb.flush_range_hint = hint_flush;
}

/* A pa for da 0 of the test window: the free range aligned to @align. */
static vcm_pa_t base_pa(const struct sim_fx *fx, uint64_t align)
{
	return (fx->free_pa + align - 1U) & ~(align - 1U);
}

static void expect(unsigned int i, uint64_t sizes, bool leaf_only, vcm_da_t da, uint64_t len)
{
	assert_true(i < rec.n);
	assert_int_equal(rec.h[i].leaf_sizes, sizes);
	assert_int_equal(rec.h[i].leaf_only, leaf_only);
	assert_int_equal(rec.da[i], da);
	assert_int_equal(rec.len[i], len);
}

/* armv8 4K: what unmap, split and table frees report. */
static void test_reports(void **state)
{
	const uint64_t K4 = 0x1000, M2 = 0x200000;
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	fx_up(&fx, sim_config("armv8-4k-s1"));
	pa = base_pa(&fx, M2);
	/* a block at 2M, four pages at 4M, one page at 6M keeps the level-1 tables */
	assert_int_equal(vcm_pt_map(fx.pt, M2, pa, M2, RW), 0);
	assert_int_equal(vcm_pt_map(fx.pt, 2 * M2, pa + M2, 4 * K4, RW), 0);
	assert_int_equal(vcm_pt_map(fx.pt, 3 * M2, pa, K4, RW), 0);

	rec.n = 0;
	assert_int_equal(vcm_pt_unmap(fx.pt, 2 * M2, K4, NULL), 0);
	assert_int_equal(rec.n, 1);
	expect(0, K4, true, 2 * M2, K4);

	/* the last three pages: their table goes too */
	rec.n = 0;
	assert_int_equal(vcm_pt_unmap(fx.pt, 2 * M2 + K4, 3 * K4, NULL), 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.h[0].leaf_sizes, K4);
	assert_false(rec.h[0].leaf_only);

	/*
	 * A page cut out of the block: break-before-make of the block (filled
	 * with 64K contiguous groups), of the group holding the page (its
	 * members are 4K entries, the size a TTL names), then the page.
	 */
	rec.n = 0;
	assert_int_equal(vcm_pt_unmap(fx.pt, M2 + 5 * K4, K4, NULL), 0);
	assert_int_equal(rec.n, 3);
	expect(0, M2, true, M2, M2);
	expect(1, K4, true, M2, 16 * K4);
	expect(2, K4, true, M2 + 5 * K4, K4);

	/* pages and the page at 6M in one call: one range, both sizes known */
	assert_int_equal(vcm_pt_map(fx.pt, 2 * M2, pa, M2, RW), 0);
	rec.n = 0;
	assert_int_equal(vcm_pt_unmap(fx.pt, M2, 3 * M2, NULL), 0);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.h[0].leaf_sizes, K4 | M2);
	assert_false(rec.h[0].leaf_only);
	sim_fx_fini(&fx);
}

/*
 * vcm_pt_tlb_hint(): the sum of the flushes since the last call, only for a
 * table made with VCM_PT_CFG_TLB_SUM; an unknown size (a rolled-back table)
 * makes the sum's sizes unknown.
 */
static void test_sum(void **state)
{
	const uint64_t K4 = 0x1000, M2 = 0x200000;
	struct vcm_pt_cfg pcfg = { 0 };
	struct vcm_tlb_hint h;
	struct vcm_pt *pt;
	struct sim_fx fx;
	vcm_pa_t pa;

	(void)state;
	fx_up(&fx, sim_config("armv8-4k-s1"));
	pa = base_pa(&fx, M2);
	assert_int_equal(vcm_pt_map(fx.pt, 0, pa, K4, RW), 0);
	assert_int_equal(vcm_pt_unmap(fx.pt, 0, K4, NULL), 0);
	assert_false(vcm_pt_tlb_hint(fx.pt, &h)); /* no VCM_PT_CFG_TLB_SUM */

	pcfg.fmt = &vcm_pt_fmt_armv8;
	pcfg.ias = 48;
	pcfg.flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_TLB_SUM;
	pcfg.plat = fx.plat;
	assert_int_equal(vcm_pt_create(&pcfg, &pt, NULL), 0);
	assert_false(vcm_pt_tlb_hint(pt, &h));
	assert_int_equal(vcm_pt_map(pt, M2, pa, M2, RW), 0);
	assert_int_equal(vcm_pt_map(pt, 2 * M2, pa, 2 * K4, RW), 0);
	assert_false(vcm_pt_tlb_hint(pt, &h)); /* maps into empty entries flush nothing */
	assert_int_equal(vcm_pt_unmap(pt, 2 * M2, K4, NULL), 0);
	assert_int_equal(vcm_pt_unmap(pt, M2, M2, NULL), 0);
	assert_true(vcm_pt_tlb_hint(pt, &h));
	assert_int_equal(h.leaf_sizes, K4 | M2);
	assert_true(h.leaf_only);
	assert_false(vcm_pt_tlb_hint(pt, &h)); /* forgotten once read */
	assert_int_equal(vcm_pt_unmap(pt, 2 * M2 + K4, K4, NULL), 0); /* empties its table */
	assert_true(vcm_pt_tlb_hint(pt, &h));
	assert_int_equal(h.leaf_sizes, K4);
	assert_false(h.leaf_only);
	assert_false(vcm_pt_tlb_hint(NULL, &h));
	assert_false(vcm_pt_tlb_hint(pt, NULL));
	vcm_pt_destroy(pt);
	sim_fx_fini(&fx);
}

/* The planted defect: the hint names 4K for a 2M block; the block stays reachable. */
static void test_wrong_hint_stale(void **state)
{
	const uint64_t K4 = 0x1000, M2 = 0x200000;
	struct vcm_sim_iommu_stats st;
	struct vcm_sim_xlate x;
	struct sim_fx fx;
	vcm_pa_t pa, out = 0;

	(void)state;
	for (int wrong = 1; wrong >= 0; wrong--) {
		fx_up(&fx, sim_config("armv8-4k-s1"));
		pa = base_pa(&fx, M2);
		assert_int_equal(vcm_pt_map(fx.pt, M2, pa, M2, RW), 0);
		assert_int_equal(vcm_pt_map(fx.pt, 2 * M2, pa, K4, RW), 0); /* keeps the tables */
		assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, M2 + 0x1234, VCM_ACCESS_READ,
							 &out), 0);
		rec.wrong = wrong ? K4 : 0U;
		assert_int_equal(vcm_pt_unmap(fx.pt, M2, M2, NULL), 0);
		assert_int_equal(rec.h[0].leaf_sizes, M2); /* the table said 2M */
		assert_int_equal(vcm_sim_iommu_walk(fx.iommu, 0, M2 + 0x1234, &x, NULL), -ENOENT);
		out = 0;
		vcm_sim_iommu_stats(fx.iommu, &st);
		if (wrong) {
			assert_int_equal(st.hint_kept, 1);
			assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, M2 + 0x1234,
								 VCM_ACCESS_READ, &out), 0);
			assert_int_equal(out, pa + 0x1234); /* stale: memory no longer mapped */
		} else {
			assert_int_equal(st.hint_kept, 0);
			assert_int_equal(vcm_sim_iommu_translate(fx.iommu, 0, M2 + 0x1234,
								 VCM_ACCESS_READ, &out), -ENOENT);
		}
		sim_fx_fini(&fx);
	}
}

/* Every page of the window: the IOTLB's answer is the tables' answer. */
static void check_window(struct sim_fx *fx, uint64_t win, uint64_t g, unsigned long step)
{
	for (vcm_da_t da = 0; da < win; da += g) {
		struct vcm_sim_xlate x;
		vcm_pa_t out = 0;
		int w = vcm_sim_iommu_walk(fx->iommu, 0, da, &x, NULL);
		int t = vcm_sim_iommu_translate(fx->iommu, 0, da, VCM_ACCESS_READ, &out);

		if (w != t || (w == 0 && out != x.pa))
			fail_msg("%s step %lu da %#llx: walk %d pa %#llx, IOTLB %d pa %#llx",
				 fx->c->name, step, (unsigned long long)da, w,
				 (unsigned long long)x.pa, t, (unsigned long long)out);
	}
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* @block: the size maps use at aligned places; @leaf: a block leaf size whose removal must be seen (0: none) */
static void random_one(const char *name, uint64_t block, uint64_t leaf, uint64_t *kept,
		       uint64_t *hinted)
{
	const struct sim_config *c = sim_config(name);
	const uint64_t g = UINT64_C(1) << c->granule_lg2;
	const uint64_t win = 4 * block;
	struct vcm_sim_iommu_stats st;
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	struct sim_fx fx;
	vcm_pa_t pa;

	fx_up(&fx, c);
	rec.block = leaf;
	pa = base_pa(&fx, block);
	assert_true(pa + win <= fx.free_pa + fx.free_len);
	for (unsigned long step = 0; step < 300; step++) {
		uint64_t r = rnd(&seed);
		/* a block, a run of pages, a long or a short unmap: all granule aligned */
		vcm_da_t da = (r % (win / g)) * g;
		uint64_t len = ((r >> 32) % 16 + 1) * g;

		switch ((r >> 60) % 4) {
		case 0:
			da &= ~(block - 1U);
			len = block;
			/* fall through */
		case 1:
			if (da + len > win)
				len = win - da;
			(void)vcm_pt_map(fx.pt, da, pa + da, len, RW); /* -EEXIST is fine */
			break;
		case 2: /* up to two blocks from any page: cuts the blocks at both ends */
			len = ((r >> 32) % (2 * block / g) + 1) * g;
			/* fall through */
		default:
			if (da + len > win)
				len = win - da;
			(void)vcm_pt_unmap(fx.pt, da, len, NULL); /* -ENOENT is fine */
			break;
		}
		check_window(&fx, win, g, step);
	}
	vcm_sim_iommu_stats(fx.iommu, &st);
	*kept += st.hint_kept;
	*hinted += st.hinted;
	assert_true(st.hinted > 0);
	/* blocks were unmapped or cut, not only pages */
	assert_true(leaf == 0U || rec.blocks > 0U);
	sim_fx_fini(&fx);
}

static void test_random_hints(void **state)
{
	uint64_t kept = 0, hinted = 0;

	(void)state;
	random_one("armv8-4k-s1", 0x200000, 0x200000, &kept, &hinted);
	random_one("armv8-4k-s2", 0x200000, 0x200000, &kept, &hinted);
	random_one("armv8-16k-s1", 0x800000, 0, &kept, &hinted); /* 2M contiguous groups */
	random_one("armv7s", 0x100000, 0x100000, &kept, &hinted);
	print_message("random map/unmap/split: %llu hinted invalidations, %llu entries kept\n",
		      (unsigned long long)hinted, (unsigned long long)kept);
}

static int count_dirty(void *arg, vcm_da_t da, uint64_t len)
{
	(void)da;
	(void)len;
	(*(unsigned int *)arg)++;
	return 0;
}

/*
 * Harvest over [0, 8M): pages at [0, 2M) and [4M, 6M), blocks at 2M and 6M.
 * One page written in each page run; the harvest's one range spans the block
 * at 2M, whose IOTLB entry a 4K hint keeps. Returns IOTLB hits re-reading
 * both blocks after the harvest.
 */
static uint64_t harvest_hits(bool plain, uint64_t *kept)
{
	const uint64_t K4 = 0x1000, M2 = 0x200000;
	struct sim_config c = *sim_config("armv8-4k-s1");
	struct vcm_sim_iommu_stats st;
	unsigned int ndirty = 0;
	struct sim_fx fx;
	uint8_t b = 1;
	vcm_pa_t pa;

	c.pt_flags |= VCM_PT_CFG_DIRTY;
	fx_up(&fx, &c);
	rec.plain = plain;
	pa = base_pa(&fx, M2);
	for (unsigned int i = 0; i < 4; i++) {
		if (i % 2 == 0) {
			for (uint64_t off = 0; off < M2; off += K4)
				assert_int_equal(vcm_pt_map(fx.pt, i * M2 + off, pa + i * M2 + off,
							    K4, RW), 0);
		} else {
			assert_int_equal(vcm_pt_map(fx.pt, i * M2, pa + i * M2, M2, RW), 0);
		}
	}
	assert_int_equal(vcm_sim_iommu_write(fx.iommu, 0, 0x1000, &b, 1), 0);
	assert_int_equal(vcm_sim_iommu_write(fx.iommu, 0, 2 * M2 + 0x1000, &b, 1), 0);
	assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, M2, &b, 1), 0);
	assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, 3 * M2, &b, 1), 0);
	rec.n = 0;
	assert_int_equal(vcm_pt_read_clear_dirty(fx.pt, 0, 4 * M2, 0, count_dirty, &ndirty), 0);
	assert_int_equal(ndirty, 2);
	assert_int_equal(rec.n, 1);
	assert_int_equal(rec.h[0].leaf_sizes, K4);
	assert_true(rec.h[0].leaf_only);
	vcm_sim_iommu_stats(fx.iommu, &st);
	*kept = st.hint_kept;
	vcm_sim_iommu_reset_stats(fx.iommu);
	assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, M2 + 8, &b, 1), 0);
	assert_int_equal(vcm_sim_iommu_read(fx.iommu, 0, 3 * M2 + 8, &b, 1), 0);
	/* the cleaned pages mark again: the harvest's invalidation reached them */
	assert_int_equal(vcm_sim_iommu_write(fx.iommu, 0, 0x1000, &b, 1), 0);
	vcm_sim_iommu_stats(fx.iommu, &st);
	assert_int_equal(st.dirty_marks, 1);
	sim_fx_fini(&fx);
	return st.hits;
}

static void test_harvest_keeps_blocks(void **state)
{
	uint64_t kept_h, kept_p, hits_h, hits_p;

	(void)state;
	hits_h = harvest_hits(false, &kept_h);
	hits_p = harvest_hits(true, &kept_p);
	print_message("dirty harvest over pages and blocks: hinted keeps %llu entries, "
		      "%llu of 2 block reads hit; plain keeps %llu, %llu hit\n",
		      (unsigned long long)kept_h, (unsigned long long)hits_h,
		      (unsigned long long)kept_p, (unsigned long long)hits_p);
	assert_int_equal(kept_h, 1);
	assert_int_equal(hits_h, 2);
	assert_int_equal(kept_p, 0);
	assert_int_equal(hits_p, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_sum),
		cmocka_unit_test(test_wrong_hint_stale),
		cmocka_unit_test(test_random_hints),
		cmocka_unit_test(test_harvest_keeps_blocks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
