/* SPDX-License-Identifier: MIT */
/* ciscosec capf serve|add|list|show|export|remove|enrol, and the reference
 * tools' names: `capfd` (serve), `capfctl` (the database) and `capfc` (the
 * phone's side). */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/capf.h"
#include "ciscosec/capfsession.h"
#include "ciscosec/capfstore.h"
#include "ciscosec/crypto.h"
#include "ciscosec/device.h"
#include "ciscosec/fileio.h"
#include "ciscosec/lsc.h"
#include "ciscosec/server.h"
#include "ciscosec/tlsserver.h"
#include "../cli.h"
#include "../report.h"
#include "../serve.h"

#define MAX_CERTS 64
#define CERT_KEY_MODE 0600 /* the phone's side keeps its key beside the certificate */

enum action { ACT_NONE, ACT_SERVE, ACT_ADD, ACT_LIST, ACT_SHOW, ACT_EXPORT, ACT_REMOVE, ACT_ENROL };

/* The verbs, in enum action's order from ACT_SERVE. */
static const char *const verbs[] = {"serve",  "add",    "list",  "show",
                                    "export", "remove", "enrol", NULL};

typedef struct capf_options {
    enum action action;
    const char *db;
    const char *device; /* checked, upper-case: points at device_name */
    char device_name[CS_DEVICE_NAME_MAX + 1];
    /* serve; timeout_s and tlsv1 are enrol's too */
    serve_options serve;
    const char *issuer, *cert_dir;
    unsigned days;
    const char *certs[MAX_CERTS]; /* serve: --verify; enrol: --capf */
    size_t cert_count;
    /* add */
    cs_capf_operation operation;
    cs_capf_authentication authentication;
    const char *password;
    unsigned key_size;
    cs_curve curve;
    /* enrol */
    const char *host, *lsc, *sudi, *output;
} capf_options;

/* --- help ---------------------------------------------------------------- */

static void usage(const cli_ctx *cli)
{
    const char *p = cli->prog;
    if (strcmp(p, "capfd") == 0)
        printf("Usage: capfd [OPTIONS] DATABASE [CERTDIR]\n");
    else if (strcmp(p, "capfctl") == 0)
        printf("Usage: capfctl [OPTIONS] DATABASE\n");
    else if (strcmp(p, "capfc") == 0)
        printf("Usage: capfc [OPTIONS] DEVICE\n");
    else
        printf("Usage: %s serve [OPTIONS] DATABASE [CERTDIR]\n"
               "       %s add [OPTIONS] DATABASE DEVICE [install|fetch|delete|none]\n"
               "       %s list DATABASE\n"
               "       %s show DATABASE DEVICE\n"
               "       %s export DATABASE DEVICE\n"
               "       %s remove DATABASE DEVICE\n"
               "       %s enrol [OPTIONS] DEVICE\n",
               p, p, p, p, p, p, p);
    printf("The Certificate Authority Proxy Function: issues phones their LSCs\n"
           "(TCP port 3804), fetches and deletes them.\n"
           "\n"
           "serve (capfd):\n"
           "  -A, --capf CERT          the CAPF certificate, with its key (PEM)\n"
           "      --key KEY            the key, when it is not in CERT\n"
           "  -i, --issuer CERT        certificate and key that sign LSCs;\n"
           "                           default the CAPF certificate\n"
           "  -v, --verify CERT        also trust CERT for certificate\n"
           "                           authentication (repeatable)\n"
           "  -d, --days DAYS          LSC validity, 1-3560; default 365\n");
    serve_print_help(CS_CAPF_PORT, "the TLS and issuing certificates");
    printf("  CERTDIR (default: the database's folder) receives DEVICE.pem.\n"
           "\n"
           "The database (capfctl; add, list, show, export, remove):\n"
           "  -l, --list               list the devices\n"
           "  -i, --install DEVICE     schedule issuing a new LSC\n"
           "  -f, --fetch DEVICE       schedule fetching the phone's LSC\n"
           "  -d, --delete DEVICE      schedule deleting the phone's LSC\n"
           "  -n, --none DEVICE        schedule nothing\n"
           "  -p, --password PASS      authenticate by this password\n"
           "  -c, --certificate        authenticate by the phone's LSC or MIC\n"
           "                           (default: no password)\n"
           "  -b, --bits, --key-size N RSA key of 512, 1024, 2048, 3072 or 4096\n"
           "                           bits; default 2048\n"
           "  -E, --curve CURVE        EC key instead: secp256r1, secp384r1, secp521r1\n"
           "  -r, --remove DEVICE      remove a device\n"
           "  -e, --export DEVICE      print a device's certificate (PEM)\n"
           "\n"
           "enrol (capfc), as a phone does:\n"
           "  -A, --capf CERT|DIR      the server's certificate (or a folder of\n"
           "                           them); without it, any is accepted\n"
           "  -h, --host HOST[:PORT]   the server; default localhost\n"
           "  -t, --timeout SECONDS    default 10\n"
           "  -p, --password PASS      the authentication string\n"
           "  -l, --lsc CERT           authenticate with this certificate and key\n"
           "  -s, --sudi CERT          add SUDI data from this certificate and key\n"
           "  -c, --certificate FILE   where the issued certificate and its key go;\n"
           "                           default DEVICE.pem\n"
           "      --tlsv1              offer TLS 1.0 too\n" PASSPHRASE_HELP "\n"
           "  -H, --help               print this help\n"
           "Exit status: 0 done, 1 refused (unknown device, wrong password or\n"
           "signature, no such device or certificate), 2 usage, I/O or database error.\n");
}

