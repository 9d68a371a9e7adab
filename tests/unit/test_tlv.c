/* SPDX-License-Identifier: MIT */
/* The TLV codec: the reader on valid, truncated and lying input (every
 * prefix of real files, each in an exact-size heap block so ASan sees any
 * over-read), the typed accessors, and the writer. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "ciscosec/header.h"
#include "ciscosec/tlv.h"

/* --- reader on valid input --------------------------------------------- */

static void test_read_valid(void **state)
{
    (void)state;
    const uint8_t data[] = {
        0x01, 0x00, 0x02, 0x01, 0x02,         /* tag 1, "\1\2" */
        0x0E, 0x00, 0x04, 'a',  'b',  'c', 0, /* tag 14, "abc" */
        0x07, 0x00, 0x00,                     /* tag 7, empty */
        0xFF, 0x00, 0x01, 0x42,               /* tag 255 */
    };
    uint8_t *copy = test_exact_copy(data, sizeof data);
    cs_tlv_reader r;
    cs_tlv t;
    cs_error err;
    cs_tlv_reader_init(&r, copy, sizeof data);
    assert_int_equal(cs_tlv_remaining(&r), sizeof data);
    assert_int_equal(cs_tlv_offset(&r), 0);
    assert_false(cs_tlv_at_end(&r));

    uint8_t tag = 0;
    assert_int_equal(cs_tlv_peek_tag(&r, &tag, &err), CS_OK);
    assert_int_equal(tag, 1);
    assert_int_equal(cs_tlv_offset(&r), 0); /* peek does not move */

    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 1);
    assert_int_equal(t.length, 2);
    assert_ptr_equal(t.value, copy + 3);
    assert_int_equal(t.offset, 0);
    assert_int_equal(cs_tlv_offset(&r), 5);

    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 14);
    assert_int_equal(t.offset, 5);
    cs_bytes s;
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_OK);
    assert_int_equal(s.len, 3);
    assert_memory_equal(s.data, "abc", 3);

    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 7);
    assert_int_equal(t.length, 0);
    assert_ptr_equal(t.value, copy + 15);

    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 255);
    assert_int_equal(t.value[0], 0x42);
    assert_true(cs_tlv_at_end(&r));
    assert_int_equal(cs_tlv_remaining(&r), 0);

    /* At the end everything refuses, without moving. */
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_ERROR);
    assert_int_equal(cs_tlv_peek_tag(&r, &tag, &err), CS_ERROR);
    assert_int_equal(cs_tlv_skip(&r, 1, &err), CS_ERROR);
    assert_int_equal(cs_tlv_skip(&r, 0, &err), CS_OK);
    assert_true(cs_tlv_at_end(&r));
    free(copy);
}

static void test_read_head_steps_into_container(void **state)
{
    (void)state;
    /* Container 3 holding tag 4 ("x") and tag 5 (one byte). */
    const uint8_t data[] = {0x03, 0x00, 0x09, 0x04, 0x00, 0x02, 'x', 0x00, 0x05, 0x00, 0x01, 0x99};
    uint8_t *copy = test_exact_copy(data, sizeof data);
    cs_tlv_reader r;
    cs_tlv t;
    cs_error err;
    cs_tlv_reader_init(&r, copy, sizeof data);
    assert_int_equal(cs_tlv_read_head(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 3);
    assert_int_equal(t.length, 9);
    assert_int_equal(cs_tlv_offset(&r), 3); /* on the value, the children */
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 4);
    assert_int_equal(t.offset, 3);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 5);
    assert_int_equal(t.offset, 8);
    assert_true(cs_tlv_at_end(&r));
    free(copy);
}

/* --- lies and truncation ----------------------------------------------- */

static void test_length_past_end(void **state)
{
    (void)state;
    const uint8_t cases[][6] = {
        {0x01, 0x00, 0x04, 'a', 'b', 'c'}, /* one byte short */
        {0x01, 0xFF, 0xFF, 'a', 'b', 'c'}, /* 65535 */
        {0x01, 0x80, 0x00, 'a', 'b', 'c'}, /* high bit */
        {0x01, 0x01, 0x00, 'a', 'b', 'c'}, /* 256 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *copy = test_exact_copy(cases[i], sizeof cases[i]);
        cs_tlv_reader r;
        cs_tlv t = {0};
        cs_error err = {{0}};
        cs_tlv_reader_init(&r, copy, sizeof cases[i]);
        assert_int_equal(cs_tlv_read(&r, &t, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "past the end"));
        assert_int_equal(cs_tlv_offset(&r), 0); /* the cursor stays */
        assert_int_equal(cs_tlv_read_head(&r, &t, &err), CS_ERROR);
        assert_int_equal(cs_tlv_offset(&r), 0);
        free(copy);
    }
}

