/* ciscosec verify file|rollover|tls|tftpboot|srtp: check a deployment the
 * way a phone will, before a phone finds out.
 *
 * The rules live in the library (phone.h) and come back as findings; this
 * file chooses what to check, prints the findings and a summary, and turns
 * them into the exit status: 0 a phone would accept everything, 1 it would
 * reject something, 2 usage or I/O error. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ciscosec/fileio.h"
#include "ciscosec/hostport.h"
#include "ciscosec/phone.h"
#include "ciscosec/srtpcheck.h"
#include "ciscosec/tlsprobe.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../report.h"
#include "../passphrase.h"
#include "../json.h"

#define MAX_TIMEOUT_SECONDS 3600

static void usage(const cli_ctx *cli)
{
    const char *p = cli->prog;
    printf("Usage: %s file --itl ITLFile.tlv FILE... [--at TIME]\n"
           "       %s rollover OLD.tlv NEW.tlv [--at TIME]\n"
           "       %s tls HOST[:PORT] --itl ITLFile.tlv [--role ROLE] [--servername NAME]\n"
           "                  [--timeout SECONDS] [--at TIME]\n"
           "       %s tftpboot DIR [--at TIME]\n"
           "       %s srtp\n",
           p, p, p, p, p);
    printf("Check files, trust-list updates, servers and a provisioning directory the\n"
           "way a Cisco IP phone judges them, and say what a phone would reject and why.\n"
           "\n"
           "  file       each FILE as a phone holding the --itl trust list judges it: a\n"
           "             .tlv on its own (signed by its own SAST, at most 2 SAST, RSA up to\n"
           "             2048 bits, EC on P-256/P-384/P-521, certificates in date, at\n"
           "             most 64 KiB, a 1.1 list with an EC TFTP certificate); a .sgn,\n"
           "             .sha512 or .enc.sgn signed by a TFTP or CCM+TFTP certificate of\n"
           "             the list\n"
           "  rollover   would a phone holding OLD.tlv accept NEW.tlv? (signed by a SAST\n"
           "             that OLD holds; warns when NEW keeps no SAST of OLD or drops the\n"
           "             certificate that signs configuration files)\n"
           "  tls        connect as a phone does and check the server's certificate\n"
           "             against the trust list\n"
           "  tftpboot   audit a whole provisioning directory: its trust lists (*.tlv),\n"
           "             each phone's security settings (SEP<MAC>.cnf.xml), and what\n"
           "             phones download: every *.xml needs a valid .sgn when the phone's\n"
           "             trust list (ITLSEP<MAC>.tlv, else ITLFile.tlv) has an RSA TFTP or\n"
           "             CCM+TFTP certificate; every .sgn and .enc.sgn must verify; an\n"
           "             .enc.sgn needs its companion .sgn (firmware is not checked)\n"
           "  srtp       check that libsrtp protects media with each suite phones offer\n"
           "\n"
           "  -i, --itl FILE           the trust list the phone holds (ITLFile.tlv or\n"
           "                           ITLSEP<MAC>.tlv)\n"
           "      --at TIME            check certificate dates at TIME instead of now\n"
           "                           (RFC 3339, e.g. 2030-01-01T00:00:00Z, or a date)\n"
           "  -r, --role ROLE          tls: the service, and so the role its certificate\n"
           "                           needs: ccm (SIP over TLS, port 5061, CCM or\n"
           "                           CCM+TFTP; the default), tftp (HTTPS provisioning,\n"
           "                           port 6971, TFTP with an EC key) or app-server\n"
           "                           (XML services, port 443, APP-SERVER)\n"
           "  -n, --servername NAME    tls: the name sent in SNI (default: HOST when it\n"
           "                           is a name, none for an address; \"\" for none)\n"
           "  -t, --timeout SECONDS    tls: time allowed to connect and for each read\n"
           "                           (default 10)\n"
           "      --client-cert PEM    tls: a client certificate, for servers that ask\n"
           "                           for one; its key in PEM too, or in --client-key\n"
           "      --client-key KEY     tls: the client certificate's private key\n" PASSPHRASE_HELP
           "      --json               print the report as JSON (docs/json.md)\n"
           "      --strict             a trust-list certificate without CN, O or OU\n"
           "                           (rule cert-names) is an error, not a warning\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Each problem is one line: FILE: error|warning [RULE]: what, and the\n"
           "certificate concerned. Errors are what a phone rejects; warnings are\n"
           "accepted today but traps.\n"
           "Exit status: 0 a phone would accept everything, 1 it would reject something\n"
           "(or the TLS handshake failed, or an SRTP suite does not work), 2 usage or\n"
           "I/O error.\n");
}

enum verb { VERB_FILE, VERB_ROLLOVER, VERB_TLS, VERB_TFTPBOOT, VERB_SRTP };
static const char *const verbs[] = {"file", "rollover", "tls", "tftpboot", "srtp", NULL};

enum { OPT_AT = 256, OPT_JSON, OPT_STRICT, OPT_CLIENT_CERT, OPT_CLIENT_KEY };

typedef struct verify_options {
    enum verb verb;
    const char *itl;
    bool has_at;
    int64_t now;
    bool has_role;
    cs_service service;
    const char *servername;
    unsigned timeout_ms;
    char **operands;
    int count;
    bool json;
    bool strict;
    const char *client_cert;
    const char *client_key;
    passphrase_opts pass;
} verify_options;

/* clang-format off */
static const struct option long_options[] = {
    {"itl", required_argument, NULL, 'i'},
    {"at", required_argument, NULL, OPT_AT},
    {"role", required_argument, NULL, 'r'},
    {"servername", required_argument, NULL, 'n'},
    {"timeout", required_argument, NULL, 't'},
    {"json", no_argument, NULL, OPT_JSON},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"client-cert", required_argument, NULL, OPT_CLIENT_CERT},
    {"client-key", required_argument, NULL, OPT_CLIENT_KEY},
    PASSPHRASE_LONG_OPTIONS,
    {"help", no_argument, NULL, 'H'},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static int parse_timeout(const char *text, unsigned *ms)
{
    char *end;
    long s = strtol(text, &end, 10);
    if (end == text || *end != '\0' || s < 1 || s > MAX_TIMEOUT_SECONDS)
        return CS_ERROR;
    *ms = (unsigned)s * 1000u;
    return CS_OK;
}

