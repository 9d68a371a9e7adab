/* SPDX-License-Identifier: MIT */
/* CAPF's crypto (lsc.h): issuing LSCs, phones' keys and signatures.
 *
 * The issued certificate's names are linked lists of mbedTLS named data
 * that point into the issuer's parsed certificate: nothing is copied, and
 * the lists are detached before mbedTLS frees its writer. */
#include "internal.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/constant_time.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>
#include <mbedtls/x509_crt.h>

#include <stdio.h>
#include <string.h>

#include "ciscosec/lsc.h"

/* A name with more attributes than this is refused. */
#define MAX_NAME_ATTRIBUTES 16
#define VALIDITY_SIZE 16 /* "YYYYMMDDhhmmss" */
#define SECONDS_PER_DAY 86400

/* basicConstraints CA:FALSE is the empty SEQUENCE; keyUsage
 * digitalSignature + keyEncipherment is the BIT STRING 05 A0. */
static const unsigned char basic_constraints_end_entity[] = {0x30, 0x00};
static const unsigned char key_usage_sign_encipher[] = {0x03, 0x02, 0x05, 0xA0};

/* --- names ------------------------------------------------------------------ */

typedef struct name_list {
    mbedtls_asn1_named_data nodes[MAX_NAME_ATTRIBUTES];
    size_t count;
} name_list;

/* mbedTLS writes a name from the tail of its list to the head, so each
 * attribute goes in front of the ones before it. */
static int name_push(name_list *list, const mbedtls_asn1_buf *oid, const mbedtls_asn1_buf *val)
{
    if (list->count >= MAX_NAME_ATTRIBUTES)
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    mbedtls_asn1_named_data *node = &list->nodes[list->count];
    memset(node, 0, sizeof *node);
    node->oid = *oid;
    node->val = *val;
    node->next = list->count > 0 ? &list->nodes[list->count - 1] : NULL;
    list->count++;
    return 0;
}

static mbedtls_asn1_named_data *name_head(name_list *list)
{
    return list->count > 0 ? &list->nodes[list->count - 1] : NULL;
}

static const mbedtls_x509_name *find_attribute(const mbedtls_x509_name *name, const char *oid,
                                               size_t oid_len)
{
    for (; name != NULL; name = name->next)
        if (name->oid.len == oid_len && memcmp(name->oid.p, oid, oid_len) == 0)
            return name;
    return NULL;
}

/* CN = device, then O, OU, L, ST, C as the issuer's subject has them. */
static int subject_names(name_list *list, const mbedtls_x509_name *issuer_subject,
                         const char *device)
{
    static const struct {
        const char *oid;
        size_t len;
    } copied[] = {
#define OID(o) {o, MBEDTLS_OID_SIZE(o)}
        OID(MBEDTLS_OID_AT_ORGANIZATION), OID(MBEDTLS_OID_AT_ORG_UNIT),
        OID(MBEDTLS_OID_AT_LOCALITY),     OID(MBEDTLS_OID_AT_STATE),
        OID(MBEDTLS_OID_AT_COUNTRY),
#undef OID
    };
    mbedtls_asn1_buf cn_oid = {MBEDTLS_ASN1_OID, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_CN),
                               (unsigned char *)MBEDTLS_OID_AT_CN};
    mbedtls_asn1_buf cn = {MBEDTLS_ASN1_UTF8_STRING, strlen(device), (unsigned char *)device};
    int rc = name_push(list, &cn_oid, &cn);
    for (size_t i = 0; rc == 0 && i < sizeof copied / sizeof copied[0]; i++) {
        const mbedtls_x509_name *attr =
            find_attribute(issuer_subject, copied[i].oid, copied[i].len);
        if (attr != NULL)
            rc = name_push(list, &attr->oid, &attr->val);
    }
    return rc;
}

/* The issuer's subject, attribute for attribute. */
static int copy_name(name_list *list, const mbedtls_x509_name *name)
{
    int rc = 0;
    for (; rc == 0 && name != NULL; name = name->next)
        rc = name_push(list, &name->oid, &name->val);
    return rc;
}

