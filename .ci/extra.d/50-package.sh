# Sourced by .ci/run: the Debian package. Builds it with `cpack -G DEB` in
# its own build directory (against the system's mbedTLS 2.28, whose
# packages dpkg-shlibdeps can name), installs it with dpkg, runs the old
# names from the installed package, checks that the man pages and the
# completions are where bash, zsh and man look for them, and removes the
# package again.
stage_package() {
    local dir=$CI_DIR/package
    local -a sudo=()
    (($(id -u) == 0)) || sudo=(sudo)

    ci_check package-build bash -c "rm -f '$dir'/*.deb &&
        cmake -S '$CI_SRC' -B '$dir' -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCISCOSEC_TESTS=OFF &&
        cmake --build '$dir' -j$CI_JOBS && cd '$dir' && cpack -G DEB"
    local deb
    deb=$(ls "$dir"/ciscosec_*.deb 2>/dev/null | head -n1 || true)
    if [[ -z $deb ]]; then
        ci_record package-install 0 1 "FAILED: no .deb was built" FAIL
        return 0
    fi
    ci_check package-contents package_check_contents "$deb"
    # Slim images exclude man pages from dpkg installs; take ours anyway.
    ci_check package-install "${sudo[@]}" dpkg -i --path-include='/usr/share/man/man1/*' "$deb"
    ci_check package-run package_check_run
    ci_check package-files package_check_files
    ci_check package-remove package_remove "${sudo[@]}"
}

# The control fields, and Depends derived from the linked libraries.
package_check_contents() {
    local deb=$1 depends
    dpkg-deb --info "$deb" && dpkg-deb --contents "$deb" || return 1
    depends=$(dpkg-deb --field "$deb" Depends)
    echo "Depends: $depends"
    [[ $depends == *libc6* && $depends == *libmbed* ]] ||
        { echo "Depends does not name libc6 and mbedTLS: dpkg-shlibdeps did not run?"; return 1; }
    [[ -n $(dpkg-deb --field "$deb" Maintainer) && -n $(dpkg-deb --field "$deb" Section) ]]
}

# The installed old names: --help, and a parse of the reference trust list.
package_check_run() {
    # ci_check runs this where errexit is off: every step is checked.
    local out
    [[ $(command -v tlvfile) == /usr/bin/tlvfile ]] || { echo "tlvfile is not /usr/bin/tlvfile"; return 1; }
    /usr/bin/tlvfile --help || return 1
    /usr/bin/ciscosec --version || return 1
    out=$(TZ=UTC /usr/bin/tlvfile --parse "$CI_SRC/tests/data/vectors/ITLFile.tlv") || return 1
    echo "$out"
    [[ $(tail -n1 <<<"$out") == "Valid signature" ]]
}

# Man pages and completions at their installed paths, found by man, bash
# and zsh the way a user's shell finds them.
package_check_files() {
    local name page rc=0 names
    names=$(/usr/bin/ciscosec --list-links)
    for page in ciscosec ciscosec-tlv ciscosec-sgn ciscosec-cert ciscosec-enc ciscosec-verify $names; do
        if [[ ! -e /usr/share/man/man1/$page.1 ]]; then
            echo "missing /usr/share/man/man1/$page.1"
            rc=1
        elif [[ $(man -w "$page" 2>/dev/null) != /usr/share/man/man1/*.1* ]]; then
            echo "man does not find $page"
            rc=1
        elif [[ -n $(MANWIDTH=80 man --warnings -E UTF-8 "$page" 2>&1 >/dev/null) ]]; then
            echo "man warns on $page"
            rc=1
        fi
    done
    local bash_dir=/usr/share/bash-completion/completions
    for name in ciscosec $names; do
        [[ -e $bash_dir/$name ]] || { echo "missing $bash_dir/$name"; rc=1; }
        # As bash-completion's loader does: source the file for the name.
        bash -c "source '$bash_dir/$name' && complete -p '$name'" | grep -q -- '-F _ciscosec' ||
            { echo "$bash_dir/$name does not complete $name"; rc=1; }
    done
    local zsh_file=/usr/share/zsh/vendor-completions/_ciscosec
    [[ -f $zsh_file ]] || { echo "missing $zsh_file"; rc=1; }
    if command -v zsh >/dev/null; then
        # Debian's zsh, default $fpath: compinit must map every name to it.
        local home
        home=$(mktemp -d)
        for name in ciscosec $names; do
            [[ $(HOME=$home zsh -fc 'autoload -Uz compinit && compinit -u -D && print -r -- $_comps['"$name"']') == _ciscosec ]] ||
                { echo "zsh does not complete $name with _ciscosec"; rc=1; }
        done
        rm -rf "$home"
    fi
    return $rc
}

package_remove() {
    "$@" dpkg -r ciscosec || return 1
    [[ ! -e /usr/bin/ciscosec && ! -e /usr/bin/tlvfile && ! -e /usr/share/man/man1/ciscosec.1 ]] ||
        { echo "files left after dpkg -r"; return 1; }
}

stage_package
