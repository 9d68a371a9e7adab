/* SPDX-License-Identifier: MIT */
/* The services' server engine (server.h): N threads, each with its own
 * epoll set, its own copy of the certificate and key (mbedTLS locks an RSA
 * key for each private operation, so a shared key would serialise the
 * handshakes), and its sessions in a list ordered by deadline. Every
 * session has the same time limit, so the list is a FIFO: new sessions go
 * at the tail, the head expires first, and the drain deadline (a minimum
 * with a constant) keeps that order. */
#define _GNU_SOURCE /* accept4, SOCK_NONBLOCK, EPOLLEXCLUSIVE */
#include "ciscosec/server.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ciscosec/crypto.h"
#include "ciscosec/tlsserver.h"

#define MAX_THREADS 64
#define ACCEPTS_PER_WAKE 16 /* then let another thread take its turn */
#define EVENTS_PER_WAIT 64

enum watch_kind { WATCH_LISTENER, WATCH_WAKE, WATCH_SESSION };

/* The first member of whatever epoll reports. */
typedef struct watch {
    enum watch_kind kind;
    int fd;
} watch;

enum session_state { ST_HANDSHAKE, ST_READ, ST_WRITE, ST_CLOSE };

typedef struct loop loop;

typedef struct session {
    watch w;
    loop *owner;
    struct session *prev, *next; /* the loop's deadline list */
    cs_tls_session *tls;
    enum session_state state;
    uint32_t events; /* what epoll watches for now */
    uint64_t start_ms, deadline_ms;
    uint8_t *in; /* the frame being assembled */
    size_t in_len, in_cap;
    cs_buf out;
    cs_session_next after_write;
    void *proto_state;
    bool opened;
    cs_session_log log;
} session;

struct loop {
    cs_server *srv;
    pthread_t thread;
    bool started;
    int epfd;
    watch wake;
    cs_tls_creds *creds;
    cs_tls_creds *next_creds; /* from a reload, under srv->lock */
    session *head, *tail;
    size_t count;
    bool draining;
};

