# SPDX-License-Identifier: MIT
# Shared by the end-to-end tests. CTest sets BIN (the directory holding
# ciscosec and its symlinks), DATA (tests/data) and SRC (the source tree).
set -euo pipefail

: "${BIN:?BIN must name the build directory holding ciscosec}"
: "${DATA:?DATA must name tests/data}"
PATH="$BIN:$PATH"
export TZ=UTC LC_ALL=C

# CISCOSEC_VALGRIND=1 (set by -DCISCOSEC_VALGRIND=ON): every ciscosec run,
# under any of its names, goes through tests/memcheck, which exits 99 on a
# memory error or a leak; no test expects 99. With CISCOSEC_MEMCHECK_EVERY=N
# (tests/CMakeLists.txt sets it for the longest tests), only the first of
# every N runs does, and the others run plain, checked as usual.
if [[ ${CISCOSEC_VALGRIND:-0} == 1 ]]; then
    shims=$(mktemp -d "${TMPDIR:-/tmp}/ciscosec-valgrind.XXXXXX")
    chmod 755 "$shims" # tests may run a command as another user
    # A copy: the source tree may be out of that user's reach.
    cp "$(dirname "${BASH_SOURCE[0]}")/../../memcheck" "$shims/.memcheck"
    for tool in "$BIN"/ciscosec $("$BIN"/ciscosec --list-links | sed "s#^#$BIN/#"); do
        cat >"$shims/${tool##*/}" <<SHIM
#!/bin/sh
every=\${CISCOSEC_MEMCHECK_EVERY:-1}
if [ "\$every" -gt 1 ]; then
    n=\$(cat "$shims/.runs" 2>/dev/null || echo 0)
    echo \$((n + 1)) >"$shims/.runs"
    [ \$((n % every)) -eq 0 ] || exec "$tool" "\$@"
fi
exec "$shims/.memcheck" "$tool" "\$@"
SHIM
        chmod +x "$shims/${tool##*/}"
    done
    PATH="$shims:$PATH"
fi

# shellcheck source=aliases.bash
source "$(dirname "${BASH_SOURCE[0]}")/aliases.bash"
# old_names: the old tools' names, from src/aliases.def.
old_names() { alias_rows "${SRC:?SRC must name the source tree}" | cut -d' ' -f1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/ciscosec-test.XXXXXX")
trap 'rm -rf "$WORK" ${shims:+"$shims"}' EXIT
cd "$WORK"

failures=0
checks=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

pass() {
    checks=$((checks + 1))
}

# expect_status CODE COMMAND...: runs COMMAND with its stdout in $WORK/out
# and stderr in $WORK/err, and checks its exit status.
expect_status() {
    local want=$1 got=0
    shift
    "$@" >"$WORK/out" 2>"$WORK/err" || got=$?
    if [[ $got != "$want" ]]; then
        fail "exit $got, expected $want: $*"
        sed 's/^/  stdout: /' "$WORK/out" >&2
        sed 's/^/  stderr: /' "$WORK/err" >&2
        return 0
    fi
    pass
}

# expect_one_line_error PATTERN: stderr is one line matching PATTERN.
expect_one_line_error() {
    local lines
    lines=$(wc -l <"$WORK/err")
    if [[ $lines != 1 ]] || ! grep -qE -- "$1" "$WORK/err"; then
        fail "expected one error line matching '$1', got:"
        sed 's/^/  stderr: /' "$WORK/err" >&2
        return 0
    fi
    pass
}

# expect_out REGEX, expect_err REGEX: the last expect_status's stdout or
# stderr has a line matching REGEX. expect_out_mentions TEXT and
# expect_err_mentions TEXT: it contains TEXT as written.
expect_stream() { # out|err E|F PATTERN VERB
    if grep -q"$2" -- "$3" "$WORK/$1"; then pass; else
        fail "std$1 does not $4 '$3':"
        sed "s/^/  std$1: /" "$WORK/$1" >&2
    fi
}
expect_out() { expect_stream out E "$1" match; }
expect_err() { expect_stream err E "$1" match; }
expect_out_mentions() { expect_stream out F "$1" mention; }
expect_err_mentions() { expect_stream err F "$1" mention; }

# expect_no_stderr: the command said nothing on stderr.
expect_no_stderr() {
    if [[ -s $WORK/err ]]; then fail "unexpected stderr: $(head -n 3 "$WORK/err")"; else pass; fi
}

expect_same_file() {
    if cmp -s "$1" "$2"; then pass; else fail "$1 differs from $2"; fi
}

expect_absent() {
    if [[ -e $1 ]]; then fail "$1 exists but should not"; else pass; fi
}

# expect_log_line FILE PATTERN: a server's log FILE gets a line matching
# the ERE PATTERN within 5 s (a server logs a session as it ends, which
# may be a moment after the client is done).
expect_log_line() {
    local i
    for ((i = 0; i < 50; i++)); do
        grep -qE -- "$2" "$1" && { pass; return 0; }
        sleep 0.1
    done
    fail "no line matching '$2' in $(basename "$1"):"
    sed 's/^/  log: /' "$1" >&2
}

# No temporary files left beside outputs (.NAME.XXXXXX).
expect_no_temp_files() {
    local dir=${1:-.} leftovers
    leftovers=$(find "$dir" -maxdepth 1 -name '.*.??????' | head -n 5)
    if [[ -n $leftovers ]]; then fail "temporary files left: $leftovers"; else pass; fi
}

finish() {
    if ((failures > 0)); then
        echo "$failures of $((checks + failures)) checks failed" >&2
        exit 1
    fi
    echo "$checks checks passed"
}
