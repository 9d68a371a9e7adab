/* SPDX-License-Identifier: MIT */
/* The signed header: parsing every vector, every truncation, hostile
 * layouts, the writer reproducing the reference byte for byte, and
 * signature checks. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/header.h"
#include "ciscosec/header_sign.h"
#include "ciscosec/signer.h"
#include "ciscosec/tlv.h"

#define TS_05 1767323045u /* 2026-01-02 03:04:05 UTC */
#define TS_06 1767323046u

#define ASTERISK "CN=Asterisk,O=Asterisk,OU=Asterisk"
#define SAST "CN=SAST,O=SAST,OU=SAST"
#define SIGNER1024 "CN=Signer 1024,O=Example\\, Ltd.,OU=Lab,L=Wellington,ST=WGN,C=NZ"
#define SIGNER4096 "CN=Signer 4096,O=Example,OU=Lab"

/* What each vector's parse report says about its header. */
typedef struct vector {
    const char *file;
    const char *pem; /* the signer, with its key */
    uint8_t version[2];
    uint16_t length;
    int signer_version; /* -1: none, else minor of 1.x */
    const char *signer;
    const char *serial;
    uint8_t digest;
    size_t signature;
    const char *filename;
    uint32_t timestamp;
} vector;

/* clang-format off */
static const vector vectors[] = {
    {"ITLFile.tlv", "sast.pem", {1, 2}, 388, 0, SAST, "c1f7893d9e6eeb9c326a899bac5ee9fd", 1, 256,
     "ITLFile.tlv", TS_06},
    {"ITL-v1.1-sha512.tlv", "sast.pem", {1, 2}, 388, 1, SAST, "c1f7893d9e6eeb9c326a899bac5ee9fd",
     3, 256, "ITLFile.tlv", TS_05},
    {"CTLSEP58971ECC97C1.tlv", "sast.pem", {1, 2}, 388, 0, SAST,
     "c1f7893d9e6eeb9c326a899bac5ee9fd", 1, 256, "CTLFile.tlv", TS_05},
    {"ITL-signer1024.tlv", "signer1024.pem", {1, 2}, 352, 0, SIGNER1024,
     "ea550e29c575da190eeedaca75e6ec3a", 1, 128, "ITL-signer1024.tlv", TS_05},
    {"ITL-signer4096.tlv", "signer4096.pem", {1, 2}, 672, 0, SIGNER4096,
     "8319c5577f949b47eaa070ea3d755f86", 3, 512, "ITL-signer4096.tlv", TS_05},
    {"SEP58971ECC97C1.cnf.xml.sgn", "asterisk.pem", {1, 0}, 424, -1, ASTERISK,
     "eaf13142ea6588df52f9afec4d5f33b6", 1, 256, "SEP58971ECC97C1.cnf.xml.sgn", TS_05},
    {"SEP58971ECC97C1-signed.cnf.xml.sgn", "asterisk.pem", {1, 0}, 424, -1, ASTERISK,
     "eaf13142ea6588df52f9afec4d5f33b6", 1, 256, "SEP58971ECC97C1.cnf.xml.sgn", TS_06},
    {"DialTemplate.xml.sgn", "asterisk.pem", {1, 0}, 428, -1, ASTERISK,
     "eaf13142ea6588df52f9afec4d5f33b6", 3, 256, "Templates/DialTemplate.xml.sgn", TS_05},
    {"empty.bin.sgn", "signer1024.pem", {1, 0}, 340, -1, SIGNER1024,
     "ea550e29c575da190eeedaca75e6ec3a", 1, 128, "empty.bin.sgn", TS_05},
    {"firmware.bin.sgn", "signer4096.pem", {1, 0}, 664, -1, SIGNER4096,
     "8319c5577f949b47eaa070ea3d755f86", 3, 512, "firmware.bin.sgn", TS_05},
    {"SEP58971ECC97C1.cnf.xml.enc.sgn", "asterisk.pem", {2, 0}, 764, -1, ASTERISK,
     "eaf13142ea6588df52f9afec4d5f33b6", 1, 256, "SEP58971ECC97C1.cnf.xml.enc.sgn", TS_05},
};
/* clang-format on */
#define N_VECTORS (sizeof vectors / sizeof vectors[0])

static void read_vector(const char *name, cs_buf *out)
{
    char path[256];
    snprintf(path, sizeof path, "vectors/%s", name);
    test_read_data(path, out);
}

/* --- the vectors ------------------------------------------------------- */

static void check_vector_header(const vector *v, const cs_header *h, const uint8_t *file)
{
    assert_int_equal(h->version[0], v->version[0]);
    assert_int_equal(h->version[1], v->version[1]);
    assert_int_equal(h->length, v->length);
    assert_int_equal(h->has_signer_version, v->signer_version >= 0);
    if (v->signer_version >= 0) {
        assert_int_equal(h->signer_version[0], 1);
        assert_int_equal(h->signer_version[1], v->signer_version);
    }
    assert_true(h->has_signer_name && h->has_issuer_name && h->has_serial);
    test_assert_bytes_str(h->signer_name, v->signer);
    test_assert_bytes_str(h->issuer_name, v->signer); /* self-signed */
    test_assert_bytes_hex(h->serial, v->serial);
    assert_true(h->has_digest);
    assert_int_equal(h->digest_code, v->digest);
    assert_true(h->has_signature_algorithm && h->has_signature_modulus);
    assert_int_equal(h->signature_algorithm, 0);
    assert_int_equal(64u << h->signature_modulus, v->signature);
    assert_true(h->has_signature);
    assert_int_equal(h->signature.len, v->signature);
    assert_int_equal(file[h->signature_offset], CS_HDR_SIGNATURE);
    assert_int_equal(cs_load_u16(file + h->signature_offset + 1), v->signature);
    assert_ptr_equal(h->signature.data, file + h->signature_offset + 3);
    assert_true(h->has_filename);
    test_assert_bytes_str(h->filename, v->filename);
    assert_true(h->has_timestamp);
    assert_int_equal(h->timestamp, v->timestamp);
    assert_int_equal(h->length % 4, 0);
}

