#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Checks the built layers against the links CMakeLists.txt draws between
# them (docs/architecture.md):
#   - every symbol a layer's archive uses is its own, or defined by a layer
#     it links (directly or beneath), or is not ours at all (libc);
#   - a symbol of an outside library (mbedtls_, xml..., srtp_, json_) is
#     used only by the layer that links that library;
#   - an outside library's headers (<mbedtls/...>, <libxml/...>, ...) are
#     included only by that layer's sources: system headers are visible to
#     every compiler run, so this is checked here rather than by the
#     include directories;
#   - a quoted include found beside the including file is in one of the
#     layer's own folders (no "../crypto/internal.h" from another layer).
#
# usage: check-layers.sh NM SOURCE_DIR ARG...
#   --outside=SYMBOL_PREFIXES:INCLUDE_PREFIXES  (comma-separated), per library
#   --layer=NAME|ARCHIVE|LAYERS|SYMBOL_PREFIXES|INCLUDE_PREFIXES|LINKED_PREFIXES|SOURCES
#     ARCHIVE is "-" for a layer with nothing built (services, the front end);
#     SYMBOL_ and INCLUDE_PREFIXES are those of the outside libraries the
#     layer uses, LINKED_PREFIXES those of the ones it links, which its
#     archive must call; the lists are comma-separated.
# cmake/Layers.cmake and tests/layers/CMakeLists.txt write the arguments.
set -euo pipefail

nm=$1 src=$2
shift 2

declare -A archive links own_symbols own_includes linked_symbols sources owner
layers=()
outside_symbols=()
outside_includes=()
for arg in "$@"; do
    case $arg in
    --outside=*)
        value=${arg#--outside=}
        IFS=, read -ra list <<<"${value%%:*}"
        outside_symbols+=("${list[@]}")
        IFS=, read -ra list <<<"${value#*:}"
        outside_includes+=("${list[@]}")
        ;;
    --layer=*)
        IFS='|' read -r name a l s i k f <<<"${arg#--layer=}"
        layers+=("$name")
        archive[$name]=$a links[$name]=$l own_symbols[$name]=$s own_includes[$name]=$i
        linked_symbols[$name]=$k sources[$name]=$f
        ;;
    *)
        echo "check-layers.sh: unknown argument $arg" >&2
        exit 2
        ;;
    esac
done

failures=0
fail() {
    echo "LAYERING: $*" >&2
    failures=$((failures + 1))
}

# The layers a layer may use: itself and every layer it links, transitively.
reachable() {
    local todo=("$1") seen=" " name
    while ((${#todo[@]})); do
        name=${todo[0]}
        todo=("${todo[@]:1}")
        [[ $seen == *" $name "* ]] && continue
        seen+="$name "
        IFS=, read -ra next <<<"${links[$name]:-}"
        todo+=("${next[@]}")
    done
    echo "$seen"
}

starts_with_any() { # WORD PREFIX...
    local word=$1 prefix
    shift
    for prefix in "$@"; do
        [[ -n $prefix && $word == "$prefix"* ]] && return 0
    done
    return 1
}

# Which layer defines each of our symbols.
for name in "${layers[@]}"; do
    [[ ${archive[$name]} == - ]] && continue
    if [[ ! -f ${archive[$name]} ]]; then
        fail "$name: no archive at ${archive[$name]}"
        continue
    fi
    while read -r symbol; do
        if [[ -n ${owner[$symbol]:-} && ${owner[$symbol]} != "$name" ]]; then
            fail "$symbol is defined in both ${owner[$symbol]} and $name"
        fi
        owner[$symbol]=$name
    done < <("$nm" -g --defined-only "${archive[$name]}" | awk 'NF == 3 { print $3 }' | sort -u)
done

for name in "${layers[@]}"; do
    [[ ${archive[$name]} == - || ! -f ${archive[$name]} ]] && continue
    allowed=$(reachable "$name")
    IFS=, read -ra mine <<<"${own_symbols[$name]}"
    IFS=, read -ra linked <<<"${linked_symbols[$name]}"
    calls_linked=0
    while read -r symbol; do
        defined_in=${owner[$symbol]:-}
        if [[ -n $defined_in ]]; then
            [[ $allowed == *" $defined_in "* ]] ||
                fail "$name uses $symbol from $defined_in, which it does not link"
        elif starts_with_any "$symbol" "${outside_symbols[@]}"; then
            if starts_with_any "$symbol" "${mine[@]}"; then
                starts_with_any "$symbol" "${linked[@]}" && calls_linked=1
            else
                fail "$name uses $symbol, from a library it does not use"
            fi
        fi
    done < <("$nm" -u "${archive[$name]}" | awk '$1 == "U" { print $2 }' | sort -u)
    # A layer that links an outside library calls it: if nm showed no such
    # call, this check is reading the archives wrongly and proves nothing.
    if ((${#linked[@]} && !calls_linked)); then
        fail "$name links ${linked_symbols[$name]}... but nm shows no call to it (check broken?)"
    fi
done

for name in "${layers[@]}"; do
    IFS=, read -ra mine <<<"${own_includes[$name]}"
    IFS=, read -ra files <<<"${sources[$name]}"
    # The folders of the layer's own sources: a quoted include found beside
    # the including file must be in one of them, so that no layer reaches
    # into another's private headers ("../crypto/internal.h").
    folders=" "
    for file in "${files[@]}"; do
        [[ $file == /* ]] || file=$src/$file
        folders+="$(cd "$(dirname "$file")" && pwd -P) "
    done
    for file in "${files[@]}"; do
        [[ $file == /* ]] || file=$src/$file
        while read -r header; do
            local_header=$(dirname "$file")/$header
            [[ -f $local_header ]] || continue # found through the layer's include path
            folder=$(cd "$(dirname "$local_header")" && pwd -P)
            [[ $folders == *" $folder "* ]] ||
                fail "$name: ${file#"$src"/} includes \"$header\", private to another layer"
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$file")
        while read -r header; do
            if starts_with_any "$header" "${outside_includes[@]}" &&
                ! starts_with_any "$header" "${mine[@]}"; then
                fail "$name: ${file#"$src"/} includes <$header>, of a library $name does not use"
            fi
        done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*<\([^>]*\)>.*/\1/p' "$file")
    done
done

if ((failures)); then
    echo "$failures layering error(s): see docs/architecture.md" >&2
    exit 1
fi
echo "layers: ${layers[*]}: every call and include within the links"
