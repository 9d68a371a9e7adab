/* The phone's acceptance rules (phone.h): findings, and the checks of a
 * trust list, a signed file, a trust-list update and a server certificate.
 * The provisioning-directory audit, which builds on these, is tftpboot.c. */
#include "ciscosec/phone.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

#include "ciscosec/certgen.h"
#include "ciscosec/encconfig.h"
#include "ciscosec/signedfile.h"

/* --- rules and findings ------------------------------------------------ */

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

static int findings_status(const cs_findings *f, cs_error *err)
{
    if (f->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

/* --- time -------------------------------------------------------------- */

/* n decimal digits at *p into *out. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

/* "Z", "+HH:MM" or "-HH:MM" (or nothing: UTC) into seconds east of UTC. */
static bool parse_offset(const char **p, int *offset)
{
    *offset = 0;
    if (**p == '\0')
        return true;
    if (**p == 'Z' || **p == 'z') {
        (*p)++;
        return true;
    }
    int sign = **p == '+' ? 1 : **p == '-' ? -1 : 0, hh, mm;
    if (sign == 0)
        return false;
    (*p)++;
    if (!digits(p, 2, &hh) || !expect(p, ':') || !digits(p, 2, &mm) || hh > 23 || mm > 59)
        return false;
    *offset = sign * (hh * 3600 + mm * 60);
    return true;
}

bool cs_parse_time(const char *text, int64_t *out)
{
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = text;
    int y, mo, d, h = 0, mi = 0, s = 0, offset = 0;
    if (!digits(&p, 4, &y) || !expect(&p, '-') || !digits(&p, 2, &mo) || !expect(&p, '-') ||
        !digits(&p, 2, &d))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > month_days[mo - 1] + (mo == 2 && cs_is_leap_year(y)))
        return false;
    if (*p == 'T' || *p == 't' || *p == ' ') {
        p++;
        if (!digits(&p, 2, &h) || !expect(&p, ':') || !digits(&p, 2, &mi) || !expect(&p, ':') ||
            !digits(&p, 2, &s) || h > 23 || mi > 59 || s > 60)
            return false;
        if (*p == '.') {
            p++;
            if (*p < '0' || *p > '9')
                return false;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (!parse_offset(&p, &offset))
            return false;
    }
    if (*p != '\0')
        return false;
    *out = cs_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
    return true;
}

/* --- helpers shared by the checks -------------------------------------- */

static const char *role_text(const cs_tl_record *rec, char *buf, size_t size)
{
    const char *name = rec->has_role ? cs_role_name(rec->role) : "no role";
    if (name == NULL) {
        snprintf(buf, size, "role %u", rec->role);
        return buf;
    }
    return name;
}

bool cs_role_signs_files(uint16_t role)
{
    return role == CS_ROLE_TFTP || role == CS_ROLE_CCM_TFTP;
}

/* The record's certificate, parsed; NULL when it has none or it is
 * unreadable (why, in err). */
static cs_cert *record_cert(const cs_tl_record *rec, cs_error *err)
{
    cs_cert *cert = NULL;
    if (!rec->has_certificate) {
        cs_fail(err, CS_ERROR, "the record holds no certificate");
        return NULL;
    }
    if (cs_cert_parse(rec->certificate.data, rec->certificate.len, &cert, err) != CS_OK)
        return NULL;
    return cert;
}

static cs_key_type record_key_type(const cs_tl_record *rec)
{
    cs_error err;
    cs_cert *cert = record_cert(rec, &err);
    if (cert == NULL)
        return CS_KEY_OTHER;
    cs_key_type type = cs_cert_key_type(cert);
    cs_cert_free(cert);
    return type;
}

const cs_tl_record *cs_phone_file_signer(const cs_trustlist *tl, size_t *index)
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_role && cs_role_signs_files(rec->role) && record_key_type(rec) == CS_KEY_RSA) {
            if (index != NULL)
                *index = i;
            return rec;
        }
    }
    return NULL;
}

/* A record naming hdr's signer in any role (for a message that says which
 * role it has instead of the one needed). */
