// SPDX-License-Identifier: MIT
/*
 * Decoder: ARMv7 short descriptors (first-level 4096 entries of 1 MiB, fewer
 * with TTBCR.N; second-level 256 entries of 4 KiB).
 *
 * Source: ARM Architecture Reference Manual ARMv7-A and ARMv7-R edition,
 * DDI 0406C.d: B3.5.1 (descriptor formats: page table, section,
 * supersection, large page, small page), B3.5.4 (TTBCR.N and the first-level
 * table size), B3.7.1 (AP[2:0]), B3.8.2 (TEX, C, B).
 *
 * Levels: the first-level table is our level 1, the second-level table our
 * level 0. Supersections (16 first-level entries) and large pages (16
 * second-level entries) are groups of identical entries. Reported as
 * malformed: SBZ bits set (page table descriptor bit 4, large page 8:6),
 * output addresses past the output size (supersections carry bits 39:32,
 * so with --oas 40 they are fine). Bits 1:0 = 0b11 in a first-level entry
 * is a section with PXN (the Large Physical Address Extension).
 */
#include <string.h>
#include "decode_internal.h"

static int setup(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len)
{
	unsigned int ias = in->ias != 0U ? in->ias : 32U, oas = in->oas != 0U ? in->oas : 32U;

	if (ias < 25U || ias > 32U)
		return pt_refuse(err, len, "ias %u: armv7s takes 25 to 32 (TTBCR.N 7 to 0)", ias);
	if (oas < 32U || oas > 40U)
		return pt_refuse(err, len, "oas %u: armv7s takes 32 to 40", oas);
	memset(g, 0, sizeof(*g));
	g->esz = 4;
	g->top = 1;
	g->shift[0] = 12;
	g->bits[0] = 8;
	g->table_align[0] = 1024;
	g->shift[1] = 20;
	g->bits[1] = 12;
	g->table_align[1] = 16384;
	g->root_bits = ias - 20U;
	g->root_align = PT_B(ias - 18U); /* B4.1.154: TTBR0 bits 13-N:0 are zero */
	return 0;
}

static const char *level_name(const struct pt_decode_in *in, const struct pt_geo *g,
			      unsigned int level)
{
	(void)in;
	(void)g;
	return level == 0U ? "second-level" : "first-level";
}

static void attrs(struct pt_ent *o, unsigned int tex, unsigned int c, unsigned int b,
		  unsigned int ap2, unsigned int ap10, unsigned int xn, unsigned int s,
		  unsigned int ng)
{
	/* B3.7.1 with SCTLR.AFE = 0 */
	static const char *const ap[] = { "no access", "RW PL1, none PL0", "RW PL1, RO PL0",
					  "RW PL1 and PL0", "reserved", "RO PL1, none PL0",
					  "RO PL1 and PL0", "RO PL1 and PL0" };
	unsigned int a = ap2 << 2 | ap10;

	pt_cat(o->attrs, sizeof(o->attrs),
	       "TEX=0b%u%u%u C=%u B=%u AP[2:0]=0b%u%u%u (%s) XN=%u S=%u nG=%u", tex >> 2,
	       (tex >> 1) & 1U, tex & 1U, c, b, ap2, ap10 >> 1, ap10 & 1U, ap[a], xn, s, ng);
	if (a == 4U)
		pt_cat(o->why, sizeof(o->why), "%sAP[2:0] 0b100 is reserved",
		       o->why[0] ? "; " : "");
}

static void past_oas(struct pt_ent *o, uint64_t pa, unsigned int oas)
{
	if (oas < 64U && pa >> oas != 0U)
		pt_cat(o->why, sizeof(o->why), "%soutput address %#llx past %u bits",
		       o->why[0] ? "; " : "", (unsigned long long)pa, oas);
}

