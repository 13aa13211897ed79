// SPDX-License-Identifier: MIT
/*
 * AMD IOMMU v1 known-answer vectors: every value below was worked out by hand
 * from the AMD I/O Virtualization Technology (IOMMU) Specification, 48882
 * Rev 3.00 (2.2.2 DTE bits 63:0; 2.2.3 PDE/PTE layout and "Example Page Size
 * Encodings") and is read back from table memory by a descent written here
 * from the DTE alone (Mode and root pointer), which also checks that every
 * PDE on the way is present, grants IR and IW and names the next level down
 * (no level is skipped).
 *
 * Bits used: PR 0, NextLevel 11:9, address 51:12, IR 61, IW 62; DTE V 0,
 * TV 1, Mode 11:9, root 51:12, IR 61, IW 62.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

#define R  VCM_PT_PROT_READ
#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

#define PTE_RW UINT64_C(0x6000000000000001) /* IW IR PR, NextLevel 0 */
#define PTE_R  UINT64_C(0x2000000000000001) /* IR PR */
#define NL7    UINT64_C(0xe00)              /* NextLevel 7 */

static unsigned long nvectors;

/* The entry for @da at manual level @want (1 = 4K table), descending from the DTE. */
static uint64_t amd_entry(struct pt_fixture *f, uint64_t da, unsigned int want)
{
	struct vcm_hw_regs hw;
	uint64_t dte, *table;
	unsigned int mode;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	dte = hw.regs[0];
	mode = (unsigned int)(dte >> 9) & 7U;
	assert_true(mode >= 3 && mode <= 6);
	table = vcm_plat_arena_pa_to_cpu(f->arena, dte & UINT64_C(0x000ffffffffff000));
	for (unsigned int lvl = mode;; lvl--) {
		uint64_t e = table[(da >> (12 + 9 * (lvl - 1))) & 511];

		if (lvl == want)
			return e;
		/* a PDE: present, next level one down, IR and IW */
		if ((e & 1) == 0 || ((e >> 9) & 7) != lvl - 1 || (e >> 61) != 3)
			fail_msg("da %#llx: level %u entry %#llx is not a PDE to level %u",
				 (unsigned long long)da, lvl, (unsigned long long)e, lvl - 1);
		table = vcm_plat_arena_pa_to_cpu(f->arena, e & UINT64_C(0x000ffffffffff000));
	}
}

/* @n entries from @da on at manual level @lvl (spanning 2^@lg2 bytes each) all hold @want. */
static void expect(struct pt_fixture *f, uint64_t da, unsigned int lvl, unsigned int n,
		   uint64_t want)
{
	for (unsigned int i = 0; i < n; i++) {
		uint64_t a = da + (uint64_t)i * (UINT64_C(1) << (12 + 9 * (lvl - 1)));
		uint64_t e = amd_entry(f, a, lvl);

		if (e != want)
			fail_msg("da %#llx level %u: entry %#llx, want %#llx",
				 (unsigned long long)a, lvl, (unsigned long long)e,
				 (unsigned long long)want);
		nvectors++;
	}
}

static void expect_leaf(struct pt_fixture *f, uint64_t da, uint64_t pa, unsigned int size_lg2,
			unsigned int prot)
{
	struct vcm_pt_leaf l;

	assert_int_equal(vcm_pt_lookup(f->pt, da, &l), 0);
	assert_int_equal(l.pa, pa);
	assert_int_equal(l.size_lg2, size_lg2);
	assert_int_equal(l.prot, prot);
	nvectors++;
}

