// SPDX-License-Identifier: MIT
/*
 * The format hooks of fmt.h, tested one by one. This file is compiled once per
 * format (CMake passes the format's source in PT_HOOK_SOURCE and sets
 * VCM_PT_HOOK_TEST, which leaves the walker out) and runs over that format's
 * rows of pt_configs.h:
 *  - every leaf size at every level, single and grouped, encodes and decodes
 *    back at pa 0, the largest pa and random ones; every table entry too;
 *  - every prot the format accepts comes back from a leaf unchanged;
 *  - every prot it cannot express is refused with -EOPNOTSUPP, the message
 *    prefixed with the caller's name. What "cannot express" means is written
 *    here again from the manuals, not taken from the format.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include PT_HOOK_SOURCE
#include "common/test_rand.h"
#include "pt_configs.h"

#define FN "hook_test"

static uint64_t seed;

static void pt_setup(struct vcm_pt *pt, const struct pt_config *c)
{
	struct vcm_diag d = { 0 };

	memset(pt, 0, sizeof(*pt));
	pt->fmt = c->fmt;
	pt->cfg.fmt = c->fmt;
	pt->cfg.ias = c->ias;
	pt->cfg.oas = c->oas;
	pt->cfg.granule_lg2 = c->granule_lg2;
	pt->cfg.flags = c->flags;
	pt->cfg.page_sizes = pt_config_page_sizes(c);
	/* a hook records under the call in progress, entered once by the caller */
	vcm_diag_enter(&d, FN);
	vcm_diag_enter(&pt->diag, FN);
	if (fmt_init(pt, &d) != 0)
		fail_msg("%s: %s", c->name, d.msg);
}

/* pa 0, the largest pa aligned to @align, and random aligned ones. */
static unsigned int test_pas(const struct vcm_pt *pt, uint64_t align, vcm_pa_t *pas)
{
	uint64_t top = vcm_low_mask(pt->oas) & ~(align - 1U);
	unsigned int n = 0;

	pas[n++] = 0;
	pas[n++] = top;
	for (int i = 0; i < 6; i++)
		pas[n++] = test_rand_below(&seed, top / align + 1U) * align;
	return n;
}

/* The leaf at @lvl for @pa (group when @contig) decodes back to @pa and @prot. */
static void check_leaf(const struct pt_config *c, const struct vcm_pt *pt, unsigned int lvl,
		       bool contig, vcm_pa_t pa, unsigned int prot, const struct vcm_pt_attr *attr)
{
	const unsigned int n = contig ? 1U << pt->contig_lg2[lvl] : 1U;
	const uint64_t isz = UINT64_C(1) << pt->shift[lvl];
	unsigned int members[2] = { 0, n - 1U };
	FMT_ITEM mask, value;

	fmt_single_leaf_mask(pt, lvl, &mask, &value);
	for (int k = 0; k < 2; k++) {
		FMT_ITEM e = fmt_leaf_encode(pt, lvl, contig, pa + members[k] * isz, attr);

		if (e == 0U || fmt_kind(pt, lvl, e) != FMT_LEAF ||
		    (pt->contig_lg2[lvl] != 0U && fmt_leaf_contig(pt, lvl, e) != contig) ||
		    ((e & mask) == value) == contig ||
		    vcm_align_down(fmt_leaf_pa(pt, lvl, e), isz * n) != pa ||
		    fmt_leaf_prot(pt, lvl, e) != prot)
			fail_msg("%s level %u %s leaf pa %#llx prot %#x: entry %#llx decodes as "
				 "kind %u pa %#llx prot %#x", c->name, lvl,
				 contig ? "group" : "single", (unsigned long long)pa, prot,
				 (unsigned long long)e, e ? fmt_kind(pt, lvl, e) : 0U,
				 (unsigned long long)fmt_leaf_pa(pt, lvl, e),
				 fmt_leaf_prot(pt, lvl, e));
	}
}

