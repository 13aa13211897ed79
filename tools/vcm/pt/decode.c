// SPDX-License-Identifier: MIT
/*
 * The decoder's walk: from the root, read each table of the image in address
 * order, ask the format what each entry is, and print leaves and problems.
 *
 * What is checked here, for every format: the root and every next-level
 * table lie wholly inside the image and are aligned as the format says; no
 * table is reached twice (a loop, or two entries sharing a table: either way
 * it is walked once and the second pointer reported); a group of entries
 * that forms one leaf (contiguous hint, large page, supersection, NAPOT...)
 * starts at an aligned index, fits in its table and is alike in every entry
 * (the accessed and dirty bits aside, which the hardware sets in one entry
 * only); a leaf's output address is aligned to its size. Each report names
 * the physical address of the entry at fault.
 *
 * Levels strictly decrease along a walk, so the depth is bounded by the
 * format's levels whatever the image holds; the set of tables already
 * walked bounds the work by the image size.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "decode_internal.h"
#include "../json.h"

enum { SHOW_LEAVES = 1, SHOW_PROBLEMS = 2 };

struct walk {
	const struct pt_decode_in *in;
	const struct pt_fmt_ops *ops;
	struct pt_geo g;
	FILE *out;
	struct pt_decode_res *res;
	unsigned int show;
	bool first;      /* JSON: the next item opens its array */
	uint64_t *seen;  /* open-addressing set of table pa + 1; 0 = free */
	size_t seen_cap, seen_nr;
	bool oom;
};

void pt_cat(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

int pt_refuse(char *err, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void pt_geo_radix(struct pt_geo *g, unsigned int levels, unsigned int page_lg2,
		  unsigned int bits, unsigned int esz)
{
	memset(g, 0, sizeof(*g));
	g->esz = esz;
	g->top = levels - 1U;
	for (unsigned int l = 0; l < levels; l++) {
		g->shift[l] = page_lg2 + bits * l;
		g->bits[l] = bits;
		g->table_align[l] = PT_B(page_lg2);
	}
}

void pt_reserved(struct pt_ent *o, uint64_t e, uint64_t mask, const char *what)
{
	if ((e & mask) == 0U)
		return;
	pt_cat(o->why, sizeof(o->why), "%s%s bits %#llx set", o->why[0] != '\0' ? "; " : "",
	       what, (unsigned long long)(e & mask));
}

const char *pt_arch_name(enum pt_arch arch)
{
	switch (arch) {
	case PT_ARCH_ARMV7S: return "armv7s";
	case PT_ARCH_ARMV8: return "armv8";
	case PT_ARCH_X86_64: return "x86_64";
	case PT_ARCH_VTD: return "vtd_ss";
	case PT_ARCH_AMDV1: return "amdv1";
	case PT_ARCH_RISCV: return "riscv";
	case PT_ARCH_RISCV32: return "riscv32";
	}
	return "?";
}

static const struct pt_fmt_ops *arch_ops(enum pt_arch arch)
{
	switch (arch) {
	case PT_ARCH_ARMV7S: return &pt_fmt_armv7s;
	case PT_ARCH_ARMV8: return &pt_fmt_armv8;
	case PT_ARCH_X86_64: return &pt_fmt_x86_64;
	case PT_ARCH_VTD: return &pt_fmt_vtd;
	case PT_ARCH_AMDV1: return &pt_fmt_amdv1;
	case PT_ARCH_RISCV: return &pt_fmt_riscv;
	case PT_ARCH_RISCV32: return &pt_fmt_riscv32;
	}
	return NULL;
}

/* [@pa, @pa + @bytes) lies wholly in the image. */
static bool in_dump(const struct walk *w, uint64_t pa, uint64_t bytes)
{
	uint64_t off;

	if (pa < w->in->base)
		return false;
	off = pa - w->in->base;
	return off < w->in->len && bytes <= w->in->len - off;
}

static uint64_t rd(const struct walk *w, uint64_t pa)
{
	const uint8_t *p = w->in->dump + (pa - w->in->base);
	uint64_t v = 0;

	/* every format here is little-endian */
	for (unsigned int b = w->g.esz; b > 0; b--)
		v = (v << 8) | p[b - 1];
	return v;
}

/* Add @pa to the set of walked tables; false if it was there already. */
static bool mark(struct walk *w, uint64_t pa)
{
	size_t i;

	if ((w->seen_nr + 1) * 2 > w->seen_cap) {
		size_t cap = w->seen_cap != 0 ? w->seen_cap * 2 : 64;
		uint64_t *n = calloc(cap, sizeof(*n));

		if (n == NULL) {
			w->oom = true;
			return false;
		}
		for (size_t j = 0; j < w->seen_cap; j++) {
			if (w->seen[j] == 0)
				continue;
			for (i = (size_t)(w->seen[j] * UINT64_C(0x9e3779b97f4a7c15) >> 20) & (cap - 1);
			     n[i] != 0; i = (i + 1) & (cap - 1))
				;
			n[i] = w->seen[j];
		}
		free(w->seen);
		w->seen = n;
		w->seen_cap = cap;
	}
	for (i = (size_t)((pa + 1) * UINT64_C(0x9e3779b97f4a7c15) >> 20) & (w->seen_cap - 1);
	     w->seen[i] != 0; i = (i + 1) & (w->seen_cap - 1))
		if (w->seen[i] == pa + 1)
			return false;
	w->seen[i] = pa + 1;
	w->seen_nr++;
	return true;
}

static void item_sep(struct walk *w)
{
	if (!w->first)
		fputc(',', w->out);
	w->first = false;
}

/* A problem at entry @at (of a table at @level holding @e); @at == root for the root itself. */
static void problem(struct walk *w, uint64_t at, int level, uint64_t e, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 5, 6)))
#endif
	;
