/* SPDX-License-Identifier: MIT */
/* Encrypted PKCS#8 private keys: PBES2 (RFC 8018) with PBKDF2 and AES-CBC.
 *
 * This is what `openssl pkcs8 -topk8 -v2 aes-256-cbc` and `openssl genpkey
 * -aes256` write. mbedTLS 2.28's PBES2 knows only DES and 3DES, so the
 * scheme is done here, with its ASN.1 parser, PBKDF2 and cipher modules,
 * the same way for every version. */
#include "internal.h"

#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/cipher.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/pkcs5.h>

/* Refused above this: a file should not make the program hash for hours. */
#define MAX_ITERATIONS 10000000
#define SALT_SIZE 16
#define IV_SIZE 16
#define MAX_KEY_DER 8192

/* aes OBJECT IDENTIFIER, then 2 (aes128-CBC-PAD), 22 (192), 42 (256). */
#define OID_AES128_CBC MBEDTLS_OID_AES "\x02"
#define OID_AES192_CBC MBEDTLS_OID_AES "\x16"
#define OID_AES256_CBC MBEDTLS_OID_AES "\x2a"

static const struct {
    const char *oid;
    size_t oid_len;
    mbedtls_cipher_type_t cipher;
    size_t key_len;
} aes_cbc[] = {
    {OID_AES128_CBC, MBEDTLS_OID_SIZE(OID_AES128_CBC), MBEDTLS_CIPHER_AES_128_CBC, 16},
    {OID_AES192_CBC, MBEDTLS_OID_SIZE(OID_AES192_CBC), MBEDTLS_CIPHER_AES_192_CBC, 24},
    {OID_AES256_CBC, MBEDTLS_OID_SIZE(OID_AES256_CBC), MBEDTLS_CIPHER_AES_256_CBC, 32},
};
#define N_AES_CBC (sizeof aes_cbc / sizeof aes_cbc[0])

typedef struct pbes2 {
    mbedtls_asn1_buf salt;
    int iterations;
    mbedtls_md_type_t prf;
    size_t aes; /* index in aes_cbc */
    mbedtls_asn1_buf iv;
    mbedtls_asn1_buf ciphertext;
} pbes2;

static bool oid_is(const mbedtls_asn1_buf *oid, const char *want, size_t want_len)
{
    return oid->len == want_len && memcmp(oid->p, want, want_len) == 0;
}

/* The contents of PBKDF2-params ::= SEQUENCE { salt OCTET STRING,
 * iterationCount INTEGER, keyLength INTEGER OPTIONAL, prf
 * AlgorithmIdentifier DEFAULT hmacWithSHA1 }. */
static int parse_pbkdf2(unsigned char *p, const unsigned char *end, pbes2 *out)
{
    out->salt.tag = MBEDTLS_ASN1_OCTET_STRING;
    int rc = mbedtls_asn1_get_tag(&p, end, &out->salt.len, MBEDTLS_ASN1_OCTET_STRING);
    if (rc != 0)
        return rc;
    out->salt.p = p;
    p += out->salt.len;
    rc = mbedtls_asn1_get_int(&p, end, &out->iterations);
    if (rc != 0)
        return rc;
    int key_length = -1;
    if (p < end && *p == MBEDTLS_ASN1_INTEGER && (rc = mbedtls_asn1_get_int(&p, end, &key_length)))
        return rc;
    out->prf = MBEDTLS_MD_SHA1;
    if (p < end) {
        mbedtls_asn1_buf oid, params;
        rc = mbedtls_asn1_get_alg(&p, end, &oid, &params);
        if (rc == 0)
            rc = mbedtls_oid_get_md_hmac(&oid, &out->prf);
        if (rc != 0)
            return rc;
    }
    if (out->iterations < 1 || out->iterations > MAX_ITERATIONS || p != end ||
        (key_length != -1 && (size_t)key_length != aes_cbc[out->aes].key_len))
        return MBEDTLS_ERR_ASN1_INVALID_DATA;
    return 0;
}