/* DTE bits 63:0 for 3..6 levels: V, TV, Mode = levels, root, IR, IW. */
static void test_dte(void **state)
{
	static const struct {
		unsigned int ias, levels;
		uint64_t low; /* the DTE without its root pointer */
	} v[] = {
		{ 39, 3, UINT64_C(0x6000000000000603) }, { 40, 4, UINT64_C(0x6000000000000803) },
		{ 48, 4, UINT64_C(0x6000000000000803) }, { 57, 5, UINT64_C(0x6000000000000a03) },
		{ 58, 6, UINT64_C(0x6000000000000c03) }, { 64, 6, UINT64_C(0x6000000000000c03) },
	};
	struct pt_config c = *ptf_config("amdv1-3lvl");

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct pt_fixture f;
		struct vcm_hw_regs hw;

		c.ias = v[i].ias;
		ptf_init(&f, &c, 0);
		assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
		assert_int_equal(hw.levels, v[i].levels);
		assert_int_equal(hw.start_level, v[i].levels);
		assert_int_equal(hw.root_size, 4096); /* a whole page even for 6 levels */
		assert_int_equal(hw.root_pa & 0xfff, 0);
		assert_int_equal(hw.regs[0], v[i].low | hw.root_pa);
		assert_string_equal(hw.reg_names[0], "DTE[63:0]");
		nvectors++;
		ptf_fini(&f);
	}
}

/* Pages of each level's own size (NextLevel 0), read-only and read-write. */
static void test_natural(void **state)
{
	struct pt_fixture f;

	(void)state;
	ptf_init(&f, ptf_config("amdv1-3lvl"), 0);
	/* 4K at level 1 */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x80001000, 0x1000, RW), 0);
	expect(&f, 0x1000, 1, 1, PTE_RW | 0x80001000);
	assert_int_equal(vcm_pt_map(f.pt, 0x2000, 0x80002000, 0x1000, R), 0);
	expect(&f, 0x2000, 1, 1, PTE_R | 0x80002000);
	/* the PDEs above it: level 3 -> 2 (NextLevel 2), level 2 -> 1 (NextLevel 1) */
	assert_int_equal(amd_entry(&f, 0x1000, 3) & 0x7000000000000fffULL, 0x6000000000000401ULL);
	assert_int_equal(amd_entry(&f, 0x1000, 2) & 0x7000000000000fffULL, 0x6000000000000201ULL);
	nvectors += 2;
	/* 2M at level 2 */
	assert_int_equal(vcm_pt_map(f.pt, 0x200000, 0x40000000, 0x200000, RW), 0);
	expect(&f, 0x200000, 2, 1, PTE_RW | 0x40000000);
	/* 1G at level 3, read-only, above 4G */
	assert_int_equal(vcm_pt_map(f.pt, 0x40000000, 0x100000000ULL, 0x40000000, R), 0);
	expect(&f, 0x40000000, 3, 1, PTE_R | 0x100000000ULL);
	/* the largest output address, 52 bits */
	assert_int_equal(vcm_pt_map(f.pt, 0x3000, 0xffffffffff000ULL, 0x1000, RW), 0);
	expect(&f, 0x3000, 1, 1, PTE_RW | 0xffffffffff000ULL);
	expect_leaf(&f, 0x40001234, 0x100000000ULL, 30, R);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	ptf_fini(&f);
}

/*
 * NextLevel-7 pages: 2.2.3 "Example Page Size Encodings": a 2^s-byte page has
 * ones in address bits s-2..12 and a zero in bit s-1; the PTE is repeated in
 * every entry the page covers.
 */
