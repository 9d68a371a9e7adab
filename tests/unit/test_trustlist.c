/* SPDX-License-Identifier: MIT */
/* Trust lists: the five reference vectors parsed, verified, truncated at
 * every byte and rebuilt byte for byte; records the reference never
 * writes; broken bodies. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/header.h"
#include "ciscosec/signer.h"
#include "ciscosec/tlv.h"
#include "ciscosec/trustlist.h"

#define TS_05 1767323045u /* 2026-01-02 03:04:05 UTC */
#define TS_06 1767323046u

/* --- what the parse reports say ---------------------------------------- */

typedef struct expected_record {
    uint16_t length;
    uint16_t role;
    const char *pem; /* the certificate it holds */
    const char *subject;
    const char *serial;
    size_t public_key, signature, certificate;
    const char *sha1; /* of the certificate */
} expected_record;

/* clang-format off */
#define R_SAST(role)                                                                             \
    {1485, role, "sast.pem", "CN=SAST,O=SAST,OU=SAST", "c1f7893d9e6eeb9c326a899bac5ee9fd", 270, \
     256, 869, "0d19d402ba173fbf328a5033e0a76bede18a5eea"}
#define R_SAST2                                                                                  \
    {1547, CS_ROLE_SAST, "sast2.pem", "CN=SAST-Recovery,O=SAST,OU=Recovery",                    \
     "44087863caf2fbf091a4040831b2c115", 270, 256, 905, "3483f26b89d4eb8c3e9ec149fa47da6569c74142"}
#define R_ASTERISK(role)                                                                         \
    {1538, role, "asterisk.pem", "CN=Asterisk,O=Asterisk,OU=Asterisk",                           \
     "eaf13142ea6588df52f9afec4d5f33b6", 270, 256, 898, "16ee56a027c16e524cc982ebf2fe6a7aed86d0be"}
#define R_APACHE(role)                                                                           \
    {1511, role, "apache.pem", "CN=Apache,O=Apache,OU=Apache", "d58dab9ca1f803b95d5f5afc3f49c6f2", \
     270, 256, 883, "eec6f45326f790fde18eeaee7bf3356ecc4bab02"}
#define R_APACHE_EC(role)                                                                        \
    {897, role, "apache-ec.pem", "CN=Apache-EC,O=Apache-EC,OU=Asterisk-EC",                      \
     "31a58457cd27cfb0d985c5b9e2186f52", 97, 103, 573, "880546538f7700578f0f3ff37002cde09a94aefa"}
#define R_TVS                                                                                    \
    {685, CS_ROLE_TVS, "tvs-ec256.pem", "CN=TVS,O=TVS,OU=TVS", "52b3c8be896cfee9c8f34fbf1df69c62", \
     65, 71, 465, "18efc9e3bb851e05b72696cae35b6b75e7f94f26"}
#define R_SIGNER1024                                                                             \
    {1183, CS_ROLE_SAST, "signer1024.pem",                                                       \
     "CN=Signer 1024,O=Example\\, Ltd.,OU=Lab,L=Wellington,ST=WGN,C=NZ",                         \
     "ea550e29c575da190eeedaca75e6ec3a", 140, 128, 743, "5c45a18f897043054805cc6cf77da31c810210ee"}
#define R_SIGNER4096                                                                             \
    {2554, CS_ROLE_SAST, "signer4096.pem", "CN=Signer 4096,O=Example,OU=Lab",                    \
     "8319c5577f949b47eaa070ea3d755f86", 526, 512, 1408,                                         \
     "974b24cc1dd4c5780f8d14a732d19836560537a8"}

typedef struct expected_list {
    const char *file;
    size_t size;
    uint16_t header_length;
    uint8_t signer_version; /* minor: 1.0 or 1.1 */
    uint8_t digest;
    const char *filename;
    uint32_t timestamp;
    size_t count;
    expected_record records[8];
} expected_list;

