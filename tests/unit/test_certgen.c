/* SPDX-License-Identifier: MIT */
/* certgen: certificates made like the reference's, field for field.
 *
 * Each generated certificate is parsed back with mbedTLS (cs_cert_parse)
 * and taken apart with a small DER walker; every field that does not
 * depend on the key or on chance (version, signature algorithm, issuer,
 * validity, subject, key algorithm, the extensions but the key identifier)
 * must be byte-identical to the vector the reference made from the same
 * options on the same day (2026-11-28). */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/certgen.h"
#include "ciscosec/crypto.h"
#include "ciscosec/fileio.h"

/* 2026-11-28 12:34:56 UTC: the day the vectors were made, at noon-ish. */
#define VECTOR_DAY 1795869296
#define VECTOR_MIDNIGHT 1795824000
#define VECTOR_PLUS_10_YEARS 2111443200
#define VECTOR_PLUS_20_YEARS 2426976000

/* --- a DER walker for the tests ------------------------------------------------ */

/* Takes the next element (header and content) off [*p, end). */
static cs_bytes der_next(const uint8_t **p, const uint8_t *end)
{
    assert_true(end - *p >= 2);
    size_t len = (*p)[1], header = 2;
    if (len & 0x80) {
        size_t n = len & 0x7F;
        assert_true(n >= 1 && n <= 2 && (size_t)(end - *p) >= 2 + n);
        len = 0;
        for (size_t i = 0; i < n; i++)
            len = len << 8 | (*p)[2 + i];
        header += n;
    }
    assert_true((size_t)(end - *p) - header >= len);
    cs_bytes element = {*p, header + len};
    *p += header + len;
    return element;
}

/* The content of an element. */
static cs_bytes der_content(cs_bytes element)
{
    const uint8_t *p = element.data;
    size_t header = (p[1] & 0x80) ? 2 + (size_t)(p[1] & 0x7F) : 2;
    return (cs_bytes){p + header, element.len - header};
}

enum { F_VERSION, F_SERIAL, F_SIG_ALG, F_ISSUER, F_VALIDITY, F_SUBJECT, F_SPKI, F_EXTENSIONS };
#define N_TBS_FIELDS 8
#define MAX_EXTENSIONS 8

typedef struct cert_parts {
    cs_bytes tbs[N_TBS_FIELDS];
    cs_bytes sig_alg; /* the outer one, after the TBSCertificate */
    cs_bytes key_alg; /* the AlgorithmIdentifier in the SubjectPublicKeyInfo */
    cs_bytes extensions[MAX_EXTENSIONS];
    size_t n_extensions;
} cert_parts;

static void split_cert(cs_bytes der, cert_parts *c)
{
    memset(c, 0, sizeof *c);
    cs_bytes cert = der_content(der);
    const uint8_t *p = cert.data, *end = cert.data + cert.len;
    cs_bytes tbs = der_content(der_next(&p, end));
    c->sig_alg = der_next(&p, end);
    (void)der_next(&p, end); /* signatureValue */
    assert_ptr_equal(p, end);

    p = tbs.data;
    end = tbs.data + tbs.len;
    for (int i = 0; i < N_TBS_FIELDS; i++)
        c->tbs[i] = der_next(&p, end);
    assert_ptr_equal(p, end);
    assert_int_equal(c->tbs[F_VERSION].data[0], 0xA0);
    assert_int_equal(c->tbs[F_EXTENSIONS].data[0], 0xA3);

    cs_bytes spki = der_content(c->tbs[F_SPKI]);
    p = spki.data;
    c->key_alg = der_next(&p, spki.data + spki.len);

    cs_bytes list = der_content(der_content(c->tbs[F_EXTENSIONS]));
    p = list.data;
    end = list.data + list.len;
    while (p < end) {
        assert_true(c->n_extensions < MAX_EXTENSIONS);
        c->extensions[c->n_extensions++] = der_next(&p, end);
    }
}

static void assert_same_bytes(cs_bytes a, cs_bytes b)
{
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
}

/* --- generating ----------------------------------------------------------------- */

typedef struct made {
    cs_buf pem;
    cs_cert *cert;
    cs_key *key;
} made;

