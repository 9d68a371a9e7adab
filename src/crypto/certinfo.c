/* SPDX-License-Identifier: MIT */
/* Facts about any certificate that `cert show`, `cert hash` and the
 * phone's checks report: its curve, validity, signature digest, names and
 * hash; and the curves by name. */
#include "internal.h"

#include "ciscosec/civiltime.h"

#include <mbedtls/base64.h>
#include <mbedtls/ecp.h>
#include <mbedtls/oid.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "ciscosec/certgen.h"

/* --- curves --------------------------------------------------------------- */

static const struct {
    cs_curve curve;
    mbedtls_ecp_group_id id;
    const char *name;
    const char *alias;
} curves[] = {
    {CS_CURVE_P256, MBEDTLS_ECP_DP_SECP256R1, "secp256r1", "prime256v1"},
    {CS_CURVE_P384, MBEDTLS_ECP_DP_SECP384R1, "secp384r1", NULL},
    {CS_CURVE_P521, MBEDTLS_ECP_DP_SECP521R1, "secp521r1", NULL},
};
#define N_CURVES (sizeof curves / sizeof curves[0])

bool cs_curve_parse(const char *name, cs_curve *out)
{
    for (size_t i = 0; i < N_CURVES; i++) {
        if (strcasecmp(name, curves[i].name) == 0 ||
            (curves[i].alias != NULL && strcasecmp(name, curves[i].alias) == 0)) {
            *out = curves[i].curve;
            return true;
        }
    }
    return false;
}

const char *cs_curve_name(cs_curve curve)
{
    for (size_t i = 0; i < N_CURVES; i++)
        if (curves[i].curve == curve)
            return curves[i].name;
    return curve == CS_CURVE_OTHER ? "other" : NULL;
}

mbedtls_ecp_group_id crypto_curve_group(cs_curve curve)
{
    for (size_t i = 0; i < N_CURVES; i++)
        if (curves[i].curve == curve)
            return curves[i].id;
    return MBEDTLS_ECP_DP_NONE;
}

/* --- inspecting certificates -------------------------------------------------- */

static int64_t x509_time_seconds(const mbedtls_x509_time *t)
{
    return cs_days_from_civil(t->year, t->mon, t->day) * 86400 + (int64_t)t->hour * 3600 +
           (int64_t)t->min * 60 + t->sec;
}

void cs_cert_validity(const cs_cert *cert, int64_t *not_before, int64_t *not_after)
{
    *not_before = x509_time_seconds(&cert->crt.valid_from);
    *not_after = x509_time_seconds(&cert->crt.valid_to);
}

cs_curve cs_cert_curve(const cs_cert *cert)
{
    if (cs_cert_key_type(cert) != CS_KEY_EC)
        return CS_CURVE_NONE;
    const mbedtls_ecp_keypair *ec = mbedtls_pk_ec(cert->crt.pk);
    mbedtls_ecp_group_id id = ec->MBEDTLS_PRIVATE(grp).id;
    for (size_t i = 0; i < N_CURVES; i++)
        if (curves[i].id == id)
            return curves[i].curve;
    return CS_CURVE_OTHER;
}

bool cs_cert_signature_md(const cs_cert *cert, cs_md *md)
{
    static const cs_md all[] = {CS_MD_MD5, CS_MD_SHA1, CS_MD_SHA256, CS_MD_SHA384, CS_MD_SHA512};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        if (crypto_md_type(all[i]) == cert->crt.MBEDTLS_PRIVATE(sig_md)) {
            *md = all[i];
            return true;
        }
    }
    return false;
}

bool cs_cert_is_self_signed(const cs_cert *cert)
{
    return crypto_crt_signed_by(&cert->crt, &cert->crt);
}

size_t cs_cert_missing_names(const cs_cert *cert, const char *missing[CS_CERT_NEEDED_NAMES])
{
    static const struct {
        const char *oid;
        size_t len;
        const char *name;
    } needed[CS_CERT_NEEDED_NAMES] = {
        {MBEDTLS_OID_AT_CN, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_CN), "CN"},
        {MBEDTLS_OID_AT_ORGANIZATION, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORGANIZATION), "O"},
        {MBEDTLS_OID_AT_ORG_UNIT, MBEDTLS_OID_SIZE(MBEDTLS_OID_AT_ORG_UNIT), "OU"},
    };
    size_t n = 0;
    for (size_t i = 0; i < CS_CERT_NEEDED_NAMES; i++) {
        bool found = false;
        for (const mbedtls_x509_name *a = &cert->crt.subject; a != NULL && !found; a = a->next)
            found = a->oid.p != NULL && a->oid.len == needed[i].len &&
                    memcmp(a->oid.p, needed[i].oid, needed[i].len) == 0 && a->val.len > 0;
        if (!found)
            missing[n++] = needed[i].name;
    }
    return n;
}

/* "O and OU", "CN, O and OU": the names for a sentence, into text. */
static void names_text(const char *const *names, size_t n, char *text, size_t size)
{
    size_t used = 0;
    text[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " and " : ", ";
        int w = snprintf(text + used, size - used, "%s%s", sep, names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

bool cs_cert_names_problem(const cs_cert *cert, char *text, size_t size)
{
    const char *missing[CS_CERT_NEEDED_NAMES];
    char names[32];
    size_t n = cs_cert_missing_names(cert, missing);
    names_text(missing, n, names, sizeof names);
    text[0] = '\0';
    if (n > 0)
        snprintf(text, size,
                 "the certificate's subject has no %s: phones need CN, O and OU in a trust "
                 "list's certificates",
                 names);
    return n > 0;
}

int cs_cert_hash_base64(const cs_cert *cert, cs_md md, cs_buf *out, cs_error *err)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    unsigned char text[4 * (CS_MAX_DIGEST_SIZE + 2) / 3 + 1];
    cs_bytes der = cs_cert_der(cert);
    int rc = cs_digest(md, der.data, der.len, digest, err);
    if (rc != CS_OK)
        return rc;
    size_t len = 0;
    int mrc = mbedtls_base64_encode(text, sizeof text, &len, digest, cs_md_size(md));
    if (mrc != 0)
        return crypto_fail(err, CS_ERROR, mrc, "cannot encode the digest");
    cs_buf_append(out, text, len);
    (void)cs_buf_str(out);
    if (out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}
