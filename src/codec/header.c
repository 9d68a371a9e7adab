/* SPDX-License-Identifier: MIT */
#include "ciscosec/header.h"

#include <string.h>
#include <strings.h>

#include "ciscosec/tlv.h"

#define LAST_HEADER_TAG CS_HDR_SIGNER_VERSION

static const struct {
    uint8_t code;
    cs_md md;
    const char *name;
    const char *option;
} digests[] = {
    {CS_DIGEST_SHA1, CS_MD_SHA1, "SHA1", "sha1"},
    {CS_DIGEST_SHA256, CS_MD_SHA256, "SHA256", "sha256"},
    {CS_DIGEST_SHA512, CS_MD_SHA512, "SHA512", "sha512"},
};
#define N_DIGESTS (sizeof digests / sizeof digests[0])

bool cs_digest_code_to_md(uint8_t code, cs_md *md)
{
    for (size_t i = 0; i < N_DIGESTS; i++) {
        if (digests[i].code == code) {
            *md = digests[i].md;
            return true;
        }
    }
    return false;
}

const char *cs_digest_code_name(uint8_t code)
{
    for (size_t i = 0; i < N_DIGESTS; i++)
        if (digests[i].code == code)
            return digests[i].name;
    return NULL;
}

bool cs_digest_code_parse(const char *name, uint8_t *code)
{
    for (size_t i = 0; i < N_DIGESTS; i++) {
        if (strcasecmp(digests[i].option, name) == 0) {
            *code = digests[i].code;
            return true;
        }
    }
    return false;
}

/* Containers are stepped into, not skipped: their children follow. */
static bool is_container(uint8_t tag)
{
    switch (tag) {
    case CS_HDR_SIGNER_INFO:
    case CS_HDR_SIGNATURE_INFO:
    case CS_HDR_SIGNATURE_ALGORITHM_INFO:
    case CS_HDR_ENCRYPTION_INFO:
    case CS_HDR_IV_INFO:
    case CS_HDR_KEY_INFO:
        return true;
    default:
        return false;
    }
}

/* A reader inside the header's containers. Each open container has its own
 * end, as in mbedTLS's ASN.1 reader: its children must end by it, and the
 * reader leaves it with the cursor exactly there. A child that runs past
 * its container's end is recorded (the first one), not refused: producers
 * other than the reference write such headers and phones take them. */
#define MAX_NESTING 6 /* each container tag once */
typedef struct header_walk {
    cs_tlv_reader r;
    struct {
        uint8_t tag;
        size_t offset;
        const uint8_t *end;
    } open[MAX_NESTING];
    size_t depth;
    cs_tlv last; /* the element read last */
    bool has_straddle;
    cs_header_straddle straddle;
} header_walk;

static void walk_init(header_walk *w, const uint8_t *data, size_t len)
{
    memset(w, 0, sizeof *w);
    cs_tlv_reader_init(&w->r, data, len);
}

static void note_straddle(header_walk *w, const cs_tlv *child, size_t level)
{
    if (w->has_straddle)
        return;
    w->has_straddle = true;
    w->straddle =
        (cs_header_straddle){child->tag, child->offset, w->open[level].tag, w->open[level].offset};
}

/* Leaves every container whose end the cursor has reached. If it went past
 * the end, the element read last ran over it. */
static void leave_containers(header_walk *w)
{
    while (w->depth > 0 && w->r.pos >= w->open[w->depth - 1].end) {
        w->depth--;
        if (w->r.pos != w->open[w->depth].end)
            note_straddle(w, &w->last, w->depth);
    }
}

static int enter_container(header_walk *w, const cs_tlv *t, cs_error *err)
{
    if (w->depth == MAX_NESTING)
        return cs_fail(err, CS_ERROR, "containers nested more than %d deep at offset %zu",
                       MAX_NESTING, t->offset);
    const uint8_t *end = t->value + t->length;
    if (w->depth > 0 && end > w->open[w->depth - 1].end)
        note_straddle(w, t, w->depth - 1);
    w->open[w->depth].tag = t->tag;
    w->open[w->depth].offset = t->offset;
    w->open[w->depth].end = end;
    w->depth++;
    return CS_OK;
}

/* Reads the next header element, stepping over padding bytes and into
 * containers. *done is set at the end of the data. */
static int next_element(header_walk *w, cs_tlv *t, bool *done, cs_error *err)
{
    for (;;) {
        leave_containers(w);
        if (cs_tlv_at_end(&w->r)) {
            *done = true;
            return CS_OK;
        }
        uint8_t tag;
        int rc = cs_tlv_peek_tag(&w->r, &tag, err);
        if (rc != CS_OK)
            return rc;
        if (tag == CS_HDR_PADDING) {
            rc = cs_tlv_skip(&w->r, 1, err);
            if (rc != CS_OK)
                return rc;
            continue;
        }
        rc = cs_tlv_read_head(&w->r, t, err);
        if (rc != CS_OK)
            return rc;
        *done = false;
        w->last = *t;
        if (is_container(tag))
            return enter_container(w, t, err);
        return cs_tlv_skip(&w->r, t->length, err);
    }
}

