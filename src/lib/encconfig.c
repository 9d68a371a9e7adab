#include "ciscosec/encconfig.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/fileio.h"
#include "ciscosec/xml.h"

/* --- the companion .sgn's body ----------------------------------------- */

/* The top-level elements the phone needs before it can decrypt. */
static bool is_copied_element(const cs_xml_node *node)
{
    static const char *const names[] = {"ipAddressMode", "loadInformation", "capfAuthMode",
                                        "capfList"};
    if (node->kind != CS_XML_ELEMENT)
        return false;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(node->name, names[i]) == 0)
            return true;
    return false;
}

static int cert_md5_hex(const cs_cert *cert, char hex[33], cs_error *err)
{
    uint8_t md5[CS_MAX_DIGEST_SIZE];
    cs_bytes der = cs_cert_der(cert);
    int rc = cs_digest(CS_MD_MD5, der.data, der.len, md5, err);
    if (rc == CS_OK)
        cs_hex(md5, 16, hex);
    return rc;
}

static void write_text_element(const char *name, const char *text, cs_buf *out)
{
    cs_buf_append_cstr(out, "  <");
    cs_buf_append_cstr(out, name);
    cs_buf_append_byte(out, '>');
    cs_xml_write_text(text, out);
    cs_buf_append_cstr(out, "</");
    cs_buf_append_cstr(out, name);
    cs_buf_append_cstr(out, ">\n");
}

/* The companion document: <device> with the fixed elements around copies
 * of the input's, laid out as the reference's (libxml2's indented output:
 * the declaration, two spaces a level, a newline at the end). */
