/* SPDX-License-Identifier: MIT */
/*
 * The CPU's stamp: a frame counter drawn into the top-left corner of a
 * packed RGB frame, white digits on a black box, as a kernel that intercepts
 * buffers would overlay them. Shared by `vcm run` and the test that checks
 * its output, so both draw exactly the same pixels.
 */
#ifndef VCM_TOOLS_RUN_STAMP_H
#define VCM_TOOLS_RUN_STAMP_H

#include <stddef.h>
#include <stdint.h>

/* Draw @number (shown with at least 4 digits) into @rgb, @w x @h pixels,
 * @pitch bytes a row; clipped to the frame. */
void stamp_frame(uint8_t *rgb, unsigned int w, unsigned int h, size_t pitch, unsigned int number);

#endif /* VCM_TOOLS_RUN_STAMP_H */
