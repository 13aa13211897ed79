// SPDX-License-Identifier: MIT
/*
 * The device-tree topology reader (topo.h), over libfdt. A check that no
 * two nodes share a phandle, then three passes over the enabled nodes (a node
 * under a disabled one is not enabled): memory and reserved memory (with the
 * header's memory reservation block); IOMMUs (#iommu-cells); masters
 * (iommus, iommu-map, or DMA without an IOMMU: dma-coherent, or a parent bus
 * with dma-ranges).
 *
 * Every pass is linear in the blob: libfdt finds a node's parent, path or
 * phandle by walking the tree from its start, so a pass that asked it for
 * each node took time in the square of the node count (5,000 nodes: 3 s;
 * 20,000: 52 s). The walk keeps the ancestors of the node it is at, and
 * phandles are looked up in the IOMMUs already read.
 *
 * Bindings followed: devicetree-specification v0.4 (memory reservation
 * block, memory, reserved-memory, #address-cells, ranges, dma-ranges) and
 * Linux's Documentation/devicetree/bindings/iommu/iommu.txt and
 * pci/pci-iommu.txt.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "topo.h"

/*
 * A walk over the enabled nodes in tree order: a node is enabled when its
 * status and that of every ancestor is okay (Linux creates no device under
 * a disabled bus). The walk keeps the depth of the disabled node it is
 * inside, so that each node's ancestors are not looked up again, and the
 * ancestors themselves.
 */
struct walk {
	int node, depth;
	int off_depth; /* depth of the disabled node the walk is under, -1: none */
	int anc[DT_MAX_DEPTH]; /* anc[d]: the node at depth d on the way to this one */
};

/* Phandles below this are checked for a second node by a bitmap (dtc numbers them from 1). */
#define DT_PHANDLE_BITS 65536U

struct ctx {
	const void *fdt;
	struct dt_topo *t;
	char *err;
	size_t errlen;
	int iommu_off[DT_MAX_IOMMUS]; /* node offset of each IOMMU */
	struct walk w;                /* the pass's walk: the ancestors of the node it is at */
	unsigned char seen[DT_PHANDLE_BITS / 8U]; /* check_phandles() */
};

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int fail(struct ctx *c, int node, const char *prop, const char *fmt, ...)
{
	char path[DT_PATH_LEN] = "?";
	va_list ap;
	int n;

	if (node >= 0 && fdt_get_path(c->fdt, node, path, sizeof(path)) != 0)
		snprintf(path, sizeof(path), "(node at offset %d)", node);
	if (node < 0)
		n = 0;
	else
		n = snprintf(c->err, c->errlen, "%s%s%s: ", path, prop ? ": " : "", prop ? prop : "");
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < c->errlen)
		vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static void copy_str(char *dst, size_t size, const char *src, int srclen)
{
	size_t n = srclen > 0 ? strnlen(src, (size_t)srclen) : 0;

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* @node's depth in the current walk when it is the walk's node or an ancestor, else -1. */
static int walk_depth(const struct ctx *c, int node)
{
	const struct walk *w = &c->w;

	for (int d = w->depth; d >= 0; d--)
		if (w->anc[d] == node)
			return d;
	return -1;
}

/* @node's parent: from the walk's ancestors, else libfdt's walk from the root. */
static int parent_of(const struct ctx *c, int node)
{
	int d = walk_depth(c, node);

	if (d > 0)
		return c->w.anc[d - 1];
	return d == 0 ? -FDT_ERR_NOTFOUND : fdt_parent_offset(c->fdt, node);
}

/* @node's path as fdt_get_path() writes it, from the walk's ancestors when it can. */
static void node_path(struct ctx *c, int node, char *out)
{
	int d = walk_depth(c, node), at = 0, len;

	if (d < 0) {
		if (fdt_get_path(c->fdt, node, out, DT_PATH_LEN) != 0)
			snprintf(out, DT_PATH_LEN, "(offset %d)", node);
		return;
	}
	for (int i = 1; i <= d; i++) {
		const char *name = fdt_get_name(c->fdt, c->w.anc[i], &len);

		if (name == NULL || len < 0 || at + 1 + len >= DT_PATH_LEN) {
			snprintf(out, DT_PATH_LEN, "(offset %d)", node);
			return;
		}
		out[at++] = '/';
		memcpy(out + at, name, (size_t)len);
		at += len;
	}
	if (at == 0)
		out[at++] = '/';
	out[at] = '\0';
}

/* status absent, "okay" or "ok": the node itself is in use. */
static bool status_ok(const void *fdt, int node)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "status", &len);

	return s == NULL || (len >= 2 && (strcmp(s, "okay") == 0 || strcmp(s, "ok") == 0));
}