static void test_parse_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        cs_buf file = CS_BUF_INIT;
        read_vector(vectors[i].file, &file);
        cs_header h;
        cs_error err;
        if (cs_header_parse(file.data, file.len, file.len, &h, &err) != CS_OK)
            fail_msg("%s: %s", vectors[i].file, err.message);
        check_vector_header(&vectors[i], &h, file.data);
        assert_int_equal(h.has_encryption, vectors[i].version[0] == 2);
        if (cs_header_check_nesting(&h, &err) != CS_OK)
            fail_msg("%s: %s", vectors[i].file, err.message);

        /* cs_header_length finds tag 2 from the first bytes alone. */
        uint16_t hlen = 0;
        assert_int_equal(cs_header_length(file.data, 10, &hlen, &err), CS_OK);
        assert_int_equal(hlen, vectors[i].length);
        cs_buf_release(&file);
    }
}

static void test_parse_encryption_fields(void **state)
{
    (void)state;
    cs_buf file = CS_BUF_INIT;
    read_vector("SEP58971ECC97C1.cnf.xml.enc.sgn", &file);
    cs_header h;
    cs_error err;
    assert_int_equal(cs_header_parse(file.data, file.len, file.len, &h, &err), CS_OK);
    assert_true(h.has_encryption);
    test_assert_bytes_hex(h.enc.iv, "c50d1b37de90ecccb2e54d1f05cf9769");
    assert_int_equal(h.enc.padding_count, 12);
    assert_int_equal(h.enc.key_bits, 2048);
    assert_int_equal(h.enc.key_algorithm, 1);
    assert_int_equal(h.enc.encrypted_key.len, 256);
    assert_int_equal(h.enc.key_bits, 8 * h.enc.encrypted_key.len);
    assert_int_equal(h.enc.content_digest_code, CS_DIGEST_SHA1);
    test_assert_bytes_hex(h.enc.content_digest, "a248ca7bcf8b042a7d93ec606db8a0a74003b809");
    /* The body is AES-CBC: whole blocks, padding_count bytes of it added. */
    assert_int_equal((file.len - h.length) % 16, 0);
    cs_buf_release(&file);
}

/* Every prefix, in an exact-size block, with the file size being the
 * prefix's: only prefixes that hold the whole header parse. */
static void test_every_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        cs_buf file = CS_BUF_INIT;
        read_vector(vectors[i].file, &file);
        size_t hlen = vectors[i].length;
        size_t last = hlen + 64 < file.len ? hlen + 64 : file.len;
        for (size_t p = 0; p <= file.len; p++) {
            if (p > last && p != file.len)
                continue;
            uint8_t *copy = test_exact_copy(file.data, p);
            cs_header h;
            cs_error err;
            int rc = cs_header_parse(copy, p, p, &h, &err);
            if (p < hlen && rc != CS_ERROR)
                fail_msg("%s: prefix %zu of a %zu-byte header gave %d", vectors[i].file, p, hlen,
                         rc);
            if (p >= hlen) {
                if (rc != CS_OK)
                    fail_msg("%s: prefix %zu: %s", vectors[i].file, p, err.message);
                check_vector_header(&vectors[i], &h, copy);
            }
            /* Streaming readers know the file's size but hold less. */
            if (p < hlen)
                assert_int_equal(cs_header_parse(copy, p, file.len, &h, &err), CS_ERROR);
            free(copy);
        }
        cs_buf_release(&file);
    }
}

/* --- hostile layouts, built by hand ------------------------------------ */

typedef struct hand {
    cs_buf b;
    size_t length_pos;
} hand;

static void hand_start(hand *h)
{
    cs_buf_init(&h->b);
    cs_tlv_put_pair(&h->b, CS_HDR_VERSION, 1, 0);
    h->length_pos = h->b.len;
    cs_tlv_put_u16(&h->b, CS_HDR_LENGTH, 0);
}

static void hand_signature_info(cs_buf *b, uint8_t digest)
{
    size_t info = cs_tlv_open(b, CS_HDR_SIGNATURE_INFO);
    cs_tlv_put_u8(b, CS_HDR_DIGEST_ALGORITHM, digest);
    size_t alg = cs_tlv_open(b, CS_HDR_SIGNATURE_ALGORITHM_INFO);
    cs_tlv_put_u8(b, CS_HDR_SIGNATURE_ALGORITHM, 0);
    cs_tlv_put_u8(b, CS_HDR_SIGNATURE_MODULUS, 0);
    cs_tlv_close(b, alg);
    cs_tlv_close(b, info);
}

static void hand_required(cs_buf *b)
{
    hand_signature_info(b, CS_DIGEST_SHA1);
    static const uint8_t sig[64];
    cs_tlv_put(b, CS_HDR_SIGNATURE, sig, sizeof sig);
}

/* Pads and fills in the header length (tag 2). */
static void hand_finish(hand *h)
{
    while (h->b.len % 4 != 0)
        cs_buf_append_byte(&h->b, CS_HDR_PADDING);
    cs_buf_put_u16_at(&h->b, h->length_pos + 3, (uint16_t)h->b.len);
    assert_false(h->b.failed);
}

/* Parses the hand-built header from an exact-size copy. */
static int hand_parse(const hand *h, cs_header *out, cs_error *err)
{
    uint8_t *copy = test_exact_copy(h->b.data, h->b.len);
    int rc = cs_header_parse(copy, h->b.len, h->b.len, out, err);
    free(copy);
    return rc;
}

static void expect_refused(hand *h, const char *message_part)
{
    hand_finish(h);
    cs_header hdr;
    cs_error err = {{0}};
    assert_int_equal(hand_parse(h, &hdr, &err), CS_ERROR);
    if (strstr(err.message, message_part) == NULL)
        fail_msg("error '%s' does not mention '%s'", err.message, message_part);
    cs_buf_release(&h->b);
}

