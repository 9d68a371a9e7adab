#include "batch.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Threads per CPU slot: a job that waits on fsync (a few ms on a real
 * disk, longer than an RSA-2048 signature) leaves its slot to another. */
#define THREADS_PER_SLOT 8
#define MAX_JOBS 1024
/* Room for "Built " and a path. */
#define LINE_SIZE (PATH_MAX + 64)
/* The progress line appears once a batch has run this long, and is
 * redrawn at most this often. */
#define PROGRESS_DELAY 0.5
#define PROGRESS_INTERVAL 0.2

typedef struct result {
    bool ready;
    int status;
    char *text; /* the line, or the error message; NULL when out of memory */
} result;

typedef struct batch_state {
    const batch_spec *spec;
    const cli_ctx *cli;
    sem_t slots; /* CPU slots: spec->jobs of them */

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

int batch_parse_jobs(const char *text, unsigned *jobs)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0' || text[0] == '-' || v < 1 || v > MAX_JOBS)
        return CS_ERROR;
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

static bool take_next(batch_state *b, size_t *i)
{
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
        int rc = spec->run(spec->ctx, worker, spec->files[i], line, sizeof line, &err);
        batch_cpu_done(); /* unless the job did */
        if (rc != CS_OK && rc != CS_INVALID)
            rc = CS_ERROR;
        record(b, i, rc, rc == CS_OK ? line : err.message);
    }
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
    size_t n = (size_t)jobs * THREADS_PER_SLOT;
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
        b.progress = spec->count > 1 && isatty(STDERR_FILENO);
        b.stdout_tty = isatty(STDOUT_FILENO);
        b.start = now();
        run_threads(&b, threads, n);
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
