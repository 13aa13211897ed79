/* SPDX-License-Identifier: MIT */
/*
 * Y4M (YUV4MPEG2) stream headers and frames: the plane layout a header
 * names, and the conversion of one frame's planes to packed RGB.
 *
 * Chroma layouts: 420jpeg, 420mpeg2, 420paldv and 420 (4:2:0), 422, 411, 444
 * and mono, 8 bits per sample. Chroma planes are ceil(W / n) x ceil(H / m)
 * for odd sizes too. Colour: BT.601 (what Y4M implies), limited range
 * (Y 16..235, Cb/Cr 16..240) unless the header says XCOLORRANGE=FULL.
 * Chroma is taken from the sample whose area covers the pixel (the
 * siting differences between 420jpeg, 420mpeg2 and 420paldv are below one
 * chroma sample and are not interpolated).
 */
#ifndef VCM_TOOLS_RUN_Y4M_H
#define VCM_TOOLS_RUN_Y4M_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Horizontal and vertical chroma subsampling shifts of each layout. */
enum y4m_chroma { Y4M_420, Y4M_422, Y4M_411, Y4M_444, Y4M_MONO };

struct y4m_fmt {
	unsigned int w, h;      /* luma size */
	enum y4m_chroma chroma;
	unsigned int cw, ch;    /* each chroma plane's size (0 for mono) */
	bool full_range;        /* XCOLORRANGE=FULL */
	size_t frame_bytes;     /* Y, then Cb, then Cr */
};

/*
 * y4m_parse() - read the header's parameters (the line after "YUV4MPEG2 ",
 * NUL-terminated, no newline) into @f. On a refusal, writes what was wrong
 * to @why and the offset of the bad parameter within @params to *@at
 * (Y4M_AT_HEADER when the header as a whole is wrong), and returns -1.
 */
#define Y4M_AT_HEADER ((size_t)-1)
int y4m_parse(const char *params, struct y4m_fmt *f, char *why, size_t whylen, size_t *at);

/* y4m_to_rgb() - one frame's planes (@f->frame_bytes) to w * h packed RGB. */
void y4m_to_rgb(const struct y4m_fmt *f, const uint8_t *planes, uint8_t *rgb);

#endif /* VCM_TOOLS_RUN_Y4M_H */
