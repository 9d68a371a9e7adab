/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE /* O_CLOEXEC, sync_file_range */
#include "ciscosec/signedfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The smallest chunk buffer, for small bodies. */
#define MIN_CHUNK 4096u
/* Output is pushed to the disk every this many bytes (see start_writeback). */
#define WRITEBACK_WINDOW (8u * 1024 * 1024)

static int io_fail(cs_error *err, const char *what)
{
    return cs_fail(err, CS_ERROR, "%s: %s", what, strerror(errno));
}

/* Errors about the output name it; the caller names the input. */
static int output_fail(cs_error *err, const char *path, int rc)
{
    cs_error_prefix(err, "cannot write '%s'", path);
    return rc;
}

void cs_sgn_spec_init(cs_header_spec *spec, cs_signer *signer, uint8_t digest_code,
                      uint32_t timestamp)
{
    memset(spec, 0, sizeof *spec);
    cs_header_set_version(spec, CS_SIGNED_SGN);
    cs_signer_fill_spec(signer, spec);
    spec->digest_code = digest_code;
    spec->has_timestamp = true;
    spec->timestamp = timestamp;
}

int cs_sgn_strip_name(const char *path, char **out, cs_error *err)
{
    static const char *const extensions[] = {CS_SUFFIX_SGN, CS_SUFFIX_SHA512};
    const char *base = cs_basename(path);
    const char *dot = strrchr(base, '.');
    *out = NULL;
    for (size_t i = 0; dot != NULL && i < sizeof extensions / sizeof extensions[0]; i++) {
        /* A name that is only the extension would leave nothing. */
        if (strcmp(dot, extensions[i]) == 0 && dot > base) {
            size_t len = (size_t)(dot - path);
            *out = malloc(len + 1);
            if (*out == NULL)
                return cs_fail(err, CS_ERROR, "out of memory");
            memcpy(*out, path, len);
            (*out)[len] = '\0';
            return CS_OK;
        }
    }
    return cs_fail(err, CS_ERROR, "the name must end in .sgn or .sha512");
}

/* --- input ------------------------------------------------------------- */

/* Opens a regular file for reading. O_NONBLOCK keeps a FIFO given by
 * mistake from hanging the open; fstat then refuses it. *fd_out is -1 on
 * failure, so that it is never read unset (the compiler cannot tell that
 * the error helpers never return CS_OK). */
static int open_input(const char *path, int *fd_out, struct stat *st, cs_error *err)
{
    *fd_out = -1;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return io_fail(err, "cannot open");
    int rc = CS_OK;
    if (fstat(fd, st) != 0)
        rc = io_fail(err, "cannot stat");
    else if (S_ISDIR(st->st_mode))
        rc = cs_fail(err, CS_ERROR, "is a directory");
    else if (!S_ISREG(st->st_mode))
        rc = cs_fail(err, CS_ERROR, "not a regular file");
    if (rc != CS_OK) {
        close(fd);
        return rc;
    }
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    *fd_out = fd;
    return CS_OK;
}

