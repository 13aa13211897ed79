/* SPDX-License-Identifier: MIT */
/*
 * Freestanding pieces every bare-metal QEMU harness links (bm_common.c): the
 * memset/memcpy compilers emit on their own, console output in decimal and
 * hex without 64-bit division (the 32-bit x86 images have no libgcc), and the
 * summary line the host generators parse (gen_common.c). Each harness
 * supplies bm_putc() for its own console: PL011, 16550, or an x86 I/O port.
 *
 * Not a goal: anything that touches an MMU or an IOMMU; that is each
 * harness's own job.
 */
#ifndef VCM_TESTS_QEMU_BM_COMMON_H
#define VCM_TESTS_QEMU_BM_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* One character to the harness's console; defined by each harness. */
void bm_putc(char c);

void bm_puts(const char *s);
/* "0x" and 16 hex digits. */
void bm_puthex(uint64_t v);
void bm_putdec(uint32_t v);
/* "RESULT vectors=N ats=N mismatches=N\n": the line gen_parse_result_line() reads. */
void bm_result(uint32_t vectors, uint32_t ats, uint32_t mismatches);
/*
 * Print every nonzero 8-byte entry of the @len bytes of table memory at @base
 * as "PTE <offset> <value>", for the host to read the walker's updates back.
 */
void bm_dump_entries(uintptr_t base, uint32_t len);

/*
 * The head of a mismatch line for one access: "MISMATCH va=<va> <op>
 * expect=", then "ok pa=<pa>" when the model allows it, else @denied (the
 * fault the model expects). The harness appends what the hardware did.
 */
void bm_report_op(uint64_t va, const char *op, int allowed, uint64_t pa, const char *denied);
/*
 * The head of a mismatch line for vector @i: "MISMATCH vec <i> <name> <addr>
 * pa <pa> expect <expect>: <what> <got>". The harness appends its fault state.
 */
void bm_report_vec(uint32_t i, const char *name, uint64_t addr, uint64_t pa, uint32_t expect,
		   const char *what, uint64_t got);

void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

#endif
