#!/usr/bin/env bash
# Builds a sanitizer tree with clang and runs tests in it (docs/testing.md "Sanitizers").
#
#   scripts/sanitize.sh address [cmake -D args...] [-- ctest args...]
#       build-asan, ASan+UBSan (+LSan): the whole suite but sim-long and browser, fuzz targets
#       included.
#   scripts/sanitize.sh thread  [cmake -D args...] [-- ctest args...]
#       build-tsan, TSan: the multithreaded areas, i.e. the p2p, rpc and node test executables.
#
# Any report fails the test that caused it (UBSan does not recover, TSan exits non-zero).
# BUILD_DIR moves the tree; SWARMCHAIN_BUILD_JOBS sets the build parallelism (default nproc).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

mode=${1:-}
shift || true
cmake_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do cmake_args+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
ctest_args=("$@")

# -O1: a cold sanitizer build is most of CI's budget; -O1 halves compile time against -O2 and
# keeps stacks readable. No NDEBUG, so our own asserts run too.
common_cmake=(-DCMAKE_BUILD_TYPE=RelWithDebInfo
              "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only"
              -DSWARMCHAIN_WERROR=ON -DSWARMCHAIN_BUILD_BENCH=OFF)
symbolizer=$(command -v llvm-symbolizer-14 || command -v llvm-symbolizer || true)

case "$mode" in
  address)
    BUILD_DIR=${BUILD_DIR:-build-asan}
    cmake_mode=(-DSWARMCHAIN_SANITIZE=ON -DSWARMCHAIN_TSAN=OFF)
    # The whole suite but the hours-long sweep and the browser tests (their subject is the
    # pages' JavaScript in an uninstrumented Chromium; the node's HTTP serving they use is
    # covered here by the rpc and node tests).
    select=(-LE 'sim-long|browser')
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:check_initialization_order=1:strict_init_order=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    [ -n "$symbolizer" ] && export ASAN_SYMBOLIZER_PATH=$symbolizer
    ;;
  thread)
    BUILD_DIR=${BUILD_DIR:-build-tsan}
    cmake_mode=(-DSWARMCHAIN_SANITIZE=OFF -DSWARMCHAIN_TSAN=ON)
    # The multithreaded areas: every test of the p2p, rpc and node executables (area labels
    # come from the executable's name, cmake/Warnings.cmake).
    select=(-L '^(p2p|rpc|node)$')
    export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$root/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1:history_size=4}
    [ -n "$symbolizer" ] && export TSAN_OPTIONS="$TSAN_OPTIONS:external_symbolizer_path=$symbolizer"
    ;;
  *)
    echo "usage: scripts/sanitize.sh address|thread [cmake -D args...] [-- ctest args...]" >&2
    exit 2
    ;;
esac

if ! command -v clang++ >/dev/null; then
  echo "sanitize.sh: clang++ not found; run scripts/deps.sh (it installs clang)" >&2
  exit 1
fi

CC=clang CXX=clang++ cmake -S . -B "$BUILD_DIR" "${common_cmake[@]}" "${cmake_mode[@]}" \
  ${cmake_args[@]+"${cmake_args[@]}"}
jobs=-j"${SWARMCHAIN_BUILD_JOBS:-$(nproc)}"
if [ "$mode" = thread ]; then
  # Only what the selected areas run: their test executables and the binaries they start.
  targets=$(cmake --build "$BUILD_DIR" --target help | grep -oE '\b(p2p|rpc|node)_[a-z0-9_]+' |
            sort -u)
  # shellcheck disable=SC2086 # one target per word
  cmake --build "$BUILD_DIR" "$jobs" --target swarmchaind swarmchain-wallet $targets
else
  cmake --build "$BUILD_DIR" "$jobs"
fi

export SWARMCHAIN_SOAK_SECONDS=${SWARMCHAIN_SOAK_SECONDS:-20}
# --timeout 900: a sanitized test runs 2 to 10 times slower than in the plain tree.
ctest --test-dir "$BUILD_DIR" --output-on-failure -j2 --timeout 900 "${select[@]}" \
  ${ctest_args[@]+"${ctest_args[@]}"}
