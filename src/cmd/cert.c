/* ciscosec cert new|hash|show, and the old `mkcert` and `certhash`. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "ciscosec/certgen.h"
#include "ciscosec/civiltime.h"
#include "ciscosec/fileio.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../report.h"
#include "../json.h"
#include "../passphrase.h"

#define SHOW_WIDTH 21 /* "SHA-256 Fingerprint: " */
#define SECONDS_PER_DAY 86400

enum { OPT_FORCE = 256, OPT_JSON, OPT_ENCRYPT, OPT_NO_ENCRYPT, OPT_CA, OPT_STRICT };

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
        "  -c, --common NAME        common name (CN), required; also the DNS name\n"
        "  -o, --organization NAME  organization (O), required\n"
        "  -u, --unit NAME          organizational unit (OU), required\n"
        "  -l, --locality NAME      locality (L)\n"
        "  -s, --state NAME         state or province (ST)\n"
        "  -C, --country CC         country (C), two letters\n"
        "  -b, --bits N             RSA key size, a multiple of 8 from 512 to 4096\n"
        "                           (also --key-size); default 2048, the most\n"
        "                           phones support\n"
        "  -E, --curve NAME         an EC key instead: secp256r1 (prime256v1),\n"
        "                           secp384r1 or secp521r1\n"
        "  -y, --years N            validity in years from today; default 10\n"
        "  -d, --digest DIGEST      sha1, sha256 or sha512; default sha256\n"
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
        "Exit status: 0 written, 2 usage or I/O error.\n");
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

/* --- show --------------------------------------------------------------------- */

static void usage_show(const cli_ctx *cli)
{
    printf("Usage: %s show [--json] [--strict] FILE...\n", cli->prog);
    printf("Describe each file's certificate (the leaf of a PEM chain, or a DER file):\n"
           "names, serial number, validity, key, fingerprints, the MD5 that phone\n"
           "configurations call certHash, whether the file holds the matching private\n"
           "key, the trust-list roles it can fill for a phone, and whether its subject\n"
           "has the CN, O and OU phones need. For a chain, every certificate, leaf\n"
           "first: which signs which, whether it is complete up to a self-signed root,\n"
           "and when each expires.\n"
           "\n"
           "      --json               print each report as a JSON document\n"
           "                           (docs/json.md)\n"
           "      --strict             a subject without CN, O or OU is exit 1\n" PASSPHRASE_HELP
           "                           (show asks for none: without one, an encrypted\n"
           "                           key is reported but not checked)\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Exit status: 0 all usable, 1 a certificate expired or not yet valid, a\n"
           "private key that does not match, or (--strict) missing names, 2 usage, I/O\n"
           "or format error.\n");
}

typedef enum key_state { KEY_NONE, KEY_MATCHES, KEY_MISMATCH, KEY_ENCRYPTED } key_state;
typedef enum validity { VALID, EXPIRED, NOT_YET_VALID } validity;

/* What a phone can do with a certificate. */
typedef struct phone_use {
    const char *roles[16]; /* trust-list roles it can hold */
    size_t n_roles;
    /* The same for people, or why there are none; NULL: the roles' names. */
    const char *roles_text;
    bool can_sign; /* trust lists as SAST, files as TFTP */
    const char *sign_text;
} phone_use;

/* The certificates of a file, leaf first, then up the chain: each link
 * signed by the next, as far as the file goes; then any others. */
#define MAX_SHOWN_CHAIN 16
typedef struct chain {
    cs_cert *certs[MAX_SHOWN_CHAIN];
    size_t count;
    size_t links;   /* certs[0 .. links) is the leaf's chain */
    bool complete;  /* it ends in a self-signed certificate */
    bool truncated; /* the file holds more than MAX_SHOWN_CHAIN */
} chain;

