/* SPDX-License-Identifier: MIT */
/* Every file under tests/data/vectors and tests/data/regressions through
 * every parser of untrusted bytes, each input in an exact-size heap block
 * so that the sanitizers catch any read past its end, and each parser's
 * verdict compared with what is expected of that input: for a vector, by
 * its kind (its suffix); for a regression input, by the line that names it
 * in tests/data/regressions/EXPECTED. */
#include "support.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/fileio.h"
#include "ciscosec/header.h"
#include "ciscosec/tlv.h"
#include "ciscosec/trustlist.h"

/* What the parsers make of one input. */
typedef struct verdicts {
    int header;    /* cs_header_parse */
    int trustlist; /* cs_trustlist_parse, then cs_trustlist_verify */
    int cert;      /* cs_cert_parse */
    cs_error header_err;
} verdicts;

static verdicts run_all_parsers(const uint8_t *data, size_t len)
{
    verdicts v;
    cs_error err;
    cs_header h;
    v.header = cs_header_parse(data, len, len, &h, &v.header_err);

    cs_trustlist tl;
    v.trustlist = cs_trustlist_parse(data, len, &tl, &err);
    if (v.trustlist == CS_OK) {
        v.trustlist = cs_trustlist_verify(&tl, data, len, &err);
        cs_trustlist_release(&tl);
    }

    /* The bare codec only has to stop, wherever the bytes end. */
    cs_tlv_reader r;
    cs_tlv t;
    cs_tlv_reader_init(&r, data, len);
    while (cs_tlv_read(&r, &t, NULL) == CS_OK && !cs_tlv_at_end(&r))
        ;

    /* PEM is read NUL-terminated, as cs_cert_load_file passes it; DER as
     * it is. */
    uint8_t *text = malloc(len + 1);
    assert_non_null(text);
    memcpy(text, data, len);
    text[len] = '\0';
    cs_cert *cert;
    v.cert = cs_cert_parse(text, len + 1, &cert, &err);
    if (v.cert != CS_OK)
        v.cert = cs_cert_parse(data, len, &cert, &err);
    if (v.cert == CS_OK)
        cs_cert_free(cert);
    free(text);
    return v;
}

static verdicts run_file(const char *dir, const char *name)
{
    char rel[512];
    snprintf(rel, sizeof rel, "%s/%s", dir, name);
    cs_buf buf = CS_BUF_INIT;
    test_read_data(rel, &buf);
    uint8_t *copy = test_exact_copy(buf.data, buf.len);
    verdicts v = run_all_parsers(copy, buf.len);
    free(copy);
    cs_buf_release(&buf);
    return v;
}

static const char *verdict_name(int rc)
{
    return rc == CS_OK ? "ok" : rc == CS_INVALID ? "invalid" : "error";
}

static void expect_verdict(const char *name, const char *parser, int got, const char *want)
{
    if (strcmp(verdict_name(got), want) != 0)
        fail_msg("%s: %s parser says %s, expected %s", name, parser, verdict_name(got), want);
}

/* The names in a directory but dot files, README.md and EXPECTED. */
static size_t list_inputs(const char *dir, char names[][256], size_t max)
{
    DIR *d = opendir(test_data_path(dir));
    assert_non_null(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.' || strcmp(e->d_name, "README.md") == 0 ||
            strcmp(e->d_name, "EXPECTED") == 0)
            continue;
        assert_true(n < max);
        snprintf(names[n++], 256, "%s", e->d_name);
    }
    closedir(d);
    assert_true(n > 0);
    return n;
}

/* A vector's kind decides what each parser must say. Signed files are not
 * trust lists (their bodies hold no records); PEM files are certificates
 * and nothing else; the reports and plain files are none of the three. */
static void test_vectors(void **state)
{
    (void)state;
    static const struct {
        const char *suffix, *header, *trustlist, *cert;
    } kinds[] = {
        {".tlv", "ok", "ok", "error"},       {".sgn", "ok", "error", "error"},
        {".pem", "error", "error", "ok"},    {".txt", "error", "error", "error"},
        {".xml", "error", "error", "error"}, {".orig", "error", "error", "error"},
        {".bin", "error", "error", "error"}, {".md", "error", "error", "error"},
    };
    /* A signed file with an empty body is a trust list of no records, which
     * no SAST record signed. */
    static const struct {
        const char *name, *trustlist;
    } exceptions[] = {{"empty.bin.sgn", "invalid"}};
    static char names[64][256];
    size_t n = list_inputs("vectors", names, 64);
    for (size_t i = 0; i < n; i++) {
        const char *trustlist = NULL;
        for (size_t x = 0; x < sizeof exceptions / sizeof exceptions[0]; x++)
            if (strcmp(names[i], exceptions[x].name) == 0)
                trustlist = exceptions[x].trustlist;
        size_t k = 0;
        while (k < sizeof kinds / sizeof kinds[0] && !cs_path_has_suffix(names[i], kinds[k].suffix))
            k++;
        if (k == sizeof kinds / sizeof kinds[0])
            fail_msg("vectors/%s: no expectation for its kind", names[i]);
        verdicts v = run_file("vectors", names[i]);
        expect_verdict(names[i], "header", v.header, kinds[k].header);
        expect_verdict(names[i], "trust list", v.trustlist,
                       trustlist != NULL ? trustlist : kinds[k].trustlist);
        expect_verdict(names[i], "certificate", v.cert, kinds[k].cert);
    }
}

/* One line of EXPECTED: the input, the three verdicts and what the
 * header's error says. */
typedef struct expectation {
    char name[256];
    char header[16], trustlist[16], cert[16];
    char message[256];
    bool used;
} expectation;

static size_t read_expected(expectation *out, size_t max)
{
    FILE *f = fopen(test_data_path("regressions/EXPECTED"), "r");
    assert_non_null(f);
    char line[1024];
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        assert_true(n < max);
        expectation *e = &out[n++];
        memset(e, 0, sizeof *e);
        if (sscanf(line, "%255s %15s %15s %15s %255[^\n]", e->name, e->header, e->trustlist,
                   e->cert, e->message) < 4)
            fail_msg("EXPECTED: cannot read '%s'", line);
    }
    fclose(f);
    return n;
}

static void test_regression_inputs(void **state)
{
    (void)state;
    static expectation expected[64];
    size_t n_expected = read_expected(expected, 64);
    static char names[64][256];
    size_t n = list_inputs("regressions", names, 64);
    for (size_t i = 0; i < n; i++) {
        expectation *e = NULL;
        for (size_t j = 0; j < n_expected && e == NULL; j++)
            if (strcmp(expected[j].name, names[i]) == 0)
                e = &expected[j];
        if (e == NULL)
            fail_msg("regressions/%s has no line in regressions/EXPECTED", names[i]);
        e->used = true;
        verdicts v = run_file("regressions", names[i]);
        expect_verdict(names[i], "header", v.header, e->header);
        expect_verdict(names[i], "trust list", v.trustlist, e->trustlist);
        expect_verdict(names[i], "certificate", v.cert, e->cert);
        if (v.header != CS_OK && strstr(v.header_err.message, e->message) == NULL)
            fail_msg("%s: header error '%s' does not say '%s'", names[i], v.header_err.message,
                     e->message);
    }
    for (size_t j = 0; j < n_expected; j++)
        if (!expected[j].used)
            fail_msg("regressions/EXPECTED names %s, which is not there", expected[j].name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vectors),
        cmocka_unit_test(test_regression_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
