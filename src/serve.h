/* SPDX-License-Identifier: MIT */
/* What the service commands (capf, tvs) share in the front end: serving
 * on the engine with one log line per session on stderr, their numeric
 * options, and lists of trusted server certificates given as files or
 * folders. */
#ifndef CISCOSEC_SERVE_H
#define CISCOSEC_SERVE_H

#include <stdbool.h>
#include <stddef.h>

#include "ciscosec/server.h"
#include "cli.h"
#include "passphrase.h"

#define SERVE_DEFAULT_TIMEOUT_S 10u
#define SERVE_MAX_TIMEOUT_S 3600u

/* getopt values of the engine's long-only options (above any letter). */
enum { SERVE_OPT_LISTEN = 256, SERVE_OPT_THREADS, SERVE_OPT_TLSV1, SERVE_OPT_KEY, SERVE_OPT_DRAIN };

/* The engine's options, the same for every service. The certificate's
 * option letter is the command's (-A for CAPF, -T for TVS). */
typedef struct serve_options {
    const char *cert, *key, *port;
    const char *listen[CS_SERVER_MAX_LISTEN];
    size_t listen_count;
    unsigned timeout_s, limit, threads, drain_s;
    bool tlsv1;
    passphrase_opts pass; /* of the server's encrypted keys */
} serve_options;

/* Prints the help lines of the engine's options (port's default given),
 * and what SIGHUP reloads ("the TLS certificate"). */
void serve_print_help(const char *default_port, const char *reloaded);

/* One of the engine's options: -p/--port, --listen, -t/--timeout,
 * -L/--limit, --threads, --drain, --tlsv1, --key, --passphrase-file,
 * --passphrase-env. Sets *handled when opt
 * is one of them; returns CS_OK or a usage error. */
int serve_parse_option(serve_options *o, int opt, bool *handled, const cli_ctx *cli);

/* Serves the protocol as o says (the log, notice and ready callbacks set
 * here: "PROG: PEER DEVICE OPERATION: RESULT (N ms)" per session) until
 * SIGTERM/SIGINT, then closes. Returns the exit status, the error
 * reported. */
int serve_run(const cli_ctx *cli, const serve_options *o, const cs_protocol *protocol,
              const cs_passphrase *key_pass);

/* A number from lo to hi, or a usage error naming `what`. */
int serve_parse_unsigned(const char *text, unsigned lo, unsigned hi, const char *what,
                         unsigned *out, const cli_ctx *cli);

/* The certificates in `given` (files, or folders whose *.pem files all
 * count), at most `max`, into paths; the names made for folders' files go
 * to names too, for the caller to free (also on error). A folder that
 * cannot be read is reported: CS_ERROR. */
int serve_expand_certs(const char *const *given, size_t given_count, const char **paths,
                       size_t *count, char **names, size_t *name_count, size_t max,
                       const cli_ctx *cli);

#endif
