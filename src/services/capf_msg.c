/* SPDX-License-Identifier: MIT */
/* The CAPF message codec (capf.h), on the cs_tlv reader and writers. */
#include "ciscosec/capf.h"

#include <string.h>

#define CERT_PREFIX_SIZE 5

void cs_capf_msg_init(cs_capf_msg *msg, uint8_t command, uint32_t session_id)
{
    msg->command = command;
    msg->session_id = session_id;
    msg->count = 0;
}

bool cs_capf_add(cs_capf_msg *msg, uint8_t tag, const void *value, size_t len)
{
    if (msg->count >= CS_CAPF_MAX_ELEMENTS || len > CS_TLV_MAX_LENGTH)
        return false;
    msg->elements[msg->count++] =
        (cs_tlv){.tag = tag, .length = (uint16_t)len, .value = value, .offset = 0};
    return true;
}

int cs_capf_frame_size(const uint8_t header[CS_CAPF_HEADER_SIZE], size_t *size, cs_error *err)
{
    if (header[0] != CS_CAPF_PROTOCOL)
        return cs_fail(err, CS_ERROR, "not a CAPF message (protocol byte 0x%02x, expected 0x%02x)",
                       header[0], CS_CAPF_PROTOCOL);
    size_t body = cs_load_u16(header + 6);
    if (body > CS_CAPF_MAX_BODY)
        return cs_fail(err, CS_ERROR, "CAPF message body of %zu bytes is over the limit of %u",
                       body, CS_CAPF_MAX_BODY);
    *size = CS_CAPF_HEADER_SIZE + body;
    return CS_OK;
}

int cs_capf_decode(const uint8_t *data, size_t len, cs_capf_msg *out, cs_error *err)
{
    if (len < CS_CAPF_HEADER_SIZE)
        return cs_fail(err, CS_ERROR, "CAPF message of %zu bytes is shorter than its header", len);
    size_t size = 0;
    int rc = cs_capf_frame_size(data, &size, err);
    if (rc != CS_OK)
        return rc;
    if (size != len)
        return cs_fail(err, CS_ERROR, "CAPF message header says %zu bytes, the frame has %zu", size,
                       len);
    cs_capf_msg_init(out, data[1], cs_load_u32(data + 2));
    cs_tlv_reader r;
    cs_tlv_reader_init(&r, data + CS_CAPF_HEADER_SIZE, len - CS_CAPF_HEADER_SIZE);
    while (!cs_tlv_at_end(&r)) {
        if (out->count >= CS_CAPF_MAX_ELEMENTS)
            return cs_fail(err, CS_ERROR, "CAPF message has more than %u elements",
                           CS_CAPF_MAX_ELEMENTS);
        rc = cs_tlv_read(&r, &out->elements[out->count], err);
        if (rc != CS_OK) {
            cs_error_prefix(err, "CAPF %s", cs_capf_command_name(out->command));
            return rc;
        }
        out->count++;
    }
    return CS_OK;
}

int cs_capf_encode(const cs_capf_msg *msg, cs_buf *out, cs_error *err)
{
    size_t start = out->len;
    uint8_t header[CS_CAPF_HEADER_SIZE] = {
        CS_CAPF_PROTOCOL,
        msg->command,
        (uint8_t)(msg->session_id >> 24),
        (uint8_t)(msg->session_id >> 16),
        (uint8_t)(msg->session_id >> 8),
        (uint8_t)msg->session_id,
        0,
        0,
    };
    cs_buf_append(out, header, sizeof header);
    for (size_t i = 0; i < msg->count; i++)
        cs_tlv_put(out, msg->elements[i].tag, msg->elements[i].value, msg->elements[i].length);
    size_t body = out->failed ? 0 : out->len - start - CS_CAPF_HEADER_SIZE;
    if (out->failed || body > CS_CAPF_MAX_BODY) {
        if (!out->failed)
            out->len = start;
        return cs_fail(err, CS_ERROR, "cannot encode CAPF %s: %s",
                       cs_capf_command_name(msg->command),
                       out->failed ? "out of memory" : "body over the limit");
    }
    cs_buf_put_u16_at(out, start + 6, (uint16_t)body);
    return CS_OK;
}

const cs_tlv *cs_capf_find(const cs_capf_msg *msg, uint8_t tag)
{
    for (size_t i = 0; i < msg->count; i++)
        if (msg->elements[i].tag == tag)
            return &msg->elements[i];
    return NULL;
}

