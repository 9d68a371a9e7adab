/* SPDX-License-Identifier: MIT */
/* The service commands' shared front end (serve.h). */
#include "serve.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ciscosec/fileio.h"

typedef struct serve_ctx {
    const cli_ctx *cli;
    cs_server *srv;
    size_t listeners;
} serve_ctx;

static void log_session(void *ctx, const cs_session_log *e)
{
    const serve_ctx *s = ctx;
    fprintf(stderr, "%s: %s %s %s: %s (%u ms)\n", s->cli->prog, e->peer,
            e->device[0] != '\0' ? e->device : "-", e->operation[0] != '\0' ? e->operation : "-",
            e->result, e->duration_ms);
}

static void log_notice(void *ctx, const char *what)
{
    const serve_ctx *s = ctx;
    fprintf(stderr, "%s: %s\n", s->cli->prog, what);
}

static void log_ready(void *ctx, const char *what)
{
    const serve_ctx *s = ctx;
    fprintf(stderr, "%s: %s listening on port", s->cli->prog, what);
    for (size_t i = 0; i < s->listeners; i++)
        fprintf(stderr, " %u", cs_server_port(s->srv, i));
    fprintf(stderr, "\n");
}

int serve_run(const cli_ctx *cli, const serve_options *o, const cs_protocol *protocol,
              const cs_passphrase *key_pass)
{
    serve_ctx ctx = {.cli = cli, .listeners = o->listen_count > 0 ? o->listen_count : 1};
    cs_server_config cfg = {.protocol = protocol,
                            .listen_count = o->listen_count,
                            .default_port = o->port,
                            .cert_path = o->cert,
                            .key_path = o->key,
                            .key_pass = key_pass,
                            .allow_tls10 = o->tlsv1,
                            .threads = o->threads,
                            .session_timeout_ms = o->timeout_s * 1000u,
                            .max_sessions = o->limit,
                            .drain_timeout_ms = o->drain_s * 1000u,
                            .handle_signals = true,
                            .log = log_session,
                            .notice = log_notice,
                            .ready = log_ready,
                            .log_ctx = &ctx};
    memcpy(cfg.listen, o->listen, sizeof o->listen);
    cs_error err;
    int rc = cs_server_open(&cfg, &ctx.srv, &err);
    if (rc == CS_OK) {
        rc = cs_server_run(ctx.srv, &err);
        cs_server_close(ctx.srv);
    }
    return rc == CS_OK ? CS_OK : cli_fail(cli, rc, "%s", err.message);
}

void serve_print_help(const char *default_port, const char *reloaded)
{
    printf("  -p, --port PORT          port to listen on; default %s\n"
           "      --listen ADDR        address[:port] to listen on, IPv4 or [IPv6]\n"
           "                           (repeatable); default every address\n"
           "  -t, --timeout SECONDS    deadline on a whole session; default %u\n"
           "  -L, --limit N            connections at once (more are refused);\n"
           "                           0 or default %u\n"
           "      --threads N          event-loop threads; default one per core\n"
           "      --drain SECONDS      on SIGTERM, time left to sessions in flight;\n"
           "                           default the session timeout\n"
           "      --tlsv1              also offer TLS 1.0 (7900-series phones)\n" PASSPHRASE_HELP
           "                           (asked once, kept for SIGHUP; no terminal: an error)\n"
           "  SIGHUP reloads %s; one log line per session on stderr.\n",
           default_port, SERVE_DEFAULT_TIMEOUT_S, CS_SERVER_DEFAULT_MAX_SESSIONS, reloaded);
}

int serve_parse_option(serve_options *o, int opt, bool *handled, const cli_ctx *cli)
{
    *handled = true;
    switch (opt) {
    case SERVE_OPT_KEY:
        o->key = optarg;
        return CS_OK;
    case 'p':
        o->port = optarg;
        return serve_parse_unsigned(optarg, 0, 65535, "port", &(unsigned){0}, cli);
    case SERVE_OPT_LISTEN:
        if (o->listen_count == CS_SERVER_MAX_LISTEN)
            return cli_usage_error(cli, "at most %d --listen addresses", CS_SERVER_MAX_LISTEN);
        o->listen[o->listen_count++] = optarg;
        return CS_OK;
    case 't':
        return serve_parse_unsigned(optarg, 1, SERVE_MAX_TIMEOUT_S, "timeout", &o->timeout_s, cli);
    case 'L':
        return serve_parse_unsigned(optarg, 0, 1000000, "limit", &o->limit, cli);
    case SERVE_OPT_THREADS:
        return serve_parse_unsigned(optarg, 1, 64, "thread count", &o->threads, cli);
    case SERVE_OPT_DRAIN:
        return serve_parse_unsigned(optarg, 1, SERVE_MAX_TIMEOUT_S, "drain time", &o->drain_s, cli);
    case SERVE_OPT_TLSV1:
        o->tlsv1 = true;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    default:
        *handled = false;
        return CS_OK;
    }
}

int serve_parse_unsigned(const char *text, unsigned lo, unsigned hi, const char *what,
                         unsigned *out, const cli_ctx *cli)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < lo || v > hi)
        return cli_usage_error(cli, "invalid %s '%s': %u to %u", what, text, lo, hi);
    *out = (unsigned)v;
    return CS_OK;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool is_pem_name(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".pem") == 0;
}

int serve_expand_certs(const char *const *given, size_t given_count, const char **paths,
                       size_t *count, char **names, size_t *name_count, size_t max,
                       const cli_ctx *cli)
{
    *count = *name_count = 0;
    for (size_t i = 0; i < given_count && *count < max; i++) {
        if (!is_dir(given[i])) {
            paths[(*count)++] = given[i];
            continue;
        }
        /* An unreadable folder is an error: no certificate would accept any. */
        DIR *d = opendir(given[i]);
        if (d == NULL)
            return cli_fail(cli, CS_ERROR, "'%s': %s", given[i], strerror(errno));
        struct dirent *de;
        size_t before = *count;
        bool no_memory = false;
        while ((de = readdir(d)) != NULL && *count < max) {
            if (!is_pem_name(de->d_name))
                continue;
            char name[512];
            snprintf(name, sizeof name, "/%s", de->d_name);
            char *p = cs_path_append(given[i], name);
            if (p == NULL) {
                no_memory = true;
                break;
            }
            names[(*name_count)++] = p;
            paths[(*count)++] = p;
        }
        closedir(d);
        if (no_memory)
            return cli_fail(cli, CS_ERROR, "out of memory");
        /* Nor is a folder with no certificate in it, for the same reason. */
        if (*count == before)
            return cli_fail(cli, CS_ERROR, "'%s': no certificate (*.pem) in the folder", given[i]);
    }
    return CS_OK;
}
