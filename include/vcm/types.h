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

typedef uint64_t vcm_pa_t; /* physical (output) address */
typedef uint64_t vcm_da_t; /* device-virtual (input) address */

/*
 * struct vcm_seg - one physically contiguous piece of memory: @len bytes
 * from @pa. An array of them maps to consecutive device addresses in one
 * call (vcm_pt_map_segs(), a mapper's map_segs op).
 */
struct vcm_seg {
	vcm_pa_t pa;
	uint64_t len;
};

#define VCM_DIAG_MSG_LEN 160

/*
 * struct vcm_diag - the last failure recorded by an object.
 * @err: the negative errno returned by the failing call, 0 if none.
 * @msg: "function: what was wrong with which argument", NUL-terminated.
 */
struct vcm_diag {
	int err;
	char msg[VCM_DIAG_MSG_LEN];
};

#ifdef __cplusplus
}
#endif

#endif /* VCM_TYPES_H */
