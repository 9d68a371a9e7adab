/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the signed header parser (.tlv, .sgn, .enc.sgn). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ciscosec/header.h"
#include "ciscosec/tlv.h"

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
    /* A parsed header describes bytes inside the input: the header within
     * the file, the signature element (which the digest skips) within the
     * header. The harness links the codec alone, without crypto. */
    size_t signature_end = h.signature_offset + CS_TLV_HEAD_SIZE + h.signature.len;
    if (h.length > size || signature_end < h.signature_offset || signature_end > h.length)
        __builtin_trap();
    return 0;
}