struct cs_server {
    cs_server_config cfg;
    watch listeners[CS_SERVER_MAX_LISTEN];
    unsigned ports[CS_SERVER_MAX_LISTEN];
    size_t listener_count;
    loop *loops;
    unsigned loop_count;
    atomic_uint active;
    atomic_bool stopping;
    atomic_ullong drain_deadline_ms;
    int stop_fd;          /* an eventfd: cs_server_stop wakes cs_server_run */
    pthread_mutex_t lock; /* log lines and credential hand-over */
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

size_t cs_frame_length(const cs_frame_spec *spec, const uint8_t *data, size_t len)
{
    if (len < spec->header_size)
        return 0;
    size_t body = cs_load_u16(data + spec->length_offset);
    return body > spec->max_body ? SIZE_MAX : spec->header_size + body;
}

/* --- log lines ----------------------------------------------------------- */

void cs_session_result(cs_session_log *log, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(log->result, sizeof log->result, fmt, ap);
    va_end(ap);
}

static void emit_log(cs_server *srv, cs_session_log *entry)
{
    if (srv->cfg.log == NULL)
        return;
    pthread_mutex_lock(&srv->lock);
    srv->cfg.log(srv->cfg.log_ctx, entry);
    pthread_mutex_unlock(&srv->lock);
}

static void notice(cs_server *srv, const char *fmt, ...) CS_PRINTF(2, 3);

static void notice(cs_server *srv, const char *fmt, ...)
{
    if (srv->cfg.notice == NULL)
        return;
    char text[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&srv->lock);
    srv->cfg.notice(srv->cfg.log_ctx, text);
    pthread_mutex_unlock(&srv->lock);
}

/* "192.0.2.1:5060" or "[2001:db8::1]:5060"; IPv4 seen through a dual-stack
 * socket is written as IPv4. */
static void format_peer(const struct sockaddr_storage *sa, socklen_t len, char *out, size_t size)
{
    char host[INET6_ADDRSTRLEN + 8], port[8];
    if (getnameinfo((const struct sockaddr *)sa, len, host, sizeof host, port, sizeof port,
                    NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
        snprintf(out, size, "unknown");
        return;
    }
    const char *h = host;
    if (strncmp(h, "::ffff:", 7) == 0 && strchr(h + 7, ':') == NULL)
        h += 7;
    snprintf(out, size, strchr(h, ':') != NULL ? "[%s]:%s" : "%s:%s", h, port);
}

/* --- sessions ------------------------------------------------------------ */

static void set_events(loop *l, session *s, uint32_t events)
{
    if (s->events == events)
        return;
    struct epoll_event ev = {.events = events, .data.ptr = s};
    if (epoll_ctl(l->epfd, EPOLL_CTL_MOD, s->w.fd, &ev) == 0)
        s->events = events;
}

static void unlink_session(loop *l, session *s)
{
    if (s->prev != NULL)
        s->prev->next = s->next;
    else
        l->head = s->next;
    if (s->next != NULL)
        s->next->prev = s->prev;
    else
        l->tail = s->prev;
    l->count--;
}

/* Ends a session: the log line, then everything it held. `why` replaces
 * the protocol's result when the engine ended the session early. */
static void finish(loop *l, session *s, const char *why)
{
    cs_server *srv = l->srv;
    if (why != NULL)
        cs_session_result(&s->log, "%s", why);
    else if (s->log.result[0] == '\0')
        cs_session_result(&s->log, "done");
    s->log.duration_ms = (unsigned)(now_ms() - s->start_ms);
    emit_log(srv, &s->log);
    if (s->opened && srv->cfg.protocol->close != NULL)
        srv->cfg.protocol->close(srv->cfg.protocol->ctx, s->proto_state);
    unlink_session(l, s);
    (void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, s->w.fd, NULL);
    cs_tls_session_free(s->tls);
    close(s->w.fd);
    cs_zeroize(s->in, s->in_cap); /* CAPF passwords pass through here */
    free(s->in);
    cs_buf_release(&s->out);
    free(s);
    atomic_fetch_sub(&srv->active, 1);
}

/* Acts on the protocol's answer: true to keep driving the session, false
 * when it is finished. */
static bool after_handler(loop *l, session *s, cs_session_next next)
{
    if (next == CS_SESSION_ABORT || s->out.failed) {
        finish(l, s, s->out.failed ? "out of memory" : NULL);
        return false;
    }
    s->after_write = next;
    if (s->out.len > 0)
        s->state = ST_WRITE;
    else
        s->state = next == CS_SESSION_END ? ST_CLOSE : ST_READ;
    return true;
}

static bool open_session(loop *l, session *s)
{
    const cs_protocol *p = l->srv->cfg.protocol;
    s->opened = true;
    cs_session_next next = CS_SESSION_CONTINUE;
    if (p->open != NULL)
        next = p->open(p->ctx, &s->proto_state, &s->out, &s->log);
    return after_handler(l, s, next);
}

/* Reads toward one complete frame, never past it, then hands it over.
 * False when the session is waiting or finished. */
static bool read_frame(loop *l, session *s)
{
    const cs_protocol *p = l->srv->cfg.protocol;
    size_t header = p->frame.header_size;
    size_t want = s->in_len < header ? header : cs_frame_length(&p->frame, s->in, s->in_len);
    if (want == SIZE_MAX) {
        finish(l, s, "malformed: frame longer than the limit");
        return false;
    }
    if (s->in_cap < want) {
        uint8_t *grown = malloc(want);
        if (grown == NULL) {
            finish(l, s, "out of memory");
            return false;
        }
        if (s->in_len > 0)
            memcpy(grown, s->in, s->in_len);
        cs_zeroize(s->in, s->in_cap);
        free(s->in);
        s->in = grown;
        s->in_cap = want;
    }
    if (s->in_len < want) {
        ssize_t n = cs_tls_session_read(s->tls, s->in + s->in_len, want - s->in_len);
        if (n == CS_TLS_WANT_READ || n == CS_TLS_WANT_WRITE) {
            set_events(l, s, n == CS_TLS_WANT_READ ? EPOLLIN : EPOLLOUT);
            return false;
        }
        if (n < 0) {
            finish(l, s,
                   n == CS_TLS_CLOSED && s->in_len > 0 ? "malformed: truncated frame"
                   : n == CS_TLS_CLOSED                ? "closed by the peer"
                                                       : cs_tls_session_error(s->tls));
            return false;
        }
        s->in_len += (size_t)n;
        return true; /* the header may now tell the length */
    }
    s->in_len = 0; /* the next frame starts afresh */
    s->out.len = 0;
    cs_session_next next = p->frame_in(p->ctx, s->proto_state, s->in, want, &s->out, &s->log);
    return after_handler(l, s, next);
}

static bool write_out(loop *l, session *s)
{
    ssize_t n = cs_tls_session_write(s->tls, s->out.data, s->out.len);
    if (n == CS_TLS_WANT_READ || n == CS_TLS_WANT_WRITE) {
        set_events(l, s, n == CS_TLS_WANT_READ ? EPOLLIN : EPOLLOUT);
        return false;
    }
    if (n < 0) {
        finish(l, s, cs_tls_session_error(s->tls));
        return false;
    }
    s->out.len = 0;
    s->state = s->after_write == CS_SESSION_END ? ST_CLOSE : ST_READ;
    return true;
}

static bool step(loop *l, session *s)
{
    int rc;
    switch (s->state) {
    case ST_HANDSHAKE:
        rc = cs_tls_session_handshake(s->tls);
        if (rc == CS_TLS_DONE)
            return open_session(l, s);
        if (rc == CS_TLS_WANT_READ || rc == CS_TLS_WANT_WRITE) {
            set_events(l, s, rc == CS_TLS_WANT_READ ? EPOLLIN : EPOLLOUT);
            return false;
        }
        finish(l, s, cs_tls_session_error(s->tls));
        return false;
    case ST_READ:
        return read_frame(l, s);
    case ST_WRITE:
        return write_out(l, s);
    case ST_CLOSE:
        rc = cs_tls_session_close_notify(s->tls);
        if (rc == CS_TLS_WANT_WRITE || rc == CS_TLS_WANT_READ) {
            set_events(l, s, rc == CS_TLS_WANT_READ ? EPOLLIN : EPOLLOUT);
            return false;
        }
        finish(l, s, NULL); /* the answer went out; a lost close-notify is no failure */
        return false;
    }
    return false;
}

static void drive(loop *l, session *s)
{
    while (step(l, s))
        ;
}

/* --- accepting ----------------------------------------------------------- */

static uint64_t session_deadline(const cs_server *srv, uint64_t start)
{
    uint64_t deadline = start + srv->cfg.session_timeout_ms;
    if (atomic_load(&srv->stopping)) {
        uint64_t drain = atomic_load(&srv->drain_deadline_ms);
        if (drain < deadline)
            deadline = drain;
    }
    return deadline;
}

static void refuse(cs_server *srv, int fd, const char *peer, const char *why)
{
    close(fd);
    cs_session_log entry = {.duration_ms = 0};
    snprintf(entry.peer, sizeof entry.peer, "%s", peer);
    cs_session_result(&entry, "refused: %s", why);
    emit_log(srv, &entry);
}

static void add_session(loop *l, int fd, const char *peer)
{
    cs_server *srv = l->srv;
    unsigned limit = srv->cfg.max_sessions;
    if (atomic_fetch_add(&srv->active, 1) >= limit) {
        atomic_fetch_sub(&srv->active, 1);
        refuse(srv, fd, peer, "connection limit reached");
        return;
    }
    session *s = calloc(1, sizeof *s);
    cs_error err;
    if (s == NULL || cs_tls_session_new(l->creds, fd, &s->tls, &err) != CS_OK) {
        free(s);
        atomic_fetch_sub(&srv->active, 1);
        refuse(srv, fd, peer, "out of memory");
        return;
    }
    s->w = (watch){WATCH_SESSION, fd};
    s->owner = l;
    s->start_ms = now_ms();
    s->deadline_ms = session_deadline(srv, s->start_ms);
    s->events = EPOLLIN;
    snprintf(s->log.peer, sizeof s->log.peer, "%s", peer);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = s};
    /* At the tail: every later session has a later deadline. */
    s->prev = l->tail;
    if (l->tail != NULL)
        l->tail->next = s;
    else
        l->head = s;
    l->tail = s;
    l->count++;
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        finish(l, s, "cannot watch the connection");
        return;
    }
    drive(l, s); /* the ClientHello may be here already */
}

