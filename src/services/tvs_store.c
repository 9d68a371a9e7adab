/* SPDX-License-Identifier: MIT */
/* The TVS database (tvs_store.h) through libsqlite3. */
#include "ciscosec/tvs_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/names.h"
#include "ciscosec/roles.h"

struct cs_tvs_store {
    sqlite3 *db;
    sqlite3_stmt *find; /* prepared once: the server's one query */
};

/* The reference tools' schema, to the letter. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS certificates (certificate_hash TEXT PRIMARY KEY, "
    "serial_number TEXT NOT NULL, subject_name TEXT NOT NULL, issuer_name TEXT NOT NULL, "
    "certificate TEXT NOT NULL, roles TEXT NOT NULL, ttl INTEGER) WITHOUT ROWID";

static int db_fail(cs_tvs_store *s, cs_error *err, const char *what)
{
    return cs_fail(err, CS_ERROR, "%s: %s", what, sqlite3_errmsg(s->db));
}

int cs_tvs_store_open(const char *path, cs_tvs_open mode, cs_tvs_store **out, cs_error *err)
{
    cs_tvs_store *s = calloc(1, sizeof *s);
    if (s == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    int flags = mode == CS_TVS_READ    ? SQLITE_OPEN_READONLY
                : mode == CS_TVS_WRITE ? SQLITE_OPEN_READWRITE
                                       : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    int rc = CS_OK;
    if (sqlite3_open_v2(path, &s->db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        rc = db_fail(s, err, "cannot open the database");
    if (rc == CS_OK)
        sqlite3_busy_timeout(s->db, CS_TVS_BUSY_TIMEOUT_MS);
    if (rc == CS_OK && mode == CS_TVS_CREATE &&
        sqlite3_exec(s->db, schema, NULL, NULL, NULL) != SQLITE_OK)
        rc = db_fail(s, err, "cannot create the table");
    if (rc == CS_OK &&
        sqlite3_prepare_v2(s->db, "SELECT roles, ttl FROM certificates WHERE certificate_hash = ?",
                           -1, &s->find, NULL) != SQLITE_OK)
        rc = db_fail(s, err, "not a TVS database");
    if (rc != CS_OK) {
        cs_error_prefix(err, "'%s'", path);
        cs_tvs_store_close(s);
        return rc;
    }
    *out = s;
    return CS_OK;
}

void cs_tvs_store_close(cs_tvs_store *s)
{
    if (s == NULL)
        return;
    sqlite3_finalize(s->find);
    sqlite3_close(s->db);
    free(s);
}

int cs_tvs_hash(const uint8_t *der, size_t len, char hex[CS_TVS_HASH_HEX + 1], cs_error *err)
{
    uint8_t digest[32];
    int rc = cs_digest(CS_MD_SHA256, der, len, digest, err);
    if (rc == CS_OK)
        cs_hex(digest, sizeof digest, hex);
    return rc;
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", text != NULL ? (const char *)text : "");
}

static uint32_t column_ttl(sqlite3_stmt *st, int col)
{
    sqlite3_int64 ttl = sqlite3_column_int64(st, col);
    return ttl < 0 ? 0 : ttl > CS_TVS_MAX_TTL ? CS_TVS_MAX_TTL : (uint32_t)ttl;
}

int cs_tvs_store_find(cs_tvs_store *s, const char *hash, bool *found, cs_tvs_entry *entry,
                      cs_error *err)
{
    sqlite3_reset(s->find);
    sqlite3_bind_text(s->find, 1, hash, -1, SQLITE_STATIC);
    int step = sqlite3_step(s->find);
    *found = step == SQLITE_ROW;
    if (*found) {
        snprintf(entry->hash, sizeof entry->hash, "%s", hash);
        copy_text(entry->roles, sizeof entry->roles, s->find, 0);
        entry->ttl = column_ttl(s->find, 1);
    }
    int rc = step == SQLITE_ROW || step == SQLITE_DONE
                 ? CS_OK
                 : db_fail(s, err, "cannot read the database");
    sqlite3_reset(s->find);
    sqlite3_clear_bindings(s->find);
    return rc;
}

/* --- roles --------------------------------------------------------------- */

int cs_tvs_roles_parse(const char *text, uint8_t *roles, size_t max, size_t *count, cs_error *err)
{
    *count = 0;
    const char *p = text;
    while (*p != '\0') {
        size_t n = strcspn(p, ",");
        char name[32];
        uint16_t role;
        if (n == 0 || n >= sizeof name)
            return cs_fail(err, CS_ERROR, "roles '%s': an empty or overlong role", text);
        memcpy(name, p, n);
        name[n] = '\0';
        if (!cs_role_parse(name, &role) || role > UINT8_MAX)
            return cs_fail(err, CS_ERROR, "roles '%s': unknown role '%s'", text, name);
        if (*count == max)
            return cs_fail(err, CS_ERROR, "roles '%s': more than %zu", text, max);
        roles[(*count)++] = (uint8_t)role;
        p += n + (p[n] == ',');
    }
    return CS_OK;
}

static int roles_text(const uint16_t *roles, size_t count, char *out, size_t size, cs_error *err)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < count; i++) {
        const char *name = cs_role_name(roles[i]);
        if (name == NULL)
            return cs_fail(err, CS_ERROR, "unknown role %u", roles[i]);
        int n = snprintf(out + used, size - used, "%s%s", i > 0 ? "," : "", name);
        if (n < 0 || (size_t)n >= size - used)
            return cs_fail(err, CS_ERROR, "too many roles");
        used += (size_t)n;
    }
    return CS_OK;
}

