/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the vspace tests: metadata ops that count what is live
 * (so a test can see destroy give everything back) and can be told to fail,
 * and a small deterministic PRNG whose seed the tests print on failure.
 */
#ifndef VCM_TEST_VS_HELPERS_H
#define VCM_TEST_VS_HELPERS_H

#include <stdlib.h>
#include <stdint.h>
#include <vcm/vspace.h>

struct counting_meta {
	long live_blocks;
	long long live_bytes;
	long fail_after;        /* fail the call after this many successes; -1 never */
};

static void *counting_alloc(void *ctx, size_t size)
{
	struct counting_meta *c = ctx;

	if (c->fail_after == 0)
		return NULL;
	if (c->fail_after > 0)
		c->fail_after--;
	c->live_blocks++;
	c->live_bytes += (long long)size;
	return malloc(size);
}

static void counting_free(void *ctx, void *p, size_t size)
{
	struct counting_meta *c = ctx;

	c->live_blocks--;
	c->live_bytes -= (long long)size;
	free(p);
}

static inline void counting_ops(struct vcm_plat_ops *ops, struct counting_meta *c)
{
	c->live_blocks = 0;
	c->live_bytes = 0;
	c->fail_after = -1;
	*ops = (struct vcm_plat_ops){ .ctx = c, .meta_alloc = counting_alloc,
				      .meta_free = counting_free };
}

/* splitmix64: tiny, good enough, reproducible from one seed. */
static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

static inline uint64_t rng_below(uint64_t *s, uint64_t n)
{
	return n ? rng_next(s) % n : 0;
}

#endif
