// SPDX-License-Identifier: MIT
/*
 * Decoder: VMSAv8-64 long descriptors, stage 1 and stage 2, 4K/16K/64K
 * granules, up to 48-bit input and output addresses.
 *
 * Source: Arm Architecture Reference Manual for A-profile architecture,
 * DDI 0487F.c: D5.2.3-D5.2.6 (granules, levels, which levels hold blocks),
 * D5.2.8 (stage 2 concatenated tables), D5.3.1-D5.3.3 (descriptor formats),
 * D5.4.3 (AP[2:1]), D5.4.4 (S2AP), D5.5.3 (SH), D5.5.5 (stage 2 MemAttr),
 * D5.3.4 (Contiguous bit: 16, 128 or 32 entries).
 *
 * Levels: the manual's level 3 is our level 0. Reported as malformed: a
 * block where the granule allows none, descriptor type 0b01 at level 3,
 * RES0 bits (51:48 in tables, 50:48 in leaves whose bit 51 is DBM, the bits
 * between 12 and the block or granule size, and the stage 1 table bits 63:59
 * in stage 2), SH = 0b01, an output or table address past the output size
 * (an Address size fault). Not shown: the
 * hierarchical NSTable/APTable/UXNTable/PXNTable of stage 1 tables (they
 * narrow the leaves below; the leaves print their own bits only).
 */
#include "decode_internal.h"

static unsigned int granule(const struct pt_decode_in *in)
{
	return in->granule_lg2 != 0U ? in->granule_lg2 : 12U;
}

static int setup(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len)
{
	unsigned int gr = granule(in), bits = gr - 3U, ias = in->ias != 0U ? in->ias : 48U;
	unsigned int oas = in->oas != 0U ? in->oas : 48U, levels, rest;

	if (gr != 12U && gr != 14U && gr != 16U)
		return pt_refuse(err, len, "granule 2^%u: armv8 has 4K, 16K and 64K", gr);
	if (ias < 25U || ias > 48U)
		return pt_refuse(err, len, "ias %u: armv8 takes 25 to 48", ias);
	if (oas < 32U || oas > 48U)
		return pt_refuse(err, len, "oas %u: armv8 takes 32 to 48", oas);
	levels = (ias - gr + bits - 1U) / bits;
	if (in->stage2 && in->start_level != 0U) {
		/* VTCR_EL2.SL0 given: the manual's level start_level - 1 */
		unsigned int sl = in->start_level - 1U;

		if (sl > 3U || 4U - sl > levels || (gr == 12U && sl > 2U))
			return pt_refuse(err, len, "start level %u: not a stage 2 start for %u bits",
					 sl, ias);
		levels = 4U - sl;
	} else if (in->stage2) {
		/* D5.2.8: start one level lower when at most 16 tables concatenate */
		rest = ias - gr - (levels - 1U) * bits;
		if (rest <= 4U && levels >= 2U && !(gr == 12U && levels == 2U))
			levels--;
	} else if (in->start_level != 0U) {
		return pt_refuse(err, len, "a start level is for stage 2 only");
	}
	rest = ias - gr - (levels - 1U) * bits;
	if (rest > bits + 4U)
		return pt_refuse(err, len, "start level %u leaves %u bits at the top: more than 16 "
				 "concatenated tables", 4U - levels, rest);
	pt_geo_radix(g, levels, gr, bits, 8);
	g->root_bits = rest;
	/* TTBR/VTTBR: the table aligned to its size, at least 64 bytes (D13.2.120) */
	g->root_align = rest + 3U < 6U ? 64U : PT_B(rest + 3U);
	return 0;
}

static const char *level_name(const struct pt_decode_in *in, const struct pt_geo *g,
			      unsigned int level)
{
	static const char *const names[] = { "L3", "L2", "L1", "L0" };

	(void)in;
	(void)g;
	return level < 4U ? names[level] : "L?";
}

/* D5.2.3: blocks at level 1 and 2 with 4K, at level 2 with 16K and 64K (no FEAT_LPA). */
static bool block_ok(unsigned int gr, unsigned int level)
{
	return level == 1U || (gr == 12U && level == 2U);
}

static unsigned int contig_lg2(unsigned int gr, unsigned int level)
{
	if (gr == 12U)
		return 4U;			/* 16 entries */
	if (gr == 14U)
		return level == 0U ? 7U : 5U;	/* 128 pages, 32 blocks */
	return 5U;				/* 32 entries */
}

static void attrs_s1(uint64_t e, struct pt_ent *o)
{
	static const char *const ap[] = { "RW EL1, none EL0", "RW EL1 and EL0", "RO EL1, none EL0",
					  "RO EL1 and EL0" };
	unsigned int a = (unsigned int)PT_GET(e, 7, 6);

	pt_cat(o->attrs, sizeof(o->attrs),
	       "AttrIndx=%u NS=%u AP[2:1]=0b%u%u (%s) SH=0b%u%u AF=%u nG=%u PXN=%u UXN=%u",
	       (unsigned int)PT_GET(e, 4, 2), (unsigned int)PT_GET(e, 5, 5), a >> 1, a & 1U, ap[a],
	       (unsigned int)PT_GET(e, 9, 9), (unsigned int)PT_GET(e, 8, 8),
	       (unsigned int)PT_GET(e, 10, 10), (unsigned int)PT_GET(e, 11, 11),
	       (unsigned int)PT_GET(e, 53, 53), (unsigned int)PT_GET(e, 54, 54));
}

