/* SPDX-License-Identifier: MIT */
/* ciscosec: one multicall binary. `ciscosec CMD ...` runs a command; called
 * through one of the old certutils names (a symlink such as `tlvfile`), it
 * behaves as that tool, on the same command. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/encconfig.h"
#include "ciscosec/fileio.h"
#include "ciscosec/srtpcheck.h"
#include "ciscosec/xml.h"
#include "cli.h"

#ifndef CISCOSEC_VERSION
#define CISCOSEC_VERSION "unknown"
#endif

typedef struct command {
    const char *name;
    cli_command_fn run;
    const char *summary;
} command;

/* Sorted by name. */
static const command commands[] = {
    {"capf", cmd_capf, "the Certificate Authority Proxy Function: serve, manage, enrol"},
    {"cert", cmd_cert, "make, hash and describe certificates for phones' trust lists"},
    {"enc", cmd_enc, "build, parse and decrypt encrypted phone configurations"},
    {"sgn", cmd_sgn, "sign files for phones (.sgn), check and unsign them"},
    {"tlv", cmd_tlv, "build and parse trust lists (ITLFile.tlv, CTLFile.tlv)"},
    {"tvs", cmd_tvs, "the Trust Verification Service: serve, manage, query"},
    {"verify", cmd_verify, "check files, updates, servers and directories as a phone would"},
};

/* The old tools' names (src/aliases.def, the one table of them). `verb`,
 * when not empty, is put in front of the arguments: `stripsgn F` is
 * `ciscosec sgn remove F`. */
typedef struct alias {
    const char *name;
    const char *command;
    const char *verb;
} alias;

static const alias aliases[] = {
#define ALIAS(name, command, verb) {#name, #command, #verb},
#include "aliases.def"
#undef ALIAS
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const command *find_command(const char *name)
{
    for (size_t i = 0; i < COUNT(commands); i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

static const alias *find_alias(const char *name)
{
    for (size_t i = 0; i < COUNT(aliases); i++)
        if (strcmp(aliases[i].name, name) == 0)
            return &aliases[i];
    return NULL;
}

static void usage(FILE *out)
{
    fprintf(out, "Usage: ciscosec COMMAND [ARGS...]\n"
                 "       ciscosec --help | --version\n"
                 "Build, check and take apart the files Cisco IP phones need for secure\n"
                 "provisioning.\n\nCommands:\n");
    for (size_t i = 0; i < COUNT(commands); i++)
        fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nThe old certutils names run the same commands with their own options:\n");
    for (size_t i = 0; i < COUNT(aliases); i++)
        fprintf(out, "  %-8s = ciscosec %s%s%s\n", aliases[i].name, aliases[i].command,
                aliases[i].verb[0] != '\0' ? " " : "", aliases[i].verb);
    fprintf(out, "\n'ciscosec COMMAND --help' describes a command. Exit status: 0 success or\n"
                 "valid, 1 checked and found invalid, 2 usage, I/O or format error.\n");
}

static void version(void)
{
    printf("ciscosec %s\n", CISCOSEC_VERSION);
    printf("built with %s\n", cs_crypto_version());
    printf("XML with %s\n", cs_xml_version());
    printf("SRTP checks with %s\n", cs_srtp_version());
}

/* Runs an old tool's name: argv[0] is that name. */
static int run_alias(const alias *a, int argc, char **argv)
{
    const command *cmd = find_command(a->command);
    cli_ctx c = {.prog = a->name, .legacy = true};
    if (a->verb[0] == '\0')
        return cmd->run(argc, argv, &c);

    /* A new vector with the verb after argv[0]. */
    char **args = calloc((size_t)argc + 2, sizeof *args);
    if (args == NULL)
        return cli_fail(&c, CS_ERROR, "out of memory");
    args[0] = argv[0];
    args[1] = (char *)a->verb;
    for (int i = 1; i < argc; i++)
        args[i + 1] = argv[i];
    int rc = cmd->run(argc + 1, args, &c);
    free(args);
    return rc;
}

static int run_command(const command *cmd, int argc, char **argv)
{
    char prog[64];
    snprintf(prog, sizeof prog, "ciscosec %s", cmd->name);
    cli_ctx c = {.prog = prog, .legacy = false};
    return cmd->run(argc, argv, &c);
}

static int dispatch(int argc, char **argv)
{
    const char *self = argc > 0 ? cs_basename(argv[0]) : "ciscosec";
    const alias *a = find_alias(self);
    if (a != NULL)
        return run_alias(a, argc, argv);

    if (argc < 2) {
        usage(stderr);
        return CS_ERROR;
    }
    const char *name = argv[1];
    if (strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 || strcmp(name, "help") == 0) {
        usage(stdout);
        return fflush(stdout) == 0 ? CS_OK : CS_ERROR;
    }
    if (strcmp(name, "--version") == 0 || strcmp(name, "-V") == 0) {
        version();
        return fflush(stdout) == 0 ? CS_OK : CS_ERROR;
    }
    if (strcmp(name, "--list-links") == 0) {
        for (size_t i = 0; i < COUNT(aliases); i++)
            printf("%s\n", aliases[i].name);
        return fflush(stdout) == 0 ? CS_OK : CS_ERROR;
    }
    const command *cmd = find_command(name);
    if (cmd != NULL)
        return run_command(cmd, argc - 1, argv + 1);
    /* `ciscosec tlvfile ...` works like the symlink. */
    if ((a = find_alias(name)) != NULL)
        return run_alias(a, argc - 1, argv + 1);

    fprintf(stderr, "ciscosec: unknown command '%s'\n\n", name);
    usage(stderr);
    return CS_ERROR;
}

int main(int argc, char **argv)
{
    cli_catch_stop_signals();
    int status = dispatch(argc, argv);
    cli_end_by_stop_signal();
    return status;
}
