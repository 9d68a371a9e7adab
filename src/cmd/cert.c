/* SPDX-License-Identifier: MIT */
/* ciscosec cert new|hash|show, and the old `mkcert` and `certhash`; `show`
 * is cert_show.c. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "ciscosec/certgen.h"
#include "ciscosec/fileio.h"
#include "../cli.h"
#include "../report.h"
#include "../passphrase.h"
#include "cert.h"

enum { OPT_FORCE = 256, OPT_ENCRYPT, OPT_NO_ENCRYPT, OPT_CA };

/* --- shared option handling ------------------------------------------------- */

static bool parse_unsigned(const char *text, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (text[0] < '0' || text[0] > '9' || *end != '\0' || errno != 0 || v > 100000)
        return false;
    *out = (unsigned)v;
    return true;
}

/* --- new ---------------------------------------------------------------------- */

static void usage_new(const cli_ctx *cli)
{
    printf("Usage: %s%s --common CN --organization O --unit OU [OPTIONS] [FILE]\n", cli->prog,
           cli->legacy ? "" : " new");
    printf(
        "Make a private key and a self-signed certificate for a phone's trust list,\n"
        "and write both (key first, PEM) to FILE, created with mode 0600. FILE\n"
        "defaults to the common name with every character other than A-Z, a-z,\n"
        "0-9 and '-' replaced by '_', plus .pem. An existing FILE is never\n"
        "replaced without --force: phones refuse trust lists signed by a\n"
        "regenerated SAST key.\n"
        "\n"
        "  %s--common NAME        common name (CN), required; also the DNS name\n"
        "  -o, --organization NAME  organization (O), required\n"
        "  -u, --unit NAME          organizational unit (OU), required\n"
        "  -l, --locality NAME      locality (L)\n"
        "  %s--state NAME         state or province (ST)\n"
        "  %s--country CC         country (C), two letters\n"
        "  -b, --bits N             RSA key size, a multiple of 8 from 512 to 4096\n"
        "                           (also --key-size); default 2048, the most\n"
        "                           phones support\n"
        "  -E, --curve NAME         an EC key instead: secp256r1 (prime256v1),\n"
        "                           secp384r1 or secp521r1\n"
        "  -y, --years N            validity in years from today; default 10\n"
        "  -d, --digest DIGEST      sha1, sha256 or sha512; default sha256, mkcert's\n"
        "                           (docs/cli.md says why each default)\n"
        "  -f, --file FILE          the file to write (also --output, or FILE last)\n"
        "      --force              replace an existing FILE\n"
        "      --encrypt            write the key encrypted with a passphrase\n"
        "                           (PKCS#8, AES-256-CBC, PBKDF2-HMAC-SHA256);\n"
        "                           implied by --passphrase-file or --passphrase-env\n"
        "      --no-encrypt         write the key unencrypted, without a warning\n" PASSPHRASE_HELP
        "      --ca                 the CAPF issuer profile: keyUsage (critical)\n"
        "                           digitalSignature and keyCertSign only, for a\n"
        "                           certificate that signs phones' LSCs\n"
        "  -H, -h, --help           print this help\n"
        "\n"
        "Exit status: 0 written, 2 usage or I/O error.\n",
        cli_old_letter(cli, "-c, "), cli_old_letter(cli, "-s, "), cli_old_letter(cli, "-C, "));
}

typedef struct new_options {
    cs_cert_request req;
    const char *file;
    bool force;
    bool bits_given;
    bool encrypt, no_encrypt;
    passphrase_opts pass;
} new_options;

