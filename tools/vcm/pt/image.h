/* SPDX-License-Identifier: MIT */
/*
 * The memory image of a table as built: platform ops that pass every call on
 * and remember which table blocks are live, and the image of those blocks
 * (what a dump of that memory would hold, for --dump and --emit-c).
 */
#ifndef VCM_TOOLS_PT_IMAGE_H
#define VCM_TOOLS_PT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <vcm/platform.h>

struct pt_block {
	vcm_pa_t pa;
	void *cpu;
	uint64_t size;
};

/* struct pt_image - give @ops to the table; the rest is private. */
struct pt_image {
	struct vcm_plat_fwd fwd; /* first: the hooks find the image from it */
	struct vcm_plat_ops ops;
	struct pt_block *blk;
	size_t nr, cap;
};

/* pt_image_init() - ops over @to that track table blocks. */
void pt_image_init(struct pt_image *im, const struct vcm_plat_ops *to);
void pt_image_fini(struct pt_image *im);

/*
 * pt_image_get() - the live table blocks as one image: [*@base, *@base +
 * *@len) from the lowest block to the end of the highest, zero between them.
 * Return: a malloc'd buffer (the caller frees it), or NULL when memory is
 * short or there is no table.
 */
uint8_t *pt_image_get(const struct pt_image *im, uint64_t *base, uint64_t *len);

#endif /* VCM_TOOLS_PT_IMAGE_H */
