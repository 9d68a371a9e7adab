/* SPDX-License-Identifier: MIT */
/* Signed files (.sgn, .sha512): building the vectors byte for byte from
 * their bodies, checking and stripping them, every truncation refused
 * cleanly, and outputs that never appear half written. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ciscosec/fileio.h"
#include "ciscosec/signedfile.h"

/* A vector, the body it was built from and how. */
typedef struct sgn_vector {
    const char *sgn;
    const char *pem;
    uint8_t digest;
    const char *filename; /* stored in the header; NULL: the default */
} sgn_vector;

static const sgn_vector vectors[] = {
    {"SEP58971ECC97C1-signed.cnf.xml.sgn", "asterisk.pem", CS_DIGEST_SHA1,
     "SEP58971ECC97C1.cnf.xml.sgn"},
    {"SEP58971ECC97C1.cnf.xml.sgn", "asterisk.pem", CS_DIGEST_SHA1, NULL},
    {"DialTemplate.xml.sgn", "asterisk.pem", CS_DIGEST_SHA512, "Templates/DialTemplate.xml.sgn"},
    {"firmware.bin.sgn", "signer4096.pem", CS_DIGEST_SHA512, NULL},
    {"empty.bin.sgn", "signer1024.pem", CS_DIGEST_SHA1, NULL},
};
#define N_VECTORS (sizeof vectors / sizeof vectors[0])

static char tmpdir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_signedfile.XXXXXX");
    return mkdtemp(tmpdir) != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];
    while (d != NULL && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        if (remove(path) != 0)
            rmdir(path);
    }
    if (d != NULL)
        closedir(d);
    return rmdir(tmpdir);
}

/* A path in the temporary directory, valid until the fourth next call. */
static const char *tmp_path(const char *name)
{
    static char path[4][512];
    static int next;
    next = (next + 1) % 4;
    snprintf(path[next], sizeof path[next], "%s/%s", tmpdir, name);
    return path[next];
}

static void write_file(const char *path, const void *data, size_t len)
{
    cs_error err;
    if (cs_write_file_atomic(path, data, len, 0644, &err) != CS_OK)
        fail_msg("cannot write %s: %s", path, err.message);
}

/* Without fsync: the prefix test writes thousands of files. */
static void write_quick(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

static void read_file(const char *path, cs_buf *out)
{
    cs_error err;
    if (cs_read_file(path, 64u * 1024 * 1024, out, &err) != CS_OK)
        fail_msg("cannot read %s: %s", path, err.message);
}

static void assert_file_equals(const char *path, const uint8_t *data, size_t len)
{
    cs_buf got = CS_BUF_INIT;
    read_file(path, &got);
    assert_int_equal(got.len, len);
    if (len > 0)
        assert_memory_equal(got.data, data, len);
    cs_buf_release(&got);
}

/* Nothing but the expected names in the temporary directory: no
 * leftover temporary files (.NAME.XXXXXX). */
static void assert_no_temp_files(void)
{
    DIR *d = opendir(tmpdir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] == '.' && strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            fail_msg("temporary file left: %s", e->d_name);
    closedir(d);
}

/* A vector's header, and its body (the bytes after the header). */
static void split_vector(const char *name, cs_buf *file, cs_header *hdr, cs_bytes *body)
{
    cs_error err;
    read_file(test_vector_path(name), file);
    assert_int_equal(cs_header_parse(file->data, file->len, file->len, hdr, &err), CS_OK);
    body->data = file->data + hdr->length;
    body->len = file->len - hdr->length;
}

/* Rebuilds v from its body, with the key given (the signer's or a copy). */
static void build_vector(const sgn_vector *v, bool clone_key)
{
    cs_buf file = CS_BUF_INIT;
    cs_header hdr;
    cs_bytes body;
    split_vector(v->sgn, &file, &hdr, &body);
    assert_true(hdr.has_timestamp);

    const char *in = tmp_path("body");
    const char *out = tmp_path(v->filename != NULL ? "out.sgn" : v->sgn);
    write_file(in, body.data, body.len);

    cs_signer signer;
    test_load_signer(test_vector_path(v->pem), &signer);
    cs_header_spec spec;
    cs_sgn_spec_init(&spec, &signer, v->digest, hdr.timestamp);
    spec.filename = v->filename;
    cs_key *key = signer.key;
    cs_error err;
    if (clone_key)
        assert_int_equal(cs_key_clone(signer.key, &key, &err), CS_OK);

    assert_int_equal(cs_sgn_build(in, out, &spec, key, &err), CS_OK);
    assert_file_equals(out, file.data, file.len);
    assert_no_temp_files();

    if (clone_key)
        cs_key_free(key);
    cs_signer_release(&signer);
    cs_buf_release(&file);
    unlink(in);
    unlink(out);
}

static void test_build_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++)
        build_vector(&vectors[i], false);
}