static void test_minimal_header_parses(void **state)
{
    (void)state;
    hand h;
    hand_start(&h);
    hand_required(&h.b);
    hand_finish(&h);
    cs_header hdr;
    cs_error err;
    assert_int_equal(hand_parse(&h, &hdr, &err), CS_OK);
    assert_false(hdr.has_timestamp);
    assert_false(hdr.has_filename);
    assert_false(hdr.has_signer_name);
    assert_false(hdr.has_encryption);
    assert_int_equal(hdr.length, h.b.len);
    cs_buf_release(&h.b);
}

static void test_unknown_tags(void **state)
{
    (void)state;
    hand h;
    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put_u8(&h.b, 29, 0);
    expect_refused(&h, "unknown header tag 29");

    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put_u8(&h.b, 0, 0);
    expect_refused(&h, "unknown header tag 0");

    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put_u8(&h.b, 0xFF, 0);
    expect_refused(&h, "unknown header tag 255");

    /* Inside a container too. */
    hand_start(&h);
    hand_required(&h.b);
    size_t c = cs_tlv_open(&h.b, CS_HDR_SIGNER_INFO);
    cs_tlv_put_u8(&h.b, 99, 0);
    cs_tlv_close(&h.b, c);
    expect_refused(&h, "unknown header tag 99");
}

static void test_repeated_tags(void **state)
{
    (void)state;
    hand h;
    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put_string(&h.b, CS_HDR_FILENAME, "a");
    cs_tlv_put_string(&h.b, CS_HDR_FILENAME, "b");
    expect_refused(&h, "appears twice");

    hand_start(&h);
    cs_tlv_put_pair(&h.b, CS_HDR_VERSION, 1, 0);
    hand_required(&h.b);
    expect_refused(&h, "tag 1 appears twice");

    hand_start(&h);
    hand_required(&h.b);
    hand_signature_info(&h.b, CS_DIGEST_SHA1);
    expect_refused(&h, "appears twice");
}

static void test_wrong_element_sizes(void **state)
{
    (void)state;
    static const uint8_t three[3] = {1, 2, 3};
    hand h;
    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put(&h.b, CS_HDR_TIMESTAMP, three, 3);
    expect_refused(&h, "expected 4");

    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put(&h.b, CS_HDR_SIGNER_VERSION, three, 3);
    expect_refused(&h, "expected 2");

    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put(&h.b, CS_HDR_FILENAME, "no-nul", 6);
    expect_refused(&h, "NUL");

    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put(&h.b, CS_HDR_SIGNER_NAME, "CN=a\0b", 7);
    expect_refused(&h, "NUL inside");

    /* The header length's own value must be two bytes. */
    cs_buf b = CS_BUF_INIT;
    cs_tlv_put_pair(&b, CS_HDR_VERSION, 1, 0);
    cs_tlv_put(&b, CS_HDR_LENGTH, three, 3);
    hand_required(&b);
    cs_header hdr;
    cs_error err;
    assert_int_equal(cs_header_parse(b.data, b.len, b.len, &hdr, &err), CS_ERROR);
    cs_buf_release(&b);
}

static void test_missing_required(void **state)
{
    (void)state;
    hand h;
    hand_start(&h);
    hand_signature_info(&h.b, CS_DIGEST_SHA1);
    expect_refused(&h, "no signature");

    hand_start(&h);
    static const uint8_t sig[64];
    cs_tlv_put(&h.b, CS_HDR_SIGNATURE, sig, sizeof sig);
    expect_refused(&h, "no digest algorithm");

    /* No version: start without one. */
    cs_buf_init(&h.b);
    h.length_pos = 0;
    cs_tlv_put_u16(&h.b, CS_HDR_LENGTH, 0);
    hand_required(&h.b);
    cs_tlv_put_string(&h.b, CS_HDR_FILENAME, "f");
    expect_refused(&h, "no version");

    /* No header length at all. */
    cs_buf b = CS_BUF_INIT;
    cs_tlv_put_pair(&b, CS_HDR_VERSION, 1, 0);
    hand_required(&b);
    cs_header hdr;
    cs_error err = {{0}};
    assert_int_equal(cs_header_parse(b.data, b.len, b.len, &hdr, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "no header length"));
    cs_buf_release(&b);

    /* Some encryption fields but not all. */
    hand_start(&h);
    hand_required(&h.b);
    size_t enc = cs_tlv_open(&h.b, CS_HDR_ENCRYPTION_INFO);
    size_t iv = cs_tlv_open(&h.b, CS_HDR_IV_INFO);
    cs_tlv_put(&h.b, CS_HDR_IV, "0123456789abcdef", 16);
    cs_tlv_close(&h.b, iv);
    cs_tlv_close(&h.b, enc);
    expect_refused(&h, "encryption fields lack");
}

static void test_element_past_header_length(void **state)
{
    (void)state;
    hand h;
    hand_start(&h);
    hand_required(&h.b);
    cs_tlv_put_string(&h.b, CS_HDR_FILENAME, "abcdef");
    hand_finish(&h);
    /* Say the header ends 4 bytes early: the file name straddles it, and
     * the 4 bytes stay in the file as body. */
    cs_buf_put_u16_at(&h.b, h.length_pos + 3, (uint16_t)(h.b.len - 4));
    cs_header hdr;
    cs_error err = {{0}};
    assert_int_equal(hand_parse(&h, &hdr, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "past the end"));
    assert_non_null(strstr(err.message, "header ("));

    /* A container that claims more than the header holds. */
    cs_buf_release(&h.b);
    hand_start(&h);
    hand_required(&h.b);
    size_t c = cs_tlv_open(&h.b, CS_HDR_SIGNER_INFO);
    cs_tlv_put_string(&h.b, CS_HDR_SIGNER_NAME, "CN=x");
    cs_tlv_close(&h.b, c);
    hand_finish(&h);
    cs_buf_put_u16_at(&h.b, c + 1, 0x4000);
    assert_int_equal(hand_parse(&h, &hdr, &err), CS_ERROR);
    cs_buf_release(&h.b);
}

