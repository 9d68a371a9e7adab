# SPDX-License-Identifier: MIT
# ciscosec sgn build and parse, and sgnfile, on the reference vectors:
# byte-identical builds, identical parse reports, signature checks, usage
# errors and the help text. (sgn-remove.sh: remove, stripsgn, malformed
# files.)
source "$(dirname "$0")/lib/sgn.bash" # first: common.bash changes directory
source "$(dirname "$0")/lib/common.bash"

# check_build VECTOR INPUT CERT [OPTIONS...]: builds INPUT (made from the
# vector's body) with ciscosec sgn and with sgnfile; both must equal VECTOR.
check_build() {
    local vector=$1 input=$2 cert=$3 ts
    shift 3
    ts=$(vector_time "$vector")
    mkdir -p build && rm -f "build/$input" "build/$input.sgn"
    vector_body "$vector" >"build/$input"

    SOURCE_DATE_EPOCH=$ts expect_status 0 ciscosec sgn build "build/$input" --tftp "$V/$cert" "$@"
    expect_same_file "build/$input.sgn" "$V/$vector"
    grep -qx "Built build/$input.sgn" out && pass || fail "$vector: no 'Built' line"
    rm -f "build/$input.sgn"

    # The old name, with options after the file as the guide writes them.
    SOURCE_DATE_EPOCH=$ts expect_status 0 sgnfile --build "build/$input" --tftp "$V/$cert" "$@"
    expect_same_file "build/$input.sgn" "$V/$vector"
    expect_no_temp_files build
}

# --- build: the vectors byte for byte -------------------------------------
check_build SEP58971ECC97C1-signed.cnf.xml.sgn SEP58971ECC97C1.cnf.xml asterisk.pem
check_build SEP58971ECC97C1.cnf.xml.sgn SEP58971ECC97C1.cnf.xml asterisk.pem -d sha1
check_build DialTemplate.xml.sgn DialTemplate.xml asterisk.pem \
    --digest sha512 --filename Templates/DialTemplate.xml.sgn
check_build firmware.bin.sgn firmware.bin signer4096.pem --digest sha512
check_build empty.bin.sgn empty.bin signer1024.pem

# The signed vector's body is the enccnf input kept as .orig.
vector_body SEP58971ECC97C1-signed.cnf.xml.sgn >body
expect_same_file body "$V/SEP58971ECC97C1.cnf.xml.orig"

# Short options, -c (older sgnfile) and a separate --key file.
cp "$V/DialTemplate.xml" d.xml
SOURCE_DATE_EPOCH=$(vector_time DialTemplate.xml.sgn) \
    expect_status 0 sgnfile -b d.xml -c "$V/asterisk.pem" -d sha512 -F Templates/DialTemplate.xml.sgn
expect_same_file d.xml.sgn "$V/DialTemplate.xml.sgn"
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$V/asterisk.pem" >cert-only.pem
sed -n '/BEGIN .*PRIVATE KEY/,/END .*PRIVATE KEY/p' "$V/asterisk.pem" >key-only.pem
SOURCE_DATE_EPOCH=$(vector_time DialTemplate.xml.sgn) \
    expect_status 0 ciscosec sgn build d.xml --tftp cert-only.pem --key key-only.pem \
    -d sha512 -F Templates/DialTemplate.xml.sgn
expect_same_file d.xml.sgn "$V/DialTemplate.xml.sgn"
expect_status 2 ciscosec sgn build d.xml --tftp cert-only.pem
expect_one_line_error "'cert-only.pem': no private key"
expect_status 2 ciscosec sgn build d.xml --tftp "$V/asterisk.pem" --key "$V/sast.pem"
expect_one_line_error "does not match"
# sha256 (code 2) is accepted and checks.
expect_status 0 ciscosec sgn build d.xml --tftp "$V/asterisk.pem" -d SHA256
expect_status 0 ciscosec sgn parse d.xml.sgn --tftp "$V/asterisk.pem"
grep -qx 'Digest Algorithm: SHA256' out && pass || fail "sha256 not reported"

# --- parse: the reference reports -----------------------------------------
for vector in SEP58971ECC97C1-signed.cnf.xml.sgn SEP58971ECC97C1.cnf.xml.sgn \
    DialTemplate.xml.sgn firmware.bin.sgn; do
    case $vector in
    firmware.*) cert=signer4096.pem ;;
    *) cert=asterisk.pem ;;
    esac
    expect_status 0 ciscosec sgn parse "$V/$vector" --tftp "$V/$cert"
    expect_same_file out "$V/$vector.parse.txt"
    expect_status 0 sgnfile --parse "$V/$vector" -t "$V/$cert"
    expect_same_file out "$V/$vector.parse.txt"
