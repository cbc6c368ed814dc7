#!/usr/bin/env bash
# README command 2 (and CI): install the Debian packages, build with warnings as errors, and run
# the whole test suite with ctest. Long soak/fuzz tests carry the label "soak"; here they run in
# their short CI form (SWARMCHAIN_SOAK_SECONDS, default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
export SWARMCHAIN_SOAK_SECONDS=${SWARMCHAIN_SOAK_SECONDS:-20}
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600 "$@"
