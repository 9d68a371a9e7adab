/* SPDX-License-Identifier: MIT */
/* The SRTP library checks (srtpcheck.h), with libsrtp 2, loaded on demand:
 * `verify srtp` is its only user, and every other command would pay for it
 * (and for NSS behind it) at start-up (tests/bench/startup-bench.sh). */
#include "ciscosec/srtpcheck.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* For the types only: nothing here calls libsrtp but through `api`. */
#include <srtp2/srtp.h>

#include "ciscosec/dynlib.h"

/* The functions used, each with the very type the header declares. */
#define SRTP_FUNCTIONS(X, T)                                                                       \
    X(T, srtp_init)                                                                                \
    X(T, srtp_shutdown)                                                                            \
    X(T, srtp_create)                                                                              \
    X(T, srtp_dealloc)                                                                             \
    X(T, srtp_protect)                                                                             \
    X(T, srtp_unprotect)                                                                           \
    X(T, srtp_protect_rtcp)                                                                        \
    X(T, srtp_unprotect_rtcp)                                                                      \
    X(T, srtp_get_version_string)                                                                  \
    X(T, srtp_crypto_policy_set_rtp_default)                                                       \
    X(T, srtp_crypto_policy_set_rtcp_default)                                                      \
    X(T, srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32)                                           \
    X(T, srtp_crypto_policy_set_aes_gcm_128_16_auth)                                               \
    X(T, srtp_crypto_policy_set_aes_gcm_256_16_auth)

/* The soname, the Debian package and the version built against come from
 * CMakeLists.txt. */
CS_DYNLIB_DEFINE(libsrtp, api, SRTP_FUNCTIONS, "libsrtp 2", CISCOSEC_SRTP2_SONAME,
                 CISCOSEC_SRTP2_PACKAGE, "to check SRTP");

const char *cs_srtp_version(void)
{
    if (cs_dynlib_loaded(&libsrtp))
        return api.srtp_get_version_string();
    return "libsrtp2 " CISCOSEC_SRTP2_VERSION " (built against; loaded on demand)";
}

/* A suite's policy setter, looked up in the loaded library. */
typedef void (*policy_setter)(srtp_crypto_policy_t *p);

enum setter {
    SET_RTP_DEFAULT,
    SET_RTCP_DEFAULT,
    SET_AES_CM_128_HMAC_SHA1_32,
    SET_AES_GCM_128_16_AUTH,
    SET_AES_GCM_256_16_AUTH
};

static policy_setter setter_fn(enum setter which)
{
    switch (which) {
    case SET_RTP_DEFAULT:
        return api.srtp_crypto_policy_set_rtp_default;
    case SET_RTCP_DEFAULT:
        return api.srtp_crypto_policy_set_rtcp_default;
    case SET_AES_CM_128_HMAC_SHA1_32:
        return api.srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32;
    case SET_AES_GCM_128_16_AUTH:
        return api.srtp_crypto_policy_set_aes_gcm_128_16_auth;
    case SET_AES_GCM_256_16_AUTH:
        return api.srtp_crypto_policy_set_aes_gcm_256_16_auth;
    }
    return api.srtp_crypto_policy_set_rtp_default;
}

/* The suites Cisco phones offer in SDP (RFC 4568 and RFC 7714 names). For
 * the _32 suite, SRTCP keeps the 80-bit tag, as RFC 4568 requires. */
static const struct suite {
    const char *name;
    enum setter rtp, rtcp;
    size_t key_len; /* master key and salt */
} suites[CS_SRTP_SUITE_COUNT] = {
    {"AES_CM_128_HMAC_SHA1_80", SET_RTP_DEFAULT, SET_RTCP_DEFAULT, SRTP_AES_ICM_128_KEY_LEN_WSALT},
    {"AES_CM_128_HMAC_SHA1_32", SET_AES_CM_128_HMAC_SHA1_32, SET_RTCP_DEFAULT,
     SRTP_AES_ICM_128_KEY_LEN_WSALT},
    {"AEAD_AES_128_GCM", SET_AES_GCM_128_16_AUTH, SET_AES_GCM_128_16_AUTH,
     SRTP_AES_GCM_128_KEY_LEN_WSALT},
    {"AEAD_AES_256_GCM", SET_AES_GCM_256_16_AUTH, SET_AES_GCM_256_16_AUTH,
     SRTP_AES_GCM_256_KEY_LEN_WSALT},
};

