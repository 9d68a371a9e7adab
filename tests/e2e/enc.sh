# SPDX-License-Identifier: MIT
# Encrypted configurations (issue 5): `ciscosec enc` and `enccnf` against the
# reference's vector, the guide's command as written, round trips for device
# keys of 1024, 2048 and 4096 bits around the AES block size, every file
# checked with openssl alone (no ciscosec code), and failures that must
# leave the configuration where it was.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
MAC=SEP58971ECC97C1
TS=1767323045 # the vector's timestamp, 2026-01-02 03:04:05 UTC
cp "$V"/{asterisk,device,sast,apache,apache-ec,signer1024,signer4096}.pem .
chmod 600 ./*.pem # private keys: no warning about their mode

# --- an independent reader: the header walked in bash, openssl decrypts ----

# enc_fields FILE: sets HLEN, IV, EKEY (hex), PAD and KEYBITS from FILE's
# header, walking its elements (containers 3 7 9 16 17 21 stepped into,
# tag 13 a lone padding byte).
enc_fields() {
    local -a b
    mapfile -t b < <(head -c 4096 "$1" | xxd -p -c1)
    local i=0 tag len value
    HLEN=$((0x${b[8]}${b[9]}))
    IV='' EKEY='' PAD='' KEYBITS=''
    while ((i < HLEN)); do
        tag=$((0x${b[i]}))
        if ((tag == 13)); then
            i=$((i + 1))
            continue
        fi
        len=$((0x${b[i + 1]}${b[i + 2]}))
        i=$((i + 3))
        case $tag in 3 | 7 | 9 | 16 | 17 | 21) continue ;; esac
        printf -v value '%s' "${b[@]:i:len}"
        case $tag in
        19) IV=$value ;;
        20) PAD=$((0x$value)) ;;
        23) KEYBITS=$((0x$value)) ;;
        25) EKEY=$value ;;
        esac
        i=$((i + len))
    done
}

# openssl_decrypt FILE KEY-PEM OUT: the plaintext by openssl alone, padding
# count from the header; also checks that the padding is '\r' bytes.
openssl_decrypt() {
    local file=$1 key=$2 out=$3 aes
    enc_fields "$file"
    xxd -r -p <<<"$EKEY" >"$WORK/ekey.bin"
    aes=$(openssl pkeyutl -decrypt -inkey "$key" -in "$WORK/ekey.bin" | xxd -p)
    tail -c +$((HLEN + 1)) "$file" |
        openssl enc -d -aes-128-cbc -nopad -K "$aes" -iv "$IV" >"$WORK/padded.bin"
    head -c -"$PAD" "$WORK/padded.bin" >"$out"
    if [[ $(tail -c "$PAD" "$WORK/padded.bin" | tr -d '\r' | wc -c) == 0 ]]; then
        pass
    else
        fail "$file: padding is not $PAD '\\r' bytes"
    fi
}

expect_contains() { # FILE PATTERN
    if grep -qE -- "$2" "$1"; then pass; else fail "$1 lacks '$2'"; fi
}

expect_equal() { # GOT WANT WHAT
    if [[ $1 == "$2" ]]; then pass; else fail "$3: got '$1', expected '$2'"; fi
}

# --- the reference's vector --------------------------------------------------
cp "$V/$MAC.cnf.xml.enc.sgn" "$V/$MAC.cnf.xml.sgn" .

expect_status 0 ciscosec enc parse "$MAC.cnf.xml.enc.sgn" --tftp asterisk.pem
expect_same_file "$WORK/out" "$V/$MAC.cnf.xml.enc.sgn.parse.txt"
expect_status 0 enccnf --parse "$MAC.cnf.xml.enc.sgn"
head -n -1 "$V/$MAC.cnf.xml.enc.sgn.parse.txt" >want.txt
echo "No certificate specified, unable to check signature" >>want.txt
expect_same_file "$WORK/out" want.txt
expect_status 1 enccnf -p "$MAC.cnf.xml.enc.sgn" -t sast.pem
expect_contains "$WORK/out" '^Invalid signature$'
expect_one_line_error "^enccnf: '$MAC.cnf.xml.enc.sgn': invalid signature"
expect_status 2 ciscosec enc parse "$MAC.cnf.xml.sgn" --tftp asterisk.pem
expect_one_line_error "not an encrypted configuration"

# openssl alone decrypts it to the original: the bash reader is right.
openssl_decrypt "$MAC.cnf.xml.enc.sgn" device.pem plain.xml
expect_same_file plain.xml "$V/$MAC.cnf.xml.orig"
expect_equal "$HLEN/$PAD/$KEYBITS" "764/12/2048" "vector header fields"

# ciscosec decrypts it, checking the signature, then removes both files.
expect_status 0 enccnf --remove "$MAC.cnf.xml.enc.sgn" --key device.pem --tftp asterisk.pem
expect_same_file "$MAC.cnf.xml" "$V/$MAC.cnf.xml.orig"
expect_absent "$MAC.cnf.xml.enc.sgn"
expect_absent "$MAC.cnf.xml.sgn"
expect_equal "$(stat -c %a "$MAC.cnf.xml")" 600 "decrypted file's mode"
expect_no_temp_files .

# --- the companion rebuilt byte for byte ----------------------------------
rm -f "$MAC.cnf.xml"
cp "$V/$MAC.cnf.xml.orig" "$MAC.cnf.xml"
expect_status 0 env SOURCE_DATE_EPOCH=$TS enccnf --build "$MAC.cnf.xml" --tftp asterisk.pem \
    --certificate device.pem
expect_same_file "$MAC.cnf.xml.sgn" "$V/$MAC.cnf.xml.sgn"
expect_absent "$MAC.cnf.xml"
expect_equal "$(stat -c %s "$MAC.cnf.xml.enc.sgn")" "$(stat -c %s "$V/$MAC.cnf.xml.enc.sgn")" \
    "size of the rebuilt .enc.sgn"
# Its parse report is the vector's but for the random parts.
expect_status 0 ciscosec enc parse "$MAC.cnf.xml.enc.sgn" -t asterisk.pem
expect_same_file "$WORK/out" "$V/$MAC.cnf.xml.enc.sgn.parse.txt"
openssl_decrypt "$MAC.cnf.xml.enc.sgn" device.pem plain.xml
expect_same_file plain.xml "$V/$MAC.cnf.xml.orig"
# The phone's side of the companion: the MD5 of its certificate.
md5=$(openssl x509 -in device.pem -outform DER | md5sum | cut -c1-32)
expect_contains "$MAC.cnf.xml.sgn" "<certHash>$md5</certHash>"
rm -f "$MAC".cnf.xml.*

# --- the guide's command, as written (paths under $WORK, typo kept) --------
mkdir -p var/lib/tfptboot etc/asterisk/keys var/lib/capf
cp asterisk.pem etc/asterisk/keys/
cp device.pem "var/lib/capf/$MAC.pem"
cp "$V/$MAC.cnf.xml.orig" "var/lib/tfptboot/$MAC.cnf.xml"
# The flattened "\ " glues a blank to the next option: " --certificate".
expect_status 0 enccnf --build $WORK/var/lib/tfptboot/SEP58971ECC97C1.cnf.xml --tftp $WORK/etc/asterisk/keys/asterisk.pem \ --certificate $WORK/var/lib/capf/SEP58971ECC97C1.pem
expect_absent "var/lib/tfptboot/$MAC.cnf.xml"
openssl_decrypt "var/lib/tfptboot/$MAC.cnf.xml.enc.sgn" device.pem plain.xml
expect_same_file plain.xml "$V/$MAC.cnf.xml.orig"
# And a continuation flattened with two blanks: a blank argument.
cp "$V/$MAC.cnf.xml.orig" "var/lib/tfptboot/$MAC.cnf.xml"
expect_status 0 enccnf --build "$WORK/var/lib/tfptboot/$MAC.cnf.xml" --tftp \
    "$WORK/etc/asterisk/keys/asterisk.pem" ' ' --certificate "$WORK/var/lib/capf/$MAC.pem"
expect_absent "var/lib/tfptboot/$MAC.cnf.xml"
expect_status 0 enccnf -r "$WORK/var/lib/tfptboot/$MAC.cnf.xml.enc.sgn" -k device.pem
expect_same_file "var/lib/tfptboot/$MAC.cnf.xml" "$V/$MAC.cnf.xml.orig"
expect_no_temp_files var/lib/tfptboot

# --- round trips: key sizes, sizes around the block, both digests ----------
# config N: a <device> document of exactly N bytes.
config() {
    local head='<device><sshPassword>' tail=$'</sshPassword></device>\n' n=$1
    local fill=$((n - ${#head} - ${#tail}))
    printf '%s%s%s' "$head" "$(head -c "$fill" /dev/zero | tr '\0' x)" "$tail"
}
for pem in signer1024.pem device.pem signer4096.pem; do
    bits=$(openssl x509 -in "$pem" -noout -text | sed -nE 's/.*Public-Key: \(([0-9]+) bit\).*/\1/p')
    # Padding of 1, 16 and 15 bytes (the unit tests cover every size).
    for size in 63 64 65; do
        digest=sha1
        ((size == 64)) && digest=sha512
        {
            name=SEP00000000$size.cnf.xml
            config $size >"$name"
            cp "$name" want.xml
            expect_status 0 ciscosec enc build "$name" -t asterisk.pem -c "$pem" -d $digest
            expect_absent "$name"
            openssl_decrypt "$name.enc.sgn" "$pem" plain.xml
            expect_same_file plain.xml want.xml
            expect_equal "$KEYBITS/$PAD" "$bits/$((16 - size % 16))" "$pem $size $digest fields"
            expect_status 0 ciscosec enc parse "$name.enc.sgn" -t asterisk.pem
            expect_contains "$WORK/out" "^Encryption Digest Algorithm: ${digest^^}$"
            expect_status 0 ciscosec enc decrypt "$name.enc.sgn" -k "$pem" -t asterisk.pem
            expect_same_file "$name" want.xml
            rm -f "$name"
        }
    done
