/* SPDX-License-Identifier: MIT */
/* The phone's acceptance rules (phone.h): each rule met by the reference
 * vectors, then broken one at a time on lists built (and re-signed) here
 * with the vectors' keys; signed files, updates, server certificates,
 * findings and times. Certificates are judged at 2030-01-01, inside every
 * vector certificate's validity. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/crypto.h"
#include "ciscosec/fileio.h"
#include "ciscosec/header.h"
#include "ciscosec/phone.h"
#include "ciscosec/signer.h"
#include "ciscosec/tlv.h"
#include "ciscosec/trustlist.h"

#define T_BUILD 1767323045u        /* 2026-01-02 03:04:05 UTC */
#define T_2030 INT64_C(1893456000) /* 2030-01-01 00:00:00 UTC */
#define T_2040 INT64_C(2208988800) /* 2040-01-01 00:00:00 UTC */
#define T_2020 INT64_C(1577836800) /* 2020-01-01 00:00:00 UTC */

static cs_signer sast, sast2, asterisk;
static char tmpdir[] = "/tmp/test_phone.XXXXXX";

/* --- helpers ----------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    test_load_signer("vectors/sast.pem", &sast);
    test_load_signer("vectors/sast2.pem", &sast2);
    test_load_signer("vectors/asterisk.pem", &asterisk);
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    cs_signer_release(&sast);
    cs_signer_release(&sast2);
    cs_signer_release(&asterisk);
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    while (d != NULL && (e = readdir(d)) != NULL) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        if (e->d_name[0] != '.')
            unlink(path);
    }
    if (d != NULL)
        closedir(d);
    return rmdir(tmpdir);
}

static const char *temp_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    return path;
}

static const char *write_temp(const char *name, const cs_buf *data)
{
    cs_error err;
    const char *path = temp_path(name);
    if (cs_write_file_atomic(path, data->data, data->len, 0644, &err) != CS_OK)
        fail_msg("%s: %s", path, err.message);
    return path;
}

static void build_list(cs_buf *out, const cs_tl_entry *entries, size_t n, uint8_t minor)
{
    cs_tl_spec spec = {entries, n, &sast, {1, minor}, CS_DIGEST_SHA1, "ITLFile.tlv", T_BUILD};
    cs_error err;
    if (cs_trustlist_build(&spec, out, &err) != CS_OK)
        fail_msg("build: %s", err.message);
}

/* Signs the file's body again with signer's key, the header naming
 * header_cert (NULL: the signer's own certificate) as the signer: for
 * lists whose body was edited, or that claim another signer. */
static void resign(cs_buf *file, cs_signer *signer, const cs_cert *header_cert)
{
    cs_header hdr;
    cs_error err;
    assert_int_equal(cs_header_parse(file->data, file->len, file->len, &hdr, &err), CS_OK);
    cs_header_spec spec = {
        .version = {hdr.version[0], hdr.version[1]},
        .has_signer_version = hdr.has_signer_version,
        .signer_version = {hdr.signer_version[0], hdr.signer_version[1]},
        .digest_code = hdr.digest_code,
        .filename = "ITLFile.tlv",
        .has_timestamp = true,
        .timestamp = T_BUILD,
    };
    cs_signer_fill_spec(signer, &spec);
    cs_buf subject = CS_BUF_INIT, issuer = CS_BUF_INIT;
    if (header_cert != NULL) {
        assert_int_equal(cs_cert_subject(header_cert, &subject, &err), CS_OK);
        assert_int_equal(cs_cert_issuer(header_cert, &issuer, &err), CS_OK);
        spec.signer_name = cs_buf_str(&subject);
        spec.issuer_name = cs_buf_str(&issuer);
        spec.serial = cs_cert_serial(header_cert);
    }
    cs_buf body = CS_BUF_INIT;
    cs_buf_append(&body, file->data + hdr.length, file->len - hdr.length);
    cs_header_draft draft;
    assert_int_equal(cs_header_draft_build(&draft, &spec, &err), CS_OK);
    if (cs_header_draft_sign_buffer(&draft, signer->key, body.data, body.len, &err) != CS_OK)
        fail_msg("resign: %s", err.message);
    file->len = 0;
    cs_buf_append(file, draft.bytes.data, draft.bytes.len);
    cs_buf_append(file, body.data, body.len);
    assert_false(file->failed);
    cs_header_draft_release(&draft);
    cs_buf_release(&body);
    cs_buf_release(&subject);
    cs_buf_release(&issuer);
}

