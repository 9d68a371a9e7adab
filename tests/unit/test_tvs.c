/* SPDX-License-Identifier: MIT */
/* TVS: every message recorded from the reference daemons decodes and
 * encodes again to the same bytes; the server's answer to each recorded
 * request, from the recorded database, is the recorded answer; bad frames
 * are refused with a reason; the store adds, finds, exports and removes. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/device.h"
#include "ciscosec/tvs.h"
#include "ciscosec/tvs_store.h"

#define MAX_LINES 8

typedef struct recording {
    bool from_phone[MAX_LINES];
    cs_buf msg[MAX_LINES];
    size_t count;
} recording;

static uint8_t hex_nibble(char c)
{
    return (uint8_t)(c <= '9' ? c - '0' : c - 'a' + 10);
}

/* The lines of a .jsonl recording: who wrote, and the bytes. */
static void load_recording(const char *name, recording *r)
{
    cs_buf text = CS_BUF_INIT;
    test_read_data(name, &text);
    const char *p = cs_buf_str(&text);
    *r = (recording){.count = 0};
    const char *line;
    while ((line = strstr(p, "\"from\": \"")) != NULL) {
        assert_true(r->count < MAX_LINES);
        r->from_phone[r->count] = strncmp(line + 9, "phone", 5) == 0;
        const char *hex = strstr(line, "\"hex\": \"");
        assert_non_null(hex);
        hex += 8;
        cs_buf *msg = &r->msg[r->count++];
        cs_buf_init(msg);
        for (; *hex != '"'; hex += 2)
            cs_buf_append_byte(msg, (uint8_t)(hex_nibble(hex[0]) << 4 | hex_nibble(hex[1])));
        p = hex;
    }
    cs_buf_release(&text);
    assert_int_equal(r->count, 2);
}

static void release_recording(recording *r)
{
    for (size_t i = 0; i < r->count; i++)
        cs_buf_release(&r->msg[i]);
}

static void roundtrip(const char *name, const char *device, uint8_t status)
{
    recording r;
    load_recording(name, &r);
    cs_error err;
    for (size_t i = 0; i < r.count; i++) {
        uint8_t *copy = test_exact_copy(r.msg[i].data, r.msg[i].len);
        cs_buf again = CS_BUF_INIT;
        if (r.from_phone[i]) {
            cs_tvs_request req;
            assert_int_equal(cs_tvs_request_decode(copy, r.msg[i].len, &req, &err), CS_OK);
            assert_int_equal(req.header.command, CS_TVS_VERIFY_REQ);
            assert_int_equal(req.header.session_id, 1);
            test_assert_bytes_str(req.device_name, device);
            assert_int_equal(req.unknown_elements, 0);
            assert_int_equal(cs_tvs_request_encode(&req, &again, &err), CS_OK);
        } else {
            cs_tvs_response resp;
            assert_int_equal(cs_tvs_response_decode(copy, r.msg[i].len, &resp, &err), CS_OK);
            assert_int_equal(resp.header.command, CS_TVS_VERIFY_RESP);
            assert_int_equal(resp.status, status);
            assert_int_equal(cs_tvs_response_encode(&resp, &again, &err), CS_OK);
        }
        assert_int_equal(again.len, r.msg[i].len);
        assert_memory_equal(again.data, r.msg[i].data, again.len);
        cs_buf_release(&again);
        free(copy);
    }
    release_recording(&r);
}

static void test_valid_roundtrip(void **state)
{
    (void)state;
    roundtrip("services/tvs-valid.jsonl", "CP-7975-SEP58971ECC97C1", CS_TVS_VALID);

    /* The answer's contents: CCM and TFTP, 600 seconds. */
    recording r;
    load_recording("services/tvs-valid.jsonl", &r);
    cs_tvs_response resp;
    cs_error err;
    assert_int_equal(cs_tvs_response_decode(r.msg[1].data, r.msg[1].len, &resp, &err), CS_OK);
    assert_true(resp.has_roles && resp.has_ttl);
    assert_int_equal(resp.role_count, 2);
    assert_int_equal(resp.roles[0], 1);
    assert_int_equal(resp.roles[1], 3);
    assert_int_equal(resp.ttl, 600);
    release_recording(&r);
}

