#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The old tools' names have one table, src/aliases.def. The binary compiles
# it in and CMake makes the symlinks from it; the copies written by hand
# must say the same: the man-page symlinks in docs/, and the bash and zsh
# completions (the names they register and the command and verb each name
# runs). Each is compared with the table, in both directions.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
: "${SRC:?SRC must name the source tree}"

# A row the shell helpers cannot read would be skipped silently: every
# ALIAS line must be a row.
rows=$(alias_rows "$SRC")
if [[ $(grep -c '^ALIAS(' "$SRC/src/aliases.def") == $(wc -l <<<"$rows") ]]; then pass; else
    fail "src/aliases.def has ALIAS lines that are not 'ALIAS(name, command, verb)'"
fi
[[ -n $rows ]] && pass || fail "src/aliases.def has no rows"
# "NAME=COMMAND VERB" a line, sorted: the form every copy is brought to.
want_map=$(while read -r name command verb; do echo "$name=${command}${verb:+ $verb}"; done <<<"$rows" |
    LC_ALL=C sort)
want_names=$(old_names | LC_ALL=C sort)

# same WHAT WANT GOT: the two lists are equal, or what differs.
same() {
    if [[ $2 == "$3" ]]; then pass; else
        fail "$1 differs from src/aliases.def (< table, > $1):"
        diff <(echo "$2") <(echo "$3") | grep '^[<>]' >&2 || true
    fi
}

# --- the binary: the names it answers to, and what --help says each runs
same "ciscosec --list-links" "$want_names" "$(ciscosec --list-links | LC_ALL=C sort)"
same "ciscosec --help" "$want_map" \
    "$(ciscosec --help | sed -nE 's/^  ([a-z0-9_-]+) += ciscosec (.*)$/\1=\2/p' | LC_ALL=C sort)"
for name in $want_names; do
    [[ -L $BIN/$name && $(readlink "$BIN/$name") == ciscosec ]] && pass ||
        fail "$BIN/$name is not a symlink to ciscosec"
    expect_status 0 "$name" --help
done

# --- docs/: NAME.1 -> ciscosec-COMMAND.1, and no other symlink
got=$(cd "$SRC/docs" && for f in *.1; do
    [[ -L $f ]] && echo "${f%.1}=$(readlink "$f")"
done | LC_ALL=C sort)
same "the symlinks in docs/" \
    "$(while read -r name command _; do echo "$name=ciscosec-$command.1"; done <<<"$rows" | LC_ALL=C sort)" "$got"

# --- bash: the names registered, and its map of name to command and verb
got=$(bash -c 'source "$1/completions/ciscosec.bash" &&
    complete -p | sed -nE "s/^complete -F _ciscosec ([a-z0-9_-]+)$/\1/p" | grep -vx ciscosec
    ' bash "$SRC" | LC_ALL=C sort)
same "completions/ciscosec.bash (complete -F)" "$want_names" "$got"
got=$(bash -c 'source "$1/completions/ciscosec.bash" &&
    for n in "${!_ciscosec_old_names[@]}"; do echo "$n=${_ciscosec_old_names[$n]}"; done
    ' bash "$SRC" | LC_ALL=C sort)
same "completions/ciscosec.bash (_ciscosec_old_names)" "$want_map" "$got"

# --- zsh: the #compdef line, and the old_names map of _ciscosec
got=$(sed -n '1s/^#compdef //p' "$SRC/completions/_ciscosec" | tr ' ' '\n' | grep -vx ciscosec |
    LC_ALL=C sort)
same "completions/_ciscosec (#compdef)" "$want_names" "$got"
# The map's text, `local -A old_names=(...)`, read back as a bash array.
map=$(sed -n '/local -A old_names=(/,/)/p' "$SRC/completions/_ciscosec" | tr '\n' ' ' |
    sed -E 's/.*old_names=\(([^)]*)\).*/\1/')
got=$(bash -c 'eval "declare -A m=($1)"; for n in "${!m[@]}"; do echo "$n=${m[$n]}"; done' bash "$map" |
    LC_ALL=C sort)
same "completions/_ciscosec (old_names)" "$want_map" "$got"

finish
