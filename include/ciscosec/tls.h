/* TLS sessions (crypto layer): a client handshake over a socket someone
 * else connected, bringing back what a phone would judge: the server's
 * certificate, the protocol version and the cipher suite.
 *
 * The handshake accepts any server certificate: whether a phone trusts it
 * depends on its trust list, which the caller checks afterwards
 * (cs_phone_check_server in phone.h), not on a certificate authority. */
#ifndef CISCOSEC_TLS_H
#define CISCOSEC_TLS_H

#include "ciscosec/buf.h"
#include "ciscosec/error.h"

typedef struct cs_tls_result {
    cs_buf peer_cert;     /* the server's certificate, DER */
    char version[16];     /* "TLSv1.2", "TLSv1.3" */
    char ciphersuite[96]; /* mbedTLS's name of the suite */
    char address[64];     /* the address connected to, numeric (the caller's) */
} cs_tls_result;

typedef struct cs_tls_client cs_tls_client;

/* Sets up a client that sends servername as SNI (NULL sends none) and
 * waits at most timeout_ms for each read. CS_ERROR when it cannot. */
int cs_tls_client_new(cs_tls_client **out, const char *servername, unsigned timeout_ms,
                      cs_error *err);
/* Completes a handshake over fd, a connected stream socket that stays the
 * caller's to close, and fills in out's certificate, version and suite.
 * CS_INVALID when no TLS session came about (a phone would fail too). */
int cs_tls_client_handshake(cs_tls_client *client, int fd, cs_tls_result *out, cs_error *err);
void cs_tls_client_free(cs_tls_client *client);

void cs_tls_result_release(cs_tls_result *r);

#endif
