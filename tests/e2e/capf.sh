#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# CAPF end to end through the reference tools' names: capfctl schedules,
# capfd serves on 127.0.0.1, capfc plays the phone. Installs with RSA
# 1024/2048/4096 and EC P-256/384/521, fetch, delete and none; password,
# null-password and certificate (LSC, SUDI) authentication; a wrong
# password, an unknown device, malformed frames and garbage; the reference
# database; the native verbs; bad command lines.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/capf.bash"

S=$DATA/services
cp "$S/capf.pem" capf.pem
chmod 600 capf.pem
mkdir state phone
DB=state/capf.sqlite3

# --- scheduling creates the reference schema ---------------------------------
expect_status 0 capfctl -i SEP000000001024 -p 123456 -b 1024 "$DB"
expect_no_stderr
want_schema=$(sqlite3 "$S/capf-reference.sqlite3" .schema)
[[ $(sqlite3 "$DB" .schema) == "$want_schema" ]] && pass || fail "schema differs from the reference"
expect_status 0 capfctl -i SEP000000002048 -p 123456 "$DB"
expect_status 0 capfctl --install SEP000000004096 --key-size 4096 "$DB"
expect_status 0 capfctl -i SEP0000000000E1 -E secp256r1 "$DB"
expect_status 0 capfctl -i SEP0000000000E2 --curve secp384r1 -c "$DB"
expect_status 0 capfctl -i SEP0000000000E3 -E secp521r1 "$DB"
[[ $(db_field "$DB" SEP000000004096 authentication) == "no password" ]] && pass ||
    fail "the default authentication is not 'no password'"
[[ $(db_field "$DB" SEP0000000000E2 curve_name) == secp384r1 ]] && pass || fail "curve not stored"

start_capfd -t 120 "$DB"

# --- installs ------------------------------------------------------------------
# check_install DEVICE KEY-TEXT: the phone's file has the certificate and
# its key (0600); the server's state/DEVICE.pem only the certificate (0644),
# signed by capf.pem, for the phone's key; the row says none.
check_install() {
    local device=$1 key=$2
    expect_out "Result: +done \(reason 1\)"
    [[ $(stat -c %a "phone/$device.pem") == 600 ]] && pass || fail "phone/$device.pem not 0600"
    [[ $(stat -c %a "state/$device.pem") == 644 ]] && pass || fail "state/$device.pem not 0644"
    grep -q 'PRIVATE KEY' "state/$device.pem" && fail "a key in state/$device.pem" || pass
    openssl verify -CAfile capf.pem "state/$device.pem" >/dev/null 2>&1 && pass ||
        fail "state/$device.pem does not verify with capf.pem"
    openssl x509 -in "state/$device.pem" -noout -text >text
    grep -q "$key" text && pass || fail "$device: no '$key' in the certificate"
    grep -q "Subject: CN = $device, O = Lab, OU = Voice" text && pass || fail "$device: subject"
    grep -q "URI:$device" text && pass || fail "$device: subjectAltName"
    grep -q "Issuer: CN = CAPF, O = Lab, OU = Voice" text && pass || fail "$device: issuer"
    [[ $(openssl x509 -in "phone/$device.pem" -noout -modulus -pubkey | sha256sum) == \
        $(openssl x509 -in "state/$device.pem" -noout -modulus -pubkey | sha256sum) ]] && pass ||
        fail "$device: the phone and the server hold different certificates"
    openssl pkey -in "phone/$device.pem" -pubout >phone.pub 2>/dev/null
    openssl x509 -in "state/$device.pem" -noout -pubkey >cert.pub
    expect_same_file phone.pub cert.pub
    [[ $(db_field "$DB" "$device" operation) == none ]] && pass || fail "$device still scheduled"
    [[ $(db_field "$DB" "$device" serial_number) == \
        $(openssl x509 -in "state/$device.pem" -noout -serial | cut -d= -f2 | tr A-F a-f) ]] &&
        pass || fail "$device: serial_number column"
    expect_status 0 capfctl -e "$device" "$DB"
    expect_same_file "$WORK/out" "state/$device.pem"
}

