/* SPDX-License-Identifier: MIT */
/* Shared libraries loaded at run time (dlopen), by the commands that need
 * them and no others: a command that never calls one never pays for loading
 * it at start-up (tests/bench/startup-bench.sh), and a system without it
 * runs every other command.
 *
 * A module describes its library once, with CS_DYNLIB_DEFINE: the soname,
 * its name and Debian package for messages, and the list of functions it
 * calls, each resolved into a member of a table of function pointers that
 * has the very type the library's header declares:
 *
 *   #define EXPAT_FUNCTIONS(X, T) X(T, XML_ParserCreate_MM) X(T, XML_Parse) ...
 *   CS_DYNLIB_DEFINE(libexpat, expat, EXPAT_FUNCTIONS, "expat", "libexpat.so.1",
 *                    "libexpat1", "to read XML");
 *
 * then calls cs_dynlib_load(&libexpat, err) before its first call through
 * the table, expat.XML_Parse(...). */
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

/* Defines, static: `table`, a struct of a pointer to each function that
 * FUNCTIONS lists (FUNCTIONS(X, T) applies X(T, function) to each), and
 * `lib`, the cs_dynlib that fills it. */
#define CS_DYNLIB_DEFINE(lib, table, FUNCTIONS, name, soname, package, purpose)                    \
    static struct lib##_table {                                                                    \
        FUNCTIONS(CS_DYNLIB_POINTER, struct lib##_table)                                           \
    } table;                                                                                       \
    static const cs_dynlib_symbol lib##_symbols[] = {                                              \
        FUNCTIONS(CS_DYNLIB_SYMBOL, struct lib##_table)};                                          \
    static cs_dynlib lib = {(name),        (soname),                                               \
                            (package),     (purpose),                                              \
                            lib##_symbols, sizeof(lib##_symbols) / sizeof(lib##_symbols[0]),       \
                            &(table),      false}

/* Its parts: a member of the table, a pointer to `function` with its
 * declared type; an entry of the symbol list, a function's name and where
 * its pointer goes. */
#define CS_DYNLIB_POINTER(table_type, function) __typeof__(function) *function;
#define CS_DYNLIB_SYMBOL(table_type, function) {#function, offsetof(table_type, function)},

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
