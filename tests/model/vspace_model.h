/* SPDX-License-Identifier: MIT */
/*
 * The brute-force reference model of a vspace: a sorted array of disjoint
 * ranges inside [start, last]. Reserve scans every gap from the lowest
 * address and takes the first aligned fit, so it answers "does an aligned
 * fit exist, and where is the lowest one" by exhaustion. Deliberately slow
 * and simple (O(n) per call); for tests only.
 */
#ifndef VCM_TEST_VSPACE_MODEL_H
#define VCM_TEST_VSPACE_MODEL_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

struct vsm_range {
	uint64_t start, len;
};

struct vsm {
	uint64_t start, last;      /* inclusive: the space may end at 2^64 */
	struct vsm_range *r;       /* sorted by start */
	size_t n, cap;
};

void vsm_init(struct vsm *m, uint64_t start, uint64_t last);
void vsm_fini(struct vsm *m);
/* Lowest @align-aligned free run of @len bytes: 0 and *@da, or -ENOSPC. */
int vsm_reserve(struct vsm *m, uint64_t len, uint64_t align, uint64_t *da);
/* As vsm_reserve() but only says where; @m does not change. */
int vsm_first_fit(const struct vsm *m, uint64_t len, uint64_t align, uint64_t *da);
/* 0, -ERANGE (outside the space) or -EEXIST (overlaps); @len > 0, no wrap. */
int vsm_reserve_at(struct vsm *m, uint64_t da, uint64_t len);
/* Remove the range starting at @start: 0 or -ENOENT. */
int vsm_unreserve(struct vsm *m, uint64_t start);
/* Index of the range holding @da, or -1. */
long vsm_find(const struct vsm *m, uint64_t da);
uint64_t vsm_free_bytes(const struct vsm *m);

#endif
