/* SPDX-License-Identifier: MIT */
/* What the front end's commands share: the invocation, error reporting,
 * stop signals and option parsing (reports: report.h). The library never prints; this is
 * where its errors become one line on stderr and an exit status. */
#ifndef CISCOSEC_CLI_H
#define CISCOSEC_CLI_H

#include <stdbool.h>
#include <getopt.h>
#include <stdio.h>

#include "ciscosec/error.h"
#include "ciscosec/header.h"

typedef struct cli_ctx {
    const char *prog; /* "ciscosec tlv", or "tlvfile" through the old name */
    bool legacy;      /* called through an old tool's name */
} cli_ctx;

typedef int (*cli_command_fn)(int argc, char **argv, const cli_ctx *cli);

/* The commands (src/cmd/<name>.c). */
int cmd_capf(int argc, char **argv, const cli_ctx *cli);
int cmd_cert(int argc, char **argv, const cli_ctx *cli);
int cmd_enc(int argc, char **argv, const cli_ctx *cli);
int cmd_sgn(int argc, char **argv, const cli_ctx *cli);
int cmd_tlv(int argc, char **argv, const cli_ctx *cli);
int cmd_tvs(int argc, char **argv, const cli_ctx *cli);
int cmd_verify(int argc, char **argv, const cli_ctx *cli);

/* "PROG: message" on stderr; returns status for `return cli_fail(...)`. */
int cli_fail(const cli_ctx *cli, int status, const char *fmt, ...) CS_PRINTF(3, 4);
/* "PROG: 'PATH': <err's message>"; returns status. */
int cli_file_fail(const cli_ctx *cli, const char *path, int status, const cs_error *err);
/* "PROG: warning: 'PATH': message". */
void cli_warn(const cli_ctx *cli, const char *path, const char *fmt, ...) CS_PRINTF(3, 4);
/* Warns when a private key file can be read by group or others. */
void cli_warn_exposed_key(const cli_ctx *cli, const char *path);
/* A usage error: the message, then a hint to --help; returns CS_ERROR. */
int cli_usage_error(const cli_ctx *cli, const char *fmt, ...) CS_PRINTF(2, 3);
/* Flushes stdout; a failed write (a full disk, a closed pipe) becomes
 * exit status 2 instead of a silent success. */
int cli_finish(const cli_ctx *cli, int status);

/* Stop signals (SIGINT, SIGTERM, SIGHUP). Once one arrives, outputs fail
 * with "interrupted" and are abandoned through their usual failure paths,
 * which remove the temporary files; then cli_end_by_stop_signal ends the
 * process by that signal, as a shell expects of a command it interrupted.
 * With no temporary file on disk, the signal ends the process at once. A
 * signal ignored when the program started (nohup) stays ignored. */
void cli_catch_stop_signals(void);
/* Ends the process by the stop signal that arrived, if one did. */
void cli_end_by_stop_signal(void);

/* A short letter in a help text that only an old tool's name advertises:
 * `letter` ("-c, ") called as the old tool, as many blanks otherwise. The
 * letter gives another meaning to another command, so the ciscosec
 * vocabulary (docs/cli.md) retires it; it is still accepted. */
const char *cli_old_letter(const cli_ctx *cli, const char *letter);

/* A command's options for cli_parse_options. */
typedef struct cli_options {
    const char *shortopts; /* getopt's letters; -h and -H (help) are added */
    const struct option *longopts;
    /* One option: getopt's value, its argument in optarg. */
    int (*handle)(void *opts, int opt, const cli_ctx *cli);
    void (*help)(const cli_ctx *cli);
} cli_options;

/* Parses a command's options the same way for every command: undoes the
 * guides' flattened line continuations (cli_unflatten_args), runs
 * getopt_long from the start (options may follow operands), prints help
 * for -h, -H and --help and returns -1, turns a missing argument or an
 * unknown option into a usage error (CS_ERROR), and hands every other
 * option to spec->handle. On CS_OK, argv[*first .. *argc) are the
 * operands. */
int cli_parse_options(const cli_options *spec, void *opts, int *argc, char **argv, int *first,
                      const cli_ctx *cli);

/* The role a trust-list role option stands for, found by its long name
 * (--sast, --ccm, --tftp, --ccm-tftp, --capf, --app-server, --tvs) in
 * longopts, whatever letter the command gives it. */
bool cli_role_option(const struct option *longopts, int opt, uint16_t *role);

/* Takes a leading verb ("build", "parse", ...) off the arguments when the
 * command was called as `ciscosec CMD VERB ...`. Returns the verb's index
 * in `verbs`, or -1 when argv[1] is not one of them. */
int cli_take_verb(int *argc, char ***argv, const char *const *verbs);
/* Whether the command line asks for help alone: argv[1] is --help, -h or
 * -H (the reference tools' help letter). */
bool cli_asks_help(int argc, char **argv);
/* The usage error for a command called without one of its verbs: "a verb
 * is required: serve, add, ... or enrol", from the same table. */
int cli_verb_required(const cli_ctx *cli, const char *const *verbs);

/* True for an argument made only of blanks: a guide's flattened line
 * continuation ("\ ") reaches the program as one, and the old tools
 * ignored it, so commands skip such operands. */
bool cli_is_blank(const char *arg);

/* The guides' flattened continuations as a shell really splits them:
 * "pem \ --certificate X" gives the argument " --certificate", the escaped
 * blank glued to the next option. Before getopt, this drops blank
 * arguments and takes the leading blanks off an argument that then starts
 * with '-', up to a "--", so the old command lines work as written. */
void cli_unflatten_args(int *argc, char **argv);

/* Warns when a child of the header runs past its container's end
 * (cs_header_check_nesting): phones take such files, but they were not
 * written as formats.md says. */
void cli_warn_header(const cli_ctx *cli, const char *path, const cs_header *h);

#endif
