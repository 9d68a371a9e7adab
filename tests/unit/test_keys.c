/* SPDX-License-Identifier: MIT */
/* Bring-your-own-PKI inputs: encrypted private keys in the formats OpenSSL
 * writes (tests/data/keys/README.md says how each was made), the keys
 * cs_cert_generate encrypts, chain files in any order, and the subject
 * names phones need. */
#include "support.h"

#include <stdlib.h>
#include <string.h>

#include "ciscosec/certgen.h"
#include "ciscosec/crypto.h"

#define PASSPHRASE "ciscosec" /* of every encrypted test key */

/* A passphrase source that counts how often it is asked. */
typedef struct fixed {
    const char *phrase;
    int calls;
} fixed;

static int give_fixed(void *ctx, const char *path, cs_buf *out, cs_error *err)
{
    (void)path;
    (void)err;
    fixed *f = ctx;
    f->calls++;
    cs_buf_append_cstr(out, f->phrase);
    return CS_OK;
}

static int refuse(void *ctx, const char *path, cs_buf *out, cs_error *err)
{
    (void)ctx;
    (void)out;
    return cs_fail(err, CS_ERROR, "no passphrase for '%s' (test)", path);
}

static const char *const encrypted_keys[] = {
    "keys/asterisk-key-pkcs8-aes256.pem",       /* PBES2, HMAC-SHA256, AES-256 */
    "keys/asterisk-key-pkcs8-aes128-sha1.pem",  /* PBES2, HMAC-SHA1, AES-128 */
    "keys/asterisk-key-traditional-aes256.pem", /* Proc-Type: 4,ENCRYPTED */
    "keys/asterisk-key-pkcs8-3des.pem",         /* PKCS#12 3DES: mbedTLS's own */
};
#define N_ENCRYPTED (sizeof encrypted_keys / sizeof encrypted_keys[0])

static void test_encrypted_keys(void **state)
{
    (void)state;
    cs_cert *cert = test_load_cert("vectors/asterisk.pem");
    for (size_t i = 0; i < N_ENCRYPTED; i++) {
        const char *path = test_data_path(encrypted_keys[i]);
        fixed f = {PASSPHRASE, 0};
        cs_passphrase pass = {give_fixed, &f};
        cs_key *key = NULL;
        cs_error err = {{0}};
        if (cs_key_load_file(path, &pass, &key, &err) != CS_OK)
            fail_msg("%s: %s", encrypted_keys[i], err.message);
        assert_int_equal(f.calls, 1);
        assert_int_equal(cs_key_matches_cert(key, cert, &err), CS_OK);
        cs_key_free(key);

        /* No source: refused, and said why. */
        assert_int_equal(cs_key_load_file(path, NULL, &key, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "encrypted and no passphrase"));
        /* A source that fails: its error. */
        cs_passphrase none = {refuse, NULL};
        assert_int_equal(cs_key_load_file(path, &none, &key, &err), CS_ERROR);
        assert_non_null(strstr(err.message, "(test)"));
    }
    /* An unencrypted key never asks. */
    fixed f = {PASSPHRASE, 0};
    cs_passphrase pass = {give_fixed, &f};
    cs_key *key = NULL;
    cs_error err;
    assert_int_equal(
        cs_key_load_file(test_data_path("keys/asterisk-key-pkcs8.pem"), &pass, &key, &err), CS_OK);
    assert_int_equal(f.calls, 0);
    cs_key_free(key);
    cs_cert_free(cert);
}

static void test_wrong_passphrase(void **state)
{
    (void)state;
    static const char *const wrong[] = {"", "ciscosed", "ciscosec ", "a much longer passphrase"};
    for (size_t i = 0; i < N_ENCRYPTED; i++) {
        for (size_t w = 0; w < sizeof wrong / sizeof wrong[0]; w++) {
            fixed f = {wrong[w], 0};
            cs_passphrase pass = {give_fixed, &f};
            cs_key *key = NULL;
            cs_error err = {{0}};
            assert_int_equal(cs_key_load_file(test_data_path(encrypted_keys[i]), &pass, &key, &err),
                             CS_ERROR);
            assert_null(key);
            if (strstr(err.message, "wrong passphrase") == NULL)
                fail_msg("%s with '%s': %s", encrypted_keys[i], wrong[w], err.message);
        }
    }
}

/* Every truncation of an encrypted key's PEM body, and parameters out of
 * bounds: an error, never a key and never a crash. */
static void test_damaged_encrypted_keys(void **state)
{
    (void)state;
    cs_buf text = CS_BUF_INIT;
    test_read_data("keys/asterisk-key-pkcs8-aes256.pem", &text);
    const char *pem = cs_buf_str(&text);
    const char *body = strchr(pem, '\n') + 1;
    const char *end = strstr(pem, "-----END");
    for (const char *cut = body; cut < end; cut = strchr(cut, '\n') + 1) {
        cs_buf damaged = CS_BUF_INIT;
        cs_buf_append(&damaged, pem, (size_t)(cut - pem));
        cs_buf_append_cstr(&damaged, end);
        cs_key *key = NULL;
        cs_error err;
        const cs_bytes phrase = {(const uint8_t *)PASSPHRASE, strlen(PASSPHRASE)};
        assert_int_equal(cs_key_parse_encrypted((const uint8_t *)cs_buf_str(&damaged),
                                                damaged.len + 1, phrase, &key, &err),
                         CS_ERROR);
        assert_null(key);
        cs_buf_release(&damaged);
    }
    cs_buf_release(&text);

    /* 10000001 iterations: refused before any hashing. */
    fixed f = {PASSPHRASE, 0};
    cs_passphrase pass = {give_fixed, &f};
    cs_key *key = NULL;
    cs_error err;
    assert_int_equal(
        cs_key_load_file(test_data_path("keys/asterisk-key-pkcs8-too-many-iterations.pem"), &pass,
                         &key, &err),
        CS_ERROR);
    assert_non_null(strstr(err.message, "unsupported or invalid encrypted private key"));
}

