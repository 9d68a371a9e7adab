/* SPDX-License-Identifier: MIT */
/* CAPF, the Certificate Authority Proxy Function (services.md, "CAPF"):
 * the message codec and the rule for device names.
 *
 * A message is an 8-byte header (u8 protocol 0x55, u8 command, u32 session
 * id, u16 body length) and a body of elements `u8 tag, u16 length, value`
 * (the cs_tlv layout). Decoding reads through a cursor and an end, refuses
 * more than CS_CAPF_MAX_ELEMENTS elements and bodies over CS_CAPF_MAX_BODY,
 * and keeps the elements in their order, so that encoding a decoded
 * message gives its bytes back. Values are views into the caller's bytes. */
#ifndef CISCOSEC_CAPF_H
#define CISCOSEC_CAPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/error.h"
#include "ciscosec/tlv.h"

#define CS_CAPF_PROTOCOL 0x55
#define CS_CAPF_HEADER_SIZE 8
#define CS_CAPF_PORT "3804"
/* The largest body taken: an AUTH_RESP with an RSA-4096 LSC, its two
 * signatures and a SUDI certificate with two more is under 8 KiB. */
#define CS_CAPF_MAX_BODY 16384u
#define CS_CAPF_MAX_ELEMENTS 32u
/* The version the server announces in AUTH_REQ. */
#define CS_CAPF_VERSION 3

enum cs_capf_command {
    CS_CAPF_AUTH_REQ = 1,
    CS_CAPF_AUTH_RESP = 2,
    CS_CAPF_KEY_GEN_REQ = 3,
    CS_CAPF_KEY_GEN_RESP = 4,
    CS_CAPF_ENCRYPT_RESP = 5,
    CS_CAPF_ENCRYPT_REQ = 6,
    CS_CAPF_DECRYPT_REQ = 7,
    CS_CAPF_DECRYPT_RESP = 8,
    CS_CAPF_STORE_CERT_REQ = 9,
    CS_CAPF_STORE_CERT_RESP = 10,
    CS_CAPF_FETCH_CERT_REQ = 11,
    CS_CAPF_FETCH_CERT_RESP = 12,
    CS_CAPF_DELETE_CERT_REQ = 13,
    CS_CAPF_DELETE_CERT_RESP = 14,
    CS_CAPF_END_SESSION = 15,
    CS_CAPF_RETRY_LATER = 16,
    CS_CAPF_REQUEST_IN_PROGRESS = 17,
    CS_CAPF_STATUS_REQ = 18,
    CS_CAPF_STATUS_RESP = 19,
    CS_CAPF_ABORT_REQ = 20,
    CS_CAPF_ABORT_RESP = 21,
    CS_CAPF_SIGN_CERT_REQ = 22,
    CS_CAPF_SIGN_CERT_RESP = 23,
};

enum cs_capf_tag {
    CS_CAPF_TAG_REASON = 1,
    CS_CAPF_TAG_REASON_INFO = 2,
    CS_CAPF_TAG_CERT_TYPE = 3,
    CS_CAPF_TAG_CERTIFICATE = 4,
    CS_CAPF_TAG_CERT_ID = 5,
    CS_CAPF_TAG_SIGNED_DATA = 6,
    CS_CAPF_TAG_VERSION = 7,
    CS_CAPF_TAG_AUTH_TYPE = 8,
    CS_CAPF_TAG_PUBLIC_KEY = 9,
    CS_CAPF_TAG_KEY_SIZE = 10,
    CS_CAPF_TAG_PASSWORD = 11,
    CS_CAPF_TAG_RETRY_DELAY = 12,
    CS_CAPF_TAG_DEVICE_NAME = 13,
    CS_CAPF_TAG_SUDI_DATA = 16,
    CS_CAPF_TAG_KEY_TYPE = 17,
    CS_CAPF_TAG_CURVE = 18,
    CS_CAPF_TAG_DIGEST_TYPE = 19,
    CS_CAPF_TAG_SHA2_SIGNED_DATA = 20,
};

