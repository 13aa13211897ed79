// SPDX-License-Identifier: MIT
/*
 * The graph reference model (graph_model.h): scans over small arrays, with an
 * index of each allocation's chunks (gm_mem_index()).
 */
#include <errno.h>
#include "graph_model.h"

int gm_new_vcm(struct graph_model *m)
{
	for (int i = 0; i < GM_MAX_VCM; i++)
		if (!m->vcm[i].live)
			return i;
	return -1;
}

int gm_new_res(struct graph_model *m)
{
	for (int i = 0; i < GM_MAX_RES; i++)
		if (!m->res[i].live)
			return i;
	return -1;
}

int gm_new_mem(struct graph_model *m)
{
	for (int i = 0; i < GM_MAX_MEM; i++)
		if (!m->mem[i].live)
			return i;
	return -1;
}

unsigned int gm_vcm_nr_res(const struct graph_model *m, int v)
{
	unsigned int n = 0;

	for (int i = 0; i < GM_MAX_RES; i++)
		n += m->res[i].live && m->res[i].vcm == v;
	return n;
}

unsigned int gm_vcm_nr_assoc(const struct graph_model *m, int v)
{
	unsigned int n = 0;

	for (unsigned int d = 0; d < m->nr_dev; d++)
		n += m->vcm[v].as[d].h != NULL;
	return n;
}

bool gm_vcm_any_active(const struct graph_model *m, int v)
{
	if (m->vcm[v].kind == GM_CPU)
		return true; /* a prebuilt VCM is active from the start */
	for (unsigned int d = 0; d < m->nr_dev; d++)
		if (m->vcm[v].as[d].active)
			return true;
	return false;
}

unsigned int gm_mem_nr_backs(const struct graph_model *m, int mem)
{
	unsigned int n = 0;

	for (int i = 0; i < GM_MAX_RES; i++)
		n += m->res[i].live && m->res[i].mem == mem;
	return n;
}

static bool res_holds(const struct gm_res *r, int v, uint64_t da)
{
	return r->live && r->vcm == v && da >= r->da && da - r->da < r->len;
}

int gm_res_at(const struct graph_model *m, int v, uint64_t da)
{
	/*
	 * Checks ask page after page of one reservation: try the last answer
	 * first. Reservations of a VCM do not overlap, so a hit is the answer.
	 */
	static int last;

	if (res_holds(&m->res[last], v, da))
		return last;
	for (int i = 0; i < GM_MAX_RES; i++)
		if (res_holds(&m->res[i], v, da))
			return last = i;
	return -1;
}

bool gm_fits(const struct graph_model *m, int dev, int v, uint64_t da, int mem)
{
	const struct gm_dev *d = &m->dev[dev];
	const struct gm_mem *pm = &m->mem[mem];
	uint64_t g = UINT64_C(1) << d->gran_lg2, off = 0;

	(void)v;
	if (d->kind == GM_ONE_TO_ONE) {
		for (unsigned int c = 0; c < pm->nr; off += pm->clen[c], c++)
			if (pm->pa[c] != da + off)
				return false;
		return true;
	}
	if ((da & (g - 1U)) != 0U)
		return false;
	/* Tables are written extent by extent: chunks that follow each other merge. */
	for (unsigned int c = 0; c < pm->nr;) {
		uint64_t pa = pm->pa[c], len = 0;

		while (c < pm->nr && pm->pa[c] == pa + len)
			len += pm->clen[c++];
		if (((pa | len) & (g - 1U)) != 0U)
			return false;
	}
	return true;
}

