/* SPDX-License-Identifier: MIT */
#include "json.h"

#include <stdio.h>
#include <string.h>

#include "ciscosec/civiltime.h"

json_t *json_report_new(const char *command, const char *path)
{
    json_t *report = json_object();
    json_object_set_new(report, "schema_version", json_integer(JSON_SCHEMA_VERSION));
    json_object_set_new(report, "command", json_string(command));
    if (path != NULL)
        json_object_set_new(report, "file",
                            json_text((cs_bytes){(const uint8_t *)path, strlen(path)}));
    return report;
}

json_t *json_text(cs_bytes text)
{
    cs_buf clean = CS_BUF_INIT;
    for (size_t i = 0; i < text.len;) {
        size_t n = cs_utf8_sequence(text.data + i, text.len - i);
        if (n == 0 || text.data[i] == 0) {
            cs_buf_append(&clean, "\xEF\xBF\xBD", 3); /* U+FFFD */
            i++;
            continue;
        }
        cs_buf_append(&clean, text.data + i, n);
        i += n;
    }
    json_t *s =
        clean.failed ? NULL : json_stringn(clean.len ? (const char *)clean.data : "", clean.len);
    cs_buf_release(&clean);
    return s;
}

json_t *json_text_or_null(const char *s)
{
    return s != NULL ? json_text((cs_bytes){(const uint8_t *)s, strlen(s)}) : json_null();
}

json_t *json_hex(cs_bytes bytes)
{
    cs_buf hex = CS_BUF_INIT;
    if (cs_buf_reserve(&hex, 2 * bytes.len + 1)) {
        cs_hex(bytes.data, bytes.len, (char *)hex.data);
        hex.len = 2 * bytes.len;
    }
    json_t *s = json_stringn(hex.len ? (const char *)hex.data : "", hex.len);
    cs_buf_release(&hex);
    return s;
}

json_t *json_time(uint32_t seconds)
{
    char text[32];
    cs_format_time(seconds, text, sizeof text);
    return json_string(text);
}

static json_t *pair(const uint8_t v[2])
{
    char text[8];
    snprintf(text, sizeof text, "%u.%u", v[0], v[1]);
    return json_string(text);
}

static json_t *digest_name(uint8_t code)
{
    const char *name = cs_digest_code_name(code);
    return name != NULL ? json_string(name) : json_integer(code);
}

static json_t *json_encryption(const cs_encryption_fields *e)
{
    json_t *o = json_object();
    json_object_set_new(o, "iv_length", json_integer((json_int_t)e->iv.len));
    json_object_set_new(o, "key_length", json_integer((json_int_t)e->encrypted_key.len));
    json_object_set_new(o, "key_bits", json_integer(e->key_bits));
    json_object_set_new(o, "padding_count", json_integer(e->padding_count));
    json_object_set_new(o, "digest_algorithm", digest_name(e->content_digest_code));
    json_object_set_new(o, "digest", json_hex(e->content_digest));
    return o;
}

json_t *json_header(const cs_header *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "version", pair(h->version));
    json_object_set_new(o, "header_length", json_integer(h->length));
    if (h->has_signer_version)
        json_object_set_new(o, "signer_version", pair(h->signer_version));
    if (h->has_signer_name)
        json_object_set_new(o, "signer_name", json_text(h->signer_name));
    if (h->has_issuer_name)
        json_object_set_new(o, "issuer_name", json_text(h->issuer_name));
    if (h->has_serial)
        json_object_set_new(o, "serial_number", json_hex(h->serial));
    json_object_set_new(o, "digest_algorithm", digest_name(h->digest_code));
    json_object_set_new(o, "signature_length", json_integer((json_int_t)h->signature.len));
    if (h->has_filename)
        json_object_set_new(o, "filename", json_text(h->filename));
    if (h->has_timestamp)
        json_object_set_new(o, "timestamp", json_time(h->timestamp));
    if (h->has_encryption)
        json_object_set_new(o, "encryption", json_encryption(&h->enc));
    return o;
}

int json_emit(json_t *report, const cli_ctx *cli)
{
    int rc = json_dumpf(report, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(report);
    if (rc != 0 || fputc('\n', stdout) == EOF)
        return cli_fail(cli, CS_ERROR, "cannot write the JSON report");
    return CS_OK;
}
