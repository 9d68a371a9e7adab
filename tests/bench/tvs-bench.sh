#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of the TVS server: not a test, it prints figures and checks
# nothing.
#
#   bash tests/bench/tvs-bench.sh [BUILD_DIR]      (default: build)
#
# BUILD_DIR holds ciscosec, bench_tvs and bench_rsa (built with the
# project). BENCH_SECONDS (10) is the length of each load run.
#
# Prints:
#   1. the limit: the server key's RSA-2048 private operations per second on
#      one core (bench_rsa), times the online CPUs: a full handshake costs
#      one of them, so that is the most a server could verify;
#   2. verified certificates per second with 1, 16 and 256 concurrent
#      clients, each asking over a new TLS connection every time as phones
#      do, with p50 and p99 latency, and the server's CPU time per
#      verification (compare with the RSA operation's); goals: near the
#      limit, p99 < 250 ms at 16 clients. The clients run on the same
#      machine and take their share of the CPU (an ECDHE and an RSA public
#      operation per connection); then the CPU seconds of each server
#      thread, to show that every core does handshakes;
#   3. the server's peak RSS with 1,000 idle TLS connections open (goal
#      < 64 MiB).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$(cd "${1:-$SRC/build}" && pwd)
SECONDS_EACH=${BENCH_SECONDS:-10}
DATA=$SRC/tests/data/services
CPUS=$(nproc)

for tool in "$BIN/ciscosec" "$BIN/bench_tvs" "$BIN/bench_rsa"; do
    [[ -x $tool ]] || { echo "tvs-bench: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tvs-bench.XXXXXX")
server=
trap '[[ -n $server ]] && kill -TERM "$server" 2>/dev/null; wait; rm -rf "$WORK"' EXIT

"$BIN/ciscosec" tvs add "$WORK/tvs.sqlite3" "$DATA/pbx.pem" --ccm --tftp --ttl 600 >/dev/null
# The server raises its own descriptor limit to its connection limit.
"$BIN/ciscosec" tvs serve --tvs "$DATA/tvs.pem" --listen 127.0.0.1:0 -t 120 -L 2000 \
    "$WORK/tvs.sqlite3" 2>"$WORK/server.log" &
server=$!
for ((i = 0; i < 100; i++)); do
    grep -q 'listening on port' "$WORK/server.log" && break
    sleep 0.1
done
PORT=$(sed -n 's/.*listening on port //p' "$WORK/server.log")

read -r rsa cpu_ms < <("$BIN/bench_rsa" "$DATA/tvs.pem" 3)
printf 'limit: %s RSA-2048 private operations/s on one core (%s ms CPU each), x %d cores = %d/s\n' \
    "$rsa" "$cpu_ms" "$CPUS" "$(awk -v r="$rsa" -v c="$CPUS" 'BEGIN { printf "%d", r * c }')"

# The server's CPU time in ms (user + system, all threads), and how many
# sessions it has logged valid: the CPU per verification does not depend on
# what else the machine runs, unlike the rates.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$server/stat"; }
valid() { grep -c 'verify: valid' "$WORK/server.log" || true; }

printf '%-8s %12s %9s %9s %9s %14s\n' clients verified/s p50_ms p99_ms failures server_cpu_ms
for clients in 1 16 256; do
    cpu0=$(cpu_ms) n0=$(valid)
    read -r rate p50 p99 failures < <("$BIN/bench_tvs" load 127.0.0.1 "$PORT" "$DATA/pbx.pem" \
        "$clients" "$SECONDS_EACH")
    sleep 0.2 # the last log lines
    per=$(awk -v c=$(($(cpu_ms) - cpu0)) -v n=$(($(valid) - n0)) 'BEGIN { printf "%.2f", n ? c / n : 0 }')
    printf '%-8s %12s %9s %9s %9s %14s\n' "$clients" "$rate" "$p50" "$p99" "$failures" "$per"
done
# Both cores do handshakes: CPU seconds of each event-loop thread.
printf 'server threads (CPU s):'
for task in /proc/"$server"/task/*; do
    awk -v hz="$(getconf CLK_TCK)" '{ printf " %.1f", ($14 + $15) / hz }' "$task/stat"
done
echo

before=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
mkfifo "$WORK/hold"
"$BIN/bench_tvs" idle 127.0.0.1 "$PORT" 1000 <"$WORK/hold" >"$WORK/idle.out" &
idle=$!
exec 3>"$WORK/hold"
for ((i = 0; i < 600; i++)); do
    grep -q '^open' "$WORK/idle.out" 2>/dev/null && break
    sleep 0.1
done
sleep 1
rss=$(awk '/VmRSS/ { print $2 }' "/proc/$server/status")
peak=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")
printf 'idle: %s TLS connections held; server RSS %d KiB now, peak %d KiB (%d KiB before)\n' \
    "$(cut -d' ' -f2 "$WORK/idle.out")" "$rss" "$peak" "$before"
exec 3>&-
wait "$idle"
grep -c 'verify: valid' "$WORK/server.log" | sed 's/^/server log: sessions verified valid: /'
