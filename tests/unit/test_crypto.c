/* SPDX-License-Identifier: MIT */
/* The crypto module: certificates and keys of every kind the vectors and
 * tests/data/keys hold, signing and verifying, digests, randomness. */
#define _GNU_SOURCE /* memmem */
#include "support.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ciscosec/crypto.h"
#include "ciscosec/signer.h"

/* --- certificates and keys of every kind ------------------------------- */

static const struct {
    const char *pem;
    cs_key_type type;
    size_t bits;
    const char *serial;
    size_t public_key; /* bytes as a trust list stores it */
    size_t signature;  /* the certificate's own signatureValue */
} pems[] = {
    {"vectors/sast.pem", CS_KEY_RSA, 2048, "c1f7893d9e6eeb9c326a899bac5ee9fd", 270, 256},
    {"vectors/sast2.pem", CS_KEY_RSA, 2048, "44087863caf2fbf091a4040831b2c115", 270, 256},
    {"vectors/asterisk.pem", CS_KEY_RSA, 2048, "eaf13142ea6588df52f9afec4d5f33b6", 270, 256},
    {"vectors/apache.pem", CS_KEY_RSA, 2048, "d58dab9ca1f803b95d5f5afc3f49c6f2", 270, 256},
    {"vectors/device.pem", CS_KEY_RSA, 2048, "37b7271a1a18ecb1f8cb5d839f683c02", 270, 256},
    {"vectors/signer1024.pem", CS_KEY_RSA, 1024, "ea550e29c575da190eeedaca75e6ec3a", 140, 128},
    {"vectors/signer4096.pem", CS_KEY_RSA, 4096, "8319c5577f949b47eaa070ea3d755f86", 526, 512},
    {"vectors/apache-ec.pem", CS_KEY_EC, 384, "31a58457cd27cfb0d985c5b9e2186f52", 97, 103},
    {"vectors/tvs-ec256.pem", CS_KEY_EC, 256, "52b3c8be896cfee9c8f34fbf1df69c62", 65, 71},
};
#define N_PEMS (sizeof pems / sizeof pems[0])

static void test_vector_certificates(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PEMS; i++) {
        cs_cert *cert = test_load_cert(pems[i].pem);
        assert_int_equal(cs_cert_key_type(cert), pems[i].type);
        assert_int_equal(cs_cert_key_bits(cert), pems[i].bits);
        cs_bytes serial = cs_cert_serial(cert);
        assert_true(serial.len > 0 && serial.data[0] != 0);
        test_assert_hex(serial.data, serial.len, pems[i].serial);

        /* The public key as a trust list stores it, found inside the
         * certificate's SubjectPublicKeyInfo. */
        cs_buf pk = CS_BUF_INIT;
        cs_error err;
        assert_int_equal(cs_cert_public_key(cert, &pk, &err), CS_OK);
        assert_int_equal(pk.len, pems[i].public_key);
        cs_bytes der = cs_cert_der(cert);
        assert_non_null(memmem(der.data, der.len, pk.data, pk.len));
        if (pems[i].type == CS_KEY_RSA) {
            assert_int_equal(pk.data[0], 0x30); /* RSAPublicKey SEQUENCE */
        } else {
            assert_int_equal(pk.data[0], 0x04); /* uncompressed point */
            assert_int_equal(pk.len, 1 + 2 * ((pems[i].bits + 7) / 8));
        }
        cs_buf_release(&pk);

        /* signatureValue is the last thing in the certificate. */
        cs_bytes sig = cs_cert_signature(cert);
        assert_int_equal(sig.len, pems[i].signature);
        assert_memory_equal(der.data + der.len - sig.len, sig.data, sig.len);
        cs_cert_free(cert);
    }
}

