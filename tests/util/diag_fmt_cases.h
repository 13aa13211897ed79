/* SPDX-License-Identifier: MIT */
/*
 * The message formatter's cases, written once for two runs: the host test
 * (test_diag.c, cmocka) and a 32-bit bare-metal image under QEMU
 * (tests/freestanding/), where size_t and long are 32 bits wide and a
 * length modifier read at the wrong width shifts every later argument.
 * Needs no libc; with VCM_DIAG_FMT_ORACLE defined, each case is also checked
 * against the host's snprintf, so the expected strings themselves are right.
 */
#ifndef VCM_TESTS_DIAG_FMT_CASES_H
#define VCM_TESTS_DIAG_FMT_CASES_H

/*
 * diag_fmt_run() - format every case through vcm_diag_set() and compare.
 * @say: prints a piece of a report (no newline added); called only on failure.
 *
 * Return: the number of failed cases, 0 when all pass.
 */
unsigned int diag_fmt_run(void (*say)(const char *s));

#endif /* VCM_TESTS_DIAG_FMT_CASES_H */
