// SPDX-License-Identifier: MIT
/*
 * Known-answer vectors: entries computed by hand from the manuals (ARMv7:
 * DDI 0406C.d B3.5.1, B3.7.1, B3.8.2; ARMv8: DDI 0487F.c D5.3, D5.4, D5.5;
 * RISC-V: Privileged ISA 20211203 4.1.11, 4.3.1, 4.4-4.6, Svnapot, Svpbmt) and
 * read back from table memory by a descent written here, independent of the
 * library's walker. QEMU checks translation; these check the attribute bits
 * QEMU does not report.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

static void *cpu(struct pt_fixture *f, uint64_t pa)
{
	return vcm_plat_arena_pa_to_cpu(f->arena, pa);
}

/* ARMv8: the entry for @va at manual level @want, 4K/16K/64K granule. */
static uint64_t v8_entry(struct pt_fixture *f, uint64_t va, unsigned int want)
{
	struct vcm_hw_regs hw;
	unsigned int g = f->cfg->granule_lg2, bits = g - 3;
	uint64_t *table;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	table = cpu(f, hw.root_pa);
	for (unsigned int lvl = hw.start_level;; lvl++) {
		unsigned int shift = g + (3 - lvl) * bits;
		uint64_t idx = va >> shift;
		uint64_t e;

		if (lvl != hw.start_level)
			idx &= (UINT64_C(1) << bits) - 1;
		e = table[idx];
		if (lvl == want)
			return e;
		assert_int_equal(e & 3, 3); /* a table descriptor on the way down */
		table = cpu(f, e & 0x0000fffffffff000ULL & ~((UINT64_C(1) << g) - 1));
	}
}

/* ARMv7 short descriptor: first-level (@want 1) or second-level (2) entry. */
static uint32_t v7_entry(struct pt_fixture *f, uint32_t va, unsigned int want)
{
	struct vcm_hw_regs hw;
	uint32_t *l1, e;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	l1 = cpu(f, hw.root_pa);
	e = l1[va >> 20];
	if (want == 1)
		return e;
	assert_int_equal(e & 3, 1);
	return ((uint32_t *)cpu(f, e & 0xfffffc00U))[(va >> 12) & 0xff];
}

static void test_armv8_stage1(void **state)
{
	struct pt_fixture f;
	const unsigned int r = VCM_PT_PROT_READ, w = VCM_PT_PROT_WRITE;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s1-4k-48"), 0);
	/* page: AF, AttrIndx 0 (WBWA), EL1 RW, UXN and PXN */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x80001000, 0x1000, r | w), 0);
	assert_int_equal(v8_entry(&f, 0x1000, 3), 0x0060000080001403ULL);
	/* 1G block: read-only at EL0 and EL1, executable at EL0 only */
	assert_int_equal(vcm_pt_map(f.pt, 0x40000000, 0x100000000ULL, 0x40000000,
				    r | VCM_PT_PROT_USER | VCM_PT_PROT_EXEC), 0);
	assert_int_equal(v8_entry(&f, 0x40000000, 1), 0x00200001000004c1ULL);
	/* 64K under the contiguous hint: 16 pages, NC (AttrIndx 1), inner shareable */
	assert_int_equal(vcm_pt_map(f.pt, 0x200000, 0x90000000, 0x10000,
				    r | w | VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) |
					    VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC) |
					    VCM_PT_PROT_SH(VCM_PT_SH_INNER)), 0);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(v8_entry(&f, 0x200000 + i * 0x1000, 3),
				 0x0070000090000707ULL + i * 0x1000);
	/* device (AttrIndx 4), not global */
	assert_int_equal(vcm_pt_map(f.pt, 0x400000, 0x9000000, 0x1000,
				    r | w | VCM_PT_PROT_DEVICE | VCM_PT_PROT_NONGLOBAL), 0);
	assert_int_equal(v8_entry(&f, 0x400000, 3), 0x0060000009000c13ULL);
	/* 2M block, then cut at its first page: 15 pages and 31 groups of 16 remain */
	assert_int_equal(vcm_pt_map(f.pt, 0x600000, 0xa0000000, 0x200000, r | w), 0);
	assert_int_equal(v8_entry(&f, 0x600000, 2), 0x00600000a0000401ULL);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x600000, 0x1000, NULL), 0);
	assert_int_equal(v8_entry(&f, 0x600000, 3), 0);
	assert_int_equal(v8_entry(&f, 0x601000, 3), 0x00600000a0001403ULL); /* group split */
	assert_int_equal(v8_entry(&f, 0x610000, 3), 0x00700000a0010403ULL); /* still grouped */
	ptf_fini(&f);
}

