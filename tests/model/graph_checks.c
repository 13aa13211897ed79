// SPDX-License-Identifier: MIT
/*
 * The checks of the graph property driver (graph_driver.c): after a step,
 * the graph against the model. gdi_check_all() runs vcm_sys_check_() and
 * every comparison in full: the record of each VCM (reservations, walked
 * and looked up), every live table through the spy mapper, each device's
 * address translation, the IOMMU models' translations, the reverse map, and
 * the bytes seen through the CPU and through the other tables.
 * gdi_check_dirty() runs the same comparisons over what the step touched
 * (g_dirty, graph_driver_internal.h); gdi_check_step() picks one as gd_quick
 * says. Samples come from crnd(), a generator of the checks' own: the
 * checks take nothing from the runner's choices.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <string.h>
#include <vcm/vcm.h>
#include <vcm/hosted.h>
#include <vcm/sim.h>
#include "graph_driver_internal.h"

uint64_t g_check_rng;

/* splitmix64's finaliser over @h ^ @x: a running print of a sequence. */
static uint64_t fold(uint64_t h, uint64_t x)
{
	uint64_t z = h ^ x;

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static uint64_t crnd(uint64_t n)
{
	uint64_t z = fold(0, g_check_rng += UINT64_C(0x9e3779b97f4a7c15)); /* splitmix64 */

	return n != 0U ? z % n : 0U;
}

/* A run the mapper's walk reports must be backed, page by page, as the model says. */
static int walk_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	const struct spy_inst *s = arg;

	(void)prot;
	/* piece by piece: within one, both sides are linear, so its start decides */
	for (uint64_t off = 0, run = 0; off < len; off += run) {
		vcm_pa_t mpa = 0;
		unsigned int mprot;

		CHECK(gm_translate_run(&w.m, s->owner, da + off, &mpa, &mprot, &run) &&
		      mpa == pa + off,
		      "walk of cfg %u instance of VCM %d: da %#llx -> pa %#llx, model %#llx",
		      s->cfg_id, s->owner, (unsigned long long)(da + off),
		      (unsigned long long)(pa + off), (unsigned long long)mpa);
	}
	return 0;
}

static bool dirty_bit(uint64_t set, int i)
{
	return i >= 0 && ((set >> i) & 1U) != 0;
}

/* Touched range @k and the first page past it, within its VCM: its length. */
static uint64_t dirty_span(const struct dirty_da *k)
{
	const struct gm_vcm *v = &w.m.vcm[k->v];
	uint64_t left = v->start + v->len - k->da;

	return k->len + PAGE < left ? k->len + PAGE : left;
}

/*
 * The pages of a touched span checked one by one: all of a short span; of a
 * long one its first pages, its last ones (the page past the range among
 * them) and samples. @off gets up to SPAN_PAGES offsets; returns how many.
 */
#define SPAN_PAGES 8

static unsigned int span_pages(uint64_t span, uint64_t *off)
{
	uint64_t n = span / PAGE;
	unsigned int k = 0;

	if (n <= SPAN_PAGES) {
		for (; k < n; k++)
			off[k] = k * PAGE;
		return k;
	}
	off[k++] = 0;
	off[k++] = PAGE;
	off[k++] = (n - 2) * PAGE;
	off[k++] = (n - 1) * PAGE;
	for (; k < SPAN_PAGES; k++)
		off[k] = (2 + crnd(n - 4)) * PAGE;
	return k;
}

/* Bytes of VCM @v's backed reservations within [@da, @da + @len): what its tables map there. */
static uint64_t model_mapped(int v, uint64_t da, uint64_t len)
{
	uint64_t n = 0;

	for (int r = 0; r < GM_MAX_RES; r++) {
		const struct gm_res *res = &w.m.res[r];
		uint64_t lo, hi;

		if (!res->live || res->vcm != v || res->mem < 0)
			continue;
		lo = res->da > da ? res->da : da;
		hi = res->da + res->len < da + len ? res->da + res->len : da + len;
		n += hi > lo ? hi - lo : 0;
	}
	return n;
}

/*
 * Instance @s looks @da up as the model says: mapped to the same page with
 * the same access (page tables), or a hole (a one-to-one space answers for
 * every address: there only the mapped ones are asked).
 */
