// SPDX-License-Identifier: MIT
/*
 * clipgen: deterministic test video for `vcm run`, made from nothing but
 * arithmetic (colour ramps that drift and a square that crosses the frame),
 * encoded with libturbojpeg.
 *
 *   clipgen mjpeg OUT [FRAMES [W H]]   Motion-JPEG (concatenated JPEGs)
 *   clipgen avi OUT [FRAMES [W H]]     Motion-JPEG in AVI (RIFF), with the chunks a
 *                                      reader must step over
 *   clipgen y4m OUT [FRAMES [W H [CHROMA [RANGE]]]]
 *                                      Y4M, C420jpeg unless CHROMA says (C422,
 *                                      C411, C444, Cmono, ...); RANGE FULL or
 *                                      LIMITED writes XCOLORRANGE; W, H >= 1
 *   clipgen truncated OUT              3 JPEG frames, the last cut in half
 *   clipgen corrupt OUT                3 JPEG frames, the second with a bad SOF
 *   clipgen badyuv OUT                 a Y4M header with an unsupported C444alpha
 *
 * Defaults: 48 frames of 320x240 (two seconds at 24 frames a second).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>

static void frame_rgb(uint8_t *rgb, int w, int h, int n)
{
	int sq = h / 4, sx = (n * 7) % (w - sq), sy = (n * 3) % (h - sq);

	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			uint8_t *p = rgb + ((size_t)y * (size_t)w + (size_t)x) * 3U;

			p[0] = (uint8_t)(x * 255 / w + n * 5);
			p[1] = (uint8_t)(y * 255 / h + n * 3);
			p[2] = (uint8_t)((x + y) / 2 + n * 4);
			if (x >= sx && x < sx + sq && y >= sy && y < sy + sq)
				p[0] = p[1] = p[2] = (uint8_t)(((x - sx) / 8 + (y - sy) / 8) % 2 ? 240 : 30);
		}
	}
}

static int write_mjpeg(FILE *f, int frames, int w, int h, int mode)
{
	tjhandle tj = tjInitCompress();
	uint8_t *rgb = malloc((size_t)w * (size_t)h * 3U);
	int rc = 0;

	if (tj == NULL || rgb == NULL) {
		fprintf(stderr, "clipgen: out of memory\n");
		rc = 1;
	}
	for (int n = 0; rc == 0 && n < frames; n++) {
		unsigned char *jpg = NULL;
		unsigned long len = 0;

		frame_rgb(rgb, w, h, n);
		if (tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &jpg, &len, TJSAMP_420, 85, 0) != 0) {
			fprintf(stderr, "clipgen: %s\n", tjGetErrorStr2(tj));
			rc = 1;
			break;
		}
		if (mode == 'c' && n == 1) {
			/* the frame header says 9-bit samples: libjpeg refuses it */
			for (unsigned long i = 0; i + 4 < len; i++)
				if (jpg[i] == 0xff && jpg[i + 1] == 0xc0) {
					jpg[i + 4] = 9;
					break;
				}
		}
		if (mode == 't' && n == frames - 1)
			len /= 2;
		if (fwrite(jpg, 1, len, f) != len)
			rc = 1;
		tjFree(jpg);
	}
	free(rgb);
	if (tj != NULL)
		tjDestroy(tj);
	return rc;
}

static void put32(FILE *f, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		fputc((int)(v >> (8 * i)) & 0xff, f);
}

static void put16(FILE *f, uint16_t v)
{
	fputc(v & 0xff, f);
	fputc(v >> 8, f);
}

/* A RIFF chunk header; @size is what follows, before the pad byte. */
static void chunk(FILE *f, const char *id, uint32_t size)
{
	fwrite(id, 1, 4, f);
	put32(f, size);
}

/*
 * Motion-JPEG in AVI, as ffmpeg and cameras write it: RIFF 'AVI ' with the
 * header list (avih, one video stream: strh 'vids' 'MJPG', strf
 * BITMAPINFOHEADER), a 'movi' list of '00dc' chunks and an 'idx1' index.
 * The movi list also holds what a reader must step over: a JUNK chunk, an
 * audio chunk ('01wb'), an empty '00dc' (a dropped frame) and odd-sized
 * frames followed by their pad byte.
 */
