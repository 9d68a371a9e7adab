/* SPDX-License-Identifier: MIT */
/* RSA keys under the smallest size mbedTLS 3.x generates (mkcert makes
 * 512-bit keys, as the reference does), by mbedTLS's own recipe, so that
 * 2.28 and 3.x builds make them with the same code. */
#include "internal.h"

#include <mbedtls/bignum.h>

/* mbedTLS's recipe for an RSA key, for the sizes 3.x refuses: P and Q of
 * half the size (mbedtls_mpi_gen_prime puts each above sqrt(2)*2^(n-1), so
 * N has exactly `bits` bits), e = 65537 coprime with (P-1)(Q-1), and
 * mbedtls_rsa_complete deriving N, D and the CRT values. */
int crypto_rsa_generate_small(mbedtls_rsa_context *rsa, unsigned bits)
{
    mbedtls_mpi n, p, q, e, p1, q1, h, g;
    mbedtls_mpi *all[] = {&n, &p, &q, &e, &p1, &q1, &h, &g};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        mbedtls_mpi_init(all[i]);
    int rc = mbedtls_mpi_lset(&e, RSA_EXPONENT);
    while (rc == 0) {
        rc = mbedtls_mpi_gen_prime(&p, bits / 2, 0, crypto_rng, NULL);
        if (rc == 0)
            rc = mbedtls_mpi_gen_prime(&q, bits / 2, 0, crypto_rng, NULL);
        if (rc == 0)
            rc = mbedtls_mpi_mul_mpi(&n, &p, &q);
        if (rc == 0)
            rc = mbedtls_mpi_sub_int(&p1, &p, 1);
        if (rc == 0)
            rc = mbedtls_mpi_sub_int(&q1, &q, 1);
        if (rc == 0)
            rc = mbedtls_mpi_mul_mpi(&h, &p1, &q1);
        if (rc == 0)
            rc = mbedtls_mpi_gcd(&g, &e, &h);
        if (rc != 0)
            break;
        if (mbedtls_mpi_cmp_mpi(&p, &q) == 0 || mbedtls_mpi_cmp_int(&g, 1) != 0 ||
            mbedtls_mpi_bitlen(&n) != bits)
            continue; /* try other primes */
        rc = mbedtls_rsa_import(rsa, &n, &p, &q, NULL, &e);
        if (rc == 0)
            rc = mbedtls_rsa_complete(rsa);
        if (rc == 0)
            rc = mbedtls_rsa_check_privkey(rsa);
        break;
    }
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        mbedtls_mpi_free(all[i]); /* wipes the numbers */
    return rc;
}
