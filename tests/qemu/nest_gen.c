// SPDX-License-Identifier: MIT
/*
 * Nested translation against QEMU's MMU: a guest's stage-1 table (its table
 * addresses and outputs are IPAs) over a host's stage-2 table, both built by
 * the page-table layer, both enabled in the harness (HCR_EL2.VM, SCTLR_EL1.M),
 * each vector asked with AT S12E1R/W and AT S1E1R/W (harness.c, nest_run()).
 *
 * The expected answers are the simulated nested SMMU's (vcm_sim_iommu_walk and
 * _translate on a VCM_SIM_IOMMU_SMMU_NESTED bank over the same bytes), and
 * every one of them is first checked against the two reference range models
 * composed by hand (guest va -> IPA, host IPA -> pa): a disagreement is a
 * generator error. The host maps the guest's table pages except a few, so
 * some walks meet a stage-2 fault on a stage-1 table (PAR_EL1.S = 1, PTW =
 * 1); host holes under guest data give stage-2 faults on the output (S = 1,
 * PTW = 0); read-only pages of either stage give permission faults of that
 * stage.
 *
 * Usage: vcm_qemu_nest_gen --workdir DIR --harness-a64 ELF --qemu-a64 BIN [--selftest]
 * Environment: as qemu_gen.c (VCM_QEMU_SEED, VCM_QEMU_ONLY, VCM_QEMU_VECTORS).
 * --selftest changes one answer in 50 (an output page, a fault's stage, level
 * or PTW bit, success into a fault) and passes only when the harness reports
 * at least that many mismatches.
 *
 * One known difference from the manual is encoded, counted and printed
 * (qemu-7.2-level=N): the level QEMU 7.2 gives a stage-2 fault on the
 * stage-1 walk (s1_fetch_level()).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vcm/pgtable.h>
#include <vcm/platform.h>
#include <vcm/sim.h>
#include "model/range_model.h"
#include "gen_common.h"
#include "vectors.h"

struct ncfg {
	const char *name;
	unsigned int granule_lg2;
	unsigned int s1_ias, ipa_bits, s2_oas;
};

/* cortex-a57: 4K and 64K granules, PARange 44 bits */
static const struct ncfg configs[] = {
	{ "nest-4k", 12, 39, 40, 44 },
	{ "nest-64k", 16, 42, 40, 44 },
	{ "nest-4k-ipa36", 12, 36, 36, 40 },
};
#define NCONFIGS (sizeof(configs) / sizeof(configs[0]))

/*
 * Physical layout: the host's tables at VQ_TABLES_PA, the guest's right after
 * them; the guest's tables sit at IPA G_IPA (the host maps IPA G_IPA + n to
 * G_PA + n). Guest data IPAs lie in NDATA windows of DATA_LEN below G_IPA.
 */
#define H_LEN    (UINT64_C(16) << 20) /* 64K tables split 512M blocks: room for many */
#define G_PA     (VQ_TABLES_PA + H_LEN)
#define G_LEN    (UINT64_C(16) << 20)
_Static_assert(H_LEN + G_LEN <= VQ_TABLES_MAX, "both arenas fit below the vector blob");
#define NDATA    4U
#define NREGIONS 4U
#define NMAPS    90U
#define NUNMAPS  30U
#define NHUNMAPS 40U
#define PTW_HOLES 3U /* the last one stays mapped without read permission */

struct nrun {
	const struct ncfg *c;
	uint64_t g, g_ipa, data_len, region_len;
	struct gen_table gt, ht;
	struct gen_check gk, hk;
	uint64_t region[NREGIONS];
	uint64_t holes[PTW_HOLES];
	struct vq_nvec *vec;
	uint32_t nvec;
	unsigned int errors;
	/* ok, s1 xlat, s1 perm, s2 xlat, s2 perm, s2 xlat on the walk, s2 perm on the walk */
	unsigned int outcomes[7];
	struct vcm_hw_regs ghw;   /* the guest's registers */
	unsigned int qemu_level;  /* walk faults whose QEMU 7.2 level is not the manual's */
};

