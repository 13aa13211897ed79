#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds a small program against the installed vcmm with pkg-config and runs it.
set -euo pipefail
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/use.c" <<'C'
#include <stdio.h>
#include <vcm/pgtable.h>
int main(void)
{
	printf("vcmm formats: %s %s\n", vcm_pt_fmt_name(&vcm_pt_fmt_armv7s),
	       vcm_pt_fmt_name(&vcm_pt_fmt_armv8));
	return 0;
}
C
# shellcheck disable=SC2046
cc -o "$tmp/use" "$tmp/use.c" $(pkg-config --cflags --libs vcm)
LD_LIBRARY_PATH=$(pkg-config --variable=libdir vcm) "$tmp/use"
