/* SPDX-License-Identifier: MIT */
/* The CAPF database (capfstore.h) through libsqlite3. */
#include "ciscosec/capfstore.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ciscosec/crypto.h"

struct cs_capf_store {
    sqlite3 *db;
};

/* The reference schema, word for word: capfctl from either project can
 * then open the file. */
static const char schema[] =
    "CREATE TABLE IF NOT EXISTS devices (device_name TEXT PRIMARY KEY, operation TEXT NOT NULL, "
    "authentication TEXT, password TEXT, key_size INTEGER, curve_name TEXT, certificate TEXT, "
    "serial_number TEXT, not_valid_before TEXT, not_valid_after TEXT) WITHOUT ROWID";

static const char *const operation_names[] = {"install", "fetch", "delete", "none"};
static const char *const authentication_names[] = {"password", "no password", "certificate"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool parse_word(const char *const *words, size_t n, const char *name, int *out)
{
    for (size_t i = 0; name != NULL && i < n; i++)
        if (strcmp(words[i], name) == 0) {
            *out = (int)i;
            return true;
        }
    return false;
}

const char *cs_capf_operation_name(cs_capf_operation op)
{
    return operation_names[op];
}

bool cs_capf_operation_parse(const char *name, cs_capf_operation *out)
{
    int i;
    if (!parse_word(operation_names, COUNT(operation_names), name, &i))
        return false;
    *out = (cs_capf_operation)i;
    return true;
}

const char *cs_capf_authentication_name(cs_capf_authentication auth)
{
    return authentication_names[auth];
}

bool cs_capf_authentication_parse(const char *name, cs_capf_authentication *out)
{
    int i;
    if (!parse_word(authentication_names, COUNT(authentication_names), name, &i))
        return false;
    *out = (cs_capf_authentication)i;
    return true;
}

void cs_capf_device_init(cs_capf_device *dev)
{
    memset(dev, 0, sizeof *dev);
    dev->operation = CS_CAPF_OP_NONE;
    dev->authentication = CS_CAPF_BY_NO_PASSWORD;
    dev->key_size = CS_RSA_DEFAULT_BITS;
    dev->curve = CS_CURVE_NONE;
    cs_buf_init(&dev->certificate);
}

void cs_capf_device_release(cs_capf_device *dev)
{
    cs_zeroize(dev->password, sizeof dev->password);
    cs_buf_release(&dev->certificate);
}

static int db_fail(cs_capf_store *store, cs_error *err, const char *what)
{
    return cs_fail(err, CS_ERROR, "%s: %s", what, sqlite3_errmsg(store->db));
}

int cs_capf_store_open(const char *path, bool create, cs_capf_store **out, cs_error *err)
{
    cs_capf_store *store = calloc(1, sizeof *store);
    if (store == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &store->db, flags, NULL);
    if (rc != SQLITE_OK) {
        cs_fail(err, CS_ERROR, "%s: cannot open the database: %s", path,
                store->db ? sqlite3_errmsg(store->db) : sqlite3_errstr(rc));
        cs_capf_store_close(store);
        return CS_ERROR;
    }
    sqlite3_busy_timeout(store->db, CS_CAPF_STORE_BUSY_MS);
    const char *setup = create ? schema : "SELECT 1 FROM devices LIMIT 0";
    if (sqlite3_exec(store->db, setup, NULL, NULL, NULL) != SQLITE_OK) {
        cs_fail(err, CS_ERROR, "%s: not a CAPF database: %s", path, sqlite3_errmsg(store->db));
        cs_capf_store_close(store);
        return CS_ERROR;
    }
    *out = store;
    return CS_OK;
}

void cs_capf_store_close(cs_capf_store *store)
{
    if (store == NULL)
        return;
    sqlite3_close(store->db);
    free(store);
}

static void copy_text(char *dst, size_t size, sqlite3_stmt *st, int col)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    snprintf(dst, size, "%s", text != NULL ? (const char *)text : "");
}

/* A row of SELECT_COLUMNS into dev. */
#define SELECT_COLUMNS                                                                             \
    "device_name, operation, authentication, password, key_size, curve_name, certificate, "        \
    "serial_number, not_valid_before, not_valid_after"

