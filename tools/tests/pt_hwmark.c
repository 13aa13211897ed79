// SPDX-License-Identifier: MIT
/*
 * Does to a dump from `vcm pt --dump` what a hardware walker with accessed
 * and dirty updates does to the one entry of a group it writes through:
 * entry N (from 0) of the 64-bit entries that have every bit of MARK set
 * (the group's marker: ARMv8 Contiguous, RISC-V N, AMD NextLevel 7) gets
 * SET ORed in and CLEAR cleared, in place. Prints the entry's offset and
 * its new value; exit 1 if there is no such entry or it did not change.
 *
 *   pt_hwmark FILE MARK N SET CLEAR      (numbers as strtoull base 0 takes)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int num(const char *name, const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0') {
		fprintf(stderr, "pt_hwmark: %s %s: not a number\n", name, s);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t mark, n, set, clear, seen = 0;
	uint8_t b[8];
	long off;
	FILE *f;

	if (argc != 6) {
		fprintf(stderr, "usage: pt_hwmark FILE MARK N SET CLEAR\n");
		return 2;
	}
	if (num("MARK", argv[2], &mark) || num("N", argv[3], &n) || num("SET", argv[4], &set) ||
	    num("CLEAR", argv[5], &clear) || mark == 0)
		return 2;
	f = fopen(argv[1], "r+b");
	if (f == NULL) {
		fprintf(stderr, "pt_hwmark: %s: cannot open\n", argv[1]);
		return 2;
	}
	for (off = 0; fread(b, 1, sizeof(b), f) == sizeof(b); off += (long)sizeof(b)) {
		uint64_t e = 0, v;

		/* the dump is little-endian whatever this host is */
		for (unsigned int i = sizeof(b); i > 0; i--)
			e = (e << 8) | b[i - 1];
		if ((e & mark) != mark || seen++ != n)
			continue;
		v = (e | set) & ~clear;
		for (unsigned int i = 0; i < sizeof(b); i++)
			b[i] = (uint8_t)(v >> (8 * i));
		/* a change that leaves the entry as it was would test nothing */
		if (v == e || fseek(f, off, SEEK_SET) != 0 || fwrite(b, 1, sizeof(b), f) != sizeof(b)) {
			fprintf(stderr, "pt_hwmark: entry at %#lx (%#" PRIx64 "): %s\n", off, e,
				v == e ? "unchanged" : "cannot write");
			fclose(f);
			return 1;
		}
		if (fclose(f) != 0) {
			fprintf(stderr, "pt_hwmark: %s: cannot write\n", argv[1]);
			return 1;
		}
		printf("entry at %#lx: %#" PRIx64 " -> %#" PRIx64 "\n", off, e, v);
		return 0;
	}
	fclose(f);
	fprintf(stderr, "pt_hwmark: %s: %" PRIu64 " entries with %#" PRIx64 " set, no entry %" PRIu64
		"\n", argv[1], seen, mark, n);
	return 1;
}
