/* SPDX-License-Identifier: MIT */
/* The CAPF server's protocol on the engine (capfsession.h): a session
 * state machine per connection, workers for the database and the issuing
 * key, and the certificate folder. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/capfsession.h"
#include "ciscosec/device.h"
#include "ciscosec/fileio.h"

#define POOL_MAX 64
#define MAX_VERIFY 64
#define PEM_MODE 0644 /* a certificate: anyone may read it (enc build does) */

const cs_frame_spec cs_capf_frame = {CS_CAPF_HEADER_SIZE, 6, CS_CAPF_MAX_BODY};

/* The issuing certificate and key as loaded at one time. SIGHUP loads a
 * new one; sessions keep the one they started with, by reference. */
typedef struct issuer {
    cs_cert *cert;
    cs_key *key;
    unsigned generation; /* which load: a worker's key copy says whose it is */
    unsigned refs;       /* under the service's lock */
} issuer;

typedef struct worker {
    cs_capf_store *store;
    cs_key *issuer_key; /* this worker's copy */
    unsigned issuer_generation;
} worker;

struct cs_capf_service {
    cs_protocol protocol;
    char *db_path;
    char *cert_dir;
    char *issuer_path;
    cs_passphrase issuer_pass; /* get NULL: none */
    issuer *issuer;            /* the current one, under lock */
    unsigned generations;
    cs_cert *verify[MAX_VERIFY];
    size_t verify_count;
    unsigned days;
    pthread_mutex_t lock;
    worker *idle[POOL_MAX];
    size_t idle_count;
};

/* One connection's state. */
typedef struct session {
    cs_capf_service *svc;
    issuer *issuer;
    worker *w; /* borrowed while a frame is handled */
    cs_capf_server_config cfg;
    cs_capf_backend backend;
    cs_capf_server server;
} session;

/* --- the issuer ------------------------------------------------------------- */

static void issuer_free(issuer *iss)
{
    if (iss == NULL)
        return;
    cs_cert_free(iss->cert);
    cs_key_free(iss->key);
    free(iss);
}

