# Sourced by .ci/run: the end-to-end tests again, with every ciscosec run
# under valgrind memcheck (see CISCOSEC_VALGRIND in tests/e2e/lib/common.bash).
# Uses the mbedTLS 2.28 build from the first stage.
stage_valgrind() {
    local dir=$CI_DIR/mbedtls2
    CISCOSEC_VALGRIND=1 ci_ctest_stage valgrind "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo
}
stage_valgrind
