/* SPDX-License-Identifier: MIT */
/* Encrypted configurations: the ciphers on known answers, the padding at
 * every size around a block, device keys of 1024, 2048 and 4096 bits, the
 * reference's vector decrypted and its companion rebuilt byte for byte,
 * tampering, wrong keys, hostile XML and the file flows' safety. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ciscosec/cipher.h"
#include "ciscosec/encconfig.h"
#include "ciscosec/fileio.h"
#include "ciscosec/header.h"
#include "ciscosec/signer.h"

#define TS_05 1767323045u /* 2026-01-02 03:04:05 UTC: the vector's timestamp */
#define VECTOR "SEP58971ECC97C1.cnf.xml.enc.sgn"
#define COMPANION "SEP58971ECC97C1.cnf.xml.sgn"
#define ORIGINAL "SEP58971ECC97C1.cnf.xml.orig"
#define VECTOR_HEADER_LEN 764
#define COMPANION_HEADER_LEN 424

static void unhex(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

/* --- the ciphers ------------------------------------------------------- */

static void test_padding_count(void **state)
{
    (void)state;
    static const size_t sizes[][2] = {{0, 16},  {1, 15}, {15, 1},  {16, 16},
                                      {17, 15}, {31, 1}, {32, 16}, {932, 12}};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        assert_int_equal(cs_enc_padding_count(sizes[i][0]), sizes[i][1]);
}

/* NIST SP 800-38A, F.2.1 and F.2.2 (CBC-AES128), the first two blocks. */
static void test_aes_known_answer(void **state)
{
    (void)state;
    uint8_t key[16], iv[16], plain[32], cipher[32], out[32];
    unhex("2b7e151628aed2a6abf7158809cf4f3c", key, 16);
    unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
    unhex("6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51", plain, 32);
    unhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2", cipher, 32);
    cs_error err;
    assert_int_equal(cs_aes128_cbc_encrypt(key, iv, plain, 32, out, &err), CS_OK);
    assert_memory_equal(out, cipher, 32);
    assert_int_equal(cs_aes128_cbc_decrypt(key, iv, cipher, 32, out, &err), CS_OK);
    assert_memory_equal(out, plain, 32);
    /* In place, and the IV left alone. */
    memcpy(out, plain, 32);
    assert_int_equal(cs_aes128_cbc_encrypt(key, iv, out, 32, out, &err), CS_OK);
    assert_memory_equal(out, cipher, 32);
    assert_int_equal(iv[15], 0x0f);
    /* No padding here: partial blocks are the caller's mistake. */
    assert_int_equal(cs_aes128_cbc_encrypt(key, iv, plain, 17, out, &err), CS_ERROR);
    assert_int_equal(cs_aes128_cbc_decrypt(key, iv, plain, 31, out, &err), CS_ERROR);
}

static void test_rsa_round_trip(void **state)
{
    (void)state;
    cs_cert *device = test_load_cert("vectors/device.pem");
    cs_key *key = test_load_key("vectors/device.pem");
    cs_key *other = test_load_key("vectors/asterisk.pem");
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");
    const uint8_t secret[16] = "0123456789abcdef";
    uint8_t sealed[512], opened[512];
    size_t sealed_len = 0, opened_len = 0;
    cs_error err;

    assert_int_equal(cs_cert_encrypt(device, secret, 16, sealed, sizeof sealed, &sealed_len, &err),
                     CS_OK);
    assert_int_equal(sealed_len, 256);
    assert_int_equal(
        cs_key_decrypt(key, sealed, sealed_len, opened, sizeof opened, &opened_len, &err), CS_OK);
    assert_int_equal(opened_len, 16);
    assert_memory_equal(opened, secret, 16);
    /* PKCS#1 v1.5 is randomised: two encryptions differ. */
    uint8_t again[512];
    size_t again_len = 0;
    assert_int_equal(cs_cert_encrypt(device, secret, 16, again, sizeof again, &again_len, &err),
                     CS_OK);
    assert_memory_not_equal(again, sealed, 256);

    assert_int_equal(
        cs_key_decrypt(other, sealed, sealed_len, opened, sizeof opened, &opened_len, &err),
        CS_ERROR);
    assert_int_equal(cs_cert_encrypt(ec, secret, 16, sealed, sizeof sealed, &sealed_len, &err),
                     CS_ERROR);
    assert_int_equal(cs_cert_encrypt(device, secret, 16, sealed, 255, &sealed_len, &err), CS_ERROR);
    cs_cert_free(device);
    cs_cert_free(ec);
    cs_key_free(key);
    cs_key_free(other);
}

/* --- sealing and opening ----------------------------------------------- */

/* Seals len bytes for the device and opens them again; checks every field
 * and that the padding is '\r' bytes, by decrypting the body by hand. */
static void round_trip(const char *pem, size_t bits, size_t len, uint8_t digest_code)
{
    cs_cert *device = test_load_cert(pem);
    cs_key *key = test_load_key(pem);
    uint8_t *plain = malloc(len ? len : 1);
    assert_non_null(plain);
    for (size_t i = 0; i < len; i++)
        plain[i] = (uint8_t)('a' + i % 26);
    cs_enc_sealed sealed;
    cs_error err;
    assert_int_equal(cs_enc_seal(plain, len, device, digest_code, &sealed, &err), CS_OK);

    size_t n = 16 - len % 16;
    const cs_encryption_fields *f = &sealed.fields;
    assert_int_equal(sealed.body.len, len + n);
    assert_int_equal(f->padding_count, n);
    assert_int_equal(f->key_bits, bits);
    assert_int_equal(f->encrypted_key.len, bits / 8);
    assert_int_equal(f->key_algorithm, 1);
    assert_int_equal(f->iv.len, 16);
    assert_int_equal(f->content_digest_code, digest_code);
    assert_int_equal(f->content_digest.len, digest_code == CS_DIGEST_SHA1 ? 20 : 64);

    uint8_t aes_key[64];
    size_t aes_len = 0;
    assert_int_equal(cs_key_decrypt(key, f->encrypted_key.data, f->encrypted_key.len, aes_key,
                                    sizeof aes_key, &aes_len, &err),
                     CS_OK);
    assert_int_equal(aes_len, 16);
    uint8_t *raw = malloc(sealed.body.len);
    assert_non_null(raw);
    assert_int_equal(
        cs_aes128_cbc_decrypt(aes_key, f->iv.data, sealed.body.data, sealed.body.len, raw, &err),
        CS_OK);
    if (len)
        assert_memory_equal(raw, plain, len);
    for (size_t i = len; i < len + n; i++)
        assert_int_equal(raw[i], 0x0D);

    cs_buf opened = CS_BUF_INIT;
    assert_int_equal(cs_enc_open(f, sealed.body.data, sealed.body.len, key, &opened, &err), CS_OK);
    assert_true(opened.secret);
    assert_int_equal(opened.len, len);
    if (len)
        assert_memory_equal(opened.data, plain, len);

    cs_buf_release(&opened);
    free(raw);
    free(plain);
    cs_enc_sealed_release(&sealed);
    cs_cert_free(device);
    cs_key_free(key);
}

static void test_round_trip_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 15, 16, 17, 31, 32, 33, 932};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++)
        round_trip("vectors/device.pem", 2048, sizes[i], CS_DIGEST_SHA1);
}