/* Moves the certificate that signed certs[at - 1] to certs[at]. */
static bool next_link(chain *c, size_t at)
{
    for (size_t j = at; j < c->count; j++) {
        if (cs_cert_signed_by(c->certs[at - 1], c->certs[j])) {
            cs_cert *t = c->certs[at];
            c->certs[at] = c->certs[j];
            c->certs[j] = t;
            return true;
        }
    }
    return false;
}

static int chain_load(const cs_cert *file, chain *c, cs_error *err)
{
    size_t n = cs_cert_count(file);
    c->truncated = n > MAX_SHOWN_CHAIN;
    c->count = 0;
    for (size_t i = 0; i < n && i < MAX_SHOWN_CHAIN; i++) {
        int rc = cs_cert_at(file, i, &c->certs[i], err);
        if (rc != CS_OK)
            return rc;
        c->count++;
    }
    c->links = c->count > 0 ? 1 : 0;
    while (c->links > 0 && !cs_cert_is_self_signed(c->certs[c->links - 1]) &&
           next_link(c, c->links))
        c->links++;
    c->complete = c->links > 0 && cs_cert_is_self_signed(c->certs[c->links - 1]);
    return CS_OK;
}

static void chain_release(chain *c)
{
    for (size_t i = 0; i < c->count; i++)
        cs_cert_free(c->certs[i]);
    c->count = 0;
}

/* Everything `show` reports about one file. */
typedef struct cert_facts {
    const char *path;
    cs_cert *cert;
    key_state key;
    int64_t not_before, not_after;
    validity validity;
    long long days; /* left, since expiry, or until valid */
    phone_use use;
    const char *missing[CS_CERT_NEEDED_NAMES]; /* CN, O, OU absent */
    size_t n_missing;
    chain chain;
} cert_facts;

/* The names of the roles a key takes (every role for RSA), from the
 * library's table. */
static size_t role_names(bool ec, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cs_role_count() && n < max; i++)
        if (!ec || cs_role_takes_ec(cs_role_at(i)))
            names[n++] = cs_role_name(cs_role_at(i));
    return n;
}

static phone_use phone_use_of(const cs_cert *cert, key_state key)
{
    phone_use use = {.sign_text = "no: trust lists and configuration files are signed with RSA"};
    size_t bits = cs_cert_key_bits(cert);
    switch (cs_cert_key_type(cert)) {
    case CS_KEY_RSA:
        if (bits > CS_PHONE_MAX_RSA_BITS) {
            use.roles_text = "none: phones support RSA keys up to 2048 bits";
            use.sign_text = "no: phones reject the key";
            break;
        }
        use.n_roles = role_names(false, use.roles, sizeof use.roles / sizeof use.roles[0]);
        use.can_sign = cs_phone_rsa_can_sign(bits) && key == KEY_MATCHES;
        use.sign_text =
            !cs_phone_rsa_can_sign(bits) ? "no: phones take signatures of 512, 1024 or 2048 bits"
            : key == KEY_MATCHES         ? "yes: trust lists as SAST, configuration files as TFTP"
            : key == KEY_MISMATCH        ? "no: the private key does not match"
            : key == KEY_ENCRYPTED ? "unknown: the private key is encrypted (give its passphrase)"
                                   : "no: the file holds no private key";
        break;
    case CS_KEY_EC:
        if (cs_cert_curve(cert) == CS_CURVE_OTHER) {
            use.roles_text = "none: phones take EC keys on secp256r1, secp384r1 and secp521r1";
            break;
        }
        use.n_roles = role_names(true, use.roles, sizeof use.roles / sizeof use.roles[0]);
        use.roles_text = "TFTP (HTTPS provisioning, trust list version 1.1), CCM (TLS), APP-SERVER";
        break;
    default:
        use.roles_text = "none: phones take RSA and EC keys only";
        break;
    }
    return use;
}

/* An encrypted key is checked only when its passphrase was given: show
 * does not stop to ask for it. */
