/* SPDX-License-Identifier: MIT */
/* Wiping memory that held a key or a password (base layer). */
#ifndef CISCOSEC_ZEROIZE_H
#define CISCOSEC_ZEROIZE_H

#include <stddef.h>

/* Overwrites memory in a way the compiler cannot drop. NULL or a zero
 * length is a no-op. */
void cs_zeroize(void *p, size_t len);

#endif
