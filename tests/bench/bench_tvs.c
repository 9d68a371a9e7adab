/* SPDX-License-Identifier: MIT */
/* bench_tvs: the client half of tests/bench/tvs-bench.sh (not a test).
 *
 *   bench_tvs load HOST PORT CERT CLIENTS SECONDS
 *     CLIENTS threads, each asking about CERT over and over, a new TLS
 *     connection each time as phones do; prints "verified/s p50_ms p99_ms
 *     failures".
 *   bench_tvs idle HOST PORT COUNT
 *     opens COUNT TLS connections, completes their handshakes, and holds
 *     them until stdin closes; prints "open N" once they are all up.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "ciscosec/crypto.h"
#include "ciscosec/tlsserver.h"
#include "ciscosec/tvs.h"

#define MAX_SAMPLES 2000000

typedef struct shared {
    const char *host, *port;
    cs_bytes cert;
    double stop_at;
    pthread_mutex_t lock;
    double *latency_ms;
    size_t samples, failures;
} shared;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One phone's question: connect, ask, read the answer, close. */
static bool ask_once(const shared *sh, const cs_buf *request)
{
    cs_tls_client_options o = {.host = sh->host, .port = sh->port, .timeout_ms = 30000};
    cs_tls_client *c;
    cs_error err;
    if (cs_tls_client_connect(&o, &c, &err) != CS_OK)
        return false;
    uint8_t head[CS_TVS_HEADER_SIZE], body[64];
    bool ok = cs_tls_client_write(c, request->data, request->len, &err) == CS_OK &&
              cs_tls_client_read(c, head, sizeof head, &err) == CS_OK;
    size_t len = ok ? cs_frame_length(&cs_tvs_frame, head, sizeof head) : 0;
    ok = ok && len > sizeof head && len - sizeof head <= sizeof body &&
         cs_tls_client_read(c, body, len - sizeof head, &err) == CS_OK &&
         body[3] == CS_TVS_VALID; /* STATUS, first: valid */
    cs_tls_client_close(c);
    return ok;
}

static void *client(void *arg)
{
    shared *sh = arg;
    cs_buf request = CS_BUF_INIT;
    cs_error err;
    static const char device[] = "CP-8865-SEP001122334455";
    cs_tvs_request req = {.header = {.command = CS_TVS_VERIFY_REQ, .session_id = 1},
                          .device_name = {(const uint8_t *)device, sizeof device - 1},
                          .certificate = sh->cert};
    if (cs_tvs_request_encode(&req, &request, &err) != CS_OK)
        return NULL;
    while (now_s() < sh->stop_at) {
        double t0 = now_s();
        bool ok = ask_once(sh, &request);
        double ms = (now_s() - t0) * 1000.0;
        pthread_mutex_lock(&sh->lock);
        if (ok && sh->samples < MAX_SAMPLES)
            sh->latency_ms[sh->samples++] = ms;
        else if (!ok)
            sh->failures++;
        pthread_mutex_unlock(&sh->lock);
    }
    cs_buf_release(&request);
    return NULL;
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int load(char **argv)
{
    cs_cert *cert;
    cs_error err;
    if (cs_cert_load_file(argv[4], &cert, &err) != CS_OK) {
        fprintf(stderr, "bench_tvs: '%s': %s\n", argv[4], err.message);
        return 2;
    }
    int clients = atoi(argv[5]);
    double seconds = atof(argv[6]);
    shared sh = {.host = argv[2], .port = argv[3], .cert = cs_cert_der(cert)};
    pthread_mutex_init(&sh.lock, NULL);
    sh.latency_ms = malloc(MAX_SAMPLES * sizeof *sh.latency_ms);
    pthread_t *threads = calloc((size_t)clients, sizeof *threads);
    if (sh.latency_ms == NULL || threads == NULL || clients < 1)
        return 2;
    double start = now_s();
    sh.stop_at = start + seconds;
    for (int i = 0; i < clients; i++)
        pthread_create(&threads[i], NULL, client, &sh);
    for (int i = 0; i < clients; i++)
        pthread_join(threads[i], NULL);
    double elapsed = now_s() - start;
    qsort(sh.latency_ms, sh.samples, sizeof *sh.latency_ms, by_value);
    double p50 = sh.samples ? sh.latency_ms[sh.samples / 2] : 0;
    double p99 = sh.samples ? sh.latency_ms[sh.samples * 99 / 100] : 0;
    printf("%.0f %.1f %.1f %zu\n", (double)sh.samples / elapsed, p50, p99, sh.failures);
    free(threads);
    free(sh.latency_ms);
    cs_cert_free(cert);
    return 0;
}

static int idle(char **argv)
{
    int count = atoi(argv[4]);
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0) { /* room for COUNT sockets */
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    cs_tls_client **held = calloc((size_t)count, sizeof *held);
    cs_tls_client_options o = {.host = argv[2], .port = argv[3], .timeout_ms = 120000};
    cs_error err;
    int open = 0;
    for (int i = 0; held != NULL && i < count; i++)
        if (cs_tls_client_connect(&o, &held[i], &err) == CS_OK)
            open++;
    printf("open %d\n", open);
    fflush(stdout);
    while (getchar() != EOF)
        ;
    for (int i = 0; held != NULL && i < count; i++)
        cs_tls_client_close(held[i]);
    free(held);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "load") == 0)
        return load(argv);
    if (argc == 5 && strcmp(argv[1], "idle") == 0)
        return idle(argv);
    fprintf(stderr, "usage: bench_tvs load HOST PORT CERT CLIENTS SECONDS\n"
                    "       bench_tvs idle HOST PORT COUNT\n");
    return 2;
}
