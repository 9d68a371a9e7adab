/* SPDX-License-Identifier: MIT */
/* The TLS client of `verify tls` (tlsprobe.h): a TCP connection with a
 * time limit, then an mbedTLS handshake that takes any certificate, since
 * the trust list, not a CA, decides whether a phone would trust it. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <mbedtls/debug.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "ciscosec/tlsprobe.h"

/* --- the TCP connection ------------------------------------------------ */

static int set_blocking(int fd, bool blocking)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0)
        return -1;
    flags = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
    return fcntl(fd, F_SETFL, flags);
}

/* connect() with a time limit: non-blocking, then poll. Returns the
 * connected (blocking) socket, or -1 with errno set. */
static int connect_one(const struct addrinfo *ai, unsigned timeout_ms)
{
    int fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
    if (fd < 0)
        return -1;
    (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
    int rc = set_blocking(fd, false);
    if (rc == 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
        rc = -1;
        if (errno == EINPROGRESS) {
            struct pollfd p = {.fd = fd, .events = POLLOUT};
            int n = poll(&p, 1, timeout_ms > INT32_MAX ? -1 : (int)timeout_ms);
            int so_error = 0;
            socklen_t len = sizeof so_error;
            if (n == 0)
                errno = ETIMEDOUT;
            else if (n > 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0)
                errno = so_error;
            rc = n > 0 && so_error == 0 ? 0 : -1;
        }
    }
    if (rc == 0)
        rc = set_blocking(fd, true);
    if (rc != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int crypto_connect_tcp(const cs_tls_target *t, int *fd_out, char *address, size_t size,
                       cs_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res;
    int gai = getaddrinfo(t->host, t->port, &hints, &res);
    if (gai != 0)
        return cs_fail(err, CS_ERROR, "cannot resolve '%s' port '%s': %s", t->host, t->port,
                       gai_strerror(gai));
    int fd = -1, saved = 0;
    for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
        fd = connect_one(ai, t->timeout_ms);
        saved = errno;
        if (fd >= 0 && getnameinfo(ai->ai_addr, ai->ai_addrlen, address, (socklen_t)size, NULL, 0,
                                   NI_NUMERICHOST) != 0)
            snprintf(address, size, "%s", t->host);
    }
    freeaddrinfo(res);
    if (fd < 0)
        return cs_fail(err, CS_INVALID, "cannot connect to %s port %s: %s", t->host, t->port,
                       strerror(saved));
    *fd_out = fd;
    return CS_OK;
}

/* --- the handshake ----------------------------------------------------- */

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

static int configure(mbedtls_ssl_config *conf, const cs_tls_target *t, cs_tls_demand *demand,
                     cs_error *err)
{
    unsigned timeout_ms = t->timeout_ms;
    int rc = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* No CA: the caller judges the certificate against the trust list. */
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_rng(conf, crypto_rng, NULL);
    mbedtls_ssl_conf_read_timeout(conf, timeout_ms);
#if defined(MBEDTLS_DEBUG_C)
    mbedtls_ssl_conf_dbg(conf, watch_debug, demand);
#else
    (void)demand;
#endif
    if (t->client_cert != NULL && t->client_key != NULL) {
        /* mbedTLS takes them non-const but only reads them. */
        rc = mbedtls_ssl_conf_own_cert(conf, (mbedtls_x509_crt *)&t->client_cert->crt,
                                       (mbedtls_pk_context *)&t->client_key->pk);
        if (rc != 0)
            return crypto_fail(err, CS_ERROR, rc, "cannot use the client certificate");
    }
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

static int collect(const mbedtls_ssl_context *ssl, cs_tls_result *out, cs_error *err)
{
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(ssl);
    if (peer == NULL || peer->raw.p == NULL)
        return cs_fail(err, CS_INVALID, "the server sent no certificate");
    cs_buf_append(&out->peer_cert, peer->raw.p, peer->raw.len);
    if (out->peer_cert.failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    out->peer_chain = calloc(1, sizeof *out->peer_chain);
    if (out->peer_chain == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_x509_crt_init(&out->peer_chain->crt);
    for (const mbedtls_x509_crt *c = peer; c != NULL && c->raw.p != NULL; c = c->next) {
        int rc = mbedtls_x509_crt_parse_der(&out->peer_chain->crt, c->raw.p, c->raw.len);
        if (rc != 0)
            return crypto_fail(err, CS_ERROR, rc, "cannot keep the server's chain");
    }
    snprintf(out->version, sizeof out->version, "%s", mbedtls_ssl_get_version(ssl));
    snprintf(out->ciphersuite, sizeof out->ciphersuite, "%s", mbedtls_ssl_get_ciphersuite(ssl));
    return CS_OK;
}

int cs_tls_probe(const cs_tls_target *target, cs_tls_result *out, cs_error *err)
{
    *out = (cs_tls_result){.peer_cert = CS_BUF_INIT};
    int rc = crypto_rng_ready(err); /* also sets up PSA, which TLS 1.3 needs */
    if (rc != CS_OK)
        return rc;
    mbedtls_net_context net;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_net_init(&net);
    mbedtls_ssl_config_init(&conf);
    mbedtls_ssl_init(&ssl);

    cs_tls_demand demand = CS_TLS_DEMAND_UNKNOWN;
    rc = configure(&conf, target, &demand, err);
    if (rc == CS_OK && (rc = mbedtls_ssl_setup(&ssl, &conf)) != 0)
        rc = crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* A NULL name sends no SNI, and says that no name is to be checked. */
    if (rc == CS_OK && (rc = mbedtls_ssl_set_hostname(&ssl, target->servername)) != 0)
        rc = crypto_fail(err, CS_ERROR, rc, "invalid server name");
    if (rc == CS_OK)
        rc = crypto_connect_tcp(target, &net.fd, out->address, sizeof out->address, err);
    if (rc == CS_OK) {
        /* crypto_send takes the descriptor, net's first member. */
        mbedtls_ssl_set_bio(&ssl, &net, crypto_send, NULL, mbedtls_net_recv_timeout);
#if defined(MBEDTLS_DEBUG_C)
        mbedtls_debug_set_threshold(DEBUG_LEVEL_OF_REQUEST); /* for watch_debug */
#endif
        rc = handshake(&ssl, err);
#if defined(MBEDTLS_DEBUG_C)
        mbedtls_debug_set_threshold(0);
#endif
    }
    if (rc == CS_OK && demand == CS_TLS_DEMAND_ASKED && target->client_cert == NULL)
        rc = check_late_refusal(&ssl, &conf, err);
    if (rc == CS_OK) {
        rc = collect(&ssl, out, err);
        (void)mbedtls_ssl_close_notify(&ssl);
    }
    mbedtls_ssl_free(&ssl);
    mbedtls_ssl_config_free(&conf);
    mbedtls_net_free(&net);
    if (rc != CS_OK)
        cs_tls_result_release(out);
    out->client_cert_demand = demand;
    return rc;
}

void cs_tls_result_release(cs_tls_result *r)
{
    cs_buf_release(&r->peer_cert);
    cs_cert_free(r->peer_chain);
    r->peer_chain = NULL;
}
