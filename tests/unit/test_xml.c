/* SPDX-License-Identifier: MIT */
/* The XML module (xml.h): the rules every configuration is read under,
 * the wiping allocator on every path that reads one (encryption's
 * companion and verify tftpboot), and the companion written byte for
 * byte as libxml2 wrote it (tests/data/xml). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ciscosec/encconfig.h"
#include "ciscosec/phone.h"
#include "ciscosec/xml.h"
#include "support.h"

static int parse(const char *xml, cs_xml_doc **doc, cs_error *err)
{
    size_t len = strlen(xml);
    uint8_t *copy = test_exact_copy((const uint8_t *)xml, len);
    int rc = cs_xml_parse_config(copy, len, doc, err);
    free(copy);
    return rc;
}

static void test_rules(void **state)
{
    (void)state;
    static const struct {
        const char *xml;
        const char *message;
    } refused[] = {
        {"", "not well-formed XML: line 1:"},
        {"<device><a></b></device>", "not well-formed XML: line 1: mismatched tag"},
        {"<device/>trailing", "not well-formed"},
        {"<device>&undeclared;</device>", "not well-formed"},
        {"<phone/>", "the root element is <phone>, not <device>"},
        {"<!DOCTYPE device><device/>", "DOCTYPE"},
        {"<!DOCTYPE device [<!ENTITY a \"x\">]><device>&a;</device>", "DOCTYPE"},
        {"<!DOCTYPE device SYSTEM \"http://127.0.0.1:1/d.dtd\"><device/>", "DOCTYPE"},
        {"<?xml version=\"1.0\" encoding=\"EBCDIC-US\"?><device/>", "not well-formed"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cs_xml_doc *doc = (cs_xml_doc *)&doc; /* set to NULL on failure */
        cs_error err;
        assert_int_equal(parse(refused[i].xml, &doc, &err), CS_ERROR);
        assert_null(doc);
        if (strstr(err.message, refused[i].message) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err.message, refused[i].message);
    }

    /* 256 levels are the limit, as in libxml2. */
    cs_buf deep = CS_BUF_INIT;
    for (int i = 0; i < 300; i++)
        cs_buf_append_cstr(&deep, i == 0 ? "<device>" : "<a>");
    cs_xml_doc *doc = NULL;
    cs_error err;
    assert_int_equal(cs_xml_parse_config(deep.data, deep.len, &doc, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "deeper than 256"));
    cs_buf_release(&deep);
}

static void test_find_and_text(void **state)
{
    (void)state;
    cs_xml_doc *doc = NULL;
    cs_error err;
    assert_int_equal(parse("<device><a><b> one <![CDATA[&two]]><c>3</c>\n</b></a>"
                           "<b>second</b><capfList/></device>",
                           &doc, &err),
                     CS_OK);
    const cs_xml_node *root = cs_xml_root(doc);
    assert_string_equal(root->name, "device");
    const cs_xml_node *b = cs_xml_find(root, "b");
    assert_non_null(b);
    char text[16];
    cs_xml_text(b, text, sizeof text);
    assert_string_equal(text, "one &two3");
    cs_xml_text(b, text, 5); /* cut to fit */
    assert_string_equal(text, "one ");
    assert_null(cs_xml_find(root, "device")); /* descendants only */
    assert_null(cs_xml_find(root, "missing"));
    assert_non_null(cs_xml_find(root, "capfList"));
    cs_xml_free(doc);
}

/* Every block the parser and the tree took has been wiped on its way back:
 * and some were taken, so the document went through the module. */
typedef struct counts {
    size_t allocated, wiped;
} counts;

static counts counts_now(void)
{
    counts c;
    cs_xml_memory_counts(&c.allocated, &c.wiped);
    return c;
}

static void assert_all_wiped(counts before, size_t at_least)
{
    counts after = counts_now();
    size_t allocated = after.allocated - before.allocated;
    size_t wiped = after.wiped - before.wiped;
    if (allocated < at_least)
        fail_msg("%zu blocks from the wiping allocator: the XML was read some other way",
                 allocated);
    assert_int_equal(wiped, allocated);
}

