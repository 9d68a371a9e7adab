# SPDX-License-Identifier: MIT
# Fault injection on real file systems (issue: hardening): a full disk, an
# unwritable directory, an output name that is a directory, inputs that
# vanish, key files that are a FIFO or a symlink loop. Every writing
# command must fail with exit 2, leave no output and no temporary file, and
# leave an existing output exactly as it was.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
cp "$V"/{sast,asterisk,apache}.pem .
chmod 600 ./*.pem # keys readable by others draw a warning line

tlv_build() { # OUT [extra args]: a small trust list
    local out=$1
    shift
    ciscosec tlv build "$out" --sast sast.pem --ccm asterisk.pem "$@"
}

# --- an existing output survives every failed rebuild ----------------------
tlv_build keep.tlv >/dev/null
cp keep.tlv keep.orig
expect_status 2 tlv_build keep.tlv --ccm missing.pem
expect_same_file keep.tlv keep.orig
expect_status 2 tlv_build keep.tlv --key apache.pem
expect_same_file keep.tlv keep.orig
expect_no_temp_files .

# --- the output name is a directory -----------------------------------------
mkdir dir.tlv
expect_status 2 tlv_build dir.tlv
expect_one_line_error "dir.tlv"
[[ -d dir.tlv ]] && pass || fail "dir.tlv was replaced"

# --- an unwritable directory ------------------------------------------------
# Root writes anywhere, so as root the command runs as nobody (setpriv).
mkdir locked
chmod 555 locked
chmod 755 "$WORK"
as_user=()
cp sast.pem user-sast.pem
if [[ $(id -u) == 0 ]]; then
    as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    chown 65534 user-sast.pem
fi
if [[ ${#as_user[@]} == 0 ]] || command -v setpriv >/dev/null; then
    expect_status 2 "${as_user[@]}" "$(command -v ciscosec)" tlv build "$WORK/locked/x.tlv" \
        --sast "$WORK/user-sast.pem" --ccm "$V/asterisk.pem"
    expect_one_line_error "locked/x.tlv"
    expect_absent locked/x.tlv
    expect_no_temp_files locked
else
    echo "SKIP: unwritable-directory check needs setpriv when run as root"
fi
chmod 755 locked

# --- a missing directory ----------------------------------------------------
expect_status 2 tlv_build nowhere/x.tlv
expect_one_line_error "nowhere/x.tlv"

# --- key files that are not files -------------------------------------------
mkfifo fifo.pem
expect_status 2 tlv_build fifo.tlv --key fifo.pem
expect_one_line_error "fifo.pem.*not a regular file"
expect_absent fifo.tlv
ln -s loop1.pem loop2.pem
ln -s loop2.pem loop1.pem
expect_status 2 tlv_build loop.tlv --key loop1.pem
expect_one_line_error "loop1.pem"
expect_absent loop.tlv

# --- an input that vanishes (a dangling symlink) ----------------------------
ln -s gone.pem vanished.pem
expect_status 2 tlv_build vanish.tlv --ccm vanished.pem
expect_one_line_error "vanished.pem"
expect_absent vanish.tlv

# --- a private key that others can read draws a warning -------------------
cp sast.pem open-sast.pem
chmod 644 open-sast.pem
expect_status 0 ciscosec tlv build warn.tlv --sast open-sast.pem --ccm asterisk.pem
grep -q "warning: 'open-sast.pem': the private key can be read by everyone" "$WORK/err" &&
    pass || fail "no warning for a world-readable key"

# --- a full disk ------------------------------------------------------------
# tlv build, enc build, enc decrypt and cert new here; sgn build and remove
# in sgn-safety.sh.
mkdir small
if [[ $(id -u) == 0 ]] && mount -t tmpfs -o size=16k tmpfs small 2>/dev/null; then
    # Fill it so that a trust list (~5 KiB) cannot fit.
    dd if=/dev/zero of=small/filler bs=1k count=14 status=none 2>/dev/null || true
    tlv_build keep2.tlv >/dev/null
    cp keep2.tlv small/keep.tlv 2>/dev/null || true
    before=$(sha256sum small/keep.tlv 2>/dev/null || echo none)
    expect_status 2 tlv_build small/keep.tlv --app-server apache.pem
    expect_one_line_error "small/keep.tlv"
    after=$(sha256sum small/keep.tlv 2>/dev/null || echo none)
    [[ $before == "$after" ]] && pass || fail "small/keep.tlv changed on a full disk"
    expect_no_temp_files small

    umount small

    # enc build with room for the input and one more block: the first
    # output fits, the second does not. The configuration is kept and
    # neither output appears.
    mount -t tmpfs -o size=8k tmpfs small
    cp "$V/device.pem" device.pem
    chmod 600 device.pem
    cp "$V/SEP58971ECC97C1.cnf.xml.orig" small/SEP58971ECC97C1.cnf.xml
    if [[ -s small/SEP58971ECC97C1.cnf.xml ]]; then
        expect_status 2 ciscosec enc build small/SEP58971ECC97C1.cnf.xml --tftp asterisk.pem \
            --certificate device.pem
        expect_one_line_error "SEP58971ECC97C1.cnf.xml"
        expect_same_file small/SEP58971ECC97C1.cnf.xml "$V/SEP58971ECC97C1.cnf.xml.orig"
        expect_absent small/SEP58971ECC97C1.cnf.xml.enc.sgn
        expect_absent small/SEP58971ECC97C1.cnf.xml.sgn
        expect_no_temp_files small
    fi

    umount small

    # enc decrypt with no room for the plaintext: the encrypted file and
    # its companion stay, and no plaintext appears.
    mount -t tmpfs -o size=8k tmpfs small
    cp "$V"/SEP58971ECC97C1.cnf.xml.{enc.sgn,sgn} small/
    dd if=/dev/zero of=small/filler bs=1k count=8 status=none 2>/dev/null || true
    expect_status 2 ciscosec enc decrypt small/SEP58971ECC97C1.cnf.xml.enc.sgn --key device.pem \
        --tftp asterisk.pem
    expect_one_line_error "small/SEP58971ECC97C1.cnf.xml"
    expect_same_file small/SEP58971ECC97C1.cnf.xml.enc.sgn "$V/SEP58971ECC97C1.cnf.xml.enc.sgn"
    expect_same_file small/SEP58971ECC97C1.cnf.xml.sgn "$V/SEP58971ECC97C1.cnf.xml.sgn"
    expect_absent small/SEP58971ECC97C1.cnf.xml
    expect_no_temp_files small
    rm small/filler

    # cert new: no key file, not even an empty one.
    dd if=/dev/zero of=small/filler2 bs=1k count=16 status=none 2>/dev/null || true
    expect_status 2 ciscosec cert new --common Full --organization O --unit U --curve secp256r1 \
        small/full.pem
    expect_one_line_error "small/full.pem"
    expect_absent small/full.pem
    expect_no_temp_files small
    umount small
else
    echo "SKIP: full-disk checks need root and a tmpfs mount"
fi

finish
