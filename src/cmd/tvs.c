/* SPDX-License-Identifier: MIT */
/* ciscosec tvs serve|add|list|show|export|remove|query, and the reference
 * tools' names: `tvsd` (serve), `tvsctl` (the database) and `tvsc` (the
 * phone's side). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/fileio.h"
#include "ciscosec/server.h"
#include "ciscosec/tlsserver.h"
#include "ciscosec/trustlist.h"
#include "ciscosec/tvs.h"
#include "ciscosec/tvs_store.h"
#include "../cli.h"
#include "../report.h"
#include "../serve.h"

#define MAX_TRUSTED 64
#define DEFAULT_DEVICE "CP-0000-SEP000000000000"
#define MAX_CERT_FILE (1024u * 1024u)

enum action { ACT_NONE, ACT_SERVE, ACT_ADD, ACT_LIST, ACT_SHOW, ACT_EXPORT, ACT_REMOVE, ACT_QUERY };

/* The verbs, in enum action's order from ACT_SERVE. */
static const char *const verbs[] = {"serve",  "add",    "list",  "show",
                                    "export", "remove", "query", NULL};

typedef struct tvs_options {
    enum action action;
    const char *db;
    const char *arg; /* add: CERT; show, export, remove: HASH; query: CERT */
    /* serve; timeout_s and tlsv1 are query's too */
    serve_options serve;
    /* add */
    uint16_t roles[CS_TVS_MAX_ROLES];
    size_t role_count;
    unsigned ttl; /* seconds, at most CS_TVS_MAX_TTL */
    /* query */
    const char *host, *device;
    const char *trusted[MAX_TRUSTED];
    size_t trusted_count;
} tvs_options;

/* --- help ---------------------------------------------------------------- */

static void usage(const cli_ctx *cli)
{
    const char *p = cli->prog;
    if (strcmp(p, "tvsd") == 0)
        printf("Usage: tvsd [OPTIONS] DATABASE\n");
    else if (strcmp(p, "tvsctl") == 0)
        printf("Usage: tvsctl [OPTIONS] DATABASE\n");
    else if (strcmp(p, "tvsc") == 0)
        printf("Usage: tvsc [OPTIONS] CERT\n");
    else
        printf("Usage: %s serve [OPTIONS] DATABASE\n"
               "       %s add DATABASE CERT ROLE-OPTION... [--ttl SECONDS]\n"
               "       %s list DATABASE\n"
               "       %s show DATABASE HASH\n"
               "       %s export DATABASE HASH\n"
               "       %s remove DATABASE HASH\n"
               "       %s query [OPTIONS] CERT\n",
               p, p, p, p, p, p, p);
    printf("The Trust Verification Service: tells phones whether a certificate that\n"
           "is not in their ITL is trusted, and for which roles (TCP port 2445).\n"
           "\n"
           "serve (tvsd):\n"
           "  -T, --tvs CERT           the TVS certificate, with its key (PEM)\n"
           "      --key KEY            the key, when it is not in CERT\n");
    serve_print_help(CS_TVS_PORT, "the TLS certificate");
    printf("\n"
           "The database (tvsctl):\n"
           "  -l, --list               list the certificates\n"
           "  -a, --add CERT           add CERT (or change its roles and TTL)\n"
           "  -r, -d, --remove, --delete HASH  remove a certificate\n"
           "  -e, --export HASH        print a certificate (PEM)\n"
           "  -L, --ttl SECONDS        how long phones may cache the answer,\n"
           "                           1-2592000; default 86400\n"
           "  Roles for --add: -s/--sast -c/--ccm -t/--tftp -C/--ccm-tftp\n"
           "  -P/--capf -A/--app-server -T/--tvs\n"
           "  HASH is the SHA-256 of the certificate, as list shows it.\n"
           "\n"
           "query (tvsc), as a phone asks:\n"
           "  -T, --tvs CERT|DIR       the server's certificate (or a folder of\n"
           "                           them); without it, any is accepted\n"
           "  -h, --host HOST[:PORT]   the server; default localhost\n"
           "  -t, --timeout SECONDS    default 10\n"
           "  -d, --device NAME        CP-MODEL-SEPMAC; default %s\n"
           "      --tlsv1              offer TLS 1.0 too\n"
           "\n"
           "  -H, --help               print this help\n"
           "Exit status: 0 done or valid, 1 the server says invalid or cannot be\n"
           "reached, 2 usage, I/O or database error.\n",
           DEFAULT_DEVICE);
}