int cs_header_length(const uint8_t *data, size_t len, uint16_t *header_len, cs_error *err)
{
    header_walk w;
    walk_init(&w, data, len);
    for (;;) {
        cs_tlv t;
        bool done = false;
        int rc = next_element(&w, &t, &done, err);
        if (rc != CS_OK)
            return rc;
        if (done)
            return cs_fail(err, CS_ERROR, "no header length element (tag 2) in the first %zu bytes",
                           len);
        if (is_container(t.tag))
            continue;
        if (t.tag == CS_HDR_LENGTH)
            return cs_tlv_u16(&t, header_len, err);
    }
}

static int read_string(const cs_tlv *t, cs_bytes *out, bool *has, cs_error *err)
{
    *has = true;
    return cs_tlv_string(t, out, err);
}

static int read_bytes(const cs_tlv *t, cs_bytes *out, bool *has)
{
    *has = true;
    out->data = t->value;
    out->len = t->length;
    return CS_OK;
}

static int read_pair(const cs_tlv *t, uint8_t out[2], cs_error *err)
{
    if (t->length != 2)
        return cs_fail(err, CS_ERROR, "element with tag %u at offset %zu has length %u, expected 2",
                       t->tag, t->offset, t->length);
    out[0] = t->value[0];
    out[1] = t->value[1];
    return CS_OK;
}

static int store_element(cs_header *h, const cs_tlv *t, cs_error *err)
{
    bool unused;
    cs_encryption_fields *enc = &h->enc;
    if (t->tag >= CS_HDR_ENCRYPTION_INFO && t->tag <= CS_HDR_CONTENT_DIGEST)
        h->has_encryption = true;

    switch (t->tag) {
    case CS_HDR_VERSION:
        return read_pair(t, h->version, err);
    case CS_HDR_LENGTH:
        return cs_tlv_u16(t, &h->length, err);
    case CS_HDR_SIGNER_VERSION:
        h->has_signer_version = true;
        return read_pair(t, h->signer_version, err);
    case CS_HDR_SIGNER_NAME:
        return read_string(t, &h->signer_name, &h->has_signer_name, err);
    case CS_HDR_ISSUER_NAME:
        return read_string(t, &h->issuer_name, &h->has_issuer_name, err);
    case CS_HDR_SERIAL:
        return read_bytes(t, &h->serial, &h->has_serial);
    case CS_HDR_DIGEST_ALGORITHM:
        h->has_digest = true;
        return cs_tlv_u8(t, &h->digest_code, err);
    case CS_HDR_SIGNATURE_ALGORITHM:
        h->has_signature_algorithm = true;
        return cs_tlv_u8(t, &h->signature_algorithm, err);
    case CS_HDR_SIGNATURE_MODULUS:
        h->has_signature_modulus = true;
        return cs_tlv_u8(t, &h->signature_modulus, err);
    case CS_HDR_SIGNATURE:
        h->signature_offset = t->offset;
        return read_bytes(t, &h->signature, &h->has_signature);
    case CS_HDR_FILENAME:
        return read_string(t, &h->filename, &h->has_filename, err);
    case CS_HDR_TIMESTAMP:
        h->has_timestamp = true;
        return cs_tlv_u32(t, &h->timestamp, err);
    case CS_HDR_IV_RESERVED:
    case CS_HDR_KEY_RESERVED:
        return CS_OK;
    case CS_HDR_IV:
        return read_bytes(t, &enc->iv, &unused);
    case CS_HDR_PADDING_COUNT:
        return cs_tlv_u16(t, &enc->padding_count, err);
    case CS_HDR_KEY_SIZE:
        return cs_tlv_u16(t, &enc->key_bits, err);
    case CS_HDR_KEY_ALGORITHM:
        return cs_tlv_u8(t, &enc->key_algorithm, err);
    case CS_HDR_ENCRYPTED_KEY:
        return read_bytes(t, &enc->encrypted_key, &unused);
    case CS_HDR_CONTENT_DIGEST_ALGORITHM:
        return cs_tlv_u8(t, &enc->content_digest_code, err);
    case CS_HDR_CONTENT_DIGEST:
        return read_bytes(t, &enc->content_digest, &unused);
    default:
        return cs_fail(err, CS_ERROR, "unknown header tag %u at offset %zu", t->tag, t->offset);
    }
}

