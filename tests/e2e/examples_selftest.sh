#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The documentation tests' own checks must fail on a misspelt command: a
# command or verb that does not exist exits 2, which a man-page example may
# expect for other reasons, and a block that tolerates the failure would
# pass. (lib/examples.bash, used by manpages.sh, guide.sh and readme.sh.)
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/lib/common.bash"
source "$HERE/lib/examples.bash"

# expect_misspelt WANT COMMAND-LINE: misspelt finds a problem (yes) or not.
expect_misspelt() {
    local got=no
    misspelt "$2" >/dev/null && got=yes
    [[ $got == "$1" ]] && pass || fail "misspelt '$2': $got, expected $1"
}
expect_misspelt yes 'ciscosec tvl parse ITLFile.tlv'
expect_misspelt yes 'ciscosec sgn prase DialTemplate.xml.sgn'
expect_misspelt yes 'SOURCE_DATE_EPOCH=1 ciscosec verfy file x.sgn'
expect_misspelt yes 'ciscosec cert neww --common X'
expect_misspelt no 'ciscosec tlv parse ITLFile.tlv'
expect_misspelt no 'SOURCE_DATE_EPOCH=1 ciscosec sgn build x --tftp a.pem'
expect_misspelt no 'ciscosec verify tls pbx:5061'
expect_misspelt no 'ciscosec --help'
expect_misspelt no 'ciscosec tlv --help'
expect_misspelt no 'tlvfile --parse ITLFile.tlv'
expect_misspelt no 'echo ciscosec tvl'

# A Markdown block whose misspelt command is tolerated (|| true) still
# fails the run, and so does one that stops on it; a good block does not.
# doc_failures DOC: the failures run_doc_blocks counts on DOC.
doc_failures() {
    (
        failures=0
        run_doc_blocks "$1" "$WORK/root" >/dev/null 2>&1
        echo "$failures"
    )
}
printf '# Doc\n\n```sh\nciscosec sgn prase x.sgn || true\n```\n' >tolerated.md
printf '# Doc\n\n```sh\nciscosec tvl \\\n    parse x.tlv\n```\n' >stops.md
printf '# Doc\n\n```sh\nciscosec tlv --help\n```\n' >good.md
[[ $(doc_failures tolerated.md) -gt 0 ]] && pass || fail "a tolerated misspelt command passes"
[[ $(doc_failures stops.md) -gt 0 ]] && pass || fail "a misspelt command passes"
[[ $(doc_failures good.md) == 0 ]] && pass || fail "a good block fails"

finish
