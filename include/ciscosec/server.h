/* SPDX-License-Identifier: MIT */
/* The services' server engine (CAPF, TVS): listening sockets, N event-loop
 * threads (epoll, non-blocking sockets and TLS), a deadline on each whole
 * session, a connection limit, draining on SIGTERM and reloading the
 * certificate (and what the protocol reloads) on SIGHUP.
 *
 * A protocol plugs in without doing any I/O: the engine cuts the decrypted
 * stream into frames by the protocol's header description, bounds-checks
 * each frame's length, and hands every complete frame to the protocol's
 * handler with an output buffer. Whatever the handler appends is sent as
 * one TLS record. */
#ifndef CISCOSEC_SERVER_H
#define CISCOSEC_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/hostport.h"

/* How a protocol's messages are framed: a fixed header holding the body's
 * length as a big-endian u16 at length_offset; the frame is the header
 * followed by that many bytes. */
typedef struct cs_frame_spec {
    size_t header_size;
    size_t length_offset;
    size_t max_body; /* a longer body ends the session ("frame too long") */
} cs_frame_spec;

/* The frame length announced by the first header_size bytes of data
 * (header + body), or 0 when fewer bytes than a header are there yet, or
 * SIZE_MAX when the body is longer than spec->max_body. */
size_t cs_frame_length(const cs_frame_spec *spec, const uint8_t *data, size_t len);

/* The session's log line, filled in by the engine (peer, duration, and the
 * result when the engine ends a session early) and by the protocol (the
 * device, the operation and the result). */
typedef struct cs_session_log {
    char peer[64];
    char device[64];
    char operation[32];
    char result[160];
    unsigned duration_ms;
} cs_session_log;

/* Sets log->result (printf-style, cut to fit). */
void cs_session_result(cs_session_log *log, const char *fmt, ...) CS_PRINTF(2, 3);

/* What the handler wants after a frame (or after open). */
typedef enum cs_session_next {
    CS_SESSION_CONTINUE, /* send the output, then wait for the next frame */
    CS_SESSION_END,      /* send the output, close-notify, close */
    CS_SESSION_ABORT     /* close at once; the output is dropped */
} cs_session_next;

typedef struct cs_protocol {
    const char *name; /* "tvs", "capf" */
    cs_frame_spec frame;
    /* Per-session state, made after the handshake (NULL callbacks skip).
     * open may append a first message to out (CAPF speaks first). It sets
     * *state; a NULL state is fine. log->peer is filled in. */
    cs_session_next (*open)(void *ctx, void **state, cs_buf *out, cs_session_log *log);
    /* One complete frame (header included, length already checked). */
    cs_session_next (*frame_in)(void *ctx, void *state, const uint8_t *frame, size_t len,
                                cs_buf *out, cs_session_log *log);
    /* The session is over (normally, timed out or failed): free state. */
    void (*close)(void *ctx, void *state);
    /* On SIGHUP, after the TLS certificate (NULL: nothing more to reload):
     * loads the protocol's own files again for new sessions, while
     * sessions run on other threads. On success it describes what it
     * loaded in `what` ("the issuing certificate 'x'"); on failure it
     * keeps what it had and the error says why. */
    int (*reload)(void *ctx, char *what, size_t what_size, cs_error *err);
    void *ctx; /* shared by all threads: the protocol locks what it must */
} cs_protocol;

#define CS_SERVER_MAX_LISTEN 8

/* --listen ADDR is split by cs_split_host_port (hostport.h). */

typedef struct cs_server_config {
    const cs_protocol *protocol;
    /* "ADDR", "ADDR:PORT", "[V6]:PORT"; none: every address (:: dual
     * stack, or 0.0.0.0 without IPv6) on default_port. */
    const char *listen[CS_SERVER_MAX_LISTEN];
    size_t listen_count;
    const char *default_port; /* "2445" */
    const char *cert_path;    /* the server's certificate (and key) */
    const char *key_path;     /* NULL: the key is in cert_path */
    /* For an encrypted key (NULL: none); also used by SIGHUP reloads. */
    const cs_passphrase *key_pass;
    bool allow_tls10;
    unsigned threads;            /* 0: one per core */
    unsigned session_timeout_ms; /* the deadline on a whole session */
    unsigned max_sessions;       /* 0: CS_SERVER_DEFAULT_MAX_SESSIONS */
    unsigned drain_timeout_ms;   /* on SIGTERM; 0: session_timeout_ms */
    bool handle_signals;         /* SIGTERM/SIGINT drain, SIGHUP reloads */
    /* One call per session, from any loop thread (serialised by the
     * engine). Also for refused connections (result "refused: ..."). */
    void (*log)(void *log_ctx, const cs_session_log *entry);
    void *log_ctx;
    /* Called once the sockets listen (ports bound), before serving. */
    void (*ready)(void *log_ctx, const char *what);
    /* Events that are not a session: "reloaded the certificate", "cannot
     * reload ...", "draining N sessions". NULL: not reported. */
    void (*notice)(void *log_ctx, const char *what);
} cs_server_config;

#define CS_SERVER_DEFAULT_MAX_SESSIONS 4096u

typedef struct cs_server cs_server;

/* Loads the certificate and binds the sockets: errors here are the
 * command's to report (exit 2) before serving starts. */
int cs_server_open(const cs_server_config *cfg, cs_server **out, cs_error *err);
/* The port bound by listening socket i (for port 0: the kernel's pick). */
unsigned cs_server_port(const cs_server *srv, size_t i);
/* Serves until cs_server_stop or (with handle_signals) SIGTERM/SIGINT,
 * then drains: no new connections, sessions in flight get until the drain
 * deadline. CS_OK after a clean stop. */
int cs_server_run(cs_server *srv, cs_error *err);
/* Thread- and async-signal-safe: starts the drain. */
void cs_server_stop(cs_server *srv);
/* Loads the certificate again for new sessions; the old one stays if the
 * new one does not load (the error says why). */
int cs_server_reload(cs_server *srv, cs_error *err);
void cs_server_close(cs_server *srv);

#endif
