// SPDX-License-Identifier: MIT
/*
 * Every conversion, flag, width and length modifier of vcm_diag_set()'s
 * printf subset, and truncation at VCM_DIAG_MSG_LEN. Each case formats under
 * the function name "f", so a message reads "f: " and the case's output.
 * Freestanding: no libc calls, so the same file runs on bare metal.
 */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <vcm/err.h>
#include "diag_fmt_cases.h"

#ifdef VCM_DIAG_FMT_ORACLE
#include <stdio.h>
#endif

#define ERR_CASE (-22)

struct run {
	void (*say)(const char *s);
	unsigned int failed;
	struct vcm_diag d;
	char ref[VCM_DIAG_MSG_LEN];
};

static size_t len_of(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static int same(const char *a, const char *b)
{
	while (*a != '\0' && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

static void say_uint(struct run *r, unsigned int v)
{
	char buf[12];
	unsigned int n = sizeof(buf) - 1;

	buf[n] = '\0';
	do {
		buf[--n] = (char)('0' + v % 10U);
		v /= 10U;
	} while (v != 0U);
	r->say(&buf[n]);
}

static void report(struct run *r, int line, const char *what, const char *got, const char *want)
{
	r->failed++;
	r->say("diag_fmt_cases.c:");
	say_uint(r, (unsigned int)line);
	r->say(": ");
	r->say(what);
	r->say("\n  got  \"");
	r->say(got);
	r->say("\"\n  want \"");
	r->say(want);
	r->say("\"\n");
}

/* The message must be "f: " + @want, and vcm_diag_set() must have kept and returned the errno. */
static void check(struct run *r, int line, const char *what, int ret, const char *want)
{
	if (ret != ERR_CASE || r->d.err != ERR_CASE)
		report(r, line, "errno not returned and kept", what, "-22");
	if (r->d.msg[0] != 'f' || r->d.msg[1] != ':' || r->d.msg[2] != ' ' ||
	    !same(&r->d.msg[3], want))
		report(r, line, what, r->d.msg, want);
}

#ifdef VCM_DIAG_FMT_ORACLE
/* The host's printf must agree with @want: the same buffer size, after the same "f: ". */
#define ORACLE(r, want, ...)                                                             \
	do {                                                                             \
		(void)snprintf((r)->ref, sizeof((r)->ref) - 3, __VA_ARGS__);             \
		if (!same((r)->ref, (want)))                                             \
			report((r), __LINE__, "snprintf disagrees with the case: " #__VA_ARGS__, \
			       (r)->ref, (want));                                        \
	} while (0)
#else
#define ORACLE(r, want, ...) do { } while (0)
#endif

/*
 * Hides a pointer's value from the compiler, for the cases that stress the
 * formatter on purpose (a NULL %s, a width past the buffer): its own format
 * checks would refuse them at build time.
 */
static const char *opaque(const char *p)
{
	__asm__("" : "+r"(p));
	return p;
}

/* A case that printf formats the same way. */
#define CASE(want, ...)                                                                  \
	do {                                                                             \
		vcm_diag_clear(&r->d);                                                   \
		check(r, __LINE__, #__VA_ARGS__,                                         \
		      vcm_diag_set(&r->d, ERR_CASE, "f", __VA_ARGS__), (want));          \
		ORACLE(r, (want), __VA_ARGS__);                                          \
	} while (0)

/* A case where the subset deliberately differs from printf (err.h says how). */
#define OWN(want, ...)                                                                   \
	do {                                                                             \
		vcm_diag_clear(&r->d);                                                   \
		check(r, __LINE__, #__VA_ARGS__,                                         \
		      vcm_diag_set(&r->d, ERR_CASE, "f", __VA_ARGS__), (want));          \
	} while (0)

/*
 * Length modifiers first, alone and mixed: read at the wrong width they shift
 * every later argument, and a shifted %s would make the rest of the run fault.
 */
static void lengths(struct run *r)
{
	const int l64 = sizeof(long) == 8, z64 = sizeof(size_t) == 8;

	CASE("1 2", "%zu %zu", (size_t)1, (size_t)2);
	CASE("1 2 3", "%zu %d %u", (size_t)1, 2, 3U);
	CASE("7 -8 9", "%tu %td %u", (ptrdiff_t)7, (ptrdiff_t)-8, 9U);
	CASE("1 2 300000004 5", "%zu %d %llx %zu", (size_t)1, 2, 0x300000004ULL, (size_t)5);
	CASE("a 1 b 2 c", "%s %zx %s %lu %s", "a", (size_t)1, "b", 2UL, "c");
	CASE(z64 ? "18446744073709551615" : "4294967295", "%zu", SIZE_MAX);
	CASE(z64 ? "ffffffffffffffff" : "ffffffff", "%zx", SIZE_MAX);
	CASE(z64 ? "-9223372036854775808" : "-2147483648", "%td", (ptrdiff_t)PTRDIFF_MIN);
	CASE(z64 ? "9223372036854775807" : "2147483647", "%zd", (ptrdiff_t)PTRDIFF_MAX);
	CASE("-5 x", "%zd %c", (ptrdiff_t)-5, 'x');
	CASE(l64 ? "18446744073709551615" : "4294967295", "%lu", ULONG_MAX);
	CASE(l64 ? "ffffffffffffffff" : "ffffffff", "%lx", ULONG_MAX);
	CASE(l64 ? "-9223372036854775808" : "-2147483648", "%ld", LONG_MIN);
	CASE("-1 2", "%ld %d", -1L, 2);
	CASE("18446744073709551615", "%llu", ULLONG_MAX);
	CASE("fedcba9876543210", "%llx", 0xfedcba9876543210ULL);
	CASE("-9223372036854775808", "%lld", LLONG_MIN);
	CASE("9223372036854775807 1", "%lld %d", LLONG_MAX, 1);
	CASE("4294967295 ffffffff", "%u %x", UINT_MAX, UINT_MAX);
}

static void conversions(struct run *r)
{
	const char *none = opaque(NULL);

	CASE("plain text", "plain text");
	CASE("100%", "100%%");
	CASE("% %", "%% %%");
	CASE("a bc", "%s %s", "a", "bc");
	CASE("", "%s", "");
	OWN("(null)", "%s", none);
	CASE("x!", "%c%c", 'x', '!');
	CASE("0 42 -42", "%d %d %d", 0, 42, -42);
	CASE("2147483647 -2147483648", "%d %d", INT_MAX, INT_MIN);
	CASE("0 7", "%u %u", 0U, 7U);
	CASE("0 deadbeef", "%x %x", 0U, 0xdeadbeefU);
	CASE("0x1f 0x300000004", "%#x %#llx", 0x1fU, 0x300000004ULL);
	OWN("0x0 0x0", "%#x %#llx", 0U, 0ULL); /* printf: "0 0" */
	CASE("0x1234", "%p", (void *)(uintptr_t)0x1234);
	OWN("0x0", "%p", (void *)0); /* printf: "(nil)" or "0x0" */
}

static void widths(struct run *r)
{
	CASE("[   42]", "[%5d]", 42);
	CASE("[  -42]", "[%5d]", -42);
	CASE("[00042]", "[%05d]", 42);
	CASE("[-0042]", "[%05d]", -42);
	CASE("[12345]", "[%3d]", 12345);
	CASE("[0000000a]", "[%08x]", 0xaU);
	CASE("[  0x1f]", "[%#6x]", 0x1fU);
	CASE("[0x001f]", "[%#06x]", 0x1fU);
	CASE("[0x001f]", "[%0#6x]", 0x1fU);
	CASE("[00000000000000000042]", "[%020llu]", 42ULL);
	CASE("[      ff]", "[%8zx]", (size_t)0xff);
	CASE("[-000000009]", "[%010td]", (ptrdiff_t)-9);
	CASE("[    0x1234]", "[%10p]", (void *)(uintptr_t)0x1234);
	CASE("[  abc]", "[%5s]", "abc");
	CASE("[abc]", "[%2s]", "abc");
	CASE("[   y]", "[%4c]", 'y');
}

/* Directives outside the subset are copied as written and take no argument. */
static void outside(struct run *r)
{
	const char *fmts[] = { "%q %d", "%5q %d", "%#08hq %d", "end %" };
	const char *want[] = { "%q 3", "%5q 3", "%#08hq 3", "end %" };

	for (unsigned int i = 0; i < 4U; i++) {
		vcm_diag_clear(&r->d);
		check(r, __LINE__, fmts[i], vcm_diag_set(&r->d, ERR_CASE, "f", fmts[i], 3), want[i]);
	}
}

/* A message is cut at VCM_DIAG_MSG_LEN - 1 characters, a width never overruns it. */
_Static_assert(VCM_DIAG_MSG_LEN - 4 >= 150, "the %150d case below must fit");

static void truncation(struct run *r)
{
	static char a[2 * VCM_DIAG_MSG_LEN], want[VCM_DIAG_MSG_LEN];
	const unsigned int room = VCM_DIAG_MSG_LEN - 1 - 3; /* after "f: " and the NUL */

	for (unsigned int i = 0; i < sizeof(a) - 1; i++)
		a[i] = (char)('a' + i % 26U);
	a[sizeof(a) - 1] = '\0';
	for (unsigned int i = 0; i < room; i++)
		want[i] = a[i];

	want[room] = '\0';
	CASE(want, opaque("%s"), a);
	if (len_of(r->d.msg) != VCM_DIAG_MSG_LEN - 1U)
		report(r, __LINE__, "a full message is VCM_DIAG_MSG_LEN - 1 long", r->d.msg, want);
	a[room] = '\0'; /* exactly fills the message */
	CASE(want, opaque("%s"), a);
	a[room - 1] = '\0';
	want[room - 1] = '\0';
	CASE(want, opaque("%s"), a);

	for (unsigned int i = 0; i < room; i++)
		want[i] = ' ';
	want[room] = '\0';
	CASE(want, opaque("%300d"), 7);
	CASE(want, opaque("%300s"), "x");
	OWN(want, opaque("%99999999999999999999u"), 7U); /* printf: overflow, EOVERFLOW */
	want[149] = '7';
	want[150] = '\0';
	CASE(want, opaque("%150d"), 7);
}

unsigned int diag_fmt_run(void (*say)(const char *s))
{
	static struct run run; /* static: a bare-metal stack is small */
	struct run *r = &run;

	r->say = say;
	r->failed = 0;
	lengths(r);
	conversions(r);
	widths(r);
	outside(r);
	truncation(r);
	return r->failed;
}
