/* SPDX-License-Identifier: MIT */
/* Calendar arithmetic and RFC 3339 text (include/ciscosec/civiltime.h),
 * checked against gmtime over four centuries of first days of months and
 * the dates calendars get wrong. */
#include "support.h"

#include <string.h>
#include <time.h>

#include "ciscosec/civiltime.h"

static void test_days_match_gmtime(void **state)
{
    (void)state;
    for (int64_t year = 1800; year <= 2400; year++) {
        for (int64_t month = 1; month <= 12; month++) {
            int64_t t = cs_days_from_civil(year, month, 1) * 86400;
            time_t tt = (time_t)t;
            struct tm tm;
            assert_non_null(gmtime_r(&tt, &tm));
            assert_int_equal(tm.tm_year + 1900, year);
            assert_int_equal(tm.tm_mon + 1, month);
            assert_int_equal(tm.tm_mday, 1);
        }
    }
    assert_int_equal(cs_days_from_civil(1970, 1, 1), 0);
    assert_int_equal(cs_days_from_civil(1969, 12, 31), -1);
    assert_int_equal(cs_days_from_civil(2000, 3, 1) - cs_days_from_civil(2000, 2, 28), 2);
    assert_int_equal(cs_days_from_civil(2100, 3, 1) - cs_days_from_civil(2100, 2, 28), 1);
}

static void test_leap_years(void **state)
{
    (void)state;
    assert_true(cs_is_leap_year(2000));
    assert_true(cs_is_leap_year(2024));
    assert_false(cs_is_leap_year(1900));
    assert_false(cs_is_leap_year(2100));
    assert_false(cs_is_leap_year(2026));
    assert_true(cs_is_leap_year(-4));
}

static void test_format_time(void **state)
{
    (void)state;
    char text[32];
    cs_format_time(1767323045, text, sizeof text);
    assert_string_equal(text, "2026-01-02T03:04:05Z");
    cs_format_time(0, text, sizeof text);
    assert_string_equal(text, "1970-01-01T00:00:00Z");
    cs_format_time(-1, text, sizeof text);
    assert_string_equal(text, "1969-12-31T23:59:59Z");
    cs_format_time(INT64_MAX, text, sizeof text);
    assert_string_equal(text, "@9223372036854775807");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days_match_gmtime),
        cmocka_unit_test(test_leap_years),
        cmocka_unit_test(test_format_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