done
expect_no_temp_files .

# --- one vocabulary (docs/cli.md) ---------------------------------------------
# The phone's certificate and key have their own names; --key is the signer's
# key, as in tlv and sgn, so the TFTP certificate's key can live apart.
openssl x509 -in asterisk.pem -out tftp-cert.pem
openssl pkey -in asterisk.pem -out tftp.key 2>/dev/null
chmod 600 tftp.key
config 100 >SEP0000000000AB.cnf.xml
cp SEP0000000000AB.cnf.xml want.xml
expect_status 2 ciscosec enc build SEP0000000000AB.cnf.xml --tftp tftp-cert.pem \
    --device-certificate device.pem
expect_status 0 ciscosec enc build SEP0000000000AB.cnf.xml --tftp tftp-cert.pem --key tftp.key \
    --device-certificate device.pem
expect_status 0 ciscosec enc parse SEP0000000000AB.cnf.xml.enc.sgn --tftp asterisk.pem
expect_contains "$WORK/out" '^Valid signature$'
expect_status 0 ciscosec enc decrypt SEP0000000000AB.cnf.xml.enc.sgn --device-key device.pem \
    --tftp tftp-cert.pem
expect_same_file SEP0000000000AB.cnf.xml want.xml
# The old spellings still work: --certificate, and --key for the phone's key
# in decrypt (the other old ones, -c and -k, are used above).
expect_status 0 ciscosec enc build SEP0000000000AB.cnf.xml --tftp asterisk.pem \
    --certificate device.pem