static void test_header_length_limits(void **state)
{
    (void)state;
    hand h;
    hand_start(&h);
    hand_required(&h.b);
    hand_finish(&h);
    size_t len = h.b.len;
    cs_header hdr;
    cs_error err = {{0}};

    /* Past the end of the file, whatever is in memory. */
    assert_int_equal(cs_header_parse(h.b.data, len, len - 1, &hdr, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "runs past the end of the file"));
    /* Within the file, but more than was read. */
    assert_int_equal(cs_header_parse(h.b.data, len - 1, len + 100, &hdr, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "bytes read"));

    /* Too small to hold even the version and itself. */
    static const uint16_t small[] = {0, 1, 6, 9};
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        cs_buf_put_u16_at(&h.b, h.length_pos + 3, small[i]);
        assert_int_equal(cs_header_parse(h.b.data, len, len, &hdr, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "too small"));
    }
    /* 65535 in a short file. */
    cs_buf_put_u16_at(&h.b, h.length_pos + 3, 0xFFFF);
    assert_int_equal(cs_header_parse(h.b.data, len, len, &hdr, &err), CS_ERROR);
    cs_buf_release(&h.b);
}

/* hand_start, hand_required and a signer container of tags 4 and 5 whose
 * length is off by `delta`; then padding and the header length. */
static void hand_signer_container(hand *h, int delta)
{
    hand_start(h);
    size_t signer = cs_tlv_open(&h->b, CS_HDR_SIGNER_INFO);
    cs_tlv_put_string(&h->b, CS_HDR_SIGNER_NAME, "CN=a");
    cs_tlv_put_u8(&h->b, CS_HDR_SERIAL, 7);
    cs_tlv_close(&h->b, signer);
    uint16_t len = cs_load_u16(h->b.data + signer + 1);
    cs_buf_put_u16_at(&h->b, signer + 1, (uint16_t)(len + delta));
    hand_required(&h->b);
    hand_finish(h);
}

/* Parses, records the straddle and reports it; the fields read the same. */
static void expect_straddle(const hand *h, uint8_t child, size_t child_offset, uint8_t container,
                            size_t container_offset)
{
    cs_header hdr;
    cs_error err;
    if (hand_parse(h, &hdr, &err) != CS_OK)
        fail_msg("a straddling header is refused: %s", err.message);
    assert_true(hdr.has_straddle);
    assert_int_equal(hdr.straddle.tag, child);
    assert_int_equal(hdr.straddle.offset, child_offset);
    assert_int_equal(hdr.straddle.container, container);
    assert_int_equal(hdr.straddle.container_offset, container_offset);
    assert_int_equal(cs_header_check_nesting(&hdr, &err), CS_INVALID);
    assert_non_null(strstr(err.message, "runs past the end of its container"));
    assert_true(hdr.has_digest && hdr.has_signature);
}

/* A child that runs past its container's end: the last child of a short
 * container, the next element swallowed by a long one, an inner container
 * longer than its outer one. Each parses (phones take such files) and is
 * recorded; the exact length is not. */
static void test_straddling_children(void **state)
{
    (void)state;
    hand h;
    hand_signer_container(&h, 0);
    cs_header hdr;
    cs_error err;
    assert_int_equal(hand_parse(&h, &hdr, &err), CS_OK);
    assert_false(hdr.has_straddle);
    assert_int_equal(cs_header_check_nesting(&hdr, &err), CS_OK);
    cs_buf_release(&h.b);

    /* 3 at offset 10, 4 ("CN=a") at 13, 5 at 21, 7 at 25. */
    hand_signer_container(&h, -1);
    expect_straddle(&h, CS_HDR_SERIAL, 21, CS_HDR_SIGNER_INFO, 10);
    cs_buf_release(&h.b);
    hand_signer_container(&h, -3); /* its end cuts the head of tag 5 */
    expect_straddle(&h, CS_HDR_SERIAL, 21, CS_HDR_SIGNER_INFO, 10);
    cs_buf_release(&h.b);
    /* Four short, tag 5 is simply outside it: no straddle. */
    hand_signer_container(&h, -4);
    assert_int_equal(hand_parse(&h, &hdr, &err), CS_OK);
    assert_false(hdr.has_straddle);
    cs_buf_release(&h.b);
    /* One byte long: it ends inside the head of tag 7, which runs past it. */
    hand_signer_container(&h, 1);
    expect_straddle(&h, CS_HDR_SIGNATURE_INFO, 25, CS_HDR_SIGNER_INFO, 10);
    cs_buf_release(&h.b);

    /* Tag 9 (at 18) one byte longer than what is left of tag 7 (at 10). */
    hand_start(&h);
    size_t info = cs_tlv_open(&h.b, CS_HDR_SIGNATURE_INFO);
    cs_tlv_put_u8(&h.b, CS_HDR_DIGEST_ALGORITHM, CS_DIGEST_SHA1);
    size_t alg = cs_tlv_open(&h.b, CS_HDR_SIGNATURE_ALGORITHM_INFO);
    cs_tlv_put_u8(&h.b, CS_HDR_SIGNATURE_ALGORITHM, 0);
    cs_tlv_put_u8(&h.b, CS_HDR_SIGNATURE_MODULUS, 0);
    cs_tlv_close(&h.b, alg);
    cs_tlv_close(&h.b, info);
    cs_buf_put_u16_at(&h.b, info + 1, (uint16_t)(cs_load_u16(h.b.data + info + 1) - 1));
    static const uint8_t sig[64];
    cs_tlv_put(&h.b, CS_HDR_SIGNATURE, sig, sizeof sig);
    hand_finish(&h);
    assert_int_equal(alg, 17);
    expect_straddle(&h, CS_HDR_SIGNATURE_ALGORITHM_INFO, 17, CS_HDR_SIGNATURE_INFO, 10);
    cs_buf_release(&h.b);
}

