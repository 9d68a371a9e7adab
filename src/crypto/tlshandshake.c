/* SPDX-License-Identifier: MIT */
/* The TLS handshake of `verify tls` (tlshandshake.h): mbedTLS over a
 * socket the probe connected, taking any certificate, since the trust
 * list, not a CA, decides whether a phone would trust it. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/debug.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "ciscosec/tlshandshake.h"

struct cs_tls_handshake {
    mbedtls_net_context net;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    cs_tls_demand demand;
    bool client_cert; /* one is presented when asked */
    bool done;        /* the handshake succeeded */
};

/* mbedTLS has no call that tells a client whether the server sent a
 * CertificateRequest; its debug messages do, in 2.28 and 3.x, for TLS 1.2
 * ("got a certificate request" / "got no certificate request") and 1.3.
 * verify_tls.sh checks this against a server that asks and one that does
 * not, on both versions. */
#define DEBUG_LEVEL_OF_REQUEST 3

static void watch_debug(void *ctx, int level, const char *file, int line, const char *text)
{
    (void)level;
    (void)file;
    (void)line;
    cs_tls_demand *demand = ctx;
    if (strstr(text, "got a certificate request") != NULL)
        *demand = CS_TLS_DEMAND_ASKED;
    else if (strstr(text, "got no certificate request") != NULL ||
             (*demand == CS_TLS_DEMAND_UNKNOWN && strstr(text, "skip parse certificate request")))
        *demand = CS_TLS_DEMAND_NONE;
}

static int configure(cs_tls_handshake *h, const cs_tls_handshake_options *o, cs_error *err)
{
    mbedtls_ssl_config *conf = &h->conf;
    int rc = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* No CA: the caller judges the certificate against the trust list. */
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_rng(conf, crypto_rng, NULL);
    mbedtls_ssl_conf_read_timeout(conf, o->timeout_ms);
#if defined(MBEDTLS_DEBUG_C)
    mbedtls_ssl_conf_dbg(conf, watch_debug, &h->demand);
#endif
    if (o->client_cert != NULL && o->client_key != NULL) {
        /* mbedTLS takes them non-const but only reads them. */
        rc = mbedtls_ssl_conf_own_cert(conf, (mbedtls_x509_crt *)&o->client_cert->crt,
                                       (mbedtls_pk_context *)&o->client_key->pk);
        if (rc != 0)
            return crypto_fail(err, CS_ERROR, rc, "cannot use the client certificate");
    }
    if ((rc = mbedtls_ssl_setup(&h->ssl, conf)) != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* A NULL name sends no SNI, and says that no name is to be checked. */
    if ((rc = mbedtls_ssl_set_hostname(&h->ssl, o->servername)) != 0)
        return crypto_fail(err, CS_ERROR, rc, "invalid server name");
    return CS_OK;
}

int cs_tls_handshake_new(const cs_tls_handshake_options *opts, cs_tls_handshake **out,
                         cs_error *err)
{
    int rc = crypto_rng_ready(err); /* also sets up PSA, which TLS 1.3 needs */
    if (rc != CS_OK)
        return rc;
    cs_tls_handshake *h = calloc(1, sizeof *h);
    if (h == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_net_init(&h->net);
    mbedtls_ssl_config_init(&h->conf);
    mbedtls_ssl_init(&h->ssl);
    h->demand = CS_TLS_DEMAND_UNKNOWN;
    h->client_cert = opts->client_cert != NULL;
    if ((rc = configure(h, opts, err)) != CS_OK) {
        cs_tls_handshake_free(h);
        return rc;
    }
    *out = h;
    return CS_OK;
}

static int handshake(mbedtls_ssl_context *ssl, cs_error *err)
{
    int rc;
    while ((rc = mbedtls_ssl_handshake(ssl)) != 0) {
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
            return crypto_fail(err, CS_INVALID, rc, "TLS handshake failed");
    }
    return CS_OK;
}

/* In TLS 1.3 the client's handshake ends before the server has judged
 * the client's certificate, so a server that demands one and got none
 * only says so afterwards, with an alert. A short read catches it; a
 * server that waits for a request just lets the read time out. */
#define LATE_REFUSAL_WAIT_MS 500u

static int check_late_refusal(mbedtls_ssl_context *ssl, mbedtls_ssl_config *conf, cs_error *err)
{
    unsigned char byte;
    int rc;
    mbedtls_ssl_conf_read_timeout(conf, LATE_REFUSAL_WAIT_MS);
    do {
        rc = mbedtls_ssl_read(ssl, &byte, 1);
#ifdef MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET
    } while (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_RECEIVED_NEW_SESSION_TICKET);
#else
    } while (rc == MBEDTLS_ERR_SSL_WANT_READ);
#endif
    if (rc == MBEDTLS_ERR_SSL_TIMEOUT || rc > 0)
        return CS_OK;
    return crypto_fail(err, CS_INVALID, rc == 0 ? MBEDTLS_ERR_SSL_CONN_EOF : rc,
                       "the server ended the connection after the handshake");
}

int cs_tls_handshake_run(cs_tls_handshake *h, int fd, cs_error *err)
{
    h->net.fd = fd;
    /* crypto_send takes the descriptor, net's first member. */
    mbedtls_ssl_set_bio(&h->ssl, &h->net, crypto_send, NULL, mbedtls_net_recv_timeout);
#if defined(MBEDTLS_DEBUG_C)
    mbedtls_debug_set_threshold(DEBUG_LEVEL_OF_REQUEST); /* for watch_debug */
#endif
    int rc = handshake(&h->ssl, err);
#if defined(MBEDTLS_DEBUG_C)
    mbedtls_debug_set_threshold(0);
#endif
    if (rc == CS_OK && h->demand == CS_TLS_DEMAND_ASKED && !h->client_cert)
        rc = check_late_refusal(&h->ssl, &h->conf, err);
    h->done = rc == CS_OK;
    return rc;
}

cs_tls_demand cs_tls_handshake_demand(const cs_tls_handshake *h)
{
    return h->demand;
}

int cs_tls_handshake_peer(const cs_tls_handshake *h, const cs_tls_peer *out, cs_error *err)
{
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&h->ssl);
    if (peer == NULL || peer->raw.p == NULL)
        return cs_fail(err, CS_INVALID, "the server sent no certificate");
    cs_buf_append(out->cert, peer->raw.p, peer->raw.len);
    if (out->cert->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    *out->chain = calloc(1, sizeof **out->chain);
    if (*out->chain == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_x509_crt_init(&(*out->chain)->crt);
    for (const mbedtls_x509_crt *c = peer; c != NULL && c->raw.p != NULL; c = c->next) {
        int rc = mbedtls_x509_crt_parse_der(&(*out->chain)->crt, c->raw.p, c->raw.len);
        if (rc != 0)
            return crypto_fail(err, CS_ERROR, rc, "cannot keep the server's chain");
    }
    snprintf(out->version, out->version_size, "%s", mbedtls_ssl_get_version(&h->ssl));
    snprintf(out->ciphersuite, out->ciphersuite_size, "%s", mbedtls_ssl_get_ciphersuite(&h->ssl));
    return CS_OK;
}

void cs_tls_handshake_free(cs_tls_handshake *h)
{
    if (h == NULL)
        return;
    if (h->done)
        (void)mbedtls_ssl_close_notify(&h->ssl);
    mbedtls_ssl_free(&h->ssl);
    mbedtls_ssl_config_free(&h->conf);
    mbedtls_net_free(&h->net);
    free(h);
}
