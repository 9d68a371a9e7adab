/* SPDX-License-Identifier: MIT */
/* The commands' shared front end (src/cli.c, cli_options.c, report.c):
 * messages on stderr, option parsing, verbs, the guides' flattened
 * continuations, and the printing of headers as the reference prints
 * them. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"

static const cli_ctx cli = {"tlvfile", true};

static char *stderr_of_fail(int status, const char *message)
{
    test_capture c;
    test_capture_start(&c, 2);
    assert_int_equal(cli_fail(&cli, status, "%s", message), status);
    return test_capture_stop(&c);
}

static void test_messages(void **state)
{
    (void)state;
    char *text = stderr_of_fail(CS_INVALID, "bad things");
    assert_string_equal(text, "tlvfile: bad things\n");
    free(text);

    cs_error err;
    cs_fail(&err, CS_ERROR, "truncated");
    test_capture c;
    test_capture_start(&c, 2);
    assert_int_equal(cli_file_fail(&cli, "x.tlv", CS_ERROR, &err), CS_ERROR);
    cli_warn(&cli, "y.tlv", "odd %d", 7);
    assert_int_equal(cli_usage_error(&cli, "no file"), CS_ERROR);
    text = test_capture_stop(&c);
    assert_string_equal(text, "tlvfile: 'x.tlv': truncated\n"
                              "tlvfile: warning: 'y.tlv': odd 7\n"
                              "tlvfile: no file (try 'tlvfile --help')\n");
    free(text);
}

static void test_verdicts(void **state)
{
    (void)state;
    assert_string_equal(report_verdict_line(true, CS_OK), "Valid signature");
    assert_string_equal(report_verdict_line(true, CS_INVALID), "Invalid signature");
    assert_string_equal(report_verdict_line(false, CS_OK),
                        "No certificate specified, unable to check signature");
    assert_string_equal(report_verdict_word(true, CS_OK), "valid");
    assert_string_equal(report_verdict_word(true, CS_INVALID), "invalid");
    assert_string_equal(report_verdict_word(false, CS_INVALID), "unchecked");
}

/* Options: a flag, one with an argument, operands anywhere. */
typedef struct opts {
    bool flag;
    const char *value;
} opts;

static int handle(void *o, int opt, const cli_ctx *c)
{
    (void)c;
    opts *p = o;
    if (opt == 'f')
        p->flag = true;
    else if (opt == 'v')
        p->value = optarg;
    return CS_OK;
}

static int helped;
static void help(const cli_ctx *c)
{
    (void)c;
    helped++;
}

static const struct option longopts[] = {
    {"flag", no_argument, NULL, 'f'}, {"value", required_argument, NULL, 'v'}, {NULL, 0, NULL, 0}};
static const cli_options spec = {"fv:", longopts, handle, help};

/* Parses the words; returns the status and leaves the operands joined by
 * spaces in `operands`. */
static int parse(const char *const *words, opts *o, char *operands, char **err)
{
    char *argv[16];
    int argc = 0;
    for (; words[argc] != NULL; argc++)
        argv[argc] = (char *)words[argc];
    argv[argc] = NULL;
    *o = (opts){0};
    int first = 0;
    test_capture c;
    test_capture_start(&c, 2);
    int rc = cli_parse_options(&spec, o, &argc, argv, &first, &cli);
    *err = test_capture_stop(&c);
    operands[0] = '\0';
    for (int i = first; rc == CS_OK && i < argc; i++) {
        strcat(operands, argv[i]);
        strcat(operands, i + 1 < argc ? " " : "");
    }
    return rc;
}

static void test_parse_options(void **state)
{
    (void)state;
    opts o;
    char operands[256];
    char *err;
    const char *const a[] = {"tlvfile", "in.tlv", "--flag", " ", "-v", "V", "out", NULL};
    assert_int_equal(parse(a, &o, operands, &err), CS_OK);
    assert_true(o.flag);
    assert_string_equal(o.value, "V");
    assert_string_equal(operands, "in.tlv out"); /* the blank word dropped */
    free(err);

    /* A flattened continuation: " --value" is --value. */
    const char *const b[] = {"tlvfile", " --value", "W", "--", " x", NULL};
    assert_int_equal(parse(b, &o, operands, &err), CS_OK);
    assert_string_equal(o.value, "W");
    assert_string_equal(operands, " x"); /* after --, kept as it is */
    free(err);

    const char *const c[] = {"tlvfile", "--value", NULL};
    assert_int_equal(parse(c, &o, operands, &err), CS_ERROR);
    assert_string_equal(err,
                        "tlvfile: option '--value' needs an argument (try 'tlvfile --help')\n");
    free(err);
    const char *const d[] = {"tlvfile", "--nope", NULL};
    assert_int_equal(parse(d, &o, operands, &err), CS_ERROR);
    assert_string_equal(err, "tlvfile: unknown option '--nope' (try 'tlvfile --help')\n");
    free(err);
    for (const char *h = "hH"; *h != '\0'; h++) {
        char word[3] = {'-', *h, '\0'};
        const char *const e[] = {"tlvfile", "x", word, "--nope", NULL};
        helped = 0;
        assert_int_equal(parse(e, &o, operands, &err), -1);
        assert_int_equal(helped, 1);
        free(err);
    }
}

