/* Helpers shared by the unit tests. */
#ifndef CISCOSEC_TEST_SUPPORT_H
#define CISCOSEC_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include "ciscosec/buf.h"

/* The path of a file in tests/data. */
const char *test_data_path(const char *name);
/* Reads a file from tests/data, failing the test if it cannot. */
void test_read_data(const char *name, cs_buf *out);
/* A copy of data in a heap block of exactly len bytes, so that ASan
 * catches any read past the end. */
uint8_t *test_exact_copy(const uint8_t *data, size_t len);

#endif
