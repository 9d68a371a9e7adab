/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: encrypted configurations, header and decryption path,
 * with a fixed device key (tests/data/vectors/device.pem) so that inputs
 * derived from the vector reach the AES and digest checks. */
#include <stdint.h>
#include <stdlib.h>

#include "ciscosec/encconfig.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_key *device_key;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cs_error err;
    if (cs_key_load_file(TEST_DATA_DIR "/vectors/device.pem", NULL, &device_key, &err) != CS_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_header hdr;
    cs_error err;
    if (cs_enc_parse(data, size, &hdr, &err) != CS_OK)
        return 0;
    cs_buf plain = CS_BUF_INIT;
    (void)cs_enc_open(&hdr.enc, data + hdr.length, size - hdr.length, device_key, &plain, &err);
    cs_buf_release(&plain);
    return 0;
}
