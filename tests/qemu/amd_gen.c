// SPDX-License-Identifier: MIT
/*
 * Conformance of our AMD IOMMU v1 tables against QEMU's amd-iommu model, by
 * DMA. For each amdv1 row of tests/pgtable/pt_configs.h this program builds a
 * table in an arena placed at AQ_TABLES_PA, applies random maps and partial
 * unmaps (mirrored in the reference range model, which alone supplies the
 * expected answers), writes the device table with the DTE from vcm_pt_hw(),
 * picks DMA vectors (reads anywhere, mapped or not; writes to mapped pages,
 * read-only ones included) and runs amd_harness.c on q35 with the edu device
 * behind the amd-iommu.
 *
 * What QEMU can check: the walk (every level, NextLevel 0 and 7 pages, the
 * size encoding, Mode 3..6), IR and IW. Only output addresses inside the
 * guest's RAM window can be probed (AQ_WINDOW_*): output bits above 28 are
 * checked by the hand-computed vectors of test_pt_amdv1.c instead.
 *
 * Usage: vcm_amd_gen --workdir DIR --harness ELF --qemu BIN [--selftest]
 * Environment: VCM_QEMU_SEED, VCM_QEMU_ONLY, VCM_QEMU_VECTORS (default 4000).
 * --selftest corrupts one expectation in 50 and passes only when the harness
 * reports at least that many mismatches.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/pgtable.h>
#include <vcm/platform.h>
#include "model/range_model.h"
#include "pgtable/pt_configs.h"
#include "gen_common.h"
#include "amd_vectors.h"

#define NREGIONS 4U
#define NMAPS    60U
#define NUNMAPS  25U

struct opts {
	const char *workdir, *harness, *qemu;
	bool selftest;
};

struct run {
	const struct pt_config *c;
	struct gen_check k; /* the table, the model, counts */
	uint64_t space, ospace;
	uint64_t sizes[40];
	unsigned int nsizes;
	uint64_t region_size, region[NREGIONS];
	struct aq_vec *vec;
	uint32_t nvec, nread, nmapped;
};

static void do_map(struct run *r)
{
	unsigned int si = (unsigned int)gen_rnd_below(r->nsizes);
	uint64_t s = r->sizes[(gen_rnd() & 1U) ? si : (unsigned int)gen_rnd_below(si + 1U)];
	uint64_t len = s * (1U + gen_rnd_below(3)), da, pa, base;
	unsigned int prot = VCM_PT_PROT_READ | ((gen_rnd() & 1U) ? VCM_PT_PROT_WRITE : 0U);

	if ((gen_rnd() % 3U) == 0U)
		len += 0x1000U * gen_rnd_below(4);
	if (len > r->region_size)
		len = r->region_size;
	base = r->region[gen_rnd_below(NREGIONS)];
	da = base + gen_rnd_below((r->region_size - len) / s + 1U) * s;
	if ((gen_rnd() % 4U) == 0U && len <= 0x2000000U && da + len + 0x3000U <= base + r->region_size)
		da += 0x1000U * gen_rnd_below(4);
	/* Output inside the RAM window where it fits, so that it can be probed. */
	if (len + 0x3000U <= AQ_WINDOW_LEN / 2U)
		pa = AQ_WINDOW_PA + gen_rnd_below((AQ_WINDOW_LEN / 2U - len) / s + 1U) * s;
	else if ((gen_rnd() % 4U) != 0U)
		pa = AQ_WINDOW_PA & ~(s - 1U);
	else
		pa = gen_rnd_below((r->ospace - len) / s + 1U) * s;
	if ((gen_rnd() % 5U) == 0U && len <= 0x2000000U && pa + len + 0x3000U <= r->ospace)
		pa += 0x1000U * gen_rnd_below(4);

	gen_check_map(&r->k, da, pa, len, prot);
}

static void do_unmap(struct run *r)
{
	const struct model_map *m = &r->k.md.m[gen_rnd_below(r->k.md.n)];
	uint64_t pages = m->len / 0x1000U, first = gen_rnd_below(pages), n, da, len;

	n = (gen_rnd() & 1U) ? 1U : 1U + gen_rnd_below(pages - first);
	da = m->da + first * 0x1000U;
	len = n * 0x1000U;
	if (da < AQ_SCRATCH_DA + AQ_SCRATCH_LEN)
		return; /* the staging mapping stays */
	gen_check_unmap(&r->k, da, len);
}

