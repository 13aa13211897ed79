// SPDX-License-Identifier: MIT
/*
 * libFuzzer harness: the page-table dump decoder behind `vcm pt decode`
 * (tools/vcm/pt/decode.c). The first 8 bytes choose the format and its
 * options, where the dump sits and where its root is; the rest is the dump.
 * The decoder must finish (tables reached twice are walked once), stay
 * inside the dump, and agree with itself: 0 means no problem found, 1 at
 * least one, -EINVAL a configuration it names, and the same input decodes
 * to the same bytes twice.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "fuzz_util.h"
#include "pt/decode.h"

static int run(const struct pt_decode_in *in, struct pt_decode_res *res, char *buf, size_t len)
{
	FILE *out = fmemopen(buf, len, "w");
	int ret;

	FUZZ_CHECK(out != NULL);
	ret = pt_decode(in, out, res);
	fclose(out);
	return ret;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int granules[4] = { 0, 12, 14, 16 };
	/* where `vcm pt --dump` puts its images (the seeds), and edges */
	static const uint64_t bases[8] = {
		0, UINT64_C(0x80000000), UINT64_C(0x40041000), UINT64_C(0x40040800),
		UINT64_C(0xfffffffffff00000), 0x1000, UINT64_C(0xffffffff00000000),
		UINT64_C(0x100000000),
	};
	static char a[1 << 13], b[1 << 13];
	struct pt_decode_in in = { 0 };
	struct pt_decode_res r1, r2;
	int ret;

	if (size < 8)
		return 0;
	in.arch = (enum pt_arch)(data[0] % 7U);
	in.stage2 = (data[1] & 1U) != 0U;
	in.svnapot = (data[1] & 2U) != 0U;
	in.svpbmt = (data[1] & 4U) != 0U;
	in.json = (data[1] & 8U) != 0U;
	in.granule_lg2 = granules[(data[1] >> 4) & 3U];
	in.ias = data[2] % 72U;  /* 0: the default; past 64 must be refused */
	in.oas = data[3] % 72U;
	in.start_level = data[4] % 5U;
	in.base = bases[data[5] & 7U];
	in.dump = data + 8;
	in.len = size - 8;
	if (in.base > UINT64_MAX - in.len) /* the tool refuses this before decoding */
		in.base = 0;
	/* the root: inside the dump (on an 8-byte step) or just outside it */
	in.root = in.base + (((uint64_t)data[6] << 8 | data[7]) * 8U) % (in.len + 64U);

	/* the first decode goes into memory (what overflows the buffer is
	 * dropped), so the determinism check needs one more, not two */
	memset(&r1, 0, sizeof(r1));
	memset(a, 0, sizeof(a));
	ret = run(&in, &r1, a, sizeof(a) - 1U);
	FUZZ_CHECK(ret == 0 || ret == 1 || ret == -EINVAL || ret == -ENOMEM);
	if (ret == -EINVAL)
		FUZZ_CHECK(r1.err[0] != '\0');
	if (ret == 0)
		FUZZ_CHECK(r1.problems == 0);
	if (ret == 1)
		FUZZ_CHECK(r1.problems > 0);
	if (ret < 0 || (data[7] & 7U) != 0U)
		return 0;
	/* deterministic (one input in eight: the root's low bits pick them): a
	 * second run gives the same bytes, as far as the buffer holds them */
	memset(&r2, 0, sizeof(r2));
	memset(b, 0, sizeof(b));
	FUZZ_CHECK(run(&in, &r2, b, sizeof(b) - 1U) == ret);
	FUZZ_CHECK(memcmp(a, b, sizeof(a)) == 0);
	FUZZ_CHECK(r1.leaves == r2.leaves && r1.tables == r2.tables && r1.problems == r2.problems);
	return 0;
}