/*
 * The walk of a pass (c->w): its ancestors answer parent_of() and
 * node_path(). What it holds stays true of the tree after the pass.
 */
static void walk_start(struct walk *w)
{
	w->node = -1;
	w->depth = -1;
	w->off_depth = -1;
}

static bool walk_next(const void *fdt, struct walk *w)
{
	for (;;) {
		w->node = fdt_next_node(fdt, w->node, &w->depth);
		/* dt_struct_walk() refused a tree nested deeper than anc[] */
		if (w->node < 0 || w->depth < 0 || w->depth >= DT_MAX_DEPTH) {
			w->depth = -1;
			return false;
		}
		w->anc[w->depth] = w->node;
		if (w->off_depth >= 0 && w->depth <= w->off_depth)
			w->off_depth = -1; /* out of the disabled subtree */
		if (w->off_depth >= 0)
			continue;
		if (status_ok(fdt, w->node))
			return true;
		w->off_depth = w->depth;
	}
}

/* A cell count of @node's children (#address-cells / #size-cells), checked. */
static int cells(struct ctx *c, int node, const char *name, int dflt, int *out)
{
	int len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, name, &len);
	uint32_t v;

	if (p == NULL) {
		*out = dflt;
		return 0;
	}
	if (len != 4)
		return fail(c, node, name, "%d bytes, not one cell", len);
	v = fdt32_to_cpu(*p);
	if (v > DT_MAX_CELLS)
		return fail(c, node, name, "%u cells is more than %d", v, DT_MAX_CELLS);
	*out = (int)v;
	return 0;
}

/*
 * @n cells (n <= DT_MAX_CELLS) as a number: the low 64 bits, and in *@high
 * the cells above them (at most two: 64 bits), which the caller must check.
 */
static uint64_t read_cells(const fdt32_t *p, int n, uint64_t *high)
{
	uint64_t v = 0;

	*high = 0;
	for (int i = 0; i < n; i++) {
		*high = *high << 32 | v >> 32;
		v = v << 32 | fdt32_to_cpu(p[i]);
	}
	return v;
}

/*
 * One (address, size) pair of @prop: @ac address cells at @p, @sc size
 * cells at @ps. A range must lie below 2^64, so cells above 64 bits must be zero,
 * with one exception: a size of exactly 2^64 at address 0 (high part 1, low
 * 64 bits 0), the whole space, which only 3 or 4 size cells can state. It
 * is kept as 2^64 - 1, the most a 64-bit size holds (0 would read as an
 * empty range): the top byte is left out, which nothing here can tell
 * apart, as every window the tool looks for lies below 4 GiB.
 */
static int read_split_range(struct ctx *c, int node, const char *prop, const fdt32_t *p, int ac,
			    const fdt32_t *ps, int sc, uint64_t *base, uint64_t *size)
{
	uint64_t bhi, shi;

	*base = read_cells(p, ac, &bhi);
	*size = read_cells(ps, sc, &shi);
	if (bhi != 0U)
		return fail(c, node, prop, "address %#llx%016llx is past 2^64",
			    (unsigned long long)bhi, (unsigned long long)*base);
	if (shi == 1U && *size == 0U && *base == 0U) {
		*size = UINT64_MAX;
		return 0;
	}
	if (shi != 0U)
		return fail(c, node, prop, "range %#llx + %#llx%016llx runs past 2^64",
			    (unsigned long long)*base, (unsigned long long)shi,
			    (unsigned long long)*size);
	/* base + size may be exactly 2^64: compare the last byte's address */
	if (*size != 0U && *base + *size - 1U < *base)
		return fail(c, node, prop, "range %#llx + %#llx wraps past 2^64",
			    (unsigned long long)*base, (unsigned long long)*size);
	return 0;
}

