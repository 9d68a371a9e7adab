/* SPDX-License-Identifier: MIT */
/* What a phone accepts: the rules a Cisco IP phone applies to the trust
 * lists and signed files it downloads and to the TLS servers it talks to,
 * as library code.
 *
 * A check does not stop at the first problem and does not print: it adds
 * one finding per problem to a list, as data (the file, the rule, the
 * certificate concerned and a sentence), so that the front end can print
 * lines today and JSON tomorrow from the same list. A finding's severity
 * comes from its rule: an error means a phone would reject the file or the
 * server; a warning means it is accepted today but is a trap (a lost
 * update path, a stale or leaked file).
 *
 * The checks return CS_OK when they ran (whatever they found) and CS_ERROR
 * only when they could not run: a file that cannot be read, or no memory.
 * A file that can be read but is malformed is a finding (rule "format"),
 * since a phone rejects it too. */
#ifndef CISCOSEC_PHONE_H
#define CISCOSEC_PHONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/civiltime.h"
#include "ciscosec/buf.h"
#include "ciscosec/error.h"
#include "ciscosec/trustlist.h"
#include "ciscosec/xml.h"

typedef enum cs_severity {
    CS_SEVERITY_ERROR,  /* a phone would reject it */
    CS_SEVERITY_WARNING /* accepted, but a problem waiting to happen */
} cs_severity;

/* The rules. Their ids ("tlv-signature") are stable: scripts and the JSON
 * output use them. cs_rule_summary describes each in a few words. */
typedef enum cs_rule {
    CS_RULE_FORMAT,           /* not a well-formed file of its kind */
    CS_RULE_HEADER_NESTING,   /* a header child runs past its container */
    CS_RULE_TLV_SIZE,         /* trust list over 64 KiB */
    CS_RULE_TLV_SIGNER,       /* no SAST record names the list's signer */
    CS_RULE_TLV_SIGNER_KEY,   /* the list's signer is not RSA */
    CS_RULE_TLV_SIGNATURE,    /* the list's signature does not verify */
    CS_RULE_TLV_SAST_COUNT,   /* more than 2 SAST records */
    CS_RULE_TLV_RECORD,       /* a record without a usable certificate, or
                                 whose fields contradict its certificate */
    CS_RULE_TLV_HTTPS_CERT,   /* a 1.1 list without an EC TFTP certificate */
    CS_RULE_RSA_KEY_SIZE,     /* RSA key over 2048 bits */
    CS_RULE_EC_CURVE,         /* EC key not on P-256, P-384 or P-521 */
    CS_RULE_CERT_VALIDITY,    /* certificate expired or not yet valid */
    CS_RULE_CERT_NAMES,       /* a list's certificate lacks CN, O or OU */
    CS_RULE_SGN_SIGNER,       /* signed file's signer not TFTP in the list */
    CS_RULE_SGN_SIGNATURE,    /* signed file's signature does not verify */
    CS_RULE_SGN_MISSING,      /* a configuration file without its .sgn */
    CS_RULE_SGN_STALE,        /* .sgn body differs from the file beside it */
    CS_RULE_ENC_COMPANION,    /* .enc.sgn and companion .sgn disagree */
    CS_RULE_ENC_PLAINTEXT,    /* plaintext left beside its .enc.sgn */
    CS_RULE_CONFIG_TRANSPORT, /* secure mode without transportLayerProtocol 3 */
    CS_RULE_CONFIG_CCM_CERT,  /* secure mode without a CCM certificate */
    CS_RULE_NO_TRUST_LIST,    /* a provisioning directory without ITLFile.tlv */
    CS_RULE_ROLLOVER_SIGNER,  /* new list not signed by a SAST the old holds */
    CS_RULE_ROLLOVER_SAST,    /* new list keeps none of the old SASTs */
    CS_RULE_ROLLOVER_TFTP,    /* new list drops the old file-signing cert */
    CS_RULE_TLS_HANDSHAKE,    /* no TLS connection */
    CS_RULE_TLS_CERT_UNKNOWN, /* server certificate not in the trust list */
    CS_RULE_TLS_CERT_ROLE,    /* in the list, but not in the needed role */
    CS_RULE_TLS_KEY_TYPE,     /* HTTPS provisioning needs an EC key */
    CS_RULE_TLS_HTTPS_LIST,   /* HTTPS provisioning needs a 1.1 list */
    CS_RULE_CONFIG_CAPF_CERT, /* <capfList> names no CAPF certificate of the ITL */
    CS_RULE_CONFIG_TVS_CERT,  /* <TVS> names no TVS certificate of the ITL */
    CS_RULE_COUNT
} cs_rule;

