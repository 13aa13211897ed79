/* SPDX-License-Identifier: MIT */
/*
 * Where `vcm run` finds its default clip, default.mjpeg, when none is given:
 * next to the binary (the build tree), in the data folder of an install
 * (bin/../share/vcm), then where the build wrote it.
 */
#ifndef VCM_TOOLS_DEFAULT_CLIP_H
#define VCM_TOOLS_DEFAULT_CLIP_H

#include <stddef.h>

#define DEFAULT_CLIP_NAME "default.mjpeg"

/*
 * default_clip_find() - the first readable default.mjpeg of, in order:
 *   1. the folder of @exe (the binary's own path; NULL skips 1 and 2),
 *   2. @data_rel taken from that folder ("../share/vcm", the installed layout),
 *   3. @built, a whole path (the build tree's copy; NULL or "" skips it).
 * @buf, @len: room for the path found.
 *
 * Return: @buf, or NULL with @err naming every place looked.
 */
const char *default_clip_find(const char *exe, const char *data_rel, const char *built, char *buf,
			      size_t len, char *err, size_t errlen);

#endif /* VCM_TOOLS_DEFAULT_CLIP_H */
