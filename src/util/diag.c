// SPDX-License-Identifier: MIT
/*
 * The diagnostic record behind VCM_ERR(): a tiny printf subset that needs no
 * libc, so freestanding builds report the same messages as hosted ones.
 *
 * The subset (include/vcm/err.h): %s %c %d %u %x %p %%; the flags '#' and '0';
 * a width, which counts the sign and 0x as printf's does; the length modifiers
 * l, ll, z and t, each read as the type it names, so size_t is 32 bits on a
 * 32-bit target. Where it differs from printf: '#' and %p print 0x0 for zero,
 * and a directive outside the subset is copied as written and takes no
 * argument. tests/util/diag_fmt_cases.c covers all of it, on the host and on
 * 32-bit bare metal.
 * Non-goals: floating point, precision, left alignment, positional arguments.
 */
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <vcm/err.h>
#include "fail.h"

/* %zd reads the signed type of size_t's width; every target we build has one. */
_Static_assert(sizeof(ptrdiff_t) == sizeof(size_t), "ptrdiff_t and size_t differ in width");

/* Length modifiers: each names the C type the argument was passed as. */
enum len_mod { LEN_NONE, LEN_L, LEN_LL, LEN_Z, LEN_T };

/* A width beyond the message length only pads what truncation drops anyway. */
#define WIDTH_MAX VCM_DIAG_MSG_LEN

struct out {
	char *buf;
	size_t len;
	size_t pos;
};

struct spec {
	bool alt;		/* '#': 0x before hex digits */
	bool zero;		/* '0': pad numbers with zeros after the sign or 0x */
	unsigned int width;	/* minimum field width, in characters */
	enum len_mod len;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos++] = c;
}

static void put_n(struct out *o, char c, unsigned int n)
{
	while (n-- > 0U)
		put(o, c);
}

static size_t str_len(const char *s)
{
	size_t n = 0;

	while (s[n] != '\0')
		n++;
	return n;
}

static void put_str(struct out *o, const char *s, unsigned int width)
{
	size_t n;

	if (s == NULL)
		s = "(null)";
	n = str_len(s);
	if (width > n)
		put_n(o, ' ', width - (unsigned int)n);
	while (*s != '\0')
		put(o, *s++);
}

/* As printf lays a number out: [spaces][sign][0x][zeros]digits, width counting all. */
static void put_num(struct out *o, unsigned long long v, unsigned int base, bool neg,
		    const struct spec *sp)
{
	char tmp[24];
	unsigned int n = 0, head;

	do {
		unsigned int digit = (unsigned int)(v % base);

		tmp[n++] = (char)(digit < 10U ? '0' + digit : 'a' + digit - 10U);
		v /= base;
	} while (v != 0U);
	/* unlike printf, '#' gives 0x0 for zero: messages read "da 0x0", like the others */
	head = (neg ? 1U : 0U) + (sp->alt && base == 16U ? 2U : 0U);
	if (!sp->zero && sp->width > n + head)
		put_n(o, ' ', sp->width - n - head);
	if (neg)
		put(o, '-');
	if (sp->alt && base == 16U) {
		put(o, '0');
		put(o, 'x');
	}
	if (sp->zero && sp->width > n + head)
		put_n(o, '0', sp->width - n - head);
	while (n > 0U)
		put(o, tmp[--n]);
}

