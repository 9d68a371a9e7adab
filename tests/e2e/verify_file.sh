#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec verify file: trust lists and signed files as a phone judges
# them, each rule met and then broken; files built here by ciscosec.
source "$(dirname "$0")/lib/verify.bash" # before common.bash, which changes directory
source "$(dirname "$0")/lib/common.bash"

# --- a good deployment ----------------------------------------------------
cp "$V"/{sast,sast2,asterisk,apache,apache-ec,device,signer4096}.pem .
cp "$DATA/verify/secp256k1.pem" "$V/SEP58971ECC97C1.cnf.xml.orig" "$V/DialTemplate.xml" .
expect_status 0 ciscosec tlv build ITLFile.tlv --version 1.1 --sast sast.pem --sast sast2.pem \
    --ccm-tftp asterisk.pem --tftp apache-ec.pem --app-server apache.pem
expect_status 0 ciscosec sgn build DialTemplate.xml --tftp asterisk.pem
cp SEP58971ECC97C1.cnf.xml.orig SEP58971ECC97C1.cnf.xml
expect_status 0 ciscosec enc build SEP58971ECC97C1.cnf.xml --tftp asterisk.pem \
    --certificate device.pem
cp DialTemplate.xml.sgn firmware.bin.sha512 # the same header as firmware

expect_status 0 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv ITLFile.tlv DialTemplate.xml.sgn \
    SEP58971ECC97C1.cnf.xml.sgn SEP58971ECC97C1.cnf.xml.enc.sgn firmware.bin.sha512
expect_out '^ITLFile\.tlv: OK$'
expect_out '^SEP58971ECC97C1\.cnf\.xml\.enc\.sgn: OK$'
expect_out '^5 files checked, 0 rejected$'
expect_out '^Accepted: '
# Options after the files, and the vectors as the reference made them.
expect_status 0 ciscosec verify file "$V/ITLFile.tlv" "$V/ITL-v1.1-sha512.tlv" \
    "$V/SEP58971ECC97C1.cnf.xml.enc.sgn" "$V/DialTemplate.xml.sgn" --itl "$V/ITL-v1.1-sha512.tlv" \
    "${AT[@]}"
# Certificates made today by `cert new` are valid now: no --at needed.
expect_status 0 ciscosec cert new --common SAST --organization SAST --unit SAST new-sast.pem
expect_status 0 ciscosec tlv build Now.tlv --sast new-sast.pem
expect_status 0 ciscosec verify file Now.tlv

# --- trust-list rules, one at a time ----------------------------------------
# tlv-size: 48 records are over 64 KiB.
ccm=()
for _ in $(seq 47); do ccm+=(--ccm asterisk.pem); done
expect_status 0 ciscosec tlv build Big.tlv --sast sast.pem "${ccm[@]}"
expect_status 1 ciscosec verify file "${AT[@]}" Big.tlv
expect_finding Big.tlv error tlv-size
expect_only_rules tlv-size
expect_out '^1 file checked, 1 rejected$'
expect_out '^Rejected: a phone would reject this \(1 error, 0 warnings\)$'

# rsa-key-size: a 4096-bit signer (the reference vector, and one built here).
expect_status 1 ciscosec verify file "${AT[@]}" "$V/ITL-signer4096.tlv"
expect_finding "$V/ITL-signer4096.tlv" error rsa-key-size "CN=Signer 4096,O=Example,OU=Lab"
expect_out 'record 1 \(SAST\)$'
expect_status 0 ciscosec tlv build RSA4096.tlv --sast sast.pem --ccm signer4096.pem
expect_status 1 ciscosec verify file "${AT[@]}" RSA4096.tlv
expect_only_rules rsa-key-size

# cert-validity: the same list checked after the certificates expire, and
# before they start.
expect_status 1 ciscosec verify file --at 2040-06-01T00:00:00Z ITLFile.tlv
expect_finding ITLFile.tlv error cert-validity "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_out 'certificate expired on 2036-.*checked at 2040-06-01T00:00:00Z'
expect_not_out 'certificate CN=SAST,O=SAST,OU=SAST' # valid until 2046
expect_only_rules cert-validity
expect_status 1 ciscosec verify file --at 2000-01-01 ITLFile.tlv
expect_out 'not valid before'

# ec-curve: secp256k1 is not one of the curves phones take.
expect_status 0 ciscosec tlv build K256.tlv --sast sast.pem --app-server secp256k1.pem
expect_status 1 ciscosec verify file "${AT[@]}" K256.tlv
expect_finding K256.tlv error ec-curve "CN=K256,O=Test,OU=Verify"
expect_out 'record 2 \(APP-SERVER\)$'
expect_only_rules ec-curve

