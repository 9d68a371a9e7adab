/* SPDX-License-Identifier: MIT */
/* ciscosec tlv build|parse, and the old `tlvfile`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/certgen.h"
#include "ciscosec/fileio.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../report.h"
#include "../passphrase.h"
#include "../json.h"

#define MAX_RECORDS 64

static void usage(const cli_ctx *cli)
{
    const char *p = cli->prog;
    if (cli->legacy)
        printf("Usage: %s --build TLV-FILE --sast CERT [ROLE-OPTION CERT]... [OPTIONS]\n"
               "       %s --parse TLV-FILE\n",
               p, p);
    else
        printf("Usage: %s build TLV-FILE --sast CERT [ROLE-OPTION CERT]... [OPTIONS]\n"
               "       %s parse TLV-FILE\n",
               p, p);
    printf("Build or parse a trust list (ITLFile.tlv, ITLSEP<MAC>.tlv, CTLFile.tlv).\n"
           "\n"
           "  -b, --build              build TLV-FILE (its name must end in .tlv)\n"
           "  -p, --parse              print TLV-FILE and check its signature\n"
           "\n"
           "Records, written in command-line order (a certificate may appear in\n"
           "several roles):\n"
           "  -s, --sast CERT          System Administrator Security Token; the first\n"
           "                           one signs the list, so its PEM must also hold\n"
           "                           the RSA private key (at most 2)\n"
           "  %s--ccm CERT           CCM: verifies SIP over TLS to the PBX\n"
           "  -t, --tftp CERT          TFTP: signs configuration files (RSA), or\n"
           "                           verifies HTTPS provisioning (EC, version 1.1)\n"
           "  -C, --ccm-tftp CERT      CCM and TFTP together\n"
           "  -A, --capf CERT          CAPF: the certificate enrollment service\n"
           "  -a, --app-server CERT    APP-SERVER: HTTPS XML services\n"
           "  -T, --tvs CERT           TVS: the Trust Verification Service\n"
           "\n"
           "Build options:\n"
           "  -v, --version VERSION    signer version 1.0 or 1.1 (1.1: HTTPS\n"
           "                           provisioning); default 1.0\n"
           "  -d, --digest DIGEST      sha1 or sha512; default sha1\n"
           "  -F, --filename NAME      name stored in the header; default the\n"
           "                           output's base name\n"
           "      --key KEY            the signer's private key, when it is not in\n"
           "                           the first --sast file\n" PASSPHRASE_HELP
           "      --strict             refuse (exit 1) a certificate whose subject has no\n"
           "                           CN, O or OU, which phones need; without it, a\n"
           "                           warning\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "SOURCE_DATE_EPOCH, when set, is the timestamp written (reproducible builds).\n"
           "Exit status: 0 built or valid, 1 invalid signature, 2 usage, I/O or format\n"
           "error.\n",
           cli_old_letter(cli, "-c, "));
}

enum mode { MODE_NONE, MODE_BUILD, MODE_PARSE };
enum { OPT_KEY = 256, OPT_JSON, OPT_STRICT };

typedef struct record_arg {
    uint16_t role;
    const char *path;
} record_arg;

typedef struct tlv_options {
    enum mode mode;
    const char *file;
    record_arg records[MAX_RECORDS];
    size_t count;
    uint8_t signer_version[2];
    uint8_t digest_code;
    const char *filename;
    const char *key_path;
    passphrase_opts pass;
    bool json;
    bool strict;
} tlv_options;

/* clang-format off */
static const struct option long_options[] = {
    {"build", no_argument, NULL, 'b'},
    {"parse", no_argument, NULL, 'p'},
    {"help", no_argument, NULL, 'H'},
    {"sast", required_argument, NULL, 's'},
    {"ccm", required_argument, NULL, 'c'},
    {"tftp", required_argument, NULL, 't'},
    {"ccm-tftp", required_argument, NULL, 'C'},
    {"capf", required_argument, NULL, 'A'},
    {"app-server", required_argument, NULL, 'a'},
    {"tvs", required_argument, NULL, 'T'},
    {"version", required_argument, NULL, 'v'},
    {"digest", required_argument, NULL, 'd'},
    {"filename", required_argument, NULL, 'F'},
    {"key", required_argument, NULL, OPT_KEY},
    PASSPHRASE_LONG_OPTIONS,
    {"json", no_argument, NULL, OPT_JSON},
    {"strict", no_argument, NULL, OPT_STRICT},
    {NULL, 0, NULL, 0},
};
/* clang-format on */

