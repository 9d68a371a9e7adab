/* SPDX-License-Identifier: MIT */
/* ciscosec enc build|parse|decrypt, and the old `enccnf`. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/encconfig.h"
#include "ciscosec/fileio.h"
#include "ciscosec/signer.h"
#include "../batch.h"
#include "../cli.h"
#include "../report.h"
#include "../passphrase.h"
#include "../json.h"

/* "Encryption Digest Algorithm: ", the longest label of the report. */
#define ENC_REPORT_WIDTH 29
#define CONFIG_SUFFIX ".cnf.xml"

static void usage(const cli_ctx *cli)
{
    const char *p = cli->prog;
    if (cli->legacy)
        printf("Usage: %s --build SEPxxx.cnf.xml --tftp CERT --certificate DEVICE-CERT\n"
               "       %s --build SEPxxx.cnf.xml... --tftp CERT --certificate-dir DIR\n"
               "       %s --parse SEPxxx.cnf.xml.enc.sgn [--tftp CERT] [--json]\n"
               "       %s --remove SEPxxx.cnf.xml.enc.sgn --key DEVICE-KEY [--tftp CERT]\n",
               p, p, p, p);
    else
        printf("Usage: %s build SEPxxx.cnf.xml --tftp CERT --device-certificate DEVICE-CERT\n"
               "       %s build SEPxxx.cnf.xml... --tftp CERT --certificate-dir DIR\n"
               "       %s parse SEPxxx.cnf.xml.enc.sgn [--tftp CERT] [--json]\n"
               "       %s decrypt SEPxxx.cnf.xml.enc.sgn --device-key DEVICE-KEY [--tftp CERT]\n",
               p, p, p, p);
    printf("Encrypt a phone's configuration for that phone, parse the result, or\n"
           "decrypt it again.\n"
           "\n"
           "  -b, --build              encrypt SEPxxx.cnf.xml to SEPxxx.cnf.xml.enc.sgn\n"
           "                           and write SEPxxx.cnf.xml.sgn, which tells the\n"
           "                           phone to fetch it; then delete the input, once\n"
           "                           both files are safely written\n"
           "  -p, --parse              print an .enc.sgn's header and check its signature\n"
           "  -r, --remove             decrypt SEPxxx.cnf.xml.enc.sgn back to\n"
           "                           SEPxxx.cnf.xml (mode 0600), checking its content\n"
           "                           digest first; then delete it and SEPxxx.cnf.xml.sgn\n"
           "\n"
           "  -t, --tftp CERT          the TFTP certificate: signs (its PEM holds the RSA\n"
           "                           private key too, or --key names it) or checks\n"
           "                           the signature\n"
           "      --key KEY            build: the signer's (--tftp's) private key, when\n"
           "                           it is not in CERT\n"
           "      --device-certificate CERT\n"
           "                           the phone's certificate (MIC or LSC, RSA 1024 to\n"
           "                           4096 bits) to encrypt to\n"
           "      --certificate-dir DIR\n"
           "                           encrypt many configurations, finding each phone's\n"
           "                           certificate as DIR/SEPxxx.pem (SEPxxx.cnf.xml's name\n"
           "                           without .cnf.xml)\n"
           "  -j, --jobs N             files encrypted at once (default: the CPUs)\n"
           "      --device-key KEY     decrypt: the phone's private key\n" PASSPHRASE_HELP
           "  -d, --digest DIGEST      sha1 or sha512, for the signature and the content\n"
           "                           digest; default sha1\n"
           "      --keep               do not delete the input\n"
           "      --json               parse: print the report as JSON (docs/json.md)\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "%s"
           "The digest defaults to sha1, enccnf's: docs/cli.md says why each default.\n"
           "SOURCE_DATE_EPOCH, when set, is the timestamp written (reproducible builds).\n"
           "Exit status: 0 done or valid, 1 invalid signature or content digest, 2 usage,\n"
           "I/O or format error (for many files: any file failed; the others are done).\n",
           cli->legacy ? "enccnf's -c, --certificate is --device-certificate; with --remove,\n"
                         "-k and --key name the phone's key, as --device-key does.\n"
                       : "Deprecated (docs/cli.md): -c, --certificate is --device-certificate;\n"
                         "-k is --key; decrypt's --key is --device-key.\n");
}

