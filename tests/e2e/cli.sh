# SPDX-License-Identifier: MIT
# The multicall front end: help, version, unknown commands, the link list,
# and old names reached through `ciscosec NAME` as well as through links.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors

# --help on stdout, exit 0, listing every command and old name.
for help in --help -h help; do
    expect_status 0 ciscosec "$help"
    expect_out '^Usage: ciscosec COMMAND'
    expect_out '^  tlv +'
    expect_out '^  tlvfile += ciscosec tlv$'
    expect_no_stderr
done

# --version: the program's and mbedTLS's versions.
for version in --version -V; do
    expect_status 0 ciscosec "$version"
    expect_out '^ciscosec [0-9]+\.[0-9]+\.[0-9]+'
    expect_out '^built with mbedTLS [0-9]+\.[0-9]+\.[0-9]+$'
    expect_no_stderr
done

# No arguments, or an unknown command: usage on stderr, exit 2.
expect_status 2 ciscosec
expect_err '^Usage: ciscosec COMMAND'
[[ -s $WORK/out ]] && fail "usage error printed on stdout" || pass
expect_status 2 ciscosec frobnicate
expect_err "^ciscosec: unknown command 'frobnicate'"
expect_err '^Usage: ciscosec COMMAND'
expect_status 2 ciscosec --frobnicate
expect_err "unknown command '--frobnicate'"
expect_status 2 ciscosec ''

# The old names, one a line (src/aliases.def; tests/e2e/aliases.sh compares).
expect_status 0 ciscosec --list-links
expect_out '^tlvfile$'
if grep -qvE '^[a-z0-9]+$' "$WORK/out"; then fail "odd link names: $(cat "$WORK/out")"; else pass; fi
while read -r link; do
    [[ -L $BIN/$link && $(readlink -f "$BIN/$link") == $(readlink -f "$BIN/ciscosec") ]] &&
        pass || fail "$BIN/$link is not a link to ciscosec"
done <"$WORK/out"

# `ciscosec tlvfile ...` is the link, with the link's name in messages.
expect_status 0 ciscosec tlvfile --parse "$V/ITLFile.tlv"
cp "$WORK/out" via-ciscosec.txt
expect_status 0 tlvfile --parse "$V/ITLFile.tlv"
expect_same_file via-ciscosec.txt "$WORK/out"
expect_status 0 ciscosec tlv parse "$V/ITLFile.tlv"
expect_same_file via-ciscosec.txt "$WORK/out"
expect_status 2 ciscosec tlvfile --parse missing.tlv
expect_one_line_error "^tlvfile: 'missing.tlv': "
expect_status 2 ciscosec tlv parse missing.tlv
expect_one_line_error "^ciscosec tlv: 'missing.tlv': "
expect_status 0 ciscosec tlvfile --help
expect_out '^Usage: tlvfile --build'

# A link called through another directory and a relative path still
# resolves by its own name.
mkdir bin
ln -s "$BIN/ciscosec" bin/tlvfile
expect_status 0 ./bin/tlvfile --parse "$V/CTLSEP58971ECC97C1.tlv"
expect_out '^Valid signature$'

# A closed stdout is an error, not a silent success.
expect_status 2 sh -c 'exec ciscosec --help >&-'
expect_status 2 sh -c 'exec tlvfile --parse "$1" >/dev/full' sh "$V/ITLFile.tlv"

finish
