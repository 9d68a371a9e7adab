/* SPDX-License-Identifier: MIT */
/* bench_capf HOST PORT COUNT CONCURRENCY [KEYS]: RSA-2048 LSC installs
 * against a running capfd, as phones do them (a new TLS connection each,
 * null password), from CONCURRENCY threads, for devices SEP000000000000
 * to COUNT-1 (hex), which must be scheduled for an RSA-2048 install. The
 * phones' keys (KEYS of them, default 8, used in turn) are made before the
 * clock starts. Prints installs per second and p50/p99 latency. Not a
 * test: a helper of tests/bench/capf-bench.sh. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ciscosec/capfsession.h"
#include "ciscosec/lsc.h"
#include "ciscosec/tlsserver.h"

typedef struct bench {
    const char *host, *port;
    unsigned count, next, failed;
    cs_key **keys;
    unsigned key_count;
    double *latency_ms;
    pthread_mutex_t lock;
} bench;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int keep_nothing(void *ctx, cs_bytes der, const cs_key *key, cs_error *err)
{
    (void)ctx, (void)der, (void)key, (void)err;
    return CS_OK; /* the phone "stores" the certificate */
}

static int install(bench *b, unsigned i, cs_error *err)
{
    char device[16];
    snprintf(device, sizeof device, "SEP%012X", i);
    cs_capf_client_config cfg = {
        .device = device, .store = keep_nothing, .key = b->keys[i % b->key_count]};
    cs_tls_client_options opts = {.host = b->host, .port = b->port, .timeout_ms = 60000};
    cs_capf_client c;
    cs_capf_client_init(&c, &cfg);
    cs_tls_client *tls = NULL;
    int rc = cs_tls_client_connect(&opts, &tls, err);
    if (rc == CS_OK)
        rc = cs_capf_client_run(&c, tls, err);
    if (rc == CS_OK && (!c.stored || c.end_reason != CS_CAPF_REASON_SUCCESS))
        rc = cs_fail(err, CS_INVALID, "%s: not installed (reason %u)", device, c.end_reason);
    cs_tls_client_close(tls);
    cs_capf_client_release(&c);
    return rc;
}

static void *worker(void *arg)
{
    bench *b = arg;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        unsigned i = b->next < b->count ? b->next++ : b->count;
        pthread_mutex_unlock(&b->lock);
        if (i == b->count)
            return NULL;
        cs_error err;
        double start = now();
        int rc = install(b, i, &err);
        b->latency_ms[i] = (now() - start) * 1000;
        if (rc != CS_OK) {
            pthread_mutex_lock(&b->lock);
            if (b->failed++ == 0)
                fprintf(stderr, "bench_capf: %s\n", err.message);
            pthread_mutex_unlock(&b->lock);
        }
    }
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    if (argc < 5 || argc > 6) {
        fprintf(stderr, "usage: bench_capf HOST PORT COUNT CONCURRENCY [KEYS]\n");
        return 2;
    }
    bench b = {.host = argv[1], .port = argv[2], .count = (unsigned)atoi(argv[3])};
    unsigned threads = (unsigned)atoi(argv[4]);
    b.key_count = argc == 6 ? (unsigned)atoi(argv[5]) : 8;
    if (b.count == 0 || threads == 0 || threads > 1024 || b.key_count == 0) {
        fprintf(stderr, "bench_capf: COUNT, CONCURRENCY and KEYS must be positive\n");
        return 2;
    }
    b.keys = calloc(b.key_count, sizeof *b.keys);
    b.latency_ms = calloc(b.count, sizeof *b.latency_ms);
    pthread_t *tids = calloc(threads, sizeof *tids);
    if (b.keys == NULL || b.latency_ms == NULL || tids == NULL)
        return 2;
    cs_lsc_key_spec spec = {CS_KEY_RSA, 2048, CS_CURVE_NONE};
    cs_error err;
    for (unsigned k = 0; k < b.key_count; k++)
        if (cs_lsc_key_generate(&spec, &b.keys[k], &err) != CS_OK) {
            fprintf(stderr, "bench_capf: %s\n", err.message);
            return 2;
        }
    pthread_mutex_init(&b.lock, NULL);
    double start = now();
    for (unsigned t = 0; t < threads; t++)
        pthread_create(&tids[t], NULL, worker, &b);
    for (unsigned t = 0; t < threads; t++)
        pthread_join(tids[t], NULL);
    double elapsed = now() - start;
    qsort(b.latency_ms, b.count, sizeof *b.latency_ms, by_value);
    printf("%u installs, %u concurrent: %.1f installs/s, p50 %.0f ms, p99 %.0f ms, %u failed\n",
           b.count, threads, b.count / elapsed, b.latency_ms[b.count / 2],
           b.latency_ms[(size_t)(b.count * 0.99)], b.failed);
    for (unsigned k = 0; k < b.key_count; k++)
        cs_key_free(b.keys[k]);
    free(b.keys);
    free(b.latency_ms);
    free(tids);
    return b.failed == 0 ? 0 : 1;
}