static int gather(const char *path, const passphrase_opts *pass, time_t now, cert_facts *f,
                  const cli_ctx *cli)
{
    cs_key *key;
    cs_error err;
    bool encrypted;
    *f = (cert_facts){.path = path};
    cs_passphrase source = passphrase_source(pass);
    if (cs_cert_file_load(path, passphrase_given(pass) ? &source : NULL, &f->cert, &key, &encrypted,
                          &err) != CS_OK)
        return cli_file_fail(cli, path, CS_ERROR, &err);
    if (key != NULL)
        f->key = cs_key_matches_cert(key, f->cert, &err) == CS_OK ? KEY_MATCHES : KEY_MISMATCH;
    else if (encrypted)
        f->key = KEY_ENCRYPTED;
    cs_key_free(key);

    cs_cert_validity(f->cert, &f->not_before, &f->not_after);
    if (now < f->not_before) {
        f->validity = NOT_YET_VALID;
        f->days = (f->not_before - now + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY;
    } else if (now > f->not_after) {
        f->validity = EXPIRED;
        f->days = (now - f->not_after) / SECONDS_PER_DAY;
    } else {
        f->validity = VALID;
        f->days = (f->not_after - now) / SECONDS_PER_DAY;
    }
    f->use = phone_use_of(f->cert, f->key);
    f->n_missing = cs_cert_missing_names(f->cert, f->missing);
    if (chain_load(f->cert, &f->chain, &err) != CS_OK) {
        chain_release(&f->chain);
        cs_cert_free(f->cert);
        return cli_file_fail(cli, path, CS_ERROR, &err);
    }
    return CS_OK;
}

static const char *key_state_name(key_state key)
{
    static const char *const names[] = {[KEY_NONE] = "no",
                                        [KEY_MATCHES] = "yes",
                                        [KEY_MISMATCH] = "mismatch",
                                        [KEY_ENCRYPTED] = "encrypted"};
    return names[key];
}

static const char *key_algorithm(const cs_cert *cert)
{
    cs_key_type type = cs_cert_key_type(cert);
    return type == CS_KEY_RSA ? "RSA" : type == CS_KEY_EC ? "EC" : "other";
}

static const char *plural(long long n)
{
    return n == 1 ? "" : "s";
}

/* The subject or issuer in the Cisco string form (names.h), in buf. */
static bool cert_name(const cs_cert *cert, bool issuer, cs_buf *buf)
{
    cs_error err;
    int rc = issuer ? cs_cert_issuer(cert, buf, &err) : cs_cert_subject(cert, buf, &err);
    return rc == CS_OK;
}

static void text_label(const char *label)
{
    fprintf(stdout, "%-*s", SHOW_WIDTH, label);
}

static void text_name(const char *label, const cs_cert *cert, bool issuer, const char *suffix)
{
    cs_buf name = CS_BUF_INIT;
    text_label(label);
    if (cert_name(cert, issuer, &name))
        report_text(stdout, cs_buf_bytes(&name));
    else
        fputs("?", stdout);
    fprintf(stdout, "%s\n", suffix);
    cs_buf_release(&name);
}

/* The certificate's DER digest with md; false if unavailable. */
static bool fingerprint(const cs_cert *cert, cs_md md, uint8_t out[CS_MAX_DIGEST_SIZE])
{
    cs_bytes der = cs_cert_der(cert);
    cs_error err;
    return cs_digest(md, der.data, der.len, out, &err) == CS_OK;
}

static void text_fingerprint(const char *label, const cs_cert *cert, cs_md md)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    text_label(label);
    if (fingerprint(cert, md, digest))
        report_hex(stdout, (cs_bytes){digest, cs_md_size(md)});
    else
        fputs("unavailable", stdout);
    fputc('\n', stdout);
}

