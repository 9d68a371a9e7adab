#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec cert show: the report for the reference's certificates (read at
# fixed dates with faketime), fingerprints as openssl computes them, and
# exit 1 for an expired, not yet valid or mismatched file.
source "$(dirname "$0")/lib/common.bash"
V=$DATA/vectors

# Key files as mkcert leaves them (0600), so that no permission warning
# joins the errors under test.
for f in sast.pem apache-ec.pem signer4096.pem asterisk.pem; do
    install -m 600 "$V/$f" "$WORK/$f"
done
install -m 600 "$DATA/keys/asterisk-cert.der" "$WORK/asterisk-cert.der"

# at TIME COMMAND...: runs COMMAND with the clock stopped at TIME (UTC; -f:
# a clock that ran on would put slow runs a day off at midnight). ASan
# wants to be the first library loaded, which faketime's preload is not.
at() {
    local when=$1
    shift
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
        faketime -f "$when" "$@"
}

fingerprint() { # FILE DIGEST: lower-case hex, no colons
    openssl x509 -in "$1" -noout -fingerprint "-$2" | sed 's/.*=//; s/://g' | tr 'A-F' 'a-f'
}

days_between() { # FROM TO (dates): whole days
    echo $((($(date -u -d "$2" +%s) - $(date -u -d "$1" +%s)) / 86400))
}

if command -v faketime >/dev/null; then
    # The whole report, for the SAST certificate on 2030-01-01.
    expect_status 0 at '2030-01-01 00:00:00' ciscosec cert show sast.pem
    cat >"$WORK/want" <<EOF
File:                sast.pem
Subject:             CN=SAST,O=SAST,OU=SAST
Issuer:              CN=SAST,O=SAST,OU=SAST (self-signed)
Serial Number:       c1f7893d9e6eeb9c326a899bac5ee9fd
Not Before:          2026-11-28T00:00:00Z
Not After:           2046-11-28T00:00:00Z
Validity:            $(days_between 2030-01-01 2046-11-28) days left
Key:                 RSA 2048 bits
Signature Digest:    SHA256
SHA-1 Fingerprint:   $(fingerprint sast.pem sha1)
SHA-256 Fingerprint: $(fingerprint sast.pem sha256)
certHash (MD5):      $(fingerprint sast.pem md5)
Private Key:         yes
Roles:               SAST, CCM, CCM+TFTP, TFTP, CAPF, APP-SERVER, TVS
Can Sign:            yes: trust lists as SAST, configuration files as TFTP
Names:               CN, O and OU, as phones need

EOF
    expect_same_file "$WORK/out" "$WORK/want"
    [[ -s $WORK/err ]] && fail "stderr: $(cat "$WORK/err")" || pass

    # Expired, and not yet valid: exit 1, the reason on stderr.
    expect_status 1 at '2047-01-01 00:00:00' ciscosec cert show sast.pem
    grep -qx 'Validity:            expired 34 days ago' "$WORK/out" && pass || fail "expired: $(grep Validity "$WORK/out")"
    expect_one_line_error "^ciscosec cert: 'sast.pem': the certificate has expired$"
    expect_status 1 at '2026-11-27 12:00:00' ciscosec cert show sast.pem
    grep -qx 'Validity:            not yet valid, starts in 1 day' "$WORK/out" && pass ||
        fail "not yet valid: $(grep Validity "$WORK/out")"
    expect_one_line_error "'sast.pem': the certificate is not valid yet$"
    # The last second of validity still counts.
    expect_status 0 at '2046-11-28 00:00:00' ciscosec cert show sast.pem

    # The reference's EC certificate: roles for HTTPS provisioning, no signing.
    expect_status 0 at '2030-01-01 00:00:00' ciscosec cert show apache-ec.pem
    grep -qx 'Key:                 EC secp384r1 (384 bits)' "$WORK/out" && pass || fail "apache-ec key: $(grep Key: "$WORK/out")"
    grep -qx 'Roles:               TFTP (HTTPS provisioning, trust list version 1.1), CCM (TLS), APP-SERVER' "$WORK/out" &&
        pass || fail "apache-ec roles: $(grep Roles: "$WORK/out")"
    grep -q '^Can Sign: *no: ' "$WORK/out" && pass || fail "apache-ec can sign?"
    grep -qx 'Private Key:         yes' "$WORK/out" && pass || fail "apache-ec: SEC1 key not found"

    # RSA over 2048 bits: no role on a phone.
    expect_status 0 at '2030-01-01 00:00:00' ciscosec cert show signer4096.pem
    grep -qx 'Roles:               none: phones support RSA keys up to 2048 bits' "$WORK/out" &&
        pass || fail "signer4096 roles: $(grep Roles: "$WORK/out")"
    grep -qx 'Signature Digest:    SHA512' "$WORK/out" && pass || fail "signer4096 digest"

    # A certificate without its key, in DER.
    expect_status 0 at '2030-01-01 00:00:00' ciscosec cert show asterisk-cert.der
    grep -qx 'Private Key:         no' "$WORK/out" && pass || fail "DER: private key?"
    grep -qx 'Can Sign:            no: the file holds no private key' "$WORK/out" && pass || fail "DER: can sign?"
    grep -qx "SHA-1 Fingerprint:   $(fingerprint asterisk.pem sha1)" "$WORK/out" && pass || fail "DER: fingerprint"
