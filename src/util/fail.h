/* SPDX-License-Identifier: MIT */
/*
 * The one way every layer reports a failure: VCM_ERR(diag, err, fmt, ...)
 * records "fn: message" in @diag and evaluates to @err, where fn is the
 * public call the user made ("vcm_pt_map"), never the helper or format hook
 * that found the problem.
 *
 * The public call names itself once, at its start: vcm_diag_enter(diag,
 * __func__) (include/vcm/err.h; in the graph, gobj_lock_() and sys_enter_()
 * do it). Helpers, hooks and walkers take no name and report with VCM_ERR(),
 * so one call reports under one name whichever code path refused it.
 *
 * Message conventions: hexadecimal as %#llx / %#x (the formatter prints 0x0
 * for zero, like every other value); arguments that are uint64_t (addresses,
 * lengths) go through vcm_ull() to match %llx / %llu on every target, 32-bit
 * ones included.
 */
#ifndef VCM_UTIL_FAIL_H
#define VCM_UTIL_FAIL_H

#include <stdint.h>
#include <vcm/err.h>

/* VCM_ERR(d, err, fmt, ...): record under the call @d was entered with. */
int vcm_diag_fail_(struct vcm_diag *d, int err, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;
#define VCM_ERR(d, err, ...) vcm_diag_fail_((d), (err), __VA_ARGS__)

static inline unsigned long long vcm_ull(uint64_t v)
{
	return (unsigned long long)v;
}

#endif /* VCM_UTIL_FAIL_H */
