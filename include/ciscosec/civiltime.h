/* SPDX-License-Identifier: MIT */
/* Dates of the proleptic Gregorian calendar, and times as RFC 3339 text:
 * the one home of this arithmetic for the library and the commands. */
#ifndef CISCOSEC_CIVILTIME_H
#define CISCOSEC_CIVILTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Days from 1970-01-01 to year-month-day (month 1 to 12), negative before
 * it (H. Hinnant's days_from_civil). */
int64_t cs_days_from_civil(int64_t year, int64_t month, int64_t day);

bool cs_is_leap_year(int64_t year);

/* "2026-01-02T03:04:05Z" (RFC 3339, UTC) into out (at least 32 bytes);
 * "@SECONDS" for a time gmtime cannot show. */
void cs_format_time(int64_t t, char *out, size_t size);

/* Parses an RFC 3339 time ("2030-01-01T00:00:00Z", "...+13:00", fractions
 * of a second ignored), a time without an offset (taken as UTC) or a bare
 * date (its midnight UTC) into seconds since 1970. */
bool cs_parse_time(const char *text, int64_t *out);

#endif
