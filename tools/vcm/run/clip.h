/* SPDX-License-Identifier: MIT */
/*
 * The input clip as the SoC reads it: the DMA engine loads the file (the
 * memory card) 64 KiB at a time into the two bitstream buffers through their
 * physical scatter lists, alternating, and the decoder reads each buffer
 * through its IOMMU into its own stream window, where it finds the frames:
 * Motion-JPEG (concatenated JPEG images, or the video chunks of an AVI file,
 * decoded with libturbojpeg) or Y4M
 * (raw planes of any chroma layout, turned into RGB by y4m.c). A frame comes
 * out as packed 8-bit RGB, width * 3 bytes a row.
 */
#ifndef VCM_TOOLS_RUN_CLIP_H
#define VCM_TOOLS_RUN_CLIP_H

#include <stdio.h>
#include <turbojpeg.h>
#include "soc.h"
#include "y4m.h"

/* libturbojpeg flags of every decode (an independent check must use the same). */
#define CLIP_TJ_FLAGS TJFLAG_STOPONWARNING

enum clip_kind { CLIP_MJPEG = 1, CLIP_AVI, CLIP_Y4M };

struct clip {
	const char *path;
	FILE *f;
	uint64_t file_len;
	uint64_t card_off;        /* next byte of the card the DMA engine loads */
	unsigned int next_buf;    /* bitstream buffer it loads next */
	struct soc *soc;
	uint8_t *bounce;          /* the card's read buffer, one 64 KiB chunk */
	uint8_t *win;             /* the decoder's stream window */
	size_t win_len, win_cap, pos;
	uint64_t win_off;         /* card offset of win[0] */
	enum clip_kind kind;
	unsigned int width, height;
	unsigned int frames;      /* decoded so far */
	struct y4m_fmt y4m;       /* a Y4M stream's layout */
	size_t avi_pending;       /* AVI: bytes of the frame at pos already found, or 0 */
	tjhandle tj;
	uint64_t dma_chunks;      /* 64 KiB loads by the DMA engine */
};

/*
 * clip_open() - open @path on @soc and read its header (Y4M) or first
 * frame's header (Motion-JPEG) for the size. clip_next() - decode the next
 * frame into @rgb (width * height * 3 bytes); 1 a frame, 0 the end of the
 * stream. Errors write "PATH: byte offset N: what was wrong" to @err and
 * return -1; clip_close() is then still needed.
 */
int clip_open(struct clip *c, struct soc *soc, const char *path, char *err, size_t errlen);
int clip_next(struct clip *c, uint8_t *rgb, char *err, size_t errlen);
void clip_close(struct clip *c);

#endif /* VCM_TOOLS_RUN_CLIP_H */