/* --- extensions ------------------------------------------------------------- */

static int set_extension(mbedtls_x509write_cert *crt, const char *oid, size_t oid_len, int critical,
                         const unsigned char *value, size_t len)
{
    return mbedtls_x509write_crt_set_extension(crt, oid, oid_len, critical, value, len);
}

/* Writes SEQUENCE { items } backwards into buf; returns the length or a
 * negative mbedTLS error. */
static int finish_sequence(unsigned char **p, unsigned char *start, int len)
{
    if (len < 0)
        return len;
    int n = mbedtls_asn1_write_len(p, start, (size_t)len);
    if (n < 0)
        return n;
    int t = mbedtls_asn1_write_tag(p, start, MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE);
    return t < 0 ? t : len + n + t;
}

/* subjectAltName: one uniformResourceIdentifier [6], the device name.
 * mbedTLS 2.28 has no writer for it. */
static int set_subject_alt_name(mbedtls_x509write_cert *crt, const char *device)
{
    unsigned char buf[128];
    unsigned char *p = buf + sizeof buf;
    size_t dlen = strlen(device);
    int len = mbedtls_asn1_write_raw_buffer(&p, buf, (const unsigned char *)device, dlen);
    if (len >= 0) {
        int n = mbedtls_asn1_write_len(&p, buf, dlen);
        int t = n < 0 ? n : mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 6);
        len = n < 0 ? n : t < 0 ? t : len + n + t;
    }
    len = finish_sequence(&p, buf, len);
    if (len < 0)
        return len;
    return set_extension(crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
                         MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, p, (size_t)len);
}

static int set_extensions(mbedtls_x509write_cert *crt, const char *device)
{
    /* In the profile's order: mbedTLS writes them in the order set. */
    int rc = set_extension(crt, MBEDTLS_OID_BASIC_CONSTRAINTS,
                           MBEDTLS_OID_SIZE(MBEDTLS_OID_BASIC_CONSTRAINTS), 1,
                           basic_constraints_end_entity, sizeof basic_constraints_end_entity);
    if (rc == 0)
        rc = set_extension(crt, MBEDTLS_OID_KEY_USAGE, MBEDTLS_OID_SIZE(MBEDTLS_OID_KEY_USAGE), 1,
                           key_usage_sign_encipher, sizeof key_usage_sign_encipher);
    if (rc == 0)
        rc = crypto_set_ext_key_usage(crt);
    if (rc == 0)
        rc = set_subject_alt_name(crt, device);
    return rc;
}

/* --- serial and validity ------------------------------------------------------ */

static int format_time(time_t t, char out[VALIDITY_SIZE])
{
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL)
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    int n = snprintf(out, VALIDITY_SIZE, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
                     tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return n == VALIDITY_SIZE - 2 ? 0 : MBEDTLS_ERR_X509_BAD_INPUT_DATA;
}

static int set_validity(mbedtls_x509write_cert *crt, time_t now, unsigned days)
{
    char from[VALIDITY_SIZE], to[VALIDITY_SIZE];
    int rc = format_time(now, from);
    if (rc == 0)
        rc = format_time(now + (time_t)days * SECONDS_PER_DAY, to);
    return rc == 0 ? mbedtls_x509write_crt_set_validity(crt, from, to) : rc;
}

/* --- the phone's key ------------------------------------------------------------ */

static cs_curve group_curve(mbedtls_ecp_group_id id)
{
    switch (id) {
    case MBEDTLS_ECP_DP_SECP256R1:
        return CS_CURVE_P256;
    case MBEDTLS_ECP_DP_SECP384R1:
        return CS_CURVE_P384;
    case MBEDTLS_ECP_DP_SECP521R1:
        return CS_CURVE_P521;
    default:
        return CS_CURVE_OTHER;
    }
}