static void make(const cs_cert_request *req, made *m)
{
    cs_error err;
    cs_buf_init(&m->pem);
    m->pem.secret = true;
    int rc = cs_cert_generate(req, &m->pem, &err);
    if (rc != CS_OK)
        fail_msg("cs_cert_generate: %s", err.message);
    (void)cs_buf_str(&m->pem); /* PEM goes to mbedTLS with its NUL */
    if (cs_cert_parse(m->pem.data, m->pem.len + 1, &m->cert, &err) != CS_OK)
        fail_msg("the certificate does not parse: %s", err.message);
    if (cs_key_parse(m->pem.data, m->pem.len + 1, &m->key, &err) != CS_OK)
        fail_msg("the key does not parse: %s", err.message);
    assert_int_equal(cs_key_matches_cert(m->key, m->cert, &err), CS_OK);
}

static void release(made *m)
{
    cs_cert_free(m->cert);
    cs_key_free(m->key);
    cs_buf_release(&m->pem);
}

static void load_vector(const char *name, cs_cert **cert)
{
    cs_error err;
    if (cs_cert_load_file(test_data_path(name), cert, &err) != CS_OK)
        fail_msg("%s: %s", name, err.message);
}

/* The first line of a PEM text. */
static void first_line(const char *text, char *out, size_t size)
{
    size_t n = strcspn(text, "\n");
    assert_true(n < size);
    memcpy(out, text, n);
    out[n] = '\0';
}

static void check_serial(const cs_cert *cert)
{
    cert_parts c;
    split_cert(cs_cert_der(cert), &c);
    cs_bytes serial = der_content(c.tbs[F_SERIAL]);
    assert_int_equal(c.tbs[F_SERIAL].data[0], 0x02); /* INTEGER */
    assert_int_equal(serial.len, CS_CERT_SERIAL_SIZE);
    assert_true(serial.data[0] >= 0x01 && serial.data[0] <= 0x7F); /* positive, no sign byte */
    assert_int_equal(cs_cert_serial(cert).len, CS_CERT_SERIAL_SIZE);
}

/* subjectKeyIdentifier: an OCTET STRING holding the SHA-1 of the public
 * key's BIT STRING contents (RFC 5280, method 1). */
static void check_key_identifier(const cs_cert *cert, cs_bytes extension)
{
    static const uint8_t oid[] = {0x06, 0x03, 0x55, 0x1D, 0x0E};
    cs_bytes body = der_content(extension);
    assert_memory_equal(body.data, oid, sizeof oid);
    cs_buf key = CS_BUF_INIT;
    cs_error err;
    uint8_t sha1[20];
    assert_int_equal(cs_cert_public_key(cert, &key, &err), CS_OK);
    assert_int_equal(cs_digest(CS_MD_SHA1, key.data, key.len, sha1, &err), CS_OK);
    /* 04 16 (the extension's OCTET STRING) 04 14 (the identifier) */
    assert_int_equal(body.len, sizeof oid + 2 + 2 + 20);
    assert_memory_equal(body.data + sizeof oid, "\x04\x16\x04\x14", 4);
    assert_memory_equal(body.data + sizeof oid + 4, sha1, 20);
    cs_buf_release(&key);
}

/* Every field that the key and chance do not decide equals the vector's. */
static void check_like_vector(const cs_cert_request *req, const char *vector)
{
    made m;
    cs_cert *ref;
    make(req, &m);
    load_vector(vector, &ref);

    cert_parts got, want;
    split_cert(cs_cert_der(m.cert), &got);
    split_cert(cs_cert_der(ref), &want);
    const int same[] = {F_VERSION, F_SIG_ALG, F_ISSUER, F_VALIDITY, F_SUBJECT};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
        assert_same_bytes(got.tbs[same[i]], want.tbs[same[i]]);
    assert_same_bytes(got.sig_alg, want.sig_alg);
    assert_same_bytes(got.key_alg, want.key_alg);
    assert_int_equal(got.n_extensions, 5);
    assert_int_equal(want.n_extensions, 5);
    /* basicConstraints, keyUsage, extendedKeyUsage, SKI, subjectAltName */
    for (size_t i = 0; i < 5; i++) {
        if (i == 3)
            check_key_identifier(m.cert, got.extensions[i]);
        else
            assert_same_bytes(got.extensions[i], want.extensions[i]);
    }
    check_serial(m.cert);

    /* The key is written in the same PEM form as the vector's. */
    cs_buf text = CS_BUF_INIT;
    test_read_data(vector, &text);
    char got_line[64], want_line[64];
    first_line((const char *)m.pem.data, got_line, sizeof got_line);
    first_line(cs_buf_str(&text), want_line, sizeof want_line);
    assert_string_equal(got_line, want_line);
    /* key, then certificate */
    assert_non_null(strstr((const char *)m.pem.data, "-----BEGIN CERTIFICATE-----\n"));
    assert_true(strstr((const char *)m.pem.data, "PRIVATE KEY-----\n") <
                strstr((const char *)m.pem.data, "-----BEGIN CERTIFICATE-----"));

    cs_buf_release(&text);
    cs_cert_free(ref);
    release(&m);
}

