/* SPDX-License-Identifier: MIT */
/* Distinguished names as the Cisco files write them (formats.md §5):
 * each attribute in certificate order as KEY=value, joined by ','. */
#ifndef CISCOSEC_NAMES_H
#define CISCOSEC_NAMES_H

#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"

/* The short name for a DER-encoded attribute OID (CN, O, OU, L, ST, C,
 * STREET, DC, UID), or its dotted form ("1.2.840.113549.1.9.1"). */
void cs_dn_key(const uint8_t *oid, size_t oid_len, char *out, size_t out_size);

/* ASN.1 string tags the value may come in; BMPString and UniversalString
 * are converted to UTF-8, everything else is taken as it is. */
enum { CS_ASN1_UTF8_STRING = 0x0C, CS_ASN1_UNIVERSAL_STRING = 0x1C, CS_ASN1_BMP_STRING = 0x1E };

/* Appends ",KEY=value" (no comma for the first attribute, when buf is
 * empty) with the value escaped as §5 says. */
void cs_dn_append(cs_buf *buf, const char *key, int value_tag, const uint8_t *value,
                  size_t value_len);

/* A certificate's subject and issuer in the Cisco string form, appended
 * to out with a terminating NUL (use cs_buf_str). */
int cs_cert_subject(const cs_cert *cert, cs_buf *out, cs_error *err);
int cs_cert_issuer(const cs_cert *cert, cs_buf *out, cs_error *err);

#endif
