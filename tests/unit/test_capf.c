/* SPDX-License-Identifier: MIT */
/* CAPF: the codec on every recorded message (decode, encode, same bytes),
 * both sides' state machines replaying the conversations recorded from the
 * reference daemons (tests/data/services), the issued LSC against the
 * reference's, signatures, device names, malformed frames and the store. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ciscosec/capf.h"
#include "ciscosec/capfsession.h"
#include "ciscosec/capfstore.h"
#include "ciscosec/fileio.h"
#include "ciscosec/lsc.h"

/* --- the recorded conversations ------------------------------------------ */

#define MAX_LINES 16

typedef struct frame {
    bool from_server;
    uint8_t *data;
    size_t len;
} frame;

typedef struct conversation {
    frame frames[MAX_LINES];
    size_t count;
} conversation;

static uint8_t hex_nibble(char c)
{
    return (uint8_t)(c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10);
}

/* Each line: {"t": N, "from": "server"|"phone", "hex": "..."}. */
static void load_conversation(const char *name, conversation *conv)
{
    char path[256];
    snprintf(path, sizeof path, "services/%s", name);
    cs_buf text = CS_BUF_INIT;
    test_read_data(path, &text);
    const char *p = cs_buf_str(&text);
    conv->count = 0;
    const char *line;
    while ((line = strstr(p, "\"from\": \"")) != NULL) {
        assert_true(conv->count < MAX_LINES);
        frame *f = &conv->frames[conv->count++];
        f->from_server = strncmp(line + 9, "server", 6) == 0;
        const char *hex = strstr(line, "\"hex\": \"");
        assert_non_null(hex);
        hex += 8;
        size_t n = strcspn(hex, "\"");
        f->len = n / 2;
        f->data = malloc(f->len ? f->len : 1);
        assert_non_null(f->data);
        for (size_t i = 0; i < f->len; i++)
            f->data[i] = (uint8_t)(hex_nibble(hex[2 * i]) << 4 | hex_nibble(hex[2 * i + 1]));
        p = hex + n;
    }
    assert_true(conv->count > 0);
    cs_buf_release(&text);
}

static void free_conversation(conversation *conv)
{
    for (size_t i = 0; i < conv->count; i++)
        free(conv->frames[i].data);
}

static const char *const conversations[] = {
    "capf-install-rsa2048-password.jsonl",
    "capf-install-ec-p256-null-password.jsonl",
    "capf-install-rsa2048-lsc-auth.jsonl",
    "capf-wrong-password.jsonl",
    "capf-unknown-device.jsonl",
    "capf-fetch.jsonl",
    "capf-delete.jsonl",
};
#define N_CONVERSATIONS (sizeof conversations / sizeof conversations[0])

/* --- the codec ------------------------------------------------------------- */

static void test_every_message_round_trips(void **state)
{
    (void)state;
    size_t messages = 0;
    for (size_t c = 0; c < N_CONVERSATIONS; c++) {
        conversation conv;
        load_conversation(conversations[c], &conv);
        for (size_t i = 0; i < conv.count; i++) {
            frame *f = &conv.frames[i];
            uint8_t *copy = test_exact_copy(f->data, f->len);
            cs_capf_msg m;
            cs_error err;
            size_t size = 0;
            assert_int_equal(cs_capf_frame_size(copy, &size, &err), CS_OK);
            assert_int_equal(size, f->len);
            if (cs_capf_decode(copy, f->len, &m, &err) != CS_OK)
                fail_msg("%s line %zu: %s", conversations[c], i + 1, err.message);
            assert_int_equal(m.session_id, cs_load_u32(f->data + 2));
            cs_buf out = CS_BUF_INIT;
            assert_int_equal(cs_capf_encode(&m, &out, &err), CS_OK);
            assert_int_equal(out.len, f->len);
            assert_memory_equal(out.data, f->data, f->len);
            cs_buf_release(&out);
            free(copy);
            messages++;
        }
        free_conversation(&conv);
    }
    assert_int_equal(messages, 40);
}

static void test_every_prefix_is_refused(void **state)
{
    (void)state;
    conversation conv;
    load_conversation("capf-install-rsa2048-lsc-auth.jsonl", &conv);
    const frame *f = &conv.frames[1]; /* AUTH_RESP with every kind of element */
    for (size_t len = 0; len < f->len; len++) {
        uint8_t *copy = test_exact_copy(f->data, len);
        cs_capf_msg m;
        cs_error err;
        assert_int_equal(cs_capf_decode(copy, len, &m, &err), CS_ERROR);
        free(copy);
    }
    free_conversation(&conv);
}

