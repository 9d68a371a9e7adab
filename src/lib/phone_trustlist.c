/* SPDX-License-Identifier: MIT */
/* The phone's checks of a trust list (phone.h). */
#include "ciscosec/phone.h"

#include "phone_checks.h"

static void check_sast_count(cs_findings *out, const char *name, const cs_trustlist *tl)
{
    size_t sast = 0;
    const cs_tl_record *third = NULL;
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_role && rec->role == CS_ROLE_SAST && ++sast == CS_MAX_SAST_RECORDS + 1)
            third = rec;
    }
    if (third != NULL) {
        cs_cert_ref ref = cs_cert_ref_record(third, record_index(tl, third));
        cs_findings_add(out, CS_RULE_TLV_SAST_COUNT, name, &ref,
                        "%zu SAST records: phones accept at most %d", sast, CS_MAX_SAST_RECORDS);
    }
}

static void check_list_signature(cs_findings *out, const char *name, const cs_trustlist *tl,
                                 const uint8_t *data, size_t len)
{
    const cs_header *h = &tl->header;
    const cs_tl_record *signer = cs_trustlist_signer(tl);
    if (signer == NULL) {
        cs_cert_ref ref = cs_cert_ref_header(h);
        char role[16];
        const cs_tl_record *other = find_in_any_role(tl, h);
        if (other != NULL)
            cs_findings_add(out, CS_RULE_TLV_SIGNER, name, &ref,
                            "signed by a certificate the list holds only as %s, not SAST: "
                            "phones cannot verify the list",
                            role_text(other, role, sizeof role));
        else
            cs_findings_add(out, CS_RULE_TLV_SIGNER, name, &ref,
                            "no SAST record has the issuer and serial number of the header's "
                            "signer: phones cannot verify the list");
        return;
    }
    cs_cert_ref ref = cs_cert_ref_record(signer, record_index(tl, signer));
    cs_error err;
    cs_cert *cert = record_cert(signer, &err);
    if (cert == NULL) {
        cs_findings_add(out, CS_RULE_TLV_SIGNER, name, &ref,
                        "the signer's SAST record has no usable certificate (%s)", err.message);
        return;
    }
    if (cs_cert_key_type(cert) != CS_KEY_RSA)
        cs_findings_add(out, CS_RULE_TLV_SIGNER_KEY, name, &ref,
                        "the signer's key is not RSA: phones verify trust lists with RSA keys "
                        "only");
    else if (cs_trustlist_verify(tl, data, len, &err) != CS_OK)
        cs_findings_add(out, CS_RULE_TLV_SIGNATURE, name, &ref,
                        "the signature does not verify with the signer's certificate (%s)",
                        err.message);
    cs_cert_free(cert);
}

/* The record's own fields that a phone matches or uses must describe its
 * certificate: a serial or key that differs points at a hand-edited or
 * corrupt list. (Names are compared as text by phones, and producers
 * format them differently, so they are not compared here.) */
static void check_record_fields(cs_findings *out, const char *name, const cs_tl_record *rec,
                                const cs_cert *cert, const cs_cert_ref *ref)
{
    if (rec->has_serial && !cs_bytes_equal(rec->serial, cs_cert_serial(cert)))
        cs_findings_add(out, CS_RULE_TLV_RECORD, name, ref,
                        "the record's serial number is not its certificate's");
    if (!rec->has_public_key)
        return;
    cs_buf key = CS_BUF_INIT;
    cs_error err;
    if (cs_cert_public_key(cert, &key, &err) == CS_OK &&
        !cs_bytes_equal(rec->public_key, cs_buf_bytes(&key)))
        cs_findings_add(out, CS_RULE_TLV_RECORD, name, ref,
                        "the record's public key is not its certificate's");
    cs_buf_release(&key);
}

static void check_records(cs_findings *out, const char *name, const cs_trustlist *tl, int64_t now)
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        cs_cert_ref ref = cs_cert_ref_record(rec, i);
        cs_error err;
        if (!rec->has_role)
            cs_findings_add(out, CS_RULE_TLV_RECORD, name, &ref, "the record has no role");
        cs_cert *cert = record_cert(rec, &err);
        if (cert == NULL) {
            cs_findings_add(out, CS_RULE_TLV_RECORD, name, &ref, "%s", err.message);
            continue;
        }
        check_record_fields(out, name, rec, cert, &ref);
        check_key(out, name, cert, &ref);
        check_validity(out, name, cert, &ref, now);
        check_names(out, name, cert, &ref);
        cs_cert_free(cert);
    }
}

static void check_https_cert(cs_findings *out, const char *name, const cs_trustlist *tl)
{
    if (!is_https_list(tl))
        return;
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_role && rec->role == CS_ROLE_TFTP && record_key_type(rec) == CS_KEY_EC)
            return;
    }
    cs_findings_add(out, CS_RULE_TLV_HTTPS_CERT, name, NULL,
                    "signer version %u.%u makes phones use HTTPS provisioning, but the list has "
                    "no EC certificate with role TFTP to verify the server",
                    tl->header.signer_version[0], tl->header.signer_version[1]);
}

int cs_phone_check_trustlist(const char *name, const uint8_t *data, size_t len, int64_t now,
                             cs_findings *out, cs_error *err)
{
    if (len > CS_PHONE_MAX_TLV_SIZE)
        cs_findings_add(out, CS_RULE_TLV_SIZE, name, NULL,
                        "%zu bytes: phones refuse trust lists over %u bytes", len,
                        CS_PHONE_MAX_TLV_SIZE);
    cs_trustlist tl;
    cs_error perr;
    if (cs_trustlist_parse(data, len, &tl, &perr) != CS_OK) {
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "not a valid trust list: %s",
                        perr.message);
        return findings_status(out, err);
    }
    check_header_nesting(out, name, &tl.header);
    check_sast_count(out, name, &tl);
    check_list_signature(out, name, &tl, data, len);
    check_records(out, name, &tl, now);
    check_https_cert(out, name, &tl);
    cs_trustlist_release(&tl);
    return findings_status(out, err);
}
