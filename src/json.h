/* SPDX-License-Identifier: MIT */
/* JSON reports (--json): one schema for every command, documented in
 * docs/json.md. Built with jansson, never by hand, so every string is
 * escaped correctly whatever bytes a file holds.
 *
 * Field names are the text report's labels in snake_case; byte strings are
 * lower-case hex; times are RFC 3339 in UTC; sizes are integers (bytes). */
#ifndef CISCOSEC_JSON_H
#define CISCOSEC_JSON_H

#include <jansson.h>

#include "ciscosec/buf.h"
#include "ciscosec/header.h"
#include "cli.h"

#define JSON_SCHEMA_VERSION 1

/* {"schema_version": 1, "command": "tlv parse", "file": path}. */
json_t *json_report_new(const char *command, const char *path);
/* The header fields, as report_header prints them. */
json_t *json_header(const cs_header *h);

/* A string from a file's bytes: each byte that does not start a
 * well-formed UTF-8 sequence (cs_utf8_sequence, the rule jansson applies
 * too: no overlong forms, surrogates, code points over U+10FFFF or cut
 * sequences) and each NUL becomes U+FFFD, the rest is kept. NULL only when
 * out of memory. */
json_t *json_text(cs_bytes text);
/* json_text of a C string; JSON null for NULL. */
json_t *json_text_or_null(const char *s);
json_t *json_hex(cs_bytes bytes);
/* "2026-01-02T03:04:05Z". */
json_t *json_time(uint32_t seconds);

/* Prints the report on stdout (one document, indented) and frees it.
 * Returns CS_ERROR if it could not be written. */
int json_emit(json_t *report, const cli_ctx *cli);

#endif
