/* SPDX-License-Identifier: MIT */
/* The TLS side of the `verify tls` probe (tlsprobe.h, in probes): an
 * mbedTLS client handshake over a socket the probe connected, that takes
 * any server certificate (the trust list, not a CA, decides whether a
 * phone would trust it) and watches whether the server asks for a client
 * certificate. */
#ifndef CISCOSEC_TLSHANDSHAKE_H
#define CISCOSEC_TLSHANDSHAKE_H

#include <stddef.h>

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"

/* Whether the server asked for a client certificate. */
typedef enum cs_tls_demand {
    CS_TLS_DEMAND_UNKNOWN, /* mbedTLS built without debug messages, or no
                              handshake got that far */
    CS_TLS_DEMAND_NONE,
    CS_TLS_DEMAND_ASKED
} cs_tls_demand;

typedef struct cs_tls_handshake_options {
    const char *servername; /* sent as SNI; NULL sends none */
    unsigned timeout_ms;    /* for each read */
    /* Presented when the server asks (NULL: none); the key is its
     * private half. */
    const cs_cert *client_cert;
    const cs_key *client_key;
} cs_tls_handshake_options;

typedef struct cs_tls_handshake cs_tls_handshake;

/* Sets up the client. CS_ERROR for local failures. */
int cs_tls_handshake_new(const cs_tls_handshake_options *opts, cs_tls_handshake **out,
                         cs_error *err);
/* Runs the handshake over fd, which it owns from then on (closed by
 * cs_tls_handshake_free). CS_INVALID when no TLS session came about, or
 * when a server that asked for a client certificate and got none refused
 * it right after the handshake. */
int cs_tls_handshake_run(cs_tls_handshake *h, int fd, cs_error *err);
/* Whether the server asked, as far as the handshake got. */
cs_tls_demand cs_tls_handshake_demand(const cs_tls_handshake *h);

/* What the server showed, after a handshake that succeeded. */
typedef struct cs_tls_peer {
    cs_buf *cert;    /* appended: the server's certificate, DER */
    cs_cert **chain; /* every certificate the server sent, its order */
    char *version;   /* "TLSv1.2", "TLSv1.3" */
    size_t version_size;
    char *ciphersuite; /* mbedTLS's name of the suite */
    size_t ciphersuite_size;
} cs_tls_peer;
int cs_tls_handshake_peer(const cs_tls_handshake *h, const cs_tls_peer *peer, cs_error *err);

/* Sends close_notify after a handshake that succeeded, frees, closes fd. */
void cs_tls_handshake_free(cs_tls_handshake *h);

#endif
