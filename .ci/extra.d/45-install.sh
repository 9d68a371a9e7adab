# SPDX-License-Identifier: MIT
# Sourced by .ci/run: `cmake --install` into a DESTDIR from a build whose
# source tree is read-only (a copy, chmod -R a-w; as root, where modes do
# not stop a write, the copy is also compared before and after), then the
# uninstall the README gives (the files in install_manifest.txt removed)
# leaves no file behind.
stage_install() {
    ci_check install-readonly install_from_readonly_source "$CI_DIR/install"
}

install_from_readonly_source() {
    local dir=$1 src=$1/src build=$1/build stage=$1/stage rc=0
    [[ ! -d $dir ]] || chmod -R u+w "$dir" && rm -rf "$dir" || return 1
    mkdir -p "$src" || return 1
    tar -C "$CI_SRC" --exclude=./.git --exclude='./build*' -cf - . | tar -C "$src" -xf - || return 1
    chmod -R a-w "$src" || return 1
    local before
    before=$(install_tree_state "$src")
    cmake -S "$src" -B "$build" "${CI_CMAKE_ARGS[@]}" -DCMAKE_BUILD_TYPE=Release \
        -DCISCOSEC_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr &&
        cmake --build "$build" -j"$CI_JOBS" &&
        DESTDIR=$stage cmake --install "$build" || rc=1
    if [[ $(install_tree_state "$src") != "$before" ]]; then
        echo "the build or the install wrote into the source tree"
        rc=1
    fi
    chmod -R u+w "$src"
    ((rc == 0)) || return 1

    # What was installed, and that it runs.
    local name
    "$stage/usr/bin/ciscosec" --version || return 1
    for name in ciscosec.1.gz ciscosec-tlv.1.gz; do
        gzip -t "$stage/usr/share/man/man1/$name" || { echo "bad man page $name"; return 1; }
    done
    source "$CI_SRC/tests/e2e/lib/aliases.bash"
    for name in $(alias_rows "$CI_SRC" | cut -d' ' -f1); do
        [[ $(readlink "$stage/usr/bin/$name") == ciscosec &&
            -e $stage/usr/share/man/man1/$name.1.gz &&
            -e $stage/usr/share/bash-completion/completions/$name ]] ||
            { echo "$name: a symlink is missing or dangling"; return 1; }
    done
    [[ -f $stage/usr/share/doc/ciscosec/copyright ]] || { echo "no copyright file"; return 1; }

    # The README's uninstall: the manifest names every file installed
    # (without the DESTDIR).
    sed "s#^#$stage#" "$build/install_manifest.txt" | xargs -d '\n' rm -f -- || return 1
    local left
    left=$(find "$stage" ! -type d)
    [[ -z $left ]] || { echo "left after removing install_manifest.txt's files:"; echo "$left"; return 1; }
}

# Every path of a tree with its type, size, mode and modification time.
install_tree_state() {
    find "$1" -printf '%P %y %s %m %T@\n' | LC_ALL=C sort
}

stage_install