static void test_malformed_headers(void **state)
{
    (void)state;
    cs_capf_msg m;
    cs_error err;
    /* wrong protocol byte */
    const uint8_t wrong[] = {0x56, 1, 0, 0, 0, 1, 0, 0};
    assert_int_equal(cs_capf_decode(wrong, sizeof wrong, &m, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "protocol"));
    /* a body over the limit */
    const uint8_t big[] = {0x55, 1, 0, 0, 0, 1, 0xFF, 0xFF};
    size_t size;
    assert_int_equal(cs_capf_frame_size(big, &size, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "limit"));
    /* an element that runs past the body */
    const uint8_t past[] = {0x55, 2, 0, 0, 0, 1, 0, 4, 13, 0, 9, 'S'};
    assert_int_equal(cs_capf_decode(past, sizeof past, &m, &err), CS_ERROR);
    /* too many elements: 33 empty ones */
    uint8_t many[8 + 3 * 33] = {0x55, 2, 0, 0, 0, 1, 0, 3 * 33};
    assert_int_equal(cs_capf_decode(many, sizeof many, &m, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "more than"));
    /* a header alone with the wrong length */
    const uint8_t longer[] = {0x55, 15, 0, 0, 0, 1, 0, 0, 0};
    assert_int_equal(cs_capf_decode(longer, sizeof longer, &m, &err), CS_ERROR);
}

static void test_certificate_value(void **state)
{
    (void)state;
    const uint8_t der[] = {0x30, 0x03, 0x02, 0x01, 0x05};
    cs_buf value = CS_BUF_INIT;
    cs_capf_cert_encode(&value, CS_CAPF_CERT_LSC, (cs_bytes){der, sizeof der});
    test_assert_hex(value.data, value.len,
                    "0100070001"
                    "3003020105");
    cs_tlv t = {CS_CAPF_TAG_CERTIFICATE, (uint16_t)value.len, value.data, 0};
    uint8_t type = 0;
    cs_bytes back;
    cs_error err;
    assert_int_equal(cs_capf_cert_decode(&t, &type, &back, &err), CS_OK);
    assert_int_equal(type, CS_CAPF_CERT_LSC);
    assert_int_equal(back.len, sizeof der);
    value.data[2] ^= 1; /* the inner length lies */
    assert_int_equal(cs_capf_cert_decode(&t, &type, &back, &err), CS_ERROR);
    t.length = 4; /* shorter than the prefix */
    assert_int_equal(cs_capf_cert_decode(&t, &type, &back, &err), CS_ERROR);
    cs_buf_release(&value);
}

/* --- the server replaying the recordings ------------------------------------ */

typedef struct fake_backend {
    const char *name;
    cs_capf_operation op;
    cs_capf_authentication auth;
    const char *password;
    cs_curve curve;
    int finished; /* finish calls */
    cs_capf_operation finished_op;
    cs_buf pem;
} fake_backend;

static int fake_lookup(void *ctx, const char *device, cs_capf_device *dev, cs_error *err)
{
    fake_backend *b = ctx;
    cs_capf_device_init(dev);
    if (strcmp(device, b->name) != 0)
        return cs_fail(err, CS_INVALID, "unknown");
    snprintf(dev->name, sizeof dev->name, "%s", device);
    dev->operation = b->op;
    dev->authentication = b->auth;
    snprintf(dev->password, sizeof dev->password, "%s", b->password ? b->password : "");
    dev->curve = b->curve;
    return CS_OK;
}

static int fake_finish(void *ctx, const char *device, cs_capf_operation op, cs_bytes pem,
                       cs_error *err)
{
    (void)device;
    (void)err;
    fake_backend *b = ctx;
    b->finished++;
    b->finished_op = op;
    b->pem.len = 0;
    cs_buf_append(&b->pem, pem.data, pem.len);
    return CS_OK;
}

typedef struct replay {
    const char *file;
    fake_backend backend;
    uint8_t end_reason;
} replay;

static uint8_t last_reason(const cs_buf *out)
{
    return out->data[out->len - 1];
}

/* Feeds the phone's lines to a server session and compares what it sends
 * with the server's lines, except a STORE_CERT_REQ (a new certificate each
 * time), which must carry an LSC for the phone's key. */
