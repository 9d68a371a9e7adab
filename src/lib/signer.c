/* SPDX-License-Identifier: MIT */
#include "ciscosec/signer.h"

#include <string.h>

static int check_pair(const cs_cert *cert, const cs_key *key, cs_error *err)
{
    if (cs_cert_key_type(cert) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the certificate's key is not RSA, so it cannot sign");
    if (cs_key_type_of(key) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the private key is not RSA, so it cannot sign");
    if (cs_key_matches_cert(key, cert, err) != CS_OK)
        return CS_ERROR;
    return CS_OK;
}

int cs_signer_adopt(cs_signer *s, cs_cert *cert, cs_key *key, cs_error *err)
{
    memset(s, 0, sizeof *s);
    s->cert = cert;
    s->key = key;
    int rc = check_pair(cert, key, err);
    if (rc == CS_OK)
        rc = cs_cert_subject(cert, &s->subject, err);
    if (rc == CS_OK)
        rc = cs_cert_issuer(cert, &s->issuer, err);
    if (rc != CS_OK)
        cs_signer_release(s);
    return rc;
}

int cs_signer_load(cs_signer *s, const char *cert_path, const char *key_path,
                   const cs_passphrase *pass, const char **failed_path, cs_error *err)
{
    memset(s, 0, sizeof *s);
    if (key_path == NULL)
        key_path = cert_path;
    cs_cert *cert = NULL;
    cs_key *key = NULL;
    *failed_path = cert_path;
    int rc = cs_cert_load_file(cert_path, &cert, err);
    if (rc == CS_OK) {
        *failed_path = key_path;
        rc = cs_key_load_file(key_path, pass, &key, err);
    }
    if (rc != CS_OK) {
        cs_cert_free(cert);
        return rc;
    }
    *failed_path = cert_path;
    return cs_signer_adopt(s, cert, key, err);
}

void cs_signer_release(cs_signer *s)
{
    cs_cert_free(s->cert);
    cs_key_free(s->key);
    cs_buf_release(&s->subject);
    cs_buf_release(&s->issuer);
    memset(s, 0, sizeof *s);
}

void cs_signer_fill_spec(cs_signer *s, cs_header_spec *spec)
{
    spec->signer_name = cs_buf_str(&s->subject);
    spec->issuer_name = cs_buf_str(&s->issuer);
    spec->serial = cs_cert_serial(s->cert);
    spec->signature_len = cs_key_bits(s->key) / 8;
}
