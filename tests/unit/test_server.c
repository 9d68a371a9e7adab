/* SPDX-License-Identifier: MIT */
/* The server engine with a toy protocol (an echo of each frame, header
 * 4 bytes: u16 magic, u16 length): frames cut across records and packed
 * into one, a frame over the limit, the whole-session deadline against a
 * client that trickles bytes, the connection limit, and the drain. Real
 * TLS on 127.0.0.1, a port the kernel picks. */
#include "support.h"

#include <arpa/inet.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "ciscosec/server.h"
#include "ciscosec/tlsserver.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

/* The session deadline; under valgrind a handshake alone takes seconds. */
#define SLOW (RUNNING_ON_VALGRIND ? 20u : 1u)
#define TIMEOUT_MS (800u * SLOW)
#define DRAIN_MS (300u * SLOW)
#define MAX_LOG 32

static struct {
    pthread_mutex_t lock;
    char lines[MAX_LOG][200];
    size_t count;
} logs = {PTHREAD_MUTEX_INITIALIZER, {{0}}, 0};

static void collect(void *ctx, const cs_session_log *e)
{
    (void)ctx;
    pthread_mutex_lock(&logs.lock);
    if (logs.count < MAX_LOG)
        snprintf(logs.lines[logs.count++], sizeof logs.lines[0], "%s", e->result);
    pthread_mutex_unlock(&logs.lock);
}

static bool logged(const char *text)
{
    bool found = false;
    pthread_mutex_lock(&logs.lock);
    for (size_t i = 0; i < logs.count; i++)
        found = found || strstr(logs.lines[i], text) != NULL;
    pthread_mutex_unlock(&logs.lock);
    return found;
}

/* Echo; a frame with length 0 ends the session. */
static cs_session_next echo(void *ctx, void *state, const uint8_t *frame, size_t len, cs_buf *out,
                            cs_session_log *log)
{
    (void)ctx, (void)state;
    cs_buf_append(out, frame, len);
    cs_session_result(log, "echoed");
    return len == 4 ? CS_SESSION_END : CS_SESSION_CONTINUE;
}

static const cs_protocol toy = {
    .name = "toy",
    .frame = {.header_size = 4, .length_offset = 2, .max_body = 100},
    .frame_in = echo,
};

typedef struct running running;
static void start_draining_in(running *r, unsigned max_sessions, unsigned drain_ms);

typedef struct running {
    cs_server *srv;
    pthread_t thread;
    char port[8];
} running;

static void *serve(void *arg);

static void start_draining_in(running *r, unsigned max_sessions, unsigned drain_ms)
{
    cs_server_config cfg = {.protocol = &toy,
                            .listen = {"127.0.0.1:0"},
                            .listen_count = 1,
                            .default_port = "0",
                            .cert_path = test_data_path("services/tvs.pem"),
                            .threads = 2,
                            .session_timeout_ms = TIMEOUT_MS,
                            .max_sessions = max_sessions,
                            .drain_timeout_ms = drain_ms,
                            .log = collect};
    cs_error err;
    if (cs_server_open(&cfg, &r->srv, &err) != CS_OK)
        fail_msg("%s", err.message);
    snprintf(r->port, sizeof r->port, "%u", cs_server_port(r->srv, 0));
    assert_int_equal(pthread_create(&r->thread, NULL, serve, r), 0);
}

static void *serve(void *arg)
{
    running *r = arg;
    cs_error err;
    assert_int_equal(cs_server_run(r->srv, &err), CS_OK);
    return NULL;
}

static void start(running *r, unsigned max_sessions)
{
    start_draining_in(r, max_sessions, 0);
}

static void stop(running *r)
{
    cs_server_stop(r->srv);
    pthread_join(r->thread, NULL);
    cs_server_close(r->srv);
}

static cs_tls_client *connect_tls(const running *r)
{
    cs_tls_client_options o = {.host = "127.0.0.1", .port = r->port, .timeout_ms = 5000};
    cs_tls_client *c;
    cs_error err;
    if (cs_tls_client_connect(&o, &c, &err) != CS_OK)
        fail_msg("%s", err.message);
    return c;
}

