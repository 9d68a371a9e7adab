/* SPDX-License-Identifier: MIT */
/* The JSON reports' building blocks (src/json.c): text from a file's bytes
 * under the one UTF-8 rule (jansson's too), hex, times, the header object and the
 * document written on stdout. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"

/* json_text(bytes) must be the string `want`. */
static void expect_text(const char *bytes, size_t len, const char *want)
{
    json_t *s = json_text((cs_bytes){(const uint8_t *)bytes, len});
    assert_non_null(s);
    assert_int_equal(json_string_length(s), strlen(want));
    assert_memory_equal(json_string_value(s), want, strlen(want));
    json_decref(s);
}

#define FFFD "\xEF\xBF\xBD"

static void test_text_keeps_valid_utf8(void **state)
{
    (void)state;
    expect_text("", 0, "");
    expect_text("CN=SAST,O=SAST", 14, "CN=SAST,O=SAST");
    expect_text("caf\xC3\xA9", 5, "caf\xC3\xA9");           /* U+00E9 */
    expect_text("\xE2\x82\xAC", 3, "\xE2\x82\xAC");         /* U+20AC */
    expect_text("\xF0\x9F\x98\x80", 4, "\xF0\x9F\x98\x80"); /* U+1F600 */
    expect_text("\xF4\x8F\xBF\xBF", 4, "\xF4\x8F\xBF\xBF"); /* U+10FFFF */
    expect_text("\xEF\xBF\xBD", 3, FFFD);                   /* U+FFFD itself */
}

/* What jansson refuses is replaced byte by byte, and the rest of the text
 * kept: before, the first three were let through whole and the string came
 * out empty. */
static void test_text_replaces_what_jansson_refuses(void **state)
{
    (void)state;
    expect_text("a\xED\xA0\x80z", 5, "a" FFFD FFFD FFFD "z");          /* surrogate U+D800 */
    expect_text("a\xF4\x90\x80\x80z", 6, "a" FFFD FFFD FFFD FFFD "z"); /* U+110000 */
    expect_text("a\xE0\x80\xAFz", 5, "a" FFFD FFFD FFFD "z");          /* overlong '/' */
    expect_text("a\xC0\xAFz", 4, "a" FFFD FFFD "z");                   /* overlong '/' */
    expect_text("a\xF0\x80\x80\xAFz", 6, "a" FFFD FFFD FFFD FFFD "z"); /* overlong */
    expect_text("a\xF8\x88\x80\x80\x80z", 7, "a" FFFD FFFD FFFD FFFD FFFD "z");
    expect_text("a\x80z", 3, "a" FFFD "z");     /* lone continuation */
    expect_text("a\xE2\x82", 3, "a" FFFD FFFD); /* cut short */
    expect_text("a\xE2\x82z", 4, "a" FFFD FFFD "z");
    expect_text("a\0z", 3, "a" FFFD "z"); /* NUL */
    expect_text("\xFF\xFE", 2, FFFD FFFD);
}

/* The library's UTF-8 rule is jansson's: every lead byte followed by
 * bytes from each range that matters, 1 to 4 bytes long. */
static void test_utf8_rule_is_janssons(void **state)
{
    (void)state;
    static const uint8_t tails[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90,
                                    0x9F, 0xA0, 0xBF, 0xC0, 0xF4, 0xFF};
    const size_t nt = sizeof tails;
    size_t checked = 0;
    for (unsigned lead = 0; lead < 256; lead++) {
        for (size_t a = 0; a < nt; a++) {
            for (size_t b = 0; b < nt; b++) {
                for (size_t c = 0; c < nt; c++) {
                    const uint8_t seq[4] = {(uint8_t)lead, tails[a], tails[b], tails[c]};
                    for (size_t len = 1; len <= 4; len++) {
                        json_t *s = json_stringn((const char *)seq, len);
                        bool jansson = s != NULL;
                        json_decref(s);
                        if (cs_utf8_valid(seq, len) != jansson)
                            fail_msg("%02x %02x %02x %02x (%zu bytes): jansson %s it", seq[0],
                                     seq[1], seq[2], seq[3], len, jansson ? "takes" : "refuses");
                        checked++;
                    }
                }
            }
        }
    }
    assert_int_equal(checked, 256 * 12 * 12 * 12 * 4);
}

