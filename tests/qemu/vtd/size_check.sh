#!/bin/sh
# SPDX-License-Identifier: MIT
# size_check.sh MAP BUDGET: the bytes of vcmm's objects (lib/*.o) that the
# linker kept in the image, from its map file: .text+.rodata must be at most
# BUDGET, .data and .bss nothing (the library keeps no global state).
map=$1 budget=$2
awk -v budget="$budget" '
function hex(s,    v, i) {
	v = 0
	for (i = 3; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}
/^Linker script and memory map/ { kept = 1 }	# before it: discarded sections
!kept { next }
/^ \.[^ ]+$/ { name = $1; next }
/ 0x[0-9a-f]+ +0x[0-9a-f]+ +[^ ]*\/lib\/[^ ]+\.o$/ {
	sec = ($1 ~ /^\./) ? $1 : name
	size = hex($(NF - 1))
	if (sec ~ /^\.(text|rodata)/) text += size
	else if (sec ~ /^\.data/) data += size
	else if (sec ~ /^(\.bss|COMMON)/) bss += size
	name = ""
	next
}
{ name = "" }
END {
	printf "vcmm in the image: text+rodata %d, data %d, bss %d (budget %d)\n", text, data, bss, budget
	exit !(text > 0 && text <= budget && data == 0 && bss == 0)
}' "$map"
