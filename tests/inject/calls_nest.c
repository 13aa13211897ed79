// SPDX-License-Identifier: MIT
/*
 * The sweep's calls of nested translation (docs/graph.md, "Nested
 * translation"; the world of tests/soc/test_soc_nested.c): a simulated SoC
 * whose one IOMMU is a nested SMMU model, a host VCM of IPAs on its stage 2
 * (the SoC's device), and a guest system over a struct vcm_nest_plat of that
 * VCM, whose device is the model's stage 1. Guest tables come from an arena
 * in the host memory behind one host reservation, guest metadata from the
 * host's platform. The snapshot walks both systems' tables, reverse maps and
 * table arenas (test_inject_sweep.c); nest_state adds what the model
 * translates, stage 1 over stage 2, and the bytes of the guest's memories.
 */
#include "inject.h"

#define RW (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)

/* The host VCM's device addresses are the guest's physical addresses (IPAs). */
#define HOST_IPA  UINT64_C(0x40000000)
#define HOST_LEN  (256 * MB)
#define TBL_IPA   HOST_IPA                  /* the guest's table arena */
#define TBL_LEN   (256 * KB)
#define DATA_IPA  UINT64_C(0x41000000)      /* the guest's memtype 0 */
#define DATA_LEN  (8 * MB)
/* The guest VCM: its first 2 MiB leaf table holds reservation 0, the next two
 * are only made by what reservation 1 maps. */
#define GUEST_DA  (1 * MB)
#define GUEST_LEN (4 * MB)
#define GRES1_DA  (2 * MB - 64 * KB)
#define GRES1_LEN (2 * MB + 128 * KB)

static const struct vcm_soc_memtype n_memtypes[] = {
	{ .pa = W_PA + W_SOC_TABLE_BYTES, .len = 14 * MB,
	  .chunk_sizes = VCM_PHYS_1MB | VCM_PHYS_64KB | VCM_PHYS_4KB },
};

static const struct vcm_sim_iommu_cfg n_iommus[] = {
	{ .kind = VCM_SIM_IOMMU_SMMU_NESTED, .name = "smmu-nested", .tlb_entries = 16 },
};

/* The host's device: the model's stage 2. */
static const struct vcm_soc_dev_cfg n_devs[] = {
	{ .name = "vm0", .kind = VCM_SOC_DEV_PT, .iommu = 0,
	  .pt = { .fmt = &vcm_pt_fmt_armv8, .ias = 32, .oas = 40,
		  .flags = VCM_PT_CFG_COHERENT | VCM_PT_CFG_STAGE2 } },
};

/* Its memory at W_PA with a W_SOC_TABLE_BYTES arena, so the snapshot copies it. */
static const struct vcm_soc_cfg n_soc_cfg = {
	.mem_pa = W_PA, .mem_len = 16 * MB, .table_bytes = W_SOC_TABLE_BYTES,
	.memtypes = n_memtypes, .nr_memtypes = 1,
	.iommus = n_iommus, .nr_iommus = 1,
	.devs = n_devs, .nr_devs = 1,
};

/* The guest's device on the same model: stage 1, output IPAs. */
static const struct vcm_pt_cfg g_pt = {
	.fmt = &vcm_pt_fmt_armv8, .ias = 32, .oas = 32, .granule_lg2 = 12,
	.flags = VCM_PT_CFG_COHERENT,
};

/* A second guest device, tables only (no hardware): backing needs an active
 * one, so the first device's association can be made over backed ranges. */
static const struct vcm_pt_cfg g_pt_plain = { .fmt = &vcm_pt_fmt_armv7s };

static void ok(struct vcm_sys *sys, int ret)
{
	if (ret != 0)
		fail_msg("setup: %d %s", ret, vcm_sys_last_error(sys));
}

/* An op on the guest system: its message is the guest's. */
#define N_OP(fn, call)                                     \
	static int fn(struct world *w)                     \
	{                                                  \
		int ret = call;                            \
		w->msg = vcm_sys_last_error(w->gsys);      \
		return ret;                                \
	}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

/* The bytes of guest IPA page @ipa: the host's CPU view of what its VCM maps there. */
static uint8_t *g_page(const struct world *w, vcm_pa_t ipa)
{
	uint8_t *p = w->np.ops.pa_to_cpu(w->np.ops.ctx, ipa);

	assert_non_null(p);
	return p;
}

/* A pattern in guest memory @m, IPA page by IPA page (the host pages behind are anywhere). */
static void g_fill(struct world *w, const struct vcm_mem *m, uint8_t seed)
{
	uint64_t it = 0, len;
	vcm_pa_t pa;

	while (vcm_mem_next_chunk(m, &it, &pa, &len) == 0)
		for (uint64_t off = 0; off < len; off += 4 * KB) {
			uint8_t *p = g_page(w, pa + off);

			for (unsigned int i = 0; i < 4 * KB; i++)
				p[i] = (uint8_t)(seed + (off >> 12) + i * 7U);
		}
}

/*
 * What the model translates for every page of the guest VCM (stage 1 over
 * stage 2, with no IOTLB: the tables and the banks' registers as they are),
 * and a hash of each guest memory's bytes.
 */
