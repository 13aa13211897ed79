#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test: installs what is missing, then builds with gcc and with clang
# (-Wall -Wextra -Werror), runs the whole CTest suite with each, runs it again
# under AddressSanitizer + UndefinedBehaviorSanitizer, runs the threaded tests
# under ThreadSanitizer, runs the API tests under valgrind, fuzzes every parser
# and the graph for a bounded time (scripts/fuzz.sh), and checks that the
# install gives a working pkg-config file. Build trees go to build/test-*.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh

jobs=$(nproc)
run() { # name, cmake args...
  local name=$1; shift
  echo "=== $name"
  cmake -S . -B "build/test-$name" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "build/test-$name" -j"$jobs"
  (cd "build/test-$name" && ctest --output-on-failure -j"$jobs")
}

run gcc -DCMAKE_C_COMPILER=gcc
run clang -DCMAKE_C_COMPILER=clang
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  run asan-ubsan -DCMAKE_C_COMPILER=clang -DVCM_SANITIZE=ON -DVCM_QEMU_TESTS=OFF

# ThreadSanitizer over the tests that run threads: the stress test (shared and
# separate VCMs, CPU mapper, DMA model, the graph's shape changing; once with
# the system lock, once with the finer locks), the finer locks' own test
# (two VCMs at once, per-thread magazines), the graph's, the hosted memory's, the
# range cache's per-thread magazines, the 2010 layer's (8 threads, each
# checking its own message) and a device marking leaves dirty while another
# thread walks them. Nothing is suppressed. About 2 minutes on 2 cores.
echo "=== tsan (threaded tests)"
cmake -S . -B build/test-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang \
  -DVCM_SANITIZE=thread -DVCM_QEMU_TESTS=OFF >/dev/null
tsan_tests="test_stress_threads test_graph_locks test_graph_more test_hosted_mem test_vspace_threads test_rfc_threads test_rfc_api test_soc_dirty_threads test_soc_nested_threads"
# shellcheck disable=SC2086
cmake --build build/test-tsan -j"$jobs" --target $tsan_tests
(cd build/test-tsan && TSAN_OPTIONS="halt_on_error=1 exitcode=66" \
  ctest --output-on-failure -j"$jobs" --timeout 150 \
  -R "^(${tsan_tests// /|})\$")

# The main job's build (scripts/run.sh): Release, whose -O3 inlining warns
# about things -O2 does not see.
echo "=== release (the main job's build)"
cmake -S . -B build/test-release -DCMAKE_BUILD_TYPE=Release -DVCM_TESTS=OFF >/dev/null
cmake --build build/test-release -j"$jobs" >/dev/null

echo "=== valgrind"
for t in tests/util/test_diag tests/platform/test_arena tests/pgtable/test_pt_errors tests/pgtable/test_pt_vectors tests/phys/test_phys_api \
         tests/vspace/test_vspace_api tests/platform/test_hosted_mem tests/platform/test_cpu_mapper \
         tests/graph/test_graph_objects tests/graph/test_graph_back tests/graph/test_graph_more \
         examples/map_translate examples/rfc_video_flow tests/rfc/test_rfc_api; do
  # Children forked to prove that an access faults are meant to die: keep them quiet.
  valgrind -q --error-exitcode=9 --leak-check=full --child-silent-after-fork=yes \
    "build/test-gcc/$t" >/dev/null
done
# vcm run: a short clean run, and a bad clip that must stop with exit 1 and leak nothing
valgrind -q --error-exitcode=9 --leak-check=full build/test-gcc/tools/vcm run --frames 3 --quiet \
  --out build/test-gcc/vcm-out-valgrind >/dev/null
rc=0
valgrind -q --error-exitcode=9 --leak-check=full build/test-gcc/tools/vcm run --quiet \
  build/test-gcc/tools/tests/clips/truncated.clip --out build/test-gcc/vcm-out-valgrind \
  >/dev/null 2>&1 || rc=$?
[ "$rc" -eq 1 ] || { echo "vcm run on a truncated clip under valgrind: exit $rc, want 1"; exit 1; }

# libFuzzer: every harness for 10 s from its seed corpus (about a minute
# plus the build; docs/fuzz.md for the long run)
bash scripts/fuzz.sh 10

echo "=== install + pkg-config"
prefix=$(pwd)/build/test-install
rm -rf "$prefix"
cmake --install build/test-gcc --prefix "$prefix" >/dev/null
PKG_CONFIG_PATH=$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig \
  bash scripts/check-pkgconfig.sh
echo "all tests passed"
