/* SPDX-License-Identifier: MIT */
/* Whether a certificate names a host (crypto.h), as mbedTLS's TLS client
 * checks a server's name. */
#include <stdint.h>

#include "internal.h"

bool cs_cert_names_host(const cs_cert *cert, const char *host)
{
    crypto_setup();
    /* mbedTLS checks the name while it verifies: against the certificate
     * itself as the only anchor, only the name flag matters here. */
    mbedtls_x509_crt *crt = (mbedtls_x509_crt *)&cert->crt;
    uint32_t flags = 0;
    (void)mbedtls_x509_crt_verify(crt, crt, NULL, host, &flags, NULL, NULL);
    return flags != UINT32_MAX && (flags & MBEDTLS_X509_BADCERT_CN_MISMATCH) == 0;
}
