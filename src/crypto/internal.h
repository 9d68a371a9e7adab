/* SPDX-License-Identifier: MIT */
/* Private to the crypto module (src/crypto/): the mbedTLS-backed types and
 * the helpers its files share. Nothing outside src/crypto/ includes this. */
#ifndef CISCOSEC_CRYPTO_INTERNAL_H
#define CISCOSEC_CRYPTO_INTERNAL_H

#define MBEDTLS_ALLOW_PRIVATE_ACCESS /* 3.x: certificate fields we read */

#include <mbedtls/asn1write.h>
#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/md.h>
#include <mbedtls/pem.h>
#include <mbedtls/pk.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/rsa.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>
#include <mbedtls/version.h>
#include <mbedtls/x509_crt.h>

#include "ciscosec/certgen.h"
#include "ciscosec/crypto.h"

#ifndef MBEDTLS_PRIVATE
#define MBEDTLS_PRIVATE(member) member
#endif

struct cs_cert {
    mbedtls_x509_crt crt;
};

struct cs_key {
    mbedtls_pk_context pk;
};

struct cs_hash {
    mbedtls_md_context_t ctx;
    cs_md md;
};

/* Initialises what mbedTLS needs once per process (PSA in 3.x). Every
 * entry point that parses or uses keys calls it first. */
void crypto_setup(void);

/* The calling thread's CTR_DRBG, seeded on first use; for mbedTLS
 * functions that take f_rng/p_rng (pass NULL as p_rng). */
int crypto_rng_ready(cs_error *err);
int crypto_rng(void *ctx, unsigned char *out, size_t len);

mbedtls_md_type_t crypto_md_type(cs_md md);

/* Whether issuer's subject is c's issuer and issuer's key checks c's
 * signature (c == issuer: self-signed). */
bool crypto_crt_signed_by(const mbedtls_x509_crt *c, const mbedtls_x509_crt *issuer);

/* cs_fail with mbedTLS's description of mbed_rc appended. */
int crypto_fail(cs_error *err, int status, int mbed_rc, const char *what);

/* TLS plumbing shared by the probe's handshake (tlshandshake.c), the
 * services' sessions (tlsserver.c) and their client (tlsclient.c). */
/* mbedTLS bio callbacks on the int descriptor ctx points to: send with
 * MSG_NOSIGNAL (a closed peer is an error, not SIGPIPE) and recv, with
 * EAGAIN as WANT_WRITE/WANT_READ. */
int crypto_send(void *ctx, const unsigned char *buf, size_t len);
int crypto_recv(void *ctx, unsigned char *buf, size_t len);
/* The protocol versions: TLS 1.2, or 1.0 to 1.2 with allow_tls10. */
void crypto_tls_versions(mbedtls_ssl_config *conf, bool allow_tls10);
/* The ECDHE curves offered and accepted, the cheapest first. */
void crypto_tls_curves(mbedtls_ssl_config *conf);
/* CS_ERROR saying so when TLS 1.0 is asked for and this build lacks it. */
int crypto_check_tls10(bool allow_tls10, cs_error *err);

/* --- DER writing ------------------------------------------------------------ */

/* mbedTLS's ASN.1 writers go backwards from the end of a buffer and return
 * the bytes written or a negative error; this keeps the running length and
 * the first error. */
typedef struct der_writer {
    unsigned char *p;
    unsigned char *start;
    size_t len;
    int error;
} der_writer;

static inline void der_writer_init(der_writer *w, unsigned char *buf, size_t size)
{
    *w = (der_writer){buf + size, buf, 0, 0};
}

static inline void der_add(der_writer *w, int written)
{
    if (w->error != 0)
        return;
    if (written < 0)
        w->error = written;
    else
        w->len += (size_t)written;
}

/* Puts a tag and length in front of what was written since `mark`. */
static inline void der_wrap(der_writer *w, size_t mark, unsigned char tag)
{
    if (w->error != 0)
        return;
    der_add(w, mbedtls_asn1_write_len(&w->p, w->start, w->len - mark));
    der_add(w, mbedtls_asn1_write_tag(&w->p, w->start, tag));
}

#define SEQUENCE_TAG (MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)

/* --- PEM files and key types (crypto.c), for certs.c and keys.c ----------- */

