// SPDX-License-Identifier: MIT
/*
 * The diagnostic record: vcm_diag_set()'s formatter over every case of
 * diag_fmt_cases.c (checked against the host's snprintf too), then what
 * vcm_diag_set(), vcm_diag_clear() and vcm_strerror() do around it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <vcm/err.h>
#include "diag_fmt_cases.h"

static void say(const char *s)
{
	fputs(s, stderr);
}

static void fmt_cases(void **state)
{
	(void)state;
	assert_int_equal(diag_fmt_run(say), 0);
}

static void set_returns_and_keeps_err(void **state)
{
	struct vcm_diag d = { 0 };

	(void)state;
	assert_int_equal(vcm_diag_set(&d, -ERANGE, "vcm_x_call", "da %#llx", 0x1000ULL), -ERANGE);
	assert_int_equal(d.err, -ERANGE);
	assert_string_equal(d.msg, "vcm_x_call: da 0x1000");
	/* a later failure replaces the message, it does not append */
	assert_int_equal(vcm_diag_set(&d, -EINVAL, "vcm_y", "len %u", 3U), -EINVAL);
	assert_string_equal(d.msg, "vcm_y: len 3");
}

static void set_without_record(void **state)
{
	(void)state;
	assert_int_equal(vcm_diag_set(NULL, -ENOMEM, "vcm_x", "%s", "ignored"), -ENOMEM);
}

static void set_without_name(void **state)
{
	struct vcm_diag d = { 0 };
	const char *none = NULL;

	(void)state;
	vcm_diag_set(&d, -EINVAL, none, "x");
	assert_string_equal(d.msg, "(null): x");
}

static void clear(void **state)
{
	struct vcm_diag d = { 0 };

	(void)state;
	vcm_diag_set(&d, -EEXIST, "vcm_x", "y");
	vcm_diag_clear(&d);
	assert_int_equal(d.err, 0);
	assert_string_equal(d.msg, "");
	vcm_diag_clear(NULL);
}

static void strerror_names(void **state)
{
	static const struct { int err; const char *name; } names[] = {
		{ 0, "success" },	   { -EINVAL, "EINVAL" },   { -ERANGE, "ERANGE" },
		{ -EOVERFLOW, "EOVERFLOW" }, { -ENOMEM, "ENOMEM" },  { -EEXIST, "EEXIST" },
		{ -ENOENT, "ENOENT" },	   { -EBUSY, "EBUSY" },     { -EAGAIN, "EAGAIN" },
		{ -ENODEV, "ENODEV" },	   { -ENOSPC, "ENOSPC" },   { -EOPNOTSUPP, "EOPNOTSUPP" }, { -EACCES, "EACCES" },
		{ -EFAULT, "EFAULT" },	   { -EPERM, "unknown error" }, { 5, "unknown error" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		assert_string_equal(vcm_strerror(names[i].err), names[i].name);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(fmt_cases),
		cmocka_unit_test(set_returns_and_keeps_err),
		cmocka_unit_test(set_without_record),
		cmocka_unit_test(set_without_name),
		cmocka_unit_test(clear),
		cmocka_unit_test(strerror_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