static const expected_list lists[] = {
    {"ITLFile.tlv", 4922, 388, 0, CS_DIGEST_SHA1, "ITLFile.tlv", TS_06, 3,
     {R_SAST(CS_ROLE_SAST), R_ASTERISK(CS_ROLE_CCM), R_APACHE(CS_ROLE_APP_SERVER)}},
    {"ITL-v1.1-sha512.tlv", 11100, 388, 1, CS_DIGEST_SHA512, "ITLFile.tlv", TS_05, 8,
     {R_SAST(CS_ROLE_SAST), R_SAST2, R_ASTERISK(CS_ROLE_CCM), R_APACHE_EC(CS_ROLE_TFTP),
      R_ASTERISK(CS_ROLE_CCM_TFTP), R_APACHE(CS_ROLE_CAPF), R_APACHE(CS_ROLE_APP_SERVER), R_TVS}},
    {"CTLSEP58971ECC97C1.tlv", 4281, 388, 0, CS_DIGEST_SHA1, "CTLFile.tlv", TS_05, 3,
     {R_SAST(CS_ROLE_SAST), R_APACHE(CS_ROLE_APP_SERVER), R_APACHE_EC(CS_ROLE_APP_SERVER)}},
    {"ITL-signer1024.tlv", 3073, 352, 0, CS_DIGEST_SHA1, "ITL-signer1024.tlv", TS_05, 2,
     {R_SIGNER1024, R_ASTERISK(CS_ROLE_CCM)}},
    {"ITL-signer4096.tlv", 4764, 672, 0, CS_DIGEST_SHA512, "ITL-signer4096.tlv", TS_05, 2,
     {R_SIGNER4096, R_ASTERISK(CS_ROLE_TFTP)}},
};
#define N_LISTS (sizeof lists / sizeof lists[0])
/* clang-format on */

static void read_vector(const char *name, cs_buf *out)
{
    char path[256];
    snprintf(path, sizeof path, "vectors/%s", name);
    test_read_data(path, out);
}

static int parse_copy(const cs_buf *file, size_t len, cs_trustlist *tl, uint8_t **copy,
                      cs_error *err)
{
    *copy = test_exact_copy(file->data, len);
    return cs_trustlist_parse(*copy, len, tl, err);
}

/* --- the vectors ------------------------------------------------------- */

static void check_record(const expected_record *want, const cs_tl_record *rec)
{
    assert_int_equal(rec->length, want->length);
    assert_true(rec->has_role);
    assert_int_equal(rec->role, want->role);
    assert_true(rec->has_subject && rec->has_issuer && rec->has_serial);
    test_assert_bytes_str(rec->subject, want->subject);
    test_assert_bytes_str(rec->issuer, want->subject); /* self-signed */
    test_assert_bytes_hex(rec->serial, want->serial);
    assert_true(rec->has_public_key && rec->has_signature && rec->has_certificate);
    assert_int_equal(rec->public_key.len, want->public_key);
    assert_int_equal(rec->signature.len, want->signature);
    assert_int_equal(rec->certificate.len, want->certificate);
    /* What the reference never writes. */
    assert_false(rec->has_dns_name || rec->has_ip_address || rec->has_certificate_hash ||
                 rec->has_hash_algorithm);

    uint8_t sha1[20];
    cs_error err;
    assert_int_equal(cs_digest(CS_MD_SHA1, rec->certificate.data, rec->certificate.len, sha1, &err),
                     CS_OK);
    test_assert_bytes_hex((cs_bytes){sha1, sizeof sha1}, want->sha1);

    /* The record's fields are the certificate's. */
    cs_cert *cert = test_load_cert(test_vector_path(want->pem));
    cs_bytes der = cs_cert_der(cert);
    assert_int_equal(der.len, rec->certificate.len);
    assert_memory_equal(der.data, rec->certificate.data, der.len);
    cs_buf pk = CS_BUF_INIT;
    assert_int_equal(cs_cert_public_key(cert, &pk, &err), CS_OK);
    assert_int_equal(pk.len, rec->public_key.len);
    assert_memory_equal(pk.data, rec->public_key.data, pk.len);
    cs_bytes sig = cs_cert_signature(cert);
    assert_int_equal(sig.len, rec->signature.len);
    assert_memory_equal(sig.data, rec->signature.data, sig.len);
    cs_buf_release(&pk);
    cs_cert_free(cert);
}

