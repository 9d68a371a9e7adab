/* SPDX-License-Identifier: MIT */
/* Encrypted phone configurations (formats.md §4).
 *
 * SEPxxx.cnf.xml becomes two signed files:
 *   SEPxxx.cnf.xml.enc.sgn  header 2.0 with the encryption fields, body the
 *                           XML padded with '\r' and encrypted with AES-128-CBC
 *                           under a random key, which travels RSA-encrypted
 *                           to the phone's certificate;
 *   SEPxxx.cnf.xml.sgn      header 1.0, body a short XML document that tells
 *                           the phone to fetch the encrypted one.
 *
 * The XML is read through xml.h (no DOCTYPE, no network, no entity
 * expansion, a wiping allocator); the plaintext, the AES key and the
 * parser's copies of them are wiped after use. */
#ifndef CISCOSEC_ENCCONFIG_H
#define CISCOSEC_ENCCONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/buf.h"
#include "ciscosec/cipher.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/fileio.h"
#include "ciscosec/header_sign.h"

/* RSA sizes a device certificate may have to receive an encrypted file. */
#define CS_ENC_MIN_DEVICE_BITS 1024u
#define CS_ENC_MAX_DEVICE_BITS 4096u
/* Phone configurations are tens of KiB; refuse absurd inputs early. */
#define CS_ENC_MAX_CONFIG_SIZE (16u * 1024 * 1024)
/* And an .enc.sgn is that, a header under 64 KiB and a block of padding. */
#define CS_ENC_MAX_FILE_SIZE (CS_ENC_MAX_CONFIG_SIZE + 65536u + CS_AES_BLOCK_SIZE)
/* Header tag 24: the only key algorithm there is. */
#define CS_ENC_KEY_ALGORITHM_AES128 1
/* The padding byte appended before encryption. */
#define CS_ENC_PADDING_BYTE 0x0D

/* How many padding bytes go after len bytes of plaintext: 16 - len % 16,
 * so always 1 to 16 (a whole block when len is already a multiple). */
size_t cs_enc_padding_count(size_t len);

/* CS_OK when the certificate can receive an encrypted configuration: an RSA
 * key of 1024 to 4096 bits. EC keys are refused with a message saying so. */
int cs_enc_check_device_cert(const cs_cert *cert, cs_error *err);

/* Checks that xml is well-formed with the root <device>, and writes the
 * companion's body: the XML declaration, then <device> with fullConfig
 * false, copies of the input's top-level ipAddressMode, loadInformation,
 * capfAuthMode and capfList elements (in document order), certHash (MD5 of
 * the device certificate's DER, lower-case hex) and encrConfig true. */
int cs_enc_companion_body(const uint8_t *xml, size_t len, const cs_cert *device, cs_buf *out,
                          cs_error *err);

/* A plaintext encrypted for a device: the body and the header fields that
 * describe it. `fields` points into the struct itself, so it stays put. */
typedef struct cs_enc_sealed {
    cs_buf body; /* AES-128-CBC of plaintext || '\r' x padding */
    uint8_t iv[CS_AES_BLOCK_SIZE];
    uint8_t encrypted_key[CS_ENC_MAX_DEVICE_BITS / 8];
    uint8_t digest[CS_MAX_DIGEST_SIZE];
    cs_encryption_fields fields;
} cs_enc_sealed;

/* Encrypts plain for the device certificate with a fresh random key and IV;
 * the content digest (of plain, before padding) uses digest_code. */
int cs_enc_seal(const uint8_t *plain, size_t len, const cs_cert *device, uint8_t digest_code,
                cs_enc_sealed *out, cs_error *err);
void cs_enc_sealed_release(cs_enc_sealed *sealed);

/* The one rule for an .enc.sgn's encryption fields (formats.md §4), used by
 * cs_enc_open and by verify: key algorithm 1 (AES-128), a 16-byte IV, a key
 * size of 8 bits per byte of a non-empty encrypted key, a body of one or more
 * whole AES blocks, a padding count of 1 to 16 and a content digest of a
 * known algorithm and its size. CS_ERROR naming the first field that breaks
 * it. */
int cs_enc_check_fields(const cs_encryption_fields *f, size_t body_len, cs_error *err);

/* The reverse: decrypts the AES key with the device's private key, then the
 * body, drops the padding and compares the content digest. plain is made
 * secret and receives the plaintext only when everything checked out.
 * CS_INVALID when the digest does not match (altered ciphertext); CS_ERROR
 * for a malformed file or a key that cannot decrypt it. */
int cs_enc_open(const cs_encryption_fields *fields, const uint8_t *body, size_t body_len,
                const cs_key *device_key, cs_buf *plain, cs_error *err);

/* What signs both files: a header spec with the signer's fields filled in
 * (cs_signer_fill_spec), the digest code (also used for the content digest)
 * and the timestamp; and the signer's private key (or a per-thread copy). */
typedef struct cs_enc_signing {
    const cs_header_spec *base;
    const cs_key *key;
} cs_enc_signing;

/* Builds both files in memory. enc_name and companion_name are the names
 * stored in their headers. */
int cs_enc_build(const uint8_t *xml, size_t len, const cs_cert *device,
                 const cs_enc_signing *signing, const char *enc_name, const char *companion_name,
                 cs_buf *encrypted, cs_buf *companion, cs_error *err);

/* Parses an .enc.sgn file held in memory: its header must carry the
 * encryption fields. */
int cs_enc_parse(const uint8_t *data, size_t len, cs_header *hdr, cs_error *err);

/* Builds PATH.enc.sgn and PATH.sgn from the configuration at path. Both are
 * written whole (temporary file, fsync, rename) before path is removed,
 * which `keep` prevents; on any failure nothing is removed and no new
 * file or temporary file is left. */
int cs_enc_build_file(const char *path, const cs_cert *device, const cs_enc_signing *signing,
                      bool keep, cs_error *err);

/* cs_enc_build_file in two steps, for callers that give the CPU away while
 * the disk syncs (batch_cpu_done): begin builds both files into
 * temporary files beside their names; commit syncs and renames them (the
 * encrypted one first, so that a phone never follows a new companion to a
 * missing or stale .enc.sgn), then removes the input unless keep. Either
 * step cleans up after itself when it fails; abort drops a begun build. */
typedef struct cs_enc_pending {
    char *input;
    char *encrypted_path;
    char *companion_path;
    cs_output encrypted;
    cs_output companion;
} cs_enc_pending;

int cs_enc_build_begin(const char *path, const cs_cert *device, const cs_enc_signing *signing,
                       cs_enc_pending *p, cs_error *err);
int cs_enc_build_commit(cs_enc_pending *p, bool keep, cs_error *err);
void cs_enc_build_abort(cs_enc_pending *p);

/* Decrypts PATH (which must end in .enc.sgn) to PATH without .enc.sgn. When
 * tftp is given, the signature is checked first (CS_INVALID if bad). The
 * content digest is checked before anything is written; the plaintext is
 * written whole (mode 0600: it holds passwords), and only then are the
 * .enc.sgn and its companion .sgn removed (unless keep). */
int cs_enc_decrypt_file(const char *path, const cs_key *device_key, const cs_cert *tftp, bool keep,
                        cs_error *err);

#endif