/* read_split_range() of a pair: the size cells follow the address cells. */
static int read_range(struct ctx *c, int node, const char *prop, const fdt32_t *p, int ac,
		      int sc, uint64_t *base, uint64_t *size)
{
	return read_split_range(c, node, prop, p, ac, p + ac, sc, base, size);
}

/* The reg entries of @node into @r (its parent's cells), up to DT_MAX_RANGES in all. */
static int read_reg(struct ctx *c, int node, struct dt_range *r, unsigned int *nr)
{
	int parent = parent_of(c, node), ac, sc, len;
	const fdt32_t *p = fdt_getprop(c->fdt, node, "reg", &len);
	char path[DT_PATH_LEN];

	if (p == NULL)
		return 0;
	if (cells(c, parent, "#address-cells", 2, &ac) != 0 ||
	    cells(c, parent, "#size-cells", 1, &sc) != 0)
		return -1;
	if (ac + sc == 0 || len % (4 * (ac + sc)) != 0)
		return fail(c, node, "reg", "%d bytes is not a whole number of (%d + %d)-cell entries",
			    len, ac, sc);
	node_path(c, node, path);
	for (int i = 0; i < len / (4 * (ac + sc)); i++, p += ac + sc) {
		if (*nr == DT_MAX_RANGES)
			return fail(c, node, "reg", "more than %d ranges of this kind", DT_MAX_RANGES);
		if (read_range(c, node, "reg", p, ac, sc, &r[*nr].base, &r[*nr].size) != 0)
			return -1;
		memcpy(r[*nr].path, path, sizeof(path));
		(*nr)++;
	}
	return 0;
}

/* device_type is @type ("memory", "pci"). */
static bool has_type(const void *fdt, int node, const char *type)
{
	int len;
	const char *t = node >= 0 ? fdt_getprop(fdt, node, "device_type", &len) : NULL;

	return t != NULL && len > 0 && strnlen(t, (size_t)len) < (size_t)len && strcmp(t, type) == 0;
}

/*
 * The header's memory reservation block (/memreserve/ in a .dts, DT spec
 * 5.3): memory the client must not use, like /reserved-memory. Its entries
 * go to the reserved ranges, named "/memreserve/".
 */
static int read_mem_rsv(struct ctx *c)
{
	int n = fdt_num_mem_rsv(c->fdt);

	if (n < 0)
		return fail(c, -1, NULL, "memory reservation block: %s", fdt_strerror(n));
	for (int i = 0; i < n; i++) {
		uint64_t base, size;
		struct dt_range *r;
		int e = fdt_get_mem_rsv(c->fdt, i, &base, &size);

		if (e != 0)
			return fail(c, -1, NULL, "memory reservation block: entry %d: %s", i,
				    fdt_strerror(e));
		if (size == 0U)
			continue;
		if (base + size - 1U < base)
			return fail(c, -1, NULL, "memory reservation block (/memreserve/): entry %d: "
				    "range %#llx + %#llx wraps past 2^64", i,
				    (unsigned long long)base, (unsigned long long)size);
		if (c->t->nr_reserved == DT_MAX_RANGES)
			return fail(c, -1, NULL, "memory reservation block (/memreserve/): entry %d: "
				    "more than %d ranges of reserved memory", i, DT_MAX_RANGES);
		r = &c->t->reserved[c->t->nr_reserved++];
		r->base = base;
		r->size = size;
		snprintf(r->path, sizeof(r->path), "/memreserve/");
	}
	return 0;
}

static int pass_memory(struct ctx *c)
{
	int resv = fdt_path_offset(c->fdt, "/reserved-memory");
	struct walk *w = &c->w;

	walk_start(w);
	while (walk_next(c->fdt, w)) {
		int node = w->node;

		if (has_type(c->fdt, node, "memory") &&
		    read_reg(c, node, c->t->memory, &c->t->nr_memory) != 0)
			return -1;
		if (resv >= 0 && parent_of(c, node) == resv &&
		    read_reg(c, node, c->t->reserved, &c->t->nr_reserved) != 0)
			return -1;
	}
	return read_mem_rsv(c);
}

static void first_compatible(const void *fdt, int node, char *out)
{
	int len;
	const char *s = fdt_getprop(fdt, node, "compatible", &len);

	copy_str(out, DT_COMPAT_LEN, s != NULL ? s : "", s != NULL ? len : 0);
}

