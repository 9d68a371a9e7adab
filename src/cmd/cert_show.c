/* SPDX-License-Identifier: MIT */
/* ciscosec cert show: what a certificate file holds, its chain, and what a
 * phone can do with it, as text or JSON. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ciscosec/certgen.h"
#include "ciscosec/civiltime.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../json.h"
#include "../passphrase.h"
#include "../report.h"
#include "cert.h"

#define SHOW_WIDTH 21 /* "SHA-256 Fingerprint: " */
#define SECONDS_PER_DAY 86400

enum { OPT_JSON = 256, OPT_STRICT };

static void usage_show(const cli_ctx *cli)
{
    printf("Usage: %s show [--json] [--strict] FILE...\n", cli->prog);
    printf("Describe each file's certificate (the leaf of a PEM chain, or a DER file):\n"
           "names, serial number, validity, key, fingerprints, the MD5 that phone\n"
           "configurations call certHash, whether the file holds the matching private\n"
           "key, the trust-list roles it can fill for a phone, and whether its subject\n"
           "has the CN, O and OU phones need. For a chain, every certificate, leaf\n"
           "first: which signs which, whether it is complete up to a self-signed root,\n"
           "and when each expires.\n"
           "\n"
           "      --json               print each report as a JSON document\n"
           "                           (docs/json.md)\n"
           "      --strict             a subject without CN, O or OU is exit 1\n" PASSPHRASE_HELP
           "                           (show asks for none: without one, an encrypted\n"
           "                           key is reported but not checked)\n"
           "  -H, -h, --help           print this help\n"
           "\n"
           "Exit status: 0 all usable, 1 a certificate expired or not yet valid, a\n"
           "private key that does not match, or (--strict) missing names, 2 usage, I/O\n"
           "or format error.\n");
}

typedef enum key_state { KEY_NONE, KEY_MATCHES, KEY_MISMATCH, KEY_ENCRYPTED } key_state;
typedef enum validity { VALID, EXPIRED, NOT_YET_VALID } validity;

/* What a phone can do with a certificate. */
typedef struct phone_use {
    const char *roles[16]; /* trust-list roles it can hold */
    size_t n_roles;
    /* The same for people, or why there are none; NULL: the roles' names. */
    const char *roles_text;
    bool can_sign; /* trust lists as SAST, files as TFTP */
    const char *sign_text;
} phone_use;

/* The certificates of a file, leaf first, then up the chain: each link
 * signed by the next, as far as the file goes; then any others. */
#define MAX_SHOWN_CHAIN 16
typedef struct chain {
    cs_cert *certs[MAX_SHOWN_CHAIN];
    size_t count;
    size_t links;   /* certs[0 .. links) is the leaf's chain */
    bool complete;  /* it ends in a self-signed certificate */
    bool truncated; /* the file holds more than MAX_SHOWN_CHAIN */
} chain;

/* Moves the certificate that signed certs[at - 1] to certs[at]. */
static bool next_link(chain *c, size_t at)
{
    for (size_t j = at; j < c->count; j++) {
        if (cs_cert_signed_by(c->certs[at - 1], c->certs[j])) {
            cs_cert *t = c->certs[at];
            c->certs[at] = c->certs[j];
            c->certs[j] = t;
            return true;
        }
    }
    return false;
}

static int chain_load(const cs_cert *file, chain *c, cs_error *err)
{
    size_t n = cs_cert_count(file);
    c->truncated = n > MAX_SHOWN_CHAIN;
    c->count = 0;
    for (size_t i = 0; i < n && i < MAX_SHOWN_CHAIN; i++) {
        int rc = cs_cert_at(file, i, &c->certs[i], err);
        if (rc != CS_OK)
            return rc;
        c->count++;
    }
    c->links = c->count > 0 ? 1 : 0;
    while (c->links > 0 && !cs_cert_is_self_signed(c->certs[c->links - 1]) &&
           next_link(c, c->links))
        c->links++;
    c->complete = c->links > 0 && cs_cert_is_self_signed(c->certs[c->links - 1]);
    return CS_OK;
}

static void chain_release(chain *c)
{
    for (size_t i = 0; i < c->count; i++)
        cs_cert_free(c->certs[i]);
    c->count = 0;
}

/* Everything `show` reports about one file. */
typedef struct cert_facts {
    const char *path;
    cs_cert *cert;
    key_state key;
    int64_t not_before, not_after;
    validity validity;
    long long days; /* left, since expiry, or until valid */
    phone_use use;
    const char *missing[CS_CERT_NEEDED_NAMES]; /* CN, O, OU absent */
    size_t n_missing;
    chain chain;
} cert_facts;

