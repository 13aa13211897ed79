// SPDX-License-Identifier: MIT
/*
 * The platform description parser. A line is a keyword and fields separated
 * by blanks; '#' starts a comment. Numbers take 0x, and K, M or G suffixes
 * (KiB, MiB, GiB). Every refusal names the file, the line and the field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/phys.h>
#include "platform.h"

#define MAX_FIELDS 8

struct ctx {
	const char *file;
	unsigned int line;
	char *err;
	size_t errlen;
};

static int fail(struct ctx *c, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(c->err, c->errlen, "%s:%u: ", c->file, c->line);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int parse_num(struct ctx *c, const char *key, const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int sh = 0;

	if (*s < '0' || *s > '9')
		return fail(c, "%s=%s: not a number", key, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno != 0)
		return fail(c, "%s=%s: too large", key, s);
	if (*end == 'k' || *end == 'K')
		sh = 10;
	else if (*end == 'm' || *end == 'M')
		sh = 20;
	else if (*end == 'g' || *end == 'G')
		sh = 30;
	if (sh != 0)
		end++;
	if (*end != '\0')
		return fail(c, "%s=%s: unexpected \"%s\" after the number", key, s, end);
	if (sh != 0 && v > (UINT64_MAX >> sh))
		return fail(c, "%s=%s: too large", key, s);
	*out = (uint64_t)v << sh;
	return 0;
}

static int set_name(struct ctx *c, char *dst, const char *s)
{
	if (strlen(s) >= PLAT_NAME_LEN)
		return fail(c, "name \"%s\" is longer than %d bytes", s, PLAT_NAME_LEN - 1);
	strcpy(dst, s);
	return 0;
}

/* Split "key=value"; NULL when there is no '='. */
static char *value_of(char *field)
{
	char *eq = strchr(field, '=');

	if (eq == NULL)
		return NULL;
	*eq = '\0';
	return eq + 1;
}

static int parse_chunks(struct ctx *c, const char *s, uint64_t *out)
{
	char buf[128], *save = NULL, *tok;
	uint64_t v;

	if (strlen(s) >= sizeof(buf))
		return fail(c, "chunks=%s: too long", s);
	strcpy(buf, s);
	*out = 0;
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		if (parse_num(c, "chunks", tok, &v) != 0)
			return -1;
		if (v < 4096 || (v & (v - 1)) != 0)
			return fail(c, "chunks=%s: %s is not a power of two of at least 4K", s, tok);
		/* the library's largest chunk: refused here, by line, not later without one */
		if (v > UINT64_C(1) << VCM_PHYS_CHUNK_LG2_MAX)
			return fail(c, "chunks=%s: %s is larger than 2^%u bytes (1 TiB), the largest "
				    "chunk vcmm allocates", s, tok, VCM_PHYS_CHUNK_LG2_MAX);
		*out |= v;
	}
	if (*out == 0)
		return fail(c, "chunks=%s: no size given", s);
	return 0;
}

static int no_dup(struct ctx *c, const struct plat_desc *d, const char *name)
{
	for (unsigned int i = 0; i < d->nr_memtypes; i++)
		if (strcmp(d->memtypes[i].name, name) == 0)
			return fail(c, "name \"%s\" is already a memtype", name);
	for (unsigned int i = 0; i < d->nr_iommus; i++)
		if (strcmp(d->iommus[i].name, name) == 0)
			return fail(c, "name \"%s\" is already an iommu", name);
	for (unsigned int i = 0; i < d->nr_masters; i++)
		if (strcmp(d->masters[i].name, name) == 0)
			return fail(c, "name \"%s\" is already a master", name);
	if (d->have_dma && strcmp(d->dma, name) == 0)
		return fail(c, "name \"%s\" is already the dma engine", name);
	return 0;
}

/*
 * Masters and the DMA engine become devices of the graph beside the CPU,
 * which soc.c always registers as "cpu": a device of that name would clash
 * with it only when the SoC is built, in a message naming no line.
 */
static int not_cpu(struct ctx *c, const char *what, const char *name)
{
	if (strcmp(name, "cpu") == 0)
		return fail(c, "%s %s: the name \"cpu\" is the built-in CPU device's; choose "
			    "another", what, name);
	return 0;
}