static const cs_tl_record *find_in_any_role(const cs_trustlist *tl, const cs_header *hdr)
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (!rec->has_role)
            continue;
        const cs_tl_record *found = cs_trustlist_find(tl, hdr, rec->role);
        if (found != NULL)
            return found;
    }
    return NULL;
}

static size_t record_index(const cs_trustlist *tl, const cs_tl_record *rec)
{
    return (size_t)(rec - tl->records);
}

/* Whether two records hold the same certificate: the same DER where both
 * carry one, else the same issuer and serial. */
static bool same_certificate(const cs_tl_record *a, const cs_tl_record *b)
{
    if (a->has_certificate && b->has_certificate)
        return cs_bytes_equal(a->certificate, b->certificate);
    return a->has_serial && b->has_serial && cs_bytes_equal(a->serial, b->serial) &&
           a->has_issuer == b->has_issuer && cs_bytes_equal(a->issuer, b->issuer);
}

/* Validity dates at `now`. */
static void check_validity(cs_findings *out, const char *file, const cs_cert *cert,
                           const cs_cert_ref *ref, int64_t now)
{
    int64_t not_before, not_after;
    cs_cert_validity(cert, &not_before, &not_after);
    char when[32], limit[32];
    cs_format_time(now, when, sizeof when);
    if (now < not_before) {
        cs_format_time(not_before, limit, sizeof limit);
        cs_findings_add(out, CS_RULE_CERT_VALIDITY, file, ref,
                        "certificate not valid before %s (checked at %s)", limit, when);
    } else if (now > not_after) {
        cs_format_time(not_after, limit, sizeof limit);
        cs_findings_add(out, CS_RULE_CERT_VALIDITY, file, ref,
                        "certificate expired on %s (checked at %s)", limit, when);
    }
}

/* The key types and sizes phones take. */
static void check_key(cs_findings *out, const char *file, const cs_cert *cert,
                      const cs_cert_ref *ref)
{
    cs_key_type type = cs_cert_key_type(cert);
    size_t bits = cs_cert_key_bits(cert);
    if (type == CS_KEY_RSA && bits > CS_PHONE_MAX_RSA_BITS)
        cs_findings_add(out, CS_RULE_RSA_KEY_SIZE, file, ref,
                        "RSA key of %zu bits: phones support at most %u", bits,
                        CS_PHONE_MAX_RSA_BITS);
    if (type == CS_KEY_EC) {
        cs_curve curve = cs_cert_curve(cert);
        if (curve != CS_CURVE_P256 && curve != CS_CURVE_P384 && curve != CS_CURVE_P521)
            cs_findings_add(out, CS_RULE_EC_CURVE, file, ref,
                            "EC key of %zu bits on a curve phones do not support "
                            "(only P-256, P-384 and P-521)",
                            bits);
    }
    if (type == CS_KEY_OTHER)
        cs_findings_add(out, CS_RULE_TLV_RECORD, file, ref,
                        "the certificate's key is neither RSA nor EC");
}

/* The subject names the guide requires of a trust list's certificates. */
static void check_names(cs_findings *out, const char *file, const cs_cert *cert,
                        const cs_cert_ref *ref)
{
    char problem[CS_CERT_NAMES_TEXT_SIZE];
    if (cs_cert_names_problem(cert, problem, sizeof problem))
        cs_findings_add(out, CS_RULE_CERT_NAMES, file, ref, "%s", problem);
}

/* --- trust lists ------------------------------------------------------- */

static void check_sast_count(cs_findings *out, const char *name, const cs_trustlist *tl)
{
    size_t sast = 0;
    const cs_tl_record *third = NULL;
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_role && rec->role == CS_ROLE_SAST && ++sast == CS_MAX_SAST_RECORDS + 1)
            third = rec;
    }
    if (third != NULL) {
        cs_cert_ref ref = cs_cert_ref_record(third, record_index(tl, third));
        cs_findings_add(out, CS_RULE_TLV_SAST_COUNT, name, &ref,
                        "%zu SAST records: phones accept at most %d", sast, CS_MAX_SAST_RECORDS);
    }
}

