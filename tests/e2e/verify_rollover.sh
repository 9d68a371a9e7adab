#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec verify rollover: would a phone holding OLD accept NEW? Trust
# lists built here by ciscosec from the vector certificates.
source "$(dirname "$0")/lib/verify.bash" # before common.bash, which changes directory
source "$(dirname "$0")/lib/common.bash"

cp "$V"/{sast,sast2,asterisk,apache,signer1024,signer4096}.pem .
build() { expect_status 0 ciscosec tlv build "$@"; }
rollover() { expect_status "$1" ciscosec verify rollover "${AT[@]}" "${@:2}"; }

build Old.tlv --sast sast.pem --sast sast2.pem --ccm-tftp asterisk.pem

# Good: the same SAST signs; a record added.
build New.tlv --sast sast.pem --sast sast2.pem --ccm-tftp asterisk.pem --app-server apache.pem
rollover 0 Old.tlv New.tlv
expect_out '^New\.tlv: OK: phones holding Old\.tlv accept it$'
expect_out '^Accepted: a phone would accept this \(0 warnings\)$'

# Good: the recovery SAST that OLD holds signs (the first --sast signs).
build Recovered.tlv --sast sast2.pem --sast sast.pem --ccm-tftp asterisk.pem
rollover 0 Old.tlv Recovered.tlv

# Good, with a warning: the certificate that signs files is only CCM now.
build Dropped.tlv --sast sast.pem --sast sast2.pem --ccm asterisk.pem
rollover 0 Old.tlv Dropped.tlv
expect_finding Dropped.tlv warning rollover-tftp "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_out 'record 3 \(CCM\+TFTP\)$'
expect_only_rules rollover-tftp
expect_out '^Accepted: a phone would accept this \(1 warning\)$'

# Bad: signed by a SAST that OLD does not hold, and none of OLD's kept.
build Foreign.tlv --sast signer1024.pem --ccm-tftp asterisk.pem
rollover 1 Old.tlv Foreign.tlv
expect_finding Foreign.tlv error rollover-signer "CN=Signer 1024,O=Example\\\\, Ltd\\.,OU=Lab,L=Wellington,ST=WGN,C=NZ"
expect_finding Foreign.tlv warning rollover-sast "CN=SAST,O=SAST,OU=SAST"
expect_only_rules rollover-signer rollover-sast
expect_out '^Rejected: a phone would reject this \(1 error, 1 warning\)$'

# Bad: OLD's second SAST kept, but NEW signed by another one.
build Swapped.tlv --sast signer1024.pem --sast sast2.pem --ccm-tftp asterisk.pem
rollover 1 Old.tlv Swapped.tlv
expect_only_rules rollover-signer

# Bad: NEW is not a list phones take at all (a 4096-bit SAST), even though
# OLD holds its signer.
build Old4096.tlv --sast signer4096.pem
build New4096.tlv --sast signer4096.pem --ccm asterisk.pem
rollover 1 Old4096.tlv New4096.tlv
expect_only_rules rsa-key-size

# Bad: NEW changed after it was signed.
cp New.tlv Edited.tlv
flip_byte Edited.tlv -1
rollover 1 Old.tlv Edited.tlv
expect_only_rules tlv-signature rollover-signer

# Bad: NEW truncated.
head -c 2000 New.tlv >Short.tlv
rollover 1 Old.tlv Short.tlv
expect_only_rules format

# The reference's own vectors: ITLFile.tlv to the 1.1 list and back.
rollover 0 "$V/ITLFile.tlv" "$V/ITL-v1.1-sha512.tlv"
expect_not_out ': (error|warning) \['
rollover 0 "$V/ITL-v1.1-sha512.tlv" "$V/ITLFile.tlv"
expect_only_rules rollover-tftp

# Usage and I/O errors.
printf 'junk' >Junk.tlv
rollover 2 Junk.tlv New.tlv
expect_one_line_error "'Junk.tlv': not a trust list a phone could hold"
rollover 2 Old.tlv missing.tlv
expect_one_line_error "'missing.tlv'"
rollover 2 Old.tlv
rollover 2 Old.tlv New.tlv New.tlv
expect_status 2 ciscosec verify rollover --itl Old.tlv Old.tlv New.tlv

finish
