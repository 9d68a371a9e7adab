/* SPDX-License-Identifier: MIT */
/* verify tls: a TLS server's certificate judged against the trust list,
 * with the connection, the client certificate asked for and the chain. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/hostport.h"
#include "ciscosec/phone.h"
#include "ciscosec/tlsprobe.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../json.h"
#include "../report.h"
#include "verify.h"

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

int verify_tls(const verify_options *o, const cli_ctx *cli)
{
    endpoint e;
    int rc = parse_endpoint(o->operands[0], cs_service_default_port(o->service), &e, cli);
    loaded_list itl;
    if (rc != CS_OK || (rc = verify_load_list(o->itl, &itl, cli)) != CS_OK)
        return rc;
    cs_phone_list list = {o->itl, &itl.tl};
    cs_cert *client_cert;
    cs_key *client_key;
    if ((rc = load_client(o, &client_cert, &client_key, cli)) != CS_OK) {
        verify_release_list(&itl);
        return rc;
    }
    cs_tls_target target = {e.host,        e.port,      sni_name(o, &e),
                            o->timeout_ms, client_cert, client_key};
    cs_tls_result r;
    cs_findings f = verify_findings_new(o);
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
        rc = verify_status(&f, false, cli);
    }
    cs_findings_release(&f);
    verify_release_list(&itl);
    cs_cert_free(client_cert);
    cs_key_free(client_key);
    return report_out_finish(&out, rc, cli);
}
