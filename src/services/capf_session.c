/* SPDX-License-Identifier: MIT */
/* CAPF sessions without I/O (capfsession.h). */
#include "ciscosec/capfsession.h"

#include "ciscosec/device.h"
#include "ciscosec/tlsserver.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum server_state {
    S_AUTH,    /* AUTH_REQ sent */
    S_KEY_GEN, /* KEY_GEN_REQ sent */
    S_STORE,   /* STORE_CERT_REQ sent */
    S_FETCH,   /* FETCH_CERT_REQ sent */
    S_DELETE,  /* DELETE_CERT_REQ sent */
    S_DONE,    /* END_SESSION sent */
};

static const uint8_t reason_success = CS_CAPF_REASON_SUCCESS;
static const uint8_t null_password[] = {0};

void cs_capf_auth_signed_data(cs_buf *out, const char *device, cs_bytes cert_der)
{
    cs_buf_append(out, device, strlen(device) + 1); /* with its NUL */
    cs_buf_append(out, cert_der.data, cert_der.len);
}

void cs_capf_sudi_signed_data(cs_buf *out, uint32_t session_id, cs_bytes cert_der)
{
    uint8_t id[4] = {(uint8_t)session_id, (uint8_t)(session_id >> 8), (uint8_t)(session_id >> 16),
                     (uint8_t)(session_id >> 24)};
    cs_buf_append(out, id, sizeof id);
    cs_buf_append(out, cert_der.data, cert_der.len);
}

/* --- the server ------------------------------------------------------------- */

static int send_msg(const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    return cs_capf_encode(m, out, err);
}

/* Ends the session with the reason, and says why in the log's result. */
static int end_session(cs_capf_server *s, uint8_t reason, cs_buf *out, cs_error *err,
                       const char *fmt, ...) CS_PRINTF(5, 6);

static int end_session(cs_capf_server *s, uint8_t reason, cs_buf *out, cs_error *err,
                       const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->result, sizeof s->result, fmt, ap);
    va_end(ap);
    s->state = S_DONE;
    cs_capf_msg m;
    cs_capf_msg_init(&m, CS_CAPF_END_SESSION, s->session_id);
    cs_capf_add(&m, CS_CAPF_TAG_REASON, &reason, 1);
    return send_msg(&m, out, err);
}

int cs_capf_server_start(cs_capf_server *s, const cs_capf_server_config *cfg,
                         const cs_capf_backend *backend, uint32_t session_id, cs_buf *out,
                         cs_error *err)
{
    memset(s, 0, sizeof *s);
    s->cfg = cfg;
    s->backend = backend;
    s->session_id = session_id;
    s->state = S_AUTH;
    s->now = time(NULL);
    cs_capf_device_init(&s->device);
    cs_buf_init(&s->issued);
    snprintf(s->result, sizeof s->result, "no answer");
    static const uint8_t version = CS_CAPF_VERSION, auth_type = CS_CAPF_AUTH_NONE;
    cs_capf_msg m;
    cs_capf_msg_init(&m, CS_CAPF_AUTH_REQ, session_id);
    cs_capf_add(&m, CS_CAPF_TAG_VERSION, &version, 1);
    cs_capf_add(&m, CS_CAPF_TAG_AUTH_TYPE, &auth_type, 1);
    return send_msg(&m, out, err);
}

bool cs_capf_server_done(const cs_capf_server *s)
{
    return s->state == S_DONE;
}

const char *cs_capf_server_operation(const cs_capf_server *s)
{
    return s->known ? cs_capf_operation_name(s->device.operation) : "-";
}

void cs_capf_server_release(cs_capf_server *s)
{
    cs_capf_device_release(&s->device);
    cs_buf_release(&s->issued);
}

/* One signature over data, from a part of a SHA2_SIGNED_DATA or SUDI_DATA
 * value or a whole SIGNED_DATA value. */