/* encryptionScheme: one of aes_cbc, with the IV as parameters. */
static int parse_scheme(const mbedtls_asn1_buf *oid, const mbedtls_asn1_buf *params, pbes2 *out)
{
    for (out->aes = 0; out->aes < N_AES_CBC; out->aes++)
        if (oid_is(oid, aes_cbc[out->aes].oid, aes_cbc[out->aes].oid_len))
            break;
    if (out->aes == N_AES_CBC)
        return MBEDTLS_ERR_ASN1_INVALID_DATA;
    if (params->tag != MBEDTLS_ASN1_OCTET_STRING || params->len != IV_SIZE)
        return MBEDTLS_ERR_ASN1_INVALID_DATA;
    out->iv = *params;
    return 0;
}

/* EncryptedPrivateKeyInfo ::= SEQUENCE { encryptionAlgorithm
 * AlgorithmIdentifier (PBES2), encryptedData OCTET STRING }, with
 * PBES2-params ::= SEQUENCE { keyDerivationFunc, encryptionScheme }. */
static int parse_pbes2(const unsigned char *der, size_t len, pbes2 *out)
{
    unsigned char *p = (unsigned char *)der, *end = p + len;
    size_t n;
    mbedtls_asn1_buf oid, params;
    int rc = mbedtls_asn1_get_tag(&p, end, &n, SEQUENCE_TAG);
    if (rc != 0 || p + n != end)
        return MBEDTLS_ERR_ASN1_INVALID_DATA;
    if ((rc = mbedtls_asn1_get_alg(&p, end, &oid, &params)) != 0)
        return rc;
    if (!oid_is(&oid, MBEDTLS_OID_PKCS5_PBES2, MBEDTLS_OID_SIZE(MBEDTLS_OID_PKCS5_PBES2)))
        return CRYPTO_NOT_PBES2;
    rc = mbedtls_asn1_get_tag(&p, end, &out->ciphertext.len, MBEDTLS_ASN1_OCTET_STRING);
    if (rc != 0 || p + out->ciphertext.len != end || params.tag != SEQUENCE_TAG)
        return MBEDTLS_ERR_ASN1_INVALID_DATA;
    out->ciphertext.p = p;

    unsigned char *q = params.p, *q_end = params.p + params.len;
    mbedtls_asn1_buf kdf_oid, kdf_params, enc_oid, enc_params;
    rc = mbedtls_asn1_get_alg(&q, q_end, &kdf_oid, &kdf_params);
    if (rc == 0)
        rc = mbedtls_asn1_get_alg(&q, q_end, &enc_oid, &enc_params);
    if (rc == 0 &&
        (q != q_end || kdf_params.tag != SEQUENCE_TAG ||
         !oid_is(&kdf_oid, MBEDTLS_OID_PKCS5_PBKDF2, MBEDTLS_OID_SIZE(MBEDTLS_OID_PKCS5_PBKDF2))))
        rc = MBEDTLS_ERR_ASN1_INVALID_DATA;
    if (rc == 0)
        rc = parse_scheme(&enc_oid, &enc_params, out);
    if (rc == 0)
        rc = parse_pbkdf2(kdf_params.p, kdf_params.p + kdf_params.len, out);
    return rc;
}

static int pbkdf2(mbedtls_md_type_t md, cs_bytes passphrase, const unsigned char *salt,
                  size_t salt_len, unsigned iterations, unsigned char *key, size_t key_len)
{
#if MBEDTLS_VERSION_NUMBER >= 0x03030000
    return mbedtls_pkcs5_pbkdf2_hmac_ext(md, passphrase.data, passphrase.len, salt, salt_len,
                                         iterations, (uint32_t)key_len, key);
#else
    mbedtls_md_context_t ctx;
    mbedtls_md_init(&ctx);
    int rc = mbedtls_md_setup(&ctx, mbedtls_md_info_from_type(md), 1);
    if (rc == 0)
        rc = mbedtls_pkcs5_pbkdf2_hmac(&ctx, passphrase.data, passphrase.len, salt, salt_len,
                                       iterations, (uint32_t)key_len, key);
    mbedtls_md_free(&ctx);
    return rc;
#endif
}

