/* SPDX-License-Identifier: MIT */
/* TVS messages (tvs.h): the 10-byte header, and bodies read with the
 * bounds-checked element reader of tlv.h. */
#include "ciscosec/tvs.h"

#include <string.h>

#include "ciscosec/tlv.h"

const cs_frame_spec cs_tvs_frame = {
    .header_size = CS_TVS_HEADER_SIZE,
    .length_offset = CS_TVS_LENGTH_OFFSET,
    .max_body = CS_TVS_MAX_BODY,
};

int cs_tvs_header_decode(const uint8_t *frame, size_t len, cs_tvs_header *out, cs_error *err)
{
    if (len < CS_TVS_HEADER_SIZE)
        return cs_fail(err, CS_ERROR, "truncated header (%zu of %d bytes)", len,
                       CS_TVS_HEADER_SIZE);
    if (frame[0] != CS_TVS_PROTOCOL)
        return cs_fail(err, CS_ERROR, "wrong protocol id %u (TVS is %d)", frame[0],
                       CS_TVS_PROTOCOL);
    if (frame[1] != CS_TVS_VERSION)
        return cs_fail(err, CS_ERROR, "unknown version %u", frame[1]);
    if (frame[3] != 0)
        return cs_fail(err, CS_ERROR, "reserved header byte is %u, not 0", frame[3]);
    out->command = frame[2];
    out->session_id = cs_load_u32(frame + 4);
    out->length = cs_load_u16(frame + CS_TVS_LENGTH_OFFSET);
    if ((size_t)out->length != len - CS_TVS_HEADER_SIZE)
        return cs_fail(err, CS_ERROR, "body length %u but %zu bytes follow the header", out->length,
                       len - CS_TVS_HEADER_SIZE);
    if (out->length > CS_TVS_MAX_BODY)
        return cs_fail(err, CS_ERROR, "body of %u bytes is over the limit", out->length);
    return CS_OK;
}

static void put_header(cs_buf *out, const cs_tvs_header *h)
{
    const uint8_t head[CS_TVS_HEADER_SIZE] = {CS_TVS_PROTOCOL,
                                              CS_TVS_VERSION,
                                              h->command,
                                              0,
                                              (uint8_t)(h->session_id >> 24),
                                              (uint8_t)(h->session_id >> 16),
                                              (uint8_t)(h->session_id >> 8),
                                              (uint8_t)h->session_id,
                                              0,
                                              0};
    cs_buf_append(out, head, sizeof head);
}

/* The body length goes in once the body is written. */
static int finish_frame(cs_buf *out, size_t start, cs_error *err)
{
    size_t body = out->len - start - CS_TVS_HEADER_SIZE;
    if (out->failed || body > CS_TVS_MAX_BODY)
        return cs_fail(err, CS_ERROR, out->failed ? "out of memory" : "message too long");
    cs_buf_put_u16_at(out, start + CS_TVS_LENGTH_OFFSET, (uint16_t)body);
    return CS_OK;
}

/* Walks a body's elements, at most CS_TVS_MAX_ELEMENTS of them, calling
 * take for each; take returns CS_OK, or CS_ERROR with err set. */
typedef int (*element_fn)(void *out, const cs_tlv *t, cs_error *err);

static int walk_body(const uint8_t *frame, size_t len, void *out, element_fn take, cs_error *err)
{
    cs_tlv_reader r;
    cs_tlv_reader_init(&r, frame + CS_TVS_HEADER_SIZE, len - CS_TVS_HEADER_SIZE);
    for (size_t count = 0; !cs_tlv_at_end(&r); count++) {
        if (count == CS_TVS_MAX_ELEMENTS)
            return cs_fail(err, CS_ERROR, "more than %d elements", CS_TVS_MAX_ELEMENTS);
        cs_tlv t;
        int rc = cs_tlv_read(&r, &t, err);
        if (rc == CS_OK)
            rc = take(out, &t, err);
        if (rc != CS_OK) {
            cs_error_prefix(err, "element %zu", count + 1);
            return rc;
        }
    }
    return CS_OK;
}

static int once(bool seen, uint8_t tag, cs_error *err)
{
    return seen ? cs_fail(err, CS_ERROR, "tag %u appears twice", tag) : CS_OK;
}

/* --- requests ------------------------------------------------------------ */

