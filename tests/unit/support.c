/* SPDX-License-Identifier: MIT */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/error.h"
#include "ciscosec/fileio.h"

const char *test_data_path(const char *name)
{
    static char path[4096];
    if (name[0] == '/')
        return name;
    snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
    return path;
}

const char *test_vector_path(const char *name)
{
    static char paths[4][4096];
    static unsigned which;
    which = (which + 1) % 4;
    snprintf(paths[which], sizeof paths[which], "%s/vectors/%s", TEST_DATA_DIR, name);
    return paths[which];
}

void test_read_data(const char *name, cs_buf *out)
{
    cs_error err;
    int rc = cs_read_file(test_data_path(name), 64u * 1024 * 1024, out, &err);
    if (rc != CS_OK)
        fail_msg("cannot read %s: %s", name, err.message);
}

uint8_t *test_exact_copy(const uint8_t *data, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    assert_non_null(copy);
    if (len)
        memcpy(copy, data, len);
    return copy;
}

/* Built twice: for tests of base and codec, which cannot see the signer,
 * without the loaders; for the others with them (support.h says the same). */
#if __has_include("ciscosec/signer.h")
void test_read_header(const char *name, cs_buf *file, cs_header *h)
{
    test_read_data(name, file);
    cs_error err;
    if (cs_header_parse(file->data, file->len, file->len, h, &err) != CS_OK)
        fail_msg("%s: %s", name, err.message);
}

cs_cert *test_load_cert(const char *name)
{
    cs_cert *cert = NULL;
    cs_error err;
    if (cs_cert_load_file(test_data_path(name), &cert, &err) != CS_OK)
        fail_msg("%s: %s", name, err.message);
    return cert;
}

cs_key *test_load_key(const char *name)
{
    cs_key *key = NULL;
    cs_error err;
    if (cs_key_load_file(test_data_path(name), NULL, &key, &err) != CS_OK)
        fail_msg("%s: %s", name, err.message);
    return key;
}

void test_load_signer(const char *name, cs_signer *signer)
{
    const char *failed = NULL;
    cs_error err;
    if (cs_signer_load(signer, test_data_path(name), NULL, NULL, &failed, &err) != CS_OK)
        fail_msg("%s: %s", failed != NULL ? failed : name, err.message);
}
#endif

void test_assert_hex(const uint8_t *data, size_t len, const char *hex)
{
    char text[2 * 512 + 1];
    assert_true(len <= 512);
    cs_hex(data, len, text);
    assert_string_equal(text, hex);
}

void test_assert_bytes_hex(cs_bytes b, const char *hex)
{
    test_assert_hex(b.data, b.len, hex);
}

void test_assert_bytes_str(cs_bytes b, const char *s)
{
    assert_int_equal(b.len, strlen(s));
    assert_memory_equal(b.data, s, b.len);
}

void test_capture_start(test_capture *c, int fd)
{
    fflush(stdout);
    fflush(stderr);
    c->fd = fd;
    c->file = tmpfile();
    assert_non_null(c->file);
    c->saved = dup(fd);
    assert_true(c->saved >= 0);
    assert_true(dup2(fileno(c->file), fd) >= 0);
}

char *test_capture_stop(test_capture *c)
{
    fflush(stdout);
    fflush(stderr);
    assert_true(dup2(c->saved, c->fd) >= 0);
    close(c->saved);
    assert_int_equal(fseek(c->file, 0, SEEK_END), 0);
    long size = ftell(c->file);
    assert_true(size >= 0);
    rewind(c->file);
    char *text = calloc(1, (size_t)size + 1);
    assert_non_null(text);
    assert_int_equal(fread(text, 1, (size_t)size, c->file), (size_t)size);
    fclose(c->file);
    return text;
}