static cs_cert_request request(const char *cn, const char *o, const char *ou)
{
    cs_cert_request req;
    cs_cert_request_init(&req);
    req.common_name = cn;
    req.organization = o;
    req.unit = ou;
    req.issued = VECTOR_DAY;
    return req;
}

static void test_like_sast(void **state)
{
    (void)state;
    cs_cert_request req = request("SAST", "SAST", "SAST");
    req.years = 20;
    check_like_vector(&req, "vectors/sast.pem");
}

static void test_like_signer1024(void **state)
{
    (void)state;
    cs_cert_request req = request("Signer 1024", "Example, Ltd.", "Lab");
    req.locality = "Wellington";
    req.state = "WGN";
    req.country = "nz"; /* stored upper-case */
    req.rsa_bits = 1024;
    req.md = CS_MD_SHA1;
    check_like_vector(&req, "vectors/signer1024.pem");
}

static void test_like_apache_ec(void **state)
{
    (void)state;
    cs_cert_request req = request("Apache-EC", "Apache-EC", "Asterisk-EC");
    req.key_type = CS_KEY_EC;
    assert_true(cs_curve_parse("secp384r1", &req.curve));
    check_like_vector(&req, "vectors/apache-ec.pem");
}

static void test_like_tvs_ec256(void **state)
{
    (void)state;
    cs_cert_request req = request("TVS", "TVS", "TVS");
    req.key_type = CS_KEY_EC;
    assert_true(cs_curve_parse("prime256v1", &req.curve));
    check_like_vector(&req, "vectors/tvs-ec256.pem");
}

/* --- what the made certificates say about themselves --------------------------- */

static void test_inspection(void **state)
{
    (void)state;
    cs_cert_request req = request("Apache-EC", "Apache-EC", "Asterisk-EC");
    req.key_type = CS_KEY_EC;
    req.curve = CS_CURVE_P521;
    req.md = CS_MD_SHA512;
    made m;
    make(&req, &m);
    int64_t from, to;
    cs_cert_validity(m.cert, &from, &to);
    assert_int_equal(from, VECTOR_MIDNIGHT);
    assert_int_equal(to, VECTOR_PLUS_10_YEARS);
    assert_int_equal(cs_cert_key_type(m.cert), CS_KEY_EC);
    assert_int_equal(cs_cert_key_bits(m.cert), 521);
    assert_int_equal(cs_cert_curve(m.cert), CS_CURVE_P521);
    assert_int_equal(cs_key_type_of(m.key), CS_KEY_EC);
    cs_md md;
    assert_true(cs_cert_signature_md(m.cert, &md));
    assert_int_equal(md, CS_MD_SHA512);
    assert_true(cs_cert_is_self_signed(m.cert));

    cs_buf name = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_cert_subject(m.cert, &name, &err), CS_OK);
    assert_string_equal(cs_buf_str(&name), "CN=Apache-EC,O=Apache-EC,OU=Asterisk-EC");
    cs_buf_release(&name);
    assert_int_equal(cs_cert_issuer(m.cert, &name, &err), CS_OK);
    assert_string_equal(cs_buf_str(&name), "CN=Apache-EC,O=Apache-EC,OU=Asterisk-EC");
    cs_buf_release(&name);
    release(&m);
}

/* Keys under 1024 bits come from certgen's own recipe (mbedTLS 3.x will
 * not make them); they must be whole, working keys all the same. */