enum cs_capf_reason {
    CS_CAPF_REASON_NO_ACTION = 0,
    CS_CAPF_REASON_SUCCESS = 1, /* certificate updated, stored, deleted */
    CS_CAPF_REASON_INVALID_ELEMENT = 7,
    CS_CAPF_REASON_UNKNOWN_DEVICE = 9,
};

enum cs_capf_auth_type {
    CS_CAPF_AUTH_NONE = 0,
    CS_CAPF_AUTH_PASSWORD = 1,
    CS_CAPF_AUTH_NO_PASSWORD = 2,
    CS_CAPF_AUTH_LSC = 3,
    CS_CAPF_AUTH_MIC = 4,
};

enum { CS_CAPF_CERT_LSC = 1, CS_CAPF_CERT_MIC = 2 };
enum { CS_CAPF_KEY_RSA = 0, CS_CAPF_KEY_EC = 1 };
enum { CS_CAPF_CURVE_P256 = 0, CS_CAPF_CURVE_P384 = 1, CS_CAPF_CURVE_P521 = 2 };
enum { CS_CAPF_DIGEST_SHA1 = 1, CS_CAPF_DIGEST_SHA256 = 2, CS_CAPF_DIGEST_SHA512 = 3 };
/* The parts of SUDI_DATA (services.md): the SUDI certificate, then its
 * SHA-1 and SHA-512 signatures. */
enum { CS_CAPF_SUDI_CERT = 0, CS_CAPF_SUDI_SHA1 = 1, CS_CAPF_SUDI_SHA512 = 3 };

typedef struct cs_capf_msg {
    uint8_t command;
    uint32_t session_id;
    size_t count;
    cs_tlv elements[CS_CAPF_MAX_ELEMENTS];
} cs_capf_msg;

/* A message with no elements yet. */
void cs_capf_msg_init(cs_capf_msg *msg, uint8_t command, uint32_t session_id);
/* Adds an element whose value stays owned by the caller until encoded.
 * Sets nothing and returns false when the message is full. */
bool cs_capf_add(cs_capf_msg *msg, uint8_t tag, const void *value, size_t len);

/* The whole frame's size from its first CS_CAPF_HEADER_SIZE bytes, for a
 * reader that must know how much to wait for. CS_ERROR on a wrong
 * protocol byte or a body over CS_CAPF_MAX_BODY. */
int cs_capf_frame_size(const uint8_t header[CS_CAPF_HEADER_SIZE], size_t *size, cs_error *err);
/* Decodes exactly one frame: len must be the header's length plus 8. */
int cs_capf_decode(const uint8_t *data, size_t len, cs_capf_msg *out, cs_error *err);
/* Appends the frame (header and body) to out. */
int cs_capf_encode(const cs_capf_msg *msg, cs_buf *out, cs_error *err);

/* The first element with the tag, or NULL. */
const cs_tlv *cs_capf_find(const cs_capf_msg *msg, uint8_t tag);
/* Typed views of a required element: CS_ERROR when it is missing or its
 * length is wrong. */
int cs_capf_get_u8(const cs_capf_msg *msg, uint8_t tag, uint8_t *out, cs_error *err);
int cs_capf_get_u16(const cs_capf_msg *msg, uint8_t tag, uint16_t *out, cs_error *err);
/* A NUL-terminated text (DEVICE_NAME, PASSWORD); the view excludes the NUL. */
int cs_capf_get_text(const cs_capf_msg *msg, uint8_t tag, cs_bytes *out, cs_error *err);

/* The CERTIFICATE value: u8 1, u16 (len+2), u8 0, u8 cert type, DER. */
int cs_capf_cert_decode(const cs_tlv *element, uint8_t *cert_type, cs_bytes *der, cs_error *err);
void cs_capf_cert_encode(cs_buf *value, uint8_t cert_type, cs_bytes der);

/* A value made of inner elements (SHA2_SIGNED_DATA, SUDI_DATA): finds the
 * inner element with the tag, checking that the whole value parses. */
int cs_capf_inner_find(const cs_tlv *element, uint8_t tag, cs_bytes *out, cs_error *err);

/* "AUTH_REQ", ...; "UNKNOWN" for other numbers. For log lines. */
const char *cs_capf_command_name(uint8_t command);

#endif
