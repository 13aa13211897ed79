// SPDX-License-Identifier: MIT
/*
 * Leaves the hardware walker faults on, planted by hand in a table the
 * library built: vcm_pt_check_() names each, and vcm_pt_lookup() refuses
 * the ones whose output address is at fault (-EFAULT) instead of
 * translating them. The cases the audit found (a misaligned RISC-V
 * superpage, Arm and AMD output addresses beyond oas, an Arm block with
 * RES0 bits below its address) and their Sv32 and ARMv7 counterparts.
 * Then a table entry turned into a "leaf" at a level that has none (PS in
 * an x86-64 PML4E/PML5E or a VT-d SS-PML4E/SS-PML5E, reserved there): the
 * walker faults, so lookup and walk report nothing mapped.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>
#include "pt_fixture.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

struct plant {
	const char *config;
	vcm_da_t da;      /* mapped to the same pa */
	uint64_t len;     /* one leaf (or group) of this size */
	uint64_t set;     /* bits ORed into the leaf entry holding da */
	const char *msg;  /* what the validator says, after "level L entry E at da D: " */
	bool lookup_faults;
};

static const struct plant plants[] = {
	/* RISC-V 4.3.2 step 6: ppn[0] != 0 in a 2 MiB leaf is a misaligned superpage */
	{ "riscv-sv48", 0x200000, 0x200000, UINT64_C(1) << 10,
	  "its output address 0x201000 is not aligned to its 0x200000 bytes", true },
	/* the same in Sv32: ppn[0] != 0 in a 4 MiB megapage */
	{ "riscv32-sv32", 0x400000, 0x400000, UINT64_C(1) << 10,
	  "its output address 0x401000 is not aligned to its 0x400000 bytes", true },
	/* Sv32 with a 32-bit output: PPN bit 21 is pa bit 33 */
	{ "riscv32-sv32-32", 0x1000, 0x1000, UINT64_C(1) << 31,
	  "its output address 0x200001000 is beyond the 32-bit output space", true },
	/* Arm: an output address above TCR.IPS (oas 40) is an Address size fault */
	{ "armv8-s1-4k-39", 0x1000, 0x1000, UINT64_C(1) << 45,
	  "its output address 0x200000001000 is beyond the 40-bit output space", true },
	/* Arm: bits 20:12 of a 2 MiB block descriptor are RES0 */
	{ "armv8-s1-4k-48", 0x200000, 0x200000, UINT64_C(1) << 13,
	  "its output address 0x202000 is not aligned to its 0x200000 bytes", true },
	/* AMD v1 with a 40-bit output */
	{ "amdv1-6lvl-32k", 0x1000, 0x1000, UINT64_C(1) << 45,
	  "its output address 0x200000001000 is beyond the 40-bit output space", true },
	/* ARMv7 supersection bits 23:20 are PA[39:36], beyond a 32-bit output */
	{ "armv7s-32", 0x1000000, 0x1000000, UINT64_C(1) << 20, "does not encode back to itself",
	  false },
	/* ARMv7 large page bits 8:6 should be zero */
	{ "armv7s-32", 0x10000, 0x10000, UINT64_C(1) << 6, "does not encode back to itself",
	  false },
};

/* The entry of the last table allocated that maps @da, of 2^@lg2 bytes. */
static uint8_t *leaf_entry(struct pt_fixture *f, unsigned int lg2)
{
	const struct pt_block *b = &f->blocks[f->nblocks - 1];
	uint8_t *p = f->arena->cpu + (b->pa - f->arena->pa), *found = NULL;
	static const uint8_t zero[8];

	for (uint64_t off = 0; off < b->size; off += UINT64_C(1) << lg2)
		if (memcmp(p + off, zero, (size_t)1 << lg2) != 0 && found == NULL)
			found = p + off;
	assert_non_null(found);
	return found;
}

