/* SPDX-License-Identifier: MIT */
/* Status codes and error messages shared by the whole library.
 *
 * The library never prints and never exits: every function that can fail
 * returns one of the status codes below and, on failure, leaves a one-line
 * description in a cs_error. The front end decides how to show it and which
 * exit status to use. */
#ifndef CISCOSEC_ERROR_H
#define CISCOSEC_ERROR_H

#include <stddef.h>

#if defined(__GNUC__)
#define CS_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define CS_PRINTF(fmt, args)
#endif

/* These double as the program's exit statuses (see README: Exit status). */
enum cs_status {
    CS_OK = 0,      /* success, or checked and valid */
    CS_INVALID = 1, /* checked and found invalid: a phone would reject it */
    CS_ERROR = 2    /* usage, I/O or format error */
};

typedef struct cs_error {
    char message[512];
} cs_error;

/* Records a message in err (which may be NULL) and returns status, so that
 * callers can write `return cs_fail(err, CS_ERROR, "...", ...);`. */
int cs_fail(cs_error *err, int status, const char *fmt, ...) CS_PRINTF(3, 4);

/* Puts "context: " in front of the message already in err. */
void cs_error_prefix(cs_error *err, const char *fmt, ...) CS_PRINTF(2, 3);

#endif
