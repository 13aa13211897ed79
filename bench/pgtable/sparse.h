/* SPDX-License-Identifier: MIT */
/* The rows of bench_pgtable where tables come and go (sparse.c). */
#ifndef VCM_BENCH_PGTABLE_SPARSE_H
#define VCM_BENCH_PGTABLE_SPARSE_H

void bench_sparse_run(void);

#endif
