#!/usr/bin/env bash
# Benchmark of start-up cost: not a test, it prints figures and checks
# nothing (issue 14, "Start fast").
#
#   bash tests/bench/startup-bench.sh [BUILD_DIR [BASELINE_BUILD_DIR]]
#
# BUILD_DIR (default: build) holds ciscosec; BASELINE_BUILD_DIR, when given,
# holds another ciscosec to compare with (e.g. a build of an older commit).
# BENCH_RUNS (default 20) runs of each command; the median is printed, in
# ms from fork to exit as bash sees it (the same overhead in every line).
#
# Prints:
#   1. bare programs (an empty main) linked to the libraries ciscosec may
#      need, the way the issue measured them: what each library costs at
#      start-up when it is linked, and what it costs when it is dlopen'd
#      by the one command that needs it;
#   2. `ciscosec --version` and a small `sgn build`, for each binary;
#   3. the shared objects each of those runs loads (LD_DEBUG=libs).
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$(cd "${1:-$SRC/build}" && pwd)
BASE=${2:+$(cd "$2" && pwd)}
RUNS=${BENCH_RUNS:-20}
CERT=$SRC/tests/data/vectors/asterisk.pem
CC=${CC:-cc}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/startup-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# median_ms COMMAND...: the median wall time of RUNS runs, in ms.
median_ms() {
    "$@" >/dev/null 2>&1 # warm the caches
    local i start end
    for ((i = 0; i < RUNS; i++)); do
        start=$EPOCHREALTIME
        "$@" >/dev/null 2>&1
        end=$EPOCHREALTIME
        awk "BEGIN { printf \"%.3f\n\", ($end - $start) * 1000 }"
    done | sort -n | awk '{ v[NR] = $1 } END {
        m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.2f", m }'
}

row() { printf '  %-58s %8s ms\n' "$1" "$2"; }

# --- 1. bare programs ---------------------------------------------------------
cat >bare.c <<'C'
#include <dlfcn.h>
#include <stdio.h>
int main(int argc, char **argv)
{
    /* argv[1]: a library to dlopen, as an on-demand command would. */
    if (argc > 1 && dlopen(argv[1], RTLD_NOW | RTLD_LOCAL) == NULL) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    (void)argv;
    return 0;
}
C
base_libs="-lmbedtls -lmbedx509 -lmbedcrypto -ljansson"
bare() { # NAME EXTRA_LIBS...
    local name=$1
    shift
    # --no-as-needed: linked means loaded, as it is when a symbol is used.
    $CC -O2 -o "$name" bare.c -Wl,--no-as-needed $base_libs "$@" -ldl
}
bare base
bare expat -lexpat
bare xml2 -lxml2
bare xml2srtp -lxml2 -lsrtp2
bare srtp -lsrtp2

echo "ciscosec start-up benchmark: median of $RUNS runs, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "1. An empty main, linked to:"
row "mbedTLS + jansson (the floor)" "$(median_ms ./base)"
row "  + expat (linked)" "$(median_ms ./expat)"
row "  + libxml2 (linked: today)" "$(median_ms ./xml2)"
row "  + libxml2 + libsrtp2 (linked: today)" "$(median_ms ./xml2srtp)"
row "  + libsrtp2 (linked)" "$(median_ms ./srtp)"
row "  dlopen(libexpat.so.1) at run time" "$(median_ms ./base libexpat.so.1)"
row "  dlopen(libxml2.so.2) at run time" "$(median_ms ./base libxml2.so.2)"
row "  dlopen(libsrtp2.so.1) at run time" "$(median_ms ./base libsrtp2.so.1)"

# --- 2. ciscosec ----------------------------------------------------------------
cp "$SRC/tests/data/vectors/DialTemplate.xml" small.xml
commands() { # LABEL DIR
    local label=$1 dir=$2
    echo
    echo "2. $label ($dir/ciscosec):"
    row "ciscosec --version" "$(median_ms "$dir/ciscosec" --version)"
    row "ciscosec sgn build (DialTemplate.xml, RSA-2048, fsync)" \
        "$(median_ms "$dir/ciscosec" sgn build small.xml --tftp "$CERT")"
    row "ciscosec enc build (the XML user)" \
        "$(median_ms sh -c "cp '$SRC/tests/data/vectors/SEP58971ECC97C1.cnf.xml.orig' c.xml &&
            '$dir/ciscosec' enc build c.xml --certificate '$SRC/tests/data/vectors/device.pem' \
            --tftp '$CERT'")"
    echo "   shared objects loaded by --version:"
    LD_DEBUG=libs "$dir/ciscosec" --version 2>&1 >/dev/null |
        sed -n 's/.*calling init: //p' | xargs -rn1 basename | sort -u | tr '\n' ' ' |
        fold -s -w 76 | sed 's/^/     /'
    echo
}
[[ -n $BASE ]] && commands "baseline" "$BASE"
commands "this build" "$BIN"