static void check_list_signature(cs_findings *out, const char *name, const cs_trustlist *tl,
                                 const uint8_t *data, size_t len)
{
    const cs_header *h = &tl->header;
    const cs_tl_record *signer = cs_trustlist_signer(tl);
    if (signer == NULL) {
        cs_cert_ref ref = cs_cert_ref_header(h);
        char role[16];
        const cs_tl_record *other = find_in_any_role(tl, h);
        if (other != NULL)
            cs_findings_add(out, CS_RULE_TLV_SIGNER, name, &ref,
                            "signed by a certificate the list holds only as %s, not SAST: "
                            "phones cannot verify the list",
                            role_text(other, role, sizeof role));
        else
            cs_findings_add(out, CS_RULE_TLV_SIGNER, name, &ref,
                            "no SAST record has the issuer and serial number of the header's "
                            "signer: phones cannot verify the list");
        return;
    }
    cs_cert_ref ref = cs_cert_ref_record(signer, record_index(tl, signer));
    cs_error err;
    cs_cert *cert = record_cert(signer, &err);
    if (cert == NULL) {
        cs_findings_add(out, CS_RULE_TLV_SIGNER, name, &ref,
                        "the signer's SAST record has no usable certificate (%s)", err.message);
        return;
    }
    if (cs_cert_key_type(cert) != CS_KEY_RSA)
        cs_findings_add(out, CS_RULE_TLV_SIGNER_KEY, name, &ref,
                        "the signer's key is not RSA: phones verify trust lists with RSA keys "
                        "only");
    else if (cs_trustlist_verify(tl, data, len, &err) != CS_OK)
        cs_findings_add(out, CS_RULE_TLV_SIGNATURE, name, &ref,
                        "the signature does not verify with the signer's certificate (%s)",
                        err.message);
    cs_cert_free(cert);
}

/* The record's own fields that a phone matches or uses must describe its
 * certificate: a serial or key that differs points at a hand-edited or
 * corrupt list. (Names are compared as text by phones, and producers
 * format them differently, so they are not compared here.) */
static void check_record_fields(cs_findings *out, const char *name, const cs_tl_record *rec,
                                const cs_cert *cert, const cs_cert_ref *ref)
{
    if (rec->has_serial && !cs_bytes_equal(rec->serial, cs_cert_serial(cert)))
        cs_findings_add(out, CS_RULE_TLV_RECORD, name, ref,
                        "the record's serial number is not its certificate's");
    if (!rec->has_public_key)
        return;
    cs_buf key = CS_BUF_INIT;
    cs_error err;
    if (cs_cert_public_key(cert, &key, &err) == CS_OK &&
        !cs_bytes_equal(rec->public_key, cs_buf_bytes(&key)))
        cs_findings_add(out, CS_RULE_TLV_RECORD, name, ref,
                        "the record's public key is not its certificate's");
    cs_buf_release(&key);
}

static void check_records(cs_findings *out, const char *name, const cs_trustlist *tl, int64_t now)
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        cs_cert_ref ref = cs_cert_ref_record(rec, i);
        cs_error err;
        if (!rec->has_role)
            cs_findings_add(out, CS_RULE_TLV_RECORD, name, &ref, "the record has no role");
        cs_cert *cert = record_cert(rec, &err);
        if (cert == NULL) {
            cs_findings_add(out, CS_RULE_TLV_RECORD, name, &ref, "%s", err.message);
            continue;
        }
        check_record_fields(out, name, rec, cert, &ref);
        check_key(out, name, cert, &ref);
        check_validity(out, name, cert, &ref, now);
        check_names(out, name, cert, &ref);
        cs_cert_free(cert);
    }
}

static bool is_https_list(const cs_trustlist *tl)
{
    const cs_header *h = &tl->header;
    return h->has_signer_version &&
           (h->signer_version[0] > 1 || (h->signer_version[0] == 1 && h->signer_version[1] >= 1));
}

