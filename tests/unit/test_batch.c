/* SPDX-License-Identifier: MIT */
/* The batch pool (src/batch.c): -j values, one line per file in input
 * order whatever order the jobs finish in, failures on stderr without
 * stopping the others, per-thread state, and outputs committed by the pool
 * (batch_commit) landing whole. */
#include "support.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"

static const cli_ctx cli = {"ciscosec sgn", false};

static void test_parse_jobs(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        unsigned want; /* 0: refused */
    } cases[] = {{"1", 1},
                 {"8", 8},
                 {"1024", 1024},
                 {"0", 0},
                 {"1025", 0},
                 {"-1", 0},
                 {"", 0},
                 {"x", 0},
                 {"3x", 0},

                 {"99999999999999999999", 0}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        unsigned jobs = 77;
        test_capture c;
        test_capture_start(&c, 2);
        int rc = batch_parse_jobs(cases[i].text, &jobs, &cli);
        char *err = test_capture_stop(&c);
        if (cases[i].want != 0) {
            assert_int_equal(rc, CS_OK);
            assert_int_equal(jobs, cases[i].want);
            assert_string_equal(err, "");
        } else {
            if (rc != CS_ERROR)
                fail_msg("-j '%s' accepted", cases[i].text);
            assert_int_equal(jobs, 77);
            assert_non_null(strstr(err, "invalid number of jobs"));
            assert_non_null(strstr(err, "(try 'ciscosec sgn --help')"));
        }
        free(err);
    }
}

/* Jobs named "ok-N" succeed after a pause that makes later files finish
 * first; "bad-N" fail. Each thread's worker counts its jobs. */
typedef struct counts {
    pthread_mutex_t lock;
    int workers, released, jobs;
} counts;

static int worker_init(void *ctx, void **worker, cs_error *err)
{
    (void)err;
    counts *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->workers++;
    pthread_mutex_unlock(&c->lock);
    *worker = calloc(1, sizeof(int));
    return *worker != NULL ? CS_OK : CS_ERROR;
}

static void worker_release(void *worker)
{
    free(worker);
}

static int job(void *ctx, void *worker, const char *file, char *line, size_t line_size,
               cs_error *err)
{
    counts *c = ctx;
    ++*(int *)worker;
    pthread_mutex_lock(&c->lock);
    c->jobs++;
    pthread_mutex_unlock(&c->lock);
    int n = atoi(file + strcspn(file, "0123456789"));
    struct timespec pause = {0, 1000000L * (10 - n % 10)}; /* early files finish last */
    nanosleep(&pause, NULL);
    if (strncmp(file, "bad", 3) == 0)
        return cs_fail(err, n % 2 ? CS_INVALID : CS_ERROR, "job %d failed", n);
    snprintf(line, line_size, "Built %s", file);
    return CS_OK;
}

static void run_batch(unsigned jobs, const char *const *files, size_t n, int want_rc,
                      const char *want_out, const char *want_err)
{
    counts c = {.lock = PTHREAD_MUTEX_INITIALIZER};
    batch_spec spec = {files, n, jobs, 0, &c, worker_init, worker_release, job};
    test_capture out, err;
    test_capture_start(&out, 1);
    test_capture_start(&err, 2);
    int rc = batch_run(&spec, &cli);
    char *err_text = test_capture_stop(&err);
    char *out_text = test_capture_stop(&out);
    assert_int_equal(rc, want_rc);
    assert_string_equal(out_text, want_out);
    assert_string_equal(err_text, want_err);
    assert_int_equal(c.jobs, (int)n);
    assert_true((size_t)c.workers <= n && (n == 0 || c.workers >= 1));
    free(out_text);
    free(err_text);
}

static void test_lines_in_input_order(void **state)
{
    (void)state;
    static const char *const files[] = {"ok-1", "ok-2", "ok-3", "ok-4", "ok-5", "ok-6"};
    static const char want[] =
        "Built ok-1\nBuilt ok-2\nBuilt ok-3\nBuilt ok-4\nBuilt ok-5\nBuilt ok-6\n";
    for (unsigned jobs = 1; jobs <= 4; jobs++)
        run_batch(jobs, files, 6, CS_OK, want, "");
    run_batch(1, files, 1, CS_OK, "Built ok-1\n", "");
    run_batch(0, files, 0, CS_OK, "", ""); /* nothing to do */
}

