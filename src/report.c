/* SPDX-License-Identifier: MIT */
/* Reports (report.h): the text lines every command prints in the
 * reference tools' layout, and the findings report of `verify`, as text or
 * as one JSON document. */
#include "report.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "json.h"

const char *report_verdict_line(bool checked, int rc)
{
    if (!checked)
        return "No certificate specified, unable to check signature";
    return rc == CS_OK ? "Valid signature" : "Invalid signature";
}

const char *report_verdict_word(bool checked, int rc)
{
    if (!checked)
        return "unchecked";
    return rc == CS_OK ? "valid" : "invalid";
}

void report_text(FILE *out, cs_bytes text)
{
    cs_buf printable = CS_BUF_INIT;
    cs_buf_append_printable(&printable, text);
    fwrite(printable.data != NULL ? printable.data : (const uint8_t *)"", 1, printable.len, out);
    cs_buf_release(&printable);
}

void report_hex(FILE *out, cs_bytes bytes)
{
    for (size_t i = 0; i < bytes.len; i++)
        fprintf(out, "%02x", bytes.data[i]);
}

static void label(FILE *out, int width, const char *name)
{
    fprintf(out, "%-*s", width, name);
}

void report_line(FILE *out, int width, const char *name, const char *fmt, ...)
{
    label(out, width, name);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(out, fmt, ap);
    va_end(ap);
    fputc('\n', out);
}

static void text_line(FILE *out, int width, const char *name, cs_bytes text)
{
    label(out, width, name);
    report_text(out, text);
    fputc('\n', out);
}

static void hex_line(FILE *out, int width, const char *name, cs_bytes bytes)
{
    label(out, width, name);
    report_hex(out, bytes);
    fputc('\n', out);
}

static void digest_line(FILE *out, int width, const char *name, uint8_t code)
{
    const char *digest = cs_digest_code_name(code);
    if (digest != NULL)
        report_line(out, width, name, "%s", digest);
    else
        report_line(out, width, name, "%u", code);
}

static void timestamp_line(FILE *out, int width, uint32_t timestamp)
{
    /* Local time, as the reference prints it. */
    time_t t = (time_t)timestamp;
    struct tm tm;
    char text[32] = "?";
    if (localtime_r(&t, &tm) != NULL)
        strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    report_line(out, width, "Timestamp:", "%s", text);
}

/* The line for one header element, if the reference prints one for it. */
static void header_element_line(FILE *out, int width, const cs_header *h, uint8_t tag)
{
    const cs_encryption_fields *e = &h->enc;
    switch (tag) {
    case CS_HDR_VERSION:
        report_line(out, width, "Version:", "%u.%u", h->version[0], h->version[1]);
        break;
    case CS_HDR_LENGTH:
        report_line(out, width, "Header Length:", "%u bytes", h->length);
        break;
    case CS_HDR_SIGNER_VERSION:
        report_line(out, width, "Signer Version:", "%u.%u", h->signer_version[0],
                    h->signer_version[1]);
        break;
    case CS_HDR_SIGNER_NAME:
        text_line(out, width, "Signer Name:", h->signer_name);
        break;
    case CS_HDR_ISSUER_NAME:
        text_line(out, width, "Issuer Name:", h->issuer_name);
        break;
    case CS_HDR_SERIAL:
        hex_line(out, width, "Serial Number:", h->serial);
        break;
    case CS_HDR_DIGEST_ALGORITHM:
        digest_line(out, width, "Digest Algorithm:", h->digest_code);
        break;
    case CS_HDR_SIGNATURE:
        report_line(out, width, "Signature:", "%zu bytes", h->signature.len);
        break;
    case CS_HDR_FILENAME:
        text_line(out, width, "Filename:", h->filename);
        break;
    case CS_HDR_TIMESTAMP:
        timestamp_line(out, width, h->timestamp);
        break;
    case CS_HDR_IV:
        report_line(out, width, "Encryption IV:", "%zu bytes", e->iv.len);
        break;
    case CS_HDR_ENCRYPTED_KEY:
        report_line(out, width, "Encryption Key:", "%zu bytes", e->encrypted_key.len);
        break;
    case CS_HDR_CONTENT_DIGEST_ALGORITHM:
        digest_line(out, width, "Encryption Digest Algorithm:", e->content_digest_code);
        break;
    case CS_HDR_CONTENT_DIGEST:
        hex_line(out, width, "Encryption Digest:", e->content_digest);
        break;
    default:
        break;
    }
}

