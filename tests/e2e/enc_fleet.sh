# SPDX-License-Identifier: MIT
# Fleet encryption (issue 5): 200 phones in one call, each phone's
# certificate found as DIR/SEP<MAC>.pem, one of them missing: the other 199
# are built (one line each, in input order), the missing one is reported on
# its own line, left as it was, and the exit status is 2.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
cp "$V/asterisk.pem" .
chmod 600 asterisk.pem
mkdir tftpboot certs originals

macs=()
for i in $(seq 1 200); do
    mac=$(printf 'SEP%012X' "$i")
    macs+=("$mac")
    printf '<?xml version="1.0" encoding="UTF-8"?>\n<device>\n  <ipAddressMode>0</ipAddressMode>\n  <loadInformation>load-%d</loadInformation>\n  <sshPassword>secret-%d</sshPassword>\n</device>\n' \
        "$i" "$i" >"tftpboot/$mac.cnf.xml"
    # Every phone has the same certificate here: generating 200 keys would
    # only test the key generator.
    cp "$V/device.pem" "certs/$mac.pem"
done
cp tftpboot/*.cnf.xml originals/
missing=${macs[99]}
rm "certs/$missing.pem" # this phone has not enrolled yet

files=()
want=()
for mac in "${macs[@]}"; do
    files+=("tftpboot/$mac.cnf.xml")
    [[ $mac == "$missing" ]] ||
        want+=("Built tftpboot/$mac.cnf.xml.enc.sgn and tftpboot/$mac.cnf.xml.sgn")
done

start=$(date +%s%N)
expect_status 2 ciscosec enc build --tftp asterisk.pem --certificate-dir certs "${files[@]}"
echo "200 phones in $((($(date +%s%N) - start) / 1000000)) ms"

# One line per built file, in input order; one error line for the missing.
printf '%s\n' "${want[@]}" >want.txt
expect_same_file "$WORK/out" want.txt
expect_one_line_error "^ciscosec enc: 'tftpboot/$missing.cnf.xml': device certificate 'certs/$missing.pem': .*No such file"

# The files: 199 pairs, the unenrolled phone's configuration untouched.
count() { find tftpboot -name "$1" | wc -l; }
[[ $(count '*.cnf.xml.enc.sgn') == 199 && $(count '*.cnf.xml.sgn') == 199 ]] &&
    pass || fail "expected 199 .enc.sgn and 199 .sgn"
[[ $(count '*.cnf.xml') == 1 ]] && pass || fail "inputs left: $(count '*.cnf.xml'), expected 1"
expect_same_file "tftpboot/$missing.cnf.xml" "originals/$missing.cnf.xml"
expect_absent "tftpboot/$missing.cnf.xml.enc.sgn"
expect_no_temp_files tftpboot

# Each file is its own phone's: a sample decrypts to its original, and its
# companion names that phone's firmware.
cp "$V/device.pem" device.pem
chmod 600 device.pem
for i in 1 2 50 99 101 150 200; do
    mac=${macs[i - 1]}
    grep -q "<loadInformation>load-$i</loadInformation>" "tftpboot/$mac.cnf.xml.sgn" &&
        pass || fail "$mac.cnf.xml.sgn lacks load-$i"
    expect_status 0 ciscosec enc parse "tftpboot/$mac.cnf.xml.enc.sgn" --tftp asterisk.pem
    grep -q "^Filename: *$mac.cnf.xml.enc.sgn$" "$WORK/out" && pass || fail "$mac: file name"
    expect_status 0 ciscosec enc decrypt "tftpboot/$mac.cnf.xml.enc.sgn" --key device.pem \
        --tftp asterisk.pem
    expect_same_file "tftpboot/$mac.cnf.xml" "originals/$mac.cnf.xml"
done

# Once the phone has enrolled, the old name builds it, here on one thread.
cp "$V/device.pem" "certs/$missing.pem"
expect_status 0 enccnf --build "tftpboot/$missing.cnf.xml" --tftp asterisk.pem \
    --certificate-dir certs --jobs 1
expect_same_file "$WORK/out" <(echo "Built tftpboot/$missing.cnf.xml.enc.sgn and tftpboot/$missing.cnf.xml.sgn")
expect_absent "tftpboot/$missing.cnf.xml"

# A name that does not say which phone it is for; an EC certificate.
printf '<device/>\n' >tftpboot/phone.xml
printf '<device/>\n' >tftpboot/SEPEEEEEEEEEEEE.cnf.xml
cp "$V/apache-ec.pem" certs/SEPEEEEEEEEEEEE.pem
expect_status 2 ciscosec enc build -t asterisk.pem --certificate-dir certs -j 2 \
    tftpboot/phone.xml tftpboot/SEPEEEEEEEEEEEE.cnf.xml
[[ $(wc -l <"$WORK/err") == 2 ]] && pass || fail "expected two error lines"
grep -q "'tftpboot/phone.xml': the name does not end in .cnf.xml" "$WORK/err" &&
    pass || fail "no error for phone.xml"
grep -q "'tftpboot/SEPEEEEEEEEEEEE.cnf.xml': device certificate .*EC key" "$WORK/err" &&
    pass || fail "no error for the EC certificate"
[[ -f tftpboot/phone.xml && -f tftpboot/SEPEEEEEEEEEEEE.cnf.xml ]] && pass ||
    fail "a refused input was removed"
expect_absent tftpboot/SEPEEEEEEEEEEEE.cnf.xml.enc.sgn
expect_no_temp_files tftpboot

finish