/* The value of element `tag` in record `index` of a list held in file. */
static uint8_t *record_value(cs_buf *file, size_t index, uint8_t tag, size_t *len)
{
    cs_trustlist tl;
    cs_error err;
    assert_int_equal(cs_trustlist_parse(file->data, file->len, &tl, &err), CS_OK);
    assert_true(index < tl.count);
    const cs_tl_record *rec = &tl.records[index];
    cs_tlv_reader r;
    cs_tlv_reader_init(&r, file->data + rec->offset, rec->length);
    cs_tlv t;
    uint8_t *found = NULL;
    while (found == NULL && !cs_tlv_at_end(&r)) {
        assert_int_equal(cs_tlv_read(&r, &t, &err), CS_OK);
        if (t.tag == tag) {
            found = file->data + (t.value - file->data);
            *len = t.length;
        }
    }
    cs_trustlist_release(&tl);
    assert_non_null(found);
    return found;
}

static void set_role(cs_buf *file, size_t index, uint16_t role)
{
    size_t len;
    uint8_t *v = record_value(file, index, CS_REC_ROLE, &len);
    assert_int_equal(len, 2);
    v[0] = (uint8_t)(role >> 8);
    v[1] = (uint8_t)role;
}

static void check_list(const cs_buf *file, int64_t now, cs_findings *f)
{
    cs_error err;
    cs_findings_init(f);
    assert_int_equal(cs_phone_check_trustlist("L.tlv", file->data, file->len, now, f, &err), CS_OK);
}

static void check_vector_list(const char *name, int64_t now, cs_findings *f)
{
    cs_buf data = CS_BUF_INIT;
    test_read_data(name, &data);
    check_list(&data, now, f);
    cs_buf_release(&data);
}

/* Exactly `n` findings, all of `rule`. */
static void expect_only(const cs_findings *f, cs_rule rule, size_t n)
{
    for (size_t i = 0; i < f->count; i++)
        if (f->items[i].rule != rule)
            fail_msg("unexpected finding [%s] %s (wanted %s)", cs_rule_id(f->items[i].rule),
                     f->items[i].message, cs_rule_id(rule));
    assert_int_equal(f->count, n);
}

static void expect_none(const cs_findings *f)
{
    for (size_t i = 0; i < f->count; i++)
        fail_msg("unexpected finding [%s] %s", cs_rule_id(f->items[i].rule), f->items[i].message);
}

/* --- trust lists ------------------------------------------------------- */

static void test_vector_lists_pass(void **state)
{
    (void)state;
    static const char *const names[] = {"vectors/ITLFile.tlv", "vectors/ITL-v1.1-sha512.tlv",
                                        "vectors/CTLSEP58971ECC97C1.tlv",
                                        "vectors/ITL-signer1024.tlv"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cs_findings f;
        check_vector_list(names[i], T_2030, &f);
        expect_none(&f);
        cs_findings_release(&f);
    }
}

static void test_rsa_4096_signer(void **state)
{
    (void)state;
    cs_findings f;
    check_vector_list("vectors/ITL-signer4096.tlv", T_2030, &f);
    expect_only(&f, CS_RULE_RSA_KEY_SIZE, 1);
    const cs_finding *x = &f.items[0];
    assert_string_equal(x->file, "L.tlv");
    assert_string_equal(x->cert_subject, "CN=Signer 4096,O=Example,OU=Lab");
    assert_string_equal(x->cert_serial, "8319c5577f949b47eaa070ea3d755f86");
    assert_int_equal(x->cert_record, 1);
    assert_string_equal(x->cert_role, "SAST");
    assert_int_equal(f.errors, 1);
    cs_findings_release(&f);
}

static void test_validity(void **state)
{
    (void)state;
    cs_findings f;
    /* Asterisk and Apache expire in 2036, the SAST in 2046. */
    check_vector_list("vectors/ITLFile.tlv", T_2040, &f);
    expect_only(&f, CS_RULE_CERT_VALIDITY, 2);
    assert_int_equal(f.items[0].cert_record, 2);
    assert_non_null(strstr(f.items[0].message, "expired on 2036-"));
    assert_non_null(strstr(f.items[0].message, "checked at 2040-01-01T00:00:00Z"));
    cs_findings_release(&f);

    check_vector_list("vectors/ITLFile.tlv", T_2020, &f);
    expect_only(&f, CS_RULE_CERT_VALIDITY, 3);
    assert_non_null(strstr(f.items[0].message, "not valid before"));
    cs_findings_release(&f);
}

static void test_too_large(void **state)
{
    (void)state;
    cs_tl_entry entries[48];
    entries[0] = (cs_tl_entry){CS_ROLE_SAST, sast.cert};
    for (size_t i = 1; i < 48; i++)
        entries[i] = (cs_tl_entry){CS_ROLE_CCM, asterisk.cert};
    cs_buf list = CS_BUF_INIT;
    build_list(&list, entries, 48, 0);
    assert_true(list.len > CS_PHONE_MAX_TLV_SIZE);
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SIZE, 1);
    assert_null(f.items[0].cert_subject);
    cs_findings_release(&f);
    cs_buf_release(&list);
}

