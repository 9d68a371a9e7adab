# SPDX-License-Identifier: MIT
# bash completion for ciscosec and the old certutils names it answers to
# (tlvfile, sgnfile, stripsgn, enccnf, mkcert, certhash), and the services'
# reference names (capfd, capfctl, capfc, tvsd, tvsctl, tvsc).
#
# Installed as share/bash-completion/completions/ciscosec, with a symlink
# per old name beside it so that bash-completion's on-demand loader finds it
# under every name. It needs nothing from the bash-completion package:
# `source completions/ciscosec.bash` in any bash 4.2 or later works too.
#
# It completes commands, verbs, options, option values, and file names
# filtered by the extension each option or position expects (directories
# are always offered, to walk into).

# The options of each command and verb. One word per option: its spellings
# joined by '|', then, for an option that takes a value, '=' and the kind of
# value (see _ciscosec_values). Keep in step with each command's --help.
declare -gA _ciscosec_options=(
    [tlv/build]='-s|--sast=pem -c|--ccm=pem -t|--tftp=pem -C|--ccm-tftp=pem
        -A|--capf=pem -a|--app-server=pem -T|--tvs=pem -v|--version=1.0,1.1
        -d|--digest=sha1,sha512 -F|--filename=text --key=pem
        --passphrase-file=file --passphrase-env=text --strict'
    [tlv/parse]='--json'
    [sgn/build]='-t|--tftp=pem -c|--certificate=pem -d|--digest=sha1,sha256,sha512
        -F|--filename=text --key=pem -j|--jobs=jobs
        --passphrase-file=file --passphrase-env=text'
    [sgn/parse]='-t|--tftp=pem -c|--certificate=pem --json'
    [sgn/remove]='-j|--jobs=jobs'
    [cert/new]='-c|--common=text -o|--organization=text -u|--unit=text
        -l|--locality=text -s|--state=text -C|--country=text
        -b|--bits|--key-size=512,1024,2048,3072,4096
        -E|--curve=secp256r1,prime256v1,secp384r1,secp521r1 -y|--years=text
        -d|--digest=sha1,sha256,sha512 -f|--file|--output=pem --force
        --encrypt --no-encrypt --passphrase-file=file --passphrase-env=text --ca'
    [cert/hash]='-d|--digest=sha1,sha512'
    [cert/show]='--json --strict --passphrase-file=file --passphrase-env=text'
    [enc/build]='-t|--tftp=pem -k|--key=pem -c|--device-certificate|--certificate=pem
        -d|--digest=sha1,sha512 --keep
        --certificate-dir=dir -j|--jobs=jobs --passphrase-file=file --passphrase-env=text'
    [enc/parse]='-t|--tftp=pem --json'
    [enc/decrypt]='--device-key|-k|--key=pem -t|--tftp=pem --keep --passphrase-file=file --passphrase-env=text'
    [verify/file]='-i|--itl=tlv --at=text --json --strict'
    [verify/rollover]='--at=text --json --strict'
    [verify/tls]='-i|--itl=tlv -r|--role=CCM,CCM+TFTP,TFTP,APP-SERVER -n|--servername=text
        -t|--timeout=text --at=text --json --strict --client-cert=pem --client-key=pem
        --passphrase-file=file --passphrase-env=text'
    [verify/tftpboot]='--at=text --json --strict'
    [verify/srtp]='--json'
    [capf/serve]='-A|--capf=pem --key=pem -i|--issuer=pem -v|--verify=pem -d|--days=text
        -p|--port=text --listen=text -t|--timeout=text -L|--limit=text --threads=text
        --drain=text --tlsv1 --passphrase-file=file --passphrase-env=text'
    [capf/add]='-p|--password=text -c|--certificate -b|--bits|--key-size=512,1024,2048,3072,4096
        -E|--curve=secp256r1,prime256v1,secp384r1,secp521r1'
    [capf/enrol]='-A|--capf=pem -h|--host=host -t|--timeout=text -p|--password=text -l|--lsc=pem
        -s|--sudi=pem -c|--certificate=pem --tlsv1 --passphrase-file=file --passphrase-env=text'
    [tvs/serve]='-T|--tvs=pem --key=pem -p|--port=text --listen=text -t|--timeout=text
        -L|--limit=text --threads=text --drain=text --tlsv1 --passphrase-file=file --passphrase-env=text'
    [tvs/add]='-L|--ttl=text -s|--sast -c|--ccm -t|--tftp -C|--ccm-tftp -P|--capf
        -A|--app-server -T|--tvs'
    [tvs/query]='-T|--tvs=pem -h|--host=host -t|--timeout=text -d|--device=text --tlsv1'
)

