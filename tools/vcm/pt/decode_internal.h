/* SPDX-License-Identifier: MIT */
/*
 * Between the decoder's walk (decode.c) and its formats (decode_<arch>.c).
 * A format says where the levels are and what one entry means; the walk
 * reads the image, follows tables, checks bounds, alignment and loops,
 * gathers contiguous groups and prints.
 */
#ifndef VCM_TOOLS_PT_DECODE_INTERNAL_H
#define VCM_TOOLS_PT_DECODE_INTERNAL_H

#include <stdarg.h>
#include "decode.h"

#define PT_B(n)      (UINT64_C(1) << (n))
#define PT_M(h, l)   ((~UINT64_C(0) >> (63 - (h))) & (~UINT64_C(0) << (l)))
#define PT_GET(v, h, l) (((v) & PT_M(h, l)) >> (l))
#define PT_MAX_LEVELS 6U

/*
 * struct pt_geo - the shape of the tables, set by a format's setup.
 * @esz:        bytes per entry (4 or 8).
 * @top:        our level of the root (level 0 holds the smallest pages).
 * @shift:      per level: the input address bit of entry index 0.
 * @bits:       per level: index bits of a table at that level (not the root).
 * @root_bits:  index bits of the root table (concatenated tables included).
 * @table_align: per level: alignment of a table there, in bytes (its size
 *              unless the format says otherwise).
 * @root_align: alignment the root must have.
 */
struct pt_geo {
	unsigned int esz;
	unsigned int top;
	unsigned int shift[PT_MAX_LEVELS];
	unsigned int bits[PT_MAX_LEVELS];
	unsigned int root_bits;
	uint64_t table_align[PT_MAX_LEVELS];
	uint64_t root_align;
};

enum pt_kind { PT_EMPTY, PT_TABLE, PT_LEAF, PT_BAD };

/*
 * struct pt_ent - one entry as a format reads it.
 * @kind:       empty (no translation), table, leaf, or malformed (@why).
 * @next:       PT_TABLE: physical address of the next table as written
 *              (low bits included, so the walk can see misalignment).
 * @next_level: PT_TABLE: our level of that table (AMD v1 may skip levels).
 * @pa:         PT_LEAF: output address of this entry.
 * @size_lg2:   PT_LEAF: bytes this one entry translates; for a group whose
 *              entries are all alike (@same), the whole group's size.
 * @group_lg2:  PT_LEAF: 0, or log2 of the entries that form one leaf
 *              (contiguous hint, large page, supersection, NAPOT...).
 * @same:       the group's entries are identical copies (else each maps the
 *              next piece: pa steps by the entry's size).
 * @hw_or:      PT_LEAF: bits the hardware sets in the one entry of a group
 *              it reads or writes through (accessed, dirty): they may differ
 *              between the group's entries, and the group has them set when
 *              any entry has.
 * @hw_and:     PT_LEAF: the same for bits the hardware clears on a write
 *              (ARMv8 stage 1 AP[2] with DBM): the group has them clear when
 *              any entry has.
 * @attrs:      the attributes in the manual's words.
 * @why:        a problem with the entry ("" if none); for a leaf or table it
 *              is reported and the entry still followed.
 */
struct pt_ent {
	enum pt_kind kind;
	uint64_t next;
	unsigned int next_level;
	uint64_t pa;
	unsigned int size_lg2;
	unsigned int group_lg2;
	bool same;
	uint64_t hw_or;
	uint64_t hw_and;
	char attrs[192];
	char why[160];
};

struct pt_fmt_ops {
	/* Check @in and fill @g; 0 or -EINVAL with the reason in @err. */
	int (*setup)(const struct pt_decode_in *in, struct pt_geo *g, char *err, size_t len);
	/* Read entry @e of a table at our level @level. */
	void (*entry)(const struct pt_decode_in *in, const struct pt_geo *g, unsigned int level,
		      uint64_t e, struct pt_ent *out);
	/* The manual's name of a table level ("L3", "PDE", "SS-PTE", "level 2"). */
	const char *(*level_name)(const struct pt_decode_in *in, const struct pt_geo *g,
				  unsigned int level);
};

extern const struct pt_fmt_ops pt_fmt_armv7s, pt_fmt_armv8, pt_fmt_x86_64, pt_fmt_vtd,
	pt_fmt_amdv1, pt_fmt_riscv, pt_fmt_riscv32;

/* Append to @buf (a NUL-terminated string of room @len), cut at the end. */
void pt_cat(char *buf, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/* "msg: " onto @err; returns -EINVAL (for setup refusals). */
int pt_refuse(char *err, size_t len, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

/*
 * Fill @g for @levels levels of tables of 2^@bits entries of @esz bytes,
 * level 0 translating 2^@page_lg2 bytes, every table aligned to its page.
 * The root's bits and alignment are the caller's.
 */
void pt_geo_radix(struct pt_geo *g, unsigned int levels, unsigned int page_lg2,
		  unsigned int bits, unsigned int esz);

/* Reserved bits @mask of @e set: "reserved bits 0x... set" onto @why. */
void pt_reserved(struct pt_ent *o, uint64_t e, uint64_t mask, const char *what);

#endif /* VCM_TOOLS_PT_DECODE_INTERNAL_H */
