/* SPDX-License-Identifier: MIT */
/* Signed files: .sgn (any file a phone downloads, with a signed header in
 * front) and the firmware images named .sha512 (formats.md §2).
 *
 * A signed file is header || body. The header is built, parsed and hashed
 * by the header module (header.h); this module moves bodies. Bodies are
 * read, hashed and copied in chunks and never held whole, so a firmware
 * image of a gigabyte takes the same few MiB of memory as a short XML
 * file. Outputs go through cs_output: they appear whole or not at all. */
#ifndef CISCOSEC_SIGNEDFILE_H
#define CISCOSEC_SIGNEDFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/fileio.h"
#include "ciscosec/header.h"
#include "ciscosec/signer.h"

/* Bodies move in chunks of this size (smaller for small files). */
#define CS_SGN_CHUNK_SIZE (1024u * 1024)

/* A header spec for a .sgn (header version 1.0) signed by signer, with the
 * given digest (CS_DIGEST_*) and timestamp. The file name is left NULL:
 * cs_sgn_write then stores the output's base name. */
void cs_sgn_spec_init(cs_header_spec *spec, cs_signer *signer, uint8_t digest_code,
                      uint32_t timestamp);

/* The name `remove` writes: path without its last extension, which must be
 * ".sgn" or ".sha512". The result is allocated (free it). */
int cs_sgn_strip_name(const char *path, char **out, cs_error *err);

/* Building a signed file, in three steps so that a caller can do other
 * work while the commit waits on the disk (batch signing); cs_sgn_build
 * does all three. Errors about the output say "cannot write 'OUT'"; the
 * others are about the input.
 *
 * cs_sgn_create opens a temporary file beside out_path (mode 0644).
 * cs_sgn_write writes header || the bytes of in_path into it, signed with
 * key; spec->filename NULL stores cs_basename(out_path). The input is read
 * once: the header goes first with a zero signature, the body is hashed as
 * it is copied, then the signed header is written over the first one. It
 * refuses an input that is not a regular file or is the output itself.
 * cs_sgn_commit makes it out_path (fsync, rename: an existing file is
 * replaced only by a complete one); after a failure, cs_output_abort. */
int cs_sgn_create(cs_output *out, const char *out_path, cs_error *err);
int cs_sgn_write(cs_output *out, const char *in_path, const cs_header_spec *spec, const cs_key *key,
                 cs_error *err);
int cs_sgn_commit(cs_output *out, cs_error *err);

/* Signs in_path into out_path: create, write, commit. */
int cs_sgn_build(const char *in_path, const char *out_path, const cs_header_spec *spec,
                 const cs_key *key, cs_error *err);

/* A signed file opened for reading: its header parsed, its body not yet
 * read. */
typedef struct cs_sgn_file {
    int fd;
    uint64_t size; /* of the whole file, when opened */
    uint8_t *head; /* the header's bytes (header.* points into them) */
    cs_header header;
} cs_sgn_file;

/* Opens path and parses its header; refuses empty files, directories and
 * other non-regular files, and every malformed header (see
 * cs_header_parse). */
int cs_sgn_open(cs_sgn_file *f, const char *path, cs_error *err);
/* Checks the signature over the header and the whole body with cert's
 * key: CS_OK valid, CS_INVALID not (also when cert is not the signer),
 * CS_ERROR when the body cannot be read or cert cannot verify. */
int cs_sgn_verify(cs_sgn_file *f, const cs_cert *cert, cs_error *err);
/* Copies the body to out_path, atomically. */
int cs_sgn_extract(cs_sgn_file *f, const char *out_path, cs_error *err);
/* Closes the file; safe to call twice and after a failed open. */
void cs_sgn_close(cs_sgn_file *f);

#endif
