#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# TVS end to end through the reference tools' names: tvsctl manages a copy
# of the reference database, tvsd serves it on 127.0.0.1 (and ::1) on a
# port the kernel picks, and tvsc asks as a phone does: valid with roles
# and TTL, unknown, a device name that does not match. Then the server
# meets malformed frames, a wrong protocol id, garbage before the
# handshake, truncated TLS, a client sending a byte a second, the
# connection limit, SIGHUP and SIGTERM, and goes on serving the others.
source "$(dirname "$0")/lib/common.bash"

S=$DATA/services
server_pid=
PORTS=()

# stop_server: SIGTERM, and a clean exit (0) after the drain; a sanitizer
# or memcheck report would make it otherwise.
stop_server() {
    local status=0
    if [[ -n $server_pid ]]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || status=$?
        server_pid=
        if [[ $status == 0 ]]; then pass; else
            fail "tvsd exited $status after SIGTERM:"
            sed 's/^/  tvsd: /' "$WORK/tvsd.log" >&2
        fi
    fi
}
trap 'stop_server; rm -rf "$WORK" ${shims:+"$shims"}' EXIT

# start_server ARGS...: tvsd ARGS with its log in $WORK/tvsd.log, ready
# (listening) when this returns; PORTS holds the ports it bound.
start_server() {
    : >"$WORK/tvsd.log"
    tvsd "$@" 2>"$WORK/tvsd.log" &
    server_pid=$!
    local i
    # The whole line, port included; a minute, as valgrind's start can be slow.
    for ((i = 0; i < 600; i++)); do
        grep -qE 'listening on port [0-9]+$' "$WORK/tvsd.log" && break
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.1
    done
    read -r -a PORTS <<<"$(sed -n 's/.*listening on port //p' "$WORK/tvsd.log")"
    if ((${#PORTS[@]} == 0)); then
        fail "tvsd did not start: $(cat "$WORK/tvsd.log")"
        finish
    fi
}

# expect_log PATTERN: the server's log has a line matching PATTERN.
expect_log() { expect_log_line "$WORK/tvsd.log" "$1"; }

# raw_tls PORT FILE: sends FILE's bytes inside TLS (openssl s_client) and
# prints what comes back.
raw_tls() {
    timeout 10 openssl s_client -connect "127.0.0.1:$1" -quiet -ign_eof <"$2" 2>/dev/null || true
}

# The session deadline of the first server; under valgrind a handshake
# alone takes seconds.
T=3
[[ ${CISCOSEC_VALGRIND:-0} == 1 ]] && T=30
PBX=a7c4691439b84620986f0a0da03db57845119a1651629ca1fc1406dd7123b612
PHONE=CP-7975-SEP58971ECC97C1

# --- tvsctl ---------------------------------------------------------------
cp "$S/tvs-reference.sqlite3" db.sqlite3
chmod 644 db.sqlite3
expect_status 0 tvsctl -l db.sqlite3
expect_out "^Certificate Hash: +$PBX$"
expect_out "^Roles: +CCM,TFTP$"
expect_out "^TTL: +600$"

expect_status 0 tvsctl --add "$S/capf.pem" --capf --tvs -L 3600 db.sqlite3
CAPF=$(openssl x509 -in "$S/capf.pem" -outform DER | sha256sum | cut -d' ' -f1)
expect_out "^Certificate Hash: +$CAPF$"
expect_out "^Roles: +CAPF,TVS$"
expect_status 0 ciscosec tvs show db.sqlite3 "$CAPF"
expect_out "^Subject Name: +CN=CAPF,O=Lab,OU=Voice$"
expect_status 0 tvsctl -e "$CAPF" db.sqlite3
openssl x509 -in "$S/capf.pem" >want.pem
expect_same_file "$WORK/out" want.pem
expect_status 0 tvsctl -d "$CAPF" db.sqlite3
expect_status 1 tvsctl -r "$CAPF" db.sqlite3
expect_one_line_error "no certificate with hash $CAPF"
expect_status 1 ciscosec tvs export db.sqlite3 "$CAPF"
# The reference tool reads what we wrote.
expect_status 0 ciscosec tvs add db.sqlite3 "$S/capf.pem" -P
row=$(python3 -c 'import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT roles, ttl, typeof(certificate), subject_name, "
    "issuer_name FROM certificates WHERE certificate_hash = ?", (sys.argv[2],)).fetchone()
print("|".join(map(str, r)))' db.sqlite3 "$CAPF")
if [[ $row == "CAPF|86400|blob|CN=CAPF,O=Lab,OU=Voice|CN=CAPF,O=Lab,OU=Voice" ]]; then pass; else
    fail "the row is not as the reference writes it: $row"
fi
expect_status 0 ciscosec tvs remove db.sqlite3 "$CAPF"

# A database locked by another writer: tvsctl waits for it, then writes.
python3 -c 'import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE"); print("locked", flush=True); time.sleep(1.5); c.execute("COMMIT")' \
    db.sqlite3 >lock.out &
locker=$!
for ((i = 0; i < 50; i++)); do [[ -s lock.out ]] && break; sleep 0.1; done
expect_status 0 tvsctl -a "$S/capf.pem" -P db.sqlite3
wait "$locker"
expect_status 0 tvsctl -r "$CAPF" db.sqlite3

# Bad input: no role, a bad TTL, a file that is not a certificate, not a
# database, a missing database for the server.
expect_status 2 tvsctl -a "$S/capf.pem" db.sqlite3
expect_one_line_error "at least one role"
expect_status 2 tvsctl -a "$S/capf.pem" -c -L 0 db.sqlite3
expect_one_line_error "invalid TTL '0'"
expect_status 2 tvsctl -a "$S/capf.pem" -c -L 2592001 db.sqlite3
printf 'not a certificate\n' >junk.pem
expect_status 2 tvsctl -a junk.pem -c db.sqlite3
expect_one_line_error "junk.pem"
expect_status 2 tvsctl -l junk.pem
expect_one_line_error "junk.pem"
expect_status 2 tvsctl db.sqlite3
expect_one_line_error "required"
expect_status 2 tvsctl -l typo.sqlite3
expect_one_line_error "typo.sqlite3"
expect_absent typo.sqlite3
expect_status 2 tvsd -T "$S/tvs.pem" missing.sqlite3
expect_one_line_error "missing.sqlite3"
expect_absent missing.sqlite3
expect_status 2 tvsd db.sqlite3
expect_one_line_error "--tvs CERT is required"
expect_status 2 tvsd -T "$S/pbx.pem" --key "$S/tvs.pem" --listen 127.0.0.1:0 db.sqlite3
expect_one_line_error "not the certificate's"
expect_status 2 tvsd -T "$S/tvs.pem" -t 0 db.sqlite3
expect_one_line_error "invalid timeout '0'"
expect_status 2 tvsd -T "$S/tvs.pem" --listen '[::1' db.sqlite3
expect_one_line_error "expected \[ADDRESS\]:PORT"
expect_status 2 tvsd -T "$S/tvs.pem" --listen 127.0.0.1:notaport db.sqlite3
expect_one_line_error "cannot listen on '127.0.0.1'"
expect_status 2 tvsc -h '[::1' "$S/pbx.pem"
expect_one_line_error "--host"
expect_status 2 tvsc -d "$PHONE" "$S/pbx.pem" "$S/capf.pem"
expect_one_line_error "one certificate"

# --- serving ------------------------------------------------------------------
start_server -T "$S/tvs.pem" -t "$T" --listen 127.0.0.1:0 db.sqlite3
P=${PORTS[0]}

expect_status 0 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
expect_out "^Status: +valid$"
expect_out "^Roles: +CCM,TFTP$"
expect_out "^TTL: +600$"
expect_log "127\.0\.0\.1:[0-9]+ $PHONE verify: valid: a7c4691439b84620 roles CCM,TFTP ttl 600"

expect_status 1 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" "$S/capf.pem"
expect_out "^Status: +invalid$"
expect_log "CP-0000-SEP000000000000 verify: invalid: unknown certificate"

expect_status 1 tvsc -T "$S" -h "127.0.0.1:$P" -d SEP58971ECC97C1 "$S/pbx.pem"
expect_out "^Status: +invalid$"
expect_log "SEP58971ECC97C1 verify: invalid: the device name does not match CP-MODEL-SEPMAC"

# The phone's side checks the server: a certificate that is not the one
# given is refused.
expect_status 1 tvsc -T "$S/pbx.pem" -h "127.0.0.1:$P" "$S/pbx.pem"
expect_one_line_error "handshake failed"
expect_status 2 tvsc -h "127.0.0.1:$P" missing.pem
expect_one_line_error "missing.pem"
# A folder of trusted certificates with none in it would trust any server.
mkdir -p empty-folder
expect_status 2 tvsc -T empty-folder -h "127.0.0.1:$P" "$S/pbx.pem"
expect_one_line_error "no certificate \\(\\*\\.pem\\) in the folder"

# Malformed frames inside TLS: no answer, a closed connection, a log line.
frame() { # PROTOCOL VERSION COMMAND BODY-HEX: a frame with its length
    local body=$4
    printf '%02x%02x%02x0000000001%04x%s' "$1" "$2" "$3" $((${#body} / 2)) "$body" | xxd -r -p
}
frame 85 1 1 02000130 >wrong-protocol.bin
raw_tls "$P" wrong-protocol.bin >reply.bin
if [[ -s reply.bin ]]; then fail "an answer to a wrong protocol id"; else pass; fi
expect_log "malformed: wrong protocol id 85"
frame 87 1 1 0200ff30 >overrun.bin
raw_tls "$P" overrun.bin >reply.bin
expect_log "malformed: element 1"
printf '\x57\x01\x01\x00\x00\x00\x00\x01\xff\xff' >too-long.bin
raw_tls "$P" too-long.bin >reply.bin
expect_log "malformed: frame longer than the limit"
# 5 bytes announced, 2 sent, then close-notify.
printf '\x57\x01\x01\x00\x00\x00\x00\x01\x00\x05\x02\x00' >truncated-frame.bin
timeout 10 openssl s_client -connect "127.0.0.1:$P" -quiet -no_ign_eof <truncated-frame.bin >/dev/null 2>&1 || true
expect_log "malformed: truncated frame"
# A well-formed request through openssl: the answer is the reference's.
xxd -r -p <<<"$(sed -n '1s/.*"hex": "\([0-9a-f]*\)".*/\1/p' "$S/tvs-valid.jsonl")" >request.bin
raw_tls "$P" request.bin >reply.bin
xxd -r -p <<<"$(sed -n '2s/.*"hex": "\([0-9a-f]*\)".*/\1/p' "$S/tvs-valid.jsonl")" >want.bin
expect_same_file reply.bin want.bin

# Garbage before the handshake, and a handshake cut short.
exec 3<>"/dev/tcp/127.0.0.1/$P"
# (The server may cut it off mid-write: a reset here is the point.)
printf 'GET / HTTP/1.0\r\n\r\n' >&3 2>/dev/null || true
timeout 5 cat <&3 >/dev/null 2>&1 || true
exec 3<&-
expect_log "TLS handshake failed"
exec 3<>"/dev/tcp/127.0.0.1/$P"
printf '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03' >&3 2>/dev/null || true
exec 3<&-
expect_log "the peer closed the connection"

# A client sending a byte a second (a ClientHello announcing 512 bytes) is
# cut at the session's deadline, while another is served meanwhile.
(
    exec 3<>"/dev/tcp/127.0.0.1/$P"
    printf '\x16\x03\x01\x02\x00' >&3
    for ((k = 0; k < T + 5; k++)); do
        printf '\x01' >&3 2>/dev/null || exit 0
        sleep 1
    done
) &
slow=$!
sleep 1
expect_status 0 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
wait "$slow" || true # the write after the cut may die of SIGPIPE
expect_log "timed out during the TLS handshake \($T[0-9]{3} ms\)"

# SIGHUP reloads the certificate: the new one is presented, and a broken
# file leaves the old one in place.
stop_server
cp "$S/tvs.pem" server.pem
start_server -T server.pem --drain 1 --listen 127.0.0.1:0 db.sqlite3
P=${PORTS[0]}
expect_status 0 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
cp "$S/capf.pem" server.pem
kill -HUP "$server_pid"
expect_log "reloaded the certificate"
expect_status 0 tvsc -T "$S/capf.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
expect_status 1 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
printf 'broken\n' >server.pem
kill -HUP "$server_pid"
expect_log "cannot reload the certificate, keeping the old one"
expect_status 0 tvsc -T "$S/capf.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"

# SIGTERM drains: a session in flight holds the server only until the
# drain deadline, then it exits 0.
exec 3<>"/dev/tcp/127.0.0.1/$P"
sleep 0.2
started=$SECONDS
kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
exec 3<&-
if [[ $status == 0 ]] && ((SECONDS - started <= 5)); then pass; else
    fail "tvsd did not drain and exit 0 (status $status, $((SECONDS - started)) s)"
fi
expect_log "stopping: draining 1 sessions"
expect_log "stopped: the server is shutting down"

# The connection limit: the excess is refused at once, and logged.
start_server -T "$S/tvs.pem" -L 1 --drain 1 --listen 127.0.0.1:0 db.sqlite3
P=${PORTS[0]}
exec 3<>"/dev/tcp/127.0.0.1/$P"
sleep 0.3
expect_status 1 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
expect_log "refused: connection limit reached"
exec 3<&-
sleep 0.3
expect_status 0 tvsc -T "$S/tvs.pem" -h "127.0.0.1:$P" -d "$PHONE" "$S/pbx.pem"
stop_server

# TLS 1.0 for 7900-series phones: only with --tlsv1, and only where the
# mbedTLS build has it (2.28); 3.x refuses to start, saying why.
tls10() { # PORT: the protocol openssl negotiates with TLS 1.0 only
    timeout 10 openssl s_client -connect "127.0.0.1:$1" -tls1 -cipher 'DEFAULT:@SECLEVEL=0' \
        </dev/null 2>/dev/null | sed -n 's/^New, \(TLSv[0-9.]*\),.*/\1/p'
}
if ciscosec --version | grep -q 'mbedTLS 2\.'; then
    start_server -T "$S/tvs.pem" --tlsv1 --listen 127.0.0.1:0 db.sqlite3
    if [[ $(tls10 "${PORTS[0]}") == TLSv1.0 ]]; then pass; else fail "no TLS 1.0 with --tlsv1"; fi
    stop_server
    start_server -T "$S/tvs.pem" --listen 127.0.0.1:0 db.sqlite3
    if [[ -z $(tls10 "${PORTS[0]}") ]]; then pass; else fail "TLS 1.0 without --tlsv1"; fi
    stop_server
else
    expect_status 2 tvsd -T "$S/tvs.pem" --tlsv1 --listen 127.0.0.1:0 db.sqlite3
    expect_one_line_error "TLS 1.0 is not available"
fi

# Killed mid-session: the database is whole, and the next server serves it.
start_server -T "$S/tvs.pem" --listen 127.0.0.1:0 db.sqlite3
exec 3<>"/dev/tcp/127.0.0.1/${PORTS[0]}"
printf '\x16\x03\x01' >&3
sleep 0.2
kill -KILL "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
exec 3<&-
check=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' db.sqlite3)
if [[ $check == ok ]]; then pass; else fail "the database after kill -9: $check"; fi
start_server -T "$S/tvs.pem" --listen 127.0.0.1:0 db.sqlite3
expect_status 0 tvsc -T "$S/tvs.pem" -h "127.0.0.1:${PORTS[0]}" -d "$PHONE" "$S/pbx.pem"
stop_server

# An encrypted TLS key: its passphrase from a file or a variable, asked
# for once and kept for SIGHUP (the file is gone by then); a wrong one, or
# none without a terminal (as under systemd), is exit 2 before serving.
openssl x509 -in "$S/tvs.pem" -out enc-cert.pem
openssl pkey -in "$S/tvs.pem" -aes256 -passout pass:hunter22 -out enc.key
printf 'hunter22\n' >pass.txt
printf 'wrong\n' >wrong.txt
expect_status 2 tvsd -T enc-cert.pem --key enc.key --passphrase-file wrong.txt \
    --listen 127.0.0.1:0 db.sqlite3
expect_one_line_error "enc.key"
expect_status 2 setsid -w ciscosec tvs serve -T enc-cert.pem --key enc.key \
    --listen 127.0.0.1:0 db.sqlite3
expect_one_line_error "give its passphrase with --passphrase-file FILE or --passphrase-env NAME"
expect_status 2 tvsd -T enc-cert.pem --key enc.key --passphrase-file pass.txt \
    --passphrase-env X db.sqlite3
expect_one_line_error "cannot be used together"
start_server -T enc-cert.pem --key enc.key --passphrase-file pass.txt \
    --listen 127.0.0.1:0 db.sqlite3
expect_status 0 tvsc -T "$S/tvs.pem" -h "127.0.0.1:${PORTS[0]}" -d "$PHONE" "$S/pbx.pem"
rm pass.txt
openssl x509 -in "$S/capf.pem" -out enc-cert.pem
openssl pkey -in "$S/capf.pem" -aes256 -passout pass:hunter22 -out enc.key
kill -HUP "$server_pid"
expect_log "reloaded the certificate"
expect_status 0 tvsc -T "$S/capf.pem" -h "127.0.0.1:${PORTS[0]}" -d "$PHONE" "$S/pbx.pem"
stop_server
TVS_PASS=hunter22 start_server -T enc-cert.pem --key enc.key --passphrase-env TVS_PASS \
    --listen 127.0.0.1:0 db.sqlite3
expect_status 0 tvsc -T "$S/capf.pem" -h "127.0.0.1:${PORTS[0]}" -d "$PHONE" "$S/pbx.pem"
stop_server

# IPv6, where the machine has ::1.
if python3 -c 'import socket; s = socket.socket(socket.AF_INET6); s.bind(("::1", 0))' 2>/dev/null; then
    start_server -T "$S/tvs.pem" --listen '[::1]:0' db.sqlite3
    expect_status 0 tvsc -T "$S/tvs.pem" -h "[::1]:${PORTS[0]}" -d "$PHONE" "$S/pbx.pem"
    expect_out "^Status: +valid$"
    expect_log "^tvsd: \[::1\]:[0-9]+ $PHONE verify: valid"
    stop_server
else
    echo "note: no ::1 here, IPv6 not tested"
fi

finish