static int read_row(sqlite3_stmt *st, cs_capf_device *dev, cs_error *err)
{
    cs_capf_device_init(dev);
    copy_text(dev->name, sizeof dev->name, st, 0);
    const char *op = (const char *)sqlite3_column_text(st, 1);
    const char *auth = (const char *)sqlite3_column_text(st, 2);
    if (!cs_capf_operation_parse(op, &dev->operation))
        return cs_fail(err, CS_ERROR, "device %s has an unknown operation '%s'", dev->name,
                       op ? op : "");
    if (auth != NULL && !cs_capf_authentication_parse(auth, &dev->authentication))
        return cs_fail(err, CS_ERROR, "device %s has an unknown authentication '%s'", dev->name,
                       auth);
    copy_text(dev->password, sizeof dev->password, st, 3);
    if (sqlite3_column_type(st, 4) != SQLITE_NULL)
        dev->key_size = (unsigned)sqlite3_column_int(st, 4);
    const char *curve = (const char *)sqlite3_column_text(st, 5);
    if (curve != NULL && *curve != '\0' && !cs_curve_parse(curve, &dev->curve))
        return cs_fail(err, CS_ERROR, "device %s has an unknown curve '%s'", dev->name, curve);
    const void *pem = sqlite3_column_blob(st, 6);
    cs_buf_append(&dev->certificate, pem, pem ? (size_t)sqlite3_column_bytes(st, 6) : 0);
    copy_text(dev->serial, sizeof dev->serial, st, 7);
    copy_text(dev->not_before, sizeof dev->not_before, st, 8);
    copy_text(dev->not_after, sizeof dev->not_after, st, 9);
    if (dev->certificate.failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

int cs_capf_store_get(cs_capf_store *store, const char *name, cs_capf_device *dev, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    cs_capf_device_init(dev);
    if (sqlite3_prepare_v2(store->db,
                           "SELECT " SELECT_COLUMNS " FROM devices WHERE device_name = ?", -1, &st,
                           NULL) != SQLITE_OK)
        return db_fail(store, err, "cannot read the database");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    int rc;
    if (step == SQLITE_ROW)
        rc = read_row(st, dev, err);
    else if (step == SQLITE_DONE)
        rc = cs_fail(err, CS_INVALID, "device %s is not in the database", name);
    else
        rc = db_fail(store, err, "cannot read the database");
    sqlite3_finalize(st);
    return rc;
}

int cs_capf_store_each(cs_capf_store *store, cs_capf_store_fn fn, void *ctx, cs_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store->db, "SELECT " SELECT_COLUMNS " FROM devices ORDER BY device_name",
                           -1, &st, NULL) != SQLITE_OK)
        return db_fail(store, err, "cannot read the database");
    int rc = CS_OK, step;
    while (rc == CS_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        cs_capf_device dev;
        rc = read_row(st, &dev, err);
        if (rc == CS_OK)
            rc = fn(&dev, ctx);
        cs_capf_device_release(&dev);
    }
    if (rc == CS_OK && step != SQLITE_DONE)
        rc = db_fail(store, err, "cannot read the database");
    sqlite3_finalize(st);
    return rc;
}

/* Runs one statement that binds its parameters through `bind`, as a
 * transaction of its own (BEGIN IMMEDIATE: the write lock is taken, or
 * waited for, up front). */
typedef void (*bind_fn)(sqlite3_stmt *st, const void *ctx);

