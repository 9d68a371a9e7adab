#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec verify srtp on the system's libsrtp 2 (Debian's is built with
# NSS, so the AES-GCM suites work too), and its version in --version.
source "$(dirname "$0")/lib/verify.bash" # before common.bash, which changes directory
source "$(dirname "$0")/lib/common.bash"

expect_status 0 ciscosec verify srtp
expect_out '^libsrtp2? [0-9]+\.[0-9]+'
for suite in AES_CM_128_HMAC_SHA1_80 AES_CM_128_HMAC_SHA1_32 AEAD_AES_128_GCM AEAD_AES_256_GCM; do
    expect_out "^$suite +OK: RTP and RTCP protected and unprotected, tampering refused$"
done
expect_out '^Accepted: every suite phones offer works$'
expect_not_out 'FAILED'
if version=$(pkg-config --modversion libsrtp2 2>/dev/null); then
    expect_out "^libsrtp2 ${version//./\\.}$"
fi

expect_status 0 ciscosec --version
expect_out '^SRTP checks with libsrtp2 [0-9]'

expect_status 2 ciscosec verify srtp extra
expect_status 2 ciscosec verify srtp --at 2030-01-01
expect_status 2 ciscosec verify srtp --itl ITLFile.tlv

finish
