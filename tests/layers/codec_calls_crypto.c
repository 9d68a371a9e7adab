/* SPDX-License-Identifier: MIT */
/* A layering error on purpose: codec code calling crypto through a
 * declaration of its own, past the headers. Built only by the test
 * layers.codec_calls_crypto, which passes when linking with the codec
 * leaves cs_digest undefined. */
#include "ciscosec/header.h"

int cs_digest(cs_md md, const void *data, size_t len, uint8_t *out, cs_error *err);

int main(void)
{
    uint8_t digest[64];
    cs_error err;
    return cs_digest(CS_MD_SHA1, "", 0, digest, &err) == CS_OK ? 0 : 1;
}
