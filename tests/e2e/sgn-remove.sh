# SPDX-License-Identifier: MIT
# ciscosec sgn remove, sgnfile --remove and stripsgn: the vectors' bodies
# back, firmware headers, names refused; malformed files refused with one
# line and no output; a failed build leaves an existing .sgn as it was.
source "$(dirname "$0")/lib/sgn.bash" # first: common.bash changes directory
source "$(dirname "$0")/lib/common.bash"

# --- remove and stripsgn ---------------------------------------------------
mkdir strip
for vector in SEP58971ECC97C1-signed.cnf.xml.sgn SEP58971ECC97C1.cnf.xml.sgn \
    DialTemplate.xml.sgn firmware.bin.sgn empty.bin.sgn; do
    cp "$V/$vector" strip/
    vector_body "$vector" >expected
    expect_status 0 stripsgn "strip/$vector"
    expect_same_file "strip/${vector%.sgn}" expected
    grep -qx "Wrote strip/${vector%.sgn}" out && pass || fail "no 'Wrote' line for $vector"
    rm "strip/${vector%.sgn}"
    expect_status 0 sgnfile --remove "strip/$vector"
    expect_same_file "strip/${vector%.sgn}" expected
    rm "strip/${vector%.sgn}"
    expect_status 0 ciscosec sgn remove "strip/$vector"
    expect_same_file "strip/${vector%.sgn}" expected
done
expect_no_temp_files strip
# A firmware image under its .sha512 name.
cp "$V/firmware.bin.sgn" firmware.sha512
expect_status 0 stripsgn firmware.sha512
expect_same_file firmware "$V/firmware.bin"
# Several files at once, each with its line, in order.
expect_status 0 stripsgn strip/DialTemplate.xml.sgn strip/empty.bin.sgn
printf 'Wrote %s\n' strip/DialTemplate.xml strip/empty.bin | cmp -s - out && pass ||
    fail "stripsgn with two files: unexpected output"

# Other names are refused; nothing is written.
cp "$V/DialTemplate.xml.sgn" dial.bin
expect_status 2 stripsgn dial.bin
expect_one_line_error "^stripsgn: 'dial.bin': .*\.sgn or \.sha512"
expect_absent dial
cp "$V/DialTemplate.xml.sgn" .sgn
expect_status 2 sgnfile -r .sgn
expect_one_line_error "'.sgn'"

# Cisco's own firmware headers: a placeholder signer, no timestamp. A
# synthetic one (SHA-1, zero signature), stripped and parsed.
{
    printf '\x01\x00\x02\x01\x00\x02\x00\x02\x01\x3c'         # version 1.0, length 316
    printf '\x03\x00\x0c\x04\x00\x01\x00\x06\x00\x01\x00\x05\x00\x01\x00' # empty names, serial 0
    printf '\x07\x00\x0f\x08\x00\x01\x01\x09\x00\x08\x0a\x00\x01\x00\x0b\x00\x01\x02'
    printf '\x0c\x01\x00'
    head -c 256 /dev/zero
    printf '\x0e\x00\x09kern.sbn\x00\x0d\x0d'
    printf 'firmware body\n'
} >kern.sha512
expect_status 0 stripsgn kern.sha512
printf 'firmware body\n' | cmp -s - kern && pass || fail "firmware header: wrong body"
expect_status 0 sgnfile --parse kern.sha512
grep -q '^Timestamp' out && fail "firmware header: a timestamp was printed" || pass
grep -qx 'Filename:         kern.sbn' out && pass || fail "firmware header: no file name"
expect_status 1 sgnfile --parse kern.sha512 --tftp "$V/asterisk.pem"

# --- malformed files: exit 2, one line, no output, no temporary file ------
mkdir bad
cd bad || exit 2
head -c 100 "$V/DialTemplate.xml.sgn" >truncated.sgn
: >empty.sgn
mkdir directory.sgn
# Header length (bytes 8-9) past the end of the file, and too small to hold
# the elements it should.
cp "$V/DialTemplate.xml.sgn" long.sgn
printf '\xff\xf0' | dd of=long.sgn bs=1 seek=8 conv=notrunc status=none
cp "$V/DialTemplate.xml.sgn" short.sgn
printf '\x00\x10' | dd of=short.sgn bs=1 seek=8 conv=notrunc status=none
# An element length that runs past the header (the signer name, at 13).
cp "$V/DialTemplate.xml.sgn" element.sgn
printf '\x7f\x00' | dd of=element.sgn bs=1 seek=14 conv=notrunc status=none
# An unknown tag where the signer info starts.
cp "$V/DialTemplate.xml.sgn" tag.sgn
printf '\x63' | dd of=tag.sgn bs=1 seek=10 conv=notrunc status=none
printf 'not a signed file at all' >text.sgn

for f in truncated empty directory long short element tag text missing; do
    expect_status 2 ciscosec sgn parse "$f.sgn" --tftp "$V/asterisk.pem"
    expect_one_line_error "^ciscosec sgn: '$f.sgn': "
    [[ -s out ]] && fail "$f.sgn: parse printed a report" || pass
    expect_status 2 stripsgn "$f.sgn"
    expect_one_line_error "^stripsgn: '$f.sgn': "
    expect_absent "$f"
done
expect_no_temp_files .
cd ..

# A FIFO is refused instead of waited on.
mkfifo pipe.sgn
expect_status 2 ciscosec sgn parse pipe.sgn
expect_one_line_error "not a regular file"

# --- build failures leave an existing .sgn as it was ----------------------
mkdir keep
cp "$V/DialTemplate.xml" keep/a.xml
expect_status 0 ciscosec sgn build keep/a.xml --tftp "$V/asterisk.pem"
cp keep/a.xml.sgn keep/before
rm keep/a.xml
mkdir keep/a.xml
expect_status 2 ciscosec sgn build keep/a.xml --tftp "$V/asterisk.pem"
expect_one_line_error "^ciscosec sgn: 'keep/a.xml': is a directory"
expect_same_file keep/a.xml.sgn keep/before
rmdir keep/a.xml
expect_status 2 sgnfile --build keep/a.xml --tftp "$V/asterisk.pem"
expect_one_line_error "^sgnfile: 'keep/a.xml': cannot open: No such file"
expect_same_file keep/a.xml.sgn keep/before
expect_status 2 sgnfile --build keep/before --tftp "$V/apache-ec.pem"
expect_one_line_error "not RSA"
expect_absent keep/before.sgn
expect_no_temp_files keep

finish
