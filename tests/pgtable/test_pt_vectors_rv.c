// SPDX-License-Identifier: MIT
/*
 * Known-answer vectors for the RISC-V G-stage (Sv39x4, Sv48x4, Sv57x4) and
 * Sv32/Sv32x4, computed by hand from the Privileged ISA 20211203 (4.1.11 satp,
 * 4.3 Sv32, 8.2.10 hgatp, 8.5.1 guest physical address translation) and read
 * back from table memory by a descent written here, independent of the
 * library's walker; then maps and splits at the very top of each input space,
 * where the 16 KiB root's last entries sit, checked against the range model.
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

/*
 * The entry for @va at level @want: @bits index bits per level below the top
 * (9 with 8-byte PTEs, 10 with 4-byte ones), the top resolving what is left
 * of the input size; @item the PTE size in bytes.
 */
static uint64_t entry(struct pt_fixture *f, uint64_t va, unsigned int want, unsigned int bits,
		      unsigned int item)
{
	struct vcm_hw_regs hw;
	const unsigned int ias = vcm_pt_ias(f->pt);
	uint64_t table_pa;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	table_pa = hw.root_pa;
	for (unsigned int lvl = hw.levels - 1;; lvl--) {
		unsigned int shift = 12 + bits * lvl;
		unsigned int n = lvl == hw.levels - 1 ? ias - shift : bits;
		uint64_t idx = (va >> shift) & ((UINT64_C(1) << n) - 1), e;
		const uint64_t ppn_mask = item == 8 ? (UINT64_C(1) << 44) - 1 : (1U << 22) - 1;

		e = item == 8 ? ((uint64_t *)cpu(f, table_pa))[idx] :
				((uint32_t *)cpu(f, table_pa))[idx];
		if (lvl == want)
			return e;
		assert_int_equal(e & 0x3ff, 0x001); /* a pointer: V alone */
		table_pa = ((e >> 10) & ppn_mask) << 12;
	}
}

static void check_root(struct pt_fixture *f, uint64_t regs0, uint64_t root_size,
		       const char *reg)
{
	struct vcm_hw_regs hw;

	assert_int_equal(vcm_pt_hw(f->pt, &hw), 0);
	assert_int_equal(hw.regs[0], regs0 | (hw.root_pa >> 12));
	assert_string_equal(hw.reg_names[0], reg);
	assert_int_equal(hw.root_size, root_size);
	assert_int_equal(hw.root_pa % root_size, 0); /* 8.5.1: the 16 KiB root is 16 KiB-aligned */
}

