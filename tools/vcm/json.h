/* SPDX-License-Identifier: MIT */
/* JSON output of the vcm tool: strings, escaped. */
#ifndef VCM_TOOLS_JSON_H
#define VCM_TOOLS_JSON_H

#include <stdio.h>

/*
 * @s as a JSON string, quotes included: '"', '\\' and control characters
 * escaped; each byte that is not part of well-formed UTF-8 becomes \ufffd.
 */
void json_str(FILE *out, const char *s);

#endif /* VCM_TOOLS_JSON_H */
