// SPDX-License-Identifier: MIT
/*
 * Y4M layouts and the BT.601 conversion against values worked out by hand:
 * plane sizes of odd frames in each chroma layout, limited-range black,
 * white and mid grey, full-range grey, and limited-range pure red (R'G'B'
 * 255,0,0 encodes to Y 81, Cb 90, Cr 240 and decodes to 254,0,0).
 */
#include <stdio.h>
#include <string.h>
#include "../vcm/run/y4m.h"

static int bad;

#define CHECK(cond) do { \
		if (!(cond)) { \
			fprintf(stderr, "test_y4m: line %d: %s\n", __LINE__, #cond); \
			bad = 1; \
		} \
	} while (0)

static void one_pixel(const char *params, uint8_t y, uint8_t cb, uint8_t cr,
		      int r, int g, int b)
{
	struct y4m_fmt f;
	uint8_t planes[3] = { y, cb, cr }, rgb[3];
	char why[128];
	size_t at;

	CHECK(y4m_parse(params, &f, why, sizeof(why), &at) == 0);
	CHECK(f.frame_bytes == (f.chroma == Y4M_MONO ? 1U : 3U));
	y4m_to_rgb(&f, planes, rgb);
	if (rgb[0] != r || rgb[1] != g || rgb[2] != b) {
		fprintf(stderr, "test_y4m: %s Y %u Cb %u Cr %u: %u,%u,%u, want %d,%d,%d\n", params,
			y, cb, cr, rgb[0], rgb[1], rgb[2], r, g, b);
		bad = 1;
	}
}

static size_t frame_bytes(const char *params)
{
	struct y4m_fmt f;
	char why[128];
	size_t at;

	return y4m_parse(params, &f, why, sizeof(why), &at) == 0 ? f.frame_bytes : 0;
}

int main(void)
{
	struct y4m_fmt f;
	char why[200];
	size_t at;

	/* plane sizes: chroma planes round up */
	CHECK(frame_bytes("W5 H3 C420jpeg") == 15 + 2 * 3 * 2);
	CHECK(frame_bytes("W5 H3") == 15 + 2 * 3 * 2); /* no C: 4:2:0 */
	CHECK(frame_bytes("W5 H3 C422") == 15 + 2 * 3 * 3);
	CHECK(frame_bytes("W5 H3 C411") == 15 + 2 * 2 * 3);
	CHECK(frame_bytes("W5 H3 C444") == 15 * 3);
	CHECK(frame_bytes("W5 H3 Cmono") == 15);
	CHECK(frame_bytes("W1 H1 C420mpeg2") == 3);

	one_pixel("W1 H1 C444", 16, 128, 128, 0, 0, 0);
	one_pixel("W1 H1 C444", 235, 128, 128, 255, 255, 255);
	one_pixel("W1 H1 C444 XCOLORRANGE=LIMITED", 126, 128, 128, 128, 128, 128);
	one_pixel("W1 H1 C444 XCOLORRANGE=FULL", 77, 128, 128, 77, 77, 77);
	one_pixel("W1 H1 C444", 81, 90, 240, 254, 0, 0);
	one_pixel("W1 H1 Cmono", 235, 0, 0, 255, 255, 255);

	/* refusals name the parameter */
	CHECK(y4m_parse("W5 H3 C444alpha", &f, why, sizeof(why), &at) == -1 && at == 6 &&
	      strstr(why, "C444alpha") != NULL);
	CHECK(y4m_parse("W0 H3", &f, why, sizeof(why), &at) == -1 && at == 0 &&
	      strstr(why, "bad W") != NULL);
	CHECK(y4m_parse("W5 H3 XCOLORRANGE=WIDE", &f, why, sizeof(why), &at) == -1 && at == 6);
	CHECK(y4m_parse("W5 H3 It", &f, why, sizeof(why), &at) == -1 && at == 6);
	CHECK(y4m_parse("H3", &f, why, sizeof(why), &at) == -1 && at == Y4M_AT_HEADER);
	if (!bad)
		printf("test_y4m: layouts, ranges and refusals as worked out by hand\n");
	return bad;
}