static void problem(struct walk *w, uint64_t at, int level, uint64_t e, const char *fmt, ...)
{
	char msg[320];
	va_list ap;

	if (w->show & SHOW_PROBLEMS)
		w->res->problems++;
	if (!(w->show & SHOW_PROBLEMS))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (w->in->json) {
		item_sep(w);
		fprintf(w->out, "\n  {\"at\": \"%#llx\", ", (unsigned long long)at);
		if (level >= 0)
			fprintf(w->out, "\"table\": \"%s\", \"entry\": \"%#llx\", ",
				w->ops->level_name(w->in, &w->g, (unsigned int)level),
				(unsigned long long)e);
		fputs("\"what\": ", w->out);
		json_str(w->out, msg);
		fputc('}', w->out);
	} else if (level >= 0) {
		fprintf(w->out, "malformed at %#llx (%s entry %#0*llx): %s\n",
			(unsigned long long)at,
			w->ops->level_name(w->in, &w->g, (unsigned int)level), (int)w->g.esz * 2 + 2,
			(unsigned long long)e, msg);
	} else {
		fprintf(w->out, "malformed root %#llx: %s\n", (unsigned long long)at, msg);
	}
}

static void leaf(struct walk *w, uint64_t da, uint64_t pa, unsigned int size_lg2,
		 unsigned int level, bool contig, const char *attrs)
{
	const char *name = w->ops->level_name(w->in, &w->g, level);

	if (!(w->show & SHOW_LEAVES))
		return;
	w->res->leaves++;
	if (w->in->json) {
		item_sep(w);
		fprintf(w->out,
			"\n  {\"da\": \"%#llx\", \"pa\": \"%#llx\", \"size\": \"%#llx\", "
			"\"level\": %u, \"table\": \"%s\", \"contiguous\": %s, \"attrs\": ",
			(unsigned long long)da, (unsigned long long)pa,
			(unsigned long long)(UINT64_C(1) << size_lg2), level, name,
			contig ? "true" : "false");
		json_str(w->out, attrs);
		fputc('}', w->out);
	} else {
		fprintf(w->out, "leaf da %#llx pa %#llx size %#llx level %u%s (%s) %s\n",
			(unsigned long long)da, (unsigned long long)pa,
			(unsigned long long)(UINT64_C(1) << size_lg2), level,
			contig ? " contiguous" : "", name, attrs);
	}
}

static uint64_t table_bytes(const struct walk *w, unsigned int level)
{
	return (uint64_t)w->g.esz << w->g.bits[level];
}

static void walk_table(struct walk *w, uint64_t pa, unsigned int level, uint64_t da, uint64_t nent);

/* A table entry at @at: check where it points, then walk it once. */
static void follow(struct walk *w, uint64_t at, unsigned int level, uint64_t e,
		   const struct pt_ent *o, uint64_t da)
{
	uint64_t bytes = table_bytes(w, o->next_level);

	if ((o->next & (w->g.table_align[o->next_level] - 1U)) != 0U) {
		problem(w, at, (int)level, e, "next-level table pointer %#llx is not %#llx-aligned",
			(unsigned long long)o->next,
			(unsigned long long)w->g.table_align[o->next_level]);
		return;
	}
	if (!in_dump(w, o->next, bytes)) {
		problem(w, at, (int)level, e,
			"next-level table %#llx (%#llx bytes) is not wholly inside the dump",
			(unsigned long long)o->next, (unsigned long long)bytes);
		return;
	}
	if (!mark(w, o->next)) {
		if (!w->oom)
			problem(w, at, (int)level, e,
				"next-level table %#llx was reached before (a loop or a shared table); "
				"not walked again", (unsigned long long)o->next);
		return;
	}
	if (w->show & SHOW_LEAVES)
		w->res->tables++;
	walk_table(w, o->next, o->next_level, da, UINT64_C(1) << w->g.bits[o->next_level]);
}

