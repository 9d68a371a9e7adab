/* SPDX-License-Identifier: MIT */
/* Host and port as users write them on command lines. */
#ifndef CISCOSEC_HOSTPORT_H
#define CISCOSEC_HOSTPORT_H

#include <stddef.h>

#include "ciscosec/error.h"

/* Splits "HOST", "HOST:PORT", "[V6]", "[V6]:PORT" or a bare IPv6 address
 * (two colons or more: no port); no port gives default_port. An empty
 * HOST is left to the caller (--listen takes it as every address). */
int cs_split_host_port(const char *spec, const char *default_port, char *host, size_t host_size,
                       char *port, size_t port_size, cs_error *err);

#endif