done
expect_status 0 sgnfile -p "$V/empty.bin.sgn"
expect_same_file out "$V/empty.bin.sgn.parse.txt"
expect_status 0 ciscosec sgn parse "$V/empty.bin.sgn" --tftp "$V/signer1024.pem"
tail -n1 out | grep -qx 'Valid signature' && pass || fail "empty.bin.sgn not valid"

# A firmware image is parsed under its .sha512 name too.
cp "$V/firmware.bin.sgn" firmware.sha512
expect_status 0 sgnfile --parse firmware.sha512 --tftp "$V/signer4096.pem"
expect_same_file out "$V/firmware.bin.sgn.parse.txt"

# Tampered body, wrong certificate: "Invalid signature", exit 1, one line.
cp "$V/DialTemplate.xml.sgn" tampered.sgn
printf 'X' | dd of=tampered.sgn bs=1 seek=$(($(stat -c %s tampered.sgn) - 2)) conv=notrunc status=none
expect_status 1 sgnfile --parse tampered.sgn --tftp "$V/asterisk.pem"
tail -n1 out | grep -qx 'Invalid signature' && pass || fail "tampered: no 'Invalid signature'"
expect_one_line_error "^sgnfile: 'tampered.sgn': "
for wrong in sast.pem signer4096.pem signer1024.pem; do
    expect_status 1 ciscosec sgn parse "$V/DialTemplate.xml.sgn" --tftp "$V/$wrong"
    tail -n1 out | grep -qx 'Invalid signature' && pass || fail "$wrong: no 'Invalid signature'"
done
# A certificate that cannot check RSA signatures is an error, not a verdict.
expect_status 2 ciscosec sgn parse "$V/DialTemplate.xml.sgn" --tftp "$V/apache-ec.pem"
expect_one_line_error "not RSA"
expect_status 2 ciscosec sgn parse "$V/DialTemplate.xml.sgn" --tftp missing.pem
expect_one_line_error "'missing.pem'"

# --json: the same facts as one document (docs/json.md).
expect_status 0 ciscosec sgn parse --json "$V/DialTemplate.xml.sgn" --tftp "$V/asterisk.pem"
for want in '"command": "sgn parse"' '"header_length": 428' '"digest_algorithm": "SHA512"' \
    '"filename": "Templates/DialTemplate.xml.sgn"' '"timestamp": "2026-01-02T03:04:05Z"' \
    '"body_length": 65' '"signature": "valid"'; do
    grep -qF "$want" out && pass || fail "parse --json: no $want"
done
expect_status 0 sgnfile --parse --json "$V/empty.bin.sgn"
grep -qF '"signature": "unchecked"' out && pass || fail "parse --json: not unchecked"
expect_status 1 ciscosec sgn parse --json "$V/DialTemplate.xml.sgn" --tftp "$V/sast.pem"
grep -qF '"signature": "invalid"' out && pass || fail "parse --json: not invalid"
expect_one_line_error "signature does not match"
expect_status 2 ciscosec sgn parse --json bad.sgn
[[ -s out ]] && fail "parse --json of a missing file printed a report" || pass

# --- usage ------------------------------------------------------------------
expect_status 2 ciscosec sgn build d.xml
expect_one_line_error "no --tftp certificate"
expect_status 2 sgnfile d.xml
expect_one_line_error "one of --build, --parse or --remove"
expect_status 2 ciscosec sgn
expect_one_line_error "one of build, parse or remove"
expect_status 2 sgnfile --build --parse d.xml
expect_one_line_error "cannot be used together"
expect_status 2 ciscosec sgn build d.xml --tftp "$V/asterisk.pem" --digest md5
expect_one_line_error "invalid digest 'md5'"
expect_status 2 ciscosec sgn parse a.sgn b.sgn
expect_one_line_error "one file at a time"
expect_status 2 ciscosec sgn build --tftp
expect_one_line_error "needs an argument"
expect_status 2 sgnfile --bogus d.xml
expect_one_line_error "unknown option"
expect_status 2 stripsgn
expect_one_line_error "no file given"

# --- help: every option ------------------------------------------------------
expect_status 0 ciscosec sgn --help
for opt in --build --parse --remove --tftp --certificate --key --digest --filename --jobs --json \
    --help; do
    grep -q -- "$opt" out && pass || fail "sgn --help does not describe $opt"
done
expect_status 0 sgnfile -H
grep -q '^Usage: sgnfile --build' out && pass || fail "sgnfile -H: no usage line"
expect_status 0 stripsgn --help
grep -q '^Usage: stripsgn ' out && pass || fail "stripsgn --help: no usage line"
grep -q -- '--tftp' out && fail "stripsgn --help describes --tftp" || pass

finish
