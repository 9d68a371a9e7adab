#!/usr/bin/env bash
# The demo behind `cmake --build build --target demo`: a provisioning
# directory for one phone, made from the sample certificates in
# tests/data/vectors, then checked.
#
#   docs/demo.sh BIN_DIR OUT_DIR
#
# BIN_DIR holds ciscosec and its symlinks; OUT_DIR is created (or emptied
# of the files the demo makes) and filled like /var/lib/tftpboot.
set -euo pipefail

bin=${1:?usage: demo.sh BIN_DIR OUT_DIR}
out=${2:?usage: demo.sh BIN_DIR OUT_DIR}
src=$(cd "$(dirname "$0")/.." && pwd)
samples=$src/tests/data/vectors
export PATH="$bin:$PATH"

mkdir -p "$out/keys"
cp "$samples"/{sast,asterisk,apache}.pem "$out/keys/"
chmod 600 "$out"/keys/*.pem

step() { printf '\n== %s\n' "$*"; }

step "Build the phone's trust list: signed by SAST, trusting the PBX (CCM) and the web server (APP-SERVER)"
ciscosec tlv build "$out/ITLFile.tlv" --sast "$out/keys/sast.pem" \
    --ccm "$out/keys/asterisk.pem" --app-server "$out/keys/apache.pem"

step "Read it back the way a phone would, and check the signature"
ciscosec tlv parse "$out/ITLFile.tlv"

step "The same with the old tool's name"
tlvfile --parse "$out/ITLFile.tlv" | tail -n 1

printf '\nDemo provisioning directory: %s\n' "$out"
