#include "ciscosec/buf.h"

#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"

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
        release_observer(buf->data, buf->cap);
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