static int check_phone_key(mbedtls_pk_context *pk, const cs_lsc_key_spec *want, cs_error *err)
{
    mbedtls_pk_type_t type = mbedtls_pk_get_type(pk);
    if (want->type == CS_KEY_RSA) {
        size_t bits = mbedtls_pk_get_bitlen(pk);
        if (type != MBEDTLS_PK_RSA || bits != want->rsa_bits)
            return cs_fail(err, CS_INVALID, "the phone sent a %s key of %zu bits, not RSA %u",
                           type == MBEDTLS_PK_RSA ? "RSA" : "non-RSA", bits, want->rsa_bits);
        return CS_OK;
    }
    if (type != MBEDTLS_PK_ECKEY ||
        group_curve(mbedtls_pk_ec(*pk)->MBEDTLS_PRIVATE(grp).id) != want->curve)
        return cs_fail(err, CS_INVALID, "the phone's key is not EC on %s",
                       cs_curve_name(want->curve));
    return CS_OK;
}

/* --- issuing ---------------------------------------------------------------------- */

static int write_certificate(mbedtls_x509write_cert *crt, cs_buf *der, cs_error *err)
{
    unsigned char buf[4096];
    int n = mbedtls_x509write_crt_der(crt, buf, sizeof buf, crypto_rng, NULL);
    if (n < 0)
        return crypto_fail(err, CS_ERROR, n, "cannot sign the LSC");
    cs_buf_append(der, buf + sizeof buf - n, (size_t)n);
    return der->failed ? cs_fail(err, CS_ERROR, "out of memory") : CS_OK;
}

int cs_lsc_issue(const cs_lsc_request *req, cs_buf *der, cs_error *err)
{
    if (req->days < CS_LSC_MIN_DAYS || req->days > CS_LSC_MAX_DAYS)
        return cs_fail(err, CS_ERROR, "validity of %u days is outside %u to %u", req->days,
                       CS_LSC_MIN_DAYS, CS_LSC_MAX_DAYS);
    if (cs_key_type_of(req->issuer_key) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the issuing key must be RSA");
    int rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    mbedtls_pk_context phone;
    mbedtls_pk_init(&phone);
    int mrc = mbedtls_pk_parse_public_key(&phone, req->public_key.data, req->public_key.len);
    if (mrc != 0) {
        mbedtls_pk_free(&phone);
        return crypto_fail(err, CS_INVALID, mrc, "the phone's public key does not parse");
    }
    rc = check_phone_key(&phone, &req->expected, err);

    name_list subject = {.count = 0}, issuer = {.count = 0};
    mbedtls_x509write_cert crt;
    mbedtls_x509write_crt_init(&crt);
    if (rc == CS_OK) {
        const mbedtls_x509_crt *ca = &req->issuer->crt;
        mbedtls_x509write_crt_set_version(&crt, MBEDTLS_X509_CRT_VERSION_3);
        mbedtls_x509write_crt_set_md_alg(&crt, MBEDTLS_MD_SHA256);
        mbedtls_x509write_crt_set_subject_key(&crt, &phone);
        mbedtls_x509write_crt_set_issuer_key(&crt, (mbedtls_pk_context *)&req->issuer_key->pk);
        mrc = subject_names(&subject, &ca->subject, req->device);
        if (mrc == 0)
            mrc = copy_name(&issuer, &ca->subject);
        crt.MBEDTLS_PRIVATE(subject) = name_head(&subject);
        crt.MBEDTLS_PRIVATE(issuer) = name_head(&issuer);
        if (mrc == 0)
            mrc = crypto_set_random_serial(&crt);
        if (mrc == 0)
            mrc = set_validity(&crt, req->now, req->days);
        if (mrc == 0)
            mrc = set_extensions(&crt, req->device);
        rc = mrc != 0 ? crypto_fail(err, CS_ERROR, mrc, "cannot prepare the LSC")
                      : write_certificate(&crt, der, err);
    }
    crt.MBEDTLS_PRIVATE(subject) = NULL; /* ours, not mbedTLS's to free */
    crt.MBEDTLS_PRIVATE(issuer) = NULL;
    mbedtls_x509write_crt_free(&crt);
    mbedtls_pk_free(&phone);
    return rc;
}

int cs_cert_pem_encode(cs_bytes der, cs_buf *pem, cs_error *err)
{
    /* Base64 with a line break every 64 characters, and the two lines. */
    size_t cap = der.len * 4 / 3 + der.len / 48 + 128;
    if (!cs_buf_reserve(pem, cap))
        return cs_fail(err, CS_ERROR, "out of memory");
    size_t olen = 0;
    int rc = mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n",
                                      "-----END CERTIFICATE-----\n", der.data, der.len,
                                      pem->data + pem->len, pem->cap - pem->len, &olen);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot write the certificate as PEM");
    pem->len += olen - 1; /* olen counts the NUL */
    return CS_OK;
}

