/* TLS client sessions (tls.h): an mbedTLS handshake over a socket the
 * caller connected, that takes any certificate, since the trust list, not
 * a CA, decides whether a phone would trust it. */
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "ciscosec/tls.h"

/* mbedtls_net_send writes with write(), which raises SIGPIPE when the
 * server has gone; send() with MSG_NOSIGNAL reports it as an error. */
static int send_nosignal(void *ctx, const unsigned char *buf, size_t len)
{
    int fd = ((mbedtls_net_context *)ctx)->fd;
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0)
        return (int)n;
    if (errno == EINTR || errno == EAGAIN)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    if (errno == EPIPE || errno == ECONNRESET)
        return MBEDTLS_ERR_NET_CONN_RESET;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

/* --- the handshake ----------------------------------------------------- */

static int configure(mbedtls_ssl_config *conf, unsigned timeout_ms, cs_error *err)
{
    int rc = mbedtls_ssl_config_defaults(conf, MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
                                         MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* No CA: the caller judges the certificate against the trust list. */
    mbedtls_ssl_conf_authmode(conf, MBEDTLS_SSL_VERIFY_NONE);
    mbedtls_ssl_conf_rng(conf, crypto_rng, NULL);
    mbedtls_ssl_conf_read_timeout(conf, timeout_ms);
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

static int collect(const mbedtls_ssl_context *ssl, cs_tls_result *out, cs_error *err)
{
    const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(ssl);
    if (peer == NULL || peer->raw.p == NULL)
        return cs_fail(err, CS_INVALID, "the server sent no certificate");
    cs_buf_append(&out->peer_cert, peer->raw.p, peer->raw.len);
    if (out->peer_cert.failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    snprintf(out->version, sizeof out->version, "%s", mbedtls_ssl_get_version(ssl));
    snprintf(out->ciphersuite, sizeof out->ciphersuite, "%s", mbedtls_ssl_get_ciphersuite(ssl));
    return CS_OK;
}

struct cs_tls_client {
    mbedtls_ssl_config conf;
    mbedtls_ssl_context ssl;
};

int cs_tls_client_new(cs_tls_client **out, const char *servername, unsigned timeout_ms,
                      cs_error *err)
{
    *out = NULL;
    int rc = crypto_rng_ready(err); /* also sets up PSA, which TLS 1.3 needs */
    if (rc != CS_OK)
        return rc;
    cs_tls_client *c = calloc(1, sizeof *c);
    if (c == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_ssl_config_init(&c->conf);
    mbedtls_ssl_init(&c->ssl);
    rc = configure(&c->conf, timeout_ms, err);
    if (rc == CS_OK && (rc = mbedtls_ssl_setup(&c->ssl, &c->conf)) != 0)
        rc = crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    /* A NULL name sends no SNI, and says that no name is to be checked. */
    if (rc == CS_OK && (rc = mbedtls_ssl_set_hostname(&c->ssl, servername)) != 0)
        rc = crypto_fail(err, CS_ERROR, rc, "invalid server name");
    if (rc != CS_OK) {
        cs_tls_client_free(c);
        return rc;
    }
    *out = c;
    return CS_OK;
}

int cs_tls_client_handshake(cs_tls_client *client, int fd, cs_tls_result *out, cs_error *err)
{
    /* Not freed with mbedtls_net_free, which would close the caller's fd. */
    mbedtls_net_context net;
    mbedtls_net_init(&net);
    net.fd = fd;
    mbedtls_ssl_set_bio(&client->ssl, &net, send_nosignal, NULL, mbedtls_net_recv_timeout);
    int rc = handshake(&client->ssl, err);
    if (rc == CS_OK) {
        rc = collect(&client->ssl, out, err);
        (void)mbedtls_ssl_close_notify(&client->ssl);
    }
    /* The session must not keep a pointer to this stack frame. */
    mbedtls_ssl_set_bio(&client->ssl, NULL, NULL, NULL, NULL);
    return rc;
}

void cs_tls_client_free(cs_tls_client *client)
{
    if (client == NULL)
        return;
    mbedtls_ssl_free(&client->ssl);
    mbedtls_ssl_config_free(&client->conf);
    free(client);
}

void cs_tls_result_release(cs_tls_result *r)
{
    cs_buf_release(&r->peer_cert);
}