static void test_round_trip_key_sizes(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 15, 16, 17};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        round_trip("vectors/signer1024.pem", 1024, sizes[i], CS_DIGEST_SHA1);
        round_trip("vectors/signer4096.pem", 4096, sizes[i], CS_DIGEST_SHA512);
    }
    round_trip("vectors/device.pem", 2048, 100, CS_DIGEST_SHA512);
}

/* A sealed 40-byte message and the device key, for the refusals below. */
typedef struct fixture {
    cs_cert *device;
    cs_key *key;
    cs_enc_sealed sealed;
} fixture;

static void fixture_init(fixture *fx)
{
    fx->device = test_load_cert("vectors/device.pem");
    fx->key = test_load_key("vectors/device.pem");
    cs_error err;
    static const char msg[] = "<device><fullConfig>true</fullConfig></device>";
    assert_int_equal(cs_enc_seal((const uint8_t *)msg, sizeof msg - 1, fx->device, CS_DIGEST_SHA1,
                                 &fx->sealed, &err),
                     CS_OK);
}

static void fixture_release(fixture *fx)
{
    cs_enc_sealed_release(&fx->sealed);
    cs_cert_free(fx->device);
    cs_key_free(fx->key);
}

static int open_with(const fixture *fx, const cs_encryption_fields *f, const uint8_t *body,
                     size_t len, const cs_key *key, cs_error *err)
{
    cs_buf plain = CS_BUF_INIT;
    int rc = cs_enc_open(f, body, len, key, &plain, err);
    (void)fx;
    if (rc != CS_OK)
        assert_int_equal(plain.len, 0);
    cs_buf_release(&plain);
    return rc;
}