/* clang-format off */
static const struct option new_long_options[] = {
    {"common", required_argument, NULL, 'c'},
    {"organization", required_argument, NULL, 'o'},
    {"unit", required_argument, NULL, 'u'},
    {"locality", required_argument, NULL, 'l'},
    {"state", required_argument, NULL, 's'},
    {"country", required_argument, NULL, 'C'},
    {"bits", required_argument, NULL, 'b'},
    {"key-size", required_argument, NULL, 'b'},
    {"curve", required_argument, NULL, 'E'},
    {"years", required_argument, NULL, 'y'},
    {"digest", required_argument, NULL, 'd'},
    {"file", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'f'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"encrypt", no_argument, NULL, OPT_ENCRYPT},
    {"no-encrypt", no_argument, NULL, OPT_NO_ENCRYPT},
    PASSPHRASE_LONG_OPTIONS,
    {"ca", no_argument, NULL, OPT_CA},
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static int set_file(new_options *o, const char *file, const cli_ctx *cli)
{
    if (o->file != NULL && strcmp(o->file, file) != 0)
        return cli_usage_error(cli, "one output file at a time ('%s' and '%s')", o->file, file);
    o->file = file;
    return CS_OK;
}

static int parse_new_option(void *opts, int opt, const cli_ctx *cli)
{
    new_options *o = opts;
    cs_cert_request *r = &o->req;
    uint8_t code;
    switch (opt) {
    case 'c':
        r->common_name = optarg;
        return CS_OK;
    case 'o':
        r->organization = optarg;
        return CS_OK;
    case 'u':
        r->unit = optarg;
        return CS_OK;
    case 'l':
        r->locality = optarg;
        return CS_OK;
    case 's':
        r->state = optarg;
        return CS_OK;
    case 'C':
        r->country = optarg;
        return CS_OK;
    case 'b':
        if (!parse_unsigned(optarg, &r->rsa_bits))
            return cli_usage_error(cli, "invalid key size '%s'", optarg);
        o->bits_given = true;
        return CS_OK;
    case 'E':
        if (!cs_curve_parse(optarg, &r->curve))
            return cli_usage_error(cli,
                                   "invalid curve '%s': secp256r1 (prime256v1), "
                                   "secp384r1 or secp521r1",
                                   optarg);
        r->key_type = CS_KEY_EC;
        return CS_OK;
    case 'y':
        if (!parse_unsigned(optarg, &r->years) || r->years == 0)
            return cli_usage_error(cli, "invalid number of years '%s'", optarg);
        return CS_OK;
    case 'd':
        if (!cs_digest_code_parse(optarg, &code) || !cs_digest_code_to_md(code, &r->md))
            return cli_usage_error(cli, "invalid digest '%s': sha1, sha256 or sha512", optarg);
        return CS_OK;
    case 'f':
        return set_file(o, optarg, cli);
    case OPT_FORCE:
        o->force = true;
        return CS_OK;
    case OPT_ENCRYPT:
        o->encrypt = true;
        return CS_OK;
    case OPT_NO_ENCRYPT:
        o->no_encrypt = true;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        o->encrypt = true;
        return passphrase_option(&o->pass, opt, cli);
    case OPT_CA:
        r->issuer = true;
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_new_args(int argc, char **argv, const cli_ctx *cli, new_options *o)
{
    *o = (new_options){0};
    cs_cert_request_init(&o->req);
    static const cli_options spec = {"c:o:u:l:s:C:b:E:y:d:f:", new_long_options, parse_new_option,
                                     usage_new};
    int first;
    int rc = cli_parse_options(&spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    for (int i = first; i < argc; i++) {
        rc = set_file(o, argv[i], cli);
        if (rc != CS_OK)
            return rc;
    }
    if (o->bits_given && o->req.key_type == CS_KEY_EC)
        return cli_usage_error(cli, "--bits and --curve cannot be used together");
    if (o->encrypt && o->no_encrypt)
        return cli_usage_error(cli, "--encrypt and --no-encrypt cannot be used together");
    o->pass.confirm = true;
    return CS_OK;
}

/* The reference's default: the common name with every character outside
 * [A-Za-z0-9-] replaced by '_', plus ".pem". */
static char *default_file_name(const char *common_name)
{
    size_t len = strlen(common_name);
    char *name = malloc(len + sizeof ".pem");
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < len; i++) {
        char c = common_name[i];
        bool keep =
            (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        name[i] = keep ? c : '_';
    }
    memcpy(name + len, ".pem", sizeof ".pem");
    return name;
}

/* Anything at path but a directory, which cs_output_open refuses itself. */
static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

static int refuse_existing(const char *path, const cli_ctx *cli)
{
    return cli_fail(cli, CS_ERROR,
                    "'%s': already exists; not replaced, since phones refuse trust lists signed "
                    "by a regenerated SAST key (--force replaces it)",
                    path);
}

static void warn_about_key(const new_options *o, const char *path, const cli_ctx *cli)
{
    const cs_cert_request *req = &o->req;
    if (req->key_type != CS_KEY_RSA)
        return;
    /* Any RSA key that can sign trust lists may become the SAST key, the
     * root of trust of every phone. mkcert's command line stays quiet. */
    if (!o->encrypt && !o->no_encrypt && !cli->legacy && cs_phone_rsa_can_sign(req->rsa_bits))
        cli_warn(cli, path,
                 "the private key is written unencrypted; as a SAST key it is the root of "
                 "trust of every phone (--encrypt protects it, --no-encrypt silences this)");
    if (req->rsa_bits > CS_PHONE_MAX_RSA_BITS)
        cli_warn(cli, path, "RSA key of %u bits: phones support RSA keys up to %u bits",
                 req->rsa_bits, CS_PHONE_MAX_RSA_BITS);
    else if (!cs_phone_rsa_can_sign(req->rsa_bits))
        cli_warn(cli, path,
                 "RSA key of %u bits: it cannot sign trust lists or configuration files "
                 "(512, 1024 or 2048 bits only)",
                 req->rsa_bits);
}

/* Key generation comes after every check that can fail fast, and after the
 * temporary output file exists: a missing directory is found before the
 * seconds an RSA-4096 key takes. */
static int write_new(const new_options *o, const char *path, const cli_ctx *cli)
{
    cs_error err;
    cs_output out;
    if (!o->force && exists(path))
        return refuse_existing(path, cli);
    if (cs_output_open(&out, path, 0600, &err) != CS_OK)
        return cli_file_fail(cli, path, CS_ERROR, &err);
    warn_about_key(o, path, cli);

    cs_buf pem = CS_BUF_INIT, phrase = CS_BUF_INIT;
    pem.secret = phrase.secret = true;
    cs_cert_request req = o->req;
    int rc = CS_OK;
    if (o->encrypt) {
        cs_passphrase source = passphrase_source(&o->pass);
        rc = source.get(source.ctx, path, &phrase, &err);
        if (rc == CS_OK && phrase.len == 0)
            rc = cs_fail(&err, CS_ERROR, "the passphrase is empty");
        req.key_passphrase = cs_buf_bytes(&phrase);
    }
    if (rc == CS_OK)
        rc = cs_cert_generate(&req, &pem, &err);
    if (rc == CS_OK)
        rc = cs_output_write(&out, pem.data, pem.len, &err);
    cs_buf_release(&pem);
    cs_buf_release(&phrase);
    if (rc != CS_OK) {
        cs_output_abort(&out);
        return cli_file_fail(cli, path, CS_ERROR, &err);
    }
    if (cs_output_commit(&out, o->force, &err) != CS_OK) {
        if (!o->force && exists(path))
            return refuse_existing(path, cli); /* created meanwhile */
        return cli_file_fail(cli, path, CS_ERROR, &err);
    }
    printf("Built %s\n", path);
    return CS_OK;
}

static int cert_new(int argc, char **argv, const cli_ctx *cli)
{
    new_options o;
    int rc = parse_new_args(argc, argv, cli, &o);
    if (rc == -1)
        return cli_finish(cli, CS_OK);
    if (rc != CS_OK)
        return rc;
    cs_error err;
    if (cs_cert_request_check(&o.req, &err) != CS_OK)
        return cli_usage_error(cli, "%s", err.message);

    char *made_name = NULL;
    const char *path = o.file;
    if (path == NULL) {
        path = made_name = default_file_name(o.req.common_name);
        if (path == NULL)
            return cli_fail(cli, CS_ERROR, "out of memory");
    }
    rc = write_new(&o, path, cli);
    free(made_name);
    return cli_finish(cli, rc);
}

/* --- hash --------------------------------------------------------------------- */

static void usage_hash(const cli_ctx *cli)
{
    printf("Usage: %s%s [--digest sha1|sha512] CERT\n", cli->prog, cli->legacy ? "" : " hash");
    printf("Print the base64 of the digest of the certificate's DER (the first\n"
           "certificate of a PEM file, which may also hold a key; or a DER file).\n"
           "\n"
           "  -d, --digest DIGEST      sha1 or sha512; default sha1\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Exit status: 0 printed, 2 usage, I/O or format error.\n");
}

/* clang-format off */
static const struct option hash_long_options[] = {
    {"digest", required_argument, NULL, 'd'},
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static int hash_option(void *opts, int opt, const cli_ctx *cli)
{
    cs_md *md = opts;
    uint8_t code;
    if (opt != 'd')
        return cli_usage_error(cli, "invalid option");
    if (!cs_digest_code_parse(optarg, &code) || code == CS_DIGEST_SHA256 ||
        !cs_digest_code_to_md(code, md))
        return cli_usage_error(cli, "invalid digest '%s': sha1 or sha512", optarg);
    return CS_OK;
}

static int cert_hash(int argc, char **argv, const cli_ctx *cli)
{
    static const cli_options spec = {"d:", hash_long_options, hash_option, usage_hash};
    cs_md md = CS_MD_SHA1;
    const char *file = NULL;
    int first;
    int parsed = cli_parse_options(&spec, &md, &argc, argv, &first, cli);
    if (parsed != CS_OK)
        return cli_finish(cli, parsed == -1 ? CS_OK : parsed);
    for (int i = first; i < argc; i++) {
        if (file != NULL)
            return cli_usage_error(cli, "one certificate at a time ('%s' and '%s')", file, argv[i]);
        file = argv[i];
    }
    if (file == NULL)
        return cli_usage_error(cli, "no certificate given");

    cs_cert *cert;
    cs_error err;
    cs_buf text = CS_BUF_INIT;
    int rc = cs_cert_load_file(file, &cert, &err);
    if (rc != CS_OK)
        return cli_file_fail(cli, file, CS_ERROR, &err);
    rc = cs_cert_hash_base64(cert, md, &text, &err);
    if (rc == CS_OK)
        printf("%s\n", cs_buf_str(&text));
    else
        cli_file_fail(cli, file, CS_ERROR, &err);
    cs_buf_release(&text);
    cs_cert_free(cert);
    return cli_finish(cli, rc);
}

/* --- the command ---------------------------------------------------------------- */

static void usage(const cli_ctx *cli)
{
    printf("Usage: %s new --common CN --organization O --unit OU [OPTIONS] [FILE]\n"
           "       %s hash [--digest sha1|sha512] CERT\n"
           "       %s show [--json] [--strict] FILE...\n"
           "Make self-signed certificates for phones' trust lists (new, also called\n"
           "mkcert), print the base64 digest of a certificate (hash, also called\n"
           "certhash), or describe certificates and what a phone can do with them\n"
           "(show). '%s VERB --help' describes each.\n",
           cli->prog, cli->prog, cli->prog, cli->prog);
}

int cmd_cert(int argc, char **argv, const cli_ctx *cli)
{
    static const char *const verbs[] = {"new", "hash", "show", NULL};
    switch (cli_take_verb(&argc, &argv, verbs)) {
    case 0:
        return cert_new(argc, argv, cli);
    case 1:
        return cert_hash(argc, argv, cli);
    case 2:
        return cert_show(argc, argv, cli);
    default:
        break;
    }
    if (cli_asks_help(argc, argv)) {
        usage(cli);
        return cli_finish(cli, CS_OK);
    }
    return cli_verb_required(cli, verbs);
}
