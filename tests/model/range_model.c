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

/* Index of the first mapping whose last byte is >= da. */
static size_t first_ending_at_or_after(const struct model *md, uint64_t da)
{
	size_t lo = 0, hi = md->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (md->m[mid].da + md->m[mid].len - 1 < da)
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

bool model_any(const struct model *md, uint64_t da, uint64_t len)
{
	size_t i = first_ending_at_or_after(md, da);

	return i < md->n && md->m[i].da <= da + len - 1;
}

bool model_map(struct model *md, uint64_t da, uint64_t pa, uint64_t len, unsigned int prot)
{
	if (model_any(md, da, len))
		return false;
	insert_at(md, first_ending_at_or_after(md, da),
		  (struct model_map){ .da = da, .pa = pa, .len = len, .prot = prot });
	return true;
}

uint64_t model_unmap(struct model *md, uint64_t da, uint64_t len)
{
	uint64_t last = da + len - 1, removed = 0;
	size_t i = first_ending_at_or_after(md, da);

	while (i < md->n && md->m[i].da <= last) {
		struct model_map cur = md->m[i];
		uint64_t cur_last = cur.da + cur.len - 1;
		uint64_t cut_first = cur.da > da ? cur.da : da;
		uint64_t cut_last = cur_last < last ? cur_last : last;

		removed += cut_last - cut_first + 1;
		remove_at(md, i);
		if (cur.da < cut_first) {
			insert_at(md, i, (struct model_map){ cur.da, cur.pa, cut_first - cur.da,
							     cur.prot });
			i++;
		}
		if (cur_last > cut_last) {
			uint64_t off = cut_last + 1 - cur.da;

			insert_at(md, i, (struct model_map){ cut_last + 1, cur.pa + off,
							     cur_last - cut_last, cur.prot });
			i++;
		}
	}
	return removed;
}

const struct model_map *model_lookup(const struct model *md, uint64_t da)
{
	size_t i = first_ending_at_or_after(md, da);

	if (i < md->n && md->m[i].da <= da)
		return &md->m[i];
	return NULL;
}