static uint64_t data_ipa(const struct nrun *r, unsigned int i)
{
	return (uint64_t)i * r->data_len;
}

/* The simulated IOMMU reads both arenas by their physical addresses. */
static void *sim_mem(void *ctx, vcm_pa_t pa)
{
	struct nrun *r = ctx;

	if (pa >= VQ_TABLES_PA && pa - VQ_TABLES_PA < H_LEN)
		return (uint8_t *)r->ht.mem + (pa - VQ_TABLES_PA);
	if (pa >= G_PA && pa - G_PA < G_LEN)
		return (uint8_t *)r->gt.mem + (pa - G_PA);
	return NULL;
}

static void *meta_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void meta_free(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)size;
	free(p);
}

static unsigned int rnd_prot(void)
{
	return VCM_PT_PROT_READ | ((gen_rnd() % 3U) != 0U ? VCM_PT_PROT_WRITE : 0U);
}

static uint64_t rnd_size(const struct nrun *r, uint64_t bm, uint64_t max)
{
	uint64_t sizes[8];
	unsigned int n = 0;

	for (unsigned int b = 0; b < 64U && n < 8U; b++)
		if ((bm & (UINT64_C(1) << b)) != 0U && (UINT64_C(1) << b) <= max)
			sizes[n++] = UINT64_C(1) << b;
	if (n == 0U)
		return r->g;
	/* small leaves mostly */
	return sizes[(gen_rnd() & 1U) != 0U ? 0U : gen_rnd_below(n)];
}

/* The guest: maps from its VA regions to IPAs in the data windows. */
static void build_guest(struct nrun *r)
{
	uint64_t bm = vcm_pt_page_sizes(r->gk.pt);

	for (unsigned int i = 0; i < NMAPS + NUNMAPS; i++) {
		uint64_t base = r->region[gen_rnd_below(NREGIONS)];

		if (gen_rnd_below(NMAPS + NUNMAPS) < NMAPS || r->gk.md.n == 0U) {
			uint64_t s = rnd_size(r, bm, r->data_len / 8U);
			uint64_t len = s * (1U + gen_rnd_below(3));
			uint64_t da = base + gen_rnd_below((r->region_len - len) / s + 1U) * s;
			uint64_t win = data_ipa(r, (unsigned int)gen_rnd_below(NDATA));
			uint64_t ipa = win + gen_rnd_below((r->data_len - len) / s + 1U) * s;

			gen_check_map(&r->gk, da, ipa, len, rnd_prot());
		} else {
			const struct model_map *m = &r->gk.md.m[gen_rnd_below(r->gk.md.n)];
			uint64_t pages = m->len / r->g;
			uint64_t first = gen_rnd_below(pages); /* one draw a statement: */
			uint64_t n = 1U + gen_rnd_below(pages); /* the same with any compiler */

			gen_check_unmap(&r->gk, m->da + first * r->g, n * r->g);
		}
	}
}

/*
 * The host: each data window mapped in 16 chunks of random permissions, then
 * holes punched (a few pages, or a whole chunk); then the guest's table pages.
 */