expect_status 0 enrol SEP000000001024 -p 123456
check_install SEP000000001024 "Public-Key: (1024 bit)"
expect_status 0 enrol SEP000000002048 --password 123456
check_install SEP000000002048 "Public-Key: (2048 bit)"
expect_status 0 enrol SEP000000004096 -t 120
check_install SEP000000004096 "Public-Key: (4096 bit)"
expect_status 0 enrol SEP0000000000E1
check_install SEP0000000000E1 "NIST CURVE: P-256"
expect_status 0 enrol SEP0000000000E3
check_install SEP0000000000E3 "NIST CURVE: P-521"

# --- certificate authentication ------------------------------------------------
# A device that must show a certificate and shows none is refused; a phone
# signs with the LSC issued to it.
expect_status 1 enrol SEP0000000000E2
expect_out "refused: wrong password, signature"
expect_status 0 capfctl -i SEP000000002048 -c -E secp384r1 "$DB"
cp phone/SEP000000002048.pem lsc2048.pem
expect_status 0 enrol SEP000000002048 -l lsc2048.pem
check_install SEP000000002048 "NIST CURVE: P-384"
# with SUDI data too (the phone's EC LSC as SUDI certificate), and the EC
# LSC itself for certificate authentication
expect_status 0 capfctl -i SEP000000002048 -c "$DB"
cp phone/SEP000000002048.pem lsc-ec.pem
expect_status 0 enrol SEP000000002048 --lsc lsc-ec.pem --sudi lsc2048.pem
check_install SEP000000002048 "Public-Key: (2048 bit)"
# a certificate that does not chain to the issuer: refused
ciscosec cert new -c SEP000000002048 -o Lab -u Voice self.pem >/dev/null
chmod 600 self.pem
expect_status 0 capfctl -i SEP000000002048 -c "$DB"
expect_status 1 enrol SEP000000002048 -l self.pem
expect_out "refused"
expect_log_line "$WORK/capfd.log" "does not chain"
# the recorded phone's LSC, issued by the same CAPF certificate
expect_status 0 capfctl -i SEP001122334455 -c "$DB"
expect_status 0 enrol SEP001122334455 -l "$S/SEP001122334455-lsc.pem"
check_install SEP001122334455 "Public-Key: (2048 bit)"

# --- the README's path: the phone's LSC encrypts its configuration ---------------
expect_status 0 capfctl -i SEP58971ECC97C1 -p 123456 "$DB"
expect_status 0 enrol SEP58971ECC97C1 -p 123456
cp "$DATA/vectors/SEP58971ECC97C1.cnf.xml.orig" SEP58971ECC97C1.cnf.xml
cp "$DATA/vectors/asterisk.pem" asterisk.pem
chmod 600 asterisk.pem
expect_status 0 enccnf --build SEP58971ECC97C1.cnf.xml --tftp asterisk.pem \
    --certificate state/SEP58971ECC97C1.pem
expect_status 0 ciscosec enc decrypt SEP58971ECC97C1.cnf.xml.enc.sgn \
    --key phone/SEP58971ECC97C1.pem --tftp asterisk.pem
expect_same_file SEP58971ECC97C1.cnf.xml "$DATA/vectors/SEP58971ECC97C1.cnf.xml.orig"

# --- wrong password, unknown device --------------------------------------------
expect_status 0 capfctl -i SEP0011223344BB -p 111111 "$DB"
expect_status 1 enrol SEP0011223344BB -p 999999
expect_out "refused: wrong password.*reason 7"
expect_absent state/SEP0011223344BB.pem
[[ $(db_field "$DB" SEP0011223344BB operation) == install ]] && pass || fail "wrong password ran"
expect_log_line "$WORK/capfd.log" "SEP0011223344BB install: wrong password"
expect_status 1 enrol SEP00000000FFFF
expect_out "refused: unknown device \(reason 9\)"