/* QEMU's amd-iommu passes the interrupt range through untranslated (notes/qemu.md). */
static bool untranslated(uint64_t da)
{
	return da >= 0xfee00000U && da <= 0xfeefffffU;
}

/* One vector at @da (a read or, when mapped, a read or a write); false if unusable. */
static bool add_vec(struct run *r, uint64_t da, struct aq_vec *reads, struct aq_vec *writes,
		    uint32_t *nw)
{
	const struct model_map *m;
	struct aq_vec v = { 0 };

	da &= ~UINT64_C(7);
	if (da >= r->space || untranslated(da) || da < AQ_SCRATCH_DA + AQ_SCRATCH_LEN)
		return false;
	m = model_lookup(&r->k.md, da);
	v.da = da;
	v.kind = AQ_READ;
	if (m != NULL) {
		uint64_t lo = m->pa > AQ_WINDOW_PA ? m->pa : AQ_WINDOW_PA;
		uint64_t hi = m->pa + m->len < AQ_WINDOW_PA + AQ_WINDOW_LEN ?
			      m->pa + m->len : AQ_WINDOW_PA + AQ_WINDOW_LEN;

		v.pa = m->pa + (da - m->da);
		if (v.pa < AQ_WINDOW_PA || v.pa >= AQ_WINDOW_PA + AQ_WINDOW_LEN) {
			/* probe the part of the mapping whose output is in RAM, if any */
			if (lo >= hi)
				return false;
			v.pa = (lo + gen_rnd_below(hi - lo)) & ~UINT64_C(7);
			v.da = m->da + (v.pa - m->pa);
			if (untranslated(v.da))
				return false;
		}
		v.ok = 1;
		if (gen_rnd() & 1U) {
			v.kind = AQ_WRITE;
			v.ok = (m->prot & VCM_PT_PROT_WRITE) != 0U;
		}
		r->nmapped++;
	}
	if (v.kind == AQ_WRITE)
		writes[(*nw)++] = v;
	else
		reads[r->nread++] = v;
	return true;
}

static void make_vectors(struct run *r, uint32_t want)
{
	struct aq_vec *writes = calloc(want, sizeof(*writes));
	uint32_t nw = 0, tries = 0;

	r->vec = calloc(want, sizeof(*r->vec));
	if (r->vec == NULL || writes == NULL)
		abort();
	r->nread = 0;
	while (r->nread + nw < want && tries++ < want * 100U) {
		uint64_t da;

		if (r->nread + nw < 4U) {
			da = tries == 1U ? r->space - 8U : r->space - 0x1000U + gen_rnd_below(0x1000U);
		} else {
			switch (gen_rnd() % 4U) {
			case 0:
				da = gen_rnd_below(r->space);
				break;
			case 1:
				da = r->region[gen_rnd_below(NREGIONS)] + gen_rnd_below(r->region_size);
				break;
			default: {
				const struct model_map *m = &r->k.md.m[gen_rnd_below(r->k.md.n)];

				da = (gen_rnd() & 3U) == 0U ? m->da + m->len - 8U + (gen_rnd() & 8U) :
							   m->da + gen_rnd_below(m->len);
				break;
			}
			}
		}
		add_vec(r, da, r->vec, writes, &nw);
	}
	/* reads first, then writes: fewer staging transfers in the harness */
	memcpy(&r->vec[r->nread], writes, nw * sizeof(*writes));
	r->nvec = r->nread + nw;
	free(writes);
}

static uint32_t corrupt(struct run *r)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->nvec; i += 50U, n++) {
		struct aq_vec *v = &r->vec[i];

		if (v->kind == AQ_READ && v->ok == 0U) {
			v->ok = 1; /* claim mapped */
			v->pa = AQ_WINDOW_PA + 8U * i;
		} else if ((i / 50U) % 2U == 0U || (v->kind == AQ_WRITE && v->ok == 0U)) {
			/* (a denied write moves nothing, so its pa cannot be wrong) */
			v->ok = !v->ok; /* allowed <-> denied */
		} else {
			v->pa ^= 0x1000U; /* another page of the window */
		}
	}
	return n;
}