static void check_lookup_want(struct spy_inst *s, vcm_da_t da, bool mapped, vcm_pa_t mpa,
			      unsigned int mprot)
{
	const struct gm_vcm *v = &w.m.vcm[s->owner];
	vcm_pa_t pa = 0;
	unsigned int prot = 0;
	int ret = gdi_spy_lookup(s, da, &pa, &prot);

	if (mapped)
		CHECK(ret == 0 && pa == mpa &&
		      (v->kind != GM_PT ||
		       (prot & (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)) ==
		       (mprot & (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE))),
		      "%s instance of VCM %d (cfg %u): da %#llx -> %d pa %#llx prot %#x, "
		      "model pa %#llx prot %#x", s->kind->real->name, s->owner, s->cfg_id,
		      (unsigned long long)da, ret, (unsigned long long)pa, prot,
		      (unsigned long long)mpa, mprot);
	else if (v->kind != GM_ONE_TO_ONE)
		CHECK(ret == -ENOENT, "%s instance of VCM %d (cfg %u): da %#llx -> %d "
		      "pa %#llx, model: hole", s->kind->real->name, s->owner, s->cfg_id,
		      (unsigned long long)da, ret, (unsigned long long)pa);
}

static void check_lookup_at(struct spy_inst *s, vcm_da_t da)
{
	vcm_pa_t mpa = 0;
	unsigned int mprot = 0;
	bool mapped = gm_translate(&w.m, s->owner, da, &mpa, &mprot);

	check_lookup_want(s, da, mapped, mpa, mprot);
}

/*
 * The reservation of VCM @v that holds @da, or -1; *@until: where that
 * answer ends (the reservation's end, or the start of the next one). A scan
 * page by page asks the model once per reservation or hole, not per page.
 */
static int model_run(int v, uint64_t da, uint64_t *until)
{
	int r = gm_res_at(&w.m, v, da);

	if (r >= 0) {
		*until = w.m.res[r].da + w.m.res[r].len;
		return r;
	}
	*until = UINT64_MAX;
	for (int o = 0; o < GM_MAX_RES; o++)
		if (w.m.res[o].live && w.m.res[o].vcm == v && w.m.res[o].da > da &&
		    w.m.res[o].da < *until)
			*until = w.m.res[o].da;
	return -1;
}

struct walk_win {
	const struct spy_inst *s;
	uint64_t da, len, seen;
};

/* A run of a windowed walk: in the model page by page (and its access); counted in the window. */
static int walk_win_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct walk_win *ww = arg;
	const struct spy_inst *s = ww->s;
	uint64_t lo = da > ww->da ? da : ww->da;
	uint64_t hi = da + len < ww->da + ww->len ? da + len : ww->da + ww->len;

	/* piece by piece, as walk_run() */
	for (uint64_t off = 0, run = 0; off < len; off += run) {
		vcm_pa_t mpa = 0;
		unsigned int mprot = 0;

		CHECK(gm_translate_run(&w.m, s->owner, da + off, &mpa, &mprot, &run) &&
		      mpa == pa + off &&
		      (w.m.vcm[s->owner].kind != GM_PT ||
		       (prot & (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE)) ==
		       (mprot & (VCM_PT_PROT_READ | VCM_PT_PROT_WRITE))),
		      "walk of cfg %u instance of VCM %d: da %#llx -> pa %#llx prot %#x, "
		      "model %#llx prot %#x", s->cfg_id, s->owner, (unsigned long long)(da + off),
		      (unsigned long long)(pa + off), prot, (unsigned long long)mpa, mprot);
	}
	ww->seen += hi > lo ? hi - lo : 0;
	return 0;
}

/*
 * Instance @s over [@da, @da + @len): walked (each run it reports is in the
 * model), and looked up page by page (check_lookup_at()).
 * @sampled: an instance that walks is walked over the window and must map
 * exactly the model's bytes there (nothing lacking, nothing extra), so the
 * lookups are the span_pages() ones.
 */
