#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Passphrase-protected private keys, as openssl writes them (PKCS#8 PBES2
# with AES-256-CBC, and the traditional Proc-Type: 4,ENCRYPTED form) and as
# `cert new --encrypt` writes them, read by every command that signs or
# decrypts; the passphrase from a file, an environment variable, never a
# terminal that is not there; a wrong one is exit 2 naming the file. Also
# `cert new --ca`, the CAPF issuer profile.
source "$(dirname "$0")/lib/common.bash"

if ! command -v openssl >/dev/null; then
    echo "SKIP: no openssl command to make encrypted keys"
    exit 77
fi

printf 'correct horse\n' >pass.txt
printf 'wrong horse\n' >wrong.txt
export CS_TEST_PASSPHRASE='correct horse'

# The signer: an RSA key and a self-signed certificate with CN, O and OU.
openssl genrsa -out plain.key 2048 2>/dev/null
openssl req -x509 -new -key plain.key -subj '/CN=SAST/O=Example/OU=Voice' -days 30 \
    -out sast.crt 2>/dev/null
# PKCS#8, PBES2, PBKDF2-HMAC-SHA256, AES-256-CBC ...
openssl pkcs8 -topk8 -v2 aes-256-cbc -in plain.key -out pkcs8.key -passout file:pass.txt
# ... as genpkey -aes256 writes it, with its own certificate ...
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -aes256 -pass file:pass.txt \
    -out genpkey.key 2>/dev/null
openssl req -x509 -new -key genpkey.key -passin file:pass.txt -subj '/CN=TFTP/O=Example/OU=Voice' \
    -days 30 -out genpkey.crt 2>/dev/null
