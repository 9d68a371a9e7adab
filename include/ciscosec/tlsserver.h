/* SPDX-License-Identifier: MIT */
/* Non-blocking TLS for the services (CAPF, TVS): the server's credentials
 * and one TLS session per accepted socket, driven by an event loop that
 * lives outside the crypto module (src/services/server.c).
 *
 * Every call returns at once. A call that needs the socket to become
 * readable or writable first returns CS_TLS_WANT_READ or CS_TLS_WANT_WRITE;
 * the loop waits for that and calls again with the same arguments. */
#ifndef CISCOSEC_TLSSERVER_H
#define CISCOSEC_TLSSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ciscosec/error.h"

/* What a session call returns besides a byte count (read and write return
 * the number of bytes, > 0, on success; handshake and close return
 * CS_TLS_DONE). */
enum cs_tls_io {
    CS_TLS_DONE = 0,
    CS_TLS_WANT_READ = -1,
    CS_TLS_WANT_WRITE = -2,
    CS_TLS_CLOSED = -3, /* the peer closed the connection (close-notify or EOF) */
    CS_TLS_FAILED = -4  /* anything else: cs_tls_session_error says what */
};

/* The server's certificate chain and private key, with the TLS settings
 * built on them. Shared by the sessions made from it and counted: after a
 * reload the old credentials live on until their last session is freed.
 * One thread at a time may use a given credentials object (mbedTLS holds
 * a lock on an RSA key for each private operation): an event loop with N
 * threads loads one per thread. */
typedef struct cs_tls_creds cs_tls_creds;

typedef struct cs_tls_server_options {
    const char *cert_path;         /* PEM: the certificate, then any chain */
    const char *key_path;          /* PEM key; NULL: the key is in cert_path */
    const cs_passphrase *key_pass; /* for an encrypted key; NULL: none */
    bool allow_tls10;              /* also offer TLS 1.0 and 1.1 (7900-series phones) */
} cs_tls_server_options;

/* True when this mbedTLS build can speak TLS 1.0 (2.28 can, 3.x cannot). */
bool cs_tls_supports_tls10(void);

/* Loads the certificate chain and key, checks they match. With
 * allow_tls10 on a build that cannot offer it: CS_ERROR saying so. */
int cs_tls_creds_load(const cs_tls_server_options *opts, cs_tls_creds **out, cs_error *err);
/* Drops the caller's reference (NULL is fine). */
void cs_tls_creds_release(cs_tls_creds *creds);

typedef struct cs_tls_session cs_tls_session;

/* A server-side session on a connected, non-blocking socket. The session
 * takes a reference on creds; it neither closes nor owns fd. */
int cs_tls_session_new(cs_tls_creds *creds, int fd, cs_tls_session **out, cs_error *err);
/* CS_TLS_DONE once the handshake is complete. */
int cs_tls_session_handshake(cs_tls_session *s);
/* Up to len bytes of application data: > 0, or a cs_tls_io code. */
ssize_t cs_tls_session_read(cs_tls_session *s, void *buf, size_t len);
/* Writes len bytes (at most CS_TLS_MAX_RECORD) as ONE record: > 0 (== len),
 * or a cs_tls_io code; after WANT_*, call again with the same bytes. */
ssize_t cs_tls_session_write(cs_tls_session *s, const void *buf, size_t len);
/* Sends close-notify: CS_TLS_DONE, WANT_WRITE, or FAILED. */
int cs_tls_session_close_notify(cs_tls_session *s);
/* What went wrong with the last call that returned CS_TLS_FAILED, for the
 * session's log line ("TLS handshake failed (...)"). */
const char *cs_tls_session_error(const cs_tls_session *s);
void cs_tls_session_free(cs_tls_session *s);

/* The most a single record carries (TLS's plaintext limit). */
#define CS_TLS_MAX_RECORD 16384u

/* --- the phone's side: a blocking client ------------------------------- */

typedef struct cs_tls_client cs_tls_client;

typedef struct cs_tls_client_options {
    const char *host;    /* a name, or an IPv4 or IPv6 address */
    const char *port;    /* "2445" */
    unsigned timeout_ms; /* a deadline on the whole conversation */
    bool allow_tls10;    /* offer TLS 1.0 and 1.1 too */
    /* PEM/DER certificates the server's must be one of or be issued by;
     * NULL takes any certificate (the caller may check it afterwards). */
    const char *const *trusted_paths;
    size_t trusted_count;
} cs_tls_client_options;

/* Connects and completes the handshake. CS_INVALID when no session came
 * about (refused, timed out, handshake failed, untrusted certificate), with
 * the reason in err; CS_ERROR for local failures and unresolvable names. */
int cs_tls_client_connect(const cs_tls_client_options *opts, cs_tls_client **out, cs_error *err);
/* Writes header and body as one record (phones stall otherwise). */
int cs_tls_client_write(cs_tls_client *c, const void *data, size_t len, cs_error *err);
/* Reads exactly len bytes, within the deadline. CS_INVALID when the server
 * closed or the time ran out first. */
int cs_tls_client_read(cs_tls_client *c, void *buf, size_t len, cs_error *err);
/* The server's certificate (DER), valid until cs_tls_client_close. */
const unsigned char *cs_tls_client_peer_cert(const cs_tls_client *c, size_t *len);
/* Sends close-notify, closes the socket, frees c (NULL is fine). */
void cs_tls_client_close(cs_tls_client *c);

#endif