static void test_open_refuses_tampering(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx);
    cs_error err;
    const cs_buf *body = &fx.sealed.body;
    uint8_t *copy = test_exact_copy(body->data, body->len);

    /* Any flipped bit of the ciphertext: the digest no longer matches. */
    for (size_t i = 0; i < body->len; i += 7) {
        copy[i] ^= 0x01;
        assert_int_equal(open_with(&fx, &fx.sealed.fields, copy, body->len, fx.key, &err),
                         CS_INVALID);
        assert_non_null(strstr(err.message, "digest"));
        copy[i] ^= 0x01;
    }
    assert_int_equal(open_with(&fx, &fx.sealed.fields, copy, body->len, fx.key, &err), CS_OK);

    /* A changed IV garbles the first block: same. */
    cs_encryption_fields f = fx.sealed.fields;
    uint8_t iv[16];
    memcpy(iv, f.iv.data, 16);
    iv[3] ^= 0x80;
    f.iv.data = iv;
    assert_int_equal(open_with(&fx, &f, copy, body->len, fx.key, &err), CS_INVALID);

    /* So does a different claimed digest. */
    f = fx.sealed.fields;
    uint8_t digest[20];
    memcpy(digest, f.content_digest.data, 20);
    digest[19] ^= 1;
    f.content_digest.data = digest;
    assert_int_equal(open_with(&fx, &f, copy, body->len, fx.key, &err), CS_INVALID);
    free(copy);
    fixture_release(&fx);
}

static void test_open_refuses_wrong_key(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx);
    cs_error err;
    const cs_buf *body = &fx.sealed.body;
    cs_key *other = test_load_key("vectors/asterisk.pem"); /* 2048 bits too */
    assert_int_equal(open_with(&fx, &fx.sealed.fields, body->data, body->len, other, &err),
                     CS_ERROR);
    assert_non_null(strstr(err.message, "cannot decrypt the AES key"));
    cs_key_free(other);

    cs_key *small = test_load_key("vectors/signer1024.pem"); /* the wrong size */
    assert_int_equal(open_with(&fx, &fx.sealed.fields, body->data, body->len, small, &err),
                     CS_ERROR);
    cs_key_free(small);

    cs_key *ec = test_load_key("vectors/apache-ec.pem");
    assert_int_equal(open_with(&fx, &fx.sealed.fields, body->data, body->len, ec, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "not RSA"));
    cs_key_free(ec);
    fixture_release(&fx);
}

static void test_open_refuses_malformed_fields(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx);
    cs_error err;
    const cs_buf *body = &fx.sealed.body;
    cs_encryption_fields f;

    f = fx.sealed.fields;
    f.padding_count = 17;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    f = fx.sealed.fields;
    f.key_algorithm = 2;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    f = fx.sealed.fields;
    f.iv.len = 15;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    f = fx.sealed.fields;
    f.content_digest_code = 9;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    f = fx.sealed.fields;
    f.content_digest.len = 19;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    f = fx.sealed.fields;
    f.encrypted_key.len--;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    /* A body cut short of a block, or to nothing under its padding. */
    f = fx.sealed.fields;
    assert_int_equal(open_with(&fx, &f, body->data, body->len - 1, fx.key, &err), CS_ERROR);
    f.padding_count = 16;
    assert_int_equal(open_with(&fx, &f, body->data, 0, fx.key, &err), CS_ERROR);
    fixture_release(&fx);
}

/* Fields a phone refuses but whose content digest still matches, so only the
 * field rule can refuse them; cs_enc_open accepted all three before it and
 * verify shared one rule. */