static void test_armv8_stage2(void **state)
{
	struct pt_fixture f;
	struct vcm_hw_regs hw;

	(void)state;
	ptf_init(&f, ptf_config("armv8-s2-4k-40"), 0);
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	/* 40-bit IPA with 4K: two concatenated level 1 tables (D5.2.8) */
	assert_int_equal(hw.start_level, 1);
	assert_int_equal(hw.levels, 3);
	assert_int_equal(hw.concat, 2);
	assert_int_equal(hw.root_size, 0x2000);
	/* VTCR_EL2: T0SZ 24, SL0 0b01, PS 0b010 (40 bits), RES1 bit 31 */
	assert_int_equal(hw.regs[0], 0x80020058ULL);
	assert_int_equal(hw.regs[2], hw.root_pa);
	/* MemAttr 0b1111 (WB), S2AP RW, SH inner, AF, executable */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x2000, 0x1000,
				    VCM_PT_PROT_READ | VCM_PT_PROT_WRITE | VCM_PT_PROT_EXEC |
					    VCM_PT_PROT_SH(VCM_PT_SH_INNER)), 0);
	assert_int_equal(v8_entry(&f, 0x1000, 3), 0x27ffULL);
	/* Device-nGnRE, read-only, XN */
	assert_int_equal(vcm_pt_map(f.pt, 0x3000, 0x4000, 0x1000,
				    VCM_PT_PROT_READ | VCM_PT_PROT_DEVICE), 0);
	assert_int_equal(v8_entry(&f, 0x3000, 3), 0x0040000000004447ULL);
	/* the upper of the two concatenated tables is used above 512G */
	assert_int_equal(vcm_pt_map(f.pt, 0x8000000000ULL, 0x40000000, 0x40000000,
				    VCM_PT_PROT_READ), 0);
	/* ... a read-only WB block: MemAttr 0b1111, S2AP 0b01, AF, XN */
	assert_int_equal(((uint64_t *)cpu(&f, hw.root_pa))[512], 0x004000004000047dULL);
	ptf_fini(&f);
}

