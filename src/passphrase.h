/* SPDX-License-Identifier: MIT */
/* Where a command gets the passphrase of an encrypted private key:
 * --passphrase-file FILE (its first line), --passphrase-env NAME (that
 * variable), or else a prompt on /dev/tty with echo off when there is a
 * terminal. Never from an argument, which other users can read in the
 * process list. The passphrase lives in secret buffers, wiped after use. */
#ifndef CISCOSEC_PASSPHRASE_H
#define CISCOSEC_PASSPHRASE_H

#include <stdbool.h>

#include "ciscosec/crypto.h"
#include "cli.h"

/* getopt values, above every command's own. */
enum { PASSPHRASE_OPT_FILE = 0x1000, PASSPHRASE_OPT_ENV };

/* For a command's struct option table. */
#define PASSPHRASE_LONG_OPTIONS                                                                    \
    {"passphrase-file", required_argument, NULL, PASSPHRASE_OPT_FILE},                             \
    {                                                                                              \
        "passphrase-env", required_argument, NULL, PASSPHRASE_OPT_ENV                              \
    }

/* For a command's --help. */
#define PASSPHRASE_HELP                                                                            \
    "      --passphrase-file FILE   the passphrase of an encrypted private key:\n"                 \
    "                           the first line of FILE\n"                                          \
    "      --passphrase-env NAME    ... or the environment variable NAME;\n"                       \
    "                           without either, it is asked for on the terminal\n"

typedef struct passphrase_opts {
    const char *file;
    const char *env;
    bool confirm; /* ask twice at the prompt (for a key being written) */
} passphrase_opts;

/* Takes --passphrase-file or --passphrase-env (opt is one of
 * PASSPHRASE_OPT_*, its value in optarg). */
int passphrase_option(passphrase_opts *p, int opt, const cli_ctx *cli);
/* Whether --passphrase-file or --passphrase-env was given. */
bool passphrase_given(const passphrase_opts *p);
/* A source for the library's key loaders (crypto.h). */
cs_passphrase passphrase_source(const passphrase_opts *p);

/* A passphrase asked for once, when the first encrypted key needs it, and
 * kept for a server's later loads (SIGHUP reloads reuse it: a server does
 * not ask again). Without a terminal, as under systemd, a missing
 * passphrase is an error, not a prompt. Wiped by passphrase_kept_release. */
typedef struct passphrase_kept {
    const passphrase_opts *opts;
    cs_buf phrase;
    bool have;
} passphrase_kept;

void passphrase_kept_init(passphrase_kept *k, const passphrase_opts *opts);
cs_passphrase passphrase_kept_source(passphrase_kept *k);
void passphrase_kept_release(passphrase_kept *k);

#endif