static void accept_some(loop *l, const watch *listener)
{
    for (int i = 0; i < ACCEPTS_PER_WAKE; i++) {
        struct sockaddr_storage sa;
        socklen_t len = sizeof sa;
        int fd = accept4(listener->fd, (struct sockaddr *)&sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE)
                notice(l->srv, "cannot accept: %s", strerror(errno));
            return; /* EAGAIN: another thread took it, or none left */
        }
        /* Small messages, each wanted at once: no Nagle delay. */
        int one = 1;
        (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char peer[64];
        format_peer(&sa, len, peer, sizeof peer);
        add_session(l, fd, peer);
    }
}

/* --- the loop ------------------------------------------------------------ */

static void take_new_creds(loop *l)
{
    pthread_mutex_lock(&l->srv->lock);
    cs_tls_creds *fresh = l->next_creds;
    l->next_creds = NULL;
    pthread_mutex_unlock(&l->srv->lock);
    if (fresh != NULL) {
        cs_tls_creds_release(l->creds); /* sessions keep their own reference */
        l->creds = fresh;
    }
}

static void begin_drain(loop *l)
{
    l->draining = true;
    for (size_t i = 0; i < l->srv->listener_count; i++)
        (void)epoll_ctl(l->epfd, EPOLL_CTL_DEL, l->srv->listeners[i].fd, NULL);
    uint64_t drain = atomic_load(&l->srv->drain_deadline_ms);
    for (session *s = l->head; s != NULL; s = s->next)
        if (s->deadline_ms > drain)
            s->deadline_ms = drain;
}

