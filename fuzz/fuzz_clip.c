// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the clip reader (tools/vcm/run/clip.c) on its real path:
 * the file is loaded by the simulated DMA engine into the bitstream buffers
 * and read by the decoder through its IOMMU model, then parsed as
 * Motion-JPEG, Motion-JPEG in AVI, or Y4M. The input is the clip file. The
 * SoC of the built-in platform is built once; each input is written to a
 * memory file and played for at most FUZZ_CLIP_FRAMES frames, each frame's
 * RGB buffer exactly width * height * 3 bytes (so ASan sees any overrun).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "fuzz_util.h"
#include "run/clip.h"
#include "run/platform.h"
#include "run/soc.h"

#define FUZZ_CLIP_FRAMES 4
#define FUZZ_CLIP_MAX_RGB (UINT64_C(16) << 20) /* the frame buffer's size */

static struct plat_desc g_desc;
static struct soc g_soc;
static int g_fd = -1;
static char g_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[1024];

	(void)argc;
	(void)argv;
	if (plat_parse(plat_builtin_text, plat_builtin_name, &g_desc, err, sizeof(err)) != 0 ||
	    soc_build(&g_soc, &g_desc, false, err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_clip: %s\n", err);
		abort();
	}
	g_fd = memfd_create("clip", 0);
	FUZZ_CHECK(g_fd >= 0);
	snprintf(g_path, sizeof(g_path), "/proc/self/fd/%d", g_fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clip c;
	char err[1024];
	uint8_t *rgb;
	uint64_t bytes;
	int r;

	FUZZ_CHECK(ftruncate(g_fd, 0) == 0);
	FUZZ_CHECK(size == 0U || pwrite(g_fd, data, size, 0) == (ssize_t)size);
	r = clip_open(&c, &g_soc, g_path, err, sizeof(err));
	if (r != 0) {
		FUZZ_CHECK(r == -1 && err[0] != '\0');
		clip_close(&c);
		return 0;
	}
	FUZZ_CHECK(c.width > 0 && c.height > 0);
	bytes = (uint64_t)c.width * c.height * 3U;
	if (bytes > FUZZ_CLIP_MAX_RGB) {
		clip_close(&c);
		return 0;
	}
	rgb = malloc((size_t)bytes);
	FUZZ_CHECK(rgb != NULL);
	for (unsigned int n = 0; n < FUZZ_CLIP_FRAMES; n++) {
		r = clip_next(&c, rgb, err, sizeof(err));
		FUZZ_CHECK(r == 1 || r == 0 || (r == -1 && err[0] != '\0'));
		if (r != 1)
			break;
	}
	free(rgb);
	clip_close(&c);
	return 0;
}
