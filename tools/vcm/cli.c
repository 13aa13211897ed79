// SPDX-License-Identifier: MIT
/*
 * Option-value parsing for the vcm subcommands, and the output folder they
 * create. strtoull() alone accepts a sign, leading spaces and trailing junk,
 * and a size suffix shifted in afterwards can wrap: each is refused here, so
 * a typo is an error and never a different address.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

static char last_error[8192]; /* room for a value as long as PATH_MAX */

int cli_error(const struct cli_arg *a, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(last_error, sizeof(last_error), "%s%s%s: ", a->opt,
			 a->val != NULL ? " " : "", a->val != NULL ? a->val : "");

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < sizeof(last_error))
		vsnprintf(last_error + n, sizeof(last_error) - (size_t)n, fmt, ap);
	va_end(ap);
	fprintf(stderr, "vcm %s: %s\n", a->cmd, last_error);
	return CLI_EXIT_USAGE;
}

const char *cli_last_error(void)
{
	return last_error;
}

int cli_need_value(const struct cli_arg *a)
{
	struct cli_arg bare = { a->cmd, a->opt, NULL };

	if (a->val == NULL)
		return cli_error(&bare, "needs a value");
	/* the next option, taken as the value, would be lost and its value read as an argument */
	if (strncmp(a->val, "--", 2) == 0)
		return cli_error(&bare, "needs a value, and \"%s\" is an option", a->val);
	return 0;
}

int cli_make_dir(const char *opt, const char *path, char *made, size_t madelen, char *err,
		 size_t errlen)
{
	char buf[4096];
	size_t n = strlen(path);

	if (made != NULL && madelen > 0)
		made[0] = '\0';
	if (n == 0 || n >= sizeof(buf)) {
		snprintf(err, errlen, "%s %.400s: bad folder name", opt, path);
		return -1;
	}
	memcpy(buf, path, n + 1);
	/* each prefix ending at a '/', then the whole path; "/" itself always exists */
	for (char *p = buf + 1;; p++) {
		if (*p == '/' || *p == '\0') {
			char c = *p;

			*p = '\0';
			if (mkdir(buf, 0777) == 0) {
				if (made != NULL && madelen > 0 && made[0] == '\0')
					snprintf(made, madelen, "%s", buf);
			} else if (errno != EEXIST) {
				snprintf(err, errlen, "%s %.400s: cannot create %.400s: %s", opt, path,
					 buf, strerror(errno));
				return -1;
			}
			*p = c;
			if (c == '\0')
				break;
		}
	}
	return 0;
}

void cli_remove_made(const char *path, const char *made)
{
	char buf[4096];
	size_t top = strlen(made);

	if (top == 0 || strlen(path) >= sizeof(buf))
		return;
	strcpy(buf, path);
	/* from @path up to @made, each folder while rmdir() finds it empty */
	for (;;) {
		size_t n = strlen(buf);

		while (n > 1 && buf[n - 1] == '/')
			buf[--n] = '\0';
		if (n < top || rmdir(buf) != 0)
			return;
		while (n > 0 && buf[n - 1] != '/')
			n--;
		buf[n] = '\0';
		if (n == 0)
			return;
	}
}

static unsigned int suffix_lg2(char c)
{
	switch (c) {
	case 'k': case 'K': return 10;
	case 'm': case 'M': return 20;
	case 'g': case 'G': return 30;
	default: return 0;
	}
}

static int parse_u64(const struct cli_arg *a, const char *name, const char *s, uint64_t *out,
		     const char *too_big)
{
	unsigned long long v;
	unsigned int lg2;
	char *end;

	if (*s == '\0')
		return cli_error(a, "%s is empty", name);
	if (*s < '0' || *s > '9')
		return cli_error(a, "%s \"%s\" is not a number", name, s);
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno == ERANGE)
		return cli_error(a, "%s \"%s\" %s", name, s, too_big);
	lg2 = suffix_lg2(*end);
	if (lg2 != 0) {
		if (v > (UINT64_MAX >> lg2))
			return cli_error(a, "%s \"%s\" %s", name, s, too_big);
		v <<= lg2;
		end++;
	}
	if (*end != '\0')
		return cli_error(a, "%s \"%s\": unexpected \"%s\" after the number", name, s, end);
	*out = v;
	return 0;
}

int cli_parse_u64(const struct cli_arg *a, const char *name, const char *s, uint64_t *out)
{
	return parse_u64(a, name, s, out, "does not fit in 64 bits");
}

int cli_parse_range(const struct cli_arg *a, const char *name, const char *s, uint64_t lo,
		    uint64_t hi, uint64_t *out)
{
	char why[96];
	uint64_t v = 0;

	snprintf(why, sizeof(why), "is out of range: %s must be between %llu and %llu", name,
		 (unsigned long long)lo, (unsigned long long)hi);
	if (parse_u64(a, name, s, &v, why) != 0)
		return CLI_EXIT_USAGE;
	if (v < lo || v > hi)
		return cli_error(a, "%s \"%s\" %s", name, s, why);
	*out = v;
	return 0;
}

int cli_split(const struct cli_arg *a, char *buf, size_t len, char **f, unsigned int min,
	      unsigned int max, const char *form)
{
	unsigned int n = 0;
	char *p;

	if (strlen(a->val) >= len) {
		cli_error(a, "longer than %zu characters", len - 1);
		return -1;
	}
	strcpy(buf, a->val);
	for (p = buf;; p++) {
		if (n == max) {
			cli_error(a, "expected %s: unexpected \"%s\" after field %u", form,
				  a->val + (p - 1 - buf), max);
			return -1;
		}
		f[n++] = p;
		p = strchr(p, ':');
		if (p == NULL)
			break;
		*p = '\0';
	}
	if (n < min) {
		cli_error(a, "expected %s", form);
		return -1;
	}
	return (int)n;
}
