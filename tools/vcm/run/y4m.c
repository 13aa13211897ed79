// SPDX-License-Identifier: MIT
/*
 * Y4M headers and frame conversion (y4m.h). The conversion is written here
 * rather than left to libturbojpeg's YUV decoder: that one assumes JPEG's
 * full-range YCbCr and whole MCUs, where Y4M streams are limited range by
 * default and may have any size.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "y4m.h"

/* Largest W or H taken; a frame must also fit the frame buffer (clip.c). */
#define Y4M_MAX_SIDE 16384

static const struct {
	const char *tag;
	enum y4m_chroma chroma;
} layouts[] = {
	{ "C420jpeg", Y4M_420 }, { "C420mpeg2", Y4M_420 }, { "C420paldv", Y4M_420 },
	{ "C420", Y4M_420 },     { "C422", Y4M_422 },      { "C411", Y4M_411 },
	{ "C444", Y4M_444 },     { "Cmono", Y4M_MONO },
};

static void plane_sizes(struct y4m_fmt *f)
{
	static const unsigned int xs[] = { 1, 1, 2, 0, 0 }, ys[] = { 1, 0, 0, 0, 0 };
	size_t luma = (size_t)f->w * f->h;

	if (f->chroma == Y4M_MONO) {
		f->cw = f->ch = 0;
		f->frame_bytes = luma;
		return;
	}
	f->cw = (f->w + (1U << xs[f->chroma]) - 1U) >> xs[f->chroma];
	f->ch = (f->h + (1U << ys[f->chroma]) - 1U) >> ys[f->chroma];
	f->frame_bytes = luma + 2U * (size_t)f->cw * f->ch;
}

int y4m_parse(const char *params, struct y4m_fmt *f, char *why, size_t whylen, size_t *at)
{
	char line[256], *save = NULL, *tok;

	memset(f, 0, sizeof(*f));
	f->chroma = Y4M_420; /* the format's default when C is absent */
	if (strlen(params) >= sizeof(line)) {
		*at = Y4M_AT_HEADER;
		snprintf(why, whylen, "is longer than %zu bytes", sizeof(line) - 1);
		return -1;
	}
	strcpy(line, params);
	for (tok = strtok_r(line, " ", &save); tok != NULL; tok = strtok_r(NULL, " ", &save)) {
		*at = (size_t)(tok - line);
		if (tok[0] == 'W' || tok[0] == 'H') {
			char *end;
			long v = strtol(tok + 1, &end, 10);

			if (end == tok + 1 || *end != '\0' || v <= 0 || v > Y4M_MAX_SIDE) {
				snprintf(why, whylen, "bad %c parameter \"%s\" (1..%d)", tok[0], tok,
					 Y4M_MAX_SIDE);
				return -1;
			}
			if (tok[0] == 'W')
				f->w = (unsigned int)v;
			else
				f->h = (unsigned int)v;
		} else if (tok[0] == 'C') {
			size_t i;

			for (i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
				if (strcmp(tok, layouts[i].tag) == 0)
					break;
			if (i == sizeof(layouts) / sizeof(layouts[0])) {
				snprintf(why, whylen, "colour space \"%s\" is not supported (C420jpeg, "
					 "C420mpeg2, C420paldv, C420, C422, C411, C444, Cmono; "
					 "8 bits)", tok);
				return -1;
			}
			f->chroma = layouts[i].chroma;
		} else if (tok[0] == 'I') {
			if (strcmp(tok, "Ip") != 0 && strcmp(tok, "I?") != 0) {
				snprintf(why, whylen, "interlaced \"%s\" is not supported", tok);
				return -1;
			}
		} else if (strncmp(tok, "XCOLORRANGE=", 12) == 0) {
			if (strcmp(tok + 12, "FULL") == 0) {
				f->full_range = true;
			} else if (strcmp(tok + 12, "LIMITED") != 0) {
				snprintf(why, whylen, "\"%s\": the range is FULL or LIMITED", tok);
				return -1;
			}
		}
		/* F (rate), A (aspect) and other X tags change nothing here */
	}
	if (f->w == 0 || f->h == 0) {
		*at = Y4M_AT_HEADER;
		snprintf(why, whylen, "lacks W or H");
		return -1;
	}
	plane_sizes(f);
	return 0;
}

static uint8_t clamp8(double v)
{
	if (v <= 0.0)
		return 0;
	if (v >= 255.0)
		return 255;
	return (uint8_t)(v + 0.5);
}

/*
 * BT.601, Kr = 0.299 and Kb = 0.114 (Kg = 1 - Kr - Kb):
 *   R = Y + 2 (1 - Kr) Cr
 *   G = Y - 2 (1 - Kb) Kb / Kg Cb - 2 (1 - Kr) Kr / Kg Cr
 *   B = Y + 2 (1 - Kb) Cb
 * with Y and Cb/Cr first scaled from the stream's range: limited maps Y
 * 16..235 and Cb/Cr 16..240 onto the full 0..255 and -128..127.
 */
void y4m_to_rgb(const struct y4m_fmt *f, const uint8_t *planes, uint8_t *rgb)
{
	const double kr = 0.299, kb = 0.114, kg = 1.0 - kr - kb;
	const double rv = 2.0 * (1.0 - kr), bu = 2.0 * (1.0 - kb);
	const double gu = 2.0 * (1.0 - kb) * kb / kg, gv = 2.0 * (1.0 - kr) * kr / kg;
	const double ys = f->full_range ? 1.0 : 255.0 / 219.0;
	const double cs = f->full_range ? 1.0 : 255.0 / 224.0;
	const double y0 = f->full_range ? 0.0 : 16.0;
	const uint8_t *yp = planes, *cb = planes + (size_t)f->w * f->h;
	const uint8_t *cr = cb + (size_t)f->cw * f->ch;
	static const unsigned int xs[] = { 1, 1, 2, 0, 0 }, yshift[] = { 1, 0, 0, 0, 0 };

	for (unsigned int y = 0; y < f->h; y++) {
		for (unsigned int x = 0; x < f->w; x++) {
			double l = ys * (yp[(size_t)y * f->w + x] - y0), u = 0.0, v = 0.0;
			uint8_t *o = rgb + ((size_t)y * f->w + x) * 3U;

			if (f->chroma != Y4M_MONO) {
				size_t c = (size_t)(y >> yshift[f->chroma]) * f->cw +
					   (x >> xs[f->chroma]);

				u = cs * (cb[c] - 128.0);
				v = cs * (cr[c] - 128.0);
			}
			o[0] = clamp8(l + rv * v);
			o[1] = clamp8(l - gu * u - gv * v);
			o[2] = clamp8(l + bu * u);
		}
	}
}
