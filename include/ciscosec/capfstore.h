/* SPDX-License-Identifier: MIT */
/* The CAPF database (services.md, "Storage"): SQLite with the reference
 * schema, so that a database moves between the reference capfctl/capfd and
 * ours in both directions.
 *
 * Every write is one transaction, and every connection waits up to
 * CS_CAPF_STORE_BUSY_MS for another writer (capfctl beside a running
 * server) before it gives up. SQLite's journal keeps the file consistent
 * when a process is killed in the middle. */
#ifndef CISCOSEC_CAPFSTORE_H
#define CISCOSEC_CAPFSTORE_H

#include <stdbool.h>
#include <stddef.h>

#include "ciscosec/buf.h"
#include "ciscosec/certgen.h"
#include "ciscosec/error.h"

#define CS_CAPF_STORE_BUSY_MS 5000

typedef enum cs_capf_operation {
    CS_CAPF_OP_INSTALL,
    CS_CAPF_OP_FETCH,
    CS_CAPF_OP_DELETE,
    CS_CAPF_OP_NONE,
} cs_capf_operation;

typedef enum cs_capf_authentication {
    CS_CAPF_BY_PASSWORD,
    CS_CAPF_BY_NO_PASSWORD,
    CS_CAPF_BY_CERTIFICATE,
} cs_capf_authentication;

/* The words in the database: "install", ...; "password", "no password",
 * "certificate". Parse gives false for anything else. */
const char *cs_capf_operation_name(cs_capf_operation op);
bool cs_capf_operation_parse(const char *name, cs_capf_operation *out);
const char *cs_capf_authentication_name(cs_capf_authentication auth);
bool cs_capf_authentication_parse(const char *name, cs_capf_authentication *out);

#define CS_CAPF_MAX_PASSWORD 64
#define CS_CAPF_TIME_SIZE 20 /* "YYYY-MM-DD HH:MM:SS" */

/* One row. */
typedef struct cs_capf_device {
    char name[32];
    cs_capf_operation operation;
    cs_capf_authentication authentication;
    char password[CS_CAPF_MAX_PASSWORD + 1]; /* "" when none; wiped by release */
    unsigned key_size;                       /* RSA bits, when curve is NONE */
    cs_curve curve;                          /* CS_CURVE_NONE: an RSA key */
    cs_buf certificate;                      /* PEM; empty when none */
    char serial[2 * 32 + 1];                 /* hex; "" when none */
    char not_before[CS_CAPF_TIME_SIZE];
    char not_after[CS_CAPF_TIME_SIZE];
} cs_capf_device;

void cs_capf_device_init(cs_capf_device *dev);
void cs_capf_device_release(cs_capf_device *dev);

typedef struct cs_capf_store cs_capf_store;

/* Opens the database file; with `create`, makes it and the table when
 * missing (as capfctl does). */
int cs_capf_store_open(const char *path, bool create, cs_capf_store **out, cs_error *err);
void cs_capf_store_close(cs_capf_store *store);

/* CS_OK with the row, CS_INVALID when there is none. */
int cs_capf_store_get(cs_capf_store *store, const char *name, cs_capf_device *dev, cs_error *err);
/* Schedules an operation: inserts the row, or updates operation,
 * authentication, password, key size and curve of an existing one and
 * keeps its certificate (capfctl's ON CONFLICT ... DO UPDATE). */
int cs_capf_store_schedule(cs_capf_store *store, const cs_capf_device *dev, cs_error *err);
/* CS_INVALID when there was no such row. */
int cs_capf_store_remove(cs_capf_store *store, const char *name, cs_error *err);
/* Records the outcome of a finished session: the operation becomes
 * "none" and the certificate columns take pem's facts (an empty pem
 * clears them, after a delete). */
int cs_capf_store_finish(cs_capf_store *store, const char *name, cs_bytes pem, cs_error *err);

/* Calls fn for each row, by name. A non-zero return from fn stops the walk
 * and is returned. */
typedef int (*cs_capf_store_fn)(const cs_capf_device *dev, void *ctx);
int cs_capf_store_each(cs_capf_store *store, cs_capf_store_fn fn, void *ctx, cs_error *err);

#endif