static int line_memory(struct ctx *c, struct plat_desc *d, char **f, int n)
{
	const uint64_t two_mb = UINT64_C(2) << 20;
	bool b = false, s = false;

	if (d->have_memory)
		return fail(c, "a second memory line (one is allowed)");
	for (int i = 1; i < n; i++) {
		char *v = value_of(f[i]);
		int r;

		if (v == NULL)
			return fail(c, "memory: \"%s\" is not key=value", f[i]);
		if (strcmp(f[i], "base") == 0)
			r = parse_num(c, f[i], v, &d->mem_base), b = true;
		else if (strcmp(f[i], "size") == 0)
			r = parse_num(c, f[i], v, &d->mem_size), s = true;
		else if (strcmp(f[i], "tables") == 0)
			r = parse_num(c, f[i], v, &d->mem_tables);
		else
			return fail(c, "memory: unknown key \"%s\" (base, size, tables)", f[i]);
		if (r != 0)
			return -1;
	}
	if (!b || !s)
		return fail(c, "memory: base= and size= are required");
	if (d->mem_base % two_mb != 0 || d->mem_size % two_mb != 0 || d->mem_size == 0 ||
	    d->mem_tables % two_mb != 0 || d->mem_tables == 0 || d->mem_tables >= d->mem_size)
		return fail(c, "memory: base, size and tables must be multiples of 2M, tables "
			       "nonzero and below size");
	if (d->mem_base + d->mem_size < d->mem_base || d->mem_base + d->mem_size > (UINT64_C(1) << 32))
		return fail(c, "memory: must lie below 4G (the decoder's IOMMU outputs 32 bits)");
	d->have_memory = true;
	return 0;
}

static int line_memtype(struct ctx *c, struct plat_desc *d, char **f, int n)
{
	struct plat_memtype *m;
	bool b = false, s = false;

	if (n < 2 || strchr(f[1], '=') != NULL)
		return fail(c, "memtype: a name comes first (memtype NAME base=PA size=LEN ...)");
	if (d->nr_memtypes == PLAT_MAX_MEMTYPE)
		return fail(c, "more than %d memtypes", PLAT_MAX_MEMTYPE);
	if (no_dup(c, d, f[1]) != 0)
		return -1;
	m = &d->memtypes[d->nr_memtypes];
	memset(m, 0, sizeof(*m));
	if (set_name(c, m->name, f[1]) != 0)
		return -1;
	for (int i = 2; i < n; i++) {
		char *v = value_of(f[i]);
		int r = 0;

		if (v == NULL)
			return fail(c, "memtype %s: \"%s\" is not key=value", m->name, f[i]);
		if (strcmp(f[i], "base") == 0)
			r = parse_num(c, f[i], v, &m->base), b = true;
		else if (strcmp(f[i], "size") == 0)
			r = parse_num(c, f[i], v, &m->size), s = true;
		else if (strcmp(f[i], "chunks") == 0)
			r = parse_chunks(c, v, &m->chunks);
		else if (strcmp(f[i], "for") == 0) {
			if (strcmp(v, "stream") == 0)
				m->use = PLAT_USE_STREAM;
			else if (strcmp(v, "frames") == 0)
				m->use = PLAT_USE_FRAMES;
			else
				return fail(c, "memtype %s: for=%s is not stream or frames", m->name, v);
		} else {
			return fail(c, "memtype %s: unknown key \"%s\" (base, size, chunks, for)",
				    m->name, f[i]);
		}
		if (r != 0)
			return -1;
	}
	if (!b || !s)
		return fail(c, "memtype %s: base= and size= are required", m->name);
	if (!d->have_memory)
		return fail(c, "memtype %s: the memory line must come first", m->name);
	if (m->base < d->mem_base + d->mem_tables || m->size == 0 ||
	    m->base + m->size > d->mem_base + d->mem_size || m->base + m->size < m->base)
		return fail(c, "memtype %s: [%#llx, +%#llx) is not inside the memory after "
			       "the tables [%#llx, %#llx)", m->name,
			    (unsigned long long)m->base, (unsigned long long)m->size,
			    (unsigned long long)(d->mem_base + d->mem_tables),
			    (unsigned long long)(d->mem_base + d->mem_size));
	if (m->base % 4096 != 0 || m->size % 4096 != 0)
		return fail(c, "memtype %s: base and size must be multiples of 4K", m->name);
	for (unsigned int j = 0; j < d->nr_memtypes; j++) {
		const struct plat_memtype *o = &d->memtypes[j];

		if (m->base < o->base + o->size && o->base < m->base + m->size)
			return fail(c, "memtype %s overlaps memtype %s", m->name, o->name);
	}
	/* chunks 0 is the default set, 4K included */
	if (m->use == PLAT_USE_FRAMES && m->chunks != 0 && (m->chunks & 4096U) == 0)
		return fail(c, "memtype %s: for=frames needs 4K among its chunks (the second run "
			    "maps the frame buffer in 4 KiB pages only)", m->name);
	if (m->use != PLAT_USE_NONE && plat_find_use(d, m->use) >= 0)
		return fail(c, "memtype %s: another memtype is already for=%s", m->name,
			    m->use == PLAT_USE_STREAM ? "stream" : "frames");
	d->nr_memtypes++;
	return 0;
}