/* The names of the roles a key takes (every role for RSA), from the
 * library's table. */
static size_t role_names(bool ec, const char **names, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cs_role_count() && n < max; i++)
        if (!ec || cs_role_takes_ec(cs_role_at(i)))
            names[n++] = cs_role_name(cs_role_at(i));
    return n;
}

static phone_use phone_use_of(const cs_cert *cert, key_state key)
{
    phone_use use = {.sign_text = "no: trust lists and configuration files are signed with RSA"};
    size_t bits = cs_cert_key_bits(cert);
    switch (cs_cert_key_type(cert)) {
    case CS_KEY_RSA:
        if (bits > CS_PHONE_MAX_RSA_BITS) {
            use.roles_text = "none: phones support RSA keys up to 2048 bits";
            use.sign_text = "no: phones reject the key";
            break;
        }
        use.n_roles = role_names(false, use.roles, sizeof use.roles / sizeof use.roles[0]);
        use.can_sign = cs_phone_rsa_can_sign(bits) && key == KEY_MATCHES;
        use.sign_text =
            !cs_phone_rsa_can_sign(bits) ? "no: phones take signatures of 512, 1024 or 2048 bits"
            : key == KEY_MATCHES         ? "yes: trust lists as SAST, configuration files as TFTP"
            : key == KEY_MISMATCH        ? "no: the private key does not match"
            : key == KEY_ENCRYPTED ? "unknown: the private key is encrypted (give its passphrase)"
                                   : "no: the file holds no private key";
        break;
    case CS_KEY_EC:
        if (cs_cert_curve(cert) == CS_CURVE_OTHER) {
            use.roles_text = "none: phones take EC keys on secp256r1, secp384r1 and secp521r1";
            break;
        }
        use.n_roles = role_names(true, use.roles, sizeof use.roles / sizeof use.roles[0]);
        use.roles_text = "TFTP (HTTPS provisioning, trust list version 1.1), CCM (TLS), APP-SERVER";
        break;
    default:
        use.roles_text = "none: phones take RSA and EC keys only";
        break;
    }
    return use;
}

/* An encrypted key is checked only when its passphrase was given: show
 * does not stop to ask for it. */
static int gather(const char *path, const passphrase_opts *pass, time_t now, cert_facts *f,
                  const cli_ctx *cli)
{
    cs_key *key;
    cs_error err;
    bool encrypted;
    *f = (cert_facts){.path = path};
    cs_passphrase source = passphrase_source(pass);
    if (cs_cert_file_load(path, passphrase_given(pass) ? &source : NULL, &f->cert, &key, &encrypted,
                          &err) != CS_OK)
        return cli_file_fail(cli, path, CS_ERROR, &err);
    if (key != NULL)
        f->key = cs_key_matches_cert(key, f->cert, &err) == CS_OK ? KEY_MATCHES : KEY_MISMATCH;
    else if (encrypted)
        f->key = KEY_ENCRYPTED;
    cs_key_free(key);

    cs_cert_validity(f->cert, &f->not_before, &f->not_after);
    if (now < f->not_before) {
        f->validity = NOT_YET_VALID;
        f->days = (f->not_before - now + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY;
    } else if (now > f->not_after) {
        f->validity = EXPIRED;
        f->days = (now - f->not_after) / SECONDS_PER_DAY;
    } else {
        f->validity = VALID;
        f->days = (f->not_after - now) / SECONDS_PER_DAY;
    }
    f->use = phone_use_of(f->cert, f->key);
    f->n_missing = cs_cert_missing_names(f->cert, f->missing);
    if (chain_load(f->cert, &f->chain, &err) != CS_OK) {
        chain_release(&f->chain);
        cs_cert_free(f->cert);
        return cli_file_fail(cli, path, CS_ERROR, &err);
    }
    return CS_OK;
}

static const char *key_state_name(key_state key)
{
    static const char *const names[] = {[KEY_NONE] = "no",
                                        [KEY_MATCHES] = "yes",
                                        [KEY_MISMATCH] = "mismatch",
                                        [KEY_ENCRYPTED] = "encrypted"};
    return names[key];
}

static const char *key_algorithm(const cs_cert *cert)
{
    cs_key_type type = cs_cert_key_type(cert);
    return type == CS_KEY_RSA ? "RSA" : type == CS_KEY_EC ? "EC" : "other";
}

static const char *plural(long long n)
{
    return n == 1 ? "" : "s";
}

/* The subject or issuer in the Cisco string form (names.h), in buf. */
static bool cert_name(const cs_cert *cert, bool issuer, cs_buf *buf)
{
    cs_error err;
    int rc = issuer ? cs_cert_issuer(cert, buf, &err) : cs_cert_subject(cert, buf, &err);
    return rc == CS_OK;
}

static void text_label(const char *label)
{
    fprintf(stdout, "%-*s", SHOW_WIDTH, label);
}

static void text_name(const char *label, const cs_cert *cert, bool issuer, const char *suffix)
{
    cs_buf name = CS_BUF_INIT;
    text_label(label);
    if (cert_name(cert, issuer, &name))
        report_text(stdout, cs_buf_bytes(&name));
    else
        fputs("?", stdout);
    fprintf(stdout, "%s\n", suffix);
    cs_buf_release(&name);
}

/* The certificate's DER digest with md; false if unavailable. */
static bool fingerprint(const cs_cert *cert, cs_md md, uint8_t out[CS_MAX_DIGEST_SIZE])
{
    cs_bytes der = cs_cert_der(cert);
    cs_error err;
    return cs_digest(md, der.data, der.len, out, &err) == CS_OK;
}

static void text_fingerprint(const char *label, const cs_cert *cert, cs_md md)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    text_label(label);
    if (fingerprint(cert, md, digest))
        report_hex(stdout, (cs_bytes){digest, cs_md_size(md)});
    else
        fputs("unavailable", stdout);
    fputc('\n', stdout);
}

