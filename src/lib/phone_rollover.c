/* SPDX-License-Identifier: MIT */
/* The phone's checks of a trust-list update: whether a phone holding the
 * old list takes the new one (phone.h). */
#include "ciscosec/phone.h"

#include "phone_checks.h"

static void check_rollover_signer(cs_findings *out, const char *old_name, const cs_trustlist *old,
                                  const char *new_name, const cs_trustlist *new,
                                  const uint8_t *new_data, size_t new_len)
{
    const cs_tl_record *rec = cs_trustlist_find(old, &new->header, CS_ROLE_SAST);
    if (rec == NULL) {
        cs_cert_ref ref = cs_cert_ref_header(&new->header);
        cs_findings_add(out, CS_RULE_ROLLOVER_SIGNER, new_name, &ref,
                        "signed by a certificate that is not a SAST record of %s: phones "
                        "holding %s reject the update",
                        old_name, old_name);
        return;
    }
    cs_cert_ref ref = cs_cert_ref_record(rec, record_index(old, rec));
    cs_error err;
    cs_cert *cert = record_cert(rec, &err);
    if (cert == NULL) {
        cs_findings_add(out, CS_RULE_ROLLOVER_SIGNER, new_name, &ref,
                        "the signer's SAST record in %s has no usable certificate (%s)", old_name,
                        err.message);
        return;
    }
    /* The phone verifies with the certificate it already holds, not with
     * the copy the new list brings. */
    if (cs_cert_key_type(cert) != CS_KEY_RSA ||
        cs_header_verify_buffer(&new->header, new_data, new_len, cert, &err) != CS_OK)
        cs_findings_add(out, CS_RULE_ROLLOVER_SIGNER, new_name, &ref,
                        "%s's SAST certificate with the signer's issuer and serial does not "
                        "verify the signature: the SAST key was replaced, and phones holding "
                        "%s reject the update",
                        old_name, old_name);
    cs_cert_free(cert);
}

static bool holds_in_role(const cs_trustlist *tl, const cs_tl_record *rec,
                          bool (*role_ok)(uint16_t role))
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *r = &tl->records[i];
        if (r->has_role && role_ok(r->role) && same_certificate(r, rec))
            return true;
    }
    return false;
}

static bool is_sast(uint16_t role)
{
    return role == CS_ROLE_SAST;
}

static void check_rollover_sast(cs_findings *out, const char *old_name, const cs_trustlist *old,
                                const char *new_name, const cs_trustlist *new)
{
    const cs_tl_record *first = NULL;
    for (size_t i = 0; i < old->count; i++) {
        const cs_tl_record *rec = &old->records[i];
        if (!rec->has_role || rec->role != CS_ROLE_SAST)
            continue;
        if (holds_in_role(new, rec, is_sast))
            return;
        if (first == NULL)
            first = rec;
    }
    cs_cert_ref ref =
        first ? cs_cert_ref_record(first, record_index(old, first)) : (cs_cert_ref){0};
    cs_findings_add(out, CS_RULE_ROLLOVER_SAST, new_name, first ? &ref : NULL,
                    "keeps none of the SAST certificates of %s: a phone that misses this "
                    "update will accept no later trust list",
                    old_name);
}

static void check_rollover_tftp(cs_findings *out, const char *old_name, const cs_trustlist *old,
                                const char *new_name, const cs_trustlist *new)
{
    for (size_t i = 0; i < old->count; i++) {
        const cs_tl_record *rec = &old->records[i];
        if (!rec->has_role || !cs_role_signs_files(rec->role) || record_key_type(rec) != CS_KEY_RSA)
            continue;
        bool reported = false; /* the same certificate in two roles: once */
        for (size_t k = 0; k < i; k++)
            reported |= old->records[k].has_role && cs_role_signs_files(old->records[k].role) &&
                        same_certificate(&old->records[k], rec);
        if (reported || holds_in_role(new, rec, cs_role_signs_files))
            continue;
        cs_cert_ref ref = cs_cert_ref_record(rec, i);
        cs_findings_add(out, CS_RULE_ROLLOVER_TFTP, new_name, &ref,
                        "drops the certificate that signs configuration files in %s (no longer "
                        "TFTP or CCM+TFTP): files signed with it are rejected once phones "
                        "install the update",
                        old_name);
    }
}

int cs_phone_check_rollover(const char *old_name, const uint8_t *old_data, size_t old_len,
                            const char *new_name, const uint8_t *new_data, size_t new_len,
                            int64_t now, cs_findings *out, cs_error *err)
{
    cs_trustlist old, new;
    int rc = cs_trustlist_parse(old_data, old_len, &old, err);
    if (rc != CS_OK)
        return rc;
    rc = cs_phone_check_trustlist(new_name, new_data, new_len, now, out, err);
    if (rc == CS_OK && cs_trustlist_parse(new_data, new_len, &new, NULL) == CS_OK) {
        check_rollover_signer(out, old_name, &old, new_name, &new, new_data, new_len);
        check_rollover_sast(out, old_name, &old, new_name, &new);
        check_rollover_tftp(out, old_name, &old, new_name, &new);
        cs_trustlist_release(&new);
    }
    cs_trustlist_release(&old);
    return rc != CS_OK ? rc : findings_status(out, err);
}