/* Containers inside containers past any real header's depth: an error when
 * looking for the header length, not a deeper and deeper walk. */
static void test_deep_nesting(void **state)
{
    (void)state;
    uint8_t data[7 * 3 + 5];
    for (size_t i = 0; i < 7; i++) {
        data[3 * i] = CS_HDR_SIGNER_INFO;
        size_t len = sizeof data - 3 * (i + 1);
        data[3 * i + 1] = (uint8_t)(len >> 8);
        data[3 * i + 2] = (uint8_t)len;
    }
    memcpy(data + 21, (const uint8_t[]){CS_HDR_LENGTH, 0, 2, 0, 26}, 5);
    uint16_t len = 0;
    cs_error err;
    assert_int_equal(cs_header_length(data, sizeof data, &len, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "nested more than 6 deep"));
    /* Six deep is fine. */
    assert_int_equal(cs_header_length(data + 3, sizeof data - 3, &len, &err), CS_OK);
    assert_int_equal(len, 26);
}

/* Elements in an order the reference never writes, and a digest it never
 * uses (SHA-256): the header still parses and its signature verifies. */
static void test_shuffled_header(void **state)
{
    (void)state;
    cs_signer s;
    test_load_signer("vectors/signer1024.pem", &s);
    const char *body = "shuffled body";
    cs_buf b = CS_BUF_INIT;

    cs_tlv_put_string(&b, CS_HDR_FILENAME, "shuffled.sgn");
    cs_tlv_put_u32(&b, CS_HDR_TIMESTAMP, 123456789);
    size_t info = cs_tlv_open(&b, CS_HDR_SIGNATURE_INFO);
    size_t alg = cs_tlv_open(&b, CS_HDR_SIGNATURE_ALGORITHM_INFO);
    cs_tlv_put_u8(&b, CS_HDR_SIGNATURE_MODULUS, 1); /* 128 bytes */
    cs_tlv_put_u8(&b, CS_HDR_SIGNATURE_ALGORITHM, 0);
    cs_tlv_close(&b, alg);
    cs_tlv_put_u8(&b, CS_HDR_DIGEST_ALGORITHM, CS_DIGEST_SHA256);
    cs_tlv_close(&b, info);
    cs_buf_append_byte(&b, CS_HDR_PADDING); /* padding in the middle */
    size_t sig_pos = b.len;
    static const uint8_t zeros[128];
    cs_tlv_put(&b, CS_HDR_SIGNATURE, zeros, sizeof zeros);
    size_t signer = cs_tlv_open(&b, CS_HDR_SIGNER_INFO);
    cs_bytes serial = cs_cert_serial(s.cert);
    cs_tlv_put(&b, CS_HDR_SERIAL, serial.data, serial.len);
    cs_tlv_put_string(&b, CS_HDR_ISSUER_NAME, cs_buf_str(&s.issuer));
    cs_tlv_put_string(&b, CS_HDR_SIGNER_NAME, cs_buf_str(&s.subject));
    cs_tlv_close(&b, signer);
    cs_tlv_put_pair(&b, CS_HDR_VERSION, 1, 0);
    size_t length_pos = b.len;
    cs_tlv_put_u16(&b, CS_HDR_LENGTH, 0);
    while (b.len % 4 != 0)
        cs_buf_append_byte(&b, CS_HDR_PADDING);
    cs_buf_put_u16_at(&b, length_pos + 3, (uint16_t)b.len);
    size_t hlen = b.len;

    /* Sign it by hand: header without the signature element, then body. */
    cs_hash *hash;
    cs_error err;
    assert_int_equal(
        cs_header_digest_begin(b.data, hlen, sig_pos, sizeof zeros, CS_MD_SHA256, &hash, &err),
        CS_OK);
    cs_hash_update(hash, body, strlen(body));
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(hash, digest);
    cs_hash_free(hash);
    assert_int_equal(cs_key_sign(s.key, CS_MD_SHA256, digest, b.data + sig_pos + 3, 128, &err),
                     CS_OK);
    cs_buf_append(&b, body, strlen(body));
    assert_false(b.failed);

    uint8_t *file = test_exact_copy(b.data, b.len);
    cs_header h;
    if (cs_header_parse(file, b.len, b.len, &h, &err) != CS_OK)
        fail_msg("shuffled header: %s", err.message);
    assert_int_equal(h.length, hlen);
    assert_int_equal(h.version[0], 1);
    assert_int_equal(h.digest_code, CS_DIGEST_SHA256);
    assert_int_equal(h.signature_offset, sig_pos);
    assert_int_equal(h.signature.len, 128);
    assert_int_equal(h.signature_modulus, 1);
    test_assert_bytes_str(h.filename, "shuffled.sgn");
    test_assert_bytes_str(h.signer_name, SIGNER1024);
    assert_int_equal(h.timestamp, 123456789);
    static const uint8_t order[] = {
        CS_HDR_FILENAME,
        CS_HDR_TIMESTAMP,
        CS_HDR_SIGNATURE_MODULUS,
        CS_HDR_SIGNATURE_ALGORITHM,
        CS_HDR_DIGEST_ALGORITHM,
        CS_HDR_SIGNATURE,
        CS_HDR_SERIAL,
        CS_HDR_ISSUER_NAME,
        CS_HDR_SIGNER_NAME,
        CS_HDR_VERSION,
        CS_HDR_LENGTH,
    };
    assert_int_equal(h.order_len, sizeof order);
    assert_memory_equal(h.order, order, sizeof order);
    assert_int_equal(cs_header_check_nesting(&h, &err), CS_OK);
    assert_int_equal(cs_header_verify_buffer(&h, file, b.len, s.cert, &err), CS_OK);
    file[b.len - 1] ^= 1;
    assert_int_equal(cs_header_verify_buffer(&h, file, b.len, s.cert, &err), CS_INVALID);
    free(file);
    cs_buf_release(&b);
    cs_signer_release(&s);
}

