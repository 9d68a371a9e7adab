#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec cert new and mkcert: the guide's four commands as written, each
# file checked with openssl against the reference's profile (formats.md §6)
# and used by the guide's tlvfile commands; bad input refused with nothing
# written.
source "$(dirname "$0")/lib/common.bash"
V=$DATA/vectors

# What openssl sees in a certificate, without what the key and chance
# decide (offsets, lengths, integers, the key, its identifier, the
# signature, the dates): two certificates made from the same options have
# the same structure, extension bytes included.
structure() {
    openssl x509 -in "$1" -outform DER | openssl asn1parse -inform DER -i |
        sed -E 's/^ *[0-9]+:d=([0-9]+) +hl= *[0-9]+ +l= *[0-9]+/d=\1/
                s/(INTEGER|BIT STRING|UTCTIME|GENERALIZEDTIME) *:.*/\1/' |
        sed -E '/Subject Key Identifier/{n;s/\[HEX DUMP\]:.*/[key identifier]/}'
}

# The DER INTEGER bytes of the serial number, as hex.
serial_der_hex() {
    openssl x509 -in "$1" -outform DER | openssl asn1parse -inform DER |
        awk -F: '/prim: INTEGER/ && ++n == 2 {print $NF; exit}'
}

# The raw UTCTime/GeneralizedTime values, "notBefore notAfter".
raw_dates() {
    openssl x509 -in "$1" -outform DER | openssl asn1parse -inform DER |
        awk -F: '/UTCTIME|GENERALIZEDTIME/ {printf "%s ", $NF}'
}

