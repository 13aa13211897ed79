// SPDX-License-Identifier: MIT
/*
 * Known-answer vectors for the x86 formats, entries computed by hand from the
 * manuals and read back from table memory by a descent written here:
 * x86-64 paging from the Intel SDM Vol. 3A (253668-078) chapter 4 (entry
 * formats, access rights) and "Page Attribute Table (PAT)"; VT-d second stage
 * from the VT-d specification (D51397) revision 4.0, 9.3 (context entry) and
 * 9.8 (second-stage entries). They cover what QEMU cannot show: XD, G, the
 * PWT/PCD/PAT index, EMT and IPAT, the register values, 5-level VT-d.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include <vcm/pgtable.h>
#include <vcm/hosted.h>

#define ARENA_PA UINT64_C(0x40000000)
#define ADDR UINT64_C(0x000ffffffffff000)

struct tt {
	struct vcm_plat_arena *arena;
	struct vcm_plat_ops ops;
	struct vcm_pt *pt;
	struct vcm_hw_regs hw;
};

static void tt_init(struct tt *t, const struct vcm_pt_fmt *fmt, unsigned int ias,
		    unsigned int oas, uint64_t pat)
{
	struct vcm_pt_cfg cfg = { .fmt = fmt, .ias = ias, .oas = oas, .mair = pat };
	struct vcm_diag d = { 0 };

	t->arena = vcm_plat_hosted_arena_new(UINT64_C(16) << 20, ARENA_PA);
	assert_non_null(t->arena);
	vcm_plat_arena_ops(t->arena, &t->ops);
	cfg.plat = &t->ops;
	if (vcm_pt_create(&cfg, &t->pt, &d) != 0)
		fail_msg("create: %s", d.msg);
	assert_int_equal(vcm_pt_hw(t->pt, &t->hw), 0);
}

static void tt_fini(struct tt *t)
{
	vcm_pt_destroy(t->pt);
	vcm_plat_hosted_arena_delete(t->arena);
}

/*
 * The entry for @da in the table of manual level @want (1 = page table,
 * 2 = page directory, ...), descending from the top through entries whose low
 * bits must be @table_bits.
 */
static uint64_t entry(struct tt *t, uint64_t da, unsigned int want, uint64_t table_bits)
{
	uint64_t *table = vcm_plat_arena_pa_to_cpu(t->arena, t->hw.root_pa);

	for (unsigned int lvl = t->hw.levels;; lvl--) {
		uint64_t e = table[(da >> (12 + 9 * (lvl - 1))) & 511];

		if (lvl == want)
			return e;
		assert_int_equal(e & 0xfff, table_bits);
		table = vcm_plat_arena_pa_to_cpu(t->arena, e & ADDR);
	}
}

static const unsigned int R = VCM_PT_PROT_READ, W = VCM_PT_PROT_WRITE, X = VCM_PT_PROT_EXEC;

static unsigned int cache(unsigned int c)
{
	return VCM_PT_PROT_INNER(c) | VCM_PT_PROT_OUTER(c);
}

