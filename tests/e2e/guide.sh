#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# docs/guide.md, run as written: its ```sh blocks, in order, with the
# absolute paths it uses (/etc/..., /var/...) moved under a scratch root.
# Before that, the root gets what a deployment already has: the phone's
# configuration, the files it downloads, and its certificate from
# enrollment. Each block must succeed, and may run only ciscosec commands
# and verbs that exist.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/examples.bash"
: "${SRC:?SRC must name the source tree}"

ROOT=$WORK/root
prepare_deployment "$ROOT"
run_doc_blocks "$SRC/docs/guide.md" "$ROOT"

finish