static void test_nextlevel7(void **state)
{
	static const struct {
		const char *row;
		uint64_t da, pa;
		unsigned int size_lg2, lvl, n, prot;
		uint64_t pte;
	} v[] = {
		/* 64K at level 1: ones 14:12 */
		{ "amdv1-3lvl", 0x400000, 0x90000000, 16, 1, 16, RW, 0x6000000090007e01ULL },
		/* 32M at level 2: ones 23:12 */
		{ "amdv1-3lvl", 0x6000000, 0x82000000, 25, 2, 16, R, 0x2000000082fffe01ULL },
		/* 16G at level 3: ones 32:12 */
		{ "amdv1-3lvl", 0x400000000ULL, 0x800000000ULL, 34, 3, 16, RW,
		  0x60000009fffffe01ULL },
		/* 8K at level 1: no ones, bit 12 zero */
		{ "amdv1-4lvl-8k", 0x2000, 0x12346000, 13, 1, 2, RW, 0x6000000012346e01ULL },
		/* 4M at level 2: ones 20:12 */
		{ "amdv1-4lvl-8k", 0xc00000, 0x40c00000, 22, 2, 2, R, 0x2000000040dffe01ULL },
		/* 2G at level 3: ones 29:12 */
		{ "amdv1-4lvl-8k", 0x80000000, 0x80000000, 31, 3, 2, RW, 0x60000000bffffe01ULL },
		/* 1M at level 1: ones 18:12, 256 entries */
		{ "amdv1-5lvl-1m", 0x100000, 0x12300000, 20, 1, 256, RW, 0x600000001237fe01ULL },
		/* 512M at level 2: ones 27:12 */
		{ "amdv1-5lvl-1m", 0x20000000, 0x60000000, 29, 2, 256, R, 0x200000006ffffe01ULL },
		/* 256G at level 3: ones 36:12 */
		{ "amdv1-5lvl-1m", 0x4000000000ULL, 0x4000000000ULL, 38, 3, 256, RW,
		  0x6000005ffffffe01ULL },
		/* 32K at level 1: ones 13:12, in a 6-level table */
		{ "amdv1-6lvl-32k", 0x18000, 0x20008000, 15, 1, 8, RW, 0x600000002000be01ULL },
		/* 32M at level 2 of the 6-level table, near the top of a 63-bit space */
		{ "amdv1-6lvl-32k", 0x7ffffffffe000000ULL, 0x2000000, 25, 2, 16, R,
		  0x2000000002fffe01ULL },
		/* 16G at level 3 */
		{ "amdv1-6lvl-32k", 0x400000000ULL, 0x400000000ULL, 34, 3, 16, RW,
		  0x60000005fffffe01ULL },
		/* 256K at level 1 and 128M at level 2, where level 2 has no 2M size */
		{ "amdv1-4lvl-gaps", 0x40000, 0xfff40000ULL, 18, 1, 64, RW, 0x60000000fff5fe01ULL },
		{ "amdv1-4lvl-gaps", 0x8000000, 0x18000000, 27, 2, 64, R, 0x200000001bfffe01ULL },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct pt_fixture f;
		struct vcm_pt_leaf l;
		uint64_t size = UINT64_C(1) << v[i].size_lg2;

		ptf_init(&f, ptf_config(v[i].row), 0);
		assert_int_equal(vcm_pt_map(f.pt, v[i].da, v[i].pa, size, v[i].prot), 0);
		expect(&f, v[i].da, v[i].lvl, v[i].n, v[i].pte);
		/* nothing mapped next to it */
		assert_int_equal(vcm_pt_lookup(f.pt, v[i].da - 1, &l), -ENOENT);
		if (((v[i].da + size) >> f.cfg->ias) == 0)
			assert_int_equal(vcm_pt_lookup(f.pt, v[i].da + size, &l), -ENOENT);
		expect_leaf(&f, v[i].da + size - 0x1000, v[i].pa, v[i].size_lg2, v[i].prot);
		assert_int_equal(vcm_pt_check_(f.pt), 0);
		ptf_fini(&f);
	}
}

