// SPDX-License-Identifier: MIT
/*
 * Conformance of the x86_64 format against QEMU's x86 MMU (qemu-system-x86_64
 * -cpu max, TCG). For each configuration: build a table in an arena placed at
 * VQX_TABLES_PA, map the harness region onto itself, apply random maps and
 * partial unmaps mirrored in the reference range model (which alone supplies
 * the expected answers: vcm_pt_lookup is never used), pick vectors, write
 * tables.bin and vectors.bin, and boot the harness (start_x86.S,
 * harness_x86.c), which runs on those very tables and touches every vector.
 *
 * Usage: vcm_qemu_gen_x86 --workdir DIR --harness ELF --qemu BIN [--vtd] [--selftest]
 * --vtd runs the vtd_ss configurations with the VT-d harness (harness_vtd.c)
 * instead: DMA by edu through intel-iommu, VCM_QEMU_VTD_VECTORS (default 120)
 * vectors per configuration.
 * Environment: VCM_QEMU_SEED, VCM_QEMU_ONLY, VCM_QEMU_VECTORS as qemu_gen.c.
 * --selftest corrupts one expectation in 50 (an unmapped address called
 * mapped, a wrong output page, write or user rights flipped, a mapping called
 * unmapped) and passes only when the harness reports at least that many.
 *
 * What QEMU checks here: presence, the output address (by content, for
 * outputs in RAM), R/W with CR0.WP, U/S through SMAP, that no entry sets a
 * reserved bit (for MAXPHYADDR 40, the XD bit with EFER.NXE, the PAT bit of
 * large pages), 4K/2M/1G leaves, both canonical halves, 4 and 5 levels.
 * Not checked (QEMU keeps no caches; executing random memory is not safe):
 * the memory type (PWT/PCD/PAT index), XD on fetch, G. The hand vectors in
 * tests/pgtable/test_pt_vectors_x86.c cover those bits.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/pgtable.h>
#include <vcm/platform.h>
#include "model/range_model.h"
#include "gen_common.h"
#include "vectors_x86.h"

struct qcfg {
	const char *name;
	const struct vcm_pt_fmt *fmt;
	unsigned int aw_bits; /* vtd_ss: intel-iommu's aw-bits; 0 for x86_64 */
	unsigned int ias, oas;
	uint64_t pat; /* cfg->mair: IA32_PAT, 0 = power-up value */
	uint64_t page_sizes;
};

/* QEMU's TCG CPUs have MAXPHYADDR 40. */
static const struct qcfg configs[] = {
	{ "x86_64-4l", &vcm_pt_fmt_x86_64, 0, 48, 40, 0, 0 },
	{ "x86_64-5l", &vcm_pt_fmt_x86_64, 0, 57, 40, 0, 0 },
	/* WT at index 5 and UC- at 6: the PAT bit in PTEs (7) and PDEs/PDPTEs (12) */
	{ "x86_64-4l-pat", &vcm_pt_fmt_x86_64, 0, 48, 40, UINT64_C(0x0007040600060006), 0 },
	{ "x86_64-5l-2m", &vcm_pt_fmt_x86_64, 0, 57, 40, 0, 0x1000 | 0x200000 },
	/*
	 * VT-d: QEMU 7.2 takes aw-bits 39 or 48 only (no 5-level second stage) and
	 * uses it as the host address width too, so oas <= aw-bits.
	 */
	{ "vtd_ss-39", &vcm_pt_fmt_vtd_ss, 39, 39, 39, 0, 0 },
	{ "vtd_ss-48", &vcm_pt_fmt_vtd_ss, 48, 48, 48, 0, 0 },
	{ "vtd_ss-39-aw48", &vcm_pt_fmt_vtd_ss, 48, 39, 48, 0, 0 },
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

#define NMAPS 140U
#define NUNMAPS 60U
#define NREGIONS 5U

struct opts {
	const char *workdir, *harness, *qemu;
	bool selftest, vtd;
};

struct run {
	const struct qcfg *c;
	struct gen_check k; /* the table, the model, counts */
	uint64_t space, ospace;
	uint64_t sizes[4];
	unsigned int nsizes;
	uint64_t region_size, region[NREGIONS];
	struct vqx_vec *vec;
	uint32_t nvec, cap, mapped, data;
};

#define G4K UINT64_C(0x1000)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1U) & ~(a - 1U);
}