/* The length to pass mbedTLS for the text in buf: PEM only parses with
 * the terminating NUL counted. */
size_t crypto_pem_len(const cs_buf *buf);
/* A certificate or key file into buf, marked secret (wiped when released)
 * and NUL-terminated: a PEM file may hold a private key. */
int crypto_read_pem_file(const char *path, cs_buf *buf, cs_error *err);
/* PEM text as mbedTLS wants it: NUL-terminated, the NUL counted. */
bool crypto_is_pem(const uint8_t *data, size_t len);
cs_key_type crypto_pk_key_type(const mbedtls_pk_context *pk);

/* --- certificates and keys (certgen.c, certinfo.c, rsasmall.c, compat.c) ------ */

/* The public exponent of every RSA key generated. */
#define RSA_EXPONENT 65537

/* The mbedTLS group of a supported curve; MBEDTLS_ECP_DP_NONE for others. */
mbedtls_ecp_group_id crypto_curve_group(cs_curve curve);

/* An RSA key of `bits` bits into rsa (set up as RSA), for sizes under the
 * smallest mbedTLS 3.x generates: 0 or an mbedTLS error. */
int crypto_rsa_generate_small(mbedtls_rsa_context *rsa, unsigned bits);

#if MBEDTLS_VERSION_MAJOR < 3
/* mbedTLS 2.28 writes the ECDSA signature algorithm with NULL parameters,
 * which RFC 5758 forbids: puts the certificate at *der (inside buf)
 * together again without them, signed anew with pk; scratch holds the new
 * TBSCertificate meanwhile. 0 or an mbedTLS error. */
int crypto_drop_ecdsa_null_parameters(unsigned char *buf, size_t size, unsigned char **der,
                                      size_t *der_len, unsigned char *scratch, size_t scratch_size,
                                      mbedtls_pk_context *pk, mbedtls_md_type_t md);
#endif

/* What every certificate we make has alike, made certificates and LSCs
 * (certgen.c). The serial: 16 random bytes, positive with no sign byte
 * (the top bit clear, the first byte non-zero), so the DER INTEGER is
 * always 16 bytes. 0 or an mbedTLS error. */
int crypto_set_random_serial(mbedtls_x509write_cert *crt);
/* extendedKeyUsage, not critical: serverAuth, clientAuth, ipsecEndSystem.
 * 0 or an mbedTLS error. */
int crypto_set_ext_key_usage(mbedtls_x509write_cert *crt);

/* --- encrypted PKCS#8 (pkcs8.c) ----------------------------------------------- */

/* The PBES2 parameters that cs_cert_generate writes: PBKDF2-HMAC-SHA256
 * with this many iterations (OWASP's 2023 advice for it) and AES-256-CBC. */
#define CRYPTO_PBKDF2_ITERATIONS 600000u

/* crypto_pkcs8_decrypt's answer for DER that is not PBES2 (PBES1, PKCS#12
 * schemes): mbedTLS is left to read those itself. */
#define CRYPTO_NOT_PBES2 (-1)

/* Decrypts an EncryptedPrivateKeyInfo (DER) protected with PBES2 (PBKDF2,
 * AES-CBC) and parses the key into pk: CS_OK, CRYPTO_NOT_PBES2, or
 * CS_ERROR ("wrong passphrase" when it does not decrypt to a key). */
int crypto_pkcs8_decrypt(const unsigned char *der, size_t len, cs_bytes passphrase,
                         mbedtls_pk_context *pk, cs_error *err);

/* Appends key_der (a PKCS#8 PrivateKeyInfo) to pem as an "ENCRYPTED
 * PRIVATE KEY": PBES2 with PBKDF2-HMAC-SHA256, CRYPTO_PBKDF2_ITERATIONS
 * and AES-256-CBC, random salt and IV. */
int crypto_pkcs8_encrypt(const unsigned char *key_der, size_t len, cs_bytes passphrase, cs_buf *pem,
                         cs_error *err);

/* mbedtls_pk_parse_key across versions (3.x wants an RNG). */
int crypto_pk_parse(mbedtls_pk_context *pk, const unsigned char *data, size_t len,
                    cs_bytes passphrase);

#endif