static void test_rsa_public_key_record(void **state)
{
    (void)state;
    cs_cert *cert = test_load_cert("vectors/sast.pem");
    cs_buf pk = CS_BUF_INIT;
    cs_error err;
    assert_int_equal(cs_cert_public_key(cert, &pk, &err), CS_OK);
    /* SEQUENCE (266) { INTEGER (257: 00 || 2048-bit modulus), INTEGER 65537 } */
    static const uint8_t head[] = {0x30, 0x82, 0x01, 0x0A, 0x02, 0x82, 0x01, 0x01, 0x00};
    static const uint8_t tail[] = {0x02, 0x03, 0x01, 0x00, 0x01};
    assert_int_equal(pk.len, 270);
    assert_memory_equal(pk.data, head, sizeof head);
    assert_memory_equal(pk.data + pk.len - sizeof tail, tail, sizeof tail);
    cs_buf_release(&pk);
    cs_cert_free(cert);
}

/* DER writes a serial with its top bit set behind a 00 byte; the files
 * want the bare number. */
static void test_serial_stripping(void **state)
{
    (void)state;
    cs_cert *sast = test_load_cert("vectors/sast.pem"); /* c1..: DER 00 c1 .. */
    cs_bytes s = cs_cert_serial(sast);
    assert_int_equal(s.len, 16);
    assert_int_equal(s.data[0], 0xC1);
    assert_int_equal(s.data[-1], 0x00); /* the byte skipped, in the DER */
    cs_cert_free(sast);

    cs_cert *small = test_load_cert("keys/names-cert.pem"); /* serial 0xff: DER 00 ff */
    s = cs_cert_serial(small);
    assert_int_equal(s.len, 1);
    assert_int_equal(s.data[0], 0xFF);
    cs_cert_free(small);
}

static void test_vector_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_PEMS; i++) {
        cs_key *key = test_load_key(pems[i].pem);
        assert_int_equal(cs_key_type_of(key), pems[i].type);
        assert_int_equal(cs_key_bits(key), pems[i].bits);
        cs_cert *cert = test_load_cert(pems[i].pem);
        cs_error err;
        assert_int_equal(cs_key_matches_cert(key, cert, &err), CS_OK);
        cs_cert_free(cert);
        cs_key_free(key);
    }
}

/* PKCS#1, PKCS#8 (RSA and EC), SEC1, each alone in its file; the
 * certificate alone in PEM and in DER. */
static void test_other_encodings(void **state)
{
    (void)state;
    cs_error err;
    cs_cert *asterisk = test_load_cert("vectors/asterisk.pem");
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");

    static const char *const rsa_keys[] = {"keys/asterisk-key-pkcs1.pem",
                                           "keys/asterisk-key-pkcs8.pem"};
    for (size_t i = 0; i < 2; i++) {
        cs_key *key = test_load_key(rsa_keys[i]);
        assert_int_equal(cs_key_type_of(key), CS_KEY_RSA);
        assert_int_equal(cs_key_bits(key), 2048);
        assert_int_equal(cs_key_matches_cert(key, asterisk, &err), CS_OK);
        cs_key_free(key);
    }
    cs_key *eckey = test_load_key("keys/apache-ec-key-pkcs8.pem");
    assert_int_equal(cs_key_type_of(eckey), CS_KEY_EC);
    assert_int_equal(cs_key_bits(eckey), 384);
    assert_int_equal(cs_key_matches_cert(eckey, ec, &err), CS_OK);
    cs_key_free(eckey);

    static const char *const certs[] = {"keys/asterisk-cert.pem", "keys/asterisk-cert.der"};
    cs_bytes want = cs_cert_der(asterisk);
    for (size_t i = 0; i < 2; i++) {
        cs_cert *c = test_load_cert(certs[i]);
        cs_bytes der = cs_cert_der(c);
        assert_int_equal(der.len, want.len);
        assert_memory_equal(der.data, want.data, der.len);
        cs_cert_free(c);
    }

    /* Parsing the DER of a loaded certificate gives it back. */
    cs_cert *again;
    assert_int_equal(cs_cert_parse(want.data, want.len, &again, &err), CS_OK);
    assert_int_equal(cs_cert_der(again).len, want.len);
    cs_cert_free(again);
    cs_cert_free(ec);
    cs_cert_free(asterisk);
}