static int parse_option(void *opts, int opt, const cli_ctx *cli)
{
    verify_options *o = opts;
    switch (opt) {
    case 'i':
        o->itl = optarg;
        return CS_OK;
    case OPT_JSON:
        o->json = true;
        return CS_OK;
    case OPT_STRICT:
        o->strict = true;
        return CS_OK;
    case OPT_CLIENT_CERT:
        o->client_cert = optarg;
        return CS_OK;
    case OPT_CLIENT_KEY:
        o->client_key = optarg;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    case OPT_AT:
        if (!cs_parse_time(optarg, &o->now))
            return cli_usage_error(cli, "invalid time '%s': RFC 3339, e.g. 2030-01-01T00:00:00Z",
                                   optarg);
        o->has_at = true;
        return CS_OK;
    case 'r':
        if (!cs_service_parse(optarg, &o->service))
            return cli_usage_error(cli, "invalid role '%s': ccm, tftp or app-server", optarg);
        o->has_role = true;
        return CS_OK;
    case 'n':
        o->servername = optarg;
        return CS_OK;
    case 't':
        if (parse_timeout(optarg, &o->timeout_ms) != CS_OK)
            return cli_usage_error(cli, "invalid timeout '%s': 1 to %d seconds", optarg,
                                   MAX_TIMEOUT_SECONDS);
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

static int take_verb(verify_options *o, char **args, int n, const cli_ctx *cli)
{
    if (n == 0)
        return cli_usage_error(cli, "which check? file, rollover, tls, tftpboot or srtp");
    for (int v = 0; verbs[v] != NULL; v++) {
        if (strcmp(args[0], verbs[v]) == 0) {
            o->verb = (enum verb)v;
            o->operands = args + 1;
            o->count = n - 1;
            return CS_OK;
        }
    }
    return cli_usage_error(cli, "unknown check '%s': file, rollover, tls, tftpboot or srtp",
                           args[0]);
}

/* The options each check takes, and the operands it needs. */
static int check_args(const verify_options *o, const cli_ctx *cli)
{
    const char *verb = verbs[o->verb];
    bool tls = o->verb == VERB_TLS;
    if (o->itl != NULL && o->verb != VERB_FILE && !tls)
        return cli_usage_error(cli, "--itl is not an option of '%s'", verb);
    if (!tls && (o->has_role || o->servername != NULL || o->timeout_ms != 0 ||
                 o->client_cert != NULL || o->client_key != NULL || passphrase_given(&o->pass)))
        return cli_usage_error(cli, "--role, --servername, --timeout, --client-cert, "
                                    "--client-key and the passphrase options are options of 'tls'");
    if (o->client_key != NULL && o->client_cert == NULL)
        return cli_usage_error(cli, "--client-key needs --client-cert");
    if (o->verb == VERB_SRTP && o->has_at)
        return cli_usage_error(cli, "--at is not an option of 'srtp'");
    switch (o->verb) {
    case VERB_FILE:
        if (o->count == 0)
            return cli_usage_error(cli, "no file to check");
        return CS_OK;
    case VERB_ROLLOVER:
        if (o->count != 2)
            return cli_usage_error(cli, "rollover takes two trust lists: OLD.tlv NEW.tlv");
        return CS_OK;
    case VERB_TLS:
        if (o->count != 1)
            return cli_usage_error(cli, "tls takes one HOST[:PORT]");
        if (o->itl == NULL)
            return cli_usage_error(cli, "tls needs --itl, the trust list to check against");
        return CS_OK;
    case VERB_TFTPBOOT:
        if (o->count != 1)
            return cli_usage_error(cli, "tftpboot takes one directory");
        return CS_OK;
    case VERB_SRTP:
        if (o->count != 0)
            return cli_usage_error(cli, "srtp takes no operands");
        return CS_OK;
    }
    return CS_ERROR;
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, const cli_ctx *cli, verify_options *o)
{
    *o = (verify_options){.service = CS_SERVICE_SIP};
    static const cli_options spec = {"i:r:n:t:", long_options, parse_option, usage};
    int first;
    int rc = cli_parse_options(&spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    rc = take_verb(o, argv + first, argc - first, cli);
    if (rc == CS_OK)
        rc = check_args(o, cli);
    if (rc == CS_OK && !o->has_at)
        o->now = (int64_t)time(NULL);
    if (rc == CS_OK && o->timeout_ms == 0)
        o->timeout_ms = CS_TLS_DEFAULT_TIMEOUT_MS;
    return rc;
}

/* The verb's report: on stdout, or as JSON naming the first operand. */
static report_out verify_report_new(const verify_options *o)
{
    static const char *const commands[] = {"verify file", "verify rollover", "verify tls",
                                           "verify tftpboot", "verify srtp"};
    return report_out_new(o->json, commands[o->verb], o->count > 0 ? o->operands[0] : NULL);
}

/* --strict: what the guide requires but phones let pass counts as an
 * error too (today: trust-list certificates without CN, O or OU). */
static cs_findings new_findings(const verify_options *o)
{
    cs_findings f = CS_FINDINGS_INIT;
    if (o->strict)
        cs_findings_make_strict(&f, CS_RULE_CERT_NAMES);
    return f;
}

/* The exit status: an I/O error (2) outranks a rejection (1). */
static int status_of(const cs_findings *f, bool io_error, const cli_ctx *cli)
{
    if (f->failed)
        return cli_fail(cli, CS_ERROR, "out of memory: findings were lost");
    if (io_error)
        return CS_ERROR;
    return f->errors > 0 ? CS_INVALID : CS_OK;
}

/* --- reading trust lists ----------------------------------------------- */

typedef struct loaded_list {
    cs_buf data;
    cs_trustlist tl;
} loaded_list;

static int read_list(const char *path, cs_buf *data, const cli_ctx *cli)
{
    cs_error err;
    if (cs_read_file(path, CS_TL_MAX_FILE_SIZE, data, &err) != CS_OK)
        return cli_file_fail(cli, path, CS_ERROR, &err);
    return CS_OK;
}

/* The trust list the phone holds: it must parse, or there is nothing to
 * judge against. */
static int load_list(const char *path, loaded_list *l, const cli_ctx *cli)
{
    l->data = (cs_buf)CS_BUF_INIT;
    int rc = read_list(path, &l->data, cli);
    cs_error err;
    if (rc == CS_OK && cs_trustlist_parse(l->data.data, l->data.len, &l->tl, &err) != CS_OK) {
        cs_error_prefix(&err, "not a trust list a phone could hold");
        rc = cli_file_fail(cli, path, CS_ERROR, &err);
    }
    if (rc != CS_OK)
        cs_buf_release(&l->data);
    return rc;
}

static void release_list(loaded_list *l)
{
    cs_trustlist_release(&l->tl);
    cs_buf_release(&l->data);
}

/* --- file -------------------------------------------------------------- */

static bool is_signed_name(const char *path)
{
    return cs_path_has_suffix(path, CS_SUFFIX_SGN) || cs_path_has_suffix(path, CS_SUFFIX_SHA512);
}

static int check_file_args(const verify_options *o, const cli_ctx *cli)
{
    for (int i = 0; i < o->count; i++) {
        const char *f = o->operands[i];
        if (!cs_path_has_suffix(f, CS_SUFFIX_TLV) && !is_signed_name(f))
            return cli_usage_error(cli,
                                   "'%s': a phone judges .tlv, .sgn, .sha512 and .enc.sgn "
                                   "files; this is none of them",
                                   f);
        if (is_signed_name(f) && o->itl == NULL)
            return cli_usage_error(cli, "'%s': checking a signed file needs --itl", f);
    }
    return CS_OK;
}

/* One file; false when it could not be read. */
static bool verify_one(const char *path, const cs_phone_list *list, int64_t now, cs_findings *f,
                       const cli_ctx *cli)
{
    cs_error err;
    int rc;
    if (cs_path_has_suffix(path, CS_SUFFIX_TLV)) {
        cs_buf data = CS_BUF_INIT;
        rc = read_list(path, &data, cli);
        if (rc != CS_OK)
            return false;
        rc = cs_phone_check_trustlist(path, data.data, data.len, now, f, &err);
        cs_buf_release(&data);
    } else {
        rc = cs_phone_check_signed_file(path, path, list, 1, f, &err);
    }
    if (rc != CS_OK) {
        fflush(stdout);
        cli_file_fail(cli, path, rc, &err);
        return false;
    }
    return true;
}

static int verify_files(const verify_options *o, const cli_ctx *cli)
{
    int rc = check_file_args(o, cli);
    if (rc != CS_OK)
        return rc;
    loaded_list itl;
    if (o->itl != NULL && (rc = load_list(o->itl, &itl, cli)) != CS_OK)
        return rc;
    cs_phone_list list = {o->itl, o->itl ? &itl.tl : NULL};
    cs_findings f = new_findings(o);
    report_out out = verify_report_new(o);
    bool io_error = false;
    size_t rejected = 0;
    for (int i = 0; i < o->count; i++) {
        const char *path = o->operands[i];
        size_t before = f.count, errors = f.errors;
        if (!verify_one(path, &list, o->now, &f, cli)) {
            io_error = true;
            continue;
        }
        if (f.count == before)
            report_note(&out, "%s: OK\n", path);
        report_findings(&out, &f, before);
        rejected += f.errors > errors;
    }
    report_note(&out, "%d file%s checked, %zu rejected\n", o->count, o->count == 1 ? "" : "s",
                rejected);
    if (out.report != NULL) {
        json_object_set_new(out.report, "files_checked", json_integer(o->count));
        json_object_set_new(out.report, "files_rejected", json_integer((json_int_t)rejected));
    }
    report_findings_verdict(&out, &f);
    rc = status_of(&f, io_error, cli);
    cs_findings_release(&f);
    if (o->itl != NULL)
        release_list(&itl);
    return report_out_finish(&out, rc, cli);
}

/* --- rollover ---------------------------------------------------------- */

static int verify_rollover(const verify_options *o, const cli_ctx *cli)
{
    const char *old_path = o->operands[0], *new_path = o->operands[1];
    cs_buf old_data = CS_BUF_INIT, new_data = CS_BUF_INIT;
    int rc = read_list(old_path, &old_data, cli);
    if (rc == CS_OK)
        rc = read_list(new_path, &new_data, cli);
    cs_findings f = new_findings(o);
    report_out out = verify_report_new(o);
    cs_error err;
    if (rc == CS_OK) {
        rc = cs_phone_check_rollover(old_path, old_data.data, old_data.len, new_path, new_data.data,
                                     new_data.len, o->now, &f, &err);
        if (rc != CS_OK) {
            cs_error_prefix(&err, "not a trust list a phone could hold");
            cli_file_fail(cli, old_path, rc, &err);
        }
    }
    if (rc == CS_OK) {
        if (f.count == 0)
            report_note(&out, "%s: OK: phones holding %s accept it\n", new_path, old_path);
        if (out.report != NULL)
            json_object_set_new(out.report, "new_file", json_text_or_null(new_path));
        report_findings(&out, &f, 0);
        report_findings_verdict(&out, &f);
        rc = status_of(&f, false, cli);
    }
    cs_findings_release(&f);
    cs_buf_release(&old_data);
    cs_buf_release(&new_data);
    return report_out_finish(&out, rc, cli);
}

/* --- tls --------------------------------------------------------------- */

typedef struct endpoint {
    char host[256];
    char port[16];
    char label[300]; /* "HOST:PORT", "[::1]:5061": how findings name it */
} endpoint;

static bool valid_port(const char *s)
{
    char *end;
    long n = strtol(s, &end, 10);
    return *s != '\0' && *end == '\0' && n >= 1 && n <= 65535;
}

static int parse_endpoint(const char *text, const char *default_port, endpoint *e,
                          const cli_ctx *cli)
{
    cs_error err;
    if (cs_split_host_port(text, default_port, e->host, sizeof e->host, e->port, sizeof e->port,
                           &err) != CS_OK ||
        e->host[0] == '\0' || !valid_port(e->port))
        return cli_usage_error(cli, "invalid HOST[:PORT] '%s'", text);
    bool v6 = strchr(e->host, ':') != NULL;
    snprintf(e->label, sizeof e->label, "%s%s%s:%s", v6 ? "[" : "", e->host, v6 ? "]" : "",
             e->port);
    return CS_OK;
}

/* SNI: --servername, else the host when it is a name (phones connect to
 * the processNodeName of their configuration). */
static const char *sni_name(const verify_options *o, const endpoint *e)
{
    if (o->servername != NULL)
        return o->servername[0] ? o->servername : NULL;
    bool address =
        strchr(e->host, ':') != NULL || strspn(e->host, "0123456789.") == strlen(e->host);
    return address ? NULL : e->host;
}

static void print_connection(report_out *out, const endpoint *e, const cs_tls_result *r)
{
    if (out->report != NULL) {
        json_t *c = json_object();
        json_object_set_new(c, "server", json_text_or_null(e->label));
        json_object_set_new(c, "address", json_text_or_null(r->address));
        json_object_set_new(c, "protocol", json_text_or_null(r->version));
        json_object_set_new(c, "ciphersuite", json_text_or_null(r->ciphersuite));
        json_object_set_new(out->report, "connection", c);
        return;
    }
    printf("Connected to %s (%s): %s, %s\n", e->label, r->address, r->version, r->ciphersuite);
}

/* The client certificate and its key (which may be encrypted). */
static int load_client(const verify_options *o, cs_cert **cert, cs_key **key, const cli_ctx *cli)
{
    cs_error err;
    *cert = NULL;
    *key = NULL;
    if (o->client_cert == NULL)
        return CS_OK;
    const char *key_path = o->client_key != NULL ? o->client_key : o->client_cert;
    cs_passphrase pass = passphrase_source(&o->pass);
    if (cs_cert_load_file(o->client_cert, cert, &err) != CS_OK)
        return cli_file_fail(cli, o->client_cert, CS_ERROR, &err);
    if (cs_key_load_file(key_path, &pass, key, &err) != CS_OK ||
        cs_key_matches_cert(*key, *cert, &err) != CS_OK) {
        cs_cert_free(*cert);
        cs_key_free(*key);
        *cert = NULL;
        *key = NULL;
        return cli_file_fail(cli, key_path, CS_ERROR, &err);
    }
    cli_warn_exposed_key(cli, key_path);
    return CS_OK;
}

static const char *demand_word(cs_tls_demand d)
{
    return d == CS_TLS_DEMAND_ASKED ? "yes" : d == CS_TLS_DEMAND_NONE ? "no" : "unknown";
}

static void print_client_cert(report_out *out, const verify_options *o, cs_tls_demand demand)
{
    if (out->report != NULL) {
        json_t *c = json_object();
        json_object_set_new(c, "requested", json_string(demand_word(demand)));
        json_object_set_new(c, "given", json_text_or_null(o->client_cert));
        json_object_set_new(out->report, "client_certificate", c);
        return;
    }
    const char *given = o->client_cert != NULL ? "; given " : "";
    const char *path = o->client_cert != NULL ? o->client_cert : "";
    if (demand == CS_TLS_DEMAND_ASKED)
        printf("Client certificate: the server asks for one%s%s\n", given, path);
    else if (demand == CS_TLS_DEMAND_NONE)
        printf("Client certificate: the server does not ask for one%s%s\n", given, path);
    else
        printf("Client certificate: cannot tell whether the server asks for one%s%s\n", given,
               path);
}

/* The trust-list record that holds cert itself, if any. */
static const cs_tl_record *record_of(const cs_trustlist *tl, const cs_cert *cert)
{
    cs_bytes der = cs_cert_der(cert);
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_certificate && rec->certificate.len == der.len &&
            memcmp(rec->certificate.data, der.data, der.len) == 0)
            return rec;
    }
    return NULL;
}

/* The chain the server sent, in its order, and which of it the list holds:
 * a phone trusts the list's own certificates, never a CA because it issued
 * one. */
static void print_chain(report_out *out, const cs_cert *chain, const cs_trustlist *tl,
                        const char *itl_name)
{
    size_t n = cs_cert_count(chain);
    json_t *list = out->report != NULL ? json_array() : NULL;
    bool ca_listed = false, leaf_listed = false;
    if (list == NULL)
        printf("Chain sent: %zu certificate%s\n", n, n == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        cs_cert *c;
        cs_error err;
        cs_buf subject = CS_BUF_INIT;
        if (cs_cert_at(chain, i, &c, &err) != CS_OK)
            continue;
        (void)cs_cert_subject(c, &subject, &err);
        const cs_tl_record *rec = record_of(tl, c);
        leaf_listed |= i == 0 && rec != NULL;
        ca_listed |= i > 0 && rec != NULL;
        if (list != NULL) {
            json_t *link = json_object();
            json_object_set_new(link, "subject", json_text(cs_buf_bytes(&subject)));
            json_object_set_new(link, "in_trust_list", json_boolean(rec != NULL));
            json_array_append_new(list, link);
        } else {
            printf("  %zu. ", i + 1);
            report_text(stdout, cs_buf_bytes(&subject));
            printf("%s%s\n", i == 0 ? " (leaf)" : "", rec != NULL ? ", in the trust list" : "");
        }
        cs_buf_release(&subject);
        cs_cert_free(c);
    }
    if (list != NULL) {
        json_object_set_new(out->report, "chain", list);
        return;
    }
    if (ca_listed && !leaf_listed)
        printf("Note: %s holds a CA of this chain but not its leaf; phones trust only the "
               "list's own certificates, not the CAs that issued them\n",
               itl_name);
}

static int verify_tls(const verify_options *o, const cli_ctx *cli)
{
    endpoint e;
    int rc = parse_endpoint(o->operands[0], cs_service_default_port(o->service), &e, cli);
    loaded_list itl;
    if (rc != CS_OK || (rc = load_list(o->itl, &itl, cli)) != CS_OK)
        return rc;
    cs_phone_list list = {o->itl, &itl.tl};
    cs_cert *client_cert;
    cs_key *client_key;
    if ((rc = load_client(o, &client_cert, &client_key, cli)) != CS_OK) {
        release_list(&itl);
        return rc;
    }
    cs_tls_target target = {e.host,        e.port,      sni_name(o, &e),
                            o->timeout_ms, client_cert, client_key};
    cs_tls_result r;
    cs_findings f = new_findings(o);
    report_out out = verify_report_new(o);
    cs_error err;
    rc = cs_tls_probe(&target, &r, &err);
    if (rc == CS_INVALID) {
        bool asked = r.client_cert_demand == CS_TLS_DEMAND_ASKED;
        cs_findings_add(&f, CS_RULE_TLS_HANDSHAKE, e.label, NULL, "%s%s", err.message,
                        asked && client_cert == NULL
                            ? "; the server asks for a client certificate (--client-cert)"
                            : "");
        print_client_cert(&out, o, r.client_cert_demand);
        rc = CS_OK;
    } else if (rc == CS_OK) {
        print_connection(&out, &e, &r);
        print_client_cert(&out, o, r.client_cert_demand);
        print_chain(&out, r.peer_chain, &itl.tl, o->itl);
        rc = cs_phone_check_server(e.label, r.peer_cert.data, r.peer_cert.len, o->service, &list,
                                   o->now, &f, &err);
        cs_tls_result_release(&r);
    }
    if (rc != CS_OK) {
        cli_fail(cli, rc, "%s: %s", e.label, err.message);
    } else {
        if (f.count == 0)
            report_note(&out, "%s: OK: its certificate is in %s in a role that %s takes (%s)\n",
                        e.label, o->itl, cs_service_name(o->service), cs_service_roles(o->service));
        report_findings(&out, &f, 0);
        report_findings_verdict(&out, &f);
        rc = status_of(&f, false, cli);
    }
    cs_findings_release(&f);
    release_list(&itl);
    cs_cert_free(client_cert);
    cs_key_free(client_key);
    return report_out_finish(&out, rc, cli);
}

/* --- tftpboot ---------------------------------------------------------- */

static json_t *counts_json(const cs_tftpboot_counts *c)
{
    json_t *o = json_object();
    json_object_set_new(o, "files_checked", json_integer((json_int_t)c->files));
    json_object_set_new(o, "trust_lists", json_integer((json_int_t)c->trust_lists));
    json_object_set_new(o, "configuration_files", json_integer((json_int_t)c->xml_files));
    json_object_set_new(o, "signed_files", json_integer((json_int_t)c->signed_files));
    json_object_set_new(o, "phone_configurations_read", json_integer((json_int_t)c->configs));
    json_object_set_new(o, "phone_configurations_encrypted",
                        json_integer((json_int_t)c->encrypted));
    return o;
}

static void print_counts(const cs_tftpboot_counts *c)
{
    printf("  %-30s %zu\n", "files checked", c->files);
    printf("  %-30s %zu\n", "  trust lists (*.tlv)", c->trust_lists);
    printf("  %-30s %zu\n", "  configuration files (*.xml)", c->xml_files);
    printf("  %-30s %zu\n", "  signed files (*.sgn)", c->signed_files);
    printf("  %-30s %zu\n", "phone configurations read", c->configs);
    if (c->encrypted > 0)
        printf("  %-30s %zu (their security settings cannot be read here)\n",
               "phone configurations encrypted", c->encrypted);
}

static void print_rule_table(const cs_findings *f)
{
    if (f->count == 0) {
        printf("  no problems\n");
        return;
    }
    printf("  %-18s %-8s %-8s %s\n", "rule", "severity", "problems", "meaning");
    for (int r = 0; r < CS_RULE_COUNT; r++) {
        size_t n = cs_findings_count_rule(f, (cs_rule)r);
        if (n > 0)
            printf("  %-18s %-8s %8zu %s\n", cs_rule_id((cs_rule)r),
                   cs_severity_name(cs_rule_severity((cs_rule)r)), n, cs_rule_summary((cs_rule)r));
    }
}

static int verify_tftpboot(const verify_options *o, const cli_ctx *cli)
{
    const char *dir = o->operands[0];
    cs_findings f = new_findings(o);
    report_out out = verify_report_new(o);
    cs_tftpboot_counts counts;
    cs_error err;
    int rc = cs_phone_check_tftpboot(dir, o->now, &f, &counts, &err);
    if (rc != CS_OK) {
        cli_file_fail(cli, dir, rc, &err);
    } else if (out.report != NULL) {
        json_object_set_new(out.report, "summary", counts_json(&counts));
        report_findings(&out, &f, 0);
        report_findings_verdict(&out, &f);
        rc = status_of(&f, false, cli);
    } else {
        report_findings(&out, &f, 0);
        if (f.count > 0)
            putchar('\n');
        printf("Summary of %s\n", dir);
        print_counts(&counts);
        putchar('\n');
        print_rule_table(&f);
        putchar('\n');
        report_findings_verdict(&out, &f);
        rc = status_of(&f, false, cli);
    }
    cs_findings_release(&f);
    return report_out_finish(&out, rc, cli);
}

/* --- srtp -------------------------------------------------------------- */

static json_t *srtp_json(const cs_srtp_result *results, size_t failed)
{
    json_t *report = json_report_new("verify srtp", NULL);
    json_object_set_new(report, "library", json_string(cs_srtp_version()));
    json_t *suites = json_array();
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++) {
        json_t *s = json_object();
        json_object_set_new(s, "suite", json_string(results[i].suite));
        json_object_set_new(s, "works", json_boolean(results[i].ok));
        if (!results[i].ok)
            json_object_set_new(s, "problem", json_string(results[i].detail));
        json_array_append_new(suites, s);
    }
    json_object_set_new(report, "suites", suites);
    json_object_set_new(report, "verdict", json_string(failed > 0 ? "rejected" : "accepted"));
    return report;
}