static int check_required(const cs_header *h, uint32_t seen, cs_error *err)
{
    static const struct {
        uint8_t tag;
        const char *name;
    } required[] = {
        {CS_HDR_VERSION, "version"},
        {CS_HDR_DIGEST_ALGORITHM, "digest algorithm"},
        {CS_HDR_SIGNATURE, "signature"},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++)
        if (!(seen & 1u << required[i].tag))
            return cs_fail(err, CS_ERROR, "header has no %s element (tag %u)", required[i].name,
                           required[i].tag);
    if (h->has_encryption) {
        static const uint8_t enc_tags[] = {CS_HDR_IV, CS_HDR_PADDING_COUNT, CS_HDR_ENCRYPTED_KEY,
                                           CS_HDR_CONTENT_DIGEST_ALGORITHM, CS_HDR_CONTENT_DIGEST};
        for (size_t i = 0; i < sizeof enc_tags; i++)
            if (!(seen & 1u << enc_tags[i]))
                return cs_fail(err, CS_ERROR, "encryption fields lack tag %u", enc_tags[i]);
    }
    return CS_OK;
}

int cs_header_parse(const uint8_t *data, size_t len, uint64_t file_size, cs_header *out,
                    cs_error *err)
{
    memset(out, 0, sizeof *out);
    uint16_t header_len;
    int rc = cs_header_length(data, len, &header_len, err);
    if (rc != CS_OK)
        return rc;
    if (header_len < CS_HEADER_MIN_SIZE)
        return cs_fail(err, CS_ERROR, "header length %u is too small", header_len);
    if (header_len > file_size)
        return cs_fail(err, CS_ERROR, "header length %u runs past the end of the file (%llu bytes)",
                       header_len, (unsigned long long)file_size);
    if (header_len > len)
        return cs_fail(err, CS_ERROR, "header length %u runs past the %zu bytes read", header_len,
                       len);

    header_walk w;
    walk_init(&w, data, header_len);
    uint32_t seen = 0;
    for (;;) {
        cs_tlv t;
        bool done = false;
        rc = next_element(&w, &t, &done, err);
        if (rc != CS_OK) {
            cs_error_prefix(err, "header (%u bytes)", header_len);
            return rc;
        }
        if (done)
            break;
        if (t.tag == 0 || t.tag > LAST_HEADER_TAG)
            return cs_fail(err, CS_ERROR, "unknown header tag %u at offset %zu", t.tag, t.offset);
        if (seen & 1u << t.tag)
            return cs_fail(err, CS_ERROR, "header tag %u appears twice (offset %zu)", t.tag,
                           t.offset);
        seen |= 1u << t.tag;
        if (is_container(t.tag))
            continue;
        out->order[out->order_len++] = t.tag;
        if ((rc = store_element(out, &t, err)) != CS_OK)
            return rc;
    }
    out->has_straddle = w.has_straddle;
    out->straddle = w.straddle;
    return check_required(out, seen, err);
}

int cs_header_check_nesting(const cs_header *h, cs_error *err)
{
    if (!h->has_straddle)
        return CS_OK;
    const cs_header_straddle *s = &h->straddle;
    return cs_fail(err, CS_INVALID,
                   "header element with tag %u at offset %zu runs past the end of its container "
                   "(tag %u at offset %zu)",
                   s->tag, s->offset, s->container, s->container_offset);
}

void cs_header_set_version(cs_header_spec *spec, cs_signed_kind kind)
{
    static const uint8_t versions[][2] = {
        [CS_SIGNED_TLV] = {1, 2}, [CS_SIGNED_SGN] = {1, 0}, [CS_SIGNED_ENC_SGN] = {2, 0}};
    spec->version[0] = versions[kind][0];
    spec->version[1] = versions[kind][1];
}

/* The signature sizes tag 11 can name, by index (formats.md §2). */
static const size_t signature_sizes[] = {64, 128, 256, 512};

bool cs_header_rsa_bits_supported(size_t bits)
{
    for (size_t i = 0; i < sizeof signature_sizes / sizeof signature_sizes[0]; i++)
        if (signature_sizes[i] * 8 == bits)
            return true;
    return false;
}

static int modulus_index(size_t signature_len, uint8_t *index, cs_error *err)
{
    const size_t *sizes = signature_sizes;
    for (uint8_t i = 0; i < sizeof signature_sizes / sizeof signature_sizes[0]; i++) {
        if (sizes[i] == signature_len) {
            *index = i;
            return CS_OK;
        }
    }
    return cs_fail(err, CS_ERROR,
                   "RSA keys of %zu bits cannot sign these files (512, 1024, 2048 or 4096 only)",
                   signature_len * 8);
}

