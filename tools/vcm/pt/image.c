// SPDX-License-Identifier: MIT
/*
 * Tracks the table blocks a table holds, through a platform forwarder, so
 * the tool can write out exactly the table memory (and not the arena's
 * bookkeeping or the metadata that shares it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "image.h"

static int track_alloc(struct vcm_plat_fwd *f, uint64_t size, uint64_t align, vcm_pa_t *pa,
		       void **cpu)
{
	struct pt_image *im = (struct pt_image *)f;
	int ret;

	if (im->nr == im->cap) {
		size_t cap = im->cap != 0 ? im->cap * 2 : 64;
		struct pt_block *n = realloc(im->blk, cap * sizeof(*n));

		if (n == NULL)
			return -ENOMEM;
		im->blk = n;
		im->cap = cap;
	}
	ret = vcm_plat_fwd_table_alloc(f, size, align, pa, cpu);
	if (ret != 0)
		return ret;
	im->blk[im->nr++] = (struct pt_block){ *pa, *cpu, size };
	return 0;
}

static void track_free(struct vcm_plat_fwd *f, vcm_pa_t pa, void *cpu, uint64_t size)
{
	struct pt_image *im = (struct pt_image *)f;

	for (size_t i = 0; i < im->nr; i++)
		if (im->blk[i].pa == pa) {
			im->blk[i] = im->blk[--im->nr];
			break;
		}
	vcm_plat_fwd_table_free(f, pa, cpu, size);
}

void pt_image_init(struct pt_image *im, const struct vcm_plat_ops *to)
{
	memset(im, 0, sizeof(*im));
	im->fwd.to = to;
	im->fwd.table_alloc = track_alloc;
	im->fwd.table_free = track_free;
	vcm_plat_fwd_ops(&im->fwd, &im->ops);
}

void pt_image_fini(struct pt_image *im)
{
	free(im->blk);
	im->blk = NULL;
	im->nr = im->cap = 0;
}

uint8_t *pt_image_get(const struct pt_image *im, uint64_t *base, uint64_t *len)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	uint8_t *buf;

	for (size_t i = 0; i < im->nr; i++) {
		if (im->blk[i].pa < lo)
			lo = im->blk[i].pa;
		if (im->blk[i].pa + im->blk[i].size > hi)
			hi = im->blk[i].pa + im->blk[i].size;
	}
	if (im->nr == 0 || hi - lo > SIZE_MAX)
		return NULL;
	buf = calloc(1, (size_t)(hi - lo));
	if (buf == NULL)
		return NULL;
	for (size_t i = 0; i < im->nr; i++)
		memcpy(buf + (im->blk[i].pa - lo), im->blk[i].cpu, (size_t)im->blk[i].size);
	*base = lo;
	*len = hi - lo;
	return buf;
}