static void test_parse_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_LISTS; i++) {
        const expected_list *want = &lists[i];
        cs_buf file = CS_BUF_INIT;
        read_vector(want->file, &file);
        assert_int_equal(file.len, want->size);
        cs_trustlist tl;
        cs_error err;
        uint8_t *copy;
        if (parse_copy(&file, file.len, &tl, &copy, &err) != CS_OK)
            fail_msg("%s: %s", want->file, err.message);

        const cs_header *h = &tl.header;
        assert_int_equal(h->version[0], 1);
        assert_int_equal(h->version[1], 2);
        assert_int_equal(h->length, want->header_length);
        assert_true(h->has_signer_version);
        assert_int_equal(h->signer_version[0], 1);
        assert_int_equal(h->signer_version[1], want->signer_version);
        assert_int_equal(h->digest_code, want->digest);
        test_assert_bytes_str(h->filename, want->filename);
        assert_int_equal(h->timestamp, want->timestamp);

        assert_int_equal(tl.count, want->count);
        size_t offset = want->header_length;
        for (size_t r = 0; r < tl.count; r++) {
            assert_int_equal(tl.records[r].offset, offset);
            check_record(&want->records[r], &tl.records[r]);
            offset += tl.records[r].length;
        }
        assert_int_equal(offset, file.len);

        /* The first record signed, and the list verifies with it. */
        assert_ptr_equal(cs_trustlist_signer(&tl), &tl.records[0]);
        if (cs_trustlist_verify(&tl, copy, file.len, &err) != CS_OK)
            fail_msg("%s: %s", want->file, err.message);
        cs_trustlist_release(&tl);
        assert_null(tl.records);
        free(copy);
        cs_buf_release(&file);
    }
}

static void test_tampered_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_LISTS; i++) {
        cs_buf file = CS_BUF_INIT;
        read_vector(lists[i].file, &file);
        cs_trustlist tl;
        cs_error err;
        assert_int_equal(cs_trustlist_parse(file.data, file.len, &tl, &err), CS_OK);
        /* A byte inside the last record's certificate (opaque to the
         * parser), the signature, and the header's file name. */
        const cs_tl_record *last = &tl.records[tl.count - 1];
        uint8_t *targets[] = {
            (uint8_t *)last->certificate.data + last->certificate.len / 2,
            (uint8_t *)tl.header.signature.data + 5,
            (uint8_t *)tl.header.filename.data,
            file.data + file.len - 1,
        };
        for (size_t t = 0; t < sizeof targets / sizeof targets[0]; t++) {
            *targets[t] ^= 0x04;
            cs_trustlist again;
            assert_int_equal(cs_trustlist_parse(file.data, file.len, &again, &err), CS_OK);
            assert_int_equal(cs_trustlist_verify(&again, file.data, file.len, &err), CS_INVALID);
            cs_trustlist_release(&again);
            *targets[t] ^= 0x04;
        }
        /* The signer's own certificate, broken: no key to check with. */
        uint8_t *cert = (uint8_t *)tl.records[0].certificate.data;
        cert[0] ^= 0xFF;
        assert_int_equal(cs_trustlist_verify(&tl, file.data, file.len, &err), CS_INVALID);
        cert[0] ^= 0xFF;
        assert_int_equal(cs_trustlist_verify(&tl, file.data, file.len, &err), CS_OK);
        cs_trustlist_release(&tl);
        cs_buf_release(&file);
    }
}

/* Every prefix in an exact-size block: below the header length an error;
 * above it, a clean parse exactly at record boundaries (with an invalid
 * signature, the list being cut), an error elsewhere. */
static void test_every_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_LISTS; i++) {
        const expected_list *want = &lists[i];
        cs_buf file = CS_BUF_INIT;
        read_vector(want->file, &file);
        size_t boundary = want->header_length, next_record = 0;
        for (size_t p = 0; p <= file.len; p++) {
            cs_trustlist tl;
            cs_error err;
            uint8_t *copy;
            int rc = parse_copy(&file, p, &tl, &copy, &err);
            bool at_boundary = p == boundary;
            if (at_boundary) {
                if (rc != CS_OK)
                    fail_msg("%s: prefix %zu (a record boundary): %s", want->file, p, err.message);
                assert_int_equal(tl.count, next_record);
                int v = cs_trustlist_verify(&tl, copy, p, &err);
                assert_int_equal(v, p == file.len ? CS_OK : CS_INVALID);
                if (next_record < want->count)
                    boundary += want->records[next_record++].length;
            } else if (rc != CS_ERROR) {
                fail_msg("%s: prefix %zu parsed (%d)", want->file, p, rc);
            }
            cs_trustlist_release(&tl);
            free(copy);
        }
        cs_buf_release(&file);
    }
}

