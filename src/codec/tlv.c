/* SPDX-License-Identifier: MIT */
#include "ciscosec/tlv.h"

#include <string.h>

void cs_tlv_reader_init(cs_tlv_reader *r, const uint8_t *data, size_t len)
{
    r->start = data;
    r->pos = data;
    r->end = data + len;
}

size_t cs_tlv_remaining(const cs_tlv_reader *r)
{
    return (size_t)(r->end - r->pos);
}

size_t cs_tlv_offset(const cs_tlv_reader *r)
{
    return (size_t)(r->pos - r->start);
}

bool cs_tlv_at_end(const cs_tlv_reader *r)
{
    return r->pos == r->end;
}

int cs_tlv_peek_tag(const cs_tlv_reader *r, uint8_t *tag, cs_error *err)
{
    if (cs_tlv_remaining(r) < 1)
        return cs_fail(err, CS_ERROR, "unexpected end of data at offset %zu", cs_tlv_offset(r));
    *tag = *r->pos;
    return CS_OK;
}

int cs_tlv_skip(cs_tlv_reader *r, size_t n, cs_error *err)
{
    if (cs_tlv_remaining(r) < n)
        return cs_fail(err, CS_ERROR, "unexpected end of data at offset %zu", cs_tlv_offset(r));
    r->pos += n;
    return CS_OK;
}

int cs_tlv_read_head(cs_tlv_reader *r, cs_tlv *out, cs_error *err)
{
    size_t offset = cs_tlv_offset(r);
    if (cs_tlv_remaining(r) < CS_TLV_HEAD_SIZE)
        return cs_fail(err, CS_ERROR, "element at offset %zu is truncated (%zu of 3 bytes)", offset,
                       cs_tlv_remaining(r));
    uint8_t tag = r->pos[0];
    uint16_t length = cs_load_u16(r->pos + 1);
    if (cs_tlv_remaining(r) - CS_TLV_HEAD_SIZE < length)
        return cs_fail(err, CS_ERROR,
                       "element with tag %u at offset %zu has length %u, past the end (%zu bytes "
                       "left)",
                       tag, offset, length, cs_tlv_remaining(r) - CS_TLV_HEAD_SIZE);
    r->pos += CS_TLV_HEAD_SIZE;
    out->tag = tag;
    out->length = length;
    out->value = r->pos;
    out->offset = offset;
    return CS_OK;
}

int cs_tlv_read(cs_tlv_reader *r, cs_tlv *out, cs_error *err)
{
    int rc = cs_tlv_read_head(r, out, err);
    if (rc != CS_OK)
        return rc;
    r->pos += out->length;
    return CS_OK;
}

static int expect_length(const cs_tlv *t, size_t want, cs_error *err)
{
    if (t->length != want)
        return cs_fail(err, CS_ERROR,
                       "element with tag %u at offset %zu has length %u, expected %zu", t->tag,
                       t->offset, t->length, want);
    return CS_OK;
}

int cs_tlv_u8(const cs_tlv *t, uint8_t *out, cs_error *err)
{
    int rc = expect_length(t, 1, err);
    if (rc == CS_OK)
        *out = t->value[0];
    return rc;
}

int cs_tlv_u16(const cs_tlv *t, uint16_t *out, cs_error *err)
{
    int rc = expect_length(t, 2, err);
    if (rc == CS_OK)
        *out = cs_load_u16(t->value);
    return rc;
}

int cs_tlv_u32(const cs_tlv *t, uint32_t *out, cs_error *err)
{
    int rc = expect_length(t, 4, err);
    if (rc == CS_OK)
        *out = cs_load_u32(t->value);
    return rc;
}

int cs_tlv_string(const cs_tlv *t, cs_bytes *out, cs_error *err)
{
    if (t->length == 0 || t->value[t->length - 1] != '\0')
        return cs_fail(err, CS_ERROR, "string with tag %u at offset %zu does not end with NUL",
                       t->tag, t->offset);
    if (memchr(t->value, '\0', t->length - 1U) != NULL)
        return cs_fail(err, CS_ERROR, "string with tag %u at offset %zu has a NUL inside", t->tag,
                       t->offset);
    out->data = t->value;
    out->len = t->length - 1U;
    return CS_OK;
}

static void put_head(cs_buf *buf, uint8_t tag, size_t len)
{
    if (len > CS_TLV_MAX_LENGTH) {
        buf->failed = true;
        return;
    }
    uint8_t head[CS_TLV_HEAD_SIZE] = {tag, (uint8_t)(len >> 8), (uint8_t)len};
    cs_buf_append(buf, head, sizeof head);
}

void cs_tlv_put(cs_buf *buf, uint8_t tag, const void *value, size_t len)
{
    put_head(buf, tag, len);
    if (!buf->failed)
        cs_buf_append(buf, value, len);
}

void cs_tlv_put_u8(cs_buf *buf, uint8_t tag, uint8_t value)
{
    cs_tlv_put(buf, tag, &value, 1);
}

void cs_tlv_put_u16(cs_buf *buf, uint8_t tag, uint16_t value)
{
    uint8_t v[2] = {(uint8_t)(value >> 8), (uint8_t)value};
    cs_tlv_put(buf, tag, v, sizeof v);
}

void cs_tlv_put_u32(cs_buf *buf, uint8_t tag, uint32_t value)
{
    uint8_t v[4] = {(uint8_t)(value >> 24), (uint8_t)(value >> 16), (uint8_t)(value >> 8),
                    (uint8_t)value};
    cs_tlv_put(buf, tag, v, sizeof v);
}

void cs_tlv_put_pair(cs_buf *buf, uint8_t tag, uint8_t major, uint8_t minor)
{
    uint8_t v[2] = {major, minor};
    cs_tlv_put(buf, tag, v, sizeof v);
}

void cs_tlv_put_string(cs_buf *buf, uint8_t tag, const char *s)
{
    cs_tlv_put(buf, tag, s, strlen(s) + 1);
}

size_t cs_tlv_open(cs_buf *buf, uint8_t tag)
{
    size_t pos = buf->len;
    put_head(buf, tag, 0);
    return pos;
}

void cs_tlv_close(cs_buf *buf, size_t element_pos)
{
    if (buf->failed || element_pos > buf->len || buf->len - element_pos < CS_TLV_HEAD_SIZE) {
        buf->failed = true;
        return;
    }
    size_t len = buf->len - element_pos - CS_TLV_HEAD_SIZE;
    if (len > CS_TLV_MAX_LENGTH) {
        buf->failed = true;
        return;
    }
    cs_buf_put_u16_at(buf, element_pos + 1, (uint16_t)len);
}
