// SPDX-License-Identifier: MIT
/*
 * A device-tree topology (topo.h) as text, JSON and Graphviz DOT, and as the
 * platform description `vcm run` plays the video pipeline on.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "topo_out.h"
#include "../json.h"

static const char *fmt_of(const struct dt_iommu *u)
{
	if (u->known == NULL)
		return "unknown to vcmm";
	return u->known->fmt != NULL ? u->known->fmt : "not spoken by vcmm";
}

static void print_ids(FILE *out, const struct dt_master *m)
{
	if (m->pci) {
		/* iommu-map-mask: every RID whose masked value is in the range */
		if (m->rid_mask != UINT32_MAX)
			fprintf(out, "RIDs with RID & %#x in ", m->rid_mask);
		fprintf(out, "%s%#x..%#x -> IDs %#x..", m->rid_mask != UINT32_MAX ? "" : "RIDs ",
			m->rid_base,
			m->rid_base + (m->id_len ? m->id_len - 1U : 0U), m->id_base);
		fprintf(out, "%#x", m->id_base + (m->id_len ? m->id_len - 1U : 0U));
		return;
	}
	fprintf(out, "ID%s", m->nr_ids > 1 ? "s" : "");
	for (unsigned int k = 0; k < m->nr_ids; k++)
		fprintf(out, "%s%#x", k ? "," : " ", m->ids[k]);
}

void dt_print_text(const struct dt_topo *t, FILE *out)
{
	unsigned int direct = 0;

	fprintf(out, "device tree%s%s\n", t->model[0] ? ": " : "", t->model);
	for (unsigned int i = 0; i < t->nr_memory; i++)
		fprintf(out, "  memory   [%#llx, +%#llx) %s\n", (unsigned long long)t->memory[i].base,
			(unsigned long long)t->memory[i].size, t->memory[i].path);
	for (unsigned int i = 0; i < t->nr_reserved; i++)
		fprintf(out, "  reserved [%#llx, +%#llx) %s\n", (unsigned long long)t->reserved[i].base,
			(unsigned long long)t->reserved[i].size, t->reserved[i].path);
	for (unsigned int i = 0; i < t->nr_iommus; i++) {
		const struct dt_iommu *u = &t->iommus[i];

		fprintf(out, "  iommu %s (%s): %s", u->path, u->compatible, fmt_of(u));
		if (u->known != NULL && u->known->note != NULL)
			fprintf(out, "; %s", u->known->note);
		fprintf(out, ", %u master%s\n", u->nr_masters, u->nr_masters == 1 ? "" : "s");
		for (unsigned int j = 0; j < t->nr_masters; j++) {
			const struct dt_master *m = &t->masters[j];

			if (m->iommu != (int)i)
				continue;
			fprintf(out, "    master %s, ", m->path);
			print_ids(out, m);
			fputc('\n', out);
		}
	}
	for (unsigned int j = 0; j < t->nr_masters; j++)
		if (t->masters[j].iommu < 0)
			direct++;
	if (direct != 0)
		fprintf(out, "  no IOMMU (one-to-one), %u master%s:\n", direct, direct == 1 ? "" : "s");
	for (unsigned int j = 0; j < t->nr_masters; j++) {
		const struct dt_master *m = &t->masters[j];

		if (m->iommu >= 0)
			continue;
		fprintf(out, "    master %s", m->path);
		if (m->have_dma_range)
			fprintf(out, ", reaches [%#llx, +%#llx)", (unsigned long long)m->dma_base,
				(unsigned long long)m->dma_size);
		fputc('\n', out);
	}
}

static void json_ranges(FILE *out, const char *name, const struct dt_range *r, unsigned int n)
{
	fprintf(out, "  \"%s\": [", name);
	for (unsigned int i = 0; i < n; i++) {
		fprintf(out, "%s{\"base\": %llu, \"size\": %llu, \"node\": ", i ? ", " : "",
			(unsigned long long)r[i].base, (unsigned long long)r[i].size);
		json_str(out, r[i].path);
		fputc('}', out);
	}
	fprintf(out, "],\n");
}