static int write_avi(FILE *f, int frames, int w, int h)
{
	tjhandle tj = tjInitCompress();
	uint8_t *rgb = malloc((size_t)w * (size_t)h * 3U);
	unsigned char **jpg = calloc((size_t)frames, sizeof(*jpg));
	unsigned long *len = calloc((size_t)frames, sizeof(*len));
	uint32_t movi = 4, riff, hdrl = 4 + 8 + 56 + 8 + 4 + 8 + 56 + 8 + 40;
	int rc = 0;

	if (tj == NULL || rgb == NULL || jpg == NULL || len == NULL) {
		fprintf(stderr, "clipgen: out of memory\n");
		rc = 1;
	}
	for (int n = 0; rc == 0 && n < frames; n++) {
		frame_rgb(rgb, w, h, n);
		if (tjCompress2(tj, rgb, w, 0, h, TJPF_RGB, &jpg[n], &len[n], TJSAMP_420, 85, 0) != 0) {
			fprintf(stderr, "clipgen: %s\n", tjGetErrorStr2(tj));
			rc = 1;
		}
		movi += 8 + (uint32_t)len[n] + (uint32_t)(len[n] & 1U);
	}
	if (rc == 0) {
		movi += (8 + 12) + (8 + 6) + 8; /* JUNK, 01wb, the empty 00dc */
		riff = 4 + (8 + hdrl) + (8 + movi) + (8 + 16 * (uint32_t)frames);
		chunk(f, "RIFF", riff);
		fwrite("AVI ", 1, 4, f);
		chunk(f, "LIST", hdrl);
		fwrite("hdrl", 1, 4, f);
		chunk(f, "avih", 56);
		put32(f, 41667);                      /* microseconds per frame */
		put32(f, 0); put32(f, 0); put32(f, 0x10); /* max rate, padding, HASINDEX */
		put32(f, (uint32_t)frames); put32(f, 0); put32(f, 1); put32(f, 0);
		put32(f, (uint32_t)w); put32(f, (uint32_t)h);
		for (int i = 0; i < 4; i++)
			put32(f, 0);
		chunk(f, "LIST", 4 + 8 + 56 + 8 + 40);
		fwrite("strl", 1, 4, f);
		chunk(f, "strh", 56);
		fwrite("vidsMJPG", 1, 8, f);
		put32(f, 0); put16(f, 0); put16(f, 0); put32(f, 0); /* flags, priority, language, initial */
		put32(f, 1); put32(f, 24); put32(f, 0); put32(f, (uint32_t)frames); /* scale, rate, start, length */
		put32(f, 0); put32(f, 0xffffffffU); put32(f, 0); /* buffer, quality, sample size */
		put16(f, 0); put16(f, 0); put16(f, (uint16_t)w); put16(f, (uint16_t)h);
		chunk(f, "strf", 40);
		put32(f, 40); put32(f, (uint32_t)w); put32(f, (uint32_t)h);
		put16(f, 1); put16(f, 24);
		fwrite("MJPG", 1, 4, f);
		put32(f, (uint32_t)(w * h * 3)); put32(f, 0); put32(f, 0); put32(f, 0); put32(f, 0);
		chunk(f, "LIST", movi);
		fwrite("movi", 1, 4, f);
		chunk(f, "JUNK", 12);
		fwrite("\0\0\0\0\0\0\0\0\0\0\0\0", 1, 12, f);
		for (int n = 0; n < frames; n++) {
			if (n == 1) {
				chunk(f, "01wb", 6);
				fwrite("\x80\x80\x80\x80\x80\x80", 1, 6, f);
				chunk(f, "00dc", 0);
			}
			chunk(f, "00dc", (uint32_t)len[n]);
			fwrite(jpg[n], 1, len[n], f);
			if (len[n] & 1U)
				fputc(0, f);
		}
		chunk(f, "idx1", 16 * (uint32_t)frames);
		for (int n = 0, at = 4; n < frames; n++) {
			fwrite("00dc", 1, 4, f);
			put32(f, 0x10); put32(f, (uint32_t)at); put32(f, (uint32_t)len[n]);
			at += 8 + (int)len[n] + (int)(len[n] & 1U);
		}
	}
	for (int n = 0; jpg != NULL && n < frames; n++)
		tjFree(jpg[n]);
	free(jpg);
	free(len);
	free(rgb);
	if (tj != NULL)
		tjDestroy(tj);
	return rc != 0 || ferror(f) ? 1 : 0;
}

