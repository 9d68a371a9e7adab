# SPDX-License-Identifier: MIT
# Sourced by .ci/run: every C source and header follows .clang-format
# (tables that read better as tables are fenced with clang-format off/on).
stage_format() {
    ci_check format bash -c "cd '$CI_SRC' && git ls-files -z '*.c' '*.h' |
        xargs -0 clang-format --dry-run --Werror"
}
stage_format