static void build_host(struct nrun *r)
{
	uint64_t used = gen_table_used(&r->gt);
	uint64_t first = (r->gt.arena.len / 1024U + r->g - 1U) & ~(r->g - 1U);
	uint64_t chunk = r->data_len / 16U;

	for (unsigned int w = 0; w < NDATA; w++) {
		for (uint64_t off = 0; off < r->data_len; off += chunk) {
			uint64_t pa = gen_rnd_below((UINT64_C(1) << 40) / chunk) * chunk;

			gen_check_map(&r->hk, data_ipa(r, w) + off, pa, chunk, rnd_prot());
		}
	}
	/* a few whole chunks first, so that every run has stage-2 holes under data */
	for (unsigned int i = 0; i < NHUNMAPS; i++) {
		uint64_t win = data_ipa(r, (unsigned int)gen_rnd_below(NDATA));
		uint64_t at, n;

		if (i < NHUNMAPS / 5U || (gen_rnd() % 4U) == 0U) {
			at = gen_rnd_below(16) * chunk;
			gen_check_unmap(&r->hk, win + at, chunk);
		} else {
			at = gen_rnd_below(r->data_len / r->g) * r->g;
			n = 1U + gen_rnd_below(32);
			gen_check_unmap(&r->hk, win + at, n * r->g);
		}
	}
	for (uint64_t off = first; off < used; off += r->g)
		gen_check_map(&r->hk, r->g_ipa + off, G_PA + off, r->g,
			      VCM_PT_PROT_READ | VCM_PT_PROT_WRITE);
}

/*
 * Take stage 2's read permission away from the guest table page at @ipa by
 * clearing S2AP[0] (bit 6, DDI 0487F.c D5.4) in the host's leaf descriptor,
 * which an S2 model walk finds (the library maps stage 2 always readable).
 */
static int deny_read(struct nrun *r, const struct vcm_hw_regs *hhw, uint64_t ipa)
{
	struct vcm_sim_iommu_cfg mc = { 0 };
	struct vcm_plat_ops plat = { .meta_alloc = meta_alloc, .meta_free = meta_free };
	struct vcm_sim_iommu *s2;
	struct vcm_sim_xlate x;
	uint64_t *d;
	int ret;

	mc.kind = VCM_SIM_IOMMU_SMMU_S2;
	mc.plat = &plat;
	mc.pa_to_cpu = sim_mem;
	mc.mem_ctx = r;
	if (vcm_sim_iommu_create(&mc, &s2, NULL) != 0)
		return -1;
	ret = vcm_sim_iommu_ops.program(s2, 0, hhw);
	if (ret == 0)
		ret = vcm_sim_iommu_walk(s2, 0, ipa, &x, NULL);
	vcm_sim_iommu_destroy(s2);
	d = ret == 0 && x.size_lg2 == r->c->granule_lg2 ? sim_mem(r, x.desc_pa) : NULL;
	if (d == NULL)
		return -1;
	*d &= ~(UINT64_C(1) << 6);
	return 0;
}

/*
 * Unmap from the host a few guest table pages that walks use (the page of
 * the leaf descriptor of a random guest mapping; never the root's), and make
 * one more unreadable: those walks meet a stage-2 fault on the stage-1 table
 * (translation, and permission for the last).
 */
static void punch_table_holes(struct nrun *r, struct vcm_sim_iommu *mmu, vcm_pa_t root,
			      const struct vcm_hw_regs *hhw)
{
	unsigned int nholes = 0;

	for (unsigned int tries = 0; tries < 50U && nholes < PTW_HOLES && r->gk.md.n != 0U;
	     tries++) {
		const struct model_map *m = &r->gk.md.m[gen_rnd_below(r->gk.md.n)];
		struct vcm_sim_xlate x;
		struct vcm_fault f;
		bool dup = false;
		uint64_t page;

		if (vcm_sim_iommu_walk(mmu, 0, m->da, &x, &f) != 0 && !(x.nested && f.stage == 2U))
			continue;
		page = x.desc_pa & ~(r->g - 1U);
		if (page == (root & ~(r->g - 1U)))
			continue;
		for (unsigned int i = 0; i < nholes; i++)
			dup |= r->holes[i] == page;
		if (dup)
			continue;
		if (nholes + 1U < PTW_HOLES)
			gen_check_unmap(&r->hk, page, r->g);
		else if (deny_read(r, hhw, page) != 0)
			continue;
		r->holes[nholes++] = page;
	}
}