/* --- chains ------------------------------------------------------------------------ */

/* Phones' MICs are signed with SHA-1 and some LSCs are RSA-1024. */
static const mbedtls_x509_crt_profile phone_profile = {
    MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA1) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA256) |
        MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA384) | MBEDTLS_X509_ID_FLAG(MBEDTLS_MD_SHA512),
    0xFFFFFFF, /* any public-key algorithm */
    0xFFFFFFF, /* any curve */
    1024,
};

int cs_cert_chains_to(const cs_cert *cert, const cs_cert *const *anchors, size_t count,
                      cs_error *err)
{
    mbedtls_x509_crt trusted;
    mbedtls_x509_crt_init(&trusted);
    int mrc = 0;
    for (size_t i = 0; mrc == 0 && i < count; i++)
        mrc = mbedtls_x509_crt_parse_der(&trusted, anchors[i]->crt.raw.p, anchors[i]->crt.raw.len);
    uint32_t flags = 0;
    if (mrc == 0 && count > 0)
        mrc = mbedtls_x509_crt_verify_with_profile((mbedtls_x509_crt *)&cert->crt, &trusted, NULL,
                                                   &phone_profile, NULL, &flags, NULL, NULL);
    mbedtls_x509_crt_free(&trusted);
    flags &= ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE);
    if (count == 0 || (mrc != 0 && flags != 0) ||
        (mrc != 0 && mrc != MBEDTLS_ERR_X509_CERT_VERIFY_FAILED))
        return cs_fail(err, CS_INVALID, "the phone's certificate does not chain to a trusted one");
    return CS_OK;
}

/* --- signed data ------------------------------------------------------------------- */

int cs_capf_sign(const cs_key *key, cs_md md, cs_bytes data, cs_buf *sig, cs_error *err)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    unsigned char out[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t len = 0;
    int rc = cs_digest(md, data.data, data.len, digest, err);
    if (rc == CS_OK)
        rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&key->pk;
    int mrc;
    if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_RSA) {
        mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*pk);
        len = mbedtls_rsa_get_len(rsa);
#if MBEDTLS_VERSION_MAJOR >= 3
        mrc = mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, crypto_rng, NULL, MBEDTLS_MD_NONE,
                                                (unsigned)cs_md_size(md), digest, out);
#else
        mrc = mbedtls_rsa_rsassa_pkcs1_v15_sign(rsa, crypto_rng, NULL, MBEDTLS_RSA_PRIVATE,
                                                MBEDTLS_MD_NONE, (unsigned)cs_md_size(md), digest,
                                                out);
#endif
    } else {
#if MBEDTLS_VERSION_MAJOR >= 3
        mrc = mbedtls_pk_sign(pk, crypto_md_type(md), digest, cs_md_size(md), out, sizeof out, &len,
                              crypto_rng, NULL);
#else
        mrc = mbedtls_pk_sign(pk, crypto_md_type(md), digest, cs_md_size(md), out, &len, crypto_rng,
                              NULL);
#endif
    }
    if (mrc != 0)
        return crypto_fail(err, CS_ERROR, mrc, "cannot sign the CAPF data");
    cs_buf_append(sig, out, len);
    return sig->failed ? cs_fail(err, CS_ERROR, "out of memory") : CS_OK;
}

