/* SPDX-License-Identifier: MIT */
/*
 * Error reporting shared by every layer. Calls return 0 or a negative errno
 * (Linux numbering, also in freestanding builds); the object involved keeps a
 * one-line message naming the function and the argument that was wrong.
 */
#ifndef VCM_ERR_H
#define VCM_ERR_H

#include <vcm/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * vcm_diag_set() - record a failure in @d and return @err.
 * @d:    the object's diagnostic record (may be NULL: nothing is recorded).
 * @err:  negative errno value.
 * @func: name of the failing public call.
 * @fmt:  message in a printf subset: %s %c %d %u %x %p %%, with 'l', 'll', 'z'
 *        (size_t) and 't' (ptrdiff_t) length modifiers, '#', '0' and a width.
 *        Unlike printf, '#' and %p give 0x0 for zero; anything outside the
 *        subset is copied as written. The message ("func: " and the text) is
 *        cut at VCM_DIAG_MSG_LEN - 1 characters.
 *
 * Return: @err, so that callers can write "return vcm_diag_set(...)".
 */
VCM_API int vcm_diag_set(struct vcm_diag *d, int err, const char *func, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

/**
 * vcm_diag_enter() - name the public call now running on @d, once, at its
 * start: every failure recorded on @d until the next call carries @fn, so
 * helpers and ops never pass the name along. @d may be NULL.
 *
 * Return: the name it replaces. A query that may run inside another call on
 * the same record (from a flush or walk callback) hands it back to
 * vcm_diag_leave() when it returns, so the outer call keeps its name.
 */
static inline const char *vcm_diag_enter(struct vcm_diag *d, const char *fn)
{
	const char *outer = NULL;

	if (d != NULL) {
		outer = d->fn;
		d->fn = fn;
	}
	return outer;
}

/** vcm_diag_leave() - give @d back the name vcm_diag_enter() returned. */
static inline void vcm_diag_leave(struct vcm_diag *d, const char *outer)
{
	if (d != NULL)
		d->fn = outer;
}

/** vcm_diag_clear() - forget the last failure. */
VCM_API void vcm_diag_clear(struct vcm_diag *d);

/**
 * vcm_strerror() - short name of a negative errno value used by vcmm.
 * @err: negative errno value (or 0).
 *
 * Return: a static string such as "EINVAL", or "unknown error".
 */
VCM_API const char *vcm_strerror(int err);

#ifdef __cplusplus
}
#endif

#endif /* VCM_ERR_H */
