#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# README.md's examples, run as written: the ```sh blocks between
# "## Examples" and "## Exit status", in order, with /etc/... and /var/...
# moved under a scratch root that holds what a deployment already has.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/examples.bash"
: "${SRC:?SRC must name the source tree}"

ROOT=$WORK/root
prepare_deployment "$ROOT"
# The README signs the top directory's files; the guide does the rest.
rm -rf "$ROOT"/var/lib/tftpboot/{New_Zealand,Desktops}
mkdir -p "$ROOT"/etc/ssl/private "$ROOT"/etc/asterisk/keys "$ROOT"/etc/apache2/ssl-certs
cp "$DATA"/vectors/apache.pem "$ROOT"/etc/apache2/ssl-certs/
chmod 600 "$ROOT"/etc/apache2/ssl-certs/apache.pem
run_doc_blocks "$SRC/README.md" "$ROOT" "## Examples" "## Exit status"

finish
