#!/usr/bin/env bash
# Runs the libFuzzer targets (tests/fuzz, docs/testing.md "Fuzzing") for longer than CI does.
#
#   scripts/fuzz.sh list                  the targets
#   scripts/fuzz.sh <target> <minutes>    one target (fuzz_tx or tx)
#   scripts/fuzz.sh all <minutes>         each target in turn, <minutes> each
#   scripts/fuzz.sh hours                 hours and execs run so far, per target (from the log)
#   scripts/fuzz.sh seeds                 rewrites tests/fuzz/corpus/ from the code's encoders
#
# Builds a clang tree with ASan+UBSan+libFuzzer in $FUZZ_BUILD_DIR (default build-fuzz) when
# needed. Each target keeps a corpus that grows across runs in $FUZZ_BUILD_DIR/corpus/<target>
# (seeded from tests/fuzz/corpus/<target>, which is only read), writes a crash input to
# $FUZZ_BUILD_DIR/crashes/, and appends "date target seconds execs result [crash file]" to
# $FUZZ_BUILD_DIR/fuzz-hours.log.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
LOG=$BUILD/fuzz-hours.log

targets() {
  sed -n 's/^swarmchain_fuzz(\([a-z0-9_]*\).*/fuzz_\1/p' tests/fuzz/CMakeLists.txt
}

usage() {
  sed -n '3,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

configure() {
  if [ -f "$BUILD/CMakeCache.txt" ] && grep -q '^SWARMCHAIN_FUZZ:BOOL=ON' "$BUILD/CMakeCache.txt"; then
    return
  fi
  command -v clang++ >/dev/null || bash scripts/deps.sh
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSWARMCHAIN_WERROR=ON -DSWARMCHAIN_SANITIZE=ON -DSWARMCHAIN_FUZZ=ON \
    -DSWARMCHAIN_BUILD_BENCH=OFF "${launcher[@]}"
}

build() {
  configure
  cmake --build "$BUILD" -j2 --target "$@"
}

run_one() {
  local target=$1 minutes=$2
  local seconds
  seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
  local corpus=$BUILD/corpus/$target seeds=tests/fuzz/corpus/$target crashes=$BUILD/crashes
  mkdir -p "$corpus" "$crashes"
  local out=$BUILD/fuzz-last-$target.txt
  echo "fuzz.sh: $target for $minutes min (corpus $corpus)"
  local rc=0 start=$SECONDS
  "$BUILD/bin/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -malloc_limit_mb=64 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$crashes/$target-" "$corpus" "$seeds" >"$out" 2>&1 || rc=$?
  local took=$(( SECONDS - start ))
  local execs
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)
  local crash
  crash=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$out" | tail -1)
  local result=ok
  [ "$rc" -eq 0 ] || result="failed(rc=$rc)"
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $target ${took} ${execs:-0} $result ${crash}" >>"$LOG"
  echo "fuzz.sh: $target: ${took} s, ${execs:-0} execs, $result${crash:+, crash input $crash}"
  if [ "$rc" -ne 0 ]; then
    grep -m 20 -E 'ERROR|fuzz property failed|SUMMARY|runtime error' "$out" || tail -20 "$out"
  fi
  return "$rc"
}

hours() {
  [ -f "$LOG" ] || { echo "no runs logged yet ($LOG)"; return; }
  printf "%-22s %8s %14s %5s %7s\n" target hours execs runs failed
  awk '{ s[$2] += $3; e[$2] += $4; n[$2]++; if ($5 != "ok") f[$2]++ }
       END { for (t in s) printf "%-22s %8.2f %14d %5d %7d\n", t, s[t] / 3600, e[t], n[t], f[t] }' "$LOG" | sort
}

[ $# -ge 1 ] || usage
case $1 in
  list) targets ;;
  hours) hours ;;
  seeds)
    build fuzz_seed_corpus
    rm -rf tests/fuzz/corpus
    "$BUILD/bin/fuzz_seed_corpus" tests/fuzz/corpus
    ;;
  all)
    [ $# -eq 2 ] || usage
    mapfile -t all < <(targets)
    build "${all[@]}"
    failed=0
    for t in "${all[@]}"; do run_one "$t" "$2" || failed=1; done
    hours
    exit "$failed"
    ;;
  *)
    [ $# -eq 2 ] || usage
    t=$1
    [[ $t == fuzz_* ]] || t=fuzz_$t
    targets | grep -qx "$t" || { echo "fuzz.sh: no target $1 (scripts/fuzz.sh list)" >&2; exit 2; }
    build "$t"
    run_one "$t" "$2"
    ;;
esac
