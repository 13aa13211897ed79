// SPDX-License-Identifier: MIT
/* The playback pipeline (see pipeline.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vcm/err.h>
#include "clip.h"
#include "pipeline.h"
#include "png_out.h"
#include "stamp.h"

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static int iommu_fail(struct soc *s, unsigned int m, const char *what, unsigned int frame, int r,
		      char *err, size_t errlen)
{
	struct vcm_fault f;
	char fault[128] = "";

	if (vcm_sim_iommu_last_fault(soc_iommu_of(s, m), &f) == 0)
		snprintf(fault, sizeof(fault), "; last fault: %s at da %#llx, level %d",
			 vcm_fault_kind_name(f.kind), (unsigned long long)f.da, f.level);
	snprintf(err, errlen, "frame %u: %s %s through its IOMMU: %s (%s)%s", frame,
		 s->d->masters[m].name, what, vcm_sim_iommu_last_error(soc_iommu_of(s, m)),
		 vcm_strerror(r), fault);
	return -1;
}

/* The display engine scans frame @n out of @da, one row at a time. */
/* "vcm run: mixed frame 12 of 48, 310 frames/s" on stderr, the total when known. */
static void progress(const struct run_opts *o, unsigned int n, const struct timespec *t0)
{
	struct timespec t;
	double sec;

	clock_gettime(CLOCK_MONOTONIC, &t);
	sec = (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
	fprintf(stderr, "\rvcm run: %s frame %u", o->small_only ? "4 KiB-only" : "mixed", n);
	if (o->max_frames != 0)
		fprintf(stderr, " of %u", o->max_frames);
	if (sec > 0.0)
		fprintf(stderr, ", %.0f frames/s ", n / sec);
}

static int scan_out(struct soc *s, const struct run_opts *o, vcm_da_t da, unsigned int n,
		    unsigned int w, unsigned int h, uint8_t *row, uint64_t *hash, char *err,
		    size_t errlen)
{
	struct png_out *png = NULL;
	size_t pitch = (size_t)w * 3U;
	char path[PATH_MAX];
	int r = 0;

	if (o->out_dir != NULL) {
		/* vcm run refuses a longer --out up front; this is the last guard */
		r = snprintf(path, sizeof(path), "%s/frame-%04u.png", o->out_dir, n + 1);
		if (r < 0 || (size_t)r >= sizeof(path)) {
			snprintf(err, errlen, "--out %.200s...: the name of PNG %u is longer than "
				 "%zu bytes", o->out_dir, n + 1, sizeof(path) - 1);
			return -1;
		}
		r = 0;
		png = png_out_open(path, w, h, err, errlen);
		if (png == NULL)
			return -1;
	}
	*hash = UINT64_C(0xcbf29ce484222325);
	for (unsigned int y = 0; y < h && r == 0; y++) {
		r = vcm_sim_iommu_read(soc_iommu_of(s, s->display), 0, da + y * pitch, row, pitch);
		if (r != 0) {
			iommu_fail(s, s->display, "reading", n + 1, r, err, errlen);
			r = -1;
			break;
		}
		*hash = fnv1a(*hash, row, pitch);
		if (png != NULL)
			r = png_out_row(png, row, err, errlen);
	}
	if (png_out_close(png, err, errlen) != 0)
		r = -1;
	return r;
}

static int play(struct soc *s, const struct run_opts *o, struct run_result *res, char *err,
		size_t errlen)
{
	struct clip c;
	uint8_t *rgb = NULL, *row = NULL;
	size_t frame_bytes, slots, cap = 0;
	struct timespec t0;
	int r;

	if (clip_open(&c, s, o->clip, err, errlen) != 0) {
		clip_close(&c);
		return -1;
	}
	res->width = c.width;
	res->height = c.height;
	res->kind = c.kind == CLIP_MJPEG ? "Motion-JPEG" : c.kind == CLIP_AVI ? "Motion-JPEG AVI" :
		    "Y4M";
	frame_bytes = (size_t)c.width * c.height * 3U;
	slots = (size_t)(SOC_FRAMEBUF_LEN / frame_bytes);
	rgb = malloc(frame_bytes);
	row = malloc((size_t)c.width * 3U);
	if (rgb == NULL || row == NULL) {
		snprintf(err, errlen, "out of memory for a %ux%u frame", c.width, c.height);
		r = -1;
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int n = 0; o->max_frames == 0 || n < o->max_frames; n++) {
		size_t off = (n % slots) * frame_bytes;
		vcm_da_t da = vcm_get_dev_addr(s->frame_res) + off;

		r = clip_next(&c, rgb, err, errlen);
		if (r <= 0)
			break;
		/* decoder: the frame goes through its IOMMU into the frame buffer */
		r = vcm_sim_iommu_write(soc_iommu_of(s, s->decoder), 0, da, rgb, frame_bytes);
		if (r != 0) {
			r = iommu_fail(s, s->decoder, "writing", n + 1, r, err, errlen);
			break;
		}
		/* CPU: the stamp, through its own pointer to the same pages */
		stamp_frame(s->cpu_frames + off, c.width, c.height, (size_t)c.width * 3U, n + 1);
		if (n == cap) {
			uint64_t *h = realloc(res->hashes, (cap = cap ? cap * 2 : 64) * sizeof(*h));

			if (h == NULL) {
				snprintf(err, errlen, "out of memory");
				r = -1;
				break;
			}
			res->hashes = h;
		}
		r = scan_out(s, o, da, n, c.width, c.height, row, &res->hashes[n], err, errlen);
		if (r != 0)
			break;
		res->frames = n + 1;
		if (o->progress)
			progress(o, n + 1, &t0);
	}
	if (o->progress)
		fprintf(stderr, "\r%60s\r", "");
	if (r == 0 && res->frames == 0) {
		snprintf(err, errlen, "%s: no frame in the clip", o->clip);
		r = -1;
	}
out:
	res->dma_chunks = c.dma_chunks;
	res->dma_bytes = c.card_off;
	clip_close(&c);
	free(rgb);
	free(row);
	return r < 0 ? -1 : 0;
}

int pipeline_run(const struct plat_desc *d, const struct run_opts *o, struct run_result *res,
		 char *err, size_t errlen)
{
	struct soc s;
	int r;

	memset(res, 0, sizeof(*res));
	if (soc_build(&s, d, o->small_only, err, errlen) != 0)
		return -1;
	if (o->on_built != NULL)
		o->on_built(&s, o->arg);
	r = play(&s, o, res, err, errlen);
	for (unsigned int j = 0; j < d->nr_masters; j++)
		vcm_sim_iommu_stats(soc_iommu_of(&s, j), &res->st[j]);
	vcm_soc_table_bytes(s.hw, &res->table_bytes, NULL);
	if (r == 0 && vcm_sys_check_(s.sys) != 0) {
		snprintf(err, errlen, "graph check failed: %s", vcm_sys_last_error(s.sys));
		r = -1;
	}
	soc_teardown(&s);
	return r;
}
