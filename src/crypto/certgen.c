/* SPDX-License-Identifier: MIT */
/* Certificates as mkcert makes them (formats.md §6): the request checked,
 * the key generated, the key and the certificate written as PEM.
 *
 * mbedTLS writes most of the certificate. Three extensions are encoded
 * here because its helpers differ from the reference: keyUsage (mbedTLS
 * marks it critical, the reference does not), extendedKeyUsage (2.28 has
 * no writer) and subjectAltName (neither version has a writer for
 * certificates). The subject is stored attribute by attribute rather than
 * parsed from a "CN=...,O=..." string, so that no value needs escaping
 * and each gets the string type the reference uses. mbedTLS 2.28 gives the
 * ECDSA signature algorithm NULL parameters, which the reference and 3.x
 * leave out: those certificates are put together again without them
 * (compat.c). What any certificate says is read in certinfo.c. */
#include "internal.h"

#include "ciscosec/civiltime.h"

#include <mbedtls/asn1write.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>
#include <mbedtls/pem.h>

#include <stdlib.h>
#include <string.h>

#include "ciscosec/certgen.h"
#include "ciscosec/fileio.h"

/* mbedTLS 3.x generates no RSA key under this size (2.28 goes lower);
 * smaller ones are made by crypto_rsa_generate_small (rsasmall.c) in
 * every version, so that both builds run the same code for them. */
#define RSA_LIBRARY_MIN_BITS 1024u
/* "YYYYMMDDhhmmss", with room for any int the compiler imagines. */
#define VALIDITY_SIZE 48

/* id-kp-ipsecEndSystem, 1.3.6.1.5.5.7.3.5: mbedTLS has no name for it. */
#define OID_IPSEC_END_SYSTEM MBEDTLS_OID_KP "\x05"

/* --- checking a request ----------------------------------------------------- */

void cs_cert_request_init(cs_cert_request *req)
{
    *req = (cs_cert_request){
        .key_type = CS_KEY_RSA,
        .rsa_bits = CS_RSA_DEFAULT_BITS,
        .curve = CS_CURVE_NONE,
        .md = CS_MD_SHA256,
        .years = CS_CERT_DEFAULT_YEARS,
        .issued = time(NULL),
    };
}

static bool present(const char *s)
{
    return s != NULL && s[0] != '\0';
}

static int check_attribute(const char *what, const char *value, bool ascii, cs_error *err)
{
    const unsigned char *s = (const unsigned char *)value;
    size_t len = strlen(value);
    if (len > CS_CERT_MAX_ATTRIBUTE)
        return cs_fail(err, CS_ERROR, "the %s is longer than %d bytes", what,
                       CS_CERT_MAX_ATTRIBUTE);
    for (size_t i = 0; i < len; i++) {
        if (cs_is_control_byte(s[i]))
            return cs_fail(err, CS_ERROR, "the %s holds a control character", what);
        if (ascii && s[i] >= 0x80)
            return cs_fail(err, CS_ERROR,
                           "the %s must be ASCII: it is also the certificate's DNS name", what);
    }
    if (!cs_utf8_valid(s, len))
        return cs_fail(err, CS_ERROR, "the %s is not valid UTF-8", what);
    return CS_OK;
}

static bool is_ascii_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char ascii_upper(char c)
{
    return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

static int check_names(const cs_cert_request *req, cs_error *err)
{
    const struct {
        const char *what;
        const char *value;
        bool required;
    } names[] = {
        {"common name", req->common_name, true},
        {"organization", req->organization, true},
        {"unit", req->unit, true},
        {"locality", req->locality, false},
        {"state", req->state, false},
        {"country", req->country, false},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!present(names[i].value)) {
            if (names[i].required)
                return cs_fail(err, CS_ERROR, "a %s is required", names[i].what);
            continue;
        }
        int rc = check_attribute(names[i].what, names[i].value, i == 0, err);
        if (rc != CS_OK)
            return rc;
    }
    const char *c = req->country;
    if (present(c) && (strlen(c) != 2 || !is_ascii_letter(c[0]) || !is_ascii_letter(c[1])))
        return cs_fail(err, CS_ERROR, "invalid country '%s': two letters, such as NZ", c);
    return CS_OK;
}

