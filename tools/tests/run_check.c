// SPDX-License-Identifier: MIT
/*
 * run_check CLIP OUTDIR FRAMES: checks `vcm run`'s PNGs byte for byte against
 * an independent computation: the clip decoded straight from the file with
 * libturbojpeg into plain memory (no SoC, no IOMMU, no graph), plus the same
 * stamp. Motion-JPEG frames are split at each end-of-image marker (FF D9),
 * which is enough for the generated clips; Y4M frames by their fixed size.
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
	bool y4m;

	if (argc != 4) {
		fprintf(stderr, "usage: run_check CLIP OUTDIR FRAMES\n");
		return 2;
	}
	frames = atoi(argv[3]);
	clip = read_all(argv[1], &len);
	y4m = len > 9 && memcmp(clip, "YUV4MPEG2", 9) == 0;
	if (y4m) {
		const char *hdr = (const char *)clip, *p;

		p = strstr(hdr, " W");
		w = atoi(p + 2);
		p = strstr(hdr, " H");
		h = atoi(p + 2);
		pos = (size_t)((const uint8_t *)memchr(clip, '\n', len) - clip) + 1;
	}
	for (n = 0; n < frames; n++) {
		char path[4096];

		if (y4m) {
			size_t planes = (size_t)w * h + 2U * ((w + 1) / 2) * ((h + 1) / 2);

			pos = (size_t)((const uint8_t *)memchr(clip + pos, '\n', len - pos) - clip) + 1;
			if (rgb == NULL)
				rgb = malloc((size_t)w * h * 3U);
			if (tjDecodeYUV(tj, clip + pos, 1, TJSAMP_420, rgb, w, 0, h, TJPF_RGB, 0) != 0)
				return fprintf(stderr, "run_check: %s\n", tjGetErrorStr2(tj)), 1;
			pos += planes;
		} else {
			size_t end = pos + 2;
			int sub, cs;

			while (end + 1 < len && !(clip[end] == 0xff && clip[end + 1] == 0xd9))
				end++;
			end += 2;
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