/* Batch signing gives each thread a copy of the key: the same signatures. */
static void test_build_with_cloned_key(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++)
        build_vector(&vectors[i], true);
}

static void load_cert(const char *pem, cs_cert **cert)
{
    cs_error err;
    if (cs_cert_load_file(test_vector_path(pem), cert, &err) != CS_OK)
        fail_msg("%s: %s", pem, err.message);
}

static void test_verify_vectors(void **state)
{
    (void)state;
    cs_cert *sast;
    load_cert("sast.pem", &sast);
    for (size_t i = 0; i < N_VECTORS; i++) {
        cs_cert *cert;
        load_cert(vectors[i].pem, &cert);
        cs_sgn_file f;
        cs_error err;
        assert_int_equal(cs_sgn_open(&f, test_vector_path(vectors[i].sgn), &err), CS_OK);
        assert_int_equal(cs_sgn_verify(&f, cert, &err), CS_OK);
        /* Verifying again reads the body again from its start. */
        assert_int_equal(cs_sgn_verify(&f, cert, &err), CS_OK);
        assert_int_equal(cs_sgn_verify(&f, sast, &err), CS_INVALID);
        cs_sgn_close(&f);
        cs_sgn_close(&f); /* twice is harmless */
        cs_cert_free(cert);
    }
    cs_cert_free(sast);
}

static void test_extract_vectors(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_VECTORS; i++) {
        cs_buf file = CS_BUF_INIT;
        cs_header hdr;
        cs_bytes body;
        split_vector(vectors[i].sgn, &file, &hdr, &body);
        cs_sgn_file f;
        cs_error err;
        const char *out = tmp_path("body");
        assert_int_equal(cs_sgn_open(&f, test_vector_path(vectors[i].sgn), &err), CS_OK);
        assert_int_equal(cs_sgn_extract(&f, out, &err), CS_OK);
        cs_sgn_close(&f);
        assert_file_equals(out, body.data, body.len);
        assert_no_temp_files();
        unlink(out);
        cs_buf_release(&file);
    }
}

/* Every prefix of a vector: shorter than the header, refused with a
 * message; longer, opened but its signature found invalid. */
static void check_prefixes(const char *name, const char *pem, size_t max)
{
    cs_buf file = CS_BUF_INIT;
    cs_header hdr;
    cs_bytes body;
    split_vector(name, &file, &hdr, &body);
    cs_cert *cert;
    load_cert(pem, &cert);
    const char *path = tmp_path("prefix.sgn");
    size_t end = file.len < max ? file.len : max;
    for (size_t len = 0; len < end; len++) {
        write_quick(path, file.data, len);
        cs_sgn_file f;
        cs_error err;
        err.message[0] = '\0';
        int rc = cs_sgn_open(&f, path, &err);
        if (len < hdr.length) {
            assert_int_equal(rc, CS_ERROR);
            assert_true(err.message[0] != '\0');
            continue;
        }
        assert_int_equal(rc, CS_OK);
        assert_int_equal(cs_sgn_verify(&f, cert, &err), CS_INVALID);
        cs_sgn_close(&f);
    }
    unlink(path);
    cs_cert_free(cert);
    cs_buf_release(&file);
}

