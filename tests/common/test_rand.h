/* SPDX-License-Identifier: MIT */
/*
 * The tests' one random source: splitmix64, reproducible from one seed.
 *
 * Every randomised test takes its seed from test_seed(): VCM_TEST_SEED in the
 * environment (decimal or 0x-hex) when set, else the test's own default, and
 * prints it so a failure can be replayed with the same value.
 */
#ifndef VCM_TEST_RAND_H
#define VCM_TEST_RAND_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static inline uint64_t test_rand(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));

	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Uniform in [0, n); 0 when n is 0. */
static inline uint64_t test_rand_below(uint64_t *s, uint64_t n)
{
	return n != 0U ? test_rand(s) % n : 0U;
}

/* The seed for test @name: VCM_TEST_SEED if set, else @dflt; printed. */
static inline uint64_t test_seed(const char *name, uint64_t dflt)
{
	const char *env = getenv("VCM_TEST_SEED");
	uint64_t seed = dflt;

	if (env != NULL && *env != '\0')
		seed = strtoull(env, NULL, 0);
	printf("%s: VCM_TEST_SEED=%#llx\n", name, (unsigned long long)seed);
	return seed;
}

#endif /* VCM_TEST_RAND_H */
