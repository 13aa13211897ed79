#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The main job: build vcmm and play the generated test clip through the
# simulated SoC of the 2010 video-playback example (`vcm run`): DMA engine,
# decoder behind an ARMv7 short-descriptor IOMMU, CPU stamp, display behind an
# ARMv8 IOMMU. Arguments go to `vcm run` unchanged and paths in them are taken
# from where you stand: PNGs go to ./vcm-out (or --out DIR) of the current
# folder. The build is in <repo>/build/run (the binary: build/run/tools/vcm).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/scripts/install-deps.sh" --run
cmake -S "$root" -B "$root/build/run" -DCMAKE_BUILD_TYPE=Release -DVCM_TESTS=OFF >/dev/null
cmake --build "$root/build/run" -j"$(nproc)" --target vcm_tool >/dev/null
exec "$root/build/run/tools/vcm" run "$@"
