/* SPDX-License-Identifier: MIT */
/*
 * What every benchmark shares: one monotonic clock, the thread's CPU clock,
 * one way to time a loop, and one table printer, so all of bench/ prints
 * figures the same way.
 * Figures are ratios against a baseline measured in the same run; nothing
 * here asserts a time.
 */
#ifndef VCM_BENCH_H
#define VCM_BENCH_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/*
 * CPU time of the calling thread: what a loop cost, apart from what other
 * processes took from the core (the machines these run on are shared).
 */
static inline uint64_t bench_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * UINT64_C(1000000000) + (uint64_t)ts.tv_nsec;
}

/* Nanoseconds per item of @items items that took [@t0, @t1). */
static inline double bench_ns_per(uint64_t t0, uint64_t t1, uint64_t items)
{
	return items != 0U ? (double)(t1 - t0) / (double)items : 0.0;
}

/* a / b, or 0 when b is 0 (a ratio column never divides by zero). */
static inline double bench_ratio(double a, double b)
{
	return b != 0.0 ? a / b : 0.0;
}

/*
 * A table: bench_head() prints the title, a note line and the column header
 * with a rule under it; bench_row() prints one row from a printf format, so
 * every bench lines its columns up the same way.
 */
static inline void bench_head(const char *title, const char *note, const char *columns)
{
	size_t n = 0;

	printf("%s\n", title);
	if (note != NULL && *note != '\0')
		printf("%s\n", note);
	printf("\n%s\n", columns);
	while (columns[n] != '\0')
		n++;
	for (size_t i = 0; i < n; i++)
		putchar('-');
	putchar('\n');
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static inline void bench_row(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

#endif /* VCM_BENCH_H */