static void check_inst_range(struct spy_inst *s, uint64_t da, uint64_t len, bool sampled)
{
	int r = -1;

	if (sampled && s->kind->real->walk != NULL) {
		struct walk_win ww = { s, da, len, 0 };
		uint64_t want = model_mapped(s->owner, da, len), offs[SPAN_PAGES];
		unsigned int nr;

		CHECK(gdi_spy_walk(s, da, len, walk_win_run, &ww) == 0, "walk failed");
		CHECK(ww.seen == want, "cfg %u instance of VCM %d maps %#llx bytes in "
		      "%#llx+%#llx, the model %#llx", s->cfg_id, s->owner,
		      (unsigned long long)ww.seen, (unsigned long long)da,
		      (unsigned long long)len, (unsigned long long)want);
		nr = span_pages(len, offs);
		for (unsigned int i = 0; i < nr; i++)
			check_lookup_at(s, da + offs[i]);
		return;
	}
	if (s->kind->real->walk != NULL)
		CHECK(gdi_spy_walk(s, da, len, walk_run, s) == 0, "walk failed");
	for (uint64_t off = 0, until = 0; off < len; off += PAGE) {
		const struct gm_res *res;

		if (off == 0 || da + off >= until)
			r = model_run(s->owner, da + off, &until);
		res = r >= 0 ? &w.m.res[r] : NULL;
		if (res != NULL && res->mem >= 0)
			check_lookup_want(s, da + off, true,
					  gm_mem_pa(&w.m, res->mem, da + off - res->da), res->prot);
		else
			check_lookup_want(s, da + off, false, 0, 0);
	}
}

/*
 * Instance @s whole: page tables looked up page by page over the whole VCM
 * (gd_quick: backed pages and samples); every instance that can walk is
 * walked, and each run it reports must be in the model (nothing else mapped).
 */
static void check_inst_whole(struct spy_inst *s)
{
	const struct gm_vcm *v = &w.m.vcm[s->owner];

	if (v->kind == GM_PT && !gd_quick) {
		check_inst_range(s, v->start, v->len, false);
		return;
	}
	if (gd_quick && s->kind->real->walk != NULL) {
		/* Walked whole, exact; each backed reservation looked up at samples. */
		check_inst_range(s, v->start, v->len, true);
		for (int r = 0; r < GM_MAX_RES; r++) {
			const struct gm_res *res = &w.m.res[r];
			uint64_t offs[SPAN_PAGES];
			unsigned int nr;

			if (!res->live || res->vcm != s->owner || res->mem < 0)
				continue;
			nr = span_pages(res->len, offs);
			for (unsigned int i = 0; i < nr; i++)
				check_lookup_at(s, res->da + offs[i]);
		}
		return;
	}
	if (s->kind->real->walk != NULL)
		CHECK(gdi_spy_walk(s, v->start, v->len, walk_run, s) == 0, "walk failed");
	/*
	 * One-to-one and CPU spaces are large: backed pages plus samples (the
	 * walk above has seen the rest of a table).
	 */
	for (int r = 0; r < GM_MAX_RES; r++) {
		const struct gm_res *res = &w.m.res[r];

		if (!res->live || res->vcm != s->owner || res->mem < 0)
			continue;
		for (uint64_t off = 0; off < res->len; off += PAGE) {
			vcm_pa_t pa = 0;
			unsigned int prot = 0;
			int ret = gdi_spy_lookup(s, res->da + off, &pa, &prot);
			uint64_t want = gm_mem_pa(&w.m, res->mem, off);

			CHECK(ret == 0 && pa == want,
			      "%s instance: da %#llx -> %d pa %#llx, model %#llx",
			      s->kind->real->name, (unsigned long long)(res->da + off), ret,
			      (unsigned long long)pa, (unsigned long long)want);
		}
	}
	if (v->kind == GM_ONE_TO_ONE)
		return;
	for (unsigned int k = 0; k < 64; k++) {
		vcm_da_t da = v->start + crnd(v->len / PAGE) * PAGE;
		vcm_pa_t pa, mpa;
		unsigned int prot, mprot;

		if (!gm_translate(&w.m, s->owner, da, &mpa, &mprot))
			CHECK(gdi_spy_lookup(s, da, &pa, &prot) == -ENOENT,
			      "%s instance: da %#llx mapped, model has a hole", s->kind->real->name,
			      (unsigned long long)da);
	}
}

/*
 * Every live instance belongs to a live VCM and covers it; each associated
 * configuration has one table. Then @all: every instance whole; else those of
 * the VCMs the step touched, over the touched ranges (whole if new).
 */