static int write_one(cs_capf_store *store, const char *sql, bind_fn bind, const void *ctx,
                     int *changes, cs_error *err)
{
    if (sqlite3_exec(store->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(store, err, "cannot write the database");
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(store->db, sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        bind(st, ctx);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) {
        *changes = sqlite3_changes(store->db);
        rc = sqlite3_exec(store->db, "COMMIT", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        int status = db_fail(store, err, "cannot write the database");
        sqlite3_exec(store->db, "ROLLBACK", NULL, NULL, NULL);
        return status;
    }
    return CS_OK;
}

static void bind_text_or_null(sqlite3_stmt *st, int col, const char *text)
{
    if (text != NULL && *text != '\0')
        sqlite3_bind_text(st, col, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, col);
}

static void bind_schedule(sqlite3_stmt *st, const void *ctx)
{
    const cs_capf_device *dev = ctx;
    sqlite3_bind_text(st, 1, dev->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, cs_capf_operation_name(dev->operation), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, cs_capf_authentication_name(dev->authentication), -1, SQLITE_STATIC);
    bind_text_or_null(st, 4, dev->password);
    sqlite3_bind_int(st, 5, (int)dev->key_size);
    bind_text_or_null(st, 6, cs_curve_name(dev->curve));
}

int cs_capf_store_schedule(cs_capf_store *store, const cs_capf_device *dev, cs_error *err)
{
    int changes = 0;
    return write_one(store,
                     "INSERT INTO devices (device_name, operation, authentication, password, "
                     "key_size, curve_name) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (device_name) DO "
                     "UPDATE SET operation = excluded.operation, authentication = "
                     "excluded.authentication, password = excluded.password, key_size = "
                     "excluded.key_size, curve_name = excluded.curve_name",
                     bind_schedule, dev, &changes, err);
}

static void bind_name(sqlite3_stmt *st, const void *ctx)
{
    sqlite3_bind_text(st, 1, ctx, -1, SQLITE_STATIC);
}

int cs_capf_store_remove(cs_capf_store *store, const char *name, cs_error *err)
{
    int changes = 0;
    int rc = write_one(store, "DELETE FROM devices WHERE device_name = ?", bind_name, name,
                       &changes, err);
    if (rc == CS_OK && changes == 0)
        return cs_fail(err, CS_INVALID, "device %s is not in the database", name);
    return rc;
}

typedef struct finish_row {
    const char *name;
    cs_bytes pem;
    char serial[2 * 32 + 1];
    char not_before[CS_CAPF_TIME_SIZE];
    char not_after[CS_CAPF_TIME_SIZE];
} finish_row;

static void bind_finish(sqlite3_stmt *st, const void *ctx)
{
    const finish_row *row = ctx;
    if (row->pem.len > 0)
        sqlite3_bind_blob(st, 1, row->pem.data, (int)row->pem.len, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, 1);
    bind_text_or_null(st, 2, row->serial);
    bind_text_or_null(st, 3, row->not_before);
    bind_text_or_null(st, 4, row->not_after);
    sqlite3_bind_text(st, 5, row->name, -1, SQLITE_STATIC);
}

static void format_time(int64_t seconds, char out[CS_CAPF_TIME_SIZE])
{
    time_t t = (time_t)seconds;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL ||
        strftime(out, CS_CAPF_TIME_SIZE, "%Y-%m-%d %H:%M:%S", &tm) == 0)
        out[0] = '\0';
}

/* The serial in hex and the validity, as the reference stores them. */
static int certificate_facts(finish_row *row, cs_error *err)
{
    cs_buf text = CS_BUF_INIT;
    cs_buf_append(&text, row->pem.data, row->pem.len);
    (void)cs_buf_str(&text);
    cs_cert *cert = NULL;
    int rc = text.failed ? cs_fail(err, CS_ERROR, "out of memory")
                         : cs_cert_parse(text.data, text.len + 1, &cert, err);
    cs_buf_release(&text);
    if (rc != CS_OK)
        return rc;
    cs_bytes serial = cs_cert_serial(cert);
    if (serial.len > 32)
        serial.len = 32;
    cs_hex(serial.data, serial.len, row->serial);
    int64_t from, to;
    cs_cert_validity(cert, &from, &to);
    format_time(from, row->not_before);
    format_time(to, row->not_after);
    cs_cert_free(cert);
    return CS_OK;
}

int cs_capf_store_finish(cs_capf_store *store, const char *name, cs_bytes pem, cs_error *err)
{
    finish_row row = {.name = name, .pem = pem};
    if (pem.len > 0) {
        int rc = certificate_facts(&row, err);
        if (rc != CS_OK)
            return rc;
    }
    int changes = 0;
    int rc = write_one(store,
                       "UPDATE devices SET operation = 'none', certificate = ?, serial_number = ?, "
                       "not_valid_before = ?, not_valid_after = ? WHERE device_name = ?",
                       bind_finish, &row, &changes, err);
    if (rc == CS_OK && changes == 0)
        return cs_fail(err, CS_INVALID, "device %s is not in the database", name);
    return rc;
}
