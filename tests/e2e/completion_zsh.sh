#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Zsh completion (completions/_ciscosec), in a real interactive zsh: lines
# are typed into it through a pseudo-terminal, TAB pressed, and the matches
# the completion system added are recorded (lib/zsh_complete.zsh). Then the
# options it offers for every command, verb and old name are compared with
# the bash completion's, so the two cannot drift apart.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/completion.bash"
: "${SRC:?SRC must name the source tree}"

if ! command -v zsh >/dev/null; then
    echo "zsh is not installed (it is in .ci/deps): skipped"
    exit 77
fi
make_completion_samples

# Cases: "LINE|EXPECTED MATCHES" (sorted as `sort` does in the C locale,
# file names quoted as zsh inserts them).
cases=(
    'ciscosec |capf cert enc help sgn tlv tvs verify'
    'ciscosec capf |add enrol export list remove serve show'
    'capfctl -i SEP001122334455 --curve |prime256v1 secp256r1 secp384r1 secp521r1'
    'ciscosec --|--help --version'
    'ciscosec tlv |build parse'
    'ciscosec tvs |add export list query remove serve show'
    'tvsd --tvs |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'tvsc |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec sgn |build parse remove'
    'ciscosec cert |hash new show'
    'ciscosec enc |build decrypt parse'
    'ciscosec verify |file rollover srtp tftpboot tls'
    'ciscosec tlv build --digest |sha1 sha512'
    'ciscosec tlv build --digest=|sha1 sha512'
    'ciscosec tlv build -v |1.0 1.1'
    'ciscosec sgn build -d |sha1 sha256 sha512'
    'ciscosec cert new --curve |prime256v1 secp256r1 secp384r1 secp521r1'
    'ciscosec cert new -b |1024 2048 3072 4096 512'
    'ciscosec cert hash -d |sha1 sha512'
    'ciscosec verify tls --role |APP-SERVER CCM CCM+TFTP TFTP'
    "ciscosec sgn build -j |$(seq 1 "$(nproc)" | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
    'mkcert --curve |prime256v1 secp256r1 secp384r1 secp521r1'
    'certhash --digest |sha1 sha512'
    'tlvfile --build x.tlv --version |1.0 1.1'
    'ciscosec tlv build |CTLFile.tlv ITLFile.tlv dir\ with\ space sub'
    'ciscosec tlv build --sast |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec tlv build --sast=|asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec tlv build --sast sub/|deeper inner.pem'
    'ciscosec tlv build --sast my|my\ cert.pem'
    'ciscosec tlv parse |CTLFile.tlv ITLFile.tlv dir\ with\ space sub'
    'tlvfile --parse |CTLFile.tlv ITLFile.tlv dir\ with\ space sub'
    'tlvfile --build ITLFile.tlv --ccm |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec sgn parse |SEP001122334455.cnf.xml.enc.sgn SoftKeys.xml.sgn dir\ with\ space firmware.sha512 sub'
    'sgnfile --parse |SEP001122334455.cnf.xml.enc.sgn SoftKeys.xml.sgn dir\ with\ space firmware.sha512 sub'
    'stripsgn |SEP001122334455.cnf.xml.enc.sgn SoftKeys.xml.sgn dir\ with\ space firmware.sha512 sub'
    'ciscosec sgn parse --tftp |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec enc build |SEP001122334455.cnf.xml dir\ with\ space sub'
    'enccnf --build |SEP001122334455.cnf.xml dir\ with\ space sub'
    'enccnf -r |SEP001122334455.cnf.xml.enc.sgn dir\ with\ space sub'
    'ciscosec enc parse |SEP001122334455.cnf.xml.enc.sgn dir\ with\ space sub'
    'ciscosec enc build --certificate |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec enc build --certificate-dir |dir\ with\ space sub'
    'ciscosec enc decrypt --key |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec enc decrypt --device-key |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec enc build --device-certificate |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec enc build --key |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'mkcert -c x -o y -u z |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'certhash |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec cert show |asterisk.pem dir\ with\ space my\ cert.pem sast.pem sub'
    'ciscosec verify file --itl |CTLFile.tlv ITLFile.tlv dir\ with\ space sub'
    'ciscosec verify file --itl ITLFile.tlv |CTLFile.tlv ITLFile.tlv SEP001122334455.cnf.xml.enc.sgn SoftKeys.xml.sgn dir\ with\ space firmware.sha512 sub'
    'ciscosec verify rollover |CTLFile.tlv ITLFile.tlv dir\ with\ space sub'
    'ciscosec verify tftpboot |dir\ with\ space sub'
    'ciscosec tlvfile --parse |CTLFile.tlv ITLFile.tlv dir\ with\ space sub'
    'ciscosec nosuch |'
)

# The options each command, verb and old name offers, compared with bash's.
source "$SRC/completions/ciscosec.bash"
parity=()
for cmd in tlv sgn cert enc verify capf; do
    for verb in ${_ciscosec_verbs[$cmd]}; do
        parity+=("ciscosec $cmd $verb -|$(_ciscosec_option_words "$cmd" "$verb" | tr '\n' ' ')")
    done
done
parity+=(
    "tlvfile -|$(_ciscosec_option_words tlv '' 1 | tr '\n' ' ')"
    "tlvfile --parse -|$(_ciscosec_option_words tlv parse | tr '\n' ' ')"
    "capfd -|$(_ciscosec_option_words capf serve | tr '\n' ' ')"
    "capfc -|$(_ciscosec_option_words capf enrol | tr '\n' ' ')"
    "sgnfile -|$(_ciscosec_option_words sgn '' 1 | tr '\n' ' ')"
    "sgnfile --build -|$(_ciscosec_option_words sgn build | tr '\n' ' ')"
    "stripsgn -|$(_ciscosec_option_words sgn remove | tr '\n' ' ')"
    "enccnf -|$(_ciscosec_option_words enc '' 1 | tr '\n' ' ')"
    "enccnf --remove -|$(_ciscosec_option_words enc decrypt | tr '\n' ' ')"
    "mkcert -|$(_ciscosec_option_words cert new | tr '\n' ' ')"
    "certhash -|$(_ciscosec_option_words cert hash | tr '\n' ' ')"
)

declare -A want=()
lines=()
for c in "${cases[@]}" "${parity[@]}"; do
    line=${c%%|*}
    # Split at blanks that are not quoted with a backslash.
    want[$line]=$(sed -E 's/([^\\]) /\1\n/g' <<<"${c#*|}" | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ')
    lines+=("$line")
done

if ! printf '%s\n' "${lines[@]}" |
    timeout 120 zsh -f "$HERE/lib/zsh_complete.zsh" "$SRC/completions" >"$WORK/zsh.out" 2>"$WORK/zsh.err"; then
    fail "the zsh driver failed:"
    sed 's/^/  /' "$WORK/zsh.err" >&2
fi

declare -A seen=()
while IFS=$'\t' read -r line matches; do
    seen[$line]=1
    got=$(tr '\t' '\n' <<<"$matches" | sed '/^$/d' | LC_ALL=C sort | tr '\n' ' ')
    if [[ $got == "${want[$line]}" ]]; then pass; else
        fail "zsh completing '$line': got [$got], expected [${want[$line]}]"
    fi
done <"$WORK/zsh.out"
for line in "${lines[@]}"; do
    [[ -n ${seen[$line]:-} ]] || fail "zsh gave no answer for '$line'"
done

finish
