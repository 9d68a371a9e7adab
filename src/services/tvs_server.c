/* SPDX-License-Identifier: MIT */
/* The TVS server's protocol (tvs.h): one VERIFY_REQ per connection,
 * answered from the database, then close. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/device.h"
#include "ciscosec/tvs.h"
#include "ciscosec/tvs_store.h"

#define POOL_MAX 64

struct cs_tvs_service {
    cs_protocol protocol;
    char *db_path;
    pthread_mutex_t lock;
    cs_tvs_store *idle[POOL_MAX];
    size_t idle_count;
};

/* Bytes from the wire, made safe for a log line. */
static void printable(char *dst, size_t size, cs_bytes text)
{
    size_t used = 0;
    for (size_t i = 0; i < text.len && used + 5 < size; i++) {
        unsigned char c = text.data[i];
        int n = isprint(c) && c != ' ' ? snprintf(dst + used, size - used, "%c", c)
                                       : snprintf(dst + used, size - used, "\\x%02x", c);
        used += (size_t)n;
    }
    dst[used] = '\0';
}

static void answer_invalid(cs_tvs_response *resp)
{
    resp->status = CS_TVS_INVALID;
    resp->has_roles = resp->has_ttl = false;
}

/* Fills resp from the database; the log's result says what was found. */
static int look_up(cs_tvs_store *store, const cs_tvs_request *req, cs_tvs_response *resp,
                   cs_session_log *log, cs_error *err)
{
    char hash[CS_TVS_HASH_HEX + 1];
    cs_tvs_entry entry;
    bool found = false;
    int rc = cs_tvs_hash(req->certificate.data, req->certificate.len, hash, err);
    if (rc == CS_OK)
        rc = cs_tvs_store_find(store, hash, &found, &entry, err);
    if (rc != CS_OK)
        return rc;
    if (!found) {
        answer_invalid(resp);
        cs_session_result(log, "invalid: unknown certificate %.16s", hash);
        return CS_OK;
    }
    rc = cs_tvs_roles_parse(entry.roles, resp->roles, CS_TVS_MAX_ROLES, &resp->role_count, err);
    if (rc != CS_OK)
        return rc;
    resp->status = CS_TVS_VALID;
    resp->has_roles = resp->has_ttl = true;
    resp->ttl = entry.ttl;
    cs_session_result(log, "valid: %.16s roles %s ttl %u", hash, entry.roles, entry.ttl);
    return CS_OK;
}

cs_session_next cs_tvs_answer(cs_tvs_store *store, const uint8_t *frame, size_t len, cs_buf *out,
                              cs_session_log *log)
{
    cs_tvs_request req;
    cs_error err;
    snprintf(log->operation, sizeof log->operation, "verify");
    if (cs_tvs_request_decode(frame, len, &req, &err) != CS_OK) {
        cs_session_result(log, "malformed: %s", err.message);
        return CS_SESSION_ABORT;
    }
    if (req.header.command != CS_TVS_VERIFY_REQ) {
        cs_session_result(log, "unsupported: command %u", req.header.command);
        return CS_SESSION_ABORT;
    }
    printable(log->device, sizeof log->device, req.device_name);
    cs_tvs_response resp = {
        .header = {.command = CS_TVS_VERIFY_RESP, .session_id = req.header.session_id}};
    const char *device;
    if (req.device_name.data != NULL &&
        !cs_device_model_name_valid((const char *)req.device_name.data, req.device_name.len,
                                    &device)) {
        /* Not a phone's name: no trust is given to whatever asked. */
        answer_invalid(&resp);
        cs_session_result(log, "invalid: the device name does not match CP-MODEL-SEPMAC");
    } else if (look_up(store, &req, &resp, log, &err) != CS_OK) {
        cs_session_result(log, "error: %s", err.message);
        return CS_SESSION_ABORT;
    }
    if (cs_tvs_response_encode(&resp, out, &err) != CS_OK) {
        cs_session_result(log, "error: %s", err.message);
        return CS_SESSION_ABORT;
    }
    return CS_SESSION_END;
}

/* --- the connection pool -------------------------------------------------- */

static cs_tvs_store *borrow(cs_tvs_service *svc, cs_error *err)
{
    cs_tvs_store *store = NULL;
    pthread_mutex_lock(&svc->lock);
    if (svc->idle_count > 0)
        store = svc->idle[--svc->idle_count];
    pthread_mutex_unlock(&svc->lock);
    if (store == NULL && cs_tvs_store_open(svc->db_path, CS_TVS_READ, &store, err) != CS_OK)
        return NULL;
    return store;
}

static void give_back(cs_tvs_service *svc, cs_tvs_store *store)
{
    pthread_mutex_lock(&svc->lock);
    if (svc->idle_count < POOL_MAX) {
        svc->idle[svc->idle_count++] = store;
        store = NULL;
    }
    pthread_mutex_unlock(&svc->lock);
    cs_tvs_store_close(store);
}

static cs_session_next frame_in(void *ctx, void *state, const uint8_t *frame, size_t len,
                                cs_buf *out, cs_session_log *log)
{
    (void)state;
    cs_tvs_service *svc = ctx;
    cs_error err;
    cs_tvs_store *store = borrow(svc, &err);
    if (store == NULL) {
        snprintf(log->operation, sizeof log->operation, "verify");
        cs_session_result(log, "error: %s", err.message);
        return CS_SESSION_ABORT;
    }
    cs_session_next next = cs_tvs_answer(store, frame, len, out, log);
    give_back(svc, store);
    return next;
}

int cs_tvs_service_new(const char *db_path, cs_tvs_service **out, cs_error *err)
{
    cs_tvs_service *svc = calloc(1, sizeof *svc);
    if (svc == NULL || (svc->db_path = strdup(db_path)) == NULL) {
        free(svc);
        return cs_fail(err, CS_ERROR, "out of memory");
    }
    pthread_mutex_init(&svc->lock, NULL);
    svc->protocol =
        (cs_protocol){.name = "tvs", .frame = cs_tvs_frame, .frame_in = frame_in, .ctx = svc};
    cs_tvs_store *first = borrow(svc, err);
    if (first == NULL) {
        cs_tvs_service_free(svc);
        return CS_ERROR;
    }
    give_back(svc, first);
    *out = svc;
    return CS_OK;
}

const cs_protocol *cs_tvs_service_protocol(const cs_tvs_service *svc)
{
    return &svc->protocol;
}

void cs_tvs_service_free(cs_tvs_service *svc)
{
    if (svc == NULL)
        return;
    while (svc->idle_count > 0)
        cs_tvs_store_close(svc->idle[--svc->idle_count]);
    pthread_mutex_destroy(&svc->lock);
    free(svc->db_path);
    free(svc);
}
