/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: TVS messages, as the server meets them. The input is
 * cut into a frame by the engine's framing rule, decoded as a request and
 * as a response (whatever decodes must encode again), and answered from
 * the reference database, as a session would be. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ciscosec/tvs.h"
#include "ciscosec/tvs_store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static cs_tvs_store *reference_store(void)
{
    static cs_tvs_store *store;
    cs_error err;
    if (store == NULL && cs_tvs_store_open(TEST_DATA_DIR "/services/tvs-reference.sqlite3",
                                           CS_TVS_READ, &store, &err) != CS_OK)
        abort();
    return store;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = cs_frame_length(&cs_tvs_frame, data, size);
    if (len == 0 || len == SIZE_MAX || len > size)
        len = size; /* the decoders must refuse it themselves */
    cs_error err;
    cs_buf out = CS_BUF_INIT;
    cs_tvs_request req;
    if (cs_tvs_request_decode(data, len, &req, &err) == CS_OK &&
        cs_tvs_request_encode(&req, &out, &err) != CS_OK)
        abort();
    cs_tvs_response resp;
    out.len = 0;
    if (cs_tvs_response_decode(data, len, &resp, &err) == CS_OK &&
        cs_tvs_response_encode(&resp, &out, &err) != CS_OK)
        abort();
    out.len = 0;
    cs_session_log log = {.peer = ""};
    cs_session_next next = cs_tvs_answer(reference_store(), data, len, &out, &log);
    if (next == CS_SESSION_END && cs_tvs_response_decode(out.data, out.len, &resp, &err) != CS_OK)
        abort(); /* our answers decode */
    cs_buf_release(&out);
    return 0;
}
