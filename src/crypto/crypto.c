/* The crypto module: everything that touches mbedTLS.
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
#include "ciscosec/names.h"

/* PEM certificates and keys are small; refuse anything absurd early. */
#define MAX_PEM_FILE (1024 * 1024)

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

void cs_zeroize(void *p, size_t len)
{
    if (p != NULL && len > 0)
        mbedtls_platform_zeroize(p, len);
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

/* --- certificates ------------------------------------------------------ */

/* mbedTLS takes PEM only with the terminating NUL counted in the length. */
static size_t parse_len(const cs_buf *buf)
{
    return buf->len + 1;
}

static int read_pem_file(const char *path, cs_buf *buf, cs_error *err)
{
    int rc = cs_read_file(path, MAX_PEM_FILE, buf, err);
    if (rc == CS_OK)
        (void)cs_buf_str(buf); /* NUL after the bytes */
    if (buf->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return rc;
}

/* PEM text as mbedTLS wants it: NUL-terminated, the NUL counted. */
static bool is_pem(const uint8_t *data, size_t len)
{
    return len > 0 && data[len - 1] == '\0' && strstr((const char *)data, "-----BEGIN") != NULL;
}

int cs_cert_parse(const uint8_t *data, size_t len, cs_cert **out, cs_error *err)
{
    crypto_setup();
    bool pem = is_pem(data, len);
    if (pem && strstr((const char *)data, "-----BEGIN CERTIFICATE-----") == NULL)
        return cs_fail(err, CS_ERROR, "no certificate in the file");
    cs_cert *cert = calloc(1, sizeof *cert);
    if (cert == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_x509_crt_init(&cert->crt);
    /* From PEM, a positive count means some blocks failed: the first
     * certificate is what counts, so require that one parsed. */
    int rc = pem ? mbedtls_x509_crt_parse(&cert->crt, data, len)
                 : mbedtls_x509_crt_parse_der(&cert->crt, data, len);
    if (rc < 0 || cert->crt.raw.p == NULL) {
        cs_cert_free(cert);
        return crypto_fail(err, CS_ERROR, rc < 0 ? rc : MBEDTLS_ERR_X509_INVALID_FORMAT,
                           "invalid certificate");
    }
    *out = cert;
    return CS_OK;
}

int cs_cert_load_file(const char *path, cs_cert **out, cs_error *err)
{
    cs_buf buf = CS_BUF_INIT;
    int rc = read_pem_file(path, &buf, err);
    if (rc == CS_OK) {
        bool pem = is_pem(buf.data, parse_len(&buf));
        rc = cs_cert_parse(buf.data, pem ? parse_len(&buf) : buf.len, out, err);
    }
    cs_buf_release(&buf);
    return rc;
}

void cs_cert_free(cs_cert *cert)
{
    if (cert == NULL)
        return;
    mbedtls_x509_crt_free(&cert->crt);
    free(cert);
}

cs_bytes cs_cert_der(const cs_cert *cert)
{
    return (cs_bytes){cert->crt.raw.p, cert->crt.raw.len};
}

int cs_cert_pem(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    size_t need = 0;
    const char *begin = "-----BEGIN CERTIFICATE-----\n", *end = "-----END CERTIFICATE-----\n";
    (void)mbedtls_pem_write_buffer(begin, end, cert->crt.raw.p, cert->crt.raw.len, NULL, 0, &need);
    if (!cs_buf_reserve(out, need))
        return cs_fail(err, CS_ERROR, "out of memory");
    size_t written = 0;
    int rc = mbedtls_pem_write_buffer(begin, end, cert->crt.raw.p, cert->crt.raw.len,
                                      out->data + out->len, need, &written);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot write the certificate as PEM");
    out->len += written - 1; /* without the NUL mbedTLS counts */
    return CS_OK;
}

cs_bytes cs_cert_serial(const cs_cert *cert)
{
    const mbedtls_x509_buf *s = &cert->crt.serial;
    size_t skip = 0;
    while (skip < s->len && s->p[skip] == 0)
        skip++;
    return (cs_bytes){s->p + skip, s->len - skip};
}

static int format_name(const mbedtls_x509_name *name, cs_buf *out, cs_error *err)
{
    cs_buf text = CS_BUF_INIT;
    for (const mbedtls_x509_name *n = name; n != NULL; n = n->next) {
        if (n->oid.p == NULL)
            continue;
        char key[64];
        cs_dn_key(n->oid.p, n->oid.len, key, sizeof key);
        cs_dn_append(&text, key, n->val.tag, n->val.p, n->val.len);
    }
    cs_buf_append(out, text.data, text.len);
    (void)cs_buf_str(out);
    cs_buf_release(&text);
    if (out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

int cs_cert_subject(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    return format_name(&cert->crt.subject, out, err);
}

int cs_cert_issuer(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    return format_name(&cert->crt.issuer, out, err);
}

static cs_key_type pk_key_type(const mbedtls_pk_context *pk)
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

cs_key_type cs_cert_key_type(const cs_cert *cert)
{
    return pk_key_type(&cert->crt.pk);
}

size_t cs_cert_key_bits(const cs_cert *cert)
{
    return mbedtls_pk_get_bitlen(&cert->crt.pk);
}

int cs_cert_public_key(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    unsigned char der[4200]; /* an RSA-16384 public key fits */
    unsigned char *p = der + sizeof der;
    /* mbedtls_pk_write_pubkey writes backwards from p: the RSAPublicKey
     * or the EC point, without the SubjectPublicKeyInfo around it. */
    int n = mbedtls_pk_write_pubkey(&p, der, &cert->crt.pk);
    if (n < 0)
        return crypto_fail(err, CS_ERROR, n, "cannot encode the certificate's public key");
    cs_buf_append(out, p, (size_t)n);
    if (out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

cs_bytes cs_cert_signature(const cs_cert *cert)
{
    const mbedtls_x509_buf *sig = &cert->crt.MBEDTLS_PRIVATE(sig);
    return (cs_bytes){sig->p, sig->len};
}

int cs_cert_verify(const cs_cert *cert, cs_md md, const uint8_t *digest, const uint8_t *sig,
                   size_t sig_len, cs_error *err)
{
    if (cs_cert_key_type(cert) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the certificate's key is not RSA, so it cannot verify");
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&cert->crt.pk;
    int rc = mbedtls_pk_verify(pk, crypto_md_type(md), digest, cs_md_size(md), sig, sig_len);
    if (rc != 0)
        return cs_fail(err, CS_INVALID, "signature does not match");
    return CS_OK;
}

/* --- private keys ------------------------------------------------------ */

int cs_key_parse(const uint8_t *data, size_t len, cs_key **out, cs_error *err)
{
    crypto_setup();
    cs_key *key = calloc(1, sizeof *key);
    if (key == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_pk_init(&key->pk);
#if MBEDTLS_VERSION_MAJOR >= 3
    int rc = mbedtls_pk_parse_key(&key->pk, data, len, NULL, 0, crypto_rng, NULL);
#else
    int rc = mbedtls_pk_parse_key(&key->pk, data, len, NULL, 0);
#endif
    if (rc != 0) {
        cs_key_free(key);
        if (rc == MBEDTLS_ERR_PK_PASSWORD_REQUIRED || rc == MBEDTLS_ERR_PK_PASSWORD_MISMATCH)
            return cs_fail(err, CS_ERROR, "the private key is encrypted with a passphrase");
        return crypto_fail(err, CS_ERROR, rc, "invalid private key");
    }
    *out = key;
    return CS_OK;
}

int cs_key_load_file(const char *path, cs_key **out, cs_error *err)
{
    cs_buf buf = CS_BUF_INIT;
    buf.secret = true;
    int rc = read_pem_file(path, &buf, err);
    if (rc == CS_OK) {
        if (strstr((const char *)buf.data, "PRIVATE KEY-----") == NULL)
            rc = cs_fail(err, CS_ERROR, "no private key in the file");
        else
            rc = cs_key_parse(buf.data, parse_len(&buf), out, err);
    }
    cs_buf_release(&buf);
    return rc;
}

void cs_key_free(cs_key *key)
{
    if (key == NULL)
        return;
    mbedtls_pk_free(&key->pk);
    free(key);
}

cs_key_type cs_key_type_of(const cs_key *key)
{
    return pk_key_type(&key->pk);
}

size_t cs_key_bits(const cs_key *key)
{
    return mbedtls_pk_get_bitlen(&key->pk);
}

int cs_key_matches_cert(const cs_key *key, const cs_cert *cert, cs_error *err)
{
    mbedtls_pk_context *pub = (mbedtls_pk_context *)&cert->crt.pk;
    mbedtls_pk_context *prv = (mbedtls_pk_context *)&key->pk;
#if MBEDTLS_VERSION_MAJOR >= 3
    int rc = mbedtls_pk_check_pair(pub, prv, crypto_rng, NULL);
#else
    int rc = mbedtls_pk_check_pair(pub, prv);
#endif
    if (rc != 0)
        return cs_fail(err, CS_INVALID, "the private key does not match the certificate");
    return CS_OK;
}

int cs_key_sign(const cs_key *key, cs_md md, const uint8_t *digest, uint8_t *sig, size_t sig_len,
                cs_error *err)
{
    if (cs_key_type_of(key) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "only RSA keys can sign these files");
    if (sig_len != mbedtls_pk_get_len(&key->pk))
        return cs_fail(err, CS_ERROR, "signature buffer of %zu bytes for a %zu-byte key", sig_len,
                       mbedtls_pk_get_len(&key->pk));
    int rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&key->pk;
    size_t written = 0;
#if MBEDTLS_VERSION_MAJOR >= 3
    rc = mbedtls_pk_sign(pk, crypto_md_type(md), digest, cs_md_size(md), sig, sig_len, &written,
                         crypto_rng, NULL);
#else
    rc = mbedtls_pk_sign(pk, crypto_md_type(md), digest, cs_md_size(md), sig, &written, crypto_rng,
                         NULL);
#endif
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "signing failed");
    if (written != sig_len)
        return cs_fail(err, CS_ERROR, "signature of %zu bytes, expected %zu", written, sig_len);
    return CS_OK;
}

/* --- key copies for worker threads -------------------------------------- */

int cs_key_clone(const cs_key *key, cs_key **out, cs_error *err)
{
    if (cs_key_type_of(key) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "only RSA keys can be copied");
    cs_key *copy = calloc(1, sizeof *copy);
    if (copy == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_pk_init(&copy->pk);
    /* pk_setup gives the copy its own RSA context (and its own lock);
     * rsa_copy then duplicates the numbers. */
    int rc = mbedtls_pk_setup(&copy->pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
    if (rc == 0)
        rc = mbedtls_rsa_copy(mbedtls_pk_rsa(copy->pk), mbedtls_pk_rsa(key->pk));
    if (rc == 0) {
        /* Without blinding values the copy draws fresh ones from its
         * thread's generator, instead of squaring the same sequence as
         * the original and every other copy. */
        mbedtls_rsa_context *rsa = mbedtls_pk_rsa(copy->pk);
        mbedtls_mpi_free(&rsa->MBEDTLS_PRIVATE(Vi));
        mbedtls_mpi_free(&rsa->MBEDTLS_PRIVATE(Vf));
    }
    if (rc != 0) {
        cs_key_free(copy);
        return crypto_fail(err, CS_ERROR, rc, "cannot copy the private key");
    }
    *out = copy;
    return CS_OK;
}