static void test_https_needs_ec_tftp(void **state)
{
    (void)state;
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");
    cs_tl_entry without[] = {{CS_ROLE_SAST, sast.cert}, {CS_ROLE_TFTP, asterisk.cert}};
    cs_tl_entry with[] = {{CS_ROLE_SAST, sast.cert}, {CS_ROLE_TFTP, ec}};
    cs_buf list = CS_BUF_INIT;
    cs_findings f;
    build_list(&list, without, 2, 1);
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_HTTPS_CERT, 1);
    cs_findings_release(&f);

    list.len = 0;
    build_list(&list, with, 2, 1);
    check_list(&list, T_2030, &f);
    expect_none(&f);
    cs_findings_release(&f);

    /* A 1.0 list does not need one. */
    list.len = 0;
    build_list(&list, without, 2, 0);
    check_list(&list, T_2030, &f);
    expect_none(&f);
    cs_findings_release(&f);
    cs_buf_release(&list);
    cs_cert_free(ec);
}

static void test_three_sast(void **state)
{
    (void)state;
    cs_tl_entry entries[] = {
        {CS_ROLE_SAST, sast.cert}, {CS_ROLE_SAST, sast2.cert}, {CS_ROLE_CCM, asterisk.cert}};
    cs_buf list = CS_BUF_INIT;
    build_list(&list, entries, 3, 0);
    set_role(&list, 2, CS_ROLE_SAST); /* the builder refuses three */
    resign(&list, &sast, NULL);
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SAST_COUNT, 1);
    assert_int_equal(f.items[0].cert_record, 3);
    assert_non_null(strstr(f.items[0].message, "3 SAST records"));
    cs_findings_release(&f);
    cs_buf_release(&list);
}

static void test_signer_not_sast(void **state)
{
    (void)state;
    cs_tl_entry entries[] = {{CS_ROLE_SAST, sast.cert}, {CS_ROLE_CCM, asterisk.cert}};
    cs_buf list = CS_BUF_INIT;
    build_list(&list, entries, 2, 0);
    set_role(&list, 0, CS_ROLE_CCM);
    resign(&list, &sast, NULL);
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SIGNER, 1);
    assert_non_null(strstr(f.items[0].message, "only as CCM"));
    assert_string_equal(f.items[0].cert_subject, "CN=SAST,O=SAST,OU=SAST");
    cs_findings_release(&f);

    /* Signed by a key whose certificate is not in the list at all. */
    list.len = 0;
    build_list(&list, entries, 2, 0);
    resign(&list, &sast2, NULL);
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SIGNER, 1);
    assert_non_null(strstr(f.items[0].message, "no SAST record"));
    assert_string_equal(f.items[0].cert_subject, "CN=SAST-Recovery,O=SAST,OU=Recovery");
    cs_findings_release(&f);
    cs_buf_release(&list);
}

static void test_bad_signature(void **state)
{
    (void)state;
    cs_buf list = CS_BUF_INIT;
    test_read_data("vectors/ITLFile.tlv", &list);
    list.data[list.len - 1] ^= 1; /* inside a certificate's own signature */
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SIGNATURE, 1);
    assert_int_equal(f.items[0].cert_record, 1);
    cs_findings_release(&f);

    /* The header names the SAST but sast2 signed: the same rule. */
    list.len = 0;
    test_read_data("vectors/ITLFile.tlv", &list);
    resign(&list, &sast2, sast.cert);
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SIGNATURE, 1);
    cs_findings_release(&f);
    cs_buf_release(&list);
}

static void test_ec_signer(void **state)
{
    (void)state;
    cs_cert *ec = test_load_cert("vectors/tvs-ec256.pem");
    cs_tl_entry entries[] = {{CS_ROLE_SAST, sast.cert}, {CS_ROLE_SAST, ec}};
    cs_buf list = CS_BUF_INIT;
    build_list(&list, entries, 2, 0);
    resign(&list, &sast, ec); /* the header names the EC certificate */
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_SIGNER_KEY, 1);
    assert_int_equal(f.items[0].cert_record, 2);
    cs_findings_release(&f);
    cs_buf_release(&list);
    cs_cert_free(ec);
}

