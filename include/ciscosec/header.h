/* SPDX-License-Identifier: MIT */
/* The signed header shared by .tlv, .sgn and .enc.sgn files (formats.md §2).
 *
 * A signed file is header || body. The signature covers the whole file
 * with the signature element (tag 12, its length and its value) cut out.
 * This module (codec layer, no crypto) is the one place where the header
 * is built and parsed; header_sign.h feeds the signed bytes to a digest. */
#ifndef CISCOSEC_HEADER_H
#define CISCOSEC_HEADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/md.h"
#include "ciscosec/error.h"
#include "ciscosec/tlv.h"

/* Header tags. */
enum cs_header_tag {
    CS_HDR_VERSION = 1,
    CS_HDR_LENGTH = 2,
    CS_HDR_SIGNER_INFO = 3,
    CS_HDR_SIGNER_NAME = 4,
    CS_HDR_SERIAL = 5,
    CS_HDR_ISSUER_NAME = 6,
    CS_HDR_SIGNATURE_INFO = 7,
    CS_HDR_DIGEST_ALGORITHM = 8,
    CS_HDR_SIGNATURE_ALGORITHM_INFO = 9,
    CS_HDR_SIGNATURE_ALGORITHM = 10,
    CS_HDR_SIGNATURE_MODULUS = 11,
    CS_HDR_SIGNATURE = 12,
    CS_HDR_PADDING = 13,
    CS_HDR_FILENAME = 14,
    CS_HDR_TIMESTAMP = 15,
    CS_HDR_ENCRYPTION_INFO = 16,
    CS_HDR_IV_INFO = 17,
    CS_HDR_IV_RESERVED = 18,
    CS_HDR_IV = 19,
    CS_HDR_PADDING_COUNT = 20,
    CS_HDR_KEY_INFO = 21,
    CS_HDR_KEY_RESERVED = 22,
    CS_HDR_KEY_SIZE = 23,
    CS_HDR_KEY_ALGORITHM = 24,
    CS_HDR_ENCRYPTED_KEY = 25,
    CS_HDR_CONTENT_DIGEST_ALGORITHM = 26,
    CS_HDR_CONTENT_DIGEST = 27,
    CS_HDR_SIGNER_VERSION = 28
};

/* Digest algorithm codes as stored in tags 8 and 26. */
enum cs_digest_code { CS_DIGEST_SHA1 = 1, CS_DIGEST_SHA256 = 2, CS_DIGEST_SHA512 = 3 };

/* The smallest header: version and header-length elements. */
#define CS_HEADER_MIN_SIZE 10
/* The header length (tag 2) is a u16, as every element length: no header
 * is longer. */
#define CS_HEADER_MAX_SIZE CS_TLV_MAX_LENGTH

/* The kinds of file that carry a signed header, and the header version
 * (tag 1) each carries: .tlv 1.2, .sgn (and .sha512) 1.0, .enc.sgn 2.0. */
typedef enum cs_signed_kind { CS_SIGNED_TLV, CS_SIGNED_SGN, CS_SIGNED_ENC_SGN } cs_signed_kind;

/* The names of the files that carry a signed header: trust lists, signed
 * files (firmware under .sha512 too) and encrypted configurations. */
#define CS_SUFFIX_TLV ".tlv"
#define CS_SUFFIX_SGN ".sgn"
#define CS_SUFFIX_SHA512 ".sha512"
#define CS_SUFFIX_ENC_SGN ".enc.sgn"

/* Whether a header can name the signature of an RSA key of `bits` (tag 11:
 * 512, 1024, 2048 or 4096). Phones take fewer: cs_phone_rsa_can_sign. */
bool cs_header_rsa_bits_supported(size_t bits);

/* Maps a tag-8 code to a digest; false for codes this program cannot use. */
bool cs_digest_code_to_md(uint8_t code, cs_md *md);
/* "SHA1", "SHA256", "SHA512", or NULL for an unknown code. */
const char *cs_digest_code_name(uint8_t code);
/* Parses "sha1", "sha256", "sha512" (any case) to a code. */
bool cs_digest_code_parse(const char *name, uint8_t *code);

