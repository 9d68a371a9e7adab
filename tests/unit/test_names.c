/* SPDX-License-Identifier: MIT */
/* Distinguished names as the Cisco files write them (formats.md §5). */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/names.h"

/* --- attribute keys ---------------------------------------------------- */

static void expect_key(const uint8_t *oid, size_t len, const char *want)
{
    char out[128];
    memset(out, 'Z', sizeof out);
    cs_dn_key(oid, len, out, sizeof out);
    assert_string_equal(out, want);
}

#define KEY(want, ...)                                                                             \
    do {                                                                                           \
        static const uint8_t oid[] = {__VA_ARGS__};                                                \
        expect_key(oid, sizeof oid, want);                                                         \
    } while (0)

static void test_known_keys(void **state)
{
    (void)state;
    KEY("CN", 0x55, 0x04, 0x03);
    KEY("O", 0x55, 0x04, 0x0A);
    KEY("OU", 0x55, 0x04, 0x0B);
    KEY("L", 0x55, 0x04, 0x07);
    KEY("ST", 0x55, 0x04, 0x08);
    KEY("C", 0x55, 0x04, 0x06);
    KEY("STREET", 0x55, 0x04, 0x09);
    KEY("DC", 0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x19);
    KEY("UID", 0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x01);
}

static void test_dotted_fallback(void **state)
{
    (void)state;
    KEY("1.2.840.113549.1.9.1", 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01);
    KEY("2.5.4.5", 0x55, 0x04, 0x05);         /* serialNumber */
    KEY("2.5.4.12", 0x55, 0x04, 0x0C);        /* title */
    KEY("2.5.4.42", 0x55, 0x04, 0x2A);        /* givenName */
    KEY("2.5.4.3.0", 0x55, 0x04, 0x03, 0x00); /* CN's OID is a prefix only */
    KEY("2.5.4", 0x55, 0x04);
    KEY("0.9.2342.19200300.100.1.3", 0x09, 0x92, 0x26, 0x89, 0x93, 0xF2, 0x2C, 0x64, 0x01, 0x03);
    KEY("2.999.3", 0x88, 0x37, 0x03); /* first byte over 80 */
    KEY("1.3", 0x2B);
    KEY("0.0", 0x00);
    /* A last arc still open (continuation bit) is left out, not misread. */
    KEY("2.5.4", 0x55, 0x04, 0x83);
    expect_key(NULL, 0, "");
}

static void test_key_truncation(void **state)
{
    (void)state;
    static const uint8_t email[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x01};
    /* A guard after the small buffer shows any write past out_size. */
    char out[16];
    for (size_t size = 1; size < 12; size++) {
        memset(out, '#', sizeof out);
        cs_dn_key(email, sizeof email, out, size);
        assert_true(strlen(out) < size);
        assert_int_equal(strncmp(out, "1.2.840.113549", strlen(out)), 0);
        for (size_t k = size; k < sizeof out; k++)
            assert_int_equal(out[k], '#');
    }
    memset(out, '#', sizeof out);
    static const uint8_t cn[] = {0x55, 0x04, 0x03};
    cs_dn_key(cn, sizeof cn, out, 2);
    assert_string_equal(out, "C");
    assert_int_equal(out[2], '#');

    /* Arcs too large for 64 bits end with "...". */
    static const uint8_t huge[] = {0x2A, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
                                   0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F};
    char text[64];
    cs_dn_key(huge, sizeof huge, text, sizeof text);
    assert_string_equal(text, "1.2...");
}

/* --- values ------------------------------------------------------------ */

static void expect_dn(int tag, const void *value, size_t len, const char *want)
{
    cs_buf b = CS_BUF_INIT;
    uint8_t *copy = test_exact_copy(value, len);
    cs_dn_append(&b, "K", tag, copy, len);
    free(copy);
    assert_false(b.failed);
    if (strcmp(cs_buf_str(&b), want) != 0)
        fail_msg("got '%s', expected '%s'", cs_buf_str(&b), want);
    cs_buf_release(&b);
}

