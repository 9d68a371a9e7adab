#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Runs every libFuzzer harness for a bounded time and fails on any crash,
# leak or sanitizer report. CI runs it briefly; run it longer by hand:
#
#   tests/fuzz/run.sh BUILD_DIR [SECONDS_EACH] [JOBS]
#
# BUILD_DIR is a build configured with CC=clang -DCISCOSEC_FUZZ=ON. Seeds
# come from tests/data (every file, so each harness sees every format);
# corpora and any crash inputs are kept in BUILD_DIR/fuzz-corpus/<harness>.
# A crash found becomes a regression input: copy it into
# tests/data/regressions/ (the unit tests parse every file there).
set -euo pipefail

build=${1:?usage: run.sh BUILD_DIR [SECONDS_EACH] [JOBS]}
seconds=${2:-60}
jobs=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

run_one() {
    local harness=$1 name corpus log
    name=$(basename "$harness")
    corpus=$build/fuzz-corpus/$name
    log=$build/fuzz-corpus/$name.log
    mkdir -p "$corpus"
    find "$data" -type f ! -name '*.md' -size -256k -exec cp -n {} "$corpus/" \;
    if "$harness" "$corpus" -dict="$here/tags.dict" -max_total_time="$seconds" \
        -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$corpus/crash-" >"$log" 2>&1; then
        printf '%-18s ok    %s executions in %ss\n' "$name" \
            "$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")" "$seconds"
    else
        printf '%-18s FAIL  see %s\n' "$name" "$log"
        tail -n 40 "$log"
        return 1
    fi
}

harnesses=("$build"/tests/fuzz/fuzz_*)
status=0
pids=()
for harness in "${harnesses[@]}"; do
    [[ -x $harness ]] || continue
    run_one "$harness" &
    pids+=($!)
    if ((${#pids[@]} >= jobs)); then
        wait "${pids[0]}" || status=1
        pids=("${pids[@]:1}")
    fi
done
for pid in "${pids[@]}"; do
    wait "$pid" || status=1
done
exit $status