static int line_iommu(struct ctx *c, struct plat_desc *d, char **f, int n)
{
	struct plat_iommu *m;
	uint64_t v;

	if (n < 3 || strchr(f[1], '=') != NULL || strchr(f[2], '=') != NULL)
		return fail(c, "iommu: expected \"iommu NAME FORMAT tlb=ENTRIES ways=N\"");
	if (d->nr_iommus == PLAT_MAX_IOMMU)
		return fail(c, "more than %d iommus", PLAT_MAX_IOMMU);
	if (no_dup(c, d, f[1]) != 0)
		return -1;
	m = &d->iommus[d->nr_iommus];
	memset(m, 0, sizeof(*m));
	if (set_name(c, m->name, f[1]) != 0)
		return -1;
	if (strcmp(f[2], "armv7s") == 0)
		m->fmt = PLAT_FMT_ARMV7S;
	else if (strcmp(f[2], "armv8-4k") == 0)
		m->fmt = PLAT_FMT_ARMV8_4K;
	else if (strcmp(f[2], "armv8-64k") == 0)
		m->fmt = PLAT_FMT_ARMV8_64K;
	else
		return fail(c, "iommu %s: format \"%s\" is not armv7s, armv8-4k or armv8-64k",
			    m->name, f[2]);
	m->tlb = 32;
	m->ways = 4;
	m->contig = true;
	for (int i = 3; i < n; i++) {
		char *val = value_of(f[i]);

		if (val == NULL)
			return fail(c, "iommu %s: \"%s\" is not key=value", m->name, f[i]);
		if (strcmp(f[i], "contig") == 0) {
			if (strcmp(val, "on") != 0 && strcmp(val, "off") != 0)
				return fail(c, "iommu %s: contig=%s is not on or off", m->name, val);
			m->contig = strcmp(val, "on") == 0;
			continue;
		}
		if (strcmp(f[i], "tlb") != 0 && strcmp(f[i], "ways") != 0)
			return fail(c, "iommu %s: unknown key \"%s\" (tlb, ways, contig)", m->name,
				    f[i]);
		if (parse_num(c, f[i], val, &v) != 0)
			return -1;
		if (v > 65536 || (v & (v - 1)) != 0)
			return fail(c, "iommu %s: %s=%s is not a power of two up to 65536", m->name,
				    f[i], val);
		if (strcmp(f[i], "tlb") == 0)
			m->tlb = (unsigned int)v;
		else
			m->ways = (unsigned int)v;
	}
	if (m->tlb != 0 && (m->ways == 0 || m->ways > m->tlb))
		return fail(c, "iommu %s: ways=%u must be between 1 and tlb=%u", m->name, m->ways,
			    m->tlb);
	d->nr_iommus++;
	return 0;
}

static int line_master(struct ctx *c, struct plat_desc *d, char **f, int n)
{
	struct plat_master *m;
	int i;

	if (n < 4 || strcmp(f[2], "via") != 0)
		return fail(c, "master: expected \"master NAME via IOMMU [role=decoder|display]\"");
	if (d->nr_masters == PLAT_MAX_MASTER)
		return fail(c, "more than %d masters", PLAT_MAX_MASTER);
	if (not_cpu(c, "master", f[1]) != 0 || no_dup(c, d, f[1]) != 0)
		return -1;
	m = &d->masters[d->nr_masters];
	memset(m, 0, sizeof(*m));
	if (set_name(c, m->name, f[1]) != 0)
		return -1;
	for (i = 0; i < (int)d->nr_iommus; i++)
		if (strcmp(d->iommus[i].name, f[3]) == 0)
			break;
	if (i == (int)d->nr_iommus)
		return fail(c, "master %s: no iommu named \"%s\" (declare it on an earlier line)",
			    m->name, f[3]);
	for (unsigned int j = 0; j < d->nr_masters; j++)
		if (d->masters[j].iommu == (unsigned int)i)
			return fail(c, "master %s: iommu %s already serves master %s", m->name,
				    f[3], d->masters[j].name);
	m->iommu = (unsigned int)i;
	for (i = 4; i < n; i++) {
		char *v = value_of(f[i]);

		if (v == NULL || strcmp(f[i], "role") != 0)
			return fail(c, "master %s: unknown field \"%s\" (role=decoder|display)",
				    m->name, f[i]);
		if (strcmp(v, "decoder") == 0)
			m->role = PLAT_ROLE_DECODER;
		else if (strcmp(v, "display") == 0)
			m->role = PLAT_ROLE_DISPLAY;
		else
			return fail(c, "master %s: role=%s is not decoder or display", m->name, v);
		if (plat_find_role(d, m->role) >= 0)
			return fail(c, "master %s: another master already has role=%s", m->name, v);
	}
	d->nr_masters++;
	return 0;
}