/* Reads up to len bytes: fewer only at the end of the file. */
static int read_full(int fd, uint8_t *buf, size_t len, size_t *got, cs_error *err)
{
    *got = 0;
    while (*got < len) {
        ssize_t n = read(fd, buf + *got, len - *got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io_fail(err, "cannot read");
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return CS_OK;
}

static int pwrite_full(int fd, const uint8_t *data, size_t len, off_t offset, cs_error *err)
{
    while (len > 0) {
        ssize_t n = pwrite(fd, data, len, offset);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return io_fail(err, "cannot write");
        data += n;
        len -= (size_t)n;
        offset += n;
    }
    return CS_OK;
}

/* --- streaming --------------------------------------------------------- */

/* Where a body goes: a digest, an output, or both. */
typedef struct body_sink {
    cs_hash *hash;
    cs_output *out;
    off_t written;  /* bytes in out so far */
    off_t flushing; /* bytes of out handed to the disk so far */
} body_sink;

/* Hands what was written since the last call to the disk without waiting.
 * The final fsync then finds little left to write, and the disk works
 * while the next chunks are hashed instead of after. */
static void start_writeback(body_sink *s)
{
#ifdef SYNC_FILE_RANGE_WRITE
    if (s->written - s->flushing < (off_t)WRITEBACK_WINDOW)
        return;
    (void)sync_file_range(s->out->fd, s->flushing, s->written - s->flushing, SYNC_FILE_RANGE_WRITE);
    s->flushing = s->written;
#else
    (void)s;
#endif
}

static int sink_write(body_sink *s, const uint8_t *data, size_t len, cs_error *err)
{
    if (s->hash != NULL)
        cs_hash_update(s->hash, data, len);
    if (s->out == NULL)
        return CS_OK;
    int rc = cs_output_write(s->out, data, len, err);
    if (rc != CS_OK)
        return output_fail(err, s->out->path, rc);
    s->written += (off_t)len;
    start_writeback(s);
    return CS_OK;
}

/* Streams the rest of fd (about `expected` bytes) into the sink, one
 * chunk at a time. */
static int stream_body(int fd, uint64_t expected, body_sink *s, cs_error *err)
{
    size_t size = CS_SGN_CHUNK_SIZE;
    if (expected < size)
        size = expected < MIN_CHUNK ? MIN_CHUNK : (size_t)expected;
    uint8_t *chunk = malloc(size);
    if (chunk == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    int rc;
    for (;;) {
        size_t got;
        rc = read_full(fd, chunk, size, &got, err);
        if (rc != CS_OK || got == 0)
            break;
        rc = sink_write(s, chunk, got, err);
        if (rc != CS_OK || got < size)
            break;
    }
    free(chunk);
    return rc;
}

/* --- build ------------------------------------------------------------- */

/* Writing the output over its own input would read what it writes. */
static int check_not_output(const struct stat *in, const char *out_path, cs_error *err)
{
    struct stat st;
    if (stat(out_path, &st) == 0 && st.st_dev == in->st_dev && st.st_ino == in->st_ino)
        return cs_fail(err, CS_ERROR, "is also the output '%s'", out_path);
    return CS_OK;
}

/* The header with a zero signature, the body copied and hashed, then the
 * signed header written over the first. */
static int write_signed(cs_output *out, int in, const struct stat *st, const cs_header_spec *spec,
                        const cs_key *key, cs_error *err)
{
    cs_header_spec s = *spec;
    if (s.filename == NULL)
        s.filename = cs_basename(out->path);
    cs_header_draft draft;
    int rc = cs_header_draft_build(&draft, &s, err);
    if (rc != CS_OK)
        return rc;
    body_sink sink = {.out = out};
    rc = cs_header_draft_digest_begin(&draft, &sink.hash, err);
    if (rc == CS_OK && (rc = cs_output_write(out, draft.bytes.data, draft.bytes.len, err)) != CS_OK)
        output_fail(err, out->path, rc);
    sink.written = (off_t)draft.bytes.len;
    if (rc == CS_OK)
        rc = stream_body(in, (uint64_t)st->st_size, &sink, err);
    if (sink.hash != NULL) {
        uint8_t digest[CS_MAX_DIGEST_SIZE];
        cs_hash_finish(sink.hash, digest);
        cs_hash_free(sink.hash);
        if (rc == CS_OK)
            rc = cs_header_draft_sign(&draft, key, digest, err);
    }
    if (rc == CS_OK &&
        (rc = pwrite_full(out->fd, draft.bytes.data, draft.bytes.len, 0, err)) != CS_OK)
        output_fail(err, out->path, rc);
    cs_header_draft_release(&draft);
    return rc;
}

int cs_sgn_create(cs_output *out, const char *out_path, cs_error *err)
{
    int rc = cs_output_open(out, out_path, 0644, err);
    return rc == CS_OK ? CS_OK : output_fail(err, out_path, rc);
}

int cs_sgn_write(cs_output *out, const char *in_path, const cs_header_spec *spec, const cs_key *key,
                 cs_error *err)
{
    int fd;
    struct stat st;
    int rc = open_input(in_path, &fd, &st, err);
    if (rc != CS_OK)
        return rc;
    rc = check_not_output(&st, out->path, err);
    if (rc == CS_OK)
        rc = write_signed(out, fd, &st, spec, key, err);
    close(fd);
    return rc;
}

int cs_sgn_commit(cs_output *out, cs_error *err)
{
    /* The commit frees out->path: keep the name for a message. */
    char *path = strdup(out->path);
    int rc = cs_output_commit(out, true, err);
    if (rc != CS_OK)
        output_fail(err, path != NULL ? path : "?", rc);
    free(path);
    return rc;
}

int cs_sgn_build(const char *in_path, const char *out_path, const cs_header_spec *spec,
                 const cs_key *key, cs_error *err)
{
    cs_output out;
    int rc = cs_sgn_create(&out, out_path, err);
    if (rc != CS_OK)
        return rc;
    rc = cs_sgn_write(&out, in_path, spec, key, err);
    if (rc != CS_OK) {
        cs_output_abort(&out);
        return rc;
    }
    return cs_sgn_commit(&out, err);
}

/* --- parse, verify, extract -------------------------------------------- */

int cs_sgn_open(cs_sgn_file *f, const char *path, cs_error *err)
{
    memset(f, 0, sizeof *f);
    f->fd = -1;
    struct stat st;
    int rc = open_input(path, &f->fd, &st, err);
    if (rc != CS_OK)
        return rc;
    f->size = (uint64_t)st.st_size;
    if (f->size == 0) {
        cs_sgn_close(f);
        return cs_fail(err, CS_ERROR, "empty file");
    }
    /* Exactly the bytes that may hold the header, so that the sanitizers
     * see any read past them. */
    size_t want = f->size < CS_HEADER_MAX_SIZE ? (size_t)f->size : CS_HEADER_MAX_SIZE;
    size_t got = 0;
    f->head = malloc(want);
    if (f->head == NULL)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = read_full(f->fd, f->head, want, &got, err);
    if (rc == CS_OK)
        rc = cs_header_parse(f->head, got, f->size, &f->header, err);
    if (rc != CS_OK)
        cs_sgn_close(f);
    return rc;
}

/* Positions the file at the start of its body. */
static int seek_body(cs_sgn_file *f, cs_error *err)
{
    if (lseek(f->fd, (off_t)f->header.length, SEEK_SET) < 0)
        return io_fail(err, "cannot seek");
    return CS_OK;
}

static uint64_t body_size(const cs_sgn_file *f)
{
    return f->size - f->header.length;
}

int cs_sgn_verify(cs_sgn_file *f, const cs_cert *cert, cs_error *err)
{
    body_sink sink = {0};
    int rc = cs_header_verify_begin(&f->header, f->head, &sink.hash, err);
    if (rc != CS_OK)
        return rc;
    rc = seek_body(f, err);
    if (rc == CS_OK)
        rc = stream_body(f->fd, body_size(f), &sink, err);
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_hash_finish(sink.hash, digest);
    cs_hash_free(sink.hash);
    if (rc != CS_OK)
        return rc;
    return cs_header_verify_finish(&f->header, cert, digest, err);
}

int cs_sgn_extract(cs_sgn_file *f, const char *out_path, cs_error *err)
{
    int rc = seek_body(f, err);
    if (rc != CS_OK)
        return rc;
    cs_output out;
    rc = cs_sgn_create(&out, out_path, err);
    if (rc != CS_OK)
        return rc;
    body_sink sink = {.out = &out};
    rc = stream_body(f->fd, body_size(f), &sink, err);
    if (rc != CS_OK) {
        cs_output_abort(&out);
        return rc;
    }
    return cs_sgn_commit(&out, err);
}

void cs_sgn_close(cs_sgn_file *f)
{
    if (f->fd >= 0)
        close(f->fd);
    f->fd = -1;
    free(f->head);
    f->head = NULL;
}
