/* SPDX-License-Identifier: MIT */
/*
 * What the graph benchmarks share: the way out when a call they time fails.
 * A benchmark that cannot set up or run its loop has no figure to print, so
 * it says which call failed, with the system's last error, and exits.
 * Define GRAPH_BENCH_NAME (the program's name) before including.
 */
#ifndef VCM_GRAPH_BENCH_H
#define VCM_GRAPH_BENCH_H

#include <stdio.h>
#include <stdlib.h>
#include <vcm/vcm.h>

static inline void die(const char *what, int ret, struct vcm_sys *sys)
{
	fprintf(stderr, GRAPH_BENCH_NAME ": %s: %d (%s)\n", what, ret,
		sys != NULL ? vcm_sys_last_error(sys) : "");
	exit(1);
}

/* Run @call; on a nonzero return, die() naming it. */
#define TRY(sys, call)                           \
	do {                                     \
		int ret_ = (call);               \
		if (ret_ != 0)                   \
			die(#call, ret_, (sys)); \
	} while (0)

#endif /* VCM_GRAPH_BENCH_H */