/* AES-CBC with PKCS#7 padding; out has room for len + one block. */
static int aes_cbc_pad(mbedtls_operation_t op, size_t aes, const unsigned char *key,
                       const unsigned char *iv, const unsigned char *in, size_t len,
                       unsigned char *out, size_t *out_len)
{
    mbedtls_cipher_context_t ctx;
    mbedtls_cipher_init(&ctx);
    int rc = mbedtls_cipher_setup(&ctx, mbedtls_cipher_info_from_type(aes_cbc[aes].cipher));
    if (rc == 0)
        rc = mbedtls_cipher_setkey(&ctx, key, (int)(aes_cbc[aes].key_len * 8), op);
    if (rc == 0)
        rc = mbedtls_cipher_set_padding_mode(&ctx, MBEDTLS_PADDING_PKCS7);
    if (rc == 0)
        rc = mbedtls_cipher_crypt(&ctx, iv, IV_SIZE, in, len, out, out_len);
    mbedtls_cipher_free(&ctx); /* wipes the key schedule */
    return rc;
}

int crypto_pkcs8_decrypt(const unsigned char *der, size_t len, cs_bytes passphrase,
                         mbedtls_pk_context *pk, cs_error *err)
{
    pbes2 enc;
    int rc = parse_pbes2(der, len, &enc);
    if (rc == CRYPTO_NOT_PBES2)
        return rc;
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "unsupported or invalid encrypted private key");
    if (enc.ciphertext.len == 0 || enc.ciphertext.len > MAX_KEY_DER ||
        enc.ciphertext.len % IV_SIZE != 0)
        return cs_fail(err, CS_ERROR, "invalid encrypted private key: %zu bytes of ciphertext",
                       enc.ciphertext.len);
    unsigned char key[32];
    unsigned char plain[MAX_KEY_DER + IV_SIZE];
    size_t plain_len = 0;
    size_t key_len = aes_cbc[enc.aes].key_len;
    rc = pbkdf2(enc.prf, passphrase, enc.salt.p, enc.salt.len, (unsigned)enc.iterations, key,
                key_len);
    if (rc != 0) {
        cs_zeroize(key, sizeof key);
        return crypto_fail(err, CS_ERROR, rc, "cannot derive the key's encryption key");
    }
    rc = aes_cbc_pad(MBEDTLS_DECRYPT, enc.aes, key, enc.iv.p, enc.ciphertext.p, enc.ciphertext.len,
                     plain, &plain_len);
    /* A wrong passphrase shows as bad padding, or rarely as padding that
     * happens to fit around bytes that are no key. */
    if (rc == 0)
        rc = crypto_pk_parse(pk, plain, plain_len, (cs_bytes){NULL, 0});
    cs_zeroize(key, sizeof key);
    cs_zeroize(plain, sizeof plain);
    if (rc != 0)
        return cs_fail(err, CS_ERROR, "wrong passphrase for the private key");
    return CS_OK;
}

/* The PBES2 AlgorithmIdentifier for PBKDF2-HMAC-SHA256 and AES-256-CBC,
 * written backwards in front of what w holds. */