/* amd_harness.c's summary line; its banner is dropped. */
static int parse_summary(const char *line, struct gen_result *res)
{
	unsigned int nr, nw;

	if (sscanf(line, "amd: %u vectors (%u reads, %u writes), %u mismatches", &res->vectors,
		   &nr, &nw, &res->mismatches) == 4)
		return 1;
	return strcmp(line, "amd harness\n") == 0 ? -1 : 0;
}

/* isa-debug-exit: QEMU exits with (code << 1) | 1; the harness's code is 1 on a mismatch */
static int exit_status(unsigned int mismatches)
{
	return mismatches != 0U ? 3 : 1;
}

/* Runs QEMU; the mismatch count from the harness's summary, or -1. */
static long run_qemu(const struct run *r, const struct opts *o, const char *tables,
		     const char *devtab, const char *vectors)
{
	char cmd[4096];

	/*
	 * -icount: the edu device finishes a DMA on a 100 ms virtual-clock timer;
	 * counting virtual time in instructions makes that wait short in real time.
	 */
	if (!gen_fit(snprintf(cmd, sizeof(cmd),
			      "timeout 300 %s -machine q35 -device amd-iommu "
			      "-device edu,addr=4,dma_mask=0xffffffffffffffff -m 512 -icount shift=10 "
			      "-display none -vga none -nic none -serial none -monitor none "
			      "-debugcon stdio -device isa-debug-exit,iobase=0xf4,iosize=4 -kernel %s "
			      "-device loader,file=%s,addr=0x%x,force-raw=on "
			      "-device loader,file=%s,addr=0x%x,force-raw=on "
			      "-device loader,file=%s,addr=0x%x,force-raw=on </dev/null 2>&1",
			      o->qemu, o->harness, tables, AQ_TABLES_PA, devtab, AQ_DEVTAB_PA,
			      vectors, AQ_VECTORS_PA),
		     sizeof(cmd)))
		return -1;
	return gen_run_qemu(cmd, r->nvec, parse_summary, exit_status, NULL);
}