# Today (UTC) and the same day N years on, as YYYYMMDD; 29 February
# becomes 28 February in a year that has none.
day_plus_years() {
    local y=${1:0:4} md=${1:4:4} n=$2 to
    to=$((10#$y + n))
    if [[ $md == 0229 ]] && ! ((to % 4 == 0 && (to % 100 != 0 || to % 400 == 0))); then
        md=0228
    fi
    echo "$to$md"
}

# openssl's checks of a key+certificate file as the guide makes them.
check_with_openssl() {
    local f=$1
    if openssl x509 -in "$f" -noout -text >/dev/null 2>&1; then pass; else fail "$f: openssl x509 refuses it"; fi
    if openssl pkey -in "$f" -check -noout 2>&1 | grep -q 'Key is valid'; then pass; else fail "$f: openssl pkey -check"; fi
    if openssl verify -x509_strict -CAfile "$f" "$f" >/dev/null 2>&1; then pass; else fail "$f: openssl verify"; fi
    local mode
    mode=$(stat -c %a "$f")
    if [[ $mode == 600 ]]; then pass; else fail "$f: mode $mode, expected 600"; fi
    # The key in the file is the certificate's.
    if [[ $(openssl x509 -in "$f" -noout -pubkey) == $(openssl pkey -in "$f" -pubout) ]]; then
        pass
    else
        fail "$f: the key does not match the certificate"
    fi
}

# subjectKeyIdentifier is the SHA-1 of the public key's BIT STRING
# contents (RFC 5280, method 1).
check_key_identifier() {
    local f=$1 bits want got
    bits=$(openssl x509 -in "$f" -noout -pubkey | openssl asn1parse |
        awk '/BIT STRING/ {sub(/.*l= */, ""); print $1 + 0; exit}')
    want=$(openssl x509 -in "$f" -noout -pubkey | openssl pkey -pubin -outform DER |
        tail -c $((bits - 1)) | sha1sum | cut -c1-40)
    got=$(openssl x509 -in "$f" -noout -ext subjectKeyIdentifier | tail -n 1 | tr -d ' :' |
        tr 'A-F' 'a-f')
    if [[ $got == "$want" ]]; then pass; else fail "$f: key identifier $got, expected $want"; fi
}

# --- the guide's four commands, `sudo ./` dropped and /etc under $WORK ------
E=$WORK/etc
mkdir -p "$E/ssl/private" "$E/asterisk/keys" "$E/apache/ssl-certs"
day_before=$(date -u +%Y%m%d)

expect_status 0 mkcert --common "SAST" --organization "SAST" --unit "SAST" --years 20 $E/ssl/private/sast.pem
grep -qx "Built $E/ssl/private/sast.pem" "$WORK/out" && pass || fail "no 'Built' line: $(cat "$WORK/out")"
expect_status 0 mkcert --common "Asterisk" --organization "Asterisk" --unit "Asterisk" $E/asterisk/keys/asterisk.pem
expect_status 0 mkcert --common "Apache-EC" --organization "Apache-EC" --unit "Asterisk-EC" --curve secp384r1 $E/apache/ssl-certs/apache-ec.pem
expect_status 0 mkcert --common "Apache" --organization "Apache" --unit "Apache" $E/apache/ssl-certs/apache.pem
day_after=$(date -u +%Y%m%d)

for f in "$E/ssl/private/sast.pem" "$E/asterisk/keys/asterisk.pem" \
    "$E/apache/ssl-certs/apache-ec.pem" "$E/apache/ssl-certs/apache.pem"; do
    name=$(basename "$f")
    check_with_openssl "$f"
    check_key_identifier "$f"
    # Field for field what the reference wrote from the same options.
    if diff <(structure "$f") <(structure "$V/$name") >"$WORK/diff"; then
        pass
    else
        fail "$name differs from the reference's:"; sed 's/^/  /' "$WORK/diff" >&2
    fi
    # The key in the reference's PEM form: PKCS#8 for RSA, SEC1 for EC.
    if [[ $(head -n 1 "$f") == $(head -n 1 "$V/$name") ]]; then pass; else fail "$name: key header $(head -n 1 "$f")"; fi
    # Key first, then the certificate, nothing else.
    if [[ $(grep -c -- '^-----BEGIN' "$f") == 2 ]] && tail -n 1 "$f" | grep -qx -- '-----END CERTIFICATE-----'; then
        pass
    else
        fail "$name: not one key then one certificate"
    fi
    # A positive 16-byte serial: the DER INTEGER holds exactly 16 bytes.
    serial=$(serial_der_hex "$f")
    if [[ $serial =~ ^[0-7][0-9A-F]{31}$ && ${serial:0:2} != 00 ]]; then pass; else fail "$name: serial $serial"; fi
done

# Validity: today 00:00:00 UTC, for 20 years (SAST) or the default 10.
for pair in "ssl/private/sast.pem 20" "asterisk/keys/asterisk.pem 10" "apache/ssl-certs/apache-ec.pem 10"; do
    set -- $pair
    got=$(raw_dates "$E/$1")
    ok=0
    for day in "$day_before" "$day_after"; do
        want="${day:2}000000Z $(day_plus_years "$day" "$2" | cut -c3-)000000Z "
        [[ $got == "$want" ]] && ok=1
    done
    if ((ok)); then pass; else fail "$1: dates $got, expected ${day_before:2}000000Z + $2 years"; fi
done

# Extensions as openssl reads them: criticality, bits, purposes, the name.
openssl x509 -in "$E/apache/ssl-certs/apache-ec.pem" -noout \
    -ext basicConstraints,keyUsage,extendedKeyUsage,subjectAltName >"$WORK/ext"
cat >"$WORK/ext.want" <<'EOF'
X509v3 Basic Constraints: critical
    CA:TRUE, pathlen:0
X509v3 Key Usage: 
    Digital Signature, Key Encipherment, Data Encipherment, Certificate Sign, CRL Sign
X509v3 Extended Key Usage: 
    TLS Web Server Authentication, TLS Web Client Authentication, IPSec End System
X509v3 Subject Alternative Name: 
    DNS:apache-ec
EOF
expect_same_file "$WORK/ext" "$WORK/ext.want"
if openssl x509 -in "$E/apache/ssl-certs/apache-ec.pem" -noout -text | grep -q 'ecdsa-with-SHA256' &&
    ! openssl x509 -in "$E/apache/ssl-certs/apache-ec.pem" -outform DER | openssl asn1parse -inform DER |
        grep -A1 'ecdsa-with-SHA256' | grep -q NULL; then
    pass
else
    fail "apache-ec.pem: the ECDSA signature algorithm must have no parameters"
fi

# --- the guide's tlvfile commands use them (its apache2 path is a typo of
# the guide's own mkcert path, so both names lead to the same files) -------
ln -s apache "$E/apache2"
mkdir -p "$WORK/var/lib/tftpboot"
T=$WORK/var/lib/tftpboot
expect_status 0 tlvfile --build $T/ITLFile.tlv --sast $E/ssl/private/sast.pem \ --ccm $E/asterisk/keys/asterisk.pem --app-server $E/apache2/ssl-certs/apache.pem
expect_status 0 tlvfile --parse $T/ITLFile.tlv
grep -qx 'Valid signature' "$WORK/out" && pass || fail "ITLFile.tlv: no valid signature"
expect_status 0 tlvfile --build $T/ITLFile.tlv --version 1.1 --sast $E/ssl/private/sast.pem \ --ccm $E/asterisk/keys/asterisk.pem --tftp $E/apache2/ssl-certs/apache-ec.pem
expect_status 0 tlvfile --parse $T/ITLFile.tlv
grep -qx 'Valid signature' "$WORK/out" && pass || fail "ITLFile.tlv 1.1: no valid signature"
grep -q 'Subject Name: *CN=Apache-EC,O=Apache-EC,OU=Asterisk-EC' "$WORK/out" && pass || fail "ITLFile.tlv 1.1: no EC record"

# --- names, options, default file names ----------------------------------
mkdir "$WORK/n" && cd "$WORK/n"
expect_status 0 mkcert -c "Signer 1024" -o "Example, Ltd." -u Lab -l Wellington -s WGN -C nz -b 1024 -d sha1
[[ -f "Signer_1024.pem" ]] && pass || fail "default file name: $(ls)"
# Same names and order as the reference's signer1024, country upper-cased.
if diff <(structure Signer_1024.pem) <(structure "$V/signer1024.pem") >"$WORK/diff"; then
    pass
else
    fail "Signer_1024.pem differs from the reference's signer1024.pem:"; sed 's/^/  /' "$WORK/diff" >&2
fi
openssl x509 -in Signer_1024.pem -noout -subject -issuer >"$WORK/names"
openssl x509 -in "$V/signer1024.pem" -noout -subject -issuer >"$WORK/names.want"
expect_same_file "$WORK/names" "$WORK/names.want"
grep -q 'C = NZ' "$WORK/names" && pass || fail "--country nz not stored as NZ"
openssl x509 -in Signer_1024.pem -noout -text | grep -q 'Signature Algorithm: sha1WithRSAEncryption' &&
    pass || fail "--digest sha1 not used"
openssl x509 -in Signer_1024.pem -noout -ext subjectAltName | grep -qx '    DNS:signer 1024' &&
    pass || fail "subjectAltName is not the CN in lower case"

expect_status 2 mkcert -c "a.b/c d+é" -o O -u U -E prime256v1
grep -q 'ASCII' "$WORK/err" && pass || fail "non-ASCII CN: $(cat "$WORK/err")"
expect_status 0 mkcert -c "a.b/c d+e" -o O -u U -E prime256v1
[[ -f "a_b_c_d_e.pem" ]] && pass || fail "default file name: $(ls)"
# Options after the file, --file, --output, -f, and `ciscosec cert new`.
expect_status 0 mkcert after.pem -c After -o O -u U --curve secp256r1
expect_status 0 mkcert -c F -o O -u U -E secp256r1 --file long-file.pem
expect_status 0 mkcert -c F -o O -u U -E secp256r1 --output output.pem
expect_status 0 mkcert -c F -o O -u U -E secp256r1 -f short-f.pem
expect_status 0 ciscosec cert new -c F -o O -u U -E secp521r1 -d sha512 -y 30 new.pem
expect_status 0 mkcert -c F -o O -u U -E secp256r1 \  blank.pem
# A guide's flattened continuation glues the escaped blank to an option.
expect_status 0 mkcert --common "G" --organization "G" \ --unit "G" --curve secp256r1 glued.pem
for f in after.pem long-file.pem output.pem short-f.pem new.pem blank.pem glued.pem; do
    [[ -f $f && $(stat -c %a "$f") == 600 ]] && pass || fail "$f missing or not 0600"
done
# From 2050 on, dates are GeneralizedTime (RFC 5280).
raw_dates new.pem | grep -Eq '^[0-9]{12}Z [0-9]{14}Z $' && pass || fail "new.pem dates: $(raw_dates new.pem)"
openssl x509 -in new.pem -noout -text | grep -q 'ecdsa-with-SHA512' && pass || fail "new.pem: not sha512"
# The mode stays 0600 whatever the umask.
(umask 000 && mkcert -c U -o O -u U -E secp256r1 umask.pem >/dev/null)
[[ $(stat -c %a umask.pem) == 600 ]] && pass || fail "umask 000: mode $(stat -c %a umask.pem)"
expect_no_temp_files .

# Two runs from the same options: different keys and serials.
expect_status 0 mkcert -c Twice -o O -u U -E secp256r1 one.pem
expect_status 0 mkcert -c Twice -o O -u U -E secp256r1 two.pem
[[ $(openssl x509 -in one.pem -noout -serial) != $(openssl x509 -in two.pem -noout -serial) ]] &&
    pass || fail "two runs gave the same serial"
[[ $(openssl pkey -in one.pem -pubout) != $(openssl pkey -in two.pem -pubout) ]] &&
    pass || fail "two runs gave the same key"

# RSA sizes: a warning above what phones take, and for sizes that cannot
# sign; 4096 works (once: it takes seconds).
expect_status 0 mkcert -c Big -o O -u U -b 4096 big.pem
grep -q 'phones support RSA keys up to 2048 bits' "$WORK/err" && pass || fail "no warning for 4096 bits"
openssl x509 -in big.pem -noout -text | grep -q 'Public-Key: (4096 bit)' && pass || fail "big.pem is not 4096 bits"
expect_status 0 mkcert -c Odd -o O -u U --key-size 1536 odd.pem
grep -q 'cannot sign' "$WORK/err" && pass || fail "no warning for 1536 bits"
expect_status 0 mkcert -c Small -o O -u U --bits 512 small.pem
openssl pkey -in small.pem -check -noout 2>&1 | grep -q 'Key is valid' && pass || fail "small.pem: 512-bit key"

# --force replaces; the new file is a new key, still 0600.
cp one.pem one.pem.orig
expect_status 0 mkcert -c Again -o O -u U -E secp256r1 one.pem --force
cmp -s one.pem one.pem.orig && fail "--force did not replace one.pem" || pass
[[ $(stat -c %a one.pem) == 600 ]] && pass || fail "--force: mode $(stat -c %a one.pem)"

# --- refusals: exit 2, one line, nothing written ---------------------------
mkdir "$WORK/r" && cd "$WORK/r"
refused() {
    local file=$1 pattern=$2
    shift 2
    expect_status 2 "$@"
    expect_one_line_error "$pattern"
    [[ -s $WORK/out ]] && fail "stdout not empty: $(cat "$WORK/out")" || pass
    expect_absent "$file"
    expect_no_temp_files .
}
refused x.pem 'common name is required' mkcert --organization O --unit U x.pem
refused x.pem 'unit is required' mkcert --common C --organization O x.pem
refused x.pem 'invalid RSA key size 8192' mkcert -c C -o O -u U --bits 8192 x.pem
refused x.pem 'invalid RSA key size' mkcert -c C -o O -u U --bits 511 x.pem
refused x.pem "invalid curve 'secp256k1'" mkcert -c C -o O -u U --curve secp256k1 x.pem
refused x.pem "invalid country 'NZL'" mkcert -c C -o O -u U --country NZL x.pem
refused x.pem 'cannot be used together' mkcert -c C -o O -u U -b 2048 -E secp256r1 x.pem
refused x.pem "invalid digest 'md5'" mkcert -c C -o O -u U -d md5 x.pem
refused x.pem 'too small' mkcert -c C -o O -u U -b 512 -d sha512 x.pem
refused x.pem "invalid number of years" mkcert -c C -o O -u U -y 0 x.pem
refused x.pem 'one output file' mkcert -c C -o O -u U -f x.pem y.pem
refused C.pem 'cannot create' mkcert -c C -o O -u U -E secp256r1 nodir/C.pem
refused C.pem 'cannot create' ciscosec cert new -c C -o O -u U nodir/sub/C.pem
expect_absent nodir
# An existing file is kept, byte for byte, with the reason.
printf 'precious\n' >sast.pem
refused x.pem 'already exists.*SAST.*--force' mkcert --common "SAST" --organization "SAST" --unit "SAST" sast.pem
[[ $(cat sast.pem) == precious ]] && pass || fail "sast.pem was changed"
ln -s nowhere dangling.pem
refused x.pem 'already exists' mkcert -c C -o O -u U -E secp256r1 dangling.pem
[[ -L dangling.pem ]] && pass || fail "dangling.pem was replaced"
mkdir adir
refused x.pem 'is a directory' mkcert -c C -o O -u U -E secp256r1 adir
# The default name is refused the same way.
printf 'precious\n' >SAST.pem
refused x.pem 'already exists' mkcert --common "SAST" --organization "SAST" --unit "SAST"
[[ $(cat SAST.pem) == precious ]] && pass || fail "SAST.pem was changed"
expect_status 2 ciscosec cert
expect_status 0 ciscosec cert --help
expect_status 0 mkcert --help
grep -q -- '--common' "$WORK/out" && pass || fail "mkcert --help"

finish