/* The encryption fields of an .enc.sgn header (formats.md §4). */
typedef struct cs_encryption_fields {
    cs_bytes iv;
    uint16_t padding_count;
    uint16_t key_bits;
    uint8_t key_algorithm;
    cs_bytes encrypted_key;
    uint8_t content_digest_code;
    cs_bytes content_digest;
} cs_encryption_fields;

/* A child element that runs past the end of its container: the child's
 * tag and offset, and its container's. */
typedef struct cs_header_straddle {
    uint8_t tag;
    size_t offset;
    uint8_t container;
    size_t container_offset;
} cs_header_straddle;

/* A parsed header: views into the caller's buffer. */
typedef struct cs_header {
    uint8_t version[2];
    uint16_t length;
    bool has_signer_version;
    uint8_t signer_version[2];
    bool has_signer_name, has_issuer_name, has_serial;
    cs_bytes signer_name; /* without the NUL */
    cs_bytes issuer_name;
    cs_bytes serial;
    bool has_digest;
    uint8_t digest_code;
    bool has_signature_algorithm, has_signature_modulus;
    uint8_t signature_algorithm;
    uint8_t signature_modulus;
    bool has_signature;
    cs_bytes signature;
    size_t signature_offset; /* of the tag byte of element 12 */
    bool has_filename;
    cs_bytes filename;
    bool has_timestamp;
    uint32_t timestamp;
    bool has_encryption; /* any of tags 16..27 */
    cs_encryption_fields enc;
    /* The tags of the elements other than containers and padding, in the
     * order the file holds them (each tag appears once). */
    uint8_t order[CS_HDR_SIGNER_VERSION];
    size_t order_len;
    /* The first child found running past its container's end. */
    bool has_straddle;
    cs_header_straddle straddle;
} cs_header;

/* Finds the header length (tag 2) among the elements at the start of a
 * file, of which `len` bytes are at hand. */
int cs_header_length(const uint8_t *data, size_t len, uint16_t *header_len, cs_error *err);

/* Parses the header at the start of data (at least the header's length of
 * bytes; more may follow). file_size is the whole file's size, so that a
 * header length past the end is refused. Accepts the elements in any
 * order; refuses unknown tags, elements that run past the header length,
 * repeated elements and a header without version, length, signature or
 * digest algorithm. A child that runs past the end of its container is
 * not refused (other producers write such headers, and phones take them)
 * but recorded, for cs_header_check_nesting. */
int cs_header_parse(const uint8_t *data, size_t len, uint64_t file_size, cs_header *out,
                    cs_error *err);

/* CS_OK when every container of a parsed header holds its children whole
 * (what cs_header_draft_build always writes); CS_INVALID, naming the first
 * child that runs past its container's end, otherwise. */
int cs_header_check_nesting(const cs_header *h, cs_error *err);

/* What a writer puts in a header. The signer's strings and serial come
 * from its certificate; signature_len from its key. */
typedef struct cs_header_spec {
    uint8_t version[2];
    bool has_signer_version;
    uint8_t signer_version[2];
    const char *signer_name;
    const char *issuer_name;
    cs_bytes serial;
    uint8_t digest_code;
    size_t signature_len;
    const char *filename;
    bool has_timestamp;
    uint32_t timestamp;
    const cs_encryption_fields *encryption; /* NULL except for .enc.sgn */
} cs_header_spec;

/* Sets spec->version to the version of that kind of file. */
void cs_header_set_version(cs_header_spec *spec, cs_signed_kind kind);

/* A header being written: its bytes, with room for the signature. */
typedef struct cs_header_draft {
    cs_buf bytes;
    size_t signature_offset; /* of the tag byte of element 12 */
    size_t signature_len;
    cs_md md;
} cs_header_draft;

/* Lays out the whole header in the reference's order, with the signature
 * element present but zero, and the padding and header length final. */
int cs_header_draft_build(cs_header_draft *draft, const cs_header_spec *spec, cs_error *err);
void cs_header_draft_release(cs_header_draft *draft);

#endif