static void on_wake(loop *l)
{
    uint64_t value;
    (void)!read(l->wake.fd, &value, sizeof value);
    take_new_creds(l);
}

static int wait_timeout(const loop *l)
{
    if (l->head == NULL)
        return -1;
    uint64_t now = now_ms();
    uint64_t left = l->head->deadline_ms > now ? l->head->deadline_ms - now : 0;
    return left > INT32_MAX ? INT32_MAX : (int)left;
}

static void expire(loop *l)
{
    uint64_t now = now_ms();
    while (l->head != NULL && l->head->deadline_ms <= now) {
        session *s = l->head;
        finish(l, s,
               l->draining && s->deadline_ms < s->start_ms + l->srv->cfg.session_timeout_ms
                   ? "stopped: the server is shutting down"
               : s->state == ST_HANDSHAKE ? "timed out during the TLS handshake"
                                          : "timed out");
    }
}

static void *run_loop(void *arg)
{
    loop *l = arg;
    struct epoll_event events[EVENTS_PER_WAIT];
    for (;;) {
        if (!l->draining && atomic_load(&l->srv->stopping))
            begin_drain(l);
        if (l->draining && l->count == 0)
            break;
        int n = epoll_wait(l->epfd, events, EVENTS_PER_WAIT, wait_timeout(l));
        for (int i = 0; i < n; i++) {
            watch *w = events[i].data.ptr;
            if (w->kind == WATCH_LISTENER)
                accept_some(l, w);
            else if (w->kind == WATCH_WAKE)
                on_wake(l);
            else
                drive(l, (session *)w);
        }
        expire(l);
    }
    return NULL;
}

/* --- set-up -------------------------------------------------------------- */

