/* SPDX-License-Identifier: MIT */
/*
 * The reference model the phys tests compare against: one owner word per
 * smallest chunk ("page") of a memtype, and brute-force answers computed from
 * that map alone (no free lists, no buddies): which naturally aligned regions
 * are wholly free, what the largest-first greedy plan takes, where the first
 * fitting contiguous run starts. Slow and obvious on purpose.
 */
#ifndef VCM_TEST_PHYS_MODEL_H
#define VCM_TEST_PHYS_MODEL_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

struct pm_range {
	uint64_t pa, len;
	size_t base; /* index of the first page */
};

struct phys_model {
	unsigned int gran_lg2;
	size_t nr_ranges;
	struct pm_range *ranges; /* sorted, touching ranges joined */
	size_t nr_pages;
	uint32_t *owner;         /* 0 = free, else the allocation's id */
};

/* Build the model of a memtype: @n ranges (any order), pages of 2^@gran_lg2 bytes. */
void pm_init(struct phys_model *pm, const uint64_t (*ranges)[2], size_t n, unsigned int gran_lg2);
void pm_fini(struct phys_model *pm);
/* Mark [pa, pa + len) as owned by @id; false (no change) if any page is outside or taken. */
bool pm_claim(struct phys_model *pm, uint64_t pa, uint64_t len, uint32_t id);
/* Free [pa, pa + len); false (no change) unless every page is owned by @id. */
bool pm_release(struct phys_model *pm, uint64_t pa, uint64_t len, uint32_t id);
uint64_t pm_free_bytes(const struct phys_model *pm);
uint64_t pm_total_bytes(const struct phys_model *pm);
/* Number of naturally aligned, wholly free 2^lg2-byte regions inside one range. */
uint64_t pm_count_aligned(const struct phys_model *pm, unsigned int lg2);
/* Largest 2^lg2 with pm_count_aligned() > 0 (lg2 <= max_lg2), or 0 bytes. */
uint64_t pm_largest_aligned(const struct phys_model *pm, unsigned int max_lg2);
uint64_t pm_longest_run(const struct phys_model *pm);
/*
 * Largest-first greedy plan for @len in the sizes of bitmap @sizes, simulated on a
 * copy of the map: counts[i] for the i-th size from the largest. Returns the
 * bytes that could not be covered (0 = success).
 */
uint64_t pm_plan(const struct phys_model *pm, uint64_t len, uint64_t sizes, uint64_t *counts);
/* Lowest @align-aligned start of @len free bytes; false if none. */
bool pm_first_fit(const struct phys_model *pm, uint64_t len, uint64_t align, uint64_t *pa);

#endif