static void nest_state(const struct world *w, FILE *out)
{
	struct vcm_sim_iommu *mmu = vcm_soc_iommu(w->soc, 0);

	for (vcm_da_t da = GUEST_DA; da < GUEST_DA + GUEST_LEN; da += 4 * KB) {
		struct vcm_sim_xlate x;
		struct vcm_fault f;
		int ret;

		memset(&x, 0, sizeof(x));
		memset(&f, 0, sizeof(f));
		ret = vcm_sim_iommu_walk(mmu, 0, da, &x, &f);
		if (ret == 0)
			fprintf(out, "%llx: %llx<%llx %u/%x s2 %u/%x\n", (unsigned long long)da,
				(unsigned long long)x.pa, (unsigned long long)x.ipa, x.level,
				x.priv, x.s2_level, x.s2_perm);
		else
			fprintf(out, "%llx: %d %d s%u l%d %llx %x\n", (unsigned long long)da, ret,
				(int)f.kind, f.stage, f.level, (unsigned long long)f.ipa, f.flags);
	}
	for (unsigned int i = 0; i < 4; i++) {
		uint64_t it = 0, len, h = UINT64_C(0xcbf29ce484222325);
		vcm_pa_t pa;

		if (w->gm[i] == NULL)
			continue;
		while (vcm_mem_next_chunk(w->gm[i], &it, &pa, &len) == 0)
			for (uint64_t off = 0; off < len; off += 4 * KB)
				h = fnv(h, g_page(w, pa + off), 4 * KB);
		fprintf(out, "guest mem %u: %llx\n", i, (unsigned long long)h);
	}
}

/* ---- worlds ---- */

/* The host: its VCM active on the model's stage 2, the arena's and the data's IPAs backed. */
static void s_host(struct world *w)
{
	struct vcm_diag d = { 0 };

	if (vcm_soc_create(&n_soc_cfg, &w->soc, &d) != 0)
		fail_msg("%s", d.msg);
	w->sys = vcm_soc_sys(w->soc);
	w->dev[0] = vcm_soc_dev(w->soc, 0);
	w->dev_state = nest_state;
	ok(w->sys, vcm_create(w->sys, HOST_IPA, HOST_LEN, &w->v[0]));
	ok(w->sys, vcm_assoc(w->v[0], w->dev[0], VCM_USE_LOW_BASE, &w->a[0]));
	ok(w->sys, vcm_activate(w->a[0]));
	ok(w->sys, vcm_alloc_cont(w->sys, 0, TBL_LEN, 0, &w->m[0]));
	ok(w->sys, vcm_reserve_at(w->v[0], TBL_IPA, TBL_LEN, RW, &w->r[0]));
	ok(w->sys, vcm_back(w->r[0], w->m[0]));
	ok(w->sys, vcm_alloc(w->sys, 0, DATA_LEN, 0, &w->m[1]));
	ok(w->sys, vcm_reserve_at(w->v[0], DATA_IPA, DATA_LEN, RW, &w->r[1]));
	ok(w->sys, vcm_back(w->r[1], w->m[1]));
}

static int o_nest_init(struct world *w)
{
	int ret = vcm_nest_plat_init(&w->np, w->r[0]);

	w->msg = vcm_sys_last_error(w->sys);
	if (ret == 0)
		w->nest = &w->np;
	return ret;
}

static void s_np(struct world *w)
{
	s_host(w);
	ok(w->sys, o_nest_init(w));
}

static int o_gsys_create(struct world *w)
{
	static const struct vcm_phys_range r = { DATA_IPA, DATA_LEN };
	const struct vcm_phys_memtype_cfg mt = { &r, 1, VCM_PHYS_64KB | VCM_PHYS_4KB };
	const struct vcm_sys_cfg cfg = { .plat = &w->np.ops, .memtypes = &mt, .nr_memtypes = 1 };
	int ret = vcm_sys_create(&cfg, &w->gsys, &w->diag);

	w->msg = w->diag.msg;
	return ret;
}

static void s_gsys(struct world *w)
{
	s_np(w);
	if (o_gsys_create(w) != 0)
		fail_msg("%s", w->diag.msg);
}

static int o_gdev_register(struct world *w)
{
	const struct vcm_dev_cfg cfg = {
		.name = "vm0-dev", .mapper = &vcm_mapper_pt, .mapper_cfg = &g_pt, .nr_bases = 1,
		.ops = &vcm_sim_iommu_ops, .ctx = vcm_soc_iommu(w->soc, 0),
	};
	int ret = vcm_dev_register(w->gsys, &cfg, &w->gdev[0]);

	w->msg = vcm_sys_last_error(w->gsys);
	return ret;
}

static void s_gdev(struct world *w)
{
	const struct vcm_dev_cfg plain = { .name = "plain", .mapper = &vcm_mapper_pt,
					   .mapper_cfg = &g_pt_plain, .nr_bases = 1 };

	s_gsys(w);
	ok(w->gsys, o_gdev_register(w));
	ok(w->gsys, vcm_dev_register(w->gsys, &plain, &w->gdev[1]));
}

