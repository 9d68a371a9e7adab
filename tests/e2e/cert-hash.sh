#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec cert hash and certhash: the same text as the reference printed
# (vectors/*.certhash-*.txt), and one-line errors.
source "$(dirname "$0")/lib/common.bash"
V=$DATA/vectors

for pem in sast.pem asterisk.pem apache-ec.pem signer4096.pem; do
    expect_status 0 certhash "$V/$pem"
    expect_same_file "$WORK/out" "$V/$pem.certhash-sha1.txt"
    expect_status 0 certhash -d sha1 "$V/$pem"
    expect_same_file "$WORK/out" "$V/$pem.certhash-sha1.txt"
    expect_status 0 certhash --digest sha512 "$V/$pem"
    expect_same_file "$WORK/out" "$V/$pem.certhash-sha512.txt"
    # The option after the file; the new spelling.
    expect_status 0 certhash "$V/$pem" -d SHA512
    expect_same_file "$WORK/out" "$V/$pem.certhash-sha512.txt"
    expect_status 0 ciscosec cert hash --digest sha512 "$V/$pem"
    expect_same_file "$WORK/out" "$V/$pem.certhash-sha512.txt"
done

# A certificate alone, in PEM or DER, hashes the same.
for f in asterisk-cert.pem asterisk-cert.der; do
    expect_status 0 certhash "$DATA/keys/$f"
    expect_same_file "$WORK/out" "$V/asterisk.pem.certhash-sha1.txt"
done
# As openssl computes it.
openssl x509 -in "$V/sast.pem" -outform DER | openssl dgst -sha1 -binary | base64 >"$WORK/want"
expect_status 0 certhash "$V/sast.pem"
expect_same_file "$WORK/out" "$WORK/want"

# Errors: exit 2, one line naming the file, nothing on stdout.
expect_status 2 certhash "$WORK/missing.pem"
expect_one_line_error "^certhash: '$WORK/missing.pem': cannot open"
expect_status 2 certhash "$DATA/keys/asterisk-key-pkcs8.pem"
expect_one_line_error "asterisk-key-pkcs8.pem': no certificate"
expect_status 2 certhash -d sha256 "$V/sast.pem"
expect_one_line_error "invalid digest 'sha256'"
expect_status 2 certhash
expect_one_line_error 'no certificate given'
expect_status 2 certhash "$V/sast.pem" "$V/asterisk.pem"
expect_one_line_error 'one certificate at a time'
expect_status 2 certhash --bogus "$V/sast.pem"
expect_one_line_error "unknown option '--bogus'"
[[ -s $WORK/out ]] && fail "stdout not empty on error" || pass
expect_status 0 certhash --help
grep -q -- '--digest' "$WORK/out" && pass || fail "certhash --help"

finish