fi

# A key that is not the certificate's: "mismatch", exit 1.
{ sed -n '/BEGIN PRIVATE KEY/,/END PRIVATE KEY/p' asterisk.pem
  sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' sast.pem; } >mixed.pem
chmod 600 mixed.pem
expect_status 1 ciscosec cert show mixed.pem
grep -qx 'Private Key:         mismatch' "$WORK/out" && pass || fail "mixed.pem: $(grep 'Private Key' "$WORK/out")"
grep -qx 'Can Sign:            no: the private key does not match' "$WORK/out" && pass || fail "mixed.pem can sign?"
expect_one_line_error "'mixed.pem': the private key does not match the certificate"

# --json: the same facts, one document per file.
expect_status 1 ciscosec cert show --json mixed.pem
for line in '"command": "cert show",' '"file": "mixed.pem",' '"subject": "CN=SAST,O=SAST,OU=SAST",' \
    '"serial_number": "c1f7893d9e6eeb9c326a899bac5ee9fd",' '"not_before": "2026-11-28T00:00:00Z",' \
    '"key_algorithm": "RSA",' '"key_bits": 2048,' "\"sha1_fingerprint\": \"$(fingerprint sast.pem sha1)\"," \
    "\"cert_hash\": \"$(fingerprint sast.pem md5)\"," '"private_key": "mismatch",' '"can_sign": false,' '"missing_names": [],' \
    '"chain_complete": true'; do
    grep -qxF "  $line" "$WORK/out" && pass || fail "--json: no line '$line'"
done
expect_one_line_error "'mixed.pem': the private key does not match the certificate"
expect_status 0 ciscosec cert show --json apache-ec.pem
grep -qxF '  "curve": "secp384r1",' "$WORK/out" && pass || fail "--json: no curve"
[[ $(grep -c '"schema_version": 1' "$WORK/out") == 1 ]] && pass || fail "--json: one document"
expect_status 0 ciscosec cert show --json apache-ec.pem sast.pem
[[ $(grep -c '"schema_version": 1' "$WORK/out") == 2 ]] && pass || fail "--json: one document per file"

# A freshly made certificate is valid today for 10 years.
expect_status 0 mkcert -c Fresh -o O -u U -E secp256r1 fresh.pem
expect_status 0 ciscosec cert show fresh.pem
grep -Eqx 'Validity:            365[0-3] days left' "$WORK/out" && pass || fail "fresh: $(grep Validity "$WORK/out")"
grep -qx 'Issuer:              CN=Fresh,O=O,OU=U (self-signed)' "$WORK/out" && pass || fail "fresh issuer"
[[ -s $WORK/err ]] && fail "stderr: $(cat "$WORK/err")" || pass

# Several files: each reported; the worst status wins (error over invalid).
expect_status 2 ciscosec cert show fresh.pem missing.pem mixed.pem
[[ $(grep -c '^File:' "$WORK/out") == 2 ]] && pass || fail "two reports expected"
grep -q "'missing.pem': cannot open" "$WORK/err" && pass || fail "missing.pem not reported"
expect_status 1 ciscosec cert show fresh.pem mixed.pem

# A readable private key is worth a warning; a key alone is no certificate.
install -m 644 "$V/sast.pem" open.pem
expect_status 0 ciscosec cert show open.pem
grep -q "warning: 'open.pem': the private key can be read by everyone" "$WORK/err" && pass ||
    fail "no warning for a world-readable key: $(cat "$WORK/err")"
expect_status 2 ciscosec cert show "$DATA/keys/asterisk-key-pkcs8.pem"
expect_one_line_error "no certificate in the file"
expect_status 2 ciscosec cert show
expect_one_line_error "no file given"
expect_status 0 ciscosec cert show --help

finish
