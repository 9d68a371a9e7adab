/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* syncfs */
#include "batch.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Threads per CPU slot: a job that waits on fsync (a few ms on a real
 * disk, longer than an RSA-2048 signature) leaves its slot to another. */
#define THREADS_PER_SLOT 8
#define MAX_JOBS 1024
/* Room for "Built " and a path. */
#define LINE_SIZE (PATH_MAX + 64)
/* Outputs waiting for the committer at most (each holds an open file). */
#define MAX_QUEUED 256
/* The committer starts a group once this many outputs wait, or this long
 * after the first: each group costs a syncfs, disk interrupts and thread
 * wake-ups, which on a VM cost as much as signatures. */
#define GROUP_SIZE 32
#define GROUP_WAIT_NS 20000000L /* 20 ms */
/* The progress line appears once a batch has run this long, and is
 * redrawn at most this often. */
#define PROGRESS_DELAY 0.5
#define PROGRESS_INTERVAL 0.2

typedef struct result {
    bool ready;
    int status;
    char *text; /* the line, or the error message; NULL when out of memory */
} result;

/* An output handed to the committer by batch_commit. */
typedef struct commit_item {
    cs_output out;
    char *path; /* out's name, which the commit frees */
    char *line; /* the job's line, printed once the output is in place */
    size_t index;
    int rc;
    cs_error err;
    struct commit_item *next;
} commit_item;

typedef struct batch_state {
    const batch_spec *spec;
    const cli_ctx *cli;
    sem_t slots; /* CPU slots: spec->jobs of them */

    /* The committer thread (batch_commit) and the outputs waiting for it. */
    bool committer_started;
    pthread_t committer;
    pthread_mutex_t commit_lock; /* guards the five below */
    pthread_cond_t queued, room;
    commit_item *queue;
    size_t queue_length; /* in the queue */
    size_t queued_count; /* in the queue or being committed */
    bool closing;

    pthread_mutex_t lock; /* guards everything below */
    size_t next;          /* the next file to hand out */
    size_t done, printed;
    bool failed;
    result *results;
    /* progress line */
    bool progress;
    bool stdout_tty; /* result lines go to the terminal too: clear first */
    bool drawn;
    double start, last_draw;
} batch_state;

/* The batch whose job this thread runs and holds a CPU slot for, if any:
 * for batch_cpu_done. */
static _Thread_local batch_state *slot_holder;
/* The batch whose job this thread runs, when it has a committer, and the
 * job's file: for batch_commit, which sets `deferred` when the committer
 * will report the job. */
static _Thread_local batch_state *current_batch;
static _Thread_local size_t current_index;
static _Thread_local bool deferred;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void slot_take(batch_state *b)
{
    while (sem_wait(&b->slots) != 0 && errno == EINTR)
        ;
}

static void slot_give(batch_state *b)
{
    sem_post(&b->slots);
}

void batch_cpu_done(void)
{
    if (slot_holder != NULL)
        slot_give(slot_holder);
    slot_holder = NULL;
}

/* --- the committer ----------------------------------------------------- */

static void record(batch_state *b, size_t i, int status, const char *text);

/* Makes the data of each output in the group durable: one syncfs per file
 * system instead of one fsync per file. An output whose file system could
 * not be synced fails. */
static void sync_group(commit_item **group, size_t n)
{
    dev_t devs[16];
    int errors[16];
    size_t ndevs = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        int error = fstat(group[i]->out.fd, &st) != 0 ? errno : 0;
        size_t d = 0;
        while (error == 0 && d < ndevs && devs[d] != st.st_dev)
            d++;
        if (error == 0 && d < ndevs) {
            error = errors[d];
        } else if (error == 0) {
            error = syncfs(group[i]->out.fd) != 0 ? errno : 0;
            if (ndevs < sizeof devs / sizeof devs[0]) {
                devs[ndevs] = st.st_dev;
                errors[ndevs++] = error;
            }
        }
        if (error != 0)
            group[i]->rc = cs_fail(&group[i]->err, CS_ERROR, "cannot sync the file system: %s",
                                   strerror(error));
    }
}

static size_t dir_length(const char *path)
{
    return (size_t)(cs_basename(path) - path);
}

