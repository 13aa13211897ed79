/* SPDX-License-Identifier: MIT */
/*
 * A page table under test: an arena whose "walker view" (the shadow) is
 * updated only by cache_clean, table allocations that can be made to fail,
 * a TLB recorder that checks break-before-make, and the reference model the
 * table is compared with after every step.
 */
#ifndef VCM_TEST_PT_FIXTURE_H
#define VCM_TEST_PT_FIXTURE_H

#include <vcm/pgtable.h>
#include <vcm/hosted.h>
#include "pt_configs.h"
#include "model/range_model.h"

struct pt_block {
	vcm_pa_t pa;
	uint64_t size;
};

struct pt_fixture {
	const struct pt_config *cfg;
	struct vcm_plat_arena *arena;
	uint8_t *shadow;          /* what a non-snooping walker sees */
	struct vcm_plat_ops inner, plat;
	struct vcm_pt_tlb_ops tlb;
	struct vcm_pt *pt;
	struct model md;
	long fail_after;          /* table allocations left before -ENOMEM; -1 never */
	struct pt_block *blocks;  /* table blocks handed out, for the shadow check */
	size_t nblocks, cap;
	unsigned long flushes;
	struct {
		vcm_da_t da;
		uint64_t len;
	} flog[8];                /* the last flushes, flushes % 8 the next slot */
	unsigned long zero_frees; /* tables given back through table_free_zero, checked zero */
	unsigned long violations; /* break-before-make or cache-clean faults seen in callbacks */
	/* flushes of live leaves are expected (a dirty-state clear changes no mapping) */
	bool flush_live_ok;
	char why[256];
};

#define PT_ARENA_PA  UINT64_C(0x40000000)
#define PT_ARENA_LEN (UINT64_C(64) << 20)

/* The row of pt_configs named @name; aborts if there is none. */
const struct pt_config *ptf_config(const char *name);

/* Make the fixture for @cfg with @page_sizes (0 = the row's). Aborts on failure. */
void ptf_init(struct pt_fixture *f, const struct pt_config *cfg, uint64_t page_sizes);
void ptf_fini(struct pt_fixture *f);
/*
 * Compare the table with the model through walk and lookup (random probes
 * drawn from @seed), the walker's view with the CPU's, and run
 * vcm_pt_check_(); returns 0 or describes the first difference in f->why.
 */
int ptf_check(struct pt_fixture *f, uint64_t seed);
/*
 * Table memory as the platform sees it: the bytes the fixture's allocator has
 * out now equal vcm_pt_table_bytes() (vcm_pt_check_() then ties that count to
 * the tables linked from the root, none of them empty). ptf_check() runs it.
 */
int ptf_check_bytes(struct pt_fixture *f);
/* The last address of @cfg's input space, 2^ias - 1 (ias 64 included). */
static inline uint64_t ptf_top_last(const struct pt_config *cfg)
{
	return cfg->ias >= 64 ? UINT64_MAX : (UINT64_C(1) << cfg->ias) - 1U;
}
/* The leaves of a fresh map of [da, +len) at pa are the greedy largest ones. */
int ptf_check_greedy(struct pt_fixture *f, vcm_da_t da, vcm_pa_t pa, uint64_t len,
		     uint64_t sizes);

#endif