static long long arg_signed(va_list *ap, enum len_mod len)
{
	switch (len) {
	case LEN_L:
		return va_arg(*ap, long);
	case LEN_LL:
		return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

static unsigned long long arg_unsigned(va_list *ap, enum len_mod len)
{
	switch (len) {
	case LEN_L:
		return va_arg(*ap, unsigned long);
	case LEN_LL:
		return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T:
		return va_arg(*ap, size_t); /* the argument's own width, 32 bits on 32-bit targets */
	default:
		return va_arg(*ap, unsigned int);
	}
}

/* Parses flags, width and length after a '%'; returns the conversion character. */
static const char *parse_spec(const char *fmt, struct spec *sp)
{
	for (;; fmt++) {
		if (*fmt == '#')
			sp->alt = true;
		else if (*fmt == '0')
			sp->zero = true;
		else
			break;
	}
	for (; *fmt >= '0' && *fmt <= '9'; fmt++)
		if (sp->width < WIDTH_MAX)
			sp->width = sp->width * 10U + (unsigned int)(*fmt - '0');
	if (sp->width > WIDTH_MAX)
		sp->width = WIDTH_MAX;
	if (fmt[0] == 'l' && fmt[1] == 'l') {
		sp->len = LEN_LL;
		fmt += 2;
	} else if (*fmt == 'l') {
		sp->len = LEN_L;
		fmt++;
	} else if (*fmt == 'z') {
		sp->len = LEN_Z;
		fmt++;
	} else if (*fmt == 't') {
		sp->len = LEN_T;
		fmt++;
	}
	return fmt;
}

static void format(struct out *o, const char *fmt, va_list *ap)
{
	for (; *fmt != '\0'; fmt++) {
		struct spec sp = { .alt = false };
		const char *start = fmt;
		char c1[2] = { 0, 0 };
		long long sv;

		if (*fmt != '%') {
			put(o, *fmt);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp);
		switch (*fmt) {
		case 'd':
			sv = arg_signed(ap, sp.len);
			put_num(o, sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv,
				10U, sv < 0, &sp);
			break;
		case 'u':
			put_num(o, arg_unsigned(ap, sp.len), 10U, false, &sp);
			break;
		case 'x':
			put_num(o, arg_unsigned(ap, sp.len), 16U, false, &sp);
			break;
		case 'p':
			sp.alt = true;
			put_num(o, (unsigned long long)(uintptr_t)va_arg(*ap, void *), 16U, false,
				&sp);
			break;
		case 's':
			put_str(o, va_arg(*ap, const char *), sp.width);
			break;
		case 'c':
			c1[0] = (char)va_arg(*ap, int);
			put_str(o, c1, sp.width);
			break;
		case '%':
			put(o, '%');
			break;
		default:
			/* not in the subset: show the directive as written, consume nothing */
			while (start < fmt)
				put(o, *start++);
			if (*fmt == '\0')
				return;
			put(o, *fmt);
			break;
		}
	}
}

static void record(struct vcm_diag *d, int err, const char *func, const char *fmt,
		   va_list *ap)
{
	struct out o;

	o.buf = d->msg;
	o.len = sizeof(d->msg);
	o.pos = 0;
	put_str(&o, func, 0);
	put_str(&o, ": ", 0);
	format(&o, fmt, ap);
	d->msg[o.pos] = '\0';
	d->err = err;
}

int vcm_diag_set(struct vcm_diag *d, int err, const char *func, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return err;
	va_start(ap, fmt);
	record(d, err, func, fmt, &ap);
	va_end(ap);
	return err;
}

int vcm_diag_fail_(struct vcm_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d == NULL)
		return err;
	va_start(ap, fmt);
	record(d, err, d->fn != NULL ? d->fn : "vcm", fmt, &ap);
	va_end(ap);
	return err;
}

void vcm_diag_clear(struct vcm_diag *d)
{
	if (d == NULL)
		return;
	d->err = 0;
	d->msg[0] = '\0';
}

const char *vcm_strerror(int err)
{
	switch (err) {
	case 0: return "success";
	case -EINVAL: return "EINVAL";
	case -ERANGE: return "ERANGE";
	case -EOVERFLOW: return "EOVERFLOW";
	case -ENOMEM: return "ENOMEM";
	case -EEXIST: return "EEXIST";
	case -ENOENT: return "ENOENT";
	case -EBUSY: return "EBUSY";
	case -EAGAIN: return "EAGAIN";
	case -ENODEV: return "ENODEV";
	case -ENOSPC: return "ENOSPC";
	case -EOPNOTSUPP: return "EOPNOTSUPP";
	case -EFAULT: return "EFAULT";
	case -EACCES: return "EACCES";
	case -EIO: return "EIO";
	case -ETIMEDOUT: return "ETIMEDOUT";
	default: return "unknown error";
	}
}
