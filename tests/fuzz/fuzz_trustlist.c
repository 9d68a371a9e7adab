/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: whole trust lists, parsed and verified. */
#include <stddef.h>
#include <stdint.h>

#include "ciscosec/trustlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_trustlist tl;
    cs_error err;
    if (cs_trustlist_parse(data, size, &tl, &err) != CS_OK)
        return 0;
    (void)cs_trustlist_signer(&tl);
    (void)cs_trustlist_verify(&tl, data, size, &err);
    cs_trustlist_release(&tl);
    return 0;
}