static void check_https_cert(cs_findings *out, const char *name, const cs_trustlist *tl)
{
    if (!is_https_list(tl))
        return;
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *rec = &tl->records[i];
        if (rec->has_role && rec->role == CS_ROLE_TFTP && record_key_type(rec) == CS_KEY_EC)
            return;
    }
    cs_findings_add(out, CS_RULE_TLV_HTTPS_CERT, name, NULL,
                    "signer version %u.%u makes phones use HTTPS provisioning, but the list has "
                    "no EC certificate with role TFTP to verify the server",
                    tl->header.signer_version[0], tl->header.signer_version[1]);
}

/* A header whose children run past their containers was not written as
 * formats.md says, but other producers may write one and phones are not
 * known to refuse it: a warning, not a rejection. */
static void check_header_nesting(cs_findings *out, const char *name, const cs_header *h)
{
    cs_error err;
    if (cs_header_check_nesting(h, &err) != CS_OK)
        cs_findings_add(out, CS_RULE_HEADER_NESTING, name, NULL, "%s", err.message);
}

int cs_phone_check_trustlist(const char *name, const uint8_t *data, size_t len, int64_t now,
                             cs_findings *out, cs_error *err)
{
    if (len > CS_PHONE_MAX_TLV_SIZE)
        cs_findings_add(out, CS_RULE_TLV_SIZE, name, NULL,
                        "%zu bytes: phones refuse trust lists over %u bytes", len,
                        CS_PHONE_MAX_TLV_SIZE);
    cs_trustlist tl;
    cs_error perr;
    if (cs_trustlist_parse(data, len, &tl, &perr) != CS_OK) {
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "not a valid trust list: %s",
                        perr.message);
        return findings_status(out, err);
    }
    check_header_nesting(out, name, &tl.header);
    check_sast_count(out, name, &tl);
    check_list_signature(out, name, &tl, data, len);
    check_records(out, name, &tl, now);
    check_https_cert(out, name, &tl);
    cs_trustlist_release(&tl);
    return findings_status(out, err);
}

/* --- signed files ------------------------------------------------------ */

/* What phones need of an .enc.sgn's encryption fields (formats.md §4). */
static void check_encryption_fields(cs_findings *out, const char *name, const cs_sgn_file *f)
{
    const cs_header *h = &f->header;
    if (!h->has_encryption) {
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL,
                        "no encryption fields in the header: not an encrypted configuration");
        return;
    }
    cs_error ferr;
    if (cs_enc_check_fields(&h->enc, (size_t)(f->size - h->length), &ferr) != CS_OK)
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "%s", ferr.message);
}

/* The list's record for the signer of a signed file: TFTP first, then
 * CCM+TFTP. */
static const cs_tl_record *find_file_signer(const cs_trustlist *tl, const cs_header *hdr)
{
    const cs_tl_record *rec = cs_trustlist_find(tl, hdr, CS_ROLE_TFTP);
    return rec != NULL ? rec : cs_trustlist_find(tl, hdr, CS_ROLE_CCM_TFTP);
}

static int judge_signer(cs_findings *out, const char *name, cs_sgn_file *f,
                        const cs_phone_list *list, cs_error *err)
{
    const cs_header *h = &f->header;
    cs_cert_ref ref = cs_cert_ref_header(h);
    const cs_tl_record *rec = find_file_signer(list->tl, h);
    if (rec == NULL) {
        char role[16];
        const cs_tl_record *other = find_in_any_role(list->tl, h);
        if (other != NULL)
            cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                            "signed by a certificate that %s holds only as %s: phones take "
                            "signed files from TFTP or CCM+TFTP certificates only",
                            list->name, role_text(other, role, sizeof role));
        else
            cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                            "signed by a certificate that is not in %s", list->name);
        return CS_OK;
    }
    ref = cs_cert_ref_record(rec, record_index(list->tl, rec));
    cs_error cerr;
    cs_cert *cert = record_cert(rec, &cerr);
    if (cert == NULL) {
        cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                        "the signer's record in %s has no usable certificate (%s)", list->name,
                        cerr.message);
        return CS_OK;
    }
    int rc = CS_OK;
    if (cs_cert_key_type(cert) != CS_KEY_RSA) {
        cs_findings_add(out, CS_RULE_SGN_SIGNER, name, &ref,
                        "the signer's certificate in %s has no RSA key, so it cannot verify "
                        "signed files",
                        list->name);
    } else {
        rc = cs_sgn_verify(f, cert, err);
        if (rc == CS_INVALID) {
            cs_findings_add(out, CS_RULE_SGN_SIGNATURE, name, &ref,
                            "the signature does not verify with the signer's certificate in "
                            "%s (%s)",
                            list->name, err->message);
            rc = CS_OK;
        }
    }
    cs_cert_free(cert);
    return rc;
}