static void check_tables(bool all)
{
	unsigned int per_cfg[GM_MAX_VCM][GM_MAX_DEV] = { { 0 } };

	for (unsigned int i = 0; i < MAX_INST; i++) {
		struct spy_inst *s = &g_inst[i];
		const struct gm_vcm *v;

		if (!s->live)
			continue;
		CHECK(s->owner >= 0 && s->owner < GM_MAX_VCM && w.m.vcm[s->owner].live,
		      "instance %u (cfg %u) belongs to no live VCM (owner %d)", i, s->cfg_id,
		      s->owner);
		v = &w.m.vcm[s->owner];
		CHECK(s->start == v->start && s->len == v->len,
		      "instance %u covers %#llx+%#llx, its VCM %#llx+%#llx", i,
		      (unsigned long long)s->start, (unsigned long long)s->len,
		      (unsigned long long)v->start, (unsigned long long)v->len);
		if (s->cfg_id < GM_MAX_DEV)
			per_cfg[s->owner][s->cfg_id]++;
		if (all || dirty_bit(g_dirty.whole, s->owner)) {
			check_inst_whole(s);
			continue;
		}
		for (unsigned int k = 0; k < g_dirty.nr_da; k++)
			if (g_dirty.da[k].v == s->owner)
				check_inst_range(s, g_dirty.da[k].da, dirty_span(&g_dirty.da[k]),
						 true);
	}
	/* One table per associated configuration, shared by its devices. */
	for (int v = 0; v < GM_MAX_VCM; v++) {
		if (!w.m.vcm[v].live || w.m.vcm[v].kind != GM_PT)
			continue;
		for (unsigned int c = 0; c < NR_PT - 1U; c++) {
			bool assoc = false;

			for (unsigned int d = 0; d < w.m.nr_dev; d++)
				assoc |= w.m.vcm[v].as[d].h != NULL && w.m.dev[d].cfg_id == c;
			if (assoc)
				CHECK(per_cfg[v][c] == 1, "VCM %d has %u tables of cfg %u, want 1",
				      v, per_cfg[v][c], c);
		}
	}
}

/* Device @gd, with VCM @v active, answers vcm_dev_addr_to_phys_addr() at @da as the model. */
static void check_dev_at(const struct gm_dev *gd, int v, vcm_da_t da)
{
	vcm_pa_t pa = 0, mpa;
	unsigned int mprot;
	int ret = vcm_dev_addr_to_phys_addr(gd->h, VCM_BASE_LOW, da, &pa);

	if (gm_translate(&w.m, v, da, &mpa, &mprot))
		CHECK(ret == 0 && pa == mpa, "%s: da %#llx -> %d pa %#llx, model %#llx", gd->name,
		      (unsigned long long)da, ret, (unsigned long long)pa,
		      (unsigned long long)mpa);
	else
		CHECK(ret == -ENOENT, "%s: da %#llx -> %d, model: hole", gd->name,
		      (unsigned long long)da, ret);
}

/*
 * Each active device translates like the model, at samples. Not @all: the
 * devices the step switched the same way; those whose active VCM it touched
 * at the first page of each touched range and at a random one if mapped (a
 * hole costs the library an error message; the lookups of check_tables()
 * and the IOMMU models see the holes too).
 */
static void check_devices(bool all)
{
	for (unsigned int d = 0; d < w.m.nr_dev; d++) {
		const struct gm_dev *gd = &w.m.dev[d];
		int v = gd->active_vcm;

		if (v < 0 || gd->kind != GM_PT)
			continue;
		if (!all && !dirty_bit(g_dirty.dev, (int)d)) {
			for (unsigned int k = 0; k < g_dirty.nr_da; k++) {
				const struct dirty_da *t = &g_dirty.da[k];
				vcm_da_t da;
				vcm_pa_t mpa;
				unsigned int mprot;

				if (t->v != v)
					continue;
				da = t->da + crnd(dirty_span(t) / PAGE) * PAGE;
				check_dev_at(gd, v, t->da);
				if (gm_translate(&w.m, v, da, &mpa, &mprot))
					check_dev_at(gd, v, da);
			}
			continue;
		}
		/* A device the step switched: fewer samples, most in reservations. */
		for (unsigned int k = all ? 0U : 6U; k < 16; k++) {
			vcm_da_t da = w.m.vcm[v].start + crnd(w.m.vcm[v].len / PAGE) * PAGE;
			int r = k < 8 ? -1 : (int)crnd(GM_MAX_RES);

			if (r >= 0 && w.m.res[r].live && w.m.res[r].vcm == v)
				da = w.m.res[r].da + crnd(w.m.res[r].len / PAGE) * PAGE;
			check_dev_at(gd, v, da);
		}
	}
}