static int take_request_element(void *p, const cs_tlv *t, cs_error *err)
{
    cs_tvs_request *req = p;
    switch (t->tag) {
    case CS_TVS_TAG_DEVICE_NAME:
        if (once(req->device_name.data != NULL, t->tag, err) != CS_OK)
            return CS_ERROR;
        if (t->length < 1 || t->value[0] != CS_TVS_DEVICE_PREFIX)
            return cs_fail(err, CS_ERROR, "device name does not start with 0x01");
        req->device_name = (cs_bytes){t->value + 1, (size_t)t->length - 1};
        return CS_OK;
    case CS_TVS_TAG_CERTIFICATE:
        if (once(req->certificate.data != NULL, t->tag, err) != CS_OK)
            return CS_ERROR;
        if (t->length == 0)
            return cs_fail(err, CS_ERROR, "empty certificate");
        req->certificate = (cs_bytes){t->value, t->length};
        return CS_OK;
    default:
        req->unknown_elements++;
        return CS_OK;
    }
}

int cs_tvs_request_decode(const uint8_t *frame, size_t len, cs_tvs_request *out, cs_error *err)
{
    *out = (cs_tvs_request){.header.command = 0};
    int rc = cs_tvs_header_decode(frame, len, &out->header, err);
    if (rc == CS_OK && out->header.command != CS_TVS_VERIFY_REQ &&
        out->header.command != CS_TVS_QUERY_REQ)
        rc = cs_fail(err, CS_ERROR, "command %u is not a request", out->header.command);
    if (rc == CS_OK)
        rc = walk_body(frame, len, out, take_request_element, err);
    if (rc == CS_OK && out->certificate.data == NULL)
        rc = cs_fail(err, CS_ERROR, "no certificate in the request");
    return rc;
}

int cs_tvs_request_encode(const cs_tvs_request *req, cs_buf *out, cs_error *err)
{
    size_t start = out->len;
    put_header(out, &req->header);
    if (req->device_name.data != NULL) {
        size_t pos = cs_tlv_open(out, CS_TVS_TAG_DEVICE_NAME);
        cs_buf_append_byte(out, CS_TVS_DEVICE_PREFIX);
        cs_buf_append(out, req->device_name.data, req->device_name.len);
        cs_tlv_close(out, pos);
    }
    cs_tlv_put(out, CS_TVS_TAG_CERTIFICATE, req->certificate.data, req->certificate.len);
    return finish_frame(out, start, err);
}

/* --- responses ----------------------------------------------------------- */

typedef struct response_seen {
    cs_tvs_response *resp;
    bool status;
} response_seen;

static int take_response_element(void *p, const cs_tlv *t, cs_error *err)
{
    response_seen *seen = p;
    cs_tvs_response *resp = seen->resp;
    switch (t->tag) {
    case CS_TVS_TAG_STATUS:
        if (once(seen->status, t->tag, err) != CS_OK)
            return CS_ERROR;
        seen->status = true;
        return cs_tlv_u8(t, &resp->status, err);
    case CS_TVS_TAG_ROLES:
        if (once(resp->has_roles, t->tag, err) != CS_OK)
            return CS_ERROR;
        if (t->length > CS_TVS_MAX_ROLES)
            return cs_fail(err, CS_ERROR, "%u roles, more than %d", t->length, CS_TVS_MAX_ROLES);
        memcpy(resp->roles, t->value, t->length);
        resp->role_count = t->length;
        resp->has_roles = true;
        return CS_OK;
    case CS_TVS_TAG_TTL:
        if (once(resp->has_ttl, t->tag, err) != CS_OK)
            return CS_ERROR;
        resp->has_ttl = true;
        return cs_tlv_u32(t, &resp->ttl, err);
    default:
        resp->unknown_elements++;
        return CS_OK;
    }
}

int cs_tvs_response_decode(const uint8_t *frame, size_t len, cs_tvs_response *out, cs_error *err)
{
    *out = (cs_tvs_response){.header.command = 0};
    response_seen seen = {out, false};
    int rc = cs_tvs_header_decode(frame, len, &out->header, err);
    if (rc == CS_OK && out->header.command != CS_TVS_VERIFY_RESP &&
        out->header.command != CS_TVS_QUERY_RESP)
        rc = cs_fail(err, CS_ERROR, "command %u is not a response", out->header.command);
    if (rc == CS_OK)
        rc = walk_body(frame, len, &seen, take_response_element, err);
    if (rc == CS_OK && !seen.status)
        rc = cs_fail(err, CS_ERROR, "no status in the response");
    return rc;
}

int cs_tvs_response_encode(const cs_tvs_response *resp, cs_buf *out, cs_error *err)
{
    size_t start = out->len;
    put_header(out, &resp->header);
    cs_tlv_put_u8(out, CS_TVS_TAG_STATUS, resp->status);
    if (resp->has_roles)
        cs_tlv_put(out, CS_TVS_TAG_ROLES, resp->roles, resp->role_count);
    if (resp->has_ttl)
        cs_tlv_put_u32(out, CS_TVS_TAG_TTL, resp->ttl);
    return finish_frame(out, start, err);
}
