/* What the service commands (capf, tvs) share in the front end: serving
 * on the engine with one log line per session on stderr, their numeric
 * options, and lists of trusted server certificates given as files or
 * folders. */
#ifndef CISCOSEC_SERVE_H
#define CISCOSEC_SERVE_H

#include <stddef.h>

#include "ciscosec/server.h"
#include "cli.h"

/* Opens the server with cfg (its log, notice and ready callbacks set here:
 * "PROG: PEER DEVICE OPERATION: RESULT (N ms)" per session), serves until
 * SIGTERM/SIGINT, and closes it. `listeners` is the number of listening
 * sockets cfg asks for. Returns the exit status, the error reported. */
int serve_run(const cli_ctx *cli, cs_server_config *cfg, size_t listeners);

/* A number from lo to hi, or a usage error naming `what`. */
int serve_parse_unsigned(const char *text, unsigned lo, unsigned hi, const char *what,
                         unsigned *out, const cli_ctx *cli);

/* The certificates in `given` (files, or folders whose *.pem files all
 * count), at most `max`, into paths; the names made for folders' files go
 * to names too, for the caller to free. */
void serve_expand_certs(const char *const *given, size_t given_count, const char **paths,
                        size_t *count, char **names, size_t *name_count, size_t max);

#endif