static int verify_part(const cs_cert *cert, cs_md md, cs_bytes data, const cs_tlv *element,
                       int part, cs_error *err)
{
    if (element == NULL)
        return cs_fail(err, CS_INVALID, "no %s signed data", cs_md_name(md));
    cs_bytes sig = {element->value, element->length};
    if (part >= 0 && cs_capf_inner_find(element, (uint8_t)part, &sig, err) != CS_OK)
        return CS_INVALID;
    return cs_capf_verify(cert, md, data, sig, err);
}

static int check_chain(const cs_capf_server *s, const cs_cert *cert, cs_error *err)
{
    const cs_cert *issuer = s->cfg->issuer;
    if (cs_cert_chains_to(cert, &issuer, 1, NULL) == CS_OK)
        return CS_OK;
    return cs_cert_chains_to(cert, s->cfg->verify, s->cfg->verify_count, err);
}

/* The SUDI certificate and its signatures over the session id and itself. */
static int check_sudi(const cs_capf_server *s, const cs_tlv *sudi, cs_error *err)
{
    cs_bytes der;
    if (cs_capf_inner_find(sudi, CS_CAPF_SUDI_CERT, &der, err) != CS_OK)
        return CS_INVALID;
    cs_cert *cert = NULL;
    if (cs_cert_parse(der.data, der.len, &cert, err) != CS_OK)
        return CS_INVALID;
    cs_buf data = CS_BUF_INIT;
    cs_capf_sudi_signed_data(&data, s->session_id, der);
    int rc = check_chain(s, cert, err);
    if (rc == CS_OK)
        rc = verify_part(cert, CS_MD_SHA1, cs_buf_bytes(&data), sudi, CS_CAPF_SUDI_SHA1, err);
    if (rc == CS_OK)
        rc = verify_part(cert, CS_MD_SHA512, cs_buf_bytes(&data), sudi, CS_CAPF_SUDI_SHA512, err);
    if (rc != CS_OK)
        cs_error_prefix(err, "SUDI");
    cs_buf_release(&data);
    cs_cert_free(cert);
    return rc == CS_ERROR ? CS_INVALID : rc;
}

/* Certificate authentication: the phone's LSC or MIC chains to a trusted
 * certificate and signed its device name and itself. */
static int check_certificate(const cs_capf_server *s, const cs_capf_msg *m, const char *device,
                             cs_error *err)
{
    const cs_tlv *element = cs_capf_find(m, CS_CAPF_TAG_CERTIFICATE);
    uint8_t type;
    cs_bytes der;
    cs_cert *cert = NULL;
    if (element == NULL)
        return cs_fail(err, CS_INVALID, "no certificate");
    if (cs_capf_cert_decode(element, &type, &der, err) != CS_OK ||
        cs_cert_parse(der.data, der.len, &cert, err) != CS_OK)
        return CS_INVALID;
    cs_buf data = CS_BUF_INIT;
    cs_capf_auth_signed_data(&data, device, der);
    int rc = data.failed ? cs_fail(err, CS_ERROR, "out of memory") : check_chain(s, cert, err);
    if (rc == CS_OK)
        rc = verify_part(cert, CS_MD_SHA1, cs_buf_bytes(&data),
                         cs_capf_find(m, CS_CAPF_TAG_SIGNED_DATA), -1, err);
    if (rc == CS_OK)
        rc = verify_part(cert, CS_MD_SHA512, cs_buf_bytes(&data),
                         cs_capf_find(m, CS_CAPF_TAG_SHA2_SIGNED_DATA), CS_CAPF_DIGEST_SHA512, err);
    const cs_tlv *sudi = cs_capf_find(m, CS_CAPF_TAG_SUDI_DATA);
    if (rc == CS_OK && sudi != NULL)
        rc = check_sudi(s, sudi, err);
    cs_buf_release(&data);
    cs_cert_free(cert);
    return rc;
}

static int check_password(const cs_capf_server *s, const cs_capf_msg *m, cs_error *err)
{
    cs_bytes given;
    if (cs_capf_get_text(m, CS_CAPF_TAG_PASSWORD, &given, err) != CS_OK)
        return CS_INVALID;
    cs_bytes want = {(const uint8_t *)s->device.password, strlen(s->device.password)};
    if (!cs_secret_equal(given, want))
        return cs_fail(err, CS_INVALID, "wrong password");
    return CS_OK;
}

