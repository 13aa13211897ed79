/* SPDX-License-Identifier: MIT */
/* What the rfc.h tests share: sizes, and a fresh default system per test. */
#ifndef VCM_TESTS_RFC_FIXTURE_H
#define VCM_TESTS_RFC_FIXTURE_H

#include <vcm/rfc.h>

#define SZ_4K  0x1000ULL
#define SZ_64K 0x10000ULL
#define SZ_1M  0x100000ULL
#define SZ_16M 0x1000000ULL

static inline int setup(void **state)
{
	(void)state;
	return vcm_sys_init();
}

static inline int teardown(void **state)
{
	(void)state;
	return vcm_sys_destroy();
}

#endif /* VCM_TESTS_RFC_FIXTURE_H */