void dt_write_json(const struct dt_topo *t, FILE *out)
{
	fprintf(out, "{\n  \"model\": ");
	json_str(out, t->model);
	fprintf(out, ",\n");
	json_ranges(out, "memory", t->memory, t->nr_memory);
	json_ranges(out, "reserved", t->reserved, t->nr_reserved);
	fprintf(out, "  \"iommus\": [");
	for (unsigned int i = 0; i < t->nr_iommus; i++) {
		const struct dt_iommu *u = &t->iommus[i];

		fprintf(out, "%s\n    {\"node\": ", i ? "," : "");
		json_str(out, u->path);
		fprintf(out, ", \"compatible\": ");
		json_str(out, u->compatible);
		fprintf(out, ", \"format\": ");
		if (u->known != NULL && u->known->fmt != NULL)
			json_str(out, u->known->fmt);
		else
			fprintf(out, "null");
		fprintf(out, ", \"supported\": %s, \"driver\": ",
			u->known != NULL && u->known->fmt != NULL ? "true" : "false");
		if (u->known != NULL)
			json_str(out, u->known->driver);
		else
			fprintf(out, "null");
		/* reg: the CPU address of its registers; null for none, or a PCI function */
		fprintf(out, ", \"iommu_cells\": %u, \"reg\": ", u->cells);
		if (u->have_reg)
			fprintf(out, "%llu", (unsigned long long)u->reg_base);
		else
			fprintf(out, "null");
		fprintf(out, ", \"pci_function\": %s, \"masters\": %u}",
			u->pci_function ? "true" : "false", u->nr_masters);
	}
	fprintf(out, "\n  ],\n  \"masters\": [");
	for (unsigned int j = 0; j < t->nr_masters; j++) {
		const struct dt_master *m = &t->masters[j];

		fprintf(out, "%s\n    {\"node\": ", j ? "," : "");
		json_str(out, m->path);
		fprintf(out, ", \"compatible\": ");
		json_str(out, m->compatible);
		fprintf(out, ", \"iommu\": ");
		if (m->iommu >= 0)
			json_str(out, t->iommus[m->iommu].path);
		else
			fprintf(out, "null");
		fprintf(out, ", \"ids\": [");
		for (unsigned int k = 0; k < m->nr_ids; k++)
			fprintf(out, "%s%u", k ? ", " : "", m->ids[k]);
		fprintf(out, "]");
		if (m->pci)
			fprintf(out, ", \"pci\": {\"rid_base\": %u, \"id_base\": %u, \"length\": %u, "
				"\"rid_mask\": %u}", m->rid_base, m->id_base, m->id_len, m->rid_mask);
		if (m->have_dma_range)
			fprintf(out, ", \"dma_range\": {\"base\": %llu, \"size\": %llu}",
				(unsigned long long)m->dma_base, (unsigned long long)m->dma_size);
		fputc('}', out);
	}
	fprintf(out, "\n  ]\n}\n");
}

/*
 * How many masters from @j on share @j's compatible and DMA window, with no
 * IOMMU: a run of such masters (QEMU's 32 virtio-mmio transports) is drawn
 * as one node, since a column of 32 identical ellipses says less than "x32".
 */
static unsigned int same_run(const struct dt_topo *t, unsigned int j)
{
	const struct dt_master *a = &t->masters[j];
	unsigned int n = 1;

	while (j + n < t->nr_masters) {
		const struct dt_master *b = &t->masters[j + n];

		if (b->iommu >= 0 || strcmp(a->compatible, b->compatible) != 0 ||
		    a->have_dma_range != b->have_dma_range || a->dma_base != b->dma_base ||
		    a->dma_size != b->dma_size)
			break;
		n++;
	}
	return n;
}

#define DOT_FOLD 3 /* runs this long or longer become one node */

