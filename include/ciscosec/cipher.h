/* SPDX-License-Identifier: MIT */
/* Encryption for configuration files (formats.md §4): AES-128-CBC without
 * padding, and RSA PKCS#1 v1.5 to carry the AES key.
 *
 * Part of the crypto module (src/crypto/cipher.c): the types stay opaque and
 * mbedTLS stays out of this header. Padding is the caller's business, since
 * the Cisco format pads with '\r' bytes that no library knows. */
#ifndef CISCOSEC_CIPHER_H
#define CISCOSEC_CIPHER_H

#include <stddef.h>
#include <stdint.h>

#include "ciscosec/crypto.h"
#include "ciscosec/error.h"

#define CS_AES128_KEY_SIZE 16
#define CS_AES_BLOCK_SIZE 16

/* AES-128-CBC of len bytes (a multiple of CS_AES_BLOCK_SIZE) from in to out,
 * which may be the same buffer. iv is not modified. */
int cs_aes128_cbc_encrypt(const uint8_t key[CS_AES128_KEY_SIZE],
                          const uint8_t iv[CS_AES_BLOCK_SIZE], const uint8_t *in, size_t len,
                          uint8_t *out, cs_error *err);
int cs_aes128_cbc_decrypt(const uint8_t key[CS_AES128_KEY_SIZE],
                          const uint8_t iv[CS_AES_BLOCK_SIZE], const uint8_t *in, size_t len,
                          uint8_t *out, cs_error *err);

/* RSA PKCS#1 v1.5 encryption of a short message to the certificate's public
 * key. out receives the key's size in bytes (out_size must hold them);
 * *out_len says how many. CS_ERROR when the key is not RSA. */
int cs_cert_encrypt(const cs_cert *cert, const uint8_t *in, size_t len, uint8_t *out,
                    size_t out_size, size_t *out_len, cs_error *err);

/* The reverse, with the private key. CS_ERROR when the key is not RSA or the
 * ciphertext does not decrypt (the wrong key, almost always). */
int cs_key_decrypt(const cs_key *key, const uint8_t *in, size_t len, uint8_t *out, size_t out_size,
                   size_t *out_len, cs_error *err);

#endif
