/* SPDX-License-Identifier: MIT */
/* C source for firmware that wants its page table at build time. */
#ifndef VCM_TOOLS_PT_EMIT_C_H
#define VCM_TOOLS_PT_EMIT_C_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <vcm/types.h>

/* pt_c_name_ok() - @name is a C identifier of at most 48 characters. */
bool pt_c_name_ok(const char *name);

/*
 * pt_emit_c() - write a C file holding @img (@len bytes that belong at
 * physical address @base) as the array NAME_tables, and @hw as macros
 * NAME_PA, NAME_ROOT_PA, NAME_<register>... It compiles alone with
 * cc -c -Wall -Wextra -Werror -std=c11.
 */
void pt_emit_c(FILE *out, const char *name, const uint8_t *img, uint64_t base, uint64_t len,
	       const struct vcm_hw_regs *hw);

#endif /* VCM_TOOLS_PT_EMIT_C_H */
