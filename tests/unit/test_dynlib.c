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

/* The table of a library with two functions. */
static struct libm_api {
    CS_DYNLIB_POINTER(sqrt)
    CS_DYNLIB_POINTER(floor)
} libm_api;
static const cs_dynlib_symbol libm_symbols[] = {CS_DYNLIB_SYMBOL(struct libm_api, sqrt)
                                                    CS_DYNLIB_SYMBOL(struct libm_api, floor)};

static void test_missing_library(void **state)
{
    (void)state;
    struct libm_api table = {0};
    cs_dynlib lib = CS_DYNLIB("ciscosec-test", "libciscosec-not-installed.so.1",
                              "libciscosec-test1", "to pass this test", libm_symbols, &table);
    cs_error err;
    assert_int_equal(cs_dynlib_load(&lib, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "cannot load ciscosec-test from "
                                        "libciscosec-not-installed.so.1 ("));
    assert_non_null(strstr(err.message, "install it (Debian package libciscosec-test1) to pass "
                                        "this test"));
    assert_false(cs_dynlib_loaded(&lib));
    assert_null(table.sqrt);
}

/* A library that opens but lacks a function: refused, and not loaded. */
static struct partial_api {
    CS_DYNLIB_POINTER(sqrt)
    void (*cs_no_such_function)(void);
} partial_api;
static const cs_dynlib_symbol partial_symbols[] = {CS_DYNLIB_SYMBOL(
    struct partial_api, sqrt) CS_DYNLIB_SYMBOL(struct partial_api, cs_no_such_function)};

static void test_missing_function(void **state)
{
    (void)state;
    cs_dynlib lib = CS_DYNLIB("ciscosec-test", LIBM, "libciscosec-test1", "to pass this test",
                              partial_symbols, &partial_api);
    cs_error err;
    assert_int_equal(cs_dynlib_load(&lib, &err), CS_ERROR);
    assert_string_equal(err.message, LIBM " has no cs_no_such_function: not the ciscosec-test "
                                          "ciscosec was built for (Debian package "
                                          "libciscosec-test1)");
    assert_false(cs_dynlib_loaded(&lib));
    /* Asked again, it fails again: nothing was cached as loaded. */
    assert_int_equal(cs_dynlib_load(&lib, &err), CS_ERROR);
    assert_false(cs_dynlib_loaded(&lib));
}

static void test_loads(void **state)
{
    (void)state;
    cs_dynlib lib = CS_DYNLIB("libm", LIBM, "libc6", "to do sums", libm_symbols, &libm_api);
    cs_error err;
    assert_false(cs_dynlib_loaded(&lib));
    assert_int_equal(cs_dynlib_load(&lib, &err), CS_OK);
    assert_true(cs_dynlib_loaded(&lib));
    /* Every function, with its own type. */
    assert_true(libm_api.sqrt(16.0) == 4.0);
    assert_true(libm_api.floor(3.5) == 3.0);
    /* A second load keeps the table. */
    double (*first)(double) = libm_api.sqrt;
    assert_int_equal(cs_dynlib_load(&lib, &err), CS_OK);
    assert_ptr_equal(libm_api.sqrt, first);
}

/* Threads that all load the same library first, at once (a barrier lets
 * them go together), as enc's fleet mode parses XML from several threads:
 * each gets CS_OK and a complete table. */
#define THREADS 8

static struct libm_api shared_api;
static cs_dynlib shared_lib =
    CS_DYNLIB("libm", LIBM, "libc6", "to do sums", libm_symbols, &shared_api);
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