/*
 * The entry of the first compatible string vcmm knows into *@out, NULL if
 * none. A list whose last string lacks its NUL is refused: the string cut
 * at the property's end may not be the one the tree meant.
 */
static int known_compatible(struct ctx *c, int node, const struct dt_compat **out)
{
	int len;
	const char *s = fdt_getprop(c->fdt, node, "compatible", &len);

	*out = NULL;
	for (int at = 0; s != NULL && at < len;) {
		size_t n = strnlen(s + at, (size_t)(len - at));

		if ((size_t)at + n >= (size_t)len)
			return fail(c, node, "compatible", "not NUL-terminated (%d bytes)", len);
		if (*out == NULL)
			*out = dt_compat_find(s + at);
		at += (int)n + 1;
	}
	return 0;
}

/* The last address of [base, +size); a size of 2^64 is kept as UINT64_MAX (read_range). */
static uint64_t last_of(uint64_t base, uint64_t size)
{
	return base == 0U && size == UINT64_MAX ? UINT64_MAX : base + (size - 1U);
}

/*
 * Carry the addresses [*@first, *@last] of @bus's child space into its
 * parent's through @bus's @prop, "ranges" or "dma-ranges" (DT spec 2.3.8,
 * 2.3.9): entries of (child address, parent address, length), the child
 * address in @bus's #address-cells, the parent address in its parent's,
 * the length in @bus's #size-cells. The first entry that holds any of the
 * addresses is used, and the addresses are cut to it. On a PCI bus
 * (device_type "pci") the first of 3 address cells, phys.hi, is the space
 * code and bus/device/function, not address bits: it is left out.
 * The caller handles an absent or empty @prop.
 * Return: 0, 1 when no entry holds any of them, -1 with the message.
 */
static int up_one(struct ctx *c, int bus, const char *prop, uint64_t *first, uint64_t *last)
{
	int grand = parent_of(c, bus), len, cac, pac, sc, n, cskip, pskip;
	const fdt32_t *p = fdt_getprop(c->fdt, bus, prop, &len);

	if (grand < 0)
		grand = bus; /* the root's own cells, as for a root child */
	if (p == NULL)
		return 1;
	if (cells(c, bus, "#address-cells", 2, &cac) != 0 ||
	    cells(c, bus, "#size-cells", 1, &sc) != 0 ||
	    cells(c, grand, "#address-cells", 2, &pac) != 0)
		return -1;
	n = cac + pac + sc;
	if (n == 0 || len % (4 * n) != 0)
		return fail(c, bus, prop, "%d bytes is not a whole number of (%d + %d + %d)-cell "
			    "entries", len, cac, pac, sc);
	cskip = cac == 3 && has_type(c->fdt, bus, "pci") ? 1 : 0;
	pskip = pac == 3 && has_type(c->fdt, grand, "pci") ? 1 : 0;
	for (int i = 0; i < len / (4 * n); i++, p += n) {
		uint64_t cb, cs, pb, ps, lo, hi;

		/* (child, size) and (parent, size): the size is the entry's last cells */
		if (read_split_range(c, bus, prop, p + cskip, cac - cskip, p + cac + pac, sc, &cb,
				     &cs) != 0 ||
		    read_split_range(c, bus, prop, p + cac + pskip, pac - pskip, p + cac + pac, sc,
				     &pb, &ps) != 0)
			return -1;
		if (cs == 0U)
			continue;
		lo = *first > cb ? *first : cb;
		hi = *last < last_of(cb, cs) ? *last : last_of(cb, cs);
		if (lo > hi)
			continue;
		/* pb + cs - 1 does not wrap (read_range): neither does this */
		*first = pb + (lo - cb);
		*last = *first + (hi - lo);
		return 0;
	}
	return 1;
}

/*
 * The CPU address of @node's first reg entry *@base: its parent buses'
 * ranges, each in turn up to the root (DT spec 2.3.8). A bus with no ranges
 * has children whose addresses are not the CPU's, and an address in no
 * entry of ranges is in none of the parent's: both are refused.
 */
