/* SPDX-License-Identifier: MIT */
/* Checks of the SRTP library (libsrtp 2) that the PBX uses for the media
 * of encrypted calls: can it run each crypto suite Cisco phones offer?
 *
 * For each suite: a sending and a receiving session with the same master
 * key; an RTP and an RTCP packet protected, then unprotected back to the
 * original; and a protected packet with one byte changed, which must be
 * refused. A suite that libsrtp was built without (the GCM ones need a
 * crypto backend such as OpenSSL or NSS) fails at session creation.
 *
 * libsrtp is loaded on demand (dynlib.h), by the first check: no other
 * command loads it, and a system without it runs every other command. */
#ifndef CISCOSEC_SRTPCHECK_H
#define CISCOSEC_SRTPCHECK_H

#include <stdbool.h>

#include "ciscosec/error.h"

/* AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM,
 * AEAD_AES_256_GCM, in that order. */
#define CS_SRTP_SUITE_COUNT 4

typedef struct cs_srtp_result {
    const char *suite; /* "AES_CM_128_HMAC_SHA1_80" */
    bool ok;
    char detail[160]; /* what failed; empty when ok */
} cs_srtp_result;

/* "libsrtp2 2.5.0": the version of the libsrtp in use, once loaded; before,
 * the version built against, saying it loads on demand. */
const char *cs_srtp_version(void);

/* Loads libsrtp (the soname built against, through dynlib.h) and checks
 * every suite into results. CS_OK when all work, CS_INVALID when any does
 * not, CS_ERROR when libsrtp cannot be loaded (the message names it and
 * its Debian package) or initialised at all. */
int cs_srtp_check(cs_srtp_result results[CS_SRTP_SUITE_COUNT], cs_error *err);

#endif