static void test_ec_curve(void **state)
{
    (void)state;
    cs_cert *k256 = test_load_cert("verify/secp256k1.pem");
    cs_cert *p256 = test_load_cert("vectors/tvs-ec256.pem");
    cs_cert *p384 = test_load_cert("vectors/apache-ec.pem");
    cs_tl_entry entries[] = {{CS_ROLE_SAST, sast.cert},
                             {CS_ROLE_TVS, p256},
                             {CS_ROLE_TFTP, p384},
                             {CS_ROLE_APP_SERVER, k256}};
    cs_buf list = CS_BUF_INIT;
    build_list(&list, entries, 4, 0);
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_EC_CURVE, 1);
    assert_int_equal(f.items[0].cert_record, 4);
    assert_string_equal(f.items[0].cert_subject, "CN=K256,O=Test,OU=Verify");
    assert_string_equal(f.items[0].cert_role, "APP-SERVER");
    cs_findings_release(&f);
    cs_buf_release(&list);
    cs_cert_free(k256);
    cs_cert_free(p256);
    cs_cert_free(p384);
}

static void test_record_contradicts_certificate(void **state)
{
    (void)state;
    cs_tl_entry entries[] = {{CS_ROLE_SAST, sast.cert}, {CS_ROLE_CCM, asterisk.cert}};
    cs_buf list = CS_BUF_INIT;
    build_list(&list, entries, 2, 0);
    size_t len;
    record_value(&list, 1, CS_REC_SERIAL, &len)[0] ^= 0x40;
    record_value(&list, 1, CS_REC_PUBLIC_KEY, &len)[len - 1] ^= 0x01;
    resign(&list, &sast, NULL);
    cs_findings f;
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_RECORD, 2);
    assert_non_null(strstr(f.items[0].message, "serial"));
    assert_non_null(strstr(f.items[1].message, "public key"));
    cs_findings_release(&f);

    /* A certificate that does not parse. */
    list.len = 0;
    build_list(&list, entries, 2, 0);
    record_value(&list, 1, CS_REC_CERTIFICATE, &len)[0] = 0x05;
    resign(&list, &sast, NULL);
    check_list(&list, T_2030, &f);
    expect_only(&f, CS_RULE_TLV_RECORD, 1);
    cs_findings_release(&f);
    cs_buf_release(&list);
}

/* Every prefix of a list: no crash, no read past the end (under ASan), and
 * never accepted. */
static void test_truncated_lists(void **state)
{
    (void)state;
    cs_buf list = CS_BUF_INIT;
    test_read_data("vectors/ITL-signer1024.tlv", &list);
    for (size_t n = 0; n < list.len; n++) {
        uint8_t *copy = test_exact_copy(list.data, n);
        cs_findings f = CS_FINDINGS_INIT;
        cs_error err;
        assert_int_equal(cs_phone_check_trustlist("L.tlv", copy, n, T_2030, &f, &err), CS_OK);
        if (f.errors == 0)
            fail_msg("a %zu-byte prefix was accepted", n);
        cs_findings_release(&f);
        free(copy);
    }
    cs_buf_release(&list);
}

/* --- signed files ------------------------------------------------------ */

static cs_trustlist *vector_list(const char *name, cs_buf *data, cs_trustlist *tl)
{
    cs_error err;
    test_read_data(name, data);
    assert_int_equal(cs_trustlist_parse(data->data, data->len, tl, &err), CS_OK);
    return tl;
}

static void check_signed(const char *file, const char *list_name, cs_findings *f)
{
    char path[4096]; /* test_data_path's buffer is reused below */
    snprintf(path, sizeof path, "%s", file);
    cs_buf data = CS_BUF_INIT;
    cs_trustlist tl;
    cs_phone_list list = {"ITL.tlv", vector_list(list_name, &data, &tl)};
    cs_error err;
    cs_findings_init(f);
    /* The name, like the real one, says whether it is an .enc.sgn. */
    int rc = cs_phone_check_signed_file(path, cs_basename(path), &list, 1, f, &err);
    if (rc != CS_OK)
        fail_msg("%s: %s", path, err.message);
    cs_trustlist_release(&tl);
    cs_buf_release(&data);
}

static void test_signed_files(void **state)
{
    (void)state;
    static const char *const good[] = {"vectors/SEP58971ECC97C1.cnf.xml.sgn",
                                       "vectors/SEP58971ECC97C1.cnf.xml.enc.sgn",
                                       "vectors/DialTemplate.xml.sgn"};
    cs_findings f;
    /* ITL-v1.1 holds the Asterisk certificate as CCM+TFTP. */
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        check_signed(test_data_path(good[i]), "vectors/ITL-v1.1-sha512.tlv", &f);
        expect_none(&f);
        cs_findings_release(&f);
    }
    /* ITLFile.tlv holds it as CCM only. */
    check_signed(test_data_path(good[0]), "vectors/ITLFile.tlv", &f);
    expect_only(&f, CS_RULE_SGN_SIGNER, 1);
    assert_non_null(strstr(f.items[0].message, "only as CCM"));
    assert_string_equal(f.items[0].cert_serial, "eaf13142ea6588df52f9afec4d5f33b6");
    cs_findings_release(&f);
    /* The CTL does not hold it at all. */
    check_signed(test_data_path(good[0]), "vectors/CTLSEP58971ECC97C1.tlv", &f);
    expect_only(&f, CS_RULE_SGN_SIGNER, 1);
    assert_non_null(strstr(f.items[0].message, "not in ITL.tlv"));
    cs_findings_release(&f);
}

