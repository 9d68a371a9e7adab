#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The demo behind `cmake --build build --target demo`: a complete secure
# provisioning directory for one phone, made from scratch with ciscosec,
# then audited the way the phone will judge it.
#
#   docs/demo.sh BIN_DIR DEMO_DIR
#
# BIN_DIR holds ciscosec and its symlinks. DEMO_DIR is made anew:
#   DEMO_DIR/keys      the private keys and certificates (mode 0600)
#   DEMO_DIR/tftpboot  what a TFTP/HTTP server would serve to the phone
set -euo pipefail

bin=${1:?usage: demo.sh BIN_DIR DEMO_DIR}
demo=${2:?usage: demo.sh BIN_DIR DEMO_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$bin:$PATH"

mac=58971ECC97C1
keys=$demo/keys
tftp=$demo/tftpboot
rm -rf "$keys" "$tftp"
mkdir -p "$keys" "$tftp"

step() { printf '\n== %s\n' "$*"; }

step "Certificates: SAST signs the trust list; the PBX does SIP over TLS and signs files"
mkcert --common SAST --organization SAST --unit SAST --years 20 "$keys/sast.pem"
mkcert --common Asterisk --organization Asterisk --unit Asterisk "$keys/asterisk.pem"
mkcert --common Apache-EC --organization Apache-EC --unit Asterisk-EC --curve secp384r1 \
    "$keys/apache-ec.pem"
# Stands in for the phone's own certificate (its MIC, or an LSC from CAPF).
ciscosec cert new --common "SEP$mac" --organization Cisco --unit Phone "$keys/SEP$mac.pem"
ciscosec cert show "$keys/sast.pem" | sed -n '1,3p;/Roles/,$p'

step "Trust list, version 1.1: the PBX as CCM+TFTP, the web server's EC key for HTTPS"
ciscosec tlv build "$tftp/ITLFile.tlv" --version 1.1 --sast "$keys/sast.pem" \
    --ccm-tftp "$keys/asterisk.pem" --tftp "$keys/apache-ec.pem"

step "The phone's configuration, and the files it downloads, signed in one batch"
cp "$src/tests/data/vectors/SEP$mac.cnf.xml.orig" "$tftp/SEP$mac.cnf.xml"
cp "$src/tests/data/vectors/DialTemplate.xml" "$tftp/DialTemplate.xml"
printf '<softKeyCfg/>\n' >"$tftp/SoftKeys.xml"
ciscosec sgn build --tftp "$keys/asterisk.pem" "$tftp/DialTemplate.xml" "$tftp/SoftKeys.xml"

step "The configuration encrypted to the phone's certificate (the plaintext is removed)"
ciscosec enc build "$tftp/SEP$mac.cnf.xml" --tftp "$keys/asterisk.pem" \
    --device-certificate "$keys/SEP$mac.pem"

step "The encrypted configuration, as the phone reads its header"
ciscosec enc parse "$tftp/SEP$mac.cnf.xml.enc.sgn" --tftp "$keys/asterisk.pem"

step "Audit: would the phone accept everything here?"
ciscosec verify tftpboot "$tftp"

printf '\nDemo provisioning directory: %s\n' "$tftp"
ls -l "$tftp"
