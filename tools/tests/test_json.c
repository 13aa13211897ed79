// SPDX-License-Identifier: MIT
/*
 * json_str() against strings worked out by hand: escapes, well-formed UTF-8
 * of each length passed through, and every byte that is not part of a
 * well-formed sequence (lone continuation bytes, C0/C1 and F5..FF leads,
 * overlong forms, surrogates, code points past U+10FFFF, sequences cut short
 * by the end or by an ASCII byte) as \ufffd, one per byte.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../vcm/json.h"

static int bad;

static void check(const char *in, const char *want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL) {
		perror("test_json: open_memstream");
		exit(1);
	}
	json_str(f, in);
	fclose(f);
	if (strcmp(buf, want) != 0) {
		fprintf(stderr, "test_json: json_str(\"");
		for (const unsigned char *p = (const unsigned char *)in; *p != '\0'; p++)
			fprintf(stderr, *p >= 0x20 && *p < 0x7f ? "%c" : "\\x%02x", *p);
		fprintf(stderr, "\") gave %s, want %s\n", buf, want);
		bad = 1;
	}
	free(buf);
}

int main(void)
{
	check("", "\"\"");
	check("plain", "\"plain\"");
	check("q\"b\\", "\"q\\\"b\\\\\"");
	check("\x01\n\x1f\x7f", "\"\\u0001\\u000a\\u001f\x7f\"");
	/* well-formed: U+00E9, U+20AC, U+FFFD, U+1F600, U+10FFFF, U+0080, U+0800 */
	check("\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf",
	      "\"\xc3\xa9 \xe2\x82\xac \xef\xbf\xbd \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"");
	check("\xc2\x80\xe0\xa0\x80", "\"\xc2\x80\xe0\xa0\x80\"");
	/* bytes that never start a sequence */
	check("\xff\xfe", "\"\\ufffd\\ufffd\"");
	check("a\x80z", "\"a\\ufffdz\"");
	check("\xc0\xaf", "\"\\ufffd\\ufffd\"");         /* overlong '/' */
	check("\xc1\xbf", "\"\\ufffd\\ufffd\"");
	check("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* overlong, surrogate and past U+10FFFF: the lead and each byte after it */
	check("\xe0\x80\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"");
	check("\xf0\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	check("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
	/* cut short by the end of the string or by ASCII: nothing past NUL is read */
	check("\xe2\x82", "\"\\ufffd\\ufffd\"");
	check("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"");
	check("\xc3", "\"\\ufffd\"");
	check("\xe2\x82x", "\"\\ufffd\\ufffdx\"");
	check("\xc3\"", "\"\\ufffd\\\"\"");
	if (bad == 0)
		printf("test_json: all passed\n");
	return bad;
}
