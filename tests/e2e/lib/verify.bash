# SPDX-License-Identifier: MIT
# Shared by the verify_*.sh tests (after common.bash).

V=$DATA/vectors
# The vector certificates are valid for 10 years from the day they were
# made: judge them at a fixed time inside that window, not at today's date.
AT=(--at 2030-01-01T00:00:00Z)
export SOURCE_DATE_EPOCH=1767323045

expect_not_out() {
    if grep -qE -- "$1" "$WORK/out"; then
        fail "stdout matches '$1'"
        sed 's/^/  stdout: /' "$WORK/out" >&2
    else
        pass
    fi
}

# expect_finding FILE SEVERITY RULE [CERT-SUBJECT]: a finding line for FILE,
# naming the rule and, when given, the certificate concerned.
expect_finding() {
    local file=$1 severity=$2 rule=$3 subject=${4:-}
    local re="^${file//./\\.}: ${severity} \\[${rule}\\]: "
    if [[ -n $subject ]]; then
        re+=".*; certificate ${subject}, serial [0-9a-f]+"
    fi
    expect_out "$re"
}

# expect_only_rules RULE...: the findings name these rules and no others.
expect_only_rules() {
    local got want
    got=$(sed -nE 's/^.*: (error|warning) \[([a-z0-9-]+)\]: .*/\2/p' "$WORK/out" | sort -u | tr '\n' ' ')
    want=$(printf '%s\n' "$@" | sort -u | tr '\n' ' ')
    if [[ $got == "$want" ]]; then pass; else fail "rules '$got', expected '$want'"; sed 's/^/  stdout: /' "$WORK/out" >&2; fi
}

# flip_byte FILE OFFSET: changes one byte (offset from the end when negative).
flip_byte() {
    local file=$1 off=$2 size byte
    size=$(stat -c %s "$file")
    ((off < 0)) && off=$((size + off))
    byte=$(od -An -tu1 -j "$off" -N1 "$file" | tr -d ' ')
    printf "$(printf '\\%03o' $(((byte ^ 1) & 255)))" |
        dd of="$file" bs=1 seek="$off" conv=notrunc status=none
}

# truncate_by FILE N: drops the last N bytes.
truncate_by() {
    truncate -s "-$2" "$1"
}
