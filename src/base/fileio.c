/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_CLOEXEC, O_NOFOLLOW */
#include "ciscosec/fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int io_fail(cs_error *err, const char *what)
{
    return cs_fail(err, CS_ERROR, "%s: %s", what, strerror(errno));
}

int cs_read_file(const char *path, size_t max_size, cs_buf *out, cs_error *err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return io_fail(err, "cannot open");
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int rc = io_fail(err, "cannot stat");
        close(fd);
        return rc;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return cs_fail(err, CS_ERROR, "not a regular file");
    }
    if ((uint64_t)st.st_size > max_size) {
        close(fd);
        return cs_fail(err, CS_ERROR, "file is too large (%lld bytes, at most %zu)",
                       (long long)st.st_size, max_size);
    }
    size_t want = (size_t)st.st_size;
    int rc = CS_OK;
    if (!cs_buf_reserve(out, want + 1)) {
        rc = cs_fail(err, CS_ERROR, "out of memory");
        want = 0;
    }
    /* Read to the size seen at open; a file that grows meanwhile is cut
     * there, one that shrinks ends early. The bytes are appended to what
     * out already holds, as every cs_buf writer does. */
    size_t end = out->len + want;
    while (rc == CS_OK && out->len < end) {
        ssize_t n = read(fd, out->data + out->len, end - out->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            rc = io_fail(err, "cannot read");
        else if (n == 0)
            break;
        else
            out->len += (size_t)n;
    }
    close(fd);
    return rc;
}

static pthread_once_t umask_once = PTHREAD_ONCE_INIT;
static mode_t saved_umask;

static void read_umask(void)
{
    saved_umask = umask(0);
    umask(saved_umask);
}

/* umask() can only be read by setting it, so read it once. */
static mode_t process_umask(void)
{
    pthread_once(&umask_once, read_umask);
    return saved_umask;
}

/* Set by a signal handler, read by every thread: lock-free atomics, the
 * kind a handler may touch. */
_Static_assert(ATOMIC_INT_LOCK_FREE == 2, "signal handlers need lock-free atomics");
static atomic_int stop_signal;
static atomic_uint temp_files;

void cs_stop_request(int signo)
{
    atomic_store(&stop_signal, signo);
}

int cs_stop_requested(void)
{
    return atomic_load(&stop_signal);
}

unsigned cs_temp_files(void)
{
    return atomic_load(&temp_files);
}

static int interrupted(cs_output *out, cs_error *err)
{
    cs_output_abort(out);
    return cs_fail(err, CS_ERROR, "interrupted");
}

static char *temp_name_for(const char *path)
{
    const char *base = cs_basename(path);
    size_t dir_len = (size_t)(base - path);
    size_t size = strlen(path) + 16;
    char *tmp = malloc(size);
    if (tmp != NULL)
        snprintf(tmp, size, "%.*s.%s.XXXXXX", (int)dir_len, path, base);
    return tmp;
}

int cs_output_open(cs_output *out, const char *path, mode_t mode, cs_error *err)
{
    out->fd = -1;
    out->tmp_exists = false;
    out->path = strdup(path);
    out->tmp = temp_name_for(path);
    if (out->path == NULL || out->tmp == NULL) {
        cs_output_abort(out);
        return cs_fail(err, CS_ERROR, "out of memory");
    }
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        cs_output_abort(out);
        return cs_fail(err, CS_ERROR, "is a directory");
    }
    /* Counted before it exists: a signal handler that finds no temporary
     * file may end the process at once. */
    atomic_fetch_add(&temp_files, 1);
    /* mkostemp creates the file 0600 with O_EXCL; widen it afterwards to
     * the mode asked for (never wider, for keys). */
    out->fd = mkostemp(out->tmp, O_CLOEXEC);
    if (out->fd < 0) {
        int rc = io_fail(err, "cannot create a temporary file");
        atomic_fetch_sub(&temp_files, 1);
        free(out->tmp);
        out->tmp = NULL;
        cs_output_abort(out);
        return rc;
    }
    out->tmp_exists = true;
    if (cs_stop_requested())
        return interrupted(out, err);
    if (fchmod(out->fd, mode & ~process_umask()) != 0) {
        int rc = io_fail(err, "cannot set the file mode");
        cs_output_abort(out);
        return rc;
    }
    return CS_OK;
}

