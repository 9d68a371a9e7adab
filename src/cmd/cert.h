/* SPDX-License-Identifier: MIT */
/* The verbs of `ciscosec cert` in files of their own (src/cmd/cert*.c). */
#ifndef CISCOSEC_CMD_CERT_H
#define CISCOSEC_CMD_CERT_H

#include "../cli.h"

/* cert show FILE...: see cert_show.c. */
int cert_show(int argc, char **argv, const cli_ctx *cli);

#endif
