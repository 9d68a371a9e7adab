/* SPDX-License-Identifier: MIT */
/* Libraries loaded at run time (dynlib.h). */
#include "ciscosec/dynlib.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

/* dlsym returns a function as a void *: POSIX requires the two to have the
 * same size and representation, and the tables rely on it. */
_Static_assert(sizeof(void (*)(void)) == sizeof(void *),
               "function pointers must be the size of data pointers");

/* One lock for every library: loading is rare, and waiting on it only
 * happens while another thread loads. */
static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;

/* Sets every function pointer of lib->table from handle, or fails on the
 * first missing one. */
static int resolve_all(const cs_dynlib *lib, void *handle, cs_error *err)
{
    for (size_t i = 0; i < lib->symbol_count; i++) {
        const cs_dynlib_symbol *s = &lib->symbols[i];
        void *address = dlsym(handle, s->name);
        if (address == NULL)
            return cs_fail(err, CS_ERROR,
                           "%s has no %s: not the %s ciscosec was built for (Debian package %s)",
                           lib->soname, s->name, lib->name, lib->package);
        memcpy((char *)lib->table + s->offset, &address, sizeof address);
    }
    return CS_OK;
}

static int open_and_resolve(const cs_dynlib *lib, cs_error *err)
{
    void *handle = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL)
        return cs_fail(err, CS_ERROR,
                       "cannot load %s from %s (%s): install it (Debian package %s) %s", lib->name,
                       lib->soname, dlerror(), lib->package, lib->purpose);
    int rc = resolve_all(lib, handle, err);
    if (rc != CS_OK)
        dlclose(handle);
    return rc;
}

int cs_dynlib_load(cs_dynlib *lib, cs_error *err)
{
    /* Acquire: a thread that sees `loaded` also sees the whole table. */
    if (atomic_load_explicit(&lib->loaded, memory_order_acquire))
        return CS_OK;
    pthread_mutex_lock(&load_lock);
    int rc = CS_OK;
    if (!atomic_load_explicit(&lib->loaded, memory_order_relaxed)) {
        rc = open_and_resolve(lib, err);
        if (rc == CS_OK)
            atomic_store_explicit(&lib->loaded, true, memory_order_release);
    }
    pthread_mutex_unlock(&load_lock);
    return rc;
}

bool cs_dynlib_loaded(cs_dynlib *lib)
{
    return atomic_load_explicit(&lib->loaded, memory_order_acquire);
}
