/* SPDX-License-Identifier: MIT */
/* Certificates: making them the way mkcert does (formats.md §6), and the
 * facts about any certificate that `cert show` and `cert hash` report.
 *
 * A made certificate is self-signed, version 3, with a random 16-byte
 * positive serial, the subject CN, O, OU[, L, ST, C] in that order, valid
 * from 00:00:00 UTC on the day of issue for a whole number of years, and
 * the extensions basicConstraints (critical, CA, pathlen 0), keyUsage,
 * extendedKeyUsage (serverAuth, clientAuth, ipsecEndSystem),
 * subjectKeyIdentifier and subjectAltName DNS:<CN in lower case>, in that
 * order: field for field what the reference writes. */
#ifndef CISCOSEC_CERTGEN_H
#define CISCOSEC_CERTGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"

#define CS_RSA_MIN_BITS 512u
#define CS_RSA_MAX_BITS 4096u
#define CS_RSA_DEFAULT_BITS 2048u
#define CS_CERT_DEFAULT_YEARS 10u
#define CS_CERT_SERIAL_SIZE 16
/* A name attribute longer than this is refused (X.520 allows 64 for CN). */
#define CS_CERT_MAX_ATTRIBUTE 256

/* The EC curves phones accept. */
typedef enum cs_curve {
    CS_CURVE_NONE, /* not an EC key */
    CS_CURVE_P256, /* secp256r1, also called prime256v1 */
    CS_CURVE_P384, /* secp384r1 */
    CS_CURVE_P521, /* secp521r1 */
    CS_CURVE_OTHER /* an EC key on a curve phones do not take */
} cs_curve;

/* Parses "secp256r1", "prime256v1", "secp384r1" or "secp521r1" (any case). */
bool cs_curve_parse(const char *name, cs_curve *out);
/* "secp256r1", ...; "other" for CS_CURVE_OTHER, NULL for CS_CURVE_NONE. */
const char *cs_curve_name(cs_curve curve);

/* What to make. Strings are UTF-8; an empty optional one counts as absent. */
typedef struct cs_cert_request {
    const char *common_name;  /* CN, required: printable ASCII, since it is
                                 also the DNS name in subjectAltName */
    const char *organization; /* O, required */
    const char *unit;         /* OU, required */
    const char *locality;     /* L, optional */
    const char *state;        /* ST, optional */
    const char *country;      /* C, optional: two letters in any case,
                                 written upper-case */
    cs_key_type key_type;     /* CS_KEY_RSA or CS_KEY_EC */
    unsigned rsa_bits;        /* RSA: a multiple of 8, 512 to 4096 */
    cs_curve curve;           /* EC: P256, P384 or P521 */
    cs_md md;                 /* the signature's digest: SHA1, SHA256, SHA512 */
    unsigned years;           /* validity, from 1 */
    time_t issued;            /* notBefore is 00:00:00 UTC of this day */
    bool issuer;              /* the CAPF issuer profile: keyUsage (critical)
                                 digitalSignature and keyCertSign only */
    cs_bytes key_passphrase;  /* data not NULL: the key is written as an
                                 encrypted PKCS#8 (PBES2, PBKDF2-HMAC-SHA256,
                                 AES-256-CBC) with this passphrase */
} cs_cert_request;

/* The defaults: RSA 2048, SHA256, 10 years, issued now; no names. */
void cs_cert_request_init(cs_cert_request *req);

/* Checks a request without making anything, so that bad input is refused
 * before the slow key generation and before any file is created. */
int cs_cert_request_check(const cs_cert_request *req, cs_error *err);

/* Generates a private key and its self-signed certificate and appends
 * both, key first, as PEM to pem (which should be a secret buffer): RSA
 * keys as PKCS#8 "PRIVATE KEY", EC keys as SEC1 "EC PRIVATE KEY", as the
 * reference writes them; with a key_passphrase, either as PKCS#8
 * "ENCRYPTED PRIVATE KEY". On failure pem is as it was. The key's numbers
 * are wiped when they are freed. */
int cs_cert_generate(const cs_cert_request *req, cs_buf *pem, cs_error *err);

/* --- inspecting any certificate ------------------------------------------- */

/* Loads the certificates of a PEM or DER file (cs_cert_load_file) and,
 * when the (PEM) file holds one, its private key; *key is NULL when there
 * is none. An encrypted key takes its passphrase from pass
 * (cs_key_load_file). When key_encrypted is not NULL, it tells whether
 * the key is encrypted, and an encrypted key with no pass is left out
 * (*key NULL) instead of being an error. key NULL: the certificates
 * only (cs_cert_load_file). The one loader of these files:
 * what it reads is wiped. */
int cs_cert_file_load(const char *path, const cs_passphrase *pass, cs_cert **cert, cs_key **key,
                      bool *key_encrypted, cs_error *err);

/* notBefore and notAfter, in seconds since 1970 (UTC). */
void cs_cert_validity(const cs_cert *cert, int64_t *not_before, int64_t *not_after);

/* The curve of an EC certificate's key; CS_CURVE_NONE for other keys. */
cs_curve cs_cert_curve(const cs_cert *cert);

/* The digest of the certificate's own signature, when it is one of
 * cs_md's; false otherwise. */
bool cs_cert_signature_md(const cs_cert *cert, cs_md *md);

/* Whether the certificate names itself as issuer and its signature
 * checks out with its own public key. */
bool cs_cert_is_self_signed(const cs_cert *cert);

/* The subject attributes that phones need in every certificate of a trust
 * list (the guide: CN, O and OU) and that cert's subject lacks: their
 * short names ("O", "OU") in missing, and how many. */
#define CS_CERT_NEEDED_NAMES 3
size_t cs_cert_missing_names(const cs_cert *cert, const char *missing[CS_CERT_NEEDED_NAMES]);
/* The sentence every command reports when names are missing ("the
 * certificate's subject has no O and OU: phones need CN, O and OU in a
 * trust list's certificates"), into text; false, text empty, when none
 * is missing. */
#define CS_CERT_NAMES_TEXT_SIZE 128
bool cs_cert_names_problem(const cs_cert *cert, char *text, size_t size);

/* What certhash prints: base64 of the md digest of the certificate's DER,
 * appended to out with a terminating NUL (use cs_buf_str). */
int cs_cert_hash_base64(const cs_cert *cert, cs_md md, cs_buf *out, cs_error *err);

#endif
