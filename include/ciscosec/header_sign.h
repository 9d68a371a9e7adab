/* SPDX-License-Identifier: MIT */
/* Digesting, signing and verifying a signed header (formats layer): the
 * one place where a header's signed bytes are fed to a digest. The
 * header's layout and parsing are in header.h (codec), which has no
 * crypto. */
#ifndef CISCOSEC_HEADER_SIGN_H
#define CISCOSEC_HEADER_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/header.h"

/* Starts the digest of a signed file: the header's bytes without the
 * signature element. The caller then feeds the body and finishes. */
int cs_header_digest_begin(const uint8_t *header, size_t header_len, size_t signature_offset,
                           size_t signature_len, cs_md md, cs_hash **out, cs_error *err);
/* The same, for a draft. */
int cs_header_draft_digest_begin(const cs_header_draft *draft, cs_hash **out, cs_error *err);
/* Signs the finished digest into the draft's signature element. */
int cs_header_draft_sign(cs_header_draft *draft, const cs_key *key, const uint8_t *digest,
                         cs_error *err);

/* Signs header || body held in memory: digest, sign, done. */
int cs_header_draft_sign_buffer(cs_header_draft *draft, const cs_key *key, const uint8_t *body,
                                size_t body_len, cs_error *err);

/* Starts the digest of a parsed file (header bytes in `header`). */
int cs_header_verify_begin(const cs_header *hdr, const uint8_t *header, cs_hash **out,
                           cs_error *err);
/* Checks the header's signature over a finished digest with cert.
 * CS_OK valid, CS_INVALID invalid. */
int cs_header_verify_finish(const cs_header *hdr, const cs_cert *cert, const uint8_t *digest,
                            cs_error *err);
/* Both, for a whole file in memory. */
int cs_header_verify_buffer(const cs_header *hdr, const uint8_t *file, size_t file_len,
                            const cs_cert *cert, cs_error *err);

#endif