/*
 * QEMU 7.2 reports a stage-2 fault met fetching a stage-1 table with the level
 * of the stage-1 lookup that fetched (measured: target/arm/ptw.c's error path
 * sets the level of the walk it returns through), where the manual gives the
 * stage-2 lookup's (DDI 0487 pseudocode: the S2 translation of a table
 * address returns its own fault record, level included). The stage-1 level,
 * from a descent of the guest's table written here; -1 when no fetch of @va's
 * walk lands on a page the host took away.
 */
static int s1_fetch_level(const struct nrun *r, uint64_t va)
{
	unsigned int g = r->c->granule_lg2, stride = g - 3U;
	uint64_t table = r->ghw.root_pa;

	for (unsigned int lv = r->ghw.start_level; lv <= 3U; lv++) {
		unsigned int shift = g + stride * (3U - lv);
		unsigned int bits = lv == r->ghw.start_level ? r->c->s1_ias - shift : stride;
		uint64_t da = table + ((va >> shift) & ((UINT64_C(1) << bits) - 1U)) * 8U;
		uint64_t d;

		for (unsigned int i = 0; i < PTW_HOLES; i++)
			if ((da & ~(r->g - 1U)) == r->holes[i])
				return (int)lv;
		if (da < r->g_ipa || da - r->g_ipa >= G_LEN)
			return -1;
		memcpy(&d, (const uint8_t *)r->gt.mem + (da - r->g_ipa), sizeof(d));
		if ((d & 3U) != 3U || lv == 3U) /* invalid, block or page: the walk ends */
			return -1;
		table = d & UINT64_C(0x0000fffffffff000) & ~(r->g - 1U);
	}
	return -1;
}

/* The answer of one operation, from the simulated IOMMU's fault record. */
static unsigned int answer(int ret, const struct vcm_fault *f)
{
	unsigned int a;

	if (ret == 0)
		return VQ_N_OK;
	a = f->kind == VCM_FAULT_TRANSLATION ? VQ_N_XLAT :
	    f->kind == VCM_FAULT_PERMISSION ? VQ_N_PERM : VQ_N_FAULT;
	if (f->stage == 2U)
		a |= VQ_N_S2;
	if ((f->flags & VCM_FAULT_S1PTW) != 0U)
		a |= VQ_N_PTW;
	if (a != VQ_N_FAULT && f->level >= 0 && f->level <= 3)
		a |= VQ_N_LEVEL(f->level);
	return a;
}

static void gen_error(struct nrun *r, const char *what, uint64_t va, unsigned int got)
{
	if (r->errors++ < 10U)
		printf("%s: va %#" PRIx64 ": %s (model answer %#x)\n", r->c->name, va, what, got);
}

/*
 * The simulated IOMMU's answers for @va, checked against the range models:
 * stage 1 by the guest's, stage 2 by the host's (a walk fault has no model
 * answer: the holes are the generator's).
 */
