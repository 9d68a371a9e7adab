/* SPDX-License-Identifier: MIT */
/* The rule table and the findings list (phone.h): what each rule is
 * called, how bad it is, and the findings the checks collect. */
#include "ciscosec/phone.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "phone_checks.h"

static const struct {
    const char *id;
    cs_severity severity;
    const char *summary;
} rules[CS_RULE_COUNT] = {
    [CS_RULE_FORMAT] = {"format", CS_SEVERITY_ERROR, "malformed file"},
    [CS_RULE_HEADER_NESTING] = {"header-nesting", CS_SEVERITY_WARNING,
                                "header element runs past its container"},
    [CS_RULE_TLV_SIZE] = {"tlv-size", CS_SEVERITY_ERROR, "trust list too large"},
    [CS_RULE_TLV_SIGNER] = {"tlv-signer", CS_SEVERITY_ERROR,
                            "trust list signer not among its SAST records"},
    [CS_RULE_TLV_SIGNER_KEY] = {"tlv-signer-key", CS_SEVERITY_ERROR, "trust list signer not RSA"},
    [CS_RULE_TLV_SIGNATURE] = {"tlv-signature", CS_SEVERITY_ERROR, "trust list signature invalid"},
    [CS_RULE_TLV_SAST_COUNT] = {"tlv-sast-count", CS_SEVERITY_ERROR, "more than 2 SAST records"},
    [CS_RULE_TLV_RECORD] = {"tlv-record", CS_SEVERITY_ERROR, "record without a usable certificate"},
    [CS_RULE_TLV_HTTPS_CERT] = {"tlv-https-cert", CS_SEVERITY_ERROR,
                                "1.1 trust list without an EC TFTP certificate"},
    [CS_RULE_RSA_KEY_SIZE] = {"rsa-key-size", CS_SEVERITY_ERROR, "RSA key over 2048 bits"},
    [CS_RULE_EC_CURVE] = {"ec-curve", CS_SEVERITY_ERROR, "EC key not on P-256, P-384 or P-521"},
    [CS_RULE_CERT_VALIDITY] = {"cert-validity", CS_SEVERITY_ERROR,
                               "certificate expired or not yet valid"},
    [CS_RULE_SGN_SIGNER] = {"sgn-signer", CS_SEVERITY_ERROR,
                            "signer not a TFTP certificate of the trust list"},
    [CS_RULE_SGN_SIGNATURE] = {"sgn-signature", CS_SEVERITY_ERROR,
                               "signed file's signature invalid"},
    [CS_RULE_SGN_MISSING] = {"sgn-missing", CS_SEVERITY_ERROR,
                             "configuration file without its .sgn"},
    [CS_RULE_SGN_STALE] = {"sgn-stale", CS_SEVERITY_WARNING, ".sgn older than the file beside it"},
    [CS_RULE_ENC_COMPANION] = {"enc-companion", CS_SEVERITY_ERROR,
                               "encrypted configuration and its .sgn disagree"},
    [CS_RULE_ENC_PLAINTEXT] = {"enc-plaintext", CS_SEVERITY_WARNING,
                               "plaintext left beside its encrypted configuration"},
    [CS_RULE_CONFIG_TRANSPORT] = {"config-transport", CS_SEVERITY_ERROR,
                                  "secure mode without transportLayerProtocol 3"},
    [CS_RULE_CONFIG_CCM_CERT] = {"config-ccm-cert", CS_SEVERITY_ERROR,
                                 "secure mode without a CCM certificate"},
    [CS_RULE_NO_TRUST_LIST] = {"no-trust-list", CS_SEVERITY_WARNING, "no ITLFile.tlv"},
    [CS_RULE_ROLLOVER_SIGNER] = {"rollover-signer", CS_SEVERITY_ERROR,
                                 "new trust list not signed by a known SAST"},
    [CS_RULE_ROLLOVER_SAST] = {"rollover-sast", CS_SEVERITY_WARNING,
                               "new trust list keeps no old SAST"},
    [CS_RULE_ROLLOVER_TFTP] = {"rollover-tftp", CS_SEVERITY_WARNING,
                               "new trust list drops the file-signing certificate"},
    [CS_RULE_CERT_NAMES] = {"cert-names", CS_SEVERITY_WARNING,
                            "trust-list certificate without CN, O or OU"},
    [CS_RULE_TLS_HANDSHAKE] = {"tls-handshake", CS_SEVERITY_ERROR, "no TLS connection"},
    [CS_RULE_TLS_CERT_UNKNOWN] = {"tls-cert-unknown", CS_SEVERITY_ERROR,
                                  "server certificate not in the trust list"},
    [CS_RULE_TLS_CERT_ROLE] = {"tls-cert-role", CS_SEVERITY_ERROR,
                               "server certificate in the wrong role"},
    [CS_RULE_TLS_KEY_TYPE] = {"tls-key-type", CS_SEVERITY_ERROR,
                              "HTTPS provisioning certificate not EC"},
    [CS_RULE_TLS_HTTPS_LIST] = {"tls-https-list", CS_SEVERITY_WARNING,
                                "HTTPS provisioning with a 1.0 trust list"},
    [CS_RULE_CONFIG_CAPF_CERT] = {"config-capf-cert", CS_SEVERITY_WARNING,
                                  "CAPF server without a matching CAPF certificate"},
    [CS_RULE_CONFIG_TVS_CERT] = {"config-tvs-cert", CS_SEVERITY_WARNING,
                                 "TVS server without a matching TVS certificate"},
};