static void write_companion(const cs_xml_node *config_root, const char *cert_hash, cs_buf *out)
{
    cs_buf_append_cstr(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n");
    write_text_element("fullConfig", "false", out);
    for (const cs_xml_node *n = config_root->children; n != NULL; n = n->next) {
        if (!is_copied_element(n))
            continue;
        cs_buf_append_cstr(out, "  ");
        cs_xml_write(n, 1, out);
        cs_buf_append_byte(out, '\n');
    }
    write_text_element("certHash", cert_hash, out);
    write_text_element("encrConfig", "true", out);
    cs_buf_append_cstr(out, "</device>\n");
}

int cs_enc_companion_body(const uint8_t *xml, size_t len, const cs_cert *device, cs_buf *out,
                          cs_error *err)
{
    char cert_hash[33];
    int rc = cert_md5_hex(device, cert_hash, err);
    if (rc != CS_OK)
        return rc;
    cs_xml_doc *config = NULL;
    rc = cs_xml_parse_config(xml, len, &config, err);
    if (rc != CS_OK)
        return rc;
    cs_buf body = CS_BUF_INIT;
    write_companion(cs_xml_root(config), cert_hash, &body);
    cs_xml_free(config);
    if (!body.failed)
        cs_buf_append(out, body.data, body.len);
    cs_buf_release(&body);
    if (body.failed || out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

/* --- encryption -------------------------------------------------------- */

size_t cs_enc_padding_count(size_t len)
{
    return CS_AES_BLOCK_SIZE - len % CS_AES_BLOCK_SIZE;
}

int cs_enc_check_device_cert(const cs_cert *cert, cs_error *err)
{
    cs_key_type type = cs_cert_key_type(cert);
    if (type == CS_KEY_EC)
        return cs_fail(err, CS_ERROR,
                       "the device certificate has an EC key: only an RSA key can receive an "
                       "encrypted configuration");
    if (type != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the device certificate's key is not RSA");
    size_t bits = cs_cert_key_bits(cert);
    if (bits < CS_ENC_MIN_DEVICE_BITS || bits > CS_ENC_MAX_DEVICE_BITS)
        return cs_fail(err, CS_ERROR,
                       "the device certificate's RSA key has %zu bits: %u to %u are supported",
                       bits, CS_ENC_MIN_DEVICE_BITS, CS_ENC_MAX_DEVICE_BITS);
    return CS_OK;
}

static int content_md(uint8_t code, cs_md *md, cs_error *err)
{
    if (!cs_digest_code_to_md(code, md))
        return cs_fail(err, CS_ERROR, "unknown content digest algorithm %u", code);
    return CS_OK;
}

/* AES-128-CBC of plain || '\r' x n into body, with the key and IV given. */
static int encrypt_body(const uint8_t *plain, size_t len, const uint8_t *key, const uint8_t *iv,
                        cs_buf *body, cs_error *err)
{
    size_t n = cs_enc_padding_count(len);
    cs_buf padded = CS_BUF_INIT;
    padded.secret = true;
    cs_buf_append(&padded, plain, len);
    for (size_t i = 0; i < n; i++)
        cs_buf_append_byte(&padded, CS_ENC_PADDING_BYTE);
    int rc = CS_OK;
    if (padded.failed || !cs_buf_reserve(body, padded.len))
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = cs_aes128_cbc_encrypt(key, iv, padded.data, padded.len, body->data, err);
    if (rc == CS_OK)
        body->len = padded.len;
    cs_buf_release(&padded);
    return rc;
}

int cs_enc_seal(const uint8_t *plain, size_t len, const cs_cert *device, uint8_t digest_code,
                cs_enc_sealed *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    cs_buf_init(&out->body);
    cs_md md;
    int rc = content_md(digest_code, &md, err);
    if (rc == CS_OK)
        rc = cs_enc_check_device_cert(device, err);
    if (rc != CS_OK)
        return rc;

    uint8_t key[CS_AES128_KEY_SIZE];
    size_t key_len = 0;
    rc = cs_random(key, sizeof key, err);
    if (rc == CS_OK)
        rc = cs_random(out->iv, sizeof out->iv, err);
    if (rc == CS_OK)
        rc = encrypt_body(plain, len, key, out->iv, &out->body, err);
    if (rc == CS_OK)
        rc = cs_cert_encrypt(device, key, sizeof key, out->encrypted_key, sizeof out->encrypted_key,
                             &key_len, err);
    if (rc == CS_OK)
        rc = cs_digest(md, plain, len, out->digest, err);
    cs_zeroize(key, sizeof key);
    if (rc != CS_OK) {
        cs_enc_sealed_release(out);
        return rc;
    }
    out->fields = (cs_encryption_fields){
        .iv = {out->iv, sizeof out->iv},
        .padding_count = (uint16_t)cs_enc_padding_count(len),
        .key_bits = (uint16_t)(key_len * 8),
        .key_algorithm = CS_ENC_KEY_ALGORITHM_AES128,
        .encrypted_key = {out->encrypted_key, key_len},
        .content_digest_code = digest_code,
        .content_digest = {out->digest, cs_md_size(md)},
    };
    return CS_OK;
}

void cs_enc_sealed_release(cs_enc_sealed *sealed)
{
    cs_buf_release(&sealed->body);
}

int cs_enc_check_fields(const cs_encryption_fields *f, size_t body_len, cs_error *err)
{
    if (f->key_algorithm != CS_ENC_KEY_ALGORITHM_AES128)
        return cs_fail(err, CS_ERROR, "unknown key algorithm %u (only 1, AES-128, exists)",
                       f->key_algorithm);
    if (f->iv.len != CS_AES_BLOCK_SIZE)
        return cs_fail(err, CS_ERROR, "the IV has %zu bytes, not %d", f->iv.len, CS_AES_BLOCK_SIZE);
    if (f->encrypted_key.len == 0 || f->key_bits != 8 * f->encrypted_key.len)
        return cs_fail(err, CS_ERROR, "key size %u bits does not match the %zu-byte encrypted key",
                       f->key_bits, f->encrypted_key.len);
    if (body_len == 0 || body_len % CS_AES_BLOCK_SIZE != 0)
        return cs_fail(err, CS_ERROR,
                       "the encrypted body has %zu bytes, not a whole number of AES blocks",
                       body_len);
    if (f->padding_count < 1 || f->padding_count > CS_AES_BLOCK_SIZE)
        return cs_fail(err, CS_ERROR, "padding count %u: it must be 1 to %d", f->padding_count,
                       CS_AES_BLOCK_SIZE);
    cs_md md;
    int rc = content_md(f->content_digest_code, &md, err);
    if (rc == CS_OK && f->content_digest.len != cs_md_size(md))
        rc = cs_fail(err, CS_ERROR, "the content digest has %zu bytes, not the %zu of %s",
                     f->content_digest.len, cs_md_size(md), cs_md_name(md));
    return rc;
}

static int decrypt_key(const cs_encryption_fields *f, const cs_key *device_key,
                       uint8_t key[CS_AES128_KEY_SIZE], cs_error *err)
{
    uint8_t out[CS_ENC_MAX_DEVICE_BITS / 8];
    size_t len = 0;
    int rc = cs_key_decrypt(device_key, f->encrypted_key.data, f->encrypted_key.len, out,
                            sizeof out, &len, err);
    if (rc != CS_OK)
        cs_error_prefix(err, "cannot decrypt the AES key (is this the private key of the "
                             "certificate the file was encrypted for?)");
    else if (len != CS_AES128_KEY_SIZE)
        rc = cs_fail(err, CS_ERROR, "the decrypted AES key has %zu bytes, not %d", len,
                     CS_AES128_KEY_SIZE);
    else
        memcpy(key, out, CS_AES128_KEY_SIZE);
    cs_zeroize(out, sizeof out);
    return rc;
}

static int check_digest(const cs_encryption_fields *f, cs_md md, const cs_buf *plain, cs_error *err)
{
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    int rc = cs_digest(md, plain->data, plain->len, digest, err);
    if (rc == CS_OK && memcmp(digest, f->content_digest.data, cs_md_size(md)) != 0)
        rc = cs_fail(err, CS_INVALID,
                     "the decrypted content does not match its %s digest: the file was altered",
                     cs_md_name(md));
    return rc;
}

int cs_enc_open(const cs_encryption_fields *fields, const uint8_t *body, size_t body_len,
                const cs_key *device_key, cs_buf *plain, cs_error *err)
{
    plain->secret = true;
    cs_md md;
    int rc = cs_enc_check_fields(fields, body_len, err);
    if (rc == CS_OK)
        rc = content_md(fields->content_digest_code, &md, err);
    if (rc != CS_OK)
        return rc;
    uint8_t key[CS_AES128_KEY_SIZE];
    rc = decrypt_key(fields, device_key, key, err);
    if (rc != CS_OK)
        return rc;

    cs_buf out = CS_BUF_INIT;
    out.secret = true;
    if (!cs_buf_reserve(&out, body_len + 1))
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK)
        rc = cs_aes128_cbc_decrypt(key, fields->iv.data, body, body_len, out.data, err);
    cs_zeroize(key, sizeof key);
    if (rc == CS_OK) {
        out.len = body_len - fields->padding_count;
        cs_zeroize(out.data + out.len, fields->padding_count);
        rc = check_digest(fields, md, &out, err);
    }
    if (rc != CS_OK) {
        cs_buf_release(&out);
        return rc;
    }
    cs_buf_release(plain);
    *plain = out;
    return CS_OK;
}

/* --- signed files ------------------------------------------------------ */

/* header || body into out, signed as the spec says. */
static int sign_file(const cs_header_spec *spec, const cs_key *key, const uint8_t *body,
                     size_t body_len, cs_buf *out, cs_error *err)
{
    cs_header_draft draft;
    int rc = cs_header_draft_build(&draft, spec, err);
    if (rc != CS_OK)
        return rc;
    rc = cs_header_draft_sign_buffer(&draft, key, body, body_len, err);
    if (rc == CS_OK) {
        cs_buf_append(out, draft.bytes.data, draft.bytes.len);
        cs_buf_append(out, body, body_len);
        if (out->failed)
            rc = cs_fail(err, CS_ERROR, "out of memory");
    }
    cs_header_draft_release(&draft);
    return rc;
}

int cs_enc_build(const uint8_t *xml, size_t len, const cs_cert *device,
                 const cs_enc_signing *signing, const char *enc_name, const char *companion_name,
                 cs_buf *encrypted, cs_buf *companion, cs_error *err)
{
    cs_buf notice = CS_BUF_INIT;
    cs_enc_sealed sealed;
    int rc = cs_enc_check_device_cert(device, err);
    /* The XML is checked before any key is used. */
    if (rc == CS_OK)
        rc = cs_enc_companion_body(xml, len, device, &notice, err);
    if (rc != CS_OK) {
        cs_buf_release(&notice);
        return rc;
    }
    rc = cs_enc_seal(xml, len, device, signing->base->digest_code, &sealed, err);
    if (rc == CS_OK) {
        cs_header_spec spec = *signing->base;
        cs_header_set_version(&spec, CS_SIGNED_ENC_SGN);
        spec.filename = enc_name;
        spec.encryption = &sealed.fields;
        rc = sign_file(&spec, signing->key, sealed.body.data, sealed.body.len, encrypted, err);
        if (rc == CS_OK) {
            cs_header_set_version(&spec, CS_SIGNED_SGN);
            spec.filename = companion_name;
            spec.encryption = NULL;
            rc = sign_file(&spec, signing->key, notice.data, notice.len, companion, err);
        }
        cs_enc_sealed_release(&sealed);
    }
    cs_buf_release(&notice);
    return rc;
}

int cs_enc_parse(const uint8_t *data, size_t len, cs_header *hdr, cs_error *err)
{
    int rc = cs_header_parse(data, len, len, hdr, err);
    if (rc == CS_OK && !hdr->has_encryption)
        rc = cs_fail(err, CS_ERROR,
                     "no encryption fields in the header: not an encrypted configuration");
    return rc;
}

/* --- files ------------------------------------------------------------- */

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
