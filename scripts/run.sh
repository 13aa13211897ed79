#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build vcmm and run its map-and-translate example (the video
# playback buffers of the 2010 example, in two real page-table formats).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/run -DCMAKE_BUILD_TYPE=Release -DVCM_TESTS=OFF >/dev/null
cmake --build build/run -j"$(nproc)" --target map_translate >/dev/null
exec build/run/examples/map_translate