static void test_armv7s(void **state)
{
	struct pt_fixture f;
	struct vcm_hw_regs hw;
	const unsigned int r = VCM_PT_PROT_READ, w = VCM_PT_PROT_WRITE;

	(void)state;
	ptf_init(&f, ptf_config("armv7s-32"), 0);
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	assert_int_equal(hw.regs[0], 0); /* TTBCR.N = 0 */
	assert_int_equal(hw.root_size, 0x4000);
	assert_true((hw.root_pa & 0x3fff) == 0);
	/* small page: TEX 0b101 + B (WBWA), AP 0b001, XN */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x80001000, 0x1000, r | w), 0);
	assert_int_equal(v7_entry(&f, 0x1000, 2), 0x80001157U);
	assert_int_equal(v7_entry(&f, 0x1000, 1) & 0x3ffU, 0x001U); /* page table, domain 0 */
	/* section: TEX 0b100 (NC), AP[2]=1 AP 0b11 (read-only, any), S, executable */
	assert_int_equal(vcm_pt_map(f.pt, 0x100000, 0x40000000, 0x100000,
				    r | VCM_PT_PROT_USER | VCM_PT_PROT_EXEC |
					    VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) |
					    VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC) |
					    VCM_PT_PROT_SH(VCM_PT_SH_OUTER)), 0);
	assert_int_equal(v7_entry(&f, 0x100000, 1), 0x4001cc02U);
	/* supersection: 16 equal entries, TEX 0b110 + C (WT), XN */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000000, 0x2000000, 0x1000000,
				    r | w | VCM_PT_PROT_INNER(VCM_PT_CACHE_WT) |
					    VCM_PT_PROT_OUTER(VCM_PT_CACHE_WT)), 0);
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(v7_entry(&f, 0x1000000 + i * 0x100000, 1), 0x0204641aU);
	/* large page: 16 equal entries, TEX 0b111 + C + B (WB no-WA), XN at bit 15 */
	assert_int_equal(vcm_pt_map(f.pt, 0x210000, 0x30010000, 0x10000,
				    r | w | VCM_PT_PROT_INNER(VCM_PT_CACHE_WBNWA) |
					    VCM_PT_PROT_OUTER(VCM_PT_CACHE_WBNWA)), 0);
	for (uint32_t i = 0; i < 16; i++)
		assert_int_equal(v7_entry(&f, 0x210000 + i * 0x1000, 2), 0x3001f01dU);
	/* shareable device: TEX 0, C 0, B 1 */
	assert_int_equal(vcm_pt_map(f.pt, 0x5000, 0x9000000, 0x1000, r | w | VCM_PT_PROT_DEVICE),
			 0);
	assert_int_equal(v7_entry(&f, 0x5000, 2), 0x09000017U);
	/* cutting the supersection leaves 15 sections and a table of 255 small pages */
	assert_int_equal(vcm_pt_unmap(f.pt, 0x1000000, 0x1000, NULL), 0);
	assert_int_equal(v7_entry(&f, 0x1100000, 1), 0x0210641aU); /* section, bit 18 clear */
	assert_int_equal(v7_entry(&f, 0x1000000, 2), 0);
	assert_int_equal(v7_entry(&f, 0x1001000, 2), 0x02001000U | 0x183U | 0x8U | 0x10U);
	ptf_fini(&f);
}

/* RISC-V Sv39/48/57: the entry for @va at @want (the manual's level = ours). */
static uint64_t rv_entry(struct pt_fixture *f, uint64_t va, unsigned int want)
{
	struct vcm_hw_regs hw;
	uint64_t *table;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	table = cpu(f, hw.root_pa);
	for (unsigned int lvl = hw.levels - 1;; lvl--) {
		uint64_t e = table[(va >> (12 + 9 * lvl)) & 511];

		if (lvl == want)
			return e;
		assert_int_equal(e & 0x3ff, 0x001); /* a pointer: V alone */
		table = cpu(f, ((e >> 10) & ((UINT64_C(1) << 44) - 1)) << 12);
	}
}