static void run_server_replay(replay *r)
{
    cs_cert *issuer = test_load_cert("services/capf.pem");
    cs_key *issuer_key = test_load_key("services/capf.pem");
    cs_capf_server_config cfg = {issuer, issuer_key, NULL, 0, 365};
    cs_capf_backend backend = {&r->backend, fake_lookup, fake_finish};
    conversation conv;
    load_conversation(r->file, &conv);
    cs_capf_server s;
    cs_buf out = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(
        cs_capf_server_start(&s, &cfg, &backend, cs_load_u32(conv.frames[0].data + 2), &out, &err),
        CS_OK);
    size_t sent = 0;
    for (size_t i = 0; i < conv.count; i++) {
        frame *f = &conv.frames[i];
        if (!f->from_server) {
            uint8_t *copy = test_exact_copy(f->data, f->len);
            assert_int_equal(cs_capf_server_receive(&s, copy, f->len, &out, &err), CS_OK);
            free(copy);
            continue;
        }
        if (out.len < sent + CS_CAPF_HEADER_SIZE)
            fail_msg("%s line %zu not sent (%s)", r->file, i + 1, s.result);
        if (f->data[1] == CS_CAPF_STORE_CERT_REQ) {
            cs_capf_msg m;
            size_t size = 0;
            assert_int_equal(cs_capf_frame_size(out.data + sent, &size, &err), CS_OK);
            assert_int_equal(cs_capf_decode(out.data + sent, size, &m, &err), CS_OK);
            assert_int_equal(m.command, CS_CAPF_STORE_CERT_REQ);
            sent += size;
        } else {
            if (memcmp(out.data + sent, f->data, f->len) != 0)
                fail_msg("%s line %zu differs (%s)", r->file, i + 1, s.result);
            sent += f->len;
        }
    }
    assert_int_equal(out.len, sent);
    assert_true(cs_capf_server_done(&s));
    assert_int_equal(last_reason(&out), r->end_reason);
    cs_capf_server_release(&s);
    cs_buf_release(&out);
    free_conversation(&conv);
    cs_cert_free(issuer);
    cs_key_free(issuer_key);
}

static void test_server_install_password(void **state)
{
    (void)state;
    replay r = {"capf-install-rsa2048-password.jsonl",
                {"SEP001122334455", CS_CAPF_OP_INSTALL, CS_CAPF_BY_PASSWORD, "123456",
                 CS_CURVE_NONE, 0, 0, CS_BUF_INIT},
                CS_CAPF_REASON_SUCCESS};
    run_server_replay(&r);
    assert_int_equal(r.backend.finished, 1); /* after STORE_CERT_RESP 1 */
    assert_int_equal(r.backend.finished_op, CS_CAPF_OP_INSTALL);
    assert_non_null(strstr(cs_buf_str(&r.backend.pem), "BEGIN CERTIFICATE"));
    cs_buf_release(&r.backend.pem);
}

static void test_server_install_ec_null_password(void **state)
{
    (void)state;
    replay r = {"capf-install-ec-p256-null-password.jsonl",
                {"SEP0011223344AA", CS_CAPF_OP_INSTALL, CS_CAPF_BY_NO_PASSWORD, NULL, CS_CURVE_P256,
                 0, 0, CS_BUF_INIT},
                CS_CAPF_REASON_SUCCESS};
    run_server_replay(&r);
    assert_int_equal(r.backend.finished, 1);
    cs_buf_release(&r.backend.pem);
}

static void test_server_install_lsc_auth(void **state)
{
    (void)state;
    replay r = {"capf-install-rsa2048-lsc-auth.jsonl",
                {"SEP001122334455", CS_CAPF_OP_INSTALL, CS_CAPF_BY_CERTIFICATE, NULL, CS_CURVE_NONE,
                 0, 0, CS_BUF_INIT},
                CS_CAPF_REASON_SUCCESS};
    run_server_replay(&r);
    assert_int_equal(r.backend.finished, 1);
    cs_buf_release(&r.backend.pem);
}

static void test_server_wrong_password(void **state)
{
    (void)state;
    replay r = {"capf-wrong-password.jsonl",
                {"SEP0011223344BB", CS_CAPF_OP_INSTALL, CS_CAPF_BY_PASSWORD, "111111",
                 CS_CURVE_NONE, 0, 0, CS_BUF_INIT},
                CS_CAPF_REASON_INVALID_ELEMENT};
    run_server_replay(&r);
    assert_int_equal(r.backend.finished, 0);
    cs_buf_release(&r.backend.pem);
}

static void test_server_unknown_device(void **state)
{
    (void)state;
    replay r = {"capf-unknown-device.jsonl",
                {"SEP001122334455", CS_CAPF_OP_INSTALL, CS_CAPF_BY_NO_PASSWORD, NULL, CS_CURVE_NONE,
                 0, 0, CS_BUF_INIT},
                CS_CAPF_REASON_UNKNOWN_DEVICE};
    run_server_replay(&r);
    cs_buf_release(&r.backend.pem);
}