/* Cuts one byte off the signer container (tag 3 at `container`), so that
 * its last child runs past its end, and signs the file again with pem's key
 * over the crafted header as it stands. */
static void straddle_signer_info(cs_buf *file, size_t container, const char *pem)
{
    assert_int_equal(file->data[container], CS_HDR_SIGNER_INFO);
    cs_buf_put_u16_at(file, container + 1, (uint16_t)(cs_load_u16(file->data + container + 1) - 1));
    cs_header h;
    cs_error err;
    assert_int_equal(cs_header_parse(file->data, file->len, file->len, &h, &err), CS_OK);
    assert_true(h.has_straddle);
    cs_md md = CS_MD_SHA1;
    assert_true(cs_digest_code_to_md(h.digest_code, &md));
    cs_hash *hash;
    assert_int_equal(cs_header_verify_begin(&h, file->data, &hash, &err), CS_OK);
    cs_hash_update(hash, file->data + h.length, file->len - h.length);
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(hash, digest);
    cs_hash_free(hash);
    cs_key *key = test_load_key(pem);
    assert_int_equal(
        cs_key_sign(key, md, digest, file->data + h.signature_offset + 3, h.signature.len, &err),
        CS_OK);
    cs_key_free(key);
}

/* A header whose child runs past its container: a warning, and the file is
 * otherwise judged as before (phones take such files). */
static void test_header_nesting_warns(void **state)
{
    (void)state;
    cs_buf data = CS_BUF_INIT;
    test_read_data("vectors/DialTemplate.xml.sgn", &data);
    straddle_signer_info(&data, 10, "vectors/asterisk.pem");
    cs_findings f;
    check_signed(write_temp("DialTemplate.xml.sgn", &data), "vectors/ITL-v1.1-sha512.tlv", &f);
    expect_only(&f, CS_RULE_HEADER_NESTING, 1);
    assert_int_equal(f.items[0].severity, CS_SEVERITY_WARNING);
    assert_int_equal(f.errors, 0);
    assert_non_null(strstr(f.items[0].message, "tag 5 at offset 89"));
    assert_non_null(strstr(f.items[0].message, "tag 3 at offset 10"));
    cs_findings_release(&f);

    /* A trust list: tag 28 comes first, so its signer container is at 15. */
    data.len = 0;
    test_read_data("vectors/ITLFile.tlv", &data);
    straddle_signer_info(&data, 15, "vectors/sast.pem");
    check_list(&data, T_2030, &f);
    expect_only(&f, CS_RULE_HEADER_NESTING, 1);
    assert_int_equal(f.errors, 0);
    cs_findings_release(&f);
    cs_buf_release(&data);
}

static void test_signed_file_tampered(void **state)
{
    (void)state;
    cs_buf data = CS_BUF_INIT;
    test_read_data("vectors/DialTemplate.xml.sgn", &data);
    data.data[data.len - 2] ^= 1;
    const char *path = write_temp("DialTemplate.xml.sgn", &data);
    cs_findings f;
    check_signed(path, "vectors/ITL-v1.1-sha512.tlv", &f);
    expect_only(&f, CS_RULE_SGN_SIGNATURE, 1);
    assert_int_equal(f.items[0].cert_record, 5); /* CCM+TFTP */
    assert_string_equal(f.items[0].cert_role, "CCM+TFTP");
    cs_findings_release(&f);
    cs_buf_release(&data);
}