int cs_phone_check_signed_file(const char *path, const char *name, const cs_phone_list *lists,
                               size_t n, cs_findings *out, cs_error *err)
{
    /* Unreadable is an I/O error (exit 2); readable but malformed is what
     * a phone would reject (a finding). */
    struct stat st;
    if (stat(path, &st) != 0)
        return cs_fail(err, CS_ERROR, "%s", strerror(errno));
    if (!S_ISREG(st.st_mode))
        return cs_fail(err, CS_ERROR, "not a regular file");
    cs_sgn_file f;
    cs_error ferr;
    if (cs_sgn_open(&f, path, &ferr) != CS_OK) {
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "not a valid signed file: %s",
                        ferr.message);
        return findings_status(out, err);
    }
    check_header_nesting(out, name, &f.header);
    size_t before = out->errors;
    cs_md md = CS_MD_SHA1;
    if (!cs_digest_code_to_md(f.header.digest_code, &md))
        cs_findings_add(out, CS_RULE_FORMAT, name, NULL, "digest algorithm %u is unknown",
                        f.header.digest_code);
    if (cs_path_has_suffix(name, CS_SUFFIX_ENC_SGN))
        check_encryption_fields(out, name, &f);
    /* A malformed file has no signature worth checking. */
    bool well_formed = out->errors == before;
    int rc = CS_OK;
    for (size_t i = 0; rc == CS_OK && well_formed && i < n; i++)
        rc = judge_signer(out, name, &f, &lists[i], err);
    cs_sgn_close(&f);
    return rc != CS_OK ? rc : findings_status(out, err);
}

/* --- trust-list updates ------------------------------------------------ */

static void check_rollover_signer(cs_findings *out, const char *old_name, const cs_trustlist *old,
                                  const char *new_name, const cs_trustlist *new,
                                  const uint8_t *new_data, size_t new_len)
{
    const cs_tl_record *rec = cs_trustlist_find(old, &new->header, CS_ROLE_SAST);
    if (rec == NULL) {
        cs_cert_ref ref = cs_cert_ref_header(&new->header);
        cs_findings_add(out, CS_RULE_ROLLOVER_SIGNER, new_name, &ref,
                        "signed by a certificate that is not a SAST record of %s: phones "
                        "holding %s reject the update",
                        old_name, old_name);
        return;
    }
    cs_cert_ref ref = cs_cert_ref_record(rec, record_index(old, rec));
    cs_error err;
    cs_cert *cert = record_cert(rec, &err);
    if (cert == NULL) {
        cs_findings_add(out, CS_RULE_ROLLOVER_SIGNER, new_name, &ref,
                        "the signer's SAST record in %s has no usable certificate (%s)", old_name,
                        err.message);
        return;
    }
    /* The phone verifies with the certificate it already holds, not with
     * the copy the new list brings. */
    if (cs_cert_key_type(cert) != CS_KEY_RSA ||
        cs_header_verify_buffer(&new->header, new_data, new_len, cert, &err) != CS_OK)
        cs_findings_add(out, CS_RULE_ROLLOVER_SIGNER, new_name, &ref,
                        "%s's SAST certificate with the signer's issuer and serial does not "
                        "verify the signature: the SAST key was replaced, and phones holding "
                        "%s reject the update",
                        old_name, old_name);
    cs_cert_free(cert);
}