static void test_server_fetch_and_delete(void **state)
{
    (void)state;
    replay fetch = {"capf-fetch.jsonl",
                    {"SEP0011223344AA", CS_CAPF_OP_FETCH, CS_CAPF_BY_NO_PASSWORD, NULL,
                     CS_CURVE_NONE, 0, 0, CS_BUF_INIT},
                    CS_CAPF_REASON_NO_ACTION};
    run_server_replay(&fetch);
    assert_int_equal(fetch.backend.finished, 1);
    assert_non_null(strstr(cs_buf_str(&fetch.backend.pem), "BEGIN CERTIFICATE"));
    cs_buf_release(&fetch.backend.pem);
    replay del = {"capf-delete.jsonl",
                  {"SEP0011223344AA", CS_CAPF_OP_DELETE, CS_CAPF_BY_NO_PASSWORD, NULL,
                   CS_CURVE_NONE, 0, 0, CS_BUF_INIT},
                  CS_CAPF_REASON_SUCCESS};
    run_server_replay(&del);
    assert_int_equal(del.backend.finished, 1);
    assert_int_equal(del.backend.pem.len, 0);
    cs_buf_release(&del.backend.pem);
}

/* The install is not recorded when the phone says it did not store the
 * certificate, and out-of-turn or foreign frames end the session with 7. */
static void test_server_refusals(void **state)
{
    (void)state;
    cs_cert *issuer = test_load_cert("services/capf.pem");
    cs_key *issuer_key = test_load_key("services/capf.pem");
    cs_capf_server_config cfg = {issuer, issuer_key, NULL, 0, 365};
    fake_backend fb = {
        "SEP001122334455", CS_CAPF_OP_INSTALL, CS_CAPF_BY_PASSWORD, "123456", CS_CURVE_NONE, 0, 0,
        CS_BUF_INIT};
    cs_capf_backend backend = {&fb, fake_lookup, fake_finish};
    conversation conv;
    load_conversation("capf-install-rsa2048-password.jsonl", &conv);
    cs_error err;

    /* STORE_CERT_RESP reason 0: no record, END_SESSION 0. */
    cs_capf_server s;
    cs_buf out = CS_BUF_INIT;
    assert_int_equal(cs_capf_server_start(&s, &cfg, &backend, 1, &out, &err), CS_OK);
    for (size_t i = 1; i < 5; i++)
        if (!conv.frames[i].from_server)
            cs_capf_server_receive(&s, conv.frames[i].data, conv.frames[i].len, &out, &err);
    const uint8_t not_stored[] = {0x55, 0x0a, 0, 0, 0, 1, 0, 4, 1, 0, 1, 0};
    assert_int_equal(cs_capf_server_receive(&s, not_stored, sizeof not_stored, &out, &err), CS_OK);
    assert_true(cs_capf_server_done(&s));
    assert_int_equal(last_reason(&out), CS_CAPF_REASON_NO_ACTION);
    assert_int_equal(fb.finished, 0);
    cs_capf_server_release(&s);

    /* A frame of another session, an unknown command, a malformed frame,
     * a bad device name: END_SESSION 7 each. */
    const uint8_t other_session[] = {0x55, 0x02, 0, 0, 0, 2, 0, 0};
    const uint8_t unknown_command[] = {0x55, 0x63, 0, 0, 0, 1, 0, 0};
    const uint8_t truncated[] = {0x55, 0x02, 0, 0, 0, 1, 0, 4, 1, 0};
    const uint8_t bad_name[] = {0x55, 0x02, 0,   0,   0,   1,   0,   0x13, 0x0d,
                                0,    0x10, '.', '.', '/', 'E', 'P', '0',  '0',
                                '1',  '1',  '2', '2', '3', '3', '4', '4',  0};
    const struct {
        const uint8_t *data;
        size_t len;
    } bad[] = {{other_session, sizeof other_session},
               {unknown_command, sizeof unknown_command},
               {truncated, sizeof truncated},
               {bad_name, sizeof bad_name}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out.len = 0;
        assert_int_equal(cs_capf_server_start(&s, &cfg, &backend, 1, &out, &err), CS_OK);
        out.len = 0;
        assert_int_equal(cs_capf_server_receive(&s, bad[i].data, bad[i].len, &out, &err), CS_OK);
        assert_true(cs_capf_server_done(&s));
        assert_int_equal(out.data[1], CS_CAPF_END_SESSION);
        assert_int_equal(last_reason(&out), CS_CAPF_REASON_INVALID_ELEMENT);
        cs_capf_server_release(&s);
    }
    cs_buf_release(&out);
    cs_buf_release(&fb.pem);
    free_conversation(&conv);
    cs_cert_free(issuer);
    cs_key_free(issuer_key);
}

/* --- the phone's side replaying the recordings ------------------------------- */

/* Feeds the server's lines to the phone's side and compares its answers
 * with the phone's lines, up to the first KEY_GEN_RESP (a new key). */
