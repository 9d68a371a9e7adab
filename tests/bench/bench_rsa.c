/* SPDX-License-Identifier: MIT */
/* bench_rsa KEY.pem [SECONDS]: RSA signatures per second on one core,
 * through the crypto module's cs_key_sign, as batch signing calls it. The
 * ceiling sgn-bench.sh compares batch signing with (this × cores). Prints
 * the rate and the CPU time of one signature in ms (which, unlike the rate,
 * hardly changes when other programs share the CPU). Not a test: a helper
 * of tests/bench. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ciscosec/crypto.h"

static double seconds_of(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: bench_rsa KEY.pem [SECONDS]\n");
        return 2;
    }
    double seconds = argc == 3 ? atof(argv[2]) : 3.0;
    cs_key *key;
    cs_error err;
    if (cs_key_load_file(argv[1], NULL, &key, &err) != CS_OK) {
        fprintf(stderr, "bench_rsa: '%s': %s\n", argv[1], err.message);
        return 2;
    }
    uint8_t digest[CS_MAX_DIGEST_SIZE] = {0};
    uint8_t sig[CS_MAX_SIGNATURE_SIZE];
    size_t sig_len = cs_key_bits(key) / 8;
    unsigned long count = 0;
    double start = seconds_of(CLOCK_MONOTONIC), cpu_start = seconds_of(CLOCK_PROCESS_CPUTIME_ID);
    double elapsed = 0;
    int rc = CS_OK;
    while (rc == CS_OK && elapsed < seconds) {
        digest[0] = (uint8_t)count; /* a different message each time */
        rc = cs_key_sign(key, CS_MD_SHA1, digest, sig, sig_len, &err);
        count++;
        elapsed = seconds_of(CLOCK_MONOTONIC) - start;
    }
    double cpu = seconds_of(CLOCK_PROCESS_CPUTIME_ID) - cpu_start;
    cs_key_free(key);
    if (rc != CS_OK) {
        fprintf(stderr, "bench_rsa: %s\n", err.message);
        return 2;
    }
    printf("%.1f %.4f\n", (double)count / elapsed, cpu * 1000 / (double)count);
    return 0;
}
