/* SPDX-License-Identifier: MIT */
/* The XML module when expat is missing: this test builds src/lib/xml.c
 * again, told to load an expat that is not installed (tests/CMakeLists.txt),
 * as a system without libexpat1 would run it. A parse fails with one line
 * that names the library, its soname and its Debian package, returns no
 * document and allocates nothing; the version stays the built-against one;
 * and a second parse fails the same way. */
#include <string.h>

#include "ciscosec/xml.h"
#include "support.h"

static void test_parse_names_the_missing_library(void **state)
{
    (void)state;
    static const uint8_t xml[] = "<device><a>b</a></device>";
    size_t allocated, wiped;
    cs_xml_memory_counts(&allocated, &wiped);
    for (int attempt = 0; attempt < 2; attempt++) {
        cs_xml_doc *doc = (cs_xml_doc *)&doc; /* not NULL: the parse must clear it */
        cs_error err;
        assert_int_equal(cs_xml_parse_config(xml, sizeof xml - 1, &doc, &err), CS_ERROR);
        assert_null(doc);
        assert_non_null(strstr(err.message, "cannot load expat from " CISCOSEC_EXPAT_SONAME " ("));
        assert_non_null(strstr(err.message, "install it (Debian package " CISCOSEC_EXPAT_PACKAGE
                                            ") to read XML"));
        assert_null(strchr(err.message, '\n'));
    }
    size_t allocated_after, wiped_after;
    cs_xml_memory_counts(&allocated_after, &wiped_after);
    assert_int_equal(allocated_after, allocated);
    assert_int_equal(wiped_after, wiped);
    assert_non_null(strstr(cs_xml_version(), " (built against; loaded on demand)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_names_the_missing_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
