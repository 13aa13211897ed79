// SPDX-License-Identifier: MIT
/*
 * The 64-bit helpers gcc calls on 32-bit x86 (division, count trailing
 * zeros), for the image only: Debian's gcc has no 32-bit libgcc unless
 * gcc-multilib is installed, and the library divides uint64_t in a few places
 * (messages, sizes) and counts bits of 64-bit words. Plain loops; speed does
 * not matter here.
 */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int64_t __divdi3(int64_t n, int64_t d);
int64_t __moddi3(int64_t n, int64_t d);
int __ctzdi2(uint64_t v);
int __clzdi2(uint64_t v);

/* Like the builtins, undefined for 0 (the library never asks). */
int __ctzdi2(uint64_t v)
{
	uint32_t lo = (uint32_t)v;

	return lo != 0U ? __builtin_ctz(lo) : 32 + __builtin_ctz((uint32_t)(v >> 32));
}

int __clzdi2(uint64_t v)
{
	uint32_t hi = (uint32_t)(v >> 32);

	return hi != 0U ? __builtin_clz(hi) : 32 + __builtin_clz((uint32_t)v);
}

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0) /* as the hardware would: trap */
		__builtin_trap();
	for (int i = 63; i >= 0; i--) {
		r = r << 1 | ((n >> i) & 1U);
		if (r >= d) {
			r -= d;
			q |= UINT64_C(1) << i;
		}
	}
	if (rem != 0)
		*rem = r;
	return q;
}

uint64_t __udivdi3(uint64_t n, uint64_t d)
{
	return __udivmoddi4(n, d, 0);
}

uint64_t __umoddi3(uint64_t n, uint64_t d)
{
	uint64_t r;

	__udivmoddi4(n, d, &r);
	return r;
}

static uint64_t mag(int64_t v)
{
	return v < 0 ? -(uint64_t)v : (uint64_t)v;
}

int64_t __divdi3(int64_t n, int64_t d)
{
	uint64_t q = __udivmoddi4(mag(n), mag(d), 0);

	return (n < 0) != (d < 0) ? -(int64_t)q : (int64_t)q;
}

int64_t __moddi3(int64_t n, int64_t d)
{
	uint64_t r;

	__udivmoddi4(mag(n), mag(d), &r);
	return n < 0 ? -(int64_t)r : (int64_t)r;
}
