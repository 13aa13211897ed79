#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Build the libFuzzer harnesses (fuzz/, clang with ASan + UBSan) and run each
# one, seeded from fuzz/corpus/<name>/; any crash, sanitizer report, leak,
# timeout or failed check fails the script. docs/fuzz.md says more.
#
#   scripts/fuzz.sh [SECONDS]      each harness for SECONDS (default 10: about
#                                  a minute for all six, plus the build)
#   scripts/fuzz.sh --runs N       each harness for N executions (the long run:
#                                  --runs 10000000)
# Environment:
#   VCM_FUZZ_ONLY="dt y4m"   only these harnesses
#   VCM_FUZZ_BUILD=DIR       build tree (default build/fuzz)
#   VCM_FUZZ_WORK=DIR        grown corpora, logs and crash files
#                            (default DIR/work; kept between runs, so a long
#                            run goes on where the last one stopped)
set -euo pipefail
cd "$(dirname "$0")/.."

limit=(-max_total_time=10)
what="10 s each"
case "${1:-}" in
  "") ;;
  --runs) limit=(-runs="${2:?--runs needs a count}"); what="${2} executions each" ;;
  *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS | --runs N]" >&2; exit 2 ;;
  *) limit=(-max_total_time="$1"); what="$1 s each" ;;
esac
command -v clang >/dev/null || {
  echo "scripts/fuzz.sh: clang is not installed (Debian: clang libclang-rt-14-dev)" >&2; exit 1; }

build=${VCM_FUZZ_BUILD:-build/fuzz}
work=${VCM_FUZZ_WORK:-$build/work}
echo "=== fuzz: building in $build"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DVCM_FUZZ=ON -DVCM_TESTS=OFF >/dev/null
cmake --build "$build" -j"$(nproc)" --target fuzz >/dev/null

harnesses=${VCM_FUZZ_ONLY:-$(cat "$build/fuzz/harnesses.txt")}
mkdir -p "$work"
failed=()
echo "=== fuzz: $what"
for h in $harnesses; do
  mkdir -p "$work/$h"
  args=(-timeout=25 -rss_limit_mb=2560 -close_fd_mask=3 -print_final_stats=1
        -artifact_prefix="$work/$h-")
  [ -f "fuzz/dict/$h.dict" ] && args+=(-dict="fuzz/dict/$h.dict")
  # a graph input is a list of choices: a few hundred steps is plenty
  [ "$h" = graph ] && args+=(-max_len=2048)
  rc=0
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    "$build/fuzz/fuzz_$h" "${args[@]}" "${limit[@]}" "$work/$h" "fuzz/corpus/$h" \
    >"$work/$h.log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$h.log" | tail -n 1)
  last=$(grep -E '^#[0-9]+' "$work/$h.log" | tail -n 1 |
         grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' || true)
  printf '%-10s %10s executions  %s\n' "$h" "${execs:-?}" "$last"
  if [ "$rc" -ne 0 ]; then
    failed+=("$h")
    echo "--- fuzz_$h failed (exit $rc); the end of $work/$h.log:"
    grep -vE '^#[0-9]+' "$work/$h.log" | tail -n 40
    for f in "$work/$h"-*; do
      if [ -e "$f" ]; then echo "reproduce: $build/fuzz/fuzz_$h $f"; fi
    done
  fi
done
if [ "${#failed[@]}" -ne 0 ]; then
  echo "fuzz: failed: ${failed[*]}"
  exit 1
fi
echo "fuzz: no crash"