static void test_signed_file_format(void **state)
{
    (void)state;
    cs_findings f;
    /* A .sgn is not an encrypted configuration. */
    cs_buf data = CS_BUF_INIT;
    test_read_data("vectors/DialTemplate.xml.sgn", &data);
    check_signed(write_temp("X.enc.sgn", &data), "vectors/ITL-v1.1-sha512.tlv", &f);
    expect_only(&f, CS_RULE_FORMAT, 1);
    assert_non_null(strstr(f.items[0].message, "no encryption fields"));
    cs_findings_release(&f);

    /* A truncated encrypted body. */
    data.len = 0;
    test_read_data("vectors/SEP58971ECC97C1.cnf.xml.enc.sgn", &data);
    data.len -= 5;
    check_signed(write_temp("Y.enc.sgn", &data), "vectors/ITL-v1.1-sha512.tlv", &f);
    expect_only(&f, CS_RULE_FORMAT, 1);
    assert_non_null(strstr(f.items[0].message, "AES blocks"));
    cs_findings_release(&f);

    /* Not a signed file at all, and an empty one. */
    data.len = 0;
    cs_buf_append(&data, "<xml/>", 6);
    check_signed(write_temp("Z.sgn", &data), "vectors/ITLFile.tlv", &f);
    expect_only(&f, CS_RULE_FORMAT, 1);
    cs_findings_release(&f);
    data.len = 0;
    check_signed(write_temp("E.sgn", &data), "vectors/ITLFile.tlv", &f);
    expect_only(&f, CS_RULE_FORMAT, 1);
    cs_findings_release(&f);
    cs_buf_release(&data);

    /* Unreadable: an error, not a finding. */
    cs_findings_init(&f);
    cs_error err;
    assert_int_equal(
        cs_phone_check_signed_file(temp_path("absent.sgn"), "absent.sgn", NULL, 0, &f, &err),
        CS_ERROR);
    assert_int_equal(f.count, 0);
    cs_findings_release(&f);
}

/* A header naming an EC certificate that the list holds as TFTP. */
static void test_signed_file_ec_signer(void **state)
{
    (void)state;
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");
    cs_buf subject = CS_BUF_INIT, issuer = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_cert_subject(ec, &subject, &err), CS_OK);
    assert_int_equal(cs_cert_issuer(ec, &issuer, &err), CS_OK);
    cs_header_spec spec = {.version = {1, 0},
                           .digest_code = CS_DIGEST_SHA1,
                           .filename = "X.sgn",
                           .has_timestamp = true,
                           .timestamp = T_BUILD};
    cs_signer_fill_spec(&asterisk, &spec);
    spec.signer_name = cs_buf_str(&subject);
    spec.issuer_name = cs_buf_str(&issuer);
    spec.serial = cs_cert_serial(ec);
    cs_header_draft draft;
    assert_int_equal(cs_header_draft_build(&draft, &spec, &err), CS_OK);
    assert_int_equal(
        cs_header_draft_sign_buffer(&draft, asterisk.key, (const uint8_t *)"x", 1, &err), CS_OK);
    cs_buf_append(&draft.bytes, "x", 1);
    cs_findings f;
    check_signed(write_temp("X.sgn", &draft.bytes), "vectors/ITL-v1.1-sha512.tlv", &f);
    expect_only(&f, CS_RULE_SGN_SIGNER, 1);
    assert_non_null(strstr(f.items[0].message, "no RSA key"));
    cs_findings_release(&f);
    cs_header_draft_release(&draft);
    cs_buf_release(&subject);
    cs_buf_release(&issuer);
    cs_cert_free(ec);
}

/* --- updates ----------------------------------------------------------- */

static void check_rollover(const char *old_name, const cs_buf *new, cs_findings *f)
{
    cs_buf old = CS_BUF_INIT;
    cs_error err;
    test_read_data(old_name, &old);
    cs_findings_init(f);
    int rc = cs_phone_check_rollover("OLD.tlv", old.data, old.len, "NEW.tlv", new->data, new->len,
                                     T_2030, f, &err);
    if (rc != CS_OK)
        fail_msg("%s", err.message);
    cs_buf_release(&old);
}

static void test_rollover(void **state)
{
    (void)state;
    cs_buf new = CS_BUF_INIT;
    cs_findings f;
    /* ITLFile.tlv to the 1.1 list: the same SAST signs, nothing dropped. */
    test_read_data("vectors/ITL-v1.1-sha512.tlv", &new);
    check_rollover("vectors/ITLFile.tlv", &new, &f);
    expect_none(&f);
    cs_findings_release(&f);

    /* Back again: the CCM+TFTP certificate that signs files is dropped. */
    new.len = 0;
    test_read_data("vectors/ITLFile.tlv", &new);
    check_rollover("vectors/ITL-v1.1-sha512.tlv", &new, &f);
    expect_only(&f, CS_RULE_ROLLOVER_TFTP, 1);
    assert_int_equal(f.errors, 0);
    assert_int_equal(f.items[0].cert_record, 5);
    assert_string_equal(f.items[0].file, "NEW.tlv");
    cs_findings_release(&f);

    /* A list signed by another SAST: rejected, and no old SAST kept. */
    new.len = 0;
    test_read_data("vectors/ITL-signer1024.tlv", &new);
    check_rollover("vectors/ITLFile.tlv", &new, &f);
    assert_int_equal(f.count, 2);
    assert_int_equal(f.items[0].rule, CS_RULE_ROLLOVER_SIGNER);
    assert_int_equal(f.items[1].rule, CS_RULE_ROLLOVER_SAST);
    assert_int_equal(f.errors, 1);
    assert_int_equal(f.warnings, 1);
    cs_findings_release(&f);

    /* The SAST's key replaced, serial kept: the old certificate does not
     * verify the update (and the update does not verify itself). */
    new.len = 0;
    test_read_data("vectors/ITLFile.tlv", &new);
    resign(&new, &sast2, sast.cert);
    check_rollover("vectors/ITLFile.tlv", &new, &f);
    assert_int_equal(cs_findings_count_rule(&f, CS_RULE_ROLLOVER_SIGNER), 1);
    assert_int_equal(cs_findings_count_rule(&f, CS_RULE_TLV_SIGNATURE), 1);
    cs_findings_release(&f);
    cs_buf_release(&new);

    /* An old list that does not parse: nothing to judge against. */
    uint8_t junk[4] = {1, 2, 3, 4};
    cs_error err;
    cs_findings_init(&f);
    assert_int_equal(cs_phone_check_rollover("OLD", junk, sizeof junk, "NEW", junk, sizeof junk,
                                             T_2030, &f, &err),
                     CS_ERROR);
    cs_findings_release(&f);
}

