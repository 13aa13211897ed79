/* SPDX-License-Identifier: MIT */
/* Writing packed RGB rows to a PNG file with libpng, one row at a time. */
#ifndef VCM_TOOLS_RUN_PNG_OUT_H
#define VCM_TOOLS_RUN_PNG_OUT_H

#include <stddef.h>
#include <stdint.h>

struct png_out;

/* Open @path for a @w x @h RGB image; NULL with @err set on failure. */
struct png_out *png_out_open(const char *path, unsigned int w, unsigned int h, char *err,
			     size_t errlen);
/* Append the next row (w * 3 bytes). 0 or -1 with @err set (the file named). */
int png_out_row(struct png_out *p, const uint8_t *row, char *err, size_t errlen);
/*
 * Finish (after every row) or abandon the file; 0 or -1 with @err set. A
 * file abandoned, or that could not be written whole, is removed.
 */
int png_out_close(struct png_out *p, char *err, size_t errlen);

#endif /* VCM_TOOLS_RUN_PNG_OUT_H */