static void print_names(const cert_facts *f)
{
    char problem[CS_CERT_NAMES_TEXT_SIZE];
    if (cs_cert_names_problem(f->cert, problem, sizeof problem))
        report_line(stdout, SHOW_WIDTH, "Names:", "%s", problem);
    else
        report_line(stdout, SHOW_WIDTH, "Names:", "CN, O and OU, as phones need");
}

/* "expires 2030-01-01T00:00:00Z" or "expired 2020-01-01T00:00:00Z". */
static void print_expiry(const cs_cert *cert, time_t now)
{
    int64_t from, to;
    char when[32];
    cs_cert_validity(cert, &from, &to);
    cs_format_time(to, when, sizeof when);
    printf("%s %s", now > to ? "EXPIRED" : now < from ? "not yet valid, expires" : "expires", when);
}

/* One line per certificate, leaf first: who signs it, and its expiry. */
static void print_chain(const chain *c, time_t now)
{
    if (c->complete)
        report_line(stdout, SHOW_WIDTH,
                    "Chain:", "%zu certificates, complete to a self-signed root", c->links);
    else
        report_line(stdout, SHOW_WIDTH, "Chain:",
                    "%zu certificate%s, incomplete: the issuer of the last is not in the file",
                    c->links, plural((long long)c->links));
    for (size_t i = 0; i < c->count; i++) {
        cs_buf name = CS_BUF_INIT;
        printf("  %zu. ", i + 1);
        if (cert_name(c->certs[i], false, &name))
            report_text(stdout, cs_buf_bytes(&name));
        if (i >= c->links)
            fputs(", not in the leaf's chain", stdout);
        else if (cs_cert_is_self_signed(c->certs[i]))
            fputs(", self-signed", stdout);
        else if (i + 1 < c->links)
            printf(", signed by %zu", i + 2);
        else
            fputs(", issuer not in the file", stdout);
        fputs(", ", stdout);
        print_expiry(c->certs[i], now);
        fputc('\n', stdout);
        cs_buf_release(&name);
    }
    if (c->truncated)
        printf("  (only the first %d certificates are shown)\n", MAX_SHOWN_CHAIN);
}

static void print_text(const cert_facts *f, time_t now)
{
    const cs_cert *cert = f->cert;
    const int w = SHOW_WIDTH;
    char from[32], to[32];
    cs_format_time(f->not_before, from, sizeof from);
    cs_format_time(f->not_after, to, sizeof to);
    cs_md md;

    report_line(stdout, w, "File:", "%s", f->path);
    text_name("Subject:", cert, false, "");
    text_name("Issuer:", cert, true, cs_cert_is_self_signed(cert) ? " (self-signed)" : "");
    text_label("Serial Number:");
    report_hex(stdout, cs_cert_serial(cert));
    fputc('\n', stdout);
    report_line(stdout, w, "Not Before:", "%s", from);
    report_line(stdout, w, "Not After:", "%s", to);
    if (f->validity == NOT_YET_VALID)
        report_line(stdout, w, "Validity:", "not yet valid, starts in %lld day%s", f->days,
                    plural(f->days));
    else if (f->validity == EXPIRED)
        report_line(stdout, w, "Validity:", "expired %lld day%s ago", f->days, plural(f->days));
    else
        report_line(stdout, w, "Validity:", "%lld day%s left", f->days, plural(f->days));
    if (cs_cert_key_type(cert) == CS_KEY_EC)
        report_line(stdout, w, "Key:", "EC %s (%zu bits)", cs_curve_name(cs_cert_curve(cert)),
                    cs_cert_key_bits(cert));
    else
        report_line(stdout, w, "Key:", "%s %zu bits", key_algorithm(cert), cs_cert_key_bits(cert));
    report_line(stdout, w, "Signature Digest:", "%s",
                cs_cert_signature_md(cert, &md) ? cs_md_name(md) : "other");
    text_fingerprint("SHA-1 Fingerprint:", cert, CS_MD_SHA1);
    text_fingerprint("SHA-256 Fingerprint:", cert, CS_MD_SHA256);
    text_fingerprint("certHash (MD5):", cert, CS_MD_MD5);
    report_line(stdout, w, "Private Key:", "%s", key_state_name(f->key));
    if (f->use.roles_text != NULL) {
        report_line(stdout, w, "Roles:", "%s", f->use.roles_text);
    } else {
        text_label("Roles:");
        for (size_t i = 0; i < f->use.n_roles; i++)
            printf("%s%s", i > 0 ? ", " : "", f->use.roles[i]);
        putchar('\n');
    }
    report_line(stdout, w, "Can Sign:", "%s", f->use.sign_text);
    print_names(f);
    if (f->chain.count > 1)
        print_chain(&f->chain, now);
    fputc('\n', stdout);
}