static cs_lsc_key_spec key_spec(const cs_capf_device *dev)
{
    cs_lsc_key_spec spec = {CS_KEY_RSA, dev->key_size, CS_CURVE_NONE};
    if (dev->curve != CS_CURVE_NONE)
        spec = (cs_lsc_key_spec){CS_KEY_EC, 0, dev->curve};
    return spec;
}

static uint8_t wire_curve(cs_curve curve)
{
    return curve == CS_CURVE_P384   ? CS_CAPF_CURVE_P384
           : curve == CS_CURVE_P521 ? CS_CAPF_CURVE_P521
                                    : CS_CAPF_CURVE_P256;
}

/* The scheduled operation's first request, once the phone is trusted. */
static int start_operation(cs_capf_server *s, cs_buf *out, cs_error *err)
{
    cs_capf_msg m;
    switch (s->device.operation) {
    case CS_CAPF_OP_INSTALL: {
        cs_lsc_key_spec spec = key_spec(&s->device);
        uint8_t size[2] = {(uint8_t)(spec.rsa_bits >> 8), (uint8_t)spec.rsa_bits};
        uint8_t type = spec.type == CS_KEY_EC ? CS_CAPF_KEY_EC : CS_CAPF_KEY_RSA;
        uint8_t curve = wire_curve(spec.curve);
        cs_capf_msg_init(&m, CS_CAPF_KEY_GEN_REQ, s->session_id);
        if (spec.type == CS_KEY_RSA)
            cs_capf_add(&m, CS_CAPF_TAG_KEY_SIZE, size, sizeof size);
        cs_capf_add(&m, CS_CAPF_TAG_KEY_TYPE, &type, 1);
        if (spec.type == CS_KEY_EC)
            cs_capf_add(&m, CS_CAPF_TAG_CURVE, &curve, 1);
        s->state = S_KEY_GEN;
        return send_msg(&m, out, err);
    }
    case CS_CAPF_OP_FETCH:
        cs_capf_msg_init(&m, CS_CAPF_FETCH_CERT_REQ, s->session_id);
        s->state = S_FETCH;
        return send_msg(&m, out, err);
    case CS_CAPF_OP_DELETE:
        cs_capf_msg_init(&m, CS_CAPF_DELETE_CERT_REQ, s->session_id);
        s->state = S_DELETE;
        return send_msg(&m, out, err);
    case CS_CAPF_OP_NONE:
    default:
        return end_session(s, CS_CAPF_REASON_NO_ACTION, out, err, "nothing scheduled");
    }
}

static int on_auth(cs_capf_server *s, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    cs_bytes name;
    cs_error why;
    if (cs_capf_get_text(m, CS_CAPF_TAG_DEVICE_NAME, &name, &why) != CS_OK)
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err, "%s", why.message);
    if (!cs_device_name_valid((const char *)name.data, name.len))
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err, "invalid device name");
    char device[CS_DEVICE_NAME_MAX + 1];
    memcpy(device, name.data, name.len);
    device[name.len] = '\0';
    cs_capf_device_release(&s->device);
    int rc = s->backend->lookup(s->backend->ctx, device, &s->device, &why);
    if (rc == CS_INVALID)
        return end_session(s, CS_CAPF_REASON_UNKNOWN_DEVICE, out, err, "%s: unknown device",
                           device);
    if (rc != CS_OK)
        return end_session(s, CS_CAPF_REASON_NO_ACTION, out, err, "%s: %s", device, why.message);
    s->known = true;
    if (s->device.authentication == CS_CAPF_BY_PASSWORD)
        rc = check_password(s, m, &why);
    else if (s->device.authentication == CS_CAPF_BY_CERTIFICATE)
        rc = check_certificate(s, m, device, &why);
    if (rc != CS_OK)
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err, "%s", why.message);
    return start_operation(s, out, err);
}

