#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CAPF under faults: the server killed in the middle of sessions (the
# database stays consistent, no half-written .pem, no temporary file), a
# full disk while the .pem is written (nothing recorded, the phone told),
# and a locked database (writers wait for the lock: busy timeout).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/capf.bash"

cp "$DATA/services/capf.pem" capf.pem
chmod 600 capf.pem
mkdir state phone
DB=state/capf.sqlite3

expect_consistent() { # DATABASE CERTDIR
    [[ $(sqlite3 "$1" 'PRAGMA integrity_check') == ok ]] && pass || fail "$1 is not consistent"
    expect_no_temp_files "$2"
    local pem
    for pem in "$2"/*.pem; do
        [[ -e $pem ]] || continue
        openssl x509 -in "$pem" -noout 2>/dev/null && pass || fail "$pem is not a certificate"
    done
}

# --- killed while the phone makes its key ------------------------------------
expect_status 0 capfctl -i SEP000000004096 -b 4096 "$DB"
start_capfd -t 120 "$DB"
enrol SEP000000004096 -t 120 >/dev/null 2>&1 &
phone=$!
# Killed once the phone's connection is up (a fixed sleep could outlast a
# lucky RSA-4096 key generation): mid-handshake or while the phone makes
# its key, either way mid-session.
for _ in $(seq 100); do
    [[ -n $(ss -Htn state established "( dport = :$PORT )") ]] && break
    sleep 0.05
done
kill -9 "$CAPFD_PID"
wait "$CAPFD_PID" 2>/dev/null || true
CAPFD_PID=
wait "$phone" && fail "the phone's side succeeded without a server" || pass
expect_consistent "$DB" state
expect_absent state/SEP000000004096.pem
[[ $(db_field "$DB" SEP000000004096 operation) == install ]] && pass ||
    fail "an install killed halfway was recorded"

# --- killed at random points of many installs -----------------------------------
for i in $(seq 10 29); do
    capfctl -i "SEP0000000000$i" -b 1024 "$DB"
done
start_capfd "$DB"
phones=()
for i in $(seq 10 29); do
    enrol "SEP0000000000$i" >/dev/null 2>&1 &
    phones+=($!)
done
sleep 0.$((RANDOM % 5 + 1))
kill -9 "$CAPFD_PID"
wait "$CAPFD_PID" 2>/dev/null || true
CAPFD_PID=
wait "${phones[@]}" || true
expect_consistent "$DB" state
# A recorded install has its file, with the serial the row says.
for i in $(seq 10 29); do
    device=SEP0000000000$i
    [[ $(db_field "$DB" "$device" operation) == none ]] || continue
    serial=$(openssl x509 -in "state/$device.pem" -noout -serial 2>/dev/null | cut -d= -f2)
    [[ ${serial,,} == "$(db_field "$DB" "$device" serial_number)" ]] && pass ||
        fail "$device recorded without its certificate file"
done
# A restarted server finishes the rest.
start_capfd "$DB"
for i in $(seq 10 29); do
    device=SEP0000000000$i
    [[ $(db_field "$DB" "$device" operation) == install ]] || continue
    expect_status 0 enrol "$device"
done
[[ $(sqlite3 "$DB" "SELECT count(*) FROM devices WHERE operation = 'install'") == 1 ]] && pass ||
    fail "installs left after the restart" # SEP000000004096 only
stop_capfd

# --- a full disk while the .pem is written ----------------------------------------
mkdir small
if [[ $(id -u) == 0 ]] && mount -t tmpfs -o size=16k tmpfs small 2>/dev/null; then
    trap 'umount small 2>/dev/null || true; stop_capfd; rm -rf "$WORK" ${shims:+"$shims"}' EXIT
    dd if=/dev/zero of=small/filler bs=1k count=16 status=none 2>/dev/null || true
    expect_status 0 capfctl -i SEP0000000000F1 -b 1024 "$DB"
    start_capfd "$DB" small
    expect_status 1 enrol SEP0000000000F1
    expect_out "not done by the server"
    expect_absent small/SEP0000000000F1.pem
    expect_no_temp_files small
    [[ $(db_field "$DB" SEP0000000000F1 operation) == install ]] && pass ||
        fail "recorded although the file could not be written"
    expect_log_line "$WORK/capfd.log" "SEP0000000000F1 install: .*small/SEP0000000000F1.pem"
    # room again: the same schedule goes through
    rm small/filler
    expect_status 0 enrol SEP0000000000F1
    [[ -s small/SEP0000000000F1.pem ]] && pass || fail "no certificate once there was room"
    stop_capfd
    umount small
else
    echo "SKIP: full-disk checks need root and a tmpfs mount"
fi

# --- a locked database: writers wait --------------------------------------------------
# hold_lock SECONDS: another process holds SQLite's write lock meanwhile.
hold_lock() {
    { echo "BEGIN EXCLUSIVE;"; sleep "$1"; echo "COMMIT;"; } | sqlite3 "$DB" &
    LOCK_PID=$!
    sleep 0.3
}
hold_lock 2
expect_status 0 capfctl -i SEP0000000000F2 -b 1024 "$DB"
[[ $(db_field "$DB" SEP0000000000F2 operation) == install ]] && pass || fail "not written"
wait "$LOCK_PID"
start_capfd "$DB"
hold_lock 2
expect_status 0 enrol SEP0000000000F2
[[ $(db_field "$DB" SEP0000000000F2 operation) == none ]] && pass || fail "not recorded"
wait "$LOCK_PID"
# held longer than the busy timeout: a clean error, nothing half-done
hold_lock 7
expect_status 2 capfctl -i SEP0000000000F3 "$DB"
expect_one_line_error "locked"
wait "$LOCK_PID"
[[ -z $(db_field "$DB" SEP0000000000F3 operation) ]] && pass || fail "written despite the error"
stop_capfd
expect_consistent "$DB" state

finish