/* Every leaf size the table and @attr allow, at every level, at the test addresses. */
static void check_all_leaves(const struct pt_config *c, const struct vcm_pt *pt,
			     unsigned int prot, const struct vcm_pt_attr *attr, bool all_pas)
{
	for (unsigned int lvl = 0; lvl < pt->levels; lvl++)
		for (int contig = 0; contig < 2; contig++) {
			uint64_t size = (UINT64_C(1) << pt->shift[lvl])
					<< (contig ? pt->contig_lg2[lvl] : 0U);
			vcm_pa_t pas[8];
			unsigned int npa;

			if (contig ? pt->contig_lg2[lvl] == 0U : !pt->leaf_ok[lvl])
				continue;
			if ((pt->sizes & attr->sizes_ok & size) == 0U)
				continue;
			npa = all_pas ? test_pas(pt, size, pas) : 2U;
			if (!all_pas) {
				pas[0] = 0;
				pas[1] = vcm_low_mask(pt->oas) & ~(size - 1U);
			}
			for (unsigned int i = 0; i < npa; i++)
				check_leaf(c, pt, lvl, contig, pas[i], prot, attr);
		}
}

/* The format-neutral rules of VCM_PT_PROT_*, as pgtable.h states them. */
static bool prot_valid(unsigned int prot)
{
	if ((prot & ~VCM_PT_PROT_ALL) != 0U || (prot & VCM_PT_PROT_READ) == 0U)
		return false;
	if ((prot & VCM_PT_PROT_DEVICE) != 0U &&
	    (prot & (VCM_PT_PROT_INNER_MASK | VCM_PT_PROT_OUTER_MASK | VCM_PT_PROT_SH_MASK)) != 0U)
		return false;
	return VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot) <= VCM_PT_SH_OUTER;
}

/*
 * What this table cannot express, from the manuals: NS needs a Secure-state
 * walker; ARMv7 short descriptors have one shareable domain (DDI 0406C.d
 * B3.8.2, TRE = 0); ARMv8 stage 2 has no EL0/nG/NS bits and no allocation
 * hints (DDI 0487F.c D5.5.5); stage 1 finds attributes in the default MAIR,
 * which holds equal inner and outer policies plus WB-WA/NC mixes.
 */
static bool prot_refused(const struct vcm_pt *pt, unsigned int prot)
{
	unsigned int inner = VCM_FIELD_GET(VCM_PT_PROT_INNER_MASK, prot);
	unsigned int outer = VCM_FIELD_GET(VCM_PT_PROT_OUTER_MASK, prot);
	bool device = (prot & VCM_PT_PROT_DEVICE) != 0U;

	if ((prot & VCM_PT_PROT_SECURE) != 0U && (pt->cfg.flags & VCM_PT_CFG_SECURE) == 0U)
		return true;
	/* AMD 48882 Rev 3.00 2.2.3: a PTE has IR and IW, nothing else a prot can say */
	if (pt->fmt == &vcm_pt_fmt_amdv1)
		return (prot & ~(VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)) != 0U;
	/*
	 * RISC-V (Privileged ISA 20211203 4.3.1, Svpbmt 1.0): no shareability
	 * field; one memory type per page: the PMA's (WBWA), or with Svpbmt NC and
	 * IO (device) as well (Sv32 has no Svpbmt). The G-stage (8.5.1) checks
	 * every access as a user access and has no global bit.
	 */
	if (pt->fmt == &vcm_pt_fmt_riscv || pt->fmt == &vcm_pt_fmt_riscv32) {
		bool pbmt = (pt->cfg.flags & VCM_PT_CFG_RISCV_SVPBMT) != 0U;

		if (VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot) != 0U)
			return true;
		if ((pt->cfg.flags & VCM_PT_CFG_STAGE2) != 0U &&
		    (prot & (VCM_PT_PROT_USER | VCM_PT_PROT_NONGLOBAL)) != 0U)
			return true;
		if (device)
			return !pbmt;
		return inner != outer ||
		       !(inner == VCM_PT_CACHE_WBWA || (pbmt && inner == VCM_PT_CACHE_NC));
	}
	/*
	 * x86-64 paging (SDM Vol. 3A ch. 4 and PAT) and VT-d second stage (VT-d
	 * 4.0 9.8): one memory type per page, no shareability field, WB without
	 * allocation hints; the power-up PAT holds WB, WT and UC- / UC. A second
	 * stage has no privilege or global bit.
	 */
	if (pt->fmt == &vcm_pt_fmt_x86_64 || pt->fmt == &vcm_pt_fmt_vtd_ss) {
		if (pt->fmt == &vcm_pt_fmt_vtd_ss &&
		    (prot & (VCM_PT_PROT_USER | VCM_PT_PROT_NONGLOBAL)) != 0U)
			return true;
		return VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot) != VCM_PT_SH_NONE ||
		       inner != outer || inner == VCM_PT_CACHE_WBNWA;
	}
	if (pt->fmt == &vcm_pt_fmt_armv7s)
		return VCM_FIELD_GET(VCM_PT_PROT_SH_MASK, prot) == VCM_PT_SH_INNER;
	if ((pt->cfg.flags & VCM_PT_CFG_STAGE2) != 0U)
		return (prot & (VCM_PT_PROT_USER | VCM_PT_PROT_NONGLOBAL |
				VCM_PT_PROT_SECURE)) != 0U ||
		       inner == VCM_PT_CACHE_WBNWA || outer == VCM_PT_CACHE_WBNWA;
	if (device || inner == outer)
		return false;
	return !((inner == VCM_PT_CACHE_WBWA && outer == VCM_PT_CACHE_NC) ||
		 (inner == VCM_PT_CACHE_NC && outer == VCM_PT_CACHE_WBWA));
}