static void expect(struct nrun *r, struct vcm_sim_iommu *mmu, struct vq_nvec *v)
{
	const struct model_map *m1 = model_lookup(&r->gk.md, v->va), *m2 = NULL;
	struct vcm_sim_xlate x;
	struct vcm_fault f;
	unsigned int a[VQ_N_OPS];
	uint64_t ipa = 0;
	int ret;

	for (unsigned int op = 0; op < 2U; op++) {
		vcm_pa_t pa = 0;

		ret = vcm_sim_iommu_translate(mmu, 0, v->va,
					      op == 0U ? VCM_ACCESS_READ : VCM_ACCESS_WRITE, &pa);
		if (ret != 0 && vcm_sim_iommu_last_fault(mmu, &f) != 0)
			abort();
		a[op] = answer(ret, &f);
		if (ret == 0)
			v->pa = pa;
	}
	/* stage 1 alone: the walk, with stage 1's permissions */
	ret = vcm_sim_iommu_walk(mmu, 0, v->va, &x, &f);
	if (ret == 0 || (x.nested && f.stage == 2U)) {
		v->ipa = x.ipa;
		a[2] = VQ_N_OK;
		a[3] = (x.priv & VCM_ACCESS_WRITE) != 0U ? VQ_N_OK : VQ_N_PERM | VQ_N_LEVEL(x.level);
	} else {
		a[2] = answer(ret, &f);
		a[3] = a[2];
	}
	/* a walk fault: QEMU 7.2's level (s1_fetch_level()), the difference counted */
	if ((a[0] & VQ_N_PTW) != 0U) {
		int lv = s1_fetch_level(r, v->va);

		if (lv < 0)
			gen_error(r, "a walk fault where no table page was taken away", v->va, a[0]);
		else if (VQ_N_LEVEL_OF(a[0]) != (unsigned int)lv)
			r->qemu_level++;
		for (unsigned int op = 0; op < VQ_N_OPS && lv >= 0; op++)
			if ((a[op] & VQ_N_PTW) != 0U)
				a[op] = (a[op] & 0xfU) | VQ_N_LEVEL(lv);
	}
	v->res = a[0] | a[1] << 8 | a[2] << 16 | a[3] << 24;

	/* the models' word on it (the fault class, stage and PTW; not the level) */
	for (unsigned int op = 0; op < VQ_N_OPS; op++)
		a[op] &= 0xfU;
	if (m1 != NULL) {
		ipa = m1->pa + (v->va - m1->da);
		m2 = model_lookup(&r->hk.md, ipa);
	}
	if ((a[0] & VQ_N_PTW) != 0U) {
		r->outcomes[(a[0] & 3U) == VQ_N_PERM ? 6 : 5]++;
		return;
	}
	if (m1 == NULL) {
		if (a[0] != VQ_N_XLAT || a[1] != VQ_N_XLAT || a[2] != VQ_N_XLAT)
			gen_error(r, "the guest maps nothing here", v->va, a[0]);
		r->outcomes[1]++;
		return;
	}
	if (a[2] != VQ_N_OK || v->ipa != ipa)
		gen_error(r, "stage 1 disagrees with the guest's model", v->va, a[2]);
	if (a[3] != ((m1->prot & VCM_PT_PROT_WRITE) != 0U ? VQ_N_OK : VQ_N_PERM))
		gen_error(r, "stage 1 write permission disagrees", v->va, a[3]);
	if (m2 == NULL) {
		if (a[0] != (VQ_N_XLAT | VQ_N_S2))
			gen_error(r, "the host maps nothing at the IPA", v->va, a[0]);
		r->outcomes[3]++;
	} else {
		if (a[0] != VQ_N_OK || v->pa != m2->pa + (ipa - m2->da))
			gen_error(r, "the composed read disagrees with the models", v->va, a[0]);
		if ((m1->prot & VCM_PT_PROT_WRITE) != 0U && (m2->prot & VCM_PT_PROT_WRITE) == 0U) {
			if (a[1] != (VQ_N_PERM | VQ_N_S2))
				gen_error(r, "a host read-only page let a write through", v->va, a[1]);
			r->outcomes[4]++;
		} else {
			r->outcomes[a[1] == VQ_N_OK ? 0 : 2]++;
		}
	}
	if ((m1->prot & VCM_PT_PROT_WRITE) == 0U && a[1] != VQ_N_PERM)
		gen_error(r, "a guest read-only page: the write must be a stage-1 permission fault",
			  v->va, a[1]);
}

static void add_vec(struct nrun *r, uint32_t cap, uint64_t va)
{
	if (r->nvec < cap) {
		memset(&r->vec[r->nvec], 0, sizeof(r->vec[0]));
		r->vec[r->nvec++].va = va & ((UINT64_C(1) << r->c->s1_ias) - 1U);
	}
}