static int bind_one(cs_server *srv, const char *host, const char *port, bool dual_stack,
                    cs_error *err)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC,
                             .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *res;
    int gai = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &res);
    if (gai != 0)
        return cs_fail(err, CS_ERROR, "cannot listen on '%s' port '%s': %s", host, port,
                       gai_strerror(gai));
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1, v6only = dual_stack ? 0 : 1;
    int rc = fd < 0 ? -1 : setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (rc == 0 && res->ai_family == AF_INET6)
        rc = setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only);
    if (rc == 0)
        rc = bind(fd, res->ai_addr, res->ai_addrlen);
    if (rc == 0)
        rc = listen(fd, SOMAXCONN);
    int saved = errno;
    freeaddrinfo(res);
    if (rc != 0) {
        if (fd >= 0)
            close(fd);
        return cs_fail(err, CS_ERROR, "cannot listen on '%s' port %s: %s",
                       host[0] != '\0' ? host : "*", port, strerror(saved));
    }
    struct sockaddr_storage sa;
    socklen_t len = sizeof sa;
    unsigned bound = 0;
    if (getsockname(fd, (struct sockaddr *)&sa, &len) == 0)
        bound = ntohs(sa.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&sa)->sin6_port
                                               : ((struct sockaddr_in *)&sa)->sin_port);
    srv->listeners[srv->listener_count] = (watch){WATCH_LISTENER, fd};
    srv->ports[srv->listener_count++] = bound;
    return CS_OK;
}

static int bind_all(cs_server *srv, cs_error *err)
{
    const cs_server_config *cfg = &srv->cfg;
    if (cfg->listen_count == 0) {
        /* Every address: IPv6 with IPv4 mapped in, or IPv4 alone. */
        if (bind_one(srv, "::", cfg->default_port, true, err) == CS_OK)
            return CS_OK;
        return bind_one(srv, "0.0.0.0", cfg->default_port, false, err);
    }
    for (size_t i = 0; i < cfg->listen_count; i++) {
        char host[INET6_ADDRSTRLEN + 8], port[16];
        int rc = cs_split_host_port(cfg->listen[i], cfg->default_port, host, sizeof host, port,
                                    sizeof port, err);
        if (rc == CS_OK)
            rc = bind_one(srv, host, port, false, err);
        if (rc != CS_OK)
            return rc;
    }
    return CS_OK;
}

static int load_creds(const cs_server *srv, cs_tls_creds **out, cs_error *err)
{
    cs_tls_server_options o = {.cert_path = srv->cfg.cert_path,
                               .key_path = srv->cfg.key_path,
                               .key_pass = srv->cfg.key_pass,
                               .allow_tls10 = srv->cfg.allow_tls10};
    return cs_tls_creds_load(&o, out, err);
}

static int setup_loop(cs_server *srv, loop *l, cs_error *err)
{
    l->srv = srv;
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    l->wake = (watch){WATCH_WAKE, eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)};
    if (l->epfd < 0 || l->wake.fd < 0)
        return cs_fail(err, CS_ERROR, "cannot set up the event loop: %s", strerror(errno));
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &l->wake};
    int rc = epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->wake.fd, &ev);
    for (size_t i = 0; rc == 0 && i < srv->listener_count; i++) {
        /* Exclusive: one waiting thread wakes per connection. */
        ev = (struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE,
                                  .data.ptr = &srv->listeners[i]};
        rc = epoll_ctl(l->epfd, EPOLL_CTL_ADD, srv->listeners[i].fd, &ev);
    }
    if (rc != 0)
        return cs_fail(err, CS_ERROR, "cannot set up the event loop: %s", strerror(errno));
    return load_creds(srv, &l->creds, err);
}

static unsigned thread_count(unsigned asked)
{
    if (asked > 0)
        return asked > MAX_THREADS ? MAX_THREADS : asked;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    return cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (unsigned)cores;
}

#define SPARE_FDS 64 /* listeners, epoll sets, the database, the log */

/* Room for the connection limit's descriptors, as far as the hard limit
 * allows; where it does not, a lower connection limit, so that accept()
 * never runs out of descriptors (which would leave the listening socket
 * readable, and the loop spinning). */