/* --- the writer -------------------------------------------------------- */

static void spec_for(const vector *v, cs_signer *s, cs_header_spec *spec)
{
    *spec = (cs_header_spec){
        .version = {v->version[0], v->version[1]},
        .has_signer_version = v->signer_version >= 0,
        .signer_version = {1, (uint8_t)(v->signer_version >= 0 ? v->signer_version : 0)},
        .digest_code = v->digest,
        .filename = v->filename,
        .has_timestamp = true,
        .timestamp = v->timestamp,
    };
    cs_signer_fill_spec(s, spec);
}

/* The tags the writer puts outside containers and padding, in its order
 * (formats.md §2 and §4). */
static const uint8_t written_order[] = {
    CS_HDR_VERSION,           CS_HDR_LENGTH,
    CS_HDR_SIGNER_VERSION,    CS_HDR_SIGNER_NAME,
    CS_HDR_ISSUER_NAME,       CS_HDR_SERIAL,
    CS_HDR_DIGEST_ALGORITHM,  CS_HDR_SIGNATURE_ALGORITHM,
    CS_HDR_SIGNATURE_MODULUS, CS_HDR_SIGNATURE,
    CS_HDR_FILENAME,          CS_HDR_TIMESTAMP,
    CS_HDR_IV_RESERVED,       CS_HDR_IV,
    CS_HDR_PADDING_COUNT,     CS_HDR_KEY_RESERVED,
    CS_HDR_KEY_SIZE,          CS_HDR_KEY_ALGORITHM,
    CS_HDR_ENCRYPTED_KEY,     CS_HDR_CONTENT_DIGEST_ALGORITHM,
    CS_HDR_CONTENT_DIGEST,
};

/* A draft parses, every container holds its children whole, and the
 * elements come in the writer's order. */
static void expect_written_layout(const cs_header_draft *d, bool encrypted)
{
    cs_header h;
    cs_error err;
    if (cs_header_parse(d->bytes.data, d->bytes.len, d->bytes.len, &h, &err) != CS_OK)
        fail_msg("draft does not parse: %s", err.message);
    if (cs_header_check_nesting(&h, &err) != CS_OK)
        fail_msg("draft: %s", err.message);
    size_t n = 0;
    for (size_t i = 0; i < sizeof written_order; i++) {
        uint8_t tag = written_order[i];
        if ((tag == CS_HDR_SIGNER_VERSION && !h.has_signer_version) ||
            (tag == CS_HDR_TIMESTAMP && !h.has_timestamp) ||
            (tag >= CS_HDR_ENCRYPTION_INFO && tag <= CS_HDR_CONTENT_DIGEST && !encrypted))
            continue;
        assert_true(n < h.order_len);
        assert_int_equal(h.order[n], tag);
        n++;
    }
    assert_int_equal(h.order_len, n);
}

/* Headers of every shape the writer makes: each signature size, digest,
 * with and without signer version, timestamp and encryption fields, names
 * from empty to long enough to cross 256-byte lengths. */
static void test_draft_layout_generated(void **state)
{
    (void)state;
    static const uint8_t serial[] = {0x80, 1, 2};
    static const uint8_t iv[16], key[512], digest[64];
    const cs_encryption_fields enc = {
        .iv = {iv, sizeof iv},
        .padding_count = 16,
        .key_bits = 4096,
        .key_algorithm = 1,
        .encrypted_key = {key, sizeof key},
        .content_digest_code = CS_DIGEST_SHA512,
        .content_digest = {digest, sizeof digest},
    };
    static const size_t name_lengths[] = {0, 1, 2, 3, 255, 256, 1000};
    char name[1001];
    size_t built = 0;
    for (size_t n = 0; n < sizeof name_lengths / sizeof name_lengths[0]; n++) {
        memset(name, 'n', name_lengths[n]);
        name[name_lengths[n]] = '\0';
        for (unsigned shape = 0; shape < 8; shape++) {
            for (size_t len = 64; len <= 512; len *= 2) {
                cs_header_spec spec = {
                    .version = {shape & 4 ? 2 : 1, 0},
                    .has_signer_version = shape & 1,
                    .signer_version = {1, 1},
                    .signer_name = name,
                    .issuer_name = name + name_lengths[n] / 2,
                    .serial = {serial, sizeof serial},
                    .digest_code = (uint8_t)(1 + shape % 3),
                    .signature_len = len,
                    .filename = name + name_lengths[n] / 3,
                    .has_timestamp = shape & 2,
                    .timestamp = 1,
                    .encryption = shape & 4 ? &enc : NULL,
                };
                cs_header_draft d;
                cs_error err;
                assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_OK);
                expect_written_layout(&d, spec.encryption != NULL);
                cs_header_draft_release(&d);
                built++;
            }
        }
    }
    assert_int_equal(built, 7 * 8 * 4);
}

/* For every vector: the draft equals the vector's header with the
 * signature zeroed; signed over the vector's own body (the bytes after its
 * header), it equals the vector byte for byte. */
