/* SPDX-License-Identifier: MIT */
/* Private keys (crypto.h): parsed, decrypted, loaded from files with
 * their certificate, matched, used to sign, and copied for threads. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/pem.h>

#include "ciscosec/fileio.h"

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
    /* A wrong passphrase can also decrypt to padding that passes and a key
     * that does not parse (mbedTLS 3.x reports an ASN.1 error then). */
    bool pem_text = len > 0 && data[len - 1] == '\0';
    if (mrc != 0 && passphrase.data != NULL && pem_text &&
        cs_key_pem_is_encrypted((const char *)data))
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
    if (crypto_is_pem(data, len) && strstr((const char *)data, ENCRYPTED_PKCS8_BEGIN) != NULL) {
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
        return cs_key_parse(text->data, crypto_pem_len(text), out, err);
    if (pass == NULL)
        return key_parse_fail(MBEDTLS_ERR_PK_PASSWORD_REQUIRED, err);
    cs_buf phrase = CS_BUF_INIT;
    phrase.secret = true;
    int rc = pass->get(pass->ctx, path, &phrase, err);
    if (rc == CS_OK && phrase.failed)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = cs_key_parse_encrypted(text->data, crypto_pem_len(text), cs_buf_bytes(&phrase), out,
                                    err);
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
    int rc = crypto_read_pem_file(path, &buf, err);
    /* PEM goes to mbedTLS with its terminating NUL counted; DER without. */
    bool pem = rc == CS_OK && crypto_is_pem(buf.data, crypto_pem_len(&buf)) &&
               strlen((const char *)buf.data) == buf.len;
    if (rc == CS_OK)
        rc = cs_cert_parse(buf.data, pem ? crypto_pem_len(&buf) : buf.len, cert, err);
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
    int rc = crypto_read_pem_file(path, &buf, err);
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
    return crypto_pk_key_type(&key->pk);
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
