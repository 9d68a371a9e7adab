# SPDX-License-Identifier: MIT
# The old tools' names, read from their one table, src/aliases.def (rows
# "ALIAS(name, command, verb)"). Sourced by tests/e2e/lib/common.bash and by
# .ci/extra.d/50-package.sh; CMake reads the same rows (cmake/Aliases.cmake).

# alias_rows SRC: "NAME COMMAND VERB" a row (VERB may be empty).
alias_rows() {
    sed -nE 's/^ALIAS\(([a-z0-9_-]+), *([a-z0-9_-]+), *([a-z0-9_-]*)\)$/\1 \2 \3/p' \
        "$1/src/aliases.def"
}
