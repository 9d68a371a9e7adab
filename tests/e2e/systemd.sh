#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The services' systemd units as `cmake --install` puts them (into a
# DESTDIR here, never the system): installed, pointing at the binary, hardened, reloading with SIGHUP, and with command lines that the
# commands accept (run against a missing certificate, they fail on that
# file, not on an option).
source "$(dirname "$0")/lib/common.bash"
: "${SRC:?SRC must name the source tree}"

root=$WORK/root
DESTDIR=$root cmake --install "$BIN" --prefix /usr >/dev/null
units=$root/usr/lib/systemd/system
if [[ -f $root/usr/lib/sysusers.d/ciscosec.conf ]]; then pass; else fail "no sysusers.d/ciscosec.conf"; fi

for unit in tvsd capfd; do
    file=$units/$unit.service
    if [[ ! -f $file ]]; then
        fail "$unit.service is not installed"
        continue
    fi
    for directive in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'DynamicUser=yes' \
        'ReadWritePaths=/var/lib/' 'StateDirectory=' 'ExecReload=/bin/kill -HUP $MAINPID' \
        'CapabilityBoundingSet=$' 'ExecStart=/.*/ciscosec '; do
        if grep -q -- "^$directive" "$file"; then pass; else fail "$unit.service lacks $directive"; fi
    done
    cmd=$(sed -n 's/^ExecStart=//p' "$file")
    read -r -a argv <<<"$cmd"
    service=${argv[1]}
    if ! ciscosec "$service" --help >/dev/null 2>&1; then
        echo "note: ciscosec $service is not built here; its unit's command line is not run"
        continue
    fi
    # The unit's own arguments, with files that are not there.
    args=("${argv[@]:1}")
    args=("${args[@]//\/etc\/ciscosec\//$WORK/missing-}")
    args=("${args[@]//\/var\/lib\//$WORK/missing-}")
    expect_status 2 ciscosec "${args[@]}"
    expect_one_line_error "missing-"
done

finish
