// SPDX-License-Identifier: MIT
/*
 * The mapping graph of a built SoC, as text, Graphviz DOT and JSON: devices,
 * the VCMs they are associated with (and whether active), each VCM's
 * reservations, the physical allocations backing them with their chunk plan,
 * and the memtypes those come from. Everything is read back through graph
 * queries (vcm_get_dev_addr, vcm_mem_next_chunk, vcm_get_pgtbl_pa, ...).
 */
#include <string.h>
#include "soc.h"
#include "../json.h"

struct chunk_plan {
	unsigned int n[41]; /* chunks per size_lg2 */
	unsigned int extents;
	vcm_pa_t first_pa;
};

static void plan_of(const struct vcm_mem *m, struct chunk_plan *p)
{
	uint64_t it = 0, len;
	vcm_pa_t pa;

	memset(p, 0, sizeof(*p));
	while (vcm_mem_next_chunk(m, &it, &pa, &len) == 0) {
		unsigned int lg2 = (unsigned int)__builtin_ctzll(len);

		if (p->n[0] == 0 && p->first_pa == 0)
			p->first_pa = pa;
		if (lg2 < 41 && (len & (len - 1)) == 0)
			p->n[lg2]++;
	}
	it = 0;
	while (vcm_mem_next_extent(m, &it, &pa, &len) == 0)
		p->extents++;
}

static void plan_text(const struct chunk_plan *p, char *buf, size_t len)
{
	static const char unit[] = "KMGT";
	size_t at = 0;

	buf[0] = '\0';
	/* every power of two the platform allows (4K .. 1T), by its own size */
	for (int lg2 = 40; lg2 >= 12; lg2--) {
		if (p->n[lg2] == 0)
			continue;
		at += (size_t)snprintf(buf + at, len - at, "%s%ux%u%c", at != 0 ? " + " : "",
				       p->n[lg2], 1U << ((lg2 - 10) % 10), unit[(lg2 - 10) / 10]);
		if (at >= len)
			break;
	}
}

/* A master's role as the platform description gives it (role= is optional). */
static const char *role_name(enum plat_role r)
{
	return r == PLAT_ROLE_DECODER ? "decoder" : r == PLAT_ROLE_DISPLAY ? "display" : "none";
}

struct node_mem {
	const char *id;
	const char *label;
	struct vcm_mem *mem;
};

static unsigned int mems_of(struct soc *s, struct node_mem *out)
{
	static const char *const ids[SOC_STREAM_BUFS] = { "stream0", "stream1" };
	unsigned int n = 0;

	for (unsigned int i = 0; i < SOC_STREAM_BUFS; i++)
		out[n++] = (struct node_mem){ ids[i], "bitstream buffer", s->stream_mem[i] };
	out[n++] = (struct node_mem){ "framebuf", "frame buffer", s->frame_mem };
	return n;
}

static const char *mem_id(struct soc *s, const struct vcm_mem *m)
{
	for (unsigned int i = 0; i < SOC_STREAM_BUFS; i++)
		if (m == s->stream_mem[i])
			return i == 0 ? "stream0" : "stream1";
	return "framebuf";
}

struct node_vcm {
	const char *id;
	const char *label;
	struct vcm *vcm;
};

static unsigned int vcms_of(struct soc *s, struct node_vcm *out)
{
	out[0] = (struct node_vcm){ "vcm_video", "video VCM (decoder + display)", s->video };
	out[1] = (struct node_vcm){ "vcm_dma", "one-to-one VCM (DMA engine)", s->dma_vcm };
	out[2] = (struct node_vcm){ "vcm_cpu", "prebuilt kernel VCM (CPU)", s->cpu_vcm };
	return 3;
}

/*
 * The CPU VCM's addresses are where the process mapped its window, which
 * moves from run to run: they are shown as offsets in that window ("cpu+"),
 * so that text, DOT and JSON are the same every run.
 */
static uint64_t shown(struct soc *s, struct vcm *v, uint64_t da)
{
	return v == s->cpu_vcm ? da - vcm_get_start_addr(v) : da;
}

static const char *prefix(struct soc *s, struct vcm *v)
{
	return v == s->cpu_vcm ? "cpu+" : "";
}

