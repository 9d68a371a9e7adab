/* SPDX-License-Identifier: MIT */
/* Reports: what the commands print about a file, as the reference tools
 * print it, and the findings report of `verify`, in text or JSON. */
#ifndef CISCOSEC_REPORT_H
#define CISCOSEC_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "ciscosec/buf.h"
#include "ciscosec/header.h"
#include "ciscosec/phone.h"
#include "cli.h"

/* Prints a signed header the way the reference tools do: one "Label: value"
 * line per field, labels padded to `width`, then a blank line. */
void report_header(FILE *out, const cs_header *h, int width);
/* How a parse report ends. `checked` is false when no certificate was
 * given to check the signature with; rc is the check's CS_OK/CS_INVALID.
 * The line is the reference tools' wording; the word is the JSON value
 * ("unchecked", "valid", "invalid"). */
const char *report_verdict_line(bool checked, int rc);
const char *report_verdict_word(bool checked, int rc);
/* One report line: the label padded to width, then the value. */
void report_line(FILE *out, int width, const char *label, const char *fmt, ...) CS_PRINTF(4, 5);
/* Prints text from a file safely: control bytes become \xNN. */
void report_text(FILE *out, cs_bytes text);
/* Lower-case hex. */
void report_hex(FILE *out, cs_bytes bytes);

#define REPORT_WIDTH 18 /* "Digest Algorithm: " */

/* Where a findings report goes: text lines as it goes, or one JSON
 * document (report != NULL) emitted at the end. */
typedef struct report_out {
    json_t *report;
} report_out;

/* A report on stdout, or (json) the document {"command": ..., "file": path}. */
report_out report_out_new(bool json, const char *command, const char *path);
/* Prints or emits the JSON document; status passes through. */
int report_out_finish(report_out *out, int status, const cli_ctx *cli);
/* The findings from index `from` on: a line each, or into "findings". */
void report_findings(report_out *out, const cs_findings *f, size_t from);
/* A line of text that has no place in the JSON document. */
void report_note(report_out *out, const char *fmt, ...) CS_PRINTF(2, 3);
/* The last line: the verdict ("Accepted"/"Rejected", with the counts). */
void report_findings_verdict(report_out *out, const cs_findings *f);

#endif
