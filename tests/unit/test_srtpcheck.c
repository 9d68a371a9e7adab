/* SPDX-License-Identifier: MIT */
/* The SRTP checks (srtpcheck.h): libsrtp is loaded on demand, by the first
 * check, and the checks pass with the system's. */
#include <string.h>

#include "ciscosec/srtpcheck.h"
#include "support.h"

/* Before the first check, nothing is loaded: the version says so. (A
 * missing library or function: test_dynlib, with the same loader.) */
static void test_not_loaded_before_use(void **state)
{
    (void)state;
    assert_non_null(strstr(cs_srtp_version(), "(built against; loaded on demand)"));
    assert_int_equal(strncmp(cs_srtp_version(), "libsrtp2 2.", 11), 0);
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
        cmocka_unit_test(test_not_loaded_before_use),
        cmocka_unit_test(test_checks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