static void write_pbes2_algorithm(der_writer *w, const unsigned char *salt, const unsigned char *iv)
{
    size_t mark = w->len;
    /* encryptionScheme: aes256-CBC-PAD with the IV */
    size_t scheme = w->len;
    der_add(w, mbedtls_asn1_write_octet_string(&w->p, w->start, iv, IV_SIZE));
    der_add(w, mbedtls_asn1_write_oid(&w->p, w->start, OID_AES256_CBC,
                                      MBEDTLS_OID_SIZE(OID_AES256_CBC)));
    der_wrap(w, scheme, SEQUENCE_TAG);
    /* keyDerivationFunc: PBKDF2 { salt, iterations, prf hmacWithSHA256 } */
    size_t kdf = w->len;
    der_add(w,
            mbedtls_asn1_write_algorithm_identifier(&w->p, w->start, MBEDTLS_OID_HMAC_SHA256,
                                                    MBEDTLS_OID_SIZE(MBEDTLS_OID_HMAC_SHA256), 0));
    der_add(w, mbedtls_asn1_write_int(&w->p, w->start, (int)CRYPTO_PBKDF2_ITERATIONS));
    der_add(w, mbedtls_asn1_write_octet_string(&w->p, w->start, salt, SALT_SIZE));
    der_wrap(w, kdf, SEQUENCE_TAG);
    der_add(w, mbedtls_asn1_write_oid(&w->p, w->start, MBEDTLS_OID_PKCS5_PBKDF2,
                                      MBEDTLS_OID_SIZE(MBEDTLS_OID_PKCS5_PBKDF2)));
    der_wrap(w, kdf, SEQUENCE_TAG);
    der_wrap(w, scheme, SEQUENCE_TAG); /* PBES2-params */
    der_add(w, mbedtls_asn1_write_oid(&w->p, w->start, MBEDTLS_OID_PKCS5_PBES2,
                                      MBEDTLS_OID_SIZE(MBEDTLS_OID_PKCS5_PBES2)));
    der_wrap(w, mark, SEQUENCE_TAG);
}

int crypto_pkcs8_encrypt(const unsigned char *key_der, size_t len, cs_bytes passphrase, cs_buf *pem,
                         cs_error *err)
{
    if (len > MAX_KEY_DER)
        return cs_fail(err, CS_ERROR, "the private key is too large to encrypt");
    unsigned char salt[SALT_SIZE], iv[IV_SIZE], key[32];
    unsigned char der[MAX_KEY_DER + 256];
    unsigned char text[2 * sizeof der];
    size_t cipher_len = 0, olen = 0;
    const size_t aes256 = N_AES_CBC - 1;
    int rc = crypto_rng(NULL, salt, sizeof salt);
    if (rc == 0)
        rc = crypto_rng(NULL, iv, sizeof iv);
    if (rc == 0)
        rc = pbkdf2(MBEDTLS_MD_SHA256, passphrase, salt, sizeof salt, CRYPTO_PBKDF2_ITERATIONS, key,
                    aes_cbc[aes256].key_len);
    /* The ciphertext goes at the end of der, the headers in front of it. */
    unsigned char *ciphertext = der + sizeof der - (len + IV_SIZE);
    if (rc == 0)
        rc = aes_cbc_pad(MBEDTLS_ENCRYPT, aes256, key, iv, key_der, len, ciphertext, &cipher_len);
    der_writer w;
    der_writer_init(&w, der, sizeof der);
    if (rc == 0) {
        memmove(der + sizeof der - cipher_len, ciphertext, cipher_len);
        w.p -= cipher_len;
        w.len = cipher_len;
        der_wrap(&w, 0, MBEDTLS_ASN1_OCTET_STRING);
        write_pbes2_algorithm(&w, salt, iv);
        der_wrap(&w, 0, SEQUENCE_TAG);
        rc = w.error;
    }
    if (rc == 0)
        rc = mbedtls_pem_write_buffer("-----BEGIN ENCRYPTED PRIVATE KEY-----\n",
                                      "-----END ENCRYPTED PRIVATE KEY-----\n", w.p, w.len, text,
                                      sizeof text, &olen);
    if (rc == 0)
        cs_buf_append(pem, text, strlen((const char *)text));
    cs_zeroize(key, sizeof key);
    cs_zeroize(der, sizeof der);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot encrypt the private key");
    return CS_OK;
}
