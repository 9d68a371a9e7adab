/* libFuzzer harness: the XML path of encryption, which reads a phone's
 * configuration with libxml2 and writes the companion .sgn's body. */
#include <stdint.h>
#include <stdlib.h>

#include "ciscosec/encconfig.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_cert *device_cert;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    cs_error err;
    if (cs_cert_load_file(TEST_DATA_DIR "/vectors/device.pem", &device_cert, &err) != CS_OK)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_buf body = CS_BUF_INIT;
    cs_error err;
    (void)cs_enc_companion_body(data, size, device_cert, &body, &err);
    cs_buf_release(&body);
    return 0;
}
