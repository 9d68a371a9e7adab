/* SPDX-License-Identifier: MIT */
/* ciscosec sgn build|parse|remove, and the old `sgnfile` and `stripsgn`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/fileio.h"
#include "ciscosec/signedfile.h"
#include "../batch.h"
#include "../cli.h"
#include "../report.h"
#include "../passphrase.h"
#include "../json.h"

static void usage_stripsgn(const cli_ctx *cli)
{
    printf("Usage: %s [OPTIONS] FILE.sgn|FILE.sha512...\n"
           "Remove the signed header from signed files (firmware images, .sgn files):\n"
           "writes each body to the name without its last extension.\n"
           "\n"
           "  -j, --jobs N             files handled at once; default the online CPUs\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Exit status: 0 done, 2 usage, I/O or format error (any file).\n",
           cli->prog);
}

static void usage(const cli_ctx *cli, bool stripsgn)
{
    const char *p = cli->prog;
    if (stripsgn) {
        usage_stripsgn(cli);
        return;
    }
    if (cli->legacy)
        printf("Usage: %s --build FILE... --tftp CERT [OPTIONS]\n"
               "       %s --parse FILE.sgn [--tftp CERT] [--json]\n"
               "       %s --remove FILE.sgn...\n",
               p, p, p);
    else
        printf("Usage: %s build FILE... --tftp CERT [OPTIONS]\n"
               "       %s parse FILE.sgn [--tftp CERT] [--json]\n"
               "       %s remove FILE.sgn...\n",
               p, p, p);
    printf("Sign files for phones (.sgn), check them, or take the signature off.\n"
           "\n"
           "  -b, --build              sign each FILE into FILE.sgn; many files are\n"
           "                           signed in parallel, one line each\n"
           "  -p, --parse              print the header of FILE.sgn (or a .sha512\n"
           "                           firmware image) and check its signature\n"
           "  -r, --remove             write the body of FILE.sgn or FILE.sha512 to\n"
           "                           FILE (firmware images signed by Cisco too)\n"
           "\n"
           "  -t, --tftp CERT          build: the signer, a certificate with the TFTP\n"
           "                           role whose PEM also holds its RSA private key;\n"
           "                           parse: the certificate that checks the\n"
           "                           signature (none: the signature is not checked)\n"
           "  %s--certificate CERT   deprecated: the same as --tftp (older sgnfile\n"
           "                           versions)\n"
           "      --key KEY            build: the private key, when it is not in "
           "CERT\n" PASSPHRASE_HELP
           "  -d, --digest DIGEST      build: sha1, sha256 or sha512; default sha1\n"
           "  -F, --filename NAME      build: the name stored in the header (the one\n"
           "                           the phone asks for); default FILE's base name\n"
           "                           plus .sgn; only with one FILE\n"
           "  -j, --jobs N             build, remove: files handled at once; default\n"
           "                           the online CPUs\n"
           "      --json               parse: print the report as JSON (docs/json.md)\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Outputs appear whole or not at all, replacing an existing file only once\n"
           "the new one is on disk. SOURCE_DATE_EPOCH, when set, is the timestamp\n"
           "written (reproducible builds). On a terminal, long batches show their\n"
           "progress on stderr.\n"
           "Exit status: 0 built, valid or done, 1 invalid signature, 2 usage, I/O or\n"
           "format error (in a batch: any file).\n",
           cli_old_letter(cli, "-c, "));
}

enum mode { MODE_NONE, MODE_BUILD, MODE_PARSE, MODE_REMOVE };
enum { OPT_KEY = 256, OPT_JSON };

typedef struct sgn_options {
    enum mode mode;
    bool stripsgn; /* called as stripsgn: the verb came with the name */
    const char **files;
    size_t count;
    const char *cert;
    const char *key_path;
    passphrase_opts pass;
    const char *filename;
    uint8_t digest_code;
    unsigned jobs;
    bool json;
} sgn_options;