static int on_key(cs_capf_server *s, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    const cs_tlv *key = cs_capf_find(m, CS_CAPF_TAG_PUBLIC_KEY);
    if (key == NULL)
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err,
                           "the phone sent no public key");
    cs_lsc_request req = {
        .issuer = s->cfg->issuer,
        .issuer_key = s->cfg->issuer_key,
        .device = s->device.name,
        .public_key = {key->value, key->length},
        .expected = key_spec(&s->device),
        .days = s->cfg->days,
        .now = s->now,
    };
    cs_buf der = CS_BUF_INIT;
    cs_error why;
    int rc = cs_lsc_issue(&req, &der, &why);
    cs_buf value = CS_BUF_INIT;
    if (rc == CS_OK)
        rc = cs_cert_pem_encode(cs_buf_bytes(&der), &s->issued, &why);
    if (rc == CS_OK) {
        cs_capf_cert_encode(&value, CS_CAPF_CERT_LSC, cs_buf_bytes(&der));
        static const uint8_t lsc = CS_CAPF_CERT_LSC;
        cs_capf_msg reply;
        cs_capf_msg_init(&reply, CS_CAPF_STORE_CERT_REQ, s->session_id);
        cs_capf_add(&reply, CS_CAPF_TAG_CERT_TYPE, &lsc, 1);
        cs_capf_add(&reply, CS_CAPF_TAG_CERTIFICATE, value.data, value.len);
        s->state = S_STORE;
        rc = value.failed ? cs_fail(err, CS_ERROR, "out of memory") : send_msg(&reply, out, err);
    } else {
        rc = end_session(
            s, rc == CS_INVALID ? CS_CAPF_REASON_INVALID_ELEMENT : CS_CAPF_REASON_NO_ACTION, out,
            err, "%s", why.message);
    }
    cs_buf_release(&value);
    cs_buf_release(&der);
    return rc;
}

/* The phone's REASON: 1 means it did what was asked. */
static bool phone_succeeded(const cs_capf_msg *m)
{
    uint8_t reason = 0;
    return cs_capf_get_u8(m, CS_CAPF_TAG_REASON, &reason, NULL) == CS_OK &&
           reason == CS_CAPF_REASON_SUCCESS;
}

static int record(cs_capf_server *s, cs_bytes pem, uint8_t reason, const char *done, cs_buf *out,
                  cs_error *err)
{
    cs_error why;
    if (s->backend->finish(s->backend->ctx, s->device.name, s->device.operation, pem, &why) !=
        CS_OK)
        return end_session(s, CS_CAPF_REASON_NO_ACTION, out, err, "%s", why.message);
    return end_session(s, reason, out, err, "%s", done);
}

static int on_stored(cs_capf_server *s, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    if (!phone_succeeded(m))
        return end_session(s, CS_CAPF_REASON_NO_ACTION, out, err,
                           "the phone did not store the certificate");
    return record(s, cs_buf_bytes(&s->issued), CS_CAPF_REASON_SUCCESS, "installed", out, err);
}

static int on_fetched(cs_capf_server *s, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    const cs_tlv *element = cs_capf_find(m, CS_CAPF_TAG_CERTIFICATE);
    if (!phone_succeeded(m) || element == NULL)
        return end_session(s, CS_CAPF_REASON_NO_ACTION, out, err, "the phone sent no certificate");
    uint8_t type;
    cs_bytes der;
    cs_cert *cert = NULL;
    cs_error why;
    if (cs_capf_cert_decode(element, &type, &der, &why) != CS_OK ||
        cs_cert_parse(der.data, der.len, &cert, &why) != CS_OK)
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err, "%s", why.message);
    cs_cert_free(cert);
    cs_buf pem = CS_BUF_INIT;
    int rc = cs_cert_pem_encode(der, &pem, err);
    if (rc == CS_OK)
        rc = record(s, cs_buf_bytes(&pem), CS_CAPF_REASON_NO_ACTION, "fetched", out, err);
    cs_buf_release(&pem);
    return rc;
}

