// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: call sequences on the mapping graph. The driver of the
 * property test (tests/model/graph_driver.c) builds its mixed-format system
 * (ARMv7 short descriptor and ARMv8 stage 1 and 2 behind IOMMU models, AMD
 * v1, a one-to-one DMA engine, the hosted CPU) and takes every choice (which
 * call, on which object, with which length, alignment and protection) from
 * the input bytes instead of a generator, and checks the state against the
 * model in tests/model/graph_model.c in its gd_quick mode: after every step
 * what the step touched (its reservations' ranges in every table of their
 * VCM, walked and looked up, and through the IOMMU models of the devices
 * that VCM is active on; the reverse map of the allocations it touched and of
 * the pages it freed; the record of its VCMs; the CPU's bytes of those
 * allocations), every 64 steps and after the last one everything (the
 * system's own check, every table, every device, the whole reverse map). A
 * check that fails aborts, so libFuzzer keeps the input that led there.
 *
 * Input: a sequence of choices, 1 byte each for a choice among up to 256
 * values, 2 for up to 65536, else 4 or 8, little-endian; when the bytes run
 * out the sequence ends (after at most FUZZ_GRAPH_STEPS steps) and
 * everything is torn down, which is checked too (nothing leaked).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_util.h"
#include "model/graph_driver.h"

#define FUZZ_GRAPH_STEPS 256

static const uint8_t *g_data;
static size_t g_left;

uint64_t gd_rand(uint64_t n)
{
	unsigned int bytes = n <= 0x100U ? 1U : n <= 0x10000U ? 2U :
			     n <= UINT64_C(0x100000000) ? 4U : 8U;
	uint64_t v = 0;

	for (unsigned int i = 0; i < bytes && g_left > 0; i++, g_left--)
		v |= (uint64_t)*g_data++ << (8U * i);
	return v % n;
}

void gd_fail(const char *msg)
{
	fprintf(stderr, "fuzz_graph: %s\n", msg);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	g_data = data;
	g_left = size;
	gd_quick = true;
	gd_keep_mem = true;
	gd_init();
	for (unsigned int i = 0; i < FUZZ_GRAPH_STEPS && g_left > 0; i++)
		gd_step();
	gd_teardown();
	return 0;
}
