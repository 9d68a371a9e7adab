/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: the CAPF codec on any bytes (decode, re-encode to
 * the same bytes, the typed and nested views), and the server's session
 * taking the bytes as the phone's answer to AUTH_REQ. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/capf.h"
#include "ciscosec/capfsession.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A database of one device, fetch by null password: no crypto runs. */
static int lookup(void *ctx, const char *device, cs_capf_device *dev, cs_error *err)
{
    (void)ctx;
    cs_capf_device_init(dev);
    if (strcmp(device, "SEP001122334455") != 0)
        return cs_fail(err, CS_INVALID, "unknown");
    memcpy(dev->name, device, strlen(device) + 1);
    dev->operation = CS_CAPF_OP_FETCH;
    return CS_OK;
}

static int finish(void *ctx, const char *device, cs_capf_operation op, cs_bytes pem, cs_error *err)
{
    (void)ctx, (void)device, (void)op, (void)pem, (void)err;
    return CS_OK;
}

static void views(const cs_capf_msg *m)
{
    uint8_t u8, type;
    uint16_t u16;
    cs_bytes b;
    for (size_t i = 0; i < m->count; i++) {
        const cs_tlv *t = &m->elements[i];
        (void)cs_capf_get_u8(m, t->tag, &u8, NULL);
        (void)cs_capf_get_u16(m, t->tag, &u16, NULL);
        (void)cs_capf_get_text(m, t->tag, &b, NULL);
        (void)cs_capf_cert_decode(t, &type, &b, NULL);
        for (uint8_t part = 0; part < 4; part++)
            (void)cs_capf_inner_find(t, part, &b, NULL);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cs_capf_msg m;
    if (cs_capf_decode(data, size, &m, NULL) == CS_OK) {
        views(&m);
        cs_buf out = CS_BUF_INIT;
        if (cs_capf_encode(&m, &out, NULL) != CS_OK || out.len != size ||
            memcmp(out.data, data, size) != 0)
            abort(); /* a decoded message must encode to its own bytes */
        cs_buf_release(&out);
    }
    static const cs_capf_server_config cfg = {NULL, NULL, NULL, 0, 365};
    const cs_capf_backend backend = {NULL, lookup, finish};
    cs_capf_server s;
    cs_buf out = CS_BUF_INIT;
    uint32_t id = size >= 6 ? cs_load_u32(data + 2) : 0; /* let the ids match */
    if (cs_capf_server_start(&s, &cfg, &backend, id, &out, NULL) == CS_OK)
        (void)cs_capf_server_receive(&s, data, size, &out, NULL);
    cs_capf_server_release(&s);
    cs_buf_release(&out);
    return 0;
}