void dt_write_dot(const struct dt_topo *t, FILE *out)
{
	bool direct = false;

	fprintf(out, "digraph dt {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
	fprintf(out, "  mem [shape=cylinder, label=\"memory");
	for (unsigned int i = 0; i < t->nr_memory; i++)
		fprintf(out, "\\n[%#llx, +%#llx)", (unsigned long long)t->memory[i].base,
			(unsigned long long)t->memory[i].size);
	for (unsigned int i = 0; i < t->nr_reserved; i++)
		fprintf(out, "\\nreserved [%#llx, +%#llx)", (unsigned long long)t->reserved[i].base,
			(unsigned long long)t->reserved[i].size);
	fprintf(out, "\"];\n");
	for (unsigned int i = 0; i < t->nr_iommus; i++) {
		const struct dt_iommu *u = &t->iommus[i];
		bool ok = u->known != NULL && u->known->fmt != NULL;

		fprintf(out, "  subgraph cluster_%u {\n    label=\"", i);
		dot_str(out, u->path);
		fprintf(out, "\\n");
		dot_str(out, u->compatible);
		fprintf(out, "\";\n    style=%s;\n", ok ? "rounded" : "\"rounded,dashed\"");
		fprintf(out, "    iommu%u [shape=box, %slabel=\"%s\"];\n", i,
			ok ? "" : "color=red, fontcolor=red, ", fmt_of(u));
		for (unsigned int j = 0; j < t->nr_masters; j++) {
			if (t->masters[j].iommu != (int)i)
				continue;
			fprintf(out, "    m%u [shape=ellipse, label=\"", j);
			dot_str(out, t->masters[j].path);
			fprintf(out, "\\n");
			print_ids(out, &t->masters[j]);
			fprintf(out, "\"];\n    m%u -> iommu%u;\n", j, i);
		}
		fprintf(out, "  }\n  iommu%u -> mem%s;\n", i, ok ? "" : " [style=dashed]");
	}
	for (unsigned int j = 0; j < t->nr_masters; j++)
		direct |= t->masters[j].iommu < 0;
	if (direct)
		fprintf(out, "  subgraph cluster_direct {\n    label=\"no IOMMU (one-to-one)\";\n"
			"    style=\"rounded,dotted\";\n");
	for (unsigned int j = 0; j < t->nr_masters;) {
		const struct dt_master *m = &t->masters[j];
		unsigned int n = m->iommu < 0 ? same_run(t, j) : 1;

		if (m->iommu >= 0) {
			j++;
			continue;
		}
		fprintf(out, "    m%u [shape=ellipse, label=\"", j);
		if (n >= DOT_FOLD) {
			dot_str(out, m->compatible[0] ? m->compatible : "masters");
			fprintf(out, " x%u\\n", n);
			dot_str(out, m->path);
			fprintf(out, " ..\\n");
			dot_str(out, t->masters[j + n - 1].path);
		} else {
			n = 1;
			dot_str(out, m->path);
		}
		if (m->have_dma_range)
			fprintf(out, "\\ndma [%#llx, +%#llx)", (unsigned long long)m->dma_base,
				(unsigned long long)m->dma_size);
		fprintf(out, "\"];\n");
		j += n;
	}
	if (direct)
		fprintf(out, "  }\n");
	/* edges outside the cluster: an edge inside one would pull mem into it */
	for (unsigned int j = 0; j < t->nr_masters;) {
		unsigned int n = t->masters[j].iommu < 0 ? same_run(t, j) : 1;

		if (t->masters[j].iommu < 0)
			fprintf(out, "  m%u -> mem;\n", j);
		j += n >= DOT_FOLD ? n : 1;
	}
	fprintf(out, "}\n");
}

/* The node's own name (after the last '/'), cut to fit a platform name. */
static void short_name(char *dst, const char *path, const char *suffix)
{
	const char *s = strrchr(path, '/');

	snprintf(dst, 32, "%.20s%s", s != NULL && s[1] != '\0' ? s + 1 : path, suffix);
	/*
	 * A node name may hold any byte but '/' and NUL: what the platform format
	 * would read as a blank, a comment or a key=value becomes '_'.
	 */
	for (char *p = dst; *p != '\0'; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && strchr("-_.,@+", *p) == NULL)
			*p = '_';
}

/* Is @name one of @taken[0..n-1]? */
static bool name_taken(const char *name, const char *const *taken, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, taken[i]) == 0)
			return true;
	return false;
}

/* short_name() of @path, with "-2", "-3", ... until it is none of @taken. */
static void unique_name(char *dst, const char *path, const char *const *taken, size_t n)
{
	char suffix[16];

	short_name(dst, path, "");
	for (unsigned int k = 2; name_taken(dst, taken, n); k++) {
		snprintf(suffix, sizeof(suffix), "-%u", k);
		short_name(dst, path, suffix);
	}
}

/* The platform format of the IOMMU in front of @m, or why there is none. */
static int plat_fmt(const struct dt_topo *t, const struct dt_master *m, const char **fmt,
		    char *err, size_t errlen)
{
	const struct dt_iommu *u;

	if (m->iommu < 0) {
		snprintf(err, errlen, "%s has no IOMMU: the decoder and the display must sit behind one",
			 m->path);
		return -1;
	}
	u = &t->iommus[m->iommu];
	if (u->known == NULL || u->known->fmt == NULL) {
		snprintf(err, errlen, "%s sits behind %s (compatible \"%s\"), whose page-table format "
			 "vcmm does not speak%s%s", m->path, u->path, u->compatible,
			 u->known != NULL ? ": " : "", u->known != NULL ? u->known->note : "");
		return -1;
	}
	if (strcmp(u->known->fmt, "armv7s") == 0) {
		*fmt = "armv7s";
	} else if (strcmp(u->known->fmt, "armv8") == 0) {
		*fmt = "armv8-4k";
	} else {
		snprintf(err, errlen, "%s sits behind %s (%s tables): vcm run has IOMMU models for "
			 "armv7s and armv8 only", m->path, u->path, u->known->fmt);
		return -1;
	}
	return 0;
}

/*
 * Ranges compare by their last addresses, base + size - 1: a range may end
 * exactly at 2^64 (read_reg() refuses only those that pass it), where
 * base + size wraps to 0. Empty ranges hold and reserve nothing.
 */
