#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Certificates from a company CA, as openssl makes them: a root, an
# intermediate and a leaf whose subject is only CN=pbx.example.com. cert
# show lists the chain and the missing O and OU; tlv build takes the leaf
# and warns (refuses with --strict); verify reports the names as a finding;
# verify tls shows the chain a server sends, what a phone makes of it, and
# whether the server asks for a client certificate (openssl s_server
# -Verify 1), presenting one whose key is encrypted.
source "$(dirname "$0")/lib/common.bash"
source "$SRC/tests/e2e/lib/verify.bash" # expect_not_out
source "$SRC/tests/e2e/lib/tls_server.bash"

if ! command -v openssl >/dev/null; then
    echo "SKIP: no openssl command to make certificates and run a server"
    exit 77
fi

# --- the PKI -------------------------------------------------------------------
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout root.key -days 3650 \
    -subj '/CN=Example Root CA/O=Example/OU=PKI' \
    -addext 'basicConstraints=critical,CA:TRUE' -addext 'keyUsage=critical,keyCertSign' \
    -out root.crt 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout int.key -subj '/CN=Example Issuing CA/O=Example' \
    -out int.csr 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign\n' >ca.ext
openssl x509 -req -in int.csr -CA root.crt -CAkey root.key -CAcreateserial -days 1825 \
    -extfile ca.ext -out int.crt 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout leaf.key -subj '/CN=pbx.example.com' \
    -out leaf.csr 2>/dev/null
printf 'basicConstraints=CA:FALSE\nsubjectAltName=DNS:pbx.example.com\n' >leaf.ext
openssl x509 -req -in leaf.csr -CA int.crt -CAkey int.key -CAcreateserial -days 90 \
    -extfile leaf.ext -out leaf.crt 2>/dev/null
cat leaf.crt int.crt root.crt >fullchain.pem
cat root.crt int.crt leaf.crt >reversed.pem # leaf last
cat leaf.crt int.crt >partial.pem           # what most servers send
expiry() { date -u -d "$(openssl x509 -in "$1" -noout -enddate | sed 's/^notAfter=//')" +%Y-%m-%dT%H:%M:%SZ; }

# --- cert show -------------------------------------------------------------------
expect_status 0 ciscosec cert show fullchain.pem
expect_out '^Subject: +CN=pbx\.example\.com$'
expect_out "^Names: +the certificate's subject has no O and OU: phones need CN, O and OU in a trust list's certificates$"
expect_out '^Chain: +3 certificates, complete to a self-signed root$'
expect_out "^  1\\. CN=pbx\\.example\\.com, signed by 2, expires $(expiry leaf.crt)\$"
expect_out "^  2\\. CN=Example Issuing CA,O=Example, signed by 3, expires $(expiry int.crt)\$"
expect_out "^  3\\. CN=Example Root CA,O=Example,OU=PKI, self-signed, expires $(expiry root.crt)\$"
# Any order in the file: the leaf first all the same.
expect_status 0 ciscosec cert show reversed.pem
expect_out '^Subject: +CN=pbx\.example\.com$'
expect_out '^  1\. CN=pbx\.example\.com, signed by 2'
expect_out '^Chain: +3 certificates, complete'
expect_status 0 ciscosec cert show partial.pem
expect_out '^Chain: +2 certificates, incomplete: the issuer of the last is not in the file$'
expect_out '^  2\. CN=Example Issuing CA,O=Example, issuer not in the file'
# A certificate that has nothing to do with the chain.
openssl x509 -in "$DATA/vectors/device.pem" -out device.crt
cat leaf.crt int.crt root.crt device.crt >stray.pem
expect_status 0 ciscosec cert show stray.pem
expect_out "^  4\\. CN=SEP.*, not in the leaf's chain"
# --strict: the missing names are exit 1, after the report.
expect_status 1 ciscosec cert show --strict fullchain.pem
expect_out "^Names: +the certificate's subject has no O and OU"
expect_one_line_error "'fullchain.pem': the certificate's subject has no O and OU: .*\\(--strict\\)$"
expect_status 0 ciscosec cert show --strict root.crt
expect_out '^Names: +CN, O and OU, as phones need$'
# --json carries both.
expect_status 0 ciscosec cert show --json fullchain.pem
expect_out_mentions '"missing_names": ['
expect_out_mentions '"chain_complete": true'
if command -v jq >/dev/null; then
    got=$(jq -c '[.missing_names, [.chain[].signed_by], [.chain[].self_signed]]' "$WORK/out")
    if [[ $got == '[["O","OU"],[1,2,null],[false,false,true]]' ]]; then pass; else fail "json chain: $got"; fi
fi

# --- tlv build: the leaf of a chain, the names ----------------------------------
cp "$DATA/vectors/sast.pem" sast.pem
chmod 600 sast.pem
expect_status 0 ciscosec tlv build ITLFile.tlv --sast sast.pem --ccm reversed.pem
expect_out '^reversed\.pem: a chain of 3 certificates; the list takes its leaf, CN=pbx\.example\.com$'
expect_one_line_error "warning: 'reversed\\.pem': the certificate's subject has no O and OU: phones need CN, O and OU"
expect_status 0 ciscosec tlv parse ITLFile.tlv
expect_out 'CN=pbx\.example\.com'
expect_status 1 ciscosec tlv build Strict.tlv --strict --sast sast.pem --ccm fullchain.pem
expect_one_line_error "'fullchain\\.pem': the certificate's subject has no O and OU: .*\\(--strict\\)$"
expect_absent Strict.tlv
expect_no_temp_files
# The CA alone, as if it were the server's certificate: for the tls checks.
expect_status 0 ciscosec tlv build CAOnly.tlv --sast sast.pem --ccm int.crt
expect_status 0 ciscosec tlv build Good.tlv --sast sast.pem --ccm root.crt

