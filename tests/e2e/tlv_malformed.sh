# SPDX-License-Identifier: MIT
# Hundreds of broken trust lists, made from the five vectors, through
# `tlvfile --parse`: truncated at many offsets, length fields set to 0xFFFF,
# header lengths that lie, bytes flipped, and things that are not files.
# None may crash. Where the damage is structural, the answer is exit 2 and
# one line on stderr naming the file; a list cut exactly between records
# parses but its signature fails (exit 1); a flipped byte gives 0, 1 or 2.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
# Sanitizers exit 1 by default, which would pass for "invalid": make their
# reports impossible to miss.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}exitcode=99"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}exitcode=98:print_stacktrace=1"
RANDOM=20260102 # the same "random" cases every run

mkdir cases
cases_run=0

# run_case KIND FILE [WHAT]: parses FILE and checks the outcome.
#   error   exit 2, stdout empty, one stderr line naming FILE
#   invalid exit 1, "Invalid signature" last on stdout, one stderr line
#   damaged exit 1 or 2
#   any     exit 0, 1 or 2
# (Builtins only after the run: hundreds of cases, forks add up.)
run_case() {
    local kind=$1 file=$2 what=${3:-$2} got=0 ok=false line
    local -a out err
    cases_run=$((cases_run + 1))
    tlvfile --parse "$file" >"$WORK/out" 2>"$WORK/err" || got=$?
    mapfile -t out <"$WORK/out"
    mapfile -t err <"$WORK/err"
    for line in "${err[@]}"; do
        if [[ $line =~ Sanitizer|runtime\ error|valgrind|==[0-9]+== ]]; then
            fail "$what: sanitizer report (exit $got)"
            printf '  stderr: %s\n' "${err[@]}" | head -n 20 >&2
            return 0
        fi
    done
    case $kind in
    error) [[ $got == 2 && ${#out[@]} == 0 ]] && ok=true ;;
    invalid) [[ $got == 1 && ${out[-1]:-} == "Invalid signature" ]] && ok=true ;;
    damaged) [[ $got == 1 || $got == 2 ]] && ok=true ;;
    any) [[ $got == 0 || $got == 1 || $got == 2 ]] && ok=true ;;
    esac
    if [[ $kind == error || $kind == invalid ]] && $ok; then
        [[ ${#err[@]} == 1 && ${err[0]} == "tlvfile: '$file': "* ]] || ok=false
    fi
    if $ok; then pass; else
        fail "$what: expected $kind, got exit $got"
        printf '  stdout: %s\n' "${out[@]: -3}" >&2
        printf '  stderr: %s\n' "${err[@]}" >&2
    fi
}

# Bytes of a file as decimal numbers, one per array element.
load_bytes() {
    mapfile -t bytes < <(od -An -v -tu1 -w1 "$1" | tr -d ' ')
}

# put FILE OFFSET BYTE...: overwrites bytes in place.
put() {
    local file=$1 offset=$2 octal='' b
    shift 2
    for b in "$@"; do octal+=$(printf '\\%03o' "$b"); done
    printf "$octal" | dd of="$file" bs=1 seek="$offset" conv=notrunc status=none
}

# Walks a trust list as the parser does and records, in global arrays,
# the position of every element's length field (header and records) and
# the offsets where records start (plus the end of the file).
map_list() {
    local size=${#bytes[@]} i=0 tag len
    hlen=$((bytes[8] * 256 + bytes[9])) # tag 1 (5 bytes), then tag 2's value
    length_fields=()
    boundaries=()
    while ((i < hlen)); do
        tag=${bytes[i]}
        if ((tag == 13)); then i=$((i + 1)); continue; fi
        length_fields+=($((i + 1)))
        len=$((bytes[i + 1] * 256 + bytes[i + 2]))
        case $tag in
        3 | 7 | 9 | 16 | 17 | 21) i=$((i + 3)) ;; # containers: step in
        *) i=$((i + 3 + len)) ;;
        esac
    done
    local p=$hlen rlen q end
    while ((p < size)); do
        boundaries+=("$p")
        rlen=$((bytes[p + 3] * 256 + bytes[p + 4]))
        end=$((p + rlen))
        q=$p
        while ((q < end)); do
            length_fields+=($((q + 1)))
            q=$((q + 3 + bytes[q + 1] * 256 + bytes[q + 2]))
        done
        p=$end
    done
    boundaries+=("$size")
}

is_boundary() {
    local b
    for b in "${boundaries[@]}"; do [[ $b == "$1" ]] && return 0; done
    return 1
}

n=0
new_case() {
    n=$((n + 1))
    case_file=cases/$n-$1.tlv
    cp "$2" "$case_file"
}

for name in ITLFile.tlv ITL-v1.1-sha512.tlv CTLSEP58971ECC97C1.tlv ITL-signer1024.tlv \
    ITL-signer4096.tlv; do
    vector=$V/$name
    load_bytes "$vector"
    size=${#bytes[@]}
    map_list
    # The map must agree with the parse report's record lengths.
    [[ $((${#boundaries[@]} - 1)) == $(grep -c '^Record Length:' "$V/$name.parse.txt") ]] &&
        pass || fail "$name: mapped ${#boundaries[@]} boundaries"

    # Truncations: every byte of the first 8, every 61st through the
    # header, every 1499th through the body, and at and next to every
    # record boundary. At a boundary the list parses and its signature fails.
    offsets=()
    for ((o = 0; o < 8; o++)); do offsets+=("$o"); done
    for ((o = 8; o < hlen + 4; o += 61)); do offsets+=("$o"); done
    for ((o = hlen + 500; o < size; o += 1499)); do offsets+=("$o"); done
    for b in "${boundaries[@]}"; do
        ((b < size)) && offsets+=("$b")
        ((b == hlen)) && offsets+=($((b + 2)))
        ((b > hlen)) && offsets+=($((b - 1)))
    done
    for o in $(printf '%s\n' "${offsets[@]}" | sort -nu); do
        ((o >= size)) && continue
        n=$((n + 1))
        case_file=cases/$n-cut$o.tlv
        head -c "$o" "$vector" >"$case_file"
        if ((o >= hlen)) && is_boundary "$o"; then
            run_case invalid "$case_file" "$name cut at $o"
        else
            run_case error "$case_file" "$name cut at $o"
        fi
    done

    # Length fields set to 0xFFFF, so that an element runs past its
    # container, header, record or file: every one in the header, and in
    # the records of ITLFile.tlv.
    ((${#boundaries[@]} > 2)) || fail "$name: no records mapped"
    limit=$([[ $name == ITLFile.tlv ]] && echo "$size" || echo "$hlen")
    for pos in "${length_fields[@]}"; do
        ((pos < limit)) || continue
        new_case "len$pos" "$vector"
        put "$case_file" "$pos" 255 255
        run_case error "$case_file" "$name length at $pos = 0xFFFF"
    done
    # Record lengths (the value of tag 1) that lie: every record of
    # ITLFile.tlv, the first of the others.
    limit=$([[ $name == ITLFile.tlv ]] && echo "$size" || echo "${boundaries[1]}")
    for b in "${boundaries[@]}"; do
        ((b < limit)) || continue
        for bad in 65535 $((size - b + 1)) 4 0; do
            new_case "rec$b-$bad" "$vector"
            put "$case_file" $((b + 3)) $((bad >> 8)) $((bad & 255))
            run_case error "$case_file" "$name record at $b with length $bad"
        done
    done

    # The header length (tag 2's value): past the end, too small, or
    # pointing inside the header.
    for bad in 65535 $((size + 1)) 9 4 0 $((hlen - 4)) $((hlen + 4)); do
        ((bad < 0 || bad > 65535)) && continue
        new_case "hlen$bad" "$vector"
        put "$case_file" 8 $((bad >> 8)) $((bad & 255))
        if ((bad > size || bad < 10)); then
            run_case error "$case_file" "$name header length $bad"
        else
            run_case damaged "$case_file" "$name header length $bad"
        fi
    done

    # Random single-byte flips: in the header anything but a crash; in
    # the body (signed, every byte) never valid.
    for ((k = 0; k < 6; k++)); do
        pos=$((RANDOM % hlen))
        new_case "flip$pos" "$vector"
        put "$case_file" "$pos" $((bytes[pos] ^ (1 + RANDOM % 255)))
        run_case any "$case_file" "$name header byte $pos flipped"
    done
    for ((k = 0; k < 4; k++)); do
        pos=$((hlen + (RANDOM * 32768 + RANDOM) % (size - hlen)))
        new_case "flip$pos" "$vector"
        put "$case_file" "$pos" $((bytes[pos] ^ (1 + RANDOM % 255)))
        run_case damaged "$case_file" "$name body byte $pos flipped"
    done

    # Trailing bytes after the last record.
    new_case trail "$vector"
    printf '\x01' >>"$case_file"
    run_case error "$case_file" "$name with one byte appended"
done

# Things that are not trust lists at all.
: >cases/empty.tlv
run_case error cases/empty.tlv "empty file"
mkdir cases/dir.tlv
run_case error cases/dir.tlv "a directory"
run_case error cases/missing.tlv "a missing file"
head -c 9 "$V/ITLFile.tlv" >cases/nine.tlv
run_case error cases/nine.tlv "nine bytes"
head -c 4000 "$V/firmware.bin" >cases/noise.tlv
run_case error cases/noise.tlv "random bytes"
run_case error "$V/SEP58971ECC97C1.cnf.xml.enc.sgn" "an .enc.sgn file"
run_case error "$V/SEP58971ECC97C1.cnf.xml.orig" "XML"
# A header alone: parses, nothing signed it.
head -c 388 "$V/ITLFile.tlv" >cases/header-only.tlv
run_case invalid cases/header-only.tlv "header only"
# A list with a copy of its last record appended: parses, signature fails.
cp "$V/ITLFile.tlv" cases/extra-record.tlv
tail -c 1511 "$V/ITLFile.tlv" >>cases/extra-record.tlv
run_case invalid cases/extra-record.tlv "an extra record"

((cases_run >= 300)) && pass || fail "only $cases_run cases ran"
echo "$cases_run malformed files parsed"
finish
