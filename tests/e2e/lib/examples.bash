# SPDX-License-Identifier: MIT
# Shared by the tests that run the commands of the documentation
# (manpages.sh, guide.sh, readme.sh).

# misspelt COMMAND-LINE: prints what is wrong when a documented command line
# runs a ciscosec command or verb that does not exist, and fails when it
# names a real one (or no ciscosec command at all). Such a line would exit
# 2, which an example may expect for other reasons, so it is caught here.
# Leading VAR=value words are skipped.
misspelt() {
    local -a words
    read -ra words <<<"$1"
    while [[ ${words[0]:-} == *=* ]]; do words=("${words[@]:1}"); done
    [[ ${words[0]:-} == ciscosec && -n ${words[1]:-} && ${words[1]} != -* ]] || return 1
    local cmd=${words[1]} verb=${words[2]:-} help verbs
    if ! help=$(ciscosec "$cmd" --help 2>/dev/null); then
        echo "there is no command 'ciscosec $cmd'"
        return 0
    fi
    verbs=$(sed -nE "s/^(Usage:)? +ciscosec $cmd ([a-z]+)( .*)?\$/\2/p" <<<"$help" | sort -u)
    if [[ -n $verbs && -n $verb && $verb != -* ]] && ! grep -qx -- "$verb" <<<"$verbs"; then
        echo "'ciscosec $cmd' has no verb '$verb' ($(echo $verbs))"
        return 0
    fi
    return 1
}

# prepare_deployment ROOT: what a deployment already has before the guides
# start: the phone's configuration and the files it downloads under
# ROOT/var/lib/tftpboot, and its certificate from enrollment (not its key)
# in ROOT/var/lib/capf.
prepare_deployment() {
    local root=$1 tftpboot=$1/var/lib/tftpboot firmware=$DATA/vectors/firmware.bin
    mkdir -p "$tftpboot"/New_Zealand "$tftpboot"/Desktops/320x196x4 "$root"/var/lib/capf
    cp "$DATA"/vectors/SEP58971ECC97C1.cnf.xml.orig "$tftpboot"/SEP58971ECC97C1.cnf.xml
    cp "$DATA"/vectors/DialTemplate.xml "$tftpboot"/
    printf '<softKeyCfg/>\n' >"$tftpboot"/SoftKeys.xml
    printf '<tones/>\n' >"$tftpboot"/New_Zealand/g3-tones.xml
    head -c 3000 "$firmware" >"$tftpboot"/New_Zealand/mk-sip.jar
    printf '<CiscoIPPhoneRingList/>\n' >"$tftpboot"/Ringlist.xml
    head -c 8000 "$firmware" >"$tftpboot"/Old_Telephone.raw
    printf '<CiscoIPPhoneImageList/>\n' >"$tftpboot"/Desktops/320x196x4/List.xml
    head -c 2000 "$firmware" >"$tftpboot"/Desktops/320x196x4/Logo.png
    head -c 500 "$firmware" >"$tftpboot"/Desktops/320x196x4/Logo_Preview.png
    sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$DATA"/vectors/device.pem \
        >"$root"/var/lib/capf/SEP58971ECC97C1.pem
}

# doc_blocks DOC ROOT [FROM TO]: the ```sh blocks of a Markdown file (only
# those between the headings FROM and TO when given), each as one
# NUL-terminated script, fences and list indentation removed, and the
# absolute paths it uses (/etc/..., /var/...) moved under ROOT.
doc_blocks() {
    local doc=$1 root=$2 from=${3:-} to=${4:-}
    awk -v from="$from" -v to="$to" '
        BEGIN { on = (from == "") }
        from != "" && $0 == from { on = 1 }
        to != "" && $0 == to { on = 0 }
        on && /^ *```sh$/ { inside = 1; indent = index($0, "`") - 1; script = ""; next }
        inside && /^ *```$/ { inside = 0; printf "%s%c", script, 0; next }
        inside { script = script substr($0, indent + 1) "\n" }
    ' "$doc" |
        sed -zE "s#(^|[[:space:]=])/(etc|var)/#\\1$root/\\2/#g"
}

# run_doc_blocks DOC ROOT [FROM TO]: runs each block of doc_blocks in order
# with bash -e; each must succeed, and none may run a ciscosec command or
# verb that does not exist. Lines marked "# not run: REASON" are left out (a
# block that needs a live server, say).
run_doc_blocks() {
    local doc=$1 script command got ran=0 problem
    while IFS= read -r -d '' script; do
        script=$(grep -v '# not run:' <<<"$script" || true)
        # One command per line once continuations are joined.
        while IFS= read -r command; do
            if problem=$(misspelt "$command"); then
                fail "${doc##*/}: $problem: $command"
            fi
        done < <(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' <<<"$script")
        got=0
        bash -e -c "$script" >"$WORK/out" 2>"$WORK/err" </dev/null || got=$?
        ran=$((ran + 1))
        if ((got == 0)); then pass; else
            fail "${doc##*/} block exits $got:"
            sed 's/^/  script: /' <<<"$script" >&2
            sed 's/^/  stdout: /' "$WORK/out" >&2
            sed 's/^/  stderr: /' "$WORK/err" >&2
        fi
    done < <(doc_blocks "$@")
    echo "${doc##*/}: $ran blocks run"
    if ((ran == 0)); then fail "no block of ${doc##*/} ran"; fi
}
