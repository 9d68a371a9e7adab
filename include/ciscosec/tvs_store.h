/* SPDX-License-Identifier: MIT */
/* The TVS database (services.md, "TVS", Storage): SQLite with the
 * reference tools' schema, so that either project's tvsctl manages it.
 *
 *   certificates(certificate_hash TEXT PRIMARY KEY, serial_number,
 *                subject_name, issuer_name, certificate (PEM), roles
 *                ("CCM,TFTP"), ttl) WITHOUT ROWID
 *
 * The key is the SHA-256 of the certificate's DER, lower-case hex. Every
 * write is one transaction, and every connection waits for a lock for up
 * to CS_TVS_BUSY_TIMEOUT_MS, so the server and tvsctl never fail each
 * other and a process killed at any point leaves the database whole. */
#ifndef CISCOSEC_TVS_STORE_H
#define CISCOSEC_TVS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"

#define CS_TVS_BUSY_TIMEOUT_MS 10000
#define CS_TVS_HASH_HEX 64
#define CS_TVS_DEFAULT_TTL 86400u /* what the reference's code uses */
#define CS_TVS_MAX_TTL 2592000u   /* 30 days */

typedef struct cs_tvs_store cs_tvs_store;

/* How a database is opened: read-only (the server), to change it, or to
 * change it and create the file and the table when missing (tvsctl add).
 * Without CS_TVS_CREATE the table must exist. */
typedef enum cs_tvs_open { CS_TVS_READ, CS_TVS_WRITE, CS_TVS_CREATE } cs_tvs_open;

int cs_tvs_store_open(const char *path, cs_tvs_open mode, cs_tvs_store **out, cs_error *err);
void cs_tvs_store_close(cs_tvs_store *store);

/* The lower-case hex SHA-256 of DER bytes, into hex (65 bytes). */
int cs_tvs_hash(const uint8_t *der, size_t len, char hex[CS_TVS_HASH_HEX + 1], cs_error *err);

typedef struct cs_tvs_entry {
    char hash[CS_TVS_HASH_HEX + 1];
    char serial[80];
    char subject[512];
    char issuer[512];
    char roles[128]; /* "CCM,TFTP" */
    uint32_t ttl;
} cs_tvs_entry;

/* A lookup by hash: CS_OK with *found and the entry (roles and ttl), or
 * CS_ERROR when the database cannot be read. */
int cs_tvs_store_find(cs_tvs_store *store, const char *hash, bool *found, cs_tvs_entry *entry,
                      cs_error *err);
/* Adds a certificate with roles (role numbers) and ttl, or updates the
 * roles and ttl of one that is there. entry receives what was stored. */
int cs_tvs_store_add(cs_tvs_store *store, const cs_cert *cert, const uint16_t *roles,
                     size_t role_count, uint32_t ttl, cs_tvs_entry *entry, cs_error *err);
/* CS_OK removed, CS_INVALID no such hash. */
int cs_tvs_store_remove(cs_tvs_store *store, const char *hash, cs_error *err);
/* The stored PEM of hash, appended to pem; CS_INVALID no such hash. */
int cs_tvs_store_export(cs_tvs_store *store, const char *hash, cs_buf *pem, cs_error *err);
/* Every entry, ordered by subject then hash; each is handed to each(). */
int cs_tvs_store_list(cs_tvs_store *store, void (*each)(void *ctx, const cs_tvs_entry *e),
                      void *ctx, cs_error *err);

/* "CCM,TFTP" into role numbers; CS_ERROR naming an unknown role. */
int cs_tvs_roles_parse(const char *text, uint8_t *roles, size_t max, size_t *count, cs_error *err);

#endif
