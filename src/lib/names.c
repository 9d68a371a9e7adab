/* SPDX-License-Identifier: MIT */
#include "ciscosec/names.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Attribute types under 2.5.4 (id-at) and the two others §5 names. */
static const struct {
    const char *key;
    uint8_t oid[10];
    size_t oid_len;
} known_keys[] = {
    {"CN", {0x55, 0x04, 0x03}, 3},
    {"O", {0x55, 0x04, 0x0A}, 3},
    {"OU", {0x55, 0x04, 0x0B}, 3},
    {"L", {0x55, 0x04, 0x07}, 3},
    {"ST", {0x55, 0x04, 0x08}, 3},
    {"C", {0x55, 0x04, 0x06}, 3},
    {"STREET", {0x55, 0x04, 0x09}, 3},
    /* 0.9.2342.19200300.100.1.25 and .1 */
    {"DC", {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19}, 10},
    {"UID", {0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01}, 10},
};

/* Dotted decimal of a DER OID; arcs that overflow 64 bits end the text
 * with "...", which cannot happen for real attribute types. */
static void oid_to_dotted(const uint8_t *oid, size_t len, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    uint64_t arc = 0;
    bool first = true;
    for (size_t i = 0; i < len; i++) {
        if (arc > (UINT64_MAX >> 7)) {
            snprintf(out + used, size - used, "...");
            return;
        }
        arc = arc << 7 | (oid[i] & 0x7Fu);
        if (oid[i] & 0x80u)
            continue;
        int n;
        if (first) {
            unsigned top = arc < 40 ? 0 : arc < 80 ? 1 : 2;
            n = snprintf(out + used, size - used, "%u.%llu", top,
                         (unsigned long long)(arc - 40u * top));
            first = false;
        } else {
            n = snprintf(out + used, size - used, ".%llu", (unsigned long long)arc);
        }
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
        arc = 0;
    }
}

void cs_dn_key(const uint8_t *oid, size_t oid_len, char *out, size_t out_size)
{
    if (out_size == 0)
        return;
    for (size_t i = 0; i < sizeof known_keys / sizeof known_keys[0]; i++) {
        if (known_keys[i].oid_len == oid_len && memcmp(known_keys[i].oid, oid, oid_len) == 0) {
            snprintf(out, out_size, "%s", known_keys[i].key);
            return;
        }
    }
    oid_to_dotted(oid, oid_len, out, out_size);
}

static void append_utf8(cs_buf *buf, uint32_t cp)
{
    /* Checked first: replaced inside the 4-byte branch, U+FFFD would come
     * out as an overlong (invalid) 4-byte sequence. */
    if (cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        cs_buf_append_byte(buf, (uint8_t)cp);
    } else if (cp < 0x800) {
        cs_buf_append_byte(buf, (uint8_t)(0xC0 | cp >> 6));
        cs_buf_append_byte(buf, (uint8_t)(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        cs_buf_append_byte(buf, (uint8_t)(0xE0 | cp >> 12));
        cs_buf_append_byte(buf, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        cs_buf_append_byte(buf, (uint8_t)(0x80 | (cp & 0x3F)));
    } else {
        cs_buf_append_byte(buf, (uint8_t)(0xF0 | cp >> 18));
        cs_buf_append_byte(buf, (uint8_t)(0x80 | (cp >> 12 & 0x3F)));
        cs_buf_append_byte(buf, (uint8_t)(0x80 | (cp >> 6 & 0x3F)));
        cs_buf_append_byte(buf, (uint8_t)(0x80 | (cp & 0x3F)));
    }
}

/* The value as UTF-8 text, before escaping. */
static void decode_value(cs_buf *text, int tag, const uint8_t *v, size_t len)
{
    size_t unit = tag == CS_ASN1_BMP_STRING ? 2 : tag == CS_ASN1_UNIVERSAL_STRING ? 4 : 1;
    if (unit == 1) {
        cs_buf_append(text, v, len);
        return;
    }
    for (size_t i = 0; i + unit <= len; i += unit) {
        uint32_t cp = 0;
        for (size_t k = 0; k < unit; k++)
            cp = cp << 8 | v[i + k];
        /* BMPString is UTF-16 in practice: join a surrogate pair. */
        if (unit == 2 && cp >= 0xD800 && cp < 0xDC00 && i + 4 <= len) {
            uint32_t low = (uint32_t)v[i + 2] << 8 | v[i + 3];
            if (low >= 0xDC00 && low < 0xE000) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                i += 2;
            }
        }
        append_utf8(text, cp);
    }
}

static bool needs_escape(const uint8_t *v, size_t len, size_t i)
{
    switch (v[i]) {
    case '\\':
    case '"':
    case '+':
    case ',':
    case ';':
    case '<':
    case '>':
        return true;
    case '#':
        return i == 0;
    case ' ':
        return i == 0 || i == len - 1;
    default:
        return false;
    }
}

void cs_dn_append(cs_buf *buf, const char *key, int value_tag, const uint8_t *value,
                  size_t value_len)
{
    cs_buf text = CS_BUF_INIT;
    decode_value(&text, value_tag, value, value_len);
    if (text.failed) {
        buf->failed = true;
        cs_buf_release(&text);
        return;
    }
    if (buf->len > 0)
        cs_buf_append_byte(buf, ',');
    cs_buf_append_cstr(buf, key);
    cs_buf_append_byte(buf, '=');
    for (size_t i = 0; i < text.len; i++) {
        if (needs_escape(text.data, text.len, i))
            cs_buf_append_byte(buf, '\\');
        cs_buf_append_byte(buf, text.data[i]);
    }
    cs_buf_release(&text);
}

/* Each attribute of the name as KEY=value, in certificate order. */
static int format_name(cs_name_iter it, cs_buf *out, cs_error *err)
{
    cs_buf text = CS_BUF_INIT;
    cs_name_attr a;
    while (cs_name_next(&it, &a)) {
        char key[64];
        cs_dn_key(a.oid.data, a.oid.len, key, sizeof key);
        cs_dn_append(&text, key, a.value_tag, a.value.data, a.value.len);
    }
    cs_buf_append(out, text.data, text.len);
    (void)cs_buf_str(out);
    cs_buf_release(&text);
    if (out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

int cs_cert_subject(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    return format_name(cs_cert_subject_attrs(cert), out, err);
}

int cs_cert_issuer(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    return format_name(cs_cert_issuer_attrs(cert), out, err);
}