/* clang-format off */
static const struct option long_options[] = {
    {"build", no_argument, NULL, 'b'},
    {"parse", no_argument, NULL, 'p'},
    {"remove", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'H'},
    {"tftp", required_argument, NULL, 't'},
    {"certificate", required_argument, NULL, 'c'},
    {"key", required_argument, NULL, OPT_KEY},
    PASSPHRASE_LONG_OPTIONS,
    {"digest", required_argument, NULL, 'd'},
    {"filename", required_argument, NULL, 'F'},
    {"jobs", required_argument, NULL, 'j'},
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static const char *mode_name(enum mode mode, const cli_ctx *cli)
{
    static const char *const names[] = {"", "build", "parse", "remove"};
    static const char *const options[] = {"", "--build", "--parse", "--remove"};
    return cli->legacy ? options[mode] : names[mode];
}

/* Help for --help: stripsgn, the one old name with its verb preset, has
 * its own short usage. */
static void help(const cli_ctx *cli)
{
    usage(cli, strcmp(cli->prog, "stripsgn") == 0);
}

static int set_mode(sgn_options *o, enum mode mode, const cli_ctx *cli)
{
    if (o->mode != MODE_NONE && o->mode != mode)
        return cli_usage_error(cli, "%s and %s cannot be used together", mode_name(o->mode, cli),
                               mode_name(mode, cli));
    o->mode = mode;
    return CS_OK;
}

static int parse_option(void *opts, int opt, const cli_ctx *cli)
{
    sgn_options *o = opts;
    switch (opt) {
    case 'b':
        return set_mode(o, MODE_BUILD, cli);
    case 'p':
        return set_mode(o, MODE_PARSE, cli);
    case 'r':
        return set_mode(o, MODE_REMOVE, cli);
    case 't':
    case 'c':
        o->cert = optarg;
        return CS_OK;
    case OPT_KEY:
        o->key_path = optarg;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    case 'd':
        if (!cs_digest_code_parse(optarg, &o->digest_code))
            return cli_usage_error(cli, "invalid digest '%s': sha1, sha256 or sha512", optarg);
        return CS_OK;
    case 'F':
        o->filename = optarg;
        return CS_OK;
    case 'j':
        return batch_parse_jobs(optarg, &o->jobs, cli);
    case OPT_JSON:
        o->json = true;
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

static int check_args(const sgn_options *o, const cli_ctx *cli)
{
    if (o->mode == MODE_NONE)
        return cli_usage_error(cli, "one of %s, %s or %s is required", mode_name(MODE_BUILD, cli),
                               mode_name(MODE_PARSE, cli), mode_name(MODE_REMOVE, cli));
    if (o->count == 0)
        return cli_usage_error(cli, "no file given");
    if (o->mode == MODE_PARSE && o->count > 1)
        return cli_usage_error(cli, "one file at a time to parse ('%s' and '%s')", o->files[0],
                               o->files[1]);
    if (o->mode == MODE_BUILD && o->cert == NULL)
        return cli_usage_error(cli, "no --tftp certificate to sign with");
    if (o->mode == MODE_BUILD && o->filename != NULL && o->count > 1)
        return cli_usage_error(cli, "--filename names one file, but %zu files were given",
                               o->count);
    return CS_OK;
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, const cli_ctx *cli, sgn_options *o)
{
    static const char *const verbs[] = {"build", "parse", "remove", NULL};
    static const enum mode verb_modes[] = {MODE_BUILD, MODE_PARSE, MODE_REMOVE};
    *o = (sgn_options){.digest_code = CS_DIGEST_SHA1};
    int verb = cli_take_verb(&argc, &argv, verbs);
    if (verb >= 0)
        o->mode = verb_modes[verb];
    /* Only an old name comes with its verb: stripsgn is `sgn remove`. */
    o->stripsgn = cli->legacy && verb >= 0;
    static const cli_options spec = {"bprt:c:d:F:j:", long_options, parse_option, help};
    int first;
    int rc = cli_parse_options(&spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    /* The operands: getopt has moved them to the end of argv. */
    o->files = (const char **)(argv + first);
    o->count = (size_t)(argc - first);
    return check_args(o, cli);
}

/* --- build ------------------------------------------------------------- */

typedef struct build_ctx {
    cs_header_spec spec; /* shared by every job: read only */
    const cs_key *key;
} build_ctx;

/* Each thread signs with its own copy of the key (see cs_key_clone). */
static int clone_key(void *ctx, void **worker, cs_error *err)
{
    const build_ctx *b = ctx;
    cs_key *key;
    int rc = cs_key_clone(b->key, &key, err);
    if (rc == CS_OK)
        *worker = key;
    return rc;
}

static void free_key(void *worker)
{
    cs_key_free(worker);
}

static int build_one(void *ctx, void *worker, const char *file, char *line, size_t line_size,
                     cs_error *err)
{
    const build_ctx *b = ctx;
    char *out_path = cs_path_append(file, CS_SUFFIX_SGN);
    if (out_path == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    cs_output out;
    int rc = cs_sgn_create(&out, out_path, err);
    if (rc == CS_OK && (rc = cs_sgn_write(&out, file, &b->spec, worker, err)) != CS_OK)
        cs_output_abort(&out);
    if (rc == CS_OK) {
        /* The pool commits it while this thread signs the next file. */
        snprintf(line, line_size, "Built %s", out_path);
        rc = batch_commit(&out, line, err);
    }
    free(out_path);
    return rc;
}

static int build_sgn(const sgn_options *o, const cli_ctx *cli)
{
    cs_signer signer;
    cs_error err;
    const char *failed;
    uint32_t timestamp;
    cs_passphrase pass = passphrase_source(&o->pass);
    if (cs_signer_load(&signer, o->cert, o->key_path, &pass, &failed, &err) != CS_OK)
        return cli_file_fail(cli, failed, CS_ERROR, &err);
    if (cs_build_time(&timestamp, &err) != CS_OK) {
        cs_signer_release(&signer);
        return cli_fail(cli, CS_ERROR, "%s", err.message);
    }
    build_ctx ctx = {.key = signer.key};
    cs_sgn_spec_init(&ctx.spec, &signer, o->digest_code, timestamp);
    ctx.spec.filename = o->filename;
    batch_spec batch = {
        .files = o->files,
        .count = o->count,
        .jobs = o->jobs,
        .threads_per_job = 1, /* the jobs never wait: batch_commit */
        .ctx = &ctx,
        .worker_init = clone_key,
        .worker_release = free_key,
        .run = build_one,
    };
    int rc = batch_run(&batch, cli);
    cs_signer_release(&signer);
    return cli_finish(cli, rc);
}

/* --- parse ------------------------------------------------------------- */

static int report_json(const char *file, const cs_sgn_file *f, const cs_cert *cert, int verdict,
                       const cs_error *err, const cli_ctx *cli)
{
    json_t *report = json_report_new("sgn parse", file);
    json_object_set_new(report, "header", json_header(&f->header));
    json_object_set_new(report, "body_length",
                        json_integer((json_int_t)(f->size - f->header.length)));
    json_object_set_new(report, "signature",
                        json_string(report_verdict_word(cert != NULL, verdict)));
    if (verdict == CS_INVALID)
        json_object_set_new(report, "problem", json_string(err->message));
    return json_emit(report, cli);
}

static int parse_sgn(const sgn_options *o, const cli_ctx *cli)
{
    const char *file = o->files[0];
    cs_cert *cert = NULL;
    cs_error err;
    if (o->cert != NULL && cs_cert_load_file(o->cert, &cert, &err) != CS_OK)
        return cli_file_fail(cli, o->cert, CS_ERROR, &err);
    cs_sgn_file f;
    int rc = cs_sgn_open(&f, file, &err);
    if (rc != CS_OK) {
        cs_cert_free(cert);
        return cli_file_fail(cli, file, rc, &err);
    }
    cli_warn_header(cli, file, &f.header);
    if (!o->json) {
        /* The header first: a large body takes a while to hash. */
        report_header(stdout, &f.header, REPORT_WIDTH);
        fflush(stdout);
    }
    if (cert != NULL)
        rc = cs_sgn_verify(&f, cert, &err);
    if (rc != CS_OK) {
        fflush(stdout);
        cli_file_fail(cli, file, rc, &err);
    }
    if (rc != CS_ERROR && o->json) {
        if (report_json(file, &f, cert, rc, &err, cli) != CS_OK)
            rc = CS_ERROR;
    } else if (rc != CS_ERROR) {
        printf("%s\n", report_verdict_line(cert != NULL, rc));
    }
    cs_sgn_close(&f);
    cs_cert_free(cert);
    return cli_finish(cli, rc);
}

/* --- remove ------------------------------------------------------------ */

static int remove_one(void *ctx, void *worker, const char *file, char *line, size_t line_size,
                      cs_error *err)
{
    (void)ctx;
    (void)worker;
    char *out_path;
    int rc = cs_sgn_strip_name(file, &out_path, err);
    if (rc != CS_OK)
        return rc;
    cs_sgn_file f;
    rc = cs_sgn_open(&f, file, err);
    if (rc == CS_OK) {
        rc = cs_sgn_extract(&f, out_path, err);
        cs_sgn_close(&f);
    }
    if (rc == CS_OK)
        snprintf(line, line_size, "Wrote %s", out_path);
    free(out_path);
    return rc;
}

static int remove_sgn(const sgn_options *o, const cli_ctx *cli)
{
    batch_spec batch = {
        .files = o->files,
        .count = o->count,
        .jobs = o->jobs,
        .run = remove_one,
    };
    return cli_finish(cli, batch_run(&batch, cli));
}

int cmd_sgn(int argc, char **argv, const cli_ctx *cli)
{
    sgn_options o;
    int rc = parse_args(argc, argv, cli, &o);
    if (rc == CS_OK) {
        if (o.mode == MODE_BUILD)
            rc = build_sgn(&o, cli);
        else if (o.mode == MODE_PARSE)
            rc = parse_sgn(&o, cli);
        else
            rc = remove_sgn(&o, cli);
    } else if (rc == -1) {
        rc = cli_finish(cli, CS_OK);
    }
    return rc;
}
