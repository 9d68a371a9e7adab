/* Private to the crypto module (src/crypto/): the mbedTLS-backed types and
 * the helpers its files share. Nothing outside src/crypto/ includes this. */
#ifndef CISCOSEC_CRYPTO_INTERNAL_H
#define CISCOSEC_CRYPTO_INTERNAL_H

#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* 3.x: certificate fields we read */

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "ciscosec/crypto.h"

#ifndef MBEDTLS_PRIVATE
#define MBEDTLS_PRIVATE(member) member
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

#endif