# What the words that are not options are, by command and verb.
declare -gA _ciscosec_operands=(
    [tlv/build]=tlv [tlv/parse]=tlv
    [sgn/build]=file [sgn/parse]=sgn [sgn/remove]=sgn
    [cert/new]=pem [cert/hash]=pem [cert/show]=pem
    [enc/build]=cnfxml [enc/parse]=encsgn [enc/decrypt]=encsgn
    [verify/file]=signed [verify/rollover]=tlv [verify/tls]=host
    [verify/tftpboot]=dir [verify/srtp]=none
    [capf/serve]=file [capf/add]=file [capf/list]=file [capf/show]=file [capf/export]=file
    [capf/remove]=file [capf/enrol]=none
    [tvs/serve]=file [tvs/add]=file [tvs/list]=file [tvs/show]=file [tvs/export]=file
    [tvs/remove]=file [tvs/query]=pem
)

# The verbs of each command, in the order the help lists them.
declare -gA _ciscosec_verbs=(
    [tlv]='build parse'
    [sgn]='build parse remove'
    [cert]='new hash show'
    [enc]='build parse decrypt'
    [verify]='file rollover tls tftpboot srtp'
    [capf]='serve add list show export remove enrol'
    [tvs]='serve add list show export remove query'
)

# The old tools choose the verb with an option: "SPELLINGS=VERB".
declare -gA _ciscosec_mode_options=(
    [tlv]='-b|--build=build -p|--parse=parse'
    [sgn]='-b|--build=build -p|--parse=parse -r|--remove=remove'
    [enc]='-b|--build=build -p|--parse=parse -r|--remove=decrypt'
    [capf]='-l|--list=list -i|--install=add -f|--fetch=add -d|--delete=add -n|--none=add
        -r|--remove=remove -e|--export=export'
    [tvs]='-l|--list=list -a|--add=add -r|--remove|-d|--delete=remove -e|--export=export'
)

# Old name -> "COMMAND VERB" (no verb: it comes from a mode option).
declare -gA _ciscosec_old_names=(
    [tlvfile]='tlv' [sgnfile]='sgn' [stripsgn]='sgn remove'
    [enccnf]='enc' [mkcert]='cert new' [certhash]='cert hash'
    [capfd]='capf serve' [capfctl]='capf' [capfc]='capf enrol'
    [tvsd]='tvs serve' [tvsctl]='tvs' [tvsc]='tvs query'
)

