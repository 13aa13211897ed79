#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Every test: installs what is missing, then builds with gcc and with clang
# (-Wall -Wextra -Werror), runs the whole CTest suite with each, runs it again
# under AddressSanitizer + UndefinedBehaviorSanitizer, runs the API tests under
# valgrind, and checks that the install gives a working pkg-config file. Build trees go to build/test-*.
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

echo "=== valgrind"
for t in tests/platform/test_arena tests/pgtable/test_pt_errors tests/pgtable/test_pt_vectors tests/phys/test_phys_api \
         tests/vspace/test_vspace_api examples/map_translate examples/rfc_video_flow tests/rfc/test_rfc_api; do
  valgrind -q --error-exitcode=9 --leak-check=full "build/test-gcc/$t" >/dev/null
done

echo "=== install + pkg-config"
prefix=$(pwd)/build/test-install
rm -rf "$prefix"
cmake --install build/test-gcc --prefix "$prefix" >/dev/null
PKG_CONFIG_PATH=$prefix/lib/pkgconfig:$prefix/lib/x86_64-linux-gnu/pkgconfig \
  bash scripts/check-pkgconfig.sh
echo "all tests passed"
