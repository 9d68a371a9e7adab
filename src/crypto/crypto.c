/* SPDX-License-Identifier: MIT */
/* The crypto module: everything that touches mbedTLS. This file: its
 * set-up, randomness, digests and what certs.c (certificates) and keys.c
 * (private keys) share.
 *
 * The API differences between mbedTLS 2.28 and 3.x live in src/crypto/ and
 * nowhere else: 3.x hides struct members behind MBEDTLS_PRIVATE(), adds
 * RNG arguments to key parsing and pair checking, and a buffer size to
 * mbedtls_pk_sign. */
#include "internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "ciscosec/fileio.h"

/* --- library set-up ---------------------------------------------------- */

static pthread_once_t psa_once = PTHREAD_ONCE_INIT;

static void psa_setup(void)
{
#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
    /* 3.x routes some operations through PSA, which must be initialised
     * before any key is parsed or used. */
    (void)psa_crypto_init();
#endif
}

void crypto_setup(void)
{
    pthread_once(&psa_once, psa_setup);
}

const char *cs_crypto_version(void)
{
    return "mbedTLS " MBEDTLS_VERSION_STRING;
}

int crypto_fail(cs_error *err, int status, int mbed_rc, const char *what)
{
    char detail[160];
    mbedtls_strerror(mbed_rc, detail, sizeof detail);
    return cs_fail(err, status, "%s (%s)", what, detail);
}

/* --- randomness -------------------------------------------------------- */

/* One generator per thread: CTR_DRBG contexts must not be shared without a
 * lock, and batch signing runs on many threads. */
static _Thread_local struct {
    int ready;
    mbedtls_entropy_context entropy;
    mbedtls_ctr_drbg_context drbg;
} thread_rng;

int crypto_rng_ready(cs_error *err)
{
    if (thread_rng.ready)
        return CS_OK;
    crypto_setup();
    mbedtls_entropy_init(&thread_rng.entropy);
    mbedtls_ctr_drbg_init(&thread_rng.drbg);
    static const unsigned char personal[] = "ciscosec";
    int rc = mbedtls_ctr_drbg_seed(&thread_rng.drbg, mbedtls_entropy_func, &thread_rng.entropy,
                                   personal, sizeof personal - 1);
    if (rc != 0) {
        mbedtls_ctr_drbg_free(&thread_rng.drbg);
        mbedtls_entropy_free(&thread_rng.entropy);
        return crypto_fail(err, CS_ERROR, rc, "cannot seed the random number generator");
    }
    thread_rng.ready = 1;
    return CS_OK;
}

int crypto_rng(void *ctx, unsigned char *out, size_t len)
{
    (void)ctx;
    if (crypto_rng_ready(NULL) != CS_OK)
        return MBEDTLS_ERR_CTR_DRBG_ENTROPY_SOURCE_FAILED;
    return mbedtls_ctr_drbg_random(&thread_rng.drbg, out, len);
}

int cs_random(void *out, size_t len, cs_error *err)
{
    int rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    unsigned char *p = out;
    while (len > 0) {
        size_t n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len : MBEDTLS_CTR_DRBG_MAX_REQUEST;
        int mrc = mbedtls_ctr_drbg_random(&thread_rng.drbg, p, n);
        if (mrc != 0)
            return crypto_fail(err, CS_ERROR, mrc, "cannot generate random bytes");
        p += n;
        len -= n;
    }
    return CS_OK;
}

/* --- digests ----------------------------------------------------------- */

mbedtls_md_type_t crypto_md_type(cs_md md)
{
    switch (md) {
    case CS_MD_MD5:
        return MBEDTLS_MD_MD5;
    case CS_MD_SHA1:
        return MBEDTLS_MD_SHA1;
    case CS_MD_SHA256:
        return MBEDTLS_MD_SHA256;
    case CS_MD_SHA384:
        return MBEDTLS_MD_SHA384;
    case CS_MD_SHA512:
        return MBEDTLS_MD_SHA512;
    }
    return MBEDTLS_MD_NONE;
}