static void test_truncated_heads(void **state)
{
    (void)state;
    const uint8_t head[] = {0x05, 0x00, 0x00};
    for (size_t len = 0; len < sizeof head; len++) {
        uint8_t *copy = test_exact_copy(head, len);
        cs_tlv_reader r;
        cs_tlv t;
        cs_error err = {{0}};
        cs_tlv_reader_init(&r, copy, len);
        assert_int_equal(cs_tlv_read(&r, &t, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "truncated"));
        assert_int_equal(cs_tlv_read_head(&r, &t, &err), CS_ERROR);
        assert_int_equal(cs_tlv_offset(&r), 0);
        free(copy);
    }
    /* The whole head with a zero length is a complete element. */
    uint8_t *copy = test_exact_copy(head, sizeof head);
    cs_tlv_reader r;
    cs_tlv t;
    cs_error err;
    cs_tlv_reader_init(&r, copy, sizeof head);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.length, 0);
    assert_true(cs_tlv_at_end(&r));
    free(copy);
}

static void test_skip_bounds(void **state)
{
    (void)state;
    uint8_t *copy = test_exact_copy((const uint8_t *)"abcd", 4);
    cs_tlv_reader r;
    cs_error err;
    cs_tlv_reader_init(&r, copy, 4);
    assert_int_equal(cs_tlv_skip(&r, 5, &err), CS_ERROR);
    assert_int_equal(cs_tlv_skip(&r, SIZE_MAX, &err), CS_ERROR);
    assert_int_equal(cs_tlv_offset(&r), 0);
    assert_int_equal(cs_tlv_skip(&r, 3, &err), CS_OK);
    assert_int_equal(cs_tlv_skip(&r, 2, &err), CS_ERROR);
    assert_int_equal(cs_tlv_skip(&r, 1, &err), CS_OK);
    assert_true(cs_tlv_at_end(&r));
    free(copy);
}

/* --- typed accessors --------------------------------------------------- */

static cs_tlv element(uint8_t tag, const uint8_t *value, uint16_t length)
{
    return (cs_tlv){.tag = tag, .length = length, .value = value, .offset = 0};
}

static void test_typed_accessors(void **state)
{
    (void)state;
    const uint8_t v[] = {0x12, 0x34, 0x56, 0x78, 0x9A};
    cs_error err;
    uint8_t u8 = 0xEE;
    uint16_t u16 = 0xEEEE;
    uint32_t u32 = 0xEEEEEEEE;

    cs_tlv t = element(8, v, 1);
    assert_int_equal(cs_tlv_u8(&t, &u8, &err), CS_OK);
    assert_int_equal(u8, 0x12);
    t = element(2, v, 2);
    assert_int_equal(cs_tlv_u16(&t, &u16, &err), CS_OK);
    assert_int_equal(u16, 0x1234);
    t = element(15, v, 4);
    assert_int_equal(cs_tlv_u32(&t, &u32, &err), CS_OK);
    assert_int_equal(u32, 0x12345678u);

    /* Every wrong length is refused and leaves the output alone. */
    u8 = 0xEE;
    u16 = 0xEEEE;
    u32 = 0xEEEEEEEE;
    for (uint16_t len = 0; len <= 5; len++) {
        t = element(9, v, len);
        if (len != 1) {
            assert_int_equal(cs_tlv_u8(&t, &u8, &err), CS_ERROR);
            assert_non_null(strstr(err.message, "expected 1"));
        }
        if (len != 2) {
            assert_int_equal(cs_tlv_u16(&t, &u16, &err), CS_ERROR);
            assert_non_null(strstr(err.message, "expected 2"));
        }
        if (len != 4) {
            assert_int_equal(cs_tlv_u32(&t, &u32, &err), CS_ERROR);
            assert_non_null(strstr(err.message, "expected 4"));
        }
    }
    assert_int_equal(u8, 0xEE);
    assert_int_equal(u16, 0xEEEE);
    assert_int_equal(u32, 0xEEEEEEEEu);
}

