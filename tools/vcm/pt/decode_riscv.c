// SPDX-License-Identifier: MIT
/*
 * Decoder: RISC-V Sv39, Sv48 and Sv57 (3, 4, 5 levels of 512 entries), Sv32
 * (2 levels of 1024 4-byte entries, 34-bit output), and with --stage2 their
 * G-stage forms Sv39x4/Sv48x4/Sv57x4 and Sv32x4 (8.5.1: input 2 bits wider, a
 * 16 KiB root; every access is a user access, so a leaf without U faults all
 * of them; G is reserved there and ignored by hardware: reported, the leaf
 * kept).
 *
 * Source: The RISC-V Instruction Set Manual, Volume II: Privileged
 * Architecture 20211203: 4.3.1 (PTE fields; R=0 W=1 is reserved; D, A, U
 * reserved in non-leaf PTEs), 4.3.2 (the walk: a pointer at level 0, a
 * misaligned superpage and reserved bits 60:54 are page faults), 4.4-4.6;
 * the Svnapot 1.0 (N, 64 KiB with ppn[3:0] = 0b1000) and Svpbmt 1.0 (PBMT
 * 0 PMA, 1 NC, 2 IO, 3 reserved) chapters.
 *
 * Levels are the manual's. Entries the walk faults on are reported and not
 * followed; D, A or U in a non-leaf PTE (software must clear them, the walk
 * does not fault) are reported and the pointer followed.
 */
#include "decode_internal.h"

static int setup(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len)
{
	const bool rv32 = in->arch == PT_ARCH_RISCV32;
	const unsigned int x4 = in->stage2 ? 2U : 0U, bits = rv32 ? 10U : 9U;
	unsigned int ias = in->ias != 0U ? in->ias : (rv32 ? 32U : 39U) + x4;
	unsigned int oas = in->oas != 0U ? in->oas : rv32 ? 34U : 56U;
	unsigned int levels = rv32 ? (ias == 32U + x4 ? 2U : 0U) :
			      ias == 39U + x4 ? 3U : ias == 48U + x4 ? 4U : ias == 57U + x4 ? 5U : 0U;

	if (levels == 0U && rv32)
		return pt_refuse(err, len, "ias %u: riscv32 takes %u (Sv32%s)", ias, 32U + x4,
				 in->stage2 ? "x4" : "");
	if (levels == 0U)
		return pt_refuse(err, len, "ias %u: riscv takes %u, %u or %u (Sv39/48/57%s)", ias,
				 39U + x4, 48U + x4, 57U + x4, in->stage2 ? "x4" : "");
	if (rv32 ? oas < 32U || oas > 34U : oas < 32U || oas > 56U)
		return pt_refuse(err, len, "oas %u: %s takes 32 to %u", oas,
				 rv32 ? "riscv32" : "riscv", rv32 ? 34U : 56U);
	if (rv32 && (in->svnapot || in->svpbmt))
		return pt_refuse(err, len, "Sv32 has no Svnapot or Svpbmt");
	pt_geo_radix(g, levels, 12, bits, rv32 ? 4U : 8U);
	g->root_bits = bits + x4;
	g->root_align = in->stage2 ? 16384 : 4096;
	return 0;
}

static const char *level_name(const struct pt_decode_in *in, const struct pt_geo *g,
			      unsigned int level)
{
	static const char *const names[] = { "level 0", "level 1", "level 2", "level 3",
					     "level 4" };

	(void)in;
	(void)g;
	return level < 5U ? names[level] : "?";
}

static void bad(struct pt_ent *o, const char *what)
{
	pt_cat(o->why, sizeof(o->why), "%s%s", o->why[0] ? "; " : "", what);
	o->kind = PT_BAD;
}

