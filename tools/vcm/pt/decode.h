/* SPDX-License-Identifier: MIT */
/*
 * A second reader of page tables: walks a raw memory image (as a debugger or
 * /dev/mem gives it) from a root table and prints every leaf with its
 * attributes in the manual's words, and every malformed entry with its
 * physical address. Written from the architecture manuals, independent of
 * the library's walker (it shares no code with src/pgtable), so a table the
 * library writes is checked by a reader that did not write it.
 *
 * The input is in memory and untrusted: any bytes, any base and root. Output
 * goes to one FILE; nothing else is touched, nothing is kept between calls.
 */
#ifndef VCM_TOOLS_PT_DECODE_H
#define VCM_TOOLS_PT_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The table formats the decoder reads. */
enum pt_arch {
	PT_ARCH_ARMV7S,	/* ARMv7 short descriptor (DDI 0406C.d B3.5) */
	PT_ARCH_ARMV8,	/* VMSAv8-64 long descriptor, stage 1 or 2 (DDI 0487F.c D5) */
	PT_ARCH_X86_64,	/* x86-64 4- and 5-level paging (SDM Vol. 3A ch. 4) */
	PT_ARCH_VTD,	/* Intel VT-d second stage (D51397 rev 4.0, 9.8) */
	PT_ARCH_AMDV1,	/* AMD IOMMU v1 host tables (48882 rev 3.00, 2.2.3) */
	PT_ARCH_RISCV,	/* RISC-V Sv39/48/57, G-stage x4 (Privileged 1.12, 4.3-4.6, 8.5) */
	PT_ARCH_RISCV32, /* RISC-V Sv32, G-stage Sv32x4 (Privileged 1.12, 4.3, 8.5) */
};

/*
 * struct pt_decode_in - what to decode.
 * @arch:        the format.
 * @ias:         input address bits (0: the format's default: armv7s 32,
 *               armv8 48, x86_64 48, vtd 48, amdv1 48, riscv 39). Picks the
 *               levels: armv7s TTBCR.N = 32 - ias; x86_64 48/57; vtd, riscv
 *               39/48/57; amdv1 39..64 (DTE.Mode); armv8 25..48 (T0SZ).
 * @oas:         output address bits (0: armv7s 32, armv8 48, others 52,
 *               riscv 56); address bits above it are reported.
 * @granule_lg2: armv8 granule: 12, 14 or 16 (0: 12).
 * @stage2:      armv8 stage 2 descriptors.
 * @start_level: armv8 stage 2: the manual's initial lookup level + 1
 *               (VTCR.SL0), 0: the lowest level that needs at most 16
 *               concatenated tables.
 * @svnapot:     riscv: the N bit is the Svnapot 64 KiB page, not reserved.
 * @svpbmt:      riscv: PBMT holds a memory type, not reserved bits.
 * @json:        one JSON document instead of text.
 * @dump, @len:  the image; @dump may be NULL when @len is 0.
 * @base:        physical address of @dump[0]; @base + @len may not pass 2^64.
 * @root:        physical address of the root table.
 */
struct pt_decode_in {
	enum pt_arch arch;
	unsigned int ias;
	unsigned int oas;
	unsigned int granule_lg2;
	bool stage2;
	unsigned int start_level;
	bool svnapot;
	bool svpbmt;
	bool json;
	const uint8_t *dump;
	size_t len;
	uint64_t base;
	uint64_t root;
};

/*
 * struct pt_decode_res - what pt_decode() found.
 * @leaves:   leaves printed (a contiguous group counts once).
 * @tables:   tables read, the root included.
 * @problems: malformed things reported.
 * @err:      why pt_decode() returned -EINVAL (a bad @in), else "".
 */
struct pt_decode_res {
	uint64_t leaves;
	uint64_t tables;
	uint64_t problems;
	char err[160];
};

/*
 * pt_decode() - walk @in->dump from @in->root and print to @out: text, one
 * "leaf ..." or "malformed ..." line per item in address order and a summary
 * line; or with @in->json one JSON document. Deterministic: the same input
 * gives the same bytes.
 *
 * Return: 0 clean, 1 something malformed was found (every leaf is still
 * printed), -EINVAL @in is not a configuration the decoder takes (@res->err
 * says why, nothing printed), -ENOMEM no memory for the set of tables
 * walked (@res->err; the output is cut short, a JSON document closed).
 * Memory: one hash set of table addresses, freed before returning; no other
 * allocation, no global state, so a fuzzer may call it in a loop.
 */
int pt_decode(const struct pt_decode_in *in, FILE *out, struct pt_decode_res *res);

/* pt_arch_name() - "armv7s", "armv8", "x86_64", "vtd_ss", "amdv1", "riscv". */
const char *pt_arch_name(enum pt_arch arch);

#endif /* VCM_TOOLS_PT_DECODE_H */
