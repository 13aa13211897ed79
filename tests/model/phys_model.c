// SPDX-License-Identifier: MIT
/*
 * The brute-force model behind the phys tests; see phys_model.h. A range may
 * end at 2^64, so positions are compared as offsets into their range, never
 * against pa + len.
 */
#include <stdlib.h>
#include <string.h>
#include "phys_model.h"

static int cmp_range(const void *a, const void *b)
{
	const struct pm_range *x = a, *y = b;

	return x->pa < y->pa ? -1 : x->pa > y->pa;
}

void pm_init(struct phys_model *pm, const uint64_t (*ranges)[2], size_t n, unsigned int gran_lg2)
{
	size_t j, k;

	pm->gran_lg2 = gran_lg2;
	pm->ranges = calloc(n, sizeof(*pm->ranges));
	for (j = 0; j < n; j++) {
		pm->ranges[j].pa = ranges[j][0];
		pm->ranges[j].len = ranges[j][1];
	}
	qsort(pm->ranges, n, sizeof(*pm->ranges), cmp_range);
	for (j = 1, k = 1; j < n; j++) {
		if (pm->ranges[j].pa - pm->ranges[k - 1].pa == pm->ranges[k - 1].len)
			pm->ranges[k - 1].len += pm->ranges[j].len;
		else
			pm->ranges[k++] = pm->ranges[j];
	}
	pm->nr_ranges = n ? k : 0;
	pm->nr_pages = 0;
	for (j = 0; j < pm->nr_ranges; j++) {
		pm->ranges[j].base = pm->nr_pages;
		pm->nr_pages += pm->ranges[j].len >> gran_lg2;
	}
	pm->owner = calloc(pm->nr_pages ? pm->nr_pages : 1, sizeof(*pm->owner));
}

void pm_fini(struct phys_model *pm)
{
	free(pm->ranges);
	free(pm->owner);
	pm->ranges = NULL;
	pm->owner = NULL;
}

/* The range holding all of [pa, pa + len), or NULL. */
static const struct pm_range *range_of(const struct phys_model *pm, uint64_t pa, uint64_t len)
{
	for (size_t j = 0; j < pm->nr_ranges; j++) {
		const struct pm_range *r = &pm->ranges[j];

		if (pa >= r->pa && pa - r->pa < r->len && len <= r->len - (pa - r->pa))
			return r;
	}
	return NULL;
}

/* Does the 2^lg2-aligned block at @a lie inside @r (after @a was stepped, maybe past 2^64)? */
static bool block_in(const struct pm_range *r, uint64_t a, uint64_t size)
{
	return a >= r->pa && size <= r->len && a - r->pa <= r->len - size;
}

static size_t page_of(const struct phys_model *pm, const struct pm_range *r, uint64_t pa)
{
	return r->base + (size_t)((pa - r->pa) >> pm->gran_lg2);
}

static bool all_free(const uint32_t *owner, size_t first, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (owner[first + i] != 0)
			return false;
	return true;
}

bool pm_claim(struct phys_model *pm, uint64_t pa, uint64_t len, uint32_t id)
{
	const struct pm_range *r = range_of(pm, pa, len);
	size_t first, n = (size_t)(len >> pm->gran_lg2);

	if (r == NULL || len == 0 || (pa | len) & ((1ULL << pm->gran_lg2) - 1))
		return false;
	first = page_of(pm, r, pa);
	if (!all_free(pm->owner, first, n))
		return false;
	for (size_t i = 0; i < n; i++)
		pm->owner[first + i] = id;
	return true;
}

bool pm_release(struct phys_model *pm, uint64_t pa, uint64_t len, uint32_t id)
{
	const struct pm_range *r = range_of(pm, pa, len);
	size_t first, n = (size_t)(len >> pm->gran_lg2);

	if (r == NULL)
		return false;
	first = page_of(pm, r, pa);
	for (size_t i = 0; i < n; i++)
		if (pm->owner[first + i] != id)
			return false;
	for (size_t i = 0; i < n; i++)
		pm->owner[first + i] = 0;
	return true;
}