enum mode { MODE_NONE, MODE_BUILD, MODE_PARSE, MODE_DECRYPT };
enum { OPT_KEEP = 256, OPT_CERT_DIR, OPT_JSON, OPT_DEVICE_KEY };

typedef struct enc_options {
    enum mode mode;
    const char **files;
    size_t count;
    const char *tftp;
    const char *certificate;
    const char *certificate_dir;
    const char *key;        /* --key, -k: build's signer key, decrypt's (deprecated) */
    const char *device_key; /* --device-key: the phone's key, to decrypt */
    passphrase_opts pass;
    uint8_t digest_code;
    bool keep;
    bool json;
    unsigned jobs;
} enc_options;

/* clang-format off */
static const struct option long_options[] = {
    {"build", no_argument, NULL, 'b'},
    {"parse", no_argument, NULL, 'p'},
    {"remove", no_argument, NULL, 'r'},
    {"help", no_argument, NULL, 'H'},
    {"tftp", required_argument, NULL, 't'},
    {"device-certificate", required_argument, NULL, 'c'},
    {"certificate", required_argument, NULL, 'c'}, /* deprecated */
    {"certificate-dir", required_argument, NULL, OPT_CERT_DIR},
    {"key", required_argument, NULL, 'k'},
    {"device-key", required_argument, NULL, OPT_DEVICE_KEY},
    PASSPHRASE_LONG_OPTIONS,
    {"digest", required_argument, NULL, 'd'},
    {"jobs", required_argument, NULL, 'j'},
    {"keep", no_argument, NULL, OPT_KEEP},
    {"json", no_argument, NULL, OPT_JSON},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static int set_mode(enc_options *o, enum mode mode, const cli_ctx *cli)
{
    if (o->mode != MODE_NONE && o->mode != mode)
        return cli_usage_error(cli, "choose one of %s",
                               cli->legacy ? "--build, --parse and --remove"
                                           : "build, parse and decrypt");
    o->mode = mode;
    return CS_OK;
}

static int parse_option(void *opts, int opt, const cli_ctx *cli)
{
    enc_options *o = opts;
    switch (opt) {
    case 'b':
        return set_mode(o, MODE_BUILD, cli);
    case 'p':
        return set_mode(o, MODE_PARSE, cli);
    case 'r':
        return set_mode(o, MODE_DECRYPT, cli);
    case 't':
        o->tftp = optarg;
        return CS_OK;
    case 'c':
        o->certificate = optarg;
        return CS_OK;
    case OPT_CERT_DIR:
        o->certificate_dir = optarg;
        return CS_OK;
    case 'k':
        o->key = optarg;
        return CS_OK;
    case OPT_DEVICE_KEY:
        o->device_key = optarg;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    case 'd':
        if (!cs_digest_code_parse(optarg, &o->digest_code) || o->digest_code == CS_DIGEST_SHA256)
            return cli_usage_error(cli, "invalid digest '%s': sha1 or sha512", optarg);
        return CS_OK;
    case 'j':
        return batch_parse_jobs(optarg, &o->jobs, cli);
    case OPT_JSON:
        o->json = true;
        return CS_OK;
    case OPT_KEEP:
        o->keep = true;
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

/* decrypt takes the phone's key as --device-key, or as --key: the spelling
 * of enccnf and of earlier versions (docs/cli.md), kept for scripts. */
static int check_decrypt_key(enc_options *o, const cli_ctx *cli)
{
    if (o->key != NULL && o->device_key != NULL)
        return cli_usage_error(cli, "--key and --device-key both name the phone's key: give one");
    if (o->device_key == NULL)
        o->device_key = o->key;
    o->key = NULL;
    if (o->device_key == NULL)
        return cli_usage_error(cli, "decrypting needs the phone's private key (%s)",
                               cli->legacy ? "--key" : "--device-key");
    return CS_OK;
}

static int check_args(enc_options *o, const cli_ctx *cli)
{
    if (o->mode == MODE_NONE)
        return cli_usage_error(cli, "one of %s is required",
                               cli->legacy ? "--build, --parse or --remove"
                                           : "build, parse or decrypt");
    if (o->count == 0)
        return cli_usage_error(cli, "no file given");
    if (o->mode != MODE_BUILD && o->count > 1)
        return cli_usage_error(cli, "one file at a time ('%s' and '%s')", o->files[0], o->files[1]);
    if (o->mode == MODE_DECRYPT)
        return check_decrypt_key(o, cli);
    if (o->device_key != NULL)
        return cli_usage_error(cli, "--device-key is for decrypting");
    if (o->mode != MODE_BUILD)
        return CS_OK;
    if (o->tftp == NULL)
        return cli_usage_error(cli, "no --tftp certificate to sign with");
    /* The phone's certificate, in the spelling of the name called. */
    const char *device_cert = cli->legacy ? "--certificate" : "--device-certificate";
    if (o->certificate != NULL && o->certificate_dir != NULL)
        return cli_usage_error(cli, "%s and --certificate-dir cannot be used together",
                               device_cert);
    if (o->certificate == NULL && o->certificate_dir == NULL)
        return cli_usage_error(cli, "no %s (the phone's) to encrypt to", device_cert);
    if (o->certificate != NULL && o->count > 1)
        return cli_usage_error(cli, "each phone has its own certificate: several files need "
                                    "--certificate-dir DIR");
    return CS_OK;
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, const cli_ctx *cli, enc_options *o)
{
    static const char *const verbs[] = {"build", "parse", "decrypt", NULL};
    static const enum mode verb_modes[] = {MODE_BUILD, MODE_PARSE, MODE_DECRYPT};
    *o = (enc_options){.digest_code = CS_DIGEST_SHA1};
    int verb = cli_take_verb(&argc, &argv, verbs);
    if (verb >= 0)
        o->mode = verb_modes[verb];

    static const cli_options spec = {"bprt:c:k:d:j:", long_options, parse_option, usage};
    int first;
    int rc = cli_parse_options(&spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    /* The operands: getopt has moved them to the end of argv. */
    o->files = (const char **)(argv + first);
    o->count = (size_t)(argc - first);
    return check_args(o, cli);
}

/* --- parse ------------------------------------------------------------- */

/* Checks the signature with the --tftp certificate, if one was given.
 * CS_OK valid (or unchecked), CS_INVALID invalid, CS_ERROR failed. */
static int check_signature(const enc_options *o, const cs_header *hdr, const cs_buf *data,
                           cs_error *err)
{
    if (o->tftp == NULL)
        return CS_OK;
    cs_cert *cert;
    if (cs_cert_load_file(o->tftp, &cert, err) != CS_OK) {
        cs_error_prefix(err, "'%s'", o->tftp);
        return CS_ERROR;
    }
    int rc = cs_header_verify_buffer(hdr, data->data, data->len, cert, err);
    cs_cert_free(cert);
    if (rc == CS_INVALID)
        cs_error_prefix(err, "invalid signature (checked with '%s')", o->tftp);
    return rc;
}

static int report_json(const enc_options *o, const cs_header *hdr, const cs_buf *data, int rc,
                       const cs_error *err, const cli_ctx *cli)
{
    json_t *report = json_report_new("enc parse", o->files[0]);
    json_object_set_new(report, "header", json_header(hdr));
    json_object_set_new(report, "body_length", json_integer((json_int_t)(data->len - hdr->length)));
    json_object_set_new(report, "signature", json_string(report_verdict_word(o->tftp != NULL, rc)));
    if (rc == CS_INVALID)
        json_object_set_new(report, "problem", json_string(err->message));
    return json_emit(report, cli);
}

static int parse_enc(const enc_options *o, const cli_ctx *cli)
{
    const char *file = o->files[0];
    cs_buf data = CS_BUF_INIT;
    cs_header hdr;
    cs_error err;
    int rc = cs_read_file(file, CS_ENC_MAX_FILE_SIZE, &data, &err);
    if (rc == CS_OK)
        rc = cs_enc_parse(data.data, data.len, &hdr, &err);
    if (rc == CS_OK)
        rc = check_signature(o, &hdr, &data, &err);
    if (rc == CS_ERROR) {
        cs_buf_release(&data);
        return cli_file_fail(cli, file, rc, &err);
    }
    cli_warn_header(cli, file, &hdr);
    if (o->json) {
        if (report_json(o, &hdr, &data, rc, &err, cli) != CS_OK)
            rc = CS_ERROR;
    } else {
        report_header(stdout, &hdr, ENC_REPORT_WIDTH);
        printf("%s\n", report_verdict_line(o->tftp != NULL, rc));
    }
    if (rc == CS_INVALID) {
        fflush(stdout);
        cli_file_fail(cli, file, rc, &err);
    }
    cs_buf_release(&data);
    return cli_finish(cli, rc);
}

/* --- decrypt ----------------------------------------------------------- */

static int decrypt_enc(const enc_options *o, const cli_ctx *cli)
{
    const char *file = o->files[0];
    cs_key *key = NULL;
    cs_cert *tftp = NULL;
    cs_error err;
    cs_passphrase pass = passphrase_source(&o->pass);
    if (cs_key_load_file(o->device_key, &pass, &key, &err) != CS_OK)
        return cli_file_fail(cli, o->device_key, CS_ERROR, &err);
    cli_warn_exposed_key(cli, o->device_key);
    int rc = CS_OK;
    if (o->tftp != NULL && cs_cert_load_file(o->tftp, &tftp, &err) != CS_OK)
        rc = cli_file_fail(cli, o->tftp, CS_ERROR, &err);
    else if ((rc = cs_enc_decrypt_file(file, key, tftp, o->keep, &err)) != CS_OK)
        cli_file_fail(cli, file, rc, &err);
    else
        printf("Decrypted %s to %.*s\n", file, (int)(strlen(file) - strlen(CS_SUFFIX_ENC_SGN)),
               file);
    cs_key_free(key);
    cs_cert_free(tftp);
    return cli_finish(cli, rc);
}

/* --- build ------------------------------------------------------------- */

typedef struct build_ctx {
    const enc_options *o;
    cs_signer *signer;
    cs_header_spec base; /* filled once, then only read by every thread */
} build_ctx;

static void built_line(const char *file, char *line, size_t line_size)
{
    snprintf(line, line_size, "Built %s.enc.sgn and %s.sgn", file, file);
}

/* DIR/SEPxxx.pem for .../SEPxxx.cnf.xml, allocated. */
static int device_cert_path(const char *dir, const char *file, char **out, cs_error *err)
{
    const char *base = cs_basename(file);
    size_t n = strlen(base), k = strlen(CONFIG_SUFFIX);
    if (n <= k || strcmp(base + n - k, CONFIG_SUFFIX) != 0)
        return cs_fail(err, CS_ERROR,
                       "the name does not end in %s, so its phone's certificate cannot be found "
                       "in '%s'",
                       CONFIG_SUFFIX, dir);
    size_t size = strlen(dir) + 1 + (n - k) + sizeof ".pem";
    *out = malloc(size);
    if (*out == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    snprintf(*out, size, "%s/%.*s.pem", dir, (int)(n - k), base);
    return CS_OK;
}

static int load_device_cert(const char *path, cs_cert **cert, cs_error *err)
{
    int rc = cs_cert_load_file(path, cert, err);
    if (rc == CS_OK && (rc = cs_enc_check_device_cert(*cert, err)) != CS_OK) {
        cs_cert_free(*cert);
        *cert = NULL;
    }
    return rc;
}

/* One phone of a fleet: its certificate from the directory, then build. */
static int build_job(void *vctx, void *worker, const char *file, char *line, size_t line_size,
                     cs_error *err)
{
    const build_ctx *ctx = vctx;
    cs_enc_signing signing = {&ctx->base, worker};
    char *cert_path = NULL;
    cs_cert *cert = NULL;
    int rc = device_cert_path(ctx->o->certificate_dir, file, &cert_path, err);
    if (rc == CS_OK && (rc = load_device_cert(cert_path, &cert, err)) != CS_OK)
        cs_error_prefix(err, "device certificate '%s'", cert_path);
    cs_enc_pending pending;
    if (rc == CS_OK)
        rc = cs_enc_build_begin(file, cert, &signing, &pending, err);
    if (rc == CS_OK) {
        /* What is left waits on the disk (fsync): the CPU goes to the next
         * phone meanwhile. */
        batch_cpu_done();
        rc = cs_enc_build_commit(&pending, ctx->o->keep, err);
    }
    if (rc == CS_OK)
        built_line(file, line, line_size);
    cs_cert_free(cert);
    free(cert_path);
    return rc;
}

/* Each thread signs with its own copy of the key: mbedTLS locks a key for
 * each private operation, so sharing one would serialise the threads. */
static int worker_init(void *vctx, void **worker, cs_error *err)
{
    const build_ctx *ctx = vctx;
    cs_key *copy;
    int rc = cs_key_clone(ctx->signer->key, &copy, err);
    if (rc == CS_OK)
        *worker = copy;
    return rc;
}

static void worker_release(void *worker)
{
    cs_key_free(worker);
}

static int build_fleet(build_ctx *ctx, const cli_ctx *cli)
{
    batch_spec spec = {
        .files = ctx->o->files,
        .count = ctx->o->count,
        .jobs = ctx->o->jobs,
        .ctx = ctx,
        .worker_init = worker_init,
        .worker_release = worker_release,
        .run = build_job,
    };
    return batch_run(&spec, cli);
}

static int build_one(build_ctx *ctx, const cli_ctx *cli)
{
    const enc_options *o = ctx->o;
    const char *file = o->files[0];
    cs_enc_signing signing = {&ctx->base, ctx->signer->key};
    cs_cert *cert = NULL;
    cs_error err;
    if (load_device_cert(o->certificate, &cert, &err) != CS_OK)
        return cli_file_fail(cli, o->certificate, CS_ERROR, &err);
    int rc = cs_enc_build_file(file, cert, &signing, o->keep, &err);
    cs_cert_free(cert);
    if (rc != CS_OK)
        return cli_file_fail(cli, file, rc, &err);
    char line[2 * 4096 + 64];
    built_line(file, line, sizeof line);
    printf("%s\n", line);
    return CS_OK;
}

static int build_enc(const enc_options *o, const cli_ctx *cli)
{
    cs_signer signer;
    cs_error err;
    const char *failed;
    uint32_t timestamp;
    cs_passphrase pass = passphrase_source(&o->pass);
    if (cs_signer_load(&signer, o->tftp, o->key, &pass, &failed, &err) != CS_OK)
        return cli_file_fail(cli, failed, CS_ERROR, &err);
    cli_warn_exposed_key(cli, o->key != NULL ? o->key : o->tftp);
    int rc = cs_build_time(&timestamp, &err);
    if (rc != CS_OK) {
        cs_signer_release(&signer);
        return cli_fail(cli, CS_ERROR, "%s", err.message);
    }
    build_ctx ctx = {.o = o, .signer = &signer};
    cs_signer_fill_spec(&signer, &ctx.base);
    ctx.base.digest_code = o->digest_code;
    ctx.base.has_timestamp = true;
    ctx.base.timestamp = timestamp;
    rc = o->certificate_dir != NULL ? build_fleet(&ctx, cli) : build_one(&ctx, cli);
    cs_signer_release(&signer);
    return cli_finish(cli, rc);
}

int cmd_enc(int argc, char **argv, const cli_ctx *cli)
{
    enc_options o;
    int rc = parse_args(argc, argv, cli, &o);
    if (rc == CS_OK) {
        if (o.mode == MODE_BUILD)
            rc = build_enc(&o, cli);
        else if (o.mode == MODE_PARSE)
            rc = parse_enc(&o, cli);
        else
            rc = decrypt_enc(&o, cli);
    } else if (rc == -1) {
        rc = cli_finish(cli, CS_OK);
    }
    return rc;
}