static void json_name(json_t *o, const char *field, const cs_cert *cert, bool issuer)
{
    cs_buf name = CS_BUF_INIT;
    if (cert_name(cert, issuer, &name))
        json_object_set_new(o, field, json_text(cs_buf_bytes(&name)));
    cs_buf_release(&name);
}

static void json_fingerprint(json_t *o, const char *field, const cs_cert *cert, cs_md md)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    if (fingerprint(cert, md, digest))
        json_object_set_new(o, field, json_hex((cs_bytes){digest, cs_md_size(md)}));
}

/* The chain, leaf first: each certificate's names, expiry, and the
 * 0-based index of the one that signed it (null: none in the file). */
static json_t *json_chain(const chain *c)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->count; i++) {
        json_t *link = json_object();
        int64_t from, to;
        char when[32];
        cs_cert_validity(c->certs[i], &from, &to);
        cs_format_time(to, when, sizeof when);
        json_name(link, "subject", c->certs[i], false);
        json_name(link, "issuer", c->certs[i], true);
        json_object_set_new(link, "not_after", json_string(when));
        bool self = cs_cert_is_self_signed(c->certs[i]);
        json_object_set_new(link, "self_signed", json_boolean(self));
        json_object_set_new(link, "in_chain", json_boolean(i < c->links));
        json_object_set_new(link, "signed_by",
                            i + 1 < c->links && !self ? json_integer((json_int_t)(i + 1))
                                                      : json_null());
        json_array_append_new(list, link);
    }
    return list;
}

/* The text report's fields in snake_case (docs/json.md). */
static int print_json(const cert_facts *f, const cli_ctx *cli)
{
    static const char *const validity_names[] = {
        [VALID] = "valid", [EXPIRED] = "expired", [NOT_YET_VALID] = "not yet valid"};
    const cs_cert *cert = f->cert;
    char from[32], to[32];
    cs_format_time(f->not_before, from, sizeof from);
    cs_format_time(f->not_after, to, sizeof to);
    cs_md md;

    json_t *o = json_report_new("cert show", f->path);
    json_name(o, "subject", cert, false);
    json_name(o, "issuer", cert, true);
    json_object_set_new(o, "self_signed", json_boolean(cs_cert_is_self_signed(cert)));
    json_object_set_new(o, "serial_number", json_hex(cs_cert_serial(cert)));
    json_object_set_new(o, "not_before", json_string(from));
    json_object_set_new(o, "not_after", json_string(to));
    json_object_set_new(o, "validity", json_string(validity_names[f->validity]));
    json_object_set_new(o,
                        f->validity == VALID     ? "days_left"
                        : f->validity == EXPIRED ? "days_since_expiry"
                                                 : "days_until_valid",
                        json_integer(f->days));
    json_object_set_new(o, "key_algorithm", json_string(key_algorithm(cert)));
    json_object_set_new(o, "key_bits", json_integer((json_int_t)cs_cert_key_bits(cert)));
    if (cs_cert_key_type(cert) == CS_KEY_EC)
        json_object_set_new(o, "curve", json_string(cs_curve_name(cs_cert_curve(cert))));
    if (cs_cert_signature_md(cert, &md))
        json_object_set_new(o, "signature_digest", json_string(cs_md_name(md)));
    json_fingerprint(o, "sha1_fingerprint", cert, CS_MD_SHA1);
    json_fingerprint(o, "sha256_fingerprint", cert, CS_MD_SHA256);
    json_fingerprint(o, "cert_hash", cert, CS_MD_MD5);
    json_object_set_new(o, "private_key", json_string(key_state_name(f->key)));
    json_t *roles = json_array();
    for (size_t i = 0; i < f->use.n_roles; i++)
        json_array_append_new(roles, json_string(f->use.roles[i]));
    json_object_set_new(o, "roles", roles);
    json_object_set_new(o, "can_sign", json_boolean(f->use.can_sign));
    json_t *missing = json_array();
    for (size_t i = 0; i < f->n_missing; i++)
        json_array_append_new(missing, json_string(f->missing[i]));
    json_object_set_new(o, "missing_names", missing);
    json_object_set_new(o, "chain", json_chain(&f->chain));
    json_object_set_new(o, "chain_complete", json_boolean(f->chain.complete));
    return json_emit(o, cli);
}

