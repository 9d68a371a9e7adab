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

#include <mbedtls/pem.h>

#if MBEDTLS_VERSION_MAJOR >= 3 && defined(MBEDTLS_PSA_CRYPTO_C)
#include <psa/crypto.h>
#endif

#include "ciscosec/certgen.h"
#include "ciscosec/fileio.h"

/* Chains are short; a file with more certificates is a bundle of CAs,
 * whose order is left alone (finding the leaf is quadratic). */
#define MAX_CHAIN_TO_ORDER 16

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

/* --- certificates ------------------------------------------------------ */

/* mbedTLS takes PEM only with the terminating NUL counted in the length. */
static size_t parse_len(const cs_buf *buf)
{
    return buf->len + 1;
}

/* Every certificate or key file is read into a secret buffer, wiped when
 * it is released: a PEM file may hold a private key beside the
 * certificate. */
static int read_pem_file(const char *path, cs_buf *buf, cs_error *err)
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
static bool is_pem(const uint8_t *data, size_t len)
{
    return len > 0 && data[len - 1] == '\0' && strstr((const char *)data, "-----BEGIN") != NULL;
}

bool crypto_crt_signed_by(const mbedtls_x509_crt *c, const mbedtls_x509_crt *issuer)
{
    if (c->issuer_raw.len != issuer->subject_raw.len ||
        memcmp(c->issuer_raw.p, issuer->subject_raw.p, c->issuer_raw.len) != 0)
        return false;
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(c->MBEDTLS_PRIVATE(sig_md));
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    if (info == NULL || mbedtls_md(info, c->tbs.p, c->tbs.len, hash) != 0)
        return false;
    const mbedtls_x509_buf *sig = &c->MBEDTLS_PRIVATE(sig);
    return mbedtls_pk_verify_ext(c->MBEDTLS_PRIVATE(sig_pk), c->MBEDTLS_PRIVATE(sig_opts),
                                 (mbedtls_pk_context *)&issuer->pk, c->MBEDTLS_PRIVATE(sig_md),
                                 hash, mbedtls_md_get_size(info), sig->p, sig->len) == 0;
}

/* The leaf of the certificates in a list: the first that signs none of
 * the others (a certificate may sign itself). */
static const mbedtls_x509_crt *find_leaf(const mbedtls_x509_crt *head)
{
    for (const mbedtls_x509_crt *c = head; c != NULL; c = c->next) {
        bool signs_another = false;
        for (const mbedtls_x509_crt *o = head; o != NULL && !signs_another; o = o->next)
            signs_another = o != c && crypto_crt_signed_by(o, c);
        if (!signs_another)
            return c;
    }
    return head; /* a loop of cross-signed certificates: take the first */
}

/* Puts the leaf first, the others after it in the file's order, so that
 * "the certificate of the file" is the leaf however the chain is ordered. */
static int leaf_first(cs_cert *cert)
{
    if (cs_cert_count(cert) > MAX_CHAIN_TO_ORDER)
        return 0; /* a bundle of CAs, not a chain */
    const mbedtls_x509_crt *leaf = find_leaf(&cert->crt);
    if (leaf == &cert->crt)
        return 0;
    mbedtls_x509_crt sorted;
    mbedtls_x509_crt_init(&sorted);
    int rc = mbedtls_x509_crt_parse_der(&sorted, leaf->raw.p, leaf->raw.len);
    for (const mbedtls_x509_crt *c = &cert->crt; rc == 0 && c != NULL; c = c->next)
        if (c != leaf)
            rc = mbedtls_x509_crt_parse_der(&sorted, c->raw.p, c->raw.len);
    if (rc == 0) {
        mbedtls_x509_crt_free(&cert->crt);
        cert->crt = sorted;
    } else {
        mbedtls_x509_crt_free(&sorted);
    }
    return rc;
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
    rc = leaf_first(cert);
    if (rc != 0) {
        cs_cert_free(cert);
        return crypto_fail(err, CS_ERROR, rc, "cannot order the certificate chain");
    }
    *out = cert;
    return CS_OK;
}

int cs_cert_load_file(const char *path, cs_cert **out, cs_error *err)
{
    return cs_cert_file_load(path, NULL, out, NULL, NULL, err);
}

size_t cs_cert_count(const cs_cert *cert)
{
    size_t n = 0;
    for (const mbedtls_x509_crt *c = &cert->crt; c != NULL && c->raw.p != NULL; c = c->next)
        n++;
    return n;
}

