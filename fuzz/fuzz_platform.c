// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the platform description reader (tools/vcm/run/platform.c,
 * the text format of the files in platforms/). The input is the file's text; a
 * description it accepts must hold what the format promises (names cut to
 * PLAT_NAME_LEN, counts within their tables, masters naming an IOMMU line).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_util.h"
#include "run/platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct plat_desc d;
	char err[512];
	char *text = fuzz_str(data, size);

	if (plat_parse(text, "fuzz.txt", &d, err, sizeof(err)) == 0) {
		FUZZ_CHECK(d.nr_memtypes <= PLAT_MAX_MEMTYPE && d.nr_iommus <= PLAT_MAX_IOMMU &&
			   d.nr_masters <= PLAT_MAX_MASTER);
		for (unsigned int i = 0; i < d.nr_iommus; i++)
			FUZZ_CHECK(memchr(d.iommus[i].name, '\0', PLAT_NAME_LEN) != NULL &&
				   plat_fmt_name(d.iommus[i].fmt) != NULL);
		for (unsigned int i = 0; i < d.nr_masters; i++)
			FUZZ_CHECK(d.masters[i].iommu < d.nr_iommus &&
				   memchr(d.masters[i].name, '\0', PLAT_NAME_LEN) != NULL);
		for (unsigned int i = 0; i < d.nr_memtypes; i++)
			FUZZ_CHECK(memchr(d.memtypes[i].name, '\0', PLAT_NAME_LEN) != NULL);
		(void)plat_find_use(&d, PLAT_USE_STREAM);
		(void)plat_find_use(&d, PLAT_USE_FRAMES);
		(void)plat_find_role(&d, PLAT_ROLE_DECODER);
		(void)plat_find_role(&d, PLAT_ROLE_DISPLAY);
	} else {
		FUZZ_CHECK(memchr(err, '\0', sizeof(err)) != NULL && err[0] != '\0');
	}
	free(text);
	return 0;
}