static void test_unknown_roundtrip(void **state)
{
    (void)state;
    roundtrip("services/tvs-unknown.jsonl", "CP-0000-SEP000000000000", CS_TVS_INVALID);
}

/* Our server, on the recorded database, says what the reference said. */
static void answer_matches(const char *name)
{
    recording r;
    load_recording(name, &r);
    cs_tvs_store *store;
    cs_error err;
    assert_int_equal(cs_tvs_store_open(test_data_path("services/tvs-reference.sqlite3"),
                                       CS_TVS_READ, &store, &err),
                     CS_OK);
    cs_buf out = CS_BUF_INIT;
    cs_session_log log = {.peer = ""};
    assert_int_equal(cs_tvs_answer(store, r.msg[0].data, r.msg[0].len, &out, &log), CS_SESSION_END);
    assert_int_equal(out.len, r.msg[1].len);
    assert_memory_equal(out.data, r.msg[1].data, out.len);
    assert_string_equal(log.operation, "verify");
    cs_buf_release(&out);
    cs_tvs_store_close(store);
    release_recording(&r);
}

static void test_answers_match_reference(void **state)
{
    (void)state;
    answer_matches("services/tvs-valid.jsonl");
    answer_matches("services/tvs-unknown.jsonl");
}

/* --- bad frames ------------------------------------------------------------ */

/* A request frame from a hex body, with a correct length. */
static void frame_of(cs_buf *out, uint8_t protocol, uint8_t version, uint8_t command,
                     const uint8_t *body, size_t len)
{
    const uint8_t head[] = {protocol,    version, command, 0, 0, 0, 0, 7, (uint8_t)(len >> 8),
                            (uint8_t)len};
    cs_buf_init(out);
    cs_buf_append(out, head, sizeof head);
    cs_buf_append(out, body, len);
}

static void expect_request_error(const uint8_t *frame, size_t len, const char *reason)
{
    uint8_t *copy = test_exact_copy(frame, len);
    cs_tvs_request req;
    cs_error err;
    assert_int_equal(cs_tvs_request_decode(copy, len, &req, &err), CS_ERROR);
    if (strstr(err.message, reason) == NULL)
        fail_msg("'%s' does not mention '%s'", err.message, reason);
    free(copy);

    /* And the server closes without an answer, saying why. */
    cs_tvs_store *store;
    assert_int_equal(cs_tvs_store_open(test_data_path("services/tvs-reference.sqlite3"),
                                       CS_TVS_READ, &store, &err),
                     CS_OK);
    cs_buf out = CS_BUF_INIT;
    cs_session_log log = {.peer = ""};
    assert_int_equal(cs_tvs_answer(store, frame, len, &out, &log), CS_SESSION_ABORT);
    assert_int_equal(out.len, 0);
    assert_true(strncmp(log.result, "malformed: ", 11) == 0);
    cs_buf_release(&out);
    cs_tvs_store_close(store);
}