static void test_gstage(void **state)
{
	struct pt_fixture f;
	const unsigned int r = VCM_PT_PROT_READ, w = VCM_PT_PROT_WRITE;
	const unsigned int nc = VCM_PT_PROT_INNER(VCM_PT_CACHE_NC) |
				VCM_PT_PROT_OUTER(VCM_PT_CACHE_NC);
	const uint64_t top41 = UINT64_C(1) << 41, top50 = UINT64_C(1) << 50;
	struct vcm_pt_leaf leaf;

	(void)state;
	/* Sv39x4: hgatp MODE 8, a 2048-entry root */
	ptf_init(&f, ptf_config("riscv-sv39x4"), 0);
	check_root(&f, UINT64_C(8) << 60, 0x4000, "hgatp");
	/* page: PPN 0x80001; D A U W R V, no G (8.5.1) */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x80001000, 0x1000, r | w), 0);
	assert_int_equal(entry(&f, 0x1000, 0, 9, 8), 0x200004d7ULL);
	/* the root's last entry: a 1G gigapage ending at 2^41, A U R V */
	assert_int_equal(vcm_pt_map(f.pt, top41 - 0x40000000, 0x40000000, 0x40000000, r), 0);
	assert_int_equal(entry(&f, top41 - 1, 2, 9, 8), 0x10000053ULL);
	assert_int_equal(vcm_pt_lookup(f.pt, top41 - 1, &leaf), 0);
	assert_int_equal(leaf.pa, 0x40000000);
	assert_int_equal(leaf.prot, r);
	assert_int_equal(vcm_pt_lookup(f.pt, top41, &leaf), -ERANGE);
	/* U and G mean nothing to a G-stage: USER and NONGLOBAL are refused */
	assert_int_equal(vcm_pt_map(f.pt, 0x2000, 0x2000, 0x1000, r | VCM_PT_PROT_USER),
			 -EOPNOTSUPP);
	assert_non_null(strstr(vcm_pt_last_error(f.pt), "G-stage"));
	assert_int_equal(vcm_pt_map(f.pt, 0x2000, 0x2000, 0x1000, r | VCM_PT_PROT_NONGLOBAL),
			 -EOPNOTSUPP);
	/* NC needs Svpbmt */
	assert_int_equal(vcm_pt_map(f.pt, 0x2000, 0x2000, 0x1000, r | nc), -EOPNOTSUPP);
	ptf_fini(&f);

	/* Sv48x4 with Svnapot and Svpbmt: MODE 9; a NAPOT group at the very top, NC */
	ptf_init(&f, ptf_config("riscv-sv48x4-napot-pbmt"), 0);
	check_root(&f, UINT64_C(9) << 60, 0x4000, "hgatp");
	assert_int_equal(vcm_pt_map(f.pt, top50 - 0x10000, 0x90000000, 0x10000, r | w | nc), 0);
	for (unsigned int i = 0; i < 16; i++)
		assert_int_equal(entry(&f, top50 - 0x10000 + i * 0x1000, 0, 9, 8),
				 0xa0000000240020d7ULL); /* N, PBMT 1, ppn[3:0] 0b1000, D A U W R V */
	assert_int_equal(vcm_pt_map(f.pt, 0, 0x10000000, 0x1000, r | VCM_PT_PROT_DEVICE), 0);
	assert_int_equal(entry(&f, 0, 0, 9, 8), 0x4000000004000053ULL); /* PBMT IO */
	ptf_fini(&f);

	/* Sv57x4: MODE 10, 5 levels, a 256T leaf in the root's last entry */
	ptf_init(&f, ptf_config("riscv-sv57x4"), 0);
	check_root(&f, UINT64_C(10) << 60, 0x4000, "hgatp");
	assert_int_equal(vcm_pt_map(f.pt, (UINT64_C(1) << 59) - (UINT64_C(1) << 48), 0,
				    UINT64_C(1) << 48, r | w | VCM_PT_PROT_EXEC), 0);
	assert_int_equal(entry(&f, (UINT64_C(1) << 59) - 1, 4, 9, 8), 0xdfULL);
	ptf_fini(&f);
}

static void test_sv32(void **state)
{
	struct pt_fixture f;
	const unsigned int r = VCM_PT_PROT_READ, w = VCM_PT_PROT_WRITE;
	struct vcm_pt_leaf leaf;

	(void)state;
	/* Sv32: satp MODE bit 31, a 1024-entry 4 KiB root; 34-bit output */
	ptf_init(&f, ptf_config("riscv32-sv32"), 0);
	check_root(&f, UINT64_C(1) << 31, 0x1000, "satp");
	/* page above 4 GiB: PPN 0x300001 in bits 31:10; D A G W R V */
	assert_int_equal(vcm_pt_map(f.pt, 0x1000, 0x300001000ULL, 0x1000, r | w), 0);
	assert_int_equal(entry(&f, 0x1000, 0, 10, 4), 0xc00004e7ULL);
	/* the last megapage (index 1023): PPN 0x200400; A G U X R V */
	assert_int_equal(vcm_pt_map(f.pt, 0xffc00000, 0x200400000ULL, 0x400000,
				    r | VCM_PT_PROT_USER | VCM_PT_PROT_EXEC), 0);
	assert_int_equal(entry(&f, 0xffffffff, 1, 10, 4), 0x8010007bULL);
	assert_int_equal(vcm_pt_lookup(f.pt, 0xfffff000, &leaf), 0);
	assert_int_equal(leaf.pa, 0x200400000ULL);
	assert_int_equal(leaf.size_lg2, 22);
	/* cut the megapage's last page: 1023 pages remain, the last gone */
	assert_int_equal(vcm_pt_unmap(f.pt, 0xfffff000, 0x1000, NULL), 0);
	assert_int_equal(entry(&f, 0xfffff000, 0, 10, 4), 0);
	assert_int_equal(entry(&f, 0xffffe000, 0, 10, 4), 0x801ff87bULL);
	/* no PBMT in Sv32: NC and device are refused */
	assert_int_equal(vcm_pt_map(f.pt, 0x2000, 0x2000, 0x1000, r | VCM_PT_PROT_DEVICE),
			 -EOPNOTSUPP);
	assert_non_null(strstr(vcm_pt_last_error(f.pt), "riscv32"));
	ptf_fini(&f);

	/* Sv32x4: hgatp MODE bit 31, a 4096-entry 16 KiB root; U on, G off */
	ptf_init(&f, ptf_config("riscv32-sv32x4"), 0);
	check_root(&f, UINT64_C(1) << 31, 0x4000, "hgatp");
	assert_int_equal(vcm_pt_map(f.pt, 0x3ffc00000ULL, 0x400000, 0x400000, r | w), 0);
	assert_int_equal(entry(&f, 0x3ffffffffULL, 1, 10, 4), 0x1000d7ULL);
	assert_int_equal(vcm_pt_map(f.pt, 0x2000, 0x2000, 0x1000, r | VCM_PT_PROT_USER),
			 -EOPNOTSUPP);
	ptf_fini(&f);
}