static void test_rsa_512(void **state)
{
    (void)state;
    cs_cert_request req = request("Old", "Phone", "Lab");
    req.rsa_bits = 512;
    made m;
    make(&req, &m);
    assert_int_equal(cs_cert_key_bits(m.cert), 512);
    assert_int_equal(cs_key_bits(m.key), 512);
    assert_true(cs_cert_is_self_signed(m.cert));
    /* It signs the way the file headers need. */
    uint8_t digest[32] = {1, 2, 3}, sig[64];
    cs_error err;
    assert_int_equal(cs_key_sign(m.key, CS_MD_SHA256, digest, sig, sizeof sig, &err), CS_OK);
    assert_int_equal(cs_cert_verify(m.cert, CS_MD_SHA256, digest, sig, sizeof sig, &err), CS_OK);
    release(&m);

    /* Sizes that are not powers of two work too, on either side of the
     * 1024 bits where mbedTLS's own generator takes over. */
    const unsigned sizes[] = {1000, 1032};
    for (size_t i = 0; i < 2; i++) {
        req.rsa_bits = sizes[i];
        make(&req, &m);
        assert_int_equal(cs_cert_key_bits(m.cert), sizes[i]);
        assert_true(cs_cert_is_self_signed(m.cert));
        release(&m);
    }
}

static void test_two_runs_differ(void **state)
{
    (void)state;
    cs_cert_request req = request("Same", "Same", "Same");
    req.key_type = CS_KEY_EC;
    req.curve = CS_CURVE_P256;
    made a, b;
    make(&req, &a);
    make(&req, &b);
    cs_bytes sa = cs_cert_serial(a.cert), sb = cs_cert_serial(b.cert);
    assert_int_equal(sa.len, sb.len);
    assert_memory_not_equal(sa.data, sb.data, sa.len);
    cs_buf ka = CS_BUF_INIT, kb = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_cert_public_key(a.cert, &ka, &err), CS_OK);
    assert_int_equal(cs_cert_public_key(b.cert, &kb, &err), CS_OK);
    assert_int_equal(ka.len, kb.len);
    assert_memory_not_equal(ka.data, kb.data, ka.len);
    assert_int_equal(cs_key_matches_cert(a.key, b.cert, &err), CS_INVALID);
    cs_buf_release(&ka);
    cs_buf_release(&kb);
    release(&a);
    release(&b);
}

/* 29 February plus a year is 28 February; plus four years, 29 February. */
static void test_leap_day(void **state)
{
    (void)state;
    cs_cert_request req = request("Leap", "Leap", "Leap");
    req.key_type = CS_KEY_EC;
    req.curve = CS_CURVE_P256;
    req.issued = 1709251199; /* 2024-02-29 23:59:59 UTC */
    const struct {
        unsigned years;
        int64_t not_after;
    } cases[] = {{1, 1740700800}, {4, 1835395200}};
    for (size_t i = 0; i < 2; i++) {
        req.years = cases[i].years;
        made m;
        make(&req, &m);
        int64_t from, to;
        cs_cert_validity(m.cert, &from, &to);
        assert_int_equal(from, 1709164800); /* 2024-02-29 00:00:00 */
        assert_int_equal(to, cases[i].not_after);
        release(&m);
    }
}

/* --- refusals -------------------------------------------------------------------- */

static void expect_refused(const cs_cert_request *req, const char *message_part)
{
    cs_error err;
    assert_int_equal(cs_cert_request_check(req, &err), CS_ERROR);
    if (strstr(err.message, message_part) == NULL)
        fail_msg("'%s' does not mention '%s'", err.message, message_part);
    /* cs_cert_generate refuses the same, and leaves the buffer alone. */
    cs_buf pem = CS_BUF_INIT;
    cs_buf_append_cstr(&pem, "before");
    assert_int_equal(cs_cert_generate(req, &pem, &err), CS_ERROR);
    assert_int_equal(pem.len, 6);
    cs_buf_release(&pem);
}