static void run_client_replay(const char *file, const cs_capf_client_config *cfg)
{
    conversation conv;
    load_conversation(file, &conv);
    cs_capf_client c;
    cs_capf_client_init(&c, cfg);
    cs_buf out = CS_BUF_INIT;
    cs_error err;
    size_t sent = 0;
    for (size_t i = 0; i < conv.count; i++) {
        frame *f = &conv.frames[i];
        if (f->from_server) {
            if (cs_capf_client_receive(&c, f->data, f->len, &out, &err) != CS_OK)
                fail_msg("%s line %zu: %s", file, i + 1, err.message);
            continue;
        }
        if (f->data[1] == CS_CAPF_KEY_GEN_RESP)
            break;
        assert_true(out.len >= sent + f->len);
        if (memcmp(out.data + sent, f->data, f->len) != 0)
            fail_msg("%s line %zu differs", file, i + 1);
        sent += f->len;
    }
    cs_capf_client_release(&c);
    cs_buf_release(&out);
    free_conversation(&conv);
}

static void test_client_password_and_null(void **state)
{
    (void)state;
    cs_capf_client_config pw = {.device = "SEP001122334455", .password = "123456"};
    run_client_replay("capf-install-rsa2048-password.jsonl", &pw);
    cs_capf_client_config null = {.device = "SEP0011223344AA"};
    run_client_replay("capf-install-ec-p256-null-password.jsonl", &null);
    run_client_replay("capf-delete.jsonl", &null);
    cs_capf_client_config wrong = {.device = "SEP0011223344BB", .password = "999999"};
    run_client_replay("capf-wrong-password.jsonl", &wrong);
    cs_capf_client_config unknown = {.device = "SEP00000000FFFF"};
    run_client_replay("capf-unknown-device.jsonl", &unknown);
}

/* PKCS#1 v1.5 signatures are deterministic: the AUTH_RESP with the LSC,
 * its SHA-1 and SHA-512 signed data and SUDI data is the recorded one,
 * byte for byte (the recording used the LSC as SUDI certificate too). */
static void test_client_lsc_auth_matches(void **state)
{
    (void)state;
    cs_cert *lsc = test_load_cert("services/SEP001122334455-lsc.pem");
    cs_key *key = test_load_key("services/SEP001122334455-lsc.pem");
    cs_capf_client_config cfg = {
        .device = "SEP001122334455", .lsc = lsc, .lsc_key = key, .sudi = lsc, .sudi_key = key};
    run_client_replay("capf-install-rsa2048-lsc-auth.jsonl", &cfg);
    cs_cert_free(lsc);
    cs_key_free(key);
}

/* The fetched certificate is the one the EC install issued: the phone's
 * side sends it back in the recorded bytes. */
static void test_client_fetch_matches(void **state)
{
    (void)state;
    conversation ec;
    load_conversation("capf-install-ec-p256-null-password.jsonl", &ec);
    cs_capf_msg m;
    cs_error err;
    const frame *store = &ec.frames[5];
    assert_int_equal(cs_capf_decode(store->data, store->len, &m, &err), CS_OK);
    uint8_t type;
    cs_bytes der;
    assert_int_equal(
        cs_capf_cert_decode(cs_capf_find(&m, CS_CAPF_TAG_CERTIFICATE), &type, &der, &err), CS_OK);
    cs_cert *cert = NULL;
    assert_int_equal(cs_cert_parse(der.data, der.len, &cert, &err), CS_OK);
    cs_capf_client_config cfg = {.device = "SEP0011223344AA", .current = cert};
    run_client_replay("capf-fetch.jsonl", &cfg);
    cs_cert_free(cert);
    free_conversation(&ec);
}

/* --- crypto ---------------------------------------------------------------------- */

/* The server's LSC for the key in the lsc-auth recording, issued at the
 * reference's time, is the reference's certificate byte for byte but for
 * the random serial and the signature (the issuer is self-signed, so the
 * reference's issuer bug does not show). */