const char *cs_rule_id(cs_rule rule);
const char *cs_rule_summary(cs_rule rule);
cs_severity cs_rule_severity(cs_rule rule);
const char *cs_severity_name(cs_severity severity); /* "error", "warning" */

/* The certificate a finding is about, as views (any may be empty). */
typedef struct cs_cert_ref {
    cs_bytes subject; /* Cisco string form, without NUL */
    cs_bytes issuer;
    cs_bytes serial; /* minimal big-endian bytes */
    size_t record;   /* 1-based trust-list record; 0 when not from one */
    bool has_role;
    uint16_t role;
} cs_cert_ref;

/* The reference to a trust-list record (record_index from 0). */
cs_cert_ref cs_cert_ref_record(const cs_tl_record *rec, size_t record_index);
/* The signer named by a signed file's header. */
cs_cert_ref cs_cert_ref_header(const cs_header *hdr);

typedef struct cs_finding {
    cs_rule rule;
    cs_severity severity;
    char *file;    /* the file or server judged, as the caller named it */
    char *message; /* one sentence, without the file's name */
    /* The certificate concerned; cert_subject NULL when there is none. */
    char *cert_subject;
    char *cert_issuer;
    char *cert_serial;  /* lower-case hex */
    size_t cert_record; /* 1-based, 0 when not from a trust list */
    char cert_role[16]; /* the record's role: "CCM", "21"; "" when none */
} cs_finding;

typedef struct cs_findings {
    cs_finding *items;
    size_t count;
    size_t cap;
    size_t errors;
    size_t warnings;
    bool failed;     /* out of memory: findings were lost (treat as error) */
    uint64_t strict; /* rules (bit 1 << rule) whose findings count as errors */
} cs_findings;

#define CS_FINDINGS_INIT                                                                           \
    {                                                                                              \
        NULL, 0, 0, 0, 0, false, 0                                                                 \
    }

void cs_findings_init(cs_findings *f);
void cs_findings_release(cs_findings *f);
/* Adds a finding; cert may be NULL. */
void cs_findings_add(cs_findings *f, cs_rule rule, const char *file, const cs_cert_ref *cert,
                     const char *fmt, ...) CS_PRINTF(5, 6);
/* --strict: later findings of a warning rule count as errors. */
void cs_findings_make_strict(cs_findings *f, cs_rule rule);
/* How many findings a rule has in the list. */
size_t cs_findings_count_rule(const cs_findings *f, cs_rule rule);

/* --- the rules --------------------------------------------------------- */

/* A trust list (.tlv) held in memory, named `name` in findings, judged at
 * time `now` (seconds since 1970, UTC): signed by its own SAST record
 * (matched by issuer and serial) with an RSA key, at most 2 SAST records,
 * RSA keys up to 2048 bits, EC keys on P-256/P-384/P-521, every
 * certificate valid at `now`, at most CS_PHONE_MAX_TLV_SIZE bytes, and a
 * 1.1 list holds an EC certificate with role TFTP. */
int cs_phone_check_trustlist(const char *name, const uint8_t *data, size_t len, int64_t now,
                             cs_findings *out, cs_error *err);

/* A trust list a phone holds, for the checks that need one. */
typedef struct cs_phone_list {
    const char *name; /* in findings: "ITLFile.tlv" */
    const cs_trustlist *tl;
} cs_phone_list;

/* Whether a role may sign the files a phone downloads. */
bool cs_role_signs_files(uint16_t role);
/* The list's first record that signs files (TFTP or CCM+TFTP) with an RSA
 * certificate: phones holding such a list insist on signed files. NULL if
 * there is none. */
const cs_tl_record *cs_phone_file_signer(const cs_trustlist *tl, size_t *index);

/* A signed file (.sgn, .sha512, .enc.sgn) at path, named `name` in
 * findings, as phones holding each of the `n` lists judge it: a header
 * that parses (for .enc.sgn, with consistent encryption fields), a signer
 * (issuer and serial of the header) that the list holds with role TFTP or
 * CCM+TFTP and an RSA key, and a signature that checks with that
 * certificate. The body is streamed, never held whole. n may be 0 to check
 * the format only. CS_ERROR when the file cannot be read. */