static void test_x86_4level(void **state)
{
	struct tt t;
	struct vcm_pt_leaf l;

	(void)state;
	tt_init(&t, &vcm_pt_fmt_x86_64, 48, 52, 0);
	assert_int_equal(t.hw.levels, 4);
	assert_int_equal(t.hw.start_level, 4);
	assert_int_equal(t.hw.root_size, 4096);
	assert_int_equal(t.hw.regs[0], t.hw.root_pa);        /* CR3 */
	assert_int_equal(t.hw.regs[1], 0xa0);                /* CR4.PAE | CR4.PGE */
	assert_int_equal(t.hw.regs[2], 0x0007040600070406ULL); /* IA32_PAT at power-up */
	/* 4K WB: P, R/W, A, D, G, XD; tables P, R/W, U/S, A */
	assert_int_equal(vcm_pt_map(t.pt, 0x1000, 0x80001000, 0x1000, R | W), 0);
	assert_int_equal(entry(&t, 0x1000, 1, 0x27), 0x8000000080001163ULL);
	/* 4K NC: PAT index 2 (UC-) = PCD */
	assert_int_equal(vcm_pt_map(t.pt, 0x3000, 0x5000, 0x1000, R | cache(VCM_PT_CACHE_NC)), 0);
	assert_int_equal(entry(&t, 0x3000, 1, 0x27), 0x8000000000005171ULL);
	/* 2M user executable WT: PS, PAT index 1 = PWT, U/S, no XD */
	assert_int_equal(vcm_pt_map(t.pt, 0x40200000, 0x12345600000ULL, 0x200000,
				    R | X | VCM_PT_PROT_USER | cache(VCM_PT_CACHE_WT)), 0);
	assert_int_equal(entry(&t, 0x40200000, 2, 0x27), 0x123456001edULL);
	/* 1G device, not global: PAT index 3 = PCD | PWT, G clear */
	assert_int_equal(vcm_pt_map(t.pt, 0x80000000, 0x40000000, 0x40000000,
				    R | W | VCM_PT_PROT_DEVICE | VCM_PT_PROT_NONGLOBAL), 0);
	assert_int_equal(entry(&t, 0x80000000, 3, 0x27), 0x80000000400000fbULL);
	/* the upper canonical half: 0xffff800000000000 is da 0x800000000000, PML4 index 256 */
	assert_int_equal(vcm_pt_map(t.pt, 0x800000000000ULL, 0xfffffffff000ULL, 0x1000, R | X), 0);
	assert_int_equal(entry(&t, 0x800000000000ULL, 1, 0x27), 0xfffffffff161ULL);
	assert_int_not_equal(((uint64_t *)vcm_plat_arena_pa_to_cpu(t.arena, t.hw.root_pa))[256], 0);
	/* the largest pa of a 52-bit MAXPHYADDR */
	assert_int_equal(vcm_pt_map(t.pt, 0x5000, 0xffffffffff000ULL, 0x1000, R | W | X), 0);
	assert_int_equal(entry(&t, 0x5000, 1, 0x27), 0x000ffffffffff163ULL);
	assert_int_equal(vcm_pt_lookup(t.pt, 0x40300000, &l), 0);
	assert_int_equal(l.pa, 0x12345600000ULL);
	assert_int_equal(l.size_lg2, 21);
	/* what x86 cannot say */
	assert_int_equal(vcm_pt_map(t.pt, 0x9000, 0x9000, 0x1000, R | VCM_PT_PROT_SH(VCM_PT_SH_INNER)),
			 -EOPNOTSUPP);
	assert_non_null(strstr(vcm_pt_last_error(t.pt), "vcm_pt_map: prot"));
	assert_int_equal(vcm_pt_map(t.pt, 0x9000, 0x9000, 0x1000, R | cache(VCM_PT_CACHE_WBNWA)),
			 -EOPNOTSUPP);
	assert_int_equal(vcm_pt_map(t.pt, 0x9000, 0x9000, 0x1000,
				    R | VCM_PT_PROT_INNER(VCM_PT_CACHE_NC)), -EOPNOTSUPP);
	assert_int_equal(vcm_pt_map(t.pt, 0x9000, 0x9000, 0x1000, R | VCM_PT_PROT_SECURE),
			 -EOPNOTSUPP);
	/* cutting the 1G page: 511 2M pages and 511 4K pages keep its bits */
	assert_int_equal(vcm_pt_unmap(t.pt, 0x80000000, 0x1000, NULL), 0);
	assert_int_equal(entry(&t, 0x80001000, 1, 0x27), 0x800000004000107bULL);
	assert_int_equal(entry(&t, 0x80200000, 2, 0x27), 0x80000000402000fbULL);
	assert_int_equal(vcm_pt_check_(t.pt), 0);
	tt_fini(&t);
}

/* A PAT with WT at index 5: the PAT bit is bit 7 in a PTE and bit 12 in a PDE. */
static void test_x86_pat_bit(void **state)
{
	const uint64_t pat = 0x0007040600000706ULL; /* WB UC- UC UC WB WT UC- UC */
	struct tt t;
	struct vcm_pt_leaf l;

	(void)state;
	tt_init(&t, &vcm_pt_fmt_x86_64, 57, 46, pat);
	assert_int_equal(t.hw.levels, 5);
	assert_int_equal(t.hw.start_level, 5);
	assert_int_equal(t.hw.regs[1], 0x10a0); /* CR4.LA57 too */
	assert_int_equal(t.hw.regs[2], pat);
	assert_int_equal(vcm_pt_map(t.pt, 0x1000, 0x2000, 0x1000, R | W | cache(VCM_PT_CACHE_WT)), 0);
	assert_int_equal(entry(&t, 0x1000, 1, 0x27), 0x80000000000021ebULL);
	assert_int_equal(vcm_pt_map(t.pt, 0x400000, 0x3fffffe00000ULL, 0x200000,
				    R | W | cache(VCM_PT_CACHE_WT)), 0);
	assert_int_equal(entry(&t, 0x400000, 2, 0x27), 0x80003fffffe011ebULL);
	assert_int_equal(vcm_pt_lookup(t.pt, 0x400000, &l), 0);
	assert_int_equal(l.pa, 0x3fffffe00000ULL); /* bit 12 is not an address bit */
	assert_int_equal(l.prot, R | W | cache(VCM_PT_CACHE_WT));
	/* NC finds UC- at index 1 (PWT), device UC at index 2 (PCD) */
	assert_int_equal(vcm_pt_map(t.pt, 0x3000, 0x3000, 0x1000, R | cache(VCM_PT_CACHE_NC)), 0);
	assert_int_equal(entry(&t, 0x3000, 1, 0x27), 0x8000000000003169ULL);
	/* the last page of the 57-bit space: index 511 at every level */
	assert_int_equal(vcm_pt_map(t.pt, (UINT64_C(1) << 57) - 0x1000, 0x7000, 0x1000,
				    R | VCM_PT_PROT_DEVICE), 0);
	assert_int_equal(entry(&t, (UINT64_C(1) << 57) - 0x1000, 1, 0x27), 0x8000000000007171ULL);
	tt_fini(&t);
}