static void put_encryption(cs_buf *b, const cs_encryption_fields *enc)
{
    size_t info = cs_tlv_open(b, CS_HDR_ENCRYPTION_INFO);
    size_t iv_info = cs_tlv_open(b, CS_HDR_IV_INFO);
    cs_tlv_put_u8(b, CS_HDR_IV_RESERVED, 0);
    cs_tlv_put(b, CS_HDR_IV, enc->iv.data, enc->iv.len);
    cs_tlv_put_u16(b, CS_HDR_PADDING_COUNT, enc->padding_count);
    cs_tlv_close(b, iv_info);
    size_t key_info = cs_tlv_open(b, CS_HDR_KEY_INFO);
    cs_tlv_put_u8(b, CS_HDR_KEY_RESERVED, 0);
    cs_tlv_put_u16(b, CS_HDR_KEY_SIZE, enc->key_bits);
    cs_tlv_put_u8(b, CS_HDR_KEY_ALGORITHM, enc->key_algorithm);
    cs_tlv_put(b, CS_HDR_ENCRYPTED_KEY, enc->encrypted_key.data, enc->encrypted_key.len);
    cs_tlv_close(b, key_info);
    cs_tlv_close(b, info);
    cs_tlv_put_u8(b, CS_HDR_CONTENT_DIGEST_ALGORITHM, enc->content_digest_code);
    cs_tlv_put(b, CS_HDR_CONTENT_DIGEST, enc->content_digest.data, enc->content_digest.len);
}

int cs_header_draft_build(cs_header_draft *draft, const cs_header_spec *spec, cs_error *err)
{
    memset(draft, 0, sizeof *draft);
    cs_buf_init(&draft->bytes);
    uint8_t modulus = 0;
    int rc = modulus_index(spec->signature_len, &modulus, err);
    if (rc != CS_OK)
        return rc;
    if (!cs_digest_code_to_md(spec->digest_code, &draft->md))
        return cs_fail(err, CS_ERROR, "unknown digest algorithm code %u", spec->digest_code);

    cs_buf *b = &draft->bytes;
    cs_tlv_put_pair(b, CS_HDR_VERSION, spec->version[0], spec->version[1]);
    size_t length_pos = b->len;
    cs_tlv_put_u16(b, CS_HDR_LENGTH, 0);
    if (spec->has_signer_version)
        cs_tlv_put_pair(b, CS_HDR_SIGNER_VERSION, spec->signer_version[0], spec->signer_version[1]);

    size_t signer = cs_tlv_open(b, CS_HDR_SIGNER_INFO);
    cs_tlv_put_string(b, CS_HDR_SIGNER_NAME, spec->signer_name);
    cs_tlv_put_string(b, CS_HDR_ISSUER_NAME, spec->issuer_name);
    cs_tlv_put(b, CS_HDR_SERIAL, spec->serial.data, spec->serial.len);
    cs_tlv_close(b, signer);

    size_t info = cs_tlv_open(b, CS_HDR_SIGNATURE_INFO);
    cs_tlv_put_u8(b, CS_HDR_DIGEST_ALGORITHM, spec->digest_code);
    size_t algorithm = cs_tlv_open(b, CS_HDR_SIGNATURE_ALGORITHM_INFO);
    cs_tlv_put_u8(b, CS_HDR_SIGNATURE_ALGORITHM, 0 /* RSA */);
    cs_tlv_put_u8(b, CS_HDR_SIGNATURE_MODULUS, modulus);
    cs_tlv_close(b, algorithm);
    cs_tlv_close(b, info);

    draft->signature_offset = b->len;
    draft->signature_len = spec->signature_len;
    static const uint8_t zeros[512];
    cs_tlv_put(b, CS_HDR_SIGNATURE, zeros, spec->signature_len);

    cs_tlv_put_string(b, CS_HDR_FILENAME, spec->filename);
    if (spec->has_timestamp)
        cs_tlv_put_u32(b, CS_HDR_TIMESTAMP, spec->timestamp);
    if (spec->encryption != NULL)
        put_encryption(b, spec->encryption);
    while (!b->failed && b->len % 4 != 0)
        cs_buf_append_byte(b, CS_HDR_PADDING);

    if (b->len > CS_HEADER_MAX_SIZE)
        b->failed = true;
    cs_buf_put_u16_at(b, length_pos + CS_TLV_HEAD_SIZE, (uint16_t)b->len);
    if (b->failed) {
        cs_header_draft_release(draft);
        return cs_fail(err, CS_ERROR, "the header does not fit in %u bytes (names too long?)",
                       CS_HEADER_MAX_SIZE);
    }
    return CS_OK;
}

void cs_header_draft_release(cs_header_draft *draft)
{
    cs_buf_release(&draft->bytes);
}
