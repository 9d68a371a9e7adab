/* SPDX-License-Identifier: MIT */
/* What the checks of the phone's rules share (phone.c, findings.c), private
 * to src/lib/phone*.c and findings.c. */
#ifndef CISCOSEC_LIB_PHONE_CHECKS_H
#define CISCOSEC_LIB_PHONE_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/crypto.h"
#include "ciscosec/phone.h"

/* CS_OK, or an out-of-memory error when a finding could not be recorded. */
int findings_status(const cs_findings *f, cs_error *err);

/* The record's role name, or "role N" in buf. */
const char *role_text(const cs_tl_record *rec, char *buf, size_t size);
/* The record's certificate, parsed; NULL when it has none or it is
 * unreadable (why, in err). */
cs_cert *record_cert(const cs_tl_record *rec, cs_error *err);
cs_key_type record_key_type(const cs_tl_record *rec);
/* A record naming hdr's signer in any role. */
const cs_tl_record *find_in_any_role(const cs_trustlist *tl, const cs_header *hdr);
size_t record_index(const cs_trustlist *tl, const cs_tl_record *rec);
bool same_certificate(const cs_tl_record *a, const cs_tl_record *b);
/* Whether the list is one HTTPS provisioning needs (version 1.1). */
bool is_https_list(const cs_trustlist *tl);

void check_validity(cs_findings *out, const char *file, const cs_cert *cert, const cs_cert_ref *ref,
                    int64_t now);
void check_key(cs_findings *out, const char *file, const cs_cert *cert, const cs_cert_ref *ref);
void check_names(cs_findings *out, const char *file, const cs_cert *cert, const cs_cert_ref *ref);
void check_header_nesting(cs_findings *out, const char *name, const cs_header *h);

#endif
