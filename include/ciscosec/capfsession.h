/* SPDX-License-Identifier: MIT */
/* CAPF sessions without I/O: each side is a state machine that is given
 * the frame just received and appends the frames to send in answer (zero,
 * one or two; each goes out in one write, see cs_capf_frame_size). The
 * server and the phone's side of `ciscosec capf` run these over TLS; the
 * unit tests run them against recorded conversations.
 *
 * The server is stricter than the reference: an install counts as done
 * only after the phone's STORE_CERT_RESP says stored (reason 1), device
 * names are checked (capf.h) before they reach the database, passwords are
 * compared in constant time, and any frame that is malformed, of another
 * session or out of turn ends the session with reason 7. */
#ifndef CISCOSEC_CAPFSESSION_H
#define CISCOSEC_CAPFSESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "ciscosec/buf.h"
#include "ciscosec/capf.h"
#include "ciscosec/capfstore.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/lsc.h"
#include "ciscosec/server.h"
#include "ciscosec/tlsserver.h"

/* --- the server ------------------------------------------------------------- */

/* Where the server's session reads and records devices. */
typedef struct cs_capf_backend {
    void *ctx;
    /* CS_OK with the row, CS_INVALID for an unknown device. */
    int (*lookup)(void *ctx, const char *device, cs_capf_device *dev, cs_error *err);
    /* The operation finished: pem is the certificate issued (install) or
     * the phone's (fetch), empty after a delete. */
    int (*finish)(void *ctx, const char *device, cs_capf_operation op, cs_bytes pem, cs_error *err);
} cs_capf_backend;

typedef struct cs_capf_server_config {
    const cs_cert *issuer; /* signs LSCs; a phone's certificate chains to it */
    const cs_key *issuer_key;
    const cs_cert *const *verify; /* more trust anchors for certificate
                                     authentication (manufacturing CAs) */
    size_t verify_count;
    unsigned days;
} cs_capf_server_config;

typedef struct cs_capf_server {
    const cs_capf_server_config *cfg;
    const cs_capf_backend *backend;
    uint32_t session_id;
    int state;
    cs_capf_device device; /* the row, once the phone named itself */
    bool known;            /* device holds a row */
    cs_buf issued;         /* the LSC issued, PEM, until the phone stores it */
    time_t now;            /* the clock for issuing; tests set it */
    char result[160];      /* what happened, for the session's log line */
} cs_capf_server;

/* Starts a session with the given id (random in the server) and appends
 * the AUTH_REQ. */
int cs_capf_server_start(cs_capf_server *s, const cs_capf_server_config *cfg,
                         const cs_capf_backend *backend, uint32_t session_id, cs_buf *out,
                         cs_error *err);
/* Takes one frame from the phone. CS_ERROR only when nothing can be sent
 * (out of memory); a bad frame gets an END_SESSION in out. */
int cs_capf_server_receive(cs_capf_server *s, const uint8_t *frame, size_t len, cs_buf *out,
                           cs_error *err);
/* The END_SESSION has been sent: the connection can close. */
bool cs_capf_server_done(const cs_capf_server *s);
/* The operation that ran, for the log ("install", ...; "-" before the
 * device is known). */
const char *cs_capf_server_operation(const cs_capf_server *s);
void cs_capf_server_release(cs_capf_server *s);

/* --- the server on the engine (server.h) ---------------------------------- */

/* The frame description for the server engine and the phone's side. */
extern const cs_frame_spec cs_capf_frame;

typedef struct cs_capf_service_config {
    const char *db_path;
    const char *cert_dir;    /* where <device>.pem files go */
    const char *issuer_path; /* PEM: the issuing certificate and its key */
    /* For an encrypted issuing key (NULL: none); copied, and asked again
     * for each reload: give one that keeps the passphrase. */
    const cs_passphrase *issuer_pass;
    const char *const *verify_paths;
    size_t verify_count;
    unsigned days;
} cs_capf_service_config;

/* The protocol for cs_server_config.protocol. Each session borrows a
 * worker (a database connection and a copy of the issuing key: neither is
 * shared between threads) for each frame. An issued or fetched certificate
 * is written to cert_dir/<device>.pem atomically, mode 0644, and then
 * recorded; a delete removes the file. */
typedef struct cs_capf_service cs_capf_service;

/* Loads the certificates and opens the database now, so that a bad one is
 * an error before serving starts. The protocol's reload (SIGHUP) loads the
 * issuing certificate and key again; the --verify certificates stay. */
int cs_capf_service_new(const cs_capf_service_config *cfg, cs_capf_service **out, cs_error *err);
const cs_protocol *cs_capf_service_protocol(const cs_capf_service *svc);
void cs_capf_service_free(cs_capf_service *svc);

/* --- the phone's side ------------------------------------------------------- */

typedef struct cs_capf_client_config {
    const char *device;
    const char *password; /* NULL or "": the null password */
    const cs_cert *lsc;   /* certificate authentication; NULL for none */
    const cs_key *lsc_key;
    const cs_cert *current; /* what a fetch sends back; NULL for none */
    const cs_cert *sudi;    /* optional SUDI data */
    const cs_key *sudi_key;
    /* Stores the certificate the server issued before the phone says it
     * stored it; the key is the one made for it, in memory. */
    int (*store)(void *ctx, cs_bytes der, const cs_key *key, cs_error *err);
    void *store_ctx;
    const cs_key *key; /* answer KEY_GEN_REQ with this key instead of a new
                          one (benchmarks: keys made ahead of time) */
} cs_capf_client_config;

typedef struct cs_capf_client {
    const cs_capf_client_config *cfg;
    uint32_t session_id;
    bool done;
    uint8_t end_reason;   /* the server's END_SESSION reason */
    uint8_t operation;    /* the server's request: KEY_GEN_REQ, FETCH_CERT_REQ,
                             DELETE_CERT_REQ, or 0 */
    cs_key *key;          /* made for KEY_GEN_REQ */
    const cs_key *active; /* the key sent: key or cfg->key */
    bool stored;          /* a certificate was received and stored */
} cs_capf_client;

void cs_capf_client_init(cs_capf_client *c, const cs_capf_client_config *cfg);
/* Takes one frame from the server, appends the answers. CS_ERROR for a
 * frame the phone cannot take (it then closes the connection). */
int cs_capf_client_receive(cs_capf_client *c, const uint8_t *frame, size_t len, cs_buf *out,
                           cs_error *err);
void cs_capf_client_release(cs_capf_client *c);

/* The phone's side over a connected TLS client (tlsserver.h): reads each
 * frame, answers it (each answer in a write of its own), until the
 * server's END_SESSION. CS_INVALID when the server closes or the time runs
 * out first. */
int cs_capf_client_run(cs_capf_client *c, cs_tls_client *tls, cs_error *err);

/* The bytes a phone signs for certificate authentication:
 * DEVICE_NAME || 0x00 || certificate DER; and for SUDI data: the session id,
 * little-endian, || SUDI certificate DER. */
void cs_capf_auth_signed_data(cs_buf *out, const char *device, cs_bytes cert_der);
void cs_capf_sudi_signed_data(cs_buf *out, uint32_t session_id, cs_bytes cert_der);

#endif