static void test_open_follows_the_field_rule(void **state)
{
    (void)state;
    fixture fx;
    fixture_init(&fx);
    cs_error err;
    const cs_buf *body = &fx.sealed.body;
    cs_encryption_fields f;

    /* A key size that does not match the encrypted key. */
    f = fx.sealed.fields;
    f.key_bits = 1024;
    assert_int_equal(cs_enc_check_fields(&f, body->len, &err), CS_ERROR);
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "key size 1024 bits"));

    /* A padding count of 0, with the digest of what it leaves. */
    f = fx.sealed.fields;
    f.padding_count = 0;
    uint8_t digest[20];
    cs_buf plain = CS_BUF_INIT;
    assert_int_equal(cs_enc_open(&fx.sealed.fields, body->data, body->len, fx.key, &plain, &err),
                     CS_OK);
    size_t padding = fx.sealed.fields.padding_count;
    cs_buf_append(&plain, "\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r\r", padding);
    assert_int_equal(cs_digest(CS_MD_SHA1, plain.data, plain.len, digest, &err), CS_OK);
    cs_buf_release(&plain);
    f.content_digest.data = digest;
    assert_int_equal(open_with(&fx, &f, body->data, body->len, fx.key, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "padding count 0"));

    /* An empty body that claims no padding: the digest of nothing. */
    f = fx.sealed.fields;
    f.padding_count = 0;
    assert_int_equal(cs_digest(CS_MD_SHA1, "", 0, digest, &err), CS_OK);
    f.content_digest.data = digest;
    assert_int_equal(open_with(&fx, &f, body->data, 0, fx.key, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "AES blocks"));

    /* The sealed fields themselves keep to the rule. */
    assert_int_equal(cs_enc_check_fields(&fx.sealed.fields, body->len, &err), CS_OK);
    fixture_release(&fx);
}

static void test_device_certificates(void **state)
{
    (void)state;
    static const char *const accepted[] = {"vectors/device.pem", "vectors/signer1024.pem",
                                           "vectors/signer4096.pem"};
    cs_error err;
    for (size_t i = 0; i < 3; i++) {
        cs_cert *cert = test_load_cert(accepted[i]);
        assert_int_equal(cs_enc_check_device_cert(cert, &err), CS_OK);
        cs_cert_free(cert);
    }
    static const char *const ec[] = {"vectors/apache-ec.pem", "vectors/tvs-ec256.pem"};
    for (size_t i = 0; i < 2; i++) {
        cs_cert *cert = test_load_cert(ec[i]);
        assert_int_equal(cs_enc_check_device_cert(cert, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "EC key"));
        cs_enc_sealed sealed;
        assert_int_equal(cs_enc_seal((const uint8_t *)"x", 1, cert, CS_DIGEST_SHA1, &sealed, &err),
                         CS_ERROR);
        cs_cert_free(cert);
    }
}

/* --- the reference's vector -------------------------------------------- */

static void test_vector_decrypts_to_original(void **state)
{
    (void)state;
    cs_buf file = CS_BUF_INIT, orig = CS_BUF_INIT, plain = CS_BUF_INIT;
    test_read_data("vectors/" VECTOR, &file);
    test_read_data("vectors/" ORIGINAL, &orig);
    cs_key *key = test_load_key("vectors/device.pem");
    cs_cert *tftp = test_load_cert("vectors/asterisk.pem");
    cs_header hdr;
    cs_error err;
    assert_int_equal(cs_enc_parse(file.data, file.len, &hdr, &err), CS_OK);
    assert_int_equal(hdr.length, VECTOR_HEADER_LEN);
    assert_int_equal(hdr.enc.padding_count, 12);
    assert_int_equal(hdr.enc.key_bits, 2048);
    assert_int_equal(hdr.enc.key_algorithm, 1);
    assert_int_equal(cs_header_verify_buffer(&hdr, file.data, file.len, tftp, &err), CS_OK);
    assert_int_equal(
        cs_enc_open(&hdr.enc, file.data + hdr.length, file.len - hdr.length, key, &plain, &err),
        CS_OK);
    assert_int_equal(plain.len, orig.len);
    assert_memory_equal(plain.data, orig.data, orig.len);
    cs_buf_release(&file);
    cs_buf_release(&orig);
    cs_buf_release(&plain);
    cs_key_free(key);
    cs_cert_free(tftp);
}

static void test_parse_every_prefix(void **state)
{
    (void)state;
    cs_buf file = CS_BUF_INIT;
    test_read_data("vectors/" VECTOR, &file);
    cs_error err;
    cs_header hdr;
    for (size_t len = 0; len <= file.len; len++) {
        uint8_t *copy = test_exact_copy(file.data, len);
        int rc = cs_enc_parse(copy, len, &hdr, &err);
        assert_int_equal(rc, len >= VECTOR_HEADER_LEN ? CS_OK : CS_ERROR);
        free(copy);
    }
    /* A signed file without encryption fields is not one. */
    cs_buf sgn = CS_BUF_INIT;
    test_read_data("vectors/" COMPANION, &sgn);
    assert_int_equal(cs_enc_parse(sgn.data, sgn.len, &hdr, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "not an encrypted configuration"));
    cs_buf_release(&sgn);
    cs_buf_release(&file);
}

