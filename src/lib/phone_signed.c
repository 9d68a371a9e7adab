/* SPDX-License-Identifier: MIT */
/* The phone's checks of a signed file against its trust lists (phone.h). */
#include "ciscosec/phone.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "ciscosec/encconfig.h"
#include "ciscosec/signedfile.h"
#include "phone_checks.h"

/* What phones need of an .enc.sgn's encryption fields (formats.md §4). */
static void check_encryption_fields(cs_findings *out, const char *name, const cs_sgn_file *f)
{
    const cs_header *h = &f->header;
    if (!h->has_encryption) {
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL,
                        "no encryption fields in the header: not an encrypted configuration");
        return;
    }
    cs_error ferr;
    if (cs_enc_check_fields(&h->enc, (size_t)(f->size - h->length), &ferr) != CS_OK)
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "%s", ferr.message);
}

/* The list's record for the signer of a signed file: TFTP first, then
 * CCM+TFTP. */
static const cs_tl_record *find_file_signer(const cs_trustlist *tl, const cs_header *hdr)
{
    const cs_tl_record *rec = cs_trustlist_find(tl, hdr, CS_ROLE_TFTP);
    return rec != NULL ? rec : cs_trustlist_find(tl, hdr, CS_ROLE_CCM_TFTP);
}

static int judge_signer(cs_findings *out, const char *name, cs_sgn_file *f,
                        const cs_phone_list *list, cs_error *err)
{
    const cs_header *h = &f->header;
    cs_cert_ref ref = cs_cert_ref_header(h);
    const cs_tl_record *rec = find_file_signer(list->tl, h);
    if (rec == NULL) {
        char role[16];
        const cs_tl_record *other = find_in_any_role(list->tl, h);
        if (other != NULL)
            cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                            "signed by a certificate that %s holds only as %s: phones take "
                            "signed files from TFTP or CCM+TFTP certificates only",
                            list->name, role_text(other, role, sizeof role));
        else
            cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                            "signed by a certificate that is not in %s", list->name);
        return CS_OK;
    }
    ref = cs_cert_ref_record(rec, record_index(list->tl, rec));
    cs_error cerr;
    cs_cert *cert = record_cert(rec, &cerr);
    if (cert == NULL) {
        cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                        "the signer's record in %s has no usable certificate (%s)", list->name,
                        cerr.message);
        return CS_OK;
    }
    int rc = CS_OK;
    if (cs_cert_key_type(cert) != CS_KEY_RSA) {
        cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                        "the signer's certificate in %s has no RSA key, so it cannot verify "
                        "signed files",
                        list->name);
    } else {
        rc = cs_sgn_verify(f, cert, err);
        if (rc == CS_INVALID) {
            cs_findings_add(out, CS_RULE_SGN_SIGNATURE, name, &ref,
                            "the signature does not verify with the signer's certificate in "
                            "%s (%s)",
                            list->name, err->message);
            rc = CS_OK;
        }
    }
    cs_cert_free(cert);
    return rc;
}

int cs_phone_check_signed_file(const char *path, const char *name, const cs_phone_list *lists,
                               size_t n, cs_findings *out, cs_error *err)
{
    /* Unreadable is an I/O error (exit 2); readable but malformed is what
     * a phone would reject (a finding). */
    struct stat st;
    if (stat(path, &st) != 0)
        return cs_fail(err, CS_ERROR, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return cs_fail(err, CS_ERROR, "not a regular file");
    cs_sgn_file f;
    cs_error ferr;
    if (cs_sgn_open(&f, path, &ferr) != CS_OK) {
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "not a valid signed file: %s",
                        ferr.message);
        return findings_status(out, err);
    }
    check_header_nesting(out, name, &f.header);
    size_t before = out->errors;
    cs_md md = CS_MD_SHA1;
    if (!cs_digest_code_to_md(f.header.digest_code, &md))
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "digest algorithm %u is unknown",
                        f.header.digest_code);
    if (cs_path_has_suffix(name, CS_SUFFIX_ENC_SGN))
        check_encryption_fields(out, name, &f);
    /* A malformed file has no signature worth checking. */
    bool well_formed = out->errors == before;
    int rc = CS_OK;
    for (size_t i = 0; rc == CS_OK && well_formed && i < n; i++)
        rc = judge_signer(out, name, &f, &lists[i], err);
    cs_sgn_close(&f);
    return rc != CS_OK ? rc : findings_status(out, err);
}