static int verify_srtp(const verify_options *o, const cli_ctx *cli)
{
    cs_srtp_result results[CS_SRTP_SUITE_COUNT];
    cs_error err;
    int rc = cs_srtp_check(results, &err);
    if (rc == CS_ERROR)
        return cli_fail(cli, rc, "%s", err.message);
    size_t failed = 0;
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++)
        failed += !results[i].ok;
    if (o->json) {
        rc = json_emit(srtp_json(results, failed), cli);
        return cli_finish(cli, rc != CS_OK ? rc : failed > 0 ? CS_INVALID : CS_OK);
    }
    printf("%s\n", cs_srtp_version());
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++) {
        const cs_srtp_result *r = &results[i];
        if (r->ok)
            printf("%-24s OK: RTP and RTCP protected and unprotected, tampering refused\n",
                   r->suite);
        else
            printf("%-24s FAILED: %s\n", r->suite, r->detail);
    }
    if (failed > 0)
        printf("Rejected: %zu of %d suites do not work: phones offering them get no "
               "encrypted media\n",
               failed, CS_SRTP_SUITE_COUNT);
    else
        printf("Accepted: every suite phones offer works\n");
    return cli_finish(cli, failed > 0 ? CS_INVALID : rc);
}

int cmd_verify(int argc, char **argv, const cli_ctx *cli)
{
    verify_options o;
    int rc = parse_args(argc, argv, cli, &o);
    if (rc == -1)
        return cli_finish(cli, CS_OK);
    if (rc != CS_OK)
        return rc;
    switch (o.verb) {
    case VERB_FILE:
        return verify_files(&o, cli);
    case VERB_ROLLOVER:
        return verify_rollover(&o, cli);
    case VERB_TLS:
        return verify_tls(&o, cli);
    case VERB_TFTPBOOT:
        return verify_tftpboot(&o, cli);
    case VERB_SRTP:
        return verify_srtp(&o, cli);
    }
    return CS_ERROR;
}
