/* Helpers shared by the unit tests, over the base layer only: tests of base
 * and codec include this; support.h adds the key and signer loaders. */
#ifndef CISCOSEC_TEST_SUPPORT_BASE_H
#define CISCOSEC_TEST_SUPPORT_BASE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

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

/* Asserts that the len bytes at data are `hex` (lowercase). */
void test_assert_hex(const uint8_t *data, size_t len, const char *hex);
void test_assert_bytes_hex(cs_bytes b, const char *hex);
/* Asserts that b holds exactly the characters of s. */
void test_assert_bytes_str(cs_bytes b, const char *s);

#endif
