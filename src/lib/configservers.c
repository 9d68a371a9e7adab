/* SPDX-License-Identifier: MIT */
/* The CAPF and TVS servers a phone's configuration names, against the
 * certificates its trust list holds (cs_phone_check_config_servers in
 * phone.h; the matching rule is in docs/formats.md, section 3). */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ciscosec/phone.h"
#include "ciscosec/xml.h"

/* Where each service's servers are set, and the ITL role its certificate
 * has (services.md):
 *   <capfList><capf><phonePort>3804</phonePort>
 *     <processNodeName>HOST</processNodeName></capf></capfList>
 *   <TVS><members><member><port>2445</port>
 *     <address>HOST</address></member></members></TVS> */
typedef struct service_setting {
    const char *service; /* "CAPF" */
    uint16_t role;
    cs_rule rule;
    const char *list, *entry, *host, *port; /* element names */
} service_setting;

static const service_setting service_settings[] = {
    {"CAPF", CS_ROLE_CAPF, CS_RULE_CONFIG_CAPF_CERT, "capfList", "capf", "processNodeName",
     "phonePort"},
    {"TVS", CS_ROLE_TVS, CS_RULE_CONFIG_TVS_CERT, "TVS", "member", "address", "port"},
};

/* A record names host by its own DNS name or IPv4 address (tags 2 and
 * 10, which other producers than the reference write), or by its
 * certificate, as a TLS client checks a server's name. */
static bool record_names_host(const cs_tl_record *rec, const char *host)
{
    size_t n = strlen(host);
    if (rec->has_dns_name && rec->dns_name.len == n &&
        strncasecmp((const char *)rec->dns_name.data, host, n) == 0)
        return true;
    if (rec->has_ip_address && rec->ip_address.len == 4) {
        const uint8_t *a = rec->ip_address.data;
        char ip[16];
        snprintf(ip, sizeof ip, "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
        if (strcmp(ip, host) == 0)
            return true;
    }
    cs_cert *cert = NULL;
    bool named = rec->has_certificate &&
                 cs_cert_parse(rec->certificate.data, rec->certificate.len, &cert, NULL) == CS_OK &&
                 cs_cert_names_host(cert, host);
    cs_cert_free(cert);
    return named;
}

static bool is_tcp_port(const char *text)
{
    char *end = NULL;
    errno = 0;
    unsigned long port = strtoul(text, &end, 10);
    return isdigit((unsigned char)text[0]) && *end == '\0' && errno == 0 && port >= 1 &&
           port <= 65535;
}

/* One server entry: a host and port with a certificate for them in the
 * phone's ITL, in the service's role. The ITL holds no port: a port is
 * only checked to be one. */
static void check_server_entry(const char *rel, const service_setting *s, const cs_xml_node *entry,
                               const cs_phone_list *l, const char *mac, cs_findings *out)
{
    char host[256] = "", port[16] = "";
    const cs_xml_node *n = cs_xml_find(entry, s->host);
    if (n != NULL)
        cs_xml_text(n, host, sizeof host);
    if ((n = cs_xml_find(entry, s->port)) != NULL)
        cs_xml_text(n, port, sizeof port);
    if (host[0] == '\0') {
        cs_findings_add(out, s->rule, rel, NULL,
                        "<%s> has a <%s> without a host (<%s>): phones cannot reach that %s "
                        "server",
                        s->list, s->entry, s->host, s->service);
        return;
    }
    if (!is_tcp_port(port))
        cs_findings_add(out, s->rule, rel, NULL,
                        "<%s> points phones at %s on %s port '%s', which is not a TCP port",
                        s->list, s->service, host, port);
    if (l == NULL) {
        cs_findings_add(out, s->rule, rel, NULL,
                        "<%s> points phones at %s on %s, but the phone has no trust list (no "
                        "usable ITLSEP%s.tlv or ITLFile.tlv) to hold its certificate",
                        s->list, s->service, host, mac);
        return;
    }
    size_t first = l->tl->count;
    for (size_t i = 0; i < l->tl->count; i++) {
        const cs_tl_record *rec = &l->tl->records[i];
        if (!rec->has_role || rec->role != s->role)
            continue;
        if (record_names_host(rec, host))
            return;
        if (first == l->tl->count)
            first = i;
    }
    if (first == l->tl->count) {
        cs_findings_add(out, s->rule, rel, NULL,
                        "<%s> points phones at %s on %s, but %s holds no %s certificate: phones "
                        "refuse that server",
                        s->list, s->service, host, l->name, s->service);
        return;
    }
    cs_cert_ref ref = cs_cert_ref_record(&l->tl->records[first], first);
    cs_findings_add(out, s->rule, rel, &ref,
                    "<%s> points phones at %s on %s, but no %s certificate in %s is for that host "
                    "(by its subjectAltName or CN): phones would refuse the server it presents",
                    s->list, s->service, host, s->service, l->name);
}

/* Every entry under the setting's element, however deep. */
static void check_server_entries(const char *rel, const service_setting *s, const cs_xml_node *node,
                                 const cs_phone_list *l, const char *mac, cs_findings *out)
{
    for (const cs_xml_node *n = node->children; n != NULL; n = n->next) {
        if (n->kind != CS_XML_ELEMENT)
            continue;
        if (strcmp(n->name, s->entry) == 0)
            check_server_entry(rel, s, n, l, mac, out);
        else
            check_server_entries(rel, s, n, l, mac, out);
    }
}

void cs_phone_check_config_servers(const char *rel, const cs_xml_doc *doc,
                                   const cs_phone_list *list, const char *mac, cs_findings *out)
{
    for (size_t i = 0; i < sizeof service_settings / sizeof service_settings[0]; i++) {
        const service_setting *s = &service_settings[i];
        const cs_xml_node *node = cs_xml_find(cs_xml_root(doc), s->list);
        if (node != NULL)
            check_server_entries(rel, s, node, list, mac, out);
    }
}