#define UTF8(text, want) expect_dn(CS_ASN1_UTF8_STRING, text, sizeof text - 1, want)

static void test_escaping(void **state)
{
    (void)state;
    UTF8("plain", "K=plain");
    UTF8("", "K=");
    UTF8("a\\b", "K=a\\\\b");
    UTF8("say \"hi\"", "K=say \\\"hi\\\"");
    UTF8("a+b", "K=a\\+b");
    UTF8("Example, Ltd.", "K=Example\\, Ltd.");
    UTF8("a;b", "K=a\\;b");
    UTF8("<tag>", "K=\\<tag\\>");
    UTF8("\\\"+,;<>", "K=\\\\\\\"\\+\\,\\;\\<\\>");
    /* '#' only at the start, spaces only at either end. */
    UTF8("#1", "K=\\#1");
    UTF8("a#1", "K=a#1");
    UTF8("##", "K=\\##");
    UTF8(" lead", "K=\\ lead");
    UTF8("trail ", "K=trail\\ ");
    UTF8("in side", "K=in side");
    UTF8(" ", "K=\\ ");
    UTF8("  ", "K=\\ \\ ");
    UTF8("   ", "K=\\  \\ ");
    UTF8(" # ", "K=\\ #\\ ");
    /* What §5 does not list stays as it is. */
    UTF8("a=b/c'd", "K=a=b/c'd");
    UTF8("caf\xC3\xA9", "K=caf\xC3\xA9");
    /* Other string types (PrintableString 0x13, IA5String 0x16) as is. */
    expect_dn(0x13, "Lab", 3, "K=Lab");
    expect_dn(0x16, "a@b,c", 5, "K=a@b\\,c");
}

static void test_joining(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;
    cs_dn_append(&b, "CN", CS_ASN1_UTF8_STRING, (const uint8_t *)"SAST", 4);
    cs_dn_append(&b, "O", CS_ASN1_UTF8_STRING, (const uint8_t *)"SAST", 4);
    cs_dn_append(&b, "OU", CS_ASN1_UTF8_STRING, (const uint8_t *)"", 0);
    cs_dn_append(&b, "2.5.4.5", 0x13, (const uint8_t *)"1", 1);
    assert_string_equal(cs_buf_str(&b), "CN=SAST,O=SAST,OU=,2.5.4.5=1");
    cs_buf_release(&b);
}

