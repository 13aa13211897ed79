// SPDX-License-Identifier: MIT
/*
 * Decoder: AMD IOMMU v1 host page tables, 3 to 6 levels of 512 entries.
 *
 * Source: AMD I/O Virtualization Technology (IOMMU) Specification, 48882
 * rev 3.00, 2.2.3 "I/O Page Tables for Host Translations": the PDE and PTE
 * figures, NextLevel (0: a page of the level's size; 7: a page whose size is
 * encoded in the address field; 1..6: the level of the next table, lower
 * than this one, skipping levels allowed) and "Example Page Size Encodings".
 *
 * Levels: the manual's level L is our level L - 1. A NextLevel-7 page larger
 * than one entry is written into every entry it covers: a group of identical
 * entries. Reported: reserved bits (PDE 60:52, PTE 58:52), address bits past
 * --oas, a NextLevel not below the entry's level, an encoded size that does
 * not fit the level. Tables skipping levels are followed: the skipped input
 * bits must be zero, so the table covers the low part of the entry's range.
 */
#include "decode_internal.h"

static int setup(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len)
{
	unsigned int ias = in->ias != 0U ? in->ias : 48U, oas = in->oas != 0U ? in->oas : 52U;
	unsigned int levels;

	if (ias < 39U || ias > 64U)
		return pt_refuse(err, len, "ias %u: amdv1 takes 39 to 64", ias);
	if (oas < 32U || oas > 52U)
		return pt_refuse(err, len, "oas %u: amdv1 takes 32 to 52", oas);
	levels = ias <= 39U ? 3U : ias <= 48U ? 4U : ias <= 57U ? 5U : 6U;
	pt_geo_radix(g, levels, 12, 9, 8);
	g->root_bits = ias - g->shift[g->top];
	g->root_align = 4096; /* DTE root pointer: bits 51:12 */
	return 0;
}

static const char *level_name(const struct pt_decode_in *in, const struct pt_geo *g,
			      unsigned int level)
{
	static const char *const names[] = { "level 1", "level 2", "level 3", "level 4",
					     "level 5", "level 6" };

	(void)in;
	(void)g;
	return level < 6U ? names[level] : "?";
}

static void entry(const struct pt_decode_in *in, const struct pt_geo *g, unsigned int level,
		  uint64_t e, struct pt_ent *o)
{
	unsigned int oas = in->oas != 0U ? in->oas : 52U;
	unsigned int nl = (unsigned int)PT_GET(e, 11, 9);
	uint64_t addr = e & PT_M(51, 12);

	if ((e & PT_B(0)) == 0U) {
		o->kind = PT_EMPTY;
		return;
	}
	if (oas < 52U)
		pt_reserved(o, e, PT_M(51, oas), "address past the output size:");
	if (nl != 0U && nl != 7U) {
		pt_reserved(o, e, PT_M(60, 52), "reserved (60:52)");
		if (nl > level) {
			pt_cat(o->why, sizeof(o->why), "%sNextLevel %u is not below the entry's "
			       "level %u", o->why[0] ? "; " : "", nl, level + 1U);
			o->kind = PT_BAD;
			return;
		}
		o->kind = PT_TABLE;
		o->next = addr;
		o->next_level = nl - 1U;
		return;
	}
	pt_reserved(o, e, PT_M(58, 52), "reserved (58:52)");
	o->kind = PT_LEAF;
	o->size_lg2 = g->shift[level];
	if (nl == 7U) {
		/* the run of ones from bit 12 up, n long, encodes a 2^(13 + n)-byte page */
		unsigned int n = 0, size;

		while (12U + n < 52U && (addr & PT_B(12U + n)) != 0U)
			n++;
		size = 13U + n;
		if (size <= g->shift[level] || size >= g->shift[level] + 9U) {
			pt_cat(o->why, sizeof(o->why), "%sNextLevel 7 page of 2^%u bytes does not "
			       "fit level %u", o->why[0] ? "; " : "", size, level + 1U);
			o->kind = PT_BAD;
			return;
		}
		o->size_lg2 = size;
		o->group_lg2 = size - g->shift[level];
		o->same = true;
		addr &= ~(PT_B(size) - 1U);
	}
	o->pa = addr;
	/* 2.2.3.2: with DTE.HAD the IOMMU sets A and D in the PTE it used, one copy of a page */
	o->hw_or = PT_B(5) | PT_B(6);
	pt_cat(o->attrs, sizeof(o->attrs), "IR=%u IW=%u FC=%u U=%u A=%u D=%u NextLevel=%u",
	       (unsigned int)PT_GET(e, 61, 61), (unsigned int)PT_GET(e, 62, 62),
	       (unsigned int)PT_GET(e, 60, 60), (unsigned int)PT_GET(e, 59, 59),
	       (unsigned int)PT_GET(e, 5, 5), (unsigned int)PT_GET(e, 6, 6), nl);
}

const struct pt_fmt_ops pt_fmt_amdv1 = { setup, entry, level_name };
