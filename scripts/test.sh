#!/usr/bin/env bash
# README command 2 (and CI): install the Debian packages, build with warnings as errors, and run
# the whole test suite with ctest. Long soak/fuzz tests carry the label "soak"; here they run in
# their short CI form (SWARMCHAIN_SOAK_SECONDS, default 20). The simulator's 100,000-seed sweep
# (label "sim-long", hours) is left out unless SWARMCHAIN_CTEST_EXCLUDE says otherwise (empty
# runs everything); its 1,000-seed CI sweep (label "sim") runs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
bash scripts/build.sh
export SWARMCHAIN_SOAK_SECONDS=${SWARMCHAIN_SOAK_SECONDS:-20}
exclude=${SWARMCHAIN_CTEST_EXCLUDE-sim-long}
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600 \
  ${exclude:+-LE "$exclude"} "$@"
