/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the XML module (src/lib/xml.c, expat), as its two
 * users call it: encryption, which writes the companion .sgn's body from a
 * phone's configuration, and verify tftpboot, which looks settings up in
 * the tree. Every block the XML allocator hands out must come back wiped,
 * whatever the input. */
#include <stdint.h>
#include <stdlib.h>

#include "ciscosec/encconfig.h"
#include "ciscosec/xml.h"

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

/* What verify tftpboot asks of a configuration. */
static void look_up(const uint8_t *data, size_t size)
{
    static const char *const names[] = {"deviceSecurityMode", "transportLayerProtocol",
                                        "encrConfig",         "certHash",
                                        "capfList",           "TVS"};
    cs_xml_doc *doc = NULL;
    cs_error err;
    if (cs_xml_parse_config(data, size, &doc, &err) != CS_OK)
        return;
    char text[256];
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const cs_xml_node *n = cs_xml_find(cs_xml_root(doc), names[i]);
        if (n != NULL)
            cs_xml_text(n, text, sizeof text);
    }
    cs_buf out = CS_BUF_INIT;
    cs_xml_write(cs_xml_root(doc), 0, &out);
    cs_buf_release(&out);
    cs_xml_free(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t allocated, wiped, allocated_after, wiped_after;
    cs_xml_memory_counts(&allocated, &wiped);
    cs_buf body = CS_BUF_INIT;
    cs_error err;
    (void)cs_enc_companion_body(data, size, device_cert, &body, &err);
    cs_buf_release(&body);
    look_up(data, size);
    cs_xml_memory_counts(&allocated_after, &wiped_after);
    if (allocated_after - allocated != wiped_after - wiped)
        abort(); /* a block freed unwiped, or never freed */
    return 0;
}
