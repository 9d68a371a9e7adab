/* SPDX-License-Identifier: MIT */
/* Safe file handling: bounded reads, and outputs that appear whole or not
 * at all (temporary file in the same directory, fsync, rename). */
#ifndef CISCOSEC_FILEIO_H
#define CISCOSEC_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ciscosec/buf.h"
#include "ciscosec/error.h"

/* Reads a whole regular file of at most max_size bytes. */
int cs_read_file(const char *path, size_t max_size, cs_buf *out, cs_error *err);

typedef struct cs_output {
    char *path; /* the final name */
    char *tmp;  /* the temporary file beside it */
    int fd;
    bool tmp_exists; /* tmp is on disk (counted by cs_temp_files) */
} cs_output;

/* Creates a temporary file beside path, with the given mode (0600 for
 * keys), O_EXCL and O_NOFOLLOW. */
int cs_output_open(cs_output *out, const char *path, mode_t mode, cs_error *err);
int cs_output_write(cs_output *out, const void *data, size_t len, cs_error *err);
/* fsync, then rename over path (or, with `replace` false, refuse when path
 * exists), then fsync the directory. On failure the temporary file is
 * removed and path is as it was. */
int cs_output_commit(cs_output *out, bool replace, cs_error *err);
/* cs_output_commit for outputs whose data the caller made durable itself,
 * for many files at once (one syncfs: batch_commit in src/batch.c): no
 * fsync of the file here, and the directory is left to cs_sync_dir_of,
 * which the caller runs once per directory after the renames. */
int cs_output_commit_synced(cs_output *out, bool replace, cs_error *err);
/* fsyncs the directory holding path, so that a rename in it lasts. */
void cs_sync_dir_of(const char *path);
/* Removes the temporary file; safe after a commit and to call twice. */
void cs_output_abort(cs_output *out);

/* Stopping on a signal without leaving temporary files behind. The front
 * end's handler for SIGINT, SIGTERM and SIGHUP calls cs_stop_request; from
 * then on opening, writing and committing outputs fail with "interrupted",
 * and the usual failure paths remove the temporary files. cs_temp_files
 * counts the temporary files on disk: when there are none, the handler may
 * let the signal end the process at once. All three are async-signal-safe. */
void cs_stop_request(int signo);
int cs_stop_requested(void); /* the signal's number, or 0 */
unsigned cs_temp_files(void);

/* Writes a whole buffer to path through cs_output. */
int cs_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode,
                         cs_error *err);

/* The time to stamp into files: SOURCE_DATE_EPOCH when set (the
 * reproducible-builds convention), else now. */
int cs_build_time(uint32_t *out, cs_error *err);

/* The permission bits of a file that group or others may read (0 when
 * only its owner can, or when it cannot be examined). For private keys:
 * a key others can read is a key others may have copied. */
mode_t cs_file_exposure(const char *path);

/* A new string: path with suffix appended ("X" + ".sgn"); NULL when out of
 * memory. The caller frees it. */
char *cs_path_append(const char *path, const char *suffix);

/* The part of path after the last '/'. */
const char *cs_basename(const char *path);

/* Whether path ends with suffix (".sgn"). */
bool cs_path_has_suffix(const char *path, const char *suffix);

#endif