static int on_deleted(cs_capf_server *s, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    if (!phone_succeeded(m))
        return end_session(s, CS_CAPF_REASON_NO_ACTION, out, err,
                           "the phone did not delete its certificate");
    return record(s, (cs_bytes){NULL, 0}, CS_CAPF_REASON_SUCCESS, "deleted", out, err);
}

/* The command each state waits for. */
static const uint8_t awaited[] = {
    [S_AUTH] = CS_CAPF_AUTH_RESP,          [S_KEY_GEN] = CS_CAPF_KEY_GEN_RESP,
    [S_STORE] = CS_CAPF_STORE_CERT_RESP,   [S_FETCH] = CS_CAPF_FETCH_CERT_RESP,
    [S_DELETE] = CS_CAPF_DELETE_CERT_RESP, [S_DONE] = 0,
};

int cs_capf_server_receive(cs_capf_server *s, const uint8_t *frame, size_t len, cs_buf *out,
                           cs_error *err)
{
    if (s->state == S_DONE)
        return CS_OK; /* the session is over: nothing more to say */
    cs_capf_msg m;
    cs_error why;
    if (cs_capf_decode(frame, len, &m, &why) != CS_OK)
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err, "malformed frame: %s",
                           why.message);
    if (m.session_id != s->session_id)
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err,
                           "session id %u in a frame of session %u", m.session_id, s->session_id);
    if (m.command == CS_CAPF_REQUEST_IN_PROGRESS && s->state != S_AUTH)
        return CS_OK; /* the phone is busy (making its key): wait */
    if (m.command != awaited[s->state])
        return end_session(s, CS_CAPF_REASON_INVALID_ELEMENT, out, err, "unexpected %s (%u)",
                           cs_capf_command_name(m.command), m.command);
    switch (s->state) {
    case S_AUTH:
        return on_auth(s, &m, out, err);
    case S_KEY_GEN:
        return on_key(s, &m, out, err);
    case S_STORE:
        return on_stored(s, &m, out, err);
    case S_FETCH:
        return on_fetched(s, &m, out, err);
    default:
        return on_deleted(s, &m, out, err);
    }
}

/* --- the phone's side ------------------------------------------------------- */

void cs_capf_client_init(cs_capf_client *c, const cs_capf_client_config *cfg)
{
    memset(c, 0, sizeof *c);
    c->cfg = cfg;
}

void cs_capf_client_release(cs_capf_client *c)
{
    cs_key_free(c->key);
    c->key = NULL;
    c->active = NULL;
}

/* The SHA-1 and SHA-512 signatures of data, as a phone makes them. */
static int sign_both(const cs_key *key, cs_bytes data, cs_buf *sha1, cs_buf *sha512, cs_error *err)
{
    int rc = cs_capf_sign(key, CS_MD_SHA1, data, sha1, err);
    return rc == CS_OK ? cs_capf_sign(key, CS_MD_SHA512, data, sha512, err) : rc;
}

/* The signatures of certificate authentication: SIGNED_DATA is the bare
 * SHA-1 signature, SHA2_SIGNED_DATA the SHA-512 one as a part. */
static int lsc_proof(const cs_capf_client *c, cs_buf *cert, cs_buf *sha1, cs_buf *sha2,
                     cs_error *err)
{
    cs_bytes der = cs_cert_der(c->cfg->lsc);
    cs_buf data = CS_BUF_INIT, sig = CS_BUF_INIT;
    cs_capf_cert_encode(cert, CS_CAPF_CERT_LSC, der);
    cs_capf_auth_signed_data(&data, c->cfg->device, der);
    int rc = sign_both(c->cfg->lsc_key, cs_buf_bytes(&data), sha1, &sig, err);
    if (rc == CS_OK)
        cs_tlv_put(sha2, CS_CAPF_DIGEST_SHA512, sig.data, sig.len);
    cs_buf_release(&data);
    cs_buf_release(&sig);
    return rc;
}

