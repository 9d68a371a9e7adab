# SPDX-License-Identifier: MIT
# Batch signing: many files in one call, one line each in input order,
# failures that do not stop the others, exit 2 if any failed.
source "$(dirname "$0")/lib/common.bash"

V=$DATA/vectors
CERT=$V/asterisk.pem

mkdir fleet
files=()
for i in $(seq -w 1 50); do
    printf '<device><n>%s</n></device>\n' "$i" >"fleet/SEP0000000000$i.cnf.xml"
    files+=("fleet/SEP0000000000$i.cnf.xml")
done

# All good: 50 lines in input order, nothing on stderr (not a terminal, so
# no progress line either), the files valid.
expect_status 0 ciscosec sgn build --tftp "$CERT" "${files[@]}"
printf 'Built %s.sgn\n' "${files[@]}" | cmp -s - out && pass || fail "batch: unexpected stdout"
[[ -s err ]] && fail "batch: stderr not empty: $(head -c 200 err)" || pass
for f in "${files[0]}" "${files[24]}" "${files[49]}"; do
    expect_status 0 ciscosec sgn parse "$f.sgn" --tftp "$CERT"
    grep -qx "Filename:         $(basename "$f").sgn" out && pass || fail "$f.sgn: wrong file name"
done

# The same files signed one by one are identical (same timestamp).
export SOURCE_DATE_EPOCH=1767323045
expect_status 0 ciscosec sgn build -j 3 --tftp "$CERT" "${files[@]}"
mkdir single
for f in "${files[@]:0:3}"; do
    cp "$f" single/
    expect_status 0 sgnfile --build "single/$(basename "$f")" --tftp "$CERT"
    expect_same_file "single/$(basename "$f").sgn" "$f.sgn"
done

# One missing file and one directory among them: the others are built, each
# failure is one stderr line naming its file, exit 2.
rm fleet/*.sgn
mkdir fleet/SEP000000000025.cnf.xml.d
mixed=("${files[@]:0:10}" fleet/missing.cnf.xml "${files[@]:10:20}" fleet/SEP000000000025.cnf.xml.d
    "${files[@]:30}")
expect_status 2 sgnfile --build "${mixed[@]}" --tftp "$CERT" --jobs 4
[[ $(wc -l <err) == 2 ]] && pass || fail "expected 2 error lines, got: $(cat err)"
grep -q "^sgnfile: 'fleet/missing.cnf.xml': cannot open: No such file" err && pass ||
    fail "missing file not reported"
grep -q "^sgnfile: 'fleet/SEP000000000025.cnf.xml.d': is a directory" err && pass ||
    fail "directory not reported"
printf 'Built %s.sgn\n' "${files[@]}" | cmp -s - out && pass || fail "mixed batch: unexpected stdout"
built=$(find fleet -name '*.sgn' | wc -l)
[[ $built == 50 ]] && pass || fail "expected 50 .sgn files, found $built"
expect_absent fleet/missing.cnf.xml.sgn
expect_absent fleet/SEP000000000025.cnf.xml.d.sgn
expect_no_temp_files fleet

# -j 1 and more jobs than files work; -j 0 and junk are refused.
expect_status 0 ciscosec sgn build -j1 --tftp "$CERT" "${files[@]:0:3}"
expect_status 0 ciscosec sgn build --jobs=64 --tftp "$CERT" "${files[@]:0:3}"
for bad in 0 -1 x 2x 1025; do
    expect_status 2 ciscosec sgn build -j "$bad" --tftp "$CERT" "${files[0]}"
    expect_one_line_error "invalid number of jobs"
done

# --filename names one file: refused with several, before anything is done.
rm fleet/*.sgn
expect_status 2 ciscosec sgn build --tftp "$CERT" -F x.sgn "${files[@]:0:2}"
expect_one_line_error "--filename names one file"
expect_absent "${files[0]}.sgn"

# A signer that cannot be loaded stops the batch before it starts.
expect_status 2 ciscosec sgn build --tftp missing.pem "${files[@]}"
expect_one_line_error "^ciscosec sgn: 'missing.pem': "
[[ -s out ]] && fail "a failed batch printed: $(head -c 200 out)" || pass

# Blank arguments (a guide's "\ ") are not files.
expect_status 0 sgnfile --build "${files[0]}" ' ' "${files[1]}" --tftp "$CERT"
[[ $(wc -l <out) == 2 ]] && pass || fail "blank argument taken as a file"

finish
