#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/error.h"
#include "ciscosec/fileio.h"

const char *test_data_path(const char *name)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", TEST_DATA_DIR, name);
    return path;
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