static void test_verbs_and_blanks(void **state)
{
    (void)state;
    static const char *const verbs[] = {"build", "parse", NULL};
    char *words[] = {"ciscosec tlv", "parse", "x.tlv", NULL};
    char **argv = words;
    int argc = 3;
    assert_int_equal(cli_take_verb(&argc, &argv, verbs), 1);
    assert_int_equal(argc, 2);
    assert_string_equal(argv[0], "ciscosec tlv");
    assert_string_equal(argv[1], "x.tlv");
    assert_int_equal(cli_take_verb(&argc, &argv, verbs), -1);
    argc = 1;
    assert_int_equal(cli_take_verb(&argc, &argv, verbs), -1);

    assert_true(cli_is_blank(""));
    assert_true(cli_is_blank(" \t\r\n"));
    assert_false(cli_is_blank(" x"));
}

/* A retired short letter shows under an old tool's name only, and the
 * columns of the help stay aligned. */
static void test_old_letter(void **state)
{
    (void)state;
    const cli_ctx old = {.prog = "tlvfile", .legacy = true};
    const cli_ctx now = {.prog = "ciscosec tlv", .legacy = false};
    assert_string_equal(cli_old_letter(&old, "-c, "), "-c, ");
    assert_string_equal(cli_old_letter(&now, "-c, "), "    ");
    assert_string_equal(cli_old_letter(&now, ""), "");
}

/* Help alone is asked for with --help, -h or -H; a missing verb is named
 * from the command's own table. */
static void test_help_and_missing_verb(void **state)
{
    (void)state;
    char prog[] = "x", help[] = "--help", h[] = "-H", other[] = "list";
    char *asks[] = {prog, help}, *asks_old[] = {prog, h}, *not [] = {prog, other};
    assert_true(cli_asks_help(2, asks));
    assert_true(cli_asks_help(2, asks_old));
    assert_false(cli_asks_help(2, not ));
    assert_false(cli_asks_help(1, asks));
    static const char *const verbs[] = {"serve", "add", "enrol", NULL};
    const cli_ctx capf = {.prog = "ciscosec capf"};
    test_capture c;
    test_capture_start(&c, 2);
    int rc = cli_verb_required(&capf, verbs);
    char *text = test_capture_stop(&c);
    assert_int_equal(rc, CS_ERROR);
    assert_non_null(strstr(text, "a verb is required: serve, add or enrol"));
    free(text);
}

/* Control bytes escaped, the rest as it is; hex in lower case. */
static void test_text_and_hex(void **state)
{
    (void)state;
    test_capture c;
    test_capture_start(&c, 1);
    report_text(stdout, (cs_bytes){(const uint8_t *)"a\tb\x7f\xc3\xa9\n", 7});
    report_hex(stdout, (cs_bytes){(const uint8_t *)"\x00\xab", 2});
    report_line(stdout, 8, "Name:", "%d", 5);
    char *text = test_capture_stop(&c);
    assert_string_equal(text, "a\\x09b\\x7f\xc3\xa9\\x0a00abName:   5\n");
    free(text);
}

/* The header report of a vector is the reference's, line for line. */
static void test_header_report(void **state)
{
    (void)state;
    setenv("TZ", "UTC", 1);
    cs_buf file = CS_BUF_INIT, want = CS_BUF_INIT;
    cs_header h;
    test_read_header("vectors/SEP58971ECC97C1.cnf.xml.enc.sgn", &file, &h);
    test_read_data("vectors/SEP58971ECC97C1.cnf.xml.enc.sgn.parse.txt", &want);
    test_capture c;
    test_capture_start(&c, 1);
    report_header(stdout, &h, 29);
    char *text = test_capture_stop(&c);
    /* The reference's report, without its last line (the verdict). */
    size_t len = strlen(text);
    assert_true(len < want.len);
    assert_memory_equal(text, want.data, len);
    assert_string_equal(cs_buf_str(&want) + len, "Valid signature\n");
    free(text);

    /* No warning for it; one for a child past its container. */
    test_capture_start(&c, 2);
    cli_warn_header(&cli, "e.sgn", &h);
    h.has_straddle = true;
    h.straddle = (cs_header_straddle){5, 89, 3, 10};
    cli_warn_header(&cli, "e.sgn", &h);
    text = test_capture_stop(&c);
    assert_string_equal(text, "tlvfile: warning: 'e.sgn': header element with tag 5 at offset 89 "
                              "runs past the end of its container (tag 3 at offset 10)\n");
    free(text);
    cs_buf_release(&file);
    cs_buf_release(&want);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_messages),      cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_parse_options), cmocka_unit_test(test_verbs_and_blanks),
        cmocka_unit_test(test_old_letter),    cmocka_unit_test(test_help_and_missing_verb),
        cmocka_unit_test(test_text_and_hex),  cmocka_unit_test(test_header_report),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