/* Renames each synced output into place, then fsyncs each directory once. */
static void rename_group(commit_item **group, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (group[i]->rc == CS_OK)
            group[i]->rc = cs_output_commit_synced(&group[i]->out, true, &group[i]->err);
        else
            cs_output_abort(&group[i]->out);
    }
    for (size_t i = 0; i < n; i++) {
        bool seen = group[i]->rc != CS_OK;
        for (size_t k = 0; k < i && !seen; k++)
            seen = group[k]->rc == CS_OK &&
                   dir_length(group[k]->path) == dir_length(group[i]->path) &&
                   memcmp(group[k]->path, group[i]->path, dir_length(group[i]->path)) == 0;
        if (!seen)
            cs_sync_dir_of(group[i]->path);
    }
}

/* Commits a list of items, reports each job and frees the items. Returns
 * how many there were. */
static size_t commit_group(batch_state *b, commit_item *list)
{
    size_t n = 0;
    for (commit_item *it = list; it != NULL; it = it->next)
        n++;
    commit_item **group = calloc(n, sizeof *group);
    size_t i = 0;
    for (commit_item *it = list; it != NULL; it = it->next) {
        it->rc = CS_OK;
        if (group != NULL)
            group[i++] = it;
        else /* out of memory: one at a time, the slow way */
            it->rc = cs_output_commit(&it->out, true, &it->err);
    }
    if (group != NULL) {
        sync_group(group, n);
        rename_group(group, n);
    }
    free(group);
    while (list != NULL) {
        commit_item *it = list;
        list = it->next;
        if (it->rc != CS_OK)
            cs_error_prefix(&it->err, "cannot write '%s'", it->path);
        record(b, it->index, it->rc, it->rc == CS_OK ? it->line : it->err.message);
        free(it->path);
        free(it->line);
        free(it);
    }
    return n;
}

/* Waits (commit_lock held) until a group is worth committing: GROUP_SIZE
 * outputs, GROUP_WAIT_NS after the first, or the end of the batch. */
static void wait_for_group(batch_state *b)
{
    while (b->queue == NULL && !b->closing)
        pthread_cond_wait(&b->queued, &b->commit_lock);
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_nsec += GROUP_WAIT_NS;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    while (b->queue_length < GROUP_SIZE && !b->closing &&
           pthread_cond_timedwait(&b->queued, &b->commit_lock, &deadline) == 0)
        ;
}

/* Commits whatever the jobs queued, a group at a time. */
static void *committer_main(void *arg)
{
    batch_state *b = arg;
    pthread_mutex_lock(&b->commit_lock);
    for (;;) {
        wait_for_group(b);
        commit_item *group = b->queue;
        if (group == NULL)
            break;
        b->queue = NULL;
        b->queue_length = 0;
        pthread_mutex_unlock(&b->commit_lock);
        size_t n = commit_group(b, group);
        pthread_mutex_lock(&b->commit_lock);
        b->queued_count -= n;
        pthread_cond_broadcast(&b->room);
    }
    pthread_mutex_unlock(&b->commit_lock);
    return NULL;
}

/* cs_output_commit on this thread, the error naming the output. */
static int commit_now(cs_output *out, cs_error *err)
{
    char *path = strdup(out->path);
    int rc = cs_output_commit(out, true, err);
    if (rc != CS_OK)
        cs_error_prefix(err, "cannot write '%s'", path != NULL ? path : "?");
    free(path);
    return rc;
}

int batch_commit(cs_output *out, const char *line, cs_error *err)
{
    batch_state *b = current_batch;
    commit_item *it = b != NULL ? calloc(1, sizeof *it) : NULL;
    if (it != NULL) {
        it->path = strdup(out->path);
        it->line = strdup(line);
    }
    if (it == NULL || it->path == NULL || it->line == NULL) {
        if (it != NULL) {
            free(it->path);
            free(it->line);
            free(it);
        }
        return commit_now(out, err);
    }
    /* The committer owns the output from here. */
    it->out = *out;
    *out = (cs_output){.fd = -1}; /* moved: nothing left here to abort */
    it->index = current_index;
    pthread_mutex_lock(&b->commit_lock);
    while (b->queued_count >= MAX_QUEUED)
        pthread_cond_wait(&b->room, &b->commit_lock);
    it->next = b->queue;
    b->queue = it;
    b->queued_count++;
    /* Wake the committer for the first output and for a full group only. */
    if (++b->queue_length == 1 || b->queue_length == GROUP_SIZE)
        pthread_cond_signal(&b->queued);
    pthread_mutex_unlock(&b->commit_lock);
    deferred = true;
    return CS_OK;
}

