// SPDX-License-Identifier: MIT
/*
 * Decoder: RISC-V Sv39, Sv48 and Sv57 (3, 4, 5 levels of 512 entries).
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
#include <string.h>
#include "decode_internal.h"

static int setup(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len)
{
	unsigned int ias = in->ias != 0U ? in->ias : 39U, oas = in->oas != 0U ? in->oas : 56U;
	unsigned int levels = ias == 39U ? 3U : ias == 48U ? 4U : ias == 57U ? 5U : 0U;

	if (levels == 0U)
		return pt_refuse(err, len, "ias %u: riscv takes 39, 48 or 57 (Sv39/48/57)", ias);
	if (oas < 32U || oas > 56U)
		return pt_refuse(err, len, "oas %u: riscv takes 32 to 56", oas);
	memset(g, 0, sizeof(*g));
	g->esz = 8;
	g->top = levels - 1U;
	for (unsigned int l = 0; l < levels; l++) {
		g->shift[l] = 12U + 9U * l;
		g->bits[l] = 9;
		g->table_align[l] = 4096;
	}
	g->root_bits = 9;
	g->root_align = 4096;
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
	unsigned int oas = in->oas != 0U ? in->oas : 56U;
	uint64_t pa = PT_GET(e, 53, 10) << 12;
	bool leaf = (e & PT_M(3, 1)) != 0U;

	if ((e & PT_B(0)) == 0U) {
		o->kind = PT_EMPTY;
		return;
	}
	pt_reserved(o, e, PT_M(60, 54), "reserved (60:54)");
	if (!in->svpbmt)
		pt_reserved(o, e, PT_M(62, 61), "PBMT without Svpbmt:");
	else if (PT_GET(e, 62, 61) == 3U || (!leaf && PT_GET(e, 62, 61) != 0U))
		pt_cat(o->why, sizeof(o->why), "%sPBMT %u is reserved here", o->why[0] ? "; " : "",
		       (unsigned int)PT_GET(e, 62, 61));
	if ((e & PT_B(63)) != 0U && (!in->svnapot || !leaf || level != 0U ||
				     PT_GET(e, 13, 10) != 8U))
		pt_cat(o->why, sizeof(o->why), "%sN set %s", o->why[0] ? "; " : "",
		       in->svnapot ? "outside a 64 KiB level 0 leaf with ppn[3:0] 0b1000" :
				     "without Svnapot");
	if (oas < 56U && pa >> oas != 0U)
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
	if ((e & PT_B(63)) != 0U) {
		o->size_lg2 = 16;
		o->group_lg2 = 4;
		o->same = true;
		pa &= ~PT_M(15, 0);
	} else if ((pa & (PT_B(o->size_lg2) - 1U)) != 0U) {
		bad(o, "misaligned superpage");
		return;
	}
	o->kind = PT_LEAF;
	o->pa = pa;
	pt_cat(o->attrs, sizeof(o->attrs), "R=%u W=%u X=%u U=%u G=%u A=%u D=%u RSW=%u PBMT=%s%s",
	       (unsigned int)PT_GET(e, 1, 1), (unsigned int)PT_GET(e, 2, 2),
	       (unsigned int)PT_GET(e, 3, 3), (unsigned int)PT_GET(e, 4, 4),
	       (unsigned int)PT_GET(e, 5, 5), (unsigned int)PT_GET(e, 6, 6),
	       (unsigned int)PT_GET(e, 7, 7), (unsigned int)PT_GET(e, 9, 8),
	       pbmt[PT_GET(e, 62, 61)], (e & PT_B(63)) != 0U ? " N=1" : "");
}

const struct pt_fmt_ops pt_fmt_riscv = { setup, entry, level_name };
