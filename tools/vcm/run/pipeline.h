/* SPDX-License-Identifier: MIT */
/*
 * The playback pipeline of `vcm run` over a built SoC: for each frame, the
 * DMA engine and the decoder bring the bitstream in (clip.c), the decoder
 * writes the decoded frame through its IOMMU into the next slot of the 16 MiB
 * frame buffer, the CPU stamps it through its own pointer, and the display
 * engine reads it back through its IOMMU, row by row, into a PNG file.
 */
#ifndef VCM_TOOLS_RUN_PIPELINE_H
#define VCM_TOOLS_RUN_PIPELINE_H

#include <vcm/sim.h>
#include "soc.h"

/* The longest name of a PNG under run_opts.out_dir, '/' included. */
#define RUN_PNG_NAME_LONGEST "/frame-4294967295.png"

struct run_opts {
	const char *clip;
	const char *out_dir;      /* NULL: scan out without writing files */
	unsigned int max_frames;  /* 0: the whole clip */
	bool progress;            /* a progress line on stderr */
	bool small_only;          /* 4 KiB chunks and pages only */
	/* called once the SoC and its buffers are built (to print the graph) */
	void (*on_built)(struct soc *s, void *arg);
	void *arg;
};

struct run_result {
	unsigned int frames, width, height;
	const char *kind;                     /* "Motion-JPEG" or "Y4M" */
	uint64_t dma_chunks, dma_bytes;
	uint64_t table_bytes;                 /* every table of the video VCM, at the end */
	struct vcm_sim_iommu_stats st[PLAT_MAX_MASTER]; /* per master's IOMMU */
	uint64_t *hashes;                     /* per frame, of the scanned-out bytes; free() */
};

/* Return: 0, or -1 with @err set; the SoC is torn down either way. */
int pipeline_run(const struct plat_desc *d, const struct run_opts *o, struct run_result *res,
		 char *err, size_t errlen);

#endif /* VCM_TOOLS_RUN_PIPELINE_H */
