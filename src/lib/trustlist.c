/* SPDX-License-Identifier: MIT */
#include "ciscosec/trustlist.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ciscosec/tlv.h"

/* --- parsing ----------------------------------------------------------- */

static int set_bytes(const cs_tlv *t, cs_bytes *out, bool *has)
{
    *has = true;
    *out = (cs_bytes){t->value, t->length};
    return CS_OK;
}

static int set_string(const cs_tlv *t, cs_bytes *out, bool *has, cs_error *err)
{
    *has = true;
    return cs_tlv_string(t, out, err);
}

static int store_record_element(cs_tl_record *rec, const cs_tlv *t, cs_error *err)
{
    switch (t->tag) {
    case CS_REC_DNS_NAME:
        return set_string(t, &rec->dns_name, &rec->has_dns_name, err);
    case CS_REC_SUBJECT_NAME:
        return set_string(t, &rec->subject, &rec->has_subject, err);
    case CS_REC_ROLE:
        rec->has_role = true;
        return cs_tlv_u16(t, &rec->role, err);
    case CS_REC_ISSUER_NAME:
        return set_string(t, &rec->issuer, &rec->has_issuer, err);
    case CS_REC_SERIAL:
        return set_bytes(t, &rec->serial, &rec->has_serial);
    case CS_REC_PUBLIC_KEY:
        return set_bytes(t, &rec->public_key, &rec->has_public_key);
    case CS_REC_SIGNATURE:
        return set_bytes(t, &rec->signature, &rec->has_signature);
    case CS_REC_CERTIFICATE:
        return set_bytes(t, &rec->certificate, &rec->has_certificate);
    case CS_REC_IP_ADDRESS:
        return set_bytes(t, &rec->ip_address, &rec->has_ip_address);
    case CS_REC_CERTIFICATE_HASH:
        return set_bytes(t, &rec->certificate_hash, &rec->has_certificate_hash);
    case CS_REC_HASH_ALGORITHM:
        rec->has_hash_algorithm = true;
        return cs_tlv_u8(t, &rec->hash_algorithm, err);
    default:
        return cs_fail(err, CS_ERROR, "unknown record tag %u", t->tag);
    }
}

/* Reads one record: its length element first, then its other elements,
 * each at most once, all inside the record's length. */
static int parse_record(cs_tlv_reader *body, size_t base, cs_tl_record *rec, cs_error *err)
{
    memset(rec, 0, sizeof *rec);
    rec->offset = base + cs_tlv_offset(body);
    cs_tlv t;
    int rc = cs_tlv_read(body, &t, err);
    if (rc != CS_OK)
        return rc;
    if (t.tag != CS_REC_LENGTH)
        return cs_fail(err, CS_ERROR, "record starts with tag %u, not its length (tag 1)", t.tag);
    if ((rc = cs_tlv_u16(&t, &rec->length, err)) != CS_OK)
        return rc;
    size_t rest = rec->length;
    if (rest < CS_TLV_HEAD_SIZE + 2)
        return cs_fail(err, CS_ERROR, "record length %u is too small", rec->length);
    rest -= CS_TLV_HEAD_SIZE + 2;
    if (rest > cs_tlv_remaining(body))
        return cs_fail(err, CS_ERROR, "record length %u runs past the end of the file",
                       rec->length);

    cs_tlv_reader r;
    cs_tlv_reader_init(&r, body->pos, rest);
    uint32_t seen = 0;
    while (!cs_tlv_at_end(&r)) {
        if ((rc = cs_tlv_read(&r, &t, err)) != CS_OK)
            return rc;
        if (t.tag < 32 && (seen & 1u << t.tag))
            return cs_fail(err, CS_ERROR, "record tag %u appears twice", t.tag);
        if (t.tag < 32)
            seen |= 1u << t.tag;
        if ((rc = store_record_element(rec, &t, err)) != CS_OK)
            return rc;
    }
    return cs_tlv_skip(body, rest, err);
}

int cs_trustlist_parse(const uint8_t *data, size_t len, cs_trustlist *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    int rc = cs_header_parse(data, len, len, &out->header, err);
    if (rc != CS_OK)
        return rc;
    size_t base = out->header.length;
    cs_tlv_reader body;
    cs_tlv_reader_init(&body, data + base, len - base);
    size_t cap = 0;
    while (!cs_tlv_at_end(&body)) {
        if (out->count == cap) {
            size_t grown = cap ? cap * 2 : 8;
            cs_tl_record *records = realloc(out->records, grown * sizeof *records);
            if (records == NULL) {
                cs_trustlist_release(out);
                return cs_fail(err, CS_ERROR, "out of memory");
            }
            out->records = records;
            cap = grown;
        }
        cs_tl_record *rec = &out->records[out->count];
        rc = parse_record(&body, base, rec, err);
        if (rc != CS_OK) {
            cs_error_prefix(err, "record %zu at offset %zu", out->count + 1, rec->offset);
            cs_trustlist_release(out);
            return rc;
        }
        out->count++;
    }
    return CS_OK;
}

void cs_trustlist_release(cs_trustlist *tl)
{
    free(tl->records);
    tl->records = NULL;
    tl->count = 0;
}

const cs_tl_record *cs_trustlist_find(const cs_trustlist *tl, const cs_header *h, uint16_t role)
{
    if (!h->has_serial)
        return NULL;
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (!rec->has_role || rec->role != role || !rec->has_serial)
            continue;
        if (!cs_bytes_equal(rec->serial, h->serial))
            continue;
        if (rec->has_issuer && h->has_issuer_name && !cs_bytes_equal(rec->issuer, h->issuer_name))
            continue;
        return rec;
    }
    return NULL;
}