/* SUDI_DATA: the certificate, then its SHA-1 and SHA-512 signatures. */
static int sudi_proof(const cs_capf_client *c, cs_buf *sudi, cs_error *err)
{
    cs_bytes der = cs_cert_der(c->cfg->sudi);
    cs_buf data = CS_BUF_INIT, sha1 = CS_BUF_INIT, sha512 = CS_BUF_INIT;
    cs_capf_sudi_signed_data(&data, c->session_id, der);
    int rc = sign_both(c->cfg->sudi_key, cs_buf_bytes(&data), &sha1, &sha512, err);
    if (rc == CS_OK) {
        cs_tlv_put(sudi, CS_CAPF_SUDI_CERT, der.data, der.len);
        cs_tlv_put(sudi, CS_CAPF_SUDI_SHA1, sha1.data, sha1.len);
        cs_tlv_put(sudi, CS_CAPF_SUDI_SHA512, sha512.data, sha512.len);
    }
    cs_buf_release(&data);
    cs_buf_release(&sha1);
    cs_buf_release(&sha512);
    return rc;
}

/* AUTH_RESP with its elements in tag order, as phones send them. */
static int auth_resp(cs_capf_client *c, cs_buf *out, cs_error *err)
{
    const cs_capf_client_config *cfg = c->cfg;
    static const uint8_t version = CS_CAPF_VERSION;
    cs_buf cert = CS_BUF_INIT, sha1 = CS_BUF_INIT, sha2 = CS_BUF_INIT, sudi = CS_BUF_INIT;
    int rc = CS_OK;
    if (cfg->lsc != NULL)
        rc = lsc_proof(c, &cert, &sha1, &sha2, err);
    if (rc == CS_OK && cfg->sudi != NULL)
        rc = sudi_proof(c, &sudi, err);
    const char *password = cfg->password != NULL ? cfg->password : "";
    cs_capf_msg m;
    cs_capf_msg_init(&m, CS_CAPF_AUTH_RESP, c->session_id);
    cs_capf_add(&m, CS_CAPF_TAG_REASON, &reason_success, 1);
    if (cfg->lsc != NULL) {
        cs_capf_add(&m, CS_CAPF_TAG_CERTIFICATE, cert.data, cert.len);
        cs_capf_add(&m, CS_CAPF_TAG_SIGNED_DATA, sha1.data, sha1.len);
    }
    cs_capf_add(&m, CS_CAPF_TAG_VERSION, &version, 1);
    cs_capf_add(&m, CS_CAPF_TAG_PASSWORD, *password ? password : (const char *)null_password,
                strlen(password) + 1);
    cs_capf_add(&m, CS_CAPF_TAG_DEVICE_NAME, cfg->device, strlen(cfg->device) + 1);
    if (cfg->sudi != NULL)
        cs_capf_add(&m, CS_CAPF_TAG_SUDI_DATA, sudi.data, sudi.len);
    if (cfg->lsc != NULL)
        cs_capf_add(&m, CS_CAPF_TAG_SHA2_SIGNED_DATA, sha2.data, sha2.len);
    bool failed = cert.failed || sha1.failed || sha2.failed || sudi.failed;
    if (rc == CS_OK)
        rc = failed ? cs_fail(err, CS_ERROR, "out of memory") : send_msg(&m, out, err);
    cs_buf_release(&cert);
    cs_buf_release(&sha1);
    cs_buf_release(&sha2);
    cs_buf_release(&sudi);
    return rc;
}

