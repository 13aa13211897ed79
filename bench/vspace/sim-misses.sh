#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
#
# Cache misses per step of bench_vspace's workload table, for hosts without
# hardware counters (where the bench prints "n/a"): the table runs under
# callgrind's cache simulator, which counts only the timed steps (the bench
# toggles collection around each one) and dumps one total per (workload,
# allocator). The simulated caches stay on during the fill, so the steps
# start from a warm, realistic state.
#
# usage: bench/vspace/sim-misses.sh [BENCH] [-- BENCH OPTIONS]
#   BENCH: the bench_vspace binary (default build/vs-rel/bench/vspace/bench_vspace,
#          built as its header says). Default options: --only-workloads
#          --live 1000000 --steps 20000 --bitmap-seconds 20 (the bitmap and the
#          peers run under valgrind, ~50x slower, so their budget is larger).
# VCM_SIM_LL: the simulated last-level cache, callgrind's --LL=size,assoc,line
#          (default 8 MiB, 16-way: one core's share of a server's shared cache;
#          the L1 caches are the host's).
# Takes minutes at 1M ranges; progress goes to stderr.
set -euo pipefail

bench=build/vs-rel/bench/vspace/bench_vspace
if [[ $# -gt 0 && $1 != -- ]]; then
	bench=$1
	shift
fi
[[ $# -gt 0 && $1 == -- ]] && shift
if [[ ! -x $bench ]]; then
	echo "sim-misses.sh: bench binary '$bench' not found; build it first:" >&2
	echo "  cmake -S . -B build/vs-rel -DCMAKE_BUILD_TYPE=Release -DVCM_DEBUG=0 &&" \
	     "cmake --build build/vs-rel --target bench_vspace" >&2
	exit 2
fi
command -v valgrind >/dev/null || { echo "sim-misses.sh: valgrind is not installed" >&2; exit 2; }
opts=("$@")
[[ ${#opts[@]} -eq 0 ]] && opts=(--only-workloads --no-ring --live 1000000 --steps 20000 --bitmap-seconds 20)
ll=${VCM_SIM_LL:-8388608,16,64}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "sim-misses.sh: running ${bench##*/} ${opts[*]} under callgrind (LL $ll)..." >&2
valgrind --tool=callgrind --cache-sim=yes --collect-atstart=no --LL="$ll" \
	--callgrind-out-file="$out/cg.out" "$bench" "${opts[@]}" >"$out/bench.txt" 2>"$out/vg.txt" || {
	echo "sim-misses.sh: the run failed; valgrind said:" >&2
	tail -20 "$out/vg.txt" >&2
	exit 1
}

printf '\nsimulated cache misses per step (callgrind --cache-sim, LL %s), %s\n' "$ll" "${opts[*]}"
printf '%-7s %-11s | %7s %9s %8s %8s\n' work allocator steps "instr/st" "L1d m/st" "LL m/st"
printf -- '-------------------------------------------------------------\n'
# One dump per (workload, allocator), in the order they ran.
for f in $(cd "$out" && ls cg.out.* | sort -t. -k3 -n); do
	awk '
	/^desc: Trigger: Client Request: / {
		for (i = 5; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	}
	/^events:/ { for (i = 2; i <= NF; i++) col[$i] = i - 1 }
	/^summary:/ { for (i = 2; i <= NF; i++) n[i - 1] = $i }
	END {
		s = v["steps"]
		if (s == 0) exit
		printf "%-7s %-11s | %7d %9.0f %8.2f %8.2f\n", v["work"], v["alloc"], s,
		       n[col["Ir"]] / s, (n[col["D1mr"]] + n[col["D1mw"]]) / s,
		       (n[col["DLmr"]] + n[col["DLmw"]]) / s
	}' "$out/$f"
done
printf '(harness) is the clock pair alone. The timed results of this run are meaningless\n'
printf '(valgrind); run the bench natively for times.\n'