/* --- servers ----------------------------------------------------------- */

static void check_server(const char *pem, cs_service service, const char *list_name, cs_findings *f)
{
    cs_cert *cert = test_load_cert(pem);
    cs_buf data = CS_BUF_INIT;
    cs_trustlist tl;
    cs_phone_list list = {"ITL.tlv", vector_list(list_name, &data, &tl)};
    cs_bytes der = cs_cert_der(cert);
    cs_error err;
    cs_findings_init(f);
    assert_int_equal(
        cs_phone_check_server("host:1", der.data, der.len, service, &list, T_2030, f, &err), CS_OK);
    cs_trustlist_release(&tl);
    cs_buf_release(&data);
    cs_cert_free(cert);
}

static void test_servers(void **state)
{
    (void)state;
    cs_findings f;
    check_server("vectors/asterisk.pem", CS_SERVICE_SIP, "vectors/ITLFile.tlv", &f);
    expect_none(&f);
    cs_findings_release(&f);
    check_server("vectors/apache.pem", CS_SERVICE_XML, "vectors/ITLFile.tlv", &f);
    expect_none(&f);
    cs_findings_release(&f);
    check_server("vectors/apache-ec.pem", CS_SERVICE_PROVISIONING, "vectors/ITL-v1.1-sha512.tlv",
                 &f);
    expect_none(&f);
    cs_findings_release(&f);

    check_server("vectors/asterisk.pem", CS_SERVICE_XML, "vectors/ITLFile.tlv", &f);
    expect_only(&f, CS_RULE_TLS_CERT_ROLE, 1);
    assert_string_equal(f.items[0].cert_role, "CCM");
    cs_findings_release(&f);
    check_server("vectors/device.pem", CS_SERVICE_SIP, "vectors/ITLFile.tlv", &f);
    expect_only(&f, CS_RULE_TLS_CERT_UNKNOWN, 1);
    assert_string_equal(f.items[0].file, "host:1");
    cs_findings_release(&f);
    check_server("vectors/asterisk.pem", CS_SERVICE_PROVISIONING, "vectors/ITL-v1.1-sha512.tlv",
                 &f);
    assert_int_equal(cs_findings_count_rule(&f, CS_RULE_TLS_CERT_ROLE), 1);
    assert_int_equal(cs_findings_count_rule(&f, CS_RULE_TLS_KEY_TYPE), 1);
    assert_int_equal(f.count, 2);
    cs_findings_release(&f);
    /* The CTL has apache-ec as APP-SERVER: right role, but a 1.0 list. */
    check_server("vectors/apache-ec.pem", CS_SERVICE_XML, "vectors/CTLSEP58971ECC97C1.tlv", &f);
    expect_none(&f);
    cs_findings_release(&f);
}

/* --- findings and times ------------------------------------------------ */

static void test_rule_table(void **state)
{
    (void)state;
    for (int i = 0; i < CS_RULE_COUNT; i++) {
        assert_non_null(cs_rule_id((cs_rule)i));
        assert_non_null(cs_rule_summary((cs_rule)i));
        for (int k = 0; k < i; k++)
            assert_string_not_equal(cs_rule_id((cs_rule)i), cs_rule_id((cs_rule)k));
    }
    assert_int_equal(cs_rule_severity(CS_RULE_SGN_STALE), CS_SEVERITY_WARNING);
    assert_int_equal(cs_rule_severity(CS_RULE_TLV_SIGNATURE), CS_SEVERITY_ERROR);
}