static void entry(const struct pt_decode_in *in, const struct pt_geo *g, unsigned int level,
		  uint64_t e, struct pt_ent *o)
{
	static const char *const pbmt[] = { "PMA", "NC", "IO", "reserved" };
	const bool rv32 = in->arch == PT_ARCH_RISCV32;
	unsigned int oas = in->oas != 0U ? in->oas : rv32 ? 34U : 56U;
	/* Sv32: PPN in 31:10 (22 bits, a 34-bit address); the others 53:10 */
	uint64_t pa = (rv32 ? PT_GET(e, 31, 10) : PT_GET(e, 53, 10)) << 12;
	bool leaf = (e & PT_M(3, 1)) != 0U;

	if ((e & PT_B(0)) == 0U) {
		o->kind = PT_EMPTY;
		return;
	}
	if (!rv32) {
		pt_reserved(o, e, PT_M(60, 54), "reserved (60:54)");
		if (!in->svpbmt)
			pt_reserved(o, e, PT_M(62, 61), "PBMT without Svpbmt:");
		else if (PT_GET(e, 62, 61) == 3U || (!leaf && PT_GET(e, 62, 61) != 0U))
			pt_cat(o->why, sizeof(o->why), "%sPBMT %u is reserved here",
			       o->why[0] ? "; " : "", (unsigned int)PT_GET(e, 62, 61));
		if ((e & PT_B(63)) != 0U && (!in->svnapot || !leaf || level != 0U ||
					     PT_GET(e, 13, 10) != 8U))
			pt_cat(o->why, sizeof(o->why), "%sN set %s", o->why[0] ? "; " : "",
			       in->svnapot ? "outside a 64 KiB level 0 leaf with ppn[3:0] 0b1000" :
					     "without Svnapot");
	}
	if (oas < (rv32 ? 34U : 56U) && pa >> oas != 0U)
		pt_cat(o->why, sizeof(o->why), "%saddress %#llx past %u bits", o->why[0] ? "; " : "",
		       (unsigned long long)pa, oas);
	if ((e & PT_M(2, 1)) == PT_B(2))
		pt_cat(o->why, sizeof(o->why), "%sW without R is reserved", o->why[0] ? "; " : "");
	if (o->why[0] != '\0') {
		o->kind = PT_BAD;
		return;
	}
	if (!leaf) {
		if (level == 0U) {
			bad(o, "a pointer to a next table at level 0");
			return;
		}
		pt_reserved(o, e, PT_B(4) | PT_B(6) | PT_B(7), "D, A or U in a non-leaf PTE:");
		o->kind = PT_TABLE;
		o->next = pa;
		o->next_level = level - 1U;
		return;
	}
	o->size_lg2 = g->shift[level];
	if (!rv32 && (e & PT_B(63)) != 0U) {
		o->size_lg2 = 16;
		o->group_lg2 = 4;
		o->same = true;
		pa &= ~PT_M(15, 0);
	} else if ((pa & (PT_B(o->size_lg2) - 1U)) != 0U) {
		bad(o, "misaligned superpage");
		return;
	}
	/* 8.5.1: a G-stage walk is a user access, so a leaf without U faults */
	if (in->stage2 && (e & PT_B(4)) == 0U) {
		bad(o, "a G-stage leaf without U (every access faults)");
		return;
	}
	/*
	 * 8.5.1: G in a G-stage PTE is reserved for future use, to be cleared by
	 * software and ignored by hardware: the page still translates, so it
	 * stays a leaf and the bit is reported.
	 */
	if (in->stage2 && (e & PT_B(5)) != 0U)
		pt_cat(o->why, sizeof(o->why), "%sG set in a G-stage leaf (reserved: hardware "
		       "ignores it, software must clear it)", o->why[0] ? "; " : "");
	o->kind = PT_LEAF;
	o->pa = pa;
	/* 4.3.2 step 7 (Svadu): A and D set in the PTE walked, one entry of a NAPOT page */
	o->hw_or = PT_B(6) | PT_B(7);
	pt_cat(o->attrs, sizeof(o->attrs), "R=%u W=%u X=%u U=%u G=%u A=%u D=%u RSW=%u",
	       (unsigned int)PT_GET(e, 1, 1), (unsigned int)PT_GET(e, 2, 2),
	       (unsigned int)PT_GET(e, 3, 3), (unsigned int)PT_GET(e, 4, 4),
	       (unsigned int)PT_GET(e, 5, 5), (unsigned int)PT_GET(e, 6, 6),
	       (unsigned int)PT_GET(e, 7, 7), (unsigned int)PT_GET(e, 9, 8));
	if (!rv32)
		pt_cat(o->attrs, sizeof(o->attrs), " PBMT=%s%s", pbmt[PT_GET(e, 62, 61)],
		       (e & PT_B(63)) != 0U ? " N=1" : "");
}

const struct pt_fmt_ops pt_fmt_riscv = { setup, entry, level_name };
const struct pt_fmt_ops pt_fmt_riscv32 = { setup, entry, level_name };