static const char *dev_kind(struct soc *s, unsigned int j, char *buf, size_t len)
{
	const struct plat_iommu *p = &s->d->iommus[s->d->masters[j].iommu];

	snprintf(buf, len, "%s via %s (%s, IOTLB %u x %u-way)",
		 role_name(s->d->masters[j].role), p->name,
		 plat_fmt_name(p->fmt), p->tlb, p->ways);
	return buf;
}

/* Page-table memory the SoC's tables hold now (what --4k costs shows here). */
static uint64_t tables_now(struct soc *s)
{
	uint64_t now = 0;

	vcm_soc_table_bytes(s->hw, &now, NULL);
	return now;
}

void soc_print_graph(struct soc *s, FILE *out)
{
	struct node_mem mems[4];
	struct node_vcm vcms[3];
	unsigned int nm = mems_of(s, mems), nv = vcms_of(s, vcms);
	char buf[160];

	fprintf(out, "mapping graph (%s):\n", s->small_only ? "4 KiB pages only" : "mixed chunks");
	fprintf(out, "  memory [%#llx, %#llx), tables in the first %llu MiB\n",
		(unsigned long long)s->d->mem_base,
		(unsigned long long)(s->d->mem_base + s->d->mem_size),
		(unsigned long long)(s->d->mem_tables >> 20));
	fprintf(out, "  table memory in use: %llu bytes\n", (unsigned long long)tables_now(s));
	for (unsigned int i = 0; i < s->d->nr_memtypes; i++)
		fprintf(out, "  memtype %u %-8s [%#llx, %#llx)\n", i, s->d->memtypes[i].name,
			(unsigned long long)s->d->memtypes[i].base,
			(unsigned long long)(s->d->memtypes[i].base + s->d->memtypes[i].size));
	for (unsigned int j = 0; j < s->d->nr_masters; j++) {
		vcm_pa_t pa = 0;

		vcm_get_pgtbl_pa(s->video, s->master[j], &pa);
		fprintf(out, "  device %-8s %s, table at %#llx, %s\n", s->d->masters[j].name,
			dev_kind(s, j, buf, sizeof(buf)), (unsigned long long)pa,
			vcm_is_active(s->avcm[j]) == 1 ? "active" : "inactive");
	}
	fprintf(out, "  device %-8s DMA engine, no MMU (one-to-one VCM)\n", s->d->dma);
	fprintf(out, "  device %-8s CPU, hosted CPU mapper (prebuilt VCM)\n", "cpu");
	for (unsigned int v = 0; v < nv; v++) {
		struct vcm *vc = vcms[v].vcm;
		const char *pre = prefix(s, vc);

		fprintf(out, "  %s [%s%#llx, %s%#llx)\n", vcms[v].label, pre,
			(unsigned long long)shown(s, vc, vcm_get_start_addr(vc)), pre,
			(unsigned long long)shown(s, vc, vcm_get_start_addr(vc) + vcm_get_len(vc)));
		for (struct vcm_res *r = vcm_get_next_res(vcms[v].vcm, NULL); r != NULL;
		     r = vcm_get_next_res(vcms[v].vcm, r)) {
			struct vcm_mem *m = vcm_get_physmem_from_res(r);

			fprintf(out, "    res da %s%#llx len %#llx -> %s\n", pre,
				(unsigned long long)shown(s, vc, vcm_get_dev_addr(r)),
				(unsigned long long)vcm_get_res_len(r),
				m != NULL ? mem_id(s, m) : "(not backed)");
		}
	}
	for (unsigned int i = 0; i < nm; i++) {
		struct chunk_plan p;

		plan_of(mems[i].mem, &p);
		plan_text(&p, buf, sizeof(buf));
		fprintf(out, "  mem %-8s %s, %llu KiB at %#llx: %s in %u extent%s, maps %llu\n",
			mems[i].id, mems[i].label,
			(unsigned long long)(vcm_mem_len(mems[i].mem) >> 10),
			(unsigned long long)p.first_pa, buf, p.extents, p.extents == 1 ? "" : "s",
			(unsigned long long)vcm_get_phys_num_res(s->sys, p.first_pa));
	}
}

