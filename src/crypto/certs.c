/* SPDX-License-Identifier: MIT */
/* Certificates (crypto.h): parsed from DER or PEM, a chain put leaf
 * first, and what the library reads of them: names, keys, signatures. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>

#include <mbedtls/pem.h>

#include "ciscosec/fileio.h"

/* Chains are short; a file with more certificates is a bundle of CAs,
 * whose order is left alone (finding the leaf is quadratic). */
#define MAX_CHAIN_TO_ORDER 16

bool crypto_crt_signed_by(const mbedtls_x509_crt *c, const mbedtls_x509_crt *issuer)
{
    if (c->issuer_raw.len != issuer->subject_raw.len ||
        memcmp(c->issuer_raw.p, issuer->subject_raw.p, c->issuer_raw.len) != 0)
        return false;
    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(c->MBEDTLS_PRIVATE(sig_md));
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    if (info == NULL || mbedtls_md(info, c->tbs.p, c->tbs.len, hash) != 0)
        return false;
    const mbedtls_x509_buf *sig = &c->MBEDTLS_PRIVATE(sig);
    return mbedtls_pk_verify_ext(c->MBEDTLS_PRIVATE(sig_pk), c->MBEDTLS_PRIVATE(sig_opts),
                                 (mbedtls_pk_context *)&issuer->pk, c->MBEDTLS_PRIVATE(sig_md),
                                 hash, mbedtls_md_get_size(info), sig->p, sig->len) == 0;
}

/* The leaf of the certificates in a list: the first that signs none of
 * the others (a certificate may sign itself). */
static const mbedtls_x509_crt *find_leaf(const mbedtls_x509_crt *head)
{
    for (const mbedtls_x509_crt *c = head; c != NULL; c = c->next) {
        bool signs_another = false;
        for (const mbedtls_x509_crt *o = head; o != NULL && !signs_another; o = o->next)
            signs_another = o != c && crypto_crt_signed_by(o, c);
        if (!signs_another)
            return c;
    }
    return head; /* a loop of cross-signed certificates: take the first */
}

/* Puts the leaf first, the others after it in the file's order, so that
 * "the certificate of the file" is the leaf however the chain is ordered. */
static int leaf_first(cs_cert *cert)
{
    if (cs_cert_count(cert) > MAX_CHAIN_TO_ORDER)
        return 0; /* a bundle of CAs, not a chain */
    const mbedtls_x509_crt *leaf = find_leaf(&cert->crt);
    if (leaf == &cert->crt)
        return 0;
    mbedtls_x509_crt sorted;
    mbedtls_x509_crt_init(&sorted);
    int rc = mbedtls_x509_crt_parse_der(&sorted, leaf->raw.p, leaf->raw.len);
    for (const mbedtls_x509_crt *c = &cert->crt; rc == 0 && c != NULL; c = c->next)
        if (c != leaf)
            rc = mbedtls_x509_crt_parse_der(&sorted, c->raw.p, c->raw.len);
    if (rc == 0) {
        mbedtls_x509_crt_free(&cert->crt);
        cert->crt = sorted;
    } else {
        mbedtls_x509_crt_free(&sorted);
    }
    return rc;
}

int cs_cert_parse(const uint8_t *data, size_t len, cs_cert **out, cs_error *err)
{
    crypto_setup();
    bool pem = crypto_is_pem(data, len);
    if (pem && strstr((const char *)data, "-----BEGIN CERTIFICATE-----") == NULL)
        return cs_fail(err, CS_ERROR, "no certificate in the file");
    cs_cert *cert = calloc(1, sizeof *cert);
    if (cert == NULL)
        return cs_fail(err, CS_ERROR, "out of memory");
    mbedtls_x509_crt_init(&cert->crt);
    /* From PEM, a positive count means some blocks failed: the first
     * certificate is what counts, so require that one parsed. */
    int rc = pem ? mbedtls_x509_crt_parse(&cert->crt, data, len)
                 : mbedtls_x509_crt_parse_der(&cert->crt, data, len);
    if (rc < 0 || cert->crt.raw.p == NULL) {
        cs_cert_free(cert);
        return crypto_fail(err, CS_ERROR, rc < 0 ? rc : MBEDTLS_ERR_X509_INVALID_FORMAT,
                           "invalid certificate");
    }
    rc = leaf_first(cert);
    if (rc != 0) {
        cs_cert_free(cert);
        return crypto_fail(err, CS_ERROR, rc, "cannot order the certificate chain");
    }
    *out = cert;
    return CS_OK;
}

int cs_cert_load_file(const char *path, cs_cert **out, cs_error *err)
{
    return cs_cert_file_load(path, NULL, out, NULL, NULL, err);
}

size_t cs_cert_count(const cs_cert *cert)
{
    size_t n = 0;
    for (const mbedtls_x509_crt *c = &cert->crt; c != NULL && c->raw.p != NULL; c = c->next)
        n++;
    return n;
}

