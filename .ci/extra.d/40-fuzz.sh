# SPDX-License-Identifier: MIT
# Sourced by .ci/run: build the libFuzzer harnesses with clang and run each
# for a bounded time (CISCOSEC_FUZZ_SECONDS, default 60). Any crash, leak
# or sanitizer report fails the stage.
stage_fuzz() {
    local dir=$CI_DIR/fuzz seconds=${CISCOSEC_FUZZ_SECONDS:-60}
    ci_check fuzz-build bash -c "CC=clang cmake -S '$CI_SRC' -B '$dir' ${CI_CMAKE_ARGS[*]} -DCISCOSEC_FUZZ=ON \
        -DCISCOSEC_TESTS=OFF -DCMAKE_BUILD_TYPE=Debug && cmake --build '$dir' -j$CI_JOBS"
    ci_check fuzz-run bash "$CI_SRC/tests/fuzz/run.sh" "$dir" "$seconds" "$CI_JOBS"
}
stage_fuzz