expect_status 0 ciscosec enc decrypt SEP0000000000AB.cnf.xml.enc.sgn --key device.pem
expect_same_file SEP0000000000AB.cnf.xml want.xml
# enccnf takes the signer's key apart too, and --key to decrypt.
expect_status 0 enccnf --build SEP0000000000AB.cnf.xml -t tftp-cert.pem --key tftp.key -c device.pem
expect_status 0 enccnf -r SEP0000000000AB.cnf.xml.enc.sgn -k device.pem -t asterisk.pem
expect_same_file SEP0000000000AB.cnf.xml want.xml
rm -f SEP0000000000AB.cnf.xml* want.xml

# --- --keep ------------------------------------------------------------------
config 100 >SEP0000000000AA.cnf.xml
expect_status 0 ciscosec enc build SEP0000000000AA.cnf.xml -t asterisk.pem -c device.pem --keep
expect_equal "$(ls SEP0000000000AA.cnf.xml* | wc -l)" 3 "files after build --keep"
expect_status 0 ciscosec enc decrypt SEP0000000000AA.cnf.xml.enc.sgn -k device.pem --keep
expect_equal "$(ls SEP0000000000AA.cnf.xml* | wc -l)" 3 "files after decrypt --keep"
rm -f SEP0000000000AA.cnf.xml*

