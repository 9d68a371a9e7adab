# SPDX-License-Identifier: MIT
# Shared by the CAPF end-to-end tests (source after common.bash): a capfd
# on 127.0.0.1 (or CAPF_HOST, e.g. [::1]) and a port the kernel picks,
# stopped on exit.
#   start_capfd [CAPFD-ARGS...] DATABASE [CERTDIR]: sets PORT and CAPFD_PID;
#   the server's log is $WORK/capfd.log.

# Both CAPF tests need the sqlite3 and openssl tools.
if ! command -v sqlite3 >/dev/null || ! command -v openssl >/dev/null; then
    echo "SKIP: needs sqlite3 and openssl"
    exit 77
fi

CAPFD_PID=
PORT=
CAPF_HOST=127.0.0.1

# stop_capfd: SIGTERM, then the server must drain and exit 0, with no
# sanitizer report in its log.
stop_capfd() {
    local status=0
    if [[ -n $CAPFD_PID ]]; then
        kill "$CAPFD_PID" 2>/dev/null || true
        wait "$CAPFD_PID" 2>/dev/null || status=$?
        CAPFD_PID=
        [[ $status == 0 ]] || fail "capfd ended with status $status"
        if grep -qE 'Sanitizer|runtime error' "$WORK/capfd.log"; then
            fail "capfd: $(grep -m1 -E 'Sanitizer|runtime error' "$WORK/capfd.log")"
        fi
    fi
}
trap 'stop_capfd; rm -rf "$WORK" ${shims:+"$shims"}' EXIT

start_capfd() {
    stop_capfd
    : >"$WORK/capfd.log"
    # Under valgrind a phone's key generation alone outlasts the default
    # 10 s deadline; a -t in the arguments still wins, being later.
    local slow=()
    [[ ${CISCOSEC_VALGRIND:-0} == 1 ]] && slow=(-t 120)
    capfd -A "$WORK/capf.pem" --listen "$CAPF_HOST:0" "${slow[@]}" "$@" 2>>"$WORK/capfd.log" &
    CAPFD_PID=$!
    # The whole line, port included; a minute, as valgrind's start can be slow.
    for _ in $(seq 1200); do
        PORT=$(sed -n 's/.*listening on port \([0-9][0-9]*\)$/\1/p' "$WORK/capfd.log")
        [[ -n $PORT ]] && return 0
        kill -0 "$CAPFD_PID" 2>/dev/null || break
        sleep 0.05
    done
    fail "capfd did not start: $(cat "$WORK/capfd.log")"
    exit 1
}

# enrol DEVICE [CAPFC-ARGS...]: the phone's side, its files in phone/.
enrol() {
    local device=$1
    shift
    # Under valgrind a key generation or signature outlasts the default
    # 10 s; a -t in the arguments still wins, being later.
    local slow=()
    [[ ${CISCOSEC_VALGRIND:-0} == 1 ]] && slow=(-t 120)
    capfc -A "$WORK/capf.pem" -h "$CAPF_HOST:$PORT" -c "phone/$device.pem" "${slow[@]}" "$@" "$device"
}

# db_field DATABASE DEVICE COLUMN: one value as SQLite sees it.
db_field() {
    sqlite3 "$1" "SELECT $3 FROM devices WHERE device_name = '$2'"
}