/* --- writes -------------------------------------------------------------- */

static int describe(const cs_cert *cert, const uint16_t *roles, size_t role_count, uint32_t ttl,
                    cs_tvs_entry *e, cs_error *err)
{
    *e = (cs_tvs_entry){.ttl = ttl};
    cs_bytes der = cs_cert_der(cert), serial = cs_cert_serial(cert);
    cs_buf subject = CS_BUF_INIT, issuer = CS_BUF_INIT;
    int rc = cs_tvs_hash(der.data, der.len, e->hash, err);
    if (rc == CS_OK)
        rc = cs_cert_subject(cert, &subject, err);
    if (rc == CS_OK)
        rc = cs_cert_issuer(cert, &issuer, err);
    if (rc == CS_OK && serial.len * 2 + 1 > sizeof e->serial)
        rc = cs_fail(err, CS_ERROR, "serial number too long");
    if (rc == CS_OK)
        rc = roles_text(roles, role_count, e->roles, sizeof e->roles, err);
    if (rc == CS_OK) {
        cs_hex(serial.data, serial.len, e->serial);
        snprintf(e->subject, sizeof e->subject, "%s", cs_buf_str(&subject));
        snprintf(e->issuer, sizeof e->issuer, "%s", cs_buf_str(&issuer));
    }
    cs_buf_release(&subject);
    cs_buf_release(&issuer);
    return rc;
}

/* Runs one statement as its own transaction (SQLite's implicit one). */
static int run(cs_tvs_store *s, sqlite3_stmt *st, cs_error *err, const char *what)
{
    int step = sqlite3_step(st);
    int rc = step == SQLITE_DONE || step == SQLITE_ROW ? CS_OK : db_fail(s, err, what);
    sqlite3_finalize(st);
    return rc;
}

int cs_tvs_store_add(cs_tvs_store *s, const cs_cert *cert, const uint16_t *roles, size_t role_count,
                     uint32_t ttl, cs_tvs_entry *entry, cs_error *err)
{
    cs_buf pem = CS_BUF_INIT;
    int rc = describe(cert, roles, role_count, ttl, entry, err);
    if (rc == CS_OK)
        rc = cs_cert_pem(cert, &pem, err);
    sqlite3_stmt *st = NULL;
    if (rc == CS_OK &&
        sqlite3_prepare_v2(
            s->db,
            "INSERT INTO certificates (certificate_hash, serial_number, subject_name, "
            "issuer_name, certificate, roles, ttl) VALUES (?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (certificate_hash) DO UPDATE SET roles = excluded.roles, "
            "ttl = excluded.ttl",
            -1, &st, NULL) != SQLITE_OK)
        rc = db_fail(s, err, "cannot add the certificate");
    if (rc == CS_OK) {
        sqlite3_bind_text(st, 1, entry->hash, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, entry->serial, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, entry->subject, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 4, entry->issuer, -1, SQLITE_STATIC);
        /* A BLOB, as the reference stores it. */
        sqlite3_bind_blob(st, 5, pem.data, (int)pem.len, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, entry->roles, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 7, ttl);
        rc = run(s, st, err, "cannot add the certificate");
    }
    cs_buf_release(&pem);
    return rc;
}

static int changed_one(cs_tvs_store *s, const char *sql, const char *hash, cs_error *err,
                       const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, err, what);
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int rc = run(s, st, err, what);
    if (rc == CS_OK && sqlite3_changes(s->db) == 0)
        rc = cs_fail(err, CS_INVALID, "no certificate with hash %s", hash);
    return rc;
}

int cs_tvs_store_remove(cs_tvs_store *s, const char *hash, cs_error *err)
{
    return changed_one(s, "DELETE FROM certificates WHERE certificate_hash = ?", hash, err,
                       "cannot remove the certificate");
}

int cs_tvs_store_export(cs_tvs_store *s, const char *hash, cs_buf *pem, cs_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT certificate FROM certificates WHERE certificate_hash = ?",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, err, "cannot read the database");
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int step = sqlite3_step(st), rc = CS_OK;
    if (step == SQLITE_ROW) {
        cs_buf_append(pem, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0));
        if (pem->failed)
            rc = cs_fail(err, CS_ERROR, "out of memory");
    } else if (step == SQLITE_DONE) {
        rc = cs_fail(err, CS_INVALID, "no certificate with hash %s", hash);
    } else {
        rc = db_fail(s, err, "cannot read the database");
    }
    sqlite3_finalize(st);
    return rc;
}

int cs_tvs_store_list(cs_tvs_store *s, void (*each)(void *ctx, const cs_tvs_entry *e), void *ctx,
                      cs_error *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT certificate_hash, serial_number, subject_name, issuer_name, "
                           "roles, ttl FROM certificates ORDER BY subject_name, certificate_hash",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(s, err, "cannot read the database");
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        cs_tvs_entry e;
        copy_text(e.hash, sizeof e.hash, st, 0);
        copy_text(e.serial, sizeof e.serial, st, 1);
        copy_text(e.subject, sizeof e.subject, st, 2);
        copy_text(e.issuer, sizeof e.issuer, st, 3);
        copy_text(e.roles, sizeof e.roles, st, 4);
        e.ttl = column_ttl(st, 5);
        each(ctx, &e);
    }
    int rc = step == SQLITE_DONE ? CS_OK : db_fail(s, err, "cannot read the database");
    sqlite3_finalize(st);
    return rc;
}