static void test_strings(void **state)
{
    (void)state;
    cs_error err;
    cs_bytes s = {NULL, 99};
    cs_tlv t;

    /* Each value in its own exact block, so a scan past the end shows. */
    uint8_t *ok = test_exact_copy((const uint8_t *)"CN=SAST", 8);
    t = element(4, ok, 8);
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_OK);
    assert_int_equal(s.len, 7);
    assert_ptr_equal(s.data, ok);
    free(ok);

    uint8_t *nul_only = test_exact_copy((const uint8_t *)"", 1);
    t = element(4, nul_only, 1);
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_OK);
    assert_int_equal(s.len, 0);
    free(nul_only);

    uint8_t *no_nul = test_exact_copy((const uint8_t *)"abc", 3);
    t = element(4, no_nul, 3);
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "does not end with NUL"));
    free(no_nul);

    uint8_t *inner = test_exact_copy((const uint8_t *)"ab\0cd", 6);
    t = element(4, inner, 6);
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "NUL inside"));
    free(inner);

    uint8_t *two_nuls = test_exact_copy((const uint8_t *)"\0", 2);
    t = element(4, two_nuls, 2);
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_ERROR);
    free(two_nuls);

    uint8_t *empty = test_exact_copy(NULL, 0);
    t = element(4, empty, 0);
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_ERROR);
    free(empty);
}

/* --- every prefix of real files ---------------------------------------- */

static bool header_container(uint8_t tag)
{
    return tag == 3 || tag == 7 || tag == 9 || tag == 16 || tag == 17 || tag == 21;
}

/* Walks header elements the way the header parser does (padding bytes,
 * containers stepped into). Records every cursor position in `visited`
 * (when not NULL). Returns CS_OK when it reached the end cleanly. */
static int walk_header(const uint8_t *data, size_t len, bool *visited)
{
    cs_tlv_reader r;
    cs_error err;
    cs_tlv_reader_init(&r, data, len);
    while (!cs_tlv_at_end(&r)) {
        uint8_t tag;
        int rc = cs_tlv_peek_tag(&r, &tag, &err);
        if (rc == CS_OK && tag == 13)
            rc = cs_tlv_skip(&r, 1, &err);
        else if (rc == CS_OK) {
            cs_tlv t;
            rc = header_container(tag) ? cs_tlv_read_head(&r, &t, &err) : cs_tlv_read(&r, &t, &err);
            if (rc == CS_OK) {
                assert_int_equal(t.tag, tag);
                assert_true(t.value >= data && t.value + t.length <= data + len);
            }
        }
        if (rc != CS_OK) {
            assert_int_equal(rc, CS_ERROR);
            return rc;
        }
        if (visited != NULL)
            visited[cs_tlv_offset(&r)] = true;
    }
    return CS_OK;
}

/* A plain cs_tlv_read loop: trust-list bodies are flat runs of elements. */
static int walk_flat(const uint8_t *data, size_t len, bool *visited)
{
    cs_tlv_reader r;
    cs_error err;
    cs_tlv_reader_init(&r, data, len);
    while (!cs_tlv_at_end(&r)) {
        cs_tlv t;
        int rc = cs_tlv_read(&r, &t, &err);
        if (rc != CS_OK) {
            assert_int_equal(rc, CS_ERROR);
            return rc;
        }
        assert_true(t.value >= data && t.value + t.length <= data + len);
        if (visited != NULL)
            visited[cs_tlv_offset(&r)] = true;
    }
    return CS_OK;
}

static uint16_t header_length_of(const cs_buf *file)
{
    uint16_t len = 0;
    cs_error err;
    assert_int_equal(cs_header_length(file->data, file->len, &len, &err), CS_OK);
    assert_true(len >= CS_HEADER_MIN_SIZE && len <= file->len);
    return len;
}

/* Every prefix of the header, then of the body (as a flat run), each in
 * an exact-size copy. A prefix reads cleanly only where the full walk
 * passed an element boundary. */