size_t cs_md_size(cs_md md)
{
    static const size_t sizes[] = {[CS_MD_MD5] = 16,
                                   [CS_MD_SHA1] = 20,
                                   [CS_MD_SHA256] = 32,
                                   [CS_MD_SHA384] = 48,
                                   [CS_MD_SHA512] = 64};
    return sizes[md];
}

const char *cs_md_name(cs_md md)
{
    static const char *const names[] = {[CS_MD_MD5] = "MD5",
                                        [CS_MD_SHA1] = "SHA1",
                                        [CS_MD_SHA256] = "SHA256",
                                        [CS_MD_SHA384] = "SHA384",
                                        [CS_MD_SHA512] = "SHA512"};
    return names[md];
}

int cs_hash_new(cs_hash **out, cs_md md, cs_error *err)
{
    crypto_setup();
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(crypto_md_type(md));
    if (info == NULL)
        return cs_fail(err, CS_ERROR, "%s is not available in this mbedTLS", cs_md_name(md));
    cs_hash *h = calloc(1, sizeof *h);
    if (h == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_md_init(&h->ctx);
    h->md = md;
    int rc = mbedtls_md_setup(&h->ctx, info, 0);
    if (rc == 0)
        rc = mbedtls_md_starts(&h->ctx);
    if (rc != 0) {
        cs_hash_free(h);
        return crypto_fail(err, CS_ERROR, rc, "cannot start a digest");
    }
    *out = h;
    return CS_OK;
}

void cs_hash_update(cs_hash *h, const void *data, size_t len)
{
    if (len > 0)
        (void)mbedtls_md_update(&h->ctx, data, len);
}

void cs_hash_finish(cs_hash *h, uint8_t *out)
{
    (void)mbedtls_md_finish(&h->ctx, out);
}

void cs_hash_free(cs_hash *h)
{
    if (h == NULL)
        return;
    mbedtls_md_free(&h->ctx);
    free(h);
}

int cs_digest(cs_md md, const void *data, size_t len, uint8_t *out, cs_error *err)
{
    cs_hash *h;
    int rc = cs_hash_new(&h, md, err);
    if (rc != CS_OK)
        return rc;
    cs_hash_update(h, data, len);
    cs_hash_finish(h, out);
    cs_hash_free(h);
    return CS_OK;
}

/* --- PEM files and key types, for certs.c and keys.c ---------------------- */

/* mbedTLS takes PEM only with the terminating NUL counted in the length. */
size_t crypto_pem_len(const cs_buf *buf)
{
    return buf->len + 1;
}

/* Every certificate or key file is read into a secret buffer, wiped when
 * it is released: a PEM file may hold a private key beside the
 * certificate. */
int crypto_read_pem_file(const char *path, cs_buf *buf, cs_error *err)
{
    buf->secret = true;
    int rc = cs_read_file(path, CS_PEM_MAX_FILE_SIZE, buf, err);
    if (rc == CS_OK)
        (void)cs_buf_str(buf); /* NUL after the bytes */
    if (buf->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return rc;
}

/* PEM text as mbedTLS wants it: NUL-terminated, the NUL counted. */
bool crypto_is_pem(const uint8_t *data, size_t len)
{
    return len > 0 && data[len - 1] == '\0' && strstr((const char *)data, "-----BEGIN") != NULL;
}

cs_key_type crypto_pk_key_type(const mbedtls_pk_context *pk)
{
    switch (mbedtls_pk_get_type(pk)) {
    case MBEDTLS_PK_RSA:
        return CS_KEY_RSA;
    case MBEDTLS_PK_ECKEY:
    case MBEDTLS_PK_ECKEY_DH:
    case MBEDTLS_PK_ECDSA:
        return CS_KEY_EC;
    default:
        return CS_KEY_OTHER;
    }
}