typedef struct show_options {
    bool json;
    bool strict;
    passphrase_opts pass;
} show_options;

static int show_one(const char *path, time_t now, const show_options *o, const cli_ctx *cli)
{
    cert_facts f;
    int rc = gather(path, &o->pass, now, &f, cli);
    if (rc != CS_OK)
        return rc;
    if (o->json)
        rc = print_json(&f, cli);
    else
        print_text(&f, now);

    /* The report goes first, then the reasons for the exit status. */
    fflush(stdout);
    if (rc == CS_OK && f.validity != VALID)
        rc = cli_fail(cli, CS_INVALID, "'%s': the certificate %s", path,
                      f.validity == EXPIRED ? "has expired" : "is not valid yet");
    if (rc != CS_ERROR && f.key == KEY_MISMATCH)
        rc =
            cli_fail(cli, CS_INVALID, "'%s': the private key does not match the certificate", path);
    char problem[CS_CERT_NAMES_TEXT_SIZE];
    if (rc != CS_ERROR && o->strict && cs_cert_names_problem(f.cert, problem, sizeof problem))
        rc = cli_fail(cli, CS_INVALID, "'%s': %s (--strict)", path, problem);
    if (f.key != KEY_NONE)
        cli_warn_exposed_key(cli, path);
    chain_release(&f.chain);
    cs_cert_free(f.cert);
    return rc;
}

static int show_option(void *opts, int opt, const cli_ctx *cli)
{
    show_options *o = opts;
    switch (opt) {
    case OPT_JSON:
        o->json = true;
        return CS_OK;
    case OPT_STRICT:
        o->strict = true;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

static int cert_show(int argc, char **argv, const cli_ctx *cli)
{
    /* clang-format off */
    static const struct option long_options[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"strict", no_argument, NULL, OPT_STRICT},
        PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    /* clang-format on */
    static const cli_options spec = {"", long_options, show_option, usage_show};
    show_options o = {0};
    int first;
    int parsed = cli_parse_options(&spec, &o, &argc, argv, &first, cli);
    if (parsed != CS_OK)
        return cli_finish(cli, parsed == -1 ? CS_OK : parsed);
    if (first >= argc)
        return cli_usage_error(cli, "no file given");
    int worst = CS_OK;
    time_t now = time(NULL);
    for (int i = first; i < argc; i++) {
        int rc = show_one(argv[i], now, &o, cli);
        if (rc > worst)
            worst = rc; /* an error (2) outranks an invalid certificate (1) */
    }
    return cli_finish(cli, worst);
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
    if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
                      strcmp(argv[1], "-H") == 0)) {
        usage(cli);
        return cli_finish(cli, CS_OK);
    }
    return cli_usage_error(cli, "expected new, hash or show");
}