static int cpu_address(struct ctx *c, int node, uint64_t *base)
{
	uint64_t first = *base, last = *base;

	for (int bus = parent_of(c, node); bus > 0; bus = parent_of(c, bus)) {
		char bpath[DT_PATH_LEN];
		int len, r;

		if (fdt_getprop(c->fdt, bus, "ranges", &len) == NULL) {
			node_path(c, bus, bpath);
			return fail(c, node, "reg", "%#llx is an address on %s, which has no ranges: "
				    "not a CPU address", (unsigned long long)*base, bpath);
		}
		if (len == 0)
			continue; /* identity */
		if ((r = up_one(c, bus, "ranges", &first, &last)) < 0)
			return -1;
		if (r > 0) {
			node_path(c, bus, bpath);
			return fail(c, node, "reg", "address %#llx is in no entry of %s's ranges",
				    (unsigned long long)first, bpath);
		}
	}
	*base = first;
	return 0;
}

/* @node carries phandle @ph, which @other (earlier in the tree) carries too: refused. */
static int dup_phandle(struct ctx *c, int node, int other, uint32_t ph)
{
	char opath[DT_PATH_LEN];

	node_path(c, other, opath);
	return fail(c, node, fdt_getprop(c->fdt, node, "phandle", NULL) != NULL ?
		    "phandle" : "linux,phandle", "%#x is the phandle of %s too", ph, opath);
}

/*
 * A phandle names one node (DT spec 2.3.3: it shall be unique): a second
 * node with the same one is refused, naming both. Every node counts,
 * disabled or not. fdt_get_phandle() reads phandle, else linux,phandle.
 * One pass with a bitmap for the phandles dtc writes (1, 2, ...); one above
 * DT_PHANDLE_BITS is checked once the IOMMUs are read (check_big_phandles()):
 * an IOMMU is the only kind of node the reader follows a phandle to.
 */
static int check_phandles(struct ctx *c)
{
	for (int node = fdt_next_node(c->fdt, -1, NULL); node >= 0;
	     node = fdt_next_node(c->fdt, node, NULL)) {
		uint32_t ph = fdt_get_phandle(c->fdt, node);
		unsigned char bit;

		if (ph == 0U || ph >= DT_PHANDLE_BITS)
			continue;
		bit = (unsigned char)(1U << (ph % 8U));
		if ((c->seen[ph / 8U] & bit) != 0)
			return dup_phandle(c, node, fdt_node_offset_by_phandle(c->fdt, ph), ph);
		c->seen[ph / 8U] |= bit;
	}
	return 0;
}

static int pass_iommus(struct ctx *c)
{
	struct walk *w = &c->w;

	walk_start(w);
	while (walk_next(c->fdt, w)) {
		int node = w->node, ic;
		struct dt_iommu *u;
		struct dt_range reg[DT_MAX_RANGES];
		unsigned int nreg = 0;
		bool pci_fn;

		if (fdt_getprop(c->fdt, node, "#iommu-cells", NULL) == NULL)
			continue;
		if (c->t->nr_iommus == DT_MAX_IOMMUS)
			return fail(c, node, NULL, "more than %d IOMMUs", DT_MAX_IOMMUS);
		if (cells(c, node, "#iommu-cells", 0, &ic) != 0)
			return -1;
		/*
		 * A function on a PCI bus (riscv,pci-iommu): its reg is
		 * <phys.hi phys.mid phys.lo size> naming its config space by
		 * bus/device/function, not a CPU range; its registers are a BAR.
		 */
		pci_fn = has_type(c->fdt, parent_of(c, node), "pci");
		if (!pci_fn && read_reg(c, node, reg, &nreg) != 0)
			return -1;
		if (nreg != 0 && cpu_address(c, node, &reg[0].base) != 0)
			return -1;
		u = &c->t->iommus[c->t->nr_iommus];
		node_path(c, node, u->path);
		first_compatible(c->fdt, node, u->compatible);
		if (known_compatible(c, node, &u->known) != 0)
			return -1;
		u->phandle = fdt_get_phandle(c->fdt, node);
		u->cells = (unsigned int)ic;
		u->pci_function = pci_fn;
		if (nreg != 0) {
			u->have_reg = true;
			u->reg_base = reg[0].base;
			u->reg_size = reg[0].size;
		}
		c->iommu_off[c->t->nr_iommus++] = node;
	}
	return 0;
}

/*
 * The phandles above the bitmap's that IOMMUs carry: one pass over every
 * node (disabled ones too), refusing a second node with one of them; the
 * later of the two in the tree is named, as check_phandles() does.
 */