static void print_names(const cert_facts *f)
{
    char problem[CS_CERT_NAMES_TEXT_SIZE];
    if (cs_cert_names_problem(f->cert, problem, sizeof problem))
        report_line(stdout, SHOW_WIDTH, "Names:", "%s", problem);
    else
        report_line(stdout, SHOW_WIDTH, "Names:", "CN, O and OU, as phones need");
}

/* "expires 2030-01-01T00:00:00Z" or "expired 2020-01-01T00:00:00Z". */
static void print_expiry(const cs_cert *cert, time_t now)
{
    int64_t from, to;
    char when[32];
    cs_cert_validity(cert, &from, &to);
    cs_format_time(to, when, sizeof when);
    printf("%s %s", now > to ? "EXPIRED" : now < from ? "not yet valid, expires" : "expires", when);
}

/* One line per certificate, leaf first: who signs it, and its expiry. */
static void print_chain(const chain *c, time_t now)
{
    if (c->complete)
        report_line(stdout, SHOW_WIDTH,
                    "Chain:", "%zu certificates, complete to a self-signed root", c->links);
    else
        report_line(stdout, SHOW_WIDTH, "Chain:",
                    "%zu certificate%s, incomplete: the issuer of the last is not in the file",
                    c->links, plural((long long)c->links));
    for (size_t i = 0; i < c->count; i++) {
        cs_buf name = CS_BUF_INIT;
        printf("  %zu. ", i + 1);
        if (cert_name(c->certs[i], false, &name))
            report_text(stdout, cs_buf_bytes(&name));
        if (i >= c->links)
            fputs(", not in the leaf's chain", stdout);
        else if (cs_cert_is_self_signed(c->certs[i]))
            fputs(", self-signed", stdout);
        else if (i + 1 < c->links)
            printf(", signed by %zu", i + 2);
        else
            fputs(", issuer not in the file", stdout);
        fputs(", ", stdout);
        print_expiry(c->certs[i], now);
        fputc('\n', stdout);
        cs_buf_release(&name);
    }
    if (c->truncated)
        printf("  (only the first %d certificates are shown)\n", MAX_SHOWN_CHAIN);
}

