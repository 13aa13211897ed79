// SPDX-License-Identifier: MIT
/*
 * The structure block walked once, forward and bounded, before libfdt reads
 * it. libfdt 1.6.1 (Debian 12) adds a property's 32-bit length to an int
 * offset without checking it: a length near 2^32 brings the next tag back to
 * the property itself, and fdt_check_full() (and every walk after it) loops
 * for ever. Newer libfdt checks this, and that the blocks are aligned; the
 * walk here makes the reader safe on the version the project installs. It
 * follows the same tag arithmetic as the format (each step moves forward by
 * at least one tag) and stops at the first tag it does not know or at
 * FDT_END, leaving what it did not judge to fdt_check_full().
 */
#include <stdio.h>
#include <string.h>
#include <libfdt.h>
#include "topo.h"

static uint32_t be32_at(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

int dt_struct_walk(const void *fdt, size_t len, char *why, size_t whylen)
{
	const unsigned char *blob = fdt;
	uint32_t total = fdt_totalsize(fdt), off = fdt_off_dt_struct(fdt), size;
	uint64_t o = 0; /* 64 bits: aligning an offset near 2^32 must not wrap */
	unsigned int depth = 0;

	/*
	 * The format aligns both blocks (tags are read as 32-bit words, the
	 * reservations as 64-bit ones); libfdt 1.6.1 does not check it.
	 */
	if (off % 4U != 0 || fdt_off_mem_rsvmap(fdt) % 8U != 0) {
		snprintf(why, whylen, "the %s block at byte %u is not %u-byte aligned",
			 off % 4U != 0 ? "structure" : "memory reservation",
			 (unsigned int)(off % 4U != 0 ? off : fdt_off_mem_rsvmap(fdt)),
			 off % 4U != 0 ? 4U : 8U);
		return -1;
	}
	/* fdt_check_full() refuses these before it walks: leave them to it */
	if (total > len || off > total)
		return 0;
	/* version 16 has no size_dt_struct: the block may run to the blob's end */
	size = fdt_version(fdt) >= 17 ? fdt_size_dt_struct(fdt) : total - off;
	if (size > total - off)
		return 0;
	blob += off;
	while (size - o >= 4) {
		uint32_t tag = be32_at(blob + o), plen;
		const unsigned char *nul;

		switch (tag) {
		case FDT_BEGIN_NODE:
			/* the reader keeps each node's ancestors in a table this deep */
			if (++depth > DT_MAX_DEPTH) {
				snprintf(why, whylen, "the node at structure offset %u is nested "
					 "more than %d deep", (unsigned int)o, DT_MAX_DEPTH);
				return -1;
			}
			nul = memchr(blob + o + 4, '\0', size - o - 4);
			if (nul == NULL)
				return 0;
			o = (uint64_t)(nul + 1 - blob);
			break;
		case FDT_PROP:
			if (size - o < 12)
				return 0;
			plen = be32_at(blob + o + 4);
			if (plen > size - o - 12) {
				snprintf(why, whylen, "the property at structure offset %u says it is "
					 "%u bytes long, past the structure block's %u bytes",
					 (unsigned int)o, (unsigned int)plen, (unsigned int)size);
				return -1;
			}
			o += 12 + plen;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return 0; /* one end too many: fdt_check_full() says so */
			depth--;
			o += 4;
			break;
		case FDT_NOP:
			o += 4;
			break;
		default: /* FDT_END, or a tag libfdt refuses */
			return 0;
		}
		/* tags are 4-byte aligned; the alignment may take o to size, not past it */
		o = (o + 3U) & ~(uint64_t)3U;
		if (o > size)
			return 0;
	}
	return 0;
}