/* The v1.1 list has two SAST records: the header names the first. */
static void test_signer_lookup(void **state)
{
    (void)state;
    cs_buf file = CS_BUF_INIT;
    read_vector("ITL-v1.1-sha512.tlv", &file);
    cs_trustlist tl;
    cs_error err;
    assert_int_equal(cs_trustlist_parse(file.data, file.len, &tl, &err), CS_OK);
    assert_ptr_equal(cs_trustlist_signer(&tl), &tl.records[0]);

    /* Without the first SAST record's role, nothing else matches. */
    tl.records[0].role = CS_ROLE_CCM;
    assert_null(cs_trustlist_signer(&tl));
    assert_int_equal(cs_trustlist_verify(&tl, file.data, file.len, &err), CS_INVALID);
    assert_non_null(strstr(err.message, "no SAST record"));
    tl.records[0].role = CS_ROLE_SAST;

    /* The issuer must agree too when both have one. */
    tl.records[0].issuer.len--;
    assert_null(cs_trustlist_signer(&tl));
    tl.records[0].issuer.len++;
    tl.records[0].has_issuer = false;
    assert_ptr_equal(cs_trustlist_signer(&tl), &tl.records[0]);
    tl.records[0].has_issuer = true;

    /* A header without a serial names no one. */
    tl.header.has_serial = false;
    assert_null(cs_trustlist_signer(&tl));
    tl.header.has_serial = true;

    /* Pointing the header at the second SAST finds it, and the signature
     * (made by the first) does not verify with it. */
    tl.header.serial = tl.records[1].serial;
    tl.header.issuer_name = tl.records[1].issuer;
    assert_ptr_equal(cs_trustlist_signer(&tl), &tl.records[1]);
    assert_int_equal(cs_trustlist_verify(&tl, file.data, file.len, &err), CS_INVALID);
    cs_trustlist_release(&tl);
    cs_buf_release(&file);
}

/* --- hand-built bodies ------------------------------------------------- */

/* A record: its length element, then whatever the caller puts. */
static size_t record_open(cs_buf *b)
{
    size_t start = b->len;
    cs_tlv_put_u16(b, CS_REC_LENGTH, 0);
    return start;
}

static void record_close(cs_buf *b, size_t start)
{
    cs_buf_put_u16_at(b, start + CS_TLV_HEAD_SIZE, (uint16_t)(b->len - start));
}

/* A signed list around a hand-made body, signed by signer1024. */
static void sign_list(cs_signer *s, const cs_buf *body, cs_buf *file)
{
    cs_header_spec spec = {
        .version = {1, 2},
        .has_signer_version = true,
        .signer_version = {1, 0},
        .digest_code = CS_DIGEST_SHA1,
        .filename = "ITLFile.tlv",
        .has_timestamp = true,
        .timestamp = TS_05,
    };
    cs_signer_fill_spec(s, &spec);
    cs_header_draft d;
    cs_error err;
    assert_int_equal(cs_header_draft_build(&d, &spec, &err), CS_OK);
    assert_int_equal(cs_header_draft_sign_buffer(&d, s->key, body->data, body->len, &err), CS_OK);
    cs_buf_init(file);
    cs_buf_append(file, d.bytes.data, d.bytes.len);
    cs_buf_append(file, body->data, body->len);
    assert_false(file->failed);
    cs_header_draft_release(&d);
}

static void put_signer_record(cs_buf *b, cs_signer *s, bool with_cert, bool extras)
{
    size_t r = record_open(b);
    if (extras)
        cs_tlv_put_string(b, CS_REC_DNS_NAME, "sast.example.com");
    cs_tlv_put_string(b, CS_REC_SUBJECT_NAME, cs_buf_str(&s->subject));
    cs_tlv_put_string(b, CS_REC_ISSUER_NAME, cs_buf_str(&s->issuer));
    cs_bytes serial = cs_cert_serial(s->cert);
    cs_tlv_put(b, CS_REC_SERIAL, serial.data, serial.len);
    cs_tlv_put_u16(b, CS_REC_ROLE, CS_ROLE_SAST);
    cs_bytes der = cs_cert_der(s->cert);
    if (with_cert) {
        cs_bytes sig = cs_cert_signature(s->cert);
        cs_tlv_put(b, CS_REC_SIGNATURE, sig.data, sig.len);
        cs_tlv_put(b, CS_REC_CERTIFICATE, der.data, der.len);
    }
    if (extras) {
        static const uint8_t ip[] = {192, 168, 1, 10};
        cs_tlv_put(b, CS_REC_IP_ADDRESS, ip, sizeof ip);
        uint8_t sha1[20];
        cs_error err;
        assert_int_equal(cs_digest(CS_MD_SHA1, der.data, der.len, sha1, &err), CS_OK);
        cs_tlv_put(b, CS_REC_CERTIFICATE_HASH, sha1, sizeof sha1);
        cs_tlv_put_u8(b, CS_REC_HASH_ALGORITHM, CS_DIGEST_SHA1);
    }
    record_close(b, r);
}