int cs_phone_check_signed_file(const char *path, const char *name, const cs_phone_list *lists,
                               size_t n, cs_findings *out, cs_error *err);

/* Would a phone holding old_data accept new_data? NEW passes every trust
 * list rule, and is signed by a SAST certificate that OLD holds (its
 * signature checks with OLD's copy of that certificate). Warnings when NEW
 * keeps none of OLD's SAST certificates (a phone that misses this update
 * can take no later one) or drops a certificate that OLD uses to sign
 * configuration files. CS_ERROR when OLD cannot be parsed: then what the
 * phone holds is unknown. */
int cs_phone_check_rollover(const char *old_name, const uint8_t *old_data, size_t old_len,
                            const char *new_name, const uint8_t *new_data, size_t new_len,
                            int64_t now, cs_findings *out, cs_error *err);

/* The TLS services of a phone, and the trust-list role each one needs. */
typedef enum cs_service {
    CS_SERVICE_SIP,          /* "ccm": SIP over TLS, port 5061, CCM or CCM+TFTP */
    CS_SERVICE_PROVISIONING, /* "tftp": HTTPS provisioning, port 6971, TFTP with an EC key */
    CS_SERVICE_XML           /* "app-server": XML services over HTTPS, 443, APP-SERVER */
} cs_service;

bool cs_service_parse(const char *name, cs_service *out);
const char *cs_service_name(cs_service service);
const char *cs_service_default_port(cs_service service);
/* "CCM or CCM+TFTP", ... */
const char *cs_service_roles(cs_service service);

/* A server's certificate (DER) for a service, named `server` in findings:
 * in the trust list, in a role the service needs, with the key type it
 * needs, valid at `now`; for HTTPS provisioning, the list must be 1.1. */
int cs_phone_check_server(const char *server, const uint8_t *der, size_t der_len,
                          cs_service service, const cs_phone_list *list, int64_t now,
                          cs_findings *out, cs_error *err);

/* --- a whole provisioning directory ------------------------------------ */

typedef struct cs_tftpboot_counts {
    size_t trust_lists;  /* *.tlv at the top */
    size_t configs;      /* SEP<MAC>.cnf.xml whose security settings were read */
    size_t encrypted;    /* SEP<MAC> configurations only in encrypted form */
    size_t xml_files;    /* *.xml checked for their .sgn */
    size_t signed_files; /* *.sgn (with .enc.sgn) checked */
    size_t files;        /* distinct files looked at */
} cs_tftpboot_counts;

/* Audits the provisioning directory `dir` (and its subdirectories) as the
 * phones that download from it would:
 *   - every *.tlv at the top passes cs_phone_check_trustlist;
 *   - each phone's configuration (SEP<MAC>.cnf.xml, or the body of its
 *     .sgn): deviceSecurityMode 2 or 3 needs transportLayerProtocol 3 and a
 *     CCM or CCM+TFTP certificate in the phone's trust list
 *     (ITLSEP<MAC>.tlv if present, else ITLFile.tlv);
 *   - when a phone's list has an RSA certificate with role TFTP or
 *     CCM+TFTP, every configuration file it downloads (every *.xml: its
 *     own SEP<MAC>.cnf.xml, and every other *.xml for every phone) has a
 *     .sgn that passes cs_phone_check_signed_file under that list, and
 *     every *.sgn there passes too;
 *   - every .enc.sgn has its companion .sgn, which says encrConfig true,
 *     carries a certHash and has the same signer; no plaintext beside it.
 * Findings name files relative to dir. */
int cs_phone_check_tftpboot(const char *dir, int64_t now, cs_findings *out,
                            cs_tftpboot_counts *counts, cs_error *err);

/* The CAPF and TVS servers the configuration doc (the file `rel`) sends
 * the phone to: each <capf> of <capfList> and each <member> of <TVS>
 * needs a certificate in the role CAPF or TVS, in the phone's trust list
 * `list` (NULL: the phone with this mac has none), that names its host
 * (docs/formats.md, section 3); warnings into out. */
void cs_phone_check_config_servers(const char *rel, const cs_xml_doc *doc,
                                   const cs_phone_list *list, const char *mac, cs_findings *out);

#endif