static void test_draft_reproduces_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        const vector *v = &vectors[i];
        cs_buf file = CS_BUF_INIT;
        read_vector(v->file, &file);
        cs_header parsed;
        cs_error err;
        assert_int_equal(cs_header_parse(file.data, file.len, file.len, &parsed, &err), CS_OK);

        cs_signer s;
        test_load_signer(test_vector_path(v->pem), &s);
        cs_header_spec spec;
        spec_for(v, &s, &spec);
        if (parsed.has_encryption)
            spec.encryption = &parsed.enc; /* random in the vector: take them */

        cs_header_draft d;
        if (cs_header_draft_build(&d, &spec, &err) != CS_OK)
            fail_msg("%s: %s", v->file, err.message);
        assert_int_equal(d.bytes.len, v->length);
        assert_int_equal(d.signature_offset, parsed.signature_offset);
        assert_int_equal(d.signature_len, v->signature);

        expect_written_layout(&d, parsed.has_encryption);

        uint8_t *expected = test_exact_copy(file.data, v->length);
        memset(expected + parsed.signature_offset + 3, 0, v->signature);
        assert_memory_equal(d.bytes.data, expected, v->length);
        free(expected);

        const uint8_t *body = file.data + v->length;
        size_t body_len = file.len - v->length;
        if (cs_header_draft_sign_buffer(&d, s.key, body, body_len, &err) != CS_OK)
            fail_msg("%s: %s", v->file, err.message);
        if (memcmp(d.bytes.data, file.data, v->length) != 0)
            fail_msg("%s: signed header differs from the vector", v->file);

        cs_header_draft_release(&d);
        cs_signer_release(&s);
        cs_buf_release(&file);
    }
}

/* The same by the streaming calls a large-file signer uses. */
static void test_draft_streaming(void **state)
{
    (void)state;
    const vector *v = &vectors[5]; /* SEP58971ECC97C1.cnf.xml.sgn */
    cs_buf file = CS_BUF_INIT;
    read_vector(v->file, &file);
    cs_signer s;
    test_load_signer(test_vector_path(v->pem), &s);
    cs_header_spec spec;
    spec_for(v, &s, &spec);
    cs_header_draft d;
    cs_error err;
    assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_OK);
    cs_hash *h;
    assert_int_equal(cs_header_draft_digest_begin(&d, &h, &err), CS_OK);
    for (size_t off = v->length; off < file.len; off += 7) {
        size_t n = file.len - off < 7 ? file.len - off : 7;
        cs_hash_update(h, file.data + off, n);
    }
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(h, digest);
    cs_hash_free(h);
    assert_int_equal(cs_header_draft_sign(&d, s.key, digest, &err), CS_OK);
    assert_memory_equal(d.bytes.data, file.data, v->length);
    cs_header_draft_release(&d);
    cs_signer_release(&s);
    cs_buf_release(&file);
}

static void test_draft_without_timestamp(void **state)
{
    (void)state;
    cs_signer s;
    test_load_signer("vectors/signer1024.pem", &s);
    cs_header_spec spec = {.version = {1, 0}, .digest_code = CS_DIGEST_SHA1, .filename = "x.sgn"};
    cs_signer_fill_spec(&s, &spec);
    cs_header_draft d;
    cs_error err;
    assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_OK);
    assert_int_equal(d.bytes.len % 4, 0);
    assert_int_equal(cs_header_draft_sign_buffer(&d, s.key, (const uint8_t *)"b", 1, &err), CS_OK);
    cs_buf file = CS_BUF_INIT;
    cs_buf_append(&file, d.bytes.data, d.bytes.len);
    cs_buf_append_byte(&file, 'b');
    cs_header h;
    assert_int_equal(cs_header_parse(file.data, file.len, file.len, &h, &err), CS_OK);
    assert_false(h.has_timestamp);
    assert_false(h.has_signer_version);
    test_assert_bytes_str(h.filename, "x.sgn");
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, s.cert, &err), CS_OK);
    cs_buf_release(&file);
    cs_header_draft_release(&d);
    cs_signer_release(&s);
}

static void test_draft_refusals(void **state)
{
    (void)state;
    static const uint8_t serial[] = {1};
    cs_header_spec spec = {
        .version = {1, 0},
        .signer_name = "CN=a",
        .issuer_name = "CN=a",
        .serial = {serial, 1},
        .digest_code = CS_DIGEST_SHA1,
        .signature_len = 100,
        .filename = "f",
    };
    cs_header_draft d;
    cs_error err = {{0}};
    assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "800 bits"));
    cs_header_draft_release(&d);

    spec.signature_len = 64;
    spec.digest_code = 9;
    assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "digest"));
    cs_header_draft_release(&d);

    /* Each of the four sizes works. */
    spec.digest_code = CS_DIGEST_SHA512;
    for (size_t len = 64; len <= 512; len *= 2) {
        spec.signature_len = len;
        assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_OK);
        cs_header h;
        cs_buf_append_byte(&d.bytes, 0); /* a body */
        assert_int_equal(cs_header_parse(d.bytes.data, d.bytes.len, d.bytes.len, &h, &err), CS_OK);
        assert_int_equal(h.signature.len, len);
        assert_int_equal(64u << h.signature_modulus, len);
        cs_header_draft_release(&d);
    }

    /* Names too long for a 16-bit header length. */
    size_t n = 40000;
    char *name = malloc(n + 1);
    assert_non_null(name);
    memset(name, 'x', n);
    name[n] = '\0';
    spec.signer_name = name;
    spec.issuer_name = name;
    spec.signature_len = 64;
    assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "65535"));
    assert_null(d.bytes.data); /* released on failure */
    cs_header_draft_release(&d);
    free(name);
}

static void test_digest_begin_bounds(void **state)
{
    (void)state;
    uint8_t header[40] = {0};
    cs_hash *h = NULL;
    cs_error err;
    assert_int_equal(cs_header_digest_begin(header, 40, 41, 0, CS_MD_SHA1, &h, &err), CS_ERROR);
    assert_int_equal(cs_header_digest_begin(header, 40, 30, 8, CS_MD_SHA1, &h, &err), CS_ERROR);
    assert_int_equal(cs_header_digest_begin(header, 40, 10, SIZE_MAX - 5, CS_MD_SHA1, &h, &err),
                     CS_ERROR);
    assert_int_equal(cs_header_digest_begin(header, 40, 30, 7, CS_MD_SHA1, &h, &err), CS_OK);
    cs_hash_free(h);
}

