#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of CAPF: not a test, it prints figures and checks nothing.
#
#   bash tests/bench/capf-bench.sh [BUILD_DIR]      (default: build)
#
# Starts capfd on 127.0.0.1 (a port the kernel picks, one event-loop
# thread per core), schedules BENCH_INSTALLS (400) RSA-2048 installs with no
# password, and runs them with bench_capf at 1, 4 and 16 phones at once,
# the phones' keys made ahead of time. Prints installs per second and
# p50/p99 latency, next to the ceiling: RSA-2048 signatures per second on
# one core (bench_rsa) times the cores, halved, since an install costs the
# server two private-key operations (the TLS handshake and the LSC's
# signature). The phones run on the same cores, so the ceiling is not
# reached; the server's CPU time per install is the steadier figure
# on a shared machine.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$(cd "${1:-$SRC/build}" && pwd)
INSTALLS=${BENCH_INSTALLS:-400}
CERT=$SRC/tests/data/services/capf.pem
for tool in "$BIN/capfd" "$BIN/bench_capf" "$BIN/bench_rsa" "$(command -v sqlite3)"; do
    [[ -x $tool ]] || { echo "capf-bench: $tool is missing" >&2; exit 2; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/capf-bench.XXXXXX")
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"' EXIT
cd "$WORK"
cp "$CERT" capf.pem
chmod 600 capf.pem

"$BIN/capfctl" -n SEP000000000000 capf.sqlite3 # the schema
schedule() { # every device: a fresh RSA-2048 install
    sqlite3 capf.sqlite3 "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n
        WHERE i + 1 < $INSTALLS) INSERT INTO devices (device_name, operation, authentication,
        key_size) SELECT printf('SEP%012X', i), 'install', 'no password', 2048 FROM n
        WHERE true ON CONFLICT (device_name) DO UPDATE SET operation = 'install'"
}

"$BIN/capfd" -A capf.pem --listen 127.0.0.1:0 -t 60 capf.sqlite3 certs 2>capfd.log &
pid=$!
mkdir certs
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on port \([0-9]*\).*/\1/p' capfd.log)
    [[ -n $port ]] && break
    sleep 0.05
done
[[ -n ${port:-} ]] || { echo "capf-bench: capfd did not start" >&2; exit 2; }

read -r rsa _ < <("$BIN/bench_rsa" capf.pem 3)
cores=$(nproc)
echo "ciscosec CAPF benchmark: $("$BIN/ciscosec" --version | grep -o 'mbedTLS [0-9.]*'), $cores CPUs"
printf 'ceiling: %.0f RSA-2048 signatures/s per core x %d cores / 2 = %.0f installs/s\n' \
    "$rsa" "$cores" "$(awk "BEGIN { print $rsa * $cores / 2 }")"
# The server's CPU time in ms (user + system), which other programs on a
# shared machine disturb much less than rates.
cpu_ms() { awk -v hz="$(getconf CLK_TCK)" '{ print ($14 + $15) * 1000 / hz }' "/proc/$pid/stat"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
for phones in 1 4 16; do
    schedule
    before=$(cpu_ms)
    "$BIN/bench_capf" 127.0.0.1 "$port" "$INSTALLS" "$phones"
    printf '  server CPU per install: %.1f ms\n' "$(awk "BEGIN { print ($(cpu_ms) - $before) / $INSTALLS }")"
done
