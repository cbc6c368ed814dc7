#!/usr/bin/env bash
# Runs the crash-loop tests (tests/net/crash_loop_itest.cpp, docs/testing.md) longer than CI:
# a dev node and a 4-node net under load, kill -9'd at random instants, checked after each
# restart.
#   scripts/crashloop.sh [kills] [max-seconds-per-test] [gtest-filter]
#   (defaults: 50, 3600, CrashLoop.*; SWARMCHAIN_SEED=S replays a seed the output printed)
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-50}
secs=${2:-3600}
filter=${3:-CrashLoop.*}
build=${BUILD_DIR:-build}
cmake --build "$build" -j2 --target net_crash_loop_itest swarmchaind
SWARMCHAIN_CRASH_KILLS=$kills SWARMCHAIN_SOAK_SECONDS=$secs \
  "$build/bin/net_crash_loop_itest" --gtest_filter="$filter"