/* One entry of a broken group, as the hardware would read it alone. */
static void lone(struct walk *w, unsigned int level, uint64_t da, const struct pt_ent *o)
{
	unsigned int span = w->g.shift[level];

	if (o->same)
		leaf(w, da, o->pa + (da & (PT_B(o->size_lg2) - 1U) & ~(PT_B(span) - 1U)), span, level,
		     false, o->attrs);
	else
		leaf(w, da, o->pa, o->size_lg2, level, false, o->attrs);
}

/* Entry @j of the group at index @i, read into @o; its value returned. */
/* What the format makes of entry value @e at @level. */
static void decode_value(struct walk *w, unsigned int level, uint64_t e, struct pt_ent *o)
{
	memset(o, 0, sizeof(*o));
	w->ops->entry(w->in, &w->g, level, e, o);
}

static uint64_t group_entry(struct walk *w, uint64_t pa, unsigned int level, uint64_t i,
			    uint64_t j, struct pt_ent *o)
{
	uint64_t e = rd(w, pa + (i + j) * w->g.esz);

	decode_value(w, level, e, o);
	return e;
}

/*
 * The entries of one group, from its first at index @i: true if all are
 * alike (then the group is one leaf), else the first that differs is
 * reported. Alike is what the group's leaf shows (output address and
 * attributes), the accessed and dirty bits aside: the hardware sets those
 * only in the entry it went through (ARMv8 AF and, with DBM, AP[2] or
 * S2AP[1]; RISC-V and AMD v1 A and D), so the group's leaf takes them from
 * all its entries together (@first->attrs is rewritten: dirty if any entry
 * is). Each later entry's own problems (reserved bits that do not show:
 * ARMv8 RES0 50:48, stage 2 bit 11, the bits below a block's address) are
 * then reported at its address, since the walk goes past them. A broken
 * group's entries report theirs as they are printed one by one.
 */
static bool group_ok(struct walk *w, uint64_t pa, unsigned int level, uint64_t i,
		     struct pt_ent *first, uint64_t e0)
{
	const uint64_t n = UINT64_C(1) << first->group_lg2;
	const uint64_t hw = first->hw_or | first->hw_and;
	uint64_t merged = e0;
	struct pt_ent o;

	for (uint64_t j = 1; j < n; j++) {
		uint64_t e = rd(w, pa + (i + j) * w->g.esz);
		/* this entry with the first one's accessed and dirty bits */
		uint64_t like = (e & ~hw) | (e0 & hw);

		decode_value(w, level, like, &o);
		if (first->same ? like != e0 :
		    o.kind != PT_LEAF || o.group_lg2 != first->group_lg2 || o.same ||
		    strcmp(o.attrs, first->attrs) != 0 ||
		    o.pa != first->pa + (j << first->size_lg2)) {
			problem(w, pa + (i + j) * w->g.esz, (int)level, e,
				"entry %llu of the %llu-entry group starting at %#llx does not "
				"match its first entry", (unsigned long long)j,
				(unsigned long long)n, (unsigned long long)(pa + i * w->g.esz));
			return false;
		}
		merged |= e & first->hw_or;
		merged &= ~(first->hw_and & ~e);
	}
	if (merged != e0) {
		decode_value(w, level, merged, &o);
		memcpy(first->attrs, o.attrs, sizeof(first->attrs));
	}
	for (uint64_t j = 1; j < n; j++) {
		uint64_t e = group_entry(w, pa, level, i, j, &o);

		if (o.why[0] != '\0')
			problem(w, pa + (i + j) * w->g.esz, (int)level, e, "%s", o.why);
	}
	return true;
}