int cs_capf_verify(const cs_cert *cert, cs_md md, cs_bytes data, cs_bytes sig, cs_error *err)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    int rc = cs_digest(md, data.data, data.len, digest, err);
    if (rc != CS_OK)
        return rc;
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&cert->crt.pk;
    int mrc;
    if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_RSA) {
        mbedtls_rsa_context *rsa = mbedtls_pk_rsa(*pk);
        /* The raw public operation reads exactly the key's length. */
        if (sig.len != mbedtls_rsa_get_len(rsa))
            return cs_fail(err, CS_INVALID, "%s signature of %zu bytes for a %zu-byte key",
                           cs_md_name(md), sig.len, mbedtls_rsa_get_len(rsa));
#if MBEDTLS_VERSION_MAJOR >= 3
        mrc = mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, MBEDTLS_MD_NONE, (unsigned)cs_md_size(md),
                                                  digest, sig.data);
#else
        mrc = mbedtls_rsa_rsassa_pkcs1_v15_verify(rsa, NULL, NULL, MBEDTLS_RSA_PUBLIC,
                                                  MBEDTLS_MD_NONE, (unsigned)cs_md_size(md), digest,
                                                  sig.data);
#endif
    } else if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_ECKEY) {
        mrc = mbedtls_pk_verify(pk, crypto_md_type(md), digest, cs_md_size(md), sig.data, sig.len);
    } else {
        return cs_fail(err, CS_INVALID, "the phone's certificate has neither an RSA nor an EC key");
    }
    if (mrc != 0)
        return cs_fail(err, CS_INVALID, "%s signed data does not verify", cs_md_name(md));
    return CS_OK;
}

bool cs_secret_equal(cs_bytes a, cs_bytes b)
{
    size_t n = a.len < b.len ? a.len : b.len;
    int differ = n > 0 ? mbedtls_ct_memcmp(a.data, b.data, n) : 0;
    return (differ == 0) & (a.len == b.len);
}

/* --- the phone's side ------------------------------------------------------------- */

int cs_lsc_key_generate(const cs_lsc_key_spec *spec, cs_key **out, cs_error *err)
{
    /* certgen's generator, whose self-signed certificate is dropped: the
     * key is all a phone keeps. */
    cs_cert_request req;
    cs_cert_request_init(&req);
    req.common_name = "capf-client";
    req.organization = "ciscosec";
    req.unit = "capf";
    req.key_type = spec->type;
    req.rsa_bits = spec->rsa_bits;
    req.curve = spec->curve;
    cs_buf pem = CS_BUF_INIT;
    pem.secret = true;
    int rc = cs_cert_generate(&req, &pem, err);
    if (rc == CS_OK) {
        (void)cs_buf_str(&pem); /* mbedTLS counts PEM's terminating NUL */
        rc = pem.failed ? cs_fail(err, CS_ERROR, "out of memory")
                        : cs_key_parse(pem.data, pem.len + 1, out, err);
    }
    cs_buf_release(&pem);
    return rc;
}

int cs_key_public_der(const cs_key *key, cs_buf *out, cs_error *err)
{
    unsigned char buf[2048];
    int n = mbedtls_pk_write_pubkey_der((mbedtls_pk_context *)&key->pk, buf, sizeof buf);
    if (n < 0)
        return crypto_fail(err, CS_ERROR, n, "cannot encode the public key");
    cs_buf_append(out, buf + sizeof buf - n, (size_t)n);
    return out->failed ? cs_fail(err, CS_ERROR, "out of memory") : CS_OK;
}

int cs_key_pem_encode(const cs_key *key, cs_buf *pem, cs_error *err)
{
    unsigned char text[8192]; /* an RSA-4096 key is about 3.3 KB of PEM */
    int rc = mbedtls_pk_write_key_pem((mbedtls_pk_context *)&key->pk, text, sizeof text);
    if (rc == 0)
        cs_buf_append(pem, text, strlen((const char *)text));
    cs_zeroize(text, sizeof text);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot encode the private key");
    return pem->failed ? cs_fail(err, CS_ERROR, "out of memory") : CS_OK;
}
