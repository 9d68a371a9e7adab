/* SPDX-License-Identifier: MIT */
/* A TLS client that connects to a server the way a phone does and brings
 * back what the phone would judge: the server's certificate, the protocol
 * version and the cipher suite. The probe owns the connection and the
 * report; the handshake is crypto's (tlshandshake.h).
 *
 * The handshake accepts any server certificate: whether a phone trusts it
 * depends on its trust list, which the caller checks afterwards
 * (cs_phone_check_server in phone.h), not on a certificate authority. */
#ifndef CISCOSEC_TLSPROBE_H
#define CISCOSEC_TLSPROBE_H

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/tlshandshake.h"

#define CS_TLS_DEFAULT_TIMEOUT_MS 10000u

typedef struct cs_tls_target {
    const char *host;       /* a name, or an IPv4 or IPv6 address */
    const char *port;       /* "5061" */
    const char *servername; /* sent as SNI; NULL sends none */
    unsigned timeout_ms;    /* for the connection, and for each read */
    /* Presented when the server asks for a client certificate (NULL:
     * none); the key is its private half. */
    const cs_cert *client_cert;
    const cs_key *client_key;
} cs_tls_target;

typedef struct cs_tls_result {
    cs_buf peer_cert;                 /* the server's certificate, DER */
    char version[16];                 /* "TLSv1.2", "TLSv1.3" */
    char ciphersuite[96];             /* mbedTLS's name of the suite */
    char address[64];                 /* the address connected to, numeric */
    cs_cert *peer_chain;              /* every certificate the server sent, its order */
    cs_tls_demand client_cert_demand; /* set even when the handshake fails */
} cs_tls_result;

/* Connects and completes a handshake. CS_OK with *out filled in;
 * CS_INVALID when no TLS session came about (refused, timed out, the
 * handshake failed: a phone would fail too), with the reason in err and
 * only out->client_cert_demand set;
 * CS_ERROR when the host name does not resolve or for local failures. */
int cs_tls_probe(const cs_tls_target *target, cs_tls_result *out, cs_error *err);
void cs_tls_result_release(cs_tls_result *r);

#endif
