/* SPDX-License-Identifier: MIT */
/* The run-time loader (dynlib.h): a missing library and a missing function
 * are named with the library's soname and Debian package, and nothing is
 * left loaded; a library loads once, every function resolved, including
 * when several threads ask for it first at the same moment. libm stands in
 * for a library loaded on demand: it is part of libc6, always installed. */
#include <math.h>
#include <pthread.h>
#include <string.h>

#include "ciscosec/dynlib.h"
#include "support.h"

#define LIBM "libm.so.6"
#define PACKAGE "libciscosec-test1"
#define PURPOSE "to pass this test"

/* Two functions libm has; and one more that it has not, declared only for
 * its type. */
#define LIBM_FUNCTIONS(X, T) X(T, sqrt) X(T, floor)
void cs_no_such_function(void);
#define PARTIAL_FUNCTIONS(X, T) X(T, sqrt) X(T, cs_no_such_function)

CS_DYNLIB_DEFINE(absent, absent_api, LIBM_FUNCTIONS, "ciscosec-test",
                 "libciscosec-not-installed.so.1", PACKAGE, PURPOSE);
CS_DYNLIB_DEFINE(partial, partial_api, PARTIAL_FUNCTIONS, "ciscosec-test", LIBM, PACKAGE, PURPOSE);
CS_DYNLIB_DEFINE(libm, libm_api, LIBM_FUNCTIONS, "libm", LIBM, "libc6", "to do sums");
CS_DYNLIB_DEFINE(shared_lib, shared_api, LIBM_FUNCTIONS, "libm", LIBM, "libc6", "to do sums");

static void test_missing_library(void **state)
{
    (void)state;
    cs_error err;
    assert_int_equal(cs_dynlib_load(&absent, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "cannot load ciscosec-test from "
                                        "libciscosec-not-installed.so.1 ("));
    assert_non_null(strstr(err.message, "install it (Debian package " PACKAGE ") " PURPOSE));
    assert_false(cs_dynlib_loaded(&absent));
    assert_null(absent_api.sqrt);
}

/* A library that opens but lacks a function: refused, and not loaded. */
static void test_missing_function(void **state)
{
    (void)state;
    cs_error err;
    assert_int_equal(cs_dynlib_load(&partial, &err), CS_ERROR);
    assert_string_equal(err.message, LIBM " has no cs_no_such_function: not the ciscosec-test "
                                          "ciscosec was built for (Debian package " PACKAGE ")");
    assert_false(cs_dynlib_loaded(&partial));
    /* Asked again, it fails again: nothing was cached as loaded. */
    assert_int_equal(cs_dynlib_load(&partial, &err), CS_ERROR);
    assert_false(cs_dynlib_loaded(&partial));
}

static void test_loads(void **state)
{
    (void)state;
    cs_error err;
    assert_false(cs_dynlib_loaded(&libm));
    assert_int_equal(cs_dynlib_load(&libm, &err), CS_OK);
    assert_true(cs_dynlib_loaded(&libm));
    /* Every function, with its own type. */
    assert_true(libm_api.sqrt(16.0) == 4.0);
    assert_true(libm_api.floor(3.5) == 3.0);
    /* A second load keeps the table. */
    double (*first)(double) = libm_api.sqrt;
    assert_int_equal(cs_dynlib_load(&libm, &err), CS_OK);
    assert_ptr_equal(libm_api.sqrt, first);
}

/* Threads that all load the same library first, at once (a barrier lets
 * them go together), as enc's fleet mode parses XML from several threads:
 * each gets CS_OK and a complete table. */
#define THREADS 8

static pthread_barrier_t start_together;

typedef struct worker {
    pthread_t thread;
    int status;
    double result; /* sqrt(16) * floor(3.5) from the loaded table */
} worker;

static void *load_at_once(void *arg)
{
    worker *w = arg;
    cs_error err;
    pthread_barrier_wait(&start_together);
    w->status = cs_dynlib_load(&shared_lib, &err);
    /* Loaded means the whole table is there for this thread too. */
    if (w->status == CS_OK && shared_api.sqrt != NULL && shared_api.floor != NULL)
        w->result = shared_api.sqrt(16.0) * shared_api.floor(3.5);
    return NULL;
}

static void test_concurrent_first_load(void **state)
{
    (void)state;
    worker workers[THREADS] = {0};
    assert_false(cs_dynlib_loaded(&shared_lib));
    assert_int_equal(pthread_barrier_init(&start_together, NULL, THREADS), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&workers[i].thread, NULL, load_at_once, &workers[i]), 0);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(workers[i].thread, NULL), 0);
    pthread_barrier_destroy(&start_together);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(workers[i].status, CS_OK);
        assert_true(workers[i].result == 12.0);
    }
    assert_true(cs_dynlib_loaded(&shared_lib));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_missing_library),
        cmocka_unit_test(test_missing_function),
        cmocka_unit_test(test_loads),
        cmocka_unit_test(test_concurrent_first_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