/* Chroma tag -> one chroma sample per hdiv x vdiv pixels (0: no chroma). */
static int y4m_layout(const char *tag, int *hdiv, int *vdiv)
{
	static const struct { const char *tag; int h, v; } t[] = {
		{ "C420jpeg", 2, 2 }, { "C420mpeg2", 2, 2 }, { "C420paldv", 2, 2 }, { "C420", 2, 2 },
		{ "C422", 2, 1 }, { "C411", 4, 1 }, { "C444", 1, 1 }, { "Cmono", 0, 0 },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(tag, t[i].tag) == 0) {
			*hdiv = t[i].h;
			*vdiv = t[i].v;
			return 0;
		}
	return -1;
}

static int write_y4m(FILE *f, int frames, int w, int h, const char *chroma, const char *range)
{
	int hdiv, vdiv, cw, ch;

	if (y4m_layout(chroma, &hdiv, &vdiv) != 0) {
		fprintf(stderr, "clipgen: unknown chroma layout %s\n", chroma);
		return 2;
	}
	cw = hdiv ? (w + hdiv - 1) / hdiv : 0;
	ch = vdiv ? (h + vdiv - 1) / vdiv : 0;
	fprintf(f, "YUV4MPEG2 W%d H%d F24:1 Ip A1:1 %s", w, h, chroma);
	if (range != NULL)
		fprintf(f, " XCOLORRANGE=%s", range);
	fputc('\n', f);
	for (int n = 0; n < frames; n++) {
		fprintf(f, "FRAME\n");
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++)
				fputc((x + y + 2 * n) & 255, f);
		for (int y = 0; y < ch; y++)
			for (int x = 0; x < cw; x++)
				fputc((x * 2 + n) & 255, f);
		for (int y = 0; y < ch; y++)
			for (int x = 0; x < cw; x++)
				fputc((y * 2 + 3 * n) & 255, f);
	}
	return ferror(f) ? 1 : 0;
}

int main(int argc, char **argv)
{
	int frames = 48, w = 320, h = 240, min_side = 16, rc;
	bool y4m = argc > 1 && strcmp(argv[1], "y4m") == 0;
	FILE *f;

	if (argc < 3 || argc == 5 || argc > (y4m ? 8 : 6)) {
		fprintf(stderr, "usage: clipgen mjpeg|avi|y4m|truncated|corrupt|badyuv OUT [FRAMES [W H]]\n"
			"       clipgen y4m OUT FRAMES W H [CHROMA [FULL|LIMITED]]\n");
		return 2;
	}
	if (y4m)
		min_side = 1; /* Y4M takes any size; odd ones test the chroma planes' rounding */
	if (argc >= 4)
		frames = atoi(argv[3]);
	if (argc >= 6) {
		w = atoi(argv[4]);
		h = atoi(argv[5]);
	}
	if (frames < 1 || w < min_side || h < min_side || w > 8192 || h > 8192) {
		fprintf(stderr, "clipgen: FRAMES >= 1, W and H %d..8192\n", min_side);
		return 2;
	}
	f = fopen(argv[2], "wb");
	if (f == NULL) {
		perror(argv[2]);
		return 1;
	}
	if (strcmp(argv[1], "mjpeg") == 0)
		rc = write_mjpeg(f, frames, w, h, 0);
	else if (strcmp(argv[1], "avi") == 0)
		rc = write_avi(f, frames, w, h);
	else if (strcmp(argv[1], "truncated") == 0)
		rc = write_mjpeg(f, 3, w, h, 't');
	else if (strcmp(argv[1], "corrupt") == 0)
		rc = write_mjpeg(f, 3, w, h, 'c');
	else if (y4m)
		rc = write_y4m(f, frames, w, h, argc >= 7 ? argv[6] : "C420jpeg",
			       argc >= 8 ? argv[7] : NULL);
	else if (strcmp(argv[1], "badyuv") == 0)
		rc = fprintf(f, "YUV4MPEG2 W%d H%d F24:1 C444alpha\nFRAME\n", w, h) < 0;
	else {
		fprintf(stderr, "clipgen: unknown kind %s\n", argv[1]);
		rc = 2;
	}
	if (fclose(f) != 0)
		rc = 1;
	return rc;
}