static void test_refusals(void **state)
{
    (void)state;
    cs_cert_request req = request("CN", "O", "OU");
    cs_error err;
    assert_int_equal(cs_cert_request_check(&req, &err), CS_OK);

    req.common_name = NULL;
    expect_refused(&req, "common name is required");
    req.common_name = "";
    expect_refused(&req, "common name is required");
    req = request("CN", NULL, "OU");
    expect_refused(&req, "organization is required");
    req = request("CN", "O", "");
    expect_refused(&req, "unit is required");

    req = request("CN", "O", "OU");
    req.country = "NZL";
    expect_refused(&req, "two letters");
    req.country = "N1";
    expect_refused(&req, "two letters");
    req.country = "";
    assert_int_equal(cs_cert_request_check(&req, &err), CS_OK); /* empty: absent */

    req = request("Caf\xc3\xa9", "O", "OU");
    expect_refused(&req, "must be ASCII");
    req = request("CN", "Bad \xc3", "OU");
    expect_refused(&req, "not valid UTF-8");
    req = request("CN", "Overlong \xc0\xaf", "OU");
    expect_refused(&req, "not valid UTF-8");
    req = request("CN", "O", "Tab\there");
    expect_refused(&req, "control character");
    req = request("CN", "Caf\xc3\xa9 \xe2\x82\xac", "OU"); /* UTF-8 is fine outside CN */
    assert_int_equal(cs_cert_request_check(&req, &err), CS_OK);
    char longname[CS_CERT_MAX_ATTRIBUTE + 2];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    req = request(longname, "O", "OU");
    expect_refused(&req, "longer than");

    req = request("CN", "O", "OU");
    const unsigned bad_bits[] = {8192, 511, 256, 4104, 1025, 1028, 0};
    for (size_t i = 0; i < sizeof bad_bits / sizeof bad_bits[0]; i++) {
        req.rsa_bits = bad_bits[i];
        expect_refused(&req, "invalid RSA key size");
    }
    req.rsa_bits = 512;
    req.md = CS_MD_SHA512; /* 83 bytes of DigestInfo do not fit in 64 */
    expect_refused(&req, "too small");
    req.md = CS_MD_MD5;
    expect_refused(&req, "invalid digest");

    req = request("CN", "O", "OU");
    req.key_type = CS_KEY_EC; /* no curve */
    expect_refused(&req, "invalid curve");
    req.curve = CS_CURVE_OTHER;
    expect_refused(&req, "invalid curve");

    req = request("CN", "O", "OU");
    req.years = 0;
    expect_refused(&req, "years");
    req.years = 8000;
    expect_refused(&req, "years");
}

static void test_curve_names(void **state)
{
    (void)state;
    cs_curve c;
    assert_true(cs_curve_parse("secp256r1", &c));
    assert_int_equal(c, CS_CURVE_P256);
    assert_true(cs_curve_parse("PRIME256V1", &c));
    assert_int_equal(c, CS_CURVE_P256);
    assert_true(cs_curve_parse("secp384r1", &c));
    assert_int_equal(c, CS_CURVE_P384);
    assert_true(cs_curve_parse("secp521r1", &c));
    assert_int_equal(c, CS_CURVE_P521);
    assert_false(cs_curve_parse("secp256k1", &c));
    assert_false(cs_curve_parse("", &c));
    assert_string_equal(cs_curve_name(CS_CURVE_P256), "secp256r1");
    assert_string_equal(cs_curve_name(CS_CURVE_P521), "secp521r1");
    assert_null(cs_curve_name(CS_CURVE_NONE));
}

/* --- the vectors ---------------------------------------------------------------------- */

static void test_hash_matches_vectors(void **state)
{
    (void)state;
    static const char *const names[] = {"sast.pem", "asterisk.pem", "apache-ec.pem",
                                        "signer4096.pem"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cs_cert *cert;
        char path[128];
        snprintf(path, sizeof path, "vectors/%s", names[i]);
        load_vector(path, &cert);
        const struct {
            cs_md md;
            const char *suffix;
        } kinds[] = {{CS_MD_SHA1, "sha1"}, {CS_MD_SHA512, "sha512"}};
        for (size_t k = 0; k < 2; k++) {
            cs_buf got = CS_BUF_INIT, want = CS_BUF_INIT;
            cs_error err;
            snprintf(path, sizeof path, "vectors/%s.certhash-%s.txt", names[i], kinds[k].suffix);
            test_read_data(path, &want);
            assert_int_equal(cs_cert_hash_base64(cert, kinds[k].md, &got, &err), CS_OK);
            cs_buf_append_byte(&got, '\n');
            assert_int_equal(got.len, want.len);
            assert_memory_equal(got.data, want.data, want.len);
            cs_buf_release(&got);
            cs_buf_release(&want);
        }
        cs_cert_free(cert);
    }
}