# tlv-https-cert: a 1.1 list without an EC certificate as TFTP.
expect_status 0 ciscosec tlv build NoEC.tlv --version 1.1 --sast sast.pem --ccm-tftp asterisk.pem \
    --app-server apache-ec.pem
expect_status 1 ciscosec verify file "${AT[@]}" NoEC.tlv
expect_finding NoEC.tlv error tlv-https-cert
expect_only_rules tlv-https-cert

# tlv-signature: one byte changed in a certificate's own signature.
cp ITLFile.tlv Flipped.tlv
flip_byte Flipped.tlv -1
expect_status 1 ciscosec verify file "${AT[@]}" Flipped.tlv
expect_finding Flipped.tlv error tlv-signature "CN=SAST,O=SAST,OU=SAST"
expect_only_rules tlv-signature

# format: a truncated list; a file that is no trust list.
head -c 1000 ITLFile.tlv >Short.tlv
expect_status 1 ciscosec verify file "${AT[@]}" Short.tlv
expect_finding Short.tlv error format
printf 'hello' >Text.tlv
expect_status 1 ciscosec verify file "${AT[@]}" Text.tlv
expect_finding Text.tlv error format

# --- signed-file rules --------------------------------------------------------
# sgn-signer: the signer is in the list only as CCM; or not at all.
expect_status 0 ciscosec tlv build CcmOnly.tlv --sast sast.pem --ccm asterisk.pem
expect_status 1 ciscosec verify file "${AT[@]}" --itl CcmOnly.tlv DialTemplate.xml.sgn
expect_finding DialTemplate.xml.sgn error sgn-signer "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_out 'holds only as CCM'
cp DialTemplate.xml Other.xml
expect_status 0 ciscosec sgn build Other.xml --tftp apache.pem
expect_status 1 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv Other.xml.sgn
expect_finding Other.xml.sgn error sgn-signer "CN=Apache,O=Apache,OU=Apache"
expect_out 'holds only as APP-SERVER'
expect_status 1 ciscosec verify file "${AT[@]}" --itl "$V/CTLSEP58971ECC97C1.tlv" DialTemplate.xml.sgn
expect_out 'not in .*CTLSEP58971ECC97C1\.tlv'

# sgn-signature: one byte of the body changed.
cp DialTemplate.xml.sgn Tampered.xml.sgn
flip_byte Tampered.xml.sgn -2
expect_status 1 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv Tampered.xml.sgn
expect_finding Tampered.xml.sgn error sgn-signature "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_out 'record 3 \(CCM\+TFTP\)$'
cp SEP58971ECC97C1.cnf.xml.enc.sgn T.cnf.xml.enc.sgn
flip_byte T.cnf.xml.enc.sgn -1
expect_status 1 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv T.cnf.xml.enc.sgn
expect_only_rules sgn-signature

# format: a .sgn that is no signed file; an .enc.sgn without encryption.
printf '<device/>' >Plain.xml.sgn
expect_status 1 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv Plain.xml.sgn
expect_finding Plain.xml.sgn error format
cp DialTemplate.xml.sgn NotEncrypted.enc.sgn
expect_status 1 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv NotEncrypted.enc.sgn
expect_out 'no encryption fields'

# Each file gets its verdict; the summary counts the rejected ones.
expect_status 1 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv DialTemplate.xml.sgn \
    Tampered.xml.sgn Big.tlv
expect_out '^DialTemplate\.xml\.sgn: OK$'
expect_out '^3 files checked, 2 rejected$'

# --- usage and I/O errors: exit 2 ------------------------------------------------
expect_status 2 ciscosec verify file DialTemplate.xml.sgn
expect_one_line_error 'needs --itl'
expect_status 2 ciscosec verify file --itl ITLFile.tlv DialTemplate.xml
expect_one_line_error "'DialTemplate.xml'"
expect_status 2 ciscosec verify file --itl ITLFile.tlv
expect_status 2 ciscosec verify file --at yesterday ITLFile.tlv
expect_one_line_error "invalid time 'yesterday'"
expect_status 2 ciscosec verify file --role ccm ITLFile.tlv
expect_status 2 ciscosec verify
expect_status 2 ciscosec verify frobnicate
expect_status 2 ciscosec verify file --itl Text.tlv DialTemplate.xml.sgn
expect_one_line_error "'Text.tlv': not a trust list a phone could hold"
expect_status 2 ciscosec verify file --itl missing.tlv DialTemplate.xml.sgn
expect_one_line_error "'missing.tlv'"
# An unreadable file outranks a rejected one; the others are still checked.
expect_status 2 ciscosec verify file "${AT[@]}" --itl ITLFile.tlv missing.sgn Tampered.xml.sgn
expect_one_line_error "'missing.sgn'"
expect_finding Tampered.xml.sgn error sgn-signature
expect_status 0 ciscosec verify --help
expect_out 'Usage: ciscosec verify file'

finish
