/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the TLV reader and its typed accessors on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/tlv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_tlv_reader r;
    cs_tlv_reader_init(&r, data, size);
    while (!cs_tlv_at_end(&r)) {
        uint8_t tag;
        cs_tlv t;
        if (cs_tlv_peek_tag(&r, &tag, NULL) != CS_OK)
            break;
        /* Odd tags step into the value, as containers do; even tags skip it. */
        int rc = tag & 1 ? cs_tlv_read_head(&r, &t, NULL) : cs_tlv_read(&r, &t, NULL);
        if (rc != CS_OK)
            break;
        uint8_t u8;
        uint16_t u16;
        uint32_t u32;
        cs_bytes s;
        (void)cs_tlv_u8(&t, &u8, NULL);
        (void)cs_tlv_u16(&t, &u16, NULL);
        (void)cs_tlv_u32(&t, &u32, NULL);
        (void)cs_tlv_string(&t, &s, NULL);
    }
    return 0;
}