/* Cutting NextLevel-7 pages: singles in place, or a table of smaller pages. */
static void test_cuts(void **state)
{
	struct pt_fixture f;

	(void)state;
	/* a 64K page cut at its first 4K: the other 15 become NextLevel-0 PTEs in place */
	ptf_init(&f, ptf_config("amdv1-3lvl"), 0);
	assert_int_equal(vcm_pt_map(f.pt, 0x400000, 0x90000000, 0x10000, RW), 0);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x400000, 0x1000, NULL), 0);
	expect(&f, 0x400000, 1, 1, 0);
	for (unsigned int i = 1; i < 16; i++)
		expect(&f, 0x400000 + i * 0x1000, 1, 1, PTE_RW | (0x90000000 + i * 0x1000));
	/* a 2M page cut at its last 4K: 31 64K pages and 15 4K pages remain */
	assert_int_equal(vcm_pt_map(f.pt, 0x600000, 0xa0000000, 0x200000, R), 0);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x7ff000, 0x1000, NULL), 0);
	expect(&f, 0x600000, 1, 16, PTE_R | NL7 | 0xa0007000);
	expect(&f, 0x7e0000, 1, 16, PTE_R | NL7 | 0xa01e7000);
	expect(&f, 0x7f0000, 1, 1, PTE_R | 0xa01f0000);
	expect(&f, 0x7fe000, 1, 1, PTE_R | 0xa01fe000);
	expect(&f, 0x7ff000, 1, 1, 0);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	ptf_fini(&f);

	/* gaps: a 128M page (no 2M size at that level) cut at 256K: tables of 256K pages */
	ptf_init(&f, ptf_config("amdv1-4lvl-gaps"), 0);
	assert_int_equal(vcm_pt_map(f.pt, 0x8000000, 0x18000000, 0x8000000, RW), 0);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x8000000, 0x40000, NULL), 0);
	expect(&f, 0x8000000, 1, 64, 0);
	expect(&f, 0x8040000, 1, 64, PTE_RW | NL7 | 0x1805f000);
	expect(&f, 0x8200000, 1, 64, PTE_RW | NL7 | 0x1821f000);
	assert_int_equal(vcm_pt_check_(f.pt), 0);
	ptf_fini(&f);
}

/* What AMD v1 cannot say, and tables that would skip levels. */
static void test_refusals(void **state)
{
	static const unsigned int bad[] = {
		VCM_PT_PROT_EXEC, VCM_PT_PROT_USER, VCM_PT_PROT_NONGLOBAL, VCM_PT_PROT_SECURE,
		VCM_PT_PROT_DEVICE, VCM_PT_PROT_INNER(VCM_PT_CACHE_NC),
		VCM_PT_PROT_OUTER(VCM_PT_CACHE_WT), VCM_PT_PROT_SH(VCM_PT_SH_INNER),
	};
	static const struct {
		unsigned int ias, oas, granule_lg2;
		uint32_t flags;
		uint64_t sizes;
		const char *msg;
	} cfgs[] = {
		{ 38, 0, 0, 0, 0, "vcm_pt_create: cfg->ias 38: amdv1 takes 39 to 64" },
		{ 0, 53, 0, 0, 0, "vcm_pt_create: cfg->oas 53: amdv1 takes 32 to 52" },
		{ 0, 0, 16, 0, 0, "vcm_pt_create: cfg->granule_lg2 16: amdv1 takes 12" },
		{ 0, 0, 0, VCM_PT_CFG_STAGE2, 0, "vcm_pt_create: cfg->flags 0x1: amdv1 has no" },
		/* two NextLevel-7 sizes at level 1: 8K and 64K */
		{ 0, 0, 0, 0, 0x13000, "vcm_pt_create: cfg->page_sizes 0x13000: at most one" },
		/* 512G pages are left out */
		{ 0, 0, 0, 0, 0x8000001000ULL, "vcm_pt_create: cfg->page_sizes 0x8000001000: amdv1" },
	};
	struct pt_fixture f;
	uint64_t *pde;

	(void)state;
	ptf_init(&f, ptf_config("amdv1-3lvl"), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x1000, 0x1000, RW | bad[i]), -EOPNOTSUPP);
		assert_true(strncmp(vcm_pt_last_error(f.pt), "vcm_pt_map: prot ", 17) == 0);
		nvectors++;
	}
	/* write-only: READ is required in every mapping */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x1000, 0x1000, VCM_PT_PROT_WRITE), -EINVAL);
	/* a PDE that skips a level (level 3 -> level 1) does not decode */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x1000, 0x1000, RW), 0);
	{
		struct vcm_hw_regs hw;

		assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
		pde = vcm_plat_arena_pa_to_cpu(f.arena, hw.root_pa);
		pde[0] = (pde[0] & ~UINT64_C(0xe00)) | 0x200;
		assert_int_equal(vcm_pt_check_(f.pt), -EFAULT);
		assert_non_null(strstr(vcm_pt_last_error(f.pt), "does not decode"));
		pde[0] = (pde[0] & ~UINT64_C(0xe00)) | 0x400;
		assert_int_equal(vcm_pt_check_(f.pt), 0);
	}
	ptf_fini(&f);

	for (size_t i = 0; i < sizeof(cfgs) / sizeof(cfgs[0]); i++) {
		struct vcm_plat_arena *arena = vcm_plat_hosted_arena_new(1 << 20, 0x100000);
		struct vcm_plat_ops plat;
		struct vcm_pt_cfg c = { .fmt = &vcm_pt_fmt_amdv1, .ias = cfgs[i].ias,
					.oas = cfgs[i].oas, .granule_lg2 = cfgs[i].granule_lg2,
					.flags = cfgs[i].flags, .page_sizes = cfgs[i].sizes };
		struct vcm_diag d = { 0 };
		struct vcm_pt *pt;

		assert_non_null(arena);
		vcm_plat_arena_ops(arena, &plat);
		c.plat = &plat;
		assert_int_equal(vcm_pt_create(&c, &pt, &d), -EINVAL);
		if (strncmp(d.msg, cfgs[i].msg, strlen(cfgs[i].msg)) != 0)
			fail_msg("got '%s', want '%s...'", d.msg, cfgs[i].msg);
		nvectors++;
		vcm_plat_hosted_arena_delete(arena);
	}
}

