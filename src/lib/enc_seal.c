/* SPDX-License-Identifier: MIT */
/* Sealing and opening an encrypted configuration's body: the AES key
 * wrapped for the phone's certificate, the padding and the digest, and the
 * one check of the encryption fields (encconfig.h). */
#include "ciscosec/encconfig.h"

#include <string.h>

size_t cs_enc_padding_count(size_t len)
{
    return CS_AES_BLOCK_SIZE - len % CS_AES_BLOCK_SIZE;
}

int cs_enc_check_device_cert(const cs_cert *cert, cs_error *err)
{
    cs_key_type type = cs_cert_key_type(cert);
    if (type == CS_KEY_EC)
        return cs_fail(err, CS_ERROR,
                       "the device certificate has an EC key: only an RSA key can receive an "
                       "encrypted configuration");
    if (type != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the device certificate's key is not RSA");
    size_t bits = cs_cert_key_bits(cert);
    if (bits < CS_ENC_MIN_DEVICE_BITS || bits > CS_ENC_MAX_DEVICE_BITS)
        return cs_fail(err, CS_ERROR,
                       "the device certificate's RSA key has %zu bits: %u to %u are supported",
                       bits, CS_ENC_MIN_DEVICE_BITS, CS_ENC_MAX_DEVICE_BITS);
    return CS_OK;
}

static int content_md(uint8_t code, cs_md *md, cs_error *err)
{
    if (!cs_digest_code_to_md(code, md))
        return cs_fail(err, CS_ERROR, "unknown content digest algorithm %u", code);
    return CS_OK;
}

/* AES-128-CBC of plain || '\r' x n into body, with the key and IV given. */
static int encrypt_body(const uint8_t *plain, size_t len, const uint8_t *key, const uint8_t *iv,
                        cs_buf *body, cs_error *err)
{
    size_t n = cs_enc_padding_count(len);
    cs_buf padded = CS_BUF_INIT;
    padded.secret = true;
    cs_buf_append(&padded, plain, len);
    for (size_t i = 0; i < n; i++)
        cs_buf_append_byte(&padded, CS_ENC_PADDING_BYTE);
    int rc = CS_OK;
    if (padded.failed || !cs_buf_reserve(body, padded.len))
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = cs_aes128_cbc_encrypt(key, iv, padded.data, padded.len, body->data, err);
    if (rc == CS_OK)
        body->len = padded.len;
    cs_buf_release(&padded);
    return rc;
}

int cs_enc_seal(const uint8_t *plain, size_t len, const cs_cert *device, uint8_t digest_code,
                cs_enc_sealed *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    cs_buf_init(&out->body);
    cs_md md;
    int rc = content_md(digest_code, &md, err);
    if (rc == CS_OK)
        rc = cs_enc_check_device_cert(device, err);
    if (rc != CS_OK)
        return rc;

    uint8_t key[CS_AES128_KEY_SIZE];
    size_t key_len = 0;
    rc = cs_random(key, sizeof key, err);
    if (rc == CS_OK)
        rc = cs_random(out->iv, sizeof out->iv, err);
    if (rc == CS_OK)
        rc = encrypt_body(plain, len, key, out->iv, &out->body, err);
    if (rc == CS_OK)
        rc = cs_cert_encrypt(device, key, sizeof key, out->encrypted_key, sizeof out->encrypted_key,
                             &key_len, err);
    if (rc == CS_OK)
        rc = cs_digest(md, plain, len, out->digest, err);
    cs_zeroize(key, sizeof key);
    if (rc != CS_OK) {
        cs_enc_sealed_release(out);
        return rc;
    }
    out->fields = (cs_encryption_fields){
        .iv = {out->iv, sizeof out->iv},
        .padding_count = (uint16_t)cs_enc_padding_count(len),
        .key_bits = (uint16_t)(key_len * 8),
        .key_algorithm = CS_ENC_KEY_ALGORITHM_AES128,
        .encrypted_key = {out->encrypted_key, key_len},
        .content_digest_code = digest_code,
        .content_digest = {out->digest, cs_md_size(md)},
    };
    return CS_OK;
}

void cs_enc_sealed_release(cs_enc_sealed *sealed)
{
    cs_buf_release(&sealed->body);
}

int cs_enc_check_fields(const cs_encryption_fields *f, size_t body_len, cs_error *err)
{
    if (f->key_algorithm != CS_ENC_KEY_ALGORITHM_AES128)
        return cs_fail(err, CS_ERROR, "unknown key algorithm %u (only 1, AES-128, exists)",
                       f->key_algorithm);
    if (f->iv.len != CS_AES_BLOCK_SIZE)
        return cs_fail(err, CS_ERROR, "the IV has %zu bytes, not %d", f->iv.len, CS_AES_BLOCK_SIZE);
    if (f->encrypted_key.len == 0 || f->key_bits != 8 * f->encrypted_key.len)
        return cs_fail(err, CS_ERROR, "key size %u bits does not match the %zu-byte encrypted key",
                       f->key_bits, f->encrypted_key.len);
    if (body_len == 0 || body_len % CS_AES_BLOCK_SIZE != 0)
        return cs_fail(err, CS_ERROR,
                       "the encrypted body has %zu bytes, not a whole number of AES blocks",
                       body_len);
    if (f->padding_count < 1 || f->padding_count > CS_AES_BLOCK_SIZE)
        return cs_fail(err, CS_ERROR, "padding count %u: it must be 1 to %d", f->padding_count,
                       CS_AES_BLOCK_SIZE);
    cs_md md;
    int rc = content_md(f->content_digest_code, &md, err);
    if (rc == CS_OK && f->content_digest.len != cs_md_size(md))
        rc = cs_fail(err, CS_ERROR, "the content digest has %zu bytes, not the %zu of %s",
                     f->content_digest.len, cs_md_size(md), cs_md_name(md));
    return rc;
}

static int decrypt_key(const cs_encryption_fields *f, const cs_key *device_key,
                       uint8_t key[CS_AES128_KEY_SIZE], cs_error *err)
{
    uint8_t out[CS_ENC_MAX_DEVICE_BITS / 8];
    size_t len = 0;
    int rc = cs_key_decrypt(device_key, f->encrypted_key.data, f->encrypted_key.len, out,
                            sizeof out, &len, err);
    if (rc != CS_OK)
        cs_error_prefix(err, "cannot decrypt the AES key (is this the private key of the "
                             "certificate the file was encrypted for?)");
    else if (len != CS_AES128_KEY_SIZE)
        rc = cs_fail(err, CS_ERROR, "the decrypted AES key has %zu bytes, not %d", len,
                     CS_AES128_KEY_SIZE);
    else
        memcpy(key, out, CS_AES128_KEY_SIZE);
    cs_zeroize(out, sizeof out);
    return rc;
}

static int check_digest(const cs_encryption_fields *f, cs_md md, const cs_buf *plain, cs_error *err)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    int rc = cs_digest(md, plain->data, plain->len, digest, err);
    if (rc == CS_OK && memcmp(digest, f->content_digest.data, cs_md_size(md)) != 0)
        rc = cs_fail(err, CS_INVALID,
                     "the decrypted content does not match its %s digest: the file was altered",
                     cs_md_name(md));
    return rc;
}

int cs_enc_open(const cs_encryption_fields *fields, const uint8_t *body, size_t body_len,
                const cs_key *device_key, cs_buf *plain, cs_error *err)
{
    plain->secret = true;
    cs_md md;
    int rc = cs_enc_check_fields(fields, body_len, err);
    if (rc == CS_OK)
        rc = content_md(fields->content_digest_code, &md, err);
    if (rc != CS_OK)
        return rc;
    uint8_t key[CS_AES128_KEY_SIZE];
    rc = decrypt_key(fields, device_key, key, err);
    if (rc != CS_OK)
        return rc;

    cs_buf out = CS_BUF_INIT;
    out.secret = true;
    if (!cs_buf_reserve(&out, body_len + 1))
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = cs_aes128_cbc_decrypt(key, fields->iv.data, body, body_len, out.data, err);
    cs_zeroize(key, sizeof key);
    if (rc == CS_OK) {
        out.len = body_len - fields->padding_count;
        cs_zeroize(out.data + out.len, fields->padding_count);
        rc = check_digest(fields, md, &out, err);
    }
    if (rc != CS_OK) {
        cs_buf_release(&out);
        return rc;
    }
    cs_buf_release(plain);
    *plain = out;
    return CS_OK;
}
