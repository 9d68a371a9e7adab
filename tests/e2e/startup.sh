#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Start fast (issue 14): commands that read no XML and check no SRTP load
# no XML library (expat, or libxml2 with the ICU and libstdc++ behind it)
# and no libsrtp2 (nor NSS behind it). The dynamic loader says what it
# loads (LD_DEBUG=libs), with no help from ldd. The commands that read XML
# (enc build, verify tftpboot) load expat on demand, and verify srtp
# libsrtp2, each then and only then (include/ciscosec/dynlib.h).
source "$(dirname "$0")/lib/common.bash"

CISCOSEC=$BIN/ciscosec # itself, not a memcheck shim: the loader's report is the test

# loaded COMMAND...: runs ciscosec COMMAND (status in $WORK/status) and
# prints the file name of every shared object the loader initialised.
loaded() {
    local status=0
    LD_DEBUG=libs "$CISCOSEC" "$@" 2>"$WORK/ld.txt" >/dev/null || status=$?
    echo "$status" >"$WORK/status"
    sed -n 's/.*calling init: //p' "$WORK/ld.txt" | xargs -rn1 basename | sort -u
}

xml='^libexpat\.so'
heavy='^(libxml2|libicu[a-z]*|libstdc\+\+|libsrtp2|libnss3|libnspr4|libnssutil3|libsmime3)\.so'
# A sanitizer build's runtime (libasan, libubsan) brings libstdc++ itself.
if grep -Eq '^lib(a|ub)san\.so' <<<"$(loaded --version)"; then
    heavy=${heavy/'|libstdc\+\+'/}
fi

# expect_loads STATUS NAME XML COMMAND...: COMMAND exits STATUS (a regular
# expression: 0|1 for either), loads none
# of the heavy libraries, and loads expat when XML is "xml", not when it is
# "-".
expect_loads() {
    local want=$1 name=$2 reads_xml=$3 libs
    shift 3
    libs=$(loaded "$@")
    if ! [[ $(cat "$WORK/status") =~ ^($want)$ ]]; then
        fail "$name: exit $(cat "$WORK/status")"
    elif ! grep -q '^libmbedcrypto\.so' <<<"$libs"; then
        # The loader's report must be read at all, or the test proves nothing.
        fail "$name: no libmbedcrypto in the loader's report: $libs"
    elif grep -Eq "$heavy" <<<"$libs"; then
        fail "$name loads $(grep -E "$heavy" <<<"$libs" | tr '\n' ' ')"
    elif [[ $reads_xml == xml ]] && ! grep -Eq "$xml" <<<"$libs"; then
        fail "$name reads XML but loads no libexpat: $(tr '\n' ' ' <<<"$libs")"
    elif [[ $reads_xml != xml ]] && grep -Eq "$xml" <<<"$libs"; then
        fail "$name reads no XML but loads $(grep -E "$xml" <<<"$libs" | tr '\n' ' ')"
    else
        pass
    fi
}

cp "$DATA/vectors/asterisk.pem" "$DATA/vectors/device.pem" "$DATA/vectors/DialTemplate.xml" .
cp "$DATA/vectors/sast.pem" .
cp "$DATA/vectors/SEP58971ECC97C1.cnf.xml.orig" SEP58971ECC97C1.cnf.xml

# No XML, no SRTP: none of them.
expect_loads 0 "--version" - --version
expect_loads 0 "sgn build" - sgn build DialTemplate.xml --tftp asterisk.pem
expect_status 0 ciscosec sgn parse DialTemplate.xml.sgn --tftp asterisk.pem
expect_loads 0 "tlv build" - tlv build ITLFile.tlv --sast asterisk.pem --tftp asterisk.pem
expect_status 0 ciscosec tlv parse ITLFile.tlv
# 1 when the machine's clock is outside the certificate's validity.
expect_loads '0|1' "cert show" - cert show sast.pem
# XML: expat, and still none of the others.
expect_loads 0 "enc build" xml enc build SEP58971ECC97C1.cnf.xml -t asterisk.pem -c device.pem --keep
expect_status 0 ciscosec enc parse SEP58971ECC97C1.cnf.xml.enc.sgn --tftp asterisk.pem
# Findings (exit 1: the plaintext lies beside its .enc.sgn), read from XML.
expect_loads 1 "verify tftpboot" xml verify tftpboot .

# --version names each library; expat and libsrtp2, not yet loaded, by
# the version built against.
expect_status 0 ciscosec --version
expect_out '^XML with expat [0-9]+\.[0-9]+\.[0-9]+ \(built against; loaded on demand\)$'
expect_out '^SRTP checks with libsrtp2 [0-9.]+ \(built against; loaded on demand\)$'

# verify srtp loads it, and only then.
libs=$(loaded verify srtp)
if [[ $(cat "$WORK/status") != 0 ]] || ! grep -q '^libsrtp2\.so' <<<"$libs"; then
    fail "verify srtp: exit $(cat "$WORK/status"), loaded: $(tr '\n' ' ' <<<"$libs")"
else
    pass
fi
expect_status 0 ciscosec verify srtp
expect_out '^libsrtp2 [0-9]+\.[0-9]+'
expect_out '^Accepted: every suite phones offer works$'

finish