/* The program's address of @da: bit ias-1 extended upwards (canonical form). */
static uint64_t canonical(const struct run *r, uint64_t da)
{
	unsigned int sh = 64U - r->c->ias;

	if (r->c->aw_bits != 0U)
		return da; /* an IOVA is not sign-extended */
	return (uint64_t)((int64_t)(da << sh) >> sh);
}

/* Regions keep the tables bounded: one above the harness, one at the top, the rest random. */
static void pick_regions(struct run *r)
{
	uint64_t rs = r->sizes[r->nsizes - 1U] * 32U;

	r->region_size = rs;
	r->region[0] = VQX_IDENT_END; /* shares its first tables with the harness map */
	r->region[1] = r->space - rs;
	for (unsigned int i = 2; i < NREGIONS; i++)
		r->region[i] = gen_rnd_below(r->space / rs) * rs;
}

static unsigned int random_prot(bool vtd)
{
	static const unsigned int cache[3] = { VCM_PT_CACHE_WBWA, VCM_PT_CACHE_NC,
					       VCM_PT_CACHE_WT };
	unsigned int prot = VCM_PT_PROT_READ;
	unsigned int c = cache[gen_rnd_below(3)];

	if (gen_rnd() & 1U)
		prot |= VCM_PT_PROT_WRITE;
	if ((gen_rnd() & 3U) == 0U)
		prot |= VCM_PT_PROT_EXEC;
	if (!vtd && (gen_rnd() % 3U) == 0U)
		prot |= VCM_PT_PROT_USER;
	if (!vtd && (gen_rnd() & 3U) == 0U)
		prot |= VCM_PT_PROT_NONGLOBAL;
	if ((gen_rnd() % 5U) == 0U)
		return prot | VCM_PT_PROT_DEVICE;
	return prot | VCM_PT_PROT_INNER(c) | VCM_PT_PROT_OUTER(c);
}

/* An output address for [pa, +len) aligned to @s: checked RAM or the empty space above 4 GiB. */
static uint64_t pick_pa(const struct run *r, uint64_t s, uint64_t len)
{
	uint64_t lo = align_up(VQX_RAM_LO, s);

	if ((gen_rnd() & 1U) != 0U && lo + len <= VQX_RAM_HI)
		return lo + gen_rnd_below((VQX_RAM_HI - lo - len) / s + 1U) * s;
	lo = align_up(VQX_HIGH_LO, s);
	return lo + gen_rnd_below((r->ospace - lo - len) / s + 1U) * s;
}

static bool in_window(const struct run *r, uint64_t pa, uint64_t len)
{
	return (pa >= VQX_RAM_LO && pa + len <= VQX_RAM_HI) ||
	       (pa >= VQX_HIGH_LO && pa + len <= r->ospace);
}

static void do_map(struct run *r)
{
	unsigned int si = (unsigned int)gen_rnd_below(r->nsizes);
	uint64_t s = r->sizes[(gen_rnd() & 1U) ? si : (unsigned int)gen_rnd_below(si + 1U)];
	uint64_t len = s * (1U + gen_rnd_below(3)), da, pa, base;
	unsigned int prot = random_prot(r->c->aw_bits != 0U);

	if ((gen_rnd() % 3U) == 0U)
		len += G4K * gen_rnd_below(4);
	if (len > r->region_size)
		len = r->region_size;
	base = r->region[gen_rnd_below(NREGIONS)];
	da = base + gen_rnd_below((r->region_size - len) / s + 1U) * s;
	if ((gen_rnd() % 4U) == 0U && len / G4K <= 8192U && da + len + G4K * 3U <= base + r->region_size)
		da += G4K * gen_rnd_below(4);
	if (base == r->region[1] && (gen_rnd() % 4U) == 0U)
		da = r->space - len;
	pa = pick_pa(r, s, len);
	if ((gen_rnd() % 5U) == 0U && len / G4K <= 8192U && in_window(r, pa + G4K * 3U, len))
		pa += G4K * gen_rnd_below(4);
	gen_check_map(&r->k, da, pa, len, prot);
}