/* A signer from a certificate file and a separate key file. */
static void test_signer_from_two_files(void **state)
{
    (void)state;
    cs_signer s;
    const char *failed = NULL;
    cs_error err = {{0}};
    char cert_path[4096], key_path[4096];
    snprintf(cert_path, sizeof cert_path, "%s", test_data_path("keys/asterisk-cert.pem"));
    snprintf(key_path, sizeof key_path, "%s", test_data_path("keys/asterisk-key-pkcs1.pem"));
    assert_int_equal(cs_signer_load(&s, cert_path, key_path, NULL, &failed, &err), CS_OK);
    assert_string_equal(cs_buf_str(&s.subject), "CN=Asterisk,O=Asterisk,OU=Asterisk");
    cs_signer_release(&s);

    /* The certificate file alone has no key. */
    assert_int_equal(cs_signer_load(&s, cert_path, NULL, NULL, &failed, &err), CS_ERROR);
    assert_string_equal(failed, cert_path);
    assert_non_null(strstr(err.message, "no private key"));

    /* A key that is not the certificate's. */
    snprintf(key_path, sizeof key_path, "%s", test_data_path("vectors/sast.pem"));
    assert_int_equal(cs_signer_load(&s, cert_path, key_path, NULL, &failed, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "does not match"));

    /* EC keys cannot sign these files. */
    snprintf(cert_path, sizeof cert_path, "%s", test_data_path("vectors/apache-ec.pem"));
    assert_int_equal(cs_signer_load(&s, cert_path, NULL, NULL, &failed, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "not RSA"));
    assert_string_equal(failed, cert_path);

    snprintf(cert_path, sizeof cert_path, "%s", test_data_path("no-such.pem"));
    assert_int_equal(cs_signer_load(&s, cert_path, NULL, NULL, &failed, &err), CS_ERROR);
    assert_string_equal(failed, cert_path);
}

static void test_mismatches(void **state)
{
    (void)state;
    cs_key *asterisk = test_load_key("vectors/asterisk.pem");
    cs_key *ec = test_load_key("vectors/apache-ec.pem");
    cs_key *ec256 = test_load_key("vectors/tvs-ec256.pem");
    cs_cert *sast = test_load_cert("vectors/sast.pem");
    cs_cert *ec_cert = test_load_cert("vectors/apache-ec.pem");
    cs_cert *tvs = test_load_cert("vectors/tvs-ec256.pem");
    cs_error err = {{0}};
    assert_int_equal(cs_key_matches_cert(asterisk, sast, &err), CS_INVALID);
    assert_non_null(strstr(err.message, "does not match"));
    assert_int_equal(cs_key_matches_cert(asterisk, ec_cert, &err), CS_INVALID);
    assert_int_equal(cs_key_matches_cert(ec, sast, &err), CS_INVALID);
    assert_int_equal(cs_key_matches_cert(ec, tvs, &err), CS_INVALID);
    assert_int_equal(cs_key_matches_cert(ec256, ec_cert, &err), CS_INVALID);
    cs_key_free(asterisk);
    cs_key_free(ec);
    cs_key_free(ec256);
    cs_cert_free(sast);
    cs_cert_free(ec_cert);
    cs_cert_free(tvs);
}