static void test_bad_frames(void **state)
{
    (void)state;
    const uint8_t cert[] = {0x02, 0x00, 0x02, 0x30, 0x00};
    cs_buf f;

    frame_of(&f, 85, 1, 1, cert, sizeof cert); /* CAPF's protocol id */
    expect_request_error(f.data, f.len, "wrong protocol id 85");
    cs_buf_release(&f);

    frame_of(&f, 87, 2, 1, cert, sizeof cert);
    expect_request_error(f.data, f.len, "unknown version 2");
    cs_buf_release(&f);

    frame_of(&f, 87, 1, 2, cert, sizeof cert);
    expect_request_error(f.data, f.len, "not a request");
    cs_buf_release(&f);

    frame_of(&f, 87, 1, 1, cert, sizeof cert);
    expect_request_error(f.data, 9, "truncated header");
    expect_request_error(f.data, f.len - 1, "body length 5 but 4 bytes");
    f.data[3] = 1;
    expect_request_error(f.data, f.len, "reserved");
    cs_buf_release(&f);

    const uint8_t overrun[] = {0x02, 0x00, 0x09, 0x30};
    frame_of(&f, 87, 1, 1, overrun, sizeof overrun);
    expect_request_error(f.data, f.len, "element 1");
    cs_buf_release(&f);

    const uint8_t twice[] = {0x02, 0x00, 0x01, 0x30, 0x02, 0x00, 0x01, 0x30};
    frame_of(&f, 87, 1, 1, twice, sizeof twice);
    expect_request_error(f.data, f.len, "appears twice");
    cs_buf_release(&f);

    const uint8_t no_cert[] = {0x01, 0x00, 0x02, 0x01, 'X'};
    frame_of(&f, 87, 1, 1, no_cert, sizeof no_cert);
    expect_request_error(f.data, f.len, "no certificate");
    cs_buf_release(&f);

    const uint8_t no_prefix[] = {0x01, 0x00, 0x01, 'X', 0x02, 0x00, 0x01, 0x30};
    frame_of(&f, 87, 1, 1, no_prefix, sizeof no_prefix);
    expect_request_error(f.data, f.len, "0x01");
    cs_buf_release(&f);

    uint8_t many[3 * (CS_TVS_MAX_ELEMENTS + 1)] = {0};
    for (size_t i = 0; i < sizeof many; i += 3)
        many[i] = 0x63; /* unknown, empty */
    frame_of(&f, 87, 1, 1, many, sizeof many);
    expect_request_error(f.data, f.len, "more than 16 elements");
    cs_buf_release(&f);
}

static void test_unknown_tags_skipped(void **state)
{
    (void)state;
    const uint8_t body[] = {0x63, 0x00, 0x01, 0xAA, 0x02, 0x00, 0x01, 0x30};
    cs_buf f;
    frame_of(&f, 87, 1, 1, body, sizeof body);
    cs_tvs_request req;
    cs_error err;
    assert_int_equal(cs_tvs_request_decode(f.data, f.len, &req, &err), CS_OK);
    assert_int_equal(req.unknown_elements, 1);
    assert_null(req.device_name.data);
    assert_int_equal(req.certificate.len, 1);
    cs_buf_release(&f);
}

static void test_every_prefix_refused(void **state)
{
    (void)state;
    recording r;
    load_recording("services/tvs-valid.jsonl", &r);
    cs_error err;
    for (size_t i = 0; i < r.count; i++) {
        for (size_t len = 0; len < r.msg[i].len; len++) {
            uint8_t *copy = test_exact_copy(r.msg[i].data, len);
            cs_tvs_request req;
            cs_tvs_response resp;
            int rc = r.from_phone[i] ? cs_tvs_request_decode(copy, len, &req, &err)
                                     : cs_tvs_response_decode(copy, len, &resp, &err);
            assert_int_equal(rc, CS_ERROR);
            free(copy);
        }
    }
    release_recording(&r);
}

static void test_frame_length(void **state)
{
    (void)state;
    uint8_t head[CS_TVS_HEADER_SIZE] = {87, 1, 1, 0, 0, 0, 0, 1, 0x01, 0x00};
    assert_int_equal(cs_frame_length(&cs_tvs_frame, head, 9), 0);
    assert_int_equal(cs_frame_length(&cs_tvs_frame, head, sizeof head), 10 + 256);
    head[8] = 0xFF; /* 65280: over the limit */
    assert_int_equal(cs_frame_length(&cs_tvs_frame, head, sizeof head), SIZE_MAX);
    head[8] = 0x40, head[9] = 0x00; /* exactly the limit */
    assert_int_equal(cs_frame_length(&cs_tvs_frame, head, sizeof head), 10 + CS_TVS_MAX_BODY);
}

