/* SPDX-License-Identifier: MIT */
/* A signer: a certificate with its private key, ready to fill in the
 * signer fields of a header. Used by every file type that is signed. */
#ifndef CISCOSEC_SIGNER_H
#define CISCOSEC_SIGNER_H

#include "ciscosec/buf.h"
#include "ciscosec/crypto.h"
#include "ciscosec/error.h"
#include "ciscosec/header_sign.h"
#include "ciscosec/names.h"

typedef struct cs_signer {
    cs_cert *cert;
    cs_key *key;
    cs_buf subject; /* the certificate's names as headers store them */
    cs_buf issuer;
} cs_signer;

/* Loads the certificate from cert_path and the private key from key_path
 * (the same file when key_path is NULL; pass gives the passphrase of an
 * encrypted key, cs_key_load_file), and checks that the key is RSA and
 * matches. On failure, *failed_path names the file at fault. */
int cs_signer_load(cs_signer *s, const char *cert_path, const char *key_path,
                   const cs_passphrase *pass, const char **failed_path, cs_error *err);
/* Takes a certificate and key already loaded (ownership passes to s). */
int cs_signer_adopt(cs_signer *s, cs_cert *cert, cs_key *key, cs_error *err);
void cs_signer_release(cs_signer *s);

/* Fills the signer name, issuer name, serial and signature size of a
 * header spec. The strings stay owned by the signer. */
void cs_signer_fill_spec(cs_signer *s, cs_header_spec *spec);

#endif
