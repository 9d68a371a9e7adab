# SPDX-License-Identifier: MIT
# Every sgnfile command of the deployment guide (shared/seed/device-security.txt,
# "sgnfile" section), as written there: several commands run together on one
# line after their prompts, and line continuations flattened to "\ ", an
# escaped blank that the shell glues to the option after it (the program
# gets " --filename"). Paths move under $WORK, `sudo ./` goes; each output
# is then checked with parse --tftp and stripped back.
source "$(dirname "$0")/lib/common.bash"

cat >guide.txt <<'EOF'
~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/SEP58971ECC97C1.cnf.xml --tftp /etc/asterisk/keys/asterisk.pem ~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/SoftKeys.xml --tftp /etc/asterisk/keys/asterisk.pem ~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/DialTemplate.xml --tftp /etc/asterisk/keys/asterisk.pem
~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/New_Zealand/g3-tones.xml --tftp /etc/asterisk/keys/asterisk.pem \ --filename New_Zealand/g3-tones.xml.sgn ~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/New_Zealand/mk-sip.jar --tftp /etc/asterisk/keys/asterisk.pem \ --filename New_Zealand/mk-sip.jar.sgn
~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/Ringlist.xml --tftp /etc/asterisk/keys/asterisk.pem ~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/Old_Telephone.raw --tftp /etc/asterisk/keys/asterisk.pem
~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/Desktops/320x196x4/List.xml --tftp /etc/asterisk/keys/asterisk.pem \ --filename Desktops/320x196x4/List.xml.sgn ~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/Desktops/320x196x4/Logo.png --tftp /etc/asterisk/keys/asterisk.pem \ --filename Desktops/320x196x4/Logo.png.sgn ~/certutils-X.X$ sudo ./sgnfile --build /var/lib/tftpboot/Desktops/320x196x4/Logo_Preview.png --tftp /etc/asterisk/keys/asterisk.pem \ --filename Desktops/320x196x4/Logo_Preview.png.sgn
EOF

# One command per line: split at the prompts, drop `sudo ./`, move the
# paths under $WORK.
sed -e 's/ *~\/certutils-X\.X\$ /\n/g' guide.txt | sed -e '/^$/d' -e 's/^sudo \.\///' \
    -e "s#/var/lib/tftpboot/#$WORK/tftpboot/#g" -e "s#/etc/asterisk/keys/#$WORK/keys/#g" \
    >commands.txt
[[ $(wc -l <commands.txt) == 10 ]] && pass || fail "expected 10 commands, got $(wc -l <commands.txt)"

mkdir keys
cp "$DATA/vectors/asterisk.pem" keys/
while read -r line; do
    # The inputs, made first: the argument after --build.
    input=$(sed -E 's/.*--build ([^ ]+).*/\1/' <<<"$line")
    mkdir -p "$(dirname "$input")"
    printf 'content of %s\n' "$(basename "$input")" >"$input"
done <commands.txt

glued=0
words=()
while read -r line; do
    # eval: the line's quoting, "\ " included, as a shell would read it.
    eval "words=($line)"
    for w in "${words[@]}"; do [[ $w == ' --filename' ]] && glued=$((glued + 1)); done
    eval "expect_status 0 $line"
    input=$(sed -E 's/.*--build ([^ ]+).*/\1/' <<<"$line")
    name=$(basename "$input").sgn
    if [[ $line == *--filename* ]]; then
        name=$(sed -E 's/.*--filename ([^ ]+).*/\1/' <<<"$line")
    fi
    grep -qx "Built $input.sgn" out && pass || fail "no 'Built' line: $line"
    expect_status 0 sgnfile --parse "$input.sgn" --tftp keys/asterisk.pem
    tail -n1 out | grep -qx 'Valid signature' && pass || fail "$input.sgn: not valid"
    grep -qx "Filename:         $name" out && pass || fail "$input.sgn: file name is not $name"
    expect_status 0 stripsgn "$input.sgn"
    printf 'content of %s\n' "$(basename "$input")" | cmp -s - "$input" && pass ||
        fail "$input: the body did not come back"
done <commands.txt
[[ $glued == 5 ]] && pass || fail "expected 5 ' --filename' arguments, found $glued"
expect_no_temp_files tftpboot

finish
