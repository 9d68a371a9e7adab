/* SPDX-License-Identifier: MIT */
/* Non-blocking server-side TLS sessions for the services (tlsserver.h).
 * The socket I/O is ours (recv/send with MSG_NOSIGNAL, EAGAIN becoming
 * WANT_READ/WANT_WRITE), so that an event loop can drive many sessions. */
#include "internal.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ciscosec/tlsserver.h"

struct cs_tls_creds {
    atomic_uint refs;
    mbedtls_x509_crt chain;
    cs_key *key;
    mbedtls_ssl_config conf;
};

struct cs_tls_session {
    cs_tls_creds *creds;
    mbedtls_ssl_context ssl;
    int fd;
    char error[200];
};

bool cs_tls_supports_tls10(void)
{
#if MBEDTLS_VERSION_MAJOR < 3 && defined(MBEDTLS_SSL_PROTO_TLS1)
    return true;
#else
    return false;
#endif
}

/* TLS 1.2 only, or from 1.0 up to 1.2 for the 7900 series. */
void crypto_tls_versions(mbedtls_ssl_config *conf, bool allow_tls10)
{
#if MBEDTLS_VERSION_MAJOR >= 3
    (void)allow_tls10; /* refused earlier: 3.x has no TLS 1.0 */
    mbedtls_ssl_conf_min_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
    mbedtls_ssl_conf_max_tls_version(conf, MBEDTLS_SSL_VERSION_TLS1_2);
#else
    int lowest = MBEDTLS_SSL_MINOR_VERSION_3;
#if defined(MBEDTLS_SSL_PROTO_TLS1)
    if (allow_tls10)
        lowest = MBEDTLS_SSL_MINOR_VERSION_1;
#endif
    mbedtls_ssl_conf_min_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, lowest);
    mbedtls_ssl_conf_max_version(conf, MBEDTLS_SSL_MAJOR_VERSION_3, MBEDTLS_SSL_MINOR_VERSION_3);
#endif
}

/* The key-exchange curves, fastest first. mbedTLS 2.28's default list
 * starts with secp521r1, and a client's order decides: an ECDHE on it
 * costs more than the server's RSA signature. */
void crypto_tls_curves(mbedtls_ssl_config *conf)
{
#if MBEDTLS_VERSION_MAJOR >= 3
    static const uint16_t groups[] = {
        MBEDTLS_SSL_IANA_TLS_GROUP_X25519, MBEDTLS_SSL_IANA_TLS_GROUP_SECP256R1,
        MBEDTLS_SSL_IANA_TLS_GROUP_SECP384R1, MBEDTLS_SSL_IANA_TLS_GROUP_SECP521R1,
        MBEDTLS_SSL_IANA_TLS_GROUP_NONE};
    mbedtls_ssl_conf_groups(conf, groups);
#else
    static const mbedtls_ecp_group_id curves[] = {
        MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1,
        MBEDTLS_ECP_DP_SECP521R1, MBEDTLS_ECP_DP_NONE};
    mbedtls_ssl_conf_curves(conf, curves);
#endif
}

int crypto_check_tls10(bool allow_tls10, cs_error *err)
{
    if (allow_tls10 && !cs_tls_supports_tls10())
        return cs_fail(err, CS_ERROR,
                       "TLS 1.0 is not available: this build uses %s, which cannot speak it "
                       "(mbedTLS 2.28 with TLS 1.0 enabled can)",
                       cs_crypto_version());
    return CS_OK;
}