/* --- options ------------------------------------------------------------- */

/* clang-format off */
static const struct option serve_long[] = {
    {"capf", required_argument, NULL, 'A'}, {"key", required_argument, NULL, SERVE_OPT_KEY},
    {"issuer", required_argument, NULL, 'i'}, {"verify", required_argument, NULL, 'v'},
    {"days", required_argument, NULL, 'd'}, {"port", required_argument, NULL, 'p'},
    {"listen", required_argument, NULL, SERVE_OPT_LISTEN},
    {"timeout", required_argument, NULL, 't'}, {"limit", required_argument, NULL, 'L'},
    {"threads", required_argument, NULL, SERVE_OPT_THREADS},
    {"drain", required_argument, NULL, SERVE_OPT_DRAIN},
    {"tlsv1", no_argument, NULL, SERVE_OPT_TLSV1}, {"help", no_argument, NULL, 'H'},
    PASSPHRASE_LONG_OPTIONS, {NULL, 0, NULL, 0},
};
static const struct option ctl_long[] = {
    {"list", no_argument, NULL, 'l'}, {"install", required_argument, NULL, 'i'},
    {"fetch", required_argument, NULL, 'f'}, {"delete", required_argument, NULL, 'd'},
    {"none", required_argument, NULL, 'n'}, {"password", required_argument, NULL, 'p'},
    {"certificate", no_argument, NULL, 'c'}, {"bits", required_argument, NULL, 'b'},
    {"key-size", required_argument, NULL, 'b'}, {"curve", required_argument, NULL, 'E'},
    {"remove", required_argument, NULL, 'r'}, {"export", required_argument, NULL, 'e'},
    {"help", no_argument, NULL, 'H'}, {NULL, 0, NULL, 0},
};
static const struct option enrol_long[] = {
    {"capf", required_argument, NULL, 'A'}, {"host", required_argument, NULL, 'h'},
    {"timeout", required_argument, NULL, 't'}, {"password", required_argument, NULL, 'p'},
    {"lsc", required_argument, NULL, 'l'}, {"sudi", required_argument, NULL, 's'},
    {"certificate", required_argument, NULL, 'c'},
    {"tlsv1", no_argument, NULL, SERVE_OPT_TLSV1},
    {"help", no_argument, NULL, 'H'}, PASSPHRASE_LONG_OPTIONS, {NULL, 0, NULL, 0},
};
/* clang-format on */

static int add_cert(capf_options *o, const char *path, const cli_ctx *cli)
{
    if (o->cert_count == MAX_CERTS)
        return cli_usage_error(cli, "at most %d certificates", MAX_CERTS);
    o->certs[o->cert_count++] = path;
    return CS_OK;
}

