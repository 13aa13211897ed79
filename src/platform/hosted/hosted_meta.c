// SPDX-License-Identifier: MIT
/*
 * Metadata of the hosted platforms (the heap ops and the hosted memory):
 * malloc, except that a block of HOSTED_META_LINES_MIN bytes or more gets
 * whole aligned pairs of cache lines of its own.
 *
 * Blocks that large are the records a page table, a range space, its cache
 * or a handle slab keeps for its whole life, and a VCM's are made one after
 * another, so malloc lays two VCMs' records side by side. Two threads, each
 * busy in its own VCM, then wrote the lines at the edges in turn (CPUs that
 * fetch lines in pairs make a neighbour 64 bytes away count too): about half
 * the runs of bench_graph_threads's two-VCM 4 KiB rows fell from about 1.9x
 * to 1.2x-1.5x. Small blocks (extent arrays, made and freed on every back)
 * stay plain malloc, which is cheaper than an aligned allocation.
 */
#define _POSIX_C_SOURCE 200809L /* posix_memalign */
#include <stdint.h>
#include <stdlib.h>
#include <vcm/platform.h>
#include "hosted_internal.h"

#define HOSTED_META_LINES_MIN 256U
#define HOSTED_META_PAIR      128U

void *hosted_meta_alloc_(void *ctx, size_t size)
{
	void *p;

	(void)ctx;
	if (vcm_plat_inject_fail_("metadata"))
		return NULL;
	if (size < HOSTED_META_LINES_MIN)
		return malloc(size);
	if (size > SIZE_MAX - HOSTED_META_PAIR)
		return NULL;
	/* rounded up too, so the next block does not start in its last pair */
	if (posix_memalign(&p, HOSTED_META_PAIR,
			   (size + HOSTED_META_PAIR - 1U) & ~(size_t)(HOSTED_META_PAIR - 1U)) != 0)
		return NULL;
	return p;
}

void hosted_meta_free_(void *ctx, void *p, size_t size)
{
	(void)ctx;
	(void)size;
	if (p == NULL)
		return;
	free(p);
	vcm_plat_inject_free_("metadata");
}