static int set_mode(tlv_options *o, enum mode mode, const cli_ctx *cli)
{
    if (o->mode != MODE_NONE && o->mode != mode)
        return cli_usage_error(cli, "--build and --parse cannot be used together");
    o->mode = mode;
    return CS_OK;
}

static int parse_option(void *opts, int opt, const cli_ctx *cli)
{
    tlv_options *o = opts;
    uint16_t role;
    if (cli_role_option(long_options, opt, &role)) {
        if (o->count == MAX_RECORDS)
            return cli_usage_error(cli, "more than %d certificates", MAX_RECORDS);
        o->records[o->count++] = (record_arg){role, optarg};
        return CS_OK;
    }
    switch (opt) {
    case 'b':
        return set_mode(o, MODE_BUILD, cli);
    case 'p':
        return set_mode(o, MODE_PARSE, cli);
    case 'v':
        if (strcmp(optarg, "1.0") != 0 && strcmp(optarg, "1.1") != 0)
            return cli_usage_error(cli, "invalid version '%s': 1.0 or 1.1", optarg);
        o->signer_version[1] = (uint8_t)(optarg[2] - '0');
        return CS_OK;
    case 'd':
        if (!cs_digest_code_parse(optarg, &o->digest_code) || o->digest_code == CS_DIGEST_SHA256)
            return cli_usage_error(cli, "invalid digest '%s': sha1 or sha512", optarg);
        return CS_OK;
    case 'F':
        o->filename = optarg;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    case OPT_KEY:
        o->key_path = optarg;
        return CS_OK;
    case OPT_STRICT:
        o->strict = true;
        return CS_OK;
    case OPT_JSON:
        o->json = true;
        return CS_OK;
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

/* Returns CS_OK, CS_ERROR, or -1 when --help was printed. */
static int parse_args(int argc, char **argv, const cli_ctx *cli, tlv_options *o)
{
    static const char *const verbs[] = {"build", "parse", NULL};
    *o = (tlv_options){.signer_version = {1, 0}, .digest_code = CS_DIGEST_SHA1};
    int verb = cli_take_verb(&argc, &argv, verbs);
    if (verb >= 0)
        o->mode = verb == 0 ? MODE_BUILD : MODE_PARSE;
    static const cli_options spec = {"bps:c:t:C:A:a:T:v:d:F:", long_options, parse_option, usage};
    int first;
    int rc = cli_parse_options(&spec, o, &argc, argv, &first, cli);
    if (rc != CS_OK)
        return rc;
    for (int i = first; i < argc; i++) {
        if (o->file != NULL)
            return cli_usage_error(cli, "one .tlv file at a time ('%s' and '%s')", o->file,
                                   argv[i]);
        o->file = argv[i];
    }
    if (o->mode == MODE_NONE)
        return cli_usage_error(cli, "either %s or %s is required",
                               cli->legacy ? "--build" : "build",
                               cli->legacy ? "--parse" : "parse");
    if (o->file == NULL)
        return cli_usage_error(cli, "no .tlv file given");
    return CS_OK;
}

/* --- parse ------------------------------------------------------------- */

/* What the report derives from a record's certificate. */
typedef struct record_facts {
    const char *key_algorithm; /* NULL without a certificate */
    uint8_t hash[CS_MAX_DIGEST_SIZE];
    bool has_hash;
} record_facts;

static record_facts record_facts_of(const cs_tl_record *rec)
{
    record_facts f = {0};
    if (!rec->has_certificate)
        return f;
    cs_cert *cert;
    cs_error err;
    f.key_algorithm = "unknown (unreadable certificate)";
    if (cs_cert_parse(rec->certificate.data, rec->certificate.len, &cert, &err) == CS_OK) {
        cs_key_type type = cs_cert_key_type(cert);
        f.key_algorithm = type == CS_KEY_RSA ? "RSA" : type == CS_KEY_EC ? "EC" : "other";
        cs_cert_free(cert);
    }
    f.has_hash =
        cs_digest(CS_MD_SHA1, rec->certificate.data, rec->certificate.len, f.hash, &err) == CS_OK;
    return f;
}

/* The certificate hash shown: SHA-1 of the certificate when there is one,
 * else the hash the record stores (tag 11). */
static bool record_hash(const cs_tl_record *rec, const record_facts *f, cs_bytes *out)
{
    if (f->has_hash)
        *out = (cs_bytes){f->hash, cs_md_size(CS_MD_SHA1)};
    else if (rec->has_certificate_hash)
        *out = rec->certificate_hash;
    else
        return false;
    return true;
}

static void text_field(const char *label, cs_bytes text)
{
    fprintf(stdout, "%-*s", REPORT_WIDTH, label);
    report_text(stdout, text);
    fputc('\n', stdout);
}

static void hex_field(const char *label, cs_bytes bytes)
{
    fprintf(stdout, "%-*s", REPORT_WIDTH, label);
    report_hex(stdout, bytes);
    fputc('\n', stdout);
}

static void print_record(const cs_tl_record *rec)
{
    FILE *out = stdout;
    const int w = REPORT_WIDTH;
    record_facts f = record_facts_of(rec);
    report_line(out, w, "Record Length:", "%u bytes", rec->length);
    if (rec->has_dns_name)
        text_field("DNS Name:", rec->dns_name);
    if (rec->has_subject)
        text_field("Subject Name:", rec->subject);
    if (rec->has_issuer)
        text_field("Issuer Name:", rec->issuer);
    if (rec->has_serial)
        hex_field("Serial Number:", rec->serial);
    if (rec->has_role) {
        const char *name = cs_role_name(rec->role);
        if (name != NULL)
            report_line(out, w, "Role:", "%s", name);
        else
            report_line(out, w, "Role:", "%u", rec->role);
    }
    if (rec->has_ip_address && rec->ip_address.len == 4)
        report_line(out, w, "IP Address:", "%u.%u.%u.%u", rec->ip_address.data[0],
                    rec->ip_address.data[1], rec->ip_address.data[2], rec->ip_address.data[3]);
    else if (rec->has_ip_address)
        hex_field("IP Address:", rec->ip_address);
    if (rec->has_public_key)
        report_line(out, w, "Public Key:", "%zu bytes", rec->public_key.len);
    if (rec->has_signature)
        report_line(out, w, "Signature:", "%zu bytes", rec->signature.len);
    if (rec->has_certificate) {
        report_line(out, w, "Certificate:", "%zu bytes", rec->certificate.len);
        report_line(out, w, "Key Algorithm:", "%s", f.key_algorithm);
    }
    cs_bytes hash;
    if (record_hash(rec, &f, &hash))
        hex_field("Certificate Hash:", hash);
    if (rec->has_hash_algorithm) {
        const char *name = cs_digest_code_name(rec->hash_algorithm);
        if (name != NULL)
            report_line(out, w, "Hash Algorithm:", "%s", name);
        else
            report_line(out, w, "Hash Algorithm:", "%u", rec->hash_algorithm);
    }
    fputc('\n', out);
}

static json_t *record_json(const cs_tl_record *rec)
{
    json_t *o = json_object();
    record_facts f = record_facts_of(rec);
    json_object_set_new(o, "record_length", json_integer(rec->length));
    if (rec->has_dns_name)
        json_object_set_new(o, "dns_name", json_text(rec->dns_name));
    if (rec->has_subject)
        json_object_set_new(o, "subject_name", json_text(rec->subject));
    if (rec->has_issuer)
        json_object_set_new(o, "issuer_name", json_text(rec->issuer));
    if (rec->has_serial)
        json_object_set_new(o, "serial_number", json_hex(rec->serial));
    if (rec->has_role) {
        const char *name = cs_role_name(rec->role);
        json_object_set_new(o, "role", name != NULL ? json_string(name) : json_integer(rec->role));
        json_object_set_new(o, "role_code", json_integer(rec->role));
    }
    if (rec->has_ip_address)
        json_object_set_new(o, "ip_address", json_hex(rec->ip_address));
    if (rec->has_public_key)
        json_object_set_new(o, "public_key_length", json_integer((json_int_t)rec->public_key.len));
    if (rec->has_signature)
        json_object_set_new(o, "signature_length", json_integer((json_int_t)rec->signature.len));
    if (rec->has_certificate) {
        json_object_set_new(o, "certificate_length",
                            json_integer((json_int_t)rec->certificate.len));
        json_object_set_new(o, "key_algorithm", json_string(f.key_algorithm));
        json_object_set_new(o, "certificate", json_hex(rec->certificate));
    }
    cs_bytes hash;
    if (record_hash(rec, &f, &hash))
        json_object_set_new(o, "certificate_hash", json_hex(hash));
    if (rec->has_hash_algorithm) {
        const char *name = cs_digest_code_name(rec->hash_algorithm);
        json_object_set_new(o, "hash_algorithm",
                            name != NULL ? json_string(name) : json_integer(rec->hash_algorithm));
    }
    return o;
}

static int report_json(const tlv_options *o, const cs_trustlist *tl, int verdict,
                       const cs_error *err, const cli_ctx *cli)
{
    json_t *report = json_report_new("tlv parse", o->file);
    json_object_set_new(report, "header", json_header(&tl->header));
    json_t *records = json_array();
    for (size_t i = 0; i < tl->count; i++)
        json_array_append_new(records, record_json(&tl->records[i]));
    json_object_set_new(report, "records", records);
    json_object_set_new(report, "signature", json_string(report_verdict_word(true, verdict)));
    if (verdict != CS_OK)
        json_object_set_new(report, "problem", json_string(err->message));
    return json_emit(report, cli);
}

static int parse_tlv(const tlv_options *o, const cli_ctx *cli)
{
    cs_buf data = CS_BUF_INIT;
    cs_error err;
    cs_trustlist tl;
    int rc = cs_read_file(o->file, CS_TL_MAX_FILE_SIZE, &data, &err);
    if (rc == CS_OK)
        rc = cs_trustlist_parse(data.data, data.len, &tl, &err);
    if (rc != CS_OK) {
        cs_buf_release(&data);
        return cli_file_fail(cli, o->file, rc, &err);
    }
    cli_warn_header(cli, o->file, &tl.header);

    rc = cs_trustlist_verify(&tl, data.data, data.len, &err);
    if (o->json) {
        if (report_json(o, &tl, rc, &err, cli) != CS_OK)
            rc = CS_ERROR;
    } else {
        report_header(stdout, &tl.header, REPORT_WIDTH);
        for (size_t i = 0; i < tl.count; i++)
            print_record(&tl.records[i]);
        printf("%s\n", report_verdict_line(true, rc));
    }
    if (rc == CS_INVALID) {
        fflush(stdout);
        cli_file_fail(cli, o->file, rc, &err);
    }
    cs_trustlist_release(&tl);
    cs_buf_release(&data);
    return cli_finish(cli, rc);
}

/* --- build ------------------------------------------------------------- */

static const record_arg *first_sast(const tlv_options *o)
{
    for (size_t i = 0; i < o->count; i++)
        if (o->records[i].role == CS_ROLE_SAST)
            return &o->records[i];
    return NULL;
}

static int check_args_for_build(const tlv_options *o, const cli_ctx *cli)
{
    if (!cs_path_has_suffix(o->file, CS_SUFFIX_TLV))
        return cli_usage_error(cli, "'%s': the trust list's name must end in .tlv", o->file);
    if (first_sast(o) == NULL)
        return cli_usage_error(cli, "no --sast certificate to sign the list");
    size_t sast = 0;
    for (size_t i = 0; i < o->count; i++)
        sast += o->records[i].role == CS_ROLE_SAST;
    if (sast > CS_MAX_SAST_RECORDS)
        return cli_fail(cli, CS_ERROR,
                        "'%s': %zu SAST certificates given: phones accept at most %d", o->file,
                        sast, CS_MAX_SAST_RECORDS);
    return CS_OK;
}

static void warn_large_keys(const tlv_options *o, const cs_tl_entry *entries, const cli_ctx *cli)
{
    for (size_t i = 0; i < o->count; i++) {
        bool seen = false; /* warn once per file */
        for (size_t k = 0; k < i; k++)
            seen |= strcmp(o->records[k].path, o->records[i].path) == 0;
        size_t bits = cs_cert_key_bits(entries[i].cert);
        if (!seen && cs_cert_key_type(entries[i].cert) == CS_KEY_RSA &&
            bits > CS_PHONE_MAX_RSA_BITS)
            cli_warn(cli, o->records[i].path,
                     "RSA key of %zu bits: phones support at most %u and will reject the list",
                     bits, CS_PHONE_MAX_RSA_BITS);
    }
}

/* Which certificate of a chain file the list takes. */
static void note_chains(const tlv_options *o, const cs_tl_entry *entries)
{
    for (size_t i = 0; i < o->count; i++) {
        size_t n = cs_cert_count(entries[i].cert);
        cs_buf subject = CS_BUF_INIT;
        cs_error err;
        if (n > 1 && cs_cert_subject(entries[i].cert, &subject, &err) == CS_OK) {
            printf("%s: a chain of %zu certificates; the list takes its leaf, ", o->records[i].path,
                   n);
            report_text(stdout, cs_buf_bytes(&subject));
            fputc('\n', stdout);
        }
        cs_buf_release(&subject);
    }
}

/* The names phones need: a warning, or with --strict a refusal (exit 1,
 * as for anything a phone would reject). */
static int check_names(const tlv_options *o, const cs_tl_entry *entries, const cli_ctx *cli)
{
    int rc = CS_OK;
    for (size_t i = 0; i < o->count; i++) {
        char problem[CS_CERT_NAMES_TEXT_SIZE];
        if (!cs_cert_names_problem(entries[i].cert, problem, sizeof problem))
            continue;
        if (o->strict) {
            cli_fail(cli, CS_INVALID, "'%s': %s (--strict)", o->records[i].path, problem);
            rc = CS_INVALID;
        } else {
            cli_warn(cli, o->records[i].path, "%s", problem);
        }
    }
    return rc;
}

/* Loads every record's certificate; the signer's comes from the signer,
 * which holds it with its key. */
static int load_certificates(const tlv_options *o, const record_arg *signer_arg, cs_signer *signer,
                             cs_cert **certs, const cli_ctx *cli)
{
    cs_error err;
    const char *failed;
    cs_passphrase pass = passphrase_source(&o->pass);
    if (cs_signer_load(signer, signer_arg->path, o->key_path, &pass, &failed, &err) != CS_OK)
        return cli_file_fail(cli, failed, CS_ERROR, &err);
    cli_warn_exposed_key(cli, o->key_path != NULL ? o->key_path : signer_arg->path);
    for (size_t i = 0; i < o->count; i++) {
        if (&o->records[i] == signer_arg)
            continue;
        if (cs_cert_load_file(o->records[i].path, &certs[i], &err) != CS_OK)
            return cli_file_fail(cli, o->records[i].path, CS_ERROR, &err);
    }
    return CS_OK;
}

static int build_tlv(const tlv_options *o, const cli_ctx *cli)
{
    int rc = check_args_for_build(o, cli);
    if (rc != CS_OK)
        return rc;

    cs_cert *certs[MAX_RECORDS] = {0};
    cs_tl_entry entries[MAX_RECORDS];
    cs_signer signer = {0};
    cs_buf out = CS_BUF_INIT;
    cs_error err;
    const record_arg *signer_arg = first_sast(o);
    uint32_t timestamp;

    rc = load_certificates(o, signer_arg, &signer, certs, cli);
    if (rc == CS_OK && cs_build_time(&timestamp, &err) != CS_OK)
        rc = cli_fail(cli, CS_ERROR, "%s", err.message);
    if (rc == CS_OK) {
        for (size_t i = 0; i < o->count; i++)
            entries[i] =
                (cs_tl_entry){o->records[i].role, certs[i] != NULL ? certs[i] : signer.cert};
        warn_large_keys(o, entries, cli);
        note_chains(o, entries);
        rc = check_names(o, entries, cli);
    }
    if (rc == CS_OK) {
        cs_tl_spec spec = {
            .entries = entries,
            .count = o->count,
            .signer = &signer,
            .signer_version = {o->signer_version[0], o->signer_version[1]},
            .digest_code = o->digest_code,
            .filename = o->filename != NULL ? o->filename : cs_basename(o->file),
            .timestamp = timestamp,
        };
        rc = cs_trustlist_build(&spec, &out, &err);
        if (rc == CS_OK)
            rc = cs_write_file_atomic(o->file, out.data, out.len, 0644, &err);
        if (rc != CS_OK)
            cli_file_fail(cli, o->file, CS_ERROR, &err);
    }
    if (rc == CS_OK) {
        if (out.len > CS_PHONE_MAX_TLV_SIZE)
            cli_warn(cli, o->file, "%zu bytes: phones reject trust lists over %u bytes", out.len,
                     CS_PHONE_MAX_TLV_SIZE);
        printf("Built %s\n", o->file);
    }
    for (size_t i = 0; i < o->count; i++)
        cs_cert_free(certs[i]);
    cs_signer_release(&signer);
    cs_buf_release(&out);
    return cli_finish(cli, rc == CS_OK || rc == CS_INVALID ? rc : CS_ERROR);
}

int cmd_tlv(int argc, char **argv, const cli_ctx *cli)
{
    tlv_options o;
    int rc = parse_args(argc, argv, cli, &o);
    if (rc == -1)
        return cli_finish(cli, CS_OK);
    if (rc != CS_OK)
        return rc;
    return o.mode == MODE_BUILD ? build_tlv(&o, cli) : parse_tlv(&o, cli);
}