static bool holds_in_role(const cs_trustlist *tl, const cs_tl_record *rec,
                          bool (*role_ok)(uint16_t role))
{
    for (size_t i = 0; i < tl->count; i++) {
        const cs_tl_record *r = &tl->records[i];
        if (r->has_role && role_ok(r->role) && same_certificate(r, rec))
            return true;
    }
    return false;
}

static bool is_sast(uint16_t role)
{
    return role == CS_ROLE_SAST;
}

static void check_rollover_sast(cs_findings *out, const char *old_name, const cs_trustlist *old,
                                const char *new_name, const cs_trustlist *new)
{
    const cs_tl_record *first = NULL;
    for (size_t i = 0; i < old->count; i++) {
        const cs_tl_record *rec = &old->records[i];
        if (!rec->has_role || rec->role != CS_ROLE_SAST)
            continue;
        if (holds_in_role(new, rec, is_sast))
            return;
        if (first == NULL)
            first = rec;
    }
    cs_cert_ref ref =
        first ? cs_cert_ref_record(first, record_index(old, first)) : (cs_cert_ref){0};
    cs_findings_add(out, CS_RULE_ROLLOVER_SAST, new_name, first ? &ref : NULL,
                    "keeps none of the SAST certificates of %s: a phone that misses this "
                    "update will accept no later trust list",
                    old_name);
}

static void check_rollover_tftp(cs_findings *out, const char *old_name, const cs_trustlist *old,
                                const char *new_name, const cs_trustlist *new)
{
    for (size_t i = 0; i < old->count; i++) {
        const cs_tl_record *rec = &old->records[i];
        if (!rec->has_role || !cs_role_signs_files(rec->role) || record_key_type(rec) != CS_KEY_RSA)
            continue;
        bool reported = false; /* the same certificate in two roles: once */
        for (size_t k = 0; k < i; k++)
            reported |= old->records[k].has_role && cs_role_signs_files(old->records[k].role) &&
                        same_certificate(&old->records[k], rec);
        if (reported || holds_in_role(new, rec, cs_role_signs_files))
            continue;
        cs_cert_ref ref = cs_cert_ref_record(rec, i);
        cs_findings_add(out, CS_RULE_ROLLOVER_TFTP, new_name, &ref,
                        "drops the certificate that signs configuration files in %s (no longer "
                        "TFTP or CCM+TFTP): files signed with it are rejected once phones "
                        "install the update",
                        old_name);
    }
}

int cs_phone_check_rollover(const char *old_name, const uint8_t *old_data, size_t old_len,
                            const char *new_name, const uint8_t *new_data, size_t new_len,
                            int64_t now, cs_findings *out, cs_error *err)
{
    cs_trustlist old, new;
    int rc = cs_trustlist_parse(old_data, old_len, &old, err);
    if (rc != CS_OK)
        return rc;
    rc = cs_phone_check_trustlist(new_name, new_data, new_len, now, out, err);
    if (rc == CS_OK && cs_trustlist_parse(new_data, new_len, &new, NULL) == CS_OK) {
        check_rollover_signer(out, old_name, &old, new_name, &new, new_data, new_len);
        check_rollover_sast(out, old_name, &old, new_name, &new);
        check_rollover_tftp(out, old_name, &old, new_name, &new);
        cs_trustlist_release(&new);
    }
    cs_trustlist_release(&old);
    return rc != CS_OK ? rc : findings_status(out, err);
}

/* --- TLS servers ------------------------------------------------------- */

static const struct {
    const char *name;
    const char *port;
    const char *roles;
} services[] = {
    [CS_SERVICE_SIP] = {"ccm", "5061", "CCM or CCM+TFTP"},
    [CS_SERVICE_PROVISIONING] = {"tftp", "6971", "TFTP with an EC key"},
    [CS_SERVICE_XML] = {"app-server", "443", "APP-SERVER"},
};

bool cs_service_parse(const char *name, cs_service *out)
{
    for (size_t i = 0; i < sizeof services / sizeof services[0]; i++) {
        if (strcasecmp(services[i].name, name) == 0) {
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
