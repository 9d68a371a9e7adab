# SPDX-License-Identifier: MIT
# Every `tlvfile` command of the device-security guide, as written there
# (shared/seed/device-security.txt), must work unchanged through the
# symlink. Only what cannot run in a test is rewritten: the absolute paths
# move under $WORK and `sudo ./` goes. The guide's line continuations were
# flattened on the web page into `\ `, an escaped blank that bash (like the
# shell of anyone pasting the line) glues to the option after it: the
# program receives " --ccm", a blank and the option in one argument.
source "$(dirname "$0")/lib/common.bash"

umask 022
V=$DATA/vectors

# The commands, copied character for character from the guide.
guide_commands=$(
    cat <<'GUIDE'
~/certutils-X.X$ sudo ./tlvfile --build /var/lib/tftpboot/ITLFile.tlv --sast /etc/ssl/private/sast.pem \ --ccm /etc/asterisk/keys/asterisk.pem --app-server /etc/apache2/ssl-certs/apache.pem
~/certutils-X.X$ sudo ./tlvfile --build /var/lib/tftpboot/ITLSEP58971ECC97C1.tlv --sast /etc/ssl/private/sast.pem \ --ccm /etc/asterisk/keys/asterisk-1.pem --ccm /etc/asterisk/keys/asterisk-2.pem --filename ITLFile.tlv
~/certutils-X.X$ sudo ./tlvfile --build /var/lib/tftpboot/CTLSEP58971ECC97C1.tlv --sast /etc/ssl/private/sast.pem \ --app-server /etc/apache2/ssl-certs/apache-1.pem --app-server /etc/apache2/ssl-certs/apache-2.pem --filename CTLFile.tlv
~/certutils-X.X$ sudo ./tlvfile --build /var/lib/tftpboot/ITLFile.tlv --version 1.1 --sast /etc/ssl/private/sast.pem \ --ccm /etc/asterisk/keys/asterisk.pem --tftp /etc/apache2/ssl-certs/apache-ec.pem
GUIDE
)

# Where the guide is at hand (the project's working area), the copies above
# must still be in it word for word.
guide=${SRC:-}/../shared/seed/device-security.txt
if [[ -f $guide ]]; then
    while IFS= read -r line; do
        if grep -qxF -- "$line" "$guide"; then pass; else fail "not in the guide: $line"; fi
    done <<<"$guide_commands"
fi

# The certificates the commands name, in the places they name (mkcert may
# not exist yet: the vectors stand in). Keys 0600, as mkcert writes them.
place() {
    mkdir -p "$(dirname "$WORK$2")"
    install -m 600 "$V/$1" "$WORK$2"
}
place sast.pem /etc/ssl/private/sast.pem
place asterisk.pem /etc/asterisk/keys/asterisk.pem
place asterisk.pem /etc/asterisk/keys/asterisk-1.pem
place device.pem /etc/asterisk/keys/asterisk-2.pem
place apache.pem /etc/apache2/ssl-certs/apache.pem
place apache.pem /etc/apache2/ssl-certs/apache-1.pem
place signer1024.pem /etc/apache2/ssl-certs/apache-2.pem
place apache-ec.pem /etc/apache2/ssl-certs/apache-ec.pem
mkdir -p "$WORK/var/lib/tftpboot"
TFTP=$WORK/var/lib/tftpboot

# run_guide_line N: runs the Nth command (from 1) as bash would, after the
# rewrite; checks it built, with nothing on stderr.
run_guide_line() {
    local line command
    local -a words
    line=$(sed -n "${1}p" <<<"$guide_commands")
    command=${line#'~/certutils-X.X$ '}
    command=${command/#sudo .\//}
    command=$(sed "s#/etc/#$WORK/etc/#g; s#/var/#$WORK/var/#g" <<<"$command")
    # The `\ ` really reaches the program glued to the next option.
    eval "words=($command)"
    local glued=0 w
    for w in "${words[@]}"; do [[ $w == ' --'* ]] && glued=$((glued + 1)); done
    [[ $glued == 1 ]] && pass || fail "line $1: expected one ' --option' argument, found $glued"
    [[ ${words[0]} == tlvfile ]] && pass || fail "line $1 does not run tlvfile: ${words[0]}"
    expect_status 0 eval "$command"
    if [[ -s $WORK/err ]]; then fail "line $1 wrote to stderr: $(cat "$WORK/err")"; else pass; fi
}

# check_list FILE FILENAME SIGNER-VERSION ROLE...: the list parses, names
# itself FILENAME, has these records in this order, and its signature holds.
check_list() {
    local file=$1 filename=$2 version=$3
    shift 3
    expect_status 0 tlvfile --parse "$file"
    [[ $(tail -n 1 "$WORK/out") == "Valid signature" ]] && pass || fail "$file: not valid"
    grep -qx "Filename:         $filename" "$WORK/out" && pass || fail "$file: not named $filename"
    grep -qx "Signer Version:   $version" "$WORK/out" && pass ||
        fail "$file: signer version is not $version"
    local roles
    roles=$(sed -n 's/^Role: *//p' "$WORK/out" | tr '\n' ' ')
    [[ $roles == "$* " ]] && pass || fail "$file: roles '$roles', expected '$* '"
}

run_guide_line 1
check_list "$TFTP/ITLFile.tlv" ITLFile.tlv 1.0 SAST CCM APP-SERVER
run_guide_line 2
check_list "$TFTP/ITLSEP58971ECC97C1.tlv" ITLFile.tlv 1.0 SAST CCM CCM
run_guide_line 3
check_list "$TFTP/CTLSEP58971ECC97C1.tlv" CTLFile.tlv 1.0 SAST APP-SERVER APP-SERVER
# The fourth replaces the first ITLFile.tlv.
run_guide_line 4
check_list "$TFTP/ITLFile.tlv" ITLFile.tlv 1.1 SAST CCM TFTP
grep -q "^Key Algorithm:    EC$" "$WORK/out" && pass || fail "the TFTP record is not EC"
expect_no_temp_files "$TFTP"

finish