static void do_unmap(struct run *r)
{
	uint64_t da, len;

	if (r->k.md.n != 0U && (gen_rnd() % 8U) != 0U) {
		const struct model_map *m = &r->k.md.m[gen_rnd_below(r->k.md.n)];
		uint64_t pages = m->len / G4K, first = gen_rnd_below(pages), n;

		switch (gen_rnd() % 4U) {
		case 0:
			n = 1;
			break;
		case 1:
			first = 0;
			n = 1 + gen_rnd_below(pages);
			break;
		case 2:
			n = 1 + gen_rnd_below(pages * 2U);
			break;
		default:
			n = 1 + gen_rnd_below(pages - first);
			break;
		}
		da = m->da + first * G4K;
		len = n * G4K;
		if (len > r->space - da)
			len = r->space - da;
	} else {
		uint64_t base = r->region[gen_rnd_below(NREGIONS)];

		len = G4K * (1U + gen_rnd_below(64));
		da = base + gen_rnd_below((r->region_size - len) / G4K + 1U) * G4K;
	}
	if (da < VQX_IDENT_END)
		return; /* the harness runs there */
	gen_check_unmap(&r->k, da, len);
}

static void add_vec(struct run *r, uint64_t da)
{
	const struct model_map *m;
	struct vqx_vec *v;

	if (r->nvec == r->cap || da < VQX_IDENT_END || da >= r->space)
		return; /* the harness's own memory is not touched; da - x may wrap */
	v = &r->vec[r->nvec++];
	memset(v, 0, sizeof(*v));
	v->va = canonical(r, da);
	m = model_lookup(&r->k.md, da);
	if (m == NULL)
		return;
	v->pa = m->pa + (da - m->da);
	v->expect = VQX_R;
	if ((m->prot & VCM_PT_PROT_WRITE) != 0U)
		v->expect |= VQX_W;
	if ((m->prot & VCM_PT_PROT_USER) != 0U)
		v->expect |= VQX_U;
	if (v->pa >= VQX_RAM_LO && v->pa + 8U <= VQX_RAM_HI)
		v->expect |= VQX_DATA;
	/* VT-d writes markers: one vector per checked word, or a later read sees a marker */
	for (uint32_t i = 0; r->c->aw_bits != 0U && (v->expect & VQX_DATA) != 0U &&
			     i + 1U < r->nvec; i++)
		if ((r->vec[i].expect & VQX_DATA) != 0U &&
		    ((r->vec[i].pa ^ v->pa) & ~UINT64_C(7)) == 0U) {
			r->nvec--;
			return;
		}
}

static void make_vectors(struct run *r, uint32_t want)
{
	r->cap = want;
	r->vec = calloc(want, sizeof(*r->vec));
	if (r->vec == NULL)
		abort();
	add_vec(r, r->space - 1U);
	add_vec(r, r->space - G4K);
	add_vec(r, r->space / 2U);      /* the first upper-half address */
	add_vec(r, r->space / 2U - 8U); /* the last lower-half one */
	for (size_t i = 0; i < r->k.md.n && r->nvec + 5U <= r->cap / 2U; i++) {
		const struct model_map *m = &r->k.md.m[i];

		add_vec(r, m->da + gen_rnd_below(G4K));
		add_vec(r, m->da + m->len - 1U - gen_rnd_below(G4K));
		add_vec(r, m->da + gen_rnd_below(m->len));
		add_vec(r, m->da - 1U - gen_rnd_below(G4K));
		if (m->da + m->len < r->space)
			add_vec(r, m->da + m->len + gen_rnd_below(G4K));
	}
	while (r->nvec < r->cap) {
		switch (gen_rnd() % 4U) {
		case 0:
			add_vec(r, gen_rnd_below(r->space));
			break;
		case 1:
			add_vec(r, r->region[gen_rnd_below(NREGIONS)] + gen_rnd_below(r->region_size));
			break;
		default:
			if (r->k.md.n != 0U) {
				const struct model_map *m = &r->k.md.m[gen_rnd_below(r->k.md.n)];

				add_vec(r, m->da + gen_rnd_below(m->len));
			}
			break;
		}
	}
	for (uint32_t i = 0; i < r->nvec; i++) {
		r->vec[i].va &= ~UINT64_C(7); /* whole aligned words */
		r->vec[i].pa &= ~UINT64_C(7);
	}
}

