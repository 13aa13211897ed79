#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages vcmm needs, only those missing.
#   install-deps.sh          everything the tests need (scripts/test.sh)
#   install-deps.sh --run    only what the main job needs (scripts/run.sh):
#                            a compiler, CMake, libturbojpeg, libpng, libfdt
# Needs root (or sudo) when something is missing; does nothing otherwise.
# apt's output goes to build/install-deps.log; one line says what happened.
set -euo pipefail
cd "$(dirname "$0")/.."

run_pkgs=(build-essential cmake pkg-config libturbojpeg0-dev libpng-dev libfdt-dev)
test_pkgs=(
  clang libclang-rt-14-dev valgrind
  libcmocka-dev graphviz
  qemu-system-arm gcc-aarch64-linux-gnu gcc-arm-none-eabi
  qemu-system-x86 device-tree-compiler
  qemu-system-misc gcc-riscv64-linux-gnu
)

pkgs=("${run_pkgs[@]}")
case "${1:-}" in
  --run) ;;
  "") pkgs+=("${test_pkgs[@]}") ;;
  *) echo "usage: install-deps.sh [--run]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

mkdir -p build
log=build/install-deps.log
echo "install-deps: installing ${#missing[@]} Debian packages (${missing[*]}); apt's output in $log"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
if ! { $sudo apt-get update -qq &&
       DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
         "${missing[@]}"; } >"$log" 2>&1; then
  echo "install-deps: apt-get failed; the end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
fi