static void print_text(const cert_facts *f, time_t now)
{
    const cs_cert *cert = f->cert;
    const int w = SHOW_WIDTH;
    char from[32], to[32];
    cs_format_time(f->not_before, from, sizeof from);
    cs_format_time(f->not_after, to, sizeof to);
    cs_md md;

    report_line(stdout, w, "File:", "%s", f->path);
    text_name("Subject:", cert, false, "");
    text_name("Issuer:", cert, true, cs_cert_is_self_signed(cert) ? " (self-signed)" : "");
    text_label("Serial Number:");
    report_hex(stdout, cs_cert_serial(cert));
    fputc('\n', stdout);
    report_line(stdout, w, "Not Before:", "%s", from);
    report_line(stdout, w, "Not After:", "%s", to);
    if (f->validity == NOT_YET_VALID)
        report_line(stdout, w, "Validity:", "not yet valid, starts in %lld day%s", f->days,
                    plural(f->days));
    else if (f->validity == EXPIRED)
        report_line(stdout, w, "Validity:", "expired %lld day%s ago", f->days, plural(f->days));
    else
        report_line(stdout, w, "Validity:", "%lld day%s left", f->days, plural(f->days));
    if (cs_cert_key_type(cert) == CS_KEY_EC)
        report_line(stdout, w, "Key:", "EC %s (%zu bits)", cs_curve_name(cs_cert_curve(cert)),
                    cs_cert_key_bits(cert));
    else
        report_line(stdout, w, "Key:", "%s %zu bits", key_algorithm(cert), cs_cert_key_bits(cert));
    report_line(stdout, w, "Signature Digest:", "%s",
                cs_cert_signature_md(cert, &md) ? cs_md_name(md) : "other");
    text_fingerprint("SHA-1 Fingerprint:", cert, CS_MD_SHA1);
    text_fingerprint("SHA-256 Fingerprint:", cert, CS_MD_SHA256);
    text_fingerprint("certHash (MD5):", cert, CS_MD_MD5);
    report_line(stdout, w, "Private Key:", "%s", key_state_name(f->key));
    if (f->use.roles_text != NULL) {
        report_line(stdout, w, "Roles:", "%s", f->use.roles_text);
    } else {
        text_label("Roles:");
        for (size_t i = 0; i < f->use.n_roles; i++)
            printf("%s%s", i > 0 ? ", " : "", f->use.roles[i]);
        putchar('\n');
    }
    report_line(stdout, w, "Can Sign:", "%s", f->use.sign_text);
    print_names(f);
    if (f->chain.count > 1)
        print_chain(&f->chain, now);
    fputc('\n', stdout);
}

static void json_name(json_t *o, const char *field, const cs_cert *cert, bool issuer)
{
    cs_buf name = CS_BUF_INIT;
    if (cert_name(cert, issuer, &name))
        json_object_set_new(o, field, json_text(cs_buf_bytes(&name)));
    cs_buf_release(&name);
}

static void json_fingerprint(json_t *o, const char *field, const cs_cert *cert, cs_md md)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    if (fingerprint(cert, md, digest))
        json_object_set_new(o, field, json_hex((cs_bytes){digest, cs_md_size(md)}));
}

/* The chain, leaf first: each certificate's names, expiry, and the
 * 0-based index of the one that signed it (null: none in the file). */
static json_t *json_chain(const chain *c)
{
    json_t *list = json_array();
    for (size_t i = 0; i < c->count; i++) {
        json_t *link = json_object();
        int64_t from, to;
        char when[32];
        cs_cert_validity(c->certs[i], &from, &to);
        cs_format_time(to, when, sizeof when);
        json_name(link, "subject", c->certs[i], false);
        json_name(link, "issuer", c->certs[i], true);
        json_object_set_new(link, "not_after", json_string(when));
        bool self = cs_cert_is_self_signed(c->certs[i]);
        json_object_set_new(link, "self_signed", json_boolean(self));
        json_object_set_new(link, "in_chain", json_boolean(i < c->links));
        json_object_set_new(link, "signed_by",
                            i + 1 < c->links && !self ? json_integer((json_int_t)(i + 1))
                                                      : json_null());
        json_array_append_new(list, link);
    }
    return list;
}

