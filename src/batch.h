/* Runs one job per input file on a pool of threads: used by batch signing
 * (`sgn build FILE...`) and fleet encryption (`enc build FILE...`).
 *
 * Each file gets one line on stdout, in input order as results arrive
 * ("Built X" or the job's message), errors also on stderr; one failure
 * does not stop the others. On a terminal a progress line on stderr shows
 * done/total, rate and time left; none when stderr is not a terminal. */
#ifndef CISCOSEC_BATCH_H
#define CISCOSEC_BATCH_H

#include <stddef.h>

#include "ciscosec/error.h"
#include "cli.h"

/* One job: process files[index]. `worker` is the thread's state from
 * worker_init (e.g. its own copy of a private key: mbedTLS serialises RSA
 * operations on one key). On success, writes the line to print into
 * `line` (e.g. "Built X.sgn"); on failure returns CS_ERROR or CS_INVALID
 * with err set. */
typedef int (*batch_job_fn)(void *ctx, void *worker, const char *file, char *line,
                            size_t line_size, cs_error *err);

typedef struct batch_spec {
    const char *const *files;
    size_t count;
    unsigned jobs; /* threads; 0 = the online CPUs */
    void *ctx;
    /* Optional per-thread state. */
    int (*worker_init)(void *ctx, void **worker, cs_error *err);
    void (*worker_release)(void *worker);
    batch_job_fn run;
} batch_spec;

/* CS_OK when every job succeeded, else CS_ERROR (exit status 2). */
int batch_run(const batch_spec *spec, const cli_ctx *cli);

/* Parses a -j/--jobs value: a whole number from 1 to 1024. */
int batch_parse_jobs(const char *text, unsigned *jobs);

#endif