#define MAX_KEY_LEN 64
#define RTP_HEADER 12
#define RTP_PAYLOAD 160 /* 20 ms of G.711 */
#define RTCP_SR 28      /* a sender report without report blocks */
#define SSRC 0xCAFEBABEu

static const char *status_name(srtp_err_status_t s)
{
    switch (s) {
    case srtp_err_status_ok:
        return "ok";
    case srtp_err_status_bad_param:
        return "unsupported parameter";
    case srtp_err_status_alloc_fail:
        return "out of memory";
    case srtp_err_status_init_fail:
        return "initialisation failed";
    case srtp_err_status_auth_fail:
        return "authentication failed";
    case srtp_err_status_cipher_fail:
        return "cipher failed";
    case srtp_err_status_replay_fail:
    case srtp_err_status_replay_old:
        return "replay check failed";
    case srtp_err_status_algo_fail:
        return "algorithm self-test failed";
    default:
        return "failed";
    }
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put_u32(uint8_t *p, uint32_t v)
{
    put_u16(p, (uint16_t)(v >> 16));
    put_u16(p + 2, (uint16_t)v);
}

/* An RTP packet (version 2, payload type 0) with sequence number seq. */
static int make_rtp(uint8_t *buf, uint16_t seq)
{
    memset(buf, 0, RTP_HEADER);
    buf[0] = 0x80;
    put_u16(buf + 2, seq);
    put_u32(buf + 4, 160u * seq);
    put_u32(buf + 8, SSRC);
    for (int i = 0; i < RTP_PAYLOAD; i++)
        buf[RTP_HEADER + i] = (uint8_t)(i * 7 + seq);
    return RTP_HEADER + RTP_PAYLOAD;
}

/* An RTCP sender report (version 2, type 200, length in words - 1). */
static int make_rtcp(uint8_t *buf)
{
    buf[0] = 0x80;
    buf[1] = 200;
    put_u16(buf + 2, RTCP_SR / 4 - 1);
    put_u32(buf + 4, SSRC);
    for (int i = 8; i < RTCP_SR; i++)
        buf[i] = (uint8_t)(i * 13);
    return RTCP_SR;
}

typedef struct session_pair {
    srtp_t tx, rx;
} session_pair;

static srtp_err_status_t create_pair(const struct suite *s, unsigned char *key, session_pair *p)
{
    srtp_policy_t policy;
    memset(&policy, 0, sizeof policy);
    setter_fn(s->rtp)(&policy.rtp);
    setter_fn(s->rtcp)(&policy.rtcp);
    policy.key = key;
    policy.window_size = 128;
    policy.ssrc.type = ssrc_any_outbound;
    srtp_err_status_t rc = api.srtp_create(&p->tx, &policy);
    if (rc != srtp_err_status_ok)
        return rc;
    policy.ssrc.type = ssrc_any_inbound;
    rc = api.srtp_create(&p->rx, &policy);
    if (rc != srtp_err_status_ok) {
        api.srtp_dealloc(p->tx);
        p->tx = NULL;
    }
    return rc;
}

typedef srtp_err_status_t (*protect_fn)(srtp_t ctx, void *pkt, int *len);

/* Protects a packet, checks that the payload changed and that the
 * receiver gets the original back; then protects it again (a new index),
 * changes one byte and checks that the receiver refuses it. */
static bool round_trip(session_pair *p, protect_fn protect, protect_fn unprotect,
                       const uint8_t *plain, int len, int clear_prefix, uint8_t *buf,
                       const char *what, char *detail, size_t size)
{
    memcpy(buf, plain, (size_t)len);
    int n = len;
    srtp_err_status_t rc = protect(p->tx, buf, &n);
    if (rc != srtp_err_status_ok) {
        snprintf(detail, size, "%s protect: %s (libsrtp error %d)", what, status_name(rc), rc);
        return false;
    }
    if (n <= len ||
        memcmp(buf + clear_prefix, plain + clear_prefix, (size_t)(len - clear_prefix)) == 0) {
        snprintf(detail, size, "%s protect left the packet unencrypted or unauthenticated", what);
        return false;
    }
    rc = unprotect(p->rx, buf, &n);
    if (rc != srtp_err_status_ok || n != len || memcmp(buf, plain, (size_t)len) != 0) {
        snprintf(detail, size, "%s unprotect: %s", what,
                 rc != srtp_err_status_ok ? status_name(rc) : "not the original packet");
        return false;
    }
    return true;
}

static bool tamper_refused(session_pair *p, protect_fn protect, protect_fn unprotect, uint8_t *buf,
                           int len, int at, const char *what, char *detail, size_t size)
{
    int n = len;
    srtp_err_status_t rc = protect(p->tx, buf, &n);
    if (rc != srtp_err_status_ok) {
        snprintf(detail, size, "%s protect: %s", what, status_name(rc));
        return false;
    }
    buf[at] ^= 0x01;
    if (unprotect(p->rx, buf, &n) == srtp_err_status_ok) {
        snprintf(detail, size, "a tampered %s packet was accepted", what);
        return false;
    }
    return true;
}

static void check_suite(const struct suite *s, cs_srtp_result *r)
{
    *r = (cs_srtp_result){.suite = s->name};
    unsigned char key[MAX_KEY_LEN];
    for (size_t i = 0; i < s->key_len; i++)
        key[i] = (unsigned char)(0x5A ^ (i * 31));
    session_pair p = {0};
    srtp_err_status_t rc = create_pair(s, key, &p);
    if (rc != srtp_err_status_ok) {
        snprintf(r->detail, sizeof r->detail,
                 "cannot create a session: %s (libsrtp error %d): not available in this "
                 "libsrtp",
                 status_name(rc), rc);
        return;
    }
    uint8_t rtp[RTP_HEADER + RTP_PAYLOAD], rtcp[RTCP_SR];
    uint8_t buf[RTP_HEADER + RTP_PAYLOAD + SRTP_MAX_TRAILER_LEN + 16];
    int rtp_len = make_rtp(rtp, 1);
    int rtcp_len = make_rtcp(rtcp);
    /* RTP and RTCP headers stay clear; the payload must not. */
    bool ok = round_trip(&p, api.srtp_protect, api.srtp_unprotect, rtp, rtp_len, RTP_HEADER, buf,
                         "RTP", r->detail, sizeof r->detail);
    if (ok) {
        make_rtp(buf, 2);
        ok = tamper_refused(&p, api.srtp_protect, api.srtp_unprotect, buf, rtp_len, RTP_HEADER + 5,
                            "RTP", r->detail, sizeof r->detail);
    }
    ok = ok && round_trip(&p, api.srtp_protect_rtcp, api.srtp_unprotect_rtcp, rtcp, rtcp_len, 8,
                          buf, "RTCP", r->detail, sizeof r->detail);
    if (ok) {
        memcpy(buf, rtcp, (size_t)rtcp_len);
        ok = tamper_refused(&p, api.srtp_protect_rtcp, api.srtp_unprotect_rtcp, buf, rtcp_len, 10,
                            "RTCP", r->detail, sizeof r->detail);
    }
    r->ok = ok;
    api.srtp_dealloc(p.tx);
    api.srtp_dealloc(p.rx);
}

int cs_srtp_check(cs_srtp_result results[CS_SRTP_SUITE_COUNT], cs_error *err)
{
    int loaded = cs_dynlib_load(&libsrtp, err);
    if (loaded != CS_OK)
        return loaded;
    srtp_err_status_t rc = api.srtp_init();
    if (rc != srtp_err_status_ok)
        return cs_fail(err, CS_ERROR, "cannot initialise libsrtp: %s (error %d)", status_name(rc),
                       rc);
    int status = CS_OK;
    for (size_t i = 0; i < CS_SRTP_SUITE_COUNT; i++) {
        check_suite(&suites[i], &results[i]);
        if (!results[i].ok)
            status = CS_INVALID;
    }
    api.srtp_shutdown();
    return status;
}