static void committer_start(batch_state *b)
{
    pthread_mutex_init(&b->commit_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC); /* for the group's deadline */
    pthread_cond_init(&b->queued, &attr);
    pthread_condattr_destroy(&attr);
    pthread_cond_init(&b->room, NULL);
    b->committer_started = pthread_create(&b->committer, NULL, committer_main, b) == 0;
}

/* Once every job has run: the committer empties its queue and ends. */
static void committer_stop(batch_state *b)
{
    if (b->committer_started) {
        pthread_mutex_lock(&b->commit_lock);
        b->closing = true;
        pthread_cond_signal(&b->queued);
        pthread_mutex_unlock(&b->commit_lock);
        pthread_join(b->committer, NULL);
    }
    pthread_cond_destroy(&b->room);
    pthread_cond_destroy(&b->queued);
    pthread_mutex_destroy(&b->commit_lock);
}

/* --- the pool ----------------------------------------------------------- */

int batch_parse_jobs(const char *text, unsigned *jobs, const cli_ctx *cli)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < 1 || v > MAX_JOBS)
        return cli_usage_error(cli, "invalid number of jobs '%s': 1 to %d", text, MAX_JOBS);
    *jobs = (unsigned)v;
    return CS_OK;
}

/* --- output, under the lock ------------------------------------------- */

static void progress_clear(batch_state *b)
{
    if (b->drawn)
        fputs("\r\033[K", stderr);
    b->drawn = false;
}

static void progress_draw(batch_state *b, double t)
{
    size_t total = b->spec->count;
    double elapsed = t - b->start;
    if (!b->progress || b->done == total || elapsed < PROGRESS_DELAY ||
        t - b->last_draw < PROGRESS_INTERVAL)
        return;
    double rate = (double)b->done / elapsed;
    fputs("\r\033[K", stderr);
    fprintf(stderr, "%zu/%zu files, %.1f files/s", b->done, total, rate);
    if (b->done > 0) {
        unsigned long left = (unsigned long)((double)(total - b->done) / rate + 0.5);
        fprintf(stderr, ", %lu:%02lu left", left / 60, left % 60);
    }
    fflush(stderr);
    b->drawn = true;
    b->last_draw = t;
}

static void print_result(batch_state *b, size_t i)
{
    result *r = &b->results[i];
    const char *text = r->text != NULL ? r->text : "out of memory";
    if (r->status == CS_OK) {
        if (text[0] != '\0')
            printf("%s\n", text);
    } else {
        cli_fail(b->cli, r->status, "'%s': %s", b->spec->files[i], text);
    }
    free(r->text);
    r->text = NULL;
}

/* Prints every result that is next in input order. */
static void print_ready(batch_state *b)
{
    bool printed = false;
    while (b->printed < b->spec->count && b->results[b->printed].ready) {
        /* A line for the terminal takes the progress line's place. */
        if (b->stdout_tty || b->results[b->printed].status != CS_OK)
            progress_clear(b);
        print_result(b, b->printed++);
        printed = true;
    }
    if (printed && b->progress && b->stdout_tty)
        fflush(stdout); /* before the progress line goes back on the terminal */
}

static void record(batch_state *b, size_t i, int status, const char *text)
{
    char *copy = strdup(text);
    pthread_mutex_lock(&b->lock);
    b->results[i] = (result){.ready = true, .status = status, .text = copy};
    if (status != CS_OK)
        b->failed = true;
    b->done++;
    print_ready(b);
    progress_draw(b, now());
    pthread_mutex_unlock(&b->lock);
}

/* --- workers ------------------------------------------------------------ */

/* No new job once a stop signal has come (see cli_catch_stop_signals). */
static bool take_next(batch_state *b, size_t *i)
{
    if (cs_stop_requested())
        return false;
    pthread_mutex_lock(&b->lock);
    *i = b->next;
    if (b->next < b->spec->count)
        b->next++;
    pthread_mutex_unlock(&b->lock);
    return *i < b->spec->count;
}

