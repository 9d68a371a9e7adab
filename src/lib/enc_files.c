/* SPDX-License-Identifier: MIT */
/* Encrypted configurations as files: the .enc.sgn and its companion .sgn
 * written together or not at all, and decrypted back (encconfig.h). */
#include "ciscosec/encconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/fileio.h"

/* A temporary file beside path holding data, not yet synced or renamed. */
static int stage_output(cs_output *out, const char *path, const cs_buf *data, cs_error *err)
{
    int rc = cs_output_open(out, path, 0644, err);
    if (rc == CS_OK && (rc = cs_output_write(out, data->data, data->len, err)) != CS_OK)
        cs_output_abort(out);
    if (rc != CS_OK)
        cs_error_prefix(err, "'%s'", path);
    return rc;
}

static int pending_init(cs_enc_pending *p, const char *path, cs_error *err)
{
    memset(p, 0, sizeof *p);
    p->encrypted.fd = -1;
    p->companion.fd = -1;
    p->input = strdup(path);
    p->encrypted_path = cs_path_append(path, CS_SUFFIX_ENC_SGN);
    p->companion_path = cs_path_append(path, CS_SUFFIX_SGN);
    if (p->input == NULL || p->encrypted_path == NULL || p->companion_path == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

int cs_enc_build_begin(const char *path, const cs_cert *device, const cs_enc_signing *signing,
                       cs_enc_pending *p, cs_error *err)
{
    cs_buf xml = CS_BUF_INIT, encrypted = CS_BUF_INIT, companion = CS_BUF_INIT;
    xml.secret = true;
    int rc = pending_init(p, path, err);
    if (rc == CS_OK)
        rc = cs_read_file(path, CS_ENC_MAX_CONFIG_SIZE, &xml, err);
    if (rc == CS_OK)
        rc = cs_enc_build(xml.data, xml.len, device, signing, cs_basename(p->encrypted_path),
                          cs_basename(p->companion_path), &encrypted, &companion, err);
    if (rc == CS_OK)
        rc = stage_output(&p->encrypted, p->encrypted_path, &encrypted, err);
    if (rc == CS_OK)
        rc = stage_output(&p->companion, p->companion_path, &companion, err);
    if (rc != CS_OK)
        cs_enc_build_abort(p);
    cs_buf_release(&xml);
    cs_buf_release(&encrypted);
    cs_buf_release(&companion);
    return rc;
}

int cs_enc_build_commit(cs_enc_pending *p, bool keep, cs_error *err)
{
    const char *at = p->encrypted_path;
    int rc = cs_output_commit(&p->encrypted, true, err);
    if (rc == CS_OK) {
        at = p->companion_path;
        rc = cs_output_commit(&p->companion, true, err);
    }
    if (rc != CS_OK)
        cs_error_prefix(err, "'%s'", at);
    /* Only now, with both outputs safely in place, may the input go. */
    else if (!keep && unlink(p->input) != 0)
        rc = cs_fail(err, CS_ERROR, "built '%s' and '%s', but cannot remove the input: %s",
                     p->encrypted_path, p->companion_path, strerror(errno));
    cs_enc_build_abort(p);
    return rc;
}

void cs_enc_build_abort(cs_enc_pending *p)
{
    cs_output_abort(&p->encrypted);
    cs_output_abort(&p->companion);
    free(p->input);
    free(p->encrypted_path);
    free(p->companion_path);
    p->input = p->encrypted_path = p->companion_path = NULL;
}

int cs_enc_build_file(const char *path, const cs_cert *device, const cs_enc_signing *signing,
                      bool keep, cs_error *err)
{
    cs_enc_pending p;
    int rc = cs_enc_build_begin(path, device, signing, &p, err);
    return rc == CS_OK ? cs_enc_build_commit(&p, keep, err) : rc;
}

static int check_signature(const cs_header *hdr, const cs_buf *file, const cs_cert *tftp,
                           cs_error *err)
{
    int rc = cs_header_verify_buffer(hdr, file->data, file->len, tftp, err);
    if (rc != CS_OK)
        cs_error_prefix(err, "invalid signature");
    return rc;
}

/* Decrypts the file held in `file` to plain, all checks done. */
static int decrypt_buffer(const cs_buf *file, const cs_key *device_key, const cs_cert *tftp,
                          cs_buf *plain, cs_error *err)
{
    cs_header hdr;
    int rc = cs_enc_parse(file->data, file->len, &hdr, err);
    if (rc == CS_OK && tftp != NULL)
        rc = check_signature(&hdr, file, tftp, err);
    if (rc == CS_OK)
        rc = cs_enc_open(&hdr.enc, file->data + hdr.length, file->len - hdr.length, device_key,
                         plain, err);
    return rc;
}

/* The .enc.sgn, then its companion, which may be missing. */
static int remove_encrypted(const char *path, const char *out_path, cs_error *err)
{
    char *sgn_path = cs_path_append(out_path, CS_SUFFIX_SGN);
    int rc = CS_OK;
    if (sgn_path == NULL)
        rc = cs_fail(err, CS_ERROR, "out of memory");
    else if (unlink(path) != 0)
        rc = cs_fail(err, CS_ERROR, "decrypted to '%s', but cannot remove the input: %s", out_path,
                     strerror(errno));
    else if (unlink(sgn_path) != 0 && errno != ENOENT)
        rc = cs_fail(err, CS_ERROR, "decrypted to '%s', but cannot remove '%s': %s", out_path,
                     sgn_path, strerror(errno));
    free(sgn_path);
    return rc;
}

int cs_enc_decrypt_file(const char *path, const cs_key *device_key, const cs_cert *tftp, bool keep,
                        cs_error *err)
{
    if (!cs_path_has_suffix(path, CS_SUFFIX_ENC_SGN) ||
        strlen(cs_basename(path)) == strlen(CS_SUFFIX_ENC_SGN))
        return cs_fail(err, CS_ERROR, "the name must end in %s (NAME%s decrypts to NAME)",
                       CS_SUFFIX_ENC_SGN, CS_SUFFIX_ENC_SGN);
    char *out_path = strndup(path, strlen(path) - strlen(CS_SUFFIX_ENC_SGN));
    if (out_path == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    cs_buf file = CS_BUF_INIT, plain = CS_BUF_INIT;
    plain.secret = true;
    int rc = cs_read_file(path, CS_ENC_MAX_FILE_SIZE, &file, err);
    if (rc == CS_OK)
        rc = decrypt_buffer(&file, device_key, tftp, &plain, err);
    /* Passwords inside: readable by the owner only. */
    if (rc == CS_OK &&
        (rc = cs_write_file_atomic(out_path, plain.data, plain.len, 0600, err)) != CS_OK)
        cs_error_prefix(err, "'%s'", out_path);
    if (rc == CS_OK && !keep)
        rc = remove_encrypted(path, out_path, err);
    cs_buf_release(&file);
    cs_buf_release(&plain);
    free(out_path);
    return rc;
}
