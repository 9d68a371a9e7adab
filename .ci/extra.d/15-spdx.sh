# SPDX-License-Identifier: MIT
# Sourced by .ci/run: every source file names its licence (.ci/check-spdx).
ci_check spdx bash "$CI_SRC/.ci/check-spdx"
