/* SPDX-License-Identifier: MIT */
/* The dirty-harvest rows of bench_pgtable (dirty.c). */
#ifndef VCM_BENCH_PGTABLE_DIRTY_H
#define VCM_BENCH_PGTABLE_DIRTY_H

void bench_dirty_run(void);

#endif
