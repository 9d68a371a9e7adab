/* SPDX-License-Identifier: MIT */
/* Runs one job per input file on a pool of threads: used by batch signing
 * (`sgn build FILE...`) and fleet encryption (`enc build FILE...`).
 *
 * Each file gets one line, in input order as results arrive: a success
 * prints the job's line ("Built X") on stdout, a failure "PROG: 'FILE':
 * message" on stderr (only there, so that one file behaves like any other
 * command); one failure does not stop the others. On a terminal a progress
 * line on stderr shows done/total, rate and time left; none when stderr is
 * not a terminal.
 *
 * `jobs` jobs use the CPU at once. A job may then wait on the disk (fsync)
 * for longer than it computed, so the pool has more threads than that: a
 * job that says its computing is over (batch_cpu_done) leaves its CPU to
 * the next job while it waits. Better still, a job can leave its output's
 * commit to the pool (batch_commit) and not wait at all: a committer
 * thread makes the outputs durable a group at a time (one syncfs instead of
 * an fsync per file, which for small files costs the kernel a good part of
 * an RSA signature) and reports each job once its output is in place. */
#ifndef CISCOSEC_BATCH_H
#define CISCOSEC_BATCH_H

#include <stddef.h>

#include "ciscosec/error.h"
#include "ciscosec/fileio.h"
#include "cli.h"

/* One job: process files[index]. `worker` is the thread's state from
 * worker_init (e.g. its own copy of a private key: mbedTLS serialises RSA
 * operations on one key). On success, writes the line to print into
 * `line` (e.g. "Built X.sgn"); on failure returns CS_ERROR or CS_INVALID
 * with err set. */
typedef int (*batch_job_fn)(void *ctx, void *worker, const char *file, char *line, size_t line_size,
                            cs_error *err);

typedef struct batch_spec {
    const char *const *files;
    size_t count;
    unsigned jobs; /* jobs using the CPU at once; 0 = the online CPUs */
    /* Threads per job: 0 for 8, which keeps the CPU busy while jobs wait on
     * the disk (batch_cpu_done); 1 when jobs do not wait (batch_commit),
     * so that no thread switch comes between one file and the next. */
    unsigned threads_per_job;
    void *ctx;
    /* Optional per-thread state. */
    int (*worker_init)(void *ctx, void **worker, cs_error *err);
    void (*worker_release)(void *worker);
    batch_job_fn run;
} batch_spec;

/* CS_OK when every job succeeded, else CS_ERROR (exit status 2). */
int batch_run(const batch_spec *spec, const cli_ctx *cli);

/* Parses a -j/--jobs value: a whole number from 1 to 1024; anything else
 * is a usage error (CS_ERROR). */
int batch_parse_jobs(const char *text, unsigned *jobs, const cli_ctx *cli);

/* Called by a job whose remaining work only waits (the fsync and rename
 * of its outputs): its CPU goes to the next job now. A no-op outside
 * batch_run's jobs, and when called again. */
void batch_cpu_done(void);

/* The last step of a job that writes one output: hands `out` (written, not
 * committed) to the pool's committer and returns at once, and the job then
 * returns CS_OK. The committer makes it durable with the outputs of other
 * jobs (one syncfs per group, where cs_output_commit fsyncs each), renames
 * it into place (replacing an existing file), fsyncs each directory once
 * per group, and only then prints `line` for the job, or its error
 * ("cannot write 'OUT': ...") instead. `out` belongs to the pool
 * afterwards. Outside batch_run's jobs, in a batch of one file, or out of
 * memory, it commits now, as cs_output_commit does, and returns its
 * status. */
int batch_commit(cs_output *out, const char *line, cs_error *err);

#endif
