// SPDX-License-Identifier: MIT
/*
 * vcm pt decode: read a raw memory dump holding a page table and print its
 * leaves and anything malformed (pt/decode.c does the reading).
 *
 *   vcm pt decode --fmt armv8 --granule 4k --ias 48 --base 0x80000000 \
 *                 --root 0x80004000 mem.bin
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "pt/decode.h"
#include "pt/opts.h"

/*
 * The whole of @path, malloc'd; NULL after a message (exit 2: the command
 * cannot be carried out, which is not a malformed dump). An empty file is a
 * valid dump.
 */
static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (f == NULL) {
		fprintf(stderr, "vcm pt decode: %s: cannot open the dump: %s\n", path,
			strerror(errno));
		return NULL;
	}
	do {
		if (n == cap) {
			size_t ncap = cap != 0 ? cap * 2 : 65536;
			uint8_t *nb = ncap > cap ? realloc(buf, ncap) : NULL;

			if (nb == NULL) {
				fprintf(stderr, "vcm pt decode: %s: no memory for the dump\n", path);
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap = ncap;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got != 0);
	if (ferror(f)) {
		fprintf(stderr, "vcm pt decode: %s: read error\n", path);
		free(buf);
		fclose(f);
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

int cli_pt_decode(int argc, char **argv)
{
	struct pt_opts o = { 0 };
	struct pt_decode_in in;
	struct pt_decode_res res;
	const char *path = NULL;
	uint8_t *dump;
	int ret;

	for (int i = 0; i < argc; i++) {
		struct cli_arg a = { "pt decode", argv[i], NULL };

		ret = pt_opt(argc, argv, &i, &o, true, "pt decode");
		if (ret == 1)
			continue;
		if (ret != 0)
			return ret;
		if (argv[i][0] == '-' && argv[i][1] != '\0')
			return cli_error(&a, "unknown option");
		if (path != NULL)
			return cli_error(&a, "a second dump (the first was %s)", path);
		path = argv[i];
	}
	if (pt_opts_done(&o, "pt decode") != 0)
		return CLI_EXIT_USAGE;
	if (o.fmt == NULL || !o.have_base || path == NULL) {
		fprintf(stderr, "vcm pt decode: needs --fmt F, --base PA and DUMP.bin "
			"(vcm pt --help)\n");
		return CLI_EXIT_USAGE;
	}
	memset(&in, 0, sizeof(in));
	in.arch = o.fmt->arch;
	in.ias = o.ias;
	in.oas = o.oas;
	in.granule_lg2 = o.granule_lg2;
	in.stage2 = o.stage2;
	in.start_level = o.start_level;
	in.svnapot = o.svnapot;
	in.svpbmt = o.svpbmt;
	in.json = o.json;
	in.base = o.base;
	in.root = o.have_root ? o.root : o.base;
	if (o.stage2 && in.arch != PT_ARCH_ARMV8 && in.arch != PT_ARCH_RISCV &&
	    in.arch != PT_ARCH_RISCV32) {
		fprintf(stderr, "vcm pt decode: --stage2: armv8 and riscv (G-stage) only\n");
		return CLI_EXIT_USAGE;
	}
	dump = read_all(path, &in.len);
	if (dump == NULL)
		return CLI_EXIT_USAGE;
	in.dump = dump;
	ret = pt_decode(&in, stdout, &res);
	free(dump);
	if (ret == -EINVAL) {
		fprintf(stderr, "vcm pt decode: %s\n", res.err);
		return CLI_EXIT_USAGE;
	}
	if (ret < 0) {
		fprintf(stderr, "vcm pt decode: %s\n", res.err);
		return CLI_EXIT_FAILED;
	}
	return ret == 0 ? CLI_EXIT_OK : CLI_EXIT_FAILED;
}
