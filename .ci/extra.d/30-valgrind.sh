# Sourced by .ci/run: end-to-end tests again, with every ciscosec run under
# valgrind memcheck (see CISCOSEC_VALGRIND in tests/e2e/lib/common.bash).
# Uses the mbedTLS 2.28 build from the first stage.
#
# valgrind makes each run some 20 times slower, so this stage takes the
# tests that reach every command and every code path of note once (builds,
# parses, verification, batches, decryption, failures, JSON) and leaves out
# those that repeat one path hundreds of times (tlv_malformed, the man-page
# and completion checks, the guides), which the ASan+UBSan stage covers.
stage_valgrind() {
    local dir=$CI_DIR/mbedtls2
    local tests='^e2e\.(tlv|sgn|sgn-remove|sgn-safety|enc|faults|json|cert-hash|cert-show|verify_file|verify_rollover|verify_srtp|cli)$'
    CISCOSEC_VALGRIND=1 CI_CTEST_ARGS="-R $tests" \
        ci_ctest_stage valgrind "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
}
stage_valgrind
