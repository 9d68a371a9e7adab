# SPDX-License-Identifier: MIT
# Sourced by .ci/run: the Debian package. Builds it with `cpack -G DEB` in
# its own build directory (against the system's mbedTLS 2.28, whose
# packages dpkg-shlibdeps can name, and with Debian's hardening flags from
# dpkg-buildflags, as a Debian build would), checks it with lintian,
# installs it with dpkg, runs the binary and every old name from the
# installed package, checks that the man pages and the completions are
# where bash, zsh and man look for them, then removes and purges it and
# checks that it left nothing behind.
stage_package() {
    local dir=$CI_DIR/package
    local -a sudo=()
    (($(id -u) == 0)) || sudo=(sudo)

    ci_check package-build package_build "$dir"
    local deb
    deb=$(ls "$dir"/ciscosec_*.deb 2>/dev/null | head -n1 || true)
    if [[ -z $deb ]]; then
        ci_record package-install 0 1 "FAILED: no .deb was built" FAIL
        return 0
    fi
    ci_check package-contents package_check_contents "$deb"
    ci_check package-lintian package_lintian "$deb"
    package_snapshot >"$CI_LOG_DIR/package-before.txt"
    # Slim images exclude man pages from dpkg installs; take ours anyway.
    ci_check package-install "${sudo[@]}" dpkg -i --path-include='/usr/share/man/man1/*' "$deb"
    ci_check package-run package_check_run
    ci_check package-files package_check_files
    ci_check package-remove package_remove "${sudo[@]}"
}

# The old names, from the one table of them (src/aliases.def).
source "$CI_SRC/tests/e2e/lib/aliases.bash"
package_old_names() { alias_rows "$CI_SRC" | cut -d' ' -f1; }

package_build() {
    local dir=$1
    # Debian's flags (hardening=+all: PIE, bindnow, fortify, stack
    # protector); CMake reads CFLAGS and LDFLAGS, not CPPFLAGS.
    local -x DEB_BUILD_MAINT_OPTIONS=hardening=+all
    local -x CFLAGS LDFLAGS
    CFLAGS="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)" || return 1
    LDFLAGS=$(dpkg-buildflags --get LDFLAGS) || return 1
    rm -rf "$dir" &&
        cmake -S "$CI_SRC" -B "$dir" "${CI_CMAKE_ARGS[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DCISCOSEC_TESTS=OFF &&
        cmake --build "$dir" -j"$CI_JOBS" && (cd "$dir" && cpack -G DEB)
}

# The control fields, and Depends derived from the linked libraries.
package_check_contents() {
    local deb=$1 depends
    dpkg-deb --info "$deb" && dpkg-deb --contents "$deb" || return 1
    depends=$(dpkg-deb --field "$deb" Depends)
    echo "Depends: $depends"
    [[ $depends == *libc6* && $depends == *libmbed* ]] ||
        { echo "Depends does not name libc6 and mbedTLS: dpkg-shlibdeps did not run?"; return 1; }
    package_check_on_demand "$deb" || return 1
    [[ -n $(dpkg-deb --field "$deb" Maintainer) && -n $(dpkg-deb --field "$deb" Section) ]]
}

# The libraries loaded on demand, which dpkg-shlibdeps cannot see, named
# as the build names them (CMakeLists.txt's cache): expat in Depends,
# libsrtp2 in Recommends.
package_check_on_demand() {
    local deb=$1 cache=$CI_DIR/package/CMakeCache.txt expat srtp
    expat=$(sed -n 's/^CISCOSEC_EXPAT_PACKAGE:STRING=//p' "$cache")
    srtp=$(sed -n 's/^CISCOSEC_SRTP2_PACKAGE:STRING=//p' "$cache")
    [[ -n $expat && -n $srtp ]] || { echo "no CISCOSEC_*_PACKAGE in $cache"; return 1; }
    [[ ", $(dpkg-deb --field "$deb" Depends)," == *", $expat"[,\ ]* ]] ||
        { echo "Depends does not name $expat"; return 1; }
    [[ $(dpkg-deb --field "$deb" Recommends) == "$srtp" ]] ||
        { echo "Recommends is not $srtp"; return 1; }
}

# No error and no warning; the tags we accept are overridden, each with its
# reason, in packaging/debian/lintian-overrides. Infos are shown too.
package_lintian() {
    lintian --info --pedantic --display-experimental --fail-on error,warning "$1"
}

# What a package may leave behind, listed before the install and after the
# purge (dpkg's own database and caches excepted).
package_snapshot() {
    find /usr /etc /opt /var -xdev \
        \( -path /var/lib/dpkg -o -path /var/cache -o -path /var/log -o -path /var/tmp \
        -o -path /var/lib/apt -o -path /var/lib/man-db \) -prune -o -print 2>/dev/null | LC_ALL=C sort
}

# The installed binary and old names: --version, every name's --help, and a
# parse of the reference trust list.
package_check_run() {
    # ci_check runs this where errexit is off: every step is checked.
    local out name
    [[ $(command -v tlvfile) == /usr/bin/tlvfile ]] || { echo "tlvfile is not /usr/bin/tlvfile"; return 1; }
    /usr/bin/ciscosec --version || return 1
    for name in $(package_old_names); do
        [[ $(readlink "/usr/bin/$name") == ciscosec ]] || { echo "/usr/bin/$name is not a link to ciscosec"; return 1; }
        "/usr/bin/$name" --help >/dev/null || { echo "$name --help failed"; return 1; }
    done
    out=$(TZ=UTC /usr/bin/tlvfile --parse "$CI_SRC/tests/data/vectors/ITLFile.tlv") || return 1
    echo "$out"
    [[ $(tail -n1 <<<"$out") == "Valid signature" ]]
}

# Man pages and completions at their installed paths, found by man, bash
# and zsh the way a user's shell finds them.
package_check_files() {
    local name page rc=0 names man=/usr/share/man/man1
    names=$(package_old_names)
    for page in ciscosec ciscosec-tlv ciscosec-sgn ciscosec-cert ciscosec-enc ciscosec-verify $names; do
        if [[ ! -e $man/$page.1.gz ]]; then
            echo "missing $man/$page.1.gz"
            rc=1
        elif [[ -e $man/$page.1 ]]; then
            echo "$man/$page.1 is not compressed"
            rc=1
        elif [[ $(man -w "$page" 2>/dev/null) != "$man"/*.1.gz ]]; then
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
    [[ -f /usr/share/doc/ciscosec/copyright ]] || { echo "missing /usr/share/doc/ciscosec/copyright"; rc=1; }
    return $rc
}

# dpkg -r, then --purge; the files afterwards must be those before the install.
package_remove() {
    "$@" dpkg -r ciscosec || return 1
    [[ ! -e /usr/bin/ciscosec && ! -e /usr/bin/tlvfile && ! -e /usr/share/man/man1/ciscosec.1.gz ]] ||
        { echo "files left after dpkg -r"; return 1; }
    "$@" dpkg --purge ciscosec || return 1
    if dpkg-query -W ciscosec 2>/dev/null; then
        echo "dpkg still knows ciscosec after --purge"
        return 1
    fi
    package_snapshot >"$CI_LOG_DIR/package-after.txt"
    diff -u "$CI_LOG_DIR/package-before.txt" "$CI_LOG_DIR/package-after.txt" ||
        { echo "the install and purge changed these files (- gone, + left behind)"; return 1; }
}

stage_package