/* One access through device @d's IOMMU model at @da, as the model says. */
static void check_sim_at(unsigned int d, int v, vcm_da_t da)
{
	struct vcm_sim_iommu *s = w.sim[d];
	vcm_pa_t pa = 0, mpa = 0;
	unsigned int mprot = 0;
	int ret = vcm_sim_iommu_translate(s, 0, da, VCM_ACCESS_READ, &pa);

	if (!gm_translate(&w.m, v, da, &mpa, &mprot)) {
		CHECK(ret == -ENOENT, "%s model: read at da %#llx -> %d pa %#llx, model: hole",
		      w.m.dev[d].name, (unsigned long long)da, ret, (unsigned long long)pa);
		return;
	}
	CHECK(ret == 0 && pa == mpa, "%s model: read at da %#llx -> %d pa %#llx, model %#llx (%s)",
	      w.m.dev[d].name, (unsigned long long)da, ret, (unsigned long long)pa,
	      (unsigned long long)mpa, vcm_sim_iommu_last_error(s));
	ret = vcm_sim_iommu_translate(s, 0, da, VCM_ACCESS_WRITE, &pa);
	if (mprot & VCM_PT_PROT_WRITE)
		CHECK(ret == 0 && pa == mpa, "%s model: write at da %#llx -> %d, model %#llx",
		      w.m.dev[d].name, (unsigned long long)da, ret, (unsigned long long)mpa);
	else
		CHECK(ret == -EACCES, "%s model: write at read-only da %#llx -> %d",
		      w.m.dev[d].name, (unsigned long long)da, ret);
	w.calls[2]++;
}

/*
 * Device @d's IOMMU model over the ranges the step touched in its active VCM
 * @v: their first and last pages (the ones the last checks left in its
 * IOTLB), the page past them and samples (span_pages()).
 */
static void check_sim_dirty(unsigned int d, int v)
{
	for (unsigned int k = 0; k < g_dirty.nr_da; k++) {
		const struct dirty_da *t = &g_dirty.da[k];
		uint64_t offs[SPAN_PAGES];
		unsigned int nr;

		if (t->v != v)
			continue;
		nr = span_pages(dirty_span(t), offs);
		for (unsigned int i = 0; i < nr; i++)
			check_sim_at(d, v, t->da + offs[i]);
	}
}

/*
 * Through the IOMMU models: every mapped page of each device's active VCM,
 * the first page past each reservation and samples; a device with nothing
 * active reaches nothing. Not @all: a device the step switched at samples of
 * each reservation (span_pages()); one whose active VCM it touched over the
 * touched ranges (a new table of that VCM is not one the device uses).
 */
static void check_sims(bool all)
{
	for (unsigned int d = 0; d < w.m.nr_dev; d++) {
		int v = w.m.dev[d].active_vcm;
		vcm_pa_t pa;

		if (w.sim[d] == NULL)
			continue;
		if (v < 0) {
			int ret = vcm_sim_iommu_translate(w.sim[d], 0, 0x100000, VCM_ACCESS_READ,
							  &pa);

			CHECK(ret == -ENODEV, "%s model: nothing active, a read gives %d",
			      w.m.dev[d].name, ret);
			continue;
		}
		if (!all && !dirty_bit(g_dirty.dev, (int)d)) {
			if (dirty_bit(g_dirty.vcm, v))
				check_sim_dirty(d, v);
			continue;
		}
		for (int r = 0; r < GM_MAX_RES; r++) {
			const struct gm_res *res = &w.m.res[r];
			struct dirty_da t = { v, res->da, res->len };
			uint64_t end, offs[SPAN_PAGES];
			unsigned int nr;

			if (!res->live || res->vcm != v)
				continue;
			if (!all) { /* the step switched the device: each reservation at samples */
				nr = span_pages(dirty_span(&t), offs);
				for (unsigned int i = 0; i < nr; i++)
					check_sim_at(d, v, res->da + offs[i]);
				continue;
			}
			end = res->mem >= 0 ? res->len : PAGE;
			for (uint64_t off = 0; off < end; off += PAGE)
				check_sim_at(d, v, res->da + off);
			if (res->da + res->len - w.m.vcm[v].start < w.m.vcm[v].len)
				check_sim_at(d, v, res->da + res->len);
		}
		for (unsigned int k = 0; k < 4; k++)
			check_sim_at(d, v, w.m.vcm[v].start + crnd(w.m.vcm[v].len / PAGE) * PAGE);
	}
}