static unsigned fit_fd_limit(unsigned sessions)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return sessions;
    rlim_t want = (rlim_t)sessions + SPARE_FDS;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        (void)setrlimit(RLIMIT_NOFILE, &rl);
        (void)getrlimit(RLIMIT_NOFILE, &rl);
    }
    if (rl.rlim_cur >= want)
        return sessions;
    return rl.rlim_cur > 2 * SPARE_FDS ? (unsigned)(rl.rlim_cur - SPARE_FDS)
                                       : (unsigned)(rl.rlim_cur / 2);
}

int cs_server_open(const cs_server_config *cfg, cs_server **out, cs_error *err)
{
    if (cfg->listen_count > CS_SERVER_MAX_LISTEN)
        return cs_fail(err, CS_ERROR, "at most %d --listen addresses", CS_SERVER_MAX_LISTEN);
    cs_server *srv = calloc(1, sizeof *srv);
    if (srv == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    srv->cfg = *cfg;
    if (srv->cfg.max_sessions == 0)
        srv->cfg.max_sessions = CS_SERVER_DEFAULT_MAX_SESSIONS;
    if (srv->cfg.drain_timeout_ms == 0)
        srv->cfg.drain_timeout_ms = srv->cfg.session_timeout_ms;
    srv->stop_fd = -1;
    pthread_mutex_init(&srv->lock, NULL);
    srv->cfg.max_sessions = fit_fd_limit(srv->cfg.max_sessions);
    srv->loop_count = thread_count(cfg->threads);
    srv->loops = calloc(srv->loop_count, sizeof *srv->loops);
    for (unsigned i = 0; srv->loops != NULL && i < srv->loop_count; i++)
        srv->loops[i].epfd = srv->loops[i].wake.fd = -1;
    int rc = srv->loops == NULL ? cs_fail(err, CS_ERROR, "out of memory") : CS_OK;
    if (rc == CS_OK)
        rc = bind_all(srv, err);
    for (unsigned i = 0; rc == CS_OK && i < srv->loop_count; i++)
        rc = setup_loop(srv, &srv->loops[i], err);
    if (rc == CS_OK && (srv->stop_fd = eventfd(0, EFD_CLOEXEC)) < 0)
        rc = cs_fail(err, CS_ERROR, "cannot set up the server: %s", strerror(errno));
    if (rc != CS_OK) {
        cs_server_close(srv);
        return rc;
    }
    *out = srv;
    return CS_OK;
}

unsigned cs_server_port(const cs_server *srv, size_t i)
{
    return i < srv->listener_count ? srv->ports[i] : 0;
}

static void wake_loops(cs_server *srv)
{
    uint64_t one = 1;
    for (unsigned i = 0; i < srv->loop_count; i++)
        (void)!write(srv->loops[i].wake.fd, &one, sizeof one);
}

void cs_server_stop(cs_server *srv)
{
    uint64_t one = 1;
    (void)!write(srv->stop_fd, &one, sizeof one);
}

static void begin_stop(cs_server *srv)
{
    atomic_store(&srv->drain_deadline_ms, now_ms() + srv->cfg.drain_timeout_ms);
    atomic_store(&srv->stopping, true);
    notice(srv, "stopping: draining %u sessions within %u ms", atomic_load(&srv->active),
           srv->cfg.drain_timeout_ms);
    wake_loops(srv);
}

int cs_server_reload(cs_server *srv, cs_error *err)
{
    cs_tls_creds *fresh[MAX_THREADS] = {NULL};
    int rc = CS_OK;
    for (unsigned i = 0; rc == CS_OK && i < srv->loop_count; i++)
        rc = load_creds(srv, &fresh[i], err);
    if (rc != CS_OK) {
        for (unsigned i = 0; i < srv->loop_count; i++)
            cs_tls_creds_release(fresh[i]);
        return rc;
    }
    pthread_mutex_lock(&srv->lock);
    for (unsigned i = 0; i < srv->loop_count; i++) {
        cs_tls_creds_release(srv->loops[i].next_creds);
        srv->loops[i].next_creds = fresh[i];
    }
    pthread_mutex_unlock(&srv->lock);
    wake_loops(srv);
    return CS_OK;
}

static void on_signal(cs_server *srv, int signo)
{
    if (signo != SIGHUP) {
        if (!atomic_load(&srv->stopping))
            begin_stop(srv);
        return;
    }
    cs_error err;
    if (cs_server_reload(srv, &err) == CS_OK)
        notice(srv, "reloaded the certificate '%s'", srv->cfg.cert_path);
    else
        notice(srv, "cannot reload the certificate, keeping the old one: %s", err.message);
    const cs_protocol *p = srv->cfg.protocol;
    if (p->reload == NULL)
        return;
    char what[300] = "";
    if (p->reload(p->ctx, what, sizeof what, &err) == CS_OK)
        notice(srv, "reloaded %s", what);
    else
        notice(srv, "cannot reload, keeping the old: %s", err.message);
}

/* Waits for a stop or a signal until every loop thread has drained. */
static void supervise(cs_server *srv, int sigfd)
{
    struct epoll_event ev;
    int epfd = epoll_create1(EPOLL_CLOEXEC);
    ev = (struct epoll_event){.events = EPOLLIN, .data.fd = srv->stop_fd};
    (void)epoll_ctl(epfd, EPOLL_CTL_ADD, srv->stop_fd, &ev);
    if (sigfd >= 0) {
        ev = (struct epoll_event){.events = EPOLLIN, .data.fd = sigfd};
        (void)epoll_ctl(epfd, EPOLL_CTL_ADD, sigfd, &ev);
    }
    while (!atomic_load(&srv->stopping)) {
        if (epoll_wait(epfd, &ev, 1, -1) != 1)
            continue;
        if (ev.data.fd == srv->stop_fd) {
            uint64_t value;
            (void)!read(srv->stop_fd, &value, sizeof value);
            begin_stop(srv);
        } else {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si)
                on_signal(srv, (int)si.ssi_signo);
        }
    }
    close(epfd);
}