static void walk_table(struct walk *w, uint64_t pa, unsigned int level, uint64_t da, uint64_t nent)
{
	for (uint64_t i = 0; i < nent; i++) {
		uint64_t at = pa + i * w->g.esz;
		uint64_t e = rd(w, at);
		uint64_t eda = da + (i << w->g.shift[level]);
		struct pt_ent o;
		uint64_t n;
		unsigned int size;

		decode_value(w, level, e, &o);
		if (o.kind == PT_BAD) {
			problem(w, at, (int)level, e, "%s", o.why);
			continue;
		}
		if (o.why[0] != '\0')
			problem(w, at, (int)level, e, "%s", o.why);
		if (o.kind == PT_TABLE) {
			follow(w, at, level, e, &o, eda);
			continue;
		}
		if (o.kind != PT_LEAF)
			continue;
		n = UINT64_C(1) << o.group_lg2;
		if (n == 1) {
			size = o.size_lg2;
		} else if ((i & (n - 1)) != 0 || n > nent - i) {
			problem(w, at, (int)level, e,
				"entry of a %llu-entry group that does not start at this entry's "
				"%llu-aligned index or does not fit in the table",
				(unsigned long long)n, (unsigned long long)n);
			lone(w, level, eda, &o);
			continue;
		} else if (!group_ok(w, pa, level, i, &o, e)) {
			for (uint64_t j = 0; j < n; j++) {
				struct pt_ent oj;
				uint64_t ej = group_entry(w, pa, level, i, j, &oj);

				/* entry 0's problems are reported above */
				if (j != 0 && oj.why[0] != '\0')
					problem(w, at + j * w->g.esz, (int)level, ej, "%s", oj.why);
				if (oj.kind == PT_LEAF)
					lone(w, level, eda + (j << w->g.shift[level]), &oj);
			}
			i += n - 1;
			continue;
		} else {
			size = o.same ? o.size_lg2 : o.size_lg2 + o.group_lg2;
			i += n - 1;
		}
		if ((o.pa & (PT_B(size) - 1U)) != 0U)
			problem(w, at, (int)level, e,
				"output address %#llx is not aligned to the leaf size %#llx",
				(unsigned long long)o.pa, (unsigned long long)PT_B(size));
		leaf(w, eda, o.pa, size, level, n > 1, o.attrs); /* as written, even if misaligned */
	}
}

/* One pass over the whole table, showing what @show says. */
static void pass(struct walk *w, unsigned int show)
{
	uint64_t bytes = (uint64_t)w->g.esz << w->g.root_bits;

	w->show = show;
	w->first = true;
	free(w->seen);
	w->seen = NULL;
	w->seen_cap = w->seen_nr = 0;
	if ((w->in->root & (w->g.root_align - 1U)) != 0U) {
		problem(w, w->in->root, -1, 0, "not aligned to %#llx bytes (the root table's size)",
			(unsigned long long)w->g.root_align);
		return;
	}
	if (!in_dump(w, w->in->root, bytes)) {
		problem(w, w->in->root, -1, 0, "the %#llx-byte root table is not wholly inside the "
			"dump (%#llx bytes at %#llx)", (unsigned long long)bytes,
			(unsigned long long)w->in->len, (unsigned long long)w->in->base);
		return;
	}
	if (!mark(w, w->in->root))
		return;
	if (show & SHOW_LEAVES)
		w->res->tables++;
	walk_table(w, w->in->root, w->g.top, 0, UINT64_C(1) << w->g.root_bits);
}

int pt_decode(const struct pt_decode_in *in, FILE *out, struct pt_decode_res *res)
{
	struct walk w;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	w.in = in;
	w.out = out;
	w.res = res;
	w.ops = arch_ops(in->arch);
	if (w.ops == NULL)
		return pt_refuse(res->err, sizeof(res->err), "unknown format %d", (int)in->arch);
	if (in->len != 0 && (in->dump == NULL || in->len - 1 > UINT64_MAX - in->base))
		return pt_refuse(res->err, sizeof(res->err),
				 "a dump of %#llx bytes at %#llx would pass 2^64",
				 (unsigned long long)in->len, (unsigned long long)in->base);
	ret = w.ops->setup(in, &w.g, res->err, sizeof(res->err));
	if (ret != 0)
		return ret;
	if (in->json) {
		fputs("{\"format\": ", out);
		json_str(out, pt_arch_name(in->arch));
		fprintf(out, ", \"base\": \"%#llx\", \"bytes\": %llu, \"root\": \"%#llx\",\n"
			"\"leaves\": [", (unsigned long long)in->base,
			(unsigned long long)in->len, (unsigned long long)in->root);
		pass(&w, SHOW_LEAVES);
		fputs("],\n\"problems\": [", out);
		pass(&w, SHOW_PROBLEMS);
	} else {
		pass(&w, SHOW_LEAVES | SHOW_PROBLEMS);
	}
	free(w.seen);
	if (w.oom) {
		/* the counts printed so far are meaningless: say so, in both forms */
		snprintf(res->err, sizeof(res->err), "out of memory for the set of tables walked");
		if (in->json)
			fputs("]}\n", out);
		return -ENOMEM;
	}
	if (in->json)
		fprintf(out, "],\n\"tables\": %llu, \"leaf_count\": %llu, \"problem_count\": %llu}\n",
			(unsigned long long)res->tables, (unsigned long long)res->leaves,
			(unsigned long long)res->problems);
	else
		fprintf(out, "%llu leaves, %llu tables, %llu malformed\n",
			(unsigned long long)res->leaves, (unsigned long long)res->tables,
			(unsigned long long)res->problems);
	return res->problems != 0 ? 1 : 0;
}