static void test_device_names(void **state)
{
    (void)state;
    const char *device;
    const char *good = "CP-7975-SEP58971ECC97C1";
    assert_true(cs_device_model_name_valid(good, strlen(good), &device));
    assert_string_equal(device, "SEP58971ECC97C1");
    const char *bad[] = {"SEP58971ECC97C1",          "CP--SEP58971ECC97C1",
                         "CP-7975-SEP58971ECC97C",   "CP-7975-SEP58971ECC97CG",
                         "CP-79/5-SEP58971ECC97C1",  "XX-7975-SEP58971ECC97C1",
                         "CP-7975_SEP58971ECC97C1",  "CP-12345678901234567-SEP58971ECC97C1",
                         "CP-7975-SEP58971ECC97C1\n"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_false(cs_device_model_name_valid(bad[i], strlen(bad[i]), &device));
    assert_true(cs_device_name_valid("SEP001122aabbcc", 15));
    assert_false(cs_device_name_valid("SEP001122aabbc/", 15));
    assert_false(cs_device_name_valid("../001122aabbcc", 15));
}

/* --- the store ------------------------------------------------------------- */

static void test_store(void **state)
{
    (void)state;
    char dir[] = "/tmp/ciscosec-tvs-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/tvs.sqlite3", dir);
    cs_tvs_store *store;
    cs_error err;
    /* The server cannot start on a database that is not there. */
    assert_int_equal(cs_tvs_store_open(path, CS_TVS_READ, &store, &err), CS_ERROR);
    assert_int_equal(cs_tvs_store_open(path, CS_TVS_CREATE, &store, &err), CS_OK);

    cs_cert *cert = test_load_cert("services/pbx.pem");
    const uint16_t roles[] = {1, 3};
    cs_tvs_entry e;
    assert_int_equal(cs_tvs_store_add(store, cert, roles, 2, 600, &e, &err), CS_OK);
    assert_string_equal(e.hash, "a7c4691439b84620986f0a0da03db57845119a1651629ca1fc1406dd7123b612");
    assert_string_equal(e.roles, "CCM,TFTP");
    assert_string_equal(e.subject, "CN=pbx,O=Lab,OU=Voice");
    assert_string_equal(e.serial, "512fc109c54027d7064e19996f8f67b52a723a0c");

    bool found = false;
    cs_tvs_entry got;
    assert_int_equal(cs_tvs_store_find(store, e.hash, &found, &got, &err), CS_OK);
    assert_true(found);
    assert_int_equal(got.ttl, 600);

    cs_buf pem = CS_BUF_INIT;
    assert_int_equal(cs_tvs_store_export(store, e.hash, &pem, &err), CS_OK);
    assert_non_null(strstr(cs_buf_str(&pem), "-----BEGIN CERTIFICATE-----\n"));
    cs_cert *back;
    assert_int_equal(cs_cert_parse(pem.data, pem.len + 1, &back, &err), CS_OK); /* with the NUL */
    assert_memory_equal(cs_cert_der(back).data, cs_cert_der(cert).data, cs_cert_der(cert).len);
    cs_cert_free(back);
    cs_buf_release(&pem);

    assert_int_equal(cs_tvs_store_remove(store, e.hash, &err), CS_OK);
    assert_int_equal(cs_tvs_store_remove(store, e.hash, &err), CS_INVALID);
    assert_int_equal(cs_tvs_store_find(store, e.hash, &found, &got, &err), CS_OK);
    assert_false(found);
    cs_cert_free(cert);
    cs_tvs_store_close(store);
    unlink(path);
    rmdir(dir);
}

static void test_roles_parse(void **state)
{
    (void)state;
    uint8_t roles[CS_TVS_MAX_ROLES];
    size_t n;
    cs_error err;
    assert_int_equal(cs_tvs_roles_parse("CCM,TFTP,APP-SERVER", roles, 16, &n, &err), CS_OK);
    assert_int_equal(n, 3);
    assert_int_equal(roles[2], 7);
    assert_int_equal(cs_tvs_roles_parse("", roles, 16, &n, &err), CS_OK);
    assert_int_equal(n, 0);
    assert_int_equal(cs_tvs_roles_parse("CCM,,TFTP", roles, 16, &n, &err), CS_ERROR);
    assert_int_equal(cs_tvs_roles_parse("CCM,BOSS", roles, 16, &n, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "BOSS"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_roundtrip),
        cmocka_unit_test(test_unknown_roundtrip),
        cmocka_unit_test(test_answers_match_reference),
        cmocka_unit_test(test_bad_frames),
        cmocka_unit_test(test_unknown_tags_skipped),
        cmocka_unit_test(test_every_prefix_refused),
        cmocka_unit_test(test_frame_length),
        cmocka_unit_test(test_device_names),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_roles_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