/* PKCS#1 v1.5 needs the DigestInfo and 11 bytes of padding to fit. */
static size_t rsa_min_bytes(cs_md md)
{
    size_t digest_info = md == CS_MD_SHA1 ? 15 : 19;
    return digest_info + cs_md_size(md) + 11;
}

static int check_key(const cs_cert_request *req, cs_error *err)
{
    if (req->md != CS_MD_SHA1 && req->md != CS_MD_SHA256 && req->md != CS_MD_SHA512)
        return cs_fail(err, CS_ERROR, "invalid digest %s: sha1, sha256 or sha512",
                       cs_md_name(req->md));
    if (req->key_type == CS_KEY_EC) {
        if (crypto_curve_group(req->curve) == MBEDTLS_ECP_DP_NONE)
            return cs_fail(err, CS_ERROR, "invalid curve: secp256r1, secp384r1 or secp521r1");
        return CS_OK;
    }
    if (req->key_type != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the key must be RSA or EC");
    /* Whole bytes: mbedTLS counts RSA sizes in bytes, and so do the
     * signatures phones check. */
    if (req->rsa_bits < CS_RSA_MIN_BITS || req->rsa_bits > CS_RSA_MAX_BITS ||
        req->rsa_bits % 8 != 0)
        return cs_fail(err, CS_ERROR, "invalid RSA key size %u: a multiple of 8 from %u to %u",
                       req->rsa_bits, CS_RSA_MIN_BITS, CS_RSA_MAX_BITS);
    if (req->rsa_bits / 8 < rsa_min_bytes(req->md))
        return cs_fail(err, CS_ERROR, "an RSA key of %u bits is too small to sign with %s",
                       req->rsa_bits, cs_md_name(req->md));
    return CS_OK;
}

/* "YYYYMMDD000000" for the day of issue and the same day `years` later
 * (28 February when the day of issue is 29 February and the later year is
 * not a leap year), as mbedtls_x509write_crt_set_validity takes them. */
static int validity_strings(const cs_cert_request *req, char from[VALIDITY_SIZE],
                            char to[VALIDITY_SIZE], cs_error *err)
{
    struct tm tm;
    if (gmtime_r(&req->issued, &tm) == NULL)
        return cs_fail(err, CS_ERROR, "the date of issue is out of range");
    int year = tm.tm_year + 1900, month = tm.tm_mon + 1, day = tm.tm_mday;
    if (year < 1950 || year > 9998)
        return cs_fail(err, CS_ERROR, "the date of issue is out of range (year %d)", year);
    if (req->years < 1 || req->years > (unsigned)(9999 - year))
        return cs_fail(err, CS_ERROR, "invalid validity of %u years: from 1 to %d", req->years,
                       9999 - year);
    int end_year = year + (int)req->years;
    int end_day = month == 2 && day == 29 && !cs_is_leap_year(end_year) ? 28 : day;
    snprintf(from, VALIDITY_SIZE, "%04d%02d%02d000000", year, month, day);
    snprintf(to, VALIDITY_SIZE, "%04d%02d%02d000000", end_year, month, end_day);
    return CS_OK;
}

int cs_cert_request_check(const cs_cert_request *req, cs_error *err)
{
    char from[VALIDITY_SIZE], to[VALIDITY_SIZE];
    int rc = check_names(req, err);
    if (rc == CS_OK)
        rc = check_key(req, err);
    if (rc == CS_OK)
        rc = validity_strings(req, from, to, err);
    return rc;
}

/* --- key generation --------------------------------------------------------- */

static int generate_key(const cs_cert_request *req, mbedtls_pk_context *pk, cs_error *err)
{
    int rc;
    if (req->key_type == CS_KEY_RSA) {
        rc = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_RSA));
        if (rc == 0 && req->rsa_bits < RSA_LIBRARY_MIN_BITS)
            rc = crypto_rsa_generate_small(mbedtls_pk_rsa(*pk), req->rsa_bits);
        else if (rc == 0)
            rc = mbedtls_rsa_gen_key(mbedtls_pk_rsa(*pk), crypto_rng, NULL, req->rsa_bits,
                                     RSA_EXPONENT);
    } else {
        rc = mbedtls_pk_setup(pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
        if (rc == 0)
            rc = mbedtls_ecp_gen_key(crypto_curve_group(req->curve), mbedtls_pk_ec(*pk), crypto_rng,
                                     NULL);
    }
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot generate the key");
    return CS_OK;
}

