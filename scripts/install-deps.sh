#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Install the Debian 12 packages vcmm's build and tests need, only those missing.
# Needs root (or sudo) when something is missing; does nothing otherwise.
set -euo pipefail

pkgs=(
  build-essential cmake pkg-config clang libclang-rt-14-dev valgrind
  libcmocka-dev
  libturbojpeg0-dev libpng-dev graphviz
  qemu-system-arm gcc-aarch64-linux-gnu gcc-arm-none-eabi
  qemu-system-x86 libfdt-dev device-tree-compiler
  qemu-system-misc gcc-riscv64-linux-gnu
)

missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
