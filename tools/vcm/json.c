// SPDX-License-Identifier: MIT
#include <stdbool.h>
#include "json.h"

/*
 * The length of the well-formed UTF-8 sequence at @s (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 when @s does not start
 * one. A NUL byte ends any sequence, so nothing past the string is read.
 */
static int utf8_len(const unsigned char *s)
{
	unsigned char c = s[0];
	int n;
	unsigned char lo = 0x80, hi = 0xbf; /* the allowed range of the second byte */

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0; /* overlong below U+0800 */
		else if (c == 0xed)
			hi = 0x9f; /* U+D800..U+DFFF: surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90; /* overlong below U+10000 */
		else if (c == 0xf4)
			hi = 0x8f; /* above U+10FFFF */
	} else {
		return 0; /* a continuation byte alone, C0, C1 or F5..FF */
	}
	if (s[1] < lo || s[1] > hi)
		return 0;
	for (int i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

/*
 * Write @s with the bytes it passes through as they are: well-formed UTF-8
 * and printable ASCII. A quote or a backslash goes out behind a backslash.
 * JSON (@dot false) writes a control byte as \u00HH and a byte not part of
 * a well-formed sequence as \ufffd; DOT (@dot true) writes both, and DEL,
 * as the text \xHH (an escaped backslash, then the hex).
 */
static void put_escaped(FILE *out, const char *s, bool dot)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p != '\0') {
		unsigned char c = *p;
		int n = 1;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || (dot && c == 0x7f))
			fprintf(out, dot ? "\\\\x%02x" : "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, out);
		else if ((n = utf8_len(p)) != 0)
			fwrite(p, 1, (size_t)n, out);
		else if (dot)
			fprintf(out, "\\\\x%02x", c);
		else
			fputs("\\ufffd", out);
		p += n != 0 ? n : 1;
	}
}

/*
 * The output is always valid UTF-8, as JSON must be: well-formed sequences
 * pass through unchanged, and each byte that is not part of one (a file's
 * name, a node's model or a message may hold any byte) becomes U+FFFD, the
 * replacement character, written as the escape \ufffd so the output stays
 * ASCII there.
 */
void json_str(FILE *out, const char *s)
{
	fputc('"', out);
	put_escaped(out, s, false);
	fputc('"', out);
}

/*
 * DOT: dot passes raw control bytes into the SVG, where XML forbids them, and
 * reads broken UTF-8 as Latin-1; a replacement character would make two
 * names that differ there one node, so each such byte is the text \xHH.
 */
void dot_str(FILE *out, const char *s)
{
	put_escaped(out, s, true);
}
