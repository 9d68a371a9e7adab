#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# ciscosec verify tftpboot: a provisioning directory built here with
# ciscosec itself (trust lists, signed and encrypted configurations), first
# good, then with each rule broken one at a time.
source "$(dirname "$0")/lib/verify.bash" # before common.bash, which changes directory
source "$(dirname "$0")/lib/common.bash"

cp "$V"/{sast,sast2,asterisk,apache,apache-ec,device}.pem .

# config MODE TRANSPORT [XML]: a phone configuration (XML: more settings).
config() {
    cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<device>
  <fullConfig>true</fullConfig>
  <deviceProtocol>SIP</deviceProtocol>
  <ipAddressMode>0</ipAddressMode>
  <devicePool>
    <callManagerGroup><members><member priority="0"><callManager>
      <ports><sipPort>5060</sipPort><securedSipPort>5061</securedSipPort></ports>
      <processNodeName>asterisk.example.com</processNodeName>
    </callManager></member></members></callManagerGroup>
  </devicePool>
  <capfAuthMode>0</capfAuthMode>
  <loadInformation>sip88xx.14-2-1-0001-14</loadInformation>
  <transportLayerProtocol>$2</transportLayerProtocol>
  <deviceSecurityMode>$1</deviceSecurityMode>${3:-}
</device>
XML
}

q() { "$@" >/dev/null 2>"$WORK/setup.err" || { fail "setup failed: $*"; cat "$WORK/setup.err" >&2; }; }
tlv() { q ciscosec tlv build "$@"; }
# sign DIR REL [CERT]: DIR/REL.sgn, with REL as the name in its header.
sign() { q ciscosec sgn build "$1/$2" --tftp "${3:-asterisk.pem}" --filename "$2.sgn"; }

# The good directory:
#   ITLFile.tlv (1.1)        SAST, SAST, CCM+TFTP Asterisk (RSA: signs files), TFTP Apache-EC
#   ITLSEPAABBCCDDEEFF.tlv   that phone's own list: SAST, CCM Asterisk (no file signer)
#   CTLSEP001122334455.tlv   SAST, APP-SERVER Apache
#   SEP001122334455.cnf.xml  encrypted mode (3), TLS, signed
#   SEP00112233AABB.cnf.xml  encrypted for the phone (.enc.sgn and its .sgn)
#   SEPAABBCCDDEEFF.cnf.xml  non-secure, unsigned (its list signs nothing)
#   SoftKeys.xml, DialTemplate.xml, New_Zealand/g3-tones.xml and
#   Desktops/320x196x4/Logo.png, all signed
make_good() {
    local d=good
    mkdir -p $d/New_Zealand $d/Desktops/320x196x4
    tlv $d/ITLFile.tlv --version 1.1 --sast sast.pem --sast sast2.pem --ccm-tftp asterisk.pem \
        --tftp apache-ec.pem
    tlv $d/ITLSEPAABBCCDDEEFF.tlv --sast sast.pem --ccm asterisk.pem --filename ITLFile.tlv
    tlv $d/CTLSEP001122334455.tlv --sast sast.pem --app-server apache.pem --filename CTLFile.tlv
    config 3 3 >$d/SEP001122334455.cnf.xml
    sign $d SEP001122334455.cnf.xml
    config 3 3 >aabb.cnf.xml
    cp aabb.cnf.xml $d/SEP00112233AABB.cnf.xml
    q ciscosec enc build $d/SEP00112233AABB.cnf.xml --tftp asterisk.pem --certificate device.pem
    config 1 2 >$d/SEPAABBCCDDEEFF.cnf.xml
    printf '<softKeyCfg><versionStamp>1</versionStamp></softKeyCfg>\n' >$d/SoftKeys.xml
    cp "$V/DialTemplate.xml" $d/DialTemplate.xml
    printf '<tones/>\n' >$d/New_Zealand/g3-tones.xml
    head -c 3000 "$V/firmware.bin" >$d/Desktops/320x196x4/Logo.png
    for f in SoftKeys.xml DialTemplate.xml New_Zealand/g3-tones.xml Desktops/320x196x4/Logo.png; do
        sign $d $f
    done
}
make_good