static int raw_connect(const running *r)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(r->port))};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* True when the server closed fd within ms. */
static bool closed_within(int fd, int ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    char byte;
    return poll(&p, 1, ms) == 1 && recv(fd, &byte, 1, MSG_DONTWAIT) <= 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void test_framing(void **state)
{
    (void)state;
    running r;
    start(&r, 0);
    cs_tls_client *c = connect_tls(&r);
    cs_error err;
    const uint8_t frame[] = {0xAB, 0xCD, 0x00, 0x03, 'a', 'b', 'c'};
    uint8_t got[sizeof frame * 2];
    /* Header in one record, body in another. */
    assert_int_equal(cs_tls_client_write(c, frame, 4, &err), CS_OK);
    assert_int_equal(cs_tls_client_write(c, frame + 4, 3, &err), CS_OK);
    assert_int_equal(cs_tls_client_read(c, got, sizeof frame, &err), CS_OK);
    assert_memory_equal(got, frame, sizeof frame);
    /* Two frames in one record. */
    uint8_t two[sizeof frame * 2];
    memcpy(two, frame, sizeof frame);
    memcpy(two + sizeof frame, frame, sizeof frame);
    assert_int_equal(cs_tls_client_write(c, two, sizeof two, &err), CS_OK);
    assert_int_equal(cs_tls_client_read(c, got, sizeof two, &err), CS_OK);
    assert_memory_equal(got, two, sizeof two);
    /* An empty frame ends it: echoed, then closed. */
    const uint8_t end[] = {0xAB, 0xCD, 0, 0};
    assert_int_equal(cs_tls_client_write(c, end, sizeof end, &err), CS_OK);
    assert_int_equal(cs_tls_client_read(c, got, sizeof end, &err), CS_OK);
    assert_int_equal(cs_tls_client_read(c, got, 1, &err), CS_INVALID);
    cs_tls_client_close(c);
    stop(&r);
}

static void test_frame_over_limit(void **state)
{
    (void)state;
    running r;
    start(&r, 0);
    cs_tls_client *c = connect_tls(&r);
    cs_error err;
    const uint8_t head[] = {0xAB, 0xCD, 0x00, 101};
    assert_int_equal(cs_tls_client_write(c, head, sizeof head, &err), CS_OK);
    uint8_t got;
    assert_int_equal(cs_tls_client_read(c, &got, 1, &err), CS_INVALID);
    cs_tls_client_close(c);
    stop(&r);
    assert_true(logged("frame longer than the limit"));
}

/* A byte every 100 ms would keep a per-read timeout happy for ever; the
 * deadline is on the whole session. Meanwhile others are served. */
static void test_deadline(void **state)
{
    (void)state;
    running r;
    start(&r, 0);
    int slow = raw_connect(&r);
    uint64_t t0 = now_ms();
    const char hello[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03";
    bool closed = false;
    for (size_t i = 0; now_ms() - t0 < TIMEOUT_MS + 3000 && !closed; i++) {
        if (i < sizeof hello - 1)
            (void)send(slow, &hello[i], 1, MSG_NOSIGNAL);
        closed = closed_within(slow, 100);
        if (i == 2) { /* another client, served at once */
            cs_tls_client *c = connect_tls(&r);
            cs_error err;
            const uint8_t end[] = {0xAB, 0xCD, 0, 0};
            uint8_t got[4];
            assert_int_equal(cs_tls_client_write(c, end, sizeof end, &err), CS_OK);
            assert_int_equal(cs_tls_client_read(c, got, sizeof got, &err), CS_OK);
            cs_tls_client_close(c);
        }
    }
    uint64_t took = now_ms() - t0;
    assert_true(closed);
    assert_true(took >= TIMEOUT_MS - 50 && took < TIMEOUT_MS + 1500 * SLOW);
    close(slow);
    stop(&r);
    assert_true(logged("timed out during the TLS handshake"));
    assert_true(logged("echoed"));
}

static void test_connection_limit(void **state)
{
    (void)state;
    running r;
    start(&r, 2);
    int a = raw_connect(&r), b = raw_connect(&r);
    sleep_ms(100 * SLOW); /* both accepted */
    int c = raw_connect(&r);
    assert_true(closed_within(c, 1000 * (int)SLOW));
    assert_false(closed_within(a, 50));
    close(a), close(b), close(c);
    stop(&r);
    assert_true(logged("refused: connection limit reached"));
}

/* A stop lets the session in flight go on, then ends it at the drain
 * deadline, before its own. */
static void test_drain(void **state)
{
    (void)state;
    running r;
    start_draining_in(&r, 0, DRAIN_MS);
    cs_tls_client *c = connect_tls(&r);
    cs_error err;
    const uint8_t frame[] = {0xAB, 0xCD, 0x00, 0x01, 'x'};
    uint8_t got[sizeof frame];
    cs_server_stop(r.srv);
    sleep_ms(50 * SLOW);
    /* Still served while draining. */
    assert_int_equal(cs_tls_client_write(c, frame, sizeof frame, &err), CS_OK);
    assert_int_equal(cs_tls_client_read(c, got, sizeof got, &err), CS_OK);
    uint64_t t0 = now_ms();
    pthread_join(r.thread, NULL);
    assert_true(now_ms() - t0 < DRAIN_MS + 200 * SLOW);
    cs_server_close(r.srv);
    cs_tls_client_close(c);
    assert_true(logged("the server is shutting down"));
}

static void test_tls10_refused_clearly(void **state)
{
    (void)state;
    cs_tls_server_options o = {.cert_path = test_data_path("services/tvs.pem"),
                               .allow_tls10 = true};
    cs_tls_creds *creds = NULL;
    cs_error err;
    if (cs_tls_supports_tls10()) {
        assert_int_equal(cs_tls_creds_load(&o, &creds, &err), CS_OK);
        cs_tls_creds_release(creds);
    } else {
        assert_int_equal(cs_tls_creds_load(&o, &creds, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "TLS 1.0 is not available"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_framing),  cmocka_unit_test(test_frame_over_limit),
        cmocka_unit_test(test_deadline), cmocka_unit_test(test_connection_limit),
        cmocka_unit_test(test_drain),    cmocka_unit_test(test_tls10_refused_clearly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