int cs_output_write(cs_output *out, const void *data, size_t len, cs_error *err)
{
    const uint8_t *p = data;
    if (cs_stop_requested())
        return cs_fail(err, CS_ERROR, "interrupted");
    while (len > 0) {
        ssize_t n = write(out->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io_fail(err, "cannot write");
        p += n;
        len -= (size_t)n;
    }
    return CS_OK;
}

void cs_sync_dir_of(const char *path)
{
    const char *base = cs_basename(path);
    char dir[PATH_MAX];
    if (base == path)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(base - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
}

/* The temporary name is gone from disk (renamed or removed). */
static void forget_temp(cs_output *out)
{
    if (out->tmp_exists)
        atomic_fetch_sub(&temp_files, 1);
    out->tmp_exists = false;
    free(out->tmp);
    out->tmp = NULL;
}

/* `sync`: fsync the file before the rename and its directory after. */
static int commit(cs_output *out, bool replace, bool sync, cs_error *err)
{
    int rc = CS_OK;
    /* After this check the file is finished: a signal now waits for it. */
    if (cs_stop_requested())
        return interrupted(out, err);
    if (sync && fsync(out->fd) != 0)
        rc = io_fail(err, "cannot write");
    if (close(out->fd) != 0 && rc == CS_OK)
        rc = io_fail(err, "cannot write");
    out->fd = -1;
    if (rc == CS_OK) {
        /* link() fails when the name exists, which rename() would not. */
        int moved = replace ? rename(out->tmp, out->path) : link(out->tmp, out->path);
        if (moved != 0)
            rc = errno == EEXIST ? cs_fail(err, CS_ERROR, "already exists")
                                 : io_fail(err, "cannot create");
        else if (!replace)
            (void)unlink(out->tmp);
        else
            forget_temp(out);
    }
    if (rc == CS_OK && sync)
        cs_sync_dir_of(out->path);
    cs_output_abort(out);
    return rc;
}

int cs_output_commit(cs_output *out, bool replace, cs_error *err)
{
    return commit(out, replace, true, err);
}

int cs_output_commit_synced(cs_output *out, bool replace, cs_error *err)
{
    return commit(out, replace, false, err);
}

void cs_output_abort(cs_output *out)
{
    if (out->fd >= 0)
        close(out->fd);
    out->fd = -1;
    if (out->tmp != NULL)
        (void)unlink(out->tmp);
    forget_temp(out);
    free(out->path);
    out->path = NULL;
}

int cs_write_file_atomic(const char *path, const void *data, size_t len, mode_t mode, cs_error *err)
{
    cs_output out;
    int rc = cs_output_open(&out, path, mode, err);
    if (rc != CS_OK)
        return rc;
    rc = cs_output_write(&out, data, len, err);
    if (rc == CS_OK)
        return cs_output_commit(&out, true, err);
    cs_output_abort(&out);
    return rc;
}

int cs_build_time(uint32_t *out, cs_error *err)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    if (epoch == NULL || *epoch == '\0') {
        time_t now = time(NULL);
        if (now < 0 || (unsigned long long)now > UINT32_MAX)
            return cs_fail(err, CS_ERROR, "the clock is outside the 32-bit timestamp range");
        *out = (uint32_t)now;
        return CS_OK;
    }
    /* Digits only: strtoull alone would take blanks and signs. */
    bool valid = strspn(epoch, "0123456789") == strlen(epoch);
    unsigned long long v = 0;
    if (valid) {
        errno = 0;
        v = strtoull(epoch, NULL, 10);
        valid = errno == 0 && v <= UINT32_MAX;
    }
    if (!valid)
        return cs_fail(err, CS_ERROR,
                       "SOURCE_DATE_EPOCH must be seconds since 1970 that fit in 32 bits, not '%s'",
                       epoch);
    *out = (uint32_t)v;
    return CS_OK;
}

mode_t cs_file_exposure(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    return st.st_mode & (S_IRGRP | S_IROTH);
}

char *cs_path_append(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    char *s = malloc(n + k + 1);
    if (s != NULL) {
        memcpy(s, path, n);
        memcpy(s + n, suffix, k + 1);
    }
    return s;
}

const char *cs_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash != NULL ? slash + 1 : path;
}

bool cs_path_has_suffix(const char *path, const char *suffix)
{
    size_t n = strlen(path), k = strlen(suffix);
    return n >= k && strcmp(path + n - k, suffix) == 0;
}