# fresh: t is a copy of the good directory, to break one thing in.
fresh() {
    rm -rf t
    cp -a good t
}
audit() { expect_status "$1" ciscosec verify tftpboot "${AT[@]}" "${@:2}"; }

# --- the good directory ---------------------------------------------------------------
audit 0 good
expect_out '^Summary of good$'
expect_out '^  files checked +15$'
expect_out '^    trust lists \(\*\.tlv\) +3$'
expect_out '^    configuration files \(\*\.xml\) +5$'
expect_out '^    signed files \(\*\.sgn\) +7$'
expect_out '^  phone configurations read +2$'
expect_out '^  phone configurations encrypted +1 '
expect_out '^  no problems$'
expect_out '^Accepted: a phone would accept this \(0 warnings\)$'
expect_not_out ': (error|warning) \['
# The same files one by one.
(cd good && ciscosec verify file "${AT[@]}" --itl ITLFile.tlv ./*.tlv ./*.sgn ./*/*.sgn \
    ./*/*/*.sgn >"$WORK/out" 2>&1) && pass || { fail "verify file on the good files"; cat "$WORK/out" >&2; }
# Temporary files of an interrupted write are not downloads.
fresh
printf 'half' >t/.SoftKeys.xml.sgn.Ab12Cd
audit 0 t

# --- trust lists ------------------------------------------------------------------------
# cert-validity: every list, once its certificates expire.
audit 1 good --at 2040-01-01
expect_finding ITLFile.tlv error cert-validity "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_finding ITLSEPAABBCCDDEEFF.tlv error cert-validity
expect_finding CTLSEP001122334455.tlv error cert-validity "CN=Apache,O=Apache,OU=Apache"
expect_only_rules cert-validity
expect_out '^  cert-validity +error +[0-9]+ certificate expired or not yet valid$'
expect_out '^Rejected: '

# tlv-https-cert: a 1.1 ITLFile.tlv without the EC certificate.
fresh
tlv t/ITLFile.tlv --version 1.1 --sast sast.pem --sast sast2.pem --ccm-tftp asterisk.pem
audit 1 t
expect_finding ITLFile.tlv error tlv-https-cert
expect_only_rules tlv-https-cert

# format: a truncated CTL.
fresh
truncate_by t/CTLSEP001122334455.tlv 7
audit 1 t
expect_finding CTLSEP001122334455.tlv error format
expect_only_rules format

# tlv-signature: a phone's own list changed after signing.
fresh
flip_byte t/ITLSEPAABBCCDDEEFF.tlv -1
audit 1 t
expect_finding ITLSEPAABBCCDDEEFF.tlv error tlv-signature "CN=SAST,O=SAST,OU=SAST"
expect_only_rules tlv-signature

# --- signed files -----------------------------------------------------------------------
# sgn-missing: a configuration file without its .sgn.
fresh
rm t/DialTemplate.xml.sgn
audit 1 t
expect_finding DialTemplate.xml error sgn-missing "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_only_rules sgn-missing
expect_out '^  sgn-missing +error +1 configuration file without its \.sgn$'

# format: a .sgn cut short.
fresh
head -c 20 good/SoftKeys.xml.sgn >t/SoftKeys.xml.sgn
audit 1 t
expect_finding SoftKeys.xml.sgn error format
expect_only_rules format

# sgn-signature: a signed image changed after signing.
fresh
flip_byte t/Desktops/320x196x4/Logo.png.sgn -1
audit 1 t
expect_finding Desktops/320x196x4/Logo.png.sgn error sgn-signature "CN=Asterisk,O=Asterisk,OU=Asterisk"
expect_only_rules sgn-signature