/* --- options ------------------------------------------------------------- */

/* The three option sets: the server's, the database's and the phone's.
 * Their letters differ (-t is a timeout for two and TFTP for one), as in
 * the reference tools. */
/* clang-format off */
static const struct option serve_long[] = {
    {"tvs", required_argument, NULL, 'T'}, {"key", required_argument, NULL, SERVE_OPT_KEY},
    {"port", required_argument, NULL, 'p'}, {"listen", required_argument, NULL, SERVE_OPT_LISTEN},
    {"timeout", required_argument, NULL, 't'}, {"limit", required_argument, NULL, 'L'},
    {"threads", required_argument, NULL, SERVE_OPT_THREADS},
    {"drain", required_argument, NULL, SERVE_OPT_DRAIN},
    {"tlsv1", no_argument, NULL, SERVE_OPT_TLSV1}, {"help", no_argument, NULL, 'H'},
    PASSPHRASE_LONG_OPTIONS, {NULL, 0, NULL, 0},
};
static const struct option ctl_long[] = {
    {"list", no_argument, NULL, 'l'}, {"add", required_argument, NULL, 'a'},
    {"remove", required_argument, NULL, 'r'}, {"delete", required_argument, NULL, 'd'},
    {"export", required_argument, NULL, 'e'}, {"ttl", required_argument, NULL, 'L'},
    {"sast", no_argument, NULL, 's'}, {"ccm", no_argument, NULL, 'c'},
    {"tftp", no_argument, NULL, 't'}, {"ccm-tftp", no_argument, NULL, 'C'},
    {"capf", no_argument, NULL, 'P'}, {"app-server", no_argument, NULL, 'A'},
    {"tvs", no_argument, NULL, 'T'}, {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};
static const struct option query_long[] = {
    {"tvs", required_argument, NULL, 'T'}, {"host", required_argument, NULL, 'h'},
    {"timeout", required_argument, NULL, 't'}, {"device", required_argument, NULL, 'd'},
    {"tlsv1", no_argument, NULL, SERVE_OPT_TLSV1}, {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static int parse_serve_option(void *opts, int opt, const cli_ctx *cli)
{
    tvs_options *o = opts;
    bool handled;
    int rc = serve_parse_option(&o->serve, opt, &handled, cli);
    if (handled)
        return rc;
    if (opt == 'T') {
        o->serve.cert = optarg;
        return CS_OK;
    }
    return cli_usage_error(cli, "invalid option");
}

static int set_action(tvs_options *o, enum action action, const char *arg, const cli_ctx *cli)
{
    if (o->action != ACT_NONE && o->action != action)
        return cli_usage_error(cli, "one of --list, --add, --remove and --export at a time");
    o->action = action;
    o->arg = arg;
    return CS_OK;
}

static int parse_ctl_option(void *opts, int opt, const cli_ctx *cli)
{
    tvs_options *o = opts;
    uint16_t role;
    if (cli_role_option(ctl_long, opt, &role)) {
        for (size_t i = 0; i < o->role_count; i++)
            if (o->roles[i] == role)
                return CS_OK;
        o->roles[o->role_count++] = role;
        return CS_OK;
    }
    switch (opt) {
    case 'l':
        return set_action(o, ACT_LIST, NULL, cli);
    case 'a':
        return set_action(o, ACT_ADD, optarg, cli);
    case 'r':
    case 'd':
        return set_action(o, ACT_REMOVE, optarg, cli);
    case 'e':
        return set_action(o, ACT_EXPORT, optarg, cli);
    case 'L':
        return serve_parse_unsigned(optarg, 1, CS_TVS_MAX_TTL, "TTL", &o->ttl, cli);
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

static int parse_query_option(void *opts, int opt, const cli_ctx *cli)
{
    tvs_options *o = opts;
    switch (opt) {
    case 'T':
        if (o->trusted_count == MAX_TRUSTED)
            return cli_usage_error(cli, "at most %d --tvs certificates", MAX_TRUSTED);
        o->trusted[o->trusted_count++] = optarg;
        return CS_OK;
    case 'h':
        o->host = optarg;
        return CS_OK;
    case 't':
        return serve_parse_unsigned(optarg, 1, SERVE_MAX_TIMEOUT_S, "timeout", &o->serve.timeout_s,
                                    cli);
    case 'd':
        o->device = optarg;
        return CS_OK;
    case SERVE_OPT_TLSV1:
        o->serve.tlsv1 = true;
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

/* Which option set: the verb's, or the old name's. */
static enum action action_of(int verb)
{
    return verb >= 0 ? (enum action)(ACT_SERVE + verb) : ACT_NONE; /* tvsctl: options choose */
}

static int take_operands(tvs_options *o, int first, int argc, char **argv, const cli_ctx *cli)
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
    if (o->action == ACT_QUERY) {
        if (n != 1)
            return cli_usage_error(cli, "one certificate to ask about");
        o->arg = ops[0];
        return CS_OK;
    }
    /* The database, then (for the verbs) the certificate or hash. */
    bool wants_arg = o->action == ACT_ADD || o->action == ACT_SHOW || o->action == ACT_EXPORT ||
                     o->action == ACT_REMOVE;
    int expected = wants_arg && o->arg == NULL ? 2 : 1;
    if (n != expected)
        return cli_usage_error(cli, n == 0 ? "no database given" : "wrong number of operands");
    o->db = ops[0];
    if (expected == 2)
        o->arg = ops[1];
    return CS_OK;
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, const cli_ctx *cli, tvs_options *o)
{
    *o = (tvs_options){.serve = {.timeout_s = SERVE_DEFAULT_TIMEOUT_S, .port = CS_TVS_PORT},
                       .ttl = CS_TVS_DEFAULT_TTL,
                       .host = "localhost",
                       .device = DEFAULT_DEVICE};
    /* tvsd and tvsc arrive with their verb put in; tvsctl without one. */
    int verb = cli_take_verb(&argc, &argv, verbs);
    if (!cli->legacy && verb < 0 && cli_asks_help(argc, argv)) {
        usage(cli);
        return -1;
    }
    if (!cli->legacy && verb < 0)
        return cli_verb_required(cli, verbs);
    o->action = action_of(verb);
    static const cli_options serve = {"T:p:t:L:", serve_long, parse_serve_option, usage};
    static const cli_options ctl = {"la:r:d:e:L:sctCPAT", ctl_long, parse_ctl_option, usage};
    static const cli_options query = {"T:h:t:d:", query_long, parse_query_option, usage};
    const cli_options *spec = o->action == ACT_SERVE   ? &serve
                              : o->action == ACT_QUERY ? &query
                                                       : &ctl;
    int first;
    int rc = cli_parse_options(spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    if (o->action == ACT_NONE)
        return cli_usage_error(cli, "one of --list, --add, --remove or --export is required");
    if ((rc = take_operands(o, first, argc, argv, cli)) != CS_OK)
        return rc;
    if (o->action == ACT_SERVE && o->serve.cert == NULL)
        return cli_usage_error(cli, "--tvs CERT is required");
    if (o->action == ACT_ADD && o->role_count == 0)
        return cli_usage_error(cli, "give at least one role for the certificate");
    return CS_OK;
}

/* --- serve --------------------------------------------------------------- */

static int serve(const tvs_options *o, const cli_ctx *cli)
{
    cs_error err;
    cs_tvs_service *svc;
    int rc = cs_tvs_service_new(o->db, &svc, &err);
    if (rc != CS_OK)
        return cli_fail(cli, rc, "%s", err.message);
    passphrase_kept kept;
    passphrase_kept_init(&kept, &o->serve.pass);
    cs_passphrase key_pass = passphrase_kept_source(&kept);
    rc = serve_run(cli, &o->serve, cs_tvs_service_protocol(svc), &key_pass);
    passphrase_kept_release(&kept);
    cs_tvs_service_free(svc);
    return rc;
}

/* --- the database -------------------------------------------------------- */

static void print_entry(void *ctx, const cs_tvs_entry *e)
{
    (void)ctx;
    const int w = REPORT_WIDTH;
    report_line(stdout, w, "Certificate Hash:", "%s", e->hash);
    report_line(stdout, w, "Serial Number:", "%s", e->serial);
    report_line(stdout, w, "Subject Name:", "%s", e->subject);
    report_line(stdout, w, "Issuer Name:", "%s", e->issuer);
    report_line(stdout, w, "Roles:", "%s", e->roles);
    report_line(stdout, w, "TTL:", "%u", e->ttl);
    fputc('\n', stdout);
}

typedef struct show_ctx {
    const char *hash;
    bool found;
} show_ctx;

static void print_if_match(void *ctx, const cs_tvs_entry *e)
{
    show_ctx *s = ctx;
    if (strcmp(e->hash, s->hash) == 0) {
        s->found = true;
        print_entry(NULL, e);
    }
}

static int add(cs_tvs_store *store, const tvs_options *o, cs_error *err)
{
    cs_cert *cert;
    int rc = cs_cert_load_file(o->arg, &cert, err);
    if (rc != CS_OK) {
        cs_error_prefix(err, "'%s'", o->arg);
        return rc;
    }
    cs_tvs_entry e;
    rc = cs_tvs_store_add(store, cert, o->roles, o->role_count, o->ttl, &e, err);
    cs_cert_free(cert);
    if (rc == CS_OK)
        print_entry(NULL, &e);
    return rc;
}

static int manage(const tvs_options *o, const cli_ctx *cli)
{
    cs_error err;
    cs_tvs_store *store;
    /* Only add makes a new database; a mistyped name elsewhere is an error. */
    cs_tvs_open mode = o->action == ACT_ADD ? CS_TVS_CREATE
                       : o->action == ACT_LIST || o->action == ACT_SHOW || o->action == ACT_EXPORT
                           ? CS_TVS_READ
                           : CS_TVS_WRITE;
    int rc = cs_tvs_store_open(o->db, mode, &store, &err);
    if (rc != CS_OK)
        return cli_fail(cli, rc, "%s", err.message);
    show_ctx show = {.hash = o->arg};
    cs_buf pem = CS_BUF_INIT;
    switch (o->action) {
    case ACT_ADD:
        rc = add(store, o, &err);
        break;
    case ACT_LIST:
        rc = cs_tvs_store_list(store, print_entry, NULL, &err);
        break;
    case ACT_SHOW:
        rc = cs_tvs_store_list(store, print_if_match, &show, &err);
        if (rc == CS_OK && !show.found)
            rc = cs_fail(&err, CS_INVALID, "no certificate with hash %s", o->arg);
        break;
    case ACT_EXPORT:
        rc = cs_tvs_store_export(store, o->arg, &pem, &err);
        if (rc == CS_OK)
            fwrite(pem.data, 1, pem.len, stdout);
        break;
    default:
        rc = cs_tvs_store_remove(store, o->arg, &err);
        break;
    }
    cs_buf_release(&pem);
    cs_tvs_store_close(store);
    if (rc != CS_OK)
        return cli_fail(cli, rc, "'%s': %s", o->db, err.message);
    return cli_finish(cli, CS_OK);
}

/* --- query --------------------------------------------------------------- */

static void print_response(const cs_tvs_response *r)
{
    const int w = REPORT_WIDTH;
    report_line(stdout, w, "Status:", "%s", r->status == CS_TVS_VALID ? "valid" : "invalid");
    if (r->has_roles) {
        fprintf(stdout, "%-*s", w, "Roles:");
        for (size_t i = 0; i < r->role_count; i++) {
            const char *name = cs_role_name(r->roles[i]);
            fprintf(stdout, i > 0 ? "," : "");
            if (name != NULL)
                fputs(name, stdout);
            else
                fprintf(stdout, "%u", r->roles[i]);
        }
        fputc('\n', stdout);
    }
    if (r->has_ttl)
        report_line(stdout, w, "TTL:", "%u", r->ttl);
}

/* One request, one response. */
static int converse(cs_tls_client *c, const cs_tvs_request *req, cs_buf *frame,
                    cs_tvs_response *resp, cs_error *err)
{
    cs_buf msg = CS_BUF_INIT;
    int rc = cs_tvs_request_encode(req, &msg, err);
    if (rc == CS_OK)
        rc = cs_tls_client_write(c, msg.data, msg.len, err);
    cs_buf_release(&msg);
    uint8_t head[CS_TVS_HEADER_SIZE];
    if (rc == CS_OK)
        rc = cs_tls_client_read(c, head, sizeof head, err);
    size_t len = rc == CS_OK ? cs_frame_length(&cs_tvs_frame, head, sizeof head) : 0;
    if (rc == CS_OK && len == SIZE_MAX)
        rc = cs_fail(err, CS_INVALID, "the answer is longer than the limit");
    if (rc == CS_OK && cs_buf_reserve(frame, len)) {
        cs_buf_append(frame, head, sizeof head);
        rc = cs_tls_client_read(c, frame->data + frame->len, len - sizeof head, err);
        frame->len = len;
    }
    if (rc == CS_OK && frame->failed)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK && cs_tvs_response_decode(frame->data, frame->len, resp, err) != CS_OK)
        rc = CS_INVALID;
    if (rc == CS_OK && resp->header.session_id != req->header.session_id)
        rc = cs_fail(err, CS_INVALID, "the answer is for session %u, not %u",
                     resp->header.session_id, req->header.session_id);
    return rc;
}

/* Connects, asks, prints the answer. */
static int ask(const tvs_options *o, const cs_tls_client_options *copts, cs_bytes cert_der,
               const cli_ctx *cli)
{
    cs_error err;
    cs_buf frame = CS_BUF_INIT;
    cs_tvs_request req = {.header = {.command = CS_TVS_VERIFY_REQ},
                          .device_name = {(const uint8_t *)o->device, strlen(o->device)},
                          .certificate = cert_der};
    cs_tls_client *c = NULL;
    cs_tvs_response resp;
    int rc = cs_random(&req.header.session_id, sizeof req.header.session_id, &err);
    if (rc == CS_OK && (rc = cs_tls_client_connect(copts, &c, &err)) == CS_OK)
        rc = converse(c, &req, &frame, &resp, &err);
    cs_tls_client_close(c);
    cs_buf_release(&frame);
    if (rc != CS_OK)
        return cli_fail(cli, rc, "%s port %s: %s", copts->host, copts->port, err.message);
    print_response(&resp);
    return cli_finish(cli, resp.status == CS_TVS_VALID ? CS_OK : CS_INVALID);
}

static int query(const tvs_options *o, const cli_ctx *cli)
{
    cs_error err;
    char host[256], port[16];
    if (cs_split_host_port(o->host, CS_TVS_PORT, host, sizeof host, port, sizeof port, &err) !=
        CS_OK)
        return cli_usage_error(cli, "--host %s", err.message);
    cs_cert *cert;
    int rc = cs_cert_load_file(o->arg, &cert, &err);
    if (rc != CS_OK)
        return cli_file_fail(cli, o->arg, rc, &err);
    const char *paths[MAX_TRUSTED];
    char *names[MAX_TRUSTED];
    size_t path_count = 0, name_count = 0;
    rc = serve_expand_certs(o->trusted, o->trusted_count, paths, &path_count, names, &name_count,
                            MAX_TRUSTED, cli);
    cs_tls_client_options copts = {.host = host,
                                   .port = port,
                                   .timeout_ms = o->serve.timeout_s * 1000u,
                                   .allow_tls10 = o->serve.tlsv1,
                                   .trusted_paths = paths,
                                   .trusted_count = path_count};
    if (rc == CS_OK)
        rc = ask(o, &copts, cs_cert_der(cert), cli);
    while (name_count > 0)
        free(names[--name_count]);
    cs_cert_free(cert);
    return rc;
}

int cmd_tvs(int argc, char **argv, const cli_ctx *cli)
{
    tvs_options o;
    int rc = parse_args(argc, argv, cli, &o);
    if (rc != CS_OK)
        return rc < 0 ? cli_finish(cli, CS_OK) : rc;
    if (o.action == ACT_SERVE)
        return serve(&o, cli);
    if (o.action == ACT_QUERY)
        return query(&o, cli);
    return manage(&o, cli);
}