/* --- the private key -------------------------------------------------------- */

/* PKCS#8 PrivateKeyInfo around the PKCS#1 or SEC1 key that ends at w->p:
 * SEQUENCE { INTEGER 0, AlgorithmIdentifier, OCTET STRING key }, with
 * rsaEncryption NULL, or id-ecPublicKey and the curve's OID. */
static void wrap_pkcs8(der_writer *w, const mbedtls_pk_context *pk)
{
    der_wrap(w, 0, MBEDTLS_ASN1_OCTET_STRING);
    if (mbedtls_pk_get_type(pk) == MBEDTLS_PK_RSA) {
        der_add(w, mbedtls_asn1_write_algorithm_identifier(&w->p, w->start, MBEDTLS_OID_PKCS1_RSA,
                                                           MBEDTLS_OID_SIZE(MBEDTLS_OID_PKCS1_RSA),
                                                           0));
    } else {
        const char *curve = NULL;
        size_t curve_len = 0;
        int rc = mbedtls_oid_get_oid_by_ec_grp(mbedtls_pk_ec(*pk)->MBEDTLS_PRIVATE(grp).id, &curve,
                                               &curve_len);
        der_add(w, rc);
        size_t mark = w->len;
        if (rc == 0)
            der_add(w, mbedtls_asn1_write_oid(&w->p, w->start, curve, curve_len));
        der_add(w, mbedtls_asn1_write_oid(&w->p, w->start, MBEDTLS_OID_EC_ALG_UNRESTRICTED,
                                          MBEDTLS_OID_SIZE(MBEDTLS_OID_EC_ALG_UNRESTRICTED)));
        der_wrap(w, mark, SEQUENCE_TAG);
    }
    der_add(w, mbedtls_asn1_write_int(&w->p, w->start, 0));
    der_wrap(w, 0, SEQUENCE_TAG);
}

/* The key as the reference writes it, RSA as PKCS#8 "PRIVATE KEY" and EC
 * as SEC1 "EC PRIVATE KEY"; or, given a passphrase, either as an
 * encrypted PKCS#8 "ENCRYPTED PRIVATE KEY". */
static int append_key_pem(mbedtls_pk_context *pk, cs_bytes passphrase, cs_buf *pem, cs_error *err)
{
    /* An RSA-4096 key is about 2.4 KB of DER, 3.3 KB of PEM. */
    unsigned char der[6000];
    unsigned char text[9000];
    bool rsa = mbedtls_pk_get_type(pk) == MBEDTLS_PK_RSA;
    bool encrypt = passphrase.data != NULL;
    der_writer w;
    der_writer_init(&w, der, sizeof der);
    /* PKCS#1 for RSA, SEC1 for EC, at the end of der. */
    int n = mbedtls_pk_write_key_der(pk, der, sizeof der);
    der_add(&w, n);
    if (n > 0)
        w.p -= n;
    if (rsa || encrypt)
        wrap_pkcs8(&w, pk);
    size_t olen = 0;
    int rc = w.error;
    if (rc == 0 && encrypt) {
        rc = crypto_pkcs8_encrypt(w.p, w.len, passphrase, pem, err);
    } else if (rc == 0) {
        rc = mbedtls_pem_write_buffer(
            rsa ? "-----BEGIN PRIVATE KEY-----\n" : "-----BEGIN EC PRIVATE KEY-----\n",
            rsa ? "-----END PRIVATE KEY-----\n" : "-----END EC PRIVATE KEY-----\n", w.p, w.len,
            text, sizeof text, &olen);
        if (rc == 0)
            cs_buf_append(pem, text, strlen((const char *)text));
        else
            rc = crypto_fail(err, CS_ERROR, rc, "cannot encode the private key");
    } else {
        rc = crypto_fail(err, CS_ERROR, rc, "cannot encode the private key");
    }
    cs_zeroize(der, sizeof der);
    cs_zeroize(text, sizeof text);
    return rc;
}

