// SPDX-License-Identifier: MIT
/* The reference address-space model: see range_model.h. */
#include <stdlib.h>
#include <string.h>
#include "range_model.h"

void model_init(struct model *md)
{
	md->m = NULL;
	md->n = 0;
	md->cap = 0;
}

void model_free(struct model *md)
{
	free(md->m);
	model_init(md);
}

/* Index of the first mapping whose last byte is >= iova. */
static size_t first_ending_at_or_after(const struct model *md, uint64_t iova)
{
	size_t lo = 0, hi = md->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (md->m[mid].iova + md->m[mid].len - 1 < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void insert_at(struct model *md, size_t i, struct model_map v)
{
	if (md->n == md->cap) {
		md->cap = md->cap ? md->cap * 2 : 64;
		md->m = realloc(md->m, md->cap * sizeof(*md->m));
		if (md->m == NULL)
			abort();
	}
	memmove(&md->m[i + 1], &md->m[i], (md->n - i) * sizeof(*md->m));
	md->m[i] = v;
	md->n++;
}

static void remove_at(struct model *md, size_t i)
{
	memmove(&md->m[i], &md->m[i + 1], (md->n - i - 1) * sizeof(*md->m));
	md->n--;
}

bool model_any(const struct model *md, uint64_t iova, uint64_t len)
{
	size_t i = first_ending_at_or_after(md, iova);

	return i < md->n && md->m[i].iova <= iova + len - 1;
}

bool model_map(struct model *md, uint64_t iova, uint64_t pa, uint64_t len, unsigned int prot)
{
	if (model_any(md, iova, len))
		return false;
	insert_at(md, first_ending_at_or_after(md, iova),
		  (struct model_map){ .iova = iova, .pa = pa, .len = len, .prot = prot });
	return true;
}

uint64_t model_unmap(struct model *md, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1, removed = 0;
	size_t i = first_ending_at_or_after(md, iova);

	while (i < md->n && md->m[i].iova <= last) {
		struct model_map cur = md->m[i];
		uint64_t cur_last = cur.iova + cur.len - 1;
		uint64_t cut_first = cur.iova > iova ? cur.iova : iova;
		uint64_t cut_last = cur_last < last ? cur_last : last;

		removed += cut_last - cut_first + 1;
		remove_at(md, i);
		if (cur.iova < cut_first) {
			insert_at(md, i, (struct model_map){ cur.iova, cur.pa, cut_first - cur.iova,
							     cur.prot });
			i++;
		}
		if (cur_last > cut_last) {
			uint64_t off = cut_last + 1 - cur.iova;

			insert_at(md, i, (struct model_map){ cut_last + 1, cur.pa + off,
							     cur_last - cut_last, cur.prot });
			i++;
		}
	}
	return removed;
}

const struct model_map *model_lookup(const struct model *md, uint64_t iova)
{
	size_t i = first_ending_at_or_after(md, iova);

	if (i < md->n && md->m[i].iova <= iova)
		return &md->m[i];
	return NULL;
}