static void test_hex_and_time(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {0x00, 0xAB, 0x7F};
    json_t *h = json_hex((cs_bytes){bytes, sizeof bytes});
    assert_string_equal(json_string_value(h), "00ab7f");
    json_decref(h);
    h = json_hex((cs_bytes){NULL, 0});
    assert_string_equal(json_string_value(h), "");
    json_decref(h);
    json_t *t = json_time(1767323045u);
    assert_string_equal(json_string_value(t), "2026-01-02T03:04:05Z");
    json_decref(t);
    t = json_time(0);
    assert_string_equal(json_string_value(t), "1970-01-01T00:00:00Z");
    json_decref(t);
}

static void test_header_object(void **state)
{
    (void)state;
    cs_buf file = CS_BUF_INIT;
    cs_header h;
    test_read_header("vectors/SEP58971ECC97C1.cnf.xml.enc.sgn", &file, &h);
    json_t *o = json_header(&h);
    assert_string_equal(json_string_value(json_object_get(o, "version")), "2.0");
    assert_int_equal(json_integer_value(json_object_get(o, "header_length")), 764);
    assert_null(json_object_get(o, "signer_version"));
    assert_string_equal(json_string_value(json_object_get(o, "signer_name")),
                        "CN=Asterisk,O=Asterisk,OU=Asterisk");
    assert_string_equal(json_string_value(json_object_get(o, "serial_number")),
                        "eaf13142ea6588df52f9afec4d5f33b6");
    assert_string_equal(json_string_value(json_object_get(o, "digest_algorithm")), "SHA1");
    assert_int_equal(json_integer_value(json_object_get(o, "signature_length")), 256);
    assert_string_equal(json_string_value(json_object_get(o, "timestamp")), "2026-01-02T03:04:05Z");
    json_t *e = json_object_get(o, "encryption");
    assert_int_equal(json_integer_value(json_object_get(e, "key_bits")), 2048);
    assert_int_equal(json_integer_value(json_object_get(e, "padding_count")), 12);
    assert_string_equal(json_string_value(json_object_get(e, "digest")),
                        "a248ca7bcf8b042a7d93ec606db8a0a74003b809");
    /* An unknown digest code is shown by its number. */
    h.digest_code = 9;
    json_decref(o);
    o = json_header(&h);
    assert_int_equal(json_integer_value(json_object_get(o, "digest_algorithm")), 9);
    json_decref(o);
    cs_buf_release(&file);
}

static void test_report_emitted(void **state)
{
    (void)state;
    const cli_ctx cli = {"ciscosec sgn", false};
    json_t *r = json_report_new("sgn parse", "a\xFF.sgn");
    json_object_set_new(r, "n", json_integer(1));
    test_capture c;
    test_capture_start(&c, 1);
    assert_int_equal(json_emit(r, &cli), CS_OK);
    char *out = test_capture_stop(&c);
    assert_string_equal(out, "{\n  \"schema_version\": 1,\n  \"command\": \"sgn parse\",\n"
                             "  \"file\": \"a" FFFD ".sgn\",\n  \"n\": 1\n}\n");
    free(out);
    r = json_report_new("verify srtp", NULL);
    assert_null(json_object_get(r, "file"));
    json_decref(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_keeps_valid_utf8),
        cmocka_unit_test(test_text_replaces_what_jansson_refuses),
        cmocka_unit_test(test_utf8_rule_is_janssons),
        cmocka_unit_test(test_hex_and_time),
        cmocka_unit_test(test_header_object),
        cmocka_unit_test(test_report_emitted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