int cs_server_run(cs_server *srv, cs_error *err)
{
    int sigfd = -1;
    sigset_t mask, old;
    sigemptyset(&mask);
    if (srv->cfg.handle_signals) {
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        /* Blocked before the threads start, so they inherit it and the
         * signals arrive only through the signalfd. */
        pthread_sigmask(SIG_BLOCK, &mask, &old);
        sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
    }
    int rc = CS_OK;
    for (unsigned i = 0; i < srv->loop_count; i++) {
        if (pthread_create(&srv->loops[i].thread, NULL, run_loop, &srv->loops[i]) != 0) {
            rc = cs_fail(err, CS_ERROR, "cannot start a thread");
            begin_stop(srv);
            break;
        }
        srv->loops[i].started = true;
    }
    if (rc == CS_OK && srv->cfg.ready != NULL)
        srv->cfg.ready(srv->cfg.log_ctx, srv->cfg.protocol->name);
    if (rc == CS_OK)
        supervise(srv, sigfd);
    for (unsigned i = 0; i < srv->loop_count; i++)
        if (srv->loops[i].started)
            pthread_join(srv->loops[i].thread, NULL);
    if (sigfd >= 0)
        close(sigfd);
    return rc;
}

void cs_server_close(cs_server *srv)
{
    if (srv == NULL)
        return;
    for (unsigned i = 0; srv->loops != NULL && i < srv->loop_count; i++) {
        loop *l = &srv->loops[i];
        while (l->head != NULL) /* only when run never drained them */
            finish(l, l->head, "stopped");
        cs_tls_creds_release(l->creds);
        cs_tls_creds_release(l->next_creds);
        if (l->epfd >= 0)
            close(l->epfd);
        if (l->wake.fd >= 0)
            close(l->wake.fd);
    }
    free(srv->loops);
    for (size_t i = 0; i < srv->listener_count; i++)
        close(srv->listeners[i].fd);
    if (srv->stop_fd >= 0)
        close(srv->stop_fd);
    pthread_mutex_destroy(&srv->lock);
    free(srv);
}
