// SPDX-License-Identifier: MIT
/*
 * The message formatter's cases (tests/util/diag_fmt_cases.c) on 32-bit bare
 * metal, where size_t, long and pointers are 32 bits wide: run under
 * qemu-system-arm, reporting on the PL011 UART and exiting with the number of
 * failed cases (semihosting, start_a32.S).
 */
#include <stdint.h>
#include "diag_fmt_cases.h"

#define UART_DR ((volatile uint32_t *)0x09000000U) /* virt machine: PL011 data register */

int image_main(void);

_Static_assert(sizeof(void *) == 4 && sizeof(long) == 4, "a 32-bit target is the point");

static void say(const char *s)
{
	while (*s != '\0')
		*UART_DR = (uint32_t)(unsigned char)*s++;
}

int image_main(void)
{
	unsigned int failed = diag_fmt_run(say);

	say(failed == 0U ? "diag_fmt: all cases pass\n" : "diag_fmt: FAILED\n");
	return failed > 250U ? 250 : (int)failed;
}