void soc_write_dot(struct soc *s, FILE *out)
{
	struct node_mem mems[4];
	struct node_vcm vcms[3];
	unsigned int nm = mems_of(s, mems), nv = vcms_of(s, vcms);
	char buf[160];

	fprintf(out, "digraph vcm {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n"
		     "  edge [fontname=\"Helvetica\", fontsize=9];\n"
		     "  label=\"%s, %llu bytes of page tables\";\n",
		s->small_only ? "4 KiB chunks" : "mixed chunks", (unsigned long long)tables_now(s));
	/* names come from the description, any bytes but blanks: dot_str() them */
	for (unsigned int j = 0; j < s->d->nr_masters; j++) {
		const char *name = s->d->masters[j].name;

		fprintf(out, "  \"dev_");
		dot_str(out, name);
		fprintf(out, "\" [shape=box, style=filled, fillcolor=\"#dbe9f6\", label=\"");
		dot_str(out, name);
		fprintf(out, "\\n");
		dot_str(out, dev_kind(s, j, buf, sizeof(buf)));
		fprintf(out, "\"];\n  \"dev_");
		dot_str(out, name);
		fprintf(out, "\" -> \"vcm_video\" [label=\"%s\"];\n",
			vcm_is_active(s->avcm[j]) == 1 ? "active" : "inactive");
	}
	fprintf(out, "  \"dev_");
	dot_str(out, s->d->dma);
	fprintf(out, "\" [shape=box, style=filled, fillcolor=\"#dbe9f6\", label=\"");
	dot_str(out, s->d->dma);
	fprintf(out, "\\nDMA engine, no MMU\"];\n  \"dev_");
	dot_str(out, s->d->dma);
	fprintf(out, "\" -> \"vcm_dma\" [label=\"active\"];\n");
	fprintf(out, "  \"dev_cpu\" [shape=box, style=filled, fillcolor=\"#dbe9f6\", "
		     "label=\"cpu\\nhosted CPU mapper\"];\n  \"dev_cpu\" -> \"vcm_cpu\" [label=\"active\"];\n");
	for (unsigned int v = 0; v < nv; v++) {
		unsigned int k = 0;

		struct vcm *vc = vcms[v].vcm;

		fprintf(out, "  \"%s\" [shape=ellipse, label=\"%s\\n[%s%#llx, +%#llx)\"];\n",
			vcms[v].id, vcms[v].label, prefix(s, vc),
			(unsigned long long)shown(s, vc, vcm_get_start_addr(vc)),
			(unsigned long long)vcm_get_len(vc));
		for (struct vcm_res *r = vcm_get_next_res(vcms[v].vcm, NULL); r != NULL;
		     r = vcm_get_next_res(vcms[v].vcm, r), k++) {
			struct vcm_mem *m = vcm_get_physmem_from_res(r);

			fprintf(out, "  \"%s_res%u\" [shape=note, label=\"res da %s%#llx\\nlen %#llx\"];\n"
				     "  \"%s\" -> \"%s_res%u\";\n",
				vcms[v].id, k, prefix(s, vc),
				(unsigned long long)shown(s, vc, vcm_get_dev_addr(r)),
				(unsigned long long)vcm_get_res_len(r), vcms[v].id, vcms[v].id, k);
			if (m != NULL)
				fprintf(out, "  \"%s_res%u\" -> \"%s\" [label=\"backed\"];\n",
					vcms[v].id, k, mem_id(s, m));
		}
	}
	for (unsigned int i = 0; i < nm; i++) {
		struct chunk_plan p;
		int mt = vcm_mem_memtype(mems[i].mem);

		plan_of(mems[i].mem, &p);
		plan_text(&p, buf, sizeof(buf));
		fprintf(out, "  \"%s\" [shape=box3d, label=\"%s\\n%s\\n%s\"];\n", mems[i].id,
			mems[i].id, mems[i].label, buf);
		if (mt >= 0)
			fprintf(out, "  \"%s\" -> \"memtype_%d\";\n", mems[i].id, mt);
	}
	for (unsigned int i = 0; i < s->d->nr_memtypes; i++) {
		fprintf(out, "  \"memtype_%u\" [shape=cylinder, label=\"memtype %u: ", i, i);
		dot_str(out, s->d->memtypes[i].name);
		fprintf(out, "\\n[%#llx, +%#llx)\"];\n", (unsigned long long)s->d->memtypes[i].base,
			(unsigned long long)s->d->memtypes[i].size);
	}
	fprintf(out, "}\n");
}