static int load_chain(mbedtls_x509_crt *chain, const char *path, cs_error *err)
{
    int rc = mbedtls_x509_crt_parse_file(chain, path);
    if (rc < 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot read the certificate");
    if (chain->raw.p == NULL)
        return cs_fail(err, CS_ERROR, "no certificate in the file");
    return CS_OK;
}

static int configure_server(cs_tls_creds *c, bool allow_tls10, cs_error *err)
{
    int rc = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_SERVER,
                                         MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot set up TLS");
    mbedtls_ssl_conf_rng(&c->conf, crypto_rng, NULL);
    crypto_tls_versions(&c->conf, allow_tls10);
    crypto_tls_curves(&c->conf);
    /* Phones present no certificate to these services. */
    mbedtls_ssl_conf_authmode(&c->conf, MBEDTLS_SSL_VERIFY_NONE);
    rc = mbedtls_ssl_conf_own_cert(&c->conf, &c->chain, &c->key->pk);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot use the certificate");
    return CS_OK;
}

int cs_tls_creds_load(const cs_tls_server_options *opts, cs_tls_creds **out, cs_error *err)
{
    int rc = crypto_check_tls10(opts->allow_tls10, err);
    if (rc == CS_OK)
        rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    cs_tls_creds *c = calloc(1, sizeof *c);
    if (c == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    atomic_init(&c->refs, 1);
    mbedtls_x509_crt_init(&c->chain);
    mbedtls_ssl_config_init(&c->conf);
    const char *key_path = opts->key_path != NULL ? opts->key_path : opts->cert_path;
    rc = load_chain(&c->chain, opts->cert_path, err);
    if (rc != CS_OK) {
        cs_error_prefix(err, "'%s'", opts->cert_path);
    } else if ((rc = cs_key_load_file(key_path, opts->key_pass, &c->key, err)) != CS_OK) {
        cs_error_prefix(err, "'%s'", key_path);
    } else if (mbedtls_pk_check_pair(&c->chain.pk, &c->key->pk
#if MBEDTLS_VERSION_MAJOR >= 3
                                     ,
                                     crypto_rng, NULL
#endif
                                     ) != 0) {
        rc = cs_fail(err, CS_ERROR, "'%s': the key is not the certificate's", key_path);
    } else {
        rc = configure_server(c, opts->allow_tls10, err);
    }
    if (rc != CS_OK) {
        cs_tls_creds_release(c);
        return rc;
    }
    *out = c;
    return CS_OK;
}

void cs_tls_creds_release(cs_tls_creds *c)
{
    if (c == NULL || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    mbedtls_ssl_config_free(&c->conf);
    cs_key_free(c->key);
    mbedtls_x509_crt_free(&c->chain);
    free(c);
}

/* --- socket I/O for mbedTLS -------------------------------------------- */

int crypto_send(void *ctx, const unsigned char *buf, size_t len)
{
    int fd = *(const int *)ctx;
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n >= 0)
        return (int)n;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        return MBEDTLS_ERR_SSL_WANT_WRITE;
    if (errno == EPIPE || errno == ECONNRESET)
        return MBEDTLS_ERR_NET_CONN_RESET;
    return MBEDTLS_ERR_NET_SEND_FAILED;
}

int crypto_recv(void *ctx, unsigned char *buf, size_t len)
{
    int fd = *(const int *)ctx;
    ssize_t n = recv(fd, buf, len, 0);
    if (n >= 0)
        return (int)n;
    if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
        return MBEDTLS_ERR_SSL_WANT_READ;
    if (errno == ECONNRESET)
        return MBEDTLS_ERR_NET_CONN_RESET;
    return MBEDTLS_ERR_NET_RECV_FAILED;
}

/* --- sessions ---------------------------------------------------------- */

int cs_tls_session_new(cs_tls_creds *creds, int fd, cs_tls_session **out, cs_error *err)
{
    cs_tls_session *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_ssl_init(&s->ssl);
    s->fd = fd;
    int rc = mbedtls_ssl_setup(&s->ssl, &creds->conf);
    if (rc != 0) {
        mbedtls_ssl_free(&s->ssl);
        free(s);
        return crypto_fail(err, CS_ERROR, rc, "cannot set up a TLS session");
    }
    atomic_fetch_add(&creds->refs, 1);
    s->creds = creds;
    mbedtls_ssl_set_bio(&s->ssl, &s->fd, crypto_send, crypto_recv, NULL);
    *out = s;
    return CS_OK;
}

/* Maps mbedTLS's result to a cs_tls_io code, keeping the reason. */
static int io_result(cs_tls_session *s, int rc, const char *what)
{
    if (rc == MBEDTLS_ERR_SSL_WANT_READ)
        return CS_TLS_WANT_READ;
    if (rc == MBEDTLS_ERR_SSL_WANT_WRITE)
        return CS_TLS_WANT_WRITE;
    if (rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY || rc == MBEDTLS_ERR_NET_CONN_RESET ||
        rc == MBEDTLS_ERR_SSL_CONN_EOF) {
        snprintf(s->error, sizeof s->error, "%s: the peer closed the connection", what);
        return CS_TLS_CLOSED;
    }
    char detail[160];
    mbedtls_strerror(rc, detail, sizeof detail);
    snprintf(s->error, sizeof s->error, "%s (%s)", what, detail);
    return CS_TLS_FAILED;
}

int cs_tls_session_handshake(cs_tls_session *s)
{
    int rc = mbedtls_ssl_handshake(&s->ssl);
    return rc == 0 ? CS_TLS_DONE : io_result(s, rc, "TLS handshake failed");
}

ssize_t cs_tls_session_read(cs_tls_session *s, void *buf, size_t len)
{
    int rc = mbedtls_ssl_read(&s->ssl, buf, len);
    if (rc > 0)
        return rc;
    if (rc == 0) {
        snprintf(s->error, sizeof s->error, "the peer closed the connection");
        return CS_TLS_CLOSED;
    }
    return io_result(s, rc, "TLS read failed");
}

ssize_t cs_tls_session_write(cs_tls_session *s, const void *buf, size_t len)
{
    if (len > CS_TLS_MAX_RECORD) {
        snprintf(s->error, sizeof s->error, "a message of %zu bytes does not fit a record", len);
        return CS_TLS_FAILED;
    }
    int rc = mbedtls_ssl_write(&s->ssl, buf, len);
    return rc > 0 ? rc : io_result(s, rc, "TLS write failed");
}

int cs_tls_session_close_notify(cs_tls_session *s)
{
    int rc = mbedtls_ssl_close_notify(&s->ssl);
    return rc == 0 ? CS_TLS_DONE : io_result(s, rc, "TLS close failed");
}

const char *cs_tls_session_error(const cs_tls_session *s)
{
    return s->error;
}

void cs_tls_session_free(cs_tls_session *s)
{
    if (s == NULL)
        return;
    mbedtls_ssl_free(&s->ssl);
    cs_tls_creds_release(s->creds);
    free(s);
}