static void test_vector_companion_body(void **state)
{
    (void)state;
    cs_buf orig = CS_BUF_INIT, vector = CS_BUF_INIT, body = CS_BUF_INIT;
    test_read_data("vectors/" ORIGINAL, &orig);
    test_read_data("vectors/" COMPANION, &vector);
    cs_cert *device = test_load_cert("vectors/device.pem");
    cs_error err;
    assert_int_equal(cs_enc_companion_body(orig.data, orig.len, device, &body, &err), CS_OK);
    assert_int_equal(body.len, vector.len - COMPANION_HEADER_LEN);
    assert_memory_equal(body.data, vector.data + COMPANION_HEADER_LEN, body.len);
    cs_buf_release(&orig);
    cs_buf_release(&vector);
    cs_buf_release(&body);
    cs_cert_free(device);
}

static void load_signer(cs_signer *signer, cs_header_spec *base, uint8_t digest_code)
{
    test_load_signer("vectors/asterisk.pem", signer);
    memset(base, 0, sizeof *base);
    cs_signer_fill_spec(signer, base);
    base->digest_code = digest_code;
    base->has_timestamp = true;
    base->timestamp = TS_05;
}

/* The reference's two files from the same inputs: the companion is the
 * vector byte for byte (its signature is deterministic); the encrypted
 * one has a random key and IV, so it matches in layout and decrypts. */
static void test_vector_rebuilt(void **state)
{
    (void)state;
    cs_buf orig = CS_BUF_INIT, vector = CS_BUF_INIT, vector_sgn = CS_BUF_INIT;
    cs_buf encrypted = CS_BUF_INIT, companion = CS_BUF_INIT, plain = CS_BUF_INIT;
    test_read_data("vectors/" ORIGINAL, &orig);
    test_read_data("vectors/" VECTOR, &vector);
    test_read_data("vectors/" COMPANION, &vector_sgn);
    cs_cert *device = test_load_cert("vectors/device.pem");
    cs_key *key = test_load_key("vectors/device.pem");
    cs_signer signer;
    cs_header_spec base;
    load_signer(&signer, &base, CS_DIGEST_SHA1);
    cs_enc_signing signing = {&base, signer.key};
    cs_error err;

    assert_int_equal(cs_enc_build(orig.data, orig.len, device, &signing, VECTOR, COMPANION,
                                  &encrypted, &companion, &err),
                     CS_OK);
    assert_int_equal(companion.len, vector_sgn.len);
    assert_memory_equal(companion.data, vector_sgn.data, companion.len);

    assert_int_equal(encrypted.len, vector.len);
    cs_header mine, theirs;
    assert_int_equal(cs_enc_parse(encrypted.data, encrypted.len, &mine, &err), CS_OK);
    assert_int_equal(cs_enc_parse(vector.data, vector.len, &theirs, &err), CS_OK);
    assert_int_equal(mine.length, theirs.length);
    /* Same bytes up to the signature, and from the file name to the IV. */
    assert_memory_equal(encrypted.data, vector.data, mine.signature_offset + 3);
    size_t name_at = (size_t)(mine.filename.data - encrypted.data) - 3;
    size_t iv_at = (size_t)(mine.enc.iv.data - encrypted.data);
    assert_memory_equal(encrypted.data + name_at, vector.data + name_at, iv_at - name_at);
    assert_int_equal(mine.enc.padding_count, theirs.enc.padding_count);
    assert_int_equal(mine.enc.key_bits, theirs.enc.key_bits);
    assert_memory_equal(mine.enc.content_digest.data, theirs.enc.content_digest.data, 20);

    assert_int_equal(
        cs_header_verify_buffer(&mine, encrypted.data, encrypted.len, signer.cert, &err), CS_OK);
    assert_int_equal(cs_enc_open(&mine.enc, encrypted.data + mine.length,
                                 encrypted.len - mine.length, key, &plain, &err),
                     CS_OK);
    assert_int_equal(plain.len, orig.len);
    assert_memory_equal(plain.data, orig.data, orig.len);

    cs_buf_release(&orig);
    cs_buf_release(&vector);
    cs_buf_release(&vector_sgn);
    cs_buf_release(&encrypted);
    cs_buf_release(&companion);
    cs_buf_release(&plain);
    cs_signer_release(&signer);
    cs_cert_free(device);
    cs_key_free(key);
}

