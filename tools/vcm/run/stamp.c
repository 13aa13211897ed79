// SPDX-License-Identifier: MIT
/* The frame counter overlay: a 3x5 pixel font scaled by STAMP_SCALE. */
#include <stdio.h>
#include <string.h>
#include "stamp.h"

#define STAMP_SCALE  3U
#define STAMP_MARGIN 4U

/* Rows of each digit, three bits a row, the left pixel in bit 2. */
static const uint8_t font[10][5] = {
	{ 7, 5, 5, 5, 7 }, { 2, 6, 2, 2, 7 }, { 7, 1, 7, 4, 7 }, { 7, 1, 7, 1, 7 },
	{ 5, 5, 7, 1, 1 }, { 7, 4, 7, 1, 7 }, { 7, 4, 7, 5, 7 }, { 7, 1, 1, 1, 1 },
	{ 7, 5, 7, 5, 7 }, { 7, 5, 7, 1, 7 },
};

static void fill(uint8_t *rgb, unsigned int w, unsigned int h, size_t pitch, unsigned int x0,
		 unsigned int y0, unsigned int cw, unsigned int ch, uint8_t v)
{
	for (unsigned int y = y0; y < y0 + ch && y < h; y++)
		for (unsigned int x = x0; x < x0 + cw && x < w; x++)
			memset(rgb + y * pitch + x * 3U, v, 3);
}

void stamp_frame(uint8_t *rgb, unsigned int w, unsigned int h, size_t pitch, unsigned int number)
{
	char digits[16];
	int n = snprintf(digits, sizeof(digits), "%04u", number);
	unsigned int cell = 4U * STAMP_SCALE; /* 3 pixels and a gap */

	fill(rgb, w, h, pitch, 0, 0, 2U * STAMP_MARGIN + (unsigned int)n * cell - STAMP_SCALE,
	     2U * STAMP_MARGIN + 5U * STAMP_SCALE, 0);
	for (int i = 0; i < n; i++) {
		const uint8_t *g = font[digits[i] - '0'];

		for (unsigned int row = 0; row < 5; row++)
			for (unsigned int col = 0; col < 3; col++)
				if (g[row] & (4U >> col))
					fill(rgb, w, h, pitch,
					     STAMP_MARGIN + (unsigned int)i * cell + col * STAMP_SCALE,
					     STAMP_MARGIN + row * STAMP_SCALE, STAMP_SCALE,
					     STAMP_SCALE, 0xff);
	}
}