# sgn-signer: signed by a certificate the phones do not hold as TFTP.
fresh
sign t New_Zealand/g3-tones.xml apache.pem
audit 1 t
expect_finding New_Zealand/g3-tones.xml.sgn error sgn-signer "CN=Apache,O=Apache,OU=Apache"
expect_only_rules sgn-signer

# sgn-stale (a warning): the file changed after it was signed.
fresh
printf '<!-- edited -->\n' >>t/SoftKeys.xml
audit 0 t
expect_finding SoftKeys.xml.sgn warning sgn-stale
expect_only_rules sgn-stale
expect_out '^Accepted: a phone would accept this \(1 warning\)$'

# A phone's own list decides for its own configuration: one that signs
# files makes SEPAABBCCDDEEFF.cnf.xml need a .sgn; one that does not lets
# SEP001122334455.cnf.xml go unsigned.
fresh
tlv t/ITLSEPAABBCCDDEEFF.tlv --sast sast.pem --ccm-tftp asterisk.pem --filename ITLFile.tlv
audit 1 t
expect_finding SEPAABBCCDDEEFF.cnf.xml error sgn-missing
expect_only_rules sgn-missing
fresh
tlv t/ITLSEP001122334455.tlv --sast sast.pem --ccm asterisk.pem --filename ITLFile.tlv
rm t/SEP001122334455.cnf.xml.sgn
audit 0 t

# --- phones' security settings ---------------------------------------------------
# config-transport: encrypted mode over UDP.
fresh
config 3 1 >t/SEP001122334455.cnf.xml
sign t SEP001122334455.cnf.xml
audit 1 t
expect_finding SEP001122334455.cnf.xml error config-transport
expect_out 'needs transportLayerProtocol 3 \(TLS\), not 1'
expect_only_rules config-transport

# config-ccm-cert: secure mode, but the phone's list has no CCM certificate.
fresh
tlv t/ITLFile.tlv --version 1.1 --sast sast.pem --sast sast2.pem --tftp asterisk.pem \
    --tftp apache-ec.pem
audit 1 t
expect_finding SEP001122334455.cnf.xml error config-ccm-cert
expect_only_rules config-ccm-cert
fresh
config 2 3 >t/SEPAABBCCDDEEFF.cnf.xml
audit 0 t # its own list holds Asterisk as CCM
tlv t/ITLSEPAABBCCDDEEFF.tlv --sast sast.pem --app-server apache.pem --filename ITLFile.tlv
audit 1 t
expect_finding SEPAABBCCDDEEFF.cnf.xml error config-ccm-cert
expect_out 'ITLSEPAABBCCDDEEFF\.tlv, which holds none'

# format: a configuration phones cannot read.
fresh
printf '<?xml version="1.0"?>\n<!DOCTYPE device [<!ENTITY x "3">]>\n<device>&x;</device>\n' \
    >t/SEPAABBCCDDEEFF.cnf.xml
audit 1 t
expect_finding SEPAABBCCDDEEFF.cnf.xml error format
expect_out 'DOCTYPE'
printf '<phone><deviceSecurityMode>3</deviceSecurityMode></phone>\n' >t/SEPAABBCCDDEEFF.cnf.xml
audit 1 t
expect_out 'root element is <phone>'
printf '<device><deviceSecurityMode>3' >t/SEPAABBCCDDEEFF.cnf.xml
audit 1 t
expect_only_rules format

