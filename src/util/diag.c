// SPDX-License-Identifier: MIT
/*
 * The diagnostic record behind VCM_FAIL(): a tiny printf subset that needs no
 * libc, so freestanding builds report the same messages as hosted ones.
 * Non-goals: floating point, precision, positional arguments.
 */
#include <stdarg.h>
#include <errno.h>
#include <vcm/err.h>

struct out {
	char *buf;
	size_t len;
	size_t pos;
};

static void put(struct out *o, char c)
{
	if (o->pos + 1 < o->len)
		o->buf[o->pos++] = c;
}

static void put_str(struct out *o, const char *s)
{
	if (s == NULL)
		s = "(null)";
	while (*s != '\0')
		put(o, *s++);
}

static void put_num(struct out *o, unsigned long long v, unsigned int base, bool neg,
		    bool alt, unsigned int width, char pad)
{
	char tmp[24];
	unsigned int n = 0;

	do {
		unsigned int digit = (unsigned int)(v % base);

		tmp[n++] = (char)(digit < 10 ? '0' + digit : 'a' + digit - 10);
		v /= base;
	} while (v != 0U);
	if (neg)
		put(o, '-');
	if (alt && base == 16U) {
		put(o, '0');
		put(o, 'x');
	}
	while (width > n) {
		put(o, pad);
		width--;
	}
	while (n > 0U)
		put(o, tmp[--n]);
}

static void format(struct out *o, const char *fmt, va_list ap)
{
	for (; *fmt != '\0'; fmt++) {
		bool alt = false;
		char pad = ' ';
		unsigned int width = 0, longs = 0;
		unsigned long long v;
		long long sv;

		if (*fmt != '%') {
			put(o, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == '#') {
			alt = true;
			fmt++;
		}
		if (*fmt == '0') {
			pad = '0';
			fmt++;
		}
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10U + (unsigned int)(*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			longs += (*fmt == 'z') ? 2U : 1U;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			sv = longs >= 2 ? va_arg(ap, long long) :
			     longs == 1 ? va_arg(ap, long) : va_arg(ap, int);
			v = sv < 0 ? 0ULL - (unsigned long long)sv : (unsigned long long)sv;
			put_num(o, v, 10, sv < 0, false, width, pad);
			break;
		case 'u':
		case 'x':
			v = longs >= 2 ? va_arg(ap, unsigned long long) :
			    longs == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
			put_num(o, v, *fmt == 'x' ? 16U : 10U, false, alt, width, pad);
			break;
		case 'p':
			put_num(o, (unsigned long long)(uintptr_t)va_arg(ap, void *), 16, false,
				true, 0, ' ');
			break;
		case 's':
			put_str(o, va_arg(ap, const char *));
			break;
		case 'c':
			put(o, (char)va_arg(ap, int));
			break;
		case '%':
			put(o, '%');
			break;
		case '\0':
			return;
		default:
			put(o, '%');
			put(o, *fmt);
			break;
		}
	}
}

int vcm_diag_set(struct vcm_diag *d, int err, const char *func, const char *fmt, ...)
{
	struct out o;
	va_list ap;

	if (d == NULL)
		return err;
	o.buf = d->msg;
	o.len = sizeof(d->msg);
	o.pos = 0;
	put_str(&o, func);
	put_str(&o, ": ");
	va_start(ap, fmt);
	format(&o, fmt, ap);
	va_end(ap);
	d->msg[o.pos] = '\0';
	d->err = err;
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
	default: return "unknown error";
	}
}
