/* SPDX-License-Identifier: MIT */
/* A growable byte buffer with checked appends.
 *
 * An append that cannot be done (out of memory, or a length that does not
 * fit) sets `failed` and is ignored; later appends are ignored too. Writers
 * therefore append freely and check `failed` once at the end, as mbedTLS's
 * ASN.1 writers do. */
#ifndef CISCOSEC_BUF_H
#define CISCOSEC_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cs_buf {
    uint8_t *data;
    size_t len;
    size_t cap;
    bool failed; /* an append was refused; the contents are incomplete */
    bool secret; /* wipe the memory on growth and release */
} cs_buf;

/* A read-only view of bytes owned by someone else. */
typedef struct cs_bytes {
    const uint8_t *data;
    size_t len;
} cs_bytes;

#define CS_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false, false                                                                   \
    }

void cs_buf_init(cs_buf *buf);
/* Frees the memory (wiping it first when the buffer is secret). */
void cs_buf_release(cs_buf *buf);
/* For tests: an observer that cs_buf_release calls with the bytes it is
 * about to free (the len written; what lies beyond was never set, and
 * reading it would be a read of uninitialised memory), after a secret
 * buffer's wipe, so that a test can tell a buffer that held key material
 * and was freed unwiped. NULL (the default) observes nothing. */
typedef void (*cs_buf_release_observer)(const uint8_t *data, size_t len);
void cs_buf_observe_releases(cs_buf_release_observer observer);
bool cs_buf_reserve(cs_buf *buf, size_t extra);
void cs_buf_append(cs_buf *buf, const void *data, size_t len);
void cs_buf_append_byte(cs_buf *buf, uint8_t byte);
/* Appends a string's characters, without its terminating NUL (cs_buf_str
 * puts one after the contents when the buffer is used as a C string). */
void cs_buf_append_cstr(cs_buf *buf, const char *s);
void cs_buf_put_u16_at(cs_buf *buf, size_t pos, uint16_t value);
cs_bytes cs_buf_bytes(const cs_buf *buf);

/* The buffer as a NUL-terminated string (empty string when nothing was
 * appended). Valid until the next append. */
const char *cs_buf_str(cs_buf *buf);

/* Lower-case hex of bytes, NUL-terminated, into out (2*len+1 bytes). */
void cs_hex(const uint8_t *data, size_t len, char *out);

/* Whether a and b hold the same bytes. */
bool cs_bytes_equal(cs_bytes a, cs_bytes b);

/* The one UTF-8 rule (RFC 3629, as jansson applies it): the length of the
 * sequence at p, of which n bytes remain, when it is well-formed (1 to 4),
 * else 0: a stray continuation byte, a cut sequence, an overlong form, a
 * surrogate or a code point over U+10FFFF. */
size_t cs_utf8_sequence(const uint8_t *p, size_t n);
/* Whether all len bytes are well-formed UTF-8. */
bool cs_utf8_valid(const uint8_t *s, size_t len);

/* A control byte (below 0x20, and 0x7F), which must not reach a terminal. */
bool cs_is_control_byte(uint8_t c);

/* Appends text from a file as printable text: each control byte (below
 * 0x20, and 0x7F) becomes \xNN, so that a hostile file cannot write escape
 * sequences to a terminal; every other byte is kept. */
void cs_buf_append_printable(cs_buf *buf, cs_bytes text);

static inline uint16_t cs_load_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint32_t cs_load_u32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

#endif
