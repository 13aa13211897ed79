// SPDX-License-Identifier: MIT
/*
 * Decoder: x86-64 4- and 5-level paging (as the CPU walks it) and the Intel
 * VT-d second-stage tables (as the IOMMU walks them). Both are 512-entry 4 KiB
 * tables of 64-bit entries with a PS bit for 2 MiB and 1 GiB pages.
 *
 * Sources: Intel 64 and IA-32 Architectures SDM Vol. 3A (253668-078),
 * chapter 4, the tables "Format of a PML5 Entry" ... "Format of a Page-Table
 * Entry that Maps a 4-KByte Page" and section "Reserved bits"; Intel
 * Virtualization Technology for Directed I/O (D51397) rev 4.0, section 9.8
 * "Second-Stage Paging Entries".
 *
 * A reserved bit set makes both walkers fault, so such an entry is reported
 * and not followed. Reserved: address bits at and above MAXPHYADDR (--oas,
 * the VT-d host address width), PS in PML5E/PML4E, bits 29:13 of a 1 GiB
 * page and 20:13 of a 2 MiB page (x86: bit 12 is PAT there; VT-d: 29:12 and
 * 20:12), VT-d EMT values 2, 3 and 7. x86 assumes EFER.NXE = 1 (XD is not
 * reserved). A VT-d entry with R, W and X clear is not present.
 */
#include "decode_internal.h"

static unsigned int oas_of(const struct pt_decode_in *in)
{
	return in->oas != 0U ? in->oas : in->arch == PT_ARCH_VTD ? 48U : 52U;
}

static int setup(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len)
{
	bool vtd = in->arch == PT_ARCH_VTD;
	unsigned int ias = in->ias != 0U ? in->ias : 48U, oas = oas_of(in), levels;

	if (ias == 48U)
		levels = 4;
	else if (ias == 57U)
		levels = 5;
	else if (vtd && ias == 39U)
		levels = 3;
	else
		return pt_refuse(err, len, "ias %u: %s takes %s", ias, vtd ? "vtd" : "x86_64",
				 vtd ? "39, 48 or 57" : "48 or 57");
	if (oas < 32U || oas > 52U)
		return pt_refuse(err, len, "oas %u: takes 32 to 52", oas);
	pt_geo_radix(g, levels, 12, 9, 8);
	g->root_bits = 9;
	g->root_align = 4096;
	return 0;
}

static const char *level_name(const struct pt_decode_in *in, const struct pt_geo *g,
			      unsigned int level)
{
	static const char *const x86[] = { "PTE", "PDE", "PDPTE", "PML4E", "PML5E" };
	static const char *const vtd[] = { "SS-PTE", "SS-PDE", "SS-PDPE", "SS-PML4E",
					   "SS-PML5E" };

	(void)g;
	if (level > 4U)
		return "?";
	return in->arch == PT_ARCH_VTD ? vtd[level] : x86[level];
}

static void x86_attrs(uint64_t e, unsigned int level, struct pt_ent *o)
{
	unsigned int pat = (unsigned int)(level == 0U ? PT_GET(e, 7, 7) : PT_GET(e, 12, 12));

	pt_cat(o->attrs, sizeof(o->attrs),
	       "R/W=%u U/S=%u PWT=%u PCD=%u PAT=%u A=%u D=%u G=%u XD=%u",
	       (unsigned int)PT_GET(e, 1, 1), (unsigned int)PT_GET(e, 2, 2),
	       (unsigned int)PT_GET(e, 3, 3), (unsigned int)PT_GET(e, 4, 4), pat,
	       (unsigned int)PT_GET(e, 5, 5), (unsigned int)PT_GET(e, 6, 6),
	       (unsigned int)PT_GET(e, 8, 8), (unsigned int)PT_GET(e, 63, 63));
	if (PT_GET(e, 62, 59) != 0U)
		pt_cat(o->attrs, sizeof(o->attrs), " PK=%u", (unsigned int)PT_GET(e, 62, 59));
}

static void vtd_attrs(uint64_t e, struct pt_ent *o)
{
	static const char *const emt[] = { "UC", "WC", "reserved", "reserved", "WT", "WP", "WB",
					   "reserved" };
	unsigned int t = (unsigned int)PT_GET(e, 5, 3);

	pt_cat(o->attrs, sizeof(o->attrs), "R=%u W=%u X=%u EMT=%u (%s) IPAT=%u A=%u D=%u SNP=%u",
	       (unsigned int)PT_GET(e, 0, 0), (unsigned int)PT_GET(e, 1, 1),
	       (unsigned int)PT_GET(e, 2, 2), t, emt[t], (unsigned int)PT_GET(e, 6, 6),
	       (unsigned int)PT_GET(e, 8, 8), (unsigned int)PT_GET(e, 9, 9),
	       (unsigned int)PT_GET(e, 11, 11));
	if (t == 2U || t == 3U || t == 7U)
		pt_cat(o->why, sizeof(o->why), "%sEMT %u is reserved", o->why[0] ? "; " : "", t);
}

static void entry(const struct pt_decode_in *in, const struct pt_geo *g, unsigned int level,
		  uint64_t e, struct pt_ent *o)
{
	bool vtd = in->arch == PT_ARCH_VTD;
	unsigned int oas = oas_of(in);
	bool ps = (e & PT_B(7)) != 0U;

	if (vtd ? (e & 7U) == 0U : (e & 1U) == 0U) {
		o->kind = PT_EMPTY; /* everything else is ignored */
		return;
	}
	pt_reserved(o, e, PT_M(51, oas), "reserved (address bits past MAXPHYADDR)");
	if (level >= 3U)
		pt_reserved(o, e, PT_B(7), "reserved (PS)");
	if (level == 0U || (ps && (level == 1U || level == 2U))) {
		unsigned int size = g->shift[level];

		o->kind = PT_LEAF;
		o->size_lg2 = size;
		o->pa = e & PT_M(oas - 1U, size);
		if (level > 0U)
			pt_reserved(o, e, PT_M(size - 1U, vtd ? 12U : 13U),
				    "reserved (below the page address)");
		if (vtd)
			vtd_attrs(e, o);
		else
			x86_attrs(e, level, o);
	} else if (level < 3U || !ps) {
		o->kind = PT_TABLE;
		o->next = e & PT_M(oas - 1U, 12);
		o->next_level = level - 1U;
	}
	if (o->why[0] != '\0')
		o->kind = PT_BAD; /* a reserved bit faults the walk */
}

const struct pt_fmt_ops pt_fmt_x86_64 = { setup, entry, level_name };
const struct pt_fmt_ops pt_fmt_vtd = { setup, entry, level_name };
