/* SPDX-License-Identifier: MIT */
/*
 * The one way every layer reports a failure: VCM_FAIL(diag, fn, err, fmt, ...)
 * records "fn: message" in @diag and evaluates to @err.
 *
 * @fn is always the public call the user made ("vcm_pt_map"), never the helper
 * or format hook that found the problem: public entry points pass __func__ and
 * hand it down to every helper that can fail, so one call reports under one
 * name whichever code path refused it.
 *
 * Message arguments that are uint64_t (addresses, lengths) go through vcm_ull()
 * to match %llx / %llu on every target, 32-bit ones included.
 */
#ifndef VCM_UTIL_FAIL_H
#define VCM_UTIL_FAIL_H

#include <stdint.h>
#include <vcm/err.h>

#define VCM_FAIL(d, fn, err, ...) vcm_diag_set((d), (err), (fn), __VA_ARGS__)

/*
 * VCM_ERR(d, err, fmt, ...): as VCM_FAIL, under the call @d was entered with
 * (vcm_diag_enter()). The way code that no longer carries @fn reports.
 */
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
