# SPDX-License-Identifier: MIT
# Signed files are streamed and written safely: memory stays small for a
# large body, a full disk or a kill never leaves a half-written file under
# the final name, and an existing one stays as it was; an interrupt leaves
# no temporary file either.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
CERT=$V/asterisk.pem

# --- memory: build, parse and remove of a 64 MiB body under 16 MiB --------
# (skipped under the sanitizers and valgrind, whose own memory alone is
# larger, and without GNU time)
truncate -s 64M big.bin
# (No `ldd | grep -q`: with pipefail, grep's early exit can fail ldd.)
if [[ -x /usr/bin/time && ${CISCOSEC_VALGRIND:-0} != 1 &&
    $(ldd "$BIN/ciscosec" 2>/dev/null) != *libasan* ]]; then
    # max_rss_kib COMMAND...: runs COMMAND (exit 0 expected), prints its
    # peak resident memory in KiB.
    max_rss_kib() {
        /usr/bin/time -f '%M' -o rss.txt "$@" >/dev/null && tail -n1 rss.txt
    }
    for step in "ciscosec sgn build big.bin --tftp $CERT -d sha512" \
        "ciscosec sgn parse big.bin.sgn --tftp $CERT" "ciscosec sgn remove big.bin.sgn"; do
        # shellcheck disable=SC2086 # the words of $step are the command
        kib=$(max_rss_kib $step) || kib=failed
        if [[ $kib =~ ^[0-9]+$ ]] && ((kib < 16 * 1024)); then pass; else
            fail "$step: peak memory $kib KiB (limit 16384)"
        fi
    done
    cmp -s big.bin <(head -c 64M /dev/zero) && pass || fail "64 MiB body did not come back"
else
    echo "skipping the memory checks (no /usr/bin/time, or a sanitizer build)"
fi
rm -f big.bin big.bin.sgn

# --- a full disk -------------------------------------------------------------
# A 1 MiB file system holding a 600 KiB input: the output cannot fit.
mkdir full
if mount -t tmpfs -o size=1m tmpfs full 2>/dev/null; then
    head -c 600K /dev/urandom >full/image.bin
    printf 'old' >full/image.bin.sgn
    expect_status 2 ciscosec sgn build full/image.bin --tftp "$CERT"
    expect_one_line_error "^ciscosec sgn: 'full/image.bin': cannot write 'full/image.bin.sgn': .*(No space|space left)"
    [[ $(cat full/image.bin.sgn) == old ]] && pass || fail "full disk: the old .sgn changed"
    expect_no_temp_files full
    # remove: the body does not fit either.
    rm full/image.bin.sgn
    cp "$V/firmware.bin.sgn" full/fw.sha512
    head -c 300K /dev/zero >full/filler
    expect_status 2 stripsgn full/fw.sha512
    expect_one_line_error "^stripsgn: 'full/fw.sha512': cannot write 'full/fw': "
    expect_absent full/fw
    expect_no_temp_files full
    # A batch: the small file is built, the large one fails alone. One job
    # at a time: two at once could share out the last free bytes.
    rm full/filler full/fw.sha512
    printf '<small/>' >full/small.xml
    expect_status 2 ciscosec sgn build -j 1 --tftp "$CERT" full/image.bin full/small.xml
    expect_one_line_error "^ciscosec sgn: 'full/image.bin': cannot write"
    grep -qx 'Built full/small.xml.sgn' out && pass || fail "full disk: small file not built"
    expect_absent full/image.bin.sgn
    expect_no_temp_files full
    umount full
else
    echo "skipping the full-disk checks (cannot mount a tmpfs here)"
fi

# --- a kill in the middle ----------------------------------------------------
# Whenever the kill lands, the final name holds the old file or a complete,
# valid new one: never a part.
truncate -s 256M large.bin
printf 'old' >large.bin.sgn
for delay in 0.05 0.2 0.5; do
    ciscosec sgn build large.bin --tftp "$CERT" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    if [[ $(head -c 3 large.bin.sgn) == old ]]; then
        pass
    else
        expect_status 0 ciscosec sgn parse large.bin.sgn --tftp "$CERT"
    fi
    # A killed process cannot remove its temporary file; nothing else is left.
    rm -f .large.bin.sgn.??????
done
rm -f large.bin.sgn

# --- an interrupt: SIGINT, SIGTERM, SIGHUP -----------------------------------
# The command abandons its output, removes its temporary file, says so in
# one line, and ends by the signal (status 128 + its number, as a shell
# expects of a command it interrupted). The old .sgn stays as it was. The
# process is frozen once its temporary file exists, so that the signal
# always lands mid-write.

# stop_mid_write SIGNAL PID DIR: waits for a temporary file in DIR, then
# delivers SIGNAL to PID while it is writing, and sets $status to how PID
# ended.
stop_mid_write() {
    local signal=$1 pid=$2 dir=$3 tries=0
    until compgen -G "$dir/.*.??????" >/dev/null; do
        ((++tries < 3000)) || { fail "SIG$signal: no temporary file appeared"; break; }
        sleep 0.01
    done
    kill -STOP "$pid"
    kill -s "$signal" "$pid"
    kill -CONT "$pid"
    status=0
    wait "$pid" || status=$?
}

printf 'old' >large.bin.sgn
for signal in INT TERM HUP; do
    # Job control on: a background job's SIGINT would be ignored otherwise.
    set -m
    ciscosec sgn build large.bin --tftp "$CERT" >out 2>err &
    set +m
    stop_mid_write "$signal" $! .
    [[ $status == $((128 + $(kill -l "$signal"))) ]] && pass ||
        fail "SIG$signal: exit $status, expected death by the signal"
    grep -q "^ciscosec sgn: 'large.bin': .*interrupted" err && pass ||
        fail "SIG$signal: no 'interrupted' line: $(cat err)"
    [[ $(cat large.bin.sgn) == old ]] && pass || fail "SIG$signal: the old .sgn changed"
    expect_no_temp_files .
done
rm -f large.bin large.bin.sgn

# A batch stops taking files: what it finished is complete and valid, the
# rest is absent, and no temporary file is left.
mkdir batch
for i in 1 2 3 4 5 6; do truncate -s 64M "batch/part$i.bin"; done
set -m
ciscosec sgn build -j 2 --tftp "$CERT" batch/part?.bin >out 2>err &
set +m
stop_mid_write TERM $! batch
[[ $status == $((128 + $(kill -l TERM))) ]] && pass || fail "batch: exit $status"
for i in 1 2 3 4 5 6; do
    if [[ -e batch/part$i.bin.sgn ]]; then
        grep -qx "Built batch/part$i.bin.sgn" out && pass || fail "batch: part$i built, not reported"
        expect_status 0 ciscosec sgn parse "batch/part$i.bin.sgn" --tftp "$CERT"
    fi
done
[[ ! -e batch/part6.bin.sgn ]] && pass || fail "batch: went on after the signal"
expect_no_temp_files batch
rm -rf batch

finish
