/* SPDX-License-Identifier: MIT */
/* Helpers shared by the unit tests. */
#ifndef CISCOSEC_TEST_SUPPORT_H
#define CISCOSEC_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ciscosec/buf.h"

/* The path of a file in tests/data (an absolute path stays as it is). */
const char *test_data_path(const char *name);
/* The path of a reference vector, tests/data/vectors/NAME; the last four
 * stay valid at once. */
const char *test_vector_path(const char *name);
/* Reads a file from tests/data, failing the test if it cannot. */
void test_read_data(const char *name, cs_buf *out);
/* A copy of data in a heap block of exactly len bytes, so that ASan
 * catches any read past the end. */
uint8_t *test_exact_copy(const uint8_t *data, size_t len);

/* A certificate, key or signer from a file in tests/data (as named for
 * test_data_path); one that cannot be loaded fails the test. Only for the
 * tests whose layer has the signer (formats): a test of base or codec
 * cannot see its header, and does not get these. */
#if __has_include("ciscosec/signer.h")
#include "ciscosec/crypto.h"
#include "ciscosec/header.h"
#include "ciscosec/signer.h"
cs_cert *test_load_cert(const char *name);
cs_key *test_load_key(const char *name);
void test_load_signer(const char *name, cs_signer *signer);

/* Reads a file from tests/data into file and parses its signed header
 * into h, failing the test if either cannot be done. */
void test_read_header(const char *name, cs_buf *file, cs_header *h);
#endif
/* Asserts that the len bytes at data are `hex` (lowercase). */
void test_assert_hex(const uint8_t *data, size_t len, const char *hex);
void test_assert_bytes_hex(cs_bytes b, const char *hex);
/* Asserts that b holds exactly the characters of s. */
void test_assert_bytes_str(cs_bytes b, const char *s);

/* Captures what is written to fd (1 or 2) between start and stop; stop
 * returns it as a NUL-terminated string for the caller to free. */
typedef struct test_capture {
    int fd;
    int saved;
    FILE *file;
} test_capture;
void test_capture_start(test_capture *c, int fd);
char *test_capture_stop(test_capture *c);

#endif
