/* SPDX-License-Identifier: MIT */
/*
 * What the harnesses share: the libFuzzer entry point's prototype, a check
 * that crashes (so libFuzzer keeps the input), and a NUL-terminated copy of
 * the input for readers that take C strings.
 */
#ifndef VCM_FUZZ_UTIL_H
#define VCM_FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define FUZZ_CHECK(cond)                                                             \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                              \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* A malloc'd copy of @data with a NUL after it (an embedded NUL ends the text early). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1U);

	FUZZ_CHECK(s != NULL);
	if (size != 0U)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif /* VCM_FUZZ_UTIL_H */
