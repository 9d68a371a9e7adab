/* SPDX-License-Identifier: MIT */
/* The phone's checks of a TLS server's certificate against its trust list
 * (phone.h). */
#include "ciscosec/phone.h"

#include <string.h>

#include "ciscosec/roles.h"

#include "phone_checks.h"

/* `role` names the service on the command line (`verify --role CCM`): the
 * role its server's certificate holds. The service's old names are the
 * role names in lower case, so one parse takes both. */
static const struct {
    const char *name;
    uint16_t role;
    const char *port;
    const char *roles;
} services[] = {
    [CS_SERVICE_SIP] = {"ccm", CS_ROLE_CCM, "5061", "CCM or CCM+TFTP"},
    [CS_SERVICE_PROVISIONING] = {"tftp", CS_ROLE_TFTP, "6971", "TFTP with an EC key"},
    [CS_SERVICE_XML] = {"app-server", CS_ROLE_APP_SERVER, "443", "APP-SERVER"},
};

bool cs_service_parse(const char *name, cs_service *out)
{
    uint16_t role;
    if (!cs_role_parse(name, &role))
        return false;
    if (role == CS_ROLE_CCM_TFTP) /* the combined server: its SIP is what phones check */
        role = CS_ROLE_CCM;
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        if (services[i].role == role) {
            *out = (cs_service)i;
            return true;
        }
    }
    return false;
}

const char *cs_service_name(cs_service service)
{
    return services[service].name;
}

const char *cs_service_default_port(cs_service service)
{
    return services[service].port;
}

const char *cs_service_roles(cs_service service)
{
    return services[service].roles;
}

static bool service_takes_role(cs_service service, uint16_t role)
{
    switch (service) {
    case CS_SERVICE_SIP:
        return role == CS_ROLE_CCM || role == CS_ROLE_CCM_TFTP;
    case CS_SERVICE_PROVISIONING:
        return role == CS_ROLE_TFTP;
    case CS_SERVICE_XML:
        return role == CS_ROLE_APP_SERVER;
    }
    return false;
}

/* The records holding the server's certificate (the same DER), first the
 * one in a role the service takes. */
static const cs_tl_record *find_server_record(const cs_trustlist *tl, cs_bytes der,
                                              cs_service service, bool *role_ok)
{
    const cs_tl_record *found = NULL;
    *role_ok = false;
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (!rec->has_certificate || !cs_bytes_equal(rec->certificate, der))
            continue;
        if (rec->has_role && service_takes_role(service, rec->role)) {
            *role_ok = true;
            return rec;
        }
        if (found == NULL)
            found = rec;
    }
    return found;
}

static int server_ref(const cs_cert *cert, cs_buf *subject, cs_buf *issuer, cs_cert_ref *ref,
                      cs_error *err)
{
    int rc = cs_cert_subject(cert, subject, err);
    if (rc == CS_OK)
        rc = cs_cert_issuer(cert, issuer, err);
    if (rc == CS_OK)
        *ref = (cs_cert_ref){
            .subject = cs_buf_bytes(subject), /* the NUL stays out of len */
            .issuer = cs_buf_bytes(issuer),
            .serial = cs_cert_serial(cert),
        };
    return rc;
}

static void check_server_record(cs_findings *out, const char *server, const cs_cert *cert,
                                cs_service service, const cs_phone_list *list,
                                const cs_cert_ref *ref)
{
    bool role_ok;
    const cs_tl_record *rec = find_server_record(list->tl, cs_cert_der(cert), service, &role_ok);
    if (rec == NULL) {
        cs_findings_add(out, CS_RULE_TLS_CERT_UNKNOWN, server, ref,
                        "the server's certificate is not in %s: phones refuse the connection",
                        list->name);
        return;
    }
    cs_cert_ref rref = cs_cert_ref_record(rec, record_index(list->tl, rec));
    char role[16];
    if (!role_ok)
        cs_findings_add(out, CS_RULE_TLS_CERT_ROLE, server, &rref,
                        "the server's certificate is in %s as %s, but %s needs %s", list->name,
                        role_text(rec, role, sizeof role), cs_service_name(service),
                        cs_service_roles(service));
    if (service != CS_SERVICE_PROVISIONING)
        return;
    if (cs_cert_key_type(cert) != CS_KEY_EC)
        cs_findings_add(out, CS_RULE_TLS_KEY_TYPE, server, &rref,
                        "HTTPS provisioning needs a certificate with an EC key; this one is "
                        "RSA");
    if (!is_https_list(list->tl))
        cs_findings_add(out, CS_RULE_TLS_HTTPS_LIST, server, NULL,
                        "%s has signer version %u.%u: phones use HTTPS provisioning only with "
                        "a 1.1 trust list",
                        list->name, list->tl->header.signer_version[0],
                        list->tl->header.signer_version[1]);
}

int cs_phone_check_server(const char *server, const uint8_t *der, size_t der_len,
                          cs_service service, const cs_phone_list *list, int64_t now,
                          cs_findings *out, cs_error *err)
{
    cs_cert *cert;
    cs_error cerr;
    if (cs_cert_parse(der, der_len, &cert, &cerr) != CS_OK) {
        cs_findings_add(out, CS_RULE_TLS_CERT_UNKNOWN, server, NULL,
                        "the server's certificate cannot be read: %s", cerr.message);
        return findings_status(out, err);
    }
    cs_buf subject = CS_BUF_INIT, issuer = CS_BUF_INIT;
    cs_cert_ref ref;
    int rc = server_ref(cert, &subject, &issuer, &ref, err);
    if (rc == CS_OK) {
        check_server_record(out, server, cert, service, list, &ref);
        check_key(out, server, cert, &ref);
        check_validity(out, server, cert, &ref, now);
        rc = findings_status(out, err);
    }
    cs_buf_release(&subject);
    cs_buf_release(&issuer);
    cs_cert_free(cert);
    return rc;
}