static void test_records_other_producers_write(void **state)
{
    (void)state;
    cs_signer s;
    test_load_signer(test_vector_path("signer1024.pem"), &s);
    cs_buf body = CS_BUF_INIT;
    put_signer_record(&body, &s, true, true);
    /* No certificate, no signature, a role this program does not know. */
    size_t r = record_open(&body);
    cs_tlv_put_string(&body, CS_REC_SUBJECT_NAME, "CN=Other");
    cs_tlv_put_u16(&body, CS_REC_ROLE, 99);
    cs_tlv_put(&body, CS_REC_SERIAL, "\x01", 1);
    record_close(&body, r);
    /* The smallest record: its length alone. */
    r = record_open(&body);
    record_close(&body, r);

    cs_buf file;
    sign_list(&s, &body, &file);
    cs_trustlist tl;
    cs_error err;
    uint8_t *copy;
    if (parse_copy(&file, file.len, &tl, &copy, &err) != CS_OK)
        fail_msg("%s", err.message);
    assert_int_equal(tl.count, 3);

    const cs_tl_record *a = &tl.records[0];
    assert_true(a->has_dns_name);
    test_assert_bytes_str(a->dns_name, "sast.example.com");
    assert_true(a->has_ip_address);
    test_assert_bytes_hex(a->ip_address, "c0a8010a");
    assert_true(a->has_certificate_hash);
    uint8_t sha1[20];
    cs_bytes der = cs_cert_der(s.cert);
    assert_int_equal(cs_digest(CS_MD_SHA1, der.data, der.len, sha1, &err), CS_OK);
    assert_int_equal(a->certificate_hash.len, 20);
    assert_memory_equal(a->certificate_hash.data, sha1, 20);
    assert_true(a->has_hash_algorithm);
    assert_int_equal(a->hash_algorithm, CS_DIGEST_SHA1);
    assert_false(a->has_public_key);

    const cs_tl_record *b = &tl.records[1];
    assert_false(b->has_certificate || b->has_signature || b->has_public_key);
    assert_false(b->has_issuer);
    assert_true(b->has_role);
    assert_int_equal(b->role, 99);
    assert_null(cs_role_name(b->role));
    test_assert_bytes_str(b->subject, "CN=Other");

    const cs_tl_record *c = &tl.records[2];
    assert_int_equal(c->length, 5);
    assert_false(c->has_role || c->has_subject || c->has_serial);

    assert_ptr_equal(cs_trustlist_signer(&tl), a);
    assert_int_equal(cs_trustlist_verify(&tl, copy, file.len, &err), CS_OK);

    cs_trustlist_release(&tl);
    free(copy);
    cs_buf_release(&file);
    cs_buf_release(&body);
    cs_signer_release(&s);
}

static void test_signer_record_without_certificate(void **state)
{
    (void)state;
    cs_signer s;
    test_load_signer(test_vector_path("signer1024.pem"), &s);
    cs_buf body = CS_BUF_INIT;
    put_signer_record(&body, &s, false, false);
    cs_buf file;
    sign_list(&s, &body, &file);
    cs_trustlist tl;
    cs_error err = {{0}};
    assert_int_equal(cs_trustlist_parse(file.data, file.len, &tl, &err), CS_OK);
    assert_int_equal(tl.count, 1);
    assert_false(tl.records[0].has_certificate);
    assert_ptr_equal(cs_trustlist_signer(&tl), &tl.records[0]);
    assert_int_equal(cs_trustlist_verify(&tl, file.data, file.len, &err), CS_INVALID);
    assert_non_null(strstr(err.message, "no certificate"));
    cs_trustlist_release(&tl);
    cs_buf_release(&file);
    cs_buf_release(&body);
    cs_signer_release(&s);
}

/* Parses a vector's header followed by a hand-made body (the signature
 * does not matter to parsing) and expects an error naming `part`. */
static void expect_bad_body(const cs_buf *body, const char *part)
{
    cs_buf file = CS_BUF_INIT;
    read_vector("ITLFile.tlv", &file);
    file.len = 388; /* the header alone */
    cs_buf_append(&file, body->data, body->len);
    cs_trustlist tl;
    cs_error err = {{0}};
    uint8_t *copy;
    assert_int_equal(parse_copy(&file, file.len, &tl, &copy, &err), CS_ERROR);
    if (strstr(err.message, part) == NULL)
        fail_msg("error '%s' does not mention '%s'", err.message, part);
    assert_null(tl.records);
    assert_int_equal(tl.count, 0);
    cs_trustlist_release(&tl);
    free(copy);
    cs_buf_release(&file);
}