static int load_issuer(cs_capf_service *svc, issuer **out, cs_error *err)
{
    issuer *iss = calloc(1, sizeof *iss);
    if (iss == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    const cs_passphrase *pass = svc->issuer_pass.get != NULL ? &svc->issuer_pass : NULL;
    int rc = cs_cert_file_load(svc->issuer_path, pass, &iss->cert, &iss->key, NULL, err);
    if (rc == CS_OK && iss->key == NULL)
        rc = cs_fail(err, CS_ERROR, "no private key beside the certificate");
    if (rc == CS_OK && cs_key_type_of(iss->key) != CS_KEY_RSA)
        rc = cs_fail(err, CS_ERROR, "the issuing key must be RSA");
    if (rc != CS_OK) {
        cs_error_prefix(err, "'%s'", svc->issuer_path);
        issuer_free(iss);
        return rc;
    }
    iss->refs = 1; /* the service's */
    pthread_mutex_lock(&svc->lock);
    iss->generation = ++svc->generations;
    pthread_mutex_unlock(&svc->lock);
    *out = iss;
    return CS_OK;
}

static issuer *issuer_take(cs_capf_service *svc)
{
    pthread_mutex_lock(&svc->lock);
    issuer *iss = svc->issuer;
    iss->refs++;
    pthread_mutex_unlock(&svc->lock);
    return iss;
}

static void issuer_drop(cs_capf_service *svc, issuer *iss)
{
    pthread_mutex_lock(&svc->lock);
    bool last = --iss->refs == 0;
    pthread_mutex_unlock(&svc->lock);
    if (last)
        issuer_free(iss);
}

/* SIGHUP: a new issuer for new sessions; the old one stays if the file
 * does not load, and until its last session ends. */
static int reload(void *ctx, char *what, size_t what_size, cs_error *err)
{
    cs_capf_service *svc = ctx;
    issuer *fresh;
    int rc = load_issuer(svc, &fresh, err);
    if (rc != CS_OK)
        return rc;
    pthread_mutex_lock(&svc->lock);
    issuer *old = svc->issuer;
    svc->issuer = fresh;
    pthread_mutex_unlock(&svc->lock);
    issuer_drop(svc, old);
    snprintf(what, what_size, "the issuing certificate '%s'", svc->issuer_path);
    return CS_OK;
}

/* --- workers ---------------------------------------------------------------- */

static void worker_free(worker *w)
{
    if (w == NULL)
        return;
    cs_capf_store_close(w->store);
    cs_key_free(w->issuer_key);
    free(w);
}

/* A worker whose key copy is iss's. */
static worker *borrow(cs_capf_service *svc, const issuer *iss, cs_error *err)
{
    worker *w = NULL;
    pthread_mutex_lock(&svc->lock);
    if (svc->idle_count > 0)
        w = svc->idle[--svc->idle_count];
    pthread_mutex_unlock(&svc->lock);
    if (w == NULL) {
        w = calloc(1, sizeof *w);
        if (w == NULL) {
            cs_fail(err, CS_ERROR, "out of memory");
            return NULL;
        }
        if (cs_capf_store_open(svc->db_path, false, &w->store, err) != CS_OK) {
            worker_free(w);
            return NULL;
        }
    }
    if (w->issuer_key == NULL || w->issuer_generation != iss->generation) {
        cs_key_free(w->issuer_key);
        w->issuer_key = NULL;
        if (cs_key_clone(iss->key, &w->issuer_key, err) != CS_OK) {
            worker_free(w);
            return NULL;
        }
        w->issuer_generation = iss->generation;
    }
    return w;
}

static void give_back(cs_capf_service *svc, worker *w)
{
    pthread_mutex_lock(&svc->lock);
    if (svc->idle_count < POOL_MAX) {
        svc->idle[svc->idle_count++] = w;
        w = NULL;
    }
    pthread_mutex_unlock(&svc->lock);
    worker_free(w);
}

/* --- the backend: database and certificate folder ------------------------------ */

static int lookup(void *ctx, const char *device, cs_capf_device *dev, cs_error *err)
{
    session *s = ctx;
    return cs_capf_store_get(s->w->store, device, dev, err);
}

static char *pem_path(const cs_capf_service *svc, const char *device)
{
    char name[CS_DEVICE_NAME_MAX + 8];
    snprintf(name, sizeof name, "/%s.pem", device);
    return cs_path_append(svc->cert_dir, name);
}

/* The file first, then the row: a process killed in between leaves the
 * operation scheduled, and the next session does it again. */
static int finish(void *ctx, const char *device, cs_capf_operation op, cs_bytes pem, cs_error *err)
{
    session *s = ctx;
    if (!cs_device_name_valid(device, strlen(device)))
        return cs_fail(err, CS_ERROR, "invalid device name");
    char *path = pem_path(s->svc, device);
    if (path == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    int rc = CS_OK;
    if (op == CS_CAPF_OP_DELETE) {
        if (unlink(path) != 0 && errno != ENOENT)
            rc = cs_fail(err, CS_ERROR, "cannot remove %s: %s", path, strerror(errno));
    } else {
        rc = cs_write_file_atomic(path, pem.data, pem.len, PEM_MODE, err);
        if (rc != CS_OK)
            cs_error_prefix(err, "%s", path);
    }
    free(path);
    return rc == CS_OK ? cs_capf_store_finish(s->w->store, device, pem, err) : rc;
}

/* --- the protocol ------------------------------------------------------------------ */

static void log_state(const session *s, cs_session_log *log)
{
    if (s->server.known)
        snprintf(log->device, sizeof log->device, "%s", s->server.device.name);
    snprintf(log->operation, sizeof log->operation, "%s", cs_capf_server_operation(&s->server));
    cs_session_result(log, "%s", s->server.result);
}

static cs_session_next session_open(void *ctx, void **state, cs_buf *out, cs_session_log *log)
{
    cs_capf_service *svc = ctx;
    session *s = calloc(1, sizeof *s);
    uint32_t id = 0;
    cs_error err;
    if (s == NULL || cs_random(&id, sizeof id, &err) != CS_OK) {
        free(s);
        cs_session_result(log, "error: cannot start a session");
        return CS_SESSION_ABORT;
    }
    s->svc = svc;
    s->issuer = issuer_take(svc);
    s->cfg = (cs_capf_server_config){s->issuer->cert, NULL, (const cs_cert *const *)svc->verify,
                                     svc->verify_count, svc->days};
    s->backend = (cs_capf_backend){s, lookup, finish};
    *state = s;
    if (cs_capf_server_start(&s->server, &s->cfg, &s->backend, id, out, &err) != CS_OK) {
        cs_session_result(log, "error: %s", err.message);
        return CS_SESSION_ABORT;
    }
    log_state(s, log);
    return CS_SESSION_CONTINUE;
}

static cs_session_next frame_in(void *ctx, void *state, const uint8_t *frame, size_t len,
                                cs_buf *out, cs_session_log *log)
{
    cs_capf_service *svc = ctx;
    session *s = state;
    cs_error err;
    s->w = borrow(svc, s->issuer, &err);
    if (s->w == NULL) {
        cs_session_result(log, "error: %s", err.message);
        return CS_SESSION_ABORT;
    }
    s->cfg.issuer_key = s->w->issuer_key;
    int rc = cs_capf_server_receive(&s->server, frame, len, out, &err);
    give_back(svc, s->w);
    s->w = NULL;
    s->cfg.issuer_key = NULL;
    log_state(s, log);
    if (rc != CS_OK) {
        cs_session_result(log, "error: %s", err.message);
        return CS_SESSION_ABORT;
    }
    return cs_capf_server_done(&s->server) ? CS_SESSION_END : CS_SESSION_CONTINUE;
}

static void session_close(void *ctx, void *state)
{
    session *s = state;
    if (s == NULL)
        return;
    cs_capf_server_release(&s->server);
    issuer_drop(ctx, s->issuer);
    free(s);
}

/* --- the service ----------------------------------------------------------------------- */

static int load_certificates(cs_capf_service *svc, const cs_capf_service_config *cfg, cs_error *err)
{
    int rc = load_issuer(svc, &svc->issuer, err);
    if (rc != CS_OK)
        return rc;
    if (cfg->verify_count > MAX_VERIFY)
        return cs_fail(err, CS_ERROR, "at most %d --verify certificates", MAX_VERIFY);
    for (size_t i = 0; i < cfg->verify_count; i++) {
        rc = cs_cert_load_file(cfg->verify_paths[i], &svc->verify[i], err);
        if (rc != CS_OK) {
            cs_error_prefix(err, "'%s'", cfg->verify_paths[i]);
            return rc;
        }
        svc->verify_count++;
    }
    return CS_OK;
}

int cs_capf_service_new(const cs_capf_service_config *cfg, cs_capf_service **out, cs_error *err)
{
    cs_capf_service *svc = calloc(1, sizeof *svc);
    if (svc == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    pthread_mutex_init(&svc->lock, NULL);
    svc->days = cfg->days;
    svc->protocol = (cs_protocol){.name = "capf",
                                  .frame = cs_capf_frame,
                                  .open = session_open,
                                  .frame_in = frame_in,
                                  .close = session_close,
                                  .reload = reload,
                                  .ctx = svc};
    if (cfg->issuer_pass != NULL)
        svc->issuer_pass = *cfg->issuer_pass;
    svc->db_path = strdup(cfg->db_path);
    svc->cert_dir = strdup(cfg->cert_dir);
    svc->issuer_path = strdup(cfg->issuer_path);
    int rc = svc->db_path == NULL || svc->cert_dir == NULL || svc->issuer_path == NULL
                 ? cs_fail(err, CS_ERROR, "out of memory")
                 : load_certificates(svc, cfg, err);
    worker *first = rc == CS_OK ? borrow(svc, svc->issuer, err) : NULL;
    if (first == NULL) {
        cs_capf_service_free(svc);
        return CS_ERROR;
    }
    give_back(svc, first);
    *out = svc;
    return CS_OK;
}

const cs_protocol *cs_capf_service_protocol(const cs_capf_service *svc)
{
    return &svc->protocol;
}

void cs_capf_service_free(cs_capf_service *svc)
{
    if (svc == NULL)
        return;
    while (svc->idle_count > 0)
        worker_free(svc->idle[--svc->idle_count]);
    for (size_t i = 0; i < svc->verify_count; i++)
        cs_cert_free(svc->verify[i]);
    issuer_free(svc->issuer); /* the sessions have ended */
    pthread_mutex_destroy(&svc->lock);
    free(svc->issuer_path);
    free(svc->db_path);
    free(svc->cert_dir);
    free(svc);
}
