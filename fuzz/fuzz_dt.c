// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the device-tree topology reader (tools/vcm/dt/topo.c over
 * libfdt). The input is a flattened device tree blob, as `vcm graph --dtb`
 * reads it. An accepted topology is then written as text, DOT and JSON (to
 * /dev/null) and turned into a platform description for `vcm run --dtb`
 * with its first two masters as decoder and display; that text, when made,
 * must be a description the platform reader accepts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "dt/topo.h"
#include "dt/topo_out.h"
#include "run/platform.h"

static FILE *g_null;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	g_null = fopen("/dev/null", "w");
	FUZZ_CHECK(g_null != NULL);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dt_topo t;
	static struct plat_desc d;
	char err[1024], text[1024];
	/* libfdt reads the header's fields in place: give it an aligned copy */
	void *blob = malloc(size != 0U ? size : 1U);

	FUZZ_CHECK(blob != NULL);
	if (size != 0U)
		memcpy(blob, data, size);
	if (dt_read(blob, size, &t, err, sizeof(err)) != 0) {
		FUZZ_CHECK(err[0] != '\0' && memchr(err, '\0', sizeof(err)) != NULL);
		free(blob);
		return 0;
	}
	FUZZ_CHECK(t.nr_memory <= DT_MAX_RANGES && t.nr_reserved <= DT_MAX_RANGES &&
		   t.nr_iommus <= DT_MAX_IOMMUS && t.nr_masters <= DT_MAX_MASTERS);
	for (unsigned int i = 0; i < t.nr_masters; i++)
		FUZZ_CHECK(t.masters[i].iommu < (int)t.nr_iommus && t.masters[i].iommu >= -1 &&
			   t.masters[i].nr_ids <= DT_MAX_IDS);
	dt_print_text(&t, g_null);
	dt_write_dot(&t, g_null);
	dt_write_json(&t, g_null);
	if (t.nr_masters >= 2 &&
	    dt_platform_text(&t, t.masters[0].path, t.masters[1].path, text, sizeof(text), err,
			     sizeof(err)) == 0 &&
	    plat_parse(text, "dtb", &d, err, sizeof(err)) != 0) {
		fprintf(stderr, "the platform text of the tree is refused: %s\n%s", err, text);
		abort();
	}
	free(blob);
	return 0;
}