static int res_of_handle(const struct vcm_res *h)
{
	for (int r = 0; r < GM_MAX_RES; r++)
		if (w.m.res[r].live && w.m.res[r].h == h)
			return r;
	return -1;
}

/* The reverse map at @pa equals the model's, both ways. */
static void check_rmap_at(vcm_pa_t pa)
{
	struct gm_rmap want[GM_MAX_RES];
	size_t n = gm_rmap(&w.m, pa, want, GM_MAX_RES);
	bool seen[GM_MAX_RES] = { false };
	uint64_t num = vcm_get_phys_num_res(w.sys, pa);
	const struct vcm_res *prev = NULL;
	size_t got = 0;

	CHECK(num == n, "rmap %#llx: vcm_get_phys_num_res %llu, model %zu",
	      (unsigned long long)pa, (unsigned long long)num, n);
	for (;;) {
		vcm_da_t da = 0;
		const struct vcm_res *h = vcm_get_next_phys_res(w.sys, pa, prev, &da);
		int r;
		size_t i;

		if (h == NULL)
			break;
		CHECK(++got <= n + 1, "rmap %#llx: more answers than the model's %zu",
		      (unsigned long long)pa, n);
		r = res_of_handle(h);
		for (i = 0; i < n; i++)
			if (want[i].res == r && want[i].da == da && !seen[i])
				break;
		CHECK(i < n, "rmap %#llx: graph names res %d at da %#llx, the model does not",
		      (unsigned long long)pa, r, (unsigned long long)da);
		seen[i] = true;
		prev = h;
	}
	for (size_t i = 0; i < n; i++)
		CHECK(seen[i], "rmap %#llx: model has res %d at da %#llx, the graph does not",
		      (unsigned long long)pa, want[i].res, (unsigned long long)want[i].da);
}

/*
 * The reverse map at samples of every allocation (not @all: of those the
 * step touched, and in the ranges it took out of allocations) and at free
 * pages.
 */
static void check_rmap(bool all)
{
	for (unsigned int k = 0; !all && k < g_dirty.nr_pa; k++) {
		check_rmap_at(g_dirty.pa[k].pa);
		check_rmap_at(g_dirty.pa[k].pa + crnd(g_dirty.pa[k].len / PAGE) * PAGE);
	}
	for (int i = 0; i < GM_MAX_MEM; i++) {
		const struct gm_mem *pm = &w.m.mem[i];
		/* after a step, some 16 chunks of a long allocation */
		uint64_t gap = all || pm->nr <= 64U ? 8U : pm->nr / 8U;

		if (!pm->live || (!all && !dirty_bit(g_dirty.mem, i)))
			continue;
		for (unsigned int c = 0; c < pm->nr; c += 1 + (unsigned int)crnd(gap))
			check_rmap_at(pm->pa[c] + crnd(pm->clen[c] / PAGE) * PAGE);
	}
	/* A page no allocation holds: nobody maps it. */
	for (unsigned int k = 0; k < (all ? 4U : 1U); k++) {
		vcm_pa_t pa = w.mt_pa + crnd(w.mt_len / PAGE) * PAGE;
		struct gm_rmap one;
		bool owned = false;

		for (int i = 0; i < GM_MAX_MEM && !owned; i++)
			for (unsigned int c = 0; w.m.mem[i].live && c < w.m.mem[i].nr; c++)
				owned |= pa >= w.m.mem[i].pa[c] &&
					 pa - w.m.mem[i].pa[c] < w.m.mem[i].clen[c];
		if (!owned)
			CHECK(gm_rmap(&w.m, pa, &one, 1) == 0 &&
			      vcm_get_phys_num_res(w.sys, pa) == 0,
			      "rmap: free pa %#llx has mappers", (unsigned long long)pa);
	}
}

