# SPDX-License-Identifier: MIT
# Shared by the sgn end-to-end tests: facts about the reference vectors,
# read from the reports the reference printed.
V=$DATA/vectors

# field FILE.parse.txt LABEL: a value from a reference parse report.
field() {
    sed -n "s/^$2: *//p" "$1"
}

# The timestamp the reference wrote into a vector (its report is in UTC).
vector_time() {
    date -u -d "$(field "$V/$1.parse.txt" Timestamp)" +%s
}

# The body of a vector: what follows its header.
vector_body() {
    local len
    len=$(field "$V/$1.parse.txt" 'Header Length' | cut -d' ' -f1)
    tail -c +$((len + 1)) "$V/$1"
}
