/* SPDX-License-Identifier: MIT */
/* Strings in the vcm tool's JSON and Graphviz DOT output, escaped. */
#ifndef VCM_TOOLS_JSON_H
#define VCM_TOOLS_JSON_H

#include <stdio.h>

/*
 * @s as a JSON string, quotes included: '"', '\\' and control characters
 * escaped; each byte that is not part of well-formed UTF-8 becomes \ufffd.
 */
void json_str(FILE *out, const char *s);

/*
 * @s inside a DOT quoted string (an ID or a label; the quotes are the
 * caller's): '"' and '\\' escaped, so that a name holding them neither ends
 * the string nor starts an escape such as \n.
 */
void dot_str(FILE *out, const char *s);

#endif /* VCM_TOOLS_JSON_H */