static int run_config(const struct pt_config *c, uint64_t seed, const struct opts *o,
		      uint32_t nvecs)
{
	struct run r = { .c = c };
	struct gen_table t;
	struct vcm_pt_cfg cfg = { 0 };
	struct vcm_hw_regs hw = { 0 };
	struct aq_header h = { 0 };
	uint64_t devtab[AQ_DEVTAB_LEN / 8U] = { 0 };
	char tables[1024], dt[1024], vectors[1024];
	uint32_t corrupted;
	uint64_t bm, leaf_sizes;
	long mism = -1;

	gen_seed(seed);
	cfg.fmt = c->fmt;
	cfg.ias = c->ias;
	cfg.oas = c->oas;
	cfg.flags = c->flags;
	cfg.page_sizes = pt_config_page_sizes(c);
	if (gen_table_open(&t, c->name, &cfg, AQ_TABLES_PA, AQ_TABLES_MAX) != 0)
		return -1;
	r.k.pt = t.pt;
	model_init(&r.k.md);
	r.space = UINT64_C(1) << c->ias; /* the amdv1 rows stop at 63 bits */
	r.ospace = UINT64_C(1) << c->oas;
	bm = vcm_pt_page_sizes(r.k.pt);
	for (unsigned int b = 0; b < 64U; b++)
		if ((bm >> b) & 1U && (UINT64_C(1) << b) <= r.space / 4U)
			r.sizes[r.nsizes++] = UINT64_C(1) << b;
	r.region_size = r.sizes[r.nsizes - 1U] * 32U;
	if (r.region_size > r.space / 2U)
		r.region_size = r.space / 2U;
	r.region[0] = 0;
	r.region[1] = r.space - r.region_size;
	for (unsigned int i = 2; i < NREGIONS; i++)
		r.region[i] = gen_rnd_below(r.space / r.region_size) * r.region_size;

	/* the harness stages the device buffer through this mapping */
	if (vcm_pt_map(r.k.pt, AQ_SCRATCH_DA, AQ_SCRATCH_PA, AQ_SCRATCH_LEN,
		       VCM_PT_PROT_READ | VCM_PT_PROT_WRITE) != 0 ||
	    !model_map(&r.k.md, AQ_SCRATCH_DA, AQ_SCRATCH_PA, AQ_SCRATCH_LEN,
		       VCM_PT_PROT_READ | VCM_PT_PROT_WRITE))
		gen_mismatch(&r.k, "staging map", AQ_SCRATCH_DA, AQ_SCRATCH_LEN, -1, 0);
	for (unsigned int i = 0; i < NMAPS + NUNMAPS; i++) {
		if (gen_rnd_below(NMAPS + NUNMAPS) < NMAPS)
			do_map(&r);
		else
			do_unmap(&r);
	}
	make_vectors(&r, nvecs);
	leaf_sizes = gen_table_leaf_sizes(&t, r.space);
	corrupted = o->selftest ? corrupt(&r) : 0U;

	vcm_pt_hw(r.k.pt, &hw);
	devtab[AQ_EDU_DEVFN * 4U] = hw.regs[0]; /* DTE bits 63:0; the rest 0 */
	h.magic = AQ_MAGIC;
	h.count = r.nvec;
	h.salt = seed;
	if (gen_blob_path(tables, sizeof(tables), o->workdir, c->name, "tables") &&
	    gen_blob_path(dt, sizeof(dt), o->workdir, c->name, "devtab") &&
	    gen_blob_path(vectors, sizeof(vectors), o->workdir, c->name, "vectors") &&
	    gen_write_file(tables, t.arena.cpu, gen_table_used(&t), NULL, 0) == 0 &&
	    gen_write_file(dt, devtab, sizeof(devtab), NULL, 0) == 0 &&
	    gen_write_file(vectors, &h, sizeof(h), r.vec, r.nvec * sizeof(*r.vec)) == 0)
		mism = run_qemu(&r, o, tables, dt, vectors);

	printf("%-16s seed=%#" PRIx64 " levels=%u DTE=%#" PRIx64 " leaves=%#" PRIx64 "/%#" PRIx64
	       " maps=%u unmaps=%u vectors=%u (reads %u, mapped %u) mismatches=%ld%s\n",
	       c->name, seed, hw.levels, hw.regs[0], leaf_sizes, bm, r.k.maps, r.k.unmaps, r.nvec,
	       r.nread, r.nmapped, mism, r.k.errors != 0U ? " GENERATOR-ERRORS" : "");
	if (o->selftest)
		mism = gen_selftest_verdict(corrupted, mism);
	fflush(stdout);
	free(r.vec);
	model_free(&r.k.md);
	gen_table_close(&t);
	return mism == 0 && r.k.errors == 0U ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct opts o = { 0 };
	const struct gen_opt opts[] = {
		{ "--selftest", NULL, &o.selftest },
		{ "--workdir", &o.workdir, NULL },
		{ "--harness", &o.harness, NULL },
		{ "--qemu", &o.qemu, NULL },
		{ NULL, NULL, NULL },
	};
	struct gen_env env;
	unsigned int ran = 0, failed = 0;

	if (gen_parse_opts(argc, argv, opts) != 0 || o.workdir == NULL || o.harness == NULL ||
	    o.qemu == NULL) {
		fprintf(stderr, "usage: vcm_amd_gen --workdir DIR --harness ELF --qemu BIN "
				"[--selftest]\n");
		return 2;
	}
	gen_env_read(&env, AQ_MAX_VECS);
	printf("amdv1: base seed %#" PRIx64 " (VCM_QEMU_SEED), %u vectors per config\n", env.base,
	       env.nvecs);
	for (size_t i = 0; i < PT_NCONFIGS; i++) {
		const struct pt_config *c = &pt_configs[i];

		/* the generator counts the space as 1 << ias; the 64-bit row is
		 * tests/pgtable's (test_pt_top, test_pt_props) */
		if (c->fmt != &vcm_pt_fmt_amdv1 || c->ias >= 64U || !gen_env_wants(&env, c->name))
			continue;
		ran++;
		if (run_config(c, gen_env_seed(&env, c->name), &o, env.nvecs) != 0)
			failed++;
	}
	printf("amdv1: %u configs, %u failed\n", ran, failed);
	return ran == 0U || failed != 0U ? 1 : 0;
}
