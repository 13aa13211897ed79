// SPDX-License-Identifier: MIT
/*
 * Writes the small malformed table dumps the decoder tests read, so no blob
 * is committed. Each case is a few 64-bit (or 32-bit) little-endian entries
 * in a zeroed image meant to be read at --base 0x80000000 (the comments give
 * the address of the entry at fault, which the test expects in the report).
 *
 *   pt_badgen CASE FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define BASE UINT64_C(0x80000000)

static uint8_t img[0x10000];

static void put64(uint64_t pa, uint64_t v)
{
	for (unsigned int i = 0; i < 8; i++)
		img[pa - BASE + i] = (uint8_t)(v >> (8 * i));
}

static void put32(uint64_t pa, uint32_t v)
{
	for (unsigned int i = 0; i < 4; i++)
		img[pa - BASE + i] = (uint8_t)(v >> (8 * i));
}

/* ARMv8 4K table descriptor and 1G block (AF, AttrIndx 0). */
#define A8_TABLE(pa) ((pa) | 3U)
#define A8_BLOCK(pa) ((pa) | 0x401U)

/* Returns the image length, 0 for an unknown case. */
static size_t make(const char *c)
{
	if (strcmp(c, "armv8-reserved") == 0) {
		/* L0[0] -> L1 at +0x1000; L1[1] (0x80001008): a 1G block with bit 49 set */
		put64(BASE, A8_TABLE(BASE + 0x1000));
		put64(BASE + 0x1000, A8_BLOCK(UINT64_C(0x40000000)));
		put64(BASE + 0x1008, A8_BLOCK(UINT64_C(0x80000000)) | UINT64_C(1) << 49);
		return 0x2000;
	}
	if (strcmp(c, "armv8-16k-misaligned") == 0) {
		/* 16K granule, ias 36: 2048-entry root; root[3] (0x80000018) -> 0x80005000 */
		put64(BASE + 0x18, A8_TABLE(BASE + 0x5000));
		return 0x8000;
	}
	if (strcmp(c, "armv8-loop") == 0) {
		/* L0[0] -> L1; L1[0] (0x80001000) -> the root again; L1[1] and L1[2] share L2 */
		put64(BASE, A8_TABLE(BASE + 0x1000));
		put64(BASE + 0x1000, A8_TABLE(BASE));
		put64(BASE + 0x1008, A8_TABLE(BASE + 0x2000));
		put64(BASE + 0x1010, A8_TABLE(BASE + 0x2000));
		put64(BASE + 0x2000, A8_BLOCK(UINT64_C(0x40000000)) & ~UINT64_C(0x3fe00000));
		return 0x3000;
	}
	if (strcmp(c, "armv8-outside") == 0) {
		/* L0[5] (0x80000028) -> 0x90000000, not in the dump */
		put64(BASE + 0x28, A8_TABLE(UINT64_C(0x90000000)));
		return 0x1000;
	}
	if (strcmp(c, "armv8-truncated") == 0) {
		/* L0[0] (0x80000000) -> L1 at +0x1000, but the dump ends at +0x1800 */
		put64(BASE, A8_TABLE(BASE + 0x1000));
		put64(BASE + 0x1000, A8_BLOCK(UINT64_C(0x40000000)));
		return 0x1800;
	}
	if (strcmp(c, "armv8-contig") == 0) {
		/* L0[0] -> L1 -> L2 -> L3 at +0x3000; 16 pages with the contiguous bit, entry 5
		 * (0x80003028) points elsewhere */
		put64(BASE, A8_TABLE(BASE + 0x1000));
		put64(BASE + 0x1000, A8_TABLE(BASE + 0x2000));
		put64(BASE + 0x2000, A8_TABLE(BASE + 0x3000));
		for (unsigned int i = 0; i < 16; i++)
			put64(BASE + 0x3000 + 8 * i, (UINT64_C(0x90000000) + (i == 5 ? 0x100000 : 0) +
						      0x1000 * i) | 0x403U | UINT64_C(1) << 52);
		return 0x4000;
	}
	if (strcmp(c, "armv8-contig-res0") == 0) {
		/* as armv8-contig, the 16 pages alike but entry 5 (0x80003028) with RES0 bit
		 * 48 and entry 15 (0x80003078) with bit 50: the comparison does not see them */
		put64(BASE, A8_TABLE(BASE + 0x1000));
		put64(BASE + 0x1000, A8_TABLE(BASE + 0x2000));
		put64(BASE + 0x2000, A8_TABLE(BASE + 0x3000));
		for (unsigned int i = 0; i < 16; i++)
			put64(BASE + 0x3000 + 8 * i, (UINT64_C(0x90000000) + 0x1000 * i) | 0x403U |
				      UINT64_C(1) << 52 | (i == 5 ? UINT64_C(1) << 48 : 0) |
				      (i == 15 ? UINT64_C(1) << 50 : 0));
		return 0x4000;
	}
	if (strcmp(c, "armv8-contig-res0-broken") == 0) {
		/* a broken group: entry 2 (0x80003010) points elsewhere, and entry 9
		 * (0x80003048), after it, has RES0 bit 49 */
		put64(BASE, A8_TABLE(BASE + 0x1000));
		put64(BASE + 0x1000, A8_TABLE(BASE + 0x2000));
		put64(BASE + 0x2000, A8_TABLE(BASE + 0x3000));
		for (unsigned int i = 0; i < 16; i++)
			put64(BASE + 0x3000 + 8 * i, (UINT64_C(0x90000000) + (i == 2 ? 0x100000 : 0) +
						      0x1000 * i) | 0x403U | UINT64_C(1) << 52 |
				      (i == 9 ? UINT64_C(1) << 49 : 0));
		return 0x4000;
	}
	if (strcmp(c, "armv8-s2-contig-res0") == 0) {
		/* stage 2, 4K, 40 bits: an 8 KiB root at level 1; root[0] -> L2 at +0x2000;
		 * L2 16..31 are 16 contiguous 2 MiB blocks (da 32M, pa 0x82000000, S2AP RW,
		 * MemAttr WB) and entry 17 (0x80002088) has bit 11 (RES0 in stage 2) and
		 * bit 13 (below the block address) set */
		put64(BASE, A8_TABLE(BASE + 0x2000));
		for (unsigned int i = 16; i < 32; i++)
			put64(BASE + 0x2000 + 8 * i, (UINT64_C(0x80000000) + UINT64_C(0x200000) * i) |
				      0x4fdU | UINT64_C(1) << 52 |
				      (i == 17 ? UINT64_C(0x2800) : 0));
		return 0x3000;
	}
	if (strcmp(c, "riscv-gstage-g") == 0) {
		/* Sv39x4: 16 KiB root -> level 1 at +0x4000 -> level 0 at +0x5000; level 0
		 * entry 0 a page (V R W U A D), entry 1 (0x80005008) the same with G, which the
		 * G-stage ignores, entry 2 (0x80005010) without U, which faults */
		put64(BASE, ((BASE + 0x4000) >> 2) | 1U);
		put64(BASE + 0x4000, ((BASE + 0x5000) >> 2) | 1U);
		put64(BASE + 0x5000, (UINT64_C(0x80100000) >> 2) | 0xd7U);
		put64(BASE + 0x5008, (UINT64_C(0x80101000) >> 2) | 0xd7U | 0x20U);
		put64(BASE + 0x5010, (UINT64_C(0x80102000) >> 2) | 0xc7U);
		return 0x6000;
	}
	if (strcmp(c, "x86-reserved") == 0) {
		/* PML4[0] -> PDPT; PDPT[2] (0x80001010): a 1G page with bit 13 set */
		put64(BASE, (BASE + 0x1000) | 3U);
		put64(BASE + 0x1010, UINT64_C(0x80000000) | UINT64_C(1) << 13 | 0x83U);
		return 0x2000;
	}
	if (strcmp(c, "riscv-wnor") == 0) {
		/* Sv39 root[7] (0x80000038): W without R */
		put64(BASE + 0x38, (UINT64_C(0x80000) << 10) | 0x5U);
		return 0x1000;
	}
	if (strcmp(c, "amdv1-nextlevel") == 0) {
		/* 4 levels: root[1] (0x80000008) says NextLevel 5 */
		put64(BASE + 0x8, (BASE + 0x1000) | 5U << 9 | 1U);
		return 0x2000;
	}
	if (strcmp(c, "armv7s-sbz") == 0) {
		/* first-level entry 2 (0x80000008): page table with SBZ bit 4 set */
		put32(BASE + 0x8, (uint32_t)(BASE + 0x4000) | 0x11U);
		return 0x4400;
	}
	if (strcmp(c, "vtd-emt") == 0) {
		/* 3 levels: root[0] -> SS-PDE table; SS-PDE[1] (0x80001008): 2M page, EMT 2 */
		put64(BASE, (BASE + 0x1000) | 7U);
		put64(BASE + 0x1008, UINT64_C(0x40200000) | 0x80U | 2U << 3 | 3U);
		return 0x2000;
	}
	if (strcmp(c, "armv7s-super") == 0) {
		/* first-level entries 16..31: a supersection at 0x81000000 except entry 19
		 * (0x8000004c), which says 0x82000000 */
		for (unsigned int i = 16; i < 32; i++)
			put32(BASE + 4 * i, (i == 19 ? 0x82000000U : 0x81000000U) | 0x40c02U);
		return 0x4000;
	}
	if (strcmp(c, "amdv1-nl7") == 0) {
		/* 3 levels: root[0] -> level 2 -> level 1 at +0x2000; level-1 entry 3
		 * (0x80002018) is a NextLevel-7 64K page outside its 16-entry group */
		put64(BASE, (BASE + 0x1000) | 2U << 9 | 1U | UINT64_C(3) << 61);
		put64(BASE + 0x1000, (BASE + 0x2000) | 1U << 9 | 1U | UINT64_C(3) << 61);
		put64(BASE + 0x2018, UINT64_C(0x90007000) | 7U << 9 | 1U | UINT64_C(1) << 61);
		return 0x3000;
	}
	if (strcmp(c, "odd-length") == 0) {
		/* an empty 4 KiB root and 3 more bytes */
		return 0x1003;
	}
	if (strcmp(c, "empty") == 0)
		return (size_t)-1;
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: pt_badgen CASE FILE\n");
		return 2;
	}
	len = make(argv[1]);
	if (len == 0) {
		fprintf(stderr, "pt_badgen: no case %s\n", argv[1]);
		return 2;
	}
	if (len == (size_t)-1)
		len = 0;
	f = fopen(argv[2], "wb");
	if (f == NULL || fwrite(img, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "pt_badgen: cannot write %s\n", argv[2]);
		return 1;
	}
	return 0;
}