static uint32_t corrupt(struct run *r)
{
	uint32_t n = 0;

	uint32_t every = r->c->aw_bits != 0U ? 10U : 50U;

	for (uint32_t i = 0; i < r->nvec; i += every, n++) {
		struct vqx_vec *v = &r->vec[i];

		if (v->expect == 0U) {
			v->expect = VQX_R; /* claim mapped: QEMU faults */
			continue;
		}
		switch ((i / every) % 4U) {
		case 0:
			if ((v->expect & VQX_DATA) != 0U) {
				v->pa ^= G4K; /* another page's signature */
				break;
			}
			/* fall through */
		case 1:
			v->expect ^= VQX_W;
			break;
		case 2:
			if (r->c->aw_bits == 0U) {
				v->expect ^= VQX_U; /* no user pages in a second stage */
				break;
			}
			/* fall through */
		default:
			v->expect = 0; /* claim unmapped: QEMU translates */
			break;
		}
	}
	return n;
}

/* isa-debug-exit: status = code * 2 + 1, code = min(mismatches, 127) */
static int exit_status(unsigned int mismatches)
{
	return (mismatches > 127U ? 127 : (int)mismatches) * 2 + 1;
}

static long run_qemu(const struct run *r, const struct opts *o, const char *tables,
		     const char *vectors, uint32_t *ats)
{
	char cmd[2048], iommu[160] = "";

	/* edu's default 28-bit dma_mask would cut IOVAs (notes/qemu.md) */
	if (r->c->aw_bits != 0U)
		snprintf(iommu, sizeof(iommu), "-device intel-iommu,aw-bits=%u "
			 "-device edu,dma_mask=0xffffffffffffffff ", r->c->aw_bits);
	if (!gen_fit(snprintf(cmd, sizeof(cmd),
			      "timeout 120 %s -machine q35 -cpu max -m 2048 -display none -nodefaults "
			      "-serial stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=4 %s"
			      "-kernel %s -device loader,file=%s,addr=0x%x,force-raw=on "
			      "-device loader,file=%s,addr=0x%x,force-raw=on </dev/null 2>&1",
			      o->qemu, iommu, o->harness, tables, VQX_TABLES_PA, vectors,
			      VQX_VECTORS_PA),
		     sizeof(cmd)))
		return -1;
	return gen_run_qemu(cmd, r->nvec, gen_parse_result_line, exit_status, ats);
}

