/* libFuzzer harness: the signed header parser (.tlv, .sgn, .enc.sgn). */
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_header h;
    cs_error err;
    if (cs_header_parse(data, size, size, &h, &err) != CS_OK)
        return 0;
    /* A parsed header must describe bytes inside the input. */
    cs_hash *hash;
    if (cs_header_verify_begin(&h, data, &hash, &err) == CS_OK)
        cs_hash_free(hash);
    return 0;
}
