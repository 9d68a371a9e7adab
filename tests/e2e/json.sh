#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# --json on every report: each document parses with a real JSON parser
# (python3's json), carries the schema fields, and says what the text
# report says; the exit statuses stay those of the text reports.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
cp "$V"/{sast,asterisk,device}.pem .
chmod 600 ./*.pem

# json_check STATUS PYTHON-EXPR COMMAND...: runs COMMAND, expects STATUS,
# parses stdout as JSON into `d` and asserts the Python expression.
json_check() {
    local want=$1 expr=$2
    shift 2
    expect_status "$want" "$@"
    if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema_version"] == 1, "schema_version"
assert d["command"], "command"
assert eval("(" + sys.argv[2] + "\n)"), sys.argv[2]
' "$WORK/out" "$expr" 2>"$WORK/py"; then pass; else
        fail "JSON of '$*': $(tail -n 1 "$WORK/py")"
    fi
}

json_check 0 'd["signature"] == "valid" and len(d["records"]) == 3 and d["records"][0]["role"] == "SAST"
    and d["header"]["timestamp"] == "2026-01-02T03:04:06Z" and d["header"]["serial_number"] == "c1f7893d9e6eeb9c326a899bac5ee9fd"' \
    ciscosec tlv parse --json "$V/ITLFile.tlv"
json_check 0 'd["signature"] == "valid"' tlvfile --parse "$V/ITLFile.tlv" --json

cp "$V/ITLFile.tlv" tampered.tlv
printf '\x00' | dd of=tampered.tlv bs=1 seek=2000 conv=notrunc status=none
json_check 1 'd["signature"] == "invalid" and "problem" in d' ciscosec tlv parse --json tampered.tlv

json_check 0 'd["signature"] == "unchecked" and d["header"]["digest_algorithm"] == "SHA512"
    and d["header"]["filename"] == "Templates/DialTemplate.xml.sgn"' \
    ciscosec sgn parse --json "$V/DialTemplate.xml.sgn"
json_check 0 'd["signature"] == "valid" and d["body_length"] == 70000' \
    sgnfile --parse "$V/firmware.bin.sgn" --tftp "$V/signer4096.pem" --json
json_check 1 'd["signature"] == "invalid"' ciscosec sgn parse --json "$V/DialTemplate.xml.sgn" --tftp sast.pem

json_check 0 'd["signature"] == "valid" and d["header"]["encryption"]["digest"] == "a248ca7bcf8b042a7d93ec606db8a0a74003b809"' \
    ciscosec enc parse --json "$V/SEP58971ECC97C1.cnf.xml.enc.sgn" --tftp asterisk.pem
json_check 1 'd["signature"] == "invalid"' \
    enccnf --parse "$V/SEP58971ECC97C1.cnf.xml.enc.sgn" --tftp sast.pem --json

json_check 0 'd["subject"] == "CN=Asterisk,O=Asterisk,OU=Asterisk" and d["private_key"] == "yes" and d["can_sign"]' \
    ciscosec cert show --json asterisk.pem

json_check 0 'd["verdict"] == "accepted" and d["files_checked"] == 1 and d["findings"] == []' \
    ciscosec verify file --json "$V/ITLFile.tlv"
json_check 1 'd["verdict"] == "rejected" and any(f["rule"] == "tlv-signature" for f in d["findings"])' \
    ciscosec verify file --json tampered.tlv
json_check 0 'd["verdict"] == "accepted"' ciscosec verify rollover --json "$V/ITLFile.tlv" "$V/ITL-v1.1-sha512.tlv"
json_check 0 'len(d["suites"]) == 4 and all(s["works"] for s in d["suites"])' ciscosec verify srtp --json
mkdir tftpboot
cp "$V/ITLFile.tlv" tftpboot/
json_check 0 'd["summary"]["trust_lists"] == 1 and d["verdict"] == "accepted"' \
    ciscosec verify tftpboot --json tftpboot

# Errors stay one line on stderr, with no JSON document.
expect_status 2 ciscosec tlv parse --json missing.tlv
expect_one_line_error "missing.tlv"
[[ ! -s $WORK/out ]] && pass || fail "a JSON document was printed for an unreadable file"

finish
