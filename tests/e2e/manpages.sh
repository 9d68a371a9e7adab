#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The man pages in docs/: each renders without a warning, has the sections
# a page needs and a NAME that whatis understands; there is a page for
# ciscosec, every command and every old name; each page documents the
# options its command's --help lists; and the examples run.
#
# Examples: in a page's .EX/.EE blocks, a line starting with "$ " is a
# command (a line ending in "\e", a backslash, continues on the next line);
# other lines are output, shown and not checked. The commands of a page run
# in order, with bash, in a fresh directory holding copies of the test
# vectors (*.pem, *.tlv, *.sgn, DialTemplate.xml, firmware.bin, and
# SEP58971ECC97C1.cnf.xml), and must exit 0. Comments before a command:
#   .\" status: N      it must exit N instead
#   .\" not run: WHY   it is shown, not run (it needs a network, a server...)
# A command that runs a ciscosec command or verb that does not exist fails,
# whatever status it is marked with.
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
: "${SRC:?SRC must name the source tree}"
DOCS=$SRC/docs

if ! command -v man >/dev/null || ! command -v groff >/dev/null; then
    echo "man or groff is not installed (they are in .ci/deps): skipped"
    exit 77
fi

commands=(tlv sgn cert enc verify tvs capf)
mapfile -t old_names < <(old_names)
our_pages="ciscosec|$(old_names | paste -sd'|')" # a regex: this project's pages
sections=(NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO")

# --- every page there, renders cleanly, has its sections
pages=(ciscosec)
for cmd in "${commands[@]}"; do pages+=("ciscosec-$cmd"); done
pages+=("${old_names[@]}")
for page in "${pages[@]}"; do
    [[ -e $DOCS/$page.1 ]] || fail "docs/$page.1 is missing"
done

for file in "$DOCS"/*.1; do
    name=$(basename "$file")
    # whatis reads NAME; an old name's page must answer to that name.
    whatis=$(lexgrog "$file" 2>&1 || true)
    if grep -qE "\"${name%.1}\b.* - " <<<"$whatis" || grep -qE "[ ,]${name%.1}[ ,].* - " <<<"$whatis"; then
        pass
    else
        fail "lexgrog does not find ${name%.1} in the NAME of $name: $whatis"
    fi
    [[ -L $file ]] && continue # the rest is its target's
    warnings=$(MANWIDTH=80 man --warnings -E UTF-8 -l "$file" 2>&1 >/dev/null)
    if [[ -z $warnings ]]; then pass; else fail "man warns on $name: $warnings"; fi
    warnings=$(groff -t -man -ww -z -Tutf8 "$file" 2>&1)
    if [[ -z $warnings ]]; then pass; else fail "groff warns on $name: $warnings"; fi
    for section in "${sections[@]}"; do
        if grep -qx "\\.SH \"\\?$section\"\\?" "$file"; then pass; else fail "$name has no $section section"; fi
    done
    # Every page named in SEE ALSO from this project exists.
    for ref in $(sed -n '/^\.SH SEE ALSO/,$p' "$file" | grep -oE "^\.BR ($our_pages)[^ ]* \(1\)" | awk '{print $2}' | sed 's/\\-/-/g'); do
        [[ -e $DOCS/$ref.1 ]] && pass || fail "$name refers to $ref(1), which does not exist"
    done
done

# The old names are the command's page under another name.
for name in "${old_names[@]}"; do
    if [[ -L $DOCS/$name.1 ]]; then
        target=$(readlink "$DOCS/$name.1")
        if [[ $target == ciscosec-*.1 && -f $DOCS/$target ]]; then pass; else
            fail "docs/$name.1 links to '$target', not to a command's page"
        fi
    fi
done

# --- each page documents what its command's --help lists
documented_options() { sed 's/\\-/-/g' "$1" | grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u; }
help_options() { grep -oE -- '--[a-z][a-z0-9-]*' | LC_ALL=C sort -u; }
for cmd in "${commands[@]}"; do
    if ! ciscosec "$cmd" --help >"$WORK/help" 2>"$WORK/err"; then
        fail "'ciscosec $cmd --help' fails: $(head -n 1 "$WORK/err")"
    else
        # And each verb's --help (cert has one per verb).
        for verb in $(sed -nE "s/^(Usage:)? +ciscosec $cmd ([a-z]+)( .*)?\$/\2/p" "$WORK/help" | sort -u); do
            ciscosec "$cmd" "$verb" --help >>"$WORK/help"
        done
        missing=$(comm -23 <(help_options <"$WORK/help") <(documented_options "$DOCS/ciscosec-$cmd.1"))
        if [[ -z $missing ]]; then pass; else
            fail "docs/ciscosec-$cmd.1 does not document $(echo $missing) of 'ciscosec $cmd --help'"
        fi
    fi
done
missing=$(comm -23 <(ciscosec --help | help_options) <(documented_options "$DOCS/ciscosec.1"))
if [[ -z $missing ]]; then pass; else fail "docs/ciscosec.1 does not document $(echo $missing)"; fi

# --- the examples
source "$HERE/lib/examples.bash"

# examples PAGE: "STATUS<TAB>COMMAND" per example, STATUS "-" when not run.
examples() {
    awk '
        /^\.EX/ { ex = 1; next }
        /^\.EE/ { ex = 0; next }
        !ex { next }
        /^\.\\" status: / { status = $3; next }
        /^\.\\" not run:/ { status = "-"; next }
        cont != "" { cmd = cmd " " $0 }
        cont == "" && /^\$ / { cmd = substr($0, 3) }
        cont == "" && !/^\$ / { next }
        {
            if (cmd ~ /\\e$/) { sub(/ *\\e$/, "", cmd); cont = 1; next }
            cont = ""
            if (status == "") status = 0
            print status "\t" cmd
            status = ""
        }' "$1" |
        sed -e 's/\\-/-/g' -e 's/\\(aq/'"'"'/g' -e 's/\\(dq/"/g' -e 's/\\&//g' -e 's/\\e/\\/g' \
            -e 's/^\([^\t]*\t\) */\1/'
}

prepare_example_dir() {
    rm -rf "$1"
    mkdir -p "$1"
    cp "$DATA"/vectors/*.pem "$DATA"/vectors/*.tlv "$DATA"/vectors/*.sgn \
        "$DATA"/vectors/DialTemplate.xml "$DATA"/vectors/firmware.bin "$1"/
    cp "$DATA"/vectors/SEP58971ECC97C1.cnf.xml.orig "$1"/SEP58971ECC97C1.cnf.xml
    chmod 600 "$1"/*.pem
}

ran=0
for file in "$DOCS"/*.1; do
    [[ -L $file ]] && continue
    name=$(basename "$file")
    dir=$WORK/examples/${name%.1}
    prepare_example_dir "$dir"
    while IFS=$'\t' read -r want cmd; do
        if [[ $want == - ]]; then
            continue
        fi
        if problem=$(misspelt "$cmd"); then
            fail "$name example: $problem: $cmd"
            continue
        fi
        got=0
        (cd "$dir" && bash -c "$cmd") >"$WORK/out" 2>"$WORK/err" </dev/null || got=$?
        ran=$((ran + 1))
        if [[ $got == "$want" ]]; then pass; else
            fail "$name example exits $got, expected $want: $cmd"
            sed 's/^/  stdout: /' "$WORK/out" >&2
            sed 's/^/  stderr: /' "$WORK/err" >&2
        fi
    done < <(examples "$file")
done
echo "examples: $ran run"
if ((ran == 0)); then fail "no example ran"; fi

finish
