/* SPDX-License-Identifier: MIT */
#include "ciscosec/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/zeroize.h"

void cs_buf_init(cs_buf *buf)
{
    *buf = (cs_buf)CS_BUF_INIT;
}

static cs_buf_release_observer release_observer;

void cs_buf_observe_releases(cs_buf_release_observer observer)
{
    release_observer = observer;
}

void cs_buf_release(cs_buf *buf)
{
    if (buf->secret && buf->data != NULL)
        cs_zeroize(buf->data, buf->cap);
    if (release_observer != NULL && buf->data != NULL)
        release_observer(buf->data, buf->len);
    free(buf->data);
    bool secret = buf->secret;
    cs_buf_init(buf);
    buf->secret = secret;
}

bool cs_buf_reserve(cs_buf *buf, size_t extra)
{
    if (buf->failed)
        return false;
    if (extra <= buf->cap - buf->len)
        return true;
    if (extra > SIZE_MAX / 2 - buf->len) {
        buf->failed = true;
        return false;
    }
    size_t cap = buf->cap ? buf->cap : 256;
    while (cap - buf->len < extra)
        cap *= 2;
    uint8_t *grown;
    if (buf->secret) {
        /* realloc could leave a copy of the secret behind in freed memory. */
        grown = malloc(cap);
        if (grown != NULL && buf->data != NULL) {
            memcpy(grown, buf->data, buf->len);
            cs_zeroize(buf->data, buf->cap);
            free(buf->data);
        }
    } else {
        grown = realloc(buf->data, cap);
    }
    if (grown == NULL) {
        buf->failed = true;
        return false;
    }
    buf->data = grown;
    buf->cap = cap;
    return true;
}

void cs_buf_append(cs_buf *buf, const void *data, size_t len)
{
    if (len == 0 || !cs_buf_reserve(buf, len))
        return;
    memcpy(buf->data + buf->len, data, len);
    buf->len += len;
}

void cs_buf_append_byte(cs_buf *buf, uint8_t byte)
{
    cs_buf_append(buf, &byte, 1);
}

void cs_buf_append_cstr(cs_buf *buf, const char *s)
{
    cs_buf_append(buf, s, strlen(s));
}

void cs_buf_put_u16_at(cs_buf *buf, size_t pos, uint16_t value)
{
    if (buf->failed || pos > buf->len || buf->len - pos < 2) {
        buf->failed = true;
        return;
    }
    buf->data[pos] = (uint8_t)(value >> 8);
    buf->data[pos + 1] = (uint8_t)value;
}

cs_bytes cs_buf_bytes(const cs_buf *buf)
{
    return (cs_bytes){buf->data, buf->len};
}

const char *cs_buf_str(cs_buf *buf)
{
    if (!cs_buf_reserve(buf, 1))
        return "";
    buf->data[buf->len] = '\0';
    return (const char *)buf->data;
}

void cs_hex(const uint8_t *data, size_t len, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[data[i] >> 4];
        out[2 * i + 1] = digits[data[i] & 0x0F];
    }
    out[2 * len] = '\0';
}

bool cs_bytes_equal(cs_bytes a, cs_bytes b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.data, b.data, a.len) == 0);
}

void cs_buf_append_printable(cs_buf *buf, cs_bytes text)
{
    for (size_t i = 0; i < text.len; i++) {
        uint8_t c = text.data[i];
        if (cs_is_control_byte(c)) {
            char escaped[5];
            snprintf(escaped, sizeof escaped, "\\x%02x", c);
            cs_buf_append(buf, escaped, 4);
        } else {
            cs_buf_append_byte(buf, c);
        }
    }
}

size_t cs_utf8_sequence(const uint8_t *p, size_t n)
{
    static const struct {
        uint8_t mask, lead, bits;
        uint32_t min;
    } forms[] = {{0xE0, 0xC0, 0x1F, 0x80}, {0xF0, 0xE0, 0x0F, 0x800}, {0xF8, 0xF0, 0x07, 0x10000}};
    if (n == 0)
        return 0;
    if (p[0] < 0x80)
        return 1;
    for (size_t more = 1; more <= 3; more++) {
        if ((p[0] & forms[more - 1].mask) != forms[more - 1].lead)
            continue;
        if (n - 1 < more)
            return 0;
        uint32_t c = p[0] & forms[more - 1].bits;
        for (size_t k = 1; k <= more; k++) {
            if ((p[k] & 0xC0) != 0x80)
                return 0;
            c = c << 6 | (p[k] & 0x3Fu);
        }
        if (c < forms[more - 1].min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return 0;
        return more + 1;
    }
    return 0;
}

bool cs_utf8_valid(const uint8_t *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n)
        if ((n = cs_utf8_sequence(s + i, len - i)) == 0)
            return false;
    return true;
}

bool cs_is_control_byte(uint8_t c)
{
    return c < 0x20 || c == 0x7F;
}