# Sets _ciscosec_kind to the value kind of option $3 of command $1 under
# verb $2 (every verb of the command when $2 is empty); empty for a flag.
# Fails when the command has no such option.
_ciscosec_option_kind() {
    local cmd=$1 verb=$2 opt=$3 v entry spelling
    local -a verbs spellings
    if [[ -n $verb ]]; then verbs=("$verb"); else read -ra verbs <<<"${_ciscosec_verbs[$cmd]-}"; fi
    for v in "${verbs[@]}"; do
        for entry in ${_ciscosec_options[$cmd/$v]-}; do
            IFS='|' read -ra spellings <<<"${entry%%=*}"
            for spelling in "${spellings[@]}"; do
                if [[ $spelling == "$opt" ]]; then
                    _ciscosec_kind=
                    [[ $entry == *=* ]] && _ciscosec_kind=${entry#*=}
                    return 0
                fi
            done
        done
    done
    return 1
}

# Sets _ciscosec_kind to the verb an old tool's mode option $2 selects.
_ciscosec_mode_option() {
    local entry spelling
    local -a spellings
    for entry in ${_ciscosec_mode_options[$1]-}; do
        IFS='|' read -ra spellings <<<"${entry%%=*}"
        for spelling in "${spellings[@]}"; do
            if [[ $spelling == "$2" ]]; then
                _ciscosec_kind=${entry#*=}
                return 0
            fi
        done
    done
    return 1
}

# Every spelling of the options of command $1 under verb $2 (all verbs
# when empty); with $3 set, also the old tool's mode options.
_ciscosec_option_words() {
    local cmd=$1 verb=$2 v entry
    local -a verbs out=(-h --help)
    if [[ -n $verb ]]; then verbs=("$verb"); else read -ra verbs <<<"${_ciscosec_verbs[$cmd]-}"; fi
    if [[ -n ${3-} && -z $verb ]]; then
        for entry in ${_ciscosec_mode_options[$cmd]-}; do out+=(${entry%%=*}); done
    fi
    for v in "${verbs[@]}"; do
        for entry in ${_ciscosec_options[$cmd/$v]-}; do out+=(${entry%%=*}); done
    done
    printf '%s\n' "${out[@]//|/$'\n'}" | sort -u
}

# Adds to COMPREPLY the directories and the files whose names match one of
# the patterns that match $1.
_ciscosec_files() {
    local cur=$1 pattern
    shift
    compopt -o filenames 2>/dev/null
    mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
    for pattern; do
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X "!$pattern" -- "$cur")
    done
    # A directory whose name matches a pattern would come twice.
    mapfile -t COMPREPLY < <(printf '%s\n' "${COMPREPLY[@]}" | sort -u | sed '/^$/d')
}

# Adds to COMPREPLY the values of kind $1 that start with $2.
_ciscosec_values() {
    local kind=$1 cur=$2 n
    case $kind in
    pem) _ciscosec_files "$cur" '*.pem' ;;
    tlv) _ciscosec_files "$cur" '*.tlv' ;;
    sgn) _ciscosec_files "$cur" '*.sgn' '*.sha512' ;;
    signed) _ciscosec_files "$cur" '*.tlv' '*.sgn' '*.sha512' ;;
    encsgn) _ciscosec_files "$cur" '*.enc.sgn' ;;
    cnfxml) _ciscosec_files "$cur" '*.cnf.xml' ;;
    file) _ciscosec_files "$cur" '*' ;;
    dir) _ciscosec_files "$cur" ;;
    host) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -A hostname -- "$cur") ;;
    jobs)
        n=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
        mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "$(seq 1 "$n")" -- "$cur")
        ;;
    text | none | '') ;;
    *) mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -W "${kind//,/ }" -- "$cur") ;;
    esac
}