static void test_load_refusals(void **state)
{
    (void)state;
    cs_cert *cert = NULL;
    cs_key *key = NULL;
    cs_error err = {{0}};
    assert_int_equal(cs_cert_load_file(test_data_path("keys/asterisk-key-pkcs8.pem"), &cert, &err),
                     CS_ERROR);
    assert_non_null(strstr(err.message, "no certificate"));
    assert_int_equal(cs_key_load_file(test_data_path("keys/asterisk-cert.pem"), NULL, &key, &err),
                     CS_ERROR);
    assert_non_null(strstr(err.message, "no private key"));
    assert_int_equal(cs_key_load_file(test_data_path("keys/asterisk-cert.der"), NULL, &key, &err),
                     CS_ERROR);
    assert_int_equal(cs_cert_load_file(test_data_path("no-such.pem"), &cert, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_int_equal(cs_key_load_file(test_data_path("no-such.pem"), NULL, &key, &err), CS_ERROR);
    assert_int_equal(cs_cert_load_file(test_data_path("vectors/empty.bin"), &cert, &err), CS_ERROR);
    assert_int_equal(cs_cert_load_file(test_data_path("vectors"), &cert, &err), CS_ERROR);
    assert_null(cert);
    assert_null(key);

    static const char garbage[] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
    assert_int_equal(cs_cert_parse((const uint8_t *)garbage, sizeof garbage, &cert, &err),
                     CS_ERROR);
    static const char bad_key[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    assert_int_equal(cs_key_parse((const uint8_t *)bad_key, sizeof bad_key, &key, &err), CS_ERROR);
    assert_null(cert);
    assert_null(key);
}

/* Every prefix of a certificate's DER, in an exact-size block. */
static void test_every_prefix_of_der(void **state)
{
    (void)state;
    cs_cert *full = test_load_cert("vectors/tvs-ec256.pem");
    cs_bytes der = cs_cert_der(full);
    for (size_t p = 0; p < der.len; p++) {
        uint8_t *copy = test_exact_copy(der.data, p);
        cs_cert *cert = NULL;
        cs_error err;
        assert_int_equal(cs_cert_parse(copy, p, &cert, &err), CS_ERROR);
        assert_null(cert);
        free(copy);
    }
    uint8_t *copy = test_exact_copy(der.data, der.len);
    cs_cert *cert;
    cs_error err;
    assert_int_equal(cs_cert_parse(copy, der.len, &cert, &err), CS_OK);
    cs_cert_free(cert);
    free(copy);
    cs_cert_free(full);
}

/* --- signatures -------------------------------------------------------- */

static void test_sign_and_verify(void **state)
{
    (void)state;
    cs_key *key = test_load_key("vectors/asterisk.pem");
    cs_cert *cert = test_load_cert("vectors/asterisk.pem");
    cs_cert *other = test_load_cert("vectors/sast.pem");
    cs_cert *ec = test_load_cert("vectors/apache-ec.pem");
    static const cs_md mds[] = {CS_MD_SHA1, CS_MD_SHA256, CS_MD_SHA512};
    for (size_t i = 0; i < 3; i++) {
        cs_md md = mds[i];
        uint8_t digest[CS_MAX_DIGEST_SIZE], sig[256], again[256];
        cs_error err;
        assert_int_equal(cs_digest(md, "signed text", 11, digest, &err), CS_OK);
        assert_int_equal(cs_key_sign(key, md, digest, sig, sizeof sig, &err), CS_OK);
        assert_int_equal(cs_cert_verify(cert, md, digest, sig, sizeof sig, &err), CS_OK);
        /* PKCS#1 v1.5 is deterministic: the reason vectors compare. */
        assert_int_equal(cs_key_sign(key, md, digest, again, sizeof again, &err), CS_OK);
        assert_memory_equal(sig, again, sizeof sig);

        assert_int_equal(cs_cert_verify(other, md, digest, sig, sizeof sig, &err), CS_INVALID);
        assert_int_equal(cs_cert_verify(ec, md, digest, sig, sizeof sig, &err), CS_ERROR);
        assert_int_equal(cs_cert_verify(cert, md, digest, sig, sizeof sig - 1, &err), CS_INVALID);
        sig[100] ^= 1;
        assert_int_equal(cs_cert_verify(cert, md, digest, sig, sizeof sig, &err), CS_INVALID);
        sig[100] ^= 1;
        digest[0] ^= 1;
        assert_int_equal(cs_cert_verify(cert, md, digest, sig, sizeof sig, &err), CS_INVALID);
        digest[0] ^= 1;
        /* The digest algorithm is part of what is signed. */
        cs_md wrong = md == CS_MD_SHA1 ? CS_MD_SHA256 : CS_MD_SHA1;
        assert_int_equal(cs_cert_verify(cert, wrong, digest, sig, sizeof sig, &err), CS_INVALID);
    }
    cs_key_free(key);
    cs_cert_free(cert);
    cs_cert_free(other);
    cs_cert_free(ec);
}

static void test_sign_refusals(void **state)
{
    (void)state;
    cs_key *ec = test_load_key("vectors/apache-ec.pem");
    cs_key *rsa = test_load_key("vectors/signer1024.pem");
    uint8_t digest[20] = {0}, sig[512];
    cs_error err = {{0}};
    assert_int_equal(cs_key_sign(ec, CS_MD_SHA1, digest, sig, 96, &err), CS_ERROR);
    assert_non_null(strstr(err.message, "RSA"));
    assert_int_equal(cs_key_sign(rsa, CS_MD_SHA1, digest, sig, 256, &err), CS_ERROR);
    assert_int_equal(cs_key_sign(rsa, CS_MD_SHA1, digest, sig, 127, &err), CS_ERROR);
    assert_int_equal(cs_key_sign(rsa, CS_MD_SHA1, digest, sig, 128, &err), CS_OK);
    cs_key_free(ec);
    cs_key_free(rsa);
}

/* --- digests ----------------------------------------------------------- */

static void test_known_digests(void **state)
{
    (void)state;
    static const struct {
        cs_md md;
        size_t size;
        const char *name, *abc;
    } known[] = {
        {CS_MD_MD5, 16, "MD5", "900150983cd24fb0d6963f7d28e17f72"},
        {CS_MD_SHA1, 20, "SHA1", "a9993e364706816aba3e25717850c26c9cd0d89d"},
        {CS_MD_SHA256, 32, "SHA256",
         "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
        {CS_MD_SHA384, 48, "SHA384",
         "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca1"
         "34c825a7"},
        {CS_MD_SHA512, 64, "SHA512",
         "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23"
         "a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        uint8_t out[CS_MAX_DIGEST_SIZE];
        cs_error err;
        assert_int_equal(cs_md_size(known[i].md), known[i].size);
        assert_string_equal(cs_md_name(known[i].md), known[i].name);
        assert_int_equal(cs_digest(known[i].md, "abc", 3, out, &err), CS_OK);
        test_assert_hex(out, known[i].size, known[i].abc);

        /* The same, a byte at a time, with empty updates between. */
        cs_hash *h;
        assert_int_equal(cs_hash_new(&h, known[i].md, &err), CS_OK);
        cs_hash_update(h, "a", 1);
        cs_hash_update(h, NULL, 0);
        cs_hash_update(h, "b", 1);
        cs_hash_update(h, "c", 1);
        cs_hash_finish(h, out);
        cs_hash_free(h);
        test_assert_hex(out, known[i].size, known[i].abc);
    }
    uint8_t out[20];
    cs_error err;
    assert_int_equal(cs_digest(CS_MD_SHA1, "", 0, out, &err), CS_OK);
    test_assert_hex(out, 20, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    cs_hash_free(NULL);
}

static void test_million_a(void **state)
{
    (void)state;
    char chunk[1000];
    memset(chunk, 'a', sizeof chunk);
    cs_hash *h;
    cs_error err;
    assert_int_equal(cs_hash_new(&h, CS_MD_SHA1, &err), CS_OK);
    for (int i = 0; i < 1000; i++)
        cs_hash_update(h, chunk, sizeof chunk);
    uint8_t out[20];
    cs_hash_finish(h, out);
    cs_hash_free(h);
    test_assert_hex(out, 20, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

/* certhash's reference output: base64 of the DER's digest. */
static void base64(const uint8_t *in, size_t len, char *out)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = alphabet[v >> 18 & 63];
        out[o++] = alphabet[v >> 12 & 63];
        out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
    }
    out[o] = '\0';
}

static void test_certhash_vectors(void **state)
{
    (void)state;
    static const char *const names[] = {"sast", "asterisk", "apache-ec", "signer4096"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[128];
        snprintf(path, sizeof path, "vectors/%s.pem", names[i]);
        cs_cert *cert = test_load_cert(path);
        cs_bytes der = cs_cert_der(cert);
        static const struct {
            cs_md md;
            const char *suffix;
        } kinds[] = {{CS_MD_SHA1, "sha1"}, {CS_MD_SHA512, "sha512"}};
        for (size_t k = 0; k < 2; k++) {
            uint8_t digest[CS_MAX_DIGEST_SIZE];
            cs_error err;
            assert_int_equal(cs_digest(kinds[k].md, der.data, der.len, digest, &err), CS_OK);
            char text[128];
            base64(digest, cs_md_size(kinds[k].md), text);
            snprintf(path, sizeof path, "vectors/%s.pem.certhash-%s.txt", names[i],
                     kinds[k].suffix);
            cs_buf want = CS_BUF_INIT;
            test_read_data(path, &want);
            while (want.len > 0 && (want.data[want.len - 1] == '\n'))
                want.len--;
            assert_string_equal(text, cs_buf_str(&want));
            cs_buf_release(&want);
        }
        cs_cert_free(cert);
    }
}

/* --- randomness and the rest ------------------------------------------- */

static void test_random(void **state)
{
    (void)state;
    uint8_t a[32], b[32], zero[32] = {0};
    cs_error err;
    assert_int_equal(cs_random(a, sizeof a, &err), CS_OK);
    assert_int_equal(cs_random(b, sizeof b, &err), CS_OK);
    assert_memory_not_equal(a, b, sizeof a);
    assert_memory_not_equal(a, zero, sizeof a);
    assert_int_equal(cs_random(a, 0, &err), CS_OK);

    /* More than one CTR_DRBG request: every part filled. */
    size_t n = 5000;
    uint8_t *big = calloc(n, 1);
    assert_non_null(big);
    assert_int_equal(cs_random(big, n, &err), CS_OK);
    size_t zeros = 0;
    for (size_t i = 0; i + 16 <= n; i += 16)
        zeros += memcmp(big + i, zero, 16) == 0;
    assert_int_equal(zeros, 0);
    free(big);
}

static void *random_in_thread(void *arg)
{
    cs_error err;
    return (void *)(intptr_t)cs_random(arg, 32, &err);
}

static void test_random_per_thread(void **state)
{
    (void)state;
    uint8_t a[32], b[32];
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, random_in_thread, a), 0);
    assert_int_equal(pthread_create(&tb, NULL, random_in_thread, b), 0);
    void *ra, *rb;
    assert_int_equal(pthread_join(ta, &ra), 0);
    assert_int_equal(pthread_join(tb, &rb), 0);
    assert_int_equal((intptr_t)ra, CS_OK);
    assert_int_equal((intptr_t)rb, CS_OK);
    assert_memory_not_equal(a, b, sizeof a);
}

static void test_version(void **state)
{
    (void)state;
    const char *v = cs_crypto_version();
    assert_int_equal(strncmp(v, "mbedTLS ", 8), 0);
    assert_true(v[8] == '2' || v[8] == '3' || v[8] == '4');
    assert_non_null(strchr(v + 8, '.'));
}

/* Released buffers that still held the text of a private key. */
static size_t key_text_freed;

static void find_key_text(const uint8_t *data, size_t len)
{
    static const char marker[] = "PRIVATE KEY";
    if (memmem(data, len, marker, sizeof marker - 1) != NULL)
        key_text_freed++;
}

/* Every loader of a file that holds a private key wipes what it read
 * before freeing it. */
static void test_loaders_wipe_key_text(void **state)
{
    (void)state;
    const char *path = test_data_path("vectors/asterisk.pem"); /* key and certificate */
    cs_error err;
    cs_cert *cert;
    cs_key *key;
    key_text_freed = 0;
    cs_buf_observe_releases(find_key_text);
    assert_int_equal(cs_cert_load_file(path, &cert, &err), CS_OK);
    cs_cert_free(cert);
    assert_int_equal(cs_key_load_file(path, NULL, &key, &err), CS_OK);
    cs_key_free(key);
    cs_signer s;
    const char *failed;
    assert_int_equal(cs_signer_load(&s, path, NULL, NULL, &failed, &err), CS_OK);
    cs_signer_release(&s);
    cs_buf_observe_releases(NULL);
    assert_int_equal(key_text_freed, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vector_certificates),
        cmocka_unit_test(test_rsa_public_key_record),
        cmocka_unit_test(test_serial_stripping),
        cmocka_unit_test(test_vector_keys),
        cmocka_unit_test(test_other_encodings),
        cmocka_unit_test(test_signer_from_two_files),
        cmocka_unit_test(test_mismatches),
        cmocka_unit_test(test_load_refusals),
        cmocka_unit_test(test_every_prefix_of_der),
        cmocka_unit_test(test_sign_and_verify),
        cmocka_unit_test(test_sign_refusals),
        cmocka_unit_test(test_known_digests),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_certhash_vectors),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_random_per_thread),
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_loaders_wipe_key_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