# --- decryption refused: the input and its companion stay -------------------
config 200 >SEP0000000000BB.cnf.xml
cp SEP0000000000BB.cnf.xml want.xml
ciscosec enc build SEP0000000000BB.cnf.xml -t asterisk.pem -c device.pem >/dev/null
F=SEP0000000000BB.cnf.xml.enc.sgn
cp "$F" good.enc.sgn

expect_status 2 ciscosec enc decrypt "$F" -k apache.pem
expect_one_line_error "cannot decrypt the AES key"
expect_status 2 ciscosec enc decrypt "$F" -k apache-ec.pem
expect_one_line_error "not RSA"
expect_status 2 ciscosec enc decrypt "$F" -k signer1024.pem
expect_one_line_error "cannot decrypt the AES key"
# A flipped bit in the last block of ciphertext.
size=$(stat -c %s "$F")
printf '\x55' | dd of="$F" bs=1 seek=$((size - 3)) conv=notrunc status=none
expect_status 1 ciscosec enc decrypt "$F" -k device.pem
expect_one_line_error "does not match its SHA1 digest"
expect_status 1 ciscosec enc decrypt "$F" -k device.pem -t asterisk.pem
expect_one_line_error "invalid signature"
expect_absent SEP0000000000BB.cnf.xml
[[ -f $F && -f SEP0000000000BB.cnf.xml.sgn ]] && pass || fail "refused decrypt removed files"
expect_no_temp_files .
# A name that does not say what it decrypts to.
cp good.enc.sgn config.bin
expect_status 2 ciscosec enc decrypt config.bin -k device.pem
expect_one_line_error "must end in .enc.sgn"
cp good.enc.sgn "$F"
expect_status 0 ciscosec enc decrypt "$F" -k device.pem
expect_same_file SEP0000000000BB.cnf.xml want.xml
rm -f SEP0000000000BB.* good.enc.sgn config.bin

# --- build refused: the input untouched, no output, no temporary file -------
# An older signed configuration under the companion's name stays as it was.
build_refused() { # NAME PATTERN ARGS...: exit 2, one line, nothing changed
    local name=$1 pattern=$2
    shift 2
    cp "$name" before.xml
    echo old >"$name.sgn"
    expect_status 2 ciscosec enc build "$name" "$@"
    expect_one_line_error "$pattern"
    expect_same_file "$name" before.xml
    expect_absent "$name.enc.sgn"
    [[ $(cat "$name.sgn") == old ]] && pass || fail "$name.sgn was replaced"
    expect_no_temp_files .
    rm -f "$name.sgn" before.xml
}
printf '<device><ipAddressMode>0</ipAddressMode>' >SEP0000000000CC.cnf.xml
build_refused SEP0000000000CC.cnf.xml "'SEP0000000000CC.cnf.xml': not well-formed XML" \
    -t asterisk.pem -c device.pem
printf '<?xml version="1.0"?>\n<phone><ipAddressMode>0</ipAddressMode></phone>\n' \
    >SEP0000000000CC.cnf.xml
build_refused SEP0000000000CC.cnf.xml "root element is <phone>, not <device>" \
    -t asterisk.pem -c device.pem
config 100 >SEP0000000000CC.cnf.xml
build_refused SEP0000000000CC.cnf.xml "^ciscosec enc: 'apache-ec.pem': .*EC key" \
    -t asterisk.pem -c apache-ec.pem
build_refused SEP0000000000CC.cnf.xml "'missing.pem'" -t asterisk.pem -c missing.pem
build_refused SEP0000000000CC.cnf.xml "'.*asterisk-cert.pem': no private key" \
    -t "$DATA/keys/asterisk-cert.pem" -c device.pem