static const mbedtls_x509_crt *nth(const cs_cert *cert, size_t i)
{
    const mbedtls_x509_crt *c = &cert->crt;
    while (c != NULL && i-- > 0)
        c = c->next;
    return c;
}

int cs_cert_at(const cs_cert *cert, size_t i, cs_cert **out, cs_error *err)
{
    const mbedtls_x509_crt *c = nth(cert, i);
    if (c == NULL || c->raw.p == NULL)
        return cs_fail(err, CS_ERROR, "no certificate %zu in the file", i + 1);
    return cs_cert_parse(c->raw.p, c->raw.len, out, err);
}

bool cs_cert_signed_by(const cs_cert *cert, const cs_cert *issuer)
{
    return crypto_crt_signed_by(&cert->crt, &issuer->crt);
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

cs_name_iter cs_cert_subject_attrs(const cs_cert *cert)
{
    return (cs_name_iter){&cert->crt.subject};
}

cs_name_iter cs_cert_issuer_attrs(const cs_cert *cert)
{
    return (cs_name_iter){&cert->crt.issuer};
}

bool cs_name_next(cs_name_iter *it, cs_name_attr *attr)
{
    const mbedtls_x509_name *n = it->next;
    while (n != NULL && n->oid.p == NULL) /* an empty name's placeholder */
        n = n->next;
    if (n == NULL) {
        it->next = NULL;
        return false;
    }
    *attr = (cs_name_attr){{n->oid.p, n->oid.len}, n->val.tag, {n->val.p, n->val.len}};
    it->next = n->next;
    return true;
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

int crypto_pk_parse(mbedtls_pk_context *pk, const unsigned char *data, size_t len,
                    cs_bytes passphrase)
{
#if MBEDTLS_VERSION_MAJOR >= 3
    return mbedtls_pk_parse_key(pk, data, len, passphrase.data, passphrase.len, crypto_rng, NULL);
#else
    return mbedtls_pk_parse_key(pk, data, len, passphrase.data, passphrase.len);
#endif
}

#define ENCRYPTED_PKCS8_BEGIN "-----BEGIN ENCRYPTED PRIVATE KEY-----"
#define ENCRYPTED_PKCS8_END "-----END ENCRYPTED PRIVATE KEY-----"

bool cs_key_pem_is_encrypted(const char *text)
{
    return strstr(text, ENCRYPTED_PKCS8_BEGIN) != NULL ||
           strstr(text, "Proc-Type: 4,ENCRYPTED") != NULL;
}

static int key_parse_fail(int mbed_rc, cs_error *err)
{
    if (mbed_rc == MBEDTLS_ERR_PK_PASSWORD_REQUIRED)
        return cs_fail(err, CS_ERROR, "the private key is encrypted and no passphrase was given");
    if (mbed_rc == MBEDTLS_ERR_PK_PASSWORD_MISMATCH)
        return cs_fail(err, CS_ERROR, "wrong passphrase for the private key");
    return crypto_fail(err, CS_ERROR, mbed_rc, "invalid private key");
}

/* mbedTLS's parse, its errors in our words. An empty passphrase given is
 * still a wrong one, though mbedTLS takes it for none. */
static int pk_parse(mbedtls_pk_context *pk, const uint8_t *data, size_t len, cs_bytes passphrase,
                    cs_error *err)
{
    int mrc = crypto_pk_parse(pk, data, len, passphrase);
    if (mrc == MBEDTLS_ERR_PK_PASSWORD_REQUIRED && passphrase.data != NULL)
        mrc = MBEDTLS_ERR_PK_PASSWORD_MISMATCH;
    return mrc == 0 ? CS_OK : key_parse_fail(mrc, err);
}

/* "ENCRYPTED PRIVATE KEY": PBES2 with AES here (crypto_pkcs8_decrypt),
 * other schemes by mbedTLS. */
static int parse_encrypted_pkcs8(mbedtls_pk_context *pk, const uint8_t *pem_text, size_t len,
                                 cs_bytes passphrase, cs_error *err)
{
    if (passphrase.data == NULL)
        return key_parse_fail(MBEDTLS_ERR_PK_PASSWORD_REQUIRED, err);
    mbedtls_pem_context pem;
    mbedtls_pem_init(&pem);
    size_t used = 0;
    int rc = mbedtls_pem_read_buffer(&pem, ENCRYPTED_PKCS8_BEGIN, ENCRYPTED_PKCS8_END, pem_text,
                                     NULL, 0, &used);
    if (rc != 0)
        rc = crypto_fail(err, CS_ERROR, rc, "invalid encrypted private key");
    else
        rc = crypto_pkcs8_decrypt(pem.MBEDTLS_PRIVATE(buf), pem.MBEDTLS_PRIVATE(buflen), passphrase,
                                  pk, err);
    mbedtls_pem_free(&pem); /* wipes the DER */
    if (rc == CRYPTO_NOT_PBES2) {
        rc = pk_parse(pk, pem_text, len, passphrase, err);
    }
    return rc;
}

/* passphrase.data is NULL when there is none. */
static int key_parse(const uint8_t *data, size_t len, cs_bytes passphrase, cs_key **out,
                     cs_error *err)
{
    crypto_setup();
    cs_key *key = calloc(1, sizeof *key);
    if (key == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_pk_init(&key->pk);
    int rc;
    if (is_pem(data, len) && strstr((const char *)data, ENCRYPTED_PKCS8_BEGIN) != NULL) {
        rc = parse_encrypted_pkcs8(&key->pk, data, len, passphrase, err);
    } else {
        rc = pk_parse(&key->pk, data, len, passphrase, err);
    }
    if (rc != CS_OK) {
        cs_key_free(key);
        return rc;
    }
    *out = key;
    return CS_OK;
}

int cs_key_parse(const uint8_t *data, size_t len, cs_key **out, cs_error *err)
{
    return key_parse(data, len, (cs_bytes){NULL, 0}, out, err);
}

int cs_key_parse_encrypted(const uint8_t *data, size_t len, cs_bytes passphrase, cs_key **out,
                           cs_error *err)
{
    static const uint8_t empty[1];
    if (passphrase.data == NULL)
        passphrase.data = empty; /* an empty passphrase is still one */
    return key_parse(data, len, passphrase, out, err);
}

/* The key of a file already read (NUL-terminated), asking pass for the
 * passphrase when the key is encrypted. */
static int key_from_text(const char *path, const cs_buf *text, const cs_passphrase *pass,
                         cs_key **out, cs_error *err)
{
    const char *pem = (const char *)text->data;
    if (!cs_key_pem_is_encrypted(pem))
        return cs_key_parse(text->data, parse_len(text), out, err);
    if (pass == NULL)
        return key_parse_fail(MBEDTLS_ERR_PK_PASSWORD_REQUIRED, err);
    cs_buf phrase = CS_BUF_INIT;
    phrase.secret = true;
    int rc = pass->get(pass->ctx, path, &phrase, err);
    if (rc == CS_OK && phrase.failed)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = cs_key_parse_encrypted(text->data, parse_len(text), cs_buf_bytes(&phrase), out, err);
    cs_buf_release(&phrase);
    return rc;
}

int cs_cert_file_load(const char *path, const cs_passphrase *pass, cs_cert **cert, cs_key **key,
                      bool *key_encrypted, cs_error *err)
{
    *cert = NULL;
    if (key != NULL)
        *key = NULL;
    if (key_encrypted != NULL)
        *key_encrypted = false;
    cs_buf buf = CS_BUF_INIT;
    int rc = read_pem_file(path, &buf, err);
    /* PEM goes to mbedTLS with its terminating NUL counted; DER without. */
    bool pem = rc == CS_OK && is_pem(buf.data, parse_len(&buf)) &&
               strlen((const char *)buf.data) == buf.len;
    if (rc == CS_OK)
        rc = cs_cert_parse(buf.data, pem ? parse_len(&buf) : buf.len, cert, err);
    bool has_key = rc == CS_OK && key != NULL && pem &&
                   strstr((const char *)buf.data, "PRIVATE KEY-----") != NULL;
    bool encrypted = has_key && cs_key_pem_is_encrypted((const char *)buf.data);
    if (key_encrypted != NULL)
        *key_encrypted = encrypted;
    /* A caller that passes key_encrypted can do without an encrypted key. */
    if (has_key && (!encrypted || pass != NULL || key_encrypted == NULL))
        rc = key_from_text(path, &buf, pass, key, err);
    if (rc != CS_OK) {
        cs_cert_free(*cert);
        *cert = NULL;
    }
    cs_buf_release(&buf);
    return rc;
}

int cs_key_load_file(const char *path, const cs_passphrase *pass, cs_key **out, cs_error *err)
{
    cs_buf buf = CS_BUF_INIT;
    int rc = read_pem_file(path, &buf, err);
    if (rc == CS_OK) {
        if (strstr((const char *)buf.data, "PRIVATE KEY-----") == NULL)
            rc = cs_fail(err, CS_ERROR, "no private key in the file");
        else
            rc = key_from_text(path, &buf, pass, out, err);
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