static void every_prefix(const char *name, bool flat_body)
{
    cs_buf file = CS_BUF_INIT;
    test_read_data(name, &file);
    size_t hlen = header_length_of(&file);
    size_t blen = file.len - hlen;

    bool *hvisited = calloc(hlen + 1, sizeof *hvisited);
    assert_non_null(hvisited);
    hvisited[0] = true;
    assert_int_equal(walk_header(file.data, hlen, hvisited), CS_OK);
    for (size_t p = 0; p <= hlen; p++) {
        uint8_t *copy = test_exact_copy(file.data, p);
        int rc = walk_header(copy, p, NULL);
        if (rc == CS_OK && !hvisited[p])
            fail_msg("%s: header prefix %zu read cleanly but is not a boundary", name, p);
        free(copy);
    }
    assert_true(hvisited[hlen]);
    free(hvisited);

    if (flat_body) {
        bool *bvisited = calloc(blen + 1, sizeof *bvisited);
        assert_non_null(bvisited);
        bvisited[0] = true;
        assert_int_equal(walk_flat(file.data + hlen, blen, bvisited), CS_OK);
        for (size_t p = 0; p <= blen; p++) {
            uint8_t *copy = test_exact_copy(file.data + hlen, p);
            int rc = walk_flat(copy, p, NULL);
            /* Flat elements: clean exactly at the boundaries. */
            if ((rc == CS_OK) != bvisited[p])
                fail_msg("%s: body prefix %zu: %s", name, p,
                         rc == CS_OK ? "read cleanly mid-element" : "failed at a boundary");
            free(copy);
        }
        free(bvisited);
    }
    cs_buf_release(&file);
}

static void test_every_prefix_itl(void **state)
{
    (void)state;
    every_prefix("vectors/ITLFile.tlv", true);
}

static void test_every_prefix_itl_v11(void **state)
{
    (void)state;
    every_prefix("vectors/ITL-v1.1-sha512.tlv", true);
}

static void test_every_prefix_other_tlv(void **state)
{
    (void)state;
    every_prefix("vectors/CTLSEP58971ECC97C1.tlv", true);
    every_prefix("vectors/ITL-signer1024.tlv", true);
    every_prefix("vectors/ITL-signer4096.tlv", true);
}

static void test_every_prefix_sgn_headers(void **state)
{
    (void)state;
    every_prefix("vectors/SEP58971ECC97C1.cnf.xml.sgn", false);
    every_prefix("vectors/SEP58971ECC97C1-signed.cnf.xml.sgn", false);
    every_prefix("vectors/SEP58971ECC97C1.cnf.xml.enc.sgn", false);
    every_prefix("vectors/DialTemplate.xml.sgn", false);
    every_prefix("vectors/empty.bin.sgn", false);
    every_prefix("vectors/firmware.bin.sgn", false);
}

/* --- writer ------------------------------------------------------------ */

static void test_put_encodings(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_tlv_put(&b, 9, "\xAA\xBB", 2);
    cs_tlv_put_u8(&b, 8, 0x03);
    cs_tlv_put_u16(&b, 2, 0x0184);
    cs_tlv_put_u32(&b, 15, 0x69573566u);
    cs_tlv_put_pair(&b, 1, 1, 2);
    cs_tlv_put_string(&b, 14, "ITLFile.tlv");
    cs_tlv_put(&b, 12, NULL, 0);
    assert_false(b.failed);
    const uint8_t want[] = {
        0x09, 0x00, 0x02, 0xAA, 0xBB, 0x08, 0x00, 0x01, 0x03, 0x02, 0x00, 0x02, 0x01, 0x84, 0x0F,
        0x00, 0x04, 0x69, 0x57, 0x35, 0x66, 0x01, 0x00, 0x02, 0x01, 0x02, 0x0E, 0x00, 0x0C, 'I',
        'T',  'L',  'F',  'i',  'l',  'e',  '.',  't',  'l',  'v',  0,    0x0C, 0x00, 0x00,
    };
    assert_int_equal(b.len, sizeof want);
    assert_memory_equal(b.data, want, sizeof want);
    cs_buf_release(&b);
}

