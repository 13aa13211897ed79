// SPDX-License-Identifier: MIT
/*
 * The few libgcc helpers gcc -m32 emits for 64-bit arithmetic in the vcmm
 * core (division, count trailing zeros): Debian's gcc ships no 32-bit
 * libgcc without the multilib packages, so the x86 image brings its own.
 * Shift-and-subtract: slow, and only reached on the library's rare 64-bit
 * divisions.
 */
#include <stdint.h>

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem);
uint64_t __udivdi3(uint64_t n, uint64_t d);
uint64_t __umoddi3(uint64_t n, uint64_t d);
int __ctzdi2(uint64_t v);

uint64_t __udivmoddi4(uint64_t n, uint64_t d, uint64_t *rem)
{
	uint64_t q = 0, r = 0;

	if (d == 0U) {
		/* as the hardware would trap; the library never divides by 0 */
		for (;;)
			__asm__ volatile("ud2");
	}
	for (int i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1U);
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

int __ctzdi2(uint64_t v)
{
	uint32_t lo = (uint32_t)v;

	return lo != 0U ? __builtin_ctz(lo) : 32 + __builtin_ctz((uint32_t)(v >> 32));
}
