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
    /* What it records must hold: each element once, a straddle inside the
     * header. */
    if (h.order_len > sizeof h.order ||
        (h.has_straddle &&
         (h.straddle.offset >= h.length || h.straddle.container_offset >= h.straddle.offset)))
        __builtin_trap();
    (void)cs_header_check_nesting(&h, &err);
    /* A parsed header must describe bytes inside the input. */
    cs_hash *hash;
    if (cs_header_verify_begin(&h, data, &hash, &err) == CS_OK)
        cs_hash_free(hash);
    return 0;
}