/* --- verification ------------------------------------------------------ */

static void test_verify(void **state)
{
    (void)state;
    cs_buf file = CS_BUF_INIT;
    read_vector("SEP58971ECC97C1.cnf.xml.sgn", &file);
    cs_cert *asterisk = test_load_cert("vectors/asterisk.pem");
    cs_cert *sast = test_load_cert("vectors/sast.pem");
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");
    cs_header h;
    cs_error err;
    assert_int_equal(cs_header_parse(file.data, file.len, file.len, &h, &err), CS_OK);
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, asterisk, &err), CS_OK);

    /* Another RSA certificate: invalid. An EC one cannot verify at all. */
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, sast, &err), CS_INVALID);
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, ec, &err), CS_ERROR);

    /* One flipped body byte, anywhere. */
    for (size_t off = h.length; off < file.len; off += 97) {
        file.data[off] ^= 0x01;
        assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, asterisk, &err),
                         CS_INVALID);
        file.data[off] ^= 0x01;
    }
    /* A flipped signature byte, and a flipped signed header byte (the
     * file name's first letter). */
    file.data[h.signature_offset + 3 + 17] ^= 0x80;
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, asterisk, &err), CS_INVALID);
    file.data[h.signature_offset + 3 + 17] ^= 0x80;
    ((uint8_t *)h.filename.data)[0] ^= 0x20;
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, asterisk, &err), CS_INVALID);
    ((uint8_t *)h.filename.data)[0] ^= 0x20;
    /* Truncated or extended body. */
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len - 1, asterisk, &err),
                     CS_INVALID);
    assert_int_equal(cs_header_verify_buffer(&h, file.data, h.length - 1, asterisk, &err),
                     CS_ERROR);
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, asterisk, &err), CS_OK);

    /* The streaming calls agree. */
    cs_hash *hash;
    assert_int_equal(cs_header_verify_begin(&h, file.data, &hash, &err), CS_OK);
    cs_hash_update(hash, file.data + h.length, file.len - h.length);
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(hash, digest);
    cs_hash_free(hash);
    assert_int_equal(cs_header_verify_finish(&h, asterisk, digest, &err), CS_OK);
    digest[0] ^= 1;
    assert_int_equal(cs_header_verify_finish(&h, asterisk, digest, &err), CS_INVALID);

    /* A digest code this program does not know parses but cannot verify. */
    h.digest_code = 9;
    assert_int_equal(cs_header_verify_buffer(&h, file.data, file.len, asterisk, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "digest"));

    cs_cert_free(asterisk);
    cs_cert_free(sast);
    cs_cert_free(ec);
    cs_buf_release(&file);
}

/* Every vector verifies with its signer's certificate, empty body and
 * 70000-byte firmware included. */
static void test_verify_all_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        char path[256];
        snprintf(path, sizeof path, "vectors/%s", vectors[i].pem);
        cs_cert *cert = test_load_cert(path);
        cs_buf file = CS_BUF_INIT;
        read_vector(vectors[i].file, &file);
        cs_header h;
        cs_error err;
        assert_int_equal(cs_header_parse(file.data, file.len, file.len, &h, &err), CS_OK);
        if (cs_header_verify_buffer(&h, file.data, file.len, cert, &err) != CS_OK)
            fail_msg("%s: %s", vectors[i].file, err.message);
        cs_buf_release(&file);
        cs_cert_free(cert);
    }
}

static void test_digest_codes(void **state)
{
    (void)state;
    cs_md md;
    assert_true(cs_digest_code_to_md(1, &md));
    assert_int_equal(md, CS_MD_SHA1);
    assert_true(cs_digest_code_to_md(2, &md));
    assert_int_equal(md, CS_MD_SHA256);
    assert_true(cs_digest_code_to_md(3, &md));
    assert_int_equal(md, CS_MD_SHA512);
    assert_false(cs_digest_code_to_md(0, &md));
    assert_false(cs_digest_code_to_md(4, &md));
    assert_string_equal(cs_digest_code_name(1), "SHA1");
    assert_string_equal(cs_digest_code_name(2), "SHA256");
    assert_string_equal(cs_digest_code_name(3), "SHA512");
    assert_null(cs_digest_code_name(0));
    assert_null(cs_digest_code_name(255));
    uint8_t code = 0;
    assert_true(cs_digest_code_parse("sha1", &code));
    assert_int_equal(code, 1);
    assert_true(cs_digest_code_parse("SHA512", &code));
    assert_int_equal(code, 3);
    assert_true(cs_digest_code_parse("Sha256", &code));
    assert_int_equal(code, 2);
    code = 77;
    assert_false(cs_digest_code_parse("md5", &code));
    assert_false(cs_digest_code_parse("", &code));
    assert_false(cs_digest_code_parse("sha", &code));
    assert_false(cs_digest_code_parse("sha1 ", &code));
    assert_int_equal(code, 77);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_vectors),
        cmocka_unit_test(test_parse_encryption_fields),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_minimal_header_parses),
        cmocka_unit_test(test_unknown_tags),
        cmocka_unit_test(test_repeated_tags),
        cmocka_unit_test(test_wrong_element_sizes),
        cmocka_unit_test(test_missing_required),
        cmocka_unit_test(test_element_past_header_length),
        cmocka_unit_test(test_header_length_limits),
        cmocka_unit_test(test_shuffled_header),
        cmocka_unit_test(test_straddling_children),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_draft_layout_generated),
        cmocka_unit_test(test_draft_reproduces_vectors),
        cmocka_unit_test(test_draft_streaming),
        cmocka_unit_test(test_draft_without_timestamp),
        cmocka_unit_test(test_draft_refusals),
        cmocka_unit_test(test_digest_begin_bounds),
        cmocka_unit_test(test_verify),
        cmocka_unit_test(test_verify_all_vectors),
        cmocka_unit_test(test_digest_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