# --- verify: the names as a finding --------------------------------------------
expect_status 0 ciscosec verify file --itl ITLFile.tlv ITLFile.tlv
expect_out "^ITLFile\\.tlv: warning \\[cert-names\\]: the certificate's subject has no O and OU: .*; certificate CN=pbx\\.example\\.com, serial [0-9a-f]+, record 2 \\(CCM\\)$"
expect_out '^Accepted: a phone would accept this \(1 warning\)$'
expect_status 1 ciscosec verify file --strict --itl ITLFile.tlv ITLFile.tlv
expect_out '^ITLFile\.tlv: error \[cert-names\]: '
expect_status 1 ciscosec verify file --strict --json --itl ITLFile.tlv ITLFile.tlv
expect_out_mentions '"rule": "cert-names",'
expect_out_mentions '"severity": "error",'
# O and OU present (the Issuing CA lacks only OU): named precisely.
expect_status 0 ciscosec verify file --itl CAOnly.tlv CAOnly.tlv
expect_out "warning \\[cert-names\\]: the certificate's subject has no OU: "
expect_status 0 ciscosec verify file --strict --itl Good.tlv Good.tlv
expect_not_out 'cert-names'

# --- verify tls: the chain a server sends, and client certificates ---------------
# The client's certificate with its key encrypted (traditional PEM).
printf 'client secret\n' >pass.txt
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout client.key -days 30 \
    -subj '/CN=phone/O=Example/OU=Voice' -out client.crt 2>/dev/null
openssl rsa -aes256 -traditional -in client.key -out client-enc.key -passout file:pass.txt 2>/dev/null
chmod 600 client-enc.key

# A server that sends its leaf and the intermediate.
start_server 127.0.0.1 -cert leaf.crt -key leaf.key -cert_chain int.crt ||
    fail "cannot start openssl s_server"
expect_status 0 ciscosec verify tls "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_out '^Client certificate: the server does not ask for one$'
expect_out '^Chain sent: 2 certificates$'
expect_out '^  1\. CN=pbx\.example\.com \(leaf\), in the trust list$'
expect_out '^  2\. CN=Example Issuing CA,O=Example$'
expect_out '^Accepted: '
# A list holding the CA but not the leaf: phones still refuse.
expect_status 1 ciscosec verify tls "127.0.0.1:$PORT" --itl CAOnly.tlv
expect_out '^  2\. CN=Example Issuing CA,O=Example, in the trust list$'
expect_out '^Note: CAOnly\.tlv holds a CA of this chain but not its leaf; phones trust only'
expect_out '\[tls-cert-unknown\]'
expect_status 1 ciscosec verify tls --json "127.0.0.1:$PORT" --itl CAOnly.tlv
expect_out_mentions '"in_trust_list": true'
expect_out_mentions '"requested": "no"'

# A server that demands a client certificate (-Verify 1, mandatory).
start_server 127.0.0.1 -cert leaf.crt -key leaf.key -cert_chain int.crt -Verify 1 \
    -CAfile client.crt || fail "cannot start openssl s_server"
expect_status 1 ciscosec verify tls "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_out '^Client certificate: the server asks for one$'
expect_out 'error \[tls-handshake\]: .*the server asks for a client certificate \(--client-cert\)$'
expect_status 0 ciscosec verify tls "127.0.0.1:$PORT" --itl ITLFile.tlv --client-cert client.crt \
    --client-key client-enc.key --passphrase-file pass.txt
expect_out '^Client certificate: the server asks for one; given client\.crt$'
expect_out '^Accepted: '
expect_status 1 ciscosec verify tls --json "127.0.0.1:$PORT" --itl ITLFile.tlv
expect_out_mentions '"requested": "yes"'
# A wrong passphrase, a key of another certificate: exit 2, nothing sent.
printf 'nope\n' >wrong.txt
expect_status 2 ciscosec verify tls "127.0.0.1:$PORT" --itl ITLFile.tlv --client-cert client.crt \
    --client-key client-enc.key --passphrase-file wrong.txt
expect_one_line_error "'client-enc\\.key': wrong passphrase for the private key$"
expect_status 2 ciscosec verify tls "127.0.0.1:$PORT" --itl ITLFile.tlv --client-cert client.crt \
    --client-key leaf.key
expect_one_line_error "'leaf\\.key': the private key does not match the certificate$"
# The client options belong to tls only.
expect_status 2 ciscosec verify file --itl ITLFile.tlv ITLFile.tlv --client-cert client.crt
expect_err_mentions 'options of '"'"'tls'"'"
expect_status 2 ciscosec verify tls "127.0.0.1:$PORT" --itl ITLFile.tlv --client-key client.key
expect_err_mentions '--client-key needs --client-cert'
stop_server

finish