/* In the order the file holds the elements, as the reference prints them. */
void report_header(FILE *out, const cs_header *h, int width)
{
    for (size_t i = 0; i < h->order_len; i++)
        header_element_line(out, width, h, h->order[i]);
    fputc('\n', out);
}

/* --- findings ---------------------------------------------------------- */

report_out report_out_new(bool json, const char *command, const char *path)
{
    report_out out = {NULL};
    if (json)
        out.report = json_report_new(command, path);
    return out;
}

int report_out_finish(report_out *out, int status, const cli_ctx *cli)
{
    if (out->report == NULL)
        return cli_finish(cli, status);
    if (status == CS_ERROR) { /* the error line says it all */
        json_decref(out->report);
        return cli_finish(cli, status);
    }
    int rc = json_emit(out->report, cli);
    out->report = NULL;
    return cli_finish(cli, rc != CS_OK ? rc : status);
}

static json_t *finding_json(const cs_finding *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", json_text_or_null(x->file));
    json_object_set_new(o, "severity", json_string(cs_severity_name(x->severity)));
    json_object_set_new(o, "rule", json_string(cs_rule_id(x->rule)));
    json_object_set_new(o, "message", json_text_or_null(x->message));
    if (x->cert_subject != NULL) {
        json_t *c = json_object();
        json_object_set_new(c, "subject_name", json_text_or_null(x->cert_subject));
        if (x->cert_issuer != NULL)
            json_object_set_new(c, "issuer_name", json_text_or_null(x->cert_issuer));
        json_object_set_new(c, "serial_number", json_text_or_null(x->cert_serial));
        if (x->cert_record > 0)
            json_object_set_new(c, "record", json_integer((json_int_t)x->cert_record));
        if (x->cert_role[0])
            json_object_set_new(c, "role", json_string(x->cert_role));
        json_object_set_new(o, "certificate", c);
    }
    return o;
}

static void print_text(const char *s)
{
    report_text(stdout, (cs_bytes){(const uint8_t *)s, strlen(s)});
}

static void print_finding(const cs_finding *x)
{
    print_text(x->file);
    printf(": %s [%s]: ", cs_severity_name(x->severity), cs_rule_id(x->rule));
    print_text(x->message);
    if (x->cert_subject != NULL) {
        printf("; certificate ");
        print_text(x->cert_subject);
        printf(", serial %s", x->cert_serial);
        if (x->cert_record > 0)
            printf(x->cert_role[0] ? ", record %zu (%s)" : ", record %zu", x->cert_record,
                   x->cert_role);
    }
    putchar('\n');
}

void report_findings(report_out *out, const cs_findings *f, size_t from)
{
    if (out->report != NULL) {
        json_t *list = json_object_get(out->report, "findings");
        if (list == NULL) {
            list = json_array();
            json_object_set_new(out->report, "findings", list);
        }
        for (size_t i = from; i < f->count; i++)
            json_array_append_new(list, finding_json(&f->items[i]));
        return;
    }
    for (size_t i = from; i < f->count; i++)
        print_finding(&f->items[i]);
}

void report_note(report_out *out, const char *fmt, ...)
{
    if (out->report != NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void report_findings_verdict(report_out *out, const cs_findings *f)
{
    if (out->report != NULL) {
        if (json_object_get(out->report, "findings") == NULL)
            json_object_set_new(out->report, "findings", json_array());
        json_object_set_new(out->report, "verdict",
                            json_string(f->errors > 0 ? "rejected" : "accepted"));
        json_object_set_new(out->report, "errors", json_integer((json_int_t)f->errors));
        json_object_set_new(out->report, "warnings", json_integer((json_int_t)f->warnings));
        return;
    }
    if (f->errors > 0)
        printf("Rejected: a phone would reject this (%zu error%s, %zu warning%s)\n", f->errors,
               f->errors == 1 ? "" : "s", f->warnings, f->warnings == 1 ? "" : "s");
    else
        printf("Accepted: a phone would accept this (%zu warning%s)\n", f->warnings,
               f->warnings == 1 ? "" : "s");
}
