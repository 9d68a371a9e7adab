#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Benchmark of start-up cost: not a test, it prints figures and checks
# nothing (issue 14, "Start fast").
#
#   bash tests/bench/startup-bench.sh [BUILD_DIR [BASELINE_BUILD_DIR]]
#
# BUILD_DIR (default: build) holds ciscosec; BASELINE_BUILD_DIR, when given,
# holds another ciscosec to compare with (e.g. a build of an older commit).
# BENCH_RUNS (default 30) runs of each command, interleaved; the median is
# printed, in ms from fork to exit as bash sees it (the same overhead in
# every line).
#
# Prints:
#   1. bare programs (an empty main) linked to the libraries ciscosec may
#      need, the way the issue measured them: what each library costs at
#      start-up when it is linked, and what it costs when it is dlopen'd
#      by the one command that needs it;
#   2. `ciscosec --version`, a small `sgn build` and a small `enc build`
#      (which reads XML), for each binary;
#   3. the shared objects `--version` loads (LD_DEBUG=libs), for each.
#
# Figures (2026-12-02, the 2-CPU build machine shared with other jobs, load
# about 5; medians of 40 interleaved rounds, ms):
#   empty main: floor 2.10, + expat linked 1.36 (no difference within the
#   noise), + libxml2 linked 3.23, + libxml2 + libsrtp2 linked 4.70;
#   dlopen at run time: libexpat 1.50, libxml2 4.86, libsrtp2 2.86;
#   ciscosec --version 4.88 -> 1.77, sgn build 17.33 -> 11.28, enc build
#   25.66 -> 25.10 (libxml2 and libsrtp2 linked -> expat linked, libsrtp2
#   dlopen'd by verify srtp).
# The choice: XML moves to expat rather than a dlopen'd libxml2. For the
# commands that read no XML both load no libxml2; for those that do, a
# dlopen'd libxml2 would still pay ICU and libstdc++ (about 2.8 ms a run)
# where expat costs nothing measurable, and expat's per-parser allocator
# replaces libxml2's global one. libsrtp2 (with NSS) is dlopen'd: one
# command uses it, through 14 functions. --version then loads
# ld-linux, libc, libexpat, libjansson and mbedTLS's three libraries,
# against twenty before (ICU, libstdc++, liblzma, libz, NSS, NSPR...).
#
# Then expat loaded on demand too (include/ciscosec/dynlib.h), so that a
# command that reads no XML loads no XML library at all. Figures
# (2026-12-02, same machine, load about 4.4; medians of 60 interleaved
# rounds, ms; baseline: expat linked):
#   empty main: floor 1.00, + expat linked 1.04, dlopen(libexpat) 1.05;
#   ciscosec --version 1.93 -> 1.92, sgn build 9.10 -> 8.81, enc build
#   (which now dlopens expat) 16.31 -> 15.51.
# Two other runs of 60 rounds under more load: --version 3.13 -> 2.96 and
# 3.45 -> 2.97, sgn build 16.33 -> 14.60 and 19.04 -> 18.71, enc build
# 29.29 -> 26.27 and 37.34 -> 37.26. The time saved is within the noise:
# expat is small and has no dependencies. What changes is what loads:
# --version and sgn build load ld-linux, libc, libm, libjansson,
# libsqlite3 and mbedTLS's three libraries, and no XML or SRTP library
# (tests/e2e/startup.sh checks it); the dynamic loader's own start-up
# (LD_DEBUG=statistics, median of 41 runs of --version) goes from 237k to
# 220k cycles.
set -euo pipefail

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$(cd "${1:-$SRC/build}" && pwd)
BASE=${2:+$(cd "$2" && pwd)}
RUNS=${BENCH_RUNS:-30}
CERT=$SRC/tests/data/vectors/asterisk.pem
CC=${CC:-cc}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/startup-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# The machine is shared and noisy: every variant runs once a round, the
# rounds interleave them, and each figure is its median over the rounds.
# add LABEL COMMAND...: a variant (COMMAND a string for eval); measure: runs
# them all, then prints the rows in the order added.
labels=() commands=()
add() { labels+=("$1"); commands+=("$2"); }
measure() {
    local i r start end
    for ((i = 0; i < ${#commands[@]}; i++)); do eval "${commands[i]}" >/dev/null 2>&1 || true; done
    for ((r = 0; r < RUNS; r++)); do
        for ((i = 0; i < ${#commands[@]}; i++)); do
            start=$EPOCHREALTIME
            eval "${commands[i]}" >/dev/null 2>&1 || true
            end=$EPOCHREALTIME
            echo "$i $start $end"
        done
    done >times.txt
    for ((i = 0; i < ${#commands[@]}; i++)); do
        row "${labels[i]}" "$(awk -v i="$i" '$1 == i { print ($3 - $2) * 1000 }' times.txt | sort -n |
            awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
                   printf "%.2f", m }')"
    done
    labels=() commands=()
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
add "mbedTLS + jansson (the floor)" ./base
add "  + expat (linked)" ./expat
add "  + libxml2 (linked: before)" ./xml2
add "  + libxml2 + libsrtp2 (linked: before)" ./xml2srtp
add "  + libsrtp2 (linked)" ./srtp
add "  dlopen(libexpat.so.1) at run time" "./base libexpat.so.1"
add "  dlopen(libxml2.so.2) at run time" "./base libxml2.so.2"
add "  dlopen(libsrtp2.so.1) at run time" "./base libsrtp2.so.1"
measure

# --- 2. ciscosec ----------------------------------------------------------------
cp "$SRC/tests/data/vectors/DialTemplate.xml" small.xml
cp "$SRC/tests/data/vectors/SEP58971ECC97C1.cnf.xml.orig" config.orig
variants() { # LABEL DIR
    add "$1: ciscosec --version" "'$2/ciscosec' --version"
    add "$1: sgn build (DialTemplate.xml, RSA-2048, fsync)" \
        "'$2/ciscosec' sgn build small.xml --tftp '$CERT'"
    add "$1: enc build (reads XML; RSA-2048 x2, fsync)" \
        "cp config.orig c.xml && '$2/ciscosec' enc build c.xml --keep \
         --certificate '$SRC/tests/data/vectors/device.pem' --tftp '$CERT'"
}
libraries() { # LABEL DIR
    echo "   $1 --version loads:"
    LD_DEBUG=libs "$2/ciscosec" --version 2>&1 >/dev/null |
        sed -n 's/.*calling init: //p' | xargs -rn1 basename | sort -u | tr '\n' ' ' |
        fold -s -w 72 | sed 's/^/     /'
    echo
}
echo
echo "2. ciscosec (each figure includes forking the process from bash):"
[[ -n $BASE ]] && variants "baseline" "$BASE"
variants "this build" "$BIN"
measure
echo
echo "3. Shared objects:"
[[ -n $BASE ]] && libraries "baseline ($BASE)" "$BASE"
libraries "this build ($BIN)" "$BIN"