# The companion's name taken by a directory: the encrypted file, already
# in its temporary file, must not appear either.
mkdir SEP0000000000CC.cnf.xml.sgn
expect_status 2 ciscosec enc build SEP0000000000CC.cnf.xml -t asterisk.pem -c device.pem
expect_one_line_error "'SEP0000000000CC.cnf.xml.sgn': is a directory"
expect_absent SEP0000000000CC.cnf.xml.enc.sgn
[[ -f SEP0000000000CC.cnf.xml && -d SEP0000000000CC.cnf.xml.sgn ]] && pass || fail "dir case"
expect_no_temp_files .
rmdir SEP0000000000CC.cnf.xml.sgn

# An unwritable directory. Root writes anywhere, so as root the command
# runs as nobody (setpriv).
mkdir locked
config 100 >locked/SEP0000000000DD.cnf.xml
cp locked/SEP0000000000DD.cnf.xml want.xml
chmod 555 locked
chmod 755 "$WORK"
chmod 644 asterisk.pem device.pem
as_user=()
[[ $(id -u) == 0 ]] && as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
if [[ ${#as_user[@]} == 0 ]] || command -v setpriv >/dev/null; then
    expect_status 2 "${as_user[@]}" "$(command -v ciscosec)" enc build \
        "$WORK/locked/SEP0000000000DD.cnf.xml" -t "$WORK/asterisk.pem" -c "$WORK/device.pem"
    # (readable keys for nobody, so also a warning about them)
    expect_contains "$WORK/err" "locked/SEP0000000000DD.cnf.xml.enc.sgn'.*Permission denied"
    expect_same_file locked/SEP0000000000DD.cnf.xml want.xml
    expect_equal "$(ls -A locked)" SEP0000000000DD.cnf.xml "locked/ after a refused build"
else
    echo "SKIP: unwritable-directory check needs setpriv when run as root"
fi
chmod 755 locked
chmod 600 ./*.pem

# --- usage ----------------------------------------------------------------
config 100 >SEP0000000000EE.cnf.xml
expect_status 2 ciscosec enc build SEP0000000000EE.cnf.xml -c device.pem
expect_one_line_error "no --tftp"
expect_status 2 ciscosec enc build SEP0000000000EE.cnf.xml -t asterisk.pem
expect_one_line_error "no --device-certificate"
expect_status 2 enccnf --build SEP0000000000EE.cnf.xml -t asterisk.pem
expect_one_line_error "no --certificate"
expect_status 2 ciscosec enc build SEP0000000000EE.cnf.xml SEP0000000000CC.cnf.xml \
    -t asterisk.pem -c device.pem
expect_one_line_error "certificate-dir"
expect_status 2 ciscosec enc build SEP0000000000EE.cnf.xml -t asterisk.pem -c device.pem \
    --certificate-dir .
expect_one_line_error "cannot be used together"
expect_status 2 ciscosec enc decrypt x.enc.sgn
expect_one_line_error "--device-key"
expect_status 2 enccnf --remove x.enc.sgn
expect_one_line_error "phone's private key \(--key\)"
expect_status 2 ciscosec enc decrypt x.enc.sgn --key device.pem --device-key device.pem
expect_one_line_error "--key and --device-key"
expect_status 2 ciscosec enc build SEP0000000000EE.cnf.xml -t asterisk.pem \
    --device-certificate device.pem --device-key device.pem
expect_one_line_error "--device-key is for decrypting"
expect_status 2 enccnf SEP0000000000EE.cnf.xml
expect_one_line_error "--build, --parse or --remove"
expect_status 2 enccnf -b -p SEP0000000000EE.cnf.xml
expect_status 2 ciscosec enc build SEP0000000000EE.cnf.xml -t asterisk.pem -c device.pem -d md5
expect_one_line_error "invalid digest"
expect_status 0 enccnf --help
expect_contains "$WORK/out" "^Usage: enccnf --build"
expect_status 0 ciscosec enc -H
expect_contains "$WORK/out" "^Usage: ciscosec enc build"
[[ -f SEP0000000000EE.cnf.xml ]] && pass || fail "a usage error removed the input"

finish