static void test_failures_do_not_stop_the_rest(void **state)
{
    (void)state;
    static const char *const files[] = {"ok-1", "bad-2", "ok-3", "bad-5", "ok-6"};
    run_batch(3, files, 5, CS_ERROR, "Built ok-1\nBuilt ok-3\nBuilt ok-6\n",
              "ciscosec sgn: 'bad-2': job 2 failed\nciscosec sgn: 'bad-5': job 5 failed\n");
}

static int refuse_worker(void *ctx, void **worker, cs_error *err)
{
    (void)ctx;
    *worker = NULL;
    return cs_fail(err, CS_ERROR, "no worker today");
}

static void test_worker_init_failure_runs_nothing(void **state)
{
    (void)state;
    static const char *const files[] = {"ok-1", "ok-2"};
    counts c = {.lock = PTHREAD_MUTEX_INITIALIZER};
    batch_spec spec = {files, 2, 2, 0, &c, refuse_worker, worker_release, job};
    test_capture err;
    test_capture_start(&err, 2);
    assert_int_equal(batch_run(&spec, &cli), CS_ERROR);
    char *text = test_capture_stop(&err);
    assert_string_equal(text, "ciscosec sgn: no worker today\n");
    assert_int_equal(c.jobs, 0);
    free(text);
}

/* A job that leaves its output to the pool: the file is in place, whole,
 * once batch_run returns, and its line printed then. */
static char workdir[] = "/tmp/test_batch.XXXXXX";

static int commit_job(void *ctx, void *worker, const char *file, char *line, size_t line_size,
                      cs_error *err)
{
    (void)ctx;
    (void)worker;
    char path[256];
    snprintf(path, sizeof path, "%s/%s", workdir, file);
    cs_output out;
    int rc = cs_output_open(&out, path, 0644, err);
    if (rc == CS_OK && (rc = cs_output_write(&out, file, strlen(file), err)) != CS_OK)
        cs_output_abort(&out);
    if (rc != CS_OK)
        return rc;
    /* The line is the job's own (one file: committed at once) and the
     * committer's (printed once the output is in place). */
    snprintf(line, line_size, "Wrote %s", file);
    batch_cpu_done(); /* harmless here */
    return batch_commit(&out, line, err);
}

static void test_commit_by_the_pool(void **state)
{
    (void)state;
    assert_non_null(mkdtemp(workdir));
    static const char *const files[] = {"a.sgn", "b.sgn", "c.sgn", "d.sgn"};
    for (size_t n = 1; n <= 4; n += 3) {
        batch_spec spec = {files, n, 2, 1, NULL, NULL, NULL, commit_job};
        test_capture out;
        test_capture_start(&out, 1);
        assert_int_equal(batch_run(&spec, &cli), CS_OK);
        char *text = test_capture_stop(&out);
        assert_string_equal(text, n == 1 ? "Wrote a.sgn\n"
                                         : "Wrote a.sgn\nWrote b.sgn\nWrote c.sgn\nWrote d.sgn\n");
        free(text);
        for (size_t i = 0; i < n; i++) {
            char path[256];
            snprintf(path, sizeof path, "%s/%s", workdir, files[i]);
            cs_buf data = CS_BUF_INIT;
            test_read_data(path, &data);
            assert_int_equal(data.len, strlen(files[i]));
            assert_memory_equal(data.data, files[i], data.len);
            cs_buf_release(&data);
            unlink(path);
        }
    }
    rmdir(workdir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_jobs),
        cmocka_unit_test(test_lines_in_input_order),
        cmocka_unit_test(test_failures_do_not_stop_the_rest),
        cmocka_unit_test(test_worker_init_failure_runs_nothing),
        cmocka_unit_test(test_commit_by_the_pool),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