unsigned int gm_expect_back(const struct graph_model *m, int r, int mem)
{
	const struct gm_res *res = &m->res[r];
	const struct gm_vcm *v = &m->vcm[res->vcm];
	unsigned int want = 0;

	if (res->mem >= 0)
		want |= GM_EBUSY;
	if (m->mem[mem].len != res->len)
		want |= GM_EINVAL;
	if (!gm_vcm_any_active(m, res->vcm))
		want |= GM_EAGAIN;
	/* Every table of the VCM must take it; a one-to-one VCM's record must too. */
	for (unsigned int d = 0; d < m->nr_dev; d++)
		if (v->as[d].h != NULL && !gm_fits(m, (int)d, res->vcm, res->da, mem))
			want |= GM_ANY_ERROR;
	if (v->kind == GM_ONE_TO_ONE) {
		uint64_t off = 0;

		for (unsigned int c = 0; c < m->mem[mem].nr; off += m->mem[mem].clen[c], c++)
			if (m->mem[mem].pa[c] != res->da + off)
				want |= GM_ANY_ERROR;
	}
	return want != 0U ? want : GM_OK;
}

bool gm_accepts(unsigned int want, int ret)
{
	if (ret == 0)
		return (want & GM_OK) != 0U;
	if (ret > 0)
		return false;
	if (want & GM_ANY_ERROR)
		return true;
	switch (ret) {
	case -EINVAL: return (want & GM_EINVAL) != 0U;
	case -EBUSY:  return (want & GM_EBUSY) != 0U;
	case -EAGAIN: return (want & GM_EAGAIN) != 0U;
	case -ENOENT: return (want & GM_ENOENT) != 0U;
	case -ENOMEM: return (want & GM_ENOMEM) != 0U;
	default:      return false;
	}
}

void gm_mem_index(struct gm_mem *pm)
{
	uint64_t off = 0;

	pm->pa_lo = UINT64_MAX;
	pm->pa_hi = 0;
	for (unsigned int c = 0; c < pm->nr; off += pm->clen[c], c++) {
		pm->off[c] = off;
		if (pm->pa[c] < pm->pa_lo)
			pm->pa_lo = pm->pa[c];
		if (pm->pa[c] + pm->clen[c] > pm->pa_hi)
			pm->pa_hi = pm->pa[c] + pm->clen[c];
	}
}

/* The chunk of @pm that holds byte @off of it (a binary search on off[]), or -1. */
static int chunk_at(const struct gm_mem *pm, uint64_t off)
{
	unsigned int lo = 0, hi = pm->nr;

	while (hi - lo > 1U) {
		unsigned int mid = lo + (hi - lo) / 2U;

		if (pm->off[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (pm->nr == 0U || off < pm->off[lo] || off - pm->off[lo] >= pm->clen[lo])
		return -1;
	return (int)lo;
}

uint64_t gm_mem_pa(const struct graph_model *m, int mem, uint64_t off)
{
	const struct gm_mem *pm = &m->mem[mem];
	int c = chunk_at(pm, off);

	return c < 0 ? UINT64_MAX : pm->pa[c] + (off - pm->off[c]);
}

bool gm_translate(const struct graph_model *m, int v, uint64_t da, uint64_t *pa,
		  unsigned int *prot)
{
	int r = gm_res_at(m, v, da);

	if (r < 0 || m->res[r].mem < 0)
		return false;
	*pa = gm_mem_pa(m, m->res[r].mem, da - m->res[r].da);
	*prot = m->res[r].prot;
	return true;
}

size_t gm_rmap(const struct graph_model *m, uint64_t pa, struct gm_rmap *out, size_t max)
{
	/* where @pa is in each allocation (its chunks do not overlap), or none */
	uint64_t at[GM_MAX_MEM];
	size_t n = 0;

	for (int k = 0; k < GM_MAX_MEM; k++) {
		const struct gm_mem *pm = &m->mem[k];

		at[k] = UINT64_MAX;
		if (pa < pm->pa_lo || pa >= pm->pa_hi)
			continue;
		for (unsigned int c = 0; c < pm->nr; c++)
			if (pa >= pm->pa[c] && pa - pm->pa[c] < pm->clen[c]) {
				at[k] = pm->off[c] + (pa - pm->pa[c]);
				break;
			}
	}
	for (int i = 0; i < GM_MAX_RES; i++) {
		const struct gm_res *r = &m->res[i];

		if (!r->live || r->mem < 0 || at[r->mem] == UINT64_MAX)
			continue;
		if (n < max)
			out[n] = (struct gm_rmap){ i, r->da + at[r->mem] };
		n++;
	}
	return n;
}