static void test_x86_refusals(void **state)
{
	struct tt t;
	struct vcm_pt_cfg cfg = { .fmt = &vcm_pt_fmt_x86_64 };
	struct vcm_pt *pt;
	struct vcm_diag d = { 0 };

	(void)state;
	tt_init(&t, &vcm_pt_fmt_x86_64, 48, 40, 0x0606060606060606ULL); /* all WB */
	assert_int_equal(vcm_pt_map(t.pt, 0x1000, 0x1000, 0x1000, R | VCM_PT_PROT_DEVICE),
			 -EOPNOTSUPP);
	assert_non_null(strstr(vcm_pt_last_error(t.pt), "IA32_PAT"));
	assert_int_equal(vcm_pt_map(t.pt, 0x1000, UINT64_C(1) << 40, 0x1000, R), -ERANGE);
	cfg.plat = &t.ops;
	cfg.ias = 39;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "vcm_pt_create: cfg->ias 39"));
	cfg.ias = 0;
	cfg.flags = VCM_PT_CFG_STAGE2;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->flags"));
	cfg.flags = 0;
	cfg.mair = 0x0206;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "PAT1 is not a memory type"));
	cfg.mair = 0;
	cfg.oas = 53;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	cfg.oas = 0;
	cfg.page_sizes = 0x10000;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	cfg.fmt = &vcm_pt_fmt_vtd_ss;
	cfg.page_sizes = 0;
	cfg.ias = 40;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->ias 40"));
	cfg.ias = 0;
	cfg.mair = 1;
	assert_int_equal(vcm_pt_create(&cfg, &pt, &d), -EINVAL);
	assert_non_null(strstr(d.msg, "cfg->mair"));
	tt_fini(&t);
}

static void test_vtd(void **state)
{
	static const unsigned int aw[3] = { 1, 2, 3 };
	static const unsigned int ias[3] = { 39, 48, 57 };

	(void)state;
	for (int i = 0; i < 3; i++) {
		struct tt t;
		uint64_t top = (UINT64_C(1) << ias[i]) - 0x1000;

		tt_init(&t, &vcm_pt_fmt_vtd_ss, ias[i], 39, 0);
		assert_int_equal(t.hw.levels, 3 + i);
		assert_int_equal(t.hw.start_level, 3 + i);
		assert_int_equal(t.hw.root_size, 4096);
		/* context entry: P, TT 00, SLPTPTR; AW, DID 0 */
		assert_int_equal(t.hw.regs[0], t.hw.root_pa | 1);
		assert_int_equal(t.hw.regs[1], aw[i]);
		/* 4K RW WB: R, W, EMT 6, IPAT; tables R, W, X */
		assert_int_equal(vcm_pt_map(t.pt, 0x1000, 0x7ffffff000ULL, 0x1000, R | W), 0);
		assert_int_equal(entry(&t, 0x1000, 1, 0x7), 0x7ffffff073ULL);
		/* 2M read-execute WC: R, X, EMT 1, IPAT, PS */
		assert_int_equal(vcm_pt_map(t.pt, 0x200000, 0x200000, 0x200000,
					    R | X | cache(VCM_PT_CACHE_NC)), 0);
		assert_int_equal(entry(&t, 0x200000, 2, 0x7), 0x2000cdULL);
		/* 1G device RW: EMT 0 (UC), IPAT, PS */
		assert_int_equal(vcm_pt_map(t.pt, 0x40000000, 0x40000000, 0x40000000,
					    R | W | VCM_PT_PROT_DEVICE), 0);
		assert_int_equal(entry(&t, 0x40000000, 3, 0x7), 0x400000c3ULL);
		/* 4K WT read-only at the top of the input space: EMT 4 */
		assert_int_equal(vcm_pt_map(t.pt, top, 0x3000, 0x1000, R | cache(VCM_PT_CACHE_WT)),
				 0);
		assert_int_equal(entry(&t, top, 1, 0x7), 0x3061ULL);
		/* no privilege, global or Secure bits in a second stage */
		assert_int_equal(vcm_pt_map(t.pt, 0x5000, 0x5000, 0x1000, R | VCM_PT_PROT_USER),
				 -EOPNOTSUPP);
		assert_non_null(strstr(vcm_pt_last_error(t.pt), "vcm_pt_map: prot"));
		assert_int_equal(vcm_pt_map(t.pt, 0x5000, 0x5000, 0x1000,
					    R | VCM_PT_PROT_NONGLOBAL), -EOPNOTSUPP);
		assert_int_equal(vcm_pt_map(t.pt, 0x5000, 0x5000, 0x1000,
					    R | VCM_PT_PROT_SH(VCM_PT_SH_OUTER)), -EOPNOTSUPP);
		/* beyond the 39-bit host address width */
		assert_int_equal(vcm_pt_map(t.pt, 0x5000, UINT64_C(1) << 39, 0x1000, R), -ERANGE);
		assert_int_equal(vcm_pt_check_(t.pt), 0);
		tt_fini(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_4level),
		cmocka_unit_test(test_x86_pat_bit),
		cmocka_unit_test(test_x86_refusals),
		cmocka_unit_test(test_vtd),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