static int key_spec_from(const cs_capf_msg *m, cs_lsc_key_spec *spec, cs_error *err)
{
    uint8_t type = CS_CAPF_KEY_RSA, curve = 0;
    uint16_t bits = 0;
    if (cs_capf_find(m, CS_CAPF_TAG_KEY_TYPE) != NULL &&
        cs_capf_get_u8(m, CS_CAPF_TAG_KEY_TYPE, &type, err) != CS_OK)
        return CS_ERROR;
    if (type == CS_CAPF_KEY_EC) {
        if (cs_capf_get_u8(m, CS_CAPF_TAG_CURVE, &curve, err) != CS_OK)
            return CS_ERROR;
        static const cs_curve curves[] = {CS_CURVE_P256, CS_CURVE_P384, CS_CURVE_P521};
        if (curve >= sizeof curves / sizeof curves[0])
            return cs_fail(err, CS_ERROR, "the server asks for unknown curve %u", curve);
        *spec = (cs_lsc_key_spec){CS_KEY_EC, 0, curves[curve]};
        return CS_OK;
    }
    if (type != CS_CAPF_KEY_RSA)
        return cs_fail(err, CS_ERROR, "the server asks for unknown key type %u", type);
    if (cs_capf_get_u16(m, CS_CAPF_TAG_KEY_SIZE, &bits, err) != CS_OK)
        return CS_ERROR;
    if (bits < CS_RSA_MIN_BITS || bits > CS_RSA_MAX_BITS || bits % 8 != 0)
        return cs_fail(err, CS_ERROR, "the server asks for an RSA key of %u bits", bits);
    *spec = (cs_lsc_key_spec){CS_KEY_RSA, bits, CS_CURVE_NONE};
    return CS_OK;
}

/* REQUEST_IN_PROGRESS first, as phones do while they make the key. */
static int key_gen_resp(cs_capf_client *c, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    cs_lsc_key_spec spec;
    int rc = key_spec_from(m, &spec, err);
    if (rc != CS_OK)
        return rc;
    cs_capf_msg reply;
    cs_capf_msg_init(&reply, CS_CAPF_REQUEST_IN_PROGRESS, c->session_id);
    rc = send_msg(&reply, out, err);
    cs_key_free(c->key);
    c->key = NULL;
    if (rc == CS_OK && c->cfg->key == NULL)
        rc = cs_lsc_key_generate(&spec, &c->key, err);
    c->active = c->cfg->key != NULL ? c->cfg->key : c->key;
    cs_buf spki = CS_BUF_INIT;
    if (rc == CS_OK)
        rc = cs_key_public_der(c->active, &spki, err);
    if (rc == CS_OK) {
        cs_capf_msg_init(&reply, CS_CAPF_KEY_GEN_RESP, c->session_id);
        cs_capf_add(&reply, CS_CAPF_TAG_PUBLIC_KEY, spki.data, spki.len);
        rc = send_msg(&reply, out, err);
    }
    cs_buf_release(&spki);
    return rc;
}

static int store_cert_resp(cs_capf_client *c, const cs_capf_msg *m, cs_buf *out, cs_error *err)
{
    const cs_tlv *element = cs_capf_find(m, CS_CAPF_TAG_CERTIFICATE);
    uint8_t type;
    cs_bytes der;
    if (element == NULL)
        return cs_fail(err, CS_ERROR, "STORE_CERT_REQ has no certificate");
    if (c->active == NULL)
        return cs_fail(err, CS_ERROR, "STORE_CERT_REQ before any KEY_GEN_REQ");
    int rc = cs_capf_cert_decode(element, &type, &der, err);
    if (rc == CS_OK && c->cfg->store != NULL)
        rc = c->cfg->store(c->cfg->store_ctx, der, c->active, err);
    if (rc != CS_OK)
        return rc;
    c->stored = true;
    cs_capf_msg reply;
    cs_capf_msg_init(&reply, CS_CAPF_STORE_CERT_RESP, c->session_id);
    cs_capf_add(&reply, CS_CAPF_TAG_REASON, &reason_success, 1);
    return send_msg(&reply, out, err);
}

static int fetch_cert_resp(cs_capf_client *c, cs_buf *out, cs_error *err)
{
    static const uint8_t no_action = CS_CAPF_REASON_NO_ACTION;
    cs_buf value = CS_BUF_INIT;
    cs_capf_msg reply;
    cs_capf_msg_init(&reply, CS_CAPF_FETCH_CERT_RESP, c->session_id);
    if (c->cfg->current == NULL) {
        cs_capf_add(&reply, CS_CAPF_TAG_REASON, &no_action, 1);
    } else {
        cs_capf_cert_encode(&value, CS_CAPF_CERT_LSC, cs_cert_der(c->cfg->current));
        cs_capf_add(&reply, CS_CAPF_TAG_REASON, &reason_success, 1);
        cs_capf_add(&reply, CS_CAPF_TAG_CERTIFICATE, value.data, value.len);
    }
    int rc = value.failed ? cs_fail(err, CS_ERROR, "out of memory") : send_msg(&reply, out, err);
    cs_buf_release(&value);
    return rc;
}