/* Does exactly one reservation of VCM @v map byte @off of allocation @mem? */
static bool translate_unique(int v, int mem, uint64_t off)
{
	uint64_t pa = gm_mem_pa(&w.m, mem, off);
	struct gm_rmap all[GM_MAX_RES];
	size_t n = gm_rmap(&w.m, pa, all, GM_MAX_RES), in_v = 0;

	for (size_t i = 0; i < n && i < GM_MAX_RES; i++)
		in_v += w.m.res[all[i].res].vcm == v;
	return in_v == 1;
}

/*
 * Bytes through the CPU: for a backed CPU reservation (not @all: whose
 * allocation the step touched), write through the pointer and read at the pa
 * every other table of the same allocation gives for that offset; then write
 * there and read through the pointer.
 */
static void check_bytes(bool all)
{
	for (int r = 0; r < GM_MAX_RES; r++) {
		const struct gm_res *cr = &w.m.res[r];
		uint64_t off;
		uint8_t *p, *back, val, orig;

		if (!cr->live || cr->mem < 0 || w.m.vcm[cr->vcm].kind != GM_CPU ||
		    (!all && !dirty_bit(g_dirty.mem, cr->mem)))
			continue;
		off = crnd(cr->len);
		p = (uint8_t *)(uintptr_t)(cr->da + off);
		val = (uint8_t)crnd(256);
		/* A read-only CPU mapping faults on a store: write at the pa instead. */
		back = vcm_hosted_mem_cpu(w.mem, gm_mem_pa(&w.m, cr->mem, off));
		CHECK(back != NULL, "bytes: no CPU view of the pa of CPU res %d", r);
		orig = *back;
		if (cr->prot & VCM_PT_PROT_WRITE)
			*p = val;
		else
			*back = val;
		CHECK(*p == val, "bytes: CPU res %d +%#llx reads %#x, wrote %#x", r,
		      (unsigned long long)off, *p, val);
		for (unsigned int i = 0; i < MAX_INST; i++) {
			struct spy_inst *s = &g_inst[i];

			if (!s->live || s->kind != &g_kind_pt)
				continue;
			for (int o = 0; o < GM_MAX_RES; o++) {
				const struct gm_res *or = &w.m.res[o];
				vcm_pa_t pa;
				unsigned int prot;
				uint8_t *q;

				if (!or->live || or->mem != cr->mem || or->vcm != s->owner)
					continue;
				CHECK(gdi_spy_lookup(s, or->da + off, &pa, &prot) == 0,
				      "bytes: cfg %u table lost da %#llx", s->cfg_id,
				      (unsigned long long)(or->da + off));
				q = vcm_hosted_mem_cpu(w.mem, pa);
				CHECK(q != NULL && *q == val,
				      "bytes: CPU wrote %#x at +%#llx; "
				      "cfg %u table's pa %#llx has %#x",
				      val, (unsigned long long)off, s->cfg_id,
				      (unsigned long long)pa, q ? *q : 0);
				/* The same byte in the other VCM, when only one reservation there has it. */
				if (translate_unique(or->vcm, cr->mem, off)) {
					vcm_da_t tda = 0;
					int tr = vcm_translate(w.m.vcm[cr->vcm].h, cr->da + off,
							       w.m.vcm[or->vcm].h, &tda);

					w.calls[1]++;
					CHECK(tr == 0 && tda == or->da + off,
					      "translate CPU %#llx -> VCM %d: %d %#llx, want %#llx",
					      (unsigned long long)(cr->da + off), or->vcm, tr,
					      (unsigned long long)tda,
					      (unsigned long long)(or->da + off));
				}
				/* And back: a device's write is what the CPU reads. */
				*q = (uint8_t)(val ^ 0x5a);
				CHECK(*p == (uint8_t)(val ^ 0x5a),
				      "bytes: write at pa %#llx not seen through the CPU pointer",
				      (unsigned long long)pa);
				*q = val;
			}
		}
		*back = orig; /* leave the contents as they were (migrate checks them) */
	}
}

