/* SPDX-License-Identifier: MIT */
/*
 * Basic types shared by every vcmm layer: physical and device addresses and the
 * per-object diagnostic record that carries the last error message.
 *
 * Addresses are 64-bit on every host, so 32-bit firmware can still describe the
 * 40-52 bit spaces of LPAE, x86-64 and RISC-V.
 */
#ifndef VCM_TYPES_H
#define VCM_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * VCM_API marks what libvcm.so exports: every public function and object
 * declared in include/vcm. The library is compiled with -fvisibility=hidden, so
 * whatever lacks the mark (the helpers layers share) stays inside it.
 */
#if defined(__GNUC__) || defined(__clang__)
#define VCM_API __attribute__((visibility("default")))
#else
#define VCM_API
#endif

typedef uint64_t vcm_pa_t; /* physical (output) address */
typedef uint64_t vcm_da_t; /* device-virtual (input) address */

/*
 * struct vcm_seg - one physically contiguous piece of memory: @len bytes
 * from @pa. An array of them maps to consecutive device addresses in one
 * call (vcm_pt_map_segs(), a mapper's map op).
 */
struct vcm_seg {
	vcm_pa_t pa;
	uint64_t len;
};

#define VCM_DIAG_MSG_LEN 160

/*
 * struct vcm_diag - the last failure recorded by an object.
 * @err: the negative errno returned by the failing call, 0 if none.
 * @fn:  the public call in progress, set once when it starts
 *       (vcm_diag_enter()); every helper's message is recorded under it.
 * @msg: "function: what was wrong with which argument", NUL-terminated.
 */
struct vcm_diag {
	int err;
	const char *fn;
	char msg[VCM_DIAG_MSG_LEN];
};

/*
 * struct vcm_hw_regs - what a table's owner hands a device to program: the
 * root table and the register values that describe it, in the format's own
 * encoding. Neutral: a device backend reads the fields its hardware has.
 * @fmt:         name of the table format ("armv8", "vtd", ...), or NULL.
 * @root_pa:     physical address of the top-level table.
 * @root_size:   its size in bytes (for stage 2, all concatenated tables).
 * @levels:      lookup levels.
 * @start_level: the manual's number of the first lookup level.
 * @concat:      tables concatenated at the first level (1 = none).
 * @regs:        format-defined register values, named by @reg_names
 *               (include/vcm/pgtable.h lists them per format).
 * @da_first, @da_last: the input addresses this base translates, inclusive;
 *               both 0: all the table covers. Set by the graph when one table
 *               serves both bases of a split association (VCM_SPLIT): each
 *               base translates only its own part, as TTBR0 and TTBR1 do, and
 *               a device faults on an address of the other part.
 */
struct vcm_hw_regs {
	const char *fmt;
	vcm_pa_t root_pa;
	uint64_t root_size;
	unsigned int levels;
	unsigned int start_level;
	unsigned int concat;
	uint64_t regs[3];
	const char *reg_names[3];
	vcm_da_t da_first;
	vcm_da_t da_last;
};

/**
 * struct vcm_tlb_hint - what a TLB invalidation of a range has to reach, for
 * hardware that can narrow one (SMMUv3 TTL, VT-d IH, AMD-Vi PDE).
 * @leaf_sizes: bit n set: leaf entries that each translate 2^n bytes were
 *              removed in the range (a contiguous group's members count at
 *              the size of one member: the size of the level holding them,
 *              which is what an Arm TTL names). 0: not known, any size.
 *              Cached translations of other sizes may stay.
 * @leaf_only:  true when only leaf entries changed: no table was unlinked or
 *              freed, so cached table entries (walk caches) may stay. Always
 *              equal to the @leaf argument of the plain call.
 */
struct vcm_tlb_hint {
	uint64_t leaf_sizes;
	bool leaf_only;
};

#ifdef __cplusplus
}
#endif

#endif /* VCM_TYPES_H */