/* cs_cert_generate with a passphrase: PKCS#8 PBES2 that reads back with
 * it, and only with it. */
static void test_generate_encrypted(void **state)
{
    (void)state;
    cs_cert_request req;
    cs_cert_request_init(&req);
    req.common_name = "enc";
    req.organization = "Example";
    req.unit = "Voice";
    req.rsa_bits = 1024;
    req.key_passphrase = (cs_bytes){(const uint8_t *)PASSPHRASE, strlen(PASSPHRASE)};
    cs_buf pem = CS_BUF_INIT;
    pem.secret = true;
    cs_error err;
    assert_int_equal(cs_cert_generate(&req, &pem, &err), CS_OK);
    const char *text = cs_buf_str(&pem);
    assert_non_null(strstr(text, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
    assert_null(strstr(text, "-----BEGIN PRIVATE KEY-----"));
    assert_true(cs_key_pem_is_encrypted(text));

    cs_cert *cert;
    cs_key *key = NULL;
    assert_int_equal(cs_cert_parse(pem.data, pem.len + 1, &cert, &err), CS_OK);
    assert_int_equal(cs_key_parse(pem.data, pem.len + 1, &key, &err), CS_ERROR);
    assert_int_equal(cs_key_parse_encrypted(pem.data, pem.len + 1, req.key_passphrase, &key, &err),
                     CS_OK);
    assert_int_equal(cs_key_matches_cert(key, cert, &err), CS_OK);
    cs_key_free(key);
    cs_cert_free(cert);
    cs_buf_release(&pem);
}

static char *subject_of(const cs_cert *cert)
{
    cs_buf name = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_cert_subject(cert, &name, &err), CS_OK);
    char *s = strdup(cs_buf_str(&name));
    cs_buf_release(&name);
    return s;
}

static void assert_subject(const cs_cert *cert, const char *want)
{
    char *got = subject_of(cert);
    assert_string_equal(got, want);
    free(got);
}

/* A chain in any order: the leaf is the certificate taken, the others
 * follow in the file's order, and each link checks. */
static void test_chain_files(void **state)
{
    (void)state;
    cs_cert *chain = test_load_cert("keys/chain-root-first.pem");
    assert_int_equal(cs_cert_count(chain), 3);
    assert_subject(chain, "CN=pbx.example.com");
    cs_cert *at[3];
    cs_error err;
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(cs_cert_at(chain, i, &at[i], &err), CS_OK);
    assert_subject(at[1], "CN=Test Root CA,O=Example,OU=PKI");
    assert_subject(at[2], "CN=Test Issuing CA,O=Example");
    assert_true(cs_cert_signed_by(at[0], at[2]));
    assert_true(cs_cert_signed_by(at[2], at[1]));
    assert_false(cs_cert_signed_by(at[0], at[1]));
    assert_true(cs_cert_is_self_signed(at[1]));
    assert_false(cs_cert_is_self_signed(at[0]));
    for (size_t i = 0; i < 3; i++)
        cs_cert_free(at[i]);
    cs_cert *none;
    assert_int_equal(cs_cert_at(chain, 3, &none, &err), CS_ERROR);
    cs_cert_free(chain);

    cs_cert *partial = test_load_cert("keys/chain-partial.pem");
    assert_int_equal(cs_cert_count(partial), 2);
    assert_subject(partial, "CN=pbx.example.com");
    cs_cert_free(partial);
    cs_cert *one = test_load_cert("vectors/asterisk.pem");
    assert_int_equal(cs_cert_count(one), 1);
    cs_cert_free(one);
}

static void test_missing_names(void **state)
{
    (void)state;
    const char *missing[CS_CERT_NEEDED_NAMES];
    char text[CS_CERT_NAMES_TEXT_SIZE];
    cs_cert *leaf = test_load_cert("keys/chain-partial.pem");
    assert_int_equal(cs_cert_missing_names(leaf, missing), 2);
    assert_string_equal(missing[0], "O");
    assert_string_equal(missing[1], "OU");
    assert_true(cs_cert_names_problem(leaf, text, sizeof text));
    assert_string_equal(text, "the certificate's subject has no O and OU: phones need CN, O and "
                              "OU in a trust list's certificates");
    cs_cert_free(leaf);

    /* Only OU missing: named alone. */
    cs_cert *chain = test_load_cert("keys/chain-partial.pem");
    cs_cert *issuing;
    cs_error err;
    assert_int_equal(cs_cert_at(chain, 1, &issuing, &err), CS_OK);
    assert_true(cs_cert_names_problem(issuing, text, sizeof text));
    assert_non_null(strstr(text, "has no OU: "));
    cs_cert_free(issuing);
    cs_cert_free(chain);

    cs_cert *full = test_load_cert("vectors/asterisk.pem");
    assert_int_equal(cs_cert_missing_names(full, missing), 0);
    assert_false(cs_cert_names_problem(full, text, sizeof text));
    assert_string_equal(text, "");
    cs_cert_free(full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_encrypted_keys),
        cmocka_unit_test(test_wrong_passphrase),
        cmocka_unit_test(test_damaged_encrypted_keys),
        cmocka_unit_test(test_generate_encrypted),
        cmocka_unit_test(test_chain_files),
        cmocka_unit_test(test_missing_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
