#!/usr/bin/env bash
# ctest's run of one fuzz target (label fuzz): every seed in the checked-in corpus, then
# SWARMCHAIN_FUZZ_SECONDS (default 15) of fuzzing. New inputs go to the scratch dir (first
# corpus argument, the only one libFuzzer writes to); a crash file goes there too.
#   run_fuzz_test.sh <target binary> <seed corpus dir> <scratch dir>
set -euo pipefail
bin=$1 seeds=$2 scratch=$3
mkdir -p "$scratch/corpus"
exec "$bin" -max_total_time="${SWARMCHAIN_FUZZ_SECONDS:-15}" -rss_limit_mb=2048 -malloc_limit_mb=64 -timeout=30 \
  -print_final_stats=1 -artifact_prefix="$scratch/" "$scratch/corpus" "$seeds"