# --- fetch, delete, none -------------------------------------------------------
expect_status 0 capfctl -f SEP0000000000E1 "$DB"
rm state/SEP0000000000E1.pem
expect_status 0 enrol SEP0000000000E1
expect_out "Operation: +fetch"
openssl x509 -in phone/SEP0000000000E1.pem >fetched.pem
expect_same_file state/SEP0000000000E1.pem fetched.pem
[[ $(db_field "$DB" SEP0000000000E1 operation) == none ]] && pass || fail "fetch not recorded"
expect_status 0 capfctl --delete SEP0000000000E1 "$DB"
expect_status 0 enrol SEP0000000000E1
expect_out "Operation: +delete"
expect_absent state/SEP0000000000E1.pem
[[ -z $(db_field "$DB" SEP0000000000E1 certificate) ]] && pass || fail "certificate kept"
expect_status 1 capfctl -e SEP0000000000E1 "$DB"
expect_one_line_error "no certificate"
expect_status 0 capfctl -n SEP0000000000E1 "$DB"
expect_status 0 enrol SEP0000000000E1
expect_out "Operation: +none"
expect_out "done \(reason 0\)"

# --- malformed frames and garbage: the server ends them and goes on -----------
# raw_tls HEX: reads the server's AUTH_REQ, then sends HEX (ID there
# replaced by its session id) over TLS and prints the answer's first 12
# bytes in hex (an END_SESSION is 12 bytes).
raw_tls() {
    local pid auth
    rm -f raw.in raw.out
    mkfifo raw.in
    timeout 10 openssl s_client -connect "127.0.0.1:$PORT" -quiet <raw.in >raw.out 2>/dev/null &
    pid=$!
    exec 4>raw.in
    wait_bytes() { # N: until raw.out holds N bytes (or 5 s)
        for _ in $(seq 100); do
            [[ -f raw.out && $(stat -c %s raw.out) -ge $1 ]] && return 0
            sleep 0.05
        done
    }
    wait_bytes 16
    auth=$(xxd -p -l 16 raw.out | tr -d '\n')
    printf '%s' "${1//ID/${auth:4:8}}" | xxd -r -p >&4
    wait_bytes 28
    exec 4>&-
    wait "$pid" 2>/dev/null || true
    if [[ $auth == 5501????????00080700010308000100 ]]; then
        xxd -p -s 16 -l 12 raw.out | tr -d '\n'
    else
        echo "no AUTH_REQ: $auth"
    fi
}
end7='550f????????000401000107'
# a wrong protocol byte; an element running past the body; an unknown
# command; a frame of another session; a bad device name
for frame in 5602ID0000 5502ID00040d000953 5563ID0000 550200000000000000 \
    5502ID00130d00102e2e2f45503030313132323333343400; do
    answer=$(raw_tls "$frame")
    [[ $answer == $end7 ]] && pass || fail "no END_SESSION 7 for $frame: $answer"
done
# garbage before the handshake
exec 3<>"/dev/tcp/127.0.0.1/$PORT"
printf 'GET / HTTP/1.0\r\n\r\n' >&3 2>/dev/null || true
timeout 5 cat <&3 >/dev/null 2>&1 || true
exec 3>&-
expect_log_line "$WORK/capfd.log" "malformed"
expect_status 0 capfctl -n SEP0000000000E3 "$DB"
expect_status 0 enrol SEP0000000000E3 # still serving
stop_capfd