void soc_write_json(struct soc *s, FILE *out, const char *ind)
{
	struct node_mem mems[4];
	struct node_vcm vcms[3];
	unsigned int nm = mems_of(s, mems), nv = vcms_of(s, vcms);

	fprintf(out, "{\n%s  \"chunks\": \"%s\",\n%s  \"table_bytes\": %llu,\n%s  \"memtypes\": [",
		ind, s->small_only ? "4k-only" : "mixed", ind, (unsigned long long)tables_now(s),
		ind);
	for (unsigned int i = 0; i < s->d->nr_memtypes; i++) {
		/* names come from the description: any bytes but blanks, so json_str() */
		fprintf(out, "%s{\"index\": %u, \"name\": ", i ? ", " : "", i);
		json_str(out, s->d->memtypes[i].name);
		fprintf(out, ", \"pa\": %llu, \"len\": %llu}",
			(unsigned long long)s->d->memtypes[i].base,
			(unsigned long long)s->d->memtypes[i].size);
	}
	fprintf(out, "],\n%s  \"devices\": [", ind);
	for (unsigned int j = 0; j < s->d->nr_masters; j++) {
		const struct plat_iommu *p = &s->d->iommus[s->d->masters[j].iommu];
		vcm_pa_t pa = 0;

		vcm_get_pgtbl_pa(s->video, s->master[j], &pa);
		fprintf(out, "{\"name\": ");
		json_str(out, s->d->masters[j].name);
		fprintf(out, ", \"role\": \"%s\", \"iommu\": ",
			role_name(s->d->masters[j].role));
		json_str(out, p->name);
		fprintf(out, ", \"format\": \"%s\", \"vcm\": \"vcm_video\", \"active\": %s, "
			     "\"table_pa\": %llu}, ", plat_fmt_name(p->fmt),
			vcm_is_active(s->avcm[j]) == 1 ? "true" : "false", (unsigned long long)pa);
	}
	fprintf(out, "{\"name\": ");
	json_str(out, s->d->dma);
	fprintf(out, ", \"role\": \"dma\", \"vcm\": \"vcm_dma\", \"active\": true}, "
		     "{\"name\": \"cpu\", \"role\": \"cpu\", \"vcm\": \"vcm_cpu\", \"active\": true}],\n");
	fprintf(out, "%s  \"vcms\": [", ind);
	for (unsigned int v = 0; v < nv; v++) {
		unsigned int k = 0;

		struct vcm *vc = vcms[v].vcm;

		fprintf(out, "%s{\"id\": \"%s\", %s\"start\": %llu, \"len\": %llu, \"res\": [",
			v ? ", " : "", vcms[v].id,
			vc == s->cpu_vcm ? "\"addresses\": \"offsets in the CPU window\", " : "",
			(unsigned long long)shown(s, vc, vcm_get_start_addr(vc)),
			(unsigned long long)vcm_get_len(vc));
		for (struct vcm_res *r = vcm_get_next_res(vcms[v].vcm, NULL); r != NULL;
		     r = vcm_get_next_res(vcms[v].vcm, r), k++) {
			struct vcm_mem *m = vcm_get_physmem_from_res(r);

			fprintf(out, "%s{\"da\": %llu, \"len\": %llu, \"mem\": %s%s%s}", k ? ", " : "",
				(unsigned long long)shown(s, vc, vcm_get_dev_addr(r)),
				(unsigned long long)vcm_get_res_len(r), m ? "\"" : "",
				m ? mem_id(s, m) : "null", m ? "\"" : "");
		}
		fprintf(out, "]}");
	}
	fprintf(out, "],\n%s  \"mems\": [", ind);
	for (unsigned int i = 0; i < nm; i++) {
		uint64_t it = 0, len;
		vcm_pa_t pa;
		unsigned int k = 0;

		fprintf(out, "%s{\"id\": \"%s\", \"memtype\": %d, \"len\": %llu, \"chunks\": [",
			i ? ", " : "", mems[i].id, vcm_mem_memtype(mems[i].mem),
			(unsigned long long)vcm_mem_len(mems[i].mem));
		while (vcm_mem_next_chunk(mems[i].mem, &it, &pa, &len) == 0)
			fprintf(out, "%s[%llu, %llu]", k++ ? ", " : "", (unsigned long long)pa,
				(unsigned long long)len);
		fprintf(out, "]}");
	}
	fprintf(out, "]\n%s}", ind);
}