# --- the CAPF and TVS servers a configuration names ------------------------------
# config-capf-cert, config-tvs-cert (warnings): <capfList> and <TVS> point
# phones at a host and port; the phone's ITL must hold a certificate in the
# role (CAPF 4, TVS 21) that names that host (subjectAltName, or CN).
q ciscosec cert new -c capf.example.com -o CAPF -u CAPF -E secp256r1 capf.pem
q ciscosec cert new -c tvs.example.com -o TVS -u TVS -E secp256r1 tvs.pem
# services CAPF-HOST CAPF-PORT TVS-HOST TVS-PORT: the settings, in a signed
# SEP001122334455.cnf.xml of t.
services() {
    config 3 3 "
  <capfList><capf><phonePort>$2</phonePort><processNodeName>$1</processNodeName></capf></capfList>
  <TVS><members><member priority=\"0\"><port>$4</port><address>$3</address></member></members></TVS>" \
        >t/SEP001122334455.cnf.xml
    sign t SEP001122334455.cnf.xml
}
with_services_itl() { # the good ITLFile.tlv, plus the given records
    tlv t/ITLFile.tlv --version 1.1 --sast sast.pem --sast sast2.pem --ccm-tftp asterisk.pem \
        --tftp apache-ec.pem "$@"
}
# A match: each names its own host (case does not matter in a host name).
fresh
with_services_itl --capf capf.pem --tvs tvs.pem
services capf.example.com 3804 TVS.Example.com 2445
audit 0 t
expect_out '^  no problems$'
# A missing TVS certificate.
fresh
with_services_itl --capf capf.pem
services capf.example.com 3804 tvs.example.com 2445
audit 0 t
expect_finding SEP001122334455.cnf.xml warning config-tvs-cert
expect_out 'points phones at TVS on tvs\.example\.com, but ITLFile\.tlv holds no TVS certificate'
expect_only_rules config-tvs-cert
expect_out '^  config-tvs-cert +warning +1 TVS server without a matching TVS certificate$'
expect_out '^Accepted: a phone would accept this \(1 warning\)$'
# --json carries the finding.
expect_status 0 ciscosec verify tftpboot "${AT[@]}" --json t
if python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
f = [x for x in d["findings"] if x["rule"] == "config-tvs-cert"]
assert len(f) == 1 and f[0]["severity"] == "warning", f
assert f[0]["file"] == "SEP001122334455.cnf.xml" and "tvs.example.com" in f[0]["message"], f
' "$WORK/out" 2>"$WORK/py"; then pass; else fail "verify tftpboot --json: $(tail -n 1 "$WORK/py")"; fi
# CAPF on the wrong host: the CAPF certificate is for another one.
fresh
with_services_itl --capf capf.pem --tvs tvs.pem
services pbx.example.com 3804 tvs.example.com 2445
audit 0 t
expect_finding SEP001122334455.cnf.xml warning config-capf-cert "CN=capf.example.com,O=CAPF,OU=CAPF"
expect_out 'points phones at CAPF on pbx\.example\.com, but no CAPF certificate in ITLFile\.tlv is for that host'
expect_only_rules config-capf-cert
# The TVS certificate in another role only (APP-SERVER), and a port that is
# none.
fresh
with_services_itl --capf capf.pem --app-server tvs.pem
services capf.example.com 99999 tvs.example.com 2445
audit 0 t
expect_out 'points phones at CAPF on capf\.example\.com port .99999., which is not a TCP port'
expect_out 'ITLFile\.tlv holds no TVS certificate'
expect_only_rules config-capf-cert config-tvs-cert
# Without a host.
fresh
with_services_itl --capf capf.pem --tvs tvs.pem
services '' 3804 tvs.example.com 2445
audit 0 t
expect_out '<capfList> has a <capf> without a host \(<processNodeName>\)'
expect_only_rules config-capf-cert

# --- encrypted configurations -------------------------------------------------------
# enc-companion: the .sgn that announces the encrypted file is missing.
fresh
rm t/SEP00112233AABB.cnf.xml.sgn
audit 1 t
expect_finding SEP00112233AABB.cnf.xml.enc.sgn error enc-companion
expect_only_rules enc-companion
# ...or does not say encrConfig true.
fresh
printf '<device><fullConfig>false</fullConfig><certHash>%s</certHash><encrConfig>false</encrConfig></device>\n' \
    0123456789abcdef0123456789abcdef >t/SEP00112233AABB.cnf.xml
