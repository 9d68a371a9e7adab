/* The crypto module: the only code that includes mbedTLS headers.
 *
 * Every type here is opaque, so the differences between mbedTLS 2.28 and
 * 3.x stay inside src/crypto/. Randomness comes from mbedTLS's entropy
 * collector feeding a CTR_DRBG, one per thread. */
#ifndef CISCOSEC_CRYPTO_H
#define CISCOSEC_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/error.h"

#define CS_MAX_DIGEST_SIZE 64
#define CS_MAX_SIGNATURE_SIZE 1024 /* RSA 8192: more than any phone takes */

typedef enum cs_md { CS_MD_MD5, CS_MD_SHA1, CS_MD_SHA256, CS_MD_SHA384, CS_MD_SHA512 } cs_md;

typedef enum cs_key_type { CS_KEY_OTHER, CS_KEY_RSA, CS_KEY_EC } cs_key_type;

typedef struct cs_cert cs_cert;
typedef struct cs_key cs_key;
typedef struct cs_hash cs_hash;

/* "mbedTLS 2.28.3": the version the program was built with. */
const char *cs_crypto_version(void);

/* Overwrites memory in a way the compiler cannot drop. */
void cs_zeroize(void *p, size_t len);

/* Bytes of random from the thread's CTR_DRBG (seeded from entropy). */
int cs_random(void *out, size_t len, cs_error *err);

/* Message digests. */
size_t cs_md_size(cs_md md);
const char *cs_md_name(cs_md md); /* "SHA1", "SHA512", ... */
int cs_hash_new(cs_hash **out, cs_md md, cs_error *err);
void cs_hash_update(cs_hash *h, const void *data, size_t len);
/* Writes cs_md_size() bytes; the context can then only be freed. */
void cs_hash_finish(cs_hash *h, uint8_t *out);
void cs_hash_free(cs_hash *h);
int cs_digest(cs_md md, const void *data, size_t len, uint8_t *out, cs_error *err);

/* Certificates. A PEM file may hold other blocks (a private key) too: the
 * first certificate in it is taken. DER is accepted as well. */
int cs_cert_load_file(const char *path, cs_cert **out, cs_error *err);
int cs_cert_parse(const uint8_t *data, size_t len, cs_cert **out, cs_error *err);
void cs_cert_free(cs_cert *cert);
cs_bytes cs_cert_der(const cs_cert *cert);
/* Appends the certificate as PEM ("-----BEGIN CERTIFICATE-----"). */
int cs_cert_pem(const cs_cert *cert, cs_buf *out, cs_error *err);
/* The serial number as minimal unsigned big-endian bytes (no sign byte). */
cs_bytes cs_cert_serial(const cs_cert *cert);
/* Subject and issuer in the Cisco string form (names.h), appended to out
 * with a terminating NUL (use cs_buf_str). */
int cs_cert_subject(const cs_cert *cert, cs_buf *out, cs_error *err);
int cs_cert_issuer(const cs_cert *cert, cs_buf *out, cs_error *err);
cs_key_type cs_cert_key_type(const cs_cert *cert);
size_t cs_cert_key_bits(const cs_cert *cert);
/* The public key as a trust list stores it: RSA as a DER RSAPublicKey,
 * EC as the uncompressed point 04||X||Y. */
int cs_cert_public_key(const cs_cert *cert, cs_buf *out, cs_error *err);
/* The certificate's own signatureValue bytes. */
cs_bytes cs_cert_signature(const cs_cert *cert);
/* RSA PKCS#1 v1.5 check of sig over a digest made with md.
 * CS_OK valid, CS_INVALID not, CS_ERROR when the key cannot verify (not
 * RSA). */
int cs_cert_verify(const cs_cert *cert, cs_md md, const uint8_t *digest, const uint8_t *sig,
                   size_t sig_len, cs_error *err);

/* Private keys: PEM PKCS#1 ("RSA PRIVATE KEY"), PKCS#8 ("PRIVATE KEY") or
 * SEC1 ("EC PRIVATE KEY"), alone or beside a certificate in the file.
 * The file's bytes are wiped after parsing. */
int cs_key_load_file(const char *path, cs_key **out, cs_error *err);
int cs_key_parse(const uint8_t *data, size_t len, cs_key **out, cs_error *err);
/* Frees the key; mbedTLS wipes its numbers. */
void cs_key_free(cs_key *key);
cs_key_type cs_key_type_of(const cs_key *key);
size_t cs_key_bits(const cs_key *key);
/* CS_OK when key is the private half of cert's public key, else CS_INVALID. */
int cs_key_matches_cert(const cs_key *key, const cs_cert *cert, cs_error *err);
/* RSA PKCS#1 v1.5 signature of a digest made with md; sig receives
 * cs_key_bits()/8 bytes. */
int cs_key_sign(const cs_key *key, cs_md md, const uint8_t *digest, uint8_t *sig, size_t sig_len,
                cs_error *err);
/* A copy of an RSA key, for another thread: mbedTLS holds a lock on an
 * RSA key for the whole of each private operation, so threads sharing one
 * key would sign one at a time. Free the copy with cs_key_free. */
int cs_key_clone(const cs_key *key, cs_key **out, cs_error *err);

#endif
