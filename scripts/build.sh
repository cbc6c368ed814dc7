#!/usr/bin/env bash
# Configures and builds swarmchain into ./build (warnings are errors).
# Usage: scripts/build.sh [extra cmake -D options]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DSWARMCHAIN_WERROR=ON "$@"
cmake --build "$BUILD_DIR" -j"$(nproc)"