static int parse_serve_option(void *opts, int opt, const cli_ctx *cli)
{
    capf_options *o = opts;
    bool handled;
    int rc = serve_parse_option(&o->serve, opt, &handled, cli);
    if (handled)
        return rc;
    switch (opt) {
    case 'A':
        o->serve.cert = optarg;
        return CS_OK;
    case 'i':
        o->issuer = optarg;
        return CS_OK;
    case 'v':
        return add_cert(o, optarg, cli);
    case 'd':
        return serve_parse_unsigned(optarg, CS_LSC_MIN_DAYS, CS_LSC_MAX_DAYS, "days", &o->days,
                                    cli);
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

static int set_action(capf_options *o, enum action action, const char *device, const cli_ctx *cli)
{
    if (o->action != ACT_NONE && o->action != action)
        return cli_usage_error(cli, "one of --list, --install, --fetch, --delete, --none, "
                                    "--remove and --export at a time");
    o->action = action;
    o->device = device;
    return CS_OK;
}

static int schedule(capf_options *o, cs_capf_operation op, const cli_ctx *cli)
{
    if (o->action == ACT_ADD && o->device != NULL && o->operation != op)
        return cli_usage_error(cli, "one operation at a time");
    o->operation = op;
    return set_action(o, ACT_ADD, optarg, cli);
}

static int parse_ctl_option(void *opts, int opt, const cli_ctx *cli)
{
    capf_options *o = opts;
    switch (opt) {
    case 'l':
        return set_action(o, ACT_LIST, NULL, cli);
    case 'i':
        return schedule(o, CS_CAPF_OP_INSTALL, cli);
    case 'f':
        return schedule(o, CS_CAPF_OP_FETCH, cli);
    case 'd':
        return schedule(o, CS_CAPF_OP_DELETE, cli);
    case 'n':
        return schedule(o, CS_CAPF_OP_NONE, cli);
    case 'r':
        return set_action(o, ACT_REMOVE, optarg, cli);
    case 'e':
        return set_action(o, ACT_EXPORT, optarg, cli);
    case 'p':
        if (strlen(optarg) > CS_CAPF_MAX_PASSWORD)
            return cli_usage_error(cli, "a password of at most %d characters",
                                   CS_CAPF_MAX_PASSWORD);
        o->password = optarg;
        o->authentication = CS_CAPF_BY_PASSWORD;
        return CS_OK;
    case 'c':
        o->authentication = CS_CAPF_BY_CERTIFICATE;
        return CS_OK;
    case 'b':
        if (serve_parse_unsigned(optarg, CS_RSA_MIN_BITS, CS_RSA_MAX_BITS, "key size", &o->key_size,
                                 cli) != CS_OK)
            return CS_ERROR;
        if (o->key_size % 512 != 0 && o->key_size != 3072)
            return cli_usage_error(cli, "invalid key size '%s': 512, 1024, 2048, 3072 or 4096",
                                   optarg);
        return CS_OK;
    case 'E':
        if (!cs_curve_parse(optarg, &o->curve))
            return cli_usage_error(cli, "invalid curve '%s': secp256r1, secp384r1 or secp521r1",
                                   optarg);
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

static int parse_enrol_option(void *opts, int opt, const cli_ctx *cli)
{
    capf_options *o = opts;
    switch (opt) {
    case 'A':
        return add_cert(o, optarg, cli);
    case 'h':
        o->host = optarg;
        return CS_OK;
    case 't':
        return serve_parse_unsigned(optarg, 1, SERVE_MAX_TIMEOUT_S, "timeout", &o->serve.timeout_s,
                                    cli);
    case 'p':
        o->password = optarg;
        return CS_OK;
    case 'l':
        o->lsc = optarg;
        return CS_OK;
    case 's':
        o->sudi = optarg;
        return CS_OK;
    case 'c':
        o->output = optarg;
        return CS_OK;
    case SERVE_OPT_TLSV1:
        o->serve.tlsv1 = true;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->serve.pass, opt, cli);
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

/* A device name as phones send it: SEP and 12 hex digits, upper-case. */
static int check_device(capf_options *o, const cli_ctx *cli)
{
    if (!cs_device_name_valid(o->device, strlen(o->device)))
        return cli_usage_error(cli, "invalid device name '%s': SEP and 12 hex digits", o->device);
    for (size_t i = 0; i <= CS_DEVICE_NAME_MAX; i++)
        o->device_name[i] = (char)toupper((unsigned char)o->device[i]);
    o->device = o->device_name;
    return CS_OK;
}

/* The operands once the options are gone: DATABASE [DEVICE [OPERATION]],
 * DATABASE [CERTDIR] for serve, DEVICE for enrol. */
static int take_operands(capf_options *o, int first, int argc, char **argv, const cli_ctx *cli)
{
    const char *ops[3];
    int n = 0;
    for (int i = first; i < argc; i++) {
        if (cli_is_blank(argv[i]))
            continue;
        if (n == 3)
            return cli_usage_error(cli, "too many operands ('%s')", argv[i]);
        ops[n++] = argv[i];
    }
    if (o->action == ACT_ENROL) {
        if (n != 1)
            return cli_usage_error(cli, "one device name");
        o->device = ops[0];
        return check_device(o, cli);
    }
    if (n == 0)
        return cli_usage_error(cli, "no database given");
    o->db = ops[0];
    int most = o->action == ACT_SERVE ? 2 : o->device != NULL || o->action == ACT_LIST ? 1 : 3;
    if (n > most)
        return cli_usage_error(cli, "too many operands ('%s')", ops[most]);
    if (o->action == ACT_SERVE) {
        o->cert_dir = n > 1 ? ops[1] : NULL;
        return CS_OK;
    }
    if (o->action != ACT_LIST && o->device == NULL) {
        if (n < 2)
            return cli_usage_error(cli, "no device given");
        o->device = ops[1];
        if (n == 3 && (o->action != ACT_ADD || !cs_capf_operation_parse(ops[2], &o->operation)))
            return cli_usage_error(cli, "invalid operation '%s': install, fetch, delete or none",
                                   ops[2]);
    }
    return o->device != NULL ? check_device(o, cli) : CS_OK;
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, const cli_ctx *cli, capf_options *o)
{
    *o = (capf_options){.serve = {.timeout_s = SERVE_DEFAULT_TIMEOUT_S, .port = CS_CAPF_PORT},
                        .days = CS_LSC_DEFAULT_DAYS,
                        .operation = CS_CAPF_OP_INSTALL,
                        .authentication = CS_CAPF_BY_NO_PASSWORD,
                        .key_size = CS_RSA_DEFAULT_BITS,
                        .curve = CS_CURVE_NONE,
                        .host = "localhost"};
    /* capfd and capfc arrive with their verb put in; capfctl without one. */
    int verb = cli_take_verb(&argc, &argv, verbs);
    if (!cli->legacy && verb < 0 && cli_asks_help(argc, argv)) {
        usage(cli);
        return -1;
    }
    if (!cli->legacy && verb < 0)
        return cli_verb_required(cli, verbs);
    o->action = verb >= 0 ? (enum action)(ACT_SERVE + verb) : ACT_NONE;
    static const cli_options serve = {"A:i:v:d:p:t:L:", serve_long, parse_serve_option, usage};
    static const cli_options ctl = {"li:f:d:n:p:cb:E:r:e:", ctl_long, parse_ctl_option, usage};
    static const cli_options enrol = {"A:h:t:p:l:s:c:", enrol_long, parse_enrol_option, usage};
    const cli_options *spec = o->action == ACT_SERVE   ? &serve
                              : o->action == ACT_ENROL ? &enrol
                                                       : &ctl;
    int first;
    int rc = cli_parse_options(spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    if (o->action == ACT_NONE)
        return cli_usage_error(cli, "one of --list, --install, --fetch, --delete, --none, "
                                    "--remove or --export is required");
    if ((rc = take_operands(o, first, argc, argv, cli)) != CS_OK)
        return rc;
    if (o->action == ACT_SERVE && o->serve.cert == NULL)
        return cli_usage_error(cli, "--capf CERT is required");
    return CS_OK;
}

/* --- serve --------------------------------------------------------------- */

/* The database's folder, for CERTDIR's default. */
static char *folder_of(const char *path)
{
    const char *base = cs_basename(path);
    if (base == path)
        return strdup(".");
    size_t len = (size_t)(base - path) - 1;
    char *dir = strndup(path, len > 0 ? len : 1);
    return dir;
}

static int serve(const capf_options *o, const cli_ctx *cli)
{
    cs_error err;
    char *dir = o->cert_dir != NULL ? strdup(o->cert_dir) : folder_of(o->db);
    if (dir == NULL)
        return cli_fail(cli, CS_ERROR, "out of memory");
    cs_capf_service_config scfg = {.db_path = o->db,
                                   .cert_dir = dir,
                                   .issuer_path = o->issuer != NULL ? o->issuer : o->serve.cert,
                                   .verify_paths = o->certs,
                                   .verify_count = o->cert_count,
                                   .days = o->days};
    passphrase_kept kept;
    passphrase_kept_init(&kept, &o->serve.pass);
    cs_passphrase key_pass = passphrase_kept_source(&kept);
    scfg.issuer_pass = &key_pass;
    cs_capf_service *svc;
    int rc = cs_capf_service_new(&scfg, &svc, &err);
    if (rc != CS_OK) {
        passphrase_kept_release(&kept);
        free(dir);
        return cli_fail(cli, rc, "%s", err.message);
    }
    rc = serve_run(cli, &o->serve, cs_capf_service_protocol(svc), &key_pass);
    cs_capf_service_free(svc);
    passphrase_kept_release(&kept);
    free(dir);
    return rc;
}

/* --- the database -------------------------------------------------------- */

static int print_device(const cs_capf_device *d, void *ctx)
{
    (void)ctx;
    const int w = REPORT_WIDTH;
    report_line(stdout, w, "Device Name:", "%s", d->name);
    report_line(stdout, w, "Operation:", "%s", cs_capf_operation_name(d->operation));
    report_line(stdout, w, "Authentication:", "%s", cs_capf_authentication_name(d->authentication));
    if (d->curve != CS_CURVE_NONE)
        report_line(stdout, w, "Curve:", "%s", cs_curve_name(d->curve));
    else
        report_line(stdout, w, "Key Size:", "%u", d->key_size);
    if (d->serial[0] != '\0') {
        report_line(stdout, w, "Serial Number:", "%s", d->serial);
        report_line(stdout, w, "Not Valid Before:", "%s", d->not_before);
        report_line(stdout, w, "Not Valid After:", "%s", d->not_after);
    }
    fputc('\n', stdout);
    return 0;
}

static int add(cs_capf_store *store, const capf_options *o, cs_error *err)
{
    cs_capf_device dev;
    cs_capf_device_init(&dev);
    snprintf(dev.name, sizeof dev.name, "%s", o->device);
    dev.operation = o->operation;
    dev.authentication = o->authentication;
    snprintf(dev.password, sizeof dev.password, "%s", o->password != NULL ? o->password : "");
    dev.key_size = o->key_size;
    dev.curve = o->curve;
    int rc = cs_capf_store_schedule(store, &dev, err);
    cs_capf_device_release(&dev);
    return rc;
}

static int show(cs_capf_store *store, const capf_options *o, bool pem_only, cs_error *err)
{
    cs_capf_device dev;
    int rc = cs_capf_store_get(store, o->device, &dev, err);
    if (rc == CS_OK && pem_only && dev.certificate.len == 0)
        rc = cs_fail(err, CS_INVALID, "device %s has no certificate", o->device);
    if (rc == CS_OK && pem_only)
        fwrite(dev.certificate.data, 1, dev.certificate.len, stdout);
    else if (rc == CS_OK)
        print_device(&dev, NULL);
    cs_capf_device_release(&dev);
    return rc;
}

static int manage(const capf_options *o, const cli_ctx *cli)
{
    cs_error err;
    cs_capf_store *store;
    /* capfctl makes the database; reading verbs do not. */
    int rc = cs_capf_store_open(o->db, o->action == ACT_ADD, &store, &err);
    if (rc != CS_OK)
        return cli_fail(cli, rc, "%s", err.message);
    switch (o->action) {
    case ACT_ADD:
        rc = add(store, o, &err);
        break;
    case ACT_LIST:
        rc = cs_capf_store_each(store, print_device, NULL, &err);
        break;
    case ACT_SHOW:
    case ACT_EXPORT:
        rc = show(store, o, o->action == ACT_EXPORT, &err);
        break;
    default:
        rc = cs_capf_store_remove(store, o->device, &err);
        break;
    }
    cs_capf_store_close(store);
    if (rc != CS_OK)
        return cli_fail(cli, rc, "'%s': %s", o->db, err.message);
    return cli_finish(cli, CS_OK);
}

/* --- enrol --------------------------------------------------------------- */

typedef struct enrol_ctx {
    const char *output;
} enrol_ctx;

/* The phone's side keeps the certificate and its key in one file, 0600,
 * as the reference's capfc does (SEP...-lsc.pem in the vectors). */
static int store_received(void *ctx, cs_bytes der, const cs_key *key, cs_error *err)
{
    const enrol_ctx *e = ctx;
    cs_cert *cert = NULL;
    int rc = cs_cert_parse(der.data, der.len, &cert, err);
    cs_cert_free(cert);
    cs_buf pem = CS_BUF_INIT;
    pem.secret = true;
    if (rc == CS_OK)
        rc = cs_cert_pem_encode(der, &pem, err);
    if (rc == CS_OK)
        rc = cs_key_pem_encode(key, &pem, err);
    if (rc == CS_OK)
        rc = cs_write_file_atomic(e->output, pem.data, pem.len, CERT_KEY_MODE, err);
    if (rc != CS_OK)
        cs_error_prefix(err, "'%s'", e->output);
    cs_buf_release(&pem);
    return rc;
}

/* The END_SESSION reason that means the operation was done. */
static uint8_t success_reason(uint8_t operation)
{
    return operation == CS_CAPF_KEY_GEN_REQ || operation == CS_CAPF_DELETE_CERT_REQ
               ? CS_CAPF_REASON_SUCCESS
               : CS_CAPF_REASON_NO_ACTION;
}

static const char *end_meaning(const cs_capf_client *client)
{
    switch (client->end_reason) {
    case CS_CAPF_REASON_INVALID_ELEMENT:
        return "refused: wrong password, signature or message";
    case CS_CAPF_REASON_UNKNOWN_DEVICE:
        return "refused: unknown device";
    default:
        return client->end_reason == success_reason(client->operation) ? "done"
                                                                       : "not done by the server";
    }
}

static void report_enrol(const cs_capf_client *client, const char *output)
{
    const int w = REPORT_WIDTH;
    const char *op = client->operation == CS_CAPF_KEY_GEN_REQ       ? "install"
                     : client->operation == CS_CAPF_FETCH_CERT_REQ  ? "fetch"
                     : client->operation == CS_CAPF_DELETE_CERT_REQ ? "delete"
                                                                    : "none";
    report_line(stdout, w, "Operation:", "%s", op);
    report_line(stdout, w, "Result:", "%s (reason %u)", end_meaning(client), client->end_reason);
    if (client->stored)
        report_line(stdout, w, "Certificate:", "%s", output);
}

typedef struct enrol_keys {
    cs_cert *lsc, *sudi, *current;
    cs_key *lsc_key, *sudi_key;
} enrol_keys;

static void enrol_keys_free(enrol_keys *k)
{
    cs_cert_free(k->lsc);
    cs_cert_free(k->sudi);
    cs_cert_free(k->current);
    cs_key_free(k->lsc_key);
    cs_key_free(k->sudi_key);
}

/* --lsc and --sudi, each a certificate with its key; and what a fetch
 * sends back: the LSC given, else the certificate file from before. */
static int load_keys(const capf_options *o, const char *output, enrol_keys *k, const cli_ctx *cli)
{
    cs_error err;
    const char *paths[] = {o->lsc, o->sudi};
    cs_cert **certs[] = {&k->lsc, &k->sudi};
    cs_key **keys[] = {&k->lsc_key, &k->sudi_key};
    for (size_t i = 0; i < 2; i++) {
        if (paths[i] == NULL)
            continue;
        cs_passphrase pass = passphrase_source(&o->serve.pass);
        int rc = cs_cert_file_load(paths[i], &pass, certs[i], keys[i], NULL, &err);
        if (rc == CS_OK && *keys[i] == NULL)
            rc = cs_fail(&err, CS_ERROR, "no private key beside the certificate");
        if (rc != CS_OK)
            return cli_file_fail(cli, paths[i], rc, &err);
    }
    if (k->lsc == NULL && access(output, F_OK) == 0 &&
        cs_cert_load_file(output, &k->current, &err) != CS_OK)
        return cli_file_fail(cli, output, CS_ERROR, &err);
    return CS_OK;
}

static int enrol(const capf_options *o, const cli_ctx *cli)
{
    cs_error err;
    char host[256], port[16];
    if (cs_split_host_port(o->host, CS_CAPF_PORT, host, sizeof host, port, sizeof port, &err) !=
        CS_OK)
        return cli_usage_error(cli, "--host %s", err.message);
    char default_output[CS_DEVICE_NAME_MAX + 8];
    snprintf(default_output, sizeof default_output, "%s.pem", o->device);
    const char *output = o->output != NULL ? o->output : default_output;
    enrol_keys k = {0};
    int rc = load_keys(o, output, &k, cli);
    if (rc != CS_OK) {
        enrol_keys_free(&k);
        return rc;
    }
    const char *paths[MAX_CERTS];
    char *names[MAX_CERTS];
    size_t path_count = 0, name_count = 0;
    rc = serve_expand_certs(o->certs, o->cert_count, paths, &path_count, names, &name_count,
                            MAX_CERTS, cli);
    if (rc != CS_OK) {
        while (name_count > 0)
            free(names[--name_count]);
        enrol_keys_free(&k);
        return rc;
    }
    cs_tls_client_options copts = {.host = host,
                                   .port = port,
                                   .timeout_ms = o->serve.timeout_s * 1000u,
                                   .allow_tls10 = o->serve.tlsv1,
                                   .trusted_paths = paths,
                                   .trusted_count = path_count};
    enrol_ctx ectx = {output};
    cs_capf_client_config ccfg = {.device = o->device,
                                  .password = o->password,
                                  .lsc = k.lsc,
                                  .lsc_key = k.lsc_key,
                                  .current = k.lsc != NULL ? k.lsc : k.current,
                                  .sudi = k.sudi,
                                  .sudi_key = k.sudi_key,
                                  .store = store_received,
                                  .store_ctx = &ectx};
    cs_capf_client client;
    cs_capf_client_init(&client, &ccfg);
    cs_tls_client *c = NULL;
    rc = cs_tls_client_connect(&copts, &c, &err);
    if (rc == CS_OK)
        rc = cs_capf_client_run(&client, c, &err);
    cs_tls_client_close(c);
    while (name_count > 0)
        free(names[--name_count]);
    if (rc == CS_OK) {
        report_enrol(&client, output);
        bool done = client.end_reason == success_reason(client.operation);
        rc = cli_finish(cli, done ? CS_OK : CS_INVALID);
    } else {
        rc = cli_fail(cli, rc, "%s port %s: %s", host, port, err.message);
    }
    cs_capf_client_release(&client);
    enrol_keys_free(&k);
    return rc;
}

int cmd_capf(int argc, char **argv, const cli_ctx *cli)
{
    capf_options o;
    int rc = parse_args(argc, argv, cli, &o);
    if (rc != CS_OK)
        return rc < 0 ? cli_finish(cli, CS_OK) : rc;
    if (o.action == ACT_SERVE)
        return serve(&o, cli);
    if (o.action == ACT_ENROL)
        return enrol(&o, cli);
    return manage(&o, cli);
}