static int check_big_phandles(struct ctx *c)
{
	bool any = false;

	for (unsigned int i = 0; i < c->t->nr_iommus; i++)
		any |= c->t->iommus[i].phandle >= DT_PHANDLE_BITS &&
		       c->t->iommus[i].phandle != UINT32_MAX;
	for (int node = any ? fdt_next_node(c->fdt, -1, NULL) : -1; node >= 0;
	     node = fdt_next_node(c->fdt, node, NULL)) {
		uint32_t ph = fdt_get_phandle(c->fdt, node);

		if (ph < DT_PHANDLE_BITS || ph == UINT32_MAX)
			continue;
		for (unsigned int i = 0; i < c->t->nr_iommus; i++) {
			int other = c->iommu_off[i];

			if (c->t->iommus[i].phandle != ph || other == node)
				continue;
			return other < node ? dup_phandle(c, node, other, ph) :
					      dup_phandle(c, other, node, ph);
		}
	}
	return 0;
}

/*
 * The IOMMU that @phandle names, checked: its index, or -1 with the message.
 * The IOMMUs' phandles are unique (check_phandles(), check_big_phandles()),
 * so the one carrying it is the node libfdt would find; libfdt's search of
 * the whole tree is left for the refusals.
 */
static int iommu_of(struct ctx *c, int node, const char *prop, uint32_t phandle)
{
	int target;

	for (unsigned int i = 0; phandle != 0U && phandle != UINT32_MAX &&
	     i < c->t->nr_iommus; i++)
		if (c->t->iommus[i].phandle == phandle && c->iommu_off[i] != node)
			return (int)i;
	target = fdt_node_offset_by_phandle(c->fdt, phandle);

	if (target < 0)
		return fail(c, node, prop, "phandle %#x names no node", phandle);
	if (target == node)
		return fail(c, node, prop, "phandle %#x names this node itself (a cycle)", phandle);
	for (unsigned int i = 0; i < c->t->nr_iommus; i++)
		if (c->iommu_off[i] == target)
			return (int)i;
	return fail(c, node, prop, "phandle %#x names a node that is not an enabled IOMMU "
		    "(no #iommu-cells, or disabled)", phandle);
}

static struct dt_master *new_master(struct ctx *c, int node, int iommu)
{
	struct dt_master *m;

	if (c->t->nr_masters == DT_MAX_MASTERS) {
		fail(c, node, NULL, "more than %d bus masters", DT_MAX_MASTERS);
		return NULL;
	}
	m = &c->t->masters[c->t->nr_masters++];
	memset(m, 0, sizeof(*m));
	node_path(c, node, m->path);
	first_compatible(c->fdt, node, m->compatible);
	m->iommu = iommu;
	if (iommu >= 0)
		c->t->iommus[iommu].nr_masters++;
	return m;
}

/* iommus = <&iommu cells...>...: one master, all its specifiers behind one IOMMU. */
static int read_iommus(struct ctx *c, int node, const fdt32_t *p, int len)
{
	struct dt_master *m = NULL;
	int words = len / 4, i = 0;

	if (len % 4 != 0 || len == 0)
		return fail(c, node, "iommus", "%d bytes is not a list of cells", len);
	while (i < words) {
		uint32_t ph = fdt32_to_cpu(p[i]);
		int u = iommu_of(c, node, "iommus", ph);
		unsigned int n;

		if (u < 0)
			return -1;
		n = c->t->iommus[u].cells;
		if (i + 1 + (int)n > words)
			return fail(c, node, "iommus", "the specifier for %s needs %u cells "
				    "(its #iommu-cells), only %d left", c->t->iommus[u].path, n,
				    words - i - 1);
		if (m == NULL && (m = new_master(c, node, u)) == NULL)
			return -1;
		if (m->iommu != u)
			return fail(c, node, "iommus", "specifiers for two IOMMUs (%s and %s): one "
				    "master is behind one IOMMU here", c->t->iommus[m->iommu].path,
				    c->t->iommus[u].path);
		if (m->nr_ids == DT_MAX_IDS)
			return fail(c, node, "iommus", "more than %d IDs", DT_MAX_IDS);
		m->ids[m->nr_ids++] = n != 0 ? fdt32_to_cpu(p[i + 1]) : 0;
		i += 1 + (int)n;
	}
	return 0;
}