/* --- the certificate -------------------------------------------------------- */

/* Subject (and, self-signed, issuer) in the order CN, O, OU, L, ST, C; the
 * country upper-case in a PrintableString, the rest UTF8String. */
static int add_names(mbedtls_asn1_named_data **list, const cs_cert_request *req)
{
    char country[3] = "";
    if (present(req->country)) {
        country[0] = ascii_upper(req->country[0]);
        country[1] = ascii_upper(req->country[1]);
    }
    const struct {
        const char *oid;
        size_t oid_len;
        const char *value;
        int tag;
    } attrs[] = {
#define ATTR(oid, value, tag) {oid, MBEDTLS_OID_SIZE(oid), value, tag}
        ATTR(MBEDTLS_OID_AT_CN, req->common_name, MBEDTLS_ASN1_UTF8_STRING),
        ATTR(MBEDTLS_OID_AT_ORGANIZATION, req->organization, MBEDTLS_ASN1_UTF8_STRING),
        ATTR(MBEDTLS_OID_AT_ORG_UNIT, req->unit, MBEDTLS_ASN1_UTF8_STRING),
        ATTR(MBEDTLS_OID_AT_LOCALITY, req->locality, MBEDTLS_ASN1_UTF8_STRING),
        ATTR(MBEDTLS_OID_AT_STATE, req->state, MBEDTLS_ASN1_UTF8_STRING),
        ATTR(MBEDTLS_OID_AT_COUNTRY, country, MBEDTLS_ASN1_PRINTABLE_STRING),
#undef ATTR
    };
    /* Each entry goes to the head of the list and mbedTLS writes the list
     * back to front, so the certificate holds them in the order added. */
    for (size_t i = 0; i < sizeof attrs / sizeof attrs[0]; i++) {
        if (!present(attrs[i].value))
            continue;
        mbedtls_asn1_named_data *cur = mbedtls_asn1_store_named_data(
            list, attrs[i].oid, attrs[i].oid_len, (const unsigned char *)attrs[i].value,
            strlen(attrs[i].value));
        if (cur == NULL)
            return MBEDTLS_ERR_X509_ALLOC_FAILED;
        cur->val.tag = attrs[i].tag;
    }
    return 0;
}

int crypto_set_random_serial(mbedtls_x509write_cert *crt)
{
    unsigned char serial[CS_CERT_SERIAL_SIZE];
    int rc;
    do {
        rc = crypto_rng(NULL, serial, sizeof serial);
        serial[0] &= 0x7F;
    } while (rc == 0 && serial[0] == 0);
    if (rc != 0)
        return rc;
#if MBEDTLS_VERSION_NUMBER >= 0x03040000
    return mbedtls_x509write_crt_set_serial_raw(crt, serial, sizeof serial);
#else
    mbedtls_mpi mpi;
    mbedtls_mpi_init(&mpi);
    rc = mbedtls_mpi_read_binary(&mpi, serial, sizeof serial);
    if (rc == 0)
        rc = mbedtls_x509write_crt_set_serial(crt, &mpi);
    mbedtls_mpi_free(&mpi);
    return rc;
#endif
}