static void attrs_s2(uint64_t e, struct pt_ent *o)
{
	static const char *const s2ap[] = { "none", "RO", "WO", "RW" };
	static const char *const dev[] = { "nGnRnE", "nGnRE", "nGRE", "GRE" };
	static const char *const pol[] = { "?", "NC", "WT", "WB" };
	unsigned int m = (unsigned int)PT_GET(e, 5, 2);
	char mem[32];

	/* D5.5.5: MemAttr[3:2] 0 is Device, [1:0] its kind; else outer [3:2], inner [1:0] */
	if ((m >> 2) == 0U)
		snprintf(mem, sizeof(mem), "Device-%s", dev[m & 3U]);
	else
		snprintf(mem, sizeof(mem), "Normal outer %s inner %s", pol[m >> 2], pol[m & 3U]);
	pt_cat(o->attrs, sizeof(o->attrs),
	       "MemAttr=0b%u%u%u%u (%s) S2AP=0b%u%u (%s) SH=0b%u%u AF=%u XN=0b%u%u",
	       m >> 3, (m >> 2) & 1U, (m >> 1) & 1U, m & 1U, mem, (unsigned int)PT_GET(e, 7, 7),
	       (unsigned int)PT_GET(e, 6, 6), s2ap[PT_GET(e, 7, 6)], (unsigned int)PT_GET(e, 9, 9),
	       (unsigned int)PT_GET(e, 8, 8), (unsigned int)PT_GET(e, 10, 10),
	       (unsigned int)PT_GET(e, 54, 54), (unsigned int)PT_GET(e, 53, 53));
	if ((m >> 2) != 0U && (m & 3U) == 0U)
		pt_cat(o->why, sizeof(o->why), "%sMemAttr 0b%u%u00: Normal with a reserved inner "
		       "policy", o->why[0] != '\0' ? "; " : "", m >> 3, (m >> 2) & 1U);
}

static void entry(const struct pt_decode_in *in, const struct pt_geo *g, unsigned int level,
		  uint64_t e, struct pt_ent *o)
{
	unsigned int gr = granule(in), oas = in->oas != 0U ? in->oas : 48U;
	unsigned int size = g->shift[level];

	if ((e & PT_B(0)) == 0U) {
		o->kind = PT_EMPTY; /* bits 63:1 are ignored */
		return;
	}
	/* 51:48 are RES0 in a table; a leaf's bit 51 is DBM (D5.4.11, ARMv8.1) */
	pt_reserved(o, e, (e & PT_B(1)) != 0U && level > 0U ? PT_M(51, 48) : PT_M(50, 48),
		    (e & PT_B(1)) != 0U && level > 0U ? "RES0 (51:48)" : "RES0 (50:48)");
	if (oas < 48U && (e & PT_M(47, oas)) != 0U)
		pt_cat(o->why, sizeof(o->why), "%saddress bits %#llx past the %u-bit output size "
		       "(Address size fault)", o->why[0] != '\0' ? "; " : "",
		       (unsigned long long)(e & PT_M(47, oas)), oas);
	if ((e & PT_B(1)) != 0U && level > 0U) {
		o->kind = PT_TABLE;
		o->next = e & PT_M(47, 12);
		o->next_level = level - 1U;
		if (in->stage2)
			pt_reserved(o, e, PT_M(63, 59), "RES0 (63:59, stage 2 table)");
		return;
	}
	if ((e & PT_B(1)) == 0U && level == 0U) {
		o->kind = PT_BAD;
		pt_cat(o->why, sizeof(o->why), "descriptor type 0b01 is reserved at level 3");
		return;
	}
	if ((e & PT_B(1)) == 0U && !block_ok(gr, level)) {
		o->kind = PT_BAD;
		pt_cat(o->why, sizeof(o->why), "a block descriptor at L%u, where the %uK granule "
		       "has none", 3U - level, 1U << (gr - 10U));
		return;
	}
	o->kind = PT_LEAF;
	/* D5.3.3: output address bits below the block or page size are RES0 */
	pt_reserved(o, e, PT_M(size - 1U, 12), "RES0 (below the output address)");
	o->pa = e & PT_M(47, size);
	o->size_lg2 = size;
	if (PT_GET(e, 9, 8) == 1U)
		pt_cat(o->why, sizeof(o->why), "%sSH 0b01 is reserved", o->why[0] ? "; " : "");
	if (in->stage2) {
		pt_reserved(o, e, PT_B(11), "RES0 (11, stage 2)");
		attrs_s2(e, o);
	} else {
		attrs_s1(e, o);
	}
	/*
	 * D5.4.11: with hardware management (HA, HD) the walk sets AF in the
	 * descriptor it uses, and a write through a DBM=1 descriptor clears AP[2]
	 * (stage 1) or sets S2AP[1] (stage 2): in that one entry of a group only.
	 */
	o->hw_or = PT_B(10);
	if ((e & PT_B(51)) != 0U) {
		/* the write permission is the dirty state: AP[2] clear, S2AP[1] set */
		bool dirty = in->stage2 ? (e & PT_B(7)) != 0U : (e & PT_B(7)) == 0U;

		if (in->stage2)
			o->hw_or |= PT_B(7);
		else
			o->hw_and = PT_B(7);
		pt_cat(o->attrs, sizeof(o->attrs), " DBM=1 (%s)", dirty ? "dirty" : "clean");
	}
	if ((e & PT_B(52)) != 0U) {
		o->group_lg2 = contig_lg2(gr, level);
		pt_cat(o->attrs, sizeof(o->attrs), " Contiguous=1");
	}
	if (PT_GET(e, 58, 55) != 0U)
		pt_cat(o->attrs, sizeof(o->attrs), " software=%#x", (unsigned int)PT_GET(e, 58, 55));
	if (PT_GET(e, 62, 59) != 0U)
		pt_cat(o->attrs, sizeof(o->attrs), " PBHA=%#x", (unsigned int)PT_GET(e, 62, 59));
}

const struct pt_fmt_ops pt_fmt_armv8 = { setup, entry, level_name };