static void run_jobs(batch_state *b, void *worker)
{
    const batch_spec *spec = b->spec;
    char line[LINE_SIZE];
    current_batch = b->committer_started ? b : NULL;
    for (;;) {
        slot_take(b);
        slot_holder = b;
        size_t i;
        if (!take_next(b, &i)) {
            batch_cpu_done();
            break;
        }
        cs_error err;
        err.message[0] = '\0';
        line[0] = '\0';
        current_index = i;
        deferred = false;
        int rc = spec->run(spec->ctx, worker, spec->files[i], line, sizeof line, &err);
        batch_cpu_done(); /* unless the job did */
        if (rc != CS_OK && rc != CS_INVALID)
            rc = CS_ERROR;
        /* A job whose output went to the committer is reported by it. */
        if (!deferred)
            record(b, i, rc, rc == CS_OK ? line : err.message);
    }
    current_batch = NULL;
}

typedef struct thread_arg {
    batch_state *state;
    void *worker;
    pthread_t thread;
    bool started;
} thread_arg;

static void *thread_main(void *arg)
{
    thread_arg *t = arg;
    run_jobs(t->state, t->worker);
    return NULL;
}

static unsigned online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (unsigned)n;
}

/* Each thread's state, made before any thread starts so that a failure
 * (out of memory) stops the batch before it has done anything. */
static int init_workers(const batch_spec *spec, thread_arg *threads, size_t n, const cli_ctx *cli)
{
    for (size_t i = 0; i < n; i++) {
        cs_error err;
        if (spec->worker_init != NULL &&
            spec->worker_init(spec->ctx, &threads[i].worker, &err) != CS_OK)
            return cli_fail(cli, CS_ERROR, "%s", err.message);
    }
    return CS_OK;
}

static void release_workers(const batch_spec *spec, thread_arg *threads, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (spec->worker_release != NULL && threads[i].worker != NULL)
            spec->worker_release(threads[i].worker);
}

/* The calling thread is worker 0; the others run on new threads. A
 * thread that cannot be created leaves its share to the rest. */
static void run_threads(batch_state *b, thread_arg *threads, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        threads[i].state = b;
        threads[i].started =
            pthread_create(&threads[i].thread, NULL, thread_main, &threads[i]) == 0;
    }
    run_jobs(b, threads[0].worker);
    for (size_t i = 1; i < n; i++)
        if (threads[i].started)
            pthread_join(threads[i].thread, NULL);
}

int batch_run(const batch_spec *spec, const cli_ctx *cli)
{
    if (spec->count == 0)
        return CS_OK;
    unsigned jobs = spec->jobs != 0 ? spec->jobs : online_cpus();
    if (jobs > spec->count)
        jobs = (unsigned)spec->count;
    size_t n =
        (size_t)jobs * (spec->threads_per_job != 0 ? spec->threads_per_job : THREADS_PER_SLOT);
    if (n > spec->count)
        n = spec->count;

    batch_state b = {.spec = spec, .cli = cli};
    b.results = calloc(spec->count, sizeof *b.results);
    thread_arg *threads = calloc(n, sizeof *threads);
    if (b.results == NULL || threads == NULL) {
        free(b.results);
        free(threads);
        return cli_fail(cli, CS_ERROR, "out of memory");
    }
    int rc = init_workers(spec, threads, n, cli);
    if (rc == CS_OK) {
        sem_init(&b.slots, 0, jobs);
        pthread_mutex_init(&b.lock, NULL);
        /* A single file is committed at once, with no thread to start. */
        if (spec->count > 1)
            committer_start(&b);
        b.progress = spec->count > 1 && isatty(STDERR_FILENO);
        b.stdout_tty = isatty(STDOUT_FILENO);
        b.start = now();
        run_threads(&b, threads, n);
        if (spec->count > 1)
            committer_stop(&b);
        progress_clear(&b);
        pthread_mutex_destroy(&b.lock);
        sem_destroy(&b.slots);
        rc = b.failed ? CS_ERROR : CS_OK;
    }
    release_workers(spec, threads, n);
    free(threads);
    free(b.results);
    return rc;
}
