/* SPDX-License-Identifier: MIT */
/* A layering error on purpose: codec code including a crypto header. Built
 * only by the test layers.codec_includes_crypto, which passes when the
 * compiler cannot find ciscosec/crypto.h on the codec's include path. */
#include "ciscosec/header.h"
#include "ciscosec/crypto.h"

int main(void)
{
    return cs_md_size(CS_MD_SHA1) == 20 ? 0 : 1;
}