/*
 * An iommu-map entry whose requester IDs or IDs run past 2^32 - 1 (the last
 * of @e's base + length - 1 does not fit its 32-bit cell) is refused, as reg
 * and dma-ranges refuse a range past 2^64.
 */
static int map_wraps(struct ctx *c, int node, const fdt32_t *e, int cell)
{
	uint64_t rid = fdt32_to_cpu(e[0]), id = fdt32_to_cpu(e[2]), len = fdt32_to_cpu(e[3]);

	if (len != 0U && rid + len - 1U > UINT32_MAX)
		return fail(c, node, "iommu-map", "entry at cell %d: requester IDs %#llx + %#llx wrap "
			    "past 2^32", cell, (unsigned long long)rid, (unsigned long long)len);
	if (len != 0U && id + len - 1U > UINT32_MAX)
		return fail(c, node, "iommu-map", "entry at cell %d: IDs %#llx + %#llx wrap past 2^32",
			    cell, (unsigned long long)id, (unsigned long long)len);
	return 0;
}

/*
 * iommu-map = <rid-base &iommu iommu-base length>...: one master per entry.
 * iommu-map-mask (one cell, all ones when absent) is ANDed with a requester
 * ID before it is looked up (pci-iommu.txt): kept with each entry.
 */
static int read_iommu_map(struct ctx *c, int node, const fdt32_t *p, int len)
{
	int words = len / 4, i = 0, mlen;
	const fdt32_t *mp = fdt_getprop(c->fdt, node, "iommu-map-mask", &mlen);
	uint32_t mask = UINT32_MAX;

	if (len % 4 != 0 || len == 0)
		return fail(c, node, "iommu-map", "%d bytes is not a list of cells", len);
	if (mp != NULL && mlen != 4)
		return fail(c, node, "iommu-map-mask", "%d bytes, not one cell", mlen);
	if (mp != NULL)
		mask = fdt32_to_cpu(*mp);
	while (i < words) {
		struct dt_master *m;
		unsigned int n;
		int u;

		if (i + 2 > words)
			return fail(c, node, "iommu-map", "entry at cell %d is cut short", i);
		u = iommu_of(c, node, "iommu-map", fdt32_to_cpu(p[i + 1]));
		if (u < 0)
			return -1;
		n = c->t->iommus[u].cells;
		if (n != 1)
			return fail(c, node, "iommu-map", "%s has #iommu-cells %u; iommu-map needs 1",
				    c->t->iommus[u].path, n);
		if (i + 4 > words)
			return fail(c, node, "iommu-map", "entry at cell %d is cut short (4 cells)", i);
		if (fdt32_to_cpu(p[i + 3]) == 0U)
			return fail(c, node, "iommu-map", "entry at cell %d: length 0 maps no requester ID",
				    i);
		if (map_wraps(c, node, p + i, i) != 0)
			return -1;
		if ((m = new_master(c, node, u)) == NULL)
			return -1;
		m->pci = true;
		m->rid_base = fdt32_to_cpu(p[i]);
		m->id_base = fdt32_to_cpu(p[i + 2]);
		m->id_len = fdt32_to_cpu(p[i + 3]);
		m->rid_mask = mask;
		m->ids[0] = m->id_base;
		m->nr_ids = 1;
		i += 4;
	}
	return 0;
}

/*
 * The physical window a master without an IOMMU reaches (DT spec 2.3.9):
 * its bus's dma-ranges, carried up through every ancestor's dma-ranges to
 * the root. At the master's own bus that is the first entry; above it, the
 * first entry that holds any of the window, which is cut to it. An empty
 * dma-ranges is identity with the parent, and so is an absent one (Linux
 * reads it so): the window is everything when no ancestor limits it.
 */