const char *cs_rule_id(cs_rule rule)
{
    return rule < CS_RULE_COUNT ? rules[rule].id : "?";
}

const char *cs_rule_summary(cs_rule rule)
{
    return rule < CS_RULE_COUNT ? rules[rule].summary : "?";
}

cs_severity cs_rule_severity(cs_rule rule)
{
    return rule < CS_RULE_COUNT ? rules[rule].severity : CS_SEVERITY_ERROR;
}

const char *cs_severity_name(cs_severity severity)
{
    return severity == CS_SEVERITY_WARNING ? "warning" : "error";
}

cs_cert_ref cs_cert_ref_record(const cs_tl_record *rec, size_t record_index)
{
    return (cs_cert_ref){
        .subject = rec->subject,
        .issuer = rec->issuer,
        .serial = rec->serial,
        .record = record_index + 1,
        .has_role = rec->has_role,
        .role = rec->role,
    };
}

cs_cert_ref cs_cert_ref_header(const cs_header *hdr)
{
    return (cs_cert_ref){
        .subject = hdr->signer_name,
        .issuer = hdr->issuer_name,
        .serial = hdr->serial,
    };
}

void cs_findings_init(cs_findings *f)
{
    *f = (cs_findings)CS_FINDINGS_INIT;
}

static void finding_release(cs_finding *x)
{
    free(x->file);
    free(x->message);
    free(x->cert_subject);
    free(x->cert_issuer);
    free(x->cert_serial);
}

void cs_findings_release(cs_findings *f)
{
    for (size_t i = 0; i < f->count; i++)
        finding_release(&f->items[i]);
    free(f->items);
    cs_findings_init(f);
}

void cs_findings_make_strict(cs_findings *f, cs_rule rule)
{
    f->strict |= (uint64_t)1 << rule;
}

/* A name from a file as printable text: control bytes become \xNN, so a
 * hostile file cannot write escape sequences to a terminal. */
static char *printable(cs_bytes text)
{
    cs_buf out = CS_BUF_INIT;
    cs_buf_append_printable(&out, text);
    cs_buf_str(&out); /* the NUL after it */
    if (out.failed || out.data == NULL) {
        cs_buf_release(&out);
        return NULL;
    }
    return (char *)out.data; /* the caller frees it */
}

static char *hex_string(cs_bytes bytes)
{
    char *out = malloc(bytes.len * 2 + 1);
    if (out != NULL)
        cs_hex(bytes.data, bytes.len, out);
    return out;
}

static bool set_cert(cs_finding *x, const cs_cert_ref *cert)
{
    if (cert == NULL || (cert->subject.len == 0 && cert->serial.len == 0))
        return true;
    x->cert_subject = printable(cert->subject);
    x->cert_issuer = printable(cert->issuer);
    x->cert_serial = hex_string(cert->serial);
    x->cert_record = cert->record;
    if (cert->has_role) {
        const char *name = cs_role_name(cert->role);
        if (name != NULL)
            snprintf(x->cert_role, sizeof x->cert_role, "%s", name);
        else
            snprintf(x->cert_role, sizeof x->cert_role, "%u", cert->role);
    }
    return x->cert_subject != NULL && x->cert_issuer != NULL && x->cert_serial != NULL;
}

static bool grow(cs_findings *f)
{
    if (f->count < f->cap)
        return true;
    size_t cap = f->cap ? f->cap * 2 : 16;
    cs_finding *items = realloc(f->items, cap * sizeof *items);
    if (items == NULL)
        return false;
    f->items = items;
    f->cap = cap;
    return true;
}

void cs_findings_add(cs_findings *f, cs_rule rule, const char *file, const cs_cert_ref *cert,
                     const char *fmt, ...)
{
    cs_severity severity = f->strict >> rule & 1 ? CS_SEVERITY_ERROR : cs_rule_severity(rule);
    if (severity == CS_SEVERITY_ERROR)
        f->errors++;
    else
        f->warnings++;
    if (!grow(f)) {
        f->failed = true;
        return;
    }
    cs_finding x = {.rule = rule, .severity = severity};
    char message[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    x.file = strdup(file);
    x.message = strdup(message);
    if (x.file == NULL || x.message == NULL || !set_cert(&x, cert)) {
        finding_release(&x);
        f->failed = true;
        return;
    }
    f->items[f->count++] = x;
}

size_t cs_findings_count_rule(const cs_findings *f, cs_rule rule)
{
    size_t n = 0;
    for (size_t i = 0; i < f->count; i++)
        n += f->items[i].rule == rule;
    return n;
}

int findings_status(const cs_findings *f, cs_error *err)
{
    if (f->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}