static void test_riscv(void **state)
{
	struct pt_fixture f;
	struct vcm_hw_regs hw;
	const unsigned int r = VCM_PT_PROT_READ, w = VCM_PT_PROT_WRITE;
	const unsigned int nc = VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) |
				VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC);

	(void)state;
	ptf_init(&f, ptf_config("riscv-sv39-napot-pbmt"), 0);
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	/* satp: MODE 8 (Sv39), ASID 0, PPN of the root; one 4 KiB root */
	assert_int_equal(hw.regs[0], (UINT64_C(8) << 60) | (hw.root_pa >> 12));
	assert_int_equal(hw.levels, 3);
	assert_int_equal(hw.start_level, 2);
	assert_int_equal(hw.root_size, 0x1000);
	/* page: PPN 0x80001 at bit 10; D A G W R V */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x80001000, 0x1000, r | w), 0);
	assert_int_equal(rv_entry(&f, 0x1000, 0), 0x200004e7ULL);
	/* 1G gigapage: A G U X R V, no W, no D */
	assert_int_equal(vcm_pt_map(f.pt, 0x40000000, 0x100000000ULL, 0x40000000,
				    r | VCM_PT_PROT_USER | VCM_PT_PROT_EXEC), 0);
	assert_int_equal(rv_entry(&f, 0x40000000, 2), 0x4000007bULL);
	/* 64K NAPOT, PBMT NC, not global: N, PBMT 1, ppn[3:0] = 0b1000 in all 16 */
	assert_int_equal(vcm_pt_map(f.pt, 0x200000, 0x90000000, 0x10000,
				    r | w | nc | VCM_PT_PROT_NONGLOBAL), 0);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(rv_entry(&f, 0x200000 + i * 0x1000, 0), 0xa0000000240020c7ULL);
	/* device: PBMT IO */
	assert_int_equal(vcm_pt_map(f.pt, 0x400000, 0x10000000, 0x1000,
				    r | w | VCM_PT_PROT_DEVICE), 0);
	assert_int_equal(rv_entry(&f, 0x400000, 0), 0x40000000040000e7ULL);
	/* 2M megapage, then cut at its first page: 15 pages and 31 NAPOT groups remain */
	assert_int_equal(vcm_pt_map(f.pt, 0x600000, 0xa0000000, 0x200000, r | w), 0);
	assert_int_equal(rv_entry(&f, 0x600000, 1), 0x280000e7ULL);
	assert_int_equal(vcm_pt_unmap(f.pt, 0x600000, 0x1000, NULL), 0);
	assert_int_equal(rv_entry(&f, 0x600000, 0), 0);
	assert_int_equal(rv_entry(&f, 0x601000, 0), 0x280004e7ULL);
	assert_int_equal(rv_entry(&f, 0x610000, 0), 0x80000000280060e7ULL);
	/* no encoding: write-through, mixed inner/outer, shareability */
	assert_int_equal(vcm_pt_map(f.pt, 0x800000, 0x1000, 0x1000,
				    r | VCM_PT_PROT_INNER(VCM_PT_CACHE_WT) |
					    VCM_PT_PROT_OUTER(VCM_PT_CACHE_WT)), -EOPNOTSUPP);
	assert_int_equal(vcm_pt_map(f.pt, 0x800000, 0x1000, 0x1000,
				    r | VCM_PT_PROT_INNER(VCM_PT_CACHE_NC)), -EOPNOTSUPP);
	assert_int_equal(vcm_pt_map(f.pt, 0x800000, 0x1000, 0x1000,
				    r | VCM_PT_PROT_SH(VCM_PT_SH_INNER)), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_pt_last_error(f.pt), "shareability"));
	ptf_fini(&f);

	/* Sv57 without Svpbmt: MODE 10; a 256T petapage at level 4; NC and IO refused */
	ptf_init(&f, ptf_config("riscv-sv57"), 0);
	assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
	assert_int_equal(hw.regs[0], (UINT64_C(10) << 60) | (hw.root_pa >> 12));
	assert_int_equal(hw.levels, 5);
	assert_int_equal(vcm_pt_map(f.pt, UINT64_C(1) << 48, 0, UINT64_C(1) << 48, r), 0);
	assert_int_equal(rv_entry(&f, UINT64_C(1) << 48, 4), 0x63ULL);
	/* 512G terapage at level 3, writable */
	assert_int_equal(vcm_pt_map(f.pt, UINT64_C(1) << 39, UINT64_C(1) << 39,
				    UINT64_C(1) << 39, r | w), 0);
	assert_int_equal(rv_entry(&f, UINT64_C(1) << 39, 3), 0x20000000e7ULL);
	assert_int_equal(vcm_pt_map(f.pt, 0, 0x1000, 0x1000, r | nc), -EOPNOTSUPP);
	assert_non_null(strstr(vcm_pt_last_error(f.pt), "Svpbmt is off"));
	assert_int_equal(vcm_pt_map(f.pt, 0, 0x1000, 0x1000, r | VCM_PT_PROT_DEVICE),
			 -EOPNOTSUPP);
	ptf_fini(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_armv8_stage1),
		cmocka_unit_test(test_armv8_stage2),
		cmocka_unit_test(test_armv7s),
		cmocka_unit_test(test_riscv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
