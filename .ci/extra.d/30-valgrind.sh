# SPDX-License-Identifier: MIT
# Sourced by .ci/run: every test again on the mbedTLS 2.28 build of the
# first stage, configured with -DCISCOSEC_VALGRIND=ON: unit tests under
# tests/memcheck, and every ciscosec run of the end-to-end tests through it
# (a share of them in the longest tests: memcheck_share in
# tests/CMakeLists.txt). A memory error or a leak fails the test.
stage_valgrind() {
    ci_ctest_stage valgrind "$CI_DIR/mbedtls2" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        -DCISCOSEC_VALGRIND=ON
}
stage_valgrind
