/* SPDX-License-Identifier: MIT */
#include "ciscosec/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int cs_fail(cs_error *err, int status, const char *fmt, ...)
{
    if (err != NULL) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
    }
    return status;
}

void cs_error_prefix(cs_error *err, const char *fmt, ...)
{
    if (err == NULL)
        return;
    char prefix[sizeof err->message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);

    /* Truncation is fine: a message is for people, and stays terminated. */
    char joined[2 * sizeof err->message + 2];
    snprintf(joined, sizeof joined, "%s: %s", prefix, err->message);
    snprintf(err->message, sizeof err->message, "%.*s", (int)sizeof err->message - 1, joined);
}