sign t SEP00112233AABB.cnf.xml
rm t/SEP00112233AABB.cnf.xml
audit 1 t
expect_finding SEP00112233AABB.cnf.xml.sgn error enc-companion
expect_out 'does not say encrConfig true'
expect_only_rules enc-companion
# ...or has no certHash.
fresh
printf '<device><fullConfig>false</fullConfig><encrConfig>true</encrConfig></device>\n' \
    >t/SEP00112233AABB.cnf.xml
sign t SEP00112233AABB.cnf.xml
rm t/SEP00112233AABB.cnf.xml
audit 1 t
expect_out 'has no certHash'
expect_only_rules enc-companion
# ...or is signed by another TFTP certificate than the encrypted file.
fresh
tlv t/ITLFile.tlv --version 1.1 --sast sast.pem --sast sast2.pem --ccm-tftp asterisk.pem \
    --tftp apache-ec.pem --tftp apache.pem
cp t/SEP00112233AABB.cnf.xml.sgn companion.sgn
q ciscosec sgn remove companion.sgn
cp companion t/SEP00112233AABB.cnf.xml
sign t SEP00112233AABB.cnf.xml apache.pem
rm t/SEP00112233AABB.cnf.xml
audit 1 t
expect_finding SEP00112233AABB.cnf.xml.sgn error enc-companion "CN=Apache,O=Apache,OU=Apache"
expect_out 'signed by a different certificate'
expect_only_rules enc-companion
# ...or announces an encrypted file that is not there.
fresh
rm t/SEP00112233AABB.cnf.xml.enc.sgn
audit 1 t
expect_finding SEP00112233AABB.cnf.xml.sgn error enc-companion
expect_out 'SEP00112233AABB\.cnf\.xml\.enc\.sgn is missing'
# The encrypted file itself changed: its signature fails.
fresh
flip_byte t/SEP00112233AABB.cnf.xml.enc.sgn -1
audit 1 t
expect_finding SEP00112233AABB.cnf.xml.enc.sgn error sgn-signature
expect_only_rules sgn-signature
# enc-plaintext (a warning): the plaintext left beside the encrypted file.
fresh
cp aabb.cnf.xml t/SEP00112233AABB.cnf.xml
audit 0 t
expect_finding SEP00112233AABB.cnf.xml warning enc-plaintext
expect_only_rules enc-plaintext
# A phone with an encrypted configuration but no file signer in its list.
fresh
tlv t/ITLSEP00112233AABB.tlv --sast sast.pem --ccm asterisk.pem --filename ITLFile.tlv
audit 1 t
expect_finding SEP00112233AABB.cnf.xml.enc.sgn error sgn-signer
expect_out 'holds only as CCM'

# --- no ITLFile.tlv (a warning) ----------------------------------------------------
mkdir bare
printf '<softKeyCfg/>\n' >bare/SoftKeys.xml
audit 0 bare
expect_finding ITLFile.tlv warning no-trust-list
expect_only_rules no-trust-list
# ...and a secure phone without any list is an error.
config 3 3 >bare/SEP001122334455.cnf.xml
audit 1 bare
expect_finding SEP001122334455.cnf.xml error config-ccm-cert

# --- several problems at once: every one printed, the table counts them ---------------
fresh
rm t/DialTemplate.xml.sgn t/SoftKeys.xml.sgn
flip_byte t/Desktops/320x196x4/Logo.png.sgn -1
audit 1 t
expect_out '^  sgn-missing +error +2 '
expect_out '^  sgn-signature +error +1 '
expect_out '^Rejected: a phone would reject this \(3 errors, 0 warnings\)$'

# --- usage and I/O errors -------------------------------------------------------------
expect_status 2 ciscosec verify tftpboot missing-dir
expect_one_line_error "'missing-dir'"
expect_status 2 ciscosec verify tftpboot aabb.cnf.xml
expect_one_line_error 'not a directory'
expect_status 2 ciscosec verify tftpboot
expect_status 2 ciscosec verify tftpboot good good
expect_status 2 ciscosec verify tftpboot --itl good/ITLFile.tlv good

finish