static int line_dma(struct ctx *c, struct plat_desc *d, char **f, int n)
{
	if (n != 2)
		return fail(c, "dma: expected \"dma NAME\"");
	if (d->have_dma)
		return fail(c, "a second dma line (one is allowed)");
	if (not_cpu(c, "dma", f[1]) != 0 || no_dup(c, d, f[1]) != 0 ||
	    set_name(c, d->dma, f[1]) != 0)
		return -1;
	d->have_dma = true;
	return 0;
}

static int check_whole(struct ctx *c, struct plat_desc *d)
{
	if (!d->have_memory)
		return fail(c, "no memory line");
	if (plat_find_use(d, PLAT_USE_STREAM) < 0)
		return fail(c, "no memtype with for=stream (the DMA engine's buffers)");
	if (plat_find_use(d, PLAT_USE_FRAMES) < 0)
		return fail(c, "no memtype with for=frames (the frame buffer)");
	if (plat_find_role(d, PLAT_ROLE_DECODER) < 0)
		return fail(c, "no master with role=decoder");
	if (plat_find_role(d, PLAT_ROLE_DISPLAY) < 0)
		return fail(c, "no master with role=display");
	if (!d->have_dma)
		return fail(c, "no dma line");
	return 0;
}

int plat_parse(const char *text, const char *file, struct plat_desc *d, char *err, size_t errlen)
{
	struct ctx c = { file, 0, err, errlen };
	const char *p = text;

	memset(d, 0, sizeof(*d));
	while (*p != '\0') {
		char line[512], *f[MAX_FIELDS + 1], *save = NULL, *hash;
		size_t len = strcspn(p, "\n");
		int n = 0, r;

		c.line++;
		if (len >= sizeof(line))
			return fail(&c, "line longer than %zu bytes", sizeof(line) - 1);
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (p[len] == '\n');
		hash = strchr(line, '#');
		if (hash != NULL)
			*hash = '\0';
		for (char *t = strtok_r(line, " \t\r", &save); t != NULL;
		     t = strtok_r(NULL, " \t\r", &save)) {
			if (n == MAX_FIELDS)
				return fail(&c, "more than %d fields", MAX_FIELDS);
			f[n++] = t;
		}
		if (n == 0)
			continue;
		if (strcmp(f[0], "memory") == 0)
			r = line_memory(&c, d, f, n);
		else if (strcmp(f[0], "memtype") == 0)
			r = line_memtype(&c, d, f, n);
		else if (strcmp(f[0], "iommu") == 0)
			r = line_iommu(&c, d, f, n);
		else if (strcmp(f[0], "master") == 0)
			r = line_master(&c, d, f, n);
		else if (strcmp(f[0], "dma") == 0)
			r = line_dma(&c, d, f, n);
		else
			r = fail(&c, "unknown statement \"%s\" (memory, memtype, iommu, master, dma)",
				 f[0]);
		if (r != 0)
			return -1;
	}
	c.line++; /* errors about the whole file point past its end */
	return check_whole(&c, d);
}

int plat_load(const char *path, struct plat_desc *d, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;
	int r;

	if (f == NULL) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || n > (1L << 20) ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		snprintf(err, errlen, "%s: not a readable file of at most 1 MiB", path);
		return -1;
	}
	buf = malloc((size_t)n + 1);
	if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		fclose(f);
		snprintf(err, errlen, "%s: read failed", path);
		return -1;
	}
	fclose(f);
	buf[n] = '\0';
	if (strlen(buf) != (size_t)n) {
		free(buf);
		snprintf(err, errlen, "%s: contains a NUL byte: not a text file", path);
		return -1;
	}
	r = plat_parse(buf, path, d, err, errlen);
	free(buf);
	return r;
}

const char *plat_fmt_name(enum plat_fmt f)
{
	switch (f) {
	case PLAT_FMT_ARMV7S: return "armv7s";
	case PLAT_FMT_ARMV8_4K: return "armv8-4k";
	case PLAT_FMT_ARMV8_64K: return "armv8-64k";
	}
	return "?";
}

int plat_find_use(const struct plat_desc *d, enum plat_use use)
{
	for (unsigned int i = 0; i < d->nr_memtypes; i++)
		if (d->memtypes[i].use == use)
			return (int)i;
	return -1;
}

int plat_find_role(const struct plat_desc *d, enum plat_role role)
{
	for (unsigned int i = 0; i < d->nr_masters; i++)
		if (d->masters[i].role == role)
			return (int)i;
	return -1;
}