static void test_companion_wipes(void **state)
{
    (void)state;
    static const char xml[] = "<device><sshPassword>hunter2</sshPassword>"
                              "<capfList><capf><phonePort>3804</phonePort></capf></capfList>"
                              "</device>";
    cs_cert *device = test_load_cert("vectors/device.pem");
    counts before = counts_now();
    cs_buf out = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_enc_companion_body((const uint8_t *)xml, strlen(xml), device, &out, &err),
                     CS_OK);
    assert_all_wiped(before, 10);
    assert_null(strstr(cs_buf_str(&out), "hunter2"));
    cs_buf_release(&out);
    cs_cert_free(device);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* verify tftpboot reads each phone's configuration, passwords and all:
 * through the same module and allocator (issue 12: it did not). */
static void test_tftpboot_wipes(void **state)
{
    (void)state;
    char dir[] = "/tmp/ciscosec-test-xml.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[sizeof dir + 32];
    snprintf(path, sizeof path, "%s/SEP001122334455.cnf.xml", dir);
    write_text(path, "<device><deviceSecurityMode>1</deviceSecurityMode>"
                     "<sshPassword>hunter2</sshPassword></device>");
    counts before = counts_now();
    cs_findings f;
    cs_findings_init(&f);
    cs_tftpboot_counts n;
    cs_error err;
    assert_int_equal(cs_phone_check_tftpboot(dir, 1767225600, &f, &n, &err), CS_OK);
    assert_int_equal(n.configs, 1);
    assert_all_wiped(before, 10);
    cs_findings_release(&f);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

static bool has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n > k && strcmp(name + n - k, suffix) == 0;
}

static bool is_input(const char *name)
{
    return has_suffix(name, ".xml") && !has_suffix(name, ".companion.xml");
}

static void test_companions_as_libxml2_wrote_them(void **state)
{
    (void)state;
    cs_cert *device = test_load_cert("vectors/device.pem");
    DIR *d = opendir(test_data_path("xml"));
    assert_non_null(d);
    size_t checked = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!is_input(e->d_name))
            continue;
        char name[300], want_name[320];
        snprintf(name, sizeof name, "xml/%s", e->d_name);
        snprintf(want_name, sizeof want_name, "xml/%.*s.companion.xml",
                 (int)(strlen(e->d_name) - 4), e->d_name);
        cs_buf in = CS_BUF_INIT, want = CS_BUF_INIT, got = CS_BUF_INIT;
        test_read_data(name, &in);
        test_read_data(want_name, &want);
        uint8_t *copy = test_exact_copy(in.data, in.len);
        cs_error err;
        if (cs_enc_companion_body(copy, in.len, device, &got, &err) != CS_OK)
            fail_msg("%s: %s", name, err.message);
        if (got.len != want.len || memcmp(got.data, want.data, got.len) != 0)
            fail_msg("%s: the companion differs from libxml2's:\n%.*s", name, (int)got.len,
                     (const char *)got.data);
        free(copy);
        cs_buf_release(&in);
        cs_buf_release(&want);
        cs_buf_release(&got);
        checked++;
    }
    closedir(d);
    cs_cert_free(device);
    assert_true(checked >= 30);
}

/* Run first: no parse has loaded expat yet, and the version is the one
 * built against. */
static void test_version_before_parse(void **state)
{
    (void)state;
    assert_int_equal(strncmp(cs_xml_version(), "expat 2.", 8), 0);
    assert_non_null(strstr(cs_xml_version(), " (built against; loaded on demand)"));
}

/* Run last: the parses loaded it, and the version is the loaded one's. */
static void test_version(void **state)
{
    (void)state;
    assert_int_equal(strncmp(cs_xml_version(), "expat 2.", 8), 0);
    assert_null(strstr(cs_xml_version(), "on demand"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_before_parse),
        cmocka_unit_test(test_rules),
        cmocka_unit_test(test_find_and_text),
        cmocka_unit_test(test_companion_wipes),
        cmocka_unit_test(test_tftpboot_wipes),
        cmocka_unit_test(test_companions_as_libxml2_wrote_them),
        cmocka_unit_test(test_version),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