static int require(const cs_capf_msg *msg, uint8_t tag, const cs_tlv **out, cs_error *err)
{
    *out = cs_capf_find(msg, tag);
    if (*out == NULL)
        return cs_fail(err, CS_ERROR, "CAPF %s has no element %u",
                       cs_capf_command_name(msg->command), tag);
    return CS_OK;
}

int cs_capf_get_u8(const cs_capf_msg *msg, uint8_t tag, uint8_t *out, cs_error *err)
{
    const cs_tlv *t;
    int rc = require(msg, tag, &t, err);
    return rc == CS_OK ? cs_tlv_u8(t, out, err) : rc;
}

int cs_capf_get_u16(const cs_capf_msg *msg, uint8_t tag, uint16_t *out, cs_error *err)
{
    const cs_tlv *t;
    int rc = require(msg, tag, &t, err);
    return rc == CS_OK ? cs_tlv_u16(t, out, err) : rc;
}

int cs_capf_get_text(const cs_capf_msg *msg, uint8_t tag, cs_bytes *out, cs_error *err)
{
    const cs_tlv *t;
    int rc = require(msg, tag, &t, err);
    return rc == CS_OK ? cs_tlv_string(t, out, err) : rc;
}

int cs_capf_cert_decode(const cs_tlv *element, uint8_t *cert_type, cs_bytes *der, cs_error *err)
{
    const uint8_t *v = element->value;
    size_t len = element->length;
    if (len < CERT_PREFIX_SIZE || v[0] != 1 || v[3] != 0)
        return cs_fail(err, CS_ERROR, "CAPF certificate element has no valid 5-byte prefix");
    size_t inner = cs_load_u16(v + 1);
    if (inner != len - 3)
        return cs_fail(err, CS_ERROR,
                       "CAPF certificate element says %zu bytes follow, the element has %zu", inner,
                       len - 3);
    *cert_type = v[4];
    der->data = v + CERT_PREFIX_SIZE;
    der->len = len - CERT_PREFIX_SIZE;
    return CS_OK;
}

void cs_capf_cert_encode(cs_buf *value, uint8_t cert_type, cs_bytes der)
{
    size_t inner = der.len + 2;
    if (inner > CS_TLV_MAX_LENGTH) {
        value->failed = true;
        return;
    }
    uint8_t prefix[CERT_PREFIX_SIZE] = {1, (uint8_t)(inner >> 8), (uint8_t)inner, 0, cert_type};
    cs_buf_append(value, prefix, sizeof prefix);
    cs_buf_append(value, der.data, der.len);
}

int cs_capf_inner_find(const cs_tlv *element, uint8_t tag, cs_bytes *out, cs_error *err)
{
    cs_tlv_reader r;
    cs_tlv_reader_init(&r, element->value, element->length);
    bool found = false;
    for (unsigned n = 0; !cs_tlv_at_end(&r); n++) {
        cs_tlv t;
        if (n >= CS_CAPF_MAX_ELEMENTS)
            return cs_fail(err, CS_ERROR, "CAPF element %u has too many parts", element->tag);
        int rc = cs_tlv_read(&r, &t, err);
        if (rc != CS_OK) {
            cs_error_prefix(err, "CAPF element %u", element->tag);
            return rc;
        }
        if (t.tag == tag && !found) {
            *out = (cs_bytes){t.value, t.length};
            found = true;
        }
    }
    if (!found)
        return cs_fail(err, CS_ERROR, "CAPF element %u has no part %u", element->tag, tag);
    return CS_OK;
}

const char *cs_capf_command_name(uint8_t command)
{
    static const char *const names[] = {
        "UNKNOWN",         "AUTH_REQ",        "AUTH_RESP",
        "KEY_GEN_REQ",     "KEY_GEN_RESP",    "ENCRYPT_RESP",
        "ENCRYPT_REQ",     "DECRYPT_REQ",     "DECRYPT_RESP",
        "STORE_CERT_REQ",  "STORE_CERT_RESP", "FETCH_CERT_REQ",
        "FETCH_CERT_RESP", "DELETE_CERT_REQ", "DELETE_CERT_RESP",
        "END_SESSION",     "RETRY_LATER",     "REQUEST_IN_PROGRESS",
        "STATUS_REQ",      "STATUS_RESP",     "ABORT_REQ",
        "ABORT_RESP",      "SIGN_CERT_REQ",   "SIGN_CERT_RESP",
    };
    return command < sizeof names / sizeof names[0] ? names[command] : names[0];
}
