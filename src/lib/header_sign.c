/* SPDX-License-Identifier: MIT */
/* Digesting, signing and verifying signed headers (header_sign.h): the
 * crypto half of the header, over the codec's layout (header.c). */
#include "ciscosec/header_sign.h"

#include "ciscosec/tlv.h"

int cs_header_digest_begin(const uint8_t *header, size_t header_len, size_t signature_offset,
                           size_t signature_len, cs_md md, cs_hash **out, cs_error *err)
{
    size_t after = signature_offset + CS_TLV_HEAD_SIZE + signature_len;
    if (signature_offset > header_len || after > header_len || after < signature_offset)
        return cs_fail(err, CS_ERROR, "signature element lies outside the header");
    int rc = cs_hash_new(out, md, err);
    if (rc != CS_OK)
        return rc;
    cs_hash_update(*out, header, signature_offset);
    cs_hash_update(*out, header + after, header_len - after);
    return CS_OK;
}

int cs_header_draft_digest_begin(const cs_header_draft *draft, cs_hash **out, cs_error *err)
{
    return cs_header_digest_begin(draft->bytes.data, draft->bytes.len, draft->signature_offset,
                                  draft->signature_len, draft->md, out, err);
}

int cs_header_draft_sign(cs_header_draft *draft, const cs_key *key, const uint8_t *digest,
                         cs_error *err)
{
    uint8_t *sig = draft->bytes.data + draft->signature_offset + CS_TLV_HEAD_SIZE;
    return cs_key_sign(key, draft->md, digest, sig, draft->signature_len, err);
}

int cs_header_draft_sign_buffer(cs_header_draft *draft, const cs_key *key, const uint8_t *body,
                                size_t body_len, cs_error *err)
{
    cs_hash *h;
    int rc = cs_header_draft_digest_begin(draft, &h, err);
    if (rc != CS_OK)
        return rc;
    cs_hash_update(h, body, body_len);
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(h, digest);
    cs_hash_free(h);
    return cs_header_draft_sign(draft, key, digest, err);
}

static int header_md(const cs_header *hdr, cs_md *md, cs_error *err)
{
    if (!cs_digest_code_to_md(hdr->digest_code, md))
        return cs_fail(err, CS_ERROR, "unsupported digest algorithm %u in the header",
                       hdr->digest_code);
    return CS_OK;
}

int cs_header_verify_begin(const cs_header *hdr, const uint8_t *header, cs_hash **out,
                           cs_error *err)
{
    cs_md md = CS_MD_SHA1;
    int rc = header_md(hdr, &md, err);
    if (rc != CS_OK)
        return rc;
    return cs_header_digest_begin(header, hdr->length, hdr->signature_offset, hdr->signature.len,
                                  md, out, err);
}

int cs_header_verify_finish(const cs_header *hdr, const cs_cert *cert, const uint8_t *digest,
                            cs_error *err)
{
    cs_md md = CS_MD_SHA1;
    int rc = header_md(hdr, &md, err);
    if (rc != CS_OK)
        return rc;
    return cs_cert_verify(cert, md, digest, hdr->signature.data, hdr->signature.len, err);
}

int cs_header_verify_buffer(const cs_header *hdr, const uint8_t *file, size_t file_len,
                            const cs_cert *cert, cs_error *err)
{
    if (file_len < hdr->length)
        return cs_fail(err, CS_ERROR, "file is shorter than its header");
    cs_hash *h;
    int rc = cs_header_verify_begin(hdr, file, &h, err);
    if (rc != CS_OK)
        return rc;
    cs_hash_update(h, file + hdr->length, file_len - hdr->length);
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(h, digest);
    cs_hash_free(h);
    return cs_header_verify_finish(hdr, cert, digest, err);
}
