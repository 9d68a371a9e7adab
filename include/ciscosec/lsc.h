/* SPDX-License-Identifier: MIT */
/* The crypto behind CAPF (services.md): issuing a phone's LSC, the phone's
 * key, and the signatures a phone proves itself with.
 *
 * An issued LSC follows the reference profile with its issuer bug fixed:
 * subject CN=<device> then O, OU, L, ST, C from the issuer's subject;
 * issuer = the issuing certificate's subject; a random positive 16-byte serial;
 * SHA-256; valid from now for a number of days; basicConstraints CA:FALSE
 * (critical), keyUsage digitalSignature + keyEncipherment (critical),
 * extendedKeyUsage serverAuth, clientAuth, ipsecEndSystem, and
 * subjectAltName URI:<device>. */
#ifndef CISCOSEC_LSC_H
#define CISCOSEC_LSC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ciscosec/buf.h"
#include "ciscosec/certgen.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"

#define CS_LSC_MIN_DAYS 1u
#define CS_LSC_MAX_DAYS 3560u
#define CS_LSC_DEFAULT_DAYS 365u

/* The key a phone is asked for, and checked against what it sends. */
typedef struct cs_lsc_key_spec {
    cs_key_type type; /* CS_KEY_RSA or CS_KEY_EC */
    unsigned rsa_bits;
    cs_curve curve;
} cs_lsc_key_spec;

typedef struct cs_lsc_request {
    const cs_cert *issuer;
    const cs_key *issuer_key; /* RSA: mbedTLS 2.28 writes EC signatures
                                 with parameters phones refuse */
    const char *device;       /* a valid device name (capf.h) */
    cs_bytes public_key;      /* the phone's SubjectPublicKeyInfo, DER */
    cs_lsc_key_spec expected; /* CS_INVALID when the key differs */
    unsigned days;
    time_t now;
} cs_lsc_request;

/* Issues the certificate and appends its DER to der. CS_INVALID when the
 * phone's key is not the one expected (or cannot be parsed). */
int cs_lsc_issue(const cs_lsc_request *req, cs_buf *der, cs_error *err);

/* A certificate's DER as PEM, appended to pem. */
int cs_cert_pem_encode(cs_bytes der, cs_buf *pem, cs_error *err);

/* Whether cert is signed by one of the anchors (or is one), through the
 * mbedTLS chain check with SHA-1 and 1024-bit RSA allowed, as phones'
 * MICs need; a certificate outside its validity still chains, since
 * phones' clocks and old MICs make dates meaningless here. CS_INVALID
 * when it does not chain. */
int cs_cert_chains_to(const cs_cert *cert, const cs_cert *const *anchors, size_t count,
                      cs_error *err);

/* CAPF signed data: the md digest of data, signed as a phone does: RSA as
 * PKCS#1 v1.5 type 1 around the bare digest (no DigestInfo), EC as
 * ordinary ECDSA. Verify gives CS_INVALID for a wrong signature. */
int cs_capf_sign(const cs_key *key, cs_md md, cs_bytes data, cs_buf *sig, cs_error *err);
int cs_capf_verify(const cs_cert *cert, cs_md md, cs_bytes data, cs_bytes sig, cs_error *err);

/* Whether two secrets (passwords) are equal, in a time that depends on
 * their lengths only, never on where they differ. */
bool cs_secret_equal(cs_bytes a, cs_bytes b);

/* The phone's side: a new key, generated in memory, and its
 * SubjectPublicKeyInfo. */
int cs_lsc_key_generate(const cs_lsc_key_spec *spec, cs_key **out, cs_error *err);
int cs_key_public_der(const cs_key *key, cs_buf *out, cs_error *err);
/* The private key as PEM ("RSA PRIVATE KEY" or "EC PRIVATE KEY"), appended
 * to pem, which should be a secret buffer. */
int cs_key_pem_encode(const cs_key *key, cs_buf *pem, cs_error *err);

#endif
