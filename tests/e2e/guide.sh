#!/usr/bin/env bash
# docs/guide.md, run as written: its ```sh blocks, in order, with the
# absolute paths it uses (/etc/..., /var/...) moved under a scratch root.
# Before that, the root gets what a deployment already has: the phone's
# configuration, the files it downloads, and its certificate from
# enrollment. Each block must succeed. A block that uses a ciscosec command
# not built yet is skipped, with every block after it (they build on it).
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/examples.bash"
: "${SRC:?SRC must name the source tree}"

ROOT=$WORK/root
tftpboot=$ROOT/var/lib/tftpboot
mkdir -p "$tftpboot"/New_Zealand "$tftpboot"/Desktops/320x196x4 "$ROOT"/var/lib/capf
cp "$DATA"/vectors/SEP58971ECC97C1.cnf.xml.orig "$tftpboot"/SEP58971ECC97C1.cnf.xml
cp "$DATA"/vectors/DialTemplate.xml "$tftpboot"/
printf '<softKeyCfg/>\n' >"$tftpboot"/SoftKeys.xml
printf '<tones/>\n' >"$tftpboot"/New_Zealand/g3-tones.xml
head -c 3000 "$DATA"/vectors/firmware.bin >"$tftpboot"/New_Zealand/mk-sip.jar
printf '<CiscoIPPhoneRingList/>\n' >"$tftpboot"/Ringlist.xml
head -c 8000 "$DATA"/vectors/firmware.bin >"$tftpboot"/Old_Telephone.raw
printf '<CiscoIPPhoneImageList/>\n' >"$tftpboot"/Desktops/320x196x4/List.xml
head -c 2000 "$DATA"/vectors/firmware.bin >"$tftpboot"/Desktops/320x196x4/Logo.png
head -c 500 "$DATA"/vectors/firmware.bin >"$tftpboot"/Desktops/320x196x4/Logo_Preview.png
# Certificate enrollment keeps the phone's certificate, not its key.
sed -n '/BEGIN CERTIFICATE/,/END CERTIFICATE/p' "$DATA"/vectors/device.pem \
    >"$ROOT"/var/lib/capf/SEP58971ECC97C1.pem

# The guide's sh blocks, each as one NUL-terminated script, fences and
# list indentation removed, paths moved under $ROOT.
blocks() {
    awk '
        /^ *```sh$/ { inside = 1; indent = index($0, "`") - 1; script = ""; next }
        inside && /^ *```$/ { inside = 0; printf "%s%c", script, 0; next }
        inside { script = script substr($0, indent + 1) "\n" }
    ' "$SRC/docs/guide.md" |
        sed -zE "s#(^|[[:space:]=])/(etc|var)/#\\1$ROOT/\\2/#g"
}

ran=0 skipped=0 skip_rest=
while IFS= read -r -d '' script; do
    if [[ -z $skip_rest ]]; then
        # One command per line once continuations are joined.
        while IFS= read -r command; do
            available "$command" || skip_rest=1
        done < <(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' <<<"$script")
    fi
    if [[ -n $skip_rest ]]; then
        skipped=$((skipped + 1))
        continue
    fi
    got=0
    bash -e -c "$script" >"$WORK/out" 2>"$WORK/err" </dev/null || got=$?
    ran=$((ran + 1))
    if ((got == 0)); then pass; else
        fail "guide block exits $got:"
        sed 's/^/  script: /' <<<"$script" >&2
        sed 's/^/  stdout: /' "$WORK/out" >&2
        sed 's/^/  stderr: /' "$WORK/err" >&2
    fi
done < <(blocks)
echo "guide: $ran blocks run, $skipped skipped (commands not built yet)"
if ((ran == 0)); then fail "no block of the guide ran"; fi

finish
