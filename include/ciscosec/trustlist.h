/* SPDX-License-Identifier: MIT */
/* Trust lists: ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv (formats.md §3).
 *
 * The body is a run of records, each a sequence of elements that starts
 * with its own length. */
#ifndef CISCOSEC_TRUSTLIST_H
#define CISCOSEC_TRUSTLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/header.h"
#include "ciscosec/roles.h"
#include "ciscosec/signer.h"

enum cs_record_tag {
    CS_REC_LENGTH = 1,
    CS_REC_DNS_NAME = 2,
    CS_REC_SUBJECT_NAME = 3,
    CS_REC_ROLE = 4,
    CS_REC_ISSUER_NAME = 5,
    CS_REC_SERIAL = 6,
    CS_REC_PUBLIC_KEY = 7,
    CS_REC_SIGNATURE = 8,
    CS_REC_CERTIFICATE = 9,
    CS_REC_IP_ADDRESS = 10,
    CS_REC_CERTIFICATE_HASH = 11,
    CS_REC_HASH_ALGORITHM = 12
};

/* Phones refuse more than this many SAST records. */
#define CS_MAX_SAST_RECORDS 2
/* Phones refuse larger trust lists and larger RSA keys. */
#define CS_PHONE_MAX_TLV_SIZE 65536u
#define CS_PHONE_MAX_RSA_BITS 2048u
/* Whether phones take trust lists and files signed by an RSA key of
 * `bits`: a size a header can name, and no more than phones support
 * (512, 1024 or 2048). */
bool cs_phone_rsa_can_sign(size_t bits);
/* What the commands read of a trust-list file: real lists are a few KiB
 * and phones take 64 KiB, but a larger one is read, to be reported as too
 * large; anything absurd is refused early. */
#define CS_TL_MAX_FILE_SIZE (16u * 1024 * 1024)

typedef struct cs_tl_record {
    size_t offset; /* from the start of the file */
    uint16_t length;
    bool has_role;
    uint16_t role;
    bool has_dns_name, has_subject, has_issuer, has_serial;
    cs_bytes dns_name; /* strings without their NUL */
    cs_bytes subject;
    cs_bytes issuer;
    cs_bytes serial;
    bool has_public_key, has_signature, has_certificate;
    cs_bytes public_key;
    cs_bytes signature;
    cs_bytes certificate;
    bool has_ip_address, has_certificate_hash, has_hash_algorithm;
    cs_bytes ip_address;
    cs_bytes certificate_hash;
    uint8_t hash_algorithm;
} cs_tl_record;

typedef struct cs_trustlist {
    cs_header header;
    cs_tl_record *records;
    size_t count;
} cs_trustlist;

/* Parses a whole .tlv file held in memory (views into data). */
int cs_trustlist_parse(const uint8_t *data, size_t len, cs_trustlist *out, cs_error *err);
void cs_trustlist_release(cs_trustlist *tl);

/* The first record with `role` that names the signer of hdr (any signed
 * file's header): the header's serial number and, where both are present,
 * its issuer. NULL if none. */
const cs_tl_record *cs_trustlist_find(const cs_trustlist *tl, const cs_header *hdr, uint16_t role);

/* The SAST record that signed the list: role SAST, the header's serial
 * number and, where both are present, its issuer. NULL if none. */
const cs_tl_record *cs_trustlist_signer(const cs_trustlist *tl);

/* Checks the list's signature with its signer record's certificate.
 * CS_OK valid; CS_INVALID bad signature or no usable signer record. */
int cs_trustlist_verify(const cs_trustlist *tl, const uint8_t *data, size_t len, cs_error *err);

/* One record to write: a certificate in a role. */
typedef struct cs_tl_entry {
    uint16_t role;
    const cs_cert *cert;
} cs_tl_entry;

typedef struct cs_tl_spec {
    const cs_tl_entry *entries; /* in the order they are written */
    size_t count;
    cs_signer *signer;         /* the first SAST entry's certificate, with its key */
    uint8_t signer_version[2]; /* 1.0, or 1.1 for HTTPS provisioning */
    uint8_t digest_code;
    const char *filename;
    uint32_t timestamp;
} cs_tl_spec;

/* Builds and signs a whole trust list into out. Applies the phone's rule
 * of at most two SAST records (the signer itself was checked when it was
 * loaded: RSA, with the matching key). */
int cs_trustlist_build(const cs_tl_spec *spec, cs_buf *out, cs_error *err);

#endif