/* The text report's fields in snake_case (docs/json.md). */
static int print_json(const cert_facts *f, const cli_ctx *cli)
{
    static const char *const validity_names[] = {
        [VALID] = "valid", [EXPIRED] = "expired", [NOT_YET_VALID] = "not yet valid"};
    const cs_cert *cert = f->cert;
    char from[32], to[32];
    cs_format_time(f->not_before, from, sizeof from);
    cs_format_time(f->not_after, to, sizeof to);
    cs_md md;

    json_t *o = json_report_new("cert show", f->path);
    json_name(o, "subject", cert, false);
    json_name(o, "issuer", cert, true);
    json_object_set_new(o, "self_signed", json_boolean(cs_cert_is_self_signed(cert)));
    json_object_set_new(o, "serial_number", json_hex(cs_cert_serial(cert)));
    json_object_set_new(o, "not_before", json_string(from));
    json_object_set_new(o, "not_after", json_string(to));
    json_object_set_new(o, "validity", json_string(validity_names[f->validity]));
    json_object_set_new(o,
                        f->validity == VALID     ? "days_left"
                        : f->validity == EXPIRED ? "days_since_expiry"
                                                 : "days_until_valid",
                        json_integer(f->days));
    json_object_set_new(o, "key_algorithm", json_string(key_algorithm(cert)));
    json_object_set_new(o, "key_bits", json_integer((json_int_t)cs_cert_key_bits(cert)));
    if (cs_cert_key_type(cert) == CS_KEY_EC)
        json_object_set_new(o, "curve", json_string(cs_curve_name(cs_cert_curve(cert))));
    if (cs_cert_signature_md(cert, &md))
        json_object_set_new(o, "signature_digest", json_string(cs_md_name(md)));
    json_fingerprint(o, "sha1_fingerprint", cert, CS_MD_SHA1);
    json_fingerprint(o, "sha256_fingerprint", cert, CS_MD_SHA256);
    json_fingerprint(o, "cert_hash", cert, CS_MD_MD5);
    json_object_set_new(o, "private_key", json_string(key_state_name(f->key)));
    json_t *roles = json_array();
    for (size_t i = 0; i < f->use.n_roles; i++)
        json_array_append_new(roles, json_string(f->use.roles[i]));
    json_object_set_new(o, "roles", roles);
    json_object_set_new(o, "can_sign", json_boolean(f->use.can_sign));
    json_t *missing = json_array();
    for (size_t i = 0; i < f->n_missing; i++)
        json_array_append_new(missing, json_string(f->missing[i]));
    json_object_set_new(o, "missing_names", missing);
    json_object_set_new(o, "chain", json_chain(&f->chain));
    json_object_set_new(o, "chain_complete", json_boolean(f->chain.complete));
    return json_emit(o, cli);
}

typedef struct show_options {
    bool json;
    bool strict;
    passphrase_opts pass;
} show_options;

static int show_one(const char *path, time_t now, const show_options *o, const cli_ctx *cli)
{
    cert_facts f;
    int rc = gather(path, &o->pass, now, &f, cli);
    if (rc != CS_OK)
        return rc;
    if (o->json)
        rc = print_json(&f, cli);
    else
        print_text(&f, now);

    /* The report goes first, then the reasons for the exit status. */
    fflush(stdout);
    if (rc == CS_OK && f.validity != VALID)
        rc = cli_fail(cli, CS_INVALID, "'%s': the certificate %s", path,
                      f.validity == EXPIRED ? "has expired" : "is not valid yet");
    if (rc != CS_ERROR && f.key == KEY_MISMATCH)
        rc =
            cli_fail(cli, CS_INVALID, "'%s': the private key does not match the certificate", path);
    char problem[CS_CERT_NAMES_TEXT_SIZE];
    if (rc != CS_ERROR && o->strict && cs_cert_names_problem(f.cert, problem, sizeof problem))
        rc = cli_fail(cli, CS_INVALID, "'%s': %s (--strict)", path, problem);
    if (f.key != KEY_NONE)
        cli_warn_exposed_key(cli, path);
    chain_release(&f.chain);
    cs_cert_free(f.cert);
    return rc;
}

static int show_option(void *opts, int opt, const cli_ctx *cli)
{
    show_options *o = opts;
    switch (opt) {
    case OPT_JSON:
        o->json = true;
        return CS_OK;
    case OPT_STRICT:
        o->strict = true;
        return CS_OK;
    case PASSPHRASE_OPT_FILE:
    case PASSPHRASE_OPT_ENV:
        return passphrase_option(&o->pass, opt, cli);
    default:
        return cli_usage_error(cli, "invalid option");
    }
}

int cert_show(int argc, char **argv, const cli_ctx *cli)
{
    /* clang-format off */
    static const struct option long_options[] = {
        {"json", no_argument, NULL, OPT_JSON},
        {"strict", no_argument, NULL, OPT_STRICT},
        PASSPHRASE_LONG_OPTIONS,
        {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    /* clang-format on */
    static const cli_options spec = {"", long_options, show_option, usage_show};
    show_options o = {0};
    int first;
    int parsed = cli_parse_options(&spec, &o, &argc, argv, &first, cli);
    if (parsed != CS_OK)
        return cli_finish(cli, parsed == -1 ? CS_OK : parsed);
    if (first >= argc)
        return cli_usage_error(cli, "no file given");
    int worst = CS_OK;
    time_t now = time(NULL);
    for (int i = first; i < argc; i++) {
        int rc = show_one(argv[i], now, &o, cli);
        if (rc > worst)
            worst = rc; /* an error (2) outranks an invalid certificate (1) */
    }
    return cli_finish(cli, worst);
}
