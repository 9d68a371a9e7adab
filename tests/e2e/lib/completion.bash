# SPDX-License-Identifier: MIT
# Shared by the completion tests: sample files of every kind the
# completions filter for, in the current directory.
make_completion_samples() {
    mkdir -p sub/deeper 'dir with space'
    touch ITLFile.tlv CTLFile.tlv sast.pem asterisk.pem 'my cert.pem' SoftKeys.xml \
        SoftKeys.xml.sgn firmware.sha512 SEP001122334455.cnf.xml \
        SEP001122334455.cnf.xml.enc.sgn notes.txt sub/inner.pem sub/inner.tlv
}