static int read_dma_window(struct ctx *c, int node, struct dt_master *m)
{
	uint64_t first = 0, last = UINT64_MAX;
	bool limited = false;

	for (int bus = parent_of(c, node); bus >= 0; bus = bus > 0 ? parent_of(c, bus) : -1) {
		int len, r;

		if (fdt_getprop(c->fdt, bus, "dma-ranges", &len) == NULL || len == 0)
			continue;
		if ((r = up_one(c, bus, "dma-ranges", &first, &last)) < 0)
			return -1;
		if (r > 0)
			return fail(c, bus, "dma-ranges", "no entry holds [%#llx, %#llx], what %s "
				    "reaches below it", (unsigned long long)first,
				    (unsigned long long)last, m->path);
		limited = true;
	}
	m->have_dma_range = limited;
	if (limited) {
		m->dma_base = first;
		/* the whole space is kept as 2^64 - 1, as read_range() does */
		m->dma_size = first == 0U && last == UINT64_MAX ? UINT64_MAX : last - first + 1U;
	}
	return 0;
}

static bool dma_without_iommu(const struct ctx *c, int node)
{
	int bus = parent_of(c, node), len;

	if (fdt_getprop(c->fdt, node, "dma-coherent", NULL) != NULL)
		return true;
	return bus > 0 && fdt_getprop(c->fdt, bus, "dma-ranges", &len) != NULL &&
	       fdt_getprop(c->fdt, node, "reg", NULL) != NULL;
}

static int pass_masters(struct ctx *c)
{
	struct walk *w = &c->w;

	walk_start(w);
	while (walk_next(c->fdt, w)) {
		const fdt32_t *p;
		int len, node = w->node;

		if ((p = fdt_getprop(c->fdt, node, "iommus", &len)) != NULL) {
			if (read_iommus(c, node, p, len) != 0)
				return -1;
		} else if ((p = fdt_getprop(c->fdt, node, "iommu-map", &len)) != NULL) {
			if (read_iommu_map(c, node, p, len) != 0)
				return -1;
		} else if (dma_without_iommu(c, node) &&
			   fdt_getprop(c->fdt, node, "#iommu-cells", NULL) == NULL) {
			struct dt_master *m = new_master(c, node, -1);

			if (m == NULL || read_dma_window(c, node, m) != 0)
				return -1;
		}
	}
	return 0;
}

int dt_read(const void *fdt, size_t len, struct dt_topo *t, char *err, size_t errlen)
{
	struct ctx c = { .fdt = fdt, .t = t, .err = err, .errlen = errlen };
	int r, mlen;
	const char *model;

	memset(t, 0, sizeof(*t));
	walk_start(&c.w);
	if (len < sizeof(struct fdt_header))
		return fail(&c, -1, NULL, "%zu bytes is shorter than a device-tree header", len);
	/*
	 * Versions before 16 name nodes by their full path, and libfdt 1.6's
	 * fdt_check_full() dereferences NULL on some of them: refuse them first
	 * (dtc has written version 17 since 2007).
	 */
	r = fdt_check_header(fdt);
	if (r == 0 && fdt_version(fdt) < 16)
		return fail(&c, -1, NULL, "device-tree version %u: only version 16 and later are read",
			    (unsigned int)fdt_version(fdt));
	if (r == 0) {
		char why[160];

		if (dt_struct_walk(fdt, len, why, sizeof(why)) != 0)
			return fail(&c, -1, NULL, "not a valid device-tree blob: %s", why);
		r = fdt_check_full(fdt, len);
	}
	if (r != 0)
		return fail(&c, -1, NULL, "not a valid device-tree blob: %s", fdt_strerror(r));
	model = fdt_getprop(fdt, 0, "model", &mlen);
	copy_str(t->model, sizeof(t->model), model != NULL ? model : "", model != NULL ? mlen : 0);
	if (check_phandles(&c) != 0 || pass_memory(&c) != 0 || pass_iommus(&c) != 0 ||
	    check_big_phandles(&c) != 0 || pass_masters(&c) != 0)
		return -1;
	return 0;
}

int dt_find_master(const struct dt_topo *t, const char *path, int *also)
{
	size_t n = strlen(path);
	int found = -1;

	*also = -1;
	for (unsigned int i = 0; i < t->nr_masters; i++) {
		const char *p = t->masters[i].path;
		size_t m = strlen(p);

		if (strcmp(p, path) != 0 &&
		    !(m > n && p[m - n - 1] == '/' && strcmp(p + m - n, path) == 0))
			continue;
		if (found < 0) {
			found = (int)i;
		} else if (strcmp(t->masters[found].path, p) != 0) {
			/* the masters of one iommu-map share a path: only another node counts */
			*also = (int)i;
			break;
		}
	}
	return found;
}