uint64_t pm_free_bytes(const struct phys_model *pm)
{
	uint64_t n = 0;

	for (size_t i = 0; i < pm->nr_pages; i++)
		n += pm->owner[i] == 0;
	return n << pm->gran_lg2;
}

uint64_t pm_total_bytes(const struct phys_model *pm)
{
	return (uint64_t)pm->nr_pages << pm->gran_lg2;
}

static uint64_t count_aligned(const struct phys_model *pm, const uint32_t *owner, unsigned int lg2)
{
	uint64_t size = 1ULL << lg2, n = 0;

	for (size_t j = 0; j < pm->nr_ranges; j++) {
		const struct pm_range *r = &pm->ranges[j];
		for (uint64_t a = (r->pa + size - 1) & ~(size - 1); block_in(r, a, size); a += size)
			n += all_free(owner, page_of(pm, r, a), (size_t)(size >> pm->gran_lg2));
	}
	return n;
}

uint64_t pm_count_aligned(const struct phys_model *pm, unsigned int lg2)
{
	return count_aligned(pm, pm->owner, lg2);
}

uint64_t pm_largest_aligned(const struct phys_model *pm, unsigned int max_lg2)
{
	for (unsigned int lg2 = max_lg2; lg2 >= pm->gran_lg2; lg2--)
		if (pm_count_aligned(pm, lg2) != 0)
			return 1ULL << lg2;
	return 0;
}

uint64_t pm_longest_run(const struct phys_model *pm)
{
	uint64_t best = 0;

	for (size_t j = 0; j < pm->nr_ranges; j++) {
		const struct pm_range *r = &pm->ranges[j];
		uint64_t run = 0;

		for (size_t i = 0; i < (size_t)(r->len >> pm->gran_lg2); i++) {
			run = pm->owner[r->base + i] == 0 ? run + 1 : 0;
			if (run > best)
				best = run;
		}
	}
	return best << pm->gran_lg2;
}

uint64_t pm_plan(const struct phys_model *pm, uint64_t len, uint64_t sizes, uint64_t *counts)
{
	uint32_t *copy = malloc((pm->nr_pages ? pm->nr_pages : 1) * sizeof(*copy));
	unsigned int k = 0;

	memcpy(copy, pm->owner, pm->nr_pages * sizeof(*copy));
	for (int lg2 = 63; lg2 >= 0; lg2--) {
		uint64_t size = 1ULL << lg2;

		if (!(sizes & size))
			continue;
		counts[k] = 0;
		for (size_t j = 0; j < pm->nr_ranges && len >= size; j++) {
			const struct pm_range *r = &pm->ranges[j];
			for (uint64_t a = (r->pa + size - 1) & ~(size - 1);
			     block_in(r, a, size) && len >= size; a += size) {
				size_t first = page_of(pm, r, a);
				size_t n = (size_t)(size >> pm->gran_lg2);

				if (!all_free(copy, first, n))
					continue;
				for (size_t i = 0; i < n; i++)
					copy[first + i] = 1;
				counts[k]++;
				len -= size;
			}
		}
		k++;
	}
	free(copy);
	return len;
}

bool pm_first_fit(const struct phys_model *pm, uint64_t len, uint64_t align, uint64_t *pa)
{
	for (size_t j = 0; j < pm->nr_ranges; j++) {
		const struct pm_range *r = &pm->ranges[j];
		for (uint64_t a = (r->pa + align - 1) & ~(align - 1);
		     a >= r->pa && a - r->pa < r->len && len <= r->len - (a - r->pa); a += align) {
			if (all_free(pm->owner, page_of(pm, r, a), (size_t)(len >> pm->gran_lg2))) {
				*pa = a;
				return true;
			}
		}
	}
	return false;
}