# --- a slow client cannot hold a slot: the session deadline ends it, and
# a phone is served meanwhile (two connections at most)
# The deadline must outlast a whole enrolment: under valgrind a handshake
# alone takes seconds.
deadline=2
[[ ${CISCOSEC_VALGRIND:-0} == 1 ]] && deadline=30
start_capfd -t "$deadline" -L 2 "$DB"
exec 5<>"/dev/tcp/127.0.0.1/$PORT"
# A TLS record header announcing 512 bytes, then a byte a second: never a
# whole ClientHello, so only the deadline ends it.
printf '\x16\x03\x01\x02\x00' >&5
(for ((k = 0; k < deadline + 4; k++)); do printf '\x01' >&5 2>/dev/null || break; sleep 1; done) &
slow=$!
expect_status 0 capfctl -n SEP0000000000E3 "$DB"
expect_status 0 enrol SEP0000000000E3
expect_out "done \(reason 0\)"
wait "$slow" || true
exec 5>&-
expect_log_line "$WORK/capfd.log" "timed out"
expect_status 0 enrol SEP0000000000E3 # the slot is free again
stop_capfd

# --- IPv6, and TLS 1.0 offered when asked for (mbedTLS 2.28 can; 3.x
# cannot, and the engine's own tests check that it says so)
tls10=()
[[ $(ciscosec --version) == *"mbedTLS 2."* ]] && tls10=(--tlsv1)
if ip -6 addr show lo 2>/dev/null | grep -q '::1'; then
    CAPF_HOST='[::1]'
    start_capfd "${tls10[@]}" "$DB"
    expect_status 0 enrol SEP0000000000E3 "${tls10[@]}"
    expect_log_line "$WORK/capfd.log" '^capfd: \[::1\]:[0-9]* SEP0000000000E3 none: nothing scheduled'
    stop_capfd
    CAPF_HOST=127.0.0.1
else
    echo "SKIP: no IPv6 loopback"
fi

