/* SPDX-License-Identifier: MIT */
/*
 * A device-tree topology for people and programs: text (stdout of
 * `vcm graph --dtb`), JSON, Graphviz DOT (IOMMUs as clusters with their
 * masters; formats vcmm does not speak dashed and red), and the platform
 * description `vcm run --dtb` plays on. Reading a blob from a file (.dtb, or
 * .dts through dtc) is here too.
 */
#ifndef VCM_TOOLS_DT_TOPO_OUT_H
#define VCM_TOOLS_DT_TOPO_OUT_H

#include <stdio.h>
#include "topo.h"

void dt_print_text(const struct dt_topo *t, FILE *out);
void dt_write_json(const struct dt_topo *t, FILE *out);
void dt_write_dot(const struct dt_topo *t, FILE *out);

/*
 * dt_platform_text() - a platform description (docs/run.md) for the video
 * pipeline on @t: 64 MiB of the tree's memory below 4 GiB clear of
 * reserved-memory, the masters @decoder and @display (node paths, or their
 * last components) each behind a model of its IOMMU's format. Refuses, with
 * the node named, a master with no IOMMU or behind one whose format vcmm
 * does not speak or has no model for, and a name that ends the paths of two
 * nodes (both named). Return: 0, or -1 with @err set.
 */
int dt_platform_text(const struct dt_topo *t, const char *decoder, const char *display,
		     char *text, size_t textlen, char *err, size_t errlen);

/*
 * dt_load() - read @path into a malloc'd buffer (*@blob, *@len): a .dts is
 * compiled with dtc first (refused with a message when dtc is missing).
 * Then dt_read(). Return: 0, or -1 with @err set and nothing to free.
 */
int dt_load(const char *path, struct dt_topo *t, char *err, size_t errlen);

#endif /* VCM_TOOLS_DT_TOPO_OUT_H */