# ... and the traditional PEM encryption.
openssl rsa -aes256 -traditional -in plain.key -out traditional.key -passout file:pass.txt 2>/dev/null
chmod 600 ./*.key
if grep -q 'BEGIN ENCRYPTED PRIVATE KEY' pkcs8.key genpkey.key &&
    grep -q 'Proc-Type: 4,ENCRYPTED' traditional.key; then pass; else fail "openssl made other formats"; fi
cat traditional.key sast.crt >sast-traditional.pem
cat genpkey.key genpkey.crt >tftp-genpkey.pem
chmod 600 ./*.pem

echo '<device/>' >config.xml

# Every format, through each command that signs.
expect_status 0 ciscosec tlv build ITL1.tlv --sast sast.crt --key pkcs8.key --passphrase-file pass.txt
expect_status 0 ciscosec tlv parse ITL1.tlv
expect_out 'SAST'
expect_status 0 ciscosec tlv build ITL2.tlv --sast sast-traditional.pem --passphrase-env CS_TEST_PASSPHRASE
expect_status 0 tlvfile --build ITL3.tlv --sast sast.crt --key traditional.key --passphrase-file pass.txt
expect_status 0 ciscosec sgn build config.xml --tftp tftp-genpkey.pem --passphrase-file pass.txt
expect_status 0 ciscosec sgn parse config.xml.sgn --tftp genpkey.crt
expect_out_mentions 'Valid signature'
expect_status 0 ciscosec sgn build config.xml --tftp sast.crt --key pkcs8.key \
    --passphrase-env CS_TEST_PASSPHRASE --filename other.xml.sgn
# enc: the TFTP signer's key, and the phone's key to decrypt.
cp config.xml SEP001122334455.cnf.xml
expect_status 0 ciscosec enc build SEP001122334455.cnf.xml --tftp tftp-genpkey.pem \
    --certificate sast.crt --passphrase-file pass.txt
expect_status 0 ciscosec enc decrypt SEP001122334455.cnf.xml.enc.sgn --key traditional.key \
    --passphrase-file pass.txt --tftp genpkey.crt
expect_same_file SEP001122334455.cnf.xml config.xml

# A wrong passphrase: exit 2, one line naming the key's file, nothing written.
for key in pkcs8.key traditional.key; do
    expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key "$key" --passphrase-file wrong.txt
    expect_one_line_error "'$key': wrong passphrase for the private key"
    expect_absent bad.tlv
done
cp config.xml wrongkey.xml
expect_status 2 ciscosec sgn build wrongkey.xml --tftp tftp-genpkey.pem --passphrase-file wrong.txt
expect_one_line_error "'tftp-genpkey.pem': wrong passphrase"
expect_absent wrongkey.xml.sgn
# No passphrase and no terminal to ask on (setsid: no controlling terminal).
if command -v setsid >/dev/null; then
    expect_status 2 setsid -w ciscosec tlv build bad.tlv --sast sast.crt --key pkcs8.key </dev/null
    expect_one_line_error "'pkcs8.key': .*--passphrase-file FILE or --passphrase-env NAME"
    expect_absent bad.tlv
fi
# At a terminal (script(1) gives one): asked for with echo off; Ctrl-C
# stops the program as the signal would, with the terminal restored.
if command -v script >/dev/null && command -v timeout >/dev/null; then
    at_terminal() { # INPUT COMMAND: runs COMMAND on a pseudo-terminal fed INPUT
        local input=$1
        shift
        # Typed once the prompt is up (the prompt flushes what came before):
        # a second, or ten under valgrind, whose start alone takes seconds.
        local delay=1
        [[ ${CISCOSEC_VALGRIND:-0} == 1 ]] && delay=10
        (
            sleep "$delay"
            printf "$input"
        ) | timeout 60 script -qec "$*" /dev/null
    }
    cp config.xml tty.xml
    cp config.xml notsigned.xml
    expect_status 0 at_terminal 'correct horse\n' ciscosec sgn build tty.xml --tftp sast.crt \
        --key pkcs8.key
    expect_out "Passphrase for 'pkcs8.key': "
    expect_out '^Built tty\.xml\.sgn'
    if grep -q 'correct horse' "$WORK/out"; then fail "the passphrase was echoed"; else pass; fi
    expect_status 2 at_terminal 'wrong horse\n' ciscosec sgn build notsigned.xml --tftp sast.crt \
        --key pkcs8.key
    expect_out "'pkcs8.key': wrong passphrase"
    expect_status 130 at_terminal '\003' ciscosec sgn build notsigned.xml --tftp sast.crt \
        --key pkcs8.key
    expect_out "'pkcs8.key': interrupted"
    expect_absent notsigned.xml.sgn
    # cert new --encrypt asks twice, and refuses two different answers.
    expect_status 2 at_terminal 'one\ntwo\n' ciscosec cert new -c t -o t -u t --encrypt tty.pem
    expect_out 'the two passphrases differ'
    expect_absent tty.pem
fi

# The passphrase's own sources, wrong.
expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key pkcs8.key --passphrase-env CS_TEST_UNSET
expect_one_line_error "CS_TEST_UNSET .*is not set"
expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key pkcs8.key --passphrase-file nothere.txt
expect_one_line_error "passphrase file 'nothere.txt'"
expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key pkcs8.key --passphrase-file .
expect_one_line_error "passphrase file '.'"
head -c 5000 /dev/zero | tr '\0' x >huge.txt # no passphrase file is that large
expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key pkcs8.key --passphrase-file huge.txt
expect_one_line_error "passphrase file 'huge.txt'"
expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key pkcs8.key \
    --passphrase-file pass.txt --passphrase-env CS_TEST_PASSPHRASE
expect_err_mentions 'cannot be used together'
expect_absent bad.tlv

# Damaged encrypted keys: truncated, a certificate where the key should be,
# an absurd iteration count. Each a clear error, exit 2, nothing written.
{
    head -n 8 pkcs8.key
    echo '-----END ENCRYPTED PRIVATE KEY-----'
} >truncated.key
{
    echo '-----BEGIN ENCRYPTED PRIVATE KEY-----'
    sed '1d;$d' sast.crt
    echo '-----END ENCRYPTED PRIVATE KEY-----'
} >wrongtype.key
chmod 600 truncated.key wrongtype.key
for key in truncated.key wrongtype.key; do
    expect_status 2 ciscosec tlv build bad.tlv --sast sast.crt --key "$key" --passphrase-file pass.txt
    expect_one_line_error "'$key': .*(invalid|unsupported)"
    expect_absent bad.tlv
done

# cert show: an encrypted key is reported, checked only with its passphrase.
expect_status 0 ciscosec cert show tftp-genpkey.pem
expect_out '^Private Key: +encrypted$'
expect_status 0 ciscosec cert show --passphrase-file pass.txt tftp-genpkey.pem
expect_out '^Private Key: +yes$'
expect_status 0 ciscosec cert show --json tftp-genpkey.pem
expect_out_mentions '"private_key": "encrypted"'
expect_status 2 ciscosec cert show --passphrase-file wrong.txt tftp-genpkey.pem
expect_one_line_error "'tftp-genpkey.pem': wrong passphrase"

# cert new --encrypt: PKCS#8 PBES2 that openssl reads with the passphrase,
# mode 0600, and that signs through the other commands.
expect_status 0 ciscosec cert new -c SAST2 -o Example -u Voice --passphrase-file pass.txt new.pem
expect_no_stderr
if [[ $(stat -c %a new.pem) == 600 ]]; then pass; else fail "new.pem is not 0600"; fi
if grep -q 'BEGIN ENCRYPTED PRIVATE KEY' new.pem && ! grep -q 'BEGIN PRIVATE KEY' new.pem; then
    pass
else
    fail "cert new --encrypt wrote the key unencrypted"
fi
openssl asn1parse -in new.pem >asn1.txt 2>/dev/null || true
if grep -q 'PBES2' asn1.txt && grep -q 'hmacWithSHA256' asn1.txt && grep -q 'aes-256-cbc' asn1.txt; then
    pass
else
    fail "cert new --encrypt: not PBES2/PBKDF2-HMAC-SHA256/AES-256-CBC"
fi
if openssl pkey -in new.pem -passin file:pass.txt -noout 2>/dev/null; then pass; else fail "openssl cannot read new.pem"; fi
if openssl pkey -in new.pem -passin file:wrong.txt -noout 2>/dev/null; then
    fail "openssl read new.pem with the wrong passphrase"
else pass; fi
expect_status 0 ciscosec tlv build ITL4.tlv --sast new.pem --passphrase-env CS_TEST_PASSPHRASE
# An EC key too: SEC1 is not encrypted, so it goes into PKCS#8 first.
expect_status 0 ciscosec cert new -c ec -o Example -u Voice -E secp256r1 --encrypt \
    --passphrase-env CS_TEST_PASSPHRASE ec.pem
if openssl pkey -in ec.pem -passin file:pass.txt -noout 2>/dev/null; then pass; else fail "openssl cannot read ec.pem"; fi
# --encrypt with no passphrase to be had, an empty one, and both flags.
if command -v setsid >/dev/null; then
    expect_status 2 setsid -w ciscosec cert new -c x -o x -u x --encrypt x.pem </dev/null
    expect_err_mentions '--passphrase-file'
    expect_absent x.pem
fi
: >empty.txt
expect_status 2 ciscosec cert new -c x -o x -u x --passphrase-file empty.txt x.pem
expect_one_line_error "'x.pem': the passphrase is empty"
expect_absent x.pem
expect_status 2 ciscosec cert new -c x -o x -u x --encrypt --no-encrypt x.pem
expect_err_mentions 'cannot be used together'
expect_no_temp_files

# Unencrypted: a warning unless --no-encrypt; mkcert's command line as before.
expect_status 0 ciscosec cert new -c plain -o Example -u Voice plain.pem
expect_err "warning: 'plain.pem': the private key is written unencrypted"
expect_status 0 ciscosec cert new -c quiet -o Example -u Voice --no-encrypt quiet.pem
expect_no_stderr
expect_status 0 mkcert -c legacy -o Example -u Voice legacy.pem
expect_no_stderr
if [[ $(cat "$WORK/out") == 'Built legacy.pem' ]] && grep -q 'BEGIN PRIVATE KEY' legacy.pem; then
    pass
else
    fail "mkcert's output changed"
fi

# --ca: the CAPF issuer profile.
expect_status 0 ciscosec cert new -c CAPF -o Example -u Voice --ca --no-encrypt capf.pem
openssl x509 -in capf.pem -noout -text >capf.txt
if grep -A1 'Basic Constraints: critical' capf.txt | grep -q 'CA:TRUE, pathlen:0' &&
    grep -A1 'Key Usage: critical' capf.txt | grep -qx ' *Digital Signature, Certificate Sign'; then
    pass
else
    fail "cert new --ca: not the CAPF issuer profile: $(grep -A1 'Usage\|Constraints' capf.txt)"
fi
# Without --ca, the reference's keyUsage, not critical.
openssl x509 -in quiet.pem -noout -text >quiet.txt
if grep -q 'Key Usage: critical' quiet.txt; then fail "keyUsage critical without --ca"; else pass; fi

finish
