// SPDX-License-Identifier: MIT
/*
 * The graph reference model (graph_model.h): linear scans over small arrays.
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

int gm_res_at(const struct graph_model *m, int v, uint64_t da)
{
	for (int i = 0; i < GM_MAX_RES; i++) {
		const struct gm_res *r = &m->res[i];

		if (r->live && r->vcm == v && da >= r->da && da - r->da < r->len)
			return i;
	}
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

uint64_t gm_mem_pa(const struct graph_model *m, int mem, uint64_t off)
{
	const struct gm_mem *pm = &m->mem[mem];

	for (unsigned int c = 0; c < pm->nr; c++) {
		if (off < pm->clen[c])
			return pm->pa[c] + off;
		off -= pm->clen[c];
	}
	return UINT64_MAX;
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

bool gm_translate_run(const struct graph_model *m, int v, uint64_t da, uint64_t *pa,
		      unsigned int *prot, uint64_t *run)
{
	int r = gm_res_at(m, v, da);
	const struct gm_mem *pm;
	uint64_t off;

	if (r < 0 || m->res[r].mem < 0)
		return false;
	off = da - m->res[r].da;
	pm = &m->mem[m->res[r].mem];
	*run = m->res[r].len - off;
	for (unsigned int c = 0; c < pm->nr; c++) {
		if (off < pm->clen[c]) {
			*pa = pm->pa[c] + off;
			*prot = m->res[r].prot;
			if (pm->clen[c] - off < *run)
				*run = pm->clen[c] - off;
			return true;
		}
		off -= pm->clen[c];
	}
	return false;
}

size_t gm_rmap(const struct graph_model *m, uint64_t pa, struct gm_rmap *out, size_t max)
{
	/* @pa's offset in each allocation, found once however many reservations it backs */
	uint64_t off_in[GM_MAX_MEM];
	uint8_t known[GM_MAX_MEM] = { 0 }; /* 0 not looked, 1 holds @pa at off_in, 2 does not */
	size_t n = 0;

	for (int i = 0; i < GM_MAX_RES; i++) {
		const struct gm_res *r = &m->res[i];
		int mi = r->mem;

		if (!r->live || mi < 0)
			continue;
		if (known[mi] == 0U) {
			const struct gm_mem *pm = &m->mem[mi];
			uint64_t off = 0;

			/* the chunks of one allocation are disjoint: one holds @pa at most */
			known[mi] = 2;
			for (unsigned int c = 0; c < pm->nr; off += pm->clen[c], c++)
				if (pa >= pm->pa[c] && pa - pm->pa[c] < pm->clen[c]) {
					off_in[mi] = off + (pa - pm->pa[c]);
					known[mi] = 1;
					break;
				}
		}
		if (known[mi] == 1U) {
			if (n < max)
				out[n] = (struct gm_rmap){ i, r->da + off_in[mi] };
			n++;
		}
	}
	return n;
}