static int set_extension(mbedtls_x509write_cert *crt, const char *oid, size_t oid_len, int critical,
                         const der_writer *w)
{
    if (w->error != 0)
        return w->error;
    return mbedtls_x509write_crt_set_extension(crt, oid, oid_len, critical, w->p, w->len);
}

/* keyUsage. The reference's, not critical: digitalSignature,
 * keyEncipherment, dataEncipherment, keyCertSign, cRLSign. The CAPF
 * issuer profile's, critical as RFC 5280 asks of a CA: digitalSignature
 * and keyCertSign. */
static int set_key_usage(mbedtls_x509write_cert *crt, bool issuer)
{
    unsigned char buf[8];
    unsigned char bits = MBEDTLS_X509_KU_DIGITAL_SIGNATURE | MBEDTLS_X509_KU_KEY_CERT_SIGN;
    if (!issuer)
        bits |= MBEDTLS_X509_KU_KEY_ENCIPHERMENT | MBEDTLS_X509_KU_DATA_ENCIPHERMENT |
                MBEDTLS_X509_KU_CRL_SIGN;
    der_writer w;
    der_writer_init(&w, buf, sizeof buf);
    /* Named bits: trailing zero bits dropped, as DER wants. */
    der_add(&w, mbedtls_asn1_write_named_bitstring(&w.p, w.start, &bits, 8));
    return set_extension(crt, MBEDTLS_OID_KEY_USAGE, MBEDTLS_OID_SIZE(MBEDTLS_OID_KEY_USAGE),
                         issuer, &w);
}

int crypto_set_ext_key_usage(mbedtls_x509write_cert *crt)
{
    static const struct {
        const char *oid;
        size_t len;
    } purposes[] = {
        {MBEDTLS_OID_SERVER_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)},
        {MBEDTLS_OID_CLIENT_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)},
        {OID_IPSEC_END_SYSTEM, MBEDTLS_OID_SIZE(OID_IPSEC_END_SYSTEM)},
    };
    unsigned char buf[64];
    der_writer w;
    der_writer_init(&w, buf, sizeof buf);
    for (size_t i = sizeof purposes / sizeof purposes[0]; i-- > 0;)
        der_add(&w, mbedtls_asn1_write_oid(&w.p, w.start, purposes[i].oid, purposes[i].len));
    der_wrap(&w, 0, SEQUENCE_TAG);
    return set_extension(crt, MBEDTLS_OID_EXTENDED_KEY_USAGE,
                         MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, &w);
}

/* subjectAltName: one dNSName, the common name in lower case. */
static int set_subject_alt_name(mbedtls_x509write_cert *crt, const char *common_name)
{
    unsigned char name[CS_CERT_MAX_ATTRIBUTE];
    unsigned char buf[CS_CERT_MAX_ATTRIBUTE + 16];
    size_t len = strlen(common_name);
    if (len > sizeof name)
        return MBEDTLS_ERR_X509_BAD_INPUT_DATA;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)common_name[i];
        name[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c;
    }
    der_writer w;
    der_writer_init(&w, buf, sizeof buf);
    der_add(&w, mbedtls_asn1_write_raw_buffer(&w.p, w.start, name, len));
    der_wrap(&w, 0, MBEDTLS_ASN1_CONTEXT_SPECIFIC | 2); /* [2] dNSName, IA5String */
    der_wrap(&w, 0, SEQUENCE_TAG);
    return set_extension(crt, MBEDTLS_OID_SUBJECT_ALT_NAME,
                         MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, &w);
}

/* Everything but the signature, in the reference's extension order (the
 * certificate lists extensions in the order they are set). */
