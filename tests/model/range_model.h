/* SPDX-License-Identifier: MIT */
/*
 * The reference model of an address space that page-table tests compare
 * against: a sorted list of disjoint mappings (da, pa, len, prot), with no
 * notion of levels, blocks or formats. Deliberately simple: map refuses any
 * overlap, unmap cuts whatever it covers, lookup is a binary search.
 */
#ifndef VCM_TEST_RANGE_MODEL_H
#define VCM_TEST_RANGE_MODEL_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct model_map {
	uint64_t da, pa, len;
	unsigned int prot;
};

struct model {
	struct model_map *m;
	size_t n, cap;
};

void model_init(struct model *md);
void model_free(struct model *md);
/* Add a mapping; false (and no change) when it overlaps one. */
bool model_map(struct model *md, uint64_t da, uint64_t pa, uint64_t len, unsigned int prot);
/* Remove everything in [da, da + len); returns the bytes that were mapped. */
uint64_t model_unmap(struct model *md, uint64_t da, uint64_t len);
/* The mapping holding @da, or NULL. */
const struct model_map *model_lookup(const struct model *md, uint64_t da);
/* True when some byte of [da, da + len) is mapped. */
bool model_any(const struct model *md, uint64_t da, uint64_t len);

#endif
