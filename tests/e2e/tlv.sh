# SPDX-License-Identifier: MIT
# `ciscosec tlv` and `tlvfile`: the five reference trust lists rebuilt byte
# for byte through both spellings, parsed as the reference printed them,
# and every refusal with its exit status and one-line error.
source "$(dirname "$0")/lib/common.bash"

umask 022
V=$DATA/vectors

# Private copies of the vector PEMs: 0600, as keys should be, so that stderr
# carries no "readable by everyone" warning and can be checked exactly.
C=$WORK/certs
mkdir -p "$C"
for pem in sast sast2 asterisk apache apache-ec tvs-ec256 signer1024 signer4096; do
    install -m 600 "$V/$pem.pem" "$C/$pem.pem"
done

# The vectors' command lines (vectors/SOURCE.md) and their timestamps
# (tag 15: 2026-01-02 03:04:06 UTC for ITLFile.tlv, :05 for the others).
vectors=(ITLFile.tlv ITL-v1.1-sha512.tlv CTLSEP58971ECC97C1.tlv ITL-signer1024.tlv
    ITL-signer4096.tlv)
declare -A epoch=(
    [ITLFile.tlv]=1767323046 [ITL-v1.1-sha512.tlv]=1767323045
    [CTLSEP58971ECC97C1.tlv]=1767323045 [ITL-signer1024.tlv]=1767323045
    [ITL-signer4096.tlv]=1767323045)
args_for() {
    case $1 in
    ITLFile.tlv)
        args=(--sast "$C/sast.pem" --ccm "$C/asterisk.pem" --app-server "$C/apache.pem") ;;
    ITL-v1.1-sha512.tlv)
        args=(--filename ITLFile.tlv --version 1.1 --digest sha512 --sast "$C/sast.pem"
            --sast "$C/sast2.pem" --ccm "$C/asterisk.pem" --tftp "$C/apache-ec.pem"
            --ccm-tftp "$C/asterisk.pem" --capf "$C/apache.pem" --app-server "$C/apache.pem"
            --tvs "$C/tvs-ec256.pem") ;;
    CTLSEP58971ECC97C1.tlv)
        args=(--filename CTLFile.tlv --sast "$C/sast.pem" --app-server "$C/apache.pem"
            --app-server "$C/apache-ec.pem") ;;
    ITL-signer1024.tlv)
        args=(--sast "$C/signer1024.pem" --ccm "$C/asterisk.pem") ;;
    ITL-signer4096.tlv)
        args=(--digest sha512 --sast "$C/signer4096.pem" --tftp "$C/asterisk.pem") ;;
    esac
}