/*
 * The record as the user sees it: every VCM's reservations, bounds' ones
 * among them, walked in address order and each found by address, are the
 * model's (not @all: the count everywhere, the walk in the VCMs the step
 * touched).
 */
static void check_record(bool all)
{
	for (int v = 0; v < GM_MAX_VCM; v++) {
		const struct gm_vcm *gv = &w.m.vcm[v];
		struct vcm_res *x = NULL;
		unsigned int n = 0;
		vcm_da_t prev = 0;

		if (!gv->live)
			continue;
		CHECK(vcm_get_num_res(gv->h) == gm_vcm_nr_res(&w.m, v),
		      "VCM %d: %llu reservations, the model %u", v,
		      (unsigned long long)vcm_get_num_res(gv->h), gm_vcm_nr_res(&w.m, v));
		if (!all && !dirty_bit(g_dirty.vcm, v))
			continue;
		while ((x = vcm_get_next_res(gv->h, x)) != NULL) {
			vcm_da_t da = vcm_get_dev_addr(x);
			int r = gm_res_at(&w.m, v, da);

			CHECK(r >= 0 && w.m.res[r].h == (void *)x && w.m.res[r].da == da &&
			      (n == 0 || da > prev),
			      "VCM %d: reservation %u of the walk, at %#llx, is not the model's", v,
			      n, (unsigned long long)da);
			CHECK(vcm_get_res(gv->h, da + w.m.res[r].len - 1U) == x,
			      "VCM %d: the reservation at %#llx is not found by its last byte", v,
			      (unsigned long long)da);
			prev = da;
			n++;
		}
		CHECK(n == gm_vcm_nr_res(&w.m, v), "VCM %d: the walk gave %u reservations", v, n);
	}
}

/* The run being grown: neighbours that continue it in da, pa and access join it. */
struct print_acc {
	uint64_t h;
	vcm_da_t da;
	vcm_pa_t pa;
	uint64_t len;
	unsigned int prot;
};

static void print_flush(struct print_acc *a)
{
	if (a->len != 0U)
		a->h = fold(fold(fold(fold(a->h, a->da), a->pa), a->len), a->prot);
	a->len = 0;
}

static int print_run(void *arg, vcm_da_t da, vcm_pa_t pa, uint64_t len, unsigned int prot)
{
	struct print_acc *a = arg;

	if (a->len != 0U && da == a->da + a->len && pa == a->pa + a->len && prot == a->prot) {
		a->len += len;
		return 0;
	}
	print_flush(a);
	*a = (struct print_acc){ a->h, da, pa, len, prot };
	return 0;
}

void gdi_print_tables(uint64_t print[MAX_INST])
{
	for (unsigned int i = 0; i < MAX_INST; i++) {
		const struct spy_inst *s = &g_inst[i];
		struct print_acc a;

		print[i] = 0;
		if (!s->live)
			continue;
		CHECK(s->kind->real->walk != NULL, "instance %u's mapper cannot walk", i);
		a = (struct print_acc){ fold(fold(fold(1, (uint64_t)s->owner), s->cfg_id), s->start), 0, 0, 0, 0 };
		CHECK(gdi_spy_walk((void *)s, s->start, s->len, print_run, &a) == 0, "walk failed");
		print_flush(&a);
		print[i] = a.h | 1U;
	}
}

/* Everything: the graph's own consistency check and every comparison with the model. */
void gdi_check_all(void)
{
	int ret = vcm_sys_check_(w.sys);

	CHECK(ret == 0, "vcm_sys_check_: %d", ret);
	check_record(true);
	check_tables(true);
	check_devices(true);
	check_sims(true);
	check_rmap(true);
	check_bytes(true);
}

/* The same comparisons over what the step touched (g_dirty), the cheap ones everywhere. */
void gdi_check_dirty(void)
{
	check_record(false);
	check_tables(false);
	check_devices(false);
	check_sims(false);
	check_rmap(false);
	check_bytes(false);
}

/* After a call: everything, or with gd_quick what the step touched. */
void gdi_check_step(void)
{
	if (!gd_quick || g_dirty.all)
		gdi_check_all();
	else
		gdi_check_dirty();
}
