#!/usr/bin/env bash
# Builds (scripts/build.sh), then runs every build/bin/bench_* binary (Google Benchmark) in turn
# and repeats their summary lines ("ratio ..." and the figures behind them) at the end.
# Budget: well under 2 minutes on 2 cores once the build is up to date.
#
# Usage: scripts/bench.sh [extra Google Benchmark flags, passed to every binary]
#   e.g. scripts/bench.sh --benchmark_filter=Block
#        scripts/bench.sh net [net_bench flags]
#   `net` builds swarmchaind and build/bin/net_bench only, then runs just the 4-node loopback
#   net benchmark (issue 9 "Performance": committed tx/s, commit latency, a fresh node's sync,
#   each as a ratio to the all-core ed25519 verify rate). Flags go to net_bench
#   (build/bin/net_bench --help), e.g. `scripts/bench.sh net --blocks 1000` for a quick run.
#   It takes about 2 minutes plus the time to produce and sync --blocks (default 10,000).
#        scripts/bench.sh rpc [--seconds S --rounds R]
#   `rpc` loads a real swarmchaind --dev with wrk (get_swarm) and a minimal Beast server,
#   alternately, and prints the throughput ratio (issue 11; goal >= 0.8). About 40 s.
#        scripts/bench.sh explorer [--nodes N --runs R]
#   `explorer` starts swarmchaind on a genesis of N (10,000) service nodes and times the
#   explorer's pages in headless Chromium, as ratios to the explorer's bootstrap (issue 13).
#   About 1 minute.
# Environment:
#   BUILD_DIR         build directory (default build), as for scripts/build.sh
#   BENCH_MIN_TIME    --benchmark_min_time in seconds per repetition (default 0.5; a plain
#                     number, which Google Benchmark 1.7 (Debian 12) and later both accept)
#   BENCH_REPETITIONS --benchmark_repetitions (default 3; ratios use the median)
#   BENCH_SKIP_BUILD  set to 1 to run the binaries already built
#
# The numbers are wall-clock rates on a shared machine: anything else running (a compile, a
# test suite) steals cores from the all-cores benchmarks. Run it on a quiet machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
MIN_TIME=${BENCH_MIN_TIME:-0.5}
REPETITIONS=${BENCH_REPETITIONS:-3}

if [[ "${1:-}" == net ]]; then
  shift
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building swarmchaind and net_bench"
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DSWARMCHAIN_WERROR=ON \
      >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target swarmchaind net_bench >/dev/null
  fi
  # net_bench makes its work directory under this one; whatever it leaves (it is SIGKILLed,
  # say) goes with the script. Its nodes die with it (PR_SET_PDEATHSIG).
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/swarmchain-bench-net.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  "$BUILD_DIR"/bin/net_bench --tmp-dir "$tmp" "$@"
  exit $?
fi

if [[ "${1:-}" == rpc ]]; then
  shift
  command -v wrk >/dev/null || { echo "wrk is not installed: run scripts/deps.sh" >&2; exit 1; }
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building swarmchaind and rpc_http_bench"
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DSWARMCHAIN_WERROR=ON \
      >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target swarmchaind rpc_http_bench >/dev/null
  fi
  exec "$BUILD_DIR"/bin/rpc_http_bench "$@"
fi

if [[ "${1:-}" == explorer ]]; then
  shift
  if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "== building swarmchaind and browser_explorer_scale_bench"
    cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=${BUILD_TYPE:-RelWithDebInfo} -DSWARMCHAIN_WERROR=ON \
      >/dev/null
    cmake --build "$BUILD_DIR" -j"$(nproc)" --target swarmchaind browser_explorer_scale_bench >/dev/null
  fi
  SWARMCHAIN_BIN_DIR=${SWARMCHAIN_BIN_DIR:-$BUILD_DIR/bin} exec "$BUILD_DIR"/bin/browser_explorer_scale_bench "$@"
fi

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
  echo "== building (scripts/build.sh)"
  bash scripts/build.sh >/dev/null
fi

shopt -s nullglob
benches=("$BUILD_DIR"/bin/bench_*)
if ((${#benches[@]} == 0)); then
  echo "no $BUILD_DIR/bin/bench_* binaries (was the build configured with SWARMCHAIN_BUILD_BENCH=OFF?)" >&2
  exit 1
fi

summary=()
failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT
for bin in "${benches[@]}"; do
  [[ -x "$bin" && -f "$bin" ]] || continue
  name=$(basename "$bin")
  echo
  echo "== $name (min_time ${MIN_TIME}s x ${REPETITIONS} repetitions, $(nproc) cores)"
  if "$bin" --benchmark_min_time="$MIN_TIME" --benchmark_repetitions="$REPETITIONS" \
      --benchmark_color=false "$@" \
      2>&1 | tee "$out"; then
    :
  else
    echo "!! $name failed" >&2
    failed=1
  fi
  # The summary lines a benchmark prints after its table: "ratio ...", "cpu ratio ...", the
  # figures behind them ("x_per_s = ..."), any line stating a "(goal ...)", the registry's
  # figures ("registry ..."), and "warning: ..." (e.g. the machine was busy).
  while IFS= read -r line; do
    summary+=("$name: $line")
  done < <(grep -E '^(ratio |cpu ratio |warning: |registry |[a-z_]+_per_s = )|\(goal ' "$out" \
             || true)
done

echo
echo "== summary"
if ((${#summary[@]} == 0)); then
  echo "(no ratio lines printed)"
else
  printf '%s\n' "${summary[@]}"
fi
exit "$failed"
