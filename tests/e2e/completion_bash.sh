#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Bash completion (completions/ciscosec.bash): commands, verbs, options,
# option values and files filtered by extension, for ciscosec and every
# old name, driven the way bash drives it (COMP_WORDS, COMP_CWORD,
# COMP_LINE, COMP_POINT set, then the function called). Then the
# completion is checked against the commands' own --help, so that it
# cannot drift from them.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
: "${SRC:?SRC must name the source tree}"

# shellcheck source=../../completions/ciscosec.bash
source "$SRC/completions/ciscosec.bash"

source "$HERE/lib/completion.bash"
make_completion_samples

# complete LINE: completes LINE with the cursor at its end, as bash would:
# words split at blanks and at '=' (COMP_WORDBREAKS), the function named by
# `complete -p` for the first word. Sets $got to the sorted replies, one
# per line.
complete_line() {
    local line=$1 w spec
    COMP_LINE=$line
    COMP_POINT=${#line}
    COMP_WORDS=()
    for w in $line; do
        if [[ $COMP_WORDBREAKS == *=* && $w == ?*=* ]]; then
            COMP_WORDS+=("${w%%=*}" "=")
            [[ -n ${w#*=} ]] && COMP_WORDS+=("${w#*=}")
        else
            COMP_WORDS+=("$w")
        fi
    done
    [[ $line == *' ' ]] && COMP_WORDS+=('')
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    spec=$(complete -p "${COMP_WORDS[0]}")
    spec=${spec##*-F }
    COMPREPLY=()
    # Interactive shells run completions without errexit; nounset stays on
    # to catch unset variables.
    set +e
    "${spec%% *}" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
    set -e
    got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | LC_ALL=C sort)
}

# expect LINE WORD...: the replies are exactly the words.
expect() {
    local line=$1 want
    shift
    complete_line "$line"
    want=$(printf '%s\n' "$@" | sed '/^$/d' | LC_ALL=C sort)
    if [[ $got == "$want" ]]; then
        pass
    else
        fail "completing '$line': got [$(echo $got)], expected [$(echo $want)]"
    fi
}

# expect_has LINE WORD...: the replies include the words.
expect_has() {
    local line=$1 w missing=()
    shift
    complete_line "$line"
    for w; do
        grep -qxF -- "$w" <<<"$got" || missing+=("$w")
    done
    if ((${#missing[@]} == 0)); then pass; else fail "completing '$line': no ${missing[*]} in [$(echo $got)]"; fi
}

# expect_lacks LINE WORD...: none of the words is offered.
expect_lacks() {
    local line=$1 w extra=()
    shift
    complete_line "$line"
    for w; do
        grep -qxF -- "$w" <<<"$got" && extra+=("$w")
    done
    if ((${#extra[@]} == 0)); then pass; else fail "completing '$line': ${extra[*]} offered"; fi
}

# --- registration: every name uses the function
for name in ciscosec $(old_names); do
    if complete -p "$name" 2>/dev/null | grep -q -- '-F _ciscosec '; then pass; else
        fail "no completion registered for $name"
    fi
done

# --- commands and verbs
expect 'ciscosec ' capf cert enc help sgn tlv tvs verify
expect 'ciscosec t' tlv tvs
expect 'ciscosec --v' --version
expect 'ciscosec help ' capf cert enc sgn tlv tvs verify
expect 'ciscosec tlv ' build parse
expect 'ciscosec sgn ' build parse remove
expect 'ciscosec sgn r' remove
expect 'ciscosec cert ' hash new show
expect 'ciscosec enc ' build decrypt parse
expect 'ciscosec verify ' file rollover srtp tftpboot tls
expect 'ciscosec nosuch ' ''

# --- options, by verb
expect_has 'ciscosec tlv build -' -s --sast -c --ccm -t --tftp -C --ccm-tftp -A --capf \
    -a --app-server -T --tvs -v --version -d --digest -F --filename --key --help
expect_lacks 'ciscosec tlv build -' --json --build
expect 'ciscosec tlv parse --' --help --json
expect 'ciscosec tlv build --ccm' --ccm --ccm-tftp
expect_has 'ciscosec sgn build --' --tftp --digest --filename --key --jobs
expect_has 'ciscosec sgn parse --' --tftp --json
expect_has 'ciscosec cert new --' --common --organization --unit --locality --state --country \
    --bits --key-size --curve --years --digest --file --output --force
expect_has 'ciscosec cert show --' --json
expect_has 'ciscosec enc build --' --tftp --key --device-certificate --certificate --digest --keep \
    --certificate-dir --jobs
expect_has 'ciscosec enc decrypt --' --device-key --key
expect_has 'ciscosec verify tls --' --itl --role --servername --json
expect_has 'ciscosec verify file --' --itl --json
# The old names: mode options, then only that mode's options.
expect_has 'tlvfile -' -b --build -p --parse -s --sast --version --json
expect 'tlvfile --parse --' --help --json
expect_has 'sgnfile -' -b --build -p --parse -r --remove --tftp
expect_has 'enccnf --' --build --parse --remove --certificate --key --keep
expect_has 'mkcert --' --common --curve --bits --key-size --file --output --force
expect_lacks 'mkcert --' --build --json
expect_has 'capfctl -' -l --list -i --install -f --fetch -d --delete -n --none -r --remove \
    -e --export -p --password -c --certificate -b --bits --key-size -E --curve
expect_has 'capfd --' --capf --issuer --verify --days --port --listen --timeout --limit --tlsv1
expect_has 'capfc --' --capf --host --timeout --password --lsc --sudi --certificate --tlsv1
expect_lacks 'capfc --' --install --days
expect 'capfctl -i SEP001122334455 --curve ' prime256v1 secp256r1 secp384r1 secp521r1
expect 'certhash -' -d --digest -h --help
expect 'stripsgn -' -h --help -j --jobs

# --- option values
expect 'ciscosec tlv build --digest ' sha1 sha512
expect 'ciscosec tlv build -d s' sha1 sha512
expect 'ciscosec tlv build --version ' 1.0 1.1
expect 'tlvfile --build x.tlv -v ' 1.0 1.1
expect 'ciscosec sgn build --digest ' sha1 sha256 sha512
expect 'ciscosec cert new --digest ' sha1 sha256 sha512
expect 'ciscosec cert hash --digest ' sha1 sha512
expect 'certhash -d ' sha1 sha512
expect 'ciscosec enc build -d ' sha1 sha512
expect 'mkcert --curve ' secp256r1 prime256v1 secp384r1 secp521r1
expect 'mkcert --curve secp3' secp384r1
expect 'mkcert --key-size ' 512 1024 2048 3072 4096
expect 'ciscosec verify tls --role ' CCM CCM+TFTP TFTP APP-SERVER
expect 'ciscosec cert new --common ' ''
mapfile -t cpus < <(seq 1 "$(nproc)")
expect 'ciscosec sgn build -j ' "${cpus[@]}"
expect 'ciscosec enc build --jobs ' "${cpus[@]}"

# --opt=value, split at '=' as bash does by default, and not split.
expect 'ciscosec tlv build --digest=' sha1 sha512
expect 'ciscosec tlv build --digest=sha5' sha512
expect 'ciscosec tlv build --sast=' 'dir with space' sast.pem asterisk.pem 'my cert.pem' sub
expect 'ciscosec tlv build --digest=sha1 ' 'dir with space' CTLFile.tlv ITLFile.tlv sub
COMP_WORDBREAKS=${COMP_WORDBREAKS//=/}
expect 'ciscosec tlv build --digest=s' --digest=sha1 --digest=sha512
COMP_WORDBREAKS+='='

# --- files, filtered by what the option or position expects
dirs=('dir with space' sub)
pem=(sast.pem asterisk.pem 'my cert.pem')
expect 'ciscosec tlv build ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'ciscosec tlv parse I' ITLFile.tlv
expect 'tlvfile --parse ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'tlvfile ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'ciscosec tlv build --sast ' "${dirs[@]}" "${pem[@]}"
expect 'tlvfile --build ITLFile.tlv --app-server ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec tlv build --key ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec tlv build --sast sub/' sub/deeper sub/inner.pem
expect 'ciscosec tlv build --sast my' 'my cert.pem'
expect 'ciscosec tlv build ITLFile.tlv --sast sast.pem ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'ciscosec sgn build ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv "${pem[@]}" SoftKeys.xml \
    SoftKeys.xml.sgn firmware.sha512 SEP001122334455.cnf.xml SEP001122334455.cnf.xml.enc.sgn \
    notes.txt
signed=(SoftKeys.xml.sgn firmware.sha512 SEP001122334455.cnf.xml.enc.sgn)
expect 'ciscosec sgn parse ' "${dirs[@]}" "${signed[@]}"
expect 'ciscosec sgn remove ' "${dirs[@]}" "${signed[@]}"
expect 'sgnfile --parse ' "${dirs[@]}" "${signed[@]}"
expect 'sgnfile -r ' "${dirs[@]}" "${signed[@]}"
expect 'stripsgn ' "${dirs[@]}" "${signed[@]}"
expect 'ciscosec sgn parse --tftp ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec enc build ' "${dirs[@]}" SEP001122334455.cnf.xml
expect 'enccnf --build ' "${dirs[@]}" SEP001122334455.cnf.xml
expect 'enccnf -p ' "${dirs[@]}" SEP001122334455.cnf.xml.enc.sgn
expect 'ciscosec enc decrypt ' "${dirs[@]}" SEP001122334455.cnf.xml.enc.sgn
expect 'ciscosec enc build --certificate ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec enc build --certificate-dir ' "${dirs[@]}"
expect 'ciscosec enc decrypt --key ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec enc decrypt --device-key ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec enc build --device-certificate ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec enc build --key ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec cert new --file ' "${dirs[@]}" "${pem[@]}"
expect 'mkcert -c x -o y -u z ' "${dirs[@]}" "${pem[@]}"
expect 'certhash ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec cert show ' "${dirs[@]}" "${pem[@]}"
expect 'ciscosec verify file --itl ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'ciscosec verify file --itl ITLFile.tlv ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv "${signed[@]}"
expect 'ciscosec verify rollover ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'ciscosec verify tftpboot ' "${dirs[@]}"
expect 'ciscosec verify srtp ' ''
# After "--", everything is a file, also what looks like an option.
expect 'ciscosec tlv parse -- ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
# `ciscosec OLDNAME` runs the old tool.
expect 'ciscosec tlvfile --parse ' "${dirs[@]}" CTLFile.tlv ITLFile.tlv
expect 'ciscosec mkcert --curve ' secp256r1 prime256v1 secp384r1 secp521r1
expect 'ciscosec tvs ' add export list query remove serve show
expect_has 'tvsd -' -T --tvs --port --listen --timeout --limit --tlsv1
expect_has 'tvsctl -' -l --list -a --add -r --remove -d --delete -e --export --ttl --ccm-tftp
expect 'tvsd -T ' "${dirs[@]}" "${pem[@]}"
expect 'tvsc --tvs ' "${dirs[@]}" "${pem[@]}"
expect 'tvsc ' "${dirs[@]}" "${pem[@]}"

# --- the completion against the commands' --help, for every command the
# binary has: its verbs, and the long options of each verb's --help, are
# the ones the completion knows. (--json is completed ahead of the commands
# that do not take it yet.)
long_options_in() { grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u; }
# subset A B: the lines of A that are not in B, on one line.
missing_from() { comm -23 <(echo "$1") <(echo "$2") | sed '/^$/d' | tr '\n' ' '; }
mapfile -t commands < <(ciscosec --help | sed -nE 's/^  ([a-z]+) .*/\1/p' |
    grep -vxF -f <(old_names) || true)
if ((${#commands[@]} == 0)); then fail "ciscosec --help lists no commands"; fi
for cmd in "${commands[@]}"; do
    if [[ -z ${_ciscosec_verbs[$cmd]:-} ]]; then
        fail "command '$cmd' of ciscosec --help is not completed"
        continue
    fi
    help=$(ciscosec "$cmd" --help)
    verbs=$(sed -nE "s/^(Usage:)? +ciscosec $cmd ([a-z]+)( .*)?\$/\\2/p" <<<"$help" | LC_ALL=C sort -u)
    known=$(tr ' ' '\n' <<<"${_ciscosec_verbs[$cmd]}" | LC_ALL=C sort -u)
    if [[ $verbs == "$known" ]]; then pass; else
        fail "$cmd verbs: --help has [$(echo $verbs)], the completion [$(echo $known)]"
    fi
    all_help=$(long_options_in <<<"$help")
    for verb in ${_ciscosec_verbs[$cmd]}; do
        verb_help=$(ciscosec "$cmd" "$verb" --help | long_options_in)
        all_help=$(printf '%s\n%s\n' "$all_help" "$verb_help" | LC_ALL=C sort -u)
        extra=$(missing_from "$(_ciscosec_option_words "$cmd" "$verb" | long_options_in)" \
            "$(printf '%s\n--json\n' "$verb_help" | LC_ALL=C sort -u)")
        if [[ -z $extra ]]; then pass; else
            fail "completion of '$cmd $verb' offers $extra, which its --help does not list"
        fi
    done
    completed=$(_ciscosec_option_words "$cmd" '' 1 | long_options_in)
    extra=$(missing_from "$completed" "$(printf '%s\n--json\n' "$all_help" | LC_ALL=C sort -u)")
    missing=$(missing_from "$all_help" "$completed")
    if [[ -z $extra && -z $missing ]]; then pass; else
        fail "$cmd options: only in --help [$missing], only in the completion [$extra]"
    fi
done

finish