int cs_capf_client_receive(cs_capf_client *c, const uint8_t *frame, size_t len, cs_buf *out,
                           cs_error *err)
{
    cs_capf_msg m;
    int rc = cs_capf_decode(frame, len, &m, err);
    if (rc != CS_OK)
        return rc;
    if (c->done)
        return cs_fail(err, CS_ERROR, "%s after END_SESSION", cs_capf_command_name(m.command));
    if (m.command == CS_CAPF_AUTH_REQ && c->session_id == 0)
        c->session_id = m.session_id; /* the server picks it */
    else if (m.session_id != c->session_id)
        return cs_fail(err, CS_ERROR, "the server changed the session id from %u to %u",
                       c->session_id, m.session_id);
    cs_capf_msg reply;
    switch (m.command) {
    case CS_CAPF_AUTH_REQ:
        return auth_resp(c, out, err);
    case CS_CAPF_KEY_GEN_REQ:
        c->operation = m.command;
        return key_gen_resp(c, &m, out, err);
    case CS_CAPF_STORE_CERT_REQ:
        return store_cert_resp(c, &m, out, err);
    case CS_CAPF_FETCH_CERT_REQ:
        c->operation = m.command;
        return fetch_cert_resp(c, out, err);
    case CS_CAPF_DELETE_CERT_REQ:
        c->operation = m.command;
        cs_capf_msg_init(&reply, CS_CAPF_DELETE_CERT_RESP, c->session_id);
        cs_capf_add(&reply, CS_CAPF_TAG_REASON, &reason_success, 1);
        return send_msg(&reply, out, err);
    case CS_CAPF_END_SESSION:
        c->done = true;
        return cs_capf_get_u8(&m, CS_CAPF_TAG_REASON, &c->end_reason, err);
    default:
        return cs_fail(err, CS_ERROR, "unexpected %s (%u) from the server",
                       cs_capf_command_name(m.command), m.command);
    }
}

/* Sends each frame in out as a write of its own. */
static int send_frames(cs_tls_client *tls, const cs_buf *out, cs_error *err)
{
    size_t at = 0;
    while (at < out->len) {
        size_t size = 0;
        int rc = cs_capf_frame_size(out->data + at, &size, err);
        if (rc == CS_OK)
            rc = cs_tls_client_write(tls, out->data + at, size, err);
        if (rc != CS_OK)
            return rc;
        at += size;
    }
    return CS_OK;
}

static int read_frame(cs_tls_client *tls, cs_buf *frame, cs_error *err)
{
    uint8_t head[CS_CAPF_HEADER_SIZE];
    size_t size = 0;
    int rc = cs_tls_client_read(tls, head, sizeof head, err);
    if (rc == CS_OK && cs_capf_frame_size(head, &size, err) != CS_OK)
        rc = CS_INVALID;
    frame->len = 0;
    if (rc == CS_OK && !cs_buf_reserve(frame, size))
        rc = cs_fail(err, CS_ERROR, "out of memory");
    if (rc == CS_OK) {
        cs_buf_append(frame, head, sizeof head);
        rc = cs_tls_client_read(tls, frame->data + frame->len, size - sizeof head, err);
        frame->len = size;
    }
    return rc;
}

int cs_capf_client_run(cs_capf_client *c, cs_tls_client *tls, cs_error *err)
{
    cs_buf frame = CS_BUF_INIT, out = CS_BUF_INIT;
    int rc = CS_OK;
    while (rc == CS_OK && !c->done) {
        out.len = 0;
        rc = read_frame(tls, &frame, err);
        if (rc == CS_OK)
            rc = cs_capf_client_receive(c, frame.data, frame.len, &out, err);
        if (rc == CS_OK)
            rc = send_frames(tls, &out, err);
    }
    cs_buf_release(&frame);
    cs_buf_release(&out);
    return rc;
}
