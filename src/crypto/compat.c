/* SPDX-License-Identifier: MIT */
/* Where mbedTLS versions differ from the reference's output: the fix-ups,
 * each under the version test that needs it. */
#include "internal.h"

#include <mbedtls/asn1.h>

#include <string.h>

#if MBEDTLS_VERSION_MAJOR < 3
/* Moves *p past one element with the given tag. */
static int skip_element(unsigned char **p, const unsigned char *end, int tag)
{
    size_t len;
    int rc = mbedtls_asn1_get_tag(p, end, &len, tag);
    if (rc == 0)
        *p += len;
    return rc;
}

/* mbedTLS 2.28 writes the ECDSA signature algorithm with NULL parameters,
 * which RFC 5758 forbids: the reference and mbedTLS 3.x leave them out,
 * and strict parsers refuse them. Puts the certificate at *der (inside
 * buf) together again without them, signed anew; scratch holds the new
 * TBSCertificate meanwhile. */
int crypto_drop_ecdsa_null_parameters(unsigned char *buf, size_t size, unsigned char **der,
                                      size_t *der_len, unsigned char *scratch, size_t scratch_size,
                                      mbedtls_pk_context *pk, mbedtls_md_type_t md)
{
    unsigned char *p = *der, *end = *der + *der_len;
    size_t len = 0;
    int rc = mbedtls_asn1_get_tag(&p, end, &len, SEQUENCE_TAG); /* Certificate */
    if (rc == 0)
        rc = mbedtls_asn1_get_tag(&p, end, &len, SEQUENCE_TAG); /* TBSCertificate */
    unsigned char *body = p, *tbs_end = p + len;
    if (rc == 0)
        rc = skip_element(&p, tbs_end, MBEDTLS_ASN1_CONTEXT_SPECIFIC | MBEDTLS_ASN1_CONSTRUCTED);
    if (rc == 0)
        rc = skip_element(&p, tbs_end, MBEDTLS_ASN1_INTEGER); /* serial */
    unsigned char *alg = p;
    if (rc == 0)
        rc = mbedtls_asn1_get_tag(&p, tbs_end, &len, SEQUENCE_TAG);
    if (rc != 0)
        return rc;
    unsigned char *alg_end = p + len;
    if (len < 2 || alg_end[-2] != MBEDTLS_ASN1_NULL || alg_end[-1] != 0)
        return 0; /* no parameters: nothing to do */

    /* The AlgorithmIdentifier without its last two bytes (05 00); its
     * length is one byte, since an OID alone is short. */
    unsigned char fixed[32];
    size_t fixed_len = (size_t)(alg_end - alg) - 2;
    if (fixed_len > sizeof fixed || alg[1] >= 0x80)
        return MBEDTLS_ERR_X509_INVALID_ALG;
    memcpy(fixed, alg, fixed_len);
    fixed[1] = (unsigned char)(fixed[1] - 2);

    der_writer tbs;
    der_writer_init(&tbs, scratch, scratch_size);
    der_add(&tbs,
            mbedtls_asn1_write_raw_buffer(&tbs.p, tbs.start, alg_end, (size_t)(tbs_end - alg_end)));
    der_add(&tbs, mbedtls_asn1_write_raw_buffer(&tbs.p, tbs.start, fixed, fixed_len));
    der_add(&tbs, mbedtls_asn1_write_raw_buffer(&tbs.p, tbs.start, body, (size_t)(alg - body)));
    der_wrap(&tbs, 0, SEQUENCE_TAG);
    if (tbs.error != 0)
        return tbs.error;

    const mbedtls_md_info_t *info = mbedtls_md_info_from_type(md);
    unsigned char hash[MBEDTLS_MD_MAX_SIZE];
    unsigned char sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
    size_t sig_len = 0;
    rc = info == NULL ? MBEDTLS_ERR_X509_INVALID_ALG : mbedtls_md(info, tbs.p, tbs.len, hash);
    if (rc == 0)
        rc = mbedtls_pk_sign(pk, md, hash, mbedtls_md_get_size(info), sig, &sig_len, crypto_rng,
                             NULL);
    if (rc != 0)
        return rc;

    der_writer cert;
    der_writer_init(&cert, buf, size);
    der_add(&cert, mbedtls_asn1_write_bitstring(&cert.p, cert.start, sig, sig_len * 8));
    der_add(&cert, mbedtls_asn1_write_raw_buffer(&cert.p, cert.start, fixed, fixed_len));
    der_add(&cert, mbedtls_asn1_write_raw_buffer(&cert.p, cert.start, tbs.p, tbs.len));
    der_wrap(&cert, 0, SEQUENCE_TAG);
    if (cert.error != 0)
        return cert.error;
    *der = cert.p;
    *der_len = cert.len;
    return 0;
}
#endif