static void first_level(const struct pt_decode_in *in, uint64_t e, struct pt_ent *o)
{
	unsigned int oas = in->oas != 0U ? in->oas : 32U;

	switch (e & 3U) {
	case 0:
		o->kind = PT_EMPTY;
		return;
	case 1:
		o->kind = PT_TABLE;
		o->next = e & PT_M(31, 10);
		o->next_level = 0;
		pt_reserved(o, e, PT_B(4), "SBZ (4)");
		return;
	default:
		break;
	}
	o->kind = PT_LEAF;
	attrs(o, (unsigned int)PT_GET(e, 14, 12), (unsigned int)PT_GET(e, 3, 3),
	      (unsigned int)PT_GET(e, 2, 2), (unsigned int)PT_GET(e, 15, 15),
	      (unsigned int)PT_GET(e, 11, 10), (unsigned int)PT_GET(e, 4, 4),
	      (unsigned int)PT_GET(e, 16, 16), (unsigned int)PT_GET(e, 17, 17));
	pt_cat(o->attrs, sizeof(o->attrs), " NS=%u", (unsigned int)PT_GET(e, 19, 19));
	if ((e & 3U) == 3U)
		pt_cat(o->attrs, sizeof(o->attrs), " PXN=1");
	if ((e & PT_B(18)) != 0U) {
		/* supersection: PA[31:24] in 31:24, PA[35:32] in 23:20, PA[39:36] in 8:5 */
		o->pa = (e & PT_M(31, 24)) | PT_GET(e, 23, 20) << 32 | PT_GET(e, 8, 5) << 36;
		o->size_lg2 = 24;
		o->group_lg2 = 4;
		o->same = true;
		pt_cat(o->attrs, sizeof(o->attrs), " supersection");
	} else {
		o->pa = e & PT_M(31, 20);
		o->size_lg2 = 20;
		pt_cat(o->attrs, sizeof(o->attrs), " Domain=%u section",
		       (unsigned int)PT_GET(e, 8, 5));
	}
	past_oas(o, o->pa, oas);
}

static void second_level(uint64_t e, struct pt_ent *o)
{
	if ((e & 3U) == 0U) {
		o->kind = PT_EMPTY;
		return;
	}
	o->kind = PT_LEAF;
	if ((e & 3U) == 1U) {
		o->pa = e & PT_M(31, 16);
		o->size_lg2 = 16;
		o->group_lg2 = 4;
		o->same = true;
		pt_reserved(o, e, PT_M(8, 6), "SBZ (8:6)");
		attrs(o, (unsigned int)PT_GET(e, 14, 12), (unsigned int)PT_GET(e, 3, 3),
		      (unsigned int)PT_GET(e, 2, 2), (unsigned int)PT_GET(e, 9, 9),
		      (unsigned int)PT_GET(e, 5, 4), (unsigned int)PT_GET(e, 15, 15),
		      (unsigned int)PT_GET(e, 10, 10), (unsigned int)PT_GET(e, 11, 11));
		pt_cat(o->attrs, sizeof(o->attrs), " large page");
		return;
	}
	o->pa = e & PT_M(31, 12);
	o->size_lg2 = 12;
	attrs(o, (unsigned int)PT_GET(e, 8, 6), (unsigned int)PT_GET(e, 3, 3),
	      (unsigned int)PT_GET(e, 2, 2), (unsigned int)PT_GET(e, 9, 9),
	      (unsigned int)PT_GET(e, 5, 4), (unsigned int)PT_GET(e, 0, 0),
	      (unsigned int)PT_GET(e, 10, 10), (unsigned int)PT_GET(e, 11, 11));
	pt_cat(o->attrs, sizeof(o->attrs), " small page");
}

static void entry(const struct pt_decode_in *in, const struct pt_geo *g, unsigned int level,
		  uint64_t e, struct pt_ent *o)
{
	(void)g;
	if (level == 1U)
		first_level(in, e, o);
	else
		second_level(e, o);
}

const struct pt_fmt_ops pt_fmt_armv7s = { setup, entry, level_name };