static void pick_vectors(struct nrun *r, uint32_t cap)
{
	r->vec = calloc(cap, sizeof(*r->vec));
	if (r->vec == NULL)
		abort();
	for (size_t i = 0; i < r->gk.md.n && r->nvec + 3U <= cap / 2U; i++) {
		const struct model_map *m = &r->gk.md.m[i];

		add_vec(r, cap, m->da + gen_rnd_below(r->g));
		add_vec(r, cap, m->da + m->len - 1U - gen_rnd_below(r->g));
		add_vec(r, cap, m->da + m->len + gen_rnd_below(r->g));
	}
	while (r->nvec < cap) {
		if (r->gk.md.n != 0U && (gen_rnd() % 4U) != 0U) {
			const struct model_map *m = &r->gk.md.m[gen_rnd_below(r->gk.md.n)];

			add_vec(r, cap, m->da + gen_rnd_below(m->len));
		} else {
			uint64_t base = r->region[gen_rnd_below(NREGIONS)];

			add_vec(r, cap, base + gen_rnd_below(r->region_len));
		}
	}
}

/* --selftest: one answer in 50 made wrong in a way the harness must see. */
static uint32_t corrupt(struct nrun *r)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->nvec; i += 50U, n++) {
		struct vq_nvec *v = &r->vec[i];
		unsigned int a0 = v->res & 0xffU;

		if (a0 == VQ_N_OK && (i / 50U) % 2U == 0U)
			v->pa ^= r->g;                   /* another output page */
		else if (a0 == VQ_N_OK)
			v->res = (v->res & ~0xffU) | VQ_N_XLAT; /* claim a fault */
		else if ((a0 & VQ_N_PTW) != 0U)
			v->res ^= VQ_N_PTW;              /* not on the walk */
		else if ((a0 & VQ_N_HAS_LEVEL) != 0U && (i / 50U) % 2U == 0U)
			v->res = (v->res & ~0xffU) | (a0 & 0xfU) |
				 VQ_N_LEVEL(VQ_N_LEVEL_OF(a0) ^ 1U); /* another level */
		else
			v->res ^= VQ_N_S2;               /* the other stage */
	}
	return n;
}

static int exit_status(unsigned int mismatches)
{
	return mismatches > 250U ? 250 : (int)mismatches;
}

static int program_sim(struct nrun *r, struct vcm_sim_iommu **mmu, const struct vcm_hw_regs *g,
		       const struct vcm_hw_regs *h, struct vcm_plat_ops *plat)
{
	struct vcm_sim_iommu_cfg mc = { 0 };
	struct vcm_diag d = { 0 };

	*plat = (struct vcm_plat_ops){ .meta_alloc = meta_alloc, .meta_free = meta_free };
	mc.kind = VCM_SIM_IOMMU_SMMU_NESTED;
	mc.name = r->c->name;
	mc.plat = plat;
	mc.pa_to_cpu = sim_mem;
	mc.mem_ctx = r;
	if (vcm_sim_iommu_create(&mc, mmu, &d) != 0) {
		printf("%s: sim: %s\n", r->c->name, d.msg);
		return -1;
	}
	if (vcm_sim_iommu_ops.program(*mmu, 0, g) != 0 ||
	    vcm_sim_iommu_s2_ops.program(*mmu, 0, h) != 0) {
		printf("%s: sim: %s\n", r->c->name, vcm_sim_iommu_last_error(*mmu));
		vcm_sim_iommu_destroy(*mmu);
		return -1;
	}
	return 0;
}

