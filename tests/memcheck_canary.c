/* SPDX-License-Identifier: MIT */
/* A program with the two faults memcheck must catch, run under
 * tests/memcheck by the memcheck.canary test: a leak and a branch on
 * uninitialised memory. If the wrapper ever stopped reporting them (a
 * lost flag, valgrind missing from PATH), this test fails, not the
 * silence of every other test. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    (void)argv;
    int *leaked = malloc(4 * sizeof *leaked);
    if (leaked == NULL)
        return 2;
    /* The compiler cannot know argc, so the read stays uninitialised. */
    if (leaked[argc] > 0)
        puts("positive");
    leaked = NULL;
    return 0;
}