static void test_broken_records(void **state)
{
    (void)state;
    cs_buf b = CS_BUF_INIT;

    /* A record length past the end of the file (after a good record). */
    size_t r = record_open(&b);
    cs_tlv_put_u16(&b, CS_REC_ROLE, 1);
    record_close(&b, r);
    r = record_open(&b);
    cs_tlv_put_string(&b, CS_REC_SUBJECT_NAME, "CN=x");
    record_close(&b, r);
    cs_buf_put_u16_at(&b, r + 3, (uint16_t)(b.len - r + 1));
    expect_bad_body(&b, "record 2 at offset 398: record length 14 runs past the end");
    cs_buf_put_u16_at(&b, r + 3, 0xFFFF);
    expect_bad_body(&b, "runs past the end");
    cs_buf_release(&b);

    /* A record that does not start with its length. */
    cs_tlv_put_string(&b, CS_REC_SUBJECT_NAME, "CN=x");
    expect_bad_body(&b, "record 1 at offset 388: record starts with tag 3");
    cs_buf_release(&b);

    /* Record lengths too small to hold the length element itself. */
    for (uint16_t small = 0; small < 5; small++) {
        cs_tlv_put_u16(&b, CS_REC_LENGTH, small);
        expect_bad_body(&b, "too small");
        cs_buf_release(&b);
    }

    /* A length element of the wrong size. */
    cs_tlv_put(&b, CS_REC_LENGTH, "\x00\x00\x06", 3);
    expect_bad_body(&b, "expected 2");
    cs_buf_release(&b);

    /* An element that runs past its record (but not the file). */
    r = record_open(&b);
    cs_tlv_put_string(&b, CS_REC_SUBJECT_NAME, "CN=long name");
    record_close(&b, r);
    cs_buf_put_u16_at(&b, r + 3, (uint16_t)(b.len - r - 4));
    cs_buf_append(&b, "\0\0\0\0", 4);
    expect_bad_body(&b, "past the end");
    cs_buf_release(&b);

    /* Repeated and unknown tags. */
    r = record_open(&b);
    cs_tlv_put_u16(&b, CS_REC_ROLE, 1);
    cs_tlv_put_u16(&b, CS_REC_ROLE, 3);
    record_close(&b, r);
    expect_bad_body(&b, "tag 4 appears twice");
    cs_buf_release(&b);
    static const uint8_t unknown[] = {0, 13, 31, 32, 200, 255};
    for (size_t i = 0; i < sizeof unknown; i++) {
        r = record_open(&b);
        cs_tlv_put_u8(&b, unknown[i], 0);
        record_close(&b, r);
        char want[64];
        snprintf(want, sizeof want, "unknown record tag %u", unknown[i]);
        expect_bad_body(&b, want);
        cs_buf_release(&b);
    }

    /* Typed fields of the wrong size, strings without their NUL. */
    r = record_open(&b);
    cs_tlv_put_u8(&b, CS_REC_ROLE, 1);
    record_close(&b, r);
    expect_bad_body(&b, "expected 2");
    cs_buf_release(&b);
    r = record_open(&b);
    cs_tlv_put(&b, CS_REC_HASH_ALGORITHM, "\1\1", 2);
    record_close(&b, r);
    expect_bad_body(&b, "expected 1");
    cs_buf_release(&b);
    r = record_open(&b);
    cs_tlv_put(&b, CS_REC_ISSUER_NAME, "CN=x", 4);
    record_close(&b, r);
    expect_bad_body(&b, "NUL");
    cs_buf_release(&b);

    /* A body that ends inside a record's length element. */
    cs_buf_append(&b, "\x01\x00", 2);
    expect_bad_body(&b, "truncated");
    cs_buf_release(&b);
}

/* --- building ---------------------------------------------------------- */

typedef struct build_case {
    const char *file;
    const char *signer;
    uint8_t signer_version;
    uint8_t digest;
    const char *filename;
    uint32_t timestamp;
    size_t count;
    struct {
        uint16_t role;
        const char *pem;
    } entries[8];
} build_case;

