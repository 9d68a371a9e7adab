/* A TLS client that connects to a server the way a phone does (probes
 * layer): a TCP connection with a time limit, then the handshake of tls.h,
 * which accepts any certificate since the trust list, not a CA, decides
 * whether a phone would trust it. */
#ifndef CISCOSEC_TLSPROBE_H
#define CISCOSEC_TLSPROBE_H

#include "ciscosec/error.h"
#include "ciscosec/tls.h"

#define CS_TLS_DEFAULT_TIMEOUT_MS 10000u

typedef struct cs_tls_target {
    const char *host;       /* a name, or an IPv4 or IPv6 address */
    const char *port;       /* "5061" */
    const char *servername; /* sent as SNI; NULL sends none */
    unsigned timeout_ms;    /* for the connection, and for each read */
} cs_tls_target;

/* Connects and completes a handshake. CS_OK with *out filled in;
 * CS_INVALID when no TLS session came about (refused, timed out, the
 * handshake failed: a phone would fail too), with the reason in err;
 * CS_ERROR when the host name does not resolve or for local failures.
 * Release *out with cs_tls_result_release. */
int cs_tls_probe(const cs_tls_target *target, cs_tls_result *out, cs_error *err);

#endif
