/* SPDX-License-Identifier: MIT */
/* TVS, the Trust Verification Service (services.md, "TVS"): the messages
 * a phone and the server exchange over TLS, and the server's protocol for
 * the engine in server.h.
 *
 * Header, 10 bytes: u8 protocol 87, u8 version 1, u8 command, u8 0,
 * u32 session id, u16 body length; the body is elements
 * u8 tag, u16 length, value. Decoders keep views into the frame. */
#ifndef CISCOSEC_TVS_H
#define CISCOSEC_TVS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/error.h"
#include "ciscosec/server.h"

#define CS_TVS_PORT "2445"
#define CS_TVS_PROTOCOL 87
#define CS_TVS_VERSION 1
#define CS_TVS_HEADER_SIZE 10
#define CS_TVS_LENGTH_OFFSET 8
#define CS_TVS_MAX_BODY 16384u    /* a certificate and a name, with room */
#define CS_TVS_MAX_ELEMENTS 16    /* more is not a phone talking */
#define CS_TVS_MAX_ROLES 16       /* there are 7 roles */
#define CS_TVS_DEVICE_PREFIX 0x01 /* the byte before a DEVICE_NAME's text */

enum cs_tvs_command {
    CS_TVS_VERIFY_REQ = 1,
    CS_TVS_VERIFY_RESP = 2,
    CS_TVS_QUERY_REQ = 3,
    CS_TVS_QUERY_RESP = 4
};

enum cs_tvs_tag {
    CS_TVS_TAG_DEVICE_NAME = 1,
    CS_TVS_TAG_CERTIFICATE = 2,
    CS_TVS_TAG_STATUS = 7,
    CS_TVS_TAG_ROLES = 8,
    CS_TVS_TAG_TTL = 9
};

enum cs_tvs_status { CS_TVS_VALID = 0, CS_TVS_INVALID = 1 };

typedef struct cs_tvs_header {
    uint8_t command;
    uint32_t session_id;
    uint16_t length; /* of the body */
} cs_tvs_header;

typedef struct cs_tvs_request {
    cs_tvs_header header;
    cs_bytes device_name; /* the text after the 0x01 */
    cs_bytes certificate; /* DER */
    size_t unknown_elements;
} cs_tvs_request;

typedef struct cs_tvs_response {
    cs_tvs_header header;
    uint8_t status;
    uint8_t roles[CS_TVS_MAX_ROLES]; /* role numbers (trustlist.h's CS_ROLE_*) */
    size_t role_count;
    bool has_roles, has_ttl; /* an invalid answer has neither */
    uint32_t ttl;
    size_t unknown_elements;
} cs_tvs_response;

/* The frame description for the server engine. */
extern const cs_frame_spec cs_tvs_frame;

/* Decodes and checks a header: protocol, version, reserved byte, and a
 * body length that matches the frame's. */
int cs_tvs_header_decode(const uint8_t *frame, size_t len, cs_tvs_header *out, cs_error *err);
/* A VERIFY_REQ (or QUERY_REQ). Unknown tags are counted and skipped;
 * a repeated element or a missing certificate is an error. */
int cs_tvs_request_decode(const uint8_t *frame, size_t len, cs_tvs_request *out, cs_error *err);
int cs_tvs_response_decode(const uint8_t *frame, size_t len, cs_tvs_response *out, cs_error *err);
/* Appends the whole frame, header included. */
int cs_tvs_request_encode(const cs_tvs_request *req, cs_buf *out, cs_error *err);
int cs_tvs_response_encode(const cs_tvs_response *resp, cs_buf *out, cs_error *err);

/* --- the server's side --------------------------------------------------- */

typedef struct cs_tvs_store cs_tvs_store;

/* The protocol for cs_server_config.protocol. Sessions borrow read-only
 * database connections from a pool (one per session at a time, as SQLite
 * connections are not to be shared between threads). */
typedef struct cs_tvs_service cs_tvs_service;

/* Opens one connection now, so that a missing or foreign database is an
 * error before serving starts. */
int cs_tvs_service_new(const char *db_path, cs_tvs_service **out, cs_error *err);
const cs_protocol *cs_tvs_service_protocol(const cs_tvs_service *svc);
void cs_tvs_service_free(cs_tvs_service *svc);
/* The answer to one request frame (what the protocol's frame_in does),
 * with the log's device, operation and result filled in. */
cs_session_next cs_tvs_answer(cs_tvs_store *store, const uint8_t *frame, size_t len, cs_buf *out,
                              cs_session_log *log);

#endif
