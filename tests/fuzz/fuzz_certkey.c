/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: certificate and private key loading, from PEM or DER,
 * and the name formatting that follows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* PEM parsers want a terminating NUL counted in the length. */
    uint8_t *text = malloc(size + 1);
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    cs_cert *cert;
    cs_error err;
    if (cs_cert_parse(text, size + 1, &cert, &err) == CS_OK ||
        cs_cert_parse(data, size, &cert, &err) == CS_OK) {
        cs_buf name = CS_BUF_INIT, key = CS_BUF_INIT;
        (void)cs_cert_subject(cert, &name, &err);
        (void)cs_cert_issuer(cert, &name, &err);
        (void)cs_cert_public_key(cert, &key, &err);
        (void)cs_cert_serial(cert);
        cs_buf_release(&name);
        cs_buf_release(&key);
        cs_cert_free(cert);
    }
    cs_key *pk;
    if (cs_key_parse(text, size + 1, &pk, &err) == CS_OK)
        cs_key_free(pk);
    free(text);
    return 0;
}