/* The command lines of vectors/SOURCE.md. */
/* clang-format off */
static const build_case builds[] = {
    {"ITLFile.tlv", "sast.pem", 0, CS_DIGEST_SHA1, "ITLFile.tlv", TS_06, 3,
     {{CS_ROLE_SAST, "sast.pem"},
      {CS_ROLE_CCM, "asterisk.pem"},
      {CS_ROLE_APP_SERVER, "apache.pem"}}},
    {"ITL-v1.1-sha512.tlv", "sast.pem", 1, CS_DIGEST_SHA512, "ITLFile.tlv", TS_05, 8,
     {{CS_ROLE_SAST, "sast.pem"},
      {CS_ROLE_SAST, "sast2.pem"},
      {CS_ROLE_CCM, "asterisk.pem"},
      {CS_ROLE_TFTP, "apache-ec.pem"},
      {CS_ROLE_CCM_TFTP, "asterisk.pem"},
      {CS_ROLE_CAPF, "apache.pem"},
      {CS_ROLE_APP_SERVER, "apache.pem"},
      {CS_ROLE_TVS, "tvs-ec256.pem"}}},
    {"CTLSEP58971ECC97C1.tlv", "sast.pem", 0, CS_DIGEST_SHA1, "CTLFile.tlv", TS_05, 3,
     {{CS_ROLE_SAST, "sast.pem"},
      {CS_ROLE_APP_SERVER, "apache.pem"},
      {CS_ROLE_APP_SERVER, "apache-ec.pem"}}},
    {"ITL-signer1024.tlv", "signer1024.pem", 0, CS_DIGEST_SHA1, "ITL-signer1024.tlv", TS_05, 2,
     {{CS_ROLE_SAST, "signer1024.pem"}, {CS_ROLE_CCM, "asterisk.pem"}}},
    {"ITL-signer4096.tlv", "signer4096.pem", 0, CS_DIGEST_SHA512, "ITL-signer4096.tlv", TS_05, 2,
     {{CS_ROLE_SAST, "signer4096.pem"}, {CS_ROLE_TFTP, "asterisk.pem"}}},
};
/* clang-format on */
#define N_BUILDS (sizeof builds / sizeof builds[0])

static int build(const build_case *c, cs_buf *out, cs_error *err)
{
    cs_signer signer;
    test_load_signer(test_vector_path(c->signer), &signer);
    cs_cert *certs[8] = {0};
    cs_tl_entry entries[8];
    for (size_t i = 0; i < c->count; i++) {
        certs[i] = test_load_cert(test_vector_path(c->entries[i].pem));
        entries[i] = (cs_tl_entry){c->entries[i].role, certs[i]};
    }
    cs_tl_spec spec = {
        .entries = entries,
        .count = c->count,
        .signer = &signer,
        .signer_version = {1, c->signer_version},
        .digest_code = c->digest,
        .filename = c->filename,
        .timestamp = c->timestamp,
    };
    int rc = cs_trustlist_build(&spec, out, err);
    for (size_t i = 0; i < c->count; i++)
        cs_cert_free(certs[i]);
    cs_signer_release(&signer);
    return rc;
}

static void test_build_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BUILDS; i++) {
        const build_case *c = &builds[i];
        cs_buf want = CS_BUF_INIT;
        read_vector(c->file, &want);
        /* The timestamps used are the vectors' own (tag 15). */
        cs_header h;
        cs_error err;
        assert_int_equal(cs_header_parse(want.data, want.len, want.len, &h, &err), CS_OK);
        assert_int_equal(h.timestamp, c->timestamp);

        cs_buf out = CS_BUF_INIT;
        if (build(c, &out, &err) != CS_OK)
            fail_msg("%s: %s", c->file, err.message);
        assert_int_equal(out.len, want.len);
        if (memcmp(out.data, want.data, want.len) != 0) {
            size_t at = 0;
            while (out.data[at] == want.data[at])
                at++;
            fail_msg("%s: differs from the vector at byte %zu", c->file, at);
        }
        cs_buf_release(&out);
        cs_buf_release(&want);
    }
}