# --- the reference's database, as it is -----------------------------------------
cp "$S/capf-reference.sqlite3" ref.sqlite3
expect_status 0 capfctl -l ref.sqlite3
expect_out "Device Name: +SEP0011223344BB"
expect_out "Serial Number: +7e275199a2c417157d28c7a58d9825d9"
expect_status 0 capfctl -e SEP001122334455 ref.sqlite3
expect_same_file "$WORK/out" "$S/SEP001122334455-issued.pem"
mkdir refcerts
start_capfd ref.sqlite3 refcerts
expect_status 0 enrol SEP0011223344BB -p 111111
[[ -s refcerts/SEP0011223344BB.pem ]] && pass || fail "no certificate from the reference database"
[[ $(sqlite3 ref.sqlite3 "SELECT typeof(certificate) FROM devices
      WHERE device_name = 'SEP0011223344BB'") == blob ]] && pass || fail "PEM not stored as a BLOB"
stop_capfd

# --- encrypted keys -----------------------------------------------------------
# The issuing key and the phone's LSC key encrypted, their passphrase from
# a file (the server asks once for its keys); a wrong one is exit 2.
openssl x509 -in capf.pem -out issuer.pem
openssl pkey -in capf.pem -aes256 -passout pass:hunter22 >>issuer.pem
printf 'hunter22\n' >pass.txt
printf 'wrong\n' >wrong.txt
expect_status 2 capfd -A capf.pem -i issuer.pem --passphrase-file wrong.txt \
    --listen 127.0.0.1:0 "$DB"
expect_one_line_error "issuer.pem"
if command -v setsid >/dev/null; then
    expect_status 2 setsid -w capfd -A capf.pem -i issuer.pem --listen 127.0.0.1:0 "$DB" \
        </dev/null
    expect_one_line_error "give its passphrase with --passphrase-file FILE"
fi
start_capfd -i issuer.pem --passphrase-file pass.txt "$DB"
expect_status 0 capfctl -i SEP000000002048 -c "$DB"
openssl x509 -in phone/SEP000000002048.pem -out enc-lsc.pem
openssl pkey -in phone/SEP000000002048.pem -aes256 -passout pass:hunter22 >>enc-lsc.pem
expect_status 2 enrol SEP000000002048 -l enc-lsc.pem --passphrase-file wrong.txt
expect_one_line_error "enc-lsc.pem"
LSC_PASS=hunter22 expect_status 0 enrol SEP000000002048 -l enc-lsc.pem --passphrase-env LSC_PASS
check_install SEP000000002048 "Public-Key: (2048 bit)"

# SIGHUP reloads the issuing certificate, with the passphrase kept from the
# start (its file is gone by then): the next LSC is the new issuer's. A
# broken file keeps the one before.
openssl req -x509 -newkey rsa:2048 -nodes -keyout new-key.pem -subj "/CN=CAPF2/O=Lab/OU=Voice" \
    -days 30 -out new-issuer.pem 2>/dev/null
cp new-issuer.pem issuer.tmp
openssl pkey -in new-key.pem -aes256 -passout pass:hunter22 >>issuer.tmp
mv issuer.tmp issuer.pem
rm pass.txt
# reload_then_issue LOG-PATTERN WHAT: SIGHUP, the log line, then an install
# whose LSC must chain to new-issuer.pem.
reload_then_issue() {
    kill -HUP "$CAPFD_PID"
    expect_log_line "$WORK/capfd.log" "$1"
    expect_status 0 capfctl -i SEP0000000000E1 -E secp256r1 "$DB"
    expect_status 0 enrol SEP0000000000E1
    openssl verify -CAfile new-issuer.pem state/SEP0000000000E1.pem >/dev/null 2>&1 && pass ||
        fail "$2: the LSC is not the new issuer's"
}
reload_then_issue "reloaded the issuing certificate '.*issuer.pem'" "after SIGHUP"
printf 'not a certificate\n' >issuer.pem
reload_then_issue "cannot reload, keeping the old: .*issuer.pem" "after a broken file"
stop_capfd

# --- the native verbs -------------------------------------------------------------
expect_status 0 ciscosec capf add n.sqlite3 SEP00000000AAAA fetch --password 42
expect_status 0 ciscosec capf show n.sqlite3 SEP00000000AAAA
expect_out "Operation: +fetch"
expect_out "Authentication: +password"
expect_status 0 ciscosec capf list n.sqlite3
expect_status 0 ciscosec capf add n.sqlite3 SEP00000000AAAA --curve secp521r1
expect_status 0 ciscosec capf show n.sqlite3 SEP00000000AAAA
expect_out "Operation: +install"
expect_out "Curve: +secp521r1"
expect_status 0 ciscosec capf show n.sqlite3 SEP00000000aaaa # stored as phones send it
expect_out "Device Name: +SEP00000000AAAA"
expect_status 0 ciscosec capf remove n.sqlite3 SEP00000000AAAA
expect_status 1 ciscosec capf show n.sqlite3 SEP00000000AAAA
expect_one_line_error "not in the database"
expect_status 1 capfctl -r SEP00000000AAAA n.sqlite3

# --- bad command lines --------------------------------------------------------------
expect_status 2 capfctl -i ../../etc/passwd n.sqlite3
expect_one_line_error "invalid device name"
expect_status 2 capfctl -i SEP00000000AAAA -b 1000 n.sqlite3
expect_status 2 capfctl -i SEP00000000AAAA -E secp192r1 n.sqlite3
expect_status 2 capfctl -i SEP00000000AAAA -l n.sqlite3
expect_status 2 capfctl n.sqlite3
expect_status 2 capfd n.sqlite3
expect_one_line_error "--capf CERT is required"
expect_status 2 capfd -A capf.pem -d 4000 n.sqlite3
expect_status 2 capfd -A missing.pem --listen 127.0.0.1:0 n.sqlite3
expect_one_line_error "missing.pem"
expect_status 2 capfd -A capf.pem --listen 127.0.0.1:0 missing-dir/none.sqlite3
expect_status 2 ciscosec capf
expect_status 2 capfc "SEP0000000000E1; rm"
expect_status 1 capfc -h 127.0.0.1:1 -t 2 SEP0000000000E1
expect_status 0 capfctl --help
expect_out "--install DEVICE"

finish
