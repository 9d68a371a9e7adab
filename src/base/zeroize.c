/* SPDX-License-Identifier: MIT */
/* glibc declares explicit_bzero only with _DEFAULT_SOURCE; the build asks
 * for plain POSIX everywhere else. */
#define _DEFAULT_SOURCE 1

#include "ciscosec/zeroize.h"

#include <string.h>

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 25))
#define HAVE_EXPLICIT_BZERO 1
#endif

#ifndef HAVE_EXPLICIT_BZERO
/* Called through a volatile pointer, so the compiler cannot know it is
 * memset and cannot drop a store that nothing reads afterwards. */
static void *(*const volatile wipe)(void *, int, size_t) = memset;
#endif

void cs_zeroize(void *p, size_t len)
{
    if (p == NULL || len == 0)
        return;
#ifdef HAVE_EXPLICIT_BZERO
    explicit_bzero(p, len);
#else
    wipe(p, 0, len);
#endif
}
