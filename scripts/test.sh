#!/usr/bin/env bash
# README command 2 (and CI): install the Debian packages, build with warnings as errors, and run
# the whole test suite with ctest. Long soak/fuzz tests carry the label "soak"; here they run in
# their short CI form (SWARMCHAIN_SOAK_SECONDS, default 20). The simulator's 100,000-seed sweep
# (label "sim-long", hours) is left out unless SWARMCHAIN_CTEST_EXCLUDE says otherwise (empty
# runs everything); its 1,000-seed CI sweep (label "sim") runs.
#
# Then the same suite again, built with clang under ASan+UBSan in build-asan
# (scripts/sanitize.sh address; fuzz targets included, the sim sweep cut to a tenth).
# SWARMCHAIN_SANITIZE_SUITE=0 skips that pass (CI always runs it). Arguments go to both ctest runs.
set -euo pipefail
cd "$(dirname "$0")/.."
phase() { echo "test.sh: $1 at $(date +%T) (${SECONDS}s since start)"; }
bash scripts/deps.sh
phase "plain build"
bash scripts/build.sh
export SWARMCHAIN_SOAK_SECONDS=${SWARMCHAIN_SOAK_SECONDS:-20}
exclude=${SWARMCHAIN_CTEST_EXCLUDE-sim-long}
phase "plain suite"
ctest --test-dir "${BUILD_DIR:-build}" --output-on-failure -j2 --timeout 600 \
  ${exclude:+-LE "$exclude"} "$@"
phase "plain suite passed"

if [ "${SWARMCHAIN_SANITIZE_SUITE:-1}" = "0" ] && [ "${CI:-}" != "true" ]; then
  echo "test.sh: SWARMCHAIN_SANITIZE_SUITE=0, skipping the ASan+UBSan pass"
  exit 0
fi
# The fuzz targets are built in the sanitizer tree, so CI runs each briefly (label fuzz).
asan_cmake_args=(-DSWARMCHAIN_FUZZ=ON)
phase "ASan+UBSan build and suite"
BUILD_DIR=build-asan bash scripts/sanitize.sh address ${asan_cmake_args[@]+"${asan_cmake_args[@]}"} \
  -- "$@"
phase "ASan+UBSan suite passed"
