/* Private to the crypto module (src/crypto/): the mbedTLS-backed types and
 * the helpers its files share. Nothing outside src/crypto/ includes this. */
#ifndef CISCOSEC_CRYPTO_INTERNAL_H
#define CISCOSEC_CRYPTO_INTERNAL_H

#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* 3.x: certificate fields we read */

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "ciscosec/crypto.h"
#include "ciscosec/tlsprobe.h"

#ifndef MBEDTLS_PRIVATE
#define MBEDTLS_PRIVATE(member) member
/* TLS plumbing shared by the probe (tls.c), the services' sessions
 * (tlsserver.c) and their client (tlsclient.c). */
/* A TCP connection with the target's time limit; address receives the
 * numeric address connected to. The socket is left blocking. */
int crypto_connect_tcp(const cs_tls_target *t, int *fd_out, char *address, size_t size,
                       cs_error *err);
/* mbedTLS bio callbacks on the int descriptor ctx points to: send with
 * MSG_NOSIGNAL (a closed peer is an error, not SIGPIPE) and recv, with
 * EAGAIN as WANT_WRITE/WANT_READ. */
int crypto_send(void *ctx, const unsigned char *buf, size_t len);
int crypto_recv(void *ctx, unsigned char *buf, size_t len);
/* The protocol versions: TLS 1.2, or 1.0 to 1.2 with allow_tls10. */
void crypto_tls_versions(mbedtls_ssl_config *conf, bool allow_tls10);
/* CS_ERROR saying so when TLS 1.0 is asked for and this build lacks it. */
int crypto_check_tls10(bool allow_tls10, cs_error *err);

#endif

struct cs_cert {
    mbedtls_x509_crt crt;
};

struct cs_key {
    mbedtls_pk_context pk;
};

struct cs_hash {
    mbedtls_md_context_t ctx;
    cs_md md;
};

/* Initialises what mbedTLS needs once per process (PSA in 3.x). Every
 * entry point that parses or uses keys calls it first. */
void crypto_setup(void);

/* The calling thread's CTR_DRBG, seeded on first use; for mbedTLS
 * functions that take f_rng/p_rng (pass NULL as p_rng). */
int crypto_rng_ready(cs_error *err);
int crypto_rng(void *ctx, unsigned char *out, size_t len);

mbedtls_md_type_t crypto_md_type(cs_md md);

/* cs_fail with mbedTLS's description of mbed_rc appended. */
int crypto_fail(cs_error *err, int status, int mbed_rc, const char *what);

/* TLS plumbing shared by the probe (tls.c), the services' sessions
 * (tlsserver.c) and their client (tlsclient.c). */
/* A TCP connection with the target's time limit; address receives the
 * numeric address connected to. The socket is left blocking. */
int crypto_connect_tcp(const cs_tls_target *t, int *fd_out, char *address, size_t size,
                       cs_error *err);
/* mbedTLS bio callbacks on the int descriptor ctx points to: send with
 * MSG_NOSIGNAL (a closed peer is an error, not SIGPIPE) and recv, with
 * EAGAIN as WANT_WRITE/WANT_READ. */
int crypto_send(void *ctx, const unsigned char *buf, size_t len);
int crypto_recv(void *ctx, unsigned char *buf, size_t len);
/* The protocol versions: TLS 1.2, or 1.0 to 1.2 with allow_tls10. */
void crypto_tls_versions(mbedtls_ssl_config *conf, bool allow_tls10);
/* CS_ERROR saying so when TLS 1.0 is asked for and this build lacks it. */
int crypto_check_tls10(bool allow_tls10, cs_error *err);

#endif