N_OP(o_gcreate, vcm_create(w->gsys, GUEST_DA, GUEST_LEN, &w->gv[0]))

/* The guest VCM with reservation 0 backed, only the plain device active in it. */
static void s_gvcm_backed(struct world *w)
{
	s_gdev(w);
	ok(w->gsys, o_gcreate(w));
	ok(w->gsys, vcm_assoc(w->gv[0], w->gdev[1], VCM_USE_LOW_BASE, &w->ga[1]));
	ok(w->gsys, vcm_activate(w->ga[1]));
	ok(w->gsys, vcm_alloc(w->gsys, 0, 256 * KB, 0, &w->gm[0]));
	ok(w->gsys, vcm_reserve_at(w->gv[0], GUEST_DA, 256 * KB, RW, &w->gr[0]));
	ok(w->gsys, vcm_back(w->gr[0], w->gm[0]));
	g_fill(w, w->gm[0], 0x10);
}

/* Associating maps what is backed: the guest's tables from nothing. */
N_OP(o_gassoc, vcm_assoc(w->gv[0], w->gdev[0], VCM_USE_LOW_BASE, &w->ga[0]))

static void s_gassoc(struct world *w)
{
	s_gvcm_backed(w);
	ok(w->gsys, o_gassoc(w));
}

N_OP(o_gactivate, vcm_activate(w->ga[0]))

/* Stage 1 programmed over stage 2: the model translates reservation 0. */
static void s_guest(struct world *w)
{
	s_gassoc(w);
	ok(w->gsys, o_gactivate(w));
}

N_OP(o_galloc, vcm_alloc(w->gsys, 0, 5 * 64 * KB + 68 * KB, 0, &w->gm[2]))

/* Reservation 1 across two leaf tables not yet made, and its memory. */
static void s_gtwo(struct world *w)
{
	s_guest(w);
	ok(w->gsys, vcm_alloc(w->gsys, 0, GRES1_LEN, 0, &w->gm[1]));
	ok(w->gsys, vcm_reserve_at(w->gv[0], GRES1_DA, GRES1_LEN, RW, &w->gr[1]));
	g_fill(w, w->gm[1], 0x20);
}

N_OP(o_gback, vcm_back(w->gr[1], w->gm[1]))

static void s_gtwo_backed(struct world *w)
{
	s_gtwo(w);
	ok(w->gsys, o_gback(w));
}

N_OP(o_gres_copy, vcm_res_copy(w->gr[1], 64 * KB, w->gr[0], 4 * KB, 192 * KB))

/*
 * Inside one leaf table, and across three: the rollback of a failed make must
 * give each rebuilt table its own block back (the bytes are compared).
 */
static const char *v_migrate(unsigned int variant)
{
	return variant == 0 ? "256 KiB in one leaf table" : "2 MiB + 128 KiB across three";
}

N_OP(o_gmigrate, vcm_migrate(w->gsys, w->gm[w->variant]))
N_OP(o_gunback, vcm_unback(w->gr[1]))

/* The guest system gone: its plat may be finished. */
static void s_np_done(struct world *w)
{
	s_gsys(w);
	ok(w->gsys, vcm_sys_destroy(w->gsys));
	w->gsys = NULL;
}

static int o_nest_fini(struct world *w)
{
	int ret = vcm_nest_plat_fini(w->nest);

	/* no message of its own: -EINVAL is the one refusal */
	w->msg = "";
	if (ret == 0)
		w->nest = NULL;
	return ret;
}

const struct inj_call inj_calls_nest[] = {
	{ "nest", "vcm_nest_plat_init", 0, NULL, s_host, o_nest_init, 0 },
	{ "nest", "vcm_sys_create (guest)", 0, NULL, s_np, o_gsys_create, 0 },
	{ "nest", "vcm_dev_register (guest)", 0, NULL, s_gsys, o_gdev_register, 0 },
	{ "nest", "vcm_create (guest)", 0, NULL, s_gdev, o_gcreate, 0 },
	{ "nest", "vcm_assoc (guest, over backed)", 0, NULL, s_gvcm_backed, o_gassoc, 0 },
	{ "nest", "vcm_activate (guest)", 0, NULL, s_gassoc, o_gactivate, 0 },
	{ "nest", "vcm_alloc (guest)", 0, NULL, s_guest, o_galloc, 0 },
	{ "nest", "vcm_back (guest)", 0, NULL, s_gtwo, o_gback, 0 },
	{ "nest", "vcm_res_copy (guest)", 0, NULL, s_gtwo_backed, o_gres_copy, 0 },
	{ "nest", "vcm_migrate (guest)", 2, v_migrate, s_gtwo_backed, o_gmigrate, 0 },
	{ "nest", "vcm_unback (guest)", 0, NULL, s_gtwo_backed, o_gunback, 0 },
	{ "nest", "vcm_nest_plat_fini", 0, NULL, s_np_done, o_nest_fini, 0 },
	{ NULL, NULL, 0, NULL, NULL, NULL, 0 },
};