static void test_issued_matches_reference(void **state)
{
    (void)state;
    cs_cert *issuer = test_load_cert("services/capf.pem");
    cs_key *issuer_key = test_load_key("services/capf.pem");
    cs_cert *reference = test_load_cert("services/SEP001122334455-issued.pem");
    conversation conv;
    load_conversation("capf-install-rsa2048-lsc-auth.jsonl", &conv);
    cs_capf_msg m;
    cs_error err;
    assert_int_equal(cs_capf_decode(conv.frames[4].data, conv.frames[4].len, &m, &err), CS_OK);
    const cs_tlv *pk = cs_capf_find(&m, CS_CAPF_TAG_PUBLIC_KEY);
    assert_non_null(pk);
    int64_t from, to;
    cs_cert_validity(reference, &from, &to);
    cs_lsc_request req = {issuer,
                          issuer_key,
                          "SEP001122334455",
                          {pk->value, pk->length},
                          {CS_KEY_RSA, 2048, CS_CURVE_NONE},
                          365,
                          (time_t)from};
    cs_buf der = CS_BUF_INIT;
    assert_int_equal(cs_lsc_issue(&req, &der, &err), CS_OK);
    /* Both serials are 16 random bytes, with a sign byte when the top bit
     * is set: the TBSCertificate is the same but for them. */
    cs_bytes want = cs_cert_der(reference);
    const size_t serial_len_at = 14, ref_serial = 16, tbs_end = 4 + 4 + 572;
    size_t ours_serial = der.data[serial_len_at];
    assert_true(ours_serial == 16 || (ours_serial == 17 && der.data[serial_len_at + 1] == 0));
    size_t delta = ours_serial - ref_serial;
    assert_int_equal(der.len, want.len + delta);
    assert_int_equal(cs_load_u16(der.data + 6), cs_load_u16(want.data + 6) + delta);
    assert_memory_equal(der.data + 8, want.data + 8, serial_len_at - 8);
    const size_t after = serial_len_at + 1 + ref_serial;
    assert_memory_equal(der.data + after + delta, want.data + after, tbs_end - after);

    /* Parsed back: signed by the issuer, chains to it, 365 days. */
    cs_cert *ours = NULL;
    assert_int_equal(cs_cert_parse(der.data, der.len, &ours, &err), CS_OK);
    const cs_cert *anchors[] = {issuer};
    assert_int_equal(cs_cert_chains_to(ours, anchors, 1, &err), CS_OK);
    int64_t nb, na;
    cs_cert_validity(ours, &nb, &na);
    assert_int_equal(na - nb, 365 * 86400);

    /* A key that is not the one asked for is refused. */
    req.expected = (cs_lsc_key_spec){CS_KEY_RSA, 4096, CS_CURVE_NONE};
    der.len = 0;
    assert_int_equal(cs_lsc_issue(&req, &der, &err), CS_INVALID);
    req.expected = (cs_lsc_key_spec){CS_KEY_EC, 0, CS_CURVE_P256};
    assert_int_equal(cs_lsc_issue(&req, &der, &err), CS_INVALID);
    req.public_key.len = 10;
    assert_int_equal(cs_lsc_issue(&req, &der, &err), CS_INVALID);

    cs_cert_free(ours);
    cs_buf_release(&der);
    free_conversation(&conv);
    cs_cert_free(reference);
    cs_cert_free(issuer);
    cs_key_free(issuer_key);
}

/* The issuer is the issuing certificate's subject even when that one is
 * not self-signed: an LSC issued by the phone's own LSC names it. */
static void test_issuer_is_issuing_subject(void **state)
{
    (void)state;
    cs_cert *lsc = test_load_cert("services/SEP001122334455-lsc.pem");
    cs_key *key = test_load_key("services/SEP001122334455-lsc.pem");
    cs_buf spki = CS_BUF_INIT, der = CS_BUF_INIT, subject = CS_BUF_INIT, issuer = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_key_public_der(key, &spki, &err), CS_OK);
    cs_lsc_request req = {
        lsc, key,       "SEP0011223344AA", cs_buf_bytes(&spki), {CS_KEY_RSA, 2048, CS_CURVE_NONE},
        30,  time(NULL)};
    assert_int_equal(cs_lsc_issue(&req, &der, &err), CS_OK);
    cs_cert *issued = NULL;
    assert_int_equal(cs_cert_parse(der.data, der.len, &issued, &err), CS_OK);
    assert_int_equal(cs_cert_subject(lsc, &subject, &err), CS_OK);
    assert_int_equal(cs_cert_issuer(issued, &issuer, &err), CS_OK);
    assert_string_equal(cs_buf_str(&issuer), cs_buf_str(&subject));
    subject.len = 0;
    assert_int_equal(cs_cert_subject(issued, &subject, &err), CS_OK);
    assert_string_equal(cs_buf_str(&subject), "CN=SEP0011223344AA,O=Lab,OU=Voice");
    cs_cert_free(issued);
    cs_buf_release(&spki);
    cs_buf_release(&der);
    cs_buf_release(&subject);
    cs_buf_release(&issuer);
    cs_cert_free(lsc);
    cs_key_free(key);
}

