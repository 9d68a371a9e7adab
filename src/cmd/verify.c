/* SPDX-License-Identifier: MIT */
/* ciscosec verify file|rollover|tls|tftpboot|srtp: check a deployment the
 * way a phone will, before a phone finds out.
 *
 * The rules live in the library (phone.h) and come back as findings; the
 * command chooses what to check, prints the findings and a summary
 * (report.h), and turns them into the exit status: 0 a phone would accept
 * everything, 1 it would reject something, 2 usage or I/O error. This file
 * parses the options and holds what the verbs share (verify.h); each verb
 * is its own file: verify_file.c (file, rollover), verify_tls.c,
 * verify_tftpboot.c, verify_srtp.c. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ciscosec/fileio.h"
#include "ciscosec/phone.h"
#include "ciscosec/tlsprobe.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../report.h"
#include "../passphrase.h"
#include "verify.h"

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
           "      --role ROLE          tls: the role the server's certificate needs, and\n"
           "                           so the service: CCM (SIP over TLS, port 5061, CCM\n"
           "                           or CCM+TFTP; the default; CCM+TFTP names it too),\n"
           "                           TFTP (HTTPS provisioning, port 6971, TFTP with an\n"
           "                           EC key) or APP-SERVER (XML services, port 443);\n"
           "                           in any case, so ccm, tftp, app-server work too\n"
           "  -n, --servername NAME    tls: the name sent in SNI (default: HOST when it\n"
           "                           is a name, none for an address; \"\" for none)\n"
           "      --timeout SECONDS    tls: time allowed to connect and for each read\n"
           "                           (default 10)\n"
           "      --client-cert PEM    tls: a client certificate, for servers that ask\n"
           "                           for one; its key in PEM too, or in --client-key\n"
           "      --client-key KEY     tls: the client certificate's private key\n" PASSPHRASE_HELP
           "      --json               print the report as JSON (docs/json.md)\n"
           "      --strict             a trust-list certificate without CN, O or OU\n"
           "                           (rule cert-names) is an error, not a warning\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Deprecated (docs/cli.md): -r is --role and -t is --timeout; the other\n"
           "commands give -r and -t other meanings.\n"
           "Each problem is one line: FILE: error|warning [RULE]: what, and the\n"
           "certificate concerned. Errors are what a phone rejects; warnings are\n"
           "accepted today but traps.\n"
           "Exit status: 0 a phone would accept everything, 1 it would reject something\n"
           "(or the TLS handshake failed, or an SRTP suite does not work), 2 usage or\n"
           "I/O error.\n");
}

static const char *const verbs[] = {"file", "rollover", "tls", "tftpboot", "srtp", NULL};

enum { OPT_AT = 256, OPT_JSON, OPT_STRICT, OPT_CLIENT_CERT, OPT_CLIENT_KEY };

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
            return cli_usage_error(cli, "invalid role '%s': CCM, CCM+TFTP, TFTP or APP-SERVER",
                                   optarg);
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
report_out verify_report_new(const verify_options *o)
{
    static const char *const commands[] = {"verify file", "verify rollover", "verify tls",
                                           "verify tftpboot", "verify srtp"};
    return report_out_new(o->json, commands[o->verb], o->count > 0 ? o->operands[0] : NULL);
}

/* --strict: what the guide requires but phones let pass counts as an
 * error too (today: trust-list certificates without CN, O or OU). */
cs_findings verify_findings_new(const verify_options *o)
{
    cs_findings f = CS_FINDINGS_INIT;
    if (o->strict)
        cs_findings_make_strict(&f, CS_RULE_CERT_NAMES);
    return f;
}

/* The exit status: an I/O error (2) outranks a rejection (1). */
int verify_status(const cs_findings *f, bool io_error, const cli_ctx *cli)
{
    if (f->failed)
        return cli_fail(cli, CS_ERROR, "out of memory: findings were lost");
    if (io_error)
        return CS_ERROR;
    return f->errors > 0 ? CS_INVALID : CS_OK;
}

/* --- reading trust lists ----------------------------------------------- */

int verify_read_list(const char *path, cs_buf *data, const cli_ctx *cli)
{
    cs_error err;
    if (cs_read_file(path, CS_TL_MAX_FILE_SIZE, data, &err) != CS_OK)
        return cli_file_fail(cli, path, CS_ERROR, &err);
    return CS_OK;
}

/* The trust list the phone holds: it must parse, or there is nothing to
 * judge against. */
int verify_load_list(const char *path, loaded_list *l, const cli_ctx *cli)
{
    l->data = (cs_buf)CS_BUF_INIT;
    int rc = verify_read_list(path, &l->data, cli);
    cs_error err;
    if (rc == CS_OK && cs_trustlist_parse(l->data.data, l->data.len, &l->tl, &err) != CS_OK) {
        cs_error_prefix(&err, "not a trust list a phone could hold");
        rc = cli_file_fail(cli, path, CS_ERROR, &err);
    }
    if (rc != CS_OK)
        cs_buf_release(&l->data);
    return rc;
}

void verify_release_list(loaded_list *l)
{
    cs_trustlist_release(&l->tl);
    cs_buf_release(&l->data);
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
