/* SPDX-License-Identifier: MIT */
/* A TCP connection with a time limit, shared by the TLS probe (probes)
 * and the CAPF/TVS client (crypto's tlsclient.c). */
#ifndef CISCOSEC_TCP_H
#define CISCOSEC_TCP_H

#include <stddef.h>

#include "ciscosec/error.h"

/* Connects to the first address of host and port that answers within
 * timeout_ms; address receives the numeric address connected to. The
 * socket is left blocking, close-on-exec. CS_ERROR when the name does not
 * resolve; CS_INVALID when no address accepts the connection. */
int cs_tcp_connect(const char *host, const char *port, unsigned timeout_ms, int *fd_out,
                   char *address, size_t size, cs_error *err);

#endif