static void test_signed_data(void **state)
{
    (void)state;
    conversation conv;
    load_conversation("capf-install-rsa2048-lsc-auth.jsonl", &conv);
    cs_capf_msg m;
    cs_error err;
    assert_int_equal(cs_capf_decode(conv.frames[1].data, conv.frames[1].len, &m, &err), CS_OK);
    cs_cert *lsc = test_load_cert("services/SEP001122334455-lsc.pem");
    cs_buf data = CS_BUF_INIT;
    cs_capf_auth_signed_data(&data, "SEP001122334455", cs_cert_der(lsc));
    const cs_tlv *sha1 = cs_capf_find(&m, CS_CAPF_TAG_SIGNED_DATA);
    uint8_t sig[512];
    memcpy(sig, sha1->value, sha1->length);
    cs_bytes s = {sig, sha1->length};
    assert_int_equal(cs_capf_verify(lsc, CS_MD_SHA1, cs_buf_bytes(&data), s, &err), CS_OK);
    /* the same signature does not pass as SHA-512, nor with a bit flipped,
     * nor one byte short */
    assert_int_equal(cs_capf_verify(lsc, CS_MD_SHA512, cs_buf_bytes(&data), s, &err), CS_INVALID);
    sig[100] ^= 1;
    assert_int_equal(cs_capf_verify(lsc, CS_MD_SHA1, cs_buf_bytes(&data), s, &err), CS_INVALID);
    s.len--;
    assert_int_equal(cs_capf_verify(lsc, CS_MD_SHA1, cs_buf_bytes(&data), s, &err), CS_INVALID);

    /* EC: a P-256 key signs, its certificate verifies. */
    cs_cert *issuer = test_load_cert("services/capf.pem");
    cs_key *issuer_key = test_load_key("services/capf.pem");
    cs_lsc_key_spec spec = {CS_KEY_EC, 0, CS_CURVE_P256};
    cs_key *ec = NULL;
    assert_int_equal(cs_lsc_key_generate(&spec, &ec, &err), CS_OK);
    cs_buf spki = CS_BUF_INIT, der = CS_BUF_INIT, ec_sig = CS_BUF_INIT;
    assert_int_equal(cs_key_public_der(ec, &spki, &err), CS_OK);
    cs_lsc_request req = {issuer, issuer_key, "SEP0011223344AA", cs_buf_bytes(&spki),
                          spec,   1,          time(NULL)};
    assert_int_equal(cs_lsc_issue(&req, &der, &err), CS_OK);
    cs_cert *ec_cert = NULL;
    assert_int_equal(cs_cert_parse(der.data, der.len, &ec_cert, &err), CS_OK);
    assert_int_equal(cs_capf_sign(ec, CS_MD_SHA512, cs_buf_bytes(&data), &ec_sig, &err), CS_OK);
    assert_int_equal(
        cs_capf_verify(ec_cert, CS_MD_SHA512, cs_buf_bytes(&data), cs_buf_bytes(&ec_sig), &err),
        CS_OK);
    ec_sig.data[ec_sig.len - 1] ^= 1;
    assert_int_equal(
        cs_capf_verify(ec_cert, CS_MD_SHA512, cs_buf_bytes(&data), cs_buf_bytes(&ec_sig), &err),
        CS_INVALID);
    /* the LSC does not chain to the EC certificate */
    const cs_cert *anchors[] = {ec_cert};
    assert_int_equal(cs_cert_chains_to(lsc, anchors, 1, &err), CS_INVALID);

    cs_cert_free(ec_cert);
    cs_key_free(ec);
    cs_buf_release(&spki);
    cs_buf_release(&der);
    cs_buf_release(&ec_sig);
    cs_cert_free(issuer);
    cs_key_free(issuer_key);
    cs_buf_release(&data);
    cs_cert_free(lsc);
    free_conversation(&conv);
}

static void test_secret_equal(void **state)
{
    (void)state;
    cs_bytes a = {(const uint8_t *)"123456", 6}, b = {(const uint8_t *)"123457", 6};
    cs_bytes shorter = {(const uint8_t *)"12345", 5}, empty = {(const uint8_t *)"", 0};
    assert_true(cs_secret_equal(a, a));
    assert_false(cs_secret_equal(a, b));
    assert_false(cs_secret_equal(a, shorter));
    assert_false(cs_secret_equal(shorter, a));
    assert_true(cs_secret_equal(empty, empty));
    assert_false(cs_secret_equal(empty, a));
}

/* --- the store ---------------------------------------------------------------------- */

static void copy_reference_db(char *path, size_t size)
{
    snprintf(path, size, "/tmp/test_capf_%ld.sqlite3", (long)getpid());
    cs_buf db = CS_BUF_INIT;
    cs_error err;
    test_read_data("services/capf-reference.sqlite3", &db);
    assert_int_equal(cs_write_file_atomic(path, db.data, db.len, 0600, &err), CS_OK);
    cs_buf_release(&db);
}

static int count_row(const cs_capf_device *dev, void *ctx)
{
    (void)dev;
    ++*(int *)ctx;
    return 0;
}

