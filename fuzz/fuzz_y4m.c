// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the Y4M header reader and frame converter
 * (tools/vcm/run/y4m.c). The input's first line is the header's parameters
 * (what follows "YUV4MPEG2 "), the rest one frame's planes. An accepted
 * header must give planes that add up to frame_bytes; the frame, short input
 * padded, converts to w * h RGB pixels without reading or writing past either
 * buffer (ASan checks the exact sizes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "run/y4m.h"

#define FUZZ_Y4M_MAX_PIXELS (UINT64_C(1) << 20) /* keep each input fast */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *nl = memchr(data, '\n', size);
	size_t hlen = nl != NULL ? (size_t)(nl - data) : size;
	char *params = fuzz_str(data, hlen);
	struct y4m_fmt f;
	char why[256];
	size_t at = 0, rest = nl != NULL ? size - hlen - 1U : 0U;
	uint8_t *planes, *rgb;

	if (y4m_parse(params, &f, why, sizeof(why), &at) != 0) {
		FUZZ_CHECK(why[0] != '\0' && (at == Y4M_AT_HEADER || at <= hlen));
		free(params);
		return 0;
	}
	free(params);
	FUZZ_CHECK(f.w > 0 && f.h > 0);
	FUZZ_CHECK(f.chroma == Y4M_MONO ? f.cw == 0 && f.ch == 0 :
		   f.cw > 0 && f.ch > 0 && f.cw <= f.w && f.ch <= f.h);
	FUZZ_CHECK(f.frame_bytes == (size_t)f.w * f.h + 2U * (size_t)f.cw * f.ch);
	if ((uint64_t)f.w * f.h > FUZZ_Y4M_MAX_PIXELS)
		return 0;
	planes = malloc(f.frame_bytes);
	rgb = malloc((size_t)f.w * f.h * 3U);
	FUZZ_CHECK(planes != NULL && rgb != NULL);
	memset(planes, 0x80, f.frame_bytes);
	if (rest != 0U)
		memcpy(planes, nl + 1, rest < f.frame_bytes ? rest : f.frame_bytes);
	y4m_to_rgb(&f, planes, rgb);
	free(planes);
	free(rgb);
	return 0;
}