/*
 * ias 64: a range that ends exactly at 2^64. The walk's next address wraps to
 * 0 after the last page; the map must stop there (it used to descend below
 * level 1 and read out of bounds), and the map through pieces the same.
 * Everything it made is given back by the unmap.
 */
static void test_top_of_64(void **state)
{
	const uint64_t top = UINT64_C(0xfffffffffffff000);
	struct pt_config c = *ptf_config("amdv1-3lvl");
	struct vcm_seg segs[2] = { { 0x200000, 0x1000 }, { 0x400000, 0x1000 } };
	struct pt_fixture f;
	uint64_t root_bytes;

	(void)state;
	c.ias = 64;
	ptf_init(&f, &c, 0);
	root_bytes = vcm_pt_table_bytes(f.pt);
	for (int round = 0; round < 2; round++) {
		if (round == 0)
			assert_int_equal(vcm_pt_map(f.pt, top, 0x1000, 0x1000, R), 0);
		else
			assert_int_equal(vcm_pt_map_segs(f.pt, top - 0x1000, segs, 2, R), 0);
		/* one table per level below the root: six levels, five more pages */
		assert_int_equal(vcm_pt_table_bytes(f.pt), root_bytes + 5 * 4096);
		assert_int_equal(vcm_pt_check_(f.pt), 0);
		if (round == 0) {
			expect_leaf(&f, top, 0x1000, 12, R);
			assert_int_equal(amd_entry(&f, top, 1), PTE_R | 0x1000);
		} else {
			expect_leaf(&f, top - 0x1000, 0x200000, 12, R);
			expect_leaf(&f, top, 0x400000, 12, R);
		}
		assert_int_equal(vcm_pt_unmap(f.pt, round == 0 ? top : top - 0x1000,
					      round == 0 ? 0x1000 : 0x2000, NULL), 0);
		assert_int_equal(vcm_pt_table_bytes(f.pt), root_bytes);
	}
	ptf_fini(&f);
}

static void test_count(void **state)
{
	(void)state;
	print_message("amdv1: %lu hand-computed vectors checked\n", nvectors);
	assert_true(nvectors > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dte),
		cmocka_unit_test(test_natural),
		cmocka_unit_test(test_nextlevel7),
		cmocka_unit_test(test_cuts),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_top_of_64),
		cmocka_unit_test(test_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
