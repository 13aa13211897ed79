// SPDX-License-Identifier: MIT
/*
 * run_check CLIP OUTDIR FRAMES: checks `vcm run`'s PNGs byte for byte against
 * an independent computation: the clip decoded straight from the file with
 * libturbojpeg into plain memory (no SoC, no IOMMU, no graph), plus the same
 * stamp. Motion-JPEG frames are split at each end-of-image marker (FF D9),
 * which is enough for the generated clips; Y4M frames by their fixed size,
 * converted by ref_y4m() below, written from BT.601 apart from the tool's.
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <turbojpeg.h>
#include "../vcm/run/clip.h"
#include "../vcm/run/stamp.h"

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) <= 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		fprintf(stderr, "run_check: cannot read %s\n", path);
		exit(1);
	}
	b = malloc((size_t)n);
	if (b == NULL || fread(b, 1, (size_t)n, f) != (size_t)n)
		exit(1);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* The Y4M header's geometry and range, read here on its own. */
struct ref_fmt {
	int w, h, hdiv, vdiv; /* chroma: one sample per hdiv x vdiv pixels; 0: mono */
	bool full;
};

static void ref_header(const char *hdr, size_t len, struct ref_fmt *f)
{
	static const struct { const char *tag; int hdiv, vdiv; } c[] = {
		{ "C420", 2, 2 }, { "C422", 2, 1 }, { "C411", 4, 1 }, { "C444", 1, 1 }, { "Cmono", 0, 0 },
	};
	char line[512];
	size_t n = 0;

	while (n < len && n + 1 < sizeof(line) && hdr[n] != '\n') {
		line[n] = hdr[n];
		n++;
	}
	line[n] = '\0';
	*f = (struct ref_fmt){ 0, 0, 2, 2, false };
	for (char *t = strtok(line, " "); t != NULL; t = strtok(NULL, " ")) {
		if (t[0] == 'W')
			f->w = atoi(t + 1);
		else if (t[0] == 'H')
			f->h = atoi(t + 1);
		else if (strcmp(t, "XCOLORRANGE=FULL") == 0)
			f->full = true;
		for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
			if (strncmp(t, c[i].tag, strlen(c[i].tag)) == 0) {
				f->hdiv = c[i].hdiv;
				f->vdiv = c[i].vdiv;
			}
	}
}

static size_t ref_planes(const struct ref_fmt *f)
{
	size_t cw, ch;

	if (f->hdiv == 0)
		return (size_t)f->w * f->h;
	cw = ((size_t)f->w + f->hdiv - 1) / f->hdiv;
	ch = ((size_t)f->h + f->vdiv - 1) / f->vdiv;
	return (size_t)f->w * f->h + 2 * cw * ch;
}

static uint8_t ref_clamp(double v)
{
	return v < 0.0 ? 0 : v > 255.0 ? 255 : (uint8_t)(v + 0.5);
}

/* One pixel at a time, from BT.601: Kr 0.299, Kb 0.114. */
static void ref_y4m(const struct ref_fmt *f, const uint8_t *p, uint8_t *rgb)
{
	const double kr = 0.299, kb = 0.114, kg = 1.0 - kr - kb;
	size_t cw = f->hdiv ? ((size_t)f->w + f->hdiv - 1) / f->hdiv : 0;
	size_t ch = f->vdiv ? ((size_t)f->h + f->vdiv - 1) / f->vdiv : 0;
	const uint8_t *cb = p + (size_t)f->w * f->h, *cr = cb + cw * ch;

	for (int y = 0; y < f->h; y++)
		for (int x = 0; x < f->w; x++) {
			double Y = p[(size_t)y * f->w + x], U = 128.0, V = 128.0;
			uint8_t *o = &rgb[((size_t)y * f->w + x) * 3];

			if (f->hdiv != 0) {
				U = cb[(size_t)(y / f->vdiv) * cw + (size_t)(x / f->hdiv)];
				V = cr[(size_t)(y / f->vdiv) * cw + (size_t)(x / f->hdiv)];
			}
			Y = f->full ? Y : 255.0 / 219.0 * (Y - 16.0);
			U = f->full ? U - 128.0 : 255.0 / 224.0 * (U - 128.0);
			V = f->full ? V - 128.0 : 255.0 / 224.0 * (V - 128.0);
			o[0] = ref_clamp(Y + 2.0 * (1.0 - kr) * V);
			o[1] = ref_clamp(Y - 2.0 * (1.0 - kb) * kb / kg * U -
					 2.0 * (1.0 - kr) * kr / kg * V);
			o[2] = ref_clamp(Y + 2.0 * (1.0 - kb) * U);
		}
}

static uint32_t rd32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

/*
 * The video frames of an AVI file, found on their own: [@p, @end) holds
 * chunks; RIFF 'AVI '/'AVIX' and LIST 'movi'/'rec ' are opened, non-empty
 * 'NNdc' chunks are frames (offset and length into @off/@len, at most @max).
 */