static bool overlaps(uint64_t first, uint64_t last, const struct dt_range *r)
{
	return r->size != 0U && r->base <= last && first <= r->base + (r->size - 1U);
}

static bool clear_of_reserved(const struct dt_topo *t, uint64_t first, uint64_t last)
{
	for (unsigned int r = 0; r < t->nr_reserved; r++)
		if (overlaps(first, last, &t->reserved[r]))
			return false;
	return true;
}

/* The first 2 MiB-aligned 64 MiB window of @mem below 4 GiB clear of reserved memory. */
static bool find_window(const struct dt_topo *t, const struct dt_range *mem, uint64_t *base)
{
	const uint64_t win = UINT64_C(64) << 20, two_m = UINT64_C(2) << 20;
	const uint64_t top = UINT64_C(1) << 32;
	uint64_t last, lo;

	/* lo <= top - win keeps every sum below 2^33: nothing here can wrap */
	if (mem->size < win || mem->base > top - win)
		return false;
	last = mem->base + (mem->size - 1U);
	for (lo = (mem->base + two_m - 1) & ~(two_m - 1); lo <= top - win && lo + (win - 1) <= last;
	     lo += two_m) {
		if (clear_of_reserved(t, lo, lo + (win - 1))) {
			*base = lo;
			return true;
		}
	}
	return false;
}

int dt_platform_text(const struct dt_topo *t, const char *decoder, const char *display,
		     char *text, size_t textlen, char *err, size_t errlen)
{
	const struct dt_master *dec, *dis;
	const char *fdec, *fdis;
	char ndec[32], ndis[32], udec[32], udis[32];
	uint64_t base = 0;
	bool found = false;
	int i, also;

	if ((i = dt_find_master(t, decoder, &also)) < 0) {
		snprintf(err, errlen, "--decoder %s: no bus master of that node in the tree", decoder);
		return -1;
	}
	if (also >= 0) {
		snprintf(err, errlen, "--decoder %s: names two nodes, %s and %s: give the whole path",
			 decoder, t->masters[i].path, t->masters[also].path);
		return -1;
	}
	dec = &t->masters[i];
	if ((i = dt_find_master(t, display, &also)) < 0) {
		snprintf(err, errlen, "--display %s: no bus master of that node in the tree", display);
		return -1;
	}
	if (also >= 0) {
		snprintf(err, errlen, "--display %s: names two nodes, %s and %s: give the whole path",
			 display, t->masters[i].path, t->masters[also].path);
		return -1;
	}
	dis = &t->masters[i];
	if (dec == dis) {
		snprintf(err, errlen, "--decoder and --display name one master, %s", dec->path);
		return -1;
	}
	if (plat_fmt(t, dec, &fdec, err, errlen) != 0 || plat_fmt(t, dis, &fdis, err, errlen) != 0)
		return -1;
	/* 64 MiB of RAM below 4 GiB, 2 MiB aligned, clear of reserved memory */
	for (unsigned int m = 0; m < t->nr_memory && !found; m++)
		found = find_window(t, &t->memory[m], &base);
	if (!found) {
		snprintf(err, errlen, "no 64 MiB of memory below 4 GiB clear of reserved-memory in "
			 "the tree's memory nodes");
		return -1;
	}
	/*
	 * Each master gets a context of its own: a model IOMMU per master. Every
	 * name of the description is distinct (the format refuses a name twice).
	 */
	short_name(udec, t->iommus[dec->iommu].path, "-ctx0");
	short_name(udis, t->iommus[dis->iommu].path, "-ctx1");
	{
		/* the memtypes' names and the DMA engine's and CPU's device names */
		const char *taken[] = { "stream", "video", "dma", "cpu", udec, udis, ndec };

		unique_name(ndec, dec->path, taken, 6);
		unique_name(ndis, dis->path, taken, 7);
	}
	snprintf(text, textlen,
		 "memory base=%#llx size=64M tables=4M\n"
		 "memtype stream base=%#llx size=4M chunks=64K,4K for=stream\n"
		 "memtype video base=%#llx size=0x1002000 chunks=1M,64K,4K for=frames\n"
		 "iommu %s %s tlb=32 ways=4\n"
		 "iommu %s %s tlb=32 ways=4\n"
		 "master %s via %s role=decoder\n"
		 "master %s via %s role=display\n"
		 "dma dma\n",
		 (unsigned long long)base, (unsigned long long)(base + (UINT64_C(4) << 20)),
		 (unsigned long long)(base + UINT64_C(0x1001000)), udec, fdec, udis, fdis, ndec, udec,
		 ndis, udis);
	return 0;
}