static int run_config(const struct qcfg *c, uint64_t seed, uint64_t base, const struct opts *o,
		      uint32_t nvecs)
{
	struct run r = { .c = c };
	struct gen_table t;
	struct vcm_pt_cfg cfg = { 0 };
	struct vcm_hw_regs hw = { 0 };
	struct vqx_header h = { 0 };
	char tables[1024], vectors[1024];
	uint32_t ats = 0, corrupted;
	uint64_t bm, leaf_sizes;
	long mism = -1;
	int ret;

	gen_seed(seed);
	cfg.fmt = c->fmt;
	cfg.ias = c->ias;
	cfg.oas = c->oas;
	cfg.mair = c->pat;
	cfg.page_sizes = c->page_sizes;
	if (gen_table_open(&t, c->name, &cfg, VQX_TABLES_PA, VQX_TABLES_MAX) != 0)
		return -1;
	r.k.pt = t.pt;
	model_init(&r.k.md);
	r.space = UINT64_C(1) << c->ias;
	r.ospace = UINT64_C(1) << c->oas;
	bm = vcm_pt_page_sizes(r.k.pt);
	for (unsigned int b = 12; b < 64U; b++)
		if ((bm & (UINT64_C(1) << b)) != 0U)
			r.sizes[r.nsizes++] = UINT64_C(1) << b;
	pick_regions(&r);
	/* The harness, its blob and its stack: supervisor, writable, executable, WB. */
	ret = vcm_pt_map(r.k.pt, 0, 0, VQX_IDENT_END,
			 VCM_PT_PROT_READ | VCM_PT_PROT_WRITE | VCM_PT_PROT_EXEC);
	if (ret != 0 || !model_map(&r.k.md, 0, 0, VQX_IDENT_END, 0))
		gen_mismatch(&r.k, "harness map", 0, VQX_IDENT_END, ret, 0);
	for (unsigned int i = 0; i < NMAPS + NUNMAPS; i++) {
		if (gen_rnd_below(NMAPS + NUNMAPS) < NMAPS || r.k.md.n <= 1U)
			do_map(&r);
		else
			do_unmap(&r);
	}
	make_vectors(&r, nvecs);
	for (uint32_t i = 0; i < r.nvec; i++) {
		r.mapped += r.vec[i].expect != 0U;
		r.data += (r.vec[i].expect & VQX_DATA) != 0U;
	}
	leaf_sizes = gen_table_leaf_sizes(&t, r.space);
	corrupted = o->selftest ? corrupt(&r) : 0U;
	vcm_pt_hw(r.k.pt, &hw);
	h.magic = VQX_MAGIC;
	h.version = VQX_VERSION;
	h.count = r.nvec;
	memcpy(h.regs, hw.regs, sizeof(h.regs));
	if (gen_blob_path(tables, sizeof(tables), o->workdir, c->name, "tables") &&
	    gen_blob_path(vectors, sizeof(vectors), o->workdir, c->name, "vectors") &&
	    gen_write_file(tables, t.arena.cpu, gen_table_used(&t), NULL, 0) == 0 &&
	    gen_write_file(vectors, &h, sizeof(h), r.vec, r.nvec * sizeof(*r.vec)) == 0)
		mism = run_qemu(&r, o, tables, vectors, &ats);
	printf("%-14s seed=%#" PRIx64 " levels=%u leaves=%#" PRIx64 "/%#" PRIx64
	       " maps=%u unmaps=%u vectors=%u mapped=%u data=%u accesses=%u mismatches=%ld%s\n",
	       c->name, seed, hw.levels, leaf_sizes, vcm_pt_page_sizes(r.k.pt), r.k.maps, r.k.unmaps,
	       r.nvec, r.mapped, r.data, ats, mism, r.k.errors != 0U ? " GENERATOR-ERRORS" : "");
	if (o->selftest)
		mism = gen_selftest_verdict(corrupted, mism);
	if (mism != 0 || r.k.errors != 0U)
		gen_print_rerun(c->name, &hw, base);
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
		{ "--vtd", NULL, &o.vtd },
		{ "--workdir", &o.workdir, NULL },
		{ "--harness", &o.harness, NULL },
		{ "--qemu", &o.qemu, NULL },
		{ NULL, NULL, NULL },
	};
	struct gen_env env;
	unsigned int ran = 0, failed = 0;

	if (gen_parse_opts(argc, argv, opts) != 0 || o.workdir == NULL || o.harness == NULL ||
	    o.qemu == NULL) {
		fprintf(stderr, "usage: vcm_qemu_gen_x86 --workdir DIR --harness ELF --qemu BIN "
				"[--vtd] [--selftest]\n");
		return 2;
	}
	gen_env_read(&env, VQX_MAX_VECS);
	if (o.vtd) {
		/* about 0.1 s of edu DMA per access, and one buffer slot per vector */
		const char *e = getenv("VCM_QEMU_VTD_VECTORS");

		env.nvecs = e != NULL ? (uint32_t)strtoul(e, NULL, 0) : 120U;
		if (env.nvecs < 20U || env.nvecs > VQX_VTD_MAX)
			env.nvecs = 120;
	}
	printf("%s: base seed %#" PRIx64 " (VCM_QEMU_SEED), %u vectors per config\n",
	       o.vtd ? "vtd_ss" : "x86_64", env.base, env.nvecs);
	for (unsigned int i = 0; i < NCONFIGS; i++) {
		if (!gen_env_wants(&env, configs[i].name))
			continue;
		if ((configs[i].aw_bits != 0U) != o.vtd)
			continue;
		ran++;
		if (run_config(&configs[i], gen_env_seed(&env, configs[i].name), env.base, &o,
			       env.nvecs) != 0)
			failed++;
	}
	printf("%s: %u configs, %u failed\n", o.vtd ? "vtd_ss" : "x86_64", ran, failed);
	return ran == 0U || failed != 0U ? 1 : 0;
}
