/* SPDX-License-Identifier: MIT */
#include "ciscosec/civiltime.h"

#include <stdio.h>
#include <time.h>

int64_t cs_days_from_civil(int64_t year, int64_t month, int64_t day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool cs_is_leap_year(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

void cs_format_time(int64_t t, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (gmtime_r(&tt, &tm) == NULL || strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, size, "@%lld", (long long)t);
}

/* n decimal digits at *p into *out. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* "Z", "+HH:MM" or "-HH:MM" (or nothing: UTC) into seconds east of UTC. */
static bool parse_offset(const char **p, int *offset)
{
    *offset = 0;
    if (**p == '\0')
        return true;
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return true;
    }
    int sign = **p == '+' ? 1 : **p == '-' ? -1 : 0, hh, mm;
    if (sign == 0)
        return false;
    (*p)++;
    if (!digits(p, 2, &hh) || !expect(p, ':') || !digits(p, 2, &mm) || hh > 23 || mm > 59)
        return false;
    *offset = sign * (hh * 3600 + mm * 60);
    return true;
}

bool cs_parse_time(const char *text, int64_t *out)
{
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, offset = 0;
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] + (mo == 2 && cs_is_leap_year(y)))
        return false;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
            !digits(&p, 2, &s) || h > 23 || mi > 59 || s > 60)
            return false;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (!parse_offset(&p, &offset))
            return false;
    }
    if (*p != '\0')
        return false;
    *out = cs_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
    return true;
}
