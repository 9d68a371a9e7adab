/* Shared libraries loaded at run time (dlopen), by the commands that need
 * them and no others: a command that never calls one never pays for loading
 * it at start-up (tests/bench/startup-bench.sh), and a system without it
 * runs every other command.
 *
 * A module describes its library once, as a static cs_dynlib: the soname,
 * its name and Debian package for messages, and the functions it calls,
 * each resolved into a member of a table of function pointers that has the
 * very type the library's header declares:
 *
 *   #define EXPAT_FUNCTIONS(X) X(XML_ParserCreate_MM) X(XML_Parse) ...
 *   static struct expat_api { EXPAT_FUNCTIONS(CS_DYNLIB_POINTER) } api;
 *   #define EXPAT_SYMBOL(f) CS_DYNLIB_SYMBOL(struct expat_api, f)
 *   static const cs_dynlib_symbol symbols[] = {EXPAT_FUNCTIONS(EXPAT_SYMBOL)};
 *   static cs_dynlib expat = CS_DYNLIB("expat", "libexpat.so.1", "libexpat1",
 *                                      "to read XML", symbols, &api);
 *
 * and calls cs_dynlib_load(&expat, err) before its first use of `api`. */
#ifndef CISCOSEC_DYNLIB_H
#define CISCOSEC_DYNLIB_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "ciscosec/error.h"

typedef struct cs_dynlib_symbol {
    const char *name; /* "XML_Parse" */
    size_t offset;    /* of its function pointer in the table */
} cs_dynlib_symbol;

typedef struct cs_dynlib {
    const char *name;    /* for messages: "expat", "libsrtp 2" */
    const char *soname;  /* what dlopen opens: "libexpat.so.1" */
    const char *package; /* the Debian package that installs it: "libexpat1" */
    const char *purpose; /* what it is needed for: "to read XML" */
    const cs_dynlib_symbol *symbols;
    size_t symbol_count;
    void *table;        /* the struct of function pointers the symbols fill */
    atomic_bool loaded; /* set by cs_dynlib_load once the table is complete */
} cs_dynlib;

/* A member of a table: a pointer to `function`, with its declared type. */
#define CS_DYNLIB_POINTER(function) __typeof__(function) *function;

/* An entry of the symbol list: a function and where its pointer goes. */
#define CS_DYNLIB_SYMBOL(table_type, function) {#function, offsetof(table_type, function)},

/* A static cs_dynlib, not loaded yet; symbols is an array. */
#define CS_DYNLIB(name, soname, package, purpose, symbols, table)                                  \
    {                                                                                              \
        (name), (soname), (package), (purpose), (symbols), sizeof(symbols) / sizeof((symbols)[0]), \
            (table), false                                                                         \
    }

/* Opens lib->soname and resolves every symbol into lib->table, the first
 * time; after that, CS_OK at once. Safe from several threads at once: one
 * of them loads, and the others wait for it. CS_ERROR, naming the library,
 * its soname and its Debian package, when the library cannot be opened or
 * lacks a function; nothing stays loaded then, and a later call tries
 * again. Once loaded, the library stays for the life of the process. */
int cs_dynlib_load(cs_dynlib *lib, cs_error *err);

/* Whether lib is loaded (its table usable). */
bool cs_dynlib_loaded(cs_dynlib *lib);

#endif
