/* SPDX-License-Identifier: MIT */
/* The phone's side of CAPF and TVS (tlsserver.h): a TLS client with one
 * deadline for the whole conversation, that sends each message as one
 * record. */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ciscosec/tcp.h"
#include "ciscosec/tlsserver.h"

struct cs_tls_client {
    int fd;
    struct timespec deadline;
    bool expired;
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
    mbedtls_x509_crt trusted;
};

static int remaining_ms(struct cs_tls_client *c)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long long ms = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
                   (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
    return ms <= 0 ? 0 : ms > INT32_MAX ? INT32_MAX : (int)ms;
}

/* Waits for the socket within the deadline; false when time ran out. */
static bool wait_for(struct cs_tls_client *c, short events)
{
    struct pollfd p = {.fd = c->fd, .events = events};
    int n;
    do
        n = poll(&p, 1, remaining_ms(c));
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        c->expired = true;
    return n > 0;
}

static int client_send(void *ctx, const unsigned char *buf, size_t len)
{
    struct cs_tls_client *c = ctx;
    int rc;
    while ((rc = crypto_send(&c->fd, buf, len)) == MBEDTLS_ERR_SSL_WANT_WRITE)
        if (!wait_for(c, POLLOUT))
            return MBEDTLS_ERR_SSL_TIMEOUT;
    return rc;
}

static int client_recv(void *ctx, unsigned char *buf, size_t len)
{
    struct cs_tls_client *c = ctx;
    int rc;
    while ((rc = crypto_recv(&c->fd, buf, len)) == MBEDTLS_ERR_SSL_WANT_READ)
        if (!wait_for(c, POLLIN))
            return MBEDTLS_ERR_SSL_TIMEOUT;
    return rc;
}

static int client_fail(struct cs_tls_client *c, cs_error *err, int rc, const char *what)
{
    if (c->expired)
        return cs_fail(err, CS_INVALID, "%s: timed out", what);
    if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_NET_CONN_RESET)
        return cs_fail(err, CS_INVALID, "%s: the server closed the connection", what);
    return crypto_fail(err, CS_INVALID, rc, what);
}

static int load_trusted(struct cs_tls_client *c, const cs_tls_client_options *o, cs_error *err)
{
    for (size_t i = 0; i < o->trusted_count; i++) {
        int rc = mbedtls_x509_crt_parse_file(&c->trusted, o->trusted_paths[i]);
        if (rc < 0) {
            crypto_fail(err, CS_ERROR, rc, "cannot read the certificate");
            cs_error_prefix(err, "'%s'", o->trusted_paths[i]);
            return CS_ERROR;
        }
    }
    return CS_OK;
}

static int configure_client(struct cs_tls_client *c, const cs_tls_client_options *o, cs_error *err)
{
    int rc = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
                                         MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    mbedtls_ssl_conf_rng(&c->conf, crypto_rng, NULL);
    crypto_tls_versions(&c->conf, o->allow_tls10);
    crypto_tls_curves(&c->conf);
    if (o->trusted_count > 0) {
        if ((rc = load_trusted(c, o, err)) != CS_OK)
            return rc;
        /* As a phone does: the server's certificate is trusted (or its
         * issuer is); the name in it is not checked. */
        mbedtls_ssl_conf_ca_chain(&c->conf, &c->trusted, NULL);
        mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
    } else {
        mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
    }
    if ((rc = mbedtls_ssl_setup(&c->ssl, &c->conf)) != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* No name to check, said explicitly (3.6 refuses to verify otherwise). */
    if ((rc = mbedtls_ssl_set_hostname(&c->ssl, NULL)) != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    mbedtls_ssl_set_bio(&c->ssl, c, client_send, client_recv, NULL);
    return CS_OK;
}

static int start(struct cs_tls_client *c, const cs_tls_client_options *o, cs_error *err)
{
    int rc = crypto_check_tls10(o->allow_tls10, err);
    if (rc == CS_OK)
        rc = crypto_rng_ready(err);
    if (rc == CS_OK)
        rc = configure_client(c, o, err);
    if (rc != CS_OK)
        return rc;
    char address[64];
    if ((rc = cs_tcp_connect(o->host, o->port, o->timeout_ms, &c->fd, address, sizeof address,
                             err)) != CS_OK)
        return rc;
    (void)fcntl(c->fd, F_SETFL, fcntl(c->fd, F_GETFL) | O_NONBLOCK);
    int one = 1;
    (void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    while ((rc = mbedtls_ssl_handshake(&c->ssl)) != 0) {
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
            return client_fail(c, err, rc, "TLS handshake failed");
    }
    return CS_OK;
}

int cs_tls_client_connect(const cs_tls_client_options *o, cs_tls_client **out, cs_error *err)
{
    struct cs_tls_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    c->fd = -1;
    clock_gettime(CLOCK_MONOTONIC, &c->deadline);
    c->deadline.tv_sec += (time_t)(o->timeout_ms / 1000);
    c->deadline.tv_nsec += (long)(o->timeout_ms % 1000) * 1000000;
    if (c->deadline.tv_nsec >= 1000000000) {
        c->deadline.tv_sec++;
        c->deadline.tv_nsec -= 1000000000;
    }
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_ssl_init(&c->ssl);
    mbedtls_x509_crt_init(&c->trusted);
    int rc = start(c, o, err);
    if (rc != CS_OK) {
        cs_tls_client_close(c);
        return rc;
    }
    *out = c;
    return CS_OK;
}

int cs_tls_client_write(cs_tls_client *c, const void *data, size_t len, cs_error *err)
{
    if (len > CS_TLS_MAX_RECORD)
        return cs_fail(err, CS_ERROR, "a message of %zu bytes does not fit a record", len);
    int rc;
    while ((rc = mbedtls_ssl_write(&c->ssl, data, len)) < 0) {
        if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
            return client_fail(c, err, rc, "cannot send");
    }
    return CS_OK;
}

int cs_tls_client_read(cs_tls_client *c, void *buf, size_t len, cs_error *err)
{
    unsigned char *p = buf;
    while (len > 0) {
        int rc = mbedtls_ssl_read(&c->ssl, p, len);
        if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
            continue;
        if (rc <= 0)
            return client_fail(c, err, rc, "cannot receive");
        p += rc;
        len -= (size_t)rc;
    }
    return CS_OK;
}

const unsigned char *cs_tls_client_peer_cert(const cs_tls_client *c, size_t *len)
{
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&c->ssl);
    *len = peer != NULL ? peer->raw.len : 0;
    return peer != NULL ? peer->raw.p : NULL;
}

void cs_tls_client_close(cs_tls_client *c)
{
    if (c == NULL)
        return;
    if (c->fd >= 0 && !c->expired)
        (void)mbedtls_ssl_close_notify(&c->ssl);
    mbedtls_ssl_free(&c->ssl);
    mbedtls_ssl_config_free(&c->conf);
    mbedtls_x509_crt_free(&c->trusted);
    if (c->fd >= 0)
        close(c->fd);
    free(c);
}