/*
 * Each new format at the top of its input space: the three largest leaves
 * below the top (up to 1 GiB, so the arena holds the splits), mapped, cut at
 * the last page and at a page in the middle, then unmapped to the top; every
 * step against the model, and no table left at the end.
 */
static void test_top(void **state)
{
	static const char *const names[] = { "riscv-sv39x4", "riscv-sv48x4-napot-pbmt",
					      "riscv-sv57x4", "riscv32-sv32", "riscv32-sv32-32",
					      "riscv32-sv32x4" };
	const unsigned int prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct pt_fixture f;
		uint64_t sizes, top, unmapped;

		ptf_init(&f, ptf_config(names[i]), 0);
		top = UINT64_C(1) << vcm_pt_ias(f.pt);
		sizes = vcm_pt_page_sizes(f.pt) & ((UINT64_C(2) << 30) - 1);
		for (unsigned int b = 12; b < 64; b++) {
			const uint64_t s = UINT64_C(1) << b, len = 3 * s, da = top - len;
			const uint64_t pa = 2 * s; /* below 2^32 for every size here */
			const uint64_t mid = da + s + ((s / 2) & ~UINT64_C(0xfff));

			if ((sizes & s) == 0)
				continue;
			assert_int_equal(vcm_pt_map(f.pt, da, pa, len, prot), 0);
			model_map(&f.md, da, pa, len, prot);
			assert_int_equal(ptf_check_greedy(&f, da, pa, len, vcm_pt_page_sizes(f.pt)), 0);
			assert_int_equal(ptf_check(&f, b), 0);
			/* the last page, then one in the middle: splits next to the top */
			assert_int_equal(vcm_pt_unmap(f.pt, top - 0x1000, 0x1000, &unmapped), 0);
			assert_int_equal(unmapped, 0x1000);
			model_unmap(&f.md, top - 0x1000, 0x1000);
			assert_int_equal(vcm_pt_unmap(f.pt, mid, 0x1000, NULL), 0);
			model_unmap(&f.md, mid, 0x1000);
			if (ptf_check(&f, b + 100) != 0)
				fail_msg("%s size %#llx: %s", names[i], (unsigned long long)s, f.why);
			/* everything up to the top */
			assert_int_equal(vcm_pt_unmap(f.pt, da, len, &unmapped), 0);
			assert_int_equal(unmapped, len - 0x2000);
			model_unmap(&f.md, da, len);
			assert_int_equal(ptf_check(&f, b + 200), 0);
			assert_int_equal(f.nblocks, 1);
		}
		ptf_fini(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gstage),
		cmocka_unit_test(test_sv32),
		cmocka_unit_test(test_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
