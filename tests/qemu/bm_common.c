// SPDX-License-Identifier: MIT
/*
 * Freestanding helpers shared by the bare-metal harnesses: see bm_common.h.
 */
#include "bm_common.h"

/* GCC may emit calls to these even in freestanding code. */
void *memset(void *d, int c, size_t n)
{
	unsigned char *p = d;

	while (n--)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *p = d;
	const unsigned char *q = s;

	while (n--)
		*p++ = *q++;
	return d;
}

void bm_puts(const char *s)
{
	while (*s != '\0')
		bm_putc(*s++);
}

void bm_puthex(uint64_t v)
{
	bm_puts("0x");
	for (int i = 60; i >= 0; i -= 4)
		bm_putc("0123456789abcdef"[(v >> i) & 0xfU]);
}

void bm_putdec(uint32_t v)
{
	char buf[12];
	int n = 0;

	do {
		buf[n++] = (char)('0' + v % 10U);
		v /= 10U;
	} while (v != 0U);
	while (n > 0)
		bm_putc(buf[--n]);
}

void bm_result(uint32_t vectors, uint32_t ats, uint32_t mismatches)
{
	bm_puts("RESULT vectors=");
	bm_putdec(vectors);
	bm_puts(" ats=");
	bm_putdec(ats);
	bm_puts(" mismatches=");
	bm_putdec(mismatches);
	bm_puts("\n");
}

void bm_report_op(uint64_t va, const char *op, int allowed, uint64_t pa, const char *denied)
{
	bm_puts("MISMATCH va=");
	bm_puthex(va);
	bm_puts(" ");
	bm_puts(op);
	bm_puts(" expect=");
	if (allowed) {
		bm_puts("ok pa=");
		bm_puthex(pa);
	} else {
		bm_puts(denied);
	}
}

void bm_report_vec(uint32_t i, const char *name, uint64_t addr, uint64_t pa, uint32_t expect,
		   const char *what, uint64_t got)
{
	bm_puts("MISMATCH vec ");
	bm_putdec(i);
	bm_puts(" ");
	bm_puts(name);
	bm_puts(" ");
	bm_puthex(addr);
	bm_puts(" pa ");
	bm_puthex(pa);
	bm_puts(" expect ");
	bm_puthex(expect);
	bm_puts(": ");
	bm_puts(what);
	bm_puts(" ");
	bm_puthex(got);
}

void bm_dump_entries(uintptr_t base, uint32_t len)
{
	for (uint32_t off = 0; off + 8U <= len; off += 8U) {
		uint64_t e = *(const volatile uint64_t *)(base + off);

		if (e == 0U)
			continue;
		bm_puts("PTE ");
		bm_puthex(off);
		bm_putc(' ');
		bm_puthex(e);
		bm_putc('\n');
	}
}
