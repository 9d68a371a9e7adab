/* SPDX-License-Identifier: MIT */
/* What the verbs of `ciscosec verify` share (src/cmd/verify*.c): the
 * parsed options, the trust lists they load, and how a verb's findings
 * become a report and an exit status. */
#ifndef CISCOSEC_CMD_VERIFY_H
#define CISCOSEC_CMD_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/phone.h"
#include "ciscosec/trustlist.h"
#include "../cli.h"
#include "../passphrase.h"
#include "../report.h"

enum verb { VERB_FILE, VERB_ROLLOVER, VERB_TLS, VERB_TFTPBOOT, VERB_SRTP };

typedef struct verify_options {
    enum verb verb;
    const char *itl;
    bool has_at;
    int64_t now;
    bool has_role;
    cs_service service;
    const char *servername;
    unsigned timeout_ms;
    char **operands;
    int count;
    bool json;
    bool strict;
    const char *client_cert;
    const char *client_key;
    passphrase_opts pass;
} verify_options;

typedef struct loaded_list {
    cs_buf data;
    cs_trustlist tl;
} loaded_list;

/* The verb's report: on stdout, or as JSON naming the first operand. */
report_out verify_report_new(const verify_options *o);
/* An empty findings list; with --strict, the rules the guide requires but
 * phones let pass count as errors too. */
cs_findings verify_findings_new(const verify_options *o);
/* The exit status: an I/O error (2) outranks a rejection (1). */
int verify_status(const cs_findings *f, bool io_error, const cli_ctx *cli);

/* A trust list's bytes, or an error line naming path (CS_ERROR). */
int verify_read_list(const char *path, cs_buf *data, const cli_ctx *cli);
/* The trust list the phone holds: it must parse, or there is nothing to
 * judge against. */
int verify_load_list(const char *path, loaded_list *l, const cli_ctx *cli);
void verify_release_list(loaded_list *l);

/* The verbs. */
int verify_files(const verify_options *o, const cli_ctx *cli);
int verify_rollover(const verify_options *o, const cli_ctx *cli);
int verify_tls(const verify_options *o, const cli_ctx *cli);
int verify_tftpboot(const verify_options *o, const cli_ctx *cli);
int verify_srtp(const verify_options *o, const cli_ctx *cli);

#endif