static const mbedtls_x509_crt *nth(const cs_cert *cert, size_t i)
{
    const mbedtls_x509_crt *c = &cert->crt;
    while (c != NULL && i-- > 0)
        c = c->next;
    return c;
}

int cs_cert_at(const cs_cert *cert, size_t i, cs_cert **out, cs_error *err)
{
    const mbedtls_x509_crt *c = nth(cert, i);
    if (c == NULL || c->raw.p == NULL)
        return cs_fail(err, CS_ERROR, "no certificate %zu in the file", i + 1);
    return cs_cert_parse(c->raw.p, c->raw.len, out, err);
}

bool cs_cert_signed_by(const cs_cert *cert, const cs_cert *issuer)
{
    return crypto_crt_signed_by(&cert->crt, &issuer->crt);
}

void cs_cert_free(cs_cert *cert)
{
    if (cert == NULL)
        return;
    mbedtls_x509_crt_free(&cert->crt);
    free(cert);
}

cs_bytes cs_cert_der(const cs_cert *cert)
{
    return (cs_bytes){cert->crt.raw.p, cert->crt.raw.len};
}

int cs_cert_pem(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    size_t need = 0;
    const char *begin = "-----BEGIN CERTIFICATE-----\n", *end = "-----END CERTIFICATE-----\n";
    (void)mbedtls_pem_write_buffer(begin, end, cert->crt.raw.p, cert->crt.raw.len, NULL, 0, &need);
    if (!cs_buf_reserve(out, need))
        return cs_fail(err, CS_ERROR, "out of memory");
    size_t written = 0;
    int rc = mbedtls_pem_write_buffer(begin, end, cert->crt.raw.p, cert->crt.raw.len,
                                      out->data + out->len, need, &written);
    if (rc != 0)
        return crypto_fail(err, CS_ERROR, rc, "cannot write the certificate as PEM");
    out->len += written - 1; /* without the NUL mbedTLS counts */
    return CS_OK;
}

cs_bytes cs_cert_serial(const cs_cert *cert)
{
    const mbedtls_x509_buf *s = &cert->crt.serial;
    size_t skip = 0;
    while (skip < s->len && s->p[skip] == 0)
        skip++;
    return (cs_bytes){s->p + skip, s->len - skip};
}

cs_name_iter cs_cert_subject_attrs(const cs_cert *cert)
{
    return (cs_name_iter){&cert->crt.subject};
}

cs_name_iter cs_cert_issuer_attrs(const cs_cert *cert)
{
    return (cs_name_iter){&cert->crt.issuer};
}

bool cs_name_next(cs_name_iter *it, cs_name_attr *attr)
{
    const mbedtls_x509_name *n = it->next;
    while (n != NULL && n->oid.p == NULL) /* an empty name's placeholder */
        n = n->next;
    if (n == NULL) {
        it->next = NULL;
        return false;
    }
    *attr = (cs_name_attr){{n->oid.p, n->oid.len}, n->val.tag, {n->val.p, n->val.len}};
    it->next = n->next;
    return true;
}

cs_key_type cs_cert_key_type(const cs_cert *cert)
{
    return crypto_pk_key_type(&cert->crt.pk);
}

size_t cs_cert_key_bits(const cs_cert *cert)
{
    return mbedtls_pk_get_bitlen(&cert->crt.pk);
}

int cs_cert_public_key(const cs_cert *cert, cs_buf *out, cs_error *err)
{
    unsigned char der[4200]; /* an RSA-16384 public key fits */
    unsigned char *p = der + sizeof der;
    /* mbedtls_pk_write_pubkey writes backwards from p: the RSAPublicKey
     * or the EC point, without the SubjectPublicKeyInfo around it. */
    int n = mbedtls_pk_write_pubkey(&p, der, &cert->crt.pk);
    if (n < 0)
        return crypto_fail(err, CS_ERROR, n, "cannot encode the certificate's public key");
    cs_buf_append(out, p, (size_t)n);
    if (out->failed)
        return cs_fail(err, CS_ERROR, "out of memory");
    return CS_OK;
}

cs_bytes cs_cert_signature(const cs_cert *cert)
{
    const mbedtls_x509_buf *sig = &cert->crt.MBEDTLS_PRIVATE(sig);
    return (cs_bytes){sig->p, sig->len};
}

int cs_cert_verify(const cs_cert *cert, cs_md md, const uint8_t *digest, const uint8_t *sig,
                   size_t sig_len, cs_error *err)
{
    if (cs_cert_key_type(cert) != CS_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the certificate's key is not RSA, so it cannot verify");
    mbedtls_pk_context *pk = (mbedtls_pk_context *)&cert->crt.pk;
    int rc = mbedtls_pk_verify(pk, crypto_md_type(md), digest, cs_md_size(md), sig, sig_len);
    if (rc != 0)
        return cs_fail(err, CS_INVALID, "signature does not match");
    return CS_OK;
}
