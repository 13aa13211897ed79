/* SPDX-License-Identifier: MIT */
/*
 * VCM_ASSERT: for what cannot happen, never for caller input. Compiled in when
 * VCM_DEBUG >= 1 (every test build); a failure traps, which needs no libc.
 */
#ifndef VCM_UTIL_ASSERT_H
#define VCM_UTIL_ASSERT_H

#ifndef VCM_DEBUG
#define VCM_DEBUG 0
#endif

#if VCM_DEBUG >= 1
#define VCM_ASSERT(cond) do { if (!(cond)) __builtin_trap(); } while (0)
#else
#define VCM_ASSERT(cond) do { (void)sizeof(cond); } while (0)
#endif

#endif /* VCM_UTIL_ASSERT_H */