static int fill_certificate(mbedtls_x509write_cert *crt, mbedtls_pk_context *pk,
                            const cs_cert_request *req, cs_error *err)
{
    char from[VALIDITY_SIZE], to[VALIDITY_SIZE];
    int rc = validity_strings(req, from, to, err);
    if (rc != CS_OK)
        return rc;
    mbedtls_x509write_crt_set_version(crt, MBEDTLS_X509_CRT_VERSION_3);
    mbedtls_x509write_crt_set_md_alg(crt, crypto_md_type(req->md));
    mbedtls_x509write_crt_set_subject_key(crt, pk);
    mbedtls_x509write_crt_set_issuer_key(crt, pk);
    int mrc = add_names(&crt->MBEDTLS_PRIVATE(subject), req);
    if (mrc == 0)
        mrc = add_names(&crt->MBEDTLS_PRIVATE(issuer), req);
    if (mrc == 0)
        mrc = crypto_set_random_serial(crt);
    if (mrc == 0)
        mrc = mbedtls_x509write_crt_set_validity(crt, from, to);
    if (mrc == 0)
        mrc = mbedtls_x509write_crt_set_basic_constraints(crt, 1, 0); /* critical as a CA */
    if (mrc == 0)
        mrc = set_key_usage(crt, req->issuer);
    if (mrc == 0)
        mrc = crypto_set_ext_key_usage(crt);
    if (mrc == 0)
        mrc = mbedtls_x509write_crt_set_subject_key_identifier(crt); /* SHA-1 of the key */
    if (mrc == 0)
        mrc = set_subject_alt_name(crt, req->common_name);
    if (mrc != 0)
        return crypto_fail(err, CS_ERROR, mrc, "cannot prepare the certificate");
    return CS_OK;
}

static int append_certificate_pem(mbedtls_x509write_cert *crt, mbedtls_pk_context *pk,
                                  const cs_cert_request *req, cs_buf *pem, cs_error *err)
{
    /* An RSA-4096 certificate is about 1.5 KB of DER, 2 KB of PEM. */
    unsigned char der[4096];
    unsigned char text[8192];
    int n = mbedtls_x509write_crt_der(crt, der, sizeof der, crypto_rng, NULL);
    if (n < 0)
        return crypto_fail(err, CS_ERROR, n, "cannot sign the certificate");
    unsigned char *cert = der + sizeof der - n;
    size_t len = (size_t)n;
    int rc = 0;
#if MBEDTLS_VERSION_MAJOR < 3
    if (req->key_type == CS_KEY_EC) {
        unsigned char scratch[sizeof der];
        rc = crypto_drop_ecdsa_null_parameters(der, sizeof der, &cert, &len, scratch,
                                               sizeof scratch, pk, crypto_md_type(req->md));
    }
#else
    (void)pk;
    (void)req;
#endif
    size_t olen = 0;
    if (rc == 0)
        rc =
            mbedtls_pem_write_buffer("-----BEGIN CERTIFICATE-----\n", "-----END CERTIFICATE-----\n",
                                     cert, len, text, sizeof text, &olen);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot sign the certificate");
    cs_buf_append(pem, text, strlen((const char *)text));
    return CS_OK;
}

int cs_cert_generate(const cs_cert_request *req, cs_buf *pem, cs_error *err)
{
    int rc = cs_cert_request_check(req, err);
    if (rc == CS_OK)
        rc = crypto_rng_ready(err);
    if (rc != CS_OK)
        return rc;
    size_t start = pem->len;
    mbedtls_pk_context pk;
    mbedtls_x509write_cert crt;
    mbedtls_pk_init(&pk);
    mbedtls_x509write_crt_init(&crt);
    rc = generate_key(req, &pk, err);
    if (rc == CS_OK)
        rc = append_key_pem(&pk, req->key_passphrase, pem, err);
    if (rc == CS_OK)
        rc = fill_certificate(&crt, &pk, req, err);
    if (rc == CS_OK)
        rc = append_certificate_pem(&crt, &pk, req, pem, err);
    if (rc == CS_OK && pem->failed)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc != CS_OK && pem->data != NULL && pem->len > start) {
        cs_zeroize(pem->data + start, pem->len - start);
        pem->len = start;
    }
    mbedtls_x509write_crt_free(&crt);
    mbedtls_pk_free(&pk); /* wipes the key */
    return rc;
}