static void test_open_close_round_trip(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_tlv_put_pair(&b, 1, 1, 0);
    size_t outer = cs_tlv_open(&b, 7);
    cs_tlv_put_u8(&b, 8, 1);
    size_t inner = cs_tlv_open(&b, 9);
    cs_tlv_put_u8(&b, 10, 0);
    cs_tlv_put_u8(&b, 11, 2);
    cs_tlv_close(&b, inner);
    cs_tlv_close(&b, outer);
    size_t empty = cs_tlv_open(&b, 16);
    cs_tlv_close(&b, empty);
    cs_tlv_put_string(&b, 14, "x");
    assert_false(b.failed);
    assert_int_equal(outer, 5);

    /* The signature-info container of a real header: length 15, inner 8. */
    cs_tlv_reader r;
    cs_tlv t;
    cs_error err;
    cs_tlv_reader_init(&r, b.data, b.len);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 1);
    assert_int_equal(cs_tlv_read_head(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 7);
    assert_int_equal(t.length, 15);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 8);
    assert_int_equal(cs_tlv_read_head(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 9);
    assert_int_equal(t.length, 8);
    uint8_t v;
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(cs_tlv_u8(&t, &v, &err), CS_OK);
    assert_int_equal(t.tag, 10);
    assert_int_equal(v, 0);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(cs_tlv_u8(&t, &v, &err), CS_OK);
    assert_int_equal(t.tag, 11);
    assert_int_equal(v, 2);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    assert_int_equal(t.tag, 16);
    assert_int_equal(t.length, 0);
    assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
    cs_bytes s;
    assert_int_equal(cs_tlv_string(&t, &s, &err), CS_OK);
    assert_memory_equal(s.data, "x", 1);
    assert_true(cs_tlv_at_end(&r));
    cs_buf_release(&b);
}

static void test_value_too_long(void **state)
{
    (void)state;
    size_t max = CS_TLV_MAX_LENGTH;
    uint8_t *big = calloc(max + 1, 1);
    assert_non_null(big);

    /* 65535 is the most an element holds. */
    cs_buf b = CS_BUF_INIT;
    cs_tlv_put(&b, 9, big, max);
    assert_false(b.failed);
    assert_int_equal(b.len, max + 3);
    assert_int_equal(b.data[1], 0xFF);
    assert_int_equal(b.data[2], 0xFF);
    cs_buf_release(&b);

    /* One more sets failed and writes nothing, not even the head. */
    cs_tlv_put_u8(&b, 1, 7);
    size_t before = b.len;
    cs_tlv_put(&b, 9, big, max + 1);
    assert_true(b.failed);
    assert_int_equal(b.len, before);
    cs_tlv_put_u8(&b, 2, 7); /* and later puts are ignored */
    assert_int_equal(b.len, before);
    cs_buf_release(&b);

    /* A string whose NUL pushes it over. */
    char *s = malloc(max + 1);
    assert_non_null(s);
    memset(s, 'a', max);
    s[max] = '\0';
    cs_tlv_put_string(&b, 4, s);
    assert_true(b.failed);
    cs_buf_release(&b);
    s[max - 1] = '\0';
    cs_tlv_put_string(&b, 4, s);
    assert_false(b.failed);
    assert_int_equal(b.len, max + 3);
    cs_buf_release(&b);
    free(s);

    /* A container whose children add up to more than 65535 bytes. */
    size_t c = cs_tlv_open(&b, 3);
    cs_tlv_put(&b, 4, big, max - 3);
    cs_tlv_close(&b, c);
    assert_false(b.failed); /* exactly 65535 inside */
    assert_int_equal(cs_load_u16(b.data + 1), 0xFFFF);
    cs_buf_release(&b);
    c = cs_tlv_open(&b, 3);
    cs_tlv_put(&b, 4, big, max - 2);
    cs_tlv_close(&b, c);
    assert_true(b.failed);
    cs_buf_release(&b);
    free(big);
}

static void test_close_bad_position(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_tlv_put_u8(&b, 1, 1);
    cs_tlv_close(&b, 100); /* past the end */
    assert_true(b.failed);
    cs_buf_release(&b);

    cs_tlv_put_u8(&b, 1, 1);
    cs_tlv_close(&b, b.len - 2); /* no room for a head there */
    assert_true(b.failed);
    cs_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read_valid),
        cmocka_unit_test(test_read_head_steps_into_container),
        cmocka_unit_test(test_length_past_end),
        cmocka_unit_test(test_truncated_heads),
        cmocka_unit_test(test_skip_bounds),
        cmocka_unit_test(test_typed_accessors),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_every_prefix_itl),
        cmocka_unit_test(test_every_prefix_itl_v11),
        cmocka_unit_test(test_every_prefix_other_tlv),
        cmocka_unit_test(test_every_prefix_sgn_headers),
        cmocka_unit_test(test_put_encodings),
        cmocka_unit_test(test_open_close_round_trip),
        cmocka_unit_test(test_value_too_long),
        cmocka_unit_test(test_close_bad_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
