#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Signed headers laid out as the reference never writes them, made from
# DialTemplate.xml.sgn: fields in another order (Cisco's firmware headers
# put the serial number before the issuer name) and a child that runs past
# its container's end. parse prints what the reference prints, in the
# file's order; a straddling child is a warning in parse and a finding in
# verify, never a refusal. The reference files themselves raise neither.
source "$(dirname "$0")/lib/sgn.bash" # first: common.bash changes directory
source "$(dirname "$0")/lib/common.bash"

D=$V/DialTemplate.xml.sgn
REPORT=$V/DialTemplate.xml.sgn.parse.txt
NO_CERT="No certificate specified, unable to check signature"

# byte_at FILE OFFSET: one byte, in decimal.
byte_at() {
    od -An -tu1 -j "$2" -N1 "$1" | tr -d ' '
}

# slice FILE FROM TO: bytes [FROM, TO) of FILE.
slice() {
    tail -c +$(($2 + 1)) "$1" | head -c $(($3 - $2))
}

# The signer container (tag 3, 95 bytes) at 10 holds 4 at 13, 6 at 51 and
# 5 at 89; tag 7 follows at 108 (docs/formats.md, §2's dissection).
for at in 10:3 13:4 51:6 89:5 108:7; do
    [[ $(byte_at "$D" "${at%:*}") == "${at#*:}" ]] && pass || fail "no tag ${at#*:} at ${at%:*}"
done

# --- the reference files: no warning ---------------------------------------
for vector in "$V"/*.sgn; do
    expect_status 0 ciscosec sgn parse "$vector"
    expect_no_stderr
done
for vector in "$V"/*.tlv; do
    expect_status 0 ciscosec tlv parse "$vector"
    expect_no_stderr
done

# --- serial number before issuer name --------------------------------------
{ slice "$D" 0 51; slice "$D" 89 108; slice "$D" 51 89; tail -c +109 "$D"; } >reordered.sgn
{
    sed -n 1,3p "$REPORT"
    sed -n 5p "$REPORT" # Serial Number
    sed -n 4p "$REPORT" # Issuer Name
    sed -n 6,10p "$REPORT"
    echo "$NO_CERT"
} >want-reordered.txt
expect_status 0 ciscosec sgn parse reordered.sgn
expect_same_file out want-reordered.txt
expect_no_stderr
expect_status 0 sgnfile --parse reordered.sgn
expect_same_file out want-reordered.txt
# The normal order is still the normal order.
expect_status 0 ciscosec sgn parse "$D"
{
    head -n 10 "$REPORT"
    echo "$NO_CERT"
} >want.txt
expect_same_file out want.txt

# --- tag 5 runs one byte past the signer container -------------------------
cp "$D" straddle.sgn
printf '\x5e' | dd of=straddle.sgn bs=1 seek=12 conv=notrunc status=none
WARNING="warning: 'straddle.sgn': header element with tag 5 at offset 89 runs past the end of its container (tag 3 at offset 10)"
expect_status 0 ciscosec sgn parse straddle.sgn
expect_same_file out want.txt
expect_one_line_error "^ciscosec sgn: ${WARNING//[()]/.}\$"
expect_status 0 sgnfile --parse straddle.sgn
expect_same_file out want.txt
expect_one_line_error "^sgnfile: ${WARNING//[()]/.}\$"
# The header changed under the signature: invalid, and still the warning.
expect_status 1 ciscosec sgn parse straddle.sgn --tftp "$V/asterisk.pem"
expect_err "^ciscosec sgn: ${WARNING//[()]/.}\$"
tail -n1 out | grep -qx 'Invalid signature' && pass || fail "straddle: no 'Invalid signature'"

# verify: a header-nesting warning beside the signature error.
expect_status 1 ciscosec verify file --at 2030-01-01T00:00:00Z --itl "$V/ITL-v1.1-sha512.tlv" \
    straddle.sgn
expect_out '^straddle\.sgn: warning \[header-nesting\]: header element with tag 5 at offset 89 '
expect_out '^straddle\.sgn: error \[sgn-signature\]: '

finish
