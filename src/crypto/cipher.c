/* SPDX-License-Identifier: MIT */
/* AES-128-CBC and RSA PKCS#1 v1.5 encryption (cipher.h), on mbedTLS.
 *
 * The calls used here have the same signatures in mbedTLS 2.28 and 3.x. */
#include "internal.h"

#include <string.h>

#include <mbedtls/aes.h>

#include "ciscosec/cipher.h"

static int aes_cbc(int mode, const uint8_t key[CS_AES128_KEY_SIZE],
                   const uint8_t iv[CS_AES_BLOCK_SIZE], const uint8_t *in, size_t len, uint8_t *out,
                   cs_error *err)
{
    if (len % CS_AES_BLOCK_SIZE != 0)
        return cs_fail(err, CS_ERROR, "AES-CBC data of %zu bytes is not a whole number of blocks",
                       len);
    mbedtls_aes_context ctx;
    mbedtls_aes_init(&ctx);
    /* mbedTLS advances the IV as it goes; work on a copy. */
    unsigned char chain[CS_AES_BLOCK_SIZE];
    memcpy(chain, iv, sizeof chain);
    int rc = mode == MBEDTLS_AES_ENCRYPT ? mbedtls_aes_setkey_enc(&ctx, key, 128)
                                         : mbedtls_aes_setkey_dec(&ctx, key, 128);
    if (rc == 0 && len > 0)
        rc = mbedtls_aes_crypt_cbc(&ctx, mode, len, chain, in, out);
    mbedtls_aes_free(&ctx); /* wipes the key schedule */
    cs_zeroize(chain, sizeof chain);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc,
                           mode == MBEDTLS_AES_ENCRYPT ? "AES encryption failed"
                                                       : "AES decryption failed");
    return CS_OK;
}

int cs_aes128_cbc_encrypt(const uint8_t key[CS_AES128_KEY_SIZE],
                          const uint8_t iv[CS_AES_BLOCK_SIZE], const uint8_t *in, size_t len,
                          uint8_t *out, cs_error *err)
{
    return aes_cbc(MBEDTLS_AES_ENCRYPT, key, iv, in, len, out, err);
}

int cs_aes128_cbc_decrypt(const uint8_t key[CS_AES128_KEY_SIZE],
                          const uint8_t iv[CS_AES_BLOCK_SIZE], const uint8_t *in, size_t len,
                          uint8_t *out, cs_error *err)
{
    return aes_cbc(MBEDTLS_AES_DECRYPT, key, iv, in, len, out, err);
}

int cs_cert_encrypt(const cs_cert *cert, const uint8_t *in, size_t len, uint8_t *out,
                    size_t out_size, size_t *out_len, cs_error *err)
{
    if (cs_cert_key_type(cert) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the certificate's key is not RSA, so it cannot encrypt");
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&cert->crt.pk;
    if (out_size < mbedtls_pk_get_len(pk))
        return cs_fail(err, CS_ERROR, "no room for a %zu-byte RSA ciphertext",
                       mbedtls_pk_get_len(pk));
    int rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    /* A certificate's RSA context uses PKCS#1 v1.5 padding: mbedTLS's
     * default, which nothing here changes. */
    rc = mbedtls_pk_encrypt(pk, in, len, out, out_len, out_size, crypto_rng, NULL);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "RSA encryption failed");
    return CS_OK;
}

int cs_key_decrypt(const cs_key *key, const uint8_t *in, size_t len, uint8_t *out, size_t out_size,
                   size_t *out_len, cs_error *err)
{
    if (cs_key_type_of(key) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the private key is not RSA, so it cannot decrypt");
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&key->pk;
    if (len != mbedtls_pk_get_len(pk))
        return cs_fail(err, CS_ERROR,
                       "the encrypted key has %zu bytes but the private key is %zu bits "
                       "(it needs %zu bytes)",
                       len, mbedtls_pk_get_bitlen(pk), mbedtls_pk_get_len(pk));
    int rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    /* The random generator blinds the private-key operation. */
    rc = mbedtls_pk_decrypt(pk, in, len, out, out_len, out_size, crypto_rng, NULL);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "RSA decryption failed");
    return CS_OK;
}