# flip_byte FILE OFFSET: inverts one byte in place.
flip_byte() {
    local old
    old=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
    printf "\\$(printf '%03o' $((old ^ 0xFF)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# --- building the vectors, both spellings ------------------------------

mkdir new legacy permuted short
for name in "${vectors[@]}"; do
    args_for "$name"
    export SOURCE_DATE_EPOCH=${epoch[$name]}

    expect_status 0 ciscosec tlv build "new/$name" "${args[@]}"
    expect_same_file "new/$name" "$V/$name"
    grep -qx "Built new/$name" "$WORK/out" && pass || fail "no 'Built' line for $name"

    expect_status 0 tlvfile --build "legacy/$name" "${args[@]}"
    expect_same_file "legacy/$name" "$V/$name"

    # GNU permutation: the file first, the mode after everything.
    expect_status 0 tlvfile "permuted/$name" "${args[@]}" --build
    expect_same_file "permuted/$name" "$V/$name"

    if [[ $name == ITL-signer4096.tlv ]]; then
        # Phones take RSA keys up to 2048 bits: built, with a warning.
        expect_err_mentions "warning: '$C/signer4096.pem'"
        expect_err_mentions "4096 bits"
        [[ $(wc -l <"$WORK/err") == 1 ]] && pass || fail "more than one warning line"
    else
        expect_no_stderr
    fi
    unset SOURCE_DATE_EPOCH
done

# Short options, and the verb through `ciscosec tlvfile`.
export SOURCE_DATE_EPOCH=1767323046
expect_status 0 tlvfile -b short/ITLFile.tlv -s "$C/sast.pem" -c "$C/asterisk.pem" \
    -a "$C/apache.pem"
expect_same_file short/ITLFile.tlv "$V/ITLFile.tlv"
expect_status 0 ciscosec tlvfile --build short/alias.tlv --sast "$C/sast.pem" \
    --ccm "$C/asterisk.pem" --app-server "$C/apache.pem" --filename ITLFile.tlv
expect_same_file short/alias.tlv "$V/ITLFile.tlv"
# -F and -v/-d in short form.
export SOURCE_DATE_EPOCH=1767323045
expect_status 0 tlvfile -b short/ctl.tlv -F CTLFile.tlv -s "$C/sast.pem" -a "$C/apache.pem" \
    -a "$C/apache-ec.pem"
expect_same_file short/ctl.tlv "$V/CTLSEP58971ECC97C1.tlv"
# A blank argument (a guide's flattened "\ ") is ignored.
expect_status 0 tlvfile --build short/blank.tlv --sast "$C/signer1024.pem" ' ' \
    --ccm "$C/asterisk.pem" --filename ITL-signer1024.tlv
expect_same_file short/blank.tlv "$V/ITL-signer1024.tlv"
unset SOURCE_DATE_EPOCH

# Built lists are world-readable, like the reference's; nothing left over.
[[ $(stat -c %a new/ITLFile.tlv) == 644 ]] && pass || fail "new/ITLFile.tlv is not mode 644"
for dir in new legacy permuted short; do expect_no_temp_files "$dir"; done

# The signer's key from a separate file (--key), certificate alone.
install -m 600 "$DATA/keys/asterisk-cert.pem" "$C/asterisk-cert.pem"
install -m 600 "$DATA/keys/asterisk-key-pkcs1.pem" "$C/asterisk-key.pem"
export SOURCE_DATE_EPOCH=1767323045
expect_status 0 tlvfile --build both.tlv --sast "$C/asterisk.pem" --ccm "$C/sast.pem"
expect_status 0 tlvfile --build split.tlv --sast "$C/asterisk-cert.pem" --key "$C/asterisk-key.pem" \
    --ccm "$C/sast.pem" --filename both.tlv
expect_same_file split.tlv both.tlv
unset SOURCE_DATE_EPOCH

# --- parsing -------------------------------------------------------------

# The reference misspells one label ("Serial Numer:"); ciscosec does not,
# and keeps the alignment.
for name in "${vectors[@]}"; do
    sed 's/Serial Numer: /Serial Number:/' "$V/$name.parse.txt" >"$WORK/want"
    expect_status 0 tlvfile --parse "$V/$name"
    if diff -u "$WORK/want" "$WORK/out" >"$WORK/diff"; then pass; else
        fail "parse of $name differs from its report:"
        sed 's/^/  /' "$WORK/diff" >&2
    fi
    expect_no_stderr
    expect_status 0 ciscosec tlv parse "$V/$name"
    diff -q "$WORK/want" "$WORK/out" >/dev/null && pass || fail "ciscosec tlv parse $name differs"
    expect_status 0 tlvfile "$V/$name" -p
    diff -q "$WORK/want" "$WORK/out" >/dev/null && pass || fail "tlvfile FILE -p $name differs"
done

# A flipped byte in the body (inside the CCM record's certificate, so it
# still parses): exit 1, "Invalid signature", one line on stderr.
cp "$V/ITLFile.tlv" tampered.tlv
flip_byte tampered.tlv 3000
cmp -s tampered.tlv "$V/ITLFile.tlv" && fail "flip_byte changed nothing" || pass
expect_status 1 tlvfile --parse tampered.tlv
[[ $(tail -n 1 "$WORK/out") == "Invalid signature" ]] && pass ||
    fail "tampered.tlv: last line is not 'Invalid signature'"
expect_one_line_error "^tlvfile: 'tampered.tlv': "
expect_status 1 ciscosec tlv parse tampered.tlv
expect_out_mentions "Invalid signature"
# One flipped signature byte (the signature element starts at 189).
cp "$V/ITL-signer1024.tlv" badsig.tlv
flip_byte badsig.tlv 200
expect_status 1 tlvfile --parse badsig.tlv
expect_out_mentions "Invalid signature"

# Files that are not trust lists.
expect_status 2 tlvfile --parse missing.tlv
expect_one_line_error "^tlvfile: 'missing.tlv': "
expect_status 2 tlvfile --parse "$V/SEP58971ECC97C1.cnf.xml.sgn"
expect_one_line_error "^tlvfile: '$V/SEP58971ECC97C1.cnf.xml.sgn': "
: >empty.tlv
expect_status 2 tlvfile --parse empty.tlv
expect_one_line_error "^tlvfile: 'empty.tlv': "

# --- refusals ------------------------------------------------------------

mkdir refused
# Three SAST certificates: phones accept two.
expect_status 2 tlvfile --build refused/three.tlv --sast "$C/sast.pem" --sast "$C/sast2.pem" \
    --sast "$C/signer1024.pem"
expect_one_line_error "refused/three.tlv.*3 SAST"
expect_absent refused/three.tlv
# An EC signer, named in the error.
expect_status 2 tlvfile --build refused/ec.tlv --sast "$C/apache-ec.pem"
expect_one_line_error "^tlvfile: '$C/apache-ec.pem': .*not RSA"
expect_absent refused/ec.tlv
# A key that is not the certificate's.
expect_status 2 tlvfile --build refused/key.tlv --sast "$C/sast.pem" --key "$C/asterisk-key.pem"
expect_one_line_error "does not match"
expect_absent refused/key.tlv
# A certificate without its key.
expect_status 2 tlvfile --build refused/nokey.tlv --sast "$C/asterisk-cert.pem"
expect_one_line_error "^tlvfile: '$C/asterisk-cert.pem': .*no private key"
expect_absent refused/nokey.tlv
# A record's certificate that does not exist.
expect_status 2 tlvfile --build refused/missing.tlv --sast "$C/sast.pem" --ccm "$C/nope.pem"
expect_one_line_error "^tlvfile: '$C/nope.pem': "
expect_absent refused/missing.tlv
# No SAST at all.
expect_status 2 tlvfile --build refused/nosast.tlv --ccm "$C/asterisk.pem"
expect_one_line_error "sast"
expect_absent refused/nosast.tlv
# Not a .tlv name.
expect_status 2 tlvfile --build refused/ITLFile.txt --sast "$C/sast.pem"
expect_one_line_error "\.tlv"
expect_absent refused/ITLFile.txt
expect_status 2 ciscosec tlv build refused/ITLFile --sast "$C/sast.pem"
expect_one_line_error "\.tlv"
expect_absent refused/ITLFile
expect_no_temp_files refused

# Usage errors: exit 2, one line, a pointer to --help.
expect_status 2 tlvfile refused/x.tlv --sast "$C/sast.pem"
expect_one_line_error "--build or --parse.*--help"
expect_status 2 ciscosec tlv refused/x.tlv
expect_one_line_error "build or parse"
expect_status 2 tlvfile --build --parse refused/x.tlv
expect_one_line_error "together"
expect_status 2 tlvfile --build refused/x.tlv --sast
expect_one_line_error "needs an argument"
expect_status 2 tlvfile --build refused/x.tlv --bogus
expect_one_line_error "unknown option"
expect_status 2 tlvfile --build refused/x.tlv refused/y.tlv --sast "$C/sast.pem"
expect_one_line_error "one .tlv file"
expect_status 2 tlvfile --build refused/x.tlv --sast "$C/sast.pem" --version 1.2
expect_one_line_error "1.2"
expect_status 2 tlvfile --build refused/x.tlv --sast "$C/sast.pem" --digest sha256
expect_one_line_error "sha256"
expect_status 2 tlvfile --build --sast "$C/sast.pem"
expect_one_line_error "no .tlv file"
expect_absent refused/x.tlv

# A failed rebuild leaves the existing list exactly as it was.
mkdir keep
cp "$V/ITLFile.tlv" keep/ITLFile.tlv
expect_status 2 tlvfile --build keep/ITLFile.tlv --sast "$C/sast.pem" --ccm "$C/nope.pem"
expect_same_file keep/ITLFile.tlv "$V/ITLFile.tlv"
expect_status 2 tlvfile --build keep/ITLFile.tlv --sast "$C/sast.pem" --key "$C/asterisk-key.pem"
expect_same_file keep/ITLFile.tlv "$V/ITLFile.tlv"
expect_status 2 tlvfile --build keep/ITLFile.tlv --sast "$C/sast.pem" --sast "$C/sast2.pem" \
    --sast "$C/signer1024.pem"
expect_same_file keep/ITLFile.tlv "$V/ITLFile.tlv"
expect_status 2 tlvfile --build keep/ITLFile.tlv --sast "$C/apache-ec.pem"
expect_same_file keep/ITLFile.tlv "$V/ITLFile.tlv"
expect_status 2 env SOURCE_DATE_EPOCH=-1 tlvfile --build keep/ITLFile.tlv --sast "$C/sast.pem"
expect_one_line_error "SOURCE_DATE_EPOCH"
expect_same_file keep/ITLFile.tlv "$V/ITLFile.tlv"
expect_no_temp_files keep
# ...and a good rebuild replaces it.
expect_status 0 env SOURCE_DATE_EPOCH=1767323045 tlvfile --build keep/ITLFile.tlv \
    --sast "$C/signer1024.pem" --ccm "$C/asterisk.pem" --filename ITL-signer1024.tlv
expect_same_file keep/ITLFile.tlv "$V/ITL-signer1024.tlv"

# --- help and version ------------------------------------------------------

expect_status 0 tlvfile --help
expect_out_mentions "Usage: tlvfile --build"
expect_no_stderr
expect_status 0 tlvfile -H
expect_out_mentions "--sast"
expect_status 0 ciscosec tlv --help
expect_out_mentions "Usage: ciscosec tlv build"
expect_status 0 ciscosec --version
grep -qE '^built with mbedTLS [0-9]+\.[0-9]+\.[0-9]+$' "$WORK/out" && pass ||
    fail "--version does not name the mbedTLS version: $(cat "$WORK/out")"
expect_status 2 ciscosec tlvx
expect_err_mentions "unknown command 'tlvx'"
expect_err_mentions "Usage: ciscosec COMMAND"

finish
