/* SPDX-License-Identifier: MIT */
/* The phone's acceptance rules (phone.h): the helpers that the checks of
 * trust lists (phone_trustlist.c), signed files (phone_signed.c), trust-list
 * updates (phone_rollover.c) and TLS servers (phone_tls.c) share. The
 * findings they report are findings.c; the provisioning-directory audit,
 * which builds on them, is tftpboot.c. */
#include "ciscosec/phone.h"

#include <stdio.h>

#include "ciscosec/certgen.h"
#include "phone_checks.h"

const char *role_text(const cs_tl_record *rec, char *buf, size_t size)
{
    const char *name = rec->has_role ? cs_role_name(rec->role) : "no role";
    if (name == NULL) {
        snprintf(buf, size, "role %u", rec->role);
        return buf;
    }
    return name;
}

bool cs_role_signs_files(uint16_t role)
{
    return role == CS_ROLE_TFTP || role == CS_ROLE_CCM_TFTP;
}

/* The record's certificate, parsed; NULL when it has none or it is
 * unreadable (why, in err). */
cs_cert *record_cert(const cs_tl_record *rec, cs_error *err)
{
    cs_cert *cert = NULL;
    if (!rec->has_certificate) {
        cs_fail(err, CS_ERROR, "the record holds no certificate");
        return NULL;
    }
    if (cs_cert_parse(rec->certificate.data, rec->certificate.len, &cert, err) != CS_OK)
        return NULL;
    return cert;
}

cs_key_type record_key_type(const cs_tl_record *rec)
{
    cs_error err;
    cs_cert *cert = record_cert(rec, &err);
    if (cert == NULL)
        return CS_KEY_OTHER;
    cs_key_type type = cs_cert_key_type(cert);
    cs_cert_free(cert);
    return type;
}

const cs_tl_record *cs_phone_file_signer(const cs_trustlist *tl, size_t *index)
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_role && cs_role_signs_files(rec->role) && record_key_type(rec) == CS_KEY_RSA) {
            if (index != NULL)
                *index = i;
            return rec;
        }
    }
    return NULL;
}

/* A record naming hdr's signer in any role (for a message that says which
 * role it has instead of the one needed). */
const cs_tl_record *find_in_any_role(const cs_trustlist *tl, const cs_header *hdr)
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (!rec->has_role)
            continue;
        const cs_tl_record *found = cs_trustlist_find(tl, hdr, rec->role);
        if (found != NULL)
            return found;
    }
    return NULL;
}

size_t record_index(const cs_trustlist *tl, const cs_tl_record *rec)
{
    return (size_t)(rec - tl->records);
}

/* Whether two records hold the same certificate: the same DER where both
 * carry one, else the same issuer and serial. */
bool same_certificate(const cs_tl_record *a, const cs_tl_record *b)
{
    if (a->has_certificate && b->has_certificate)
        return cs_bytes_equal(a->certificate, b->certificate);
    return a->has_serial && b->has_serial && cs_bytes_equal(a->serial, b->serial) &&
           a->has_issuer == b->has_issuer && cs_bytes_equal(a->issuer, b->issuer);
}

/* Validity dates at `now`. */
void check_validity(cs_findings *out, const char *file, const cs_cert *cert, const cs_cert_ref *ref,
                    int64_t now)
{
    int64_t not_before, not_after;
    cs_cert_validity(cert, &not_before, &not_after);
    char when[32], limit[32];
    cs_format_time(now, when, sizeof when);
    if (now < not_before) {
        cs_format_time(not_before, limit, sizeof limit);
        cs_findings_add(out, CS_RULE_CERT_VALIDITY, file, ref,
                        "certificate not valid before %s (checked at %s)", limit, when);
    } else if (now > not_after) {
        cs_format_time(not_after, limit, sizeof limit);
        cs_findings_add(out, CS_RULE_CERT_VALIDITY, file, ref,
                        "certificate expired on %s (checked at %s)", limit, when);
    }
}

/* The key types and sizes phones take. */
void check_key(cs_findings *out, const char *file, const cs_cert *cert, const cs_cert_ref *ref)
{
    cs_key_type type = cs_cert_key_type(cert);
    size_t bits = cs_cert_key_bits(cert);
    if (type == CS_KEY_RSA && bits > CS_PHONE_MAX_RSA_BITS)
        cs_findings_add(out, CS_RULE_RSA_KEY_SIZE, file, ref,
                        "RSA key of %zu bits: phones support at most %u", bits,
                        CS_PHONE_MAX_RSA_BITS);
    if (type == CS_KEY_EC) {
        cs_curve curve = cs_cert_curve(cert);
        if (curve != CS_CURVE_P256 && curve != CS_CURVE_P384 && curve != CS_CURVE_P521)
            cs_findings_add(out, CS_RULE_EC_CURVE, file, ref,
                            "EC key of %zu bits on a curve phones do not support "
                            "(only P-256, P-384 and P-521)",
                            bits);
    }
    if (type == CS_KEY_OTHER)
        cs_findings_add(out, CS_RULE_TLV_RECORD, file, ref,
                        "the certificate's key is neither RSA nor EC");
}

/* The subject names the guide requires of a trust list's certificates. */
void check_names(cs_findings *out, const char *file, const cs_cert *cert, const cs_cert_ref *ref)
{
    char problem[CS_CERT_NAMES_TEXT_SIZE];
    if (cs_cert_names_problem(cert, problem, sizeof problem))
        cs_findings_add(out, CS_RULE_CERT_NAMES, file, ref, "%s", problem);
}

bool is_https_list(const cs_trustlist *tl)
{
    const cs_header *h = &tl->header;
    return h->has_signer_version &&
           (h->signer_version[0] > 1 || (h->signer_version[0] == 1 && h->signer_version[1] >= 1));
}

/* A header whose children run past their containers was not written as
 * formats.md says, but other producers may write one and phones are not
 * known to refuse it: a warning, not a rejection. */
void check_header_nesting(cs_findings *out, const char *name, const cs_header *h)
{
    cs_error err;
    if (cs_header_check_nesting(h, &err) != CS_OK)
        cs_findings_add(out, CS_RULE_HEADER_NESTING, name, NULL, "%s", err.message);
}