static void test_every_prefix(void **state)
{
    (void)state;
    check_prefixes("DialTemplate.xml.sgn", "asterisk.pem", SIZE_MAX);
    check_prefixes("empty.bin.sgn", "signer1024.pem", SIZE_MAX);
    check_prefixes("firmware.bin.sgn", "signer4096.pem", 1024);
}

static void test_strip_name(void **state)
{
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"a.sgn", "a"},
        {"dir/SEP1.cnf.xml.sgn", "dir/SEP1.cnf.xml"},
        {"/x/kern.sha512", "/x/kern"},
        {"a.sgn.sgn", "a.sgn"},
        {"a.txt", NULL},
        {"a.sgn.bak", NULL},
        {"a.SGN", NULL},
        {".sgn", NULL},
        {"dir/.sha512", NULL},
        {"a", NULL},
        {"dir.sgn/a", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *out = NULL;
        cs_error err;
        int rc = cs_sgn_strip_name(cases[i].in, &out, &err);
        if (cases[i].out == NULL) {
            assert_int_equal(rc, CS_ERROR);
            assert_null(out);
        } else {
            assert_int_equal(rc, CS_OK);
            assert_string_equal(out, cases[i].out);
        }
        free(out);
    }
}

static void test_open_refuses(void **state)
{
    (void)state;
    cs_sgn_file f;
    cs_error err;
    const char *empty = tmp_path("empty.sgn");
    write_file(empty, "", 0);
    assert_int_equal(cs_sgn_open(&f, empty, &err), CS_ERROR);
    assert_string_equal(err.message, "empty file");
    assert_int_equal(cs_sgn_open(&f, tmpdir, &err), CS_ERROR);
    assert_string_equal(err.message, "is a directory");
    assert_int_equal(cs_sgn_open(&f, tmp_path("missing.sgn"), &err), CS_ERROR);
    cs_sgn_close(&f);
    unlink(empty);
}

/* Cisco's own firmware headers: a placeholder signer and no timestamp.
 * Stripping them needs no signer, so they strip like any other. */
static void test_firmware_header(void **state)
{
    (void)state;
    static const uint8_t zero_serial[1] = {0};
    cs_header_spec spec = {
        .version = {1, 0},
        .signer_name = "",
        .issuer_name = "",
        .serial = {zero_serial, 1},
        .digest_code = CS_DIGEST_SHA1,
        .signature_len = 256,
        .filename = "kern.sbn",
    };
    cs_header_draft draft;
    cs_error err;
    assert_int_equal(cs_header_draft_build(&draft, &spec, &err), CS_OK);
    static const char body[] = "firmware image";
    cs_buf file = CS_BUF_INIT;
    cs_buf_append(&file, draft.bytes.data, draft.bytes.len);
    cs_buf_append(&file, body, sizeof body);
    const char *path = tmp_path("kern.sha512");
    write_file(path, file.data, file.len);

    cs_sgn_file f;
    assert_int_equal(cs_sgn_open(&f, path, &err), CS_OK);
    assert_false(f.header.has_timestamp);
    char *out;
    assert_int_equal(cs_sgn_strip_name(path, &out, &err), CS_OK);
    assert_int_equal(cs_sgn_extract(&f, out, &err), CS_OK);
    cs_sgn_close(&f);
    assert_file_equals(out, (const uint8_t *)body, sizeof body);
    unlink(out);
    unlink(path);
    free(out);
    cs_buf_release(&file);
    cs_header_draft_release(&draft);
}

/* A failed build leaves no output, no temporary file, and an existing
 * output as it was. */