static void test_findings(void **state)
{
    (void)state;
    cs_findings f = CS_FINDINGS_INIT;
    uint8_t serial[] = {0x01, 0xab};
    cs_cert_ref ref = {.subject = {(const uint8_t *)"CN=A\x1b[0m", 8},
                       .serial = {serial, 2},
                       .record = 3,
                       .has_role = true,
                       .role = 99};
    cs_findings_add(&f, CS_RULE_TLV_RECORD, "a.tlv", &ref, "n=%d", 5);
    cs_findings_add(&f, CS_RULE_SGN_STALE, "b.sgn", NULL, "stale");
    assert_int_equal(f.count, 2);
    assert_int_equal(f.errors, 1);
    assert_int_equal(f.warnings, 1);
    assert_string_equal(f.items[0].message, "n=5");
    assert_string_equal(f.items[0].cert_subject, "CN=A\\x1b[0m"); /* no escapes reach a tty */
    assert_string_equal(f.items[0].cert_serial, "01ab");
    assert_string_equal(f.items[0].cert_role, "99");
    assert_null(f.items[1].cert_subject);
    assert_int_equal(cs_findings_count_rule(&f, CS_RULE_SGN_STALE), 1);
    cs_findings_release(&f);
}

static void test_times(void **state)
{
    (void)state;
    int64_t t;
    assert_true(cs_parse_time("2030-01-01T00:00:00Z", &t));
    assert_true(t == T_2030);
    assert_true(cs_parse_time("2030-01-01", &t) && t == T_2030);
    assert_true(cs_parse_time("2030-01-01t13:00:00+13:00", &t) && t == T_2030);
    assert_true(cs_parse_time("2029-12-31T23:30:00.5-00:30", &t) && t == T_2030);
    assert_true(cs_parse_time("2029-12-31 23:59:59", &t) && t == T_2030 - 1);
    assert_true(cs_parse_time("1969-12-31T23:59:59Z", &t) && t == -1);
    assert_true(cs_parse_time("2024-02-29T00:00:00Z", &t));
    assert_false(cs_parse_time("2023-02-29", &t));
    assert_false(cs_parse_time("2030-13-01", &t));
    assert_false(cs_parse_time("2030-01-01T24:00:00Z", &t));
    assert_false(cs_parse_time("2030-01-01T00:00Z", &t));
    assert_false(cs_parse_time("2030-01-01T00:00:00+1300", &t));
    assert_false(cs_parse_time("2030-01-01Z", &t));
    assert_false(cs_parse_time("tomorrow", &t));
    assert_false(cs_parse_time("", &t));
    char text[32];
    cs_format_time(T_2030, text, sizeof text);
    assert_string_equal(text, "2030-01-01T00:00:00Z");
}

static void test_services(void **state)
{
    (void)state;
    cs_service s;
    assert_true(cs_service_parse("TFTP", &s) && s == CS_SERVICE_PROVISIONING);
    assert_string_equal(cs_service_default_port(s), "6971");
    assert_true(cs_service_parse("app-server", &s) && s == CS_SERVICE_XML);
    assert_string_equal(cs_service_default_port(s), "443");
    assert_true(cs_service_parse("ccm", &s) && s == CS_SERVICE_SIP);
    assert_string_equal(cs_service_default_port(s), "5061");
    assert_false(cs_service_parse("sast", &s));
    /* The role names of tlv and cert (docs/cli.md): CCM+TFTP is the SIP
     * service of a combined server; roles without a TLS service are not. */
    assert_true(cs_service_parse("CCM+TFTP", &s) && s == CS_SERVICE_SIP);
    assert_true(cs_service_parse("APP-SERVER", &s) && s == CS_SERVICE_XML);
    assert_false(cs_service_parse("CAPF", &s));
    assert_false(cs_service_parse("TVS", &s));
    assert_false(cs_service_parse("", &s));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_lists_pass),
        cmocka_unit_test(test_rsa_4096_signer),
        cmocka_unit_test(test_validity),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_https_needs_ec_tftp),
        cmocka_unit_test(test_three_sast),
        cmocka_unit_test(test_signer_not_sast),
        cmocka_unit_test(test_bad_signature),
        cmocka_unit_test(test_ec_signer),
        cmocka_unit_test(test_ec_curve),
        cmocka_unit_test(test_record_contradicts_certificate),
        cmocka_unit_test(test_truncated_lists),
        cmocka_unit_test(test_signed_files),
        cmocka_unit_test(test_signed_file_tampered),
        cmocka_unit_test(test_header_nesting_warns),
        cmocka_unit_test(test_signed_file_format),
        cmocka_unit_test(test_signed_file_ec_signer),
        cmocka_unit_test(test_rollover),
        cmocka_unit_test(test_servers),
        cmocka_unit_test(test_rule_table),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_times),
        cmocka_unit_test(test_services),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