/* --- the companion's XML ----------------------------------------------- */

static int companion_of(const char *xml, cs_buf *out, cs_error *err)
{
    cs_cert *device = test_load_cert("vectors/device.pem");
    size_t len = strlen(xml);
    uint8_t *copy = test_exact_copy((const uint8_t *)xml, len);
    int rc = cs_enc_companion_body(copy, len, device, out, err);
    free(copy);
    cs_cert_free(device);
    return rc;
}

static void test_companion_copies(void **state)
{
    (void)state;
    /* Unindented input, attributes, repeated and nested names: only the
     * top-level ones are copied, in document order, indented afresh. */
    static const char xml[] =
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>"
        "<device><loadInformation model=\"CP-8841\">sip88xx.14-2</loadInformation>"
        "<sshPassword>hunter2</sshPassword>"
        "<devicePool><ipAddressMode>9</ipAddressMode></devicePool>"
        "<capfList><capf><phonePort>3804</phonePort></capf></capfList>"
        "<ipAddressMode>2</ipAddressMode><!-- note --><capfAuthMode>1</capfAuthMode>"
        "<ipAddressMode>3</ipAddressMode><empty/></device>";
    static const char want[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<device>\n"
        "  <fullConfig>false</fullConfig>\n"
        "  <loadInformation model=\"CP-8841\">sip88xx.14-2</loadInformation>\n"
        "  <capfList>\n"
        "    <capf>\n"
        "      <phonePort>3804</phonePort>\n"
        "    </capf>\n"
        "  </capfList>\n"
        "  <ipAddressMode>2</ipAddressMode>\n"
        "  <capfAuthMode>1</capfAuthMode>\n"
        "  <ipAddressMode>3</ipAddressMode>\n"
        "  <certHash>3fb839b4f21f581284eadf1ddbc203cc</certHash>\n"
        "  <encrConfig>true</encrConfig>\n"
        "</device>\n";
    cs_buf out = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(companion_of(xml, &out, &err), CS_OK);
    assert_string_equal(cs_buf_str(&out), want);
    cs_buf_release(&out);

    /* Nothing to copy: the fixed elements alone. */
    assert_int_equal(companion_of("<device/>", &out, &err), CS_OK);
    assert_string_equal(cs_buf_str(&out),
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<device>\n"
                        "  <fullConfig>false</fullConfig>\n"
                        "  <certHash>3fb839b4f21f581284eadf1ddbc203cc</certHash>\n"
                        "  <encrConfig>true</encrConfig>\n"
                        "</device>\n");
    cs_buf_release(&out);
}

static void test_companion_refusals(void **state)
{
    (void)state;
    static const struct {
        const char *xml;
        const char *message;
    } cases[] = {
        {"", "well-formed"},
        {"<device>", "well-formed"},
        {"<device><a></b></device>", "well-formed"},
        {"<device/><device/>", "well-formed"},
        {"not xml at all", "well-formed"},
        {"<config><device/></config>", "not <device>"},
        {"<Device/>", "not <device>"},
        {"<!DOCTYPE device [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
         "<device><ipAddressMode>&b;</ipAddressMode></device>",
         "DOCTYPE"},
        {"<!DOCTYPE device SYSTEM \"http://example.com/device.dtd\"><device/>", "DOCTYPE"},
        {"<!DOCTYPE device [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><device>&x;</device>",
         "DOCTYPE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_buf out = CS_BUF_INIT;
        cs_error err;
        assert_int_equal(companion_of(cases[i].xml, &out, &err), CS_ERROR);
        if (strstr(err.message, cases[i].message) == NULL)
            fail_msg("case %zu: '%s' lacks '%s'", i, err.message, cases[i].message);
        assert_int_equal(out.len, 0);
        cs_buf_release(&out);
    }
}

/* --- the file flows ---------------------------------------------------- */

typedef struct workdir {
    char dir[64];
    char config[128];
    char encrypted[160];
    char companion[160];
} workdir;

static void workdir_init(workdir *w, const char *config_text)
{
    snprintf(w->dir, sizeof w->dir, "/tmp/test_encconfig.XXXXXX");
    assert_non_null(mkdtemp(w->dir));
    snprintf(w->config, sizeof w->config, "%s/SEP001122334455.cnf.xml", w->dir);
    snprintf(w->encrypted, sizeof w->encrypted, "%s.enc.sgn", w->config);
    snprintf(w->companion, sizeof w->companion, "%s.sgn", w->config);
    cs_error err;
    assert_int_equal(cs_write_file_atomic(w->config, config_text, strlen(config_text), 0644, &err),
                     CS_OK);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The directory holds exactly `count` entries (no temporary files). */
static void expect_entries(const workdir *w, int count)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq %d", w->dir, count);
    if (system(cmd) != 0)
        fail_msg("%s does not hold %d entries", w->dir, count);
}

static void workdir_release(workdir *w)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", w->dir);
    assert_int_equal(system(cmd), 0);
}

static const char config_xml[] = "<?xml version=\"1.0\"?>\n<device>\n  "
                                 "<ipAddressMode>0</ipAddressMode>\n  "
                                 "<sshPassword>s3cret</sshPassword>\n</device>\n";

static void test_build_and_decrypt_files(void **state)
{
    (void)state;
    workdir w;
    workdir_init(&w, config_xml);
    cs_cert *device = test_load_cert("vectors/device.pem");
    cs_key *key = test_load_key("vectors/device.pem");
    cs_signer signer;
    cs_header_spec base;
    load_signer(&signer, &base, CS_DIGEST_SHA512);
    cs_enc_signing signing = {&base, signer.key};
    cs_error err;

    /* --keep: all three. */
    assert_int_equal(cs_enc_build_file(w.config, device, &signing, true, &err), CS_OK);
    assert_true(exists(w.config) && exists(w.encrypted) && exists(w.companion));
    /* Without: the input goes once both outputs are in place. */
    assert_int_equal(cs_enc_build_file(w.config, device, &signing, false, &err), CS_OK);
    assert_false(exists(w.config));
    expect_entries(&w, 2);

    cs_buf file = CS_BUF_INIT;
    cs_header hdr;
    assert_int_equal(cs_read_file(w.encrypted, 1 << 20, &file, &err), CS_OK);
    assert_int_equal(cs_enc_parse(file.data, file.len, &hdr, &err), CS_OK);
    assert_int_equal(hdr.digest_code, CS_DIGEST_SHA512);
    assert_int_equal(hdr.enc.content_digest_code, CS_DIGEST_SHA512);
    assert_int_equal(hdr.enc.content_digest.len, 64);
    assert_string_equal((const char *)hdr.filename.data, "SEP001122334455.cnf.xml.enc.sgn");
    cs_buf_release(&file);

    /* The wrong TFTP certificate: invalid, nothing written or removed. */
    cs_cert *wrong = test_load_cert("vectors/sast.pem");
    assert_int_equal(cs_enc_decrypt_file(w.encrypted, key, wrong, false, &err), CS_INVALID);
    assert_non_null(strstr(err.message, "invalid signature"));
    expect_entries(&w, 2);
    cs_cert_free(wrong);

    assert_int_equal(cs_enc_decrypt_file(w.encrypted, key, signer.cert, false, &err), CS_OK);
    expect_entries(&w, 1);
    cs_buf plain = CS_BUF_INIT;
    assert_int_equal(cs_read_file(w.config, 1 << 20, &plain, &err), CS_OK);
    assert_int_equal(plain.len, strlen(config_xml));
    assert_memory_equal(plain.data, config_xml, plain.len);
    struct stat st;
    assert_int_equal(stat(w.config, &st), 0);
    assert_int_equal(st.st_mode & 0077, 0); /* passwords inside */
    cs_buf_release(&plain);

    /* A name that does not end in .enc.sgn cannot be decrypted. */
    assert_int_equal(cs_enc_decrypt_file(w.config, key, NULL, false, &err), CS_ERROR);
    expect_entries(&w, 1);

    cs_signer_release(&signer);
    cs_cert_free(device);
    cs_key_free(key);
    workdir_release(&w);
}

/* Tampered and wrongly keyed files: refused, nothing written or removed. */
static void test_decrypt_file_refusals(void **state)
{
    (void)state;
    workdir w;
    workdir_init(&w, config_xml);
    cs_cert *device = test_load_cert("vectors/device.pem");
    cs_key *key = test_load_key("vectors/device.pem");
    cs_key *wrong = test_load_key("vectors/apache.pem");
    cs_signer signer;
    cs_header_spec base;
    load_signer(&signer, &base, CS_DIGEST_SHA1);
    cs_enc_signing signing = {&base, signer.key};
    cs_error err;
    assert_int_equal(cs_enc_build_file(w.config, device, &signing, false, &err), CS_OK);

    assert_int_equal(cs_enc_decrypt_file(w.encrypted, wrong, NULL, false, &err), CS_ERROR);
    expect_entries(&w, 2);

    cs_buf file = CS_BUF_INIT;
    assert_int_equal(cs_read_file(w.encrypted, 1 << 20, &file, &err), CS_OK);
    file.data[file.len - 20] ^= 0x40;
    assert_int_equal(cs_write_file_atomic(w.encrypted, file.data, file.len, 0644, &err), CS_OK);
    assert_int_equal(cs_enc_decrypt_file(w.encrypted, key, NULL, false, &err), CS_INVALID);
    expect_entries(&w, 2);
    /* With the TFTP certificate, the signature catches it first. */
    assert_int_equal(cs_enc_decrypt_file(w.encrypted, key, signer.cert, false, &err), CS_INVALID);
    assert_non_null(strstr(err.message, "invalid signature"));
    expect_entries(&w, 2);
    cs_buf_release(&file);

    cs_signer_release(&signer);
    cs_cert_free(device);
    cs_key_free(key);
    cs_key_free(wrong);
    workdir_release(&w);
}

/* Every failure leaves the input alone and no output or temporary file. */
static void test_build_file_failures(void **state)
{
    (void)state;
    cs_cert *device = test_load_cert("vectors/device.pem");
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");
    cs_signer signer;
    cs_header_spec base;
    load_signer(&signer, &base, CS_DIGEST_SHA1);
    cs_enc_signing signing = {&base, signer.key};
    cs_error err;
    workdir w;

    static const char *const bad_xml[] = {"<device>", "<phone/>", ""};
    for (size_t i = 0; i < 3; i++) {
        workdir_init(&w, bad_xml[i]);
        assert_int_equal(cs_enc_build_file(w.config, device, &signing, false, &err), CS_ERROR);
        assert_true(exists(w.config));
        expect_entries(&w, 1);
        workdir_release(&w);
    }

    workdir_init(&w, config_xml);
    assert_int_equal(cs_enc_build_file(w.config, ec, &signing, false, &err), CS_ERROR);
    expect_entries(&w, 1);

    /* The companion's name is taken by a directory: the encrypted file,
     * already written to its temporary file, must not appear either. */
    assert_int_equal(mkdir(w.companion, 0755), 0);
    assert_int_equal(cs_enc_build_file(w.config, device, &signing, false, &err), CS_ERROR);
    assert_non_null(strstr(err.message, ".sgn'"));
    assert_true(exists(w.config));
    expect_entries(&w, 2);
    assert_int_equal(rmdir(w.companion), 0);
    /* And the encrypted file's. */
    assert_int_equal(mkdir(w.encrypted, 0755), 0);
    assert_int_equal(cs_enc_build_file(w.config, device, &signing, false, &err), CS_ERROR);
    expect_entries(&w, 2);
    assert_int_equal(rmdir(w.encrypted), 0);

    /* A missing input. */
    assert_int_equal(unlink(w.config), 0);
    assert_int_equal(cs_enc_build_file(w.config, device, &signing, false, &err), CS_ERROR);
    expect_entries(&w, 0);
    workdir_release(&w);

    cs_signer_release(&signer);
    cs_cert_free(device);
    cs_cert_free(ec);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_padding_count),
        cmocka_unit_test(test_aes_known_answer),
        cmocka_unit_test(test_rsa_round_trip),
        cmocka_unit_test(test_round_trip_sizes),
        cmocka_unit_test(test_round_trip_key_sizes),
        cmocka_unit_test(test_open_refuses_tampering),
        cmocka_unit_test(test_open_refuses_wrong_key),
        cmocka_unit_test(test_open_refuses_malformed_fields),
        cmocka_unit_test(test_open_follows_the_field_rule),
        cmocka_unit_test(test_device_certificates),
        cmocka_unit_test(test_vector_decrypts_to_original),
        cmocka_unit_test(test_parse_every_prefix),
        cmocka_unit_test(test_vector_companion_body),
        cmocka_unit_test(test_vector_rebuilt),
        cmocka_unit_test(test_companion_copies),
        cmocka_unit_test(test_companion_refusals),
        cmocka_unit_test(test_build_and_decrypt_files),
        cmocka_unit_test(test_decrypt_file_refusals),
        cmocka_unit_test(test_build_file_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