static void test_planted(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(plants) / sizeof(plants[0]); i++) {
		const struct plant *pl = &plants[i];
		const struct pt_config *cfg = ptf_config(pl->config);
		const unsigned int lg2 = cfg->fmt == &vcm_pt_fmt_armv7s ||
						 cfg->fmt == &vcm_pt_fmt_riscv32 ? 2U : 3U;
		struct pt_fixture f;
		struct vcm_pt_leaf leaf;
		uint8_t *e, saved[8];
		uint64_t v = 0;
		int ret;

		ptf_init(&f, cfg, 0);
		assert_int_equal(vcm_pt_map(f.pt, pl->da, pl->da, pl->len, RW), 0);
		assert_int_equal(vcm_pt_check_(f.pt), 0);
		e = leaf_entry(&f, lg2);
		memcpy(saved, e, (size_t)1 << lg2);
		memcpy(&v, e, (size_t)1 << lg2);
		v |= pl->set;
		memcpy(e, &v, (size_t)1 << lg2);

		ret = vcm_pt_check_(f.pt);
		if (ret != -EFAULT || strstr(vcm_pt_last_error(f.pt), pl->msg) == NULL)
			fail_msg("%s, bits %#llx: vcm_pt_check_ gave %d '%s', want -EFAULT '%s'",
				 pl->config, (unsigned long long)pl->set, ret,
				 vcm_pt_last_error(f.pt), pl->msg);
		ret = vcm_pt_lookup(f.pt, pl->da, &leaf);
		if (ret != (pl->lookup_faults ? -EFAULT : 0))
			fail_msg("%s, bits %#llx: vcm_pt_lookup gave %d (pa %#llx), want %d",
				 pl->config, (unsigned long long)pl->set, ret,
				 (unsigned long long)leaf.pa, pl->lookup_faults ? -EFAULT : 0);
		memcpy(e, saved, (size_t)1 << lg2);
		assert_int_equal(vcm_pt_check_(f.pt), 0);
		assert_int_equal(vcm_pt_lookup(f.pt, pl->da, &leaf), 0);
		assert_int_equal(leaf.pa, pl->da);
		ptf_fini(&f);
	}
}

/* vcm_pt_walk's callback: count the leaves reported. */
static int count_leaf(void *arg, const struct vcm_pt_leaf *leaf)
{
	(void)leaf;
	(*(unsigned int *)arg)++;
	return 0;
}

/*
 * PS (bit 7) in the top entry of an x86-64 or VT-d second-stage table:
 * SDM Vol. 3A 4.5 and VT-d 9.8 reserve it in a PML4E/PML5E (SS-PML4E,
 * SS-PML5E), so the walk faults there; no 512 GiB or 256 TiB leaf.
 */
static void test_top_ps(void **state)
{
	static const char *const configs[] = {
		"x86_64-4l", "x86_64-5l", "vtd_ss-48", "vtd_ss-57",
	};
	const vcm_da_t da = 0x1000;
	const uint64_t ps = UINT64_C(1) << 7;

	(void)state;
	for (size_t i = 0; i < sizeof(configs) / sizeof(configs[0]); i++) {
		const struct pt_config *cfg = ptf_config(configs[i]);
		const uint64_t span = UINT64_C(1) << (cfg->ias - 9U); /* one top entry */
		struct vcm_hw_regs hw;
		struct vcm_pt_leaf leaf;
		struct pt_fixture f;
		unsigned int leaves = 0;
		uint64_t *top;
		int ret;

		ptf_init(&f, cfg, 0);
		assert_int_equal(vcm_pt_map(f.pt, da, da, 0x1000, RW), 0);
		assert_int_equal(vcm_pt_hw(f.pt, &hw), 0);
		top = (uint64_t *)(f.arena->cpu + (hw.root_pa - f.arena->pa));
		top[0] |= ps;

		ret = vcm_pt_lookup(f.pt, da, &leaf);
		if (ret != -ENOENT)
			fail_msg("%s, PS in the top entry: vcm_pt_lookup gave %d (pa %#llx, "
				 "2^%u bytes), want -ENOENT", configs[i], ret,
				 (unsigned long long)leaf.pa, leaf.size_lg2);
		assert_int_equal(vcm_pt_walk(f.pt, 0, span, count_leaf, &leaves), 0);
		if (leaves != 0U)
			fail_msg("%s, PS in the top entry: vcm_pt_walk reported %u leaves, want none",
				 configs[i], leaves);
		ret = vcm_pt_check_(f.pt);
		if (ret != -EFAULT || strstr(vcm_pt_last_error(f.pt), "does not decode") == NULL)
			fail_msg("%s, PS in the top entry: vcm_pt_check_ gave %d '%s', want -EFAULT "
				 "'does not decode'", configs[i], ret, vcm_pt_last_error(f.pt));

		top[0] &= ~ps;
		assert_int_equal(vcm_pt_check_(f.pt), 0);
		assert_int_equal(vcm_pt_lookup(f.pt, da, &leaf), 0);
		assert_int_equal(leaf.pa, da);
		ptf_fini(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_planted),
		cmocka_unit_test(test_top_ps),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
