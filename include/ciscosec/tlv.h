/* SPDX-License-Identifier: MIT */
/* The tag-length-value codec under every Cisco security file.
 *
 * An element is tag (1 byte), length (2 bytes, big-endian), value. The
 * reader moves a cursor toward an end pointer and compares every length
 * with the bytes that remain, so it cannot read out of bounds whatever the
 * input. Values are views into the caller's buffer, never copies.
 *
 * The codec knows nothing of what tags mean: padding bytes and containers
 * are the callers' business (they use cs_tlv_peek_tag, cs_tlv_skip and
 * cs_tlv_read_head for that). */
#ifndef CISCOSEC_TLV_H
#define CISCOSEC_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/error.h"

#define CS_TLV_HEAD_SIZE 3
#define CS_TLV_MAX_LENGTH 0xFFFFu

typedef struct cs_tlv {
    uint8_t tag;
    uint16_t length;
    const uint8_t *value;
    size_t offset; /* of the tag byte, from the reader's start */
} cs_tlv;

typedef struct cs_tlv_reader {
    const uint8_t *start;
    const uint8_t *pos;
    const uint8_t *end;
} cs_tlv_reader;

void cs_tlv_reader_init(cs_tlv_reader *r, const uint8_t *data, size_t len);
size_t cs_tlv_remaining(const cs_tlv_reader *r);
size_t cs_tlv_offset(const cs_tlv_reader *r);
bool cs_tlv_at_end(const cs_tlv_reader *r);

/* The next tag byte, without moving. CS_ERROR at the end. */
int cs_tlv_peek_tag(const cs_tlv_reader *r, uint8_t *tag, cs_error *err);
/* Moves past n bytes, which must remain. */
int cs_tlv_skip(cs_tlv_reader *r, size_t n, cs_error *err);
/* Reads tag and length and checks that `length` bytes remain, but leaves
 * the cursor on the value (to step into a container). */
int cs_tlv_read_head(cs_tlv_reader *r, cs_tlv *out, cs_error *err);
/* Reads a whole element and moves past its value. */
int cs_tlv_read(cs_tlv_reader *r, cs_tlv *out, cs_error *err);

/* Typed views of a value; each checks the exact length. */
int cs_tlv_u8(const cs_tlv *t, uint8_t *out, cs_error *err);
int cs_tlv_u16(const cs_tlv *t, uint16_t *out, cs_error *err);
int cs_tlv_u32(const cs_tlv *t, uint32_t *out, cs_error *err);
/* A string value: at least the terminating NUL, and no NUL before it.
 * The view excludes the NUL. */
int cs_tlv_string(const cs_tlv *t, cs_bytes *out, cs_error *err);

/* Writers: append to buf, setting buf->failed on a value over 65535 bytes. */
void cs_tlv_put(cs_buf *buf, uint8_t tag, const void *value, size_t len);
void cs_tlv_put_u8(cs_buf *buf, uint8_t tag, uint8_t value);
void cs_tlv_put_u16(cs_buf *buf, uint8_t tag, uint16_t value);
void cs_tlv_put_u32(cs_buf *buf, uint8_t tag, uint32_t value);
void cs_tlv_put_pair(cs_buf *buf, uint8_t tag, uint8_t major, uint8_t minor);
/* A string with its terminating NUL counted in the length. */
void cs_tlv_put_string(cs_buf *buf, uint8_t tag, const char *s);
/* Opens a container: writes the tag and a zero length, returns the
 * element's position for cs_tlv_close, which sets the length to what was
 * appended since. */
size_t cs_tlv_open(cs_buf *buf, uint8_t tag);
void cs_tlv_close(cs_buf *buf, size_t element_pos);

#endif
