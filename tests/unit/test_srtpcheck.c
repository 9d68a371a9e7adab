/* The SRTP checks (srtpcheck.h): libsrtp is loaded on demand, a missing
 * one is named in the error, and the checks pass with the system's. */
#include <string.h>

#include "ciscosec/srtpcheck.h"
#include "support.h"

static void test_missing_library(void **state)
{
    (void)state;
    cs_error err;
    assert_int_equal(cs_srtp_load("libsrtp2-not-installed.so.1", &err), CS_ERROR);
    assert_non_null(
        strstr(err.message, "cannot load the SRTP library libsrtp2-not-installed.so.1"));
    assert_non_null(strstr(err.message, "libsrtp2-1"));
    /* Not loaded: the version says so. */
    assert_non_null(strstr(cs_srtp_version(), "loaded on demand"));
}

static void test_not_a_libsrtp(void **state)
{
    (void)state;
    cs_error err;
    /* A library that loads but lacks the functions. */
    assert_int_equal(cs_srtp_load("libc.so.6", &err), CS_ERROR);
    assert_non_null(strstr(err.message, "libc.so.6 has no srtp_init: not a libsrtp 2"));
    assert_non_null(strstr(cs_srtp_version(), "loaded on demand"));
}

static void test_checks(void **state)
{
    (void)state;
    cs_srtp_result results[CS_SRTP_SUITE_COUNT];
    cs_error err;
    assert_int_equal(cs_srtp_check(results, &err), CS_OK);
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++)
        assert_true(results[i].ok);
    /* Loaded now: the library's own version string. */
    assert_int_equal(strncmp(cs_srtp_version(), "libsrtp2 2.", 11), 0);
    assert_null(strstr(cs_srtp_version(), "on demand"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_not_a_libsrtp),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
