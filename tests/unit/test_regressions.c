/* Every file under tests/data (vectors, keys, regression inputs) through
 * every parser of untrusted bytes, each input in an exact-size heap block
 * so that the sanitizers catch any read past its end. The vectors must
 * parse; everything else must be refused or accepted without harm. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/header.h"
#include "ciscosec/tlv.h"
#include "ciscosec/trustlist.h"

static int run_all_parsers(const uint8_t *data, size_t len)
{
    cs_error err;
    cs_header h;
    int header_rc = cs_header_parse(data, len, len, &h, &err);

    cs_trustlist tl;
    if (cs_trustlist_parse(data, len, &tl, &err) == CS_OK) {
        (void)cs_trustlist_verify(&tl, data, len, &err);
        cs_trustlist_release(&tl);
    }

    cs_tlv_reader r;
    cs_tlv t;
    cs_tlv_reader_init(&r, data, len);
    while (cs_tlv_read(&r, &t, NULL) == CS_OK && !cs_tlv_at_end(&r))
        ;

    cs_cert *cert;
    if (cs_cert_parse(data, len, &cert, &err) == CS_OK)
        cs_cert_free(cert);
    return header_rc;
}

static void check_file(const char *dir, const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s", dir, name);
    cs_buf buf = CS_BUF_INIT;
    test_read_data(rel, &buf);
    uint8_t *copy = test_exact_copy(buf.data, buf.len);
    int rc = run_all_parsers(copy, buf.len);
    size_t n = strlen(name);
    bool signed_vector =
        strcmp(dir, "vectors") == 0 && ((n > 4 && strcmp(name + n - 4, ".tlv") == 0) ||
                                        (n > 4 && strcmp(name + n - 4, ".sgn") == 0));
    if (signed_vector && rc != CS_OK)
        fail_msg("vector %s did not parse", name);
    free(copy);
    cs_buf_release(&buf);
}

static void check_directory(const char *dir)
{
    DIR *d = opendir(test_data_path(dir));
    assert_non_null(d);
    struct dirent *e;
    size_t count = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        check_file(dir, e->d_name);
        count++;
    }
    closedir(d);
    assert_true(count > 0);
}

static void test_vectors(void **state)
{
    (void)state;
    check_directory("vectors");
}

static void test_regression_inputs(void **state)
{
    (void)state;
    check_directory("regressions");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_regression_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