static void test_build_sast_rules(void **state)
{
    (void)state;
    build_case c = builds[0];
    cs_buf out = CS_BUF_INIT;
    cs_error err = {{0}};

    /* Three SAST records: phones refuse the list, so do we. */
    c.count = 4;
    c.entries[3].role = CS_ROLE_SAST;
    c.entries[3].pem = "sast2.pem";
    c.entries[1].role = CS_ROLE_SAST;
    assert_int_equal(build(&c, &out, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "at most 2"));
    assert_int_equal(out.len, 0);

    /* Two are fine. */
    c.entries[1].role = CS_ROLE_CCM;
    assert_int_equal(build(&c, &out, &err), CS_OK);
    cs_trustlist tl;
    assert_int_equal(cs_trustlist_parse(out.data, out.len, &tl, &err), CS_OK);
    assert_int_equal(tl.count, 4);
    assert_int_equal(cs_trustlist_verify(&tl, out.data, out.len, &err), CS_OK);
    cs_trustlist_release(&tl);
    cs_buf_release(&out);

    /* None: nothing could sign. */
    c = builds[0];
    c.entries[0].role = CS_ROLE_CCM;
    assert_int_equal(build(&c, &out, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "SAST"));
    assert_int_equal(out.len, 0);
    cs_buf_release(&out);
}

static void test_roles(void **state)
{
    (void)state;
    static const struct {
        uint16_t role;
        const char *name;
    } roles[] = {{0, "SAST"}, {1, "CCM"},        {2, "CCM+TFTP"}, {3, "TFTP"},
                 {4, "CAPF"}, {7, "APP-SERVER"}, {21, "TVS"}};
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        assert_string_equal(cs_role_name(roles[i].role), roles[i].name);
        uint16_t role = 999;
        assert_true(cs_role_parse(roles[i].name, &role));
        assert_int_equal(role, roles[i].role);
    }
    uint16_t role = 999;
    assert_true(cs_role_parse("ccm+tftp", &role));
    assert_int_equal(role, 2);
    assert_true(cs_role_parse("App-Server", &role));
    assert_int_equal(role, 7);
    role = 999;
    assert_false(cs_role_parse("ccm-tftp", &role));
    assert_false(cs_role_parse("", &role));
    assert_false(cs_role_parse("SAST ", &role));
    assert_int_equal(role, 999);
    assert_null(cs_role_name(5));
    assert_null(cs_role_name(6));
    assert_null(cs_role_name(0xFFFF));
}

/* Which RSA sizes can sign: what a header can name, and what phones take. */
static void test_rsa_sizes_that_sign(void **state)
{
    (void)state;
    static const struct {
        size_t bits;
        bool header, phone;
    } sizes[] = {{512, true, true},    {1024, true, true},  {2048, true, true},
                 {4096, true, false},  {768, false, false}, {3072, false, false},
                 {8192, false, false}, {0, false, false}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_int_equal(cs_header_rsa_bits_supported(sizes[i].bits), sizes[i].header);
        assert_int_equal(cs_phone_rsa_can_sign(sizes[i].bits), sizes[i].phone);
    }
}

/* Every role has a name that parses back to it; CCM, TFTP and APP-SERVER
 * take EC keys, the others only RSA. */
static void test_role_table(void **state)
{
    (void)state;
    assert_int_equal(cs_role_count(), 7);
    size_t ec = 0;
    for (size_t i = 0; i < cs_role_count(); i++) {
        uint16_t role = cs_role_at(i), back = 0xFFFF;
        assert_non_null(cs_role_name(role));
        assert_true(cs_role_parse(cs_role_name(role), &back));
        assert_int_equal(back, role);
        ec += cs_role_takes_ec(role);
    }
    assert_int_equal(ec, 3);
    assert_true(cs_role_takes_ec(CS_ROLE_TFTP) && cs_role_takes_ec(CS_ROLE_CCM) &&
                cs_role_takes_ec(CS_ROLE_APP_SERVER));
    assert_false(cs_role_takes_ec(CS_ROLE_SAST) || cs_role_takes_ec(CS_ROLE_CCM_TFTP) ||
                 cs_role_takes_ec(CS_ROLE_CAPF) || cs_role_takes_ec(CS_ROLE_TVS) ||
                 cs_role_takes_ec(99));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_role_table),
        cmocka_unit_test(test_rsa_sizes_that_sign),
        cmocka_unit_test(test_parse_vectors),
        cmocka_unit_test(test_tampered_vectors),
        cmocka_unit_test(test_every_prefix),
        cmocka_unit_test(test_signer_lookup),
        cmocka_unit_test(test_records_other_producers_write),
        cmocka_unit_test(test_signer_record_without_certificate),
        cmocka_unit_test(test_broken_records),
        cmocka_unit_test(test_build_vectors),
        cmocka_unit_test(test_build_sast_rules),
        cmocka_unit_test(test_roles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