const cs_tl_record *cs_trustlist_signer(const cs_trustlist *tl)
{
    return cs_trustlist_find(tl, &tl->header, CS_ROLE_SAST);
}

int cs_trustlist_verify(const cs_trustlist *tl, const uint8_t *data, size_t len, cs_error *err)
{
    const cs_tl_record *signer = cs_trustlist_signer(tl);
    if (signer == NULL)
        return cs_fail(err, CS_INVALID, "no SAST record matches the header's signer");
    if (!signer->has_certificate)
        return cs_fail(err, CS_INVALID, "the signer's SAST record has no certificate");
    cs_cert *cert;
    int rc = cs_cert_parse(signer->certificate.data, signer->certificate.len, &cert, err);
    if (rc != CS_OK) {
        cs_error_prefix(err, "signer's SAST record");
        return CS_INVALID;
    }
    rc = cs_header_verify_buffer(&tl->header, data, len, cert, err);
    cs_cert_free(cert);
    /* A signer whose key cannot verify (EC) makes the list unusable. */
    return rc == CS_ERROR ? CS_INVALID : rc;
}

/* --- building ---------------------------------------------------------- */

static int put_record(cs_buf *body, const cs_tl_entry *entry, cs_error *err)
{
    cs_buf subject = CS_BUF_INIT, issuer = CS_BUF_INIT, key = CS_BUF_INIT;
    int rc = cs_cert_subject(entry->cert, &subject, err);
    if (rc == CS_OK)
        rc = cs_cert_issuer(entry->cert, &issuer, err);
    if (rc == CS_OK)
        rc = cs_cert_public_key(entry->cert, &key, err);
    if (rc == CS_OK) {
        size_t start = body->len;
        cs_tlv_put_u16(body, CS_REC_LENGTH, 0);
        cs_tlv_put_string(body, CS_REC_SUBJECT_NAME, cs_buf_str(&subject));
        cs_tlv_put_string(body, CS_REC_ISSUER_NAME, cs_buf_str(&issuer));
        cs_bytes serial = cs_cert_serial(entry->cert);
        cs_tlv_put(body, CS_REC_SERIAL, serial.data, serial.len);
        cs_tlv_put_u16(body, CS_REC_ROLE, entry->role);
        cs_tlv_put(body, CS_REC_PUBLIC_KEY, key.data, key.len);
        cs_bytes sig = cs_cert_signature(entry->cert);
        cs_tlv_put(body, CS_REC_SIGNATURE, sig.data, sig.len);
        cs_bytes der = cs_cert_der(entry->cert);
        cs_tlv_put(body, CS_REC_CERTIFICATE, der.data, der.len);
        size_t record_len = body->len - start;
        if (record_len > CS_TLV_MAX_LENGTH)
            body->failed = true;
        cs_buf_put_u16_at(body, start + CS_TLV_HEAD_SIZE, (uint16_t)record_len);
        if (body->failed)
            rc = cs_fail(err, CS_ERROR, "the record for %s does not fit in 65535 bytes",
                         cs_buf_str(&subject));
    }
    cs_buf_release(&subject);
    cs_buf_release(&issuer);
    cs_buf_release(&key);
    return rc;
}

static int check_build_rules(const cs_tl_spec *spec, cs_error *err)
{
    size_t sast = 0;
    for (size_t i = 0; i < spec->count; i++)
        if (spec->entries[i].role == CS_ROLE_SAST)
            sast++;
    if (sast == 0)
        return cs_fail(err, CS_ERROR, "a trust list needs a SAST certificate to sign it");
    if (sast > CS_MAX_SAST_RECORDS)
        return cs_fail(err, CS_ERROR, "%zu SAST certificates: phones accept at most %d", sast,
                       CS_MAX_SAST_RECORDS);
    return CS_OK;
}

bool cs_phone_rsa_can_sign(size_t bits)
{
    return cs_header_rsa_bits_supported(bits) && bits <= CS_PHONE_MAX_RSA_BITS;
}

static void fill_header_spec(const cs_tl_spec *spec, cs_header_spec *h)
{
    *h = (cs_header_spec){
        .has_signer_version = true,
        .signer_version = {spec->signer_version[0], spec->signer_version[1]},
        .digest_code = spec->digest_code,
        .filename = spec->filename,
        .has_timestamp = true,
        .timestamp = spec->timestamp,
    };
    cs_header_set_version(h, CS_SIGNED_TLV);
    cs_signer_fill_spec(spec->signer, h);
}

int cs_trustlist_build(const cs_tl_spec *spec, cs_buf *out, cs_error *err)
{
    int rc = check_build_rules(spec, err);
    if (rc != CS_OK)
        return rc;

    cs_buf body = CS_BUF_INIT;
    cs_header_draft draft = {0};
    for (size_t i = 0; rc == CS_OK && i < spec->count; i++)
        rc = put_record(&body, &spec->entries[i], err);

    cs_header_spec hspec;
    fill_header_spec(spec, &hspec);
    if (rc == CS_OK)
        rc = cs_header_draft_build(&draft, &hspec, err);
    if (rc == CS_OK)
        rc = cs_header_draft_sign_buffer(&draft, spec->signer->key, body.data, body.len, err);
    if (rc == CS_OK) {
        cs_buf_append(out, draft.bytes.data, draft.bytes.len);
        cs_buf_append(out, body.data, body.len);
        if (out->failed)
            rc = cs_fail(err, CS_ERROR, "out of memory");
    }
    cs_header_draft_release(&draft);
    cs_buf_release(&body);
    return rc;
}
