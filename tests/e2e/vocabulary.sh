# SPDX-License-Identifier: MIT
# One vocabulary on the command line (docs/cli.md): the table names every
# option the commands take, the ciscosec help texts leave out the short
# letters it retires, and the old spellings still work.
source "$(dirname "$0")/lib/common.bash"
: "${SRC:?SRC must name the source tree}"

V=$DATA/vectors
export SOURCE_DATE_EPOCH=1700000000

# --- docs/cli.md names every long option of every command ---------------------
table_options() { grep -oE -- '--[a-z][a-z0-9-]*' "$SRC/docs/cli.md" | LC_ALL=C sort -u; }
help_options() { grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u; }
for cmd in tlv sgn enc cert verify capf tvs; do
    ciscosec "$cmd" --help >"$WORK/help"
    for verb in $(sed -nE "s/^(Usage:)? +ciscosec $cmd ([a-z]+)( .*)?\$/\2/p" "$WORK/help" | sort -u); do
        ciscosec "$cmd" "$verb" --help >>"$WORK/help"
    done
    missing=$(comm -23 <(help_options <"$WORK/help") <(table_options))
    if [[ -z $missing ]]; then pass; else fail "docs/cli.md lacks $(echo $missing) of 'ciscosec $cmd'"; fi
done

# --- retired letters: not in the ciscosec help, still in the old names' -------
shows() { # WANT(yes|no) LETTER COMMAND...
    local want=$1 letter=$2
    shift 2
    "$@" --help >"$WORK/help" 2>&1
    if grep -qE -- "^  $letter, --" "$WORK/help"; then got=yes; else got=no; fi
    if [[ $got == "$want" ]]; then pass; else fail "'$* --help' shows $letter: $got, want $want"; fi
}
shows no -c ciscosec tlv
shows yes -c tlvfile
shows no -c ciscosec sgn
shows yes -c sgnfile
for letter in -c -s -C; do
    shows no $letter ciscosec cert new
    shows yes $letter mkcert
done
shows no -k ciscosec enc
shows no -r ciscosec verify
shows no -t ciscosec verify
shows yes -t ciscosec tlv
shows yes -d ciscosec cert new

# --- the old spellings make the same files as the new -------------------------
cp "$V/sast.pem" "$V/asterisk.pem" "$V/DialTemplate.xml" .
expect_status 0 ciscosec tlv build new.tlv --sast sast.pem --ccm asterisk.pem
expect_status 0 ciscosec tlv build old.tlv -s sast.pem -c asterisk.pem -F new.tlv
expect_same_file old.tlv new.tlv

cp DialTemplate.xml b.xml
expect_status 0 ciscosec sgn build DialTemplate.xml --tftp asterisk.pem
expect_status 0 ciscosec sgn build b.xml -c asterisk.pem -F DialTemplate.xml.sgn
expect_same_file b.xml.sgn DialTemplate.xml.sgn

# mkcert's letters in ciscosec cert new: the same subject as the long names.
expect_status 0 ciscosec cert new -c Old -o O -u U -s ST -C DE -b 1024 old.pem
expect_status 0 ciscosec cert show old.pem
expect_out 'C=DE'
expect_out 'ST=ST'
expect_out 'CN=Old'

# --- verify --role: role names, old service names, and refusals ---------------
for role in CCM ccm CCM+TFTP TFTP tftp APP-SERVER app-server; do
    # No server listens on port 1: exit 1 (the handshake failed), not 2.
    expect_status 1 ciscosec verify tls 127.0.0.1:1 --itl "$V/ITLFile.tlv" --role "$role" \
        --timeout 1
done
for role in SAST CAPF TVS bogus; do
    expect_status 2 ciscosec verify tls 127.0.0.1:1 --itl "$V/ITLFile.tlv" --role "$role"
    expect_one_line_error "invalid role '$role': CCM, CCM\+TFTP, TFTP or APP-SERVER"
done

finish
