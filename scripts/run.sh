#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build vcmm and run its map-and-translate example (the video
# playback buffers of the 2010 example, in two real page-table formats), then
# the 2010 call flow itself over rfc.h, which checks what it built.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/run -DCMAKE_BUILD_TYPE=Release -DVCM_TESTS=OFF >/dev/null
cmake --build build/run -j"$(nproc)" --target map_translate rfc_video_flow >/dev/null
build/run/examples/map_translate
echo
exec build/run/examples/rfc_video_flow
