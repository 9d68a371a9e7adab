/* SPDX-License-Identifier: MIT */
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
#include "ciscosec/md.h"
#include "ciscosec/zeroize.h" /* callers that hold keys wipe them */

#define CS_MAX_DIGEST_SIZE 64
#define CS_MAX_SIGNATURE_SIZE 1024 /* RSA 8192: more than any phone takes */
/* PEM certificates and keys are small; a larger file is refused early. */
#define CS_PEM_MAX_FILE_SIZE (1024u * 1024)

typedef enum cs_key_type { CS_KEY_OTHER, CS_KEY_RSA, CS_KEY_EC } cs_key_type;

typedef struct cs_cert cs_cert;
typedef struct cs_key cs_key;
typedef struct cs_hash cs_hash;

/* "mbedTLS 2.28.3": the version the program was built with. */
const char *cs_crypto_version(void);

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

/* Where the passphrase of an encrypted private key comes from. get is
 * called only when a key turns out to be encrypted, with the file's path;
 * it appends the passphrase to out, a secret buffer the loader wipes. */
typedef struct cs_passphrase {
    int (*get)(void *ctx, const char *path, cs_buf *out, cs_error *err);
    void *ctx;
} cs_passphrase;

/* Certificates. A PEM file may hold other blocks (a private key) too, and
 * several certificates (a chain): its leaf, the first certificate that
 * signs none of the others, is the one taken. DER is accepted as well.
 * The file's bytes are wiped after parsing, since they may hold a key. */
int cs_cert_load_file(const char *path, cs_cert **out, cs_error *err);
int cs_cert_parse(const uint8_t *data, size_t len, cs_cert **out, cs_error *err);
void cs_cert_free(cs_cert *cert);
/* A chain file's certificates: how many, and a copy of each (0 is the
 * leaf; the others follow in the file's order). */
size_t cs_cert_count(const cs_cert *cert);
int cs_cert_at(const cs_cert *cert, size_t i, cs_cert **out, cs_error *err);
/* Whether issuer's subject is cert's issuer and its key checks cert's
 * signature. */
bool cs_cert_signed_by(const cs_cert *cert, const cs_cert *issuer);
cs_bytes cs_cert_der(const cs_cert *cert);
/* Appends the certificate as PEM ("-----BEGIN CERTIFICATE-----"). */
int cs_cert_pem(const cs_cert *cert, cs_buf *out, cs_error *err);
/* The serial number as minimal unsigned big-endian bytes (no sign byte). */
cs_bytes cs_cert_serial(const cs_cert *cert);
/* The attributes of the subject or issuer name, in certificate order:
 *     cs_name_iter it = cs_cert_subject_attrs(cert);
 *     cs_name_attr a;
 *     while (cs_name_next(&it, &a)) ...
 * The views point into the certificate. names.h writes them in the Cisco
 * string form (cs_cert_subject, cs_cert_issuer). */
typedef struct cs_name_attr {
    cs_bytes oid;  /* DER contents of the attribute type */
    int value_tag; /* ASN.1 string tag of the value */
    cs_bytes value;
} cs_name_attr;
typedef struct cs_name_iter {
    const void *next;
} cs_name_iter;
cs_name_iter cs_cert_subject_attrs(const cs_cert *cert);
cs_name_iter cs_cert_issuer_attrs(const cs_cert *cert);
bool cs_name_next(cs_name_iter *it, cs_name_attr *attr);
cs_key_type cs_cert_key_type(const cs_cert *cert);
size_t cs_cert_key_bits(const cs_cert *cert);
/* The public key as a trust list stores it: RSA as a DER RSAPublicKey,
 * EC as the uncompressed point 04||X||Y. */
int cs_cert_public_key(const cs_cert *cert, cs_buf *out, cs_error *err);
/* The certificate's own signatureValue bytes. */
cs_bytes cs_cert_signature(const cs_cert *cert);
/* Whether the certificate names host as a TLS client checks a server:
 * a subjectAltName dNSName, or the subject CN when there is none; case
 * does not matter, and "*." matches one leftmost label. */
bool cs_cert_names_host(const cs_cert *cert, const char *host);
/* RSA PKCS#1 v1.5 check of sig over a digest made with md.
 * CS_OK valid, CS_INVALID not, CS_ERROR when the key cannot verify (not
 * RSA). */
int cs_cert_verify(const cs_cert *cert, cs_md md, const uint8_t *digest, const uint8_t *sig,
                   size_t sig_len, cs_error *err);

/* Private keys: PEM PKCS#1 ("RSA PRIVATE KEY"), PKCS#8 ("PRIVATE KEY") or
 * SEC1 ("EC PRIVATE KEY"), alone or beside a certificate in the file; or
 * encrypted: PKCS#8 "ENCRYPTED PRIVATE KEY" (PBES2 with PBKDF2 and
 * AES-CBC, as OpenSSL writes it, or what mbedTLS reads itself) or the
 * traditional "Proc-Type: 4,ENCRYPTED" form. An encrypted key takes its
 * passphrase from pass (NULL: an encrypted key is refused); a wrong one is
 * CS_ERROR "wrong passphrase". The file's bytes are wiped after parsing. */
int cs_key_load_file(const char *path, const cs_passphrase *pass, cs_key **out, cs_error *err);
/* An unencrypted key; PEM with its NUL counted in len, or DER. */
int cs_key_parse(const uint8_t *data, size_t len, cs_key **out, cs_error *err);
/* The same, decrypting an encrypted PEM key with the passphrase. */
int cs_key_parse_encrypted(const uint8_t *data, size_t len, cs_bytes passphrase, cs_key **out,
                           cs_error *err);
/* Whether PEM text (NUL-terminated) holds an encrypted private key. */
bool cs_key_pem_is_encrypted(const char *text);
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
