#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build vcmm and play the generated test clip through the
# simulated SoC of the 2010 video-playback example (`vcm run`): DMA engine,
# decoder behind an ARMv7 short-descriptor IOMMU, CPU stamp, display behind an
# ARMv8 IOMMU. PNGs go to ./vcm-out (or --out DIR); other arguments go to
# `vcm run` (see `build/run/tools/vcm help run`).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build/run -DCMAKE_BUILD_TYPE=Release -DVCM_TESTS=OFF >/dev/null
cmake --build build/run -j"$(nproc)" --target vcm_tool >/dev/null
exec build/run/tools/vcm run "$@"
