// SPDX-License-Identifier: MIT
/*
 * The two functions a compiler may emit calls to on its own, even in
 * freestanding code: what a firmware build supplies next to vcmm.
 */
#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);

void *memset(void *dst, int c, size_t n)
{
	volatile unsigned char *d = dst; /* volatile: keep gcc from calling memset here */

	while (n-- != 0)
		*d++ = (unsigned char)c;
	return dst;
}

void *memcpy(void *dst, const void *src, size_t n)
{
	volatile unsigned char *d = dst;
	const unsigned char *s = src;

	while (n-- != 0)
		*d++ = *s++;
	return dst;
}
