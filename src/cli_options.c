/* SPDX-License-Identifier: MIT */
/* The commands' option parsing (cli.h): getopt over a command's table,
 * the role options, verbs, and the guides' flattened command lines. */
#include "cli.h"

#include <string.h>

#include "ciscosec/roles.h"

int cli_parse_options(const cli_options *spec, void *opts, int *argc, char **argv, int *first,
                      const cli_ctx *cli)
{
    char shortopts[64];
    /* ':' first: a missing argument is reported as ':' rather than '?'. */
    /* -h is help unless the command takes it (tvsc/capfc: -h HOST). */
    bool h_is_help = strchr(spec->shortopts, 'h') == NULL;
    snprintf(shortopts, sizeof shortopts, ":%sH%s", spec->shortopts, h_is_help ? "h" : "");
    cli_unflatten_args(argc, argv);
    optind = 0; /* a full reset: getopt may have run before */
    opterr = 0;
    int opt;
    while ((opt = getopt_long(*argc, argv, shortopts, spec->longopts, NULL)) != -1) {
        if (opt == 'H' || (opt == 'h' && h_is_help)) {
            spec->help(cli);
            return -1;
        }
        if (opt == ':')
            return cli_usage_error(cli, "option '%s' needs an argument", argv[optind - 1]);
        if (opt == '?')
            return cli_usage_error(cli, "unknown option '%s'", argv[optind - 1]);
        int rc = spec->handle(opts, opt, cli);
        if (rc != CS_OK)
            return rc;
    }
    *first = optind;
    return CS_OK;
}

bool cli_role_option(const struct option *longopts, int opt, uint16_t *role)
{
    static const struct {
        const char *name;
        uint16_t role;
    } roles[] = {
        {"sast", CS_ROLE_SAST},         {"ccm", CS_ROLE_CCM},   {"tftp", CS_ROLE_TFTP},
        {"ccm-tftp", CS_ROLE_CCM_TFTP}, {"capf", CS_ROLE_CAPF}, {"app-server", CS_ROLE_APP_SERVER},
        {"tvs", CS_ROLE_TVS},
    };
    for (const struct option *o = longopts; o->name != NULL; o++) {
        if (o->val != opt)
            continue;
        for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
            if (strcmp(roles[i].name, o->name) == 0) {
                *role = roles[i].role;
                return true;
            }
        }
    }
    return false;
}

int cli_take_verb(int *argc, char ***argv, const char *const *verbs)
{
    if (*argc < 2)
        return -1;
    for (int i = 0; verbs[i] != NULL; i++) {
        if (strcmp((*argv)[1], verbs[i]) == 0) {
            /* Drop the verb: argv[1..] shift down by one. */
            (*argv)[1] = (*argv)[0];
            (*argv)++;
            (*argc)--;
            return i;
        }
    }
    return -1;
}

bool cli_asks_help(int argc, char **argv)
{
    return argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                         strcmp(argv[1], "-H") == 0);
}

int cli_verb_required(const cli_ctx *cli, const char *const *verbs)
{
    char list[256] = "";
    size_t used = 0;
    for (int i = 0; verbs[i] != NULL && used < sizeof list; i++) {
        const char *sep = i == 0 ? "" : verbs[i + 1] == NULL ? " or " : ", ";
        int n = snprintf(list + used, sizeof list - used, "%s%s", sep, verbs[i]);
        if (n < 0)
            break;
        used += (size_t)n;
    }
    return cli_usage_error(cli, "a verb is required: %s", list);
}

const char *cli_old_letter(const cli_ctx *cli, const char *letter)
{
    static const char blanks[] = "        ";
    size_t len = strlen(letter);
    if (cli->legacy || len >= sizeof blanks)
        return letter;
    return blanks + (sizeof blanks - 1 - len);
}

bool cli_is_blank(const char *arg)
{
    return arg[strspn(arg, " \t\r\n")] == '\0';
}

void cli_unflatten_args(int *argc, char **argv)
{
    int kept = 1;
    bool options = true;
    for (int i = 1; i < *argc; i++) {
        char *arg = argv[i];
        if (options && strcmp(arg, "--") == 0)
            options = false;
        if (options && cli_is_blank(arg))
            continue;
        size_t blanks = strspn(arg, " \t\r\n");
        if (options && blanks > 0 && arg[blanks] == '-')
            arg += blanks;
        argv[kept++] = arg;
    }
    argv[kept] = NULL; /* within the vector: kept <= *argc */
    *argc = kept;
}