static void test_build_failures(void **state)
{
    (void)state;
    cs_signer signer;
    test_load_signer(test_vector_path("asterisk.pem"), &signer);
    cs_header_spec spec;
    cs_sgn_spec_init(&spec, &signer, CS_DIGEST_SHA1, 1767323045u);
    cs_error err;
    char in[512], out[512], dir[512];
    snprintf(in, sizeof in, "%s", tmp_path("in.xml"));
    snprintf(out, sizeof out, "%s", tmp_path("in.xml.sgn"));
    snprintf(dir, sizeof dir, "%s", tmp_path("d.sgn"));

    assert_int_equal(cs_sgn_build(in, out, &spec, signer.key, &err), CS_ERROR);
    assert_int_equal(access(out, F_OK), -1);
    assert_no_temp_files();

    write_file(out, "old", 3);
    assert_int_equal(cs_sgn_build(tmpdir, out, &spec, signer.key, &err), CS_ERROR);
    assert_string_equal(err.message, "is a directory");
    assert_file_equals(out, (const uint8_t *)"old", 3);
    assert_no_temp_files();

    /* The input as its own output. */
    write_file(in, "<xml/>", 6);
    assert_int_equal(cs_sgn_build(in, in, &spec, signer.key, &err), CS_ERROR);
    assert_file_equals(in, (const uint8_t *)"<xml/>", 6);
    assert_no_temp_files();

    /* An output that is a directory names the output. */
    assert_int_equal(mkdir(dir, 0755), 0);
    assert_int_equal(cs_sgn_build(in, dir, &spec, signer.key, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "cannot write '"));
    rmdir(dir);

    /* And a good build replaces the old output. */
    assert_int_equal(cs_sgn_build(in, out, &spec, signer.key, &err), CS_OK);
    cs_sgn_file f;
    assert_int_equal(cs_sgn_open(&f, out, &err), CS_OK);
    assert_int_equal(cs_sgn_verify(&f, signer.cert, &err), CS_OK);
    assert_int_equal(f.size, f.header.length + 6u);
    cs_sgn_close(&f);
    assert_no_temp_files();

    unlink(in);
    unlink(out);
    cs_signer_release(&signer);
}

/* A body of several chunks, not a multiple of the chunk size. */
static void test_large_body(void **state)
{
    (void)state;
    size_t len = 2 * CS_SGN_CHUNK_SIZE + 12345;
    uint8_t *body = malloc(len);
    assert_non_null(body);
    for (size_t i = 0; i < len; i++)
        body[i] = (uint8_t)(i * 7 + (i >> 13));
    const char *in = tmp_path("big.bin");
    const char *out = tmp_path("big.bin.sgn");
    const char *back = tmp_path("big.back");
    write_file(in, body, len);

    cs_signer signer;
    test_load_signer(test_vector_path("asterisk.pem"), &signer);
    cs_header_spec spec;
    cs_sgn_spec_init(&spec, &signer, CS_DIGEST_SHA512, 1767323045u);
    cs_error err;
    assert_int_equal(cs_sgn_build(in, out, &spec, signer.key, &err), CS_OK);

    cs_sgn_file f;
    assert_int_equal(cs_sgn_open(&f, out, &err), CS_OK);
    assert_int_equal(cs_sgn_verify(&f, signer.cert, &err), CS_OK);
    assert_int_equal(cs_sgn_extract(&f, back, &err), CS_OK);
    cs_sgn_close(&f);
    assert_file_equals(back, body, len);

    /* The same file held whole in memory gives the same signature. */
    cs_buf whole = CS_BUF_INIT;
    read_file(out, &whole);
    cs_header hdr;
    assert_int_equal(cs_header_parse(whole.data, whole.len, whole.len, &hdr, &err), CS_OK);
    assert_int_equal(cs_header_verify_buffer(&hdr, whole.data, whole.len, signer.cert, &err),
                     CS_OK);
    cs_buf_release(&whole);

    unlink(in);
    unlink(out);
    unlink(back);
    free(body);
    cs_signer_release(&signer);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_build_vectors),  cmocka_unit_test(test_build_with_cloned_key),
        cmocka_unit_test(test_verify_vectors), cmocka_unit_test(test_extract_vectors),
        cmocka_unit_test(test_every_prefix),   cmocka_unit_test(test_strip_name),
        cmocka_unit_test(test_open_refuses),   cmocka_unit_test(test_firmware_header),
        cmocka_unit_test(test_build_failures), cmocka_unit_test(test_large_body),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
