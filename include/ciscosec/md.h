/* SPDX-License-Identifier: MIT */
/* The message digests by name (base layer): the codec names them in
 * headers, crypto computes them (crypto.h). */
#ifndef CISCOSEC_MD_H
#define CISCOSEC_MD_H

typedef enum cs_md { CS_MD_MD5, CS_MD_SHA1, CS_MD_SHA256, CS_MD_SHA384, CS_MD_SHA512 } cs_md;

#endif