static size_t avi_frames(const uint8_t *base, size_t p, size_t end, size_t *off, size_t *len,
			 size_t n, size_t max)
{
	while (p + 8 <= end && n < max) {
		const uint8_t *c = base + p;
		size_t size = rd32(c + 4);

		if ((memcmp(c, "RIFF", 4) == 0 || memcmp(c, "LIST", 4) == 0) && p + 12 <= end &&
		    (memcmp(c + 8, "AVI ", 4) == 0 || memcmp(c + 8, "AVIX", 4) == 0 ||
		     memcmp(c + 8, "movi", 4) == 0 || memcmp(c + 8, "rec ", 4) == 0)) {
			size_t stop = p + 8 + size < end ? p + 8 + size : end;

			n = avi_frames(base, p + 12, stop, off, len, n, max);
		} else if (c[2] == 'd' && c[3] == 'c' && size != 0) {
			off[n] = p + 8;
			len[n++] = size;
		}
		p += 8 + size + (size & 1);
	}
	return n;
}

static int compare_png(const char *path, const uint8_t *want, int w, int h)
{
	png_image img;
	uint8_t *got;
	int r = 0;

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	if (!png_image_begin_read_from_file(&img, path)) {
		fprintf(stderr, "run_check: %s: %s\n", path, img.message);
		return 1;
	}
	if ((int)img.width != w || (int)img.height != h) {
		fprintf(stderr, "run_check: %s: %ux%u, want %dx%d\n", path, img.width, img.height, w, h);
		png_image_free(&img);
		return 1;
	}
	img.format = PNG_FORMAT_RGB;
	got = malloc(PNG_IMAGE_SIZE(img));
	if (got == NULL || !png_image_finish_read(&img, NULL, got, 0, NULL)) {
		fprintf(stderr, "run_check: %s: %s\n", path, img.message);
		free(got);
		return 1;
	}
	for (size_t i = 0; i < (size_t)w * (size_t)h * 3U; i++) {
		if (got[i] != want[i]) {
			fprintf(stderr, "run_check: %s: byte %zu (x %zu y %zu) is %u, want %u\n", path,
				i, i / 3 % (size_t)w, i / 3 / (size_t)w, got[i], want[i]);
			r = 1;
			break;
		}
	}
	free(got);
	return r;
}

int main(int argc, char **argv)
{
	tjhandle tj = tjInitDecompress();
	size_t len, pos = 0;
	uint8_t *clip, *rgb = NULL;
	int frames, w = 0, h = 0, bad = 0, n;
	bool y4m, avi;
	size_t avi_off[256], avi_len[256], avi_n = 0;
	struct ref_fmt yf = { 0, 0, 0, 0, false };

	if (argc != 4) {
		fprintf(stderr, "usage: run_check CLIP OUTDIR FRAMES\n");
		return 2;
	}
	frames = atoi(argv[3]);
	clip = read_all(argv[1], &len);
	y4m = len > 9 && memcmp(clip, "YUV4MPEG2", 9) == 0;
	avi = len > 12 && memcmp(clip, "RIFF", 4) == 0;
	if (avi)
		avi_n = avi_frames(clip, 0, len, avi_off, avi_len, 0, 256);
	if (y4m) {
		ref_header((const char *)clip, len, &yf);
		w = yf.w;
		h = yf.h;
		pos = (size_t)((const uint8_t *)memchr(clip, '\n', len) - clip) + 1;
	}
	for (n = 0; n < frames; n++) {
		char path[4096];

		if (y4m) {
			pos = (size_t)((const uint8_t *)memchr(clip + pos, '\n', len - pos) - clip) + 1;
			if (pos + ref_planes(&yf) > len)
				return fprintf(stderr, "run_check: frame %d is short\n", n + 1), 1;
			if (rgb == NULL)
				rgb = malloc((size_t)w * h * 3U);
			ref_y4m(&yf, clip + pos, rgb);
			pos += ref_planes(&yf);
		} else {
			size_t end = pos + 2;
			int sub, cs;

			if (avi) {
				if ((size_t)n >= avi_n)
					return fprintf(stderr, "run_check: the AVI has %zu frames\n",
						       avi_n), 1;
				pos = avi_off[n];
				end = pos + avi_len[n];
			} else {
				while (end + 1 < len && !(clip[end] == 0xff && clip[end + 1] == 0xd9))
					end++;
				end += 2;
			}
			if (tjDecompressHeader3(tj, clip + pos, (unsigned long)(end - pos), &w, &h, &sub,
						&cs) != 0)
				return fprintf(stderr, "run_check: frame %d: %s\n", n + 1,
					       tjGetErrorStr2(tj)), 1;
			if (rgb == NULL)
				rgb = malloc((size_t)w * h * 3U);
			if (tjDecompress2(tj, clip + pos, (unsigned long)(end - pos), rgb, w, 0, h,
					  TJPF_RGB, CLIP_TJ_FLAGS) != 0)
				return fprintf(stderr, "run_check: frame %d: %s\n", n + 1,
					       tjGetErrorStr2(tj)), 1;
			pos = end;
		}
		stamp_frame(rgb, (unsigned int)w, (unsigned int)h, (size_t)w * 3U, (unsigned int)n + 1);
		snprintf(path, sizeof(path), "%s/frame-%04d.png", argv[2], n + 1);
		bad |= compare_png(path, rgb, w, h);
	}
	printf("run_check: %d frames of %dx%d, %s\n", frames, w, h, bad ? "MISMATCH" : "byte-exact");
	free(rgb);
	free(clip);
	tjDestroy(tj);
	return bad;
}
