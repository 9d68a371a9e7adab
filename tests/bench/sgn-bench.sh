#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of signed files: not a test, it prints figures and checks
# nothing. The machine is shared and noisy, so every figure is compared with
# a reference measured in the same run.
#
#   bash tests/bench/sgn-bench.sh [BUILD_DIR]      (default: build)
#
# BUILD_DIR holds ciscosec and bench_rsa (built with the project). Needs GNU
# time (/usr/bin/time, Debian package "time") and about 2.2 GiB free in
# $TMPDIR (default /tmp). BENCH_FILES (1000) and BENCH_SIZE (1G, a size for
# head -c) change the workloads.
#
# Prints:
#   1. the wall time of one small build;
#   2. files per second for a batch of BENCH_FILES small files, next to the
#      limit: RSA-2048 signatures per second on one core (bench_rsa, through
#      the crypto module) times the online CPUs, measured before and after;
#      goal: at least 85% of the limit. On a busy machine a single thread
#      gets a larger share of it than a batch of one thread per core, so
#      two more figures follow: the limit measured with one bench_rsa per
#      core at once, and the CPU time per file against the CPU time of one
#      signature, which other programs disturb much less than rates;
#   3. time and peak memory to build (sha512), parse --tftp and remove a
#      BENCH_SIZE file, next to `sha512sum` plus `cp` of the same file;
#      goals: build within 1.3x of sha512sum + cp, every step under 16 MiB.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$(cd "${1:-$SRC/build}" && pwd)
FILES=${BENCH_FILES:-1000}
SIZE=${BENCH_SIZE:-1G}
CERT=$SRC/tests/data/vectors/asterisk.pem
CPUS=$(nproc)

for tool in "$BIN/ciscosec" "$BIN/bench_rsa" /usr/bin/time; do
    [[ -x $tool ]] || { echo "sgn-bench: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/sgn-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

now() { date +%s.%N; }
# calc EXPRESSION: floating-point arithmetic (awk: no bc needed).
calc() { awk "BEGIN { printf \"%s\", $1 }"; }
# timed VAR COMMAND...: runs COMMAND, sets VAR to its wall time in seconds
# and RSS_KIB to its peak resident memory.
t_hash='' t_copy='' t_build='' t_parse='' t_remove='' RSS_KIB=''
timed() {
    local var=$1
    shift
    /usr/bin/time -f '%e %M' -o time.txt "$@" >/dev/null
    read -r "${var?}" RSS_KIB < <(tail -n1 time.txt)
}
mib() { calc "$1 / 1024"; }

echo "ciscosec sgn benchmark: $("$BIN/ciscosec" --version | grep -o 'mbedTLS [0-9.]*'), $CPUS CPUs," \
    "$(df -T . | awk 'NR == 2 { print $2 }') in ${TMPDIR:-/tmp}"
echo

# --- 1. one small build ---------------------------------------------------------
cp "$SRC/tests/data/vectors/DialTemplate.xml" small.xml
"$BIN/ciscosec" sgn build small.xml --tftp "$CERT" >/dev/null # warm the caches
runs=20
start=$(now)
for ((i = 0; i < runs; i++)); do
    "$BIN/ciscosec" sgn build small.xml --tftp "$CERT" >/dev/null
done
end=$(now)
printf '%-34s %.1f ms (mean of %d, process start to exit)\n' "one small build:" \
    "$(calc "($end - $start) * 1000 / $runs")" "$runs"

# --- 2. a batch against the RSA limit -----------------------------------------
read -r limit_before cpu_before < <("$BIN/bench_rsa" "$CERT" 3)
best='' best_cpu=''
for run in 1 2 3; do
    mkdir "batch$run"
    for ((i = 0; i < FILES; i++)); do
        printf '<device><n>%d</n><pad>%01500d</pad></device>\n' "$i" 0 >"batch$run/SEP$i.cnf.xml"
    done
    sync
    /usr/bin/time -f '%e %U %S' -o time.txt \
        "$BIN/ciscosec" sgn build --tftp "$CERT" "batch$run"/*.cnf.xml >/dev/null
    read -r t user sys < <(tail -n1 time.txt)
    if [[ -z $best ]] || (($(calc "$t < $best ? 1 : 0"))); then
        best=$t best_cpu=$(calc "$user + $sys")
    fi
    rm -rf "batch$run"
done
read -r limit_after cpu_after < <("$BIN/bench_rsa" "$CERT" 3)
# The same limit with every core signing at once.
for ((i = 0; i < CPUS; i++)); do "$BIN/bench_rsa" "$CERT" 3 >"rsa$i.txt" & done
wait
limit_all=$(awk '{ sum += $1 } END { print sum }' rsa*.txt)
per_core=$(calc "($limit_before + $limit_after) / 2")
limit=$(calc "$per_core * $CPUS")
rate=$(calc "$FILES / $best")
sig_ms=$(calc "($cpu_before + $cpu_after) / 2")
file_ms=$(calc "$best_cpu * 1000 / $FILES")
printf '%-34s %.0f files/s (best of 3: %.2f s)\n' "batch of $FILES files:" "$rate" "$best"
printf '%-34s %.0f signatures/s per core (%.0f before, %.0f after) x %d = %.0f/s\n' \
    "limit (RSA-2048, bench_rsa):" "$per_core" "$limit_before" "$limit_after" "$CPUS" "$limit"
printf '%-34s %.0f%% (goal: 85%% or more)\n' "batch / limit:" "$(calc "100 * $rate / $limit")"
printf '%-34s %.0f/s, batch / that: %.0f%%\n' "limit, $CPUS bench_rsa at once:" "$limit_all" \
    "$(calc "100 * $rate / $limit_all")"
printf '%-34s %.3f ms per file, %.3f ms per signature: %.0f%%\n' "CPU time (user + system):" \
    "$file_ms" "$sig_ms" "$(calc "100 * $sig_ms / $file_ms")"

# --- 3. a large file --------------------------------------------------------------
head -c "$SIZE" /dev/urandom >big.bin
sync
timed t_hash sha512sum big.bin
timed t_copy cp big.bin big.copy
rm big.copy
sync
baseline=$(calc "$t_hash + $t_copy")
timed t_build "$BIN/ciscosec" sgn build big.bin --tftp "$CERT" --digest sha512
rss_build=$RSS_KIB
timed t_parse "$BIN/ciscosec" sgn parse big.bin.sgn --tftp "$CERT"
rss_parse=$RSS_KIB
rm big.bin
sync
timed t_remove "$BIN/ciscosec" sgn remove big.bin.sgn
rss_remove=$RSS_KIB

printf '%-34s %.2f s + %.2f s = %.2f s\n' "$SIZE: sha512sum + cp:" "$t_hash" "$t_copy" "$baseline"
printf '%-34s %.2f s, peak %.1f MiB (fsync included)\n' "$SIZE: build --digest sha512:" \
    "$t_build" "$(mib "$rss_build")"
printf '%-34s %.2fx (goal: 1.3x or less)\n' "build / (sha512sum + cp):" \
    "$(calc "$t_build / $baseline")"
printf '%-34s %.2f s, peak %.1f MiB\n' "$SIZE: parse --tftp:" "$t_parse" "$(mib "$rss_parse")"
printf '%-34s %.2f s, peak %.1f MiB\n' "$SIZE: remove:" "$t_remove" "$(mib "$rss_remove")"
printf '%-34s 16 MiB\n' "memory goal (each step):"
