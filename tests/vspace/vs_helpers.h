/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the vspace tests: metadata ops that count what is live
 * (so a test can see destroy give everything back), can be told to fail, and
 * poison what they free (so a read of freed metadata shows even without ASan).
 * Random numbers come from tests/common/test_rand.h.
 */
#ifndef VCM_TEST_VS_HELPERS_H
#define VCM_TEST_VS_HELPERS_H

#include <stdlib.h>
#include <stdint.h>
#include <string.h>
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
	memset(p, 0xa5, size);
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

#endif