static int run_config(const struct ncfg *c, uint64_t seed, uint64_t base, const char *workdir,
		      const char *harness, const char *qemu, bool selftest, uint32_t nvecs)
{
	struct nrun r = { .c = c };
	struct vcm_pt_cfg gcfg = { 0 }, hcfg = { 0 };
	struct vcm_hw_regs ghw = { 0 }, hhw = { 0 };
	struct vcm_sim_iommu *mmu = NULL;
	struct vcm_plat_ops plat;
	struct vq_header h = { 0 };
	struct vq_nest n = { 0 };
	char tables[1024], gtables[1024], vectors[1024], cmd[3072];
	uint32_t ats = 0, corrupted = 0;
	uint8_t *blob = NULL;
	size_t gused, vlen;
	long mism = -1;
	int len;

	gen_seed(seed);
	r.g = UINT64_C(1) << c->granule_lg2;
	r.g_ipa = UINT64_C(3) << (c->ipa_bits - 2U); /* the top quarter of the IPA space */
	r.data_len = UINT64_C(1) << (c->ipa_bits - 4U);
	r.region_len = UINT64_C(1) << (c->s1_ias - 4U);
	for (unsigned int i = 0; i < NREGIONS; i++)
		r.region[i] = gen_rnd_below(16) * r.region_len;
	gcfg = (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8, .ias = c->s1_ias,
				    .oas = c->ipa_bits, .granule_lg2 = c->granule_lg2 };
	hcfg = (struct vcm_pt_cfg){ .fmt = &vcm_pt_fmt_armv8, .ias = c->ipa_bits,
				    .oas = c->s2_oas, .granule_lg2 = c->granule_lg2,
				    .flags = VCM_PT_CFG_STAGE2 };
	if (gen_table_open(&r.gt, c->name, &gcfg, r.g_ipa, G_LEN) != 0)
		return -1;
	if (gen_table_open(&r.ht, c->name, &hcfg, VQ_TABLES_PA, H_LEN) != 0) {
		gen_table_close(&r.gt);
		return -1;
	}
	r.gk.pt = r.gt.pt;
	r.hk.pt = r.ht.pt;
	model_init(&r.gk.md);
	model_init(&r.hk.md);
	build_guest(&r);
	build_host(&r);
	vcm_pt_hw(r.gk.pt, &ghw);
	vcm_pt_hw(r.hk.pt, &hhw);
	r.ghw = ghw;
	if (program_sim(&r, &mmu, &ghw, &hhw, &plat) != 0)
		goto out;
	/* the sim reads the host's table as it changes (no IOTLB) */
	punch_table_holes(&r, mmu, ghw.root_pa, &hhw);
	vcm_pt_hw(r.hk.pt, &hhw);
	pick_vectors(&r, nvecs);
	for (uint32_t i = 0; i < r.nvec; i++)
		expect(&r, mmu, &r.vec[i]);
	corrupted = selftest ? corrupt(&r) : 0U;

	h.magic = VQ_MAGIC;
	h.version = VQ_VERSION;
	h.mode = VQ_MODE_A64_NEST;
	h.count = r.nvec;
	memcpy(h.regs, ghw.regs, sizeof(h.regs));
	n.vtcr = hhw.regs[0];
	n.vttbr = hhw.regs[2];
	vlen = sizeof(n) + r.nvec * sizeof(*r.vec);
	blob = malloc(vlen);
	if (blob == NULL)
		abort();
	memcpy(blob, &n, sizeof(n));
	memcpy(blob + sizeof(n), r.vec, r.nvec * sizeof(*r.vec));
	gused = gen_table_used(&r.gt);
	/* the host's tables at VQ_TABLES_PA, the guest's at G_PA */
	if (!gen_blob_path(tables, sizeof(tables), workdir, c->name, "tables") ||
	    !gen_blob_path(gtables, sizeof(gtables), workdir, c->name, "gtables") ||
	    !gen_blob_path(vectors, sizeof(vectors), workdir, c->name, "vectors") ||
	    gen_write_file(tables, r.ht.mem, gen_table_used(&r.ht), NULL, 0) != 0 ||
	    gen_write_file(gtables, r.gt.mem, gused, NULL, 0) != 0 ||
	    gen_write_file(vectors, &h, sizeof(h), blob, vlen) != 0)
		goto out;
	len = snprintf(cmd, sizeof(cmd),
		       "timeout 60 %s -machine virt,virtualization=on -cpu cortex-a57 -nographic "
		       "-nic none -semihosting -m 1024 -kernel %s "
		       "-device loader,file=%s,addr=0x%x,force-raw=on "
		       "-device loader,file=%s,addr=0x%llx,force-raw=on "
		       "-device loader,file=%s,addr=0x%x,force-raw=on </dev/null 2>&1",
		       qemu, harness, tables, VQ_TABLES_PA, gtables, (unsigned long long)G_PA,
		       vectors, VQ_VECTORS_PA);
	if (gen_fit(len, sizeof(cmd)))
		mism = gen_run_qemu(cmd, r.nvec, gen_parse_result_line, exit_status, &ats);
out:
	printf("%-14s seed=%#" PRIx64 " guest maps=%u unmaps=%u host maps=%u unmaps=%u "
	       "vectors=%u ok=%u s1-xlat=%u s1-perm-write=%u s2-xlat=%u s2-perm-write=%u "
	       "walk-s2-xlat=%u walk-s2-perm=%u (qemu-7.2-level=%u) ats=%u mismatches=%ld%s\n",
	       c->name, seed, r.gk.maps, r.gk.unmaps, r.hk.maps, r.hk.unmaps, r.nvec,
	       r.outcomes[0], r.outcomes[1], r.outcomes[2], r.outcomes[3], r.outcomes[4],
	       r.outcomes[5], r.outcomes[6], r.qemu_level, ats, mism,
	       r.errors + r.gk.errors + r.hk.errors != 0U ? " GENERATOR-ERRORS" : "");
	if (selftest)
		mism = gen_selftest_verdict(corrupted, mism);
	if (mism != 0 || r.errors + r.gk.errors + r.hk.errors != 0U)
		gen_print_rerun(c->name, &ghw, base);
	/* every outcome must have been probed, or the run proves less than it says */
	for (unsigned int i = 0; i < 7U && mism == 0; i++)
		if (r.outcomes[i] == 0U) {
			printf("%s: no vector of outcome %u\n", c->name, i);
			mism = -1;
		}
	fflush(stdout);
	free(blob);
	free(r.vec);
	vcm_sim_iommu_destroy(mmu);
	model_free(&r.gk.md);
	model_free(&r.hk.md);
	gen_table_close(&r.gt);
	gen_table_close(&r.ht);
	return mism == 0 && r.errors + r.gk.errors + r.hk.errors == 0U ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *workdir = NULL, *harness = NULL, *qemu = NULL;
	bool selftest = false;
	const struct gen_opt opts[] = {
		{ "--selftest", NULL, &selftest },
		{ "--workdir", &workdir, NULL },
		{ "--harness-a64", &harness, NULL },
		{ "--qemu-a64", &qemu, NULL },
		{ NULL, NULL, NULL },
	};
	struct gen_env env;
	unsigned int ran = 0, failed = 0;

	if (gen_parse_opts(argc, argv, opts) != 0 || workdir == NULL || harness == NULL ||
	    qemu == NULL) {
		fprintf(stderr, "usage: vcm_qemu_nest_gen --workdir DIR --harness-a64 ELF "
				"--qemu-a64 BIN [--selftest]\n");
		return 2;
	}
	gen_env_read(&env, (VQ_VECTORS_MAX - sizeof(struct vq_header) - sizeof(struct vq_nest)) /
				   sizeof(struct vq_nvec));
	printf("nested: base seed %#" PRIx64 " (VCM_QEMU_SEED), %u vectors per config\n",
	       env.base, env.nvecs);
	for (unsigned int i = 0; i < NCONFIGS; i++) {
		if (!gen_env_wants(&env, configs[i].name))
			continue;
		ran++;
		if (run_config(&configs[i], gen_env_seed(&env, configs[i].name), env.base, workdir,
			       harness, qemu, selftest, env.nvecs) != 0)
			failed++;
	}
	printf("nested: %u configs, %u failed\n", ran, failed);
	return ran == 0U || failed != 0U ? 1 : 0;
}
