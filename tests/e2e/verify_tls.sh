#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec verify tls against real TLS servers on the loopback interface
# (openssl s_server, a test-only dependency): the right certificate, a
# wrong one (in the list, another role), an unlisted one, nothing
# listening, a failed handshake. Only 127.0.0.1 and ::1 are used.
source "$(dirname "$0")/lib/verify.bash" # before common.bash, which changes directory
source "$(dirname "$0")/lib/common.bash"

if ! command -v openssl >/dev/null; then
    echo "SKIP: no openssl command to run a TLS server"
    exit 77
fi

source "$SRC/tests/e2e/lib/tls_server.bash" # after common.bash: it needs WORK

tls() { expect_status "$1" ciscosec verify tls "${@:2}"; }

# Certificates made by ciscosec, valid from today: checked at the real time.
expect_status 0 ciscosec cert new --common Asterisk --organization Asterisk --unit Asterisk ccm.pem
expect_status 0 ciscosec cert new --common Apache-EC --organization Apache-EC --unit Asterisk-EC \
    --curve secp384r1 https.pem
expect_status 0 ciscosec cert new --common Apache --organization Apache --unit Apache xml.pem
cp "$V"/{sast,asterisk,apache}.pem .
expect_status 0 ciscosec tlv build ITLFile.tlv --version 1.1 --sast sast.pem --ccm ccm.pem \
    --tftp https.pem --app-server xml.pem
expect_status 0 ciscosec tlv build Unlisted.tlv --sast sast.pem --ccm asterisk.pem
expect_status 0 ciscosec tlv build V10.tlv --sast sast.pem --tftp https.pem

# --- SIP over TLS (role ccm, the default) ----------------------------------------
start_server 127.0.0.1 -cert ccm.pem -key ccm.pem || fail "cannot start openssl s_server"
tls 0 "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_out "^Connected to 127\\.0\\.0\\.1:$PORT \\(127\\.0\\.0\\.1\\): TLSv1\\.[23], TLS"
expect_out "^127\\.0\\.0\\.1:$PORT: OK: its certificate is in ITLFile\\.tlv"
expect_out '^Accepted: '
# Options first, and the role spelled out.
tls 0 --role CCM --itl ITLFile.tlv "127.0.0.1:$PORT"
# Every role name of tlv and cert that names a service (CCM+TFTP: its SIP),
# and the deprecated short letters (docs/cli.md).
tls 0 "127.0.0.1:$PORT" --itl ITLFile.tlv --role ccm+tftp
tls 0 "127.0.0.1:$PORT" --itl ITLFile.tlv -r ccm -t 5
# The same server for a service it does not hold the role of.
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv --role app-server
expect_finding "127.0.0.1:$PORT" error tls-cert-role "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_out 'record 2 \(CCM\)$'
expect_only_rules tls-cert-role
# A list that does not hold the server's certificate (only another Asterisk).
tls 1 "127.0.0.1:$PORT" --itl Unlisted.tlv
expect_finding "127.0.0.1:$PORT" error tls-cert-unknown "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_only_rules tls-cert-unknown
expect_out '^Rejected: a phone would reject this \(1 error, 0 warnings\)$'
# HTTPS provisioning needs TFTP with an EC key.
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv --role tftp
expect_only_rules tls-cert-role tls-key-type

# --- a wrong certificate: in the list, as APP-SERVER -------------------------
start_server 127.0.0.1 -cert xml.pem -key xml.pem || fail "cannot start openssl s_server"
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_finding "127.0.0.1:$PORT" error tls-cert-role "CN=Apache,O=Apache,OU=Apache"
expect_out 'needs CCM or CCM\+TFTP'
tls 0 "127.0.0.1:$PORT" --itl ITLFile.tlv --role app-server

# --- HTTPS provisioning: an EC certificate with role TFTP ----------------------
start_server 127.0.0.1 -cert https.pem -key https.pem || fail "cannot start openssl s_server"
tls 0 "127.0.0.1:$PORT" --itl ITLFile.tlv --role tftp
expect_out 'ECDSA|TLS1-3'
tls 0 "127.0.0.1:$PORT" --itl V10.tlv --role tftp
expect_finding "127.0.0.1:$PORT" warning tls-https-list
expect_out '^Accepted: a phone would accept this \(1 warning\)$'
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv

# --- the server picks its certificate by SNI ---------------------------------------
start_server 127.0.0.1 -cert xml.pem -key xml.pem -servername sip.example.com \
    -cert2 ccm.pem -key2 ccm.pem || fail "cannot start openssl s_server"
tls 0 "127.0.0.1:$PORT" --itl ITLFile.tlv --servername sip.example.com
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_only_rules tls-cert-role

# --- the reference vectors, judged inside their validity -----------------------------
start_server 127.0.0.1 -cert asterisk.pem -key asterisk.pem || fail "cannot start openssl s_server"
tls 0 "127.0.0.1:$PORT" --itl "$V/ITLFile.tlv" "${AT[@]}"
tls 1 "127.0.0.1:$PORT" --itl "$V/ITLFile.tlv" --at 2040-01-01
expect_finding "127.0.0.1:$PORT" error cert-validity "CN=Asterisk,O=Asterisk,OU=Asterisk"

# --- no TLS session: the handshake fails (the server speaks only TLS 1.1,
# which phones and mbedTLS refuse), and then nothing listens at all -----------------
start_server 127.0.0.1 -cert ccm.pem -key ccm.pem -tls1_1 || fail "cannot start openssl s_server"
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_finding "127.0.0.1:$PORT" error tls-handshake
expect_out 'TLS handshake failed'
stop_server
tls 1 "127.0.0.1:$PORT" --itl ITLFile.tlv --timeout 2
expect_finding "127.0.0.1:$PORT" error tls-handshake
expect_out 'Connection refused'
expect_not_out '^Connected'

# --- IPv6 loopback, when this machine has it ---------------------------------------
if start_server '[::1]' -cert ccm.pem -key ccm.pem; then
    tls 0 "[::1]:$PORT" --itl ITLFile.tlv
    expect_out "^Connected to \\[::1\\]:$PORT \\(::1\\)"
else
    echo "note: no IPv6 loopback; [::1] not tested"
fi
stop_server

# --- usage ---------------------------------------------------------------------------
tls 2 127.0.0.1:5061
expect_one_line_error 'needs --itl'
tls 2 127.0.0.1:99999 --itl ITLFile.tlv
expect_one_line_error 'invalid HOST\[:PORT\]'
tls 2 --itl ITLFile.tlv
tls 2 127.0.0.1 --itl ITLFile.tlv --role sast
tls 2 127.0.0.1 --itl ITLFile.tlv --timeout 0
tls 2 127.0.0.1 --itl missing.tlv
expect_one_line_error "'missing.tlv'"

finish