# words/cword from COMP_WORDS/COMP_CWORD, with "--opt=value" in one word
# again: bash splits it at '=' when '=' is in COMP_WORDBREAKS (the default).
_ciscosec_words() {
    local i w joining=0
    words=() cword=0
    for ((i = 0; i < ${#COMP_WORDS[@]} && i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if ((joining)); then
            words[-1]+=$w
            joining=0
        elif [[ $w == = && ${#words[@]} -gt 0 && ${words[-1]} == --?* && ${words[-1]} != *=* ]]; then
            words[-1]+==
            joining=1
        else
            words+=("$w")
        fi
        ((i == COMP_CWORD)) && cword=$((${#words[@]} - 1))
    done
}

_ciscosec() {
    local -a words
    local cword=0 cur= cmd= verb= legacy= fixed_verb= i=1 w= after_dashes=0 pending=
    local _ciscosec_kind=
    COMPREPLY=()
    _ciscosec_words
    cur=${words[cword]}

    # Which command, and the index of the first word after it.
    local name=${words[0]##*/}
    if [[ -n ${_ciscosec_old_names[$name]-} ]]; then
        read -r cmd verb <<<"${_ciscosec_old_names[$name]-}"
        legacy=1 i=1
    else
        if ((cword == 1)); then
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W '-h --help -V --version' -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W "${!_ciscosec_verbs[*]} help" -- "$cur")
            fi
            return 0
        fi
        cmd=${words[1]} i=2
        if [[ $cmd == help ]]; then
            ((cword == 2)) && mapfile -t COMPREPLY < <(compgen -W "${!_ciscosec_verbs[*]}" -- "$cur")
            return 0
        fi
        # `ciscosec tlvfile ...` runs the old tool.
        if [[ -n ${_ciscosec_old_names[$cmd]-} ]]; then
            read -r cmd verb <<<"${_ciscosec_old_names[$cmd]-}"
            legacy=1
        fi
    fi
    [[ -n ${_ciscosec_verbs[$cmd]-} ]] || return 0
    fixed_verb=$verb

    # `ciscosec CMD VERB`: the verb comes first.
    if [[ -z $legacy ]]; then
        if ((cword == i)); then
            if [[ $cur == -* ]]; then
                mapfile -t COMPREPLY < <(compgen -W '-h --help' -- "$cur")
            else
                mapfile -t COMPREPLY < <(compgen -W "${_ciscosec_verbs[$cmd]-}" -- "$cur")
            fi
            return 0
        fi
        if [[ ${words[i]} != -* ]]; then
            verb=${words[i]}
            i=$((i + 1))
        fi
    fi

    # Walk the words before the cursor: mode options, options that take the
    # next word as their value, and "--".
    for ((; i < cword; i++)); do
        w=${words[i]}
        if [[ -n $pending ]]; then
            pending=
        elif ((after_dashes)) || [[ $w != -?* ]]; then
            :
        elif [[ $w == -- ]]; then
            after_dashes=1
        elif [[ -n $legacy && -z $fixed_verb ]] && _ciscosec_mode_option "$cmd" "$w"; then
            verb=$_ciscosec_kind
        elif [[ $w != --*=* ]] && _ciscosec_option_kind "$cmd" "$verb" "$w" &&
            [[ -n $_ciscosec_kind ]]; then
            pending=$w
        fi
    done

    if [[ -n $pending ]]; then
        _ciscosec_option_kind "$cmd" "$verb" "$pending"
        _ciscosec_values "$_ciscosec_kind" "$cur"
    elif ((!after_dashes)) && [[ $cur == --*=* ]]; then
        # Readline replaces only the text after '=' when '=' breaks words.
        local opt=${cur%%=*} value=${cur#*=}
        _ciscosec_option_kind "$cmd" "$verb" "$opt" || return 0
        _ciscosec_values "$_ciscosec_kind" "$value"
        if [[ $COMP_WORDBREAKS != *=* ]]; then
            COMPREPLY=("${COMPREPLY[@]/#/$opt=}")
        fi
    elif ((!after_dashes)) && [[ $cur == -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_ciscosec_option_words "$cmd" "$verb" "$legacy")" -- "$cur")
    elif [[ -n $verb ]]; then
        _ciscosec_values "${_ciscosec_operands[$cmd/$verb]-}" "$cur"
    else
        # No verb yet (an old tool before its mode option): any file its
        # verbs take.
        local v
        for v in ${_ciscosec_verbs[$cmd]-}; do
            _ciscosec_values "${_ciscosec_operands[$cmd/$v]-}" "$cur"
        done
        mapfile -t COMPREPLY < <(printf '%s\n' "${COMPREPLY[@]}" | sort -u | sed '/^$/d')
    fi
    return 0
}

complete -F _ciscosec ciscosec tlvfile sgnfile stripsgn enccnf mkcert certhash capfd capfctl capfc tvsd tvsctl tvsc