static void test_bmp_string(void **state)
{
    (void)state;
    /* "Aé€" */
    static const uint8_t bmp[] = {0x00, 0x41, 0x00, 0xE9, 0x20, 0xAC};
    expect_dn(CS_ASN1_BMP_STRING, bmp, sizeof bmp, "K=A\xC3\xA9\xE2\x82\xAC");
    /* Escaping applies to the decoded text. */
    static const uint8_t special[] = {0x00, 0x20, 0x00, 0x2C, 0x00, 0x20};
    expect_dn(CS_ASN1_BMP_STRING, special, sizeof special, "K=\\ \\,\\ ");
    static const uint8_t hash[] = {0x00, 0x23, 0x00, 0x31};
    expect_dn(CS_ASN1_BMP_STRING, hash, sizeof hash, "K=\\#1");
    /* A trailing odd byte is not half a character. */
    static const uint8_t odd[] = {0x00, 0x41, 0x00};
    expect_dn(CS_ASN1_BMP_STRING, odd, sizeof odd, "K=A");
    static const uint8_t edge[] = {0x00, 0x7F, 0x00, 0x80, 0x07, 0xFF, 0x08, 0x00, 0xFF, 0xFF};
    expect_dn(CS_ASN1_BMP_STRING, edge, sizeof edge,
              "K=\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
}

static void test_universal_string(void **state)
{
    (void)state;
    /* U+1F600, U+10FFFF, "A" */
    static const uint8_t ucs4[] = {0x00, 0x01, 0xF6, 0x00, 0x00, 0x10,
                                   0xFF, 0xFF, 0x00, 0x00, 0x00, 0x41};
    expect_dn(CS_ASN1_UNIVERSAL_STRING, ucs4, sizeof ucs4,
              "K=\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF"
              "A");
    /* Beyond Unicode: the replacement character, as valid UTF-8. */
    static const uint8_t bad[] = {0x00, 0x11, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF};
    expect_dn(CS_ASN1_UNIVERSAL_STRING, bad, sizeof bad, "K=\xEF\xBF\xBD\xEF\xBF\xBD");
    static const uint8_t short_unit[] = {0x00, 0x00, 0x00};
    expect_dn(CS_ASN1_UNIVERSAL_STRING, short_unit, sizeof short_unit, "K=");
}

/* --- names from real certificates -------------------------------------- */

static void expect_names(const char *file, const char *subject, const char *issuer)
{
    cs_cert *cert;
    cs_error err;
    if (cs_cert_load_file(test_data_path(file), &cert, &err) != CS_OK)
        fail_msg("%s: %s", file, err.message);
    cs_buf s = CS_BUF_INIT, i = CS_BUF_INIT;
    assert_int_equal(cs_cert_subject(cert, &s, &err), CS_OK);
    assert_int_equal(cs_cert_issuer(cert, &i, &err), CS_OK);
    assert_string_equal(cs_buf_str(&s), subject);
    assert_string_equal(cs_buf_str(&i), issuer);
    cs_buf_release(&s);
    cs_buf_release(&i);
    cs_cert_free(cert);
}

static void test_vector_names(void **state)
{
    (void)state;
    static const struct {
        const char *file, *name;
    } certs[] = {
        {"vectors/signer1024.pem",
         "CN=Signer 1024,O=Example\\, Ltd.,OU=Lab,L=Wellington,ST=WGN,C=NZ"},
        {"vectors/signer4096.pem", "CN=Signer 4096,O=Example,OU=Lab"},
        {"vectors/sast.pem", "CN=SAST,O=SAST,OU=SAST"},
        {"vectors/sast2.pem", "CN=SAST-Recovery,O=SAST,OU=Recovery"},
        {"vectors/asterisk.pem", "CN=Asterisk,O=Asterisk,OU=Asterisk"},
        {"vectors/apache.pem", "CN=Apache,O=Apache,OU=Apache"},
        {"vectors/apache-ec.pem", "CN=Apache-EC,O=Apache-EC,OU=Asterisk-EC"},
        {"vectors/tvs-ec256.pem", "CN=TVS,O=TVS,OU=TVS"},
        {"vectors/device.pem", "CN=SEP58971ECC97C1,O=Cisco,OU=Phone"},
    };
    for (size_t i = 0; i < sizeof certs / sizeof certs[0]; i++)
        expect_names(certs[i].file, certs[i].name, certs[i].name);
}

/* A certificate made by OpenSSL with every awkward attribute (see
 * tests/data/keys/README.md): T61String, BMPString, IA5String and
 * PrintableString values, dotted keys, all the escapes. */
static void test_awkward_certificate(void **state)
{
    (void)state;
    const char *name = "CN=\\#hash lead,"
                       "O=Quote\\\" back\\\\slash \\<angle\\> semi\\;colon\\+plus\\,comma,"
                       "OU=Euro \xE2\x82\xAC sign,"
                       "1.2.840.113549.1.9.1=admin@example.com,"
                       "2.5.4.5=12345,"
                       "2.5.4.12=Trailing space\\ ,"
                       "L=\\ Lead space";
    expect_names("keys/names-cert.pem", name, name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_keys),
        cmocka_unit_test(test_dotted_fallback),
        cmocka_unit_test(test_key_truncation),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_joining),
        cmocka_unit_test(test_bmp_string),
        cmocka_unit_test(test_universal_string),
        cmocka_unit_test(test_vector_names),
        cmocka_unit_test(test_awkward_certificate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
