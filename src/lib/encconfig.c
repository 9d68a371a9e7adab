/* SPDX-License-Identifier: MIT */
/* Encrypted configurations as signed files in memory: the .enc.sgn and
 * its companion .sgn built and signed, and an .enc.sgn's header read
 * (encconfig.h). The companion's body is enc_companion.c, the encryption
 * enc_seal.c, the files enc_files.c. */
#include "ciscosec/encconfig.h"

/* header || body into out, signed as the spec says. */
static int sign_file(const cs_header_spec *spec, const cs_key *key, const uint8_t *body,
                     size_t body_len, cs_buf *out, cs_error *err)
{
    cs_header_draft draft;
    int rc = cs_header_draft_build(&draft, spec, err);
    if (rc != CS_OK)
        return rc;
    rc = cs_header_draft_sign_buffer(&draft, key, body, body_len, err);
    if (rc == CS_OK) {
        cs_buf_append(out, draft.bytes.data, draft.bytes.len);
        cs_buf_append(out, body, body_len);
        if (out->failed)
            rc = cs_fail(err, CS_ERROR, "out of memory");
    }
    cs_header_draft_release(&draft);
    return rc;
}

int cs_enc_build(const uint8_t *xml, size_t len, const cs_cert *device,
                 const cs_enc_signing *signing, const char *enc_name, const char *companion_name,
                 cs_buf *encrypted, cs_buf *companion, cs_error *err)
{
    cs_buf notice = CS_BUF_INIT;
    cs_enc_sealed sealed;
    int rc = cs_enc_check_device_cert(device, err);
    /* The XML is checked before any key is used. */
    if (rc == CS_OK)
        rc = cs_enc_companion_body(xml, len, device, &notice, err);
    if (rc != CS_OK) {
        cs_buf_release(&notice);
        return rc;
    }
    rc = cs_enc_seal(xml, len, device, signing->base->digest_code, &sealed, err);
    if (rc == CS_OK) {
        cs_header_spec spec = *signing->base;
        cs_header_set_version(&spec, CS_SIGNED_ENC_SGN);
        spec.filename = enc_name;
        spec.encryption = &sealed.fields;
        rc = sign_file(&spec, signing->key, sealed.body.data, sealed.body.len, encrypted, err);
        if (rc == CS_OK) {
            cs_header_set_version(&spec, CS_SIGNED_SGN);
            spec.filename = companion_name;
            spec.encryption = NULL;
            rc = sign_file(&spec, signing->key, notice.data, notice.len, companion, err);
        }
        cs_enc_sealed_release(&sealed);
    }
    cs_buf_release(&notice);
    return rc;
}

int cs_enc_parse(const uint8_t *data, size_t len, cs_header *hdr, cs_error *err)
{
    int rc = cs_header_parse(data, len, len, hdr, err);
    if (rc == CS_OK && !hdr->has_encryption)
        rc = cs_fail(err, CS_ERROR,
                     "no encryption fields in the header: not an encrypted configuration");
    return rc;
}