static void test_vector_facts(void **state)
{
    (void)state;
    cs_cert *cert;
    int64_t from, to;
    cs_md md;
    load_vector("vectors/sast.pem", &cert);
    cs_cert_validity(cert, &from, &to);
    assert_int_equal(from, VECTOR_MIDNIGHT);
    assert_int_equal(to, VECTOR_PLUS_20_YEARS);
    assert_int_equal(cs_cert_curve(cert), CS_CURVE_NONE);
    assert_true(cs_cert_signature_md(cert, &md));
    assert_int_equal(md, CS_MD_SHA256);
    assert_true(cs_cert_is_self_signed(cert));
    cs_cert_free(cert);

    load_vector("vectors/apache-ec.pem", &cert);
    assert_int_equal(cs_cert_curve(cert), CS_CURVE_P384);
    assert_true(cs_cert_is_self_signed(cert));
    cs_cert_free(cert);
    load_vector("vectors/tvs-ec256.pem", &cert);
    assert_int_equal(cs_cert_curve(cert), CS_CURVE_P256);
    cs_cert_free(cert);
    load_vector("vectors/signer1024.pem", &cert);
    assert_true(cs_cert_signature_md(cert, &md));
    assert_int_equal(md, CS_MD_SHA1);
    cs_cert_free(cert);
}

/* cs_cert_file_load: a key beside the certificate, or none. */
static void test_file_load(void **state)
{
    (void)state;
    cs_cert *cert;
    cs_key *key;
    cs_error err;
    assert_int_equal(
        cs_cert_file_load(test_data_path("vectors/apache-ec.pem"), NULL, &cert, &key, NULL, &err),
        CS_OK);
    assert_non_null(key); /* SEC1 "EC PRIVATE KEY" */
    assert_int_equal(cs_key_type_of(key), CS_KEY_EC);
    assert_int_equal(cs_key_matches_cert(key, cert, &err), CS_OK);
    cs_key_free(key);
    cs_cert_free(cert);

    const char *alone[] = {"keys/asterisk-cert.pem", "keys/asterisk-cert.der"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(cs_cert_file_load(test_data_path(alone[i]), NULL, &cert, &key, NULL, &err),
                         CS_OK);
        assert_null(key);
        assert_int_equal(cs_cert_key_type(cert), CS_KEY_RSA);
        cs_cert_free(cert);
    }

    assert_int_equal(cs_cert_file_load(test_data_path("keys/asterisk-key-pkcs8.pem"), NULL, &cert,
                                       &key, NULL, &err),
                     CS_ERROR);
    assert_null(cert);
    assert_null(key);
    assert_int_equal(
        cs_cert_file_load(test_data_path("no-such-file.pem"), NULL, &cert, &key, NULL, &err),
        CS_ERROR);
}

/* A made file loads back through the same functions every command uses. */
static void test_written_file_loads(void **state)
{
    (void)state;
    char dir[] = "/tmp/ciscosec-certgen.XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/ec.pem", dir);

    cs_cert_request req = request("EC", "EC", "EC");
    req.key_type = CS_KEY_EC;
    req.curve = CS_CURVE_P384;
    made m;
    make(&req, &m);
    cs_error err;
    assert_int_equal(cs_write_file_atomic(path, m.pem.data, m.pem.len, 0600, &err), CS_OK);
    cs_cert *cert;
    cs_key *key;
    assert_int_equal(cs_cert_load_file(path, &cert, &err), CS_OK);
    assert_int_equal(cs_key_load_file(path, NULL, &key, &err), CS_OK);
    assert_int_equal(cs_key_matches_cert(key, cert, &err), CS_OK);
    assert_int_equal(cs_key_bits(key), 384);
    cs_key_free(key);
    cs_cert_free(cert);
    release(&m);
    remove(path);
    remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_like_sast),
        cmocka_unit_test(test_like_signer1024),
        cmocka_unit_test(test_like_apache_ec),
        cmocka_unit_test(test_like_tvs_ec256),
        cmocka_unit_test(test_inspection),
        cmocka_unit_test(test_rsa_512),
        cmocka_unit_test(test_two_runs_differ),
        cmocka_unit_test(test_leap_day),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_curve_names),
        cmocka_unit_test(test_hash_matches_vectors),
        cmocka_unit_test(test_vector_facts),
        cmocka_unit_test(test_file_load),
        cmocka_unit_test(test_written_file_loads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