static void test_store_reference_database(void **state)
{
    (void)state;
    char path[128];
    copy_reference_db(path, sizeof path);
    cs_capf_store *store = NULL;
    cs_error err;
    assert_int_equal(cs_capf_store_open(path, false, &store, &err), CS_OK);
    cs_capf_device dev;
    assert_int_equal(cs_capf_store_get(store, "SEP0011223344BB", &dev, &err), CS_OK);
    assert_int_equal(dev.operation, CS_CAPF_OP_INSTALL);
    assert_int_equal(dev.authentication, CS_CAPF_BY_PASSWORD);
    assert_string_equal(dev.password, "111111");
    assert_int_equal(dev.key_size, 2048);
    assert_int_equal(dev.curve, CS_CURVE_NONE);
    cs_capf_device_release(&dev);
    assert_int_equal(cs_capf_store_get(store, "SEP001122334455", &dev, &err), CS_OK);
    assert_int_equal(dev.authentication, CS_CAPF_BY_CERTIFICATE);
    assert_string_equal(dev.serial, "7e275199a2c417157d28c7a58d9825d9");
    assert_string_equal(dev.not_before, "2026-12-02 01:25:23");
    cs_buf pem = CS_BUF_INIT;
    test_read_data("services/SEP001122334455-issued.pem", &pem);
    assert_int_equal(dev.certificate.len, pem.len);
    assert_memory_equal(dev.certificate.data, pem.data, pem.len);
    cs_capf_device_release(&dev);
    assert_int_equal(cs_capf_store_get(store, "SEP00000000FFFF", &dev, &err), CS_INVALID);
    cs_capf_device_release(&dev);

    /* schedule an EC install for a known device: the certificate stays */
    cs_capf_device_init(&dev);
    snprintf(dev.name, sizeof dev.name, "SEP001122334455");
    dev.operation = CS_CAPF_OP_INSTALL;
    dev.curve = CS_CURVE_P384;
    assert_int_equal(cs_capf_store_schedule(store, &dev, &err), CS_OK);
    cs_capf_device_release(&dev);
    assert_int_equal(cs_capf_store_get(store, "SEP001122334455", &dev, &err), CS_OK);
    assert_int_equal(dev.curve, CS_CURVE_P384);
    assert_int_equal(dev.authentication, CS_CAPF_BY_NO_PASSWORD);
    assert_int_equal(dev.certificate.len, pem.len);
    cs_capf_device_release(&dev);

    /* finish records the facts; a delete clears them */
    assert_int_equal(cs_capf_store_finish(store, "SEP0011223344BB", cs_buf_bytes(&pem), &err),
                     CS_OK);
    assert_int_equal(cs_capf_store_get(store, "SEP0011223344BB", &dev, &err), CS_OK);
    assert_int_equal(dev.operation, CS_CAPF_OP_NONE);
    assert_string_equal(dev.serial, "7e275199a2c417157d28c7a58d9825d9");
    assert_string_equal(dev.not_after, "2027-12-02 01:25:23");
    cs_capf_device_release(&dev);
    assert_int_equal(cs_capf_store_finish(store, "SEP0011223344BB", (cs_bytes){NULL, 0}, &err),
                     CS_OK);
    assert_int_equal(cs_capf_store_get(store, "SEP0011223344BB", &dev, &err), CS_OK);
    assert_int_equal(dev.certificate.len, 0);
    assert_string_equal(dev.serial, "");
    cs_capf_device_release(&dev);

    int rows = 0;
    assert_int_equal(cs_capf_store_each(store, count_row, &rows, &err), CS_OK);
    assert_int_equal(rows, 3);
    assert_int_equal(cs_capf_store_remove(store, "SEP0011223344AA", &err), CS_OK);
    assert_int_equal(cs_capf_store_remove(store, "SEP0011223344AA", &err), CS_INVALID);
    assert_int_equal(cs_capf_store_finish(store, "SEP0011223344AA", (cs_bytes){NULL, 0}, &err),
                     CS_INVALID);
    cs_capf_store_close(store);
    cs_buf_release(&pem);
    unlink(path);

    /* not a CAPF database; a missing one without create */
    assert_int_equal(cs_capf_store_open(test_data_path("services/capf.pem"), false, &store, &err),
                     CS_ERROR);
    assert_int_equal(cs_capf_store_open("/nonexistent/capf.sqlite3", false, &store, &err),
                     CS_ERROR);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_message_round_trips),
        cmocka_unit_test(test_every_prefix_is_refused),
        cmocka_unit_test(test_malformed_headers),
        cmocka_unit_test(test_certificate_value),
        cmocka_unit_test(test_server_install_password),
        cmocka_unit_test(test_server_install_ec_null_password),
        cmocka_unit_test(test_server_install_lsc_auth),
        cmocka_unit_test(test_server_wrong_password),
        cmocka_unit_test(test_server_unknown_device),
        cmocka_unit_test(test_server_fetch_and_delete),
        cmocka_unit_test(test_server_refusals),
        cmocka_unit_test(test_client_password_and_null),
        cmocka_unit_test(test_client_lsc_auth_matches),
        cmocka_unit_test(test_client_fetch_matches),
        cmocka_unit_test(test_issued_matches_reference),
        cmocka_unit_test(test_issuer_is_issuing_subject),
        cmocka_unit_test(test_signed_data),
        cmocka_unit_test(test_secret_equal),
        cmocka_unit_test(test_store_reference_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
