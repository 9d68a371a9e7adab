/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: signed files (.sgn, .sha512) through the streaming
 * reader that parse and remove use: open, verify with a fixed certificate,
 * extract the body. The input is written to a scratch file first, since
 * the reader works on files (it never holds a whole body in memory). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ciscosec/signedfile.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_cert *signer_cert;
static char input_path[64], output_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cs_error err;
    if (cs_cert_load_file(TEST_DATA_DIR "/vectors/asterisk.pem", &signer_cert, &err) != CS_OK)
        abort();
    snprintf(input_path, sizeof input_path, "/tmp/fuzz_sgn.%ld.sgn", (long)getpid());
    snprintf(output_path, sizeof output_path, "/tmp/fuzz_sgn.%ld.body", (long)getpid());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(input_path, "wb");
    if (f == NULL)
        return 0;
    size_t written = fwrite(data, 1, size, f);
    fclose(f);
    if (written != size)
        return 0;

    cs_sgn_file sgn;
    cs_error err;
    if (cs_sgn_open(&sgn, input_path, &err) == CS_OK) {
        (void)cs_sgn_verify(&sgn, signer_cert, &err);
        (void)cs_sgn_extract(&sgn, output_path, &err);
        cs_sgn_close(&sgn);
    }
    unlink(output_path);
    unlink(input_path);
    return 0;
}