static bool this_format(const struct pt_config *c)
{
	return c->fmt == &FMT_OPS;
}

static void test_leaf_sizes(void **state)
{
	const unsigned int prot = VCM_PT_PROT_READ | VCM_PT_PROT_WRITE;

	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		const struct pt_config *c = &pt_configs[i];
		struct vcm_pt_attr attr = { .sizes_ok = ~UINT64_C(0) };
		struct vcm_pt pt;

		if (!this_format(c))
			continue;
		pt_setup(&pt, c);
		assert_int_equal(fmt_prot_to_attr(&pt, prot, &attr), 0);
		check_all_leaves(c, &pt, prot, &attr, true);
	}
}

static void test_table_entries(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		const struct pt_config *c = &pt_configs[i];
		struct vcm_pt pt;

		if (!this_format(c))
			continue;
		pt_setup(&pt, c);
		for (unsigned int lvl = 1; lvl < pt.levels; lvl++) {
			uint64_t size = vcm_pt_table_size_(&pt, lvl - 1U, FMT_ITEM_LG2);
			vcm_pa_t pas[8];
			unsigned int npa = test_pas(&pt, size, pas);

			for (unsigned int k = 0; k < npa; k++) {
				FMT_ITEM e = fmt_table_encode(&pt, lvl, pas[k]);

				if (fmt_kind(&pt, lvl, e) != FMT_TABLE ||
				    fmt_table_pa(&pt, lvl, e) != pas[k])
					fail_msg("%s level %u table at %#llx: entry %#llx", c->name,
						 lvl, (unsigned long long)pas[k],
						 (unsigned long long)e);
			}
		}
	}
}

static void test_prots(void **state)
{
	(void)state;
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		const struct pt_config *c = &pt_configs[i];
		unsigned int accepted = 0, refused = 0;
		struct vcm_pt pt;

		if (!this_format(c))
			continue;
		pt_setup(&pt, c);
		for (unsigned int prot = 0; prot <= VCM_PT_PROT_ALL; prot++) {
			struct vcm_pt_attr attr = { .sizes_ok = ~UINT64_C(0) };
			int ret;

			if (!prot_valid(prot))
				continue;
			pt.diag.msg[0] = '\0';
			ret = fmt_prot_to_attr(&pt, prot, &attr);
			if (prot_refused(&pt, prot)) {
				if (ret != -EOPNOTSUPP ||
				    strncmp(pt.diag.msg, FN ": ", strlen(FN) + 2) != 0)
					fail_msg("%s prot %#x: got %d '%s', want -EOPNOTSUPP from "
						 FN, c->name, prot, ret, pt.diag.msg);
				refused++;
				continue;
			}
			if (ret != 0)
				fail_msg("%s prot %#x refused: %s", c->name, prot, pt.diag.msg);
			check_all_leaves(c, &pt, prot, &attr, false);
			accepted++;
		}
		print_message("%-18s %u prots round-trip, %u refused\n", c->name, accepted,
			      refused);
		assert_true(accepted > 0);
	}
	(void)fmt_hw; /* register values are covered by the vector and QEMU tests */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_leaf_sizes),
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test(test_prots),
	};

	seed = test_seed("test_pt_hooks_" FMT_NAME, UINT64_C(0x5eed0f0f));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
